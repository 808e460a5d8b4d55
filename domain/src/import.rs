//! Bulk add: many people from one file, one person per line, each line checked with the same
//! decisions as a single add before anything is saved.
//!
//! A line reads `email, first name, last name[, receiving number[, role[, account]]]`, or takes
//! its columns from a header row. [`read`] turns a file into [`Row`]s; [`check`] decides every
//! row on a snapshot and says, line by line, what saving would do. Both live behind the
//! `import` feature: the Worker reads and decides, and the app shows what it answered.
//!
//! An import has an id. The person a line adds gets an id made from it and the address, so
//! sending a line again — a retried batch, a tab closed halfway, a Worker restarted — finds the
//! person it already added instead of adding another.

use serde::{Deserialize, Serialize};

use crate::user::UserId;

/// The largest file an import reads: 5 MB.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// The most people one import adds.
pub const MAX_LINES: usize = 10_000;
/// The longest field read, in bytes; a longer one is cut and its line refused.
pub const MAX_FIELD: usize = 1_000;
/// The most lines the Worker saves in one D1 batch.
pub const CHUNK: usize = 100;

/// What the people of an import become.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Each gets an invitation mail and signs in once they accept it (R21).
    #[default]
    Invite,
    /// Each receives notifications only and never signs in (R16).
    NotificationOnly,
}

/// One person of a file, as written there: nothing is parsed yet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Row {
    /// The line of the file the person is on (1 is the first); 0 for a row typed in.
    #[serde(default)]
    pub line: u32,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    /// Where their calls ring, in any format of the import's country.
    #[serde(default)]
    pub number: String,
    /// A role's name, for this person instead of the import's role.
    #[serde(default)]
    pub role: String,
    /// An account's (or group's, or location's) name or id, instead of the import's node.
    #[serde(default)]
    pub node: String,
    /// Why the line's fields do not fit the columns, found by [`read`].
    #[serde(skip)]
    pub shape: Option<String>,
}

impl Row {
    /// The fields as a file has them: address, first name, last name, number, role, node.
    pub fn fields(&self) -> [&str; 6] {
        [
            &self.email,
            &self.first_name,
            &self.last_name,
            &self.number,
            &self.role,
            &self.node,
        ]
    }
}

/// What saving a line does, or did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It would add the person.
    Ready,
    /// It added the person (in this request, or earlier in the same import).
    Added,
    /// Someone in the agency already has the address; nothing changes.
    AlreadyMember,
    /// The line cannot be saved as it is; `reason` says why.
    Problem,
}

/// The columns a line can have, in the order a file without a header row gives them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Email,
    FirstName,
    LastName,
    Number,
    Role,
    Node,
}

impl Column {
    /// The columns of a file without a header row.
    pub const POSITIONAL: [Column; 6] = [
        Column::Email,
        Column::FirstName,
        Column::LastName,
        Column::Number,
        Column::Role,
        Column::Node,
    ];

    /// The column a header cell names, in any case, with or without spaces.
    pub fn named(header: &str) -> Option<Column> {
        let key: String = header
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        Some(match key.as_str() {
            "email" | "emailaddress" | "mail" | "address" => Column::Email,
            "firstname" | "first" | "givenname" | "forename" => Column::FirstName,
            "lastname" | "last" | "surname" | "familyname" => Column::LastName,
            "number" | "phone" | "phonenumber" | "receivingnumber" | "mobile" => Column::Number,
            "role" => Column::Role,
            "account" | "node" | "location" | "group" | "subaccount" => Column::Node,
            _ => return None,
        })
    }

    /// The column's name as a header row writes it.
    pub fn header(self) -> &'static str {
        match self {
            Column::Email => "email",
            Column::FirstName => "first name",
            Column::LastName => "last name",
            Column::Number => "receiving number",
            Column::Role => "role",
            Column::Node => "account",
        }
    }
}

/// Why a whole file cannot be read; nothing of it is checked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("The file is larger than 5 MB; split it into smaller files.")]
    TooLarge,
    #[error("The file has no one in it.")]
    Empty,
    #[error(
        "This is not a text file. Save the spreadsheet as CSV (comma-separated values) and try again."
    )]
    NotText,
    #[error(
        "The file has {0} people; one import adds at most 10,000. Split it into smaller files."
    )]
    TooManyLines(usize),
    #[error(
        "The header row has a column \"{0}\" that Switchboard does not know. Columns are: email, first name, last name, receiving number, role and account."
    )]
    UnknownColumn(String),
    #[error("The header row names the column \"{0}\" twice.")]
    RepeatedColumn(String),
    #[error("The header row has no email column.")]
    NoEmailColumn,
    #[error("Line {0} cannot be read: {1}")]
    Unreadable(u64, String),
}

