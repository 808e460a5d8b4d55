//! Users and the grants that make them visible.

use domain::{BuiltinRole, Capability, Email, UserId, UserState};
use serde::Deserialize;

use worker::wasm_bindgen::JsValue;

use super::Db;
use super::millis;
use super::sessions::Actor;
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

/// One visible grant of one visible user.
#[derive(Debug, Deserialize)]
pub struct VisibleGrant {
    pub id: String,
    pub name: String,
    pub email: String,
    pub state: UserState,
    pub role: String,
    pub node: String,
}

/// Every grant that lies in the actor's `users.view` reach, with its user, ordered by user.
/// The reach is the subtree under each node where the actor holds a current grant of a role
/// with `users.view` (R1).
pub async fn visible_to(
    db: &Db,
    actor: &Actor,
    now: Millis,
) -> Result<Vec<VisibleGrant>, ApiError> {
    let viewing_roles: Vec<&str> = BuiltinRole::ALL
        .iter()
        .filter(|role| role.capabilities().contains(Capability::UsersView))
        .map(|role| role.name())
        .collect();
    let viewing_roles =
        serde_json::to_string(&viewing_roles).map_err(|e| ApiError::Internal(e.to_string()))?;
    let result = db
        .prepare(
            "WITH RECURSIVE reach(id) AS (
                 SELECT g.node_id FROM grants g
                 WHERE g.agency_id = ?1 AND g.user_id = ?2
                   AND g.role IN (SELECT value FROM json_each(?3))
                   AND (g.starts_at IS NULL OR g.starts_at <= ?4)
                   AND (g.ends_at IS NULL OR g.ends_at > ?4)
                 UNION
                 SELECT n.id FROM nodes n JOIN reach r ON n.parent_id = r.id
                 WHERE n.agency_id = ?1
             )
             SELECT u.id, u.name, u.email, u.state, g.role, n.name AS node
             FROM grants g
             JOIN reach r ON r.id = g.node_id
             JOIN users u ON u.id = g.user_id AND u.agency_id = ?1
             JOIN nodes n ON n.id = g.node_id AND n.agency_id = ?1
             WHERE g.agency_id = ?1 AND u.state != 'deleted'
             ORDER BY u.name COLLATE NOCASE, u.id, n.name",
        )
        .bind(&[
            actor.agency_id.as_str().into(),
            actor.user_id.0.as_str().into(),
            viewing_roles.into(),
            millis(now),
        ])?
        .all()
        .await?;
    Ok(result.results()?)
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
