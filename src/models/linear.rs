//! Linear regression families, written here so they take row weights, never panic on
//! collinear or constant inputs, and serialize as plain coefficients: least squares and ridge
//! by a Cholesky solve of the (weighted, centered) normal equations, lasso and elastic net by
//! cyclic coordinate descent, with scikit-learn's objectives.

use super::family::{FitInput, ModelFamily, Predictor};
use super::optim::dot;
use super::space::{float, ParamDef};
use super::{values_of, Inner};
use crate::error::Result;
use crate::matrix::Matrix;
use serde::{Deserialize, Serialize};

/// Normal equations: a pass over rows × inputs², then a Cholesky solve.
fn normal_equations_cost(rows: usize, cols: usize) -> f64 {
    let (n, p) = (rows.max(1) as f64, cols.max(1) as f64);
    n * p * p.min(n) + p * p * p
}

/// Coordinate descent: a few dozen passes over rows × inputs.
fn coordinate_descent_cost(rows: usize, cols: usize) -> f64 {
    let (n, p) = (rows.max(1) as f64, cols.max(1) as f64);
    20.0 * n * p
}

/// The penalty of ridge, lasso and elastic net.
fn alpha(low: f64, high: f64, doc: &'static str) -> ParamDef {
    float("alpha", low, high, true, 1.0, 1.0, doc)
}

/// Least squares (regression).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearRegression;

impl ModelFamily for LinearRegression {
    const NAME: &'static str = "linear_regression";
    const LABEL: &'static str = "Linear regression";

    fn supports(classification: bool) -> bool {
        !classification
    }

    fn space(_classification: bool) -> Vec<ParamDef> {
        Vec::new()
    }

    fn cost_units(&self, rows: usize, cols: usize) -> f64 {
        normal_equations_cost(rows, cols)
    }

    fn fit(&self, input: &FitInput<'_>) -> Result<Inner> {
        let y = values_of(Self::NAME, input.y)?;
        Ok(fit_ridge(input.x, y, &vec![1.0; y.len()], 0.0).into())
    }
}

/// Ridge regression (regression).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ridge {
    /// Penalty. Default 1.
    pub alpha: f64,
}

impl ModelFamily for Ridge {
    const NAME: &'static str = "ridge";
    const LABEL: &'static str = "Ridge regression";

    fn supports(classification: bool) -> bool {
        !classification
    }

    fn space(_classification: bool) -> Vec<ParamDef> {
        vec![alpha(1e-4, 1e4, "L2 penalty on the sum of squared errors.")]
    }

    fn cost_units(&self, rows: usize, cols: usize) -> f64 {
        normal_equations_cost(rows, cols)
    }

    fn fit(&self, input: &FitInput<'_>) -> Result<Inner> {
        let y = values_of(Self::NAME, input.y)?;
        Ok(fit_ridge(input.x, y, &vec![1.0; y.len()], self.alpha).into())
    }
}

/// Lasso (regression).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lasso {
    /// Penalty. Default 1.
    pub alpha: f64,
}

impl ModelFamily for Lasso {
    const NAME: &'static str = "lasso";
    const LABEL: &'static str = "Lasso";

    fn supports(classification: bool) -> bool {
        !classification
    }

    fn space(_classification: bool) -> Vec<ParamDef> {
        vec![alpha(
            1e-5,
            1e2,
            "L1 penalty on the mean squared error / 2.",
        )]
    }

    fn cost_units(&self, rows: usize, cols: usize) -> f64 {
        coordinate_descent_cost(rows, cols)
    }

    fn fit(&self, input: &FitInput<'_>) -> Result<Inner> {
        let y = values_of(Self::NAME, input.y)?;
        Ok(fit_elastic_net(input.x, y, &vec![1.0; y.len()], self.alpha, 1.0).into())
    }
}

/// Elastic net (regression).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElasticNet {
    /// Penalty. Default 1.
    pub alpha: f64,
    /// L1 share. Default 0.5.
    pub l1_ratio: f64,
}

impl ModelFamily for ElasticNet {
    const NAME: &'static str = "elastic_net";
    const LABEL: &'static str = "Elastic net";

    fn supports(classification: bool) -> bool {
        !classification
    }

    fn space(_classification: bool) -> Vec<ParamDef> {
        vec![
            alpha(1e-5, 1e2, "Penalty strength on the mean squared error / 2."),
            float(
                "l1_ratio",
                0.0,
                1.0,
                false,
                0.5,
                0.5,
                "Share of the penalty that is L1.",
            ),
        ]
    }

    fn cost_units(&self, rows: usize, cols: usize) -> f64 {
        coordinate_descent_cost(rows, cols)
    }

