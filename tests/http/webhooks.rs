//! Every change reaches the agency's webhook endpoints, signed as Standard Webhooks says, from
//! an outbox written with the change: delivered to a stand-in receiver that verifies each
//! signature with the specification's own library, retried after a failure, replayable.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use switchboard_tests::{
    ADMIN_EMAIL, Call, DEMO_PASSWORD, agent, audit_entry, run_id, run_scheduled, sign_in,
};

/// The receiver (`tests/webhooks/receiver.mjs`) on a free port, stopped when dropped.
pub struct Receiver {
    child: Child,
    port: u16,
}

impl Receiver {
    pub fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/webhooks/receiver.mjs");
        let child = Command::new("node")
            .arg(script)
            .arg(port.to_string())
            .stdout(Stdio::null())
            .spawn()
            .expect("node runs the receiver");
        let receiver = Receiver { child, port };
        let started = Instant::now();
        while receiver.received_or_none().is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the receiver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        receiver
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    pub fn control(&self, settings: &Value) {
        let answer = agent()
            .put(&format!("http://127.0.0.1:{}/control", self.port))
            .send_json(settings)
            .expect("the receiver answers");
        assert_eq!(answer.status().as_u16(), 204);
    }

    fn received_or_none(&self) -> Option<Vec<Value>> {
        let mut answer = agent()
            .get(&format!("http://127.0.0.1:{}/control/received", self.port))
            .call()
            .ok()?;
        answer.body_mut().read_json().ok()
    }

    pub fn received(&self) -> Vec<Value> {
        self.received_or_none().expect("the receiver answers")
    }

