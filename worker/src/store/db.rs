//! D1 behind a meter: every round trip, row read and row written by one request is counted, so
//! the benchmark (and a developer) can see what a request costs. D1 bills rows read.

use std::cell::Cell;

use serde::de::DeserializeOwned;
use worker::js_sys::{Array, Date, Reflect};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::types::D1Database as D1DatabaseSys;
use worker::{D1Database, D1PreparedStatement};

/// What one request cost in D1.
#[derive(Clone, Copy, Debug, Default)]
pub struct Meter {
    pub round_trips: u32,
    pub rows_read: u64,
    pub rows_written: u64,
    /// Milliseconds spent waiting for D1.
    pub waited_ms: f64,
    /// Milliseconds D1 says it spent preparing and running the SQL, within `waited_ms`.
    pub sql_ms: f64,
}

/// The database of one request, with its meter.
#[allow(missing_debug_implementations)]
pub struct Db {
    d1: D1Database,
    meter: Cell<Meter>,
}

/// A prepared statement of a [`Db`]; running it is metered.
#[allow(missing_debug_implementations)]
pub struct Stmt<'a> {
    db: &'a Db,
    inner: D1PreparedStatement,
}

impl Db {
    pub fn new(d1: D1Database) -> Self {
        Self {
            d1,
            meter: Cell::new(Meter::default()),
        }
    }

    /// What the request has cost so far.
    pub fn meter(&self) -> Meter {
        self.meter.get()
    }

    /// Prepares a statement to run on its own.
    pub fn prepare(&self, sql: impl Into<String>) -> Stmt<'_> {
        Stmt {
            db: self,
            inner: self.d1.prepare(sql),
        }
    }

    /// Prepares and binds a statement for a batch.
    pub fn statement(
        &self,
        sql: impl Into<String>,
        params: &[JsValue],
    ) -> worker::Result<D1PreparedStatement> {
        self.d1.prepare(sql).bind(params)
    }

    fn record(&self, answers: &[Answer], started: f64) {
        let mut meter = self.meter.get();
        meter.round_trips += 1;
        meter.waited_ms += Date::now() - started;
        for answer in answers {
            meter.rows_read += answer.meta("rows_read") as u64;
            meter.rows_written += answer.meta("rows_written") as u64;
            meter.sql_ms += answer.meta("duration");
        }
        self.meter.set(meter);
    }

    /// Runs statements in one round trip, as one transaction.
    pub async fn batch(&self, statements: Vec<D1PreparedStatement>) -> worker::Result<Vec<Answer>> {
        // A change that changes nothing writes nothing; D1 refuses an empty batch.
        if statements.is_empty() {
            return Ok(Vec::new());
        }
        let started = Date::now();
        let statements: Array = statements
            .iter()
            .map(|s| JsValue::from(s.inner()))
            .collect();
        let d1: &D1DatabaseSys = self.d1.as_ref().unchecked_ref();
        let answers = settle(d1.batch(statements))
            .await
            .and_then(|list| list.dyn_into::<Array>().map_err(d1_error))
            .map(|list| list.iter().map(Answer).collect::<Vec<_>>());
        self.record(answers.as_deref().unwrap_or_default(), started);
        answers
    }
}

/// Waits for a call to D1, its refusal (thrown or rejected) as an error.
async fn settle(call: Result<worker::js_sys::Promise, JsValue>) -> worker::Result<JsValue> {
    match call {
        Ok(promise) => JsFuture::from(promise).await.map_err(d1_error),
        Err(error) => Err(d1_error(error)),
    }
}

/// What D1 answered to one statement: its rows, read only as asked, and what it cost.
///
/// The answer stays a JavaScript object: the meter reads three numbers of it and a caller the
/// rows it wants, rather than everything being converted into Rust first.
#[allow(missing_debug_implementations)]
pub struct Answer(JsValue);

impl Answer {
    /// Every row, each read into a `T`.
    pub fn results<T: DeserializeOwned>(&self) -> worker::Result<Vec<T>> {
        let Some(rows) = self.rows()? else {
            return Ok(Vec::new());
        };
        rows.iter()
            .map(|row| Ok(worker::serde_wasm_bindgen::from_value(row)?))
            .collect()
    }

    /// The first row as D1 gave it, for a caller that reads its columns one by one.
    pub fn first_row(&self) -> worker::Result<Option<JsValue>> {
        Ok(self
            .rows()?
            .map(|rows| rows.get(0))
            .filter(|row| !row.is_undefined()))
    }

    /// How many rows the statement changed.
    pub fn changes(&self) -> u64 {
        self.meta("changes") as u64
    }

    fn rows(&self) -> worker::Result<Option<Array>> {
        let rows = Reflect::get(&self.0, &JsValue::from_str("results"))?;
        if rows.is_undefined() || rows.is_null() {
            return Ok(None);
        }
        Ok(Some(rows.dyn_into::<Array>().map_err(d1_error)?))
    }

    /// A number of the answer's metadata, 0 when absent.
    fn meta(&self, key: &str) -> f64 {
        Reflect::get(&self.0, &JsValue::from_str("meta"))
            .and_then(|meta| Reflect::get(&meta, &JsValue::from_str(key)))
            .ok()
            .and_then(|value| value.as_f64())
            .unwrap_or(0.0)
    }
}

/// A refusal of D1 (or of the runtime) as an error that keeps its message, such as
/// "UNIQUE constraint failed", which `write` turns into a conflict.
fn d1_error(error: JsValue) -> worker::Error {
    match error.dyn_ref::<worker::js_sys::Error>() {
        Some(error) => worker::Error::RustError(String::from(error.message())),
        None => worker::Error::from(error),
    }
}

impl<'a> Stmt<'a> {
    pub fn bind(self, params: &[JsValue]) -> worker::Result<Self> {
        Ok(Self {
            db: self.db,
            inner: self.inner.bind(params)?,
        })
    }

    /// Runs the statement, answering every row and the metadata.
    pub async fn all(self) -> worker::Result<Answer> {
        self.send(|s| s.all()).await
    }

    /// Runs the statement and reads its first row, if any.
    pub async fn first<T: DeserializeOwned>(self) -> worker::Result<Option<T>> {
        Ok(self.all().await?.results::<T>()?.into_iter().next())
    }

    /// Runs the statement for its effect.
    pub async fn run(self) -> worker::Result<Answer> {
        self.send(|s| s.run()).await
    }

    async fn send(
        self,
        call: impl FnOnce(
            &worker::worker_sys::types::D1PreparedStatement,
        ) -> Result<worker::js_sys::Promise, JsValue>,
    ) -> worker::Result<Answer> {
        let started = Date::now();
        let answer = settle(call(self.inner.inner())).await.map(Answer);
        self.db.record(
            answer
                .as_ref()
                .map(std::slice::from_ref)
                .unwrap_or_default(),
            started,
        );
        answer
    }
}

impl From<Stmt<'_>> for D1PreparedStatement {
    fn from(stmt: Stmt<'_>) -> Self {
        stmt.inner
    }
}
