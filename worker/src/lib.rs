//! Switchboard's Worker: the authority over every change.
//!
//! Each request is authenticated, parsed, decided and written to D1 before it is answered. The
//! modules that need no JavaScript runtime (password hashing, tokens, routing, errors) build
//! natively too, so their unit tests run with plain `cargo test`; the ones that talk to the
//! runtime and D1 exist only on `wasm32`.

pub mod body;
pub mod clock;
pub mod error;
pub mod mail;
#[cfg(test)]
mod openapi;
pub mod password;
pub mod route;
pub mod session;
pub mod throttle;
pub mod token;
pub mod totp;
pub mod webhook;

#[cfg(target_arch = "wasm32")]
mod deliver;
#[cfg(target_arch = "wasm32")]
mod entry;
#[cfg(target_arch = "wasm32")]
mod routes;
#[cfg(target_arch = "wasm32")]
mod store;
#[cfg(target_arch = "wasm32")]
mod webcrypto;

/// The build this Worker runs, `<semver>+<commit>`; the commit is stamped by the build script.
pub fn build_version() -> String {
    let commit = option_env!("SWITCHBOARD_COMMIT").unwrap_or("dev");
    format!("{}+{commit}", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    /// The column D1 sorts and searches people by is `domain`'s name key, computed in SQL.
    #[test]
    fn the_name_key_column_is_domains_name_key() {
        let migration = include_str!("../migrations/0018_name_order.sql");
        for (column, sql) in domain::input::name_key_sql() {
            let expected = format!(
                "ALTER TABLE users ADD COLUMN {column} TEXT GENERATED ALWAYS AS ({sql}) VIRTUAL;"
            );
            assert!(
                migration.contains(&expected),
                "regenerate 0018_name_order.sql: {expected}"
            );
        }
    }
}
