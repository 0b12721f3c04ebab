//! The budgeted search: chooses how to validate (k-fold, repeated k-fold for very small data,
//! a holdout for large data), evaluates the configurations the [`Tuner`] proposes on the same
//! splits, reports each finished trial to an observer, builds a greedy ensemble of the best
//! candidates' out-of-fold predictions, and refits the winner on all rows.
//!
//! Time is read through an injected [`Clock`] (`std::time::Instant` panics on wasm32), and
//! every random choice derives from `SearchSettings::seed`; with a trial budget and no time
//! budget the run never looks at the clock to decide anything, so the same data, seed and
//! trial count give the same leaderboard on every run, machine and number of threads.

use crate::clock::Clock;
use crate::cv::{kfold, stratified_kfold, Fold};
use crate::data::{classify, suggested_task, Table, Task};
use crate::ensemble::{select, FinalModel, SplitTruth};
use crate::error::{AutoMlError, Result};
use crate::metrics::{mean_std, Metric, Predicted, Truth};
use crate::models::{ClassWeight, Family, FittedModel, Labels, ModelSpec, Prediction};
use crate::preprocess::{ColumnChoices, Frame, Pipeline, TargetView};
use crate::matrix::Matrix;
use crate::rng::Rng;
use crate::target::{prepare_target, Target};
use crate::tuner::Tuner;
use serde::{Deserialize, Serialize};

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
    /// Training rows per split when the trial was fitted on a sample of them (progressive
    /// sampling, see [`SearchSession`]); `None` when it was fitted on all of them. A sampled
    /// score is usually an underestimate (more rows rarely hurt); a sampled winner is refitted
    /// on all rows like any other.
    pub sample_rows: Option<usize>,
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
        /// Seconds left of the time budget (0 when there is none).
        time_left_s: f64,
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
    /// What the page and the report show about the winner, computed after the search by
    /// [`crate::explain::diagnose`] (`None` until then).
    pub diagnostics: Option<crate::explain::Diagnostics>,
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

struct FoldData {
    x_train: Matrix,
    x_valid: Matrix,
    train: Vec<usize>,
    /// The seeded sample of the training rows (its inputs and positions), when progressive
    /// sampling applies.
    sample: Option<(Matrix, Vec<usize>)>,
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

/// Training rows per split above which progressive sampling applies: costly configurations
/// are first fitted on a seeded sample of each split's training rows (see [`SearchSession`]).
pub const SAMPLE_ABOVE_ROWS: usize = 10_000;
/// The reduction factor of the sampling rung: a sampled trial is promoted to all rows when it
/// ranks in the best 1/`PROMOTE_ETA` of the sampled trials so far (asynchronous successive
/// halving), or beats every trial fitted on all rows.
pub const PROMOTE_ETA: usize = 3;
/// A configuration is sampled when one fit on all rows costs more than this many passes over
/// the training inputs (the baseline and naive Bayes are never sampled: sampling saves nothing).
pub const SAMPLE_ABOVE_PASSES: f64 = 10.0;

/// How much more a family not timed yet may cost than its cost units and the slowest measured
/// rate predict: cost units compare families only roughly, and the first trial of a family
/// that takes three times its prediction would overrun the budget.
pub const UNTIMED_MARGIN: f64 = 3.0;

/// Rows of each split's training sample: a quarter of the training rows, at least 5,000 and
/// at most 20,000.
pub fn sample_size(train_rows: usize) -> usize {
    (train_rows / 4).clamp(5_000, 20_000).min(train_rows)
}

/// One trial to evaluate: a configuration, the seed of its fits, its number, and whether it is
/// fitted on the sample of each split's training rows. Serializable, so a lead can hand it to
/// other workers (the seed is a `u64`: pass it as JSON text, not as a JavaScript number).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trial {
    /// Order in which the trial runs, from 1; its leaderboard row carries it.
    pub number: usize,
    /// The configuration.
    pub spec: ModelSpec,
    /// Seed of its fits (the same on every split).
    pub seed: u64,
    /// Whether it is fitted on the seeded sample of each split's training rows.
    pub sampled: bool,
}

/// One split's validation predictions for a trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SplitOutput {
    /// Probabilities (`rows × classes`, row-major) or values, for the split's validation rows.
    pub predictions: Vec<f64>,
    /// Whether they can be averaged (false for hard class votes, given one-hot).
    pub averageable: bool,
}