    fn fit(&self, input: &FitInput<'_>) -> Result<Inner> {
        let y = values_of(Self::NAME, input.y)?;
        let ones = vec![1.0; y.len()];
        Ok(fit_elastic_net(input.x, y, &ones, self.alpha, self.l1_ratio).into())
    }
}

impl Predictor for LinearRegressor {
    fn values(&self, x: &Matrix) -> Result<Vec<f64>> {
        Ok(self.predict(x))
    }

    fn fits(&self, n_features: usize, n_classes: usize) -> bool {
        n_classes == 0 && LinearRegressor::fits(self, n_features)
    }
}

/// `y = coef · x + intercept`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearRegressor {
    /// Weights.
    pub coef: Vec<f64>,
    /// Intercept.
    pub intercept: f64,
}

impl LinearRegressor {
    /// Whether the parts fit `n_features` inputs (a loaded model).
    pub(crate) fn fits(&self, n_features: usize) -> bool {
        self.coef.len() == n_features
    }

    /// Predictions for every row.
    pub fn predict(&self, x: &Matrix) -> Vec<f64> {
        (0..x.rows)
            .map(|r| dot(&self.coef, x.row(r)) + self.intercept)
            .collect()
    }
}

struct Centered {
    x_mean: Vec<f64>,
    y_mean: f64,
    w: Vec<f64>,
}

fn center(x: &Matrix, y: &[f64], weights: &[f64]) -> Centered {
    let total: f64 = weights.iter().sum::<f64>().max(1e-300);
    let w: Vec<f64> = weights.iter().map(|v| v / total).collect();
    let mut x_mean = vec![0.0; x.cols];
    let mut y_mean = 0.0;
    for r in 0..x.rows {
        for (m, v) in x_mean.iter_mut().zip(x.row(r)) {
            *m += w[r] * v;
        }
        y_mean += w[r] * y[r];
    }
    Centered { x_mean, y_mean, w }
}

/// Minimizes `Σ wᵢ (yᵢ - b·xᵢ - b₀)² + alpha ‖b‖²` with weights scaled to sum to `n`
/// (scikit-learn's Ridge; `alpha` = 0 is least squares, kept solvable by a 1e-10 jitter).
pub fn fit_ridge(x: &Matrix, y: &[f64], weights: &[f64], alpha: f64) -> LinearRegressor {
    let p = x.cols;
    let n = x.rows as f64;
    let c = center(x, y, weights);
    let mut a = vec![0.0; p * p];
    let mut b = vec![0.0; p];
    let mut xc = vec![0.0; p];
    for r in 0..x.rows {
        let wr = c.w[r] * n;
        for j in 0..p {
            xc[j] = x.row(r)[j] - c.x_mean[j];
        }
        let yc = y[r] - c.y_mean;
        for j in 0..p {
            let v = wr * xc[j];
            b[j] += v * yc;
            for k in j..p {
                a[j * p + k] += v * xc[k];
            }
        }
    }
    let trace = (0..p).map(|j| a[j * p + j]).sum::<f64>() / p.max(1) as f64;
    for j in 0..p {
        for k in 0..j {
            a[j * p + k] = a[k * p + j];
        }
        a[j * p + j] += alpha + 1e-10 * trace.max(1e-12);
    }
    let coef = cholesky_solve(&mut a, &b, p).unwrap_or_else(|| vec![0.0; p]);
    let intercept = c.y_mean - dot(&coef, &c.x_mean);
    LinearRegressor { coef, intercept }
}

/// Solves `A x = b` for symmetric positive definite `A` (overwritten); `None` if not SPD.
fn cholesky_solve(a: &mut [f64], b: &[f64], p: usize) -> Option<Vec<f64>> {
    for j in 0..p {
        let mut d = a[j * p + j];
        for k in 0..j {
            d -= a[j * p + k] * a[j * p + k];
        }
        if d <= 0.0 || !d.is_finite() {
            return None;
        }
        let d = d.sqrt();
        a[j * p + j] = d;
        for i in j + 1..p {
            let mut s = a[i * p + j];
            for k in 0..j {
                s -= a[i * p + k] * a[j * p + k];
            }
            a[i * p + j] = s / d;
        }
    }
    let mut z = b.to_vec();
    for i in 0..p {
        for k in 0..i {
            z[i] -= a[i * p + k] * z[k];
        }
        z[i] /= a[i * p + i];
    }
    for i in (0..p).rev() {
        for k in i + 1..p {
            z[i] -= a[k * p + i] * z[k];
        }
        z[i] /= a[i * p + i];
    }
    Some(z)
}

