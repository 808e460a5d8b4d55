//! `GET /api/v1/audit`: the agency's latest audit entries (R25), for administrators.

use domain::api::{AuditLine, AuditPage};
use domain::{Capability, Needs};
use serde::Deserialize;
use worker::{Request, Response};

use super::{Ctx, json, session::authenticate};
use crate::error::ApiError;
use crate::store::part;

#[derive(Deserialize)]
struct Row {
    at: i64,
    actor_id: String,
    action: String,
    target: String,
    before: Option<String>,
    after: Option<String>,
}

/// The latest 100 entries, newest first. Needs `settings.edit` at the agency node.
pub async fn list(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let actor = authenticate(req, ctx).await?;
    let mut needs = Needs::default();
    needs.users.insert(actor.user_id.clone());
    let snapshot = part::load(&ctx.db, &actor.agency_id, &needs, ctx.now).await?;
    if !snapshot.can(
        &actor.user_id,
        Capability::SettingsEdit,
        snapshot.root(),
        ctx.now,
    ) {
        return Err(ApiError::Forbidden {
            rule: "R25",
            reason: "The audit log is for administrators of the agency".into(),
        });
    }
    let rows: Vec<Row> = ctx
        .db
        .prepare(
            "SELECT at, actor_id, action, target, before, after FROM audit_log
             WHERE agency_id = ?1 ORDER BY seq DESC LIMIT 100",
        )
        .bind(&[actor.agency_id.as_str().into()])?
        .all()
        .await?
        .results()?;
    let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
    let entries = rows
        .into_iter()
        .map(|r| AuditLine {
            at: r.at,
            actor: r.actor_id,
            action: r.action,
            target: r.target,
            before: parse(r.before),
            after: parse(r.after),
        })
        .collect();
    json(200, &AuditPage { entries })
}
