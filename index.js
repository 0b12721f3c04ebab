// automl-wasm: the in-browser AutoML engine for a page of your own (README, "Use it in your own
// page"). A plain ES module, no bundler: it drives the same worker pool as the tool's page
// (www/protocol.js: WorkerBridge, www/worker.js, the wasm in www/pkg/), found beside this file
// through import.meta.url, and renders the engine's structured errors from the page's
// catalogues (www/i18n.js, www/i18n/<lang>.json). The types of the whole API are in index.d.ts;
// the JSDoc below refers to them, and `npm run typecheck` checks this file against them.
import { MAX_WORKERS, WorkerBridge } from "./www/protocol.js";
import { LANGUAGES, describeError, loadMessages, renderNote } from "./www/i18n.js";

/**
 * @typedef {import("./index.js").AutoMLOptions} AutoMLOptions
 * @typedef {import("./index.js").Data} Data
 * @typedef {import("./index.js").ModelBytes} ModelBytes
 * @typedef {import("./index.js").RowObject} RowObject
 * @typedef {import("./index.js").ReadOptions} ReadOptions
 * @typedef {import("./index.js").FitOptions} FitOptions
 * @typedef {import("./index.js").FitResult} FitResult
 * @typedef {import("./index.js").CompletedFit} CompletedFit
 * @typedef {import("./index.js").StoppedFit} StoppedFit
 * @typedef {import("./index.js").PredictOptions} PredictOptions
 * @typedef {import("./index.js").PredictionList} PredictionList
 * @typedef {import("./index.js").ForecastOptions} ForecastOptions
 * @typedef {import("./index.js").Inspection} Inspection
 * @typedef {import("./index.js").RowExplanation} RowExplanation
 * @typedef {import("./index.js").ModelInfo} ModelInfo
 * @typedef {import("./index.js").ForecastResult} ForecastResult
 * @typedef {import("./index.js").Catalogue} Catalogue
 * @typedef {import("./index.js").Message} Message
 * @typedef {import("./index.js").Language} Language
 * @typedef {import("./index.js").LeaderboardRow} LeaderboardRow
 * @typedef {import("./index.js").Progress} Progress
 * @typedef {import("./www/protocol.js").RunSettings} RunSettings
 * @typedef {import("./www/protocol.js").ForecastSettings} ForecastSettings
 */

/** The worker script of the pool, beside this module in the package. */
const WORKER_URL = new URL("./www/worker.js", import.meta.url);

/** Metrics of regression: the others rank classifiers. */
const REGRESSION_METRICS = new Set(["r2", "rmse", "mae"]);

/**
 * An error of the engine or of this package, in words from the catalogue of the instance's
 * language: `code` and `params` are the message (www/i18n/<lang>.json), `message` and `hint`
 * its words. `name` is "AbortError" when a signal stopped a call before it had a result.
 */
export class AutoMLError extends Error {
  /**
   * @param {{ name?: string, code?: string, params?: { [name: string]: any }, message?: string, hint?: string, fatal?: boolean }} info
   */
  constructor({ name = "AutoMLError", code = "internal.error", params = {}, message = "", hint = "", fatal = false }) {
    const words = describeError({ code, params, message: message || code, hint });
    super(words.message);
    this.name = name;
    /** The message's code: the key of its words in www/i18n/<lang>.json. */
    this.code = code;
    /** The message's named parameters. */
    this.params = params || {};
    /** What to do about it, or "". */
    this.hint = words.hint;
    /** Whether the engine's workers were lost (they restart on the next call). */
    this.fatal = Boolean(fatal);
  }
}

/**
 * The language's catalogue made current (kept after the first fetch), then `make()`: errors
 * are rendered in the instance's language even when two instances use different ones.
 * @template T
 * @param {Language} language
 * @param {() => T} make
 * @returns {Promise<T>}
 */
async function inLanguage(language, make) {
  await loadMessages(language);
  return make();
}

/**
 * Anything thrown by the bridge or by this module, as an AutoMLError in `language`.
 * @param {Language} language
 * @param {any} err
 * @returns {Promise<AutoMLError>}
 */
function structured(language, err) {
  return inLanguage(language, () => new AutoMLError({
    name: err && err.name === "AbortError" ? "AbortError" : "AutoMLError",
    code: err && typeof err.code === "string" ? err.code : "internal.error",
    params: err && err.params && typeof err.params === "object"
      ? err.params
      : { reason: String(err && err.message ? err.message : err) },
    message: err && typeof err.message === "string" ? err.message : String(err),
    hint: err && typeof err.hint === "string" ? err.hint : "",
    fatal: Boolean(err && err.fatal),
  }));
}

/**
 * An error of this package's own (a wrong argument), by its catalogue code.
 * @param {string} code
 * @param {{ [name: string]: any }} [params]
 */
