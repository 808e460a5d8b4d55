//! The platform's questions against the real Worker under `wrangler dev` (loopback only, at
//! most 30 s), asked with a service token about the agency of 10,000 people and 1,000 nodes,
//! beside the Worker's no-op route measured in the same run (the floor; the target is within
//! 3 times it), with questions answered per second: a `POST /check` of 1,000 questions about
//! 1,000 people (the most the Worker loads for one batch), one of 1,000 questions about one
//! person's records across the tree (a page of the platform's list), and a `GET /filter` for
//! one person over the 1,000 nodes.
//!
//! The Worker keeps a copy of the agency between batches (`worker/src/store/checks.rs`), so the
//! 1,000 people's batch is timed three ways: the first batch of the run, which reads everyone's
//! access; a batch when nothing about the agency's people changed since the last one; and a
//! batch right after a change to someone (a suspension or its undoing, not timed), which reads
//! the 1,000 people's rows again.
//!
//! `SWITCHBOARD_URL` names the server; `scripts/bench.sh` starts it with the agency seeded.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use ureq::Agent;

const BUDGET: Duration = Duration::from_secs(28);
const QUESTIONS: usize = 1_000;

fn median(values: &mut [u64]) -> u64 {
    values.sort_unstable();
    values[values.len() / 2]
}

fn p95(values: &mut [u64]) -> u64 {
    values.sort_unstable();
    values[(values.len() - 1) * 95 / 100]
}

/// One timed request; panics on an unexpected status, so a failing route is never timed.
fn time(agent: &Agent, request: ureq::http::Request<Vec<u8>>, expect: u16) -> (u64, Value) {
    let started = Instant::now();
    let mut response = agent.run(request).expect("the Worker answers");
    let body = response.body_mut().read_to_string().unwrap_or_default();
    let micros = started.elapsed().as_micros() as u64;
    assert_eq!(response.status().as_u16(), expect, "{body}");
    (micros, serde_json::from_str(&body).unwrap_or(Value::Null))
}

