use domain::api::UserSummary;
use domain::sync::Change;
use leptos::prelude::*;

use std::collections::BTreeSet;

use crate::components::{sync_panel::SyncPanel, user_table::UserTable};
use crate::state::AppState;

/// The most rows the list draws at once.
const SHOWN: usize = 200;

/// The agency's people, as far as the signed-in person may see them.
#[component]
pub fn Users() -> impl IntoView {
    let state = expect_context::<AppState>();
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
        <main class="page">
            <div class="page-head">
                <h1>"People"</h1>
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
        </main>
    }
}
