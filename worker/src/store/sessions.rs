//! Sessions, stored by the digest of their token.

use domain::{UserId, UserState};
use serde::Deserialize;

use super::Db;
use super::millis;
use crate::clock::Millis;
use crate::error::ApiError;

/// A live session's person, read with the session in one query.
#[derive(Debug, Deserialize)]
pub struct Actor {
    pub user_id: UserId,
    pub agency_id: String,
    pub agency_name: String,
    pub name: String,
    pub email: String,
    pub state: UserState,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    pub totp_enabled: i64,
    pub require_two_factor: i64,
    /// Set when the caller came with an API token: what the token is narrowed to.
    #[serde(skip)]
    pub scope: Option<domain::Scope>,
    /// The token's id, when the caller came with one.
    #[serde(skip)]
    pub token: Option<String>,
}

/// The session whose digest is `?1` and its person.
pub const ACTOR_SQL: &str = "SELECT s.user_id, s.agency_id, a.name AS agency_name, u.name, u.email,
        u.state, s.created_at, s.last_seen_at, u.totp_enabled, a.require_two_factor
     FROM sessions s
     JOIN users u ON u.id = s.user_id AND u.agency_id = s.agency_id
     JOIN agencies a ON a.id = s.agency_id
     WHERE s.token_hash = ?1";

/// The session with this token digest and its person.
pub async fn find(db: &Db, digest: &str) -> Result<Option<Actor>, ApiError> {
    Ok(db
        .prepare(ACTOR_SQL)
        .bind(&[digest.into()])?
        .first()
        .await?)
}

/// Opens a session.
pub async fn create(
    db: &Db,
    digest: &str,
    user: &UserId,
    agency_id: &str,
    now: Millis,
) -> Result<(), ApiError> {
    db.prepare(
        "INSERT INTO sessions (token_hash, user_id, agency_id, created_at, last_seen_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
    )
    .bind(&[
        digest.into(),
        user.0.as_str().into(),
        agency_id.into(),
        millis(now),
    ])?
    .run()
    .await?;
    Ok(())
}

/// Records that the session was used at `now`.
pub async fn touch(db: &Db, digest: &str, now: Millis) -> Result<(), ApiError> {
    db.prepare("UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1")
        .bind(&[digest.into(), millis(now)])?
        .run()
        .await?;
    Ok(())
}

/// Ends the session.
pub async fn delete(db: &Db, digest: &str) -> Result<(), ApiError> {
    db.prepare("DELETE FROM sessions WHERE token_hash = ?1")
        .bind(&[digest.into()])?
        .run()
        .await?;
    Ok(())
}

/// Ends every session of a person.
pub async fn delete_all(db: &Db, user: &UserId, agency_id: &str) -> Result<(), ApiError> {
    db.prepare("DELETE FROM sessions WHERE user_id = ?1 AND agency_id = ?2")
        .bind(&[user.0.as_str().into(), agency_id.into()])?
        .run()
        .await?;
    Ok(())
}
