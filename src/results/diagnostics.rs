//! What a run's winner learned, computed after the search (the "explain" phase), honestly:
//! - out-of-fold predictions: each row predicted by a model that did not see it (the first
//!   repeat of the validation splits), and what the page draws of them ([`super::curves`]);
//! - permutation importance on held-out rows: the winner refitted on the first split's
//!   training rows, each original column shuffled among that split's validation rows, the drop
//!   of the run's metric averaged over seeded repeats;
//! - partial dependence of the final model for the most important columns, over a seeded
//!   sample of rows;
//! - per-row contributions ([`explain_row`]): exact path-dependent TreeSHAP (Lundberg et al.
//!   2018) for a single tree-engine model, summed from the encoded inputs back to the original
//!   columns; a seeded sampling estimate of Shapley values over the original columns against a
//!   background sample of training rows for every other model and for ensembles.
//!
//! Cost is bounded (see [`ExplainLimits`]): about a fifth of the run's time budget at most, on
//! top of it (one more fit of the winner, capped at a tenth, and the shuffles and curves).

use super::curves::{self, ClassificationView, RegressionView};
use crate::clock::Clock;
use crate::data::{Table, Task};
use crate::error::{AutoMlError, Result};
use crate::matrix::Matrix;
use crate::message;
use crate::messages::Message;
use crate::metrics::{mean_std, Metric, Predicted};
use crate::models::Prediction;
use crate::preprocess::{Frame, FrameColumn, Levels, Pipeline, MISSING_CODE};
use crate::rng::Rng;
use crate::search::ensemble::FinalModel;
use crate::search::{Observer, Progress, SearchOutcome, SearchSettings};
use crate::target::prepare_target;
use crate::truth::{Target, TargetRef};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Held-out rows permutation importance uses at most.
pub const IMPORTANCE_ROWS: usize = 2_000;
/// Seeded repeats of each column's permutation.
pub const IMPORTANCE_REPEATS: usize = 5;
/// Rows partial dependence averages over at most.
pub const DEPENDENCE_ROWS: usize = 500;
/// Columns partial dependence is drawn for at most.
pub const DEPENDENCE_COLUMNS: usize = 5;
/// Grid points of a numeric column's partial dependence.
pub const DEPENDENCE_POINTS: usize = 20;
/// Levels of a categorical column's partial dependence (the most frequent ones).
pub const DEPENDENCE_LEVELS: usize = 15;
/// Training rows kept as the background of sampling Shapley values.
pub const BACKGROUND_ROWS: usize = 50;
/// Most table rows × columns the sampling Shapley estimate evaluates per explained row.
pub const SHAPLEY_EVALUATIONS: usize = 20_000;

/// The share of the time budget each part of the diagnostics may take, measured on the run's
/// own data (only with a time budget; without one the fixed caps above apply and the result is
/// deterministic).
#[derive(Debug, Clone, Copy)]
pub struct ExplainLimits {
    /// Share of the budget for permutation importance's shuffles (default 0.05).
    pub importance_share: f64,
    /// Share of the budget for partial dependence (default 0.03).
    pub dependence_share: f64,
    /// Importance is skipped when the final refit alone took more than this share of the
    /// budget (default 0.1), since it needs one more fit of the winner.
    pub refit_share: f64,
}

impl Default for ExplainLimits {
    fn default() -> Self {
        Self {
            importance_share: 0.05,
            dependence_share: 0.03,
            refit_share: 0.1,
        }
    }
}

/// Out-of-fold predictions, one entry per table row predicted (the first repeat of the splits).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutOfFoldView {
    /// Table rows (0-based data rows, the header not counted), ascending.
    pub rows: Vec<usize>,
    /// The true class label (text) or value.
    pub actual: Vec<Value>,
    /// The predicted class label (text) or value.
    pub predicted: Vec<Value>,
    /// Class probabilities per row, in class order (classification only).
    pub probabilities: Option<Vec<Vec<f64>>>,
}

