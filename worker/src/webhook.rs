//! Webhook messages as the Standard Webhooks specification has them: what one change becomes,
//! how it is signed, when a failed one is tried again, and which addresses may receive them.
//! Pure, so it is tested natively; `store::platform` keeps the outbox and `entry` sends it.
//!
//! A message is the JSON `{"type", "timestamp", "data"}`, sent with the headers `webhook-id`
//! (the same on every attempt, for the receiver to drop repeats), `webhook-timestamp` (Unix
//! seconds) and `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of
//! `{id}.{timestamp}.{body}` under the key that the endpoint's secret (`whsec_` and base64)
//! carries.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::clock::Millis;

/// How a signing secret starts.
const SECRET_PREFIX: &str = "whsec_";

/// A fresh signing secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> Result<String, getrandom::Error> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key)?;
    Ok(format!("{SECRET_PREFIX}{}", B64.encode(key)))
}

/// The signature header's value for one attempt of a message.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, &'static str> {
    let key = B64
        .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
        .map_err(|_| "the endpoint's secret is not base64")?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| "no key")?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    Ok(format!("v1,{}", B64.encode(mac.finalize().into_bytes())))
}

/// One change as a message's body: its type (the audit log's name for it), when it happened
/// and what it was, with the agency it happened in and the name of what it was about as it was
/// then (`target_name`, as its audit entry has it). The event carries no secret: people are
/// their profile, state and settings; grants, nodes and roles are what the console shows.
pub fn payload(
    agency: &str,
    event: &domain::Event,
    about: Option<&str>,
    at: Millis,
) -> serde_json::Value {
    let mut data = serde_json::to_value(event).unwrap_or_default();
    if let Some(fields) = data.as_object_mut() {
        fields.insert("agency".into(), agency.into());
        if let Some(name) = about {
            fields.insert("target_name".into(), name.into());
        }
    }
    serde_json::json!({
        "type": domain::audit::action_name(event),
        "timestamp": rfc3339(at),
        "data": data,
    })
}

/// How many attempts a message gets before it is given up (a replay sends it again).
pub const ATTEMPTS: u32 = 8;

/// How long a sender holds a message it claimed before another may send it: longer than one
/// attempt may take; a sender that died mid-attempt leaves it due again after this.
pub const CLAIM: Millis = 60_000;

/// How long an endpoint has to answer one attempt, in milliseconds.
pub const TIMEOUT_MS: u32 = 10_000;

/// How many messages one run sends at most.
pub const BATCH: u32 = 50;

/// When the next attempt is due after `attempts` failed ones, or `None` when they are spent:
/// the schedule Standard Webhooks suggests (5 seconds, 5 minutes, 30 minutes, 2, 5, 10 and 10
/// hours).
pub fn retry_after(attempts: u32) -> Option<Millis> {
    const MINUTE: Millis = 60_000;
    const HOUR: Millis = 60 * MINUTE;
    let wait = match attempts {
        0 => 0,
        1 => 5_000,
        2 => 5 * MINUTE,
        3 => 30 * MINUTE,
        4 => 2 * HOUR,
        5 => 5 * HOUR,
        6 | 7 => 10 * HOUR,
        _ => return None,
    };
    Some(wait)
}

/// Whether the endpoint took the message: any 2xx.
pub fn delivered(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Why `url` cannot receive webhooks, if it cannot: it must be an HTTPS address with a host
/// and no credentials in it. In development, plain HTTP to this machine is allowed too, for
/// a test receiver.
pub fn refuse_url(url: &str, development: bool) -> Option<&'static str> {
    if url.len() > domain::api::MAX_WEBHOOK_URL {
        return Some("is too long");
    }
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Some("must not hold spaces or control characters");
    }
    let rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if let Some(rest) = url.strip_prefix("http://").filter(|_| development) {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
        if !matches!(name, "127.0.0.1" | "localhost" | "[::1]") {
            return Some("must start with https://");
        }
        rest
    } else {
        return Some("must start with https://");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Some("must not carry a user name or password");
    }
    let host = authority
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(authority, |(host, _)| host);
    if host.is_empty() || host.starts_with('.') {
        return Some("must name a host");
    }
    None
}

/// A moment as RFC 3339 in UTC with milliseconds (`2026-12-06T03:04:05.678Z`).
pub fn rfc3339(at: Millis) -> String {
    let (days, ms) = (at.div_euclid(86_400_000), at.rem_euclid(86_400_000));
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1_000 % 60,
        ms % 1_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification's reference libraries.
    #[test]
    fn a_signature_is_the_one_the_specification_gives() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, body).unwrap(),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert_ne!(
            sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_331, body).unwrap(),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_new_secret_is_32_bytes_behind_its_prefix() {
        let secret = new_secret().unwrap();
        let key = B64.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
        assert_eq!(key.len(), 32);
        assert_ne!(secret, new_secret().unwrap());
    }

    #[test]
    fn a_claim_outlasts_an_attempt() {
        assert!(CLAIM > Millis::from(TIMEOUT_MS));
    }

    #[test]
    fn retries_back_off_and_end() {
        let waits: Vec<_> = (1..=ATTEMPTS).map(retry_after).collect();
        assert_eq!(waits[0], Some(5_000));
        assert!(waits.windows(2).all(|w| w[0] <= w[1] || w[1].is_none()));
        assert_eq!(retry_after(ATTEMPTS), None, "spent after {ATTEMPTS}");
        assert!(delivered(204) && !delivered(500) && !delivered(301));
    }

    #[test]
    fn only_https_addresses_receive_webhooks() {
        assert_eq!(
            refuse_url("https://hooks.example.com/switchboard", false),
            None
        );
        assert_eq!(refuse_url("https://hooks.example.com:8443", false), None);
        assert!(refuse_url("http://hooks.example.com/x", false).is_some());
        assert!(refuse_url("http://127.0.0.1:9000/x", false).is_some());
        assert_eq!(refuse_url("http://127.0.0.1:9000/x", true), None);
        assert!(refuse_url("http://10.0.0.1/x", true).is_some());
        assert!(refuse_url("https://user:pw@hooks.example.com/", false).is_some());
        assert!(refuse_url("https:///path", false).is_some());
        assert!(refuse_url("https://a b.example/", false).is_some());
        assert!(refuse_url("javascript:alert(1)", false).is_some());
        assert!(refuse_url(&format!("https://{}.example", "a".repeat(2_000)), false).is_some());
    }

    #[test]
    fn moments_are_written_in_rfc_3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_614_265_330_123), "2021-02-25T15:02:10.123Z");
        assert_eq!(rfc3339(1_800_000_000_000), "2027-01-15T08:00:00.000Z");
    }

    #[test]
    fn a_payload_names_its_change_and_agency_and_holds_no_secret() {
        let event = domain::Event::StateChanged {
            user: domain::UserId("u_kai".into()),
            state: domain::UserState::Suspended,
        };
        let body = payload("brightline", &event, Some("Kai Lindqvist"), 0);
        assert_eq!(body["type"], "state_changed");
        assert_eq!(body["data"]["target_name"], "Kai Lindqvist");
        assert_eq!(body["data"]["agency"], "brightline");
        assert_eq!(body["data"]["user"], "u_kai");
        assert_eq!(body["data"]["state"], "suspended");
    }
}
