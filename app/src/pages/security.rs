//! Security: requiring two-factor sign-in for the whole agency; platform support let in for a
//! reason until a date, seen while it lasts and ended early; and handing the agency to another
//! member. Each is confirmed first; the Worker decides.

use domain::api::{AgencySettingsEdit, AgencyView, SupportAccess, UserSummary};
use domain::{Email, Name, UserState};
use leptos::prelude::*;

use crate::api;
use crate::components::dialog::Confirm;
use crate::components::form::sentence;
use crate::components::{local_time, toast};
use crate::pages::account::words;
use crate::pages::audit::day_millis;
use crate::pages::person::needs_worker;
use crate::state::AppState;

/// Support access lasts at most this long (the Worker refuses longer).
const SUPPORT_DAYS: i64 = 30;

/// The people let in as platform support, with the grant that lets them in and its end.
pub fn support_people(users: &[UserSummary]) -> Vec<(UserSummary, String, Option<i64>)> {
    users
        .iter()
        .filter(|u| u.support)
        .flat_map(|u| {
            u.roles
                .iter()
                .map(move |g| (u.clone(), g.grant.clone(), g.ends_at))
        })
        .collect()
}

/// The Security screen.
#[component]
pub fn Security() -> impl IntoView {
    let agency = LocalResource::new(api::agency);
    view! {
        <main class="page security-page">
            <div class="page-head"><h1>"Security"</h1></div>
            {move || match agency.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{words(e)}</p> }.into_any(),
                Some(Ok(view)) => view! {
                    <div class="person-grid">
                        <TwoFactorRule agency=view.clone() reload=move || agency.refetch() />
                        <Sessions agency=view.clone() reload=move || agency.refetch() />
                        <Support />
                        <Ownership agency=view />
                        <ConnectedPlatform />
                    </div>
                }.into_any(),
            }}
        </main>
    }
}

/// Requiring two-factor sign-in of everyone.
#[component]
fn TwoFactorRule(
    agency: AgencyView,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let required = agency.require_two_factor;
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let saving = Action::new_local(move |on: &bool| {
        let on = *on;
        async move {
            let edit = AgencySettingsEdit {
                require_two_factor: Some(on),
                ..AgencySettingsEdit::default()
            };
            match api::configure_agency(&edit).await {
                Ok(()) => {
                    toast::done(if on {
                        "Two-factor sign-in is required now."
                    } else {
                        "Two-factor sign-in is no longer required."
                    });
                    error.set(None);
                    reload();
                }
                Err(e) => error.set(Some(needs_worker(e, "Changing this"))),
            }
        }
    });
    let (title, label, body) = if required {
        (
            "Stop requiring two-factor sign-in?",
            "Stop requiring it",
            "People who set it up keep using it; others can sign in with a password alone.",
        )
    } else {
        (
            "Require two-factor sign-in?",
            "Require it",
            "Everyone who has not set it up is asked to, at their next sign-in, before anything else.",
        )
    };
    view! {
        <section class="card panel" data-testid="security-two-factor">
            <h2>"Two-factor sign-in"</h2>
            <p data-testid="security-two-factor-state">{if required {
                "Required: everyone signs in with a code from an authenticator app."
            } else {
                "Not required: each person chooses."
            }}</p>
            <button class=if required { "secondary" } else { "" } data-testid="security-two-factor-toggle"
                prop:disabled=move || saving.pending().get()
                on:click=move |_| open.set(true)>{label}</button>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="security-two-factor-error">{e}</p> })}
            <Confirm open=open title=title.to_owned() confirm_label=label.to_owned()
                on_confirm=move |()| { saving.dispatch(!required); }>
                <p>{body}</p>
            </Confirm>
        </section>
    }
}

/// The choices of inactivity after which sessions end, in minutes (0: the platform's own
/// three days), with their words.
pub const IDLE_CHOICES: &[(u32, &str)] = &[
    (0, "3 days"),
    (15, "15 minutes"),
    (30, "30 minutes"),
    (60, "1 hour"),
    (120, "2 hours"),
    (240, "4 hours"),
    (480, "8 hours"),
    (1440, "1 day"),
];

