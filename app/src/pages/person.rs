//! A person's page: who they are, their state, their roles at each node, their invitation,
//! what they may do where and why, their history, and deleting them.

use domain::api::{NewGrant, RoleAtNode, RoleChange, RoleInfo, UserDetail};
use domain::command::OfflineCommand;
use domain::{Capability, Name, Node, NodeId, RoleRef, UserId, UserState};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::{self, ApiError};
use crate::components::dialog::Confirm;
use crate::components::form::sentence;
use crate::components::local_time;
use crate::components::toast;
use crate::components::tree_picker::TreePicker;
use crate::pages::account::words;
use crate::pages::agent_settings::{AgentSettingsCard, May};
use crate::reach;
use crate::state::AppState;

/// What the page reads, together: the person, the tree, the roles.
#[derive(Clone, PartialEq)]
struct Loaded {
    detail: UserDetail,
    nodes: Vec<Node>,
    roles: Vec<RoleInfo>,
}

/// The role being added on a person's page.
#[derive(Clone, Copy)]
struct RoleDraft {
    adding: RwSignal<bool>,
    role: RwSignal<String>,
    node: RwSignal<Vec<NodeId>>,
}

/// `/people/{id}`.
#[component]
pub fn Person() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    // Bumped after each change, to read the person again.
    let version = RwSignal::new(0_u32);
    let loaded = LocalResource::new(move || {
        let id = id.get();
        version.track();
        async move {
            let detail = api::person(&id).await?;
            let nodes = api::nodes().await.map(|l| l.nodes).unwrap_or_default();
            let roles = api::roles().await.map(|l| l.roles).unwrap_or_default();
            Ok::<_, ApiError>(Loaded {
                detail,
                nodes,
                roles,
            })
        }
    });
    let reload = move || version.update(|v| *v += 1);
    // A role being added survives the page being read again.
    provide_context(RoleDraft {
        adding: RwSignal::new(false),
        role: RwSignal::new(String::new()),
        node: RwSignal::new(Vec::new()),
    });
    // The page stays as it is while it is read again after a change.
    let shown = RwSignal::new(None::<Result<Loaded, ApiError>>);
    Effect::new(move |_| {
        // Drawn again only when something changed: an open form stays as it is.
        if let Some(answer) = loaded.get()
            && shown.with_untracked(|s| s.as_ref() != Some(&answer))
        {
            shown.set(Some(answer));
        }
    });
    // What this browser predicts of the person (a change waiting to sync applied) wins over
    // the last answer read, so the page shows a change at once, online or not.
    let state = expect_context::<AppState>();
    let live = Memo::new(move |_| {
        let id = id.get();
        state.users.with(|rows| {
            rows.iter()
                .find(|r| r.id.0 == id)
                .map(|r| (r.name.clone(), r.state))
        })
    });
    view! {
        <main class="page person">
            <p class="crumbs"><A href="/people">"← People"</A></p>
            {move || match shown.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(ApiError::Problem(p))) if p.status == 404 => view! {
                    <section class="card panel" data-testid="person-missing">
                        <h1>"No such person"</h1>
                        <p class="muted">"They are not in this agency, or not in the part of it you may see."</p>
                    </section>
                }.into_any(),
                Some(Err(e)) => view! {
                    <p class="error" role="alert" data-testid="person-error">{words(e)}</p>
                }.into_any(),
                Some(Ok(mut loaded)) => {
                    if let Some((name, now)) = live.get()
                        && loaded.detail.user.state != UserState::Deleted
                    {
                        loaded.detail.user.name = name;
                        loaded.detail.user.state = now;
                    }
                    view! { <PersonView loaded=loaded reload=reload /> }.into_any()
                }
            }}
        </main>
    }
}

