//! D1 behind a meter: every round trip, row read and row written by one request is counted, so
//! the benchmark (and a developer) can see what a request costs. D1 bills rows read.

use std::cell::Cell;

use serde::de::DeserializeOwned;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result};

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

    fn record(&self, results: &[D1Result], started: f64) {
        let mut meter = self.meter.get();
        meter.round_trips += 1;
        meter.waited_ms += worker::js_sys::Date::now() - started;
        for result in results {
            if let Ok(Some(meta)) = result.meta() {
                meter.rows_read += meta.rows_read.unwrap_or(0) as u64;
                meter.rows_written += meta.rows_written.unwrap_or(0) as u64;
                meter.sql_ms += meta.duration.unwrap_or(0.0);
            }
        }
        self.meter.set(meter);
    }

    /// Runs statements in one round trip, as one transaction.
    pub async fn batch(
        &self,
        statements: Vec<D1PreparedStatement>,
    ) -> worker::Result<Vec<D1Result>> {
        let started = worker::js_sys::Date::now();
        let results = self.d1.batch(statements).await;
        match results {
            Ok(results) => {
                self.record(&results, started);
                Ok(results)
            }
            Err(error) => {
                self.record(&[], started);
                Err(error)
            }
        }
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
    pub async fn all(self) -> worker::Result<D1Result> {
        let started = worker::js_sys::Date::now();
        let result = self.inner.all().await;
        match &result {
            Ok(result) => self.db.record(std::slice::from_ref(result), started),
            Err(_) => self.db.record(&[], started),
        }
        result
    }

    /// Runs the statement and reads its first row, if any.
    pub async fn first<T: DeserializeOwned>(self) -> worker::Result<Option<T>> {
        Ok(self.all().await?.results::<T>()?.into_iter().next())
    }

    /// Runs the statement for its effect.
    pub async fn run(self) -> worker::Result<D1Result> {
        let started = worker::js_sys::Date::now();
        let result = self.inner.run().await;
        match &result {
            Ok(result) => self.db.record(std::slice::from_ref(result), started),
            Err(_) => self.db.record(&[], started),
        }
        result
    }
}

impl From<Stmt<'_>> for D1PreparedStatement {
    fn from(stmt: Stmt<'_>) -> Self {
        stmt.inner
    }
}
