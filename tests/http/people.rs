//! One person, several agencies (PRODUCT §5, R2): memberships, choosing and switching an
//! agency, and the account self-service everyone expects — a forgotten password, a new
//! password, a new address, one's own sessions.

use serde_json::{Value, json};
use switchboard_tests::{
    ADMIN_EMAIL, Call, DEMO_PASSWORD, accept_invitation, new_member, newest_invitation,
    newest_link, run_id, sign_in,
};

const NORTHWIND_ADMIN: &str = "admin@northwind.example";
/// Northwind's agent, whom Brightline invites in one test; nobody else signs in as Riley.
const RILEY: &str = "riley@northwind.example";

fn sign_in_answer(email: &str, password: &str, agency: Option<&str>) -> switchboard_tests::Answer {
    let mut body = json!({ "email": email, "password": password });
    if let Some(agency) = agency {
        body["agency"] = json!(agency);
    }
    Call::new("POST", "/api/v1/session").json(&body)
}

fn agency_ids(me: &Value) -> Vec<String> {
    me["agencies"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x["id"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn user_emails(cookie: &str) -> Vec<String> {
    let list = Call::new("GET", "/api/v1/users").cookie(cookie).send();
    assert_eq!(list.status, 200, "{:?}", list.body);
    list.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_owned())
        .collect()
}

/// Deletes someone a test added, so the demo agency is as it was for the tests after.
fn remove(admin: &str, user: &str) {
    let gone = Call::new("DELETE", &format!("/api/v1/users/{user}"))
        .cookie(admin)
        .send();
    assert_eq!(gone.status, 200, "{:?}", gone.body);
}

/// Invites `email` into the agency of `admin_cookie` as `role` at `node`: the answer.
fn invite(
    admin_cookie: &str,
    user: &str,
    email: &str,
    role: &str,
    node: &str,
) -> switchboard_tests::Answer {
    Call::new("POST", "/api/v1/users")
        .cookie(admin_cookie)
        .json(&json!({
            "id": user, "email": email, "name": "Pat Twofold",
            "role": { "kind": "builtin", "id": role }, "node": node
        }))
}

/// The keys of a JSON object, with the values that differ between two invitations left out.
fn shape(body: &Value) -> String {
    let mut shape = body.clone();
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => map.values_mut().for_each(strip),
            Value::Array(items) => items.iter_mut().for_each(strip),
            other => *other = Value::Null,
        }
    }
    strip(&mut shape);
    shape.to_string()
}

