//! Everything after the search, on the winner: the explain phase ([`diagnostics`], with what
//! the page draws of the out-of-fold predictions in [`curves`]), the model file
//! ([`model_file`]), predictions for new rows ([`predict`]) and per-row explanations
//! ([`contributions`]); and the catalogue of defaults, limits and names the page reads at
//! start-up ([`describe`]). [`finish_run`] is the one path from a search's outcome to what the
//! page and the command line show and save; both call it, so their failure rules are the same:
//! an explanation that cannot be computed becomes a note, a model file that cannot be made is
//! an error.

pub mod contributions;
pub mod curves;
pub mod describe;
pub mod diagnostics;
pub mod forecast_file;
pub mod model_file;
pub mod predict;
pub mod why;

use crate::clock::Clock;
use crate::data::Table;
use crate::error::Result;
use crate::message;
use crate::search::{Observer, SearchOutcome, SearchResult, SearchSettings};
use diagnostics::Diagnostics;
use model_file::ModelFile;
use serde::Serialize;

/// What a finished run reports: the search's result and, when the explain phase ran, what the
/// page and the report show about the winner.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    /// The search's result (its fields appear at the top level of the JSON).
    #[serde(flatten)]
    pub result: SearchResult,
    /// The winner's diagnostics (`None` when not asked for, or when they could not be
    /// computed: a note says why).
    pub diagnostics: Option<Diagnostics>,
    /// Why this model: what the winner beat, by how much, against the fold-to-fold spread,
    /// and the simplest model within it ([`why`]).
    pub why: Option<why::Why>,
}

/// A finished run: the report, and the winner saved as a model file.
#[derive(Debug)]
pub struct FinishedRun {
    /// What the run reports.
    pub report: RunReport,
    /// The model file, ready to predict new rows.
    pub model: ModelFile,
    /// The model file's bytes, as saved.
    pub model_bytes: Vec<u8>,
}

/// Finishes a search on `table` with `settings`: the explain phase when `explain` is set
/// (progress reported to `observer`; a failure becomes a note), then the model file (a
/// failure is an error).
pub fn finish_run(
    table: &Table,
    settings: &SearchSettings,
    outcome: SearchOutcome,
    clock: &dyn Clock,
    observer: &mut dyn Observer,
    explain: bool,
) -> Result<FinishedRun> {
    let mut result = outcome.result.clone();
    let diagnostics = if explain {
        match diagnostics::diagnose(table, settings, &outcome, clock, observer) {
            Ok(d) => Some(d),
            Err(e) => {
                result
                    .notes
                    .push(message!("results.explain_failed", error = e.to_message()));
                None
            }
        }
    } else {
        None
    };
    let model = ModelFile::build(
        table,
        settings,
        &result,
        outcome.model.pipeline,
        outcome.model.model,
    )?;
    let model_bytes = model.to_bytes()?;
    Ok(FinishedRun {
        report: RunReport {
            why: why::why(&result),
            result,
            diagnostics,
        },
        model,
        model_bytes,
    })
}
