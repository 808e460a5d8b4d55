//! Switchboard's pure core.
//!
//! `domain` holds the model of an agency, the parsing of every value a person or a script can
//! send, and the types of the wire contract between the app and the Worker. It performs no I/O,
//! reads no clock and compiles both natively and to `wasm32`, so the browser predicts with the
//! same code that the Worker uses to decide.

pub mod access;
pub mod agent;
pub mod api;
pub mod audit;
pub mod campaign;
pub mod decide;
pub mod email;
pub mod explain;
pub mod import;
pub mod input;
pub mod model;
pub mod needs;
pub mod scope;
pub mod seats;
pub mod snapshot;
pub mod sync;
pub mod user;

pub use access::{BuiltinRole, Capability, CapabilitySet};
pub use agent::{AgentSettings, Availability, Country, ServerLocation, TimeZone, WeeklyHours};
pub use audit::{AuditEntry, Subject, apply_audited};
pub use decide::{Command, Event, Refusal, Rule, decide};
pub use email::{Email, EmailError};
pub use explain::{AccessAt, Explanation, Missing, Record, RecordKind};
pub use input::{E164, Name, Password};
pub use model::{
    Agency, Campaign, CampaignId, CustomRole, CustomRoleId, DAY, Grant, GrantId, HOUR, Millis,
    Node, NodeId, NodeKind, Plan, RoleRef, User,
};
pub use needs::Needs;
pub use scope::Scope;
pub use seats::SeatPreview;
pub use snapshot::{AgencyCounts, Snapshot, SnapshotError};
pub use user::{UserId, UserState};
