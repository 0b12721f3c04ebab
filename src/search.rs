//! The budgeted search: evaluates model configurations, cheapest first, with k-fold
//! cross-validation until the time (or trial) budget is spent, reports each finished trial to
//! an observer, and refits the best configuration on all rows.
//!
//! Time is read through an injected [`Clock`] (`std::time::Instant` panics on wasm32), and
//! every random choice derives from `SearchSettings::seed`, so a trial budget with a seed gives
//! the same leaderboard on every run and platform.

use crate::cv::{kfold, stratified_kfold, Fold};
use crate::data::{classify, suggested_task, Table, Task};
use crate::error::{AutoMlError, Result};
use crate::metrics::{accuracy, mean_std, r2, Metric};
use crate::models::{ClassWeight, Family, FittedModel, Labels, ModelSpec, Prediction};
use crate::preprocess::{ColumnChoices, Frame, Matrix, Pipeline, TargetView};
use crate::rng::Rng;
use crate::target::{prepare_target, Target};
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
    /// Most trials to run. By default, no limit. With a seed this makes a run deterministic.
    pub max_trials: Option<usize>,
    /// Seed of every random step. By default, 42.
    pub seed: u64,
    /// Cross-validation folds, 2 to 10. By default, 5 (fewer if a class is smaller).
    pub folds: usize,
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
            columns: ColumnChoices::default(),
        }
    }
}

/// One finished trial.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaderboardRow {
    /// 1 for the best; assigned when the leaderboard is sorted.
    pub rank: usize,
    /// Order in which the trial ran, from 1.
    pub trial: usize,
    /// Family machine name.
    pub family: String,
    /// Family name for people.
    pub label: String,
    /// Hyperparameters.
    pub params: serde_json::Map<String, serde_json::Value>,
    /// The metric's name.
    pub metric: Metric,
    /// Mean cross-validated score.
    pub mean: f64,
    /// Population standard deviation of the fold scores.
    pub std: f64,
    /// Score on each fold.
    pub fold_scores: Vec<f64>,
    /// Seconds spent fitting and scoring all folds.
    pub fit_time_s: f64,
    /// The configuration itself.
    #[serde(skip)]
    pub spec: ModelSpec,
}

/// A progress event.
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
        /// Best mean score so far.
        best_so_far: f64,
    },
    /// The run moved to a new phase: "search" or "refit".
    Phase {
        /// The phase's name.
        phase: String,
        /// Seconds since the run started.
        elapsed_s: f64,
        /// The time budget (0 when there is none).
        budget_s: f64,
    },
}

/// The best configuration after its refit on all rows.
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
    /// Folds used.
    pub folds: usize,
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

/// The refitted best model with its preprocessing, ready to predict new rows of the frame.
#[derive(Debug)]
pub struct BestModel {
    /// Preprocessing learned on all rows.
    pub pipeline: Pipeline,
    /// The model fitted on all rows.
    pub model: FittedModel,
    /// Its configuration.
    pub spec: ModelSpec,
}

/// A run's report and its fitted model.
#[derive(Debug)]
pub struct SearchOutcome {
    /// The report.
    pub result: SearchResult,
    /// The model.
    pub model: BestModel,
}

struct FoldData {
    x_train: Matrix,
    x_valid: Matrix,
    train: Vec<usize>,
    valid: Vec<usize>,
}

/// The configurations tried first, for each task: the baseline and sensible defaults of
/// every family, the way a person who knows them would start.
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
            ModelSpec::default_for(Family::CategoricalNb, true),
            LogisticRegression {
                c: 1.0,
                class_weight: cw,
            },
            LogisticRegression {
                c: 100.0,
                class_weight: cw,
            },
        ]);
    } else {
        specs.extend([
            LinearRegression,
            Ridge { alpha: 1.0 },
            Ridge { alpha: 30.0 },
            Lasso { alpha: 0.05 },
            ElasticNet {
                alpha: 0.05,
                l1_ratio: 0.5,
            },
        ]);
    }
    specs.extend([
        DecisionTree {
            max_depth: 4,
            min_samples_leaf: 1,
        },
        DecisionTree {
            max_depth: 0,
            min_samples_leaf: 5,
        },
        Knn {
            k: 5,
            weights: KnnWeights::Uniform,
            class_weight: cw,
        },
        Knn {
            k: 15,
            weights: KnnWeights::Distance,
            class_weight: cw,
        },
        Svm {
            c: 1.0,
            kernel: Kernel::Rbf,
            gamma,
            epsilon: 0.1,
            class_weight: cw,
        },
        RandomForest {
            n_trees: 50,
            max_depth: 0,
            min_samples_leaf: 1,
        },
        RandomForest {
            n_trees: 100,
            max_depth: 0,
            min_samples_leaf: 2,
        },
        RandomForest {
            n_trees: 200,
            max_depth: 0,
            min_samples_leaf: 1,
        },
    ]);
    specs
}

