//! The agency the authorization matrix runs in: one person per built-in role at account A,
//! each with a person to act on inside A and one outside it, in B. Defined once: the seed SQL
//! (`cargo run -p xtask -- seed-matrix`) and the test's own model of the agency come from here.

use domain::{
    Agency, BuiltinRole, CapabilitySet, CustomRole, CustomRoleId, Grant, GrantId, Millis, Node,
    NodeId, NodeKind, Plan, Snapshot, User, UserId, UserState,
};

pub const AGENCY: &str = "ag_matrix";
pub const OWNER: &str = "u_m_owner";
pub const OWNER_EMAIL: &str = "owner@matrix.example";
pub const CUSTOM_ROLE: &str = "r_m_custom";

/// Nodes: id, parent, kind, name.
pub const NODES: &[(&str, Option<&str>, NodeKind, &str)] = &[
    ("m_root", None, NodeKind::Agency, "Matrix Agency"),
    ("m_a", Some("m_root"), NodeKind::Account, "Account A"),
    ("m_a1", Some("m_a"), NodeKind::Location, "A One"),
    ("m_b", Some("m_root"), NodeKind::Account, "Account B"),
    ("m_b1", Some("m_b"), NodeKind::Location, "B One"),
];

/// One person of the agency: id, e-mail, name, role and node of their one grant, and whether
/// they sign in (actors do).
#[derive(Clone, Debug)]
pub struct Person {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: BuiltinRole,
    pub node: &'static str,
    pub signs_in: bool,
}

impl Person {
    pub fn grant(&self) -> String {
        format!("g_{}", self.id)
    }
}

/// The actor for the i-th built-in role, and the two people they act on.
pub fn actor(i: usize) -> String {
    format!("u_m_{i}")
}
pub fn inside(i: usize) -> String {
    format!("u_m_{i}_in")
}
pub fn outside(i: usize) -> String {
    format!("u_m_{i}_out")
}

/// Everyone, the owner first.
pub fn people() -> Vec<Person> {
    let mut out = vec![Person {
        id: OWNER.into(),
        email: OWNER_EMAIL.into(),
        name: "Matrix Owner".into(),
        role: BuiltinRole::AgencyAdministrator,
        node: "m_root",
        signs_in: true,
    }];
    for (i, role) in BuiltinRole::ALL.iter().enumerate() {
        out.push(Person {
            id: actor(i),
            email: format!("actor{i}@matrix.example"),
            name: format!("Actor {i} {}", role.name()),
            role: *role,
            node: "m_a",
            signs_in: true,
        });
        for (id, node, place) in [(inside(i), "m_a1", "in"), (outside(i), "m_b1", "out")] {
            out.push(Person {
                email: format!("{id}@matrix.example").replace('_', "-"),
                name: format!("Target {i} {place}"),
                id,
                role: BuiltinRole::Agent,
                node,
                signs_in: false,
            });
        }
    }
    out
}

/// The custom role's capabilities.
pub fn custom_capabilities() -> CapabilitySet {
    CapabilitySet::of(&[domain::Capability::CallsViewAll])
}

/// The agency as `domain` models it, exactly as the seed writes it.
pub fn snapshot() -> Snapshot {
    let nodes = NODES
        .iter()
        .map(|&(id, parent, kind, name)| Node {
            id: NodeId(id.into()),
            parent: parent.map(|p| NodeId(p.into())),
            kind,
            name: name.into(),
        })
        .collect();
    let people = people();
    let users = people
        .iter()
        .map(|p| User::new(UserId(p.id.clone()), &p.email, &p.name, UserState::Active))
        .collect();
    let grants = people
        .iter()
        .map(|p| Grant {
            id: GrantId(p.grant()),
            user: UserId(p.id.clone()),
            role: domain::RoleRef::Builtin(p.role),
            node: NodeId(p.node.into()),
            starts_at: None,
            ends_at: None,
        })
        .collect();
    let roles = vec![CustomRole {
        id: CustomRoleId(CUSTOM_ROLE.into()),
        name: "Call Watcher".into(),
        capabilities: custom_capabilities(),
    }];
    let agency = Agency::new(
        AGENCY,
        "Matrix Agency",
        Plan::Unlimited,
        UserId(OWNER.into()),
        2500,
    );
    Snapshot::build(agency, nodes, users, roles, grants).expect("the matrix agency fits together")
}

fn text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// The rows of an agency with an unlimited plan, its nodes and its people (one grant each);
/// those who sign in get `password_hash`. The owner is set apart (`owner_id`).
pub fn agency_sql(
    agency: &str,
    name: &str,
    nodes: &[(&str, Option<&str>, NodeKind, &str)],
    people: &[Person],
    now: Millis,
    password_hash: &str,
) -> String {
    let mut sql = String::new();
    sql.push_str(&format!(
        "INSERT INTO agencies (id, name, plan, seat_price_cents, created_at) \
         VALUES ({}, {}, '{{\"plan\":\"unlimited\"}}', 2500, {now});\n",
        text(agency),
        text(name)
    ));
    let mut paths: Vec<(&str, String)> = Vec::new();
    for &(id, parent, kind, name) in nodes {
        let above = parent
            .and_then(|p| paths.iter().find(|(n, _)| *n == p))
            .map_or("/".to_owned(), |(_, path)| path.clone());
        let path = format!("{above}{id}/");
        let agency = text(agency);
        sql.push_str(&format!(
            "INSERT INTO nodes (id, agency_id, parent_id, kind, name, path, created_at) \
             VALUES ({}, {agency}, {}, {}, {}, {}, {now});\n",
            text(id),
            parent.map_or("NULL".into(), text),
            text(kind.as_str()),
            text(name),
            text(&path)
        ));
        paths.push((id, path));
    }
    for p in people {
        let hash = if p.signs_in {
            text(password_hash)
        } else {
            "NULL".into()
        };
        let agency = text(agency);
        sql.push_str(&format!(
            "INSERT INTO users (id, agency_id, email, name, state, password_hash, created_at) \
             VALUES ({}, {agency}, {}, {}, 'active', {hash}, {now});\n",
            text(&p.id),
            text(&p.email),
            text(&p.name)
        ));
        sql.push_str(&format!(
            "INSERT INTO grants (id, agency_id, user_id, role_kind, role, node_id, created_at) \
             VALUES ({}, {agency}, {}, 'builtin', {}, {}, {now});\n",
            text(&p.grant()),
            text(&p.id),
            text(p.role.name()),
            text(p.node)
        ));
    }
    sql
}

/// The seed SQL; `password_hash` is the stored form of the demo password.
pub fn sql(now: Millis, password_hash: &str) -> String {
    let mut sql = String::from("-- The authorization matrix's agency (tests only).\n");
    sql.push_str(&agency_sql(
        AGENCY,
        "Matrix Agency",
        NODES,
        &people(),
        now,
        password_hash,
    ));
    let capabilities = serde_json::to_string(&custom_capabilities()).unwrap_or_default();
    sql.push_str(&format!(
        "INSERT INTO custom_roles (id, agency_id, name, capabilities, created_at) \
         VALUES ('{CUSTOM_ROLE}', '{AGENCY}', 'Call Watcher', {}, {now});\n",
        text(&capabilities)
    ));
    sql.push_str(&format!(
        "UPDATE agencies SET owner_id = '{OWNER}' WHERE id = '{AGENCY}';\n"
    ));
    sql
}
