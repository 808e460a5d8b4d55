//! Why someone can or cannot do something, what they can do where, and who can do a thing.

use serde::{Deserialize, Serialize};

use crate::access::{Capability, CapabilitySet};
use crate::model::{GrantId, Millis, NodeId, RoleRef};
use crate::snapshot::Snapshot;
use crate::user::{UserId, UserState};

/// A grant that gives the capability asked about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Because {
    pub grant: GrantId,
    pub role: RoleRef,
    pub role_name: String,
    /// Where the grant was made: the node asked about or one of its ancestors (R1).
    pub node: NodeId,
}

/// The nearest thing missing when the answer is no.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "missing", rename_all = "snake_case")]
pub enum Missing {
    /// The user or the node is not in this agency (R2).
    Unknown,
    /// The person's state gives no access (invited, suspended, deleted, notification-only).
    State { state: UserState },
    /// The calling switch is off (R4).
    CallingSwitchedOff,
    /// A grant would give it, but is not current at that time.
    NotCurrent {
        grant: GrantId,
        starts_at: Option<Millis>,
        ends_at: Option<Millis>,
    },
    /// Grants reach the node but none of their roles holds the capability.
    NotInRoles { roles: Vec<String> },
    /// A grant gives it, but elsewhere in the tree, not at or above this node (R1).
    Elsewhere { node: NodeId },
    /// Nothing the person holds gives it anywhere.
    Nothing,
    /// The person sees only their own records of this kind here, and this one is not theirs
    /// (`owner` is whom it was routed or assigned to, if anyone).
    NotTheirs { owner: Option<UserId> },
}

/// The answer of [`Snapshot::explain`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum Explanation {
    Allowed { because: Vec<Because> },
    Denied { missing: Missing },
}

impl Explanation {
    /// Whether the answer is yes.
    pub fn allowed(&self) -> bool {
        matches!(self, Explanation::Allowed { .. })
    }
}

/// One node and what a person may do there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AccessAt {
    pub node: NodeId,
    pub capabilities: CapabilitySet,
}

/// Something that belongs to a person and a place: a call, a lead or a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Record {
    pub kind: RecordKind,
    /// Where it happened.
    pub node: NodeId,
    /// The person it was routed or assigned to, if any.
    pub owner: Option<UserId>,
}

/// The kinds of owned records, each with an `all` and an `own` capability.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Call,
    Lead,
    Message,
}

impl RecordKind {
    /// The capabilities that show every record of the kind, and only one's own.
    pub fn capabilities(self) -> (Capability, Capability) {
        match self {
            RecordKind::Call => (Capability::CallsViewAll, Capability::CallsViewOwn),
            RecordKind::Lead => (Capability::LeadsViewAll, Capability::LeadsViewOwn),
            RecordKind::Message => (Capability::MessagesView, Capability::MessagesViewOwn),
        }
    }

    /// The kind whose records `capability` shows (all of them or one's own), if it is one.
    pub fn viewed_by(capability: Capability) -> Option<RecordKind> {
        [RecordKind::Call, RecordKind::Lead, RecordKind::Message]
            .into_iter()
            .find(|kind| {
                let (all, own) = kind.capabilities();
                capability == all || capability == own
            })
    }
}

impl Snapshot {
    /// Whether `user` may see `record`: with the `all` capability at its node, or with the
    /// `own` one when it is theirs (`*.own`, §2).
    pub fn can_see(&self, user: &UserId, record: &Record, now: Millis) -> bool {
        let caps = self.capabilities_at(user, &record.node, now);
        let (all, own) = record.kind.capabilities();
        caps.contains(all) || (caps.contains(own) && record.owner.as_ref() == Some(user))
    }

    /// Why `user` can or cannot see `record` at `now`. Agrees with [`Snapshot::can_see`]
    /// always: allowed by the `all` capability at its node, or by the `own` one when the record
    /// is theirs; when not, the nearest thing missing, which is the owner when the person sees
    /// their own records there.
    pub fn explain_record(&self, user: &UserId, record: &Record, now: Millis) -> Explanation {
        let (all, own) = record.kind.capabilities();
        let every = self.explain(user, all, &record.node, now);
        if every.allowed() {
            return every;
        }
        let theirs = self.explain(user, own, &record.node, now);
        match theirs {
            Explanation::Allowed { .. } if record.owner.as_ref() == Some(user) => theirs,
            Explanation::Allowed { .. } => Explanation::Denied {
                missing: Missing::NotTheirs {
                    owner: record.owner.clone(),
                },
            },
            // What holding their own would lack says more than what holding every one would,
            // unless they hold neither anywhere.
            Explanation::Denied {
                missing: Missing::Nothing,
            } => every,
            Explanation::Denied { .. } => theirs,
        }
    }

