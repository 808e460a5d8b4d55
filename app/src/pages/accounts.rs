//! Accounts: the agency's tree as the signed-in person sees it, with how many people work at and
//! under each node, filtered by name, moved by drag on a desktop; and a node's own page, where
//! it is renamed, moved, given accounts or locations under it, or deleted, and which lists who
//! has access there and from where (R1).

use std::collections::{HashMap, HashSet};

use domain::api::{NewNode, NodeEdit, UserSummary};
use domain::{Capability, Name, Node, NodeId, NodeKind};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api;
use crate::components::dialog::Confirm;
use crate::components::empty::Empty;
use crate::components::form::sentence;
use crate::components::toast;
use crate::components::tree_picker::{TreePicker, in_tree_order, kind_word};
use crate::pages::person::needs_worker;
use crate::reach;
use crate::state::AppState;

/// People at a node and at or under it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count {
    /// Holding a role at the node itself.
    pub here: usize,
    /// Holding a role at the node or anywhere under it, each person once.
    pub all: usize,
}

/// How many of `users` hold a role at each node, and at or under it (R1: a role reaches down).
pub fn counts(nodes: &[Node], users: &[UserSummary]) -> HashMap<NodeId, Count> {
    let parent: HashMap<&str, &str> = nodes
        .iter()
        .filter_map(|n| n.parent.as_ref().map(|p| (n.id.0.as_str(), p.0.as_str())))
        .collect();
    let mut out: HashMap<NodeId, Count> = nodes
        .iter()
        .map(|n| (n.id.clone(), Count::default()))
        .collect();
    let mut reached: HashSet<&str> = HashSet::new();
    for user in users {
        reached.clear();
        let mut here: HashSet<&str> = HashSet::new();
        for grant in &user.roles {
            here.insert(grant.node_id.as_str());
            let mut at = Some(grant.node_id.as_str());
            while let Some(node) = at {
                if !reached.insert(node) {
                    break;
                }
                at = parent.get(node).copied();
            }
        }
        for node in &reached {
            if let Some(count) = out.get_mut(&NodeId((*node).to_owned())) {
                count.all += 1;
                count.here += usize::from(here.contains(node));
            }
        }
    }
    out
}

/// The positions in `order` (the tree in reading order) to show for `filter`: the nodes whose
/// name holds it, with the nodes above them so each is seen in its place. All of them when the
/// filter is empty.
pub fn shown(order: &[(Node, usize)], filter: &str) -> Vec<usize> {
    let filter = filter.trim().to_lowercase();
    if filter.is_empty() {
        return (0..order.len()).collect();
    }
    let parent: HashMap<&NodeId, &NodeId> = order
        .iter()
        .filter_map(|(n, _)| n.parent.as_ref().map(|p| (&n.id, p)))
        .collect();
    let mut keep: HashSet<&NodeId> = HashSet::new();
    for (node, _) in order {
        if node.name.to_lowercase().contains(&filter) {
            // The node and the nodes above it, up to one already kept.
            let mut at = Some(&node.id);
            while let Some(id) = at {
                if !keep.insert(id) {
                    break;
                }
                at = parent.get(id).copied();
            }
        }
    }
    (0..order.len())
        .filter(|&i| keep.contains(&order[i].0.id))
        .collect()
}

/// Where someone has access at a node: by a role held there, or by one held above it (R1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    pub user: UserSummary,
    pub role: String,
    /// The node above this one where the role is held; `None` when it is held here.
    pub from: Option<String>,
}

