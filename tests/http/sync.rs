//! Offline sync against the real Worker: push is idempotent, refusals come back with their
//! rule, a revoked grant takes rows away on the next pull, and a randomized convergence run
//! of three clients running the app's own sync code (`domain::sync::Replica`).

use std::collections::{BTreeMap, BTreeSet};

use domain::api::UserSummary;
use domain::command::OfflineCommand;
use domain::sync::{Outcome, PullResponse, PushResponse};
use domain::{Name, UserId, UserState};

/// The replica exactly as the console keeps it.
type Replica = domain::sync::Replica<OfflineCommand>;
use serde_json::{Value, json};
use switchboard_tests::sync_agency::{self, ACCOUNTS, agent, manager, manager_email};
use switchboard_tests::{ADMIN_EMAIL, Call, DEMO_PASSWORD, run_id, sign_in};

fn push(cookie: &str, body: &Value) -> (u16, Value) {
    let answer = Call::new("POST", "/api/v1/sync/push")
        .cookie(cookie)
        .json(body);
    (answer.status, answer.body)
}

fn pull_all(cookie: &str, replica: &mut Replica) {
    let mut after: Option<String> = None;
    loop {
        let query = replica.pull_query(after.as_deref());
        let answer = Call::new("GET", &format!("/api/v1/sync/pull?{query}"))
            .cookie(cookie)
            .send();
        assert_eq!(answer.status, 200, "pull: {:?}", answer.body);
        let response: PullResponse = serde_json::from_value(answer.body).expect("a pull answer");
        match replica.on_pull(response, after.as_deref()) {
            Some(next) => after = Some(next),
            None => return,
        }
    }
}

fn now_ms() -> domain::Millis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as domain::Millis
}

/// Every row the person may see, as the user list answers it.
fn visible(cookie: &str) -> BTreeMap<UserId, UserSummary> {
    let mut rows = BTreeMap::new();
    let mut path = "/api/v1/users?limit=200".to_owned();
    loop {
        let answer = Call::new("GET", &path).cookie(cookie).send();
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        let page: domain::api::UsersPage = serde_json::from_value(answer.body).unwrap();
        for user in page.users {
            rows.insert(user.id.clone(), user);
        }
        match page.next {
            Some(next) => path = format!("/api/v1/users?limit=200&after={next}"),
            None => return rows,
        }
    }
}

#[test]
fn a_mutation_pushed_twice_is_applied_once_and_refusals_name_their_rule() {
    let run = run_id();
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let name = format!("Synced Name {run}");
    let body = json!({
        "client": format!("twice{run}"),
        "mutations": [
            { "id": "m1", "command": { "command": "edit_profile", "user": "u_jordan", "name": name, "email": null } },
            { "id": "m2", "command": { "command": "suspend", "user": "u_avery" } },
            { "id": "m3", "command": { "command": "suspend", "user": "u_kai_nope" } },
        ]
    });
    let (status, first) = push(&admin, &body);
    assert_eq!(status, 200, "{first:?}");
    let (status, again) = push(&admin, &body);
    assert_eq!(status, 200);
    assert_eq!(first, again, "a repeated push answers the first outcomes");
    let outcomes: PushResponse = serde_json::from_value(first).unwrap();
    assert_eq!(outcomes.results[0].outcome, Outcome::Applied);
    match &outcomes.results[1].outcome {
        Outcome::Refused { problem } => {
            assert_eq!(problem.status, 403);
            assert!(problem.rule.as_deref() == Some("R12"), "{problem:?}");
        }
        other => panic!("suspending oneself was {other:?}"),
    }
    match &outcomes.results[2].outcome {
        Outcome::Refused { problem } => assert_eq!(problem.status, 404),
        other => panic!("an unknown person was {other:?}"),
    }
    // Applied once: one audit entry names the new name.
    let audit = Call::new("GET", "/api/v1/audit?target=u_jordan&limit=200")
        .cookie(&admin)
        .send();
    let entries = audit.body["entries"].as_array().unwrap();
    let renamed = entries
        .iter()
        .filter(|e| e["after"].to_string().contains(&name))
        .count();
    assert_eq!(renamed, 1, "the mutation was applied exactly once");

    // Jordan gets their own name back, for the browser tests and their screenshots.
    let back = Call::new("PATCH", "/api/v1/users/u_jordan")
        .cookie(&admin)
        .json(&json!({ "name": "Jordan Reyes" }));
    assert_eq!(back.status, 200, "{:?}", back.body);
}

