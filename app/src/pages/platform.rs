//! Connect your platform: the service tokens the call-tracking platform asks who may see a
//! call, lead or message with, the webhook endpoints that hear about every change, and their
//! recent deliveries, each of which can be sent again.

use domain::Name;
use domain::api::{
    Delivery, DeliveryState, NewServiceToken, NewWebhook, ServiceTokenInfo, WebhookInfo,
};
use leptos::prelude::*;

use crate::api;
use crate::components::dialog::Confirm;
use crate::components::form::sentence;
use crate::components::{loaded, local_time, toast};
use crate::pages::account::words;
use crate::pages::person::needs_worker;

/// The Connect your platform screen.
#[component]
pub fn Platform() -> impl IntoView {
    let endpoints = LocalResource::new(api::webhooks);
    let deliveries = LocalResource::new(api::deliveries);
    let reload = move || {
        endpoints.refetch();
        deliveries.refetch();
    };
    view! {
        <main class="page platform-page">
            <div class="page-head"><h1>"Connect your platform"</h1></div>
            <p class="muted intro">
                "Your call-tracking platform asks Switchboard who may see each call, lead and message, and hears about every change to people, roles and accounts, so it never shows someone what they may no longer see."
            </p>
            <div class="person-grid">
                <ServiceTokens />
                <Endpoints endpoints=endpoints reload=reload />
                <Deliveries deliveries=deliveries endpoints=endpoints reload=reload />
            </div>
        </main>
    }
}

/// Making, listing and revoking service tokens.
#[component]
fn ServiceTokens() -> impl IntoView {
    let list = LocalResource::new(api::service_tokens);
    let tokens = loaded(list, |l| l.tokens);
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let secret = RwSignal::new(None::<String>);
    let revoking = RwSignal::new(None::<ServiceTokenInfo>);
    let confirm_open = RwSignal::new(false);
    let making = Action::new_local(move |request: &NewServiceToken| {
        let request = request.clone();
        async move {
            match api::create_service_token(&request).await {
                Ok(made) => {
                    secret.set(Some(made.secret));
                    name.set(String::new());
                    error.set(None);
                    list.refetch();
                }
                Err(e) => error.set(Some(needs_worker(e, "Making a service token"))),
            }
        }
    });
    let revoking_one = Action::new_local(move |token: &ServiceTokenInfo| {
        let token = token.clone();
        async move {
            match api::revoke_service_token(&token.id).await {
                Ok(()) => {
                    secret.set(None);
                    toast::done(format!(
                        "{} no longer works; the platform's next question with it is refused.",
                        token.name
                    ));
                    list.refetch();
                }
                Err(e) => toast::failed(needs_worker(e, "Revoking a service token")),
            }
        }
    });
    let make = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match Name::parse(&name.get_untracked()) {
            Ok(name) => {
                error.set(None);
                making.dispatch(NewServiceToken { name });
            }
            Err(e) => error.set(Some(sentence(&e.to_string()))),
        }
    };
    view! {
        <section class="card panel" data-testid="platform-tokens">
            <h2>"Service tokens"</h2>
            <p class="muted">
                "The platform asks with a service token. It may ask about anyone in the agency and changes nothing."
            </p>
            <form class="inline-form" on:submit=make novalidate>
                <label>"Name"
                    <input data-testid="service-token-name" maxlength="100" bind:value=name
                        placeholder="Call tracking, production"
                        aria-invalid=move || error.get().is_some().to_string() />
                </label>
                <button type="submit" data-testid="service-token-create"
                    disabled=move || making.pending().get()>"Make a token"</button>
            </form>
            {move || error.get().map(|m| view! {
                <p class="field-error" role="alert" data-testid="service-token-error">{m}</p>
            })}
            {move || secret.get().map(|s| view! {
                <div class="secret" data-testid="service-token-secret">
                    <strong>"Copy this token now; it will not be shown again."</strong>
                    <code>{s}</code>
                </div>
            })}
            <ul class="token-list">
                {move || {
                    let all = tokens.get();
                    if all.is_empty() {
                        return view! { <li class="muted">"No service tokens yet."</li> }.into_any();
                    }
                    all.into_iter().map(|t| {
                        let token = t.clone();
                        let used = t.last_used_at.map_or_else(
                            || "never used".to_owned(),
                            |at| format!("last used {}", local_time(at)),
                        );
                        view! {
                            <li data-testid="service-token-row">
                                <span class="token-name">{t.name}</span>
                                <span class="muted">
                                    "made by "{t.created_by}" on "{local_time(t.created_at)}" · "{used}
                                </span>
                                <button class="link" data-testid="service-token-revoke"
                                    on:click=move |_| {
                                        revoking.set(Some(token.clone()));
                                        confirm_open.set(true);
                                    }>"Revoke"</button>
                            </li>
                        }
                    }).collect_view().into_any()
                }}
            </ul>
            <Confirm open=confirm_open destructive=true
                title=Signal::derive(move || revoking.get().map(|t| format!("Revoke {}?", t.name)).unwrap_or_default())
                confirm_label="Revoke the token"
                on_confirm=move |()| {
                    if let Some(token) = revoking.get_untracked() {
                        revoking_one.dispatch(token);
                    }
                }>
                <p>"The platform's next question with it is refused. This cannot be undone."</p>
            </Confirm>
        </section>
    }
}

