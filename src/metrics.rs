//! Scores of predictions against the truth: accuracy, balanced accuracy, macro F1, ROC AUC
//! (binary, or one-vs-rest macro) and log loss for classes; R², RMSE and MAE for numbers.
//! [`Metric::score`] makes every metric "higher is better" (losses and errors are negated) so
//! the search can compare any of them; [`Metric::value`] gives the number people read.

use crate::truth::TargetRef;
use serde::{Deserialize, Serialize};

/// A way to score predictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Share of correct labels. The default for classification.
    Accuracy,
    /// Mean recall over classes: every class counts the same.
    BalancedAccuracy,
    /// Mean F1 over classes.
    F1Macro,
    /// Area under the ROC curve (binary), or its one-vs-rest mean over classes.
    RocAuc,
    /// Mean negative log-likelihood of the true class (probabilities clipped to [1e-15, 1)).
    LogLoss,
    /// Coefficient of determination. The default for regression.
    R2,
    /// Root mean squared error.
    Rmse,
    /// Mean absolute error.
    Mae,
}

/// What a model predicted for some rows.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicted<'a> {
    /// Class probabilities, `rows × n_classes` row-major (hard predictions are one-hot rows).
    Classes {
        /// Probabilities.
        proba: &'a [f64],
        /// Classes.
        n_classes: usize,
    },
    /// Values.
    Values(&'a [f64]),
}

impl Metric {
    /// Every metric.
    pub const ALL: [Metric; 8] = [
        Metric::Accuracy,
        Metric::BalancedAccuracy,
        Metric::F1Macro,
        Metric::RocAuc,
        Metric::LogLoss,
        Metric::R2,
        Metric::Rmse,
        Metric::Mae,
    ];

