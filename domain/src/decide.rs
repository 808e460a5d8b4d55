//! Every change as a command, decided by one entry point against a snapshot.
//!
//! [`decide`] answers the events to apply, or a [`Refusal`] that names the rule of PRODUCT.md
//! and says in plain words why and what would make it possible. [`Snapshot::apply`] applies
//! the events. Time is an input; nothing here reads a clock.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::access::{BuiltinRole, Capability, CapabilitySet};
use crate::agent::AgentSettings;
use crate::email::Email;
use crate::input::Name;
use crate::model::{
    Campaign, CampaignId, CustomRole, CustomRoleId, DAY, Grant, GrantId, Millis, Node, NodeId,
    NodeKind, Plan, RoleRef, User,
};
use crate::snapshot::Snapshot;
use crate::sync::OfflineCommand;
use crate::user::{UserId, UserState};

/// How long an invitation link holds (R21).
pub const INVITATION_LIFETIME: Millis = 7 * DAY;
/// The longest support access an agency can grant at once (§11).
pub const SUPPORT_ACCESS_LIMIT: Millis = 30 * DAY;

/// The most agent statuses, and the most agent groups, an agency keeps.
pub const MAX_AGENT_LIST: usize = 100;

/// The longest id a command may give to what it creates.
pub const MAX_ID: usize = 100;

/// Whether `id` may name something new: 1 to [`MAX_ID`] ASCII letters, digits, '-' or '_'.
/// A node's id is a step of its path (`/root/…/node/`), where being inside a node means
/// starting with its path: an id holding a '/' would put a node inside one it is not under.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A change someone asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Invite a new person with one role at one node (R21), or invite a notification-only
    /// person to sign in (R16).
    Invite {
        user: UserId,
        grant: GrantId,
        email: Email,
        name: Name,
        role: RoleRef,
        node: NodeId,
    },
    /// Add someone who only receives notifications and never signs in.
    AddNotificationUser {
        user: UserId,
        grant: GrantId,
        email: Email,
        name: Name,
        node: NodeId,
    },
    /// Change a person's name or e-mail address.
    EditProfile {
        user: UserId,
        name: Option<Name>,
        email: Option<Email>,
    },
    /// Replace a person's agent settings (§7).
    EditAgentSettings {
        user: UserId,
        settings: Box<AgentSettings>,
    },
    /// Flip a person's dialer or contact-edit switch (R4).
    SetSwitches {
        user: UserId,
        calling_enabled: Option<bool>,
        contact_edit: Option<bool>,
    },
    /// Give a person a role at a node, optionally between two times.
    Grant {
        grant: GrantId,
        user: UserId,
        role: RoleRef,
        node: NodeId,
        starts_at: Option<Millis>,
        ends_at: Option<Millis>,
    },
    /// Take a grant away.
    Revoke {
        grant: GrantId,
    },
    /// Replace a grant's role with another, larger or smaller (R13).
    ChangeRole {
        grant: GrantId,
        role: RoleRef,
    },
    Suspend {
        user: UserId,
    },
    Unsuspend {
        user: UserId,
    },
    /// Delete a person, first handing their leads, numbers and router places to another (R24).
    Delete {
        user: UserId,
        reassign_to: Option<UserId>,
    },
    ResendInvitation {
        user: UserId,
    },
    RevokeInvitation {
        user: UserId,
    },
    /// The invited person accepts (the Worker has checked the link and the password).
    AcceptInvitation {
        user: UserId,
    },
    CreateNode {
        node: NodeId,
        parent: NodeId,
        kind: NodeKind,
        name: Name,
    },
    RenameNode {
        node: NodeId,
        name: Name,
    },
    MoveNode {
        node: NodeId,
        parent: NodeId,
    },
    DeleteNode {
        node: NodeId,
    },
    DefineRole {
        role: CustomRoleId,
        name: Name,
        capabilities: CapabilitySet,
    },
    EditRole {
        role: CustomRoleId,
        name: Name,
        capabilities: CapabilitySet,
    },
    DeleteRole {
        role: CustomRoleId,
    },
    ChangePlan {
        plan: Plan,
    },
    /// Hand the agency to another person; they become an Agency Administrator at the root.
    TransferOwnership {
        to: UserId,
        grant: GrantId,
    },
    /// Replace the agency's agent statuses or groups, or require (or stop requiring) two-factor
    /// sign-in; fields left out stay as they are.
    ConfigureAgency {
        agent_statuses: Option<Vec<Name>>,
        agent_groups: Option<Vec<Name>>,
        require_two_factor: Option<bool>,
        /// Minutes without use after which sessions end; `Some(0)`: back to the platform's
        /// own limit.
        #[serde(default)]
        session_idle_minutes: Option<u32>,
    },
    /// Let platform support in as Administrator until a set time, for a stated reason.
    GrantSupportAccess {
        user: UserId,
        grant: GrantId,
        email: Email,
        reason: Name,
        until: Millis,
    },
    /// Create a campaign: its name, its node and its agent groups.
    CreateCampaign {
        campaign: CampaignId,
        name: Name,
        node: NodeId,
        agent_groups: Vec<Name>,
    },
    /// Replace a campaign's name, node and agent groups.
    EditCampaign {
        campaign: CampaignId,
        name: Name,
        node: NodeId,
        agent_groups: Vec<Name>,
    },
    DeleteCampaign {
        campaign: CampaignId,
    },
}

/// A change to apply, as decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    UserAdded {
        user: User,
    },
    ProfileChanged {
        user: UserId,
        name: String,
        email: String,
    },
    SwitchesChanged {
        user: UserId,
        calling_enabled: bool,
        contact_edit: bool,
    },
    SettingsChanged {
        user: UserId,
        settings: AgentSettings,
    },
    StateChanged {
        user: UserId,
        state: UserState,
    },
    InvitationIssued {
        user: UserId,
        expires_at: Millis,
    },
    Granted {
        grant: Grant,
    },
    Revoked {
        grant: GrantId,
    },
    RoleChanged {
        grant: GrantId,
        role: RoleRef,
    },
    /// Leads, numbers and router places move from one person to another (R24).
    Reassigned {
        from: UserId,
        to: UserId,
    },
    NodeCreated {
        node: Node,
    },
    NodeRenamed {
        node: NodeId,
        name: String,
    },
    NodeMoved {
        node: NodeId,
        parent: NodeId,
    },
    NodeDeleted {
        node: NodeId,
    },
    RoleDefined {
        role: CustomRole,
    },
    RoleEdited {
        role: CustomRole,
    },
    RoleDeleted {
        role: CustomRoleId,
    },
    PlanChanged {
        plan: Plan,
    },
    AgencyConfigured {
        agent_statuses: Vec<String>,
        agent_groups: Vec<String>,
        require_two_factor: bool,
        #[serde(default)]
        session_idle_minutes: Option<u32>,
    },
    OwnerChanged {
        to: UserId,
    },
    CampaignSaved {
        campaign: Campaign,
    },
    CampaignDeleted {
        campaign: CampaignId,
    },
}

