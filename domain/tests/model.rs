//! The engine against a deliberately naive reference model, written straight from PRODUCT.md.
//!
//! Random agencies (trees to depth 6, up to hundreds of users, built-in and custom roles,
//! expired and future grants) go through random command sequences. After every step:
//! - every access question asked of the engine gets the reference model's answer;
//! - the engine's verdict on suspend, unsuspend, grant and revoke equals the reference's;
//! - the agency keeps an administrator at the top (R14);
//! - no actor gave a capability it did not hold (R11) or changed its own roles (R12);
//! - `explain`, `who_can` and `effective_access` agree with `can`.
//!
//! The default run decides `CASES × STEPS` = 100,000 generated commands. For ten million or
//! more: `PROPTEST_CASES=200000 cargo test --profile bench -p switchboard-domain --test model`.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use domain::access::{BuiltinRole as R, Capability as C, CapabilitySet};
use domain::{
    Agency, Command, CustomRole, CustomRoleId, Email, Event, Grant, GrantId, Millis, Name, Node,
    NodeId, NodeKind, Plan, RoleRef, Rule, Snapshot, User, UserId, UserState, decide,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const NOW: Millis = 1_800_000_000_000;
const HOUR: Millis = 3_600_000;
const STEPS: usize = 50;
const DEFAULT_CASES: u32 = 2_000;

// ── The reference model ────────────────────────────────────────────────────────────────

/// PRODUCT.md §3, as text. Every role but Notification also has `login`.
fn reference_role(role: R) -> Vec<&'static str> {
    let reporting = vec![
        "calls.view.all",
        "calls.listen",
        "calls.annotate",
        "reports.view",
        "integrations.manage",
        "notifications.receive",
    ];
    let agent = vec![
        "calls.view.own",
        "leads.view.own",
        "calls.make",
        "messages.view.own",
        "messages.reply",
    ];
    let mut caps = match role {
        R::AgencyAdministrator | R::Administrator => C::ALL.iter().map(|c| c.as_str()).collect(),
        R::Manager => {
            let mut m = vec![
                "numbers.view",
                "numbers.edit",
                "numbers.buy",
                "numbers.assign",
                "callflows.view",
                "callflows.edit",
                "users.view",
                "users.invite",
                "users.edit",
                "users.roles",
                "users.suspend",
                "users.delete",
                "campaigns.view",
                "campaigns.manage",
            ];
            m.extend(reporting);
            m
        }
        R::Reporting => reporting,
        R::Notification => return vec!["notifications.receive"],
        R::MarketingManager => vec![
            "numbers.view",
            "callflows.view",
            "calls.view.all",
            "reports.view",
        ],
        R::ReportManager => vec!["calls.view.all", "reports.view"],
        R::CallManager => {
            vec![
                "calls.view.all",
                "calls.listen",
                "calls.annotate",
                "messages.view",
                "messages.reply",
            ]
        }
        R::Billing => vec!["billing.view", "billing.manage"],
        R::Supervisor => {
            let mut s = agent;
            s.extend([
                "calls.view.all",
                "calls.listen",
                "reports.view",
                "campaigns.view",
            ]);
            s
        }
        R::Agent => agent,
        R::MessagingAgent => vec!["messages.view", "messages.reply"],
        R::Viewer => vec![
            "accounts.view",
            "users.view",
            "numbers.view",
            "callflows.view",
            "calls.view.all",
            "campaigns.view",
            "leads.view.all",
            "reports.view",
            "billing.view",
        ],
    };
    caps.push("login");
    caps
}

/// The agency as plain lists, and access answered by walking up the tree.
#[derive(Clone, Debug)]
struct Reference {
    parent: BTreeMap<String, Option<String>>,
    root: String,
    users: BTreeMap<String, User>,
    grants: Vec<Grant>,
    custom: BTreeMap<String, BTreeSet<String>>,
    plan: Plan,
}