    /// The name used in settings and files.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Accuracy => "accuracy",
            Metric::BalancedAccuracy => "balanced_accuracy",
            Metric::F1Macro => "f1_macro",
            Metric::RocAuc => "roc_auc",
            Metric::LogLoss => "log_loss",
            Metric::R2 => "r2",
            Metric::Rmse => "rmse",
            Metric::Mae => "mae",
        }
    }

    /// The name for people.
    pub fn label(self) -> &'static str {
        match self {
            Metric::Accuracy => "accuracy",
            Metric::BalancedAccuracy => "balanced accuracy",
            Metric::F1Macro => "macro F1",
            Metric::RocAuc => "ROC AUC",
            Metric::LogLoss => "log loss",
            Metric::R2 => "R²",
            Metric::Rmse => "RMSE",
            Metric::Mae => "MAE",
        }
    }

    /// What the metric measures, in a sentence or two for people (its direction is
    /// [`Metric::higher_is_better`]).
    pub fn description(self) -> &'static str {
        match self {
            Metric::Accuracy => "Accuracy is the share of rows whose category is predicted correctly (1.000 = every row right).",
            Metric::BalancedAccuracy => "Balanced accuracy is the mean, over the categories, of the share of each category's rows predicted correctly, so a rare category counts as much as a common one (1.000 = every row right).",
            Metric::F1Macro => "Macro F1 is the mean, over the categories, of F1: the harmonic mean of precision (rows predicted as the category that are it) and recall (rows of the category found). 1.000 = every row right.",
            Metric::RocAuc => "ROC AUC is the chance that the model scores a row of a category above a row of another (one category against the rest, averaged, for more than two): 1.000 is a perfect ranking, 0.5 is chance.",
            Metric::LogLoss => "Log loss is the mean of −ln(the probability the model gave the right category): 0 is perfect, and a confident mistake costs much.",
            Metric::R2 => "R² says how much of the variation in the column the model explains: 1.000 is perfect, 0 is no better than always guessing the average, and it can go below 0.",
            Metric::Rmse => "RMSE is the square root of the mean squared error, in the column's own units (0 is perfect); large errors weigh more than small ones.",
            Metric::Mae => "MAE is the mean absolute error, in the column's own units (0 is perfect).",
        }
    }

    /// Parses a metric name.
    pub fn parse(text: &str) -> Option<Metric> {
        Metric::ALL
            .into_iter()
            .find(|m| m.name() == text.trim().to_ascii_lowercase())
    }

    /// Whether it scores classes (else values).
    pub fn for_classification(self) -> bool {
        !matches!(self, Metric::R2 | Metric::Rmse | Metric::Mae)
    }

    /// Whether larger values are better.
    pub fn higher_is_better(self) -> bool {
        !matches!(self, Metric::LogLoss | Metric::Rmse | Metric::Mae)
    }

    /// The metric's value as people read it. NaN when the kinds do not match.
    pub fn value(self, truth: TargetRef<'_>, predicted: &Predicted<'_>) -> f64 {
        match (truth, predicted) {
            (TargetRef::Classes { y, .. }, Predicted::Classes { proba, n_classes }) => {
                let k = *n_classes;
                if y.is_empty() || k == 0 || proba.len() != y.len() * k {
                    return f64::NAN;
                }
                let pred: Vec<u32> = crate::math::argmax_rows(proba, k);
                match self {
                    Metric::Accuracy => accuracy(y, &pred),
                    Metric::BalancedAccuracy => balanced_accuracy(y, &pred, k),
                    Metric::F1Macro => f1_macro(y, &pred, k),
                    Metric::RocAuc => roc_auc(y, proba, k),
                    Metric::LogLoss => log_loss(y, proba, k),
                    _ => f64::NAN,
                }
            }
            (TargetRef::Values(y), Predicted::Values(p)) => match self {
                Metric::R2 => r2(y, p),
                Metric::Rmse => rmse(y, p),
                Metric::Mae => mae(y, p),
                _ => f64::NAN,
            },
            _ => f64::NAN,
        }
    }

    /// The value turned so that higher is always better (losses and errors negated).
    pub fn score(self, truth: TargetRef<'_>, predicted: &Predicted<'_>) -> f64 {
        let v = self.value(truth, predicted);
        if self.higher_is_better() {
            v
        } else {
            -v
        }
    }

    /// Turns a score back into the value people read.
    pub fn value_of_score(self, score: f64) -> f64 {
        if self.higher_is_better() {
            score
        } else {
            -score
        }
    }
}

/// Share of positions where `pred` equals `truth`.
pub fn accuracy(truth: &[u32], pred: &[u32]) -> f64 {
    if truth.is_empty() {
        return 0.0;
    }
    truth.iter().zip(pred).filter(|(a, b)| a == b).count() as f64 / truth.len() as f64
}

fn confusion(truth: &[u32], pred: &[u32], k: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    // true positives, actual counts, predicted counts per class
    let (mut tp, mut actual, mut predicted) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
    for (&t, &p) in truth.iter().zip(pred) {
        actual[t as usize] += 1.0;
        predicted[p as usize] += 1.0;
        if t == p {
            tp[t as usize] += 1.0;
        }
    }
    (tp, actual, predicted)
}

/// `counts[actual][predicted]` of class codes below `k` (a code out of range is skipped).
pub fn confusion_matrix(truth: &[u32], pred: &[u32], k: usize) -> Vec<Vec<usize>> {
    let mut counts = vec![vec![0; k]; k];
    for (&t, &p) in truth.iter().zip(pred) {
        if (t as usize) < k && (p as usize) < k {
            counts[t as usize][p as usize] += 1;
        }
    }
    counts
}

/// One class's scores, from a confusion matrix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassScores {
    /// Of the rows predicted as the class, the share that are.
    pub precision: f64,
    /// Of the rows that are the class, the share predicted as it.
    pub recall: f64,
    /// 2·TP / (rows that are it + rows predicted as it): the harmonic mean of the two, in the
    /// form [`f1_macro`] computes it.
    pub f1: f64,
    /// Rows that are the class.
    pub support: usize,
    /// Rows predicted as the class.
    pub predicted: usize,
}

