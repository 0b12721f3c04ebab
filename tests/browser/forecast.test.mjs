// Forecasting on the real page: the airline_passengers and co2 samples are recognised as
// series (the task "Forecast" is chosen for them), the horizon control shows the frequency's
// default, a run shows the backtest leaderboard, one plot with history, forecast and interval
// band (backtests overlaid on request), a forecast table, and the CSV download has H rows
// (the engine's file: the airline forecast's is `automl fit --date --out`'s, byte for byte).
// Serves the test build (a trial budget through window.__automl.runSettings): needs
// `bash scripts/build-wasm.sh --test`.
//
//   node --test --test-concurrency=1 tests/browser/forecast.test.mjs
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { $, ROOT, useBrowser } from "./harness.mjs";

const browser = useBrowser({ testBuild: true });
const { openApp, loadSample, waitForText } = browser;

let page;
beforeEach(() => {
  page = browser.page;
});

/** Number of points in an SVG path's `d` (M and L commands). */
function pathPoints(d) {
  return (d || "").split(/[ML]/).filter((s) => s.trim()).length;
}

/**
 * Forecast a sample on the page: with a time budget of `budget` seconds, or with `trials` a
 * trial budget and no time limit (deterministic, as `automl fit --max-trials` without
 * `--time-budget`).
 */
async function forecastSample(id, { horizon, budget = "2", trials }) {
  await openApp();
  await loadSample(id);
  assert.equal(await page.locator($("task-select")).inputValue(), "forecast", "a series is suggested as a forecast");
  await page.locator($("forecast-settings")).waitFor({ state: "visible" });
  await waitForText("forecast-info", /values/);
  const info = await browser.text("forecast-info");
  const defaultHorizon = await page.locator($("forecast-horizon")).inputValue();
  if (horizon !== undefined) await page.locator($("forecast-horizon")).fill(String(horizon));
  await page.locator($("budget-input")).fill(budget);
  if (trials !== undefined) await page.evaluate((n) => window.__automl.runSettings({ timeBudgetS: null, maxTrials: n }), trials);
  await page.locator($("start")).click();
  await waitForText("status", /^Done: forecast of \d+ steps/, 60_000);
  return { info, defaultHorizon };
}

/** Models the airline forecast tries (a trial budget: the same forecast on the page and the CLI). */
const TRIALS = 14;

async function chartFacts() {
  const chart = page.locator(`${$("forecast-chart")} svg.chart`);
  await chart.waitFor({ state: "visible" });
  const history = await chart.locator('path.line[data-series="History"]').getAttribute("d");
  const forecast = await chart.locator('path.line[data-series="Forecast"]').getAttribute("d");
  const band = await chart.locator("path.band").getAttribute("d");
  const backtests = await chart.locator('path.line[data-series^="Backtest"]').count();
  return { history: pathPoints(history), forecast: pathPoints(forecast), band, backtests };
}

/** The downloaded forecast; `text` without the UTF-8 byte-order mark the file starts with. */
async function downloadCsv() {
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator($("forecast-download")).click()]);
  const file = await readFile(await download.path(), "utf8");
  assert.ok(file.startsWith("\uFEFF"), "the CSV starts with a UTF-8 byte-order mark, for Excel");
  return { name: download.suggestedFilename(), text: file.slice(1) };
}

