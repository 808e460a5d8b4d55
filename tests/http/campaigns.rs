//! Agent groups and campaigns (§7, seed 002): a group's members, a campaign that dials with
//! every member of its groups, who may see and change them (R10), and another agency that
//! never sees any of it (R2). Changes stay inside Brightline and are undone where they would
//! show elsewhere, since the tests share one database.

use serde_json::{Value, json};
use switchboard_tests::{
    ADMIN_EMAIL, Call, DEMO_PASSWORD, new_member, northwind_changes, run_id, sign_in,
};

fn get(cookie: &str, path: &str) -> switchboard_tests::Answer {
    Call::new("GET", &format!("/api/v1{path}"))
        .cookie(cookie)
        .send()
}

fn send(cookie: &str, method: &'static str, path: &str, body: Value) -> switchboard_tests::Answer {
    Call::new(method, &format!("/api/v1{path}"))
        .cookie(cookie)
        .json(&body)
}

/// The agency's agent groups, as `GET /agency` lists them.
fn groups(cookie: &str) -> Vec<String> {
    serde_json::from_value(get(cookie, "/agency").body["agent_groups"].clone()).unwrap()
}

fn set_groups(cookie: &str, groups: &[String]) {
    let set = send(
        cookie,
        "PATCH",
        "/agency",
        json!({ "agent_groups": groups }),
    );
    assert_eq!(set.status, 200, "{:?}", set.body);
}