/// Per class of `counts[actual][predicted]`: precision, recall and F1; a ratio with nothing
/// to divide is 0 (scikit-learn's `zero_division=0`).
pub fn class_scores(counts: &[Vec<usize>]) -> Vec<ClassScores> {
    let ratio = |a: usize, b: usize| if b > 0 { a as f64 / b as f64 } else { 0.0 };
    (0..counts.len())
        .map(|c| {
            let tp = counts[c].get(c).copied().unwrap_or(0);
            let support: usize = counts[c].iter().sum();
            let predicted: usize = counts
                .iter()
                .map(|row| row.get(c).copied().unwrap_or(0))
                .sum();
            ClassScores {
                precision: ratio(tp, predicted),
                recall: ratio(tp, support),
                f1: if support + predicted > 0 {
                    2.0 * tp as f64 / (support + predicted) as f64
                } else {
                    0.0
                },
                support,
                predicted,
            }
        })
        .collect()
}

/// Mean recall over the classes present in `truth`.
pub fn balanced_accuracy(truth: &[u32], pred: &[u32], k: usize) -> f64 {
    let (tp, actual, _) = confusion(truth, pred, k);
    let present: Vec<usize> = (0..k).filter(|&c| actual[c] > 0.0).collect();
    present.iter().map(|&c| tp[c] / actual[c]).sum::<f64>() / present.len().max(1) as f64
}

/// Mean F1 over the classes present in `truth` or `pred`.
pub fn f1_macro(truth: &[u32], pred: &[u32], k: usize) -> f64 {
    let (tp, actual, predicted) = confusion(truth, pred, k);
    let present: Vec<usize> = (0..k)
        .filter(|&c| actual[c] > 0.0 || predicted[c] > 0.0)
        .collect();
    present
        .iter()
        .map(|&c| 2.0 * tp[c] / (actual[c] + predicted[c]))
        .sum::<f64>()
        / present.len().max(1) as f64
}

/// One step of a threshold sweep: the rows scored at least `threshold` are called positive,
/// `tp` of them truly positive and `fp` not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepStep {
    /// The score taken as the threshold (one of the scores).
    pub threshold: f64,
    /// Positives scored at least `threshold`.
    pub tp: usize,
    /// Negatives scored at least `threshold`.
    pub fp: usize,
}

/// Every distinct score taken as the threshold, highest first: the true and false positives
/// among the rows scored at least that high (tied rows move together, as scikit-learn's
/// `roc_curve` and `precision_recall_curve` count them). The last step calls every row positive.
/// Scores are ordered by `f64::total_cmp`; a NaN score is its own step.
pub fn threshold_sweep(positive: &[bool], scores: &[f64]) -> Vec<SweepStep> {
    let n = positive.len().min(scores.len());
    let mut order: Vec<usize> = (0..n).collect();
    crate::sort::sort_by(&mut order, |&a, &b| scores[a].total_cmp(&scores[b]));
    let mut steps = Vec::new();
    let (mut tp, mut fp) = (0, 0);
    // from the highest score down; a run of equal scores is one step
    let mut i = n;
    while i > 0 {
        let top = scores[order[i - 1]];
        loop {
            i -= 1;
            if positive[order[i]] {
                tp += 1;
            } else {
                fp += 1;
            }
            if i == 0 || scores[order[i - 1]] != top {
                break;
            }
        }
        steps.push(SweepStep {
            threshold: top,
            tp,
            fp,
        });
    }
    steps
}

/// The area under the ROC curve of a sweep from (0, 0) through every step, by trapezoids
/// (ties count half): exact in counts, then one division. NaN when a class is absent.
pub fn roc_area(steps: &[SweepStep], n_pos: usize, n_neg: usize) -> f64 {
    if n_pos == 0 || n_neg == 0 {
        return f64::NAN;
    }
    // twice the number of (positive, negative) pairs ranked right, ties counted half
    let mut twice: u128 = 0;
    let (mut tp, mut fp) = (0u128, 0u128);
    for s in steps {
        let (t, f) = (s.tp as u128, s.fp as u128);
        twice += (f - fp) * (t + tp);
        (tp, fp) = (t, f);
    }
    (twice as f64 / 2.0) / (n_pos as f64 * n_neg as f64)
}

