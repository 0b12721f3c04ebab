//! The only module that speaks JavaScript: every wasm-bindgen export lives here.
//! Each export converts its arguments with serde, calls the core, and converts the answer
//! back (JSON-compatible plain objects, camelCase keys; shapes documented in `www/protocol.js`).
//! Errors become a JavaScript `Error` whose message is the core's message plus its hint.

use crate::data::{inspect as inspect_table, read_csv};
use crate::error::AutoMlError;
use crate::search::{run_search as run, Clock, Control, Progress, SearchSettings};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Installs the panic hook so a Rust panic is logged with its message before the trap.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The core's version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

fn into_error(e: AutoMlError) -> JsError {
    JsError::new(&format!("{e} {}", e.hint()))
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| {
            JsError::new(&format!(
                "Internal error: could not convert the answer for JavaScript: {e}"
            ))
        })
}

/// Reads a file's bytes and describes its columns (see `Inspection` in `www/protocol.js`).
#[wasm_bindgen]
pub fn inspect(bytes: &[u8], file_name: &str) -> Result<JsValue, JsError> {
    let table = read_csv(bytes, file_name).map_err(into_error)?;
    to_js(&inspect_table(&table))
}

/// A clock reading `Date.now()`, the one time source available in every worker.
struct DateClock;

impl Clock for DateClock {
    fn now_s(&self) -> f64 {
        js_sys::Date::now() / 1000.0
    }
}

/// Runs a budgeted search on a file. `settings` is a `RunSettings` object; `on_progress` is
/// called with each `Progress` event. Returns a `SearchResult` object.
#[wasm_bindgen]
pub fn run_search(
    bytes: &[u8],
    file_name: &str,
    settings: JsValue,
    on_progress: &js_sys::Function,
) -> Result<JsValue, JsError> {
    let settings: SearchSettings = serde_wasm_bindgen::from_value(settings)
        .map_err(|e| JsError::new(&format!("The run settings are invalid: {e}.")))?;
    let table = read_csv(bytes, file_name).map_err(into_error)?;
    let mut observer = |event: &Progress| {
        if let Ok(value) = to_js(event) {
            // A throwing callback must not end the search; its error is the page's to report.
            let _ = on_progress.call1(&JsValue::NULL, &value);
        }
        Control::Continue
    };
    let outcome = run(&table, &settings, &DateClock, &mut observer).map_err(into_error)?;
    to_js(&outcome.result)
}

/// Milliseconds from `performance.now()` where there is one (browsers, Node), else `Date.now()`.
fn now_ms() -> f64 {
    let perf = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"));
    if let Ok(perf) = perf {
        if let Ok(now) = js_sys::Reflect::get(&perf, &JsValue::from_str("now")) {
            if let Some(now) = now.dyn_ref::<js_sys::Function>() {
                if let Some(ms) = now.call0(&perf).ok().and_then(|v| v.as_f64()) {
                    return ms;
                }
            }
        }
    }
    js_sys::Date::now()
}

/// Benchmark entry, not used by the page: fits the tree engine's gradient boosting on `x`
/// (`rows × cols`, row-major) and `y` (numbers for `task` "regression", else class codes)
/// with `params_json` (a `GbmParams` object, seed 0) and returns
/// `{"seconds": fit time, "fingerprint": model digest}` as JSON, for
/// `bench/wasm_vs_native.mjs` to compare with the native build.
#[wasm_bindgen]
pub fn bench_gbm_fit(
    x: &[f64],
    rows: usize,
    cols: usize,
    y: &[f64],
    task: &str,
    params_json: &str,
) -> Result<String, JsError> {
    use crate::trees::{fingerprint, GbmClassifier, GbmParams, GbmRegressor};
    let params: GbmParams = serde_json::from_str(params_json)
        .map_err(|e| JsError::new(&format!("The parameters are invalid: {e}.")))?;
    let x = crate::preprocess::Matrix {
        rows,
        cols,
        data: x.to_vec(),
    };
    let (seconds, print) = if task == "regression" {
        let start = now_ms();
        let m = GbmRegressor::fit(&x, y, &params, 0).map_err(into_error)?;
        (
            (now_ms() - start) / 1000.0,
            fingerprint(&m).map_err(into_error)?,
        )
    } else {
        if y.iter()
            .any(|&v| !(v >= 0.0 && v.fract() == 0.0 && v < 1e6))
        {
            return Err(JsError::new(
                "Class labels must be small non-negative integers.",
            ));
        }
        let codes: Vec<u32> = y.iter().map(|&v| v as u32).collect();
        let start = now_ms();
        let m = GbmClassifier::fit(&x, &codes, &params, 0).map_err(into_error)?;
        (
            (now_ms() - start) / 1000.0,
            fingerprint(&m).map_err(into_error)?,
        )
    };
    Ok(serde_json::json!({ "seconds": seconds, "fingerprint": print }).to_string())
}

/// Fault injection for tests: panics, which traps the wasm instance.
#[wasm_bindgen]
pub fn trigger_panic() {
    panic!("trigger_panic was called to test crash recovery");
}
