//! People: an address, a password, a second factor and sessions, with a membership (a `users`
//! row) in each of their agencies (migration 0013). What a person reads here is theirs alone;
//! nothing here answers one agency about another.

use domain::api::{AgencySummary, SessionInfo};
use domain::{Email, UserId, UserState};
use serde::Deserialize;
use worker::D1PreparedStatement;
use worker::wasm_bindgen::JsValue;

use super::{Db, millis};
use crate::clock::Millis;
use crate::error::ApiError;

/// What sign-in needs to know about an address.
#[derive(Debug, Deserialize)]
pub struct Credentials {
    pub id: String,
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_enabled: i64,
    pub totp_last_step: Option<i64>,
}

/// The person with this address, if any.
pub async fn find_credentials(db: &Db, email: &Email) -> Result<Option<Credentials>, ApiError> {
    Ok(db
        .prepare(
            "SELECT id, password_hash, totp_secret, totp_enabled, totp_last_step
             FROM people WHERE email = ?1",
        )
        .bind(&[email.as_str().into()])?
        .first()
        .await?)
}

/// The person with this id.
pub async fn credentials(db: &Db, person: &str) -> Result<Option<Credentials>, ApiError> {
    Ok(db
        .prepare(
            "SELECT id, password_hash, totp_secret, totp_enabled, totp_last_step
             FROM people WHERE id = ?1",
        )
        .bind(&[person.into()])?
        .first()
        .await?)
}

/// One of a person's memberships.
#[derive(Debug, Deserialize)]
pub struct Membership {
    pub user_id: UserId,
    pub agency_id: String,
    pub agency_name: String,
    pub state: UserState,
}

impl Membership {
    pub fn summary(&self) -> AgencySummary {
        AgencySummary {
            id: self.agency_id.clone(),
            name: self.agency_name.clone(),
        }
    }
}

/// A person's memberships that are not deleted: the agency used last first, then by name.
pub async fn memberships(db: &Db, person: &str) -> Result<Vec<Membership>, ApiError> {
    Ok(db
        .prepare(
            "SELECT u.id AS user_id, u.agency_id, a.name AS agency_name, u.state
             FROM users u
             JOIN agencies a ON a.id = u.agency_id
             JOIN people p ON p.id = u.person_id
             WHERE u.person_id = ?1 AND u.state <> 'deleted'
             ORDER BY u.agency_id = p.last_agency_id DESC, a.name COLLATE NOCASE, a.id",
        )
        .bind(&[person.into()])?
        .all()
        .await?
        .results()?)
}

/// Remembers the agency a person signed in to or switched to last.
pub fn used_agency(db: &Db, person: &str, agency: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(db.statement(
        "UPDATE people SET last_agency_id = ?2 WHERE id = ?1",
        &[person.into(), agency.into()],
    )?)
}

/// Remembers the step of the code just accepted, so it is not accepted again.
pub async fn record_totp_step(db: &Db, person: &str, step: u64) -> Result<(), ApiError> {
    db.prepare("UPDATE people SET totp_last_step = ?2 WHERE id = ?1")
        .bind(&[person.into(), JsValue::from_f64(step as f64)])?
        .run()
        .await?;
    Ok(())
}

/// Stores a new, not yet confirmed secret (two-factor stays off until it is confirmed).
pub async fn set_totp_secret(db: &Db, person: &str, secret: &str) -> Result<(), ApiError> {
    db.prepare(
        "UPDATE people SET totp_secret = ?2, totp_enabled = 0, totp_last_step = NULL WHERE id = ?1",
    )
    .bind(&[person.into(), secret.into()])?
    .run()
    .await?;
    Ok(())
}

/// Turns two-factor sign-in on, recording the step of the confirming code.
pub async fn enable_totp(db: &Db, person: &str, step: u64) -> Result<(), ApiError> {
    db.prepare("UPDATE people SET totp_enabled = 1, totp_last_step = ?2 WHERE id = ?1")
        .bind(&[person.into(), JsValue::from_f64(step as f64)])?
        .run()
        .await?;
    Ok(())
}

/// The statement that sets a person's password hash.
pub fn set_password(db: &Db, person: &str, hash: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(db.statement(
        "UPDATE people SET password_hash = ?2 WHERE id = ?1",
        &[person.into(), hash.into()],
    )?)
}

