// The worker protocol: the one place that defines every message between the page and the
// search worker, and the one class (`WorkerBridge`) that touches a `Worker`.
// The worker side (`worker.js`) imports the names below; nothing else posts messages.
//
// Requests (page -> worker), each with a numeric `id` that every reply to it echoes:
//   { id, type: "inspect", bytes: ArrayBuffer, fileName: string, options: { sheet?: string } }
//       Parse the file (CSV/TSV text or an Excel/OpenDocument workbook) and describe it.
//       `bytes` is transferred, not copied. Progress events: { kind: "parse", fraction }.
//   { id, type: "checkTarget", bytes: ArrayBuffer, fileName: string, settings: RunSettings }
//       Class counts and warnings (leakage, imbalance) for the chosen target and task.
//   { id, type: "run", bytes: ArrayBuffer, fileName: string, settings: RunSettings }
//       Run a budgeted search. `bytes` is transferred.
//   { id, type: "predict", modelFile: Uint8Array, bytes: ArrayBuffer, fileName, options: { sheet?: string } }
//       Predict every row of a data file with a saved model. `bytes` is transferred; the model
//       file is copied (the worker caches the last model by its checksum, so sending the same
//       file again is fast). Reply value: Predictions.
//   { id, type: "predictRows", modelFile: Uint8Array, rows: [{ [column]: string }] }
//       Predict rows typed by a person (the what-if form). A column left out of a row is
//       missing in it. Reply value: Predictions.
//   { id, type: "explainRow", modelFile: Uint8Array, row: { [column]: string } }
//       How each column moved one row's prediction. Reply value: RowExplanation.
//   { id, type: "modelInfo", modelFile: Uint8Array }
//       What a model file holds. Reply value: ModelInfo. A foreign, damaged or newer file gives
//       an error reply (not fatal) whose message says which.
//   { id, type: "forecastInfo", bytes: ArrayBuffer, fileName: string, settings: ForecastSettings }
//       Read the series a date column and a numeric target make: SeriesInfo.
//   { id, type: "forecast", bytes: ArrayBuffer, fileName: string, settings: ForecastSettings }
//       Backtest forecasting models within the budget and forecast `horizon` steps:
//       ForecastResult. Progress events: { kind: "forecastTrial", row: ForecastRow }.
//   { id, type: "panic" }
//       Fault injection for tests: makes the Rust core panic (a wasm trap).
//
// Replies (worker -> page):
//   { type: "ready", version, memoryBytes }    once, when the wasm module is loaded (no id)
//   { id, type: "progress", event: Progress, memoryBytes }
//       zero or more while a request runs; `memoryBytes` is the wasm memory's size then
//   { id, type: "result", value }              the request's answer (Inspection, SearchResult, ...)
//   { id, type: "result", value, modelFile }   the answer to "run": `modelFile` is the versioned
//       model file (Uint8Array, transferred; empty if it could not be made, with a note in
//       value.notes). The bridge's run() resolves to the SearchResult with `modelFile` added.
//   { id, type: "error", error: { name, message, fatal } }
//       the request failed. `fatal` is true after a wasm trap: the instance is unusable and the
//       bridge replaces the worker. `name` is one of ERROR_NAMES for a fatal error:
//       "EngineCrashed" (a Rust panic or another trap) or "OutOfMemory" (an allocation the
//       browser refused, told apart by the core's allocator; the message says so).
//
// Shapes (produced by the Rust core, see src/bindings.rs):
//   RunSettings  = { target: string, task: "classification"|"regression",
//                    timeBudgetS: number, seed: number, folds: number, sheet?: string,
//                    columnTypes?: { [column]: Kind }, exclude?: string[],
//                    faultAfterTrials?: number, faultKind?: "panic"|"oom" }
//       The last two are TEST-ONLY FAULT INJECTION: after that many trials the core panics or
//       allocates until memory runs out. Only the browser tests set them (app.js injectFault).
//   Kind         = "numeric"|"boolean"|"categorical"|"datetime"|"text"|"identifier"|"constant"
//                  (text, identifier and constant columns are not used by the models)
//   Inspection   = { fileName, nRows, nCols,
//                    columns: [{ name, kind: Kind, missing, missingShare, distinct,
//                                suggestedTask: "classification"|"regression",
//                                taskQuestion: string|null (ask the person: few whole numbers),
//                                format: string|null (how numbers/dates are written),
//                                histogram: [{ label, count }] }],
//                    preview: string[][] (first rows, raw cell text), defaultTarget: number,
//                    notes: string[] (what reading decided, e.g. an encoding fallback),
//                    warnings: string[] (duplicated rows, mostly empty columns),
//                    duplicateRows: number, sheets: string[] (workbooks), sheet: string|null }
//   TargetCheck  = { target, task, classCounts: [{ label, count }], missing: number,
//                    warnings: string[] (leakage, class imbalance) }
//   LeaderboardRow = { rank, trial, family, label, params: {name: value},
//                      metric: "accuracy"|"r2", mean, std, foldScores: number[], fitTimeS }
//   Progress     = { kind: "trial", elapsedS, budgetS, trialsDone, row: LeaderboardRow,
//                    bestSoFar: number }
//                | { kind: "phase", phase: "search"|"ensemble"|"refit"|"explain", elapsedS, budgetS }
//       "explain" comes after the refit: the diagnostics below are computed then.
//   SearchResult = { target, task, metric, nRows, nFeatures, folds, elapsedS, budgetS,
//                    classes: string[] (class labels; empty for regression),
//                    leaderboard: LeaderboardRow[] (best first),
//                    best: { row: LeaderboardRow, refitTimeS }, notes: string[],
//                    validation: string, diagnostics: Diagnostics|null }
//   Diagnostics  = {
//       outOfFold: { rows: number[] (0-based data rows, header not counted, ascending),
//                    actual: (string|number)[], predicted: (string|number)[],
//                    probabilities: number[][] | null (per row, in class order) },
//           one entry per row predicted in the first repeat of the validation splits (every
//           row with a target for k-fold; only the holdout rows for a holdout), each predicted
//           by a model that never saw it; for an ensemble, its blended predictions
//       importance: { method: string, heldOut: string, repeats: number,
//                     features: [{ column, mean, std }] (best first) },
//           permutation importance: the drop of the run's metric (positive = worse without the
//           column) on the first split's held-out rows, the winner refitted on the other rows;
//           features empty when it was skipped (a note in diagnostics.notes says why)
//       partialDependence: [{ column, kind: "numeric"|"categorical",
//                             points: [{ x: number|string, y: number[] }] }],
//           for the (up to 5) most important columns: y = mean probability per class (class
//           order) or [mean value], the final model over a sample of at most 500 rows
//       seconds: number, notes: string[] }
//   Predictions  = { columns: string[] (the model's input columns),
//                    rows: [{ prediction: string|number, probabilities?: number[] }] (one per
//                    data row, in order; probabilities in class order, classification only),
//                    classes: string[], unseen: [{ column, count }] (unseen category levels),
//                    notes: string[] (columns ignored, unseen levels, unreadable values) }
//       A data file lacking model columns gives an error naming every missing column.
//   RowExplanation = { prediction: string|number, probabilities: number[]|null,
//                      base: number[] (per class, or [value]),
//                      contributions: [{ column, value: string, effect: number[] }]
//                          (largest first; base + sum of effects = the explained output),
//                      output: "probability"|"log-odds"|"value", method: string }
//       Single tree models (decision tree, random forest, extra trees, gradient boosting): exact
//       TreeSHAP (gradient boosting classifiers in log-odds); other models and ensembles: a
//       seeded sampling estimate of Shapley values against background training rows.
//   ModelInfo    = { target, task, metric, classes: string[], columns: [{ name, kind: Kind }],
//                    createdWith: string, formatVersion: number, best: LeaderboardRow,
//                    settings: RunSettings, validation: string }

