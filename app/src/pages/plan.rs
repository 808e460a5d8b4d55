//! Plan and seats: the plan, the seats used against its limit and the cost per month; moving
//! to another plan, or (on the Seats plan) choosing how many seats with a slider, the cost
//! previewed by the Worker before anything is applied (R30); and who takes a seat, and why
//! (R31), worked out by `domain` from the people the device holds.

use domain::SeatPreview;
use domain::api::{AgencyView, UserSummary};
use domain::{Capability, Command, Plan, UserState};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::toast;
use crate::pages::account::words;
use crate::pages::person::needs_worker;
use crate::state::AppState;

/// Cents as dollars for people: `$1,234.50`.
pub fn dollars(cents: u64) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match cents % 100 {
        0 => format!("${grouped}"),
        c => format!("${grouped}.{c:02}"),
    }
}

/// Why someone takes a seat under `plan` (R31), in words.
pub fn seat_reason(user: &UserSummary, plan: Plan) -> &'static str {
    match (user.state, plan) {
        (UserState::Invited, _) => {
            "Invited: the invitation holds a seat until it is accepted, revoked or expires."
        }
        (UserState::Suspended, Plan::Seats { .. }) => {
            "Suspended, and may still place calls once back."
        }
        (UserState::Suspended, _) => "Suspended: a suspended person keeps their seat.",
        (_, Plan::Seats { .. }) => "May place calls from the dialer.",
        _ => "May sign in.",
    }
}

/// The plans someone may move to from `plan`, in the order they are offered.
fn other_plans(plan: Plan, seats_used: u32) -> Vec<Plan> {
    [
        Plan::Solo,
        Plan::Team {
            seat_override: None,
        },
        Plan::Seats {
            seats: seats_used.max(1),
        },
        Plan::Unlimited,
    ]
    .into_iter()
    .filter(|p| p.name() != plan.name())
    .collect()
}

/// The Plan and seats screen.
#[component]
pub fn PlanAndSeats() -> impl IntoView {
    let state = expect_context::<AppState>();
    let agency = LocalResource::new(api::agency);
    let may_change = move || state.may_anywhere(Capability::BillingManage);
    view! {
        <main class="page plan-page">
            <div class="page-head"><h1>"Plan and seats"</h1></div>
            {move || match agency.get() {
                None => view! { <p class="muted">"Loading the plan…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{words(e)}</p> }.into_any(),
                Some(Ok(view)) => view! {
                    <div class="person-grid">
                        <Summary agency=view.clone() />
                        {if may_change() {
                            view! { <ChangePlan agency=view.clone() reload=move || agency.refetch() /> }.into_any()
                        } else {
                            view! {
                                <section class="card panel">
                                    <h2>"Change the plan"</h2>
                                    <p class="muted" data-testid="plan-why">"Changing the plan is for those who manage billing."</p>
                                </section>
                            }.into_any()
                        }}
                        <SeatHolders plan=view.plan />
                    </div>
                }.into_any(),
            }}
        </main>
    }
}

/// The plan, its seats and its cost.
#[component]
fn Summary(agency: AgencyView) -> impl IntoView {
    let used = agency.seats_used;
    let (limit, share) = match agency.seat_limit {
        Some(limit) => (
            format!("{used} of {limit} seats"),
            (used * 100 / limit.max(1)).min(100),
        ),
        None => (format!("{used} seats; no limit"), 0),
    };
    view! {
        <section class="card panel" data-testid="plan-summary">
            <h2>{format!("The {} plan", agency.plan.name())}</h2>
            <p class="plan-seats" data-testid="plan-seats">{limit}</p>
            {agency.seat_limit.map(|_| view! {
                <div class="meter" role="img" aria-label=format!("{share}% of the seats used")>
                    <span style:width=format!("{share}%")></span>
                </div>
            })}
            <p data-testid="plan-cost">{format!("{} a month", dollars(agency.monthly_cost_cents))}</p>
            <p class="muted">{format!("To have more seats: {}.", agency.plan.how_to_raise())}</p>
        </section>
    }
}

/// Moving to another plan, or choosing how many seats, previewed first.
#[component]
fn ChangePlan(
    agency: AgencyView,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let current = agency.plan;
    let seats = RwSignal::new(match current {
        Plan::Seats { seats } => seats,
        _ => agency.seats_used.max(1),
    });
    let wanted = RwSignal::new(None::<Plan>);
    let preview = RwSignal::new(None::<Result<SeatPreview, String>>);
    let previewing = Action::new_local(move |plan: &Plan| {
        let plan = *plan;
        async move {
            preview.set(Some(
                api::seat_preview(&Command::ChangePlan { plan })
                    .await
                    .map_err(words),
            ));
        }
    });
    let ask = move |plan: Plan| {
        wanted.set(Some(plan));
        preview.set(None);
        previewing.dispatch(plan);
    };
    let applying = Action::new_local(move |plan: &Plan| {
        let plan = *plan;
        async move {
            match api::change_plan(plan).await {
                Ok(()) => {
                    toast::done(format!("The agency is on the {} plan now.", plan.name()));
                    wanted.set(None);
                    preview.set(None);
                    reload();
                    state.sync_now().await;
                }
                Err(e) => preview.set(Some(Err(needs_worker(e, "Changing the plan")))),
            }
        }
    });
    let team_note = matches!(current, Plan::Team { .. });
    view! {
        <section class="card panel" data-testid="plan-change">
            <h2>"Change the plan"</h2>
            {matches!(current, Plan::Seats { .. }).then(|| view! {
                <label>"Dialer seats"
                    <input type="range" min="1" max="200" step="1" data-testid="seat-slider"
                        prop:value=move || seats.get().to_string()
                        on:input=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                                seats.set(n);
                            }
                        }
                        on:change=move |_| ask(Plan::Seats { seats: seats.get_untracked() }) />
                </label>
                <p data-testid="seat-count">{move || format!("{} seats", seats.get())}</p>
            })}
            <div class="actions">
                {other_plans(current, agency.seats_used).into_iter().map(|plan| view! {
                    <button class="secondary" data-testid=format!("plan-to-{}", plan.name().to_lowercase())
                        on:click=move |_| ask(plan)>{format!("Move to {}", plan.name())}</button>
                }).collect_view()}
            </div>
            {team_note.then(|| view! {
                <p class="muted" data-testid="plan-team-note">
                    "The Team plan is self-serve up to 25 people. For more, ask Switchboard support to raise your limit, or move to Unlimited."
                </p>
            })}
            {move || wanted.get().map(|plan| {
                let body = match preview.get() {
                    None => view! { <p class="muted">"Working out the cost…"</p> }.into_any(),
                    Some(Err(why)) => view! { <p class="error" role="alert" data-testid="plan-refused">{why}</p> }.into_any(),
                    Some(Ok(p)) => view! {
                        <p data-testid="plan-preview">{format!(
                            "{}: {} seats{}, {} a month instead of {}.",
                            plan.name(),
                            p.seats_after,
                            p.limit.map(|l| format!(" of {l}")).unwrap_or_default(),
                            dollars(p.monthly_cost_after_cents),
                            dollars(p.monthly_cost_before_cents),
                        )}</p>
                        <button data-testid="plan-apply" prop:disabled=move || applying.pending().get()
                            on:click=move |_| { applying.dispatch(plan); }>
                            {format!("Move to {}", plan.name())}
                        </button>
                    }.into_any(),
                };
                view! { <div class="plan-preview" role="status">{body}</div> }
            })}
        </section>
    }
}

