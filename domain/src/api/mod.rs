//! The wire contract between the app, scripts and the Worker: JSON under `/api/v1`.
//!
//! Both sides compile these types, so a field renamed here is renamed everywhere at once.

use serde::{Deserialize, Serialize};

mod problem;
#[cfg(feature = "openapi")]
pub mod schema;
pub use problem::{FieldError, Problem};

pub use crate::import::{ImportLine, ImportSummary};

use crate::input::name_key;
use crate::model::{CustomRoleId, Millis, RoleRef};
use crate::user::{UserId, UserState};

/// Where the API lives, relative to the origin that serves the app.
pub const API_BASE: &str = "/api/v1";

/// The name of the session cookie the Worker sets on sign-in.
pub const SESSION_COOKIE: &str = "sb_session";

/// `GET /api/v1/health`: what is running and which schema its database has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Health {
    /// `ok` when the Worker reached its database.
    pub status: String,
    /// The build version of the Worker, `<semver>+<commit>`.
    pub version: String,
    /// The number of the last migration applied to the database.
    pub schema_version: u32,
}

/// `POST /api/v1/session`: sign in with e-mail and password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SignInRequest {
    #[cfg_attr(feature = "openapi", schemars(with = "crate::email::Email"))]
    pub email: String,
    pub password: String,
    /// The 6-digit code of an authenticator app, for people who turned two-factor sign-in on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The agency to sign in to, for someone who belongs to several; left out, they are signed
    /// in to the one they used last, and the answer lists the others to choose from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
}

/// `POST /api/v1/session/agency`: move this sign-in to another of one's agencies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SwitchAgency {
    pub agency: String,
}

/// `GET /api/v1/me/agencies`: every agency the signed-in person may sign in to, this one first,
/// then the one used last.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct MyAgencies {
    pub agencies: Vec<AgencySummary>,
}

/// One of the signed-in person's sessions (`GET /api/v1/me/sessions`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SessionInfo {
    pub id: String,
    /// The browser or program, as it named itself.
    pub device: String,
    /// The network address it signed in from.
    pub address: String,
    /// The agency it is signed in to.
    pub agency: AgencySummary,
    pub created_at: i64,
    pub last_seen_at: i64,
    /// Whether this is the session asking.
    pub current: bool,
}

/// `GET /api/v1/me/sessions`: the person's sessions, most recently used first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct MySessions {
    pub sessions: Vec<SessionInfo>,
}

/// `PUT /api/v1/me/password`: the current password and the new one (R22).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ChangePassword {
    #[cfg_attr(feature = "openapi", schemars(length(max = crate::input::Password::MAX)))]
    pub current_password: String,
    #[cfg_attr(feature = "openapi", schemars(length(min = crate::input::Password::MIN, max = crate::input::Password::MAX)))]
    #[cfg_attr(
        feature = "openapi",
        schemars(regex(pattern = r"[0-9].*[A-Z]|[A-Z].*[0-9]"))
    )]
    pub new_password: String,
}

/// `POST /api/v1/me/email`: the new address, confirmed by a link mailed to it, and the
/// current password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ChangeEmail {
    #[cfg_attr(feature = "openapi", schemars(with = "crate::email::Email"))]
    pub email: String,
    pub password: String,
}

/// `POST /api/v1/password/forgot` and the like: one address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ForgotPassword {
    #[cfg_attr(feature = "openapi", schemars(with = "crate::email::Email"))]
    pub email: String,
}

/// `POST /api/v1/password/reset`: the mailed link's token and the new password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ResetPassword {
    pub token: String,
    #[cfg_attr(feature = "openapi", schemars(length(min = crate::input::Password::MIN, max = crate::input::Password::MAX)))]
    #[cfg_attr(
        feature = "openapi",
        schemars(regex(pattern = r"[0-9].*[A-Z]|[A-Z].*[0-9]"))
    )]
    pub password: String,
}

/// A link's token alone (`/me/email/confirm`, `/invitations/preview`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LinkToken {
    pub token: String,
}

/// `POST /api/v1/invitations/preview`: what an invitation link is for, so its page can ask
/// for a new password, or for the person's existing one when they already have an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct InvitationPreview {
    pub agency: AgencySummary,
    pub email: String,
    pub existing_account: bool,
}

