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
                Metric::Rmse => (y.iter().zip(*p).map(|(a, b)| (a - b).powi(2)).sum::<f64>()
                    / y.len().max(1) as f64)
                    .sqrt(),
                Metric::Mae => {
                    y.iter().zip(*p).map(|(a, b)| (a - b).abs()).sum::<f64>()
                        / y.len().max(1) as f64
                }
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

/// Area under the ROC curve of `scores` for `positive` labels (ties count half).
pub fn binary_auc(positive: &[bool], scores: &[f64]) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let n_pos = positive.iter().filter(|&&p| p).count() as f64;
    let n_neg = positive.len() as f64 - n_pos;
    if n_pos == 0.0 || n_neg == 0.0 {
        return f64::NAN;
    }
    // sum of the ranks of the positives, with average ranks for ties
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
