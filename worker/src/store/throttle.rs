//! Counters of failed sign-ins.

use serde::Deserialize;

use super::Db;
use super::millis;
use crate::error::ApiError;
use crate::throttle::Failures;

#[derive(Deserialize)]
struct Row {
    key: String,
    failures: u32,
    window_start: i64,
    locked_until: Option<i64>,
}

/// The counters of the given keys, in the order asked (one query).
pub async fn read(db: &Db, keys: &[String; 2]) -> Result<[Option<Failures>; 2], ApiError> {
    let rows: Vec<Row> = db
        .prepare("SELECT key, failures, window_start, locked_until FROM sign_in_failures WHERE key IN (?1, ?2)")
        .bind(&[keys[0].as_str().into(), keys[1].as_str().into()])?
        .all()
        .await?
        .results()?;
    let find = |key: &str| {
        rows.iter().find(|r| r.key == key).map(|r| Failures {
            failures: r.failures,
            window_start: r.window_start,
            locked_until: r.locked_until,
        })
    };
    Ok([find(&keys[0]), find(&keys[1])])
}

/// Stores the counters of the given keys (one batch).
pub async fn write(db: &Db, entries: &[(String, Failures)]) -> Result<(), ApiError> {
    let mut statements = Vec::with_capacity(entries.len());
    for (key, f) in entries {
        statements.push(
            db.prepare(
                "INSERT INTO sign_in_failures (key, failures, window_start, locked_until)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (key) DO UPDATE SET failures = ?2, window_start = ?3, locked_until = ?4",
            )
            .bind(&[
                key.as_str().into(),
                worker::wasm_bindgen::JsValue::from_f64(f64::from(f.failures)),
                millis(f.window_start),
                f.locked_until.map_or(worker::wasm_bindgen::JsValue::NULL, millis),
            ])?
            .into(),
        );
    }
    db.batch(statements).await?;
    Ok(())
}

/// Forgets the failures of a key after a successful sign-in.
pub async fn clear(db: &Db, key: &str) -> Result<(), ApiError> {
    db.prepare("DELETE FROM sign_in_failures WHERE key = ?1")
        .bind(&[key.into()])?
        .run()
        .await?;
    Ok(())
}
