//! Time, as milliseconds since the Unix epoch.
//!
//! `domain` never reads a clock; the Worker reads it once per request and passes it down.

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

/// The current time of the runtime.
#[cfg(target_arch = "wasm32")]
pub fn now() -> Millis {
    worker::Date::now().as_millis() as Millis
}

/// The current time of the host.
#[cfg(not(target_arch = "wasm32"))]
pub fn now() -> Millis {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as Millis)
        .unwrap_or_default()
}
