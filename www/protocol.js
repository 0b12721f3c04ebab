// The worker protocol: the one place that defines every message between the page and the
// search workers, and the one class (`WorkerBridge`) that touches a `Worker`.
// The worker side (`worker.js`) imports the names below; nothing else posts messages.
//
// The pool: the page runs `workers` search workers (navigator.hardwareConcurrency, capped at
// 8, at least 1; the page's `?workers=N` URL parameter overrides it, for tests). The wasm
// module is compiled ONCE on the page (WebAssembly.compileStreaming of pkg/automl_bg.wasm)
// and the compiled WebAssembly.Module is posted to every worker, which instantiates it.
// Worker 0 is the lead: it answers "inspect", "checkTarget" and "panic", and owns the search
// session of a "run" (tuner, leaderboard, ensemble, refit). The splits of each trial are dealt
// out to all workers, the lead included: split s belongs to worker s % workers, and each worker
// prepares the fold data of its own splits only. Trials are sequential and every split's fit
// is seeded, so a run's leaderboard does not depend on the number of workers. A fatal error in
// any worker, or Stop, terminates every worker; the next request starts a fresh pool (the
// compiled module is kept).
//
// Page -> worker, no reply:
//   { type: "init", module: WebAssembly.Module }
//       First message to every worker: instantiate this module, then reply "ready".
//   { type: "splitResults", number, results: SplitResult[] }   (page -> lead)
//       The other workers' predictions for the lead's trial `number` (its "splitJobs").
//
// Requests (page -> worker), each with a numeric `id` that every reply to it echoes:
//   { id, type: "inspect", bytes: ArrayBuffer, fileName: string, options: { sheet?: string } }
//       Parse the file (CSV/TSV text or an Excel/OpenDocument workbook) and describe it.
//       `bytes` is transferred, not copied. Progress events: { kind: "parse", fraction }.
//   { id, type: "checkTarget", bytes: ArrayBuffer, fileName: string, settings: RunSettings }
//       Class counts and warnings (leakage, imbalance) for the chosen target and task.
//   { id, type: "run", bytes: ArrayBuffer, fileName: string, settings: RunSettings,
//     workers: number }                                                    (lead only)
//       Run a budgeted search on a pool of `workers`. `bytes` is transferred. Besides progress
//       and the result, the lead sends "splitJobs" for the splits of other workers.
//   { id, type: "prepare", bytes, fileName, settings: RunSettings, worker, workers }
//       (pool workers 1..workers-1, at the start of a run) Parse the same file and prepare the
//       fold data of the splits s with s % workers == worker. Result: { splits: number[] }.
//   { id, type: "evaluate", trial: string, splits: number[] }
//       Evaluate the trial (opaque JSON text from the lead) on these splits of this worker.
//       Result: SplitResult[] (prediction buffers transferred).
//   { id, type: "release" }   drop the prepared fold data (after a run). Result: null.
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
//   { id, type: "describe" }
//       The engine's catalogue: default settings, limits, column kinds, tasks, metrics (with
//       their direction) and model families. The page reads it once at start-up and keeps no
//       copy of its own. Reply value: Catalogue.
//   { id, type: "panic" }
//       Fault injection for tests: makes the Rust core panic (a wasm trap).
//
// Replies (worker -> page):
//   { type: "ready", version, memoryBytes }    once, when the wasm module is loaded (no id)
//   { id, type: "progress", event: Progress, memoryBytes }
//       zero or more while a request runs; `memoryBytes` is the wasm memory's size then
//   { id, type: "splitJobs", number, trial: string, splits: number[] }     (lead, during a run)
//       Evaluate trial `number` on these splits: the page sends "evaluate" to each split's
//       worker and answers the lead with one "splitResults" holding all of them.
//   { id, type: "result", value }              the request's answer (Inspection, SearchResult, ...)
//   { id, type: "result", value, modelFile }   the answer to "run": `modelFile` is the versioned
//       model file (Uint8Array, transferred; empty if it could not be made, with a note in
//       value.notes). The bridge's run() resolves to the SearchResult with `modelFile` added.
//   { id, type: "error", error: { name, message, fatal } }
//       the request failed. `fatal` is true after a wasm trap: the instance is unusable and the
//       bridge replaces the workers. `name` is one of ERROR_NAMES for a fatal error:
//       "EngineCrashed" (a Rust panic or another trap) or "OutOfMemory" (an allocation the
//       browser refused, told apart by the core's allocator; the message says so).
//
// Shapes (produced by the Rust core, see src/bindings.rs):
//   RunSettings  = { target: string, task: "classification"|"regression",
//                    timeBudgetS: number, seed: number, folds: number, sheet?: string,
//                    maxTrials?: number (a trial budget; with timeBudgetS: null, deterministic),
//                    columnTypes?: { [column]: Kind }, exclude?: string[],
//                    faultAfterTrials?: number, faultKind?: "panic"|"oom" }
//       The last two are TEST-ONLY FAULT INJECTION: once that many trials are done the lead's
//       core panics or allocates until memory runs out. Only the browser tests set them
//       (app.js injectFault).
//   SplitResult  = { split, predictions: Float64Array, averageable: boolean } | { split, error: string }
//       (`error`: the model could not be fitted on this data; the trial is recorded as failed)
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
//                      metric: "accuracy"|"r2"|…, mean, std, foldScores: number[], fitTimeS,
//                      sampleRows: number|null (fitted on a sample of that many training rows
//                      per split: progressive sampling of large data) }
//   Progress     = { kind: "trial", elapsedS, budgetS, timeLeftS, trialsDone,
//                    row: LeaderboardRow, bestSoFar: number }
//                | { kind: "phase", phase: "search"|"ensemble"|"refit"|"explain", elapsedS, budgetS,
//                    timeLeftS }
//       timeLeftS: seconds left of the time budget (0 when there is none).
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
//       classification: ClassificationView | null,  regression: RegressionView | null
//           what the page draws of the out-of-fold predictions, computed by the engine
//           (src/results/curves.rs): the page computes no metric and no curve
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
//   ClassReport  = { matrix: number[][] (matrix[actual][predicted], class order),
//                    shares: number[][] (each row of matrix divided by its total),
//                    classes: [{ label, precision, recall, f1, support }],
//                    macro: { precision, recall, f1 } (mean over the classes present),
//                    accuracy, total }
//   ClassificationView = { classes: string[], report: ClassReport (of the predicted labels),
//                    binary: BinaryView | null (two classes with probabilities) }
//   BinaryView   = { negative, positive (the class whose probability is thresholded),
//                    negatives, positives, rocAuc: number|null, averagePrecision: number|null,
//                    baseline (share of positives), thresholds (distinct thresholds swept),
//                    points: SweepPoint[] (threshold high to low: first no row called
//                      positive, last every row; at most 501, evenly spread),
//                    defaultPoint (index in points of the model's own decisions),
//                    calibration: [{ lo, hi, meanPredicted, observed, count }] }
//       One threshold sweep gives both curves: ROC = points' (fpr, tpr), precision-recall =
//       points' (tpr, precision). The areas are those of the whole sweep, by the functions
//       the ROC AUC metric uses. The threshold slider picks a point and shows its report.
//   SweepPoint   = { threshold: number|null (rows with p >= threshold are called positive;
//                    null: none is), tp, fp, tn, fn, tpr, fpr, precision,
//                    report: ClassReport (matrix [[tn, fp], [fn, tp]]) }
//   RegressionView = { rows, r2, rmse, mae,
//                    points: [{ row, actual, predicted, residual }] (every row, or a seeded
//                      sample of 2,000, in row order),
//                    residualHistogram: [{ lo, hi, count }] (every row's residual) }
//   Predictions  = { columns: string[] (the model's input columns),
//                    rows: [{ prediction: string|number, probabilities?: number[] }] (one per
//                    data row, in order; probabilities in class order, classification only),
//                    classes: string[], unseen: [{ column, count }] (unseen category levels),
//                    notes: string[] (columns ignored, unseen levels, unreadable values),
//                    csv: string ("predict" only: the file `automl predict --out` writes, byte
//                    for byte; the page's download) }
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
//   Catalogue    = { version,
//                    defaults: { search: RunSettings (SearchSettings::default()),
//                                forecast: { horizon: number|null, timeBudgetS, maxTrials,
//                                            seed, origins, ensemble } },
//                    limits: { fileBytes, columns, fieldBytes, modelBytes, classes,
//                              folds: { min, max }, timeBudgetS: { above, max },
//                              seed: { min, max }, horizon: { min, max }, maxTrials: { min, max } },
//                    kinds: [{ name: Kind, label, description, used: boolean }],
//                    tasks: [{ name, label, description, defaultMetric, metrics: string[] }],
//                    metrics: [{ name, label, description, higherIsBetter: boolean, task }],
//                    families: [{ name, label, tasks: string[] }] }
//       A leaderboard's `mean` is the metric's value as people read it: compare and sort
//       scores by `higherIsBetter` (also on every LeaderboardRow).

