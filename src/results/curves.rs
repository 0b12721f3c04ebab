//! What the page and the report draw of the winner's out-of-fold predictions, computed here so
//! that the page only draws (it computes no metric and no curve):
//! - classification: the confusion matrix of the predicted labels, per-class precision, recall,
//!   F1 and support, their macro averages and the accuracy ([`ClassReport`]);
//! - two classes: ONE threshold sweep over the second class's probability ([`BinaryView`])
//!   that gives the ROC curve and the precision-recall curve (each point with its threshold;
//!   the areas by [`metrics::roc_area`] and [`metrics::average_precision`], the functions the
//!   ROC AUC metric uses), and at every point the counts and the [`ClassReport`] the page's
//!   threshold slider shows, so the page only indexes; and the calibration bins;
//! - regression: predicted against actual (a seeded sample when there are many rows), the
//!   residuals, their histogram, and R², RMSE and MAE by the metrics' own functions.

use super::diagnostics::OutOfFoldView;
use crate::data::Task;
use crate::metrics;
use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Most points of a threshold sweep sent to the page (the first, the last and the default are
/// always among them; the areas are computed on the whole sweep).
pub const MAX_SWEEP_POINTS: usize = 500;
/// Equal-width probability bins of the calibration plot.
pub const CALIBRATION_BINS: usize = 10;
/// Most rows drawn in the regression plots (a seeded sample beyond).
pub const MAX_REGRESSION_POINTS: usize = 2_000;
/// Most bins of the residual histogram (the width is 1, 2 or 5 × a power of ten).
pub const RESIDUAL_BINS: usize = 24;

/// One class's row of the per-class table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassRow {
    /// The class label.
    pub label: String,
    /// Of the rows predicted as the class, the share that are (0 when none is).
    pub precision: f64,
    /// Of the rows that are the class, the share predicted as it (0 when none is).
    pub recall: f64,
    /// The harmonic mean of the two (2·TP / (rows that are it + rows predicted as it)).
    pub f1: f64,
    /// Rows that are the class.
    pub support: usize,
}

/// Macro averages: the plain mean over the classes present in the truth or the predictions
/// (the classes [`metrics::f1_macro`] averages over).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Averages {
    /// Mean precision.
    pub precision: f64,
    /// Mean recall.
    pub recall: f64,
    /// Mean F1 (the macro F1 metric).
    pub f1: f64,
}

/// A confusion matrix and what follows from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassReport {
    /// `matrix[actual][predicted]`, classes in class order.
    pub matrix: Vec<Vec<usize>>,
    /// Each row of `matrix` divided by its total: the share of each actual class predicted as
    /// each class (a row without rows stays 0).
    pub shares: Vec<Vec<f64>>,
    /// Per class, in class order.
    pub classes: Vec<ClassRow>,
    /// Macro averages.
    #[serde(rename = "macro")]
    pub macro_avg: Averages,
    /// Share of rows on the diagonal (0 without rows).
    pub accuracy: f64,
    /// Mean over the classes with rows of each one's recall, the balanced accuracy metric's
    /// definition (0 without rows).
    pub balanced_accuracy: f64,
    /// Rows counted.
    pub total: usize,
}

impl ClassReport {
    /// The report of `matrix[actual][predicted]` for classes `labels`.
    pub fn from_matrix(labels: &[String], matrix: Vec<Vec<usize>>) -> ClassReport {
        let scores = metrics::class_scores(&matrix);
        let total: usize = matrix.iter().flatten().sum();
        let correct: usize = (0..matrix.len())
            .map(|c| matrix[c].get(c).copied().unwrap_or(0))
            .sum();
        let present: Vec<&metrics::ClassScores> = scores
            .iter()
            .filter(|s| s.support > 0 || s.predicted > 0)
            .collect();
        let mean = |f: fn(&metrics::ClassScores) -> f64| {
            if present.is_empty() {
                0.0
            } else {
                present.iter().map(|s| f(s)).sum::<f64>() / present.len() as f64
            }
        };
        ClassReport {
            classes: scores
                .iter()
                .enumerate()
                .map(|(c, s)| ClassRow {
                    label: labels.get(c).cloned().unwrap_or_default(),
                    precision: s.precision,
                    recall: s.recall,
                    f1: s.f1,
                    support: s.support,
                })
                .collect(),
            macro_avg: Averages {
                precision: mean(|s| s.precision),
                recall: mean(|s| s.recall),
                f1: mean(|s| s.f1),
            },
            accuracy: if total > 0 {
                correct as f64 / total as f64
            } else {
                0.0
            },
            balanced_accuracy: {
                let recalls: Vec<f64> = scores
                    .iter()
                    .filter(|s| s.support > 0)
                    .map(|s| s.recall)
                    .collect();
                if recalls.is_empty() {
                    0.0
                } else {
                    recalls.iter().sum::<f64>() / recalls.len() as f64
                }
            },
            total,
            shares: matrix
                .iter()
                .map(|row| {
                    let n: usize = row.iter().sum();
                    row.iter()
                        .map(|&v| if n > 0 { v as f64 / n as f64 } else { 0.0 })
                        .collect()
                })
                .collect(),
            matrix,
        }
    }
}

