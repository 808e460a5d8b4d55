//! `can` on one large agency — 10,000 users, 1,000 nodes to depth 5, 50,000 grants — asked of
//! Switchboard's engine, of Cedar and of casbin, each with the agency in its own idiom:
//!
//! - Cedar: `Node` entities in a parent hierarchy; a user carries, per role, the set of nodes
//!   where they hold it; one policy per role, `permit(principal, action in Action::"<role>",
//!   resource) when { resource in principal.<role> }`; each capability is an action in the
//!   action group of every role that gives it.
//! - casbin: RBAC with pattern domains: `g, user, role, <node path>/*`, `p, role, capability`,
//!   the request's domain is the node's path and `keyMatch` matches a grant's subtree.
//!
//! Switchboard and Cedar answer the same 100,000 questions and casbin (about 2 ms a question)
//! the first 5,000 of them; the run stops unless the engines agree on every answer. Then criterion measures the mean, and a pass of single-call timings gives
//! p50 and p99 (each includes the ~20 ns of reading the clock twice). Finally it times building
//! the snapshot from rows. Run with `cargo bench -p switchboard-bench`.

use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::str::FromStr;
use std::time::{Duration, Instant};

use casbin::{CoreApi, DefaultModel, Enforcer, StringAdapter};
use cedar_policy::{
    Authorizer, Context, Decision, Entities, Entity, EntityId, EntityTypeName, EntityUid,
    PolicySet, Request, RestrictedExpression,
};
use criterion::Criterion;
use domain::access::{BuiltinRole, Capability};
use domain::{
    Agency, Grant, Node, NodeId, NodeKind, Plan, RoleRef, Snapshot, User, UserId, UserState,
};

const USERS: usize = 10_000;
const GRANTS_PER_USER: usize = 5;
const LEVELS: [usize; 6] = [1, 9, 40, 150, 300, 500];
const QUERIES: usize = 100_000;
/// casbin takes about 2 ms a question here; it answers the first 5,000 of the same questions.
const CASBIN_QUERIES: usize = 5_000;
const NOW: i64 = 1_800_000_000_000;

/// A small deterministic generator, so every run builds the same agency.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }
}

struct Rows {
    agency: Agency,
    nodes: Vec<Node>,
    paths: Vec<String>,
    users: Vec<User>,
    grants: Vec<Grant>,
}

fn rows() -> Rows {
    let mut rng = Lcg(42);
    let mut nodes = Vec::new();
    let mut paths = Vec::new();
    let mut level_start = Vec::new();
    for (depth, &count) in LEVELS.iter().enumerate() {
        level_start.push(nodes.len());
        for _ in 0..count {
            let i = nodes.len();
            let parent =
                (depth > 0).then(|| level_start[depth - 1] + rng.next() % LEVELS[depth - 1]);
            let path = match parent {
                Some(p) => format!("{}n{i}/", paths[p]),
                None => format!("n{i}/"),
            };
            paths.push(path);
            nodes.push(Node {
                id: NodeId(format!("n{i}")),
                parent: parent.map(|p| NodeId(format!("n{p}"))),
                kind: if depth == 0 {
                    NodeKind::Agency
                } else {
                    NodeKind::Group
                },
                name: format!("Node {i}"),
            });
        }
    }
    let users: Vec<User> = (0..USERS)
        .map(|i| {
            User::new(
                UserId(format!("u{i}")),
                &format!("u{i}@x.io"),
                &format!("User {i}"),
                UserState::Active,
            )
        })
        .collect();
    // Mostly agents and the like deep in the tree; a few administrators near the top.
    let roles = BuiltinRole::ALL;
    let mut grants = Vec::with_capacity(USERS * GRANTS_PER_USER);
    for u in 0..USERS {
        for k in 0..GRANTS_PER_USER {
            let role = roles[2 + rng.next() % (roles.len() - 2)];
            let (role, node) = if u % 500 == 0 && k == 0 {
                (BuiltinRole::Administrator, rng.next() % 10)
            } else {
                (role, rng.next() % nodes.len())
            };
            grants.push(Grant {
                id: format!("g{u}_{k}").as_str().into(),
                user: UserId(format!("u{u}")),
                role: RoleRef::Builtin(role),
                node: NodeId(format!("n{node}")),
                starts_at: None,
                ends_at: None,
            });
        }
    }
    let agency = Agency::new("bench", "Bench", Plan::Unlimited, UserId("u0".into()), 0);
    Rows {
        agency,
        nodes,
        paths,
        users,
        grants,
    }
}

fn build(rows: &Rows) -> Snapshot {
    Snapshot::build(
        rows.agency.clone(),
        rows.nodes.clone(),
        rows.users.clone(),
        Vec::new(),
        rows.grants.clone(),
    )
    .expect("a consistent agency")
}

struct Query {
    user: UserId,
    node: NodeId,
    cap: Capability,
    cedar: Request,
    path: String,
}

fn uid(kind: &str, id: &str) -> EntityUid {
    EntityUid::from_type_name_and_id(
        EntityTypeName::from_str(kind).unwrap(),
        EntityId::from_str(id).unwrap(),
    )
}