// Forecasting shapes (src/forecast/mod.rs):
//   ForecastSettings = { target: string, date: string, id?: string, horizon?: number,
//                        timeBudgetS?: number, maxTrials?: number, seed?: number, sheet?: string }
//       maxTrials without timeBudgetS: no time limit (deterministic), as on the command line.
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
//                      notes: string[], trials, elapsedS, seed,
//                      csv: string (the file `automl fit --date ... --out` writes; the
//                      page's download) }

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
  DESCRIBE: "describe",
  FORECAST_INFO: "forecastInfo",
  FORECAST: "forecast",
  PREPARE: "prepare",
  EVALUATE: "evaluate",
  RELEASE: "release",
  INIT: "init",
  SPLIT_JOBS: "splitJobs",
  SPLIT_RESULTS: "splitResults",
  READY: "ready",
  PROGRESS: "progress",
  RESULT: "result",
  ERROR: "error",
});

/** Names of the fatal errors a worker reports. */
export const ERROR_NAMES = Object.freeze({
  ENGINE_CRASHED: "EngineCrashed",
  OUT_OF_MEMORY: "OutOfMemory",
});

/** An error reply turned into an exception. `fatal` means the worker was replaced. */
export class WorkerError extends Error {
  constructor({ name = "Error", message = "unknown error", fatal = false } = {}) {
    super(message);
    this.name = name;
    this.fatal = fatal;
  }
}

