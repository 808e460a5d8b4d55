//! Phone numbers: every tracking number the signed-in person may see, with the one person its
//! calls ring through to (§7); searched by number or name; a number moved to someone else, or
//! a new one given to someone, after the number is read as E.164 here. The Worker decides.

use domain::api::{NumberLine, UserSummary};
use domain::{Capability, E164, Node, UserId};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::dialog::Confirm;
use crate::components::empty::Empty;
use crate::components::form::sentence;
use crate::components::toast;
use crate::pages::person::needs_worker;
use crate::reach;
use crate::state::AppState;

/// At most this many numbers are drawn; a search narrows the rest.
const SHOWN: usize = 200;

/// The numbers that match `search` (digits of the number, or words of the person's name).
pub fn matching<'a>(numbers: &'a [NumberLine], search: &str) -> Vec<&'a NumberLine> {
    let words: Vec<String> = search.split_whitespace().map(str::to_lowercase).collect();
    numbers
        .iter()
        .filter(|n| {
            let name = n.user_name.to_lowercase();
            words.iter().all(|w| {
                let digits: String = w.chars().filter(char::is_ascii_digit).collect();
                name.contains(w.as_str()) || (!digits.is_empty() && n.number.contains(&digits))
            })
        })
        .collect()
}

/// Why the signed-in person may not send calls to `user` (R10): they need to assign numbers
/// where that person works.
fn why_not_to(
    access: &[domain::explain::AccessAt],
    nodes: &[Node],
    user: Option<&UserSummary>,
) -> Option<String> {
    let user = user?;
    (!reach::over_person(access, nodes, &user.roles, Capability::NumbersAssign)).then(|| {
        format!(
            "You may not give numbers to {}, where they work.",
            user.name
        )
    })
}

