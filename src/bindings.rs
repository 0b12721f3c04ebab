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

/// Fault injection for tests: panics, which traps the wasm instance.
#[wasm_bindgen]
pub fn trigger_panic() {
    panic!("trigger_panic was called to test crash recovery");
}
