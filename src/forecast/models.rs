//! Forecasting models: the benchmarks (naive, seasonal naive, drift, mean, seasonal mean),
//! exponential smoothing, and regression on lag, rolling-window, calendar and trend features
//! through the crate's ridge and gradient-boosting learners, applied recursively (a one-step
//! model whose forecasts become the lags of the next step).

use super::ets::{self, Seasonal, Trend};
use crate::data::cells::DatePart;
use crate::error::{AutoMlError, Result};
use crate::matrix::Matrix;
use crate::message;
use crate::messages::Message;
use crate::models::boosting::GradientBoosting;
use crate::models::{ModelSpec, Prediction};
use crate::truth::TargetRef;
use serde::{Deserialize, Serialize};

/// The learner of a regression forecaster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "learner", rename_all = "snake_case")]
pub enum Learner {
    /// Ridge regression on standardized features.
    Ridge {
        /// Penalty.
        alpha: f64,
    },
    /// Histogram gradient boosting (the tree engine).
    Boosting {
        /// Rounds.
        rounds: usize,
        /// Leaves per tree.
        leaves: usize,
        /// Learning rate.
        learning_rate: f64,
        /// Fewest rows per leaf.
        min_leaf: usize,
    },
}

/// What a regression forecaster models: the values, their changes from one step to the next,
/// or their changes from the same point one season earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// The values themselves.
    None,
    /// `y[t] - y[t-1]`.
    Difference,
    /// `y[t] - y[t-m]` with `m` the main seasonal period.
    SeasonalDifference,
}

/// A forecasting model and its settings: plain data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum ForecastSpec {
    /// The last value, repeated.
    Naive,
    /// The value one season earlier.
    SeasonalNaive {
        /// Season length.
        period: usize,
    },
    /// The last value plus the average change per step so far.
    Drift,
    /// The mean of the last `window` values (0 = all).
    Mean {
        /// Values averaged.
        window: usize,
    },
    /// For each position in the season, the mean of the last `seasons` seasons at that position.
    SeasonalMean {
        /// Season length.
        period: usize,
        /// Seasons averaged.
        seasons: usize,
    },
    /// Exponential smoothing.
    Ets {
        /// Trend component.
        trend: Trend,
        /// Seasonal component.
        seasonal: Seasonal,
        /// Season length (1 without seasonality).
        period: usize,
    },
    /// Seasonal ARIMA: the orders chosen on each history by the stepwise search (`order`
    /// `None`), or fixed.
    Arima {
        /// Season length (1 without a season).
        period: usize,
        /// Fixed orders, or `None` for the automatic choice.
        order: Option<super::arima::Order>,
    },
    /// The Theta method (θ = 2) or optimized Theta, seasonally adjusted when the series is
    /// seasonal at `period`.
    Theta {
        /// Season length tested (1: none).
        period: usize,
        /// θ chosen by in-sample error.
        optimized: bool,
        /// The trend line updated as the data arrive.
        dynamic: bool,
    },
    /// Regression on features of the past, applied recursively.
    Regression {
        /// The learner.
        learner: Learner,
        /// Lags 1..=lags of the modelled quantity (plus each seasonal period's lag).
        lags: usize,
        /// What is modelled.
        transform: Transform,
        /// A linear time trend input (ridge only).
        trend: bool,
        /// Training uses at most this many of the last rows (0 = all).
        window: usize,
    },
}