/// Half the questions are random (nearly all "no"); half take a real grant, a node in its
/// subtree and a capability of its role (nearly all "yes"), so both paths are measured.
fn queries(rows: &Rows) -> Vec<Query> {
    let mut rng = Lcg(7);
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); rows.nodes.len()];
    for (i, node) in rows.nodes.iter().enumerate() {
        if let Some(p) = &node.parent {
            children[p.0[1..].parse::<usize>().unwrap()].push(i);
        }
    }
    (0..QUERIES)
        .map(|k| {
            let (u, n, cap) = if k % 2 == 0 {
                let u = rng.next() % USERS;
                (
                    u,
                    rng.next() % rows.nodes.len(),
                    Capability::ALL[rng.next() % Capability::ALL.len()],
                )
            } else {
                let g = &rows.grants[rng.next() % rows.grants.len()];
                let mut n: usize = g.node.0[1..].parse().unwrap();
                while !children[n].is_empty() && rng.next().is_multiple_of(2) {
                    n = children[n][rng.next() % children[n].len()];
                }
                let RoleRef::Builtin(role) = g.role else {
                    unreachable!()
                };
                let caps: Vec<Capability> = role.capabilities().iter().collect();
                (
                    g.user.0[1..].parse().unwrap(),
                    n,
                    caps[rng.next() % caps.len()],
                )
            };
            let cedar = Request::new(
                uid("User", &format!("u{u}")),
                uid("Action", cap.as_str()),
                uid("Node", &format!("n{n}")),
                Context::empty(),
                None,
            )
            .unwrap();
            Query {
                user: UserId(format!("u{u}")),
                node: NodeId(format!("n{n}")),
                cap,
                cedar,
                path: rows.paths[n].clone(),
            }
        })
        .collect()
}

fn role_key(role: BuiltinRole) -> String {
    format!(
        "r{}",
        BuiltinRole::ALL.iter().position(|&r| r == role).unwrap()
    )
}

fn cedar(rows: &Rows) -> (PolicySet, Entities) {
    let mut policies = String::new();
    for &role in BuiltinRole::ALL {
        let key = role_key(role);
        policies.push_str(&format!(
            "permit(principal, action in Action::\"{key}\", resource) when {{ principal has {key} && resource in principal.{key} }};\n"
        ));
    }
    let policies = PolicySet::from_str(&policies).unwrap();
    let mut entities = Vec::new();
    for &cap in Capability::ALL {
        let groups: HashSet<EntityUid> = BuiltinRole::ALL
            .iter()
            .filter(|r| r.capabilities().contains(cap))
            .map(|&r| uid("Action", &role_key(r)))
            .collect();
        entities.push(Entity::new(uid("Action", cap.as_str()), HashMap::new(), groups).unwrap());
    }
    for &role in BuiltinRole::ALL {
        entities.push(Entity::new_no_attrs(
            uid("Action", &role_key(role)),
            HashSet::new(),
        ));
    }
    for node in &rows.nodes {
        let parents = node.parent.iter().map(|p| uid("Node", &p.0)).collect();
        entities.push(Entity::new_no_attrs(uid("Node", &node.id.0), parents));
    }
    let mut held: HashMap<&str, HashMap<String, Vec<String>>> = HashMap::new();
    for g in &rows.grants {
        let RoleRef::Builtin(role) = g.role else {
            unreachable!()
        };
        held.entry(&g.user.0)
            .or_default()
            .entry(role_key(role))
            .or_default()
            .push(g.node.0.clone());
    }
    for user in &rows.users {
        let attrs = held
            .get(user.id.0.as_str())
            .into_iter()
            .flatten()
            .map(|(key, nodes)| {
                let set = nodes
                    .iter()
                    .map(|n| RestrictedExpression::new_entity_uid(uid("Node", n)));
                (key.clone(), RestrictedExpression::new_set(set))
            })
            .collect();
        entities.push(Entity::new(uid("User", &user.id.0), attrs, HashSet::new()).unwrap());
    }
    (policies, Entities::from_entities(entities, None).unwrap())
}

const CASBIN_MODEL: &str = "
[request_definition]
r = sub, dom, act

[policy_definition]
p = sub, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && r.act == p.act
";

fn casbin(rows: &Rows, runtime: &tokio::runtime::Runtime) -> Enforcer {
    let mut policy = String::new();
    for &role in BuiltinRole::ALL {
        for cap in role.capabilities().iter() {
            policy.push_str(&format!("p, {}, {}\n", role_key(role), cap.as_str()));
        }
    }
    let path: HashMap<&str, &str> = rows
        .nodes
        .iter()
        .zip(&rows.paths)
        .map(|(n, p)| (n.id.0.as_str(), p.as_str()))
        .collect();
    for g in &rows.grants {
        let RoleRef::Builtin(role) = g.role else {
            unreachable!()
        };
        policy.push_str(&format!(
            "g, {}, {}, {}*\n",
            g.user.0,
            role_key(role),
            path[g.node.0.as_str()]
        ));
    }
    runtime.block_on(async {
        let model = DefaultModel::from_str(CASBIN_MODEL).await.unwrap();
        let mut enforcer = Enforcer::new(model, StringAdapter::new(policy))
            .await
            .unwrap();
        enforcer
            .get_role_manager()
            .write()
            .matching_fn(None, Some(casbin::function_map::key_match));
        enforcer.build_role_links().unwrap();
        enforcer
    })
}

