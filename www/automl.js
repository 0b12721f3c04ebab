// The engine's API, `AutoML`: the package's (index.js re-exports this module) and the page's own
// (main.js makes one; the page's modules call it). The only page module that uses the worker
// pool (protocol.js WorkerBridge, found beside this file: worker.js, pkg/). Errors become
// AutoMLError, in words from i18n/<lang>.json. Types and docs: ../index.d.ts, which
// `npm run typecheck` checks this class against (README, "Use it in your own page").
// The lead worker answers requests in order, so calls are sent at once and may run side by
// side; `fit` and `finish` (the pool's search, the lead's run state) run one at a time.
// Aborting terminates every worker at once (calls beside it reject with an AbortError).
import { ERROR_NAMES, MAX_WORKERS, WorkerBridge, isForecastModel } from "./protocol.js";
import { LANGUAGES, describeError, loadMessages, renderNote, speaks } from "./i18n.js";

/** @import { AutoMLOptions, Data, ModelBytes, RowObject, ReadOptions, InspectOptions, TargetOptions, FitOptions, FinishOptions, FitSoFar, FitResult, CompletedFit, StoppedFit, PredictOptions, PredictionList, SeriesOptions, ForecastOptions, ForecastResult, AnyModelInfo, Message, Language, LeaderboardRow, Progress, Ready } from "../index.js" */
/** @import { RunSettings, ForecastSettings, Inspection, TargetCheck, RowExplanation, SeriesInfo, Catalogue, TextEncodingName } from "./protocol.js" */

/** The worker script of the pool, beside this module. */
const WORKER_URL = new URL("./worker.js", import.meta.url);

/** Metrics of regression: the others rank classifiers. */
const REGRESSION_METRICS = new Set(["r2", "rmse", "mae"]);

/** The paces of a search (see FitOptions.pace). */
const PACES = ["normal", "step", "slow"];

/** An error of the engine or of this package, in words (index.d.ts). */
export class AutoMLError extends Error {
  /**
   * @param {{ name?: string, code?: string, params?: { [name: string]: any }, message?: string, hint?: string, fatal?: boolean }} info
   */
  constructor({ name = "AutoMLError", code = "internal.error", params = {}, message = "", hint = "", fatal = false }) {
    const words = describeError({ code, params, message: message || code, hint });
    super(words.message);
    this.name = name;
    this.code = code;
    this.params = params || {};
    this.hint = words.hint;
    this.fatal = Boolean(fatal);
  }
}

/**
 * Makes the catalogue of `language` the one in use, unless it is (the page's: nothing fetched).
 * @param {Language} language
 */
async function useLanguage(language) {
  if (!speaks(language)) await loadMessages(language);
}

/**
 * Anything thrown, as an AutoMLError in the catalogue in use.
 * @param {any} err
 * @returns {AutoMLError}
 */
function toError(err) {
  if (err instanceof AutoMLError) return err;
  const name = err && err.name;
  return new AutoMLError({
    name: name === "AbortError" || name === "Cancelled" ? "AbortError"
      : name === ERROR_NAMES.ENGINE_CRASHED || name === ERROR_NAMES.OUT_OF_MEMORY ? name : "AutoMLError",
    code: err && typeof err.code === "string" ? err.code : "internal.error",
    params: err && err.params && typeof err.params === "object"
      ? err.params
      : { reason: String(err && err.message ? err.message : err) },
    message: err && typeof err.message === "string" ? err.message : String(err),
    hint: err && typeof err.hint === "string" ? err.hint : "",
    fatal: Boolean(err && err.fatal),
  });
}

/**
 * Anything thrown, as an AutoMLError in `language`.
 * @param {Language} language
 * @param {any} err
 * @returns {Promise<AutoMLError>}
 */
async function structured(language, err) {
  if (err instanceof AutoMLError) return err;
  await useLanguage(language);
  return toError(err);
}

/**
 * A wrong argument, by its catalogue code.
 * @param {string} code
 * @param {{ [name: string]: any }} [params]
 */
