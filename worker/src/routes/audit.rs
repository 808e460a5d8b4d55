//! `GET /api/v1/audit` and `/audit.csv`: the agency's audit log (R25), for administrators,
//! filtered by actor, target, action and time, newest first, in pages.

use std::collections::HashMap;

use domain::Needs;
use domain::api::{AuditLine, AuditPage};
use domain::read::{self, Reader};
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::{Request, Response};

use super::query::{self, decode_cursor, encode_cursor};
use super::session::load_caller;
use super::{Ctx, api_headers, json};
use crate::error::ApiError;

#[derive(Deserialize)]
struct Row {
    seq: i64,
    at: i64,
    actor_id: String,
    actor_name: Option<String>,
    action: String,
    target: String,
    target_name: Option<String>,
    before: Option<String>,
    after: Option<String>,
}

impl Row {
    fn line(self) -> AuditLine {
        let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
        AuditLine {
            at: self.at,
            actor: self.actor_id,
            actor_name: self.actor_name,
            action: self.action,
            target: self.target,
            target_name: self.target_name,
            before: parse(self.before),
            after: parse(self.after),
        }
    }
}

const COLUMNS: &str = "seq, at, actor_id, actor_name, action, target, target_name, before, after";

/// The newest entries by or about one person (at most 100), for the page of someone deleted.
pub async fn history_of(ctx: &Ctx, agency: &str, user: &str) -> Result<Vec<AuditLine>, ApiError> {
    let rows: Vec<Row> = ctx
        .db
        .prepare(format!(
            "SELECT {COLUMNS} FROM (
                 SELECT * FROM audit_log WHERE agency_id = ?1 AND target = ?2
                 UNION
                 SELECT * FROM audit_log WHERE agency_id = ?1 AND actor_id = ?2)
             ORDER BY seq DESC LIMIT 100"
        ))
        .bind(&[agency.into(), user.into()])?
        .all()
        .await?
        .results()?;
    Ok(rows.into_iter().map(Row::line).collect())
}

const FILTERS: &[&str] = &[
    "actor", "target", "about", "action", "since", "until", "limit", "after",
];

/// The entries the filters select, newest first; `limit` of them after the cursor.
async fn select(
    req: &Request,
    ctx: &Ctx,
    params: &HashMap<String, String>,
    default_limit: u32,
    max_limit: u32,
) -> Result<(Vec<Row>, Option<String>), ApiError> {
    let limit = query::limit(params, default_limit, max_limit)?;
    let since = query::millis(params, "since")?;
    let until = query::millis(params, "until")?;
    let before_seq: Option<i64> = params
        .get("after")
        .map(|c| decode_cursor::<i64>(c))
        .transpose()?;
    let (actor, snapshot) = load_caller(req, ctx, Needs::default()).await?;
    let reader = Reader {
        snapshot: &snapshot,
        user: &actor.user_id,
        now: ctx.now,
    };
    read::audit_log(&reader).map_err(ApiError::Refused)?;
    // Only the filters asked for are written into the statement, each with its own parameter:
    // then SQLite walks `audit_by_seq` from the cursor and reads about a page of rows, where a
    // statement with every filter optional (`?2 IS NULL OR …`) read all of the agency's.
    let mut conditions = vec!["agency_id = ?1".to_owned()];
    let mut values: Vec<JsValue> = vec![actor.agency_id.as_str().into()];
    let mut add = |sql: &str, value: JsValue| {
        values.push(value);
        conditions.push(sql.replace('?', &format!("?{}", values.len())));
    };
    for (name, column) in [
        ("actor", "actor_id"),
        ("target", "target"),
        ("action", "action"),
    ] {
        if let Some(v) = params.get(name) {
            add(&format!("{column} = ?"), v.as_str().into());
        }
    }
    if let Some(since) = since {
        add("at >= ?", JsValue::from_f64(since as f64));
    }
    if let Some(until) = until {
        add("at < ?", JsValue::from_f64(until as f64));
    }
    if let Some(seq) = before_seq {
        add("seq < ?", JsValue::from_f64(seq as f64));
    }
    if let Some(about) = params.get("about") {
        // About a person: entries that target them, and those about their grants.
        add(
            "(target = ? OR json_extract(after, '$.grant.user') = target_of_grant \
              OR json_extract(before, '$.grant.user') = target_of_grant)",
            about.as_str().into(),
        );
        let n = values.len();
        let last = conditions.last_mut().expect("just added");
        *last = last.replace("target_of_grant", &format!("?{n}"));
    }
    values.push(JsValue::from_f64(f64::from(limit) + 1.0));
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log WHERE {} ORDER BY seq DESC LIMIT ?{}",
        conditions.join(" AND "),
        values.len()
    );
    let mut rows: Vec<Row> = ctx.db.prepare(sql).bind(&values)?.all().await?.results()?;
    let next = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|r| encode_cursor(&r.seq))
    } else {
        None
    };
    Ok((rows, next))
}

/// `GET /api/v1/audit`: a page of entries (default 100, at most 500).
pub async fn list(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let params = query::params(req, FILTERS)?;
    let (rows, next) = select(req, ctx, &params, 100, 500).await?;
    let entries = rows.into_iter().map(Row::line).collect();
    json(200, &AuditPage { entries, next })
}

/// One CSV field (RFC 4180), with spreadsheet formulas defused.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// `GET /api/v1/audit.csv`: the same entries as CSV (default and at most 10,000 rows; the
/// `Link` header carries the next page).
pub async fn csv(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let params = query::params(req, FILTERS)?;
    let (rows, next) = select(req, ctx, &params, 10_000, 10_000).await?;
    let mut out = String::from("at,actor,actor_name,action,target,target_name,before,after\r\n");
    for r in rows {
        let fields = [
            r.at.to_string(),
            r.actor_id,
            r.actor_name.unwrap_or_default(),
            r.action,
            r.target,
            r.target_name.unwrap_or_default(),
            r.before.unwrap_or_default(),
            r.after.unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    let headers = api_headers("text/csv; charset=utf-8")?;
    headers.set("Content-Disposition", "attachment; filename=\"audit.csv\"")?;
    if let Some(next) = next {
        headers.set("Link", &format!("<?after={next}>; rel=\"next\""))?;
    }
    Ok(Response::ok(out)?.with_headers(headers))
}
