// A search worker of the pool: instantiates the wasm module the page compiled (sent in the
// "init" message), then answers requests from `protocol.js`. It installs its message handler
// at once and awaits the module inside it, so no request sent before the module is ready is
// lost. Worker 0 (the lead) runs the search session of a "run"; every worker (the lead too)
// evaluates the splits of each trial assigned to it (split s belongs to worker s % workers).
// The lead's one state between requests is the core's cache of the last model used (keyed by
// the model file's checksum), which keeps what-if calls fast.
import init, {
  LeadSession, SplitJobs, check_target, describe, explain_row, failed_allocation_bytes, finish_chosen, forecast, forecast_info, forecast_model_info, forecast_with_model,
  inspect, is_workbook, model_info, predict, predict_rows, take_model_file, version,
} from "./pkg/automl.js";
import * as engine from "./pkg/automl.js";
import { ERROR_NAMES, MSG, SLOW_TRIAL_MS } from "./protocol.js";
/**
 * @typedef {import("./pkg/automl.js").InitOutput} InitOutput
 * @typedef {import("./protocol-types.js").ErrorInfo} ErrorInfo
 * @typedef {import("./protocol-types.js").ForecastProgress} ForecastProgress
 * @typedef {import("./protocol-types.js").FromWorker} FromWorker
 * @typedef {import("./protocol-types.js").ParseProgress} ParseProgress
 * @typedef {import("./protocol-types.js").Progress} Progress
 * @typedef {import("./protocol-types.js").NetworkTrace} NetworkTrace
 * @typedef {import("./protocol-types.js").SplitResult} SplitResult
 * @typedef {import("./protocol-types.js").ToWorker} ToWorker
 */

/**
 * Only the test build's engine (cargo feature `test-hooks`) exports `trigger_panic`; the types
 * of the engine (www/pkg/automl.d.ts) are the production build's, which has none.
 */
const testExports = /** @type {{ trigger_panic?: () => void }} */ (/** @type {unknown} */ (engine));

/** @type {InitOutput | null} The wasm instance's exports (its `memory` among them), once loaded. */
let wasm = null;
/** @type {(module: WebAssembly.Module) => void} */
let gotModule;
/** @type {Promise<WebAssembly.Module>} the module the page compiled ("init") */
const moduleGiven = new Promise((resolve) => {
  gotModule = resolve;
});

/**
 * Posts a reply to the page: every message this worker sends goes through here.
 * @param {FromWorker} message
 * @param {Transferable[]} [transfer] objects moved to the page, not copied
 */
function reply(message, transfer = []) {
  self.postMessage(message, transfer);
}

const loaded = moduleGiven.then((module) => init({ module_or_path: module })).then(
  (exports) => {
    wasm = exports;
    reply({ type: MSG.READY, version: version(), memoryBytes: memoryBytes() });
  },
  (err) => {
    // Rethrown outside the promise, so the worker's error event fires and the bridge
    // reports the failure instead of waiting for "ready" forever.
    setTimeout(() => {
      throw new Error(String(err && err.message ? err.message : err));
    });
    throw err;
  },
);

/**
 * The workbook reader's module (its glue, pkg/workbook.js, and instance), loaded on the first
 * workbook.
 * @type {Promise<typeof import("./pkg/workbook.js")> | null}
 */
let workbookLoaded = null;

/**
 * The bytes the engine reads for a file: the file itself, or for a workbook (which the engine,
 * built without the workbook reader, cannot read) the table image of its sheet `options.sheet`
 * made by the second wasm, pkg/workbook_bg.wasm, loaded here the first time (the service
 * worker has it cached by then). The reader's errors are the core's, like the engine's.
 * @param {ArrayBuffer} bytes
 * @param {string} fileName
 * @param {any} options read options or run settings (their `sheet`)
 * @returns {Promise<Uint8Array>}
 */
async function tableBytes(bytes, fileName, options) {
  const data = new Uint8Array(bytes);
  if (!is_workbook(data, fileName)) return data;
  if (!workbookLoaded) {
    workbookLoaded = import("./pkg/workbook.js").then(async (reader) => {
      await reader.default({ module_or_path: new URL("./pkg/workbook_bg.wasm", import.meta.url) });
      return reader;
    });
    workbookLoaded.catch(() => {
      workbookLoaded = null;
    });
  }
  let reader;
  try {
    reader = await workbookLoaded;
  } catch (/** @type {any} */ err) {
    throw codedError("engine.workbook_load_failed", { detail: String(err && err.message ? err.message : err) });
  }
  return reader.read_workbook_image(data, fileName, options && options.sheet !== undefined ? { sheet: options.sheet } : undefined);
}

/** Bytes of wasm memory the instance holds now (it only ever grows). */
function memoryBytes() {
  return wasm && wasm.memory ? wasm.memory.buffer.byteLength : 0;
}