impl Reference {
    fn from(s: &Snapshot) -> Self {
        Reference {
            parent: s
                .nodes()
                .map(|n| (n.id.0.clone(), n.parent.as_ref().map(|p| p.0.clone())))
                .collect(),
            root: s.root().0.clone(),
            users: s.users().map(|u| (u.id.0.clone(), u.clone())).collect(),
            grants: s.grants().cloned().collect(),
            custom: s
                .custom_roles()
                .map(|r| {
                    (
                        r.id.0.clone(),
                        r.capabilities
                            .iter()
                            .map(|c| c.as_str().to_owned())
                            .collect(),
                    )
                })
                .collect(),
            plan: s.agency().plan,
        }
    }

    fn role(&self, role: &RoleRef) -> BTreeSet<String> {
        match role {
            RoleRef::Builtin(b) => reference_role(*b).into_iter().map(str::to_owned).collect(),
            RoleRef::Custom(id) => self.custom.get(&id.0).cloned().unwrap_or_default(),
        }
    }

    fn at_or_below(&self, node: &str, ancestor: &str) -> bool {
        let mut at = Some(node.to_owned());
        while let Some(n) = at {
            if n == ancestor {
                return true;
            }
            at = self.parent.get(&n).cloned().flatten();
        }
        false
    }

    fn caps(&self, user: &str, node: &str, now: Millis) -> BTreeSet<String> {
        let mut out = self.held(user, node, now);
        if self.users.get(user).is_some_and(|u| !u.calling_enabled) {
            out.remove("calls.make");
        }
        out
    }

