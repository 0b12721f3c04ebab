// The results views in the real page: what is drawn for a search (search curve, sorted
// leaderboard, row details), for the winner's out-of-fold diagnostics (classification and
// regression), explanations, and the report. Needs the wasm package (bash scripts/build-wasm.sh).
//
//   node --test --test-concurrency=1 tests/browser/results.test.mjs
//
// Part 1 feeds tiny result fixtures (tests/browser/fixtures/, with hand-worked values) to the
// results views and checks exact numbers. Part 2 runs real seeded searches on the samples.
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { $, useBrowser } from "./helpers.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = async (name) => JSON.parse(await readFile(path.join(here, "fixtures", `${name}.json`), "utf8"));

const browser = useBrowser();
const { openApp, loadSample, waitForText } = browser;

let page;
beforeEach(() => {
  page = browser.page;
});

/** Show a SearchResult fixture in the results views, as a finished run would. */
async function showFixture(name) {
  const result = await fixture(name);
  await page.evaluate((r) => window.__automl.results.showResult(r, { seed: 7, timeBudgetS: 2, folds: 3 }), result);
  await page.locator($("results-section")).waitFor({ state: "visible" });
  return result;
}

const texts = (selector) => page.locator(selector).allTextContents();

/** The text of every cell of the confusion matrix, row by row. */
const matrixCells = () => texts(`${$("confusion-matrix")} text.cell-label`);

// ---- part 1: fixtures with exact values ------------------------------------------------------

test("binary fixture: confusion matrix, threshold control, per-class table, ROC and PR with areas, calibration", async () => {
  await openApp();
  await showFixture("results-binary");
  // p(yes) = .9 .8 .7 .1 .4 .3 for yes no yes no yes no; at 0.5: [[2, 1], [1, 2]]
  assert.deepEqual(await matrixCells(), ["2", "1", "1", "2"]);
  assert.match(await browser.text("class-summary"), /^6 rows predicted out of fold: accuracy 0\.667/);
  assert.deepEqual(await texts(`${$("class-table-body")} tr`), ["no0.6670.6670.6673", "yes0.6670.6670.6673"]);
  assert.equal(await browser.text("threshold-value"), "0.50");
  assert.match(await browser.text("threshold-positive"), /yes/);

  // The keyboard moves the threshold to 0.35: the row with p = .4 becomes "yes" at once.
  const slider = page.locator($("threshold-input"));
  await slider.focus();
  for (let i = 0; i < 15; i += 1) await slider.press("ArrowLeft");
  assert.equal(await browser.text("threshold-value"), "0.35");
  assert.deepEqual(await matrixCells(), ["2", "1", "0", "3"]);
  assert.match(await browser.text("class-summary"), /accuracy 0\.833.*threshold 0\.35/);

  // Row-normalized shares of each actual class.
  await page.locator($("matrix-normalize")).check();
  assert.deepEqual(await matrixCells(), ["66.7%", "33.3%", "0.0%", "100.0%"]);

  // ROC: 7 of the 9 (positive, negative) pairs are ranked right, AUC 7/9.
  const roc = page.locator(`${$("roc-curve")} svg.chart`);
  assert.match(await roc.locator("text.chart-title").textContent(), /^ROC curve \(AUC 0\.778\)$/);
  assert.equal(Number(await roc.getAttribute("data-auc")).toFixed(6), (7 / 9).toFixed(6));
  const rocPath = await roc.locator('path.line[data-series="model"]').getAttribute("d");
  assert.ok(rocPath && rocPath.split(/[ML]/).filter(Boolean).length === 7, `7 ROC points: ${rocPath}`);
  // PR: AP = 1/3·1 + 1/3·2/3 + 1/3·3/4 = 0.806 (thresholds .9, .7, .4)
  assert.match(await page.locator(`${$("pr-curve")} text.chart-title`).textContent(), /average precision 0\.806/);
  // Calibration: 6 rows in 6 bins (.1 .3 .4 .7 .8 .9), one marker each.
  assert.equal(await page.locator(`${$("calibration")} circle.mark`).count(), 6);

  // Importance bars named by the columns, the name shown as text (no markup made from it).
  const bars = await page.locator(`${$("importance")} g.bar`).evaluateAll((gs) => gs.map((g) => g.dataset.label));
  assert.deepEqual(bars, ["sex <b>&amp;</b>", "age"]);
  assert.equal(await page.locator(`${$("results-section")} b`).count(), 0, "no element made from a column name");
  assert.equal(await page.locator(`${$("importance")} .error-bar`).count(), 2, "each bar has its spread");
  assert.equal(await page.locator(`${$("partial-dependence")} figure`).count(), 2);
  assert.match(await browser.text("importance-method"), /Permutation importance.*5 shuffles/);
});

