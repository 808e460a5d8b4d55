//! Capabilities and the built-in roles of PRODUCT.md §2 and §3.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! capabilities {
    ($($variant:ident => $name:literal, $words:literal,)*) => {
        /// One verb on one kind of thing (PRODUCT.md §2).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum Capability { $($variant,)* }

        impl Capability {
            /// Every capability, in the order of PRODUCT.md §2.
            pub const ALL: &'static [Capability] = &[$(Capability::$variant,)*];

            /// The dotted name used on the wire and in storage (`users.invite`).
            pub fn as_str(self) -> &'static str {
                match self { $(Capability::$variant => $name,)* }
            }

            /// What it lets someone do, in words for a person ("suspend people"): what the
            /// console and the API's messages say, where `as_str` is for scripts.
            pub fn words(self) -> &'static str {
                match self { $(Capability::$variant => $words,)* }
            }
        }
    };
}

capabilities! {
    AccountsView => "accounts.view", "see accounts and locations",
    AccountsCreate => "accounts.create", "create accounts and locations",
    AccountsEdit => "accounts.edit", "change accounts and locations",
    AccountsDelete => "accounts.delete", "delete accounts and locations",
    UsersView => "users.view", "see people",
    UsersInvite => "users.invite", "add people",
    UsersEdit => "users.edit", "change people's details",
    UsersRoles => "users.roles", "change people's roles",
    UsersSuspend => "users.suspend", "suspend people",
    UsersDelete => "users.delete", "delete people",
    NumbersView => "numbers.view", "see phone numbers",
    NumbersEdit => "numbers.edit", "change tracking numbers",
    NumbersBuy => "numbers.buy", "buy phone numbers",
    NumbersAssign => "numbers.assign", "assign phone numbers",
    CallflowsView => "callflows.view", "see call flows",
    CallflowsEdit => "callflows.edit", "change call flows",
    CallsViewAll => "calls.view.all", "see every call",
    CallsViewOwn => "calls.view.own", "see their own calls",
    CallsListen => "calls.listen", "listen to calls",
    CallsAnnotate => "calls.annotate", "note, tag and score calls",
    CallsMake => "calls.make", "make calls",
    CampaignsView => "campaigns.view", "see campaigns and who dials on them",
    CampaignsManage => "campaigns.manage", "create and change campaigns",
    TagsManage => "tags.manage", "manage tags",
    MessagesView => "messages.view", "read messages",
    MessagesViewOwn => "messages.view.own", "read their own messages",
    MessagesReply => "messages.reply", "reply to messages",
    LeadsViewAll => "leads.view.all", "see every lead",
    LeadsViewOwn => "leads.view.own", "see their own leads",
    ContactsEdit => "contacts.edit", "edit contacts",
    ReportsView => "reports.view", "see reports",
    IntegrationsManage => "integrations.manage", "manage integrations",
    PlatformConnect => "platform.connect", "connect the call-tracking platform: service tokens and webhooks",
    BillingView => "billing.view", "see billing",
    BillingManage => "billing.manage", "manage billing",
    SettingsEdit => "settings.edit", "change the agency's settings",
    NotificationsReceive => "notifications.receive", "receive notifications",
    Login => "login", "sign in",
}

impl Capability {
    /// What it is about, in words for a person ("People", "Calls"): the console groups
    /// capabilities by it. Capabilities of one subject share the first word of their id.
    pub fn subject(self) -> &'static str {
        match self.as_str().split('.').next().unwrap_or_default() {
            "accounts" => "Accounts and locations",
            "users" => "People",
            "numbers" => "Phone numbers",
            "callflows" => "Call flows",
            "calls" => "Calls",
            "campaigns" => "Campaigns",
            "tags" => "Tags",
            "messages" => "Messages",
            "leads" => "Leads",
            "contacts" => "Contacts",
            "reports" => "Reports",
            "integrations" => "Integrations",
            "platform" => "The platform",
            "billing" => "Billing",
            "settings" => "Agency settings",
            "notifications" => "Notifications",
            _ => "Signing in",
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Capability {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Capability {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// A name that is not one of [`Capability::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown capability {0:?}")]
pub struct UnknownCapability(pub String);

impl FromStr for Capability {
    type Err = UnknownCapability;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Capability::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownCapability(s.to_owned()))
    }
}

/// A set of capabilities, one bit each.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CapabilitySet(u64);

impl CapabilitySet {
    /// No capability at all.
    pub const EMPTY: CapabilitySet = CapabilitySet(0);

    /// The set of the given capabilities.
    pub fn of(capabilities: &[Capability]) -> Self {
        capabilities.iter().fold(Self::EMPTY, |set, &c| set.with(c))
    }

    /// Every capability there is.
    pub fn all() -> Self {
        Self::of(Capability::ALL)
    }

    /// This set plus `capability`.
    pub const fn with(self, capability: Capability) -> Self {
        CapabilitySet(self.0 | 1 << capability as u8)
    }

    /// This set less `capability`.
    pub const fn without(self, capability: Capability) -> Self {
        CapabilitySet(self.0 & !(1 << capability as u8))
    }

    /// The union of both sets.
    pub const fn union(self, other: CapabilitySet) -> Self {
        CapabilitySet(self.0 | other.0)
    }

    /// Whether `capability` is in the set.
    pub const fn contains(self, capability: Capability) -> bool {
        self.0 & (1 << capability as u8) != 0
    }

    /// Whether every capability of `other` is in this set.
    pub const fn is_superset(self, other: CapabilitySet) -> bool {
        other.0 & !self.0 == 0
    }

    /// The capabilities in the set, in the order of [`Capability::ALL`].
    pub fn iter(self) -> impl Iterator<Item = Capability> {
        Capability::ALL
            .iter()
            .copied()
            .filter(move |&c| self.contains(c))
    }
}

impl fmt::Debug for CapabilitySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.iter().map(Capability::as_str))
            .finish()
    }
}

