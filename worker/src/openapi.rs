//! The OpenAPI 3.1 document, written from the route table and the wire types of
//! `domain::api` (their JSON Schema comes from `schemars`, with `domain`'s `openapi` feature).
//!
//! [`operation`] says, for every [`Route`], what it is for, what it reads and what it answers;
//! the match has no wildcard, so a new route cannot go undocumented. The test at the end
//! writes the document again and fails when it differs from `openapi.json`, the file the
//! Worker serves; `SWITCHBOARD_WRITE_OPENAPI=1 cargo test -p switchboard-worker openapi`
//! rewrites the file.

use std::collections::BTreeMap;

use domain::api::{self as api};
use domain::command::Command;
use domain::sync::{PullResponse, PushRequest, PushResponse};
use schemars::generate::{Contract, SchemaSettings};
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::route::{ROUTES, Route};

/// Writes the schema of a type into a generator and answers the reference to it.
type SchemaOf = fn(&mut SchemaGenerator) -> Value;

fn of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    generator.subschema_for::<T>().to_value()
}

/// What an operation answers when it succeeds.
enum Answer {
    /// No body (204).
    Empty,
    /// JSON of a type of `domain::api`.
    Json(SchemaOf),
    /// JSON that only development tools read, described as any JSON.
    AnyJson,
    /// CSV text.
    Csv,
}

/// A query parameter.
struct Param {
    name: &'static str,
    description: &'static str,
    schema: fn() -> Value,
    required: bool,
}

/// One operation of the API.
struct Op {
    summary: &'static str,
    tag: &'static str,
    public: bool,
    body: Option<SchemaOf>,
    status: u16,
    description: &'static str,
    answer: Answer,
    errors: &'static [u16],
    query: Vec<Param>,
}

impl Op {
    fn new(tag: &'static str, summary: &'static str) -> Self {
        Op {
            summary,
            tag,
            public: false,
            body: None,
            status: 200,
            description: "",
            answer: Answer::Empty,
            errors: &[],
            query: Vec::new(),
        }
    }

    fn ok(mut self, status: u16, description: &'static str, answer: Answer) -> Self {
        self.status = status;
        self.description = description;
        self.answer = answer;
        self
    }

    fn public(mut self) -> Self {
        self.public = true;
        self
    }

    fn body(mut self, body: SchemaOf) -> Self {
        self.body = Some(body);
        self
    }

    fn errors(mut self, errors: &'static [u16]) -> Self {
        self.errors = errors;
        self
    }

    fn query(mut self, params: impl IntoIterator<Item = Param>) -> Self {
        self.query.extend(params);
        self
    }
}

fn param(name: &'static str, description: &'static str, schema: fn() -> Value) -> Param {
    Param {
        name,
        description,
        schema,
        required: false,
    }
}

fn required(name: &'static str, description: &'static str, schema: fn() -> Value) -> Param {
    Param {
        required: true,
        ..param(name, description, schema)
    }
}

/// A query value: at most 200 characters, as every route reads them.
fn text() -> Value {
    json!({ "type": "string", "maxLength": 200 })
}

fn id_text() -> Value {
    json!({ "type": "string", "pattern": domain::input::ID_PATTERN })
}

fn millis() -> Value {
    json!({ "type": "integer", "minimum": 0, "maximum": 8_640_000_000_000_000_i64,
            "description": "Unix milliseconds" })
}

fn cursor() -> Param {
    param(
        "after",
        "The `next` cursor of the previous page, as it was answered.",
        || json!({ "type": "string", "pattern": "^([0-9a-f]{2})+$", "maxLength": 200 }),
    )
}

fn limit(max: u32) -> Param {
    Param {
        name: "limit",
        description: "How many to answer at most.",
        schema: match max {
            200 => || json!({ "type": "integer", "minimum": 1, "maximum": 200 }),
            500 => || json!({ "type": "integer", "minimum": 1, "maximum": 500 }),
            _ => || json!({ "type": "integer", "minimum": 1, "maximum": 10_000 }),
        },
        required: false,
    }
}

fn audit_filters(max: u32) -> Vec<Param> {
    vec![
        param("actor", "Entries by this person", text),
        param("target", "Entries about this id", text),
        param(
            "about",
            "Entries about this person: those whose target they are, and changes to their grants",
            text,
        ),
        param("action", "An action, like granted or state_changed", text),
        param("since", "Entries at or after this time", millis),
        param("until", "Entries before this time", millis),
        limit(max),
        cursor(),
    ]
}

