use leptos::prelude::*;

use crate::state::Sync;

/// Says whether what is shown is confirmed by the Worker or saved from before.
#[component]
pub fn SyncBadge(#[prop(into)] sync: Signal<Sync>) -> impl IntoView {
    let text = move || match sync.get() {
        Sync::Loading => ("syncing", "Updating…".to_owned()),
        Sync::Fresh => ("fresh", "Up to date".to_owned()),
        Sync::Offline => ("offline", "Offline — showing saved data".to_owned()),
        Sync::Failed(why) => ("failed", why),
    };
    view! {
        <span class=move || format!("badge {}", text().0) data-testid="sync-state"
            role="status">{move || text().1}</span>
    }
}
