//! The authorization matrix: every built-in role × every endpoint that names something × a
//! target inside and outside the actor's reach × the same and another agency.
//!
//! The expected answer of each request comes from `domain` deciding the same command on a model
//! of the agency that the test keeps in step with what the Worker reports it did. So this
//! proves that the Worker loads the right rows from D1 and enforces every decision: a request
//! is allowed exactly when the rules allow it, a refusal carries the status its rule calls for,
//! and a refused request changes nothing (the audit logs of both agencies and the target stay
//! as they were). It prints how many combinations it checked.

use domain::{
    AgentSettings, BuiltinRole, Capability, Command, CustomRoleId, Email, Event, GrantId, Name,
    NodeId, NodeKind, Plan, RoleRef, Rule, Snapshot, UserId, UserState,
};
use serde_json::{Value, json};
use switchboard_tests::matrix::{self, actor, inside, outside};
use switchboard_tests::{Call, DEMO_PASSWORD, sign_in};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// The status the Worker answers for a refusal by this rule.
fn refusal_status(rule: Rule) -> u16 {
    match rule {
        Rule::R2 => 404,
        Rule::Conflict => 409,
        Rule::Input => 422,
        _ => 403,
    }
}

/// What a target is: a person, the node of their grant, that node's parent, and the grant.
struct Target {
    label: &'static str,
    user: String,
    node: String,
    parent: String,
    grant: String,
}

struct Matrix {
    model: Snapshot,
    owner: String,
    northwind: String,
    checked: usize,
    allowed: usize,
    refused: usize,
}

impl Matrix {
    /// What must not move when a request is refused.
    fn fingerprint(&self, target: &Target) -> Value {
        let newest = |cookie: &str| {
            Call::new("GET", "/api/v1/audit?limit=1")
                .cookie(cookie)
                .send()
                .body["entries"]
                .clone()
        };
        let viewer = if target.label == "other agency" {
            &self.northwind
        } else {
            &self.owner
        };
        let mut person = Call::new("GET", &format!("/api/v1/users/{}", target.user))
            .cookie(viewer)
            .send()
            .body;
        // A sign-in by the person meanwhile (other tests run at the same time) is not a change
        // a refusal could have made.
        if let Some(person) = person.as_object_mut() {
            person.remove("last_sign_in_at");
        }
        json!([newest(&self.owner), newest(&self.northwind), person])
    }