/// Registering, listing and removing webhook endpoints.
#[component]
fn Endpoints(
    endpoints: LocalResource<Result<domain::api::WebhookList, api::ApiError>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let list = loaded(endpoints, |l| l.endpoints);
    let url = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let secret = RwSignal::new(None::<String>);
    let removing = RwSignal::new(None::<WebhookInfo>);
    let confirm_open = RwSignal::new(false);
    let adding = Action::new_local(move |request: &NewWebhook| {
        let request = request.clone();
        async move {
            match api::add_webhook(&request).await {
                Ok(made) => {
                    secret.set(Some(made.secret));
                    url.set(String::new());
                    error.set(None);
                    reload();
                }
                Err(e) => error.set(Some(needs_worker(e, "Adding an endpoint"))),
            }
        }
    });
    let removing_one = Action::new_local(move |endpoint: &WebhookInfo| {
        let endpoint = endpoint.clone();
        async move {
            match api::remove_webhook(&endpoint.id).await {
                Ok(()) => {
                    secret.set(None);
                    toast::done(format!("{} no longer receives changes.", endpoint.url));
                    reload();
                }
                Err(e) => toast::failed(needs_worker(e, "Removing an endpoint")),
            }
        }
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = url.get_untracked().trim().to_owned();
        if !typed.starts_with("https://") && !typed.starts_with("http://") {
            error.set(Some(
                "Enter the endpoint's address, starting with https://.".into(),
            ));
            return;
        }
        error.set(None);
        adding.dispatch(NewWebhook { url: typed });
    };
    view! {
        <section class="card panel" data-testid="platform-webhooks">
            <h2>"Webhook endpoints"</h2>
            <p class="muted">
                "Every change to people, roles, grants and accounts is sent to each endpoint, signed as the Standard Webhooks specification says, and retried for more than a day until it is taken."
            </p>
            <form class="inline-form" on:submit=add novalidate>
                <label>"Address"
                    <input data-testid="webhook-url" type="url" maxlength="2000" bind:value=url
                        placeholder="https://calls.example.com/switchboard"
                        aria-invalid=move || error.get().is_some().to_string() />
                </label>
                <button type="submit" data-testid="webhook-add"
                    disabled=move || adding.pending().get()>"Add endpoint"</button>
            </form>
            {move || error.get().map(|m| view! {
                <p class="field-error" role="alert" data-testid="webhook-error">{m}</p>
            })}
            {move || secret.get().map(|s| view! {
                <div class="secret" data-testid="webhook-secret">
                    <strong>"Copy this signing secret now; it will not be shown again."</strong>
                    <code>{s}</code>
                </div>
            })}
            <ul class="token-list">
                {move || {
                    let all = list.get();
                    if all.is_empty() {
                        return view! { <li class="muted">"No endpoints yet."</li> }.into_any();
                    }
                    all.into_iter().map(|e| {
                        let endpoint = e.clone();
                        let health = match (e.pending, e.failed) {
                            (0, 0) => "everything delivered".to_owned(),
                            (p, 0) => format!("{p} waiting"),
                            (0, f) => format!("{f} failed"),
                            (p, f) => format!("{p} waiting, {f} failed"),
                        };
                        view! {
                            <li data-testid="webhook-row">
                                <span class="token-name url">{e.url}</span>
                                <span class="muted">{health}</span>
                                <button class="link" data-testid="webhook-remove"
                                    on:click=move |_| {
                                        removing.set(Some(endpoint.clone()));
                                        confirm_open.set(true);
                                    }>"Remove"</button>
                            </li>
                        }
                    }).collect_view().into_any()
                }}
            </ul>
            <Confirm open=confirm_open destructive=true
                title=Signal::derive(move || removing.get().map(|e| format!("Stop sending changes to {}?", e.url)).unwrap_or_default())
                confirm_label="Remove the endpoint"
                on_confirm=move |()| {
                    if let Some(endpoint) = removing.get_untracked() {
                        removing_one.dispatch(endpoint);
                    }
                }>
                <p>"Messages still waiting for it are dropped."</p>
            </Confirm>
        </section>
    }
}

/// Where a message stands, in words.
fn state_words(delivery: &Delivery) -> String {
    let status = delivery
        .last_status
        .map(|s| format!(" (answered {s})"))
        .or_else(|| {
            delivery
                .last_error
                .as_ref()
                .map(|_| " (not reached)".to_owned())
        })
        .unwrap_or_default();
    match delivery.state {
        DeliveryState::Delivered => "Delivered".to_owned(),
        DeliveryState::Pending if delivery.attempts == 0 => "Waiting to be sent".to_owned(),
        DeliveryState::Pending if delivery.attempts == 1 => {
            format!("Trying again{status}; one attempt so far")
        }
        DeliveryState::Pending => format!(
            "Trying again{status}; {} attempts so far",
            delivery.attempts
        ),
        DeliveryState::Failed => format!("Failed{status}"),
    }
}

/// The most recent messages, each with where it stands and a way to send it again.
#[component]
fn Deliveries(
    deliveries: LocalResource<Result<domain::api::DeliveryList, api::ApiError>>,
    endpoints: LocalResource<Result<domain::api::WebhookList, api::ApiError>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let list = loaded(deliveries, |l| l.deliveries);
    let endpoints = loaded(endpoints, |l| l.endpoints);
    let sending = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match api::replay(&id).await {
                Ok(()) => {
                    toast::done("Sent again.");
                    reload();
                }
                Err(e) => toast::failed(needs_worker(e, "Sending it again")),
            }
        }
    });
    view! {
        <section class="card panel wide" data-testid="platform-deliveries">
            <h2>"Recent deliveries"</h2>
            {move || match deliveries.get() {
                Some(Err(e)) => view! { <p class="error" role="alert">{words(e)}</p> }.into_any(),
                _ if list.with(Vec::is_empty) => view! {
                    <p class="muted">"Nothing sent yet. Changes appear here once an endpoint is added."</p>
                }.into_any(),
                _ => view! {
                    <ul class="delivery-list">
                        {list.get().into_iter().map(|d| {
                            let id = d.id.clone();
                            let to = endpoints.with(|all| {
                                all.iter().find(|e| e.id == d.endpoint).map(|e| e.url.clone())
                            }).unwrap_or_default();
                            let words = domain::audit::action_words(&d.r#type, None);
                            let what = match &d.about {
                                Some(name) => format!("{name}: {words}"),
                                None => sentence(&words),
                            };
                            let state = state_words(&d);
                            let class = match d.state {
                                DeliveryState::Delivered => "badge ok",
                                DeliveryState::Pending => "badge",
                                DeliveryState::Failed => "badge bad",
                            };
                            view! {
                                <li data-testid="delivery-row">
                                    <span class="what">{what}</span>
                                    <span class="muted">{local_time(d.created_at)}" · "{to}</span>
                                    <span class=class data-testid="delivery-state">{state}</span>
                                    <button class="link" data-testid="delivery-replay"
                                        disabled=move || sending.pending().get()
                                        on:click=move |_| { sending.dispatch(id.clone()); }>
                                        "Send again"
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}
