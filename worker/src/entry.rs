//! The Worker's entry point: the API under `/api/`, the app's static files everywhere else.

use worker::{Context, Env, Request, Response, Result, event};

use crate::routes;

#[event(fetch)]
pub async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    if !req.path().starts_with("/api/") {
        // wrangler.toml routes only `/api/*` here; this is the fallback should that change.
        return env.assets("ASSETS")?.fetch_request(req).await;
    }
    let changing = req.method() != worker::Method::Get;
    let response = routes::handle(req, &env).await?;
    // A change that was made may have put messages in the webhook outbox: they are sent now,
    // after the answer, rather than at the next minute.
    if changing && (200..300).contains(&response.status_code()) {
        ctx.wait_until(async move {
            if let Err(error) = send_webhooks(&env).await {
                worker::console_error!("webhook delivery: {error}");
            }
        });
    }
    Ok(response)
}

/// Every minute (`[triggers]` in wrangler.toml): delivers queued mail through the provider at
/// `MAIL_API_URL` (without it, locally, mail stays in the outbox for the development page),
/// and sends the webhook messages that are due, retries included.
#[event(scheduled)]
pub async fn scheduled(_event: worker::ScheduledEvent, env: Env, _ctx: worker::ScheduleContext) {
    if let Err(error) = deliver(&env).await {
        worker::console_error!("mail delivery: {error}");
    }
    if let Err(error) = send_webhooks(&env).await {
        worker::console_error!("webhook delivery: {error}");
    }
}

async fn send_webhooks(env: &Env) -> std::result::Result<(), crate::error::ApiError> {
    let db = crate::store::Db::new(env.d1("DB")?);
    crate::deliver::webhooks(&db, None, crate::clock::now()).await?;
    Ok(())
}

async fn deliver(env: &Env) -> std::result::Result<(), crate::error::ApiError> {
    use crate::mail;
    use crate::store::{Db, invitations};
    use worker::{Fetch, Headers, Method, RequestInit};

    let Ok(url) = env.var("MAIL_API_URL").map(|v| v.to_string()) else {
        return Ok(());
    };
    let from = env
        .var("MAIL_FROM")
        .map(|v| v.to_string())
        .unwrap_or_else(|_| "Switchboard <no-reply@switchboard.example>".into());
    let key = env.secret("MAIL_API_KEY").ok().map(|k| k.to_string());
    let db = Db::new(env.d1("DB")?);
    for message in invitations::unsent(&db, mail::BATCH).await? {
        let headers = Headers::new();
        headers.set("Content-Type", "application/json")?;
        if let Some(key) = &key {
            headers.set("Authorization", &format!("Bearer {key}"))?;
        }
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_body(Some(
                mail::body(&from, &message.to_email, &message.subject, &message.body).into(),
            ));
        let request = Request::new_with_init(&url, &init)?;
        match Fetch::Request(request).send().await {
            Ok(response) if mail::accepted(response.status_code()) => {
                invitations::mark_sent(&db, message.seq, crate::clock::now()).await?;
            }
            Ok(response) => worker::console_error!(
                "mail provider refused message {}: status {}",
                message.seq,
                response.status_code()
            ),
            Err(error) => worker::console_error!("mail provider unreachable: {error}"),
        }
    }
    Ok(())
}
