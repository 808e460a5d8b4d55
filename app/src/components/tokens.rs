//! API tokens for scripts: made here, narrowed to some capabilities (grouped by what they are
//! about) at some accounts (chosen from the tree), shown once, revoked after confirming. The
//! Worker refuses a token wider than the person who makes it (R11); what they do not hold is
//! disabled here first, with the reason.

use domain::api::{NewToken, TokenCreated, TokenInfo};
use domain::read::{self, Listed};
use domain::{Capability, CapabilitySet, Name, NodeId, Scope};
use leptos::prelude::*;

use crate::api;
use crate::components::dialog::Confirm;
use crate::components::form::{FormErrors, sentence};
use crate::components::toast;
use crate::components::tree_picker::TreePicker;
use crate::pages::account::words;
use crate::reach;
use crate::state::AppState;

/// The capabilities in order, grouped by their subject.
pub(crate) fn by_subject() -> Vec<(&'static str, Vec<Capability>)> {
    let mut groups: Vec<(&'static str, Vec<Capability>)> = Vec::new();
    for &c in Capability::ALL {
        match groups.last_mut() {
            Some((subject, list)) if *subject == c.subject() => list.push(c),
            _ => groups.push((c.subject(), vec![c])),
        }
    }
    groups
}

/// The token panel of the console.
#[component]
pub fn Tokens() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Reads: the person's tokens and the accounts, each a resource of its own.
    let token_list = LocalResource::new(api::tokens);
    let node_list = LocalResource::new(api::nodes);
    let tokens = crate::components::loaded(token_list, |l| l.tokens);
    let nodes = crate::components::loaded(node_list, |l| l.nodes);
    let name = RwSignal::new(String::new());
    let places = RwSignal::new(Vec::<NodeId>::new());
    let created = RwSignal::new(None::<TokenCreated>);
    let errors = RwSignal::new(FormErrors::default());
    let revoking = RwSignal::new(None::<TokenInfo>);
    let confirm_open = RwSignal::new(false);

    let access = move || state.me.get().map(|m| m.access).unwrap_or_default();
    // What the person holds anywhere: a token cannot be given anything else.
    let held = move || {
        access()
            .iter()
            .fold(CapabilitySet::EMPTY, |all, a| all.union(a.capabilities))
    };

    // Seeing people is what most scripts want, when the person may: ticked once what they
    // may do is known, unless they have ticked something themselves.
    let chosen = RwSignal::new(CapabilitySet::EMPTY);
    let touched = RwSignal::new(false);
    Effect::new(move |_| {
        if !touched.get_untracked() && held().contains(Capability::UsersView) {
            chosen.set(CapabilitySet::EMPTY.with(Capability::UsersView));
        }
    });

    Effect::new(move |_| {
        if let Some(Err(e)) = token_list.get() {
            errors.set(FormErrors::from_api(e));
        }
    });

    // Writes: making a token and revoking one, each an Action.
    let creating = Action::new_local(move |request: &NewToken| {
        let request = request.clone();
        async move {
            match api::create_token(&request).await {
                Ok(made) => {
                    created.set(Some(made));
                    name.set(String::new());
                    token_list.refetch();
                }
                Err(e) => errors.set(FormErrors::from_api(e)),
            }
        }
    });
    let busy = creating.pending();
    let revoking_one = Action::new_local(move |token: &TokenInfo| {
        let token = token.clone();
        async move {
            match api::revoke_token(&token.id).await {
                Ok(()) => {
                    created.update(|c| {
                        if c.as_ref().is_some_and(|c| c.token.id == token.id) {
                            *c = None;
                        }
                    });
                    toast::done(format!("The token {} no longer works.", token.name));
                    token_list.refetch();
                }
                Err(e) => toast::failed(words(e)),
            }
        }
    });

    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut wrong = FormErrors::default();
        let parsed = Name::parse(&name.get_untracked())
            .map_err(|e| wrong.fields.push(("name".into(), sentence(&e.to_string()))))
            .ok();
        let capabilities = chosen.get_untracked();
        if capabilities.is_empty() {
            wrong.fields.push((
                "capabilities".into(),
                "Tick at least one thing it may do.".into(),
            ));
        }
        let at = places.get_untracked();
        if at.is_empty() {
            wrong
                .fields
                .push(("nodes".into(), "Choose at least one account.".into()));
        }
        if wrong.fields.is_empty() {
            // R11, decided here as the Worker will: nothing beyond what the person may do.
            let scope = Scope {
                capabilities,
                nodes: at.clone(),
            };
            let verdict = nodes.with_untracked(|all| {
                read::token_scope(
                    &Listed {
                        access: &access(),
                        nodes: all,
                    },
                    &scope,
                )
            });
            if let Err(refusal) = verdict {
                wrong
                    .fields
                    .push(("capabilities".into(), format!("{}.", refusal.reason)));
            }
        }
        let (Some(parsed), true) = (parsed, wrong.fields.is_empty()) else {
            errors.set(wrong);
            return;
        };
        let request = NewToken {
            name: parsed,
            capabilities,
            nodes: at,
            expires_at: None,
        };
        errors.set(FormErrors::default());
        creating.dispatch(request);
    };
    let revoke = move |()| {
        let Some(token) = revoking.get_untracked() else {
            return;
        };
        revoking_one.dispatch(token);
    };
    let toggle = move |capability: Capability| {
        touched.set(true);
        chosen.update(|set| {
            *set = if set.contains(capability) {
                set.without(capability)
            } else {
                set.with(capability)
            };
        })
    };
    // An account where the person holds nothing cannot be chosen.
    let why_not = Callback::new(move |node: NodeId| {
        let here = nodes.with_untracked(|all| reach::caps_at(&access(), all, &node));
        here.is_empty().then(|| "You have no role here.".to_owned())
    });
    let message = move |field: &'static str| {
        move || {
            errors.with(|e| e.of(field)).map(|m| {
                view! { <span class="field-error" role="alert" data-testid=format!("token-{field}-error")>{m}</span> }
            })
        }
    };

    view! {
        <section class="tokens" data-testid="tokens">
            <h2>"API tokens"</h2>
            <p class="muted">
                "For scripts: a token acts for you, only with what you tick, only in the accounts you choose, and never beyond what you may do yourself."
            </p>
            <form class="token-form" on:submit=create novalidate>
                <label>"Name"
                    <input data-testid="token-name" maxlength="100" bind:value=name
                        aria-invalid=move || errors.with(|e| e.of("name").is_some()).to_string() />
                    {message("name")}
                </label>
                <TreePicker nodes=nodes chosen=places multiple=true why_not=why_not
                    legend="Accounts it may act in" />
                {message("nodes")}
                <fieldset class="capabilities" data-testid="token-capabilities">
                    <legend>"What it may do"</legend>
                    {by_subject().into_iter().map(|(subject, list)| view! {
                        <div class="subject">
                            <span class="subject-name">{subject}</span>
                            {list.into_iter().map(|capability| {
                                let c = capability.as_str();
                                let mine = move || held().contains(capability);
                                view! {
                                    <label class="capability" class:unavailable=move || !mine()>
                                        <input type="checkbox" data-capability=c
                                            disabled=move || !mine()
                                            prop:checked=move || chosen.with(|s| s.contains(capability))
                                            on:change=move |_| toggle(capability) />
                                        {sentence(capability.words()).trim_end_matches('.').to_owned()}
                                        <Show when=move || !mine()>
                                            <span class="why">" · not yours to give"</span>
                                        </Show>
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                    }).collect_view()}
                </fieldset>
                {message("capabilities")}
                {move || errors.with(|e| e.form.clone()).map(|m| view! {
                    <p class="error" role="alert" data-testid="token-error">{m}</p>
                })}
                <button type="submit" data-testid="token-create" disabled=move || busy.get()>
                    "Create token"
                </button>
            </form>
            {move || created.get().map(|made| view! {
                <div class="secret" data-testid="token-secret">
                    <strong>"Copy this token now; it will not be shown again."</strong>
                    <code>{made.secret}</code>
                </div>
            })}
            <ul class="token-list">
                {move || tokens.get().into_iter().map(|t| {
                    let caps: Vec<&str> = t.capabilities.iter().map(Capability::words).collect();
                    let places: Vec<String> = nodes.with(|known| t.nodes.iter().map(|id| {
                        known.iter().find(|n| n.id.0 == *id).map_or_else(|| id.clone(), |n| n.name.clone())
                    }).collect());
                    let token = t.clone();
                    view! {
                        <li data-testid="token-row">
                            <span class="token-name">{t.name}</span>
                            <span class="muted">{caps.join(", ")}" · "{places.join(", ")}</span>
                            <button class="link" data-testid="token-revoke"
                                on:click=move |_| {
                                    revoking.set(Some(token.clone()));
                                    confirm_open.set(true);
                                }>"Revoke"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Confirm open=confirm_open destructive=true
                title=Signal::derive(move || revoking.get().map(|t| format!("Revoke {}?", t.name)).unwrap_or_default())
                confirm_label="Revoke the token" on_confirm=revoke>
                <p>"Scripts that use it stop working at their next request. This cannot be undone."</p>
            </Confirm>
        </section>
    }
}
