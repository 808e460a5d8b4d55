use domain::command::OfflineCommand;
use domain::sync::Refused;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::state::AppState;

/// Changes waiting to sync, the first sync's progress, and the changes the Worker refused,
/// each with its reason in words (and its rule, small, beside it) until the person dismisses it.
#[component]
pub fn SyncPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let pending = move || state.replica.with(|r| r.pending.len());
    let refused = move || state.replica.with(|r| r.refused.clone());
    view! {
        <Show when=move || state.progress.get().is_some()>
            <div class="progress" data-testid="sync-progress" role="progressbar"
                aria-label="Loading the people you can see">
                <div class="bar"></div>
                <span>{move || format!("Loading people… {} so far", state.progress.get().unwrap_or(0))}</span>
            </div>
        </Show>
        <Show when=move || { pending() > 0 }>
            <p class="pending" data-testid="pending-count" role="status">
                {move || match pending() {
                    1 => "1 change waiting to sync".to_owned(),
                    n => format!("{n} changes waiting to sync"),
                }}
            </p>
        </Show>
        <ul class="refusals" data-testid="refusals">
            <For each=refused key=refusal_key let(refusal)>
                {
                    let id = refusal.mutation.id.clone();
                    view! {
                        <li class="refused" data-testid="refused" role="alert">
                            <span>
                                <strong>{describe(state, &refusal)}</strong>
                                " was not done: " {refusal.problem.detail.clone()}
                                {refusal.problem.rule.clone().map(|rule| view! {
                                    " "
                                    <small class="why" data-testid="refused-rule"
                                        title="The rule of Switchboard that refused it">
                                        {format!("Rule {rule}")}
                                    </small>
                                })}
                            </span>
                            <button class="link" data-testid="dismiss"
                                on:click=move |_| spawn_local(state.dismiss(id.clone()))>
                                "Dismiss"
                            </button>
                        </li>
                    }
                }
            </For>
        </ul>
    }
}

type Refusal = Refused<OfflineCommand>;

fn refusal_key(refusal: &Refusal) -> String {
    refusal.mutation.id.clone()
}

/// The refused change in words, naming the person by the name the list shows.
fn describe(state: AppState, refusal: &Refusal) -> String {
    let name = |user: &domain::UserId| {
        state.replica.with_untracked(|r| {
            r.rows
                .get(user)
                .map_or_else(|| user.0.clone(), |u| u.name.clone())
        })
    };
    match &refusal.mutation.command {
        OfflineCommand::Suspend { user } => format!("Suspending {}", name(user)),
        OfflineCommand::Unsuspend { user } => format!("Unsuspending {}", name(user)),
        OfflineCommand::EditProfile { user, .. } => format!("Editing {}", name(user)),
    }
}
