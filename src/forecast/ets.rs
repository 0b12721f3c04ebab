//! Exponential smoothing: simple, Holt (linear trend), damped trend, and Holt-Winters with
//! additive or multiplicative seasonality, with the smoothing parameters fitted by minimising
//! the mean squared in-sample one-step error with Nelder-Mead.

use crate::math::{ln, sigmoid};
use serde::{Deserialize, Serialize};

/// The trend component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// No trend.
    None,
    /// A linear trend.
    Additive,
    /// A trend that flattens out (damping factor fitted in [0.8, 0.98]).
    Damped,
}

/// The seasonal component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Seasonal {
    /// No seasonality.
    None,
    /// A seasonal pattern added to the level.
    Additive,
    /// A seasonal pattern that scales with the level (positive data only).
    Multiplicative,
}

/// Fitted smoothing parameters and the final states.
#[derive(Debug, Clone, PartialEq)]
pub struct EtsFit {
    /// Level smoothing.
    pub alpha: f64,
    /// Trend smoothing.
    pub beta: f64,
    /// Seasonal smoothing.
    pub gamma: f64,
    /// Trend damping (1 when undamped).
    pub phi: f64,
    /// Mean squared one-step error.
    pub mse: f64,
    multiplicative: bool,
    level: f64,
    slope: f64,
    season: Vec<f64>,
}

fn logit(p: f64) -> f64 {
    ln(p / (1.0 - p))
}

struct Model<'a> {
    y: &'a [f64],
    trend: Trend,
    seasonal: Seasonal,
    m: usize,
}

impl Model<'_> {
    fn params(&self, u: &[f64]) -> (f64, f64, f64, f64) {
        let alpha = 0.0001 + 0.9998 * sigmoid(u[0]);
        let mut k = 1;
        let (mut beta, mut gamma, mut phi) = (0.0, 0.0, 1.0);
        if self.trend != Trend::None {
            beta = alpha * sigmoid(u[k]);
            k += 1;
        }
        if self.seasonal != Seasonal::None {
            gamma = (1.0 - alpha) * sigmoid(u[k]);
            k += 1;
        }
        if self.trend == Trend::Damped {
            phi = 0.8 + 0.18 * sigmoid(u[k]);
        }
        (alpha, beta, gamma, phi)
    }

    /// Runs the recursion; returns the mean squared one-step error and the final states.
    fn run(&self, alpha: f64, beta: f64, gamma: f64, phi: f64) -> (f64, f64, f64, Vec<f64>) {
        let y = self.y;
        let m = if self.seasonal == Seasonal::None {
            1
        } else {
            self.m
        };
        let mul = self.seasonal == Seasonal::Multiplicative;
        let first = &y[..m.min(y.len())];
        let mut level = first.iter().sum::<f64>() / first.len() as f64;
        let mut slope = 0.0;
        if self.trend != Trend::None {
            if self.seasonal != Seasonal::None && y.len() >= 2 * m {
                let second = y[m..2 * m].iter().sum::<f64>() / m as f64;
                slope = (second - level) / m as f64;
            } else if y.len() >= 2 {
                slope = y[1] - y[0];
            }
        }
        let mut season: Vec<f64> = match self.seasonal {
            Seasonal::None => vec![0.0],
            Seasonal::Additive => first.iter().map(|v| v - level).collect(),
            Seasonal::Multiplicative => first.iter().map(|v| v / level).collect(),
        };
        if self.seasonal == Seasonal::None {
            level = y[0];
        }
        let mut sse = 0.0;
        for (t, &v) in y.iter().enumerate() {
            let s = season[t % m];
            let base = level + phi * slope;
            let fit = match self.seasonal {
                Seasonal::None => base,
                Seasonal::Additive => base + s,
                Seasonal::Multiplicative => base * s,
            };
            let e = v - fit;
            sse += e * e;
            let new_level = match self.seasonal {
                Seasonal::None => alpha * v + (1.0 - alpha) * base,
                Seasonal::Additive => alpha * (v - s) + (1.0 - alpha) * base,
                Seasonal::Multiplicative => alpha * (v / s) + (1.0 - alpha) * base,
            };
            if self.trend != Trend::None {
                slope = beta / alpha * (new_level - level) + (1.0 - beta / alpha) * phi * slope;
            }
            match self.seasonal {
                Seasonal::None => {}
                Seasonal::Additive => season[t % m] = gamma * (v - base) + (1.0 - gamma) * s,
                Seasonal::Multiplicative if base.abs() > 1e-12 => {
                    season[t % m] = gamma * (v / base) + (1.0 - gamma) * s
                }
                Seasonal::Multiplicative => {}
            }
            level = new_level;
            if !level.is_finite() || (mul && level <= 0.0) {
                return (f64::INFINITY, level, slope, season);
            }
        }
        // rotate so that season[0] is the next step's
        let n = y.len();
        let season: Vec<f64> = (0..m).map(|k| season[(n + k) % m]).collect();
        (sse / n as f64, level, slope, season)
    }
}

