//! R21, R22: an invitation link is single-use, dies when resent, and accepting it sets a
//! password that meets the rule, activates the person and signs them in.

use serde_json::json;
use switchboard_tests::{ADMIN_EMAIL, Call, DEMO_PASSWORD, run_id, sign_in};

/// The token of the newest invitation mail to `email`, from the development outbox.
fn newest_link(email: &str) -> String {
    let outbox = Call::new("GET", "/api/v1/dev/outbox").send();
    assert_eq!(outbox.status, 200, "{:?}", outbox.body);
    let mail = outbox
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["to_email"] == email)
        .expect("a mail");
    let body = mail["body"].as_str().unwrap();
    let token = body
        .split("/accept#")
        .nth(1)
        .expect("a link")
        .split_whitespace()
        .next()
        .unwrap();
    token.to_owned()
}

fn accept(token: &str, password: &str) -> switchboard_tests::Answer {
    Call::new("POST", "/api/v1/invitations/accept")
        .json(&json!({ "token": token, "password": password }))
}

#[test]
fn r21_r22_an_invitation_link_sets_the_password_once_and_a_resend_kills_the_old_link() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let run = run_id();
    let user = format!("u_http_inv_{run}");
    let email = format!("inv{run}@brightline.example");
    let invite = json!({
        "command": "invite", "user": user, "grant": format!("g_http_inv_{run}"), "email": email,
        "name": "Nova Newcomer", "role": { "kind": "builtin", "id": "Reporting" }, "node": "n_acme"
    });
    assert_eq!(
        Call::new("POST", "/api/v1/commands")
            .cookie(&admin)
            .json(&invite)
            .status,
        200
    );
    let first = newest_link(&email);
    assert_eq!(first.len(), 43, "256 random bits");

    let weak = accept(&first, "password");
    assert_eq!(weak.status, 422, "R22: {:?}", weak.body);
    assert_eq!(weak.body["errors"][0]["field"], "password");

    let resend = json!({ "command": "resend_invitation", "user": user });
    assert_eq!(
        Call::new("POST", "/api/v1/commands")
            .cookie(&admin)
            .json(&resend)
            .status,
        200
    );
    let second = newest_link(&email);
    assert_ne!(first, second);
    assert_eq!(
        accept(&first, "Welcome-aboard1").status,
        410,
        "the old link died"
    );

    let accepted = accept(&second, "Welcome-aboard1");
    assert_eq!(accepted.status, 200, "{:?}", accepted.body);
    assert_eq!(accepted.body["email"], email.as_str());
    let cookie = accepted.session_cookie().expect("signed in");
    assert_eq!(
        Call::new("GET", "/api/v1/me").cookie(&cookie).send().status,
        200
    );
    assert_eq!(accept(&second, "Another-pass1").status, 410, "single-use");
    sign_in(&email, "Welcome-aboard1");

    // Leave the demo as it was for the browser tests.
    let delete = json!({ "command": "delete", "user": user, "reassign_to": null });
    assert_eq!(
        Call::new("POST", "/api/v1/commands")
            .cookie(&admin)
            .json(&delete)
            .status,
        200
    );
}

#[test]
fn a_made_up_link_is_refused_without_a_hint() {
    let answer = accept("made-up-token", "Welcome-aboard1");
    assert_eq!(answer.status, 410);
    assert_eq!(answer.content_type, "application/problem+json");
}
