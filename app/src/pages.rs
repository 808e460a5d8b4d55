//! Whole screens.

pub mod accept;
pub mod account;
pub mod accounts;
pub mod add_person;
pub mod agent_settings;
pub mod app;
pub mod audit;
pub mod invitations;
pub mod numbers;
pub mod people;
pub mod person;
pub mod plan;
pub mod roles;
pub mod security;
pub mod shell;
pub mod sign_in;
