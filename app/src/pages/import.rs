//! Adding many people at once (`/people/import`): paste lines or choose a CSV file, choose the
//! role and the place for everyone, and see what each line would do before anything is saved.
//! Lines with problems are fixed in place or downloaded with their reasons; the good ones are
//! saved in batches with a progress bar, and an import cut short (a closed tab, a lost
//! connection) is offered again and resumes without adding anyone twice.
//!
//! The Worker reads the file and decides every line with `domain`, the same decisions as a
//! single add; checking needs it, since phone numbers are checked against each country's
//! numbering plan there and the app does not carry those tables.

use domain::api::{ImportLine, ImportReport, ImportRequest, ImportSummary, RoleInfo};
use domain::import::{self, Mode, Outcome, Row};
use domain::{Capability, Country, NodeId, RoleRef};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

use crate::api;
use crate::components::fresh_id;
use crate::components::tree_picker::TreePicker;
use crate::pages::person::needs_worker;
use crate::reach;
use crate::state::AppState;

/// How many lines one request saves; the progress bar moves after each.
const BATCH: usize = 100;
/// Where an import being saved is remembered, to resume it after an interruption.
const PENDING_KEY: &str = "switchboard.import";

/// Countries whose national number format people paste most; any other is written with `+`.
const COUNTRIES: [(&str, &str); 10] = [
    ("US", "United States"),
    ("CA", "Canada"),
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
    ("AU", "Australia"),
    ("NZ", "New Zealand"),
    ("MX", "Mexico"),
    ("ES", "Spain"),
    ("FR", "France"),
    ("DE", "Germany"),
];

/// An import being saved: enough to send the rest again after an interruption.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Pending {
    import: String,
    mode: Mode,
    role: Option<String>,
    node: Option<String>,
    country: String,
    /// The lines to save, in order.
    rows: Vec<Row>,
    /// How many of them were saved for certain.
    done: usize,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn load_pending() -> Option<Pending> {
    let text = storage()?.get_item(PENDING_KEY).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

fn keep_pending(pending: Option<&Pending>) {
    let Some(store) = storage() else { return };
    match pending.and_then(|p| serde_json::to_string(p).ok()) {
        Some(text) => {
            let _ = store.set_item(PENDING_KEY, &text);
        }
        None => {
            let _ = store.remove_item(PENDING_KEY);
        }
    }
}

/// The lines with problems, as CSV with a reason column, to fix and import again.
pub fn problems_csv(lines: &[ImportLine]) -> String {
    let mut out = import::csv_line([
        "line",
        "email",
        "first name",
        "last name",
        "receiving number",
        "role",
        "account",
        "reason",
    ]);
    for line in lines.iter().filter(|l| l.outcome == Outcome::Problem) {
        let number = line.row.line.to_string();
        let reason = line.reason.as_deref().unwrap_or_default();
        out.push_str(&import::csv_line(
            std::iter::once(number.as_str())
                .chain(line.row.fields())
                .chain([reason]),
        ));
    }
    out
}

/// What a check found, in a sentence.
fn summary_sentence(s: &ImportSummary) -> String {
    let mut parts = vec![format!(
        "{} {}",
        s.lines,
        if s.lines == 1 { "line" } else { "lines" }
    )];
    if s.ready > 0 {
        parts.push(format!("{} ready to add", s.ready));
    }
    if s.added > 0 {
        parts.push(format!("{} added", s.added));
    }
    if s.already_members > 0 {
        parts.push(format!("{} already in the agency", s.already_members));
    }
    if s.problems > 0 {
        parts.push(format!(
            "{} with {}",
            s.problems,
            if s.problems == 1 {
                "a problem"
            } else {
                "problems"
            }
        ));
    }
    format!("{}.", parts.join(", "))
}

/// `n` and the words for one or many.
fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn outcome_words(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Ready => "Ready",
        Outcome::Added => "Added",
        Outcome::AlreadyMember => "Already here",
        Outcome::Problem => "Problem",
    }
}

fn outcome_class(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Ready => "state active",
        Outcome::Added => "state active",
        Outcome::AlreadyMember => "state invited",
        Outcome::Problem => "state suspended",
    }
}

/// Reads the file a person chose, as text.
async fn file_text(input: &web_sys::HtmlInputElement) -> Option<(String, String)> {
    let file = input.files()?.get(0)?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()?;
    Some((file.name(), text.as_string()?))
}

