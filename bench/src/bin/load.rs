//! A bounded load against the real Worker under `wrangler dev` (loopback only, at most 30 s):
//! p50 and p95 of a page of users (for someone who sees everyone, and for someone who sees
//! three accounts), of one user and of a grant change, for agencies of 1,000
//! and 10,000 users, beside the Worker's no-op route measured in the same run (the floor), with
//! the D1 round trips and rows read each request reported (development answers carry them).
//!
//! `SWITCHBOARD_URL` names the server; `scripts/bench.sh` starts it with the agencies seeded.

use std::time::{Duration, Instant};

use serde_json::json;
use ureq::Agent;

const BUDGET: Duration = Duration::from_secs(28);

struct Sample {
    micros: Vec<u64>,
    trips: Vec<u64>,
    rows: Vec<u64>,
    /// Microseconds D1 says it spent on the SQL (`Server-Timing: sql`).
    sql: Vec<u64>,
}

impl Sample {
    fn new() -> Self {
        Sample {
            micros: Vec::new(),
            trips: Vec::new(),
            rows: Vec::new(),
            sql: Vec::new(),
        }
    }

    fn percentile(values: &[u64], p: f64) -> u64 {
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        if sorted.is_empty() {
            return 0;
        }
        let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
        sorted[rank]
    }
}

struct Client {
    agent: Agent,
    base: String,
    cookie: String,
}

impl Client {
    fn sign_in(base: &str, email: &str) -> Client {
        let agent: Agent = Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let cookie = switchboard_bench::session_cookie(&agent, base, email);
        Client {
            agent,
            base: base.to_owned(),
            cookie,
        }
    }

    /// One timed request, its answer not compressed; panics on an unexpected status, so a
    /// failing route is never timed.
    fn time(
        &self,
        sample: &mut Sample,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
        expect: u16,
    ) -> serde_json::Value {
        self.time_encoded(sample, method, path, body, expect, "identity")
    }

    /// One timed request asking for the answer in `encoding`. Compressing an answer is the
    /// edge's work (Cloudflare's front line compresses JSON after the Worker answers), which
    /// `wrangler dev` does in the same process; the benchmark times the Worker without it, and
    /// the page once more with it.
    fn time_encoded(
        &self,
        sample: &mut Sample,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
        expect: u16,
        encoding: &str,
    ) -> serde_json::Value {
        let url = format!("{}{path}", self.base);
        let started = Instant::now();
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header("Cookie", &self.cookie)
            .header("Accept-Encoding", encoding)
            .header("Content-Type", "application/json");
        let mut response = match body {
            Some(body) => self
                .agent
                .run(request.body(body.to_string()).unwrap())
                .expect("the Worker answers"),
            None => self
                .agent
                .run(request.body(()).unwrap())
                .expect("the Worker answers"),
        };
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let elapsed = started.elapsed().as_micros() as u64;
        let coding = response
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("identity");
        assert!(
            encoding != "identity" || coding == "identity",
            "{method} {path}: asked for {encoding}, answered in {coding}"
        );
        assert_eq!(
            response.status().as_u16(),
            expect,
            "{method} {path}: {text}"
        );
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        sample.micros.push(elapsed);
        sample.trips.push(header("x-d1-round-trips"));
        sample.rows.push(header("x-d1-rows-read"));
        let sql_ms: f64 = response
            .headers()
            .get("server-timing")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').find_map(|m| m.trim().strip_prefix("sql;dur=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0);
        sample.sql.push((sql_ms * 1000.0) as u64);
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
    }
}

struct Agency {
    label: &'static str,
    id: &'static str,
    client: Client,
    /// The second person, who sees part of the agency (three accounts).
    part: Client,
    page: Sample,
    /// The same page, compressed as the edge would.
    page_gzip: Sample,
    part_page: Sample,
    one: Sample,
    grant: Sample,
}

