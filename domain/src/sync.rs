//! The sync protocol between a browser that works offline and the Worker that decides.
//!
//! - **Push**: a client sends its queued mutations in order, each with an id it made itself.
//!   The Worker decides each one against D1's current state and remembers its outcome under
//!   that id, in the same batch as the change: sending a mutation twice answers the first
//!   outcome and changes nothing more.
//! - **Pull**: a client asks for what changed since the agency version it last saw. The Worker
//!   answers the rows of people the caller may see *now* that changed since then, and the ids
//!   of those it may no longer see. When the caller's own reach changed (a grant given, taken
//!   or expired, a node moved), the answer is a reset: every row the caller may see, paged.
//! - **Replica**: the client's side, with no I/O: the rows last pulled, the queue of pending
//!   mutations, their predicted effect on the view, and the refusals to show. The app keeps it
//!   in IndexedDB; the convergence test keeps it in memory; both run this code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::{Problem, UserSummary};
use crate::decide::{Command, Event};
use crate::email::Email;
use crate::input::Name;
use crate::model::NodeId;
use crate::snapshot::Snapshot;
use crate::user::{UserId, UserState};

/// The most mutations one push may carry.
pub const MAX_PUSH: usize = 100;
/// The most rows one page of a reset pull carries.
pub const PULL_PAGE: u32 = 1_000;
/// An incremental pull naming more changed people than this answers a reset instead.
pub const MAX_INCREMENT: usize = 1_000;

/// One change a client asks for, with the id the client gave it. The Worker reads any
/// [`Command`]; a client may carry a smaller set of its own ([`OfflineCommand`]), written the
/// same way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mutation<C = Command> {
    /// Unique for this client; the Worker answers a repeated id with the first outcome.
    pub id: String,
    pub command: C,
}

/// `POST /api/v1/sync/push`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest<C = Command> {
    /// The client's own id, made once per browser and person.
    pub client: String,
    pub mutations: Vec<Mutation<C>>,
}

/// What became of one mutation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Decided and written.
    Applied,
    /// Refused, with the problem the API would answer (the rule and the reason).
    Refused { problem: Problem },
}

/// The outcome of one mutation of a push.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResult {
    pub id: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The answer to a push: the outcomes, in order, of the mutations decided. A mutation the
/// Worker could not get to (a failure on its side) is not listed and stays queued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<PushResult>,
}

/// `GET /api/v1/sync/pull`: one answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    /// The agency version this answer brings the client to (once `next` is exhausted).
    pub version: u64,
    /// The fingerprint of the caller's reach; sent back with the next pull.
    pub reach: String,
    /// True: the rows replace everything the client holds (across the pages of `next`).
    pub reset: bool,
    /// People the caller may see whose rows changed, as the caller may see them.
    pub upserts: Vec<UserSummary>,
    /// People whose rows the client must drop: deleted, or no longer in the caller's reach.
    pub removed: Vec<UserId>,
    /// For a reset, the cursor of its next page (`after=`).
    pub next: Option<String>,
}

/// Whose rows a change touches, as the change log records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Touched {
    /// These people's rows.
    Users(Vec<Touch>),
    /// Possibly anyone's: a node renamed, moved or deleted, a role edited or deleted.
    Everyone,
}

/// One person whose row a change touched. A revoked grant also names its node: someone leaves a
/// caller's view only by losing a grant inside the caller's reach (or by the caller's reach
/// changing, which resets the caller's copy), so a pull names as removed only people who lost a
/// grant inside the caller's reach, and never the ids of people the caller could not see.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Touch {
    pub user: UserId,
    /// The node of a grant the person lost.
    pub lost_at: Option<NodeId>,
}

impl Touch {
    fn row(user: &UserId) -> Touch {
        Touch {
            user: user.clone(),
            lost_at: None,
        }
    }
}

impl Touched {
    /// The people (or everyone) whose rows `events` touch; `before` answers whose grant a
    /// revoked or changed grant was, and where it was.
    pub fn by(events: &[Event], before: &Snapshot) -> Touched {
        let mut users: Vec<Touch> = Vec::new();
        for event in events {
            match event {
                Event::UserAdded { user } => users.push(Touch::row(&user.id)),
                Event::ProfileChanged { user, .. }
                | Event::SwitchesChanged { user, .. }
                | Event::SettingsChanged { user, .. }
                | Event::StateChanged { user, .. }
                | Event::InvitationIssued { user, .. } => users.push(Touch::row(user)),
                Event::Granted { grant } => users.push(Touch::row(&grant.user)),
                Event::Revoked { grant } => match before.grant(grant) {
                    Some(held) => users.push(Touch {
                        user: held.user.clone(),
                        lost_at: Some(held.node.clone()),
                    }),
                    None => return Touched::Everyone,
                },
                Event::RoleChanged { grant, .. } => match before.grant(grant) {
                    Some(held) => users.push(Touch::row(&held.user)),
                    None => return Touched::Everyone,
                },
                Event::Reassigned { from, to } => users.extend([Touch::row(from), Touch::row(to)]),
                Event::NodeRenamed { .. }
                | Event::NodeMoved { .. }
                | Event::NodeDeleted { .. }
                | Event::RoleEdited { .. }
                | Event::RoleDeleted { .. } => return Touched::Everyone,
                Event::NodeCreated { .. }
                | Event::RoleDefined { .. }
                | Event::PlanChanged { .. }
                | Event::AgencyConfigured { .. }
                | Event::OwnerChanged { .. } => {}
            }
        }
        users.sort();
        users.dedup();
        Touched::Users(users)
    }
}

