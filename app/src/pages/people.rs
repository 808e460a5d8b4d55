//! People: the agency's people as far as the signed-in person may see them, searched over
//! name, address, role, account and state, filtered and sorted from the URL, drawn a screenful
//! at a time so that 10,000 people scroll as smoothly as ten.

use std::collections::{BTreeSet, HashSet};

use domain::api::UserSummary;
use domain::command::OfflineCommand;
use domain::{Capability, Node, NodeId, UserId, UserState};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::components::dialog::Confirm;
use crate::components::empty::Empty;
use crate::components::sync_panel::SyncPanel;
use crate::components::toast;
use crate::components::tree_picker::in_tree_order;
use crate::state::AppState;

/// The height of one row, in pixels, as the stylesheet draws it (`--row`).
const ROW_PX: f64 = 64.0;
/// Rows drawn above and below the visible ones, so a quick scroll shows no gap.
const OVERSCAN: usize = 8;

/// How the list is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    Name,
    NameDesc,
    Email,
    EmailDesc,
    State,
    /// The latest sign-in first, those who never signed in last.
    SignedIn,
}

impl Sort {
    fn parse(s: &str) -> Self {
        match s {
            "-name" => Sort::NameDesc,
            "email" => Sort::Email,
            "-email" => Sort::EmailDesc,
            "state" => Sort::State,
            "signed-in" => Sort::SignedIn,
            _ => Sort::Name,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::NameDesc => "-name",
            Sort::Email => "email",
            Sort::EmailDesc => "-email",
            Sort::State => "state",
            Sort::SignedIn => "signed-in",
        }
    }
}

/// What the list is narrowed to; all of it lives in the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    pub q: String,
    pub state: Option<UserState>,
    /// A role's name as the list shows it.
    pub role: Option<String>,
    /// People with a grant at this node or under it.
    pub node: Option<NodeId>,
    /// Those who take a seat (`Some(true)`) or those who do not (R31).
    pub seat: Option<bool>,
}

/// The text a row is searched in: its name, address, state and every role and node, keyed as
/// names are (case and accents aside, as the Worker searches) once per change of the list
/// rather than at every keystroke.
pub fn haystack(user: &UserSummary) -> String {
    let mut text = format!("{} {} {}", user.name, user.email, user.state.label());
    for grant in &user.roles {
        text.push(' ');
        text.push_str(&grant.role);
        text.push(' ');
        text.push_str(&grant.node);
    }
    domain::input::name_key(&text)
}

/// What the filters need worked out from more than a row: the nodes under the account asked
/// for, and who takes a seat.
#[derive(Clone, Copy, Debug, Default)]
pub struct Known<'a> {
    pub under: Option<&'a HashSet<String>>,
    pub seats: Option<&'a BTreeSet<UserId>>,
}

/// The positions in `users` of the rows that match, in the order asked for. Every word of the
/// search must appear somewhere in the row.
pub fn matching(
    users: &[UserSummary],
    hay: &[String],
    filters: &Filters,
    known: Known<'_>,
    sort: Sort,
) -> Vec<usize> {
    let Known { under, seats } = known;
    let words: Vec<String> = filters
        .q
        .split_whitespace()
        .map(domain::input::name_key)
        .collect();
    let mut found: Vec<usize> = (0..users.len())
        .filter(|&i| {
            let user = &users[i];
            words.iter().all(|w| hay[i].contains(w.as_str()))
                && filters.state.is_none_or(|s| user.state == s)
                && filters
                    .role
                    .as_ref()
                    .is_none_or(|role| user.roles.iter().any(|g| &g.role == role))
                && under.is_none_or(|under| user.roles.iter().any(|g| under.contains(&g.node_id)))
                && filters
                    .seat
                    .is_none_or(|want| seats.is_some_and(|s| s.contains(&user.id)) == want)
        })
        .collect();
    match sort {
        // The rows arrive ordered by name.
        Sort::Name => {}
        Sort::NameDesc => found.reverse(),
        Sort::Email | Sort::EmailDesc => {
            found.sort_by_cached_key(|&i| users[i].email.to_lowercase());
            if sort == Sort::EmailDesc {
                found.reverse();
            }
        }
        Sort::State => found.sort_by_key(|&i| state_rank(users[i].state)),
        Sort::SignedIn => {
            found.sort_by_key(|&i| std::cmp::Reverse(users[i].last_sign_in_at.unwrap_or(i64::MIN)))
        }
    }
    found
}

