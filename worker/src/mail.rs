//! Delivering the outbox: the request a queued message becomes. Pure, so it is tested natively;
//! `entry`'s scheduled handler sends these and marks what the provider accepted.
//!
//! The provider is reached over HTTP at `MAIL_API_URL` with `MAIL_API_KEY` (a Worker secret)
//! as a bearer token, and receives `{"from", "to", "subject", "text"}`: the shape most
//! transactional mail APIs take, or a small adapter Worker's in front of one that does not.

use serde::Serialize;

/// How many queued messages one run sends, so a run stays well inside its time limit.
pub const BATCH: u32 = 50;

/// One message as the provider receives it.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Message<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
}

/// The JSON body for one queued message.
pub fn body(from: &str, to: &str, subject: &str, text: &str) -> String {
    serde_json::to_string(&Message {
        from,
        to,
        subject,
        text,
    })
    .unwrap_or_default()
}

/// Whether the provider took the message: any 2xx. Anything else stays queued for the next run.
pub fn accepted(status: u16) -> bool {
    (200..300).contains(&status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queued_message_becomes_one_json_request() {
        let json: serde_json::Value = serde_json::from_str(&body(
            "Switchboard <no-reply@switchboard.example>",
            "ivy@brightline.example",
            "You're invited to Brightline Media",
            "Set your password: https://…/accept#x\n\"quoted\"",
        ))
        .unwrap();
        assert_eq!(json["to"], "ivy@brightline.example");
        assert_eq!(
            json["text"],
            "Set your password: https://…/accept#x\n\"quoted\""
        );
    }

    #[test]
    fn only_a_2xx_marks_a_message_sent() {
        assert!(accepted(202));
        assert!(!accepted(429));
        assert!(!accepted(500));
        assert!(!accepted(301));
    }
}
