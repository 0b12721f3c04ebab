// Forecasts that can be kept (issue 19, item 4), on the real page: after a forecast, "Use the
// model" offers the forecast model file (its size and what it forecasts on the button), and the
// file forecasts new data (a chart, a table and the CSV `automl predict MODEL DATA --out`
// writes, byte for byte), also after a reload through "Load model"; data it cannot forecast
// gets the engine's message and hint. The HTML report of a forecast run holds the backtest
// leaderboard, the chosen forecaster with a plain sentence, MASE explained, the forecast table
// and chart. The chart tells backtests from history by a shaded period and square markers with
// their own legend entries and fills the card's width; each table column has one precision; the
// MASE words name the scale and the benchmark's number as the leaderboard shows it. In English
// and in Korean (through the language switch).
// Serves the test build (a trial budget through window.__automl.runSettings): needs
// `bash scripts/build-wasm.sh --test`.
//
//   node --test --test-concurrency=1 tests/browser/forecast-model.test.mjs
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { $, ROOT, useBrowser } from "./harness.mjs";

const browser = useBrowser({ testBuild: true });
const { openApp, loadSample, waitForText } = browser;

let page;
beforeEach(() => {
  page = browser.page;
});

/** Models the airline forecast tries (a trial budget: deterministic). */
const TRIALS = 14;
const HANGUL = /[\uac00-\ud7a3]/;

/** Forecast the airline sample on the page with a trial budget, 12 steps. */
async function forecastAirline() {
  await openApp();
  // the language chosen stays in the browser's storage: each test starts in English
  if ((await page.evaluate(() => document.documentElement.lang)) !== "en") await switchTo("en");
  await loadSample("airline_passengers");
  assert.equal(await page.locator($("task-select")).inputValue(), "forecast");
  await waitForText("forecast-info", /values/);
  await page.evaluate((n) => window.__automl.runSettings({ timeBudgetS: null, maxTrials: n }), TRIALS);
  await page.locator($("start")).click();
  await waitForText("status", /^Done: forecast of \d+ steps/, 60_000);
}

/** Picks a language with the page's switch and waits until the page speaks it. */
async function switchTo(lang) {
  await page.locator($("language-select")).selectOption(lang);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}

/** Click `testId` and read the download: its suggested name and bytes. */
async function downloadOf(testId) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator($(testId)).click()]);
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
}

/** The airline sample's first `rows` data rows, as CSV text. */
async function airlineHead(rows) {
  const text = await readFile(path.join(ROOT, "www", "samples", "airline_passengers.csv"), "utf8");
  return `${text.trim().split("\n").slice(0, rows + 1).join("\n")}\n`;
}

/** Give the forecast model's file input a CSV. */
async function forecastWithModel(name, csv) {
  await page.locator($("forecast-model-input")).setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
}

/** Number of points in an SVG path's `d` (M and L commands). */
function pathPoints(d) {
  return (d || "").split(/[ML]/).filter((s) => s.trim()).length;
}

/** The decimals a number is written with. */
const decimals = (text) => (String(text).split(".")[1] || "").length;