impl ForecastSpec {
    /// A short name for leaderboards.
    pub fn label(&self) -> String {
        match self {
            ForecastSpec::Naive => "Naive".into(),
            ForecastSpec::SeasonalNaive { period } => format!("Seasonal naive (m={period})"),
            ForecastSpec::Drift => "Drift".into(),
            ForecastSpec::Mean { window: 0 } => "Mean".into(),
            ForecastSpec::Mean { window } => format!("Mean of last {window}"),
            ForecastSpec::SeasonalMean { period, seasons } => {
                format!("Seasonal mean (m={period}, {seasons} seasons)")
            }
            ForecastSpec::Ets {
                trend,
                seasonal,
                period,
            } => {
                let t = match trend {
                    Trend::None => "N",
                    Trend::Additive => "A",
                    Trend::Damped => "Ad",
                };
                let s = match seasonal {
                    Seasonal::None => "N".to_string(),
                    Seasonal::Additive => format!("A, m={period}"),
                    Seasonal::Multiplicative => format!("M, m={period}"),
                };
                let name = match (trend, seasonal) {
                    (Trend::None, Seasonal::None) => "Simple exp. smoothing",
                    (_, Seasonal::None) => "Holt",
                    _ => "Holt-Winters",
                };
                format!("{name} ({t},{s})")
            }
            ForecastSpec::Arima { period, order } => match order {
                None if *period > 1 => format!("AutoARIMA (m={period})"),
                None => "AutoARIMA".into(),
                Some(o) => o.label(*period),
            },
            ForecastSpec::Theta {
                period,
                optimized,
                dynamic,
            } => {
                let name = match (dynamic, optimized) {
                    (false, false) => "Theta",
                    (false, true) => "Optimized theta",
                    (true, false) => "Dynamic theta",
                    (true, true) => "Dynamic optimized theta",
                };
                if *period > 1 {
                    format!("{name} (m={period})")
                } else {
                    name.into()
                }
            }
            ForecastSpec::Regression {
                learner,
                lags,
                transform,
                trend,
                window,
            } => {
                let l = match learner {
                    Learner::Ridge { alpha } => format!("Ridge (alpha={})", short_number(*alpha)),
                    Learner::Boosting {
                        rounds,
                        leaves,
                        learning_rate,
                        ..
                    } => format!(
                        "Boosting ({rounds} rounds, {leaves} leaves, rate {})",
                        short_number(*learning_rate)
                    ),
                };
                let t = match transform {
                    Transform::None => "",
                    Transform::Difference => ", differenced",
                    Transform::SeasonalDifference => ", seasonally differenced",
                };
                let tr = if *trend { ", trend" } else { "" };
                let w = if *window > 0 && *window < 5000 {
                    format!(", last {window} values")
                } else {
                    String::new()
                };
                if *lags == 0 {
                    format!("{l} on calendar{tr}{t}{w}")
                } else {
                    format!("{l} on lags 1-{lags}{t}{tr}{w}")
                }
            }
        }
    }

    /// Its settings as JSON, for leaderboards.
    pub fn params(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// A rough cost class: 0 benchmarks, 1 smoothing and Theta, 2 ridge, 3 trees, 4 ARIMA.
    pub fn cost_class(&self) -> u8 {
        match self {
            ForecastSpec::Ets { .. } | ForecastSpec::Theta { .. } => 1,
            ForecastSpec::Arima { .. } => 4,
            ForecastSpec::Regression {
                learner: Learner::Ridge { .. },
                ..
            } => 2,
            ForecastSpec::Regression { .. } => 3,
            _ => 0,
        }
    }
}

fn short_number(v: f64) -> String {
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "0" || text == "-0" {
        format!("{v:.1e}")
    } else {
        text.to_string()
    }
}

/// What a model may know besides the history: timestamps and known covariates for the
/// history and the forecast period, and the seasonal periods.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Timestamps (seconds), at least history + horizon long.
    pub times: &'a [f64],
    /// Known covariates, each at least history + horizon long.
    pub covariates: &'a [&'a [f64]],
    /// Seasonal periods (main first).
    pub periods: &'a [usize],
    /// Whether the timestamps have a time of day that matters (hourly data).
    pub hourly: bool,
}

fn fail(spec: &ForecastSpec, reason: Message) -> AutoMlError {
    AutoMlError::ModelFailed {
        family: spec.label(),
        reason,
    }
}