function usageError(code, params = {}) {
  return Object.assign(new Error(code), { code, params });
}

/** The error of a call stopped before it had a result. */
function abortError() {
  return Object.assign(new Error("run.stopped"), { name: "AbortError", code: "run.stopped", params: {} });
}

/** rows.js, loaded when a call first gets row objects. */
function rowsModule() {
  return import("./rows.js");
}

// ---- data ------------------------------------------------------------------------------------

/**
 * `data` as a fresh ArrayBuffer (transferred; the caller's stays intact) and a file name.
 * @param {Data} data
 * @param {string} [fileName]
 * @returns {Promise<{ bytes: ArrayBuffer, fileName: string }>}
 */
async function readData(data, fileName) {
  if (Array.isArray(data)) {
    const { rowsToCsv } = await rowsModule();
    return { bytes: /** @type {ArrayBuffer} */ (rowsToCsv(data).buffer), fileName: fileName || "rows.csv" };
  }
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
 * The workers and the language of AutoMLOptions, checked.
 * @param {AutoMLOptions} options
 */
function engineOptions(options) {
  const language = /** @type {Language} */ (options.language || "en");
  if (!LANGUAGES.includes(language)) throw usageError("package.bad_option", { option: "language" });
  const cores = typeof navigator !== "undefined" && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 1;
  const workers = options.workers === undefined ? Math.min(MAX_WORKERS, cores) : options.workers;
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) throw usageError("package.bad_option", { option: "workers" });
  return { language, workers };
}

// ---- the API ---------------------------------------------------------------------------------

/** The engine: the wasm compiled once, a pool of workers (each method: index.d.ts). */
export class AutoML {
  /**
   * @param {AutoMLOptions} [options]
   * @returns {Promise<AutoML>}
   */
  static async load(options = {}) {
    try {
      engineOptions(options || {});
    } catch (err) {
      const language = options && LANGUAGES.includes(options.language) ? options.language : "en";
      throw await structured(language, err);
    }
    const automl = new AutoML(options);
    try {
      await automl.start();
    } catch (err) {
      automl.close();
      throw err;
    }
    return automl;
  }

  /** @param {AutoMLOptions} [options] */
  constructor(options = {}) {
    let engine;
    try {
      engine = engineOptions(options || {});
    } catch (err) {
      throw toError(err);
    }
    /** The worker pool: not in index.d.ts; the page's test hooks reach it. */
    this.bridge = new WorkerBridge(WORKER_URL, { size: engine.workers });
    /** @type {Language} */
    this.language = engine.language;
    this.version = "";
    this.workers = this.bridge.size;
    /** @type {((error: AutoMLError) => void) | null} */
    this.onWorkerLost = null;
    /**
     * The search running now (fit or finish): the next one waits for it.
     * @private
     * @type {Promise<unknown>}
     */
    this.runs = Promise.resolve();
    this.bridge.onWorkerLost = (error) => {
      const listener = this.onWorkerLost;
      if (typeof listener !== "function") return;
      // in the catalogue in use at once when it is this instance's (the page's case)
      if (speaks(this.language)) listener(toError(error));
      else structured(this.language, error).then((e) => listener(e));
    };
  }

  /**
   * Runs `task` now; its errors as AutoMLError.
   * @private
   * @template T
   * @param {() => Promise<T>} task
   * @returns {Promise<T>}
   */
  async direct(task) {
    try {
      return await task();
    } catch (err) {
      throw await structured(this.language, err);
    }
  }

  /**
   * Runs `task` after the searches before it (fit, finish); its errors as AutoMLError.
   * @private
   * @template T
   * @param {() => Promise<T>} task
   * @returns {Promise<T>}
   */
  queued(task) {
    const run = this.runs.then(task, task);
    this.runs = run.catch(() => {});
    return this.direct(() => run);
  }

  /**
   * Starts the workers (if not running) with the catalogue of the instance's language.
   * @returns {Promise<Ready>}
   */
  start() {
    return this.direct(async () => {
      await useLanguage(this.language);
      const ready = await this.bridge.start();
      this.version = ready.version;
      return { version: ready.version };
    });
  }

