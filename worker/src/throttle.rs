//! Limits on failed sign-ins, per account and per network address.
//!
//! A key (an e-mail address, or a client address) that fails too often within a window is
//! locked for a while; the person is told when to try again. Unknown addresses are counted
//! and locked exactly like known ones, so a lock says nothing about whether an account exists.

use crate::clock::{MINUTE, Millis};

/// Failures allowed per e-mail address within [`WINDOW`] before a lock.
pub const PER_ACCOUNT: u32 = 5;
/// Failures allowed per network address within [`WINDOW`] before a lock.
pub const PER_ADDRESS: u32 = 50;
/// The window failures are counted in.
pub const WINDOW: Millis = 15 * MINUTE;
/// How long a lock lasts.
pub const LOCK: Millis = 15 * MINUTE;

/// What storage keeps for one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failures {
    pub failures: u32,
    pub window_start: Millis,
    pub locked_until: Option<Millis>,
}

/// The key of an e-mail address.
pub fn account_key(email: &str) -> String {
    format!("email:{email}")
}

/// The key of a network address.
pub fn address_key(address: &str) -> String {
    format!("ip:{address}")
}

/// Until when the key is locked at `now`, if it is.
pub fn locked_until(state: Option<Failures>, now: Millis) -> Option<Millis> {
    state
        .and_then(|s| s.locked_until)
        .filter(|&until| now < until)
}

/// The state after one more failure; `limit` failures within the window lock the key.
pub fn after_failure(state: Option<Failures>, limit: u32, now: Millis) -> Failures {
    let fresh = Failures {
        failures: 0,
        window_start: now,
        locked_until: None,
    };
    let mut state = match state {
        Some(s) if now - s.window_start < WINDOW => s,
        _ => fresh,
    };
    state.failures += 1;
    if state.failures >= limit {
        state.locked_until = Some(now + LOCK);
        state.failures = 0;
        state.window_start = now;
    }
    state
}

/// Seconds until `until`, rounded up, for `Retry-After`.
pub fn retry_after_secs(until: Millis, now: Millis) -> u64 {
    ((until - now).max(0) as u64).div_ceil(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifth_failure_within_the_window_locks_for_fifteen_minutes() {
        let t0 = 1_000_000;
        let mut state = None;
        for i in 0..PER_ACCOUNT {
            assert_eq!(locked_until(state, t0 + i as Millis), None);
            state = Some(after_failure(state, PER_ACCOUNT, t0 + i as Millis));
        }
        let until = locked_until(state, t0 + 10).expect("locked");
        assert_eq!(until, t0 + (PER_ACCOUNT - 1) as Millis + LOCK);
        assert_eq!(locked_until(state, until), None, "the lock ends");
        assert_eq!(retry_after_secs(until, until - 1_500), 2);
    }

    #[test]
    fn failures_spread_beyond_the_window_never_lock() {
        let mut state = None;
        for i in 0..20 {
            let at = i * (WINDOW / 2);
            state = Some(after_failure(state, PER_ACCOUNT, at));
            assert_eq!(locked_until(state, at), None, "failure {i}");
        }
    }
}
