//! R21, R22: an invitation link is single-use, dies when resent, and accepting it sets a
//! password that meets the rule, activates the person and signs them in.

use serde_json::json;
use switchboard_tests::{
    ADMIN_EMAIL, Call, DEMO_PASSWORD, accept_invitation as accept,
    newest_invitation as newest_link, run_id, sign_in,
};

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

#[test]
fn r21_pending_invitations_are_listed_with_their_expiry_a_page_at_a_time() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let run = run_id();
    let people: Vec<String> = (0..2).map(|i| format!("u_http_pend{i}_{run}")).collect();
    for (i, user) in people.iter().enumerate() {
        let invite = json!({
            "command": "invite", "user": user, "grant": format!("g_http_pend{i}_{run}"),
            "email": format!("pend{i}_{run}@brightline.example"), "name": "Pending Probe",
            "role": { "kind": "builtin", "id": "Reporting" }, "node": "n_acme"
        });
        let made = Call::new("POST", "/api/v1/commands")
            .cookie(&admin)
            .json(&invite);
        assert_eq!(made.status, 200, "{:?}", made.body);
    }
    // One invitation a page, oldest first, following the cursor to the end.
    let mut seen: Vec<serde_json::Value> = Vec::new();
    let mut path = "/api/v1/invitations?limit=1".to_owned();
    loop {
        let page = Call::new("GET", &path).cookie(&admin).send();
        assert_eq!(page.status, 200, "{:?}", page.body);
        let invitations = page.body["invitations"].as_array().unwrap();
        assert!(invitations.len() <= 1);
        seen.extend(invitations.iter().cloned());
        match page.body["next"].as_str() {
            Some(next) => path = format!("/api/v1/invitations?limit=1&after={next}"),
            None => break,
        }
    }
    let ids: Vec<&str> = seen.iter().map(|i| i["id"].as_str().unwrap()).collect();
    for user in &people {
        assert_eq!(
            ids.iter().filter(|id| **id == user.as_str()).count(),
            1,
            "{user} is listed once: {ids:?}"
        );
        let listed = seen.iter().find(|i| i["id"] == user.as_str()).unwrap();
        assert_eq!(listed["name"], "Pending Probe");
        assert_eq!(listed["expired"], false);
        assert!(listed["expires_at"].as_i64().is_some(), "{listed:?}");
    }
    let first = ids.iter().position(|id| *id == people[0]).unwrap();
    let second = ids.iter().position(|id| *id == people[1]).unwrap();
    assert!(first < second, "oldest first");

    for user in &people {
        let delete = json!({ "command": "delete", "user": user, "reassign_to": null });
        let gone = Call::new("POST", "/api/v1/commands")
            .cookie(&admin)
            .json(&delete);
        assert_eq!(gone.status, 200, "{:?}", gone.body);
    }
}