/// One point of the threshold sweep: the rows whose probability of the positive class is at
/// least `threshold` are called positive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SweepPoint {
    /// The threshold (one of the probabilities); `None` for the first point, where no row is
    /// called positive (the curves' start).
    pub threshold: Option<f64>,
    /// Positives called positive.
    pub tp: usize,
    /// Negatives called positive.
    pub fp: usize,
    /// Negatives called negative.
    pub tn: usize,
    /// Positives called negative.
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// True positive rate (recall of the positive class): the ROC curve's y and the PR
    /// curve's x.
    pub tpr: f64,
    /// False positive rate: the ROC curve's x.
    pub fpr: f64,
    /// Precision of the positive class: the PR curve's y. At the first point, where it is
    /// undefined, the curve starts level with the next point.
    pub precision: f64,
    /// The confusion matrix `[[tn, fp], [fn, tp]]` and the per-class table at this threshold.
    pub report: ClassReport,
}

/// One calibration bin (only bins holding rows are listed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalibrationBin {
    /// The bin's lower edge.
    pub lo: f64,
    /// The bin's upper edge (the last bin includes 1).
    pub hi: f64,
    /// Mean predicted probability of the positive class in the bin.
    pub mean_predicted: f64,
    /// Share of the bin's rows that are positive.
    pub observed: f64,
    /// Rows in the bin.
    pub count: usize,
}

/// Two classes: the threshold sweep over the second class's probability, its curves and the
/// calibration plot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BinaryView {
    /// The first class (called negative).
    pub negative: String,
    /// The second class, whose probability is thresholded (called positive).
    pub positive: String,
    /// Rows of the negative class.
    pub negatives: usize,
    /// Rows of the positive class.
    pub positives: usize,
    /// Area under the ROC curve of the whole sweep (`None` when a class has no row).
    pub roc_auc: Option<f64>,
    /// Average precision of the whole sweep, Σ (Rₖ − Rₖ₋₁) Pₖ (`None` without positives).
    pub average_precision: Option<f64>,
    /// The share of positives: the precision of a model that guesses.
    pub baseline: f64,
    /// The sweep, threshold from high to low: first no row called positive, last every row.
    /// At most [`MAX_SWEEP_POINTS`] (+1) of them, evenly spread over the sweep.
    pub points: Vec<SweepPoint>,
    /// Distinct thresholds swept (more than `points` when they were thinned).
    pub thresholds: usize,
    /// Index in `points` of the model's own decisions (its predicted labels).
    pub default_point: usize,
    /// Equal-width probability bins ([`CALIBRATION_BINS`]) holding rows.
    pub calibration: Vec<CalibrationBin>,
}

/// Classification diagnostics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassificationView {
    /// Class labels, in class order.
    pub classes: Vec<String>,
    /// The confusion matrix of the predicted labels and its table.
    pub report: ClassReport,
    /// The threshold sweep, for two classes with probabilities.
    pub binary: Option<BinaryView>,
}

/// One row of the regression plots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressionPoint {
    /// The table row (0-based data row).
    pub row: usize,
    /// The true value.
    pub actual: f64,
    /// The predicted value.
    pub predicted: f64,
    /// actual − predicted.
    pub residual: f64,
}

/// One bin of a histogram: `lo <= value < hi` (the last bin holds the largest value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistogramBin {
    /// Lower edge.
    pub lo: f64,
    /// Upper edge.
    pub hi: f64,
    /// Values in the bin.
    pub count: usize,
}

/// Regression diagnostics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegressionView {
    /// Rows predicted out of fold.
    pub rows: usize,
    /// R² over them ([`metrics::r2`]).
    pub r2: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// Mean absolute error.
    pub mae: f64,
    /// The rows drawn: all of them, or a seeded sample of [`MAX_REGRESSION_POINTS`], in row
    /// order.
    pub points: Vec<RegressionPoint>,
    /// The histogram of every row's residual.
    pub residual_histogram: Vec<HistogramBin>,
}

