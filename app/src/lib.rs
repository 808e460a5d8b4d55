//! Switchboard's console, compiled to WebAssembly.
//!
//! It keeps what it last saw in IndexedDB, so that it shows data before the network answers
//! and when there is no network at all, and asks the Worker for everything else.

pub mod api;
pub mod components;
pub mod pages;
pub mod reach;
pub mod state;
pub mod store;

pub use pages::app::App;
