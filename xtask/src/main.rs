//! `cargo run -p xtask -- seed-demo`: prints the SQL that loads the demo agencies.
//!
//! Passwords are hashed here with the Worker's own hashing code, so sign-in checks a real
//! salted hash exactly as it will for people who set their own password.

use std::fmt::Write as _;
use std::process::ExitCode;

use domain::{BuiltinRole, Email, UserState};

/// The password of every demo user who can sign in; the README states it.
const DEMO_PASSWORD: &str = "Switchboard-demo1";

struct Node {
    id: &'static str,
    parent: Option<&'static str>,
    kind: &'static str,
    name: &'static str,
}

struct User {
    id: &'static str,
    name: &'static str,
    email: &'static str,
    state: UserState,
    grants: &'static [(BuiltinRole, &'static str)],
}

struct Agency {
    id: &'static str,
    name: &'static str,
    nodes: &'static [Node],
    users: &'static [User],
}

const fn node(
    id: &'static str,
    parent: Option<&'static str>,
    kind: &'static str,
    name: &'static str,
) -> Node {
    Node {
        id,
        parent,
        kind,
        name,
    }
}

const fn user(
    id: &'static str,
    name: &'static str,
    email: &'static str,
    state: UserState,
    grants: &'static [(BuiltinRole, &'static str)],
) -> User {
    User {
        id,
        name,
        email,
        state,
        grants,
    }
}

use BuiltinRole as R;
use UserState::{Active, Invited, NotificationOnly, Suspended};

/// Brightline Media: an agency with three client accounts, groups and locations, and people in
/// every built-in role.
const BRIGHTLINE: Agency = Agency {
    id: "ag_brightline",
    name: "Brightline Media",
    nodes: &[
        node("n_brightline", None, "agency", "Brightline Media"),
        node("n_acme", Some("n_brightline"), "account", "Acme Plumbing"),
        node(
            "n_acme_downtown",
            Some("n_acme"),
            "location",
            "Acme Downtown",
        ),
        node(
            "n_acme_northside",
            Some("n_acme"),
            "location",
            "Acme Northside",
        ),
        node("n_harbor", Some("n_brightline"), "account", "Harbor Dental"),
        node("n_harbor_east", Some("n_harbor"), "group", "Harbor East"),
        node(
            "n_harbor_pier",
            Some("n_harbor_east"),
            "location",
            "Pier Street",
        ),
        node(
            "n_harbor_bay",
            Some("n_harbor_east"),
            "location",
            "Bay Road",
        ),
        node("n_summit", Some("n_brightline"), "account", "Summit Realty"),
    ],
    users: &[
        user(
            "u_avery",
            "Avery Adams",
            "admin@brightline.example",
            Active,
            &[(R::AgencyAdministrator, "n_brightline")],
        ),
        user(
            "u_blake",
            "Blake Okafor",
            "blake@brightline.example",
            Active,
            &[(R::Administrator, "n_acme")],
        ),
        user(
            "u_casey",
            "Casey Moreno",
            "casey@brightline.example",
            Active,
            &[(R::Manager, "n_harbor")],
        ),
        user(
            "u_dana",
            "Dana Whitfield",
            "dana@brightline.example",
            Active,
            &[(R::Reporting, "n_brightline")],
        ),
        user(
            "u_eli",
            "Eli Novak",
            "eli@brightline.example",
            NotificationOnly,
            &[(R::Notification, "n_acme")],
        ),
        user(
            "u_frankie",
            "Frankie Lau",
            "frankie@brightline.example",
            Active,
            &[(R::MarketingManager, "n_summit")],
        ),
        user(
            "u_gray",
            "Gray Sato",
            "gray@brightline.example",
            Active,
            &[(R::ReportManager, "n_harbor_east")],
        ),
        user(
            "u_harper",
            "Harper Quinn",
            "harper@brightline.example",
            Active,
            &[(R::CallManager, "n_acme_downtown")],
        ),
        user(
            "u_indigo",
            "Indigo Patel",
            "indigo@brightline.example",
            Active,
            &[(R::Billing, "n_brightline")],
        ),
        user(
            "u_jordan",
            "Jordan Reyes",
            "jordan@brightline.example",
            Active,
            &[(R::Supervisor, "n_harbor")],
        ),
        user(
            "u_kai",
            "Kai Lindqvist",
            "kai@brightline.example",
            Active,
            &[(R::Agent, "n_harbor_pier")],
        ),
        user(
            "u_lee",
            "Lee Harmon",
            "lee@brightline.example",
            Suspended,
            &[(R::Agent, "n_acme_downtown")],
        ),
        user(
            "u_morgan",
            "Morgan Diallo",
            "morgan@brightline.example",
            Active,
            &[(R::MessagingAgent, "n_harbor_bay")],
        ),
        user(
            "u_noor",
            "Noor Haddad",
            "noor@brightline.example",
            Active,
            &[(R::Viewer, "n_summit"), (R::Reporting, "n_acme")],
        ),
        user(
            "u_parker",
            "Parker Ellis",
            "parker@brightline.example",
            Invited,
            &[(R::Agent, "n_acme_northside")],
        ),
    ],
};

