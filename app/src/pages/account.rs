//! A person's own account: a forgotten password, a new password, and which of their agencies
//! they work in.

use leptos::prelude::*;
use web_sys::SubmitEvent;

use crate::api::{self, ApiError};
use crate::components::form::{Field, FormError, FormErrors};
use crate::state::AppState;

/// The token of a link opened at `path` (`/reset#<token>`), if this page was opened from one.
pub fn link_token(path: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    if location.pathname().ok()? != path {
        return None;
    }
    let token = location.hash().ok()?.trim_start_matches('#').to_owned();
    (!token.is_empty()).then_some(token)
}

/// Whether the page was opened at `path`.
pub fn opened_at(path: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .is_some_and(|p| p == path)
}

/// Goes to `path` without reloading, leaving a link's token out of the address.
pub fn go(path: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
    }
}

/// The words of a refusal for a person: one message per field, or the sentence.
pub fn words(error: ApiError) -> String {
    match error {
        ApiError::Problem(problem) if !problem.errors.is_empty() => problem
            .errors
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// "Forgot your password?": an address, and a link by mail.
#[component]
pub fn Forgot(#[prop(into)] on_back: Callback<()>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let errors = RwSignal::new(FormErrors::default());
    let sent = RwSignal::new(None::<String>);
    // The request is one Action: while it runs the button waits, so it is sent once.
    let sending = Action::new_local(move |(): &()| async move {
        match api::forgot_password(&email.get_untracked()).await {
            Ok(notice) => sent.set(Some(notice.detail)),
            Err(e) => errors.set(FormErrors::from_api(e)),
        }
    });
    let busy = sending.pending();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        // Checked here first, as the Worker will: most mistakes show before anything is sent.
        if let Err(e) = domain::Email::parse(&email.get_untracked()) {
            errors.set(FormErrors::field("email", e.to_string()));
            return;
        }
        errors.set(FormErrors::default());
        sending.dispatch(());
    };
    view! {
        <main class="sign-in">
            <form class="card" on:submit=submit data-testid="forgot-form">
                <h1>"Reset your password"</h1>
                <Show
                    when=move || sent.get().is_some()
                    fallback=move || view! {
                        <p class="muted">
                            "Enter the address you sign in with. We will mail you a link to choose a new password."
                        </p>
                        <Field label="E-mail" kind="email" autocomplete="username" value=email
                            name="email" errors=errors testid="forgot-email" />
                        <FormError errors=errors testid="forgot-error" />
                        <button type="submit" disabled=move || busy.get() data-testid="forgot-send">
                            {move || if busy.get() { "Sending…" } else { "Send me a link" }}
                        </button>
                    }
                >
                    <p class="notice" role="status" data-testid="forgot-sent">
                        {move || sent.get().unwrap_or_default()}
                    </p>
                </Show>
                <button type="button" class="link" on:click=move |_| on_back.run(())
                    data-testid="back-to-sign-in">
                    "Back to sign in"
                </button>
            </form>
        </main>
    }
}

/// The checks made here on a new password and its repetition, before anything is sent:
/// the message goes beside `field` (the password) or beside the repetition.
pub fn check_new_password(
    password: &str,
    repeat: &str,
    field: &str,
    errors: RwSignal<FormErrors>,
) -> bool {
    let found = if let Err(e) = domain::Password::parse(password) {
        FormErrors::field(field, e.to_string())
    } else if password != repeat {
        FormErrors::field("repeat", "the two passwords are not the same")
    } else {
        FormErrors::default()
    };
    let fine = found == FormErrors::default();
    errors.set(found);
    fine
}

/// A mailed reset link: a new password, twice.
#[component]
pub fn Reset(token: String, #[prop(into)] on_done: Callback<Option<String>>) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let errors = RwSignal::new(FormErrors::default());
    let token = StoredValue::new(token);
    // The request is one Action: while it runs the button waits, so it is sent once.
    let sending = Action::new_local(move |(): &()| async move {
        match api::reset_password(&token.get_value(), &password.get_untracked()).await {
            Ok(notice) => on_done.run(Some(notice.detail)),
            Err(e) => errors.set(FormErrors::from_api(e)),
        }
    });
    let busy = sending.pending();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !check_new_password(
            &password.get_untracked(),
            &repeat.get_untracked(),
            "password",
            errors,
        ) {
            return;
        }
        sending.dispatch(());
    };
    view! {
        <main class="sign-in">
            <form class="card" on:submit=submit data-testid="reset-form">
                <h1>"Choose a new password"</h1>
                <p class="muted">
                    "At least 8 characters, with a letter, a digit and an upper-case letter. You will be signed out everywhere else."
                </p>
                <Field label="New password" kind="password" autocomplete="new-password"
                    value=password name="password" errors=errors testid="reset-password" />
                <Field label="The same again" kind="password" autocomplete="new-password"
                    value=repeat name="repeat" errors=errors testid="reset-repeat" />
                <FormError errors=errors testid="reset-error" />
                <button type="submit" disabled=move || busy.get() data-testid="reset-save">
                    {move || if busy.get() { "Saving…" } else { "Save the new password" }}
                </button>
            </form>
        </main>
    }
}

