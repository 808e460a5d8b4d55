//! What part of an agency a decision needs.
//!
//! D1 bills every row read, so the Worker loads for each command only what [`Command::needs`]
//! names, builds a partial [`Snapshot`] from it with the agency-wide [`AgencyCounts`], and
//! decides on that. [`Snapshot::restrict`] cuts the same part out of a whole snapshot; the
//! property tests prove that deciding on it answers exactly as deciding on the whole agency.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::command::Command;
use crate::model::{CustomRoleId, GrantId, NodeId, RoleRef};
use crate::snapshot::Snapshot;
use crate::user::UserId;

/// The rows a command's decision reads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Needs {
    /// People to load with all their grants and the ancestry of every node those sit at.
    /// The actor is always one.
    pub users: BTreeSet<UserId>,
    /// Grants to load by id, with their holder as in `users`.
    pub grants: BTreeSet<GrantId>,
    /// Nodes to load with their ancestry up to the agency node.
    pub nodes: BTreeSet<NodeId>,
    /// Nodes whose children and the grants at them (with their holders) are needed.
    pub contents_of: BTreeSet<NodeId>,
    /// Custom roles to load.
    pub roles: BTreeSet<CustomRoleId>,
    /// Custom roles whose every grant (with its holder) is needed.
    pub holders_of: BTreeSet<CustomRoleId>,
    /// E-mail addresses whose holders are needed, to keep addresses unique.
    pub emails: BTreeSet<String>,
    /// Phone numbers whose destination people are needed (a number has one).
    pub numbers: BTreeSet<String>,
    /// Whether every custom role is needed (role names are unique across the agency).
    pub all_roles: bool,
    /// Whether every node is needed (a bulk add names nodes by their names).
    #[serde(default)]
    pub all_nodes: bool,
    /// Whether the agency's campaigns are needed (they are few, and loaded whole).
    #[serde(default)]
    pub campaigns: bool,
    /// Whether everyone with an agent status or in an agent group is needed (a list
    /// shrinks, and they come off it).
    #[serde(default)]
    pub listed: bool,
    /// Whether the agency-wide counts (seats, administrators) are needed.
    pub counts: bool,
}

impl Needs {
    /// Adds what `other` needs to what this needs.
    pub fn merge(&mut self, other: Needs) {
        self.users.extend(other.users);
        self.grants.extend(other.grants);
        self.nodes.extend(other.nodes);
        self.contents_of.extend(other.contents_of);
        self.roles.extend(other.roles);
        self.holders_of.extend(other.holders_of);
        self.emails.extend(other.emails);
        self.numbers.extend(other.numbers);
        self.all_roles |= other.all_roles;
        self.all_nodes |= other.all_nodes;
        self.campaigns |= other.campaigns;
        self.listed |= other.listed;
        self.counts |= other.counts;
    }
}

impl Command {
    /// The part of the agency that deciding this command, by `actor`, reads.
    pub fn needs(&self, actor: &UserId) -> Needs {
        let mut n = self.needs_beside_actor();
        n.users.insert(actor.clone());
        n
    }

    /// What deciding this command reads besides the actor, for a caller the Worker reads in
    /// the same batch as these rows.
    pub fn needs_beside_actor(&self) -> Needs {
        let mut n = Needs {
            counts: true,
            ..Needs::default()
        };
        let role = |n: &mut Needs, role: &RoleRef| {
            if let RoleRef::Custom(id) = role {
                n.roles.insert(id.clone());
            }
        };
        match self {
            Command::Invite {
                user,
                grant,
                email,
                node,
                ..
            }
            | Command::AddNotificationUser {
                user,
                grant,
                email,
                node,
                ..
            } => {
                n.users.insert(user.clone());
                n.grants.insert(grant.clone());
                n.nodes.insert(node.clone());
                n.emails.insert(email.as_str().to_owned());
                if let Command::Invite { role: r, .. } = self {
                    role(&mut n, r);
                }
            }
            Command::EditProfile { user, email, .. } => {
                n.users.insert(user.clone());
                n.emails.extend(email.iter().map(|e| e.as_str().to_owned()));
            }
            Command::EditAgentSettings { user, settings } => {
                n.users.insert(user.clone());
                n.numbers.extend(
                    settings
                        .tracking_numbers
                        .iter()
                        .map(|e| e.as_str().to_owned()),
                );
            }
            Command::SetSwitches { user, .. }
            | Command::Suspend { user }
            | Command::Unsuspend { user }
            | Command::ResendInvitation { user }
            | Command::RevokeInvitation { user }
            | Command::AcceptInvitation { user } => {
                n.users.insert(user.clone());
            }
            Command::Delete { user, reassign_to } => {
                n.users.insert(user.clone());
                n.users.extend(reassign_to.iter().cloned());
            }
            Command::Grant {
                grant,
                user,
                role: r,
                node,
                ..
            } => {
                n.users.insert(user.clone());
                n.grants.insert(grant.clone());
                n.nodes.insert(node.clone());
                role(&mut n, r);
            }
            Command::Revoke { grant } => {
                n.grants.insert(grant.clone());
            }
            Command::ChangeRole { grant, role: r } => {
                n.grants.insert(grant.clone());
                role(&mut n, r);
            }
            Command::CreateNode { node, parent, .. } => {
                n.nodes.insert(node.clone());
                n.nodes.insert(parent.clone());
            }
            Command::RenameNode { node, .. } => {
                n.nodes.insert(node.clone());
            }
            Command::MoveNode { node, parent } => {
                n.nodes.insert(node.clone());
                n.nodes.insert(parent.clone());
            }
            Command::DeleteNode { node } => {
                n.nodes.insert(node.clone());
                n.contents_of.insert(node.clone());
                n.campaigns = true;
            }
            Command::DefineRole { role: id, .. } => {
                n.roles.insert(id.clone());
                n.all_roles = true;
            }
            Command::EditRole { role: id, .. } => {
                n.roles.insert(id.clone());
                n.holders_of.insert(id.clone());
                n.all_roles = true;
            }
            Command::DeleteRole { role: id } => {
                n.roles.insert(id.clone());
                n.holders_of.insert(id.clone());
            }
            Command::ChangePlan { .. } => {}
            Command::ConfigureAgency {
                agent_statuses,
                agent_groups,
                ..
            } => {
                n.listed = agent_statuses.is_some() || agent_groups.is_some();
                n.campaigns = agent_groups.is_some();
            }
            Command::CreateCampaign { node, .. } | Command::EditCampaign { node, .. } => {
                n.nodes.insert(node.clone());
                n.campaigns = true;
            }
            Command::DeleteCampaign { .. } => n.campaigns = true,
            Command::TransferOwnership { to, grant } => {
                n.users.insert(to.clone());
                n.grants.insert(grant.clone());
            }
            Command::GrantSupportAccess {
                user, grant, email, ..
            } => {
                n.users.insert(user.clone());
                n.grants.insert(grant.clone());
                n.emails.insert(email.as_str().to_owned());
            }
        }
        n
    }
}

