//! Tracking numbers and their destination people.

use domain::api::NumberLine;
use serde::Deserialize;

use super::Db;
use crate::error::ApiError;

#[derive(Deserialize)]
struct Row {
    number: String,
    user_id: String,
    name: String,
}

/// The numbers whose person holds a grant inside `reach`, by number.
pub async fn within(db: &Db, agency: &str, reach: &[&str]) -> Result<Vec<NumberLine>, ApiError> {
    let reach = serde_json::to_string(reach).map_err(|e| ApiError::Internal(e.to_string()))?;
    let rows: Vec<Row> = db
        .prepare(format!(
            "WITH reach(path) AS MATERIALIZED (
                 SELECT n.path FROM json_each(?2) j CROSS JOIN nodes n ON n.id = j.value
                 WHERE n.agency_id = ?1
             )
             SELECT m.number, m.user_id, u.name FROM numbers m
             JOIN users u ON u.id = m.user_id AND u.agency_id = ?1
             WHERE m.agency_id = ?1 AND EXISTS (
                 SELECT 1 FROM grants g CROSS JOIN nodes n ON n.id = g.node_id CROSS JOIN reach r
                 WHERE g.agency_id = ?1 AND g.user_id = m.user_id
                   AND {})
             ORDER BY m.number LIMIT 1000",
            super::under("n.path", "r.path")
        ))
        .bind(&[agency.into(), reach.into()])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .into_iter()
        .map(|r| NumberLine {
            number: r.number,
            user: r.user_id,
            user_name: r.name,
        })
        .collect())
}
