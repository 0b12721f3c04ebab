//! Helpers shared by the integration tests (each test file is its own crate and uses only
//! some of them, hence the `dead_code` allowance).
#![allow(dead_code)]

use automl::search::{Control, Progress, SearchSettings};
use automl::{read_csv, Table};
use std::process::Command;

/// Runs the `automl` binary from the crate's folder: exit code, standard output and error.
pub fn automl(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_automl"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run automl");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// A CSV file of `tests/data`, read.
pub fn table(name: &str) -> Table {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    read_csv(&std::fs::read(&path).unwrap(), name).unwrap()
}

/// Settings of a deterministic run: `n` trials, no time budget.
pub fn trials(target: &str, n: usize, seed: u64) -> SearchSettings {
    SearchSettings {
        target: Some(target.into()),
        time_budget_s: None,
        max_trials: Some(n),
        seed,
        ..Default::default()
    }
}

/// An observer that lets the search run.
pub fn quiet(_: &Progress) -> Control {
    Control::Continue
}
