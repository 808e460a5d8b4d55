//! Sending the webhook outbox: each due message is claimed, signed and sent, in the order the
//! changes happened, and its outcome recorded. Right after a change (in the background of the
//! request that made it) and every minute (the scheduled handler, which also retries).

use worker::{AbortSignal, Fetch, Headers, Method, Request, RequestInit};

use crate::clock::Millis;
use crate::error::ApiError;
use crate::store::Db;
use crate::store::platform::{self, Outcome};
use crate::webhook;

/// Sends what is due (of `agency`, or of every agency), oldest first, up to a batch: how many
/// were sent. Each message is claimed just before its attempt, so its claim outlasts the
/// attempt (at most `webhook::TIMEOUT_MS`) and no other sender takes it meanwhile.
pub async fn webhooks(db: &Db, agency: Option<&str>, now: Millis) -> Result<usize, ApiError> {
    let mut sent = 0;
    while sent < webhook::BATCH as usize {
        let now = now.max(crate::clock::now());
        let (due, targets) = platform::claim(db, agency, now, 1).await?;
        let Some(message) = due.first() else {
            break;
        };
        sent += 1;
        let Some(target) = targets.iter().find(|t| t.id == message.endpoint_id) else {
            // The endpoint was removed meanwhile (its messages go with it).
            continue;
        };
        let timestamp = now / 1_000;
        let outcome = match webhook::sign(&target.secret, &message.id, timestamp, &message.payload)
        {
            Ok(signature) => send(
                &target.url,
                &message.id,
                timestamp,
                &signature,
                &message.payload,
            )
            .await
            .unwrap_or_else(|error| Outcome::Unreachable(error.to_string())),
            Err(why) => Outcome::Unreachable(why.into()),
        };
        platform::record(db, message, &outcome, crate::clock::now()).await?;
    }
    Ok(sent)
}

async fn send(
    url: &str,
    id: &str,
    timestamp: i64,
    signature: &str,
    body: &str,
) -> worker::Result<Outcome> {
    let headers = Headers::new();
    headers.set("Content-Type", "application/json")?;
    headers.set("User-Agent", "Switchboard-Webhooks/1")?;
    headers.set("webhook-id", id)?;
    headers.set("webhook-timestamp", &timestamp.to_string())?;
    headers.set("webhook-signature", signature)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(body.into()));
    let request = Request::new_with_init(url, &init)?;
    // An endpoint that does not answer in time counts as not reached, and is tried again.
    let timeout = AbortSignal::from(worker::web_sys::AbortSignal::timeout_with_u32(
        webhook::TIMEOUT_MS,
    ));
    let response = Fetch::Request(request).send_with_signal(&timeout).await?;
    let status = response.status_code();
    Ok(if webhook::delivered(status) {
        Outcome::Delivered(status)
    } else {
        Outcome::Refused(status)
    })
}
