//! Grants: a role at a node for a person (R3, R11, R12, R13).

use domain::{Command, GrantId, UserId};
use worker::{Request, Response};

use super::commands::{answer, given_or_fresh};
use super::{Ctx, read_json};
use crate::error::ApiError;

/// `POST /api/v1/users/{id}/grants`: gives the person a role at a node, optionally between two
/// times.
pub async fn add(req: &mut Request, ctx: &Ctx, user: &str) -> Result<Response, ApiError> {
    let body: domain::api::NewGrant = read_json(req).await?;
    let command = Command::Grant {
        grant: given_or_fresh(body.id, "g", GrantId)?,
        user: UserId(user.to_owned()),
        role: body.role,
        node: body.node,
        starts_at: body.starts_at,
        ends_at: body.ends_at,
    };
    answer(req, ctx, command, 201).await
}

/// `PATCH /api/v1/grants/{id}`: promotes or demotes: another role at the same node (R13).
pub async fn change(req: &mut Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let body: domain::api::RoleChange = read_json(req).await?;
    let command = Command::ChangeRole {
        grant: GrantId(id.to_owned()),
        role: body.role,
    };
    answer(req, ctx, command, 200).await
}

/// `DELETE /api/v1/grants/{id}`: takes the grant away.
pub async fn remove(req: &Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let command = Command::Revoke {
        grant: GrantId(id.to_owned()),
    };
    answer(req, ctx, command, 200).await
}
