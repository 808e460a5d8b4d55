//! Sign-in, sign-out and the current person.

use domain::api::{Me, SignInRequest};
use domain::{Email, Needs};
use worker::{Request, Response};

use super::{Ctx, json, read_json};
use crate::error::ApiError;
use crate::store::people;
use crate::store::sessions::{self, Actor};
use crate::store::throttle as limits;
use crate::store::{checks, part};
use crate::{password, session, throttle, token, totp};

const WRONG_CREDENTIALS: &str = "The e-mail address or the password is not right.";

/// `POST /api/v1/session`: checks the person's password against its salted hash and opens a
/// session in one of their agencies: the one named, else the one they used last. The answer
/// lists every agency they may sign in to, so the console can ask which one to use.
pub async fn sign_in(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: SignInRequest = read_json(req).await?;
    let email = Email::parse(&body.email).map_err(|e| ApiError::field("email", e.to_string()))?;
    if body.password.is_empty() {
        return Err(ApiError::field("password", "enter your password"));
    }
    let guard = Guard::check(req, ctx, &email).await?;
    let Some(person) = verified(ctx, &email, &body.password).await? else {
        guard.failed(ctx).await?;
        return Err(ApiError::Unauthenticated(WRONG_CREDENTIALS));
    };
    let memberships = people::memberships(&ctx.db, &person.id).await?;
    if !memberships.iter().any(|m| m.state.may_sign_in()) {
        return Err(no_agency(&memberships));
    }
    if person.totp_enabled != 0 {
        let Some(code) = body.code.as_deref().filter(|c| !c.trim().is_empty()) else {
            return Err(ApiError::CodeRequired);
        };
        let secret = person
            .totp_secret
            .as_deref()
            .and_then(totp::from_base32)
            .unwrap_or_default();
        let last = person.totp_last_step.map(|s| s as u64);
        let Some(step) = totp::check(&secret, code, (ctx.now / 1000) as u64, last) else {
            guard.failed(ctx).await?;
            return Err(ApiError::Unauthenticated(
                "The code is not right, or was used already.",
            ));
        };
        people::record_totp_step(&ctx.db, &person.id, step).await?;
    }
    guard.passed(ctx).await?;
    open_in(req, ctx, &person.id, &memberships, body.agency.as_deref()).await
}

/// Opens a session in one of the person's agencies they may sign in to: `agency`, else the
/// one used last (first in `memberships`). An agency they are not in reads like one that does
/// not exist (R2).
pub async fn open_in(
    req: &Request,
    ctx: &Ctx,
    person: &str,
    memberships: &[people::Membership],
    agency: Option<&str>,
) -> Result<Response, ApiError> {
    let usable: Vec<&people::Membership> = memberships
        .iter()
        .filter(|m| m.state.may_sign_in())
        .collect();
    let chosen = match agency {
        Some(agency) => usable.iter().find(|m| m.agency_id == agency),
        None => usable.first(),
    }
    .ok_or_else(|| ApiError::field("agency", "you cannot sign in to that agency"))?;
    let agencies = usable.iter().map(|m| m.summary()).collect();
    open_session(req, ctx, person, chosen, agencies).await
}

/// Why someone with the right password has no agency to sign in to.
fn no_agency(memberships: &[people::Membership]) -> ApiError {
    if memberships
        .iter()
        .any(|m| m.state == domain::UserState::Suspended)
    {
        ApiError::Forbidden {
            rule: "R23",
            reason: "Your access is suspended; an administrator of your agency can restore it"
                .into(),
        }
    } else {
        ApiError::Forbidden {
            rule: "R24",
            reason: "You are not a member of any agency on Switchboard now; ask an administrator \
                     to invite you"
                .into(),
        }
    }
}

/// The person with this address and password, if both are right. Someone unknown costs the
/// same hash as someone known, so timing tells nothing.
pub async fn verified(
    ctx: &Ctx,
    email: &Email,
    password: &str,
) -> Result<Option<people::Credentials>, ApiError> {
    if password.len() > 128 {
        // R22: no password is longer, so no need to spend a hash on it.
        return Ok(None);
    }
    let person = people::find_credentials(&ctx.db, email).await?;
    let stored = person.as_ref().and_then(|p| p.password_hash.clone());
    let matches = crate::webcrypto::verify(password, &stored.unwrap_or_else(password::decoy))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(person.filter(|p| matches && p.password_hash.is_some()))
}

/// Failed attempts at a password, limited per address and per network address: a lock is
/// checked before any hash is spent, and unknown addresses lock exactly like known ones.
pub struct Guard {
    keys: [String; 2],
    state: [Option<throttle::Failures>; 2],
}