/// One column's permutation importance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureImportance {
    /// The original column.
    pub column: String,
    /// Mean drop of the metric when the column is shuffled (positive: the model relies on it).
    pub mean: f64,
    /// Population standard deviation of the drop over the repeats.
    pub std: f64,
}

/// Permutation importance and how it was measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Importance {
    /// The method, in words.
    pub method: String,
    /// Which rows were held out, in words.
    pub held_out: String,
    /// Repeats per column.
    pub repeats: usize,
    /// Columns, most important first.
    pub features: Vec<FeatureImportance>,
}

/// One point of a partial dependence curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DependencePoint {
    /// The column's value (a number, or a category's label).
    pub x: Value,
    /// Mean probability per class, or `[mean prediction]` for regression.
    pub y: Vec<f64>,
}

/// The partial dependence of the final model on one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartialDependence {
    /// The original column.
    pub column: String,
    /// "numeric" or "categorical".
    pub kind: String,
    /// The curve, in order of `x` (numbers) or of frequency (categories).
    pub points: Vec<DependencePoint>,
}

/// Everything [`diagnose`] computes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostics {
    /// Out-of-fold predictions of the winner.
    pub out_of_fold: OutOfFoldView,
    /// What the page draws of them for classification: confusion matrix, per-class table,
    /// and for two classes the threshold sweep, ROC and PR curves, calibration.
    #[serde(default)]
    pub classification: Option<ClassificationView>,
    /// What the page draws of them for regression: predicted against actual, residuals,
    /// R², RMSE and MAE.
    #[serde(default)]
    pub regression: Option<RegressionView>,
    /// Permutation importance on held-out rows.
    pub importance: Importance,
    /// Partial dependence for the most important columns.
    pub partial_dependence: Vec<PartialDependence>,
    /// Seconds the diagnostics took.
    pub seconds: f64,
    /// What was capped or skipped.
    pub notes: Vec<Message>,
}

/// The columns and rows of a frame at `rows`, renumbered from 0.
fn subframe(frame: &Frame, rows: &[usize]) -> Frame {
    let columns = frame
        .columns
        .iter()
        .map(|c| match c {
            FrameColumn::Numeric(v) => FrameColumn::Numeric(rows.iter().map(|&r| v[r]).collect()),
            FrameColumn::Categorical { codes, levels } => FrameColumn::Categorical {
                codes: rows.iter().map(|&r| codes[r]).collect(),
                levels: levels.clone(),
            },
            FrameColumn::Datetime { seconds, has_time } => FrameColumn::Datetime {
                seconds: rows.iter().map(|&r| seconds[r]).collect(),
                has_time: *has_time,
            },
        })
        .collect();
    Frame {
        specs: frame.specs.clone(),
        columns,
        notes: Vec::new(),
    }
}

/// A seeded sample of at most `k` of `rows`, in their original order.
fn sample(rows: &[usize], k: usize, seed: u64) -> Vec<usize> {
    if rows.len() <= k {
        return rows.to_vec();
    }
    let mut order: Vec<usize> = (0..rows.len()).collect();
    Rng::new(seed).shuffle(&mut order);
    let mut chosen: Vec<usize> = order[..k].to_vec();
    chosen.sort_unstable();
    chosen.into_iter().map(|i| rows[i]).collect()
}

/// Probabilities (`rows × classes`; one-hot for a model without them) or values, flat.
pub fn flat_predictions(model: &FinalModel, x: &Matrix, n_classes: usize) -> Result<Vec<f64>> {
    if n_classes > 0 {
        if let Some(p) = model.predict_proba(x)? {
            return Ok(p.data);
        }
        let Prediction::Classes(c) = model.predict(x)? else {
            return Ok(vec![f64::NAN; x.rows * n_classes]);
        };
        let mut out = vec![0.0; x.rows * n_classes];
        for (r, &class) in c.iter().enumerate() {
            if (class as usize) < n_classes {
                out[r * n_classes + class as usize] = 1.0;
            }
        }
        return Ok(out);
    }
    match model.predict(x)? {
        Prediction::Values(v) => Ok(v),
        Prediction::Classes(c) => Ok(c.into_iter().map(f64::from).collect()),
    }
}

