//! Roles: what each role allows, as a matrix of capabilities (grouped and named in words)
//! against the built-in roles and the agency's own; who holds each, where; and the agency's own
//! roles made (from scratch or copied from another), edited and deleted in the same words (R20).
//! What the editor may not give is disabled with the reason (R11), and before an edit is saved
//! it says how many people it changes. The Worker decides again.

use std::collections::BTreeSet;

use domain::api::{RoleDefinition, RoleInfo, UserSummary};
use domain::{Capability, CapabilitySet, CustomRoleId, Name, RoleRef, UserId};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::dialog::Confirm;
use crate::components::form::sentence;
use crate::components::toast;
use crate::components::tokens::by_subject;
use crate::pages::add_person::describe;
use crate::pages::person::{needs_worker, role_ref_of};
use crate::reach;
use crate::state::AppState;

/// One person holding a role at one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holding {
    pub user: UserId,
    pub name: String,
    pub node: String,
}

/// Who among `users` holds `role`, and where, by name.
pub fn holdings(users: &[UserSummary], role: &RoleRef) -> Vec<Holding> {
    let mut out: Vec<Holding> = users
        .iter()
        .flat_map(|u| {
            u.roles
                .iter()
                .filter(|g| &role_ref_of(g) == role)
                .map(|g| Holding {
                    user: u.id.clone(),
                    name: u.name.clone(),
                    node: g.node.clone(),
                })
        })
        .collect();
    out.sort_by(|a, b| (a.name.to_lowercase(), &a.node).cmp(&(b.name.to_lowercase(), &b.node)));
    out
}

/// How many different people hold `role`: whom an edit of it changes at once (R20).
pub fn people_holding(users: &[UserSummary], role: &RoleRef) -> usize {
    holdings(users, role)
        .into_iter()
        .map(|h| h.user)
        .collect::<BTreeSet<_>>()
        .len()
}

/// A role being made or edited.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Draft {
    /// The role edited; `None` for a new one.
    id: Option<CustomRoleId>,
    name: String,
    capabilities: CapabilitySet,
}

/// The Roles screen.
#[component]
pub fn Roles() -> impl IntoView {
    let state = expect_context::<AppState>();
    let list = LocalResource::new(api::roles);
    let node_list = LocalResource::new(api::nodes);
    let roles = crate::components::loaded(list, |l| l.roles);
    // What the person may do across the agency: a role can allow only that (R11), and shaping
    // roles needs changing roles at the top (R20).
    let access = state.access();
    let at_top = Memo::new(move |_| {
        node_list.with(|l| {
            let nodes = l
                .as_ref()
                .and_then(|l| l.as_ref().ok())
                .map(|l| l.nodes.clone())
                .unwrap_or_default();
            access.with(|a| reach::caps_at_top(a, &nodes))
        })
    });
    let may_shape = move || at_top.get().contains(Capability::UsersRoles);

    let selected = RwSignal::new(None::<RoleRef>);
    let draft = RwSignal::new(None::<Draft>);
    let open_new = move |from: Option<RoleInfo>| {
        draft.set(Some(Draft {
            id: None,
            name: from
                .as_ref()
                .map(|r| format!("{} (copy)", r.name))
                .unwrap_or_default(),
            // A copy takes only what the editor may give.
            capabilities: from.map_or(CapabilitySet::EMPTY.with(Capability::Login), |r| {
                CapabilitySet::of(
                    &r.capabilities
                        .iter()
                        .filter(|c| at_top.get_untracked().contains(*c))
                        .collect::<Vec<_>>(),
                )
            }),
        }));
    };

    view! {
        <main class="page roles">
            <div class="page-head">
                <h1>"Roles"</h1>
                <span class="count" data-testid="role-count">
                    {move || format!("{} roles", roles.with(Vec::len))}
                </span>
                <span class="spacer"></span>
                <Show when=may_shape>
                    <button data-testid="role-new" on:click=move |_| open_new(None)>"New role"</button>
                </Show>
            </div>
            <p class="muted">"What each role lets its holders do, in the accounts where they hold it and everything under them. Choose a role to see who holds it; your agency's own roles can be edited."</p>
            // Drawn again for each draft opened: a new role, a copy, or an edit.
            {move || draft.get().map(|_| view! {
                <Editor draft=draft roles=roles may_give=at_top reload=move || list.refetch() />
            })}
            <Show when=move || selected.with(Option::is_some) && draft.with(Option::is_none)>
                <RolePanel selected=selected roles=roles draft=draft may_shape=Signal::derive(may_shape)
                    may_give=at_top reload=move || list.refetch() open_new=open_new />
            </Show>
            {move || match list.get() {
                None => view! { <p class="muted">"Loading the roles…"</p> }.into_any(),
                Some(Err(e)) => view! {
                    <p class="error" role="alert">{crate::pages::account::words(e)}</p>
                }.into_any(),
                Some(Ok(_)) => view! { <Matrix roles=roles selected=selected /> }.into_any(),
            }}
        </main>
    }
}

