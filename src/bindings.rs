//! The only module that speaks JavaScript: every wasm-bindgen export lives here.
//! Each export converts its arguments with serde, calls the core, and converts the answer
//! back (JSON-compatible plain objects, camelCase keys; shapes documented in `www/protocol-types.js`).
//! Errors become a JavaScript `Error` carrying the core's message as `code` and `params` (see
//! `crate::messages`), with `message` and `hint` rendered in English as a fallback.
//! Test hooks (`trigger_panic`, the fault injection) exist only with the cargo feature
//! `test-hooks` (the page's test build, `scripts/build-wasm.sh --test`), and `bench_gbm_fit`
//! only with the feature `bench` (`bench/wasm_vs_native.mjs`): the page's production build
//! exports neither.

use crate::clock::Clock;
use crate::data::{
    classify, inspect as inspect_table, read_table, suggested_task, ReadOptions, Table,
};
use crate::message;
use crate::preprocess::schema_with_choices;
use crate::results::model_file::{fnv1a64, load as load_model, ModelFile};
use crate::search::{
    run_search as run, Control, Progress, SearchSession, SearchSettings, SplitOutput, SplitWorker,
    Trial,
};
use crate::target::check_target as check_table_target;
use errors::{failure_from_js, internal, into_error, message_error};
use serde::Serialize;
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use wasm_bindgen::prelude::*;

#[cfg(feature = "bench")]
mod bench;
mod chosen;
mod errors;
mod forecast;
pub use forecast::{forecast, forecast_info, forecast_model_info, forecast_with_model};