    /// Waits until `count` deliveries arrived, and returns them.
    pub fn wait_for(&self, count: usize) -> Vec<Value> {
        let started = Instant::now();
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{} of {count} deliveries arrived: {received:?}",
                received.len()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn deliveries(admin: &str, endpoint: &str) -> Vec<Value> {
    let listed = Call::new(
        "GET",
        &format!("/api/v1/webhooks/deliveries?endpoint={endpoint}"),
    )
    .cookie(admin)
    .send();
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    listed.body["deliveries"].as_array().unwrap().clone()
}

/// Renames a node of Brightline: one applied change, one event.
fn rename(admin: &str, node: &str, name: &str) {
    let renamed = Call::new("PATCH", &format!("/api/v1/nodes/{node}"))
        .cookie(admin)
        .json(&json!({ "name": name }));
    assert!(renamed.status < 300, "{:?}", renamed.body);
}

#[test]
fn every_change_is_delivered_signed_retried_after_a_failure_and_replayable() {
    // In Northwind, whose changes the tests make one at a time: no other test's change lands
    // in this endpoint meanwhile.
    let _serial = switchboard_tests::northwind_changes();
    let admin = sign_in("admin@northwind.example", DEMO_PASSWORD);
    let receiver = Receiver::start();
    // Plain HTTP is refused outside development; here the test receiver is on this machine.
    let insecure = Call::new("POST", "/api/v1/webhooks")
        .cookie(&admin)
        .json(&json!({ "url": "http://hooks.example.com/in" }));
    assert_eq!(insecure.status, 422, "{:?}", insecure.body);
    let added = Call::new("POST", "/api/v1/webhooks")
        .cookie(&admin)
        .json(&json!({ "url": receiver.url() }));
    assert_eq!(added.status, 201, "{:?}", added.body);
    let endpoint = added.body["endpoint"]["id"].as_str().unwrap().to_owned();
    let secret = added.body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    receiver.control(&json!({ "secret": secret, "fail": 1 }));

    // One change; the receiver fails its first attempt.
    let name = format!("Rival Roofing {}", run_id() % 1_000);
    rename(&admin, "n_rival", &name);
    let first = receiver.wait_for(1);
    assert_eq!(first[0]["verified"], true, "{first:?}");
    assert_eq!(first[0]["answered"], 500);
    assert_eq!(first[0]["type"], "node_renamed");
    let body: Value = serde_json::from_str(first[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["data"]["name"], name.as_str());
    assert_eq!(body["data"]["agency"], "ag_northwind");
    assert!(
        body["data"]["target_name"]
            .as_str()
            .is_some_and(|n| n.starts_with("Rival Roofing")),
        "it names what it was about: {body}"
    );
    let listed = deliveries(&admin, &endpoint);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["state"], "pending");
    assert_eq!(listed[0]["last_status"], 500);
    assert_eq!(listed[0]["id"], first[0]["id"]);

    // A refused change sends nothing: an agent may not rename their account.
    let riley = sign_in("riley@northwind.example", DEMO_PASSWORD);
    let refused = Call::new("PATCH", "/api/v1/nodes/n_rival")
        .cookie(&riley)
        .json(&json!({ "name": "Not Rival" }));
    assert!(refused.status >= 400, "{:?}", refused.body);

    // The retry is due five seconds later; the scheduled handler sends it.
    std::thread::sleep(Duration::from_millis(5_500));
    run_scheduled();
    let retried = receiver.wait_for(2);
    assert_eq!(
        retried[1]["id"], first[0]["id"],
        "a retry keeps its webhook-id"
    );
    assert_eq!(retried[1]["verified"], true);
    assert_eq!(retried[1]["answered"], 204);
    let listed = deliveries(&admin, &endpoint);
    assert_eq!(
        listed.len(),
        1,
        "the refused change added no message: {listed:?}"
    );
    assert_eq!(listed[0]["state"], "delivered");
    assert_eq!(listed[0]["attempts"], 2);

    // A replay sends the same message again, at once.
    let id = listed[0]["id"].as_str().unwrap();
    let replayed = Call::new("POST", &format!("/api/v1/webhooks/deliveries/{id}/replay"))
        .cookie(&admin)
        .send();
    assert_eq!(replayed.status, 204, "{:?}", replayed.body);
    let again = receiver.wait_for(3);
    assert_eq!(again[2]["id"], id);
    assert_eq!(again[2]["verified"], true);

    // A signature made with another secret does not verify: the receiver's check can fail.
    receiver.control(&json!({ "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }));
    rename(&admin, "n_rival", "Rival Roofing");
    let wrong = receiver.wait_for(4);
    assert_eq!(wrong[3]["verified"], false);
    assert_eq!(wrong[3]["answered"], 401);

    // Several changes in one request: one message each, in order, and none carries a secret.
    receiver.control(&json!({ "secret": secret }));
    let before = receiver.received().len();
    let role = format!("r_http_hook_{}", run_id());
    let defined = Call::new("POST", "/api/v1/roles")
        .cookie(&admin)
        .json(&json!({
            "id": role, "name": format!("Hook role {}", run_id() % 100_000),
            "capabilities": ["calls.view.all"]
        }));
    assert!(defined.status < 300, "{:?}", defined.body);
    let deleted = Call::new("DELETE", &format!("/api/v1/roles/{role}"))
        .cookie(&admin)
        .send();
    assert!(deleted.status < 300, "{:?}", deleted.body);
    let all = receiver.wait_for(before + 2);
    let types: Vec<&str> = all[before..]
        .iter()
        .map(|d| d["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["role_defined", "role_deleted"]);
    for delivery in &all {
        let text = delivery["body"].as_str().unwrap();
        assert!(!text.contains("whsec_") && !text.contains("sbs_") && !text.contains("sbt_"));
        assert!(!text.contains("brightline"), "nothing of another agency");
    }

    let removed = Call::new("DELETE", &format!("/api/v1/webhooks/{endpoint}"))
        .cookie(&admin)
        .send();
    assert_eq!(removed.status, 204);
    let entry = audit_entry(&admin, "webhook_removed", &endpoint).expect("removing is audited");
    assert_eq!(
        entry["before"],
        json!({ "kind": "webhook", "url": receiver.url() })
    );
}

#[test]
fn only_an_administrator_of_the_whole_agency_registers_endpoints() {
    let casey = sign_in("casey@brightline.example", DEMO_PASSWORD);
    let refused = Call::new("POST", "/api/v1/webhooks")
        .cookie(&casey)
        .json(&json!({ "url": "https://hooks.example.com/in" }));
    assert_eq!(refused.status, 403, "{:?}", refused.body);
    let listed = Call::new("GET", "/api/v1/webhooks").cookie(&casey).send();
    assert_eq!(listed.status, 403);
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    for url in [
        "ftp://hooks.example.com/in",
        "https://user:pw@hooks.example.com/in",
        "https://",
        "javascript:alert(1)",
    ] {
        let bad = Call::new("POST", "/api/v1/webhooks")
            .cookie(&admin)
            .json(&json!({ "url": url }));
        assert_eq!(bad.status, 422, "{url}: {:?}", bad.body);
    }
    // Brightline's owner never sees Northwind's endpoints or messages (R2).
    let theirs = Call::new("GET", "/api/v1/webhooks/deliveries")
        .cookie(&admin)
        .send();
    assert_eq!(theirs.status, 200);
    assert!(
        !theirs.body.to_string().contains("northwind"),
        "{:?}",
        theirs.body
    );
}