/** The largest pool of workers the page starts. */
export const MAX_WORKERS = 8;

/**
 * Workers for this page: `?workers=N` in the page's URL if given (1 to MAX_WORKERS; a test
 * hook), else one per logical core, capped at MAX_WORKERS.
 */
export function poolSize(search = (typeof location !== "undefined" ? location.search : ""), cores = (typeof navigator !== "undefined" ? navigator.hardwareConcurrency : 1)) {
  const asked = Number(new URLSearchParams(search).get("workers"));
  const n = Number.isInteger(asked) && asked >= 1 ? asked : (cores || 1);
  return Math.max(1, Math.min(MAX_WORKERS, Math.floor(n)));
}

/** One worker of the pool and its pending requests. */
class PoolWorker {
  constructor(bridge, index) {
    this.bridge = bridge;
    this.index = index;
    this.worker = new Worker(workerScriptURL(bridge.workerUrl), { type: "module" });
    this.pending = new Map();
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Nobody may be awaiting `ready` when a worker dies; the error reaches callers through
    // their own pending requests, so an unobserved rejection here is not a page error.
    this.ready.catch(() => {});
    this.worker.onmessage = (event) => this.handle(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      bridge.replace(new WorkerError({
        name: "WorkerFailed",
        message: `The search worker failed: ${event.message || "it could not be loaded"}. Reload the page and try again.`,
        fatal: true,
      }));
    };
  }

  handle(msg) {
    if (typeof msg.memoryBytes === "number" && this.index === 0) this.bridge.memoryBytes = msg.memoryBytes;
    if (msg.type === MSG.READY) {
      this.resolveReady(msg);
      return;
    }
    const entry = this.pending.get(msg.id);
    if (!entry) return;
    if (msg.type === MSG.PROGRESS) {
      entry.onProgress(msg.event);
    } else if (msg.type === MSG.SPLIT_JOBS) {
      entry.onJobs(msg);
    } else if (msg.type === MSG.RESULT) {
      this.pending.delete(msg.id);
      entry.resolve(msg.modelFile !== undefined ? Object.assign(msg.value, { modelFile: msg.modelFile }) : msg.value);
    } else if (msg.type === MSG.ERROR) {
      this.pending.delete(msg.id);
      const error = new WorkerError(msg.error);
      if (error.fatal) this.bridge.replace(error);
      entry.reject(error);
    }
  }

  async request(type, payload = {}, transfer = [], onProgress = () => {}, onJobs = () => {}) {
    await this.ready;
    const id = this.bridge.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress, onJobs });
      this.worker.postMessage({ id, type, ...payload }, transfer);
    });
  }

  post(message, transfer = []) {
    this.worker.postMessage(message, transfer);
  }

  /** Terminates the worker and rejects its pending requests with `error`. */
  kill(error) {
    this.worker.terminate();
    this.rejectReady(error);
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const entry of pending) entry.reject(error);
  }
}

/**
 * The only code that touches a `Worker`: a pool of `size` search workers sharing one compiled
 * wasm module. Requests return promises; progress events go to the `onProgress` callback given
 * with the request. `cancel()` terminates every worker (a busy wasm call cannot read
 * messages), rejects every pending request, and a fresh pool starts lazily.
 */
export class WorkerBridge {
  constructor(workerUrl = new URL("./worker.js", import.meta.url), { size = poolSize() } = {}) {
    this.workerUrl = workerUrl;
    this.wasmUrl = new URL("./pkg/automl_bg.wasm", workerUrl);
    /** Workers in the pool. */
    this.size = Math.max(1, Math.min(MAX_WORKERS, size | 0 || 1));
    this.pool = null;
    this.ready = null;
    this.module = null;
    this.nextId = 1;
    /** The lead worker's wasm memory in bytes, as last reported (null before "ready"). */
    this.memoryBytes = null;
    /** Called with a WorkerError when a worker dies (trap or load failure). */
    this.onWorkerLost = () => {};
    /** The catalogue's promise, once asked (see describe()). */
    this.catalogue = null;
  }

