use switchboard_tests::Call;

#[test]
fn health_reports_the_build_and_the_last_applied_migration() {
    let answer = Call::new("GET", "/api/v1/health").send();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["status"], "ok");
    let version = answer.body["version"].as_str().unwrap();
    assert!(version.starts_with(env!("CARGO_PKG_VERSION")), "{version}");

    let migrations = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../worker/migrations");
    let last = std::fs::read_dir(migrations)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.split('_').next()?.parse::<u64>().ok())
        .max()
        .unwrap();
    assert_eq!(answer.body["schema_version"], last);
}

#[test]
fn unknown_api_paths_are_problem_json_404() {
    let answer = Call::new("GET", "/api/v1/no-such-thing").send();
    assert_eq!(answer.status, 404);
    assert_eq!(answer.content_type, "application/problem+json");
    assert_eq!(answer.body["status"], 404);
}

#[test]
fn a_wrong_method_is_405_and_says_which_are_allowed() {
    let answer = Call::new("PUT", "/api/v1/session").json(&serde_json::json!({}));
    assert_eq!(answer.status, 405);
    assert!(
        answer.body["detail"]
            .as_str()
            .unwrap()
            .contains("POST, DELETE")
    );
}

#[test]
fn the_app_is_served_with_a_single_page_fallback() {
    for path in ["/", "/users/some/deep/link"] {
        let answer = switchboard_tests::agent()
            .get(format!("{}{path}", switchboard_tests::base_url()))
            .call()
            .unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        let html = answer.into_body().read_to_string().unwrap();
        assert!(html.contains("<title>Switchboard</title>"), "{path}");
    }
}

#[test]
fn the_openapi_document_is_served() {
    let answer = Call::new("GET", "/api/v1/openapi.json").send();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["openapi"], "3.1.0");
    assert!(answer.body["paths"]["/users/{id}/suspend"]["post"].is_object());
}
