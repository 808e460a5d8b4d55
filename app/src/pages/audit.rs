//! The audit log (R25): newest first, a page at a time from the Worker's cursor; filtered by
//! who did it, whom or what it was about, the action and the dates, all kept in the address;
//! each entry's before and after shown as what changed; the filtered log as CSV.

use domain::api::{AuditLine, AuditPage};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde_json::Value;

use crate::api;
use crate::components::empty::Empty;
use crate::components::local_time;
use crate::pages::account::words;
use crate::state::AppState;

/// One thing that changed: where, what it was, what it became.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Every leaf of a JSON value, by its path (`user.settings.time_zone`).
fn leaves(value: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                leaves(inner, &path, out);
            }
        }
        Value::Null => {}
        Value::String(s) => out.push((path.to_owned(), s.clone())),
        other => out.push((path.to_owned(), other.to_string())),
    }
}

/// What differs between an entry's before and after, field by field, in reading order. The
/// field is named by the last part of its path, in words (`time_zone` → "time zone").
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<Change> {
    let mut was = Vec::new();
    let mut is = Vec::new();
    if let Some(v) = before {
        leaves(v, "", &mut was);
    }
    if let Some(v) = after {
        leaves(v, "", &mut is);
    }
    let mut paths: Vec<&String> = was.iter().chain(is.iter()).map(|(p, _)| p).collect();
    paths.dedup();
    let mut seen = std::collections::HashSet::new();
    let find = |list: &[(String, String)], path: &str| {
        list.iter().find(|(p, _)| p == path).map(|(_, v)| v.clone())
    };
    let mut out = Vec::new();
    for path in paths {
        if !seen.insert(path.clone()) || path.ends_with("kind") || path.ends_with(".id") {
            continue;
        }
        let (b, a) = (find(&was, path), find(&is, path));
        if b != a {
            out.push(Change {
                field: path.rsplit('.').next().unwrap_or(path).replace('_', " "),
                before: b,
                after: a,
            });
        }
    }
    out
}