#[test]
fn push_and_pull_reject_bad_input_with_a_problem() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let many: Vec<Value> = (0..101)
        .map(|i| json!({ "id": format!("m{i}"), "command": { "command": "suspend", "user": "u_x" } }))
        .collect();
    for (body, field) in [
        (json!({ "client": "", "mutations": [] }), "client"),
        (json!({ "client": "a b", "mutations": [] }), "client"),
        (json!({ "client": "c", "mutations": many }), "mutations"),
        (
            json!({ "client": "c", "mutations": [
                { "id": "same", "command": { "command": "suspend", "user": "u_x" } },
                { "id": "same", "command": { "command": "suspend", "user": "u_x" } }] }),
            "mutations[1].id",
        ),
    ] {
        let (status, problem) = push(&admin, &body);
        assert_eq!(status, 422, "{body}: {problem:?}");
        assert_eq!(problem["errors"][0]["field"], field);
    }
    let (status, _) = push(
        &admin,
        &json!({ "client": "c", "mutations": [{ "id": "x" }] }),
    );
    assert_eq!(status, 400);
    for query in ["since=-1", "since=abc", "reach=xyz", "after=zz", "other=1"] {
        let answer = Call::new("GET", &format!("/api/v1/sync/pull?{query}"))
            .cookie(&admin)
            .send();
        assert!(
            answer.status == 422 || answer.status == 400,
            "{query}: {}",
            answer.status
        );
    }
    let signed_out = Call::new("GET", "/api/v1/sync/pull").send();
    assert_eq!(signed_out.status, 401);
}