    /// Sends a change and checks it against `domain`'s verdict on the model.
    fn change(
        &mut self,
        who: (&str, &UserId, &str),
        target: &Target,
        request: (&'static str, String, Option<Value>),
        command: Command,
        success: u16,
    ) {
        let (cookie, actor, role) = who;
        let (method, path, body) = request;
        let verdict = domain::decide(&self.model, actor, &command, now());
        let before = verdict.is_err().then(|| self.fingerprint(target));
        let call = Call::new(method, &path).cookie(cookie);
        let answer = match &body {
            Some(body) => call.json(body),
            None => call.send(),
        };
        let context = format!(
            "{role} → {method} {path} ({}): {:?}",
            target.label, answer.body
        );
        self.checked += 1;
        // Whatever happened, the kept columns still say what the tables say.
        switchboard_tests::assert_kept(matrix::AGENCY, &context);
        match verdict {
            Ok(_) => {
                assert_eq!(answer.status, success, "allowed by domain: {context}");
                let events: Vec<Event> =
                    serde_json::from_value(answer.body["events"].clone()).expect(&context);
                self.model.apply_all(&events);
                self.allowed += 1;
            }
            Err(refusal) => {
                if std::env::var("MATRIX_VERBOSE").is_ok() {
                    println!(
                        "refused {role} {method} {path} ({}): {:?} {}",
                        target.label, refusal.rule, refusal.reason
                    );
                }
                assert_eq!(
                    answer.status,
                    refusal_status(refusal.rule),
                    "refused by domain ({:?}: {}): {context}",
                    refusal.rule,
                    refusal.reason
                );
                assert_eq!(answer.content_type, "application/problem+json", "{context}");
                let after = self.fingerprint(target);
                assert_eq!(
                    Some(after),
                    before,
                    "a refusal changed something: {context}"
                );
                self.refused += 1;
            }
        }
    }

    /// Sends a read and checks its status.
    fn read(&mut self, cookie: &str, role: &str, path: &str, expected: u16) {
        let answer = Call::new("GET", path).cookie(cookie).send();
        assert_eq!(
            answer.status, expected,
            "{role} → GET {path}: {:?}",
            answer.body
        );
        self.checked += 1;
    }
}

fn name(text: &str) -> Name {
    Name::parse(text).unwrap()
}

fn email(text: &str) -> Email {
    Email::parse(text).unwrap()
}

#[test]
fn every_role_every_endpoint_inside_and_outside_reach_in_both_agencies() {
    let _northwind = switchboard_tests::northwind_changes();
    let mut m = Matrix {
        model: matrix::snapshot(),
        owner: sign_in(matrix::OWNER_EMAIL, DEMO_PASSWORD),
        northwind: sign_in("admin@northwind.example", DEMO_PASSWORD),
        checked: 0,
        allowed: 0,
        refused: 0,
    };
    let settings = serde_json::to_value(AgentSettings::default()).unwrap();
    // A campaign in each part of the tree, made by the owner; the model follows.
    let owner_id = UserId(matrix::OWNER.into());
    for (id, node) in [("c_mx_in", "m_a1"), ("c_mx_out", "m_b1")] {
        let made = Call::new("POST", "/api/v1/campaigns")
            .cookie(&m.owner)
            .json(&json!({ "id": id, "name": format!("Campaign {id}"), "node": node }));
        assert_eq!(made.status, 201, "{:?}", made.body);
        let events: Vec<Event> = serde_json::from_value(made.body["events"].clone()).unwrap();
        m.model.apply_all(&events);
    }
    let configured = Command::ConfigureAgency {
        agent_statuses: None,
        agent_groups: Some(vec![name("Matrix group")]),
        require_two_factor: None,
        session_idle_minutes: None,
    };
    let events = domain::decide(&m.model, &owner_id, &configured, now()).unwrap();
    let set = Call::new("PATCH", "/api/v1/agency")
        .cookie(&m.owner)
        .json(&json!({ "agent_groups": ["Matrix group"] }));
    assert_eq!(set.status, 200, "{:?}", set.body);
    m.model.apply_all(&events);
    for (i, &role) in BuiltinRole::ALL.iter().enumerate() {
        let cookie = sign_in(&format!("actor{i}@matrix.example"), DEMO_PASSWORD);
        let me = UserId(actor(i));
        let name_of_role = role.name();
        let who = (cookie.as_str(), &me, name_of_role);

        // Lists: allowed exactly where the role gives the capability somewhere.
        let t = now();
        let sees = |m: &Matrix, cap| !m.model.reach(&me, cap, t).is_empty();
        let status = |yes: bool, no: u16| if yes { 200 } else { no };
        let users = status(sees(&m, Capability::UsersView), 403);
        let numbers = status(sees(&m, Capability::NumbersView), 403);
        let audit = status(
            m.model
                .can(&me, Capability::SettingsEdit, m.model.root(), t),
            403,
        );
        m.read(&cookie, name_of_role, "/api/v1/users", users);
        m.read(&cookie, name_of_role, "/api/v1/invitations", users);
        m.read(&cookie, name_of_role, "/api/v1/numbers", numbers);
        let campaigns = status(sees(&m, Capability::CampaignsView), 403);
        m.read(&cookie, name_of_role, "/api/v1/campaigns", campaigns);
        m.read(&cookie, name_of_role, "/api/v1/audit", audit);
        m.read(&cookie, name_of_role, "/api/v1/audit.csv", audit);
        for open in [
            "/api/v1/roles",
            "/api/v1/nodes",
            "/api/v1/agency",
            "/api/v1/tokens",
            "/api/v1/me",
        ] {
            m.read(&cookie, name_of_role, open, 200);
        }

        let targets = [
            Target {
                label: "inside reach",
                user: inside(i),
                node: "m_a1".into(),
                parent: "m_a".into(),
                grant: format!("g_{}", inside(i)),
            },
            Target {
                label: "outside reach",
                user: outside(i),
                node: "m_b1".into(),
                parent: "m_b".into(),
                grant: format!("g_{}", outside(i)),
            },
            Target {
                label: "other agency",
                user: "u_riley".into(),
                node: "n_rival".into(),
                parent: "n_northwind".into(),
                grant: "g_ag_northwind_1_0".into(),
            },
        ];
        for (k, target) in targets.iter().enumerate() {
            let tag = format!("{i}_{k}");
            let user = UserId(target.user.clone());
            let node = NodeId(target.node.clone());
            let t = now();
            // Reads of one person: visible exactly when the rules let the actor see them.
            let visible = m
                .model
                .user(&user)
                .is_some_and(|u| u.state != UserState::Deleted)
                && m.model.can_view_user(&me, &user, t);
            let found = |yes: bool| if yes { 200 } else { 404 };
            m.read(
                &cookie,
                name_of_role,
                &format!("/api/v1/users/{}", target.user),
                found(visible),
            );
            let access = m.model.user(&user).is_some() && m.model.can_view_user(&me, &user, t);
            m.read(
                &cookie,
                name_of_role,
                &format!("/api/v1/users/{}/access", target.user),
                found(access),
            );
            let explain = access
                && m.model.node(&node).is_some()
                && m.model.can(&me, Capability::UsersView, &node, t);
            m.read(
                &cookie,
                name_of_role,
                &format!(
                    "/api/v1/explain?user={}&capability=users.view&node={}",
                    target.user, target.node
                ),
                found(explain),
            );

            let path = |p: &str| format!("/api/v1{p}");
            m.change(
                who,
                target,
                (
                    "PATCH",
                    path(&format!("/users/{}", target.user)),
                    Some(json!({ "name": "Renamed Person" })),
                ),
                Command::EditProfile {
                    user: user.clone(),
                    name: Some(name("Renamed Person")),
                    email: None,
                },
                200,
            );
            m.change(
                who,
                target,
                (
                    "PUT",
                    path(&format!("/users/{}/settings", target.user)),
                    Some(settings.clone()),
                ),
                Command::EditAgentSettings {
                    user: user.clone(),
                    settings: Box::default(),
                },
                200,
            );
            // Campaigns: the one in the target's part of the tree (another agency's reads as
            // missing), read, renamed, and one made and deleted beside it.
            let campaign = match k {
                0 => "c_mx_in",
                1 => "c_mx_out",
                _ => "c_recall",
            };
            let campaign_id = domain::CampaignId(campaign.into());
            let seen = m
                .model
                .campaign(&campaign_id)
                .is_some_and(|c| m.model.can(&me, Capability::CampaignsView, &c.node, now()));
            m.read(
                &cookie,
                name_of_role,
                &format!("/api/v1/campaigns/{campaign}/dialers"),
                found(seen),
            );
            let groups: Vec<Name> = m
                .model
                .campaign(&campaign_id)
                .map(|c| c.agent_groups.iter().map(|g| name(g)).collect())
                .unwrap_or_default();
            m.change(
                who,
                target,
                (
                    "PUT",
                    path(&format!("/campaigns/{campaign}")),
                    Some(json!({ "name": format!("Campaign {tag}"), "node": target.node,
                                 "agent_groups": groups.iter().map(Name::as_str).collect::<Vec<_>>() })),
                ),
                Command::EditCampaign {
                    campaign: campaign_id.clone(),
                    name: name(&format!("Campaign {tag}")),
                    node: node.clone(),
                    agent_groups: groups,
                },
                200,
            );
            m.change(
                who,
                target,
                (
                    "POST",
                    path("/campaigns"),
                    Some(
                        json!({ "id": format!("c_mx_{tag}"), "name": format!("New {tag}"),
                                 "node": target.node }),
                    ),
                ),
                Command::CreateCampaign {
                    campaign: domain::CampaignId(format!("c_mx_{tag}")),
                    name: name(&format!("New {tag}")),
                    node: node.clone(),
                    agent_groups: vec![],
                },
                201,
            );
            m.change(
                who,
                target,
                ("DELETE", path(&format!("/campaigns/c_mx_{tag}")), None),
                Command::DeleteCampaign {
                    campaign: domain::CampaignId(format!("c_mx_{tag}")),
                },
                200,
            );
            // Putting the target in the agency's group is a change of their settings.
            if let Some(group) = m.model.agency().agent_groups.first().cloned() {
                let mut joined = m
                    .model
                    .user(&user)
                    .map(|u| u.settings.clone())
                    .unwrap_or_default();
                if !joined.agent_groups.contains(&group) {
                    joined.agent_groups.push(group.clone());
                }
                m.change(
                    who,
                    target,
                    (
                        "POST",
                        path("/agent-groups/members"),
                        Some(json!({ "group": group, "add": [target.user] })),
                    ),
                    Command::EditAgentSettings {
                        user: user.clone(),
                        settings: Box::new(joined),
                    },
                    200,
                );
            }
            let new_grant = format!("g_mx_{tag}");
            m.change(
                who,
                target,
                (
                    "POST",
                    path(&format!("/users/{}/grants", target.user)),
                    Some(json!({ "id": new_grant, "role": { "kind": "builtin", "id": "Viewer" }, "node": target.node })),
                ),
                Command::Grant {
                    grant: GrantId(new_grant.clone()),
                    user: user.clone(),
                    role: RoleRef::Builtin(BuiltinRole::Viewer),
                    node: node.clone(),
                    starts_at: None,
                    ends_at: None,
                },
                201,
            );
            m.change(
                who,
                target,
                (
                    "PATCH",
                    path(&format!("/grants/{}", target.grant)),
                    Some(json!({ "role": { "kind": "builtin", "id": "Reporting" } })),
                ),
                Command::ChangeRole {
                    grant: GrantId(target.grant.clone()),
                    role: RoleRef::Builtin(BuiltinRole::Reporting),
                },
                200,
            );
            let invitee = format!("u_mx_{tag}");
            let address = format!("mx{tag}@matrix.example").replace('_', "-");
            m.change(
                who,
                target,
                (
                    "POST",
                    path("/users"),
                    Some(json!({ "id": invitee, "grant": format!("g_mxi_{tag}"), "email": address,
                                 "name": "Invited Person", "role": { "kind": "builtin", "id": "Agent" },
                                 "node": target.node })),
                ),
                Command::Invite {
                    user: UserId(invitee.clone()),
                    grant: GrantId(format!("g_mxi_{tag}")),
                    email: email(&address),
                    name: name("Invited Person"),
                    role: RoleRef::Builtin(BuiltinRole::Agent),
                    node: node.clone(),
                },
                201,
            );
            let listener = format!("mxn{tag}@matrix.example").replace('_', "-");
            m.change(
                who,
                target,
                (
                    "POST",
                    path("/notification-users"),
                    Some(
                        json!({ "id": format!("u_mxn_{tag}"), "grant": format!("g_mxn_{tag}"),
                                 "email": listener, "name": "Listener", "node": target.node }),
                    ),
                ),
                Command::AddNotificationUser {
                    user: UserId(format!("u_mxn_{tag}")),
                    grant: GrantId(format!("g_mxn_{tag}")),
                    email: email(&listener),
                    name: name("Listener"),
                    node: node.clone(),
                },
                201,
            );
            m.change(
                who,
                target,
                (
                    "POST",
                    path("/nodes"),
                    Some(json!({ "id": format!("n_mx_{tag}"), "parent": target.parent, "kind": "location", "name": "New Place" })),
                ),
                Command::CreateNode {
                    node: NodeId(format!("n_mx_{tag}")),
                    parent: NodeId(target.parent.clone()),
                    kind: NodeKind::Location,
                    name: name("New Place"),
                },
                201,
            );
            m.change(
                who,
                target,
                (
                    "PATCH",
                    path(&format!("/nodes/{}", target.node)),
                    Some(json!({ "name": "Renamed Place" })),
                ),
                Command::RenameNode {
                    node: node.clone(),
                    name: name("Renamed Place"),
                },
                200,
            );
            m.change(
                who,
                target,
                ("DELETE", path(&format!("/nodes/n_mx_{tag}")), None),
                Command::DeleteNode {
                    node: NodeId(format!("n_mx_{tag}")),
                },
                200,
            );
            m.change(
                who,
                target,
                (
                    "POST",
                    path(&format!("/users/{}/invitation", invitee)),
                    None,
                ),
                Command::ResendInvitation {
                    user: UserId(invitee.clone()),
                },
                200,
            );
            m.change(
                who,
                target,
                (
                    "DELETE",
                    path(&format!("/users/{}/invitation", invitee)),
                    None,
                ),
                Command::RevokeInvitation {
                    user: UserId(invitee.clone()),
                },
                200,
            );
            m.change(
                who,
                target,
                (
                    "POST",
                    path(&format!("/users/{}/suspend", target.user)),
                    None,
                ),
                Command::Suspend { user: user.clone() },
                200,
            );
            m.change(
                who,
                target,
                (
                    "POST",
                    path(&format!("/users/{}/unsuspend", target.user)),
                    None,
                ),
                Command::Unsuspend { user: user.clone() },
                200,
            );
            m.change(
                who,
                target,
                ("DELETE", path(&format!("/grants/{new_grant}")), None),
                Command::Revoke {
                    grant: GrantId(new_grant.clone()),
                },
                200,
            );
            m.change(
                who,
                target,
                (
                    "POST",
                    path("/agency/owner"),
                    Some(json!({ "to": target.user, "grant": format!("g_mxo_{tag}") })),
                ),
                Command::TransferOwnership {
                    to: user.clone(),
                    grant: GrantId(format!("g_mxo_{tag}")),
                },
                200,
            );
            m.change(
                who,
                target,
                ("DELETE", path(&format!("/users/{}", target.user)), None),
                Command::Delete {
                    user: user.clone(),
                    reassign_to: None,
                },
                200,
            );
        }

        // The agency's own settings and roles: the same for every target.
        let here = &targets[0];
        let path = |p: &str| format!("/api/v1{p}");
        let role_id = format!("r_mx_{i}");
        let watcher = serde_json::to_value(matrix::custom_capabilities()).unwrap();
        m.change(
            who,
            here,
            (
                "POST",
                path("/roles"),
                Some(
                    json!({ "id": role_id, "name": format!("Role {i}"), "capabilities": watcher }),
                ),
            ),
            Command::DefineRole {
                role: CustomRoleId(role_id.clone()),
                name: name(&format!("Role {i}")),
                capabilities: matrix::custom_capabilities(),
            },
            201,
        );
        m.change(
            who,
            here,
            (
                "PUT",
                path(&format!("/roles/{}", matrix::CUSTOM_ROLE)),
                Some(json!({ "name": "Call Watcher", "capabilities": watcher })),
            ),
            Command::EditRole {
                role: CustomRoleId(matrix::CUSTOM_ROLE.into()),
                name: name("Call Watcher"),
                capabilities: matrix::custom_capabilities(),
            },
            200,
        );
        m.change(
            who,
            here,
            ("DELETE", path(&format!("/roles/{role_id}")), None),
            Command::DeleteRole {
                role: CustomRoleId(role_id.clone()),
            },
            200,
        );
        m.change(
            who,
            here,
            (
                "PATCH",
                path("/agency"),
                Some(json!({ "agent_groups": [format!("Group {i}")] })),
            ),
            Command::ConfigureAgency {
                agent_statuses: None,
                agent_groups: Some(vec![name(&format!("Group {i}"))]),
                require_two_factor: None,
                session_idle_minutes: None,
            },
            200,
        );
        m.change(
            who,
            here,
            (
                "PUT",
                path("/agency/plan"),
                Some(json!({ "plan": { "plan": "unlimited" } })),
            ),
            Command::ChangePlan {
                plan: Plan::Unlimited,
            },
            200,
        );
        let helper = format!("help{i}@support.example");
        let until = now() + 86_400_000;
        m.change(
            who,
            here,
            (
                "POST",
                path("/support-access"),
                Some(json!({ "id": format!("u_mxs_{i}"), "grant": format!("g_mxs_{i}"), "email": helper,
                             "reason": "Ticket", "until": until })),
            ),
            Command::GrantSupportAccess {
                user: UserId(format!("u_mxs_{i}")),
                grant: GrantId(format!("g_mxs_{i}")),
                email: email(&helper),
                reason: name("Ticket"),
                until,
            },
            201,
        );
    }
    two_factor_required_by_the_agency(&m.owner);
    switchboard_tests::assert_kept("ag_northwind", "the matrix");
    switchboard_tests::assert_kept(matrix::AGENCY, "two-factor required by the agency");
    println!(
        "authorization matrix: {} combinations checked ({} roles × 3 targets × every endpoint): \
         {} changes allowed, {} refused with nothing changed",
        m.checked,
        BuiltinRole::ALL.len(),
        m.allowed,
        m.refused
    );
    assert!(
        m.allowed > 0 && m.refused > 0,
        "both sides of the rules were exercised"
    );
}

/// An agency that requires two-factor sign-in: the owner must have it first; then everyone
/// without it can only set it up until they do, and turning the requirement off frees them.
fn two_factor_required_by_the_agency(owner: &str) {
    use switchboard_worker::totp;
    let on = json!({ "require_two_factor": true });
    let locked_out = Call::new("PATCH", "/api/v1/agency").cookie(owner).json(&on);
    assert_eq!(
        locked_out.status, 409,
        "not before the owner has it: {:?}",
        locked_out.body
    );

    let setup = Call::new("POST", "/api/v1/me/totp").cookie(owner).send();
    assert_eq!(setup.status, 200, "{:?}", setup.body);
    let secret = totp::from_base32(setup.body["secret"].as_str().unwrap()).unwrap();
    let step = (now() / 1000) as u64 / totp::STEP;
    let confirm = Call::new("POST", "/api/v1/me/totp/confirm")
        .cookie(owner)
        .json(&json!({ "code": format!("{:06}", totp::code(&secret, step)) }));
    assert_eq!(confirm.status, 204, "{:?}", confirm.body);
    let required = Call::new("PATCH", "/api/v1/agency").cookie(owner).json(&on);
    assert_eq!(required.status, 200, "{:?}", required.body);

    // The Manager (actor 2) has no second factor: only setting it up is open to them.
    let manager = sign_in("actor2@matrix.example", DEMO_PASSWORD);
    let me = Call::new("GET", "/api/v1/me").cookie(&manager).send();
    assert_eq!(me.body["two_factor_required"], true, "{:?}", me.body);
    let users = Call::new("GET", "/api/v1/users").cookie(&manager).send();
    assert_eq!(users.status, 403, "{:?}", users.body);
    assert!(
        users.body["detail"]
            .as_str()
            .unwrap()
            .contains("two-factor")
    );
    let own = Call::new("POST", "/api/v1/me/totp").cookie(&manager).send();
    assert_eq!(own.status, 200, "setting it up stays open: {:?}", own.body);
    assert_eq!(
        Call::new("GET", "/api/v1/users")
            .cookie(owner)
            .send()
            .status,
        200
    );

    let off = Call::new("PATCH", "/api/v1/agency")
        .cookie(owner)
        .json(&json!({ "require_two_factor": false }));
    assert_eq!(off.status, 200, "{:?}", off.body);
    assert_eq!(
        Call::new("GET", "/api/v1/users")
            .cookie(&manager)
            .send()
            .status,
        200
    );
}
