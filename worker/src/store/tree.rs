//! Reading the account tree by path.

use domain::{Node, NodeKind};
use serde::Deserialize;

use super::Db;
use super::part::RoleRow;
use crate::error::ApiError;

#[derive(Deserialize)]
struct Row {
    id: String,
    parent_id: Option<String>,
    kind: NodeKind,
    name: String,
}

/// The paths of the nodes `?2` (a JSON list of ids) of agency `?1`, as the CTE `tops`.
const TOPS: &str = "WITH tops(path) AS MATERIALIZED (
                 SELECT n.path FROM json_each(?2) j CROSS JOIN nodes n ON n.id = j.value
                 WHERE n.agency_id = ?1
             )";

/// The nodes at and under `tops`, in tree order.
pub async fn under(db: &Db, agency: &str, tops: &[&str]) -> Result<Vec<Node>, ApiError> {
    let tops = serde_json::to_string(tops).map_err(|e| ApiError::Internal(e.to_string()))?;
    let rows: Vec<Row> = db
        .prepare(
            format!(
                "{TOPS}
             SELECT DISTINCT n.id, n.parent_id, n.kind, n.name, n.path FROM tops t CROSS JOIN nodes n
             WHERE n.agency_id = ?1 AND {}
             ORDER BY n.path",
                super::under("n.path", "t.path")
            ),
        )
        .bind(&[agency.into(), tops.into()])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .into_iter()
        .map(|r| Node {
            id: domain::NodeId(r.id),
            parent: r.parent_id.map(domain::NodeId),
            kind: r.kind,
            name: r.name,
        })
        .collect())
}

/// The custom roles held by some grant at or under `tops`.
pub async fn roles_held_under(
    db: &Db,
    agency: &str,
    tops: &[&str],
) -> Result<Vec<domain::CustomRole>, ApiError> {
    let tops = serde_json::to_string(tops).map_err(|e| ApiError::Internal(e.to_string()))?;
    let rows: Vec<RoleRow> = db
        .prepare(format!(
            "{TOPS}
             SELECT r.id, r.name, r.capabilities FROM custom_roles r
             WHERE r.agency_id = ?1 AND EXISTS (
                 SELECT 1 FROM grants g CROSS JOIN nodes n ON n.id = g.node_id CROSS JOIN tops t
                 WHERE g.agency_id = ?1 AND g.role_kind = 'custom' AND g.role = r.id
                   AND {})",
            super::under("n.path", "t.path")
        ))
        .bind(&[agency.into(), tops.into()])?
        .all()
        .await?
        .results()?;
    rows.into_iter().map(RoleRow::into_role).collect()
}
