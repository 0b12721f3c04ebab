//! Time-series forecasting: one series read from a table (a date column and a numeric
//! target), a budgeted search over forecasting models scored by rolling-origin backtests,
//! an ensemble of the best few kept only when it backtests better, and prediction intervals
//! calibrated on the backtest errors at each horizon step.
//!
//! Backtests: the last `origins × horizon` values are cut into `origins` consecutive windows;
//! for each window the model is fitted on everything before it and forecasts the whole window.
//! Models are ranked by the mean MASE over the windows (each scaled by the in-sample MAE of
//! the seasonal naive forecast on that window's history). Like the tabular search, time is read
//! through a [`Clock`] and every random choice derives from the seed: with a trial budget and no
//! time budget the leaderboard is the same on every run.

pub mod arima;
mod backtest;
pub mod bench;
pub mod ets;
pub mod models;
mod refit;
pub mod series;
pub mod theta;

use crate::clock::Clock;
use crate::data::Table;
use crate::error::{AutoMlError, Result};
use crate::message;
use crate::messages::Message;
use crate::rng::Rng;
pub use backtest::{candidates, interval_widths, plan, run_series, Plan};
pub use ets::{Seasonal, Trend};
pub use models::{forecast, resolve, Context, ForecastSpec, Learner, Transform};
pub use refit::{forecast_points, refit_forecast};
use serde::Serialize;
pub use series::{series_from_table, Frequency, Series, SeriesOptions};

/// The most steps a forecast looks ahead.
pub const MAX_HORIZON: usize = 100_000;

/// What to forecast and how long to search.
#[derive(Debug, Clone)]
pub struct ForecastSettings {
    /// The numeric column to forecast.
    pub target: String,
    /// The date or time column.
    pub date: String,
    /// A column naming the series when the file holds several (only one series is supported).
    pub id: Option<String>,
    /// Steps to forecast (default: the frequency's, see [`Frequency::default_horizon`]).
    pub horizon: Option<usize>,
    /// Seconds for the whole search (None = no time limit).
    pub time_budget_s: Option<f64>,
    /// Stop after this many models (None = no limit).
    pub max_trials: Option<usize>,
    /// Seed of every random step.
    pub seed: u64,
    /// Backtest windows (origins).
    pub origins: usize,
    /// Try an ensemble of the best models.
    pub ensemble: bool,
}

impl Default for ForecastSettings {
    fn default() -> Self {
        ForecastSettings {
            target: String::new(),
            date: String::new(),
            id: None,
            horizon: None,
            time_budget_s: Some(10.0),
            max_trials: None,
            seed: 42,
            origins: 3,
            ensemble: true,
        }
    }
}

/// Forecast accuracy measures.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Scores {
    /// Mean absolute scaled error (by the in-sample seasonal naive MAE).
    pub mase: f64,
    /// Symmetric mean absolute percentage error, in %.
    pub smape: f64,
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
}

/// In-sample MAE of the seasonal naive forecast with lag `m` (lag 1 when `m` ≤ 1 or the
/// series is too short); the MASE scale.
pub fn mase_scale(train: &[f64], m: usize) -> f64 {
    let m = if m >= 1 && train.len() > m { m } else { 1 };
    if train.len() <= m {
        return f64::NAN;
    }
    let d: Vec<f64> = (m..train.len())
        .map(|t| (train[t] - train[t - m]).abs())
        .collect();
    d.iter().sum::<f64>() / d.len() as f64
}

/// Scores `forecast` against `actual` (pairs with a non-finite actual are skipped); `scale`
/// is the MASE denominator. sMAPE counts a pair whose forecast and actual are both 0 as 0.
pub fn score(actual: &[f64], forecast: &[f64], scale: f64) -> Scores {
    let (mut abs, mut sq, mut sm, mut n) = (0.0, 0.0, 0.0, 0usize);
    for (a, f) in actual.iter().zip(forecast) {
        if !a.is_finite() {
            continue;
        }
        let e = f - a;
        abs += e.abs();
        sq += e * e;
        let den = a.abs() + f.abs();
        if den > 0.0 {
            sm += 200.0 * e.abs() / den;
        }
        n += 1;
    }
    if n == 0 {
        return Scores {
            mase: f64::NAN,
            smape: f64::NAN,
            mae: f64::NAN,
            rmse: f64::NAN,
        };
    }
    let nf = n as f64;
    let mae = abs / nf;
    Scores {
        mase: if scale > 0.0 { mae / scale } else { f64::NAN },
        smape: sm / nf,
        mae,
        rmse: (sq / nf).sqrt(),
    }
}

/// One row of the backtest leaderboard.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrialRow {
    /// Rank by mean backtest MASE (1 = best); set when the search ends.
    pub rank: usize,
    /// Trial number in the order tried (1-based; 0 for the ensemble).
    pub trial: usize,
    /// The model's name.
    pub label: String,
    /// The model and its settings.
    pub model: serde_json::Value,
    /// Mean backtest scores over the origins.
    pub scores: Scores,
    /// Seconds spent on the backtests.
    pub time_s: f64,
}