/// One pending invitation (`GET /api/v1/invitations`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct InvitationLine {
    pub id: UserId,
    pub name: String,
    pub email: String,
    /// When the link stops working (R21); `None` for one never sent.
    pub expires_at: Option<i64>,
    /// Whether it has already expired (its seat is free again, R31).
    pub expired: bool,
}

/// `GET /api/v1/invitations`: pending invitations, oldest first, a page at a time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct InvitationList {
    pub invitations: Vec<InvitationLine>,
    #[serde(default)]
    pub next: Option<String>,
}

/// An answer that only says what happened, in words for a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Notice {
    pub detail: String,
}

/// `POST /api/v1/me/totp`: a new secret to put in an authenticator app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TotpSetup {
    /// Base32, for typing in.
    pub secret: String,
    /// `otpauth://` link, for a QR code.
    pub otpauth_url: String,
}

/// `POST /api/v1/me/totp/confirm`: a code proving the app has the secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TotpCode {
    pub code: String,
}

/// The signed-in person, answered by sign-in and by `GET /api/v1/me`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Me {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub agency: AgencySummary,
    /// The agency requires two-factor sign-in and this person has not set it up yet: until
    /// they do, only setting it up (and signing out) is open to them.
    #[serde(default)]
    pub two_factor_required: bool,
    /// What they may do where (`GET /api/v1/me` only): their capabilities at each node where
    /// they hold a grant, with a token's scope applied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access: Vec<crate::explain::AccessAt>,
    /// At sign-in and on a switch: every agency this person may sign in to, this one first
    /// and then the one used last. More than one, and the console asks which to use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agencies: Vec<AgencySummary>,
}

/// The agency a person belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AgencySummary {
    pub id: String,
    pub name: String,
}

/// One role held at one node of the account tree.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RoleAtNode {
    /// The role's name as people read it.
    pub role: String,
    /// The node's name.
    pub node: String,
    #[serde(default)]
    pub grant: String,
    #[serde(default)]
    pub node_id: String,
    /// The custom role's id, when the role is a custom one (a built-in role's name is its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<i64>,
}

impl RoleAtNode {
    /// The role this grant holds, as a decision reads it: the custom role's id, or else the
    /// built-in role, whose name is its id (as `RoleRef` is written on the wire). `None` for a
    /// name no built-in role has.
    pub fn role_ref(&self) -> Option<RoleRef> {
        match &self.custom_role {
            Some(id) => Some(RoleRef::Custom(CustomRoleId(id.clone()))),
            None => self.role.parse().ok().map(RoleRef::Builtin),
        }
    }

    /// The order a person's roles are listed in: by node name, then role name, then grant.
    pub fn list_order(a: &RoleAtNode, b: &RoleAtNode) -> std::cmp::Ordering {
        (&a.node, &a.role, &a.grant).cmp(&(&b.node, &b.role, &b.grant))
    }
}

/// One row of the user list.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct UserSummary {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub state: UserState,
    pub roles: Vec<RoleAtNode>,
    /// When they last signed in to this agency; `None` if they never have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sign_in_at: Option<Millis>,
    /// For an invitation, when it expires and stops holding its seat (R21, R31).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation_expires_at: Option<Millis>,
    /// The dialer switch (R4): off, they place no calls and take no dialer seat.
    #[serde(default = "on", skip_serializing_if = "is_on")]
    pub calling_enabled: bool,
    /// Platform support let in for a while (§11): never a seat.
    #[serde(default, skip_serializing_if = "is_off")]
    pub support: bool,
    /// The agent groups they are in (§7).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agent_groups: Vec<String>,
}

fn on() -> bool {
    true
}

fn is_on(value: &bool) -> bool {
    *value
}

fn is_off(value: &bool) -> bool {
    !*value
}

impl UserSummary {
    /// A row with only what every person has: the rest as a new person's.
    pub fn new(
        id: UserId,
        name: &str,
        email: &str,
        state: UserState,
        roles: Vec<RoleAtNode>,
    ) -> Self {
        UserSummary {
            id,
            name: name.to_owned(),
            email: email.to_owned(),
            state,
            roles,
            last_sign_in_at: None,
            invitation_expires_at: None,
            calling_enabled: true,
            support: false,
            agent_groups: Vec::new(),
        }
    }

