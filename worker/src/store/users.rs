//! Users and the grants that make them visible.

use domain::UserState;
use serde::Deserialize;

use worker::wasm_bindgen::JsValue;

use super::{Db, part};
use crate::error::ApiError;

/// How the user list is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    Name,
    Email,
    Created,
}

/// What the user list is asked for.
#[derive(Debug)]
pub struct Filter {
    /// Part of a name or an address, lower case.
    pub search: Option<String>,
    pub state: Option<UserState>,
    /// A role name (built-in) or custom role id some grant in reach holds.
    pub role: Option<String>,
    /// People with a grant at or under this node.
    pub node: Option<String>,
    /// People in this agent group.
    pub group: Option<String>,
    pub sort: Sort,
    pub descending: bool,
    /// The sort key and id of the first person of this page (the next page's cursor).
    pub after: Option<(serde_json::Value, String)>,
    pub limit: u32,
    /// Only these people (a sync increment).
    pub ids: Option<Vec<String>>,
    /// What each person of the page is written as.
    pub shape: Shape,
}

/// What each person of a page is written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `domain::api::UserSummary`, with the person's grants inside the reach.
    Summary,
    /// An invitation: id, name, email and `expires_at`.
    Invitation,
}

/// What a summary says of a person besides their name, address, state and roles, as
/// `domain::api::UserSummary` reads it: all of it is on the person's `users` row.
const PERSON_FACTS: &str = "',\"last_sign_in_at\":' || coalesce(page.last_sign_in_at, 'null')
    || ',\"invitation_expires_at\":' || coalesce(page.invitation_expires_at, 'null')
    || ',\"calling_enabled\":' || iif(page.calling_enabled, 'true', 'false')
    || ',\"support\":' || iif(page.support, 'true', 'false')
    || ',\"agent_groups\":' || coalesce(json_extract(page.settings, '$.agent_groups'), '[]')";

/// When a member last signed in to their agency, if they ever have.
pub async fn last_sign_in(db: &Db, agency: &str, user: &str) -> Result<Option<i64>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        last_sign_in_at: Option<i64>,
    }
    let row: Option<Row> = db
        .prepare("SELECT last_sign_in_at FROM users WHERE id = ?1 AND agency_id = ?2")
        .bind(&[user.into(), agency.into()])?
        .first()
        .await?;
    Ok(row.and_then(|r| r.last_sign_in_at))
}

/// One page of the people holding a grant inside `reach` (the nodes where the caller has
/// `users.view`, R1, R10), with those grants, as the JSON document of a
/// `domain::api::UsersPage` (`{"users": [...], "next": ...}`) that SQL writes whole. Reads the
/// page's people and their grants, not the agency: the order follows an index, and reach is a
/// prefix test on each grant's node path.
pub async fn page(db: &Db, reach: Reach<'_>, filter: &Filter) -> Result<String, ApiError> {
    let (sql, params) = page_query(reach, filter)?;
    let document: Option<Document> = db.prepare(sql).bind(&params)?.first().await?;
    page_document(document.and_then(|d| d.page))
}

#[derive(Deserialize)]
struct Document {
    page: Option<String>,
}

/// Where the page's reach comes from: what `domain` worked out, or (to send the page in the
/// same batch as the caller's load) the session's person, which the handler then checks against
/// `domain`'s answer before using the page.
#[derive(Clone, Copy, Debug)]
pub enum Reach<'a> {
    /// Every node of the agency: the reach holds the agency's own node.
    Everywhere { agency: &'a str },
    /// At and under these nodes.
    Nodes {
        agency: &'a str,
        nodes: &'a [&'a str],
    },
    /// At and under the nodes at these paths, in the session's agency. Only inside the
    /// caller's load (`page_column`).
    Session {
        digest: &'a str,
        paths: &'a [String],
    },
    /// Every node of the session's agency. Only inside the caller's load (`page_column`).
    SessionEverywhere { digest: &'a str },
}

impl Reach<'_> {
    /// Whether every grant of the agency is inside: then each person's roles are the ones
    /// kept beside them (`users.roles_json`, migration 0009), and anyone with one is visible.
    fn everywhere(&self) -> bool {
        matches!(
            self,
            Reach::Everywhere { .. } | Reach::SessionEverywhere { .. }
        )
    }
}

