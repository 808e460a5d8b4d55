//! The webhook outbox lives in D1, so a Worker that stops, mid-delivery or between changes,
//! loses nothing and sends nothing twice: each applied change reaches the endpoint as exactly
//! one message. This test starts a `wrangler dev` of its own on a fresh local D1 (the shared
//! one is never stopped), stops it and starts it again on the same database.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use switchboard_tests::DEMO_PASSWORD;

use crate::webhooks::Receiver;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A `wrangler dev` of this test's own, in a process group of its own, stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(state: &std::path::Path, port: u16) -> Server {
        let child = Command::new("setsid")
            .args(["wrangler", "dev", "--ip", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .arg("--persist-to")
            .arg(state)
            .args([
                "--log-level",
                "warn",
                "--show-interactive-dev-session=false",
                "--var",
                "ENVIRONMENT:development",
                "--test-scheduled",
            ])
            .current_dir(format!("{ROOT}/worker"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("wrangler runs");
        let server = Server {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while call(&server.url, "GET", "/api/v1/health", None, None).0 != 200 {
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "wrangler dev did not start"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
        server
    }

    /// Stops the whole group (wrangler, its esbuild and workerd) at once, as a crash would.
    fn stop(mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
        std::mem::forget(self);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

/// One request: its status and body (no contract check: this server is not the shared one,
/// and a stopped server answers nothing).
fn call(
    base: &str,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value, Option<String>) {
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(format!("{base}{path}"))
        .header("Content-Type", "application/json")
        .header("Origin", base);
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    let request = request
        .body(body.map(|b| b.to_string().into_bytes()).unwrap_or_default())
        .expect("a valid request");
    match switchboard_tests::agent().run(request) {
        Ok(mut response) => {
            let cookie = response
                .headers()
                .get("set-cookie")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(';').next())
                .map(str::to_owned);
            let status = response.status().as_u16();
            let text = response.body_mut().read_to_string().unwrap_or_default();
            (
                status,
                serde_json::from_str(&text).unwrap_or(Value::Null),
                cookie,
            )
        }
        Err(_) => (0, Value::Null, None),
    }
}

fn rename(base: &str, cookie: &str, name: &str) {
    let (status, body, _) = call(
        base,
        "PATCH",
        "/api/v1/nodes/n_rival",
        Some(cookie),
        Some(&json!({ "name": name })),
    );
    assert_eq!(status, 200, "{body:?}");
}

#[test]
fn exactly_one_message_per_applied_change_across_a_worker_restart() {
    let state = std::env::temp_dir().join(format!("switchboard-restart-{}", std::process::id()));
    let prepared = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {ROOT}/scripts/env.sh && source {ROOT}/scripts/db.sh && \
             d1_migrate '{0}' >/dev/null && d1_seed_demo '{0}' 2>/dev/null",
            state.display()
        ))
        .status()
        .expect("bash runs");
    assert!(prepared.success(), "the fresh database was not prepared");
    let port = free_port();
    let server = Server::start(&state, port);
    let base = server.url.clone();
    let (status, _, cookie) = call(
        &base,
        "POST",
        "/api/v1/session",
        None,
        Some(&json!({ "email": "admin@northwind.example", "password": DEMO_PASSWORD })),
    );
    assert_eq!(status, 200);
    let cookie = cookie.expect("a session");
    let receiver = Receiver::start();
    let (status, added, _) = call(
        &base,
        "POST",
        "/api/v1/webhooks",
        Some(&cookie),
        Some(&json!({ "url": receiver.url() })),
    );
    assert_eq!(status, 201, "{added:?}");
    receiver.control(&json!({ "secret": added["secret"], "fail": 0 }));

    // The first change is delivered before the stop; the second fails its first attempt and
    // waits; the third is made just before the Worker is stopped, whatever its sender had done.
    rename(&base, &cookie, "Rival Roofing one");
    receiver.wait_for(1);
    receiver.control(&json!({ "fail": 1_000 }));
    rename(&base, &cookie, "Rival Roofing two");
    receiver.wait_for(2);
    rename(&base, &cookie, "Rival Roofing three");
    server.stop();

    // Started again on the same database, with the receiver healthy: what waited is sent.
    receiver.control(&json!({ "fail": 0 }));
    let server = Server::start(&state, port);
    let started = Instant::now();
    let names = [
        "Rival Roofing one",
        "Rival Roofing two",
        "Rival Roofing three",
    ];
    let taken = loop {
        let (status, _, _) = call(
            &base,
            "GET",
            "/cdn-cgi/handler/scheduled?cron=*+*+*+*+*",
            None,
            None,
        );
        assert!(status < 300, "the scheduled handler ran: {status}");
        let taken: Vec<Value> = receiver
            .received()
            .into_iter()
            .filter(|d| d["answered"] == 204 && d["verified"] == true)
            .collect();
        if taken.len() >= names.len() {
            break taken;
        }
        assert!(
            // A message whose sender was stopped mid-attempt is due again after its claim.
            started.elapsed() < Duration::from_secs(100),
            "not every change arrived after the restart: {:?}",
            receiver.received()
        );
        std::thread::sleep(Duration::from_secs(2));
    };
    // One message per change: each name in exactly one webhook-id, each id taken once.
    let mut ids: Vec<&str> = taken.iter().map(|d| d["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        ids.len(),
        taken.len(),
        "a message was taken twice: {taken:?}"
    );
    for name in names {
        let with: Vec<&Value> = taken
            .iter()
            .filter(|d| d["body"].as_str().unwrap().contains(&format!("\"{name}\"")))
            .collect();
        assert_eq!(with.len(), 1, "{name}: {taken:?}");
    }
    // And nothing more comes: the outbox holds nothing pending.
    let (_, listed, _) = call(
        &base,
        "GET",
        "/api/v1/webhooks/deliveries",
        Some(&cookie),
        None,
    );
    let states: Vec<&str> = listed["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["delivered"; 3], "{listed:?}");
    drop(server);
    let _ = std::fs::remove_dir_all(&state);
}