/// Refits `model`'s configuration(s) on other rows: each member with the same spec.
fn refit(
    model: &FinalModel,
    (x, levels): (&Matrix, &Levels),
    y: TargetRef<'_>,
    seed: u64,
) -> Result<FinalModel> {
    Ok(match model {
        FinalModel::Single(m) => FinalModel::Single(m.spec.fit_levels(x, Some(levels), y, seed)?),
        FinalModel::Ensemble(members) => {
            let mut out = Vec::with_capacity(members.len());
            for (i, (w, m)) in members.iter().enumerate() {
                let seed = seed.wrapping_add(i as u64);
                out.push((*w, m.spec.fit_levels(x, Some(levels), y, seed)?));
            }
            FinalModel::Ensemble(out)
        }
    })
}

/// Computes the diagnostics of a finished run on the same table and settings, emitting an
/// "explain" phase event first. Parts that cannot be computed are left empty with a note; an
/// error is returned only when the table no longer matches the run.
pub fn diagnose(
    table: &Table,
    settings: &SearchSettings,
    outcome: &SearchOutcome,
    clock: &dyn Clock,
    observer: &mut dyn Observer,
) -> Result<Diagnostics> {
    diagnose_with(
        table,
        settings,
        outcome,
        clock,
        observer,
        ExplainLimits::default(),
    )
}

