//! Invitation links (R21) and the mail that carries them.

use domain::{Millis, UserId};
use serde::Deserialize;
use worker::D1PreparedStatement;

use super::Db;
use super::millis;
use crate::error::ApiError;

/// The statements that replace the person's link with a new one and queue its mail.
#[allow(clippy::too_many_arguments)]
pub fn issue(
    db: &Db,
    agency: &str,
    user: &UserId,
    digest: &str,
    expires_at: Millis,
    now: Millis,
    email: &str,
    link: &str,
    agency_name: &str,
) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let body = format!(
        "You are invited to {agency_name} on Switchboard.\n\nSet your password and sign in: {link}\n\n\
         The link works once and until {} (Unix milliseconds).",
        expires_at
    );
    Ok(vec![
        kill(db, agency, user)?,
        db.prepare(
            "INSERT INTO invitations (token_hash, user_id, agency_id, expires_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(&[digest.into(), user.0.as_str().into(), agency.into(), millis(expires_at), millis(now)])?
        .into(),
        db.prepare(
            "INSERT INTO outbox (agency_id, to_email, subject, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(&[
            agency.into(),
            email.into(),
            format!("You're invited to {agency_name}").as_str().into(),
            body.as_str().into(),
            millis(now),
        ])?
        .into(),
    ])
}

/// The statement that ends every link of the person.
pub fn kill(db: &Db, agency: &str, user: &UserId) -> Result<D1PreparedStatement, ApiError> {
    Ok(db
        .prepare("DELETE FROM invitations WHERE user_id = ?1 AND agency_id = ?2")
        .bind(&[user.0.as_str().into(), agency.into()])?
        .into())
}

/// Whose link this is.
#[derive(Deserialize)]
pub struct Invitation {
    pub user_id: UserId,
    pub agency_id: String,
}

/// The invitation behind a link's digest, if it is still stored.
pub async fn find(db: &Db, digest: &str) -> Result<Option<Invitation>, ApiError> {
    Ok(db
        .prepare("SELECT user_id, agency_id FROM invitations WHERE token_hash = ?1")
        .bind(&[digest.into()])?
        .first()
        .await?)
}

/// One queued mail.
#[derive(Debug, Deserialize, serde::Serialize)]
pub struct Mail {
    pub to_email: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
}

/// The latest queued mail of every agency, newest first (development only).
pub async fn outbox(db: &Db) -> Result<Vec<Mail>, ApiError> {
    Ok(db
        .prepare(
            "SELECT to_email, subject, body, created_at FROM outbox ORDER BY seq DESC LIMIT 50",
        )
        .all()
        .await?
        .results()?)
}

/// A queued message not sent yet.
#[derive(Debug, Deserialize)]
pub struct Unsent {
    pub seq: i64,
    pub to_email: String,
    pub subject: String,
    pub body: String,
}

/// The oldest unsent messages, at most `limit`.
pub async fn unsent(db: &Db, limit: u32) -> Result<Vec<Unsent>, ApiError> {
    Ok(db
        .prepare(
            "SELECT seq, to_email, subject, body FROM outbox WHERE sent_at IS NULL
             ORDER BY seq LIMIT ?1",
        )
        .bind(&[worker::wasm_bindgen::JsValue::from(limit)])?
        .all()
        .await?
        .results()?)
}

/// Marks a message delivered.
pub async fn mark_sent(db: &Db, seq: i64, now: Millis) -> Result<(), ApiError> {
    db.prepare("UPDATE outbox SET sent_at = ?2 WHERE seq = ?1 AND sent_at IS NULL")
        .bind(&[
            worker::wasm_bindgen::JsValue::from_f64(seq as f64),
            millis(now),
        ])?
        .run()
        .await?;
    Ok(())
}
