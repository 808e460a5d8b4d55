use serde_json::{Value, json};
use switchboard_tests::{ADMIN_EMAIL, Call, DEMO_PASSWORD, sign_in};

#[test]
fn the_demo_administrator_signs_in_with_a_secure_cookie() {
    let answer = Call::new("POST", "/api/v1/session")
        .json(&json!({ "email": ADMIN_EMAIL, "password": DEMO_PASSWORD }));
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(answer.body["email"], ADMIN_EMAIL);
    assert_eq!(answer.body["agency"]["name"], "Brightline Media");
    let cookie = answer
        .set_cookie
        .iter()
        .find(|c| c.starts_with("sb_session="))
        .unwrap();
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    // 256 random bits, base64url.
    let token = answer.session_cookie().unwrap();
    assert_eq!(token.trim_start_matches("sb_session=").len(), 43);
}

#[test]
fn e_mail_is_matched_without_regard_to_case_or_spaces() {
    sign_in("  Admin@Brightline.EXAMPLE ", DEMO_PASSWORD);
}

#[test]
fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let wrong = Call::new("POST", "/api/v1/session")
        .json(&json!({ "email": ADMIN_EMAIL, "password": "Not-the-password1" }));
    let unknown = Call::new("POST", "/api/v1/session")
        .json(&json!({ "email": "nobody@brightline.example", "password": "Not-the-password1" }));
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.content_type, "application/problem+json");
    assert_eq!(wrong.body, unknown.body);
    assert!(wrong.session_cookie().is_none());
}

#[test]
fn r23_a_suspended_user_cannot_sign_in() {
    let answer = Call::new("POST", "/api/v1/session")
        .json(&json!({ "email": "lee@brightline.example", "password": DEMO_PASSWORD }));
    assert_eq!(answer.status, 403);
    assert!(answer.body["rule"] == "R23");
    assert!(answer.session_cookie().is_none());
}

#[test]
fn r16_a_notification_only_user_has_no_sign_in() {
    let answer = Call::new("POST", "/api/v1/session")
        .json(&json!({ "email": "eli@brightline.example", "password": DEMO_PASSWORD }));
    assert_eq!(answer.status, 401);
}

#[test]
fn bad_sign_in_bodies_get_precise_problems_not_errors() {
    let malformed =
        Call::new("POST", "/api/v1/session").send_raw("application/json", b"{\"email\":");
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.content_type, "application/problem+json");

    let invalid = Call::new("POST", "/api/v1/session")
        .json(&json!({ "email": "not an address", "password": "x" }));
    assert_eq!(invalid.status, 422);
    assert_eq!(invalid.body["errors"][0]["field"], "email");

    let empty =
        Call::new("POST", "/api/v1/session").json(&json!({ "email": ADMIN_EMAIL, "password": "" }));
    assert_eq!(empty.status, 422);
    assert_eq!(empty.body["errors"][0]["field"], "password");

    let wrong_type = Call::new("POST", "/api/v1/session").send_raw("text/plain", b"hello");
    assert_eq!(wrong_type.status, 415);

    let huge = format!("{{\"email\":\"{}\"}}", "a".repeat(100_000));
    let oversized =
        Call::new("POST", "/api/v1/session").send_raw("application/json", huge.as_bytes());
    assert_eq!(oversized.status, 413);

    // SQL in a well-formed address and in the password is only data.
    let hostile = Call::new("POST", "/api/v1/session")
        .json(&json!({ "email": "x'or'1'='1@a.io", "password": "' OR 1=1 --" }));
    assert_eq!(hostile.status, 401);
    let spaced = Call::new("POST", "/api/v1/session")
        .json(&json!({ "email": "x' OR '1'='1@a.io", "password": "x" }));
    assert_eq!(spaced.status, 422);
}

