//! A person's agent settings (PRODUCT.md §7): status and availability, time zone and business
//! hours, where their calls ring, their groups and routing, and their two switches.
//!
//! Every input is read with `domain`'s own types before anything is sent (a time zone, a week
//! of hours, phone numbers, a country), so most mistakes show beside their field. Saving needs
//! the Worker: the settings of everyone else (who holds a tracking number) are not on the
//! device, so it cannot decide there.

use domain::agent::DAY_NAMES;
use domain::api::{AgencyView, PersonEdit};
use domain::{
    AgentSettings, Availability, Country, E164, Plan, ServerLocation, TimeZone, User, WeeklyHours,
};
use leptos::prelude::*;

use crate::api;
use crate::components::form::{FormErrors, sentence};
use crate::components::toast;
use crate::pages::person::needs_worker;

/// What a person may change here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct May {
    /// Everything (`users.edit` over the person).
    pub manage: bool,
    /// Their own status and availability: the signed-in person is this person.
    pub own: bool,
    /// Their tracking numbers (`numbers.assign` over the person).
    pub numbers: bool,
}

/// One span of hours being edited. `key` keeps its inputs in place while others come and go.
#[derive(Clone, Copy, Debug, PartialEq)]
struct SpanDraft {
    key: u32,
    start: RwSignal<String>,
    end: RwSignal<String>,
}

/// A week of hours being edited: each day's spans, Monday first.
#[derive(Clone, Copy, Debug)]
struct WeekDraft {
    days: [RwSignal<Vec<SpanDraft>>; 7],
    next: StoredValue<u32>,
}

/// A time input cannot say 24:00; it says 00:00, which as an end means midnight.
const MIDNIGHT: &str = "24:00";

impl WeekDraft {
    fn new(hours: &WeeklyHours) -> Self {
        let next = StoredValue::new(0_u32);
        let days = std::array::from_fn(|d| {
            let spans = hours.as_text()[d]
                .iter()
                .map(|(start, end)| {
                    let end = if end == MIDNIGHT { "00:00" } else { end };
                    Self::span(next, start, end)
                })
                .collect();
            RwSignal::new(spans)
        });
        WeekDraft { days, next }
    }

    fn span(next: StoredValue<u32>, start: &str, end: &str) -> SpanDraft {
        let key = next.get_value();
        next.set_value(key + 1);
        SpanDraft {
            key,
            start: RwSignal::new(start.to_owned()),
            end: RwSignal::new(end.to_owned()),
        }
    }

    /// Adds hours to a day: nine to five on an empty day, else an hour after its last span.
    fn add(self, day: usize) {
        let last_end = self.days[day].with_untracked(|spans| {
            spans
                .last()
                .map(|s| s.end.get_untracked())
                .filter(|e| !e.is_empty() && e != "00:00")
        });
        let (start, end) = match last_end {
            None => ("09:00".to_owned(), "17:00".to_owned()),
            Some(end) => {
                let hour: u16 = end.get(..2).and_then(|h| h.parse().ok()).unwrap_or(17);
                let later = |h: u16| format!("{:02}:{}", h.min(23), &end[3..]);
                (
                    later(hour + 1),
                    if hour + 2 >= 24 {
                        "00:00".into()
                    } else {
                        later(hour + 2)
                    },
                )
            }
        };
        let span = Self::span(self.next, &start, &end);
        self.days[day].update(|spans| spans.push(span));
    }

    fn remove(self, day: usize, key: u32) {
        self.days[day].update(|spans| spans.retain(|s| s.key != key));
    }

    /// Monday's hours on every weekday, as a call centre usually has them.
    fn copy_monday_to_weekdays(self) {
        let monday: Vec<(String, String)> = self.days[0].with_untracked(|spans| {
            spans
                .iter()
                .map(|s| (s.start.get_untracked(), s.end.get_untracked()))
                .collect()
        });
        for day in &self.days[1..5] {
            let copy = monday
                .iter()
                .map(|(start, end)| Self::span(self.next, start, end))
                .collect();
            day.set(copy);
        }
    }

