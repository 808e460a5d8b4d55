//! The REST surface: user pages, API tokens, the audit log's filters and CSV, seats, numbers,
//! the account tree and bad query strings. Changes here stay inside Brightline and clean up
//! after themselves, since the tests share one database.

use serde_json::{Value, json};
use switchboard_tests::{
    ADMIN_EMAIL, Call, DEMO_PASSWORD, accept_invitation, newest_invitation, run_id, sign_in,
};

fn ids(body: &Value) -> Vec<String> {
    body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn r1_user_pages_follow_their_cursor_to_the_end_without_gaps_or_repeats() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let whole = Call::new("GET", "/api/v1/users?limit=200")
        .cookie(&admin)
        .send();
    assert_eq!(whole.status, 200, "{:?}", whole.body);
    assert_eq!(
        whole.d1_round_trips,
        Some(1),
        "the page goes to D1 in the same batch as the session and the load"
    );
    assert!(whole.body["next"].is_null(), "one page holds them all");
    let mut seen: Vec<String> = Vec::new();
    let mut path = "/api/v1/users?limit=4".to_owned();
    loop {
        let page = Call::new("GET", &path).cookie(&admin).send();
        assert_eq!(page.status, 200, "{:?}", page.body);
        assert!(ids(&page.body).len() <= 4);
        seen.extend(ids(&page.body));
        match page.body["next"].as_str() {
            Some(next) => path = format!("/api/v1/users?limit=4&after={next}"),
            None => break,
        }
    }
    let demo = |list: &[String]| -> Vec<String> {
        list.iter()
            .filter(|id| !id.starts_with("u_http_"))
            .cloned()
            .collect()
    };
    assert_eq!(
        demo(&seen),
        demo(&ids(&whole.body)),
        "pages in order, nothing twice"
    );
    let names: Vec<String> = whole.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "ordered by name");

    let reversed = Call::new("GET", "/api/v1/users?sort=-email&limit=200")
        .cookie(&admin)
        .send();
    let emails: Vec<&str> = reversed.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert!(emails.windows(2).all(|w| w[0] >= w[1]), "{emails:?}");
}

#[test]
fn r1_search_and_filters_narrow_the_list_inside_the_reach() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let found = Call::new("GET", "/api/v1/users?q=NOOR")
        .cookie(&admin)
        .send();
    assert_eq!(
        ids(&found.body),
        ["u_noor"],
        "search ignores case, names and addresses"
    );
    let invited = Call::new("GET", "/api/v1/users?state=invited")
        .cookie(&admin)
        .send();
    assert!(ids(&invited.body).contains(&"u_parker".to_owned()));
    assert!(
        invited.body["users"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["state"] == "invited")
    );
    let harbor = Call::new("GET", "/api/v1/users?node=n_harbor")
        .cookie(&admin)
        .send();
    assert!(ids(&harbor.body).contains(&"u_casey".to_owned()));
    assert!(
        !ids(&harbor.body).contains(&"u_blake".to_owned()),
        "Blake works at Acme"
    );
    let managers = Call::new("GET", "/api/v1/users?role=Manager")
        .cookie(&admin)
        .send();
    assert!(ids(&managers.body).contains(&"u_casey".to_owned()));

    // A manager of Harbor searching everyone still sees only Harbor's people (R1).
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    let theirs = Call::new("GET", "/api/v1/users?q=brightline")
        .cookie(&casey)
        .send();
    assert!(
        !ids(&theirs.body).contains(&"u_blake".to_owned()),
        "{:?}",
        theirs.body
    );
}