/// Northwind Calls: a second agency whose data Brightline must never see (R2).
const NORTHWIND: Agency = Agency {
    id: "ag_northwind",
    name: "Northwind Calls",
    nodes: &[
        node("n_northwind", None, "agency", "Northwind Calls"),
        node("n_rival", Some("n_northwind"), "account", "Rival Roofing"),
    ],
    users: &[
        user(
            "u_quinn",
            "Quinn Baptiste",
            "admin@northwind.example",
            Active,
            &[(R::AgencyAdministrator, "n_northwind")],
        ),
        user(
            "u_riley",
            "Riley Brandt",
            "riley@northwind.example",
            Active,
            &[(R::Agent, "n_rival")],
        ),
        // Brightline's billing contact also manages Rival Roofing for Northwind: one person,
        // two memberships, one password.
        user(
            "u_indigo_nw",
            "Indigo Patel",
            "indigo@brightline.example",
            Active,
            &[(R::Manager, "n_rival")],
        ),
    ],
};

/// After the users of a seed: each address becomes one person (migration 0013), who has the
/// password of their first membership and uses the agency of it first.
/// The demo's agents (§7): tracking numbers (each ringing through to one person), agent status
/// and agent groups.
/// An agent of the demo: id, tracking numbers, agent status and agent groups.
type DemoAgent = (
    &'static str,
    &'static [&'static str],
    Option<&'static str>,
    &'static [&'static str],
);

const DEMO_AGENTS: &[DemoAgent] = &[
    (
        "u_morgan",
        &["+14155550101", "+14155550102"],
        None,
        &["Support"],
    ),
    ("u_lee", &["+14155550103"], None, &["Sales"]),
    ("u_harper", &["+14155550104"], None, &["Sales"]),
    (
        "u_jordan",
        &["+13125550105"],
        Some("On a break"),
        &["Sales", "Spanish line"],
    ),
    ("u_parker", &[], None, &["Sales"]),
];

/// The demo's campaigns: id, name, node and agent groups.
const DEMO_CAMPAIGNS: &[(&str, &str, &str, &[&str])] = &[
    ("c_recall", "Spring recall", "n_harbor", &["Sales"]),
    (
        "c_followups",
        "Drain cleaning follow-ups",
        "n_acme",
        &["Support"],
    ),
];

