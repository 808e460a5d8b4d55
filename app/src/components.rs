//! Pieces of screens.

pub mod sync_badge;
pub mod user_table;
