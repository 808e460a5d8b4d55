//! The device's side, with no I/O: the rows last pulled, the queue of pending mutations,
//! `domain`'s decision on them made on the device and their effect on the view, and the
//! refusals to show.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::protocol::*;
use crate::api::{Problem, UserSummary};
use crate::command::{Command, OfflineCommand};
use crate::decide::{decide, decide_offline};
use crate::event::Event;
use crate::model::{Grant, Millis, User};
use crate::rule::Refusal;
use crate::snapshot::Snapshot;
use crate::user::{UserId, UserState};

impl Context {
    /// The part of the agency that `rows` show, as a decision reads it: each row's person with
    /// their switches and invitation, and the grants the row lists at nodes the context knows.
    pub fn snapshot_of<'a>(&self, rows: impl Iterator<Item = &'a UserSummary>) -> Option<Snapshot> {
        let known: std::collections::BTreeSet<&str> =
            self.nodes.iter().map(|n| n.id.0.as_str()).collect();
        let mut users = Vec::new();
        let mut grants = Vec::new();
        for row in rows {
            let mut user = User::new(row.id.clone(), &row.email, &row.name, row.state);
            user.invitation_expires_at = row.invitation_expires_at;
            user.calling_enabled = row.calling_enabled;
            user.support = row.support;
            users.push(user);
            for held in &row.roles {
                let Some(role) = held.role_ref() else {
                    continue;
                };
                if !known.contains(held.node_id.as_str()) {
                    continue;
                }
                grants.push(Grant {
                    id: held.grant.as_str().into(),
                    user: row.id.clone(),
                    role,
                    node: held.node_id.as_str().into(),
                    starts_at: held.starts_at,
                    ends_at: held.ends_at,
                });
            }
        }
        Snapshot::build(
            self.agency.clone(),
            self.nodes.clone(),
            users,
            self.roles.clone(),
            grants,
        )
        .ok()
    }

    /// Which of `rows` take a seat at `now` under the agency's plan (R31), by the grants the
    /// rows show: the seat filter of the people list.
    pub fn seat_holders<'a>(
        &self,
        rows: impl Iterator<Item = &'a UserSummary> + Clone,
        now: Millis,
    ) -> std::collections::BTreeSet<UserId> {
        let Some(snapshot) = self.snapshot_of(rows.clone()) else {
            return Default::default();
        };
        rows.filter(|row| snapshot.takes_seat(&row.id, now))
            .map(|row| row.id.clone())
            .collect()
    }
}

/// What a client needs of the changes it queues: whose row they are about, and `domain`'s
/// decision on them.
pub trait Change: Clone {
    /// The person whose row in the user list the change is about, if any.
    fn target_user(&self) -> Option<&UserId>;
    /// `domain`'s decision on the change by `actor`: the events it makes, or the refusal.
    fn decide(
        &self,
        snapshot: &Snapshot,
        actor: &UserId,
        now: Millis,
    ) -> Result<Vec<Event>, Refusal>;
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

    fn decide(
        &self,
        snapshot: &Snapshot,
        actor: &UserId,
        now: Millis,
    ) -> Result<Vec<Event>, Refusal> {
        decide(snapshot, actor, self, now)
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

    fn decide(
        &self,
        snapshot: &Snapshot,
        actor: &UserId,
        now: Millis,
    ) -> Result<Vec<Event>, Refusal> {
        decide_offline(snapshot, actor, self, now)
    }
}

/// A mutation the Worker refused, kept to show the person why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Refused<C = Command> {
    pub mutation: Mutation<C>,
    pub problem: Problem,
}

