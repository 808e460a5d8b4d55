//! Sign-in, sign-out and the current person.

use domain::Email;
use domain::api::{Me, SignInRequest};
use worker::{Request, Response};

use super::{Ctx, json, read_json};
use crate::error::ApiError;
use crate::store::part;
use crate::store::sessions::{self, Actor};
use crate::store::throttle as limits;
use crate::store::users;
use crate::{password, session, throttle, token, totp};

const WRONG_CREDENTIALS: &str = "The e-mail address or the password is not right.";

/// `POST /api/v1/session`: checks the password against its salted hash and opens a session.
pub async fn sign_in(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: SignInRequest = read_json(req).await?;
    let email = Email::parse(&body.email).map_err(|e| ApiError::field("email", e.to_string()))?;
    if body.password.is_empty() {
        return Err(ApiError::field("password", "enter your password"));
    }
    // Failed sign-ins are limited per address and per network address; a lock is checked
    // before any hash is spent, and unknown addresses lock exactly like known ones.
    let network = req
        .headers()
        .get("CF-Connecting-IP")?
        .unwrap_or_else(|| "unknown".into());
    let keys = [
        throttle::account_key(email.as_str()),
        throttle::address_key(&network),
    ];
    let [per_account, per_address] = limits::read(&ctx.db, &keys).await?;
    let locked = [per_account, per_address]
        .into_iter()
        .filter_map(|state| throttle::locked_until(state, ctx.now))
        .max();
    if let Some(until) = locked {
        return Err(ApiError::TooManyRequests {
            retry_after_secs: throttle::retry_after_secs(until, ctx.now),
        });
    }
    let account = if body.password.len() > 128 {
        // R22: no password is longer, so no need to spend a hash on it.
        None
    } else {
        let account = users::find_credentials(&ctx.db, &email).await?;
        // Someone unknown costs the same hash as someone known, so timing tells nothing.
        let stored = account.as_ref().and_then(|a| a.password_hash.clone());
        let matches =
            crate::webcrypto::verify(&body.password, &stored.unwrap_or_else(password::decoy))
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?;
        account.filter(|_| matches)
    };
    let Some(account) = account else {
        record_failure(ctx, keys, [per_account, per_address]).await?;
        return Err(ApiError::Unauthenticated(WRONG_CREDENTIALS));
    };
    if !account.state.may_sign_in() {
        return Err(ApiError::Forbidden {
            rule: "R23",
            reason: "Your access is suspended; an administrator of your agency can restore it"
                .into(),
        });
    }
    if account.totp_enabled != 0 {
        let Some(code) = body.code.as_deref().filter(|c| !c.trim().is_empty()) else {
            return Err(ApiError::CodeRequired);
        };
        let secret = account
            .totp_secret
            .as_deref()
            .and_then(totp::from_base32)
            .unwrap_or_default();
        let last = account.totp_last_step.map(|s| s as u64);
        let Some(step) = totp::check(&secret, code, (ctx.now / 1000) as u64, last) else {
            record_failure(ctx, keys, [per_account, per_address]).await?;
            return Err(ApiError::Unauthenticated(
                "The code is not right, or was used already.",
            ));
        };
        users::record_totp_step(&ctx.db, &account.user_id, step).await?;
    }
    if per_account.is_some() {
        limits::clear(&ctx.db, &keys[0]).await?;
    }
    open_session(ctx, &account.user_id, &account.agency_id).await
}

/// Counts one failed sign-in against the e-mail address and the network address.
async fn record_failure(
    ctx: &Ctx,
    [account_key, address_key]: [String; 2],
    [per_account, per_address]: [Option<throttle::Failures>; 2],
) -> Result<(), ApiError> {
    let account = throttle::after_failure(per_account, throttle::PER_ACCOUNT, ctx.now);
    let address = throttle::after_failure(per_address, throttle::PER_ADDRESS, ctx.now);
    limits::write(&ctx.db, &[(account_key, account), (address_key, address)]).await
}

/// Opens a session for the person and answers who they are, with the session cookie.
pub async fn open_session(
    ctx: &Ctx,
    user: &domain::UserId,
    agency: &str,
) -> Result<Response, ApiError> {
    let secret = token::generate().map_err(|e| ApiError::Internal(e.to_string()))?;
    sessions::create(&ctx.db, &token::digest(&secret), user, agency, ctx.now).await?;
    let actor = sessions::find(&ctx.db, &token::digest(&secret))
        .await?
        .ok_or_else(|| ApiError::Internal("a session just written was not found".into()))?;
    let response = json(200, &me_of(&actor))?;
    response
        .headers()
        .set("Set-Cookie", &session::set_cookie(&secret))?;
    Ok(response)
}

