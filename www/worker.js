// The search worker: loads the wasm core once, then answers requests from `protocol.js`.
// It installs its message handler at once and awaits the module inside it, so no request
// sent before the module is ready is lost. Its one state between requests is the core's cache
// of the last model used (keyed by the model file's checksum), which keeps what-if calls fast.
import init, {
  check_target, explain_row, failed_allocation_bytes, forecast, forecast_info, inspect, model_info, predict, predict_rows, run_search,
  take_model_file, trigger_panic, version,
} from "./pkg/automl.js";
import { ERROR_NAMES, MSG } from "./protocol.js";

/** The wasm instance's exports (its `memory` among them), once loaded. */
let wasm = null;

const loaded = init().then(
  (exports) => {
    wasm = exports;
    self.postMessage({ type: MSG.READY, version: version(), memoryBytes: memoryBytes() });
  },
  (err) => {
    // Rethrown outside the promise, so the worker's error event fires and the bridge
    // reports the failure instead of waiting for "ready" forever.
    setTimeout(() => {
      throw new Error(`The search engine could not be loaded: ${err && err.message ? err.message : err}`);
    });
    throw err;
  },
);

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

/** Whether `err` means memory ran out: a refused wasm allocation, or the JS heap refusing. */
function isOutOfMemory(err) {
  if (err instanceof WebAssembly.RuntimeError) return failedAllocation() > 0;
  const text = String(err && err.message ? err.message : err);
  return (err instanceof RangeError && /memory|allocation|array buffer/i.test(text)) || /out of memory/i.test(text);
}

function errorReply(id, err) {
  let error;
  if (isOutOfMemory(err)) {
    // The instance cannot be trusted after that: the bridge replaces the worker.
    const wanted = failedAllocation();
    const wantedText = wanted > 0 ? ` another ${Math.max(1, Math.round(wanted / MB))} MB` : " more memory";
    error = {
      name: ERROR_NAMES.OUT_OF_MEMORY,
      message:
        `The search ran out of memory: the browser would not give the engine${wantedText} ` +
        `(it already held ${Math.round(memoryBytes() / MB)} MB). ` +
        "Try a smaller file (fewer rows or columns) or a shorter search.",
      fatal: true,
    };
  } else if (err instanceof WebAssembly.RuntimeError) {
    // A wasm trap (RuntimeError: unreachable) means a Rust panic: the instance is unusable.
    error = {
      name: ERROR_NAMES.ENGINE_CRASHED,
      message: `The search engine crashed (${err.message}). Try again; if it happens again with this file, please report it.`,
      fatal: true,
    };
  } else {
    error = { name: (err && err.name) || "Error", message: String(err && err.message ? err.message : err), fatal: false };
  }
  self.postMessage({ id, type: MSG.ERROR, error });
}

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    await loaded;
    const onProgress = (progressEvent) =>
      self.postMessage({ id: msg.id, type: MSG.PROGRESS, event: progressEvent, memoryBytes: memoryBytes() });
    if (msg.type === MSG.INSPECT) {
      const value = inspect(new Uint8Array(msg.bytes), msg.fileName, msg.options, onProgress);
      self.postMessage({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.CHECK_TARGET) {
      const value = check_target(new Uint8Array(msg.bytes), msg.fileName, msg.settings);
      self.postMessage({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.RUN) {
      const value = run_search(new Uint8Array(msg.bytes), msg.fileName, msg.settings, onProgress);
      const modelFile = take_model_file();
      self.postMessage({ id: msg.id, type: MSG.RESULT, value, modelFile }, [modelFile.buffer]);
    } else if (msg.type === MSG.PREDICT) {
      const value = predict(msg.modelFile, new Uint8Array(msg.bytes), msg.fileName, msg.options);
      self.postMessage({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.PREDICT_ROWS) {
      const value = predict_rows(msg.modelFile, msg.rows);
      self.postMessage({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.EXPLAIN_ROW) {
      const value = explain_row(msg.modelFile, msg.row);
      self.postMessage({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.MODEL_INFO) {
      const value = model_info(msg.modelFile);
      self.postMessage({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.FORECAST_INFO) {
      const value = forecast_info(new Uint8Array(msg.bytes), msg.fileName, msg.settings);
      self.postMessage({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.FORECAST) {
      const value = forecast(new Uint8Array(msg.bytes), msg.fileName, msg.settings, onProgress);
      self.postMessage({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.PANIC) {
      trigger_panic();
    } else {
      throw new Error(`Unknown request type "${msg.type}".`);
    }
  } catch (err) {
    errorReply(msg.id, err);
  }
};
