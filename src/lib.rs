//! In-browser AutoML core: reading a table, preprocessing it, fitting model families and
//! searching them within a budget with honest cross-validation.
//!
//! The core knows nothing of JavaScript: the `bindings` module (wasm32 only) is the one place
//! that uses wasm-bindgen, and the `automl` command-line tool drives the same functions natively.

#![warn(missing_docs)]
// Numerical loops index several parallel arrays at once; iterator chains would hide that.
#![allow(clippy::needless_range_loop)]

pub mod bench;
pub mod clock;
pub mod data;
pub mod error;
pub mod forecast;
pub mod math;
pub mod matrix;
pub mod messages;
pub mod metrics;
pub mod models;
pub mod preprocess;
pub mod results;
pub mod rng;
pub mod search;
pub mod sort;
pub mod target;
pub mod trees;
pub mod truth;

#[cfg(all(target_arch = "wasm32", not(feature = "workbook-engine")))]
pub mod bindings;
#[cfg(all(target_arch = "wasm32", feature = "workbook-engine"))]
pub mod bindings_workbook;

pub use clock::{Clock, SystemClock};
pub use data::{inspect, read_csv, read_table, Inspection, ReadOptions, Table, Task};
pub use error::{AutoMlError, Result};
pub use messages::Message;
pub use search::{
    run_search, Control, Observer, Progress, SearchOutcome, SearchResult, SearchSettings,
};
pub use target::check_target;

/// The crate's version, shown by the page and the command line.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