/// Size of the last allocation the system allocator refused, 0 if none was. On wasm32 a
/// refused allocation aborts (a trap indistinguishable from a panic's), so the worker reads
/// this after a trap to tell "out of memory" from a crash.
static FAILED_ALLOCATION: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, noting the size of any allocation it cannot satisfy.
struct NotingAllocator;

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so the
// `GlobalAlloc` contract holds exactly as it does for `System`.
unsafe impl GlobalAlloc for NotingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if ptr.is_null() {
            FAILED_ALLOCATION.store(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if ptr.is_null() {
            FAILED_ALLOCATION.store(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if new.is_null() {
            FAILED_ALLOCATION.store(new_size, Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: NotingAllocator = NotingAllocator;

/// Bytes of the last allocation that failed (0 if none did). Safe to call after a trap: it
/// reads one number and touches no other state.
#[wasm_bindgen]
pub fn failed_allocation_bytes() -> f64 {
    FAILED_ALLOCATION.load(Ordering::Relaxed) as f64
}

/// Installs the panic hook so a Rust panic is logged with its message before the trap.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    let _ = crate::data::encoding::EUC_KR_DECODER.set(euc_kr_text_decoder);
}

#[wasm_bindgen]
extern "C" {
    /// The browser's (and Node's) WHATWG `TextDecoder`.
    type TextDecoder;
    #[wasm_bindgen(constructor, catch)]
    fn new(label: &str, options: &JsValue) -> Result<TextDecoder, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn decode(this: &TextDecoder, bytes: &[u8]) -> Result<String, JsValue>;
}

/// EUC-KR (CP949) through `TextDecoder("euc-kr")`: with `fatal`, None on a malformed sequence.
fn euc_kr_text_decoder(bytes: &[u8], fatal: bool) -> Option<String> {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"fatal".into(), &fatal.into());
    let decoder = TextDecoder::new("euc-kr", &options).ok()?;
    decoder.decode(bytes).ok()
}

/// The core's version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| internal(message!("internal.convert", detail = e.to_string())))
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
            .map_err(|e| message_error(message!("input.read_options", detail = e.to_string())))?
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

/// Whether the page must turn `bytes` (a file called `file_name`) into a table image with the
/// workbook wasm (`read_workbook_image`) first: this engine has no workbook reader.
#[wasm_bindgen]
pub fn is_workbook(bytes: &[u8], file_name: &str) -> bool {
    crate::data::is_workbook(bytes, file_name)
}

/// Reads a file's bytes and describes its columns (see `Inspection` in `www/protocol-types.js`).
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
/// `TargetCheck` in `www/protocol-types.js`). `settings` is a `RunSettings` object.
#[wasm_bindgen]
pub fn check_target(bytes: &[u8], file_name: &str, settings: JsValue) -> Result<JsValue, JsError> {
    let table = read(bytes, file_name, &settings, None)?;
    let settings = read_settings(settings)?;
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

/// TEST-ONLY FAULT INJECTION (cargo feature `test-hooks`, the page's test build only). Two
/// optional fields of `RunSettings` that make the core fail on purpose in the middle of a run,
/// so the browser tests can check that the page survives a crash with its data and
/// leaderboard. Nothing in a file can set them; only the test build's page sets them, through
/// `window.__automl.injectFault` (see `tests/page/test-hooks.js`). Without the feature the
/// fields are not read and `check` does nothing.
#[cfg(feature = "test-hooks")]
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct FaultInjection {
    /// After this many finished trials, fail as `fault_kind` says. By default, never.
    fault_after_trials: Option<usize>,
    /// "panic" (a Rust panic, the default) or "oom" (allocate until memory runs out).
    fault_kind: Option<String>,
}

#[cfg(feature = "test-hooks")]
impl FaultInjection {
    /// The fault a run's settings ask for (none if they ask for none or cannot be read).
    fn from_settings(settings: &JsValue) -> FaultInjection {
        serde_wasm_bindgen::from_value(settings.clone()).unwrap_or_default()
    }

    /// Fails as `fault_kind` says once `trials_done` reaches `fault_after_trials`.
    fn check(&self, trials_done: usize) {
        if let Some(after) = self.fault_after_trials {
            if trials_done >= after {
                match self.fault_kind.as_deref() {
                    Some("oom") => exhaust_memory(),
                    _ => panic!("test-only fault injection: faultAfterTrials = {after} reached"),
                }
            }
        }
    }
}

/// The production build has no fault injection: nothing is read, nothing fails.
#[cfg(not(feature = "test-hooks"))]
struct FaultInjection;

#[cfg(not(feature = "test-hooks"))]
impl FaultInjection {
    fn from_settings(_settings: &JsValue) -> FaultInjection {
        FaultInjection
    }

    fn check(&self, _trials_done: usize) {}
}

/// TEST-ONLY FAULT INJECTION: takes memory in 64 MiB blocks, never freed, until the allocator
/// fails, which aborts exactly as a real out-of-memory does. The blocks are never written, so
/// the operating system need not back them with real memory.
#[cfg(feature = "test-hooks")]
fn exhaust_memory() -> ! {
    loop {
        let block: Vec<u8> = Vec::with_capacity(64 << 20);
        std::hint::black_box(block.as_ptr());
        std::mem::forget(block);
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
    let fault = FaultInjection::from_settings(&settings);
    let settings = read_settings(settings)?;
    let mut trials = 0usize;
    let mut observer = |event: &Progress| {
        if let Ok(value) = to_js(event) {
            // A throwing callback must not end the search; its error is the page's to report.
            let _ = on_progress.call1(&JsValue::NULL, &value);
        }
        if let Progress::Trial { .. } = event {
            trials += 1;
            fault.check(trials);
        }
        Control::Continue
    };
    let outcome = run(&table, &settings, &DateClock, &mut observer).map_err(into_error)?;
    finish_run(&table, &settings, outcome, &mut observer)
}

/// After a search: the explain phase (diagnostics) and the model file (through the one results
/// path, [`crate::results::finish_run`]), kept for `take_model_file` and as the cached model.
fn finish_run(
    table: &Table,
    settings: &SearchSettings,
    outcome: crate::search::SearchOutcome,
    observer: &mut dyn crate::search::Observer,
) -> Result<JsValue, JsError> {
    LAST_MODEL_FILE.with(|f| f.borrow_mut().clear());
    let run = crate::results::finish_run(table, settings, outcome, &DateClock, observer, true)
        .map_err(into_error)?;
    let key = fnv1a64(&run.model_bytes);
    LAST_MODEL_FILE.with(|f| *f.borrow_mut() = run.model_bytes);
    MODEL_CACHE.with(|c| *c.borrow_mut() = Some((key, std::rc::Rc::new(run.model))));
    to_js(&run.report)
}

thread_local! {
    /// The model file of the last run (empty if none), taken by `take_model_file`.
    static LAST_MODEL_FILE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The last model used, keyed by the FNV-1a hash of its file's bytes, so what-if calls on
    /// the same model do not parse it again.
    static MODEL_CACHE: std::cell::RefCell<Option<(u64, std::rc::Rc<ModelFile>)>> = const { std::cell::RefCell::new(None) };
}

/// The model file of the last `run_search` (a `Uint8Array`; empty if it could not be made),
/// handed over once: a second call returns an empty array.
#[wasm_bindgen]
pub fn take_model_file() -> Vec<u8> {
    LAST_MODEL_FILE.with(|f| std::mem::take(&mut *f.borrow_mut()))
}

/// The model in `bytes`, from the cache when it is the last one used.
fn model_of(bytes: &[u8]) -> Result<std::rc::Rc<ModelFile>, JsError> {
    let key = fnv1a64(bytes);
    if let Some(m) = MODEL_CACHE.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, m)| m.clone())
    }) {
        return Ok(m);
    }
    let model = std::rc::Rc::new(load_model(bytes, "the model file").map_err(into_error)?);
    MODEL_CACHE.with(|c| *c.borrow_mut() = Some((key, model.clone())));
    Ok(model)
}

/// What a model file holds (see `ModelInfo` in `www/protocol-types.js`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ModelInfo<'a> {
    target: &'a str,
    task: crate::data::Task,
    metric: crate::metrics::Metric,
    classes: &'a [String],
    columns: Vec<crate::results::model_file::ModelColumn>,
    created_with: &'a str,
    format_version: u32,
    best: &'a serde_json::Value,
    ending: crate::search::Ending,
    settings: &'a SearchSettings,
    validation: &'a str,
}

/// Describes a model file: target, task, metric, classes, input columns, version, the best
/// leaderboard row and the run's settings. Fails with a clear message on a foreign, damaged
/// or newer file.
#[wasm_bindgen]
pub fn model_info(model: &[u8]) -> Result<JsValue, JsError> {
    let m = model_of(model)?;
    to_js(&ModelInfo {
        target: &m.target,
        task: m.task,
        metric: m.metric,
        classes: &m.classes,
        columns: m.columns(),
        created_with: &m.created_with,
        format_version: m.format_version,
        best: &m.best,
        ending: m.ending,
        settings: &m.settings,
        validation: &m.validation,
    })
}

/// Predicts every row of a data file with a saved model (see `Predictions` in
/// `www/protocol-types.js`), with `csv`: the file `automl predict` writes. `options` is `{ sheet }`
/// or undefined.
#[wasm_bindgen]
pub fn predict(
    model: &[u8],
    bytes: &[u8],
    file_name: &str,
    options: JsValue,
) -> Result<JsValue, JsError> {
    let m = model_of(model)?;
    let table = read(bytes, file_name, &options, None)?;
    let predictions = m.predict_table(&table).map_err(into_error)?;
    let csv = crate::results::predict::predictions_csv(&predictions);
    to_js(&WithCsv {
        value: &predictions,
        csv,
    })
}

/// A reply with the CSV file the command line writes for it (`csv`), so that the page's
/// download is the command line's file, byte for byte.
#[derive(Serialize)]
struct WithCsv<'a, T: Serialize> {
    #[serde(flatten)]
    value: &'a T,
    csv: String,
}

