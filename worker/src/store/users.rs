//! Users and the grants that make them visible.

use domain::{Email, UserId, UserState};
use serde::Deserialize;

use worker::wasm_bindgen::JsValue;

use super::{Db, part};
use crate::clock::Millis;
use crate::error::ApiError;

/// What sign-in needs to know about an address.
#[derive(Debug, Deserialize)]
pub struct Credentials {
    #[serde(rename = "id")]
    pub user_id: UserId,
    pub agency_id: String,
    pub password_hash: Option<String>,
    pub state: UserState,
    pub totp_secret: Option<String>,
    pub totp_enabled: i64,
    pub totp_last_step: Option<i64>,
}

/// The account with this e-mail address, if any.
pub async fn find_credentials(db: &Db, email: &Email) -> Result<Option<Credentials>, ApiError> {
    Ok(db
        .prepare(
            "SELECT id, agency_id, password_hash, state, totp_secret, totp_enabled, totp_last_step
             FROM users WHERE email = ?1",
        )
        .bind(&[email.as_str().into()])?
        .first()
        .await?)
}

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
    pub sort: Sort,
    pub descending: bool,
    /// The sort key and id of the last row of the previous page.
    pub after: Option<(serde_json::Value, String)>,
    pub limit: u32,
    /// Only these people (a sync increment).
    pub ids: Option<Vec<String>>,
}

/// One person of the page, with their grants inside the reach. D1 sends each as a JSON array in
/// this field order.
#[derive(Debug, Deserialize)]
pub struct PageRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub state: UserState,
    pub created_at: Millis,
    pub invitation_expires_at: Option<Millis>,
    pub grants: Vec<PageGrant>,
}

/// One grant of a person of the page, inside the reach, as a JSON array in this field order.
#[derive(Debug, Deserialize)]
pub struct PageGrant {
    pub grant_id: String,
    pub role: String,
    pub role_name: Option<String>,
    pub node_id: String,
    pub node_name: String,
    pub starts_at: Option<Millis>,
    pub ends_at: Option<Millis>,
}

/// One page of the people holding a grant inside `reach` (the nodes where the caller has
/// `users.view`, R1, R10), with those grants. Reads the page's people and their grants, not the
/// agency: the order follows an index, and reach is a prefix test on each grant's node path.
pub async fn page(
    db: &Db,
    agency: &str,
    reach: &[&str],
    filter: &Filter,
) -> Result<Vec<PageRow>, ApiError> {
    let (sql, params) = page_query(
        Reach::Nodes {
            agency,
            nodes: reach,
        },
        filter,
    )?;
    let document: Option<Document> = db.prepare(sql).bind(&params)?.first().await?;
    page_rows(document.and_then(|d| d.rows).as_deref())
}

#[derive(Deserialize)]
struct Document {
    rows: Option<String>,
}

/// Where the page's reach comes from: nodes `domain` worked out, or (to send the page in the
/// same batch as the caller's load) the `users.view` grants of the session's person, which the
/// handler then checks against `domain`'s answer before using the page.
#[derive(Clone, Copy, Debug)]
pub enum Reach<'a> {
    Nodes {
        agency: &'a str,
        nodes: &'a [&'a str],
    },
    Session {
        digest: &'a str,
        now: Millis,
        roles: &'a [&'a str],
    },
}

