//! HTTP tests against the real Worker under `wrangler dev`, with a fresh local D1 seeded with
//! the demo agencies. Each test names the rule of PRODUCT.md it proves, where there is one.

mod api;
mod campaigns;
mod commands;
mod health;
mod import;
mod invitations;
mod kept_proof;
mod mail;
mod matrix;
mod people;
mod platform;
mod restart;
mod robustness;
mod rules;
mod session;
mod sync;
mod two_factor;
mod users;
mod webhooks;
