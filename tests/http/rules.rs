//! Rules of PRODUCT.md through the API, one test per rule that earlier files do not already
//! name. Changes stay inside Brightline and are undone, since the tests share one database.

use serde_json::{Value, json};
use switchboard_tests::{
    ADMIN_EMAIL, Call, DEMO_PASSWORD, accept_invitation, new_member, newest_invitation, run_id,
    sign_in,
};

fn explanation(cookie: &str, user: &str, capability: &str, node: &str) -> Value {
    Call::new(
        "GET",
        &format!("/api/v1/explain?user={user}&capability={capability}&node={node}"),
    )
    .cookie(cookie)
    .send()
    .body
}

/// A custom role of `capabilities`, defined by the administrator and given to `user` at
/// `node`: the role's id and the grant's.
fn custom_role_for(
    admin: &str,
    name: &str,
    capabilities: &[&str],
    user: &str,
    node: &str,
) -> (String, String) {
    let run = run_id();
    let (role, grant) = (format!("r_http_{run}"), format!("g_http_{run}"));
    let made = Call::new("POST", "/api/v1/roles")
        .cookie(admin)
        .json(&json!({
            "id": role, "name": format!("{name} {run}"), "capabilities": capabilities
        }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    let given = Call::new("POST", &format!("/api/v1/users/{user}/grants"))
        .cookie(admin)
        .json(&json!({ "id": grant, "role": { "kind": "custom", "id": role }, "node": node }));
    assert_eq!(given.status, 201, "{:?}", given.body);
    (role, grant)
}

/// Takes the grant back and deletes the role.
fn remove_custom_role(admin: &str, role: &str, grant: &str) {
    for path in [
        format!("/api/v1/grants/{grant}"),
        format!("/api/v1/roles/{role}"),
    ] {
        let answer = Call::new("DELETE", &path).cookie(admin).send();
        assert_eq!(answer.status, 200, "DELETE {path}: {:?}", answer.body);
    }
}

#[test]
fn r3_roles_held_at_several_nodes_add_up_down_the_tree() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let access = Call::new("GET", "/api/v1/users/u_noor/access")
        .cookie(&admin)
        .send();
    assert_eq!(access.status, 200, "{:?}", access.body);
    let nodes: Vec<&str> = access.body["access"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["node"].as_str().unwrap())
        .collect();
    assert!(
        nodes.contains(&"n_acme") && nodes.contains(&"n_summit"),
        "{nodes:?}"
    );
    // Reporting at Acme reaches Acme's locations; nothing reaches Harbor.
    let below = explanation(&admin, "u_noor", "reports.view", "n_acme_downtown");
    let elsewhere = explanation(&admin, "u_noor", "reports.view", "n_harbor");
    assert_ne!(below, elsewhere, "{below:?} / {elsewhere:?}");
    assert!(
        below.to_string().contains("n_acme"),
        "granted at Acme: {below:?}"
    );
}

#[test]
fn r4_switching_off_someones_calling_takes_calls_make_away_and_back() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let can_call = || explanation(&admin, "u_jordan", "calls.make", "n_harbor");
    let before = can_call();
    let off = Call::new("PATCH", "/api/v1/users/u_jordan")
        .cookie(&admin)
        .json(&json!({ "calling_enabled": false }));
    assert_eq!(off.status, 200, "{:?}", off.body);
    let switched_off = can_call();
    assert_ne!(switched_off, before, "calling off changes the answer");
    assert!(
        switched_off.to_string().contains("switch") || switched_off.to_string().contains("calling"),
        "the explanation names the switch: {switched_off:?}"
    );
    let on = Call::new("PATCH", "/api/v1/users/u_jordan")
        .cookie(&admin)
        .json(&json!({ "calling_enabled": true }));
    assert_eq!(on.status, 200, "{:?}", on.body);
    assert_eq!(can_call(), before);
}