/// Minimizes `1/(2n) Σ wᵢ (yᵢ - b·xᵢ - b₀)² + alpha·l1_ratio‖b‖₁ + alpha(1-l1_ratio)/2 ‖b‖²`
/// (scikit-learn's ElasticNet; `l1_ratio` = 1 is the lasso) by coordinate descent.
pub fn fit_elastic_net(
    x: &Matrix,
    y: &[f64],
    weights: &[f64],
    alpha: f64,
    l1_ratio: f64,
) -> LinearRegressor {
    let p = x.cols;
    let c = center(x, y, weights);
    // column-major centered copy for fast coordinate updates
    let mut cols = vec![0.0; p * x.rows];
    for r in 0..x.rows {
        for j in 0..p {
            cols[j * x.rows + r] = x.row(r)[j] - c.x_mean[j];
        }
    }
    let mut resid: Vec<f64> = (0..x.rows).map(|r| y[r] - c.y_mean).collect();
    let norm: Vec<f64> = (0..p)
        .map(|j| {
            (0..x.rows)
                .map(|r| c.w[r] * cols[j * x.rows + r].powi(2))
                .sum()
        })
        .collect();
    let l1 = alpha * l1_ratio;
    let l2 = alpha * (1.0 - l1_ratio);
    let mut coef = vec![0.0; p];
    let y_scale = resid
        .iter()
        .zip(&c.w)
        .map(|(r, w)| w * r * r)
        .sum::<f64>()
        .max(1e-300);
    for _ in 0..1000 {
        let mut max_change = 0.0f64;
        for j in 0..p {
            if norm[j] <= 1e-300 {
                continue;
            }
            let col = &cols[j * x.rows..(j + 1) * x.rows];
            let old = coef[j];
            let rho: f64 =
                (0..x.rows).map(|r| c.w[r] * col[r] * resid[r]).sum::<f64>() + norm[j] * old;
            let new = soft_threshold(rho, l1) / (norm[j] + l2);
            if new != old {
                let delta = new - old;
                for r in 0..x.rows {
                    resid[r] -= delta * col[r];
                }
                coef[j] = new;
                max_change = max_change.max(delta.abs() * norm[j].sqrt());
            }
        }
        if max_change * max_change <= 1e-10 * y_scale {
            break;
        }
    }
    let intercept = c.y_mean - dot(&coef, &c.x_mean);
    LinearRegressor { coef, intercept }
}

fn soft_threshold(v: f64, t: f64) -> f64 {
    if v > t {
        v - t
    } else if v < -t {
        v + t
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line() -> (Matrix, Vec<f64>) {
        let x = Matrix {
            rows: 5,
            cols: 2,
            data: vec![0.0, 1.0, 1.0, 1.0, 2.0, 1.0, 3.0, 1.0, 4.0, 1.0],
        };
        let y = vec![1.0, 3.0, 5.0, 7.0, 9.0];
        (x, y)
    }

    #[test]
    fn least_squares_recovers_an_exact_line_despite_a_constant_input() {
        let (x, y) = line();
        let m = fit_ridge(&x, &y, &[1.0; 5], 0.0);
        assert!(
            (m.coef[0] - 2.0).abs() < 1e-6 && (m.intercept - 1.0 - m.coef[1]).abs() < 1e-6,
            "{m:?}"
        );
        let p = m.predict(&x);
        assert!(p.iter().zip(&y).all(|(a, b)| (a - b).abs() < 1e-6));
    }

    #[test]
    fn ridge_matches_the_closed_form() {
        // one centered input: b = Σxy / (Σx² + alpha)
        let x = Matrix {
            rows: 3,
            cols: 1,
            data: vec![-1.0, 0.0, 1.0],
        };
        let m = fit_ridge(&x, &[-2.0, 0.0, 2.0], &[1.0; 3], 2.0);
        assert!((m.coef[0] - 4.0 / 4.0).abs() < 1e-9, "{m:?}");
    }

    #[test]
    fn lasso_zeroes_a_useless_input_and_shrinks_the_useful_one() {
        let x = Matrix {
            rows: 4,
            cols: 2,
            data: vec![-1.0, 1.0, -1.0, -1.0, 1.0, 1.0, 1.0, -1.0],
        };
        let y = [-2.0, -2.0, 2.0, 2.0];
        let m = fit_elastic_net(&x, &y, &[1.0; 4], 0.5, 1.0);
        // 1/(2n) Σ(y - b x)² + 0.5|b|: b = (mean(xy) - 0.5) / mean(x²) = 1.5
        assert!((m.coef[0] - 1.5).abs() < 1e-6 && m.coef[1] == 0.0, "{m:?}");
    }
}