// Forecasting shapes (src/forecast/mod.rs):
//   ForecastSettings = { target: string, date: string, id?: string, horizon?: number,
//                        timeBudgetS?: number, seed?: number, sheet?: string }
//   SeriesInfo   = { frequency: "hourly"|"daily"|"weekly"|"monthly"|"quarterly"|"yearly",
//                    defaultHorizon, n, periods: number[], futureRows, notes: string[] }
//   Scores       = { mase, smape (%), mae, rmse }   (mean over the backtest windows)
//   ForecastRow  = { rank, trial, label, model: object, scores: Scores, timeS }
//   ForecastResult = { target, dateColumn, frequency, periods, n, horizon, origins,
//                      backtestHorizon, leaderboard: ForecastRow[] (best first),
//                      best: [{ label, model, weight }], bestLabel, bestScores: Scores,
//                      historyTimes: string[], history: number[],
//                      forecast: [{ time, value, lo80, hi80, lo95, hi95 }],
//                      backtests: [{ times: string[], forecast: number[], actual: number[],
//                                    scores: Scores }],
//                      intervals: string, intervalCoverage: [number, number],
//                      notes: string[], trials, elapsedS, seed }

import { workerScriptURL } from "./trusted-types.js";

/** Message type names, shared by both sides. */
export const MSG = Object.freeze({
  INSPECT: "inspect",
  CHECK_TARGET: "checkTarget",
  RUN: "run",
  PREDICT: "predict",
  PREDICT_ROWS: "predictRows",
  EXPLAIN_ROW: "explainRow",
  MODEL_INFO: "modelInfo",
  PANIC: "panic",
  FORECAST_INFO: "forecastInfo",
  FORECAST: "forecast",
  READY: "ready",
  PROGRESS: "progress",
  RESULT: "result",
  ERROR: "error",
});

