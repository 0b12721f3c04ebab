// Finishing a run the person decides on: Stop keeps the best model so far (refitted, explained,
// downloadable, labelled "stopped early"), and "why this model" offers the simplest model within
// the spread of the winner, which one click makes the chosen model. Also: one score per model,
// counted honestly (the pooled out-of-fold score told apart from the mean of the fold scores,
// columns counted before and after encoding, trial counts that agree during a run, ensembles
// named by their members' trial numbers and timed by their fits). Needs the test build (bash
// scripts/build-wasm.sh --test): trial budgets go through window.__automl.
//
//   node --test --test-concurrency=1 tests/browser/finish.test.mjs
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { $, WWW, useBrowser } from "./harness.mjs";

const browser = useBrowser({ testBuild: true });
const { openApp, loadSample, waitForText } = browser;

let page;
beforeEach(() => {
  page = browser.page;
});

/** A seeded search of `trials` trials (no time budget: the same leaderboard every time). */
async function runTrials(trials, seed = 7) {
  await page.locator($("seed-input")).fill(String(seed));
  await page.evaluate((n) => window.__automl.runSettings({ timeBudgetS: null, maxTrials: n }), trials);
  await page.locator($("start")).click();
  await waitForText("status", /^Done/, 90_000);
}

async function downloadText(testId) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator($(testId)).click()]);
  return { name: download.suggestedFilename(), path: await download.path(), text: await readFile(await download.path(), "utf8") };
}

async function sampleHead(name, n) {
  const text = await readFile(path.join(WWW, "samples", `${name}.csv`), "utf8");
  return `${text.split(/\r?\n/).slice(0, n + 1).join("\n")}\n`;
}

/** Predict `csv` (named `name`) with the current model; the table's rows as shown. */
async function predictCsv(name, csv) {
  await page.locator($("predict-input")).setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
  await waitForText("predict-status", new RegExp(`rows of ${name.replace(/\./g, "\\.")} predicted`), 30_000);
  // each row's cells, and its prediction (the cell of class "prediction")
  return page.locator(`${$("predictions-table")} tbody tr`).evaluateAll((trs) => trs.map((tr) => ({
    cells: [...tr.cells].map((td) => td.textContent),
    prediction: tr.querySelector("td.prediction").textContent,
  })));
}

/** The leaderboard's rows as shown: trial number, model label, score, fit time. */
async function leaderboard() {
  return page.locator(`${$("leaderboard-body")} tr`).evaluateAll((trs) => trs.map((tr) => ({
    trial: Number(tr.dataset.trial),
    label: tr.querySelector(".model-label").textContent,
    number: tr.querySelector(".trial-number") ? tr.querySelector(".trial-number").textContent : "",
    score: tr.querySelector("td.score").textContent,
    fit: Number(tr.querySelector("td.fit-time").textContent),
  })));
}

test("Stop keeps the best model so far: refitted, explained, labelled stopped early, and it predicts", async () => {
  await openApp();
  await loadSample("titanic");
  await page.locator($("budget-input")).fill("120");
  await page.locator($("start")).click();
  await page.locator(`${$("leaderboard-body")} tr`).nth(2).waitFor({ state: "attached", timeout: 30_000 });
  await page.waitForTimeout(1500);
  await page.locator($("stop")).click();
  await waitForText("status", /^Stopped/, 1_000);
  const rows = await leaderboard();
  assert.ok(rows.length >= 3, `rows kept: ${rows.length}`);
  // The run finishes with what it had: the best row so far becomes the model.
  await waitForText("status", /^Stopped early: the best of \d+ models so far/, 60_000);
  assert.equal(await page.locator($("start")).isEnabled(), true, "Start is enabled after the finish");
  assert.equal(await page.locator($("stop")).isEnabled(), false);
  assert.equal(await page.locator($("error")).isVisible(), false, "Stop is not an error");
  await page.locator($("best-panel")).waitFor({ state: "visible" });
  assert.match(await browser.text("best-ending"), /^Stopped early/);
  const after = await leaderboard();
  assert.equal(after.length, rows.length, "no trial ran after Stop");
  assert.match(await browser.text("best-label"), new RegExp(`\\(#${after[0].trial}\\)$`), "the best row so far");
  assert.match(await browser.text("progress-text"), /^Stopped early after \d+ models/);
  // Diagnostics of the stopped run's best model, on its out-of-fold predictions.
  await page.locator($("results-section")).waitFor({ state: "visible" });
  const cells = (await page.locator(`${$("confusion-matrix")} text.cell-label`).allTextContents()).map(Number);
  assert.equal(cells.reduce((a, b) => a + b, 0), 891, "every row predicted once, out of fold");
  // The report and the model say so too.
  const report = await downloadText("download-report");
  assert.match(report.text, /Stopped early: this is the best model found before the search was stopped/);
  await page.locator($("model-info")).waitFor({ state: "visible", timeout: 30_000 });
  assert.match(await browser.text("model-ending"), /Stopped early/);
  const model = await downloadText("download-model");
  assert.equal(model.name, "Survived.automl");
  // The model predicts, and a loaded copy still says how it was chosen.
  const shown = await predictCsv("new-passengers.csv", await sampleHead("titanic", 12));
  assert.equal(shown.length, 12);
  for (const row of shown) assert.ok(row.prediction === "0" || row.prediction === "1", `a class: ${row.prediction}`);
  await page.locator($("model-input")).setInputFiles({ name: "stopped.automl", mimeType: "application/octet-stream", buffer: await readFile(model.path) });
  await waitForText("model-source", /the file stopped\.automl/, 15_000);
  assert.match(await browser.text("model-ending"), /Stopped early/);
});

