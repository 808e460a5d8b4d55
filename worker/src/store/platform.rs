//! What the call-tracking platform holds in Switchboard: its service tokens, the webhook
//! endpoints an agency registered, and the outbox of messages to them.

use domain::api::{Delivery, DeliveryState, ServiceTokenInfo, WebhookInfo};
use domain::{Event, Millis, Subject};
use serde::Deserialize;
use worker::D1PreparedStatement;
use worker::wasm_bindgen::JsValue;

use super::{Db, millis};
use crate::error::ApiError;
use crate::webhook;

/// The service token whose digest is `?1`, as the load reads it beside the agency.
pub const CALLER_SQL: &str = "SELECT json_object('id', t.id, 'last_used_at', t.last_used_at)
     FROM service_tokens t WHERE t.token_hash = ?1";

/// A service token's row, as [`CALLER_SQL`] reads it.
#[derive(Debug, Deserialize)]
pub struct ServiceCaller {
    pub id: String,
    pub last_used_at: Option<Millis>,
}

/// Someone who acts, as an audit entry names them.
pub struct Actor<'a> {
    pub agency: &'a str,
    pub id: &'a str,
    pub name: &'a str,
}

/// The audit entry of a platform setting added (R25): `target` is its id and name, `subject`
/// what it is.
fn added(
    db: &Db,
    actor: &Actor<'_>,
    action: &str,
    target: (&str, &str),
    subject: &Subject,
    now: Millis,
) -> Result<D1PreparedStatement, ApiError> {
    let subject = serde_json::to_string(subject).map_err(|e| ApiError::Internal(e.to_string()))?;
    db.statement(
        "INSERT INTO audit_log (agency_id, at, actor_id, action, target, before, after,
                                actor_name, target_name)
         VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, ?8)",
        &[
            actor.agency.into(),
            millis(now),
            actor.id.into(),
            action.into(),
            target.0.into(),
            subject.into(),
            actor.name.into(),
            target.1.into(),
        ],
    )
    .map_err(ApiError::from)
}

/// What a removal takes away: the table, the column that names a row there (which its audit
/// subject, of `kind`, holds under the same name), and the action of its audit entry.
struct Removal {
    table: &'static str,
    named_by: &'static str,
    kind: &'static str,
    action: &'static str,
}

/// Removes one of the agency's rows with its audit entry (R25), the entry written from the row
/// itself in the same batch, and `more` after it: whether there was one.
async fn remove(
    db: &Db,
    actor: &Actor<'_>,
    what: Removal,
    id: &str,
    more: &[&str],
    now: Millis,
) -> Result<bool, ApiError> {
    let Removal {
        table,
        named_by,
        kind,
        action,
    } = what;
    let mut statements = vec![
        db.statement(
            format!(
                "INSERT INTO audit_log (agency_id, at, actor_id, action, target, before, after,
                                        actor_name, target_name)
                 SELECT ?1, ?2, ?3, ?4, r.id, json_object('kind', ?5, '{named_by}', r.{named_by}),
                        NULL, ?6, r.{named_by}
                 FROM {table} r WHERE r.id = ?7 AND r.agency_id = ?1"
            ),
            &[
                actor.agency.into(),
                millis(now),
                actor.id.into(),
                action.into(),
                kind.into(),
                actor.name.into(),
                id.into(),
            ],
        )?,
        db.statement(
            format!("DELETE FROM {table} WHERE id = ?1 AND agency_id = ?2"),
            &[id.into(), actor.agency.into()],
        )?,
    ];
    for sql in more {
        statements.push(db.statement(*sql, &[id.into(), actor.agency.into()])?);
    }
    let answers = db.batch(statements).await?;
    Ok(answers.get(1).is_some_and(|a| a.changes() > 0))
}

/// Stores a new service token with its audit entry, in one batch.
pub async fn create_token(
    db: &Db,
    actor: &Actor<'_>,
    id: &str,
    digest: &str,
    name: &str,
    now: Millis,
) -> Result<(), ApiError> {
    let insert = db.statement(
        "INSERT INTO service_tokens (id, token_hash, agency_id, name, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[
            id.into(),
            digest.into(),
            actor.agency.into(),
            name.into(),
            actor.name.into(),
            millis(now),
        ],
    )?;
    let subject = Subject::ServiceToken { name: name.into() };
    let entry = added(
        db,
        actor,
        "service_token_created",
        (id, name),
        &subject,
        now,
    )?;
    db.batch(vec![insert, entry]).await?;
    Ok(())
}

/// The agency's service tokens, newest first.
pub async fn tokens(db: &Db, agency: &str) -> Result<Vec<ServiceTokenInfo>, ApiError> {
    Ok(db
        .prepare(
            "SELECT id, name, created_by, created_at, last_used_at FROM service_tokens
             WHERE agency_id = ?1 ORDER BY created_at DESC, id",
        )
        .bind(&[agency.into()])?
        .all()
        .await?
        .results()?)
}

