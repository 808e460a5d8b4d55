//! Deciding about people: adding, editing, suspending, deleting and inviting them.

use crate::access::{BuiltinRole, Capability};
use crate::agent::AgentSettings;
use crate::command::Command;
use crate::email::Email;
use crate::event::Event;
use crate::input::Name;
use crate::model::{Grant, GrantId, NodeId, Plan, RoleRef, User};
use crate::rule::{Refusal, Rule, refuse};
use crate::user::{UserId, UserState};

use super::*;

impl Decider<'_> {
    pub(super) fn suspend(&self, user: &UserId) -> Result<Vec<Event>, Refusal> {
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

    pub(super) fn unsuspend(&self, user: &UserId) -> Result<Vec<Event>, Refusal> {
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

    pub(super) fn edit_profile(
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
}

impl Decider<'_> {
    pub(super) fn invite(
        &self,
        user: &UserId,
        grant: &GrantId,
        email: &Email,
        name: &Name,
        role: &RoleRef,
        node: &NodeId,
    ) -> Result<Vec<Event>, Refusal> {
        let now = self.now;
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

    pub(super) fn add_notification_user(
        &self,
        user: &UserId,
        grant: &GrantId,
        email: &Email,
        name: &Name,
        node: &NodeId,
    ) -> Result<Vec<Event>, Refusal> {
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

    pub(super) fn edit_agent_settings(
        &self,
        user: &UserId,
        settings: &AgentSettings,
    ) -> Result<Vec<Event>, Refusal> {
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
        if !(user == self.actor && own_presence == *settings) {
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
                    return refuse(Rule::Input, format!("{} is listed twice", number.as_str()));
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
            settings: (*settings).clone(),
        }])
    }

    pub(super) fn set_switches(
        &self,
        user: &UserId,
        calling_enabled: &Option<bool>,
        contact_edit: &Option<bool>,
    ) -> Result<Vec<Event>, Refusal> {
        let target = self.user(user)?;
        if target.state == UserState::Deleted {
            return refuse(Rule::R24, "A deleted user has no switches");
        }
        // R4: one's own calling is one's own choice, off or back on (seats permitting,
        // R31); turning it on gives nothing the person's roles do not already hold.
        let own_calling = user == self.actor && calling_enabled.is_some() && contact_edit.is_none();
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

    pub(super) fn delete(
        &self,
        user: &UserId,
        reassign_to: &Option<UserId>,
    ) -> Result<Vec<Event>, Refusal> {
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

    pub(super) fn resend_or_revoke_invitation(
        &self,
        user: &UserId,
        command: &Command,
    ) -> Result<Vec<Event>, Refusal> {
        let now = self.now;
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

    pub(super) fn accept_invitation(&self, user: &UserId) -> Result<Vec<Event>, Refusal> {
        let now = self.now;
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
}
