//! What the benchmarks against the running Worker share; the engine's benchmarks live in
//! `benches/`.

use serde_json::json;
use ureq::Agent;

/// The password of every seeded person.
pub const PASSWORD: &str = "Switchboard-demo1";

/// Signs `email` in with `agent` and answers the session cookie (`sb_session=…`); panics if
/// the Worker refuses, so that nothing is timed without a session.
pub fn session_cookie(agent: &Agent, base: &str, email: &str) -> String {
    let response = agent
        .post(&format!("{base}/api/v1/session"))
        .header("Content-Type", "application/json")
        .send(json!({ "email": email, "password": PASSWORD }).to_string())
        .expect("the Worker answers");
    assert_eq!(response.status().as_u16(), 200, "sign-in of {email}");
    response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned()
}