#[test]
fn r4_seed_002_an_administrator_switches_off_their_own_calling_then_adds_an_agent() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let (me, _, cookie) = new_member(&admin, "Administrator", "n_brightline");
    let own_calling = |on: bool| {
        Call::new("PATCH", &format!("/api/v1/users/{me}"))
            .cookie(&cookie)
            .json(&json!({ "calling_enabled": on }))
    };
    let off = own_calling(false);
    assert_eq!(off.status, 200, "{:?}", off.body);
    let can_call = explanation(&cookie, &me, "calls.make", "n_acme");
    assert_eq!(can_call["answer"], "denied", "{can_call:?}");

    // Seed 002's first way of adding an agent: calling off, then add them. The switch limits
    // what the administrator does, not what they may grant (R4, R11).
    let run = run_id();
    let agent = format!("u_http_r4_{run}");
    let added = Call::new("POST", "/api/v1/commands")
        .cookie(&cookie)
        .json(&json!({
            "command": "invite", "user": agent, "grant": format!("g_http_r4_{run}"),
            "email": format!("r4agent{run}@brightline.example"), "name": "Dial Tone",
            "role": { "kind": "builtin", "id": "Agent" }, "node": "n_acme"
        }));
    assert_eq!(added.status, 200, "an agent is added: {:?}", added.body);
    let promoted = Call::new("POST", &format!("/api/v1/users/{agent}/grants"))
        .cookie(&cookie)
        .json(&json!({
            "id": format!("g_http_r4s_{run}"), "role": { "kind": "builtin", "id": "Supervisor" },
            "node": "n_acme_downtown"
        }));
    assert_eq!(promoted.status, 201, "and promoted: {:?}", promoted.body);

    // Switching it back on is their own choice, not an escalation (R12 does not apply).
    let on = own_calling(true);
    assert_eq!(on.status, 200, "{:?}", on.body);
    let can_call = explanation(&cookie, &me, "calls.make", "n_acme");
    assert_eq!(can_call["answer"], "allowed", "{can_call:?}");
    for path in [
        format!("/api/v1/users/{agent}"),
        format!("/api/v1/users/{me}"),
    ] {
        let gone = Call::new("DELETE", &path).cookie(&admin).send();
        assert_eq!(gone.status, 200, "DELETE {path}: {:?}", gone.body);
    }
}

#[test]
fn r30_only_support_raises_the_team_limit_the_agency_is_told_how_to_ask() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let raised = Call::new("PUT", "/api/v1/agency/plan")
        .cookie(&admin)
        .json(&json!({ "plan": { "plan": "team", "seat_override": 40 } }));
    assert_eq!(raised.status, 403, "{:?}", raised.body);
    let detail = raised.body["detail"].as_str().unwrap();
    assert!(
        raised.body["rule"] == "R30" && detail.contains("support") && !detail.contains("R30"),
        "{detail}"
    );
    let agency = Call::new("GET", "/api/v1/agency").cookie(&admin).send();
    assert_eq!(agency.body["plan"]["seat_override"], Value::Null);
}

#[test]
fn r11_a_manager_grants_what_they_hold_and_never_more() {
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    let run = run_id();
    let over = Call::new("POST", "/api/v1/users/u_kai/grants").cookie(&casey).json(&json!({
        "id": format!("g_http_r11a_{run}"), "role": { "kind": "builtin", "id": "Administrator" },
        "node": "n_harbor"
    }));
    assert_eq!(over.status, 403, "{:?}", over.body);
    assert!(over.body["rule"] == "R11", "{:?}", over.body);
    let fine = format!("g_http_r11b_{run}");
    let within = Call::new("POST", "/api/v1/users/u_kai/grants")
        .cookie(&casey)
        .json(&json!({
            "id": fine, "role": { "kind": "builtin", "id": "Reporting" }, "node": "n_harbor"
        }));
    assert_eq!(within.status, 201, "{:?}", within.body);
    let undone = Call::new("DELETE", &format!("/api/v1/grants/{fine}"))
        .cookie(&casey)
        .send();
    assert_eq!(undone.status, 200, "{:?}", undone.body);
}

