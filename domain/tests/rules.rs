//! One test or more per rule of PRODUCT.md, each showing the allowed and the refused side.

use domain::access::{BuiltinRole as R, Capability as C, CapabilitySet};
use domain::{
    Agency, AgentSettings, Availability, Command, DAY, E164, Email, Event, Explanation, Grant,
    Millis, Missing, Name, Node, NodeId, NodeKind, Password, Plan, Record, RecordKind, RoleRef,
    Rule, Snapshot, Subject, TimeZone, User, UserId, UserState, WeeklyHours, apply_audited, decide,
};

const NOW: Millis = 1_800_000_000_000;

fn node(id: &str, parent: Option<&str>, kind: NodeKind) -> Node {
    Node {
        id: id.into(),
        parent: parent.map(NodeId::from),
        kind,
        name: id.to_owned(),
    }
}

fn uid(id: &str) -> UserId {
    UserId(id.to_owned())
}

fn grant(id: &str, user: &str, role: R, node: &str) -> Grant {
    Grant {
        id: id.into(),
        user: uid(user),
        role: RoleRef::Builtin(role),
        node: node.into(),
        starts_at: None,
        ends_at: None,
    }
}

fn person(id: &str, state: UserState) -> User {
    User::new(uid(id), &format!("{id}@example.com"), id, state)
}

/// Brightline again: an agency, three accounts, a group, locations, people in many roles.
fn agency_with(plan: Plan, extra_users: Vec<User>, extra_grants: Vec<Grant>) -> Snapshot {
    let nodes = vec![
        node("agency", None, NodeKind::Agency),
        node("acme", Some("agency"), NodeKind::Account),
        node("acme_dt", Some("acme"), NodeKind::Location),
        node("acme_ns", Some("acme"), NodeKind::Location),
        node("harbor", Some("agency"), NodeKind::Account),
        node("harbor_east", Some("harbor"), NodeKind::Group),
        node("pier", Some("harbor_east"), NodeKind::Location),
        node("bay", Some("harbor_east"), NodeKind::Location),
        node("summit", Some("agency"), NodeKind::Account),
    ];
    let mut parker = person("parker", UserState::Invited);
    parker.invitation_expires_at = Some(NOW + 7 * DAY);
    let mut users = vec![
        person("avery", UserState::Active),
        person("blake", UserState::Active),
        person("casey", UserState::Active),
        person("dana", UserState::Active),
        person("eli", UserState::NotificationOnly),
        person("kai", UserState::Active),
        person("lee", UserState::Suspended),
        person("noor", UserState::Active),
        parker,
    ];
    users.extend(extra_users);
    let mut grants = vec![
        grant("g_avery", "avery", R::AgencyAdministrator, "agency"),
        grant("g_blake", "blake", R::Administrator, "acme"),
        grant("g_casey", "casey", R::Manager, "harbor"),
        grant("g_dana", "dana", R::Reporting, "agency"),
        grant("g_eli", "eli", R::Notification, "acme"),
        grant("g_kai", "kai", R::Agent, "pier"),
        grant("g_lee", "lee", R::Agent, "acme_dt"),
        grant("g_noor_v", "noor", R::Viewer, "summit"),
        grant("g_noor_r", "noor", R::Reporting, "acme"),
        grant("g_parker", "parker", R::Agent, "acme_ns"),
    ];
    grants.extend(extra_grants);
    let mut agency = Agency::new("ag", "Brightline", plan, uid("avery"), 1_500);
    agency.agent_groups = vec!["Inbound sales".to_owned()];
    Snapshot::build(agency, nodes, users, Vec::new(), grants).expect("a consistent agency")
}

fn agency() -> Snapshot {
    agency_with(
        Plan::Team {
            seat_override: None,
        },
        vec![],
        vec![],
    )
}

fn refused(s: &Snapshot, actor: &str, command: Command) -> Rule {
    match decide(s, &uid(actor), &command, NOW) {
        Err(refusal) => {
            assert!(!refusal.reason.is_empty());
            refusal.rule
        }
        Ok(events) => panic!("expected a refusal, got {events:?}"),
    }
}

fn allowed(s: &mut Snapshot, actor: &str, command: Command) -> Vec<Event> {
    let events = decide(s, &uid(actor), &command, NOW).unwrap_or_else(|r| panic!("refused: {r}"));
    s.apply_all(&events);
    events
}

fn suspend(user: &str) -> Command {
    Command::Suspend { user: uid(user) }
}

fn give(id: &str, user: &str, role: R, node: &str) -> Command {
    Command::Grant {
        grant: id.into(),
        user: uid(user),
        role: RoleRef::Builtin(role),
        node: node.into(),
        starts_at: None,
        ends_at: None,
    }
}

fn change(grant: &str, role: R) -> Command {
    Command::ChangeRole {
        grant: grant.into(),
        role: RoleRef::Builtin(role),
    }
}

fn invite(user: &str, role: R, node: &str) -> Command {
    Command::Invite {
        user: uid(user),
        grant: format!("g_{user}").as_str().into(),
        email: Email::parse(&format!("{user}@example.com")).unwrap(),
        name: Name::parse(user).unwrap(),
        role: RoleRef::Builtin(role),
        node: node.into(),
    }
}

fn define(id: &str, caps: CapabilitySet) -> Command {
    Command::DefineRole {
        role: id.into(),
        name: Name::parse(id).unwrap(),
        capabilities: caps,
    }
}

// R1

#[test]
fn r1_a_grant_reaches_its_node_and_everything_below() {
    let s = agency();
    assert!(s.can(&uid("casey"), C::UsersView, &"harbor".into(), NOW));
    assert!(
        s.can(&uid("casey"), C::UsersView, &"pier".into(), NOW),
        "two levels below"
    );
}

