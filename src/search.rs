//! The budgeted search: chooses how to validate (k-fold, repeated k-fold for very small data,
//! a holdout for large data), evaluates the configurations the [`Tuner`] proposes on the same
//! splits, reports each finished trial to an observer, builds a greedy ensemble of the best
//! candidates' out-of-fold predictions, and refits the winner on all rows.
//!
//! Time is read through an injected [`Clock`] (`std::time::Instant` panics on wasm32), and
//! every random choice derives from `SearchSettings::seed`; with a trial budget and no time
//! budget the run never looks at the clock to decide anything, so the same data, seed and
//! trial count give the same leaderboard on every run, machine and number of threads.

use crate::cv::{kfold, stratified_kfold, Fold};
use crate::data::{classify, suggested_task, Table, Task};
use crate::ensemble::{select, FinalModel, SplitTruth};
use crate::error::{AutoMlError, Result};
use crate::metrics::{mean_std, Metric, Predicted, Truth};
use crate::models::{ClassWeight, Family, FittedModel, Labels, ModelSpec, Prediction};
use crate::preprocess::{ColumnChoices, Frame, Matrix, Pipeline, TargetView};
use crate::rng::Rng;
use crate::target::{prepare_target, Target};
use crate::tuner::Tuner;
use serde::{Deserialize, Serialize};

/// A source of elapsed seconds. The caller chooses it: `Instant` natively, `Date.now()` in wasm.
pub trait Clock {
    /// Seconds since an arbitrary fixed start; never decreases.
    fn now_s(&self) -> f64;
}

/// A native clock based on `std::time::Instant`. Never use it in wasm32, where
/// `Instant::now()` panics; the bindings inject a clock reading `Date.now()` instead.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock(std::time::Instant);

impl SystemClock {
    /// A clock starting now.
    pub fn new() -> Self {
        Self(std::time::Instant::now())
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now_s(&self) -> f64 {
        self.0.elapsed().as_secs_f64()
    }
}

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
        }
    }
}

/// One finished trial (or the ensemble).
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// The configuration itself (the best member's, for the ensemble).
    #[serde(skip)]
    pub spec: ModelSpec,
    /// Mean score, higher is better.
    #[serde(skip)]
    score: f64,
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
    },
    /// The run moved to a new phase: "search", "ensemble" or "refit".
    Phase {
        /// The phase's name.
        phase: String,
        /// Seconds since the run started.
        elapsed_s: f64,
        /// The time budget (0 when there is none).
        budget_s: f64,
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
    /// The winner.
    pub best: BestSummary,
    /// What was decided on the person's behalf.
    pub notes: Vec<String>,
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

struct FoldData {
    x_train: Matrix,
    x_valid: Matrix,
    train: Vec<usize>,
    valid: Vec<usize>,
}

/// The configurations tried first, for each task: the baseline and strong defaults of every
/// family, the way a person who knows them would start.
pub fn portfolio(task: Task, n_inputs: usize) -> Vec<ModelSpec> {
    use crate::models::{Kernel, KnnWeights};
    use ModelSpec::*;
    let classification = task == Task::Classification;
    let cw = ClassWeight::None;
    // scikit-learn's gamma = "scale" on standardized inputs
    let gamma = (1.0 / n_inputs.max(1) as f64).clamp(1e-3, 10.0);
    let mut specs = vec![Constant];
    if classification {
        specs.extend([
            ModelSpec::default_for(Family::GaussianNb, true),
            LogisticRegression {
                c: 1.0,
                class_weight: cw,
            },
            ModelSpec::default_for(Family::CategoricalNb, true),
        ]);
    } else {
        specs.extend([
            Ridge { alpha: 1.0 },
            LinearRegression,
            Lasso { alpha: 0.05 },
        ]);
    }
    specs.extend([
        DecisionTree {
            max_depth: 6,
            min_samples_leaf: 5,
        },
        Knn {
            k: 10,
            weights: KnnWeights::Distance,
            class_weight: cw,
        },
        // a cheap boosting start, then the strong defaults of the tree ensembles
        ModelSpec::low_cost(Family::GradientBoosting, classification),
        ModelSpec::default_for(Family::GradientBoosting, classification),
        RandomForest {
            n_trees: 100,
            max_depth: 0,
            min_samples_leaf: 1,
            max_features: "auto".into(),
        },
        ModelSpec::default_for(Family::ExtraTrees, classification),
        Svm {
            c: 1.0,
            kernel: Kernel::Rbf,
            gamma,
            epsilon: 0.1,
            class_weight: cw,
        },
    ]);
    specs
}

enum Labelled {
    Classes(Vec<u32>, usize),
    Values(Vec<f64>),
}

impl Labelled {
    fn of(target: &Target, positions: &[usize]) -> Labelled {
        match target {
            Target::Classes { y, labels } => {
                Labelled::Classes(positions.iter().map(|&i| y[i]).collect(), labels.len())
            }
            Target::Values(v) => Labelled::Values(positions.iter().map(|&i| v[i]).collect()),
        }
    }

    fn view(&self) -> TargetView<'_> {
        match self {
            Labelled::Classes(c, n) => TargetView::Classes(c, *n),
            Labelled::Values(v) => TargetView::Values(v),
        }
    }

    fn labels(&self) -> Labels<'_> {
        match self {
            Labelled::Classes(c, n) => Labels::Classes {
                y: c,
                n_classes: *n,
            },
            Labelled::Values(v) => Labels::Values(v),
        }
    }
}

