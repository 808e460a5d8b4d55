//! What the signed-in person may do at a node, as the Worker last said (`/me`'s access), for
//! hiding or disabling what they may not do, with the reason. The Worker decides again.

use domain::explain::AccessAt;
use domain::read::{Access, Listed};
use domain::{Capability, CapabilitySet, Node, NodeId};

/// A node's ancestors, nearest first, within the part of the tree the person sees.
pub fn ancestors<'a>(nodes: &'a [Node], node: &NodeId) -> Vec<&'a NodeId> {
    Listed { access: &[], nodes }.ancestors(node)
}

/// Everything `access` gives at `node`: what is granted there and above it (R1).
pub fn caps_at(access: &[AccessAt], nodes: &[Node], node: &NodeId) -> CapabilitySet {
    Listed { access, nodes }.at(node)
}

/// Everything `access` gives at the top of the tree, where the agency's own settings, roles
/// and lists are changed; nothing while the tree is not known.
pub fn caps_at_top(access: &[AccessAt], nodes: &[Node]) -> CapabilitySet {
    let listed = Listed { access, nodes };
    listed
        .top()
        .map_or(CapabilitySet::EMPTY, |top| listed.at(top))
}

/// Why the person may not do `capability` at `node`, in words; `None` when they may.
pub fn why_not(
    access: &[AccessAt],
    nodes: &[Node],
    node: &NodeId,
    capability: Capability,
) -> Option<String> {
    if caps_at(access, nodes, node).contains(capability) {
        None
    } else {
        Some(format!("You may not {} here.", capability.words()))
    }
}

/// Why the person may not give a role with `role_caps` at `node`: they need to change roles
/// there (R10), and hold everything the role gives (R11).
pub fn why_not_grant(
    access: &[AccessAt],
    nodes: &[Node],
    node: &NodeId,
    role_caps: CapabilitySet,
) -> Option<String> {
    let mine = caps_at(access, nodes, node);
    if !mine.contains(Capability::UsersRoles) && !mine.contains(Capability::UsersInvite) {
        return Some("You may not change roles here.".into());
    }
    let missing = role_caps.minus(mine.without(Capability::Login));
    let missing = missing.without(Capability::Login);
    if missing.is_empty() {
        None
    } else {
        let first = missing
            .iter()
            .next()
            .map(Capability::words)
            .unwrap_or_default();
        Some(format!(
            "You can only give what you may do yourself here; this role would let them {first}."
        ))
    }
}

/// Whether `access` gives `capability` over a person holding `roles`: at one of their nodes
/// or above it (R1). Someone with no role yet (an invitation without one) is the agency's, so
/// it is asked at the root.
pub fn over_person(
    access: &[AccessAt],
    nodes: &[Node],
    roles: &[domain::api::RoleAtNode],
    capability: Capability,
) -> bool {
    if roles.is_empty() {
        return caps_at_top(access, nodes).contains(capability);
    }
    roles
        .iter()
        .any(|g| caps_at(access, nodes, &NodeId(g.node_id.clone())).contains(capability))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::NodeKind;

    fn node(id: &str, parent: Option<&str>) -> Node {
        Node {
            id: NodeId(id.into()),
            parent: parent.map(|p| NodeId(p.into())),
            kind: NodeKind::Account,
            name: id.into(),
        }
    }

    #[test]
    fn r1_what_is_granted_above_reaches_below() {
        let nodes = [node("a", None), node("b", Some("a")), node("c", Some("b"))];
        let access = [AccessAt {
            node: NodeId("b".into()),
            capabilities: CapabilitySet::of(&[Capability::UsersView]),
        }];
        assert!(caps_at(&access, &nodes, &NodeId("c".into())).contains(Capability::UsersView));
        assert!(!caps_at(&access, &nodes, &NodeId("a".into())).contains(Capability::UsersView));
        assert!(why_not(&access, &nodes, &NodeId("a".into()), Capability::UsersView).is_some());
        // The top of the tree is "a": a grant at "b" gives nothing there.
        assert!(caps_at_top(&access, &nodes).is_empty());
        assert!(caps_at_top(&access, &[]).is_empty());
    }

    #[test]
    fn r11_a_role_larger_than_ones_own_is_refused_with_words() {
        let nodes = [node("a", None)];
        let access = [AccessAt {
            node: NodeId("a".into()),
            capabilities: CapabilitySet::of(&[Capability::UsersRoles, Capability::Login]),
        }];
        let at = NodeId("a".into());
        let small = CapabilitySet::of(&[Capability::Login]);
        let big = CapabilitySet::of(&[Capability::Login, Capability::BillingManage]);
        assert_eq!(why_not_grant(&access, &nodes, &at, small), None);
        let why = why_not_grant(&access, &nodes, &at, big).unwrap();
        assert!(why.contains("manage billing"), "{why}");
    }

    #[test]
    fn over_a_person_is_at_their_nodes_or_at_the_root_when_they_have_none() {
        let nodes = [
            node("root", None),
            node("east", Some("root")),
            node("west", Some("root")),
        ];
        let access = [AccessAt {
            node: NodeId("east".into()),
            capabilities: CapabilitySet::of(&[Capability::UsersEdit]),
        }];
        let held_at = |id: &str| {
            serde_json::from_value::<domain::api::RoleAtNode>(serde_json::json!({
                "role": "Agent", "node": id, "node_id": id
            }))
            .unwrap()
        };
        let edit = Capability::UsersEdit;
        assert!(over_person(&access, &nodes, &[held_at("east")], edit));
        assert!(!over_person(&access, &nodes, &[held_at("west")], edit));
        assert!(over_person(
            &access,
            &nodes,
            &[held_at("west"), held_at("east")],
            edit
        ));
        assert!(
            !over_person(&access, &nodes, &[], edit),
            "no role: asked at the root"
        );
    }
}
