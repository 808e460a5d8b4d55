//! Session lifetimes and the session cookie, independent of the runtime.

use domain::api::SESSION_COOKIE;

use crate::clock::{DAY, Millis};

/// A session ends this long after sign-in, however active it is.
pub const ABSOLUTE_LIFETIME: Millis = 14 * DAY;
/// A session ends after this long without a request.
pub const IDLE_LIFETIME: Millis = 3 * DAY;
/// `last_seen_at` is written at most this often, so reads stay reads.
pub const TOUCH_INTERVAL: Millis = 5 * crate::clock::MINUTE;

/// Whether a session made at `created_at` and last used at `last_seen_at` still holds at `now`.
pub fn is_live(created_at: Millis, last_seen_at: Millis, now: Millis) -> bool {
    now < created_at + ABSOLUTE_LIFETIME && now < last_seen_at + IDLE_LIFETIME
}

/// The `Set-Cookie` value that hands `token` to the browser: script cannot read it, it travels
/// only over secure transport (browsers count 127.0.0.1 as secure) and never on a request
/// another site starts.
pub fn set_cookie(token: &str) -> String {
    let max_age = ABSOLUTE_LIFETIME / 1000;
    format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict"
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict")
}

/// The session token in a `Cookie` header, if there is one.
pub fn token_from_cookie_header(header: &str) -> Option<&str> {
    header.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == SESSION_COOKIE && !value.is_empty()).then_some(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_expires_when_idle_or_old() {
        let t0 = 1_700_000_000_000;
        assert!(is_live(t0, t0, t0 + DAY));
        assert!(
            !is_live(t0, t0, t0 + IDLE_LIFETIME),
            "idle for the whole idle lifetime"
        );
        let busy = t0 + ABSOLUTE_LIFETIME - 1;
        assert!(is_live(t0, busy, busy));
        assert!(
            !is_live(t0, busy, t0 + ABSOLUTE_LIFETIME),
            "old, however busy"
        );
    }

    #[test]
    fn the_cookie_is_http_only_secure_and_same_site_strict() {
        let cookie = set_cookie("abc");
        for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
            assert!(cookie.contains(attribute), "{attribute}");
        }
    }

    #[test]
    fn the_token_is_found_among_other_cookies() {
        assert_eq!(
            token_from_cookie_header("a=1; sb_session=tok; b=2"),
            Some("tok")
        );
        assert_eq!(token_from_cookie_header("sb_session="), None);
        assert_eq!(token_from_cookie_header("other=1"), None);
    }
}