    /// R4: what the person's roles give, before their own calling switch: what they may grant.
    fn held(&self, user: &str, node: &str, now: Millis) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let (Some(u), true) = (self.users.get(user), self.parent.contains_key(node)) else {
            return out;
        };
        for g in self.grants.iter().filter(|g| g.user.0 == user) {
            let live = g.starts_at.is_none_or(|s| s <= now) && g.ends_at.is_none_or(|e| now < e);
            if live && self.at_or_below(node, &g.node.0) {
                out.extend(self.role(&g.role));
            }
        }
        if u.contact_edit && out.contains("login") {
            out.insert("contacts.edit".into());
        }
        match u.state {
            UserState::Active => out,
            UserState::NotificationOnly => out
                .into_iter()
                .filter(|c| c == "notifications.receive")
                .collect(),
            _ => BTreeSet::new(),
        }
    }

    fn can(&self, user: &str, cap: C, node: &str, now: Millis) -> bool {
        self.caps(user, node, now).contains(cap.as_str())
    }

    fn holds_all(&self, user: &str, role: &RoleRef, node: &str, now: Millis) -> bool {
        let have = self.held(user, node, now);
        self.role(role).iter().all(|c| have.contains(c))
    }

    fn is_top_admin(&self, user: &str, now: Millis) -> bool {
        self.users
            .get(user)
            .is_some_and(|u| u.state == UserState::Active)
            && self.grants.iter().any(|g| {
                g.user.0 == user
                    && g.node.0 == self.root
                    && g.starts_at.is_none_or(|s| s <= now)
                    && g.ends_at.is_none_or(|e| now < e)
                    && matches!(
                        g.role,
                        RoleRef::Builtin(R::AgencyAdministrator | R::Administrator)
                    )
            })
    }

    /// R10: `cap` at every node where the target holds a grant that has not ended.
    fn reaches(&self, actor: &str, target: &str, cap: C, now: Millis) -> bool {
        let nodes: Vec<&str> = self
            .grants
            .iter()
            .filter(|g| g.user.0 == target && g.ends_at.is_none_or(|e| now < e))
            .map(|g| g.node.0.as_str())
            .collect();
        if nodes.is_empty() {
            return self.can(actor, cap, &self.root, now);
        }
        nodes.iter().all(|n| self.can(actor, cap, n, now))
    }

    /// R31, naively: who holds a seat under `plan`.
    fn seats(&self, plan: Plan, now: Millis) -> usize {
        let seat = match plan {
            Plan::Seats { .. } => "calls.make",
            _ => "login",
        };
        self.users
            .values()
            .filter(|u| {
                let holds = match u.state {
                    UserState::Active | UserState::Suspended => true,
                    UserState::Invited => u.invitation_expires_at.is_some_and(|at| now < at),
                    _ => false,
                };
                let mut caps = BTreeSet::new();
                for g in self
                    .grants
                    .iter()
                    .filter(|g| g.user == u.id && g.ends_at.is_none_or(|e| now < e))
                {
                    caps.extend(self.role(&g.role));
                }
                if !u.calling_enabled {
                    caps.remove("calls.make");
                }
                holds && !u.support && caps.contains(seat)
            })
            .count()
    }

    fn last_admin_if_loses(&self, target: &str, now: Millis) -> bool {
        self.is_top_admin(target, now)
            && !self
                .users
                .keys()
                .any(|u| u != target && self.is_top_admin(u, now))
    }

    /// The verdict PRODUCT.md gives for the commands this model decides; `None` for others.
    fn verdict(&self, actor: &str, command: &Command, now: Millis) -> Option<Result<(), Rule>> {
        let active = self
            .users
            .get(actor)
            .is_some_and(|u| u.state == UserState::Active);
        let check = |ok: bool, rule: Rule| if ok { Ok(()) } else { Err(rule) };
        let verdict = (|| match command {
            Command::Suspend { user } | Command::Unsuspend { user } => {
                let suspending = matches!(command, Command::Suspend { .. });
                check(active, Rule::R23)?;
                let target = self.users.get(&user.0).ok_or(Rule::R2)?;
                check(user.0 != actor, Rule::R12)?;
                let wanted = if suspending {
                    UserState::Active
                } else {
                    UserState::Suspended
                };
                check(target.state == wanted, Rule::Conflict)?;
                check(
                    self.reaches(actor, &user.0, C::UsersSuspend, now),
                    Rule::R10,
                )?;
                check(
                    !(suspending && self.last_admin_if_loses(&user.0, now)),
                    Rule::R14,
                )
            }
            Command::Revoke { grant } => {
                check(active, Rule::R23)?;
                let g = self
                    .grants
                    .iter()
                    .find(|g| g.id == *grant)
                    .ok_or(Rule::R2)?;
                check(g.user.0 != actor, Rule::R12)?;
                check(self.can(actor, C::UsersRoles, &g.node.0, now), Rule::R10)?;
                check(self.holds_all(actor, &g.role, &g.node.0, now), Rule::R11)?;
                let top = |x: &Grant| {
                    x.node.0 == self.root
                        && x.starts_at.is_none_or(|s| s <= now)
                        && x.ends_at.is_none_or(|e| now < e)
                        && matches!(
                            x.role,
                            RoleRef::Builtin(R::AgencyAdministrator | R::Administrator)
                        )
                };
                let keeps = self
                    .grants
                    .iter()
                    .any(|x| x.user == g.user && x.id != g.id && top(x));
                check(
                    !(top(g) && !keeps && self.last_admin_if_loses(&g.user.0, now)),
                    Rule::R14,
                )
            }
            Command::Grant {
                grant,
                user,
                role,
                node,
                starts_at: None,
                ends_at: None,
            } => {
                check(active, Rule::R23)?;
                let target = self.users.get(&user.0).ok_or(Rule::R2)?;
                check(self.parent.contains_key(&node.0), Rule::R2)?;
                if let RoleRef::Custom(id) = role {
                    check(self.custom.contains_key(&id.0), Rule::R2)?;
                }
                check(!self.grants.iter().any(|g| g.id == *grant), Rule::Conflict)?;
                check(user.0 != actor, Rule::R12)?;
                check(target.state != UserState::Deleted, Rule::R24)?;
                let login = self.role(role).contains("login");
                check(
                    !(target.state == UserState::NotificationOnly && login),
                    Rule::R16,
                )?;
                check(self.can(actor, C::UsersRoles, &node.0, now), Rule::R10)?;
                check(self.holds_all(actor, role, &node.0, now), Rule::R11)?;
                let before = self.seats(self.plan, now);
                let mut after = self.clone();
                after.grants.push(Grant {
                    id: grant.clone(),
                    user: user.clone(),
                    role: role.clone(),
                    node: node.clone(),
                    starts_at: None,
                    ends_at: None,
                });
                let after = after.seats(self.plan, now);
                let limit = self.plan.seat_limit().map_or(usize::MAX, |l| l as usize);
                check(!(after > limit && after > before), Rule::R30)
            }
            _ => Err(Rule::Input),
        })();
        match command {
            Command::Suspend { .. } | Command::Unsuspend { .. } | Command::Revoke { .. } => {
                Some(verdict)
            }
            Command::Grant {
                starts_at: None,
                ends_at: None,
                ..
            } => Some(verdict),
            _ => None,
        }
    }
}