/// A file read into rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    /// Whether the first line named the columns.
    pub header: bool,
    pub rows: Vec<Row>,
}

/// A CSV field, quoted when it must be.
/// A field a spreadsheet would run as a formula (`=`, `@`, or `+`/`-` followed by more than a
/// phone number's characters) gets a leading `'`, so that it shows as text.
pub fn csv_field(value: &str) -> String {
    let phone_like = |v: &str| {
        v.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.'))
    };
    let formula =
        value.starts_with(['=', '@']) || (value.starts_with(['+', '-']) && !phone_like(value));
    let defused;
    let value = if formula {
        defused = format!("'{value}");
        defused.as_str()
    } else {
        value
    };
    if value.contains([',', '"', '\n', '\r']) || value.starts_with(' ') || value.ends_with(' ') {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// A CSV line from its fields, ending with CRLF (RFC 4180).
pub fn csv_line<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut line = fields
        .into_iter()
        .map(csv_field)
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// The id an import gives the person it adds for `email`, and the id of their grant. The same
/// import and address make the same ids, so a line sent twice is found, not added twice.
pub fn ids_for(import: &str, email: &str) -> (crate::UserId, crate::GrantId) {
    // FNV-1a, 64 bits: stable across builds and platforms, which `std`'s hasher is not.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in import.bytes().chain([0x1f]).chain(email.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (
        crate::UserId(format!("u-imp-{hash:016x}")),
        crate::GrantId(format!("g-imp-{hash:016x}")),
    )
}

/// One line of an import and what saving it does (or did).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ImportLine {
    #[serde(flatten)]
    pub row: Row,
    pub outcome: Outcome,
    /// Why, in words, for a problem or someone already there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The rule a problem applies, beside the words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<crate::rule::Rule>,
    /// The person the line added, or who already had its address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<UserId>,
}

/// The counts of an import's lines, and its seats.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ImportSummary {
    pub lines: u32,
    pub ready: u32,
    pub added: u32,
    pub already_members: u32,
    pub problems: u32,
    /// The plan's seat limit, if it has one.
    pub seat_limit: Option<u32>,
    /// Seats taken before the import, and after it (or after it would be saved).
    pub seats_before: u32,
    pub seats_after: u32,
}

impl ImportSummary {
    /// Counts `lines` by outcome into this summary.
    pub fn count(&mut self, lines: &[ImportLine]) {
        let count = |o: Outcome| lines.iter().filter(|l| l.outcome == o).count() as u32;
        self.lines = lines.len() as u32;
        self.ready = count(Outcome::Ready);
        self.added = count(Outcome::Added);
        self.already_members = count(Outcome::AlreadyMember);
        self.problems = count(Outcome::Problem);
    }
}

#[cfg(feature = "import")]
pub use reading::{Checked, Choices, check, mark_duplicates, needs, parse_phone, read};

#[cfg(feature = "import")]
mod reading {
    use std::collections::HashMap;

    use super::*;
    use super::{ImportLine, ImportSummary};
    use crate::access::BuiltinRole;
    use crate::agent::{AgentSettings, Country};
    use crate::command::Command;
    use crate::decide::Decider;
    use crate::email::{Email, EmailError};
    use crate::event::Event;
    use crate::input::{E164, Name};
    use crate::model::{Millis, NodeId, RoleRef};
    use crate::rule::{Refusal, Rule};
    use crate::snapshot::Snapshot;
    use crate::user::{UserId, UserState};

