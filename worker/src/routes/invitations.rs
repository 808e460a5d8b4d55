//! Accepting an invitation (R21, R22), and the outbox page for local development.

use domain::api::{AcceptInvitation, AgencySummary, InvitationPreview, LinkToken};
use domain::{Command, Email, Password};
use worker::{Request, Response};

use super::commands::{By, Principal, execute_as};
use super::session::{Guard, open_in, verified};
use super::{Ctx, json, read_json};
use crate::error::ApiError;
use crate::store::{invitations, people};
use crate::token;

const LINK_DEAD: ApiError = ApiError::Gone(
    "This invitation link is not valid any more: it was used, replaced or revoked. Ask for a new one.",
);

/// `POST /api/v1/invitations/preview`: which agency a link invites to, and whether its person
/// already has an account (then they accept with their password rather than choosing one).
/// Only the holder of the link learns this, and it is about their own address.
pub async fn preview(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: LinkToken = read_json(req).await?;
    let invitation = invitations::find(&ctx.db, &token::digest(&body.token))
        .await?
        .ok_or(LINK_DEAD)?;
    json(
        200,
        &InvitationPreview {
            agency: AgencySummary {
                id: invitation.agency_id,
                name: invitation.agency_name,
            },
            email: invitation.email,
            existing_account: invitation.password_hash.is_some(),
        },
    )
}

/// `POST /api/v1/invitations/accept`: the link's token and a password. Someone new chooses
/// their password (R22); someone who already has an account, in this agency or another, gives
/// the one they have (no second password). Activates the membership, ends the link, and signs
/// them in to that agency, all or nothing.
pub async fn accept(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: AcceptInvitation = read_json(req).await?;
    // What the request says is checked before what the link is worth.
    if body.password.is_empty() {
        return Err(ApiError::field("password", "enter your password"));
    }
    if body.password.chars().count() > domain::Password::MAX {
        let too_long = domain::input::PasswordError::TooLong;
        return Err(ApiError::field("password", too_long.to_string()));
    }
    let invitation = invitations::find(&ctx.db, &token::digest(&body.token))
        .await?
        .ok_or(LINK_DEAD)?;
    let mut extra = Vec::new();
    match &invitation.password_hash {
        Some(_) => {
            let email = Email::parse(&invitation.email)
                .map_err(|e| ApiError::Internal(format!("stored address: {e}")))?;
            // The same limits as sign-in: this is a password guessed at, too.
            let guard = Guard::check(req, ctx, &email).await?;
            if verified(ctx, &email, &body.password).await?.is_none() {
                guard.failed(ctx).await?;
                return Err(ApiError::Unauthenticated(
                    "That is not the password of your Switchboard account. Use the one you sign in with, or reset it from the sign-in page.",
                ));
            }
            guard.passed(ctx).await?;
        }
        None => {
            let new_password = Password::parse(&body.password)
                .map_err(|e| ApiError::field("password", e.to_string()))?;
            let hash = crate::webcrypto::hash(new_password.expose())
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            extra.push(people::set_password(&ctx.db, &invitation.person_id, &hash)?);
        }
    }
    let command = Command::AcceptInvitation {
        user: invitation.user_id.clone(),
    };
    let origin = super::own_origin(req);
    let who = By::Known(Principal {
        agency: &invitation.agency_id,
        user: &invitation.user_id,
    });
    execute_as(ctx, who, &[command], &origin, extra).await?;
    let memberships = people::memberships(&ctx.db, &invitation.person_id).await?;
    open_in(
        req,
        ctx,
        &invitation.person_id,
        &memberships,
        Some(&invitation.agency_id),
    )
    .await
}

/// `GET /api/v1/dev/outbox`: queued mail, so a person can open an invitation link locally.
/// Answers only where `ENVIRONMENT` is `development`; elsewhere it does not exist.
pub async fn outbox(ctx: &Ctx) -> Result<Response, ApiError> {
    if !ctx.development {
        return Err(ApiError::NotFound);
    }
    json(200, &invitations::outbox(&ctx.db).await?)
}
