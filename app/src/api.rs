//! The app's one door to the Worker's API.

use domain::api::{
    API_BASE, AcceptInvitation, AgencyView, AuditPage, ChangeEmail, ChangePassword, ForgotPassword,
    InvitationList, InvitationPreview, LinkToken, Me, MyAgencies, MySessions, NewGrant,
    NewNotificationPerson, NewPerson, NewToken, NodeList, Notice, PersonEdit, Problem,
    ResetPassword, RoleChange, RoleList, SignInRequest, SwitchAgency, TokenCreated, TokenList,
    TotpCode, TotpSetup, UserAccess, UserDetail,
};
use domain::command::OfflineCommand;
use domain::sync::{PullResponse, PushRequest, PushResponse};
use domain::{Command, SeatPreview};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use web_sys::RequestCredentials;

/// Why a call to the API did not give what was asked.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// No answer at all: the device is offline or the Worker cannot be reached.
    #[error("Switchboard cannot be reached; you are seeing the last saved data.")]
    Offline,
    /// The session is missing or has ended.
    #[error("{0}")]
    SignedOut(String),
    /// The password was right; two-factor sign-in needs the authenticator's code too.
    #[error("Enter the 6-digit code from your authenticator app.")]
    CodeRequired,
    /// The Worker refused or rejected the request and said why.
    #[error("{}", .0.detail)]
    Problem(Box<Problem>),
    /// An answer the app does not understand.
    #[error("Switchboard answered something unexpected ({0}).")]
    Unexpected(String),
}

fn url(path: &str) -> String {
    format!("{API_BASE}{path}")
}

fn with_credentials(builder: RequestBuilder) -> RequestBuilder {
    builder.credentials(RequestCredentials::SameOrigin)
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        return response
            .json()
            .await
            .map_err(|e| ApiError::Unexpected(e.to_string()));
    }
    let status = response.status();
    let problem: Problem = response
        .json()
        .await
        .map_err(|_| ApiError::Unexpected(format!("status {status}")))?;
    if status == 401 && problem.errors.iter().any(|e| e.field == "code") {
        Err(ApiError::CodeRequired)
    } else if status == 401 {
        Err(ApiError::SignedOut(problem.detail))
    } else {
        Err(ApiError::Problem(Box::new(problem)))
    }
}

async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let request = request.map_err(|e| ApiError::Unexpected(e.to_string()))?;
    request.send().await.map_err(|_| ApiError::Offline)
}

/// `GET path`, its answer read as `T`.
async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    read(send(with_credentials(Request::get(&url(path))).build()).await?).await
}

/// `method path` with a JSON body, its answer read as `T`.
async fn with_body<T: DeserializeOwned>(
    method: fn(&str) -> RequestBuilder,
    path: &str,
    body: &impl serde::Serialize,
) -> Result<T, ApiError> {
    read(send(with_credentials(method(&url(path))).json(body)).await?).await
}

/// `method path` with a JSON body, for a change: its answer (the events it wrote, a
/// `domain::api::CommandOutcome`) is not read, since the change comes back through sync, and
/// leaving it unread keeps the events' decoder out of the app.
async fn write(
    method: fn(&str) -> RequestBuilder,
    path: &str,
    body: &impl serde::Serialize,
) -> Result<(), ApiError> {
    let response = send(with_credentials(method(&url(path))).json(body)).await?;
    if response.ok() {
        Ok(())
    } else {
        read(response).await
    }
}

/// `method path` without a body, for what answers only with its status.
async fn done(method: fn(&str) -> RequestBuilder, path: &str) -> Result<(), ApiError> {
    let response = send(with_credentials(method(&url(path))).build()).await?;
    if response.ok() {
        Ok(())
    } else {
        read(response).await
    }
}

/// Signs in and answers who signed in.
pub async fn sign_in(email: &str, password: &str, code: Option<String>) -> Result<Me, ApiError> {
    let body = SignInRequest {
        email: email.to_owned(),
        password: password.to_owned(),
        code,
        agency: None,
    };
    with_body(Request::post, "/session", &body).await
}