fn state_rank(state: UserState) -> u8 {
    match state {
        UserState::Active => 0,
        UserState::Invited => 1,
        UserState::Suspended => 2,
        UserState::NotificationOnly => 3,
        UserState::Deleted => 4,
    }
}

/// The ids of `node` and every node under it.
pub fn subtree(nodes: &[Node], node: &NodeId) -> HashSet<String> {
    let mut inside: HashSet<String> = HashSet::from([node.0.clone()]);
    // Tree order puts every node after its parent: one pass finds the whole branch.
    for (n, _) in in_tree_order(nodes) {
        if n.parent.as_ref().is_some_and(|p| inside.contains(&p.0)) {
            inside.insert(n.id.0.clone());
        }
    }
    inside
}

/// The rows as CSV (RFC 4180), for export.
pub fn to_csv(rows: &[&UserSummary]) -> String {
    fn field(s: &str) -> String {
        // A leading formula character is defused so a spreadsheet shows it as text.
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_owned()
        };
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }
    let mut out = String::from("name,email,state,roles\r\n");
    for user in rows {
        let roles = user
            .roles
            .iter()
            .map(|g| format!("{} in {}", g.role, g.node))
            .collect::<Vec<_>>()
            .join("; ");
        out.push_str(&format!(
            "{},{},{},{}\r\n",
            field(&user.name),
            field(&user.email),
            field(user.state.label()),
            field(&roles)
        ));
    }
    out
}