/// Forecasts `h` steps after `y` with `spec`. Errors when the history is too short for the
/// model or the fit fails; the values are always finite on success.
pub fn forecast(
    spec: &ForecastSpec,
    y: &[f64],
    ctx: &Context<'_>,
    h: usize,
    seed: u64,
) -> Result<Vec<f64>> {
    let n = y.len();
    if n == 0 {
        return Err(fail(spec, message!("forecast_model.empty_history")));
    }
    let last = y[n - 1];
    let out = match spec {
        ForecastSpec::Naive => vec![last; h],
        ForecastSpec::SeasonalNaive { period } => {
            let m = *period;
            if m == 0 || n < m {
                return Err(fail(
                    spec,
                    message!("forecast_model.needs_values", values = m),
                ));
            }
            (0..h).map(|k| y[n - m + k % m]).collect()
        }
        ForecastSpec::Drift => {
            let slope = if n > 1 {
                (last - y[0]) / (n - 1) as f64
            } else {
                0.0
            };
            (1..=h).map(|k| last + slope * k as f64).collect()
        }
        ForecastSpec::Mean { window } => {
            let w = if *window == 0 { n } else { (*window).min(n) };
            let mean = y[n - w..].iter().sum::<f64>() / w as f64;
            vec![mean; h]
        }
        ForecastSpec::SeasonalMean { period, seasons } => {
            let m = *period;
            let k = (*seasons).min(n / m.max(1));
            if m == 0 || k == 0 {
                return Err(fail(
                    spec,
                    message!("forecast_model.needs_values", values = m),
                ));
            }
            (0..h)
                .map(|j| {
                    let pos = j % m;
                    (0..k).map(|s| y[n - m * (s + 1) + pos]).sum::<f64>() / k as f64
                })
                .collect()
        }
        ForecastSpec::Ets {
            trend,
            seasonal,
            period,
        } => {
            // long histories: the recent part is enough to fit the smoothing parameters
            let keep = n.min((6 * period).max(1500));
            let fit = ets::fit(&y[n - keep..], *trend, *seasonal, *period)
                .ok_or_else(|| fail(spec, message!("forecast_model.smoothing")))?;
            fit.forecast(h)
        }
        ForecastSpec::Arima { period, order } => {
            // long histories: the recent part carries the model (as for smoothing)
            let keep = n.min((4 * period).max(1000));
            let y = &y[n - keep..];
            let fit = match order {
                None => super::arima::auto(y, *period),
                Some(o) => super::arima::fit(y, *period, *o),
            };
            fit.ok_or_else(|| {
                fail(
                    spec,
                    message!("forecast_model.needs_more_values", values = keep),
                )
            })?
            .forecast(h)
        }
        ForecastSpec::Theta {
            period,
            optimized,
            dynamic,
        } => {
            let keep = n.min((6 * period).max(1500));
            super::theta::fit(&y[n - keep..], *period, *optimized, *dynamic)
                .ok_or_else(|| fail(spec, message!("forecast_model.needs_values", values = 4)))?
                .forecast(h)
        }
        ForecastSpec::Regression { .. } => regression(spec, y, ctx, h, seed)?,
    };
    if out.iter().any(|v| !v.is_finite()) {
        return Err(fail(spec, message!("forecast_model.not_finite")));
    }
    Ok(out)
}

/// `spec` as it forecasts after `y`, with every choice made by a search fixed: an automatic
/// ARIMA becomes the orders its stepwise search picks on (the recent part of) `y`, so the
/// model refits on other data without a new search; any other model is returned as it is.
/// `forecast` with the result gives the same values as with `spec`, bit for bit.
pub fn resolve(spec: &ForecastSpec, y: &[f64]) -> ForecastSpec {
    if let ForecastSpec::Arima {
        period,
        order: None,
    } = spec
    {
        let n = y.len();
        let keep = n.min((4 * period).max(1000));
        if let Some(fit) = super::arima::auto(&y[n - keep..], *period) {
            return ForecastSpec::Arima {
                period: *period,
                order: Some(fit.order),
            };
        }
    }
    spec.clone()
}