/// Families whose spaces the phase after the portfolio samples.
fn sampled_families(task: Task) -> Vec<Family> {
    Family::for_task(task == Task::Classification)
        .into_iter()
        .filter(|f| !matches!(f, Family::Constant | Family::LinearRegression))
        .collect()
}

/// The sampled families, best first by their best mean score so far (untried ones last).
fn families_by_score(task: Task, rows: &[LeaderboardRow]) -> Vec<Family> {
    let mut families = sampled_families(task);
    let best = |f: Family| {
        rows.iter()
            .filter(|r| r.spec.family() == f)
            .map(|r| r.mean)
            .fold(f64::NEG_INFINITY, f64::max)
    };
    families.sort_by(|a, b| best(*b).total_cmp(&best(*a)));
    families
}

/// A random configuration for the phase after the portfolio: the family is drawn with
/// probability 0.5, 0.25, 0.15, 0.1 by its rank in `order` (the best four), so the search
/// spends most of the remaining budget near the families that did best; each
/// hyperparameter is drawn from its range in the family's space.
fn sample_spec(task: Task, rng: &mut Rng, order: &[Family]) -> ModelSpec {
    let classification = task == Task::Classification;
    let u = rng.next_f64();
    let rank = if u < 0.5 {
        0
    } else if u < 0.75 {
        1
    } else if u < 0.9 {
        2
    } else {
        3
    };
    let family = order[rank.min(order.len() - 1)];
    let params = family
        .space(classification)
        .into_iter()
        .map(|d| (d.name.to_string(), d.sample(rng.next_f64())))
        .collect();
    ModelSpec::from_params(family, classification, &params)
        .unwrap_or_else(|_| ModelSpec::default_for(family, classification))
}