#[test]
fn r2_inviting_an_address_known_in_another_agency_answers_exactly_as_an_unknown_one() {
    let brightline = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let run = run_id();
    let known = invite(
        &brightline,
        &format!("u_http_known_{run}"),
        RILEY,
        "Reporting",
        "n_summit",
    );
    let unknown = invite(
        &brightline,
        &format!("u_http_unknown_{run}"),
        &format!("nobody{run}@elsewhere.example"),
        "Reporting",
        "n_summit",
    );
    assert_eq!(known.status, 201, "{:?}", known.body);
    assert_eq!(known.status, unknown.status);
    assert_eq!(shape(&known.body), shape(&unknown.body));
    assert_eq!(known.d1_round_trips, unknown.d1_round_trips);

    // Riley, Northwind's agent, accepts with the password they have: no second one.
    let link = newest_invitation(RILEY);
    let preview = Call::new("POST", "/api/v1/invitations/preview").json(&json!({ "token": link }));
    assert_eq!(preview.status, 200, "{:?}", preview.body);
    assert_eq!(preview.body["agency"]["name"], "Brightline Media");
    assert_eq!(preview.body["existing_account"], true);
    let wrong = accept_invitation(&link, "Not-the-password1");
    assert_eq!(wrong.status, 401, "{:?}", wrong.body);
    let accepted = accept_invitation(&link, DEMO_PASSWORD);
    assert_eq!(accepted.status, 200, "{:?}", accepted.body);
    assert_eq!(accepted.body["agency"]["id"], "ag_brightline");
    let mut both = agency_ids(&accepted.body);
    both.sort();
    assert_eq!(both, ["ag_brightline", "ag_northwind"]);
    // Riley's sign-in still reaches Northwind, with the password unchanged.
    let northwind = sign_in_answer(RILEY, DEMO_PASSWORD, Some("ag_northwind"));
    assert_eq!(northwind.status, 200, "{:?}", northwind.body);
    assert_eq!(northwind.body["id"], "u_riley");

    let outbox = Call::new("GET", "/api/v1/dev/outbox").send();
    let mail = outbox
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["to_email"] == RILEY)
        .cloned();
    let mail = mail.expect("Riley's invitation");
    assert!(
        mail["body"]
            .as_str()
            .unwrap()
            .starts_with("Brightline Media invites you"),
        "the mail says which agency invites: {mail:?}"
    );
    // An unknown address's link asks for a new password.
    let fresh = newest_invitation(&format!("nobody{run}@elsewhere.example"));
    let preview = Call::new("POST", "/api/v1/invitations/preview").json(&json!({ "token": fresh }));
    assert_eq!(preview.body["existing_account"], false);

    // Brightline takes its new member away again; Northwind's is untouched.
    for id in [
        format!("u_http_known_{run}"),
        format!("u_http_unknown_{run}"),
    ] {
        let gone = Call::new("DELETE", &format!("/api/v1/users/{id}"))
            .cookie(&brightline)
            .send();
        assert_eq!(gone.status, 200, "{:?}", gone.body);
    }
    let after = sign_in_answer(RILEY, DEMO_PASSWORD, None);
    assert_eq!(after.status, 200, "{:?}", after.body);
    assert_eq!(agency_ids(&after.body), ["ag_northwind"]);
}

#[test]
fn a_person_in_two_agencies_signs_in_chooses_switches_and_never_sees_one_in_the_other() {
    // Indigo (demo data): Billing at Brightline, Manager of Rival Roofing at Northwind.
    let first = sign_in_answer(
        "indigo@brightline.example",
        DEMO_PASSWORD,
        Some("ag_brightline"),
    );
    assert_eq!(first.status, 200, "{:?}", first.body);
    assert_eq!(first.body["agency"]["id"], "ag_brightline");
    assert_eq!(agency_ids(&first.body), ["ag_brightline", "ag_northwind"]);
    let brightline = first.session_cookie().unwrap();

    let agencies = Call::new("GET", "/api/v1/me/agencies")
        .cookie(&brightline)
        .send();
    assert_eq!(agencies.status, 200, "{:?}", agencies.body);
    assert_eq!(
        agency_ids(&agencies.body),
        ["ag_brightline", "ag_northwind"]
    );

    // Switching needs no password; the old session ends and the new one is Northwind's alone.
    let switched = Call::new("POST", "/api/v1/session/agency")
        .cookie(&brightline)
        .json(&json!({ "agency": "ag_northwind" }));
    assert_eq!(switched.status, 200, "{:?}", switched.body);
    assert_eq!(switched.body["id"], "u_indigo_nw");
    assert_eq!(switched.body["agency"]["name"], "Northwind Calls");
    let northwind = switched.session_cookie().unwrap();
    assert_eq!(
        Call::new("GET", "/api/v1/me")
            .cookie(&brightline)
            .send()
            .status,
        401,
        "the Brightline session ended"
    );
    let seen = user_emails(&northwind);
    assert!(
        seen.iter()
            .all(|e| e.ends_with("@northwind.example") || e == "indigo@brightline.example"),
        "{seen:?}"
    );
    for path in ["/api/v1/users/u_avery", "/api/v1/users/u_indigo"] {
        assert_eq!(
            Call::new("GET", path).cookie(&northwind).send().status,
            404,
            "{path} is Brightline's (R2)"
        );
    }
    // An agency the person does not belong to reads like one that does not exist.
    for agency in ["ag_nowhere", "ag_matrix"] {
        let refused = Call::new("POST", "/api/v1/session/agency")
            .cookie(&northwind)
            .json(&json!({ "agency": agency }));
        assert_eq!(refused.status, 422, "{:?}", refused.body);
        assert_eq!(refused.body["errors"][0]["field"], "agency");
    }
    // The last agency used comes first at the next sign-in.
    let again = sign_in_answer("indigo@brightline.example", DEMO_PASSWORD, None);
    assert_eq!(again.body["agency"]["id"], "ag_northwind");
    assert_eq!(agency_ids(&again.body), ["ag_northwind", "ag_brightline"]);
    let back = sign_in_answer(
        "indigo@brightline.example",
        DEMO_PASSWORD,
        Some("ag_brightline"),
    );
    assert_eq!(back.body["id"], "u_indigo");
}