/// Moves this sign-in to another of the person's agencies; answers who they are there.
pub async fn switch_agency(agency: &str) -> Result<Me, ApiError> {
    let body = SwitchAgency {
        agency: agency.to_owned(),
    };
    with_body(Request::post, "/session/agency", &body).await
}

/// The agencies the signed-in person may switch to, this one first.
pub async fn my_agencies() -> Result<MyAgencies, ApiError> {
    get("/me/agencies").await
}

/// Pending invitations the signed-in person may see, oldest first (the first 200).
pub async fn invitations() -> Result<InvitationList, ApiError> {
    get("/invitations?limit=200").await
}

/// Sends an invitation again with a new link (the old one dies, R21).
pub async fn resend_invitation(user: &str) -> Result<(), ApiError> {
    done(Request::post, &format!("/users/{user}/invitation")).await
}

/// Revokes an invitation: its link dies and its seat is free (R21, R31).
pub async fn revoke_invitation(user: &str) -> Result<(), ApiError> {
    done(Request::delete, &format!("/users/{user}/invitation")).await
}

/// The signed-in person's sessions, in all their agencies.
pub async fn my_sessions() -> Result<MySessions, ApiError> {
    get("/me/sessions").await
}

/// Ends one of the signed-in person's sessions.
pub async fn end_session(id: &str) -> Result<(), ApiError> {
    done(Request::delete, &format!("/me/sessions/{id}")).await
}

/// Asks for a password-reset link by mail.
pub async fn forgot_password(email: &str) -> Result<Notice, ApiError> {
    let body = ForgotPassword {
        email: email.to_owned(),
    };
    with_body(Request::post, "/password/forgot", &body).await
}

/// Sets a new password with a mailed reset link.
pub async fn reset_password(token: &str, password: &str) -> Result<Notice, ApiError> {
    let body = ResetPassword {
        token: token.to_owned(),
        password: password.to_owned(),
    };
    with_body(Request::post, "/password/reset", &body).await
}

/// Asks to change the signed-in person's address; a link to the new one confirms it.
pub async fn change_email(email: &str, password: &str) -> Result<Notice, ApiError> {
    let body = ChangeEmail {
        email: email.to_owned(),
        password: password.to_owned(),
    };
    with_body(Request::post, "/me/email", &body).await
}

/// Confirms a new address with the mailed link's token.
pub async fn confirm_email(token: &str) -> Result<Notice, ApiError> {
    let body = LinkToken {
        token: token.to_owned(),
    };
    with_body(Request::post, "/me/email/confirm", &body).await
}

/// Changes the signed-in person's password.
pub async fn change_password(current: &str, new: &str) -> Result<Notice, ApiError> {
    let body = ChangePassword {
        current_password: current.to_owned(),
        new_password: new.to_owned(),
    };
    with_body(Request::put, "/me/password", &body).await
}

/// What an invitation link is for.
pub async fn invitation_preview(token: &str) -> Result<InvitationPreview, ApiError> {
    let body = LinkToken {
        token: token.to_owned(),
    };
    with_body(Request::post, "/invitations/preview", &body).await
}

/// Accepts an invitation with a new password, or one's existing one; answers who is now
/// signed in.
pub async fn accept_invitation(token: &str, password: &str) -> Result<Me, ApiError> {
    let body = AcceptInvitation {
        token: token.to_owned(),
        password: password.to_owned(),
    };
    with_body(Request::post, "/invitations/accept", &body).await
}

/// Ends the session on the Worker.
pub async fn sign_out() -> Result<(), ApiError> {
    done(Request::delete, "/session").await
}

/// The signed-in person.
pub async fn me() -> Result<Me, ApiError> {
    get("/me").await
}

/// The signed-in person's API tokens (never their secrets).
pub async fn tokens() -> Result<TokenList, ApiError> {
    get("/tokens").await
}

/// Creates an API token; the answer carries its secret, this once.
pub async fn create_token(token: &NewToken) -> Result<TokenCreated, ApiError> {
    with_body(Request::post, "/tokens", token).await
}

/// Revokes one of the signed-in person's API tokens.
pub async fn revoke_token(id: &str) -> Result<(), ApiError> {
    done(Request::delete, &format!("/tokens/{id}")).await
}

