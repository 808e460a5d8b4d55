//! Bulk add (`POST /users/import`): a file checked line by line with the rules of a single
//! add (R10, R11, R21, R30), a dry run that saves nothing, a second run and a resumed run
//! that add nobody twice, and files that are too big or not text. People added here are
//! deleted again: the tests share one database.

use serde_json::{Value, json};
use switchboard_tests::{ADMIN_EMAIL, Call, DEMO_PASSWORD, newest_invitation, run_id, sign_in};

fn import(cookie: &str, body: Value) -> switchboard_tests::Answer {
    Call::new("POST", "/api/v1/users/import")
        .cookie(cookie)
        .json(&body)
}

fn outcomes(answer: &switchboard_tests::Answer) -> Vec<String> {
    answer.body["lines"]
        .as_array()
        .unwrap_or_else(|| panic!("no lines in {:?}", answer.body))
        .iter()
        .map(|l| l["outcome"].as_str().unwrap().to_owned())
        .collect()
}

fn reason(answer: &switchboard_tests::Answer, ix: usize) -> String {
    answer.body["lines"][ix]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The ids of the people in Brightline with this address (there should be one at most).
fn holders(cookie: &str, email: &str) -> Vec<String> {
    let answer = Call::new("GET", &format!("/api/v1/users?q={email}"))
        .cookie(cookie)
        .send();
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["email"] == email)
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect()
}

fn delete(cookie: &str, user: &str) {
    let gone = Call::new("DELETE", &format!("/api/v1/users/{user}"))
        .cookie(cookie)
        .send();
    assert_eq!(gone.status, 200, "{:?}", gone.body);
}

#[test]
fn a_dry_run_says_what_each_line_would_do_in_words_and_saves_nothing() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let run = run_id();
    let file = format!(
        "\u{feff}Email,First name,Last name,Receiving number\r\n\
         \"ana{run}@example.com\",Ana,\"Ríos, Jr.\",(415) 555-0199\r\n\
         \r\n\
         not-an-address,Bo,Ek,\r\n\
         cy{run}@example.com,,,\r\n\
         ANA{run}@example.com,Ana,Again,\r\n\
         {ADMIN_EMAIL},Avery,Again,\r\n\
         dee{run}@example.com,Dee,Ek,555\r\n"
    );
    let answer = import(
        &admin,
        json!({ "csv": file, "role": "Agent", "node": "n_harbor_pier", "dry_run": true }),
    );
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(answer.body["header"], true);
    assert_eq!(
        outcomes(&answer),
        [
            "ready",
            "problem",
            "problem",
            "problem",
            "already_member",
            "problem"
        ]
    );
    assert_eq!(answer.body["lines"][0]["line"], 2);
    assert_eq!(answer.body["lines"][0]["last_name"], "Ríos, Jr.");
    assert_eq!(answer.body["lines"][1]["line"], 4, "the blank line counts");
    assert!(reason(&answer, 1).contains("not an e-mail address"));
    assert!(reason(&answer, 2).contains("no name"));
    assert!(reason(&answer, 3).contains("same address is on line 2"));
    assert!(reason(&answer, 4).contains("already has this address"));
    assert!(reason(&answer, 5).contains("not a valid number"));
    assert_eq!(answer.body["summary"]["ready"], 1);
    assert!(
        holders(&admin, &format!("ana{run}@example.com")).is_empty(),
        "a dry run saves nothing"
    );
}

#[test]
fn r10_r11_a_manager_imports_only_where_they_manage_and_only_roles_they_may_give() {
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    let run = run_id();
    let file = format!(
        "a{run}@example.com,A,One,,Marketing Manager,n_harbor_pier\n\
         b{run}@example.com,B,Two,,Marketing Manager,Acme Plumbing\n\
         c{run}@example.com,C,Three,,Administrator,Harbor Dental\n\
         d{run}@example.com,D,Four,,Agent,n_northwind\n"
    );
    let answer = import(&casey, json!({ "csv": file, "dry_run": true }));
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(
        outcomes(&answer),
        ["ready", "problem", "problem", "problem"]
    );
    assert_eq!(answer.body["lines"][1]["rule"], "R10");
    assert_eq!(answer.body["lines"][2]["rule"], "R11");
    // Another agency's node is no account of this one (R2).
    assert!(reason(&answer, 3).contains("no account named"));
    // An Agent adds nobody.
    let kai = sign_in("kai@brightline.example", DEMO_PASSWORD);
    let answer = import(
        &kai,
        json!({ "csv": format!("e{run}@example.com,E,Five\n"), "role": "Agent",
                "node": "n_harbor_pier", "dry_run": true }),
    );
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(answer.body["lines"][0]["rule"], "R10");
}