/// [`diagnose`] with explicit limits.
pub fn diagnose_with(
    table: &Table,
    settings: &SearchSettings,
    outcome: &SearchOutcome,
    clock: &dyn Clock,
    observer: &mut dyn Observer,
    limits: ExplainLimits,
) -> Result<Diagnostics> {
    let start = clock.now_s();
    let result = &outcome.result;
    let _ = observer.on_progress(&Progress::Phase {
        phase: "explain".into(),
        elapsed_s: result.elapsed_s,
        budget_s: result.budget_s,
        time_left_s: (result.budget_s - result.elapsed_s).max(0.0),
        events: Vec::new(),
    });
    let budget = settings.time_budget_s;
    let target_col = table.column_index(&result.target)?;
    let prepared = prepare_target(table, target_col, result.task)?;
    let frame = Frame::with_choices(table, target_col, &settings.columns);
    let pipeline = &outcome.model.pipeline;
    if frame.specs.len() != pipeline.specs.len() {
        return Err(AutoMlError::Internal {
            reason: message!("internal.explain_table"),
        });
    }
    let classes = &result.classes;
    let k = if result.task == Task::Classification {
        classes.len()
    } else {
        0
    };
    let width = k.max(1);
    let mut position = vec![usize::MAX; table.n_rows()];
    for (p, &r) in prepared.rows.iter().enumerate() {
        position[r] = p;
    }
    let mut notes = Vec::new();

    // out-of-fold predictions, first repeat
    let mut seen = vec![false; table.n_rows()];
    let mut entries: Vec<(usize, &[f64])> = Vec::new();
    for split in &outcome.oof.splits {
        if split.predictions.len() != split.rows.len() * width {
            continue;
        }
        for (i, &r) in split.rows.iter().enumerate() {
            if r < seen.len() && !seen[r] && position[r] != usize::MAX {
                seen[r] = true;
                entries.push((r, &split.predictions[i * width..(i + 1) * width]));
            }
        }
    }
    crate::sort::sort_by_key(&mut entries, |e| e.0);
    let mut oof = OutOfFoldView {
        probabilities: (k > 0).then(Vec::new),
        ..Default::default()
    };
    for (r, p) in &entries {
        oof.rows.push(*r);
        match &prepared.target {
            Target::Classes { y, labels } => {
                oof.actual
                    .push(Value::from(labels[y[position[*r]] as usize].clone()));
                oof.predicted.push(Value::from(
                    labels
                        .get(crate::math::argmax(p))
                        .cloned()
                        .unwrap_or_default(),
                ));
                if let Some(probs) = &mut oof.probabilities {
                    probs.push(p.to_vec());
                }
            }
            Target::Values(v) => {
                oof.actual.push(Value::from(v[position[*r]]));
                oof.predicted.push(Value::from(p[0]));
            }
        }
    }

    // permutation importance on the first split's held-out rows
    let mut importance = Importance {
        repeats: IMPORTANCE_REPEATS,
        ..Default::default()
    };
    let refit_too_slow = budget.is_some_and(|b| result.best.refit_time_s > limits.refit_share * b);
    match outcome.oof.splits.first() {
        None => notes.push(message!("results.importance_no_split")),
        Some(_) if refit_too_slow => notes.push(message!(
            "results.importance_too_slow",
            refit_s = result.best.refit_time_s,
            budget_s = budget.unwrap_or(0.0)
        )),
        Some(first) => {
            match permutation_importance(
                &frame,
                &prepared.rows,
                &prepared.target,
                &position,
                &first.rows,
                &outcome.model.model,
                result.metric,
                settings.seed,
                k,
                |t, cols| budget.map(|b| limits.importance_share * b / (t * cols as f64).max(1e-9)),
                clock,
            ) {
                Ok(imp) => importance = imp,
                Err(e) => notes.push(message!(
                    "results.importance_failed",
                    error = e.to_message()
                )),
            }
        }
    }

    // partial dependence of the final model for the most important columns
    let mut chosen: Vec<usize> = importance
        .features
        .iter()
        .filter_map(|f| frame.specs.iter().position(|s| s.name == f.column))
        .collect();
    if chosen.is_empty() {
        chosen = (0..frame.specs.len()).collect();
    }
    chosen.retain(|&c| !matches!(frame.columns[c], FrameColumn::Datetime { .. }));
    chosen.truncate(DEPENDENCE_COLUMNS);
    let rows = sample(&prepared.rows, DEPENDENCE_ROWS, settings.seed ^ 0x5EED_0D0D);
    let mut sub = subframe(&frame, &rows);
    let all: Vec<usize> = (0..rows.len()).collect();
    let mut dependence = Vec::new();
    let pd_start = clock.now_s();
    for &c in &chosen {
        if let Some(b) = budget {
            if clock.now_s() - pd_start > limits.dependence_share * b {
                notes.push(message!(
                    "results.dependence_partial",
                    count = dependence.len()
                ));
                break;
            }
        }
        match partial_dependence(&mut sub, c, &all, pipeline, &outcome.model.model, k) {
            Ok(pd) => dependence.push(pd),
            Err(e) => notes.push(message!(
                "results.dependence_failed",
                column = frame.specs[c].name,
                error = e.to_message()
            )),
        }
    }
    let (classification, regression) = curves::summarize(result.task, classes, &oof, settings.seed);
    Ok(Diagnostics {
        out_of_fold: oof,
        classification,
        regression,
        importance,
        partial_dependence: dependence,
        seconds: clock.now_s() - start,
        notes,
    })
}

