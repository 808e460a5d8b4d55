//! What a screen shows when it has nothing to list: why, and what to do next.

use leptos::prelude::*;

/// An empty state: a title, and a sentence or an action below it.
#[component]
pub fn Empty(title: &'static str, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    view! {
        <div class="empty" data-testid="empty">
            <p class="empty-title">{title}</p>
            {children.map(|c| c())}
        </div>
    }
}
