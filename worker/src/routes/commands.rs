//! Changes: parse → load what `domain` needs → `domain` decides → one D1 batch writes the
//! change, its audit entries and the mail it causes → answer. Three D1 round trips: the
//! session, the load, the write.

use domain::api::CommandOutcome;
use domain::{Command, Event, Snapshot, UserId, UserState};
use worker::{D1PreparedStatement, Request, Response};

use super::{Ctx, json, read_json, session::authenticate};
use crate::error::ApiError;
use crate::store::sessions::Actor;
use crate::store::{part, write};
use crate::{store, token};

/// Decides `command` by `actor` of `agency` and writes it, with `extra` statements in the same
/// batch. Invitations the events issue get their link and their mail here.
pub async fn execute_as(
    ctx: &Ctx,
    agency: &str,
    actor: &UserId,
    command: &Command,
    origin: &str,
    mut extra: Vec<D1PreparedStatement>,
) -> Result<(Vec<Event>, Snapshot), ApiError> {
    let needs = command.needs(actor);
    let mut snapshot = part::load(&ctx.db, agency, &needs, ctx.now).await?;
    let events = domain::decide(&snapshot, actor, command, ctx.now).map_err(ApiError::Refused)?;
    let before = snapshot.clone();
    let audit = domain::apply_audited(&mut snapshot, actor, &events, ctx.now);
    for event in &events {
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
            extra.extend(store::invitations::issue(
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
            extra.push(store::invitations::kill(&ctx.db, agency, user)?);
        }
    }
    let change = write::Change {
        agency,
        before: &before,
        after: &snapshot,
        events: &events,
        audit: &audit,
    };
    write::commit(&ctx.db, change, ctx.now, extra).await?;
    Ok((events, snapshot))
}

fn origin(req: &Request) -> Result<String, ApiError> {
    Ok(req.url()?.origin().ascii_serialization())
}

/// Decides and writes `command` by the signed-in `actor`, answering the events.
async fn answer(
    req: &Request,
    ctx: &Ctx,
    actor: &Actor,
    command: &Command,
) -> Result<Response, ApiError> {
    let origin = origin(req)?;
    let (events, _) = execute_as(
        ctx,
        &actor.agency_id,
        &actor.user_id,
        command,
        &origin,
        vec![],
    )
    .await?;
    json(200, &CommandOutcome { events })
}

/// `POST /api/v1/commands`: any command of `domain`, as JSON.
pub async fn post(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let actor = authenticate(req, ctx).await?;
    let command: Command = read_json(req).await?;
    answer(req, ctx, &actor, &command).await
}

/// `POST /api/v1/users/{id}/suspend` and `/unsuspend` (R23).
pub async fn suspension(
    req: &Request,
    ctx: &Ctx,
    user: &str,
    suspend: bool,
) -> Result<Response, ApiError> {
    let actor = authenticate(req, ctx).await?;
    let user = UserId(user.to_owned());
    let command = if suspend {
        Command::Suspend { user }
    } else {
        Command::Unsuspend { user }
    };
    answer(req, ctx, &actor, &command).await
}
