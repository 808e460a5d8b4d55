//! The platform asks Switchboard who may see a call, lead or message (`POST /check`) and which
//! ones a person may list (`GET /filter`), with a service token an administrator made.

use serde_json::{Value, json};
use switchboard_tests::{
    ADMIN_EMAIL, Call, DEMO_PASSWORD, audit_entry, new_member, run_id, sign_in,
};

/// A new service token of Brightline, made by its owner: its id and secret.
fn service_token(admin: &str) -> (String, String) {
    let made = Call::new("POST", "/api/v1/service-tokens")
        .cookie(admin)
        .json(&json!({ "name": format!("Platform {}", run_id()) }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    let secret = made.body["secret"].as_str().unwrap().to_owned();
    (
        made.body["token"]["id"].as_str().unwrap().to_owned(),
        secret,
    )
}

fn revoke(admin: &str, id: &str) {
    let revoked = Call::new("DELETE", &format!("/api/v1/service-tokens/{id}"))
        .cookie(admin)
        .send();
    assert_eq!(revoked.status, 204, "{:?}", revoked.body);
}

fn bearer(secret: &str) -> String {
    format!("Bearer {secret}")
}

/// The answers to `questions`, asked with `secret`.
fn check(secret: &str, questions: &[Value]) -> Vec<Value> {
    let answer = Call::new("POST", "/api/v1/check")
        .header("Authorization", &bearer(secret))
        .json(&json!({ "questions": questions }));
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let answers = answer.body["answers"].as_array().unwrap().clone();
    assert_eq!(answers.len(), questions.len());
    answers
}

fn ask(user: &str, capability: &str, node: &str, owner: Option<&str>) -> Value {
    let mut question = json!({ "user": user, "capability": capability, "node": node });
    if let Some(owner) = owner {
        question["owner"] = json!(owner);
    }
    question
}

fn allowed(answer: &Value) -> bool {
    assert_eq!(
        answer["allowed"],
        answer["explanation"]["answer"] == "allowed",
        "{answer}"
    );
    answer["allowed"].as_bool().unwrap()
}

fn delete_person(admin: &str, user: &str) {
    let deleted = Call::new("DELETE", &format!("/api/v1/users/{user}"))
        .cookie(admin)
        .send();
    assert!(
        deleted.status == 200 || deleted.status == 204,
        "{:?}",
        deleted.body
    );
}

#[test]
fn r10_only_an_administrator_of_the_whole_agency_makes_service_tokens_shown_once_and_audited() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let (id, secret) = service_token(&admin);
    assert!(secret.starts_with("sbs_") && secret.len() > 40, "{secret}");
    let listed = Call::new("GET", "/api/v1/service-tokens")
        .cookie(&admin)
        .send();
    assert_eq!(listed.status, 200);
    let token = listed.body["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id.as_str())
        .expect("the new token is listed")
        .clone();
    assert_eq!(token["created_by"], "Avery Adams");
    assert!(
        !listed.body.to_string().contains(&secret),
        "the secret is never listed"
    );
    let made = audit_entry(&admin, "service_token_created", &id);
    assert!(made.is_some(), "making it is in the audit log");
    // A manager of one account may not, nor may a script with an API token.
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    let refused = Call::new("POST", "/api/v1/service-tokens")
        .cookie(&casey)
        .json(&json!({ "name": "Mine" }));
    assert_eq!(refused.status, 403, "{:?}", refused.body);
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("administrators of the whole agency"),
        "{:?}",
        refused.body
    );
    let listed_by_casey = Call::new("GET", "/api/v1/service-tokens")
        .cookie(&casey)
        .send();
    assert_eq!(listed_by_casey.status, 403);
    revoke(&admin, &id);
    let after = check_status(&secret);
    assert_eq!(after, 401, "a revoked token's next question is refused");
    let revoked = audit_entry(&admin, "service_token_revoked", &id).expect("revoking is audited");
    assert_eq!(
        revoked["before"],
        json!({ "kind": "service_token", "name": token["name"] }),
        "the entry shows what was revoked"
    );
}

fn check_status(secret: &str) -> u16 {
    Call::new("POST", "/api/v1/check")
        .header("Authorization", &bearer(secret))
        .json(&json!({ "questions": [ask("u_kai", "calls.view.own", "n_harbor_pier", None)] }))
        .status
}

#[test]
fn an_agent_sees_their_own_calls_and_not_other_peoples() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let (id, secret) = service_token(&admin);
    let answers = check(
        &secret,
        &[
            ask("u_kai", "calls.view.own", "n_harbor_pier", Some("u_kai")),
            ask("u_kai", "calls.view.own", "n_harbor_pier", Some("u_casey")),
            ask("u_kai", "calls.view.all", "n_harbor_pier", None),
            ask("u_casey", "calls.view.all", "n_harbor_pier", Some("u_kai")),
            ask("u_kai", "calls.view.own", "n_acme", Some("u_kai")),
            ask("u_kai", "calls.make", "n_harbor_pier", None),
            ask("u_kai", "users.suspend", "n_harbor_pier", None),
        ],
    );
    let yes: Vec<bool> = answers.iter().map(allowed).collect();
    assert_eq!(yes, [true, false, false, true, false, true, false]);
    assert_eq!(
        answers[1]["explanation"]["missing"],
        json!({ "missing": "not_theirs", "owner": "u_casey" }),
        "the reason says the call is someone else's"
    );
    assert_eq!(
        answers[2]["explanation"]["missing"]["missing"],
        "not_theirs"
    );
    assert_eq!(
        answers[0]["explanation"]["because"][0]["role_name"], "Agent",
        "allowed by the Agent grant"
    );
    assert_eq!(answers[4]["explanation"]["missing"]["missing"], "elsewhere");
    revoke(&admin, &id);
}

