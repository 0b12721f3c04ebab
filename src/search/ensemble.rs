//! Greedy ensemble selection with replacement (Caruana et al. 2004, as in auto-sklearn and
//! AutoGluon) over the candidates' out-of-fold predictions, and the fitted model a run ends
//! with: one model, or a weighted average of several.

use crate::error::{AutoMlError, Result};
use crate::matrix::Matrix;
use crate::message;
use crate::metrics::{Metric, Predicted};
use crate::models::{FittedModel, Prediction};
use crate::truth::{Target, TargetRef};
use serde::{Deserialize, Serialize};

/// Rounds of greedy selection.
pub const ROUNDS: usize = 25;

/// The metric's score (higher is better) of out-of-fold predictions `preds` (probabilities,
/// `rows × classes` row-major, or values) against `truth`, the target of the same rows.
pub fn split_score(metric: Metric, truth: &Target, preds: &[f64]) -> f64 {
    let truth = truth.view();
    let predicted = match truth {
        TargetRef::Classes { n_classes, .. } => Predicted::Classes {
            proba: preds,
            n_classes,
        },
        TargetRef::Values(_) => Predicted::Values(preds),
    };
    metric.score(truth, &predicted)
}

/// The chosen members (indices into the candidates) with their weights, and the ensemble's
/// score on each split.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// (candidate, weight), weights summing to 1, by candidate.
    pub weights: Vec<(usize, f64)>,
    /// Score per split (higher is better).
    pub split_scores: Vec<f64>,
}

/// The metric that breaks ties of `metric`: log loss for the metrics of hard labels
/// (accuracy, balanced accuracy, macro F1), whose values tie often on small validation
/// sets; none otherwise.
fn tie_breaker(metric: Metric) -> Option<Metric> {
    matches!(
        metric,
        Metric::Accuracy | Metric::BalancedAccuracy | Metric::F1Macro
    )
    .then_some(Metric::LogLoss)
}

/// Greedy selection with replacement: each round adds the candidate that most improves the
/// mean split score of the running average (among equals, the one with the better log loss,
/// for metrics of hard labels); the best round's ensemble is kept.
/// `candidates[c][s]` holds candidate `c`'s predictions on split `s`, whose target is
/// `truth[s]`.
pub fn select(
    candidates: &[&Vec<Vec<f64>>],
    truth: &[Target],
    metric: Metric,
) -> Option<Selection> {
    let n_splits = truth.len();
    if candidates.len() < 2 || candidates.iter().any(|c| c.len() != n_splits) {
        return None;
    }
    let mut sum: Vec<Vec<f64>> = candidates[0].iter().map(|p| vec![0.0; p.len()]).collect();
    let mut counts = vec![0usize; candidates.len()];
    let mut best: Option<(f64, Vec<usize>, Vec<f64>)> = None;
    let mut avg: Vec<f64> = Vec::new();
    let classes = truth.first().is_some_and(|t| t.view().is_classes());
    let second = tie_breaker(metric).filter(|_| classes);
    for round in 0..ROUNDS {
        let mut choice: Option<(f64, usize, Vec<f64>)> = None;
        let mut choice_second = f64::NEG_INFINITY;
        for (c, cand) in candidates.iter().enumerate() {
            let mut scores = Vec::with_capacity(n_splits);
            let mut tie = 0.0;
            for s in 0..n_splits {
                avg.clear();
                avg.extend(
                    sum[s]
                        .iter()
                        .zip(&cand[s])
                        .map(|(a, b)| (a + b) / (round + 1) as f64),
                );
                scores.push(split_score(metric, &truth[s], &avg));
                if let Some(m2) = second {
                    tie += split_score(m2, &truth[s], &avg);
                }
            }
            let mean = scores.iter().sum::<f64>() / n_splits as f64;
            let better = choice.as_ref().is_none_or(|(m, _, _)| {
                mean > *m || (mean == *m && second.is_some() && tie > choice_second)
            });
            if mean.is_finite() && better {
                choice = Some((mean, c, scores));
                choice_second = tie;
            }
        }
        let (mean, c, scores) = choice?;
        counts[c] += 1;
        for s in 0..n_splits {
            sum[s]
                .iter_mut()
                .zip(&candidates[c][s])
                .for_each(|(a, b)| *a += b);
        }
        if best.as_ref().is_none_or(|(m, _, _)| mean > *m) {
            best = Some((mean, counts.clone(), scores));
        }
    }
    let (_, counts, split_scores) = best?;
    let total: usize = counts.iter().sum();
    let weights: Vec<(usize, f64)> = counts
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .map(|(c, &n)| (c, n as f64 / total as f64))
        .collect();
    (weights.len() >= 2).then_some(Selection {
        weights,
        split_scores,
    })
}