/// The catalogue the page reads at start-up (see `Catalogue` in `www/protocol-types.js`): default
/// settings, limits, column kinds, tasks, metrics with their direction, model families.
#[wasm_bindgen]
pub fn describe() -> Result<JsValue, JsError> {
    to_js(&crate::results::describe::describe())
}

fn rows_of(rows: JsValue) -> Result<Vec<BTreeMap<String, String>>, JsError> {
    serde_wasm_bindgen::from_value(rows)
        .map_err(|e| message_error(message!("input.rows", detail = e.to_string())))
}

/// Predicts rows given as `[{ column: text }]` (the what-if form; same reply as `predict`).
#[wasm_bindgen]
pub fn predict_rows(model: &[u8], rows: JsValue) -> Result<JsValue, JsError> {
    let m = model_of(model)?;
    to_js(&m.predict_rows(&rows_of(rows)?).map_err(into_error)?)
}

/// Explains one row `{ column: text }` and says how each cell was read (see
/// `RowExplanation` in `www/protocol-types.js`).
#[wasm_bindgen]
pub fn explain_row(model: &[u8], row: JsValue) -> Result<JsValue, JsError> {
    let m = model_of(model)?;
    let row: BTreeMap<String, String> = serde_wasm_bindgen::from_value(row)
        .map_err(|e| message_error(message!("input.row", detail = e.to_string())))?;
    to_js(&m.explain_checked_row(&row).map_err(into_error)?)
}