  /**
   * The language of error messages and `render()` from now on (its catalogue loaded).
   * @param {Language} language
   * @returns {Promise<void>}
   */
  async setLanguage(language) {
    if (!LANGUAGES.includes(language)) throw await structured(this.language, usageError("package.bad_option", { option: "language" }));
    this.language = language;
    await useLanguage(language);
  }

  /**
   * What a file holds: columns, kinds, a preview, notes and warnings.
   * @param {Data} data
   * @param {InspectOptions} [options]
   * @returns {Promise<Inspection>}
   */
  inspect(data, options = {}) {
    return this.direct(async () => {
      const { bytes, fileName } = await readData(data, options.fileName);
      const onProgress = options.onProgress;
      return this.bridge.inspect(bytes, fileName, readOptions(options), (event) => {
        if (typeof onProgress === "function") onProgress(event);
      });
    });
  }

  /**
   * A target's class counts and warnings, before a search.
   * @param {Data} data
   * @param {TargetOptions} options
   * @returns {Promise<TargetCheck>}
   */
  checkTarget(data, options) {
    return this.direct(async () => {
      const settings = runSettings(given(options));
      const { bytes, fileName } = await readData(data, options.fileName);
      return this.bridge.checkTarget(bytes, fileName, settings);
    });
  }