/// The people of a page's JSON document.
pub fn page_rows(document: Option<&str>) -> Result<Vec<PageRow>, ApiError> {
    let document =
        document.ok_or_else(|| ApiError::Internal("the page answered no document".into()))?;
    serde_json::from_str(document).map_err(|e| ApiError::Internal(format!("the page's JSON: {e}")))
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
    let key = match filter.sort {
        Sort::Name => "u.name COLLATE NOCASE",
        Sort::Email => "u.email",
        Sort::Created => "u.created_at",
    };
    let (dir, cmp) = if filter.descending {
        ("DESC", "<")
    } else {
        ("ASC", ">")
    };
    let keyset = if filter.after.is_some() {
        format!("AND ({key}, u.id) {cmp} (?8, ?9)")
    } else {
        String::new()
    };
    let head_owned;
    let head = match reach {
        Reach::Nodes { .. } => {
            "ag(id) AS MATERIALIZED (SELECT ?1),
             reach(path) AS MATERIALIZED (
                 SELECT n.path FROM json_each(?2) j CROSS JOIN nodes n ON n.id = j.value
                 WHERE n.agency_id = ?1
             )"
        }
        Reach::Session { roles, .. } => {
            // The built-in roles are the domain's own names, written into the statement as
            // literals: SQLite prepares a list faster than a `json_each` over a parameter.
            let roles = roles
                .iter()
                .map(|r| format!("'{}'", r.replace('\'', "''")))
                .collect::<Vec<_>>()
                .join(", ");
            head_owned = format!(
                "ag(id) AS MATERIALIZED (SELECT agency_id FROM sessions WHERE token_hash = ?1),
             reach(path) AS MATERIALIZED (
                 SELECT n.path FROM sessions s
                 CROSS JOIN grants g ON g.agency_id = s.agency_id AND g.user_id = s.user_id
                 CROSS JOIN nodes n ON n.id = g.node_id
                 LEFT JOIN custom_roles r ON g.role_kind = 'custom' AND r.id = g.role
                 WHERE s.token_hash = ?1
                   AND (g.starts_at IS NULL OR g.starts_at <= ?2)
                   AND (g.ends_at IS NULL OR g.ends_at > ?2)
                   AND ((g.role_kind = 'builtin' AND g.role IN ({roles}))
                        OR (g.role_kind = 'custom' AND EXISTS (
                            SELECT 1 FROM json_each(r.capabilities) WHERE value = 'users.view')))
             )"
            );
            &head_owned
        }
    };
    // Only the filters asked for are written into the statement: SQLite then plans (and D1
    // prepares) less. The unused parameters stay bound; `LIMIT ?7` keeps their count.
    let within = if filter.node.is_some() {
        ",\n         within(path) AS MATERIALIZED (
             SELECT path FROM nodes WHERE agency_id = (SELECT id FROM ag) AND id = ?6)"
    } else {
        ""
    };
    let state = if filter.state.is_some() {
        "AND u.state = ?3"
    } else {
        ""
    };
    let search = if filter.search.is_some() {
        "AND (instr(lower(u.name), ?4) > 0 OR instr(lower(u.email), ?4) > 0)"
    } else {
        ""
    };
    let role = if filter.role.is_some() {
        "AND g.role = ?5"
    } else {
        ""
    };
    let node = if filter.node.is_some() {
        "AND substr(n.path, 1, length((SELECT path FROM within))) = (SELECT path FROM within)"
    } else {
        ""
    };
    let ids = if filter.ids.is_some() {
        "AND u.id IN (SELECT value FROM json_each(?10))"
    } else {
        ""
    };
    let sql = format!(
        "WITH {head}{within},
         page AS (
             SELECT u.id, u.name, u.email, u.state, u.created_at, u.invitation_expires_at FROM users u
             WHERE u.agency_id = (SELECT id FROM ag) AND u.state != 'deleted'
               {state} {search} {keyset} {ids}
               AND EXISTS (
                   SELECT 1 FROM grants g CROSS JOIN nodes n ON n.id = g.node_id CROSS JOIN reach r
                   WHERE g.agency_id = (SELECT id FROM ag) AND g.user_id = u.id
                     AND substr(n.path, 1, length(r.path)) = r.path
                     {role} {node})
             ORDER BY {key} {dir}, u.id {dir}
             LIMIT ?7
         )
         -- One JSON document, a person and their grants to an array: cheaper to hand from D1
         -- to the Worker than a row per grant, and no person is written twice.
         SELECT json_group_array(json_array(page.id, page.name, page.email, page.state,
                    page.created_at, page.invitation_expires_at,
                    (SELECT json_group_array(json_array(g.id, g.role, cr.name, n.id, n.name,
                                g.starts_at, g.ends_at))
                     FROM grants g CROSS JOIN nodes n ON n.id = g.node_id
                     LEFT JOIN custom_roles cr ON g.role_kind = 'custom' AND cr.id = g.role
                     WHERE g.agency_id = (SELECT id FROM ag) AND g.user_id = page.id
                       AND EXISTS (SELECT 1 FROM reach r
                                   WHERE substr(n.path, 1, length(r.path)) = r.path)))) AS rows
         FROM page"
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
    // ?2 is the reach's nodes, or the time a session's grants must hold at.
    let (first, second) = match reach {
        Reach::Nodes { agency, nodes } => (
            agency,
            serde_json::to_string(nodes)
                .map_err(|e| ApiError::Internal(e.to_string()))?
                .into(),
        ),
        Reach::Session { digest, now, .. } => (digest, JsValue::from_f64(now as f64)),
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
    // The keyset parameters exist in the SQL only on pages after the first, or before `ids`.
    if filter.after.is_some() || filter.ids.is_some() {
        params.extend([after_key, after_id]);
    }
    if let Some(ids) = &filter.ids {
        let ids = serde_json::to_string(ids).map_err(|e| ApiError::Internal(e.to_string()))?;
        params.push(ids.into());
    }
    Ok((sql, params))
}

/// Remembers the step of the code just accepted, so it is not accepted again.
pub async fn record_totp_step(db: &Db, user: &UserId, step: u64) -> Result<(), ApiError> {
    db.prepare("UPDATE users SET totp_last_step = ?2 WHERE id = ?1")
        .bind(&[user.0.as_str().into(), JsValue::from_f64(step as f64)])?
        .run()
        .await?;
    Ok(())
}

/// Stores a new, not yet confirmed secret (two-factor stays off until it is confirmed).
pub async fn set_totp_secret(db: &Db, user: &UserId, secret: &str) -> Result<(), ApiError> {
    db.prepare(
        "UPDATE users SET totp_secret = ?2, totp_enabled = 0, totp_last_step = NULL WHERE id = ?1",
    )
    .bind(&[user.0.as_str().into(), secret.into()])?
    .run()
    .await?;
    Ok(())
}

/// The person's two-factor secret and whether it is on.
#[derive(Debug, Deserialize)]
pub struct TwoFactor {
    pub totp_secret: Option<String>,
    pub totp_enabled: i64,
}

/// Reads the person's two-factor state.
pub async fn two_factor(db: &Db, user: &UserId) -> Result<Option<TwoFactor>, ApiError> {
    Ok(db
        .prepare("SELECT totp_secret, totp_enabled FROM users WHERE id = ?1")
        .bind(&[user.0.as_str().into()])?
        .first()
        .await?)
}

/// Turns two-factor sign-in on, recording the step of the confirming code.
pub async fn enable_totp(db: &Db, user: &UserId, step: u64) -> Result<(), ApiError> {
    db.prepare("UPDATE users SET totp_enabled = 1, totp_last_step = ?2 WHERE id = ?1")
        .bind(&[user.0.as_str().into(), JsValue::from_f64(step as f64)])?
        .run()
        .await?;
    Ok(())
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