/// The filters, as the address holds them and the Worker reads them.
fn query_string(q: &leptos_router::params::ParamsMap) -> String {
    ["actor", "about", "action", "since", "until"]
        .iter()
        .filter_map(|k| {
            q.get(k)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", urlencode(&v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A day (`2026-12-05`, from a date field) as the milliseconds of its start, UTC; the end of
/// the day when `end`.
pub fn day_millis(day: &str, end: bool) -> Option<i64> {
    let mut parts = day.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days since 1970-01-01 (Howard Hinnant's civil-from-days, inverted).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400_000 + if end { 86_399_999 } else { 0 })
}

/// The audit log screen.
#[component]
pub fn Audit() -> impl IntoView {
    let state = expect_context::<AppState>();
    let query = use_query_map();
    let navigate = use_navigate();
    let filters = Memo::new(move |_| query.with(query_string));
    // The pages read so far for these filters, and the cursor of the next one.
    let entries = RwSignal::new(Vec::<AuditLine>::new());
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let loading = Action::new_local(move |(filters, after): &(String, Option<String>)| {
        let (filters, after) = (filters.clone(), after.clone());
        async move {
            let mut path = format!("/audit?limit=50&{filters}");
            if let Some(after) = &after {
                path.push_str(&format!("&after={after}"));
            }
            match api::audit(&path).await {
                Ok(AuditPage {
                    entries: page,
                    next: more,
                }) => {
                    error.set(None);
                    if after.is_none() {
                        entries.set(page);
                    } else {
                        entries.update(|e| e.extend(page));
                    }
                    next.set(more);
                }
                Err(e) => error.set(Some(words(e))),
            }
        }
    });
    Effect::new(move |_| {
        let f = filters.get();
        loading.dispatch((f, None));
    });
    let set = move |key: &'static str, value: String| {
        let mut params = query.get_untracked();
        if value.is_empty() {
            params.remove(key);
        } else {
            params.replace(key, value);
        }
        navigate(
            &format!("/audit{}", params.to_query_string()),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let people = move || {
        state.users.with(|u| {
            let mut list: Vec<(String, String)> =
                u.iter().map(|u| (u.id.0.clone(), u.name.clone())).collect();
            list.sort_by_key(|(_, n)| n.to_lowercase());
            list
        })
    };
    let day_of = move |key: &'static str| {
        query.with(|q| {
            q.get(key)
                .and_then(|v| v.parse::<i64>().ok())
                .map(|ms| {
                    let date =
                        web_sys::js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
                    date.to_iso_string().as_string().unwrap_or_default()[..10].to_owned()
                })
                .unwrap_or_default()
        })
    };
    let (set_actor, set_about, set_action, set_since, set_until) =
        (set.clone(), set.clone(), set.clone(), set.clone(), set);

    view! {
        <main class="page audit-page">
            <div class="page-head">
                <h1>"Audit log"</h1>
                <span class="spacer"></span>
                <a class="button secondary" data-testid="audit-csv" download="audit.csv"
                    href=move || format!("/api/v1/audit.csv?{}", filters.get())>"Export (CSV)"</a>
            </div>
            <p class="muted">"Every change to people, roles, accounts and settings: who made it, when, and what it changed. Nobody can edit or delete an entry."</p>
            <div class="filters" role="search">
                <label class="filter"><span>"By"</span>
                    <select data-testid="audit-actor" prop:value=move || query.with(|q| q.get("actor").unwrap_or_default())
                        on:change=move |ev| set_actor("actor", event_target_value(&ev))>
                        <option value="">"Anyone"</option>
                        {move || people().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="filter"><span>"About"</span>
                    <select data-testid="audit-about" prop:value=move || query.with(|q| q.get("about").unwrap_or_default())
                        on:change=move |ev| set_about("about", event_target_value(&ev))>
                        <option value="">"Anyone or anything"</option>
                        {move || people().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="filter"><span>"Action"</span>
                    <select data-testid="audit-action" prop:value=move || query.with(|q| q.get("action").unwrap_or_default())
                        on:change=move |ev| set_action("action", event_target_value(&ev))>
                        <option value="">"Any action"</option>
                        {domain::audit::ACTIONS.iter().map(|a| view! {
                            <option value=*a>{action_label(a)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="filter"><span>"From"</span>
                    <input type="date" data-testid="audit-since" prop:value=move || day_of("since")
                        on:change=move |ev| set_since("since", day_millis(&event_target_value(&ev), false).map(|m| m.to_string()).unwrap_or_default()) />
                </label>
                <label class="filter"><span>"To"</span>
                    <input type="date" data-testid="audit-until" prop:value=move || day_of("until")
                        on:change=move |ev| set_until("until", day_millis(&event_target_value(&ev), true).map(|m| m.to_string()).unwrap_or_default()) />
                </label>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="audit-error">{e}</p> })}
            {move || {
                let list = entries.get();
                if list.is_empty() && !loading.pending().get() && error.with(Option::is_none) {
                    view! {
                        <Empty title="No entry matches">
                            <p class="muted">"Try fewer filters, or other dates."</p>
                        </Empty>
                    }.into_any()
                } else {
                    view! {
                        <ol class="audit-list" data-testid="audit-entries">
                            {list.into_iter().map(|line| view! { <Entry line=line /> }).collect_view()}
                        </ol>
                    }.into_any()
                }
            }}
            <Show when=move || next.with(Option::is_some)>
                <button class="secondary" data-testid="audit-more"
                    prop:disabled=move || loading.pending().get()
                    on:click=move |_| { loading.dispatch((filters.get_untracked(), next.get_untracked())); }>
                    "Older entries"
                </button>
            </Show>
        </main>
    }
}

/// An action's name in words, for the filter.
fn action_label(action: &str) -> String {
    let text = action.replace('_', " ");
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// One entry: when, who, what, and what changed.
#[component]
fn Entry(line: AuditLine) -> impl IntoView {
    let who = line
        .actor_name
        .clone()
        .unwrap_or_else(|| "Switchboard".into());
    let what = domain::audit::action_words(&line.action, line.after.as_ref());
    let about = line
        .target_name
        .clone()
        .unwrap_or_else(|| line.target.clone());
    let as_json =
        |s: &Option<domain::Subject>| s.as_ref().and_then(|s| serde_json::to_value(s).ok());
    let diff = changes(
        as_json(&line.before).as_ref(),
        as_json(&line.after).as_ref(),
    );
    view! {
        <li class="audit-entry" data-testid="audit-entry">
            <div class="audit-head">
                <span class="muted small">{local_time(line.at)}</span>
                <span><strong>{who}</strong>{format!(" {what}")}<span class="muted">{format!(" · {about}")}</span></span>
            </div>
            {(!diff.is_empty()).then(|| view! {
                <ul class="audit-diff" data-testid="audit-diff">
                    {diff.into_iter().take(8).map(|c| view! {
                        <li>
                            <span class="field">{c.field}</span>": "
                            {c.before.map(|b| view! { <del>{b}</del>" → " })}
                            <ins>{c.after.unwrap_or_else(|| "(none)".into())}</ins>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// R25: an entry's before and after read as what changed, field by field.
    #[test]
    fn r25_before_and_after_read_as_what_changed() {
        let before = json!({"kind": "user", "user": {"id": "u1", "name": "Kai", "state": "active", "settings": {"time_zone": "UTC"}}});
        let after = json!({"kind": "user", "user": {"id": "u1", "name": "Kai", "state": "suspended", "settings": {"time_zone": "Europe/Oslo"}}});
        let seen: Vec<(String, Option<String>, Option<String>)> =
            changes(Some(&before), Some(&after))
                .into_iter()
                .map(|c| (c.field, c.before, c.after))
                .collect();
        assert_eq!(
            seen,
            [
                (
                    "time zone".to_owned(),
                    Some("UTC".to_owned()),
                    Some("Europe/Oslo".to_owned())
                ),
                (
                    "state".to_owned(),
                    Some("active".to_owned()),
                    Some("suspended".to_owned())
                ),
            ]
        );
        let made = changes(
            None,
            Some(&json!({"kind": "node", "node": {"id": "n1", "name": "Dock Road"}})),
        );
        assert_eq!(made.len(), 1);
        assert_eq!(made[0].field, "name");
        assert_eq!(made[0].before, None);
    }

    #[test]
    fn a_day_is_its_first_and_last_millisecond_utc() {
        assert_eq!(day_millis("1970-01-01", false), Some(0));
        assert_eq!(day_millis("1970-01-02", true), Some(2 * 86_400_000 - 1));
        assert_eq!(day_millis("2026-12-05", false), Some(1_796_428_800_000));
        assert_eq!(day_millis("2026-13-05", false), None);
        assert_eq!(day_millis("soon", false), None);
    }
}
