//! The call-tracking platform's routes: it asks who may see a call, lead or message (`check`)
//! and which ones a person may list (`filter`) with a service token, and hears about every
//! change at the webhook endpoints an administrator registers.

use domain::api::{
    CheckAnswers, CheckRequest, DeliveryList, MAX_QUESTIONS, NewServiceToken, NewWebhook,
    RecordFilterAnswer, ServiceTokenCreated, ServiceTokenInfo, ServiceTokenList, WebhookCreated,
    WebhookInfo, WebhookList,
};
use domain::read::{self, Reader};
use domain::{Needs, NodeId, RecordKind, UserId};
use worker::{Request, Response};

use super::commands::fresh_id;
use super::session::{SERVICE_TOKEN_PREFIX, answer_for_platform, load_caller, person_only};
use super::{Ctx, json, query, read_json, read_json_within};
use crate::error::ApiError;
use crate::store::platform::{self, Actor};
use crate::store::sessions;
use crate::{token, webhook};

/// The largest `check` body: a thousand questions with ids of the longest length.
const CHECK_LIMIT: usize = 512 * 1024;

/// `POST /api/v1/check`: each question answered on D1's state as it is now (R23), in order.
/// A person or node the agency does not have is answered `unknown`, never told apart from one
/// that does not exist anywhere (R2).
pub async fn check(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: CheckRequest = read_json_within(req, CHECK_LIMIT).await?;
    if body.questions.is_empty() || body.questions.len() > MAX_QUESTIONS {
        return Err(ApiError::field(
            "questions",
            format!("ask from 1 to {MAX_QUESTIONS} questions at a time"),
        ));
    }
    let mut needs = Needs::default();
    for question in &body.questions {
        needs.users.insert(question.user.clone());
        needs.nodes.insert(question.node.clone());
    }
    let answers = answer_for_platform(req, ctx, needs, |snapshot| {
        Ok(body
            .questions
            .iter()
            .map(|question| question.answer(snapshot, ctx.now))
            .collect())
    })
    .await?;
    json(200, &CheckAnswers { answers })
}

/// `GET /api/v1/filter?user=&kind=`: the nodes where the person sees every record of the kind
/// and those where they see only their own. A person the agency does not have is not found.
pub async fn filter(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let params = query::params(req, &["user", "kind"])?;
    let field = |name: &str| query::required(&params, name);
    let user = UserId(field("user")?);
    if !domain::input::valid_id(&user.0) {
        return Err(ApiError::field("user", "not a person's id"));
    }
    let kind: RecordKind = serde_json::from_value(serde_json::Value::String(field("kind")?))
        .map_err(|_| ApiError::field("kind", "one of call, lead or message"))?;
    let needs = Needs {
        users: [user.clone()].into(),
        all_nodes: true,
        ..Needs::default()
    };
    let (all, own) = answer_for_platform(req, ctx, needs, |snapshot| {
        if snapshot.user(&user).is_none() {
            return Err(ApiError::NotFound);
        }
        let reader = Reader {
            snapshot,
            user: &user,
            now: ctx.now,
        };
        let nodes: Vec<&NodeId> = snapshot.nodes().map(|n| &n.id).collect();
        let filter = read::record_filter(&reader, nodes, kind);
        Ok((filter.all, filter.own))
    })
    .await?;
    json(
        200,
        &RecordFilterAnswer {
            user,
            kind,
            all,
            own,
        },
    )
}

/// The signed-in person, if they may connect the platform (a person at the keyboard: a token
/// never makes or sees these).
async fn connector(req: &Request, ctx: &Ctx) -> Result<sessions::Actor, ApiError> {
    let (actor, snapshot) = load_caller(req, ctx, Needs::default()).await?;
    let actor = person_only(actor)?;
    let reader = Reader {
        snapshot: &snapshot,
        user: &actor.user_id,
        now: ctx.now,
    };
    read::platform(&reader).map_err(ApiError::Refused)?;
    Ok(actor)
}

fn actor_of(actor: &sessions::Actor) -> Actor<'_> {
    Actor {
        agency: &actor.agency_id,
        id: &actor.user_id.0,
        name: &actor.name,
    }
}

/// `GET /api/v1/service-tokens`.
pub async fn list_tokens(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let actor = connector(req, ctx).await?;
    let tokens = platform::tokens(&ctx.db, &actor.agency_id).await?;
    json(200, &ServiceTokenList { tokens })
}

