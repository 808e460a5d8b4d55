use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::pages::{sign_in::SignIn, users::Users};
use crate::state::AppState;

/// The whole console: the user list for a signed-in person, the sign-in page otherwise.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    spawn_local(state.start());

    move || match (state.me.get().is_some(), state.started.get()) {
        (true, _) => view! { <Users /> }.into_any(),
        (false, true) => view! { <SignIn /> }.into_any(),
        (false, false) => view! {
            <main class="splash" data-testid="splash">
                <p>"Opening Switchboard…"</p>
            </main>
        }
        .into_any(),
    }
}