/// Average precision of a sweep: Σ (Rₖ − Rₖ₋₁) Pₖ over its steps, from recall 0 (scikit-learn's
/// definition, no interpolation). NaN when there is no positive.
pub fn average_precision(steps: &[SweepStep], n_pos: usize) -> f64 {
    if n_pos == 0 {
        return f64::NAN;
    }
    let p = n_pos as f64;
    let mut ap = 0.0;
    let mut previous = 0.0;
    for s in steps {
        let recall = s.tp as f64 / p;
        let precision = s.tp as f64 / (s.tp + s.fp).max(1) as f64;
        ap += (recall - previous) * precision;
        previous = recall;
    }
    ap
}

/// Area under the ROC curve of `scores` for `positive` labels (ties count half): the area of
/// [`threshold_sweep`] by [`roc_area`].
pub fn binary_auc(positive: &[bool], scores: &[f64]) -> f64 {
    let n_pos = positive.iter().filter(|&&p| p).count();
    let n_neg = positive.len() - n_pos;
    roc_area(&threshold_sweep(positive, scores), n_pos, n_neg)
}

/// Binary AUC of class 1, or the one-vs-rest mean over classes present.
pub fn roc_auc(truth: &[u32], proba: &[f64], k: usize) -> f64 {
    let class_auc = |c: usize| {
        let positive: Vec<bool> = truth.iter().map(|&t| t as usize == c).collect();
        let scores: Vec<f64> = proba.chunks_exact(k).map(|row| row[c]).collect();
        binary_auc(&positive, &scores)
    };
    if k == 2 {
        return class_auc(1);
    }
    let aucs: Vec<f64> = (0..k).map(class_auc).filter(|a| a.is_finite()).collect();
    aucs.iter().sum::<f64>() / aucs.len().max(1) as f64
}

/// Mean negative log-probability of the true class, probabilities clipped to [1e-15, 1 - 1e-15].
pub fn log_loss(truth: &[u32], proba: &[f64], k: usize) -> f64 {
    let total: f64 = truth
        .iter()
        .zip(proba.chunks_exact(k))
        .map(|(&t, row)| -crate::math::ln(row[t as usize].clamp(1e-15, 1.0 - 1e-15)))
        .sum();
    total / truth.len().max(1) as f64
}

/// 1 - SS_res / SS_tot; 1 for exact predictions of a constant truth, else 0 there.
pub fn r2(truth: &[f64], pred: &[f64]) -> f64 {
    let n = truth.len() as f64;
    if truth.is_empty() {
        return 0.0;
    }
    let mean = truth.iter().sum::<f64>() / n;
    let ss_tot: f64 = truth.iter().map(|t| (t - mean).powi(2)).sum();
    let ss_res: f64 = truth.iter().zip(pred).map(|(t, p)| (t - p).powi(2)).sum();
    if ss_tot == 0.0 {
        return if ss_res == 0.0 { 1.0 } else { 0.0 };
    }
    1.0 - ss_res / ss_tot
}

/// Root mean squared error (0 without rows).
pub fn rmse(truth: &[f64], pred: &[f64]) -> f64 {
    (truth
        .iter()
        .zip(pred)
        .map(|(a, b)| (a - b).powi(2))
        .sum::<f64>()
        / truth.len().max(1) as f64)
        .sqrt()
}

/// Mean absolute error (0 without rows).
pub fn mae(truth: &[f64], pred: &[f64]) -> f64 {
    truth
        .iter()
        .zip(pred)
        .map(|(a, b)| (a - b).abs())
        .sum::<f64>()
        / truth.len().max(1) as f64
}

