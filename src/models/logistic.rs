//! Logistic regression, written here: binary (sigmoid) or multinomial (softmax), L2 penalty,
//! per-row weights (for class weighting), fitted by L-BFGS. smartcore's version returns no
//! probabilities and takes no weights, and was slow on one-hot data.

use super::family::{FitInput, ModelFamily, Predictor};
use super::optim::{dot, lbfgs, Stop};
use super::space::{class_weight, float, ParamDef};
use super::{class_weights, classes_of, ClassWeight, Inner};
use crate::error::{AutoMlError, Result};
use crate::math::{exp, ln, ln_1p, sigmoid, softmax_in_place};
use crate::matrix::Matrix;
use serde::{Deserialize, Serialize};

/// Logistic regression (classification), L2 penalty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticRegression {
    /// Inverse penalty strength (scikit-learn's `C`). Default 1.
    pub c: f64,
    /// Class weighting. Default none.
    #[serde(default)]
    pub class_weight: ClassWeight,
}

impl ModelFamily for LogisticRegression {
    const NAME: &'static str = "logistic_regression";
    const LABEL: &'static str = "Logistic regression";

    fn supports(classification: bool) -> bool {
        classification
    }

    fn space(classification: bool) -> Vec<ParamDef> {
        let mut defs = vec![float(
            "c",
            1e-3,
            1e3,
            true,
            1.0,
            1.0,
            "Inverse L2 penalty strength; larger fits the training rows more closely.",
        )];
        if classification {
            defs.push(class_weight());
        }
        defs
    }

    /// L-BFGS: up to 300 iterations of a pass over rows × inputs, often a hundred.
    fn cost_units(&self, rows: usize, cols: usize) -> f64 {
        let (n, p) = (rows.max(1) as f64, cols.max(1) as f64);
        300.0 * n * p
    }

    /// Multinomial: one weight vector per class.
    fn class_factor(&self, n_classes: usize) -> f64 {
        n_classes as f64
    }

    fn fit(&self, input: &FitInput<'_>) -> Result<Inner> {
        let (y, n_classes) = classes_of(Self::NAME, input.y)?;
        let weights = class_weights(y, n_classes, self.class_weight);
        let (m, stop) = fit(input.x, y, n_classes, &weights, self.c, 300);
        if stop == Stop::NotFinite {
            return Err(AutoMlError::Model {
                family: Self::NAME.into(),
                detail: "the fit diverged (non-finite loss)".into(),
            });
        }
        Ok(m.into())
    }
}

impl Predictor for LinearClassifier {
    fn proba(&self, x: &Matrix, _n_classes: usize) -> Result<Vec<f64>> {
        Ok(self.predict_proba(x))
    }

    fn fits(&self, n_features: usize, n_classes: usize) -> bool {
        LinearClassifier::fits(self, n_features, n_classes)
    }
}

/// A fitted linear classifier: `coef` is `groups × cols`, row-major.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearClassifier {
    /// Classes.
    pub n_classes: usize,
    /// Inputs.
    pub cols: usize,
    /// One row of weights per group (1 group for two classes, else one per class).
    pub coef: Vec<f64>,
    /// One intercept per group.
    pub intercept: Vec<f64>,
}

impl LinearClassifier {
    /// Whether the parts fit `n_features` inputs and `n_classes` classes (a loaded model).
    pub(crate) fn fits(&self, n_features: usize, n_classes: usize) -> bool {
        let g = if n_classes == 2 { 1 } else { n_classes };
        self.n_classes == n_classes
            && self.cols == n_features
            && self.intercept.len() == g
            && self.coef.len() == g * self.cols
    }

    fn groups(&self) -> usize {
        self.intercept.len()
    }

    /// Class probabilities, `rows × n_classes`, row-major.
    pub fn predict_proba(&self, x: &Matrix) -> Vec<f64> {
        let k = self.n_classes;
        let g = self.groups();
        let mut out = vec![0.0; x.rows * k];
        let mut z = vec![0.0; g];
        for r in 0..x.rows {
            let row = x.row(r);
            for (j, zj) in z.iter_mut().enumerate() {
                *zj = dot(&self.coef[j * self.cols..(j + 1) * self.cols], row) + self.intercept[j];
            }
            let p = &mut out[r * k..(r + 1) * k];
            if g == 1 {
                p[1] = sigmoid(z[0]);
                p[0] = 1.0 - p[1];
            } else {
                p.copy_from_slice(&z);
                softmax_in_place(p);
            }
        }
        out
    }
}