/// A forecast step with its intervals.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForecastPoint {
    /// The step's date, as text.
    pub time: String,
    /// The point forecast.
    pub value: f64,
    /// 80% interval, lower bound.
    pub lo80: f64,
    /// 80% interval, upper bound.
    pub hi80: f64,
    /// 95% interval, lower bound.
    pub lo95: f64,
    /// 95% interval, upper bound.
    pub hi95: f64,
}

/// The winner's forecast of one backtest window.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BacktestWindow {
    /// Dates of the window.
    pub times: Vec<String>,
    /// What the model forecast from the window's start.
    pub forecast: Vec<f64>,
    /// What happened.
    pub actual: Vec<f64>,
    /// The window's scores.
    pub scores: Scores,
}

/// A member of the chosen forecaster and its weight.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The model's name.
    pub label: String,
    /// The model and its settings.
    pub model: serde_json::Value,
    /// Its weight in the mean.
    pub weight: f64,
}

/// Everything a forecasting run produces.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForecastResult {
    /// The target column.
    pub target: String,
    /// The date column.
    pub date_column: String,
    /// Detected frequency.
    pub frequency: Frequency,
    /// Seasonal periods found (main first).
    pub periods: Vec<usize>,
    /// History length.
    pub n: usize,
    /// Steps forecast.
    pub horizon: usize,
    /// Backtest windows and their length.
    pub origins: usize,
    /// Length of each backtest window (the horizon unless the history is short).
    pub backtest_horizon: usize,
    /// Models ranked by mean backtest MASE.
    pub leaderboard: Vec<TrialRow>,
    /// The chosen forecaster: one model, or a weighted mean of several.
    pub best: Vec<Member>,
    /// The chosen forecaster's name.
    pub best_label: String,
    /// The chosen forecaster's mean backtest scores.
    pub best_scores: Scores,
    /// History dates.
    pub history_times: Vec<String>,
    /// History values (gaps filled).
    pub history: Vec<f64>,
    /// The forecast.
    pub forecast: Vec<ForecastPoint>,
    /// The chosen forecaster's backtest windows.
    pub backtests: Vec<BacktestWindow>,
    /// How the intervals were made.
    pub intervals: String,
    /// Share of the calibration errors inside the 80% and 95% intervals.
    pub interval_coverage: (f64, f64),
    /// Notes on the data and the run.
    pub notes: Vec<Message>,
    /// Models tried.
    pub trials: usize,
    /// Seconds for the run.
    pub elapsed_s: f64,
    /// The seed.
    pub seed: u64,
    /// The lag of the naive rule whose in-sample error scales MASE: the main season (the
    /// seasonal naive rule), or 1 (the value one step before) without a season.
    pub mase_lag: usize,
    /// The known covariates the models used (names, in the series' order).
    pub covariates: Vec<String>,
    /// The chosen forecaster as refitted on the whole history: each member with its weight,
    /// an automatic ARIMA with the orders its search chose there (what a forecast model file
    /// keeps, to refit on new data without a search).
    #[serde(skip)]
    pub chosen: Vec<(ForecastSpec, f64)>,
    /// The interval half-widths per step (80%, 95%) of the forecast.
    #[serde(skip)]
    pub widths: (Vec<f64>, Vec<f64>),
}

/// What the page needs to offer a forecast before running one.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeriesInfo {
    /// Detected frequency.
    pub frequency: Frequency,
    /// The frequency's default horizon.
    pub default_horizon: usize,
    /// Values in the history (gaps filled).
    pub n: usize,
    /// Seasonal periods found.
    pub periods: Vec<usize>,
    /// Future rows the file gives (with known covariates), if any.
    pub future_rows: usize,
    /// Notes on the data.
    pub notes: Vec<Message>,
}

/// Reads the series and describes it (frequency, default horizon, seasonality, notes).
pub fn series_info(table: &Table, options: &SeriesOptions) -> Result<SeriesInfo> {
    let s = series_from_table(table, options)?;
    Ok(SeriesInfo {
        frequency: s.frequency,
        default_horizon: s.frequency.default_horizon(),
        n: s.len(),
        periods: s.periods.clone(),
        future_rows: s.future_times.len(),
        notes: s.notes.clone(),
    })
}

/// Reads the series from `table` and runs [`run_series`].
pub fn run_forecast(
    table: &Table,
    settings: &ForecastSettings,
    clock: &dyn Clock,
    observer: &mut dyn FnMut(&TrialRow),
) -> Result<ForecastResult> {
    let series = series_from_table(
        table,
        &SeriesOptions {
            target: settings.target.clone(),
            date: settings.date.clone(),
            id: settings.id.clone(),
        },
    )?;
    run_series(&series, settings, clock, observer)
}

/// The forecast as CSV: date, forecast, and the interval bounds. The file starts with a UTF-8
/// byte-order mark ([`crate::data::CSV_BOM`]), for Excel.
pub fn forecast_csv(result: &ForecastResult) -> String {
    let mut out = format!(
        "{}{},forecast,lo80,hi80,lo95,hi95\n",
        crate::data::CSV_BOM,
        csv_field(&result.date_column)
    );
    for p in &result.forecast {
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            p.time, p.value, p.lo80, p.hi80, p.lo95, p.hi95
        ));
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests;
