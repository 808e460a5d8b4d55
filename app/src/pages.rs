//! Whole screens.

pub mod accept;
pub mod account;
pub mod app;
pub mod invitations;
pub mod shell;
pub mod sign_in;
pub mod users;
