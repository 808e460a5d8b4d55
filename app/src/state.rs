//! The app's shared state and the steps that change it.
//!
//! The browser predicts, the Worker decides: `domain` decides a change on the device first (a
//! refusal there is shown, never queued); the change is then queued in the replica
//! (`domain::sync::Replica`), saved to IndexedDB, shown at once with its decided effect, and
//! pushed when the network allows. Pulls bring the rows the person may see now; the pending
//! changes are decided again on top of them.

use domain::UserId;
use domain::api::{Me, UserSummary};
use domain::command::OfflineCommand;
use domain::sync::PullResponse;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::store::{DB_NAME, Replica, Store};

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
    /// The users the person may see, with their pending changes applied.
    pub users: RwSignal<Vec<UserSummary>>,
    pub sync: RwSignal<Sync>,
    /// Whether the start-up check (store, then network) has finished.
    pub started: RwSignal<bool>,
    /// The rows, the queue of pending changes and the refusals to show.
    pub replica: RwSignal<Replica>,
    /// While a first (or reset) sync runs: how many people have arrived so far.
    pub progress: RwSignal<Option<usize>>,
    /// Right after signing in, someone with several agencies chooses one: these, the one used
    /// last (and signed in to now) first.
    pub choosing: RwSignal<Vec<domain::api::AgencySummary>>,
    /// A sync is running; another request for one waits for it and runs after.
    busy: StoredValue<bool>,
    again: StoredValue<bool>,
    /// Raised at every sign-out: a sync that began before it writes nothing after it (it
    /// would put the person's data back, and them on screen, once they had left).
    epoch: StoredValue<u64>,
}

/// A fresh id for this browser's client (random, 122 bits).
fn new_client_id() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("c{}", js_sys_now()))
}

/// The time now, in milliseconds since 1970.
pub fn now() -> domain::Millis {
    js_sys_now() as domain::Millis
}

fn js_sys_now() -> u64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0, |p| (p.time_origin() + p.now()) as u64)
}

impl AppState {
    pub fn new() -> Self {
        Self {
            me: RwSignal::new(None),
            users: RwSignal::new(Vec::new()),
            sync: RwSignal::new(Sync::Loading),
            started: RwSignal::new(false),
            replica: RwSignal::new(Replica::default()),
            progress: RwSignal::new(None),
            choosing: RwSignal::new(Vec::new()),
            busy: StoredValue::new(false),
            epoch: StoredValue::new(0),
            again: StoredValue::new(false),
        }
    }

    fn show(self) {
        let now = js_sys_now() as domain::Millis;
        self.users.set(self.replica.with_untracked(|r| r.view(now)));
    }

    /// Start-up: show what the store has at once, then ask the Worker.
    pub async fn start(self) {
        if let Ok(store) = Store::open(DB_NAME).await
            && let Ok(Some(me)) = store.me().await
        {
            let replica = match store.replica().await {
                Ok(Some(replica)) => replica,
                // Saved by a build before offline sync: the rows, to show until the first pull.
                _ => Replica {
                    rows: store
                        .users()
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .map(|u| (u.id.clone(), u))
                        .collect(),
                    ..Replica::new(new_client_id())
                },
            };
            self.replica.set(replica);
            self.show();
            self.me.set(Some(me));
        }
        match api::me().await {
            Ok(me) => {
                self.adopt(me).await;
                self.started.set(true);
                self.sync_now().await;
            }
            Err(error) => self.on_error(error).await,
        }
        self.started.set(true);
    }

    /// Whether to go on with something that forgets this browser's data (signing out,
    /// switching agency): at once when no change waits to reach Switchboard, else the person
    /// is asked, since those changes would be lost. `doing` completes "… anyway?".
    pub fn may_forget_pending(self, doing: &str) -> bool {
        let waiting = self.replica.with_untracked(|r| r.pending.len());
        waiting == 0
            || web_sys::window().is_some_and(|w| {
                w.confirm_with_message(&format!(
                    "{waiting} change(s) have not reached Switchboard yet and will be lost. {doing} anyway?"
                ))
                .unwrap_or(false)
            })
    }

