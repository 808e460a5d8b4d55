//! Who may read what: the reads the Worker answers and the console predicts, decided here so
//! that both say the same thing in the same words.
//!
//! Each side knows the reader differently. The Worker holds the agency's [`Snapshot`] and
//! asks it ([`Reader`]); the console holds the access `GET /me` listed ([`Listed`]). Both
//! implement [`Access`], and every function here takes either.

use crate::access::{Capability, CapabilitySet};
use crate::explain::{AccessAt, Record, RecordKind};
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

/// Whether the reader may connect the call-tracking platform: make its service tokens and
/// webhook endpoints, and ask what the platform asks. Both reach the whole agency, so it takes
/// `platform.connect` at the top of the tree.
pub fn platform<'a>(access: &(impl Access<'a> + ?Sized)) -> Result<(), Refusal> {
    let top = access.top().map(|top| access.at(top));
    if top.is_some_and(|caps| caps.contains(Capability::PlatformConnect)) {
        Ok(())
    } else {
        refuse(
            Rule::R10,
            "Connecting the platform is for administrators of the whole agency",
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

/// Which records of a kind a reader sees, in the shape a platform turns into one `WHERE`
/// clause: every record at the nodes of `all`, and their own records at the nodes of `own`
/// (a record is theirs when it was routed or assigned to them, §2). Both lists are whole:
/// every node is named, none is left to be found under another, and no node is in both.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RecordFilter {
    pub all: Vec<NodeId>,
    pub own: Vec<NodeId>,
}

impl RecordFilter {
    /// Whether the filter lets `reader` see `record`: what a platform's
    /// `node IN (all) OR (owner = reader AND node IN (own))` says.
    pub fn allows(&self, reader: &UserId, record: &Record) -> bool {
        self.all.contains(&record.node)
            || (record.owner.as_ref() == Some(reader) && self.own.contains(&record.node))
    }
}

/// The records of `kind` the reader sees at `nodes` (every node of the agency they may ask
/// about), as a [`RecordFilter`]: decided node by node with what the reader may do there, as
/// [`Snapshot::can_see`] decides one record.
pub fn record_filter<'a, 'n>(
    access: &(impl Access<'a> + ?Sized),
    nodes: impl IntoIterator<Item = &'n NodeId>,
    kind: RecordKind,
) -> RecordFilter {
    let (all, own) = kind.capabilities();
    let mut filter = RecordFilter::default();
    for node in nodes {
        let caps = access.at(node);
        if caps.contains(all) {
            filter.all.push(node.clone());
        } else if caps.contains(own) {
            filter.own.push(node.clone());
        }
    }
    filter
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
        agency_with(&[])
    }

    /// The same agency, with more people, each holding a role at a node.
    fn agency_with(more: &[(&str, BuiltinRole, &str)]) -> Snapshot {
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
            ]
            .into_iter()
            .chain(more.iter().filter(|(u, ..)| *u != "cy").map(|(u, ..)| {
                User::new(
                    UserId((*u).into()),
                    &format!("{u}@x.example"),
                    u,
                    UserState::Active,
                )
            }))
            .collect(),
            vec![],
            [
                grant("g1", "ada", BuiltinRole::AgencyAdministrator, "root"),
                grant("g2", "ben", BuiltinRole::Manager, "a"),
            ]
            .into_iter()
            .chain(
                more.iter()
                    .enumerate()
                    .map(|(i, (u, role, node))| grant(&format!("m{i}"), u, *role, node)),
            )
            .collect(),
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

    /// On 10,000 generated records of every kind, at every node and with every owner, the
    /// filter lets each person see exactly what `can_see` lets them see, and the Worker and
    /// the console compute the same filter.
    #[test]
    fn a_record_filter_sees_exactly_what_can_see_allows() {
        // Dee answers calls in B and sees only her own; Eve reads every message in A; Cy
        // views B.
        let s = agency_with(&[
            ("dee", BuiltinRole::Agent, "b"),
            ("eve", BuiltinRole::MessagingAgent, "a"),
            ("cy", BuiltinRole::Viewer, "b"),
        ]);
        let nodes: Vec<NodeId> = ["root", "a", "b"].map(NodeId::from).to_vec();
        let people: Vec<UserId> = ["ada", "ben", "cy", "dee", "eve"]
            .map(|u| UserId(u.into()))
            .to_vec();
        let kinds = [RecordKind::Call, RecordKind::Lead, RecordKind::Message];
        let mut seed: u64 = 0x5eed;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize % n
        };
        let records: Vec<Record> = (0..10_000)
            .map(|_| Record {
                kind: kinds[next(3)],
                node: nodes[next(nodes.len())].clone(),
                owner: match next(people.len() + 1) {
                    0 => None,
                    i => Some(people[i - 1].clone()),
                },
            })
            .collect();
        let mut seen = 0;
        for person in &people {
            for kind in kinds {
                let filter = both(&s, &person.0, |a| record_filter(a, &nodes, kind));
                assert!(
                    filter.all.iter().all(|n| !filter.own.contains(n)),
                    "no node in both lists"
                );
                for record in records.iter().filter(|r| r.kind == kind) {
                    let allowed = s.can_see(person, record, NOW);
                    assert_eq!(
                        filter.allows(person, record),
                        allowed,
                        "{person} {record:?}"
                    );
                    let why = s.explain_record(person, record, NOW);
                    assert_eq!(why.allowed(), allowed, "{person} {record:?} {why:?}");
                    seen += usize::from(allowed);
                }
            }
        }
        // Some seen and some not: the comparison was not trivially empty either way.
        assert!(seen > 1_000 && seen < 40_000, "{seen}");
    }

    #[test]
    fn r25_only_an_administrator_of_the_whole_agency_reads_the_audit_log() {
        let s = agency();
        let audit = |who| both(&s, who, |a| audit_log(a));
        assert!(audit("ada").is_ok());
        assert_eq!(audit("ben").unwrap_err().rule, Rule::R25);
    }

    #[test]
    fn r10_only_an_administrator_of_the_whole_agency_connects_the_platform() {
        let s = agency();
        let connect = |who| both(&s, who, |a| platform(a));
        assert!(connect("ada").is_ok());
        assert_eq!(
            connect("ben").unwrap_err().rule,
            Rule::R10,
            "a manager of one account may not ask about the whole agency"
        );
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
