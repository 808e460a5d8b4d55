//! Changes through the Worker: `domain` decides against D1's current state, one batch writes
//! the change with its audit entry, and the effect holds on the very next request.

use serde_json::json;
use switchboard_tests::{ADMIN_EMAIL, Call, DEMO_PASSWORD, run_id, sign_in};

#[test]
fn r23_suspension_holds_on_the_next_request_and_unsuspend_restores_it() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let morgan = sign_in("morgan@brightline.example", DEMO_PASSWORD);
    let suspended = Call::new("POST", "/api/v1/users/u_morgan/suspend")
        .cookie(&admin)
        .send();
    assert_eq!(suspended.status, 200, "{:?}", suspended.body);
    assert_eq!(suspended.body["events"][0]["event"], "state_changed");

    assert_eq!(
        Call::new("GET", "/api/v1/me").cookie(&morgan).send().status,
        401
    );
    let again = Call::new("POST", "/api/v1/session")
        .json(&json!({ "email": "morgan@brightline.example", "password": DEMO_PASSWORD }));
    assert_eq!(again.status, 403, "a suspended person cannot sign in");

    // R25: the change is in the audit log, with who and before/after.
    let audit = Call::new("GET", "/api/v1/audit").cookie(&admin).send();
    assert_eq!(audit.status, 200, "{:?}", audit.body);
    let entry = audit.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["target"] == "u_morgan" && e["action"] == "state_changed")
        .expect("an audit entry for the suspension")
        .clone();
    assert_eq!(entry["actor"], "u_avery");
    assert_eq!(entry["before"]["user"]["state"], "active");
    assert_eq!(entry["after"]["user"]["state"], "suspended");

    let restored = Call::new("POST", "/api/v1/users/u_morgan/unsuspend")
        .cookie(&admin)
        .send();
    assert_eq!(restored.status, 200, "{:?}", restored.body);
    sign_in("morgan@brightline.example", DEMO_PASSWORD);
}

#[test]
fn r10_a_manager_cannot_suspend_someone_outside_their_accounts_and_nothing_changes() {
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    let refused = Call::new("POST", "/api/v1/users/u_frankie/suspend")
        .cookie(&casey)
        .send();
    assert_eq!(refused.status, 403);
    assert_eq!(refused.content_type, "application/problem+json");
    assert!(refused.body["rule"] == "R10", "{:?}", refused.body);
    sign_in("frankie@brightline.example", DEMO_PASSWORD);
}

#[test]
fn r12_nobody_suspends_themself() {
    let dana = sign_in("dana@brightline.example", DEMO_PASSWORD);
    let refused = Call::new("POST", "/api/v1/users/u_dana/suspend")
        .cookie(&dana)
        .send();
    assert_eq!(refused.status, 403);
    assert!(refused.body["rule"] == "R12");
}

#[test]
fn r2_another_agencys_user_is_answered_exactly_like_one_that_never_existed() {
    let northwind = sign_in("admin@northwind.example", DEMO_PASSWORD);
    let theirs = Call::new("POST", "/api/v1/users/u_kai/suspend")
        .cookie(&northwind)
        .send();
    let nobody = Call::new("POST", "/api/v1/users/u_nobody/suspend")
        .cookie(&northwind)
        .send();
    assert_eq!(theirs.status, 404);
    assert_eq!(theirs.body, nobody.body);
    sign_in("kai@brightline.example", DEMO_PASSWORD);
}

#[test]
fn any_command_is_decided_by_the_domain_and_written_atomically() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    // Ids unique to this run, so the test can run again on the same database.
    let run = run_id();
    let user = format!("u_http_invitee_{run}");
    let invite = json!({
        "command": "invite",
        "user": user,
        "grant": format!("g_http_invitee_{run}"),
        "email": format!("invitee{run}@brightline.example"),
        "name": "Ivy Invitee",
        "role": { "kind": "builtin", "id": "Agent" },
        "node": "n_summit"
    });
    let answer = Call::new("POST", "/api/v1/commands")
        .cookie(&admin)
        .json(&invite);
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let users = Call::new("GET", "/api/v1/users").cookie(&admin).send();
    let ivy = users.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == user.as_str())
        .cloned();
    assert_eq!(ivy.expect("the invited user is listed")["state"], "invited");

    // The same ids again: a conflict, and nothing half-made.
    let again = Call::new("POST", "/api/v1/commands")
        .cookie(&admin)
        .json(&invite);
    assert_eq!(again.status, 409, "{:?}", again.body);

    // Revoking the invitation takes the person out of the list (and leaves the demo as it was).
    let revoke = json!({ "command": "revoke_invitation", "user": user });
    let answer = Call::new("POST", "/api/v1/commands")
        .cookie(&admin)
        .json(&revoke);
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let users = Call::new("GET", "/api/v1/users").cookie(&admin).send();
    let listed = users.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["id"] == user.as_str());
    assert!(!listed, "a revoked invitation leaves the list");
}

#[test]
fn malformed_or_hostile_commands_get_a_problem_never_a_server_error() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    for body in [
        json!({ "command": "launch_rockets" }),
        json!({ "command": "suspend" }),
        json!({ "command": "rename_node", "node": "n_acme", "name": "   " }),
        json!({ "command": "invite", "user": "u", "grant": "g", "email": "not-an-address",
                "name": "X", "role": { "kind": "builtin", "id": "Agent" }, "node": "n_acme" }),
    ] {
        let answer = Call::new("POST", "/api/v1/commands")
            .cookie(&admin)
            .json(&body);
        assert_eq!(answer.status, 400, "{body}: {:?}", answer.body);
        assert_eq!(answer.content_type, "application/problem+json");
    }
    let unknown_role = json!({ "command": "grant", "grant": "g_x", "user": "u_kai",
        "role": { "kind": "custom", "id": "no_such_role" }, "node": "n_acme",
        "starts_at": null, "ends_at": null });
    let answer = Call::new("POST", "/api/v1/commands")
        .cookie(&admin)
        .json(&unknown_role);
    assert_eq!(answer.status, 404, "{:?}", answer.body);
}

#[test]
fn the_audit_log_is_for_administrators() {
    let dana = sign_in("dana@brightline.example", DEMO_PASSWORD);
    assert_eq!(
        Call::new("GET", "/api/v1/audit")
            .cookie(&dana)
            .send()
            .status,
        403
    );
    assert_eq!(Call::new("GET", "/api/v1/audit").send().status, 401);
}
