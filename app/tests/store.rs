//! The IndexedDB store, in headless Chromium: a fresh database per test.
#![cfg(target_arch = "wasm32")]

use app::store::Replica;
use app::store::{Store, Version};
use domain::api::{AgencySummary, Me, Problem, RoleAtNode, UserSummary};
use domain::command::OfflineCommand;
use domain::sync::{Context, Outcome, PullResponse, PushResponse, PushResult};
use domain::{Agency, Node, NodeId, NodeKind, Plan, UserId, UserState};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const NOW: domain::Millis = 1_800_000_000_000;

/// A database name no other test uses.
fn fresh_name(test: &str) -> String {
    format!("test-{test}-{}", js_sys_random())
}

fn js_sys_random() -> u64 {
    (web_sys_random() * 1e12) as u64
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Math, js_name = random)]
    fn web_sys_random() -> f64;
}

fn user(id: &str, name: &str) -> UserSummary {
    UserSummary::new(
        UserId(id.into()),
        name,
        &format!("{id}@example.com"),
        UserState::Active,
        vec![RoleAtNode {
            role: "Agent".into(),
            node: "Acme".into(),
            grant: "g1".into(),
            node_id: "n_acme".into(),
            custom_role: None,
            starts_at: None,
            ends_at: None,
        }],
    )
}

/// The signed-in person (`me`): Administrator of the whole agency.
fn admin() -> UserSummary {
    UserSummary {
        roles: vec![RoleAtNode {
            role: "Agency Administrator".into(),
            node: "Agency".into(),
            grant: "g_admin".into(),
            node_id: "n_top".into(),
            custom_role: None,
            starts_at: None,
            ends_at: None,
        }],
        ..user("u1", "Ada")
    }
}

/// What a reset brings for deciding on the device.
fn context() -> Context {
    let node = |id: &str, parent: Option<&str>, kind| Node {
        id: id.into(),
        parent: parent.map(NodeId::from),
        kind,
        name: id.into(),
    };
    Context {
        actor: UserId("u1".into()),
        agency: Agency::new("ag", "Agency", Plan::Unlimited, UserId("u1".into()), 0),
        nodes: vec![
            node("n_top", None, NodeKind::Agency),
            node("n_acme", Some("n_top"), NodeKind::Account),
        ],
        roles: vec![],
    }
}

fn me() -> Me {
    Me {
        id: UserId("u1".into()),
        name: "Ada".into(),
        email: "ada@example.com".into(),
        agency: AgencySummary {
            id: "ag".into(),
            name: "Agency".into(),
        },
        two_factor_required: false,
        access: vec![],
        agencies: vec![],
    }
}

