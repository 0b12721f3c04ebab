//! The Theta method in the state-space form of statsforecast's `theta.py` (Fiorucci et al.
//! 2016): simple exponential smoothing plus `(1 - 1/θ)` times the linear trend of the data,
//! so θ = 2 is the standard Theta (SES with drift equal to half the trend slope); optimized
//! Theta also chooses θ ≥ 1 by the in-sample one-step squared error; the dynamic variants
//! update the trend's intercept and slope as the data arrive. Before fitting, a series whose
//! autocorrelation at the season is significant (90%, as statsforecast) is seasonally
//! adjusted by classical multiplicative decomposition (additive when a value is not positive
//! or a seasonal index falls below 0.01), and the seasonal indices are put back on the
//! forecast.

use super::ets::nelder_mead;

/// Classical decomposition (a centred moving average of one season as the trend): the seasonal
/// indices by position in the season (multiplicative: averaging 1; additive: 0) and the trend
/// (`None` at the ends). `None` when the series is shorter than two seasons.
pub fn decompose(
    y: &[f64],
    m: usize,
    multiplicative: bool,
) -> Option<(Vec<f64>, Vec<Option<f64>>)> {
    let n = y.len();
    if m < 2 || n < 2 * m {
        return None;
    }
    let half = m / 2;
    let trend: Vec<Option<f64>> = (0..n)
        .map(|t| {
            if t < half || t + half >= n {
                return None;
            }
            let mut s: f64 = y[t - half + 1..t + half].iter().sum();
            if m % 2 == 0 {
                s += 0.5 * (y[t - half] + y[t + half]);
            } else {
                s += y[t - half] + y[t + half];
            }
            Some(s / m as f64)
        })
        .collect();
    let mut sum = vec![0.0; m];
    let mut count = vec![0usize; m];
    for t in 0..n {
        if let Some(tr) = trend[t] {
            sum[t % m] += if multiplicative { y[t] / tr } else { y[t] - tr };
            count[t % m] += 1;
        }
    }
    let mut idx: Vec<f64> = (0..m).map(|k| sum[k] / count[k].max(1) as f64).collect();
    let avg = idx.iter().sum::<f64>() / m as f64;
    for v in &mut idx {
        if multiplicative {
            *v /= avg;
        } else {
            *v -= avg;
        }
    }
    idx.iter().all(|v| v.is_finite()).then_some((idx, trend))
}

/// Autocorrelation at `lag` (the usual estimator around the mean).
fn acf(y: &[f64], lag: usize) -> f64 {
    let n = y.len();
    let mu = y.iter().sum::<f64>() / n as f64;
    let den: f64 = y.iter().map(|v| (v - mu) * (v - mu)).sum();
    if den <= 0.0 || lag >= n {
        return 0.0;
    }
    (lag..n)
        .map(|t| (y[t] - mu) * (y[t - lag] - mu))
        .sum::<f64>()
        / den
}

/// Whether the autocorrelation at lag `m` is significant at 90% (statsforecast's test).
pub fn seasonal(y: &[f64], m: usize) -> bool {
    if m < 4 || y.len() < 2 * m {
        return false;
    }
    let r: Vec<f64> = (1..=m).map(|k| acf(y, k)).collect();
    let stat =
        ((1.0 + 2.0 * r[..m - 1].iter().map(|v| v * v).sum::<f64>()) / y.len() as f64).sqrt();
    r[m - 1].abs() / stat > 1.6448536269514722
}

/// A fitted Theta model.
#[derive(Debug, Clone)]
pub struct ThetaFit {
    /// Smoothing weight.
    pub alpha: f64,
    /// θ.
    pub theta: f64,
    /// Mean squared one-step error (from the fourth value on, on the adjusted series).
    pub mse: f64,
    /// The fitted initial level.
    pub level0: f64,
    dynamic: bool,
    state: [f64; 4],
    n: usize,
    season: Option<(Vec<f64>, bool)>,
}

/// Runs the recursion from state `s` = (level, mean, A, B) at index `i` with one value `y`
/// (or the model's own forecast when `None`); returns the one-step forecast for index `i`.
fn step(
    s: &mut [f64; 4],
    i: usize,
    pw: f64,
    alpha: f64,
    theta: f64,
    dynamic: bool,
    y: Option<f64>,
) -> f64 {
    let [level, meany, a, b] = *s;
    let mu = level + (1.0 - 1.0 / theta) * (a * pw + b * (1.0 - pw * (1.0 - alpha)) / alpha);
    let y = y.unwrap_or(mu);
    let i_f = i as f64;
    s[0] = alpha * y + (1.0 - alpha) * level;
    s[1] = (i_f * meany + y) / (i_f + 1.0);
    if dynamic {
        s[3] = ((i_f - 1.0) * b + 6.0 * (y - meany) / (i_f + 1.0)) / (i_f + 2.0);
        s[2] = s[1] - s[3] * (i_f + 2.0) / 2.0;
    }
    mu
}

