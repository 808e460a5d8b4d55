use leptos::prelude::*;
use web_sys::SubmitEvent;

use crate::api;
use crate::components::form::{Field, FormError, FormErrors};
use crate::pages::account::check_new_password;
use crate::state::AppState;

/// The token of an invitation link, `/accept#<token>`, if this page was opened from one.
pub fn invitation_token() -> Option<String> {
    let location = web_sys::window()?.location();
    if location.pathname().ok()? != "/accept" {
        return None;
    }
    let token = location.hash().ok()?.trim_start_matches('#').to_owned();
    (!token.is_empty()).then_some(token)
}

/// Leaves the invitation link's address, so a reload does not try the used link again.
fn forget_link() {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/"));
    }
}

/// Set a password (R22) for an invitation (R21), then go straight in.
#[component]
pub fn Accept(token: String, #[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let errors = RwSignal::new(FormErrors::default());
    let token = StoredValue::new(token);
    // The request is one Action: while it runs the button waits, so it is sent once.
    let sending = Action::new_local(move |(): &()| async move {
        match api::accept_invitation(&token.get_value(), &password.get_untracked()).await {
            Ok(me) => {
                forget_link();
                state.adopt(me).await;
                state.started.set(true);
                on_done.run(());
                state.sync_now().await;
            }
            Err(e) => errors.set(FormErrors::from_api(e)),
        }
    });
    let busy = sending.pending();
    // Which agency invites, and whether this address has an account already (then its
    // password is asked for, not a new one).
    let preview =
        LocalResource::new(
            move || async move { api::invitation_preview(&token.get_value()).await },
        );
    let existing = move || {
        preview
            .get()
            .and_then(Result::ok)
            .is_some_and(|p| p.existing_account)
    };
    let inviter = move || {
        preview
            .get()
            .and_then(Result::ok)
            .map(|p| p.agency.name)
            .unwrap_or_default()
    };

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !existing()
            && !check_new_password(
                &password.get_untracked(),
                &repeat.get_untracked(),
                "password",
                errors,
            )
        {
            return;
        }
        errors.set(FormErrors::default());
        sending.dispatch(());
    };

    view! {
        <main class="sign-in">
            <form class="card" on:submit=submit data-testid="accept-form">
                <h1>"Welcome to Switchboard"</h1>
                <Show when=move || !inviter().is_empty()>
                    <p data-testid="accept-agency">
                        {move || format!("{} invites you to work with them.", inviter())}
                    </p>
                </Show>
                <Show
                    when=existing
                    fallback=move || view! {
                        <p class="muted">
                            "Choose a password: at least 8 characters, with a letter, a digit and an upper-case letter."
                        </p>
                        <Field label="New password" kind="password" autocomplete="new-password"
                            value=password name="password" errors=errors testid="new-password" />
                        <Field label="The same again" kind="password" autocomplete="new-password"
                            value=repeat name="repeat" errors=errors testid="repeat-password" />
                    }
                >
                    <p class="muted" data-testid="accept-existing">
                        "You already have a Switchboard account. Accept with the password you sign in with."
                    </p>
                    <Field label="Your password" kind="password" autocomplete="current-password"
                        value=password name="password" errors=errors testid="existing-password" />
                </Show>
                <FormError errors=errors testid="accept-error" />
                <button type="submit" disabled=move || busy.get() data-testid="accept">
                    {move || match (busy.get(), existing()) {
                        (true, _) => "Accepting…",
                        (false, true) => "Accept and sign in",
                        (false, false) => "Set password and sign in",
                    }}
                </button>
            </form>
        </main>
    }
}