fn percentiles(mut nanos: Vec<u64>) -> (f64, f64, f64) {
    nanos.sort_unstable();
    let at = |q: f64| nanos[((nanos.len() as f64 - 1.0) * q) as usize] as f64;
    let mean = nanos.iter().sum::<u64>() as f64 / nanos.len() as f64;
    (at(0.50), at(0.99), mean)
}

fn timed<F: FnMut(&Query) -> bool>(queries: &[Query], mut ask: F) -> Vec<u64> {
    queries
        .iter()
        .map(|q| {
            let start = Instant::now();
            black_box(ask(q));
            start.elapsed().as_nanos() as u64
        })
        .collect()
}

fn main() {
    let rows = rows();
    let snapshot = build(&rows);
    let queries = queries(&rows);
    let (policies, entities) = cedar(&rows);
    let authorizer = Authorizer::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let started = Instant::now();
    let enforcer = casbin(&rows, &runtime);
    let casbin_setup = started.elapsed();

    let ours = |q: &Query| snapshot.can(&q.user, q.cap, &q.node, NOW);
    let theirs_cedar = |q: &Query| {
        authorizer
            .is_authorized(&q.cedar, &policies, &entities)
            .decision()
            == Decision::Allow
    };
    let theirs_casbin = |q: &Query| {
        enforcer
            .enforce((q.user.0.as_str(), q.path.as_str(), q.cap.as_str()))
            .unwrap()
    };

    // The three must agree on every answer, or the comparison means nothing.
    let mut allowed = 0;
    for (k, q) in queries.iter().enumerate() {
        let (a, b) = (ours(q), theirs_cedar(q));
        assert_eq!(
            a, b,
            "Switchboard and Cedar disagree on {} {} {}",
            q.user, q.cap, q.node
        );
        if k < CASBIN_QUERIES {
            assert_eq!(
                a,
                theirs_casbin(q),
                "Switchboard and casbin disagree on {} {} {}",
                q.user,
                q.cap,
                q.node
            );
        }
        allowed += usize::from(a);
    }
    println!(
        "{} questions, {allowed} answered yes; Cedar agrees on all, casbin on the first {CASBIN_QUERIES}",
        queries.len()
    );

    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut group = criterion.benchmark_group("can");
    let mut i = 0;
    group.bench_function("switchboard", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            ours(&queries[i])
        })
    });
    group.bench_function("cedar-policy", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            theirs_cedar(&queries[i])
        })
    });
    group.bench_function("casbin", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            theirs_casbin(&queries[i])
        })
    });
    group.finish();
    criterion.bench_function("snapshot/build_10k_users", |b| b.iter(|| build(&rows)));

    let (p50, p99, mean) = percentiles(timed(&queries, ours));
    let (c50, c99, cmean) = percentiles(timed(&queries, theirs_cedar));
    let (k50, k99, kmean) = percentiles(timed(&queries[..CASBIN_QUERIES], theirs_casbin));
    let mut builds: Vec<u64> = (0..15)
        .map(|_| {
            let start = Instant::now();
            black_box(build(&rows));
            start.elapsed().as_nanos() as u64
        })
        .collect();
    builds.sort_unstable();

    let us = |ns: f64| format!("{:>9.3} µs", ns / 1_000.0);
    println!();
    println!(
        "can() — {USERS} users, {} nodes to depth {}, {} grants; single-call timings of {} questions ({CASBIN_QUERIES} for casbin)",
        rows.nodes.len(),
        LEVELS.len() - 1,
        rows.grants.len(),
        queries.len()
    );
    println!(
        "{:<14}{:>13}{:>13}{:>13}   {:>10}{:>10}",
        "engine", "p50", "p99", "mean", "p50 ×", "p99 ×"
    );
    println!(
        "{:<14}{}{}{}   {:>10}{:>10}",
        "switchboard",
        us(p50),
        us(p99),
        us(mean),
        "1.0",
        "1.0"
    );
    println!(
        "{:<14}{}{}{}   {:>9.1}×{:>9.1}×",
        "cedar-policy",
        us(c50),
        us(c99),
        us(cmean),
        c50 / p50,
        c99 / p99
    );
    println!(
        "{:<14}{}{}{}   {:>9.1}×{:>9.1}×",
        "casbin",
        us(k50),
        us(k99),
        us(kmean),
        k50 / p50,
        k99 / p99
    );
    println!("targets: p50 ≤ 1 µs, p99 ≤ 5 µs, at least 5× faster than Cedar and casbin");
    println!();
    println!(
        "snapshot build from rows: median {:.1} ms (best {:.1} ms) — target ≤ 50 ms; casbin's own load took {:.0} ms",
        builds[builds.len() / 2] as f64 / 1e6,
        builds[0] as f64 / 1e6,
        casbin_setup.as_secs_f64() * 1e3
    );
}
