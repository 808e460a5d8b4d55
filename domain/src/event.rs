//! A change as decided, and how a snapshot takes it.

use serde::{Deserialize, Serialize};

use crate::agent::AgentSettings;
use crate::model::{
    Campaign, CampaignId, CustomRole, CustomRoleId, Grant, GrantId, Millis, Node, NodeId, Plan,
    RoleRef, User,
};
use crate::snapshot::Snapshot;
use crate::user::{UserId, UserState};

/// A change to apply, as decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
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