    /// The week as `domain` reads it; an end of 00:00 is midnight.
    fn parse(self) -> Result<WeeklyHours, String> {
        let text: Vec<Vec<(String, String)>> = self
            .days
            .iter()
            .map(|day| {
                day.with_untracked(|spans| {
                    spans
                        .iter()
                        .map(|s| {
                            let end = s.end.get_untracked();
                            let end = if end == "00:00" {
                                MIDNIGHT.to_owned()
                            } else {
                                end
                            };
                            (s.start.get_untracked(), end)
                        })
                        .collect()
                })
            })
            .collect();
        WeeklyHours::parse(&text).map_err(|e| sentence(&e.to_string()))
    }
}

/// Everything being edited, read back into `AgentSettings` and the switches when saving.
#[derive(Clone, Copy, Debug)]
struct Draft {
    status: RwSignal<String>,
    always: RwSignal<bool>,
    schedule: WeekDraft,
    time_zone: RwSignal<String>,
    business: WeekDraft,
    receiving: RwSignal<String>,
    tracking: RwSignal<Vec<String>>,
    new_number: RwSignal<String>,
    country: RwSignal<String>,
    server: RwSignal<ServerLocation>,
    groups: RwSignal<Vec<String>>,
    round_robin: RwSignal<bool>,
    call_broadcast: RwSignal<bool>,
    calling_enabled: RwSignal<bool>,
    contact_edit: RwSignal<bool>,
}

impl Draft {
    fn new(user: &User) -> Self {
        let s = &user.settings;
        let (always, schedule) = match &s.availability {
            Availability::Always => (true, WeeklyHours::office()),
            Availability::Schedule(hours) => (false, hours.clone()),
        };
        Draft {
            status: RwSignal::new(s.agent_status.clone().unwrap_or_default()),
            always: RwSignal::new(always),
            schedule: WeekDraft::new(&schedule),
            time_zone: RwSignal::new(s.time_zone.as_str().to_owned()),
            business: WeekDraft::new(&s.business_hours),
            receiving: RwSignal::new(
                s.receiving_number
                    .as_ref()
                    .map(|n| n.as_str().to_owned())
                    .unwrap_or_default(),
            ),
            tracking: RwSignal::new(
                s.tracking_numbers
                    .iter()
                    .map(|n| n.as_str().to_owned())
                    .collect(),
            ),
            new_number: RwSignal::new(String::new()),
            country: RwSignal::new(s.default_country.as_str().to_owned()),
            server: RwSignal::new(s.server_location),
            groups: RwSignal::new(s.agent_groups.clone()),
            round_robin: RwSignal::new(s.round_robin),
            call_broadcast: RwSignal::new(s.call_broadcast),
            calling_enabled: RwSignal::new(user.calling_enabled),
            contact_edit: RwSignal::new(user.contact_edit),
        }
    }

    /// The settings as typed, each field read by `domain`; what is wrong is named by field.
    fn read(self, before: &AgentSettings) -> Result<AgentSettings, FormErrors> {
        let mut errors = FormErrors::default();
        let mut wrong = |field: &str, message: String| {
            errors.fields.push((field.to_owned(), message));
        };
        let time_zone = TimeZone::parse(&self.time_zone.get_untracked())
            .map_err(|e| wrong("time_zone", sentence(&e.to_string())))
            .ok();
        let business_hours = self
            .business
            .parse()
            .map_err(|e| wrong("business_hours", e))
            .ok();
        let availability = if self.always.get_untracked() {
            Some(Availability::Always)
        } else {
            self.schedule
                .parse()
                .map(Availability::Schedule)
                .map_err(|e| wrong("availability", e))
                .ok()
        };
        let receiving = self.receiving.get_untracked();
        let receiving_number = if receiving.trim().is_empty() {
            Some(None)
        } else {
            E164::parse(&receiving)
                .map(Some)
                .map_err(|e| wrong("receiving_number", sentence(&e.to_string())))
                .ok()
        };
        let mut tracking_numbers = Vec::new();
        for number in self.tracking.get_untracked() {
            match E164::parse(&number) {
                Ok(n) => tracking_numbers.push(n),
                Err(e) => wrong(
                    "tracking_numbers",
                    format!("{number}: {}", sentence(&e.to_string())),
                ),
            }
        }
        let default_country = Country::parse(&self.country.get_untracked())
            .map_err(|e| wrong("default_country", sentence(&e.to_string())))
            .ok();
        let status = self.status.get_untracked();
        match (
            time_zone,
            business_hours,
            availability,
            receiving_number,
            default_country,
        ) {
            (
                Some(time_zone),
                Some(business_hours),
                Some(availability),
                Some(receiving),
                Some(country),
            ) if errors.fields.is_empty() => Ok(AgentSettings {
                time_zone,
                business_hours,
                availability,
                receiving_number: receiving,
                tracking_numbers,
                default_country: country,
                server_location: self.server.get_untracked(),
                profile_image: before.profile_image.clone(),
                agent_status: (!status.is_empty()).then_some(status),
                agent_groups: self.groups.get_untracked(),
                round_robin: self.round_robin.get_untracked(),
                call_broadcast: self.call_broadcast.get_untracked(),
            }),
            _ => Err(errors),
        }
    }
}