fn score(target: &Target, positions: &[usize], pred: &Prediction) -> f64 {
    match (target, pred) {
        (Target::Classes { y, .. }, Prediction::Classes(p)) => {
            let truth: Vec<u32> = positions.iter().map(|&i| y[i]).collect();
            accuracy(&truth, p)
        }
        (Target::Values(v), Prediction::Values(p)) => {
            let truth: Vec<f64> = positions.iter().map(|&i| v[i]).collect();
            r2(&truth, p)
        }
        _ => f64::NAN,
    }
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

fn check_settings(s: &SearchSettings) -> Result<()> {
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
    Ok(())
}

fn mix_seed(seed: u64, trial: usize) -> u64 {
    Rng::new(seed ^ (trial as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)).next_u64()
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
    check_settings(settings)?;
    let budget = settings.time_budget_s;
    let budget_s = budget.unwrap_or(0.0);
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

    let n = prepared.rows.len();
    let metric = match task {
        Task::Classification => Metric::Accuracy,
        Task::Regression => Metric::R2,
    };
    let mut k = settings.folds.min(n);
    let folds: Vec<Fold> = match &prepared.target {
        Target::Classes { y, labels } => {
            let mut counts = vec![0usize; labels.len()];
            for &c in y {
                counts[c as usize] += 1;
            }
            let smallest = counts.iter().copied().min().unwrap_or(0);
            if smallest < k {
                notes.push(format!(
                    "{k} folds were asked for, but the smallest class has {smallest} rows, so {smallest} folds were used."
                ));
                k = smallest.max(2);
            }
            stratified_kfold(y, k, settings.seed)
        }
        Target::Values(_) => kfold(n, k, settings.seed),
    };

    // Preprocessing is learned inside each fold, once, and shared by all trials.
    let table_rows = |positions: &[usize]| -> Vec<usize> {
        positions.iter().map(|&p| prepared.rows[p]).collect()
    };
    let fold_data: Vec<FoldData> = folds
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
    let train_shape = (fold_data[0].x_train.rows, fold_data[0].x_train.cols);

    let mut candidates = portfolio(task, train_shape.1);
    candidates.sort_by(|a, b| {
        a.cost_units(train_shape.0, train_shape.1)
            .total_cmp(&b.cost_units(train_shape.0, train_shape.1))
    });
    let portfolio_len = candidates.len();
    let mut sampler = Rng::new(settings.seed ^ 0x005E_A7C4);

    let _ = observer.on_progress(&Progress::Phase {
        phase: "search".into(),
        elapsed_s: elapsed(),
        budget_s,
    });
    let mut rows: Vec<LeaderboardRow> = Vec::new();
    // Seconds per cost unit, observed per family, and the largest seen for families not yet timed.
    let mut rate: Vec<(&'static str, f64)> = Vec::new();
    let mut skipped = 0usize;
    let mut failed_families: Vec<&'static str> = Vec::new();
    let mut consecutive_skips = 0usize;
    let mut next = 0usize;
    let max_trials = settings.max_trials.unwrap_or(usize::MAX);
    let sampling_cap = portfolio_len + 500;
    'search: while rows.len() < max_trials && next < sampling_cap {
        let spec = if next < portfolio_len {
            candidates[next].clone()
        } else {
            sample_spec(task, &mut sampler, &families_by_score(task, &rows))
        };
        next += 1;
        if failed_families.contains(&spec.family_name())
            || (next > portfolio_len && rows.iter().any(|r| r.spec == spec))
        {
            continue;
        }
        let units = spec.cost_units(train_shape.0, train_shape.1) * fold_data.len() as f64;
        if let Some(b) = budget {
            let family_rate = rate
                .iter()
                .find(|(f, _)| *f == spec.family_name())
                .map(|r| r.1);
            let any_rate = rate.iter().map(|r| r.1).fold(0.0, f64::max);
            let predicted = family_rate.unwrap_or(any_rate) * units;
            let refit_reserve = rows
                .iter()
                .map(|r| r.fit_time_s / fold_data.len() as f64 * 1.3)
                .fold(0.0, f64::max);
            if !rows.is_empty() && elapsed() + predicted + refit_reserve > b {
                skipped += 1;
                consecutive_skips += 1;
                if consecutive_skips >= 30
                    || (next >= portfolio_len && elapsed() + refit_reserve >= b)
                {
                    break;
                }
                continue;
            }
        }
        consecutive_skips = 0;
        let trial_no = rows.len() + 1;
        let trial_start = clock.now_s();
        let mut fold_scores = Vec::with_capacity(fold_data.len());
        for fd in &fold_data {
            let y_train = Labelled::of(&prepared.target, &fd.train);
            let outcome = spec
                .fit(
                    &fd.x_train,
                    y_train.labels(),
                    mix_seed(settings.seed, trial_no),
                )
                .and_then(|fitted| fitted.predict(&fd.x_valid));
            match outcome {
                Ok(pred) => fold_scores.push(score(&prepared.target, &fd.valid, &pred)),
                Err(e) => {
                    // One family failing on this data must not end the search: note it, go on.
                    if !failed_families.contains(&spec.family_name()) {
                        failed_families.push(spec.family_name());
                        notes.push(format!(
                            "{} could not be used on this data: {e}",
                            spec.label()
                        ));
                    }
                    continue 'search;
                }
            }
            if let Some(b) = budget {
                if !rows.is_empty() && elapsed() > b {
                    break 'search;
                }
            }
        }
        let fit_time_s = clock.now_s() - trial_start;
        let observed = fit_time_s / units.max(1e-9);
        match rate.iter_mut().find(|(f, _)| *f == spec.family_name()) {
            Some(entry) => entry.1 = entry.1.max(observed),
            None => rate.push((spec.family_name(), observed)),
        }
        let (mean, std) = mean_std(&fold_scores);
        let row = LeaderboardRow {
            rank: 0,
            trial: trial_no,
            family: spec.family_name().into(),
            label: spec.label().into(),
            params: spec.params(task == Task::Classification),
            metric,
            mean,
            std,
            fold_scores,
            fit_time_s,
            spec,
        };
        rows.push(row.clone());
        let best_so_far = rows
            .iter()
            .map(|r| r.mean)
            .fold(f64::NEG_INFINITY, f64::max);
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
    if skipped > 0 {
        notes.push(format!("{skipped} configuration(s) were skipped because they would not have finished within the budget."));
    }

    // A NaN score (a model that predicted non-finite values) ranks last, never first.
    let key = |r: &LeaderboardRow| {
        if r.mean.is_nan() {
            f64::NEG_INFINITY
        } else {
            r.mean
        }
    };
    rows.sort_by(|a, b| key(b).total_cmp(&key(a)).then(a.trial.cmp(&b.trial)));
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    let best_row = match rows.first() {
        Some(row) => row.clone(),
        None if !failed_families.is_empty() => {
            return Err(AutoMlError::Model {
                family: "every model".into(),
                detail: notes.last().cloned().unwrap_or_default(),
            })
        }
        None => return Err(AutoMlError::BudgetTooSmall { budget_s }),
    };

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
    let model = best_row
        .spec
        .fit(&x_all, y_all.labels(), mix_seed(settings.seed, 0))?;
    let refit_time_s = clock.now_s() - refit_start;

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
        folds: fold_data.len(),
        elapsed_s: elapsed(),
        budget_s,
        leaderboard: rows,
        best: BestSummary {
            row: best_row.clone(),
            refit_time_s,
        },
        notes,
        classes,
    };
    Ok(SearchOutcome {
        result,
        model: BestModel {
            pipeline,
            model,
            spec: best_row.spec,
        },
    })
}
