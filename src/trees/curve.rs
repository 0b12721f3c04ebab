//! Boosting's learning curve: the loss after each round, on the rows it was fitted on and on
//! rows it never saw, recomputed from the fitted trees (the fit itself is not changed, so no
//! score moves): the trees of each round are added to every row's scores in boosting order.

use super::Ensemble;
use crate::math::{ln, sigmoid, softmax_in_place};
use crate::matrix::Matrix;
use serde::{Deserialize, Serialize};

/// The smallest probability a log loss takes (a certain mistake costs ln(1e15), not infinity).
const EPS: f64 = 1e-15;

/// The truth a curve's loss compares the scores with.
#[derive(Clone, Copy)]
pub enum Truth<'a> {
    /// Class codes (log loss).
    Classes(&'a [u32]),
    /// Numbers (squared error).
    Values(&'a [f64]),
}

/// Boosting's training and validation loss after each round, and the rounds the model keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoundCurve {
    /// Mean loss after each round on (a seeded subset of) the rows it was fitted on.
    pub train: Vec<f32>,
    /// Mean loss after each round on the split's validation rows.
    pub valid: Vec<f32>,
    /// Rounds the model keeps (all of them, or the best one's with early stopping).
    pub rounds: usize,
    /// The round (from 0) with the lowest validation loss.
    pub best: usize,
}

/// The mean loss of `x`'s rows against `truth` after each round of `e` (log loss for classes,
/// squared error for numbers). Empty when the sizes disagree.
pub(crate) fn round_losses(e: &Ensemble, x: &Matrix, truth: Truth<'_>) -> Vec<f32> {
    let k = e.n_outputs().max(1);
    let n = x.rows;
    let ok = match truth {
        Truth::Classes(y) => y.len() == n,
        Truth::Values(y) => y.len() == n,
    };
    if !ok || n == 0 || x.cols != e.n_features() {
        return Vec::new();
    }
    let scale = e.scale();
    let mut scores: Vec<f64> = (0..n).flat_map(|_| e.base().iter().copied()).collect();
    let mut sums = vec![0.0; n * k];
    let mut tmp = vec![0.0; k];
    let rounds = e.trees().len() / k;
    let mut out = Vec::with_capacity(rounds);
    for round in e.trees().chunks(k).take(rounds) {
        for (r, row) in x.data.chunks_exact(x.cols).enumerate() {
            for t in round {
                let (first, width) = t.outputs();
                let leaf = t.leaf(row);
                for (j, v) in t.leaf_values(leaf).iter().enumerate().take(width) {
                    if first + j < k {
                        sums[r * k + first + j] += v;
                    }
                }
            }
            for j in 0..k {
                scores[r * k + j] = e.base()[j] + scale * sums[r * k + j];
            }
        }
        let mut total = 0.0;
        for r in 0..n {
            let s = &scores[r * k..(r + 1) * k];
            total += match truth {
                Truth::Values(y) => (s[0] - y[r]) * (s[0] - y[r]),
                Truth::Classes(y) if k == 1 => {
                    let p = sigmoid(s[0]).clamp(EPS, 1.0 - EPS);
                    if y[r] == 1 {
                        -ln(p)
                    } else {
                        -ln(1.0 - p)
                    }
                }
                Truth::Classes(y) => {
                    tmp.copy_from_slice(s);
                    softmax_in_place(&mut tmp);
                    -ln(tmp.get(y[r] as usize).copied().unwrap_or(0.0).max(EPS))
                }
            };
        }
        out.push((total / n as f64) as f32);
    }
    out
}

/// The curve of `e` from its losses on training and validation rows.
pub(crate) fn round_curve(
    e: &Ensemble,
    rounds: usize,
    train: (&Matrix, Truth<'_>),
    valid: (&Matrix, Truth<'_>),
) -> Option<RoundCurve> {
    let valid = round_losses(e, valid.0, valid.1);
    if valid.is_empty() {
        return None;
    }
    let best = valid
        .iter()
        .enumerate()
        .fold(
            (0, f32::INFINITY),
            |b, (i, &v)| if v < b.1 { (i, v) } else { b },
        )
        .0;
    Some(RoundCurve {
        train: round_losses(e, train.0, train.1),
        valid,
        rounds,
        best,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trees::{GbmParams, GbmRegressor};

    #[test]
    fn the_curve_adds_one_round_at_a_time_and_its_last_point_is_the_models_loss() {
        let x = Matrix {
            rows: 6,
            cols: 1,
            data: vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
        };
        let y = [0.0, 0.0, 0.0, 10.0, 10.0, 10.0];
        let params = GbmParams {
            n_rounds: 3,
            learning_rate: 0.5,
            min_samples_leaf: 1,
            lambda: 0.0,
            ..GbmParams::default()
        };
        let m = GbmRegressor::fit(&x, &y, &params, 1).unwrap();
        let losses = round_losses(m.ensemble(), &x, Truth::Values(&y));
        // base 5, then half the way to each side per round: errors 2.5, 1.25, 0.625
        assert_eq!(losses, vec![6.25, 1.5625, 0.390625]);
        let p = m.predict(&x).unwrap();
        let mse: f64 = p
            .iter()
            .zip(&y)
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
            / 6.0;
        assert_eq!(losses[2] as f64, mse);
        let c = round_curve(
            m.ensemble(),
            3,
            (&x, Truth::Values(&y)),
            (&x, Truth::Values(&y)),
        );
        assert_eq!(c.unwrap().best, 2);
    }
}
