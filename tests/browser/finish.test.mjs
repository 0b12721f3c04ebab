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
  assert.match(await browser.text("model-ending"), /Stopped early/);  // in Korean too, at once
  await page.locator($("language-select")).selectOption("ko");
  await waitForText("best-ending", /^일찍 멈춤: /, 5_000);
  assert.match(await browser.text("status"), /^일찍 멈췄어요\./);
  // (the choice is remembered: the next tests open the page in English again)
  await page.locator($("language-select")).selectOption("en");
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
  // iris, seed 7, 8 trials, ranked by balanced accuracy: k-NN (trial 6) wins, Gaussian naive
  // Bayes (trial 2) within the spread of the difference
  await page.locator($("why-box")).waitFor({ state: "visible" });
  const why = await browser.text("why-text");
  assert.match(why, /^k nearest neighbours \(trial 6\) scored balanced accuracy 0\.964; the best model of another family, Gaussian naive Bayes \(trial 2\), scored 0\.953\./);
  assert.match(why, /within the fold-to-fold spread of that difference \(standard error 0\.0116 over 15 splits\)/);
  assert.match(why, /The simplest model within that spread of the winner is Gaussian naive Bayes \(trial 2, balanced accuracy 0\.953\)/);
  assert.match(await browser.text("best-label"), /^k nearest neighbours \(#6\)$/);
  const choose = page.locator($("choose-simplest"));
  assert.equal(await choose.textContent(), "Use the simpler model (trial 2) instead");
  await page.locator($("model-info")).waitFor({ state: "visible", timeout: 30_000 });
  const before = await browser.text("model-best");
  await choose.click();
  await waitForText("status", /^Done: Gaussian naive Bayes \(trial 2\), the model you chose/, 60_000);
  assert.equal(await browser.text("best-label"), "Gaussian naive Bayes (#2)");
  assert.match(await browser.text("best-ending"), /^Chosen by you/);
  assert.equal(await choose.isVisible(), false, "the chosen model is the simplest: nothing simpler to offer");
  await waitForText("model-best", /^ModelGaussian naive Bayes · /, 30_000);
  assert.notEqual(await browser.text("model-best"), before);
  assert.match(await browser.text("model-ending"), /trial 2/);
  // the leaderboard is the same; the diagnostics are the chosen model's
  assert.equal((await leaderboard()).length, 8);
  const cells = (await page.locator(`${$("confusion-matrix")} text.cell-label`).allTextContents()).map(Number);
  assert.equal(cells.reduce((a, b) => a + b, 0), 150);
  const model = await downloadText("download-model");
  assert.match(model.text, /"family":"gaussian_nb"/, "the downloaded model is the naive Bayes");
  const rows = await predictCsv("flowers.csv", await sampleHead("iris", 5));
  assert.deepEqual(rows.map((r) => r.prediction), ["setosa", "setosa", "setosa", "setosa", "setosa"]);  // the paragraph and the labels follow the language
  await page.locator($("language-select")).selectOption("ko");
  await waitForText("best-ending", /^직접 고른 모델: /, 5_000);
  assert.match(await browser.text("why-text"), /점수는 균형 정확도 0\.964이에요\./);
  assert.equal(await browser.text("best-label"), "가우스 나이브 베이즈 (#2)");
  await page.locator($("language-select")).selectOption("en");
});

test("one score per model: the mean of the fold scores and the pooled out-of-fold score are told apart", async () => {
  await openApp();
  await loadSample("iris");
  await runTrials(8);
  // iris, seed 7: 5-fold cross-validation repeated 3 times, 15 splits
  assert.equal(await browser.text("best-score-name"), "Cross-validated balanced accuracy: mean of the 15 fold scores ± their standard deviation");
  await page.locator($("class-summary")).waitFor({ state: "visible", timeout: 30_000 });
  const pooled = await browser.text("class-summary");
  assert.match(pooled, /^All 150 out-of-fold predictions pooled: accuracy 0\.\d{3}, balanced accuracy 0\.\d{3}, macro F1 0\.\d{3}/);
  assert.match(pooled, /the best-model panel and the leaderboard show the mean of the per-fold scores instead/);
});