test("multiclass fixture: matrix counts sum to the rows, no binary curves", async () => {
  await openApp();
  await showFixture("results-multiclass");
  const cells = (await matrixCells()).map(Number);
  assert.deepEqual(cells, [1, 1, 0, 0, 1, 0, 1, 0, 3]);
  assert.equal(cells.reduce((a, b) => a + b, 0), 7);
  assert.equal(await page.locator($("binary-curves")).isVisible(), false);
  assert.equal(await page.locator($("threshold-box")).isVisible(), false);
  assert.deepEqual(await texts(`${$("class-table-body")} tr th`), ["a", "b", "c"]);
  // c: 3 of 3 predicted c are c (precision 1), 3 of 4 found (recall .75)
  assert.deepEqual(await texts(`${$("class-table-body")} tr[data-label="c"] td`), ["1.000", "0.750", "0.857", "4"]);
});

test("regression fixture: one mark per row, residuals, summary", async () => {
  await openApp();
  await showFixture("results-regression");
  assert.equal(await page.locator(`${$("predicted-actual")} circle.mark`).count(), 5);
  assert.equal(await page.locator(`${$("residuals-predicted")} circle.mark`).count(), 5);
  // residuals 1 0 -2 1 -1: R² = 1 − 7/40, RMSE √1.4, MAE 1
  assert.equal(await browser.text("regression-summary"), "5 rows predicted out of fold: R² 0.825, RMSE 1.183, MAE 1");
  const histogramRows = await page.locator(`${$("residual-histogram")} rect.mark`).evaluateAll((rs) => rs.reduce((s, r) => s + Number(r.dataset.value), 0));
  assert.equal(histogramRows, 5, "the residual histogram counts every row");
  assert.deepEqual(await page.locator(`${$("importance")} g.bar`).evaluateAll((gs) => gs.map((g) => g.dataset.label)), ["bmi", "bp"]);
  assert.equal(await page.locator($("classification-diagnostics")).isVisible(), false);
});

test("a phone-sized screen: the results fit its width, nothing scrolls sideways", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp();
  await showFixture("results-binary");
  await showFixture("results-regression");
  await showFixture("results-binary");
  const layout = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    charts: [...document.querySelectorAll("svg.chart")].filter((s) => s.getBoundingClientRect().width > 0)
      .map((s) => Math.ceil(s.getBoundingClientRect().right)),
    fonts: [...document.querySelectorAll("svg.chart .tick text")].map((t) => t.getBoundingClientRect().height).filter((h) => h > 0),
  }));
  assert.ok(layout.page <= layout.viewport, `no sideways scroll: ${layout.page} > ${layout.viewport}`);
  assert.ok(layout.charts.length >= 6, `charts shown: ${layout.charts.length}`);
  for (const right of layout.charts) assert.ok(right <= layout.viewport, `a chart ends at ${right}, past ${layout.viewport}`);
  assert.ok(layout.fonts.length > 20, "tick labels drawn");
  for (const h of layout.fonts) assert.ok(h >= 10, `tick labels stay readable: ${h}px`);
});

// ---- part 2: real searches -------------------------------------------------------------------