/// Revokes one of the agency's service tokens, with its audit entry: whether there was one.
pub async fn revoke_token(
    db: &Db,
    actor: &Actor<'_>,
    id: &str,
    now: Millis,
) -> Result<bool, ApiError> {
    let what = Removal {
        table: "service_tokens",
        named_by: "name",
        kind: "service_token",
        action: "service_token_revoked",
    };
    remove(db, actor, what, id, &[], now).await
}

/// Notes that a service token was used, at most once a minute.
pub async fn touch_token(db: &Db, id: &str, now: Millis) -> Result<(), ApiError> {
    db.prepare(
        "UPDATE service_tokens SET last_used_at = ?2
         WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?2 - 60000)",
    )
    .bind(&[id.into(), millis(now)])?
    .run()
    .await?;
    Ok(())
}

/// Registers a webhook endpoint with its audit entry, in one batch.
pub async fn add_endpoint(
    db: &Db,
    actor: &Actor<'_>,
    id: &str,
    url: &str,
    secret: &str,
    now: Millis,
) -> Result<(), ApiError> {
    let insert = db.statement(
        "INSERT INTO webhook_endpoints (id, agency_id, url, secret, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        &[
            id.into(),
            actor.agency.into(),
            url.into(),
            secret.into(),
            millis(now),
        ],
    )?;
    let subject = Subject::Webhook { url: url.into() };
    let entry = added(db, actor, "webhook_added", (id, url), &subject, now)?;
    db.batch(vec![insert, entry]).await?;
    Ok(())
}

/// The agency's endpoints, oldest first, with how many messages wait and how many failed.
pub async fn endpoints(db: &Db, agency: &str) -> Result<Vec<WebhookInfo>, ApiError> {
    Ok(db
        .prepare(
            "SELECT e.id, e.url, e.created_at,
                 (SELECT count(*) FROM webhook_messages m WHERE m.agency_id = e.agency_id
                     AND m.endpoint_id = e.id AND m.next_attempt_at IS NOT NULL) AS pending,
                 (SELECT count(*) FROM webhook_messages m WHERE m.agency_id = e.agency_id
                     AND m.endpoint_id = e.id AND m.next_attempt_at IS NULL
                     AND m.delivered_at IS NULL) AS failed
             FROM webhook_endpoints e WHERE e.agency_id = ?1 ORDER BY e.created_at, e.id",
        )
        .bind(&[agency.into()])?
        .all()
        .await?
        .results()?)
}

/// Removes an endpoint and its messages, with its audit entry: whether there was one.
pub async fn remove_endpoint(
    db: &Db,
    actor: &Actor<'_>,
    id: &str,
    now: Millis,
) -> Result<bool, ApiError> {
    let what = Removal {
        table: "webhook_endpoints",
        named_by: "url",
        kind: "webhook",
        action: "webhook_removed",
    };
    let messages = "DELETE FROM webhook_messages WHERE endpoint_id = ?1 AND agency_id = ?2";
    remove(db, actor, what, id, &[messages], now).await
}

/// The statement that puts one message per event and endpoint in the outbox: part of the
/// batch that writes the events, so a change that did not happen sends nothing and one that
/// did is never lost. Without endpoints it inserts nothing.
pub fn outbox(
    db: &Db,
    agency: &str,
    events: &[Event],
    audit: &[domain::AuditEntry],
    now: Millis,
) -> Result<D1PreparedStatement, ApiError> {
    // Each event's audit entry (one per event, in order) names what it was about.
    let payloads: Vec<serde_json::Value> = events
        .iter()
        .enumerate()
        .map(|(i, event)| {
            let about = audit.get(i).and_then(|entry| entry.target_name.as_deref());
            webhook::payload(agency, event, about, now)
        })
        .collect();
    let payloads =
        serde_json::to_string(&payloads).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(db.statement(
        "INSERT INTO webhook_messages (id, agency_id, endpoint_id, type, payload, created_at,
                                       next_attempt_at)
         SELECT 'msg_' || lower(hex(randomblob(16))), ?1, e.id, json_extract(j.value, '$.type'),
                j.value, ?3, ?3
         FROM webhook_endpoints e CROSS JOIN json_each(?2) j
         WHERE e.agency_id = ?1
         ORDER BY j.key, e.id",
        &[agency.into(), payloads.into(), millis(now)],
    )?)
}

/// A message claimed for sending.
#[derive(Debug, Deserialize)]
pub struct Due {
    pub seq: i64,
    pub id: String,
    pub endpoint_id: String,
    pub payload: String,
    /// Attempts made, this one included.
    pub attempts: u32,
}

/// Where an endpoint is and how it signs.
#[derive(Debug, Deserialize)]
pub struct Target {
    pub id: String,
    pub url: String,
    pub secret: String,
}