/// Right after signing in, for someone in several agencies: which one to work in now.
#[component]
pub fn ChooseAgency() -> impl IntoView {
    let state = expect_context::<AppState>();
    let error = RwSignal::new(None::<String>);
    // The request is one Action: while it runs the button waits, so it is sent once.
    let sending = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            if let Err(e) = state.switch_agency(id).await {
                error.set(Some(words(e)));
            }
        }
    });
    let busy = sending.pending();
    let current = move || state.me.get().map(|me| me.agency.id).unwrap_or_default();
    let choose = move |id: String| {
        if id == current() {
            state.choosing.set(Vec::new());
            return;
        }
        sending.dispatch(id);
    };
    view! {
        <main class="sign-in">
            <div class="card" data-testid="choose-agency">
                <h1>"Choose an agency"</h1>
                <p class="muted">"You work for more than one. You can switch at any time."</p>
                <ul class="choices">
                    <For
                        each=move || state.choosing.get()
                        key=|a| a.id.clone()
                        children=move |agency| {
                            let id = agency.id.clone();
                            let last = id == current();
                            view! {
                                <li>
                                    <button class="choice" disabled=move || busy.get()
                                        data-testid="agency-choice"
                                        on:click=move |_| choose(id.clone())>
                                        <span>{agency.name.clone()}</span>
                                        <Show when=move || last>
                                            <span class="muted">" · used last"</span>
                                        </Show>
                                    </button>
                                </li>
                            }
                        }
                    />
                </ul>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                </Show>
            </div>
        </main>
    }
}

/// In the top bar, for someone in several agencies: the agency they work in, to switch.
#[component]
pub fn AgencySwitcher() -> impl IntoView {
    let state = expect_context::<AppState>();
    let agencies = LocalResource::new(api::my_agencies);
    let current = move || state.me.get().map(|me| me.agency.id).unwrap_or_default();
    let navigate = leptos_router::hooks::use_navigate();
    let switching = Action::new_local(move |id: &String| {
        let (id, navigate) = (id.clone(), navigate.clone());
        async move {
            if state.switch_agency(id).await.is_ok() {
                // The new agency's home: what the person may use there.
                navigate("/", Default::default());
            }
        }
    });
    let switch = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        if id != current() && state.may_forget_pending("Switch") {
            switching.dispatch(id);
        }
    };
    move || {
        let list = agencies
            .get()
            .and_then(Result::ok)
            .map(|a| a.agencies)
            .unwrap_or_default();
        (list.len() > 1).then(|| {
            view! {
                <select class="agency-switch" aria-label="Switch agency" on:change=switch
                    prop:disabled=move || switching.pending().get()
                    data-testid="agency-switch">
                    {list
                        .into_iter()
                        .map(|a| {
                            let selected = a.id == current();
                            view! { <option value=a.id.clone() selected=selected>{a.name}</option> }
                        })
                        .collect_view()}
                </select>
            }
        })
    }
}

