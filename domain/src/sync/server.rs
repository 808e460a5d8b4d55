//! The Worker's side: whose rows a change touched, and the fingerprint of a caller's reach,
//! from which it chooses what a pull answers.

use crate::event::Event;
use crate::model::NodeId;
use crate::snapshot::Snapshot;
use crate::user::UserId;

/// Whose rows a change touches, as the change log records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Touched {
    /// These people's rows.
    Users(Vec<Touch>),
    /// Possibly anyone's: a node renamed, moved or deleted, a role edited or deleted.
    Everyone,
}

/// One person whose row a change touched. A revoked grant also names its node: someone leaves a
/// caller's view only by losing a grant inside the caller's reach (or by the caller's reach
/// changing, which resets the caller's copy), so a pull names as removed only people who lost a
/// grant inside the caller's reach, and never the ids of people the caller could not see.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Touch {
    pub user: UserId,
    /// The node of a grant the person lost.
    pub lost_at: Option<NodeId>,
}

impl Touch {
    fn row(user: &UserId) -> Touch {
        Touch {
            user: user.clone(),
            lost_at: None,
        }
    }
}

impl Touched {
    /// The people (or everyone) whose rows `events` touch; `before` answers whose grant a
    /// revoked or changed grant was, and where it was.
    pub fn by(events: &[Event], before: &Snapshot) -> Touched {
        let mut users: Vec<Touch> = Vec::new();
        for event in events {
            match event {
                Event::UserAdded { user } => users.push(Touch::row(&user.id)),
                Event::ProfileChanged { user, .. }
                | Event::SwitchesChanged { user, .. }
                | Event::SettingsChanged { user, .. }
                | Event::StateChanged { user, .. }
                | Event::InvitationIssued { user, .. } => users.push(Touch::row(user)),
                Event::Granted { grant } => users.push(Touch::row(&grant.user)),
                Event::Revoked { grant } => match before.grant(grant) {
                    Some(held) => users.push(Touch {
                        user: held.user.clone(),
                        lost_at: Some(held.node.clone()),
                    }),
                    None => return Touched::Everyone,
                },
                Event::RoleChanged { grant, .. } => match before.grant(grant) {
                    Some(held) => users.push(Touch::row(&held.user)),
                    None => return Touched::Everyone,
                },
                Event::Reassigned { from, to } => users.extend([Touch::row(from), Touch::row(to)]),
                Event::NodeRenamed { .. }
                | Event::NodeMoved { .. }
                | Event::NodeDeleted { .. }
                | Event::RoleEdited { .. }
                | Event::RoleDeleted { .. } => return Touched::Everyone,
                Event::NodeCreated { .. }
                | Event::RoleDefined { .. }
                | Event::PlanChanged { .. }
                | Event::AgencyConfigured { .. }
                | Event::OwnerChanged { .. }
                | Event::CampaignSaved { .. }
                | Event::CampaignDeleted { .. } => {}
            }
        }
        users.sort();
        users.dedup();
        Touched::Users(users)
    }
}

/// A short, stable fingerprint of a reach (the nodes where someone has `users.view`): FNV-1a
/// over the sorted ids. Equal reaches give equal fingerprints; the Worker compares them to
/// decide between an increment and a reset.
pub fn reach_fingerprint<'a>(nodes: impl IntoIterator<Item = &'a str>) -> String {
    let mut ids: Vec<&str> = nodes.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for id in ids {
        for byte in id.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_ignore_order_and_repeats() {
        assert_eq!(
            reach_fingerprint(["b", "a", "a"]),
            reach_fingerprint(["a", "b"])
        );
        assert_ne!(reach_fingerprint(["a"]), reach_fingerprint(["a", "b"]));
        assert_ne!(reach_fingerprint(["ab"]), reach_fingerprint(["a", "b"]));
    }
}