// ── Generators ─────────────────────────────────────────────────────────────────────────

#[derive(Clone, Debug)]
struct Spec {
    /// For each node after the root: the index of its parent among the earlier ones.
    parents: Vec<usize>,
    users: Vec<(UserState, bool, bool)>,
    customs: Vec<u64>,
    grants: Vec<(usize, usize, usize, u8)>,
    plan: u8,
    commands: Vec<(usize, u8, usize, usize, usize)>,
}

fn role_of(ix: usize, customs: usize) -> RoleRef {
    let builtins = R::ALL.len();
    if customs > 0 && ix % (builtins + customs) >= builtins {
        RoleRef::Custom(CustomRoleId(format!(
            "c{}",
            ix % (builtins + customs) - builtins
        )))
    } else {
        RoleRef::Builtin(R::ALL[ix % builtins])
    }
}

fn spec() -> impl Strategy<Value = Spec> {
    let state = prop_oneof![
        6 => Just(UserState::Active),
        1 => Just(UserState::Suspended),
        1 => Just(UserState::Invited),
        1 => Just(UserState::NotificationOnly),
        1 => Just(UserState::Deleted),
    ];
    (
        prop::collection::vec(any::<usize>(), 1..40),
        prop::collection::vec(
            (state, prop::bool::weighted(0.9), prop::bool::weighted(0.1)),
            2..300,
        ),
        prop::collection::vec(any::<u64>(), 0..4),
        0u8..4,
    )
        .prop_flat_map(|(parents, users, customs, plan)| {
            let n_users = users.len();
            let grants = prop::collection::vec(
                (0..n_users, any::<usize>(), any::<usize>(), 0u8..8),
                n_users..n_users * 3,
            );
            let commands = prop::collection::vec(
                (
                    any::<usize>(),
                    0u8..24,
                    any::<usize>(),
                    any::<usize>(),
                    any::<usize>(),
                ),
                STEPS,
            );
            (
                Just(parents),
                Just(users),
                Just(customs),
                grants,
                Just(plan),
                commands,
            )
        })
        .prop_map(|(parents, users, customs, grants, plan, commands)| Spec {
            parents,
            users,
            customs,
            grants,
            plan,
            commands,
        })
}

