//! Loads the part of an agency that a command's decision needs (`domain::Needs`), in one D1
//! batch: the people, their grants, the ancestry of every node involved, the custom roles, the
//! agency row and the agency-wide counts.

use std::str::FromStr;

use domain::access::{BuiltinRole, CapabilitySet};
use domain::{
    Agency, AgencyCounts, CustomRole, CustomRoleId, Grant, Millis, Needs, Node, NodeKind, Plan,
    RoleRef, Snapshot, User, UserId, UserState,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use worker::wasm_bindgen::JsValue;

use super::Db;
use super::millis;
use crate::error::ApiError;

/// Every statement starts from the same parameters, so each binds all of them. `?1` is the
/// agency, or the digest of the caller's session or token when the caller comes with the load.
/// With `needs`, only the lists it names become columns (SQLite prepares the rest for nothing).
fn params_cte(who: &Who<'_>, needs: Option<&Needs>) -> String {
    let named = |empty: fn(&Needs) -> bool| needs.is_none_or(|n| !empty(n));
    let columns = [
        (named(|n| n.users.is_empty()), "?2 AS users"),
        (named(|n| n.grants.is_empty()), "?3 AS grants"),
        (named(|n| n.emails.is_empty()), "?4 AS emails"),
        (named(|n| n.holders_of.is_empty()), "?5 AS holders_of"),
        (named(|n| n.contents_of.is_empty()), "?6 AS contents_of"),
        (named(|n| n.numbers.is_empty()), "?7 AS numbers"),
        (named(|n| n.roles.is_empty()), "?9 AS roles"),
        // Always: D1 wants as many parameters bound as the highest one the statement names.
        (true, "?11 AS now"),
    ];
    let rest: String = columns
        .iter()
        .filter(|(wanted, _)| *wanted)
        .map(|(_, column)| format!(", {column}"))
        .collect();
    let nodes = if named(|n| n.nodes.is_empty()) {
        ", ?8 AS nodes"
    } else {
        ""
    };
    match who {
        Who::Person { .. } => {
            format!("p AS (SELECT ?1 AS agency, NULL AS caller{nodes}{rest})")
        }
        Who::Session(_) => format!(
            "p AS (SELECT s.agency_id AS agency, s.user_id AS caller{nodes}{rest}
                FROM sessions s WHERE s.token_hash = ?1)"
        ),
        Who::Service(_) => format!(
            "p AS (SELECT t.agency_id AS agency, NULL AS caller{nodes}{rest}
                FROM service_tokens t WHERE t.token_hash = ?1)"
        ),
        // A token's nodes are loaded too: its scope is cut to them.
        Who::Token(_) => format!(
            "p AS (SELECT t.agency_id AS agency, t.user_id AS caller,
                (SELECT json_group_array(value) FROM (SELECT value FROM json_each(?8)
                    UNION SELECT value FROM json_each(t.nodes))) AS nodes{rest}
                FROM api_tokens t WHERE t.token_hash = ?1)"
        ),
    }
}

/// How many parameters the load statement binds; a `Column` numbers its own after them.
pub const LOAD_PARAMETERS: usize = 11;

/// One more scalar subquery for the load statement to answer beside the agency's documents, with
/// its parameters (numbered from `LOAD_PARAMETERS + 1`).
pub struct Column {
    pub sql: String,
    pub params: Vec<JsValue>,
}

/// What a load read: the caller's row (for a session or token), the partial snapshot (none if
/// the agency was not found), and the results of the extra statements sent with it.
pub struct Loaded {
    pub actor: Option<serde_json::Value>,
    pub snapshot: Option<Snapshot>,
    /// The extra columns' values, in order.
    pub extra: Vec<Option<String>>,
}

