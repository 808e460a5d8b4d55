//! The app's shared state and the steps that change it.

use domain::api::{Me, UserSummary};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::store::{DB_NAME, Store};

/// How fresh the shown data is.
#[derive(Clone, Debug, PartialEq)]
pub enum Sync {
    /// Shown from the local store; the network has not answered yet.
    Loading,
    /// The Worker confirmed what is shown.
    Fresh,
    /// The Worker cannot be reached; what is shown is the last saved data.
    Offline,
    /// The Worker answered with an error.
    Failed(String),
}

/// State shared by every page, through context.
#[derive(Clone, Copy, Debug)]
pub struct AppState {
    /// The signed-in person, from the store or the Worker.
    pub me: RwSignal<Option<Me>>,
    /// The users the person may see.
    pub users: RwSignal<Vec<UserSummary>>,
    pub sync: RwSignal<Sync>,
    /// Whether the start-up check (store, then network) has finished.
    pub started: RwSignal<bool>,
}

impl AppState {
    pub fn new() -> Self {
        Self {
            me: RwSignal::new(None),
            users: RwSignal::new(Vec::new()),
            sync: RwSignal::new(Sync::Loading),
            started: RwSignal::new(false),
        }
    }

    /// Start-up: show what the store has at once, then ask the Worker.
    pub async fn start(self) {
        if let Ok(store) = Store::open(DB_NAME).await
            && let Ok(Some(me)) = store.me().await
        {
            self.users.set(store.users().await.unwrap_or_default());
            self.me.set(Some(me));
        }
        match api::me().await {
            Ok(me) => {
                self.adopt(me).await;
                self.refresh_users().await;
            }
            Err(error) => self.on_error(error).await,
        }
        self.started.set(true);
    }

    /// Someone signed in: keep them, and drop a previous person's data.
    pub async fn adopt(self, me: Me) {
        if let Ok(store) = Store::open(DB_NAME).await {
            if store
                .me()
                .await
                .ok()
                .flatten()
                .is_some_and(|old| old.id != me.id)
            {
                let _ = store.clear().await;
                self.users.set(Vec::new());
            }
            let _ = store.save_me(&me).await;
        }
        self.me.set(Some(me));
    }

    /// Fetches the users and saves them for the next start.
    pub async fn refresh_users(self) {
        self.sync.set(Sync::Loading);
        match api::users().await {
            Ok(page) => {
                if let Ok(store) = Store::open(DB_NAME).await {
                    let _ = store.replace_users(&page.users).await;
                }
                self.users.set(page.users);
                self.sync.set(Sync::Fresh);
            }
            Err(error) => self.on_error(error).await,
        }
    }

    /// Signs out here and on the Worker, and forgets the local data.
    pub async fn sign_out(self) {
        let _ = api::sign_out().await;
        self.forget().await;
    }

    async fn forget(self) {
        if let Ok(store) = Store::open(DB_NAME).await {
            let _ = store.clear().await;
        }
        self.me.set(None);
        self.users.set(Vec::new());
        self.sync.set(Sync::Loading);
    }

    async fn on_error(self, error: ApiError) {
        match error {
            ApiError::SignedOut(_) => self.forget().await,
            ApiError::Offline => self.sync.set(Sync::Offline),
            other => self.sync.set(Sync::Failed(other.to_string())),
        }
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
