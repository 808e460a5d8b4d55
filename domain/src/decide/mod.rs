//! Every change as a command, decided by one entry point against a snapshot.
//!
//! [`decide`] answers the events to apply, or a [`Refusal`] that names the rule of PRODUCT.md
//! and says in plain words why and what would make it possible. [`Snapshot::apply`] applies
//! the events. Time is an input; nothing here reads a clock.
//!
//! The checks every decision shares (who the actor is, their reach, escalation, seats) are
//! here; each subject's commands are decided in a module of their own: [`people`], [`grants`],
//! [`tree`], [`roles`], [`agency`] and [`campaigns`].

mod agency;
mod campaigns;
mod grants;
mod people;
mod roles;
mod tree;

use crate::access::{Capability, CapabilitySet};
use crate::command::Command;
use crate::command::{MAX_ID, OfflineCommand, valid_id};
use crate::email::Email;
use crate::event::Event;
use crate::model::{DAY, Grant, GrantId, Millis, Node, NodeId, Plan, RoleRef, User};
use crate::rule::{Refusal, Rule, refuse};
use crate::snapshot::Snapshot;
use crate::user::{UserId, UserState};

/// How long an invitation link holds (R21).
pub const INVITATION_LIFETIME: Millis = 7 * DAY;
/// The longest support access an agency can grant at once (§11).
pub const SUPPORT_ACCESS_LIMIT: Millis = 30 * DAY;

/// The most agent statuses, and the most agent groups, an agency keeps.
pub const MAX_AGENT_LIST: usize = 100;

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
        match command {
            Command::Invite {
                user,
                grant,
                email,
                name,
                role,
                node,
            } => self.invite(user, grant, email, name, role, node),
            Command::AddNotificationUser {
                user,
                grant,
                email,
                name,
                node,
            } => self.add_notification_user(user, grant, email, name, node),
            Command::EditProfile { user, name, email } => {
                self.edit_profile(user, name.as_ref(), email.as_ref())
            }
            Command::EditAgentSettings { user, settings } => {
                self.edit_agent_settings(user, settings)
            }
            Command::SetSwitches {
                user,
                calling_enabled,
                contact_edit,
            } => self.set_switches(user, calling_enabled, contact_edit),
            Command::Grant {
                grant,
                user,
                role,
                node,
                starts_at,
                ends_at,
            } => self.give_role(grant, user, role, node, starts_at, ends_at),
            Command::Revoke { grant } => self.revoke(grant),
            Command::ChangeRole { grant, role } => self.change_role(grant, role),
            Command::Suspend { user } => self.suspend(user),
            Command::Unsuspend { user } => self.unsuspend(user),
            Command::Delete { user, reassign_to } => self.delete(user, reassign_to),
            Command::ResendInvitation { user } | Command::RevokeInvitation { user } => {
                self.resend_or_revoke_invitation(user, command)
            }
            Command::AcceptInvitation { user } => self.accept_invitation(user),
            Command::CreateNode {
                node,
                parent,
                kind,
                name,
            } => self.create_node(node, parent, kind, name),
            Command::RenameNode { node, name } => self.rename_node(node, name),
            Command::MoveNode { node, parent } => self.move_node(node, parent),
            Command::DeleteNode { node } => self.delete_node(node),
            Command::DefineRole {
                role,
                name,
                capabilities,
            } => self.define_role(role, name, capabilities),
            Command::EditRole {
                role,
                name,
                capabilities,
            } => self.edit_role(role, name, capabilities),
            Command::DeleteRole { role } => self.delete_role(role),
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
            } => self.configure_agency(
                agent_statuses,
                agent_groups,
                require_two_factor,
                session_idle_minutes,
            ),
            Command::TransferOwnership { to, grant } => self.transfer_ownership(to, grant),
            Command::GrantSupportAccess {
                user,
                grant,
                email,
                reason: _,
                until,
            } => self.grant_support_access(user, grant, email, until),
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