    /// The order of the user list: by [`name_key`] (regardless of case and accents), then by
    /// id, as the Worker's `sort=name` answers it.
    pub fn list_order(a: &UserSummary, b: &UserSummary) -> std::cmp::Ordering {
        name_key(&a.name)
            .cmp(&name_key(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    }

    /// Sorts rows into [`UserSummary::list_order`], keying each name once rather than at
    /// every comparison (10,000 rows: 10,000 keys instead of some 280,000).
    pub fn sort_for_list(rows: &mut [UserSummary]) {
        rows.sort_by_cached_key(|u| (name_key(&u.name), u.id.clone()));
    }
}

/// `GET /api/v1/users`: one page of the users the caller may see. `Rows` is how the people
/// are held: parsed, or (where the Worker hands on what SQL wrote) as raw JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct UsersPage<Rows = Vec<UserSummary>> {
    pub users: Rows,
    /// The cursor of the next page (`after=`), if there is one.
    pub next: Option<String>,
}

/// `GET /api/v1/users/{id}`: one person, with the grants the caller may see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct UserDetail {
    pub user: crate::model::User,
    pub roles: Vec<RoleAtNode>,
    /// When they last signed in to this agency; `None` if they never have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sign_in_at: Option<Millis>,
    /// For a deleted person, shown to those who may read the audit log: the entries by and
    /// about them, newest first (R24: their history keeps their name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<AuditLine>,
}

/// `GET /api/v1/roles`: the built-in roles and the agency's own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RoleList {
    pub roles: Vec<RoleInfo>,
}

/// A role and what it allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RoleInfo {
    pub role: crate::model::RoleRef,
    pub name: String,
    pub capabilities: crate::access::CapabilitySet,
}

/// `POST /api/v1/roles` and `PUT /api/v1/roles/{id}`: a custom role's name and what it allows
/// (R20). On a create the id is the client's choice (so that sending twice makes one), or the
/// Worker's; on an edit it is the path's, and one here must be the same.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleDefinition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<crate::model::CustomRoleId>,
    pub name: crate::input::Name,
    pub capabilities: crate::access::CapabilitySet,
}

/// `GET /api/v1/nodes`: the part of the account tree the caller works in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct NodeList {
    pub nodes: Vec<crate::model::Node>,
}

/// `POST /api/v1/nodes`: a new account, group, subgroup or location under `parent`. The id
/// is the client's choice (so that sending twice makes one), or the Worker's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewNode {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<crate::model::NodeId>,
    pub parent: crate::model::NodeId,
    pub kind: crate::model::NodeKind,
    pub name: crate::input::Name,
}

/// `PATCH /api/v1/nodes/{id}`: a new name, a new parent, or both at once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NodeEdit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<crate::input::Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<crate::model::NodeId>,
}

/// One tracking number and the person its calls go to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct NumberLine {
    pub number: String,
    pub user: String,
    pub user_name: String,
}

/// `PUT /api/v1/numbers/{number}`: the person whose calls the number rings through to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NumberAssignment {
    pub user: UserId,
}

/// `GET /api/v1/numbers`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct NumberList {
    pub numbers: Vec<NumberLine>,
}

/// `GET /api/v1/agency`: plan, seats and the agency's lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AgencyView {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub plan: crate::model::Plan,
    pub seat_limit: Option<u32>,
    pub seats_used: u32,
    pub monthly_cost_cents: u64,
    pub agent_statuses: Vec<String>,
    pub agent_groups: Vec<String>,
    pub require_two_factor: bool,
    /// Minutes without use after which sessions end; `None`: the platform's three days.
    #[serde(default)]
    pub session_idle_minutes: Option<u32>,
}

/// `PATCH /api/v1/agency`: the agency's lists and whether two-factor sign-in is required;
/// what is left out stays as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AgencySettingsEdit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_statuses: Option<Vec<crate::input::Name>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_groups: Option<Vec<crate::input::Name>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_two_factor: Option<bool>,
    /// Minutes without use after which sessions end (5 to 4,320); 0 goes back to the
    /// platform's three days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_idle_minutes: Option<u32>,
}

