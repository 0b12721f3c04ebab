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
use serde::Serialize;
use serde_json::Value;

/// The forecast model format version this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// Largest season, lag count, window or tree count a loaded file may ask for (a crafted file
/// cannot make the engine allocate without bound).
const MAX_SETTING: usize = 100_000;

/// One model of the chosen forecaster.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// Everything a forecast model file holds. Written with serde; read by hand from the JSON
/// value ([`ForecastModelFile::from_json`]): serde's derived reading of the models' tagged
/// settings added 26 KB (gzip) to the page's engine, read here in a few lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
        // through a JSON value: the models' settings already become values for leaderboards,
        // so the page's engine carries no second copy of their writing code
        let body = serde_json::to_value(self)
            .and_then(|v| serde_json::to_vec(&v))
            .map_err(|e| AutoMlError::Internal {
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
        let unreadable = |detail: String| damaged(file, message!("model_file.unreadable", detail));
        let value: Value = serde_json::from_slice(body).map_err(|e| unreadable(e.to_string()))?;
        let r = Reader(&value);
        let version = r.int("formatVersion").map_err(&unreadable)?;
        let created_with = r.text("createdWith").map_err(&unreadable)?;
        if version != u64::from(FORMAT_VERSION) {
            return Err(newer(
                file,
                u32::try_from(version).unwrap_or(u32::MAX),
                created_with.to_param(),
                FORMAT_VERSION,
            ));
        }
        let model = read_file(&r, created_with).map_err(unreadable)?;
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
        if h == 0 || h > MAX_HORIZON || !widths_ok(&self.widths80) || !widths_ok(&self.widths95) {
            return Err(bad(message!("forecast_file.widths", horizon = h)));
        }
        if self.periods.iter().any(|&p| p < 2 || p > MAX_SETTING) || self.mase_lag > MAX_SETTING {
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
                message!("forecast_file.too_short", values = series.len(), needed),
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
        let point = forecast::refit_forecast(&series, &chosen, h, self.run.seed).map_err(|e| {
            data_error(
                file,
                message!("forecast_file.refit_failed", reason = e.to_message()),
            )
        })?;
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

/// Reads the fields of a JSON object by name; an error names the field.
struct Reader<'a>(&'a Value);

impl<'a> Reader<'a> {
    fn get(&self, key: &str) -> std::result::Result<&'a Value, String> {
        self.0.get(key).ok_or_else(|| format!("no field \"{key}\""))
    }
    fn bad(key: &str) -> String {
        format!("the field \"{key}\" has the wrong type")
    }
    fn text(&self, key: &str) -> std::result::Result<String, String> {
        self.get(key)?
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| Self::bad(key))
    }
    fn int(&self, key: &str) -> std::result::Result<u64, String> {
        self.get(key)?.as_u64().ok_or_else(|| Self::bad(key))
    }
    fn size(&self, key: &str) -> std::result::Result<usize, String> {
        usize::try_from(self.int(key)?).map_err(|_| Self::bad(key))
    }
    fn num(&self, key: &str) -> std::result::Result<f64, String> {
        self.get(key)?.as_f64().ok_or_else(|| Self::bad(key))
    }
    fn flag(&self, key: &str) -> std::result::Result<bool, String> {
        self.get(key)?.as_bool().ok_or_else(|| Self::bad(key))
    }
    fn list(&self, key: &str) -> std::result::Result<&'a Vec<Value>, String> {
        self.get(key)?.as_array().ok_or_else(|| Self::bad(key))
    }
    fn nums(&self, key: &str) -> std::result::Result<Vec<f64>, String> {
        self.list(key)?
            .iter()
            .map(|v| v.as_f64().ok_or_else(|| Self::bad(key)))
            .collect()
    }
    fn sizes(&self, key: &str) -> std::result::Result<Vec<usize>, String> {
        self.list(key)?
            .iter()
            .map(|v| {
                v.as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| Self::bad(key))
            })
            .collect()
    }
    fn texts(&self, key: &str) -> std::result::Result<Vec<String>, String> {
        self.list(key)?
            .iter()
            .map(|v| v.as_str().map(str::to_string).ok_or_else(|| Self::bad(key)))
            .collect()
    }
    /// A number or null (None).
    fn maybe_num(&self, key: &str) -> std::result::Result<Option<f64>, String> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_f64().map(Some).ok_or_else(|| Self::bad(key)),
        }
    }
    fn maybe_size(&self, key: &str) -> std::result::Result<Option<usize>, String> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| Self::bad(key)),
        }
    }
    fn at(&self, key: &str) -> std::result::Result<Reader<'a>, String> {
        Ok(Reader(self.get(key)?))
    }
}