/** The largest file the page accepts (the same limit as the core's MAX_FILE_BYTES). */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;

/** Names of the fatal errors a worker reports. */
export const ERROR_NAMES = Object.freeze({
  ENGINE_CRASHED: "EngineCrashed",
  OUT_OF_MEMORY: "OutOfMemory",
});

/** Default run settings; the page's controls start from these. */
export const DEFAULT_SETTINGS = Object.freeze({
  timeBudgetS: 10,
  seed: 42,
  folds: 5,
});

/** An error reply turned into an exception. `fatal` means the worker was replaced. */
export class WorkerError extends Error {
  constructor({ name = "Error", message = "unknown error", fatal = false } = {}) {
    super(message);
    this.name = name;
    this.fatal = fatal;
  }
}

/**
 * The only code that touches a `Worker`. Requests return promises; progress events go to the
 * `onProgress` callback given with the request. `cancel()` terminates the worker (a busy wasm
 * call cannot read messages), rejects every pending request, and starts a fresh worker lazily.
 */
export class WorkerBridge {
  constructor(workerUrl = new URL("./worker.js", import.meta.url)) {
    this.workerUrl = workerUrl;
    this.worker = null;
    this.ready = null;
    this.nextId = 1;
    this.pending = new Map();
    /** The current worker's wasm memory in bytes, as last reported (null before "ready"). */
    this.memoryBytes = null;
    /** Called with a WorkerError when a worker dies (trap or load failure). */
    this.onWorkerLost = () => {};
  }

  start() {
    if (this.worker) return this.ready;
    const worker = new Worker(workerScriptURL(this.workerUrl), { type: "module" });
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Nobody may be awaiting `ready` when a worker dies; the error reaches callers through
    // their own pending requests, so an unobserved rejection here is not a page error.
    this.ready.catch(() => {});
    worker.onmessage = (event) => this.handle(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.replace(new WorkerError({
        name: "WorkerFailed",
        message: `The search worker failed: ${event.message || "it could not be loaded"}. Reload the page and try again.`,
        fatal: true,
      }));
    };
    return this.ready;
  }