/// Every route's operation.
fn operation(route: Route) -> Op {
    use Answer::{AnyJson, Csv, Empty, Json};
    match route {
        Route::Health => Op::new("Service", "Build version and database schema version")
            .ok(200, "Running", Json(of::<api::Health>))
            .public(),
        Route::OpenApi => Op::new("Service", "This document")
            .ok(200, "OpenAPI 3.1", AnyJson)
            .public(),
        Route::SignIn => Op::new(
            "Session",
            "Sign in with e-mail and password, to the agency named or the one used last",
        )
        .ok(
            200,
            "Signed in; sets the session cookie",
            Json(of::<api::Me>),
        )
        .public()
        .body(of::<api::SignInRequest>)
        .errors(&[401, 403, 422, 429]),
        Route::SignOut => {
            Op::new("Session", "Sign out of this session").ok(204, "Signed out", Empty)
        }
        Route::SignOutEverywhere => Op::new(
            "Session",
            "Sign out everywhere: end every session of the signed-in person",
        )
        .ok(204, "Every session ended", Empty),
        Route::SwitchAgency => Op::new(
            "Session",
            "Move this sign-in to another of one's agencies (no password); the old session ends",
        )
        .ok(
            200,
            "Signed in there; sets the new session cookie",
            Json(of::<api::Me>),
        )
        .body(of::<api::SwitchAgency>)
        .errors(&[403, 422]),
        Route::Me => {
            Op::new("Session", "The signed-in person").ok(200, "The person", Json(of::<api::Me>))
        }
        Route::MyAgencies => Op::new(
            "Session",
            "The agencies the signed-in person may switch to, this one first",
        )
        .ok(200, "The agencies", Json(of::<api::MyAgencies>)),
        Route::MySessions => Op::new(
            "Session",
            "The signed-in person's sessions in all their agencies, most recently used first",
        )
        .ok(200, "The sessions", Json(of::<api::MySessions>)),
        Route::EndMySession => Op::new("Session", "End one of one's own sessions")
            .ok(204, "Ended", Empty)
            .errors(&[404]),
        Route::ChangePassword => Op::new(
            "Account",
            "Change one's own password (R22); every other session ends",
        )
        .ok(200, "Changed", Json(of::<api::Notice>))
        .body(of::<api::ChangePassword>)
        .errors(&[422, 429]),
        Route::ChangeEmail => Op::new(
            "Account",
            "Ask to change one's own address; a link mailed to the new one confirms it",
        )
        .ok(202, "The link is on its way", Json(of::<api::Notice>))
        .body(of::<api::ChangeEmail>)
        .errors(&[422, 429]),
        Route::ConfirmEmail => Op::new("Account", "Confirm a new address with its mailed link")
            .ok(
                200,
                "The address is changed in every agency of the person",
                Json(of::<api::Notice>),
            )
            .public()
            .body(of::<api::LinkToken>)
            .errors(&[409, 410, 422]),
        Route::ForgotPassword => Op::new(
            "Account",
            "Mail a single-use link, valid one hour, to reset a forgotten password; the answer \
             is the same for any address",
        )
        .ok(
            202,
            "If the address has an account, a link is on its way",
            Json(of::<api::Notice>),
        )
        .public()
        .body(of::<api::ForgotPassword>)
        .errors(&[422, 429]),
        Route::ResetPassword => Op::new(
            "Account",
            "Set a new password with a reset link; every session of the person ends",
        )
        .ok(200, "Changed", Json(of::<api::Notice>))
        .public()
        .body(of::<api::ResetPassword>)
        .errors(&[410, 422]),
        Route::TotpSetup => Op::new(
            "Account",
            "Start two-factor sign-in: a new TOTP secret and otpauth link (off until confirmed)",
        )
        .ok(200, "The secret", Json(of::<api::TotpSetup>))
        .errors(&[409]),
        Route::TotpConfirm => Op::new(
            "Account",
            "Confirm with a current code; two-factor sign-in is then required for this person",
        )
        .ok(204, "On", Empty)
        .body(of::<api::TotpCode>)
        .errors(&[409, 422]),
        Route::PreviewInvitation => Op::new(
            "Invitations",
            "Which agency an invitation link is for, and whether its person already has an \
             account (then they accept with their password)",
        )
        .ok(
            200,
            "What the link is for",
            Json(of::<api::InvitationPreview>),
        )
        .public()
        .body(of::<api::LinkToken>)
        .errors(&[410, 422]),
        Route::AcceptInvitation => Op::new(
            "Invitations",
            "Accept an invitation: a new password, or one's existing password for someone who \
             has an account; signs in to that agency",
        )
        .ok(200, "Signed in", Json(of::<api::Me>))
        .public()
        .body(of::<api::AcceptInvitation>)
        .errors(&[401, 403, 410, 422, 429]),
        Route::ListInvitations => Op::new(
            "Invitations",
            "Pending invitations the caller may see, with their expiry",
        )
        .ok(
            200,
            "Pending invitations, oldest first, and the cursor of the next page",
            Json(of::<api::InvitationList>),
        )
        .errors(&[403, 422])
        .query([limit(200), cursor()]),
        Route::Command => Op::new(
            "People",
            "Any change, as a domain command; decided against the agency's current state and \
             written with its audit entries",
        )
        .ok(200, "Decided and written", Json(of::<api::CommandOutcome>))
        .body(of::<Command>)
        .errors(&[403, 404, 409, 422]),
        Route::ListUsers => Op::new(
            "People",
            "A page of the people the caller may see (R1, R10), with their grants inside that \
             reach",
        )
        .ok(200, "A page of people", Json(of::<api::UsersPage>))
        .errors(&[403, 422])
        .query([
            param("q", "Part of a name or e-mail address", text),
            param(
                "state",
                "People in this state",
                || json!({ "enum": ["invited", "active", "suspended", "notification_only"] }),
            ),
            param("role", "A built-in role's name or a custom role's id", text),
            param("node", "People with a grant at or under this node", text),
            param("group", "People in this agent group", text),
            param(
                "sort",
                "The order, descending with a leading -",
                || json!({ "enum": ["name", "-name", "email", "-email", "created", "-created"] }),
            ),
            limit(200),
            cursor(),
        ]),
        Route::Invite => Op::new(
            "People",
            "Invite a person with one role at one node (R21); the invitation mail goes to the \
             outbox in the same write",
        )
        .ok(201, "Invited", Json(of::<api::CommandOutcome>))
        .body(of::<api::NewPerson>)
        .errors(&[403, 404, 409, 422]),
        Route::ImportUsers => Op::new(
            "People",
            "Add many people from a CSV file (or rows fixed in place), each line decided as a \
             single add; with dry_run, only the check. Lines: email, first name, last name[, \
             receiving number[, role[, account]]], or columns named by a header row. At most \
             10,000 lines and 5 MB.",
        )
        .ok(
            200,
            "Every line's outcome, and the counts",
            Json(of::<api::ImportReport>),
        )
        .body(of::<api::ImportRequest>)
        .errors(&[403, 422]),
        Route::GetUser => Op::new(
            "People",
            "One person and the grants of theirs the caller may see; a deleted person, for \
             those who read the audit log, with their history (R24)",
        )
        .ok(200, "The person", Json(of::<api::UserDetail>))
        .errors(&[403, 404, 409, 422]),
        Route::EditUser => Op::new(
            "People",
            "Change name and address, and the dialer and contact-edit switches (R4)",
        )
        .ok(200, "Changed", Json(of::<api::CommandOutcome>))
        .body(of::<api::PersonEdit>)
        .errors(&[403, 404, 409, 422]),
        Route::DeleteUser => Op::new(
            "People",
            "Delete a person, handing their leads, numbers and router places to another first \
             (R24)",
        )
        .ok(200, "Deleted", Json(of::<api::CommandOutcome>))
        .errors(&[403, 404, 409, 422])
        .query([param(
            "reassign_to",
            "The person who takes over their work",
            id_text,
        )]),
        Route::EditSettings => Op::new("People", "Replace the person's agent settings (§7)")
            .ok(200, "Changed", Json(of::<api::CommandOutcome>))
            .body(of::<domain::AgentSettings>)
            .errors(&[403, 404, 409, 422]),
        Route::Suspend => Op::new(
            "People",
            "Suspend a person (R23): their sessions stop on the next request",
        )
        .ok(200, "Suspended", Json(of::<api::CommandOutcome>))
        .errors(&[403, 404, 409, 422]),
        Route::Unsuspend => Op::new("People", "Restore a suspended person")
            .ok(200, "Active again", Json(of::<api::CommandOutcome>))
            .errors(&[403, 404, 409, 422]),
        Route::ResendInvitation => Op::new(
            "People",
            "Send a new invitation link; the old one stops working (R21)",
        )
        .ok(200, "Sent", Json(of::<api::CommandOutcome>))
        .errors(&[403, 404, 409, 422]),
        Route::RevokeInvitation => Op::new("People", "Revoke a pending invitation (R21)")
            .ok(200, "Revoked", Json(of::<api::CommandOutcome>))
            .errors(&[403, 404, 409, 422]),
        Route::Access => Op::new(
            "People",
            "What the person may do where (effective access, §9)",
        )
        .ok(200, "Capabilities per node", Json(of::<api::UserAccess>))
        .errors(&[404]),
        Route::AddNotificationUser => Op::new(
            "People",
            "Add someone who only receives notifications and never signs in (R16)",
        )
        .ok(201, "Added", Json(of::<api::CommandOutcome>))
        .body(of::<api::NewNotificationPerson>)
        .errors(&[403, 404, 409, 422]),
        Route::GroupMembers => Op::new(
            "People",
            "Put people in an agent group and take others out, all or nothing (users.edit over \
             each)",
        )
        .ok(200, "Changed", Json(of::<api::CommandOutcome>))
        .body(of::<api::GroupMembers>)
        .errors(&[403, 404, 409, 422]),
        Route::AddGrant => Op::new(
            "Grants",
            "Give the person a role at a node, optionally between two times (R3, R11, R12)",
        )
        .ok(201, "Granted", Json(of::<api::CommandOutcome>))
        .body(of::<api::NewGrant>)
        .errors(&[403, 404, 409, 422]),
        Route::ChangeGrant => Op::new(
            "Grants",
            "Promote or demote: another role at the same node (R13)",
        )
        .ok(200, "Changed", Json(of::<api::CommandOutcome>))
        .body(of::<api::RoleChange>)
        .errors(&[403, 404, 409, 422]),
        Route::RemoveGrant => Op::new("Grants", "Take a grant away")
            .ok(200, "Revoked", Json(of::<api::CommandOutcome>))
            .errors(&[403, 404, 409, 422]),
        Route::Explain => Op::new(
            "Grants",
            "Why a person may or may not do something at a node (§9)",
        )
        .ok(
            200,
            "The explanation",
            Json(of::<domain::explain::Explanation>),
        )
        .errors(&[404, 422])
        .query([
            required("user", "A person's id", text),
            required(
                "capability",
                "A capability",
                || json!({ "$ref": "#/components/schemas/Capability" }),
            ),
            required("node", "A node's id", text),
        ]),
        Route::ListRoles => Op::new(
            "Roles",
            "Built-in roles and the agency's custom roles, with their capabilities",
        )
        .ok(200, "Roles", Json(of::<api::RoleList>)),
        Route::CreateRole => Op::new("Roles", "Define a custom role (R20)")
            .ok(201, "Defined", Json(of::<api::CommandOutcome>))
            .body(of::<api::RoleDefinition>)
            .errors(&[403, 409, 422]),
        Route::EditRole => Op::new("Roles", "Rename a custom role and replace its capabilities")
            .ok(200, "Changed", Json(of::<api::CommandOutcome>))
            .body(of::<api::RoleDefinition>)
            .errors(&[403, 404, 409, 422]),
        Route::DeleteRole => Op::new("Roles", "Delete a custom role nobody holds")
            .ok(200, "Deleted", Json(of::<api::CommandOutcome>))
            .errors(&[403, 404, 409, 422]),
        Route::ListNodes => Op::new(
            "Account tree",
            "The account tree under the caller's grants, with the path to each from the root",
        )
        .ok(200, "Nodes", Json(of::<api::NodeList>)),
        Route::CreateNode => Op::new(
            "Account tree",
            "Create an account, group, subgroup or location (R15)",
        )
        .ok(201, "Created", Json(of::<api::CommandOutcome>))
        .body(of::<api::NewNode>)
        .errors(&[403, 404, 409, 422]),
        Route::EditNode => Op::new("Account tree", "Rename or move a node")
            .ok(200, "Changed", Json(of::<api::CommandOutcome>))
            .body(of::<api::NodeEdit>)
            .errors(&[403, 404, 409, 422]),
        Route::DeleteNode => Op::new("Account tree", "Delete an empty node")
            .ok(200, "Deleted", Json(of::<api::CommandOutcome>))
            .errors(&[403, 404, 409, 422]),
        Route::ListNumbers => Op::new(
            "Numbers",
            "Tracking numbers whose person the caller may see with numbers.view",
        )
        .ok(200, "Numbers", Json(of::<api::NumberList>))
        .errors(&[403]),
        Route::AssignNumber => Op::new(
            "Numbers",
            "Send a tracking number's calls to another person (a number has one destination)",
        )
        .ok(200, "Assigned", Json(of::<api::CommandOutcome>))
        .body(of::<api::NumberAssignment>)
        .errors(&[403, 404, 409, 422]),
        Route::ListCampaigns => Op::new(
            "Campaigns",
            "The campaigns at nodes where the caller may see campaigns (campaigns.view), by name",
        )
        .ok(200, "Campaigns", Json(of::<api::CampaignList>))
        .errors(&[403]),
        Route::CreateCampaign => Op::new(
            "Campaigns",
            "Create a campaign at a node where the caller has campaigns.manage",
        )
        .ok(201, "Created", Json(of::<api::CommandOutcome>))
        .body(of::<api::CampaignDraft>)
        .errors(&[403, 404, 409, 422]),
        Route::EditCampaign => Op::new(
            "Campaigns",
            "Replace a campaign's name, node and agent groups (campaigns.manage where it is and \
             where it goes)",
        )
        .ok(200, "Saved", Json(of::<api::CommandOutcome>))
        .body(of::<api::CampaignDraft>)
        .errors(&[403, 404, 409, 422]),
        Route::DeleteCampaign => Op::new(
            "Campaigns",
            "Delete a campaign; its groups and their members stay",
        )
        .ok(200, "Deleted", Json(of::<api::CommandOutcome>))
        .errors(&[403, 404]),
        Route::CampaignDialers => Op::new(
            "Campaigns",
            "Everyone in the campaign's agent groups, and whether each dials on it (and why not)",
        )
        .ok(200, "Dialers", Json(of::<api::DialerList>))
        .errors(&[403, 404]),
        Route::Agency => Op::new(
            "Agency",
            "Plan, seats in use and their cost, agent statuses and groups, two-factor \
             requirement, inactivity limit of sessions",
        )
        .ok(200, "The agency", Json(of::<api::AgencyView>)),
        Route::ConfigureAgency => Op::new(
            "Agency",
            "Replace agent statuses or groups (people and campaigns come off what leaves a \
             list); require two-factor sign-in or stop; end sessions after inactivity",
        )
        .ok(200, "Changed", Json(of::<api::CommandOutcome>))
        .body(of::<api::AgencySettingsEdit>)
        .errors(&[403, 409, 422]),
        Route::ChangePlan => Op::new(
            "Agency",
            "Change the plan (R30); refused below the seats in use",
        )
        .ok(200, "Changed", Json(of::<api::CommandOutcome>))
        .body(of::<api::PlanChange>)
        .errors(&[403, 409, 422]),
        Route::SeatPreview => Op::new(
            "Agency",
            "Seats and monthly cost before and after a command, decided as it would be saved, \
             without saving it",
        )
        .ok(200, "The preview", Json(of::<domain::seats::SeatPreview>))
        .body(of::<Command>)
        .errors(&[403, 404, 409, 422]),
        Route::TransferOwnership => Op::new(
            "Agency",
            "The owner hands the agency to another active member",
        )
        .ok(200, "Transferred", Json(of::<api::CommandOutcome>))
        .body(of::<api::OwnershipTransfer>)
        .errors(&[403, 404, 409, 422]),
        Route::SupportAccess => Op::new(
            "Agency",
            "Let platform support in as Administrator until a time, for a stated reason",
        )
        .ok(201, "Granted", Json(of::<api::CommandOutcome>))
        .body(of::<api::SupportAccess>)
        .errors(&[403, 409, 422]),
        Route::Audit => Op::new(
            "Audit",
            "The audit log (R25), newest first, filtered and paged; for administrators of the \
             agency",
        )
        .ok(200, "Entries", Json(of::<api::AuditPage>))
        .errors(&[403, 422])
        .query(audit_filters(500)),
        Route::AuditCsv => Op::new(
            "Audit",
            "The same entries as CSV (up to 10,000 per file; a Link header names the next)",
        )
        .ok(200, "CSV", Csv)
        .errors(&[403, 422])
        .query(audit_filters(10_000)),
        Route::ListTokens => Op::new("Tokens", "The caller's API tokens (never their secrets)")
            .ok(200, "Tokens", Json(of::<api::TokenList>))
            .errors(&[403]),
        Route::CreateToken => Op::new(
            "Tokens",
            "Create an API token scoped to capabilities and nodes, never wider than the caller \
             (R11); the secret is shown once",
        )
        .ok(
            201,
            "Created; the secret is in this answer only",
            Json(of::<api::TokenCreated>),
        )
        .body(of::<api::NewToken>)
        .errors(&[403, 404, 422]),
        Route::RevokeToken => Op::new("Tokens", "Revoke an API token; its next use fails")
            .ok(204, "Revoked", Empty)
            .errors(&[403, 404]),
        Route::Check => Op::new(
            "Platform",
            "Ask, for up to 1,000 questions at once, whether a person may use a capability at a \
             node; with a capability that shows calls, leads or messages, whether they see one \
             record there routed to `owner`. Answered on the current state, each with the reason; \
             another agency's people and nodes are `unknown` (R2). With a service token, or as \
             an administrator who may connect the platform",
        )
        .ok(
            200,
            "One answer per question, in order",
            Json(of::<api::CheckAnswers>),
        )
        .body(of::<api::CheckRequest>)
        .errors(&[403, 422]),
        Route::Filter => Op::new(
            "Platform",
            "The records of a kind a person sees, as the nodes where they see every one (`all`) \
             and those where they see only their own (`own`): \
             `node IN (all) OR (owner = user AND node IN (own))`",
        )
        .ok(200, "The filter", Json(of::<api::RecordFilterAnswer>))
        .errors(&[403, 404, 422])
        .query([
            required("user", "A person's id", id_text),
            required(
                "kind",
                "The kind of record",
                || json!({ "$ref": "#/components/schemas/RecordKind" }),
            ),
        ]),
        Route::ListServiceTokens => Op::new(
            "Platform",
            "The agency's service tokens (never their secrets)",
        )
        .ok(200, "Service tokens", Json(of::<api::ServiceTokenList>))
        .errors(&[403]),
        Route::CreateServiceToken => Op::new(
            "Platform",
            "Make a service token for the platform: it asks `check` and `filter` about anyone \
             in the agency and changes nothing; the secret is shown once",
        )
        .ok(
            201,
            "Created; the secret is in this answer only",
            Json(of::<api::ServiceTokenCreated>),
        )
        .body(of::<api::NewServiceToken>)
        .errors(&[403, 422]),
        Route::RevokeServiceToken => Op::new(
            "Platform",
            "Revoke a service token; its next question is refused",
        )
        .ok(204, "Revoked", Empty)
        .errors(&[403, 404]),
        Route::ListWebhooks => Op::new(
            "Platform",
            "The agency's webhook endpoints, with their waiting and failed messages",
        )
        .ok(200, "Endpoints", Json(of::<api::WebhookList>))
        .errors(&[403]),
        Route::AddWebhook => Op::new(
            "Platform",
            "Register an HTTPS endpoint to receive every change, signed as Standard Webhooks \
             says; the signing secret is shown once",
        )
        .ok(
            201,
            "Registered; the secret is in this answer only",
            Json(of::<api::WebhookCreated>),
        )
        .body(of::<api::NewWebhook>)
        .errors(&[403, 409, 422]),
        Route::RemoveWebhook => Op::new(
            "Platform",
            "Remove a webhook endpoint and its undelivered messages",
        )
        .ok(204, "Removed", Empty)
        .errors(&[403, 404]),
        Route::Deliveries => Op::new(
            "Platform",
            "The most recent webhook messages, newest first, with where each stands",
        )
        .ok(200, "Messages", Json(of::<api::DeliveryList>))
        .errors(&[403, 422])
        .query([
            param("endpoint", "Only the messages to this endpoint", id_text),
            limit(200),
        ]),
        Route::Replay => Op::new(
            "Platform",
            "Send a webhook message again now, with the same webhook-id and a fresh set of \
             attempts",
        )
        .ok(204, "Sent again", Empty)
        .errors(&[403, 404]),
        Route::SyncPush => Op::new(
            "Sync",
            "Push queued offline mutations, in order; each is decided against the current \
             state, and a repeated mutation id answers its first outcome without applying it \
             again",
        )
        .ok(
            200,
            "The outcome of each mutation decided, in order",
            Json(of::<PushResponse>),
        )
        .body(of::<PushRequest>)
        .errors(&[403, 422]),
        Route::SyncPull => Op::new(
            "Sync",
            "What changed since a version among the people the caller may see now, and who \
             left their sight; a paged reset when the caller's reach changed",
        )
        .ok(200, "Changes or a reset page", Json(of::<PullResponse>))
        .errors(&[403, 422])
        .query([
            param(
                "since",
                "The version of the last pull",
                || json!({ "type": "integer", "minimum": 0, "maximum": 9_007_199_254_740_992_i64 }),
            ),
            param(
                "reach",
                "The reach fingerprint of the last pull",
                || json!({ "type": "string", "pattern": "^[0-9a-fA-F]{16}$" }),
            ),
            cursor(),
        ]),
        Route::Outbox => Op::new("Development", "Queued mail, in local development only")
            .ok(200, "The latest mail", AnyJson)
            .public()
            .errors(&[404]),
        Route::Kept => Op::new(
            "Development",
            "Development only: every kept column of an agency (people's roles and access, the \
             seat and administrator counts) compared with domain's computation from the tables",
        )
        .ok(
            200,
            "The differences found (none when the triggers kept everything exact)",
            AnyJson,
        )
        .public()
        .errors(&[404, 422])
        .query([required("agency", "The agency's id", text)]),
        Route::Noop => Op::new(
            "Development",
            "Development only: answers at once and reads nothing (the benchmark's floor)",
        )
        .ok(200, "ok", AnyJson)
        .errors(&[404]),
    }
}