#[test]
fn suspension_in_one_agency_leaves_the_other_membership_as_it_is() {
    let _northwind = switchboard_tests::northwind_changes();
    let brightline = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let northwind = sign_in(NORTHWIND_ADMIN, DEMO_PASSWORD);
    let (user, email, first) = new_member(&brightline, "Reporting", "n_acme");
    let run = run_id();
    let nw_user = format!("u_http_nw_{run}");
    let invited = invite(&northwind, &nw_user, &email, "Agent", "n_rival");
    assert_eq!(invited.status, 201, "{:?}", invited.body);
    let joined = accept_invitation(&newest_invitation(&email), DEMO_PASSWORD);
    assert_eq!(joined.status, 200, "{:?}", joined.body);
    let in_northwind = joined.session_cookie().unwrap();

    let suspended = Call::new("POST", &format!("/api/v1/users/{nw_user}/suspend"))
        .cookie(&northwind)
        .send();
    assert_eq!(suspended.status, 200, "{:?}", suspended.body);
    assert_eq!(
        Call::new("GET", "/api/v1/me")
            .cookie(&in_northwind)
            .send()
            .status,
        401,
        "R23 in Northwind"
    );
    assert_eq!(
        Call::new("GET", "/api/v1/me").cookie(&first).send().status,
        200,
        "Brightline's membership is untouched"
    );
    let signed = sign_in_answer(&email, DEMO_PASSWORD, None);
    assert_eq!(signed.status, 200, "{:?}", signed.body);
    assert_eq!(signed.body["id"], user.as_str());
    assert_eq!(agency_ids(&signed.body), ["ag_brightline"]);
    let refused = sign_in_answer(&email, DEMO_PASSWORD, Some("ag_northwind"));
    assert_eq!(refused.status, 422, "{:?}", refused.body);

    // Deleted at Brightline, the person still signs in to Northwind once restored there.
    let gone = Call::new("DELETE", &format!("/api/v1/users/{user}"))
        .cookie(&brightline)
        .send();
    assert_eq!(gone.status, 200, "{:?}", gone.body);
    let none = sign_in_answer(&email, DEMO_PASSWORD, None);
    assert_eq!(
        none.status, 403,
        "suspended in the only agency left: {:?}",
        none.body
    );
    let restored = Call::new("POST", &format!("/api/v1/users/{nw_user}/unsuspend"))
        .cookie(&northwind)
        .send();
    assert_eq!(restored.status, 200, "{:?}", restored.body);
    let only = sign_in_answer(&email, DEMO_PASSWORD, None);
    assert_eq!(only.status, 200, "{:?}", only.body);
    assert_eq!(only.body["agency"]["id"], "ag_northwind");
    let gone = Call::new("DELETE", &format!("/api/v1/users/{nw_user}"))
        .cookie(&northwind)
        .send();
    assert_eq!(gone.status, 200, "{:?}", gone.body);
}

