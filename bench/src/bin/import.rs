//! Bulk add against the real Worker under `wrangler dev` (loopback only): a file of 10,000
//! people checked with `dry_run` (target: under 200 ms) and then saved (target: under 10 s),
//! beside the same 10,000 people added one by one with `POST /users`, and beside the Worker's
//! no-op route measured in the same run.
//!
//! `SWITCHBOARD_URL` names the server; `scripts/bench.sh` starts it with the large agencies
//! seeded, and runs this last: it adds 20,000 people to the agency of 1,000.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use ureq::Agent;

const LINES: usize = 10_000;
const AGENCY: &str = "ag_large1k";

struct Client {
    agent: Agent,
    base: String,
    cookie: String,
}

impl Client {
    fn sign_in(base: &str, email: &str) -> Client {
        let agent: Agent = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(300)))
            .build()
            .into();
        let cookie = switchboard_bench::session_cookie(&agent, base, email);
        Client {
            agent,
            base: base.to_owned(),
            cookie,
        }
    }

    /// One timed request with a JSON body; panics on an unexpected status.
    fn post(&self, path: &str, body: &Value, want: u16) -> (Duration, Value) {
        let text = body.to_string();
        let started = Instant::now();
        let mut response = self
            .agent
            .post(&format!("{}/api/v1{path}", self.base))
            .header("Content-Type", "application/json")
            .header("Cookie", &self.cookie)
            .send(text)
            .expect("the Worker answers");
        let status = response.status().as_u16();
        let answer = response.body_mut().read_to_string().unwrap_or_default();
        let took = started.elapsed();
        assert_eq!(status, want, "POST {path}: {answer:.400}");
        (took, serde_json::from_str(&answer).unwrap_or(Value::Null))
    }

    fn noop(&self) -> Duration {
        let started = Instant::now();
        let response = self
            .agent
            .get(&format!("{}/api/v1/dev/noop", self.base))
            .header("Cookie", &self.cookie)
            .call()
            .expect("the Worker answers");
        assert_eq!(response.status().as_u16(), 200);
        started.elapsed()
    }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort_unstable();
    values[values.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn file(prefix: &str, run: u128) -> String {
    let mut text = String::from("email,first name,last name,receiving number\n");
    for i in 0..LINES {
        text.push_str(&format!(
            "{prefix}{i}.{run}@import.example,Imported,\"Person {i}\",(415) 555-{:04}\n",
            i % 10_000
        ));
    }
    text
}

fn main() {
    let base = std::env::var("SWITCHBOARD_URL").expect("SWITCHBOARD_URL names the server");
    let admin = Client::sign_in(&base, "person0@ag-large1k.example");
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is past 1970")
        .as_millis();
    let node = format!("{AGENCY}_n1");
    let text = file("bulk", run);
    println!(
        "a file of {LINES} people, {:.1} KB, into an agency of 1,000 (Unlimited plan)",
        text.len() as f64 / 1024.0
    );

    // The floor: the Worker's no-op route, with the session, in the same run.
    let floor = median((0..20).map(|_| admin.noop()).collect());

    // Preview: the whole file checked, nothing saved. The first run warms the Worker (and
    // the phone number tables); the median of the next five is the figure.
    let request = json!({ "csv": text, "role": "Agent", "node": node, "dry_run": true });
    let (first, answer) = admin.post("/users/import", &request, 200);
    assert_eq!(
        answer["summary"]["ready"], LINES,
        "{:.400}",
        answer["summary"]
    );
    let previews: Vec<Duration> = (0..5)
        .map(|_| admin.post("/users/import", &request, 200).0)
        .collect();
    let preview = median(previews);
    println!(
        "preview of {LINES} lines: {:.1} ms (first {:.1} ms); target 200 ms: {:.2}x; no-op route {:.2} ms",
        ms(preview),
        ms(first),
        ms(preview) / 200.0,
        ms(floor)
    );

    // Saving: the same file, in one request the Worker saves in parts of 100.
    let request = json!({ "csv": text, "role": "Agent", "node": node,
                          "import": format!("bench-{run}") });
    let (commit, answer) = admin.post("/users/import", &request, 200);
    assert_eq!(
        answer["summary"]["added"], LINES,
        "{:.400}",
        answer["summary"]
    );
    println!(
        "saving {LINES} lines: {:.2} s; target 10 s: {:.2}x",
        commit.as_secs_f64(),
        commit.as_secs_f64() / 10.0
    );
    // Sent again (a resumed import): every line is found, nobody added.
    let (again, answer) = admin.post("/users/import", &request, 200);
    assert_eq!(answer["summary"]["added"], LINES);
    println!(
        "the same import sent again (resuming after the last part): {:.2} s, 0 added twice",
        again.as_secs_f64()
    );

    // The reference: the same number of people added one by one.
    let started = Instant::now();
    for i in 0..LINES {
        let person = json!({
            "email": format!("single{i}.{run}@import.example"),
            "name": format!("Single Person {i}"),
            "role": { "kind": "builtin", "id": "Agent" },
            "node": node,
        });
        admin.post("/users", &person, 201);
    }
    let singles = started.elapsed();
    println!(
        "{LINES} single adds (POST /users, one after another): {:.2} s; the import saved them {:.1}x faster",
        singles.as_secs_f64(),
        singles.as_secs_f64() / commit.as_secs_f64()
    );
}