function usageError(code, params = {}) {
  return Object.assign(new Error(code), { code, params });
}

// ---- data ------------------------------------------------------------------------------------

/** A field that must be quoted in CSV: a delimiter the engine may detect, a quote, a line break, edge spaces. */
const NEEDS_QUOTES = /[",;\t|\r\n]|^\s|\s$/;

/**
 * One cell's text: empty for null, undefined and non-finite numbers; ISO 8601 for dates.
 * @param {unknown} value
 * @returns {string}
 */
function cellText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** @param {string} text */
function csvField(text) {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Rows `[{ column: value }]` as the bytes of a CSV file: the header is every key in the order
 * first met, a row lacking a key has an empty cell there, and a field with a quote, a line
 * break, a delimiter or an edge space is quoted (quotes doubled).
 * @param {readonly RowObject[]} rows
 * @returns {Uint8Array}
 */
export function rowsToCsv(rows) {
  if (!Array.isArray(rows) || rows.length === 0) throw usageError("package.no_rows");
  /** @type {string[]} */
  const columns = [];
  const seen = new Set();
  for (const row of rows) {
    if (!row || typeof row !== "object" || Array.isArray(row)) throw usageError("package.bad_row");
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  if (columns.length === 0) throw usageError("package.bad_row");
  const lines = [columns.map(csvField).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvField(cellText(row[c]))).join(","));
  return new TextEncoder().encode(`${lines.join("\r\n")}\r\n`);
}

/**
 * `data` as a fresh ArrayBuffer (the bridge transfers it) and a file name for the engine.
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
 * A row object as the engine's typed row `{ column: text }`.
 * @param {RowObject} row
 * @returns {{ [column: string]: string }}
 */
function textRow(row) {
  if (!row || typeof row !== "object" || Array.isArray(row)) throw usageError("package.bad_row");
  /** @type {{ [column: string]: string }} */
  const out = {};
  for (const [key, value] of Object.entries(row)) out[key] = cellText(value);
  return out;
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
 * Whether `value` is absent or a finite number (checks of options before the engine's own).
 * @param {string} name
 * @param {unknown} value
 */
function checkNumber(name, value) {
  if (value !== undefined && value !== null && !(typeof value === "number" && Number.isFinite(value))) {
    throw usageError("package.bad_option", { option: name });
  }
}

// ---- the API ---------------------------------------------------------------------------------

/**
 * The engine: the wasm compiled once, a pool of workers. Calls run one at a time, in order.
 */
export class AutoML {
  /**
   * Compiles the wasm (once), starts the worker pool and loads the catalogue of `language`.
   * @param {AutoMLOptions} [options]
   * @returns {Promise<AutoML>}
   */
  static async load(options = {}) {
    const language = /** @type {Language} */ (options.language || "en");
    if (!LANGUAGES.includes(language)) {
      throw await structured("en", usageError("package.bad_option", { option: "language" }));
    }
    const cores = typeof navigator !== "undefined" && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 1;
    const workers = options.workers === undefined ? Math.min(MAX_WORKERS, cores) : options.workers;
    if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
      throw await structured(language, usageError("package.bad_option", { option: "workers" }));
    }
    await loadMessages(language);
    const bridge = new WorkerBridge(WORKER_URL, { size: workers });
    try {
      const ready = await bridge.start();
      return new AutoML(bridge, language, ready.version);
    } catch (err) {
      bridge.cancel();
      throw await structured(language, err);
    }
  }

  /**
   * Use AutoML.load().
   * @param {WorkerBridge} bridge
   * @param {Language} language
   * @param {string} version
   */
  constructor(bridge, language, version) {
    /** @private */
    this.bridge = bridge;
    /** The language of error messages and rendered notes. */
    this.language = language;
    /** The engine's version. */
    this.version = version;
    /** Workers in the pool. */
    this.workers = bridge.size;
    /**
     * The call running now: the next waits for it.
     * @private
     * @type {Promise<unknown>}
     */
    this.queue = Promise.resolve();
  }

  /**
   * Runs `task` after the calls before it; its errors as AutoMLError.
   * @private
   * @template T
   * @param {() => Promise<T>} task
   * @returns {Promise<T>}
   */
  serial(task) {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run.catch(async (err) => {
      throw err instanceof AutoMLError ? err : await structured(this.language, err);
    });
  }

  /**
   * What a file holds: columns, kinds, a preview, notes and warnings.
   * @param {Data} data
   * @param {ReadOptions} [options]
   * @returns {Promise<Inspection>}
   */
  inspect(data, options = {}) {
    return this.serial(async () => {
      const { bytes, fileName } = await readData(data, options.fileName);
      /** @type {{ sheet?: string, encoding?: import("./www/protocol.js").TextEncodingName }} */
      const read = {};
      if (options.sheet !== undefined) read.sheet = options.sheet;
      if (options.encoding !== undefined) read.encoding = options.encoding;
      return this.bridge.inspect(bytes, fileName, read);
    });
  }

  /**
   * Searches models for `options.target` within the budget. Aborting `options.signal` stops at
   * once: the promise resolves with the trials so far (`stopped: true`, no model), or rejects
   * with an AbortError when no trial had finished.
   * @param {Data} data
   * @param {FitOptions} options
   * @returns {Promise<FitResult>}
   */
  fit(data, options) {
    const signal = options && options.signal;
    return this.serial(async () => {
      if (!options || typeof options !== "object") throw usageError("package.bad_option", { option: "options" });
      const settings = runSettings(options);
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
          // the network being trained is the page's view, not the package's progress
          if (aborted || !event || event.kind === "training") return;
          last = event;
          if (event.kind === "trial" && event.row) rows.push(event.row);
          if (typeof options.onProgress === "function") options.onProgress(event);
        });
        const { modelFile, ...rest } = result;
        /** @type {CompletedFit} */
        const done = { ...rest, model: modelFile, stopped: false };
        return done;
      } catch (/** @type {any} */ err) {
        if (!aborted) throw err;
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
        // warm the next pool, as the page does after Stop
        this.bridge.start().catch(() => {});
        return partial;
      } finally {
        if (signal) signal.removeEventListener("abort", onAbort);
      }
    });
  }

  /**
   * Predicts every row of `data` with a model file: one entry per row, in order.
   * @param {ModelBytes} model
   * @param {Data} data
   * @param {PredictOptions} [options]
   * @returns {Promise<PredictionList>}
   */
  predict(model, data, options = {}) {
    return this.serial(async () => {
      const modelFile = await readModel(model);
      /** @type {import("./www/protocol.js").Predictions & { csv?: string }} */
      let value;
      if (Array.isArray(data)) {
        if (data.length === 0) throw usageError("package.no_rows");
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
    return this.serial(async () => this.bridge.explainRow(await readModel(model), textRow(row)));
  }

  /**
   * What a model file holds; rejects for a foreign or damaged file.
   * @param {ModelBytes} model
   * @returns {Promise<ModelInfo>}
   */
  modelInfo(model) {
    return this.serial(async () => this.bridge.modelInfo(await readModel(model)));
  }

  /**
   * Backtests forecasting models on the series of `options.date` and `options.target`, and
   * forecasts `horizon` steps. Aborting `options.signal` stops at once and rejects with an
   * AbortError (a forecast exists only at the end).
   * @param {Data} data
   * @param {ForecastOptions} options
   * @returns {Promise<ForecastResult>}
   */
  forecast(data, options) {
    const signal = options && options.signal;
    return this.serial(async () => {
      if (!options || typeof options !== "object") throw usageError("package.bad_option", { option: "options" });
      const settings = forecastSettings(options);
      const { bytes, fileName } = await readData(data, options.fileName);
      if (signal && signal.aborted) throw abortError();
      let aborted = false;
      const onAbort = () => {
        aborted = true;
        this.bridge.cancel();
      };
      if (signal) signal.addEventListener("abort", onAbort, { once: true });
      try {
        return await this.bridge.forecast(bytes, fileName, settings, (event) => {
          if (!aborted && typeof options.onProgress === "function") options.onProgress(event);
        });
      } catch (err) {
        if (aborted) {
          this.bridge.start().catch(() => {});
          throw abortError();
        }
        throw err;
      } finally {
        if (signal) signal.removeEventListener("abort", onAbort);
      }
    });
  }

  /**
   * The engine's defaults, limits, column kinds, tasks, metrics and model families.
   * @returns {Promise<Catalogue>}
   */
  describe() {
    return this.serial(() => this.bridge.describe());
  }

  /**
   * A note, warning or error `{ code, params }` in words (and its hint), in the instance's
   * language.
   * @param {Message} message
   * @returns {Promise<string>}
   */
  render(message) {
    return inLanguage(this.language, () => renderNote(message));
  }

  /** Terminates the workers. A later call starts a fresh pool. */
  close() {
    this.bridge.cancel();
  }
}

/** The error of a call stopped before it had a result. */
function abortError() {
  return Object.assign(new Error("run.stopped"), { name: "AbortError", code: "run.stopped", params: {} });
}

/**
 * The engine's RunSettings of fit()'s options.
 * @param {FitOptions} options
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
  if (options.ensemble !== undefined) settings.ensemble = Boolean(options.ensemble);
  if (options.sheet !== undefined) settings.sheet = options.sheet;
  if (options.encoding !== undefined) settings.encoding = options.encoding;
  return settings;
}

/**
 * The engine's ForecastSettings of forecast()'s options.
 * @param {ForecastOptions} options
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
 * @type {typeof import("./index.js").AutoML}
 */
const declared = AutoML;
void declared;
