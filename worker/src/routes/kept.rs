//! `GET /api/v1/dev/kept?agency=`: the kept columns proven (development only). Triggers keep
//! values beside the rows they are worked out from — each person's roles as the list shows
//! them (`users.roles_json`, `role_nodes`), their access as the fast load reads it
//! (`users.access_json`), and the agency's seat and administrator counts. This works each one
//! out again with `domain` from the whole agency read from the tables, and answers every
//! difference; the tests call it after every step of the authorization matrix and of the sync
//! convergence run.

use domain::api::RoleAtNode;
use domain::{Needs, Snapshot, UserId};
use serde::{Deserialize, Serialize};
use worker::{Request, Response};

use super::{Ctx, json, query};
use crate::error::ApiError;
use crate::store::part;

#[derive(Serialize)]
struct Kept {
    agency: String,
    people: usize,
    /// Whether the kept counts were due for a recount (a grant started or ended since), so
    /// not compared.
    counts_due: bool,
    mismatches: Vec<String>,
}

#[derive(Deserialize)]
struct Stored {
    id: String,
    roles_json: String,
    role_nodes: String,
    access_json: String,
}

#[derive(Deserialize)]
struct StoredCounts {
    logins: u32,
    dialers: u32,
    top_administrators: u32,
    counts_valid_until: i64,
}

pub async fn get(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    if !ctx.development {
        return Err(ApiError::NotFound);
    }
    let params = query::params(req, &["agency"])?;
    let agency = query::required(&params, "agency")?;
    let stored: Vec<Stored> = ctx
        .db
        .prepare(
            "SELECT id, roles_json, role_nodes, access_json FROM users WHERE agency_id = ?1
             ORDER BY id",
        )
        .bind(&[agency.as_str().into()])?
        .all()
        .await?
        .results()?;
    let counts: Option<StoredCounts> = ctx
        .db
        .prepare(
            "SELECT logins, dialers, top_administrators, counts_valid_until FROM agencies
             WHERE id = ?1",
        )
        .bind(&[agency.as_str().into()])?
        .first()
        .await?;
    let counts = counts.ok_or(ApiError::NotFound)?;
    // The whole agency, from the tables.
    let needs = Needs {
        users: stored.iter().map(|s| UserId(s.id.clone())).collect(),
        all_roles: true,
        ..Needs::default()
    };
    let whole = part::load(
        &ctx.db,
        part::Who::Person { agency: &agency },
        &needs,
        ctx.now,
        vec![],
    )
    .await?
    .snapshot
    .ok_or(ApiError::NotFound)?;
    let mut mismatches = Vec::new();
    for row in &stored {
        let user = UserId(row.id.clone());
        check_person(&whole, &user, row, ctx.now, &mut mismatches);
    }
    let counts_due = counts.counts_valid_until <= ctx.now;
    if !counts_due {
        let fresh = whole.counts(ctx.now);
        let kept = (counts.logins, counts.dialers, counts.top_administrators);
        let worked_out = (fresh.logins, fresh.dialers, fresh.top_administrators);
        if kept != worked_out {
            mismatches.push(format!(
                "counts (logins, dialers, top administrators): kept {kept:?}, worked out {worked_out:?}"
            ));
        }
    }
    json(
        200,
        &Kept {
            agency,
            people: stored.len(),
            counts_due,
            mismatches,
        },
    )
}

/// Compares one person's kept values with what `domain` works out from the whole agency.
fn check_person(whole: &Snapshot, user: &UserId, row: &Stored, now: i64, out: &mut Vec<String>) {
    let Some(person) = whole.user(user) else {
        out.push(format!("{user}: not in the agency's snapshot"));
        return;
    };
    let mut roles: Vec<RoleAtNode> = whole
        .grants_of(user)
        .map(|g| super::users::role_at_node(whole, g))
        .collect();
    roles.sort_by(RoleAtNode::list_order);
    match serde_json::from_str::<Vec<RoleAtNode>>(&row.roles_json) {
        Ok(kept) if kept == roles => {}
        Ok(kept) => out.push(format!("{user}: roles_json {kept:?}, worked out {roles:?}")),
        Err(e) => out.push(format!("{user}: roles_json unreadable: {e}")),
    }
    let nodes: Vec<&str> = roles.iter().map(|r| r.node_id.as_str()).collect();
    match serde_json::from_str::<Vec<String>>(&row.role_nodes) {
        Ok(kept) if kept == nodes => {}
        Ok(kept) => out.push(format!("{user}: role_nodes {kept:?}, worked out {nodes:?}")),
        Err(e) => out.push(format!("{user}: role_nodes unreadable: {e}")),
    }
    // The fast load builds the caller from the kept access: it must read the same grants, the
    // same ancestry and custom roles, and so decide exactly as the general load.
    let Some(top) = whole.node(whole.root()).cloned() else {
        out.push("the agency has no top node".into());
        return;
    };
    let fast = match part::from_kept_access(
        whole.agency().clone(),
        top,
        person.clone(),
        &row.access_json,
    ) {
        Ok(fast) => fast,
        Err(e) => {
            out.push(format!("{user}: access_json unusable: {e}"));
            return;
        }
    };
    let grants = |s: &Snapshot| {
        let mut list: Vec<domain::Grant> = s.grants_of(user).cloned().collect();
        list.sort_by(|a, b| a.id.0.cmp(&b.id.0));
        list
    };
    if grants(&fast) != grants(whole) {
        out.push(format!("{user}: access_json grants differ from the tables"));
    }
    for grant in whole.grants_of(user) {
        if fast.node_path(&grant.node) != whole.node_path(&grant.node) {
            out.push(format!(
                "{user}: access_json ancestry of {} differs from the tables",
                grant.node
            ));
        }
        if fast.role_name(&grant.role) != whole.role_name(&grant.role)
            || fast.capabilities_at(user, &grant.node, now)
                != whole.capabilities_at(user, &grant.node, now)
        {
            out.push(format!(
                "{user}: access_json decides differently at {}",
                grant.node
            ));
        }
    }
    // What `GET /me` answers from the fast load: the access at the nodes it holds.
    let mut whole_access: Vec<_> = whole
        .effective_access(user, now)
        .into_iter()
        .filter(|a| fast.node(&a.node).is_some())
        .collect();
    let mut fast_access = fast.effective_access(user, now);
    whole_access.sort_by(|a, b| a.node.0.cmp(&b.node.0));
    fast_access.sort_by(|a, b| a.node.0.cmp(&b.node.0));
    if fast_access != whole_access {
        out.push(format!(
            "{user}: access_json gives another effective access"
        ));
    }
}