/// The initial state and one-step errors for (initial level, alpha, theta); returns the sum
/// of squared errors from the fourth value on and the final state.
fn run(y: &[f64], l0: f64, alpha: f64, theta: f64, dynamic: bool) -> (f64, [f64; 4]) {
    let n = y.len();
    let nf = n as f64;
    let (a, b) = if dynamic {
        (y[0], 0.0)
    } else {
        let mean = y.iter().sum::<f64>() / nf;
        let wavg = y
            .iter()
            .enumerate()
            .map(|(t, v)| (t + 1) as f64 * v)
            .sum::<f64>()
            / nf;
        let b = 6.0 * (2.0 * wavg - (nf + 1.0) * mean) / (nf * nf - 1.0);
        (mean - (nf + 1.0) * b / 2.0, b)
    };
    let mut s = [alpha * y[0] + (1.0 - alpha) * l0, y[0], a, b];
    let mut sse = 0.0;
    let mut pw = 1.0 - alpha;
    for (i, &v) in y.iter().enumerate().skip(1) {
        let mu = step(&mut s, i, pw, alpha, theta, dynamic, Some(v));
        if i >= 3 {
            sse += (v - mu) * (v - mu);
        }
        pw *= 1.0 - alpha;
    }
    (sse, s)
}

/// Fits Theta (θ = 2) or optimized Theta to `y`, seasonally adjusting by period `m` when the
/// test says so. `None` when the series is too short (4 values) or not finite.
pub fn fit(y: &[f64], m: usize, optimized: bool, dynamic: bool) -> Option<ThetaFit> {
    let n = y.len();
    let scale = y.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    if n < 4 || !scale.is_finite() {
        return None;
    }
    let scale = if scale > 0.0 { scale } else { 1.0 };
    let mut z: Vec<f64> = y.iter().map(|v| v / scale).collect();
    let mut season = None;
    if seasonal(&z, m) {
        let positive = z.iter().all(|v| *v > 0.0);
        let mut dec = decompose(&z, m, positive).map(|d| (d.0, positive));
        if positive && dec.as_ref().is_some_and(|d| d.0.iter().any(|v| *v < 0.01)) {
            dec = decompose(&z, m, false).map(|d| (d.0, false));
        }
        if let Some((idx, mul)) = dec {
            for (t, v) in z.iter_mut().enumerate() {
                *v = if mul {
                    *v / idx[t % m]
                } else {
                    *v - idx[t % m]
                };
            }
            season = Some((idx, mul));
        }
    }
    let mean_abs = (z.iter().map(|v| v.abs()).sum::<f64>() / n as f64).max(1e-10);
    let unpack = |u: &[f64]| {
        let theta = if optimized { u[2].max(1.0) } else { 2.0 };
        (u[0], u[1].clamp(0.1, 0.99), theta)
    };
    let objective = |u: &[f64]| {
        let (l0, a, t) = unpack(u);
        run(&z, l0, a, t, dynamic).0 / mean_abs
    };
    let start = [z[0] / 2.0, 0.5, 2.0];
    let dims = if optimized { 3 } else { 2 };
    let u = nelder_mead(&start[..dims], 0.1, 400 * dims, objective);
    let mut u3 = [0.0, 0.0, 2.0];
    u3[..dims].copy_from_slice(&u);
    let (l0, alpha, theta) = unpack(&u3);
    let (sse, state) = run(&z, l0, alpha, theta, dynamic);
    if !sse.is_finite() || state.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let season = season.map(|(idx, mul)| {
        (
            idx.into_iter()
                .map(|v| if mul { v } else { v * scale })
                .collect(),
            mul,
        )
    });
    Some(ThetaFit {
        alpha,
        theta,
        mse: sse / (n - 3).max(1) as f64 * scale * scale,
        level0: l0 * scale,
        dynamic,
        state: state.map(|v| v * scale),
        n,
        season,
    })
}

impl ThetaFit {
    /// Forecasts `h` steps after the data.
    pub fn forecast(&self, h: usize) -> Vec<f64> {
        let mut s = self.state;
        let mut pw = 1.0;
        for _ in 0..self.n {
            pw *= 1.0 - self.alpha;
        }
        (0..h)
            .map(|j| {
                let i = self.n + j;
                let mut v = step(&mut s, i, pw, self.alpha, self.theta, self.dynamic, None);
                pw *= 1.0 - self.alpha;
                if let Some((idx, mul)) = &self.season {
                    let k = idx[i % idx.len()];
                    v = if *mul { v * k } else { v + k };
                }
                v
            })
            .collect()
    }
}
