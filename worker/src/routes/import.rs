//! `POST /api/v1/users/import`: many people at once, each line decided as a single add.
//!
//! The whole file is checked first, on one load, so every line's outcome (and the seats) is
//! said for the file as a whole. With `dry_run` that is the answer. Otherwise the lines that
//! are ready are saved in parts of [`import::CHUNK`]: each part is loaded again, decided
//! again on D1's current state, and written in one batch with its audit entries and mail.
//! A part that fails leaves the parts before it saved; sending the same import again finds
//! them (their people carry ids made from the import's id) and saves the rest.

use domain::api::{ImportLine, ImportReport, ImportRequest};
use domain::import::{self, Choices, Outcome, Row};
use domain::{Rule, Snapshot};
use worker::{Request, Response};

use super::commands::{fresh_id, invitation_statements};
use super::session::load_caller;
use super::{Ctx, json, own_origin, read_json_within};
use crate::error::ApiError;
use crate::store::write;

/// The largest request: a 5 MB file, and room for the JSON around it.
pub const BODY_LIMIT: usize = import::MAX_BYTES + 512 * 1024;

fn invalid(reason: impl Into<String>) -> ApiError {
    ApiError::Refused(domain::Refusal {
        rule: Rule::Input,
        reason: reason.into(),
    })
}

/// The rows a request carries, read from its file or given as they are.
fn rows_of(body: &mut ImportRequest) -> Result<(bool, Vec<Row>), ApiError> {
    match (body.csv.take(), body.rows.take()) {
        (Some(text), None) => {
            if text.len() > import::MAX_BYTES {
                return Err(ApiError::PayloadTooLarge {
                    limit: import::MAX_BYTES,
                });
            }
            let sheet = import::read(&text).map_err(|problem| match problem {
                import::FileProblem::TooLarge => ApiError::PayloadTooLarge {
                    limit: import::MAX_BYTES,
                },
                other => invalid(other.to_string()),
            })?;
            Ok((sheet.header, sheet.rows))
        }
        (None, Some(rows)) => {
            if rows.is_empty() {
                return Err(invalid("The import has no one in it."));
            }
            if rows.len() > import::MAX_LINES {
                return Err(invalid(format!(
                    "The import has {} people; one import adds at most 10,000.",
                    rows.len()
                )));
            }
            let too_long = rows
                .iter()
                .position(|r| r.fields().iter().any(|f| f.len() > import::MAX_FIELD));
            if let Some(ix) = too_long {
                return Err(invalid(format!(
                    "Row {} has a field longer than {} characters.",
                    ix + 1,
                    import::MAX_FIELD
                )));
            }
            Ok((false, rows))
        }
        (Some(_), Some(_)) => Err(ApiError::Malformed(
            "send either the file as `csv` or its lines as `rows`, not both".into(),
        )),
        (None, None) => Err(ApiError::Malformed(
            "send the file as `csv`, or its lines as `rows`".into(),
        )),
    }
}

/// `POST /api/v1/users/import`.
pub async fn post(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let mut body: ImportRequest = read_json_within(req, BODY_LIMIT).await?;
    let (header, mut rows) = rows_of(&mut body)?;
    import::mark_duplicates(&mut rows);
    let id = match body.import.take() {
        Some(id) if domain::command::valid_id(&id) && id.len() <= 64 => id,
        Some(_) => {
            return Err(invalid(
                "An import's id is 1 to 64 letters, digits, '-' or '_'.",
            ));
        }
        None => fresh_id("imp")?,
    };
    let country = body.country.take().unwrap_or_default();
    let choices = Choices {
        import: &id,
        mode: body.mode,
        role: body.role.as_deref().filter(|r| !r.trim().is_empty()),
        node: body.node.as_deref().filter(|n| !n.trim().is_empty()),
        country: &country,
    };
    let (actor, snapshot) = load_caller(req, ctx, import::needs(&rows, &id)).await?;
    let checked = import::check(&snapshot, &actor.user_id, &rows, &choices, ctx.now)
        .map_err(ApiError::Refused)?;
    let mut lines = checked.lines;
    let mut summary = checked.summary;
    if !body.dry_run && summary.ready > 0 {
        let origin = own_origin(req);
        let ready: Vec<usize> = (0..lines.len())
            .filter(|&ix| lines[ix].outcome == Outcome::Ready)
            .collect();
        for part in ready.chunks(import::CHUNK) {
            let part_rows: Vec<Row> = part.iter().map(|&ix| rows[ix].clone()).collect();
            let (actor, snapshot) = load_caller(req, ctx, import::needs(&part_rows, &id)).await?;
            let decided = import::check(&snapshot, &actor.user_id, &part_rows, &choices, ctx.now)
                .map_err(ApiError::Refused)?;
            save(
                ctx,
                &actor.agency_id,
                &actor.user_id,
                snapshot,
                &decided.events,
                &origin,
            )
            .await?;
            for (&ix, line) in part.iter().zip(decided.lines) {
                lines[ix] = saved(line);
            }
        }
        summary.count(&lines);
    }
    json(
        200,
        &ImportReport {
            import: id,
            dry_run: body.dry_run,
            header,
            summary,
            lines,
        },
    )
}

/// A line of a part just written: ready means added now.
fn saved(mut line: ImportLine) -> ImportLine {
    if line.outcome == Outcome::Ready {
        line.outcome = Outcome::Added;
    }
    line
}

/// Writes one part's events, their audit entries and their invitations in one batch.
async fn save(
    ctx: &Ctx,
    agency: &str,
    actor: &domain::UserId,
    before: Snapshot,
    events: &[domain::Event],
    origin: &str,
) -> Result<(), ApiError> {
    if events.is_empty() {
        return Ok(());
    }
    let mut after = before.clone();
    let audit = domain::apply_audited(&mut after, actor, events, ctx.now);
    let extra = invitation_statements(ctx, agency, events, &after, origin)?;
    let change = write::Change {
        agency,
        before: &before,
        after: &after,
        events,
        audit: &audit,
    };
    write::commit(&ctx.db, change, ctx.now, extra).await
}
