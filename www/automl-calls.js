// The calls of the engine's API (automl.js, where AutoML and their docs are): what each does with
// the worker pool's bridge, the data and the options. A module of its own, imported by the first
// call that needs it: the page's first visit loads only automl.js (the engine starting, its
// catalogue), and this module once there is data.
import { isForecastModel } from "./protocol.js";
import { rowsToCsv, textRow } from "./rows.js";
import { usageError } from "./automl.js";

/**
 * @typedef {import("../index.js").Data} Data
 * @typedef {import("../index.js").ModelBytes} ModelBytes
 * @typedef {import("../index.js").RowObject} RowObject
 * @typedef {import("../index.js").ReadOptions} ReadOptions
 * @typedef {import("../index.js").InspectOptions} InspectOptions
 * @typedef {import("../index.js").TargetOptions} TargetOptions
 * @typedef {import("../index.js").FitOptions} FitOptions
 * @typedef {import("../index.js").FinishOptions} FinishOptions
 * @typedef {import("../index.js").FitSoFar} FitSoFar
 * @typedef {import("../index.js").FitResult} FitResult
 * @typedef {import("../index.js").CompletedFit} CompletedFit
 * @typedef {import("../index.js").StoppedFit} StoppedFit
 * @typedef {import("../index.js").PredictOptions} PredictOptions
 * @typedef {import("../index.js").PredictionList} PredictionList
 * @typedef {import("../index.js").SeriesOptions} SeriesOptions
 * @typedef {import("../index.js").ForecastOptions} ForecastOptions
 * @typedef {import("../index.js").ForecastResult} ForecastResult
 * @typedef {import("../index.js").AnyModelInfo} AnyModelInfo
 * @typedef {import("../index.js").LeaderboardRow} LeaderboardRow
 * @typedef {import("../index.js").Progress} Progress
 * @typedef {import("./protocol-types.js").RunSettings} RunSettings
 * @typedef {import("./protocol-types.js").ForecastSettings} ForecastSettings
 * @typedef {import("./protocol-types.js").Inspection} Inspection
 * @typedef {import("./protocol-types.js").TargetCheck} TargetCheck
 * @typedef {import("./protocol-types.js").RowExplanation} RowExplanation
 * @typedef {import("./protocol-types.js").SeriesInfo} SeriesInfo
 * @typedef {import("./protocol-types.js").TextEncodingName} TextEncodingName
 * @typedef {import("./protocol.js").WorkerBridge} WorkerBridge
 */

/** Metrics of regression: the others rank classifiers. */
const REGRESSION_METRICS = new Set(["r2", "rmse", "mae"]);

/** The paces of a search (see FitOptions.pace). */
const PACES = ["normal", "step", "slow"];

/** The error of a call stopped before it had a result. */
function abortError() {
  return Object.assign(new Error("run.stopped"), { name: "AbortError", code: "run.stopped", params: {} });
}

// ---- data and settings ---------------------------------------------------------------------

/**
 * `data` as a fresh ArrayBuffer (transferred; the caller's stays intact) and a file name.
 * @param {Data} data
 * @param {string} [fileName]
 * @returns {Promise<{ bytes: ArrayBuffer, fileName: string }>}
 */
async function readData(data, fileName) {
  if (Array.isArray(data)) return { bytes: /** @type {ArrayBuffer} */ (rowsToCsv(data).buffer), fileName: fileName || "rows.csv" };
  if (typeof data === "string") return { bytes: /** @type {ArrayBuffer} */ (new TextEncoder().encode(data).buffer), fileName: fileName || "data.csv" };
  if (data instanceof ArrayBuffer) return { bytes: data.slice(0), fileName: fileName || "data.csv" };
  if (ArrayBuffer.isView(data)) {
    const copy = new Uint8Array(data.byteLength);
    copy.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return { bytes: copy.buffer, fileName: fileName || "data.csv" };
  }
  if (typeof Blob !== "undefined" && data instanceof Blob) {
    const name = fileName || (typeof File !== "undefined" && data instanceof File && data.name) || "data.csv";
    return { bytes: await data.arrayBuffer(), fileName: name };
  }
  throw usageError("package.bad_data");
}

/**
 * A model file's bytes (not transferred: the bridge copies them).
 * @param {ModelBytes} model
 * @returns {Promise<Uint8Array>}
 */
async function readModel(model) {
  if (model instanceof Uint8Array) return model;
  if (model instanceof ArrayBuffer) return new Uint8Array(model);
  if (ArrayBuffer.isView(model)) return new Uint8Array(model.buffer, model.byteOffset, model.byteLength);
  if (typeof Blob !== "undefined" && model instanceof Blob) return new Uint8Array(await model.arrayBuffer());
  throw usageError("package.bad_model");
}