#[test]
fn r1_a_grant_does_not_reach_above_or_beside_its_node() {
    let s = agency();
    assert!(
        !s.can(&uid("casey"), C::UsersView, &"agency".into(), NOW),
        "above"
    );
    assert!(
        !s.can(&uid("casey"), C::UsersView, &"acme".into(), NOW),
        "beside"
    );
    assert!(
        !s.can(&uid("kai"), C::CallsMake, &"bay".into(), NOW),
        "a sibling location"
    );
}

// R2

#[test]
fn r2_ids_of_another_agency_read_as_ids_that_never_existed() {
    let s = agency();
    assert_eq!(
        refused(&s, "avery", suspend("quinn_of_northwind")),
        Rule::R2
    );
    assert_eq!(
        refused(&s, "avery", give("g", "kai", R::Agent, "rival_roofing")),
        Rule::R2
    );
    assert_eq!(
        refused(
            &s,
            "avery",
            Command::Revoke {
                grant: "g_of_northwind".into()
            }
        ),
        Rule::R2
    );
    assert!(!s.can(&uid("avery"), C::UsersView, &"rival_roofing".into(), NOW));
    assert!(!s.can(
        &uid("quinn_of_northwind"),
        C::UsersView,
        &"agency".into(),
        NOW
    ));
}

#[test]
fn r2_known_ids_are_decided_on_their_merits() {
    let mut s = agency();
    allowed(&mut s, "avery", suspend("kai"));
}

// R3

#[test]
fn r3_several_roles_at_several_nodes_add_up_where_they_overlap() {
    let s = agency_with(
        Plan::Unlimited,
        vec![],
        vec![grant("g_db", "dana", R::Billing, "acme")],
    );
    let at_acme = s.capabilities_at(&uid("dana"), &"acme_dt".into(), NOW);
    assert!(
        at_acme.contains(C::ReportsView),
        "Reporting from the agency node"
    );
    assert!(at_acme.contains(C::BillingManage), "Billing from acme");
    let at_harbor = s.capabilities_at(&uid("dana"), &"harbor".into(), NOW);
    assert!(at_harbor.contains(C::ReportsView));
    assert!(
        !at_harbor.contains(C::BillingManage),
        "Billing does not reach harbor"
    );
}

#[test]
fn r3_two_roles_in_two_companies_stay_apart() {
    let s = agency();
    assert!(
        s.can(&uid("noor"), C::CallsListen, &"acme".into(), NOW),
        "Reporting in acme"
    );
    assert!(
        !s.can(&uid("noor"), C::CallsListen, &"summit".into(), NOW),
        "Viewer in summit"
    );
    assert!(s.can(&uid("noor"), C::NumbersView, &"summit".into(), NOW));
}

// R4

#[test]
fn r4_the_contact_edit_switch_grants_contacts_edit_where_the_person_works() {
    let mut s = agency();
    assert!(!s.can(&uid("kai"), C::ContactsEdit, &"pier".into(), NOW));
    let on = Command::SetSwitches {
        user: uid("kai"),
        calling_enabled: None,
        contact_edit: Some(true),
    };
    allowed(&mut s, "avery", on);
    assert!(s.can(&uid("kai"), C::ContactsEdit, &"pier".into(), NOW));
    assert!(
        !s.can(&uid("kai"), C::ContactsEdit, &"acme".into(), NOW),
        "only where kai works"
    );
}

#[test]
fn r4_calling_off_drops_calls_make_and_a_manager_cannot_hand_out_contact_edit() {
    let mut s = agency();
    let off = Command::SetSwitches {
        user: uid("avery"),
        calling_enabled: Some(false),
        contact_edit: None,
    };
    allowed(&mut s, "avery", off);
    assert!(!s.can(&uid("avery"), C::CallsMake, &"acme".into(), NOW));
    assert!(
        s.can(&uid("avery"), C::CallsListen, &"acme".into(), NOW),
        "nothing else changes"
    );
    // The switch is a grant of contacts.edit, so R11 applies: a Manager lacks it.
    let on = Command::SetSwitches {
        user: uid("kai"),
        calling_enabled: None,
        contact_edit: Some(true),
    };
    assert_eq!(refused(&s, "casey", on), Rule::R11);
}

// R10

#[test]
fn r10_a_manager_acts_on_people_inside_the_companies_assigned_to_them() {
    let mut s = agency();
    allowed(&mut s, "casey", suspend("kai"));
    assert_eq!(s.user(&uid("kai")).unwrap().state, UserState::Suspended);
}

#[test]
fn r10_a_manager_cannot_act_on_someone_who_also_works_elsewhere() {
    let mut s = agency_with(
        Plan::Unlimited,
        vec![person("rio", UserState::Active)],
        vec![
            grant("g_rio_pier", "rio", R::Reporting, "pier"),
            grant("g_rio_acme", "rio", R::Reporting, "acme_dt"),
        ],
    );
    assert_eq!(refused(&s, "casey", suspend("rio")), Rule::R10);
    assert_eq!(
        refused(&s, "casey", suspend("noor")),
        Rule::R10,
        "entirely outside"
    );
    // Outside that reach, only the grants inside the manager's own reach can be removed.
    assert_eq!(
        refused(
            &s,
            "casey",
            Command::Revoke {
                grant: "g_rio_acme".into()
            }
        ),
        Rule::R10
    );
    allowed(
        &mut s,
        "casey",
        Command::Revoke {
            grant: "g_rio_pier".into(),
        },
    );
    assert!(
        s.can(&uid("rio"), C::ReportsView, &"acme_dt".into(), NOW),
        "acme grant untouched"
    );
    assert!(!s.can(&uid("rio"), C::ReportsView, &"pier".into(), NOW));
}

