//! Changes: parse → load what `domain` needs → `domain` decides → one D1 batch writes the
//! change, its audit entries and the mail it causes → answer. Three D1 round trips: the
//! session, the load, the write.

use domain::api::CommandOutcome;
use domain::{Command, Event, Needs, Snapshot, UserId, UserState};
use worker::{D1PreparedStatement, Request, Response};

use super::session::load_caller;
use super::{Ctx, json, own_origin, read_json};
use crate::error::ApiError;
use crate::store::{part, write};
use crate::{store, token};

/// A known person of an agency, acting without a credential of their own in this request
/// (accepting an invitation).
pub struct Principal<'a> {
    pub agency: &'a str,
    pub user: &'a UserId,
}

/// Who acts: the caller of a request, read with the load, or a known person.
pub enum By<'a> {
    Caller(&'a Request),
    Known(Principal<'a>),
}

/// Decides `commands`, in order and all or nothing, and writes them with `extra` statements
/// in one batch. Invitations the events issue get their link and their mail here. With the
/// caller read in the load, that is two D1 round trips: load, write.
pub async fn execute_as(
    ctx: &Ctx,
    by: By<'_>,
    commands: &[Command],
    origin: &str,
    mut extra: Vec<D1PreparedStatement>,
) -> Result<(Vec<Event>, Snapshot), ApiError> {
    let mut needs = Needs::default();
    let (agency, actor, mut snapshot) = match by {
        By::Caller(req) => {
            for command in commands {
                needs.merge(command.needs_beside_actor());
            }
            let (actor, snapshot) = load_caller(req, ctx, needs).await?;
            (actor.agency_id, actor.user_id, snapshot)
        }
        By::Known(who) => {
            for command in commands {
                needs.merge(command.needs(who.user));
            }
            let loaded = part::load(
                &ctx.db,
                part::Who::Person { agency: who.agency },
                &needs,
                ctx.now,
                vec![],
            )
            .await?;
            let snapshot = loaded.snapshot.ok_or(ApiError::NotFound)?;
            (who.agency.to_owned(), who.user.clone(), snapshot)
        }
    };
    let who = (agency.as_str(), &actor);
    let before = snapshot.clone();
    let (mut events, mut audit) = (Vec::new(), Vec::new());
    for command in commands {
        let decided =
            domain::decide(&snapshot, who.1, command, ctx.now).map_err(ApiError::Refused)?;
        audit.extend(domain::apply_audited(
            &mut snapshot,
            who.1,
            &decided,
            ctx.now,
        ));
        events.extend(decided);
    }
    extra.extend(invitation_statements(
        ctx, who.0, &events, &snapshot, origin,
    )?);
    let change = write::Change {
        agency: who.0,
        before: &before,
        after: &snapshot,
        events: &events,
        audit: &audit,
    };
    write::commit(&ctx.db, change, ctx.now, extra).await?;
    Ok((events, snapshot))
}

/// The statements that give each invitation `events` issue its link and its mail, and kill
/// the link of anyone accepted, revoked or deleted (R21). `snapshot` is the agency after them.
pub fn invitation_statements(
    ctx: &Ctx,
    agency: &str,
    events: &[Event],
    snapshot: &Snapshot,
    origin: &str,
) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let mut statements = Vec::new();
    for event in events {
        let issued = match event {
            Event::UserAdded { user } if user.state == UserState::Invited => {
                user.invitation_expires_at.map(|at| (&user.id, at))
            }
            Event::InvitationIssued { user, expires_at } => Some((user, *expires_at)),
            _ => None,
        };
        if let Some((user, expires_at)) = issued {
            let person = snapshot
                .user(user)
                .ok_or_else(|| ApiError::Internal("invitee not loaded".into()))?;
            let link = token::generate().map_err(|e| ApiError::Internal(e.to_string()))?;
            statements.extend(store::invitations::issue(
                &ctx.db,
                agency,
                user,
                &token::digest(&link),
                expires_at,
                ctx.now,
                &person.email,
                &format!("{origin}/accept#{link}"),
                &snapshot.agency().name,
            )?);
        }
        if let Event::StateChanged { user, state } = event
            && *state != UserState::Invited
        {
            // Accepted, revoked or deleted: whatever link there was dies (R21).
            statements.push(store::invitations::kill(&ctx.db, agency, user)?);
        }
    }
    Ok(statements)
}

/// Decides and writes `commands` by the caller, answering the events with `status`.
pub async fn answer_all(
    req: &Request,
    ctx: &Ctx,
    commands: &[Command],
    status: u16,
) -> Result<Response, ApiError> {
    if commands.is_empty() {
        // Read, and understood: it only asks for nothing.
        return Err(ApiError::Refused(domain::Refusal {
            rule: domain::Rule::Input,
            reason: "The request changes nothing: name at least one thing to change.".into(),
        }));
    }
    let origin = own_origin(req);
    let (events, _) = execute_as(ctx, By::Caller(req), commands, &origin, vec![]).await?;
    json(status, &CommandOutcome { events })
}

/// Decides and writes one command by the caller.
pub async fn answer(
    req: &Request,
    ctx: &Ctx,
    command: Command,
    status: u16,
) -> Result<Response, ApiError> {
    answer_all(req, ctx, &[command], status).await
}

/// `POST /api/v1/commands`: any command of `domain`, as JSON.
pub async fn post(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let command: Command = read_json(req).await?;
    answer(req, ctx, command, 200).await
}

/// `POST /api/v1/users/{id}/suspend` and `/unsuspend` (R23).
pub async fn suspension(
    req: &Request,
    ctx: &Ctx,
    user: &str,
    suspend: bool,
) -> Result<Response, ApiError> {
    let user = UserId(user.to_owned());
    let command = if suspend {
        Command::Suspend { user }
    } else {
        Command::Unsuspend { user }
    };
    answer(req, ctx, command, 200).await
}

/// A fresh id for a row the caller did not name.
pub fn fresh_id(prefix: &str) -> Result<String, ApiError> {
    token::new_id(prefix).map_err(|e| ApiError::Internal(e.to_string()))
}

/// The id the caller chose for a new row, or a fresh one with `prefix`.
pub fn given_or_fresh<T>(
    given: Option<T>,
    prefix: &str,
    wrap: impl FnOnce(String) -> T,
) -> Result<T, ApiError> {
    match given {
        Some(id) => Ok(id),
        None => fresh_id(prefix).map(wrap),
    }
}