/// The rules of PRODUCT.md that a refusal can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rule {
    R1,
    R2,
    R3,
    R4,
    R10,
    R11,
    R12,
    R13,
    R14,
    R15,
    R16,
    R20,
    R21,
    R22,
    R23,
    R24,
    R25,
    R30,
    R31,
    /// §11: ownership, support access and time-limited grants.
    Beyond,
    /// The request contradicts the current state (a name taken, a node not empty).
    Conflict,
    /// A value is not acceptable.
    Input,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Beyond => f.write_str("§11"),
            Rule::Conflict => f.write_str("conflict"),
            Rule::Input => f.write_str("input"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// A command refused: which rule, and in plain words why and what would make it possible.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub rule: Rule,
    pub reason: String,
}

impl Refusal {
    /// The refusal as the API answers it (RFC 9457): 403 with the reason in words and the rule
    /// in `rule`, 409 for a conflict, 422 for bad input, and for R2 exactly the answer of an id
    /// that never existed.
    pub fn problem(&self) -> crate::api::Problem {
        let (status, title) = match self.rule {
            Rule::R2 => {
                return crate::api::Problem {
                    kind: "about:blank".to_owned(),
                    title: "Not found".to_owned(),
                    status: 404,
                    detail: "There is nothing at this address.".to_owned(),
                    rule: None,
                    errors: Vec::new(),
                };
            }
            Rule::Conflict => (409, "Conflict"),
            Rule::Input => (422, "Invalid request"),
            _ => (403, "Forbidden"),
        };
        // The sentence is for a person; the rule it applies rides beside it.
        crate::api::Problem {
            kind: "about:blank".to_owned(),
            title: title.to_owned(),
            status,
            detail: self.reason.clone(),
            rule: Some(self.rule.to_string()),
            errors: Vec::new(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.reason, self.rule)
    }
}

impl std::error::Error for Refusal {}

pub(crate) fn refuse<T>(rule: Rule, reason: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal {
        rule,
        reason: reason.into(),
    })
}

/// Decides `command` by `actor` at time `now`: the events to apply, or why not.
pub fn decide(
    snapshot: &Snapshot,
    actor: &UserId,
    command: &Command,
    now: Millis,
) -> Result<Vec<Event>, Refusal> {
    Decider {
        s: snapshot,
        actor,
        now,
    }
    .decide(command)
}

/// [`decide`] for the changes the console makes offline ([`OfflineCommand`]): the same checks
/// by the same code, reached without linking every other command into the app.
pub fn decide_offline(
    snapshot: &Snapshot,
    actor: &UserId,
    command: &OfflineCommand,
    now: Millis,
) -> Result<Vec<Event>, Refusal> {
    let decider = Decider {
        s: snapshot,
        actor,
        now,
    };
    decider.active_actor(false)?;
    let events = match command {
        OfflineCommand::Suspend { user } => decider.suspend(user)?,
        OfflineCommand::Unsuspend { user } => decider.unsuspend(user)?,
        OfflineCommand::EditProfile { user, name, email } => {
            decider.edit_profile(user, name.as_ref(), email.as_ref())?
        }
    };
    if Command::from(command.clone()).may_add_seats() {
        decider.seats_after(&events)?;
    }
    Ok(events)
}

pub(crate) struct Decider<'a> {
    pub(crate) s: &'a Snapshot,
    pub(crate) actor: &'a UserId,
    pub(crate) now: Millis,
}