/// The words for an agency's limit on inactivity.
pub fn idle_words(minutes: Option<u32>) -> String {
    let minutes = minutes.unwrap_or(0);
    IDLE_CHOICES
        .iter()
        .find(|(m, _)| *m == minutes)
        .map_or_else(|| format!("{minutes} minutes"), |(_, w)| (*w).to_owned())
}

/// How long sessions last: the agency may end them sooner after inactivity
/// (CallTrackingMetrics' "log out after inactivity").
#[component]
fn Sessions(agency: AgencyView, reload: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let now = agency.session_idle_minutes.unwrap_or(0);
    let chosen = RwSignal::new(now.to_string());
    let error = RwSignal::new(None::<String>);
    let saving = Action::new_local(move |minutes: &u32| {
        let minutes = *minutes;
        async move {
            let edit = AgencySettingsEdit {
                session_idle_minutes: Some(minutes),
                ..AgencySettingsEdit::default()
            };
            match api::configure_agency(&edit).await {
                Ok(()) => {
                    toast::done(format!(
                        "Sessions now end after {} without use.",
                        idle_words(Some(minutes))
                    ));
                    error.set(None);
                    reload();
                }
                Err(e) => error.set(Some(needs_worker(e, "Changing this"))),
            }
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match chosen.get_untracked().parse::<u32>() {
            Ok(m) if m == now => error.set(Some("That is already the setting.".into())),
            Ok(m) => {
                saving.dispatch(m);
            }
            Err(_) => error.set(Some("Choose how long.".into())),
        }
    };
    view! {
        <section class="card panel" data-testid="security-sessions">
            <h2>"Sessions"</h2>
            <p data-testid="security-idle-state">{format!(
                "A session ends after {} without use, and 14 days after signing in, whatever happens. Suspending someone ends theirs at once.",
                idle_words(agency.session_idle_minutes)
            )}</p>
            <form on:submit=save novalidate>
                <label>"End sessions after this long without use"
                    <select data-testid="security-idle" prop:value=move || chosen.get()
                        on:change=move |ev| chosen.set(event_target_value(&ev))>
                        {IDLE_CHOICES.iter().map(|(m, w)| view! {
                            <option value=m.to_string()>{if *m == 0 { "3 days (the longest)" } else { *w }}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="secondary" data-testid="security-idle-save"
                    prop:disabled=move || saving.pending().get()>"Save"</button>
            </form>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="security-idle-error">{e}</p> })}
            <p class="muted">"Each person sees where they are signed in, and can end any of it, on My account."</p>
        </section>
    }
}

/// Platform support let in, for a reason, until a date.
#[component]
fn Support() -> impl IntoView {
    let state = expect_context::<AppState>();
    let email = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(&'static str, String)>::new());
    let error_of = move |field: &'static str| {
        errors.with(|e| e.iter().find(|(f, _)| *f == field).map(|(_, m)| m.clone()))
    };
    let granting = Action::new_local(move |access: &SupportAccess| {
        let access = access.clone();
        async move {
            match api::grant_support(&access).await {
                Ok(()) => {
                    toast::done(format!(
                        "{} can help until {}.",
                        access.email.as_str(),
                        local_time(access.until)
                    ));
                    email.set(String::new());
                    reason.set(String::new());
                    until.set(String::new());
                    state.sync_now().await;
                }
                Err(e) => errors.set(vec![("form", needs_worker(e, "Letting support in"))]),
            }
        }
    });
    let grant = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let now = crate::state::now();
        let mut found = Vec::new();
        let email_ok = Email::parse(&email.get_untracked())
            .map_err(|e| found.push(("email", sentence(&e.to_string()))))
            .ok();
        let reason_ok = Name::parse(&reason.get_untracked())
            .map_err(|_| found.push(("reason", "Say why support needs in.".to_owned())))
            .ok();
        let until_ok = day_millis(&until.get_untracked(), true)
            .filter(|&t| t > now && t <= now + SUPPORT_DAYS * 86_400_000)
            .or_else(|| {
                found.push((
                    "until",
                    format!("Choose a day from today to {SUPPORT_DAYS} days ahead."),
                ));
                None
            });
        errors.set(found);
        if let (Some(email), Some(reason), Some(until)) = (email_ok, reason_ok, until_ok) {
            granting.dispatch(SupportAccess {
                id: None,
                grant: None,
                email,
                reason,
                until,
            });
        }
    };
    // Ending it early: their grant goes, so they are out at once.
    let ending_one = RwSignal::new(None::<(String, String)>);
    let confirm_end = RwSignal::new(false);
    let ending = Action::new_local(move |grant: &String| {
        let grant = grant.clone();
        async move {
            match api::revoke_grant(&grant).await {
                Ok(()) => {
                    toast::done("Support access has ended.");
                    state.sync_now().await;
                }
                Err(e) => toast::failed(needs_worker(e, "Ending support access")),
            }
        }
    });
    let end_title = Signal::derive(move || {
        ending_one.with(|e| {
            e.as_ref()
                .map(|(_, name)| format!("End {name}'s access now?"))
                .unwrap_or_default()
        })
    });
    let people = Memo::new(move |_| state.users.with(|u| support_people(u)));
    view! {
        <section class="card panel wide" data-testid="security-support">
            <h2>"Support access"</h2>
            <p class="muted">"Let Switchboard's support staff in as an Administrator of the whole agency, for a reason you give, until a day you choose (30 days at most). It is written in the audit log."</p>
            {move || {
                let list = people.get();
                if list.is_empty() {
                    view! { <p data-testid="support-none">"Nobody from support has access now."</p> }.into_any()
                } else {
                    view! {
                        <ul class="grants" role="list">
                            {list.into_iter().map(|(u, grant, ends)| {
                                let name = u.name.clone();
                                let pick = (grant.clone(), name.clone());
                                let live = u.state != UserState::Deleted;
                                view! {
                                    <li class="grant-row" data-testid="support-row">
                                        <strong>{u.name.clone()}</strong>
                                        <span class="muted">{u.email.clone()}</span>
                                        <span class="muted">{ends.map(|t| format!("until {}", local_time(t))).unwrap_or_default()}</span>
                                        {live.then(|| view! {
                                            <button class="secondary small" data-testid="support-end"
                                                prop:disabled=move || ending.pending().get()
                                                on:click=move |_| { ending_one.set(Some(pick.clone())); confirm_end.set(true); }>
                                                "End now"
                                            </button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            <form on:submit=grant novalidate data-testid="support-form">
                <div class="row">
                    <label>"Their address"
                        <input type="email" bind:value=email data-testid="support-email" autocomplete="off" />
                    </label>
                    <label>"Until (the end of that day)"
                        <input type="date" bind:value=until data-testid="support-until" />
                    </label>
                </div>
                <label>"Why they need in"
                    <input type="text" bind:value=reason data-testid="support-reason" autocomplete="off"
                        placeholder="Ticket 4711: calls to Acme drop after 30 seconds" />
                </label>
                {move || ["email", "until", "reason", "form"].into_iter().filter_map(|f| error_of(f).map(|m| view! {
                    <span class="field-error" role="alert" data-testid=format!("support-{f}-error")>{m}</span>
                })).collect_view()}
                <button type="submit" data-testid="support-grant" prop:disabled=move || granting.pending().get()>
                    "Let support in"
                </button>
            </form>
            <Confirm open=confirm_end title=end_title confirm_label="End it now".to_owned() destructive=true
                on_confirm=move |()| {
                    if let Some((grant, _)) = ending_one.get_untracked() {
                        ending.dispatch(grant);
                    }
                }>
                <p>"They are out at once; what they did stays in the audit log."</p>
            </Confirm>
        </section>
    }
}

/// Handing the agency to another member: only its owner may.
#[component]
fn Ownership(agency: AgencyView) -> impl IntoView {
    let state = expect_context::<AppState>();
    let owner_name = state.users.with_untracked(|u| {
        u.iter()
            .find(|u| u.id.0 == agency.owner)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| "someone you cannot see".into())
    });
    let is_owner = state
        .me
        .with_untracked(|m| m.as_ref().is_some_and(|m| m.id.0 == agency.owner));
    let to = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let agency_name = agency.name.clone();
    let transferring = Action::new_local(move |to: &domain::UserId| {
        let to = to.clone();
        async move {
            match api::transfer_ownership(&to).await {
                Ok(()) => {
                    toast::done("The agency has a new owner.");
                    state.sync_now().await;
                }
                Err(e) => error.set(Some(needs_worker(e, "Handing the agency over"))),
            }
        }
    });
    let chosen_name = Signal::derive(move || {
        let id = to.get();
        state.users.with(|u| {
            u.iter()
                .find(|u| u.id.0 == id)
                .map(|u| u.name.clone())
                .unwrap_or_default()
        })
    });
    view! {
        <section class="card panel" data-testid="security-owner">
            <h2>"Ownership"</h2>
            <p data-testid="security-owner-name">{format!("{} owns the agency.", owner_name)}</p>
            {if is_owner {
                view! {
                    <label>"Hand it to"
                        <select data-testid="owner-to" on:change=move |ev| to.set(event_target_value(&ev))>
                            <option value="">"Choose a person"</option>
                            {state.users.with_untracked(|u| u.iter()
                                .filter(|u| u.state == UserState::Active && !u.support && u.id.0 != agency.owner)
                                .map(|u| view! { <option value=u.id.0.clone()>{u.name.clone()}</option> })
                                .collect_view())}
                        </select>
                    </label>
                    <button class="destructive" data-testid="owner-transfer"
                        prop:disabled=move || to.with(String::is_empty) || transferring.pending().get()
                        on:click=move |_| open.set(true)>"Hand over the agency"</button>
                    {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="owner-error">{e}</p> })}
                    <Confirm open=open title=Signal::derive(move || format!("Hand the agency to {}?", chosen_name.get()))
                        confirm_label="Hand it over".to_owned() destructive=true
                        type_to_confirm=Signal::derive(move || agency_name.clone())
                        on_confirm=move |()| {
                            let id = to.get_untracked();
                            if !id.is_empty() {
                                transferring.dispatch(domain::UserId(id));
                            }
                        }>
                        <p>"They become its owner and an Agency Administrator of the whole agency. You keep your roles, but only they can hand it on again. Type the agency's name to confirm."</p>
                    </Confirm>
                }.into_any()
            } else {
                view! { <p class="muted" data-testid="owner-why">"Only the owner can hand the agency to someone else."</p> }.into_any()
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::UserId;
    use domain::api::RoleAtNode;

    #[test]
    fn support_people_are_those_with_the_support_flag_and_their_grant() {
        let grant = RoleAtNode {
            role: "Administrator".into(),
            node: "Agency".into(),
            grant: "g_help".into(),
            node_id: "n_top".into(),
            custom_role: None,
            starts_at: None,
            ends_at: Some(42),
        };
        let mut helper = UserSummary::new(
            UserId("u_help".into()),
            "Help Desk",
            "help@switchboard.example",
            UserState::Active,
            vec![grant],
        );
        helper.support = true;
        let other = UserSummary::new(UserId("u_kai".into()), "Kai", "", UserState::Active, vec![]);
        let found = support_people(&[helper, other]);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].1.as_str(), found[0].2), ("g_help", Some(42)));
    }
}

/// Where the platform's webhook deliveries stand, for whoever may connect it, with the way to
/// the screen where they are managed.
#[component]
fn ConnectedPlatform() -> impl IntoView {
    let endpoints = LocalResource::new(api::webhooks);
    move || {
        // Someone who may not connect the platform is refused the list: nothing is shown.
        let Some(Ok(list)) = endpoints.get() else {
            return None;
        };
        let (pending, failed): (u32, u32) = list
            .endpoints
            .iter()
            .fold((0, 0), |(p, f), e| (p + e.pending, f + e.failed));
        let count = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        let endpoints = count(
            list.endpoints.len(),
            "webhook endpoint",
            "webhook endpoints",
        );
        let changes = |n: u32| count(n as usize, "change", "changes");
        let summary = match (list.endpoints.len(), pending, failed) {
            (0, _, _) => "No webhook endpoint: the platform hears about changes only when it asks."
                .to_owned(),
            (_, 0, 0) => format!("{endpoints}; every change has been delivered."),
            (_, p, 0) => format!("{endpoints}; {} waiting to be delivered.", changes(p)),
            (_, _, f) => format!("{endpoints}; {} could not be delivered.", changes(f)),
        };
        Some(view! {
            <section class="card panel" data-testid="security-platform">
                <h2>"Connected platform"</h2>
                <p data-testid="security-platform-state">{summary}</p>
                <leptos_router::components::A href="/platform">"Service tokens, endpoints and deliveries"</leptos_router::components::A>
            </section>
        })
    }
}