/// Builds the agency: a tree to depth 6, the owner as Agency Administrator at the root.
fn build(spec: &Spec) -> Snapshot {
    let mut depth = vec![0usize];
    let mut nodes = vec![Node {
        id: "n0".into(),
        parent: None,
        kind: NodeKind::Agency,
        name: "n0".into(),
    }];
    for (i, p) in spec.parents.iter().enumerate() {
        // Only parents above depth 6 may take children.
        let candidates: Vec<usize> = (0..depth.len()).filter(|&j| depth[j] < 6).collect();
        let parent = candidates[p % candidates.len()];
        depth.push(depth[parent] + 1);
        nodes.push(Node {
            id: format!("n{}", i + 1).as_str().into(),
            parent: Some(format!("n{parent}").as_str().into()),
            kind: NodeKind::Group,
            name: format!("n{}", i + 1),
        });
    }
    let users: Vec<User> = spec
        .users
        .iter()
        .enumerate()
        .map(|(i, &(state, calling, contact))| {
            let state = if i == 0 { UserState::Active } else { state };
            let mut u = User::new(
                UserId(format!("u{i}")),
                &format!("u{i}@x.io"),
                &format!("u{i}"),
                state,
            );
            u.calling_enabled = calling;
            u.contact_edit = contact;
            if state == UserState::Invited {
                u.invitation_expires_at = Some(NOW + 24 * HOUR);
            }
            u
        })
        .collect();
    let customs: Vec<CustomRole> = spec
        .customs
        .iter()
        .enumerate()
        .map(|(i, bits)| CustomRole {
            id: CustomRoleId(format!("c{i}")),
            name: format!("Custom {i}"),
            capabilities: CapabilitySet::of(
                &C::ALL
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| bits >> j & 1 == 1)
                    .map(|(_, &c)| c)
                    .collect::<Vec<_>>(),
            ),
        })
        .collect();
    let mut grants = vec![Grant {
        id: "g_owner".into(),
        user: UserId("u0".into()),
        role: RoleRef::Builtin(R::AgencyAdministrator),
        node: "n0".into(),
        starts_at: None,
        ends_at: None,
    }];
    for (i, &(user, role, node, window)) in spec.grants.iter().enumerate() {
        let (starts_at, ends_at) = match window {
            0 => (Some(NOW - 48 * HOUR), Some(NOW - 24 * HOUR)), // expired
            1 => (Some(NOW + 24 * HOUR), None),                  // future
            2 => (Some(NOW - HOUR), Some(NOW + HOUR)),           // current, time-limited
            _ => (None, None),
        };
        grants.push(Grant {
            id: format!("g{i}").as_str().into(),
            user: UserId(format!("u{user}")),
            role: role_of(role, customs.len()),
            node: format!("n{}", node % nodes.len()).as_str().into(),
            starts_at,
            ends_at,
        });
    }
    let plan = match spec.plan {
        0 => Plan::Unlimited,
        1 => Plan::Team {
            seat_override: Some(1_000),
        },
        2 => Plan::Seats { seats: 1_000 },
        _ => Plan::Team {
            seat_override: None,
        },
    };
    let agency = Agency::new("a", "A", plan, UserId("u0".into()), 100);
    Snapshot::build(agency, nodes, users, customs, grants)
        .expect("generated agencies are consistent")
}

