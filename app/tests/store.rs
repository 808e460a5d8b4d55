//! The IndexedDB store, in headless Chromium: a fresh database per test.
#![cfg(target_arch = "wasm32")]

use app::store::{Store, Version};
use domain::api::{AgencySummary, Me, RoleAtNode, UserSummary};
use domain::{UserId, UserState};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

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
    UserSummary {
        id: UserId(id.into()),
        name: name.into(),
        email: format!("{id}@example.com"),
        state: UserState::Active,
        roles: vec![RoleAtNode {
            role: "Agent".into(),
            node: "Acme".into(),
            grant: "g1".into(),
            node_id: "n_acme".into(),
            starts_at: None,
            ends_at: None,
        }],
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
        assert_eq!(stores, ["meta", "users"], "from {from:?}");
        drop(store);
        Store::delete(&name).await.unwrap();
    }
}
