//! The budgeted search: chooses how to validate (k-fold, repeated k-fold for very small data,
//! a holdout for large data), evaluates the configurations the [`Tuner`] proposes on the same
//! splits, reports each finished trial to an observer, builds a greedy ensemble of the best
//! candidates' out-of-fold predictions, and refits the winner on all rows.
//!
//! Time is read through an injected [`Clock`] (`std::time::Instant` panics on wasm32), and
//! every random choice derives from `SearchSettings::seed`; with a trial budget and no time
//! budget the run never looks at the clock to decide anything, so the same data, seed and
//! trial count give the same leaderboard on every run, machine and number of threads.

mod chosen;
mod cost;
pub mod ensemble;
mod events;
mod finish;
pub mod folds;
mod halving;
mod plan;
mod portfolio;
mod session;
pub mod tuner;

use crate::clock::Clock;
use crate::data::{classify, suggested_task, Table, Task};
use crate::error::{AutoMlError, Result};
use crate::matrix::Matrix;
use crate::message;
use crate::messages::Message;
use crate::metrics::{mean_std, Metric, Predicted};
use crate::models::neural_network::NetworkTrace;
use crate::models::{ClassWeight, Family, FittedModel, ModelSpec, Prediction};
use crate::preprocess::{ColumnChoices, Frame, Pipeline};
use crate::rng::Rng;
use crate::search::ensemble::{select, split_score, FinalModel};
use crate::search::folds::{kfold, stratified_kfold, Fold};
use crate::search::tuner::Tuner;
use crate::target::prepare_target;
use crate::truth::{Target, TargetRef};
pub use chosen::{family_message, finish_chosen, Ending};
use cost::CostModel;
pub use events::{overfitting, OVERFIT_GAP, OVERFIT_RATIO};
pub use halving::{rung_epochs, RungInfo, HALVING_ETA, MAX_RUNGS, MIN_RUNG_EPOCHS};
use plan::{mix_seed, Plan};
pub use plan::{
    sample_size, SplitOutput, SplitWorker, Trial, MAX_FOLDS, MAX_TIME_BUDGET_S, MIN_FOLDS,
    PROMOTE_ETA, SAMPLE_ABOVE_PASSES, SAMPLE_ABOVE_ROWS, TRAIN_SCORE_ROWS, UNTIMED_MARGIN,
};
pub use portfolio::portfolio;
use serde::{Deserialize, Serialize};
use session::EnsembleChoice;
pub use session::SearchSession;

/// What the observer wants after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Go on searching.
    Continue,
    /// Stop searching now; the best trial so far is refitted and returned.
    Stop,
}

/// Receives progress while the search runs.
pub trait Observer {
    /// Called after each finished trial and at each phase change. Returning
    /// [`Control::Stop`] ends the search early (phase events ignore the answer).
    fn on_progress(&mut self, event: &Progress) -> Control;
}

impl<F: FnMut(&Progress) -> Control> Observer for F {
    fn on_progress(&mut self, event: &Progress) -> Control {
        self(event)
    }
}

/// Settings of one run. Every field has a default (see `Default`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SearchSettings {
    /// The column to predict. By default, the last column.
    pub target: Option<String>,
    /// The task. By default, the one the target column suggests.
    pub task: Option<Task>,
    /// Seconds for the whole run, final refit included. By default, 10; `None` means no
    /// time limit (then `max_trials` must be set).
    pub time_budget_s: Option<f64>,
    /// Most trials to run. By default, no limit. With a seed and no time budget the run is
    /// deterministic.
    pub max_trials: Option<usize>,
    /// Seed of every random step. By default, 42.
    pub seed: u64,
    /// Cross-validation folds, 2 to 10. By default, 5 (fewer if a class is smaller).
    pub folds: usize,
    /// The metric that ranks models. By default, accuracy for classification and R² for
    /// regression.
    pub metric: Option<Metric>,
    /// Whether to try an ensemble of the best models. By default, yes.
    pub ensemble: bool,
    /// Column kinds chosen by the person, and columns to leave out. By default, none.
    #[serde(flatten)]
    pub columns: ColumnChoices,
    /// The model families to search (machine names); empty: every family of the task. The
    /// constant baseline always runs.
    pub families: Vec<String>,
    /// Families left out of the search.
    pub exclude_families: Vec<String>,
}

