//! Switchboard's pure core.
//!
//! `domain` holds the model of an agency, the parsing of every value a person or a script can
//! send, and the types of the wire contract between the app and the Worker. It performs no I/O,
//! reads no clock and compiles both natively and to `wasm32`, so the browser predicts with the
//! same code that the Worker uses to decide.
//!
//! The modules are layers, each using only those above it in this list (`tests/layers.rs`
//! reads every `crate::` path and fails on one that points down or round in a circle):
//!
//! 1. **Model and inputs**: [`access`] (capabilities and built-in roles), [`email`], [`input`],
//!    [`user`], [`agent`], [`model`] (the tree, grants, roles, the agency), [`rule`] (the
//!    rules of PRODUCT.md and a refusal).
//! 2. **Snapshot**: [`snapshot`] (an agency built for deciding, and its queries), [`counts`]
//!    (seats), [`campaign`] (who dials), [`scope`] (a token's reach), [`explain`], and [`read`]
//!    (who may read what: the people list, the audit log, a token's answers).
//! 3. **Commands and events**: [`command`], [`needs`] (what each command needs loaded),
//!    [`event`] (and how a snapshot applies one).
//! 4. **Deciding**: [`decide`], one module per subject.
//! 5. **What a decision leads to**: [`audit`], [`seats`] (the preview of a change), [`import`]
//!    (checking a bulk add line by line).
//! 6. **The contract**: [`api`]: requests, responses, and the problem a refusal is answered
//!    with, HTTP status included.
//! 7. **Sync**: [`sync`]: the offline protocol, the server's choice of changes, and the
//!    device's replica.

pub mod access;
pub mod agent;
pub mod email;
pub mod input;
pub mod model;
pub mod rule;
pub mod user;

pub mod campaign;
pub mod counts;
pub mod explain;
pub mod read;
pub mod scope;
pub mod snapshot;

pub mod command;
pub mod event;
pub mod needs;

pub mod decide;

pub mod audit;
pub mod import;
pub mod seats;

pub mod api;

pub mod sync;

pub use access::{BuiltinRole, Capability, CapabilitySet};
pub use agent::{AgentSettings, Availability, Country, ServerLocation, TimeZone, WeeklyHours};
pub use audit::{AuditEntry, Subject, apply_audited};
pub use command::{Command, OfflineCommand};
pub use decide::decide;
pub use email::{Email, EmailError};
pub use event::Event;
pub use explain::{AccessAt, Explanation, Missing, Record, RecordKind};
pub use input::{E164, Name, Password};
pub use model::{
    Agency, Campaign, CampaignId, CustomRole, CustomRoleId, DAY, Grant, GrantId, HOUR, Millis,
    Node, NodeId, NodeKind, Plan, RoleRef, User,
};
pub use needs::Needs;
pub use rule::{Refusal, Rule};
pub use scope::Scope;
pub use seats::SeatPreview;
pub use snapshot::{AgencyCounts, Snapshot, SnapshotError};
pub use user::{UserId, UserState};