struct Features<'a> {
    lags: Vec<usize>,
    windows: Vec<usize>,
    fourier: Vec<(usize, usize)>,
    trend: bool,
    ctx: &'a Context<'a>,
    calendar: Vec<DatePart>,
}

impl Features<'_> {
    fn needed(&self) -> usize {
        let l = self.lags.iter().copied().max().unwrap_or(0);
        let w = self.windows.iter().copied().max().unwrap_or(0);
        l.max(w)
    }

    /// Features for the step at index `t` from the modelled quantity `z` (known before `t`).
    fn row(&self, z: &[f64], t: usize, n0: f64, out: &mut Vec<f64>) {
        out.clear();
        for &l in &self.lags {
            out.push(z[t - l]);
        }
        for &w in &self.windows {
            out.push(z[t - w..t].iter().sum::<f64>() / w as f64);
        }
        for &(m, k) in &self.fourier {
            let phase = 2.0 * std::f64::consts::PI * (t % m) as f64 / m as f64;
            for j in 1..=k {
                // portable sine and cosine: the same features natively and in wasm
                out.push(crate::math::sin(phase * j as f64));
                out.push(crate::math::cos(phase * j as f64));
            }
        }
        let time = self.ctx.times[t];
        for part in &self.calendar {
            out.push(part.of(time));
        }
        if self.trend {
            out.push(t as f64 / n0);
        }
        for c in self.ctx.covariates {
            out.push(c[t]);
        }
    }
}

enum Fitted {
    Linear {
        coef: Vec<f64>,
        intercept: f64,
        mean: Vec<f64>,
        scale: Vec<f64>,
    },
    Model(crate::models::FittedModel),
}

impl Fitted {
    fn predict(&self, row: &[f64]) -> Result<f64> {
        match self {
            Fitted::Linear {
                coef,
                intercept,
                mean,
                scale,
            } => Ok(intercept
                + row
                    .iter()
                    .enumerate()
                    .map(|(j, v)| coef[j] * (v - mean[j]) / scale[j])
                    .sum::<f64>()),
            Fitted::Model(m) => {
                let x = Matrix {
                    rows: 1,
                    cols: row.len(),
                    data: row.to_vec(),
                };
                match m.predict(&x)? {
                    Prediction::Values(v) => Ok(v.first().copied().unwrap_or(0.0)),
                    Prediction::Classes(_) => Ok(0.0),
                }
            }
        }
    }
}