/// Change one's own password: the current one, then the new one twice.
#[component]
pub fn ChangePassword() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let errors = RwSignal::new(FormErrors::default());
    let done = RwSignal::new(None::<String>);
    // The request is one Action: while it runs the button waits, so it is sent once.
    let sending = Action::new_local(move |(): &()| async move {
        match api::change_password(&current.get_untracked(), &password.get_untracked()).await {
            Ok(notice) => {
                for field in [current, password, repeat] {
                    field.set(String::new());
                }
                done.set(Some(notice.detail));
            }
            Err(e) => errors.set(FormErrors::from_api(e)),
        }
    });
    let busy = sending.pending();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        if !check_new_password(
            &password.get_untracked(),
            &repeat.get_untracked(),
            "new_password",
            errors,
        ) {
            return;
        }
        sending.dispatch(());
    };
    view! {
        <section class="card panel" data-testid="change-password">
            <h2>"Password"</h2>
            <form on:submit=submit>
                <Field label="Current password" kind="password" autocomplete="current-password"
                    value=current name="current_password" errors=errors testid="current-password" />
                <Field label="New password" kind="password" autocomplete="new-password"
                    value=password name="new_password" errors=errors testid="new-password" />
                <Field label="The new one again" kind="password" autocomplete="new-password"
                    value=repeat name="repeat" errors=errors testid="repeat-password" />
                <FormError errors=errors testid="change-password-error" />
                <Show when=move || done.get().is_some()>
                    <p class="notice" role="status" data-testid="change-password-done">
                        {move || done.get().unwrap_or_default()}
                    </p>
                </Show>
                <div class="actions">
                    <button type="submit" disabled=move || busy.get()
                        data-testid="change-password-save">
                        {move || if busy.get() { "Saving…" } else { "Change password" }}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// Change one's own address: the new one and the password; a link to the new address
/// confirms it, so nothing changes before it is opened.
#[component]
pub fn ChangeAddress() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(FormErrors::default());
    let done = RwSignal::new(None::<String>);
    // The request is one Action: while it runs the button waits, so it is sent once.
    let sending = Action::new_local(move |(): &()| async move {
        match api::change_email(&email.get_untracked(), &password.get_untracked()).await {
            Ok(notice) => {
                password.set(String::new());
                done.set(Some(notice.detail));
            }
            Err(e) => errors.set(FormErrors::from_api(e)),
        }
    });
    let busy = sending.pending();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        if let Err(e) = domain::Email::parse(&email.get_untracked()) {
            errors.set(FormErrors::field("email", e.to_string()));
            return;
        }
        errors.set(FormErrors::default());
        sending.dispatch(());
    };
    view! {
        <section class="card panel" data-testid="change-address">
            <h2>"Address"</h2>
            <form on:submit=submit>
                <Field label="New address" kind="email" autocomplete="email" value=email
                    name="email" errors=errors testid="new-email" />
                <Field label="Your password" kind="password" autocomplete="current-password"
                    value=password name="password" errors=errors testid="address-password" />
                <FormError errors=errors testid="change-address-error" />
                <Show when=move || done.get().is_some()>
                    <p class="notice" role="status" data-testid="change-address-done">
                        {move || done.get().unwrap_or_default()}
                    </p>
                </Show>
                <div class="actions">
                    <button type="submit" disabled=move || busy.get()
                        data-testid="change-address-save">
                        {move || if busy.get() { "Sending…" } else { "Send a confirmation link" }}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// A mailed address-confirmation link: confirms it at once and says what happened.
#[component]
pub fn ConfirmAddress(
    token: String,
    #[prop(into)] on_done: Callback<Option<String>>,
) -> impl IntoView {
    let outcome = LocalResource::new(move || {
        let token = token.clone();
        async move { api::confirm_email(&token).await }
    });
    view! {
        <main class="sign-in">
            <div class="card" data-testid="confirm-address">
                <h1>"Your new address"</h1>
                {move || match outcome.get() {
                    None => view! { <p class="muted">"Confirming…"</p> }.into_any(),
                    Some(Ok(notice)) => view! {
                        <p class="notice" role="status" data-testid="confirm-address-done">
                            {notice.detail}
                        </p>
                    }.into_any(),
                    Some(Err(e)) => view! {
                        <p class="error" role="alert" data-testid="confirm-address-error">{words(e)}</p>
                    }.into_any(),
                }}
                <button type="button" on:click=move |_| on_done.run(None) data-testid="confirm-continue">
                    "Continue to Switchboard"
                </button>
            </div>
        </main>
    }
}