/// The agency's service tokens for the platform, kept for offline.
pub async fn service_tokens() -> Result<domain::api::ServiceTokenList, ApiError> {
    kept("/service-tokens").await
}

/// Makes a service token; the answer carries its secret, this once.
pub async fn create_service_token(
    token: &domain::api::NewServiceToken,
) -> Result<domain::api::ServiceTokenCreated, ApiError> {
    with_body(Request::post, "/service-tokens", token).await
}

/// Revokes one of the agency's service tokens.
pub async fn revoke_service_token(id: &str) -> Result<(), ApiError> {
    done(Request::delete, &format!("/service-tokens/{id}")).await
}

/// The agency's webhook endpoints, kept for offline.
pub async fn webhooks() -> Result<domain::api::WebhookList, ApiError> {
    kept("/webhooks").await
}

/// Registers a webhook endpoint; the answer carries its signing secret, this once.
pub async fn add_webhook(
    endpoint: &domain::api::NewWebhook,
) -> Result<domain::api::WebhookCreated, ApiError> {
    with_body(Request::post, "/webhooks", endpoint).await
}

/// Removes a webhook endpoint.
pub async fn remove_webhook(id: &str) -> Result<(), ApiError> {
    done(Request::delete, &format!("/webhooks/{id}")).await
}

/// The most recent webhook messages, kept for offline.
pub async fn deliveries() -> Result<domain::api::DeliveryList, ApiError> {
    kept("/webhooks/deliveries?limit=20").await
}

/// Sends a webhook message again.
pub async fn replay(id: &str) -> Result<(), ApiError> {
    done(Request::post, &format!("/webhooks/deliveries/{id}/replay")).await
}

/// The part of the account tree the signed-in person works in, kept for offline.
pub async fn nodes() -> Result<NodeList, ApiError> {
    kept("/nodes").await
}

/// Makes an account, group, subgroup or location.
pub async fn create_node(node: &domain::api::NewNode) -> Result<(), ApiError> {
    write(Request::post, "/nodes", node).await
}

/// Renames a node, moves it, or both.
pub async fn edit_node(node: &str, edit: &domain::api::NodeEdit) -> Result<(), ApiError> {
    write(Request::patch, &format!("/nodes/{node}"), edit).await
}

/// Deletes an empty node; the roles held there go with it.
pub async fn delete_node(node: &str) -> Result<(), ApiError> {
    done(Request::delete, &format!("/nodes/{node}")).await
}

/// Defines a custom role.
pub async fn create_role(role: &domain::api::RoleDefinition) -> Result<(), ApiError> {
    write(Request::post, "/roles", role).await
}

/// Renames a custom role and replaces what it allows, for everyone who holds it (R20).
pub async fn edit_role(id: &str, role: &domain::api::RoleDefinition) -> Result<(), ApiError> {
    write(Request::put, &format!("/roles/{id}"), role).await
}

/// Deletes a custom role nobody holds.
pub async fn delete_role(id: &str) -> Result<(), ApiError> {
    done(Request::delete, &format!("/roles/{id}")).await
}

/// The tracking numbers and the people they ring through to, kept for offline.
pub async fn numbers() -> Result<domain::api::NumberList, ApiError> {
    kept("/numbers").await
}

/// Sends a number's calls to a person: it leaves whoever had it (one destination each).
pub async fn assign_number(number: &str, user: &domain::UserId) -> Result<(), ApiError> {
    let body = domain::api::NumberAssignment { user: user.clone() };
    write(Request::put, &format!("/numbers/{number}"), &body).await
}

/// The campaigns the signed-in person may see, kept for offline.
pub async fn campaigns() -> Result<domain::api::CampaignList, ApiError> {
    kept("/campaigns").await
}

/// Who is in a campaign's groups and whether each dials on it, kept for offline.
pub async fn dialers(campaign: &str) -> Result<domain::api::DialerList, ApiError> {
    kept(&format!("/campaigns/{campaign}/dialers")).await
}

/// Makes a campaign (`existing` is `None`) or replaces one's name, node and groups.
pub async fn save_campaign(
    existing: Option<&str>,
    draft: &domain::api::CampaignDraft,
) -> Result<(), ApiError> {
    match existing {
        None => write(Request::post, "/campaigns", draft).await,
        Some(id) => write(Request::put, &format!("/campaigns/{id}"), draft).await,
    }
}