/// The capabilities down the side, the roles across the top.
#[component]
fn Matrix(roles: Signal<Vec<RoleInfo>>, selected: RwSignal<Option<RoleRef>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let counts = Memo::new(move |_| {
        roles.with(|roles| {
            state.users.with(|users| {
                roles
                    .iter()
                    .map(|r| people_holding(users, &r.role))
                    .collect::<Vec<_>>()
            })
        })
    });
    view! {
        <div class="matrix-wrap" data-testid="role-matrix">
            <table class="matrix">
                <caption class="visually-hidden">"What each role allows"</caption>
                <thead>
                    <tr>
                        <th scope="col">"What they may do"</th>
                        {move || roles.get().into_iter().enumerate().map(|(i, r)| {
                            let role = r.role.clone();
                            let chosen = {
                                let role = role.clone();
                                move || selected.with(|s| s.as_ref() == Some(&role))
                            };
                            let custom = matches!(r.role, RoleRef::Custom(_));
                            view! {
                                <th scope="col" class:custom=custom>
                                    <button class="link role-head" data-testid="role-head"
                                        aria-pressed=move || chosen().to_string()
                                        on:click=move |_| selected.set(Some(role.clone()))>
                                        {r.name.clone()}
                                    </button>
                                    <span class="muted small" data-testid="role-holders-count">
                                        {move || match counts.with(|c| c.get(i).copied().unwrap_or_default()) {
                                            1 => "1 person".to_owned(),
                                            n => format!("{n} people"),
                                        }}
                                    </span>
                                </th>
                            }
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let roles = roles.get();
                        by_subject().into_iter().map(|(subject, caps)| {
                            let span = roles.len() + 1;
                            let rows = caps.into_iter().map(|c| {
                                let cells = roles.iter().map(|r| {
                                    if r.capabilities.contains(c) {
                                        view! { <td class="yes"><span aria-hidden="true">"✓"</span><span class="visually-hidden">"Yes"</span></td> }.into_any()
                                    } else {
                                        view! { <td><span class="visually-hidden">"No"</span></td> }.into_any()
                                    }
                                }).collect_view();
                                view! {
                                    <tr data-testid="capability-row">
                                        <th scope="row">{c.words()}</th>
                                        {cells}
                                    </tr>
                                }
                            }).collect_view();
                            view! {
                                <tr class="subject"><th scope="colgroup" colspan=span>{subject}</th></tr>
                                {rows}
                            }
                        }).collect_view()
                    }}
                </tbody>
            </table>
        </div>
    }
}

/// The role chosen in the matrix: what it is for, who holds it and where; a copy of it, or (for
/// the agency's own) editing and deleting it.
#[component]
fn RolePanel(
    selected: RwSignal<Option<RoleRef>>,
    roles: Signal<Vec<RoleInfo>>,
    draft: RwSignal<Option<Draft>>,
    may_shape: Signal<bool>,
    may_give: Memo<CapabilitySet>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
    #[prop(into)] open_new: Callback<Option<RoleInfo>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let role = Memo::new(move |_| {
        selected.with(|s| {
            roles.with(|all| {
                s.as_ref()
                    .and_then(|s| all.iter().find(|r| &r.role == s).cloned())
            })
        })
    });
    let held = Memo::new(move |_| {
        role.with(|r| {
            r.as_ref()
                .map(|r| state.users.with(|u| holdings(u, &r.role)))
                .unwrap_or_default()
        })
    });
    let confirm_delete = RwSignal::new(false);
    let deleting = Action::new_local(move |id: &CustomRoleId| {
        let id = id.clone();
        async move {
            match api::delete_role(&id.0).await {
                Ok(()) => {
                    toast::done("The role is deleted.");
                    selected.set(None);
                    reload();
                }
                Err(e) => toast::failed(needs_worker(e, "Deleting a role")),
            }
        }
    });
    move || {
        role.get().map(|r| {
            let custom = match &r.role {
                RoleRef::Custom(id) => Some(id.clone()),
                RoleRef::Builtin(_) => None,
            };
            let holders = held.get();
            let people = holders.iter().map(|h| &h.user).collect::<BTreeSet<_>>().len();
            // R11: a role can be edited or deleted only by someone who could give all of it.
            let beyond = r.capabilities.minus(may_give.get());
            let why_not_edit = if !may_shape.get() {
                Some("You may not change roles across the agency.".to_owned())
            } else if !beyond.is_empty() {
                Some(format!(
                    "It lets its holders {}, which you may not do yourself; another administrator must change it.",
                    beyond.iter().next().map(Capability::words).unwrap_or_default()
                ))
            } else {
                None
            };
            let why_not_delete = why_not_edit.clone().or_else(|| {
                (people > 0).then(|| format!(
                    "{people} {} it: give them another role first.",
                    if people == 1 { "person holds" } else { "people hold" }
                ))
            });
            let copy_from = r.clone();
            let edit_from = r.clone();
            let name = r.name.clone();
            let delete_id = custom.clone();
            view! {
                <section class="card panel wide role-panel" data-testid="role-panel">
                    <h2 data-testid="role-panel-name">{r.name.clone()}</h2>
                    <p class="muted">{describe(&r)}</p>
                    <div class="actions">
                        {may_shape.get().then(|| view! {
                            <button class="secondary" data-testid="role-copy"
                                on:click=move |_| open_new.run(Some(copy_from.clone()))>"Copy into a new role"</button>
                        })}
                        {custom.is_some().then(|| match why_not_edit.clone() {
                            None => view! {
                                <button data-testid="role-edit" on:click=move |_| {
                                    if let RoleRef::Custom(id) = &edit_from.role {
                                        draft.set(Some(Draft {
                                            id: Some(id.clone()),
                                            name: edit_from.name.clone(),
                                            capabilities: edit_from.capabilities,
                                        }));
                                    }
                                }>"Edit"</button>
                            }.into_any(),
                            Some(why) => view! { <p class="muted" data-testid="role-edit-why">{why}</p> }.into_any(),
                        })}
                        {custom.is_some().then(|| match why_not_delete.clone() {
                            None => view! {
                                <button class="destructive" data-testid="role-delete"
                                    prop:disabled=move || deleting.pending().get()
                                    on:click=move |_| confirm_delete.set(true)>"Delete"</button>
                            }.into_any(),
                            Some(why) => view! { <p class="muted" data-testid="role-delete-why">{why}</p> }.into_any(),
                        })}
                        <button class="link" on:click=move |_| selected.set(None)>"Close"</button>
                    </div>
                    <h3>"Who holds it"</h3>
                    {if holders.is_empty() {
                        view! { <p class="muted" data-testid="role-nobody">"Nobody you can see holds it."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="grants" role="list">
                                {holders.into_iter().map(|h| view! {
                                    <li class="grant-row" data-testid="role-holder">
                                        <A href=format!("/people/{}", h.user.0)>{h.name}</A>
                                        <span class="muted">{format!("in {}", h.node)}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <Confirm open=confirm_delete title=format!("Delete {name}?") confirm_label="Delete".to_owned()
                        destructive=true on_confirm=move |()| {
                            if let Some(id) = delete_id.clone() {
                                deleting.dispatch(id);
                            }
                        }>
                        <p>"Nobody holds it, so nobody loses anything. It is gone from the lists of roles to give."</p>
                    </Confirm>
                </section>
            }
        })
    }
}

/// Making or editing one of the agency's own roles.
#[component]
fn Editor(
    draft: RwSignal<Option<Draft>>,
    roles: Signal<Vec<RoleInfo>>,
    may_give: Memo<CapabilitySet>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let start = draft.get_untracked().expect("an open editor has a draft");
    let editing = start.id.clone();
    let title = if editing.is_some() {
        "Edit the role"
    } else {
        "A new role"
    };
    let name = RwSignal::new(start.name.clone());
    let chosen = RwSignal::new(start.capabilities);
    let error = RwSignal::new(None::<String>);
    let caps_error = RwSignal::new(None::<String>);
    let changes = editing.as_ref().map_or(0, |id| {
        state
            .users
            .with_untracked(|u| people_holding(u, &RoleRef::Custom(id.clone())))
    });
    let saving = Action::new_local(
        move |(id, definition): &(Option<CustomRoleId>, RoleDefinition)| {
            let (id, definition) = (id.clone(), definition.clone());
            async move {
                let outcome = match &id {
                    Some(id) => api::edit_role(&id.0, &definition).await,
                    None => api::create_role(&definition).await,
                };
                match outcome {
                    Ok(()) => {
                        toast::done(match id {
                            Some(_) => format!("{} is saved.", definition.name.as_str()),
                            None => format!(
                                "{} is made; it can be given now.",
                                definition.name.as_str()
                            ),
                        });
                        draft.set(None);
                        reload();
                        state.sync_now().await;
                    }
                    Err(e) => error.set(Some(needs_worker(e, "Saving a role"))),
                }
            }
        },
    );
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parsed = Name::parse(&name.get_untracked()).map_err(|e| sentence(&e.to_string()));
        // A role's name is its own among the agency's roles (R20).
        let taken = parsed.as_ref().ok().is_some_and(|n| {
            roles.with_untracked(|all| {
                all.iter().any(|r| {
                    r.name.eq_ignore_ascii_case(n.as_str())
                        && r.role
                            != editing.clone().map_or(
                                RoleRef::Custom(CustomRoleId(String::new())),
                                RoleRef::Custom,
                            )
                })
            })
        });
        let caps = chosen.get_untracked();
        error.set(match (&parsed, taken) {
            (Err(e), _) => Some(e.clone()),
            (Ok(_), true) => Some("Another role has that name; choose another.".into()),
            _ => None,
        });
        caps_error.set(
            caps.is_empty()
                .then(|| "Tick at least one thing the role allows.".into()),
        );
        if let (Ok(parsed), false, false) = (parsed, taken, caps.is_empty()) {
            saving.dispatch((
                editing.clone(),
                RoleDefinition {
                    id: editing
                        .clone()
                        .or_else(|| Some(CustomRoleId(crate::components::fresh_id("r")))),
                    name: parsed,
                    capabilities: caps,
                },
            ));
        }
    };
    let groups = by_subject()
        .into_iter()
        .map(|(subject, caps)| {
            let boxes = caps
                .into_iter()
                .map(|c| {
                    let mine = move || may_give.get().contains(c);
                    view! {
                        <label class="capability" class:unavailable=move || !mine()>
                            <input type="checkbox" data-testid=format!("role-cap-{}", c.as_str())
                                prop:checked=move || chosen.get().contains(c)
                                prop:disabled=move || !mine() && !chosen.get().contains(c)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|s| *s = if on { s.with(c) } else { s.without(c) });
                                } />
                            <span>{c.words()}</span>
                            <Show when=move || !mine()>
                                <span class="why">"not yours to give"</span>
                            </Show>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <div class="subject">
                    <span class="subject-name">{subject}</span>
                    {boxes}
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="card panel wide role-editor" data-testid="role-editor">
            <h2>{title}</h2>
            <form on:submit=save novalidate>
                <label>"Name"
                    <input type="text" bind:value=name data-testid="role-name" autocomplete="off"
                        aria-invalid=move || error.with(Option::is_some).to_string() />
                </label>
                {move || error.get().map(|e| view! {
                    <span class="field-error" role="alert" data-testid="role-error">{e}</span>
                })}
                <fieldset class="capabilities" data-testid="role-capabilities">
                    <legend>"What it allows"</legend>
                    {groups}
                </fieldset>
                {move || caps_error.get().map(|e| view! {
                    <span class="field-error" role="alert" data-testid="role-caps-error">{e}</span>
                })}
                {(changes > 0).then(|| view! {
                    <p class="notice" data-testid="role-changes">{format!(
                        "Saving changes what {changes} {} may do, at once, wherever they hold it.",
                        if changes == 1 { "person" } else { "people" }
                    )}</p>
                })}
                <div class="actions">
                    <button type="submit" data-testid="role-save"
                        prop:disabled=move || saving.pending().get()>"Save the role"</button>
                    <button type="button" class="secondary" on:click=move |_| draft.set(None)>"Cancel"</button>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::api::RoleAtNode;
    use domain::{BuiltinRole, UserState};

    fn person(id: &str, roles: &[(&str, Option<&str>, &str)]) -> UserSummary {
        let roles = roles
            .iter()
            .map(|(role, custom, node)| RoleAtNode {
                role: (*role).into(),
                node: (*node).into(),
                grant: format!("g_{id}_{node}"),
                node_id: (*node).into(),
                custom_role: custom.map(str::to_owned),
                starts_at: None,
                ends_at: None,
            })
            .collect();
        UserSummary::new(UserId(id.into()), id, "", UserState::Active, roles)
    }

    /// R20: an edit of a custom role changes every holder at once; the count is of people.
    #[test]
    fn r20_an_edit_counts_each_holder_once_and_names_where_they_hold_it() {
        let users = [
            person(
                "ann",
                &[
                    ("Night shift", Some("r_night"), "Acme"),
                    ("Night shift", Some("r_night"), "Harbor"),
                ],
            ),
            person("bo", &[("Night shift", Some("r_night"), "Acme")]),
            person("cy", &[("Manager", None, "Acme")]),
        ];
        let night = RoleRef::Custom(CustomRoleId("r_night".into()));
        assert_eq!(people_holding(&users, &night), 2);
        let held: Vec<(String, String)> = holdings(&users, &night)
            .into_iter()
            .map(|h| (h.name, h.node))
            .collect();
        assert_eq!(
            held,
            [
                ("ann".to_owned(), "Acme".to_owned()),
                ("ann".to_owned(), "Harbor".to_owned()),
                ("bo".to_owned(), "Acme".to_owned())
            ]
        );
        assert_eq!(
            people_holding(&users, &RoleRef::Builtin(BuiltinRole::Manager)),
            1
        );
    }
}
