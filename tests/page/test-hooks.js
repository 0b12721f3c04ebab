// TEST BUILD ONLY. The hooks the browser tests (tests/browser/) and scripts/soak.mjs use in
// the page. `bash scripts/build-wasm.sh --test` links this file into the test build of the
// page (build/test-www/test-hooks.js), whose pkg/build-flags.js says TEST_HOOKS = true, so
// main.js imports it there and calls installTestHooks before the controller starts. The
// production page (www/) has no such file, its main.js never imports it, and its engine has no
// test export (the cargo feature `test-hooks` is off).
//
// window.__automl, for the tests:
// - bridge: the worker pool's WorkerBridge (the page's engine, automl.js, keeps it as `bridge`;
//   no page module but the API's, automl.js and automl-calls.js, touches it), with `panic()`:
//   the core panics (a wasm trap, `trigger_panic`); the reply is a fatal error and the pool is
//   replaced.
// - results: the results views (showResult with a fixture, trials, rows); the controller loads
//   them once the engine is ready, so `partsLoaded` resolves when they are there (the
//   harness's openApp waits for it).
// - injectFault({ faultAfterTrials: 2, faultKind: "panic" | "oom" }): the next run fails on
//   purpose after that many trials (the core's test-only fault injection, joined into the
//   run's settings where the engine's API hands them to the worker protocol).
// - runSettings(extra): `extra` joins the next run's settings the same way, such as
//   { timeBudgetS: null, maxTrials: 12 } (a deterministic trial budget); a forecast's too.
// And `?simd=none` in the page's address: the bridge acts as in a browser without WebAssembly
// SIMD (the engine is then not compiled; the page says why).
import { MSG } from "./protocol.js";
/**
 * @typedef {import("./app.js").Controller} Controller
 * @typedef {import("./protocol-types.js").RunSettings} RunSettings
 * @typedef {import("./protocol.js").WorkerBridge} WorkerBridge
 * @typedef {import("./automl.js").AutoML} AutoML
 * @typedef {import("./results.js").Results} Results
 */

/**
 * What the tests find in window.__automl.
 * @typedef {object} TestHooks
 * @property {WorkerBridge & { panic: () => Promise<never> }} bridge
 * @property {Results | null} results
 * @property {Promise<void>} partsLoaded
 * @property {(fault: Pick<RunSettings, "faultAfterTrials" | "faultKind">) => void} injectFault
 * @property {(extra: Partial<RunSettings>) => void} runSettings
 */

/**
 * Installs the hooks: called by main.js (test build only) before the controller starts.
 * @param {{ controller: Controller, automl: AutoML }} page
 */
export function installTestHooks({ controller, automl }) {
  const bridge = automl.bridge;
  /** @type {Partial<RunSettings> | null} Extra RunSettings for the next run only. */
  let nextRun = null;
  /** @type {Pick<RunSettings, "faultAfterTrials" | "faultKind"> | null} The next run's fault. */
  let nextFault = null;
  // The fault reaches the engine with the next run's settings (no option of the API sets it).
  const run = bridge.run.bind(bridge);
  bridge.run = (bytes, fileName, settings, onProgress, pace) => {
    const fault = nextFault;
    nextFault = null;
    return run(bytes, fileName, fault ? { ...settings, ...fault } : settings, onProgress, pace);
  };
  /**
   * `settings` with the extra settings joined, once.
   * @template {object} S
   * @param {S} settings
   * @returns {S}
   */
  const joinNextRun = (settings) => {
    if (!nextRun) return settings;
    const joined = { ...settings, ...nextRun };
    nextRun = null;
    return joined;
  };
  // The controller's run settings, with the extra settings joined once.
  const settingsFrom = controller.settingsFrom.bind(controller);
  controller.settingsFrom = (values) => joinNextRun(settingsFrom(values));
  // A forecast's settings the same way (runSettings({ timeBudgetS: null, maxTrials: 3 })
  // makes a forecast deterministic too), once the forecasting panel is loaded.
  const partsLoaded = controller.partsLoaded.then(() => {
    const forecast = controller.forecast;
    if (forecast) {
      const forecastSettingsFrom = forecast.settingsFrom.bind(forecast);
      forecast.settingsFrom = (/** @type {any} */ values) => joinNextRun(forecastSettingsFrom(values));
    }
  });
  // `?simd=none` in the address: the page acts as in a browser without WebAssembly SIMD.
  if (new URLSearchParams(location.search).get("simd") === "none") bridge.simdSupported = () => false;
  /** @type {TestHooks} */
  const hooks = {
    bridge: Object.assign(bridge, { panic: () => bridge.request(MSG.PANIC, {}) }),
    get results() {
      return controller.results;
    },
    partsLoaded,
    injectFault: (fault) => {
      nextFault = { ...fault };
    },
    runSettings: (extra) => {
      nextRun = { ...extra };
    },
  };
  /** @type {Window & { __automl?: TestHooks }} */ (window).__automl = hooks;
}
