//! The sync protocol between a browser that works offline and the Worker that decides.
//!
//! - **Push**: a client sends its queued mutations in order, each with an id it made itself.
//!   The Worker decides each one against D1's current state and remembers its outcome under
//!   that id, in the same batch as the change: sending a mutation twice answers the first
//!   outcome and changes nothing more.
//! - **Pull**: a client asks for what changed since the agency version it last saw. The Worker
//!   answers the rows of people the caller may see *now* that changed since then, and the ids
//!   of those who lost a grant inside the caller's reach. When the caller's own reach changed
//!   (a grant given, taken or expired, a node moved), the answer is a reset: every row the
//!   caller may see, paged, the first page with the [`Context`] for deciding on the device.
//! - **Replica**: the client's side, with no I/O: the rows last pulled, the queue of pending
//!   mutations, `domain`'s decision on them made on the device and their effect on the view,
//!   and the refusals to show. The app keeps it in IndexedDB; the convergence test keeps it in
//!
//! [`protocol`] holds what goes over the wire, [`server`] what the Worker uses to choose the
//! changes a pull answers, and [`replica`] the device's side.

pub mod protocol;
pub mod replica;
pub mod server;

pub use protocol::*;
pub use replica::{Change, Refused, Replica, apply_to_rows};
pub use server::{Touch, Touched, reach_fingerprint};