#[test]
fn r13_a_role_is_replaced_by_a_smaller_one_in_one_step() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let grant = format!("g_http_r13_{}", run_id());
    let given = Call::new("POST", "/api/v1/users/u_morgan/grants")
        .cookie(&admin)
        .json(&json!({
            "id": grant, "role": { "kind": "builtin", "id": "Supervisor" }, "node": "n_harbor_bay"
        }));
    assert_eq!(given.status, 201, "{:?}", given.body);
    let demoted = Call::new("PATCH", &format!("/api/v1/grants/{grant}"))
        .cookie(&admin)
        .json(&json!({ "role": { "kind": "builtin", "id": "Viewer" } }));
    assert_eq!(demoted.status, 200, "{:?}", demoted.body);
    assert_eq!(demoted.body["events"][0]["event"], "role_changed");
    let audit = Call::new(
        "GET",
        &format!("/api/v1/audit?target={grant}&action=role_changed"),
    )
    .cookie(&admin)
    .send();
    let entry = &audit.body["entries"][0];
    assert_eq!(entry["before"]["grant"]["role"]["id"], "Supervisor");
    assert_eq!(entry["after"]["grant"]["role"]["id"], "Viewer");
    let gone = Call::new("DELETE", &format!("/api/v1/grants/{grant}"))
        .cookie(&admin)
        .send();
    assert_eq!(gone.status, 200);
}

#[test]
fn r20_editing_a_custom_role_changes_every_holder_at_once() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let (role, grant) = custom_role_for(
        &admin,
        "Listener",
        &["calls.view.all", "billing.manage"],
        "u_gray",
        "n_harbor_east",
    );
    let run = run_id();
    // R11 applies to custom roles: a Manager of Harbor cannot hand this role on (it carries
    // billing.manage, which a Manager lacks).
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    let refused = Call::new("POST", "/api/v1/users/u_kai/grants").cookie(&casey).json(&json!({
        "id": format!("g_http_r20b_{run}"), "role": { "kind": "custom", "id": role }, "node": "n_harbor"
    }));
    assert_eq!(refused.status, 403, "{:?}", refused.body);

    let listens = || explanation(&admin, "u_gray", "billing.manage", "n_harbor_east");
    let with = listens();
    let edited = Call::new("PUT", &format!("/api/v1/roles/{role}"))
        .cookie(&admin)
        .json(&json!({
            "name": format!("Listener {run}"), "capabilities": ["calls.view.all"]
        }));
    assert_eq!(edited.status, 200, "{:?}", edited.body);
    assert_ne!(
        listens(),
        with,
        "the holder lost billing.manage with the edit"
    );

    remove_custom_role(&admin, &role, &grant);
}

