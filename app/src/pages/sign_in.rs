use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::SubmitEvent;

use crate::api::{self, ApiError};
use crate::state::AppState;

/// E-mail and password, checked by the Worker.
#[component]
pub fn SignIn() -> impl IntoView {
    let state = expect_context::<AppState>();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::sign_in(&email.get_untracked(), &password.get_untracked()).await {
                Ok(me) => {
                    password.set(String::new());
                    state.adopt(me).await;
                    state.refresh_users().await;
                }
                Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    let messages: Vec<String> = problem
                        .errors
                        .iter()
                        .map(|e| format!("{}: {}", e.field, e.message))
                        .collect();
                    error.set(Some(messages.join("; ")));
                }
                Err(other) => error.set(Some(other.to_string())),
            }
            busy.set(false);
        });
    };

    view! {
        <main class="sign-in">
            <form class="card" on:submit=submit data-testid="sign-in-form">
                <h1>"Switchboard"</h1>
                <p class="muted">"Sign in to manage your team."</p>
                <label>
                    "E-mail"
                    <input type="email" autocomplete="username" required bind:value=email
                        data-testid="email" />
                </label>
                <label>
                    "Password"
                    <input type="password" autocomplete="current-password" required
                        bind:value=password data-testid="password" />
                </label>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" data-testid="sign-in-error">
                        {move || error.get().unwrap_or_default()}
                    </p>
                </Show>
                <button type="submit" disabled=move || busy.get() data-testid="sign-in">
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}