/// Permutation importance: the winner refitted on the training rows of the split whose
/// validation rows are `valid` (table rows), each frame column shuffled among (a sample of) the
/// validation rows. `rows_for(t, columns)` gives the most rows the budget allows when scoring
/// one row once takes `t` seconds.
#[allow(clippy::too_many_arguments)]
fn permutation_importance(
    frame: &Frame,
    usable: &[usize],
    target: &Target,
    position: &[usize],
    valid: &[usize],
    model: &FinalModel,
    metric: Metric,
    seed: u64,
    k: usize,
    rows_for: impl Fn(f64, usize) -> Option<f64>,
    clock: &dyn Clock,
) -> Result<Importance> {
    let in_valid: std::collections::HashSet<usize> = valid.iter().copied().collect();
    let train: Vec<usize> = usable
        .iter()
        .copied()
        .filter(|r| !in_valid.contains(r))
        .collect();
    let valid: Vec<usize> = valid
        .iter()
        .copied()
        .filter(|&r| r < position.len() && position[r] != usize::MAX)
        .collect();
    if train.is_empty() || valid.is_empty() {
        return Err(AutoMlError::Internal {
            reason: message!("internal.importance_rows"),
        });
    }
    let pos = |rows: &[usize]| -> Vec<usize> { rows.iter().map(|&r| position[r]).collect() };
    let (yc, yv): (Vec<u32>, Vec<f64>) = match target {
        Target::Classes { y, .. } => (pos(&train).iter().map(|&p| y[p]).collect(), Vec::new()),
        Target::Values(v) => (Vec::new(), pos(&train).iter().map(|&p| v[p]).collect()),
    };
    let y_train = if k > 0 {
        TargetRef::Classes {
            y: &yc,
            n_classes: k,
        }
    } else {
        TargetRef::Values(&yv)
    };
    let (pipe, x_train) = Pipeline::fit_transform(frame, &train, Some(y_train), seed);
    let levels = pipe.levels(frame, &train);
    let fitted = refit(model, (&x_train, &levels), y_train, seed ^ 0x1AB0_0D1E)?;

    let mut held = sample(&valid, IMPORTANCE_ROWS, seed ^ 0x4E1D);
    let score_of = |sub: &Frame, truth_c: &[u32], truth_v: &[f64]| -> Result<f64> {
        let all: Vec<usize> = (0..sub.n_rows()).collect();
        let x = pipe.transform(sub, &all);
        let p = flat_predictions(&fitted, &x, k)?;
        Ok(if k > 0 {
            metric.score(
                TargetRef::Classes {
                    y: truth_c,
                    n_classes: k,
                },
                &Predicted::Classes {
                    proba: &p,
                    n_classes: k,
                },
            )
        } else {
            metric.score(TargetRef::Values(truth_v), &Predicted::Values(&p))
        })
    };
    let truths = |rows: &[usize]| -> (Vec<u32>, Vec<f64>) {
        match target {
            Target::Classes { y, .. } => (rows.iter().map(|&r| y[position[r]]).collect(), vec![]),
            Target::Values(v) => (vec![], rows.iter().map(|&r| v[position[r]]).collect()),
        }
    };
    let t0 = clock.now_s();
    let (mut tc, mut tv) = truths(&held);
    let mut sub = subframe(frame, &held);
    let mut base = score_of(&sub, &tc, &tv)?;
    let per_row = (clock.now_s() - t0) / held.len() as f64;
    let cols = frame.columns.len();
    if let Some(allowed) = rows_for(per_row, cols * IMPORTANCE_REPEATS) {
        let cap = (allowed as usize).max(100);
        if cap < held.len() {
            held = sample(&held, cap, seed ^ 0x4E1E);
            (tc, tv) = truths(&held);
            sub = subframe(frame, &held);
            base = score_of(&sub, &tc, &tv)?;
        }
    }
    let mut features = Vec::with_capacity(cols);
    let mut rng = Rng::new(seed ^ 0x9E3D_0001);
    for c in 0..cols {
        let original = sub.columns[c].clone();
        let mut drops = Vec::with_capacity(IMPORTANCE_REPEATS);
        for _ in 0..IMPORTANCE_REPEATS {
            let mut order: Vec<usize> = (0..held.len()).collect();
            rng.shuffle(&mut order);
            sub.columns[c] = match &original {
                FrameColumn::Numeric(v) => {
                    FrameColumn::Numeric(order.iter().map(|&i| v[i]).collect())
                }
                FrameColumn::Categorical { codes, levels } => FrameColumn::Categorical {
                    codes: order.iter().map(|&i| codes[i]).collect(),
                    levels: levels.clone(),
                },
                FrameColumn::Datetime { seconds, has_time } => FrameColumn::Datetime {
                    seconds: order.iter().map(|&i| seconds[i]).collect(),
                    has_time: *has_time,
                },
            };
            drops.push(base - score_of(&sub, &tc, &tv)?);
        }
        sub.columns[c] = original;
        let (mean, std) = mean_std(&drops);
        features.push(FeatureImportance {
            column: frame.specs[c].name.clone(),
            mean,
            std,
        });
    }
    crate::sort::sort_by(&mut features, |a, b| b.mean.total_cmp(&a.mean));
    Ok(Importance {
        method: format!(
            "Permutation importance: the drop in {} when one column's values are shuffled among the held-out rows, averaged over {IMPORTANCE_REPEATS} seeded shuffles (positive: the model relies on the column).",
            metric.label()
        ),
        held_out: format!(
            "{} rows of the first validation split, predicted by the winning configuration refitted on that split's other {} rows, which never saw them.",
            held.len(),
            train.len()
        ),
        repeats: IMPORTANCE_REPEATS,
        features,
    })
}

