//! Writes decided events and their audit entries to D1 in one batch: all or nothing.

use domain::sync::Touched;
use domain::{AuditEntry, E164, Event, Millis, NodeId, RoleRef, Snapshot, UserId, UserState};
use worker::D1PreparedStatement;
use worker::wasm_bindgen::JsValue;

use super::Db;
use super::millis;
use crate::error::ApiError;

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn opt_millis(value: Option<Millis>) -> JsValue {
    value.map_or(JsValue::NULL, millis)
}

fn flag(value: bool) -> JsValue {
    JsValue::from_f64(if value { 1.0 } else { 0.0 })
}

fn json<T: serde::Serialize>(value: &T) -> Result<JsValue, ApiError> {
    serde_json::to_string(value)
        .map(|s| JsValue::from_str(&s))
        .map_err(|e| ApiError::Internal(e.to_string()))
}

fn role_columns(role: &RoleRef) -> (JsValue, JsValue) {
    match role {
        RoleRef::Builtin(b) => (text("builtin"), text(b.name())),
        RoleRef::Custom(id) => (text("custom"), text(&id.0)),
    }
}

struct Batch<'a> {
    db: &'a Db,
    statements: Vec<D1PreparedStatement>,
}

impl Batch<'_> {
    fn push(&mut self, sql: &str, params: Vec<JsValue>) -> Result<(), ApiError> {
        self.statements.push(self.db.statement(sql, &params)?);
        Ok(())
    }
}

/// A decided change: the part of the agency it was decided on, before and after, its events
/// and their audit entries.
pub struct Change<'a> {
    pub agency: &'a str,
    pub before: &'a Snapshot,
    pub after: &'a Snapshot,
    pub events: &'a [Event],
    pub audit: &'a [AuditEntry],
}

/// The statements that make a person's tracking numbers in `numbers` those of their settings.
fn numbers_of(
    b: &mut Batch<'_>,
    agency: &str,
    user: &UserId,
    numbers: &[E164],
) -> Result<(), ApiError> {
    b.push(
        "DELETE FROM numbers WHERE agency_id = ?1 AND user_id = ?2",
        vec![text(agency), text(&user.0)],
    )?;
    if !numbers.is_empty() {
        b.push(
            "INSERT INTO numbers (agency_id, number, user_id) SELECT ?1, value, ?2 FROM json_each(?3)",
            vec![text(agency), text(&user.0), json(&numbers)?],
        )?;
    }
    Ok(())
}

/// The statement that makes sure a person has the address `email`: nothing if one has.
fn person_of(b: &mut Batch<'_>, email: &str, agency: &str, now: Millis) -> Result<(), ApiError> {
    b.push(
        "INSERT INTO people (id, email, last_agency_id, created_at)
         VALUES ('p_' || lower(hex(randomblob(12))), ?1, ?2, ?3)
         ON CONFLICT (email) DO NOTHING",
        vec![text(email), text(agency), millis(now)],
    )
}