/// `GET /api/v1/campaigns`: the campaigns at nodes where the caller may see campaigns, by
/// name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CampaignList {
    pub campaigns: Vec<crate::model::Campaign>,
}

/// `POST /api/v1/campaigns` and `PUT /api/v1/campaigns/{id}`: a campaign as its editor
/// sends it. A new campaign may name its own id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CampaignDraft {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<crate::model::CampaignId>,
    pub name: crate::input::Name,
    pub node: crate::model::NodeId,
    #[serde(default)]
    pub agent_groups: Vec<crate::input::Name>,
}

/// The most people one request puts in or takes out of an agent group.
pub const MAX_GROUP_CHANGE: usize = 500;

/// `POST /api/v1/agent-groups/members`: people to put in one agent group and to take out of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GroupMembers {
    pub group: crate::input::Name,
    #[serde(default)]
    pub add: Vec<UserId>,
    #[serde(default)]
    pub remove: Vec<UserId>,
}

/// `GET /api/v1/campaigns/{id}/dialers`: everyone in the campaign's groups, and whether each
/// dials on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct DialerList {
    pub campaign: crate::model::Campaign,
    pub dialers: Vec<crate::campaign::Dialer>,
}

/// `POST /api/v1/agency/owner`: the member the owner hands the agency to, and (optionally)
/// the id of the Agency Administrator grant they receive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OwnershipTransfer {
    pub to: UserId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant: Option<crate::model::GrantId>,
}

/// `POST /api/v1/support-access`: platform support let in as Administrator until a time
/// (at most 30 days), for a stated reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SupportAccess {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant: Option<crate::model::GrantId>,
    pub email: crate::email::Email,
    pub reason: crate::input::Name,
    pub until: Millis,
}

/// `PUT /api/v1/agency/plan`: the plan the agency moves to (R30).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PlanChange {
    pub plan: crate::model::Plan,
}

/// The most nodes one API token may be scoped to.
pub const MAX_TOKEN_NODES: usize = 20;

/// `POST /api/v1/tokens`: a token for scripts, narrowed to some capabilities at some nodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: crate::input::Name,
    #[cfg_attr(feature = "openapi", schemars(extend("minItems" = 1)))]
    pub capabilities: crate::access::CapabilitySet,
    #[cfg_attr(feature = "openapi", schemars(length(min = 1, max = MAX_TOKEN_NODES)))]
    pub nodes: Vec<crate::model::NodeId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<crate::model::Millis>,
}

/// An API token as listed: never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub capabilities: crate::access::CapabilitySet,
    pub nodes: Vec<String>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
}

/// `POST /api/v1/tokens`: the new token, with its secret shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TokenCreated {
    pub token: TokenInfo,
    pub secret: String,
}

/// `GET /api/v1/tokens`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TokenList {
    pub tokens: Vec<TokenInfo>,
}

/// The most questions one `POST /api/v1/check` asks.
pub const MAX_QUESTIONS: usize = 1_000;

/// `POST /api/v1/check`: questions the call-tracking platform asks about the agency's people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    #[cfg_attr(feature = "openapi", schemars(length(min = 1, max = MAX_QUESTIONS)))]
    pub questions: Vec<Question>,
}

/// May `user` use `capability` at `node`? With a capability that shows calls, leads or
/// messages (`calls.view.all` or `calls.view.own`, …) the question is about one record at
/// `node`, routed or assigned to `owner` (none when absent): whether the person sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub user: UserId,
    pub capability: crate::access::Capability,
    pub node: crate::model::NodeId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<UserId>,
}

impl Question {
    /// The answer, decided on `snapshot` (which must hold the person and the node) at `now`.
    /// A person or node the agency does not have is answered `unknown` (R2).
    pub fn answer(&self, snapshot: &crate::snapshot::Snapshot, now: Millis) -> Checked {
        use crate::explain::{Record, RecordKind};
        let explanation = match RecordKind::viewed_by(self.capability) {
            Some(kind) => snapshot.explain_record(
                &self.user,
                &Record {
                    kind,
                    node: self.node.clone(),
                    owner: self.owner.clone(),
                },
                now,
            ),
            None => snapshot.explain(&self.user, self.capability, &self.node, now),
        };
        Checked {
            allowed: explanation.allowed(),
            explanation,
        }
    }
}

