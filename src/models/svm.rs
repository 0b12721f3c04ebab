//! Support vector machines in the primal, written here: a linear kernel, or the RBF kernel
//! approximated by random Fourier features (Rahimi & Recht 2007; seeded), with the squared
//! hinge loss (classification, one-vs-rest) or the squared ε-insensitive loss (regression),
//! fitted by L-BFGS on at most [`MAX_TRAIN_ROWS`] rows. Class probabilities come from Platt
//! scaling fitted on out-of-fold decision values (3 internal folds), as scikit-learn does.
//! smartcore's SVC keeps borrows of its inputs, gives no probabilities and cannot be saved.

use super::family::{FitInput, ModelFamily, Predictor};
use super::optim::{dot, lbfgs};
use super::space::{choice, class_weight, float, ParamDef};
use super::{class_weights, ClassWeight, Inner};
use crate::error::Result;
use crate::math::{cos, exp, ln, ln_1p, sigmoid, sin};
use crate::matrix::Matrix;
use crate::rng::Rng;
use crate::truth::TargetRef;
use serde::{Deserialize, Serialize};

/// The SVM's kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Kernel {
    /// The inputs as they are.
    Linear,
    /// Gaussian (RBF), approximated by random Fourier features. The default.
    #[default]
    Rbf,
}

fn default_epsilon() -> f64 {
    0.1
}

/// Support vector machine (classification and regression).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Svm {
    /// Inverse regularization. Default 1.
    pub c: f64,
    /// Kernel. Default rbf.
    pub kernel: Kernel,
    /// RBF width. Default 0.1.
    pub gamma: f64,
    /// Regression tube half-width. Default 0.1.
    #[serde(default = "default_epsilon")]
    pub epsilon: f64,
    /// Class weighting. Default none.
    #[serde(default)]
    pub class_weight: ClassWeight,
}

impl ModelFamily for Svm {
    const NAME: &'static str = "svm";
    const LABEL: &'static str = "Support vector machine";

    fn supports(_classification: bool) -> bool {
        true
    }

    fn space(classification: bool) -> Vec<ParamDef> {
        let mut defs = vec![
            float("c", 1e-2, 1e3, true, 1.0, 1.0, "Inverse regularization."),
            choice(
                "kernel",
                &["rbf", "linear"],
                "rbf",
                "linear",
                "RBF (random Fourier features) or linear.",
            ),
            float(
                "gamma",
                1e-3,
                10.0,
                true,
                0.1,
                0.1,
                "RBF width: larger means more local.",
            ),
        ];
        if classification {
            defs.push(class_weight());
        } else {
            defs.push(float(
                "epsilon",
                0.0,
                1.0,
                false,
                0.1,
                0.1,
                "Tube half-width, in standard deviations of the target.",
            ));
        }
        defs
    }

    fn cost_units(&self, rows: usize, cols: usize) -> f64 {
        let (n, p) = (rows.max(1) as f64, cols.max(1) as f64);
        let m = n.min(MAX_TRAIN_ROWS as f64);
        let d = if self.kernel == Kernel::Rbf {
            RFF_COMPONENTS as f64
        } else {
            p
        };
        4.0 * 150.0 * m * d + n * d * p
    }

    /// One-vs-rest: one weight vector per class.
    fn class_factor(&self, n_classes: usize) -> f64 {
        n_classes as f64
    }

    fn fit(&self, input: &FitInput<'_>) -> Result<Inner> {
        let params = SvmParams {
            c: self.c,
            gamma: (self.kernel == Kernel::Rbf).then_some(self.gamma),
            epsilon: self.epsilon,
        };
        let (x, seed) = (input.x, input.seed);
        let m = match input.y {
            TargetRef::Classes { y, n_classes } => {
                let weights = class_weights(y, n_classes, self.class_weight);
                SvmModel::fit_classifier(x, y, n_classes, &weights, params, seed)
            }
            TargetRef::Values(v) => {
                SvmModel::fit_regressor(x, v, &vec![1.0; v.len()], params, seed)
            }
        };
        Ok(m.into())
    }
}

