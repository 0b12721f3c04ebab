//! What a run's winner learned, computed after the search (the "explain" phase), honestly:
//! - out-of-fold predictions: each row predicted by a model that did not see it (the first
//!   repeat of the validation splits);
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

use crate::clock::Clock;
use crate::data::{Table, Task, TextColumn};
use crate::error::{AutoMlError, Result};
use crate::matrix::Matrix;
use crate::metrics::{mean_std, Metric, Predicted, Truth};
use crate::models::{Labels, Prediction};
use crate::preprocess::{Frame, FrameColumn, Pipeline, TargetView, MISSING_CODE};
use crate::rng::Rng;
use crate::search::ensemble::FinalModel;
use crate::search::{Observer, Progress, SearchOutcome, SearchSettings};
use crate::target::{prepare_target, Target};
use crate::trees::Tree;
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
    /// Permutation importance on held-out rows.
    pub importance: Importance,
    /// Partial dependence for the most important columns.
    pub partial_dependence: Vec<PartialDependence>,
    /// Seconds the diagnostics took.
    pub seconds: f64,
    /// What was capped or skipped, in words.
    pub notes: Vec<String>,
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
fn refit(model: &FinalModel, x: &Matrix, y: Labels<'_>, seed: u64) -> Result<FinalModel> {
    Ok(match model {
        FinalModel::Single(m) => FinalModel::Single(m.spec.fit(x, y, seed)?),
        FinalModel::Ensemble(members) => {
            let mut out = Vec::with_capacity(members.len());
            for (i, (w, m)) in members.iter().enumerate() {
                out.push((*w, m.spec.fit(x, y, seed.wrapping_add(i as u64))?));
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
    });
    let budget = settings.time_budget_s;
    let target_col = table.column_index(&result.target)?;
    let prepared = prepare_target(table, target_col, result.task)?;
    let frame = Frame::with_choices(table, target_col, &settings.columns);
    let pipeline = &outcome.model.pipeline;
    if frame.specs.len() != pipeline.specs.len() {
        return Err(AutoMlError::Model {
            family: "explanations".into(),
            detail: "the table does not match the run".into(),
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
    entries.sort_by_key(|e| e.0);
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
        None => notes.push("Permutation importance was not computed: the run kept no validation split.".into()),
        Some(_) if refit_too_slow => notes.push(format!(
            "Permutation importance was not computed: it needs one more fit of the winner, and the final fit alone took {:.1} s of the {:.0} s budget.",
            result.best.refit_time_s,
            budget.unwrap_or(0.0)
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
                |t, cols| {
                    budget.map(|b| limits.importance_share * b / (t * cols as f64).max(1e-9))
                },
                clock,
            ) {
                Ok(imp) => importance = imp,
                Err(e) => notes.push(format!("Permutation importance was not computed: {e}")),
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
                notes.push(format!(
                    "Partial dependence was drawn for {} column(s) only, to keep within the time budget.",
                    dependence.len()
                ));
                break;
            }
        }
        match partial_dependence(&mut sub, c, &all, pipeline, &outcome.model.model, k) {
            Ok(pd) => dependence.push(pd),
            Err(e) => notes.push(format!(
                "Partial dependence of \"{}\" was not computed: {e}",
                frame.specs[c].name
            )),
        }
    }
    Ok(Diagnostics {
        out_of_fold: oof,
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
        return Err(AutoMlError::Model {
            family: "permutation importance".into(),
            detail: "the split has no training or no validation rows".into(),
        });
    }
    let pos = |rows: &[usize]| -> Vec<usize> { rows.iter().map(|&r| position[r]).collect() };
    let (yc, yv): (Vec<u32>, Vec<f64>) = match target {
        Target::Classes { y, .. } => (pos(&train).iter().map(|&p| y[p]).collect(), Vec::new()),
        Target::Values(v) => (Vec::new(), pos(&train).iter().map(|&p| v[p]).collect()),
    };
    let (view, labels) = if k > 0 {
        (
            TargetView::Classes(&yc, k),
            Labels::Classes {
                y: &yc,
                n_classes: k,
            },
        )
    } else {
        (TargetView::Values(&yv), Labels::Values(&yv))
    };
    let (pipe, x_train) = Pipeline::fit_transform(frame, &train, Some(view), seed);
    let fitted = refit(model, &x_train, labels, seed ^ 0x1AB0_0D1E)?;

    let mut held = sample(&valid, IMPORTANCE_ROWS, seed ^ 0x4E1D);
    let score_of = |sub: &Frame, truth_c: &[u32], truth_v: &[f64]| -> Result<f64> {
        let all: Vec<usize> = (0..sub.n_rows()).collect();
        let x = pipe.transform(sub, &all);
        let p = flat_predictions(&fitted, &x, k)?;
        Ok(if k > 0 {
            metric.score(
                Truth::Classes(truth_c),
                &Predicted::Classes {
                    proba: &p,
                    n_classes: k,
                },
            )
        } else {
            metric.score(Truth::Values(truth_v), &Predicted::Values(&p))
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
    features.sort_by(|a, b| b.mean.total_cmp(&a.mean));
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
            present.sort_by(f64::total_cmp);
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
            order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
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

/// One column's contribution to a row's prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// The original column.
    pub column: String,
    /// The row's value in it, as text.
    pub value: String,
    /// How much it moved each output (per class, or `[value]`), in the units of `output`.
    pub effect: Vec<f64>,
}

/// Why one row got its prediction: `base` plus the sum of the effects gives the explained
/// output of each class (or the value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowExplanation {
    /// The predicted class label or value.
    pub prediction: Value,
    /// Class probabilities (classification only).
    pub probabilities: Option<Vec<f64>>,
    /// The output with no column known: per class, or `[value]`.
    pub base: Vec<f64>,
    /// One entry per input column, largest total effect first.
    pub contributions: Vec<Contribution>,
    /// What the effects are in: "probability", "log-odds" or "value".
    pub output: String,
    /// The method, in words.
    pub method: String,
}

#[derive(Debug, Clone, Copy)]
struct PathElement {
    feature: i64,
    zero: f64,
    one: f64,
    weight: f64,
}

fn extend_path(path: &mut [PathElement], depth: usize, zero: f64, one: f64, feature: i64) {
    path[depth] = PathElement {
        feature,
        zero,
        one,
        weight: if depth == 0 { 1.0 } else { 0.0 },
    };
    for i in (0..depth).rev() {
        path[i + 1].weight += one * path[i].weight * (i + 1) as f64 / (depth + 1) as f64;
        path[i].weight = zero * path[i].weight * (depth - i) as f64 / (depth + 1) as f64;
    }
}

fn unwind_path(path: &mut [PathElement], depth: usize, index: usize) {
    let (one, zero) = (path[index].one, path[index].zero);
    let mut next_one = path[depth].weight;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let tmp = path[i].weight;
            path[i].weight = next_one * (depth + 1) as f64 / ((i + 1) as f64 * one);
            next_one = tmp - path[i].weight * zero * (depth - i) as f64 / (depth + 1) as f64;
        } else {
            path[i].weight = path[i].weight * (depth + 1) as f64 / (zero * (depth - i) as f64);
        }
    }
    for i in index..depth {
        path[i].feature = path[i + 1].feature;
        path[i].zero = path[i + 1].zero;
        path[i].one = path[i + 1].one;
    }
}

fn unwound_sum(path: &[PathElement], depth: usize, index: usize) -> f64 {
    let (one, zero) = (path[index].one, path[index].zero);
    let mut next_one = path[depth].weight;
    let mut total = 0.0;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let tmp = next_one * (depth + 1) as f64 / ((i + 1) as f64 * one);
            total += tmp;
            next_one = path[i].weight - tmp * zero * (depth - i) as f64 / (depth + 1) as f64;
        } else if zero != 0.0 {
            total += path[i].weight / zero / ((depth - i) as f64 / (depth + 1) as f64);
        }
    }
    total
}

/// A tree with smoothed covers: node `i < m` internal, node `m + l` leaf `l`.
struct CoveredTree<'a> {
    tree: &'a Tree,
    cover: Vec<f64>,
}

impl CoveredTree<'_> {
    fn node_of(&self, child: i32) -> usize {
        if child < 0 {
            self.tree.features().len() + (!child as usize)
        } else {
            child as usize
        }
    }

    /// The expected leaf values under the covers.
    fn expected(&self) -> Vec<f64> {
        let m = self.tree.features().len();
        let (_, w) = self.tree.outputs();
        let mut e = vec![0.0; w];
        let total = self.cover[0];
        for l in 0..=m {
            let share = self.cover[m + l] / total;
            for (o, v) in e.iter_mut().zip(self.tree.leaf_values(l)) {
                *o += share * v;
            }
        }
        e
    }

    #[allow(clippy::too_many_arguments)]
    fn recurse(
        &self,
        x: &[f64],
        phi: &mut [f64],
        node: usize,
        parent: &[PathElement],
        depth: usize,
        zero: f64,
        one: f64,
        feature: i64,
    ) {
        let mut path: Vec<PathElement> = parent.to_vec();
        path.push(PathElement {
            feature: -1,
            zero: 0.0,
            one: 0.0,
            weight: 0.0,
        });
        extend_path(&mut path, depth, zero, one, feature);
        let m = self.tree.features().len();
        let (_, w) = self.tree.outputs();
        if node >= m {
            let values = self.tree.leaf_values(node - m);
            for i in 1..=depth {
                let s = unwound_sum(&path, depth, i);
                let el = path[i];
                let f = el.feature as usize;
                for j in 0..w {
                    phi[f * w + j] += s * (el.one - el.zero) * values[j];
                }
            }
            return;
        }
        let split = self.tree.features()[node] as usize;
        let v = x[split];
        let left =
            v <= self.tree.thresholds()[node] || (v.is_nan() && self.tree.missing_left()[node]);
        let [l, r] = self.tree.children()[node];
        let (hot, cold) = if left { (l, r) } else { (r, l) };
        let (hot, cold) = (self.node_of(hot), self.node_of(cold));
        let here = self.cover[node];
        let hot_zero = self.cover[hot] / here;
        let cold_zero = self.cover[cold] / here;
        let (mut in_zero, mut in_one) = (1.0, 1.0);
        let mut depth = depth;
        if let Some(k) = (1..=depth).find(|&k| path[k].feature == split as i64) {
            in_zero = path[k].zero;
            in_one = path[k].one;
            unwind_path(&mut path, depth, k);
            depth -= 1;
            path.truncate(depth + 1);
        }
        self.recurse(
            x,
            phi,
            hot,
            &path,
            depth + 1,
            hot_zero * in_zero,
            in_one,
            split as i64,
        );
        self.recurse(
            x,
            phi,
            cold,
            &path,
            depth + 1,
            cold_zero * in_zero,
            0.0,
            split as i64,
        );
    }
}

/// Covers of a tree from its node counts (internal nodes, then leaves): each leaf's count (a
/// leaf no training row reached counts 0.001), each internal node the sum of its children, so
/// no fraction divides by 0.
fn smooth_covers(tree: &Tree, counts: &[u32]) -> Vec<f64> {
    let m = tree.features().len();
    let mut cover = vec![0.0; 2 * m + 1];
    for l in 0..=m {
        let count = counts.get(m + l).copied().unwrap_or(0);
        cover[m + l] = if count > 0 { f64::from(count) } else { 1e-3 };
    }
    // children point forward: fill internal nodes from the last
    for i in (0..m).rev() {
        let [a, b] = tree.children()[i];
        let c = |ch: i32| {
            if ch < 0 {
                cover[m + (!ch as usize)]
            } else {
                cover[ch as usize]
            }
        };
        cover[i] = c(a) + c(b);
    }
    if m == 0 {
        cover[0] = 1.0;
    }
    cover
}

/// Exact path-dependent TreeSHAP of one encoded row: per input, the contribution to each raw
/// output (`n_inputs × n_outputs`, row-major), and the expected raw outputs (the base).
/// `base` and `scale` combine the trees as the tree engine does (base + scale × sum).
pub fn tree_shap(
    trees: &[Tree],
    counts: &[Vec<u32>],
    base: &[f64],
    scale: f64,
    x: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    let outputs = base.len();
    let inputs = x.len();
    let mut phi = vec![0.0; inputs * outputs];
    let mut expected = base.to_vec();
    let empty: Vec<u32> = Vec::new();
    for (t, tree) in trees.iter().enumerate() {
        let covered = CoveredTree {
            tree,
            cover: smooth_covers(tree, counts.get(t).unwrap_or(&empty)),
        };
        let (first, w) = tree.outputs();
        for (j, e) in covered.expected().iter().enumerate() {
            expected[first + j] += scale * e;
        }
        if tree.features().is_empty() {
            continue;
        }
        let mut local = vec![0.0; inputs * w];
        covered.recurse(x, &mut local, 0, &[], 0, 1.0, 1.0, -1);
        for f in 0..inputs {
            for j in 0..w {
                phi[f * outputs + first + j] += scale * local[f * w + j];
            }
        }
    }
    (phi, expected)
}

fn label_value(model: &crate::model_file::ModelFile, p: &[f64]) -> Value {
    if model.n_classes() > 0 {
        Value::from(
            model
                .classes
                .get(crate::math::argmax(p))
                .cloned()
                .unwrap_or_default(),
        )
    } else {
        Value::from(p.first().copied().unwrap_or(f64::NAN))
    }
}

/// Explains one row (column → cell text; a column not given is missing) of a saved model's
/// prediction: exact TreeSHAP for a single tree-engine model, sampling Shapley values over
/// the original columns otherwise. Seeded by the model's settings, so the same row gives the
/// same answer.
pub fn explain_row(
    model: &crate::model_file::ModelFile,
    row: &std::collections::BTreeMap<String, String>,
) -> Result<RowExplanation> {
    let table = model.table_of_rows(std::slice::from_ref(row));
    let frame = Frame::for_schema(&table, &model.pipeline.specs)?;
    let x = model.pipeline.transform(&frame, &[0]);
    let k = model.n_classes();
    let width = k.max(1);
    let p = flat_predictions(&model.model, &x, k)?;
    let specs = &model.pipeline.specs;
    let values: Vec<String> = (0..specs.len())
        .map(|c| table.columns[c].get(0).to_string())
        .collect();
    let tree = match &model.model {
        FinalModel::Single(m) if !model.covers.is_empty() => m.tree_parts(),
        _ => None,
    };
    let (base, effects, output, method) = if let Some(parts) = tree {
        let (phi, expected) = tree_shap(
            parts.trees,
            &model.covers,
            parts.base,
            parts.scale,
            x.row(0),
        );
        let outputs = parts.base.len();
        let owner = crate::model_file::input_columns(&model.pipeline);
        let mut by_column = vec![vec![0.0; outputs]; specs.len()];
        for (f, &c) in owner.iter().enumerate() {
            for j in 0..outputs {
                by_column[c][j] += phi[f * outputs + j];
            }
        }
        use crate::models::TreeLink;
        let (base, effects, output) = match parts.link {
            TreeLink::Logistic => (
                vec![-expected[0], expected[0]],
                by_column.iter().map(|e| vec![-e[0], e[0]]).collect(),
                "log-odds",
            ),
            TreeLink::Softmax => (expected, by_column, "log-odds"),
            TreeLink::Identity => {
                // a forest's classes seen in training may be fewer than the model's
                let pad = |v: Vec<f64>| {
                    let mut v = v;
                    v.resize(width, 0.0);
                    v
                };
                (
                    pad(expected),
                    by_column.into_iter().map(pad).collect(),
                    if k > 0 { "probability" } else { "value" },
                )
            }
        };
        let method = format!(
            "Exact TreeSHAP (path-dependent, Lundberg et al. 2018) of the {} model, in {output}: each column's share of moving the output from the training average (base) to this row's, summed over its encoded inputs.",
            model.best.get("label").and_then(Value::as_str).unwrap_or("tree")
        );
        (base, effects, output, method)
    } else {
        let (base, effects, samples) = sampling_shapley(model, &values)?;
        (
            base,
            effects,
            if k > 0 { "probability" } else { "value" },
            format!(
                "Sampling estimate of Shapley values over the original columns: {samples} seeded random column orders, each starting from one of {} background training rows; the base is the mean prediction over those rows, and base plus the effects is this row's prediction.",
                model.background.len()
            ),
        )
    };
    let mut contributions: Vec<Contribution> = specs
        .iter()
        .zip(values)
        .zip(effects)
        .map(|((s, value), effect)| Contribution {
            column: s.name.clone(),
            value,
            effect,
        })
        .collect();
    let size = |c: &Contribution| c.effect.iter().map(|v| v.abs()).sum::<f64>();
    contributions.sort_by(|a, b| size(b).total_cmp(&size(a)));
    Ok(RowExplanation {
        prediction: label_value(model, &p),
        probabilities: (k > 0).then(|| p.clone()),
        base,
        contributions,
        output: output.into(),
        method,
    })
}

/// Sampling Shapley values of the row `values` (one cell per input column) against the model's
/// background rows: for sample `s`, background row `s mod B` and a seeded random order of the
/// columns; the columns are switched to the row's values in that order and each is credited
/// with the change it makes. The effects sum exactly to the prediction minus the base (the
/// mean prediction over the background rows used). Returns (base, effects, samples).
fn sampling_shapley(
    model: &crate::model_file::ModelFile,
    values: &[String],
) -> Result<(Vec<f64>, Vec<Vec<f64>>, usize)> {
    let p = values.len();
    let k = model.n_classes();
    let width = k.max(1);
    let mut background = model.background.clone();
    if background.is_empty() {
        // no background: compare with the row where every column is missing
        background.push(vec![String::new(); p]);
    }
    let b = background.len();
    let per_sample = p + 1;
    let reps = (SHAPLEY_EVALUATIONS / (per_sample * b)).clamp(1, 20);
    let samples = reps * b;
    let mut rng = Rng::new(model.settings.seed ^ 0x5A4D_1E57);
    let mut columns = vec![TextColumn::default(); p];
    let mut orders = Vec::with_capacity(samples);
    for s in 0..samples {
        let z = &background[s % b];
        let mut order: Vec<usize> = (0..p).collect();
        rng.shuffle(&mut order);
        let mut current: Vec<&str> = z.iter().map(String::as_str).collect();
        current.resize(p, "");
        for step in 0..=p {
            if step > 0 {
                let c = order[step - 1];
                current[c] = &values[c];
            }
            for c in 0..p {
                columns[c].push(current[c]);
            }
        }
        orders.push(order);
    }
    let table = Table {
        file: "explanation".into(),
        names: model
            .pipeline
            .specs
            .iter()
            .map(|s| s.name.clone())
            .collect(),
        columns,
        notes: Vec::new(),
        sheets: Vec::new(),
        sheet: None,
    };
    let frame = Frame::for_schema(&table, &model.pipeline.specs)?;
    let all: Vec<usize> = (0..table.n_rows()).collect();
    let x = model.pipeline.transform(&frame, &all);
    let out = flat_predictions(&model.model, &x, k)?;
    let mut base = vec![0.0; width];
    let mut effects = vec![vec![0.0; width]; p];
    for (s, order) in orders.iter().enumerate() {
        let at = |step: usize| {
            &out[(s * per_sample + step) * width..(s * per_sample + step + 1) * width]
        };
        for j in 0..width {
            base[j] += at(0)[j];
        }
        for step in 1..=p {
            let (before, after) = (at(step - 1), at(step));
            let c = order[step - 1];
            for j in 0..width {
                effects[c][j] += after[j] - before[j];
            }
        }
    }
    let n = samples as f64;
    base.iter_mut().for_each(|v| *v /= n);
    effects
        .iter_mut()
        .for_each(|e| e.iter_mut().for_each(|v| *v /= n));
    Ok((base, effects, samples))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(json: serde_json::Value) -> Tree {
        serde_json::from_value(json).unwrap()
    }

    /// Path-dependent expectation with the features in `known` fixed to `x`.
    fn expect(t: &Tree, cover: &[f64], x: &[f64], known: &[usize], node: i32) -> f64 {
        let m = t.features().len();
        if node < 0 || m == 0 {
            return t.leaf_values(if m == 0 { 0 } else { !node as usize })[0];
        }
        let n = node as usize;
        let [l, r] = t.children()[n];
        let f = t.features()[n] as usize;
        if known.contains(&f) {
            let left = x[f] <= t.thresholds()[n];
            return expect(t, cover, x, known, if left { l } else { r });
        }
        let cov = |c: i32| {
            if c < 0 {
                cover[m + !c as usize]
            } else {
                cover[c as usize]
            }
        };
        (cov(l) * expect(t, cover, x, known, l) + cov(r) * expect(t, cover, x, known, r)) / cover[n]
    }

    /// Shapley values by enumerating every subset of the features.
    fn brute_force(t: &Tree, counts: &[u32], x: &[f64]) -> Vec<f64> {
        let cover = smooth_covers(t, counts);
        let p = x.len();
        let fact = |n: usize| (1..=n).map(|v| v as f64).product::<f64>();
        let mut phi = vec![0.0; p];
        for i in 0..p {
            for mask in 0..(1usize << p) {
                if mask & (1 << i) != 0 {
                    continue;
                }
                let s: Vec<usize> = (0..p).filter(|&j| mask & (1 << j) != 0).collect();
                let mut with = s.clone();
                with.push(i);
                let w = fact(s.len()) * fact(p - s.len() - 1) / fact(p);
                phi[i] += w * (expect(t, &cover, x, &with, 0) - expect(t, &cover, x, &s, 0));
            }
        }
        phi
    }

    fn two_level() -> (Tree, Vec<u32>) {
        // x0 <= 0.5 ? leaf 0 (0, 2 rows) : (x1 <= 0.5 ? leaf 1 (10, 1 row) : leaf 2 (20, 1 row))
        let t = tree(serde_json::json!({
            "feature": [0, 1], "threshold": [0.5, 0.5], "missing_left": [true, true],
            "children": [[-1, 1], [-2, -3]], "gain": [1.0, 1.0],
            "values": [0.0, 10.0, 20.0], "output": 0, "width": 1
        }));
        (t, vec![4, 2, 2, 1, 1])
    }

    #[test]
    fn tree_shap_of_one_split_is_exact() {
        let t = tree(serde_json::json!({
            "feature": [0], "threshold": [0.5], "missing_left": [true],
            "children": [[-1, -2]], "gain": [1.0], "values": [0.0, 10.0], "output": 0, "width": 1
        }));
        let (phi, base) = tree_shap(&[t], &[vec![4, 1, 3]], &[0.0], 1.0, &[1.0, 7.0]);
        assert_eq!(base, [7.5]);
        assert_eq!(phi, [2.5, 0.0]);
    }

    #[test]
    fn tree_shap_of_two_levels_matches_hand_computed_values() {
        let (t, counts) = two_level();
        let (phi, base) = tree_shap(
            std::slice::from_ref(&t),
            std::slice::from_ref(&counts),
            &[0.0],
            1.0,
            &[1.0, 1.0],
        );
        // v() = 7.5, v(0) = 15, v(1) = 10, v(0,1) = 20
        assert_eq!(base, [7.5]);
        assert_eq!(phi, [8.75, 3.75]);
        for x in [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [f64::NAN, 1.0]] {
            let (phi, base) = tree_shap(
                std::slice::from_ref(&t),
                std::slice::from_ref(&counts),
                &[0.0],
                1.0,
                &x,
            );
            let raw = t.leaf_values(t.leaf(&x))[0];
            assert!((phi.iter().sum::<f64>() + base[0] - raw).abs() < 1e-12);
        }
    }

    #[test]
    fn tree_shap_matches_brute_force_shapley_on_a_deeper_tree() {
        // a tree splitting twice on feature 0 and once each on 1 and 2, with uneven covers
        let t = tree(serde_json::json!({
            "feature": [0, 1, 0, 2], "threshold": [0.5, 0.5, 0.2, 0.5],
            "missing_left": [true, false, true, true],
            "children": [[1, 3], [2, -1], [-2, -3], [-4, -5]], "gain": [1.0, 1.0, 1.0, 1.0],
            "values": [1.0, -2.0, 4.0, 8.0, 3.0], "output": 0, "width": 1
        }));
        // nodes 0..4, leaves 0..5: leaf0 5, leaf1 2, leaf2 3, leaf3 7, leaf4 1
        let counts = vec![18, 10, 5, 8, 5, 2, 3, 7, 1];
        for x in [
            [0.1, 0.9, 0.9],
            [0.3, 0.1, 0.1],
            [0.9, 0.9, 0.1],
            [0.9, 0.1, 0.9],
        ] {
            let (phi, base) = tree_shap(
                std::slice::from_ref(&t),
                std::slice::from_ref(&counts),
                &[0.5],
                2.0,
                &x,
            );
            let exact = brute_force(&t, &counts, &x);
            for (a, b) in phi.iter().zip(&exact) {
                assert!((a - 2.0 * b).abs() < 1e-12, "{phi:?} vs {exact:?}");
            }
            let raw = 0.5 + 2.0 * t.leaf_values(t.leaf(&x))[0];
            assert!((phi.iter().sum::<f64>() + base[0] - raw).abs() < 1e-12);
        }
    }
}