test("airline passengers: monthly, default horizon 12, plot with history, forecast and band, the CLI's CSV", async () => {
  const { info, defaultHorizon } = await forecastSample("airline_passengers", { horizon: 24, trials: TRIALS });
  assert.match(info, /^144 monthly values, seasonal period 12\.$/);
  assert.equal(defaultHorizon, "12");

  // The leaderboard: models ranked by backtest MASE, the benchmarks among them.
  const rows = await page.locator(`${$("forecast-leaderboard-body")} tr`).allTextContents();
  assert.ok(rows.length >= 10, `${rows.length} rows`);
  const labels = await page.locator(`${$("forecast-leaderboard-body")} tr td:nth-child(2)`).allTextContents();
  assert.ok(labels.includes("Seasonal naive (m=12)"), labels.join(" | "));
  const mase = (await page.locator(`${$("forecast-leaderboard-body")} tr td:nth-child(3)`).allTextContents()).map(Number);
  const ranks = (await page.locator(`${$("forecast-leaderboard-body")} tr td:nth-child(1)`).allTextContents()).map(Number);
  assert.deepEqual(ranks.slice(0, 5), [1, 2, 3, 4, 5]);
  assert.deepEqual([...mase].sort((a, b) => a - b), mase, "sorted by MASE");
  const snaive = mase[labels.indexOf("Seasonal naive (m=12)")];
  assert.ok(mase[0] < snaive, `the best (${mase[0]}) beats the seasonal naive (${snaive})`);
  assert.match(await browser.text("forecast-best"), /^Forecast of 24 monthly steps by .+ \(backtest MASE [\d.]+, sMAPE [\d.]+%\)\.$/);

  // One plot: 144 history points, the forecast joined to the last one (1 + 24), a band.
  const facts = await chartFacts();
  assert.equal(facts.history, 144);
  assert.equal(facts.forecast, 25);
  assert.ok(facts.band && facts.band.length > 20, "a band is drawn");
  assert.equal(facts.backtests, 0, "backtests only on request");
  await page.locator($("forecast-show-backtests")).check();
  assert.equal((await chartFacts()).backtests, 3, "three backtest windows overlaid");

  // The table and the download: 24 rows, dates after the history, intervals nested.
  const table = await page.locator(`${$("forecast-table-body")} tr`).count();
  assert.equal(table, 24);
  const { name, text } = await downloadCsv();
  assert.equal(name, "passengers-forecast.csv");
  const lines = text.trim().split("\n");
  assert.equal(lines[0], "month,forecast,lo80,hi80,lo95,hi95");
  assert.equal(lines.length - 1, 24, "H rows");
  assert.match(lines[1], /^1961-01-01,/);
  assert.match(lines[24], /^1962-12-01,/);
  for (const line of lines.slice(1)) {
    const [, v, lo80, hi80, lo95, hi95] = line.split(",").map(Number);
    assert.ok(lo95 <= lo80 && lo80 <= v && v <= hi80 && hi80 <= hi95, line);
    assert.ok(v > 300 && v < 900, `a plausible passenger count: ${line}`);
  }

  // The command line forecasts the same file with the same seed and trial budget: the page's
  // download is its --out file, byte for byte (the engine writes both).
  const dir = await mkdtemp(path.join(os.tmpdir(), "automl-forecast-"));
  try {
    const out = path.join(dir, "cli.csv");
    execFileSync("cargo", ["run", "--release", "--quiet", "--bin", "automl", "--", "fit",
      path.join(ROOT, "www", "samples", "airline_passengers.csv"), "--target", "passengers", "--date", "month",
      "--horizon", "24", "--max-trials", String(TRIALS), "--seed", "42", "--quiet", "--out", out], { cwd: ROOT, stdio: "pipe" });
    assert.equal(`\uFEFF${text}`, await readFile(out, "utf8"), "automl fit --date --out writes the page's forecast exactly");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("co2: weekly with missing weeks filled, default horizon 13, plot and CSV of 13 rows", async () => {
  const { info, defaultHorizon } = await forecastSample("co2", {});
  // (the count is written for the page's language: 2,284 in English)
  assert.match(info, /^2,284 weekly values, seasonal period 52\.$/);
  assert.equal(defaultHorizon, "13");
  const notes = await page.locator(`${$("forecast-notes")} li`).allTextContents();
  assert.ok(notes.some((n) => /59 dates have no value for "co2": they were filled by linear interpolation/.test(n)), notes.join("\n"));
  const facts = await chartFacts();
  assert.equal(facts.history, 2284);
  assert.equal(facts.forecast, 14);
  assert.ok(facts.band && facts.band.length > 20);
  const { text } = await downloadCsv();
  const lines = text.trim().split("\n");
  assert.equal(lines[0], "date,forecast,lo80,hi80,lo95,hi95");
  assert.equal(lines.length - 1, 13, "H rows");
  assert.match(lines[1], /^2002-01-05,/);
  for (const line of lines.slice(1)) {
    const v = Number(line.split(",")[1]);
    assert.ok(v > 360 && v < 380, `CO2 around 370 ppm at the end of 2001: ${line}`);
  }
});

test("a table without dates is not offered a forecast; classification files keep their task", async () => {
  await openApp();
  await loadSample("iris");
  const options = await page.locator(`${$("task-select")} option`).evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(options, ["classification", "regression"]);
  assert.equal(await page.locator($("forecast-settings")).isVisible(), false);
});