/// A page's JSON document, which SQL always writes.
pub fn page_document(document: Option<String>) -> Result<String, ApiError> {
    document.ok_or_else(|| ApiError::Internal("the page answered no document".into()))
}

/// The page as a column of the caller's load statement (`part::load`), so the two travel in
/// one statement: its parameters are numbered after the load's own.
pub fn page_column(reach: Reach<'_>, filter: &Filter) -> Result<part::Column, ApiError> {
    let (sql, params) = page_query(reach, filter)?;
    Ok(part::Column {
        sql: format!("({})", shift_parameters(&sql, part::LOAD_PARAMETERS)),
        params,
    })
}

/// Renumbers every `?N` of `sql` to `?(N + by)`. Only for statements written here, which hold
/// no `?` inside a string.
fn shift_parameters(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '?' {
            let mut digits = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            if let Ok(n) = digits.parse::<usize>() {
                out.push_str(&(n + by).to_string());
            } else {
                out.push_str(&digits);
            }
        }
    }
    out
}

/// The SQL and parameters of one page of people inside a reach: one row, one JSON document.
fn page_query(reach: Reach<'_>, filter: &Filter) -> Result<(String, Vec<JsValue>), ApiError> {
    let (key, raw_key) = match filter.sort {
        Sort::Name => ("u.name_key", "u.name_key"),
        Sort::Email => ("u.email", "u.email"),
        Sort::Created => ("u.created_at", "u.created_at"),
    };
    // A cursor is the first person of the next page, so that page starts at it.
    let (dir, cmp) = if filter.descending {
        ("DESC", "<=")
    } else {
        ("ASC", ">=")
    };
    let keyset = if filter.after.is_some() {
        format!("AND ({key}, u.id) {cmp} (?8, ?9)")
    } else {
        String::new()
    };
    let head = match reach {
        Reach::Everywhere { .. } => "ag(id) AS MATERIALIZED (SELECT ?1)",
        // A session's page is a column of the caller's load statement (`page_column`): it
        // reads the load's `p` (the session's agency and person).
        Reach::SessionEverywhere { .. } => "ag(id) AS (SELECT agency FROM p)",
        Reach::Nodes { .. } => {
            "ag(id) AS MATERIALIZED (SELECT ?1),
             reach(path) AS MATERIALIZED (
                 SELECT n.path FROM json_each(?2) j CROSS JOIN nodes n ON n.id = j.value
                 WHERE n.agency_id = ?1
             )"
        }
        // The paths `domain` found for this session's reach on an earlier request: a guess,
        // used only if the loaded rows give the same (a path is a node's place in the tree).
        Reach::Session { .. } => {
            "ag(id) AS (SELECT agency FROM p),
             reach(path) AS (SELECT value FROM json_each(?2))"
        }
    };
    // Only the filters asked for are written into the statement: SQLite then plans (and D1
    // prepares) less. The unused parameters stay bound; `LIMIT ?7` keeps their count.
    let state = if filter.state.is_some() {
        "AND u.state = ?3"
    } else {
        ""
    };
    let search = if filter.search.is_some() {
        "AND (instr(u.name_key, ?4) > 0 OR instr(lower(u.email), ?4) > 0)"
    } else {
        ""
    };
    let role = if filter.role.is_some() {
        "AND g.role = ?5"
    } else {
        ""
    };
    let group = if filter.group.is_some() {
        "AND EXISTS (SELECT 1 FROM json_each(u.settings, '$.agent_groups') m WHERE m.value = ?11)"
    } else {
        ""
    };
    let within = if filter.node.is_some() {
        ",\n         within(path) AS MATERIALIZED (
             SELECT path FROM nodes WHERE agency_id = (SELECT id FROM ag) AND id = ?6)"
    } else {
        ""
    };
    let under_node = if filter.node.is_some() {
        format!(
            "AND {}",
            super::under("n.path", "(SELECT path FROM within)")
        )
    } else {
        String::new()
    };
    // Who may be on the page. Only the way the reach needs is written: SQLite prepares every
    // branch it is given, run or not, and under D1 that costs more than running this one.
    // - A reach of everywhere, nothing else asked: anyone with a grant (their kept roles are
    //   not empty), read in the list's order from the index, so a page reads about its rows.
    // - Otherwise the people come from the grants that match: those of the role asked for
    //   (its index), or those at the nodes under the reach (or the node asked for). A node's
    //   path is a prefix of its descendants' paths, so the nodes under a node are one range of
    //   `nodes_by_path` (`store::under`): a request reads the part of the agency its caller
    //   sees, never the rest.
    let everywhere = reach.everywhere();
    let range = |of: &str| {
        format!(
            "SELECT n.id, n.path FROM {of} r
             CROSS JOIN nodes n ON n.agency_id = (SELECT id FROM ag)
                 AND {}",
            super::under("n.path", "r.path")
        )
    };
    // The nodes under a partial reach, once: who is seen comes from their grants, and each
    // person's roles are the kept ones at these nodes.
    let reach_nodes = if everywhere {
        String::new()
    } else {
        format!(
            ",\n         reach_nodes(id, path) AS MATERIALIZED ({})",
            range("reach")
        )
    };
    let seen = match (everywhere, filter.role.is_some(), filter.node.is_some()) {
        (true, false, false) => None,
        (true, true, false) => Some(
            "SELECT DISTINCT g.user_id FROM grants g
             WHERE g.agency_id = (SELECT id FROM ag)
               AND g.role_kind IN ('builtin', 'custom') AND g.role = ?5"
                .to_owned(),
        ),
        // Under the node asked for: its range, or the reach's nodes under it.
        (true, _, true) => Some(format!(
            "SELECT DISTINCT g.user_id FROM ({}) n
             CROSS JOIN grants g ON g.agency_id = (SELECT id FROM ag) AND g.node_id = n.id
             WHERE 1 {role}",
            range("within")
        )),
        (false, _, node) => Some(format!(
            "SELECT DISTINCT g.user_id FROM reach_nodes n
             CROSS JOIN grants g ON g.agency_id = (SELECT id FROM ag) AND g.node_id = n.id
             WHERE 1 {} {role}",
            if node { under_node.as_str() } else { "" }
        )),
    };
    // Named people (a sync increment) are read by id, each checked against the reach.
    let (seen_cte, people, visible) = match (&seen, filter.ids.is_some()) {
        (_, true) => {
            let check = if everywhere && filter.role.is_none() && filter.node.is_none() {
                "AND u.roles_json != '[]'".to_owned()
            } else {
                let inside = if everywhere {
                    ""
                } else {
                    "AND n.id IN (SELECT id FROM reach_nodes)"
                };
                format!(
                    "AND EXISTS (SELECT 1 FROM grants g CROSS JOIN nodes n ON n.id = g.node_id
                         WHERE g.agency_id = u.agency_id AND g.user_id = u.id {inside} {role}
                           {under_node})"
                )
            };
            (
                String::new(),
                "json_each(?10) j CROSS JOIN users u ON u.id = j.value",
                check,
            )
        }
        (None, false) => (
            String::new(),
            "users u",
            "AND u.roles_json != '[]'".to_owned(),
        ),
        (Some(sql), false) => (
            format!(",\n         seen(id) AS MATERIALIZED ({sql})"),
            "seen s CROSS JOIN users u ON u.id = s.id",
            String::new(),
        ),
    };
    // Each person is written as text around what SQL already holds as JSON (their roles), so
    // nothing is parsed again; `json_quote` writes every other value as JSON.
    let person = match filter.shape {
        // Each grant as `role_at_node` writes it, in `RoleAtNode::list_order`, as kept beside
        // the person: all of them when the reach is everywhere, else those at its nodes. Which
        // those are is read from `role_nodes` (migration 0011), the kept roles' nodes as plain
        // ids in the same order, and only the roles that pass are taken, by position: reading
        // each role's object to find its node costs more than the rest of the page. `json_each`
        // walks them in the kept order (an `ORDER BY` here would sort each person's roles
        // again); each is already JSON, so the array takes it as it is.
        Shape::Summary if everywhere => {
            "'{\"id\":' || json_quote(page.id) || ',\"name\":' || json_quote(page.name)
             || ',\"email\":' || json_quote(page.email) || ',\"state\":' || json_quote(page.state)
             || {facts}
             || ',\"roles\":' || page.roles_json || '}'"
        }
        Shape::Summary => {
            "'{\"id\":' || json_quote(page.id) || ',\"name\":' || json_quote(page.name)
             || ',\"email\":' || json_quote(page.email) || ',\"state\":' || json_quote(page.state)
             || {facts}
             || ',\"roles\":' || (
                 SELECT json_group_array(json_extract(page.roles_json, '$[' || r.key || ']'))
                 FROM json_each(page.role_nodes) r
                 WHERE r.value IN (SELECT id FROM reach_nodes))
             || '}'"
        }
        Shape::Invitation => {
            "'{\"id\":' || json_quote(page.id) || ',\"name\":' || json_quote(page.name)
             || ',\"email\":' || json_quote(page.email)
             || ',\"expires_at\":' || json_quote(page.invitation_expires_at) || '}'"
        }
    }
    .replace("{facts}", PERSON_FACTS);
    let sql = format!(
        "WITH {head}{within}{reach_nodes}{seen_cte},
         -- The page's people as their place in `users` and their sort key only: what is
         -- sorted and kept stays small, and each row is read whole once, to be written out.
         page AS (
             SELECT u.rowid AS place, u.id, {raw_key} AS k
             FROM {people}
             WHERE u.agency_id = (SELECT id FROM ag) AND u.state != 'deleted'
               {state} {search} {group} {keyset} {visible}
             ORDER BY {key} {dir}, u.id {dir}
             LIMIT ?7
         )
         -- The whole answer, a `domain::api::UsersPage`, written here and handed on untouched.
         -- `?7` asks one person more than the page holds: when there is one, the next page
         -- starts at them, and the cursor is the hex of the JSON of their sort key and id, as
         -- `encode_cursor` writes it.
         SELECT '{{\"users\":[' || coalesce(
                 (SELECT group_concat({person}, ',')
                  FROM (SELECT place FROM page LIMIT ?7 - 1) p
                  CROSS JOIN users page ON page.rowid = p.place),
                 '')
             || '],\"next\":' || coalesce(
                 (SELECT json_quote(lower(hex(json_array(page.k, page.id))))
                  FROM page LIMIT 1 OFFSET ?7 - 1),
                 'null')
             || '}}' AS page"
    );
    let text = |v: &Option<String>| v.as_deref().map_or(JsValue::NULL, JsValue::from_str);
    let (after_key, after_id) = match &filter.after {
        Some((serde_json::Value::String(k), id)) => (JsValue::from_str(k), JsValue::from_str(id)),
        Some((serde_json::Value::Number(k), id)) => (
            JsValue::from_f64(k.as_f64().unwrap_or(0.0)),
            JsValue::from_str(id),
        ),
        _ => (JsValue::NULL, JsValue::NULL),
    };
    // ?1 is the agency or the session's digest; ?2 the reach's nodes, or their paths.
    let (first, second) = match reach {
        Reach::Everywhere { agency } => (agency, JsValue::NULL),
        Reach::SessionEverywhere { digest } => (digest, JsValue::NULL),
        Reach::Nodes { agency, nodes } => (
            agency,
            serde_json::to_string(nodes)
                .map_err(|e| ApiError::Internal(e.to_string()))?
                .into(),
        ),
        Reach::Session { digest, paths } => (
            digest,
            serde_json::to_string(paths)
                .map_err(|e| ApiError::Internal(e.to_string()))?
                .into(),
        ),
    };
    let mut params = vec![
        first.into(),
        second,
        filter.state.map_or(JsValue::NULL, |s| s.as_str().into()),
        text(&filter.search),
        text(&filter.role),
        text(&filter.node),
        JsValue::from_f64(f64::from(filter.limit)),
    ];
    // The keyset parameters exist in the SQL only on pages after the first, or before `ids`
    // or a group (D1 binds as many parameters as the highest one the statement names).
    if filter.after.is_some() || filter.ids.is_some() || filter.group.is_some() {
        params.extend([after_key, after_id]);
    }
    if let Some(ids) = &filter.ids {
        let ids = serde_json::to_string(ids).map_err(|e| ApiError::Internal(e.to_string()))?;
        params.push(ids.into());
    } else if filter.group.is_some() {
        params.push(JsValue::NULL);
    }
    if filter.group.is_some() {
        params.push(text(&filter.group));
    }
    Ok((sql, params))
}

#[cfg(test)]
mod tests {
    use super::shift_parameters;

    #[test]
    fn parameters_are_renumbered_past_the_load() {
        assert_eq!(
            shift_parameters("SELECT ?1, ?12 WHERE a = ?3 LIMIT ?7", 11),
            "SELECT ?12, ?23 WHERE a = ?14 LIMIT ?18"
        );
        assert_eq!(shift_parameters("no parameters", 11), "no parameters");
    }
}
