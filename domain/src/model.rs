//! The things an agency is made of: the account tree, roles, grants, people and the plan.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::access::{BuiltinRole, CapabilitySet};
use crate::agent::AgentSettings;
use crate::user::{UserId, UserState};

/// Milliseconds since the Unix epoch. `domain` never reads a clock: time is always an input.
pub type Millis = i64;

/// One hour in [`Millis`].
pub const HOUR: Millis = 60 * 60 * 1000;
/// One day in [`Millis`].
pub const DAY: Millis = 24 * HOUR;

macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
        #[serde(transparent)]
        pub struct $name(
            #[serde(deserialize_with = "crate::input::deserialize_id")]
            #[cfg_attr(
                feature = "openapi",
                schemars(regex(pattern = crate::input::ID_PATTERN))
            )]
            pub String,
        );

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name(value.to_owned())
            }
        }
    };
}

text_id!(
    /// A node of the account tree.
    NodeId
);
text_id!(
    /// A grant of one role to one user at one node.
    GrantId
);
text_id!(
    /// A custom role of an agency.
    CustomRoleId
);
text_id!(
    /// A dialer campaign of an agency.
    CampaignId
);

/// What a node of the account tree stands for. Kinds are labels: any kind may sit under any
/// other but the agency, which is always and only the root.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Agency,
    Account,
    Group,
    Subgroup,
    Location,
}

impl NodeKind {
    /// The name used in storage and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Agency => "agency",
            NodeKind::Account => "account",
            NodeKind::Group => "group",
            NodeKind::Subgroup => "subgroup",
            NodeKind::Location => "location",
        }
    }
}

/// A node of the account tree: the agency at the root, accounts, groups, subgroups, locations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Node {
    pub id: NodeId,
    /// `None` only for the agency's own node.
    pub parent: Option<NodeId>,
    pub kind: NodeKind,
    pub name: String,
}

/// A role as a grant names it: a preset, or one of the agency's own.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum RoleRef {
    Builtin(BuiltinRole),
    Custom(CustomRoleId),
}

/// A role an agency defined: a name and a set of capabilities (R20).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CustomRole {
    pub id: CustomRoleId,
    pub name: String,
    pub capabilities: CapabilitySet,
}

/// One role held by one user at one node, optionally only between two times (R3, §11).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Grant {
    pub id: GrantId,
    pub user: UserId,
    pub role: RoleRef,
    pub node: NodeId,
    /// The grant holds from this time on; `None`: from its creation.
    pub starts_at: Option<Millis>,
    /// The grant holds until just before this time; `None`: until revoked.
    pub ends_at: Option<Millis>,
}

impl Grant {
    /// Whether the grant holds at `now`.
    pub fn is_active(&self, now: Millis) -> bool {
        self.starts_at.is_none_or(|start| start <= now) && self.ends_at.is_none_or(|end| now < end)
    }
}

/// A dialer campaign (§7): it lives at one node and dials with every member of its agent
/// groups, so a team is assigned as a unit rather than by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Campaign {
    pub id: CampaignId,
    pub name: String,
    pub node: NodeId,
    /// Names from the agency's list of agent groups.
    pub agent_groups: Vec<String>,
}

/// A person of the agency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub state: UserState,
    /// The dialer switch (R4): off drops `calls.make` and frees a dialer seat (R31).
    pub calling_enabled: bool,
    /// The contact-edit switch (R4): a per-user grant of `contacts.edit`.
    pub contact_edit: bool,
    /// For an invited user, when the invitation stops holding its seat and its link dies (R21).
    pub invitation_expires_at: Option<Millis>,
    /// Platform support staff let in by the agency for a limited time (§11); never a seat.
    pub support: bool,
    /// Hours, numbers, status, groups, router places (§7).
    pub settings: AgentSettings,
}

impl User {
    /// A new person in the given state, switches in their default position.
    pub fn new(id: UserId, email: &str, name: &str, state: UserState) -> Self {
        User {
            id,
            email: email.to_owned(),
            name: name.to_owned(),
            state,
            calling_enabled: true,
            contact_edit: false,
            invitation_expires_at: None,
            support: false,
            settings: AgentSettings::default(),
        }
    }
}

