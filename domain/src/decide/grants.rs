//! Deciding about grants: giving a role at a node, changing it, taking it away (R1, R11, R14).

use crate::access::{BuiltinRole, Capability};
use crate::event::Event;
use crate::model::{Grant, GrantId, Millis, NodeId, RoleRef};
use crate::rule::{Refusal, Rule, refuse};
use crate::user::{UserId, UserState};

use super::*;

impl Decider<'_> {
    pub(super) fn give_role(
        &self,
        grant: &GrantId,
        user: &UserId,
        role: &RoleRef,
        node: &NodeId,
        starts_at: &Option<Millis>,
        ends_at: &Option<Millis>,
    ) -> Result<Vec<Event>, Refusal> {
        let now = self.now;
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

    pub(super) fn revoke(&self, grant: &GrantId) -> Result<Vec<Event>, Refusal> {
        let now = self.now;
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

    pub(super) fn change_role(
        &self,
        grant: &GrantId,
        role: &RoleRef,
    ) -> Result<Vec<Event>, Refusal> {
        let now = self.now;
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
}