/// The model a run ends with.
#[derive(Debug, Serialize, Deserialize)]
pub enum FinalModel {
    /// One fitted model.
    Single(FittedModel),
    /// A weighted average of fitted models' probabilities (or values).
    Ensemble(Vec<(f64, FittedModel)>),
}

impl FinalModel {
    /// Class probabilities (`None` for regression or a member without probabilities).
    pub fn predict_proba(&self, x: &Matrix) -> Result<Option<Matrix>> {
        match self {
            FinalModel::Single(m) => m.predict_proba(x),
            FinalModel::Ensemble(members) => {
                let mut total: Option<Matrix> = None;
                for (w, m) in members {
                    let Some(p) = m.predict_proba(x)? else {
                        return Ok(None);
                    };
                    match &mut total {
                        None => {
                            total = Some(Matrix {
                                rows: p.rows,
                                cols: p.cols,
                                data: p.data.iter().map(|v| w * v).collect(),
                            })
                        }
                        Some(t) => t
                            .data
                            .iter_mut()
                            .zip(&p.data)
                            .for_each(|(a, b)| *a += w * b),
                    }
                }
                Ok(total)
            }
        }
    }

    /// Predictions: the most probable class, or a value.
    pub fn predict(&self, x: &Matrix) -> Result<Prediction> {
        match self {
            FinalModel::Single(m) => m.predict(x),
            FinalModel::Ensemble(members) => {
                let first = members.first().ok_or_else(|| AutoMlError::Internal {
                    reason: message!("internal.ensemble_empty"),
                })?;
                if first.1.n_classes() > 0 {
                    let p = self
                        .predict_proba(x)?
                        .ok_or_else(|| AutoMlError::Internal {
                            reason: message!("internal.ensemble_no_probabilities"),
                        })?;
                    Ok(Prediction::Classes(crate::math::argmax_rows(
                        &p.data, p.cols,
                    )))
                } else {
                    let mut values = vec![0.0; x.rows];
                    for (w, m) in members {
                        let Prediction::Values(v) = m.predict(x)? else {
                            return Err(AutoMlError::Internal {
                                reason: message!("internal.ensemble_member_classes"),
                            });
                        };
                        values.iter_mut().zip(&v).for_each(|(a, b)| *a += w * b);
                    }
                    Ok(Prediction::Values(values))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_complementary_models_beat_either() {
        // truth 0,1,0,1; model A is right on rows 0-1 and unsure after; model B the reverse
        let truth = [Target::Values(vec![0.0, 1.0, 0.0, 1.0])];
        let a = vec![vec![0.0, 1.0, 0.5, 0.5]];
        let b = vec![vec![0.5, 0.5, 0.0, 1.0]];
        let bad = vec![vec![1.0, 0.0, 1.0, 0.0]];
        let sel = select(&[&a, &b, &bad], &truth, Metric::R2).unwrap();
        assert_eq!(sel.weights.iter().map(|w| w.0).collect::<Vec<_>>(), [0, 1]);
        let single = split_score(Metric::R2, &truth[0], &a[0]);
        assert!(
            sel.split_scores[0] > single,
            "{:?} vs {single}",
            sel.split_scores
        );
        assert!((sel.weights.iter().map(|w| w.1).sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn hard_label_metrics_break_ties_by_log_loss() {
        assert_eq!(tie_breaker(Metric::Accuracy), Some(Metric::LogLoss));
        assert_eq!(tie_breaker(Metric::F1Macro), Some(Metric::LogLoss));
        assert_eq!(tie_breaker(Metric::LogLoss), None);
        assert_eq!(tie_breaker(Metric::R2), None);
    }

    #[test]
    fn one_dominant_model_is_no_ensemble() {
        let truth = [Target::Classes {
            y: vec![0, 1],
            labels: vec!["a".into(), "b".into()],
        }];
        let good = vec![vec![1.0, 0.0, 0.0, 1.0]];
        let worse = vec![vec![0.4, 0.6, 0.6, 0.4]];
        assert_eq!(select(&[&good, &worse], &truth, Metric::LogLoss), None);
    }
}