/// Every status's meaning, for the answers that carry a problem.
fn status_text(status: u16) -> &'static str {
    match status {
        400 => "The request could not be read: malformed JSON, a wrong field, a bad query",
        401 => "Not signed in, or the session or token has ended",
        403 => "Not allowed: the caller may not do this, or the request came from another site",
        404 => "Nothing the caller may see has that id",
        409 => "The change conflicts with the current state",
        410 => "The link has expired or was already used",
        413 => "The body is larger than this route reads",
        415 => "The body is not JSON",
        422 => "The request was read, and a value in it is not acceptable",
        429 => "Too many attempts; try again later",
        _ => "Refused",
    }
}

/// The whole document.
pub fn document() -> Value {
    // A request's schema is what the Worker reads (a field with a default may be left out);
    // an answer's is what it writes. The two contracts may differ for one type, so each
    // has its own generator, and names that differ between them are told apart.
    let settings = |contract| {
        SchemaSettings::draft2020_12().with(|s| {
            s.definitions_path = "#/components/schemas/".into();
            s.meta_schema = None;
            s.contract = contract;
        })
    };
    let mut reading = SchemaGenerator::new(settings(Contract::Deserialize));
    let mut writing = SchemaGenerator::new(settings(Contract::Serialize));

    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for &(method, pattern, route) in ROUTES {
        let op = operation(route);
        let mut responses = Map::new();
        let content = match op.answer {
            Answer::Empty => None,
            Answer::Json(schema) => {
                Some(json!({ "application/json": { "schema": schema(&mut writing) } }))
            }
            Answer::AnyJson => Some(json!({ "application/json": { "schema": {} } })),
            Answer::Csv => Some(json!({ "text/csv": { "schema": { "type": "string" } } })),
        };
        let mut ok = json!({ "description": op.description });
        if let Some(content) = content {
            ok["content"] = content;
        }
        responses.insert(op.status.to_string(), ok);
        let mut errors: Vec<u16> = op.errors.to_vec();
        // A route for someone signed in refuses no one signed in (401), and a service token
        // everywhere but the platform's own routes (403).
        if !op.public {
            errors.extend([401, 403]);
        }
        // A change sent from another site is refused, signed in or not.
        if method != "GET" {
            errors.push(403);
        }
        if op.body.is_some() {
            errors.extend([400, 413, 415]);
        }
        if !op.query.is_empty() {
            errors.push(400);
        }
        if pattern.contains("{id}") {
            errors.push(404);
        }
        errors.sort_unstable();
        errors.dedup();
        for status in errors {
            responses.insert(
                status.to_string(),
                json!({
                    "description": status_text(status),
                    "content": { "application/problem+json": {
                        "schema": { "$ref": "#/components/schemas/Problem" } } },
                }),
            );
        }
        let mut item = json!({
            "summary": op.summary,
            "tags": [op.tag],
            "operationId": format!("{route:?}"),
            "responses": responses,
        });
        if op.public {
            item["security"] = json!([]);
        }
        if let Some(body) = op.body {
            item["requestBody"] = json!({
                "required": true,
                "content": { "application/json": { "schema": body(&mut reading) } },
            });
        }
        let mut parameters = Vec::new();
        if route == Route::AssignNumber {
            parameters.push(json!({
                "name": "id",
                "in": "path",
                "required": true,
                "description": "The number, in E.164 form.",
                "schema": { "$ref": "#/components/schemas/E164" },
            }));
        } else if pattern.contains("{id}") {
            parameters.push(json!({ "$ref": "#/components/parameters/id" }));
        }
        for p in &op.query {
            parameters.push(json!({
                "name": p.name,
                "in": "query",
                "description": p.description,
                "required": p.required,
                "schema": (p.schema)(),
            }));
        }
        if !parameters.is_empty() {
            item["parameters"] = Value::Array(parameters);
        }
        paths
            .entry(pattern.to_owned())
            .or_default()
            .insert(method.to_lowercase(), item);
    }
    let problem = writing.subschema_for::<api::Problem>();
    debug_assert!(problem.get("$ref").is_some());

    let mut schemas = writing.take_definitions(true);
    let read = reading.take_definitions(true);
    let mut renamed = Vec::new();
    for (name, schema) in &read {
        match schemas.get(name) {
            Some(written) if written != schema => renamed.push(name.clone()),
            _ => {}
        }
    }
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Switchboard API",
            "version": "1",
            "description": "The team-and-access console's API. Every request is authorized \
                against the agency's current state; errors are application/problem+json \
                (RFC 9457). Written from the Worker's route table and the types of \
                `domain::api`: do not edit by hand.",
        },
        "servers": [{ "url": domain::api::API_BASE }],
        "security": [{ "session": [] }, { "token": [] }],
        "paths": paths,
    });
    // A type read and written differently: the read one is `<Name>Input`, and the request
    // bodies and the other read schemas refer to it by that name.
    let mut read = Value::Object(read);
    for name in &renamed {
        for item in doc["paths"].as_object_mut().unwrap().values_mut() {
            for op in item.as_object_mut().unwrap().values_mut() {
                if let Some(body) = op.get_mut("requestBody") {
                    rename_ref(body, name);
                }
            }
        }
        rename_ref(&mut read, name);
    }
    for (name, schema) in read.as_object().unwrap() {
        let key = if renamed.contains(name) {
            format!("{name}Input")
        } else {
            name.clone()
        };
        schemas.entry(key).or_insert_with(|| schema.clone());
    }
    doc["components"] = json!({
        "securitySchemes": {
            "session": { "type": "apiKey", "in": "cookie", "name": api::SESSION_COOKIE },
            "token": {
                "type": "http",
                "scheme": "bearer",
                "description": "An API token made at POST /tokens; it acts for its creator, \
                    narrowed to its capabilities and nodes.",
            },
        },
        "parameters": {
            "id": {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "The id of what the path names.",
                "schema": { "type": "string", "pattern": domain::input::ID_PATTERN },
            },
        },
        "schemas": schemas,
    });
    bound_integers(&mut doc);
    doc
}

