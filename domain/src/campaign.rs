//! Dialer campaigns and the agency's agent lists (§7).
//!
//! A campaign lives at one node and names agent groups; whoever is in one of those groups
//! dials on it, if they may place calls there. Assigning a group puts all its members on the
//! campaign, so a team is added as a unit (seed 002) and a person who joins the group joins
//! every campaign of it.

use serde::{Deserialize, Serialize};

use crate::access::Capability;
use crate::model::{Campaign, Millis, NodeId};
use crate::snapshot::Snapshot;
use crate::user::{UserId, UserState};

/// The most agent groups one campaign names.
pub const MAX_CAMPAIGN_GROUPS: usize = 50;
/// The most campaigns an agency keeps.
pub const MAX_CAMPAIGNS: usize = 500;

/// Why a member of a campaign's groups does not dial on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LeftOut {
    /// Invited, not yet in.
    NotYetIn,
    Suspended,
    /// Their calling switch is off (R4).
    CallingOff,
    /// No role of theirs lets them make calls at the campaign's node or under it.
    NoCallingThere,
}

impl LeftOut {
    /// In words for an administrator.
    pub fn words(self) -> &'static str {
        match self {
            LeftOut::NotYetIn => "has not accepted the invitation yet",
            LeftOut::Suspended => "is suspended",
            LeftOut::CallingOff => "has calling switched off",
            LeftOut::NoCallingThere => {
                "has no role that makes calls where the campaign is, or under it"
            }
        }
    }
}

/// A member of one of a campaign's groups, and whether they dial on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Dialer {
    pub id: UserId,
    pub name: String,
    /// The campaign's groups they are in.
    pub groups: Vec<String>,
    /// `None` when they dial; otherwise why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_out: Option<LeftOut>,
}

impl Snapshot {
    /// Everyone in one of `campaign`'s groups, among the people this snapshot holds, by name:
    /// those who dial on it and, with the reason, those who do not.
    pub fn dialers(&self, campaign: &Campaign, now: Millis) -> Vec<Dialer> {
        let mut out: Vec<Dialer> = self
            .users()
            .filter(|u| u.state != UserState::Deleted && u.state != UserState::NotificationOnly)
            .filter_map(|u| {
                let groups: Vec<String> = campaign
                    .agent_groups
                    .iter()
                    .filter(|g| u.settings.agent_groups.contains(g))
                    .cloned()
                    .collect();
                if groups.is_empty() {
                    return None;
                }
                let left_out = match u.state {
                    UserState::Invited => Some(LeftOut::NotYetIn),
                    UserState::Suspended => Some(LeftOut::Suspended),
                    _ if !u.calling_enabled => Some(LeftOut::CallingOff),
                    _ if !self.calls_within(&u.id, &campaign.node, now) => {
                        Some(LeftOut::NoCallingThere)
                    }
                    _ => None,
                };
                Some(Dialer {
                    id: u.id.clone(),
                    name: u.name.clone(),
                    groups,
                    left_out,
                })
            })
            .collect();
        out.sort_by_cached_key(|d| (crate::input::name_key(&d.name), d.id.clone()));
        out
    }
}

impl Snapshot {
    /// Whether `user` may make calls at `node` or somewhere under it: an agent of one of an
    /// account's locations dials on the account's campaigns.
    fn calls_within(&self, user: &UserId, node: &NodeId, now: Millis) -> bool {
        self.can(user, Capability::CallsMake, node, now)
            || self.grants_of(user).any(|g| {
                g.is_active(now)
                    && self.is_within(&g.node, node)
                    && self
                        .role_caps(&g.role)
                        .is_some_and(|caps| caps.contains(Capability::CallsMake))
            })
    }
}

/// Whether `node` still holds a campaign: it cannot be deleted until the campaign moves.
pub(crate) fn at_node<'a>(snapshot: &'a Snapshot, node: &NodeId) -> Option<&'a Campaign> {
    snapshot.campaigns().find(|c| c.node == *node)
}