test("Stop before any model finished says there is nothing to keep", async () => {
  await openApp();
  await loadSample("titanic");
  await page.locator($("budget-input")).fill("60");
  // Start and Stop in one task: the search is stopped before its first trial can finish
  await page.evaluate(({ start, stop }) => {
    document.querySelector(start).click();
    document.querySelector(stop).click();
  }, { start: $("start"), stop: $("stop") });
  await waitForText("status", /^Stopped before any model finished/, 5_000);
  assert.equal(await page.locator($("start")).isEnabled(), true);
  assert.equal(await page.locator($("best-panel")).isVisible(), false);
});

test("why this model: the paragraph, and one click makes the simplest model within the spread the chosen model", async () => {
  await openApp();
  await loadSample("iris");
  await runTrials(8);
  // iris, seed 7, 8 trials: the ensemble of trials 3 and 6 wins, level with k-NN (trial 6)
  await page.locator($("why-box")).waitFor({ state: "visible" });
  const why = await browser.text("why-text");
  assert.match(why, /trial 9\) scored accuracy 0\.964; the best model of another family, k nearest neighbours \(trial 6\), scored 0\.964\./);
  assert.match(why, /within the fold-to-fold spread of that difference \(standard error 0\.0033 over 15 splits\)/);
  assert.match(why, /The simplest model within that spread of the winner is k nearest neighbours \(trial 6/);
  assert.match(await browser.text("best-label"), /^Ensemble of #3, #6$/);
  const choose = page.locator($("choose-simplest"));
  assert.equal(await choose.textContent(), "Use the simpler model (trial 6) instead");
  await page.locator($("model-info")).waitFor({ state: "visible", timeout: 30_000 });
  const before = await browser.text("model-best");
  await choose.click();
  await waitForText("status", /^Done: k nearest neighbours \(trial 6\), the model you chose/, 60_000);
  assert.equal(await browser.text("best-label"), "k nearest neighbours (#6)");
  assert.match(await browser.text("best-ending"), /^Chosen by you/);
  assert.equal(await choose.isVisible(), false, "the chosen model is the simplest: nothing simpler to offer");
  await waitForText("model-best", /^Modelk nearest neighbours · /, 30_000);
  assert.notEqual(await browser.text("model-best"), before);
  assert.match(await browser.text("model-ending"), /trial 6/);
  // the leaderboard is the same; the diagnostics are the chosen model's
  assert.equal((await leaderboard()).length, 9);
  const cells = (await page.locator(`${$("confusion-matrix")} text.cell-label`).allTextContents()).map(Number);
  assert.equal(cells.reduce((a, b) => a + b, 0), 150);
  const model = await downloadText("download-model");
  assert.match(model.text, /"family":"knn"/, "the downloaded model is the k-NN");
  const rows = await predictCsv("flowers.csv", await sampleHead("iris", 5));
  assert.deepEqual(rows.map((r) => r.prediction), ["setosa", "setosa", "setosa", "setosa", "setosa"]);
});