/// Writes a decided change atomically: its rows, the agency's counts moved by the change's
/// difference, its audit entries and the `extra` statements (mail, links) in one batch.
pub async fn commit(
    db: &Db,
    change: Change<'_>,
    now: Millis,
    extra: Vec<D1PreparedStatement>,
) -> Result<(), ApiError> {
    let Change {
        agency,
        before,
        after,
        events,
        audit,
    } = change;
    let mut b = Batch {
        db,
        statements: Vec::with_capacity(events.len() + audit.len() + extra.len() + 1),
    };
    let a = || text(agency);
    let path = |snapshot: &Snapshot, node: &NodeId| {
        snapshot
            .node_path(node)
            .ok_or_else(|| ApiError::Internal(format!("node {} was not loaded", node.0)))
    };
    for event in events {
        match event {
            Event::UserAdded { user } => {
                // The membership names the person of its address, who is made if the address
                // is new anywhere. The same statements run whether or not the address has an
                // account elsewhere, so the answer tells the agency nothing of it (R2).
                person_of(&mut b, &user.email, agency, now)?;
                b.push(
                "INSERT INTO users (id, agency_id, email, name, state, calling_enabled, contact_edit,
                     invitation_expires_at, support, settings, created_at, person_id, totp_enabled)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, p.id, p.totp_enabled
                 FROM people p WHERE p.email = ?3",
                vec![
                    text(&user.id.0),
                    a(),
                    text(&user.email),
                    text(&user.name),
                    text(user.state.as_str()),
                    flag(user.calling_enabled),
                    flag(user.contact_edit),
                    opt_millis(user.invitation_expires_at),
                    flag(user.support),
                    json(&user.settings)?,
                    millis(now),
                ],
            )?
            }
            Event::ProfileChanged { user, name, email } => {
                // Only someone who never signed in has their address changed for them
                // (domain decides); their membership then names the person of the new one.
                person_of(&mut b, email, agency, now)?;
                b.push(
                    "UPDATE users SET name = ?3, email = ?4,
                         person_id = (SELECT id FROM people WHERE email = ?4)
                     WHERE id = ?1 AND agency_id = ?2",
                    vec![text(&user.0), a(), text(name), text(email)],
                )?
            }
            Event::SwitchesChanged { user, calling_enabled, contact_edit } => b.push(
                "UPDATE users SET calling_enabled = ?3, contact_edit = ?4 WHERE id = ?1 AND agency_id = ?2",
                vec![text(&user.0), a(), flag(*calling_enabled), flag(*contact_edit)],
            )?,
            Event::SettingsChanged { user, settings } => {
                b.push(
                    "UPDATE users SET settings = ?3 WHERE id = ?1 AND agency_id = ?2",
                    vec![text(&user.0), a(), json(settings)?],
                )?;
                numbers_of(&mut b, agency, user, &settings.tracking_numbers)?;
            }
            Event::StateChanged { user, state } => {
                b.push(
                    "UPDATE users SET state = ?3,
                         invitation_expires_at = CASE WHEN ?3 = 'invited' THEN invitation_expires_at END
                     WHERE id = ?1 AND agency_id = ?2",
                    vec![text(&user.0), a(), text(state.as_str())],
                )?;
                // R23, R24: sessions end at once (every request re-reads the state anyway).
                if matches!(state, UserState::Suspended | UserState::Deleted) {
                    b.push(
                        "DELETE FROM sessions WHERE user_id = ?1 AND agency_id = ?2",
                        vec![text(&user.0), a()],
                    )?;
                }
            }
            Event::InvitationIssued { user, expires_at } => b.push(
                "UPDATE users SET invitation_expires_at = ?3 WHERE id = ?1 AND agency_id = ?2",
                vec![text(&user.0), a(), millis(*expires_at)],
            )?,
            Event::Granted { grant } => {
                let (kind, role) = role_columns(&grant.role);
                b.push(
                    "INSERT INTO grants (id, agency_id, user_id, role_kind, role, node_id, starts_at,
                         ends_at, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    vec![
                        text(&grant.id.0),
                        a(),
                        text(&grant.user.0),
                        kind,
                        role,
                        text(&grant.node.0),
                        opt_millis(grant.starts_at),
                        opt_millis(grant.ends_at),
                        millis(now),
                    ],
                )?
            }
            Event::Revoked { grant } => b.push(
                "DELETE FROM grants WHERE id = ?1 AND agency_id = ?2",
                vec![text(&grant.0), a()],
            )?,
            Event::RoleChanged { grant, role } => {
                let (kind, role) = role_columns(role);
                b.push(
                    "UPDATE grants SET role_kind = ?3, role = ?4 WHERE id = ?1 AND agency_id = ?2",
                    vec![text(&grant.0), a(), kind, role],
                )?
            }
            // Tracking numbers move with the person's settings; leads and router places get
            // their tables with the features that own them, and until then the hand-over is
            // recorded in the audit log.
            Event::Reassigned { from, to } => {
                for user in [from, to] {
                    if let Some(person) = after.user(user) {
                        b.push(
                            "UPDATE users SET settings = ?3 WHERE id = ?1 AND agency_id = ?2",
                            vec![text(&user.0), a(), json(&person.settings)?],
                        )?;
                        numbers_of(&mut b, agency, user, &person.settings.tracking_numbers)?;
                    }
                }
            }
            Event::NodeCreated { node } => b.push(
                "INSERT INTO nodes (id, agency_id, parent_id, kind, name, path, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                vec![
                    text(&node.id.0),
                    a(),
                    node.parent.as_ref().map_or(JsValue::NULL, |p| text(&p.0)),
                    text(node.kind.as_str()),
                    text(&node.name),
                    text(&path(after, &node.id)?),
                    millis(now),
                ],
            )?,
            Event::NodeRenamed { node, name } => b.push(
                "UPDATE nodes SET name = ?3 WHERE id = ?1 AND agency_id = ?2",
                vec![text(&node.0), a(), text(name)],
            )?,
            Event::NodeMoved { node, parent } => {
                b.push(
                    "UPDATE nodes SET parent_id = ?3 WHERE id = ?1 AND agency_id = ?2",
                    vec![text(&node.0), a(), text(&parent.0)],
                )?;
                // The node and everything under it get their new paths.
                b.push(
                    &format!(
                        "UPDATE nodes SET path = ?3 || substr(path, length(?2) + 1)
                         WHERE agency_id = ?1 AND {}",
                        super::under("path", "?2")
                    ),
                    vec![a(), text(&path(before, node)?), text(&path(after, node)?)],
                )?;
            }
            Event::NodeDeleted { node } => b.push(
                "DELETE FROM nodes WHERE id = ?1 AND agency_id = ?2",
                vec![text(&node.0), a()],
            )?,
            Event::RoleDefined { role } => b.push(
                "INSERT INTO custom_roles (id, agency_id, name, capabilities, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                vec![text(&role.id.0), a(), text(&role.name), json(&role.capabilities)?, millis(now)],
            )?,
            Event::RoleEdited { role } => b.push(
                "UPDATE custom_roles SET name = ?3, capabilities = ?4 WHERE id = ?1 AND agency_id = ?2",
                vec![text(&role.id.0), a(), text(&role.name), json(&role.capabilities)?],
            )?,
            Event::RoleDeleted { role } => b.push(
                "DELETE FROM custom_roles WHERE id = ?1 AND agency_id = ?2",
                vec![text(&role.0), a()],
            )?,
            Event::PlanChanged { plan } => {
                b.push("UPDATE agencies SET plan = ?2 WHERE id = ?1", vec![a(), json(plan)?])?
            }
            Event::AgencyConfigured {
                agent_statuses,
                agent_groups,
                require_two_factor,
                session_idle_minutes,
            } => b.push(
                "UPDATE agencies SET agent_statuses = ?2, agent_groups = ?3, require_two_factor = ?4,
                     session_idle_minutes = ?5
                 WHERE id = ?1",
                vec![
                    a(),
                    json(agent_statuses)?,
                    json(agent_groups)?,
                    flag(*require_two_factor),
                    session_idle_minutes.map_or(JsValue::NULL, |m| JsValue::from_f64(f64::from(m))),
                ],
            )?,
            Event::OwnerChanged { to } => {
                b.push("UPDATE agencies SET owner_id = ?2 WHERE id = ?1", vec![a(), text(&to.0)])?
            }
            Event::CampaignSaved { campaign } => b.push(
                "INSERT INTO campaigns (agency_id, id, name, node_id, agent_groups, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (agency_id, id) DO UPDATE
                 SET name = excluded.name, node_id = excluded.node_id,
                     agent_groups = excluded.agent_groups",
                vec![
                    a(),
                    text(&campaign.id.0),
                    text(&campaign.name),
                    text(&campaign.node.0),
                    json(&campaign.agent_groups)?,
                    millis(now),
                ],
            )?,
            Event::CampaignDeleted { campaign } => b.push(
                "DELETE FROM campaigns WHERE agency_id = ?1 AND id = ?2",
                vec![a(), text(&campaign.0)],
            )?,
        }
    }
    for entry in audit {
        b.push(
            "INSERT INTO audit_log (agency_id, at, actor_id, action, target, before, after,
                                    actor_name, target_name)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            vec![
                a(),
                millis(entry.at),
                text(&entry.actor.0),
                text(&entry.action),
                text(&entry.target),
                entry.before.as_ref().map_or(Ok(JsValue::NULL), json)?,
                entry.after.as_ref().map_or(Ok(JsValue::NULL), json)?,
                text(&entry.actor_name),
                entry.target_name.as_deref().map_or(JsValue::NULL, text),
            ],
        )?;
    }
    let (was, is) = (before.held_counts(now), after.held_counts(now));
    let difference = |w: u32, i: u32| JsValue::from_f64(f64::from(i) - f64::from(w));
    if was != is || after.next_count_change(now).is_some() {
        b.push(
            "UPDATE agencies SET logins = logins + ?2, dialers = dialers + ?3,
                 top_administrators = top_administrators + ?4,
                 counts_valid_until = min(counts_valid_until, COALESCE(?5, counts_valid_until))
             WHERE id = ?1",
            vec![
                a(),
                difference(was.logins, is.logins),
                difference(was.dialers, is.dialers),
                difference(was.top_administrators, is.top_administrators),
                after.next_count_change(now).map_or(JsValue::NULL, millis),
            ],
        )?;
    }
    // Every change goes to the agency's webhook endpoints, from the same batch (the outbox).
    if !events.is_empty() {
        b.statements
            .push(super::platform::outbox(db, agency, events, audit, now)?);
    }
    // The agency's version moves on, and the change log says whose rows this change touched,
    // for the clients that pull (see `domain::sync`).
    if !events.is_empty() {
        let touched: Vec<(String, String)> = match Touched::by(events, before) {
            Touched::Users(users) => users
                .into_iter()
                .map(|t| (t.user.0, t.lost_at.map(|n| n.0).unwrap_or_default()))
                .collect(),
            Touched::Everyone => vec![("*".to_owned(), String::new())],
        };
        b.push(
            "UPDATE agencies SET version = version + 1 WHERE id = ?1",
            vec![a()],
        )?;
        if !touched.is_empty() {
            b.push(
                "INSERT INTO changes (agency_id, version, user_id, lost_at)
                 SELECT ?1, (SELECT version FROM agencies WHERE id = ?1),
                        json_extract(value, '$[0]'), json_extract(value, '$[1]')
                 FROM json_each(?2)",
                vec![a(), json(&touched)?],
            )?;
        }
    }
    b.statements.extend(extra);
    db.batch(b.statements).await.map_err(|e| {
        let message = e.to_string();
        // Ids are chosen by clients; one that exists anywhere (another agency included, R2)
        // is a conflict, never an internal error. Addresses are unique only within an agency
        // and `domain` checks them there, so this never says anything about another agency's.
        if message.contains("UNIQUE constraint failed") {
            ApiError::Conflict("Something with that id already exists; choose another id".into())
        } else {
            ApiError::Internal(message)
        }
    })?;
    Ok(())
}