#[component]
fn PersonView(loaded: Loaded, reload: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let state = expect_context::<AppState>();
    let Loaded {
        detail,
        nodes,
        roles,
    } = loaded;
    let user = detail.user.clone();
    let me = state.is_me(&user.id);
    let access = state
        .me
        .get_untracked()
        .map(|m| m.access)
        .unwrap_or_default();
    // Where the person holds a role, whether the signed-in one may do `cap` at one of them.
    let may_at_theirs = |cap: Capability| reach::over_person(&access, &nodes, &detail.roles, cap);
    let may_suspend = !me && may_at_theirs(Capability::UsersSuspend);
    let may_edit = may_at_theirs(Capability::UsersEdit);
    let may_delete = !me && may_at_theirs(Capability::UsersDelete);
    let may_invite = may_at_theirs(Capability::UsersInvite);
    let may_settings = May {
        manage: may_edit,
        own: me,
        numbers: may_at_theirs(Capability::NumbersAssign),
    };
    let deleted = user.state == UserState::Deleted;

    view! {
        <div class="page-head person-head">
            <span class="avatar" aria-hidden="true">{initials(&user.name)}</span>
            <div>
                <h1 data-testid="person-name">{user.name.clone()}</h1>
                <p class="muted" data-testid="person-email">{user.email.clone()}</p>
            </div>
            <span class=format!("state {}", user.state.as_str()) data-testid="person-state">
                {user.state.label()}
            </span>
        </div>
        {(!deleted).then(|| view! {
            <div class="person-grid">
                <Profile user=user.clone() may_edit=may_edit reload=reload />
                <StateCard user=user.clone() last_sign_in_at=detail.last_sign_in_at may=may_suspend me=me reload=reload />
                <Invitation user=user.clone() may=may_invite reload=reload />
                <Roles user=user.id.clone() roles=detail.roles.clone() nodes=nodes.clone()
                    catalogue=roles.clone() reload=reload />
                <AgentSettingsCard user=user.clone() may=may_settings reload=reload />
                <Access user=user.id.clone() invited=user.state == UserState::Invited
                    roles=detail.roles.clone() nodes=nodes.clone() />
                <History user=user.id.clone() />
                {may_delete.then(|| view! { <Delete user=user.clone() /> })}
            </div>
        })}
        {deleted.then(|| view! {
            <section class="card panel">
                <h2>"History"</h2>
                <HistoryLines lines=detail.history.clone() />
            </section>
        })}
    }
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect::<String>()
        .to_uppercase()
}