impl Decider<'_> {
    fn caps(&self, node: &NodeId) -> CapabilitySet {
        self.s.capabilities_at(self.actor, node, self.now)
    }

    fn node_name(&self, node: &NodeId) -> String {
        self.s
            .node(node)
            .map_or_else(|| node.0.clone(), |n| n.name.clone())
    }

    fn user(&self, id: &UserId) -> Result<&User, Refusal> {
        match self.s.user(id) {
            Some(user) => Ok(user),
            // R2: another agency's id reads exactly like one that never existed.
            None => refuse(Rule::R2, format!("There is no user {id}")),
        }
    }

    pub(crate) fn node(&self, id: &NodeId) -> Result<&Node, Refusal> {
        match self.s.node(id) {
            Some(node) => Ok(node),
            None => refuse(Rule::R2, format!("There is no account or location {id}")),
        }
    }

    fn grant(&self, id: &GrantId) -> Result<&Grant, Refusal> {
        match self.s.grant(id) {
            Some(grant) => Ok(grant),
            None => refuse(Rule::R2, format!("There is no grant {id}")),
        }
    }

    fn role_caps(&self, role: &RoleRef) -> Result<CapabilitySet, Refusal> {
        match self.s.role_caps(role) {
            Some(caps) => Ok(caps),
            None => refuse(
                Rule::R2,
                format!("There is no role {}", self.s.role_name(role)),
            ),
        }
    }

    pub(crate) fn need(
        &self,
        capability: Capability,
        node: &NodeId,
        rule: Rule,
    ) -> Result<(), Refusal> {
        if self.caps(node).contains(capability) {
            return Ok(());
        }
        refuse(
            rule,
            format!(
                "Your roles do not let you {} in {}",
                capability.words(),
                self.node_name(node)
            ),
        )
    }

    /// R11: the actor may hand out (or take away) a role at a node only if it holds every
    /// capability of that role there.
    fn no_escalation(&self, role: &RoleRef, node: &NodeId) -> Result<(), Refusal> {
        let wanted = self.role_caps(role)?;
        // R4: switching off one's own calling limits what one does, not what one may grant.
        let missing = wanted.minus(self.s.grantable_at(self.actor, node, self.now));
        if missing.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = missing.iter().map(Capability::words).collect();
        refuse(
            Rule::R11,
            format!(
                "You can give or take away the {} role in {} only if you can do all it allows \
                 there, and you cannot {}",
                self.s.role_name(role),
                self.node_name(node),
                names.join(", ")
            ),
        )
    }

    /// R10: the actor needs `capability` at every node where the target holds a grant that is
    /// current or still to come; someone without any grant is the agency's to manage.
    fn reach_over(&self, target: &UserId, capability: Capability) -> Result<(), Refusal> {
        let mut nodes: Vec<&NodeId> = self
            .s
            .grants_of(target)
            .filter(|g| g.ends_at.is_none_or(|end| self.now < end))
            .map(|g| &g.node)
            .collect();
        let root = self.s.root();
        if nodes.is_empty() {
            nodes.push(root);
        }
        for node in nodes {
            if !self.caps(node).contains(capability) {
                let name = self
                    .s
                    .user(target)
                    .map_or("this person", |u| u.name.as_str());
                return refuse(
                    Rule::R10,
                    format!(
                        "{name} also works in {}, where your roles do not let you {}; only \
                         someone who manages every place they work can do this",
                        self.node_name(node),
                        capability.words()
                    ),
                );
            }
        }
        Ok(())
    }

    fn not_self(&self, target: &UserId, what: &str) -> Result<(), Refusal> {
        if target == self.actor {
            return refuse(
                Rule::R12,
                format!("Nobody can {what} themself; ask another administrator"),
            );
        }
        Ok(())
    }

    /// R14: the change must leave at least one active administrator at the agency node.
    fn keeps_an_administrator(&self, losing: &UserId) -> Result<(), Refusal> {
        if !self.s.is_top_administrator(losing, self.now) {
            return Ok(());
        }
        // `losing` is one of them, so the others are the rest of the agency-wide count.
        let others = self.s.top_administrator_count(self.now).saturating_sub(1);
        if others == 0 {
            return refuse(
                Rule::R14,
                "This is the agency's last administrator; make someone else Administrator of the \
                 agency first, so the account can never lock itself out",
            );
        }
        Ok(())
    }

    fn email_free(&self, email: &Email, except: Option<&UserId>) -> Result<(), Refusal> {
        let taken = self.s.users().any(|u| {
            u.email == email.as_str() && u.state != UserState::Deleted && Some(&u.id) != except
        });
        if taken {
            return refuse(
                Rule::Conflict,
                format!("{email} already belongs to someone in this agency"),
            );
        }
        Ok(())
    }

    /// R30: the Team plan is self-serve up to 25 people; only support raises its limit above
    /// that (an agency may keep, lower or drop a raise support made).
    fn only_support_raises_team(&self, plan: Plan) -> Result<(), Refusal> {
        let Plan::Team {
            seat_override: Some(wanted),
        } = plan
        else {
            return Ok(());
        };
        let granted = match self.s.agency().plan {
            Plan::Team {
                seat_override: Some(n),
            } => n.max(25),
            _ => 25,
        };
        let by_support = self.s.user(self.actor).is_some_and(|u| u.support);
        if wanted <= granted || by_support {
            return Ok(());
        }
        refuse(
            Rule::R30,
            format!(
                "The Team plan is self-serve up to {granted} people; only Switchboard support can \
                 raise it to {wanted}. Ask support from the Plan page, or move to the Seats or \
                 Unlimited plan"
            ),
        )
    }

    /// R30: after the change, the seats in use must fit the plan. An agency already over its
    /// limit (support lowered it) may still make changes that add nobody, but never move to a
    /// plan that its people do not fit.
    fn seats_fit(&self, plan: Plan, after: u32, before: u32) -> Result<(), Refusal> {
        let plan_changes = plan != self.s.agency().plan;
        match plan.seat_limit() {
            Some(limit) if after > limit && (after > before || plan_changes) => refuse(
                Rule::R30,
                format!(
                    "The {} plan allows {limit} {}; this would make {after}. To add more, {}",
                    plan.name(),
                    if matches!(plan, Plan::Seats { .. }) {
                        "dialer seats"
                    } else {
                        "users"
                    },
                    plan.how_to_raise()
                ),
            ),
            _ => Ok(()),
        }
    }

    fn seats_after(&self, events: &[Event]) -> Result<(), Refusal> {
        let plan = events
            .iter()
            .rev()
            .find_map(|e| match e {
                Event::PlanChanged { plan } => Some(*plan),
                _ => None,
            })
            .unwrap_or(self.s.agency().plan);
        let before = self.s.seats_used(self.now);
        let mut after = self.s.clone();
        after.apply_all(events);
        // The count under the new plan, moved by what the events did to the people they touch.
        let mut count = i64::from(self.s.seats_under(plan, self.now));
        for user in touched(self.s, events) {
            count += i64::from(after.takes_seat_under(&user, plan, self.now));
            count -= i64::from(self.s.takes_seat_under(&user, plan, self.now));
        }
        self.seats_fit(plan, count.max(0) as u32, before)
    }

    /// R23: only an active person acts (accepting an invitation is how one becomes active).
    pub(crate) fn active_actor(&self, signing_in: bool) -> Result<(), Refusal> {
        let actor = self.user(self.actor)?;
        if !signing_in && actor.state != UserState::Active {
            return refuse(Rule::R23, "Your access is not active");
        }
        Ok(())
    }

    fn suspend(&self, user: &UserId) -> Result<Vec<Event>, Refusal> {
        let target = self.user(user)?;
        self.not_self(user, "suspend")?;
        if target.state != UserState::Active {
            return refuse(Rule::Conflict, format!("{} is not active", target.name));
        }
        self.reach_over(user, Capability::UsersSuspend)?;
        self.keeps_an_administrator(user)?;
        Ok(vec![Event::StateChanged {
            user: user.clone(),
            state: UserState::Suspended,
        }])
    }

    fn unsuspend(&self, user: &UserId) -> Result<Vec<Event>, Refusal> {
        let target = self.user(user)?;
        self.not_self(user, "unsuspend")?;
        if target.state != UserState::Suspended {
            return refuse(Rule::Conflict, format!("{} is not suspended", target.name));
        }
        self.reach_over(user, Capability::UsersSuspend)?;
        Ok(vec![Event::StateChanged {
            user: user.clone(),
            state: UserState::Active,
        }])
    }

    fn edit_profile(
        &self,
        user: &UserId,
        name: Option<&Name>,
        email: Option<&Email>,
    ) -> Result<Vec<Event>, Refusal> {
        let target = self.user(user)?;
        if target.state == UserState::Deleted {
            return refuse(Rule::R24, "A deleted user's profile is kept as history");
        }
        if user != self.actor {
            self.reach_over(user, Capability::UsersEdit)?;
        }
        if let Some(email) = email.filter(|e| e.as_str() != target.email) {
            // An address someone signs in with is theirs, in every agency they belong to: only
            // they change it, confirmed by a link to the new one (PRODUCT §5).
            if matches!(target.state, UserState::Active | UserState::Suspended) {
                let reason = if user == self.actor {
                    "Change your own address from your account page: a link to the new address \
                     confirms it"
                        .to_owned()
                } else {
                    format!(
                        "{} signs in with this address, so only they can change it, from their \
                         own account",
                        target.name
                    )
                };
                return refuse(Rule::Input, reason);
            }
            self.email_free(email, Some(user))?;
        }
        Ok(vec![Event::ProfileChanged {
            user: user.clone(),
            name: name.map_or_else(|| target.name.clone(), |n| n.as_str().to_owned()),
            email: email.map_or_else(|| target.email.clone(), |e| e.as_str().to_owned()),
        }])
    }

    /// Every check of [`decide`] but the actor's own state and the seats: for a bulk add,
    /// which checks the actor once and counts the seats of all its lines together.
    #[cfg_attr(not(feature = "import"), allow(dead_code))]
    pub(crate) fn decide_unseated(&self, command: &Command) -> Result<Vec<Event>, Refusal> {
        self.valid_ids(command)?;
        self.events(command)
    }

    fn valid_ids(&self, command: &Command) -> Result<(), Refusal> {
        for (what, id) in command.created_ids() {
            if !valid_id(id) {
                return refuse(
                    Rule::Input,
                    format!("A new {what}'s id is 1 to {MAX_ID} letters, digits, '-' or '_'"),
                );
            }
        }
        Ok(())
    }

    fn decide(&self, command: &Command) -> Result<Vec<Event>, Refusal> {
        self.valid_ids(command)?;
        self.active_actor(matches!(command, Command::AcceptInvitation { .. }))?;
        let events = self.events(command)?;
        if command.may_add_seats() {
            self.seats_after(&events)?;
        }
        Ok(events)
    }

    fn events(&self, command: &Command) -> Result<Vec<Event>, Refusal> {
        let now = self.now;
        match command {
            Command::Invite {
                user,
                grant,
                email,
                name,
                role,
                node,
            } => {
                self.node(node)?;
                self.role_caps(role)?;
                self.need(Capability::UsersInvite, node, Rule::R10)?;
                self.no_escalation(role, node)?;
                let expires_at = now + INVITATION_LIFETIME;
                let granted = Event::Granted {
                    grant: Grant {
                        id: grant.clone(),
                        user: user.clone(),
                        role: role.clone(),
                        node: node.clone(),
                        starts_at: None,
                        ends_at: None,
                    },
                };
                if self.s.grant(grant).is_some() {
                    return refuse(Rule::Conflict, format!("Grant {grant} already exists"));
                }
                // R16: a notification-only person becomes someone who signs in by invitation.
                if let Some(existing) = self.s.user(user) {
                    if existing.state != UserState::NotificationOnly {
                        return refuse(
                            Rule::Conflict,
                            format!("{} is already a user", existing.name),
                        );
                    }
                    self.reach_over(user, Capability::UsersInvite)?;
                    self.email_free(email, Some(user))?;
                    return Ok(vec![
                        Event::StateChanged {
                            user: user.clone(),
                            state: UserState::Invited,
                        },
                        Event::InvitationIssued {
                            user: user.clone(),
                            expires_at,
                        },
                        granted,
                    ]);
                }
                self.email_free(email, None)?;
                let mut invited = User::new(
                    user.clone(),
                    email.as_str(),
                    name.as_str(),
                    UserState::Invited,
                );
                invited.invitation_expires_at = Some(expires_at);
                Ok(vec![Event::UserAdded { user: invited }, granted])
            }
            Command::AddNotificationUser {
                user,
                grant,
                email,
                name,
                node,
            } => {
                self.node(node)?;
                if self.s.user(user).is_some() || self.s.grant(grant).is_some() {
                    return refuse(Rule::Conflict, format!("User {user} already exists"));
                }
                self.need(Capability::UsersInvite, node, Rule::R10)?;
                let role = RoleRef::Builtin(BuiltinRole::Notification);
                self.no_escalation(&role, node)?;
                self.email_free(email, None)?;
                Ok(vec![
                    Event::UserAdded {
                        user: User::new(
                            user.clone(),
                            email.as_str(),
                            name.as_str(),
                            UserState::NotificationOnly,
                        ),
                    },
                    Event::Granted {
                        grant: Grant {
                            id: grant.clone(),
                            user: user.clone(),
                            role,
                            node: node.clone(),
                            starts_at: None,
                            ends_at: None,
                        },
                    },
                ])
            }
            Command::EditProfile { user, name, email } => {
                self.edit_profile(user, name.as_ref(), email.as_ref())
            }
            Command::EditAgentSettings { user, settings } => {
                let target = self.user(user)?;
                if target.state == UserState::Deleted {
                    return refuse(Rule::R24, "A deleted user has no settings");
                }
                let before = &target.settings;
                // People set their own status and availability; everything else is managed.
                let own_presence = AgentSettings {
                    agent_status: settings.agent_status.clone(),
                    availability: settings.availability.clone(),
                    ..before.clone()
                };
                if !(user == self.actor && own_presence == **settings) {
                    self.reach_over(user, Capability::UsersEdit)?;
                }
                let agency = self.s.agency();
                if let Some(status) = &settings.agent_status
                    && !agency.agent_statuses.contains(status)
                {
                    return refuse(
                        Rule::Input,
                        format!("{status:?} is not one of the agency's agent statuses"),
                    );
                }
                if let Some(group) = settings
                    .agent_groups
                    .iter()
                    .find(|g| !agency.agent_groups.contains(g))
                {
                    return refuse(
                        Rule::Input,
                        format!("{group:?} is not one of the agency's agent groups"),
                    );
                }
                let joins = (settings.round_robin && !before.round_robin)
                    || (settings.call_broadcast && !before.call_broadcast);
                if joins && !matches!(agency.plan, Plan::Team { .. }) {
                    return refuse(
                        Rule::R30,
                        "The round-robin lead router and call broadcast come with the Team plan",
                    );
                }
                if settings.tracking_numbers != before.tracking_numbers {
                    self.reach_over(user, Capability::NumbersAssign)?;
                    let mut seen = std::collections::BTreeSet::new();
                    for number in &settings.tracking_numbers {
                        if !seen.insert(number) {
                            return refuse(
                                Rule::Input,
                                format!("{} is listed twice", number.as_str()),
                            );
                        }
                        let holder = self.s.users().find(|u| {
                            u.id != *user
                                && u.state != UserState::Deleted
                                && u.settings.tracking_numbers.contains(number)
                        });
                        if let Some(holder) = holder {
                            return refuse(
                                Rule::Conflict,
                                format!(
                                    "{} already rings through to {}; a number has one destination",
                                    number.as_str(),
                                    holder.name
                                ),
                            );
                        }
                    }
                }
                Ok(vec![Event::SettingsChanged {
                    user: user.clone(),
                    settings: (**settings).clone(),
                }])
            }
            Command::SetSwitches {
                user,
                calling_enabled,
                contact_edit,
            } => {
                let target = self.user(user)?;
                if target.state == UserState::Deleted {
                    return refuse(Rule::R24, "A deleted user has no switches");
                }
                // R4: one's own calling is one's own choice, off or back on (seats permitting,
                // R31); turning it on gives nothing the person's roles do not already hold.
                let own_calling =
                    user == self.actor && calling_enabled.is_some() && contact_edit.is_none();
                if !own_calling {
                    self.not_self(user, "change the switches that give access to")?;
                    self.reach_over(user, Capability::UsersEdit)?;
                }
                if *contact_edit == Some(true) && !target.contact_edit {
                    // R4 + R11: the switch is a grant of contacts.edit wherever they work.
                    for grant in self.s.grants_of(user) {
                        if !self.caps(&grant.node).contains(Capability::ContactsEdit) {
                            return refuse(
                                Rule::R11,
                                format!(
                                    "Turning on contact editing lets them edit contacts in {}, which you may not do there",
                                    self.node_name(&grant.node)
                                ),
                            );
                        }
                    }
                }
                Ok(vec![Event::SwitchesChanged {
                    user: user.clone(),
                    calling_enabled: calling_enabled.unwrap_or(target.calling_enabled),
                    contact_edit: contact_edit.unwrap_or(target.contact_edit),
                }])
            }
            Command::Grant {
                grant,
                user,
                role,
                node,
                starts_at,
                ends_at,
            } => {
                let target = self.user(user)?;
                self.node(node)?;
                let caps = self.role_caps(role)?;
                if self.s.grant(grant).is_some() {
                    return refuse(Rule::Conflict, format!("Grant {grant} already exists"));
                }
                self.not_self(user, "change the roles of")?;
                match target.state {
                    UserState::Deleted => {
                        return refuse(Rule::R24, "A deleted user cannot be given access");
                    }
                    UserState::NotificationOnly if caps.contains(Capability::Login) => {
                        return refuse(
                            Rule::R16,
                            format!(
                                "{} only receives notifications; send them an invitation to give them a role that signs in",
                                target.name
                            ),
                        );
                    }
                    _ => {}
                }
                if let (Some(start), Some(end)) = (starts_at, ends_at)
                    && end <= start
                {
                    return refuse(Rule::Input, "A grant must end after it starts");
                }
                if ends_at.is_some_and(|end| end <= now) {
                    return refuse(Rule::Input, "This grant would already be over");
                }
                // R15: adding someone to another account is a grant at that account.
                self.need(Capability::UsersRoles, node, Rule::R10)?;
                self.no_escalation(role, node)?;
                Ok(vec![Event::Granted {
                    grant: Grant {
                        id: grant.clone(),
                        user: user.clone(),
                        role: role.clone(),
                        node: node.clone(),
                        starts_at: *starts_at,
                        ends_at: *ends_at,
                    },
                }])
            }
            Command::Revoke { grant } => {
                let held = self.grant(grant)?;
                self.not_self(&held.user, "change the roles of")?;
                self.need(Capability::UsersRoles, &held.node, Rule::R10)?;
                self.no_escalation(&held.role, &held.node)?;
                if self.s.is_top_admin_grant(held, now) {
                    let keeps_another = self
                        .s
                        .grants_of(&held.user)
                        .any(|g| g.id != held.id && self.s.is_top_admin_grant(g, now));
                    if !keeps_another {
                        self.keeps_an_administrator(&held.user)?;
                    }
                }
                Ok(vec![Event::Revoked {
                    grant: grant.clone(),
                }])
            }
            Command::ChangeRole { grant, role } => {
                let held = self.grant(grant)?;
                let target = self.user(&held.user)?;
                let caps = self.role_caps(role)?;
                self.not_self(&held.user, "change the roles of")?;
                if target.state == UserState::NotificationOnly && caps.contains(Capability::Login) {
                    return refuse(
                        Rule::R16,
                        format!(
                            "{} only receives notifications; send them an invitation first",
                            target.name
                        ),
                    );
                }
                self.need(Capability::UsersRoles, &held.node, Rule::R10)?;
                // R13: promotion and demotion alike; the actor must hold both roles (R11).
                self.no_escalation(&held.role, &held.node)?;
                self.no_escalation(role, &held.node)?;
                let stays_admin = matches!(
                    role,
                    RoleRef::Builtin(BuiltinRole::AgencyAdministrator | BuiltinRole::Administrator)
                );
                if self.s.is_top_admin_grant(held, now) && !stays_admin {
                    let keeps_another = self
                        .s
                        .grants_of(&held.user)
                        .any(|g| g.id != held.id && self.s.is_top_admin_grant(g, now));
                    if !keeps_another {
                        self.keeps_an_administrator(&held.user)?;
                    }
                }
                Ok(vec![Event::RoleChanged {
                    grant: grant.clone(),
                    role: role.clone(),
                }])
            }
            Command::Suspend { user } => self.suspend(user),
            Command::Unsuspend { user } => self.unsuspend(user),
            Command::Delete { user, reassign_to } => {
                let target = self.user(user)?;
                self.not_self(user, "delete")?;
                if target.state == UserState::Deleted {
                    return refuse(
                        Rule::Conflict,
                        format!("{} is already deleted", target.name),
                    );
                }
                if *user == self.s.agency().owner {
                    return refuse(
                        Rule::R14,
                        "This person owns the agency; transfer the ownership to someone else first",
                    );
                }
                self.reach_over(user, Capability::UsersDelete)?;
                self.keeps_an_administrator(user)?;
                let mut events = Vec::new();
                if let Some(heir) = reassign_to {
                    let heir_user = self.user(heir)?;
                    if heir == user || heir_user.state != UserState::Active {
                        return refuse(
                            Rule::R24,
                            "Hand the leads, numbers and router places to another active user",
                        );
                    }
                    events.push(Event::Reassigned {
                        from: user.clone(),
                        to: heir.clone(),
                    });
                }
                events.extend(revocations(self.s.grants_of(user)));
                events.push(Event::StateChanged {
                    user: user.clone(),
                    state: UserState::Deleted,
                });
                Ok(events)
            }
            Command::ResendInvitation { user } | Command::RevokeInvitation { user } => {
                let target = self.user(user)?;
                if target.state != UserState::Invited {
                    return refuse(
                        Rule::R21,
                        format!("{} has no pending invitation", target.name),
                    );
                }
                self.reach_over(user, Capability::UsersInvite)?;
                Ok(match command {
                    Command::ResendInvitation { .. } => vec![Event::InvitationIssued {
                        user: user.clone(),
                        expires_at: now + INVITATION_LIFETIME,
                    }],
                    _ => {
                        let mut events = revocations(self.s.grants_of(user));
                        events.push(Event::StateChanged {
                            user: user.clone(),
                            state: UserState::Deleted,
                        });
                        events
                    }
                })
            }
            Command::AcceptInvitation { user } => {
                let target = self.user(user)?;
                if user != self.actor {
                    return refuse(
                        Rule::R21,
                        "Only the invited person can accept an invitation",
                    );
                }
                let live = target.state == UserState::Invited
                    && target.invitation_expires_at.is_some_and(|at| now < at);
                if !live {
                    return refuse(
                        Rule::R21,
                        "This invitation has expired or was replaced; ask for a new one",
                    );
                }
                Ok(vec![Event::StateChanged {
                    user: user.clone(),
                    state: UserState::Active,
                }])
            }
            Command::CreateNode {
                node,
                parent,
                kind,
                name,
            } => {
                self.node(parent)?;
                if *kind == NodeKind::Agency {
                    return refuse(
                        Rule::Input,
                        "An agency is the top of its own tree, never inside another",
                    );
                }
                if self.s.node_ix.contains_key(node) {
                    return refuse(Rule::Conflict, format!("Node {node} already exists"));
                }
                self.need(Capability::AccountsCreate, parent, Rule::R15)?;
                Ok(vec![Event::NodeCreated {
                    node: Node {
                        id: node.clone(),
                        parent: Some(parent.clone()),
                        kind: *kind,
                        name: name.as_str().to_owned(),
                    },
                }])
            }
            Command::RenameNode { node, name } => {
                self.node(node)?;
                self.need(Capability::AccountsEdit, node, Rule::R15)?;
                Ok(vec![Event::NodeRenamed {
                    node: node.clone(),
                    name: name.as_str().to_owned(),
                }])
            }
            Command::MoveNode { node, parent } => {
                let moving = self.node(node)?;
                self.node(parent)?;
                let Some(old_parent) = &moving.parent else {
                    return refuse(
                        Rule::Input,
                        "The agency is the top of the tree and cannot move",
                    );
                };
                if self.s.is_within(parent, node) {
                    return refuse(Rule::Input, "A node cannot move inside itself");
                }
                self.need(Capability::AccountsDelete, old_parent, Rule::R15)?;
                self.need(Capability::AccountsCreate, parent, Rule::R15)?;
                Ok(vec![Event::NodeMoved {
                    node: node.clone(),
                    parent: parent.clone(),
                }])
            }
            Command::DeleteNode { node } => {
                let deleting = self.node(node)?;
                let Some(parent) = &deleting.parent else {
                    return refuse(Rule::Input, "The agency itself cannot be deleted here");
                };
                let children = self
                    .s
                    .nodes()
                    .filter(|n| n.parent.as_ref() == Some(node))
                    .count();
                if children > 0 {
                    return refuse(
                        Rule::Conflict,
                        format!(
                            "{} still has {children} accounts or locations; move or delete them first",
                            deleting.name
                        ),
                    );
                }
                // R15, and the Administrator preset: deleting needs the right above the node.
                self.need(Capability::AccountsDelete, parent, Rule::R15)?;
                if let Some(campaign) = crate::campaign::at_node(self.s, node) {
                    return refuse(
                        Rule::Conflict,
                        format!(
                            "The campaign {} is in {}; move it or delete it first",
                            campaign.name, deleting.name
                        ),
                    );
                }
                let mut events = revocations(self.s.grants().filter(|g| g.node == *node));
                events.push(Event::NodeDeleted { node: node.clone() });
                Ok(events)
            }
            Command::DefineRole {
                role,
                name,
                capabilities,
            } => {
                if self.s.roles.contains_key(role) {
                    return refuse(Rule::Conflict, format!("Role {role} already exists"));
                }
                self.role_name_free(name, None)?;
                self.may_shape_role(*capabilities)?;
                Ok(vec![Event::RoleDefined {
                    role: CustomRole {
                        id: role.clone(),
                        name: name.as_str().to_owned(),
                        capabilities: *capabilities,
                    },
                }])
            }
            Command::EditRole {
                role,
                name,
                capabilities,
            } => {
                let existing = self.custom_role(role)?;
                self.role_name_free(name, Some(role))?;
                let held_by_actor = self
                    .s
                    .grants_of(self.actor)
                    .any(|g| g.role == RoleRef::Custom(role.clone()));
                if held_by_actor {
                    return refuse(
                        Rule::R12,
                        "You hold this role; another administrator must edit it",
                    );
                }
                // R20: editing changes every holder at once, so R11 applies to the old and the new set.
                self.may_shape_role(existing.capabilities.union(*capabilities))?;
                Ok(vec![Event::RoleEdited {
                    role: CustomRole {
                        id: role.clone(),
                        name: name.as_str().to_owned(),
                        capabilities: *capabilities,
                    },
                }])
            }
            Command::DeleteRole { role } => {
                let existing = self.custom_role(role)?;
                self.may_shape_role(existing.capabilities)?;
                let holders = self
                    .s
                    .grants()
                    .filter(|g| g.role == RoleRef::Custom(role.clone()))
                    .count();
                if holders > 0 {
                    return refuse(
                        Rule::Conflict,
                        format!(
                            "{holders} grants use {}; give those people another role first",
                            existing.name
                        ),
                    );
                }
                Ok(vec![Event::RoleDeleted { role: role.clone() }])
            }
            Command::ChangePlan { plan } => {
                self.need(Capability::BillingManage, self.s.root(), Rule::R30)?;
                self.only_support_raises_team(*plan)?;
                Ok(vec![Event::PlanChanged { plan: *plan }])
            }
            Command::ConfigureAgency {
                agent_statuses,
                agent_groups,
                require_two_factor,
                session_idle_minutes,
            } => {
                self.need(Capability::SettingsEdit, self.s.root(), Rule::R10)?;
                let agency = self.s.agency();
                let list = |given: &Option<Vec<Name>>, kept: &Vec<String>, what: &str| {
                    let Some(given) = given else {
                        return Ok(kept.clone());
                    };
                    let mut out: Vec<String> = Vec::with_capacity(given.len());
                    for name in given {
                        if out.iter().any(|n| n.eq_ignore_ascii_case(name.as_str())) {
                            return Err(Refusal {
                                rule: Rule::Input,
                                reason: format!("{what} \"{}\" is listed twice", name.as_str()),
                            });
                        }
                        out.push(name.as_str().to_owned());
                    }
                    if out.len() > MAX_AGENT_LIST {
                        return Err(Refusal {
                            rule: Rule::Input,
                            reason: format!("An agency has at most {MAX_AGENT_LIST} {what}s"),
                        });
                    }
                    Ok(out)
                };
                let idle = match session_idle_minutes {
                    None => agency.session_idle_minutes,
                    Some(0) => None,
                    Some(m @ crate::model::SESSION_IDLE_MIN..=crate::model::SESSION_IDLE_MAX) => {
                        Some(*m)
                    }
                    Some(_) => {
                        return refuse(
                            Rule::Input,
                            format!(
                                "Sessions end after {} minutes to 3 days without use",
                                crate::model::SESSION_IDLE_MIN
                            ),
                        );
                    }
                };
                let configured = Event::AgencyConfigured {
                    agent_statuses: list(agent_statuses, &agency.agent_statuses, "Agent status")?,
                    agent_groups: list(agent_groups, &agency.agent_groups, "Agent group")?,
                    require_two_factor: require_two_factor.unwrap_or(agency.require_two_factor),
                    session_idle_minutes: idle,
                };
                let mut events = self.off_the_lists(&configured);
                events.insert(0, configured);
                Ok(events)
            }
            Command::TransferOwnership { to, grant } => {
                if self.s.agency().owner != *self.actor {
                    return refuse(
                        Rule::Beyond,
                        "Only the agency's owner can hand it to someone else",
                    );
                }
                let heir = self.user(to)?;
                if heir.state != UserState::Active || heir.support || to == self.actor {
                    return refuse(
                        Rule::Beyond,
                        "Ownership goes to another active member of the agency",
                    );
                }
                let mut events = vec![Event::OwnerChanged { to: to.clone() }];
                let already = self.s.grants_of(to).any(|g| {
                    g.node == *self.s.root()
                        && g.role == RoleRef::Builtin(BuiltinRole::AgencyAdministrator)
                        && g.is_active(now)
                });
                if !already {
                    // The new owner administers the agency; R11 holds for that grant too, so an
                    // owner who was demoted cannot make anyone more than they are.
                    let top = RoleRef::Builtin(BuiltinRole::AgencyAdministrator);
                    self.no_escalation(&top, self.s.root())?;
                    events.push(Event::Granted {
                        grant: Grant {
                            id: grant.clone(),
                            user: to.clone(),
                            role: RoleRef::Builtin(BuiltinRole::AgencyAdministrator),
                            node: self.s.root().clone(),
                            starts_at: None,
                            ends_at: None,
                        },
                    });
                }
                Ok(events)
            }
            Command::GrantSupportAccess {
                user,
                grant,
                email,
                reason: _,
                until,
            } => {
                // R12: support staff cannot lengthen their own access.
                self.not_self(user, "extend the access of")?;
                let root = self.s.root().clone();
                let role = RoleRef::Builtin(BuiltinRole::Administrator);
                self.need(Capability::UsersRoles, &root, Rule::Beyond)?;
                self.no_escalation(&role, &root)?;
                if *until <= now || *until > now + SUPPORT_ACCESS_LIMIT {
                    return refuse(
                        Rule::Input,
                        "Support access ends in the future, at most 30 days from now",
                    );
                }
                if self.s.grant(grant).is_some() {
                    return refuse(Rule::Conflict, format!("Grant {grant} already exists"));
                }
                let mut events = Vec::new();
                match self.s.user(user) {
                    Some(existing) if existing.support => {}
                    Some(_) => {
                        return refuse(
                            Rule::Conflict,
                            "Support access is for the platform's support staff",
                        );
                    }
                    None => {
                        self.email_free(email, None)?;
                        let mut staff = User::new(
                            user.clone(),
                            email.as_str(),
                            "Platform support",
                            UserState::Active,
                        );
                        staff.support = true;
                        events.push(Event::UserAdded { user: staff });
                    }
                }
                events.push(Event::Granted {
                    grant: Grant {
                        id: grant.clone(),
                        user: user.clone(),
                        role,
                        node: root,
                        starts_at: Some(now),
                        ends_at: Some(*until),
                    },
                });
                Ok(events)
            }
            Command::CreateCampaign {
                campaign,
                name,
                node,
                agent_groups,
            } => self.save_campaign(campaign, name, node, agent_groups, true),
            Command::EditCampaign {
                campaign,
                name,
                node,
                agent_groups,
            } => self.save_campaign(campaign, name, node, agent_groups, false),
            Command::DeleteCampaign { campaign } => self.delete_campaign(campaign),
        }
    }

    fn custom_role(&self, role: &CustomRoleId) -> Result<&CustomRole, Refusal> {
        match self.s.roles.get(role) {
            Some(existing) => Ok(existing),
            None => refuse(Rule::R2, format!("There is no role {role}")),
        }
    }

    fn role_name_free(&self, name: &Name, except: Option<&CustomRoleId>) -> Result<(), Refusal> {
        let builtin = BuiltinRole::ALL
            .iter()
            .any(|r| r.name().eq_ignore_ascii_case(name.as_str()));
        let custom = self
            .s
            .custom_roles()
            .any(|r| r.name.eq_ignore_ascii_case(name.as_str()) && Some(&r.id) != except);
        if builtin || custom {
            return refuse(
                Rule::Conflict,
                format!("A role named {name} already exists"),
            );
        }
        Ok(())
    }

    /// R20 + R11: roles are the agency's; shaping one needs `users.roles` at the agency node and
    /// every capability the role gives.
    fn may_shape_role(&self, capabilities: CapabilitySet) -> Result<(), Refusal> {
        let root = self.s.root().clone();
        self.need(Capability::UsersRoles, &root, Rule::R20)?;
        let missing = capabilities.minus(self.caps(&root));
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(Capability::words).collect();
            return refuse(
                Rule::R11,
                format!(
                    "A role can allow only what you can do across the agency, and you cannot {}",
                    names.join(", ")
                ),
            );
        }
        Ok(())
    }
}

