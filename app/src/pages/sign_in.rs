use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::SubmitEvent;

use crate::api::{self, ApiError};
use crate::state::AppState;

/// E-mail and password, checked by the Worker; `notice` says what just happened (a password
/// reset), `on_forgot` opens the forgotten-password page.
#[component]
pub fn SignIn(
    notice: RwSignal<Option<String>>,
    #[prop(into)] on_forgot: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // Shown once the Worker says this person signs in with an authenticator code too.
    let code = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let typed = code.get_untracked().filter(|c| !c.trim().is_empty());
            match api::sign_in(&email.get_untracked(), &password.get_untracked(), typed).await {
                Ok(me) => {
                    password.set(String::new());
                    notice.set(None);
                    // Someone in several agencies chooses one (signed in to the last used).
                    state.choosing.set(me.agencies.clone());
                    state.adopt(me).await;
                    state.sync_now().await;
                }
                Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    let messages: Vec<String> = problem
                        .errors
                        .iter()
                        .map(|e| format!("{}: {}", e.field, e.message))
                        .collect();
                    error.set(Some(messages.join("; ")));
                }
                Err(ApiError::CodeRequired) => {
                    if code.get_untracked().is_some() {
                        error.set(Some(ApiError::CodeRequired.to_string()));
                    }
                    code.set(Some(String::new()));
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
                <Show when=move || notice.get().is_some()>
                    <p class="notice" role="status" data-testid="sign-in-notice">
                        {move || notice.get().unwrap_or_default()}
                    </p>
                </Show>
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
                <Show when=move || code.get().is_some()>
                    <label>
                        "Code from your authenticator app"
                        <input inputmode="numeric" autocomplete="one-time-code" maxlength="6" required
                            data-testid="code"
                            prop:value=move || code.get().unwrap_or_default()
                            on:input=move |ev| code.set(Some(event_target_value(&ev))) />
                    </label>
                </Show>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" data-testid="sign-in-error">
                        {move || error.get().unwrap_or_default()}
                    </p>
                </Show>
                <button type="submit" disabled=move || busy.get() data-testid="sign-in">
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
                <a href="/forgot" class="link" data-testid="forgot-link"
                    on:click=move |ev| {
                        ev.prevent_default();
                        on_forgot.run(());
                    }>
                    "Forgot your password?"
                </a>
            </form>
        </main>
    }
}