impl Predictor for SvmModel {
    fn proba(&self, x: &Matrix, _n_classes: usize) -> Result<Vec<f64>> {
        Ok(self.predict_proba(x).unwrap_or_default())
    }

    fn values(&self, x: &Matrix) -> Result<Vec<f64>> {
        Ok(self.predict_values(x).unwrap_or_default())
    }

    fn fits(&self, n_features: usize, n_classes: usize) -> bool {
        SvmModel::fits(self, n_features, n_classes)
    }
}

/// Most training rows an SVM is fitted on (a seeded sample beyond that).
pub const MAX_TRAIN_ROWS: usize = 3_000;
/// Random Fourier features used for the RBF kernel.
pub const RFF_COMPONENTS: usize = 256;

/// The input map: identity, or random Fourier features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FeatureMap {
    /// Use the inputs as they are.
    Linear,
    /// `sqrt(2/D) cos(W x + b)`, `W` is `D × cols` row-major.
    Rff {
        /// Projection.
        w: Vec<f64>,
        /// Phases.
        b: Vec<f64>,
        /// Inputs.
        cols: usize,
    },
}

impl FeatureMap {
    fn rbf(cols: usize, gamma: f64, rng: &mut Rng) -> FeatureMap {
        let d = RFF_COMPONENTS;
        let sd = (2.0 * gamma).sqrt();
        let mut w = Vec::with_capacity(d * cols);
        while w.len() < d * cols {
            // Box–Muller
            let u1 = rng.next_f64().max(1e-300);
            let u2 = rng.next_f64();
            let radius = (-2.0 * ln(u1)).sqrt();
            w.push(sd * radius * cos(2.0 * std::f64::consts::PI * u2));
            w.push(sd * radius * sin(2.0 * std::f64::consts::PI * u2));
        }
        w.truncate(d * cols);
        let b = (0..d)
            .map(|_| rng.next_f64() * 2.0 * std::f64::consts::PI)
            .collect();
        FeatureMap::Rff { w, b, cols }
    }

    fn apply(&self, x: &Matrix) -> Matrix {
        match self {
            FeatureMap::Linear => x.clone(),
            FeatureMap::Rff { w, b, cols } => {
                let d = b.len();
                let scale = (2.0 / d as f64).sqrt();
                let mut data = Vec::with_capacity(x.rows * d);
                for r in 0..x.rows {
                    let row = x.row(r);
                    for j in 0..d {
                        data.push(scale * cos(dot(&w[j * cols..(j + 1) * cols], row) + b[j]));
                    }
                }
                Matrix {
                    rows: x.rows,
                    cols: d,
                    data,
                }
            }
        }
    }
}

/// A linear function `w·z + b` on mapped inputs `z`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Linear {
    w: Vec<f64>,
    b: f64,
}

impl Linear {
    fn eval(&self, z: &[f64]) -> f64 {
        dot(&self.w, z) + self.b
    }
}

