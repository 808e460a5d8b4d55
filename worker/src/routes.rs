//! Request handling: dispatch, the shared parsing helpers and the answers.

mod account;
mod agency;
mod audit;
mod campaigns;
mod commands;
mod explain;
mod grants;
mod health;
mod import;
mod invitations;
mod kept;
mod nodes;
mod platform;
mod query;
mod roles;
mod session;
mod sync;
mod tokens;
mod two_factor;
mod users;

use serde::Serialize;
use serde::de::DeserializeOwned;
use worker::{Env, Headers, Request, Response};

use crate::clock::{self, Millis};
use crate::error::ApiError;
use crate::route::{Route, resolve};
use crate::store::Db;

/// The largest request body any route reads.
pub const BODY_LIMIT: usize = 64 * 1024;

/// What every handler gets: the database and the time of the request.
pub struct Ctx {
    pub db: Db,
    pub now: Millis,
    /// Whether this Worker runs for development (`ENVIRONMENT=development`).
    pub development: bool,
}

/// Answers one API request. In development every answer says what it cost in D1:
/// `X-D1-Round-Trips`, `X-D1-Rows-Read` and `X-D1-Rows-Written`.
pub async fn handle(req: Request, env: &Env) -> worker::Result<Response> {
    let development = env
        .var("ENVIRONMENT")
        .map(|v| v.to_string() == "development")
        .unwrap_or(false);
    // In development only, a test may move the clock forward (`X-Switchboard-Clock-Skip`,
    // milliseconds) to see sessions, tokens and invitations expire; a deployed Worker ignores it.
    let skip = if development {
        req.headers()
            .get("X-Switchboard-Clock-Skip")?
            .and_then(|v| v.parse::<clock::Millis>().ok())
            .filter(|ms| (0..=400 * clock::DAY).contains(ms))
            .unwrap_or(0)
    } else {
        0
    };
    let ctx = Ctx {
        db: Db::new(env.d1("DB")?),
        now: clock::now() + skip,
        development,
    };
    let response = match dispatch(req, &ctx).await {
        Ok(response) => response,
        Err(error) => {
            if let ApiError::Internal(cause) = &error {
                worker::console_error!("internal error: {cause}");
            }
            problem(&error)?
        }
    };
    if development {
        let meter = ctx.db.meter();
        let headers = response.headers();
        headers.set("X-D1-Round-Trips", &meter.round_trips.to_string())?;
        headers.set("X-D1-Rows-Read", &meter.rows_read.to_string())?;
        headers.set("X-D1-Rows-Written", &meter.rows_written.to_string())?;
        headers.set(
            "Server-Timing",
            &format!("d1;dur={:.1}, sql;dur={:.2}", meter.waited_ms, meter.sql_ms),
        )?;
    }
    Ok(response)
}