/// The text of a label value (a string as it is, anything else as JSON).
fn label_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The views of out-of-fold predictions: classification (labels are found in `classes`; rows
/// with a label outside them are left out) or regression (`seed` chooses the rows drawn when
/// there are many). `None` when there is no row to show.
pub fn summarize(
    task: Task,
    classes: &[String],
    oof: &OutOfFoldView,
    seed: u64,
) -> (Option<ClassificationView>, Option<RegressionView>) {
    match task {
        Task::Classification => (classification(classes, oof), None),
        Task::Regression => (None, regression(oof, seed)),
    }
}

fn classification(classes: &[String], oof: &OutOfFoldView) -> Option<ClassificationView> {
    let k = classes.len();
    let code = |v: &Value| {
        let label = label_of(v);
        classes.iter().position(|c| *c == label).map(|c| c as u32)
    };
    let probabilities = oof
        .probabilities
        .as_ref()
        .filter(|p| p.len() == oof.actual.len() && p.iter().all(|row| row.len() == k));
    let (mut truth, mut predicted, mut proba) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (a, p)) in oof.actual.iter().zip(&oof.predicted).enumerate() {
        if let (Some(a), Some(p)) = (code(a), code(p)) {
            truth.push(a);
            predicted.push(p);
            if let (2, Some(probs)) = (k, probabilities) {
                proba.push(probs[i][1]);
            }
        }
    }
    if truth.is_empty() {
        return None;
    }
    let report =
        ClassReport::from_matrix(classes, metrics::confusion_matrix(&truth, &predicted, k));
    let binary = (k == 2 && probabilities.is_some())
        .then(|| binary_view(classes, &truth, &predicted, &proba));
    Some(ClassificationView {
        classes: classes.to_vec(),
        report,
        binary,
    })
}

/// The sweep over `scores` (the second class's probability per row).
fn binary_view(classes: &[String], truth: &[u32], predicted: &[u32], scores: &[f64]) -> BinaryView {
    let positive: Vec<bool> = truth.iter().map(|&t| t == 1).collect();
    let n_pos = positive.iter().filter(|&&p| p).count();
    let n_neg = positive.len() - n_pos;
    let steps = metrics::threshold_sweep(&positive, scores);
    let default = default_point(&steps, predicted, scores);
    let total = steps.len() + 1;
    let kept = spread(total, MAX_SWEEP_POINTS, default);
    let rate = |a: usize, b: usize| if b > 0 { a as f64 / b as f64 } else { 0.0 };
    let first_precision = steps.first().map_or(1.0, |s| rate(s.tp, s.tp + s.fp));
    let points = kept
        .iter()
        .map(|&i| {
            let (threshold, tp, fp) = match i {
                0 => (None, 0, 0),
                _ => (
                    Some(steps[i - 1].threshold),
                    steps[i - 1].tp,
                    steps[i - 1].fp,
                ),
            };
            let (tn, fn_) = (n_neg - fp, n_pos - tp);
            SweepPoint {
                threshold,
                tp,
                fp,
                tn,
                fn_,
                tpr: rate(tp, n_pos),
                fpr: rate(fp, n_neg),
                precision: if i == 0 {
                    first_precision
                } else {
                    rate(tp, tp + fp)
                },
                report: ClassReport::from_matrix(classes, vec![vec![tn, fp], vec![fn_, tp]]),
            }
        })
        .collect();
    let finite = |v: f64| v.is_finite().then_some(v);
    BinaryView {
        negative: classes[0].clone(),
        positive: classes[1].clone(),
        negatives: n_neg,
        positives: n_pos,
        roc_auc: finite(metrics::roc_area(&steps, n_pos, n_neg)),
        average_precision: finite(metrics::average_precision(&steps, n_pos)),
        baseline: rate(n_pos, positive.len()),
        points,
        thresholds: steps.len(),
        default_point: kept.iter().position(|&i| i == default).unwrap_or(0),
        calibration: calibration(&positive, scores, CALIBRATION_BINS),
    }
}

/// The point (0 = none positive, i = step i − 1) whose positives are the rows the model
/// predicted as the second class; when they are not a threshold's rows (probabilities that do
/// not sum to one), the point of the rows above 0.5.
fn default_point(steps: &[metrics::SweepStep], predicted: &[u32], scores: &[f64]) -> usize {
    let called: Vec<f64> = predicted
        .iter()
        .zip(scores)
        .filter(|(&p, _)| p == 1)
        .map(|(_, &s)| s)
        .collect();
    if called.is_empty() {
        return 0;
    }
    let lowest = called.iter().copied().fold(f64::INFINITY, f64::min);
    if let Some(i) = steps.iter().position(|s| s.threshold == lowest) {
        if steps[i].tp + steps[i].fp == called.len() {
            return i + 1;
        }
    }
    steps.iter().take_while(|s| s.threshold > 0.5).count()
}

