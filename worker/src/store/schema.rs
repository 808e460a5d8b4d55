//! The schema version: the number of the last migration wrangler applied.

use serde::Deserialize;

use super::Db;
use crate::error::ApiError;

#[derive(Deserialize)]
struct Migration {
    name: String,
}

/// The `NNNN` of the last applied `NNNN_name.sql`, or 0 before any.
pub async fn version(db: &Db) -> Result<u32, ApiError> {
    let last: Option<Migration> = db
        .prepare("SELECT name FROM d1_migrations ORDER BY id DESC LIMIT 1")
        .first()
        .await?;
    Ok(last.map_or(0, |m| {
        m.name
            .split('_')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }))
}
