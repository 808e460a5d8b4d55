//! Who may read what: the reads the Worker answers and the console predicts, decided here so
//! that both say the same thing in the same words.
//!
//! Each side knows the reader differently. The Worker holds the agency's [`Snapshot`] and
//! asks it ([`Reader`]); the console holds the access `GET /me` listed ([`Listed`]). Both
//! implement [`Access`], and every function here takes either.

use crate::access::{Capability, CapabilitySet};
use crate::explain::AccessAt;
use crate::model::{Millis, Node, NodeId};
use crate::rule::{Refusal, Rule, refuse};
use crate::scope::Scope;
use crate::snapshot::Snapshot;
use crate::user::UserId;

/// What a reader may do, node by node.
pub trait Access<'a> {
    /// Everything the reader may do at `node`: what is granted there and above it (R1).
    fn at(&self, node: &NodeId) -> CapabilitySet;
    /// The agency's own node, at the top of the tree; `None` while the tree is not known.
    fn top(&self) -> Option<&'a NodeId>;
    /// The nodes where the reader may `capability`, each at most once and none under another.
    fn reach(&self, capability: Capability) -> Vec<&'a NodeId>;
    /// A node's name as people read it.
    fn name(&self, node: &NodeId) -> Option<&'a str>;
}

/// A reader as the Worker knows them: a person in a snapshot of their agency, at a moment.
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a, 'u> {
    pub snapshot: &'a Snapshot,
    pub user: &'u UserId,
    pub now: Millis,
}

impl<'a> Access<'a> for Reader<'a, '_> {
    fn at(&self, node: &NodeId) -> CapabilitySet {
        self.snapshot.capabilities_at(self.user, node, self.now)
    }

    fn top(&self) -> Option<&'a NodeId> {
        Some(self.snapshot.root())
    }

    fn reach(&self, capability: Capability) -> Vec<&'a NodeId> {
        self.snapshot.reach(self.user, capability, self.now)
    }

    fn name(&self, node: &NodeId) -> Option<&'a str> {
        self.snapshot.node(node).map(|n| n.name.as_str())
    }
}

/// A reader as the console knows them: their access as `GET /me` listed it, and the part of
/// the tree they see.
#[derive(Clone, Copy, Debug)]
pub struct Listed<'a> {
    pub access: &'a [AccessAt],
    pub nodes: &'a [Node],
}

impl<'a> Listed<'a> {
    /// `node`'s ancestors, nearest first, within the part of the tree these nodes are.
    pub fn ancestors(&self, node: &NodeId) -> Vec<&'a NodeId> {
        let mut out = Vec::new();
        let mut at = self.parent(node);
        while let Some(id) = at {
            if out.contains(&id) {
                break;
            }
            out.push(id);
            at = self.parent(id);
        }
        out
    }

    fn parent(&self, node: &NodeId) -> Option<&'a NodeId> {
        self.nodes
            .iter()
            .find(|n| &n.id == node)
            .and_then(|n| n.parent.as_ref())
    }
}

impl<'a> Access<'a> for Listed<'a> {
    fn at(&self, node: &NodeId) -> CapabilitySet {
        let above = self.ancestors(node);
        self.access
            .iter()
            .filter(|a| &a.node == node || above.contains(&&a.node))
            .fold(CapabilitySet::EMPTY, |set, a| set.union(a.capabilities))
    }

    fn top(&self) -> Option<&'a NodeId> {
        self.nodes
            .iter()
            .find(|n| n.parent.is_none())
            .map(|n| &n.id)
    }

    fn reach(&self, capability: Capability) -> Vec<&'a NodeId> {
        let holding: Vec<&'a NodeId> = self
            .access
            .iter()
            .filter(|a| a.capabilities.contains(capability))
            .map(|a| &a.node)
            .collect();
        holding
            .iter()
            .copied()
            .filter(|n| !self.ancestors(n).iter().any(|up| holding.contains(up)))
            .collect()
    }

    fn name(&self, node: &NodeId) -> Option<&'a str> {
        self.nodes
            .iter()
            .find(|n| &n.id == node)
            .map(|n| n.name.as_str())
    }
}

/// The nodes where the reader may `capability`, for a list of what is there (people with
/// `users.view`, numbers with `numbers.view`, …), or why they may not list any (R10).
pub fn reach<'a>(
    access: &(impl Access<'a> + ?Sized),
    capability: Capability,
) -> Result<Vec<&'a NodeId>, Refusal> {
    let nodes = access.reach(capability);
    if nodes.is_empty() {
        return refuse(
            Rule::R10,
            format!(
                "Your roles do not let you {} in any account",
                capability.words()
            ),
        );
    }
    Ok(nodes)
}

/// The nodes whose people the reader sees (R1, R10): the reach of the people list.
pub fn people<'a>(access: &(impl Access<'a> + ?Sized)) -> Result<Vec<&'a NodeId>, Refusal> {
    reach(access, Capability::UsersView)
}

/// Whether the reader reads the agency's audit log (R25): an administrator of the whole
/// agency, who may change its settings at the top of the tree.
pub fn audit_log<'a>(access: &(impl Access<'a> + ?Sized)) -> Result<(), Refusal> {
    let top = access.top().map(|top| access.at(top));
    if top.is_some_and(|caps| caps.contains(Capability::SettingsEdit)) {
        Ok(())
    } else {
        refuse(
            Rule::R25,
            "The audit log is for administrators of the agency",
        )
    }
}

