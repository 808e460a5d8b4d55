//! Deciding about the agency: its plan, its lists and settings, its owner, support access.

use crate::access::{BuiltinRole, Capability};
use crate::email::Email;
use crate::event::Event;
use crate::input::Name;
use crate::model::{Grant, GrantId, Millis, RoleRef, User};
use crate::rule::{Refusal, Rule, refuse};
use crate::user::{UserId, UserState};

use super::*;

impl Decider<'_> {
    pub(super) fn configure_agency(
        &self,
        agent_statuses: &Option<Vec<Name>>,
        agent_groups: &Option<Vec<Name>>,
        require_two_factor: &Option<bool>,
        session_idle_minutes: &Option<u32>,
    ) -> Result<Vec<Event>, Refusal> {
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
            Some(m @ crate::model::SESSION_IDLE_MIN..=crate::model::SESSION_IDLE_MAX) => Some(*m),
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

    pub(super) fn transfer_ownership(
        &self,
        to: &UserId,
        grant: &GrantId,
    ) -> Result<Vec<Event>, Refusal> {
        let now = self.now;
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

    pub(super) fn grant_support_access(
        &self,
        user: &UserId,
        grant: &GrantId,
        email: &Email,
        until: &Millis,
    ) -> Result<Vec<Event>, Refusal> {
        let now = self.now;
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
}