/// A short, stable fingerprint of a reach (the nodes where someone has `users.view`): FNV-1a
/// over the sorted ids. Equal reaches give equal fingerprints; the Worker compares them to
/// decide between an increment and a reset.
pub fn reach_fingerprint<'a>(nodes: impl IntoIterator<Item = &'a str>) -> String {
    let mut ids: Vec<&str> = nodes.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for id in ids {
        for byte in id.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// What a client needs of the changes it queues: their predicted effect on the rows, and
/// whose row they change.
pub trait Change: Clone {
    /// The person whose row in the user list the change is about, if any.
    fn target_user(&self) -> Option<&UserId>;
    /// What the person sees of the change while it is pending: its predicted effect on the
    /// rows. Changes with no effect on the user list change nothing here.
    fn predict(&self, rows: &mut BTreeMap<UserId, UserSummary>);
}

impl Change for Command {
    fn target_user(&self) -> Option<&UserId> {
        match self {
            Command::Suspend { user }
            | Command::Unsuspend { user }
            | Command::EditProfile { user, .. }
            | Command::Delete { user, .. } => Some(user),
            _ => None,
        }
    }

    fn predict(&self, rows: &mut BTreeMap<UserId, UserSummary>) {
        match self {
            Command::Suspend { user } | Command::Unsuspend { user } => {
                let (from, to) = match self {
                    Command::Suspend { .. } => (UserState::Active, UserState::Suspended),
                    _ => (UserState::Suspended, UserState::Active),
                };
                if let Some(row) = rows.get_mut(user).filter(|row| row.state == from) {
                    row.state = to;
                }
            }
            Command::EditProfile { user, name, email } => {
                if let Some(row) = rows.get_mut(user) {
                    if let Some(name) = name {
                        row.name = name.as_str().to_owned();
                    }
                    if let Some(email) = email {
                        row.email = email.as_str().to_owned();
                    }
                }
            }
            Command::Delete { user, .. } => {
                rows.remove(user);
            }
            _ => {}
        }
    }
}

/// The changes the console makes offline: a subset of [`Command`], written exactly as the
/// Worker reads a `Command`. The app carries this and not `Command`, whose reading (every
/// command, agent settings, time zones) would more than double its WASM size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum OfflineCommand {
    Suspend {
        user: UserId,
    },
    Unsuspend {
        user: UserId,
    },
    EditProfile {
        user: UserId,
        name: Option<Name>,
        email: Option<Email>,
    },
}

impl From<OfflineCommand> for Command {
    fn from(command: OfflineCommand) -> Command {
        match command {
            OfflineCommand::Suspend { user } => Command::Suspend { user },
            OfflineCommand::Unsuspend { user } => Command::Unsuspend { user },
            OfflineCommand::EditProfile { user, name, email } => {
                Command::EditProfile { user, name, email }
            }
        }
    }
}

impl Change for OfflineCommand {
    fn target_user(&self) -> Option<&UserId> {
        match self {
            OfflineCommand::Suspend { user }
            | OfflineCommand::Unsuspend { user }
            | OfflineCommand::EditProfile { user, .. } => Some(user),
        }
    }

    /// Exactly what the [`Command`] it stands for predicts.
    fn predict(&self, rows: &mut BTreeMap<UserId, UserSummary>) {
        Command::from(self.clone()).predict(rows);
    }
}

/// A mutation the Worker refused, kept to show the person why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused<C = Command> {
    pub mutation: Mutation<C>,
    pub problem: Problem,
}

/// The client's side of sync. Everything in it is what the app saves: rows, version, reach
/// fingerprint, queue and refusals; nothing else is needed to pick up after being killed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replica<C = Command> {
    /// The client's id, sent with every push.
    pub client: String,
    /// The agency version the rows are at; 0 before the first pull.
    pub version: u64,
    /// The reach fingerprint of the last pull.
    pub reach: Option<String>,
    /// The rows as the Worker last answered them.
    pub rows: BTreeMap<UserId, UserSummary>,
    /// A reset in progress: the rows of its pages so far, and the version it brings.
    pub staging: Option<(u64, BTreeMap<UserId, UserSummary>)>,
    /// Mutations not yet answered, oldest first.
    pub pending: Vec<Mutation<C>>,
    /// Mutations the Worker refused, newest last.
    pub refused: Vec<Refused<C>>,
    /// How many mutations this client has made, for their ids.
    pub made: u64,
}