/**
 * The options object of a call that needs one.
 * @template {object} T
 * @param {T} options
 * @returns {T}
 */
function given(options) {
  if (!options || typeof options !== "object") throw usageError("package.bad_option", { option: "options" });
  return options;
}

/**
 * A sheet and an encoding, as the engine takes them.
 * @param {ReadOptions} options
 * @returns {{ sheet?: string, encoding?: TextEncodingName }}
 */
function readOptions(options) {
  /** @type {{ sheet?: string, encoding?: TextEncodingName }} */
  const read = {};
  if (options.sheet !== undefined) read.sheet = options.sheet;
  if (options.encoding !== undefined) read.encoding = options.encoding;
  return read;
}

/**
 * Leaderboard rows best first by the metric's direction, ranked 1, 2, …
 * @param {LeaderboardRow[]} rows
 * @returns {LeaderboardRow[]}
 */
function ranked(rows) {
  const sorted = [...rows].sort((a, b) => (a.higherIsBetter ? b.mean - a.mean : a.mean - b.mean) || a.trial - b.trial);
  return sorted.map((row, i) => ({ ...row, rank: i + 1 }));
}

/**
 * Throws unless `value` is absent or a finite number.
 * @param {string} name
 * @param {unknown} value
 */
function checkNumber(name, value) {
  if (value !== undefined && value !== null && !(typeof value === "number" && Number.isFinite(value))) {
    throw usageError("package.bad_option", { option: name });
  }
}

/**
 * The engine's RunSettings of fit()'s options (checkTarget's and finish()'s too).
 * @param {TargetOptions & Omit<Partial<FitOptions>, "onProgress" | "onTraining">} options
 * @returns {RunSettings}
 */
function runSettings(options) {
  if (typeof options.target !== "string" || options.target === "") throw usageError("package.bad_option", { option: "target" });
  for (const name of /** @type {const} */ (["timeBudget", "maxTrials", "seed", "folds"])) checkNumber(name, options[name]);
  /** @type {any} */
  const settings = { target: options.target };
  if (options.task !== undefined) settings.task = options.task;
  if (options.metric !== undefined) settings.metric = options.metric;
  if (options.seed !== undefined) settings.seed = options.seed;
  if (options.folds !== undefined) settings.folds = options.folds;
  if (options.maxTrials !== undefined) settings.maxTrials = options.maxTrials;
  // a trial budget alone is a deterministic run, as on the command line
  if (options.timeBudget !== undefined) settings.timeBudgetS = options.timeBudget;
  else if (options.maxTrials !== undefined) settings.timeBudgetS = null;
  if (options.columnTypes !== undefined) settings.columnTypes = { ...options.columnTypes };
  if (options.exclude !== undefined) settings.exclude = [...options.exclude];
  if (options.families !== undefined) settings.families = [...options.families];
  if (options.ensemble !== undefined) settings.ensemble = Boolean(options.ensemble);
  if (options.sheet !== undefined) settings.sheet = options.sheet;
  if (options.encoding !== undefined) settings.encoding = options.encoding;
  return settings;
}

/**
 * The engine's ForecastSettings of forecast()'s options (forecastInfo()'s too).
 * @param {SeriesOptions & Omit<Partial<ForecastOptions>, "onProgress">} options
 * @returns {ForecastSettings}
 */
function forecastSettings(options) {
  if (typeof options.target !== "string" || options.target === "") throw usageError("package.bad_option", { option: "target" });
  if (typeof options.date !== "string" || options.date === "") throw usageError("package.bad_option", { option: "date" });
  for (const name of /** @type {const} */ (["timeBudget", "maxTrials", "seed", "horizon"])) checkNumber(name, options[name]);
  /** @type {ForecastSettings} */
  const settings = { target: options.target, date: options.date };
  if (options.id !== undefined) settings.id = options.id;
  if (options.horizon !== undefined) settings.horizon = options.horizon;
  if (options.seed !== undefined) settings.seed = options.seed;
  if (options.maxTrials !== undefined) settings.maxTrials = options.maxTrials;
  if (options.timeBudget !== undefined) settings.timeBudgetS = options.timeBudget;
  else if (options.maxTrials !== undefined) settings.timeBudgetS = null;
  if (options.sheet !== undefined) settings.sheet = options.sheet;
  if (options.encoding !== undefined) settings.encoding = options.encoding;
  return settings;
}

// ---- the calls -------------------------------------------------------------------------------