/// One answer of `POST /api/v1/check`, in the order of the questions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Checked {
    pub allowed: bool,
    /// The grants that allow it, or the nearest thing missing.
    pub explanation: crate::explain::Explanation,
}

/// `POST /api/v1/check`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CheckAnswers {
    pub answers: Vec<Checked>,
}

/// `GET /api/v1/filter?user=&kind=`: the records of a kind a person sees, as the nodes where
/// they see every record and those where they see only their own:
/// `node IN (all) OR (owner = user AND node IN (own))`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RecordFilterAnswer {
    pub user: UserId,
    pub kind: crate::explain::RecordKind,
    pub all: Vec<crate::model::NodeId>,
    pub own: Vec<crate::model::NodeId>,
}

/// `POST /api/v1/service-tokens`: a token for the platform to ask `check` and `filter` with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewServiceToken {
    pub name: crate::input::Name,
}

/// A service token as listed: never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ServiceTokenInfo {
    pub id: String,
    pub name: String,
    /// Who made it (their name when they made it).
    pub created_by: String,
    pub created_at: Millis,
    pub last_used_at: Option<Millis>,
}

/// `POST /api/v1/service-tokens`: the new token, with its secret shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ServiceTokenCreated {
    pub token: ServiceTokenInfo,
    pub secret: String,
}

/// `GET /api/v1/service-tokens`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ServiceTokenList {
    pub tokens: Vec<ServiceTokenInfo>,
}

/// The longest webhook address accepted.
pub const MAX_WEBHOOK_URL: usize = 2_000;

/// `POST /api/v1/webhooks`: an HTTPS address to deliver every change to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    #[cfg_attr(feature = "openapi", schemars(length(min = 9, max = MAX_WEBHOOK_URL)))]
    pub url: String,
}

/// A webhook endpoint as listed: never its signing secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct WebhookInfo {
    pub id: String,
    pub url: String,
    pub created_at: Millis,
    /// Messages waiting for their first or next attempt.
    pub pending: u32,
    /// Messages given up after every attempt failed.
    pub failed: u32,
}

/// `POST /api/v1/webhooks`: the endpoint, with its signing secret (`whsec_…`) shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct WebhookCreated {
    pub endpoint: WebhookInfo,
    pub secret: String,
}

/// `GET /api/v1/webhooks`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct WebhookList {
    pub endpoints: Vec<WebhookInfo>,
}

/// Where one message stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its first or next attempt.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt failed; a replay sends it again.
    Failed,
}

/// One message to one endpoint: a change, signed and sent until the endpoint takes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Delivery {
    /// The `webhook-id` the endpoint receives, the same on every attempt.
    pub id: String,
    pub endpoint: String,
    /// The change, as the audit log names it (`state_changed`, `granted`, …).
    pub r#type: String,
    /// The name of what it was about, as it was then.
    pub about: Option<String>,
    pub created_at: Millis,
    pub state: DeliveryState,
    pub attempts: u32,
    pub next_attempt_at: Option<Millis>,
    /// The last attempt's HTTP status, or why it had none.
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
}

/// `GET /api/v1/webhooks/deliveries`: the most recent messages, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct DeliveryList {
    pub deliveries: Vec<Delivery>,
}

/// `POST /api/v1/users/import`: add many people from a file (or from rows fixed in place),
/// checked line by line; with `dry_run`, only the check.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schemars(extend("oneOf" = [
        { "required": ["csv"], "properties": { "csv": { "type": "string" } } },
        { "required": ["rows"], "properties": { "rows": { "type": "array" } } },
    ])))]
pub struct ImportRequest {
    /// The file's text, CSV; or `rows`, not both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csv: Option<String>,
    /// People already read from a file, each with its line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<Vec<crate::import::Row>>,
    /// Invitations, or people who only receive notifications.
    #[serde(default)]
    pub mode: crate::import::Mode,
    /// The role of every line without its own: a role's name or a custom role's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The node of every line without its own: its id or its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// The country whose national format numbers without `+` are read in; `US` if none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<crate::agent::Country>,
    /// Check every line and save nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// The import's id, chosen by the caller so that sending lines again adds nobody twice;
    /// a fresh one if none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<String>,
}

