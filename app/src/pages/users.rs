use domain::api::UserSummary;
use domain::sync::Change;
use leptos::prelude::*;
use leptos::task::spawn_local;

use std::collections::BTreeSet;

use crate::components::{
    sync_badge::SyncBadge, sync_panel::SyncPanel, tokens::Tokens, user_table::UserTable,
};
use crate::pages::account::{AgencySwitcher, ChangePassword};
use crate::state::AppState;

/// The most rows the list draws at once.
const SHOWN: usize = 200;

/// The agency's people, as far as the signed-in person may see them.
#[component]
pub fn Users() -> impl IntoView {
    let state = expect_context::<AppState>();
    let agency = move || state.me.get().map(|me| me.agency.name).unwrap_or_default();
    let who = move || state.me.get().map(|me| me.name).unwrap_or_default();
    // Signing out forgets this browser's data, queued changes too: never without asking.
    let sign_out = move |_| {
        if state.may_forget_pending("Sign out") {
            spawn_local(state.sign_out());
        }
    };
    let account = RwSignal::new(false);
    // The list draws at most SHOWN rows: a phone stays quick with an agency of 10,000.
    let search = RwSignal::new(String::new());
    // How many match, and the first SHOWN of them: no copy of the whole list.
    let filtered = Memo::new(move |_| {
        let needle = search.get().trim().to_lowercase();
        state.users.with(|users| {
            let mut matching = users.iter().filter(|u| {
                needle.is_empty()
                    || u.name.to_lowercase().contains(&needle)
                    || u.email.to_lowercase().contains(&needle)
            });
            let first: Vec<UserSummary> = matching.by_ref().take(SHOWN).cloned().collect();
            (first.len() + matching.count(), first)
        })
    });
    let matching = Signal::derive(move || filtered.with(|(count, _)| *count));
    let shown = Signal::derive(move || filtered.with(|(_, first)| first.clone()));
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
            <AgencySwitcher />
            <span class="who" data-testid="signed-in-as">{who}</span>
            <button class="link" on:click=move |_| account.update(|open| *open = !*open)
                data-testid="account">
                "Password"
            </button>
            <button class="link" on:click=sign_out data-testid="sign-out">"Sign out"</button>
        </header>
        <main class="page">
            <Show when=move || account.get()>
                <ChangePassword on_close=move || account.set(false) />
            </Show>
            <div class="page-head">
                <h1>"Users"</h1>
                <span class="count" data-testid="user-count">
                    {move || format!("{} people", state.users.get().len())}
                </span>
            </div>
            <SyncPanel />
            <input
                class="search"
                type="search"
                placeholder="Search by name or e-mail"
                aria-label="Search people by name or e-mail"
                data-testid="user-search"
                prop:value=search
                on:input=move |ev| search.set(event_target_value(&ev))
            />
            <UserTable users=shown pending=pending />
            <Show when=move || { matching.get() > SHOWN }>
                <p class="muted" data-testid="list-cut">
                    {move || format!(
                        "Showing the first {SHOWN} of {} people; search to find someone.",
                        matching.get(),
                    )}
                </p>
            </Show>
            <Tokens />
        </main>
    }
}
