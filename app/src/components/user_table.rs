use domain::api::UserSummary;
use leptos::prelude::*;

/// The user list: name, e-mail, state, and each role at its node.
#[component]
pub fn UserTable(#[prop(into)] users: Signal<Vec<UserSummary>>) -> impl IntoView {
    view! {
        <table class="users" data-testid="users">
            <thead>
                <tr>
                    <th>"Name"</th>
                    <th>"E-mail"</th>
                    <th>"State"</th>
                    <th>"Roles"</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || users.get() key=|user| user.id.clone() let(user)>
                    <tr data-testid="user-row">
                        <td class="name">{user.name.clone()}</td>
                        <td class="email">{user.email.clone()}</td>
                        <td>
                            <span class=format!("state {}", user.state.as_str())>
                                {user.state.label()}
                            </span>
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
                    </tr>
                </For>
            </tbody>
        </table>
    }
}
