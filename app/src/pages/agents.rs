//! Agents and campaigns (§7, seed 002): the agency's agent statuses and agent groups, who is in
//! each group, and the campaigns that dial with every member of their groups. The lists are
//! the agency's (changed by who may change its settings); a group's members are changed by who
//! may change those people; a campaign by who manages campaigns where it lives. The Worker
//! decides; each part opens offline with what it last had.

use domain::api::{
    AgencySettingsEdit, AgencyView, CampaignDraft, DialerList, GroupMembers, UserSummary,
};
use domain::{Campaign, CampaignId, Capability, Name, Node, NodeId, UserState};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::dialog::Confirm;
use crate::components::empty::Empty;
use crate::components::toast;
use crate::components::tree_picker::TreePicker;
use crate::pages::account::words;
use crate::pages::person::needs_worker;
use crate::reach;
use crate::state::AppState;

/// The people of `users` in `group`, by name.
pub fn members<'a>(users: &'a [UserSummary], group: &str) -> Vec<&'a UserSummary> {
    users
        .iter()
        .filter(|u| u.agent_groups.iter().any(|g| g == group))
        .collect()
}

/// A new entry for one of the agency's lists, read as the Worker will read it: a name, not
/// already listed (whatever its case).
pub fn new_entry(list: &[String], typed: &str, what: &str) -> Result<String, String> {
    let name = Name::parse(typed).map_err(|_| format!("Type the {what}'s name."))?;
    if list
        .iter()
        .any(|n| n.to_lowercase() == name.as_str().to_lowercase())
    {
        return Err(format!("{} is already on the list.", name.as_str()));
    }
    Ok(name.as_str().to_owned())
}

/// What taking `group` off the agency's list does, in a sentence: who leaves it and which
/// campaigns stop dialing with it.
pub fn group_goes(users: &[UserSummary], campaigns: &[Campaign], group: &str) -> String {
    let people = members(users, group).len();
    let named: Vec<&str> = campaigns
        .iter()
        .filter(|c| c.agent_groups.iter().any(|g| g == group))
        .map(|c| c.name.as_str())
        .collect();
    let who = match people {
        0 => "Nobody you can see is in it.".to_owned(),
        1 => "The 1 person in it leaves it.".to_owned(),
        n => format!("The {n} people in it leave it."),
    };
    let dialing = match named.as_slice() {
        [] => "No campaign dials with it.".to_owned(),
        [one] => format!("The campaign {one} stops dialing with it."),
        many => format!("The campaigns {} stop dialing with it.", many.join(", ")),
    };
    format!("{who} {dialing}")
}

/// Why `dialer` does not dial on a campaign, for an administrator.
fn left_out_words(left_out: domain::campaign::LeftOut) -> String {
    let words = left_out.words();
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The Agents and campaigns screen.
#[component]
pub fn Agents() -> impl IntoView {
    let state = expect_context::<AppState>();
    let agency = LocalResource::new(api::agency);
    let campaign_list = LocalResource::new(api::campaigns);
    let node_list = LocalResource::new(api::nodes);
    let nodes = crate::components::loaded(node_list, |l| l.nodes);
    let campaigns = crate::components::loaded(campaign_list, |l| l.campaigns);
    let access = state.access();
    // The agency's lists are its settings: they are changed at the top of the tree.
    let may_lists = Memo::new(move |_| {
        nodes
            .with(|n| access.with(|a| reach::caps_at_top(a, n)))
            .contains(Capability::SettingsEdit)
    });
    view! {
        <main class="page agents-page">
            <div class="page-head"><h1>"Agents and campaigns"</h1></div>
            <p class="muted">"Agents pick a status from the agency's list. Groups gather agents, and a campaign dials with everyone in its groups: add someone to a group and they join its campaigns."</p>
            {move || match agency.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert" data-testid="agents-error">{words(e)}</p> }.into_any(),
                Some(Ok(view)) => view! {
                    <div class="person-grid">
                        <AgencyList agency=view.clone() groups=false may=may_lists
                            campaigns=campaigns reload=move || agency.refetch() />
                        <AgencyList agency=view.clone() groups=true may=may_lists
                            campaigns=campaigns reload=move || { agency.refetch(); campaign_list.refetch(); } />
                        <GroupMembersCard groups=view.agent_groups.clone() nodes=nodes />
                    </div>
                    <Campaigns groups=view.agent_groups nodes=nodes campaigns=campaigns
                        loaded=Signal::derive(move || campaign_list.get().map(|r| r.map(|_| ())))
                        reload=move || campaign_list.refetch() />
                }.into_any(),
            }}
        </main>
    }
}