/// The randomized convergence run. `SYNC_CYCLES` sets the number of cycles (1,000 by default;
/// docs/ARCHITECTURE.md gives the command for 100,000), `SYNC_SEED` the seed.
#[test]
fn three_offline_clients_converge_on_what_each_may_see() {
    let cycles: usize = std::env::var("SYNC_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let seed: u64 = std::env::var("SYNC_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(run_id() as u64);
    println!("sync convergence: seed {seed}, {cycles} cycles");
    let mut rng = Rng(seed | 1);
    // Audit entries of earlier runs on the same database are not this run's.
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let run = run_id();
    let admin = sign_in(sync_agency::ADMIN_EMAIL, DEMO_PASSWORD);

    struct Client {
        person: UserId,
        cookie: String,
        replica: Replica,
        online: bool,
        /// Every mutation id made, and the outcome the Worker gave it.
        made: BTreeMap<String, Option<Outcome>>,
    }
    let mut clients: Vec<Client> = (0..3)
        .map(|i| {
            let cookie = sign_in(&manager_email(i), DEMO_PASSWORD);
            let mut replica = Replica::new(format!("r{run}c{i}"));
            pull_all(&cookie, &mut replica);
            Client {
                person: UserId(manager(i)),
                cookie,
                replica,
                online: true,
                made: BTreeMap::new(),
            }
        })
        .collect();
    // The extra grants the administrator gives and takes: manager i over account i + 1.
    let mut extra: [Option<String>; 3] = [None, None, None];
    let mut counts = BTreeMap::<&str, usize>::new();
    // As the console does: `domain` decides on the device first; what it refuses there is
    // shown at once and never queued, the rest is queued for the Worker to decide again.
    let make =
        |client: &mut Client, command: OfflineCommand, counts: &mut BTreeMap<&str, usize>| {
            match client.replica.decide_here(&command, now_ms()) {
                Some(Err(refusal)) => {
                    client.replica.refuse_here(command, &refusal);
                    let refused = client.replica.refused.last().expect("just refused");
                    client.made.insert(
                        refused.mutation.id.clone(),
                        Some(Outcome::Refused {
                            problem: refused.problem.clone(),
                        }),
                    );
                    *counts.entry("refused on the device").or_default() += 1;
                }
                decided => {
                    if decided.is_none() {
                        *counts.entry("queued undecided on the device").or_default() += 1;
                    }
                    let mutation = client.replica.enqueue(command);
                    client.made.insert(mutation.id, None);
                }
            }
        };

    let sync = |client: &mut Client, counts: &mut BTreeMap<&str, usize>, lose_answer: bool| {
        if let Some(request) = client.replica.push_request() {
            let (status, body) = push(&client.cookie, &serde_json::to_value(&request).unwrap());
            assert_eq!(status, 200, "push: {body:?}");
            let response: PushResponse = serde_json::from_value(body).unwrap();
            for result in &response.results {
                let recorded = client.made.get_mut(&result.id).expect("a mutation we made");
                if let Some(before) = recorded {
                    assert_eq!(
                        before, &result.outcome,
                        "a repeat answers the first outcome"
                    );
                }
                *recorded = Some(result.outcome.clone());
            }
            if lose_answer {
                // Killed after the Worker answered, before the answer was saved: the queue
                // still holds these, and the next push repeats them.
                *counts
                    .entry("answers lost (killed after push)")
                    .or_default() += 1;
                return;
            }
            client.replica.on_push(&response);
            *counts.entry("pushes").or_default() += 1;
        }
        pull_all(&client.cookie, &mut client.replica);
        *counts.entry("pulls").or_default() += 1;
        // Nothing else moves while this client syncs, so after its pull it holds exactly what
        // its person may see now: no row they lost sight of, none missing.
        assert_eq!(
            client.replica.rows,
            visible(&client.cookie),
            "{} after a pull",
            client.person.0
        );
    };

    for _ in 0..cycles {
        let c = rng.below(3);
        match rng.below(100) {
            // A change the person believes they may make: an Agent they see.
            0..=39 => {
                let client = &mut clients[c];
                let view = client.replica.view(now_ms());
                let agents: Vec<&UserSummary> = view
                    .iter()
                    .filter(|u| u.id.0.starts_with("u_s_a"))
                    .collect();
                if agents.is_empty() {
                    continue;
                }
                let target = agents[rng.below(agents.len())];
                let command = match (rng.below(3), target.state) {
                    (0, _) => OfflineCommand::EditProfile {
                        user: target.id.clone(),
                        name: Some(
                            Name::parse(&format!("Agent {} {}", target.id.0, rng.below(1000)))
                                .unwrap(),
                        ),
                        email: None,
                    },
                    (_, UserState::Suspended) => OfflineCommand::Unsuspend {
                        user: target.id.clone(),
                    },
                    _ => OfflineCommand::Suspend {
                        user: target.id.clone(),
                    },
                };
                make(client, command, &mut counts);
                *counts.entry("changes made").or_default() += 1;
            }
            // A change the person may not make: themself (R12), or an Agent of an account
            // they have never had (R2).
            40..=49 => {
                let client = &mut clients[c];
                let command = if rng.below(2) == 0 {
                    OfflineCommand::Suspend {
                        user: client.person.clone(),
                    }
                } else {
                    let other = (c + 2) % 3;
                    OfflineCommand::Suspend {
                        user: UserId(agent(other, rng.below(3))),
                    }
                };
                make(client, command, &mut counts);
                *counts.entry("forbidden changes made").or_default() += 1;
            }
            50..=59 => {
                clients[c].online = !clients[c].online;
                *counts.entry("online/offline switches").or_default() += 1;
            }
            // Killed: everything not saved is lost. The replica is all the app saves, so it
            // comes back from its saved form; sometimes the push's answer was lost too.
            60..=67 => {
                let client = &mut clients[c];
                let saved = serde_json::to_string(&client.replica).unwrap();
                if client.online && rng.below(2) == 0 {
                    sync(client, &mut counts, true);
                }
                client.replica = serde_json::from_str(&saved).unwrap();
                *counts.entry("kills").or_default() += 1;
            }
            // The administrator gives or takes a manager's grant over the next account.
            68..=74 => {
                let i = rng.below(3);
                let account = ACCOUNTS[(i + 1) % 3];
                match extra[i].take() {
                    Some(grant) => {
                        let answer = Call::new("DELETE", &format!("/api/v1/grants/{grant}"))
                            .cookie(&admin)
                            .send();
                        assert_eq!(answer.status, 200, "{:?}", answer.body);
                        *counts.entry("grants revoked").or_default() += 1;
                    }
                    None => {
                        let grant = format!("g_sync_{run}_{}", rng.next());
                        let answer =
                            Call::new("POST", &format!("/api/v1/users/{}/grants", manager(i)))
                                .cookie(&admin)
                                .json(&json!({
                                    "id": grant,
                                    "role": { "kind": "builtin", "id": "Manager" },
                                    "node": account
                                }));
                        assert_eq!(answer.status, 201, "{:?}", answer.body);
                        extra[i] = Some(grant);
                        *counts.entry("grants given").or_default() += 1;
                    }
                }
            }
            _ => {
                if clients[c].online {
                    sync(&mut clients[c], &mut counts, false);
                }
            }
        }
        // After every step, the kept columns still say what the tables say.
        switchboard_tests::assert_kept(switchboard_tests::sync_agency::AGENCY, "a sync step");
    }

    if cycles >= 100 {
        assert!(
            counts.get("refused on the device").copied().unwrap_or(0) > 0,
            "the device refused what domain refuses there: {counts:?}"
        );
    }
    // Everyone comes online and syncs until nothing is pending.
    for client in &mut clients {
        client.online = true;
        for _ in 0..20 {
            sync(client, &mut counts, false);
            if client.replica.pending.is_empty() {
                break;
            }
        }
        assert!(
            client.replica.pending.is_empty(),
            "every mutation was answered"
        );
    }
    // Then a last pull each, after everyone's last push.
    for client in &mut clients {
        pull_all(&client.cookie, &mut client.replica);
    }
    let mut applied_total = 0;
    let mut refused_total = 0;
    for client in &clients {
        // Every mutation has exactly one outcome, and every refusal is there to show.
        let applied: BTreeSet<&String> = client
            .made
            .iter()
            .filter(|(_, o)| matches!(o, Some(Outcome::Applied)))
            .map(|(id, _)| id)
            .collect();
        let refused: BTreeSet<&String> = client
            .made
            .iter()
            .filter(|(_, o)| matches!(o, Some(Outcome::Refused { .. })))
            .map(|(id, _)| id)
            .collect();
        assert_eq!(
            applied.len() + refused.len(),
            client.made.len(),
            "none lost"
        );
        let shown: BTreeSet<&String> = client
            .replica
            .refused
            .iter()
            .map(|r| &r.mutation.id)
            .collect();
        assert_eq!(shown, refused, "every refusal is reported to the person");
        for refusal in &client.replica.refused {
            assert!(refusal.problem.status >= 400 && refusal.problem.status < 500);
            assert!(!refusal.problem.detail.is_empty());
        }
        // Exactly once: one audit entry per applied mutation, none per refused one.
        let mut entries = 0;
        let filter = format!("actor={}&since={started}&limit=200", client.person.0);
        let mut path = format!("/api/v1/audit?{filter}");
        loop {
            let answer = Call::new("GET", &path).cookie(&admin).send();
            assert_eq!(answer.status, 200, "{:?}", answer.body);
            entries += answer.body["entries"].as_array().unwrap().len();
            match answer.body["next"].as_str() {
                Some(next) => path = format!("/api/v1/audit?{filter}&after={next}"),
                None => break,
            }
        }
        assert_eq!(
            entries,
            applied.len(),
            "each applied mutation was applied exactly once"
        );
        // Converged: the rows are exactly what the person may see now, no more, no less.
        let server = visible(&client.cookie);
        assert_eq!(
            client.replica.rows, server,
            "client of {} converged",
            client.person.0
        );
        let mut listed: Vec<UserSummary> = server.values().cloned().collect();
        listed.sort_by(UserSummary::list_order);
        assert_eq!(
            client.replica.view(now_ms()),
            listed,
            "nothing pending remains in the view"
        );
        applied_total += applied.len();
        refused_total += refused.len();
    }
    println!(
        "sync convergence: {cycles} cycles, {applied_total} mutations applied exactly once, \
         {refused_total} refused and reported, {}",
        counts
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // Leave the agency as the seed made it for the next run's grants.
    for grant in extra.into_iter().flatten() {
        Call::new("DELETE", &format!("/api/v1/grants/{grant}"))
            .cookie(&admin)
            .send();
    }
}

/// xorshift64*: a seeded generator, so a failing run can be replayed with `SYNC_SEED`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A pull names as removed the people who lost a grant inside the caller's reach, and never
/// the ids of people the caller could not see, whatever happened to them (R1, R10).
#[test]
fn r10_a_pull_names_removals_inside_the_reach_only() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    // Casey is a Manager of Harbor: she sees Harbor's people and no one at Summit.
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    let call = |method: &'static str, path: &str, body: Option<Value>| {
        let call = Call::new(method, path).cookie(&admin);
        let answer = match body {
            Some(body) => call.json(&body),
            None => call.send(),
        };
        assert!(answer.status < 300, "{method} {path}: {:?}", answer.body);
        answer.body
    };
    let give = |user: &str, grant: &str, node: &str| {
        call(
            "POST",
            &format!("/api/v1/users/{user}/grants"),
            Some(
                json!({ "id": grant, "role": { "kind": "builtin", "id": "Agent" }, "node": node }),
            ),
        );
    };
    // Other tests change the demo agency at the same time; a node or role change among them
    // turns a pull into a reset, which names no removals. Then the round is tried again.
    for attempt in 0..5 {
        let run = run_id();
        let (inside, outside) = (format!("u_http_in{run}"), format!("u_http_out{run}"));
        for (user, node) in [(&inside, "n_harbor"), (&outside, "n_summit")] {
            call(
                "POST",
                "/api/v1/users",
                Some(json!({
                    "id": user, "email": format!("{user}@brightline.example"), "name": "Pull Probe",
                    "role": { "kind": "builtin", "id": "Agent" }, "node": node
                })),
            );
        }
        let mut replica = Replica::new(format!("removals{run}"));
        pull_all(&casey, &mut replica);
        let rows = replica.view(now_ms());
        assert!(
            rows.iter().any(|r| r.id.0 == inside),
            "Casey sees Harbor's new Agent"
        );
        assert!(!rows.iter().any(|r| r.id.0 == outside), "and not Summit's");

        // The one outside gets and loses a second grant at Summit and a new name; the one
        // inside gets a grant at Summit and loses the one at Harbor, leaving Casey's view.
        give(&outside, &format!("g_out2{run}"), "n_summit");
        call("DELETE", &format!("/api/v1/grants/g_out2{run}"), None);
        call(
            "PATCH",
            &format!("/api/v1/users/{outside}"),
            Some(json!({ "name": "Renamed Probe" })),
        );
        give(&inside, &format!("g_in2{run}"), "n_summit");
        let detail = call("GET", &format!("/api/v1/users/{inside}"), None);
        let harbor_grant = detail["roles"]
            .as_array()
            .and_then(|roles| roles.iter().find(|r| r["node_id"] == "n_harbor"))
            .and_then(|r| r["grant"].as_str())
            .expect("the invitation's grant at Harbor")
            .to_owned();
        call("DELETE", &format!("/api/v1/grants/{harbor_grant}"), None);

        let query = replica.pull_query(None);
        let answer = Call::new("GET", &format!("/api/v1/sync/pull?{query}"))
            .cookie(&casey)
            .send();
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        let text = answer.body.to_string();
        assert!(
            !text.contains(&outside),
            "a pull never names someone outside the reach: {text}"
        );
        let response: PullResponse = serde_json::from_value(answer.body).unwrap();
        // The probes leave the list as they found it (the browser tests count its rows).
        for user in [&inside, &outside] {
            call("DELETE", &format!("/api/v1/users/{user}"), None);
        }
        if response.reset {
            eprintln!("attempt {attempt}: another test's change made this pull a reset");
            continue;
        }
        assert!(
            response.removed.iter().any(|u| u.0 == inside),
            "someone who lost their grant inside the reach is named as removed: {text}"
        );
        replica.on_pull(response, None);
        assert!(!replica.view(now_ms()).iter().any(|r| r.id.0 == inside));
        return;
    }
    panic!("every pull was a reset; the increment was never seen");
}