impl Serialize for CapabilitySet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for CapabilitySet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let list = Vec::<Capability>::deserialize(deserializer)?;
        Ok(CapabilitySet::of(&list))
    }
}

impl CapabilitySet {
    /// How many capabilities the set holds.
    pub const fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The capabilities of `self` that `other` lacks.
    pub const fn minus(self, other: CapabilitySet) -> Self {
        CapabilitySet(self.0 & !other.0)
    }

    /// The capabilities in both sets.
    pub const fn intersection(self, other: CapabilitySet) -> Self {
        CapabilitySet(self.0 & other.0)
    }
}

macro_rules! builtin_roles {
    ($($variant:ident => $name:literal,)*) => {
        /// The preset roles of PRODUCT.md §3.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
        pub enum BuiltinRole { $(#[serde(rename = $name)] $variant,)* }

        impl BuiltinRole {
            /// Every built-in role, most powerful first.
            pub const ALL: &'static [BuiltinRole] = &[$(BuiltinRole::$variant,)*];

            /// The name an administrator reads.
            pub fn name(self) -> &'static str {
                match self { $(BuiltinRole::$variant => $name,)* }
            }
        }
    };
}

builtin_roles! {
    AgencyAdministrator => "Agency Administrator",
    Administrator => "Administrator",
    Manager => "Manager",
    Reporting => "Reporting",
    Notification => "Notification",
    MarketingManager => "Marketing Manager",
    ReportManager => "Report Manager",
    CallManager => "Call Manager",
    Billing => "Billing",
    Supervisor => "Supervisor",
    Agent => "Agent",
    MessagingAgent => "Messaging Agent",
    Viewer => "Viewer",
}

impl BuiltinRole {
    /// What the role lets someone do, in one line for the person choosing it.
    pub fn summary(self) -> &'static str {
        match self {
            BuiltinRole::AgencyAdministrator => "Everything, across the whole agency.",
            BuiltinRole::Administrator => {
                "Everything in their accounts, except adding or removing top-level accounts."
            }
            BuiltinRole::Manager => {
                "Manages people, numbers and call flows in their accounts, and sees reports."
            }
            BuiltinRole::Reporting => "Sees and listens to calls, reads reports, connects tools.",
            BuiltinRole::Notification => "Receives notifications only and never signs in.",
            BuiltinRole::MarketingManager => "Sees numbers, call flows, calls and reports.",
            BuiltinRole::ReportManager => "Sees calls and reports.",
            BuiltinRole::CallManager => {
                "Sees, listens to and notes calls; reads and answers texts."
            }
            BuiltinRole::Billing => "Sees and manages the plan, seats and invoices.",
            BuiltinRole::Supervisor => {
                "An agent who also sees, listens to and reports on every call."
            }
            BuiltinRole::Agent => "Makes calls and works their own calls, leads and texts.",
            BuiltinRole::MessagingAgent => "Reads and answers texts and chats.",
            BuiltinRole::Viewer => "Sees everything except messages, and changes nothing.",
        }
    }
}

