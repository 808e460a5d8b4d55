//! API tokens for scripts: made here, narrowed to some capabilities at one account, shown once,
//! revoked here. The Worker refuses a token wider than the person who makes it (R11).

use domain::Capability;
use domain::api::{TokenCreated, TokenInfo};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, NewToken};

/// The token panel of the console.
#[component]
pub fn Tokens() -> impl IntoView {
    let tokens = RwSignal::new(Vec::<TokenInfo>::new());
    let nodes = RwSignal::new(Vec::<(String, String)>::new());
    let name = RwSignal::new(String::new());
    let node = RwSignal::new(String::new());
    let chosen = RwSignal::new(vec![Capability::UsersView.as_str().to_owned()]);
    let created = RwSignal::new(None::<TokenCreated>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let reload = move || {
        spawn_local(async move {
            match api::tokens().await {
                Ok(list) => tokens.set(list.tokens),
                Err(e) => error.set(Some(e.to_string())),
            }
        })
    };
    reload();
    spawn_local(async move {
        if let Ok(list) = api::nodes().await {
            let named: Vec<(String, String)> =
                list.nodes.into_iter().map(|n| (n.id.0, n.name)).collect();
            if let Some((first, _)) = named.first() {
                node.set(first.clone());
            }
            nodes.set(named);
        }
    });

    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = NewToken {
            name: name.get_untracked().trim().to_owned(),
            capabilities: chosen.get_untracked(),
            nodes: vec![node.get_untracked()],
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::create_token(&request).await {
                Ok(made) => {
                    created.set(Some(made));
                    name.set(String::new());
                    reload();
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    let revoke = move |id: String| {
        spawn_local(async move {
            match api::revoke_token(&id).await {
                Ok(()) => {
                    created.update(|c| {
                        if c.as_ref().is_some_and(|c| c.token.id == id) {
                            *c = None;
                        }
                    });
                    reload();
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        })
    };
    let toggle = move |capability: &'static str| {
        chosen.update(|list| {
            if let Some(at) = list.iter().position(|c| c == capability) {
                list.remove(at);
            } else {
                list.push(capability.to_owned());
            }
        })
    };

    view! {
        <section class="tokens" data-testid="tokens">
            <h2>"API tokens"</h2>
            <p class="muted">
                "For scripts: a token acts for you, only with the capabilities you tick, only in the account you pick, and never beyond what you may do yourself."
            </p>
            <form class="token-form" on:submit=create>
                <label>"Name"
                    <input data-testid="token-name" required maxlength="100"
                        prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                </label>
                <label>"Account"
                    <select data-testid="token-node" on:change=move |ev| node.set(event_target_value(&ev))>
                        {move || nodes.get().into_iter().map(|(id, label)| {
                            let selected = node.get() == id;
                            view! { <option value=id.clone() selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <fieldset class="capabilities">
                    <legend>"What it may do"</legend>
                    {Capability::ALL.iter().map(|&capability| {
                        let c = capability.as_str();
                        view! {
                            <label class="capability" title=c>
                                <input type="checkbox" data-capability=c
                                    prop:checked=move || chosen.get().iter().any(|x| x == c)
                                    on:change=move |_| toggle(c) />
                                {capability.words()}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" data-testid="token-create" disabled=move || busy.get()>
                    "Create token"
                </button>
            </form>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="token-error">{e}</p> })}
            {move || created.get().map(|made| view! {
                <div class="secret" data-testid="token-secret">
                    <strong>"Copy this token now; it will not be shown again."</strong>
                    <code>{made.secret}</code>
                </div>
            })}
            <ul class="token-list">
                {move || tokens.get().into_iter().map(|t| {
                    let id = t.id.clone();
                    let caps: Vec<&str> = t.capabilities.iter().map(Capability::words).collect();
                    let known = nodes.get();
                    let places: Vec<String> = t.nodes.iter().map(|id| {
                        known.iter().find(|(n, _)| n == id).map_or_else(|| id.clone(), |(_, name)| name.clone())
                    }).collect();
                    view! {
                        <li data-testid="token-row">
                            <span class="token-name">{t.name}</span>
                            <span class="muted">{caps.join(", ")}" · "{places.join(", ")}</span>
                            <button class="link" data-testid="token-revoke"
                                on:click=move |_| revoke(id.clone())>"Revoke"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