/// At most `max` (+1 for `keep`) of the indices `0..total`, evenly spread, the first and last
/// always among them, ascending.
fn spread(total: usize, max: usize, keep: usize) -> Vec<usize> {
    if total <= max || max < 2 {
        return (0..total).collect();
    }
    let mut kept: Vec<usize> = (0..max)
        .map(|j| (j * (total - 1) + (max - 1) / 2) / (max - 1))
        .collect();
    kept.push(keep.min(total - 1));
    kept.sort_unstable();
    kept.dedup();
    kept
}

/// Probabilities cut into `bins` equal-width bins over [0, 1] (1 goes into the last); per bin
/// holding rows, the mean probability, the share of positives and the count. Non-finite
/// probabilities are left out.
pub fn calibration(positive: &[bool], scores: &[f64], bins: usize) -> Vec<CalibrationBin> {
    let bins = bins.max(1);
    let mut sums = vec![(0.0, 0usize, 0usize); bins];
    for (&p, &s) in positive.iter().zip(scores) {
        if !s.is_finite() {
            continue;
        }
        let b = ((s * bins as f64).floor().max(0.0) as usize).min(bins - 1);
        sums[b].0 += s;
        sums[b].1 += usize::from(p);
        sums[b].2 += 1;
    }
    sums.iter()
        .enumerate()
        .filter(|(_, s)| s.2 > 0)
        .map(|(b, &(total, pos, count))| CalibrationBin {
            lo: b as f64 / bins as f64,
            hi: (b + 1) as f64 / bins as f64,
            mean_predicted: total / count as f64,
            observed: pos as f64 / count as f64,
            count,
        })
        .collect()
}

fn regression(oof: &OutOfFoldView, seed: u64) -> Option<RegressionView> {
    let (mut rows, mut actual, mut predicted) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (a, p)) in oof.actual.iter().zip(&oof.predicted).enumerate() {
        if let (Some(a), Some(p)) = (a.as_f64(), p.as_f64()) {
            rows.push(oof.rows.get(i).copied().unwrap_or(i));
            actual.push(a);
            predicted.push(p);
        }
    }
    if rows.is_empty() {
        return None;
    }
    let residuals: Vec<f64> = actual.iter().zip(&predicted).map(|(a, p)| a - p).collect();
    let mut drawn: Vec<usize> = (0..rows.len()).collect();
    if drawn.len() > MAX_REGRESSION_POINTS {
        Rng::new(seed ^ 0x0D1A_6A05).shuffle(&mut drawn);
        drawn.truncate(MAX_REGRESSION_POINTS);
        drawn.sort_unstable();
    }
    Some(RegressionView {
        rows: rows.len(),
        r2: metrics::r2(&actual, &predicted),
        rmse: metrics::rmse(&actual, &predicted),
        mae: metrics::mae(&actual, &predicted),
        points: drawn
            .into_iter()
            .map(|i| RegressionPoint {
                row: rows[i],
                actual: actual[i],
                predicted: predicted[i],
                residual: residuals[i],
            })
            .collect(),
        residual_histogram: histogram(&residuals, RESIDUAL_BINS),
    })
}

/// The smallest 1, 2 or 5 × a power of ten at least `raw` (> 0, finite), by multiplications
/// and divisions only, so that every platform finds the same one.
fn nice_step(raw: f64) -> f64 {
    let mut p = 1.0;
    while p > raw {
        p /= 10.0;
    }
    while p * 10.0 <= raw {
        p *= 10.0;
    }
    [1.0, 2.0, 5.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * p)
}

/// A histogram of the finite `values` in bins of a round width (1, 2 or 5 × a power of ten),
/// at most about `max_bins` of them, edges on multiples of the width; all values equal give one
/// bin of width 1 around them.
pub fn histogram(values: &[f64], max_bins: usize) -> Vec<HistogramBin> {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let Some(lo) = finite.iter().copied().reduce(f64::min) else {
        return Vec::new();
    };
    let hi = finite.iter().copied().fold(lo, f64::max);
    let raw = (hi - lo) / max_bins.max(1) as f64;
    if !(raw.is_finite() && raw > 0.0) {
        let (lo, hi) = if hi > lo {
            (lo, hi)
        } else {
            (lo - 0.5, hi + 0.5)
        };
        return vec![HistogramBin {
            lo,
            hi,
            count: finite.len(),
        }];
    }
    let step = nice_step(raw);
    let first = (lo / step).floor();
    let bins = (((hi / step).floor() - first) as usize + 1).min(max_bins + 2);
    let mut counts = vec![0usize; bins];
    for v in &finite {
        let b = ((v / step).floor() - first).max(0.0) as usize;
        counts[b.min(bins - 1)] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, count)| HistogramBin {
            lo: (first + i as f64) * step,
            hi: (first + (i + 1) as f64) * step,
            count,
        })
        .collect()
}

#[cfg(test)]
mod tests;
