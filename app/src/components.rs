//! Pieces of screens.

pub mod sync_badge;
pub mod sync_panel;
pub mod tokens;
pub mod user_table;