impl<C> Default for Replica<C> {
    fn default() -> Self {
        Replica {
            client: String::new(),
            version: 0,
            reach: None,
            rows: BTreeMap::new(),
            staging: None,
            pending: Vec::new(),
            refused: Vec::new(),
            made: 0,
        }
    }
}

impl<C: Change> Replica<C> {
    /// A replica for a new client.
    pub fn new(client: impl Into<String>) -> Self {
        Replica {
            client: client.into(),
            ..Replica::default()
        }
    }

    /// Queues a command; answers the mutation (with its fresh id) to save before showing it.
    pub fn enqueue(&mut self, command: C) -> Mutation<C> {
        self.made += 1;
        let mutation = Mutation {
            id: format!("{}-{}", self.client, self.made),
            command,
        };
        self.pending.push(mutation.clone());
        mutation
    }

    /// What the person sees: the rows with every pending mutation's predicted effect, in the
    /// order the list shows them (by name, then id).
    pub fn view(&self) -> Vec<UserSummary> {
        let mut rows = self.rows.clone();
        for mutation in &self.pending {
            mutation.command.predict(&mut rows);
        }
        let mut out: Vec<UserSummary> = rows.into_values().collect();
        out.sort_by(UserSummary::list_order);
        out
    }

    /// The push to send now, if anything is pending.
    pub fn push_request(&self) -> Option<PushRequest<C>> {
        (!self.pending.is_empty()).then(|| PushRequest {
            client: self.client.clone(),
            mutations: self.pending.iter().take(MAX_PUSH).cloned().collect(),
        })
    }

    /// Takes a push's answer: answered mutations leave the queue; refused ones are kept to
    /// show. Answers for ids no longer pending (a repeat) change nothing.
    pub fn on_push(&mut self, response: &PushResponse) {
        for result in &response.results {
            let Some(at) = self.pending.iter().position(|m| m.id == result.id) else {
                continue;
            };
            let mutation = self.pending.remove(at);
            if let Outcome::Refused { problem } = &result.outcome {
                self.refused.push(Refused {
                    mutation,
                    problem: problem.clone(),
                });
            }
        }
    }

    /// The query of the next pull: `since`, `reach` and, inside a reset, `after`.
    pub fn pull_query(&self, after: Option<&str>) -> String {
        let since = match &self.staging {
            Some(_) => 0,
            None => self.version,
        };
        let mut query = format!("since={since}");
        if let Some(reach) = &self.reach {
            query.push_str(&format!("&reach={reach}"));
        }
        if let Some(after) = after {
            query.push_str(&format!("&after={after}"));
        }
        query
    }

    /// Takes the answer to the pull sent with cursor `after`. Answers the cursor of the next
    /// page while a reset goes on. A reset's first page (no cursor) starts it afresh, whatever
    /// an interrupted one left. The pending mutations are rebased simply by being predicted
    /// again on the new rows.
    pub fn on_pull(&mut self, response: PullResponse, after: Option<&str>) -> Option<String> {
        if response.reset {
            if after.is_none() {
                self.staging = None;
            }
            let (_, staged) = self
                .staging
                .get_or_insert_with(|| (response.version, BTreeMap::new()));
            for row in response.upserts {
                staged.insert(row.id.clone(), row);
            }
            if response.next.is_some() {
                return response.next;
            }
            let (version, rows) = self.staging.take().unwrap_or_default();
            self.rows = rows;
            self.version = version;
        } else {
            self.staging = None;
            for row in response.upserts {
                self.rows.insert(row.id.clone(), row);
            }
            for id in &response.removed {
                self.rows.remove(id);
            }
            self.version = response.version;
        }
        self.reach = Some(response.reach);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, name: &str, state: UserState) -> UserSummary {
        UserSummary {
            id: UserId(id.into()),
            name: name.into(),
            email: format!("{id}@example.com"),
            state,
            roles: vec![],
        }
    }

    fn pull(
        version: u64,
        reset: bool,
        upserts: Vec<UserSummary>,
        removed: &[&str],
    ) -> PullResponse {
        PullResponse {
            version,
            reach: "r".into(),
            reset,
            upserts,
            removed: removed.iter().map(|id| UserId((*id).into())).collect(),
            next: None,
        }
    }