impl SearchSettings {
    /// The families this run searches for a task: those chosen (all when none), less those
    /// left out, in the registry's order, the constant baseline always first. Unknown names
    /// are errors.
    pub fn chosen_families(&self, classification: bool) -> Result<Vec<Family>> {
        for name in self.families.iter().chain(&self.exclude_families) {
            Family::named(name)?;
        }
        let chosen = |f: &Family| {
            f.name() == "constant"
                || ((self.families.is_empty() || self.families.iter().any(|n| n == f.name()))
                    && !self.exclude_families.iter().any(|n| n == f.name()))
        };
        Ok(Family::for_task(classification)
            .into_iter()
            .filter(chosen)
            .collect())
    }
}

impl Default for SearchSettings {
    fn default() -> Self {
        Self {
            target: None,
            task: None,
            time_budget_s: Some(10.0),
            max_trials: None,
            seed: 42,
            folds: 5,
            metric: None,
            ensemble: true,
            columns: ColumnChoices::default(),
            families: Vec::new(),
            exclude_families: Vec::new(),
        }
    }
}

/// One finished trial (or the ensemble). It reads back from its JSON (the page sends the rows
/// of a stopped run back to [`finish_chosen`]); the score is then recomputed from the mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaderboardRow {
    /// 1 for the best; assigned when the leaderboard is sorted.
    pub rank: usize,
    /// Order in which the trial ran, from 1 (the ensemble comes last).
    pub trial: usize,
    /// Family machine name ("ensemble" for the ensemble).
    pub family: String,
    /// Family name for people.
    pub label: String,
    /// Hyperparameters (for the ensemble, its members and weights).
    pub params: serde_json::Map<String, serde_json::Value>,
    /// The metric.
    pub metric: Metric,
    /// Whether a larger value of the metric is better.
    pub higher_is_better: bool,
    /// Mean of the metric over the validation splits.
    pub mean: f64,
    /// Population standard deviation of the split values.
    pub std: f64,
    /// The metric on each split.
    pub fold_scores: Vec<f64>,
    /// Seconds spent fitting and scoring all splits.
    pub fit_time_s: f64,
    /// Training rows per split when the trial was fitted on a sample of them (progressive
    /// sampling, see [`SearchSession`]); `None` when it was fitted on all of them. A sampled
    /// score is usually an underestimate (more rows rarely hurt); a sampled winner is refitted
    /// on all rows like any other.
    pub sample_rows: Option<usize>,
    /// A network's layers and its learning curve on the first split.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkTrace>,
    /// A network's rung of successive halving on epochs (see [`RungInfo`]): its epochs, the
    /// trials of its earlier rungs, and whether it continued or stopped (and why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rung: Option<RungInfo>,
    /// Boosting's training and validation loss after each round on the first split.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boosting: Option<crate::trees::RoundCurve>,
    /// The metric on the rows the trial's models were fitted on (a seeded subset of at most
    /// [`TRAIN_SCORE_ROWS`] of them, mean over the splits); `None` for the ensemble.
    #[serde(default)]
    pub train_score: Option<f64>,
    /// Set when the training score is so much better than the cross-validated one that the
    /// model learned its training rows rather than the pattern ([`overfitting`]): the message
    /// saying so.
    #[serde(default)]
    pub overfit: Option<Message>,
    /// The configuration itself (the best member's, for the ensemble), as `config`: what
    /// [`finish_chosen`] refits.
    #[serde(rename = "config")]
    pub spec: ModelSpec,
    /// Mean score, higher is better.
    #[serde(skip, default = "neg_infinity")]
    score: f64,
}

fn neg_infinity() -> f64 {
    f64::NEG_INFINITY
}

