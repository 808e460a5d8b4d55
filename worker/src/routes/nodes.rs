//! The account tree: agency, accounts, groups, subgroups and locations (R15).

use domain::api::{NewNode, NodeEdit, NodeList};
use domain::{Command, Needs, Node, NodeId};
use worker::{Request, Response};

use super::commands::{answer_all, given_or_fresh};
use super::session::load_caller;
use super::{Ctx, json, read_json};
use crate::error::ApiError;
use crate::store::tree;

/// `GET /api/v1/nodes`: the nodes under the caller's grants, and the path from the root to
/// each grant so the tree reads whole. Nothing of other branches.
pub async fn list(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let (actor, snapshot) = load_caller(req, ctx, Needs::default()).await?;
    let tops: Vec<&str> = snapshot
        .grants_of(&actor.user_id)
        .filter(|g| g.is_active(ctx.now))
        .map(|g| g.node.0.as_str())
        .collect();
    let mut nodes: Vec<Node> = tree::under(&ctx.db, &actor.agency_id, &tops).await?;
    // The ancestors of the caller's grants, which the load already read.
    for node in snapshot.nodes() {
        if !nodes.iter().any(|n| n.id == node.id) {
            nodes.push(node.clone());
        }
    }
    json(200, &NodeList { nodes })
}

/// `POST /api/v1/nodes`: a new account, group, subgroup or location.
pub async fn create(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: NewNode = read_json(req).await?;
    let command = Command::CreateNode {
        node: given_or_fresh(body.id, "n", NodeId)?,
        parent: body.parent,
        kind: body.kind,
        name: body.name,
    };
    answer_all(req, ctx, &[command], 201).await
}

/// `PATCH /api/v1/nodes/{id}`: renames or moves a node, or both, together.
pub async fn edit(req: &mut Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let body: NodeEdit = read_json(req).await?;
    let node = NodeId(id.to_owned());
    let mut commands = Vec::new();
    if let Some(name) = body.name {
        commands.push(Command::RenameNode {
            node: node.clone(),
            name,
        });
    }
    if let Some(parent) = body.parent {
        commands.push(Command::MoveNode { node, parent });
    }
    answer_all(req, ctx, &commands, 200).await
}

/// `DELETE /api/v1/nodes/{id}`: deletes an empty node.
pub async fn delete(req: &Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let command = Command::DeleteNode {
        node: NodeId(id.to_owned()),
    };
    answer_all(req, ctx, &[command], 200).await
}
