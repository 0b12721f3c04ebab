//! The forecast model file: what a forecasting run chose, kept so that the command line and
//! the page can forecast again from new data (the same series extended, or another series with
//! the same columns) without a new search.
//!
//! It is the tabular model file's envelope ([`super::model_file`]: a header with the format's
//! first word and version, the tool, the body's length and FNV-1a checksum, an empty line, a
//! JSON body whose floats read back bit for bit) with the first word `AUTOML-FORECAST`. The
//! body names what it forecasts (target, date column, frequency, horizon, seasonal periods,
//! known covariates) and the chosen forecaster: each member's settings with the choices of a
//! search fixed (an automatic ARIMA as the orders its search picked on the whole history) and
//! its weight, plus the interval half-widths per step the run calibrated on its backtests.
//! Forecasting refits every member's settings on the new history, deterministically (the run's
//! seed), and puts the stored intervals around the result; on the run's own data that is the
//! run's forecast, bit for bit.

use super::model_file::{self, damaged, envelope, model_error, newer, FileKind, FORECAST_MAGIC};
use crate::data::Table;
use crate::error::{AutoMlError, Result};
use crate::forecast::{
    self, ForecastPoint, ForecastResult, ForecastSettings, ForecastSpec, Frequency, Learner,
    Member, Scores, SeriesOptions, MAX_HORIZON,
};
use crate::message;
use crate::messages::{Message, Param, ToParam};
use serde::{Deserialize, Serialize};

/// The forecast model format version this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// Largest season, lag count, window or tree count a loaded file may ask for (a crafted file
/// cannot make the engine allocate without bound).
const MAX_SETTING: usize = 100_000;

/// One model of the chosen forecaster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ForecastMember {
    /// Its name (English, as the command line writes it).
    pub label: String,
    /// Its settings, with a search's choices fixed: what is refitted on new data.
    pub model: ForecastSpec,
    /// Its weight in the mean (the weights add up to 1).
    pub weight: f64,
}

/// The run that made the file: its budget and seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ForecastRunFacts {
    /// Seed of every random step (the boosting learner's refit uses it).
    pub seed: u64,
    /// Seconds the search had (None: no time limit).
    pub time_budget_s: Option<f64>,
    /// Models it could try (None: no limit).
    pub max_trials: Option<usize>,
    /// Models it tried.
    pub trials: usize,
    /// Backtest windows and their length.
    pub origins: usize,
    /// Length of each backtest window.
    pub backtest_horizon: usize,
}

/// Everything a forecast model file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ForecastModelFile {
    /// The format version it was written in.
    pub format_version: u32,
    /// The tool and version that wrote it, e.g. "automl 0.1.0".
    pub created_with: String,
    /// The column it forecasts.
    pub target: String,
    /// The date or time column.
    pub date_column: String,
    /// The series' frequency; new data must have the same.
    pub frequency: Frequency,
    /// Steps it forecasts.
    pub horizon: usize,
    /// Seasonal periods of the run's series (main first), used again on new data.
    pub periods: Vec<usize>,
    /// Known covariates the models use: new data must give them for the forecast period.
    pub covariates: Vec<String>,
    /// The chosen forecaster's name (English).
    pub best_label: String,
    /// The chosen forecaster: one model, or a weighted mean of several.
    pub members: Vec<ForecastMember>,
    /// Its mean backtest scores in the run.
    pub best_scores: Scores,
    /// The lag of the naive rule whose in-sample error scaled MASE (the main season, or 1).
    pub mase_lag: usize,
    /// Interval half-widths per step, 80%.
    pub widths80: Vec<f64>,
    /// Interval half-widths per step, 95%.
    pub widths95: Vec<f64>,
    /// Share of the run's calibration errors inside the 80% and 95% widths.
    pub interval_coverage: (f64, f64),
    /// Values of the history it was fitted on.
    pub history_length: usize,
    /// The history's last date.
    pub history_end: String,
    /// The run's budget, seed and backtests.
    pub run: ForecastRunFacts,
}

fn data_error(file: &str, reason: Message) -> AutoMlError {
    AutoMlError::ForecastData {
        file: file.into(),
        reason,
    }
}

impl ForecastModelFile {
    /// The model file of a forecasting run with `settings` that reported `result`.
    pub fn from_run(result: &ForecastResult, settings: &ForecastSettings) -> ForecastModelFile {
        ForecastModelFile {
            format_version: FORMAT_VERSION,
            created_with: format!("automl {}", crate::VERSION),
            target: result.target.clone(),
            date_column: result.date_column.clone(),
            frequency: result.frequency,
            horizon: result.horizon,
            periods: result.periods.clone(),
            covariates: result.covariates.clone(),
            best_label: result.best_label.clone(),
            members: result
                .chosen
                .iter()
                .map(|(spec, weight)| ForecastMember {
                    label: spec.label(),
                    model: spec.clone(),
                    weight: *weight,
                })
                .collect(),
            best_scores: result.best_scores,
            mase_lag: result.mase_lag,
            widths80: result.widths.0.clone(),
            widths95: result.widths.1.clone(),
            interval_coverage: result.interval_coverage,
            history_length: result.n,
            history_end: result.history_times.last().cloned().unwrap_or_default(),
            run: ForecastRunFacts {
                seed: result.seed,
                time_budget_s: settings.time_budget_s,
                max_trials: settings.max_trials,
                trials: result.trials,
                origins: result.origins,
                backtest_horizon: result.backtest_horizon,
            },
        }
    }