  /**
   * Searches models for `options.target`; an abort resolves with the trials so far.
   * @param {Data} data
   * @param {FitOptions} options
   * @returns {Promise<FitResult>}
   */
  fit(data, options) {
    const signal = options && options.signal;
    return this.queued(async () => {
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
        this.bridge.cancel();
      };
      if (signal) signal.addEventListener("abort", onAbort, { once: true });
      try {
        const result = await this.bridge.run(bytes, fileName, settings, (event) => {
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
        this.bridge.start().catch(() => {});
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
    });
  }

  /**
   * A step-paced search (`pace: "step"`) waits after each trial: run one more.
   */
  nextTrial() {
    this.bridge.pace("next");
  }

  /**
   * A step-paced search waits after each trial: end the search there.
   */
  endSearch() {
    this.bridge.pace("finish");
  }

  /**
   * Finishes a search with a row of its leaderboard (a stopped one's best by default).
   * @param {Data} data
   * @param {FitSoFar} from
   * @param {FinishOptions} options
   * @returns {Promise<CompletedFit>}
   */
  finish(data, from, options) {
    const signal = options && options.signal;
    return this.queued(async () => {
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
        this.bridge.cancel();
      };
      if (signal) signal.addEventListener("abort", onAbort, { once: true });
      try {
        const rows = /** @type {import("./protocol.js").LeaderboardRow[]} */ ([...from.leaderboard]);
        const result = await this.bridge.finish(bytes, fileName, settings, rows, trial, ending, elapsedS, (event) => {
          if (!aborted && event && event.kind === "phase" && typeof options.onProgress === "function") options.onProgress(event);
        });
        const { modelFile, ...rest } = result;
        /** @type {CompletedFit} */
        const done = { ...rest, model: modelFile, stopped: false };
        return done;
      } catch (err) {
        if (!aborted) throw err;
        this.bridge.start().catch(() => {});
        throw abortError();
      } finally {
        if (signal) signal.removeEventListener("abort", onAbort);
      }
    });
  }

  /**
   * Predicts every row of `data` with a model file, in order.
   * @param {ModelBytes} model
   * @param {Data} data
   * @param {PredictOptions} [options]
   * @returns {Promise<PredictionList>}
   */
  predict(model, data, options = {}) {
    return this.direct(async () => {
      const modelFile = await readModel(model);
      /** @type {import("./protocol.js").Predictions & { csv?: string }} */
      let value;
      if (Array.isArray(data)) {
        if (data.length === 0) throw usageError("package.no_rows");
        const { textRow } = await rowsModule();
        value = await this.bridge.predictRows(modelFile, data.map(textRow));
      } else {
        const { bytes, fileName } = await readData(data, options.fileName);
        value = await this.bridge.predict(modelFile, bytes, fileName, options.sheet === undefined ? {} : { sheet: options.sheet });
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
    });
  }

  /**
   * How each column moved one row's prediction.
   * @param {ModelBytes} model
   * @param {RowObject} row
   * @returns {Promise<RowExplanation>}
   */
  explain(model, row) {
    return this.direct(async () => {
      const modelFile = await readModel(model);
      const { textRow } = await rowsModule();
      return this.bridge.explainRow(modelFile, textRow(row));
    });
  }

  /**
   * What a model file holds (`kind`: "tabular" or "forecast").
   * @param {ModelBytes} model
   * @returns {Promise<AnyModelInfo>}
   */
  modelInfo(model) {
    return this.direct(async () => {
      const modelFile = await readModel(model);
      if (isForecastModel(modelFile)) {
        return /** @type {AnyModelInfo} */ ({ kind: "forecast", ...(await this.bridge.forecastModelInfo(modelFile)) });
      }
      return /** @type {AnyModelInfo} */ ({ kind: "tabular", ...(await this.bridge.modelInfo(modelFile)) });
    });
  }

  /**
   * The series a date column and a numeric target make.
   * @param {Data} data
   * @param {SeriesOptions} options
   * @returns {Promise<SeriesInfo>}
   */
  forecastInfo(data, options) {
    return this.direct(async () => {
      const settings = forecastSettings(given(options));
      const { bytes, fileName } = await readData(data, options.fileName);
      return this.bridge.forecastInfo(bytes, fileName, settings);
    });
  }

  /**
   * Backtests forecasting models and forecasts the series; an abort rejects.
   * @param {Data} data
   * @param {ForecastOptions} options
   * @returns {Promise<ForecastResult>}
   */
  forecast(data, options) {
    const signal = options && options.signal;
    return this.direct(async () => {
      const settings = forecastSettings(given(options));
      const { bytes, fileName } = await readData(data, options.fileName);
      if (signal && signal.aborted) throw abortError();
      let aborted = false;
      const onAbort = () => {
        aborted = true;
        this.bridge.cancel();
      };
      if (signal) signal.addEventListener("abort", onAbort, { once: true });
      try {
        const { modelFile, ...rest } = await this.bridge.forecast(bytes, fileName, settings, (event) => {
          if (!aborted && typeof options.onProgress === "function") options.onProgress(event);
        });
        return { ...rest, model: modelFile || null };
      } catch (err) {
        if (!aborted) throw err;
        this.bridge.start().catch(() => {});
        throw abortError();
      } finally {
        if (signal) signal.removeEventListener("abort", onAbort);
      }
    });
  }

  /**
   * Forecasts the series in `data` from its end with a forecast model file (no search).
   * @param {ModelBytes} model
   * @param {Data} data
   * @param {ReadOptions} [options]
   * @returns {Promise<ForecastResult>}
   */
  forecastWithModel(model, data, options = {}) {
    return this.direct(async () => {
      const modelFile = await readModel(model);
      const { bytes, fileName } = await readData(data, options.fileName);
      const { modelFile: none, ...rest } = await this.bridge.forecastWithModel(modelFile, bytes, fileName, readOptions(options));
      void none;
      return { ...rest, model: null };
    });
  }

  /**
   * The engine's defaults, limits, column kinds, tasks, metrics and model families.
   * @returns {Promise<Catalogue>}
   */
  describe() {
    return this.direct(() => this.bridge.describe());
  }

  /**
   * A message `{ code, params }` in words (and its hint), in the instance's language.
   * @param {Message} message
   * @returns {Promise<string>}
   */
  async render(message) {
    await useLanguage(this.language);
    return renderNote(message);
  }

  /** Terminates the workers. A later call starts a fresh pool. */
  close() {
    this.bridge.cancel();
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

/**
 * The implementation checked against its declarations (index.d.ts) by `npm run typecheck`.
 * @type {typeof import("../index.js").AutoML}
 */
const declared = AutoML;
void declared;
