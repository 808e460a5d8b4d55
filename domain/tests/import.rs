//! Bulk add: reading files of every shape people send, and checking each line with the rules
//! a single add applies (R10, R11, R16, R21, R30–R31).
#![cfg(feature = "import")]

use domain::access::BuiltinRole as R;
use domain::api::ImportLine;
use domain::import::{self, Choices, FileProblem, Mode, Outcome, Row, check, parse_phone, read};
use domain::{
    Agency, Country, Event, Grant, Millis, Node, NodeId, NodeKind, Plan, RoleRef, Rule, Snapshot,
    User, UserId, UserState,
};

const NOW: Millis = 1_800_000_000_000;

fn snapshot(plan: Plan) -> Snapshot {
    let node = |id: &str, parent: Option<&str>, kind| Node {
        id: id.into(),
        parent: parent.map(NodeId::from),
        kind,
        name: match id {
            "harbor" => "Harbor Dental".to_owned(),
            other => other.to_owned(),
        },
    };
    let nodes = vec![
        node("agency", None, NodeKind::Agency),
        node("acme", Some("agency"), NodeKind::Account),
        node("harbor", Some("agency"), NodeKind::Account),
        node("pier", Some("harbor"), NodeKind::Location),
    ];
    let person = |id: &str| {
        User::new(
            UserId(id.to_owned()),
            &format!("{id}@example.com"),
            id,
            UserState::Active,
        )
    };
    let grant = |id: &str, user: &str, role: R, node: &str| Grant {
        id: id.into(),
        user: UserId(user.to_owned()),
        role: RoleRef::Builtin(role),
        node: node.into(),
        starts_at: None,
        ends_at: None,
    };
    let agency = Agency::new("ag", "Brightline", plan, UserId("avery".into()), 1_500);
    Snapshot::build(
        agency,
        nodes,
        vec![person("avery"), person("casey"), person("kai")],
        Vec::new(),
        vec![
            grant("g_avery", "avery", R::AgencyAdministrator, "agency"),
            grant("g_casey", "casey", R::Manager, "harbor"),
            grant("g_kai", "kai", R::Agent, "pier"),
        ],
    )
    .expect("a consistent agency")
}

fn team() -> Snapshot {
    snapshot(Plan::Team {
        seat_override: None,
    })
}

fn rows(text: &str) -> Vec<Row> {
    read(text).expect("a readable file").rows
}

fn choices<'a>(import: &'a str, country: &'a Country) -> Choices<'a> {
    Choices {
        import,
        mode: Mode::Invite,
        role: Some("Agent"),
        node: Some("pier"),
        country,
    }
}

fn checked(s: &Snapshot, actor: &str, text: &str) -> Vec<ImportLine> {
    let us = Country::default();
    check(
        s,
        &UserId(actor.into()),
        &rows(text),
        &choices("imp1", &us),
        NOW,
    )
    .expect("an active actor")
    .lines
}

/// Avery's check of `text` on `s` as the import `import`.
fn check_as_avery(s: &Snapshot, import: &str, text: &str) -> import::Checked {
    let us = Country::default();
    check(
        s,
        &UserId("avery".into()),
        &rows(text),
        &choices(import, &us),
        NOW,
    )
    .expect("an active actor")
}

fn outcomes(lines: &[ImportLine]) -> Vec<Outcome> {
    lines.iter().map(|l| l.outcome).collect()
}

#[test]
fn a_header_row_names_the_columns_in_any_order_and_case() {
    let sheet = read("Last Name,E-mail,First name\nRíos,ana@example.com,Ana\n").unwrap();
    assert!(sheet.header);
    assert_eq!(sheet.rows.len(), 1);
    let row = &sheet.rows[0];
    assert_eq!(
        (
            row.email.as_str(),
            row.first_name.as_str(),
            row.last_name.as_str()
        ),
        ("ana@example.com", "Ana", "Ríos")
    );
    assert_eq!(row.line, 2);
}

#[test]
fn quotes_bom_crlf_blank_lines_and_spaces_are_read_as_people_write_them() {
    let text = "\u{feff}ana@example.com, Ana ,\"Ríos, Jr.\"\r\n\r\n   \r\n\
                bo@example.com,\"Bo \"\"the boss\"\"\",Ek,\"(415) 555-0199\"\r\n";
    let sheet = read(text).unwrap();
    assert!(!sheet.header);
    assert_eq!(sheet.rows.len(), 2);
    assert_eq!(sheet.rows[0].first_name, "Ana");
    assert_eq!(sheet.rows[0].last_name, "Ríos, Jr.");
    assert_eq!(sheet.rows[1].first_name, "Bo \"the boss\"");
    assert_eq!(sheet.rows[1].number, "(415) 555-0199");
    assert_eq!(sheet.rows[1].line, 4, "blank lines still count as lines");
    assert_eq!(sheet.rows[0].shape, None);
}