fn main() {
    let base = std::env::var("SWITCHBOARD_URL").expect("SWITCHBOARD_URL names the server");
    assert!(
        base.starts_with("http://127.0.0.1:") || base.starts_with("http://localhost:"),
        "the benchmark runs against this machine only"
    );
    let agent: Agent = Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let id = "ag_large10k";
    let cookie = switchboard_bench::session_cookie(&agent, &base, "person0@ag-large10k.example");
    let request = |method: &str, path: &str, auth: (&str, &str), body: Option<&Value>| {
        ureq::http::Request::builder()
            .method(method)
            .uri(format!("{base}/api/v1{path}"))
            .header(auth.0, auth.1)
            .header("Content-Type", "application/json")
            .header("Accept-Encoding", "identity")
            .body(body.map(|b| b.to_string().into_bytes()).unwrap_or_default())
            .expect("a valid request")
    };
    let (_, made) = time(
        &agent,
        request(
            "POST",
            "/service-tokens",
            ("Cookie", &cookie),
            Some(&json!({ "name": "Benchmark" })),
        ),
        201,
    );
    let bearer = format!("Bearer {}", made["secret"].as_str().expect("a secret"));
    let service = ("Authorization", bearer.as_str());

    // A thousand questions about as many people, each at one of the 1,000 nodes, a third of
    // them about a record with its owner; and a thousand about one person's records.
    let capabilities = [
        "calls.view.own",
        "users.edit",
        "calls.view.all",
        "messages.view",
    ];
    let many: Vec<Value> = (0..QUESTIONS)
        .map(|i| {
            let mut q = json!({
                "user": format!("{id}_u{}", (i * 7_919) % 10_000),
                "capability": capabilities[i % capabilities.len()],
                "node": format!("{id}_n{}", (i * 104_729) % 1_000),
            });
            if i % 3 == 0 {
                q["owner"] = json!(format!("{id}_u{}", (i * 31) % 10_000));
            }
            q
        })
        .collect();
    let one: Vec<Value> = (0..QUESTIONS)
        .map(|i| {
            json!({
                "user": format!("{id}_u17"),
                "capability": "calls.view.own",
                "node": format!("{id}_n{}", (i * 104_729) % 1_000),
                "owner": format!("{id}_u{}", (i * 31) % 40),
            })
        })
        .collect();
    let batches = [
        ("1,000 people", json!({ "questions": many })),
        ("one person", json!({ "questions": one })),
    ];
    let mut check = [Vec::new(), Vec::new()];
    let mut allowed = [0, 0];
    let (mut floor, mut filter, mut changed) = (Vec::new(), Vec::new(), Vec::new());
    // The first batch finds no copy; then every route is warmed once.
    let (cold, _) = time(
        &agent,
        request("POST", "/check", service, Some(&batches[0].1)),
        200,
    );
    for (_, body) in &batches {
        time(&agent, request("POST", "/check", service, Some(body)), 200);
    }
    time(
        &agent,
        request("GET", "/dev/noop", ("Cookie", &cookie), None),
        200,
    );
    let started = Instant::now();
    while started.elapsed() < BUDGET && floor.len() < 150 {
        for (i, (_, body)) in batches.iter().enumerate() {
            let (micros, answers) =
                time(&agent, request("POST", "/check", service, Some(body)), 200);
            check[i].push(micros);
            allowed[i] = answers["answers"]
                .as_array()
                .expect("answers")
                .iter()
                .filter(|a| a["allowed"] == true)
                .count();
        }
        floor.push(
            time(
                &agent,
                request("GET", "/dev/noop", ("Cookie", &cookie), None),
                200,
            )
            .0,
        );
        let path = format!("/filter?user={id}_u{}&kind=call", floor.len() % 10_000);
        filter.push(time(&agent, request("GET", &path, service, None), 200).0);
        // Someone outside the batch is suspended, or unsuspended, between two batches.
        let step = if floor.len() % 2 == 1 {
            "suspend"
        } else {
            "unsuspend"
        };
        let path = format!("/users/{id}_u9998/{step}");
        time(
            &agent,
            request("POST", &path, ("Cookie", &cookie), None),
            200,
        );
        let body = Some(&batches[0].1);
        changed.push(time(&agent, request("POST", "/check", service, body), 200).0);
    }
    let ms = |micros: u64| micros as f64 / 1_000.0;
    let floor_p50 = median(&mut floor);
    let filter_p50 = median(&mut filter);
    println!(
        "check: {QUESTIONS} questions a request, {} rounds",
        floor.len()
    );
    println!(
        "  GET /dev/noop    p50 {:>8.2} ms   (the floor)",
        ms(floor_p50)
    );
    let [many_times, one_times] = &mut check;
    let series = [
        (
            "1,000 people, nothing changed",
            many_times,
            Some(allowed[0]),
        ),
        ("1,000 people, after a change", &mut changed, None),
        ("one person", one_times, Some(allowed[1])),
    ];
    for (about, times, allowed) in series {
        let (p50, p95) = (median(times), p95(times));
        let allowed = allowed.map_or(String::new(), |n| format!("({n} of {QUESTIONS} allowed)"));
        println!(
            "  POST /check, {about:<31} p50 {:>8.2} ms   p95 {:>8.2} ms   {:.2}x the floor \
             (target: within 3x)   {:.0} questions/s   {allowed}",
            ms(p50),
            ms(p95),
            p50 as f64 / floor_p50 as f64,
            QUESTIONS as f64 / (p50 as f64 / 1_000_000.0),
        );
    }
    println!(
        "  POST /check, 1,000 people, the run's first batch  {:>8.2} ms   ({:.2}x the floor; \
         it reads everyone's access)",
        ms(cold),
        cold as f64 / floor_p50 as f64
    );
    println!(
        "  GET /filter      p50 {:>8.2} ms   (one person, 1,000 nodes; {:.2}x the floor)",
        ms(filter_p50),
        filter_p50 as f64 / floor_p50 as f64
    );
}
