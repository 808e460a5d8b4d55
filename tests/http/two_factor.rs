//! Two-factor sign-in with any authenticator app (TOTP): off until a code confirms it, then
//! asked for at every sign-in; each code works once; wrong ones count as failed sign-ins.

use serde_json::json;
use switchboard_tests::{Call, DEMO_PASSWORD, sign_in};
use switchboard_worker::totp;

const BLAKE: &str = "blake@brightline.example";

fn step_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / totp::STEP
}

fn code(secret: &[u8], step: u64) -> String {
    format!("{:06}", totp::code(secret, step))
}

fn attempt(code: Option<&str>) -> switchboard_tests::Answer {
    let mut body = json!({ "email": BLAKE, "password": DEMO_PASSWORD });
    if let Some(code) = code {
        body["code"] = json!(code);
    }
    Call::new("POST", "/api/v1/session").json(&body)
}

#[test]
fn two_factor_sign_in_asks_for_a_code_and_accepts_each_code_once() {
    let session = sign_in(BLAKE, DEMO_PASSWORD);
    let setup = Call::new("POST", "/api/v1/me/totp").cookie(&session).send();
    assert_eq!(setup.status, 200, "{:?}", setup.body);
    let url = setup.body["otpauth_url"].as_str().unwrap();
    assert!(
        url.starts_with("otpauth://totp/Brightline%20Media:blake%40brightline.example?secret="),
        "{url}"
    );
    let secret = totp::from_base32(setup.body["secret"].as_str().unwrap()).unwrap();
    assert_eq!(secret.len(), 20);

    // Not on until confirmed.
    assert_eq!(attempt(None).status, 200);
    let wrong = json!({ "code": code(&secret, step_now() + 1_000) });
    let refused = Call::new("POST", "/api/v1/me/totp/confirm")
        .cookie(&session)
        .json(&wrong);
    assert_eq!(refused.status, 422, "{:?}", refused.body);

    let step = step_now();
    let confirm = json!({ "code": code(&secret, step) });
    let confirmed = Call::new("POST", "/api/v1/me/totp/confirm")
        .cookie(&session)
        .json(&confirm);
    assert_eq!(confirmed.status, 204, "{:?}", confirmed.body);

    let asked = attempt(None);
    assert_eq!(asked.status, 401);
    assert_eq!(asked.body["errors"][0]["field"], "code");
    assert!(asked.session_cookie().is_none());

    assert_eq!(
        attempt(Some(&code(&secret, step))).status,
        401,
        "the confirming code is used up"
    );
    let next = code(&secret, step + 1);
    let accepted = attempt(Some(&next));
    assert_eq!(accepted.status, 200, "{:?}", accepted.body);
    assert!(accepted.session_cookie().is_some());
    assert_eq!(attempt(Some(&next)).status, 401, "a code works once");
}