/// Fits the model to `y`. `m` is the seasonal period (ignored without seasonality). Returns
/// `None` when the data cannot carry the model (too short, or non-positive values for a
/// multiplicative season).
pub fn fit(y: &[f64], trend: Trend, seasonal: Seasonal, m: usize) -> Option<EtsFit> {
    let need = if seasonal == Seasonal::None {
        3
    } else {
        2 * m + 2
    };
    if y.len() < need || (seasonal != Seasonal::None && m < 2) {
        return None;
    }
    if seasonal == Seasonal::Multiplicative && y.iter().any(|v| *v <= 0.0) {
        return None;
    }
    let model = Model {
        y,
        trend,
        seasonal,
        m,
    };
    let dims = 1
        + usize::from(trend != Trend::None)
        + usize::from(seasonal != Seasonal::None)
        + usize::from(trend == Trend::Damped);
    // start: alpha 0.3, beta 0.1·alpha, gamma 0.1, phi 0.95
    let mut start = vec![logit(0.3)];
    if trend != Trend::None {
        start.push(logit(0.1));
    }
    if seasonal != Seasonal::None {
        start.push(logit(0.1 / 0.7));
    }
    if trend == Trend::Damped {
        start.push(logit((0.95 - 0.8) / 0.18));
    }
    debug_assert_eq!(start.len(), dims);
    let objective = |u: &[f64]| {
        let (a, b, g, p) = model.params(u);
        let v = model.run(a, b, g, p).0;
        if v.is_finite() {
            v
        } else {
            f64::INFINITY
        }
    };
    let best = nelder_mead(&start, 1.0, 60 * dims + 60, objective);
    let (alpha, beta, gamma, phi) = model.params(&best);
    let (mse, level, slope, season) = model.run(alpha, beta, gamma, phi);
    if !mse.is_finite() {
        return None;
    }
    if !(level.is_finite() && slope.is_finite()) {
        return None;
    }
    Some(EtsFit {
        alpha,
        beta,
        gamma,
        phi,
        mse,
        multiplicative: seasonal == Seasonal::Multiplicative,
        level,
        slope,
        season,
    })
}

impl EtsFit {
    /// Forecasts `h` steps after the data.
    pub fn forecast(&self, h: usize) -> Vec<f64> {
        let mul = self.multiplicative;
        let season = &self.season;
        let m = season.len();
        let mut damp = 0.0;
        let mut pow = 1.0;
        (0..h)
            .map(|k| {
                pow *= self.phi;
                damp += pow;
                let base = self.level + damp * self.slope;
                let s = season[k % m];
                if mul {
                    base * s
                } else {
                    base + s
                }
            })
            .collect()
    }
}

/// Minimises `f` from `start` with the Nelder-Mead simplex (initial step `step` on each axis,
/// at most `max_evals` evaluations). Deterministic; non-finite values count as +∞.
pub fn nelder_mead(
    start: &[f64],
    step: f64,
    max_evals: usize,
    mut f: impl FnMut(&[f64]) -> f64,
) -> Vec<f64> {
    simplex_search(start, step, max_evals, &mut f)
}

/// [`nelder_mead`]'s one copy (a function object, so each objective does not make another).
fn simplex_search(
    start: &[f64],
    step: f64,
    max_evals: usize,
    f: &mut dyn FnMut(&[f64]) -> f64,
) -> Vec<f64> {
    let n = start.len();
    let mut eval = |x: &[f64]| {
        let v = f(x);
        if v.is_nan() {
            f64::INFINITY
        } else {
            v
        }
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    simplex.push((start.to_vec(), eval(start)));
    for i in 0..n {
        let mut x = start.to_vec();
        x[i] += step;
        let v = eval(&x);
        simplex.push((x, v));
    }
    let mut evals = n + 1;
    while evals < max_evals {
        crate::sort::sort_by(&mut simplex, |a, b| a.1.total_cmp(&b.1));
        let (best, worst) = (simplex[0].1, simplex[n].1);
        if (worst - best).abs() <= 1e-10 * (best.abs() + 1e-12) {
            break;
        }
        let mut centroid = vec![0.0; n];
        for (x, _) in &simplex[..n] {
            for j in 0..n {
                centroid[j] += x[j] / n as f64;
            }
        }
        let along = |t: f64, simplex: &[(Vec<f64>, f64)]| -> Vec<f64> {
            (0..n)
                .map(|j| centroid[j] + t * (simplex[n].0[j] - centroid[j]))
                .collect()
        };
        let xr = along(-1.0, &simplex);
        let fr = eval(&xr);
        evals += 1;
        if fr < simplex[0].1 {
            let xe = along(-2.0, &simplex);
            let fe = eval(&xe);
            evals += 1;
            simplex[n] = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < simplex[n - 1].1 {
            simplex[n] = (xr, fr);
        } else {
            let t = if fr < simplex[n].1 { -0.5 } else { 0.5 };
            let xc = along(t, &simplex);
            let fc = eval(&xc);
            evals += 1;
            if fc < fr.min(simplex[n].1) {
                simplex[n] = (xc, fc);
            } else {
                let x0 = simplex[0].0.clone();
                for k in 1..=n {
                    let x: Vec<f64> = (0..n)
                        .map(|j| x0[j] + 0.5 * (simplex[k].0[j] - x0[j]))
                        .collect();
                    let v = eval(&x);
                    simplex[k] = (x, v);
                }
                evals += n;
            }
        }
    }
    crate::sort::sort_by(&mut simplex, |a, b| a.1.total_cmp(&b.1));
    simplex.swap_remove(0).0
}