/// What a run decides before its first trial, the same on every worker: target, features,
/// metric, validation splits, sampling.
struct Plan {
    settings: SearchSettings,
    target_name: String,
    task: Task,
    metric: Metric,
    prepared: crate::target::PreparedTarget,
    frame: Frame,
    splits: Vec<Fold>,
    validation: String,
    notes: Vec<String>,
    /// Rows of each split's training sample, when progressive sampling applies.
    sample_rows: Option<usize>,
}

impl Plan {
    fn new(table: &Table, settings: &SearchSettings) -> Result<Plan> {
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
        notes.extend(crate::target::check_target(table, target_col, task, &schema).warnings);
        let metric = settings.metric.unwrap_or(match task {
            Task::Classification => Metric::Accuracy,
            Task::Regression => Metric::R2,
        });
        let n = prepared.rows.len();
        let (splits, validation) = plan_splits(
            &prepared.target,
            n,
            frame.columns.len(),
            settings,
            &mut notes,
        );
        let train = splits.first().map_or(0, |f| f.train.len());
        let sample_rows = (train > SAMPLE_ABOVE_ROWS).then(|| sample_size(train));
        if let Some(m) = sample_rows {
            notes.push(format!("With {train} training rows per split, costly configurations were first scored on a sample of {m} of them; only the promising ones were scored on all rows."));
        }
        Ok(Plan {
            settings: settings.clone(),
            target_name,
            task,
            metric,
            prepared,
            frame,
            splits,
            validation,
            notes,
            sample_rows,
        })
    }

    /// Learns split `s`'s preprocessing on its training rows and transforms both sides.
    fn fold_data(&self, s: usize) -> FoldData {
        let f = &self.splits[s];
        let table_rows = |positions: &[usize]| -> Vec<usize> {
            positions.iter().map(|&p| self.prepared.rows[p]).collect()
        };
        let train_rows = table_rows(&f.train);
        let valid_rows = table_rows(&f.valid);
        let y_train = Labelled::of(&self.prepared.target, &f.train);
        let (pipeline, x_train) = Pipeline::fit_transform(
            &self.frame,
            &train_rows,
            Some(y_train.view()),
            self.settings.seed,
        );
        let sample = self.sample_rows.map(|m| {
            let picked = sample_indices(
                &self.prepared.target,
                &f.train,
                m,
                mix_seed(self.settings.seed ^ 0x005A_3F1E, s),
            );
            let mut data = Vec::with_capacity(picked.len() * x_train.cols);
            for &i in &picked {
                data.extend_from_slice(&x_train.data[i * x_train.cols..(i + 1) * x_train.cols]);
            }
            let x = Matrix {
                rows: picked.len(),
                cols: x_train.cols,
                data,
            };
            (x, picked.iter().map(|&i| f.train[i]).collect())
        });
        FoldData {
            x_valid: pipeline.transform(&self.frame, &valid_rows),
            x_train,
            train: f.train.clone(),
            sample,
        }
    }

    /// Classes of the target (0 for regression).
    fn classes(&self) -> usize {
        match &self.prepared.target {
            Target::Classes { labels, .. } => labels.len(),
            Target::Values(_) => 0,
        }
    }

    /// The truth of every validation split (cheap: no preprocessing).
    fn truth(&self) -> SplitTruth {
        match &self.prepared.target {
            Target::Classes { y, labels } => SplitTruth::Classes(
                self.splits
                    .iter()
                    .map(|f| f.valid.iter().map(|&i| y[i]).collect())
                    .collect(),
                labels.len(),
            ),
            Target::Values(v) => SplitTruth::Values(
                self.splits
                    .iter()
                    .map(|f| f.valid.iter().map(|&i| v[i]).collect())
                    .collect(),
            ),
        }
    }
}

/// Indices into `train` of a seeded sample of about `m` of them, ascending; stratified by class
/// (every class keeps at least two rows, or all it has).
fn sample_indices(target: &Target, train: &[usize], m: usize, seed: u64) -> Vec<usize> {
    let mut rng = Rng::new(seed);
    let mut out = match target {
        Target::Classes { y, labels } => {
            let mut groups: Vec<Vec<usize>> = vec![Vec::new(); labels.len()];
            for (i, &p) in train.iter().enumerate() {
                groups[y[p] as usize].push(i);
            }
            let mut out = Vec::with_capacity(m + labels.len());
            for g in groups.iter_mut().filter(|g| !g.is_empty()) {
                rng.shuffle(g);
                let take = (g.len() * m).div_ceil(train.len()).max(2).min(g.len());
                out.extend_from_slice(&g[..take]);
            }
            out
        }
        Target::Values(_) => {
            let mut all: Vec<usize> = (0..train.len()).collect();
            rng.shuffle(&mut all);
            all.truncate(m);
            all
        }
    };
    out.sort_unstable();
    out
}