#[test]
fn r1_filters_of_someone_who_sees_part_of_the_agency_stay_inside_their_reach() {
    // Casey manages Harbor Dental: she sees the people with a grant in Harbor's subtree, and a
    // filter narrows that, never widens it.
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    let list = |query: &str| {
        let answer = Call::new("GET", &format!("/api/v1/users?{query}"))
            .cookie(&casey)
            .send();
        assert_eq!(answer.status, 200, "{query}: {:?}", answer.body);
        // Other tests add people (`u_http_…`) and rename some while this one runs.
        let mut ids: Vec<String> = ids(&answer.body)
            .into_iter()
            .filter(|id| !id.starts_with("u_http_"))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(
        list("limit=200"),
        ["u_casey", "u_gray", "u_jordan", "u_kai", "u_morgan"],
        "Harbor's people"
    );
    assert_eq!(
        list("node=n_harbor_east"),
        ["u_gray", "u_kai", "u_morgan"],
        "a node inside the reach: the people under it"
    );
    assert_eq!(
        list("node=n_acme").len(),
        0,
        "a node outside the reach shows no one"
    );
    assert_eq!(
        list("role=Agent"),
        ["u_kai"],
        "agents at Acme are outside Casey's reach"
    );
    assert_eq!(list("role=Agent&node=n_harbor_bay").len(), 0);
    assert_eq!(
        list("role=Messaging%20Agent&node=n_harbor_bay"),
        ["u_morgan"]
    );
}

#[test]
fn r1_r23_a_managers_list_follows_their_reach_as_it_changes_and_as_their_node_moves() {
    // The Worker remembers, per session, where the caller's reach was, to send the page with
    // the caller's load; each request checks that guess against D1's current rows. A list
    // right after a change shows the new reach, never the remembered one.
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let run = run_id();
    let (east, west) = (format!("n_http_{run}_e"), format!("n_http_{run}_w"));
    for node in [&east, &west] {
        let created = Call::new("POST", "/api/v1/nodes")
            .cookie(&admin)
            .json(&json!({ "id": node, "parent": "n_summit", "kind": "location", "name": node }));
        assert_eq!(created.status, 201, "{:?}", created.body);
    }
    let person = |who: &str, role: &str, node: &str| {
        let user = format!("u_http_{run}_{who}");
        let invite = json!({
            "command": "invite", "user": user, "grant": format!("g_http_{run}_{who}"),
            "email": format!("{who}{run}@brightline.example"), "name": format!("Reach {who}"),
            "role": { "kind": "builtin", "id": role }, "node": node
        });
        let made = Call::new("POST", "/api/v1/commands")
            .cookie(&admin)
            .json(&invite);
        assert_eq!(made.status, 200, "{:?}", made.body);
        user
    };
    let manager = person("m", "Manager", &east);
    let (at_east, at_west) = (person("a", "Agent", &east), person("b", "Agent", &west));
    let email = format!("m{run}@brightline.example");
    let accepted = accept_invitation(&newest_invitation(&email), "Reach-around1");
    assert_eq!(accepted.status, 200, "{:?}", accepted.body);
    let cookie = accepted.session_cookie().expect("signed in");
    let mine = format!("u_http_{run}_");
    let list = || {
        let answer = Call::new("GET", "/api/v1/users?limit=200")
            .cookie(&cookie)
            .send();
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        let mut ids: Vec<String> = ids(&answer.body)
            .into_iter()
            .filter(|id| id.starts_with(&mine))
            .collect();
        ids.sort();
        ids
    };
    // Twice each time: the first request after a change finds the remembered reach stale, the
    // second uses the one it remembered then.
    for _ in 0..2 {
        assert_eq!(list(), [at_east.clone(), manager.clone()], "East's people");
    }
    let moved_to_west = Call::new("POST", &format!("/api/v1/users/{manager}/grants"))
        .cookie(&admin)
        .json(&json!({
            "id": format!("g_http_{run}_mw"), "role": { "kind": "builtin", "id": "Manager" },
            "node": west
        }));
    assert_eq!(moved_to_west.status, 201, "{:?}", moved_to_west.body);
    let off_east = Call::new("DELETE", &format!("/api/v1/grants/g_http_{run}_m"))
        .cookie(&admin)
        .send();
    assert_eq!(off_east.status, 200, "{:?}", off_east.body);
    for _ in 0..2 {
        assert_eq!(list(), [at_west.clone(), manager.clone()], "West's people");
    }
    // Moving West under Harbor changes its place in the tree, not who is under it.
    let moved = Call::new("PATCH", &format!("/api/v1/nodes/{west}"))
        .cookie(&admin)
        .json(&json!({ "parent": "n_harbor" }));
    assert_eq!(moved.status, 200, "{:?}", moved.body);
    for _ in 0..2 {
        assert_eq!(list(), [at_west.clone(), manager.clone()], "West, moved");
    }

    for user in [&manager, &at_east, &at_west] {
        let delete = json!({ "command": "delete", "user": user, "reassign_to": null });
        let gone = Call::new("POST", "/api/v1/commands")
            .cookie(&admin)
            .json(&delete);
        assert_eq!(gone.status, 200, "{:?}", gone.body);
    }
    for node in [&east, &west] {
        let gone = Call::new("DELETE", &format!("/api/v1/nodes/{node}"))
            .cookie(&admin)
            .send();
        assert_eq!(gone.status, 200, "{:?}", gone.body);
    }
}

#[test]
fn r2_an_id_taken_in_another_agency_is_a_conflict_and_changes_nothing() {
    // Ids are chosen by clients and are unique across agencies: the database refuses the
    // second, and the Worker answers 409 with a message that says nothing of the other agency.
    let northwind = sign_in("admin@northwind.example", DEMO_PASSWORD);
    let tree = Call::new("GET", "/api/v1/nodes").cookie(&northwind).send();
    assert_eq!(tree.status, 200, "{:?}", tree.body);
    let root = tree.body["nodes"][0]["id"].as_str().unwrap().to_owned();
    let clash = Call::new("POST", "/api/v1/nodes")
        .cookie(&northwind)
        .json(&json!({ "id": "n_summit", "parent": root, "kind": "location", "name": "Mine" }));
    assert_eq!(clash.status, 409, "{:?}", clash.body);
    assert_eq!(clash.content_type, "application/problem+json");
    let detail = clash.body["detail"].as_str().unwrap();
    assert!(
        !detail.contains("Summit") && !detail.contains("D1"),
        "{detail}"
    );
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let theirs = Call::new("GET", "/api/v1/nodes").cookie(&admin).send();
    let summit = theirs.body["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "n_summit")
        .cloned()
        .expect("Brightline's node is still there");
    assert_ne!(summit["name"], "Mine");
    let mine = Call::new("GET", "/api/v1/nodes").cookie(&northwind).send();
    assert!(
        !mine.body.to_string().contains("n_summit"),
        "{:?}",
        mine.body
    );
}

/// "Inside a node" is a prefix of node paths (`/root/…/node/`), so a node whose id held a '/'
/// would sit, for every query of paths, inside another node it is not under: its people would
/// show in that node's manager's list (R1). Every new id is letters, digits, '-' and '_'.
#[test]
fn r1_an_id_that_could_pose_as_a_path_is_refused_and_nothing_is_made() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let run = switchboard_tests::run_id();
    let posing = format!("n_harbor/n_http_pose{run}");
    let made = Call::new("POST", "/api/v1/nodes").cookie(&admin).json(
        &json!({ "id": posing, "parent": "n_brightline", "kind": "account", "name": "Pose" }),
    );
    // The id is not one: the body cannot be read.
    assert_eq!(made.status, 400, "{:?}", made.body);
    assert_eq!(made.content_type, "application/problem+json");
    assert!(
        made.body["detail"]
            .as_str()
            .unwrap()
            .contains("letters, digits"),
        "{:?}",
        made.body
    );
    let tree = Call::new("GET", "/api/v1/nodes").cookie(&admin).send();
    assert!(!tree.body.to_string().contains(&posing), "{:?}", tree.body);
    // The same for a person's id and a grant's.
    let invited = Call::new("POST", "/api/v1/users")
        .cookie(&admin)
        .json(&json!({
        "id": format!("u_http_pose{run}\""), "email": format!("pose{run}@brightline.example"),
        "name": "Pose", "role": { "kind": "builtin", "id": "Agent" }, "node": "n_harbor" }));
    assert_eq!(invited.status, 400, "{:?}", invited.body);
    let listed = Call::new("GET", &format!("/api/v1/users?q=pose{run}"))
        .cookie(&admin)
        .send();
    assert_eq!(listed.body["users"], json!([]), "{:?}", listed.body);
    let granted = Call::new("POST", "/api/v1/users/u_kai/grants")
        .cookie(&admin)
        .json(&json!({ "id": "g/x", "role": { "kind": "builtin", "id": "Viewer" }, "node": "n_summit" }));
    assert_eq!(granted.status, 400, "{:?}", granted.body);
}

#[test]
fn bad_query_strings_get_a_message_per_field() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    for (query, field) in [
        ("sort=shoe_size", "sort"),
        ("limit=0", "limit"),
        ("limit=100000", "limit"),
        ("state=sleeping", "state"),
        ("after=zz", "after"),
        ("after=7b7d", "after"),
        ("colour=red", "colour"),
        ("q=a&q=b", "q"),
    ] {
        let answer = Call::new("GET", &format!("/api/v1/users?{query}"))
            .cookie(&admin)
            .send();
        assert_eq!(answer.status, 422, "{query}: {:?}", answer.body);
        assert_eq!(answer.content_type, "application/problem+json");
        assert_eq!(answer.body["errors"][0]["field"], field, "{query}");
    }
    let audit = Call::new("GET", "/api/v1/audit?since=yesterday")
        .cookie(&admin)
        .send();
    assert_eq!(audit.status, 422);
}