/// Revocations of the given grants, in the order of their ids, so that the same decision
/// always yields the same events whatever order storage returned the rows in.
fn revocations<'g>(grants: impl Iterator<Item = &'g Grant>) -> Vec<Event> {
    let mut ids: Vec<&GrantId> = grants.map(|g| &g.id).collect();
    ids.sort();
    ids.into_iter()
        .map(|id| Event::Revoked { grant: id.clone() })
        .collect()
}

/// The people whose seat the events may change.
fn touched(s: &Snapshot, events: &[Event]) -> std::collections::BTreeSet<UserId> {
    let mut out = std::collections::BTreeSet::new();
    for event in events {
        match event {
            Event::UserAdded { user } => {
                out.insert(user.id.clone());
            }
            Event::SwitchesChanged { user, .. }
            | Event::StateChanged { user, .. }
            | Event::InvitationIssued { user, .. } => {
                out.insert(user.clone());
            }
            Event::Granted { grant } => {
                out.insert(grant.user.clone());
            }
            Event::Revoked { grant } | Event::RoleChanged { grant, .. } => {
                out.extend(s.grant(grant).map(|g| g.user.clone()));
            }
            Event::RoleEdited { role } => {
                let wanted = RoleRef::Custom(role.id.clone());
                out.extend(
                    s.grants()
                        .filter(|g| g.role == wanted)
                        .map(|g| g.user.clone()),
                );
            }
            _ => {}
        }
    }
    out
}

