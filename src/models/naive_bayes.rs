//! Naive Bayes, written here so that it gives probabilities, takes class weights through its
//! priors, and never divides by a zero variance: Gaussian on the inputs as they are, and
//! categorical on inputs cut into quantile bins learned from the training rows.

use super::family::{FitInput, ModelFamily, Predictor};
use super::space::{class_weight, float, int, ParamDef};
use super::{class_weights, classes_of, ClassWeight, Inner};
use crate::error::Result;
use crate::math::{ln, softmax_in_place};
use crate::matrix::Matrix;
use serde::{Deserialize, Serialize};

/// Gaussian naive Bayes (classification).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GaussianNb {
    /// Variance smoothing. Default 1e-9.
    pub var_smoothing: f64,
    /// Class weighting (balanced = equal priors). Default none.
    #[serde(default)]
    pub class_weight: ClassWeight,
}

impl ModelFamily for GaussianNb {
    const NAME: &'static str = "gaussian_nb";
    const LABEL: &'static str = "Gaussian naive Bayes";

    fn supports(classification: bool) -> bool {
        classification
    }

    fn space(classification: bool) -> Vec<ParamDef> {
        let mut defs = vec![float(
            "var_smoothing",
            1e-12,
            1e-1,
            true,
            1e-9,
            1e-9,
            "Share of the largest variance added to every variance.",
        )];
        if classification {
            defs.push(class_weight());
        }
        defs
    }

    fn cost_units(&self, rows: usize, cols: usize) -> f64 {
        nb_cost_units(rows, cols)
    }

    fn class_factor(&self, n_classes: usize) -> f64 {
        nb_class_factor(n_classes)
    }

    fn fit(&self, input: &FitInput<'_>) -> Result<Inner> {
        let (y, n_classes) = classes_of(Self::NAME, input.y)?;
        let weights = class_weights(y, n_classes, self.class_weight);
        Ok(GaussianNbModel::fit(input.x, y, n_classes, &weights, self.var_smoothing).into())
    }
}

/// Cost units of either naive Bayes: a few passes over the inputs.
fn nb_cost_units(rows: usize, cols: usize) -> f64 {
    let (n, p) = (rows.max(1) as f64, cols.max(1) as f64);
    3.0 * n * p
}

/// Either naive Bayes's per-class cost factor: one set of statistics per class.
fn nb_class_factor(n_classes: usize) -> f64 {
    1.0 + n_classes as f64 / 4.0
}

/// Categorical naive Bayes on quantile bins (classification).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoricalNb {
    /// Bins per input. Default 8.
    pub n_bins: usize,
    /// Smoothing. Default 1.
    pub alpha: f64,
    /// Class weighting. Default none.
    #[serde(default)]
    pub class_weight: ClassWeight,
}

impl ModelFamily for CategoricalNb {
    const NAME: &'static str = "categorical_nb";
    const LABEL: &'static str = "Categorical naive Bayes";

    fn supports(classification: bool) -> bool {
        classification
    }

    fn space(classification: bool) -> Vec<ParamDef> {
        let mut defs = vec![
            int("n_bins", 2, 20, false, 8, 4, "Quantile bins per input."),
            float(
                "alpha",
                1e-2,
                10.0,
                true,
                1.0,
                1.0,
                "Additive (Laplace) smoothing of the counts.",
            ),
        ];
        if classification {
            defs.push(class_weight());
        }
        defs
    }

    fn cost_units(&self, rows: usize, cols: usize) -> f64 {
        nb_cost_units(rows, cols)
    }

    fn class_factor(&self, n_classes: usize) -> f64 {
        nb_class_factor(n_classes)
    }

    fn fit(&self, input: &FitInput<'_>) -> Result<Inner> {
        let (y, n_classes) = classes_of(Self::NAME, input.y)?;
        let weights = class_weights(y, n_classes, self.class_weight);
        let m = CategoricalNbModel::fit(input.x, y, n_classes, &weights, self.n_bins, self.alpha);
        Ok(m.into())
    }
}

impl Predictor for GaussianNbModel {
    fn proba(&self, x: &Matrix, _n_classes: usize) -> Result<Vec<f64>> {
        Ok(self.predict_proba(x))
    }

    fn fits(&self, n_features: usize, n_classes: usize) -> bool {
        GaussianNbModel::fits(self, n_features, n_classes)
    }
}

impl Predictor for CategoricalNbModel {
    fn proba(&self, x: &Matrix, _n_classes: usize) -> Result<Vec<f64>> {
        Ok(self.predict_proba(x))
    }

    fn fits(&self, n_features: usize, n_classes: usize) -> bool {
        CategoricalNbModel::fits(self, n_features, n_classes)
    }
}

