//! `GET /api/v1/explain`: why a person may or may not do something somewhere (§9).

use domain::{Capability, Needs, NodeId, UserId};
use worker::{Request, Response};

use super::query;
use super::session::load_caller;
use super::{Ctx, json};
use crate::error::ApiError;

/// `?user=&capability=&node=`: the grants that allow it, or what is missing. The caller must
/// be able to see the person (R1); anyone else is answered as not found (R2).
pub async fn get(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let params = query::params(req, &["user", "capability", "node"])?;
    let field = |name: &str| query::required(&params, name);
    let user = UserId(field("user")?);
    let node = NodeId(field("node")?);
    let capability: Capability =
        serde_json::from_value(serde_json::Value::String(field("capability")?))
            .map_err(|_| ApiError::field("capability", "not a capability of Switchboard"))?;
    let mut needs = Needs::default();
    needs.users.insert(user.clone());
    needs.nodes.insert(node.clone());
    let (actor, snapshot) = load_caller(req, ctx, needs).await?;
    if snapshot.user(&user).is_none()
        || snapshot.node(&node).is_none()
        || !snapshot.can_view_user(&actor.user_id, &user, ctx.now)
        || !(actor.user_id == user
            || snapshot.can(&actor.user_id, Capability::UsersView, &node, ctx.now))
    {
        return Err(ApiError::NotFound);
    }
    json(200, &snapshot.explain(&user, capability, &node, ctx.now))
}