/// Each dialer of a campaign as (id, why not), in the answer's order.
fn dialers(cookie: &str, campaign: &str) -> Vec<(String, Option<String>)> {
    let answer = get(cookie, &format!("/campaigns/{campaign}/dialers"));
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.body["dialers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_owned(),
                d["left_out"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn ids_in_group(cookie: &str, group: &str) -> Vec<String> {
    let answer = get(
        cookie,
        &format!("/users?group={}", group.replace(' ', "%20")),
    );
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let mut ids: Vec<String> = answer.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

fn rule_of(answer: &switchboard_tests::Answer) -> &str {
    answer.body["rule"].as_str().unwrap_or_default()
}

#[test]
fn a_campaign_dials_with_every_member_of_its_groups_and_says_why_others_do_not() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let run = run_id();
    let group = format!("Night shift {run}");
    let mut listed = groups(&admin);
    listed.push(group.clone());
    set_groups(&admin, &listed);

    // Two new agents: one at a Harbor location, one at an Acme location.
    let (pier, _, _) = new_member(&admin, "Agent", "n_harbor_pier");
    let (downtown, _, _) = new_member(&admin, "Agent", "n_acme_downtown");
    let joined = send(
        &admin,
        "POST",
        "/agent-groups/members",
        json!({ "group": group, "add": [pier, downtown] }),
    );
    assert_eq!(joined.status, 200, "{:?}", joined.body);
    let mut both = vec![pier.clone(), downtown.clone()];
    both.sort();
    assert_eq!(ids_in_group(&admin, &group), both);
    // A person's row says which groups they are in.
    let row = get(&admin, &format!("/users/{pier}"));
    assert_eq!(row.body["user"]["settings"]["agent_groups"], json!([group]));

    // The campaign lives at Harbor Dental and names the group: the group is the unit.
    let campaign = format!("c_http_{run}");
    let made = send(
        &admin,
        "POST",
        "/campaigns",
        json!({ "id": campaign, "name": format!("Recall {run}"), "node": "n_harbor",
                "agent_groups": [group] }),
    );
    assert_eq!(made.status, 201, "{:?}", made.body);
    let listed_campaigns = get(&admin, "/campaigns");
    assert!(
        listed_campaigns.body["campaigns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == campaign.as_str()),
        "{:?}",
        listed_campaigns.body
    );
    let mut expected = vec![
        (pier.clone(), None),
        (downtown.clone(), Some("no_calling_there".to_owned())),
    ];
    expected.sort();
    let mut seen = dialers(&admin, &campaign);
    seen.sort();
    assert_eq!(seen, expected);

    // R23: a suspension counts on the next question.
    let suspended = Call::new("POST", &format!("/api/v1/users/{pier}/suspend"))
        .cookie(&admin)
        .send();
    assert_eq!(suspended.status, 200, "{:?}", suspended.body);
    assert!(dialers(&admin, &campaign).contains(&(pier.clone(), Some("suspended".into()))));
    let back = Call::new("POST", &format!("/api/v1/users/{pier}/unsuspend"))
        .cookie(&admin)
        .send();
    assert_eq!(back.status, 200, "{:?}", back.body);

    // Taken out of the group, they are off the campaign too.
    let left = send(
        &admin,
        "POST",
        "/agent-groups/members",
        json!({ "group": group, "remove": [downtown] }),
    );
    assert_eq!(left.status, 200, "{:?}", left.body);
    assert_eq!(dialers(&admin, &campaign), vec![(pier.clone(), None)]);

    // The group leaves the agency's list: it leaves its members and the campaign with it.
    listed.retain(|g| *g != group);
    set_groups(&admin, &listed);
    let after = get(&admin, &format!("/users/{pier}"));
    assert_eq!(after.body["user"]["settings"]["agent_groups"], json!([]));
    let dialing = get(&admin, &format!("/campaigns/{campaign}/dialers"));
    assert_eq!(dialing.body["campaign"]["agent_groups"], json!([]));
    assert_eq!(dialing.body["dialers"], json!([]));

    let gone = Call::new("DELETE", &format!("/api/v1/campaigns/{campaign}"))
        .cookie(&admin)
        .send();
    assert_eq!(gone.status, 200, "{:?}", gone.body);
    assert_eq!(
        get(&admin, &format!("/campaigns/{campaign}/dialers")).status,
        404
    );
    // The two agents go, so the demo agency is as it was for the tests after.
    for user in [&pier, &downtown] {
        let gone = Call::new("DELETE", &format!("/api/v1/users/{user}"))
            .cookie(&admin)
            .send();
        assert_eq!(gone.status, 200, "{:?}", gone.body);
    }
}

#[test]
fn r10_campaigns_are_seen_and_changed_only_where_a_role_allows() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let run = run_id();
    let campaign = format!("c_http_r10_{run}");
    let made = send(
        &admin,
        "POST",
        "/campaigns",
        json!({ "id": campaign, "name": format!("Harbor calls {run}"), "node": "n_harbor" }),
    );
    assert_eq!(made.status, 201, "{:?}", made.body);

    // Casey manages Harbor Dental: she sees it, renames it, and cannot take it to Acme.
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    assert_eq!(
        get(&casey, &format!("/campaigns/{campaign}/dialers")).status,
        200
    );
    let renamed = send(
        &casey,
        "PUT",
        &format!("/campaigns/{campaign}"),
        json!({ "name": format!("Harbor recall {run}"), "node": "n_harbor" }),
    );
    assert_eq!(renamed.status, 200, "{:?}", renamed.body);
    let moved = send(
        &casey,
        "PUT",
        &format!("/campaigns/{campaign}"),
        json!({ "name": format!("Harbor recall {run}"), "node": "n_acme" }),
    );
    assert_eq!(moved.status, 403, "{:?}", moved.body);
    assert_eq!(rule_of(&moved), "R10");
    assert_eq!(moved.content_type, "application/problem+json");
    let elsewhere = send(
        &casey,
        "POST",
        "/campaigns",
        json!({ "name": format!("Acme calls {run}"), "node": "n_acme" }),
    );
    assert_eq!(elsewhere.status, 403, "{:?}", elsewhere.body);

    // Frankie (Marketing Manager) and Dana (Reporting) have no campaign capability: refused;
    // Kai, an Agent, neither.
    for who in [
        "frankie@brightline.example",
        "dana@brightline.example",
        "kai@brightline.example",
    ] {
        let cookie = sign_in(who, DEMO_PASSWORD);
        let list = get(&cookie, "/campaigns");
        assert_eq!(list.status, 403, "{who}: {:?}", list.body);
        assert_eq!(rule_of(&list), "R10", "{who}");
        // To them the campaign does not exist.
        assert_eq!(
            get(&cookie, &format!("/campaigns/{campaign}/dialers")).status,
            404,
            "{who}"
        );
        let delete = Call::new("DELETE", &format!("/api/v1/campaigns/{campaign}"))
            .cookie(&cookie)
            .send();
        assert_eq!(delete.status, 404, "{who}: {:?}", delete.body);
    }

    // Noor sees campaigns in Summit Realty (Viewer) but none of Harbor's.
    let noor = sign_in("noor@brightline.example", DEMO_PASSWORD);
    let theirs = get(&noor, "/campaigns");
    assert_eq!(theirs.status, 200, "{:?}", theirs.body);
    assert!(
        !theirs.body["campaigns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == campaign.as_str()),
        "a Viewer of Summit sees Harbor's campaign: {:?}",
        theirs.body
    );

    let gone = Call::new("DELETE", &format!("/api/v1/campaigns/{campaign}"))
        .cookie(&casey)
        .send();
    assert_eq!(gone.status, 200, "{:?}", gone.body);
}

#[test]
fn r2_another_agency_never_sees_nor_touches_a_campaign_or_a_group() {
    let _northwind = northwind_changes();
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let rival = sign_in("admin@northwind.example", DEMO_PASSWORD);
    let run = run_id();
    let campaign = format!("c_http_r2_{run}");
    let made = send(
        &admin,
        "POST",
        "/campaigns",
        json!({ "id": campaign, "name": format!("Private {run}"), "node": "n_acme",
                "agent_groups": ["Sales"] }),
    );
    assert_eq!(made.status, 201, "{:?}", made.body);

    let list = get(&rival, "/campaigns");
    assert_eq!(list.status, 200, "{:?}", list.body);
    assert!(
        !list.body.to_string().contains(&campaign),
        "{:?}",
        list.body
    );
    assert_eq!(
        get(&rival, &format!("/campaigns/{campaign}/dialers")).status,
        404
    );
    let edit = send(
        &rival,
        "PUT",
        &format!("/campaigns/{campaign}"),
        json!({ "name": "Taken", "node": "n_northwind" }),
    );
    assert_eq!(edit.status, 404, "{:?}", edit.body);
    let delete = Call::new("DELETE", &format!("/api/v1/campaigns/{campaign}"))
        .cookie(&rival)
        .send();
    assert_eq!(delete.status, 404, "{:?}", delete.body);
    // Brightline's node and people read as missing; Brightline's group members as no one.
    let there = send(
        &rival,
        "POST",
        "/campaigns",
        json!({ "name": format!("Into Acme {run}"), "node": "n_acme" }),
    );
    assert_eq!(there.status, 404, "{:?}", there.body);
    let kai_groups = get(&admin, "/users/u_kai").body["user"]["settings"]["agent_groups"].clone();
    let join = send(
        &rival,
        "POST",
        "/agent-groups/members",
        json!({ "group": "Sales", "add": ["u_kai"] }),
    );
    assert_eq!(join.status, 404, "{:?}", join.body);
    let members = get(&rival, "/users?group=Sales");
    assert_eq!(members.status, 200, "{:?}", members.body);
    assert_eq!(members.body["users"], json!([]));

    // The same id is Northwind's own to use: ids belong to their agency.
    let own = send(
        &rival,
        "POST",
        "/campaigns",
        json!({ "id": campaign, "name": format!("Ours {run}"), "node": "n_northwind" }),
    );
    assert_eq!(own.status, 201, "{:?}", own.body);
    let ours = get(&admin, &format!("/campaigns/{campaign}/dialers"));
    assert_eq!(ours.body["campaign"]["name"], format!("Private {run}"));
    for cookie in [&rival, &admin] {
        let gone = Call::new("DELETE", &format!("/api/v1/campaigns/{campaign}"))
            .cookie(cookie)
            .send();
        assert_eq!(gone.status, 200, "{:?}", gone.body);
    }
    // Kai's groups are as they were.
    assert_eq!(
        get(&admin, "/users/u_kai").body["user"]["settings"]["agent_groups"],
        kai_groups
    );
}

#[test]
fn bad_campaigns_and_group_changes_get_a_clear_answer_and_change_nothing() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let run = run_id();
    let name = format!("Checked {run}");
    let made = send(
        &admin,
        "POST",
        "/campaigns",
        json!({ "id": format!("c_http_bad_{run}"), "name": name, "node": "n_summit" }),
    );
    assert_eq!(made.status, 201, "{:?}", made.body);
    let cases = [
        (
            json!({ "name": name.to_uppercase(), "node": "n_summit" }),
            409,
            "already a campaign",
        ),
        (
            json!({ "name": format!("Other {run}"), "node": "n_summit", "agent_groups": ["Nobody here"] }),
            422,
            "Nobody here",
        ),
        (
            json!({ "name": format!("Other {run}"), "node": "n_summit", "agent_groups": ["Sales", "Sales"] }),
            422,
            "twice",
        ),
        (json!({ "name": "", "node": "n_summit" }), 400, "name"),
        (
            json!({ "name": format!("Other {run}"), "node": "n_nowhere" }),
            404,
            "",
        ),
        (
            json!({ "name": format!("Other {run}"), "node": "n_summit", "color": "red" }),
            400,
            "color",
        ),
        (
            json!({ "id": "has/slash", "name": format!("Other {run}"), "node": "n_summit" }),
            400,
            "id",
        ),
    ];
    for (body, status, says) in cases {
        let answer = send(&admin, "POST", "/campaigns", body.clone());
        assert_eq!(answer.status, status, "{body}: {:?}", answer.body);
        assert_eq!(answer.content_type, "application/problem+json", "{body}");
        assert!(
            answer.body.to_string().contains(says),
            "{body}: {:?} does not say {says}",
            answer.body
        );
    }
    // Editing a campaign that does not exist does not create it.
    let missing = send(
        &admin,
        "PUT",
        &format!("/campaigns/c_http_none_{run}"),
        json!({ "name": format!("Ghost {run}"), "node": "n_summit" }),
    );
    assert_eq!(missing.status, 404, "{:?}", missing.body);

    // A node with a campaign in it is not deleted until the campaign goes.
    let place = format!("n_http_c_{run}");
    let node = send(
        &admin,
        "POST",
        "/nodes",
        json!({ "id": place, "parent": "n_summit", "kind": "location", "name": format!("Booth {run}") }),
    );
    assert_eq!(node.status, 201, "{:?}", node.body);
    let moved = send(
        &admin,
        "PUT",
        &format!("/campaigns/c_http_bad_{run}"),
        json!({ "name": name, "node": place }),
    );
    assert_eq!(moved.status, 200, "{:?}", moved.body);
    let refused = Call::new("DELETE", &format!("/api/v1/nodes/{place}"))
        .cookie(&admin)
        .send();
    assert_eq!(refused.status, 409, "{:?}", refused.body);
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains(&name),
        "{:?}",
        refused.body
    );

    // Group changes: someone both added and taken out, a group that is not the agency's, a
    // person who does not exist; none of them moves anyone.
    let before = get(&admin, "/users/u_jordan").body["user"]["settings"].clone();
    for (body, status) in [
        (
            json!({ "group": "Sales", "add": ["u_jordan"], "remove": ["u_jordan"] }),
            422,
        ),
        (json!({ "group": "Not a group", "add": ["u_noor"] }), 422),
        (
            json!({ "group": "Support", "add": ["u_jordan", "u_nobody"] }),
            404,
        ),
        (json!({ "group": "Support", "add": "u_jordan" }), 400),
    ] {
        let answer = send(&admin, "POST", "/agent-groups/members", body.clone());
        assert_eq!(answer.status, status, "{body}: {:?}", answer.body);
        assert_eq!(answer.content_type, "application/problem+json", "{body}");
    }
    assert_eq!(
        get(&admin, "/users/u_jordan").body["user"]["settings"],
        before
    );
    // An unknown parameter is still refused; `group` is known.
    assert_eq!(get(&admin, "/users?team=Sales").status, 422);

    for path in [
        format!("/api/v1/campaigns/c_http_bad_{run}"),
        format!("/api/v1/nodes/{place}"),
    ] {
        let gone = Call::new("DELETE", &path).cookie(&admin).send();
        assert_eq!(gone.status, 200, "{path}: {:?}", gone.body);
    }
}

/// Saving a campaign as it already is changes nothing, and says so: no events, nothing
/// written, and no error (Schemathesis found this answered 500, from an empty D1 batch).
#[test]
fn saving_a_campaign_unchanged_answers_no_events() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let id = format!("c_http_same_{}", run_id());
    let body = json!({ "id": id, "name": format!("Same {id}"), "node": "n_summit" });
    assert_eq!(send(&admin, "POST", "/campaigns", body.clone()).status, 201);
    let again = send(&admin, "PUT", &format!("/campaigns/{id}"), body);
    assert_eq!(again.status, 200, "{:?}", again.body);
    assert_eq!(again.body, json!({ "events": [] }));
    let deleted = Call::new("DELETE", &format!("/api/v1/campaigns/{id}"))
        .cookie(&admin)
        .send();
    assert_eq!(deleted.status, 200, "{:?}", deleted.body);
}