/// The part of a search any worker can run: the fold data of the splits assigned to it, and
/// the evaluation of one trial on one of them. Split `s` belongs to worker `s % workers`, so the
/// memory is spread over the workers and who computes what is fixed in advance.
pub struct SplitWorker {
    plan: Plan,
    folds: Vec<Option<FoldData>>,
}

impl SplitWorker {
    /// Worker `worker` of `workers`: reads the plan (the same on every worker) and learns the
    /// preprocessing of its own splits only.
    pub fn new(
        table: &Table,
        settings: &SearchSettings,
        worker: usize,
        workers: usize,
    ) -> Result<SplitWorker> {
        Ok(Self::with_plan(
            Plan::new(table, settings)?,
            worker,
            workers,
        ))
    }

    fn with_plan(plan: Plan, worker: usize, workers: usize) -> SplitWorker {
        let workers = workers.max(1);
        let folds = (0..plan.splits.len())
            .map(|s| (s % workers == worker).then(|| plan.fold_data(s)))
            .collect();
        SplitWorker { plan, folds }
    }

    /// Number of validation splits of the run (all workers', not only this one's).
    pub fn n_splits(&self) -> usize {
        self.folds.len()
    }

    /// The splits this worker prepared.
    pub fn own_splits(&self) -> Vec<usize> {
        (0..self.folds.len())
            .filter(|&s| self.folds[s].is_some())
            .collect()
    }

    /// Fits the trial's configuration on split `split`'s training rows (or their sample) and
    /// predicts its validation rows. Errors if the split is not this worker's, or if the model
    /// cannot be fitted on this data.
    pub fn evaluate_split(&self, trial: &Trial, split: usize) -> Result<SplitOutput> {
        let Some(Some(fd)) = self.folds.get(split) else {
            return Err(AutoMlError::BadSetting {
                name: "split".into(),
                detail: format!("split {split} was not prepared by this worker"),
            });
        };
        let (x, positions) = match (&fd.sample, trial.sampled) {
            (Some((x, p)), true) => (x, p),
            _ => (&fd.x_train, &fd.train),
        };
        let y = Labelled::of(&self.plan.prepared.target, positions);
        let model = trial.spec.fit(x, y.labels(), trial.seed)?;
        let (predictions, averageable) = flatten(&model, &fd.x_valid)?;
        Ok(SplitOutput {
            predictions,
            averageable,
        })
    }
}

/// What the search knows of the cost of a trial: the data's size and the measured rates.
struct CostModel<'a> {
    train_rows: usize,
    inputs: usize,
    n_splits: usize,
    sample_rows: Option<usize>,
    /// Classes (0 for regression).
    classes: usize,
    /// Seconds per cost unit, per family, measured (time budget only).
    rate: &'a [(&'static str, f64)],
    failed: &'a [&'static str],
}

impl CostModel<'_> {
    /// Whether `spec` runs on the training sample first.
    fn sampled(&self, spec: &ModelSpec) -> bool {
        self.sample_rows.is_some()
            && spec.cost_units(self.train_rows, self.inputs)
                > SAMPLE_ABOVE_PASSES * (self.train_rows * self.inputs.max(1)) as f64
    }

    /// Cost units of a trial over all splits.
    fn units(&self, spec: &ModelSpec, sampled: bool) -> f64 {
        let rows = match (sampled, self.sample_rows) {
            (true, Some(m)) => m,
            _ => self.train_rows,
        };
        spec.task_cost_units(rows, self.inputs, self.classes) * self.n_splits as f64
    }

    /// Cost units of `spec`'s next trial, infinite for a family that failed.
    fn static_cost(&self, spec: &ModelSpec) -> f64 {
        if self.failed.contains(&spec.family_name()) {
            f64::INFINITY
        } else {
            self.units(spec, self.sampled(spec))
        }
    }

    /// Predicted seconds of a trial, from the measured rates.
    fn seconds(&self, spec: &ModelSpec, sampled: bool) -> f64 {
        if self.failed.contains(&spec.family_name()) {
            return f64::INFINITY;
        }
        let any_rate = self
            .rate
            .iter()
            .filter(|r| r.0 != "constant")
            .map(|r| r.1)
            .fold(0.0, f64::max);
        // a family not timed yet: the slowest rate measured, with a margin (cost units compare
        // families only roughly; `units` already counts the classes of per-class fits)
        let untimed = any_rate * UNTIMED_MARGIN;
        let r = self
            .rate
            .iter()
            .find(|(f, _)| *f == spec.family_name())
            .map_or(untimed, |r| r.1);
        r * self.units(spec, sampled)
    }
}