  handle(msg) {
    if (typeof msg.memoryBytes === "number") this.memoryBytes = msg.memoryBytes;
    if (msg.type === MSG.READY) {
      this.resolveReady(msg);
      return;
    }
    const entry = this.pending.get(msg.id);
    if (!entry) return;
    if (msg.type === MSG.PROGRESS) {
      entry.onProgress(msg.event);
    } else if (msg.type === MSG.RESULT) {
      this.pending.delete(msg.id);
      entry.resolve(msg.modelFile !== undefined ? Object.assign(msg.value, { modelFile: msg.modelFile }) : msg.value);
    } else if (msg.type === MSG.ERROR) {
      this.pending.delete(msg.id);
      const error = new WorkerError(msg.error);
      if (error.fatal) this.replace(error);
      entry.reject(error);
    }
  }

  async request(type, payload = {}, transfer = [], onProgress = () => {}) {
    await this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ id, type, ...payload }, transfer);
    });
  }

  /** Parse and describe a file. `bytes` is an ArrayBuffer that is transferred (detached). */
  inspect(bytes, fileName, options = {}, onProgress = () => {}) {
    return this.request(MSG.INSPECT, { bytes, fileName, options }, [bytes], onProgress);
  }

  /** Class counts and warnings for a target. `bytes` is transferred. */
  checkTarget(bytes, fileName, settings) {
    return this.request(MSG.CHECK_TARGET, { bytes, fileName, settings }, [bytes]);
  }

  /** Run a search. `bytes` is transferred; pass a copy if you still need it. */
  run(bytes, fileName, settings, onProgress) {
    return this.request(MSG.RUN, { bytes, fileName, settings }, [bytes], onProgress);
  }

  /** Predict a data file with a model file (Uint8Array, copied). `bytes` is transferred. */
  predict(modelFile, bytes, fileName, options = {}) {
    return this.request(MSG.PREDICT, { modelFile, bytes, fileName, options }, [bytes]);
  }

  /** Predict rows `[{ column: text }]` with a model file (the what-if form). */
  predictRows(modelFile, rows) {
    return this.request(MSG.PREDICT_ROWS, { modelFile, rows });
  }

  /** How each column moved one row's prediction (`row` is `{ column: text }`). */
  explainRow(modelFile, row) {
    return this.request(MSG.EXPLAIN_ROW, { modelFile, row });
  }

  /** What a model file holds; rejects with a clear message for a foreign or damaged file. */
  modelInfo(modelFile) {
    return this.request(MSG.MODEL_INFO, { modelFile });
  }

  /** Describe the series of a date column and a target (SeriesInfo). `bytes` is transferred. */
  forecastInfo(bytes, fileName, settings) {
    return this.request(MSG.FORECAST_INFO, { bytes, fileName, settings }, [bytes]);
  }

  /** Forecast a series (ForecastResult). `bytes` is transferred. */
  forecast(bytes, fileName, settings, onProgress) {
    return this.request(MSG.FORECAST, { bytes, fileName, settings }, [bytes], onProgress);
  }

  /** Fault injection for tests: the core panics; the reply is a fatal error. */
  panic() {
    return this.request(MSG.PANIC);
  }

  /** Stop whatever runs now: terminate the worker; the next request starts a fresh one. */
  cancel(reason = "Stopped.") {
    this.replace(new WorkerError({ name: "Cancelled", message: reason, fatal: false }));
  }

  replace(error) {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.memoryBytes = null;
    if (this.rejectReady) this.rejectReady(error);
    this.ready = null;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const entry of pending) entry.reject(error);
    if (error.fatal) this.onWorkerLost(error);
  }
}