test("after a forecast the model file is offered, says what it forecasts, and forecasts new data like the command line, also loaded after a reload", async () => {
  await forecastAirline();
  // "Use the model" offers the forecast model, not "Run a search above"
  await page.locator($("forecast-model-area")).waitFor({ state: "visible" });
  assert.equal(await page.locator($("model-none")).isVisible(), false);
  assert.equal(await page.locator($("predict-area")).isVisible(), false, "the table model's predictions are put away");
  const label = await browser.text("forecast-model-download");
  const m = /^Download forecast model \("passengers" by "month", 12 monthly steps; ([\d.]+) KB\)$/.exec(label);
  assert.ok(m, label);
  assert.equal(await browser.text("forecast-model-what"), "\"passengers\" by the dates in \"month\": 12 monthly steps after the last value");
  assert.match(await browser.text("forecast-model-models"), /^.+: .+\.$/, "the model with a sentence");
  assert.equal(await browser.text("forecast-model-seasons"), "12");
  assert.match(await browser.text("forecast-model-fitted"), /^144 values up to 1960-12-01 \(seed 42\)$/);
  assert.equal(await browser.text("forecast-model-source"), "the search above");

  // the file: a forecast model, of the size the button says
  const { name, bytes } = await downloadOf("forecast-model-download");
  assert.equal(name, "passengers-forecast.automl");
  assert.ok(bytes.subarray(0, 18).equals(Buffer.from("AUTOML-FORECAST 1\n")), bytes.subarray(0, 40).toString());
  assert.equal((bytes.length / 1024).toFixed(1), m[1]);

  // new data: the series up to 1958-12 is forecast from its own end, without a search
  await forecastWithModel("airline_120.csv", await airlineHead(120));
  await waitForText("forecast-model-status", /^Forecast of 12 monthly steps after the 120 values of "airline_120\.csv" \(up to 1958-12-01\)\.$/, 30_000);
  const chart = page.locator(`${$("forecast-model-chart")} svg.chart`);
  await chart.waitFor({ state: "visible" });
  assert.equal(pathPoints(await chart.locator('path.line[data-series="History"]').getAttribute("d")), 120);
  assert.equal(pathPoints(await chart.locator('path.line[data-series="Forecast"]').getAttribute("d")), 13);
  const dates = await page.locator(`${$("forecast-model-table-body")} tr td:first-child`).allTextContents();
  assert.equal(dates.length, 12);
  assert.equal(dates[0], "1959-01-01");
  const notes = await page.locator(`${$("forecast-model-notes")} li`).allTextContents();
  assert.ok(notes.some((n) => /refitted on the 120 values of this file up to 1958-12-01 without a new search/.test(n)), notes.join("\n"));
  const csv = await downloadOf("forecast-model-csv");
  assert.equal(csv.name, "passengers-forecast.csv");
  const text = csv.bytes.toString("utf8");
  assert.ok(text.startsWith("\uFEFFmonth,forecast,lo80,hi80,lo95,hi95\n1959-01-01,"), text.slice(0, 80));
  assert.equal(text.trim().split("\n").length, 13);

  // the command line forecasts the same file with the same model file: the same bytes
  const dir = await mkdtemp(path.join(os.tmpdir(), "automl-forecast-model-"));
  try {
    const model = path.join(dir, "m.automl");
    const data = path.join(dir, "airline_120.csv");
    const out = path.join(dir, "cli.csv");
    await writeFile(model, bytes);
    await writeFile(data, await airlineHead(120));
    execFileSync("cargo", ["run", "--release", "--quiet", "--bin", "automl", "--", "predict", model, data, "--out", out], { cwd: ROOT, stdio: "pipe" });
    assert.ok(csv.bytes.equals(await readFile(out)), "automl predict MODEL DATA --out writes the page's forecast exactly");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // data the model cannot forecast: the engine's message and what to do
  await forecastWithModel("iris.csv", await readFile(path.join(ROOT, "www", "samples", "iris.csv"), "utf8"));
  await waitForText("forecast-model-error", /cannot be forecast with this model/);
  const error = await browser.text("forecast-model-error");
  assert.match(error, /lacks "month", "passengers"/, error);
  assert.match(error, /Load a file with the date column and the column to forecast/, error);

  // a reload: the saved file, loaded with "Load model", forecasts the same new data the same way
  await openApp();
  await page.locator($("model-input")).setInputFiles({ name: "passengers-forecast.automl", mimeType: "application/octet-stream", buffer: bytes });
  await page.locator($("forecast-model-area")).waitFor({ state: "visible" });
  assert.equal(await browser.text("forecast-model-source"), "the file passengers-forecast.automl");
  assert.equal(await browser.text("forecast-model-download"), label);
  await forecastWithModel("airline_120.csv", await airlineHead(120));
  await waitForText("forecast-model-status", /^Forecast of 12 monthly steps/, 30_000);
  const again = await downloadOf("forecast-model-csv");
  assert.ok(again.bytes.equals(csv.bytes), "the loaded file forecasts the same bytes");

  // in Korean
  await switchTo("ko");
  const ko = await browser.text("forecast-model-download");
  assert.match(ko, /^예측 모델 내려받기 \("month" 기준 "passengers", 월별 12단계, [\d.]+ KB\)$/, ko);
  assert.match(await browser.text("forecast-model-status"), /예측했어요\.$/);
  assert.match(await browser.text("forecast-model-models"), HANGUL);
});

test("the report of a forecast holds the backtest leaderboard, the chosen forecaster with a sentence, MASE explained and the forecast, in both languages", async () => {
  await forecastAirline();
  const board = await page.locator(`${$("forecast-leaderboard-body")} tr`).count();
  const report = await downloadOf("forecast-report");
  assert.equal(report.name, "report-passengers.html");
  const html = report.bytes.toString("utf8");
  assert.match(html, /^<!doctype html>\n<html lang="en">/);
  assert.match(html, /default-src 'none'; style-src 'unsafe-inline'/);
  assert.ok(!/<script/i.test(html), "no script");
  // opened as a person opens it: a page of its own (no script runs in it)
  const opened = await browser.newPage();
  await opened.setContent(html);
  const shown = await opened.evaluate(() => {
    const doc = document;
    const text = (sel) => (doc.querySelector(sel) || { textContent: "" }).textContent.trim();
    return {
      h1: text("h1"),
      rows: doc.querySelectorAll('[data-testid="report-leaderboard"] tbody tr').length,
      header: [...doc.querySelectorAll('[data-testid="report-leaderboard"] th')].map((th) => th.textContent.trim()),
      winner: text('[data-testid="report-winner"]'),
      scale: text('[data-testid="report-mase-scale"]'),
      versus: text('[data-testid="report-versus"]'),
      forecast: doc.querySelectorAll('[data-testid="report-forecast"] tbody tr').length,
      charts: doc.querySelectorAll("svg.chart").length,
      body: doc.body.textContent,
    };
  });
  assert.equal(shown.h1, "Forecast report: \"passengers\"");
  assert.equal(shown.rows, board, "every backtested model");
  assert.deepEqual(shown.header, ["Rank", "Model", "MASE", "sMAPE (%)", "MAE", "RMSE"]);
  assert.match(shown.winner, /^.+: .+\.$/, shown.winner);
  assert.match(shown.scale, /^How MASE is scaled: .*seasonal naive rule \(each value forecast by the value 12 steps, one season, before\)/);
  assert.match(shown.versus, /^In the same backtests the benchmark Seasonal naive \(m=12\) scores MASE \d+\.\d{3}/);
  assert.match(shown.body, /Mean absolute scaled error of a forecast/, "the glossary's words on MASE");
  assert.equal(shown.forecast, 12);
  assert.equal(shown.charts, 1, "the forecast chart");

  await switchTo("ko");
  const ko = (await downloadOf("forecast-report")).bytes.toString("utf8");
  assert.match(ko, /<html lang="ko">/);
  assert.match(ko, /시계열 예측 보고서: "passengers"/);
  assert.match(ko, /MASE를 재는 기준/);
  assert.ok(!/How MASE is scaled|Forecast report|The chosen forecaster/.test(ko), "no English left");
});

test("backtests differ from history by a shaded period and square markers in the legend; the chart fills the card; one precision per column; MASE words match the numbers", async () => {
  await forecastAirline();
  // the winner's name with a sentence of what it does
  assert.match(await browser.text("forecast-about"), /^.+: .+\.$/);
  // the MASE scale, said for the scale used, and the benchmark's score as the leaderboard shows it
  const scale = await browser.text("forecast-mase-scale");
  assert.match(scale, /seasonal naive rule \(each value forecast by the value 12 steps, one season, before\)/);
  assert.match(scale, /does not mean beating the seasonal naive row/);
  const labels = await page.locator(`${$("forecast-leaderboard-body")} tr td:nth-child(2)`).allTextContents();
  const mase = await page.locator(`${$("forecast-leaderboard-body")} tr td:nth-child(3)`).allTextContents();
  const snaive = mase[labels.indexOf("Seasonal naive (m=12)")];
  assert.ok(Number(snaive) > 1, `the seasonal naive row scores ${snaive} (above 1: the scale is in-sample)`);
  assert.match(await browser.text("forecast-versus"), new RegExp(`Seasonal naive \\(m=12\\) scores MASE ${snaive.replace(".", "\\.")}`));

  // one precision per column: MASE 3 decimals, sMAPE 2, MAE and RMSE alike; the forecast table alike
  const column = async (n) => page.locator(`${$("forecast-leaderboard-body")} tr td:nth-child(${n})`).allTextContents();
  assert.deepEqual(new Set(mase.map(decimals)), new Set([3]));
  assert.deepEqual(new Set((await column(4)).map(decimals)), new Set([2]));
  const losses = [...(await column(5)), ...(await column(6))].map(decimals);
  assert.equal(new Set(losses).size, 1, `MAE and RMSE: ${losses}`);
  const cells = await page.locator(`${$("forecast-table-body")} td.num`).allTextContents();
  assert.equal(cells.length, 60);
  assert.equal(new Set(cells.map(decimals)).size, 1, `forecast table: ${cells.slice(0, 10)}`);

  // the backtests: a shaded period and hollow squares, each in the legend; the history has neither
  await page.locator($("forecast-show-backtests")).check();
  const chart = page.locator(`${$("forecast-chart")} svg.chart`);
  await chart.locator("g.plot rect.span.forecast-backtest-span").waitFor();
  assert.equal(await chart.locator("g.plot rect.span").count(), 1);
  assert.equal(await chart.locator("rect.mark.square").count(), 36, "3 windows of 12 steps");
  assert.equal(await chart.locator(".markers.series-0 *").count(), 0, "no markers on the history");
  const legend = await chart.locator(".legend-item text").allTextContents();
  assert.deepEqual(legend, ["History", "Forecast", "Backtest forecasts", "Backtest period"]);
  assert.equal(await chart.locator(".legend rect.legend-mark.square").count(), 1);
  assert.equal(await chart.locator(".legend rect.legend-span").count(), 1);
  assert.equal(await browser.text("forecast-chart-caption"), "Shaded: the backtest windows; squares: what the chosen forecaster forecast there from the history before each window.");
  // the square markers are told apart in grayscale: a light fill with a dark outline
  const marks = await chart.locator("rect.mark.square").first().evaluate((r) => {
    const s = getComputedStyle(r);
    return { fill: s.fill, stroke: s.stroke, strokeWidth: parseFloat(s.strokeWidth) };
  });
  assert.equal(marks.fill, "rgb(255, 255, 255)");
  assert.ok(marks.strokeWidth >= 1.5, JSON.stringify(marks));

  // the chart fills the card's width, and is drawn again when the card narrows
  const widths = async () => page.evaluate((sel) => {
    const box = document.querySelector(sel);
    return { box: box.clientWidth, svg: box.querySelector("svg.chart").getBoundingClientRect().width };
  }, $("forecast-chart"));
  const wide = await widths();
  assert.ok(wide.svg >= wide.box - 2 && wide.box > 500, JSON.stringify(wide));
  await page.setViewportSize({ width: 700, height: 900 });
  await page.waitForFunction((sel) => {
    const box = document.querySelector(sel);
    const svg = box.querySelector("svg.chart");
    return svg && Math.abs(svg.viewBox.baseVal.width - box.clientWidth) < 4;
  }, $("forecast-chart"));
  const narrow = await widths();
  assert.ok(narrow.box < wide.box && narrow.svg >= narrow.box - 2, JSON.stringify({ wide, narrow }));

  // in Korean: the sentence, the legend and the MASE words
  await switchTo("ko");
  assert.match(await browser.text("forecast-about"), HANGUL);
  assert.match(await browser.text("forecast-mase-scale"), /^MASE를 재는 기준/);
  const koLegend = await page.locator(`${$("forecast-chart")} svg.chart .legend-item text`).allTextContents();
  assert.deepEqual(koLegend.slice(2), ["백테스트 예측", "백테스트 기간"]);
});