/// The clock of every session: `Date.now()`.
static DATE_CLOCK: DateClock = DateClock;

fn read_settings(settings: JsValue) -> Result<SearchSettings, JsError> {
    serde_wasm_bindgen::from_value(settings)
        .map_err(|e| message_error(message!("input.run_settings", detail = e.to_string())))
}

fn parse_trial(trial: &str) -> Result<Trial, JsError> {
    serde_json::from_str(trial)
        .map_err(|e| internal(message!("internal.trial_read", detail = e.to_string())))
}

/// A split's output as `{ predictions: Float64Array, averageable: boolean, network?: NetworkTrace,
/// trainScore: number|null }`.
fn output_to_js(output: &SplitOutput) -> JsValue {
    let object = js_sys::Object::new();
    let predictions = js_sys::Float64Array::from(&output.predictions[..]);
    let _ = js_sys::Reflect::set(&object, &"predictions".into(), &predictions);
    let _ = js_sys::Reflect::set(&object, &"averageable".into(), &output.averageable.into());
    if let Some(network) = output.network.as_ref().and_then(|n| to_js(n).ok()) {
        let _ = js_sys::Reflect::set(&object, &"network".into(), &network);
    }
    if let Some(curve) = output.boosting.as_ref().and_then(|c| to_js(c).ok()) {
        let _ = js_sys::Reflect::set(&object, &"boosting".into(), &curve);
    }
    let train = output.train_score.map_or(JsValue::NULL, JsValue::from_f64);
    let _ = js_sys::Reflect::set(&object, &"trainScore".into(), &train);
    object.into()
}

fn output_from_js(value: &JsValue) -> Result<SplitOutput, JsError> {
    let bad = || internal(message!("internal.split_predictions"));
    let predictions = js_sys::Reflect::get(value, &"predictions".into()).map_err(|_| bad())?;
    let predictions = predictions
        .dyn_ref::<js_sys::Float64Array>()
        .ok_or_else(bad)?
        .to_vec();
    let averageable = js_sys::Reflect::get(value, &"averageable".into())
        .map_err(|_| bad())?
        .as_bool()
        .unwrap_or(false);
    let network = js_sys::Reflect::get(value, &"network".into())
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
        .and_then(|v| serde_wasm_bindgen::from_value(v).ok());
    let boosting = js_sys::Reflect::get(value, &"boosting".into())
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
        .and_then(|v| serde_wasm_bindgen::from_value(v).ok());
    let train_score = js_sys::Reflect::get(value, &"trainScore".into())
        .ok()
        .and_then(|v| v.as_f64())
        .filter(|v| v.is_finite());
    Ok(SplitOutput {
        predictions,
        averageable,
        network,
        train_score,
        boosting,
    })
}