/// A progress event.
#[allow(clippy::large_enum_variant)] // one event at a time; boxing the row would only add noise
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Progress {
    /// A trial finished.
    Trial {
        /// Seconds since the run started.
        elapsed_s: f64,
        /// The time budget (0 when there is none).
        budget_s: f64,
        /// Trials finished so far.
        trials_done: usize,
        /// The trial's row.
        row: LeaderboardRow,
        /// Best mean value of the metric so far.
        best_so_far: f64,
        /// Seconds left of the time budget (0 when there is none).
        time_left_s: f64,
        /// What the search decided since the previous event, in order: why this trial was
        /// chosen, what its result changed ("event.*" messages of the catalogue).
        events: Vec<Message>,
    },
    /// The run moved to a new phase: "search", "ensemble" or "refit".
    Phase {
        /// The phase's name.
        phase: String,
        /// Seconds since the run started.
        elapsed_s: f64,
        /// The time budget (0 when there is none).
        budget_s: f64,
        /// Seconds left of the time budget (0 when there is none).
        time_left_s: f64,
        /// What the search decided since the previous event (why it ended, the ensemble).
        events: Vec<Message>,
    },
}

/// The winner after its refit on all rows.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BestSummary {
    /// Its leaderboard row.
    pub row: LeaderboardRow,
    /// Seconds the refit on all rows took.
    pub refit_time_s: f64,
}

/// What a run reports.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    /// The target column.
    pub target: String,
    /// The task.
    pub task: Task,
    /// The metric.
    pub metric: Metric,
    /// Rows used.
    pub n_rows: usize,
    /// Model inputs after preprocessing (on all rows).
    pub n_features: usize,
    /// Validation splits each candidate was scored on.
    pub folds: usize,
    /// How candidates were validated, in words.
    pub validation: String,
    /// Seconds the whole run took.
    pub elapsed_s: f64,
    /// The time budget (0 when there is none).
    pub budget_s: f64,
    /// Every finished trial, best first.
    pub leaderboard: Vec<LeaderboardRow>,
    /// Input columns the model reads (`n_features` counts them after encoding).
    pub n_columns: usize,
    /// How the run ended: the search finished, or was stopped and finished with the best
    /// trial so far, or a person chose another trial ([`finish_chosen`]).
    pub ending: Ending,
    /// The winner.
    pub best: BestSummary,
    /// What was decided on the person's behalf.
    pub notes: Vec<Message>,
    /// Class labels (classification only).
    pub classes: Vec<String>,
}

/// The refitted winner with its preprocessing, ready to predict new rows.
#[derive(Debug)]
pub struct BestModel {
    /// Preprocessing learned on all rows (with the schema new data must follow).
    pub pipeline: Pipeline,
    /// The model (or ensemble) fitted on all rows.
    pub model: FinalModel,
}

impl BestModel {
    /// Predictions (and class probabilities) for every row of `table`, whose columns are
    /// found by name; with the unseen category levels met, per column.
    pub fn predict_table(
        &self,
        table: &Table,
    ) -> Result<(Prediction, Option<Matrix>, crate::preprocess::Unseen)> {
        let frame = Frame::for_schema(table, &self.pipeline.specs)?;
        let rows: Vec<usize> = (0..table.n_rows()).collect();
        let (x, unseen) = self.pipeline.transform_report(&frame, &rows);
        Ok((
            self.model.predict(&x)?,
            self.model.predict_proba(&x)?,
            unseen,
        ))
    }
}

/// A run's report and its fitted model.
#[derive(Debug)]
pub struct SearchOutcome {
    /// The report.
    pub result: SearchResult,
    /// The model.
    pub model: BestModel,
    /// The winner's out-of-fold predictions (the ensemble's blend when it wins).
    pub oof: OutOfFold,
}

/// The winner's out-of-fold predictions: for each validation split, the table rows it
/// predicted and the predictions (rows × classes probabilities, row-major, in class order;
/// or one value per row for regression). Repeated k-fold gives several splits per row.
#[derive(Debug, Clone, Default)]
pub struct OutOfFold {
    /// One entry per validation split, in split order.
    pub splits: Vec<SplitPredictions>,
}