/// The statement that ends a person's sessions in every agency, but for the one whose digest
/// is `keep` (if any).
pub fn end_sessions(
    db: &Db,
    person: &str,
    keep: Option<&str>,
) -> Result<D1PreparedStatement, ApiError> {
    Ok(db.statement(
        "DELETE FROM sessions
         WHERE user_id IN (SELECT id FROM users WHERE person_id = ?1)
           AND (?2 IS NULL OR token_hash <> ?2)",
        &[person.into(), keep.map_or(JsValue::NULL, JsValue::from_str)],
    )?)
}

/// The person's sessions in all their agencies, most recently used first.
pub async fn sessions(
    db: &Db,
    person: &str,
    current_digest: &str,
) -> Result<Vec<SessionInfo>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        device: String,
        address: String,
        agency_id: String,
        agency_name: String,
        created_at: i64,
        last_seen_at: i64,
        current: i64,
    }
    let rows: Vec<Row> = db
        .prepare(
            "SELECT s.id, s.device, s.address, s.agency_id, a.name AS agency_name, s.created_at,
                    s.last_seen_at, s.token_hash = ?2 AS current
             FROM users u
             JOIN sessions s ON s.user_id = u.id
             JOIN agencies a ON a.id = s.agency_id
             WHERE u.person_id = ?1
             ORDER BY s.last_seen_at DESC, s.id
             LIMIT 200",
        )
        .bind(&[person.into(), current_digest.into()])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .into_iter()
        .map(|r| SessionInfo {
            id: r.id,
            device: r.device,
            address: r.address,
            agency: AgencySummary {
                id: r.agency_id,
                name: r.agency_name,
            },
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            current: r.current != 0,
        })
        .collect())
}

/// Ends one of the person's sessions by its id; whether there was one.
pub async fn end_session(db: &Db, person: &str, id: &str) -> Result<bool, ApiError> {
    let answer = db
        .prepare(
            "DELETE FROM sessions
             WHERE id = ?2 AND user_id IN (SELECT id FROM users WHERE person_id = ?1)",
        )
        .bind(&[person.into(), id.into()])?
        .run()
        .await?;
    Ok(answer.changes() > 0)
}

/// The statements that issue a password-reset link to the person with the address `email`,
/// if there is one, and queue its mail; for an unknown address they change nothing. The same
/// statements run either way, so the answer and its timing say nothing about the address.
pub fn issue_reset(
    db: &Db,
    email: &Email,
    digest: &str,
    expires_at: Millis,
    now: Millis,
    link: &str,
) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let body = format!(
        "Someone asked to reset the password of your Switchboard account.\n\n\
         Choose a new password: {link}\n\n\
         The link works once, for one hour. If it was not you, ignore this mail: your password \
         stays as it is."
    );
    let email = email.as_str();
    Ok(vec![
        db.statement(
            "DELETE FROM password_resets
             WHERE person_id = (SELECT id FROM people WHERE email = ?1)",
            &[email.into()],
        )?,
        db.statement(
            "INSERT INTO password_resets (token_hash, person_id, expires_at, created_at)
             SELECT ?2, id, ?3, ?4 FROM people WHERE email = ?1",
            &[email.into(), digest.into(), millis(expires_at), millis(now)],
        )?,
        // Mail belongs to an agency (R2): the person's last one, or any of theirs.
        db.statement(
            "INSERT INTO outbox (agency_id, to_email, subject, body, created_at)
             SELECT COALESCE(p.last_agency_id,
                             (SELECT agency_id FROM users WHERE person_id = p.id LIMIT 1)),
                    p.email, 'Reset your Switchboard password', ?2, ?3
             FROM people p WHERE p.email = ?1
               AND EXISTS (SELECT 1 FROM users WHERE person_id = p.id)",
            &[email.into(), body.as_str().into(), millis(now)],
        )?,
    ])
}

/// A link's person, if the link is stored and live; expired links are answered as gone.
#[derive(Debug, Deserialize)]
pub struct Link {
    pub person_id: String,
    pub expires_at: i64,
    #[serde(default)]
    pub new_email: Option<String>,
}

/// The password-reset link with this digest.
pub async fn find_reset(db: &Db, digest: &str) -> Result<Option<Link>, ApiError> {
    Ok(db
        .prepare("SELECT person_id, expires_at FROM password_resets WHERE token_hash = ?1")
        .bind(&[digest.into()])?
        .first()
        .await?)
}

