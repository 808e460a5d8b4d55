use serde::Deserialize;
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
    // Indigo works for both agencies: Northwind sees her membership there, and nothing of
    // Brightline's people.
    assert_eq!(
        seen,
        [
            "indigo@brightline.example",
            "admin@northwind.example",
            "riley@northwind.example"
        ]
    );
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
    // Said in words, the rule beside it.
    assert_eq!(
        answer.body["detail"],
        "Your roles do not let you see people in any account"
    );
    assert_eq!(answer.body["rule"], "R10");
}

#[test]
fn listing_users_needs_a_session() {
    assert_eq!(Call::new("GET", "/api/v1/users").send().status, 401);
}

/// The list writes each person's roles in SQL (for a caller who sees everyone, from the roles
/// kept beside the person, which triggers keep). Whoever asks, and after every kind of change
/// those roles follow, a row of the list must equal the person's own page: the same roles
/// (only those inside the caller's reach, R1), in the same order, with the same fields.
#[test]
fn r1_a_row_of_the_list_shows_the_roles_the_persons_own_page_shows() {
    use domain::api::{UserDetail, UserSummary, UsersPage};
    use serde_json::{Value, json};

    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    // Casey manages Harbor; the person gets grants there and at Summit, outside her reach.
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    let run = switchboard_tests::run_id();
    let (user, node, role) = (
        format!("u_http_rows{run}"),
        format!("n_http_rows{run}"),
        format!("r_http_rows{run}"),
    );
    let change = |method: &'static str, path: &str, body: Value| {
        let answer = Call::new(method, path).cookie(&admin).json(&body);
        assert!(answer.status < 300, "{method} {path}: {:?}", answer.body);
    };
    // The row as the list shows it to `cookie`, found by the run in the person's name, and the
    // person's own page: the same JSON, and it parses as the domain's types.
    let rows_agree = |cookie: &str| -> Vec<String> {
        let listed = Call::new("GET", &format!("/api/v1/users?q={run}"))
            .cookie(cookie)
            .send();
        assert_eq!(listed.status, 200, "{:?}", listed.body);
        UsersPage::<Vec<UserSummary>>::deserialize(&listed.body).expect("a users page");
        let row = listed.body["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == user.as_str())
            .cloned()
            .expect("the person is listed");
        let own = Call::new("GET", &format!("/api/v1/users/{user}"))
            .cookie(cookie)
            .send();
        assert_eq!(own.status, 200, "{:?}", own.body);
        let own: UserDetail = serde_json::from_value(own.body).unwrap();
        let from_page = UserSummary {
            id: own.user.id.clone(),
            name: own.user.name.clone(),
            email: own.user.email.clone(),
            state: own.user.state,
            roles: own.roles,
            last_sign_in_at: own.last_sign_in_at,
            invitation_expires_at: own.user.invitation_expires_at,
            calling_enabled: own.user.calling_enabled,
            support: own.user.support,
            agent_groups: own.user.settings.agent_groups.clone(),
        };
        assert_eq!(
            UserSummary::deserialize(&row).expect("a row"),
            from_page,
            "the list's row and the person's page"
        );
        row["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{} at {}",
                    r["role"].as_str().unwrap(),
                    r["node"].as_str().unwrap()
                )
            })
            .collect()
    };
    let name = format!("Rows Probe {run}");
    change(
        "POST",
        "/api/v1/nodes",
        json!({ "id": node, "parent": "n_harbor", "kind": "group", "name": "Probe Desk" }),
    );
    change(
        "POST",
        "/api/v1/roles",
        json!({ "id": role, "name": "Probe Role", "capabilities": ["calls.view.own"] }),
    );
    change(
        "POST",
        "/api/v1/users",
        json!({ "id": user, "email": format!("{user}@brightline.example"), "name": name,
                "role": { "kind": "builtin", "id": "Agent" }, "node": node }),
    );
    change(
        "POST",
        &format!("/api/v1/users/{user}/grants"),
        json!({ "id": format!("g_http_rows_a{run}"), "role": { "kind": "custom", "id": role },
                "node": "n_summit", "ends_at": 4_102_444_800_000i64 }),
    );
    change(
        "POST",
        &format!("/api/v1/users/{user}/grants"),
        json!({ "id": format!("g_http_rows_b{run}"), "role": { "kind": "builtin", "id": "Viewer" },
                "node": "n_harbor", "starts_at": 1_000i64 }),
    );
    assert_eq!(
        rows_agree(&admin),
        [
            "Viewer at Harbor Dental",
            "Agent at Probe Desk",
            "Probe Role at Summit Realty"
        ]
    );
    assert_eq!(
        rows_agree(&casey),
        ["Viewer at Harbor Dental", "Agent at Probe Desk"],
        "R1: Casey sees no grant at Summit Realty"
    );

    // A node renamed, a custom role renamed, a role changed, a grant taken away: each is seen
    // at once, by both.
    change(
        "PATCH",
        &format!("/api/v1/nodes/{node}"),
        json!({ "name": "A Probe Desk" }),
    );
    assert_eq!(
        rows_agree(&admin),
        [
            "Agent at A Probe Desk",
            "Viewer at Harbor Dental",
            "Probe Role at Summit Realty"
        ]
    );
    assert_eq!(
        rows_agree(&casey),
        ["Agent at A Probe Desk", "Viewer at Harbor Dental"]
    );
    change(
        "PUT",
        &format!("/api/v1/roles/{role}"),
        json!({ "name": "Renamed Role", "capabilities": ["calls.view.own"] }),
    );
    assert_eq!(
        rows_agree(&admin),
        [
            "Agent at A Probe Desk",
            "Viewer at Harbor Dental",
            "Renamed Role at Summit Realty"
        ]
    );
    change(
        "PATCH",
        &format!("/api/v1/grants/g_http_rows_b{run}"),
        json!({ "role": { "kind": "custom", "id": role } }),
    );
    assert_eq!(
        rows_agree(&admin),
        [
            "Agent at A Probe Desk",
            "Renamed Role at Harbor Dental",
            "Renamed Role at Summit Realty"
        ]
    );
    assert_eq!(
        rows_agree(&casey),
        ["Agent at A Probe Desk", "Renamed Role at Harbor Dental"]
    );
    let taken = Call::new("DELETE", &format!("/api/v1/grants/g_http_rows_a{run}"))
        .cookie(&admin)
        .send();
    assert_eq!(taken.status, 200, "{:?}", taken.body);
    assert_eq!(
        rows_agree(&admin),
        ["Agent at A Probe Desk", "Renamed Role at Harbor Dental"]
    );

    // Leave the demo agency as it was: the person, their role and their node go.
    for path in [
        format!("/api/v1/users/{user}"),
        format!("/api/v1/roles/{role}"),
        format!("/api/v1/nodes/{node}"),
    ] {
        let gone = Call::new("DELETE", &path).cookie(&admin).send();
        assert_eq!(gone.status, 200, "DELETE {path}: {:?}", gone.body);
    }
}