#[test]
fn r10_r11_nobody_takes_away_a_role_they_could_not_have_given() {
    // A Manager cannot hand out Agent (no calls.make), so cannot take it away either.
    let s = agency();
    assert_eq!(
        refused(
            &s,
            "casey",
            Command::Revoke {
                grant: "g_kai".into()
            }
        ),
        Rule::R11
    );
}

// R11

#[test]
fn r11_a_manager_can_make_reporting_users_and_managers_in_its_companies() {
    let mut s = agency();
    allowed(&mut s, "casey", give("g1", "noor", R::Reporting, "harbor"));
    allowed(&mut s, "casey", give("g2", "dana", R::Manager, "bay"));
}

#[test]
fn r11_a_manager_can_never_make_administrators() {
    let s = agency();
    assert_eq!(
        refused(&s, "casey", give("g1", "noor", R::Administrator, "harbor")),
        Rule::R11
    );
    assert_eq!(
        refused(&s, "casey", invite("zed", R::Administrator, "harbor")),
        Rule::R11
    );
}

// R12

#[test]
fn r12_nobody_changes_their_own_roles_suspends_or_deletes_themself() {
    let s = agency();
    assert_eq!(refused(&s, "avery", suspend("avery")), Rule::R12);
    let delete_self = Command::Delete {
        user: uid("avery"),
        reassign_to: None,
    };
    assert_eq!(refused(&s, "avery", delete_self), Rule::R12);
    assert_eq!(
        refused(&s, "blake", change("g_blake", R::Manager)),
        Rule::R12
    );
    assert_eq!(
        refused(&s, "blake", give("g9", "blake", R::Billing, "acme")),
        Rule::R12
    );
}

#[test]
fn r12_others_may_do_those_things() {
    let mut s = agency();
    allowed(&mut s, "avery", change("g_blake", R::Manager));
    allowed(&mut s, "avery", suspend("blake"));
}

// R13

#[test]
fn r13_demotion_is_one_step() {
    let mut s = agency();
    assert!(s.can(&uid("blake"), C::BillingManage, &"acme".into(), NOW));
    allowed(&mut s, "avery", change("g_blake", R::Reporting));
    assert!(!s.can(&uid("blake"), C::BillingManage, &"acme".into(), NOW));
    assert!(s.can(&uid("blake"), C::ReportsView, &"acme".into(), NOW));
}

#[test]
fn r13_demotion_has_the_same_checks_as_promotion() {
    let s = agency_with(
        Plan::Unlimited,
        vec![person("hal", UserState::Active)],
        vec![grant("g_hal", "hal", R::Administrator, "harbor")],
    );
    // Casey (Manager) does not hold all an Administrator holds, so cannot take it away.
    assert_eq!(
        refused(&s, "casey", change("g_hal", R::Reporting)),
        Rule::R11
    );
}

// R14

/// Olive holds every capability through a custom role, but is no Administrator.
fn with_olive() -> Snapshot {
    let mut s = agency();
    allowed(&mut s, "avery", define("ops", CapabilitySet::all()));
    s.apply(&Event::UserAdded {
        user: person("olive", UserState::Active),
    });
    s.apply(&Event::Granted {
        grant: Grant {
            id: "g_olive".into(),
            user: uid("olive"),
            role: RoleRef::Custom("ops".into()),
            node: "agency".into(),
            starts_at: None,
            ends_at: None,
        },
    });
    s
}

#[test]
fn r14_the_last_administrator_cannot_be_demoted_suspended_or_deleted() {
    let s = with_olive();
    assert_eq!(s.top_administrators(NOW), vec![&uid("avery")]);
    assert_eq!(refused(&s, "olive", suspend("avery")), Rule::R14);
    assert_eq!(
        refused(&s, "olive", change("g_avery", R::Manager)),
        Rule::R14
    );
    assert_eq!(
        refused(
            &s,
            "olive",
            Command::Revoke {
                grant: "g_avery".into()
            }
        ),
        Rule::R14
    );
    let delete = Command::Delete {
        user: uid("avery"),
        reassign_to: None,
    };
    assert_eq!(refused(&s, "olive", delete), Rule::R14);
}

#[test]
fn r14_with_a_second_administrator_the_first_can_be_demoted() {
    let mut s = agency_with(
        Plan::Unlimited,
        vec![person("zoe", UserState::Active)],
        vec![grant("g_zoe", "zoe", R::Administrator, "agency")],
    );
    allowed(&mut s, "zoe", change("g_avery", R::Manager));
    assert_eq!(s.top_administrators(NOW), vec![&uid("zoe")]);
}

// R15

fn create(id: &str, parent: &str) -> Command {
    Command::CreateNode {
        node: id.into(),
        parent: parent.into(),
        kind: NodeKind::Location,
        name: Name::parse(id).unwrap(),
    }
}

#[test]
fn r15_accounts_create_at_a_node_creates_below_it() {
    let mut s = agency();
    allowed(&mut s, "blake", create("acme_west", "acme"));
    assert!(s.is_within(&"acme_west".into(), &"acme".into()));
    assert!(
        s.can(&uid("blake"), C::UsersInvite, &"acme_west".into(), NOW),
        "R1 reaches new nodes"
    );
    allowed(
        &mut s,
        "blake",
        Command::DeleteNode {
            node: "acme_west".into(),
        },
    );
    assert!(s.node(&"acme_west".into()).is_none());
}