#[test]
fn too_few_or_too_many_fields_are_the_line_s_problem_not_the_file_s() {
    let sheet =
        read("ana@example.com,Ana\r\n\r\nbo@example.com,Bo,Ek,,,,,x\r\n\n\nc@x.com,C,D\n").unwrap();
    let lines: Vec<u32> = sheet.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [1, 3, 6]);
    let shapes: Vec<_> = sheet.rows.iter().map(|r| r.shape.clone()).collect();
    assert!(shapes[0].as_deref().unwrap().contains("2 fields"));
    assert!(shapes[1].as_deref().unwrap().contains("8 fields"));
}

#[test]
fn files_that_are_not_lists_of_people_say_so() {
    assert_eq!(read(""), Err(FileProblem::Empty));
    assert_eq!(read("\r\n\n  \n"), Err(FileProblem::Empty));
    assert_eq!(
        read("\u{89}PNG\r\n\u{1a}\n\0\0\0\rIHDR"),
        Err(FileProblem::NotText)
    );
    assert_eq!(read("name,\u{fffd}\u{fffd}\n"), Err(FileProblem::NotText));
    assert_eq!(
        read("email,first name,shoe size\n"),
        Err(FileProblem::UnknownColumn("shoe size".into()))
    );
    assert_eq!(
        read("first name,last name\nAna,Ríos\n"),
        Err(FileProblem::NoEmailColumn)
    );
    let big = "a".repeat(import::MAX_BYTES + 1);
    assert_eq!(read(&big), Err(FileProblem::TooLarge));
}

#[test]
fn ten_thousand_lines_are_read_and_one_more_is_refused_with_the_count() {
    let mut text: String = (0..10_000)
        .map(|i| format!("p{i}@example.com,P,{i}\n"))
        .collect();
    assert_eq!(read(&text).unwrap().rows.len(), 10_000);
    text.push_str("late@example.com,Late,Comer\n");
    assert_eq!(read(&text), Err(FileProblem::TooManyLines(10_001)));
}

#[test]
fn a_file_of_one_long_line_is_one_refused_line() {
    let text = "x".repeat(import::MAX_BYTES - 10);
    let sheet = read(&text).unwrap();
    assert_eq!(sheet.rows.len(), 1);
    assert!(sheet.rows[0].email.len() <= import::MAX_FIELD);
    assert!(sheet.rows[0].shape.is_some());
    let lines = checked(&team(), "avery", &text);
    assert_eq!(outcomes(&lines), [Outcome::Problem]);
}

#[test]
fn national_numbers_read_with_the_country_and_invalid_ones_are_refused() {
    let us = Country::default();
    let gb = Country::parse("GB").unwrap();
    assert_eq!(
        parse_phone("(415) 555-0199", &us).unwrap().as_str(),
        "+14155550199"
    );
    assert_eq!(
        parse_phone("020 7946 0958", &gb).unwrap().as_str(),
        "+442079460958"
    );
    assert_eq!(
        parse_phone("+44 20 7946 0958", &us).unwrap().as_str(),
        "+442079460958"
    );
    assert!(
        parse_phone("555-0199", &us).is_err(),
        "too short for the US"
    );
    assert!(parse_phone("(415) 555-01999", &us).is_err(), "too long");
    assert!(
        parse_phone("+1 (099) 555-0199", &us).is_err(),
        "no area code 099"
    );
    assert!(parse_phone("call me", &us).is_err());
}

#[test]
fn each_line_says_what_is_wrong_with_it_in_words() {
    let text = "ana@example.com,Ana,Ríos,(415) 555-0199\n\
                not-an-address,Bo,Ek\n\
                cy@example.com,,\n\
                ANA@example.com,Ana,Again\n\
                kai@example.com,Kai,Again\n\
                dee@example.com,Dee,Ek,555\n\
                eve@example.com,Eve,Ek,,Wizard\n\
                fay@example.com,Fay,Ek,,,Nowhere\n";
    let lines = checked(&team(), "avery", text);
    assert_eq!(
        outcomes(&lines),
        [
            Outcome::Ready,
            Outcome::Problem,
            Outcome::Problem,
            Outcome::Problem,
            Outcome::AlreadyMember,
            Outcome::Problem,
            Outcome::Problem,
            Outcome::Problem,
        ]
    );
    let reason = |i: usize| lines[i].reason.clone().unwrap_or_default();
    assert!(reason(1).contains("not an e-mail address"), "{}", reason(1));
    assert!(reason(2).contains("no name"), "{}", reason(2));
    assert!(
        reason(3).contains("same address is on line 1"),
        "{}",
        reason(3)
    );
    assert!(
        reason(4).contains("already has this address"),
        "{}",
        reason(4)
    );
    assert!(
        reason(5).contains("555 is not a valid number"),
        "{}",
        reason(5)
    );
    assert!(reason(6).contains("no role named"), "{}", reason(6));
    assert!(reason(7).contains("no account named"), "{}", reason(7));
    for line in &lines {
        if let Some(reason) = &line.reason {
            assert!(
                !reason.contains("R1"),
                "rule codes stay out of words: {reason}"
            );
        }
    }
}

