//! SQL over D1, one module per resource. Every query names the agency it reads (R2).

pub mod checks;
pub mod db;
pub mod invitations;
pub mod numbers;
pub mod part;
pub mod people;
pub mod platform;
pub mod schema;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod tree;
pub mod users;
pub mod write;

use worker::wasm_bindgen::JsValue;

pub use db::Db;

/// The SQL condition that the node whose path is `path` is `ancestor` or under it: the one
/// spelling of "under a node". A node's path (`/root/…/node/`) starts its descendants' paths,
/// so they are one range of `nodes_by_path`; a path ends in '/', and '0' is the character
/// after it, so the range holds exactly the paths that start with the ancestor's.
pub fn under(path: &str, ancestor: &str) -> String {
    format!(
        "({path} >= {ancestor} AND {path} < substr({ancestor}, 1, length({ancestor}) - 1) || '0')"
    )
}

/// A millisecond timestamp as a bind parameter.
pub fn millis(value: crate::clock::Millis) -> JsValue {
    JsValue::from_f64(value as f64)
}
