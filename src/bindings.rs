//! The only module that speaks JavaScript: every wasm-bindgen export lives here.
//! Each export converts its arguments with serde, calls the core, and converts the answer
//! back (JSON-compatible plain objects, camelCase keys; shapes documented in `www/protocol.js`).
//! Errors become a JavaScript `Error` whose message is the core's message plus its hint.

use crate::data::{
    check_target as check_table_target, classify, inspect as inspect_table, read_table,
    suggested_task, ReadOptions, Table,
};
use crate::error::AutoMlError;
use crate::preprocess::schema_with_choices;
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

fn read(
    bytes: &[u8],
    file_name: &str,
    options: &JsValue,
    on_progress: Option<&js_sys::Function>,
) -> Result<Table, JsError> {
    let options: ReadOptions = if options.is_undefined() || options.is_null() {
        ReadOptions::default()
    } else {
        serde_wasm_bindgen::from_value(options.clone())
            .map_err(|e| JsError::new(&format!("The read options are invalid: {e}.")))?
    };
    let mut progress = |fraction: f64| {
        if let Some(f) = on_progress {
            let event = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&event, &"kind".into(), &"parse".into());
            let _ = js_sys::Reflect::set(&event, &"fraction".into(), &fraction.into());
            let _ = f.call1(&JsValue::NULL, &event);
        }
    };
    read_table(bytes, file_name, &options, &mut progress).map_err(into_error)
}

/// Reads a file's bytes and describes its columns (see `Inspection` in `www/protocol.js`).
/// `options` is `{ sheet }` or undefined; `on_progress` gets `{ kind: "parse", fraction }`.
#[wasm_bindgen]
pub fn inspect(
    bytes: &[u8],
    file_name: &str,
    options: JsValue,
    on_progress: Option<js_sys::Function>,
) -> Result<JsValue, JsError> {
    let table = read(bytes, file_name, &options, on_progress.as_ref())?;
    to_js(&inspect_table(&table))
}

/// Checks a target for the page: class counts, imbalance and leakage warnings (see
/// `TargetCheck` in `www/protocol.js`). `settings` is a `RunSettings` object.
#[wasm_bindgen]
pub fn check_target(bytes: &[u8], file_name: &str, settings: JsValue) -> Result<JsValue, JsError> {
    let table = read(bytes, file_name, &settings, None)?;
    let settings: SearchSettings = serde_wasm_bindgen::from_value(settings)
        .map_err(|e| JsError::new(&format!("The run settings are invalid: {e}.")))?;
    let target = match &settings.target {
        Some(name) => table.column_index(name).map_err(into_error)?,
        None => table.names.len().saturating_sub(1),
    };
    settings.columns.check(&table).map_err(into_error)?;
    let task = settings.task.unwrap_or_else(|| {
        suggested_task(&classify(&table.names[target], &table.columns[target])).0
    });
    let schema = schema_with_choices(&table, &settings.columns);
    to_js(&check_table_target(&table, target, task, &schema))
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
    let table = read(bytes, file_name, &settings, None)?;
    let settings: SearchSettings = serde_wasm_bindgen::from_value(settings)
        .map_err(|e| JsError::new(&format!("The run settings are invalid: {e}.")))?;
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