/// `/people/import`.
#[component]
pub fn Import() -> impl IntoView {
    let state = expect_context::<AppState>();
    let (nodes, roles) = crate::pages::add_person::nodes_and_roles();

    let text = RwSignal::new(String::new());
    let file_name = RwSignal::new(None::<String>);
    let mode = RwSignal::new(Mode::Invite);
    let role = RwSignal::new(String::new());
    let places = RwSignal::new(Vec::<NodeId>::new());
    let country = RwSignal::new("US".to_owned());
    let report = RwSignal::new(None::<ImportReport>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let editing = RwSignal::new(None::<usize>);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let finished = RwSignal::new(None::<ImportSummary>);
    let pending = RwSignal::new(load_pending());

    let access = move || state.me.get().map(|m| m.access).unwrap_or_default();
    let why_not_node = Callback::new(move |node: NodeId| {
        let access = access();
        nodes.with(|nodes| reach::why_not(&access, nodes, &node, Capability::UsersInvite))
    });

    let request = move |csv: Option<String>, rows: Option<Vec<Row>>, dry_run: bool| ImportRequest {
        csv,
        rows,
        mode: mode.get_untracked(),
        role: (mode.get_untracked() == Mode::Invite)
            .then(|| role.get_untracked())
            .filter(|r| !r.is_empty()),
        node: places.get_untracked().first().map(|n| n.0.clone()),
        country: Country::parse(&country.get_untracked()).ok(),
        dry_run,
        import: None,
    };

    // Check: the whole file, or the rows as fixed, with nothing saved.
    let check = move |rows: Option<Vec<Row>>| {
        let csv = rows.is_none().then(|| text.get_untracked());
        if csv.as_deref().is_some_and(|t| t.trim().is_empty()) {
            error.set(Some(
                "Paste one person per line, or choose a CSV file.".to_owned(),
            ));
            return;
        }
        let body = request(csv, rows, true);
        busy.set(true);
        error.set(None);
        finished.set(None);
        spawn_local(async move {
            match api::import(&body).await {
                Ok(answer) => {
                    editing.set(None);
                    report.set(Some(answer));
                }
                Err(e) => error.set(Some(needs_worker(e, "Checking the lines"))),
            }
            busy.set(false);
        });
    };

    // Save: the ready lines, in batches, remembering how far it got.
    let save = move |job: Pending| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let mut job = job;
            let total = job.rows.len();
            let mut summary = ImportSummary::default();
            let mut lines: Vec<ImportLine> = Vec::new();
            keep_pending(Some(&job));
            pending.set(None);
            // Lines saved before an interruption are found again (same import), so resuming
            // starts at the first batch not known to be saved and counts them as added.
            let mut at = 0;
            while at < total {
                progress.set(Some((at, total)));
                let end = (at + BATCH).min(total);
                let body = ImportRequest {
                    csv: None,
                    rows: Some(job.rows[at..end].to_vec()),
                    mode: job.mode,
                    role: job.role.clone(),
                    node: job.node.clone(),
                    country: Country::parse(&job.country).ok(),
                    dry_run: false,
                    import: Some(job.import.clone()),
                };
                match api::import(&body).await {
                    Ok(answer) => {
                        summary.added += answer.summary.added;
                        summary.already_members += answer.summary.already_members;
                        summary.problems += answer.summary.problems;
                        summary.seat_limit = answer.summary.seat_limit;
                        summary.seats_after = answer.summary.seats_after;
                        lines.extend(answer.lines);
                        at = end;
                        job.done = at;
                        keep_pending(Some(&job));
                    }
                    Err(e) => {
                        error.set(Some(format!(
                            "{} {} of {} were saved; resume to save the rest.",
                            needs_worker(e, "Saving"),
                            at,
                            total
                        )));
                        pending.set(Some(job.clone()));
                        progress.set(None);
                        busy.set(false);
                        return;
                    }
                }
            }
            progress.set(Some((total, total)));
            keep_pending(None);
            summary.lines = lines.len() as u32;
            if let Some(before) = report.get_untracked() {
                summary.already_members += before.summary.already_members;
                summary.problems += before.summary.problems;
                summary.lines = before.summary.lines;
            }
            finished.set(Some(summary));
            report.update(|r| {
                if let Some(r) = r {
                    for saved in lines {
                        if let Some(line) = r.lines.iter_mut().find(|l| l.row == saved.row) {
                            *line = saved;
                        }
                    }
                    r.summary.ready = 0;
                }
            });
            spawn_local(state.sync_now());
            busy.set(false);
        });
    };

    let start_saving = move |_| {
        let Some(r) = report.get_untracked() else {
            return;
        };
        let rows: Vec<Row> = r
            .lines
            .iter()
            .filter(|l| l.outcome == Outcome::Ready)
            .map(|l| l.row.clone())
            .collect();
        if rows.is_empty() {
            return;
        }
        let body = request(None, None, false);
        save(Pending {
            import: fresh_id("imp"),
            mode: body.mode,
            role: body.role,
            node: body.node,
            country: country.get_untracked(),
            rows,
            done: 0,
        });
    };

    let on_file = move |ev: web_sys::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        spawn_local(async move {
            match file_text(&input).await {
                Some((name, content)) if content.len() > import::MAX_BYTES => {
                    error.set(Some(format!(
                        "{name} is larger than 5 MB; split it into smaller files."
                    )));
                }
                Some((name, content)) => {
                    file_name.set(Some(name));
                    text.set(content);
                    report.set(None);
                    error.set(None);
                }
                None => error.set(Some("That file could not be read.".to_owned())),
            }
        });
    };

    let ready_count = move || {
        report.with(|r| {
            r.as_ref().map_or(0, |r| {
                r.lines
                    .iter()
                    .filter(|l| l.outcome == Outcome::Ready)
                    .count()
            })
        })
    };
    let problem_count = move || {
        report.with(|r| {
            r.as_ref().map_or(0, |r| {
                r.lines
                    .iter()
                    .filter(|l| l.outcome == Outcome::Problem)
                    .count()
            })
        })
    };
    let download_problems = move |_| {
        if let Some(r) = report.get_untracked() {
            crate::pages::people::download("lines-to-fix.csv", &problems_csv(&r.lines));
        }
    };

    view! {
        <main class="page import">
            <div class="page-head">
                <h1>"Add many people"</h1>
                <span class="spacer"></span>
                <A href="/people" attr:class="button secondary">"Back to People"</A>
            </div>
            {move || pending.get().map(|job| {
                let left = job.rows.len() - job.done;
                let resume = job.clone();
                view! {
                    <section class="card panel notice-panel" data-testid="import-pending" role="status">
                        <p>{format!(
                            "An import stopped after {} of {} people. Resume it to add the other {}; nobody is added twice.",
                            job.done, job.rows.len(), left
                        )}</p>
                        <div class="actions">
                            <button data-testid="import-resume" prop:disabled=move || busy.get()
                                on:click=move |_| save(resume.clone())>"Resume"</button>
                            <button class="secondary" data-testid="import-discard"
                                on:click=move |_| { keep_pending(None); pending.set(None); }>"Discard"</button>
                        </div>
                    </section>
                }
            })}
            <section class="card panel" data-testid="import-form">
                <p class="muted">
                    "One person per line: e-mail address, first name, last name, and if you like a receiving number, a role and an account. A first line that names the columns is read as a header."
                </p>
                <div class="import-columns">
                <div class="import-input">
                <label class="field">
                    <span>"People"</span>
                    <textarea rows="8" data-testid="import-text" spellcheck="false"
                        placeholder="ana@example.com, Ana, Ríos, (415) 555-0199"
                        prop:value=move || text.get()
                        on:input=move |ev| { text.set(event_target_value(&ev)); report.set(None); }></textarea>
                </label>
                <label class="field file">
                    <span>"Or choose a CSV file"</span>
                    <input type="file" accept=".csv,text/csv,text/plain" data-testid="import-file"
                        on:change=on_file />
                    {move || file_name.get().map(|n| view! { <span class="muted small">{format!("Read {n}.")}</span> })}
                </label>
                </div>
                <div class="import-options">
                <fieldset class="role-choice">
                    <legend>"How do they join?"</legend>
                    <label class="role-option">
                        <input type="radio" name="import-how" prop:checked=move || mode.get() == Mode::Invite
                            data-testid="import-invite" on:change=move |_| { mode.set(Mode::Invite); report.set(None); } />
                        <span><strong>"Send each an invitation"</strong>
                        <span class="muted small">"They get a link by e-mail to choose a password. It works for 7 days."</span></span>
                    </label>
                    <label class="role-option">
                        <input type="radio" name="import-how" prop:checked=move || mode.get() == Mode::NotificationOnly
                            data-testid="import-notify" on:change=move |_| { mode.set(Mode::NotificationOnly); report.set(None); } />
                        <span><strong>"Notifications only"</strong>
                        <span class="muted small">"They receive notifications, never sign in and take no seat."</span></span>
                    </label>
                </fieldset>
                <Show when=move || mode.get() == Mode::Invite>
                    <label class="field">
                        <span>"Role for everyone (a line's own role column wins)"</span>
                        <select data-testid="import-role" on:change=move |ev| { role.set(event_target_value(&ev)); report.set(None); }>
                            <option value="" selected=move || role.get().is_empty()>"Choose a role"</option>
                            {move || roles.get().into_iter()
                                .filter(|r: &RoleInfo| r.role != RoleRef::Builtin(domain::BuiltinRole::Notification))
                                .map(|r| {
                                    let value = match &r.role {
                                        RoleRef::Builtin(b) => b.name().to_owned(),
                                        RoleRef::Custom(id) => id.0.clone(),
                                    };
                                    let chosen = value.clone();
                                    view! { <option value=value selected=move || role.get() == chosen>{r.name.clone()}</option> }
                                }).collect_view()}
                        </select>
                    </label>
                </Show>
                <TreePicker nodes=nodes chosen=places why_not=why_not_node
                    legend="Where, for everyone (a line's own account column wins)" />
                <label class="field">
                    <span>"Phone numbers without a + are read as numbers of"</span>
                    <select data-testid="import-country" on:change=move |ev| { country.set(event_target_value(&ev)); report.set(None); }>
                        {COUNTRIES.iter().map(|(code, name)| view! {
                            <option value=*code selected=move || country.get() == *code>{*name}</option>
                        }).collect_view()}
                    </select>
                </label>
                </div>
                </div>
                {move || error.get().map(|m| view! {
                    <p class="field-error" role="alert" data-testid="import-error">{m}</p>
                })}
                <div class="actions">
                    <button data-testid="import-check" prop:disabled=move || busy.get()
                        on:click=move |_| check(None)>"Check the lines"</button>
                </div>
            </section>
            {move || progress.get().map(|(done, total)| view! {
                <section class="card panel" data-testid="import-progress">
                    <label class="field">
                        <span>{format!("Saved {done} of {total}")}</span>
                        <progress max=total.max(1) value=done data-testid="import-bar"></progress>
                    </label>
                </section>
            })}
            {move || finished.get().map(|s| view! {
                <section class="card panel" data-testid="import-summary" role="status">
                    <h2>"Done"</h2>
                    <p>{format!(
                        "Added {} {}.{}{}",
                        s.added,
                        if s.added == 1 { "person" } else { "people" },
                        if s.already_members > 0 { format!(" {} already in the agency.", plural(s.already_members, "was", "were")) } else { String::new() },
                        if s.problems > 0 { format!(" {} not added; download the lines to fix them.", plural(s.problems, "line with a problem was", "lines with problems were")) } else { String::new() },
                    )}</p>
                    <A href="/people" attr:class="button secondary">"See everyone"</A>
                </section>
            })}
            {move || report.get().map(|r| {
                let sentence = summary_sentence(&r.summary);
                view! {
                    <section class="card panel" data-testid="import-preview">
                        <div class="page-head">
                            <h2>"What each line does"</h2>
                            <span class="spacer"></span>
                            <Show when=move || { problem_count() > 0 }>
                                <button class="secondary small" data-testid="import-download-problems"
                                    on:click=download_problems>"Download lines to fix (CSV)"</button>
                            </Show>
                            <Show when=move || { ready_count() > 0 && finished.get().is_none() }>
                                <button data-testid="import-save" prop:disabled=move || busy.get()
                                    on:click=start_saving>
                                    {move || { let n = ready_count(); format!("Add {n} {}", if n == 1 { "person" } else { "people" }) }}
                                </button>
                            </Show>
                        </div>
                        <p data-testid="import-counts">{sentence}</p>
                        <div class="table import-lines" role="table" aria-label="Lines of the import">
                            <div class="row head" role="row">
                                <span role="columnheader">"Line"</span>
                                <span role="columnheader">"Person"</span>
                                <span role="columnheader">"Outcome"</span>
                            </div>
                            {r.lines.iter().enumerate().map(|(ix, line)| view! {
                                <LineRow ix=ix line=line.clone() editing=editing report=report
                                    on_fixed=Callback::new(move |rows: Vec<Row>| check(Some(rows))) />
                            }).collect_view()}
                        </div>
                    </section>
                }
            })}
        </main>
    }
}

