//! Deciding about custom roles (R20): defining, editing and deleting them.

use crate::access::{BuiltinRole, Capability, CapabilitySet};
use crate::event::Event;
use crate::input::Name;
use crate::model::{CustomRole, CustomRoleId, RoleRef};
use crate::rule::{Refusal, Rule, refuse};

use super::*;

impl Decider<'_> {
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

    pub(super) fn define_role(
        &self,
        role: &CustomRoleId,
        name: &Name,
        capabilities: &CapabilitySet,
    ) -> Result<Vec<Event>, Refusal> {
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

    pub(super) fn edit_role(
        &self,
        role: &CustomRoleId,
        name: &Name,
        capabilities: &CapabilitySet,
    ) -> Result<Vec<Event>, Refusal> {
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

    pub(super) fn delete_role(&self, role: &CustomRoleId) -> Result<Vec<Event>, Refusal> {
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
}