/// The statement that uses up every reset link of the person.
pub fn end_resets(db: &Db, person: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(db.statement(
        "DELETE FROM password_resets WHERE person_id = ?1",
        &[person.into()],
    )?)
}

/// The statements that ask to move the person to `email`, mailing the link to that address.
#[allow(clippy::too_many_arguments)]
pub fn issue_email_change(
    db: &Db,
    person: &str,
    agency: &str,
    email: &Email,
    digest: &str,
    expires_at: Millis,
    now: Millis,
    link: &str,
) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let body = format!(
        "Someone asked to make this the address of their Switchboard account.\n\n\
         If it was you, confirm it: {link}\n\n\
         The link works once, for one hour. If it was not you, ignore this mail."
    );
    Ok(vec![
        db.statement(
            "DELETE FROM email_changes WHERE person_id = ?1",
            &[person.into()],
        )?,
        db.statement(
            "INSERT INTO email_changes (token_hash, person_id, new_email, expires_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            &[
                digest.into(),
                person.into(),
                email.as_str().into(),
                millis(expires_at),
                millis(now),
            ],
        )?,
        db.statement(
            "INSERT INTO outbox (agency_id, to_email, subject, body, created_at)
             VALUES (?1, ?2, 'Confirm your new Switchboard address', ?3, ?4)",
            &[
                agency.into(),
                email.as_str().into(),
                body.as_str().into(),
                millis(now),
            ],
        )?,
    ])
}

/// The address change behind a link's digest.
pub async fn find_email_change(db: &Db, digest: &str) -> Result<Option<Link>, ApiError> {
    Ok(db
        .prepare("SELECT person_id, expires_at, new_email FROM email_changes WHERE token_hash = ?1")
        .bind(&[digest.into()])?
        .first()
        .await?)
}

/// Whether an address belongs to a person, or to a member of an agency the person is in.
pub async fn address_taken(db: &Db, person: &str, email: &str) -> Result<bool, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        taken: i64,
    }
    let row: Option<Row> = db
        .prepare(
            "SELECT EXISTS (SELECT 1 FROM people WHERE email = ?2 AND id <> ?1)
                 OR EXISTS (SELECT 1 FROM users o JOIN users mine ON mine.agency_id = o.agency_id
                            WHERE mine.person_id = ?1 AND o.email = ?2 AND o.state <> 'deleted'
                              AND o.person_id <> ?1) AS taken",
        )
        .bind(&[person.into(), email.into()])?
        .first()
        .await?;
    Ok(row.is_some_and(|r| r.taken != 0))
}

/// The statements that move a person to a confirmed new address, write an audit entry in each
/// agency they belong to (R25), and tell each agency's clients that the rows changed.
pub fn move_address(
    db: &Db,
    person: &str,
    email: &str,
    now: Millis,
) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let members = "SELECT id, agency_id, name, email FROM users
                   WHERE person_id = ?1 AND state <> 'deleted'";
    Ok(vec![
        db.statement(
            format!(
                "INSERT INTO audit_log (agency_id, at, actor_id, action, target, before, after,
                                        actor_name, target_name)
                 SELECT m.agency_id, ?3, m.id, 'email_changed', m.id,
                        json_object('kind', 'address', 'email', m.email),
                        json_object('kind', 'address', 'email', ?2), m.name, m.name
                 FROM ({members}) m"
            ),
            &[person.into(), email.into(), millis(now)],
        )?,
        db.statement(
            format!(
                "UPDATE agencies SET version = version + 1
                 WHERE id IN (SELECT agency_id FROM ({members}))"
            ),
            &[person.into()],
        )?,
        db.statement(
            format!(
                "INSERT INTO changes (agency_id, version, user_id, lost_at)
                 SELECT m.agency_id, (SELECT version FROM agencies WHERE id = m.agency_id), m.id, ''
                 FROM ({members}) m"
            ),
            &[person.into()],
        )?,
        db.statement(
            "UPDATE people SET email = ?2 WHERE id = ?1",
            &[person.into(), email.into()],
        )?,
        db.statement(
            "DELETE FROM email_changes WHERE person_id = ?1",
            &[person.into()],
        )?,
    ])
}