fn command(
    s: &Snapshot,
    step: usize,
    kind: u8,
    a: usize,
    b: usize,
    c: usize,
    customs: usize,
) -> Command {
    let users: Vec<&User> = s.users().collect();
    let nodes: Vec<&Node> = s.nodes().collect();
    let grants: Vec<&Grant> = s.grants().collect();
    let user = users[a % users.len()].id.clone();
    let other = users[b % users.len()].id.clone();
    let node = nodes[b % nodes.len()].id.clone();
    let email = |i: usize| Email::parse(&format!("u{i}@x.io")).unwrap();
    let name = |text: &str| Name::parse(text).unwrap();
    let caps = CapabilitySet::of(
        &C::ALL
            .iter()
            .enumerate()
            .filter(|(j, _)| c >> j & 1 == 1)
            .map(|(_, &x)| x)
            .collect::<Vec<_>>(),
    );
    let custom = CustomRoleId(format!("c{}", c % (customs + 1)));
    match kind {
        0 => Command::Suspend { user },
        1 => Command::Unsuspend { user },
        2 if !grants.is_empty() => Command::Revoke {
            grant: grants[b % grants.len()].id.clone(),
        },
        3 if !grants.is_empty() => Command::ChangeRole {
            grant: grants[b % grants.len()].id.clone(),
            role: role_of(c, customs),
        },
        4 => Command::Delete {
            user,
            reassign_to: c.is_multiple_of(2).then_some(other),
        },
        5 => Command::Grant {
            grant: GrantId(format!("new{step}")),
            user,
            role: role_of(c, customs),
            node,
            starts_at: None,
            ends_at: None,
        },
        6 => Command::Invite {
            // Half new people, half existing ones (notification-only ones get promoted, R16).
            user: if c.is_multiple_of(2) {
                UserId(format!("new_u{step}"))
            } else {
                user
            },
            grant: GrantId(format!("new{step}")),
            email: email(if c.is_multiple_of(2) {
                10_000 + step
            } else {
                a % users.len()
            }),
            name: name("Invited"),
            role: role_of(c, customs),
            node,
        },
        7 => Command::AddNotificationUser {
            user: UserId(format!("new_u{step}")),
            grant: GrantId(format!("new{step}")),
            email: email(if c.is_multiple_of(3) {
                a % users.len()
            } else {
                10_000 + step
            }),
            name: name("Notified"),
            node,
        },
        8 => Command::SetSwitches {
            user,
            calling_enabled: (!c.is_multiple_of(3)).then_some(c.is_multiple_of(2)),
            contact_edit: (!c.is_multiple_of(5)).then_some(c.is_multiple_of(7)),
        },
        9 => Command::ResendInvitation { user },
        10 => Command::RevokeInvitation { user },
        11 => Command::AcceptInvitation { user },
        12 => Command::CreateNode {
            node: NodeId(format!("new_n{step}")),
            parent: node,
            kind: NodeKind::Location,
            name: name("New"),
        },
        13 => Command::MoveNode {
            node: nodes[a % nodes.len()].id.clone(),
            parent: node,
        },
        14 => Command::DeleteNode { node },
        15 => Command::DefineRole {
            role: CustomRoleId(format!("new_r{step}")),
            name: name(&format!("Role {step}")),
            capabilities: caps,
        },
        16 => Command::EditRole {
            role: custom,
            name: name(&format!("Edited {}", c % 3)),
            capabilities: caps,
        },
        17 => Command::DeleteRole { role: custom },
        18 => Command::ChangePlan {
            plan: match c % 4 {
                0 => Plan::Solo,
                1 => Plan::Team {
                    seat_override: None,
                },
                2 => Plan::Seats {
                    seats: (c % 40) as u32,
                },
                _ => Plan::Unlimited,
            },
        },
        19 => Command::TransferOwnership {
            to: user,
            grant: GrantId(format!("new{step}")),
        },
        20 => Command::GrantSupportAccess {
            user: UserId("support".into()),
            grant: GrantId(format!("new{step}")),
            email: Email::parse("support@platform.example").unwrap(),
            reason: name("Ticket"),
            until: NOW + (c % 40) as i64 * 24 * HOUR,
        },
        22 => {
            let mut settings = users[a % users.len()].settings.clone();
            settings.agent_status = c.is_multiple_of(2).then(|| "On a break".to_owned());
            settings.round_robin = c.is_multiple_of(3);
            // A few numbers shared around, so that clashes happen.
            settings.tracking_numbers = if c.is_multiple_of(5) {
                vec![domain::E164::parse(&format!("+1415555{:04}", b % 4)).unwrap()]
            } else {
                vec![]
            };
            Command::EditAgentSettings {
                user,
                settings: Box::new(settings),
            }
        }
        21 => Command::RenameNode {
            node,
            name: name("Renamed"),
        },
        _ => Command::EditProfile {
            user,
            name: Some(name("Renamed")),
            email: c.is_multiple_of(2).then(|| email(b % users.len())),
        },
    }
}

// ── The property ───────────────────────────────────────────────────────────────────────

fn check_agreement(s: &Snapshot, reference: &Reference, probe: usize, now: Millis) {
    let users: Vec<&User> = s.users().collect();
    let nodes: Vec<&Node> = s.nodes().collect();
    for k in 0..24 {
        let mix = probe.wrapping_mul(2_654_435_761).wrapping_add(k * 40_503);
        let user = &users[mix % users.len()].id;
        let node = &nodes[(mix / 7) % nodes.len()].id;
        let cap = C::ALL[(mix / 13) % C::ALL.len()];
        let engine = s.can(user, cap, node, now);
        assert_eq!(
            engine,
            reference.can(&user.0, cap, &node.0, now),
            "can({user}, {cap}, {node})"
        );
        assert_eq!(
            s.explain(user, cap, node, now).allowed(),
            engine,
            "explain agrees with can"
        );
        if k % 6 == 0 {
            assert_eq!(
                s.who_can(cap, node, now).contains(user),
                engine,
                "who_can agrees with can"
            );
            let access = s.effective_access(user, now);
            let here = access
                .iter()
                .find(|a| a.node == *node)
                .map(|a| a.capabilities.contains(cap));
            assert_eq!(
                here.unwrap_or(false),
                engine,
                "effective_access agrees with can"
            );
        }
    }
}

