use leptos::prelude::*;
use web_sys::SubmitEvent;

use crate::api::{self, ApiError};
use crate::components::form::{Field, FormError, FormErrors};
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
    let errors = RwSignal::new(FormErrors::default());
    // While the person types, the file of the screen most people land on comes and compiles,
    // so that signing in does not wait for it.
    Effect::new(move |started: Option<bool>| {
        let start = started != Some(true) && email.with(|typed| !typed.is_empty());
        if start {
            crate::pages::shell::load_people_screen();
        }
        started == Some(true) || start
    });
    // Shown once the Worker says this person signs in with an authenticator code too.
    let code = RwSignal::new(None::<String>);
    // The request is one Action: while it runs the button waits, so it is sent once.
    let sending = Action::new_local(move |(): &()| async move {
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
            Err(ApiError::CodeRequired) => {
                if code.get_untracked().is_some() {
                    errors.set(FormErrors::field(
                        "code",
                        ApiError::CodeRequired.to_string(),
                    ));
                }
                code.set(Some(String::new()));
            }
            Err(other) => errors.set(FormErrors::from_api(other)),
        }
    });
    let busy = sending.pending();

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.set(FormErrors::default());
        sending.dispatch(());
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
                <Field label="E-mail" kind="email" autocomplete="username" value=email
                    name="email" errors=errors testid="email" />
                <Field label="Password" kind="password" autocomplete="current-password"
                    value=password name="password" errors=errors testid="password" />
                <Show when=move || code.get().is_some()>
                    <label>
                        "Code from your authenticator app"
                        <input inputmode="numeric" autocomplete="one-time-code" maxlength="6" required
                            data-testid="code"
                            prop:value=move || code.get().unwrap_or_default()
                            on:input=move |ev| code.set(Some(event_target_value(&ev))) />
                        {move || errors.with(|e| e.of("code")).map(|m| view! {
                            <span class="field-error" role="alert" data-testid="code-error">{m}</span>
                        })}
                    </label>
                </Show>
                <FormError errors=errors testid="sign-in-error" />
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
