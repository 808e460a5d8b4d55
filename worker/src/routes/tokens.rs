//! API tokens for scripts: created and revoked by a signed-in person, never wider than them.

use domain::api::{MAX_TOKEN_NODES, NewToken, TokenCreated, TokenInfo, TokenList};
use domain::read::{self, Reader};
use domain::{Needs, Scope};
use worker::{Request, Response};

use super::commands::fresh_id;
use super::session::load_caller;
use super::{
    Ctx, json, read_json,
    session::{authenticate_person, person_only},
};
use crate::error::ApiError;
use crate::store::tokens;
use crate::token;

fn info(row: tokens::Listed) -> Result<TokenInfo, ApiError> {
    fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ApiError> {
        serde_json::from_str(text).map_err(|e| ApiError::Internal(format!("stored token: {e}")))
    }
    Ok(TokenInfo {
        id: row.id,
        name: row.name,
        capabilities: parse(&row.capabilities)?,
        nodes: parse(&row.nodes)?,
        created_at: row.created_at,
        expires_at: row.expires_at,
    })
}

/// `POST /api/v1/tokens`: a token for the caller's scripts, narrowed to some capabilities at
/// some nodes. Each capability must be one the caller holds at each node (R11); the secret is
/// answered this once and stored only as its digest.
pub async fn create(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: NewToken = read_json(req).await?;
    if body.capabilities.is_empty() {
        return Err(ApiError::field(
            "capabilities",
            "name at least one capability",
        ));
    }
    if body.nodes.is_empty() || body.nodes.len() > MAX_TOKEN_NODES {
        return Err(ApiError::field(
            "nodes",
            format!("name from 1 to {MAX_TOKEN_NODES} nodes"),
        ));
    }
    if body.expires_at.is_some_and(|at| at <= ctx.now) {
        return Err(ApiError::field("expires_at", "must be in the future"));
    }
    let mut needs = Needs::default();
    needs.nodes.extend(body.nodes.iter().cloned());
    let (actor, snapshot) = load_caller(req, ctx, needs).await?;
    let actor = person_only(actor)?;
    let scope = Scope {
        capabilities: body.capabilities,
        nodes: body.nodes,
    };
    let reader = Reader {
        snapshot: &snapshot,
        user: &actor.user_id,
        now: ctx.now,
    };
    read::token_scope(&reader, &scope).map_err(ApiError::Refused)?;
    let id = fresh_id("t")?;
    let secret = format!(
        "sbt_{}",
        token::generate().map_err(|e| ApiError::Internal(e.to_string()))?
    );
    tokens::create(
        &ctx.db,
        &id,
        &token::digest(&secret),
        &actor.agency_id,
        &actor.user_id,
        body.name.as_str(),
        &scope,
        body.expires_at,
        ctx.now,
    )
    .await?;
    let token = TokenInfo {
        id,
        name: body.name.as_str().to_owned(),
        capabilities: scope.capabilities,
        nodes: scope.nodes.into_iter().map(|n| n.0).collect(),
        created_at: ctx.now,
        expires_at: body.expires_at,
    };
    json(201, &TokenCreated { token, secret })
}

/// `GET /api/v1/tokens`: the caller's tokens, without their secrets.
pub async fn list(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let actor = authenticate_person(req, ctx).await?;
    let rows = tokens::list(&ctx.db, &actor.agency_id, &actor.user_id).await?;
    let tokens = rows.into_iter().map(info).collect::<Result<_, _>>()?;
    json(200, &TokenList { tokens })
}

/// `DELETE /api/v1/tokens/{id}`: revokes one of the caller's tokens; it fails on its very next
/// use (R23).
pub async fn revoke(req: &Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let actor = authenticate_person(req, ctx).await?;
    if !tokens::revoke(&ctx.db, &actor.agency_id, &actor.user_id, id).await? {
        return Err(ApiError::NotFound);
    }
    let headers = super::api_headers("application/json")?;
    Ok(Response::empty()?.with_status(204).with_headers(headers))
}