/// The chosen ensemble: its row, its members (weight, row index) and its blended out-of-fold
/// predictions.
type EnsembleChoice = (LeaderboardRow, Vec<(f64, usize)>, Vec<Vec<f64>>);

/// A sampled trial promoted to all rows: its configuration, sampled score and cost so far.
struct Promotion {
    spec: ModelSpec,
    score: f64,
    cost: f64,
}

/// A search as an ask/tell session, so the splits of a trial can run anywhere: `next_trial()` gives
/// the next [`Trial`] (or `None` when the search is over), any worker evaluates its splits
/// ([`SearchSession::evaluate_split`] for the splits of worker 0, [`SplitWorker`] for the
/// others), `tell()` takes every split's predictions and returns the progress event, and
/// `finish()` builds the ensemble and refits the winner. Trials are sequential and every
/// split's fit is seeded, so the leaderboard does not depend on who evaluated what.
///
/// Progressive sampling: when a split has more than [`SAMPLE_ABOVE_ROWS`] training rows, a
/// costly configuration (see [`SAMPLE_ABOVE_PASSES`]) first runs as a trial on a seeded,
/// stratified sample of [`sample_size`] rows of each split's training rows; it runs again on
/// all rows, as the next trial, only when its sampled score ranks in the best
/// 1/[`PROMOTE_ETA`] of the sampled trials so far or beats every trial on all rows.
pub struct SearchSession<'c> {
    local: SplitWorker,
    clock: &'c dyn Clock,
    start: f64,
    /// Splits evaluated at once (for the refit estimates).
    parallel: usize,
    truth: SplitTruth,
    train_rows: usize,
    inputs: usize,
    tuner: Tuner,
    rows: Vec<LeaderboardRow>,
    /// Out-of-fold predictions of the best trials, for the ensemble: (score, row index, preds).
    kept: Vec<(f64, usize, Vec<Vec<f64>>)>,
    /// Out-of-fold predictions of the best rows, any kind: (score, row index, preds).
    oof_cache: Vec<(f64, usize, Vec<Vec<f64>>)>,
    /// Seconds per cost unit, per family, measured (time budget only).
    rate: Vec<(&'static str, f64)>,
    failed: Vec<&'static str>,
    notes: Vec<String>,
    sampled_scores: Vec<f64>,
    promotion: Option<Promotion>,
    /// The sampled cost of the promotion now running on all rows.
    promoted: Option<f64>,
    over: bool,
}

