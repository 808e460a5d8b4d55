//! Accepting an invitation (R21, R22), and the outbox page for local development.

use domain::api::AcceptInvitation;
use domain::{Command, Password};
use worker::{Request, Response};

use super::commands::{By, Principal, execute_as};
use super::{Ctx, json, read_json, session::open_session};
use crate::error::ApiError;
use crate::store::invitations;
use crate::token;

/// `POST /api/v1/invitations/accept`: the link's token and a new password. Sets the password,
/// activates the person, ends the link, and signs them in, all or nothing.
pub async fn accept(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: AcceptInvitation = read_json(req).await?;
    let new_password =
        Password::parse(&body.password).map_err(|e| ApiError::field("password", e.to_string()))?;
    let Some(invitation) = invitations::find(&ctx.db, &token::digest(&body.token)).await? else {
        return Err(ApiError::Gone(
            "This invitation link is not valid any more: it was used, replaced or revoked. Ask for a new one.",
        ));
    };
    let hash = crate::webcrypto::hash(new_password.expose())
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let set_password = ctx
        .db
        .prepare("UPDATE users SET password_hash = ?1 WHERE id = ?2 AND agency_id = ?3")
        .bind(&[
            hash.as_str().into(),
            invitation.user_id.0.as_str().into(),
            invitation.agency_id.as_str().into(),
        ])?;
    let command = Command::AcceptInvitation {
        user: invitation.user_id.clone(),
    };
    let origin = super::own_origin(req);
    let who = By::Known(Principal {
        agency: &invitation.agency_id,
        user: &invitation.user_id,
    });
    execute_as(ctx, who, &[command], &origin, vec![set_password.into()]).await?;
    open_session(ctx, &invitation.user_id, &invitation.agency_id).await
}

/// `GET /api/v1/dev/outbox`: queued mail, so a person can open an invitation link locally.
/// Answers only where `ENVIRONMENT` is `development`; elsewhere it does not exist.
pub async fn outbox(ctx: &Ctx) -> Result<Response, ApiError> {
    if !ctx.development {
        return Err(ApiError::NotFound);
    }
    json(200, &invitations::outbox(&ctx.db).await?)
}