/**
 * What a file holds: columns, kinds, a preview, notes and warnings.
 * @param {WorkerBridge} bridge the worker pool
 * @param {Data} data
 * @param {InspectOptions} [options]
 * @returns {Promise<Inspection>}
 */
export async function inspect(bridge, data, options = {}) {
  const { bytes, fileName } = await readData(data, options.fileName);
  const onProgress = options.onProgress;
  return bridge.inspect(bytes, fileName, readOptions(options), (event) => {
    if (typeof onProgress === "function") onProgress(event);
  });
}

/**
 * A target's class counts and warnings, before a search.
 * @param {WorkerBridge} bridge the worker pool
 * @param {Data} data
 * @param {TargetOptions} options
 * @returns {Promise<TargetCheck>}
 */
export async function checkTarget(bridge, data, options) {
  const settings = runSettings(given(options));
  const { bytes, fileName } = await readData(data, options.fileName);
  return bridge.checkTarget(bytes, fileName, settings);
}

/**
 * Searches models for `options.target`; an abort resolves with the trials so far.
 * @param {WorkerBridge} bridge the worker pool
 * @param {Data} data
 * @param {FitOptions} options
 * @returns {Promise<FitResult>}
 */
export async function fit(bridge, data, options) {
  const signal = options && options.signal;
  const settings = runSettings(given(options));
  const pace = options.pace === undefined ? "normal" : options.pace;
  if (!PACES.includes(pace)) throw usageError("package.bad_option", { option: "pace" });
  const { bytes, fileName } = await readData(data, options.fileName);
  if (signal && signal.aborted) throw abortError();
  /** @type {LeaderboardRow[]} */
  const rows = [];
  /** @type {Progress | null} */
  let last = null;
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    bridge.cancel();
  };
  if (signal) signal.addEventListener("abort", onAbort, { once: true });
  try {
    const result = await bridge.run(bytes, fileName, settings, (event) => {
      if (aborted || !event) return;
      // the network being trained has its own callback: it is not a step of the search
      if (event.kind === "training") {
        if (typeof options.onTraining === "function") options.onTraining(event);
        return;
      }
      last = event;
      if (event.kind === "trial" && event.row) rows.push(event.row);
      if (typeof options.onProgress === "function") options.onProgress(event);
    }, pace);
    const { modelFile, ...rest } = result;
    /** @type {CompletedFit} */
    const done = { ...rest, model: modelFile, stopped: false };
    return done;
  } catch (/** @type {any} */ err) {
    if (!aborted) throw err;
    // warm the next pool, as the page does after Stop
    bridge.start().catch(() => {});
    if (rows.length === 0) throw abortError();
    const leaderboard = ranked(rows);
    const metric = leaderboard[0].metric;
    /** @type {StoppedFit} */
    const partial = {
      stopped: true,
      target: settings.target,
      task: settings.task || (REGRESSION_METRICS.has(metric) ? "regression" : "classification"),
      metric,
      elapsedS: last ? last.elapsedS : 0,
      budgetS: last ? last.budgetS : 0,
      leaderboard,
      best: { row: leaderboard[0], refitTimeS: null },
      diagnostics: null,
      model: null,
      notes: [],
    };
    return partial;
  } finally {
    if (signal) signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Finishes a search with a row of its leaderboard (a stopped one's best by default).
 * @param {WorkerBridge} bridge the worker pool
 * @param {Data} data
 * @param {FitSoFar} from
 * @param {FinishOptions} options
 * @returns {Promise<CompletedFit>}
 */
export async function finish(bridge, data, from, options) {
  const signal = options && options.signal;
  const settings = runSettings(given(options));
  if (!from || !Array.isArray(from.leaderboard) || from.leaderboard.length === 0) {
    throw usageError("package.bad_option", { option: "leaderboard" });
  }
  const best = from.leaderboard[0].trial;
  const trial = options.trial === undefined ? best : options.trial;
  if (!from.leaderboard.some((row) => row.trial === trial)) throw usageError("package.bad_option", { option: "trial" });
  // the engine says "stopped early" of a stopped search's best so far; any other row was chosen
  const ending = from.stopped && trial === best ? "stopped" : "chosen";
  const elapsedS = Number(from.elapsedS) || 0;
  const { bytes, fileName } = await readData(data, options.fileName);
  if (signal && signal.aborted) throw abortError();
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    bridge.cancel();
  };
  if (signal) signal.addEventListener("abort", onAbort, { once: true });
  try {
    const rows = /** @type {import("./protocol-types.js").LeaderboardRow[]} */ ([...from.leaderboard]);
    const result = await bridge.finish(bytes, fileName, settings, rows, trial, ending, elapsedS, (event) => {
      if (!aborted && event && event.kind === "phase" && typeof options.onProgress === "function") options.onProgress(event);
    });
    const { modelFile, ...rest } = result;
    /** @type {CompletedFit} */
    const done = { ...rest, model: modelFile, stopped: false };
    return done;
  } catch (err) {
    if (!aborted) throw err;
    bridge.start().catch(() => {});
    throw abortError();
  } finally {
    if (signal) signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Predicts every row of `data` with a model file, in order.
 * @param {WorkerBridge} bridge the worker pool
 * @param {ModelBytes} model
 * @param {Data} data
 * @param {PredictOptions} [options]
 * @returns {Promise<PredictionList>}
 */
export async function predict(bridge, model, data, options = {}) {
  const modelFile = await readModel(model);
  /** @type {import("./protocol-types.js").Predictions & { csv?: string }} */
  let value;
  if (Array.isArray(data)) {
    if (data.length === 0) throw usageError("package.no_rows");
    value = await bridge.predictRows(modelFile, data.map(textRow));
  } else {
    const { bytes, fileName } = await readData(data, options.fileName);
    value = await bridge.predict(modelFile, bytes, fileName, options.sheet === undefined ? {} : { sheet: options.sheet });
  }
  const list = /** @type {PredictionList} */ (Object.assign([...value.rows], {
    columns: value.columns,
    classes: value.classes,
    unseen: value.unseen,
    notes: value.notes,
    target: typeof value.target === "string" ? value.target : null,
    score: value.score || null,
    csv: typeof value.csv === "string" ? value.csv : null,
  }));
  return list;
}

/**
 * How each column moved one row's prediction.
 * @param {WorkerBridge} bridge the worker pool
 * @param {ModelBytes} model
 * @param {RowObject} row
 * @returns {Promise<RowExplanation>}
 */
export async function explain(bridge, model, row) {
  const modelFile = await readModel(model);
  return bridge.explainRow(modelFile, textRow(row));
}

/**
 * What a model file holds (`kind`: "tabular" or "forecast").
 * @param {WorkerBridge} bridge the worker pool
 * @param {ModelBytes} model
 * @returns {Promise<AnyModelInfo>}
 */
export async function modelInfo(bridge, model) {
  const modelFile = await readModel(model);
  if (isForecastModel(modelFile)) {
    return /** @type {AnyModelInfo} */ ({ kind: "forecast", ...(await bridge.forecastModelInfo(modelFile)) });
  }
  return /** @type {AnyModelInfo} */ ({ kind: "tabular", ...(await bridge.modelInfo(modelFile)) });
}

/**
 * The series a date column and a numeric target make.
 * @param {WorkerBridge} bridge the worker pool
 * @param {Data} data
 * @param {SeriesOptions} options
 * @returns {Promise<SeriesInfo>}
 */
export async function forecastInfo(bridge, data, options) {
  const settings = forecastSettings(given(options));
  const { bytes, fileName } = await readData(data, options.fileName);
  return bridge.forecastInfo(bytes, fileName, settings);
}

/**
 * Backtests forecasting models and forecasts the series; an abort rejects.
 * @param {WorkerBridge} bridge the worker pool
 * @param {Data} data
 * @param {ForecastOptions} options
 * @returns {Promise<ForecastResult>}
 */
export async function forecast(bridge, data, options) {
  const signal = options && options.signal;
  const settings = forecastSettings(given(options));
  const { bytes, fileName } = await readData(data, options.fileName);
  if (signal && signal.aborted) throw abortError();
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    bridge.cancel();
  };
  if (signal) signal.addEventListener("abort", onAbort, { once: true });
  try {
    const { modelFile, ...rest } = await bridge.forecast(bytes, fileName, settings, (event) => {
      if (!aborted && typeof options.onProgress === "function") options.onProgress(event);
    });
    return { ...rest, model: modelFile || null };
  } catch (err) {
    if (!aborted) throw err;
    bridge.start().catch(() => {});
    throw abortError();
  } finally {
    if (signal) signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Forecasts the series in `data` from its end with a forecast model file (no search).
 * @param {WorkerBridge} bridge the worker pool
 * @param {ModelBytes} model
 * @param {Data} data
 * @param {ReadOptions} [options]
 * @returns {Promise<ForecastResult>}
 */
export async function forecastWithModel(bridge, model, data, options = {}) {
  const modelFile = await readModel(model);
  const { bytes, fileName } = await readData(data, options.fileName);
  const { modelFile: none, ...rest } = await bridge.forecastWithModel(modelFile, bytes, fileName, readOptions(options));
  void none;
  return { ...rest, model: null };
}