impl<'c> SearchSession<'c> {
    /// Starts a search on `table`: prepares the target, the splits, and the fold data of
    /// worker 0 of `workers` (all of it when `workers` is 1). Time counts from now on `clock`.
    pub fn new(
        table: &Table,
        settings: &SearchSettings,
        clock: &'c dyn Clock,
        workers: usize,
    ) -> Result<SearchSession<'c>> {
        let start = clock.now_s();
        let plan = Plan::new(table, settings)?;
        let truth = plan.truth();
        let notes = plan.notes.clone();
        let local = SplitWorker::with_plan(plan, 0, workers);
        let (train_rows, inputs) = local.folds[0]
            .as_ref()
            .map_or((0, 0), |f| (f.x_train.rows, f.x_train.cols));
        let task = local.plan.task;
        let families = Family::for_task(task == Task::Classification);
        let tuner = Tuner::new(
            task,
            &families,
            portfolio(task, inputs),
            settings.seed,
            settings.time_budget_s.is_none(),
        );
        let parallel = workers
            .max(worker_threads())
            .clamp(1, local.n_splits().max(1));
        Ok(SearchSession {
            local,
            clock,
            start,
            parallel,
            truth,
            train_rows,
            inputs,
            tuner,
            rows: Vec::new(),
            kept: Vec::new(),
            oof_cache: Vec::new(),
            rate: Vec::new(),
            failed: Vec::new(),
            notes,
            sampled_scores: Vec::new(),
            promotion: None,
            promoted: None,
            over: false,
        })
    }

    fn settings(&self) -> &SearchSettings {
        &self.local.plan.settings
    }

    fn deterministic(&self) -> bool {
        self.settings().time_budget_s.is_none()
    }

    /// Seconds since the session started.
    pub fn elapsed(&self) -> f64 {
        self.clock.now_s() - self.start
    }

    fn time_left(&self) -> f64 {
        self.settings()
            .time_budget_s
            .map_or(0.0, |b| (b - self.elapsed()).max(0.0))
    }

    /// Number of validation splits each trial is evaluated on.
    pub fn n_splits(&self) -> usize {
        self.local.n_splits()
    }

    /// The fold data of worker 0, which [`SearchSession::evaluate_split`] uses.
    pub fn local(&self) -> &SplitWorker {
        &self.local
    }

    /// Evaluates `trial` on split `split`, which must be one of worker 0's.
    pub fn evaluate_split(&self, trial: &Trial, split: usize) -> Result<SplitOutput> {
        self.local.evaluate_split(trial, split)
    }

    /// A phase event ("search", "ensemble" or "refit") stamped now.
    pub fn phase(&self, phase: &str) -> Progress {
        Progress::Phase {
            phase: phase.into(),
            elapsed_s: self.elapsed(),
            budget_s: self.settings().time_budget_s.unwrap_or(0.0),
            time_left_s: self.time_left(),
        }
    }

    /// Whether the splits of a started trial may go on: false once the time budget is spent
    /// (the first trial always finishes).
    pub fn may_continue(&self) -> bool {
        self.settings()
            .time_budget_s
            .is_none_or(|b| self.rows.is_empty() || self.elapsed() <= b)
    }

    /// Whether `count` more splits of `trial` may start: the cost model predicts they finish
    /// within the budget (always, before the first trial is done or without a time budget).
    pub fn may_start_splits(&self, trial: &Trial, count: usize) -> bool {
        self.settings().time_budget_s.is_none_or(|b| {
            let per_split =
                self.costs().seconds(&trial.spec, trial.sampled) / self.n_splits().max(1) as f64;
            let batches = count.div_ceil(self.parallel.max(1)) as f64;
            self.rows.is_empty() || self.elapsed() + per_split * self.parallel as f64 * batches <= b
        })
    }

    fn costs(&self) -> CostModel<'_> {
        CostModel {
            train_rows: self.train_rows,
            inputs: self.inputs,
            n_splits: self.n_splits(),
            sample_rows: self.local.plan.sample_rows,
            classes: self.local.plan.classes(),
            rate: &self.rate,
            failed: &self.failed,
        }
    }

    /// Seconds one fit of a row's configuration on all rows would take, about.
    fn refit_seconds(&self, row: &LeaderboardRow) -> f64 {
        let per_split = row.fit_time_s * self.parallel as f64 / self.n_splits().max(1) as f64;
        match row.sample_rows {
            Some(m) => per_split * self.train_rows as f64 / m.max(1) as f64,
            None => per_split,
        }
    }

    fn trial(&self, spec: ModelSpec, sampled: bool) -> Trial {
        let number = self.rows.len() + 1;
        Trial {
            number,
            spec,
            seed: mix_seed(self.settings().seed, number),
            sampled,
        }
    }

    /// The next trial to evaluate, or `None` when the search is over (trial budget reached,
    /// time budget spent, nothing left that fits, or stopped).
    pub fn next_trial(&mut self) -> Option<Trial> {
        if self.over || self.rows.len() >= self.settings().max_trials.unwrap_or(usize::MAX) {
            return None;
        }
        let deterministic = self.deterministic();
        let best_score = self
            .rows
            .iter()
            .map(|r| r.score)
            .fold(f64::NEG_INFINITY, f64::max);
        let spent = self.elapsed();
        // a trial must leave room for the final refit of the best so far (about one fit on all
        // rows), and a trial on all rows for its own refit, should it become the best
        // (the room kept is for the best trial on all rows, the fallback; and for the best
        // sampled trial better than it whose refit on all rows still fits the budget)
        let best_of = |full_only: bool| {
            self.rows
                .iter()
                .filter(|r| !full_only || r.sample_rows.is_none())
                .max_by(|a, b| a.score.total_cmp(&b.score).then(b.trial.cmp(&a.trial)))
        };
        let mut reserve = best_of(true).map_or(0.0, |r| self.refit_seconds(r) * 1.5);
        let floor = best_of(true).map_or(f64::NEG_INFINITY, |r| r.score);
        let budget = self.settings().time_budget_s.unwrap_or(f64::INFINITY);
        let mut better: Vec<&LeaderboardRow> = self
            .rows
            .iter()
            .filter(|r| r.sample_rows.is_some() && r.score > floor)
            .collect();
        better.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.trial.cmp(&b.trial)));
        if let Some(r) = better
            .iter()
            .map(|r| self.refit_seconds(r) * 1.5)
            .find(|&r| spent + r <= budget * 1.05)
        {
            reserve = reserve.max(r);
        }
        let own_refit = 1.0 + 1.5 * self.parallel as f64 / self.n_splits().max(1) as f64;
        let remaining = self.settings().time_budget_s.map(|b| b - spent - reserve);
        if remaining.is_some_and(|r| r <= 0.0) && !self.rows.is_empty() {
            self.over = true;
            return None;
        }
        if let Some(p) = self.promotion.take() {
            let fits = deterministic
                || remaining.is_none_or(|r| self.costs().seconds(&p.spec, false) * own_refit <= r);
            if fits {
                self.promoted = Some(p.cost);
                return Some(self.trial(p.spec, false));
            }
            self.tuner.report(p.score, p.cost);
        }
        let costs = CostModel {
            train_rows: self.train_rows,
            inputs: self.inputs,
            n_splits: self.local.n_splits(),
            sample_rows: self.local.plan.sample_rows,
            classes: self.local.plan.classes(),
            rate: &self.rate,
            failed: &self.failed,
        };
        let proposal = if deterministic {
            self.tuner
                .propose(best_score, None, &|s| costs.static_cost(s))
        } else if self.rate.iter().all(|r| r.0 == "constant") {
            // nothing timed yet (the baseline's time is mostly fixed overhead and says nothing
            // per cost unit): the cheapest trial runs
            self.tuner
                .propose(best_score, None, &|s| costs.units(s, costs.sampled(s)))
        } else {
            self.tuner.propose(best_score, remaining, &|s| {
                let sampled = costs.sampled(s);
                costs.seconds(s, sampled) * if sampled { 1.0 } else { own_refit }
            })
        };
        let Some(spec) = proposal else {
            self.over = true;
            return None;
        };
        let sampled = self.costs().sampled(&spec);
        Some(self.trial(spec, sampled))
    }

    /// Ends the search after the current trial (an observer asked to stop): `next_trial()` returns
    /// `None` from now on.
    pub fn stop(&mut self) {
        self.over = true;
    }

    /// Takes a trial's result: every split's predictions in split order, or the reason it
    /// failed (a family that fails is noted and not proposed again), and the wall-clock
    /// seconds it took. Returns the progress event of its new leaderboard row (`None` for a
    /// failed trial).
    pub fn tell(
        &mut self,
        trial: &Trial,
        outputs: std::result::Result<Vec<SplitOutput>, String>,
        seconds: f64,
    ) -> Option<Progress> {
        let deterministic = self.deterministic();
        let units = self.costs().units(&trial.spec, trial.sampled);
        let earlier_cost = if trial.sampled {
            0.0
        } else {
            self.promoted.take().unwrap_or(0.0)
        };
        let cost = if deterministic { units } else { seconds } + earlier_cost;
        let n_splits = self.n_splits();
        let outputs = match outputs {
            Ok(o) if o.len() != n_splits => {
                Err(format!("{} of {n_splits} splits were evaluated", o.len()))
            }
            other => other,
        };
        let outputs = match outputs {
            Ok(o) => o,
            Err(e) => {
                // one family failing on this data must not end the search: note it, go on
                if !self.failed.contains(&trial.spec.family_name()) {
                    self.failed.push(trial.spec.family_name());
                    self.notes.push(format!(
                        "{} could not be used on this data: {e}",
                        trial.spec.label()
                    ));
                }
                self.tuner.report(f64::NEG_INFINITY, cost);
                return None;
            }
        };
        let metric = self.local.plan.metric;
        if !deterministic {
            let observed = seconds / units.max(1e-9);
            match self
                .rate
                .iter_mut()
                .find(|(f, _)| *f == trial.spec.family_name())
            {
                // up at once when a trial runs slower than predicted (the machine got busier),
                // down only gradually
                Some(entry) => entry.1 = observed.max(0.5 * entry.1 + 0.5 * observed),
                None => self.rate.push((trial.spec.family_name(), observed)),
            }
        }
        let averageable = outputs.iter().all(|o| o.averageable);
        let preds: Vec<Vec<f64>> = outputs.into_iter().map(|o| o.predictions).collect();
        let fold_values: Vec<f64> = preds
            .iter()
            .enumerate()
            .map(|(s, p)| metric.value_of_score(self.truth.score(metric, s, p)))
            .collect();
        let (mean, std) = mean_std(&fold_values);
        let score = metric.value_of_score(mean);
        let score = if score.is_finite() {
            score
        } else {
            f64::NEG_INFINITY
        };
        let best_full = self
            .rows
            .iter()
            .filter(|r| r.sample_rows.is_none())
            .map(|r| r.score)
            .fold(f64::NEG_INFINITY, f64::max);
        if trial.sampled {
            self.sampled_scores.push(score);
            let better = self.sampled_scores.iter().filter(|&&s| s > score).count();
            let top = self.sampled_scores.len().div_ceil(PROMOTE_ETA);
            if score.is_finite() && (better < top || score > best_full) {
                self.promotion = Some(Promotion {
                    spec: trial.spec.clone(),
                    score,
                    cost,
                });
            } else {
                self.tuner.report(score, cost);
            }
        } else {
            self.tuner.report(score, cost);
            if score.is_finite() && averageable {
                self.kept.push((score, self.rows.len(), preds.clone()));
                self.kept
                    .sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                self.kept.truncate(ENSEMBLE_CANDIDATES);
            }
        }
        let classification = self.local.plan.task == Task::Classification;
        let row = LeaderboardRow {
            rank: 0,
            trial: trial.number,
            family: trial.spec.family_name().into(),
            label: trial.spec.label().into(),
            params: trial.spec.params(classification),
            metric,
            higher_is_better: metric.higher_is_better(),
            mean,
            std,
            fold_scores: fold_values,
            fit_time_s: seconds,
            sample_rows: if trial.sampled {
                self.local.plan.sample_rows
            } else {
                None
            },
            spec: trial.spec.clone(),
            score,
        };
        self.oof_cache.push((score, self.rows.len(), preds));
        self.oof_cache
            .sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        self.oof_cache.truncate(ENSEMBLE_CANDIDATES);
        self.rows.push(row.clone());
        let best_so_far = metric.value_of_score(self.best_score());
        Some(Progress::Trial {
            elapsed_s: self.elapsed(),
            budget_s: self.settings().time_budget_s.unwrap_or(0.0),
            trials_done: self.rows.len(),
            row,
            best_so_far,
            time_left_s: self.time_left(),
        })
    }

    /// The best score so far (higher is better).
    fn best_score(&self) -> f64 {
        self.rows
            .iter()
            .map(|r| r.score)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// Trials finished so far.
    pub fn trials_done(&self) -> usize {
        self.rows.len()
    }

    /// Ends the search: builds the ensemble (a leaderboard row like the others, chosen only if
    /// it scores better), refits the winner on all rows, and reports the phases to `observer`.
    pub fn finish(self, observer: &mut dyn Observer) -> Result<SearchOutcome> {
        let SearchSession {
            local,
            clock,
            start,
            parallel,
            truth,
            tuner,
            mut rows,
            kept,
            oof_cache,
            failed,
            mut notes,
            ..
        } = self;
        let plan = local.plan;
        let elapsed = || clock.now_s() - start;
        let settings = &plan.settings;
        let budget = settings.time_budget_s;
        let budget_s = budget.unwrap_or(0.0);
        let time_left = || budget.map_or(0.0, |b| (b - elapsed()).max(0.0));
        let phase = |name: &str| Progress::Phase {
            phase: name.into(),
            elapsed_s: elapsed(),
            budget_s,
            time_left_s: time_left(),
        };
        let metric = plan.metric;
        let n_splits = plan.splits.len();
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
        let refit_seconds = |row: &LeaderboardRow| {
            let per_split = row.fit_time_s * parallel as f64 / n_splits.max(1) as f64;
            match row.sample_rows {
                Some(m) => per_split * plan.splits[0].train.len() as f64 / m.max(1) as f64,
                None => per_split,
            }
        };

        // the ensemble: a leaderboard row like the others, chosen only if it scores better
        let mut ensemble: Option<EnsembleChoice> = None;
        let best_single = rows
            .iter()
            .map(|r| r.score)
            .fold(f64::NEG_INFINITY, f64::max);
        if settings.ensemble && kept.len() >= 2 {
            let _ = observer.on_progress(&phase("ensemble"));
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
                    .map(|&(_, i)| refit_seconds(&rows[i]) * 1.3)
                    .sum();
                let affordable = budget.is_none_or(|b| elapsed() + refit_estimate <= b * 1.02);
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
                    // the blend of the members' out-of-fold predictions
                    let blend: Vec<Vec<f64>> = (0..n_splits)
                        .map(|s| {
                            let mut sum = vec![0.0; kept[sel.weights[0].0].2[s].len()];
                            for &(c, w) in &sel.weights {
                                sum.iter_mut()
                                    .zip(&kept[c].2[s])
                                    .for_each(|(a, b)| *a += w * b);
                            }
                            sum
                        })
                        .collect();
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
                        sample_rows: None,
                        spec: rows[best_member].spec.clone(),
                        score,
                    };
                    ensemble = Some((row, members, blend));
                } else if score > best_single {
                    notes.push("An ensemble would have scored better, but refitting its members would not fit in the budget.".into());
                }
            }
        }

        // refit the winner on all rows
        let _ = observer.on_progress(&phase("refit"));
        let refit_start = clock.now_s();
        let prepared = &plan.prepared;
        let n = prepared.rows.len();
        let all: Vec<usize> = (0..n).collect();
        let y_all = Labelled::of(&prepared.target, &all);
        let (pipeline, x_all) = Pipeline::fit_transform(
            &plan.frame,
            &prepared.rows,
            Some(y_all.view()),
            settings.seed,
        );
        let (best_row, model, oof) = match ensemble.take() {
            Some((row, members, blend)) => {
                let mut fitted = Vec::with_capacity(members.len());
                for &(w, i) in &members {
                    fitted.push((
                        w,
                        rows[i].spec.fit(
                            &x_all,
                            y_all.labels(),
                            mix_seed(settings.seed, rows[i].trial),
                        )?,
                    ));
                }
                rows.push(row.clone());
                (row, FinalModel::Ensemble(fitted), blend)
            }
            None => {
                // the best row whose refit fits what is left of the budget (a sampled winner's
                // refit costs more than its trial, so it must fit what is left); the cheapest
                // to refit if none does
                let mut order: Vec<usize> = (0..rows.len()).collect();
                order.sort_by(|&a, &b| {
                    rows[b]
                        .score
                        .total_cmp(&rows[a].score)
                        .then(rows[a].trial.cmp(&rows[b].trial))
                });
                let left = budget.map(|b| b * 1.05 - (clock.now_s() - start));
                let chosen = order
                    .iter()
                    .copied()
                    .find(|&i| {
                        // a trial on all rows left room for its refit when it ran
                        rows[i].sample_rows.is_none()
                            || left.is_none_or(|l| refit_seconds(&rows[i]) <= l)
                    })
                    .unwrap_or_else(|| {
                        order
                            .iter()
                            .copied()
                            .min_by(|&a, &b| {
                                refit_seconds(&rows[a]).total_cmp(&refit_seconds(&rows[b]))
                            })
                            .unwrap_or(0)
                    });
                if chosen != order[0] {
                    notes.push(format!("The best model ({}, trial {}) could not have been refitted on all rows within the budget, so the best one that could ({}, trial {}) was.", rows[order[0]].label, rows[order[0]].trial, rows[chosen].label, rows[chosen].trial));
                }
                let best = rows[chosen].clone();
                let m =
                    best.spec
                        .fit(&x_all, y_all.labels(), mix_seed(settings.seed, best.trial))?;
                let oof = oof_cache
                    .into_iter()
                    .find(|c| c.1 == chosen)
                    .map(|c| c.2)
                    .unwrap_or_default();
                (best, FinalModel::Single(m), oof)
            }
        };
        let refit_time_s = clock.now_s() - refit_start;
        rows.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.trial.cmp(&b.trial)));
        for (i, r) in rows.iter_mut().enumerate() {
            r.rank = i + 1;
        }
        let best_row = rows
            .iter()
            .find(|r| r.trial == best_row.trial)
            .cloned()
            .unwrap_or(best_row);
        let oof = OutOfFold {
            splits: plan
                .splits
                .iter()
                .zip(oof)
                .map(|(f, predictions)| SplitPredictions {
                    rows: f.valid.iter().map(|&p| prepared.rows[p]).collect(),
                    predictions,
                })
                .collect(),
        };
        let classes = match &prepared.target {
            Target::Classes { labels, .. } => labels.clone(),
            Target::Values(_) => Vec::new(),
        };
        let result = SearchResult {
            target: plan.target_name.clone(),
            task: plan.task,
            metric,
            n_rows: n,
            n_features: pipeline.n_features(),
            folds: n_splits,
            validation: plan.validation.clone(),
            elapsed_s: elapsed(),
            budget_s,
            leaderboard: rows,
            best: BestSummary {
                row: best_row,
                refit_time_s,
            },
            notes,
            classes,
            diagnostics: None,
        };
        Ok(SearchOutcome {
            result,
            model: BestModel { pipeline, model },
            oof,
        })
    }
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
                        failure = Some(e.to_string());
                        break;
                    }
                }
            }
            if failure.is_some() {
                break;
            }
        }
        if abandoned {
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

/// The validation splits and their description: a stratified (classification) or shuffled
/// holdout of 20% when rows × inputs exceed [`HOLDOUT_CELLS`]; k-fold repeated three times
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