#[test]
fn r20_r23_editing_a_role_reaches_its_holders_own_next_request() {
    // A person's access is kept beside them and read with their session in one row
    // (migration 0012): an edit of a role they hold must reach it before their next request,
    // whichever way it goes.
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let run = run_id();
    let (role, user) = (format!("r_http_own_{run}"), format!("u_http_own_{run}"));
    let define = |capabilities: &[&str]| json!({ "name": format!("People viewer {run}"), "capabilities": capabilities });
    let mut body = define(&["login", "users.view"]);
    body["id"] = json!(role);
    let made = Call::new("POST", "/api/v1/roles")
        .cookie(&admin)
        .json(&body);
    assert_eq!(made.status, 201, "{:?}", made.body);
    let email = format!("own{run}@brightline.example");
    let invite = json!({
        "command": "invite", "user": user, "grant": format!("g_http_own_{run}"),
        "email": email, "name": format!("Own access {run}"),
        "role": { "kind": "custom", "id": role }, "node": "n_harbor_east"
    });
    let invited = Call::new("POST", "/api/v1/commands")
        .cookie(&admin)
        .json(&invite);
    assert_eq!(invited.status, 200, "{:?}", invited.body);
    let accepted = accept_invitation(&newest_invitation(&email), "Own-access-1");
    assert_eq!(accepted.status, 200, "{:?}", accepted.body);
    let cookie = accepted.session_cookie().expect("signed in");
    let list = || {
        Call::new("GET", "/api/v1/users?limit=5")
            .cookie(&cookie)
            .send()
    };
    let sees_people = || {
        let me = Call::new("GET", "/api/v1/me").cookie(&cookie).send();
        assert_eq!(me.status, 200, "{:?}", me.body);
        me.body["access"]
            .as_array()
            .expect("access")
            .iter()
            .any(|at| {
                at["capabilities"]
                    .as_array()
                    .expect("capabilities")
                    .contains(&json!("users.view"))
            })
    };
    let edit = |capabilities: &[&str]| {
        let edited = Call::new("PUT", &format!("/api/v1/roles/{role}"))
            .cookie(&admin)
            .json(&define(capabilities));
        assert_eq!(edited.status, 200, "{:?}", edited.body);
    };
    assert_eq!(list().status, 200);
    assert!(sees_people());

    edit(&["login"]);
    let refused = list();
    assert_eq!(refused.status, 403, "{:?}", refused.body);
    let detail = refused.body["detail"].as_str().unwrap_or_default();
    assert_eq!(refused.body["rule"], "R10", "{detail}");
    assert!(detail.contains("see people"), "said in words: {detail}");
    assert!(!sees_people(), "users.view left with the edit");

    edit(&["login", "users.view"]);
    assert_eq!(list().status, 200, "users.view came back with the edit");
    assert!(sees_people());

    let delete = json!({ "command": "delete", "user": user, "reassign_to": null });
    let gone = Call::new("POST", "/api/v1/commands")
        .cookie(&admin)
        .json(&delete);
    assert_eq!(gone.status, 200, "{:?}", gone.body);
    let role_gone = Call::new("DELETE", &format!("/api/v1/roles/{role}"))
        .cookie(&admin)
        .send();
    assert_eq!(role_gone.status, 200, "{:?}", role_gone.body);
}

#[test]
fn r24_deleting_someone_hands_their_numbers_on_in_the_same_step() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let run = run_id();
    let user = format!("u_http_r24_{run}");
    let added = Call::new("POST", "/api/v1/notification-users")
        .cookie(&admin)
        .json(&json!({
            "id": user, "email": format!("r24{run}@brightline.example"), "name": "Dee Parting",
            "node": "n_summit"
        }));
    assert_eq!(added.status, 201, "{:?}", added.body);
    let number = format!("+1556{:07}", run % 10_000_000);
    let assigned = Call::new("PUT", &format!("/api/v1/numbers/{number}"))
        .cookie(&admin)
        .json(&json!({ "user": user }));
    assert_eq!(assigned.status, 200, "{:?}", assigned.body);
    let deleted = Call::new(
        "DELETE",
        &format!("/api/v1/users/{user}?reassign_to=u_frankie"),
    )
    .cookie(&admin)
    .send();
    assert_eq!(deleted.status, 200, "{:?}", deleted.body);
    let numbers = Call::new("GET", "/api/v1/numbers").cookie(&admin).send();
    let line = numbers.body["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["number"] == number.as_str())
        .cloned()
        .expect("the number still has a destination");
    assert_eq!(line["user"], "u_frankie");
    // Their page is their history now, for whoever reads the audit log (R24, R25).
    let page = Call::new("GET", &format!("/api/v1/users/{user}"))
        .cookie(&admin)
        .send();
    assert_eq!(page.status, 200, "{:?}", page.body);
    assert_eq!(page.body["user"]["state"], "deleted");
    assert_eq!(page.body["user"]["name"], "Dee Parting");
    let actions: Vec<&str> = page.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.first(), Some(&"state_changed"), "{actions:?}");
    assert!(actions.contains(&"user_added"), "{actions:?}");
    assert!(
        page.body["history"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["target_name"] == "Dee Parting"),
        "{:?}",
        page.body["history"]
    );
    // A manager, who does not read the audit log, finds nobody there.
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    assert_eq!(
        Call::new("GET", &format!("/api/v1/users/{user}"))
            .cookie(&casey)
            .send()
            .status,
        404
    );
    // Their history keeps their name.
    let audit = Call::new(
        "GET",
        &format!("/api/v1/audit?target={user}&action=user_added"),
    )
    .cookie(&admin)
    .send();
    assert_eq!(
        audit.body["entries"][0]["after"]["user"]["name"],
        "Dee Parting"
    );
}