impl Command {
    /// What the command creates, each as what it is and the id the command gives it.
    pub fn created_ids(&self) -> Vec<(&'static str, &str)> {
        match self {
            Command::Invite { user, grant, .. }
            | Command::AddNotificationUser { user, grant, .. }
            | Command::GrantSupportAccess { user, grant, .. } => {
                vec![("person", user.0.as_str()), ("grant", grant.0.as_str())]
            }
            Command::Grant { grant, .. } | Command::TransferOwnership { grant, .. } => {
                vec![("grant", grant.0.as_str())]
            }
            Command::CreateNode { node, .. } => vec![("node", node.0.as_str())],
            Command::DefineRole { role, .. } => vec![("role", role.0.as_str())],
            Command::CreateCampaign { campaign, .. } => vec![("campaign", campaign.0.as_str())],
            _ => Vec::new(),
        }
    }

    /// Whether the command can raise the number of seats in use (R30, R31).
    pub fn may_add_seats(&self) -> bool {
        matches!(
            self,
            Command::Invite { .. }
                | Command::Grant { .. }
                | Command::ChangeRole { .. }
                | Command::SetSwitches { .. }
                | Command::Unsuspend { .. }
                | Command::EditRole { .. }
                | Command::ChangePlan { .. }
        )
    }
}