/// `POST /api/v1/service-tokens`: the secret is answered this once and kept only as its digest.
pub async fn create_token(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: NewServiceToken = read_json(req).await?;
    let actor = connector(req, ctx).await?;
    let id = fresh_id("st")?;
    let secret = format!(
        "{SERVICE_TOKEN_PREFIX}{}",
        token::generate().map_err(|e| ApiError::Internal(e.to_string()))?
    );
    let name = body.name.as_str();
    platform::create_token(
        &ctx.db,
        &actor_of(&actor),
        &id,
        &token::digest(&secret),
        name,
        ctx.now,
    )
    .await?;
    let token = ServiceTokenInfo {
        id,
        name: name.to_owned(),
        created_by: actor.name.clone(),
        created_at: ctx.now,
        last_used_at: None,
    };
    json(201, &ServiceTokenCreated { token, secret })
}

/// `DELETE /api/v1/service-tokens/{id}`: its next question is refused.
pub async fn revoke_token(req: &Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let actor = connector(req, ctx).await?;
    if !platform::revoke_token(&ctx.db, &actor_of(&actor), id, ctx.now).await? {
        return Err(ApiError::NotFound);
    }
    no_content()
}

fn no_content() -> Result<Response, ApiError> {
    let headers = super::api_headers("application/json")?;
    Ok(Response::empty()?.with_status(204).with_headers(headers))
}

/// The most endpoints one agency registers.
const MAX_ENDPOINTS: usize = 10;

/// `GET /api/v1/webhooks`.
pub async fn list_webhooks(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let actor = connector(req, ctx).await?;
    let endpoints = platform::endpoints(&ctx.db, &actor.agency_id).await?;
    json(200, &WebhookList { endpoints })
}

/// `POST /api/v1/webhooks`: the signing secret is answered this once.
pub async fn add_webhook(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: NewWebhook = read_json(req).await?;
    if let Some(why) = webhook::refuse_url(&body.url, ctx.development) {
        return Err(ApiError::field("url", format!("The address {why}")));
    }
    let actor = connector(req, ctx).await?;
    let existing = platform::endpoints(&ctx.db, &actor.agency_id).await?;
    if existing.len() >= MAX_ENDPOINTS {
        return Err(ApiError::field(
            "url",
            format!("An agency has at most {MAX_ENDPOINTS} webhook endpoints; remove one first"),
        ));
    }
    if existing.iter().any(|e| e.url == body.url) {
        return Err(ApiError::Conflict(
            "That address already receives this agency's changes".into(),
        ));
    }
    let id = fresh_id("we")?;
    let secret = webhook::new_secret().map_err(|e| ApiError::Internal(e.to_string()))?;
    platform::add_endpoint(&ctx.db, &actor_of(&actor), &id, &body.url, &secret, ctx.now).await?;
    let endpoint = WebhookInfo {
        id,
        url: body.url,
        created_at: ctx.now,
        pending: 0,
        failed: 0,
    };
    json(201, &WebhookCreated { endpoint, secret })
}

/// `DELETE /api/v1/webhooks/{id}`: the endpoint and its undelivered messages go.
pub async fn remove_webhook(req: &Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let actor = connector(req, ctx).await?;
    if !platform::remove_endpoint(&ctx.db, &actor_of(&actor), id, ctx.now).await? {
        return Err(ApiError::NotFound);
    }
    no_content()
}

/// `GET /api/v1/webhooks/deliveries?endpoint=&limit=`: the newest messages first.
pub async fn deliveries(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let params = query::params(req, &["endpoint", "limit"])?;
    let limit = query::limit(&params, 50, 200)?;
    let actor = connector(req, ctx).await?;
    let endpoint = params.get("endpoint").map(String::as_str);
    if endpoint.is_some_and(|id| !domain::input::valid_id(id)) {
        return Err(ApiError::field("endpoint", "not an endpoint's id"));
    }
    let deliveries = platform::deliveries(&ctx.db, &actor.agency_id, endpoint, limit).await?;
    json(200, &DeliveryList { deliveries })
}

/// `POST /api/v1/webhooks/deliveries/{id}/replay`: sends a message again, now, with a fresh
/// set of attempts; its `webhook-id` stays the same.
pub async fn replay(req: &Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let actor = connector(req, ctx).await?;
    if !platform::replay(&ctx.db, &actor.agency_id, id, ctx.now).await? {
        return Err(ApiError::NotFound);
    }
    crate::deliver::webhooks(&ctx.db, Some(&actor.agency_id), ctx.now).await?;
    no_content()
}
