use leptos::prelude::*;
use leptos::task::spawn_local;

use std::collections::BTreeSet;

use crate::components::{
    sync_badge::SyncBadge, sync_panel::SyncPanel, tokens::Tokens, user_table::UserTable,
};
use crate::state::AppState;

/// The agency's people, as far as the signed-in person may see them.
#[component]
pub fn Users() -> impl IntoView {
    let state = expect_context::<AppState>();
    let agency = move || state.me.get().map(|me| me.agency.name).unwrap_or_default();
    let who = move || state.me.get().map(|me| me.name).unwrap_or_default();
    let sign_out = move |_| spawn_local(state.sign_out());
    let pending = Signal::derive(move || {
        state.replica.with(|r| {
            r.pending
                .iter()
                .filter_map(|m| m.command.target_user().cloned())
                .collect::<BTreeSet<_>>()
        })
    });

    view! {
        <header class="top-bar">
            <span class="brand">"Switchboard"</span>
            <span class="agency" data-testid="agency-name">{agency}</span>
            <SyncBadge sync=state.sync />
            <span class="spacer"></span>
            <span class="who" data-testid="signed-in-as">{who}</span>
            <button class="link" on:click=sign_out data-testid="sign-out">"Sign out"</button>
        </header>
        <main class="page">
            <div class="page-head">
                <h1>"Users"</h1>
                <span class="count" data-testid="user-count">
                    {move || format!("{} people", state.users.get().len())}
                </span>
            </div>
            <SyncPanel />
            <UserTable users=state.users pending=pending />
            <Tokens />
        </main>
    }
}
