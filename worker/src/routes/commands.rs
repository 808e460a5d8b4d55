//! Changes: parse → load what `domain` needs → `domain` decides → one D1 batch writes the
//! change, its audit entries and the mail it causes → answer. Three D1 round trips: the
//! session, the load, the write.

use domain::api::CommandOutcome;
use domain::{Command, Event, Needs, Scope, Snapshot, UserId, UserState};
use worker::{D1PreparedStatement, Request, Response};

use super::{Ctx, json, read_json, session::authenticate};
use crate::error::ApiError;
use crate::store::sessions::Actor;
use crate::store::{part, write};
use crate::{store, token};

/// Who a change or a read is for: a person of an agency, narrowed by their token's scope when
/// they came with an API token.
pub struct Principal<'a> {
    pub agency: &'a str,
    pub user: &'a UserId,
    pub scope: Option<&'a Scope>,
}

impl<'a> From<&'a Actor> for Principal<'a> {
    fn from(actor: &'a Actor) -> Self {
        Principal {
            agency: &actor.agency_id,
            user: &actor.user_id,
            scope: actor.scope.as_ref(),
        }
    }
}

/// Loads what `needs` names (and the principal) in one round trip, narrowed to the token's
/// scope if there is one.
pub async fn load(ctx: &Ctx, who: &Principal<'_>, mut needs: Needs) -> Result<Snapshot, ApiError> {
    needs.users.insert(who.user.clone());
    if let Some(scope) = who.scope {
        needs.nodes.extend(scope.nodes.iter().cloned());
    }
    let snapshot = part::load(&ctx.db, who.agency, &needs, ctx.now).await?;
    Ok(match who.scope {
        Some(scope) => snapshot.narrowed(who.user, scope),
        None => snapshot,
    })
}

/// Decides `commands`, in order and all or nothing, and writes them with `extra` statements
/// in one batch. Invitations the events issue get their link and their mail here.
pub async fn execute_as(
    ctx: &Ctx,
    who: &Principal<'_>,
    commands: &[Command],
    origin: &str,
    mut extra: Vec<D1PreparedStatement>,
) -> Result<(Vec<Event>, Snapshot), ApiError> {
    let mut needs = Needs::default();
    for command in commands {
        needs.merge(command.needs(who.user));
    }
    let mut snapshot = load(ctx, who, needs).await?;
    let before = snapshot.clone();
    let (mut events, mut audit) = (Vec::new(), Vec::new());
    for command in commands {
        let decided =
            domain::decide(&snapshot, who.user, command, ctx.now).map_err(ApiError::Refused)?;
        audit.extend(domain::apply_audited(
            &mut snapshot,
            who.user,
            &decided,
            ctx.now,
        ));
        events.extend(decided);
    }
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
                who.agency,
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
            extra.push(store::invitations::kill(&ctx.db, who.agency, user)?);
        }
    }
    let change = write::Change {
        agency: who.agency,
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

/// Decides and writes `commands` by the signed-in `actor`, answering the events with `status`.
pub async fn answer_all(
    req: &Request,
    ctx: &Ctx,
    actor: &Actor,
    commands: &[Command],
    status: u16,
) -> Result<Response, ApiError> {
    if commands.is_empty() {
        return Err(ApiError::Malformed("the request changes nothing".into()));
    }
    let origin = origin(req)?;
    let (events, _) = execute_as(ctx, &actor.into(), commands, &origin, vec![]).await?;
    json(status, &CommandOutcome { events })
}

/// Decides and writes one command by the signed-in `actor`.
pub async fn answer(
    req: &Request,
    ctx: &Ctx,
    actor: &Actor,
    command: Command,
    status: u16,
) -> Result<Response, ApiError> {
    answer_all(req, ctx, actor, &[command], status).await
}

/// `POST /api/v1/commands`: any command of `domain`, as JSON.
pub async fn post(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let actor = authenticate(req, ctx).await?;
    let command: Command = read_json(req).await?;
    answer(req, ctx, &actor, command, 200).await
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
    answer(req, ctx, &actor, command, 200).await
}

/// A fresh id for a row the caller did not name.
pub fn fresh_id(prefix: &str) -> Result<String, ApiError> {
    token::new_id(prefix).map_err(|e| ApiError::Internal(e.to_string()))
}
