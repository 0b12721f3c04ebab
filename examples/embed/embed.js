// The example page of the package automl-wasm (README, "Use it in your own page"): pick a file,
// name the column to predict, press Start; Stop keeps the trials so far; then predict a new
// file with the model. Everything runs in this page: the data never leaves the browser.
import { AutoML } from "./node_modules/automl-wasm/index.js";

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));
const status = $("status");

/** Shows an error of the package: its message and what to do (both from its catalogue). */
function showError(/** @type {any} */ err) {
  $("error").hidden = false;
  $("error").textContent = err.hint ? `${err.message} ${err.hint}` : err.message;
  $("error").dataset.code = err.code || "";
}

/** Replaces the rows of table body `id`. */
function fillTable(/** @type {string} */ id, /** @type {(string|number)[][]} */ rows) {
  $(id).replaceChildren(...rows.map((cells) => {
    const tr = document.createElement("tr");
    for (const cell of cells) {
      const td = document.createElement("td");
      td.textContent = String(cell);
      tr.append(td);
    }
    return tr;
  }));
}

const automl = await AutoML.load();
status.textContent = `Ready (engine ${automl.version}, ${automl.workers} workers).`;
$("start").disabled = false;

/** @type {Uint8Array | null} */
let model = null;
/** @type {AbortController | null} */
let controller = null;

$("fit-form").addEventListener("submit", async (/** @type {Event} */ event) => {
  event.preventDefault();
  $("error").hidden = true;
  controller = new AbortController();
  $("start").disabled = true;
  $("stop").disabled = false;
  const trials = $("trials").value ? Number($("trials").value) : undefined;
  /** @type {any[]} */
  const live = [];
  status.textContent = "Searching…";
  try {
    const result = await automl.fit($("data").files[0], {
      target: $("target").value,
      // a trial budget alone: the same leaderboard on any machine for the same seed
      timeBudget: trials ? undefined : Number($("budget").value),
      maxTrials: trials,
      seed: Number($("seed").value),
      signal: controller.signal,
      onProgress: (event) => {
        if (event.kind !== "trial") return;
        live.push(event.row);
        status.textContent = `Searching… ${event.trialsDone} trials, best ${event.bestSoFar.toFixed(4)}`;
      },
    });
    fillTable("leaderboard", result.leaderboard.map((row) => [row.rank, row.label, row.mean.toFixed(4)]));
    const best = result.best.row;
    status.textContent = result.stopped
      ? `Stopped: ${result.leaderboard.length} trials, best ${best.label} (${best.metric} ${best.mean.toFixed(4)}).`
      : `Done: ${best.label}, ${best.metric} ${best.mean.toFixed(4)}.`;
    status.dataset.state = result.stopped ? "stopped" : "done";
    model = result.model;
    $("new-data").disabled = !model;
  } catch (err) {
    status.textContent = "The search failed.";
    status.dataset.state = "failed";
    showError(err);
  } finally {
    $("start").disabled = false;
    $("stop").disabled = true;
  }
});

$("stop").addEventListener("click", () => controller && controller.abort());

$("new-data").addEventListener("change", async () => {
  $("error").hidden = true;
  try {
    const predictions = await automl.predict(model, $("new-data").files[0]);
    fillTable("predictions", predictions.map((p, i) => [i + 1, p.prediction]));
  } catch (err) {
    showError(err);
  }
});
