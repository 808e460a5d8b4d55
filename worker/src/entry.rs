//! The Worker's entry point: the API under `/api/`, the app's static files everywhere else.

use worker::{Context, Env, Request, Response, Result, event};

use crate::routes;

#[event(fetch)]
pub async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    if !req.path().starts_with("/api/") {
        // wrangler.toml routes only `/api/*` here; this is the fallback should that change.
        return env.assets("ASSETS")?.fetch_request(req).await;
    }
    routes::handle(req, &env).await
}
