//! The app's local store over IndexedDB.
//!
//! The schema is versioned: [`Version`] lists every version, and opening runs one upgrade
//! step per version between the one on disk and [`Version::LATEST`], so a browser that last
//! ran any older build is brought forward in order.

use domain::api::{Me, UserSummary};
use domain::command::OfflineCommand;
use domain::sync::PushResponse;

/// The replica the console keeps: its queue carries only the changes it makes offline.
pub type Replica = domain::sync::Replica<OfflineCommand>;
type Mutation = domain::sync::Mutation<OfflineCommand>;
type Refused = domain::sync::Refused<OfflineCommand>;
use indexed_db_futures::database::{Database, VersionChangeEvent};
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionMode};
use serde::{Deserialize, Serialize};

/// The database the app uses. Tests open others by name.
pub const DB_NAME: &str = "switchboard";

const META: &str = "meta";
const USERS: &str = "users";
const QUEUE: &str = "queue";
const REFUSED: &str = "refused";
/// The agency's other lists the screens read (nodes, roles, invitations, …), each kept as
/// the JSON text of its last answer, under the API path it came from.
const LISTS: &str = "lists";
const ME_KEY: &str = "me";
const SYNC_KEY: &str = "sync";
/// The meta record of the sync context (`domain::sync::Context`), as JSON text.
const CONTEXT_KEY: &str = "context";

/// The versions of the local schema, each with one upgrade step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u32)]
pub enum Version {
    /// `meta` (the signed-in person) and `users` (keyed by id).
    V1 = 1,
    /// Offline changes: `queue` (pending mutations) and `refused` (the ones the Worker
    /// refused, kept to show why), both keyed by mutation id and kept as JSON text; `meta`
    /// gains the sync state.
    V2 = 2,
    /// `lists`: the last answer of each list a screen reads, so it opens offline.
    V3 = 3,
}

impl Version {
    /// The version this build writes.
    pub const LATEST: Version = Version::V3;
    /// Every version, oldest first.
    pub const ALL: &'static [Version] = &[Version::V1, Version::V2, Version::V3];

    fn upgrade(self, db: &Database) -> Result<(), indexed_db_futures::error::Error> {
        match self {
            Version::V1 => {
                db.create_object_store(META).build()?;
                db.create_object_store(USERS)
                    .with_key_path("id".into())
                    .build()?;
            }
            Version::V2 => {
                db.create_object_store(QUEUE).build()?;
                db.create_object_store(REFUSED).build()?;
            }
            Version::V3 => {
                db.create_object_store(LISTS).build()?;
            }
        }
        Ok(())
    }
}

/// The sync state kept beside the rows: everything of a [`Replica`] but its rows, queue and
/// refusals, which have stores of their own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct SyncMeta {
    client: String,
    version: u64,
    reach: Option<String>,
    made: u64,
}

/// A queued mutation with its place in the queue.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Queued {
    seq: u64,
    mutation: Mutation,
}

// Queued and refused mutations are kept as JSON text: the commands they carry are already
// written as JSON for the Worker, and a second encoding of every command would cost the app's
// WASM size for nothing.
fn to_json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError(e.to_string()))
}

fn from_json<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError(e.to_string()))
}