/// The People screen.
#[component]
pub fn People() -> impl IntoView {
    let state = expect_context::<AppState>();
    let query = use_query_map();
    let navigate = use_navigate();
    let nodes = LocalResource::new(api::nodes);
    let node_list = crate::components::loaded(nodes, |l| l.nodes);

    // The search box answers each keystroke at once; the URL follows it.
    let search = RwSignal::new(query.with_untracked(|q| q.get("q").unwrap_or_default()));
    let filters = Memo::new(move |_| {
        query.with(|q| Filters {
            q: search.get(),
            state: q
                .get("state")
                .and_then(|s| serde_json::from_value(serde_json::Value::String(s)).ok()),
            role: q.get("role").filter(|r| !r.is_empty()),
            node: q.get("node").filter(|n| !n.is_empty()).map(NodeId),
            seat: match q.get("seat").as_deref() {
                Some("yes") => Some(true),
                Some("no") => Some(false),
                _ => None,
            },
        })
    });
    let sort = Memo::new(move |_| query.with(|q| Sort::parse(&q.get("sort").unwrap_or_default())));
    let set_param = {
        let navigate = navigate.clone();
        move |key: &'static str, value: String| {
            let mut params = query.get_untracked();
            if value.is_empty() {
                params.remove(key);
            } else {
                params.replace(key, value);
            }
            let q = params.to_query_string();
            navigate(
                &format!("/people{q}"),
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    };

    let hay = Memo::new(move |_| {
        state
            .users
            .with(|u| u.iter().map(haystack).collect::<Vec<_>>())
    });
    let under = Memo::new(move |_| {
        filters
            .with(|f| f.node.clone())
            .map(|node| node_list.with(|nodes| subtree(nodes, &node)))
    });
    // Who takes a seat is worked out only while the seat filter asks, from the rows and what
    // the device knows of the agency (its plan, its custom roles).
    let seats = Memo::new(move |_| {
        filters.with(|f| f.seat.is_some()).then(|| {
            let now = crate::state::now();
            state.replica.with(|r| {
                r.context.as_ref().map_or_else(Default::default, |context| {
                    state
                        .users
                        .with(|users| context.seat_holders(users.iter(), now))
                })
            })
        })
    });
    let found = Memo::new(move |_| {
        state.users.with(|users| {
            hay.with(|hay| {
                filters.with(|f| {
                    under.with(|u| {
                        seats.with(|s| {
                            let known = Known {
                                under: u.as_ref(),
                                seats: s.as_ref(),
                            };
                            matching(users, hay, f, known, sort.get())
                        })
                    })
                })
            })
        })
    });

    let roles_seen = Memo::new(move |_| {
        state.users.with(|users| {
            users
                .iter()
                .flat_map(|u| u.roles.iter().map(|g| g.role.clone()))
                .collect::<BTreeSet<_>>()
        })
    });
    let pending = Memo::new(move |_| {
        state.replica.with(|r| {
            r.pending
                .iter()
                .filter_map(|m| domain::sync::Change::target_user(&m.command).cloned())
                .collect::<BTreeSet<_>>()
        })
    });

    // Choosing several people, to suspend or export them together.
    let selected = RwSignal::new(HashSet::<UserId>::new());
    let may_suspend = move || state.may_anywhere(Capability::UsersSuspend);
    let may_invite = move || state.may_anywhere(Capability::UsersInvite);

    // One confirmation serves the row buttons and the bulk action.
    let asked = RwSignal::new(Vec::<(OfflineCommand, String)>::new());
    let confirming = RwSignal::new(false);
    let ask = move |commands: Vec<(OfflineCommand, String)>| {
        if !commands.is_empty() {
            asked.set(commands);
            confirming.set(true);
        }
    };
    let title = Signal::derive(move || {
        asked.with(|a| match a.as_slice() {
            [(OfflineCommand::Suspend { .. }, name)] => format!("Suspend {name}?"),
            [(OfflineCommand::Unsuspend { .. }, name)] => format!("Unsuspend {name}?"),
            many => format!("Suspend {} people?", many.len()),
        })
    });
    let confirm_label = Signal::derive(move || {
        asked.with(|a| match a.first() {
            Some((OfflineCommand::Unsuspend { .. }, _)) => "Unsuspend".to_owned(),
            _ => "Suspend".to_owned(),
        })
    });
    // Each change is decided on the device and queued (so it works offline), in one Action.
    let changing = Action::new_local(move |commands: &Vec<(OfflineCommand, String)>| {
        let commands = commands.clone();
        async move {
            let n = commands.len();
            for (command, _) in commands {
                state.change(command).await;
            }
            selected.set(HashSet::new());
            toast::done(match n {
                1 => "Done. The change is saved and syncing.".to_owned(),
                n => format!("{n} changes saved and syncing."),
            });
        }
    });
    let run = move |()| {
        changing.dispatch(asked.get_untracked());
    };
    let suspend_selected = move |_| {
        let chosen = selected.get_untracked();
        let commands = state.users.with_untracked(|users| {
            users
                .iter()
                .filter(|u| {
                    chosen.contains(&u.id) && u.state == UserState::Active && !state.is_me(&u.id)
                })
                .map(|u| {
                    (
                        OfflineCommand::Suspend { user: u.id.clone() },
                        u.name.clone(),
                    )
                })
                .collect::<Vec<_>>()
        });
        if commands.is_empty() {
            toast::failed("None of the people chosen is active, so there is no one to suspend.");
        }
        ask(commands);
    };
    let export = move |_| {
        let chosen = selected.get_untracked();
        let csv = state.users.with_untracked(|users| {
            let rows: Vec<&UserSummary> = if chosen.is_empty() {
                found.with_untracked(|f| f.iter().map(|&i| &users[i]).collect())
            } else {
                users.iter().filter(|u| chosen.contains(&u.id)).collect()
            };
            to_csv(&rows)
        });
        download("people.csv", &csv);
    };

    // Which rows are on screen.
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(640.0_f64);
    let scroller = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = scroller.get() {
            viewport.set(f64::from(el.client_height().max(320)));
        }
    });
    let window = Memo::new(move |_| {
        let count = found.with(Vec::len);
        let first = ((scroll_top.get() / ROW_PX) as usize).saturating_sub(OVERSCAN);
        let shown = (viewport.get() / ROW_PX).ceil() as usize + 2 * OVERSCAN;
        (first.min(count), (first + shown).min(count))
    });
    let visible = move || {
        let (from, to) = window.get();
        let waiting = pending.get();
        state.users.with(|users| {
            found.with(|f| {
                f[from..to]
                    .iter()
                    .enumerate()
                    .map(|(k, &i)| {
                        let user = users[i].clone();
                        let w = waiting.contains(&user.id);
                        (from + k, user, w)
                    })
                    .collect::<Vec<_>>()
            })
        })
    };

    let set_state = set_param.clone();
    let set_role = set_param.clone();
    let set_node = set_param.clone();
    let set_seat = set_param.clone();
    let set_sort = set_param.clone();
    let set_q = set_param;
    let all_selected = move || {
        let n = found.with(Vec::len);
        n > 0 && selected.with(|s| s.len()) >= n
    };
    let select_all = move |_| {
        if all_selected() {
            selected.set(HashSet::new());
        } else {
            let ids = state.users.with_untracked(|users| {
                found.with_untracked(|f| f.iter().map(|&i| users[i].id.clone()).collect())
            });
            selected.set(ids);
        }
    };

    view! {
        <main class="page people">
            <div class="page-head">
                <h1>"People"</h1>
                <span class="count" data-testid="user-count">
                    {move || {
                        let all = state.users.with(Vec::len);
                        let shown = found.with(Vec::len);
                        if shown == all { format!("{all} people") } else { format!("{shown} of {all} people") }
                    }}
                </span>
                <span class="spacer"></span>
                <Show when=may_invite>
                    <A href="/people/import" attr:class="button secondary" attr:data-testid="add-many">"Add many"</A>
                    <A href="/people/new" attr:class="button" attr:data-testid="add-person">"Add a person"</A>
                </Show>
            </div>
            <SyncPanel />
            <div class="filters" role="search">
                <input
                    class="search"
                    type="search"
                    placeholder="Search name, address, role, account or state"
                    aria-label="Search people"
                    data-testid="user-search"
                    prop:value=search
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        search.set(text.clone());
                        set_q("q", text);
                    }
                />
                <label class="filter">
                    <span>"State"</span>
                    <select data-testid="filter-state"
                        prop:value=move || query.with(|q| q.get("state").unwrap_or_default())
                        on:change=move |ev| set_state("state", event_target_value(&ev))>
                        <option value="">"Any state"</option>
                        <option value="active">"Active"</option>
                        <option value="invited">"Invited"</option>
                        <option value="suspended">"Suspended"</option>
                        <option value="notification_only">"Notifications only"</option>
                    </select>
                </label>
                <label class="filter">
                    <span>"Role"</span>
                    <select data-testid="filter-role"
                        prop:value=move || query.with(|q| q.get("role").unwrap_or_default())
                        on:change=move |ev| set_role("role", event_target_value(&ev))>
                        <option value="">"Any role"</option>
                        {move || roles_seen.get().into_iter().map(|r| view! {
                            <option value=r.clone()>{r.clone()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="filter">
                    <span>"Account"</span>
                    <select data-testid="filter-node"
                        prop:value=move || query.with(|q| q.get("node").unwrap_or_default())
                        on:change=move |ev| set_node("node", event_target_value(&ev))>
                        <option value="">"Anywhere"</option>
                        {move || node_list.with(|nodes| in_tree_order(nodes)).into_iter().map(|(n, depth)| view! {
                            <option value=n.id.0.clone()>{format!("{}{}", "\u{a0}\u{a0}".repeat(depth), n.name)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="filter">
                    <span>"Seat"</span>
                    <select data-testid="filter-seat"
                        prop:value=move || query.with(|q| q.get("seat").unwrap_or_default())
                        on:change=move |ev| set_seat("seat", event_target_value(&ev))>
                        <option value="">"Seat or not"</option>
                        <option value="yes">"Takes a seat"</option>
                        <option value="no">"Takes no seat"</option>
                    </select>
                </label>
                <label class="filter">
                    <span>"Sort"</span>
                    <select data-testid="sort"
                        prop:value=move || sort.get().as_str()
                        on:change=move |ev| set_sort("sort", event_target_value(&ev))>
                        <option value="name">"Name, A to Z"</option>
                        <option value="-name">"Name, Z to A"</option>
                        <option value="email">"Address, A to Z"</option>
                        <option value="-email">"Address, Z to A"</option>
                        <option value="state">"State"</option>
                        <option value="signed-in">"Last sign-in"</option>
                    </select>
                </label>
            </div>
            <div class="bulk" data-testid="bulk">
                <span class="muted" data-testid="selected-count">
                    {move || match selected.with(|s| s.len()) {
                        0 => "Choose people to act on several at once.".to_owned(),
                        1 => "1 person chosen".to_owned(),
                        n => format!("{n} people chosen"),
                    }}
                </span>
                <Show when=may_suspend>
                    <button class="secondary small" data-testid="bulk-suspend"
                        prop:disabled=move || selected.with(|s| s.is_empty()) || changing.pending().get()
                        on:click=suspend_selected>"Suspend"</button>
                </Show>
                <button class="secondary small" data-testid="export" on:click=export>
                    {move || if selected.with(|s| s.is_empty()) { "Export the list (CSV)" } else { "Export chosen (CSV)" }}
                </button>
            </div>
            <Show
                when=move || found.with(|f| !f.is_empty())
                fallback=move || {
                    if state.users.with(Vec::is_empty) {
                        view! {
                            <Empty title="No people yet">
                                <p class="muted">"People you may see appear here once Switchboard has sent them."</p>
                            </Empty>
                        }.into_any()
                    } else {
                        view! {
                            <Empty title="Nobody matches">
                                <p class="muted">"Try fewer words, or clear the filters."</p>
                                <A href="/people">"Clear search and filters"</A>
                            </Empty>
                        }.into_any()
                    }
                }
            >
                <div class="table" role="table" aria-label="People" data-testid="users"
                    aria-rowcount=move || found.with(Vec::len) + 1>
                    <div role="rowgroup">
                        <div class="row head" role="row" aria-rowindex="1">
                            <span role="columnheader" class="pick">
                                <input type="checkbox" aria-label="Choose everyone listed"
                                    data-testid="select-all"
                                    prop:checked=all_selected on:change=select_all />
                            </span>
                            <span role="columnheader">"Name"</span>
                            <span role="columnheader" class="roles">"Roles"</span>
                            <span role="columnheader">"State"</span>
                            <span role="columnheader" class="signed-in">"Last sign-in"</span>
                            <span role="columnheader"><span class="visually-hidden">"Actions"</span></span>
                        </div>
                    </div>
                    <div class="scroller" role="rowgroup" node_ref=scroller
                        on:scroll=move |ev| {
                            let el: web_sys::Element = event_target(&ev);
                            scroll_top.set(f64::from(el.scroll_top()));
                        }>
                        <div class="spacer-rows" style:height=move || format!("{}px", found.with(Vec::len) * ROW_PX as usize)>
                            <For each=visible key=|(at, user, waiting)| (*at, user.clone(), *waiting) let((at, user, waiting))>
                                <Row at=at user=user waiting=waiting selected=selected ask=ask />
                            </For>
                        </div>
                    </div>
                </div>
            </Show>
            <Confirm open=confirming title=title confirm_label=confirm_label destructive=true
                on_confirm=run>
                <p>{move || asked.with(|a| if a.len() == 1 && matches!(a[0].0, OfflineCommand::Unsuspend { .. }) {
                    "They can sign in again at once, with the roles they had.".to_owned()
                } else {
                    "They are signed out at once and cannot sign in until unsuspended. Their roles, numbers and history stay.".to_owned()
                })}</p>
            </Confirm>
        </main>
    }
}

/// One person's row, placed at its position in the whole list.
#[component]
fn Row(
    at: usize,
    user: UserSummary,
    waiting: bool,
    selected: RwSignal<HashSet<UserId>>,
    ask: impl Fn(Vec<(OfflineCommand, String)>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = user.id.clone();
    let chosen = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let toggle = {
        let id = id.clone();
        move |_| {
            selected.update(|s| {
                if !s.remove(&id) {
                    s.insert(id.clone());
                }
            })
        }
    };
    // Drawn again when what the person may do changes (a demotion arrives with a sync).
    let action = {
        let (id, name, user_state) = (id.clone(), user.name.clone(), user.state);
        move || {
            let command = match user_state {
                UserState::Active => ("Suspend", OfflineCommand::Suspend { user: id.clone() }),
                UserState::Suspended => {
                    ("Unsuspend", OfflineCommand::Unsuspend { user: id.clone() })
                }
                _ => return None,
            };
            if state.is_me(&id) || !state.may_anywhere(Capability::UsersSuspend) {
                return None;
            }
            let (label, command) = command;
            let name = name.clone();
            let aria = format!("{label} {name}");
            Some(view! {
                <button class="secondary small" data-testid="row-action" aria-label=aria
                    on:click=move |_| ask(vec![(command.clone(), name.clone())])>
                    {label}
                </button>
            })
        }
    };
    let roles = user
        .roles
        .iter()
        .map(|g| format!("{} in {}", g.role, g.node))
        .collect::<Vec<_>>()
        .join(", ");
    // Notification-only people never sign in: the column says nothing of them.
    let signed_in = if user.state == UserState::NotificationOnly {
        "—".to_owned()
    } else {
        crate::components::since(user.last_sign_in_at, crate::state::now())
    };
    view! {
        <div class="row" role="row" aria-rowindex=at + 2 data-testid="user-row" class:waiting=waiting
            style:transform=format!("translateY({}px)", at * ROW_PX as usize)>
            <span role="cell" class="pick">
                <input type="checkbox" aria-label=format!("Choose {}", user.name)
                    data-testid="row-select" prop:checked=chosen on:change=toggle />
            </span>
            <span role="cell" class="who">
                <A href=format!("/people/{}", user.id.0) attr:class="name" attr:data-testid="person-link">{user.name.clone()}</A>
                <span class="email muted">{user.email.clone()}</span>
            </span>
            <span role="cell" class="roles" title=roles.clone()>{roles.clone()}</span>
            <span role="cell">
                <span class=format!("state {}", user.state.as_str()) data-testid="user-state">
                    {user.state.label()}
                </span>
                {waiting.then(|| view! {
                    <span class="waiting-note" data-testid="row-waiting">" · waiting to sync"</span>
                })}
            </span>
            <span role="cell" class="signed-in muted" data-testid="last-sign-in">{signed_in}</span>
            <span role="cell" class="actions">{action}</span>
        </div>
    }
}

/// Hands `text` to the browser as a file to save.
pub(crate) fn download(name: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let parts = web_sys::js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::NodeKind;
    use domain::api::RoleAtNode;

    fn person(id: &str, name: &str, state: UserState, roles: &[(&str, &str, &str)]) -> UserSummary {
        UserSummary::new(
            UserId(id.into()),
            name,
            &format!("{id}@example.com"),
            state,
            roles
                .iter()
                .map(|(role, node, node_id)| RoleAtNode {
                    role: (*role).into(),
                    node: (*node).into(),
                    grant: format!("g_{id}"),
                    node_id: (*node_id).into(),
                    custom_role: None,
                    starts_at: None,
                    ends_at: None,
                })
                .collect(),
        )
    }

    fn node(id: &str, parent: Option<&str>) -> Node {
        Node {
            id: NodeId(id.into()),
            parent: parent.map(|p| NodeId(p.into())),
            kind: NodeKind::Account,
            name: id.into(),
        }
    }

    fn people() -> Vec<UserSummary> {
        vec![
            person(
                "ann",
                "Ann",
                UserState::Active,
                &[("Manager", "Harbor Dental", "harbor")],
            ),
            person(
                "bo",
                "Bo",
                UserState::Suspended,
                &[("Agent", "Pier Street", "pier")],
            ),
            person("cy", "Cy", UserState::Active, &[("Viewer", "Acme", "acme")]),
        ]
    }

    fn found(filters: &Filters, under: Option<&HashSet<String>>, sort: Sort) -> Vec<String> {
        let users = people();
        let hay: Vec<String> = users.iter().map(haystack).collect();
        let known = Known { under, seats: None };
        matching(&users, &hay, filters, known, sort)
            .into_iter()
            .map(|i| users[i].name.clone())
            .collect()
    }

    #[test]
    fn search_reaches_roles_accounts_and_states_every_word_counting() {
        let q = |q: &str| Filters {
            q: q.into(),
            ..Filters::default()
        };
        assert_eq!(found(&q("manager"), None, Sort::Name), ["Ann"]);
        assert_eq!(found(&q("HARBOR"), None, Sort::Name), ["Ann"]);
        assert_eq!(found(&q("suspended"), None, Sort::Name), ["Bo"]);
        assert_eq!(found(&q("active acme"), None, Sort::Name), ["Cy"]);
        assert!(found(&q("active pier"), None, Sort::Name).is_empty());
    }

    #[test]
    fn r1_the_account_filter_takes_in_everything_under_it() {
        let nodes = [
            node("root", None),
            node("harbor", Some("root")),
            node("pier", Some("harbor")),
            node("acme", Some("root")),
        ];
        let under = subtree(&nodes, &NodeId("harbor".into()));
        assert_eq!(
            under,
            HashSet::from(["harbor".to_owned(), "pier".to_owned()])
        );
        let all = Filters::default();
        assert_eq!(found(&all, Some(&under), Sort::NameDesc), ["Bo", "Ann"]);
        let agents = Filters {
            role: Some("Agent".into()),
            ..Filters::default()
        };
        assert_eq!(found(&agents, None, Sort::Name), ["Bo"]);
        assert_eq!(found(&all, None, Sort::State), ["Ann", "Cy", "Bo"]);
    }

    /// R31: the seat filter keeps those the seat count counts, or the others.
    #[test]
    fn r31_the_seat_filter_keeps_who_takes_a_seat_or_who_does_not() {
        let users = people();
        let hay: Vec<String> = users.iter().map(haystack).collect();
        let seats = BTreeSet::from([UserId("ann".into()), UserId("cy".into())]);
        let names = |seat| {
            let filters = Filters {
                seat: Some(seat),
                ..Filters::default()
            };
            let known = Known {
                under: None,
                seats: Some(&seats),
            };
            matching(&users, &hay, &filters, known, Sort::Name)
                .into_iter()
                .map(|i| users[i].name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(true), ["Ann", "Cy"]);
        assert_eq!(names(false), ["Bo"]);
    }

    #[test]
    fn the_latest_sign_in_comes_first_and_never_last() {
        let mut users = people();
        users[0].last_sign_in_at = Some(100);
        users[2].last_sign_in_at = Some(300);
        let hay: Vec<String> = users.iter().map(haystack).collect();
        let order: Vec<&str> = matching(
            &users,
            &hay,
            &Filters::default(),
            Known::default(),
            Sort::SignedIn,
        )
        .into_iter()
        .map(|i| users[i].name.as_str())
        .collect();
        assert_eq!(order, ["Cy", "Ann", "Bo"]);
    }

    #[test]
    fn the_export_is_csv_that_a_spreadsheet_cannot_mistake_for_a_formula() {
        let mut odd = person("d", "=HYPERLINK(\"x\")", UserState::Active, &[]);
        odd.email = "d,e@example.com".into();
        let csv = to_csv(&[&odd]);
        assert_eq!(
            csv,
            "name,email,state,roles\r\n\"'=HYPERLINK(\"\"x\"\")\",\"d,e@example.com\",Active,\r\n"
        );
    }
}