fn check_settings(s: &SearchSettings, task: Task) -> Result<()> {
    let bad = |name: &str, detail: String| {
        Err(AutoMlError::BadSetting {
            name: name.into(),
            detail,
        })
    };
    if let Some(b) = s.time_budget_s {
        if !(b.is_finite() && b > 0.0 && b <= 86_400.0) {
            return bad(
                "time budget",
                format!("{b} s is not between 0 and 86400 seconds"),
            );
        }
    } else if s.max_trials.is_none() {
        return bad(
            "time budget",
            "give a time budget, a trial budget, or both".into(),
        );
    }
    if s.max_trials == Some(0) {
        return bad("max trials", "it must be at least 1".into());
    }
    if !(2..=10).contains(&s.folds) {
        return bad("folds", format!("{} is not between 2 and 10", s.folds));
    }
    if let Some(m) = s.metric {
        if m.for_classification() != (task == Task::Classification) {
            return bad(
                "metric",
                format!("{} does not score {}", m.label(), task.name()),
            );
        }
    }
    Ok(())
}

fn mix_seed(seed: u64, trial: usize) -> u64 {
    Rng::new(seed ^ (trial as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)).next_u64()
}

/// Predictions of one split as a flat vector: probabilities (`rows × classes`) or values;
/// and whether they can be averaged (probabilities or values, not hard votes).
fn flatten(model: &FittedModel, x: &Matrix) -> Result<(Vec<f64>, bool)> {
    if model.n_classes() > 0 {
        if let Some(p) = model.predict_proba(x)? {
            return Ok((p.data, true));
        }
        // hard votes only: one-hot rows
        let Prediction::Classes(c) = model.predict(x)? else {
            return Ok((Vec::new(), false));
        };
        let k = model.n_classes();
        let mut out = vec![0.0; c.len() * k];
        for (r, &class) in c.iter().enumerate() {
            out[r * k + class as usize] = 1.0;
        }
        return Ok((out, false));
    }
    match model.predict(x)? {
        Prediction::Values(v) => Ok((v, true)),
        Prediction::Classes(_) => Ok((Vec::new(), false)),
    }
}

/// Fits `spec` on each split and predicts its validation rows. Splits run on worker threads
/// natively (each split's fit is independent and seeded, so the result does not depend on the
/// number of threads); `keep_going()` is asked between batches of splits.
fn evaluate(
    spec: &ModelSpec,
    folds: &[FoldData],
    target: &Target,
    seed: u64,
    keep_going: &dyn Fn() -> bool,
) -> Result<Option<(Vec<Vec<f64>>, bool)>> {
    let run_one = |fd: &FoldData| -> Result<(Vec<f64>, bool)> {
        let y = Labelled::of(target, &fd.train);
        let model = spec.fit(&fd.x_train, y.labels(), seed)?;
        flatten(&model, &fd.x_valid)
    };
    let threads = worker_threads().min(folds.len()).max(1);
    let mut out: Vec<Vec<f64>> = Vec::with_capacity(folds.len());
    let mut averageable = true;
    for chunk in folds.chunks(threads) {
        if !out.is_empty() && !keep_going() {
            return Ok(None);
        }
        let results = run_parallel(chunk, &run_one);
        for r in results {
            let (preds, ok) = r?;
            averageable &= ok;
            out.push(preds);
        }
    }
    Ok(Some((out, averageable)))
}

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