/// The answer to an import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ImportReport {
    pub import: String,
    pub dry_run: bool,
    /// Whether the file's first line named its columns.
    pub header: bool,
    pub summary: ImportSummary,
    pub lines: Vec<ImportLine>,
}

/// `POST /api/v1/users`: invite a person with one role at one node (R21). The ids may be
/// chosen by the caller, so that sending the same request twice adds the person once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant: Option<crate::model::GrantId>,
    pub email: crate::email::Email,
    pub name: crate::input::Name,
    pub role: crate::model::RoleRef,
    pub node: crate::model::NodeId,
}

/// `POST /api/v1/notification-users`: someone who only receives notifications (R16).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewNotificationPerson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant: Option<crate::model::GrantId>,
    pub email: crate::email::Email,
    pub name: crate::input::Name,
    pub node: crate::model::NodeId,
}

/// `PATCH /api/v1/users/{id}`: a person's name and address, and their switches (R4).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonEdit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<crate::input::Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<crate::email::Email>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calling_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_edit: Option<bool>,
}

/// `POST /api/v1/users/{id}/grants`: a role at a node, optionally between two times.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewGrant {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<crate::model::GrantId>,
    pub role: crate::model::RoleRef,
    pub node: crate::model::NodeId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<crate::model::Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<crate::model::Millis>,
}

/// `PATCH /api/v1/grants/{id}`: another role at the same node (R13).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    pub role: crate::model::RoleRef,
}

/// `GET /api/v1/users/{id}/access`: what the person may do where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct UserAccess {
    pub user: UserId,
    pub access: Vec<crate::explain::AccessAt>,
}

/// `POST /api/v1/invitations/accept`: the link's token and the new password (R21, R22).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AcceptInvitation {
    pub token: String,
    /// A new password (R22), or the one of the account the person already has.
    #[cfg_attr(feature = "openapi", schemars(length(min = 1, max = crate::input::Password::MAX)))]
    pub password: String,
}

/// What a decided and written command did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CommandOutcome {
    pub events: Vec<crate::event::Event>,
}

/// One line of the audit log as the API shows it (R25).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AuditLine {
    pub at: i64,
    pub actor: String,
    /// The actor's name when the entry was written; it stays after they are deleted (R24).
    #[serde(default)]
    pub actor_name: Option<String>,
    pub action: String,
    pub target: String,
    /// The target's name when the entry was written (a grant's: its holder's).
    #[serde(default)]
    pub target_name: Option<String>,
    pub before: Option<crate::audit::Subject>,
    pub after: Option<crate::audit::Subject>,
}

/// `GET /api/v1/audit`: entries, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditLine>,
    /// The cursor of the next (older) page, if there is one.
    #[serde(default)]
    pub next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_sort_keeps_the_list_order() {
        let row = |id: &str, name: &str| {
            UserSummary::new(UserId(id.into()), name, "", UserState::Active, vec![])
        };
        let mut rows = vec![
            row("u3", "bo"),
            row("u2", "Bo"),
            row("u1", "ann"),
            row("u4", "Ann"),
            row("u0", "Émile"),
            row("u5", "zed"),
        ];
        let mut expected = rows.clone();
        expected.sort_by(UserSummary::list_order);
        UserSummary::sort_for_list(&mut rows);
        assert_eq!(rows, expected);
    }

    #[test]
    fn a_problem_names_its_type_field_as_rfc_9457_does() {
        let problem = Problem {
            kind: "about:blank".into(),
            title: "Unauthorized".into(),
            status: 401,
            detail: "Sign in first.".into(),
            rule: None,
            errors: vec![],
        };
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(json["type"], "about:blank");
        assert!(
            json.get("errors").is_none(),
            "empty field errors are left out"
        );
    }

    #[test]
    fn user_states_travel_in_snake_case() {
        let user = UserSummary::new(
            UserId("u1".into()),
            "Ada",
            "ada@example.com",
            UserState::NotificationOnly,
            vec![],
        );
        let json = serde_json::to_value(&user).unwrap();
        assert_eq!(json["state"], "notification_only");
    }
}