/// Whose load this is.
#[derive(Clone, Copy, Debug)]
pub enum Who<'a> {
    /// A known person of a known agency (the Worker already knows who acts).
    Person { agency: &'a str },
    /// Whoever holds the session with this token digest: the caller is read in the same batch.
    Session(&'a str),
    /// Whoever holds the API token with this digest.
    Token(&'a str),
    /// The platform, with the service token of this digest: the agency is read from it, and
    /// there is no caller among its people.
    Service(&'a str),
}

/// The people the decision reads: the caller, named ones, holders of named grants, holders of
/// named roles and of grants at named nodes, owners of named addresses and numbers. Each term
/// reads by an index, so the rows read follow what was named, not the agency's size. Only the
/// terms a decision names are written, so SQLite plans (and D1 prepares) no more than it runs.
fn wanted_sql(needs: &Needs, who: &Who<'_>) -> String {
    let caller = !matches!(who, Who::Person { .. } | Who::Service(_));
    let named = [
        // The caller and the named people are one term: D1 allows five in a compound SELECT.
        (caller && needs.users.is_empty(), "SELECT caller FROM p"),
        (
            caller && !needs.users.is_empty(),
            "SELECT value FROM p, json_each(json_insert(p.users, '$[#]', p.caller))",
        ),
        (
            !caller && !needs.users.is_empty(),
            "SELECT value FROM p, json_each(p.users)",
        ),
        (
            !needs.grants.is_empty(),
            "SELECT g.user_id FROM p CROSS JOIN json_each(p.grants) j
                CROSS JOIN grants g ON g.id = j.value WHERE g.agency_id = p.agency",
        ),
        (
            !needs.holders_of.is_empty(),
            "SELECT g.user_id FROM p CROSS JOIN json_each(p.holders_of) j
                CROSS JOIN grants g ON g.agency_id = p.agency AND g.role_kind = 'custom'
                    AND g.role = j.value",
        ),
        (
            !needs.contents_of.is_empty(),
            "SELECT g.user_id FROM p CROSS JOIN json_each(p.contents_of) j
                CROSS JOIN grants g ON g.agency_id = p.agency AND g.node_id = j.value",
        ),
        (
            !needs.emails.is_empty(),
            "SELECT u.id FROM p CROSS JOIN json_each(p.emails) j
                CROSS JOIN users u ON u.email = j.value WHERE u.agency_id = p.agency",
        ),
    ];
    let terms: Vec<&str> = named
        .iter()
        .filter(|(wanted, _)| *wanted)
        .map(|(_, sql)| *sql)
        .collect();
    // The caller alone (most reads): one row, nothing to merge.
    if terms == ["SELECT caller FROM p"] && needs.numbers.is_empty() && !needs.listed {
        return "wanted_all(id) AS (SELECT caller FROM p)".into();
    }
    // The numbers' owners join in `wanted_all`, to keep to five terms.
    let terms = if terms.is_empty() {
        "SELECT NULL WHERE 0".to_owned()
    } else {
        terms.join("\n UNION ")
    };
    let mut sql = format!("wanted(id) AS ({terms}),\n");
    // DISTINCT: with one term nothing else removes a person named twice.
    sql.push_str("wanted_all(id) AS MATERIALIZED (SELECT DISTINCT id FROM wanted");
    if !needs.numbers.is_empty() {
        sql.push_str(
            "\n UNION SELECT n.user_id FROM p CROSS JOIN json_each(p.numbers) j
                CROSS JOIN numbers n ON n.agency_id = p.agency AND n.number = j.value",
        );
    }
    // Everyone with an agent status or in an agent group: a list shrinks, they come off it.
    if needs.listed {
        sql.push_str(
            "\n UNION SELECT u.id FROM p CROSS JOIN users u ON u.agency_id = p.agency
                WHERE u.state != 'deleted' AND u.settings IS NOT NULL
                  AND (json_extract(u.settings, '$.agent_status') IS NOT NULL
                       OR json_array_length(u.settings, '$.agent_groups') > 0)",
        );
    }
    sql.push(')');
    sql
}

/// The agency `a` as an `AgencyRow`.
pub(super) const AGENCY_JSON: &str = "json_object('id', a.id, 'name', a.name, 'plan', a.plan,
    'owner_id', a.owner_id, 'seat_price_cents', a.seat_price_cents,
    'agent_statuses', a.agent_statuses, 'agent_groups', a.agent_groups, 'logins', a.logins,
    'dialers', a.dialers, 'top_administrators', a.top_administrators,
    'require_two_factor', a.require_two_factor, 'counts_valid_until', a.counts_valid_until,
    'session_idle_minutes', a.session_idle_minutes)";

/// The person `u` as a `UserRow`.
const USER_JSON: &str = "json_object('id', u.id, 'email', u.email, 'name', u.name,
    'state', u.state, 'calling_enabled', u.calling_enabled, 'contact_edit', u.contact_edit,
    'invitation_expires_at', u.invitation_expires_at, 'support', u.support,
    'settings', u.settings)";

/// The node `n` as a `NodeRow` (as `users.access_json` keeps them, migration 0012).
pub(super) const NODE_JSON: &str =
    "json_object('id', n.id, 'parent_id', n.parent_id, 'kind', n.kind,
    'name', n.name)";