#[test]
fn me_answers_the_signed_in_person_and_401_without_a_session() {
    let cookie = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let me = Call::new("GET", "/api/v1/me").cookie(&cookie).send();
    assert_eq!(me.status, 200);
    assert_eq!(me.body["name"], "Avery Adams");
    // With what they may do where: Casey manages Harbor Dental, and only that.
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    let theirs = Call::new("GET", "/api/v1/me").cookie(&casey).send();
    let access = theirs.body["access"]
        .as_array()
        .expect("capabilities per node");
    assert_eq!(access.len(), 1, "{access:?}");
    assert_eq!(access[0]["node"], "n_harbor");
    assert!(
        access[0]["capabilities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "users.view"),
        "{access:?}"
    );

    let anonymous = Call::new("GET", "/api/v1/me").send();
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.content_type, "application/problem+json");

    let forged = Call::new("GET", "/api/v1/me")
        .cookie("sb_session=forged-token")
        .send();
    assert_eq!(forged.status, 401);
}

#[test]
fn signing_out_ends_the_session_at_once() {
    let cookie = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let out = Call::new("DELETE", "/api/v1/session")
        .cookie(&cookie)
        .send();
    assert_eq!(out.status, 204);
    assert!(out.set_cookie.iter().any(|c| c.contains("Max-Age=0")));
    let after = Call::new("GET", "/api/v1/me").cookie(&cookie).send();
    assert_eq!(after.status, 401);
}

#[test]
fn a_cross_site_request_is_refused_even_with_a_valid_session() {
    let cookie = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let answer = Call::new("DELETE", "/api/v1/session")
        .cookie(&cookie)
        .header("Origin", "https://evil.example")
        .send();
    assert_eq!(answer.status, 403);
    let still = Call::new("GET", "/api/v1/me").cookie(&cookie).send();
    assert_eq!(still.status, 200, "the refused sign-out changed nothing");

    let fetch_site = Call::new("POST", "/api/v1/session")
        .header("Sec-Fetch-Site", "cross-site")
        .json(&json!({ "email": ADMIN_EMAIL, "password": DEMO_PASSWORD }));
    assert_eq!(fetch_site.status, 403);
}

#[test]
fn signing_out_everywhere_ends_every_session_of_that_person_only() {
    let laptop = sign_in("harper@brightline.example", DEMO_PASSWORD);
    let phone = sign_in("harper@brightline.example", DEMO_PASSWORD);
    let someone_else = sign_in("indigo@brightline.example", DEMO_PASSWORD);
    let out = Call::new("DELETE", "/api/v1/sessions")
        .cookie(&phone)
        .send();
    assert_eq!(out.status, 204);
    assert_eq!(
        Call::new("GET", "/api/v1/me").cookie(&laptop).send().status,
        401
    );
    assert_eq!(
        Call::new("GET", "/api/v1/me").cookie(&phone).send().status,
        401
    );
    assert_eq!(
        Call::new("GET", "/api/v1/me")
            .cookie(&someone_else)
            .send()
            .status,
        200
    );
}

#[test]
fn five_failed_sign_ins_lock_the_address_and_say_when_to_try_again() {
    let attempt = |email: &str, password: &str| {
        Call::new("POST", "/api/v1/session").json(&json!({ "email": email, "password": password }))
    };
    for _ in 0..5 {
        assert_eq!(
            attempt("gray@brightline.example", "Wrong-password1").status,
            401
        );
    }
    let locked = attempt("gray@brightline.example", DEMO_PASSWORD);
    assert_eq!(
        locked.status, 429,
        "even the right password waits: {:?}",
        locked.body
    );
    assert!(
        locked.body["detail"]
            .as_str()
            .unwrap()
            .contains("try again in 15 minutes")
    );
    let retry = locked.retry_after.expect("Retry-After");
    assert!((1..=900).contains(&retry), "{retry}");
    assert!(locked.session_cookie().is_none());

    // An address without an account locks the same way: a lock tells nothing.
    for _ in 0..5 {
        assert_eq!(
            attempt("nobody-here@brightline.example", "Wrong-password1").status,
            401
        );
    }
    let unknown = attempt("nobody-here@brightline.example", "Wrong-password1");
    assert_eq!(unknown.status, 429);
    assert_eq!(unknown.body["detail"], locked.body["detail"]);

    // Other people are not locked out by it.
    sign_in("jordan@brightline.example", DEMO_PASSWORD);
}

/// Milliseconds in a day.
const DAY: u64 = 86_400_000;