/// Fits by minimizing the weighted mean log loss plus `‖W‖² / (2 C n)` (the intercepts are not
/// penalized), the same objective as scikit-learn's `C`, divided by `n`.
pub fn fit(
    x: &Matrix,
    y: &[u32],
    n_classes: usize,
    weights: &[f64],
    c: f64,
    max_iter: usize,
) -> (LinearClassifier, Stop) {
    let p = x.cols;
    let groups = if n_classes == 2 { 1 } else { n_classes };
    let width = p + 1;
    let w_sum: f64 = weights.iter().sum::<f64>().max(1e-12);
    let l2 = 1.0 / (2.0 * c * x.rows.max(1) as f64);
    let mut params = vec![0.0; groups * width];
    let mut z = vec![0.0; groups];
    let stop = lbfgs(&mut params, max_iter, 1e-6, |w, grad| {
        grad.iter_mut().for_each(|v| *v = 0.0);
        let mut loss = 0.0;
        for r in 0..x.rows {
            let row = x.row(r);
            let wi = weights[r] / w_sum;
            if wi == 0.0 {
                continue;
            }
            for (j, zj) in z.iter_mut().enumerate() {
                *zj = dot(&w[j * width..j * width + p], row) + w[j * width + p];
            }
            let yi = y[r] as usize;
            if groups == 1 {
                let t = if yi == 1 { 1.0 } else { 0.0 };
                let s = sigmoid(z[0]);
                // log(1 + e^-z) for y=1, log(1 + e^z) for y=0, computed stably
                let m = if t == 1.0 { -z[0] } else { z[0] };
                loss += wi * (m.max(0.0) + ln_1p(exp(-m.abs())));
                let d = wi * (s - t);
                for (gc, xc) in grad[..p].iter_mut().zip(row) {
                    *gc += d * xc;
                }
                grad[p] += d;
            } else {
                let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let lse = max + ln(z.iter().map(|v| exp(v - max)).sum::<f64>());
                loss += wi * (lse - z[yi]);
                for j in 0..groups {
                    let pj = exp(z[j] - lse);
                    let d = wi * (pj - if j == yi { 1.0 } else { 0.0 });
                    let gj = &mut grad[j * width..(j + 1) * width];
                    for (gc, xc) in gj[..p].iter_mut().zip(row) {
                        *gc += d * xc;
                    }
                    gj[p] += d;
                }
            }
        }
        for j in 0..groups {
            for c in 0..p {
                let v = w[j * width + c];
                loss += l2 * v * v;
                grad[j * width + c] += 2.0 * l2 * v;
            }
        }
        loss
    });
    let mut coef = Vec::with_capacity(groups * p);
    let mut intercept = Vec::with_capacity(groups);
    for j in 0..groups {
        coef.extend_from_slice(&params[j * width..j * width + p]);
        intercept.push(params[j * width + p]);
    }
    (
        LinearClassifier {
            n_classes,
            cols: p,
            coef,
            intercept,
        },
        stop,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_two_classes_and_probabilities_sum_to_one() {
        let x = Matrix {
            rows: 6,
            cols: 1,
            data: vec![-3.0, -2.0, -1.0, 1.0, 2.0, 3.0],
        };
        let y = [0, 0, 0, 1, 1, 1];
        let (m, _) = fit(&x, &y, 2, &[1.0; 6], 1.0, 200);
        let p = m.predict_proba(&x);
        for r in 0..6 {
            assert!((p[2 * r] + p[2 * r + 1] - 1.0).abs() < 1e-12);
            assert_eq!(p[2 * r + 1] > 0.5, y[r] == 1);
        }
        // symmetric data: the intercept is (nearly) zero
        assert!(m.intercept[0].abs() < 1e-6, "{:?}", m.intercept);
    }

    #[test]
    fn stronger_penalty_shrinks_weights() {
        let x = Matrix {
            rows: 4,
            cols: 1,
            data: vec![-2.0, -1.0, 1.0, 2.0],
        };
        let y = [0, 0, 1, 1];
        let (loose, _) = fit(&x, &y, 2, &[1.0; 4], 10.0, 200);
        let (tight, _) = fit(&x, &y, 2, &[1.0; 4], 0.01, 200);
        assert!(tight.coef[0].abs() < loose.coef[0].abs());
    }

    #[test]
    fn multinomial_three_classes() {
        let x = Matrix {
            rows: 6,
            cols: 2,
            data: vec![0.0, 0.0, 0.1, 0.0, 5.0, 0.0, 5.1, 0.0, 0.0, 5.0, 0.0, 5.1],
        };
        let y = [0, 0, 1, 1, 2, 2];
        let (m, _) = fit(&x, &y, 3, &[1.0; 6], 10.0, 300);
        let p = m.predict_proba(&x);
        for r in 0..6 {
            let row = &p[3 * r..3 * r + 3];
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            let best = (0..3).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap();
            assert_eq!(best as u32, y[r]);
        }
    }
}
