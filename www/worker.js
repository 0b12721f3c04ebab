// The search worker: loads the wasm core once, then answers requests from `protocol.js`.
// It installs its message handler at once and awaits the module inside it, so no request
// sent before the module is ready is lost. It owns no state between requests.
import init, { check_target, inspect, run_search, trigger_panic, version } from "./pkg/automl.js";
import { MSG } from "./protocol.js";

const loaded = init().then(
  () => self.postMessage({ type: MSG.READY, version: version() }),
  (err) => {
    // Rethrown outside the promise, so the worker's error event fires and the bridge
    // reports the failure instead of waiting for "ready" forever.
    setTimeout(() => {
      throw new Error(`The search engine could not be loaded: ${err && err.message ? err.message : err}`);
    });
    throw err;
  },
);

function errorReply(id, err) {
  // A wasm trap (RuntimeError: unreachable) means a Rust panic: the instance is unusable.
  const fatal = err instanceof WebAssembly.RuntimeError;
  const message = fatal
    ? `The search engine crashed (${err.message}). Try again; if it happens again with this file, please report it.`
    : String(err && err.message ? err.message : err);
  self.postMessage({
    id,
    type: MSG.ERROR,
    error: { name: fatal ? "EngineCrashed" : (err && err.name) || "Error", message, fatal },
  });
}

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    await loaded;
    const onProgress = (progressEvent) =>
      self.postMessage({ id: msg.id, type: MSG.PROGRESS, event: progressEvent });
    if (msg.type === MSG.INSPECT) {
      const value = inspect(new Uint8Array(msg.bytes), msg.fileName, msg.options, onProgress);
      self.postMessage({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.CHECK_TARGET) {
      const value = check_target(new Uint8Array(msg.bytes), msg.fileName, msg.settings);
      self.postMessage({ id: msg.id, type: MSG.RESULT, value });
    } else if (msg.type === MSG.RUN) {
      const value = run_search(new Uint8Array(msg.bytes), msg.fileName, msg.settings, onProgress);
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