async fn dispatch(mut req: Request, ctx: &Ctx) -> Result<Response, ApiError> {
    // The method as sent: the runtime's `Method` reads one it does not know (QUERY, say) as
    // GET, which would answer it as a GET.
    let method = req.inner().method();
    let (route, params) = resolve(&method, &req.path())?;
    let id = params.first().map(String::as_str).unwrap_or_default();
    if !matches!(method.as_str(), "GET" | "HEAD") {
        refuse_cross_site(&req)?;
    }
    match route {
        Route::Health => health::get(ctx).await,
        Route::Noop => noop(ctx),
        Route::SignIn => session::sign_in(&mut req, ctx).await,
        Route::SignOut => session::sign_out(&req, ctx).await,
        Route::SignOutEverywhere => session::sign_out_everywhere(&req, ctx).await,
        Route::Me => session::me(&req, ctx).await,
        Route::SwitchAgency => session::switch_agency(&mut req, ctx).await,
        Route::MyAgencies => session::my_agencies(&req, ctx).await,
        Route::MySessions => session::my_sessions(&req, ctx).await,
        Route::EndMySession => session::end_my_session(&req, ctx, id).await,
        Route::ChangePassword => account::change_password(&mut req, ctx).await,
        Route::ChangeEmail => account::change_email(&mut req, ctx).await,
        Route::ConfirmEmail => account::confirm_email(&mut req, ctx).await,
        Route::ForgotPassword => account::forgot(&mut req, ctx).await,
        Route::ResetPassword => account::reset(&mut req, ctx).await,
        Route::PreviewInvitation => invitations::preview(&mut req, ctx).await,
        Route::TotpSetup => two_factor::setup(&req, ctx).await,
        Route::TotpConfirm => two_factor::confirm(&mut req, ctx).await,
        Route::Command => commands::post(&mut req, ctx).await,
        Route::ListUsers => users::list(&req, ctx).await,
        Route::Invite => users::invite(&mut req, ctx).await,
        Route::ImportUsers => import::post(&mut req, ctx).await,
        Route::GetUser => users::get(&req, ctx, id).await,
        Route::EditUser => users::edit(&mut req, ctx, id).await,
        Route::DeleteUser => users::delete(&req, ctx, id).await,
        Route::EditSettings => users::settings(&mut req, ctx, id).await,
        Route::Suspend => commands::suspension(&req, ctx, id, true).await,
        Route::Unsuspend => commands::suspension(&req, ctx, id, false).await,
        Route::ResendInvitation => users::resend(&req, ctx, id).await,
        Route::RevokeInvitation => users::revoke(&req, ctx, id).await,
        Route::Access => users::access(&req, ctx, id).await,
        Route::AddGrant => grants::add(&mut req, ctx, id).await,
        Route::AddNotificationUser => users::add_notification(&mut req, ctx).await,
        Route::ListInvitations => users::pending(&req, ctx).await,
        Route::AcceptInvitation => invitations::accept(&mut req, ctx).await,
        Route::ChangeGrant => grants::change(&mut req, ctx, id).await,
        Route::RemoveGrant => grants::remove(&req, ctx, id).await,
        Route::ListRoles => roles::list(&req, ctx).await,
        Route::CreateRole => roles::create(&mut req, ctx).await,
        Route::EditRole => roles::edit(&mut req, ctx, id).await,
        Route::DeleteRole => roles::delete(&req, ctx, id).await,
        Route::ListNodes => nodes::list(&req, ctx).await,
        Route::CreateNode => nodes::create(&mut req, ctx).await,
        Route::EditNode => nodes::edit(&mut req, ctx, id).await,
        Route::DeleteNode => nodes::delete(&req, ctx, id).await,
        Route::ListNumbers => agency::numbers(&req, ctx).await,
        Route::AssignNumber => agency::assign(&mut req, ctx, id).await,
        Route::ListCampaigns => campaigns::list(&req, ctx).await,
        Route::CreateCampaign => campaigns::create(&mut req, ctx).await,
        Route::EditCampaign => campaigns::edit(&mut req, ctx, id).await,
        Route::DeleteCampaign => campaigns::delete(&req, ctx, id).await,
        Route::CampaignDialers => campaigns::dialers(&req, ctx, id).await,
        Route::GroupMembers => campaigns::members(&mut req, ctx).await,
        Route::Agency => agency::get(&req, ctx).await,
        Route::ConfigureAgency => agency::configure(&mut req, ctx).await,
        Route::ChangePlan => agency::change_plan(&mut req, ctx).await,
        Route::SeatPreview => agency::preview(&mut req, ctx).await,
        Route::TransferOwnership => agency::transfer(&mut req, ctx).await,
        Route::SupportAccess => agency::support(&mut req, ctx).await,
        Route::Audit => audit::list(&req, ctx).await,
        Route::AuditCsv => audit::csv(&req, ctx).await,
        Route::Explain => explain::get(&req, ctx).await,
        Route::ListTokens => tokens::list(&req, ctx).await,
        Route::CreateToken => tokens::create(&mut req, ctx).await,
        Route::RevokeToken => tokens::revoke(&req, ctx, id).await,
        Route::Check => platform::check(&mut req, ctx).await,
        Route::Filter => platform::filter(&req, ctx).await,
        Route::ListServiceTokens => platform::list_tokens(&req, ctx).await,
        Route::CreateServiceToken => platform::create_token(&mut req, ctx).await,
        Route::RevokeServiceToken => platform::revoke_token(&req, ctx, id).await,
        Route::ListWebhooks => platform::list_webhooks(&req, ctx).await,
        Route::AddWebhook => platform::add_webhook(&mut req, ctx).await,
        Route::RemoveWebhook => platform::remove_webhook(&req, ctx, id).await,
        Route::Deliveries => platform::deliveries(&req, ctx).await,
        Route::Replay => platform::replay(&req, ctx, id).await,
        Route::SyncPush => sync::push(&mut req, ctx).await,
        Route::SyncPull => sync::pull(&req, ctx).await,
        Route::Kept => kept::get(&req, ctx).await,
        Route::Outbox => invitations::outbox(ctx).await,
        Route::OpenApi => {
            let headers = api_headers("application/json")?;
            headers.set("Cache-Control", "public, max-age=300")?;
            Ok(Response::ok(crate::route::OPENAPI)?.with_headers(headers))
        }
    }
}