/// The active people holding an administrator grant at the root (R14).
const TOP_ADMINISTRATORS: &str = "SELECT count(DISTINCT u.id) FROM users u, p
     JOIN grants g ON g.user_id = u.id AND g.agency_id = p.agency
     JOIN nodes n ON n.id = g.node_id AND n.parent_id IS NULL
     WHERE u.agency_id = p.agency AND u.state = 'active' AND g.role_kind = 'builtin'
       AND g.role IN ('Agency Administrator', 'Administrator')
       AND (g.starts_at IS NULL OR g.starts_at <= p.now)
       AND (g.ends_at IS NULL OR g.ends_at > p.now)";

/// The next moment a count could change by itself: a grant starts or ends, an invitation expires.
const NEXT_CHANGE: &str = "SELECT COALESCE(min(at), 8640000000000000) FROM (
         SELECT g.starts_at AS at FROM grants g, p WHERE g.agency_id = p.agency AND g.starts_at > p.now
         UNION ALL SELECT g.ends_at FROM grants g, p WHERE g.agency_id = p.agency AND g.ends_at > p.now
         UNION ALL SELECT u.invitation_expires_at FROM users u, p
             WHERE u.agency_id = p.agency AND u.state = 'invited' AND u.invitation_expires_at > p.now)";

#[derive(Deserialize)]
pub(super) struct AgencyRow {
    id: String,
    name: String,
    plan: String,
    owner_id: Option<String>,
    seat_price_cents: u32,
    agent_statuses: String,
    agent_groups: String,
    logins: u32,
    dialers: u32,
    top_administrators: u32,
    require_two_factor: i64,
    counts_valid_until: Millis,
    #[serde(default)]
    session_idle_minutes: Option<u32>,
}

#[derive(Deserialize)]
struct CountsRow {
    logins: u32,
    dialers: u32,
    top_administrators: u32,
}

/// A person's row; it reads from an object or, field by field, from an array.
#[derive(Deserialize)]
pub(super) struct UserRow {
    id: String,
    email: String,
    name: String,
    state: UserState,
    calling_enabled: i64,
    contact_edit: i64,
    invitation_expires_at: Option<Millis>,
    support: i64,
    settings: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct GrantRow {
    id: String,
    user_id: String,
    role_kind: String,
    role: String,
    node_id: String,
    starts_at: Option<Millis>,
    ends_at: Option<Millis>,
}

#[derive(Deserialize)]
pub(super) struct NodeRow {
    id: String,
    parent_id: Option<String>,
    kind: NodeKind,
    name: String,
}

#[derive(Deserialize)]
pub(super) struct RoleRow {
    id: String,
    name: String,
    capabilities: String,
}

impl UserRow {
    pub(super) fn into_user(self) -> Result<User, ApiError> {
        let mut user = User::new(UserId(self.id), &self.email, &self.name, self.state);
        user.calling_enabled = self.calling_enabled != 0;
        user.contact_edit = self.contact_edit != 0;
        user.invitation_expires_at = self.invitation_expires_at;
        user.support = self.support != 0;
        if let Some(settings) = self.settings {
            user.settings = json(&settings)?;
        }
        Ok(user)
    }
}

impl AgencyRow {
    pub(super) fn into_agency(self) -> Result<Agency, ApiError> {
        Ok(Agency {
            id: self.id,
            name: self.name,
            plan: json::<Plan>(&self.plan)?,
            owner: UserId(self.owner_id.unwrap_or_default()),
            seat_price_cents: self.seat_price_cents,
            agent_statuses: json(&self.agent_statuses)?,
            agent_groups: json(&self.agent_groups)?,
            require_two_factor: self.require_two_factor != 0,
            session_idle_minutes: self.session_idle_minutes,
        })
    }
}

impl GrantRow {
    pub(super) fn into_grant(self) -> Result<Grant, ApiError> {
        let role = match self.role_kind.as_str() {
            "custom" => RoleRef::Custom(CustomRoleId(self.role)),
            _ => RoleRef::Builtin(
                BuiltinRole::from_str(&self.role).map_err(|e| ApiError::Internal(e.to_string()))?,
            ),
        };
        Ok(Grant {
            id: self.id.as_str().into(),
            user: UserId(self.user_id),
            role,
            node: self.node_id.as_str().into(),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
        })
    }
}

impl NodeRow {
    pub(super) fn into_node(self) -> Node {
        Node {
            id: self.id.as_str().into(),
            parent: self.parent_id.map(|p| p.as_str().into()),
            kind: self.kind,
            name: self.name,
        }
    }
}

/// A caller's part of the agency as the fast load builds it from their kept access
/// (`users.access_json`): the agency, its top node, the caller, and what the kept value names.
pub fn from_kept_access(
    agency: Agency,
    top: Node,
    user: User,
    access_json: &str,
) -> Result<Snapshot, ApiError> {
    let (grants, nodes, roles) = json::<Access>(access_json)?.into_parts()?;
    let nodes = std::iter::once(top).chain(nodes).collect();
    Snapshot::build(agency, nodes, vec![user], roles, grants)
        .map_err(|e| ApiError::Internal(format!("kept access is inconsistent: {e}")))
}

impl RoleRow {
    /// The role as `domain` has it (the capabilities are stored as JSON).
    pub(super) fn into_role(self) -> Result<CustomRole, ApiError> {
        Ok(CustomRole {
            id: CustomRoleId(self.id),
            name: self.name,
            capabilities: json::<CapabilitySet>(&self.capabilities)?,
        })
    }
}

pub(super) fn json<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Internal(format!("stored JSON: {e}")))
}