  /** Compiles the wasm module once per page; every worker of every pool gets this one. */
  compile() {
    if (!this.module) {
      this.module = WebAssembly.compileStreaming(fetch(this.wasmUrl));
      // a failed compile is retried by the next start
      this.module.catch(() => {
        this.module = null;
      });
    }
    return this.module;
  }

  /** Starts the pool (if needed); resolves with the lead's "ready" message. */
  start() {
    if (this.pool) return this.ready;
    const pool = Array.from({ length: this.size }, (_, i) => new PoolWorker(this, i));
    this.pool = pool;
    this.compile().then(
      (module) => {
        for (const w of pool) w.post({ type: MSG.INIT, module });
      },
      (err) => {
        if (this.pool !== pool) return;
        this.replace(new WorkerError({
          name: "WorkerFailed",
          message: `The search engine could not be loaded: ${err && err.message ? err.message : err}. Reload the page and try again.`,
          fatal: true,
        }));
      },
    );
    this.ready = pool[0].ready;
    return this.ready;
  }

  async request(type, payload = {}, transfer = [], onProgress = () => {}) {
    await this.start();
    return this.pool[0].request(type, payload, transfer, onProgress);
  }

  /** Parse and describe a file. `bytes` is an ArrayBuffer that is transferred (detached). */
  inspect(bytes, fileName, options = {}, onProgress = () => {}) {
    return this.request(MSG.INSPECT, { bytes, fileName, options }, [bytes], onProgress);
  }

  /** Class counts and warnings for a target. `bytes` is transferred. */
  checkTarget(bytes, fileName, settings) {
    return this.request(MSG.CHECK_TARGET, { bytes, fileName, settings }, [bytes]);
  }

  /**
   * Run a search on the whole pool. `bytes` is transferred; pass a copy if you still need it.
   * The other workers get copies; the lead's "splitJobs" are relayed to them.
   */
  async run(bytes, fileName, settings, onProgress) {
    await this.start();
    const pool = this.pool;
    const workers = pool.length;
    await Promise.all(pool.map((w) => w.ready));
    const helpers = pool.slice(1).map((w, i) =>
      w.request(MSG.PREPARE, { bytes: bytes.slice(0), fileName, settings, worker: i + 1, workers }));
    let failed = null;
    const fail = (err) => {
      if (!failed) failed = err;
    };
    helpers.forEach((p) => p.catch(fail));
    const relay = async (job) => {
      try {
        await Promise.all(helpers);
        const byWorker = new Map();
        for (const split of job.splits) {
          const w = split % workers;
          if (!byWorker.has(w)) byWorker.set(w, []);
          byWorker.get(w).push(split);
        }
        const parts = await Promise.all([...byWorker].map(([w, splits]) =>
          pool[w].request(MSG.EVALUATE, { trial: job.trial, splits })));
        const results = parts.flat();
        if (this.pool !== pool) return;
        pool[0].post({ type: MSG.SPLIT_RESULTS, number: job.number, results },
          results.filter((r) => r.predictions).map((r) => r.predictions.buffer));
      } catch (err) {
        fail(err);
        // the lead waits for these predictions: a failure elsewhere ends the run
        if (this.pool === pool && !(err && err.fatal)) {
          this.replace(new WorkerError({ name: err.name, message: err.message, fatal: false }));
        }
      }
    };
    try {
      return await pool[0].request(MSG.RUN, { bytes, fileName, settings, workers }, [bytes], onProgress, relay);
    } catch (err) {
      throw failed && err && err.name === failed.name ? failed : err;
    } finally {
      if (this.pool === pool) {
        for (const w of pool.slice(1)) w.request(MSG.RELEASE).catch(() => {});
      }
    }
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

  /**
   * The engine's catalogue (defaults, limits, kinds, tasks, metrics, families): asked once,
   * kept for the page's life (a new pool runs the same module, so the answer is the same).
   */
  describe() {
    if (!this.catalogue) {
      this.catalogue = this.request(MSG.DESCRIBE);
      this.catalogue.catch(() => {
        this.catalogue = null;
      });
    }
    return this.catalogue;
  }

  /** Fault injection for tests: the core panics; the reply is a fatal error. */
  panic() {
    return this.request(MSG.PANIC);
  }

  /** Stop whatever runs now: terminate every worker; the next request starts a fresh pool. */
  cancel(reason = "Stopped.") {
    this.replace(new WorkerError({ name: "Cancelled", message: reason, fatal: false }));
  }

  replace(error) {
    const pool = this.pool;
    this.pool = null;
    this.ready = null;
    this.memoryBytes = null;
    if (!pool) return;
    for (const w of pool) w.kill(error);
    if (error.fatal) this.onWorkerLost(error);
  }
}