/// `DELETE /api/v1/session`: ends this session.
pub async fn sign_out(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    if let Some(secret) = session_token(req)? {
        sessions::delete(&ctx.db, &token::digest(&secret)).await?;
    }
    let headers = super::api_headers("application/json")?;
    headers.set("Set-Cookie", &session::clear_cookie())?;
    Ok(Response::empty()?.with_status(204).with_headers(headers))
}

/// `DELETE /api/v1/sessions`: ends every session of the signed-in person, on every device.
pub async fn sign_out_everywhere(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let actor = authenticate(req, ctx).await?;
    sessions::delete_all(&ctx.db, &actor.user_id, &actor.agency_id).await?;
    let headers = super::api_headers("application/json")?;
    headers.set("Set-Cookie", &session::clear_cookie())?;
    Ok(Response::empty()?.with_status(204).with_headers(headers))
}

/// `GET /api/v1/me`. Answers even before a required second factor is set up, so the app can
/// say what is missing.
pub async fn me(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    // One round trip: the caller and their part of the agency come together; what they may
    // do is told only once any required second factor is set up.
    let (actor, snapshot, _) =
        load_any_caller_with(req, ctx, domain::Needs::default(), |_| Ok(vec![])).await?;
    let mut me = me_of(&actor);
    if !me.two_factor_required {
        me.access = snapshot.effective_access(&actor.user_id, ctx.now);
    }
    json(200, &me)
}

/// The person behind a request, checked against D1 on every request (R23).
pub async fn authenticate(req: &Request, ctx: &Ctx) -> Result<Actor, ApiError> {
    require_second_factor(authenticate_any(req, ctx).await?)
}

/// Refuses a caller whose agency requires two-factor sign-in they have not set up.
fn require_second_factor(actor: Actor) -> Result<Actor, ApiError> {
    if actor.require_two_factor != 0 && actor.totp_enabled == 0 {
        return Err(ApiError::Forbidden {
            rule: "two-factor",
            reason: "Your agency requires two-factor sign-in: set up an authenticator app first"
                .into(),
        });
    }
    Ok(actor)
}

/// The caller by session cookie only: what a token may never do (set up two-factor sign-in,
/// create tokens) needs a person at the keyboard.
pub async fn authenticate_person(req: &Request, ctx: &Ctx) -> Result<Actor, ApiError> {
    person_only(authenticate_any(req, ctx).await?)
}

/// Refuses a caller who came with an API token.
pub fn person_only(actor: Actor) -> Result<Actor, ApiError> {
    if actor.token.is_some() {
        return Err(ApiError::Forbidden {
            rule: "tokens",
            reason: "An API token cannot do this; sign in to the console".into(),
        });
    }
    Ok(actor)
}

/// The credential a request carries: an API token (`Authorization: Bearer`) or the session
/// cookie, as the digest storage keeps.
enum Credential {
    Token(String),
    Session(String),
}

fn credential(req: &Request) -> Result<Credential, ApiError> {
    if let Some(header) = req.headers().get("Authorization")? {
        let secret = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|s| !s.is_empty() && s.len() <= 100)
            .ok_or(ApiError::Unauthenticated(
                "Send an API token as `Authorization: Bearer <token>`.",
            ))?;
        return Ok(Credential::Token(token::digest(secret)));
    }
    let secret = session_token(req)?.ok_or(ApiError::Unauthenticated("Sign in first."))?;
    Ok(Credential::Session(token::digest(&secret)))
}

const TOKEN_INVALID: ApiError = ApiError::Unauthenticated(
    "This API token is not valid: it was revoked, expired or never existed.",
);
const SESSION_ENDED: &str = "Your session has ended; sign in again.";

