//! `GET /api/v1/users`.

use domain::api::{RoleAtNode, UserSummary, UsersPage};
use worker::{Request, Response};

use super::{Ctx, json, session::authenticate};
use crate::error::ApiError;
use crate::store::users;

/// The users the actor may see: those holding a grant inside the actor's `users.view` reach
/// (R1, R10), with the grants that lie inside it.
pub async fn list(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let actor = authenticate(req, ctx).await?;
    let rows = users::visible_to(&ctx.db, &actor, ctx.now).await?;
    if rows.is_empty() {
        // The actor is in its own reach whenever it has any: empty means no users.view at all.
        return Err(ApiError::Forbidden {
            rule: "R10",
            reason: "Seeing people needs the users.view capability in some account".into(),
        });
    }
    let mut page: Vec<UserSummary> = Vec::new();
    for row in rows {
        let grant = RoleAtNode {
            role: row.role,
            node: row.node,
        };
        match page.last_mut() {
            Some(last) if last.id.0 == row.id => last.roles.push(grant),
            _ => page.push(UserSummary {
                id: domain::UserId(row.id),
                name: row.name,
                email: row.email,
                state: row.state,
                roles: vec![grant],
            }),
        }
    }
    let total = page.len() as u32;
    json(200, &UsersPage { users: page, total })
}