    #[test]
    fn a_pending_change_shows_until_answered_and_a_refusal_undoes_it() {
        let mut replica: Replica = Replica::new("c1");
        replica.on_pull(
            pull(3, true, vec![row("u1", "Ann", UserState::Active)], &[]),
            None,
        );
        let m = replica.enqueue(Command::Suspend {
            user: UserId("u1".into()),
        });
        assert_eq!(replica.view()[0].state, UserState::Suspended);
        let problem = Problem {
            kind: "about:blank".into(),
            title: "Forbidden".into(),
            status: 403,
            detail: "no (R10)".into(),
            errors: vec![],
        };
        replica.on_push(&PushResponse {
            results: vec![PushResult {
                id: m.id.clone(),
                outcome: Outcome::Refused { problem },
            }],
        });
        assert!(replica.pending.is_empty());
        assert_eq!(replica.refused.len(), 1);
        assert_eq!(replica.view()[0].state, UserState::Active);
        // A repeated answer changes nothing.
        replica.on_push(&PushResponse {
            results: vec![PushResult {
                id: m.id,
                outcome: Outcome::Applied,
            }],
        });
        assert_eq!(replica.refused.len(), 1);
    }

    #[test]
    fn increments_upsert_and_remove_and_pending_changes_rebase_onto_them() {
        let mut replica: Replica = Replica::new("c1");
        replica.on_pull(
            pull(
                1,
                true,
                vec![
                    row("u1", "Ann", UserState::Active),
                    row("u2", "Bo", UserState::Active),
                ],
                &[],
            ),
            None,
        );
        replica.enqueue(Command::Suspend {
            user: UserId("u1".into()),
        });
        replica.on_pull(
            pull(
                2,
                false,
                vec![row("u1", "Anne", UserState::Active)],
                &["u2"],
            ),
            None,
        );
        let view = replica.view();
        assert_eq!(view.len(), 1);
        assert_eq!(view[0].name, "Anne");
        assert_eq!(view[0].state, UserState::Suspended);
        assert_eq!(replica.version, 2);
    }

    #[test]
    fn a_paged_reset_replaces_the_rows_only_when_its_last_page_arrives() {
        let mut replica: Replica = Replica::new("c1");
        let old = pull(1, true, vec![row("old", "Old", UserState::Active)], &[]);
        replica.on_pull(old, None);
        let mut first = pull(5, true, vec![row("gone", "Gone", UserState::Active)], &[]);
        first.next = Some("cursor".into());
        assert_eq!(replica.on_pull(first.clone(), None), Some("cursor".into()));
        // Killed here: the next pull starts the reset again and drops what was half staged.
        first.upserts = vec![row("u1", "Ann", UserState::Active)];
        assert_eq!(replica.on_pull(first, None), Some("cursor".into()));
        assert!(replica.rows.contains_key(&UserId("old".into())));
        let query = replica.pull_query(Some("cursor"));
        assert_eq!(query, "since=0&reach=r&after=cursor");
        let last = pull(6, true, vec![row("u2", "Bo", UserState::Active)], &[]);
        assert_eq!(replica.on_pull(last, Some("cursor")), None);
        let ids: Vec<_> = replica.rows.keys().map(|k| k.0.as_str()).collect();
        assert_eq!(ids, ["u1", "u2"]);
        assert_eq!(
            replica.version, 5,
            "a reset is at the version of its first page"
        );
    }

    #[test]
    fn an_offline_command_is_written_exactly_as_the_command_the_worker_reads() {
        let user = UserId("u1".into());
        let pairs = [
            (
                OfflineCommand::Suspend { user: user.clone() },
                Command::Suspend { user: user.clone() },
            ),
            (
                OfflineCommand::Unsuspend { user: user.clone() },
                Command::Unsuspend { user: user.clone() },
            ),
            (
                OfflineCommand::EditProfile {
                    user: user.clone(),
                    name: Some(Name::parse("Ann Lee").unwrap()),
                    email: None,
                },
                Command::EditProfile {
                    user: user.clone(),
                    name: Some(Name::parse("Ann Lee").unwrap()),
                    email: None,
                },
            ),
        ];
        for (offline, command) in pairs {
            let json = serde_json::to_value(&offline).unwrap();
            assert_eq!(json, serde_json::to_value(&command).unwrap());
            let read: Command = serde_json::from_value(json).unwrap();
            assert_eq!(read, command);
            let mut a = BTreeMap::from([(user.clone(), row("u1", "Al", UserState::Active))]);
            let mut b = a.clone();
            offline.predict(&mut a);
            command.predict(&mut b);
            assert_eq!(a, b, "the same prediction");
        }
    }

    #[test]
    fn fingerprints_ignore_order_and_repeats() {
        assert_eq!(
            reach_fingerprint(["b", "a", "a"]),
            reach_fingerprint(["a", "b"])
        );
        assert_ne!(reach_fingerprint(["a"]), reach_fingerprint(["a", "b"]));
        assert_ne!(reach_fingerprint(["ab"]), reach_fingerprint(["a", "b"]));
    }
}