#[test]
fn r30_seats_that_would_run_out_refuse_the_lines_past_them_and_say_how_many_fit() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let run = run_id();
    let file: String = (0..30)
        .map(|i| format!("s{i}.{run}@example.com,Seat,{i}\n"))
        .collect();
    let answer = import(
        &admin,
        json!({ "csv": file, "role": "Agent", "node": "n_harbor_pier", "dry_run": true }),
    );
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let summary = &answer.body["summary"];
    assert_eq!(summary["seat_limit"], 25);
    let ready = summary["ready"].as_u64().unwrap();
    assert!(ready < 30 && ready > 0, "{summary:?}");
    let refused = &answer.body["lines"][29];
    assert_eq!(refused["rule"], "R30");
    let text = refused["reason"].as_str().unwrap();
    assert!(
        text.contains(&format!("{ready} of the file's 30 people")),
        "{text}"
    );
    // Notification-only people take no seat: all of them fit.
    let answer = import(
        &admin,
        json!({ "csv": answer_file(&answer), "mode": "notification_only", "node": "n_harbor_pier",
                "dry_run": true }),
    );
    assert_eq!(answer.body["summary"]["ready"], 30, "{:?}", answer.body);
}

/// The file the lines of an answer came from, written back as CSV.
fn answer_file(answer: &switchboard_tests::Answer) -> String {
    answer.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{},{},{}\n",
                l["email"].as_str().unwrap(),
                l["first_name"].as_str().unwrap(),
                l["last_name"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn r21_an_import_run_twice_or_resumed_halfway_adds_each_person_once() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let run = run_id();
    let emails: Vec<String> = (0..4)
        .map(|i| format!("imp{i}.{run}@example.com"))
        .collect();
    let rows: Vec<Value> = emails
        .iter()
        .enumerate()
        .map(|(i, e)| {
            json!({ "line": i + 1, "email": e, "first_name": "Imported",
                              "last_name": format!("Person {i}"),
                              "number": if i == 0 { "(415) 555-0199" } else { "" } })
        })
        .collect();
    let id = format!("imp-http-{run}");
    // The first half is sent, and then the connection is lost.
    let half = import(
        &admin,
        json!({ "rows": rows[..2], "role": "Agent", "node": "n_harbor_pier", "import": id }),
    );
    assert_eq!(half.status, 200, "{:?}", half.body);
    assert_eq!(outcomes(&half), ["added", "added"]);
    // Resuming sends everything again with the same import: the first two are found.
    let whole = import(
        &admin,
        json!({ "rows": rows, "role": "Agent", "node": "n_harbor_pier", "import": id }),
    );
    assert_eq!(whole.status, 200, "{:?}", whole.body);
    assert_eq!(outcomes(&whole), ["added", "added", "added", "added"]);
    assert_eq!(whole.body["summary"]["added"], 4);
    // What the import wrote keeps every kept column (roles, access, seats) right.
    switchboard_tests::assert_kept("ag_brightline", "an import");
    let mut ids = Vec::new();
    for email in &emails {
        let found = holders(&admin, email);
        assert_eq!(found.len(), 1, "{email} once, not twice: {found:?}");
        ids.push(found[0].clone());
        // R21: each was invited, with a mail holding their link.
        assert!(!newest_invitation(email).is_empty());
    }
    let first = Call::new("GET", &format!("/api/v1/users/{}", ids[0]))
        .cookie(&admin)
        .send();
    assert_eq!(
        first.body["user"]["settings"]["receiving_number"], "+14155550199",
        "{:?}",
        first.body
    );
    // The same file as a new import says who was already there.
    let again = import(
        &admin,
        json!({ "rows": rows, "role": "Agent", "node": "n_harbor_pier" }),
    );
    assert_eq!(
        outcomes(&again),
        [
            "already_member",
            "already_member",
            "already_member",
            "already_member"
        ]
    );
    assert_eq!(again.body["summary"]["already_members"], 4);
    for user in &ids {
        delete(&admin, user);
    }
}

#[test]
fn files_too_big_not_text_or_shapeless_get_a_clear_answer_and_change_nothing() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let problem = |answer: &switchboard_tests::Answer, status: u16| {
        assert_eq!(answer.status, status, "{:?}", answer.body);
        assert!(
            answer.body["detail"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{:?}",
            answer.body
        );
    };
    // Over 5 MB: 413, before anything is read.
    let big = "x".repeat(6 * 1024 * 1024);
    problem(&import(&admin, json!({ "csv": big, "dry_run": true })), 413);
    let just_over = "y".repeat(5 * 1024 * 1024 + 1);
    problem(
        &import(&admin, json!({ "csv": just_over, "dry_run": true })),
        413,
    );
    // A binary file read as text.
    let binary =
        String::from_utf8_lossy(&[0x89, b'P', b'N', b'G', 0, 0, 0xff, 0xfe, 13, 10]).into_owned();
    let answer = import(&admin, json!({ "csv": binary, "dry_run": true }));
    problem(&answer, 422);
    assert!(
        answer.body["detail"]
            .as_str()
            .unwrap()
            .contains("not a text file")
    );
    // An empty file, an unknown column, and neither file nor rows.
    problem(
        &import(&admin, json!({ "csv": "\r\n\r\n", "dry_run": true })),
        422,
    );
    let answer = import(
        &admin,
        json!({ "csv": "email,shoe size\n", "dry_run": true }),
    );
    problem(&answer, 422);
    assert!(
        answer.body["detail"]
            .as_str()
            .unwrap()
            .contains("shoe size")
    );
    problem(&import(&admin, json!({ "dry_run": true })), 400);
    problem(&import(&admin, json!({ "csv": "a", "extra": 1 })), 400);
    problem(
        &import(
            &admin,
            json!({ "csv": "a@example.com,A,B\n", "import": "no spaces" }),
        ),
        422,
    );
    // One long line is one refused line.
    let long = "z".repeat(1024 * 1024);
    let answer = import(&admin, json!({ "csv": long, "dry_run": true }));
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(outcomes(&answer), ["problem"]);
    // No session: 401.
    let anonymous = Call::new("POST", "/api/v1/users/import")
        .json(&json!({ "csv": "a@example.com,A,B\n", "dry_run": true }));
    assert_eq!(anonymous.status, 401);
}

#[test]
fn r10_a_script_s_token_imports_only_inside_its_scope_even_naming_every_account() {
    // The import loads every node to read account names; the token's scope still decides.
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let made = Call::new("POST", "/api/v1/tokens")
        .cookie(&admin)
        .json(&json!({
            "name": "Acme onboarding script",
            "capabilities": ["users.view", "users.invite", "notifications.receive"],
            "nodes": ["n_acme"]
        }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    let bearer = format!("Bearer {}", made.body["secret"].as_str().unwrap());
    let token = made.body["token"]["id"].as_str().unwrap().to_owned();
    let run = run_id();
    let answer = Call::new("POST", "/api/v1/users/import")
        .header("Authorization", &bearer)
        .json(&json!({
            "csv": format!("a{run}@example.com,A,One,,,Acme Plumbing\nb{run}@example.com,B,Two,,,Harbor Dental\n"),
            "mode": "notification_only",
            "dry_run": true
        }));
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(
        outcomes(&answer),
        ["ready", "problem"],
        "{:?}",
        answer.body["lines"]
    );
    assert_eq!(answer.body["lines"][1]["rule"], "R10");
    let revoked = Call::new("DELETE", &format!("/api/v1/tokens/{token}"))
        .cookie(&admin)
        .send();
    assert!(revoked.status < 300, "{:?}", revoked.body);
}