#[test]
fn api_tokens_act_within_their_scope_never_beyond_their_creator_and_die_when_revoked() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let made = Call::new("POST", "/api/v1/tokens")
        .cookie(&admin)
        .json(&json!({
            "name": "Acme report script",
            "capabilities": ["users.view"],
            "nodes": ["n_acme"]
        }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    let secret = made.body["secret"].as_str().unwrap().to_owned();
    let id = made.body["token"]["id"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {secret}");

    // Scoped: only the people of Acme, and nothing it was not given.
    let seen = Call::new("GET", "/api/v1/users")
        .header("Authorization", &bearer)
        .send();
    assert_eq!(seen.status, 200, "{:?}", seen.body);
    assert_eq!(
        seen.d1_round_trips,
        Some(2),
        "a token's page follows domain's narrower reach"
    );
    let seen = ids(&seen.body);
    assert!(seen.contains(&"u_blake".to_owned()), "{seen:?}");
    assert!(
        !seen.contains(&"u_casey".to_owned()),
        "Harbor is outside the token: {seen:?}"
    );
    let suspend = Call::new("POST", "/api/v1/users/u_kai/suspend")
        .header("Authorization", &bearer)
        .send();
    assert_eq!(
        suspend.status, 403,
        "the token lacks users.suspend: {:?}",
        suspend.body
    );
    let nested = Call::new("POST", "/api/v1/tokens")
        .header("Authorization", &bearer)
        .json(&json!({ "name": "x", "capabilities": ["users.view"], "nodes": ["n_acme"] }));
    assert_eq!(nested.status, 403, "a token cannot make tokens");

    // Listed without its secret, stored only as a digest.
    let list = Call::new("GET", "/api/v1/tokens").cookie(&admin).send();
    assert!(
        list.body["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == id.as_str())
    );
    assert!(
        !list.body.to_string().contains(&secret),
        "the secret is shown once"
    );

    // R11: never wider than the person who makes it.
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    let wider = Call::new("POST", "/api/v1/tokens")
        .cookie(&casey)
        .json(&json!({
            "name": "too much", "capabilities": ["users.view"], "nodes": ["n_brightline"]
        }));
    assert_eq!(wider.status, 403, "{:?}", wider.body);
    assert!(wider.body["rule"] == "R11");

    // R23: revoked, it fails on its very next use.
    let revoked = Call::new("DELETE", &format!("/api/v1/tokens/{id}"))
        .cookie(&admin)
        .send();
    assert_eq!(revoked.status, 204);
    let after = Call::new("GET", "/api/v1/users")
        .header("Authorization", &bearer)
        .send();
    assert_eq!(after.status, 401);
    let garbage = Call::new("GET", "/api/v1/users")
        .header("Authorization", "Bearer nope")
        .send();
    assert_eq!(garbage.status, 401);
}

#[test]
fn r25_the_audit_log_filters_pages_and_exports_csv() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    // Something to find: someone of this test's own, renamed twice (renaming a demo person
    // would move them in the name order other tests page through).
    let run = run_id();
    let user = format!("u_http_audit_{run}");
    let invited = Call::new("POST", "/api/v1/users")
        .cookie(&admin)
        .json(&json!({
            "id": user, "email": format!("audit{run}@brightline.example"), "name": "Ava Audit",
            "role": { "kind": "builtin", "id": "Agent" }, "node": "n_summit"
        }));
    assert_eq!(invited.status, 201, "{:?}", invited.body);
    for name in ["Ava Audited", "Ava Again"] {
        let answer = Call::new("PATCH", &format!("/api/v1/users/{user}"))
            .cookie(&admin)
            .json(&json!({ "name": name }));
        assert_eq!(answer.status, 200, "{:?}", answer.body);
    }
    let filter = format!("target={user}&action=profile_changed&limit=1");
    let found = Call::new("GET", &format!("/api/v1/audit?{filter}"))
        .cookie(&admin)
        .send();
    assert_eq!(found.status, 200, "{:?}", found.body);
    let entries = found.body["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0]["after"]["user"]["name"], "Ava Again",
        "newest first"
    );
    let next = found.body["next"].as_str().expect("an older page");
    let older = Call::new("GET", &format!("/api/v1/audit?{filter}&after={next}"))
        .cookie(&admin)
        .send();
    assert_eq!(
        older.body["entries"][0]["after"]["user"]["name"],
        "Ava Audited"
    );
    assert!(older.body["next"].is_null(), "two renames, two pages");

    // `about` adds the changes to the person's grants, whose target is the grant.
    let granted = Call::new("POST", &format!("/api/v1/users/{user}/grants"))
        .cookie(&admin)
        .json(&json!({ "role": { "kind": "builtin", "id": "Viewer" }, "node": "n_acme" }));
    assert_eq!(granted.status, 201, "{:?}", granted.body);
    let actions = |filter: &str| -> Vec<String> {
        let page = Call::new("GET", &format!("/api/v1/audit?{filter}"))
            .cookie(&admin)
            .send();
        assert_eq!(page.status, 200, "{:?}", page.body);
        page.body["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    };
    let about = actions(&format!("about={user}"));
    assert_eq!(
        about.first().map(String::as_str),
        Some("granted"),
        "{about:?}"
    );
    assert!(about.iter().any(|a| a == "user_added"), "{about:?}");
    assert!(!actions(&format!("target={user}")).contains(&"granted".to_owned()));

    let csv = Call::new("GET", &format!("/api/v1/audit.csv?target={user}"))
        .cookie(&admin)
        .send();
    assert_eq!(csv.status, 200);
    assert!(
        csv.content_type.starts_with("text/csv"),
        "{}",
        csv.content_type
    );
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    let refused = Call::new("GET", "/api/v1/audit.csv").cookie(&casey).send();
    assert_eq!(refused.status, 403);
    let gone = Call::new("DELETE", &format!("/api/v1/users/{user}/invitation"))
        .cookie(&admin)
        .send();
    assert_eq!(gone.status, 200, "{:?}", gone.body);
}

#[test]
fn r31_the_seat_preview_decides_like_a_save_and_saves_nothing() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let agency = Call::new("GET", "/api/v1/agency").cookie(&admin).send();
    assert_eq!(agency.status, 200, "{:?}", agency.body);
    assert_eq!(agency.body["plan"]["plan"], "team");
    let run = run_id();
    let user = format!("u_http_preview_{run}");
    let preview = Call::new("POST", "/api/v1/agency/seat-preview")
        .cookie(&admin)
        .json(&json!({
            "command": "invite", "user": user, "grant": format!("g_http_preview_{run}"),
            "email": format!("preview{run}@brightline.example"), "name": "Pat Preview",
            "role": { "kind": "builtin", "id": "Agent" }, "node": "n_summit"
        }));
    assert_eq!(preview.status, 200, "{:?}", preview.body);
    assert_eq!(
        preview.body["seats_after"].as_u64().unwrap(),
        preview.body["seats_before"].as_u64().unwrap() + 1
    );
    assert!(
        preview.body["monthly_cost_after_cents"].as_u64()
            > preview.body["monthly_cost_before_cents"].as_u64()
    );
    let absent = Call::new("GET", &format!("/api/v1/users/{user}"))
        .cookie(&admin)
        .send();
    assert_eq!(absent.status, 404, "a preview saves nothing");
}

#[test]
fn a_tracking_number_has_one_destination_and_moves_whole() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let number = format!("+1555{:07}", run_id() % 10_000_000);
    for to in ["u_kai", "u_lee"] {
        let answer = Call::new("PUT", &format!("/api/v1/numbers/{number}"))
            .cookie(&admin)
            .json(&json!({ "user": to }));
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        let listed = Call::new("GET", "/api/v1/numbers").cookie(&admin).send();
        let rows: Vec<&Value> = listed.body["numbers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["number"] == number.as_str())
            .collect();
        assert_eq!(rows.len(), 1, "{:?}", listed.body);
        assert_eq!(rows[0]["user"], to);
    }
    let kai = Call::new("GET", "/api/v1/users/u_kai")
        .cookie(&admin)
        .send();
    assert!(
        !kai.body["user"]["settings"]["tracking_numbers"]
            .to_string()
            .contains(&number)
    );
    let bad = Call::new("PUT", "/api/v1/numbers/12ab")
        .cookie(&admin)
        .json(&json!({ "user": "u_kai" }));
    assert_eq!(bad.status, 422);
}

#[test]
fn r15_nodes_are_created_moved_and_deleted_and_reach_follows_the_move() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let node = format!("n_http_{}", run_id());
    let created = Call::new("POST", "/api/v1/nodes")
        .cookie(&admin)
        .json(&json!({
            "id": node, "parent": "n_summit", "kind": "location", "name": "Summit Annex"
        }));
    assert_eq!(created.status, 201, "{:?}", created.body);
    let moved = Call::new("PATCH", &format!("/api/v1/nodes/{node}"))
        .cookie(&admin)
        .json(&json!({ "parent": "n_harbor", "name": "Harbor Annex" }));
    assert_eq!(moved.status, 200, "{:?}", moved.body);
    // Casey manages Harbor: the moved node is now inside their tree.
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    let tree = Call::new("GET", "/api/v1/nodes").cookie(&casey).send();
    let theirs: Vec<&str> = tree.body["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(theirs.contains(&node.as_str()), "{theirs:?}");
    assert!(!theirs.contains(&"n_acme"), "{theirs:?}");
    let gone = Call::new("DELETE", &format!("/api/v1/nodes/{node}"))
        .cookie(&admin)
        .send();
    assert_eq!(gone.status, 200, "{:?}", gone.body);
}

#[test]
fn an_api_token_stops_working_when_it_expires() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let made = Call::new("POST", "/api/v1/tokens")
        .cookie(&admin)
        .json(&json!({
            "name": "one-day script", "capabilities": ["users.view"], "nodes": ["n_acme"],
            "expires_at": now + 86_400_000
        }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    let bearer = format!("Bearer {}", made.body["secret"].as_str().unwrap());
    let at = |skip: u64| {
        Call::new("GET", "/api/v1/users")
            .header("Authorization", &bearer)
            .header("X-Switchboard-Clock-Skip", &skip.to_string())
            .send()
            .status
    };
    assert_eq!(at(0), 200);
    assert_eq!(at(2 * 86_400_000), 401, "expired tokens fail");
    let past = Call::new("POST", "/api/v1/tokens")
        .cookie(&admin)
        .json(&json!({
            "name": "already over", "capabilities": ["users.view"], "nodes": ["n_acme"],
            "expires_at": now - 1
        }));
    assert_eq!(past.status, 422);
    assert_eq!(past.body["errors"][0]["field"], "expires_at");
}