    /// The file's bytes: header and JSON body.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let body = serde_json::to_vec(self).map_err(|e| AutoMlError::Internal {
            reason: message!("internal.model_file_write", detail = e.to_string()),
        })?;
        Ok(model_file::with_header(
            FORECAST_MAGIC,
            FORMAT_VERSION,
            &self.created_with,
            &body,
        ))
    }

    /// A forecast model read from the JSON body alone (no header), checked.
    pub fn from_json(body: &[u8], file: &str) -> Result<ForecastModelFile> {
        let model: ForecastModelFile = serde_json::from_slice(body).map_err(|e| {
            damaged(
                file,
                message!("model_file.unreadable", detail = e.to_string()),
            )
        })?;
        if model.format_version != FORMAT_VERSION {
            return Err(newer(
                file,
                model.format_version,
                model.created_with.to_param(),
                FORMAT_VERSION,
            ));
        }
        model.check(file)?;
        Ok(model)
    }

    /// Checks that the parts fit together and every setting is in range, so forecasting with a
    /// loaded file cannot fail in an unexpected way.
    fn check(&self, file: &str) -> Result<()> {
        let bad = |detail: Message| damaged(file, detail);
        if self.members.is_empty() {
            return Err(bad(message!("forecast_file.no_members")));
        }
        let total: f64 = self.members.iter().map(|m| m.weight).sum();
        if self
            .members
            .iter()
            .any(|m| !(m.weight.is_finite() && m.weight > 0.0))
            || (total - 1.0).abs() > 1e-9
        {
            return Err(bad(message!("forecast_file.weights")));
        }
        let h = self.horizon;
        let widths_ok = |w: &[f64]| w.len() == h && w.iter().all(|v| v.is_finite() && *v >= 0.0);
        if h == 0 || h > MAX_HORIZON || !widths_ok(&self.widths80) || !widths_ok(&self.widths95)
        {
            return Err(bad(message!("forecast_file.widths", horizon = h)));
        }
        if self.periods.iter().any(|&p| p < 2 || p > MAX_SETTING) || self.mase_lag > MAX_SETTING
        {
            return Err(bad(message!("forecast_file.periods")));
        }
        for m in &self.members {
            if !setting_in_range(&m.model) {
                return Err(bad(message!("forecast_file.settings", model = m.label)));
            }
        }
        Ok(())
    }

    /// The fewest values a history needs for the forecaster to be refitted: two seasons and
    /// two more (at least 4), and never more than the run's own history had.
    pub fn min_values(&self) -> usize {
        let season = self.periods.first().copied().unwrap_or(1);
        (2 * season + 2).max(4).min(self.history_length.max(1))
    }

    /// The chosen forecaster, as the forecasting functions take it.
    pub fn chosen(&self) -> Vec<(ForecastSpec, f64)> {
        self.members
            .iter()
            .map(|m| (m.model.clone(), m.weight))
            .collect()
    }

    /// Forecasts the series `table` holds (read by the file's target and date column, named
    /// `file` in messages) from its end: every member refitted on its history, no search.
    pub fn forecast_table(&self, table: &Table, file: &str) -> Result<ForecastResult> {
        let missing: Vec<&String> = [&self.date_column, &self.target]
            .into_iter()
            .chain(&self.covariates)
            .filter(|name| table.column_index(name).is_err())
            .collect();
        if !missing.is_empty() {
            return Err(data_error(
                file,
                message!(
                    "forecast_file.missing_columns",
                    names = Param::list(missing, 12),
                    target = self.target,
                    date = self.date_column
                ),
            ));
        }
        let mut series = forecast::series_from_table(
            table,
            &SeriesOptions {
                target: self.target.clone(),
                date: self.date_column.clone(),
                id: None,
            },
        )?;
        if series.frequency != self.frequency {
            return Err(data_error(
                file,
                message!(
                    "forecast_file.frequency",
                    found = series.frequency.message(),
                    expected = self.frequency.message()
                ),
            ));
        }
        let needed = self.min_values();
        if series.len() < needed {
            return Err(data_error(
                file,
                message!(
                    "forecast_file.too_short",
                    values = series.len(),
                    needed
                ),
            ));
        }
        let h = self.horizon;
        // the model's covariates, in its order, known for the whole forecast period
        let mut covariates = Vec::with_capacity(self.covariates.len());
        let mut absent = Vec::new();
        for name in &self.covariates {
            match series.covariates.iter().find(|c| &c.0 == name) {
                Some(c) if series.future_times.len() >= h => covariates.push(c.clone()),
                _ => absent.push(name.as_str()),
            }
        }
        if !absent.is_empty() {
            return Err(data_error(
                file,
                message!(
                    "forecast_file.covariates",
                    names = Param::list(absent, 12),
                    horizon = h
                ),
            ));
        }
        series.covariates = covariates;
        // the run's seasonal periods: the stored settings mean what they meant in the run
        series.periods = self.periods.clone();
        let chosen = self.chosen();
        let point = forecast::refit_forecast(&series, &chosen, h, self.run.seed)
            .map_err(|e| data_error(file, message!("forecast_file.refit_failed", reason = e.to_message())))?;
        let points: Vec<ForecastPoint> =
            forecast::forecast_points(&series, &point, &self.widths80, &self.widths95);
        let history_times: Vec<String> = series
            .times
            .iter()
            .map(|t| forecast::series::format_time(*t, series.has_time))
            .collect();
        let mut notes = series.notes.clone();
        notes.push(message!(
            "forecast_file.refit",
            n = series.len(),
            end = history_times.last().cloned().unwrap_or_default(),
            made = self.history_length
        ));
        Ok(ForecastResult {
            target: self.target.clone(),
            date_column: self.date_column.clone(),
            frequency: self.frequency,
            periods: self.periods.clone(),
            n: series.len(),
            horizon: h,
            origins: self.run.origins,
            backtest_horizon: self.run.backtest_horizon,
            leaderboard: Vec::new(),
            best: self
                .members
                .iter()
                .map(|m| Member {
                    label: m.label.clone(),
                    model: m.model.params(),
                    weight: m.weight,
                })
                .collect(),
            best_label: self.best_label.clone(),
            best_scores: self.best_scores,
            history: series.values.clone(),
            history_times,
            forecast: points,
            backtests: Vec::new(),
            intervals: "Symmetric intervals of the widths the model's run calibrated on its backtests (nominal coverage 80% and 95%).".into(),
            interval_coverage: self.interval_coverage,
            notes,
            trials: 0,
            elapsed_s: 0.0,
            seed: self.run.seed,
            mase_lag: self.mase_lag,
            covariates: self.covariates.clone(),
            chosen,
            widths: (self.widths80.clone(), self.widths95.clone()),
        })
    }
}