/// The statements that give the demo's agents their settings (and the numbers' index), and
/// make its campaigns.
fn demo_agents(sql: &mut String, agency: &str, now: i64) {
    for (user, numbers, status, groups) in DEMO_AGENTS {
        let settings = domain::AgentSettings {
            tracking_numbers: numbers
                .iter()
                .map(|n| domain::E164::parse(n).expect("a demo number is E.164"))
                .collect(),
            agent_status: status.map(str::to_owned),
            agent_groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            ..domain::AgentSettings::default()
        };
        let json = serde_json::to_string(&settings).expect("settings serialize");
        let _ = writeln!(
            sql,
            "UPDATE users SET settings = {} WHERE id = {};",
            sql_text(&json),
            sql_text(user)
        );
        for number in *numbers {
            let _ = writeln!(
                sql,
                "INSERT INTO numbers (agency_id, number, user_id) VALUES ({}, {}, {});",
                sql_text(agency),
                sql_text(number),
                sql_text(user)
            );
        }
    }
    for (id, name, node, groups) in DEMO_CAMPAIGNS {
        let groups = serde_json::to_string(groups).expect("groups serialize");
        let _ = writeln!(
            sql,
            "INSERT INTO campaigns (agency_id, id, name, node_id, agent_groups, created_at) \
             VALUES ({}, {}, {}, {}, {}, {now});",
            sql_text(agency),
            sql_text(id),
            sql_text(name),
            sql_text(node),
            sql_text(&groups)
        );
    }
}

const PEOPLE_SQL: &str = "
INSERT INTO people (id, email, password_hash, last_agency_id, created_at)
SELECT 'p_' || id, email, password_hash, agency_id, created_at FROM users
WHERE person_id IS NULL ORDER BY rowid
ON CONFLICT (email) DO NOTHING;
UPDATE users SET person_id = (SELECT p.id FROM people p WHERE p.email = users.email)
WHERE person_id IS NULL;
";