/// Runs a search on `table` as `settings` say, reporting progress to `observer`.
pub fn run_search(
    table: &Table,
    settings: &SearchSettings,
    clock: &dyn Clock,
    observer: &mut dyn Observer,
) -> Result<SearchOutcome> {
    let start = clock.now_s();
    let elapsed = || clock.now_s() - start;
    let budget = settings.time_budget_s;
    let budget_s = budget.unwrap_or(0.0);
    let deterministic = budget.is_none();
    let target_col = match &settings.target {
        Some(name) => table.column_index(name)?,
        None => table.names.len().saturating_sub(1),
    };
    let target_name = table.names[target_col].clone();
    let task = settings.task.unwrap_or_else(|| {
        suggested_task(&classify(
            &table.names[target_col],
            &table.columns[target_col],
        ))
        .0
    });
    check_settings(settings, task)?;
    settings.columns.check(table)?;
    let prepared = prepare_target(table, target_col, task)?;
    let frame = Frame::with_choices(table, target_col, &settings.columns);
    if frame.columns.is_empty() {
        return Err(AutoMlError::NoFeatures {
            target: target_name,
        });
    }
    let mut notes = table.notes.clone();
    notes.extend(prepared.notes.iter().cloned());
    notes.extend(frame.notes.iter().cloned());
    let schema = crate::preprocess::schema_with_choices(table, &settings.columns);
    notes.extend(crate::data::check_target(table, target_col, task, &schema).warnings);
    let metric = settings.metric.unwrap_or(match task {
        Task::Classification => Metric::Accuracy,
        Task::Regression => Metric::R2,
    });

    // how candidates are validated
    let n = prepared.rows.len();
    let (splits, validation) = plan_splits(
        &prepared.target,
        n,
        frame.columns.len(),
        settings,
        &mut notes,
    );

    // preprocessing is learned inside each split, once, and shared by all trials
    let table_rows = |positions: &[usize]| -> Vec<usize> {
        positions.iter().map(|&p| prepared.rows[p]).collect()
    };
    let prep_start = clock.now_s();
    let fold_data: Vec<FoldData> = splits
        .into_iter()
        .map(|f| {
            let train_rows = table_rows(&f.train);
            let valid_rows = table_rows(&f.valid);
            let y_train = Labelled::of(&prepared.target, &f.train);
            let (pipeline, x_train) =
                Pipeline::fit_transform(&frame, &train_rows, Some(y_train.view()), settings.seed);
            FoldData {
                x_train,
                x_valid: pipeline.transform(&frame, &valid_rows),
                train: f.train,
                valid: f.valid,
            }
        })
        .collect();
    let truth = match &prepared.target {
        Target::Classes { y, labels } => SplitTruth::Classes(
            fold_data
                .iter()
                .map(|f| f.valid.iter().map(|&i| y[i]).collect())
                .collect(),
            labels.len(),
        ),
        Target::Values(v) => SplitTruth::Values(
            fold_data
                .iter()
                .map(|f| f.valid.iter().map(|&i| v[i]).collect())
                .collect(),
        ),
    };
    let value_of = |s: usize, preds: &[f64]| metric.value_of_score(truth.score(metric, s, preds));
    let (train_rows, inputs) = (fold_data[0].x_train.rows, fold_data[0].x_train.cols);
    let n_splits = fold_data.len();
    // the final refit also fits the preprocessing on all rows: about one split's share
    let prep_split_s = (clock.now_s() - prep_start) / n_splits.max(1) as f64;

    let classification = task == Task::Classification;
    let families = Family::for_task(classification);
    let mut tuner = Tuner::new(
        task,
        &families,
        portfolio(task, inputs),
        settings.seed,
        deterministic,
    );
    let _ = observer.on_progress(&Progress::Phase {
        phase: "search".into(),
        elapsed_s: elapsed(),
        budget_s,
    });

    let mut rows: Vec<LeaderboardRow> = Vec::new();
    // out-of-fold predictions of the best trials, for the ensemble: (score, trial index, preds)
    let mut kept: Vec<(f64, usize, Vec<Vec<f64>>)> = Vec::new();
    // seconds per cost unit, per family, measured (time budget only)
    let mut rate: Vec<(&'static str, f64)> = Vec::new();
    let mut failed: Vec<&'static str> = Vec::new();
    let max_trials = settings.max_trials.unwrap_or(usize::MAX);
    let n_classes = match &prepared.target {
        Target::Classes { labels, .. } => labels.len(),
        Target::Values(_) => 0,
    };
    let units =
        |spec: &ModelSpec| spec.task_cost_units(train_rows, inputs, n_classes) * n_splits as f64;
    while rows.len() < max_trials {
        let best_score = rows
            .iter()
            .map(|r| r.score)
            .fold(f64::NEG_INFINITY, f64::max);
        let spent = elapsed();
        // a trial must leave room for the final refit (about one split's fit of the best)
        let reserve = rows
            .iter()
            .map(|r| r.fit_time_s / n_splits as f64 * 1.5)
            .fold(0.0, f64::max)
            + prep_split_s * 1.5;
        let remaining = budget.map(|b| b - spent - reserve);
        if remaining.is_some_and(|r| r <= 0.0) && !rows.is_empty() {
            break;
        }
        // the constant's time is all overhead: it says nothing of other families' rates
        let any_rate = rate
            .iter()
            .filter(|r| r.0 != "constant")
            .map(|r| r.1)
            .fold(0.0, f64::max);
        let seconds = |spec: &ModelSpec| {
            if failed.contains(&spec.family_name()) {
                return f64::INFINITY;
            }
            // a family not timed yet is priced from another's rate, with a margin for the
            // error of that guess (a fit on one holdout split cannot be abandoned midway)
            let r = rate
                .iter()
                .find(|(f, _)| *f == spec.family_name())
                .map_or(any_rate * 2.0, |r| r.1);
            // a trial that wins must also be refitted on all rows: about one split's fit
            r * units(spec) * (1.0 + 1.5 / n_splits as f64)
        };
        let proposal = if deterministic {
            let static_cost = |spec: &ModelSpec| {
                if failed.contains(&spec.family_name()) {
                    f64::INFINITY
                } else {
                    units(spec)
                }
            };
            tuner.propose(best_score, None, &static_cost)
        } else if rows.is_empty() {
            // nothing timed yet: the first (cheapest) trial always runs
            tuner.propose(best_score, None, &|s| units(s))
        } else {
            tuner.propose(best_score, remaining, &seconds)
        };
        let Some(spec) = proposal else { break };
        let trial_no = rows.len() + 1;
        let trial_start = clock.now_s();
        // abandon a trial between splits once the refit would no longer fit
        let keep_going = || budget.is_none_or(|b| rows.is_empty() || elapsed() + reserve <= b);
        let (preds, averageable) = match evaluate(
            &spec,
            &fold_data,
            &prepared.target,
            mix_seed(settings.seed, trial_no),
            &keep_going,
        ) {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => {
                // one family failing on this data must not end the search: note it, go on
                if !failed.contains(&spec.family_name()) {
                    failed.push(spec.family_name());
                    notes.push(format!(
                        "{} could not be used on this data: {e}",
                        spec.label()
                    ));
                }
                tuner.report(
                    f64::NEG_INFINITY,
                    if deterministic {
                        units(&spec)
                    } else {
                        clock.now_s() - trial_start
                    },
                );
                continue;
            }
        };
        let fit_time_s = clock.now_s() - trial_start;
        if !deterministic {
            let observed = fit_time_s / units(&spec).max(1e-9);
            match rate.iter_mut().find(|(f, _)| *f == spec.family_name()) {
                // slower at once (the machine got busier), faster only gradually
                Some(entry) => entry.1 = observed.max(0.5 * entry.1 + 0.5 * observed),
                None => rate.push((spec.family_name(), observed)),
            }
        }
        let fold_values: Vec<f64> = preds
            .iter()
            .enumerate()
            .map(|(s, p)| value_of(s, p))
            .collect();
        let (mean, std) = mean_std(&fold_values);
        let score = metric.value_of_score(mean);
        tuner.report(
            if score.is_finite() {
                score
            } else {
                f64::NEG_INFINITY
            },
            if deterministic {
                units(&spec)
            } else {
                fit_time_s
            },
        );
        if score.is_finite() && averageable {
            kept.push((score, rows.len(), preds));
            kept.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            kept.truncate(ENSEMBLE_CANDIDATES);
        }
        let row = LeaderboardRow {
            rank: 0,
            trial: trial_no,
            family: spec.family_name().into(),
            label: spec.label().into(),
            params: spec.params(classification),
            metric,
            higher_is_better: metric.higher_is_better(),
            mean,
            std,
            fold_scores: fold_values,
            fit_time_s,
            spec,
            score: if score.is_finite() {
                score
            } else {
                f64::NEG_INFINITY
            },
        };
        rows.push(row.clone());
        let best_so_far = metric.value_of_score(
            rows.iter()
                .map(|r| r.score)
                .fold(f64::NEG_INFINITY, f64::max),
        );
        let event = Progress::Trial {
            elapsed_s: elapsed(),
            budget_s,
            trials_done: rows.len(),
            row,
            best_so_far,
        };
        if observer.on_progress(&event) == Control::Stop {
            break;
        }
    }
    if tuner.skipped > 0 {
        notes.push(format!("{} configuration(s) were skipped because they would not have finished within the budget.", tuner.skipped));
    }
    if rows.is_empty() {
        return Err(if failed.is_empty() {
            AutoMlError::BudgetTooSmall { budget_s }
        } else {
            AutoMlError::Model {
                family: "every model".into(),
                detail: notes.last().cloned().unwrap_or_default(),
            }
        });
    }

    // the ensemble: a leaderboard row like the others, chosen only if it scores better
    let mut ensemble: Option<(LeaderboardRow, Vec<(f64, usize)>)> = None;
    let best_single = rows
        .iter()
        .map(|r| r.score)
        .fold(f64::NEG_INFINITY, f64::max);
    if settings.ensemble && kept.len() >= 2 {
        let _ = observer.on_progress(&Progress::Phase {
            phase: "ensemble".into(),
            elapsed_s: elapsed(),
            budget_s,
        });
        let candidates: Vec<&Vec<Vec<f64>>> = kept.iter().map(|k| &k.2).collect();
        if let Some(sel) = select(&candidates, &truth, metric) {
            let fold_values: Vec<f64> = sel
                .split_scores
                .iter()
                .map(|&s| metric.value_of_score(s))
                .collect();
            let (mean, std) = mean_std(&fold_values);
            let score = metric.value_of_score(mean);
            let members: Vec<(f64, usize)> =
                sel.weights.iter().map(|&(c, w)| (w, kept[c].1)).collect();
            let refit_estimate: f64 = members
                .iter()
                .map(|&(_, i)| rows[i].fit_time_s / n_splits as f64 * 1.3)
                .sum();
            let affordable =
                budget.is_none_or(|b| elapsed() + refit_estimate + prep_split_s * 1.5 <= b);
            if score > best_single && affordable {
                let mut params = serde_json::Map::new();
                let list: Vec<serde_json::Value> = members
                    .iter()
                    .map(|&(w, i)| serde_json::json!({ "trial": rows[i].trial, "model": rows[i].label, "weight": (w * 1000.0).round() / 1000.0 }))
                    .collect();
                params.insert("members".into(), serde_json::Value::Array(list));
                let best_member = members
                    .iter()
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map_or(0, |m| m.1);
                let row = LeaderboardRow {
                    rank: 0,
                    trial: rows.len() + 1,
                    family: "ensemble".into(),
                    label: format!("Ensemble of {} models", members.len()),
                    params,
                    metric,
                    higher_is_better: metric.higher_is_better(),
                    mean,
                    std,
                    fold_scores: fold_values,
                    fit_time_s: 0.0,
                    spec: rows[best_member].spec.clone(),
                    score,
                };
                ensemble = Some((row, members));
            } else if score > best_single {
                notes.push("An ensemble would have scored better, but refitting its members would not fit in the budget.".into());
            }
        }
    }

    // refit the winner on all rows
    let _ = observer.on_progress(&Progress::Phase {
        phase: "refit".into(),
        elapsed_s: elapsed(),
        budget_s,
    });
    let refit_start = clock.now_s();
    let all: Vec<usize> = (0..n).collect();
    let y_all = Labelled::of(&prepared.target, &all);
    let (pipeline, x_all) =
        Pipeline::fit_transform(&frame, &prepared.rows, Some(y_all.view()), settings.seed);
    let (best_row, model) = match &ensemble {
        Some((row, members)) => {
            let mut fitted = Vec::with_capacity(members.len());
            for &(w, i) in members {
                fitted.push((
                    w,
                    rows[i].spec.fit(
                        &x_all,
                        y_all.labels(),
                        mix_seed(settings.seed, rows[i].trial),
                    )?,
                ));
            }
            (row.clone(), FinalModel::Ensemble(fitted))
        }
        None => {
            let best = rows
                .iter()
                .max_by(|a, b| a.score.total_cmp(&b.score).then(b.trial.cmp(&a.trial)))
                .cloned()
                .unwrap_or_else(|| rows[0].clone());
            let m = best
                .spec
                .fit(&x_all, y_all.labels(), mix_seed(settings.seed, best.trial))?;
            (best, FinalModel::Single(m))
        }
    };
    let refit_time_s = clock.now_s() - refit_start;
    if let Some((row, _)) = ensemble {
        rows.push(row);
    }
    rows.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.trial.cmp(&b.trial)));
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    let best_row = rows
        .iter()
        .find(|r| r.trial == best_row.trial)
        .cloned()
        .unwrap_or(best_row);

    let classes = match &prepared.target {
        Target::Classes { labels, .. } => labels.clone(),
        Target::Values(_) => Vec::new(),
    };
    let result = SearchResult {
        target: target_name,
        task,
        metric,
        n_rows: n,
        n_features: pipeline.n_features(),
        folds: n_splits,
        validation,
        elapsed_s: elapsed(),
        budget_s,
        leaderboard: rows,
        best: BestSummary {
            row: best_row,
            refit_time_s,
        },
        notes,
        classes,
    };
    Ok(SearchOutcome {
        result,
        model: BestModel { pipeline, model },
    })
}

