//! The account tree as an indented list to choose one node (or several) from.

use std::collections::HashMap;

use domain::{Node, NodeId};
use leptos::prelude::*;

/// The nodes in tree order (each after its parent, siblings by name), with their depth.
pub fn in_tree_order(nodes: &[Node]) -> Vec<(Node, usize)> {
    let known: std::collections::HashSet<&NodeId> = nodes.iter().map(|n| &n.id).collect();
    let mut children: HashMap<Option<&NodeId>, Vec<&Node>> = HashMap::new();
    for node in nodes {
        // A node whose parent is outside the caller's part of the tree starts a branch.
        let parent = node.parent.as_ref().filter(|p| known.contains(p));
        children.entry(parent).or_default().push(node);
    }
    for list in children.values_mut() {
        list.sort_by_key(|n| n.name.to_lowercase());
    }
    let mut out = Vec::with_capacity(nodes.len());
    let mut stack: Vec<(&Node, usize)> = children
        .get(&None)
        .map(|roots| roots.iter().rev().map(|n| (*n, 0)).collect())
        .unwrap_or_default();
    while let Some((node, depth)) = stack.pop() {
        out.push((node.clone(), depth));
        if let Some(kids) = children.get(&Some(&node.id)) {
            stack.extend(kids.iter().rev().map(|n| (*n, depth + 1)));
        }
    }
    out
}

/// A node's kind as a person reads it.
pub fn kind_word(node: &Node) -> &'static str {
    match node.kind {
        domain::NodeKind::Agency => "Agency",
        domain::NodeKind::Account => "Account",
        domain::NodeKind::Group => "Group",
        domain::NodeKind::Subgroup => "Subgroup",
        domain::NodeKind::Location => "Location",
    }
}

/// Choose nodes of the tree: radio buttons for one, check boxes for several. A node for which
/// `why_not` gives a reason cannot be chosen, and says why.
#[component]
pub fn TreePicker(
    #[prop(into)] nodes: Signal<Vec<Node>>,
    chosen: RwSignal<Vec<NodeId>>,
    #[prop(optional)] multiple: bool,
    /// Why a node cannot be chosen, if it cannot.
    #[prop(into)]
    why_not: Callback<NodeId, Option<String>>,
    legend: &'static str,
) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let rows = Memo::new(move |_| {
        let needle = filter.get().trim().to_lowercase();
        nodes.with(|nodes| {
            in_tree_order(nodes)
                .into_iter()
                .filter(|(n, _)| needle.is_empty() || n.name.to_lowercase().contains(&needle))
                .collect::<Vec<_>>()
        })
    });
    let kind = if multiple { "checkbox" } else { "radio" };
    view! {
        <fieldset class="tree-picker" data-testid="tree-picker">
            <legend>{legend}</legend>
            <input type="search" class="search" placeholder="Filter accounts by name"
                aria-label="Filter accounts by name" bind:value=filter />
            <ul role="list">
                <For each=move || rows.get() key=|(n, d)| (n.id.clone(), *d) let((node, depth))>
                    {
                        let id = node.id.clone();
                        let reason = why_not.run(id.clone());
                        let unavailable = reason.is_some();
                        let checked = {
                            let id = id.clone();
                            move || chosen.with(|c| c.contains(&id))
                        };
                        let toggle = {
                            let id = id.clone();
                            move |_| {
                                chosen.update(|c| {
                                    if !multiple {
                                        c.clear();
                                        c.push(id.clone());
                                    } else if let Some(at) = c.iter().position(|x| *x == id) {
                                        c.remove(at);
                                    } else {
                                        c.push(id.clone());
                                    }
                                })
                            }
                        };
                        view! {
                            <li style:padding-left=format!("{}px", depth * 19) class:unavailable=unavailable>
                                <label>
                                    <input type=kind name="tree-picker" prop:checked=checked
                                        disabled=unavailable
                                        data-testid=format!("node-{}", id.0)
                                        on:change=toggle />
                                    <span class="node-name">{node.name.clone()}</span>
                                    <span class="muted">{format!(" · {}", kind_word(&node))}</span>
                                </label>
                                {reason.map(|r| view! { <span class="why">{r}</span> })}
                            </li>
                        }
                    }
                </For>
            </ul>
        </fieldset>
    }
}