fn regression(
    spec: &ForecastSpec,
    y: &[f64],
    ctx: &Context<'_>,
    h: usize,
    seed: u64,
) -> Result<Vec<f64>> {
    let ForecastSpec::Regression {
        learner,
        lags,
        transform,
        trend,
        window,
    } = spec
    else {
        return Err(fail(spec, message!("forecast_model.not_regression")));
    };
    let n = y.len();
    if ctx.times.len() < n + h || ctx.covariates.iter().any(|c| c.len() < n + h) {
        return Err(fail(spec, message!("forecast_model.future_missing")));
    }
    let m = ctx.periods.first().copied().unwrap_or(1);
    let d = match transform {
        Transform::None => 0,
        Transform::Difference => 1,
        Transform::SeasonalDifference if m > 1 => m,
        Transform::SeasonalDifference => {
            return Err(fail(spec, message!("forecast_model.no_season")))
        }
    };
    // z[t] = y[t] - y[t-d] (NaN before d)
    let mut yy: Vec<f64> = y.to_vec();
    let mut z: Vec<f64> = (0..n)
        .map(|t| {
            if d == 0 {
                y[t]
            } else if t >= d {
                y[t] - y[t - d]
            } else {
                f64::NAN
            }
        })
        .collect();
    let mut lag_set: Vec<usize> = (1..=*lags).collect();
    let mut windows = Vec::new();
    if *lags > 0 {
        for &p in ctx.periods {
            if p > *lags && p + d < n / 2 {
                lag_set.push(p);
            }
            if p + d < n / 2 {
                windows.push(p);
            }
        }
        windows.push(3.min(*lags).max(1));
        windows.sort_unstable();
        windows.dedup();
    }
    let fourier: Vec<(usize, usize)> = ctx
        .periods
        .iter()
        .map(|&p| (p, (p / 2).min(if p >= 100 { 3 } else { 4 })))
        .filter(|f| f.1 > 0)
        .collect();
    let boosting = matches!(learner, Learner::Boosting { .. });
    let calendar = if boosting {
        let mut c = vec![DatePart::Month];
        if ctx.hourly {
            c.push(DatePart::Hour);
        }
        c.push(DatePart::Weekday);
        c.push(DatePart::DayOfYear);
        c
    } else {
        Vec::new()
    };
    let feats = Features {
        lags: lag_set,
        windows,
        fourier,
        trend: *trend && !boosting,
        ctx,
        calendar,
    };
    let start = feats.needed() + d;
    let start = start.max(n.saturating_sub(if *window == 0 { n } else { *window }));
    if n < start + 10 {
        return Err(fail(
            spec,
            message!("forecast_model.needs_more_values", values = start + 10),
        ));
    }
    let rows = n - start;
    let mut data = Vec::new();
    let mut target = Vec::with_capacity(rows);
    let mut row = Vec::new();
    for t in start..n {
        feats.row(&z, t, n as f64, &mut row);
        data.extend_from_slice(&row);
        target.push(z[t]);
    }
    let cols = row.len();
    if cols == 0 {
        return Err(fail(spec, message!("forecast_model.no_inputs")));
    }
    let x = Matrix { rows, cols, data };
    let fitted = match learner {
        Learner::Ridge { alpha } => {
            let mut mean = vec![0.0; cols];
            let mut scale = vec![0.0; cols];
            for r in 0..rows {
                for j in 0..cols {
                    mean[j] += x.data[r * cols + j] / rows as f64;
                }
            }
            for r in 0..rows {
                for j in 0..cols {
                    scale[j] += (x.data[r * cols + j] - mean[j]).powi(2) / rows as f64;
                }
            }
            let scale: Vec<f64> = scale
                .iter()
                .map(|v| if v.sqrt() > 1e-12 { v.sqrt() } else { 1.0 })
                .collect();
            let mut xs = x.clone();
            for r in 0..rows {
                for j in 0..cols {
                    xs.data[r * cols + j] = (xs.data[r * cols + j] - mean[j]) / scale[j];
                }
            }
            let w = vec![1.0; rows];
            let lin = crate::models::linear::fit_ridge(&xs, &target, &w, *alpha);
            Fitted::Linear {
                coef: lin.coef,
                intercept: lin.intercept,
                mean,
                scale,
            }
        }
        Learner::Boosting {
            rounds,
            leaves,
            learning_rate,
            min_leaf,
        } => {
            let model = ModelSpec::GradientBoosting(GradientBoosting {
                n_rounds: *rounds,
                learning_rate: *learning_rate,
                max_leaves: *leaves,
                min_samples_leaf: *min_leaf,
                subsample: 1.0,
                colsample: 1.0,
                lambda: 1.0,
            });
            Fitted::Model(model.fit(&x, TargetRef::Values(&target), seed)?)
        }
    };
    let mut out = Vec::with_capacity(h);
    for t in n..n + h {
        feats.row(&z, t, n as f64, &mut row);
        let zt = fitted.predict(&row)?;
        let yt = if d == 0 { zt } else { zt + yy[t - d] };
        if !yt.is_finite() {
            return Err(fail(spec, message!("forecast_model.not_finite")));
        }
        z.push(zt);
        yy.push(yt);
        out.push(yt);
    }
    Ok(out)
}