#[test]
fn r24_a_deleted_actors_entries_keep_their_name() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let (me, _, cookie) = new_member(&admin, "Manager", "n_summit");
    let run = run_id();
    let made = format!("u_http_r24a_{run}");
    let added = Call::new("POST", "/api/v1/notification-users")
        .cookie(&cookie)
        .json(&json!({
            "id": made, "email": format!("r24a{run}@brightline.example"),
            "name": "Tess Notified", "node": "n_summit"
        }));
    assert_eq!(added.status, 201, "{:?}", added.body);
    let gone = Call::new("DELETE", &format!("/api/v1/users/{me}"))
        .cookie(&admin)
        .send();
    assert_eq!(gone.status, 200, "{:?}", gone.body);
    let audit = Call::new("GET", &format!("/api/v1/audit?actor={me}"))
        .cookie(&admin)
        .send();
    assert_eq!(audit.status, 200, "{:?}", audit.body);
    let entry = audit.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["target"] == made.as_str())
        .cloned()
        .expect("the entry of the person they added");
    assert_eq!(entry["actor_name"], "Morgan Member");
    assert_eq!(entry["target_name"], "Tess Notified");
    let page = Call::new("GET", &format!("/api/v1/users/{me}"))
        .cookie(&admin)
        .send();
    assert_eq!(page.body["user"]["state"], "deleted");
    assert!(
        page.body["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["target"] == made.as_str() && e["actor_name"] == "Morgan Member"),
        "{:?}",
        page.body["history"]
    );
    let gone = Call::new("DELETE", &format!("/api/v1/users/{made}"))
        .cookie(&admin)
        .send();
    assert_eq!(gone.status, 200, "{:?}", gone.body);
}

#[test]
fn r30_a_plan_below_the_seats_in_use_is_refused_and_nothing_changes() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let refused = Call::new("PUT", "/api/v1/agency/plan")
        .cookie(&admin)
        .json(&json!({ "plan": { "plan": "solo" } }));
    assert!(matches!(refused.status, 403 | 409), "{:?}", refused.body);
    assert!(refused.body["rule"] == "R30", "{:?}", refused.body);
    let agency = Call::new("GET", "/api/v1/agency").cookie(&admin).send();
    assert_eq!(agency.body["plan"]["plan"], "team");
}

#[test]
fn r14_the_last_administrator_of_the_agency_cannot_be_suspended() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    // Dana gets the power to suspend anyone in the agency, through a custom role: that makes
    // her no administrator, so Avery stays the agency's only one.
    let (role, grant) = custom_role_for(
        &admin,
        "Suspender",
        &["users.view", "users.suspend"],
        "u_dana",
        "n_brightline",
    );

    let dana = sign_in("dana@brightline.example", DEMO_PASSWORD);
    let refused = Call::new("POST", "/api/v1/users/u_avery/suspend")
        .cookie(&dana)
        .send();
    assert_eq!(refused.status, 403, "{:?}", refused.body);
    assert!(refused.body["rule"] == "R14", "{:?}", refused.body);
    assert_eq!(
        Call::new("GET", "/api/v1/me").cookie(&admin).send().status,
        200,
        "Avery is in"
    );

    remove_custom_role(&admin, &role, &grant);
}
