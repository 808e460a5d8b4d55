//! `GET /api/v1/health`.

use domain::api::Health;
use worker::Response;

use super::{Ctx, json};
use crate::error::ApiError;
use crate::store;

/// Answers the build version and the schema version of the database behind it.
pub async fn get(ctx: &Ctx) -> Result<Response, ApiError> {
    let schema_version = store::schema::version(&ctx.db).await?;
    json(
        200,
        &Health {
            status: "ok".into(),
            version: crate::build_version(),
            schema_version,
        },
    )
}
