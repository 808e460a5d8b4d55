//! Helpers for tests that talk HTTP to the real Worker under `wrangler dev`.
//!
//! The test command starts the server with a fresh local D1 and passes its address in
//! `SWITCHBOARD_URL`. Without it these tests fail: a test that cannot run is not a pass.

use serde_json::Value;
use ureq::Agent;

pub mod contract;

/// The demo administrator of Brightline Media and the shared demo password.
pub const ADMIN_EMAIL: &str = "admin@brightline.example";
pub const DEMO_PASSWORD: &str = "Switchboard-demo1";

/// The address of the Worker under test.
pub fn base_url() -> String {
    std::env::var("SWITCHBOARD_URL")
        .expect("SWITCHBOARD_URL is not set: run these tests through the test command")
}

/// An HTTP client that reads every status as an answer, not an error.
pub fn agent() -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// One answer: status, headers we look at, and the body as JSON (or `Null`).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub set_cookie: Vec<String>,
    /// `Retry-After`, in seconds, when given.
    pub retry_after: Option<u64>,
    /// `X-D1-Round-Trips`: how many times the Worker went to D1 for this answer (development).
    pub d1_round_trips: Option<u32>,
    pub body: Value,
}

impl Answer {
    fn read(mut response: ureq::http::Response<ureq::Body>) -> Self {
        let header = |name: &str| {
            response
                .headers()
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok().map(str::to_owned))
                .collect::<Vec<_>>()
        };
        let content_type = header("content-type").join(",");
        let set_cookie = header("set-cookie");
        let retry_after = header("retry-after").first().and_then(|v| v.parse().ok());
        let d1_round_trips = header("x-d1-round-trips")
            .first()
            .and_then(|v| v.parse().ok());
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            content_type,
            set_cookie,
            retry_after,
            d1_round_trips,
            body,
        }
    }

    /// The session cookie (`name=value`) this answer sets.
    pub fn session_cookie(&self) -> Option<String> {
        self.set_cookie
            .iter()
            .find(|c| c.starts_with("sb_session=") && !c.starts_with("sb_session=;"))
            .and_then(|c| c.split(';').next())
            .map(str::to_owned)
    }
}

/// A request to the Worker, optionally with a session cookie and extra headers.
#[derive(Debug)]
pub struct Call {
    method: &'static str,
    path: String,
    cookie: Option<String>,
    headers: Vec<(String, String)>,
}

impl Call {
    pub fn new(method: &'static str, path: &str) -> Self {
        Call {
            method,
            path: path.to_owned(),
            cookie: None,
            headers: Vec::new(),
        }
    }

    pub fn cookie(mut self, cookie: &str) -> Self {
        self.cookie = Some(cookie.to_owned());
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    fn build(&self, content_type: Option<&str>) -> ureq::http::Request<()> {
        let mut builder = ureq::http::Request::builder()
            .method(self.method)
            .uri(format!("{}{}", base_url(), self.path));
        if let Some(cookie) = &self.cookie {
            builder = builder.header("Cookie", cookie);
        }
        if let Some(content_type) = content_type {
            builder = builder.header("Content-Type", content_type);
        }
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        builder.body(()).expect("a valid request")
    }

    /// Sends the request without a body.
    pub fn send(self) -> Answer {
        let request = self.build(None);
        let answer = Answer::read(agent().run(request).expect("the Worker answered"));
        contract::check(self.method, &self.path, &answer);
        answer
    }

    /// Sends the request with a raw body of the given type.
    pub fn send_raw(self, content_type: &str, body: &[u8]) -> Answer {
        let (parts, ()) = self.build(Some(content_type)).into_parts();
        let request = ureq::http::Request::from_parts(parts, body.to_vec());
        let answer = Answer::read(agent().run(request).expect("the Worker answered"));
        contract::check(self.method, &self.path, &answer);
        answer
    }

    /// Sends the request with a JSON body.
    pub fn json(self, body: &Value) -> Answer {
        self.send_raw("application/json", body.to_string().as_bytes())
    }
}

/// A number unique to this moment, for ids and addresses a test creates, so tests can run
/// again on the same database.
pub fn run_id() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is past 1970")
        .as_nanos()
}

