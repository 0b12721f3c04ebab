//! Finishing a run with a chosen trial (after Stop, or a row the person chose).

use super::errors::{into_error, message_error};
use super::{finish_run, read, read_settings, to_js, DATE_CLOCK};
use crate::message;
use crate::search::{Control, Progress};
use wasm_bindgen::prelude::*;

/// Finishes a run with trial `trial` of its leaderboard `rows` (the `LeaderboardRow`s the run
/// reported, `config` included): after Stop (`ending` "stopped", the best trial so far) or
/// when the person chose a row ("chosen"). The trial's splits are evaluated again, it is
/// refitted on all rows, explained, and its model file kept for `take_model_file`, exactly as
/// at the end of a search; `elapsed_s` is the search's time before. Returns the `SearchResult`.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn finish_chosen(
    bytes: &[u8],
    file_name: &str,
    settings: JsValue,
    rows: JsValue,
    trial: usize,
    ending: &str,
    elapsed_s: f64,
    on_progress: &js_sys::Function,
) -> Result<JsValue, JsError> {
    let table = read(bytes, file_name, &settings, None)?;
    let settings = read_settings(settings)?;
    let rows: Vec<crate::search::LeaderboardRow> = serde_wasm_bindgen::from_value(rows)
        .map_err(|e| message_error(message!("input.run_settings", detail = e.to_string())))?;
    let ending = match ending {
        "stopped" => crate::search::Ending::Stopped,
        _ => crate::search::Ending::Chosen,
    };
    let mut observer = |event: &Progress| {
        if let Ok(value) = to_js(event) {
            let _ = on_progress.call1(&JsValue::NULL, &value);
        }
        Control::Continue
    };
    let outcome = crate::search::finish_chosen(
        &table,
        &settings,
        rows,
        trial,
        ending,
        elapsed_s,
        &DATE_CLOCK,
        &mut observer,
    )
    .map_err(into_error)?;
    finish_run(&table, &settings, outcome, &mut observer)
}