/// Whether the reader may make an API token of `scope` (R11): a token does nothing its
/// creator may not, so each of its capabilities must be the reader's at each of its nodes.
/// A node the reader cannot see reads as one that does not exist (R2).
pub fn token_scope<'a>(access: &(impl Access<'a> + ?Sized), scope: &Scope) -> Result<(), Refusal> {
    for node in &scope.nodes {
        let Some(name) = access.name(node) else {
            return refuse(Rule::R2, format!("There is no node {node}"));
        };
        let beyond = scope.capabilities.minus(access.at(node));
        if !beyond.is_empty() {
            let beyond: Vec<&str> = beyond.iter().map(Capability::words).collect();
            return refuse(
                Rule::R11,
                format!(
                    "A token cannot do more than you, and in {name} you cannot {}",
                    beyond.join(", ")
                ),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::BuiltinRole;
    use crate::model::{Agency, Grant, GrantId, NodeKind, Plan, RoleRef, User};
    use crate::user::UserState;

    const NOW: Millis = 1_000;

    /// An agency with two accounts: Ada administers all of it, Ben manages account A.
    fn agency() -> Snapshot {
        let node = |id: &str, parent: Option<&str>, kind| Node {
            id: id.into(),
            parent: parent.map(NodeId::from),
            kind,
            name: id.to_uppercase(),
        };
        let grant = |id: &str, user: &str, role, node: &str| Grant {
            id: GrantId(id.into()),
            user: UserId(user.into()),
            role: RoleRef::Builtin(role),
            node: node.into(),
            starts_at: None,
            ends_at: None,
        };
        Snapshot::build(
            Agency::new("ag", "Agency", Plan::Unlimited, UserId("ada".into()), 0),
            vec![
                node("root", None, NodeKind::Agency),
                node("a", Some("root"), NodeKind::Account),
                node("b", Some("root"), NodeKind::Account),
            ],
            vec![
                User::new(
                    UserId("ada".into()),
                    "ada@x.example",
                    "Ada",
                    UserState::Active,
                ),
                User::new(
                    UserId("ben".into()),
                    "ben@x.example",
                    "Ben",
                    UserState::Active,
                ),
                User::new(UserId("cy".into()), "cy@x.example", "Cy", UserState::Active),
            ],
            vec![],
            vec![
                grant("g1", "ada", BuiltinRole::AgencyAdministrator, "root"),
                grant("g2", "ben", BuiltinRole::Manager, "a"),
            ],
        )
        .unwrap()
    }

    /// Asks as the Worker knows `user` and as the console does, and checks both answer alike.
    fn both<T: PartialEq + std::fmt::Debug>(
        s: &Snapshot,
        user: &str,
        ask: impl Fn(&dyn Access<'_>) -> T,
    ) -> T {
        let user = UserId(user.into());
        let reader = Reader {
            snapshot: s,
            user: &user,
            now: NOW,
        };
        let access = s.effective_access(&user, NOW);
        let nodes: Vec<Node> = s.nodes().cloned().collect();
        let listed = Listed {
            access: &access,
            nodes: &nodes,
        };
        let worker = ask(&reader);
        assert_eq!(worker, ask(&listed), "the Worker and the console disagree");
        worker
    }

    #[test]
    fn r25_only_an_administrator_of_the_whole_agency_reads_the_audit_log() {
        let s = agency();
        let audit = |who| both(&s, who, |a| audit_log(a));
        assert!(audit("ada").is_ok());
        assert_eq!(audit("ben").unwrap_err().rule, Rule::R25);
    }

    #[test]
    fn r10_the_people_list_reaches_where_the_reader_sees_people() {
        let s = agency();
        let list = |who| {
            both(&s, who, |a| {
                people(a).map(|n| n.into_iter().cloned().collect::<Vec<_>>())
            })
        };
        assert_eq!(list("ada").unwrap(), vec![NodeId::from("root")]);
        assert_eq!(list("ben").unwrap(), vec![NodeId::from("a")]);
        assert_eq!(list("cy").unwrap_err().rule, Rule::R10);
    }

    #[test]
    fn r11_a_token_gets_no_more_than_its_maker_holds_where_it_acts() {
        let s = agency();
        let scope = |caps: &[Capability], node: &str| Scope {
            capabilities: CapabilitySet::of(caps),
            nodes: vec![node.into()],
        };
        let may = |who, scope: Scope| both(&s, who, |a| token_scope(a, &scope));
        assert!(may("ben", scope(&[Capability::UsersView], "a")).is_ok());
        let elsewhere = may("ben", scope(&[Capability::UsersView], "b")).unwrap_err();
        assert_eq!(elsewhere.rule, Rule::R11);
        assert!(
            elsewhere.reason.contains("in B you cannot"),
            "{}",
            elsewhere.reason
        );
        let wider = may("ben", scope(&[Capability::BillingManage], "a")).unwrap_err();
        assert_eq!(wider.rule, Rule::R11);
        assert_eq!(
            may("ben", scope(&[Capability::UsersView], "nowhere"))
                .unwrap_err()
                .rule,
            Rule::R2
        );
    }
}