/// One of the agency's lists, agent statuses or agent groups: read by everyone here, changed
/// by who may change the agency's settings. Taking an entry off says first what it does.
#[component]
fn AgencyList(
    agency: AgencyView,
    groups: bool,
    may: Memo<bool>,
    campaigns: Signal<Vec<Campaign>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let (title, what, testid) = if groups {
        ("Agent groups", "group", "groups")
    } else {
        ("Agent statuses", "status", "statuses")
    };
    let list = if groups {
        agency.agent_groups
    } else {
        agency.agent_statuses
    };
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let removing = RwSignal::new(None::<String>);
    let confirm = RwSignal::new(false);
    let saving = Action::new_local(move |next: &(Vec<String>, String)| {
        let (next, done) = next.clone();
        async move {
            let names: Vec<Name> = next.iter().filter_map(|n| Name::parse(n).ok()).collect();
            let edit = if groups {
                AgencySettingsEdit {
                    agent_groups: Some(names),
                    ..AgencySettingsEdit::default()
                }
            } else {
                AgencySettingsEdit {
                    agent_statuses: Some(names),
                    ..AgencySettingsEdit::default()
                }
            };
            match api::configure_agency(&edit).await {
                Ok(()) => {
                    toast::done(done);
                    typed.set(String::new());
                    error.set(None);
                    reload();
                    state.sync_now().await;
                }
                Err(e) => error.set(Some(needs_worker(e, "Changing the list"))),
            }
        }
    });
    let kept = StoredValue::new(list.clone());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match kept.with_value(|kept| new_entry(kept, &typed.get_untracked(), what)) {
            Err(e) => error.set(Some(e)),
            Ok(name) => {
                error.set(None);
                let mut next = kept.get_value();
                next.push(name.clone());
                saving.dispatch((next, format!("{name} is on the list.")));
            }
        }
    };
    let consequence = Signal::derive(move || {
        let Some(entry) = removing.get() else {
            return String::new();
        };
        if groups {
            state
                .users
                .with(|u| campaigns.with(|c| group_goes(u, c, &entry)))
        } else {
            format!("Anyone whose status is {entry} is left with none, and picks another.")
        }
    });
    let confirm_title = Signal::derive(move || {
        removing
            .get()
            .map(|e| format!("Take {e} off the list?"))
            .unwrap_or_default()
    });
    let empty = list.is_empty();
    view! {
        <section class="card panel" data-testid=format!("agents-{testid}")>
            <h2>{title}</h2>
            {empty.then(|| view! { <p class="muted">{format!("The agency has no agent {what} yet.")}</p> })}
            <ul class="chips" role="list">
                {list.iter().map(|entry| {
                    let pick = entry.clone();
                    view! {
                        <li class="chip" data-testid=format!("agents-{testid}-entry")>
                            <span>{entry.clone()}</span>
                            <Show when=move || may.get()>
                                {
                                    let pick = pick.clone();
                                    view! {
                                        <button class="link small" aria-label=format!("Remove {pick}")
                                            data-testid=format!("agents-{testid}-remove")
                                            prop:disabled=move || saving.pending().get()
                                            on:click=move |_| { removing.set(Some(pick.clone())); confirm.set(true); }>
                                            "Remove"
                                        </button>
                                    }
                                }
                            </Show>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || may.get() fallback=move || view! {
                <p class="muted" data-testid=format!("agents-{testid}-why")>
                    "Only someone who may change the agency's settings changes this list."
                </p>
            }>
                <form class="row" on:submit=add novalidate>
                    <label>{format!("New {what}")}
                        <input type="text" bind:value=typed autocomplete="off"
                            data-testid=format!("agents-{testid}-new")
                            aria-invalid=move || error.with(Option::is_some).to_string() />
                    </label>
                    <button type="submit" class="secondary" data-testid=format!("agents-{testid}-add")
                        prop:disabled=move || saving.pending().get()>"Add"</button>
                </form>
            </Show>
            {move || error.get().map(|e| view! {
                <span class="field-error" role="alert" data-testid=format!("agents-{testid}-error")>{e}</span>
            })}
            <Confirm open=confirm title=confirm_title confirm_label="Take it off".to_owned() destructive=true
                on_confirm=move |()| {
                    if let Some(entry) = removing.get_untracked() {
                        let next: Vec<String> = kept.with_value(|k| k.iter().filter(|e| **e != entry).cloned().collect());
                        saving.dispatch((next, format!("{entry} is off the list.")));
                    }
                }>
                <p data-testid="agents-remove-consequence">{consequence}</p>
            </Confirm>
        </section>
    }
}

/// Who is in a group: chosen from the agency's groups, with people put in and taken out by
/// whoever may change them.
#[component]
fn GroupMembersCard(groups: Vec<String>, nodes: Signal<Vec<Node>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let access = state.access();
    let chosen = RwSignal::new(groups.first().cloned().unwrap_or_default());
    let adding = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let changing = Action::new_local(move |change: &(GroupMembers, String)| {
        let (change, done) = change.clone();
        async move {
            match api::group_members(&change).await {
                Ok(()) => {
                    toast::done(done);
                    error.set(None);
                    adding.set(String::new());
                    state.sync_now().await;
                }
                Err(e) => error.set(Some(needs_worker(e, "Changing a group"))),
            }
        }
    });
    // Why the signed-in person may not put `user` in or out of a group, if they may not.
    let why_not = move |user: &UserSummary| {
        let may = nodes.with(|n| {
            access.with(|a| reach::over_person(a, n, &user.roles, Capability::UsersEdit))
        });
        (!may).then(|| format!("You may not change {}'s details.", user.name))
    };
    let change = move |user: UserSummary, join: bool| {
        let Ok(group) = Name::parse(&chosen.get_untracked()) else {
            return;
        };
        let (add, remove, done) = if join {
            (
                vec![user.id.clone()],
                vec![],
                format!("{} is in {} now.", user.name, group.as_str()),
            )
        } else {
            (
                vec![],
                vec![user.id.clone()],
                format!("{} has left {}.", user.name, group.as_str()),
            )
        };
        changing.dispatch((GroupMembers { group, add, remove }, done));
    };
    let in_group = Memo::new(move |_| {
        let group = chosen.get();
        state
            .users
            .with(|u| members(u, &group).into_iter().cloned().collect::<Vec<_>>())
    });
    let others = Memo::new(move |_| {
        let group = chosen.get();
        state.users.with(|u| {
            u.iter()
                .filter(|u| {
                    !matches!(u.state, UserState::NotificationOnly | UserState::Deleted)
                        && !u.agent_groups.contains(&group)
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let put_in = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = adding.get_untracked();
        let Some(user) = others.with_untracked(|o| o.iter().find(|u| u.id.0 == id).cloned()) else {
            error.set(Some("Choose who joins the group.".into()));
            return;
        };
        if let Some(why) = why_not(&user) {
            error.set(Some(why));
            return;
        }
        change(user, true);
    };
    let none = groups.is_empty();
    view! {
        <section class="card panel wide" data-testid="agents-members">
            <h2>"Who is in a group"</h2>
            {if none {
                view! { <p class="muted">"Add an agent group first; then put people in it here."</p> }.into_any()
            } else {
                view! {
                    <label>"Group"
                        <select data-testid="agents-members-group" prop:value=move || chosen.get()
                            on:change=move |ev| { chosen.set(event_target_value(&ev)); error.set(None); }>
                            {groups.iter().map(|g| view! { <option value=g.clone()>{g.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                    <p class="muted" data-testid="agents-members-count">{move || match in_group.with(Vec::len) {
                        0 => "Nobody you can see is in this group.".to_owned(),
                        1 => "1 person is in this group.".to_owned(),
                        n => format!("{n} people are in this group."),
                    }}</p>
                    <ul class="grants" role="list" data-testid="agents-members-list">
                        {move || in_group.get().into_iter().map(|user| {
                            let why = why_not(&user);
                            let leaving = user.clone();
                            let label = format!("Take out {}", user.name);
                            view! {
                                <li class="grant-row" data-testid="agents-member">
                                    <A href=format!("/people/{}", user.id.0)>{user.name.clone()}</A>
                                    <span class="muted">{user.email.clone()}</span>
                                    <span class="spacer"></span>
                                    <button class="secondary small" data-testid="agents-member-remove"
                                        aria-label=label
                                        title=why.clone()
                                        prop:disabled=move || why.is_some() || changing.pending().get()
                                        on:click=move |_| change(leaving.clone(), false)>"Take out"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <form class="row" on:submit=put_in novalidate>
                        <label>"Put someone in"
                            <select data-testid="agents-members-add" prop:value=move || adding.get()
                                on:change=move |ev| adding.set(event_target_value(&ev))>
                                <option value="">"Choose a person"</option>
                                {move || others.get().into_iter().map(|u| view! {
                                    <option value=u.id.0.clone()>{u.name.clone()}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <button type="submit" class="secondary" data-testid="agents-members-put"
                            prop:disabled=move || changing.pending().get()>"Put in the group"</button>
                    </form>
                    {move || error.get().map(|e| view! {
                        <span class="field-error" role="alert" data-testid="agents-members-error">{e}</span>
                    })}
                }.into_any()
            }}
        </section>
    }
}

/// The campaigns: each with its place, its groups and who dials on it; made, changed and
/// deleted where the signed-in person manages campaigns.
#[component]
fn Campaigns(
    groups: Vec<String>,
    nodes: Signal<Vec<Node>>,
    campaigns: Signal<Vec<Campaign>>,
    loaded: Signal<Option<Result<(), api::ApiError>>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let may_manage = move || state.may_anywhere(Capability::CampaignsManage);
    let editing = RwSignal::new(None::<Option<Campaign>>);
    let groups = StoredValue::new(groups);
    view! {
        <section class="campaigns" data-testid="campaigns">
            <div class="page-head">
                <h2>"Campaigns"</h2>
                <span class="count" data-testid="campaign-count">{move || match campaigns.with(Vec::len) {
                    1 => "1 campaign".to_owned(),
                    n => format!("{n} campaigns"),
                }}</span>
                <span class="spacer"></span>
                <Show when=may_manage>
                    <button data-testid="campaign-new" on:click=move |_| editing.set(Some(None))>"New campaign"</button>
                </Show>
            </div>
            {move || editing.get().map(|campaign| view! {
                <CampaignForm campaign=campaign groups=groups.get_value() nodes=nodes
                    done=move || { editing.set(None); reload(); } />
            })}
            {move || match loaded.get() {
                None => view! { <p class="muted">"Loading the campaigns…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert" data-testid="campaigns-error">{words(e)}</p> }.into_any(),
                Some(Ok(())) if campaigns.with(Vec::is_empty) => view! {
                    <Empty title="No campaign yet">
                        <p class="muted">"A campaign dials with every member of its agent groups."</p>
                    </Empty>
                }.into_any(),
                Some(Ok(())) => view! {
                    <ul class="campaign-list" role="list">
                        {move || campaigns.get().into_iter().map(|c| view! {
                            <CampaignRow campaign=c nodes=nodes
                                edit=move |c: Campaign| editing.set(Some(Some(c))) reload=reload />
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

/// One campaign: where it is, its groups, who dials on it (on demand), and its actions.
#[component]
fn CampaignRow(
    campaign: Campaign,
    nodes: Signal<Vec<Node>>,
    edit: impl Fn(Campaign) + Copy + Send + Sync + 'static,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let access = state.access();
    let shown = RwSignal::new(false);
    let id = campaign.id.0.clone();
    let dialers = LocalResource::new(move || {
        let (id, shown) = (id.clone(), shown.get());
        async move {
            if shown {
                Some(api::dialers(&id).await)
            } else {
                None
            }
        }
    });
    let node = campaign.node.clone();
    let place = Signal::derive(move || {
        nodes.with(|n| {
            n.iter()
                .find(|x| x.id == node)
                .map_or_else(|| node.0.clone(), |x| x.name.clone())
        })
    });
    let node = campaign.node.clone();
    let why_not = Signal::derive(move || {
        nodes.with(|n| access.with(|a| reach::why_not(a, n, &node, Capability::CampaignsManage)))
    });
    let confirm = RwSignal::new(false);
    let (cid, name) = (campaign.id.0.clone(), campaign.name.clone());
    let deleting = Action::new_local(move |(): &()| {
        let (cid, name) = (cid.clone(), name.clone());
        async move {
            match api::delete_campaign(&cid).await {
                Ok(()) => {
                    toast::done(format!("{name} is deleted."));
                    reload();
                }
                Err(e) => toast::failed(needs_worker(e, "Deleting a campaign")),
            }
        }
    });
    let groups_words = if campaign.agent_groups.is_empty() {
        "No agent group yet".to_owned()
    } else {
        campaign.agent_groups.join(", ")
    };
    let picked = campaign.clone();
    let title = format!("Delete {}?", campaign.name);
    view! {
        <li class="card campaign-row" data-testid="campaign-row">
            <div class="row">
                <strong data-testid="campaign-name">{campaign.name.clone()}</strong>
                <span class="muted">"in "{place}</span>
            </div>
            <div class="actions">
                <button class="secondary small" data-testid="campaign-dialers-toggle"
                    aria-expanded=move || shown.get().to_string()
                    on:click=move |_| shown.update(|s| *s = !*s)>
                    {move || if shown.get() { "Hide who dials" } else { "Who dials" }}
                </button>
                <Show when=move || why_not.with(Option::is_none)>
                    {
                        let picked = picked.clone();
                        view! {
                            <button class="secondary small" data-testid="campaign-edit"
                                on:click=move |_| edit(picked.clone())>"Change"</button>
                            <button class="destructive small" data-testid="campaign-delete"
                                prop:disabled=move || deleting.pending().get()
                                on:click=move |_| confirm.set(true)>"Delete"</button>
                        }
                    }
                </Show>
            </div>
            <p class="muted" data-testid="campaign-groups">"Dials with: "{groups_words}</p>
            {move || shown.get().then(|| match dialers.get().flatten() {
                None => view! { <p class="muted">"Finding who dials…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{words(e)}</p> }.into_any(),
                Some(Ok(DialerList { dialers, .. })) if dialers.is_empty() => view! {
                    <p class="muted" data-testid="campaign-nobody">"Nobody is in its groups yet."</p>
                }.into_any(),
                Some(Ok(DialerList { dialers, .. })) => view! {
                    <ul class="grants" role="list" data-testid="campaign-dialers">
                        {dialers.into_iter().map(|d| {
                            let status = d.left_out.map_or_else(|| "Dials".to_owned(), left_out_words);
                            let dials = d.left_out.is_none();
                            view! {
                                <li class="grant-row" data-testid="campaign-dialer">
                                    <A href=format!("/people/{}", d.id.0)>{d.name.clone()}</A>
                                    <span class="muted">{d.groups.join(", ")}</span>
                                    <span class="spacer"></span>
                                    <span class=if dials { "badge good" } else { "badge" }
                                        data-testid="campaign-dialer-status">{status}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
            <Confirm open=confirm title=title confirm_label="Delete it".to_owned() destructive=true
                on_confirm=move |()| { deleting.dispatch(()); }>
                <p>"Its groups and the people in them stay as they are; only the campaign goes."</p>
            </Confirm>
        </li>
    }
}

/// Making a campaign, or changing one: its name, where it lives, and its groups.
#[component]
fn CampaignForm(
    campaign: Option<Campaign>,
    groups: Vec<String>,
    nodes: Signal<Vec<Node>>,
    done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let access = state.access();
    let existing = campaign.as_ref().map(|c| c.id.0.clone());
    let name = RwSignal::new(
        campaign
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
    );
    let place = RwSignal::new(
        campaign
            .as_ref()
            .map(|c| vec![c.node.clone()])
            .unwrap_or_default(),
    );
    let chosen = RwSignal::new(
        campaign
            .as_ref()
            .map(|c| c.agent_groups.clone())
            .unwrap_or_default(),
    );
    let name_error = RwSignal::new(None::<String>);
    let place_error = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let new_id = campaign.is_none().then(|| crate::components::fresh_id("c"));
    // A mistake's message goes once its field is mended.
    Effect::new(move |_| {
        if place.with(|p| !p.is_empty()) {
            place_error.set(None);
        }
    });
    let saving = Action::new_local(move |draft: &CampaignDraft| {
        let (draft, existing) = (draft.clone(), existing.clone());
        async move {
            match api::save_campaign(existing.as_deref(), &draft).await {
                Ok(()) => {
                    toast::done(format!("{} is saved.", draft.name.as_str()));
                    done();
                }
                Err(e) => error.set(Some(needs_worker(e, "Saving a campaign"))),
            }
        }
    });
    let why_not = Callback::new(move |node: NodeId| {
        nodes.with_untracked(|n| {
            access.with_untracked(|a| reach::why_not(a, n, &node, Capability::CampaignsManage))
        })
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parsed = Name::parse(&name.get_untracked());
        name_error.set(
            parsed
                .is_err()
                .then(|| "Give the campaign a name.".to_owned()),
        );
        let node = place.get_untracked().first().cloned();
        place_error.set(
            node.is_none()
                .then(|| "Choose where the campaign lives.".to_owned()),
        );
        let (Ok(name), Some(node)) = (parsed, node) else {
            return;
        };
        let agent_groups = chosen
            .get_untracked()
            .iter()
            .filter_map(|g| Name::parse(g).ok())
            .collect();
        saving.dispatch(CampaignDraft {
            id: new_id.clone().map(CampaignId),
            name,
            node,
            agent_groups,
        });
    };
    let heading = if campaign.is_some() {
        "Change the campaign"
    } else {
        "New campaign"
    };
    view! {
        <form class="card panel wide campaign-form" on:submit=save novalidate data-testid="campaign-form">
            <h2>{heading}</h2>
            <label>"Name"
                <input type="text" bind:value=name autocomplete="off" data-testid="campaign-form-name"
                    on:input=move |_| name_error.set(None)
                    aria-invalid=move || name_error.with(Option::is_some).to_string() />
            </label>
            {move || name_error.get().map(|e| view! { <span class="field-error" role="alert" data-testid="campaign-form-name-error">{e}</span> })}
            <TreePicker nodes=nodes chosen=place why_not=why_not legend="Where it lives" />
            {move || place_error.get().map(|e| view! { <span class="field-error" role="alert" data-testid="campaign-form-place-error">{e}</span> })}
            <fieldset>
                <legend>"Dials with these agent groups"</legend>
                {if groups.is_empty() {
                    view! { <p class="muted">"The agency has no agent groups yet."</p> }.into_any()
                } else {
                    groups.into_iter().map(|g| {
                        let (mine, flip) = (g.clone(), g.clone());
                        view! {
                            <label class="check">
                                <input type="checkbox" data-testid=format!("campaign-form-group-{g}")
                                    prop:checked=move || chosen.with(|c| c.contains(&mine))
                                    on:change=move |_| chosen.update(|c| {
                                        if let Some(at) = c.iter().position(|x| *x == flip) {
                                            c.remove(at);
                                        } else {
                                            c.push(flip.clone());
                                        }
                                    }) />
                                {g.clone()}
                            </label>
                        }
                    }).collect_view().into_any()
                }}
            </fieldset>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="campaign-form-error">{e}</p> })}
            <div class="row">
                <button type="submit" data-testid="campaign-form-save"
                    prop:disabled=move || saving.pending().get()>"Save the campaign"</button>
                <button type="button" class="secondary" on:click=move |_| done()>"Cancel"</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{NodeId, UserId};

    fn person(id: &str, groups: &[&str]) -> UserSummary {
        let mut u = UserSummary::new(
            UserId(id.into()),
            id,
            "x@y.example",
            UserState::Active,
            vec![],
        );
        u.agent_groups = groups.iter().map(|g| (*g).to_owned()).collect();
        u
    }

    #[test]
    fn a_new_entry_is_a_name_not_on_the_list_whatever_its_case() {
        let list = vec!["Sales".to_owned()];
        assert_eq!(
            new_entry(&list, "  Closers ", "group"),
            Ok("Closers".into())
        );
        assert!(
            new_entry(&list, "sales", "group")
                .unwrap_err()
                .contains("already")
        );
        assert!(
            new_entry(&list, "   ", "group")
                .unwrap_err()
                .contains("name")
        );
    }

    #[test]
    fn taking_a_group_off_says_who_leaves_and_which_campaigns_stop() {
        let users = vec![
            person("a", &["Sales"]),
            person("b", &["Sales", "Support"]),
            person("c", &[]),
        ];
        let campaigns = vec![Campaign {
            id: CampaignId("c1".into()),
            name: "Recall".into(),
            node: NodeId("n".into()),
            agent_groups: vec!["Sales".into()],
        }];
        assert_eq!(members(&users, "Sales").len(), 2);
        assert_eq!(
            group_goes(&users, &campaigns, "Sales"),
            "The 2 people in it leave it. The campaign Recall stops dialing with it."
        );
        assert_eq!(
            group_goes(&users, &campaigns, "Support"),
            "The 1 person in it leaves it. No campaign dials with it."
        );
    }
}