#[test]
fn a_forgotten_password_is_reset_by_a_single_use_link_and_unknown_addresses_read_the_same() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let (user, email, old_session) = new_member(&admin, "Viewer", "n_summit");
    let run = run_id();
    let unknown = format!("ghost{run}@nowhere.example");
    let known_answer =
        Call::new("POST", "/api/v1/password/forgot").json(&json!({ "email": email }));
    let unknown_answer =
        Call::new("POST", "/api/v1/password/forgot").json(&json!({ "email": unknown }));
    assert_eq!(known_answer.status, 202, "{:?}", known_answer.body);
    assert_eq!(known_answer.status, unknown_answer.status);
    assert_eq!(known_answer.body, unknown_answer.body);
    assert_eq!(known_answer.d1_round_trips, unknown_answer.d1_round_trips);
    assert!(
        newest_link(&unknown, "/reset#").is_none(),
        "no mail for nobody"
    );
    let link = newest_link(&email, "/reset#").expect("a reset mail");

    let weak = Call::new("POST", "/api/v1/password/reset")
        .json(&json!({ "token": link, "password": "short" }));
    assert_eq!(weak.status, 422, "R22: {:?}", weak.body);
    // An hour later the link is dead.
    let late = Call::new("POST", "/api/v1/password/reset")
        .header("X-Switchboard-Clock-Skip", &(61 * 60 * 1000).to_string())
        .json(&json!({ "token": link, "password": "Brand-new-pass1" }));
    assert_eq!(late.status, 410, "{:?}", late.body);
    let reset = Call::new("POST", "/api/v1/password/reset")
        .json(&json!({ "token": link, "password": "Brand-new-pass1" }));
    assert_eq!(reset.status, 200, "{:?}", reset.body);
    let again = Call::new("POST", "/api/v1/password/reset")
        .json(&json!({ "token": link, "password": "Another-pass1" }));
    assert_eq!(again.status, 410, "single-use: {:?}", again.body);
    assert_eq!(
        Call::new("GET", "/api/v1/me")
            .cookie(&old_session)
            .send()
            .status,
        401,
        "every session ended"
    );
    assert_eq!(sign_in_answer(&email, DEMO_PASSWORD, None).status, 401);
    sign_in(&email, "Brand-new-pass1");

    // Malformed requests get a precise answer and change nothing.
    let bad =
        Call::new("POST", "/api/v1/password/forgot").json(&json!({ "email": "not an address" }));
    assert_eq!(bad.status, 422, "{:?}", bad.body);
    assert_eq!(bad.body["errors"][0]["field"], "email");
    remove(&admin, &user);
}

#[test]
fn changing_ones_password_needs_the_current_one_and_ends_the_other_sessions() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let (user, email, here) = new_member(&admin, "Viewer", "n_summit");
    let elsewhere = sign_in(&email, DEMO_PASSWORD);
    let change = |current: &str, new: &str| {
        Call::new("PUT", "/api/v1/me/password")
            .cookie(&here)
            .json(&json!({ "current_password": current, "new_password": new }))
    };
    let wrong = change("Not-my-password1", "Brand-new-pass1");
    assert_eq!(wrong.status, 422, "{:?}", wrong.body);
    assert_eq!(wrong.body["errors"][0]["field"], "current_password");
    let weak = change(DEMO_PASSWORD, "weak");
    assert_eq!(weak.status, 422, "{:?}", weak.body);
    assert_eq!(weak.body["errors"][0]["field"], "new_password");
    let changed = change(DEMO_PASSWORD, "Brand-new-pass1");
    assert_eq!(changed.status, 200, "{:?}", changed.body);
    assert_eq!(
        Call::new("GET", "/api/v1/me").cookie(&here).send().status,
        200
    );
    assert_eq!(
        Call::new("GET", "/api/v1/me")
            .cookie(&elsewhere)
            .send()
            .status,
        401
    );
    assert_eq!(sign_in_answer(&email, DEMO_PASSWORD, None).status, 401);
    sign_in(&email, "Brand-new-pass1");
    remove(&admin, &user);
}

