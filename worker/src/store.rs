//! SQL over D1, one module per resource. Every query names the agency it reads (R2).

pub mod db;
pub mod invitations;
pub mod numbers;
pub mod part;
pub mod people;
pub mod schema;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod tree;
pub mod users;
pub mod write;

use worker::wasm_bindgen::JsValue;

pub use db::Db;

/// A millisecond timestamp as a bind parameter.
pub fn millis(value: crate::clock::Millis) -> JsValue {
    JsValue::from_f64(value as f64)
}