#[test]
fn r10_and_r11_a_manager_adds_only_where_they_manage_and_only_roles_they_hold() {
    // Casey manages Harbor Dental: they may add an Agent at Pier Street, not anyone at Acme,
    // and not an Administrator anywhere (R11: nobody gives more than they have).
    let text = "a@example.com,A,One,,Marketing Manager,pier\n\
                b@example.com,B,Two,,Marketing Manager,acme\n\
                c@example.com,C,Three,,Administrator,Harbor Dental\n";
    let lines = checked(&team(), "casey", text);
    assert_eq!(lines[0].reason, None);
    assert_eq!(
        outcomes(&lines),
        [Outcome::Ready, Outcome::Problem, Outcome::Problem]
    );
    assert_eq!(lines[1].rule, Some(Rule::R10));
    assert_eq!(lines[2].rule, Some(Rule::R11));
    // An Agent adds nobody.
    let lines = checked(&team(), "kai", "a@example.com,A,One\n");
    assert_eq!(lines[0].rule, Some(Rule::R10));
}

#[test]
fn r30_seats_run_out_where_they_would_one_by_one_and_the_reason_says_how_many_fit() {
    // Solo allows two users; Avery, Casey and Kai already take three, so none fits.
    let lines = checked(&snapshot(Plan::Solo), "avery", "a@example.com,A,One\n");
    assert_eq!(lines[0].rule, Some(Rule::R30));
    // Team allows 25: 22 more fit, the 23rd and 24th do not; notification-only people take
    // no seat and always fit.
    let text: String = (0..24)
        .map(|i| format!("p{i}@example.com,P,{i}\n"))
        .collect();
    let us = Country::default();
    let checked = check(
        &team(),
        &UserId("avery".into()),
        &rows(&text),
        &choices("imp1", &us),
        NOW,
    )
    .unwrap();
    let ready = checked
        .lines
        .iter()
        .filter(|l| l.outcome == Outcome::Ready)
        .count();
    assert_eq!(ready, 22);
    assert_eq!(checked.lines[22].rule, Some(Rule::R30));
    let reason = checked.lines[23].reason.clone().unwrap();
    assert!(reason.contains("22 of the file's 24 people"), "{reason}");
    assert_eq!(checked.summary.seats_after, 25);
    let notify = Choices {
        mode: Mode::NotificationOnly,
        ..choices("imp2", &us)
    };
    let all = check(
        &snapshot(Plan::Solo),
        &UserId("avery".into()),
        &rows(&text),
        &notify,
        NOW,
    )
    .unwrap();
    assert_eq!(all.summary.ready, 24);
}

#[test]
fn r21_an_invited_line_is_the_events_of_a_single_invitation_with_its_number() {
    let checked = check_as_avery(&team(), "imp1", "ana@example.com,Ana,Ríos,(415) 555-0199\n");
    let (user, _) = import::ids_for("imp1", "ana@example.com");
    assert!(checked.events.iter().any(|e| matches!(e,
        Event::UserAdded { user: u } if u.id == user && u.state == UserState::Invited)));
    assert!(checked.events.iter().any(|e| matches!(e,
        Event::SettingsChanged { settings, .. }
            if settings.receiving_number.as_ref().map(|n| n.as_str()) == Some("+14155550199"))));
}

#[test]
fn the_same_import_sent_again_finds_whom_it_added_and_another_finds_members() {
    let text = "ana@example.com,Ana,Ríos\nbo@example.com,Bo,Ek\n";
    let mut s = team();
    let first = check_as_avery(&s, "imp1", text);
    s.apply_all(&first.events);
    let again = check_as_avery(&s, "imp1", text);
    assert_eq!(outcomes(&again.lines), [Outcome::Added, Outcome::Added]);
    assert!(again.events.is_empty());
    let other = check_as_avery(&s, "imp2", text);
    assert_eq!(
        outcomes(&other.lines),
        [Outcome::AlreadyMember, Outcome::AlreadyMember]
    );
}

#[test]
fn written_csv_reads_back_the_same() {
    let fields = ["a,b", "say \"hi\"", " padded ", "plain", "two\nlines"];
    let line = import::csv_line(fields);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes());
    let record = reader.records().next().unwrap().unwrap();
    assert_eq!(record.iter().collect::<Vec<_>>(), fields);
    // A formula is written as text; a phone number stays a phone number.
    assert_eq!(
        import::csv_field("=HYPERLINK(\"x\")"),
        "\"'=HYPERLINK(\"\"x\"\")\""
    );
    assert_eq!(import::csv_field("+1 (415) 555-0199"), "+1 (415) 555-0199");
    assert_eq!(
        import::csv_field("+cmd|' /C calc'!A0"),
        "'+cmd|' /C calc'!A0"
    );
}

#[test]
fn duplicates_are_marked_before_a_file_is_checked_in_parts() {
    let mut rows = rows("a@example.com,A,One\nb@example.com,B,Two\nA@EXAMPLE.COM,A,Again\n");
    import::mark_duplicates(&mut rows);
    assert_eq!(rows[0].shape, None);
    assert_eq!(
        rows[2].shape.as_deref(),
        Some("The same address is on line 1.")
    );
    let needs = import::needs(&rows, "imp1");
    assert_eq!(needs.emails.len(), 2);
    assert!(
        needs
            .users
            .contains(&import::ids_for("imp1", "a@example.com").0)
    );
}