/// One order for names, whatever their accents and case: D1's `sort=name` and `domain`'s list
/// order agree, and a search without the accents finds the name with them.
#[test]
fn accented_names_sort_by_their_letters_in_d1_and_in_domain_alike() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let run = switchboard_tests::run_id();
    let marker = format!("Accent{run}");
    let mut ids = Vec::new();
    for (i, first) in ["Zoë", "élodie", "Émile"].iter().enumerate() {
        let user = format!("u_http_accent_{run}_{i}");
        let added = Call::new("POST", "/api/v1/notification-users")
            .cookie(&admin)
            .json(&serde_json::json!({
                "id": user, "email": format!("accent{run}{i}@brightline.example"),
                "name": format!("{first} {marker}"), "node": "n_summit"
            }));
        assert_eq!(added.status, 201, "{:?}", added.body);
        ids.push(user);
    }
    let listed = Call::new("GET", &format!("/api/v1/users?q={marker}&sort=name"))
        .cookie(&admin)
        .send();
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    let rows: Vec<domain::api::UserSummary> =
        serde_json::from_value(listed.body["users"].clone()).unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|u| u.name.split(' ').next().unwrap())
        .collect();
    assert_eq!(names, ["élodie", "Émile", "Zoë"], "D1's order");
    let mut sorted = rows.clone();
    domain::api::UserSummary::sort_for_list(&mut sorted);
    assert_eq!(sorted, rows, "domain's order is D1's");
    let plain = Call::new("GET", &format!("/api/v1/users?q=emile%20{marker}"))
        .cookie(&admin)
        .send();
    assert_eq!(
        plain.body["users"].as_array().unwrap().len(),
        1,
        "{:?}",
        plain.body
    );
    for user in ids {
        let gone = Call::new("DELETE", &format!("/api/v1/users/{user}"))
            .cookie(&admin)
            .send();
        assert_eq!(gone.status, 200, "{:?}", gone.body);
    }
}