fn list<T: serde::Serialize>(items: impl IntoIterator<Item = T>) -> JsValue {
    let items: Vec<T> = items.into_iter().collect();
    JsValue::from_str(&serde_json::to_string(&items).unwrap_or_else(|_| "[]".into()))
}

/// The roles whose grants give `login` and `calls.make`, as SQL sees them.
fn builtin_with(capability: domain::Capability) -> String {
    let names: Vec<&str> = BuiltinRole::ALL
        .iter()
        .filter(|r| r.capabilities().contains(capability))
        .map(|r| r.name())
        .collect();
    serde_json::to_string(&names).unwrap_or_default()
}

/// Loads what `needs` names from the agency and builds the partial snapshot, with the
/// agency-wide counts, in one D1 round trip. For a session or a token, the caller's row comes
/// in the same batch (`None` when the credential names no one).
pub async fn load(
    db: &Db,
    who: Who<'_>,
    needs: &Needs,
    now: Millis,
    extra: Vec<Column>,
) -> Result<Loaded, ApiError> {
    let first = match who {
        Who::Person { agency }
        | Who::Session(agency)
        | Who::Token(agency)
        | Who::Service(agency) => agency,
    };
    let mut params = vec![
        first.into(),
        list(needs.users.iter().map(|u| &u.0)),
        list(needs.grants.iter().map(|g| &g.0)),
        list(needs.emails.iter()),
        list(needs.holders_of.iter().map(|r| &r.0)),
        list(needs.contents_of.iter().map(|n| &n.0)),
        list(needs.numbers.iter()),
        list(needs.nodes.iter().map(|n| &n.0)),
        list(needs.roles.iter().map(|r| &r.0)),
        JsValue::from_f64(if needs.all_roles { 1.0 } else { 0.0 }),
        millis(now),
    ];
    debug_assert_eq!(params.len(), LOAD_PARAMETERS);
    let mut extra_columns = String::new();
    for (i, column) in extra.iter().enumerate() {
        extra_columns.push_str(&format!(",\n {} AS extra_{i}", column.sql));
    }
    let extra_count = extra.len();
    for column in extra {
        params.extend(column.params);
    }
    // A session's caller alone (most reads): their access is kept beside them (migration
    // 0012), so the statement reads three rows and SQLite prepares a small one.
    if matches!(who, Who::Session(_)) && caller_only(needs) {
        let sql = format!(
            "WITH {} SELECT ({}) AS actor, {AGENCY_JSON} AS agency,
               json_array({USER_JSON}) AS users, u.access_json AS access,
               (SELECT json_group_array({NODE_JSON}) FROM nodes n
                WHERE n.agency_id = a.id AND n.parent_id IS NULL) AS top{extra_columns}
             FROM sessions s
             JOIN users u ON u.id = s.user_id AND u.agency_id = s.agency_id
             JOIN agencies a ON a.id = s.agency_id
             WHERE s.token_hash = ?1",
            params_cte(&who, Some(needs)),
            super::sessions::ACTOR_JSON,
        );
        let row = db.prepare(sql).bind(&params)?.all().await?.first_row()?;
        let Some(row) = row else {
            // No such session: no caller, and nothing else was read.
            return Ok(Loaded {
                actor: None,
                snapshot: None,
                extra: vec![None; extra_count],
            });
        };
        let columns = Columns(&row);
        if let Some(access) = columns.text("access")?.filter(|a| !a.is_empty()) {
            let access: Access = json(&access)?;
            let mut nodes: Vec<NodeRow> = json(&columns.document("top")?)?;
            nodes.extend(access.nodes);
            let rows = Rows {
                users: json(&columns.document("users")?)?,
                grants: access.grants,
                nodes,
                roles: access.roles,
                campaigns: Vec::new(),
            };
            return build(db, &columns, rows, extra_count, &params, now).await;
        }
        // Not kept (a database written around the triggers): the general statement below.
    }
    let params_sql = params_cte(&who, Some(needs));
    let params_ref = &params_sql;
    // The caller comes back as one more JSON column of the same statement.
    let actor_sql = match who {
        Who::Person { .. } => "NULL",
        Who::Session(_) => super::sessions::ACTOR_SQL,
        Who::Token(_) => super::tokens::ACTOR_SQL,
        Who::Service(_) => super::platform::CALLER_SQL,
    };
    let wanted = wanted_sql(needs, &who);
    // A token's own nodes join the named ones in `p.nodes`: its scope is cut to them.
    let named_nodes = if needs.nodes.is_empty() && !matches!(who, Who::Token(_)) {
        ""
    } else {
        "SELECT value FROM p, json_each(p.nodes) UNION "
    };
    // The agency's campaigns, whole, and the nodes they live at.
    let (campaign_nodes, campaigns) = if needs.campaigns {
        (
            "\n UNION SELECT c.node_id FROM p CROSS JOIN campaigns c ON c.agency_id = p.agency",
            ",\n (SELECT json_group_array(json_object('id', c.id, 'name', c.name,
                   'node', c.node_id, 'agent_groups', json(c.agent_groups)))
              FROM p CROSS JOIN campaigns c ON c.agency_id = p.agency) AS campaigns",
        )
    } else {
        ("", "")
    };
    let every_node = if needs.all_nodes {
        "\n UNION SELECT n.id FROM p CROSS JOIN nodes n ON n.agency_id = p.agency"
    } else {
        ""
    };
    let children = if needs.contents_of.is_empty() {
        ""
    } else {
        "\n UNION SELECT n.id, n.parent_id, n.kind, n.name FROM p
                 CROSS JOIN json_each(p.contents_of) j CROSS JOIN nodes n ON n.parent_id = j.value
             WHERE n.agency_id = p.agency"
    };
    let which_roles = if needs.all_roles {
        ""
    } else if needs.roles.is_empty() {
        "AND r.id IN (SELECT role FROM held_grants WHERE role_kind = 'custom')"
    } else {
        "AND (r.id IN (SELECT value FROM json_each(p.roles))
              OR r.id IN (SELECT role FROM held_grants WHERE role_kind = 'custom'))"
    };
    // Everything but the caller comes back as one row of JSON documents: the wanted people are
    // worked out once, and D1 runs one statement instead of five.
    let load_sql = format!(
        "WITH RECURSIVE {params_ref}, {wanted},
         held_grants AS MATERIALIZED (
             SELECT g.id, g.user_id, g.role_kind, g.role, g.node_id, g.starts_at, g.ends_at
             FROM p CROSS JOIN wanted_all w CROSS JOIN grants g
                 ON g.agency_id = p.agency AND g.user_id = w.id
         ),
         starts(id) AS (
             {named_nodes}SELECT node_id FROM held_grants
             UNION SELECT n.id FROM p CROSS JOIN nodes n
                 ON n.agency_id = p.agency AND n.parent_id IS NULL{campaign_nodes}{every_node}
         ),
         up(id) AS (
             SELECT id FROM starts
             UNION SELECT n.parent_id FROM nodes n JOIN up ON n.id = up.id
                 WHERE n.parent_id IS NOT NULL
         ),
         loaded_nodes AS (
             SELECT n.id, n.parent_id, n.kind, n.name FROM p CROSS JOIN up CROSS JOIN nodes n
                 ON n.id = up.id
             WHERE n.agency_id = p.agency{children}
         )
         SELECT ({actor_sql}) AS actor,
           (SELECT {AGENCY_JSON} FROM agencies a, p WHERE a.id = p.agency) AS agency,
           (SELECT json_group_array({USER_JSON})
            FROM p CROSS JOIN wanted_all w CROSS JOIN users u ON u.id = w.id
            WHERE u.agency_id = p.agency) AS users,
           (SELECT json_group_array(json_object('id', id, 'user_id', user_id,
                   'role_kind', role_kind, 'role', role, 'node_id', node_id,
                   'starts_at', starts_at, 'ends_at', ends_at))
            FROM held_grants) AS grants,
           (SELECT json_group_array({NODE_JSON}) FROM loaded_nodes n) AS nodes,
           (SELECT json_group_array(json_object('id', r.id, 'name', r.name,
                   'capabilities', r.capabilities))
            FROM custom_roles r, p
            WHERE r.agency_id = p.agency
              {which_roles}) AS roles{campaigns}{extra_columns}"
    );
    let row = db
        .prepare(load_sql)
        .bind(&params)?
        .all()
        .await?
        .first_row()?
        .ok_or_else(|| ApiError::Internal("the load answered no row".into()))?;
    let columns = Columns(&row);
    // Without the agency (no caller, or no such agency) nothing else was read.
    if columns.text("agency")?.is_none() {
        return build(db, &columns, Rows::default(), extra_count, &params, now).await;
    }
    let rows = Rows {
        users: json(&columns.document("users")?)?,
        grants: json(&columns.document("grants")?)?,
        nodes: json(&columns.document("nodes")?)?,
        roles: json(&columns.document("roles")?)?,
        campaigns: if needs.campaigns {
            json(&columns.document("campaigns")?)?
        } else {
            Vec::new()
        },
    };
    build(db, &columns, rows, extra_count, &params, now).await
}