#[test]
fn sessions_end_after_three_idle_days_and_fourteen_days_in_all() {
    let cookie = sign_in("dana@brightline.example", DEMO_PASSWORD);
    let at = |days: u64| {
        Call::new("GET", "/api/v1/me")
            .cookie(&cookie)
            .header("X-Switchboard-Clock-Skip", &(days * DAY).to_string())
            .send()
            .status
    };
    assert_eq!(
        at(2),
        200,
        "two quiet days are fine (and the session is used then)"
    );
    assert_eq!(at(4), 200, "two days after that use");
    assert_eq!(at(8), 401, "four idle days later the session has ended");
    // Ended sessions are removed: even back at the present it does not come back.
    assert_eq!(at(0), 401);

    // A session in daily use still ends fourteen days after sign-in.
    let busy = sign_in("dana@brightline.example", DEMO_PASSWORD);
    for day in [2u64, 4, 6, 8, 10, 12] {
        let answer = Call::new("GET", "/api/v1/me")
            .cookie(&busy)
            .header("X-Switchboard-Clock-Skip", &(day * DAY).to_string())
            .send();
        assert_eq!(answer.status, 200, "day {day}");
    }
    let late = Call::new("GET", "/api/v1/me")
        .cookie(&busy)
        .header("X-Switchboard-Clock-Skip", &(14 * DAY + 1).to_string())
        .send();
    assert_eq!(late.status, 401, "the absolute lifetime");
}

#[test]
fn an_agency_that_ends_sessions_after_fifteen_idle_minutes_ends_only_its_own() {
    let _northwind = switchboard_tests::northwind_changes();
    let owner = sign_in("admin@northwind.example", DEMO_PASSWORD);
    let set = |minutes: Value| {
        Call::new("PATCH", "/api/v1/agency")
            .cookie(&owner)
            .json(&json!({ "session_idle_minutes": minutes }))
    };
    // Values outside 5 minutes to 3 days, or not a number, change nothing.
    for (bad, status) in [(json!(3), 422), (json!(5000), 422), (json!("soon"), 400)] {
        let answer = set(bad.clone());
        assert_eq!(answer.status, status, "{bad}: {:?}", answer.body);
        assert_eq!(answer.content_type, "application/problem+json");
    }
    // Only who may change the agency's settings at its top may set it (R10): not an Agent.
    let agent = sign_in("riley@northwind.example", DEMO_PASSWORD);
    let refused = Call::new("PATCH", "/api/v1/agency")
        .cookie(&agent)
        .json(&json!({ "session_idle_minutes": 15 }));
    assert_eq!(refused.status, 403, "{:?}", refused.body);
    let agency = Call::new("GET", "/api/v1/agency").cookie(&owner).send();
    assert_eq!(agency.body["session_idle_minutes"], Value::Null);

    assert_eq!(set(json!(15)).status, 200);
    let agency = Call::new("GET", "/api/v1/agency").cookie(&owner).send();
    assert_eq!(agency.body["session_idle_minutes"], 15);

    let riley = sign_in("riley@northwind.example", DEMO_PASSWORD);
    let dana = sign_in("dana@brightline.example", DEMO_PASSWORD);
    let at = |cookie: &str, minutes: u64| {
        Call::new("GET", "/api/v1/me")
            .cookie(cookie)
            .header("X-Switchboard-Clock-Skip", &(minutes * 60_000).to_string())
            .send()
            .status
    };
    assert_eq!(
        at(&riley, 10),
        200,
        "ten quiet minutes are fine, and use the session"
    );
    assert_eq!(at(&riley, 24), 200, "fourteen minutes after that use");
    assert_eq!(
        at(&riley, 40),
        401,
        "sixteen idle minutes later it has ended"
    );
    assert_eq!(at(&riley, 0), 401, "and it does not come back");
    // Another agency keeps the platform's three days.
    assert_eq!(
        at(&dana, 60),
        200,
        "Brightline's sessions are not Northwind's"
    );

    assert_eq!(set(json!(0)).status, 200, "back to the platform's limit");
    let agency = Call::new("GET", "/api/v1/agency").cookie(&owner).send();
    assert_eq!(agency.body["session_idle_minutes"], Value::Null);
    let again = sign_in("riley@northwind.example", DEMO_PASSWORD);
    assert_eq!(at(&again, 60), 200, "an hour is fine again");
}