/// Fits one primal SVM: mean weighted squared hinge (or ε-insensitive) loss + ‖w‖²/(2 C n).
fn fit_linear(z: &Matrix, target: &[f64], weights: &[f64], c: f64, epsilon: Option<f64>) -> Linear {
    let p = z.cols;
    let n = z.rows.max(1) as f64;
    let w_sum: f64 = weights.iter().sum::<f64>().max(1e-12);
    let l2 = 1.0 / (2.0 * c * n);
    let mut params = vec![0.0; p + 1];
    lbfgs(&mut params, 300, 1e-6, |w, g| {
        g.iter_mut().for_each(|v| *v = 0.0);
        let mut loss = 0.0;
        for r in 0..z.rows {
            let row = z.row(r);
            let f = dot(&w[..p], row) + w[p];
            let wi = weights[r] / w_sum;
            // residual-like quantity whose square is the loss, and its derivative in f
            let (m, dm) = match epsilon {
                None => {
                    let m = 1.0 - target[r] * f;
                    if m <= 0.0 {
                        continue;
                    }
                    (m, -target[r])
                }
                Some(eps) => {
                    let e = f - target[r];
                    if e.abs() <= eps {
                        continue;
                    }
                    (e.abs() - eps, e.signum())
                }
            };
            loss += wi * m * m;
            let d = wi * 2.0 * m * dm;
            for (gc, xc) in g[..p].iter_mut().zip(row) {
                *gc += d * xc;
            }
            g[p] += d;
        }
        for j in 0..p {
            loss += l2 * w[j] * w[j];
            g[j] += 2.0 * l2 * w[j];
        }
        loss
    });
    let b = params[p];
    params.truncate(p);
    Linear { w: params, b }
}

/// Platt's sigmoid `1 / (1 + exp(A f + B))`, fitted by Newton's method on (decision, label).
fn fit_platt(f: &[f64], label: &[bool]) -> (f64, f64) {
    let pos = label.iter().filter(|&&l| l).count() as f64;
    let neg = label.len() as f64 - pos;
    // Platt's smoothed targets
    let t_pos = (pos + 1.0) / (pos + 2.0);
    let t_neg = 1.0 / (neg + 2.0);
    let t: Vec<f64> = label
        .iter()
        .map(|&l| if l { t_pos } else { t_neg })
        .collect();
    let mut params = vec![0.0, ln((neg + 1.0) / (pos + 1.0))];
    lbfgs(&mut params, 100, 1e-8, |ab, g| {
        let (a, b) = (ab[0], ab[1]);
        g[0] = 0.0;
        g[1] = 0.0;
        let mut loss = 0.0;
        for (fi, ti) in f.iter().zip(&t) {
            let z = a * fi + b;
            // p = 1/(1+e^z); loss = -t ln p - (1-t) ln(1-p)
            let log1pexp = if z > 0.0 {
                z + ln_1p(exp(-z))
            } else {
                ln_1p(exp(z))
            };
            loss += ti * log1pexp + (1.0 - ti) * (log1pexp - z);
            let p = sigmoid(-z);
            let d = ti - p; // d loss / d z
            g[0] += d * fi;
            g[1] += d;
        }
        loss
    });
    (params[0], params[1])
}

fn platt(ab: (f64, f64), f: f64) -> f64 {
    sigmoid(-(ab.0 * f + ab.1))
}

/// What an SVM predicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Heads {
    /// One head per class (one head for two classes), each with its Platt sigmoid.
    Classes {
        n_classes: usize,
        heads: Vec<(Linear, (f64, f64))>,
    },
    /// One head on standardized targets.
    Values { head: Linear, mean: f64, scale: f64 },
}

/// A fitted SVM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SvmModel {
    map: FeatureMap,
    heads: Heads,
}

/// Hyperparameters an SVM fit needs.
#[derive(Debug, Clone, Copy)]
pub struct SvmParams {
    /// Inverse regularization.
    pub c: f64,
    /// RBF width (`None`: linear kernel).
    pub gamma: Option<f64>,
    /// Tube half-width in standard deviations of the target (regression).
    pub epsilon: f64,
}

fn sample_rows(n: usize, seed: u64) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..n).collect();
    if n > MAX_TRAIN_ROWS {
        Rng::new(seed).shuffle(&mut rows);
        rows.truncate(MAX_TRAIN_ROWS);
        rows.sort_unstable();
    }
    rows
}

fn subset(x: &Matrix, rows: &[usize]) -> Matrix {
    let mut data = Vec::with_capacity(rows.len() * x.cols);
    for &r in rows {
        data.extend_from_slice(x.row(r));
    }
    Matrix {
        rows: rows.len(),
        cols: x.cols,
        data,
    }
}

