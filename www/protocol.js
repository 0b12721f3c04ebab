// The worker protocol: the one place that defines every message between the page and the
// search workers, and the one class (`WorkerBridge`) that touches a `Worker`.
// The worker side (`worker.js`) imports the names below; nothing else posts messages.
//
// The pool: the page runs `workers` search workers (navigator.hardwareConcurrency, capped at
// 8, at least 1; the page's `?workers=N` URL parameter overrides it, for tests). The wasm
// module is compiled ONCE on the page (WebAssembly.compileStreaming of pkg/automl_bg.wasm)
// and the compiled WebAssembly.Module is posted to every worker, which instantiates it.
// Worker 0 is the lead: it answers "inspect", "checkTarget", "describe" (and "panic"), and
// owns the search session of a "run" (tuner, leaderboard, ensemble, refit). The splits of each
// trial are dealt out to all workers, the lead included: split s belongs to worker s % workers,
// and each worker prepares the fold data of its own splits only. Trials are sequential and
// every split's fit is seeded, so a run's leaderboard does not depend on the number of
// workers. A fatal error in any worker, or Stop, terminates every worker; the next request
// starts a fresh pool (the compiled module is kept).
//
// Every message and every shape is a JSDoc type (`@typedef`) in protocol-types.js, checked by
// TypeScript (tsconfig.json, `npm run typecheck`): worker.js and the page's modules use those
// names. The types live there, in a module the browser never loads (type imports are
// comments), so that their documentation does not weigh on the first visit.

/**
 * @typedef {import("./protocol-types.js").Catalogue} Catalogue
 * @typedef {import("./protocol-types.js").ErrorInfo} ErrorInfo
 * @typedef {import("./protocol-types.js").ForecastModelInfo} ForecastModelInfo
 * @typedef {import("./protocol-types.js").ForecastProgress} ForecastProgress
 * @typedef {import("./protocol-types.js").ForecastResult} ForecastResult
 * @typedef {import("./protocol-types.js").ForecastSettings} ForecastSettings
 * @typedef {import("./protocol-types.js").FromWorker} FromWorker
 * @typedef {import("./protocol-types.js").LeaderboardRow} LeaderboardRow
 * @typedef {import("./protocol-types.js").Message} Message
 * @typedef {import("./protocol-types.js").Pace} Pace
 * @typedef {import("./protocol-types.js").ParseProgress} ParseProgress
 * @typedef {import("./protocol-types.js").Progress} Progress
 * @typedef {import("./protocol-types.js").ReadyReply} ReadyReply
 * @typedef {import("./protocol-types.js").RequestType} RequestType
 * @typedef {import("./protocol-types.js").Requests} Requests
 * @typedef {import("./protocol-types.js").RunResult} RunResult
 * @typedef {import("./protocol-types.js").RunSettings} RunSettings
 * @typedef {import("./protocol-types.js").SearchResult} SearchResult
 * @typedef {import("./protocol-types.js").SeriesInfo} SeriesInfo
 * @typedef {import("./protocol-types.js").SplitJobsReply} SplitJobsReply
 * @typedef {import("./protocol-types.js").TextEncodingName} TextEncodingName
 * @typedef {import("./protocol-types.js").ToWorker} ToWorker
 */

import { describeError } from "./i18n.js";
import { workerScriptURL } from "./trusted-types.js";

/** The first word of a forecast model file (a tabular one starts with "AUTOML-MODEL"). */
export const FORECAST_MODEL_MAGIC = "AUTOML-FORECAST";

/**
 * Whether `bytes` start like a forecast model file (the page sends those to the forecast
 * model's view; the engine checks the rest).
 * @param {Uint8Array} bytes
 * @returns {boolean}
 */