/** Run a seeded search of at most `trials` trials (no time limit) and wait until it is done. */
async function runTrials(trials, seed = 7) {
  await page.locator($("seed-input")).fill(String(seed));
  await page.evaluate((n) => window.__automl.runSettings({ timeBudgetS: null, maxTrials: n }), trials);
  await page.locator($("start")).click();
  await waitForText("status", /^Done/, 90_000);
}

test("titanic: live search curve, sorting by clicks and keys, row details, report", async () => {
  await openApp();
  await loadSample("titanic");
  await page.locator($("seed-input")).fill("7");
  await page.evaluate(() => window.__automl.runSettings({ timeBudgetS: null, maxTrials: 14 }));
  await page.locator($("start")).click();
  // Live: the curve is drawn while the search still runs.
  await page.locator(`${$("search-curve")} svg.chart circle.mark`).first().waitFor({ timeout: 60_000 });
  await waitForText("status", /^Done/, 90_000);
  const trials = await page.evaluate(() => window.__automl.results.trials.filter((t) => Number.isFinite(t.score)).length);
  assert.equal(await page.locator(`${$("search-curve")} circle.mark`).count(), trials, "one point per trial");
  assert.ok(trials >= 10, `trials drawn: ${trials}`);
  assert.equal(await page.locator(`${$("search-curve")} path.line[data-series="best so far"]`).count(), 1);

  // Sort by fit time (click), then the other way (keyboard on the header button).
  const fitTimes = () => page.locator(`${$("leaderboard-body")} td.fit-time`).allTextContents().then((t) => t.map(Number));
  await page.locator($("sort-fit-time")).click();
  let times = await fitTimes();
  assert.deepEqual(times, [...times].sort((a, b) => a - b), "fit time ascending");
  assert.equal(await page.locator('th[data-sort="fitTime"]').getAttribute("aria-sort"), "ascending");
  await page.locator($("sort-fit-time")).focus();
  await page.keyboard.press("Enter");
  times = await fitTimes();
  assert.deepEqual(times, [...times].sort((a, b) => b - a), "fit time descending");
  assert.equal(await page.locator('th[data-sort="fitTime"]').getAttribute("aria-sort"), "descending");
  await page.locator($("sort-rank")).click();
  const ranks = (await texts(`${$("leaderboard-body")} td.rank`)).map(Number);
  assert.deepEqual(ranks, ranks.map((_, i) => i + 1), "back to rank order");

  // Details of the second row, opened with the keyboard.
  const row = page.locator(`${$("leaderboard-body")} tr`).nth(1);
  const trial = Number(await row.getAttribute("data-trial"));
  await row.focus();
  await page.keyboard.press("Enter");
  await page.locator($("row-detail")).waitFor({ state: "visible" });
  const data = await page.evaluate((t) => window.__automl.results.rows.get(t), trial);
  assert.match(await browser.text("row-detail-title"), new RegExp(`trial ${trial}\\)$`));
  const names = await texts(`${$("row-detail-params")} th`);
  if (Array.isArray(data.params.members)) assert.equal(names.length, data.params.members.length);
  else assert.deepEqual(names, Object.keys(data.params).length ? Object.keys(data.params) : ["—"]);
  assert.equal(await page.locator(`${$("row-detail-folds")} rect.mark`).count(), data.foldScores.length, "one bar per split");
  assert.match(await browser.text("row-detail-facts"), /Fit time/);

  // The report: one HTML file, its plots inline, no script.
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator($("download-report")).click()]);
  assert.match(download.suggestedFilename(), /^report-Survived\.html$/);
  const html = await readFile(await download.path(), "utf8");
  assert.match(html, /^<!doctype html>/);
  assert.doesNotMatch(html, /<script/i, "no script in the report");
  assert.match(html, /<svg[^>]*data-chart="scatter"/, "the search curve is in it");
  assert.match(html, /Random seed<\/dt><dd>7<\/dd>/);
  assert.match(html, /891 rows × 12 columns/);
  assert.ok(html.includes(await page.locator(`${$("leaderboard-body")} td.model .model-label`).first().textContent()));
});