impl SvmModel {
    /// Whether the parts fit `n_features` inputs and `n_classes` classes (a loaded model).
    pub(crate) fn fits(&self, n_features: usize, n_classes: usize) -> bool {
        let dim = match &self.map {
            FeatureMap::Linear => n_features,
            FeatureMap::Rff { w, b, cols } => {
                if *cols != n_features || Some(w.len()) != b.len().checked_mul(*cols) {
                    return false;
                }
                b.len()
            }
        };
        match &self.heads {
            Heads::Classes {
                n_classes: k,
                heads,
            } => {
                *k == n_classes
                    && heads.len() == if *k == 2 { 1 } else { *k }
                    && heads.iter().all(|(h, _)| h.w.len() == dim)
            }
            Heads::Values { head, .. } => n_classes == 0 && head.w.len() == dim,
        }
    }

    /// Fits a classifier on class codes.
    pub fn fit_classifier(
        x: &Matrix,
        y: &[u32],
        n_classes: usize,
        weights: &[f64],
        p: SvmParams,
        seed: u64,
    ) -> SvmModel {
        let mut rng = Rng::new(seed);
        let rows = sample_rows(x.rows, rng.next_u64());
        let map = match p.gamma {
            Some(g) => FeatureMap::rbf(x.cols, g, &mut rng),
            None => FeatureMap::Linear,
        };
        let z = map.apply(&subset(x, &rows));
        let y: Vec<u32> = rows.iter().map(|&r| y[r]).collect();
        let w: Vec<f64> = rows.iter().map(|&r| weights[r]).collect();
        // internal folds for out-of-fold decision values
        let fold_of: Vec<usize> = {
            let mut order: Vec<usize> = (0..rows.len()).collect();
            rng.shuffle(&mut order);
            let mut f = vec![0; rows.len()];
            for (i, &o) in order.iter().enumerate() {
                f[o] = i % 3;
            }
            f
        };
        let n_heads = if n_classes == 2 { 1 } else { n_classes };
        let mut heads = Vec::with_capacity(n_heads);
        for h in 0..n_heads {
            let positive = if n_classes == 2 { 1 } else { h as u32 };
            let t: Vec<f64> = y
                .iter()
                .map(|&c| if c == positive { 1.0 } else { -1.0 })
                .collect();
            let mut oof = vec![0.0; rows.len()];
            for fold in 0..3 {
                let train: Vec<usize> = (0..rows.len()).filter(|&i| fold_of[i] != fold).collect();
                if train.is_empty() {
                    continue;
                }
                let zt = subset(&z, &train);
                let tt: Vec<f64> = train.iter().map(|&i| t[i]).collect();
                let wt: Vec<f64> = train.iter().map(|&i| w[i]).collect();
                let lin = fit_linear(&zt, &tt, &wt, p.c, None);
                for i in (0..rows.len()).filter(|&i| fold_of[i] == fold) {
                    oof[i] = lin.eval(z.row(i));
                }
            }
            let labels: Vec<bool> = t.iter().map(|&v| v > 0.0).collect();
            let ab = fit_platt(&oof, &labels);
            heads.push((fit_linear(&z, &t, &w, p.c, None), ab));
        }
        SvmModel {
            map,
            heads: Heads::Classes { n_classes, heads },
        }
    }

    /// Fits a regressor on values.
    pub fn fit_regressor(
        x: &Matrix,
        y: &[f64],
        weights: &[f64],
        p: SvmParams,
        seed: u64,
    ) -> SvmModel {
        let mut rng = Rng::new(seed);
        let rows = sample_rows(x.rows, rng.next_u64());
        let map = match p.gamma {
            Some(g) => FeatureMap::rbf(x.cols, g, &mut rng),
            None => FeatureMap::Linear,
        };
        let z = map.apply(&subset(x, &rows));
        let values: Vec<f64> = rows.iter().map(|&r| y[r]).collect();
        let n = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / n;
        let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        let scale = if sd > 1e-12 { sd } else { 1.0 };
        let t: Vec<f64> = values.iter().map(|v| (v - mean) / scale).collect();
        let w: Vec<f64> = rows.iter().map(|&r| weights[r]).collect();
        let head = fit_linear(&z, &t, &w, p.c, Some(p.epsilon));
        SvmModel {
            map,
            heads: Heads::Values { head, mean, scale },
        }
    }