export function isForecastModel(bytes) {
  const magic = FORECAST_MODEL_MAGIC;
  if (!bytes || bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
  return true;
}

/** Message type names, shared by both sides. */
export const MSG = Object.freeze({
  INSPECT: "inspect",
  CHECK_TARGET: "checkTarget",
  RUN: "run",
  FINISH: "finish",
  PREDICT: "predict",
  PREDICT_ROWS: "predictRows",
  EXPLAIN_ROW: "explainRow",
  MODEL_INFO: "modelInfo",
  PANIC: "panic",
  DESCRIBE: "describe",
  FORECAST_INFO: "forecastInfo",
  FORECAST: "forecast",
  FORECAST_MODEL_INFO: "forecastModelInfo",
  FORECAST_WITH_MODEL: "forecastWithModel",
  PREPARE: "prepare",
  EVALUATE: "evaluate",
  RELEASE: "release",
  INIT: "init",
  SPLIT_JOBS: "splitJobs",
  SPLIT_RESULTS: "splitResults",
  PACE: "pace",
  READY: "ready",
  PROGRESS: "progress",
  RESULT: "result",
  ERROR: "error",
});

/** The task the page offers for a series (forecast.js); the engine's tasks are in its catalogue. */
export const FORECAST_TASK = "forecast";

/** In slow mode, the least time a trial takes (the lead waits out the rest), in milliseconds. */
export const SLOW_TRIAL_MS = 1000;

/** Names of the fatal errors a worker reports. */
export const ERROR_NAMES = Object.freeze({
  ENGINE_CRASHED: "EngineCrashed",
  OUT_OF_MEMORY: "OutOfMemory",
});

/**
 * An error reply turned into an exception. `fatal` means the worker was replaced. `code` and
 * `params` are the message; `message` and `hint` its words from the page's catalogue (the
 * core's English when the catalogue lacks the code).
 */
export class WorkerError extends Error {
  /** @param {Partial<ErrorInfo>} [info] */
  constructor({ name = "Error", code, params, message = "", hint = "", fatal = false } = {}) {
    const words = describeError({ code, params, message: message || code || "unknown error", hint });
    super(words.message);
    this.name = name;
    /** @type {string|undefined} */
    this.code = code;
    this.params = params || {};
    this.hint = words.hint;
    this.fatal = fatal;
  }
}

/**
 * Whether `err` is a browser refusing to compile WebAssembly under the page's security policy:
 * a browser that does not know the policy's 'wasm-unsafe-eval' (Safari before 16, Firefox
 * before 102, Chrome before 97) treats compiling as eval, which the policy forbids. Each
 * engine words it its own way ("Refused to compile…", "…blocked by CSP").
 * @param {any} err
 */
export function isPolicyRefusal(err) {
  const text = String(err && err.message ? err.message : err);
  return /unsafe-eval|content.security.policy|\bCSP\b/i.test(text);
}

/**
 * Fetches and compiles the engine's wasm. Where the browser lacks what the engine needs, the
 * error says so, from the catalogue: no WebAssembly at all, or a security policy the browser
 * cannot honour for WebAssembly. A browser without streaming compilation compiles the bytes.
 * @param {URL} url
 * @returns {Promise<WebAssembly.Module>}
 */
export async function compileEngine(url) {
  const wasm = /** @type {any} */ (globalThis).WebAssembly;
  if (!wasm || typeof wasm.compile !== "function") {
    throw new WorkerError({ name: "Unsupported", code: "engine.no_webassembly", params: {}, fatal: true });
  }
  try {
    if (typeof wasm.compileStreaming === "function") return await wasm.compileStreaming(fetch(url));
    const response = await fetch(url);
    return await wasm.compile(await response.arrayBuffer());
  } catch (err) {
    if (isPolicyRefusal(err)) throw new WorkerError({ name: "Unsupported", code: "engine.wasm_blocked", params: {}, fatal: true });
    throw err;
  }
}

/** The largest pool of workers the page starts. */
export const MAX_WORKERS = 8;

/**
 * Workers for this page: `?workers=N` in the page's URL if given (1 to MAX_WORKERS; a test
 * hook), else one per logical core, capped at MAX_WORKERS.
 * @param {string} [search] the page's query string
 * @param {number} [cores] logical cores
 * @returns {number}
 */
export function poolSize(search = (typeof location !== "undefined" ? location.search : ""), cores = (typeof navigator !== "undefined" ? navigator.hardwareConcurrency : 1)) {
  const asked = Number(new URLSearchParams(search).get("workers"));
  const n = Number.isInteger(asked) && asked >= 1 ? asked : (cores || 1);
  return Math.max(1, Math.min(MAX_WORKERS, Math.floor(n)));
}

/**
 * A request waiting for its reply.
 * @typedef {object} Pending
 * @property {(value: any) => void} resolve
 * @property {(error: WorkerError) => void} reject
 * @property {(event: any) => void} onProgress
 * @property {(job: SplitJobsReply) => void} onJobs
 */

/** One worker of the pool and its pending requests. */
class PoolWorker {
  /**
   * @param {WorkerBridge} bridge
   * @param {number} index 0 for the lead
   */
  constructor(bridge, index) {
    this.bridge = bridge;
    this.index = index;
    // A browser without module workers ignores the `type` option (it never reads it) and then
    // fails on worker.js's first import: read, it says the browser has them.
    let typeRead = false;
    const options = {
      get type() {
        typeRead = true;
        return /** @type {WorkerType} */ ("module");
      },
    };
    this.worker = new Worker(workerScriptURL(bridge.workerUrl), options);
    /** Whether this browser runs module workers (see the error handler). */
    this.moduleWorkers = typeRead;
    /** @type {Map<number, Pending>} */
    this.pending = new Map();
    /** @type {(ready: ReadyReply) => void} */
    this.resolveReady = null;
    /** @type {(error: WorkerError) => void} */
    this.rejectReady = null;
    /** Resolves with the worker's "ready" message once its wasm module is loaded. */
    this.ready = /** @type {Promise<ReadyReply>} */ (new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    }));
    // Nobody may be awaiting `ready` when a worker dies; the error reaches callers through
    // their own pending requests, so an unobserved rejection here is not a page error.
    this.ready.catch(() => {});
    this.worker.onmessage = (event) => this.handle(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      let failure;
      if (!this.moduleWorkers) failure = { code: "engine.no_module_workers", params: {} };
      else if (event.message) failure = { code: "engine.worker_failed", params: { detail: event.message } };
      else failure = { code: "engine.worker_not_loaded", params: {} };
      bridge.replace(new WorkerError({ name: "WorkerFailed", ...failure, fatal: true }));
    };
  }

  /** @param {FromWorker} msg */
  handle(msg) {
    if ("memoryBytes" in msg && typeof msg.memoryBytes === "number" && this.index === 0) this.bridge.memoryBytes = msg.memoryBytes;
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
      entry.resolve(msg.modelFile !== undefined ? Object.assign(/** @type {SearchResult} */ (msg.value), { modelFile: msg.modelFile }) : msg.value);
    } else if (msg.type === MSG.ERROR) {
      this.pending.delete(msg.id);
      const error = new WorkerError(msg.error);
      if (error.fatal) this.bridge.replace(error);
      entry.reject(error);
    }
  }

  /**
   * Posts a request and resolves with the value of its "result" reply.
   * @template {RequestType} T
   * @param {T} type
   * @param {Requests[T]["payload"]} payload
   * @param {Transferable[]} [transfer] objects moved to the worker, not copied
   * @param {(event: Requests[T]["progress"]) => void} [onProgress]
   * @param {(job: SplitJobsReply) => void} [onJobs] the lead's split jobs, during a run
   * @returns {Promise<Requests[T]["value"]>}
   */
  async request(type, payload, transfer = [], onProgress = () => {}, onJobs = () => {}) {
    await this.ready;
    const id = this.bridge.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress, onJobs });
      this.worker.postMessage({ id, type, ...payload }, transfer);
    });
  }

  /**
   * @param {ToWorker} message a message that has no reply
   * @param {Transferable[]} [transfer]
   */
  post(message, transfer = []) {
    this.worker.postMessage(message, transfer);
  }

  /**
   * Terminates the worker and rejects its pending requests with `error`.
   * @param {WorkerError} error
   */
  kill(error) {
    this.worker.terminate();
    this.rejectReady(error);
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const entry of pending) entry.reject(error);
  }
}

