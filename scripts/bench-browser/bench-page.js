// The browser benchmark's side in the page (scripts/bench-browser.mjs drives it): the page's
// own worker pool, `new WorkerBridge()` from www/protocol.js exactly as www/main.js makes it
// (one worker per logical core, capped at 8; the wasm compiled once and posted to every worker),
// runs each fold's search on its training table and predicts its test table with the winner.
// The tables are table images the core cut (BenchFolds in src/bindings/bench.rs), fetched from
// this page's origin; the script scores the predictions with the core's metrics.
import { WorkerBridge } from "./protocol.js";

const bridge = new WorkerBridge();

/**
 * The pool's "ready", the engine's version, the pool's size and the page's default settings.
 * @returns {Promise<{ version: string, workers: number, cores: number, userAgent: string, defaults: any }>}
 */
async function ready() {
  const answer = await bridge.start();
  const catalogue = await bridge.describe();
  return {
    version: answer.version,
    workers: bridge.size,
    cores: navigator.hardwareConcurrency,
    userAgent: navigator.userAgent,
    defaults: catalogue.defaults.search,
  };
}

/** @param {string} url */
async function bytesOf(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

/**
 * One fold: the search on the training table with `settings` (the page's run settings), then
 * the winner's predictions of the test table. Times from the page's clock: `searchS` from the
 * run's request until the explain phase starts (the search with its refit: what
 * `automl bench` times), `explainS` the explain phase and the model file, `predictS` the
 * prediction of the test table.
 * @param {{ trainUrl: string, testUrl: string, fileName: string, settings: any, fresh: boolean }} job
 */
async function runFold({ trainUrl, testUrl, fileName, settings, fresh }) {
  // a fresh pool from the compiled module for each data set, as after the page's Stop
  if (fresh) bridge.cancel();
  const train = await bytesOf(trainUrl);
  const test = await bytesOf(testUrl);
  await bridge.start();
  const start = performance.now();
  /** @type {number | null} */
  let explainAt = null;
  const result = await bridge.run(train, fileName, settings, (event) => {
    if (explainAt === null && event && event.kind === "phase" && event.phase === "explain") explainAt = performance.now();
  });
  const ranAt = performance.now();
  const predictions = await bridge.predict(result.modelFile, test, fileName);
  const predictedAt = performance.now();
  const searchEnd = explainAt === null ? ranAt : explainAt;
  return {
    searchS: (searchEnd - start) / 1000,
    explainS: (ranAt - searchEnd) / 1000,
    predictS: (predictedAt - ranAt) / 1000,
    elapsedS: result.elapsedS,
    bestModel: result.best.row.label,
    trials: result.leaderboard.length,
    ending: result.ending,
    predictions: {
      classes: predictions.classes,
      rows: predictions.rows.map((row) => ({ prediction: row.prediction, probabilities: row.probabilities })),
    },
  };
}

Object.assign(window, { benchReady: ready(), benchFold: runFold });