/// The lead of a run on a pool of workers (see `www/worker.js`): owns the search session
/// (tuner, leaderboard, ensemble, refit) and the fold data of the splits `s % workers == 0`;
/// hands out trials as JSON text and takes every split's predictions back.
#[wasm_bindgen]
pub struct LeadSession {
    session: SearchSession<'static>,
    fault: FaultInjection,
    /// The file's table and the run's settings, for the explain phase and the model file.
    table: Table,
    settings: SearchSettings,
}

#[wasm_bindgen]
impl LeadSession {
    /// Reads the file and prepares the run for a pool of `workers` (`settings` is a
    /// `RunSettings` object). Time counts from now.
    #[wasm_bindgen(constructor)]
    pub fn new(
        bytes: &[u8],
        file_name: &str,
        settings: JsValue,
        workers: usize,
    ) -> Result<LeadSession, JsError> {
        let table = read(bytes, file_name, &settings, None)?;
        let fault = FaultInjection::from_settings(&settings);
        let settings = read_settings(settings)?;
        let session =
            SearchSession::new(&table, &settings, &DATE_CLOCK, workers).map_err(into_error)?;
        Ok(LeadSession {
            session,
            fault,
            table,
            settings,
        })
    }

    /// Validation splits per trial.
    pub fn splits(&self) -> usize {
        self.session.n_splits()
    }

    /// A `Progress` phase event stamped now ("search", "ensemble" or "refit").
    pub fn phase(&mut self, name: &str) -> Result<JsValue, JsError> {
        to_js(&self.session.phase(name))
    }

    /// The next trial as JSON text (opaque to JavaScript: its seed is a 64-bit integer), or
    /// undefined when the search is over.
    pub fn next_trial(&mut self) -> Result<Option<String>, JsError> {
        // TEST-ONLY FAULT INJECTION (feature `test-hooks`; a plain comment, so the production
        // glue does not mention it): once `faultAfterTrials` trials are told, this fails as
        // `faultKind` says.
        self.fault.check(self.session.trials_done());
        match self.session.next_trial() {
            Some(trial) => serde_json::to_string(&trial)
                .map(Some)
                .map_err(|e| internal(message!("internal.trial_write", detail = e.to_string()))),
            None => Ok(None),
        }
    }

    /// The trial's number (its leaderboard row's `trial`).
    pub fn trial_number(trial: &str) -> Result<usize, JsError> {
        Ok(parse_trial(trial)?.number)
    }

    /// Evaluates `trial` on split `split` (one of this worker's): `{ predictions, averageable }`.
    /// A model that cannot be fitted on this data is an ordinary (not fatal) error.
    pub fn evaluate_split(&self, trial: &str, split: usize) -> Result<JsValue, JsError> {
        let trial = parse_trial(trial)?;
        let output = self
            .session
            .evaluate_split(&trial, split)
            .map_err(into_error)?;
        Ok(output_to_js(&output))
    }

    /// Like `evaluate_split`, calling `on_epoch(trace)` after each epoch of a network with its
    /// layers and its learning curve so far (the page draws the trial being trained; the
    /// worker keeps it to a few calls a second). Watching changes no result.
    pub fn evaluate_split_watched(
        &self,
        trial: &str,
        split: usize,
        on_epoch: js_sys::Function,
    ) -> Result<JsValue, JsError> {
        let trial = parse_trial(trial)?;
        let output = crate::models::neural_network::watch_epochs(
            move |trace| {
                if let Ok(v) = to_js(trace) {
                    let _ = on_epoch.call1(&JsValue::NULL, &v);
                }
            },
            || self.session.evaluate_split(&trial, split),
        )
        .map_err(into_error)?;
        Ok(output_to_js(&output))
    }

    /// Whether the splits of a started trial may go on (false once the budget is spent).
    pub fn may_continue(&self) -> bool {
        self.session.may_continue()
    }

    /// Whether `count` more splits of `trial` may start: the cost model predicts they finish
    /// within the budget.
    pub fn may_start_splits(&self, trial: &str, count: usize) -> Result<bool, JsError> {
        Ok(self.session.may_continue()
            && self.session.may_start_splits(&parse_trial(trial)?, count))
    }