const MB = 1024 * 1024;

/**
 * Bytes of the allocation that failed, or 0. Read after a trap: on wasm32 an allocation the
 * browser refuses aborts the instance with the same "unreachable" trap as a panic, and only
 * the core's allocator knows which it was.
 */
function failedAllocation() {
  try {
    return wasm ? failed_allocation_bytes() : 0;
  } catch {
    return 0;
  }
}

/**
 * Whether `err` means memory ran out: a refused wasm allocation, or the JS heap refusing.
 * @param {any} err anything thrown
 */
function isOutOfMemory(err) {
  if (err instanceof WebAssembly.RuntimeError) return failedAllocation() > 0;
  const text = String(err && err.message ? err.message : err);
  return (err instanceof RangeError && /memory|allocation|array buffer/i.test(text)) || /out of memory/i.test(text);
}

/**
 * Whether `err` is a trap (or memory ran out): the instance cannot be used any more.
 * @param {any} err anything thrown
 */
function isFatal(err) {
  return err instanceof WebAssembly.RuntimeError || isOutOfMemory(err);
}

/**
 * An error the worker itself finds, as a message of the catalogue (the page renders it; the
 * worker has no catalogue, so its own `message` is only the code).
 * @param {string} code
 * @param {{ [name: string]: any }} [params]
 */
function codedError(code, params = {}) {
  return Object.assign(new Error(code), { code, params });
}

/**
 * A split's failure for the lead's `tell`: the core's `{ code, params }` when it has one.
 * @param {any} err anything thrown
 * @returns {SplitResult["error"]}
 */
function failureOf(err) {
  if (err && typeof err.code === "string") return { code: err.code, params: err.params || {} };
  return String(err && err.message ? err.message : err);
}

/**
 * The error reply to request `id`: whether the instance survived `err`, and the message. The
 * core's errors carry `code` and `params` (their `message` is only the code and its parameters:
 * the page's wasm has no catalogue); the worker's own fatal errors are codes only (the page
 * renders them all from its catalogue).
 * @param {number} id
 * @param {any} err anything thrown
 */
function errorReply(id, err) {
  /** @type {ErrorInfo} */
  let error;
  if (isOutOfMemory(err)) {
    // The instance cannot be trusted after that: the bridge replaces the worker.
    const wanted = failedAllocation();
    const held = Math.round(memoryBytes() / MB);
    error = {
      name: ERROR_NAMES.OUT_OF_MEMORY,
      ...(wanted > 0
        ? { code: "engine.out_of_memory", params: { wanted_mb: Math.max(1, Math.round(wanted / MB)), held_mb: held } }
        : { code: "engine.out_of_memory_unknown", params: { held_mb: held } }),
      fatal: true,
    };
  } else if (err instanceof WebAssembly.RuntimeError) {
    // A wasm trap (RuntimeError: unreachable) means a Rust panic: the instance is unusable.
    error = { name: ERROR_NAMES.ENGINE_CRASHED, code: "engine.crashed", params: { detail: err.message }, fatal: true };
  } else {
    error = {
      name: (err && err.name) || "Error",
      code: err && typeof err.code === "string" ? err.code : undefined,
      params: err && err.params && typeof err.params === "object" ? err.params : undefined,
      message: String(err && err.message ? err.message : err),
      hint: err && typeof err.hint === "string" ? err.hint : undefined,
      fatal: false,
    };
  }
  reply({ id, type: MSG.ERROR, error });
}

/** @type {SplitJobs | null} This worker's share of the current run, if it is a pool worker of one. */
let jobs = null;
/** @type {Map<number, (results: SplitResult[]) => void>} The lead's wait for the other workers' predictions: trial number -> resolve. */
const waiting = new Map();

/** @typedef {"next"|"finish"} PaceAction */
/** @type {((action: PaceAction) => void) | null} The lead's wait for the person (step mode). */
let paceWaiter = null;
/** @type {PaceAction | null} A "pace" notice that came before the lead waited for it. */
let paceEarly = null;

/**
 * Step mode: waits for the page's "pace" notice (Next or Finish).
 * @returns {Promise<PaceAction>}
 */