/// Why the local store failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the local store failed: {0}")]
pub struct StoreError(String);

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(error: indexed_db_futures::error::Error) -> Self {
        StoreError(error.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StoreError {
    fn from(error: indexed_db_futures::error::OpenDbError) -> Self {
        StoreError(error.to_string())
    }
}

/// An open local store. Dropping it closes the connection, so that an upgrade or a deletion
/// elsewhere is never blocked by a connection nobody uses any more.
#[derive(Debug)]
pub struct Store {
    db: Database,
}

impl Drop for Store {
    fn drop(&mut self) {
        self.db.clone().close();
    }
}

impl Store {
    /// Opens (creating or upgrading as needed) the store named `name`.
    pub async fn open(name: &str) -> Result<Self, StoreError> {
        Self::open_at(name, Version::LATEST).await
    }

    /// Opens the store at a given schema version; tests use it to build older databases.
    pub async fn open_at(name: &str, version: Version) -> Result<Self, StoreError> {
        let db = Database::open(name)
            .with_version(version as u32)
            .with_on_upgrade_needed(move |event: VersionChangeEvent, db: Database| {
                let from = event.old_version() as u32;
                for &step in Version::ALL {
                    if (step as u32) > from && step <= version {
                        step.upgrade(&db)?;
                    }
                }
                Ok(())
            })
            .await?;
        Ok(Self { db })
    }

    /// Deletes the store named `name` entirely.
    pub async fn delete(name: &str) -> Result<(), StoreError> {
        Database::delete_by_name(name)?.await?;
        Ok(())
    }

    /// The names of the object stores, for tests of upgrades.
    pub fn object_store_names(&self) -> Vec<String> {
        self.db.object_store_names().collect()
    }

    /// The person who last signed in on this browser.
    pub async fn me(&self) -> Result<Option<Me>, StoreError> {
        let tx = self.db.transaction(META).build()?;
        let store = tx.object_store(META)?;
        Ok(store.get(ME_KEY).serde()?.await?)
    }

    /// Remembers the signed-in person.
    pub async fn save_me(&self, me: &Me) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(META)?
            .put(me)
            .with_key(ME_KEY.to_owned())
            .serde()?
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The last answer kept for `key` (an API path), as JSON text.
    pub async fn list(&self, key: &str) -> Result<Option<String>, StoreError> {
        let tx = self.db.transaction(LISTS).build()?;
        Ok(tx.object_store(LISTS)?.get(key).serde()?.await?)
    }

    /// Keeps the answer for `key`, replacing the one before.
    pub async fn save_list(&self, key: &str, json: &str) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(LISTS)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(LISTS)?
            .put(json)
            .with_key(key.to_owned())
            .serde()?;
        tx.commit().await?;
        Ok(())
    }

    /// Every saved user, ordered by name as the Worker orders them.
    pub async fn users(&self) -> Result<Vec<UserSummary>, StoreError> {
        let tx = self.db.transaction(USERS).build()?;
        let store = tx.object_store(USERS)?;
        let mut users: Vec<UserSummary> =
            store.get_all().serde()?.await?.collect::<Result<_, _>>()?;
        UserSummary::sort_for_list(&mut users);
        Ok(users)
    }

    /// Replaces the saved users with `users`, all or nothing.
    pub async fn replace_users(&self, users: &[UserSummary]) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(USERS)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let store = tx.object_store(USERS)?;
        store.clear()?;
        for user in users {
            store.put(user).serde()?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Forgets everything: on sign-out, and when another person signs in.
    pub async fn clear(&self) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([META, USERS, QUEUE, REFUSED, LISTS])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        for store in [META, USERS, QUEUE, REFUSED, LISTS] {
            tx.object_store(store)?.clear()?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The replica as last saved, or `None` before the first sync on this browser.
    pub async fn replica(&self) -> Result<Option<Replica>, StoreError> {
        let tx = self.db.transaction([META, USERS, QUEUE, REFUSED]).build()?;
        let meta: Option<SyncMeta> = tx.object_store(META)?.get(SYNC_KEY).serde()?.await?;
        let Some(meta) = meta else {
            return Ok(None);
        };
        let context: Option<String> = tx.object_store(META)?.get(CONTEXT_KEY).serde()?.await?;
        let context = context.as_deref().map(from_json).transpose()?;
        let users: Vec<UserSummary> = tx
            .object_store(USERS)?
            .get_all()
            .serde()?
            .await?
            .collect::<Result<_, _>>()?;
        let queued: Vec<String> = tx
            .object_store(QUEUE)?
            .get_all()
            .serde()?
            .await?
            .collect::<Result<_, _>>()?;
        let mut queued: Vec<Queued> = queued
            .iter()
            .map(|q| from_json(q))
            .collect::<Result<_, _>>()?;
        queued.sort_by_key(|q| q.seq);
        let refused: Vec<String> = tx
            .object_store(REFUSED)?
            .get_all()
            .serde()?
            .await?
            .collect::<Result<_, _>>()?;
        let mut refused: Vec<(u64, Refused)> = refused
            .iter()
            .map(|r| from_json(r))
            .collect::<Result<_, _>>()?;
        refused.sort_by_key(|(seq, _)| *seq);
        Ok(Some(Replica {
            client: meta.client,
            version: meta.version,
            reach: meta.reach,
            rows: users.into_iter().map(|u| (u.id.clone(), u)).collect(),
            staging: None,
            pending: queued.into_iter().map(|q| q.mutation).collect(),
            refused: refused.into_iter().map(|(_, r)| r).collect(),
            made: meta.made,
            context,
            staging_context: None,
        }))
    }

    fn meta_of(replica: &Replica) -> SyncMeta {
        SyncMeta {
            client: replica.client.clone(),
            version: replica.version,
            reach: replica.reach.clone(),
            made: replica.made,
        }
    }

    /// Saves a mutation just queued (and the replica's count of mutations made), durably,
    /// before the interface shows it.
    pub async fn save_queued(
        &self,
        replica: &Replica,
        mutation: &Mutation,
    ) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([META, QUEUE])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        Self::put_sync_state(&tx, replica)?;
        let queued = Queued {
            seq: replica.made,
            mutation: mutation.clone(),
        };
        tx.object_store(QUEUE)?
            .put(to_json(&queued)?)
            .with_key(mutation.id.clone())
            .serde()?;
        tx.commit().await?;
        Ok(())
    }

    /// Saves a push's answer: answered mutations leave the queue, refused ones are kept.
    pub async fn save_push(
        &self,
        replica: &Replica,
        response: &PushResponse,
    ) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([QUEUE, REFUSED])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let queue = tx.object_store(QUEUE)?;
        for result in &response.results {
            queue.delete(result.id.as_str()).primitive()?;
        }
        Self::put_refusals(&tx, replica)?;
        tx.commit().await?;
        Ok(())
    }

    /// Saves the refusals (one just made on this device among them) and the count of
    /// mutations made, which names them.
    pub async fn save_refusals(&self, replica: &Replica) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([META, REFUSED])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        Self::put_sync_state(&tx, replica)?;
        Self::put_refusals(&tx, replica)?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes the replica's refusals, in order, inside `tx`.
    /// Writes the replica's sync state (versions, reach, the count of mutations made).
    fn put_sync_state(tx: &Transaction<'_>, replica: &Replica) -> Result<(), StoreError> {
        tx.object_store(META)?
            .put(Self::meta_of(replica))
            .with_key(SYNC_KEY.to_owned())
            .serde()?;
        Ok(())
    }

    fn put_refusals(tx: &Transaction<'_>, replica: &Replica) -> Result<(), StoreError> {
        let refused = tx.object_store(REFUSED)?;
        for (seq, refusal) in replica.refused.iter().enumerate() {
            refused
                .put(to_json(&(seq as u64, refusal))?)
                .with_key(refusal.mutation.id.clone())
                .serde()?;
        }
        Ok(())
    }

    /// Forgets a refusal the person has read.
    pub async fn dismiss_refused(&self, id: &str) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(REFUSED)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(REFUSED)?.delete(id).primitive()?;
        tx.commit().await?;
        Ok(())
    }

    /// Saves what a pull brought: all rows after a reset, else the changed and removed ones;
    /// and the version and reach they are at. One transaction: all or nothing.
    pub async fn save_pull(
        &self,
        replica: &Replica,
        reset: bool,
        changed: &[UserSummary],
        removed: &[domain::UserId],
    ) -> Result<(), StoreError> {
        self.begin_pull(replica, reset, changed, removed)?
            .commit()
            .await?;
        Ok(())
    }

    /// [`Store::save_pull`] up to the commit: the rows are copied into the transaction at once,
    /// so the caller need not keep (or clone) the replica while it commits.
    pub fn begin_pull(
        &self,
        replica: &Replica,
        reset: bool,
        changed: &[UserSummary],
        removed: &[domain::UserId],
    ) -> Result<Transaction<'_>, StoreError> {
        let tx = self
            .db
            .transaction([META, USERS])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        {
            let users = tx.object_store(USERS)?;
            if reset {
                users.clear()?;
                for user in replica.rows.values() {
                    users.put(user).serde()?;
                }
            } else {
                for user in changed {
                    users.put(user).serde()?;
                }
                for id in removed {
                    users.delete(id.0.as_str()).primitive()?;
                }
            }
            Self::put_sync_state(&tx, replica)?;
            if reset && let Some(context) = &replica.context {
                tx.object_store(META)?
                    .put(to_json(context)?)
                    .with_key(CONTEXT_KEY.to_owned())
                    .serde()?;
            }
        }
        Ok(tx)
    }
}