fn sql_text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn seed(agencies: &[Agency], now: i64) -> Result<String, String> {
    let mut sql =
        String::from("-- Demo agencies, generated by `cargo run -p xtask -- seed-demo`.\n");
    for agency in agencies {
        let _ = writeln!(
            sql,
            "INSERT INTO agencies (id, name, plan, seat_price_cents, agent_groups, created_at) \
             VALUES ({}, {}, {}, 2500, {}, {now});",
            sql_text(agency.id),
            sql_text(agency.name),
            sql_text(r#"{"plan":"team","seat_override":null}"#),
            sql_text(r#"["Sales","Support","Spanish line"]"#)
        );
        let mut paths: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
        for node in agency.nodes {
            let parent = node.parent.map_or("NULL".to_owned(), sql_text);
            let above = match node.parent {
                Some(p) => paths
                    .get(p)
                    .cloned()
                    .ok_or_else(|| format!("{} is listed before its parent {p}", node.id))?,
                None => "/".to_owned(),
            };
            let path = format!("{above}{}/", node.id);
            let _ = writeln!(
                sql,
                "INSERT INTO nodes (id, agency_id, parent_id, kind, name, path, created_at) \
                 VALUES ({}, {}, {parent}, {}, {}, {}, {now});",
                sql_text(node.id),
                sql_text(agency.id),
                sql_text(node.kind),
                sql_text(node.name),
                sql_text(&path)
            );
            paths.insert(node.id, path);
        }
        for (n, user) in agency.users.iter().enumerate() {
            let email = Email::parse(user.email).map_err(|e| format!("{}: {e}", user.email))?;
            // Only people who have accepted an invitation have a password.
            let hash = match user.state {
                Active | Suspended => sql_text(
                    &switchboard_worker::password::hash(DEMO_PASSWORD)
                        .map_err(|e| e.to_string())?,
                ),
                _ => "NULL".to_owned(),
            };
            let _ = writeln!(
                sql,
                "INSERT INTO users (id, agency_id, email, name, state, password_hash, created_at) \
                 VALUES ({}, {}, {}, {}, {}, {hash}, {now});",
                sql_text(user.id),
                sql_text(agency.id),
                sql_text(email.as_str()),
                sql_text(user.name),
                sql_text(user.state.as_str())
            );
            for (g, (role, node)) in user.grants.iter().enumerate() {
                let _ = writeln!(
                    sql,
                    "INSERT INTO grants (id, agency_id, user_id, role, node_id, created_at) \
                     VALUES ({}, {}, {}, {}, {}, {now});",
                    sql_text(&format!("g_{}_{n}_{g}", agency.id)),
                    sql_text(agency.id),
                    sql_text(user.id),
                    sql_text(role.name()),
                    sql_text(node)
                );
            }
        }
        // The first person listed owns the agency.
        let _ = writeln!(
            sql,
            "UPDATE agencies SET owner_id = {} WHERE id = {};",
            sql_text(agency.users[0].id),
            sql_text(agency.id)
        );
    }
    demo_agents(&mut sql, BRIGHTLINE.id, now);
    sql.push_str(PEOPLE_SQL);
    Ok(sql)
}

/// A large agency for the load benchmark: `users` people, `nodes` nodes (accounts under the
/// agency's own), `grants` grants in all, spread deterministically. The first person is an
/// Agency Administrator; the second, who holds roles with `users.view` at three accounts (and
/// others elsewhere), sees part of the agency. Both have the demo password. Rows go in
/// multi-row INSERTs.
fn seed_large(
    id: &str,
    users: usize,
    nodes: usize,
    grants: usize,
    now: i64,
) -> Result<String, String> {
    let mut sql = format!(
        "-- A large agency for benchmarks, generated by `cargo run -p xtask -- seed-large`.\n\
         INSERT INTO agencies (id, name, plan, seat_price_cents, created_at) \
         VALUES ('{id}', 'Large Agency {users}', '{{\"plan\":\"unlimited\"}}', 2500, {now});\n"
    );
    // Nodes: the root, then each next node under one of the nodes before it, at most 5 deep.
    // (As written, `(n * 7919) % n` is always 0: every node is an account under the root.)
    let mut paths: Vec<(String, usize)> = vec![(format!("/{id}_n0/"), 0)];
    let _ = writeln!(
        sql,
        "INSERT INTO nodes (id, agency_id, parent_id, kind, name, path, created_at) \
         VALUES ('{id}_n0', '{id}', NULL, 'agency', 'Large Agency', '/{id}_n0/', {now});"
    );
    let kinds = [
        "agency", "account", "group", "subgroup", "location", "location",
    ];
    let mut rows = Vec::new();
    for n in 1..nodes {
        // A deterministic spread: parents cycle through earlier nodes that are not too deep.
        let mut parent = (n * 7919) % n;
        while paths[parent].1 >= 4 {
            parent = (parent * 31 + 1) % n;
        }
        let depth = paths[parent].1 + 1;
        let path = format!("{}{id}_n{n}/", paths[parent].0);
        rows.push(format!(
            "('{id}_n{n}', '{id}', '{id}_n{parent}', '{}', 'Node {n}', '{path}', {now})",
            kinds[depth]
        ));
        paths.push((path, depth));
    }
    for chunk in rows.chunks(500) {
        let _ = writeln!(
            sql,
            "INSERT INTO nodes (id, agency_id, parent_id, kind, name, path, created_at) VALUES {};",
            chunk.join(", ")
        );
    }
    let hash = switchboard_worker::password::hash(DEMO_PASSWORD).map_err(|e| e.to_string())?;
    let roles = [
        R::Agent,
        R::Manager,
        R::Reporting,
        R::Supervisor,
        R::Viewer,
        R::Administrator,
    ];
    let domain = id.replace('_', "-");
    let mut user_rows = Vec::new();
    let mut grant_rows = Vec::new();
    let mut g = 0usize;
    for u in 0..users {
        let (password, name) = if u == 0 {
            (sql_text(&hash), "Aaron Admin".to_owned())
        } else if u == 1 {
            // Signs in too: someone who sees part of the agency (see their grants below).
            (sql_text(&hash), format!("Person {:05}", (u * 7477) % users))
        } else {
            (
                "NULL".to_owned(),
                format!("Person {:05}", (u * 7477) % users),
            )
        };
        user_rows.push(format!(
            "('{id}_u{u}', '{id}', 'person{u}@{domain}.example', '{name}', 'active', {password}, {})",
            now + u as i64
        ));
        // Everyone gets grants/users grants, the first at the root as Agency Administrator.
        let share = grants / users + usize::from(u < grants % users);
        for k in 0..share {
            let (role, node) = if u == 0 && k == 0 {
                (R::AgencyAdministrator, 0)
            } else {
                (
                    roles[(u + k) % roles.len()],
                    1 + (u * 13 + k * 101) % (nodes - 1).max(1),
                )
            };
            grant_rows.push(format!(
                "('{id}_g{g}', '{id}', '{id}_u{u}', 'builtin', '{}', '{id}_n{node}', {now})",
                role.name()
            ));
            g += 1;
        }
    }
    for chunk in user_rows.chunks(500) {
        let _ = writeln!(
            sql,
            "INSERT INTO users (id, agency_id, email, name, state, password_hash, created_at) VALUES {};",
            chunk.join(", ")
        );
    }
    for chunk in grant_rows.chunks(500) {
        let _ = writeln!(
            sql,
            "INSERT INTO grants (id, agency_id, user_id, role_kind, role, node_id, created_at) VALUES {};",
            chunk.join(", ")
        );
    }
    let _ = writeln!(
        sql,
        "UPDATE agencies SET owner_id = '{id}_u0' WHERE id = '{id}';"
    );
    sql.push_str(PEOPLE_SQL);
    Ok(sql)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["seed-demo"] => match seed(&[BRIGHTLINE, NORTHWIND], switchboard_worker::clock::now()) {
            Ok(sql) => {
                print!("{sql}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("seed-demo: {error}");
                ExitCode::FAILURE
            }
        },
        ["seed-matrix"] => match switchboard_worker::password::hash(DEMO_PASSWORD) {
            Ok(hash) => {
                let now = switchboard_worker::clock::now();
                print!("{}", switchboard_tests::matrix::sql(now, &hash));
                print!("{}", switchboard_tests::sync_agency::sql(now, &hash));
                print!("{PEOPLE_SQL}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("seed-matrix: {error}");
                ExitCode::FAILURE
            }
        },
        ["seed-large", id, users, nodes, grants] => {
            let number = |text: &str| text.parse::<usize>().map_err(|e| format!("{text}: {e}"));
            let sql = (|| {
                seed_large(
                    id,
                    number(users)?,
                    number(nodes)?,
                    number(grants)?,
                    switchboard_worker::clock::now(),
                )
            })();
            match sql {
                Ok(sql) => {
                    print!("{sql}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("seed-large: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!(
                "usage: cargo run -p xtask -- seed-demo > demo.sql\n   \
                 or: cargo run -p xtask -- seed-large <agency id> <users> <nodes> <grants> > large.sql"
            );
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grant_names_a_node_of_its_own_agency() {
        for agency in [BRIGHTLINE, NORTHWIND] {
            for user in agency.users {
                for (_, node) in user.grants {
                    assert!(
                        agency.nodes.iter().any(|n| n.id == *node),
                        "{} → {node}",
                        user.id
                    );
                }
            }
        }
    }

    #[test]
    fn one_demo_person_belongs_to_both_agencies() {
        let both: Vec<&str> = BRIGHTLINE
            .users
            .iter()
            .filter(|b| NORTHWIND.users.iter().any(|n| n.email == b.email))
            .map(|b| b.email)
            .collect();
        assert_eq!(both, ["indigo@brightline.example"]);
    }

    #[test]
    fn the_demo_agency_has_a_dozen_people_in_many_roles() {
        assert!(BRIGHTLINE.users.len() >= 12);
        let roles: std::collections::HashSet<_> = BRIGHTLINE
            .users
            .iter()
            .flat_map(|u| u.grants.iter().map(|g| g.0))
            .collect();
        assert!(roles.len() >= 10);
    }
}
