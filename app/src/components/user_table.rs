use std::collections::BTreeSet;

use domain::api::UserSummary;
use domain::sync::OfflineCommand;
use domain::{Capability, UserId, UserState};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::state::AppState;

/// The user list: name, e-mail, state, each role at its node, and the change a person can ask
/// for on the row. A row with a change still waiting to sync says so.
#[component]
pub fn UserTable(
    #[prop(into)] users: Signal<Vec<UserSummary>>,
    /// The people with a change still waiting to sync.
    #[prop(into)]
    pending: Signal<BTreeSet<UserId>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let rows = move || {
        let pending = pending.get();
        users
            .get()
            .into_iter()
            .map(|user| {
                let waiting = pending.contains(&user.id);
                (user, waiting)
            })
            .collect::<Vec<_>>()
    };
    view! {
        <table class="users" data-testid="users">
            <thead>
                <tr>
                    <th>"Name"</th>
                    <th>"E-mail"</th>
                    <th>"State"</th>
                    <th>"Roles"</th>
                    <th><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                // The key holds everything shown, so a row changed by a pull or a pending change
                // is drawn again.
                <For
                    each=rows
                    key=|(user, waiting)| (user.clone(), *waiting)
                    let((user, waiting))
                >
                    <tr data-testid="user-row" class:waiting=waiting>
                        <td class="name">{user.name.clone()}</td>
                        <td class="email">{user.email.clone()}</td>
                        <td>
                            <span class=format!("state {}", user.state.as_str()) data-testid="user-state">
                                {user.state.label()}
                            </span>
                            {waiting.then(|| view! {
                                <span class="waiting-note" data-testid="row-waiting">" · waiting to sync"</span>
                            })}
                        </td>
                        <td class="roles">
                            {user
                                .roles
                                .iter()
                                .map(|grant| {
                                    view! {
                                        <span class="role">
                                            {grant.role.clone()}
                                            <span class="at">" in "</span>
                                            {grant.node.clone()}
                                        </span>
                                    }
                                })
                                .collect_view()}
                        </td>
                        <td class="actions">
                            {
                                let user = user.clone();
                                move || action(state, &user)
                            }
                        </td>
                    </tr>
                </For>
            </tbody>
        </table>
    }
}

/// Suspend or unsuspend, for anyone but oneself, shown to people who may suspend somewhere;
/// the Worker decides whether it may be done to this person.
fn action(state: AppState, user: &UserSummary) -> Option<impl IntoView + use<>> {
    if state.is_me(&user.id) || !state.may_anywhere(Capability::UsersSuspend) {
        return None;
    }
    let (label, command) = match user.state {
        UserState::Active => (
            "Suspend",
            OfflineCommand::Suspend {
                user: user.id.clone(),
            },
        ),
        UserState::Suspended => (
            "Unsuspend",
            OfflineCommand::Unsuspend {
                user: user.id.clone(),
            },
        ),
        _ => return None,
    };
    let name = user.name.clone();
    Some(view! {
        <button
            class="small"
            data-testid="row-action"
            aria-label=format!("{label} {name}")
            on:click=move |_| spawn_local(state.change(command.clone()))
        >
            {label}
        </button>
    })
}
