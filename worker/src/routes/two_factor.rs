//! Turning on two-factor sign-in with any authenticator app (TOTP, §11). The second factor is
//! the person's, in every agency they belong to.

use domain::api::{TotpCode, TotpSetup};
use worker::{Request, Response};

use super::{Ctx, json, read_json, session::authenticate_person};
use crate::error::ApiError;
use crate::store::people;
use crate::totp;

/// `POST /api/v1/me/totp`: a new secret; two-factor stays off until a code confirms it.
pub async fn setup(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let actor = authenticate_person(req, ctx).await?;
    if people::credentials(&ctx.db, &actor.person_id)
        .await?
        .is_some_and(|t| t.totp_enabled != 0)
    {
        return Err(ApiError::Conflict(
            "Two-factor sign-in is already on.".into(),
        ));
    }
    let mut secret = [0u8; 20];
    getrandom::fill(&mut secret).map_err(|e| ApiError::Internal(e.to_string()))?;
    let encoded = totp::base32(&secret);
    people::set_totp_secret(&ctx.db, &actor.person_id, &encoded).await?;
    let otpauth_url = totp::otpauth_url(&actor.agency_name, &actor.email, &secret);
    json(
        200,
        &TotpSetup {
            secret: encoded,
            otpauth_url,
        },
    )
}

/// `POST /api/v1/me/totp/confirm`: a current code turns two-factor sign-in on.
pub async fn confirm(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let actor = authenticate_person(req, ctx).await?;
    let body: TotpCode = read_json(req).await?;
    let state = people::credentials(&ctx.db, &actor.person_id).await?;
    let Some(secret) = state
        .and_then(|s| s.totp_secret)
        .and_then(|s| totp::from_base32(&s))
    else {
        return Err(ApiError::Conflict(
            "Start with POST /api/v1/me/totp to get a secret.".into(),
        ));
    };
    let Some(step) = totp::check(&secret, &body.code, (ctx.now / 1000) as u64, None) else {
        return Err(ApiError::field(
            "code",
            "that code is not right; enter the one your app shows now",
        ));
    };
    people::enable_totp(&ctx.db, &actor.person_id, step).await?;
    let headers = super::api_headers("application/json")?;
    Ok(Response::empty()?.with_status(204).with_headers(headers))
}
