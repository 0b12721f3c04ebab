// automl-wasm: the in-browser AutoML engine for a page of your own (README, "Use it in your own
// page"). A plain ES module, no bundler. The API is the one the tool's own page is built on:
// its implementation is www/automl.js (the class AutoML, with its calls in www/automl-calls.js,
// which drive the worker pool of www/protocol.js and www/worker.js, the wasm in www/pkg/), and
// row objects are written as CSV by www/rows.js. The types of the whole API are in index.d.ts; `npm run typecheck` checks the
// implementation against them.
export { AutoML, AutoMLError } from "./www/automl.js";
export { rowsToCsv } from "./www/rows.js";
