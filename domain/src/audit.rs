//! Audit entries (R25): who changed what, when, and the thing before and after.
//!
//! Entries are derived from the decided events, one per event, so nothing that changes state
//! can escape the log. Storage only ever appends them.

use serde::{Deserialize, Serialize};

use crate::event::Event;
use crate::model::{CustomRole, Grant, Millis, Node, Plan};
use crate::snapshot::Snapshot;
use crate::user::UserId;

/// The state of one thing, as an audit entry shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Subject {
    User {
        user: Box<crate::model::User>,
    },
    Grant {
        grant: Grant,
    },
    Node {
        node: Node,
    },
    Role {
        role: CustomRole,
    },
    Plan {
        plan: Plan,
    },
    Owner {
        user: UserId,
    },
    Settings {
        agent_statuses: Vec<String>,
        agent_groups: Vec<String>,
        require_two_factor: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session_idle_minutes: Option<u32>,
    },
    Reassignment {
        from: UserId,
        to: UserId,
    },
    /// A person's own address, changed by them and confirmed by a link to the new one.
    Address {
        email: String,
    },
    Campaign {
        campaign: crate::model::Campaign,
    },
    /// A service token the platform asks with (never its secret).
    ServiceToken {
        name: String,
    },
    /// Where the agency's changes are delivered (never its signing secret).
    Webhook {
        url: String,
    },
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AuditEntry {
    pub at: Millis,
    pub actor: UserId,
    /// The actor's name as it was when the entry was written: history keeps it (R24).
    #[serde(default)]
    pub actor_name: String,
    /// The event's name, `granted`, `state_changed`, …
    pub action: String,
    /// The id of the thing changed.
    pub target: String,
    /// The name of the thing changed (for a grant, its holder's) as it was then (R24).
    #[serde(default)]
    pub target_name: Option<String>,
    pub before: Option<Subject>,
    pub after: Option<Subject>,
}

/// Every action the audit log records, as its entries name them: one per kind of event, and the
/// address change a person confirms by mail.
pub const ACTIONS: &[&str] = &[
    "user_added",
    "profile_changed",
    "switches_changed",
    "settings_changed",
    "state_changed",
    "invitation_issued",
    "granted",
    "revoked",
    "role_changed",
    "reassigned",
    "node_created",
    "node_renamed",
    "node_moved",
    "node_deleted",
    "role_defined",
    "role_edited",
    "role_deleted",
    "plan_changed",
    "owner_changed",
    "agency_configured",
    "campaign_saved",
    "campaign_deleted",
    "email_changed",
    "service_token_created",
    "service_token_revoked",
    "webhook_added",
    "webhook_removed",
];

/// The name of what `event` did, as the audit log and webhook messages (`type`) call it.
pub fn action_name(event: &Event) -> &'static str {
    match event {
        Event::UserAdded { .. } => "user_added",
        Event::ProfileChanged { .. } => "profile_changed",
        Event::SwitchesChanged { .. } => "switches_changed",
        Event::SettingsChanged { .. } => "settings_changed",
        Event::StateChanged { .. } => "state_changed",
        Event::InvitationIssued { .. } => "invitation_issued",
        Event::Granted { .. } => "granted",
        Event::Revoked { .. } => "revoked",
        Event::RoleChanged { .. } => "role_changed",
        Event::Reassigned { .. } => "reassigned",
        Event::NodeCreated { .. } => "node_created",
        Event::NodeRenamed { .. } => "node_renamed",
        Event::NodeMoved { .. } => "node_moved",
        Event::NodeDeleted { .. } => "node_deleted",
        Event::RoleDefined { .. } => "role_defined",
        Event::RoleEdited { .. } => "role_edited",
        Event::RoleDeleted { .. } => "role_deleted",
        Event::PlanChanged { .. } => "plan_changed",
        Event::OwnerChanged { .. } => "owner_changed",
        Event::AgencyConfigured { .. } => "agency_configured",
        Event::CampaignSaved { .. } => "campaign_saved",
        Event::CampaignDeleted { .. } => "campaign_deleted",
    }
}

