//! The Worker's entry point: the API under `/api/`, the app's static files everywhere else.

use worker::{Context, Env, Request, Response, Result, console_error, event};

use crate::routes;

#[event(fetch)]
pub async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    if !req.path().starts_with("/api/") {
        // wrangler.toml routes only `/api/*` here; this is the fallback should that change.
        return env.assets("ASSETS")?.fetch_request(req).await;
    }
    match routes::handle(req, &env).await {
        Ok(response) => Ok(response),
        Err(error) => {
            if let crate::error::ApiError::Internal(cause) = &error {
                console_error!("internal error: {cause}");
            }
            routes::problem(&error)
        }
    }
}