/// The client's side of sync. Everything in it is what the app saves: rows, version, reach
/// fingerprint, queue and refusals; nothing else is needed to pick up after being killed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
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
    /// Who the client is and the agency around the rows, for deciding on the device.
    #[serde(default)]
    pub context: Option<Context>,
    /// The context a reset in progress brought with its first page.
    #[serde(default)]
    pub staging_context: Option<Context>,
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
            context: None,
            staging_context: None,
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

    /// `domain`'s decision, on this device, on `command` made now: `None` when the device
    /// cannot decide (no context yet, or the person's own row is not among the rows). The
    /// Worker decides again, on everything, when the change is pushed.
    /// It decides on the rows as the person sees them, the pending changes applied.
    pub fn decide_here(&self, command: &C, now: Millis) -> Option<Result<Vec<Event>, Refusal>> {
        let context = self.context.as_ref()?;
        let snapshot = self.snapshot(&self.applied(now), command)?;
        Some(command.decide(&snapshot, &context.actor, now))
    }

    /// The part of the agency a decision on `command` reads, built from the context and the
    /// rows: the actor, the person the command is about, and everyone holding a role at the
    /// top of the tree (the count of top administrators, R14), with the grants the rows show.
    fn snapshot(&self, rows: &BTreeMap<UserId, UserSummary>, command: &C) -> Option<Snapshot> {
        let context = self.context.as_ref()?;
        rows.get(&context.actor)?;
        // Someone the device does not show is not refused here: the Worker knows more.
        if let Some(target) = command.target_user() {
            rows.get(target)?;
        }
        let top = context
            .nodes
            .iter()
            .find(|n| n.parent.is_none())
            .map(|n| n.id.0.as_str());
        let involved = |row: &&UserSummary| {
            row.id == context.actor
                || command.target_user() == Some(&row.id)
                || row.roles.iter().any(|r| Some(r.node_id.as_str()) == top)
        };
        context.snapshot_of(rows.values().filter(involved))
    }

    /// What the person sees at `now`: the rows with the pending mutations applied in order, each
    /// decided by `domain` on the rows as the ones before it left them (so they are rebased
    /// onto every pull), in the order the list shows them (by name, then id). A mutation the
    /// device cannot decide, or would refuse, waits for the Worker's answer without an effect.
    pub fn view(&self, now: Millis) -> Vec<UserSummary> {
        let mut out: Vec<UserSummary> = self.applied(now).into_values().collect();
        UserSummary::sort_for_list(&mut out);
        out
    }

    /// The rows with the pending mutations applied (see [`Replica::view`]).
    fn applied(&self, now: Millis) -> BTreeMap<UserId, UserSummary> {
        let mut rows = self.rows.clone();
        if let Some(context) = &self.context {
            for mutation in &self.pending {
                let Some(snapshot) = self.snapshot(&rows, &mutation.command) else {
                    continue;
                };
                if let Ok(events) = mutation.command.decide(&snapshot, &context.actor, now) {
                    apply_to_rows(&mut rows, &events);
                }
            }
        }
        rows
    }

    /// Records a change `domain` refused on this device: it is never queued, and the person
    /// sees it with its rule and reason as they would a refusal of the Worker.
    pub fn refuse_here(&mut self, command: C, refusal: &Refusal) {
        self.made += 1;
        self.refused.push(Refused {
            mutation: Mutation {
                id: format!("{}-{}", self.client, self.made),
                command,
            },
            problem: Problem::from(refusal),
        });
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
        // Without a context (a copy saved before there was one) the reach is not sent, so the
        // Worker answers a reset, which brings one.
        if let Some(reach) = self.reach.as_ref().filter(|_| self.context.is_some()) {
            query.push_str(&format!("&reach={reach}"));
        }
        if let Some(after) = after {
            query.push_str(&format!("&after={after}"));
        }
        query
    }

    /// Takes the answer to the pull sent with cursor `after`. Answers the cursor of the next
    /// page while a reset goes on. A reset's first page (no cursor) starts it afresh, whatever
    /// an interrupted one left. The pending mutations are rebased simply by being decided
    /// again on the new rows (see [`Replica::view`]).
    pub fn on_pull(&mut self, response: PullResponse, after: Option<&str>) -> Option<String> {
        if response.reset {
            if after.is_none() {
                self.staging = None;
                self.staging_context = response.context;
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
            if let Some(context) = self.staging_context.take() {
                self.context = Some(context);
            }
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

/// The effect of decided events on the rows of the user list: a new state (a deleted person
/// leaves the list) or a new name and address. Other events do not change what a row shows
/// of the changes the console makes offline.
pub fn apply_to_rows(rows: &mut BTreeMap<UserId, UserSummary>, events: &[Event]) {
    for event in events {
        match event {
            Event::StateChanged {
                user,
                state: UserState::Deleted,
            } => {
                rows.remove(user);
            }
            Event::StateChanged { user, state } => {
                if let Some(row) = rows.get_mut(user) {
                    row.state = *state;
                }
            }
            Event::ProfileChanged { user, name, email } => {
                if let Some(row) = rows.get_mut(user) {
                    row.name.clone_from(name);
                    row.email.clone_from(email);
                }
            }
            Event::SettingsChanged { user, settings } => {
                if let Some(row) = rows.get_mut(user) {
                    row.agent_groups.clone_from(&settings.agent_groups);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::RoleAtNode;
    use crate::input::Name;
    use crate::model::{Agency, Node, NodeId, NodeKind, Plan};
    use crate::rule::Rule;

    const NOW: Millis = 1_800_000_000_000;

    fn held(role: &str, node: &str, grant: &str) -> RoleAtNode {
        RoleAtNode {
            role: role.into(),
            node: node.into(),
            grant: grant.into(),
            node_id: node.into(),
            custom_role: None,
            starts_at: None,
            ends_at: None,
        }
    }

    /// An Agent of the account, shown with that grant.
    fn row(id: &str, name: &str, state: UserState) -> UserSummary {
        UserSummary::new(
            UserId(id.into()),
            name,
            &format!("{id}@example.com"),
            state,
            vec![held("Agent", "n_acc", &format!("g_{id}"))],
        )
    }

    /// The administrator of the whole agency: the client's person.
    fn admin() -> UserSummary {
        UserSummary {
            roles: vec![held("Agency Administrator", "n_top", "g_admin")],
            ..row("admin", "Ada Admin", UserState::Active)
        }
    }

    /// R31 on the rows the device holds: who takes a seat, under a login plan and a dialer plan.
    #[test]
    fn seat_holders_follow_r31_on_the_rows() {
        let mut expired = row("expired", "Ex Pired", UserState::Invited);
        expired.invitation_expires_at = Some(NOW - 1);
        let mut invited = row("invited", "In Vited", UserState::Invited);
        invited.invitation_expires_at = Some(NOW + 1);
        let mut support = row("support", "Sup Port", UserState::Active);
        support.support = true;
        let mut quiet = row("quiet", "Qui Et", UserState::Active);
        quiet.calling_enabled = false;
        let rows = [
            admin(),
            row("kai", "Kai", UserState::Active),
            row("sus", "Sus Pended", UserState::Suspended),
            row("note", "No Te", UserState::NotificationOnly),
            expired,
            invited,
            support,
            quiet,
        ];
        let names = |set: std::collections::BTreeSet<UserId>| {
            set.into_iter().map(|u| u.0).collect::<Vec<_>>()
        };
        let mut login = context();
        login.agency.plan = Plan::Team {
            seat_override: None,
        };
        assert_eq!(
            names(login.seat_holders(rows.iter(), NOW)),
            ["admin", "invited", "kai", "quiet", "sus"]
        );
        let mut dialer = context();
        dialer.agency.plan = Plan::Seats { seats: 10 };
        assert_eq!(
            names(dialer.seat_holders(rows.iter(), NOW)),
            ["admin", "invited", "kai", "sus"],
            "on a dialer plan only those who may place calls count, the switch off frees one"
        );
    }

    fn context() -> Context {
        let node = |id: &str, parent: Option<&str>, kind| Node {
            id: id.into(),
            parent: parent.map(NodeId::from),
            kind,
            name: id.into(),
        };
        Context {
            actor: UserId("admin".into()),
            agency: Agency::new(
                "ag",
                "Agency",
                Plan::Unlimited,
                UserId("admin".into()),
                1_500,
            ),
            nodes: vec![
                node("n_top", None, NodeKind::Agency),
                node("n_acc", Some("n_top"), NodeKind::Account),
            ],
            roles: vec![],
        }
    }

    /// A pull's answer; a reset brings the administrator's own row and the context.
    fn pull(
        version: u64,
        reset: bool,
        mut upserts: Vec<UserSummary>,
        removed: &[&str],
    ) -> PullResponse {
        if reset {
            upserts.push(admin());
        }
        PullResponse {
            version,
            reach: "r".into(),
            reset,
            upserts,
            removed: removed.iter().map(|id| UserId((*id).into())).collect(),
            next: None,
            context: reset.then(context),
        }
    }

    fn state_of(view: &[UserSummary], id: &str) -> UserState {
        view.iter().find(|r| r.id.0 == id).expect("a row").state
    }

    #[test]
    fn a_pending_change_shows_until_answered_and_a_refusal_undoes_it() {
        let mut replica: Replica = Replica::new("c1");
        replica.on_pull(
            pull(3, true, vec![row("u1", "Ann", UserState::Active)], &[]),
            None,
        );
        let suspend = Command::Suspend {
            user: UserId("u1".into()),
        };
        assert!(matches!(replica.decide_here(&suspend, NOW), Some(Ok(_))));
        let m = replica.enqueue(suspend);
        assert_eq!(state_of(&replica.view(NOW), "u1"), UserState::Suspended);
        let unsuspend = Command::Unsuspend {
            user: UserId("u1".into()),
        };
        assert!(
            matches!(replica.decide_here(&unsuspend, NOW), Some(Ok(_))),
            "decided on the rows as the person sees them"
        );
        let problem = Problem {
            kind: "about:blank".into(),
            title: "Forbidden".into(),
            status: 403,
            detail: "no".into(),
            rule: Some("R10".into()),
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
        assert_eq!(state_of(&replica.view(NOW), "u1"), UserState::Active);
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
    fn the_device_decides_with_domain_and_refuses_what_domain_refuses() {
        let mut replica: Replica<OfflineCommand> = Replica::new("c1");
        let suspend_self = OfflineCommand::Suspend {
            user: UserId("admin".into()),
        };
        assert_eq!(
            replica.decide_here(&suspend_self, NOW),
            None,
            "nothing to decide on before the first pull"
        );
        replica.on_pull(
            pull(1, true, vec![row("u1", "Ann", UserState::Suspended)], &[]),
            None,
        );
        let refusal = |command| match replica.decide_here(&command, NOW) {
            Some(Err(refusal)) => refusal.rule,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(refusal(suspend_self), Rule::R12);
        let suspend_suspended = OfflineCommand::Suspend {
            user: UserId("u1".into()),
        };
        assert_eq!(refusal(suspend_suspended.clone()), Rule::Conflict);
        // Queued anyway (say, by an older console), it waits for the Worker with no effect.
        replica.enqueue(suspend_suspended);
        assert_eq!(state_of(&replica.view(NOW), "u1"), UserState::Suspended);
        let unsuspend = OfflineCommand::Unsuspend {
            user: UserId("u1".into()),
        };
        assert!(matches!(replica.decide_here(&unsuspend, NOW), Some(Ok(_))));
        replica.enqueue(unsuspend);
        assert_eq!(state_of(&replica.view(NOW), "u1"), UserState::Active);
    }

    #[test]
    fn a_copy_without_context_asks_for_a_reset_and_gets_one() {
        let mut replica: Replica = Replica::new("c1");
        replica.on_pull(pull(1, true, vec![], &[]), None);
        assert_eq!(replica.pull_query(None), "since=1&reach=r");
        replica.context = None;
        assert_eq!(
            replica.pull_query(None),
            "since=1",
            "no reach: the Worker resets"
        );
        replica.on_pull(pull(2, true, vec![], &[]), None);
        assert_eq!(replica.context, Some(context()));
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
        let view = replica.view(NOW);
        assert_eq!(view.len(), 2, "the administrator and Anne");
        let anne = view.iter().find(|r| r.id.0 == "u1").unwrap();
        assert_eq!(anne.name, "Anne");
        assert_eq!(anne.state, UserState::Suspended);
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
        first.context = Some(Context {
            roles: vec![],
            nodes: vec![context().nodes[0].clone()],
            ..context()
        });
        assert_eq!(replica.on_pull(first, None), Some("cursor".into()));
        assert!(replica.rows.contains_key(&UserId("old".into())));
        assert_eq!(
            replica.context,
            Some(context()),
            "the old context until the end"
        );
        let query = replica.pull_query(Some("cursor"));
        assert_eq!(query, "since=0&reach=r&after=cursor");
        let mut last = pull(6, false, vec![row("u2", "Bo", UserState::Active)], &[]);
        last.reset = true;
        assert_eq!(replica.on_pull(last, Some("cursor")), None);
        let ids: Vec<_> = replica.rows.keys().map(|k| k.0.as_str()).collect();
        assert_eq!(ids, ["u1", "u2"]);
        assert_eq!(
            replica.version, 5,
            "a reset is at the version of its first page"
        );
        assert_eq!(
            replica.context.as_ref().map(|c| c.nodes.len()),
            Some(1),
            "the context of the reset's first page"
        );
    }

    #[test]
    fn an_offline_command_is_written_and_decided_exactly_as_the_command_the_worker_reads() {
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
        let mut offline_replica: Replica<OfflineCommand> = Replica::new("a");
        let mut replica: Replica = Replica::new("b");
        for state in [UserState::Active, UserState::Suspended] {
            offline_replica.on_pull(pull(1, true, vec![row("u1", "Al", state)], &[]), None);
            replica.on_pull(pull(1, true, vec![row("u1", "Al", state)], &[]), None);
            for (offline, command) in &pairs {
                let json = serde_json::to_value(offline).unwrap();
                assert_eq!(json, serde_json::to_value(command).unwrap());
                let read: Command = serde_json::from_value(json).unwrap();
                assert_eq!(&read, command);
                assert_eq!(
                    offline_replica.decide_here(offline, NOW),
                    replica.decide_here(command, NOW),
                    "the same decision"
                );
            }
        }
    }
}