/// One line of the preview, with its reason, and fields to fix it when it has a problem.
#[component]
fn LineRow(
    ix: usize,
    line: ImportLine,
    editing: RwSignal<Option<usize>>,
    report: RwSignal<Option<ImportReport>>,
    on_fixed: Callback<Vec<Row>>,
) -> impl IntoView {
    let row = line.row.clone();
    let shown_line = if row.line == 0 {
        ix + 1
    } else {
        row.line as usize
    };
    let name = format!("{} {}", row.first_name, row.last_name)
        .trim()
        .to_owned();
    let email = RwSignal::new(row.email.clone());
    let first = RwSignal::new(row.first_name.clone());
    let last = RwSignal::new(row.last_name.clone());
    let number = RwSignal::new(row.number.clone());
    let fix = move |_| {
        let Some(r) = report.get_untracked() else {
            return;
        };
        let rows: Vec<Row> = r
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut row = l.row.clone();
                if row.line == 0 {
                    row.line = i as u32 + 1;
                }
                if i == ix {
                    row.email = email.get_untracked().trim().to_owned();
                    row.first_name = first.get_untracked().trim().to_owned();
                    row.last_name = last.get_untracked().trim().to_owned();
                    row.number = number.get_untracked().trim().to_owned();
                }
                row
            })
            .collect();
        on_fixed.run(rows);
    };
    let problem = line.outcome == Outcome::Problem;
    let place = [row.role.as_str(), row.node.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <div class="row" role="row" data-testid="import-line" data-outcome=format!("{:?}", line.outcome).to_lowercase()>
            <span role="cell" class="muted">{shown_line}</span>
            <span role="cell" class="who">
                <span class="name">{if name.is_empty() { "(no name)".to_owned() } else { name }}</span>
                <span class="email muted">{row.email.clone()}</span>
                {(!row.number.is_empty()).then(|| view! { <span class="muted small">{row.number.clone()}</span> })}
                {(!place.is_empty()).then(|| view! { <span class="muted small">{place}</span> })}
            </span>
            <span role="cell">
                <span class=outcome_class(line.outcome) data-testid="import-outcome">{outcome_words(line.outcome)}</span>
                {line.reason.clone().map(|r| view! { <span class="reason small" data-testid="import-reason">{r}</span> })}
                {problem.then(|| view! {
                    <button class="secondary small" data-testid="import-fix"
                        aria-label=format!("Fix line {shown_line}")
                        on:click=move |_| editing.set(Some(ix))>"Fix line"</button>
                })}
                <Show when=move || editing.get() == Some(ix)>
                    <div class="fix" role="group" aria-label=format!("Fix line {shown_line}") data-testid="import-fix-form">
                        <label class="field"><span>"E-mail address"</span>
                            <input type="email" data-testid="fix-email" prop:value=move || email.get()
                                on:input=move |ev| email.set(event_target_value(&ev)) /></label>
                        <label class="field"><span>"First name"</span>
                            <input type="text" data-testid="fix-first" prop:value=move || first.get()
                                on:input=move |ev| first.set(event_target_value(&ev)) /></label>
                        <label class="field"><span>"Last name"</span>
                            <input type="text" data-testid="fix-last" prop:value=move || last.get()
                                on:input=move |ev| last.set(event_target_value(&ev)) /></label>
                        <label class="field"><span>"Receiving number"</span>
                            <input type="tel" data-testid="fix-number" prop:value=move || number.get()
                                on:input=move |ev| number.set(event_target_value(&ev)) /></label>
                        <div class="actions">
                            <button data-testid="fix-check" on:click=fix>"Check again"</button>
                            <button class="secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
                        </div>
                    </div>
                </Show>
            </span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lines_to_fix_keep_their_fields_and_say_why() {
        let line = |n: u32, email: &str, outcome, reason: Option<&str>| ImportLine {
            row: Row {
                line: n,
                email: email.to_owned(),
                first_name: "Ana".to_owned(),
                last_name: "Ríos, Jr.".to_owned(),
                number: "+44 20 7946 0958".to_owned(),
                ..Row::default()
            },
            outcome,
            reason: reason.map(str::to_owned),
            rule: None,
            user: None,
        };
        let csv = problems_csv(&[
            line(2, "ana@example.com", Outcome::Ready, None),
            line(
                3,
                "bad",
                Outcome::Problem,
                Some("\"bad\" is not an e-mail address."),
            ),
        ]);
        let mut lines = csv.lines();
        assert!(lines.next().unwrap().starts_with("line,email,"));
        assert_eq!(
            lines.next().unwrap(),
            "3,bad,Ana,\"Ríos, Jr.\",+44 20 7946 0958,,,\"\"\"bad\"\" is not an e-mail address.\""
        );
        assert_eq!(lines.next(), None);
    }

    #[test]
    fn the_counts_read_as_a_sentence() {
        let s = ImportSummary {
            lines: 5,
            ready: 3,
            already_members: 1,
            problems: 1,
            ..ImportSummary::default()
        };
        assert_eq!(
            summary_sentence(&s),
            "5 lines, 3 ready to add, 1 already in the agency, 1 with a problem."
        );
    }
}
