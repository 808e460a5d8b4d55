//! Changes: parse → load what `domain` needs → `domain` decides → one D1 batch writes the
//! change and its audit entries → answer. Three D1 round trips: the session, the load, the
//! write.

use domain::api::CommandOutcome;
use domain::{Command, Event, UserId};
use worker::{Request, Response};

use super::{Ctx, json, read_json, session::authenticate};
use crate::error::ApiError;
use crate::store::sessions::Actor;
use crate::store::{part, write};

/// Decides and writes `command` by `actor`.
pub async fn execute(ctx: &Ctx, actor: &Actor, command: &Command) -> Result<Vec<Event>, ApiError> {
    let needs = command.needs(&actor.user_id);
    let mut snapshot = part::load(&ctx.db, &actor.agency_id, &needs, ctx.now).await?;
    let events =
        domain::decide(&snapshot, &actor.user_id, command, ctx.now).map_err(ApiError::Refused)?;
    let audit = domain::apply_audited(&mut snapshot, &actor.user_id, &events, ctx.now);
    write::commit(&ctx.db, &actor.agency_id, &events, &audit, ctx.now).await?;
    Ok(events)
}

/// `POST /api/v1/commands`: any command of `domain`, as JSON.
pub async fn post(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let actor = authenticate(req, ctx).await?;
    let command: Command = read_json(req).await?;
    let events = execute(ctx, &actor, &command).await?;
    json(200, &CommandOutcome { events })
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
    let events = execute(ctx, &actor, &command).await?;
    json(200, &CommandOutcome { events })
}
