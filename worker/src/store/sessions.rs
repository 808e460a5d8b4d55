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
    /// The person behind this membership (migration 0013).
    #[serde(default)]
    pub person_id: String,
    pub agency_id: String,
    pub agency_name: String,
    pub name: String,
    pub email: String,
    pub state: UserState,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    pub totp_enabled: i64,
    pub require_two_factor: i64,
    /// The agency's limit on inactivity, in minutes, if it set one.
    #[serde(default)]
    pub session_idle_minutes: Option<i64>,
    /// Set when the caller came with an API token: what the token is narrowed to.
    #[serde(skip)]
    pub scope: Option<domain::Scope>,
    /// The token's id, when the caller came with one.
    #[serde(skip)]
    pub token: Option<String>,
}

/// A session `s`, its person `u` and their agency `a` as one JSON object (an [`Actor`]).
macro_rules! actor_json {
    () => {
        "json_object('user_id', s.user_id, 'person_id', u.person_id, 'agency_id', s.agency_id,
        'agency_name', a.name, 'name', u.name, 'email', u.email, 'state', u.state,
        'created_at', s.created_at, 'last_seen_at', s.last_seen_at,
        'totp_enabled', u.totp_enabled, 'require_two_factor', a.require_two_factor,
        'session_idle_minutes', a.session_idle_minutes)"
    };
}

/// The caller's row, where the load reads the session, its person and agency itself.
pub const ACTOR_JSON: &str = actor_json!();

/// The session whose digest is `?1` and its person.
/// (One JSON object, so it can also ride as a column of the load statement.)
pub const ACTOR_SQL: &str = concat!(
    "SELECT ",
    actor_json!(),
    "
     FROM sessions s
     JOIN users u ON u.id = s.user_id AND u.agency_id = s.agency_id
     JOIN agencies a ON a.id = s.agency_id
     WHERE s.token_hash = ?1"
);

/// The caller's row of an actor statement, as JSON.
pub async fn actor_row(
    db: &Db,
    sql: &str,
    digest: &str,
) -> Result<Option<serde_json::Value>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        actor: Option<String>,
    }
    let row: Option<Row> = db
        .prepare(format!("SELECT ({sql}) AS actor"))
        .bind(&[digest.into()])?
        .first()
        .await?;
    row.and_then(|r| r.actor)
        .map(|text| {
            serde_json::from_str(&text).map_err(|e| ApiError::Internal(format!("caller row: {e}")))
        })
        .transpose()
}

/// The session with this token digest and its person.
pub async fn find(db: &Db, digest: &str) -> Result<Option<Actor>, ApiError> {
    actor_row(db, ACTOR_SQL, digest)
        .await?
        .map(|row| {
            serde_json::from_value(row).map_err(|e| ApiError::Internal(format!("session row: {e}")))
        })
        .transpose()
}

/// Where a session was opened from, as the person will see it in their list of sessions.
#[derive(Debug, Default)]
pub struct Origin {
    /// The browser or program, from `User-Agent` (cut to 200 characters).
    pub device: String,
    /// The network address, from `CF-Connecting-IP`.
    pub address: String,
}

/// Opens a session: a sign-in to the agency.
pub async fn create(
    db: &Db,
    digest: &str,
    user: &UserId,
    agency_id: &str,
    now: Millis,
    origin: &Origin,
    also: Vec<worker::D1PreparedStatement>,
) -> Result<(), ApiError> {
    let mut statements = vec![db.statement(
        "INSERT INTO sessions (token_hash, user_id, agency_id, created_at, last_seen_at, id,
                               device, address)
         VALUES (?1, ?2, ?3, ?4, ?4, lower(hex(randomblob(12))), ?5, ?6)",
        &[
            digest.into(),
            user.0.as_str().into(),
            agency_id.into(),
            millis(now),
            origin.device.as_str().into(),
            origin.address.as_str().into(),
        ],
    )?];
    // The sign-in shows in the people list as the person's last sign-in; the agency's version
    // moves on and the change log names them, so devices pull their row again.
    statements.push(db.statement(
        "UPDATE users SET last_sign_in_at = ?3 WHERE id = ?1 AND agency_id = ?2",
        &[user.0.as_str().into(), agency_id.into(), millis(now)],
    )?);
    statements.push(db.statement(
        "UPDATE agencies SET version = version + 1 WHERE id = ?1",
        &[agency_id.into()],
    )?);
    statements.push(db.statement(
        "INSERT INTO changes (agency_id, version, user_id, lost_at)
         SELECT ?1, version, ?2, '' FROM agencies WHERE id = ?1",
        &[agency_id.into(), user.0.as_str().into()],
    )?);
    statements.extend(also);
    db.batch(statements).await?;
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