#[test]
fn changing_ones_address_waits_for_the_link_to_the_new_one() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let (user, email, here) = new_member(&admin, "Viewer", "n_summit");
    let run = run_id();
    let new_email = format!("moved{run}@elsewhere.example");
    let asked = Call::new("POST", "/api/v1/me/email")
        .cookie(&here)
        .json(&json!({ "email": new_email, "password": DEMO_PASSWORD }));
    assert_eq!(asked.status, 202, "{:?}", asked.body);
    // Nothing changes before the link is opened.
    sign_in(&email, DEMO_PASSWORD);
    let link = newest_link(&new_email, "/confirm-email#").expect("a mail to the new address");
    let confirmed = Call::new("POST", "/api/v1/me/email/confirm").json(&json!({ "token": link }));
    assert_eq!(confirmed.status, 200, "{:?}", confirmed.body);
    assert_eq!(sign_in_answer(&email, DEMO_PASSWORD, None).status, 401);
    let moved = sign_in(&new_email, DEMO_PASSWORD);
    let me = Call::new("GET", "/api/v1/me").cookie(&moved).send();
    assert_eq!(me.body["email"], new_email.as_str());
    let again = Call::new("POST", "/api/v1/me/email/confirm").json(&json!({ "token": link }));
    assert_eq!(again.status, 410, "single-use: {:?}", again.body);
    // The agency's audit log says so (R25), and an administrator cannot change it for them.
    let audit = Call::new(
        "GET",
        &format!("/api/v1/audit?target={user}&action=email_changed"),
    )
    .cookie(&admin)
    .send();
    assert_eq!(
        audit.body["entries"][0]["after"]["email"],
        new_email.as_str()
    );
    let by_admin = Call::new("PATCH", &format!("/api/v1/users/{user}"))
        .cookie(&admin)
        .json(&json!({ "email": format!("taken{run}@elsewhere.example") }));
    assert_eq!(by_admin.status, 422, "{:?}", by_admin.body);
    // An address already someone else's is refused at the link, to its holder only.
    let taken = Call::new("POST", "/api/v1/me/email")
        .cookie(&moved)
        .json(&json!({ "email": ADMIN_EMAIL, "password": DEMO_PASSWORD }));
    assert_eq!(
        taken.status, 202,
        "the same answer as any address: {:?}",
        taken.body
    );
    let link = newest_link(ADMIN_EMAIL, "/confirm-email#").expect("a mail");
    let refused = Call::new("POST", "/api/v1/me/email/confirm").json(&json!({ "token": link }));
    assert_eq!(refused.status, 409, "{:?}", refused.body);
    remove(&admin, &user);
}

#[test]
fn a_person_lists_their_sessions_and_ends_any_one_of_them() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let (user, email, here) = new_member(&admin, "Viewer", "n_summit");
    let phone = Call::new("POST", "/api/v1/session")
        .header("User-Agent", "Phone browser 1.0")
        .json(&json!({ "email": email, "password": DEMO_PASSWORD }));
    let phone = phone.session_cookie().unwrap();
    let list = Call::new("GET", "/api/v1/me/sessions").cookie(&here).send();
    assert_eq!(list.status, 200, "{:?}", list.body);
    let sessions = list.body["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    let other = sessions
        .iter()
        .find(|s| s["device"] == "Phone browser 1.0")
        .expect("the phone's session, by its device");
    assert_eq!(other["agency"]["id"], "ag_brightline");
    let id = other["id"].as_str().unwrap();
    // Someone else's session id reads as none at all.
    assert_eq!(
        Call::new("DELETE", &format!("/api/v1/me/sessions/{id}"))
            .cookie(&admin)
            .send()
            .status,
        404
    );
    let ended = Call::new("DELETE", &format!("/api/v1/me/sessions/{id}"))
        .cookie(&here)
        .send();
    assert_eq!(ended.status, 204, "{:?}", ended.body);
    assert_eq!(
        Call::new("GET", "/api/v1/me").cookie(&phone).send().status,
        401
    );
    assert_eq!(
        Call::new("GET", "/api/v1/me").cookie(&here).send().status,
        200
    );
    remove(&admin, &user);
}