/// The validation splits and their description: a stratified (classification) or shuffled
/// holdout of 20% when rows × inputs exceed [`HOLDOUT_CELLS`], or [`HOLDOUT_CELLS_PER_SECOND`]
/// times the time budget; k-fold repeated three times
/// below [`REPEAT_BELOW_ROWS`] rows; k-fold otherwise (k lowered to the smallest class).
fn plan_splits(
    target: &Target,
    n: usize,
    columns: usize,
    settings: &SearchSettings,
    notes: &mut Vec<String>,
) -> (Vec<Fold>, String) {
    let mut k = settings.folds.min(n);
    if let Target::Classes { y, labels } = target {
        let mut counts = vec![0usize; labels.len()];
        y.iter().for_each(|&c| counts[c as usize] += 1);
        let smallest = counts.iter().copied().min().unwrap_or(0);
        if smallest < k {
            notes.push(format!("{k} folds were asked for, but the smallest class has {smallest} rows, so {} folds were used.", smallest.max(2)));
            k = smallest.max(2);
        }
    }
    let split = |seed: u64| match target {
        Target::Classes { y, .. } => stratified_kfold(y, k, seed),
        Target::Values(_) => kfold(n, k, seed),
    };
    let cells = n.saturating_mul(columns.max(1));
    let limit = settings.time_budget_s.map_or(HOLDOUT_CELLS, |b| {
        HOLDOUT_CELLS.min((HOLDOUT_CELLS_PER_SECOND * b) as usize)
    });
    if cells > limit {
        // one fold of a 5-fold split is a stratified 20% holdout
        let k5 = match target {
            Target::Classes { y, .. } => stratified_kfold(y, 5, settings.seed),
            Target::Values(_) => kfold(n, 5, settings.seed),
        };
        let holdout = k5.into_iter().next().into_iter().collect();
        return (
            holdout,
            format!(
                "a 20% holdout ({n} rows is large enough, and k-fold would cost {k} times more)"
            ),
        );
    }
    if n < REPEAT_BELOW_ROWS {
        let mut all = Vec::new();
        for r in 0..3u64 {
            all.extend(split(settings.seed.wrapping_add(r * 7919)));
        }
        return (all, format!("{k}-fold cross-validation repeated 3 times (under {REPEAT_BELOW_ROWS} rows, one split is too noisy)"));
    }
    let kind = if matches!(target, Target::Classes { .. }) {
        "stratified "
    } else {
        ""
    };
    (
        split(settings.seed),
        format!("{kind}{k}-fold cross-validation"),
    )
}

/// The metric of predictions against the truth, for callers outside the search.
pub fn metric_value(metric: Metric, truth: Truth<'_>, predicted: &Predicted<'_>) -> f64 {
    metric.value(truth, predicted)
}