/// Deletes a campaign; its groups and their members stay.
pub async fn delete_campaign(campaign: &str) -> Result<(), ApiError> {
    done(Request::delete, &format!("/campaigns/{campaign}")).await
}

/// Puts people in an agent group and takes others out.
pub async fn group_members(change: &domain::api::GroupMembers) -> Result<(), ApiError> {
    write(Request::post, "/agent-groups/members", change).await
}

/// Changes the agency's lists, or whether two-factor sign-in is required.
pub async fn configure_agency(edit: &domain::api::AgencySettingsEdit) -> Result<(), ApiError> {
    write(Request::patch, "/agency", edit).await
}

/// Hands the agency to another member.
pub async fn transfer_ownership(to: &domain::UserId) -> Result<(), ApiError> {
    let body = domain::api::OwnershipTransfer {
        to: to.clone(),
        grant: None,
    };
    write(Request::post, "/agency/owner", &body).await
}

/// Lets platform support in until a time, for a reason.
pub async fn grant_support(access: &domain::api::SupportAccess) -> Result<(), ApiError> {
    write(Request::post, "/support-access", access).await
}

/// Moves the agency to another plan (R30).
pub async fn change_plan(plan: domain::Plan) -> Result<(), ApiError> {
    write(
        Request::put,
        "/agency/plan",
        &domain::api::PlanChange { plan },
    )
    .await
}

/// The built-in roles and the agency's own, kept for offline.
pub async fn roles() -> Result<RoleList, ApiError> {
    kept("/roles").await
}

/// The agency: plan, seats and lists, kept for offline.
pub async fn agency() -> Result<AgencyView, ApiError> {
    kept("/agency").await
}

/// One person with the grants the signed-in person may see, kept for offline.
pub async fn person(id: &str) -> Result<UserDetail, ApiError> {
    kept(&format!("/users/{id}")).await
}

/// What a person may do where, kept for offline.
pub async fn access(id: &str) -> Result<UserAccess, ApiError> {
    kept(&format!("/users/{id}/access")).await
}

/// The audit log's entries about one person, their grants' too (newest first), kept for
/// offline.
pub async fn history(id: &str) -> Result<AuditPage, ApiError> {
    kept(&format!("/audit?about={id}&limit=50")).await
}

/// A page of the audit log: `path` is `/audit?…` with the filters and the cursor. A first
/// page is kept for offline; later ones are read only online.
pub async fn audit(path: &str) -> Result<AuditPage, ApiError> {
    if path.contains("after=") {
        get(path).await
    } else {
        kept(path).await
    }
}

/// What a change would do to seats and cost, before it is made.
pub async fn seat_preview(command: &Command) -> Result<SeatPreview, ApiError> {
    with_body(Request::post, "/agency/seat-preview", command).await
}

/// Checks (with `dry_run`) or saves many people at once.
pub async fn import(
    request: &domain::api::ImportRequest,
) -> Result<domain::api::ImportReport, ApiError> {
    with_body(Request::post, "/users/import", request).await
}

/// Invites a person.
pub async fn invite(person: &NewPerson) -> Result<(), ApiError> {
    write(Request::post, "/users", person).await
}

/// Adds someone who only receives notifications.
pub async fn add_notification_person(person: &NewNotificationPerson) -> Result<(), ApiError> {
    write(Request::post, "/notification-users", person).await
}

/// Gives a person a role at a node.
pub async fn grant(user: &str, grant: &NewGrant) -> Result<(), ApiError> {
    write(Request::post, &format!("/users/{user}/grants"), grant).await
}

/// Replaces a grant's role (R13).
pub async fn change_role(grant: &str, change: &RoleChange) -> Result<(), ApiError> {
    write(Request::patch, &format!("/grants/{grant}"), change).await
}

/// Takes a grant away.
pub async fn revoke_grant(grant: &str) -> Result<(), ApiError> {
    done(Request::delete, &format!("/grants/{grant}")).await
}

/// Changes a person's name, address or switches.
pub async fn edit_person(user: &str, edit: &PersonEdit) -> Result<(), ApiError> {
    write(Request::patch, &format!("/users/{user}"), edit).await
}