#[wasm_bindgen_test]
async fn users_survive_closing_and_reopening_the_store() {
    let name = fresh_name("reopen");
    {
        let store = Store::open(&name).await.unwrap();
        store
            .replace_users(&[user("b", "bea"), user("a", "Al")])
            .await
            .unwrap();
        store.save_me(&me()).await.unwrap();
    }
    let store = Store::open(&name).await.unwrap();
    let users = store.users().await.unwrap();
    let names: Vec<_> = users.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["Al", "bea"], "sorted by name regardless of case");
    assert_eq!(store.me().await.unwrap(), Some(me()));
    drop(store);
    Store::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn replacing_users_drops_the_ones_no_longer_there() {
    let name = fresh_name("replace");
    let store = Store::open(&name).await.unwrap();
    store
        .replace_users(&[user("a", "A"), user("b", "B")])
        .await
        .unwrap();
    store.replace_users(&[user("b", "B")]).await.unwrap();
    assert_eq!(store.users().await.unwrap(), vec![user("b", "B")]);
    drop(store);
    Store::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn clearing_forgets_the_person_and_their_users() {
    let name = fresh_name("clear");
    let store = Store::open(&name).await.unwrap();
    store.save_me(&me()).await.unwrap();
    store.replace_users(&[user("a", "A")]).await.unwrap();
    store.clear().await.unwrap();
    assert_eq!(store.me().await.unwrap(), None);
    assert!(store.users().await.unwrap().is_empty());
    drop(store);
    Store::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn every_older_version_upgrades_to_the_latest() {
    for &from in Version::ALL {
        let name = fresh_name("upgrade");
        let old = Store::open_at(&name, from).await.unwrap();
        old.replace_users(&[user("a", "A")]).await.unwrap();
        drop(old);
        let store = Store::open(&name).await.unwrap();
        assert_eq!(
            store.users().await.unwrap(),
            vec![user("a", "A")],
            "data kept from {from:?}"
        );
        let mut stores = store.object_store_names();
        stores.sort();
        assert_eq!(
            stores,
            ["lists", "meta", "queue", "refused", "users"],
            "from {from:?}"
        );
        drop(store);
        Store::delete(&name).await.unwrap();
    }
}

fn pulled(
    replica: &mut Replica,
    version: u64,
    reset: bool,
    upserts: Vec<UserSummary>,
    removed: &[&str],
) {
    replica.on_pull(
        PullResponse {
            version,
            reach: "0123456789abcdef".into(),
            reset,
            upserts,
            removed: removed.iter().map(|id| UserId((*id).into())).collect(),
            next: None,
            context: reset.then(context),
        },
        None,
    );
}

#[wasm_bindgen_test]
async fn a_queued_change_and_the_sync_state_survive_closing_the_store() {
    let name = fresh_name("queue");
    let mut replica = Replica::new("client-1");
    {
        let store = Store::open(&name).await.unwrap();
        pulled(
            &mut replica,
            7,
            true,
            vec![admin(), user("a", "A"), user("b", "B")],
            &[],
        );
        store.save_pull(&replica, true, &[], &[]).await.unwrap();
        for user in ["a", "b"] {
            let mutation = replica.enqueue(OfflineCommand::Suspend {
                user: UserId(user.into()),
            });
            store.save_queued(&replica, &mutation).await.unwrap();
        }
    }
    // Killed and opened again: everything the replica needs is there, in order.
    let store = Store::open(&name).await.unwrap();
    let saved = store.replica().await.unwrap().expect("a saved replica");
    assert_eq!(saved, replica);
    assert_eq!(saved.pending.len(), 2);
    assert!(
        saved.context.is_some(),
        "the context is saved with the rows"
    );
    let view = saved.view(NOW);
    assert_eq!(
        view.iter().find(|u| u.id.0 == "a").map(|u| u.state),
        Some(UserState::Suspended),
        "decided on the saved rows"
    );
    drop(store);
    Store::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn answered_changes_leave_the_queue_and_refusals_stay_until_dismissed() {
    let name = fresh_name("answers");
    let store = Store::open(&name).await.unwrap();
    let mut replica = Replica::new("client-1");
    pulled(&mut replica, 1, true, vec![user("a", "A")], &[]);
    store.save_pull(&replica, true, &[], &[]).await.unwrap();
    let applied = replica.enqueue(OfflineCommand::Suspend {
        user: UserId("a".into()),
    });
    store.save_queued(&replica, &applied).await.unwrap();
    let refused = replica.enqueue(OfflineCommand::Suspend {
        user: UserId("zz".into()),
    });
    store.save_queued(&replica, &refused).await.unwrap();
    let response = PushResponse {
        results: vec![
            PushResult {
                id: applied.id.clone(),
                outcome: Outcome::Applied,
            },
            PushResult {
                id: refused.id.clone(),
                outcome: Outcome::Refused {
                    problem: Problem {
                        kind: "about:blank".into(),
                        title: "Not found".into(),
                        status: 404,
                        detail: "There is no such person.".into(),
                        rule: None,
                        errors: vec![],
                    },
                },
            },
        ],
    };
    replica.on_push(&response);
    store.save_push(&replica, &response).await.unwrap();
    let saved = store.replica().await.unwrap().unwrap();
    assert!(saved.pending.is_empty());
    assert_eq!(saved.refused.len(), 1);
    assert_eq!(saved.refused[0].mutation.id, refused.id);
    store.dismiss_refused(&refused.id).await.unwrap();
    assert!(store.replica().await.unwrap().unwrap().refused.is_empty());
    drop(store);
    Store::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_increment_changes_and_removes_rows_and_a_reset_replaces_them() {
    let name = fresh_name("pulls");
    let store = Store::open(&name).await.unwrap();
    let mut replica = Replica::new("client-1");
    pulled(
        &mut replica,
        1,
        true,
        vec![user("a", "A"), user("b", "B")],
        &[],
    );
    store.save_pull(&replica, true, &[], &[]).await.unwrap();
    let changed = vec![user("a", "Ann")];
    pulled(&mut replica, 2, false, changed.clone(), &["b"]);
    store
        .save_pull(&replica, false, &changed, &[UserId("b".into())])
        .await
        .unwrap();
    assert_eq!(store.users().await.unwrap(), vec![user("a", "Ann")]);
    pulled(&mut replica, 9, true, vec![user("c", "C")], &[]);
    store.save_pull(&replica, true, &[], &[]).await.unwrap();
    let saved = store.replica().await.unwrap().unwrap();
    assert_eq!(saved.version, 9);
    assert_eq!(saved.rows.len(), 1);
    assert_eq!(store.users().await.unwrap(), vec![user("c", "C")]);
    store.clear().await.unwrap();
    assert_eq!(
        store.replica().await.unwrap(),
        None,
        "clearing forgets the sync state too"
    );
    drop(store);
    Store::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_kept_list_is_read_back_and_forgotten_on_sign_out() {
    let name = fresh_name("lists");
    let store = Store::open(&name).await.unwrap();
    assert_eq!(store.list("/nodes").await.unwrap(), None);
    store.save_list("/nodes", "{\"nodes\":[]}").await.unwrap();
    store.save_list("/nodes", "{\"nodes\":[1]}").await.unwrap();
    assert_eq!(
        store.list("/nodes").await.unwrap().as_deref(),
        Some("{\"nodes\":[1]}")
    );
    store.clear().await.unwrap();
    assert_eq!(store.list("/nodes").await.unwrap(), None);
    drop(store);
    Store::delete(&name).await.unwrap();
}