/// Whether a decision needs no one and nothing but the caller.
fn caller_only(needs: &Needs) -> bool {
    needs.users.is_empty()
        && needs.grants.is_empty()
        && needs.nodes.is_empty()
        && needs.contents_of.is_empty()
        && needs.roles.is_empty()
        && needs.holders_of.is_empty()
        && needs.emails.is_empty()
        && needs.numbers.is_empty()
        && !needs.all_roles
        && !needs.all_nodes
        && !needs.campaigns
        && !needs.listed
}

/// A person's kept access (`users.access_json`, migration 0012). The nodes may be left out
/// by whoever holds the tree already.
#[derive(Deserialize)]
pub(super) struct Access {
    grants: Vec<GrantRow>,
    #[serde(default)]
    nodes: Vec<NodeRow>,
    roles: Vec<RoleRow>,
}

/// Grants, nodes and custom roles as `domain` has them.
pub(super) type Parts = (Vec<Grant>, Vec<Node>, Vec<CustomRole>);

impl Access {
    pub(super) fn into_parts(self) -> Result<Parts, ApiError> {
        let grants = self
            .grants
            .into_iter()
            .map(GrantRow::into_grant)
            .collect::<Result<_, _>>()?;
        let nodes = self.nodes.into_iter().map(NodeRow::into_node).collect();
        let roles = self
            .roles
            .into_iter()
            .map(RoleRow::into_role)
            .collect::<Result<_, _>>()?;
        Ok((grants, nodes, roles))
    }
}