impl Snapshot {
    /// Applies one decided event. Events come from [`decide`]; an event that no longer fits
    /// (its user or node gone) changes nothing.
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::UserAdded { user } => {
                if !self.user_ix.contains_key(&user.id) {
                    self.user_ix
                        .insert(user.id.clone(), self.users.len() as u32);
                    self.users.push(crate::snapshot::UserEntry {
                        user: user.clone(),
                        grants: Vec::new(),
                    });
                }
            }
            Event::ProfileChanged { user, name, email } => {
                if let Some(u) = self.user_mut(user) {
                    u.name.clone_from(name);
                    u.email.clone_from(email);
                }
            }
            Event::SwitchesChanged {
                user,
                calling_enabled,
                contact_edit,
            } => {
                if let Some(u) = self.user_mut(user) {
                    u.calling_enabled = *calling_enabled;
                    u.contact_edit = *contact_edit;
                }
            }
            Event::SettingsChanged { user, settings } => {
                if let Some(u) = self.user_mut(user) {
                    u.settings = settings.clone();
                }
            }
            Event::StateChanged { user, state } => {
                if let Some(u) = self.user_mut(user) {
                    u.state = *state;
                    if *state != UserState::Invited {
                        u.invitation_expires_at = None;
                    }
                }
            }
            Event::InvitationIssued { user, expires_at } => {
                if let Some(u) = self.user_mut(user) {
                    u.invitation_expires_at = Some(*expires_at);
                }
            }
            Event::Granted { grant } => {
                let _ = self.insert_grant(grant.clone());
            }
            Event::Revoked { grant } => {
                if let Some(user) = self.grant_owner.remove(grant) {
                    self.users[user as usize]
                        .grants
                        .retain(|g| g.grant.id != *grant);
                }
            }
            Event::RoleChanged { grant, role } => {
                let caps = self.role_caps(role);
                if let (Some(&user), Some(caps)) = (self.grant_owner.get(grant), caps)
                    && let Some(entry) = self.users[user as usize]
                        .grants
                        .iter_mut()
                        .find(|g| g.grant.id == *grant)
                {
                    entry.grant.role = role.clone();
                    entry.caps = caps;
                }
            }
            Event::Reassigned { from, to } => {
                // Tracking numbers go with the work to the heir (R24); leads and router places
                // live beside the snapshot and the store moves them.
                let numbers = match self.user_ix.get(from) {
                    Some(&ix) => {
                        std::mem::take(&mut self.users[ix as usize].user.settings.tracking_numbers)
                    }
                    None => Vec::new(),
                };
                if let Some(&ix) = self.user_ix.get(to) {
                    let heir = &mut self.users[ix as usize].user.settings.tracking_numbers;
                    for number in numbers {
                        if !heir.contains(&number) {
                            heir.push(number);
                        }
                    }
                }
            }
            Event::NodeCreated { node } => {
                if let Some(&parent) = node.parent.as_ref().and_then(|p| self.node_ix.get(p)) {
                    let ix = self.nodes.len() as u32;
                    self.node_ix.insert(node.id.clone(), ix);
                    self.nodes.push(Some(node.clone()));
                    self.parent.push(Some(parent));
                    self.children.push(Vec::new());
                    self.children[parent as usize].push(ix);
                    self.reindex();
                }
            }
            Event::NodeRenamed { node, name } => {
                if let Some(&ix) = self.node_ix.get(node)
                    && let Some(n) = self.nodes[ix as usize].as_mut()
                {
                    n.name.clone_from(name);
                }
            }
            Event::NodeMoved { node, parent } => {
                if let (Some(&ix), Some(&to)) = (self.node_ix.get(node), self.node_ix.get(parent)) {
                    if let Some(from) = self.parent[ix as usize] {
                        self.children[from as usize].retain(|&c| c != ix);
                    }
                    self.children[to as usize].push(ix);
                    self.parent[ix as usize] = Some(to);
                    if let Some(n) = self.nodes[ix as usize].as_mut() {
                        n.parent = Some(parent.clone());
                    }
                    self.reindex();
                }
            }
            Event::NodeDeleted { node } => {
                if let Some(ix) = self.node_ix.remove(node) {
                    if let Some(from) = self.parent[ix as usize] {
                        self.children[from as usize].retain(|&c| c != ix);
                    }
                    self.nodes[ix as usize] = None;
                    self.reindex();
                }
            }
            Event::RoleDefined { role } | Event::RoleEdited { role } => {
                self.roles.insert(role.id.clone(), role.clone());
                let wanted = RoleRef::Custom(role.id.clone());
                for entry in &mut self.users {
                    for grant in &mut entry.grants {
                        if grant.grant.role == wanted {
                            grant.caps = role.capabilities;
                        }
                    }
                }
            }
            Event::RoleDeleted { role } => {
                self.roles.remove(role);
            }
            Event::PlanChanged { plan } => self.agency.plan = *plan,
            Event::AgencyConfigured {
                agent_statuses,
                agent_groups,
                require_two_factor,
                session_idle_minutes,
            } => {
                self.agency.session_idle_minutes = *session_idle_minutes;
                self.agency.agent_statuses.clone_from(agent_statuses);
                self.agency.agent_groups.clone_from(agent_groups);
                self.agency.require_two_factor = *require_two_factor;
            }
            Event::OwnerChanged { to } => self.agency.owner = to.clone(),
            Event::CampaignSaved { campaign } => {
                self.campaigns.insert(campaign.id.clone(), campaign.clone());
            }
            Event::CampaignDeleted { campaign } => {
                self.campaigns.remove(campaign);
            }
        }
    }

    /// Applies every event in order.
    pub fn apply_all<'e>(&mut self, events: impl IntoIterator<Item = &'e Event>) {
        for event in events {
            self.apply(event);
        }
    }

    fn user_mut(&mut self, id: &UserId) -> Option<&mut User> {
        let &ix = self.user_ix.get(id)?;
        Some(&mut self.users[ix as usize].user)
    }
}