fn log_priors(y: &[u32], weights: &[f64], n_classes: usize) -> Vec<f64> {
    let mut w = vec![0.0; n_classes];
    for (&c, &wi) in y.iter().zip(weights) {
        w[c as usize] += wi;
    }
    let total: f64 = w.iter().sum::<f64>().max(1e-300);
    // a class absent from the training rows keeps a tiny prior instead of log(0)
    w.iter().map(|v| ln((v / total).max(1e-12))).collect()
}

/// Gaussian naive Bayes: per class, a mean and a variance per input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GaussianNbModel {
    n_classes: usize,
    cols: usize,
    log_prior: Vec<f64>,
    mean: Vec<f64>,
    var: Vec<f64>,
}

impl GaussianNbModel {
    /// Whether the parts fit `n_features` inputs and `n_classes` classes (a loaded model).
    pub(crate) fn fits(&self, n_features: usize, n_classes: usize) -> bool {
        self.n_classes == n_classes
            && self.cols == n_features
            && self.log_prior.len() == n_classes
            && self.mean.len() == n_classes * n_features
            && self.var.len() == n_classes * n_features
    }

    /// Fits; `var_smoothing` × the largest input variance is added to every variance.
    pub fn fit(
        x: &Matrix,
        y: &[u32],
        n_classes: usize,
        weights: &[f64],
        var_smoothing: f64,
    ) -> GaussianNbModel {
        let p = x.cols;
        let mut sum_w = vec![0.0; n_classes];
        let mut mean = vec![0.0; n_classes * p];
        let mut var = vec![0.0; n_classes * p];
        for r in 0..x.rows {
            let c = y[r] as usize;
            sum_w[c] += weights[r];
            for (m, v) in mean[c * p..(c + 1) * p].iter_mut().zip(x.row(r)) {
                *m += weights[r] * v;
            }
        }
        for c in 0..n_classes {
            for m in &mut mean[c * p..(c + 1) * p] {
                *m /= sum_w[c].max(1e-300);
            }
        }
        for r in 0..x.rows {
            let c = y[r] as usize;
            for j in 0..p {
                var[c * p + j] += weights[r] * (x.row(r)[j] - mean[c * p + j]).powi(2);
            }
        }
        // the largest overall variance sets the smoothing scale
        let mut overall = 0.0f64;
        for j in 0..p {
            let mu = (0..x.rows).map(|r| x.row(r)[j]).sum::<f64>() / x.rows.max(1) as f64;
            let v =
                (0..x.rows).map(|r| (x.row(r)[j] - mu).powi(2)).sum::<f64>() / x.rows.max(1) as f64;
            overall = overall.max(v);
        }
        let eps = var_smoothing * overall.max(1e-12);
        for c in 0..n_classes {
            for v in &mut var[c * p..(c + 1) * p] {
                *v = *v / sum_w[c].max(1e-300) + eps;
            }
        }
        GaussianNbModel {
            n_classes,
            cols: p,
            log_prior: log_priors(y, weights, n_classes),
            mean,
            var,
        }
    }

    /// Class probabilities, `rows × n_classes`.
    pub fn predict_proba(&self, x: &Matrix) -> Vec<f64> {
        let (k, p) = (self.n_classes, self.cols);
        let mut out = vec![0.0; x.rows * k];
        for r in 0..x.rows {
            let row = x.row(r);
            let o = &mut out[r * k..(r + 1) * k];
            for c in 0..k {
                let mut ll = self.log_prior[c];
                for j in 0..p {
                    let v = self.var[c * p + j];
                    ll -= 0.5
                        * (ln(2.0 * std::f64::consts::PI * v)
                            + (row[j] - self.mean[c * p + j]).powi(2) / v);
                }
                o[c] = ll;
            }
            softmax_in_place(o);
        }
        out
    }
}

/// Categorical naive Bayes over quantile bins of each input (2 bins for 0/1 inputs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoricalNbModel {
    n_classes: usize,
    /// Per input, the bin edges: a value's bin is the number of edges at or below it.
    edges: Vec<Vec<f64>>,
    log_prior: Vec<f64>,
    /// Per input, `n_classes × bins` log probabilities.
    log_prob: Vec<Vec<f64>>,
}

fn bin_of(edges: &[f64], v: f64) -> usize {
    edges.partition_point(|&e| e <= v)
}

impl CategoricalNbModel {
    /// Whether the parts fit `n_features` inputs and `n_classes` classes (a loaded model).
    pub(crate) fn fits(&self, n_features: usize, n_classes: usize) -> bool {
        self.n_classes == n_classes
            && self.log_prior.len() == n_classes
            && self.edges.len() == n_features
            && self.log_prob.len() == n_features
            && self
                .edges
                .iter()
                .zip(&self.log_prob)
                .all(|(e, p)| Some(p.len()) == (e.len() + 1).checked_mul(n_classes))
    }

