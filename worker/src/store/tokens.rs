//! API tokens, stored by the digest of their secret.

use domain::{CapabilitySet, NodeId, Scope, UserId};
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;

use super::sessions::Actor;
use super::{Db, millis};
use crate::clock::Millis;
use crate::error::ApiError;

#[derive(Deserialize)]
struct TokenRow {
    id: String,
    #[serde(flatten)]
    actor: Actor,
    capabilities: String,
    nodes: String,
    expires_at: Option<Millis>,
}

/// A stored token as listed (never its secret).
#[derive(Debug, Deserialize)]
pub struct Listed {
    pub id: String,
    pub name: String,
    pub capabilities: String,
    pub nodes: String,
    pub created_at: Millis,
    pub expires_at: Option<Millis>,
}

fn stored<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Internal(format!("stored token: {e}")))
}

/// The person behind the token whose digest is `?1`, with the token's scope.
pub const ACTOR_SQL: &str = "SELECT json_object('id', t.id, 'user_id', t.user_id,
        'person_id', u.person_id,
        'agency_id', t.agency_id, 'agency_name', a.name, 'name', u.name, 'email', u.email,
        'state', u.state, 'created_at', t.created_at, 'last_seen_at', t.created_at,
        'totp_enabled', u.totp_enabled, 'require_two_factor', a.require_two_factor,
        'capabilities', t.capabilities, 'nodes', t.nodes, 'expires_at', t.expires_at)
     FROM api_tokens t
     JOIN users u ON u.id = t.user_id AND u.agency_id = t.agency_id
     JOIN agencies a ON a.id = t.agency_id
     WHERE t.token_hash = ?1";

/// The caller a token row names, narrowed to the token's scope; `None` once it has expired.
pub fn actor_of(row: serde_json::Value, now: Millis) -> Result<Option<Actor>, ApiError> {
    let row: TokenRow =
        serde_json::from_value(row).map_err(|e| ApiError::Internal(format!("token row: {e}")))?;
    if row.expires_at.is_some_and(|at| at <= now) {
        return Ok(None);
    }
    let capabilities: CapabilitySet = stored(&row.capabilities)?;
    let nodes: Vec<String> = stored(&row.nodes)?;
    let mut actor = row.actor;
    actor.scope = Some(Scope {
        capabilities,
        nodes: nodes.iter().map(|n| NodeId(n.clone())).collect(),
    });
    actor.token = Some(row.id);
    Ok(Some(actor))
}

/// The person behind a live token with this digest, narrowed to the token's scope.
pub async fn find(db: &Db, digest: &str, now: Millis) -> Result<Option<Actor>, ApiError> {
    let row = super::sessions::actor_row(db, ACTOR_SQL, digest).await?;
    match row {
        Some(row) => actor_of(row, now),
        None => Ok(None),
    }
}

/// Stores a new token.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    db: &Db,
    id: &str,
    digest: &str,
    agency: &str,
    user: &UserId,
    name: &str,
    scope: &Scope,
    expires_at: Option<Millis>,
    now: Millis,
) -> Result<(), ApiError> {
    let nodes: Vec<&str> = scope.nodes.iter().map(|n| n.0.as_str()).collect();
    db.prepare(
        "INSERT INTO api_tokens (id, token_hash, agency_id, user_id, name, capabilities, nodes,
             created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .bind(&[
        id.into(),
        digest.into(),
        agency.into(),
        user.0.as_str().into(),
        name.into(),
        json(&scope.capabilities).into(),
        json(&nodes).into(),
        millis(now),
        expires_at.map_or(JsValue::NULL, millis),
    ])?
    .run()
    .await?;
    Ok(())
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The person's tokens, newest first.
pub async fn list(db: &Db, agency: &str, user: &UserId) -> Result<Vec<Listed>, ApiError> {
    Ok(db
        .prepare(
            "SELECT id, name, capabilities, nodes, created_at, expires_at FROM api_tokens
             WHERE agency_id = ?1 AND user_id = ?2 ORDER BY created_at DESC",
        )
        .bind(&[agency.into(), user.0.as_str().into()])?
        .all()
        .await?
        .results()?)
}

/// Revokes one of the person's tokens; false if they have none with that id.
pub async fn revoke(db: &Db, agency: &str, user: &UserId, id: &str) -> Result<bool, ApiError> {
    let result = db
        .prepare("DELETE FROM api_tokens WHERE id = ?1 AND agency_id = ?2 AND user_id = ?3")
        .bind(&[id.into(), agency.into(), user.0.as_str().into()])?
        .run()
        .await?;
    Ok(result.changes() > 0)
}