#[test]
fn a_messaging_agent_with_viewer_reads_messages_and_changes_nothing() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let (user, _, cookie) = new_member(&admin, "Messaging Agent", "n_harbor_bay");
    let viewer = Call::new("POST", &format!("/api/v1/users/{user}/grants"))
        .cookie(&admin)
        .json(&json!({
            "id": format!("g_http_viewer_{}", run_id()),
            "role": { "kind": "builtin", "id": "Viewer" }, "node": "n_harbor_bay"
        }));
    assert!(viewer.status < 300, "{:?}", viewer.body);
    let (id, secret) = service_token(&admin);
    let answers = check(
        &secret,
        &[
            ask(&user, "messages.view", "n_harbor_bay", Some("u_kai")),
            ask(&user, "messages.reply", "n_harbor_bay", None),
            ask(&user, "calls.view.all", "n_harbor_bay", Some("u_kai")),
            ask(&user, "messages.view", "n_acme", None),
            ask(&user, "users.suspend", "n_harbor_bay", None),
            ask(&user, "users.edit", "n_harbor_bay", None),
            ask(&user, "numbers.edit", "n_harbor_bay", None),
        ],
    );
    let yes: Vec<bool> = answers.iter().map(allowed).collect();
    assert_eq!(yes, [true, true, true, false, false, false, false]);
    // And the Worker holds them to it: they read, and a change of theirs is refused.
    let suspend = Call::new("POST", "/api/v1/users/u_kai/suspend")
        .cookie(&cookie)
        .send();
    assert!(
        suspend.status == 403 || suspend.status == 404,
        "{:?}",
        suspend.body
    );
    let kai = Call::new("GET", "/api/v1/users/u_kai")
        .cookie(&admin)
        .send();
    assert_eq!(kai.body["user"]["state"], "active", "nothing changed");
    revoke(&admin, &id);
    delete_person(&admin, &user);
}