    /// Fits with at most `n_bins` bins per input and additive smoothing `alpha`.
    pub fn fit(
        x: &Matrix,
        y: &[u32],
        n_classes: usize,
        weights: &[f64],
        n_bins: usize,
        alpha: f64,
    ) -> CategoricalNbModel {
        let p = x.cols;
        let mut edges = Vec::with_capacity(p);
        let mut log_prob = Vec::with_capacity(p);
        let mut column = vec![0.0; x.rows];
        for j in 0..p {
            for (r, c) in column.iter_mut().enumerate() {
                *c = x.row(r)[j];
            }
            crate::sort::sort_f64(&mut column);
            let mut e: Vec<f64> = (1..n_bins.max(2))
                .map(|b| column[(b * column.len() / n_bins.max(2)).min(column.len() - 1)])
                .collect();
            e.dedup();
            // an edge at the minimum would leave its first bin empty
            e.retain(|&v| v > column[0]);
            let bins = e.len() + 1;
            let mut counts = vec![alpha; n_classes * bins];
            for r in 0..x.rows {
                counts[y[r] as usize * bins + bin_of(&e, x.row(r)[j])] += weights[r];
            }
            let mut lp = vec![0.0; n_classes * bins];
            for c in 0..n_classes {
                let total: f64 = counts[c * bins..(c + 1) * bins].iter().sum();
                for b in 0..bins {
                    lp[c * bins + b] = ln(counts[c * bins + b] / total);
                }
            }
            edges.push(e);
            log_prob.push(lp);
        }
        CategoricalNbModel {
            n_classes,
            edges,
            log_prior: log_priors(y, weights, n_classes),
            log_prob,
        }
    }

    /// Class probabilities, `rows × n_classes`.
    pub fn predict_proba(&self, x: &Matrix) -> Vec<f64> {
        let k = self.n_classes;
        let mut out = vec![0.0; x.rows * k];
        for r in 0..x.rows {
            let row = x.row(r);
            let o = &mut out[r * k..(r + 1) * k];
            o.copy_from_slice(&self.log_prior);
            for (j, e) in self.edges.iter().enumerate() {
                let bins = e.len() + 1;
                let b = bin_of(e, row[j]);
                for (c, oc) in o.iter_mut().enumerate() {
                    *oc += self.log_prob[j][c * bins + b];
                }
            }
            softmax_in_place(o);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaussian_exact_on_two_points_per_class() {
        let x = Matrix {
            rows: 4,
            cols: 1,
            data: vec![0.0, 2.0, 10.0, 12.0],
        };
        let m = GaussianNbModel::fit(&x, &[0, 0, 1, 1], 2, &[1.0; 4], 0.0);
        assert_eq!(m.mean, [1.0, 11.0]);
        assert_eq!(m.var, [1.0, 1.0]);
        let p = m.predict_proba(&Matrix {
            rows: 1,
            cols: 1,
            data: vec![6.0],
        });
        assert!((p[0] - 0.5).abs() < 1e-12);
    }

    #[test]
    fn gaussian_survives_a_constant_input() {
        let x = Matrix {
            rows: 4,
            cols: 2,
            data: vec![1.0, 0.0, 1.0, 1.0, 1.0, 5.0, 1.0, 6.0],
        };
        let m = GaussianNbModel::fit(&x, &[0, 0, 1, 1], 2, &[1.0; 4], 1e-9);
        let p = m.predict_proba(&x);
        assert!(p.iter().all(|v| v.is_finite()));
        assert!(p[1] < 0.5 && p[7] > 0.5);
    }

    #[test]
    fn categorical_counts_with_smoothing() {
        let x = Matrix {
            rows: 4,
            cols: 1,
            data: vec![0.0, 0.0, 1.0, 1.0],
        };
        let m = CategoricalNbModel::fit(&x, &[0, 0, 1, 0], 2, &[1.0; 4], 2, 1.0);
        // class 0: bins (0: 2 rows, 1: 1 row) + alpha 1 → 3/5, 2/5
        assert!(
            (m.log_prob[0][0].exp() - 0.6).abs() < 1e-12,
            "{:?}",
            m.log_prob
        );
        let p = m.predict_proba(&Matrix {
            rows: 1,
            cols: 1,
            data: vec![1.0],
        });
        assert!((p[0] + p[1] - 1.0).abs() < 1e-12 && p[0] > p[1] * 0.0);
    }
}