function waitForPace() {
  if (paceEarly) {
    const action = paceEarly;
    paceEarly = null;
    return Promise.resolve(action);
  }
  return new Promise((resolve) => {
    paceWaiter = resolve;
  });
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Evaluates `trial` on `splits` with `evaluate(trial, split)`; model failures are per split.
 * @param {(trial: string, split: number) => { predictions: Float64Array, averageable: boolean, network?: NetworkTrace, boosting?: import("./protocol-types.js").RoundCurve, trainScore: number|null }} evaluate
 * @param {string} trial the trial as JSON text (from the lead)
 * @param {number[]} splits
 * @returns {SplitResult[]}
 */
function evaluateSplits(evaluate, trial, splits) {
  /** @type {SplitResult[]} */
  const results = [];
  for (const split of splits) {
    try {
      const output = evaluate(trial, split);
      results.push({ split, predictions: output.predictions, averageable: output.averageable, network: output.network, boosting: output.boosting, trainScore: output.trainScore });
    } catch (/** @type {any} */ err) {
      if (isFatal(err)) throw err;
      results.push({ split, error: failureOf(err) });
    }
  }
  return results;
}

/** The network being trained is told to the page at most this often (ms). */
const TRAINING_EVERY_MS = 250;

/** When the page was last told of the network being trained (Date.now()). */
let lastTraining = -Infinity;

/**
 * A watcher of the epochs of trial `number`'s network: at most one "training" progress event
 * every TRAINING_EVERY_MS, over all trials.
 * @param {number} number
 * @param {(event: Progress) => void} onProgress
 * @returns {(trace: NetworkTrace) => void}
 */
function trainingWatcher(number, onProgress) {
  return (trace) => {
    const now = Date.now();
    if (now - lastTraining < TRAINING_EVERY_MS) return;
    lastTraining = now;
    onProgress({ kind: "training", trial: number, network: trace });
  };
}

/**
 * The lead's run: the ask/tell loop over trials, splits dealt out through the page. Resolves
 * with the SearchResult (the model file waits for take_model_file()). The pace (see Pace in
 * protocol.js): in step mode the lead waits after each trial for the page's "pace" notice,
 * and the wait is left out of the run's time; in slow mode each trial lasts at least
 * SLOW_TRIAL_MS, the wait counted like any time.
 * @param {Extract<ToWorker, { type: "run" }>} msg
 * @param {(event: Progress) => void} onProgress
 */
async function runLead(msg, onProgress) {
  const workers = Math.max(1, msg.workers | 0);
  const session = new LeadSession(await tableBytes(msg.bytes, msg.fileName, msg.settings), msg.fileName, msg.settings, workers);
  const pace = msg.pace || "normal";
  paceWaiter = null;
  paceEarly = null;
  let finished = false;
  try {
    onProgress(session.phase("search"));
    const n = session.splits();
    const all = Array.from({ length: n }, (_, s) => s);
    const own = all.filter((s) => s % workers === 0);
    const others = all.filter((s) => s % workers !== 0);
    for (;;) {
      const trial = session.next_trial();
      if (trial === undefined) break;
      const number = LeadSession.trial_number(trial);
      const started = Date.now();
      /** @type {Promise<SplitResult[]>} */
      let remote = Promise.resolve([]);
      if (others.length > 0) {
        remote = new Promise((resolve) => waiting.set(number, resolve));
        reply({ id: msg.id, type: MSG.SPLIT_JOBS, number, trial, splits: others });
      }
      // Never start a split the cost model predicts cannot finish within the budget: the
      // trial is then abandoned and the search ends (the other workers' answer is ignored).
      const local = [];
      const watch = trainingWatcher(number, onProgress);
      for (const split of own) {
        if (local.length > 0 && !session.may_start_splits(trial, 1)) break;
        // the first split's network is drawn while it trains
        const evaluate = split === 0
          ? (/** @type {string} */ t, /** @type {number} */ s) => session.evaluate_split_watched(t, s, watch)
          : (/** @type {string} */ t, /** @type {number} */ s) => session.evaluate_split(t, s);
        local.push(...evaluateSplits(evaluate, trial, [split]));
      }
      if (local.length < own.length) {
        waiting.delete(number);
        session.abandon(trial);
        break;
      }
      const results = [...local, ...(await remote)].sort((a, b) => a.split - b.split);
      const failed = results.find((r) => r.error !== undefined);
      const event = session.tell(
        trial,
        failed ? [] : results.map((r) => ({ predictions: r.predictions, averageable: r.averageable, network: r.network, boosting: r.boosting, trainScore: r.trainScore })),
        failed ? failed.error : undefined,
        (Date.now() - started) / 1000,
      );
      if (event !== undefined) onProgress(event);
      if (event !== undefined && pace === "step") {
        const waitStart = Date.now();
        const action = await waitForPace();
        session.pause((Date.now() - waitStart) / 1000);
        if (action === "finish") session.stop();
      } else if (pace === "slow") {
        const rest = SLOW_TRIAL_MS - (Date.now() - started);
        if (rest > 0) await sleep(rest);
      }
    }
    finished = true;
    return session.finish(onProgress);
  } finally {
    // finish() consumed the session; free it otherwise (an error, or a trap mid-run)
    if (!finished) {
      try {
        session.free();
      } catch {
        // a trapped instance cannot free anything; the bridge replaces the worker
      }
    }
  }
}

self.onmessage = async (event) => {
  const msg = /** @type {ToWorker} */ (event.data);
  if (msg.type === MSG.INIT) {
    gotModule(msg.module);
    return;
  }
  if (msg.type === MSG.PACE) {
    const action = msg.action === "finish" ? "finish" : "next";
    if (paceWaiter) {
      const resolve = paceWaiter;
      paceWaiter = null;
      resolve(action);
    } else {
      paceEarly = action;
    }
    return;
  }
  if (msg.type === MSG.SPLIT_RESULTS) {
    const resolve = waiting.get(msg.number);
    waiting.delete(msg.number);
    if (resolve) resolve(msg.results);
    return;
  }
  try {
    await loaded;
    /** @param {Progress | ParseProgress | ForecastProgress} progressEvent */
    const onProgress = (progressEvent) =>
      reply({ id: msg.id, type: MSG.PROGRESS, event: progressEvent, memoryBytes: memoryBytes() });
    if (msg.type === MSG.INSPECT) {
      const value = inspect(await tableBytes(msg.bytes, msg.fileName, msg.options), msg.fileName, msg.options, onProgress);
      reply({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.CHECK_TARGET) {
      const value = check_target(await tableBytes(msg.bytes, msg.fileName, msg.settings), msg.fileName, msg.settings);
      reply({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.RUN) {
      const value = await runLead(msg, onProgress);
      const modelFile = take_model_file();
      reply({ id: msg.id, type: MSG.RESULT, value, modelFile }, [modelFile.buffer]);
    } else if (msg.type === MSG.FINISH) {
      const value = finish_chosen(new Uint8Array(msg.bytes), msg.fileName, msg.settings, msg.rows, msg.trial, msg.ending, msg.elapsedS, onProgress);
      const modelFile = take_model_file();
      reply({ id: msg.id, type: MSG.RESULT, value, modelFile }, [modelFile.buffer]);
    } else if (msg.type === MSG.PREDICT) {
      const value = predict(msg.modelFile, await tableBytes(msg.bytes, msg.fileName, msg.options), msg.fileName, msg.options);
      reply({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.PREDICT_ROWS) {
      const value = predict_rows(msg.modelFile, msg.rows);
      reply({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.EXPLAIN_ROW) {
      const value = explain_row(msg.modelFile, msg.row);
      reply({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.MODEL_INFO) {
      const value = model_info(msg.modelFile);
      reply({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.FORECAST_INFO) {
      const value = forecast_info(await tableBytes(msg.bytes, msg.fileName, msg.settings), msg.fileName, msg.settings);
      reply({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.FORECAST) {
      const value = forecast(await tableBytes(msg.bytes, msg.fileName, msg.settings), msg.fileName, msg.settings, onProgress);
      reply({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.FORECAST_MODEL_INFO) {
      const value = forecast_model_info(msg.modelFile);
      reply({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.FORECAST_WITH_MODEL) {
      const value = forecast_with_model(msg.modelFile, await tableBytes(msg.bytes, msg.fileName, msg.options), msg.fileName, msg.options);
      reply({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.PREPARE) {
      if (jobs) jobs.free();
      jobs = null;
      const data = await tableBytes(msg.bytes, msg.fileName, msg.settings);
      jobs = new SplitJobs(data, msg.fileName, msg.settings, msg.worker, msg.workers);
      reply({ id: msg.id, type: MSG.RESULT, value: { splits: Array.from(jobs.own_splits()) }, memoryBytes: memoryBytes() });
    } else if (msg.type === MSG.EVALUATE) {
      if (!jobs) throw codedError("internal.error", { reason: { code: "internal.jobs_before_prepare", params: {} } });
      const results = evaluateSplits((t, s) => jobs.evaluate_split(t, s), msg.trial, msg.splits);
      const transfer = results.filter((r) => r.predictions).map((r) => r.predictions.buffer);
      reply({ id: msg.id, type: MSG.RESULT, value: results, memoryBytes: memoryBytes() }, transfer);
    } else if (msg.type === MSG.RELEASE) {
      if (jobs) jobs.free();
      jobs = null;
      reply({ id: msg.id, type: MSG.RESULT, value: null });
    } else if (msg.type === MSG.DESCRIBE) {
      reply({ id: msg.id, type: MSG.RESULT, value: describe() });
    } else if (msg.type === MSG.PANIC) {
      if (typeof testExports.trigger_panic !== "function") throw codedError("internal.error", { reason: { code: "internal.no_test_hooks", params: {} } });
      testExports.trigger_panic();
    } else {
      throw codedError("internal.error", { reason: { code: "internal.unknown_request", params: { type: String(/** @type {{ type: unknown }} */ (msg).type) } } });
    }
  } catch (err) {
    errorReply(msg.id, err);
  }
};