fn main() {
    let base = std::env::var("SWITCHBOARD_URL").expect("SWITCHBOARD_URL names the server");
    assert!(
        base.starts_with("http://127.0.0.1:") || base.starts_with("http://localhost:"),
        "loopback only"
    );
    let mut agencies: Vec<Agency> = [
        ("1,000 users", "ag_large1k"),
        ("10,000 users", "ag_large10k"),
    ]
    .into_iter()
    .map(|(label, id)| Agency {
        label,
        id,
        client: Client::sign_in(&base, &format!("person0@{}.example", id.replace('_', "-"))),
        part: Client::sign_in(&base, &format!("person1@{}.example", id.replace('_', "-"))),
        page: Sample::new(),
        page_gzip: Sample::new(),
        part_page: Sample::new(),
        one: Sample::new(),
        grant: Sample::new(),
    })
    .collect();
    let mut floor = Sample::new();
    let floor_client = Client::sign_in(&base, "person0@ag-large1k.example");
    // The audit log of the larger agency (100,000 entries, seeded by `scripts/bench.sh`): its
    // newest page, and the page after it by the cursor the first one gave.
    let (mut audit_first, mut audit_next) = (Sample::new(), Sample::new());
    let auditor = Client::sign_in(&base, "person0@ag-large10k.example");
    // Warm up: the first request after seeding counts the agency once (the kept counts).
    for a in &agencies {
        let mut scratch = Sample::new();
        for _ in 0..5 {
            a.client
                .time(&mut scratch, "GET", "/api/v1/users?limit=50", None, 200);
            a.part
                .time(&mut scratch, "GET", "/api/v1/users?limit=50", None, 200);
        }
    }
    let started = Instant::now();
    let mut round = 0u64;
    while started.elapsed() < BUDGET && round < 2_000 {
        floor_client.time(&mut floor, "GET", "/api/v1/dev/noop", None, 200);
        let first = auditor.time(&mut audit_first, "GET", "/api/v1/audit?limit=50", None, 200);
        let cursor = first["next"]
            .as_str()
            .expect("100,000 entries have a next page");
        auditor.time(
            &mut audit_next,
            "GET",
            &format!("/api/v1/audit?limit=50&after={cursor}"),
            None,
            200,
        );
        for a in agencies.iter_mut() {
            let user = format!("{}_u{}", a.id, 1 + (round * 37) % 999);
            a.client
                .time(&mut a.page, "GET", "/api/v1/users?limit=50", None, 200);
            a.client.time_encoded(
                &mut a.page_gzip,
                "GET",
                "/api/v1/users?limit=50",
                None,
                200,
                "gzip",
            );
            a.part
                .time(&mut a.part_page, "GET", "/api/v1/users?limit=50", None, 200);
            a.client.time(
                &mut a.one,
                "GET",
                &format!("/api/v1/users/{user}"),
                None,
                200,
            );
            let grant = format!("g_load_{}_{round}", a.id);
            a.client.time(
                &mut a.grant,
                "POST",
                &format!("/api/v1/users/{user}/grants"),
                Some(json!({ "id": grant, "role": { "kind": "builtin", "id": "Viewer" }, "node": format!("{}_n3", a.id) })),
                201,
            );
            a.client.time(
                &mut a.grant,
                "DELETE",
                &format!("/api/v1/grants/{grant}"),
                None,
                200,
            );
        }
        round += 1;
    }
    let ms = |us: u64| us as f64 / 1000.0;
    let floor_p50 = Sample::percentile(&floor.micros, 50.0).max(1);
    let floor_p95 = Sample::percentile(&floor.micros, 95.0).max(1);
    println!(
        "load: {round} rounds in {:.1} s, sequential, loopback, wrangler dev (workerd + local D1)",
        started.elapsed().as_secs_f64()
    );
    println!(
        "{:<34} {:>9} {:>9} {:>10} {:>10} {:>12} {:>10} {:>11}",
        "request",
        "p50 ms",
        "p95 ms",
        "p50/floor",
        "p95/floor",
        "round trips",
        "rows read",
        "SQL mean ms"
    );
    let line = |name: &str, s: &Sample| {
        let (p50, p95) = (
            Sample::percentile(&s.micros, 50.0),
            Sample::percentile(&s.micros, 95.0),
        );
        println!(
            "{:<34} {:>9.2} {:>9.2} {:>9.2}× {:>9.2}× {:>12} {:>10} {:>11.2}",
            name,
            ms(p50),
            ms(p95),
            p50 as f64 / floor_p50 as f64,
            p95 as f64 / floor_p95 as f64,
            s.trips.iter().max().copied().unwrap_or(0),
            Sample::percentile(&s.rows, 50.0),
            ms(s.sql.iter().sum::<u64>() / (s.sql.len().max(1) as u64)),
        );
    };
    line("no-op route (the floor)", &floor);
    line("audit log, newest 50 of 100,000", &audit_first);
    line("  … the next 50, by its cursor", &audit_next);
    for a in &agencies {
        line(&format!("page of 50 users, {}", a.label), &a.page);
        line(&format!("  … compressed (gzip), {}", a.label), &a.page_gzip);
        line(
            &format!("  … seeing three accounts, {}", a.label),
            &a.part_page,
        );
        line(&format!("one user, {}", a.label), &a.one);
        line(&format!("grant change, {}", a.label), &a.grant);
    }
    println!(
        "round trips: the most any request of that kind took; rows read: the median; SQL: the \
         time D1 reports preparing and running the statements (whole milliseconds, so the mean), \
         part of each request's time. Answers are not compressed (the edge compresses, after \
         the Worker), except on the \"compressed\" lines, where `wrangler dev` gzips them as the \
         edge would."
    );
}
