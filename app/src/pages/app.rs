use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::pages::{accept::Accept, accept::invitation_token, sign_in::SignIn, users::Users};
use crate::state::{AppState, Sync};

/// The whole console: the user list for a signed-in person, the sign-in page otherwise.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    // Sync when the network comes back, when the person returns to the tab, and every half
    // minute; say so at once when the browser knows it went offline.
    window_event_listener(leptos::ev::online, move |_| spawn_local(state.sync_now()));
    window_event_listener(leptos::ev::offline, move |_| state.sync.set(Sync::Offline));
    window_event_listener(leptos::ev::focus, move |_| spawn_local(state.sync_now()));
    let _ = set_interval_with_handle(
        move || spawn_local(state.sync_now()),
        std::time::Duration::from_secs(30),
    );
    // An invitation link (`/accept#<token>`) opens the set-password page before anything else.
    let invitation = RwSignal::new(invitation_token());
    if invitation.get_untracked().is_none() {
        spawn_local(state.start());
    }

    // Only signing in or out changes the page: a fresher `me` must not rebuild it.
    let signed_in = Memo::new(move |_| state.me.with(Option::is_some));
    move || match (signed_in.get(), state.started.get()) {
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
