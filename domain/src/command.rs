//! Every change someone may ask for, as a command, and the smaller set the console makes
//! offline. What each command needs loaded to be decided is in [`crate::needs`]; the events a
//! decision yields are in [`crate::event`].

use serde::{Deserialize, Serialize};

use crate::access::CapabilitySet;
use crate::agent::AgentSettings;
use crate::email::Email;
use crate::input::Name;
use crate::model::{CampaignId, CustomRoleId, GrantId, Millis, NodeId, NodeKind, Plan, RoleRef};
use crate::user::UserId;

pub use crate::input::{MAX_ID, valid_id};

/// A change someone asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
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

/// The changes the console makes offline: a subset of [`Command`], written exactly as the
/// Worker reads a `Command`. The app carries this and not `Command`, whose reading (every
/// command, agent settings, time zones) would more than double its WASM size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum OfflineCommand {
    Suspend {
        user: UserId,
    },
    Unsuspend {
        user: UserId,
    },
    EditProfile {
        user: UserId,
        name: Option<Name>,
        email: Option<Email>,
    },
}

impl From<OfflineCommand> for Command {
    fn from(command: OfflineCommand) -> Command {
        match command {
            OfflineCommand::Suspend { user } => Command::Suspend { user },
            OfflineCommand::Unsuspend { user } => Command::Unsuspend { user },
            OfflineCommand::EditProfile { user, name, email } => {
                Command::EditProfile { user, name, email }
            }
        }
    }
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