/**
 * A module of one function that returns a 128-bit SIMD value (i8x16.splat, i8x16.popcnt):
 * valid only in a browser with WebAssembly SIMD, which the engine is built with (`simd128`,
 * README "Neural networks": the networks' kernels use it). Every current browser has it.
 */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/**
 * Whether this browser runs WebAssembly SIMD (the engine needs it).
 * @returns {boolean}
 */
export function hasWasmSimd() {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/**
 * The only code that touches a `Worker`: a pool of `size` search workers sharing one compiled
 * wasm module. Requests return promises; progress events go to the `onProgress` callback given
 * with the request. `cancel()` terminates every worker (a busy wasm call cannot read
 * messages), rejects every pending request, and a fresh pool starts lazily.
 */
export class WorkerBridge {
  /**
   * @param {URL} [workerUrl] the worker script
   * @param {{ size?: number }} [options] workers in the pool (by default poolSize())
   */
  constructor(workerUrl = new URL("./worker.js", import.meta.url), { size = poolSize() } = {}) {
    this.workerUrl = workerUrl;
    this.wasmUrl = new URL("./pkg/automl_bg.wasm", workerUrl);
    /** Workers in the pool. */
    this.size = Math.max(1, Math.min(MAX_WORKERS, size | 0 || 1));
    /** @type {PoolWorker[] | null} the running pool, started lazily */
    this.pool = null;
    /** @type {Promise<ReadyReply> | null} the lead's "ready" */
    this.ready = null;
    /** @type {Promise<WebAssembly.Module> | null} */
    this.module = null;
    this.nextId = 1;
    /** The lead worker's wasm memory in bytes, as last reported (null before "ready"). */
    this.memoryBytes = null;
    /**
     * Called with a WorkerError when a worker dies (trap or load failure).
     * @type {(error: WorkerError) => void}
     */
    this.onWorkerLost = () => {};
    /** @type {Promise<Catalogue> | null} the catalogue's promise, once asked (see describe()) */
    this.catalogue = null;
    /**
     * Whether the browser runs WebAssembly SIMD, asked before the engine is compiled (the
     * test build's `?simd=none` replaces it to act as a browser without).
     * @type {() => boolean}
     */
    this.simdSupported = hasWasmSimd;
  }

  /** Compiles the wasm module once per page; every worker of every pool gets this one. */
  compile() {
    if (!this.module) {
      // A browser without WebAssembly SIMD cannot compile the engine: say so in words rather
      // than with the compiler's error (one without WebAssembly at all is told by compileEngine).
      this.module = !(/** @type {any} */ (globalThis).WebAssembly) || this.simdSupported()
        ? compileEngine(this.wasmUrl)
        : Promise.reject(new WorkerError({ name: "Unsupported", code: "engine.no_simd", params: {}, fatal: true }));
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
        this.replace(err instanceof WorkerError ? err : new WorkerError({
          name: "WorkerFailed",
          code: "engine.load_failed",
          params: { detail: String(err && err.message ? err.message : err) },
          fatal: true,
        }));
      },
    );
    this.ready = pool[0].ready;
    return this.ready;
  }

  /**
   * Sends a request to the lead (starting the pool if needed).
   * @template {RequestType} T
   * @param {T} type
   * @param {Requests[T]["payload"]} payload
   * @param {Transferable[]} [transfer]
   * @param {(event: Requests[T]["progress"]) => void} [onProgress]
   * @returns {Promise<Requests[T]["value"]>}
   */
  async request(type, payload, transfer = [], onProgress = () => {}) {
    await this.start();
    return this.pool[0].request(type, payload, transfer, onProgress);
  }

  /**
   * Parse and describe a file. `bytes` is an ArrayBuffer that is transferred (detached).
   * @param {ArrayBuffer} bytes
   * @param {string} fileName
   * @param {{ sheet?: string, encoding?: TextEncodingName }} [options]
   * @param {(event: ParseProgress) => void} [onProgress]
   */
  inspect(bytes, fileName, options = {}, onProgress = () => {}) {
    return this.request(MSG.INSPECT, { bytes, fileName, options }, [bytes], onProgress);
  }

  /**
   * Class counts and warnings for a target. `bytes` is transferred.
   * @param {ArrayBuffer} bytes
   * @param {string} fileName
   * @param {RunSettings} settings
   */
  checkTarget(bytes, fileName, settings) {
    return this.request(MSG.CHECK_TARGET, { bytes, fileName, settings }, [bytes]);
  }

  /**
   * Run a search on the whole pool. `bytes` is transferred; pass a copy if you still need it.
   * The other workers get copies; the lead's "splitJobs" are relayed to them.
   * @param {ArrayBuffer} bytes
   * @param {string} fileName
   * @param {RunSettings} settings
   * @param {(event: Progress) => void} onProgress
   * @param {Pace} [pace] "step": the lead waits after each trial for next() or finishSteps()
   * @returns {Promise<RunResult>}
   */
  async run(bytes, fileName, settings, onProgress, pace = "normal") {
    await this.start();
    const pool = this.pool;
    const workers = pool.length;
    await Promise.all(pool.map((w) => w.ready));
    const helpers = pool.slice(1).map((w, i) =>
      w.request(MSG.PREPARE, { bytes: bytes.slice(0), fileName, settings, worker: i + 1, workers }));
    /** @type {WorkerError | null} the first failure of another worker */
    let failed = null;
    /** @param {WorkerError} err */
    const fail = (err) => {
      if (!failed) failed = err;
    };
    helpers.forEach((p) => p.catch(fail));
    /** @param {SplitJobsReply} job */
    const relay = async (job) => {
      try {
        await Promise.all(helpers);
        /** @type {Map<number, number[]>} worker -> its splits */
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
      } catch (/** @type {any} */ err) {
        fail(err);
        // the lead waits for these predictions: a failure elsewhere ends the run
        if (this.pool === pool && !(err && err.fatal)) {
          this.replace(new WorkerError({ name: err.name, code: err.code, params: err.params, message: err.message, hint: err.hint, fatal: false }));
        }
      }
    };
    try {
      return await pool[0].request(MSG.RUN, { bytes, fileName, settings, workers, pace }, [bytes], onProgress, relay);
    } catch (/** @type {any} */ err) {
      throw failed && err && err.name === failed.name ? failed : err;
    } finally {
      if (this.pool === pool) {
        for (const w of pool.slice(1)) w.request(MSG.RELEASE, {}).catch(() => {});
      }
    }
  }

  /**
   * Finish a run with one trial of its leaderboard (after Stop, or a row the person chose):
   * refitted on all rows, explained, and its model file (RunResult). `bytes` is transferred.
   * @param {ArrayBuffer} bytes
   * @param {string} fileName
   * @param {RunSettings} settings
   * @param {LeaderboardRow[]} rows
   * @param {number} trial
   * @param {"stopped"|"chosen"} ending
   * @param {number} elapsedS
   * @param {(event: Progress) => void} onProgress
   * @returns {Promise<RunResult>}
   */
  finish(bytes, fileName, settings, rows, trial, ending, elapsedS, onProgress) {
    return this.request(MSG.FINISH, { bytes, fileName, settings, rows, trial, ending, elapsedS }, [bytes], onProgress);
  }

  /**
   * Step mode: tell the lead to run one more trial ("next") or to end the search where it is
   * ("finish": the ensemble and the refit follow, as after a trial budget).
   * @param {"next"|"finish"} action
   */
  pace(action) {
    if (this.pool && this.pool[0]) this.pool[0].post({ type: MSG.PACE, action });
  }

  /**
   * Predict a data file with a model file (copied). `bytes` is transferred.
   * @param {Uint8Array} modelFile
   * @param {ArrayBuffer} bytes
   * @param {string} fileName
   * @param {{ sheet?: string }} [options]
   */
  predict(modelFile, bytes, fileName, options = {}) {
    return this.request(MSG.PREDICT, { modelFile, bytes, fileName, options }, [bytes]);
  }

  /**
   * Predict rows `[{ column: text }]` with a model file (the what-if form).
   * @param {Uint8Array} modelFile
   * @param {{ [column: string]: string }[]} rows
   */
  predictRows(modelFile, rows) {
    return this.request(MSG.PREDICT_ROWS, { modelFile, rows });
  }

  /**
   * How each column moved one row's prediction (`row` is `{ column: text }`).
   * @param {Uint8Array} modelFile
   * @param {{ [column: string]: string }} row
   */
  explainRow(modelFile, row) {
    return this.request(MSG.EXPLAIN_ROW, { modelFile, row });
  }

  /**
   * What a model file holds; rejects with a clear message for a foreign or damaged file.
   * @param {Uint8Array} modelFile
   */
  modelInfo(modelFile) {
    return this.request(MSG.MODEL_INFO, { modelFile });
  }

  /**
   * Describe the series of a date column and a target (SeriesInfo). `bytes` is transferred.
   * @param {ArrayBuffer} bytes
   * @param {string} fileName
   * @param {ForecastSettings} settings
   */
  forecastInfo(bytes, fileName, settings) {
    return this.request(MSG.FORECAST_INFO, { bytes, fileName, settings }, [bytes]);
  }

  /**
   * Forecast a series (ForecastResult). `bytes` is transferred.
   * @param {ArrayBuffer} bytes
   * @param {string} fileName
   * @param {ForecastSettings} settings
   * @param {(event: ForecastProgress) => void} [onProgress]
   */
  forecast(bytes, fileName, settings, onProgress) {
    return this.request(MSG.FORECAST, { bytes, fileName, settings }, [bytes], onProgress);
  }

  /**
   * What a forecast model file holds (ForecastModelInfo).
   * @param {Uint8Array} modelFile
   */
  forecastModelInfo(modelFile) {
    return this.request(MSG.FORECAST_MODEL_INFO, { modelFile });
  }

  /**
   * Forecast the series of a data file with a forecast model file (ForecastResult, with the
   * CSV `automl predict MODEL DATA --out` writes). `bytes` is transferred.
   * @param {Uint8Array} modelFile
   * @param {ArrayBuffer} bytes
   * @param {string} fileName
   * @param {{ sheet?: string, encoding?: TextEncodingName }} [options]
   */
  forecastWithModel(modelFile, bytes, fileName, options = {}) {
    return this.request(MSG.FORECAST_WITH_MODEL, { modelFile, bytes, fileName, options }, [bytes]);
  }

  /**
   * The engine's catalogue (defaults, limits, kinds, tasks, metrics, families): asked once,
   * kept for the page's life (a new pool runs the same module, so the answer is the same); a
   * failed ask is asked again next time.
   * @returns {Promise<Catalogue>}
   */
  describe() {
    if (!this.catalogue) {
      this.catalogue = this.request(MSG.DESCRIBE, {});
      this.catalogue.catch(() => {
        this.catalogue = null;
      });
    }
    return this.catalogue;
  }

  /** Stop whatever runs now: terminate every worker; the next request starts a fresh pool. */
  cancel() {
    this.replace(new WorkerError({ name: "Cancelled", code: "run.stopped", fatal: false }));
  }

  /**
   * Ends the pool: every worker terminated, every pending request rejected with `error`;
   * `onWorkerLost` hears of a fatal one.
   * @param {WorkerError} error
   */
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