/// A node's id is a step of its path, and "inside" is a prefix of paths: an id holding a '/'
/// would make a node at the top look like one inside Acme (R1). New ids of every kind are
/// letters, digits, '-' and '_', whoever asks.
#[test]
fn r1_r15_a_new_id_is_letters_digits_dashes_and_underscores() {
    let s = agency();
    let create = |id: &str, parent: &str| Command::CreateNode {
        node: id.into(),
        parent: parent.into(),
        kind: NodeKind::Location,
        name: Name::parse("West").unwrap(),
    };
    let a = "a".repeat(domain::command::MAX_ID);
    for bad in [
        "acme/west",
        "",
        "acme west",
        "acme\"west",
        "ácme",
        &format!("{a}a"),
    ] {
        assert_eq!(
            refused(&s, "avery", create(bad, "agency")),
            Rule::Input,
            "{bad:?}"
        );
        assert_eq!(
            refused(&s, "avery", give(bad, "blake", R::Viewer, "acme")),
            Rule::Input,
            "{bad:?}"
        );
    }
    let mut s = s;
    allowed(&mut s, "avery", create(&a, "agency"));
    allowed(&mut s, "avery", create("Acme-West_2", "acme"));
}

#[test]
fn r15_an_administrator_below_the_agency_neither_adds_nor_removes_agency_level_accounts() {
    let s = agency();
    assert_eq!(
        refused(&s, "casey", create("pier_2", "harbor")),
        Rule::R15,
        "no accounts.create"
    );
    assert_eq!(refused(&s, "blake", create("rival", "agency")), Rule::R15);
    assert_eq!(
        refused(
            &s,
            "blake",
            Command::DeleteNode {
                node: "summit".into()
            }
        ),
        Rule::R15
    );
    assert_eq!(
        refused(
            &s,
            "avery",
            Command::DeleteNode {
                node: "acme".into()
            }
        ),
        Rule::Conflict
    );
}

#[test]
fn r15_inviting_an_existing_user_into_another_account_is_a_grant() {
    let mut s = agency();
    allowed(
        &mut s,
        "avery",
        give("g_kai_summit", "kai", R::Agent, "summit"),
    );
    assert!(s.can(&uid("kai"), C::CallsMake, &"summit".into(), NOW));
}

// R16

#[test]
fn r16_a_notification_user_gets_a_role_with_login_only_by_invitation() {
    let mut s = agency();
    assert_eq!(
        refused(&s, "avery", give("g1", "eli", R::Reporting, "acme")),
        Rule::R16
    );
    assert_eq!(
        refused(&s, "avery", change("g_eli", R::Reporting)),
        Rule::R16
    );
    allowed(
        &mut s,
        "avery",
        give("g2", "eli", R::Notification, "harbor"),
    );
    let promote = Command::Invite {
        user: uid("eli"),
        grant: "g_eli_reporting".into(),
        email: Email::parse("eli@example.com").unwrap(),
        name: Name::parse("eli").unwrap(),
        role: RoleRef::Builtin(R::Reporting),
        node: "acme".into(),
    };
    allowed(&mut s, "avery", promote);
    assert_eq!(s.user(&uid("eli")).unwrap().state, UserState::Invited);
}

// R20

#[test]
fn r20_custom_roles_are_capability_sets_and_editing_one_changes_every_holder() {
    let mut s = agency();
    let caps = CapabilitySet::of(&[C::Login, C::CallsViewAll]);
    allowed(&mut s, "avery", define("listener", caps));
    let hand_out = Command::Grant {
        grant: "g_l1".into(),
        user: uid("kai"),
        role: RoleRef::Custom("listener".into()),
        node: "acme".into(),
        starts_at: None,
        ends_at: None,
    };
    allowed(&mut s, "avery", hand_out);
    assert!(!s.can(&uid("kai"), C::CallsListen, &"acme".into(), NOW));
    let edit = Command::EditRole {
        role: "listener".into(),
        name: Name::parse("listener").unwrap(),
        capabilities: caps.with(C::CallsListen),
    };
    allowed(&mut s, "avery", edit);
    assert!(
        s.can(&uid("kai"), C::CallsListen, &"acme".into(), NOW),
        "every holder at once"
    );
}

#[test]
fn r20_defining_and_editing_roles_is_subject_to_r11() {
    let s = agency();
    assert_eq!(
        refused(&s, "casey", define("r", CapabilitySet::of(&[C::Login]))),
        Rule::R20
    );
    let mut s = agency_with(
        Plan::Unlimited,
        vec![person("mo", UserState::Active)],
        vec![grant("g_mo", "mo", R::Manager, "agency")],
    );
    // Mo manages users agency-wide but holds no billing: cannot put billing in a role.
    assert_eq!(
        refused(
            &s,
            "mo",
            define("r", CapabilitySet::of(&[C::BillingManage]))
        ),
        Rule::R11
    );
    allowed(
        &mut s,
        "mo",
        define("r", CapabilitySet::of(&[C::Login, C::ReportsView])),
    );
}

// R21

#[test]
fn r21_an_invitation_holds_seven_days_and_accepting_activates() {
    let mut s = agency();
    allowed(&mut s, "avery", invite("zed", R::Agent, "acme"));
    let zed = s.user(&uid("zed")).unwrap();
    assert_eq!(zed.state, UserState::Invited);
    assert_eq!(zed.invitation_expires_at, Some(NOW + 7 * DAY));
    assert!(
        !s.can(&uid("zed"), C::CallsMake, &"acme".into(), NOW),
        "not before accepting"
    );
    allowed(
        &mut s,
        "zed",
        Command::AcceptInvitation { user: uid("zed") },
    );
    assert!(s.can(&uid("zed"), C::CallsMake, &"acme".into(), NOW));
}

#[test]
fn r21_an_expired_or_revoked_invitation_cannot_be_accepted_and_resend_renews_it() {
    let mut s = agency();
    allowed(&mut s, "avery", invite("zed", R::Agent, "acme"));
    let late = NOW + 7 * DAY;
    let accept = Command::AcceptInvitation { user: uid("zed") };
    assert_eq!(
        decide(&s, &uid("zed"), &accept, late).unwrap_err().rule,
        Rule::R21
    );
    let resend = Command::ResendInvitation { user: uid("zed") };
    let events = decide(&s, &uid("avery"), &resend, late).unwrap();
    s.apply_all(&events);
    assert!(
        decide(&s, &uid("zed"), &accept, late).is_ok(),
        "the new link holds"
    );
    allowed(
        &mut s,
        "avery",
        Command::RevokeInvitation { user: uid("zed") },
    );
    assert_eq!(refused(&s, "zed", accept), Rule::R21);
}

