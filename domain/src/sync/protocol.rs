//! What goes over the wire between a client and the Worker: pushes, pulls and their answers.

use serde::{Deserialize, Serialize};

use crate::api::{Problem, UserSummary};
use crate::command::Command;
use crate::model::{Agency, CustomRole, Node};
use crate::user::UserId;

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
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Mutation<C = Command> {
    /// Unique for this client; the Worker answers a repeated id with the first outcome.
    #[cfg_attr(feature = "openapi", schemars(regex(pattern = crate::input::ID_PATTERN)))]
    pub id: String,
    pub command: C,
}

/// `POST /api/v1/sync/push`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PushRequest<C = Command> {
    /// The client's own id, made once per browser and person.
    #[cfg_attr(feature = "openapi", schemars(regex(pattern = crate::input::ID_PATTERN)))]
    pub client: String,
    #[cfg_attr(feature = "openapi", schemars(length(max = 100)))]
    pub mutations: Vec<Mutation<C>>,
}

/// What became of one mutation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Decided and written.
    Applied,
    /// Refused, with the problem the API would answer (the rule and the reason).
    Refused { problem: Problem },
}

/// The outcome of one mutation of a push.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PushResult {
    pub id: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The answer to a push: the outcomes, in order, of the mutations decided. A mutation the
/// Worker could not get to (a failure on its side) is not listed and stays queued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PushResponse {
    pub results: Vec<PushResult>,
}

/// `GET /api/v1/sync/pull`: one answer. `Rows` is how the people are held: parsed, or (where
/// the Worker hands on what SQL wrote) as raw JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PullResponse<Rows = Vec<UserSummary>> {
    /// The agency version this answer brings the client to (once `next` is exhausted).
    pub version: u64,
    /// The fingerprint of the caller's reach; sent back with the next pull.
    pub reach: String,
    /// True: the rows replace everything the client holds (across the pages of `next`).
    pub reset: bool,
    /// People the caller may see whose rows changed, as the caller may see them.
    pub upserts: Rows,
    /// People whose rows the client must drop: deleted, or no longer in the caller's reach.
    pub removed: Vec<UserId>,
    /// For a reset, the cursor of its next page (`after=`).
    pub next: Option<String>,
    /// With a reset's first page: what the client needs to decide its changes on the device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
}

/// The response header that repeats a reset page's `next` cursor, so a client can ask for the
/// next page before it has read this one.
pub const NEXT_HEADER: &str = "X-Sync-Next";

/// What a client needs besides the rows for `domain` to decide its changes on the device: who
/// it is, the agency, the nodes of the caller's reach with everything above them, and the
/// custom roles their grants hold. It comes with every reset, and a reset comes whenever any
/// of it changes (a node or role changed, or the caller's reach).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Context {
    pub actor: UserId,
    pub agency: Agency,
    pub nodes: Vec<Node>,
    pub roles: Vec<CustomRole>,
}
