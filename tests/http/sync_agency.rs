//! The agency the sync convergence test runs in: three accounts, a Manager of each (the
//! clients, who sign in and make changes offline), three Agents in each account (whom they
//! suspend, unsuspend and rename) and an administrator at the top who gives and takes the
//! Managers' extra grants meanwhile. Seeded with the matrix agency (`xtask seed-matrix`).

use domain::{BuiltinRole, Millis, NodeKind};

use crate::matrix::{Person, agency_sql};

pub const AGENCY: &str = "ag_sync";
pub const ADMIN_EMAIL: &str = "admin@sync.example";
/// The accounts, each with one location under it.
pub const ACCOUNTS: [&str; 3] = ["s_a", "s_b", "s_c"];

/// Nodes: id, parent, kind, name.
pub const NODES: &[(&str, Option<&str>, NodeKind, &str)] = &[
    ("s_root", None, NodeKind::Agency, "Sync Agency"),
    ("s_a", Some("s_root"), NodeKind::Account, "Account A"),
    ("s_a1", Some("s_a"), NodeKind::Location, "A One"),
    ("s_b", Some("s_root"), NodeKind::Account, "Account B"),
    ("s_b1", Some("s_b"), NodeKind::Location, "B One"),
    ("s_c", Some("s_root"), NodeKind::Account, "Account C"),
    ("s_c1", Some("s_c"), NodeKind::Location, "C One"),
];

/// The i-th client's person (a Manager of account i).
pub fn manager(i: usize) -> String {
    format!("u_s_m{i}")
}

pub fn manager_email(i: usize) -> String {
    format!("manager{i}@sync.example")
}

/// The j-th Agent of account i.
pub fn agent(i: usize, j: usize) -> String {
    format!("u_s_a{i}{j}")
}

/// Everyone, the administrator first.
pub fn people() -> Vec<Person> {
    let mut out = vec![Person {
        id: "u_s_admin".into(),
        email: ADMIN_EMAIL.into(),
        name: "Sync Admin".into(),
        role: BuiltinRole::AgencyAdministrator,
        node: "s_root",
        signs_in: true,
    }];
    let locations = ["s_a1", "s_b1", "s_c1"];
    for (i, account) in ACCOUNTS.iter().enumerate() {
        out.push(Person {
            id: manager(i),
            email: manager_email(i),
            name: format!("Manager {i}"),
            role: BuiltinRole::Manager,
            node: account,
            signs_in: true,
        });
        for j in 0..3 {
            out.push(Person {
                id: agent(i, j),
                email: format!("agent{i}{j}@sync.example"),
                name: format!("Agent {i}{j}"),
                role: BuiltinRole::Agent,
                node: locations[i],
                signs_in: false,
            });
        }
    }
    out
}

/// The seed SQL; `password_hash` is the stored form of the demo password.
pub fn sql(now: Millis, password_hash: &str) -> String {
    let mut sql = String::from("-- The sync convergence test's agency (tests only).\n");
    sql.push_str(&agency_sql(
        AGENCY,
        "Sync Agency",
        NODES,
        &people(),
        now,
        password_hash,
    ));
    sql.push_str(&format!(
        "UPDATE agencies SET owner_id = 'u_s_admin' WHERE id = '{AGENCY}';\n"
    ));
    sql
}
