//! Mail leaves the outbox through the scheduled sender: each queued message is posted to the
//! provider once, and stays queued while the provider refuses it. The test command points the
//! Worker's `MAIL_API_URL` at a port this test listens on (`SWITCHBOARD_MAIL_PORT`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use switchboard_tests::{ADMIN_EMAIL, Call, DEMO_PASSWORD, run_id, run_scheduled, sign_in};

/// Starts a stand-in provider that answers `status` and passes on each body it receives.
fn provider(status: u16) -> mpsc::Receiver<Value> {
    let port: u16 = std::env::var("SWITCHBOARD_MAIL_PORT")
        .expect("SWITCHBOARD_MAIL_PORT is not set: run these tests through the test command")
        .parse()
        .unwrap();
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("the mail port is free");
    let (sent, received) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
            if let Ok(value) = serde_json::from_slice(&body)
                && sent.send(value).is_err()
            {
                return;
            }
        }
    });
    received
}

/// The messages to `to` the provider received while the sender ran.
fn delivered_to(received: &mpsc::Receiver<Value>, to: &str) -> Vec<Value> {
    run_scheduled();
    let until = Instant::now() + Duration::from_secs(3);
    let mut out = Vec::new();
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        match received.recv_timeout(left) {
            Ok(message) if message["to"] == to => out.push(message),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    out
}

#[test]
fn r21_an_invitation_mail_reaches_the_provider_once() {
    let received = provider(202);
    let admin = sign_in(ADMIN_EMAIL, DEMO_PASSWORD);
    let run = run_id();
    let user = format!("u_http_mail_{run}");
    let address = format!("mail{run}@brightline.example");
    let invited = Call::new("POST", "/api/v1/users")
        .cookie(&admin)
        .json(&json!({
            "id": user, "email": address, "name": "Mae Mail",
            "role": { "kind": "builtin", "id": "Agent" }, "node": "n_summit"
        }));
    assert_eq!(invited.status, 201, "{:?}", invited.body);

    let first = delivered_to(&received, &address);
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(
        first[0]["subject"]
            .as_str()
            .unwrap()
            .contains("Brightline Media")
    );
    assert!(first[0]["text"].as_str().unwrap().contains("/accept#"));
    assert!(
        delivered_to(&received, &address).is_empty(),
        "sent once, not again"
    );

    let revoked = Call::new("DELETE", &format!("/api/v1/users/{user}/invitation"))
        .cookie(&admin)
        .send();
    assert_eq!(revoked.status, 200, "{:?}", revoked.body);
}
