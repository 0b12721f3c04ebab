//! The forecasting exports: a series' description, a forecasting run (with its forecast model
//! file), and forecasting again from a saved forecast model file.

use super::errors::{into_error, message_error};
use super::{read, to_js, DateClock, WithCsv};
use crate::forecast::ForecastResult;
use crate::message;
use crate::results::forecast_file::{load as load_forecast, ForecastModelFile};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// The page's forecast settings (`ForecastSettings` in `www/protocol-types.js`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ForecastRunSettings {
    target: String,
    date: String,
    id: Option<String>,
    horizon: Option<usize>,
    time_budget_s: Option<f64>,
    max_trials: Option<usize>,
    seed: Option<u64>,
}

impl ForecastRunSettings {
    fn parse(settings: JsValue) -> Result<ForecastRunSettings, JsError> {
        serde_wasm_bindgen::from_value(settings)
            .map_err(|e| message_error(message!("input.forecast_settings", detail = e.to_string())))
    }

    fn series(&self) -> crate::forecast::SeriesOptions {
        crate::forecast::SeriesOptions {
            target: self.target.clone(),
            date: self.date.clone(),
            id: self.id.clone(),
        }
    }
}

/// Describes the series a date column and a target make (`SeriesInfo` in `www/protocol-types.js`):
/// frequency, default horizon, seasonal periods, notes.
#[wasm_bindgen]
pub fn forecast_info(bytes: &[u8], file_name: &str, settings: JsValue) -> Result<JsValue, JsError> {
    let table = read(bytes, file_name, &settings, None)?;
    let s = ForecastRunSettings::parse(settings)?;
    to_js(&crate::forecast::series_info(&table, &s.series()).map_err(into_error)?)
}

/// Forecasts a series (`ForecastResult` in `www/protocol-types.js`, with `csv`: the file
/// `automl fit --date ... --out` writes); `on_progress` gets
/// `{ kind: "forecastTrial", row: ForecastRow }` as each model's backtests finish.
#[wasm_bindgen]
pub fn forecast(
    bytes: &[u8],
    file_name: &str,
    settings: JsValue,
    on_progress: &js_sys::Function,
) -> Result<JsValue, JsError> {
    let table = read(bytes, file_name, &settings, None)?;
    let s = ForecastRunSettings::parse(settings)?;
    let defaults = crate::forecast::ForecastSettings::default();
    // as on the command line: a trial budget without a time budget has no time limit
    let time_budget_s = match (s.time_budget_s, s.max_trials) {
        (None, Some(_)) => None,
        (t, _) => t.or(defaults.time_budget_s),
    };
    let settings = crate::forecast::ForecastSettings {
        target: s.target.clone(),
        date: s.date.clone(),
        id: s.id.clone(),
        horizon: s.horizon,
        time_budget_s,
        max_trials: s.max_trials,
        seed: s.seed.unwrap_or(defaults.seed),
        ..defaults
    };
    let mut observer = |row: &crate::forecast::TrialRow| {
        if let Ok(row) = to_js(row) {
            let event = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&event, &"kind".into(), &"forecastTrial".into());
            let _ = js_sys::Reflect::set(&event, &"row".into(), &row);
            let _ = on_progress.call1(&JsValue::NULL, &event);
        }
    };
    let result = crate::forecast::run_forecast(&table, &settings, &DateClock, &mut observer)
        .map_err(into_error)?;
    let model_file = ForecastModelFile::from_run(&result, &settings)
        .to_bytes()
        .map_err(into_error)?;
    with_model_file(&result, Some(&model_file))
}

/// The result as the page reads it: with `csv` (the command line's file) and, after a run,
/// `modelFile` (the forecast model file's bytes).
fn with_model_file(result: &ForecastResult, model_file: Option<&[u8]>) -> Result<JsValue, JsError> {
    let csv = crate::forecast::forecast_csv(result);
    let value = to_js(&WithCsv { value: result, csv })?;
    if let Some(bytes) = model_file {
        let array = js_sys::Uint8Array::from(bytes);
        let _ = js_sys::Reflect::set(&value, &"modelFile".into(), &array);
    }
    Ok(value)
}

/// What a forecast model file holds (`ForecastModelInfo` in `www/protocol-types.js`): what it
/// forecasts (target, date column, frequency, horizon, seasonal periods, covariates), its
/// models with their weights, the run's scores and seed. Fails with a clear message on a
/// foreign, damaged or newer file.
#[wasm_bindgen]
pub fn forecast_model_info(model: &[u8]) -> Result<JsValue, JsError> {
    to_js(&load_forecast(model, "the model file").map_err(into_error)?)
}

/// Forecasts the series of a data file from its end with a forecast model file: its models
/// refitted on that history, no search (`ForecastResult` in `www/protocol-types.js`, with `csv`: the
/// file `automl predict MODEL DATA --out` writes). `options` is `{ sheet, encoding }` or
/// undefined.
#[wasm_bindgen]
pub fn forecast_with_model(
    model: &[u8],
    bytes: &[u8],
    file_name: &str,
    options: JsValue,
) -> Result<JsValue, JsError> {
    let m = load_forecast(model, "the model file").map_err(into_error)?;
    let table = read(bytes, file_name, &options, None)?;
    let result = m.forecast_table(&table, file_name).map_err(into_error)?;
    with_model_file(&result, None)
}