    /// Takes a trial's result: `outputs` is an array of `{ predictions, averageable }` in split
    /// order, or `error` the first split's failure (`{ code, params }`, undefined when none);
    /// `seconds` the trial's wall-clock time. Returns the `Progress` event of its leaderboard
    /// row, or undefined for a failed trial.
    pub fn tell(
        &mut self,
        trial: &str,
        outputs: js_sys::Array,
        error: JsValue,
        seconds: f64,
    ) -> Result<JsValue, JsError> {
        let trial = parse_trial(trial)?;
        let result = if !error.is_undefined() && !error.is_null() {
            Err(failure_from_js(error))
        } else {
            Ok(outputs
                .iter()
                .map(|v| output_from_js(&v))
                .collect::<Result<Vec<_>, _>>()?)
        };
        let Some(event) = self.session.tell(&trial, result, seconds) else {
            return Ok(JsValue::UNDEFINED);
        };
        to_js(&event)
    }

    /// Ends the search after the current trial.
    pub fn stop(&mut self) {
        self.session.stop();
    }

    /// Leaves `seconds` spent waiting between trials (step and slow modes) out of the run's
    /// time: the budget clock stops while the lead waits.
    pub fn pause(&mut self, seconds: f64) {
        self.session.pause(seconds);
    }

    /// Ends the search: `trial` was started but its remaining splits would not finish in time.
    pub fn abandon(&mut self, trial: &str) -> Result<(), JsError> {
        self.session.abandon(&parse_trial(trial)?);
        Ok(())
    }

    /// Builds the ensemble, refits the winner and explains it; `on_progress` gets the phase
    /// events. Returns the `SearchResult` (with its diagnostics); the model file waits for
    /// `take_model_file`.
    pub fn finish(self, on_progress: &js_sys::Function) -> Result<JsValue, JsError> {
        let mut observer = |event: &Progress| {
            if let Ok(value) = to_js(event) {
                let _ = on_progress.call1(&JsValue::NULL, &value);
            }
            Control::Continue
        };
        let LeadSession {
            session,
            table,
            settings,
            ..
        } = self;
        let outcome = session.finish(&mut observer).map_err(into_error)?;
        finish_run(&table, &settings, outcome, &mut observer)
    }
}

/// A pool worker's share of a run: the fold data of the splits `s % workers == worker`, and
/// their evaluation for the trials the lead hands out.
#[wasm_bindgen]
pub struct SplitJobs {
    worker: SplitWorker,
}

#[wasm_bindgen]
impl SplitJobs {
    /// Reads the file and prepares worker `worker` of `workers` (`settings` is the run's
    /// `RunSettings`, the same the lead got).
    #[wasm_bindgen(constructor)]
    pub fn new(
        bytes: &[u8],
        file_name: &str,
        settings: JsValue,
        worker: usize,
        workers: usize,
    ) -> Result<SplitJobs, JsError> {
        let table = read(bytes, file_name, &settings, None)?;
        let settings = read_settings(settings)?;
        let worker = SplitWorker::new(&table, &settings, worker, workers).map_err(into_error)?;
        Ok(SplitJobs { worker })
    }

    /// The splits this worker prepared.
    pub fn own_splits(&self) -> Vec<u32> {
        self.worker
            .own_splits()
            .into_iter()
            .map(|s| s as u32)
            .collect()
    }

    /// Evaluates `trial` (JSON text from the lead) on split `split`: `{ predictions, averageable }`.
    pub fn evaluate_split(&self, trial: &str, split: usize) -> Result<JsValue, JsError> {
        let trial = parse_trial(trial)?;
        let output = self
            .worker
            .evaluate_split(&trial, split)
            .map_err(into_error)?;
        Ok(output_to_js(&output))
    }
}

/// Fault injection for tests (cargo feature `test-hooks`, the page's test build only): panics,
/// which traps the wasm instance.
#[cfg(feature = "test-hooks")]
#[wasm_bindgen]
pub fn trigger_panic() {
    panic!("trigger_panic was called to test crash recovery");
}