/// Mean and population standard deviation.
pub fn mean_std(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_values() {
        assert_eq!(accuracy(&[0, 1, 1, 2], &[0, 1, 2, 2]), 0.75);
        assert_eq!(r2(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]), 1.0);
        assert_eq!(r2(&[1.0, 2.0, 3.0], &[2.0, 2.0, 2.0]), 0.0);
        assert_eq!(mean_std(&[1.0, 3.0]), (2.0, 1.0));
        // class 0: 3 rows, 2 right; class 1: 1 row, right → (2/3 + 1) / 2
        assert!((balanced_accuracy(&[0, 0, 0, 1], &[0, 0, 1, 1], 2) - 5.0 / 6.0).abs() < 1e-12);
        // F1: class 0 = 2·2/(3+2) = 0.8, class 1 = 2·1/(1+2) = 2/3
        assert!(
            (f1_macro(&[0, 0, 0, 1], &[0, 0, 1, 1], 2) - (0.8 + 2.0 / 3.0) / 2.0).abs() < 1e-12
        );
    }

    #[test]
    fn auc_matches_hand_counts() {
        // pairs (pos, neg): (0.8,0.1) ok, (0.8,0.4) ok, (0.35,0.1) ok, (0.35,0.4) wrong → 3/4
        assert_eq!(
            binary_auc(&[false, false, true, true], &[0.1, 0.4, 0.35, 0.8]),
            0.75
        );
        // ties count half
        assert_eq!(binary_auc(&[false, true], &[0.5, 0.5]), 0.5);
        let proba = [0.9, 0.1, 0.2, 0.8, 0.6, 0.4];
        assert_eq!(roc_auc(&[0, 1, 1], &proba, 2), 1.0);
    }

    /// The area by ranks (the Mann-Whitney U), as `binary_auc` computed it before the sweep.
    fn auc_by_ranks(positive: &[bool], scores: &[f64]) -> f64 {
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
        let n_pos = positive.iter().filter(|&&p| p).count() as f64;
        let n_neg = positive.len() as f64 - n_pos;
        let mut rank_sum = 0.0;
        let mut i = 0;
        while i < order.len() {
            let mut j = i;
            while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
                j += 1;
            }
            let avg_rank = (i + j) as f64 / 2.0 + 1.0;
            for &o in &order[i..=j] {
                if positive[o] {
                    rank_sum += avg_rank;
                }
            }
            i = j + 1;
        }
        (rank_sum - n_pos * (n_pos + 1.0) / 2.0) / (n_pos * n_neg)
    }

    #[test]
    fn one_sweep_gives_the_roc_and_pr_curves() {
        // scores high to low: P, N, P, N → (fp, tp) (0,1) (1,1) (1,2) (2,2)
        let positive = [true, false, true, false];
        let steps = threshold_sweep(&positive, &[0.9, 0.8, 0.7, 0.1]);
        let counts: Vec<(f64, usize, usize)> =
            steps.iter().map(|s| (s.threshold, s.tp, s.fp)).collect();
        assert_eq!(counts, [(0.9, 1, 0), (0.8, 1, 1), (0.7, 2, 1), (0.1, 2, 2)]);
        // ROC (0,0) (0,.5) (.5,.5) (.5,1) (1,1): area .25 + .5
        assert_eq!(roc_area(&steps, 2, 2), 0.75);
        // (R, P) = (.5, 1) (.5, .5) (1, 2/3) (1, .5): AP = .5·1 + .5·2/3
        assert_eq!(average_precision(&steps, 2), 0.5 + 0.5 * (2.0 / 3.0));
        // a perfect ranking; a tie between a positive and a negative moves together
        assert_eq!(binary_auc(&[true, true, false], &[0.9, 0.8, 0.1]), 1.0);
        let tie = threshold_sweep(&[true, false], &[0.5, 0.5]);
        assert_eq!(
            tie,
            [SweepStep {
                threshold: 0.5,
                tp: 1,
                fp: 1
            }]
        );
        assert!(roc_area(&threshold_sweep(&[true, true], &[0.1, 0.2]), 2, 0).is_nan());
        assert!(average_precision(&[], 0).is_nan());
    }

    #[test]
    fn the_sweep_area_is_the_rank_area_to_the_bit() {
        // many ties, a NaN and signed zeros: the two ways of counting give the same bits
        let mut rng = crate::rng::Rng::new(11);
        for case in 0..200 {
            let n = 1 + case % 37;
            let levels = 1 + case % 9;
            let mut scores: Vec<f64> = (0..n)
                .map(|_| (rng.next_u64() % levels as u64) as f64 / levels as f64)
                .collect();
            if case % 10 == 3 {
                scores[0] = f64::NAN;
            }
            if case % 10 == 4 {
                scores[0] = -0.0;
            }
            let positive: Vec<bool> = (0..n).map(|_| rng.next_u64().is_multiple_of(3)).collect();
            let (a, b) = (
                binary_auc(&positive, &scores),
                auc_by_ranks(&positive, &scores),
            );
            assert!(
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                "case {case}: {a} vs {b}"
            );
        }
    }

    #[test]
    fn per_class_scores_from_a_confusion_matrix() {
        // rows are the actual class, columns the predicted one; the unknown code 7 is skipped
        let counts = confusion_matrix(&[0, 0, 1, 2, 2, 2, 7], &[0, 1, 1, 2, 0, 2, 0], 3);
        assert_eq!(counts, [[1, 1, 0], [0, 1, 0], [1, 0, 2]]);
        let s = class_scores(&counts);
        // a: 1 of 2 predicted-a right, 1 of 2 a found; b: 1 of 2, 1 of 1; c: 2 of 2, 2 of 3
        let pr: Vec<(f64, f64, usize)> = s
            .iter()
            .map(|c| (c.precision, c.recall, c.support))
            .collect();
        assert_eq!(pr, [(0.5, 0.5, 2), (0.5, 1.0, 1), (1.0, 2.0 / 3.0, 3)]);
        let f1: Vec<f64> = s.iter().map(|c| c.f1).collect();
        assert_eq!(f1, [0.5, 2.0 / 3.0, 0.8]);
        // a class never predicted: precision 0, not NaN
        assert_eq!(class_scores(&[vec![1, 0], vec![1, 0]])[1].precision, 0.0);
        assert_eq!(
            rmse(&[3.0, 5.0, 7.0], &[2.0, 5.0, 9.0]),
            (5.0f64 / 3.0).sqrt()
        );
        assert_eq!(mae(&[3.0, 5.0, 7.0], &[2.0, 5.0, 9.0]), 1.0);
    }

    #[test]
    fn log_loss_and_the_score_sign() {
        let proba = [0.5, 0.5, 0.0, 1.0];
        let ll = log_loss(&[0, 1], &proba, 2);
        assert!((ll - (2f64.ln() + 1e-15) / 2.0).abs() < 1e-9, "{ll}");
        let p = Predicted::Classes {
            proba: &proba,
            n_classes: 2,
        };
        assert_eq!(
            Metric::LogLoss.score(
                TargetRef::Classes {
                    y: &[0, 1],
                    n_classes: 2
                },
                &p
            ),
            -Metric::LogLoss.value(
                TargetRef::Classes {
                    y: &[0, 1],
                    n_classes: 2
                },
                &p
            )
        );
        let v = Predicted::Values(&[1.0, 3.0]);
        assert_eq!(Metric::Mae.value(TargetRef::Values(&[2.0, 2.0]), &v), 1.0);
        assert_eq!(Metric::Rmse.value(TargetRef::Values(&[2.0, 2.0]), &v), 1.0);
        assert_eq!(
            Metric::parse("Balanced_Accuracy"),
            Some(Metric::BalancedAccuracy)
        );
    }
}