/// Claims up to `limit` due messages (of `agency`, or of any agency), oldest first, with their
/// endpoints: each is moved a claim's length on and counted as attempted, so no other sender
/// takes it meanwhile, and one whose sender dies is due again after the claim.
pub async fn claim(
    db: &Db,
    agency: Option<&str>,
    now: Millis,
    limit: u32,
) -> Result<(Vec<Due>, Vec<Target>), ApiError> {
    let due: Vec<Due> = db
        .prepare(
            "UPDATE webhook_messages SET next_attempt_at = ?1 + ?2, attempts = attempts + 1
             WHERE seq IN (SELECT seq FROM webhook_messages
                           WHERE next_attempt_at <= ?1 AND (?4 IS NULL OR agency_id = ?4)
                           ORDER BY next_attempt_at, seq LIMIT ?3)
             RETURNING seq, id, endpoint_id, payload, attempts",
        )
        .bind(&[
            millis(now),
            millis(webhook::CLAIM),
            JsValue::from_f64(f64::from(limit)),
            agency.map_or(JsValue::NULL, JsValue::from_str),
        ])?
        .all()
        .await?
        .results()?;
    if due.is_empty() {
        return Ok((due, Vec::new()));
    }
    let ids: Vec<&str> = due.iter().map(|d| d.endpoint_id.as_str()).collect();
    let ids = serde_json::to_string(&ids).map_err(|e| ApiError::Internal(e.to_string()))?;
    let targets = db
        .prepare(
            "SELECT id, url, secret FROM webhook_endpoints
             WHERE id IN (SELECT value FROM json_each(?1))",
        )
        .bind(&[ids.into()])?
        .all()
        .await?
        .results()?;
    let mut due = due;
    due.sort_by_key(|d| d.seq);
    Ok((due, targets))
}

/// What one attempt came to.
pub enum Outcome {
    Delivered(u16),
    Refused(u16),
    Unreachable(String),
}

/// Records an attempt: delivered, due again after its backoff, or given up.
pub async fn record(db: &Db, due: &Due, outcome: &Outcome, now: Millis) -> Result<(), ApiError> {
    let (status, error) = match outcome {
        Outcome::Delivered(status) | Outcome::Refused(status) => (Some(*status), None),
        Outcome::Unreachable(error) => (None, Some(error.chars().take(300).collect::<String>())),
    };
    let (next, delivered) = match outcome {
        Outcome::Delivered(_) => (None, Some(now)),
        _ => (
            webhook::retry_after(due.attempts).map(|wait| now + wait),
            None,
        ),
    };
    db.prepare(
        "UPDATE webhook_messages SET next_attempt_at = ?2, delivered_at = ?3, last_status = ?4,
             last_error = ?5
         WHERE seq = ?1",
    )
    .bind(&[
        JsValue::from_f64(due.seq as f64),
        next.map_or(JsValue::NULL, millis),
        delivered.map_or(JsValue::NULL, millis),
        status.map_or(JsValue::NULL, |s| JsValue::from_f64(f64::from(s))),
        error.map_or(JsValue::NULL, |e| JsValue::from_str(&e)),
    ])?
    .run()
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct DeliveryRow {
    id: String,
    endpoint_id: String,
    r#type: String,
    about: Option<String>,
    created_at: Millis,
    attempts: u32,
    next_attempt_at: Option<Millis>,
    delivered_at: Option<Millis>,
    last_status: Option<u16>,
    last_error: Option<String>,
}

/// The agency's most recent messages, newest first, to one endpoint or to all.
pub async fn deliveries(
    db: &Db,
    agency: &str,
    endpoint: Option<&str>,
    limit: u32,
) -> Result<Vec<Delivery>, ApiError> {
    let rows: Vec<DeliveryRow> = db
        .prepare(
            "SELECT id, endpoint_id, type, json_extract(payload, '$.data.target_name') AS about,
                    created_at, attempts, next_attempt_at, delivered_at, last_status, last_error
             FROM webhook_messages
             WHERE agency_id = ?1 AND (?2 IS NULL OR endpoint_id = ?2)
             ORDER BY seq DESC LIMIT ?3",
        )
        .bind(&[
            agency.into(),
            endpoint.map_or(JsValue::NULL, JsValue::from_str),
            JsValue::from_f64(f64::from(limit)),
        ])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .into_iter()
        .map(|row| Delivery {
            state: match (row.next_attempt_at, row.delivered_at) {
                (Some(_), _) => DeliveryState::Pending,
                (None, Some(_)) => DeliveryState::Delivered,
                (None, None) => DeliveryState::Failed,
            },
            id: row.id,
            endpoint: row.endpoint_id,
            r#type: row.r#type,
            about: row.about,
            created_at: row.created_at,
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            last_status: row.last_status,
            last_error: row.last_error,
        })
        .collect())
}

/// Makes one of the agency's messages due now, whatever it came to before, with a fresh set
/// of attempts: whether there was one.
pub async fn replay(db: &Db, agency: &str, id: &str, now: Millis) -> Result<bool, ApiError> {
    let answer = db
        .prepare(
            "UPDATE webhook_messages SET next_attempt_at = ?3, delivered_at = NULL, attempts = 0
             WHERE id = ?1 AND agency_id = ?2",
        )
        .bind(&[id.into(), agency.into(), millis(now)])?
        .run()
        .await?;
    Ok(answer.changes() > 0)
}