fn read_file(
    r: &Reader<'_>,
    created_with: String,
) -> std::result::Result<ForecastModelFile, String> {
    let frequency = match r.text("frequency")?.as_str() {
        "hourly" => Frequency::Hourly,
        "daily" => Frequency::Daily,
        "weekly" => Frequency::Weekly,
        "monthly" => Frequency::Monthly,
        "quarterly" => Frequency::Quarterly,
        "yearly" => Frequency::Yearly,
        _ => return Err(Reader::bad("frequency")),
    };
    let scores = r.at("bestScores")?;
    let coverage = r.nums("intervalCoverage")?;
    let [in80, in95] = coverage[..] else {
        return Err(Reader::bad("intervalCoverage"));
    };
    let run = r.at("run")?;
    Ok(ForecastModelFile {
        format_version: FORMAT_VERSION,
        created_with,
        target: r.text("target")?,
        date_column: r.text("dateColumn")?,
        frequency,
        horizon: r.size("horizon")?,
        periods: r.sizes("periods")?,
        covariates: r.texts("covariates")?,
        best_label: r.text("bestLabel")?,
        members: r
            .list("members")?
            .iter()
            .map(|m| {
                let m = Reader(m);
                Ok(ForecastMember {
                    label: m.text("label")?,
                    model: read_spec(&m.at("model")?)?,
                    weight: m.num("weight")?,
                })
            })
            .collect::<std::result::Result<_, String>>()?,
        best_scores: Scores {
            mase: scores.num("mase")?,
            smape: scores.num("smape")?,
            mae: scores.num("mae")?,
            rmse: scores.num("rmse")?,
        },
        mase_lag: r.size("maseLag")?,
        widths80: r.nums("widths80")?,
        widths95: r.nums("widths95")?,
        interval_coverage: (in80, in95),
        history_length: r.size("historyLength")?,
        history_end: r.text("historyEnd")?,
        run: ForecastRunFacts {
            seed: run.int("seed")?,
            time_budget_s: run.maybe_num("timeBudgetS")?,
            max_trials: run.maybe_size("maxTrials")?,
            trials: run.size("trials")?,
            origins: run.size("origins")?,
            backtest_horizon: run.size("backtestHorizon")?,
        },
    })
}

/// A model's settings as [`ForecastSpec`] writes them (`{"model": "ets", "trend": ...}`).
fn read_spec(r: &Reader<'_>) -> std::result::Result<ForecastSpec, String> {
    use crate::forecast::{Seasonal, Transform, Trend};
    let spec = match r.text("model")?.as_str() {
        "naive" => ForecastSpec::Naive,
        "drift" => ForecastSpec::Drift,
        "seasonal_naive" => ForecastSpec::SeasonalNaive {
            period: r.size("period")?,
        },
        "mean" => ForecastSpec::Mean {
            window: r.size("window")?,
        },
        "seasonal_mean" => ForecastSpec::SeasonalMean {
            period: r.size("period")?,
            seasons: r.size("seasons")?,
        },
        "ets" => ForecastSpec::Ets {
            trend: match r.text("trend")?.as_str() {
                "none" => Trend::None,
                "additive" => Trend::Additive,
                "damped" => Trend::Damped,
                _ => return Err(Reader::bad("trend")),
            },
            seasonal: match r.text("seasonal")?.as_str() {
                "none" => Seasonal::None,
                "additive" => Seasonal::Additive,
                "multiplicative" => Seasonal::Multiplicative,
                _ => return Err(Reader::bad("seasonal")),
            },
            period: r.size("period")?,
        },
        "arima" => ForecastSpec::Arima {
            period: r.size("period")?,
            order: match r.0.get("order") {
                None | Some(Value::Null) => None,
                Some(o) => {
                    let o = Reader(o);
                    Some(crate::forecast::arima::Order {
                        p: o.size("p")?,
                        d: o.size("d")?,
                        q: o.size("q")?,
                        sp: o.size("sp")?,
                        sd: o.size("sd")?,
                        sq: o.size("sq")?,
                        constant: o.flag("constant")?,
                    })
                }
            },
        },
        "theta" => ForecastSpec::Theta {
            period: r.size("period")?,
            optimized: r.flag("optimized")?,
            dynamic: r.flag("dynamic")?,
        },
        "regression" => {
            let l = r.at("learner")?;
            ForecastSpec::Regression {
                learner: match l.text("learner")?.as_str() {
                    "ridge" => Learner::Ridge {
                        alpha: l.num("alpha")?,
                    },
                    "boosting" => Learner::Boosting {
                        rounds: l.size("rounds")?,
                        leaves: l.size("leaves")?,
                        learning_rate: l.num("learning_rate")?,
                        min_leaf: l.size("min_leaf")?,
                    },
                    _ => return Err(Reader::bad("learner")),
                },
                lags: r.size("lags")?,
                transform: match r.text("transform")?.as_str() {
                    "none" => Transform::None,
                    "difference" => Transform::Difference,
                    "seasonal_difference" => Transform::SeasonalDifference,
                    _ => return Err(Reader::bad("transform")),
                },
                trend: r.flag("trend")?,
                window: r.size("window")?,
            }
        }
        _ => return Err(Reader::bad("model")),
    };
    Ok(spec)
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