/// Who has access at `node`, by which role and from where, by name.
pub fn holders(nodes: &[Node], users: &[UserSummary], node: &NodeId) -> Vec<Holder> {
    let above: Vec<&NodeId> = reach::ancestors(nodes, node);
    let mut out = Vec::new();
    for user in users {
        for grant in &user.roles {
            let here = grant.node_id == node.0;
            if here || above.iter().any(|a| a.0 == grant.node_id) {
                out.push(Holder {
                    user: user.clone(),
                    role: grant.role.clone(),
                    from: (!here).then(|| grant.node.clone()),
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (a.from.is_some(), a.user.name.to_lowercase(), &a.role).cmp(&(
            b.from.is_some(),
            b.user.name.to_lowercase(),
            &b.role,
        ))
    });
    out
}

/// What may be made under a node of `kind`: accounts and groups under the agency, groups and
/// locations within an account, and so on down.
pub fn kinds_under(kind: NodeKind) -> &'static [NodeKind] {
    match kind {
        NodeKind::Agency => &[NodeKind::Account, NodeKind::Group, NodeKind::Location],
        NodeKind::Account => &[NodeKind::Group, NodeKind::Location, NodeKind::Account],
        NodeKind::Group => &[NodeKind::Subgroup, NodeKind::Location],
        NodeKind::Subgroup | NodeKind::Location => &[NodeKind::Location, NodeKind::Subgroup],
    }
}

fn kind_label(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Agency => "Agency",
        NodeKind::Account => "Account",
        NodeKind::Group => "Group",
        NodeKind::Subgroup => "Subgroup",
        NodeKind::Location => "Location",
    }
}

/// Why the person may not move `node` under `to`, in words, as `domain` will decide it: they
/// need to delete where it is and to create where it goes (R15), and a node cannot go inside
/// itself.
fn why_not_move(
    access: &[domain::explain::AccessAt],
    nodes: &[Node],
    node: &NodeId,
    to: &NodeId,
) -> Option<String> {
    let moving = nodes.iter().find(|n| &n.id == node)?;
    let Some(from) = &moving.parent else {
        return Some("The agency is the top of the tree; it does not move.".into());
    };
    if to == node || reach::ancestors(nodes, to).contains(&node) {
        return Some("It cannot go inside itself.".into());
    }
    if from == to {
        return Some("It is already there.".into());
    }
    reach::why_not(access, nodes, from, Capability::AccountsDelete)
        .map(|_| "You may not take accounts out of where it is now.".to_owned())
        .or_else(|| reach::why_not(access, nodes, to, Capability::AccountsCreate))
}

/// Moves `node` under `to` on the Worker, and says so: from the tree (by drag) and from the
/// node's page alike.
async fn move_node(node: &NodeId, to: NodeId) -> Result<(), crate::api::ApiError> {
    let edit = NodeEdit {
        name: None,
        parent: Some(to),
    };
    api::edit_node(&node.0, &edit).await?;
    toast::done("Moved. Everyone with a role above it now reaches it there.");
    Ok(())
}

/// The Accounts screen: the tree.
#[component]
pub fn Accounts() -> impl IntoView {
    let state = expect_context::<AppState>();
    let list = LocalResource::new(api::nodes);
    let nodes = crate::components::loaded(list, |l| l.nodes);
    let order = Memo::new(move |_| nodes.with(|n| in_tree_order(n)));
    let count = Memo::new(move |_| nodes.with(|n| state.users.with(|u| counts(n, u))));
    let filter = RwSignal::new(String::new());
    let visible = Memo::new(move |_| order.with(|o| filter.with(|f| shown(o, f))));
    let access = state.access();
    let access = move || access.get();

    // Moving by drag: the node picked up, then where it is dropped, confirmed first.
    let dragging = RwSignal::new(None::<NodeId>);
    let proposed = RwSignal::new(None::<(Node, Node)>);
    let confirming = RwSignal::new(false);
    let moving = Action::new_local(move |(node, to): &(NodeId, NodeId)| {
        let (node, to) = (node.clone(), to.clone());
        async move {
            match move_node(&node, to).await {
                Ok(()) => {
                    list.refetch();
                    state.sync_now().await;
                }
                Err(e) => toast::failed(needs_worker(e, "Moving an account")),
            }
        }
    });
    let drop_on = move |target: Node| {
        let Some(node) = dragging.get_untracked() else {
            return;
        };
        dragging.set(None);
        let all = nodes.get_untracked();
        if let Some(why) = why_not_move(&access(), &all, &node, &target.id) {
            toast::failed(why);
            return;
        }
        if let Some(moved) = all.into_iter().find(|n| n.id == node) {
            proposed.set(Some((moved, target)));
            confirming.set(true);
        }
    };
    let move_title = Signal::derive(move || {
        proposed.with(|p| {
            p.as_ref()
                .map(|(n, to)| format!("Move {} into {}?", n.name, to.name))
                .unwrap_or_default()
        })
    });

    view! {
        <main class="page accounts">
            <div class="page-head">
                <h1>"Accounts"</h1>
                <span class="count" data-testid="node-count">
                    {move || match order.with(Vec::len) {
                        1 => "1 place".to_owned(),
                        n => format!("{n} places"),
                    }}
                </span>
            </div>
            <p class="muted">"Accounts, groups and locations. A role held at one reaches everything under it. Drag one onto another to move it (on a desktop), or open it to rename, move or delete it."</p>
            <div class="filters" role="search">
                <input class="search" type="search" placeholder="Filter by name"
                    aria-label="Filter accounts by name" data-testid="node-filter"
                    prop:value=filter on:input=move |ev| filter.set(event_target_value(&ev)) />
            </div>
            {move || match list.get() {
                None => view! { <p class="muted">"Loading the accounts…"</p> }.into_any(),
                Some(Err(e)) => view! {
                    <p class="error" role="alert" data-testid="nodes-error">{crate::pages::account::words(e)}</p>
                }.into_any(),
                Some(Ok(_)) if visible.with(Vec::is_empty) => view! {
                    <Empty title="No account has that name">
                        <p class="muted">"Try part of the name, or clear the filter."</p>
                    </Empty>
                }.into_any(),
                Some(Ok(_)) => view! {
                    <ul class="tree" aria-label="Accounts" data-testid="tree">
                        <For each=move || {
                            let rows = order.get();
                            visible.get().into_iter().map(|i| rows[i].clone()).collect::<Vec<_>>()
                        } key=|(n, depth)| (n.id.clone(), n.name.clone(), n.parent.clone(), *depth) let((node, depth))>
                            {
                                let id = node.id.clone();
                                let c = count.with(|c| c.get(&id).copied().unwrap_or_default());
                                let target = node.clone();
                                let pick = node.id.clone();
                                let top = node.parent.is_none();
                                let (label, kind) = (node.name.clone(), kind_word(&node));
                                view! {
                                    <li class="tree-row" data-testid="tree-row"
                                        style:padding-left=format!("{}px", 12 + depth * 22)
                                        draggable=if top { "false" } else { "true" }
                                        class:drop=move || dragging.with(|d| d.as_ref().is_some_and(|d| d != &id))
                                        on:dragstart=move |_| dragging.set(Some(pick.clone()))
                                        on:dragend=move |_| dragging.set(None)
                                        on:dragover=move |ev| ev.prevent_default()
                                        on:drop=move |ev| { ev.prevent_default(); drop_on(target.clone()); }>
                                        <A href=format!("/accounts/{}", node.id.0) attr:class="node-name" attr:data-testid="node-link">
                                            {label}
                                        </A>
                                        <span class="kind muted">{kind}</span>
                                        <span class="spacer"></span>
                                        <span class="people-count muted" data-testid="node-people"
                                            title="People with a role here, and here or anywhere under it">
                                            {format!("{} here · {} in all", c.here, c.all)}
                                        </span>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                }.into_any(),
            }}
            <Confirm open=confirming title=move_title confirm_label="Move".to_owned()
                on_confirm=move |()| {
                    if let Some((node, to)) = proposed.get_untracked() {
                        moving.dispatch((node.id, to.id));
                    }
                }>
                <p>"Who has a role above its new place reaches it there; roles above its old place no longer do. Roles held at it, and under it, stay."</p>
            </Confirm>
        </main>
    }
}

/// One node's page: `/accounts/{id}`.
#[component]
pub fn AccountPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let params = use_params_map();
    let id = Memo::new(move |_| NodeId(params.with(|p| p.get("id").unwrap_or_default())));
    let list = LocalResource::new(api::nodes);
    let nodes = crate::components::loaded(list, |l| l.nodes);
    let node = Memo::new(move |_| nodes.with(|all| all.iter().find(|n| n.id == id.get()).cloned()));
    let access = state.access();
    let access = move || access.get();
    let why = move |capability: Capability, at: &NodeId| {
        nodes.with(|all| reach::why_not(&access(), all, at, capability))
    };
    let reload = move || list.refetch();
    view! {
        <main class="page account-page">
            <p class="crumbs"><A href="/accounts">"← Accounts"</A></p>
            {move || match (list.get(), node.get()) {
                (None, _) => view! { <p class="muted">"Loading…"</p> }.into_any(),
                (Some(Err(e)), _) => view! {
                    <p class="error" role="alert">{crate::pages::account::words(e)}</p>
                }.into_any(),
                (Some(Ok(_)), None) => view! {
                    <Empty title="No such account">
                        <p class="muted">"It may have been deleted, or it is outside the part of the tree you work in."</p>
                    </Empty>
                }.into_any(),
                (Some(Ok(_)), Some(node)) => {
                    let path: Vec<String> = nodes.with(|all| {
                        let mut names: Vec<String> = reach::ancestors(all, &node.id)
                            .into_iter()
                            .filter_map(|a| all.iter().find(|n| &n.id == a).map(|n| n.name.clone()))
                            .collect();
                        names.reverse();
                        names
                    });
                    let may_edit = why(Capability::AccountsEdit, &node.id);
                    let may_create = why(Capability::AccountsCreate, &node.id);
                    let children = nodes.with(|all| all.iter().filter(|n| n.parent.as_ref() == Some(&node.id)).count());
                    let may_delete = match &node.parent {
                        None => Some("The agency itself is not deleted here.".to_owned()),
                        Some(_) if children == 1 => Some(
                            "It still has an account or location under it: move or delete that first.".to_owned()
                        ),
                        Some(_) if children > 0 => Some(format!(
                            "It still has {children} accounts or locations under it: move or delete them first."
                        )),
                        Some(parent) => why(Capability::AccountsDelete, parent),
                    };
                    let may_invite = why(Capability::UsersInvite, &node.id).is_none();
                    view! {
                        <div class="page-head">
                            <div>
                                <h1 data-testid="node-name">{node.name.clone()}</h1>
                                <p class="muted" data-testid="node-path">
                                    {format!("{}{}", kind_word(&node), if path.is_empty() { String::new() } else { format!(" in {}", path.join(" › ")) })}
                                </p>
                            </div>
                            <span class="spacer"></span>
                            {may_invite.then(|| view! {
                                <A href=format!("/people/new?node={}", node.id.0) attr:class="button" attr:data-testid="node-invite">
                                    "Add a person here"
                                </A>
                            })}
                        </div>
                        <div class="person-grid">
                            <Rename node=node.clone() why_not=may_edit reload=reload />
                            <AddUnder node=node.clone() why_not=may_create reload=reload />
                            <MoveNode node=node.clone() nodes=nodes reload=reload />
                            <DeleteNode node=node.clone() why_not=may_delete />
                            <Holders node=node.id.clone() nodes=nodes />
                        </div>
                    }.into_any()
                }
            }}
        </main>
    }
}

/// The node's name.
#[component]
fn Rename(
    node: Node,
    why_not: Option<String>,
    reload: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let name = RwSignal::new(node.name.clone());
    let error = RwSignal::new(None::<String>);
    let id = node.id.clone();
    let saving = Action::new_local(move |name: &Name| {
        let (id, name) = (id.clone(), name.clone());
        async move {
            let edit = NodeEdit {
                name: Some(name),
                parent: None,
            };
            match api::edit_node(&id.0, &edit).await {
                Ok(()) => {
                    toast::done("The name is saved.");
                    reload();
                    state.sync_now().await;
                }
                Err(e) => error.set(Some(needs_worker(e, "Renaming"))),
            }
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match Name::parse(&name.get_untracked()) {
            Err(e) => error.set(Some(sentence(&e.to_string()))),
            Ok(parsed) => {
                error.set(None);
                saving.dispatch(parsed);
            }
        }
    };
    view! {
        <section class="card panel" data-testid="node-rename">
            <h2>"Name"</h2>
            {match why_not {
                Some(why) => view! { <p class="muted" data-testid="node-rename-why">{why}</p> }.into_any(),
                None => view! {
                    <form on:submit=save novalidate>
                        <label>"Name"
                            <input type="text" bind:value=name data-testid="node-name-input" autocomplete="off"
                                aria-invalid=move || error.with(Option::is_some).to_string() />
                        </label>
                        {move || error.get().map(|e| view! {
                            <span class="field-error" role="alert" data-testid="node-name-error">{e}</span>
                        })}
                        <button type="submit" data-testid="node-name-save"
                            prop:disabled=move || saving.pending().get()>"Save name"</button>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}

/// A new account, group, subgroup or location under the node.
#[component]
fn AddUnder(
    node: Node,
    why_not: Option<String>,
    reload: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let kinds = kinds_under(node.kind);
    let kind = RwSignal::new(kinds[0]);
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let parent = node.id.clone();
    let making = Action::new_local(move |new: &NewNode| {
        let new = new.clone();
        async move {
            match api::create_node(&new).await {
                Ok(()) => {
                    toast::done(format!("{} is made.", new.name.as_str()));
                    name.set(String::new());
                    reload();
                    state.sync_now().await;
                }
                Err(e) => error.set(Some(needs_worker(e, "Making an account"))),
            }
        }
    });
    let make = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match Name::parse(&name.get_untracked()) {
            Err(e) => error.set(Some(sentence(&e.to_string()))),
            Ok(parsed) => {
                error.set(None);
                making.dispatch(NewNode {
                    id: Some(NodeId(crate::components::fresh_id("n"))),
                    parent: parent.clone(),
                    kind: kind.get_untracked(),
                    name: parsed,
                });
            }
        }
    };
    view! {
        <section class="card panel" data-testid="node-add">
            <h2>{format!("Add under {}", node.name)}</h2>
            {match why_not {
                Some(why) => view! { <p class="muted" data-testid="node-add-why">{why}</p> }.into_any(),
                None => view! {
                    <form on:submit=make novalidate>
                        <label>"Kind"
                            <select data-testid="node-add-kind"
                                on:change=move |ev| {
                                    let chosen = event_target_value(&ev);
                                    if let Some(k) = kinds.iter().find(|k| k.as_str() == chosen) {
                                        kind.set(*k);
                                    }
                                }>
                                {kinds.iter().map(|k| view! { <option value=k.as_str()>{kind_label(*k)}</option> }).collect_view()}
                            </select>
                        </label>
                        <label>"Name"
                            <input type="text" bind:value=name data-testid="node-add-name" autocomplete="off"
                                aria-invalid=move || error.with(Option::is_some).to_string() />
                        </label>
                        {move || error.get().map(|e| view! {
                            <span class="field-error" role="alert" data-testid="node-add-error">{e}</span>
                        })}
                        <button type="submit" data-testid="node-add-save"
                            prop:disabled=move || making.pending().get()>"Add"</button>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}

/// Moving the node under another, chosen from the tree.
#[component]
fn MoveNode(
    node: Node,
    nodes: Signal<Vec<Node>>,
    reload: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let chosen = RwSignal::new(Vec::<NodeId>::new());
    let error = RwSignal::new(None::<String>);
    let access = state.access();
    let access = move || access.get();
    let id = node.id.clone();
    let top = node.parent.is_none();
    let why_not = {
        let id = id.clone();
        Callback::new(move |to: NodeId| nodes.with(|all| why_not_move(&access(), all, &id, &to)))
    };
    let moving = Action::new_local(move |to: &NodeId| {
        let (node, to) = (id.clone(), to.clone());
        async move {
            match move_node(&node, to).await {
                Ok(()) => {
                    chosen.set(Vec::new());
                    reload();
                    state.sync_now().await;
                }
                Err(e) => error.set(Some(needs_worker(e, "Moving an account"))),
            }
        }
    });
    let go = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match chosen.get_untracked().first() {
            None => error.set(Some("Choose where it goes.".into())),
            Some(to) => {
                error.set(None);
                moving.dispatch(to.clone());
            }
        }
    };
    let may_take_out = node.parent.as_ref().and_then(|from| {
        nodes.with_untracked(|all| reach::why_not(&access(), all, from, Capability::AccountsDelete))
    });
    view! {
        <section class="card panel" data-testid="node-move">
            <h2>"Move"</h2>
            {if top {
                view! { <p class="muted">"The agency is the top of the tree; it does not move."</p> }.into_any()
            } else if may_take_out.is_some() {
                view! {
                    <p class="muted" data-testid="node-move-why">
                        "You may not move it: that takes deleting accounts where it is now."
                    </p>
                }.into_any()
            } else {
                view! {
                    <form on:submit=go novalidate>
                        <TreePicker nodes=nodes chosen=chosen why_not=why_not legend="Move it into" />
                        {move || error.get().map(|e| view! {
                            <span class="field-error" role="alert" data-testid="node-move-error">{e}</span>
                        })}
                        <button type="submit" class="secondary" data-testid="node-move-save"
                            prop:disabled=move || moving.pending().get()>"Move it"</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}

/// Deleting the node, saying first what happens to the people with a role there.
#[component]
fn DeleteNode(node: Node, why_not: Option<String>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let here: Vec<String> = state.users.with_untracked(|users| {
        users
            .iter()
            .filter(|u| u.roles.iter().any(|g| g.node_id == node.id.0))
            .map(|u| u.name.clone())
            .collect()
    });
    let id = node.id.clone();
    let name = node.name.clone();
    let deleting = Action::new_local(move |(): &()| {
        let (id, name, navigate) = (id.clone(), name.clone(), navigate.clone());
        async move {
            match api::delete_node(&id.0).await {
                Ok(()) => {
                    toast::done(format!("{name} is deleted."));
                    state.sync_now().await;
                    navigate("/accounts", Default::default());
                }
                Err(e) => toast::failed(needs_worker(e, "Deleting an account")),
            }
        }
    });
    let consequence = match here.len() {
        0 => "Nobody has a role there. Phone numbers belong to people, not to accounts, so none is lost.".to_owned(),
        n => format!(
            "{n} {} lose the role they hold there: {}. They keep their roles elsewhere, their numbers and their history.",
            if n == 1 { "person" } else { "people" },
            here.join(", ")
        ),
    };
    let title = format!("Delete {}?", node.name);
    view! {
        <section class="card panel" data-testid="node-delete">
            <h2>"Delete"</h2>
            <p class="muted" data-testid="node-delete-consequence">{consequence.clone()}</p>
            {match why_not {
                Some(why) => view! { <p class="muted" data-testid="node-delete-why">{why}</p> }.into_any(),
                None => view! {
                    <button class="destructive" data-testid="node-delete-open"
                        prop:disabled=move || deleting.pending().get()
                        on:click=move |_| open.set(true)>"Delete"</button>
                }.into_any(),
            }}
            <Confirm open=open title=title confirm_label="Delete".to_owned() destructive=true
                on_confirm=move |()| { deleting.dispatch(()); }>
                <p>{consequence.clone()}</p>
            </Confirm>
        </section>
    }
}

/// Who has access at the node, and from where (R1).
#[component]
fn Holders(node: NodeId, nodes: Signal<Vec<Node>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let list = Memo::new(move |_| nodes.with(|all| state.users.with(|u| holders(all, u, &node))));
    view! {
        <section class="card panel wide" data-testid="node-holders">
            <h2>"Who has access here"</h2>
            {move || {
                let list = list.get();
                if list.is_empty() {
                    view! { <p class="muted">"Nobody you can see has a role here or above it."</p> }.into_any()
                } else {
                    view! {
                        <ul class="grants" role="list">
                            {list.into_iter().map(|h| view! {
                                <li class="grant-row" data-testid="holder-row">
                                    <A href=format!("/people/{}", h.user.id.0)>{h.user.name.clone()}</A>
                                    <span>{h.role.clone()}</span>
                                    <span class="muted" data-testid="holder-from">{match &h.from {
                                        None => "granted here".to_owned(),
                                        Some(above) => format!("from {above}, above"),
                                    }}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::api::RoleAtNode;
    use domain::{UserId, UserState};

    fn node(id: &str, parent: Option<&str>) -> Node {
        Node {
            id: NodeId(id.into()),
            parent: parent.map(|p| NodeId(p.into())),
            kind: if parent.is_none() {
                NodeKind::Agency
            } else {
                NodeKind::Account
            },
            name: id.to_uppercase(),
        }
    }

    fn person(id: &str, at: &[&str]) -> UserSummary {
        let roles = at
            .iter()
            .map(|n| RoleAtNode {
                role: "Agent".into(),
                node: n.to_uppercase(),
                grant: format!("g_{id}_{n}"),
                node_id: (*n).into(),
                custom_role: None,
                starts_at: None,
                ends_at: None,
            })
            .collect();
        UserSummary::new(UserId(id.into()), id, "", UserState::Active, roles)
    }

    fn tree() -> Vec<Node> {
        vec![
            node("top", None),
            node("harbor", Some("top")),
            node("pier", Some("harbor")),
            node("acme", Some("top")),
        ]
    }

    /// R1: a role at a node reaches everything under it, so it counts at every node above.
    #[test]
    fn r1_counts_take_in_everyone_under_a_node_once() {
        let users = [
            person("ann", &["pier"]),
            person("bo", &["harbor", "pier"]),
            person("cy", &["acme"]),
            person("di", &["top"]),
        ];
        let c = counts(&tree(), &users);
        let at = |id: &str| c[&NodeId(id.into())];
        assert_eq!(at("pier"), Count { here: 2, all: 2 });
        assert_eq!(
            at("harbor"),
            Count { here: 1, all: 2 },
            "Bo once, though twice below"
        );
        assert_eq!(at("acme"), Count { here: 1, all: 1 });
        assert_eq!(at("top"), Count { here: 1, all: 4 });
    }

    #[test]
    fn the_filter_keeps_the_matches_in_their_place() {
        let order = in_tree_order(&tree());
        let names = |f: &str| {
            shown(&order, f)
                .into_iter()
                .map(|i| order[i].0.id.0.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(""), ["top", "acme", "harbor", "pier"]);
        assert_eq!(names("pie"), ["top", "harbor", "pier"]);
        assert!(names("nowhere").is_empty());
    }

    /// R1: who has access at a node: those with a role there, then those with one above it.
    #[test]
    fn r1_holders_say_whether_a_role_is_held_here_or_above() {
        let users = [
            person("ann", &["pier"]),
            person("bo", &["harbor"]),
            person("cy", &["acme"]),
        ];
        let list = holders(&tree(), &users, &NodeId("pier".into()));
        let seen: Vec<(&str, Option<&str>)> = list
            .iter()
            .map(|h| (h.user.name.as_str(), h.from.as_deref()))
            .collect();
        assert_eq!(seen, [("ann", None), ("bo", Some("HARBOR"))]);
    }

    /// R15: a node cannot move inside itself, and the agency does not move.
    #[test]
    fn a_move_is_refused_inside_itself() {
        let all = tree();
        let everything = vec![domain::explain::AccessAt {
            node: NodeId("top".into()),
            capabilities: Capability::ALL
                .iter()
                .fold(domain::CapabilitySet::EMPTY, |s, c| s.with(*c)),
        }];
        let id = |s: &str| NodeId(s.into());
        assert!(why_not_move(&everything, &all, &id("harbor"), &id("pier")).is_some());
        assert!(why_not_move(&everything, &all, &id("top"), &id("acme")).is_some());
        assert_eq!(
            why_not_move(&everything, &all, &id("pier"), &id("acme")),
            None
        );
    }
}