/// What one save sends: the settings if they changed, the switches if they changed.
#[derive(Clone, Debug, PartialEq)]
struct Save {
    user: String,
    settings: Option<AgentSettings>,
    switches: Option<PersonEdit>,
}

/// The agent settings card of a person's page, and of one's own account.
#[component]
pub fn AgentSettingsCard(
    user: User,
    may: May,
    #[prop(into)] reload: Callback<()>,
) -> impl IntoView {
    let draft = Draft::new(&user);
    let errors = RwSignal::new(FormErrors::default());
    // The agency's lists and plan; offline, the ones last read.
    let agency = LocalResource::new(api::agency);
    let agency_now = move || agency.get().and_then(Result::ok);
    let before = StoredValue::new(user.clone());

    // The one write of this card: settings first, then the switches, each only if changed.
    let save = Action::new_local(move |save: &Save| {
        let save = save.clone();
        async move {
            if let Some(settings) = &save.settings {
                api::edit_settings(&save.user, settings)
                    .await
                    .map_err(|e| FormErrors::form(needs_worker(e, "Saving agent settings")))?;
            }
            if let Some(switches) = &save.switches {
                api::edit_person(&save.user, switches)
                    .await
                    .map_err(|e| FormErrors::form(needs_worker(e, "Changing the switches")))?;
            }
            Ok::<_, FormErrors>(())
        }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            errors.set(FormErrors::default());
            toast::done("The agent settings are saved.");
            reload.run(());
        }
        Some(Err(e)) => errors.set(e),
        None => {}
    });
    let pending = save.pending();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let user = before.get_value();
        match draft.read(&user.settings) {
            Err(e) => errors.set(e),
            Ok(settings) => {
                errors.set(FormErrors::default());
                let calling = draft.calling_enabled.get_untracked();
                let contacts = draft.contact_edit.get_untracked();
                let switches = PersonEdit {
                    calling_enabled: (calling != user.calling_enabled).then_some(calling),
                    contact_edit: (contacts != user.contact_edit).then_some(contacts),
                    ..PersonEdit::default()
                };
                let changed_switches = switches != PersonEdit::default();
                let changed_settings = settings != user.settings;
                if !changed_settings && !changed_switches {
                    toast::done("Nothing has changed.");
                    return;
                }
                save.dispatch(Save {
                    user: user.id.0.clone(),
                    settings: changed_settings.then_some(settings),
                    switches: changed_switches.then_some(switches),
                });
            }
        }
    };

    let message = move |field: &'static str| {
        move || {
            errors.with(|e| e.of(field)).map(|m| {
                view! { <span class="field-error" role="alert" data-testid=format!("settings-{field}-error")>{m}</span> }
            })
        }
    };
    let presence_locked = !(may.manage || may.own);
    let locked = !may.manage;
    let numbers_locked = !(may.manage && may.numbers);
    let team = move || agency_now().is_some_and(|a| matches!(a.plan, Plan::Team { .. }));
    let statuses = move || {
        let mut list = agency_now()
            .map(|a: AgencyView| a.agent_statuses)
            .unwrap_or_default();
        let current = draft.status.get_untracked();
        if !current.is_empty() && !list.contains(&current) {
            list.push(current);
        }
        list
    };
    let groups = move || {
        let mut list = agency_now().map(|a| a.agent_groups).unwrap_or_default();
        for g in draft.groups.get_untracked() {
            if !list.contains(&g) {
                list.push(g);
            }
        }
        list
    };

    let add_number = move || {
        let typed = draft.new_number.get_untracked();
        match E164::parse(&typed) {
            Err(e) => errors.set(FormErrors::field(
                "tracking_numbers",
                sentence(&e.to_string()),
            )),
            Ok(n) => {
                let n = n.as_str().to_owned();
                if draft.tracking.with_untracked(|t| t.contains(&n)) {
                    errors.set(FormErrors::field(
                        "tracking_numbers",
                        format!("{n} is already in the list."),
                    ));
                } else {
                    errors.set(FormErrors::default());
                    draft.tracking.update(|t| t.push(n));
                    draft.new_number.set(String::new());
                }
            }
        }
    };

    view! {
        <section class="card panel wide agent-settings" data-testid="agent-settings">
            <h2>"Agent settings"</h2>
            {(locked && may.own).then(|| view! {
                <p class="muted small">"You can set your own status and availability. An administrator sets the rest."</p>
            })}
            {presence_locked.then(|| view! {
                <p class="muted small">"You may see these settings but not change them."</p>
            })}
            <form on:submit=submit novalidate>
                <fieldset class="group">
                    <legend>"Presence"</legend>
                    <label>"Agent status"
                        <select prop:value=move || draft.status.get() disabled=presence_locked
                            data-testid="settings-status"
                            on:change=move |ev| draft.status.set(event_target_value(&ev))>
                            <option value="">"No status"</option>
                            {move || statuses().into_iter().map(|s| {
                                let selected = draft.status.get_untracked() == s;
                                view! { <option value=s.clone() selected=selected>{s.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <div class="choice" role="radiogroup" aria-label="When calls ring through">
                        <label class="check">
                            <input type="radio" name="availability" disabled=presence_locked
                                prop:checked=move || draft.always.get()
                                on:change=move |_| draft.always.set(true)
                                data-testid="settings-always" />
                            "Always available"
                        </label>
                        <label class="check">
                            <input type="radio" name="availability" disabled=presence_locked
                                prop:checked=move || !draft.always.get()
                                on:change=move |_| draft.always.set(false)
                                data-testid="settings-scheduled" />
                            "Follow a call schedule"
                        </label>
                    </div>
                    <Show when=move || !draft.always.get()>
                        <WeekEditor week=draft.schedule locked=presence_locked
                            label="Call schedule" testid="settings-schedule" />
                    </Show>
                    {message("availability")}
                </fieldset>

                <fieldset class="group">
                    <legend>"Hours and place"</legend>
                    <label>"Time zone"
                        <input type="text" list="time-zones" bind:value=draft.time_zone disabled=locked
                            autocomplete="off" data-testid="settings-time-zone"
                            aria-invalid=move || errors.with(|e| e.of("time_zone").is_some()).to_string() />
                        {message("time_zone")}
                    </label>
                    <datalist id="time-zones">
                        {TimeZone::names().map(|n| view! { <option value=n></option> }).collect_view()}
                    </datalist>
                    <WeekEditor week=draft.business locked=locked label="Business hours"
                        testid="settings-business" />
                    {message("business_hours")}
                    <div class="row">
                        <label>"Default country for phone numbers"
                            <input type="text" bind:value=draft.country disabled=locked maxlength="2"
                                autocomplete="off" data-testid="settings-country" class="short"
                                aria-invalid=move || errors.with(|e| e.of("default_country").is_some()).to_string() />
                            {message("default_country")}
                        </label>
                        <label>"Server location"
                            <select disabled=locked data-testid="settings-server"
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    if let Some(l) = ServerLocation::ALL.into_iter().find(|l| l.as_str() == v) {
                                        draft.server.set(l);
                                    }
                                }>
                                {ServerLocation::ALL.into_iter().map(|l| view! {
                                    <option value=l.as_str() selected=move || draft.server.get() == l>{l.label()}</option>
                                }).collect_view()}
                            </select>
                        </label>
                    </div>
                </fieldset>

                <fieldset class="group">
                    <legend>"Numbers"</legend>
                    <label>"Receiving number"
                        <span class="muted small">" (where their calls ring)"</span>
                        <input type="tel" bind:value=draft.receiving disabled=locked autocomplete="off"
                            placeholder="+14155550123" data-testid="settings-receiving"
                            aria-invalid=move || errors.with(|e| e.of("receiving_number").is_some()).to_string() />
                        {message("receiving_number")}
                    </label>
                    <div>
                        <span class="label">"Tracking numbers"</span>
                        <ul class="numbers" data-testid="settings-tracking">
                            <For each=move || draft.tracking.get() key=|n| n.clone() let:number>
                                <li>
                                    <span>{number.clone()}</span>
                                    {(!numbers_locked).then(|| {
                                        let n = number.clone();
                                        view! {
                                            <button type="button" class="link" aria-label=format!("Remove {number}")
                                                on:click=move |_| draft.tracking.update(|t| t.retain(|x| *x != n))>
                                                "Remove"
                                            </button>
                                        }
                                    })}
                                </li>
                            </For>
                        </ul>
                        <Show when=move || draft.tracking.with(Vec::is_empty)>
                            <p class="muted small">"No tracking number rings through to them."</p>
                        </Show>
                        {(!numbers_locked).then(|| view! {
                            <div class="row add-number">
                                <label>"Add a tracking number"
                                    <input type="tel" bind:value=draft.new_number autocomplete="off"
                                        placeholder="+14155550188" data-testid="settings-new-number"
                                        on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); add_number(); } />
                                </label>
                                <button type="button" class="secondary" data-testid="settings-add-number"
                                    on:click=move |_| add_number()>"Add"</button>
                            </div>
                        })}
                        {(numbers_locked && !locked).then(|| view! {
                            <p class="muted small">"Your roles do not let you assign phone numbers to them."</p>
                        })}
                        {message("tracking_numbers")}
                    </div>
                </fieldset>

                <fieldset class="group">
                    <legend>"Groups and routing"</legend>
                    {move || {
                        let all = groups();
                        if all.is_empty() {
                            view! { <p class="muted small">"Your agency has no agent groups yet."</p> }.into_any()
                        } else {
                            all.into_iter().map(|g| {
                                let name = g.clone();
                                view! {
                                    <label class="check">
                                        <input type="checkbox" disabled=locked
                                            prop:checked=move || draft.groups.with(|gs| gs.contains(&name))
                                            on:change={
                                                let g = g.clone();
                                                move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    draft.groups.update(|gs| {
                                                        gs.retain(|x| *x != g);
                                                        if on { gs.push(g.clone()); }
                                                    });
                                                }
                                            }
                                            data-testid=format!("settings-group-{g}") />
                                        {g.clone()}
                                    </label>
                                }
                            }).collect_view().into_any()
                        }
                    }}
                    <label class="check">
                        <input type="checkbox" bind:checked=draft.round_robin data-testid="settings-round-robin"
                            disabled=move || locked || (!team() && !draft.round_robin.get()) />
                        "In the round-robin lead router"
                    </label>
                    <label class="check">
                        <input type="checkbox" bind:checked=draft.call_broadcast data-testid="settings-broadcast"
                            disabled=move || locked || (!team() && !draft.call_broadcast.get()) />
                        "In the call broadcast"
                    </label>
                    <Show when=move || !team() && agency_now().is_some()>
                        <p class="muted small">"The lead router and call broadcast come with the Team plan."</p>
                    </Show>
                </fieldset>

                <fieldset class="group">
                    <legend>"Switches"</legend>
                    <label class="check">
                        <input type="checkbox" bind:checked=draft.calling_enabled
                            disabled=!(may.manage || may.own) data-testid="settings-calling" />
                        "May place calls from the dialer"
                    </label>
                    <label class="check">
                        <input type="checkbox" bind:checked=draft.contact_edit
                            disabled=locked || may.own data-testid="settings-contacts" />
                        "May edit contacts wherever they work"
                    </label>
                    {(may.own && may.manage).then(|| view! {
                        <p class="muted small">"No one can give themselves contact editing; another administrator can."</p>
                    })}
                </fieldset>

                {move || errors.with(|e| e.form.clone()).map(|m| view! {
                    <p class="error" role="alert" data-testid="settings-error">{m}</p>
                })}
                {(!presence_locked).then(|| view! {
                    <button type="submit" data-testid="settings-save" disabled=move || pending.get()>
                        {move || if pending.get() { "Saving…" } else { "Save agent settings" }}
                    </button>
                })}
            </form>
        </section>
    }
}

