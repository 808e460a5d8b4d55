//! Roles: the built-in ones and the agency's own (custom) roles.

use domain::api::{RoleDefinition, RoleInfo, RoleList};
use domain::{BuiltinRole, Command, CustomRoleId, Needs, RoleRef};
use worker::{Request, Response};

use super::commands::{answer, given_or_fresh};
use super::session::load_caller;
use super::{Ctx, json, read_json};
use crate::error::ApiError;

/// `GET /api/v1/roles`: every role a grant can name, with its capabilities. Any member of the
/// agency may read them: they are what the console's pickers offer.
pub async fn list(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let needs = Needs {
        all_roles: true,
        ..Needs::default()
    };
    let (_, snapshot) = load_caller(req, ctx, needs).await?;
    let mut roles: Vec<RoleInfo> = BuiltinRole::ALL
        .iter()
        .map(|&role| RoleInfo {
            role: RoleRef::Builtin(role),
            name: role.name().to_owned(),
            capabilities: role.capabilities(),
        })
        .collect();
    roles.extend(
        snapshot
            .custom_roles()
            .filter(|r| !r.id.0.starts_with("scope:"))
            .map(|r| RoleInfo {
                role: RoleRef::Custom(r.id.clone()),
                name: r.name.clone(),
                capabilities: r.capabilities,
            }),
    );
    json(200, &RoleList { roles })
}

/// `POST /api/v1/roles`: defines a custom role.
pub async fn create(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: RoleDefinition = read_json(req).await?;
    let command = Command::DefineRole {
        role: given_or_fresh(body.id, "r", CustomRoleId)?,
        name: body.name,
        capabilities: body.capabilities,
    };
    answer(req, ctx, command, 201).await
}

/// `PUT /api/v1/roles/{id}`: renames a custom role and replaces its capabilities.
pub async fn edit(req: &mut Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let body: RoleDefinition = read_json(req).await?;
    if body.id.as_ref().is_some_and(|given| given.0 != id) {
        return Err(ApiError::field(
            "id",
            "the body names another role than the path",
        ));
    }
    let command = Command::EditRole {
        role: CustomRoleId(id.to_owned()),
        name: body.name,
        capabilities: body.capabilities,
    };
    answer(req, ctx, command, 200).await
}

/// `DELETE /api/v1/roles/{id}`: deletes a custom role nobody holds.
pub async fn delete(req: &Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let command = Command::DeleteRole {
        role: CustomRoleId(id.to_owned()),
    };
    answer(req, ctx, command, 200).await
}
