//! Session lifetimes and the session cookie, independent of the runtime.

use domain::api::SESSION_COOKIE;

use crate::clock::{DAY, Millis};

/// A session ends this long after sign-in, however active it is.
pub const ABSOLUTE_LIFETIME: Millis = 14 * DAY;
/// A session ends after this long without a request.
pub const IDLE_LIFETIME: Millis = 3 * DAY;
/// `last_seen_at` is written at most this often, so reads stay reads.
pub const TOUCH_INTERVAL: Millis = 5 * crate::clock::MINUTE;

/// How long a session may go unused: the agency's limit if it set one, never more than the
/// platform's.
pub fn idle_lifetime(agency_minutes: Option<i64>) -> Millis {
    agency_minutes.map_or(IDLE_LIFETIME, |m| {
        (m * crate::clock::MINUTE).clamp(crate::clock::MINUTE, IDLE_LIFETIME)
    })
}

/// How often `last_seen_at` is written: at most every [`TOUCH_INTERVAL`], and often enough
/// that a short limit on inactivity ends a session within a tenth of it of its due time.
pub fn touch_interval(idle: Millis) -> Millis {
    TOUCH_INTERVAL.min(idle / 10)
}

/// Whether a session made at `created_at` and last used at `last_seen_at` still holds at `now`,
/// when sessions end after `idle` without use.
pub fn is_live(created_at: Millis, last_seen_at: Millis, now: Millis, idle: Millis) -> bool {
    now < created_at + ABSOLUTE_LIFETIME && now < last_seen_at + idle
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
        let idle = idle_lifetime(None);
        assert_eq!(idle, IDLE_LIFETIME);
        assert!(is_live(t0, t0, t0 + DAY, idle));
        assert!(
            !is_live(t0, t0, t0 + IDLE_LIFETIME, idle),
            "idle for the whole idle lifetime"
        );
        let busy = t0 + ABSOLUTE_LIFETIME - 1;
        assert!(is_live(t0, busy, busy, idle));
        assert!(
            !is_live(t0, busy, t0 + ABSOLUTE_LIFETIME, idle),
            "old, however busy"
        );
    }

    #[test]
    fn an_agency_may_end_sessions_sooner_never_later() {
        let t0 = 1_700_000_000_000;
        let minute = crate::clock::MINUTE;
        let short = idle_lifetime(Some(15));
        assert_eq!(short, 15 * minute);
        assert!(is_live(t0, t0, t0 + 14 * minute, short));
        assert!(!is_live(t0, t0, t0 + 15 * minute, short));
        // Longer than the platform's own limit is the platform's limit.
        assert_eq!(idle_lifetime(Some(10 * 24 * 60)), IDLE_LIFETIME);
        // Use is written often enough to end a short session within a tenth of its limit.
        assert_eq!(touch_interval(short), 90 * 1000);
        assert_eq!(touch_interval(IDLE_LIFETIME), TOUCH_INTERVAL);
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