/// What an event touches, and that thing's state in `snapshot`.
fn subject(snapshot: &Snapshot, event: &Event) -> (String, Option<Subject>) {
    let user = |id: &UserId| {
        (
            id.0.clone(),
            snapshot.user(id).map(|u| Subject::User {
                user: Box::new(u.clone()),
            }),
        )
    };
    let node = |id: &crate::model::NodeId| {
        (
            id.0.clone(),
            snapshot.node(id).map(|n| Subject::Node { node: n.clone() }),
        )
    };
    let grant = |id: &crate::model::GrantId| {
        (
            id.0.clone(),
            snapshot
                .grant(id)
                .map(|g| Subject::Grant { grant: g.clone() }),
        )
    };
    let role = |id: &crate::model::CustomRoleId| {
        (
            id.0.clone(),
            snapshot
                .custom_roles()
                .find(|r| r.id == *id)
                .map(|r| Subject::Role { role: r.clone() }),
        )
    };
    let campaign = |id: &crate::model::CampaignId| {
        (
            id.0.clone(),
            snapshot.campaign(id).map(|c| Subject::Campaign {
                campaign: c.clone(),
            }),
        )
    };
    match event {
        Event::UserAdded { user: u } => user(&u.id),
        Event::ProfileChanged { user: u, .. }
        | Event::SwitchesChanged { user: u, .. }
        | Event::SettingsChanged { user: u, .. }
        | Event::StateChanged { user: u, .. }
        | Event::InvitationIssued { user: u, .. } => user(u),
        Event::Granted { grant: g } => grant(&g.id),
        Event::Revoked { grant: g } | Event::RoleChanged { grant: g, .. } => grant(g),
        Event::Reassigned { from, to } => (
            from.0.clone(),
            Some(Subject::Reassignment {
                from: from.clone(),
                to: to.clone(),
            }),
        ),
        Event::NodeCreated { node: n } => node(&n.id),
        Event::NodeRenamed { node: n, .. }
        | Event::NodeMoved { node: n, .. }
        | Event::NodeDeleted { node: n } => node(n),
        Event::RoleDefined { role: r } | Event::RoleEdited { role: r } => role(&r.id),
        Event::RoleDeleted { role: r } => role(r),
        Event::PlanChanged { .. } => (
            "plan".to_owned(),
            Some(Subject::Plan {
                plan: snapshot.agency().plan,
            }),
        ),
        Event::AgencyConfigured { .. } => {
            let agency = snapshot.agency();
            (
                "settings".to_owned(),
                Some(Subject::Settings {
                    agent_statuses: agency.agent_statuses.clone(),
                    agent_groups: agency.agent_groups.clone(),
                    require_two_factor: agency.require_two_factor,
                    session_idle_minutes: agency.session_idle_minutes,
                }),
            )
        }
        Event::OwnerChanged { .. } => (
            "owner".to_owned(),
            Some(Subject::Owner {
                user: snapshot.agency().owner.clone(),
            }),
        ),
        Event::CampaignSaved { campaign: c } => campaign(&c.id),
        Event::CampaignDeleted { campaign: c } => campaign(c),
    }
}

/// The name an entry shows for what it is about: a person's, a node's or a role's; for a
/// grant, its holder's; for a hand-over, the one handing over.
fn name_of(snapshot: &Snapshot, subject: &Subject) -> Option<String> {
    let person = |id: &UserId| snapshot.user(id).map(|u| u.name.clone());
    match subject {
        Subject::User { user } => Some(user.name.clone()),
        Subject::Grant { grant } => person(&grant.user),
        Subject::Node { node } => Some(node.name.clone()),
        Subject::Role { role } => Some(role.name.clone()),
        Subject::Campaign { campaign } => Some(campaign.name.clone()),
        Subject::Owner { user } => person(user),
        Subject::Reassignment { from, .. } => person(from),
        Subject::ServiceToken { name } => Some(name.clone()),
        Subject::Webhook { url } => Some(url.clone()),
        Subject::Plan { .. } | Subject::Settings { .. } | Subject::Address { .. } => None,
    }
}