/// Name and address. A name change is decided here and queued, so it works offline.
#[component]
fn Profile(
    user: domain::User,
    may_edit: bool,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let name = RwSignal::new(user.name.clone());
    let error = RwSignal::new(None::<String>);
    let id = user.id.clone();
    let saving = Action::new_local(move |command: &OfflineCommand| {
        let command = command.clone();
        async move {
            state.change(command).await;
            let refused = state.replica.with_untracked(|r| !r.refused.is_empty());
            if !refused {
                toast::done("The name is saved.");
            }
            reload();
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match Name::parse(&name.get_untracked()) {
            Err(e) => error.set(Some(sentence(&e.to_string()))),
            Ok(parsed) => {
                error.set(None);
                saving.dispatch(OfflineCommand::EditProfile {
                    user: id.clone(),
                    name: Some(parsed),
                    email: None,
                });
            }
        }
    };
    view! {
        <section class="card panel" data-testid="person-profile">
            <h2>"Profile"</h2>
            {if may_edit {
                view! {
                    <form on:submit=save novalidate>
                        <label>"Name"
                            <input type="text" bind:value=name data-testid="person-name-input"
                                autocomplete="off"
                                aria-invalid=move || error.with(Option::is_some).to_string() />
                        </label>
                        {move || error.get().map(|e| view! {
                            <span class="field-error" role="alert" data-testid="person-name-error">{e}</span>
                        })}
                        <button type="submit" data-testid="person-name-save"
                            prop:disabled=move || saving.pending().get()>"Save name"</button>
                    </form>
                }.into_any()
            } else {
                view! { <p class="muted">"You may not change this person's details."</p> }.into_any()
            }}
            <p class="muted small">{match user.state {
                UserState::Invited => "Their address can be corrected until they accept the invitation.",
                _ => "Only they can change their address, from their own account.",
            }}</p>
        </section>
    }
}

/// What went wrong with a change only the Worker can make: offline, it says so plainly.
pub(crate) fn needs_worker(error: ApiError, doing: &str) -> String {
    match error {
        ApiError::Offline => format!(
            "{doing} needs a connection to Switchboard, and there is none now. Nothing was changed; try again once you are online."
        ),
        other => words(other),
    }
}

/// Active or suspended, and switching between them, confirmed first.
#[component]
fn StateCard(
    user: domain::User,
    /// When they last signed in, if ever.
    last_sign_in_at: Option<i64>,
    may: bool,
    me: bool,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let open = RwSignal::new(false);
    let (label, command, explain) = match user.state {
        UserState::Active => (
            "Suspend",
            Some(OfflineCommand::Suspend {
                user: user.id.clone(),
            }),
            "They are signed out at once and cannot sign in until unsuspended. Their roles, numbers and history stay.",
        ),
        UserState::Suspended => (
            "Unsuspend",
            Some(OfflineCommand::Unsuspend {
                user: user.id.clone(),
            }),
            "They can sign in again at once, with the roles they had.",
        ),
        _ => ("", None, ""),
    };
    let name = user.name.clone();
    let title = format!("{label} {name}?");
    let changing = Action::new_local(move |command: &OfflineCommand| {
        let command = command.clone();
        async move {
            state.change(command).await;
            toast::done("Saved. The change is syncing.");
            reload();
        }
    });
    let run = move |()| {
        if let Some(command) = command.clone() {
            changing.dispatch(command);
        }
    };
    let about = match user.state {
        UserState::Active => "Active: they can sign in.",
        UserState::Suspended => "Suspended: they cannot sign in.",
        UserState::Invited => "Invited: they have not accepted yet.",
        UserState::NotificationOnly => "Notifications only: they never sign in.",
        UserState::Deleted => "Deleted.",
    };
    view! {
        <section class="card panel" data-testid="person-state-card">
            <h2>"State"</h2>
            <p>{about}</p>
            {(user.state != UserState::NotificationOnly).then(|| view! {
                <p class="muted small" data-testid="person-last-sign-in">
                    {match last_sign_in_at {
                        Some(at) => {
                            let ago = crate::components::since(Some(at), crate::state::now());
                            let when = crate::components::local_time(at);
                            if ago.ends_with("ago") || ago == "Yesterday" || ago == "Just now" {
                                format!("Last signed in {}, on {when}.", ago.to_lowercase())
                            } else {
                                format!("Last signed in on {when}.")
                            }
                        }
                        None => "Has never signed in.".to_owned(),
                    }}
                </p>
            })}
            {(!label.is_empty() && may).then(|| view! {
                <button class=if label == "Suspend" { "destructive" } else { "secondary" }
                    data-testid="person-suspend" prop:disabled=move || changing.pending().get()
                    on:click=move |_| open.set(true)>{label}</button>
            })}
            {(!label.is_empty() && !may).then(|| view! {
                <p class="muted small" data-testid="person-suspend-why">{if me {
                    "You cannot suspend yourself."
                } else {
                    "You may not suspend people where they work."
                }}</p>
            })}
            <Confirm open=open title=title confirm_label=label.to_owned() destructive=label == "Suspend"
                on_confirm=run>
                <p>{explain}</p>
            </Confirm>
        </section>
    }
}

/// An invited person's invitation: until when it holds, resend, revoke.
#[component]
fn Invitation(
    user: domain::User,
    may: bool,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if user.state != UserState::Invited {
        return None;
    }
    let open = RwSignal::new(false);
    let id = user.id.0.clone();
    let email = user.email.clone();
    // Sending again and revoking: one write at a time, the buttons waiting while it runs.
    let act = Action::new_local(move |revoke: &bool| {
        let (revoke, id, email) = (*revoke, id.clone(), email.clone());
        async move {
            let outcome = if revoke {
                api::revoke_invitation(&id).await
            } else {
                api::resend_invitation(&id).await
            };
            match (outcome, revoke) {
                (Ok(()), true) => toast::done("The invitation is revoked."),
                (Ok(()), false) => toast::done(format!(
                    "A new link is on its way to {email}; the old one no longer works."
                )),
                (Err(e), true) => toast::failed(needs_worker(e, "Revoking an invitation")),
                (Err(e), false) => toast::failed(needs_worker(e, "Sending an invitation")),
            }
            reload();
        }
    });
    let busy = act.pending();
    let resend = move |_| {
        act.dispatch(false);
    };
    let revoke = move |()| {
        act.dispatch(true);
    };
    let until = user
        .invitation_expires_at
        .map(|at| format!("The link works until {}.", local_time(at)))
        .unwrap_or_default();
    Some(view! {
        <section class="card panel" data-testid="person-invitation">
            <h2>"Invitation"</h2>
            <p>{until}</p>
            {may.then(|| view! {
                <div class="actions-row">
                    <button class="secondary" data-testid="person-resend" on:click=resend
                        disabled=move || busy.get()>"Send again"</button>
                    <button class="destructive" data-testid="person-revoke" disabled=move || busy.get()
                        on:click=move |_| open.set(true)>"Revoke"</button>
                </div>
            })}
            <Confirm open=open title="Revoke the invitation?".to_owned() confirm_label="Revoke".to_owned()
                destructive=true on_confirm=revoke>
                <p>"The link stops working and the seat is freed. You can invite them again later."</p>
            </Confirm>
        </section>
    })
}

pub(crate) fn role_ref_of(grant: &RoleAtNode) -> RoleRef {
    grant
        .role_ref()
        .unwrap_or_else(|| RoleRef::Custom(domain::CustomRoleId(grant.role.clone())))
}

pub(crate) fn role_key(role: &RoleRef) -> String {
    match role {
        RoleRef::Builtin(b) => format!("builtin:{}", b.name()),
        RoleRef::Custom(id) => format!("custom:{}", id.0),
    }
}

/// The person's roles, one per node: change one in a step (R13), remove one, add one.
#[component]
fn Roles(
    user: UserId,
    roles: Vec<RoleAtNode>,
    nodes: Vec<Node>,
    catalogue: Vec<RoleInfo>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let access = state
        .me
        .get_untracked()
        .map(|m| m.access)
        .unwrap_or_default();
    let removing = RwSignal::new(None::<RoleAtNode>);
    let remove_open = RwSignal::new(false);
    let catalogue = StoredValue::new(catalogue);
    let nodes_sv = StoredValue::new(nodes.clone());
    let access_sv = StoredValue::new(access.clone());
    let why_not_role = move |node: &NodeId, role: &RoleInfo| {
        access_sv.with_value(|a| {
            nodes_sv.with_value(|n| reach::why_not_grant(a, n, node, role.capabilities))
        })
    };

    // The role of one grant changed in place (R13: a promotion or demotion in one step). The
    // select goes back to the role they still have if the Worker refuses.
    let changing = Action::new_local(
        move |(grant, role, select, before): &(
            String,
            RoleRef,
            web_sys::HtmlSelectElement,
            String,
        )| {
            let (grant, role, select, before) =
                (grant.clone(), role.clone(), select.clone(), before.clone());
            async move {
                match api::change_role(&grant, &RoleChange { role }).await {
                    Ok(_) => toast::done("The role is changed."),
                    Err(e) => {
                        select.set_value(&before);
                        toast::failed(needs_worker(e, "Changing a role"));
                    }
                }
                reload();
                state.sync_now().await;
            }
        },
    );
    let rows = roles
        .iter()
        .map(|grant| {
            let grant = grant.clone();
            let node = NodeId(grant.node_id.clone());
            let current = role_key(&role_ref_of(&grant));
            let may_change = access_sv.with_value(|a| {
                nodes_sv.with_value(|n| reach::why_not(a, n, &node, Capability::UsersRoles))
            });
            let grant_id = grant.grant.clone();
            let before = current.clone();
            let change = move |ev: leptos::ev::Event| {
                let select: web_sys::HtmlSelectElement = event_target(&ev);
                let chosen = select.value();
                let before = before.clone();
                let Some(role) = catalogue.with_value(|c| {
                    c.iter().find(|r| role_key(&r.role) == chosen).map(|r| r.role.clone())
                }) else {
                    return;
                };
                changing.dispatch((grant_id.clone(), role, select, before));
            };
            let options = catalogue.with_value(|c| {
                c.iter()
                    .map(|r| {
                        let key = role_key(&r.role);
                        let why = why_not_role(&node, r);
                        let selected = key == current;
                        let label = match &why {
                            Some(_) if !selected => format!("{} (not yours to give)", r.name),
                            _ => r.name.clone(),
                        };
                        view! {
                            <option value=key selected=selected disabled=why.is_some() && !selected>{label}</option>
                        }
                    })
                    .collect_view()
            });
            let g = grant.clone();
            let label = format!("Role in {}", grant.node);
            view! {
                <li class="grant-row" data-testid="grant-row">
                    <span class="grant-node"><strong>{grant.node.clone()}</strong></span>
                    {match may_change.clone() {
                        None => view! {
                            <select aria-label=label data-testid="grant-role" on:change=change
                                prop:disabled=move || changing.pending().get()>{options}</select>
                            <button class="link" data-testid="grant-remove"
                                on:click=move |_| { removing.set(Some(g.clone())); remove_open.set(true); }>
                                "Remove"
                            </button>
                        }.into_any(),
                        Some(why) => view! {
                            <span data-testid="grant-role-fixed">{grant.role.clone()}</span>
                            <span class="why">{why}</span>
                        }.into_any(),
                    }}
                </li>
            }
        })
        .collect_view();

    let removal = Action::new_local(move |grant: &RoleAtNode| {
        let grant = grant.clone();
        async move {
            match api::revoke_grant(&grant.grant).await {
                Ok(()) => toast::done(format!("{} in {} is removed.", grant.role, grant.node)),
                Err(e) => toast::failed(needs_worker(e, "Removing a role")),
            }
            reload();
            state.sync_now().await;
        }
    });
    let remove = move |()| {
        if let Some(grant) = removing.get_untracked() {
            removal.dispatch(grant);
        }
    };
    let remove_title = Signal::derive(move || {
        removing
            .get()
            .map(|g| format!("Remove {} in {}?", g.role, g.node))
            .unwrap_or_default()
    });

    // Adding a role: which, and where.
    let RoleDraft {
        adding,
        role: new_role,
        node: new_node,
    } = expect_context::<RoleDraft>();
    let add_error = RwSignal::new(None::<String>);
    let user_id = user.clone();
    let granting = Action::new_local(move |(role, node): &(RoleInfo, NodeId)| {
        let (user, role, node) = (user_id.clone(), role.clone(), node.clone());
        async move {
            let grant = NewGrant {
                id: None,
                role: role.role.clone(),
                node,
                starts_at: None,
                ends_at: None,
            };
            match api::grant(&user.0, &grant).await {
                Ok(_) => {
                    toast::done(format!("{} is added.", role.name));
                    adding.set(false);
                    new_role.set(String::new());
                    new_node.set(Vec::new());
                    reload();
                    state.sync_now().await;
                }
                Err(e) => add_error.set(Some(needs_worker(e, "Adding a role"))),
            }
        }
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(role) = catalogue.with_value(|c| {
            c.iter()
                .find(|r| role_key(&r.role) == new_role.get_untracked())
                .cloned()
        }) else {
            add_error.set(Some("Choose a role.".into()));
            return;
        };
        let Some(node) = new_node.get_untracked().first().cloned() else {
            add_error.set(Some("Choose where they have it.".into()));
            return;
        };
        if let Some(why) = why_not_role(&node, &role) {
            add_error.set(Some(why));
            return;
        }
        add_error.set(None);
        granting.dispatch((role, node));
    };
    let nodes_signal = Signal::derive(move || nodes_sv.get_value());
    let why_not_node = Callback::new(move |node: NodeId| {
        access_sv.with_value(|a| {
            nodes_sv.with_value(|n| reach::why_not(a, n, &node, Capability::UsersRoles))
        })
    });
    let may_add = nodes
        .iter()
        .any(|n| reach::why_not(&access, &nodes, &n.id, Capability::UsersRoles).is_none());

    view! {
        <section class="card panel wide" data-testid="person-roles">
            <h2>"Roles"</h2>
            {if roles.is_empty() {
                view! { <p class="muted">"No roles: they can do nothing yet."</p> }.into_any()
            } else {
                view! { <ul class="grants" role="list">{rows}</ul> }.into_any()
            }}
            {may_add.then(|| view! {
                <Show when=move || !adding.get()>
                    <button class="secondary" data-testid="grant-add-open"
                        on:click=move |_| adding.set(true)>"Add a role"</button>
                </Show>
            })}
            <Show when=move || adding.get()>
                <form class="add-grant" on:submit=add novalidate data-testid="grant-add-form">
                    <label>"Role"
                        <select bind:value=new_role data-testid="grant-add-role">
                            <option value="">"Choose a role"</option>
                            {catalogue.with_value(|c| c.iter().map(|r| view! {
                                <option value=role_key(&r.role)>{r.name.clone()}</option>
                            }).collect_view())}
                        </select>
                    </label>
                    <TreePicker nodes=nodes_signal chosen=new_node why_not=why_not_node
                        legend="Where" />
                    {move || add_error.get().map(|e| view! {
                        <p class="error" role="alert" data-testid="grant-add-error">{e}</p>
                    })}
                    <div class="actions-row">
                        <button type="submit" data-testid="grant-add-save"
                            prop:disabled=move || granting.pending().get()>"Add the role"</button>
                        <button type="button" class="secondary"
                            on:click=move |_| adding.set(false)>"Cancel"</button>
                    </div>
                </form>
            </Show>
            <Confirm open=remove_open title=remove_title confirm_label="Remove".to_owned()
                destructive=true on_confirm=remove>
                <p>"They lose what this role gives there, at once, on every device."</p>
            </Confirm>
        </section>
    }
}

/// What the person may do where, each line with the role that gives it.
#[component]
fn Access(user: UserId, invited: bool, roles: Vec<RoleAtNode>, nodes: Vec<Node>) -> impl IntoView {
    let access = LocalResource::new(move || {
        let id = user.0.clone();
        async move { api::access(&id).await }
    });
    let name_of = {
        let nodes = nodes.clone();
        move |id: &NodeId| {
            nodes
                .iter()
                .find(|n| &n.id == id)
                .map_or_else(|| id.0.clone(), |n| n.name.clone())
        }
    };
    view! {
        <section class="card panel wide" data-testid="person-access">
            <h2>"What they can do"</h2>
            {move || match access.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="muted">{words(e)}</p> }.into_any(),
                Some(Ok(a)) if a.access.is_empty() => view! {
                    <p class="muted" data-testid="access-none">{if invited {
                        "Nothing until they accept the invitation."
                    } else {
                        "Nothing: no role of theirs lets them work anywhere now."
                    }}</p>
                }.into_any(),
                Some(Ok(a)) => {
                    let lines = a.access.into_iter().map(|at| {
                        let above = reach::ancestors(&nodes, &at.node);
                        let because = roles
                            .iter()
                            .filter(|g| g.node_id == at.node.0 || above.iter().any(|n| n.0 == g.node_id))
                            .map(|g| if g.node_id == at.node.0 {
                                format!("{} here", g.role)
                            } else {
                                format!("{} in {}, which includes it", g.role, g.node)
                            })
                            .collect::<Vec<_>>()
                            .join("; ");
                        let can = at
                            .capabilities
                            .iter()
                            .filter(|c| *c != Capability::Login)
                            .map(Capability::words)
                            .collect::<Vec<_>>()
                            .join(", ");
                        view! {
                            <li data-testid="access-line">
                                <strong>{name_of(&at.node)}</strong>
                                <span>{format!(": {can}.")}</span>
                                <span class="muted small">{format!(" Because: {because}.")}</span>
                            </li>
                        }
                    }).collect_view();
                    view! { <ul class="access" role="list">{lines}</ul> }.into_any()
                }
            }}
        </section>
    }
}

/// The audit log's entries about the person.
#[component]
fn History(user: UserId) -> impl IntoView {
    let history = LocalResource::new(move || {
        let id = user.0.clone();
        async move { api::history(&id).await }
    });
    view! {
        <section class="card panel wide" data-testid="person-history">
            <h2>"History"</h2>
            {move || match history.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(ApiError::Problem(p))) if p.status == 403 => view! {
                    <p class="muted">"Only people who may read the audit log see a person's history."</p>
                }.into_any(),
                Some(Err(e)) => view! { <p class="muted">{words(e)}</p> }.into_any(),
                Some(Ok(page)) => view! { <HistoryLines lines=page.entries /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn HistoryLines(lines: Vec<domain::api::AuditLine>) -> impl IntoView {
    if lines.is_empty() {
        return view! { <p class="muted">"Nothing recorded yet."</p> }.into_any();
    }
    view! {
        <ol class="history" role="list">
            {lines.into_iter().map(|line| {
                let who = line.actor_name.clone().unwrap_or_else(|| "Switchboard".into());
                view! {
                    <li data-testid="history-line">
                        <span class="muted small">{local_time(line.at)}</span>
                        " "
                        <span>{format!("{who} {}.", domain::audit::action_words(&line.action, line.after.as_ref()))}</span>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}

/// Deleting the person: who takes over their numbers and records (R24), confirmed by typing
/// their name.
#[component]
fn Delete(user: domain::User) -> impl IntoView {
    let state = expect_context::<AppState>();
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let to = RwSignal::new(String::new());
    let others = state.users.with_untracked(|users| {
        users
            .iter()
            .filter(|u| u.id != user.id && u.state == UserState::Active)
            .map(|u| (u.id.0.clone(), u.name.clone()))
            .collect::<Vec<_>>()
    });
    let others = StoredValue::new(others);
    let id = user.id.0.clone();
    let name = user.name.clone();
    // The deletion, with whoever takes over their work ("" for nobody).
    let delete = Action::new_local(move |to: &String| {
        let (id, name, to, navigate) = (id.clone(), name.clone(), to.clone(), navigate.clone());
        async move {
            let reassign = (!to.is_empty()).then_some(to.as_str());
            match api::delete_person(&id, reassign).await {
                Ok(()) => {
                    toast::done(format!("{name} is deleted. Their history stays."));
                    state.sync_now().await;
                    navigate("/people", Default::default());
                }
                Err(e) => toast::failed(needs_worker(e, "Deleting someone")),
            }
        }
    });
    let busy = delete.pending();
    let run = move |()| {
        delete.dispatch(to.get_untracked());
    };
    view! {
        <section class="card panel wide danger" data-testid="person-delete">
            <h2>"Delete"</h2>
            <p class="muted">"Deleting frees their seat. Their numbers, leads and places in call routing can go to someone else first; their history keeps their name."</p>
            <button class="destructive" data-testid="person-delete-open" disabled=move || busy.get()
                on:click=move |_| open.set(true)>
                {format!("Delete {}", user.name)}
            </button>
            <Confirm open=open title=format!("Delete {}?", user.name) confirm_label="Delete".to_owned()
                destructive=true type_to_confirm=user.name.clone() on_confirm=run>
                <label>"Who takes over their numbers and records"
                    <select bind:value=to data-testid="delete-reassign">
                        <option value="">"Nobody: leave them unassigned"</option>
                        {others.get_value().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </label>
                <p class="muted small">"This cannot be undone."</p>
            </Confirm>
        </section>
    }
}