    /// Reads a file: with or without a header row, quoted fields, a byte-order mark, CRLF or
    /// LF, blank lines and spaces around fields. Lines whose fields do not fit the columns
    /// come back with [`Row::shape`] saying why; only a file that cannot be read at all is an
    /// error.
    pub fn read(text: &str) -> Result<Sheet, FileProblem> {
        if text.len() > MAX_BYTES {
            return Err(FileProblem::TooLarge);
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // A spreadsheet saved as itself, an image, or bytes that were not UTF-8 (read with
        // replacement characters) is not a list of people.
        if text
            .chars()
            .any(|c| c == '\u{fffd}' || (c.is_control() && !matches!(c, '\t' | '\r' | '\n')))
        {
            return Err(FileProblem::NotText);
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut columns: Option<Vec<Column>> = None;
        let mut header = false;
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        // The reader does not count blank lines; count them from where each record starts.
        let (mut counted_to, mut lines_before) = (0usize, 0u32);
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    return Err(FileProblem::Unreadable(line, e.to_string()));
                }
            }
            if record.iter().all(str::is_empty) {
                continue;
            }
            let mut start = record
                .position()
                .map_or(counted_to, |p| p.byte() as usize)
                .min(text.len());
            // After CRLF, a record's position is its terminator's LF: step over it.
            while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
                start += 1;
            }
            lines_before += text.as_bytes()[counted_to..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u32;
            counted_to = start;
            let line = lines_before + 1;
            if columns.is_none() {
                if let Some(named) = header_columns(&record)? {
                    columns = Some(named);
                    header = true;
                    continue;
                }
                columns = Some(Column::POSITIONAL.to_vec());
            }
            if rows.len() == MAX_LINES {
                // Count the rest without keeping it, to say how many there are.
                let mut more = 1;
                while reader.read_record(&mut record).unwrap_or(false) {
                    more += usize::from(!record.iter().all(str::is_empty));
                }
                return Err(FileProblem::TooManyLines(MAX_LINES + more));
            }
            let columns = columns.as_deref().unwrap_or(&Column::POSITIONAL);
            rows.push(row_of(line, &record, columns, header));
        }
        if rows.is_empty() {
            return Err(FileProblem::Empty);
        }
        Ok(Sheet { header, rows })
    }

    /// The columns a first line names, if it is a header row: none of its cells is an
    /// address, and each names a column.
    fn header_columns(record: &csv::StringRecord) -> Result<Option<Vec<Column>>, FileProblem> {
        if record.iter().any(|cell| Email::parse(cell).is_ok()) {
            return Ok(None);
        }
        let named: Vec<Option<Column>> = record.iter().map(Column::named).collect();
        if !named.contains(&Some(Column::Email)) {
            // A first line with no address and no email column: a header only if it names
            // some column, and then it is missing the one that matters.
            return if named.iter().any(Option::is_some) {
                Err(FileProblem::NoEmailColumn)
            } else {
                Ok(None)
            };
        }
        let mut columns = Vec::new();
        for (cell, column) in record.iter().zip(named) {
            let column = column.ok_or_else(|| FileProblem::UnknownColumn(cell.to_owned()))?;
            if columns.contains(&column) {
                return Err(FileProblem::RepeatedColumn(cell.to_owned()));
            }
            columns.push(column);
        }
        Ok(Some(columns))
    }

    fn row_of(line: u32, record: &csv::StringRecord, columns: &[Column], header: bool) -> Row {
        let mut row = Row {
            line,
            ..Row::default()
        };
        for (value, column) in record.iter().zip(columns) {
            let mut value = value.to_owned();
            if value.len() > MAX_FIELD {
                let mut end = MAX_FIELD;
                while !value.is_char_boundary(end) {
                    end -= 1;
                }
                value.truncate(end);
                row.shape = Some(format!(
                    "A field on this line is longer than {MAX_FIELD} characters."
                ));
            }
            *match column {
                Column::Email => &mut row.email,
                Column::FirstName => &mut row.first_name,
                Column::LastName => &mut row.last_name,
                Column::Number => &mut row.number,
                Column::Role => &mut row.role,
                Column::Node => &mut row.node,
            } = value;
        }
        let fields = record.len();
        let plural = |n: usize| if n == 1 { "field" } else { "fields" };
        if header && fields > columns.len() {
            row.shape = Some(format!(
                "This line has {fields} {}; the header row names {}.",
                plural(fields),
                columns.len()
            ));
        } else if !header && fields < 3 {
            row.shape = Some(format!(
                "This line has {fields} {}; each line needs an address, a first name and a last name.",
                plural(fields)
            ));
        } else if !header && fields > Column::POSITIONAL.len() {
            row.shape = Some(format!(
                "This line has {fields} fields; a line has at most six: address, first name, last name, receiving number, role and account."
            ));
        }
        row
    }

    /// A phone number as a person writes it, in international form (`+44 20 7946 0958`) or in
    /// the national form of `country` (`(415) 555-0199`), checked against that country's
    /// numbering plan.
    pub fn parse_phone(input: &str, country: &Country) -> Result<E164, String> {
        let input = input.trim();
        if input.len() > 40 {
            return Err("This phone number is too long.".to_owned());
        }
        use rlibphonenumber::{PHONE_NUMBER_UTIL, PhoneNumberFormat, enums::Region};
        let region: Option<Region> = country.as_str().parse().ok();
        let number = PHONE_NUMBER_UTIL.parse(input, region).map_err(|_| {
            if input.starts_with('+') {
                format!("{input} is not a phone number.")
            } else {
                format!(
                    "{input} is not a phone number in {}; numbers of other countries start with + and their country code.",
                    country.as_str()
                )
            }
        })?;
        if !number.is_valid() {
            return Err(format!(
                "{input} is not a valid number for its country ({}).",
                number
                    .get_region_code()
                    .map_or_else(|| country.as_str().to_owned(), |id| id.to_string())
            ));
        }
        let e164 = number.format_as(PhoneNumberFormat::E164);
        E164::parse(&e164).map_err(|e| e.to_string())
    }

    /// What [`check`] reads for `rows`: the people with their addresses or their import ids,
    /// every node and role (rows name them), and the agency's counts (seats).
    pub fn needs(rows: &[Row], import: &str) -> crate::needs::Needs {
        let mut needs = crate::needs::Needs {
            all_nodes: true,
            all_roles: true,
            counts: true,
            ..crate::needs::Needs::default()
        };
        for row in rows {
            if let Ok(email) = Email::parse(&row.email) {
                needs.users.insert(ids_for(import, email.as_str()).0);
                needs.emails.insert(email.as_str().to_owned());
            }
        }
        needs
    }

    /// Marks every row whose address an earlier row has, so that checking the file in parts
    /// still finds it.
    pub fn mark_duplicates(rows: &mut [Row]) {
        let mut first: HashMap<String, u32> = HashMap::new();
        for (ix, row) in rows.iter_mut().enumerate() {
            let Ok(email) = Email::parse(&row.email) else {
                continue;
            };
            let shown = if row.line == 0 {
                ix as u32 + 1
            } else {
                row.line
            };
            match first.get(email.as_str()) {
                Some(line) if row.shape.is_none() => {
                    row.shape = Some(format!("The same address is on line {line}."));
                }
                Some(_) => {}
                None => {
                    first.insert(email.as_str().to_owned(), shown);
                }
            }
        }
    }

    /// The import's choices: its id, and what lines without their own say.
    #[derive(Clone, Debug)]
    pub struct Choices<'a> {
        pub import: &'a str,
        pub mode: Mode,
        pub role: Option<&'a str>,
        pub node: Option<&'a str>,
        pub country: &'a Country,
    }

    /// What checking rows found: each line's outcome and, for the lines that are ready, the
    /// events that save them, in order.
    #[derive(Clone, Debug)]
    pub struct Checked {
        pub lines: Vec<ImportLine>,
        pub summary: ImportSummary,
        pub events: Vec<Event>,
    }

    /// Decides every row as a single add would, on `snapshot` (which must hold the actor, the
    /// people with the rows' addresses or their import ids, the nodes and roles rows name, and
    /// the agency's counts). Rows are decided in order, each on the agency as the lines before
    /// it left it, so a file's seats run out where they would had it been added one by one.
    pub fn check(
        snapshot: &Snapshot,
        actor: &UserId,
        rows: &[Row],
        choices: &Choices<'_>,
        now: Millis,
    ) -> Result<Checked, Refusal> {
        let decider = Decider {
            s: snapshot,
            actor,
            now,
        };
        decider.active_actor(false)?;
        let mut work = snapshot.clone();
        let plan = snapshot.agency().plan;
        let limit = plan.seat_limit();
        let seats_before = snapshot.seats_used(now);
        let mut seats = seats_before;
        let mut seat_lines = 0u32;
        let mut no_seat: Vec<usize> = Vec::new();
        let existing: HashMap<&str, &UserId> = snapshot
            .users()
            .filter(|u| u.state != UserState::Deleted)
            .map(|u| (u.email.as_str(), &u.id))
            .collect();
        let mut first_line: HashMap<String, u32> = HashMap::new();
        let default_role = choices.role.map(|r| resolve_role(snapshot, r));
        let default_node = choices.node.map(|n| resolve_node(snapshot, n));
        let mut lines = Vec::with_capacity(rows.len());
        let mut events = Vec::new();
        for (ix, row) in rows.iter().enumerate() {
            let mut line = ImportLine {
                row: row.clone(),
                outcome: Outcome::Problem,
                reason: None,
                rule: None,
                user: None,
            };
            let planned = plan_row(
                snapshot,
                row,
                choices,
                default_role.as_ref(),
                default_node.as_ref(),
            );
            let shown = if row.line == 0 {
                ix as u32 + 1
            } else {
                row.line
            };
            let planned = planned.and_then(|p| {
                if let Some(first) = first_line.get(p.email.as_str()) {
                    return Err(input(format!("The same address is on line {first}.")));
                }
                first_line.insert(p.email.as_str().to_owned(), shown);
                Ok(p)
            });
            match planned {
                Err(refusal) => {
                    line.reason = Some(refusal.reason);
                    line.rule = Some(refusal.rule);
                }
                Ok(planned) => {
                    let (user, grant) = ids_for(choices.import, planned.email.as_str());
                    if let Some(&holder) = existing.get(planned.email.as_str()) {
                        line.outcome = if *holder == user {
                            Outcome::Added
                        } else {
                            Outcome::AlreadyMember
                        };
                        line.reason = (line.outcome == Outcome::AlreadyMember)
                            .then(|| "Someone in the agency already has this address.".to_owned());
                        line.user = Some(holder.clone());
                    } else {
                        match decide_row(&mut work, actor, now, planned, &user, grant, choices) {
                            Err(refusal) => {
                                line.reason = Some(refusal.reason);
                                line.rule = Some(refusal.rule);
                            }
                            Ok(decided) => {
                                line.user = Some(user.clone());
                                let takes_seat = work.takes_seat(&user, now);
                                // Each line is decided on the agency as it was: the lines
                                // cannot meet, and seats are counted here.
                                work.forget_newest_user(&user);
                                if takes_seat {
                                    seat_lines += 1;
                                    if limit.is_some_and(|limit| seats + 1 > limit) {
                                        // It does not fit: it is not added.
                                        line.user = None;
                                        line.rule = Some(Rule::R30);
                                        no_seat.push(ix);
                                        lines.push(line);
                                        continue;
                                    }
                                    seats += 1;
                                }
                                line.outcome = Outcome::Ready;
                                events.extend(decided);
                            }
                        }
                    }
                }
            }
            lines.push(line);
        }
        let fit = limit.map(|limit| limit.saturating_sub(seats_before));
        if let (Some(limit), Some(fit)) = (limit, fit) {
            let reason = format!(
                "There is no seat for this person: the {} plan allows {limit} {}, {} taken before this file. {} of the file's {} people who need a seat fit. {}",
                plan.name(),
                if matches!(plan, crate::model::Plan::Seats { .. }) {
                    "dialer seats"
                } else {
                    "users"
                },
                seats_before,
                fit.min(seat_lines),
                seat_lines,
                capitalized(plan.how_to_raise()),
            );
            for &ix in &no_seat {
                lines[ix].reason = Some(reason.clone());
            }
        }
        let mut summary = ImportSummary {
            seat_limit: limit,
            seats_before,
            seats_after: seats,
            ..ImportSummary::default()
        };
        summary.count(&lines);
        Ok(Checked {
            lines,
            summary,
            events,
        })
    }

    fn capitalized(text: &str) -> String {
        let mut chars = text.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    }

    struct Planned {
        email: Email,
        name: Name,
        number: Option<E164>,
        role: RoleRef,
        node: NodeId,
    }

    fn input(reason: impl Into<String>) -> Refusal {
        Refusal {
            rule: Rule::Input,
            reason: reason.into(),
        }
    }

    /// The line parsed: its address, name, number, role and node, or the first thing wrong.
    fn plan_row(
        snapshot: &Snapshot,
        row: &Row,
        choices: &Choices<'_>,
        default_role: Option<&Result<RoleRef, Refusal>>,
        default_node: Option<&Result<NodeId, Refusal>>,
    ) -> Result<Planned, Refusal> {
        if let Some(shape) = &row.shape {
            return Err(input(shape.clone()));
        }
        let email = Email::parse(&row.email).map_err(|e| {
            input(match e {
                EmailError::Empty => "This line has no e-mail address.".to_owned(),
                EmailError::TooLong => "This e-mail address is too long.".to_owned(),
                EmailError::Malformed => format!(
                    "\"{}\" is not an e-mail address; one looks like name@example.com.",
                    row.email.trim()
                ),
            })
        })?;
        let full = [row.first_name.trim(), row.last_name.trim()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if full.is_empty() {
            return Err(input("This line has no name."));
        }
        let name = Name::parse(&full).map_err(|e| input(format!("The name: {e}.")))?;
        let number = match row.number.trim() {
            "" => None,
            written => Some(parse_phone(written, choices.country).map_err(input)?),
        };
        let role = if choices.mode == Mode::NotificationOnly {
            RoleRef::Builtin(BuiltinRole::Notification)
        } else if !row.role.trim().is_empty() {
            resolve_role(snapshot, &row.role)?
        } else {
            match default_role {
                Some(role) => role.clone()?,
                None => {
                    return Err(input(
                        "This line has no role; choose one for everyone or add a role column.",
                    ));
                }
            }
        };
        let node = if !row.node.trim().is_empty() {
            resolve_node(snapshot, &row.node)?
        } else {
            match default_node {
                Some(node) => node.clone()?,
                None => {
                    return Err(input(
                        "This line has no account; choose one for everyone or add an account column.",
                    ));
                }
            }
        };
        Ok(Planned {
            email,
            name,
            number,
            role,
            node,
        })
    }

    /// A role by its name (any case) or a custom role's id.
    fn resolve_role(snapshot: &Snapshot, written: &str) -> Result<RoleRef, Refusal> {
        let written = written.trim();
        if let Some(builtin) = BuiltinRole::ALL
            .iter()
            .find(|b| b.name().eq_ignore_ascii_case(written))
        {
            return Ok(RoleRef::Builtin(*builtin));
        }
        snapshot
            .custom_roles()
            .find(|r| r.id.0 == written || r.name.eq_ignore_ascii_case(written))
            .map(|r| RoleRef::Custom(r.id.clone()))
            .ok_or_else(|| input(format!("There is no role named \"{written}\".")))
    }

    /// A node by its id or its name (any case); a name two nodes share must be given as an id.
    fn resolve_node(snapshot: &Snapshot, written: &str) -> Result<NodeId, Refusal> {
        let written = written.trim();
        let id = NodeId(written.to_owned());
        if snapshot.node(&id).is_some() {
            return Ok(id);
        }
        let mut named = snapshot
            .nodes()
            .filter(|n| n.name.eq_ignore_ascii_case(written));
        match (named.next(), named.next()) {
            (Some(node), None) => Ok(node.id.clone()),
            (Some(_), Some(_)) => Err(input(format!(
                "More than one account is named \"{written}\"; write its id instead."
            ))),
            (None, _) => Err(input(format!("There is no account named \"{written}\"."))),
        }
    }

    /// The single add's decisions for one line, applied to `work` when they pass.
    fn decide_row(
        work: &mut Snapshot,
        actor: &UserId,
        now: Millis,
        planned: Planned,
        user: &UserId,
        grant: crate::GrantId,
        choices: &Choices<'_>,
    ) -> Result<Vec<Event>, Refusal> {
        let mut commands = vec![match choices.mode {
            Mode::Invite => Command::Invite {
                user: user.clone(),
                grant,
                email: planned.email,
                name: planned.name,
                role: planned.role,
                node: planned.node,
            },
            Mode::NotificationOnly => Command::AddNotificationUser {
                user: user.clone(),
                grant,
                email: planned.email,
                name: planned.name,
                node: planned.node,
            },
        }];
        if let Some(number) = planned.number {
            commands.push(Command::EditAgentSettings {
                user: user.clone(),
                settings: Box::new(AgentSettings {
                    receiving_number: Some(number),
                    default_country: choices.country.clone(),
                    ..AgentSettings::default()
                }),
            });
        }
        let mut events = Vec::new();
        for command in &commands {
            let decided = Decider {
                s: &*work,
                actor,
                now,
            }
            .decide_unseated(command);
            match decided {
                Ok(decided) => {
                    work.apply_all(&decided);
                    events.extend(decided);
                }
                Err(refusal) => {
                    // The first command may have added the person to `work`.
                    work.forget_newest_user(user);
                    return Err(refusal);
                }
            }
        }
        Ok(events)
    }
}