/// A week of hours: each day with its spans, hours added and removed, Monday copied to the
/// weekdays.
#[component]
fn WeekEditor(
    week: WeekDraft,
    locked: bool,
    label: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="week" role="group" aria-label=label data-testid=testid>
            <div class="week-head">
                <span class="label">{label}</span>
                {(!locked).then(|| view! {
                    <button type="button" class="link small" on:click=move |_| week.copy_monday_to_weekdays()
                        data-testid=format!("{testid}-copy")>"Copy Monday to weekdays"</button>
                })}
            </div>
            {(0..7).map(|d| {
                let day = DAY_NAMES[d];
                view! {
                    <div class="day" data-testid=format!("{testid}-{}", day.to_lowercase())>
                        <span class="day-name">{day}</span>
                        <div class="spans">
                            <For each=move || week.days[d].get() key=|s| s.key let:span>
                                <span class="span">
                                    <input type="time" step="900" bind:value=span.start disabled=locked
                                        aria-label=format!("{day}: opens at") />
                                    <span aria-hidden="true">"–"</span>
                                    <input type="time" step="900" bind:value=span.end disabled=locked
                                        aria-label=format!("{day}: closes at") />
                                    {(!locked).then(|| view! {
                                        <button type="button" class="link small"
                                            aria-label=format!("Remove these hours on {day}")
                                            on:click=move |_| week.remove(d, span.key)>"Remove"</button>
                                    })}
                                </span>
                            </For>
                            <Show when=move || week.days[d].with(Vec::is_empty)>
                                <span class="muted small closed">"Closed"</span>
                            </Show>
                        </div>
                        {(!locked).then(|| view! {
                            <button type="button" class="link small" on:click=move |_| week.add(d)
                                aria-label=format!("Add hours on {day}")>"Add hours"</button>
                        })}
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

/// One's own agent settings on My account: everyone can set their status and availability
/// here, an Agent too; the rest as their roles allow over themselves.
#[component]
pub fn MySettings() -> impl IntoView {
    let state = expect_context::<crate::state::AppState>();
    let version = RwSignal::new(0_u32);
    let loaded = LocalResource::new(move || {
        version.track();
        let me = state.me.get();
        async move {
            let me = me?;
            let detail = api::person(&me.id.0).await.ok()?;
            let nodes = api::nodes().await.map(|l| l.nodes).unwrap_or_default();
            let over_them = |cap: domain::Capability| {
                crate::reach::over_person(&me.access, &nodes, &detail.roles, cap)
            };
            let may = May {
                manage: over_them(domain::Capability::UsersEdit),
                own: true,
                numbers: over_them(domain::Capability::NumbersAssign),
            };
            Some((detail.user, may))
        }
    });
    let shown = RwSignal::new(None::<(User, May)>);
    Effect::new(move |_| {
        if let Some(Some(now)) = loaded.get()
            && shown.with_untracked(|s| s.as_ref() != Some(&now))
        {
            shown.set(Some(now));
        }
    });
    let reload = move || version.update(|v| *v += 1);
    move || {
        shown
            .get()
            .map(|(user, may)| view! { <AgentSettingsCard user=user may=may reload=reload /> })
    }
}
