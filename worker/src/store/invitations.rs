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
    // One text whether or not the address has an account somewhere: composing it reads
    // nothing, so the inviter's answer and its timing say nothing about the address (R2).
    let body = format!(
        "{agency_name} invites you to work with them on Switchboard.\n\n\
         Accept the invitation: {link}\n\n\
         If you already have a Switchboard account, you accept with the password you have; \
         otherwise you choose one. The link works once and until {} (Unix milliseconds).",
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

/// Whose link this is: the membership, its agency and the person behind it.
#[derive(Deserialize)]
pub struct Invitation {
    pub user_id: UserId,
    pub agency_id: String,
    pub agency_name: String,
    pub person_id: String,
    pub email: String,
    /// The person's password, when they already have an account (in this or another agency).
    pub password_hash: Option<String>,
}

/// The invitation behind a link's digest, if it is still stored.
pub async fn find(db: &Db, digest: &str) -> Result<Option<Invitation>, ApiError> {
    Ok(db
        .prepare(
            "SELECT i.user_id, i.agency_id, a.name AS agency_name, p.id AS person_id, p.email,
                    p.password_hash
             FROM invitations i
             JOIN users u ON u.id = i.user_id AND u.agency_id = i.agency_id
             JOIN people p ON p.id = u.person_id
             JOIN agencies a ON a.id = i.agency_id
             WHERE i.token_hash = ?1",
        )
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
