//! Does an answer's timing tell whether an address has an account? For sign-in (a wrong
//! password), the forgotten-password mail and an invitation, an address that has an account
//! (in another agency, for the invitation) and one that has none are asked about in turn,
//! interleaved, against the real Worker under `wrangler dev`; the medians are printed side by
//! side with their ratio. The statuses must be the same, or the run stops.
//!
//! `SWITCHBOARD_URL` names the server, seeded by `scripts/bench.sh` with the large agencies
//! `ag_large1k` (whose administrator invites) and `ag_large10k` (whose people are "known").
//! Sign-in and reset requests are limited per address and per network address (5 and 50 in
//! 15 minutes), so those run fewer rounds than invitations, each on fresh addresses.

use std::time::Instant;

use serde_json::{Value, json};
use ureq::Agent;

fn agent() -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// One request: its status and how long it took, in microseconds.
fn timed(agent: &Agent, base: &str, path: &str, cookie: Option<&str>, body: &Value) -> (u16, u64) {
    let mut request = agent
        .post(&format!("{base}/api/v1{path}"))
        .header("Content-Type", "application/json")
        .header("Origin", base);
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    let started = Instant::now();
    let mut response = request.send(body.to_string()).expect("the Worker answers");
    let _ = response.body_mut().read_to_string();
    (
        response.status().as_u16(),
        started.elapsed().as_micros() as u64,
    )
}

fn median(values: &mut [u64]) -> f64 {
    values.sort_unstable();
    if values.is_empty() {
        return 0.0;
    }
    values[values.len() / 2] as f64 / 1000.0
}

/// Asks `rounds` times about a known and an unknown address in turn (which goes first
/// alternates), and prints the medians side by side.
fn compare(what: &str, rounds: usize, mut ask: impl FnMut(bool, usize) -> (u16, u64)) {
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    let mut statuses = (0, 0);
    for round in 0..rounds {
        let order = if round % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for is_known in order {
            let (status, micros) = ask(is_known, round);
            if is_known {
                statuses.0 = status;
                known.push(micros);
            } else {
                statuses.1 = status;
                unknown.push(micros);
            }
        }
        assert_eq!(
            statuses.0, statuses.1,
            "{what}: a known and an unknown address got different statuses"
        );
    }
    let (k, u) = (median(&mut known), median(&mut unknown));
    println!(
        "{what:<44} known {k:>7.2} ms   unknown {u:>7.2} ms   known/unknown {:>5.2}   status {}   ({rounds} rounds each)",
        k / u,
        statuses.0
    );
}

fn main() {
    let base = std::env::var("SWITCHBOARD_URL").expect("SWITCHBOARD_URL names the server");
    let agent = agent();
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let cookie = switchboard_bench::session_cookie(&agent, &base, "person0@ag-large1k.example");

    println!("address timing: the same request for an address with an account and one without");
    // Four known people have a password; each may fail four times before their lock.
    let with_password = [
        "person0@ag-large10k.example",
        "person1@ag-large10k.example",
        "person1@ag-large1k.example",
        "person0@ag-large1k.example",
    ];
    compare("sign-in, wrong password", 16, |known, round| {
        let email = if known {
            with_password[round % with_password.len()].to_owned()
        } else {
            format!("nobody{run}x{round}@nowhere.example")
        };
        timed(
            &agent,
            &base,
            "/session",
            None,
            &json!({ "email": email, "password": "Not-the-password1" }),
        )
    });
    compare("forgotten password (a mail or none)", 20, |known, round| {
        let email = if known {
            format!("person{}@ag-large10k.example", 100 + round)
        } else {
            format!("ghost{run}x{round}@nowhere.example")
        };
        timed(
            &agent,
            &base,
            "/password/forgot",
            None,
            &json!({ "email": email }),
        )
    });
    compare(
        "invitation (address in another agency or new)",
        40,
        |known, round| {
            let email = if known {
                format!("person{}@ag-large10k.example", 1000 + round)
            } else {
                format!("newcomer{run}x{round}@nowhere.example")
            };
            let id = format!("u_bench_{run}_{round}_{}", u8::from(known));
            timed(
                &agent,
                &base,
                "/users",
                Some(&cookie),
                &json!({
                    "id": id, "email": email, "name": "Bench Invitee",
                    "role": { "kind": "builtin", "id": "Viewer" }, "node": "ag_large1k_n1"
                }),
            )
        },
    );
}