/// Who takes a seat, and why (R31).
#[component]
fn SeatHolders(plan: Plan) -> impl IntoView {
    let state = expect_context::<AppState>();
    let holders = Memo::new(move |_| {
        let now = crate::state::now();
        state.replica.with(|r| {
            let Some(context) = r.context.as_ref() else {
                return Vec::new();
            };
            let mut context = context.clone();
            context.agency.plan = plan;
            state.users.with(|users| {
                let seats = context.seat_holders(users.iter(), now);
                users
                    .iter()
                    .filter(|u| seats.contains(&u.id))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    });
    let rule = match plan {
        Plan::Seats { .. } => {
            "On the Seats plan, only people who may place calls from the dialer take a seat; turning their calling off frees it."
        }
        _ => {
            "Everyone who may sign in takes a seat, suspended people and pending invitations included. People who only receive notifications never do."
        }
    };
    view! {
        <section class="card panel wide" data-testid="seat-holders">
            <h2>{move || format!("Who takes a seat ({})", holders.with(Vec::len))}</h2>
            <p class="muted">{rule}</p>
            <ul class="grants" role="list">
                {move || holders.get().into_iter().map(|u| {
                    let reason = seat_reason(&u, plan);
                    view! {
                        <li class="grant-row" data-testid="seat-holder">
                            <A href=format!("/people/{}", u.id.0)>{u.name}</A>
                            <span class="muted">{reason}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_read_as_dollars() {
        assert_eq!(dollars(0), "$0");
        assert_eq!(dollars(2_500), "$25");
        assert_eq!(dollars(123_456_750), "$1,234,567.50");
        assert_eq!(dollars(99), "$0.99");
    }

    /// R30: the plans offered are the others, a dialer plan sized to the seats in use.
    #[test]
    fn r30_the_other_plans_are_offered() {
        let names: Vec<&str> = other_plans(
            Plan::Team {
                seat_override: None,
            },
            12,
        )
        .into_iter()
        .map(Plan::name)
        .collect();
        assert_eq!(names, ["Solo", "Seats", "Unlimited"]);
        assert_eq!(
            other_plans(Plan::Solo, 2)[1],
            Plan::Seats { seats: 2 },
            "a dialer plan starts at the seats in use"
        );
    }
}
