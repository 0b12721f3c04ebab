// The engine's API, `AutoML`: the package's (index.js re-exports this module) and the page's own
// (main.js makes one; the page's modules call it). With automl-calls.js (what each call does,
// loaded by the first call that needs it), the only page module that uses the worker pool
// (protocol.js WorkerBridge, found beside this file: worker.js, pkg/). Errors become
// AutoMLError, in words from i18n/<lang>.json. Types and docs: ../index.d.ts, which
// `npm run typecheck` checks this class against (README, "Use it in your own page").
// The lead worker answers requests in order, so calls are sent at once and may run side by
// side; `fit` and `finish` (the pool's search, the lead's run state) run one at a time.
// Aborting terminates every worker at once (calls beside it reject with an AbortError).
import { ERROR_NAMES, MAX_WORKERS, WorkerBridge } from "./protocol.js";
import { LANGUAGES, describeError, loadMessages, renderNote, speaks } from "./i18n.js";

/**
 * @typedef {import("../index.js").AutoMLOptions} AutoMLOptions
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
 * @typedef {import("../index.js").PredictOptions} PredictOptions
 * @typedef {import("../index.js").PredictionList} PredictionList
 * @typedef {import("../index.js").SeriesOptions} SeriesOptions
 * @typedef {import("../index.js").ForecastOptions} ForecastOptions
 * @typedef {import("../index.js").ForecastResult} ForecastResult
 * @typedef {import("../index.js").AnyModelInfo} AnyModelInfo
 * @typedef {import("../index.js").Message} Message
 * @typedef {import("../index.js").Language} Language
 * @typedef {import("../index.js").Ready} Ready
 * @typedef {import("./protocol-types.js").Inspection} Inspection
 * @typedef {import("./protocol-types.js").TargetCheck} TargetCheck
 * @typedef {import("./protocol-types.js").RowExplanation} RowExplanation
 * @typedef {import("./protocol-types.js").SeriesInfo} SeriesInfo
 * @typedef {import("./protocol-types.js").Catalogue} Catalogue
 */

/** The worker script of the pool, beside this module. */
const WORKER_URL = new URL("./worker.js", import.meta.url);

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
  const coded = err && typeof err.code === "string";
  return new AutoMLError({
    name: name === "AbortError" || name === "Cancelled" ? "AbortError"
      : name === ERROR_NAMES.ENGINE_CRASHED || name === ERROR_NAMES.OUT_OF_MEMORY ? name : "AutoMLError",
    // an error without a code (a script's own) keeps its words as the internal error's reason
    code: coded ? err.code : "internal.error",
    params: !coded ? { reason: String(err && err.message ? err.message : err) }
      : err.params && typeof err.params === "object" ? err.params : {},
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
export function usageError(code, params = {}) {
  return Object.assign(new Error(code), { code, params });
}

/** The calls' module (automl-calls.js), loaded by the first call that needs it (not at start-up). */
function calls() {
  return import("./automl-calls.js");
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
    return this.direct(async () => (await calls()).inspect(this.bridge, data, options));
  }

  /**
   * A target's class counts and warnings, before a search.
   * @param {Data} data
   * @param {TargetOptions} options
   * @returns {Promise<TargetCheck>}
   */
  checkTarget(data, options) {
    return this.direct(async () => (await calls()).checkTarget(this.bridge, data, options));
  }

  /**
   * Searches models for `options.target`; an abort resolves with the trials so far.
   * @param {Data} data
   * @param {FitOptions} options
   * @returns {Promise<FitResult>}
   */
  fit(data, options) {
    return this.queued(async () => (await calls()).fit(this.bridge, data, options));
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
    return this.queued(async () => (await calls()).finish(this.bridge, data, from, options));
  }

  /**
   * Predicts every row of `data` with a model file, in order.
   * @param {ModelBytes} model
   * @param {Data} data
   * @param {PredictOptions} [options]
   * @returns {Promise<PredictionList>}
   */
  predict(model, data, options = {}) {
    return this.direct(async () => (await calls()).predict(this.bridge, model, data, options));
  }

  /**
   * How each column moved one row's prediction.
   * @param {ModelBytes} model
   * @param {RowObject} row
   * @returns {Promise<RowExplanation>}
   */
  explain(model, row) {
    return this.direct(async () => (await calls()).explain(this.bridge, model, row));
  }

  /**
   * What a model file holds (`kind`: "tabular" or "forecast").
   * @param {ModelBytes} model
   * @returns {Promise<AnyModelInfo>}
   */
  modelInfo(model) {
    return this.direct(async () => (await calls()).modelInfo(this.bridge, model));
  }

  /**
   * The series a date column and a numeric target make.
   * @param {Data} data
   * @param {SeriesOptions} options
   * @returns {Promise<SeriesInfo>}
   */
  forecastInfo(data, options) {
    return this.direct(async () => (await calls()).forecastInfo(this.bridge, data, options));
  }

  /**
   * Backtests forecasting models and forecasts the series; an abort rejects.
   * @param {Data} data
   * @param {ForecastOptions} options
   * @returns {Promise<ForecastResult>}
   */
  forecast(data, options) {
    return this.direct(async () => (await calls()).forecast(this.bridge, data, options));
  }

  /**
   * Forecasts the series in `data` from its end with a forecast model file (no search).
   * @param {ModelBytes} model
   * @param {Data} data
   * @param {ReadOptions} [options]
   * @returns {Promise<ForecastResult>}
   */
  forecastWithModel(model, data, options = {}) {
    return this.direct(async () => (await calls()).forecastWithModel(this.bridge, model, data, options));
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
 * The implementation checked against its declarations (index.d.ts) by `npm run typecheck`.
 * @type {typeof import("../index.js").AutoML}
 */
const declared = AutoML;
void declared;