/// The rows a snapshot is built from.
#[derive(Default)]
struct Rows {
    users: Vec<UserRow>,
    grants: Vec<GrantRow>,
    nodes: Vec<NodeRow>,
    roles: Vec<RoleRow>,
    campaigns: Vec<domain::Campaign>,
}

/// The one row a load statement answers, each column a JSON document (or NULL) read as text.
pub(super) struct Columns<'a>(pub(super) &'a JsValue);

impl Columns<'_> {
    pub(super) fn text(&self, name: &str) -> Result<Option<String>, ApiError> {
        Ok(
            worker::js_sys::Reflect::get(self.0, &JsValue::from_str(name))
                .map_err(worker::Error::from)?
                .as_string(),
        )
    }

    pub(super) fn document(&self, name: &str) -> Result<String, ApiError> {
        self.text(name)?
            .ok_or_else(|| ApiError::Internal(format!("the load's {name}: no document")))
    }
}

/// The caller, the partial snapshot and the extra columns, from what a load statement read.
/// `rows` is empty when `columns` holds no agency (then there is no snapshot).
async fn build(
    db: &Db,
    columns: &Columns<'_>,
    rows: Rows,
    extra_count: usize,
    params: &[JsValue],
    now: Millis,
) -> Result<Loaded, ApiError> {
    let extra = (0..extra_count)
        .map(|i| columns.text(&format!("extra_{i}")))
        .collect::<Result<Vec<_>, _>>()?;
    let actor = columns
        .text("actor")?
        .as_deref()
        .map(json::<serde_json::Value>)
        .transpose()?;
    let Some(agency_row) = columns
        .text("agency")?
        .as_deref()
        .map(json::<AgencyRow>)
        .transpose()?
    else {
        return Ok(Loaded {
            actor,
            snapshot: None,
            extra,
        });
    };
    let Rows {
        users: user_rows,
        grants: grant_rows,
        nodes: node_rows,
        roles: role_rows,
        campaigns,
    } = rows;
    let mut counts = AgencyCounts {
        logins: agency_row.logins,
        dialers: agency_row.dialers,
        top_administrators: agency_row.top_administrators,
    };
    if agency_row.counts_valid_until <= now {
        let login_roles = builtin_with(domain::Capability::Login);
        let dialer_roles = builtin_with(domain::Capability::CallsMake);
        let seat_sql = |roles: &str, capability: &str, calling: &str| {
            format!(
                "SELECT count(DISTINCT u.id) FROM users u, p
                 JOIN grants g ON g.user_id = u.id AND g.agency_id = p.agency
                 LEFT JOIN custom_roles r ON g.role_kind = 'custom' AND r.id = g.role
                 WHERE u.agency_id = p.agency AND u.support = 0 {calling}
                   AND (u.state IN ('active', 'suspended')
                        OR (u.state = 'invited' AND u.invitation_expires_at > p.now))
                   AND (g.ends_at IS NULL OR g.ends_at > p.now)
                   AND ((g.role_kind = 'builtin' AND g.role IN (SELECT value FROM json_each('{roles}')))
                     OR (g.role_kind = 'custom'
                         AND EXISTS (SELECT 1 FROM json_each(r.capabilities) WHERE value = '{capability}')))"
            )
        };
        // The counts are kept by difference (see `write`); they are counted again, in a round
        // trip of their own, only once a grant has started or ended or an invitation expired
        // since they were last counted. So the load itself only reads, and this statement is
        // written only then.
        let recount_sql = format!(
            "WITH {} UPDATE agencies SET
                logins = ({}),
                dialers = ({}),
                top_administrators = ({TOP_ADMINISTRATORS}),
                counts_valid_until = ({NEXT_CHANGE})
             WHERE id = (SELECT agency FROM p)
             RETURNING logins, dialers, top_administrators",
            params_cte(&Who::Person { agency: "" }, None),
            seat_sql(&login_roles, "login", ""),
            seat_sql(&dialer_roles, "calls.make", "AND u.calling_enabled = 1"),
        );
        let mut recount_params = params[..LOAD_PARAMETERS].to_vec();
        recount_params[0] = agency_row.id.as_str().into();
        let fresh: Option<CountsRow> = db
            .prepare(recount_sql)
            .bind(&recount_params)?
            .first()
            .await?;
        if let Some(fresh) = fresh {
            counts = AgencyCounts {
                logins: fresh.logins,
                dialers: fresh.dialers,
                top_administrators: fresh.top_administrators,
            };
        }
    }
    let agency = agency_row.into_agency()?;
    let users = user_rows
        .into_iter()
        .map(UserRow::into_user)
        .collect::<Result<Vec<_>, _>>()?;
    let grants = grant_rows
        .into_iter()
        .map(GrantRow::into_grant)
        .collect::<Result<Vec<_>, _>>()?;
    let nodes = node_rows.into_iter().map(NodeRow::into_node).collect();
    let roles = role_rows
        .into_iter()
        .map(RoleRow::into_role)
        .collect::<Result<Vec<_>, _>>()?;
    let snapshot = Snapshot::build(agency, nodes, users, roles, grants)
        .map_err(|e| ApiError::Internal(format!("stored agency is inconsistent: {e}")))?;
    Ok(Loaded {
        actor,
        snapshot: Some(snapshot.with_counts(counts).with_campaigns(campaigns)),
        extra,
    })
}