    /// Moves the sign-in to another of the person's agencies: a new session there, and this
    /// browser's data of the other agency forgotten.
    pub async fn switch_agency(self, agency: String) -> Result<(), api::ApiError> {
        let me = api::switch_agency(&agency).await?;
        // The new agency's person first, then the screens: none is drawn for the old one.
        self.adopt(me).await;
        self.choosing.set(Vec::new());
        self.sync_now().await;
        Ok(())
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
                self.replica.set(Replica::default());
                self.show();
            }
            let _ = store.save_me(&me).await;
        }
        if self.replica.with_untracked(|r| r.client.is_empty()) {
            self.replica.set(Replica::new(new_client_id()));
        }
        request_persistent_storage();
        self.me.set(Some(me));
    }

    /// Decides a change on this device with `domain`: one it refuses is shown with its reason
    /// and never queued. Otherwise the change is queued: saved durably first, then shown with
    /// its effect, then sent, and the Worker decides it again on everything.
    pub async fn change(self, command: OfflineCommand) {
        let now = js_sys_now() as domain::Millis;
        if let Some(Err(refusal)) = self
            .replica
            .with_untracked(|r| r.decide_here(&command, now))
        {
            self.replica.update(|r| r.refuse_here(command, &refusal));
            if let Ok(store) = Store::open(DB_NAME).await {
                let _ = store.save_refusals(&self.replica.get_untracked()).await;
            }
            return;
        }
        let mutation = self
            .replica
            .try_update(|r| r.enqueue(command))
            .expect("the replica lives as long as the app");
        let saved = match Store::open(DB_NAME).await {
            Ok(store) => {
                let replica = self.replica.get_untracked();
                store.save_queued(&replica, &mutation).await
            }
            Err(error) => Err(error),
        };
        if let Err(error) = saved {
            // Not saved, so not kept: the person is told, and nothing pretends otherwise.
            self.replica
                .update(|r| r.pending.retain(|m| m.id != mutation.id));
            self.sync
                .set(Sync::Failed(format!("The change was not saved: {error}")));
            return;
        }
        self.show();
        spawn_local(self.sync_now());
    }

    /// The person has read a refusal.
    pub async fn dismiss(self, id: String) {
        self.replica
            .update(|r| r.refused.retain(|x| x.mutation.id != id));
        if let Ok(store) = Store::open(DB_NAME).await {
            let _ = store.dismiss_refused(&id).await;
        }
    }

    /// Pushes what is queued, then pulls what changed. One at a time; a request that arrives
    /// meanwhile runs once the current one ends.
    pub async fn sync_now(self) {
        if self.me.get_untracked().is_none() {
            return;
        }
        if self.busy.get_value() {
            self.again.set_value(true);
            return;
        }
        self.busy.set_value(true);
        loop {
            self.again.set_value(false);
            self.sync_once().await;
            if !self.again.get_value() {
                break;
            }
        }
        self.busy.set_value(false);
    }

    async fn sync_once(self) {
        let epoch = self.epoch.get_value();
        // Whether the person who started this sync is still the one signed in.
        let current = move || self.epoch.get_value() == epoch;
        self.sync.set(Sync::Loading);
        let Ok(store) = Store::open(DB_NAME).await else {
            self.sync.set(Sync::Failed(
                "This browser's storage cannot be opened.".into(),
            ));
            return;
        };
        // Who the person is now, with their capabilities: a demotion shows at the next sync.
        let answer = api::me().await;
        if !current() {
            return;
        }
        match answer {
            Ok(me) => {
                if self.me.get_untracked().as_ref() != Some(&me) {
                    let _ = store.save_me(&me).await;
                    self.me.set(Some(me));
                }
            }
            Err(error) => return self.on_error(error).await,
        }
        // Someone who may see nobody (an Agent) has no list to keep: their home is their
        // account, and a pull would only be refused.
        let sees_people = self.me.with_untracked(|me| {
            me.as_ref().is_some_and(|me| {
                me.access
                    .iter()
                    .any(|a| a.capabilities.contains(domain::Capability::UsersView))
            })
        });
        if !sees_people && self.replica.with_untracked(|r| r.pending.is_empty()) {
            self.sync.set(Sync::Fresh);
            return;
        }
        if let Some(request) = self.replica.with_untracked(Replica::push_request) {
            let answer = api::push(&request).await;
            if !current() {
                return;
            }
            match answer {
                Ok(response) => {
                    self.replica.update(|r| r.on_push(&response));
                    let replica = self.replica.get_untracked();
                    let _ = store.save_push(&replica, &response).await;
                    self.show();
                }
                Err(error) => return self.on_error(error).await,
            }
        }
        let mut after: Option<String> = None;
        let query = |after: Option<&str>| self.replica.with_untracked(|r| r.pull_query(after));
        let mut in_flight = api::pull(&query(None));
        loop {
            // The next page of a reset is asked for as soon as this one's headers name it, so
            // the Worker makes it while this one is read.
            let answer = match in_flight {
                Ok(pull) => pull.head().await,
                Err(error) => Err(error),
            };
            let head = match answer {
                Ok(head) => head,
                Err(error) => {
                    self.progress.set(None);
                    return self.on_error(error).await;
                }
            };
            let asked = head.next.clone();
            in_flight = match &asked {
                Some(next) => api::pull(&query(Some(next))),
                None => Err(ApiError::Unexpected("no next page".into())),
            };
            let body = head.body().await;
            if !current() {
                self.progress.set(None);
                return;
            }
            let response: PullResponse = match body {
                Ok(response) => response,
                Err(error) => {
                    self.progress.set(None);
                    return self.on_error(error).await;
                }
            };
            let reset = response.reset;
            let changed = response.upserts.clone();
            let removed = response.removed.clone();
            let next = self
                .replica
                .try_update(|r| r.on_pull(response, after.as_deref()))
                .flatten();
            match next {
                Some(next) => {
                    let arrived = self
                        .replica
                        .with_untracked(|r| r.staging.as_ref().map_or(0, |(_, s)| s.len()));
                    self.progress.set(Some(arrived));
                    // The header and the body name the same page; should they not, the page
                    // the body names is asked for instead.
                    if asked.as_deref() != Some(next.as_str()) {
                        in_flight = api::pull(&query(Some(&next)));
                    }
                    after = Some(next);
                }
                None => {
                    // Shown first: pulled rows are the Worker's, and a pull cut short by a
                    // kill is simply asked again; saving them does not hold the person up.
                    self.progress.set(None);
                    self.show();
                    after_paint().await;
                    if !current() {
                        return;
                    }
                    let saving = self
                        .replica
                        .with_untracked(|r| store.begin_pull(r, reset, &changed, &removed));
                    if let Ok(tx) = saving {
                        let _ = tx.commit().await;
                    }
                    break;
                }
            }
        }
        self.sync.set(Sync::Fresh);
    }

    /// Signs out here and on the Worker, and forgets the local data.
    pub async fn sign_out(self) {
        let _ = api::sign_out().await;
        self.forget().await;
    }

    async fn forget(self) {
        self.epoch.update_value(|e| *e += 1);
        if let Ok(store) = Store::open(DB_NAME).await {
            let _ = store.clear().await;
        }
        self.me.set(None);
        self.replica.set(Replica::default());
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

    /// What the signed-in person may do where, as a Memo: a fresher `me` that gives the same
    /// access notifies nobody, so a screen reading it is not drawn again (typing stays).
    pub fn access(self) -> Memo<Vec<domain::explain::AccessAt>> {
        Memo::new(move |_| {
            self.me
                .with(|m| m.as_ref().map(|m| m.access.clone()).unwrap_or_default())
        })
    }

    /// Whether the signed-in person has `capability` at some node, as the Worker last said;
    /// read in a view, the view follows it (a demotion takes the buttons away at once).
    pub fn may_anywhere(self, capability: domain::Capability) -> bool {
        self.me.with(|me| {
            me.as_ref().is_some_and(|me| {
                me.access
                    .iter()
                    .any(|a| a.capabilities.contains(capability))
            })
        })
    }

    /// Whether this person is the signed-in one.
    pub fn is_me(self, user: &UserId) -> bool {
        self.me
            .with_untracked(|me| me.as_ref().is_some_and(|me| &me.id == user))
    }
}

/// Resolves once the browser has had a frame to paint what was just shown.
async fn after_paint() {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let Some(window) = web_sys::window() else {
        return;
    };
    let promise = wasm_bindgen_futures::js_sys::Promise::new(&mut |resolve, _| {
        let window_ = window.clone();
        let next_task = Closure::once_into_js(move || {
            let _ = window_.set_timeout_with_callback(resolve.unchecked_ref());
        });
        let _ = window.request_animation_frame(next_task.unchecked_ref());
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Asks the browser not to evict the saved data under storage pressure.
fn request_persistent_storage() {
    if let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) {
        let _ = storage.persist();
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