#[test]
fn r23_a_suspension_flips_the_answer_on_the_next_question() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let (user, _, _) = new_member(&admin, "Agent", "n_harbor_pier");
    let (id, secret) = service_token(&admin);
    let question = [ask(&user, "calls.view.own", "n_harbor_pier", Some(&user))];
    assert!(allowed(&check(&secret, &question)[0]));
    assert!(
        allowed(&check(&secret, &question)[0]),
        "asked again, from the Worker's copy"
    );
    let suspended = Call::new("POST", &format!("/api/v1/users/{user}/suspend"))
        .cookie(&admin)
        .send();
    assert!(suspended.status < 300, "{:?}", suspended.body);
    let after = &check(&secret, &question)[0];
    assert!(!allowed(after));
    assert_eq!(
        after["explanation"]["missing"],
        json!({ "missing": "state", "state": "suspended" })
    );
    let unsuspended = Call::new("POST", &format!("/api/v1/users/{user}/unsuspend"))
        .cookie(&admin)
        .send();
    assert!(unsuspended.status < 300, "{:?}", unsuspended.body);
    assert!(allowed(&check(&secret, &question)[0]));
    delete_person(&admin, &user);
    assert!(
        !allowed(&check(&secret, &question)[0]),
        "a deleted person sees nothing on the next question"
    );
    revoke(&admin, &id);
}

/// The Worker answers repeated questions from its copy of the agency (migration 0020): each
/// change to a person's grants, to a role they hold or to the tree above them must reach the
/// very next answer.
#[test]
fn r23_a_change_to_grants_roles_or_the_tree_counts_on_the_next_question() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let (user, _, _) = new_member(&admin, "Agent", "n_harbor");
    let grant = user.replace("u_http_m_", "g_http_m_");
    let (id, secret) = service_token(&admin);
    let run = run_id();
    let node = format!("n_http_copy_{run}");
    let created = Call::new("POST", "/api/v1/nodes")
        .cookie(&admin)
        .json(&json!({
            "id": node, "parent": "n_harbor", "kind": "location", "name": format!("Copy {run}")
        }));
    assert_eq!(created.status, 201, "{:?}", created.body);
    let question = [ask(&user, "calls.view.all", &node, None)];
    let sees = || allowed(&check(&secret, &question)[0]);
    let change = |method: &'static str, path: &str, body: Value| {
        let answer = Call::new(method, path).cookie(&admin).json(&body);
        assert!(answer.status < 300, "{method} {path}: {:?}", answer.body);
    };

    assert!(!sees(), "an Agent sees only their own calls");
    assert!(!sees(), "asked again, from the copy");
    change(
        "PATCH",
        &format!("/api/v1/grants/{grant}"),
        json!({ "role": { "kind": "builtin", "id": "Manager" } }),
    );
    assert!(
        sees(),
        "promoted to Manager of Harbor, they see every call there"
    );
    change(
        "PATCH",
        &format!("/api/v1/nodes/{node}"),
        json!({ "parent": "n_summit" }),
    );
    assert!(!sees(), "the location moved to Summit, out of their reach");
    change(
        "PATCH",
        &format!("/api/v1/nodes/{node}"),
        json!({ "parent": "n_harbor" }),
    );
    assert!(sees(), "and back under Harbor");
    let gone = Call::new("DELETE", &format!("/api/v1/grants/{grant}"))
        .cookie(&admin)
        .send();
    assert_eq!(gone.status, 200, "{:?}", gone.body);
    assert!(!sees(), "their grant was taken away");

    let (role, custom) = (format!("r_http_copy_{run}"), format!("g_http_copy_{run}"));
    change(
        "POST",
        "/api/v1/roles",
        json!({ "id": role, "name": format!("Listener {run}"), "capabilities": ["calls.view.all"] }),
    );
    change(
        "POST",
        &format!("/api/v1/users/{user}/grants"),
        json!({ "id": custom, "role": { "kind": "custom", "id": role }, "node": "n_harbor" }),
    );
    assert!(sees(), "a custom role that shows every call");
    change(
        "PUT",
        &format!("/api/v1/roles/{role}"),
        json!({ "name": format!("Listener {run}"), "capabilities": ["calls.view.own"] }),
    );
    assert!(
        !sees(),
        "the role was edited to show only their own calls (R20)"
    );

    for path in [
        format!("/api/v1/grants/{custom}"),
        format!("/api/v1/roles/{role}"),
        format!("/api/v1/nodes/{node}"),
    ] {
        let answer = Call::new("DELETE", &path).cookie(&admin).send();
        assert_eq!(answer.status, 200, "DELETE {path}: {:?}", answer.body);
    }
    let unknown = &check(&secret, &question)[0];
    assert_eq!(
        unknown["explanation"]["missing"]["missing"], "unknown",
        "{unknown}"
    );
    revoke(&admin, &id);
    delete_person(&admin, &user);
}