fn run(spec: Spec) -> Result<(), TestCaseError> {
    let mut s = build(&spec);
    let customs = spec.customs.len();
    let mut reference = Reference::from(&s);
    for (step, &(actor, kind, a, b, c)) in spec.commands.iter().enumerate() {
        let users: Vec<UserId> = s.users().map(|u| u.id.clone()).collect();
        // Half the commands come from top administrators, so that many are allowed.
        let actor = if actor % 2 == 0 {
            s.top_administrators(NOW)
                .first()
                .map(|u| (*u).clone())
                .unwrap_or_else(|| users[0].clone())
        } else {
            users[actor % users.len()].clone()
        };
        let cmd = command(&s, step, kind, a, b, c, customs);
        let decided = decide(&s, &actor, &cmd, NOW);
        // What the Worker loads for the command decides exactly as the whole agency does.
        let part = s.restrict(&cmd.needs(&actor), NOW);
        let on_part = decide(&part, &actor, &cmd, NOW);
        if on_part != decided {
            return Err(TestCaseError::fail(format!(
                "partial snapshot for {cmd:?} by {actor}: {on_part:?} but whole: {decided:?}; \
                 whole admins {:?} counts {:?}; part admins {:?} counts {:?}; target grants {:?}",
                s.top_administrators(NOW),
                s.counts(NOW),
                part.top_administrators(NOW),
                part.counts(NOW),
                match &cmd {
                    Command::Suspend { user } => s.grants_of(user).cloned().collect::<Vec<_>>(),
                    _ => vec![],
                }
            )));
        }
        // The seat preview, which the Worker computes on the partial snapshot, agrees too.
        prop_assert_eq!(
            part.seat_preview(&actor, &cmd, NOW),
            s.seat_preview(&actor, &cmd, NOW),
            "seat preview of {:?}",
            cmd
        );
        if let Some(expected) = reference.verdict(&actor.0, &cmd, NOW) {
            prop_assert_eq!(
                decided.as_ref().map(|_| ()).map_err(|r| r.rule),
                expected,
                "{:?} by {}",
                cmd,
                actor
            );
        }
        if let Ok(events) = &decided {
            for event in events {
                match event {
                    Event::Granted { grant } => {
                        prop_assert!(
                            reference.holds_all(&actor.0, &grant.role, &grant.node.0, NOW),
                            "R11: {event:?}"
                        );
                        prop_assert_ne!(&grant.user, &actor, "R12");
                    }
                    Event::RoleChanged { grant, role } => {
                        let held = s.grant(grant).unwrap();
                        prop_assert!(
                            reference.holds_all(&actor.0, role, &held.node.0, NOW),
                            "R11: {event:?}"
                        );
                        prop_assert_ne!(&held.user, &actor, "R12");
                    }
                    Event::StateChanged { user, .. }
                        if !matches!(cmd, Command::AcceptInvitation { .. }) =>
                    {
                        prop_assert_ne!(user, &actor, "R12")
                    }
                    _ => {}
                }
            }
            // The Worker keeps the agency's counts by adding what changed among the people it
            // loaded; that must equal counting the whole agency again.
            let before = s.counts(NOW);
            let mut after_part = part.clone();
            after_part.apply_all(events);
            let (was, is) = (part.held_counts(NOW), after_part.held_counts(NOW));
            s.apply_all(events);
            let whole = s.counts(NOW);
            let kept = |b: u32, w: u32, i: u32| i64::from(b) + i64::from(i) - i64::from(w);
            prop_assert_eq!(
                (
                    kept(before.logins, was.logins, is.logins),
                    kept(before.dialers, was.dialers, is.dialers),
                    kept(
                        before.top_administrators,
                        was.top_administrators,
                        is.top_administrators
                    ),
                ),
                (
                    i64::from(whole.logins),
                    i64::from(whole.dialers),
                    i64::from(whole.top_administrators)
                ),
                "counts kept by difference for {:?}",
                cmd
            );
        }
        prop_assert!(
            !s.top_administrators(NOW).is_empty(),
            "R14: the agency kept an administrator"
        );
        if decided.is_ok() {
            reference = Reference::from(&s);
        }
        check_agreement(&s, &reference, step, NOW);
        check_agreement(&s, &reference, step + 1, NOW + 30 * HOUR);
    }
    Ok(())
}