/// Applies `events` to `snapshot` and returns the audit entry of each, in order.
pub fn apply_audited(
    snapshot: &mut Snapshot,
    actor: &UserId,
    events: &[Event],
    now: Millis,
) -> Vec<AuditEntry> {
    events
        .iter()
        .map(|event| {
            let (target, before) = subject(snapshot, event);
            let actor_name = snapshot
                .user(actor)
                .map_or_else(|| actor.0.clone(), |u| u.name.clone());
            let named_before = before.as_ref().and_then(|b| name_of(snapshot, b));
            snapshot.apply(event);
            let (_, after) = subject(snapshot, event);
            let target_name = after
                .as_ref()
                .and_then(|a| name_of(snapshot, a))
                .or(named_before);
            let after = match event {
                Event::Reassigned { .. } => before.clone(),
                _ => after,
            };
            AuditEntry {
                at: now,
                actor: actor.clone(),
                actor_name,
                action: action_name(event).to_owned(),
                target,
                target_name,
                before: if matches!(event, Event::Reassigned { .. }) {
                    None
                } else {
                    before
                },
                after,
            }
        })
        .collect()
}

/// What an audit entry's action did, as the end of a sentence that starts with who did it
/// ("Ada Admin" + "suspended them"); `after` sharpens a change of state.
pub fn action_words(action: &str, after: Option<&Subject>) -> String {
    let state = match after {
        Some(Subject::User { user }) => Some(user.state),
        _ => None,
    };
    match (action, state) {
        ("state_changed", Some(crate::user::UserState::Suspended)) => "suspended them".into(),
        ("state_changed", Some(crate::user::UserState::Active)) => "made them active".into(),
        ("state_changed", Some(crate::user::UserState::Deleted)) => "deleted them".into(),
        ("state_changed", Some(s)) => format!("set their state to {}", s.label()),
        ("state_changed", None) => "changed their state".into(),
        ("user_added", _) => "added them".into(),
        ("profile_changed", _) => "changed their name or address".into(),
        ("switches_changed", _) => "changed their calling or contact-edit switch".into(),
        ("settings_changed", _) => "changed their agent settings".into(),
        ("invitation_issued", _) => "sent them an invitation".into(),
        ("granted", _) => "gave them a role".into(),
        ("revoked", _) => "took a role away".into(),
        ("role_changed", _) => "changed one of their roles".into(),
        ("reassigned", _) => "handed their work to someone else".into(),
        ("node_created", _) => "created an account or location".into(),
        ("node_renamed", _) => "renamed an account or location".into(),
        ("node_moved", _) => "moved an account or location".into(),
        ("node_deleted", _) => "deleted an account or location".into(),
        ("role_defined", _) => "created a role".into(),
        ("role_edited", _) => "changed a role".into(),
        ("role_deleted", _) => "deleted a role".into(),
        ("plan_changed", _) => "changed the plan".into(),
        ("owner_changed", _) => "handed the agency to a new owner".into(),
        ("agency_configured", _) => "changed the agency's settings".into(),
        ("campaign_saved", _) => "made or changed a campaign".into(),
        ("campaign_deleted", _) => "deleted a campaign".into(),
        ("email_changed", _) => "changed their address".into(),
        ("service_token_created", _) => "made a service token for the platform".into(),
        ("service_token_revoked", _) => "revoked a service token".into(),
        ("webhook_added", _) => "added a webhook endpoint".into(),
        ("webhook_removed", _) => "removed a webhook endpoint".into(),
        (other, _) => other.replace('_', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_as_words_not_as_its_id() {
        for action in ACTIONS {
            let words = action_words(action, None);
            assert!(!words.contains('_'), "{action}");
            assert_ne!(
                words,
                action.replace('_', " "),
                "{action} has no words of its own"
            );
        }
    }
}
