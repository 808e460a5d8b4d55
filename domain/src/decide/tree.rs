//! Deciding about the account tree: creating, renaming, moving and deleting nodes.

use crate::access::Capability;
use crate::event::Event;
use crate::input::Name;
use crate::model::{Node, NodeId, NodeKind};
use crate::rule::{Refusal, Rule, refuse};

use super::*;

impl Decider<'_> {
    pub(super) fn create_node(
        &self,
        node: &NodeId,
        parent: &NodeId,
        kind: &NodeKind,
        name: &Name,
    ) -> Result<Vec<Event>, Refusal> {
        self.node(parent)?;
        if *kind == NodeKind::Agency {
            return refuse(
                Rule::Input,
                "An agency is the top of its own tree, never inside another",
            );
        }
        if self.s.node_ix.contains_key(node) {
            return refuse(Rule::Conflict, format!("Node {node} already exists"));
        }
        self.need(Capability::AccountsCreate, parent, Rule::R15)?;
        Ok(vec![Event::NodeCreated {
            node: Node {
                id: node.clone(),
                parent: Some(parent.clone()),
                kind: *kind,
                name: name.as_str().to_owned(),
            },
        }])
    }

    pub(super) fn rename_node(&self, node: &NodeId, name: &Name) -> Result<Vec<Event>, Refusal> {
        self.node(node)?;
        self.need(Capability::AccountsEdit, node, Rule::R15)?;
        Ok(vec![Event::NodeRenamed {
            node: node.clone(),
            name: name.as_str().to_owned(),
        }])
    }

    pub(super) fn move_node(&self, node: &NodeId, parent: &NodeId) -> Result<Vec<Event>, Refusal> {
        let moving = self.node(node)?;
        self.node(parent)?;
        let Some(old_parent) = &moving.parent else {
            return refuse(
                Rule::Input,
                "The agency is the top of the tree and cannot move",
            );
        };
        if self.s.is_within(parent, node) {
            return refuse(Rule::Input, "A node cannot move inside itself");
        }
        self.need(Capability::AccountsDelete, old_parent, Rule::R15)?;
        self.need(Capability::AccountsCreate, parent, Rule::R15)?;
        Ok(vec![Event::NodeMoved {
            node: node.clone(),
            parent: parent.clone(),
        }])
    }

    pub(super) fn delete_node(&self, node: &NodeId) -> Result<Vec<Event>, Refusal> {
        let deleting = self.node(node)?;
        let Some(parent) = &deleting.parent else {
            return refuse(Rule::Input, "The agency itself cannot be deleted here");
        };
        let children = self
            .s
            .nodes()
            .filter(|n| n.parent.as_ref() == Some(node))
            .count();
        if children > 0 {
            return refuse(
                Rule::Conflict,
                format!(
                    "{} still has {children} accounts or locations; move or delete them first",
                    deleting.name
                ),
            );
        }
        // R15, and the Administrator preset: deleting needs the right above the node.
        self.need(Capability::AccountsDelete, parent, Rule::R15)?;
        if let Some(campaign) = crate::campaign::at_node(self.s, node) {
            return refuse(
                Rule::Conflict,
                format!(
                    "The campaign {} is in {}; move it or delete it first",
                    campaign.name, deleting.name
                ),
            );
        }
        let mut events = revocations(self.s.grants().filter(|g| g.node == *node));
        events.push(Event::NodeDeleted { node: node.clone() });
        Ok(events)
    }
}
