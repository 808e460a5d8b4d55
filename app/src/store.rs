//! The app's local store over IndexedDB.
//!
//! The schema is versioned: [`Version`] lists every version, and opening runs one upgrade
//! step per version between the one on disk and [`Version::LATEST`], so a browser that last
//! ran any older build is brought forward in order.

use domain::api::{Me, UserSummary};
use indexed_db_futures::database::{Database, VersionChangeEvent};
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;

/// The database the app uses. Tests open others by name.
pub const DB_NAME: &str = "switchboard";

const META: &str = "meta";
const USERS: &str = "users";
const ME_KEY: &str = "me";

/// The versions of the local schema, each with one upgrade step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u32)]
pub enum Version {
    /// `meta` (the signed-in person) and `users` (keyed by id).
    V1 = 1,
}

impl Version {
    /// The version this build writes.
    pub const LATEST: Version = Version::V1;
    /// Every version, oldest first.
    pub const ALL: &'static [Version] = &[Version::V1];

    fn upgrade(self, db: &Database) -> Result<(), indexed_db_futures::error::Error> {
        match self {
            Version::V1 => {
                db.create_object_store(META).build()?;
                db.create_object_store(USERS)
                    .with_key_path("id".into())
                    .build()?;
            }
        }
        Ok(())
    }
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

    /// Every saved user, ordered by name as the Worker orders them.
    pub async fn users(&self) -> Result<Vec<UserSummary>, StoreError> {
        let tx = self.db.transaction(USERS).build()?;
        let store = tx.object_store(USERS)?;
        let mut users: Vec<UserSummary> =
            store.get_all().serde()?.await?.collect::<Result<_, _>>()?;
        users.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.id.cmp(&b.id))
        });
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
            .transaction([META, USERS])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(META)?.clear()?;
        tx.object_store(USERS)?.clear()?;
        tx.commit().await?;
        Ok(())
    }
}