#[test]
fn r2_another_agencys_people_and_nodes_are_not_found() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let (id, secret) = service_token(&admin);
    let answers = check(
        &secret,
        &[
            ask("u_quinn", "calls.view.all", "n_northwind", None),
            ask("u_kai", "calls.view.own", "n_rival", Some("u_kai")),
            ask("u_nobody_at_all", "calls.view.all", "n_harbor", None),
        ],
    );
    for answer in &answers {
        assert_eq!(
            answer["explanation"],
            json!({ "answer": "denied", "missing": { "missing": "unknown" } }),
            "another agency's id reads as one that does not exist"
        );
    }
    let other = Call::new("GET", "/api/v1/filter?user=u_quinn&kind=call")
        .header("Authorization", &bearer(&secret))
        .send();
    let nobody = Call::new("GET", "/api/v1/filter?user=u_nobody_at_all&kind=call")
        .header("Authorization", &bearer(&secret))
        .send();
    assert_eq!(other.status, 404);
    assert_eq!(
        (other.status, &other.body["detail"]),
        (nobody.status, &nobody.body["detail"]),
        "told apart from nobody by nothing"
    );
    revoke(&admin, &id);
}

#[test]
fn a_service_token_changes_nothing_and_reads_nothing_else() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let (id, secret) = service_token(&admin);
    let auth = bearer(&secret);
    let attempts = [
        Call::new("POST", "/api/v1/users/u_kai/suspend")
            .header("Authorization", &auth)
            .send(),
        Call::new("GET", "/api/v1/users")
            .header("Authorization", &auth)
            .send(),
        Call::new("POST", "/api/v1/service-tokens")
            .header("Authorization", &auth)
            .json(&json!({ "name": "Another" })),
        Call::new("POST", "/api/v1/commands")
            .header("Authorization", &auth)
            .json(&json!({ "command": "suspend", "user": "u_kai" })),
        Call::new("GET", "/api/v1/me")
            .header("Authorization", &auth)
            .send(),
    ];
    for answer in &attempts {
        assert_eq!(answer.status, 403, "{:?}", answer.body);
        assert!(
            answer.body["detail"]
                .as_str()
                .unwrap()
                .contains("A service token only asks"),
            "{:?}",
            answer.body
        );
    }
    let kai = Call::new("GET", "/api/v1/users/u_kai")
        .cookie(&admin)
        .send();
    assert_eq!(kai.body["user"]["state"], "active");
    revoke(&admin, &id);
}

#[test]
fn a_check_refuses_what_it_cannot_read_and_says_why() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let (id, secret) = service_token(&admin);
    let send = |body: &Value| {
        Call::new("POST", "/api/v1/check")
            .header("Authorization", &bearer(&secret))
            .json(body)
    };
    let empty = send(&json!({ "questions": [] }));
    assert_eq!(empty.status, 422, "{:?}", empty.body);
    let question = ask("u_kai", "calls.view.own", "n_harbor_pier", None);
    let too_many = send(&json!({ "questions": vec![question.clone(); 1_001] }));
    assert_eq!(too_many.status, 422, "{:?}", too_many.body);
    assert!(
        too_many.body.to_string().contains("1000"),
        "{:?}",
        too_many.body
    );
    let thousand = send(&json!({ "questions": vec![question; 1_000] }));
    assert_eq!(
        thousand.status, 200,
        "a thousand is the limit, not beyond it"
    );
    let unknown = send(&json!({ "questions": [ask("u_kai", "calls.steal", "n_harbor", None)] }));
    assert_eq!(unknown.status, 400, "{:?}", unknown.body);
    let unsigned = Call::new("POST", "/api/v1/check")
        .json(&json!({ "questions": [ask("u_kai", "calls.view.own", "n_harbor", None)] }));
    assert_eq!(unsigned.status, 401);
    let kind = Call::new("GET", "/api/v1/filter?user=u_kai&kind=fax")
        .header("Authorization", &bearer(&secret))
        .send();
    assert_eq!(kind.status, 422, "{:?}", kind.body);
    // An agent asks nothing about others.
    let kai = sign_in("kai@brightline.example", DEMO_PASSWORD);
    let by_kai = Call::new("POST", "/api/v1/check")
        .cookie(&kai)
        .json(&json!({ "questions": [ask("u_casey", "calls.view.all", "n_harbor", None)] }));
    assert_eq!(by_kai.status, 403, "{:?}", by_kai.body);
    revoke(&admin, &id);
}

