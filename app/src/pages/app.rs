use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::pages::{accept::Accept, accept::invitation_token, sign_in::SignIn, users::Users};
use crate::state::AppState;

/// The whole console: the user list for a signed-in person, the sign-in page otherwise.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    // An invitation link (`/accept#<token>`) opens the set-password page before anything else.
    let invitation = RwSignal::new(invitation_token());
    if invitation.get_untracked().is_none() {
        spawn_local(state.start());
    }

    move || match (state.me.get().is_some(), state.started.get()) {
        _ if invitation.get().is_some() => {
            let token = invitation.get().unwrap_or_default();
            view! { <Accept token=token on_done=move || invitation.set(None) /> }.into_any()
        }
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
