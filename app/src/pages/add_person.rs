//! Adding a person, in steps: what they will do (a role), who they are, where they work, and
//! how they join; then what it does to seats and cost, before anything is saved.

use domain::api::{NewGrant, NewNotificationPerson, NewPerson, RoleInfo};
use domain::{
    Capability, Command, Email, GrantId, Name, Node, NodeId, RoleRef, SeatPreview, UserId,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError};
use crate::components::form::sentence;
use crate::components::form::{Field, FormErrors};
use crate::components::fresh_id;
use crate::components::toast;
use crate::components::tree_picker::TreePicker;
use crate::pages::account::words;
use crate::reach;
use crate::state::AppState;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Role,
    Who,
    Where,
    How,
    Review,
}

impl Step {
    const ALL: [Step; 5] = [Step::Role, Step::Who, Step::Where, Step::How, Step::Review];

    fn title(self) -> &'static str {
        match self {
            Step::Role => "Role",
            Step::Who => "Name and address",
            Step::Where => "Where",
            Step::How => "How they join",
            Step::Review => "Review",
        }
    }

    fn index(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// What a role lets someone do, in a line.
pub(crate) fn describe(role: &RoleInfo) -> String {
    match &role.role {
        RoleRef::Builtin(b) => b.summary().to_owned(),
        RoleRef::Custom(_) => {
            let words: Vec<&str> = role
                .capabilities
                .iter()
                .filter(|c| *c != Capability::Login)
                .map(Capability::words)
                .take(4)
                .collect();
            let more = role.capabilities.len().saturating_sub(5);
            let mut line = format!("Your agency's role: {}", words.join(", "));
            if more > 0 {
                line.push_str(&format!(", and {more} more"));
            }
            line.push('.');
            line
        }
    }
}

/// The account tree and the roles, read once for a screen that adds people; empty until they
/// come.
pub(crate) fn nodes_and_roles() -> (Signal<Vec<Node>>, Signal<Vec<RoleInfo>>) {
    let lists = LocalResource::new(|| async {
        let nodes = api::nodes().await?.nodes;
        let roles = api::roles().await?.roles;
        Ok::<_, ApiError>((nodes, roles))
    });
    let nodes = Signal::derive(move || {
        lists
            .get()
            .and_then(Result::ok)
            .map(|(n, _)| n)
            .unwrap_or_default()
    });
    let roles = Signal::derive(move || {
        lists
            .get()
            .and_then(Result::ok)
            .map(|(_, r)| r)
            .unwrap_or_default()
    });
    (nodes, roles)
}

/// `/people/new`.
#[component]
pub fn AddPerson() -> impl IntoView {
    let state = expect_context::<AppState>();
    let navigate = use_navigate();
    let (nodes, roles) = nodes_and_roles();

    let step = RwSignal::new(Step::Role);
    let role = RwSignal::new(None::<RoleInfo>);
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    // Opened from an account's page, the person goes there unless another place is chosen.
    let from = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("node").filter(|n| !n.is_empty()).map(NodeId));
    let places = RwSignal::new(from.into_iter().collect::<Vec<NodeId>>());
    let notify_only = RwSignal::new(false);
    let errors = RwSignal::new(FormErrors::default());
    let ids = RwSignal::new((fresh_id("u"), fresh_id("g")));
    let preview = RwSignal::new(None::<Result<SeatPreview, String>>);

    let access = move || state.me.get().map(|m| m.access).unwrap_or_default();
    let why_not_node = Callback::new(move |node: NodeId| {
        let access = access();
        nodes.with(|nodes| {
            reach::why_not(&access, nodes, &node, Capability::UsersInvite).or_else(|| {
                role.with(|r| {
                    r.as_ref()
                        .filter(|_| !notify_only.get())
                        .and_then(|r| reach::why_not_grant(&access, nodes, &node, r.capabilities))
                })
            })
        })
    });

    let command = move || -> Option<Command> {
        let (user, grant) = ids.get_untracked();
        let node = places.get_untracked().first()?.clone();
        let name = Name::parse(&name.get_untracked()).ok()?;
        let email = Email::parse(&email.get_untracked()).ok()?;
        Some(if notify_only.get_untracked() {
            Command::AddNotificationUser {
                user: UserId(user),
                grant: GrantId(grant),
                email,
                name,
                node,
            }
        } else {
            Command::Invite {
                user: UserId(user),
                grant: GrantId(grant),
                email,
                name,
                role: role.get_untracked()?.role,
                node,
            }
        })
    };

    // Each step checks what it asked before the next one opens.
    let check = move |at: Step| -> FormErrors {
        match at {
            Step::Role if role.with(Option::is_none) && !notify_only.get_untracked() => {
                FormErrors::field("role", "Choose what they will do.")
            }
            Step::Who => {
                let mut e = FormErrors::default();
                if let Err(why) = Name::parse(&name.get_untracked()) {
                    e.fields.push(("name".into(), sentence(&why.to_string())));
                }
                if let Err(why) = Email::parse(&email.get_untracked()) {
                    e.fields.push(("email".into(), sentence(&why.to_string())));
                }
                let taken = Email::parse(&email.get_untracked())
                    .ok()
                    .is_some_and(|parsed| {
                        state.users.with_untracked(|users| {
                            users
                                .iter()
                                .any(|u| u.email.eq_ignore_ascii_case(parsed.as_str()))
                        })
                    });
                if taken {
                    e.fields.push((
                        "email".into(),
                        "Someone in this agency already has this address.".into(),
                    ));
                }
                e
            }
            Step::Where if places.with(Vec::is_empty) => {
                FormErrors::field("node", "Choose at least one account or location.")
            }
            Step::Where => {
                let blocked = places
                    .get_untracked()
                    .into_iter()
                    .find_map(|n| why_not_node.run(n));
                blocked.map_or_else(FormErrors::default, |why| FormErrors::field("node", why))
            }
            _ => FormErrors::default(),
        }
    };
    let next = move |_| {
        let at = step.get_untracked();
        let found = check(at);
        let ok = found == FormErrors::default();
        errors.set(found);
        if !ok {
            return;
        }
        let to = Step::ALL[(at.index() + 1).min(Step::ALL.len() - 1)];
        if to == Step::Review {
            preview.set(None);
            if let Some(command) = command() {
                spawn_local(async move {
                    preview.set(Some(api::seat_preview(&command).await.map_err(words)));
                });
            }
        }
        step.set(to);
    };
    let back = move |_| {
        errors.set(FormErrors::default());
        let at = step.get_untracked().index();
        step.set(Step::ALL[at.saturating_sub(1)]);
    };

    // Saving is one Action: a second click while it runs sends nothing, and the buttons wait.
    let saving = Action::new_local(move |(command, again): &(Command, bool)| {
        let (command, again) = (command.clone(), *again);
        let extra: Vec<NodeId> = places.get_untracked().into_iter().skip(1).collect();
        let chosen_role = role.get_untracked();
        let navigate = navigate.clone();
        async move {
            let outcome = match command {
                Command::Invite {
                    user,
                    grant,
                    email,
                    name,
                    role,
                    node,
                } => api::invite(&NewPerson {
                    id: Some(user.clone()),
                    grant: Some(grant),
                    email,
                    name,
                    role,
                    node,
                })
                .await
                .map(|_| user),
                Command::AddNotificationUser {
                    user,
                    grant,
                    email,
                    name,
                    node,
                } => api::add_notification_person(&NewNotificationPerson {
                    id: Some(user.clone()),
                    grant: Some(grant),
                    email,
                    name,
                    node,
                })
                .await
                .map(|_| user),
                _ => Err(ApiError::Unexpected("no such step".into())),
            };
            let user = match outcome {
                Ok(user) => user,
                Err(e) => {
                    errors.set(FormErrors::from_api(e));
                    return;
                }
            };
            // The same role in each further place.
            let mut failed = Vec::new();
            if let (Some(role), false) = (chosen_role, notify_only.get_untracked()) {
                for node in extra {
                    let grant = NewGrant {
                        id: None,
                        role: role.role.clone(),
                        node: node.clone(),
                        starts_at: None,
                        ends_at: None,
                    };
                    if let Err(e) = api::grant(&user.0, &grant).await {
                        failed.push(words(e));
                    }
                }
            }
            let who = name.get_untracked();
            if failed.is_empty() {
                toast::done(if notify_only.get_untracked() {
                    format!("{who} is added and will receive notifications.")
                } else {
                    format!("{who} is invited; the link is on its way.")
                });
            } else {
                toast::failed(format!(
                    "{who} is added, but not everywhere: {}",
                    failed.join(" ")
                ));
            }
            state.sync_now().await;
            if again {
                name.set(String::new());
                email.set(String::new());
                ids.set((fresh_id("u"), fresh_id("g")));
                errors.set(FormErrors::default());
                step.set(Step::Who);
            } else {
                navigate(&format!("/people/{}", user.0), Default::default());
            }
        }
    });
    let save = move |again: bool| {
        move |_| match command() {
            Some(command) => {
                saving.dispatch((command, again));
            }
            None => errors.set(FormErrors {
                fields: vec![],
                form: Some("Something is missing; go back through the steps.".into()),
            }),
        }
    };
    let save_once = save(false);
    let save_again = save(true);

    view! {
        <main class="page add-person">
            <p class="crumbs"><A href="/people">"← People"</A></p>
            <div class="page-head"><h1>"Add a person"</h1></div>
            <ol class="steps" aria-label="Steps">
                {Step::ALL.iter().map(|s| {
                    let s = *s;
                    view! {
                        <li class:current=move || step.get() == s class:done={move || step.get().index() > s.index()}
                            aria-current=move || (step.get() == s).then_some("step")>
                            {s.title()}
                        </li>
                    }
                }).collect_view()}
            </ol>
            <section class="card panel wizard" data-testid="add-person">
                {move || match step.get() {
                    Step::Role => view! {
                        <fieldset class="role-choice" data-testid="role-choice">
                            <legend>"What will they do?"</legend>
                            {move || roles.get().into_iter().filter(|r| r.role != RoleRef::Builtin(domain::BuiltinRole::Notification)).map(|r| {
                                let key = r.name.clone();
                                let info = r.clone();
                                let checked = {
                                    let key = key.clone();
                                    move || role.with(|x| x.as_ref().is_some_and(|x| x.name == key))
                                };
                                view! {
                                    <label class="role-option">
                                        <input type="radio" name="role" prop:checked=checked
                                            data-testid=format!("role-{}", key.replace(' ', "-"))
                                            on:change=move |_| { role.set(Some(info.clone())); notify_only.set(false); } />
                                        <span>
                                            <strong>{r.name.clone()}</strong>
                                            <span class="muted small">{describe(&r)}</span>
                                        </span>
                                    </label>
                                }
                            }).collect_view()}
                            <label class="role-option">
                                <input type="radio" name="role" prop:checked=move || notify_only.get()
                                    data-testid="role-notification-only"
                                    on:change=move |_| { role.set(None); notify_only.set(true); } />
                                <span>
                                    <strong>"Notifications only"</strong>
                                    <span class="muted small">"Receives notifications and never signs in; takes no seat."</span>
                                </span>
                            </label>
                            {move || errors.with(|e| e.of("role")).map(|m| view! {
                                <span class="field-error" role="alert" data-testid="role-error">{m}</span>
                            })}
                        </fieldset>
                    }.into_any(),
                    Step::Who => view! {
                        <div class="fields">
                            <Field label="Name" kind="text" autocomplete="off" value=name name="name"
                                errors=errors testid="new-name" />
                            <Field label="E-mail address" kind="email" autocomplete="off" value=email
                                name="email" errors=errors testid="new-email-address" />
                        </div>
                    }.into_any(),
                    Step::Where => view! {
                        <TreePicker nodes=nodes chosen=places multiple=true why_not=why_not_node
                            legend="Which accounts and locations?" />
                        {move || errors.with(|e| e.of("node")).map(|m| view! {
                            <span class="field-error" role="alert" data-testid="node-error">{m}</span>
                        })}
                    }.into_any(),
                    Step::How => view! {
                        <fieldset class="role-choice">
                            <legend>"How do they join?"</legend>
                            <label class="role-option">
                                <input type="radio" name="how" prop:checked=move || !notify_only.get()
                                    prop:disabled=move || role.with(Option::is_none)
                                    data-testid="how-invite" on:change=move |_| notify_only.set(false) />
                                <span><strong>"Send an invitation"</strong>
                                <span class="muted small">"They get a link by e-mail to choose a password. It works for 7 days."</span></span>
                            </label>
                            <label class="role-option">
                                <input type="radio" name="how" prop:checked=move || notify_only.get()
                                    data-testid="how-notify" on:change=move |_| notify_only.set(true) />
                                <span><strong>"Notifications only"</strong>
                                <span class="muted small">"They receive notifications and never sign in."</span></span>
                            </label>
                        </fieldset>
                    }.into_any(),
                    Step::Review => view! {
                        <dl class="review" data-testid="review">
                            <dt>"Who"</dt><dd>{move || format!("{} <{}>", name.get().trim(), email.get().trim())}</dd>
                            <dt>"Role"</dt><dd>{move || if notify_only.get() { "Notifications only".to_owned() } else { role.get().map(|r| r.name).unwrap_or_default() }}</dd>
                            <dt>"Where"</dt><dd>{move || {
                                let chosen = places.get();
                                nodes.with(|nodes| chosen.iter().filter_map(|id| nodes.iter().find(|n| &n.id == id)).map(|n: &Node| n.name.clone()).collect::<Vec<_>>().join(", "))
                            }}</dd>
                            <dt>"Seats"</dt><dd data-testid="seat-preview">{move || match preview.get() {
                                None => "Working out…".to_owned(),
                                Some(Err(why)) => why,
                                Some(Ok(p)) => seats_sentence(&p),
                            }}</dd>
                        </dl>
                    }.into_any(),
                }}
                {move || errors.with(|e| e.form.clone()).map(|m| view! {
                    <p class="error" role="alert" data-testid="add-error">{m}</p>
                })}
                <div class="actions-row">
                    <Show when=move || step.get() != Step::Role>
                        <button type="button" class="secondary" data-testid="step-back" on:click=back>"Back"</button>
                    </Show>
                    <Show when=move || step.get() != Step::Review
                        fallback=move || view! {
                            <button type="button" data-testid="add-save" prop:disabled=move || saving.pending().get() on:click=save_once>"Save"</button>
                            <button type="button" class="secondary" data-testid="add-save-another"
                                prop:disabled=move || saving.pending().get() on:click=save_again>"Save and add another"</button>
                        }>
                        <button type="button" data-testid="step-next" on:click=next>"Next"</button>
                    </Show>
                </div>
            </section>
        </main>
    }
}

/// The seat preview in a sentence.
pub fn seats_sentence(p: &SeatPreview) -> String {
    let money = |cents: u64| format!("${}.{:02}", cents / 100, cents % 100);
    let limit = p.limit.map_or_else(String::new, |l| format!(" of {l}"));
    if p.seats_after == p.seats_before {
        format!(
            "No change: {}{limit} seats used, {} a month.",
            p.seats_after,
            money(p.monthly_cost_after_cents)
        )
    } else {
        format!(
            "Seats go from {} to {}{limit}; the cost from {} to {} a month.",
            p.seats_before,
            p.seats_after,
            money(p.monthly_cost_before_cents),
            money(p.monthly_cost_after_cents)
        )
    }
}