/// `GET /api/v1/dev/noop`: answers at once, touching nothing: the floor the benchmark
/// measures the other routes against. Development only.
fn noop(ctx: &Ctx) -> Result<Response, ApiError> {
    if !ctx.development {
        return Err(ApiError::NotFound);
    }
    json(200, &serde_json::json!({ "ok": true }))
}

/// Refuses a state-changing request that a browser sent from another site. SameSite=Strict
/// already keeps the cookie off such requests; this is the second lock on the door.
fn refuse_cross_site(req: &Request) -> Result<(), ApiError> {
    let headers = req.headers();
    if let Ok(Some(site)) = headers.get("Sec-Fetch-Site")
        && !matches!(site.as_str(), "same-origin" | "none")
    {
        return Err(ApiError::CrossSite);
    }
    if let Ok(Some(origin)) = headers.get("Origin")
        && origin != own_origin(req)
    {
        return Err(ApiError::CrossSite);
    }
    Ok(())
}

/// The origin this request was sent to (`scheme://host[:port]`), from the runtime's own URL.
pub fn own_origin(req: &Request) -> String {
    crate::route::origin_of(&req.inner().url())
}

/// Reads a JSON body of at most [`BODY_LIMIT`] bytes.
pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> Result<T, ApiError> {
    read_json_within(req, BODY_LIMIT).await
}

/// Reads a JSON body of at most `limit` bytes.
pub async fn read_json_within<T: DeserializeOwned>(
    req: &mut Request,
    limit: usize,
) -> Result<T, ApiError> {
    let headers = req.headers();
    let content_type = headers.get("Content-Type")?.unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return Err(ApiError::UnsupportedMediaType);
    }
    let declared: Option<usize> = headers
        .get("Content-Length")?
        .and_then(|length| length.parse().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let body = req.bytes().await?;
    if body.len() > limit {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    crate::body::read(&body).map_err(|error| ApiError::Malformed(error.to_string()))
}

/// A JSON answer with the given status.
pub fn json<T: Serialize>(status: u16, body: &T) -> Result<Response, ApiError> {
    let text = serde_json::to_string(body).map_err(|e| ApiError::Internal(e.to_string()))?;
    json_text(status, text)
}

/// A JSON answer already written (by SQL, say), handed on as it is.
pub fn json_text(status: u16, text: String) -> Result<Response, ApiError> {
    let headers = api_headers("application/json")?;
    Ok(Response::ok(text)?
        .with_status(status)
        .with_headers(headers))
}

/// The problem+json answer for an error.
pub fn problem(error: &ApiError) -> worker::Result<Response> {
    let body = error.problem();
    let text = serde_json::to_string(&body).unwrap_or_default();
    let headers = api_headers("application/problem+json")?;
    if let ApiError::MethodNotAllowed(allowed) = error {
        headers.set("Allow", &allowed.join(", "))?;
    }
    if let ApiError::TooManyRequests { retry_after_secs } = error {
        headers.set("Retry-After", &retry_after_secs.to_string())?;
    }
    Ok(Response::ok(text)?
        .with_status(body.status)
        .with_headers(headers))
}

/// Headers every API answer carries: its type, and no caching of anything personal.
pub fn api_headers(content_type: &str) -> worker::Result<Headers> {
    let headers = Headers::new();
    headers.set("Content-Type", content_type)?;
    headers.set("Cache-Control", "no-store")?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    Ok(headers)
}