impl Guard {
    /// Reads the limits of this address and network address; refuses while either is locked.
    pub async fn check(req: &Request, ctx: &Ctx, email: &Email) -> Result<Self, ApiError> {
        Self::keyed(req, ctx, email, "").await
    }

    /// As [`Guard::check`], for requests counted apart from sign-in (`prefix` names them), so
    /// that asking for reset links never locks anyone out of signing in.
    pub async fn keyed(
        req: &Request,
        ctx: &Ctx,
        email: &Email,
        prefix: &str,
    ) -> Result<Self, ApiError> {
        let keys = [
            format!("{prefix}{}", throttle::account_key(email.as_str())),
            format!("{prefix}{}", throttle::address_key(&network_address(req)?)),
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
        Ok(Self {
            keys,
            state: [per_account, per_address],
        })
    }

    /// Counts one failure against the address and the network address.
    pub async fn failed(self, ctx: &Ctx) -> Result<(), ApiError> {
        record_failure(ctx, self.keys, self.state).await
    }

    /// Clears the address's count after a success.
    pub async fn passed(self, ctx: &Ctx) -> Result<(), ApiError> {
        if self.state[0].is_some() {
            limits::clear(&ctx.db, &self.keys[0]).await?;
        }
        Ok(())
    }
}

/// The network address the request came from.
fn network_address(req: &Request) -> Result<String, ApiError> {
    Ok(req
        .headers()
        .get("CF-Connecting-IP")?
        .unwrap_or_else(|| "unknown".into()))
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

/// Opens a session in one of the person's agencies and answers who they are there, with the
/// session cookie; `agencies` are all those they may sign in to, this one first.
pub async fn open_session(
    req: &Request,
    ctx: &Ctx,
    person: &str,
    membership: &people::Membership,
    mut agencies: Vec<domain::api::AgencySummary>,
) -> Result<Response, ApiError> {
    let secret = token::generate().map_err(|e| ApiError::Internal(e.to_string()))?;
    let origin = sessions::Origin {
        device: req
            .headers()
            .get("User-Agent")?
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect(),
        address: network_address(req)?,
    };
    let remember = people::used_agency(&ctx.db, person, &membership.agency_id)?;
    sessions::create(
        &ctx.db,
        &token::digest(&secret),
        &membership.user_id,
        &membership.agency_id,
        ctx.now,
        &origin,
        vec![remember],
    )
    .await?;
    let actor = sessions::find(&ctx.db, &token::digest(&secret))
        .await?
        .ok_or_else(|| ApiError::Internal("a session just written was not found".into()))?;
    agencies.sort_by_key(|a| a.id != membership.agency_id);
    let mut me = me_of(&actor);
    me.agencies = agencies;
    let response = json(200, &me)?;
    response
        .headers()
        .set("Set-Cookie", &session::set_cookie(&secret))?;
    Ok(response)
}

/// `POST /api/v1/session/agency`: moves this sign-in to another agency of the person's,
/// without the password again. The old session ends; the new one is for that agency alone.
pub async fn switch_agency(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: domain::api::SwitchAgency = read_json(req).await?;
    let actor = authenticate_person_any(req, ctx).await?;
    let memberships = people::memberships(&ctx.db, &actor.person_id).await?;
    let response = open_in(req, ctx, &actor.person_id, &memberships, Some(&body.agency)).await?;
    if let Some(secret) = session_token(req)? {
        sessions::delete(&ctx.db, &token::digest(&secret)).await?;
    }
    Ok(response)
}

/// `GET /api/v1/me/agencies`: the agencies the signed-in person may switch to, this one first.
pub async fn my_agencies(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let actor = authenticate_person_any(req, ctx).await?;
    let mut agencies: Vec<domain::api::AgencySummary> =
        people::memberships(&ctx.db, &actor.person_id)
            .await?
            .iter()
            .filter(|m| m.state.may_sign_in())
            .map(people::Membership::summary)
            .collect();
    agencies.sort_by_key(|a| a.id != actor.agency_id);
    json(200, &domain::api::MyAgencies { agencies })
}

/// `GET /api/v1/me/sessions`: the person's sessions in all their agencies.
pub async fn my_sessions(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let actor = authenticate_person_any(req, ctx).await?;
    let digest = session_token(req)?
        .map(|s| token::digest(&s))
        .unwrap_or_default();
    let sessions = people::sessions(&ctx.db, &actor.person_id, &digest).await?;
    json(200, &domain::api::MySessions { sessions })
}

/// `DELETE /api/v1/me/sessions/{id}`: ends one of the person's sessions (this one included).
pub async fn end_my_session(req: &Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let actor = authenticate_person_any(req, ctx).await?;
    if !people::end_session(&ctx.db, &actor.person_id, id).await? {
        return Err(ApiError::NotFound);
    }
    let headers = super::api_headers("application/json")?;
    Ok(Response::empty()?.with_status(204).with_headers(headers))
}

/// The caller by session cookie, before the agency's two-factor requirement: a person managing
/// their own account (sessions, agencies, password) needs only to be signed in.
pub async fn authenticate_person_any(req: &Request, ctx: &Ctx) -> Result<Actor, ApiError> {
    person_only(authenticate_any(req, ctx).await?)
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

/// `DELETE /api/v1/sessions`: ends every session of the signed-in person, on every device and
/// in every agency.
pub async fn sign_out_everywhere(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let actor = authenticate_any(req, ctx).await?;
    ctx.db
        .batch(vec![people::end_sessions(&ctx.db, &actor.person_id, None)?])
        .await?;
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
    /// A service token (`sbs_…`): the platform, which only asks `check` and `filter`.
    Service(String),
}

/// How a service token's secret starts.
pub const SERVICE_TOKEN_PREFIX: &str = "sbs_";

fn service_token_elsewhere() -> ApiError {
    ApiError::Forbidden {
        rule: "tokens",
        reason: "A service token only asks who may see calls, leads and messages \
                 (POST /api/v1/check and GET /api/v1/filter); it cannot do this"
            .into(),
    }
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
        if secret.starts_with(SERVICE_TOKEN_PREFIX) {
            return Ok(Credential::Service(token::digest(secret)));
        }
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
        Credential::Service(_) => return Err(service_token_elsewhere()),
        Credential::Token(_) => actor.ok_or(TOKEN_INVALID)?,
        Credential::Session(digest) => {
            let actor = actor.ok_or(ApiError::Unauthenticated(SESSION_ENDED))?;
            let idle = session::idle_lifetime(actor.session_idle_minutes);
            if !session::is_live(actor.created_at, actor.last_seen_at, ctx.now, idle) {
                sessions::delete(&ctx.db, digest).await?;
                return Err(ApiError::Unauthenticated(SESSION_ENDED));
            }
            if ctx.now - actor.last_seen_at > session::touch_interval(idle) {
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
        Credential::Service(_) => return Err(service_token_elsewhere()),
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
        Credential::Service(_) => return Err(service_token_elsewhere()),
        Credential::Token(digest) => part::Who::Token(digest),
        Credential::Session(digest) => part::Who::Session(digest),
    };
    needs.counts = true;
    let extra = extra(who)?;
    let loaded = part::load(&ctx.db, who, &needs, ctx.now, extra).await?;
    let (row, snapshot) = (loaded.actor, loaded.snapshot);
    let actor = match (&credential, row) {
        (_, None) | (Credential::Service(_), _) => None,
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

/// Answers the platform's question with `answer` on the part of the agency `needs` names, for a
/// service token, or for a person at the keyboard who may connect the platform.
pub async fn answer_for_platform<T>(
    req: &Request,
    ctx: &Ctx,
    needs: Needs,
    answer: impl Fn(&domain::Snapshot) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let Credential::Service(digest) = credential(req)? else {
        let (actor, snapshot) = load_caller(req, ctx, needs).await?;
        let reader = domain::read::Reader {
            snapshot: &snapshot,
            user: &actor.user_id,
            now: ctx.now,
        };
        domain::read::platform(&reader).map_err(ApiError::Refused)?;
        return answer(&snapshot);
    };
    // People and nodes alone (every question of `check` and `filter`): on the Worker's copy of
    // the agency, with each person's access read again only when D1's stamp says it changed.
    let people_and_nodes = Needs {
        users: needs.users.clone(),
        nodes: needs.nodes.clone(),
        all_nodes: needs.all_nodes,
        ..Needs::default()
    } == needs;
    let copied = match people_and_nodes {
        true => checks::answer(&ctx.db, &digest, &needs.users, &answer).await?,
        false => None,
    };
    let (actor, answered) = match copied {
        Some(answered) => answered,
        None => {
            let loaded = part::load(
                &ctx.db,
                part::Who::Service(&digest),
                &needs,
                ctx.now,
                vec![],
            )
            .await?;
            (loaded.actor, loaded.snapshot.as_ref().map(&answer))
        }
    };
    let service: crate::store::platform::ServiceCaller = actor
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| ApiError::Internal(format!("service token row: {e}")))?
        .ok_or(ApiError::Unauthenticated(
            "This service token is not valid: it was revoked or never existed.",
        ))?;
    let answered = answered
        .ok_or_else(|| ApiError::Internal("the service token's agency was not loaded".into()))?;
    if service.last_used_at.is_none_or(|at| ctx.now - at > 60_000) {
        crate::store::platform::touch_token(&ctx.db, &service.id, ctx.now).await?;
    }
    answered
}

pub fn session_token(req: &Request) -> Result<Option<String>, ApiError> {
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
        agencies: Vec::new(),
    }
}