/// Gives every integer of a fixed width its bounds, which `schemars` states for some widths
/// only: a number beyond them is a type error to the Worker, so the document says so.
fn bound_integers(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let bounds: Option<(i128, i128)> = match map.get("format").and_then(Value::as_str) {
                Some("uint8") => Some((0, u8::MAX.into())),
                Some("uint16") => Some((0, u16::MAX.into())),
                Some("uint32") => Some((0, u32::MAX.into())),
                Some("uint64") => Some((0, u64::MAX.into())),
                Some("int32") => Some((i32::MIN.into(), i32::MAX.into())),
                Some("int64") => Some((i64::MIN.into(), i64::MAX.into())),
                _ => None,
            };
            if let Some((min, max)) = bounds {
                let number =
                    |n: i128| serde_json::from_str::<Value>(&n.to_string()).expect("a number");
                map.entry("minimum").or_insert_with(|| number(min));
                map.entry("maximum").or_insert_with(|| number(max));
            }
            map.values_mut().for_each(bound_integers);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_integers),
        _ => {}
    }
}

/// Points every `$ref` to `name`'s schema in `value` at `<name>Input` instead.
fn rename_ref(value: &mut Value, name: &str) {
    let from = format!("#/components/schemas/{name}");
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "$ref" && v.as_str() == Some(from.as_str()) {
                    *v = Value::String(format!("{from}Input"));
                } else {
                    rename_ref(v, name);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_ref(v, name)),
        _ => {}
    }
}

/// The document as `openapi.json` holds it.
pub fn written() -> String {
    let mut text = serde_json::to_string_pretty(&document()).expect("JSON");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openapi_json_is_what_the_route_table_and_the_types_make() {
        let made = written();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
        if std::env::var_os("SWITCHBOARD_WRITE_OPENAPI").is_some() {
            std::fs::write(path, &made).expect("write openapi.json");
        }
        let kept = std::fs::read_to_string(path).expect("openapi.json");
        assert!(
            kept == made,
            "worker/openapi.json is not what the types make; write it again with \
             SWITCHBOARD_WRITE_OPENAPI=1 cargo test -p switchboard-worker openapi"
        );
    }
}