// R22

#[test]
fn r22_passwords_follow_the_rule() {
    assert!(Password::parse("Callaction1").is_ok());
    assert!(
        Password::parse("callaction1").is_err(),
        "no upper-case letter"
    );
    assert!(Password::parse("Callac1").is_err(), "too short");
    assert!(
        Password::parse(&format!("Aa1{}", "x".repeat(126))).is_err(),
        "too long"
    );
}

// R23

#[test]
fn r23_suspension_takes_everything_at_once_and_unsuspend_restores_it() {
    let mut s = agency();
    assert!(s.can(&uid("kai"), C::CallsMake, &"pier".into(), NOW));
    allowed(&mut s, "avery", suspend("kai"));
    assert!(!s.can(&uid("kai"), C::Login, &"pier".into(), NOW));
    assert!(!s.can(&uid("kai"), C::CallsMake, &"pier".into(), NOW));
    allowed(&mut s, "avery", Command::Unsuspend { user: uid("kai") });
    assert!(s.can(&uid("kai"), C::CallsMake, &"pier".into(), NOW));
}

#[test]
fn r23_a_suspended_person_can_change_nothing() {
    let s = agency_with(
        Plan::Unlimited,
        vec![person("sam", UserState::Suspended)],
        vec![grant("g_sam", "sam", R::AgencyAdministrator, "agency")],
    );
    assert_eq!(refused(&s, "sam", suspend("kai")), Rule::R23);
}

// R24

#[test]
fn r24_delete_removes_access_frees_the_seat_and_hands_over_the_work_in_one_step() {
    let mut s = agency();
    let seats = s.seats_used(NOW);
    let delete = Command::Delete {
        user: uid("kai"),
        reassign_to: Some(uid("noor")),
    };
    let events = allowed(&mut s, "avery", delete);
    assert!(events.contains(&Event::Reassigned {
        from: uid("kai"),
        to: uid("noor")
    }));
    assert!(!s.can(&uid("kai"), C::Login, &"pier".into(), NOW));
    assert_eq!(
        s.user(&uid("kai")).unwrap().name,
        "kai",
        "history keeps the name"
    );
    assert_eq!(s.seats_used(NOW), seats - 1);
}

#[test]
fn r24_work_goes_only_to_an_active_person() {
    let s = agency();
    let to_suspended = Command::Delete {
        user: uid("kai"),
        reassign_to: Some(uid("lee")),
    };
    assert_eq!(refused(&s, "avery", to_suspended), Rule::R24);
}

// R25

