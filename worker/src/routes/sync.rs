//! Offline sync (see `domain::sync`): a client pushes its queued mutations, each decided anew
//! against D1's current state and remembered under its id, and pulls what changed since the
//! version it last saw, filtered to what the caller may see now.

use std::collections::{BTreeSet, HashMap};

use domain::api::UsersPage;
use domain::sync::{
    Context, MAX_INCREMENT, MAX_PUSH, NEXT_HEADER, Outcome, PULL_PAGE, PullResponse, PushRequest,
    PushResponse, PushResult, reach_fingerprint,
};
use domain::{Needs, UserId};
use serde::Deserialize;
use serde_json::value::RawValue;
use worker::wasm_bindgen::JsValue;
use worker::{Request, Response};

use super::commands::{By, execute_as};
use super::query::{self, decode_cursor};
use super::session::{authenticate, load_caller_with};
use super::users::{filter_of, page_reach, people_reach};
use super::{Ctx, json, own_origin, read_json};
use crate::error::ApiError;
use crate::store::part::{self, Column};
use crate::store::sessions::Actor;
use crate::store::tree;
use crate::store::users;
use domain::command::{MAX_ID, valid_id};

/// `POST /api/v1/sync/push`: the caller's queued mutations, in order. Each is decided as if
/// sent alone (R23: the caller is read again each time); an applied one is remembered in the
/// batch of its change, a refused one right after. A repeated id answers its first outcome.
pub async fn push(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: PushRequest = read_json(req).await?;
    if !valid_id(&body.client) {
        return Err(ApiError::field(
            "client",
            format!("1 to {MAX_ID} letters, digits, '-' or '_'"),
        ));
    }
    if body.mutations.len() > MAX_PUSH {
        return Err(ApiError::field(
            "mutations",
            format!("at most {MAX_PUSH} mutations in one push"),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, mutation) in body.mutations.iter().enumerate() {
        if !valid_id(&mutation.id) {
            return Err(ApiError::field(
                &format!("mutations[{i}].id"),
                format!("1 to {MAX_ID} letters, digits, '-' or '_'"),
            ));
        }
        if !seen.insert(mutation.id.as_str()) {
            return Err(ApiError::field(
                &format!("mutations[{i}].id"),
                "appears twice in this push",
            ));
        }
    }
    let actor = authenticate(req, ctx).await?;
    let key = |id: &str| -> Vec<JsValue> {
        vec![
            actor.agency_id.as_str().into(),
            actor.user_id.0.as_str().into(),
            body.client.as_str().into(),
            id.into(),
        ]
    };
    let mut known = remembered(ctx, &key, seen.iter().copied()).await?;
    let origin = own_origin(req);
    let mut results = Vec::with_capacity(body.mutations.len());
    for mutation in &body.mutations {
        if let Some(outcome) = known.remove(&mutation.id) {
            results.push(PushResult {
                id: mutation.id.clone(),
                outcome,
            });
            continue;
        }
        let mut params = key(&mutation.id);
        params.extend([
            outcome_json(&Outcome::Applied)?,
            crate::store::millis(ctx.now),
        ]);
        let remember = ctx.db.statement(REMEMBER, &params)?;
        let decided = execute_as(
            ctx,
            By::Caller(req),
            std::slice::from_ref(&mutation.command),
            &origin,
            vec![remember],
        )
        .await;
        let outcome = match decided {
            Ok(_) => Outcome::Applied,
            // A failure on our side, or the caller is gone (signed out, suspended): nothing
            // more is decided, and what is left stays queued.
            Err(error) if error.status() >= 500 || error.status() == 401 => {
                if results.is_empty() {
                    return Err(error);
                }
                break;
            }
            Err(error) => {
                // Another push of the same mutation may have just applied it.
                let refused = Outcome::Refused {
                    problem: error.problem(),
                };
                let mut params = key(&mutation.id);
                params.extend([outcome_json(&refused)?, crate::store::millis(ctx.now)]);
                ctx.db.prepare(REMEMBER_ONCE).bind(&params)?.run().await?;
                remembered(ctx, &key, [mutation.id.as_str()])
                    .await?
                    .remove(&mutation.id)
                    .unwrap_or(refused)
            }
        };
        results.push(PushResult {
            id: mutation.id.clone(),
            outcome,
        });
    }
    json(200, &PushResponse { results })
}

const REMEMBER: &str =
    "INSERT INTO mutations (agency_id, user_id, client_id, mutation_id, outcome, at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
const REMEMBER_ONCE: &str = "INSERT OR IGNORE INTO mutations
     (agency_id, user_id, client_id, mutation_id, outcome, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

fn outcome_json(outcome: &Outcome) -> Result<JsValue, ApiError> {
    serde_json::to_string(outcome)
        .map(JsValue::from)
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// The outcomes already remembered for these mutation ids of the caller's client.
async fn remembered<'a>(
    ctx: &Ctx,
    key: &dyn Fn(&str) -> Vec<JsValue>,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, Outcome>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        mutation_id: String,
        outcome: String,
    }
    let ids: Vec<&str> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut params = key("");
    params[3] = serde_json::to_string(&ids)
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .into();
    let rows: Vec<Row> = ctx
        .db
        .prepare(
            "SELECT mutation_id, outcome FROM mutations
             WHERE agency_id = ?1 AND user_id = ?2 AND client_id = ?3
               AND mutation_id IN (SELECT value FROM json_each(?4))",
        )
        .bind(&params)?
        .all()
        .await?
        .results()?;
    rows.into_iter()
        .map(|row| {
            serde_json::from_str(&row.outcome)
                .map(|outcome| (row.mutation_id, outcome))
                .map_err(|e| ApiError::Internal(format!("a remembered outcome: {e}")))
        })
        .collect()
}

/// `GET /api/v1/sync/pull?since=&reach=&after=`: what changed since version `since` among the
/// people the caller may see now, and who left their sight. A client whose reach fingerprint
/// The most change-log rows a pull reads; a client further behind gets a reset.
const CHANGE_ROWS: usize = 4 * MAX_INCREMENT;

/// differs from the caller's reach now (or who is too far behind) gets a paged reset.
pub async fn pull(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let params = query::params(req, &["since", "reach", "after"])?;
    let since: u64 = match params.get("since") {
        None => 0,
        Some(text) => text
            .parse()
            .ok()
            .filter(|v| *v <= 1 << 53)
            .ok_or_else(|| ApiError::field("since", "a version: a whole number from 0"))?,
    };
    let client_reach = params.get("reach");
    if client_reach.is_some_and(|r| r.len() != 16 || !r.bytes().all(|b| b.is_ascii_hexdigit())) {
        return Err(ApiError::field(
            "reach",
            "the reach fingerprint of the last pull",
        ));
    }
    let after = params
        .get("after")
        .map(|c| decode_cursor::<(serde_json::Value, String)>(c))
        .transpose()?;
    // The agency's version, and whose rows changed since `since` with the path of each node
    // where they lost a grant ('' for none, '*' for a place unknown), come with the caller's
    // load. Past `CHANGE_ROWS` rows the pull is a reset anyway.
    let changes = Column {
        sql: format!(
            "(SELECT json_object('version', a.version, 'changed',
                 (SELECT json_group_array(json_array(user_id, lost)) FROM (
                      SELECT DISTINCT c.user_id,
                             CASE c.lost_at WHEN '' THEN '' WHEN '*' THEN '*'
                                  ELSE coalesce(n.path, '*') END AS lost
                      FROM changes c LEFT JOIN nodes n ON n.id = c.lost_at AND c.lost_at != ''
                      WHERE c.agency_id = a.id AND c.version > ?{first} LIMIT {CHANGE_ROWS})))
              FROM agencies a, p WHERE a.id = p.agency)",
            first = part::LOAD_PARAMETERS + 1,
        ),
        params: vec![JsValue::from_f64(since as f64)],
    };
    let (actor, snapshot, extra) =
        load_caller_with(req, ctx, Needs::default(), |_| Ok(vec![changes])).await?;
    #[derive(Deserialize)]
    struct Changes {
        version: u64,
        /// (person, path of a node where they lost a grant, or '' or '*').
        changed: Vec<(String, String)>,
    }
    let changes: Changes = extra
        .first()
        .and_then(|c| c.as_deref())
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| ApiError::Internal(format!("the change log: {e}")))?
        .ok_or_else(|| ApiError::Internal("the change log did not answer".into()))?;
    let reach = people_reach(&snapshot, &actor.user_id, ctx.now)?;
    let fingerprint = reach_fingerprint(reach.iter().copied());
    let changed: BTreeSet<&str> = changes.changed.iter().map(|(u, _)| u.as_str()).collect();
    // A client that never synced sends no reach, so it differs from any reach now.
    let reset = after.is_some()
        || client_reach != Some(&fingerprint)
        || changes.version < since
        || changes.changed.len() >= CHANGE_ROWS
        || changed.len() > MAX_INCREMENT
        || changed.contains("*");
    let mut filter = filter_of(&HashMap::new())?;
    if reset {
        filter.after = after;
        filter.limit = PULL_PAGE + 1;
        // The first page brings what the console needs to decide on the device: the nodes of
        // the reach and above it, and the custom roles held there and by the caller.
        let context = match filter.after {
            Some(_) => None,
            None => Some(context(ctx, &actor, &snapshot, &reach).await?),
        };
        // The people go on as SQL wrote them.
        let page = users::page(
            &ctx.db,
            page_reach(&snapshot, &actor.agency_id, &reach),
            &filter,
        )
        .await?;
        let page: UsersPage<&RawValue> = serde_json::from_str(&page)
            .map_err(|e| ApiError::Internal(format!("the page's JSON: {e}")))?;
        let next = page.next;
        // The cursor goes in a header too, so a client can ask for the next page as soon as
        // this one's headers arrive, and read this one while the Worker makes the next.
        let header = next.clone();
        let response = json(
            200,
            &PullResponse {
                version: changes.version,
                reach: fingerprint,
                reset: true,
                upserts: page.users,
                removed: Vec::new(),
                next,
                context,
            },
        )?;
        if let Some(next) = header {
            response.headers().set(NEXT_HEADER, &next)?;
        }
        return Ok(response);
    }
    let mut upserts = Vec::new();
    if !changed.is_empty() {
        filter.limit = changed.len() as u32 + 1;
        filter.ids = Some(changed.iter().map(|u| (*u).to_owned()).collect());
        let page = users::page(
            &ctx.db,
            page_reach(&snapshot, &actor.agency_id, &reach),
            &filter,
        )
        .await?;
        let page: UsersPage = serde_json::from_str(&page)
            .map_err(|e| ApiError::Internal(format!("the page's JSON: {e}")))?;
        upserts = page.users;
    }
    // Someone the caller saw leaves their view only by losing a grant inside their reach (the
    // reach itself is the same, or this would be a reset): only those are named as removed.
    let seen: BTreeSet<&str> = upserts.iter().map(|u| u.id.0.as_str()).collect();
    let inside =
        |path: &str| path == "*" || reach.iter().any(|node| path.contains(&format!("/{node}/")));
    let removed: BTreeSet<&str> = changes
        .changed
        .iter()
        .filter(|(user, lost)| !seen.contains(user.as_str()) && inside(lost))
        .map(|(user, _)| user.as_str())
        .collect();
    let removed = removed.into_iter().map(|u| UserId(u.to_owned())).collect();
    json(
        200,
        &PullResponse {
            version: changes.version,
            reach: fingerprint,
            reset: false,
            upserts,
            removed,
            next: None,
            context: None,
        },
    )
}

/// The caller's context for deciding on the device (`domain::sync::Context`). The agency comes
/// without its seat price, which a decision on the device never reads.
async fn context(
    ctx: &Ctx,
    actor: &Actor,
    snapshot: &domain::Snapshot,
    reach: &[&str],
) -> Result<Context, ApiError> {
    let mut nodes: Vec<domain::Node> = snapshot.nodes().cloned().collect();
    for node in tree::under(&ctx.db, &actor.agency_id, reach).await? {
        if snapshot.node(&node.id).is_none() {
            nodes.push(node);
        }
    }
    let mut roles: Vec<domain::CustomRole> = snapshot.custom_roles().cloned().collect();
    for role in tree::roles_held_under(&ctx.db, &actor.agency_id, reach).await? {
        if !roles.iter().any(|r| r.id == role.id) {
            roles.push(role);
        }
    }
    let mut agency = snapshot.agency().clone();
    agency.seat_price_cents = 0;
    Ok(Context {
        actor: actor.user_id.clone(),
        agency,
        nodes,
        roles,
    })
}
