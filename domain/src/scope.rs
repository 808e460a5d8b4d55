//! API tokens act for their creator, narrowed to some capabilities at some nodes: never wider
//! than the creator is at the moment of each request.

use serde::{Deserialize, Serialize};

use crate::access::CapabilitySet;
use crate::model::{CustomRole, CustomRoleId, Grant, GrantId, NodeId, RoleRef};
use crate::snapshot::Snapshot;
use crate::user::UserId;

/// What a token may do: these capabilities, at these nodes and below.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Scope {
    pub capabilities: CapabilitySet,
    pub nodes: Vec<NodeId>,
}

impl Snapshot {
    /// This snapshot with `user`'s grants cut down to `scope`: each grant keeps only the
    /// scope's capabilities, and only where it overlaps one of the scope's nodes. Every rule
    /// then decides for the token exactly as for a person who held those narrower grants, so
    /// a token can never do, grant or see more than its creator (R11).
    pub fn narrowed(&self, user: &UserId, scope: &Scope) -> Snapshot {
        let mut roles: Vec<CustomRole> = self.custom_roles().cloned().collect();
        let mut grants: Vec<Grant> = self.grants().filter(|g| g.user != *user).cloned().collect();
        let held: Vec<&Grant> = self.grants_of(user).collect();
        for (g, grant) in held.into_iter().enumerate() {
            let Some(caps) = self.role_caps(&grant.role) else {
                continue;
            };
            let caps = caps.intersection(scope.capabilities);
            if caps.is_empty() {
                continue;
            }
            let role = CustomRoleId(format!("scope:{g}"));
            roles.push(CustomRole {
                id: role.clone(),
                name: format!("{} (token)", self.role_name(&grant.role)),
                capabilities: caps,
            });
            for (t, node) in scope.nodes.iter().enumerate() {
                let at = if self.is_within(node, &grant.node) {
                    node
                } else if self.is_within(&grant.node, node) {
                    &grant.node
                } else {
                    continue;
                };
                grants.push(Grant {
                    id: GrantId(format!("scope:{g}:{t}")),
                    user: user.clone(),
                    role: RoleRef::Custom(role.clone()),
                    node: at.clone(),
                    starts_at: grant.starts_at,
                    ends_at: grant.ends_at,
                });
            }
        }
        let narrowed = Snapshot::build(
            self.agency().clone(),
            self.nodes().cloned().collect(),
            self.users().cloned().collect(),
            roles,
            grants,
        )
        .expect("the same rows with fewer grants fit together");
        match self.counts {
            Some(counts) => narrowed.with_counts(counts),
            None => narrowed,
        }
    }
}