#[test]
fn r25_every_change_is_audited_with_who_what_when_before_and_after() {
    let mut s = agency();
    let events = decide(&s, &uid("avery"), &change("g_blake", R::Manager), NOW).unwrap();
    let entries = apply_audited(&mut s, &uid("avery"), &events, NOW);
    assert_eq!(entries.len(), events.len());
    let entry = &entries[0];
    assert_eq!(
        (entry.actor.0.as_str(), entry.at, entry.action.as_str()),
        ("avery", NOW, "role_changed")
    );
    let role = |subject: &Option<Subject>| match subject {
        Some(Subject::Grant { grant }) => grant.role.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(role(&entry.before), RoleRef::Builtin(R::Administrator));
    assert_eq!(role(&entry.after), RoleRef::Builtin(R::Manager));
}

#[test]
fn r25_a_refused_change_has_no_events_to_audit() {
    let s = agency();
    assert!(decide(&s, &uid("casey"), &suspend("avery"), NOW).is_err());
}

// R30

#[test]
fn r30_adding_past_the_plan_limit_is_refused_with_the_limit_and_how_to_raise_it() {
    let mut s = agency_with(Plan::Solo, vec![], vec![]);
    let refusal = decide(&s, &uid("avery"), &invite("zed", R::Agent, "acme"), NOW).unwrap_err();
    assert_eq!(refusal.rule, Rule::R30);
    assert!(refusal.reason.contains("allows 2"), "{}", refusal.reason);
    assert!(refusal.reason.contains("Team plan"), "{}", refusal.reason);
    assert!(s.user(&uid("zed")).is_none(), "nothing half-created");
    // Notification users never count, so they can still be added.
    let notify = Command::AddNotificationUser {
        user: uid("nia"),
        grant: "g_nia".into(),
        email: Email::parse("nia@example.com").unwrap(),
        name: Name::parse("Nia").unwrap(),
        node: "acme".into(),
    };
    allowed(&mut s, "avery", notify);
}

#[test]
fn r30_team_allows_25_unless_support_raised_it() {
    let extra: Vec<User> = (0..17)
        .map(|i| person(&format!("t{i}"), UserState::Active))
        .collect();
    let grants: Vec<Grant> = (0..17)
        .map(|i| grant(&format!("gt{i}"), &format!("t{i}"), R::Reporting, "acme"))
        .collect();
    let s = agency_with(
        Plan::Team {
            seat_override: None,
        },
        extra.clone(),
        grants.clone(),
    );
    assert_eq!(s.seats_used(NOW), 25);
    assert_eq!(
        refused(&s, "avery", invite("zed", R::Agent, "acme")),
        Rule::R30
    );
    let mut raised = agency_with(
        Plan::Team {
            seat_override: Some(30),
        },
        extra,
        grants,
    );
    allowed(&mut raised, "avery", invite("zed", R::Agent, "acme"));
}

#[test]
fn r30_only_support_raises_the_team_limit() {
    let mut s = agency();
    let team = |n| Command::ChangePlan {
        plan: Plan::Team {
            seat_override: Some(n),
        },
    };
    // The agency's own Agency Administrator is refused, and told how to ask.
    let refusal = decide(&s, &uid("avery"), &team(40), NOW).unwrap_err();
    assert_eq!(refusal.rule, Rule::R30);
    assert!(refusal.reason.contains("support"), "{}", refusal.reason);
    // Support, let in by the agency, raises it; the agency may then keep or lower it.
    allowed(
        &mut s,
        "avery",
        Command::GrantSupportAccess {
            user: uid("support"),
            grant: "g_support".into(),
            email: Email::parse("support@switchboard.example").unwrap(),
            reason: Name::parse("Raise the Team limit").unwrap(),
            until: NOW + DAY,
        },
    );
    allowed(&mut s, "support", team(40));
    allowed(&mut s, "avery", team(40));
    allowed(&mut s, "avery", team(30));
    assert_eq!(refused(&s, "avery", team(35)), Rule::R30);
}

#[test]
fn r30_a_plan_the_people_do_not_fit_is_refused() {
    let mut s = agency();
    let solo = Command::ChangePlan { plan: Plan::Solo };
    assert_eq!(refused(&s, "avery", solo), Rule::R30);
    allowed(
        &mut s,
        "avery",
        Command::ChangePlan {
            plan: Plan::Seats { seats: 10 },
        },
    );
    assert_eq!(s.agency().plan, Plan::Seats { seats: 10 });
    assert_eq!(
        refused(
            &s,
            "casey",
            Command::ChangePlan {
                plan: Plan::Unlimited
            }
        ),
        Rule::R30
    );
}

// R31

#[test]
fn r31_pending_invitations_count_notification_users_never_do() {
    let s = agency();
    // avery blake casey dana kai lee (suspended) noor parker (invited) = 8; eli does not count.
    assert_eq!(s.seats_used(NOW), 8);
    assert!(s.takes_seat(&uid("parker"), NOW));
    assert!(!s.takes_seat(&uid("eli"), NOW));
    assert!(
        !s.takes_seat(&uid("parker"), NOW + 7 * DAY),
        "an expired invitation frees its seat"
    );
}

#[test]
fn r31_on_seats_plans_only_people_who_dial_count() {
    let mut s = agency_with(Plan::Seats { seats: 4 }, vec![], vec![]);
    // Dialers: avery and blake (administrators), kai, lee, parker (agents).
    assert_eq!(s.seats_used(NOW), 5);
    assert!(!s.takes_seat(&uid("dana"), NOW), "Reporting does not dial");
    let off = Command::SetSwitches {
        user: uid("avery"),
        calling_enabled: Some(false),
        contact_edit: None,
    };
    allowed(&mut s, "avery", off);
    assert_eq!(
        s.seats_used(NOW),
        4,
        "switching the admin's calling off frees the dialer seat"
    );
    assert_eq!(
        refused(&s, "blake", give("g_da", "dana", R::Agent, "acme")),
        Rule::R30
    );
    allowed(
        &mut s,
        "blake",
        give("g_dr", "dana", R::ReportManager, "acme"),
    );
    // R4: the switch limits what avery does, not what avery may grant; what stops an agent
    // now is the seats, not avery's own calling.
    assert_eq!(
        refused(&s, "avery", give("g_da", "dana", R::Agent, "acme")),
        Rule::R30
    );
    assert!(!s.can(&uid("avery"), C::CallsMake, &"acme".into(), NOW));
}

#[test]
fn r4_an_administrator_with_calling_off_adds_agents_and_switches_it_back_on_seats_permitting() {
    // Seed 002: switch off your own calling, then add the agent.
    let mut s = agency_with(Plan::Seats { seats: 6 }, vec![], vec![]);
    let own = |on| Command::SetSwitches {
        user: uid("avery"),
        calling_enabled: Some(on),
        contact_edit: None,
    };
    allowed(&mut s, "avery", own(false));
    assert!(!s.can(&uid("avery"), C::CallsMake, &"acme".into(), NOW));
    allowed(&mut s, "avery", invite("zed", R::Agent, "acme"));
    allowed(
        &mut s,
        "avery",
        give("g_ds", "dana", R::Supervisor, "acme_dt"),
    );
    assert!(s.can(&uid("dana"), C::CallsMake, &"acme_dt".into(), NOW));
    // Every seat is taken now, so switching calling back on waits for one (R31).
    assert_eq!(s.seats_used(NOW), 6);
    assert_eq!(refused(&s, "avery", own(true)), Rule::R30);
    allowed(
        &mut s,
        "avery",
        Command::Revoke {
            grant: "g_ds".into(),
        },
    );
    allowed(&mut s, "avery", own(true));
    assert!(s.can(&uid("avery"), C::CallsMake, &"acme".into(), NOW));
    // Turning one's own calling on gives nothing one's roles do not hold.
    let dana_on = Command::SetSwitches {
        user: uid("dana"),
        calling_enabled: Some(true),
        contact_edit: None,
    };
    allowed(&mut s, "dana", dana_on);
    assert!(!s.can(&uid("dana"), C::CallsMake, &"acme".into(), NOW));
}

#[test]
fn r31_the_preview_shows_seats_and_cost_before_saving() {
    let s = agency();
    let preview = s
        .seat_preview(&uid("avery"), &invite("zed", R::Agent, "acme"), NOW)
        .unwrap();
    assert_eq!((preview.seats_before, preview.seats_after), (8, 9));
    assert_eq!(
        preview.monthly_cost_after_cents - preview.monthly_cost_before_cents,
        1_500
    );
    assert_eq!(s.user(&uid("zed")), None, "a preview changes nothing");
    let over = agency_with(Plan::Solo, vec![], vec![]);
    let refusal = over.seat_preview(&uid("avery"), &invite("zed", R::Agent, "acme"), NOW);
    assert_eq!(refusal.unwrap_err().rule, Rule::R30);
}

// §7 agent settings

fn settings_of(s: &Snapshot, user: &str) -> AgentSettings {
    s.user(&uid(user)).unwrap().settings.clone()
}

#[test]
fn an_agent_sets_their_own_status_and_availability_but_not_their_numbers() {
    let mut s = agency();
    let mut mine = settings_of(&s, "kai");
    mine.agent_status = Some("On a break".to_owned());
    mine.availability = Availability::Schedule(WeeklyHours::office());
    allowed(
        &mut s,
        "kai",
        Command::EditAgentSettings {
            user: uid("kai"),
            settings: Box::new(mine.clone()),
        },
    );
    assert_eq!(
        settings_of(&s, "kai").agent_status.as_deref(),
        Some("On a break")
    );
    mine.tracking_numbers = vec![E164::parse("+14155550100").unwrap()];
    let grab = Command::EditAgentSettings {
        user: uid("kai"),
        settings: Box::new(mine),
    };
    assert_eq!(refused(&s, "kai", grab), Rule::R10);
}

#[test]
fn a_number_rings_through_to_one_person_and_statuses_and_groups_come_from_the_agency() {
    let mut s = agency();
    let number = E164::parse("+14155550100").unwrap();
    let mut kai = settings_of(&s, "kai");
    kai.tracking_numbers = vec![number.clone()];
    kai.agent_groups = vec!["Inbound sales".to_owned()];
    kai.time_zone = TimeZone::parse("America/Los_Angeles").unwrap();
    allowed(
        &mut s,
        "casey",
        Command::EditAgentSettings {
            user: uid("kai"),
            settings: Box::new(kai),
        },
    );
    let mut noor = settings_of(&s, "noor");
    noor.tracking_numbers = vec![number];
    let clash = Command::EditAgentSettings {
        user: uid("noor"),
        settings: Box::new(noor.clone()),
    };
    assert_eq!(refused(&s, "avery", clash), Rule::Conflict);
    noor.tracking_numbers.clear();
    noor.agent_status = Some("Napping".to_owned());
    let status = Command::EditAgentSettings {
        user: uid("noor"),
        settings: Box::new(noor.clone()),
    };
    assert_eq!(refused(&s, "avery", status), Rule::Input);
    noor.agent_status = None;
    noor.agent_groups = vec!["Outbound".to_owned()];
    assert_eq!(
        refused(
            &s,
            "avery",
            Command::EditAgentSettings {
                user: uid("noor"),
                settings: Box::new(noor)
            }
        ),
        Rule::Input
    );
}

#[test]
fn the_lead_router_and_broadcast_come_with_the_team_plan() {
    let mut kai = settings_of(&agency(), "kai");
    kai.round_robin = true;
    let join = Command::EditAgentSettings {
        user: uid("kai"),
        settings: Box::new(kai),
    };
    let mut team = agency();
    allowed(&mut team, "avery", join.clone());
    assert!(settings_of(&team, "kai").round_robin);
    let unlimited = agency_with(Plan::Unlimited, vec![], vec![]);
    assert_eq!(refused(&unlimited, "avery", join), Rule::R30);
}

// §11

#[test]
fn time_limited_grants_start_and_end_on_their_dates() {
    let mut s = agency();
    let window = Command::Grant {
        grant: "g_temp".into(),
        user: uid("kai"),
        role: RoleRef::Builtin(R::Reporting),
        node: "summit".into(),
        starts_at: Some(NOW + DAY),
        ends_at: Some(NOW + 2 * DAY),
    };
    allowed(&mut s, "avery", window);
    let at = |t| s.can(&uid("kai"), C::ReportsView, &"summit".into(), t);
    assert!(!at(NOW) && at(NOW + DAY) && !at(NOW + 2 * DAY));
}

#[test]
fn ownership_moves_only_from_its_owner_and_the_new_owner_administers_the_agency() {
    let mut s = agency();
    let transfer = Command::TransferOwnership {
        to: uid("dana"),
        grant: "g_owner".into(),
    };
    assert_eq!(refused(&s, "blake", transfer.clone()), Rule::Beyond);
    allowed(&mut s, "avery", transfer);
    assert_eq!(s.agency().owner, uid("dana"));
    assert!(s.is_top_administrator(&uid("dana"), NOW));
}

#[test]
fn a_demoted_owner_cannot_make_anyone_an_administrator_by_transfer() {
    let mut s = agency_with(
        Plan::Unlimited,
        vec![person("zoe", UserState::Active)],
        vec![grant("g_zoe", "zoe", R::Administrator, "agency")],
    );
    allowed(&mut s, "zoe", change("g_avery", R::Reporting));
    let transfer = Command::TransferOwnership {
        to: uid("kai"),
        grant: "g_owner".into(),
    };
    assert_eq!(refused(&s, "avery", transfer), Rule::R11);
}

#[test]
fn support_access_is_time_limited_and_needs_an_administrator() {
    let mut s = agency();
    let support = |until| Command::GrantSupportAccess {
        user: uid("support"),
        grant: "g_support".into(),
        email: Email::parse("help@platform.example").unwrap(),
        reason: Name::parse("Ticket 4711: routing question").unwrap(),
        until,
    };
    assert_eq!(refused(&s, "casey", support(NOW + DAY)), Rule::Beyond);
    assert_eq!(refused(&s, "avery", support(NOW + 31 * DAY)), Rule::Input);
    allowed(&mut s, "avery", support(NOW + DAY));
    assert!(s.can(&uid("support"), C::UsersView, &"pier".into(), NOW));
    assert_eq!(
        refused(&s, "support", support(NOW + 2 * DAY)),
        Rule::R12,
        "no self-extension"
    );
    assert!(
        !s.can(&uid("support"), C::UsersView, &"pier".into(), NOW + DAY),
        "over at its end"
    );
    assert!(
        !s.takes_seat(&uid("support"), NOW),
        "support staff never take a seat"
    );
}

/// A call at Harbor Pier, routed to `owner`.
fn call(owner: Option<&str>) -> Record {
    Record {
        kind: RecordKind::Call,
        node: "pier".into(),
        owner: owner.map(uid),
    }
}

#[test]
fn calls_leads_and_messages_are_seen_whole_or_only_ones_own() {
    let s = agency();
    assert!(
        s.can_see(&uid("kai"), &call(Some("kai")), NOW),
        "an agent sees their own calls"
    );
    assert!(
        !s.can_see(&uid("kai"), &call(Some("casey")), NOW),
        "not other people's"
    );
    assert!(!s.can_see(&uid("kai"), &call(None), NOW));
    assert!(
        s.can_see(&uid("casey"), &call(Some("kai")), NOW),
        "a manager sees all in harbor"
    );
    let message = Record {
        kind: RecordKind::Message,
        node: "pier".into(),
        owner: Some(uid("casey")),
    };
    assert!(!s.can_see(&uid("kai"), &message, NOW));
}

#[test]
fn explaining_a_record_says_whose_it_is_when_only_ones_own_are_seen() {
    let s = agency();
    assert!(
        s.explain_record(&uid("kai"), &call(Some("kai")), NOW)
            .allowed()
    );
    assert_eq!(
        s.explain_record(&uid("kai"), &call(Some("casey")), NOW),
        Explanation::Denied {
            missing: Missing::NotTheirs {
                owner: Some(uid("casey"))
            }
        },
        "an agent is told the call is someone else's"
    );
    assert_eq!(
        RecordKind::viewed_by(C::CallsViewOwn),
        Some(RecordKind::Call)
    );
    assert_eq!(
        RecordKind::viewed_by(C::MessagesView),
        Some(RecordKind::Message)
    );
    assert_eq!(RecordKind::viewed_by(C::CallsListen), None);
}

#[test]
fn explain_names_the_grant_that_gives_it_or_the_nearest_thing_missing() {
    let s = agency();
    match s.explain(&uid("casey"), C::UsersSuspend, &"pier".into(), NOW) {
        Explanation::Allowed { because } => {
            assert_eq!(because.len(), 1);
            assert_eq!(because[0].node, NodeId::from("harbor"));
            assert_eq!(because[0].role_name, "Manager");
        }
        other => panic!("{other:?}"),
    }
    let elsewhere = s.explain(&uid("casey"), C::UsersSuspend, &"acme".into(), NOW);
    assert_eq!(
        elsewhere,
        Explanation::Denied {
            missing: Missing::Elsewhere {
                node: "harbor".into()
            }
        }
    );
    let suspended = s.explain(&uid("lee"), C::CallsMake, &"acme_dt".into(), NOW);
    assert_eq!(
        suspended,
        Explanation::Denied {
            missing: Missing::State {
                state: UserState::Suspended
            }
        }
    );
    assert!(matches!(
        s.explain(&uid("kai"), C::BillingView, &"pier".into(), NOW),
        Explanation::Denied {
            missing: Missing::NotInRoles { .. }
        }
    ));
}

#[test]
fn who_can_and_effective_access_agree_with_can() {
    let s = agency();
    let mut managers = s.who_can(C::UsersSuspend, &"pier".into(), NOW);
    managers.sort();
    assert_eq!(managers, vec![uid("avery"), uid("casey")]);
    let access = s.effective_access(&uid("casey"), NOW);
    let nodes: std::collections::BTreeSet<_> = access.iter().map(|a| a.node.0.as_str()).collect();
    assert_eq!(
        nodes,
        ["bay", "harbor", "harbor_east", "pier"]
            .into_iter()
            .collect()
    );
}

#[test]
fn an_unused_custom_role_can_be_deleted_a_used_one_cannot() {
    let mut s = with_olive();
    assert_eq!(
        refused(&s, "avery", Command::DeleteRole { role: "ops".into() }),
        Rule::Conflict
    );
    allowed(
        &mut s,
        "avery",
        define("tmp", CapabilitySet::of(&[C::Login])),
    );
    allowed(&mut s, "avery", Command::DeleteRole { role: "tmp".into() });
    assert_eq!(s.custom_roles().count(), 1);
}

/// Sync: the change log names where someone lost a grant, so a pull tells a caller of removals
/// only inside the caller's reach (never the ids of people the caller could not see).
#[test]
fn sync_a_lost_grant_names_its_node_and_other_changes_name_none() {
    use domain::sync::{Touch, Touched};
    let s = agency();
    let touch = |user: &str, lost_at: Option<&str>| Touch {
        user: uid(user),
        lost_at: lost_at.map(NodeId::from),
    };
    let deleting = Command::Delete {
        user: uid("noor"),
        reassign_to: None,
    };
    let events = decide(&s, &uid("avery"), &deleting, NOW).expect("allowed");
    assert_eq!(
        Touched::by(&events, &s),
        Touched::Users(vec![
            touch("noor", None),
            touch("noor", Some("acme")),
            touch("noor", Some("summit")),
        ])
    );
    let events = decide(&s, &uid("avery"), &suspend("kai"), NOW).expect("allowed");
    assert_eq!(
        Touched::by(&events, &s),
        Touched::Users(vec![touch("kai", None)])
    );
    let events = decide(&s, &uid("avery"), &change("g_kai", R::Manager), NOW).expect("allowed");
    assert_eq!(
        Touched::by(&events, &s),
        Touched::Users(vec![touch("kai", None)])
    );
}