    /// Class probabilities (`rows × n_classes`), or `None` for a regressor.
    pub fn predict_proba(&self, x: &Matrix) -> Option<Vec<f64>> {
        let Heads::Classes { n_classes, heads } = &self.heads else {
            return None;
        };
        let z = self.map.apply(x);
        let k = *n_classes;
        let mut out = vec![0.0; x.rows * k];
        for r in 0..x.rows {
            let o = &mut out[r * k..(r + 1) * k];
            if heads.len() == 1 {
                let (lin, ab) = &heads[0];
                o[1] = platt(*ab, lin.eval(z.row(r)));
                o[0] = 1.0 - o[1];
            } else {
                for (c, (lin, ab)) in heads.iter().enumerate() {
                    o[c] = platt(*ab, lin.eval(z.row(r))).max(1e-12);
                }
                let s: f64 = o.iter().sum();
                o.iter_mut().for_each(|v| *v /= s);
            }
        }
        Some(out)
    }

    /// Predicted values, or `None` for a classifier.
    pub fn predict_values(&self, x: &Matrix) -> Option<Vec<f64>> {
        let Heads::Values { head, mean, scale } = &self.heads else {
            return None;
        };
        let z = self.map.apply(x);
        Some(
            (0..x.rows)
                .map(|r| mean + scale * head.eval(z.row(r)))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rbf_separates_a_ring_that_a_line_cannot() {
        let mut rng = Rng::new(1);
        let mut data = Vec::new();
        let mut y = Vec::new();
        for i in 0..300 {
            let a = rng.next_f64() * std::f64::consts::TAU;
            let r = if i % 2 == 0 { 0.5 } else { 2.0 };
            data.extend([r * a.cos(), r * a.sin()]);
            y.push((i % 2) as u32);
        }
        let x = Matrix {
            rows: 300,
            cols: 2,
            data,
        };
        let acc = |svm: &SvmModel| {
            let p = svm.predict_proba(&x).unwrap();
            (0..300)
                .filter(|&r| (p[2 * r + 1] > 0.5) == (y[r] == 1))
                .count() as f64
                / 300.0
        };
        let rbf = SvmModel::fit_classifier(
            &x,
            &y,
            2,
            &[1.0; 300],
            SvmParams {
                c: 10.0,
                gamma: Some(1.0),
                epsilon: 0.1,
            },
            3,
        );
        let lin = SvmModel::fit_classifier(
            &x,
            &y,
            2,
            &[1.0; 300],
            SvmParams {
                c: 10.0,
                gamma: None,
                epsilon: 0.1,
            },
            3,
        );
        assert!(acc(&rbf) > 0.95, "rbf {}", acc(&rbf));
        assert!(acc(&lin) < 0.75, "linear {}", acc(&lin));
    }

    #[test]
    fn regression_fits_a_line() {
        let x = Matrix {
            rows: 50,
            cols: 1,
            data: (0..50).map(|i| i as f64 / 10.0).collect(),
        };
        let y: Vec<f64> = x.data.iter().map(|v| 3.0 * v + 1.0).collect();
        let svr = SvmModel::fit_regressor(
            &x,
            &y,
            &[1.0; 50],
            SvmParams {
                c: 100.0,
                gamma: None,
                epsilon: 0.01,
            },
            0,
        );
        let p = svr.predict_values(&x).unwrap();
        let max_err = p
            .iter()
            .zip(&y)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(max_err < 0.2, "{max_err}");
    }
}
