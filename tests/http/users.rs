use switchboard_tests::{ADMIN_EMAIL, Call, DEMO_PASSWORD, sign_in};

/// The addresses of the listed people, leaving out those other tests create meanwhile
/// (their ids start with `u_http_`), since the tests share one database.
fn emails(body: &serde_json::Value) -> Vec<String> {
    body["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| !u["id"].as_str().unwrap().starts_with("u_http_"))
        .map(|u| u["email"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_agency_administrator_sees_every_user_of_the_agency() {
    let cookie = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let answer = Call::new("GET", "/api/v1/users").cookie(&cookie).send();
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let emails = emails(&answer.body);
    assert_eq!(emails.len(), 15);
    assert!(
        emails.contains(&"parker@brightline.example".to_owned()),
        "invited users are listed"
    );
    let noor = answer.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "noor@brightline.example")
        .unwrap();
    assert_eq!(
        noor["roles"].as_array().unwrap().len(),
        2,
        "R3: several roles, one per node"
    );
}

#[test]
fn r2_no_agency_sees_another_agencys_users() {
    let brightline = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let seen = emails(
        &Call::new("GET", "/api/v1/users")
            .cookie(&brightline)
            .send()
            .body,
    );
    assert!(
        seen.iter().all(|e| e.ends_with("@brightline.example")),
        "{seen:?}"
    );

    let northwind = sign_in("admin@northwind.example", DEMO_PASSWORD);
    let seen = emails(
        &Call::new("GET", "/api/v1/users")
            .cookie(&northwind)
            .send()
            .body,
    );
    assert_eq!(seen, ["admin@northwind.example", "riley@northwind.example"]);
}

#[test]
fn r1_a_manager_sees_only_the_people_inside_the_account_assigned_to_them() {
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    let answer = Call::new("GET", "/api/v1/users").cookie(&casey).send();
    assert_eq!(answer.status, 200);
    let mut seen = emails(&answer.body);
    seen.sort();
    assert_eq!(
        seen,
        [
            "casey@brightline.example",
            "gray@brightline.example",
            "jordan@brightline.example",
            "kai@brightline.example",
            "morgan@brightline.example",
        ]
    );
}

#[test]
fn r10_an_agent_without_users_view_is_refused_with_the_rule() {
    let kai = sign_in("kai@brightline.example", DEMO_PASSWORD);
    let answer = Call::new("GET", "/api/v1/users").cookie(&kai).send();
    assert_eq!(answer.status, 403);
    assert_eq!(answer.content_type, "application/problem+json");
    assert!(
        answer.body["detail"]
            .as_str()
            .unwrap()
            .contains("users.view")
    );
}

#[test]
fn listing_users_needs_a_session() {
    assert_eq!(Call::new("GET", "/api/v1/users").send().status, 401);
}
