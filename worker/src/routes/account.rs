//! A person's own account, the same in every agency they belong to: a forgotten password, a
//! new password, a new address (PRODUCT §5). Answers about an address never say whether it
//! has an account (R2).

use domain::api::{ChangeEmail, ChangePassword, ForgotPassword, LinkToken, Notice, ResetPassword};
use domain::{Email, HOUR, Password};
use worker::{Request, Response};

use super::session::{Guard, authenticate_person_any, session_token, verified};
use super::{Ctx, json, read_json};
use crate::error::ApiError;
use crate::store::people;
use crate::token;

/// How long a reset or address link holds.
const LINK_LIFETIME: domain::Millis = HOUR;

const LINK_DEAD: ApiError = ApiError::Gone(
    "This link is not valid any more: it was used, replaced by a newer one, or is more than an hour old. Ask for a new one.",
);

fn notice(status: u16, detail: impl Into<String>) -> Result<Response, ApiError> {
    json(
        status,
        &Notice {
            detail: detail.into(),
        },
    )
}

/// `POST /api/v1/password/forgot`: mails a single-use link, valid one hour, to the address if
/// it has an account. The answer, and the statements run, are the same for any address; the
/// requests are limited per address and per network address like sign-in.
pub async fn forgot(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: ForgotPassword = read_json(req).await?;
    let email = Email::parse(&body.email).map_err(|e| ApiError::field("email", e.to_string()))?;
    let guard = Guard::keyed(req, ctx, &email, "reset:").await?;
    let link = token::generate().map_err(|e| ApiError::Internal(e.to_string()))?;
    let statements = people::issue_reset(
        &ctx.db,
        &email,
        &token::digest(&link),
        ctx.now + LINK_LIFETIME,
        ctx.now,
        &format!("{}/reset#{link}", super::own_origin(req)),
    )?;
    ctx.db.batch(statements).await?;
    // Every request counts, known address or not.
    guard.failed(ctx).await?;
    notice(
        202,
        "If this address has a Switchboard account, a link to choose a new password is on its way. It works once, for one hour.",
    )
}

/// `POST /api/v1/password/reset`: the mailed link's token and a new password (R22). Uses up the
/// link and ends every session of the person, in every agency.
pub async fn reset(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: ResetPassword = read_json(req).await?;
    // What the request says is checked before what the link is worth.
    let password =
        Password::parse(&body.password).map_err(|e| ApiError::field("password", e.to_string()))?;
    let link = people::find_reset(&ctx.db, &token::digest(&body.token))
        .await?
        .filter(|l| ctx.now < l.expires_at)
        .ok_or(LINK_DEAD)?;
    let hash = crate::webcrypto::hash(password.expose())
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    ctx.db
        .batch(vec![
            people::set_password(&ctx.db, &link.person_id, &hash)?,
            people::end_resets(&ctx.db, &link.person_id)?,
            people::end_sessions(&ctx.db, &link.person_id, None)?,
        ])
        .await?;
    notice(200, "Your password is changed. Sign in with it.")
}

/// Checks the signed-in person's password, limited like sign-in; a wrong one is a field error
/// (the session stays), named `field`.
async fn confirm_password(
    req: &Request,
    ctx: &Ctx,
    person: &str,
    email: &str,
    password: &str,
    field: &str,
) -> Result<(), ApiError> {
    let email =
        Email::parse(email).map_err(|e| ApiError::Internal(format!("stored address: {e}")))?;
    let guard = Guard::check(req, ctx, &email).await?;
    let theirs = verified(ctx, &email, password).await?;
    if theirs.is_none_or(|p| p.id != person) {
        guard.failed(ctx).await?;
        return Err(ApiError::field(field, "that is not your current password"));
    }
    guard.passed(ctx).await
}

/// `PUT /api/v1/me/password`: the current password and a new one (R22). Every other session
/// of the person ends, in every agency; this one stays.
pub async fn change_password(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: ChangePassword = read_json(req).await?;
    let actor = authenticate_person_any(req, ctx).await?;
    let new_password = Password::parse(&body.new_password)
        .map_err(|e| ApiError::field("new_password", e.to_string()))?;
    confirm_password(
        req,
        ctx,
        &actor.person_id,
        &actor.email,
        &body.current_password,
        "current_password",
    )
    .await?;
    let hash = crate::webcrypto::hash(new_password.expose())
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let keep = session_token(req)?.map(|s| token::digest(&s));
    ctx.db
        .batch(vec![
            people::set_password(&ctx.db, &actor.person_id, &hash)?,
            people::end_sessions(&ctx.db, &actor.person_id, keep.as_deref())?,
        ])
        .await?;
    notice(
        200,
        "Your password is changed. You stay signed in here; everywhere else you are signed out.",
    )
}

/// `POST /api/v1/me/email`: a new address and the current password. The change waits for the
/// link mailed to the new address.
pub async fn change_email(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: ChangeEmail = read_json(req).await?;
    let actor = authenticate_person_any(req, ctx).await?;
    let email = Email::parse(&body.email).map_err(|e| ApiError::field("email", e.to_string()))?;
    if email.as_str() == actor.email {
        return Err(ApiError::field("email", "that is your address already"));
    }
    confirm_password(
        req,
        ctx,
        &actor.person_id,
        &actor.email,
        &body.password,
        "password",
    )
    .await?;
    let link = token::generate().map_err(|e| ApiError::Internal(e.to_string()))?;
    ctx.db
        .batch(people::issue_email_change(
            &ctx.db,
            &actor.person_id,
            &actor.agency_id,
            &email,
            &token::digest(&link),
            ctx.now + LINK_LIFETIME,
            ctx.now,
            &format!("{}/confirm-email#{link}", super::own_origin(req)),
        )?)
        .await?;
    notice(
        202,
        format!(
            "We mailed a link to {email}. Your address changes when you open it, within an hour."
        ),
    )
}

/// `POST /api/v1/me/email/confirm`: the link's token moves the person to the new address, in
/// every agency they belong to, each with an audit entry (R25).
pub async fn confirm_email(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: LinkToken = read_json(req).await?;
    let change = people::find_email_change(&ctx.db, &token::digest(&body.token))
        .await?
        .filter(|l| ctx.now < l.expires_at)
        .ok_or(LINK_DEAD)?;
    let email = change
        .new_email
        .ok_or_else(|| ApiError::Internal("an address change without its address".into()))?;
    // Only the holder of the new address gets here, so saying it is taken tells no one else.
    if people::address_taken(&ctx.db, &change.person_id, &email).await? {
        return Err(ApiError::Conflict(format!(
            "{email} belongs to another Switchboard account, so it cannot be yours too."
        )));
    }
    ctx.db
        .batch(people::move_address(
            &ctx.db,
            &change.person_id,
            &email,
            ctx.now,
        )?)
        .await?;
    notice(200, format!("Your address is now {email}."))
}
