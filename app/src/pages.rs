//! Whole screens.

pub mod app;
pub mod sign_in;
pub mod users;
