//! Switchboard's pure core.
//!
//! `domain` holds the model of an agency, the parsing of every value a person or a script can
//! send, and the types of the wire contract between the app and the Worker. It performs no I/O,
//! reads no clock and compiles both natively and to `wasm32`, so the browser predicts with the
//! same code that the Worker uses to decide.

pub mod access;
pub mod api;
pub mod email;
pub mod user;

pub use access::{BuiltinRole, Capability, CapabilitySet};
pub use email::{Email, EmailError};
pub use user::{UserId, UserState};