/// A sign-in is news to everyone's people list: it is the person's last sign-in on their row,
/// in the list, on their page and in the next pull of a device that was up to date.
#[test]
fn a_sign_in_reaches_the_list_the_page_and_the_next_pull() {
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let mut replica = Replica::default();
    pull_all(&admin, &mut replica);
    let version = replica.version;

    let before = now_ms();
    sign_in("morgan@brightline.example", DEMO_PASSWORD);
    let morgan = UserId("u_morgan".into());

    pull_all(&admin, &mut replica);
    assert!(
        replica.version > version,
        "the sign-in moved the agency's version on"
    );
    let pulled = replica.rows[&morgan]
        .last_sign_in_at
        .expect("pulled with a sign-in");
    assert!(
        pulled >= before && pulled <= now_ms(),
        "{pulled} is not this sign-in"
    );

    let listed = visible(&admin)[&morgan].last_sign_in_at;
    let page = Call::new("GET", "/api/v1/users/u_morgan")
        .cookie(&admin)
        .send();
    assert_eq!(page.status, 200, "{:?}", page.body);
    let page: domain::api::UserDetail = serde_json::from_value(page.body).unwrap();
    assert!(
        listed.is_some_and(|at| at >= pulled),
        "the list: {listed:?}"
    );
    assert!(
        page.last_sign_in_at.is_some_and(|at| at >= pulled),
        "the page"
    );
}