#[test]
fn the_engine_answers_as_the_reference_model_through_random_command_sequences() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    runner.run(&spec(), run).unwrap();
    println!(
        "checked {} generated commands in {cases} random agencies",
        cases as usize * STEPS
    );
}

/// The Worker's copy of an agency for the platform's `check`: the tree, and each person put in
/// when first asked about and put again whenever their access changed. After every command of
/// a random sequence, the copy (with the changed people put again) decides every question
/// about every person exactly as the agency built whole does.
fn pieced(spec: Spec) -> Result<(), TestCaseError> {
    let mut s = build(&spec);
    let customs = spec.customs.len();
    let fresh_copy = |s: &Snapshot| {
        let nodes: Vec<Node> = s.nodes().cloned().collect();
        Snapshot::build(s.agency().clone(), nodes, vec![], vec![], vec![])
            .expect("the tree alone is consistent")
    };
    let roles_of = |s: &Snapshot, grants: &[Grant]| -> Vec<CustomRole> {
        s.custom_roles()
            .filter(|r| {
                grants
                    .iter()
                    .any(|g| g.role == RoleRef::Custom(r.id.clone()))
            })
            .cloned()
            .collect()
    };
    let mut copy = fresh_copy(&s);
    for step in 0..=spec.commands.len() {
        if step > 0 {
            let (actor, kind, a, b, c) = spec.commands[step - 1];
            let users: Vec<UserId> = s.users().map(|u| u.id.clone()).collect();
            let actor = s
                .top_administrators(NOW)
                .first()
                .map(|u| (*u).clone())
                .filter(|_| actor % 2 == 0)
                .unwrap_or_else(|| users[actor % users.len()].clone());
            let cmd = command(&s, step, kind, a, b, c, customs);
            if let Ok(events) = decide(&s, &actor, &cmd, NOW) {
                s.apply_all(&events);
            }
        }
        // A changed tree is read whole again; the people come over with what the copy held.
        let tree: Vec<&Node> = s.nodes().collect();
        if copy.nodes().collect::<Vec<_>>() != tree {
            let old = std::mem::replace(&mut copy, fresh_copy(&s));
            for user in old.users() {
                copy.put_user(user.clone());
                let grants: Vec<Grant> = old.grants_of(&user.id).cloned().collect();
                let roles = roles_of(&old, &grants);
                // A grant at a node that is gone: this person's access changed, and is put
                // again below.
                let _ = copy.put_grants(&user.id, grants, roles);
            }
        }
        copy.set_agency(s.agency().clone());
        for user in s.users() {
            // Each person's own row is read every time; their access only when it changed.
            copy.put_user(user.clone());
            let grants: Vec<Grant> = s.grants_of(&user.id).cloned().collect();
            let roles = roles_of(&s, &grants);
            let held: Vec<Grant> = copy.grants_of(&user.id).cloned().collect();
            if held != grants || roles_of(&copy, &held) != roles {
                prop_assert_eq!(copy.put_grants(&user.id, grants, roles), Ok(()));
            }
        }
        for user in s.users() {
            for node in s.nodes() {
                for &cap in C::ALL {
                    prop_assert_eq!(
                        copy.explain(&user.id, cap, &node.id, NOW),
                        s.explain(&user.id, cap, &node.id, NOW),
                        "step {}: {} {} at {}",
                        step,
                        user.id,
                        cap,
                        node.id
                    );
                }
            }
        }
    }
    Ok(())
}

#[test]
fn a_copy_put_together_person_by_person_decides_as_the_whole_agency() {
    let config = Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new(config).run(&spec(), pieced).unwrap();
}