/// Replaces a person's agent settings, whole.
pub async fn edit_settings(user: &str, settings: &domain::AgentSettings) -> Result<(), ApiError> {
    write(Request::put, &format!("/users/{user}/settings"), settings).await
}

/// Deletes a person, handing their work to `reassign_to` first (R24).
pub async fn delete_person(user: &str, reassign_to: Option<&str>) -> Result<(), ApiError> {
    let path = match reassign_to {
        Some(to) => format!("/users/{user}?reassign_to={to}"),
        None => format!("/users/{user}"),
    };
    done(Request::delete, &path).await
}

/// `GET path`, its answer kept in the local store; offline, the answer last kept.
async fn kept<T: DeserializeOwned + serde::Serialize>(path: &str) -> Result<T, ApiError> {
    use crate::store::{DB_NAME, Store};
    match get::<T>(path).await {
        Ok(value) => {
            if let (Ok(store), Ok(json)) =
                (Store::open(DB_NAME).await, serde_json::to_string(&value))
            {
                let _ = store.save_list(path, &json).await;
            }
            Ok(value)
        }
        Err(ApiError::Offline) => {
            let store = Store::open(DB_NAME).await.map_err(|_| ApiError::Offline)?;
            match store.list(path).await {
                Ok(Some(json)) => serde_json::from_str(&json).map_err(|_| ApiError::Offline),
                _ => Err(ApiError::Offline),
            }
        }
        Err(other) => Err(other),
    }
}

/// Starts setting up two-factor sign-in: a new secret, off until a code confirms it.
pub async fn totp_setup() -> Result<TotpSetup, ApiError> {
    let response = send(with_credentials(Request::post(&url("/me/totp"))).build()).await?;
    read(response).await
}

/// Confirms two-factor sign-in with a current code from the authenticator app.
pub async fn totp_confirm(code: &str) -> Result<(), ApiError> {
    let response = send(
        with_credentials(Request::post(&url("/me/totp/confirm"))).json(&TotpCode {
            code: code.to_owned(),
        }),
    )
    .await?;
    if response.ok() {
        Ok(())
    } else {
        read(response).await
    }
}

/// Sends queued mutations; answers their outcomes.
pub async fn push(request: &PushRequest<OfflineCommand>) -> Result<PushResponse, ApiError> {
    with_body(Request::post, "/sync/push", request).await
}

/// A pull on its way: the request leaves when this is made, so the Worker can make one page
/// while the app reads the one before.
#[derive(Debug)]
pub struct PullInFlight(wasm_bindgen_futures::JsFuture);

/// A pull's answer whose headers have arrived: the next page's cursor, if the Worker sent one
/// (`domain::sync::NEXT_HEADER`), and the body still to read.
#[derive(Debug)]
pub struct PullHead {
    pub next: Option<String>,
    response: Response,
}

/// Sends a pull now: `query` is the replica's (`since`, `reach`, `after`).
pub fn pull(query: &str) -> Result<PullInFlight, ApiError> {
    let path = format!("/sync/pull?{query}");
    let request = with_credentials(Request::get(&url(&path)))
        .build()
        .map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let window = web_sys::window().ok_or(ApiError::Offline)?;
    let request: web_sys::Request = request.into();
    Ok(PullInFlight(wasm_bindgen_futures::JsFuture::from(
        window.fetch_with_request(&request),
    )))
}

impl PullInFlight {
    /// Waits for the answer's headers.
    pub async fn head(self) -> Result<PullHead, ApiError> {
        use wasm_bindgen::JsCast;
        let response: web_sys::Response =
            self.0
                .await
                .map_err(|_| ApiError::Offline)?
                .dyn_into()
                .map_err(|_| ApiError::Unexpected("fetch answered no response".into()))?;
        let response = Response::from(response);
        let next = response
            .ok()
            .then(|| response.headers().get(domain::sync::NEXT_HEADER))
            .flatten();
        Ok(PullHead { next, response })
    }
}

impl PullHead {
    /// Reads the answer's body.
    pub async fn body(self) -> Result<PullResponse, ApiError> {
        read(self.response).await
    }
}