/// Checks what a credential's row says about the caller: a live session (ended ones are
/// removed; used ones are touched now and then) or token, and someone who may still sign in.
async fn admit(
    ctx: &Ctx,
    credential: &Credential,
    actor: Option<Actor>,
) -> Result<Actor, ApiError> {
    let actor = match credential {
        Credential::Token(_) => actor.ok_or(TOKEN_INVALID)?,
        Credential::Session(digest) => {
            let actor = actor.ok_or(ApiError::Unauthenticated(SESSION_ENDED))?;
            if !session::is_live(actor.created_at, actor.last_seen_at, ctx.now) {
                sessions::delete(&ctx.db, digest).await?;
                return Err(ApiError::Unauthenticated(SESSION_ENDED));
            }
            if ctx.now - actor.last_seen_at > session::TOUCH_INTERVAL {
                sessions::touch(&ctx.db, digest, ctx.now).await?;
            }
            actor
        }
    };
    if !actor.state.may_sign_in() {
        return Err(ApiError::Unauthenticated("Your access is suspended."));
    }
    Ok(actor)
}

/// The caller, by API token or by session cookie, before the agency's two-factor requirement
/// is checked: setting up two-factor needs only this.
pub async fn authenticate_any(req: &Request, ctx: &Ctx) -> Result<Actor, ApiError> {
    let credential = credential(req)?;
    let actor = match &credential {
        Credential::Token(digest) => crate::store::tokens::find(&ctx.db, digest, ctx.now).await?,
        Credential::Session(digest) => sessions::find(&ctx.db, digest).await?,
    };
    admit(ctx, &credential, actor).await
}

/// The caller and what their decision needs, read in one D1 round trip: the credential's row
/// comes in the same batch as the part of the agency (`needs`), which is then narrowed to the
/// token's scope when the caller came with a token.
pub async fn load_caller(
    req: &Request,
    ctx: &Ctx,
    needs: domain::Needs,
) -> Result<(Actor, domain::Snapshot), ApiError> {
    let (actor, snapshot, _) = load_caller_with(req, ctx, needs, |_| Ok(vec![])).await?;
    Ok((actor, snapshot))
}

/// As [`load_caller`], with more statements in the same batch, made knowing whose credential
/// the request carries; their results come back untouched.
pub async fn load_caller_with(
    req: &Request,
    ctx: &Ctx,
    needs: domain::Needs,
    extra: impl FnOnce(part::Who<'_>) -> Result<Vec<part::Column>, ApiError>,
) -> Result<(Actor, domain::Snapshot, Vec<Option<String>>), ApiError> {
    let (actor, snapshot, extra) = load_any_caller_with(req, ctx, needs, extra).await?;
    Ok((require_second_factor(actor)?, snapshot, extra))
}

/// As [`load_caller_with`], before the agency's two-factor requirement is checked.
async fn load_any_caller_with(
    req: &Request,
    ctx: &Ctx,
    mut needs: domain::Needs,
    extra: impl FnOnce(part::Who<'_>) -> Result<Vec<part::Column>, ApiError>,
) -> Result<(Actor, domain::Snapshot, Vec<Option<String>>), ApiError> {
    let credential = credential(req)?;
    let who = match &credential {
        Credential::Token(digest) => part::Who::Token(digest),
        Credential::Session(digest) => part::Who::Session(digest),
    };
    needs.counts = true;
    let extra = extra(who)?;
    let loaded = part::load(&ctx.db, who, &needs, ctx.now, extra).await?;
    let (row, snapshot) = (loaded.actor, loaded.snapshot);
    let actor = match (&credential, row) {
        (_, None) => None,
        (Credential::Token(_), Some(row)) => crate::store::tokens::actor_of(row, ctx.now)?,
        (Credential::Session(_), Some(row)) => Some(
            serde_json::from_value(row)
                .map_err(|e| ApiError::Internal(format!("session row: {e}")))?,
        ),
    };
    let actor = admit(ctx, &credential, actor).await?;
    let snapshot =
        snapshot.ok_or_else(|| ApiError::Internal("the caller's agency was not loaded".into()))?;
    let snapshot = match &actor.scope {
        Some(scope) => snapshot.narrowed(&actor.user_id, scope),
        None => snapshot,
    };
    Ok((actor, snapshot, loaded.extra))
}

fn session_token(req: &Request) -> Result<Option<String>, ApiError> {
    let header = req.headers().get("Cookie")?.unwrap_or_default();
    Ok(session::token_from_cookie_header(&header).map(str::to_owned))
}

fn me_of(actor: &Actor) -> Me {
    Me {
        id: actor.user_id.clone(),
        name: actor.name.clone(),
        email: actor.email.clone(),
        agency: domain::api::AgencySummary {
            id: actor.agency_id.clone(),
            name: actor.agency_name.clone(),
        },
        two_factor_required: actor.require_two_factor != 0 && actor.totp_enabled == 0,
        access: Vec::new(),
    }
}