test("columns counted before and after encoding, and again after a column is left out", async () => {
  await openApp();
  await loadSample("penguins");
  await runTrials(4);
  // penguins: island, bill length and depth, flipper length, body mass, sex; island and sex
  // are one-hot encoded and body mass etc. gain "was missing" inputs
  assert.match(await browser.text("best-data"), /^344 rows, 6 columns \((\d+) features after encoding\) · /);
  const before = Number((await browser.text("best-data")).match(/\((\d+) features/)[1]);
  assert.ok(before > 6, `more features than columns: ${before}`);
  await browser.profileRow("island").locator($("use-column")).uncheck();
  await runTrials(4);
  assert.match(await browser.text("best-data"), /^344 rows, 5 columns \((\d+) features after encoding\) · /);
  const after = Number((await browser.text("best-data")).match(/\((\d+) features/)[1]);
  assert.equal(after, before - 3, "island's three one-hot inputs are gone");
});

test("trial counts agree everywhere during a run", async () => {
  await openApp();
  await loadSample("titanic");
  await page.locator($("budget-input")).fill("6");
  await page.locator($("start")).click();
  await page.locator(`${$("leaderboard-body")} tr`).first().waitFor({ state: "attached", timeout: 30_000 });
  let seen = 0;
  for (let i = 0; i < 30; i += 1) {
    const snapshot = await page.evaluate(({ progress, body, curve }) => ({
      progress: document.querySelector(progress).textContent,
      rows: document.querySelector(body).rows.length,
      curve: [...document.querySelectorAll(`${curve} text.chart-title`)].map((n) => n.textContent).join(" "),
    }), { progress: $("progress-text"), body: $("leaderboard-body"), curve: $("search-curve") });
    const trials = snapshot.progress.match(/^Trials: (\d+)/);
    if (!trials) break;
    seen += 1;
    const n = Number(trials[1]);
    assert.equal(snapshot.rows, n, `leaderboard rows and "${snapshot.progress}"`);
    for (const m of snapshot.curve.matchAll(/(\d+) models/g)) {
      assert.equal(Number(m[1]), n, `the curve's title "${snapshot.curve}" and "${snapshot.progress}"`);
    }
    await page.waitForTimeout(100);
  }
  assert.ok(seen >= 3, `sampled the running search ${seen} times`);
  await waitForText("status", /^Done/, 60_000);
  const done = Number((await browser.text("status")).match(/^Done: (\d+) models tried/)[1]);
  const title = await page.locator(`${$("search-curve")} text.chart-title`).textContent();
  assert.equal(Number(title.match(/^Search: (\d+) models/)[1]), done);
});

test("an ensemble names its members by their trial numbers and costs their fit time", async () => {
  await openApp();
  await loadSample("iris");
  // ranked by accuracy, chosen on the page (by balanced accuracy, the usual choice, k nearest
  // neighbours wins these 8 trials alone: see "why this model")
  await page.locator($("metric-select")).selectOption("accuracy");
  await runTrials(8);
  const rows = await leaderboard();
  const ensemble = rows[0];
  assert.equal(ensemble.label, "Ensemble of #3, #6");
  const members = rows.filter((r) => r.number === "#3" || r.number === "#6");
  assert.equal(members.length, 2, "each member is in the leaderboard under its number");
  const sum = members.reduce((a, r) => a + r.fit, 0);
  assert.ok(Math.abs(ensemble.fit - sum) <= 0.0015, `the ensemble's fit time ${ensemble.fit} is its members' ${sum}`);
  assert.ok(ensemble.fit > 0);
});

test("predictions: the inputs beside the prediction, the actual value and the score on the file, a note on an empty row, a preview that scrolls in its box", async () => {
  await openApp();
  await loadSample("iris");
  await runTrials(6);
  await page.locator($("model-info")).waitFor({ state: "visible", timeout: 30_000 });
  const head = (await sampleHead("iris", 150)).trimEnd().split("\n");
  const csv = `${[...head, ",,,,setosa"].join("\n")}\n`;
  const shown = await predictCsv("flowers.csv", csv);
  assert.equal(shown.length, 151);
  const header = await page.locator(`${$("predictions-table")} thead th`).allTextContents();
  assert.deepEqual(header, ["Row", "sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)", "target (actual)", "Predicted target", "P(setosa)", "P(versicolor)", "P(virginica)", "Note"]);
  assert.deepEqual(shown[0].cells.slice(0, 6), ["1", "5.1", "3.5", "1.4", "0.2", "setosa"]);
  assert.equal(shown[0].cells[10], "");
  assert.match(shown[150].cells[10], /^no usable input value/);
  // the score on the file: balanced accuracy, the mean over the classes of the share of each
  // class's rows predicted right, as the table shows them
  const classes = ["setosa", "versicolor", "virginica"];
  const recall = (c) => shown.filter((r) => r.cells[5] === c && r.prediction === c).length / shown.filter((r) => r.cells[5] === c).length;
  const balanced = classes.reduce((sum, c) => sum + recall(c), 0) / classes.length;
  assert.equal(await browser.text("predict-score"), `Score on flowers.csv: balanced accuracy ${balanced.toFixed(4)} over 151 rows with a known target (0 left out).`);
  assert.match(await browser.text("predict-notes"), /1 rows have no usable value/);
  // the download holds the same columns
  const file = await downloadText("download-predictions");
  assert.equal(file.text.replace(/^\uFEFF/, "").split("\n")[0], "row,sepal length (cm),sepal width (cm),petal length (cm),petal width (cm),target,prediction,probability_setosa,probability_versicolor,probability_virginica,note");
  // the preview scrolls inside its own box
  const box = await page.locator($("predictions-scroll")).evaluate((node) => ({ client: node.clientHeight, scroll: node.scrollHeight, overflow: getComputedStyle(node).overflowY }));
  assert.ok(box.scroll > box.client && box.client < 600, `the box is shorter than its table: ${JSON.stringify(box)}`);
  assert.equal(box.overflow, "auto");
});