/// Partial dependence on frame column `c`: the mean prediction over `rows` of `sub` with the
/// column set to each grid value. `sub`'s column is restored afterwards.
fn partial_dependence(
    sub: &mut Frame,
    c: usize,
    rows: &[usize],
    pipeline: &Pipeline,
    model: &FinalModel,
    k: usize,
) -> Result<PartialDependence> {
    let original = sub.columns[c].clone();
    let width = k.max(1);
    let mut points = Vec::new();
    let mut evaluate = |sub: &Frame, x: Value| -> Result<()> {
        let m = pipeline.transform(sub, rows);
        let p = flat_predictions(model, &m, k)?;
        let mut y = vec![0.0; width];
        for r in 0..rows.len() {
            for j in 0..width {
                y[j] += p[r * width + j];
            }
        }
        y.iter_mut().for_each(|v| *v /= rows.len().max(1) as f64);
        points.push(DependencePoint { x, y });
        Ok(())
    };
    let kind = match &original {
        FrameColumn::Numeric(v) => {
            let mut present: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
            crate::sort::sort_f64(&mut present);
            let mut grid: Vec<f64> = Vec::new();
            if !present.is_empty() {
                for i in 0..DEPENDENCE_POINTS {
                    let q = (i as f64 + 0.5) / DEPENDENCE_POINTS as f64;
                    let g = present[((q * present.len() as f64) as usize).min(present.len() - 1)];
                    if grid.last() != Some(&g) {
                        grid.push(g);
                    }
                }
            }
            for g in grid {
                sub.columns[c] = FrameColumn::Numeric(vec![g; v.len()]);
                evaluate(sub, Value::from(g))?;
            }
            "numeric"
        }
        FrameColumn::Categorical { codes, levels } => {
            let mut counts = vec![0usize; levels.len()];
            for &code in codes {
                if code != MISSING_CODE && (code as usize) < counts.len() {
                    counts[code as usize] += 1;
                }
            }
            let mut order: Vec<usize> = (0..levels.len()).filter(|&l| counts[l] > 0).collect();
            crate::sort::sort_by(&mut order, |&a, &b| {
                counts[b].cmp(&counts[a]).then(a.cmp(&b))
            });
            order.truncate(DEPENDENCE_LEVELS);
            for l in order {
                sub.columns[c] = FrameColumn::Categorical {
                    codes: vec![l as u32; codes.len()],
                    levels: levels.clone(),
                };
                evaluate(sub, Value::from(levels[l].clone()))?;
            }
            "categorical"
        }
        FrameColumn::Datetime { .. } => "numeric",
    };
    sub.columns[c] = original;
    Ok(PartialDependence {
        column: sub.specs[c].name.clone(),
        kind: kind.into(),
        points,
    })
}