impl BuiltinRole {
    /// What the role gives at the node where it is granted and below (R1).
    pub fn capabilities(self) -> CapabilitySet {
        use Capability::*;
        let login = CapabilitySet::of(&[Login]);
        let reporting = CapabilitySet::of(&[
            CallsViewAll,
            CallsListen,
            CallsAnnotate,
            ReportsView,
            IntegrationsManage,
            NotificationsReceive,
        ]);
        // An agent reads and answers only the conversations routed to them.
        let agent = CapabilitySet::of(&[
            CallsViewOwn,
            LeadsViewOwn,
            CallsMake,
            MessagesViewOwn,
            MessagesReply,
        ]);
        let set = match self {
            BuiltinRole::AgencyAdministrator | BuiltinRole::Administrator => CapabilitySet::all(),
            BuiltinRole::Manager => CapabilitySet::of(&[
                NumbersView,
                NumbersEdit,
                NumbersBuy,
                NumbersAssign,
                CallflowsView,
                CallflowsEdit,
                UsersView,
                UsersInvite,
                UsersEdit,
                UsersRoles,
                UsersSuspend,
                UsersDelete,
                CampaignsView,
                CampaignsManage,
            ])
            .union(reporting),
            BuiltinRole::Reporting => reporting,
            BuiltinRole::Notification => return CapabilitySet::of(&[NotificationsReceive]),
            BuiltinRole::MarketingManager => {
                CapabilitySet::of(&[NumbersView, CallflowsView, CallsViewAll, ReportsView])
            }
            BuiltinRole::ReportManager => CapabilitySet::of(&[CallsViewAll, ReportsView]),
            BuiltinRole::CallManager => CapabilitySet::of(&[
                CallsViewAll,
                CallsListen,
                CallsAnnotate,
                MessagesView,
                MessagesReply,
            ]),
            BuiltinRole::Billing => CapabilitySet::of(&[BillingView, BillingManage]),
            BuiltinRole::Supervisor => agent.union(CapabilitySet::of(&[
                CallsViewAll,
                CallsListen,
                ReportsView,
                CampaignsView,
            ])),
            BuiltinRole::Agent => agent,
            BuiltinRole::MessagingAgent => CapabilitySet::of(&[MessagesView, MessagesReply]),
            BuiltinRole::Viewer => CapabilitySet::of(&[
                AccountsView,
                UsersView,
                NumbersView,
                CallflowsView,
                CallsViewAll,
                CampaignsView,
                LeadsViewAll,
                ReportsView,
                BillingView,
            ]),
        };
        set.union(login)
    }
}

/// A name that is not one of [`BuiltinRole::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}")]
pub struct UnknownRole(pub String);

impl FromStr for BuiltinRole {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BuiltinRole::ALL
            .iter()
            .copied()
            .find(|r| r.name() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Capability::*;

    #[test]
    fn every_capability_has_a_subject_and_a_subjects_capabilities_are_adjacent() {
        assert_eq!(UsersSuspend.subject(), "People");
        assert_eq!(Login.subject(), "Signing in");
        // Only `login` falls through to the last subject: a new prefix gets its own words.
        for &c in Capability::ALL {
            assert!(
                c == Login || c.subject() != "Signing in",
                "{c} has no subject"
            );
        }
        // Grouping in the order of ALL gives each subject once.
        let mut seen: Vec<&str> = Vec::new();
        for &c in Capability::ALL {
            if seen.last() != Some(&c.subject()) {
                assert!(!seen.contains(&c.subject()), "{} is split", c.subject());
                seen.push(c.subject());
            }
        }
    }

    #[test]
    fn every_capability_round_trips_through_its_name() {
        for &c in Capability::ALL {
            assert_eq!(c.as_str().parse::<Capability>(), Ok(c));
        }
        assert!(
            Capability::ALL.len() < 64,
            "a CapabilitySet holds at most 64"
        );
    }

    #[test]
    fn notification_users_have_no_login() {
        // PRODUCT.md §3: Notification is notifications.receive only, no login (R16).
        let caps = BuiltinRole::Notification.capabilities();
        assert!(!caps.contains(Login));
        assert_eq!(caps.iter().collect::<Vec<_>>(), vec![NotificationsReceive]);
    }

    #[test]
    fn every_other_built_in_role_signs_in() {
        for &role in BuiltinRole::ALL {
            if role != BuiltinRole::Notification {
                assert!(role.capabilities().contains(Login), "{role:?}");
            }
        }
    }

    #[test]
    fn a_manager_holds_reporting_and_notification_but_not_billing() {
        let manager = BuiltinRole::Manager.capabilities();
        assert!(manager.is_superset(BuiltinRole::Reporting.capabilities()));
        assert!(manager.is_superset(BuiltinRole::Notification.capabilities()));
        assert!(!manager.contains(BillingManage));
        assert!(!manager.contains(AccountsCreate));
    }

    #[test]
    fn a_supervisor_is_an_agent_who_sees_every_call() {
        let supervisor = BuiltinRole::Supervisor.capabilities();
        assert!(supervisor.is_superset(BuiltinRole::Agent.capabilities()));
        assert!(supervisor.contains(CallsViewAll));
        assert!(!BuiltinRole::Agent.capabilities().contains(CallsViewAll));
    }

    #[test]
    fn a_viewer_changes_nothing_and_sees_no_messages() {
        let viewer = BuiltinRole::Viewer.capabilities();
        for c in viewer.iter() {
            let name = c.as_str();
            assert!(name.contains(".view") || c == Login, "{name}");
        }
        assert!(!viewer.contains(MessagesView));
        assert!(!viewer.contains(MessagesViewOwn));
    }

    #[test]
    fn role_names_round_trip() {
        for &role in BuiltinRole::ALL {
            assert_eq!(role.name().parse::<BuiltinRole>(), Ok(role));
        }
    }
}