    /// Why `user` can or cannot use `capability` at `node` at `now`. Agrees with
    /// [`Snapshot::can`] always.
    pub fn explain(
        &self,
        user: &UserId,
        capability: Capability,
        node: &NodeId,
        now: Millis,
    ) -> Explanation {
        let (Some(&u), Some(&n)) = (self.user_ix.get(user), self.node_ix.get(node)) else {
            return Explanation::Denied {
                missing: Missing::Unknown,
            };
        };
        if self.nodes[n as usize].is_none() {
            return Explanation::Denied {
                missing: Missing::Unknown,
            };
        }
        let entry = &self.users[u as usize];
        if self.caps_ix(u, n, now).contains(capability) {
            let because = entry
                .grants
                .iter()
                .filter(|g| {
                    self.reaches(g.node, n) && g.grant.is_active(now) && g.caps.contains(capability)
                })
                .map(|g| Because {
                    grant: g.grant.id.clone(),
                    role: g.grant.role.clone(),
                    role_name: self.role_name(&g.grant.role),
                    node: g.grant.node.clone(),
                })
                .collect();
            // Only the contact-edit switch gives a capability without a grant holding it.
            return Explanation::Allowed { because };
        }
        let state = entry.user.state;
        let state_allows = match state {
            UserState::Active => true,
            UserState::NotificationOnly => capability == Capability::NotificationsReceive,
            _ => false,
        };
        if !state_allows {
            return Explanation::Denied {
                missing: Missing::State { state },
            };
        }
        let reaching: Vec<_> = entry
            .grants
            .iter()
            .filter(|g| self.reaches(g.node, n))
            .collect();
        if capability == Capability::CallsMake
            && !entry.user.calling_enabled
            && reaching
                .iter()
                .any(|g| g.grant.is_active(now) && g.caps.contains(capability))
        {
            return Explanation::Denied {
                missing: Missing::CallingSwitchedOff,
            };
        }
        if let Some(g) = reaching
            .iter()
            .find(|g| g.caps.contains(capability) && !g.grant.is_active(now))
        {
            return Explanation::Denied {
                missing: Missing::NotCurrent {
                    grant: g.grant.id.clone(),
                    starts_at: g.grant.starts_at,
                    ends_at: g.grant.ends_at,
                },
            };
        }
        let current: Vec<String> = reaching
            .iter()
            .filter(|g| g.grant.is_active(now))
            .map(|g| self.role_name(&g.grant.role))
            .collect();
        if !current.is_empty() {
            return Explanation::Denied {
                missing: Missing::NotInRoles { roles: current },
            };
        }
        if let Some(g) = entry.grants.iter().find(|g| g.caps.contains(capability)) {
            return Explanation::Denied {
                missing: Missing::Elsewhere {
                    node: g.grant.node.clone(),
                },
            };
        }
        Explanation::Denied {
            missing: Missing::Nothing,
        }
    }

    /// Every node where `user` can do anything at `now`, with what they can do there.
    pub fn effective_access(&self, user: &UserId, now: Millis) -> Vec<AccessAt> {
        let Some(&u) = self.user_ix.get(user) else {
            return Vec::new();
        };
        self.node_ix
            .values()
            .filter_map(|&n| {
                let capabilities = self.caps_ix(u, n, now);
                (!capabilities.is_empty()).then(|| AccessAt {
                    node: self.node_id(n).clone(),
                    capabilities,
                })
            })
            .collect()
    }

    /// Every user who can use `capability` at `node` at `now`.
    pub fn who_can(&self, capability: Capability, node: &NodeId, now: Millis) -> Vec<UserId> {
        let Some(&n) = self.node_ix.get(node) else {
            return Vec::new();
        };
        (0..self.users.len() as u32)
            .filter(|&u| self.caps_ix(u, n, now).contains(capability))
            .map(|u| self.users[u as usize].user.id.clone())
            .collect()
    }
}