/// Whether a model's settings are within what the engine can fit.
fn setting_in_range(spec: &ForecastSpec) -> bool {
    let ok = |v: usize| v <= MAX_SETTING;
    match spec {
        ForecastSpec::Naive | ForecastSpec::Drift => true,
        ForecastSpec::SeasonalNaive { period } => *period >= 1 && ok(*period),
        ForecastSpec::Mean { window } => ok(*window),
        ForecastSpec::SeasonalMean { period, seasons } => {
            *period >= 1 && ok(*period) && *seasons >= 1 && ok(*seasons)
        }
        ForecastSpec::Ets { period, .. } | ForecastSpec::Theta { period, .. } => {
            *period >= 1 && ok(*period)
        }
        ForecastSpec::Arima { period, order } => {
            *period >= 1
                && ok(*period)
                && order.is_none_or(|o| {
                    o.p <= 10 && o.q <= 10 && o.d <= 2 && o.sp <= 4 && o.sq <= 4 && o.sd <= 1
                })
        }
        ForecastSpec::Regression {
            learner,
            lags,
            window,
            ..
        } => {
            ok(*lags)
                && *window <= 10 * MAX_SETTING
                && match learner {
                    Learner::Ridge { alpha } => alpha.is_finite() && *alpha >= 0.0,
                    Learner::Boosting {
                        rounds,
                        leaves,
                        learning_rate,
                        min_leaf,
                    } => {
                        *rounds >= 1
                            && *rounds <= 10_000
                            && *leaves >= 2
                            && *leaves <= 4096
                            && learning_rate.is_finite()
                            && *learning_rate > 0.0
                            && *min_leaf >= 1
                            && ok(*min_leaf)
                    }
                }
        }
    }
}

/// Reads a forecast model file's bytes: checks the envelope (first word, version, length,
/// checksum) as for any model file, then the body. `file` names the file in messages.
pub fn load(bytes: &[u8], file: &str) -> Result<ForecastModelFile> {
    let (kind, body) = envelope(bytes, file)?;
    if kind == FileKind::Tabular {
        return Err(model_error(
            file,
            message!(
                "model_file.foreign",
                detail = message!("forecast_file.is_tabular")
            ),
        ));
    }
    ForecastModelFile::from_json(body, file)
}