/// Runs the Worker's scheduled handler once (`wrangler dev --test-scheduled`): it sends the
/// queued mail and the webhook messages that are due.
pub fn run_scheduled() {
    let answer = Call::new("GET", "/cdn-cgi/handler/scheduled?cron=*+*+*+*+*").send();
    assert!(
        answer.status < 300,
        "the scheduled handler ran: {}",
        answer.status
    );
}

/// The audit entry of `action` about `target`, read as `admin` (who may read the log).
pub fn audit_entry(admin: &str, action: &str, target: &str) -> Option<Value> {
    let audit = Call::new("GET", &format!("/api/v1/audit?action={action}"))
        .cookie(admin)
        .send();
    assert_eq!(audit.status, 200, "{:?}", audit.body);
    audit.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["target"] == target)
        .cloned()
}

/// Signs in and returns the session cookie.
pub fn sign_in(email: &str, password: &str) -> String {
    let answer = Call::new("POST", "/api/v1/session")
        .json(&serde_json::json!({ "email": email, "password": password }));
    assert_eq!(answer.status, 200, "sign-in of {email}: {:?}", answer.body);
    answer
        .session_cookie()
        .expect("sign-in sets the session cookie")
}

/// The token of the newest invitation mail to `email`, from the development outbox.
pub fn newest_invitation(email: &str) -> String {
    newest_link(email, "/accept#").expect("an invitation mail")
}

/// The token of the newest mail to `email` whose link holds `marker` (`/reset#`, …), if any.
pub fn newest_link(email: &str, marker: &str) -> Option<String> {
    let outbox = Call::new("GET", "/api/v1/dev/outbox").send();
    assert_eq!(outbox.status, 200, "{:?}", outbox.body);
    let mail = outbox
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["to_email"] == email && m["body"].as_str().unwrap().contains(marker))?;
    let body = mail["body"].as_str().unwrap();
    let token = body.split(marker).nth(1)?.split_whitespace().next()?;
    Some(token.to_owned())
}

/// Accepts an invitation with this password.
pub fn accept_invitation(token: &str, password: &str) -> Answer {
    Call::new("POST", "/api/v1/invitations/accept")
        .json(&serde_json::json!({ "token": token, "password": password }))
}

/// Checks that every kept column of `agency` (people's roles and access, the seat and
/// administrator counts) equals `domain`'s computation from the tables (development route).
pub fn assert_kept(agency: &str, context: &str) {
    let kept = Call::new("GET", &format!("/api/v1/dev/kept?agency={agency}")).send();
    assert_eq!(kept.status, 200, "{:?}", kept.body);
    assert_eq!(
        kept.body["mismatches"],
        serde_json::json!([]),
        "kept columns of {agency} after {context}"
    );
}

/// Held by the tests that change Northwind, and by the authorization matrix, which checks
/// that a refused request changed nothing there: the tests share one database.
pub fn northwind_changes() -> std::sync::MutexGuard<'static, ()> {
    static NORTHWIND: std::sync::Mutex<()> = std::sync::Mutex::new(());
    NORTHWIND
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Someone new in Brightline, invited by the administrator with `role` at `node`, who
/// accepted with the demo password and is signed in: their id, address and session cookie.
pub fn new_member(admin: &str, role: &str, node: &str) -> (String, String, String) {
    let run = run_id();
    let user = format!("u_http_m_{run}");
    let email = format!("m{run}@brightline.example");
    let invited = Call::new("POST", "/api/v1/commands")
        .cookie(admin)
        .json(&serde_json::json!({
            "command": "invite", "user": user, "grant": format!("g_http_m_{run}"), "email": email,
            "name": "Morgan Member", "role": { "kind": "builtin", "id": role }, "node": node
        }));
    assert_eq!(invited.status, 200, "{:?}", invited.body);
    let accepted = accept_invitation(&newest_invitation(&email), DEMO_PASSWORD);
    assert_eq!(accepted.status, 200, "{:?}", accepted.body);
    let cookie = accepted.session_cookie().expect("accepting signs in");
    (user, email, cookie)
}

#[path = "matrix_agency.rs"]
pub mod matrix;
#[path = "sync_agency.rs"]
pub mod sync_agency;