/// The Numbers screen.
#[component]
pub fn Numbers() -> impl IntoView {
    let state = expect_context::<AppState>();
    let list = LocalResource::new(api::numbers);
    let node_list = LocalResource::new(api::nodes);
    let numbers = crate::components::loaded(list, |l| l.numbers);
    let nodes = crate::components::loaded(node_list, |l| l.nodes);
    let access = state.access();
    let may_assign = move || state.may_anywhere(Capability::NumbersAssign);
    let search = RwSignal::new(String::new());
    let found = Memo::new(move |_| {
        numbers
            .with(|all| search.with(|s| matching(all, s).into_iter().cloned().collect::<Vec<_>>()))
    });

    // One form gives a number to someone: a new number, or one moved from its person.
    let number = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let number_error = RwSignal::new(None::<String>);
    let to_error = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(false);
    let asked = RwSignal::new(None::<(E164, UserSummary, Option<String>)>);
    let assigning = Action::new_local(move |(number, user): &(E164, UserId)| {
        let (number, user) = (number.clone(), user.clone());
        async move {
            match api::assign_number(number.as_str(), &user).await {
                Ok(()) => {
                    toast::done(format!(
                        "{} now rings through to its new person.",
                        number.as_str()
                    ));
                    number_error.set(None);
                    list.refetch();
                    state.sync_now().await;
                }
                Err(e) => number_error.set(Some(needs_worker(e, "Giving a number"))),
            }
        }
    });
    let give = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parsed = E164::parse(number.get_untracked().trim());
        number_error.set(parsed.as_ref().err().map(|e| sentence(&e.to_string())));
        let chosen = to.get_untracked();
        let person = state
            .users
            .with_untracked(|u| u.iter().find(|u| u.id.0 == chosen).cloned());
        let why = if person.is_none() {
            Some("Choose who its calls go to.".to_owned())
        } else {
            nodes.with_untracked(|n| access.with_untracked(|a| why_not_to(a, n, person.as_ref())))
        };
        to_error.set(why.clone());
        let (Ok(parsed), Some(person), None) = (parsed, person, why) else {
            return;
        };
        let from = numbers.with_untracked(|all| {
            all.iter()
                .find(|n| n.number == parsed.as_str())
                .map(|n| (n.user.clone(), n.user_name.clone()))
        });
        if from.as_ref().is_some_and(|(id, _)| *id == person.id.0) {
            number_error.set(Some(format!(
                "{} already rings through to {}.",
                parsed.as_str(),
                person.name
            )));
            return;
        }
        asked.set(Some((parsed, person, from.map(|(_, name)| name))));
        confirming.set(true);
    };
    let title = Signal::derive(move || {
        asked.with(|a| {
            a.as_ref()
                .map(|(n, to, _)| format!("Send {} to {}?", n.as_str(), to.name))
                .unwrap_or_default()
        })
    });

    view! {
        <main class="page number-page">
            <div class="page-head">
                <h1>"Phone numbers"</h1>
                <span class="count" data-testid="number-count">
                    {move || match numbers.with(Vec::len) {
                        1 => "1 number".to_owned(),
                        n => format!("{n} numbers"),
                    }}
                </span>
            </div>
            <p class="muted">"Each tracking number rings through to one person. Give a number to someone here, or move it from the person who has it."</p>
            <Show when=may_assign fallback=|| view! {
                <p class="muted" data-testid="numbers-assign-why">"You may see these numbers; giving them to people is for those who may assign numbers."</p>
            }>
                <form class="card panel wide give-number" on:submit=give novalidate data-testid="number-give">
                    <h2>"Give a number to someone"</h2>
                    <div class="row">
                        <label>"Number, with its country code"
                            <input type="tel" bind:value=number placeholder="+14155550199" data-testid="number-input"
                                autocomplete="off" aria-invalid=move || number_error.with(Option::is_some).to_string() />
                        </label>
                        <label>"Rings through to"
                            <select data-testid="number-to" prop:value=move || to.get()
                                on:change=move |ev| to.set(event_target_value(&ev))>
                                <option value="">"Choose a person"</option>
                                {move || state.users.with(|users| users.iter()
                                    .filter(|u| u.state != domain::UserState::NotificationOnly)
                                    .map(|u| view! { <option value=u.id.0.clone()>{u.name.clone()}</option> })
                                    .collect_view())}
                            </select>
                        </label>
                    </div>
                    {move || number_error.get().map(|e| view! {
                        <span class="field-error" role="alert" data-testid="number-error">{e}</span>
                    })}
                    {move || to_error.get().map(|e| view! {
                        <span class="field-error" role="alert" data-testid="number-to-error">{e}</span>
                    })}
                    <button type="submit" data-testid="number-give-save"
                        prop:disabled=move || assigning.pending().get()>"Give the number"</button>
                </form>
            </Show>
            <div class="filters" role="search">
                <input class="search" type="search" placeholder="Search by number or name"
                    aria-label="Search numbers" data-testid="number-search"
                    prop:value=search on:input=move |ev| search.set(event_target_value(&ev)) />
            </div>
            {move || match list.get() {
                None => view! { <p class="muted">"Loading the numbers…"</p> }.into_any(),
                Some(Err(e)) => view! {
                    <p class="error" role="alert" data-testid="numbers-error">{crate::pages::account::words(e)}</p>
                }.into_any(),
                Some(Ok(_)) if found.with(Vec::is_empty) => view! {
                    <Empty title="No number here">
                        <p class="muted">"No tracking number matches, or none rings through to anyone you can see."</p>
                    </Empty>
                }.into_any(),
                Some(Ok(_)) => view! {
                    <ul class="number-list card" data-testid="numbers">
                        {move || found.get().into_iter().take(SHOWN).map(|n| {
                            let pick = n.clone();
                            view! {
                                <li class="number-row" data-testid="number-row">
                                    <span class="number">{n.number.clone()}</span>
                                    <span class="muted">"rings through to"</span>
                                    <A href=format!("/people/{}", n.user) attr:data-testid="number-person">{n.user_name.clone()}</A>
                                    <span class="spacer"></span>
                                    <Show when=may_assign>
                                        {
                                            let pick = pick.clone();
                                            view! {
                                                <button class="secondary small" data-testid="number-move"
                                                    aria-label=format!("Move {}", pick.number)
                                                    on:click=move |_| {
                                                        number.set(pick.number.clone());
                                                        to.set(String::new());
                                                        if let Some(el) = web_sys::window()
                                                            .and_then(|w| w.document())
                                                            .and_then(|d| d.query_selector("[data-testid=number-to]").ok().flatten())
                                                        {
                                                            use wasm_bindgen::JsCast;
                                                            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                                                                let _ = el.focus();
                                                            }
                                                        }
                                                    }>"Move"</button>
                                            }
                                        }
                                    </Show>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {move || (found.with(Vec::len) > SHOWN).then(|| view! {
                        <p class="muted">{format!("Showing {SHOWN} of {}; search to narrow.", found.with(Vec::len))}</p>
                    })}
                }.into_any(),
            }}
            <Confirm open=confirming title=title confirm_label="Send it".to_owned()
                on_confirm=move |()| {
                    if let Some((n, to, _)) = asked.get_untracked() {
                        assigning.dispatch((n, to.id));
                    }
                }>
                <p>{move || asked.with(|a| match a {
                    Some((_, to, Some(from))) => format!("Its calls stop ringing through to {from} and go to {} instead.", to.name),
                    Some((_, to, None)) => format!("It is a new number here; its calls go to {}.", to.name),
                    None => String::new(),
                })}</p>
            </Confirm>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(number: &str, name: &str) -> NumberLine {
        NumberLine {
            number: number.into(),
            user: name.to_lowercase(),
            user_name: name.into(),
        }
    }

    #[test]
    fn a_search_finds_digits_of_the_number_or_words_of_the_name() {
        let all = [
            line("+14155550199", "Kai Lindqvist"),
            line("+442071234567", "Casey Moreno"),
        ];
        let numbers = |s: &str| {
            matching(&all, s)
                .into_iter()
                .map(|n| n.number.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(numbers(""), ["+14155550199", "+442071234567"]);
        assert_eq!(numbers("555"), ["+14155550199"]);
        assert_eq!(numbers("(415) 555"), ["+14155550199"]);
        assert_eq!(numbers("casey"), ["+442071234567"]);
        assert!(numbers("nobody").is_empty());
    }
}