/// The nodes of Brightline, as its owner sees them.
fn brightline_nodes(admin: &str) -> Vec<String> {
    let nodes = Call::new("GET", "/api/v1/nodes").cookie(admin).send();
    assert_eq!(nodes.status, 200);
    nodes.body["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect()
}

/// On 10,000 generated records, the filter a platform turns into a `WHERE` clause keeps
/// exactly the records `check` says each person sees, for every kind and many people.
#[test]
fn filtering_with_the_filter_keeps_exactly_the_records_check_allows() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let (id, secret) = service_token(&admin);
    let nodes = brightline_nodes(&admin);
    assert!(nodes.len() >= 9, "{nodes:?}");
    let people = [
        "u_avery",
        "u_casey",
        "u_jordan",
        "u_kai",
        "u_lee",
        "u_morgan",
        "u_noor",
        "u_gray",
        "u_harper",
        "u_frankie",
    ];
    let kinds = ["call", "lead", "message"];
    let view = |kind: &str| match kind {
        "call" => "calls.view.own",
        "lead" => "leads.view.all",
        _ => "messages.view",
    };
    // The filter of each person and kind, as the platform would keep it.
    let mut filters = std::collections::HashMap::new();
    for person in people {
        for kind in kinds {
            let filter = Call::new("GET", &format!("/api/v1/filter?user={person}&kind={kind}"))
                .header("Authorization", &bearer(&secret))
                .send();
            assert_eq!(filter.status, 200, "{:?}", filter.body);
            let list = |name: &str| -> Vec<String> {
                filter.body[name]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_str().unwrap().to_owned())
                    .collect()
            };
            filters.insert((person, kind), (list("all"), list("own")));
        }
    }
    let mut seed: u64 = 0x5eed_cafe;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % n
    };
    let records: Vec<(&str, &str, String, Option<&str>)> = (0..10_000)
        .map(|_| {
            let reader = people[next(people.len())];
            let kind = kinds[next(kinds.len())];
            let node = nodes[next(nodes.len())].clone();
            let owner = match next(4) {
                0 => None,
                1 => Some(reader),
                _ => Some(people[next(people.len())]),
            };
            (reader, kind, node, owner)
        })
        .collect();
    let mut seen = 0;
    for chunk in records.chunks(1_000) {
        let questions: Vec<Value> = chunk
            .iter()
            .map(|(reader, kind, node, owner)| ask(reader, view(kind), node, *owner))
            .collect();
        let answers = check(&secret, &questions);
        for ((reader, kind, node, owner), answer) in chunk.iter().zip(&answers) {
            let (all, own) = &filters[&(*reader, *kind)];
            let kept = all.contains(node) || (*owner == Some(*reader) && own.contains(node));
            assert_eq!(
                kept,
                allowed(answer),
                "{reader} {kind} at {node} owned by {owner:?}: {answer}"
            );
            seen += usize::from(kept);
        }
    }
    assert!(
        seen > 500 && seen < 9_500,
        "{seen} seen: not trivially all or none"
    );
    revoke(&admin, &id);
}