/// One validation split's predictions.
#[derive(Debug, Clone, Default)]
pub struct SplitPredictions {
    /// Table rows predicted (0-based data rows of the table), ascending.
    pub rows: Vec<usize>,
    /// Probabilities (`rows × classes`, row-major) or one value per row.
    pub predictions: Vec<f64>,
}

/// Rows × inputs above which candidates are scored on one holdout split instead of k folds.
pub const HOLDOUT_CELLS: usize = 2_000_000;
/// With a time budget, rows × inputs per second of budget above which a holdout is used too:
/// k-fold on such data leaves time for too few trials (250,000 cells at 10 s).
pub const HOLDOUT_CELLS_PER_SECOND: f64 = 25_000.0;
/// Rows below which k-fold cross-validation is repeated three times with different shuffles.
pub const REPEAT_BELOW_ROWS: usize = 500;
/// Trials whose out-of-fold predictions are kept as ensemble candidates.
pub const ENSEMBLE_CANDIDATES: usize = 12;

#[cfg(not(target_arch = "wasm32"))]
fn worker_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8)
}

#[cfg(target_arch = "wasm32")]
fn worker_threads() -> usize {
    1
}

#[cfg(not(target_arch = "wasm32"))]
fn run_parallel<T: Sync, R: Send>(items: &[T], f: &(dyn Fn(&T) -> R + Sync)) -> Vec<R> {
    if items.len() <= 1 {
        return items.iter().map(f).collect();
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .iter()
            .map(|item| scope.spawn(move || f(item)))
            .collect();
        handles.into_iter().map(|h| h.join()).collect::<Vec<_>>()
    })
    .into_iter()
    .map(|r| r.unwrap_or_else(|payload| std::panic::resume_unwind(payload)))
    .collect()
}

#[cfg(target_arch = "wasm32")]
fn run_parallel<T, R>(items: &[T], f: &dyn Fn(&T) -> R) -> Vec<R> {
    items.iter().map(f).collect()
}

/// Runs a search on `table` as `settings` say, reporting progress to `observer`: the native
/// driver of a [`SearchSession`], the splits of each trial on threads (batches of as many
/// splits as there are cores; the time budget is checked between batches).
pub fn run_search(
    table: &Table,
    settings: &SearchSettings,
    clock: &dyn Clock,
    observer: &mut dyn Observer,
) -> Result<SearchOutcome> {
    let mut session = SearchSession::new(table, settings, clock, 1)?;
    let _ = observer.on_progress(&session.phase("search"));
    let threads = worker_threads().min(session.n_splits()).max(1);
    let splits: Vec<usize> = (0..session.n_splits()).collect();
    while let Some(trial) = session.next_trial() {
        let trial_start = clock.now_s();
        let local = session.local();
        let run_one = |&s: &usize| local.evaluate_split(&trial, s);
        let mut outputs = Vec::with_capacity(splits.len());
        let mut failure = None;
        let mut abandoned = false;
        for chunk in splits.chunks(threads) {
            let may_start = session.may_continue() && session.may_start_splits(&trial, chunk.len());
            if !outputs.is_empty() && !may_start {
                abandoned = true;
                break;
            }
            for r in run_parallel(chunk, &run_one) {
                match r {
                    Ok(o) => outputs.push(o),
                    Err(e) => {
                        failure = Some(e.to_message());
                        break;
                    }
                }
            }
            if failure.is_some() {
                break;
            }
        }
        if abandoned {
            session.abandon(&trial);
            break;
        }
        let result = match failure {
            Some(e) => Err(e),
            None => Ok(outputs),
        };
        let seconds = clock.now_s() - trial_start;
        if let Some(event) = session.tell(&trial, result, seconds) {
            if observer.on_progress(&event) == Control::Stop {
                session.stop();
            }
        }
    }
    session.finish(observer)
}

/// The metric of predictions against the truth, for callers outside the search.
pub fn metric_value(metric: Metric, truth: TargetRef<'_>, predicted: &Predicted<'_>) -> f64 {
    metric.value(truth, predicted)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod event_tests;

#[cfg(test)]
mod halving_tests;