impl Snapshot {
    /// The part of this (whole) snapshot that `needs` names, with the agency-wide counts: what
    /// the Worker would load from D1 for the same command.
    pub fn restrict(&self, needs: &Needs, now: crate::model::Millis) -> Snapshot {
        let mut users: BTreeSet<UserId> = needs.users.clone();
        users.extend(
            needs
                .grants
                .iter()
                .filter_map(|g| self.grant(g))
                .map(|g| g.user.clone()),
        );
        users.extend(
            self.users()
                .filter(|u| needs.emails.contains(&u.email))
                .map(|u| u.id.clone()),
        );
        let holds_number = |u: &&crate::model::User| {
            u.settings
                .tracking_numbers
                .iter()
                .any(|n| needs.numbers.contains(n.as_str()))
        };
        users.extend(self.users().filter(holds_number).map(|u| u.id.clone()));
        if needs.listed {
            let listed = |u: &&crate::model::User| {
                u.settings.agent_status.is_some() || !u.settings.agent_groups.is_empty()
            };
            users.extend(self.users().filter(listed).map(|u| u.id.clone()));
        }
        for grant in self.grants() {
            let in_contents = needs.contents_of.contains(&grant.node);
            let holds_role =
                matches!(&grant.role, RoleRef::Custom(id) if needs.holders_of.contains(id));
            if in_contents || holds_role {
                users.insert(grant.user.clone());
            }
        }
        let users: Vec<_> = users
            .iter()
            .filter_map(|id| self.user(id))
            .cloned()
            .collect();
        let grants: Vec<_> = users
            .iter()
            .flat_map(|u| self.grants_of(&u.id))
            .cloned()
            .collect();

        let mut nodes: BTreeSet<NodeId> = BTreeSet::new();
        let campaigns: Vec<_> = if needs.campaigns {
            self.campaigns().cloned().collect()
        } else {
            Vec::new()
        };
        let starts = needs
            .nodes
            .iter()
            .chain(campaigns.iter().map(|c| &c.node))
            .chain(grants.iter().map(|g| &g.node))
            .chain(std::iter::once(self.root()));
        for node in starts {
            nodes.extend(self.ancestry(node).into_iter().cloned());
        }
        let children = self.nodes().filter(|n| {
            n.parent
                .as_ref()
                .is_some_and(|p| needs.contents_of.contains(p))
        });
        nodes.extend(children.map(|n| n.id.clone()));
        if needs.all_nodes {
            nodes.extend(self.nodes().map(|n| n.id.clone()));
        }
        // Parents before children keeps the order storage would give; build accepts any.
        let nodes: Vec<_> = nodes
            .iter()
            .filter_map(|id| self.node(id))
            .cloned()
            .collect();

        let mut roles: BTreeSet<&CustomRoleId> = needs.roles.iter().collect();
        roles.extend(grants.iter().filter_map(|g| match &g.role {
            RoleRef::Custom(id) => Some(id),
            RoleRef::Builtin(_) => None,
        }));
        let roles: Vec<_> = self
            .custom_roles()
            .filter(|r| needs.all_roles || roles.contains(&r.id))
            .cloned()
            .collect();

        Snapshot::build(self.agency().clone(), nodes, users, roles, grants)
            .expect("a part of a consistent agency is consistent")
            .with_counts(self.counts(now))
            .with_campaigns(campaigns)
    }
}