/// How an agency pays, and so how many people it may have (R30).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "plan", rename_all = "snake_case")]
pub enum Plan {
    /// The owner and one more person.
    Solo,
    /// Self-serve up to 25 people; more only when support set `seat_override`.
    Team { seat_override: Option<u32> },
    /// A purchased number of dialer seats; only people who dial count (R31).
    Seats { seats: u32 },
    /// No limit.
    Unlimited,
}

impl Plan {
    /// The most seats the plan allows, `None` for no limit.
    pub fn seat_limit(self) -> Option<u32> {
        match self {
            Plan::Solo => Some(2),
            Plan::Team { seat_override } => Some(seat_override.unwrap_or(25).max(25)),
            Plan::Seats { seats } => Some(seats),
            Plan::Unlimited => None,
        }
    }

    /// The plan's name for people.
    pub fn name(self) -> &'static str {
        match self {
            Plan::Solo => "Solo",
            Plan::Team { .. } => "Team",
            Plan::Seats { .. } => "Seats",
            Plan::Unlimited => "Unlimited",
        }
    }

    /// What raises the limit, in plain words.
    pub fn how_to_raise(self) -> &'static str {
        match self {
            Plan::Solo => "move to the Team plan",
            Plan::Team { .. } => "ask support to raise the seat limit, or move to Unlimited",
            Plan::Seats { .. } => "buy more seats",
            Plan::Unlimited => "nothing: the plan has no limit",
        }
    }
}

/// The agency itself: the root of everything it owns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Agency {
    pub id: String,
    pub name: String,
    pub plan: Plan,
    /// The person the agency belongs to; ownership moves only by transfer.
    pub owner: UserId,
    /// The price of one seat, in cents per month, for the cost preview.
    pub seat_price_cents: u32,
    /// The agent statuses people can set (`Available`, `On a break`, …).
    pub agent_statuses: Vec<String>,
    /// The agent groups campaigns can take as a unit.
    pub agent_groups: Vec<String>,
    /// Whether everyone must sign in with a second factor (TOTP).
    #[serde(default)]
    pub require_two_factor: bool,
    /// Minutes without use after which a session of the agency ends; `None`: the platform's
    /// own limit of three days.
    #[serde(default)]
    pub session_idle_minutes: Option<u32>,
}

/// The shortest inactivity an agency may set before sessions end, in minutes.
pub const SESSION_IDLE_MIN: u32 = 5;
/// The longest: the platform's own limit of three days, in minutes.
pub const SESSION_IDLE_MAX: u32 = 3 * 24 * 60;

impl Agency {
    /// An agency with the usual agent statuses and no groups.
    pub fn new(id: &str, name: &str, plan: Plan, owner: UserId, seat_price_cents: u32) -> Self {
        Agency {
            id: id.to_owned(),
            name: name.to_owned(),
            plan,
            owner,
            seat_price_cents,
            agent_statuses: ["Available", "On a call", "On a break", "Offline"]
                .map(str::to_owned)
                .to_vec(),
            agent_groups: Vec::new(),
            session_idle_minutes: None,
            require_two_factor: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_limited_grant_holds_from_its_start_until_just_before_its_end() {
        let grant = Grant {
            id: "g".into(),
            user: UserId("u".into()),
            role: RoleRef::Builtin(BuiltinRole::Agent),
            node: "n".into(),
            starts_at: Some(100),
            ends_at: Some(200),
        };
        assert!(!grant.is_active(99));
        assert!(grant.is_active(100));
        assert!(grant.is_active(199));
        assert!(!grant.is_active(200));
    }

    #[test]
    fn r30_plan_limits() {
        assert_eq!(Plan::Solo.seat_limit(), Some(2));
        assert_eq!(
            Plan::Team {
                seat_override: None
            }
            .seat_limit(),
            Some(25)
        );
        assert_eq!(
            Plan::Team {
                seat_override: Some(40)
            }
            .seat_limit(),
            Some(40)
        );
        assert_eq!(Plan::Seats { seats: 7 }.seat_limit(), Some(7));
        assert_eq!(Plan::Unlimited.seat_limit(), None);
    }
}
