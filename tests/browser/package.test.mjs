// The embeddable package, as a stranger gets it: `npm pack` makes the tarball, which is unpacked
// into a temporary static site as node_modules/automl-wasm/ beside the example page
// (examples/embed/), served by scripts/serve.mjs (so under the page's own Content-Security-
// Policy as well as the example's) and opened in headless Chromium. The example page fits a
// model on a file it has never seen and predicts another; the API (imported from the packed
// package) fits rows, predicts, explains, stops through an AbortSignal, and rejects a bad file
// with the structured error in English and Korean; and the calls the tool's own page is built on
// (a target check, the step pace, finish, side-by-side what-if calls, forecasts with a model
// file). Every request stays on the page's origin.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { openServedProfile } from "../../scripts/chromium.mjs";
import { ROOT } from "./harness.mjs";

/** The temporary directory: the tarball and the site. */
let dir;
/** The static site: the example page and node_modules/automl-wasm/ from the tarball. */
let site;
/** The served profile: { origin, context, close }. */
let profile;
/** Every request the browser made, and what went wrong (console errors, page errors). */
const requests = [];
const problems = [];

/** A seeded generator, so the data is the same on every run. */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Rows an easy classifier learns: "high" when x + y > 10, with a noise column and a category.
 * @param {number} n
 * @param {number} seed
 */
function easyRows(n, seed) {
  const next = random(seed);
  return Array.from({ length: n }, () => {
    const x = Math.round(next() * 1000) / 100;
    const y = Math.round(next() * 1000) / 100;
    const colour = ["red", "green", "blue, light"][Math.floor(next() * 3)];
    return { x, y, noise: Math.round(next() * 100), colour, label: x + y > 10 ? "high" : "low" };
  });
}

/** Rows as CSV text (the test's own writer, not the package's). */
function csv(rows) {
  const columns = Object.keys(rows[0]);
  const field = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
  return [columns.join(","), ...rows.map((r) => columns.map((c) => field(r[c])).join(","))].join("\n") + "\n";
}

/** New rows far from the boundary: their labels are certain. */
const EASY = [
  { x: 9.5, y: 9, noise: 3, colour: "red", want: "high" },
  { x: 0.5, y: 1, noise: 50, colour: "green", want: "low" },
  { x: 8, y: 9.5, noise: 70, colour: "blue, light", want: "high" },
  { x: 1, y: 0.2, noise: 10, colour: "red", want: "low" },
];

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "automl-package-"));
  const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8" }).trim().split("\n").pop();
  const tarball = path.join(dir, name);
  const size = (await stat(tarball)).size;
  assert.ok(size > 200_000 && size < 5_000_000, `the tarball is ${size} bytes`);
  site = path.join(dir, "site");
  const pkg = path.join(site, "node_modules", "automl-wasm");
  await mkdir(pkg, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", pkg, "--strip-components=1"]);
  for (const file of await readdir(path.join(ROOT, "examples", "embed"))) {
    await cp(path.join(ROOT, "examples", "embed", file), path.join(site, file));
  }
  profile = await openServedProfile({ root: site, prefix: "automl-package-" });
  profile.context.on("request", (request) => requests.push(request.url()));
  profile.context.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  profile.context.on("weberror", (webError) => problems.push(`uncaught error: ${webError.error().message}`));
});

after(async () => {
  if (profile) await profile.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Opens the example page and waits for the engine. */
async function openExample() {
  const page = await profile.context.newPage();
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await page.goto(`${profile.origin}/index.html`);
  await page.waitForFunction(() => document.querySelector('[data-testid="status"]').textContent.startsWith("Ready"), null, { timeout: 15_000 });
  return page;
}

test("the packed package holds the entry module, its types, the licence, the worker, the catalogues and all of www/pkg/", async () => {
  const pkg = path.join(site, "node_modules", "automl-wasm");
  const files = new Set();
  const walk = async (d, prefix = "") => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(path.join(d, entry.name), `${prefix}${entry.name}/`);
      else files.add(`${prefix}${entry.name}`);
    }
  };
  await walk(pkg);
  for (const file of ["index.js", "index.d.ts", "LICENSE", "README.md", "package.json", "www/automl.js", "www/automl-calls.js", "www/rows.js", "www/worker.js", "www/protocol.js", "www/i18n.js", "www/trusted-types.js", "www/i18n/en.json", "www/i18n/ko.json"]) {
    assert.ok(files.has(file), `${file} is in the package`);
  }
  for (const file of await readdir(path.join(ROOT, "www", "pkg"))) assert.ok(files.has(`www/pkg/${file}`), `www/pkg/${file} is in the package`);
  // nothing of the page's own beyond what the package uses, no sources, no tests
  assert.deepEqual([...files].filter((f) => /^(src|tests|scripts|target|examples)\/|^www\/(app|view|main|sw)\.js$/.test(f)), []);
});

test("the example page fits a model on a file it has never seen and predicts a new file", async () => {
  const page = await openExample();
  await page.setInputFiles('[data-testid="data"]', { name: "unseen.csv", mimeType: "text/csv", buffer: Buffer.from(csv(easyRows(150, 11))) });
  await page.fill('[data-testid="target"]', "label");
  await page.fill('[data-testid="trials"]', "6");
  await page.fill('[data-testid="seed"]', "7");
  await page.click('[data-testid="start"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="status"]').dataset.state, null, { timeout: 20_000 });
  assert.equal(await page.getAttribute('[data-testid="status"]', "data-state"), "done", await page.textContent('[data-testid="status"]'));
  const board = await page.$$eval('[data-testid="leaderboard"] tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.ok(board.length >= 6, `${board.length} leaderboard rows`);
  assert.ok(Number(board[0][2]) >= 0.9, `best accuracy ${board[0][2]}`);
  await page.setInputFiles('[data-testid="new-data"]', { name: "new.csv", mimeType: "text/csv", buffer: Buffer.from(csv(EASY.map(({ want, ...row }) => row))) });
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="predictions"] tbody tr').length === n, EASY.length);
  const predicted = await page.$$eval('[data-testid="predictions"] tbody tr', (rows) => rows.map((r) => r.cells[1].textContent));
  assert.deepEqual(predicted, EASY.map((r) => r.want));
  await page.close();
});

test("the API: rows in, a seeded trial budget, predictions per row, explanations, and a signal that stops at once", async () => {
  const page = await openExample();
  const out = await page.evaluate(async ({ rows, easy }) => {
    const { AutoML } = await import(new URL("node_modules/automl-wasm/index.js", location.href).href);
    const automl = await AutoML.load({ workers: 2 });
    const events = [];
    const result = await automl.fit(rows, { target: "label", maxTrials: 8, seed: 3, onProgress: (e) => events.push(e.kind) });
    const newRows = easy.map(({ want, ...row }) => row);
    const predictions = await automl.predict(result.model, newRows);
    const fromBytes = await automl.predict(result.model, new TextEncoder().encode("x,y,noise,colour\n9,9,1,red\n0,1,2,green\n"));
    const why = await automl.explain(result.model, newRows[0]);
    const info = await automl.modelInfo(new Blob([result.model]));
    const inspection = await automl.inspect(rows);
    // Stop after the first trial: the result so far, at once
    const controller = new AbortController();
    let stoppedAt = 0;
    const stopped = await automl.fit(rows, {
      target: "label",
      timeBudget: 60,
      seed: 3,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.kind === "trial" && !stoppedAt) {
          stoppedAt = performance.now();
          controller.abort();
        }
      },
    });
    const stopMs = performance.now() - stoppedAt;
    // Stopped before any trial finished: an AbortError
    const early = new AbortController();
    early.abort();
    const rejected = await automl.fit(rows, { target: "label", maxTrials: 4, signal: early.signal }).then(() => null, (e) => ({ name: e.name, code: e.code }));
    // the pool still works after a stop
    const again = await automl.predict(result.model, newRows.slice(0, 1));
    automl.close();
    return {
      stopped: result.stopped,
      leaderboard: result.leaderboard.length,
      trials: events.filter((k) => k === "trial").length,
      best: result.best.row.mean,
      metric: result.metric,
      accuracy: result.diagnostics.classification.report.accuracy,
      modelBytes: result.model.length,
      predictions: predictions.map((p) => p.prediction),
      probabilities: predictions.map((p) => p.probabilities.length),
      classes: predictions.classes,
      fromBytes: [...fromBytes].map((p) => p.prediction),
      csvHeader: fromBytes.csv.split("\n")[0],
      contributions: why.contributions.map((c) => c.column).sort(),
      infoTarget: info.target,
      inspected: inspection.columns.map((c) => `${c.name}:${c.kind}`),
      stoppedResult: { stopped: stopped.stopped, rows: stopped.leaderboard.length, model: stopped.model, best: stopped.best.row.rank },
      stopMs,
      rejected,
      again: again.length,
    };
  }, { rows: easyRows(150, 5), easy: EASY });
  assert.equal(out.stopped, false);
  assert.equal(out.trials, 8);
  assert.ok(out.leaderboard >= 8, `${out.leaderboard} leaderboard rows`);
  assert.equal(out.metric, "balanced_accuracy", "categories are ranked by balanced accuracy unless the options say otherwise");
  assert.ok(out.best >= 0.9, `best ${out.best}`);
  assert.ok(out.accuracy >= 0.9, `out-of-fold accuracy ${out.accuracy}`);
  assert.ok(out.modelBytes > 100);
  assert.deepEqual(out.predictions, EASY.map((r) => r.want));
  assert.deepEqual(out.probabilities, [2, 2, 2, 2]);
  assert.deepEqual(out.classes, ["high", "low"]);
  assert.deepEqual(out.fromBytes, ["high", "low"]);
  assert.match(out.csvHeader, /^\uFEFF?row,x,y,noise,colour,prediction,probability_high,probability_low,note$/);
  assert.deepEqual(out.contributions, ["colour", "noise", "x", "y"]);
  assert.equal(out.infoTarget, "label");
  assert.deepEqual(out.inspected, ["x:numeric", "y:numeric", "noise:numeric", "colour:categorical", "label:categorical"]);
  assert.equal(out.stoppedResult.stopped, true);
  assert.ok(out.stoppedResult.rows >= 1);
  assert.equal(out.stoppedResult.model, null);
  assert.equal(out.stoppedResult.best, 1);
  assert.ok(out.stopMs < 2000, `the stopped fit resolved ${out.stopMs} ms after the abort`);
  assert.deepEqual(out.rejected, { name: "AbortError", code: "run.stopped" });
  assert.equal(out.again, 1);
  await page.close();
});

test("the calls the page is built on: a target check, a step-paced fit, finish (a chosen row; after a stop), a what-if side by side, forecasts", async () => {
  const rows = easyRows(150, 5);
  const highs = rows.filter((r) => r.label === "high").length;
  const airline = await readFile(path.join(ROOT, "www", "samples", "airline_passengers.csv"), "utf8");
  const page = await openExample();
  const out = await page.evaluate(async ({ rows, easy, airline }) => {
    const { AutoML } = await import(new URL("node_modules/automl-wasm/index.js", location.href).href);
    // made at once, started by its first call (as the page makes its engine)
    const automl = new AutoML({ workers: 2 });
    const versionBefore = automl.version;
    const ready = await automl.start();
    const check = await automl.checkTarget(rows, { target: "label" });
    // step pace: one trial per nextTrial(), endSearch() after the third (the page's Next and Finish)
    const steps = [];
    const stepped = await automl.fit(rows, {
      target: "label", seed: 3, maxTrials: 40, pace: "step",
      onProgress: (e) => {
        if (e.kind !== "trial") return;
        steps.push(e.trialsDone);
        if (e.trialsDone < 3) automl.nextTrial();
        else automl.endSearch();
      },
    });
    const trials = stepped.leaderboard.filter((r) => !(r.params && Array.isArray(r.params.members)));
    const second = trials[1];
    // "use this model": the second row (not the winner), refitted and explained, with its model file
    const phases = [];
    const chosen = await automl.finish(rows, stepped, { target: "label", seed: 3, maxTrials: 40, trial: second.trial, onProgress: (e) => phases.push(e.phase) });
    // Stop, then finish: the best trial so far refitted, "stopped early" (the page's Stop)
    const stop = new AbortController();
    const halted = await automl.fit(rows, {
      target: "label", timeBudget: 60, seed: 3, signal: stop.signal,
      onProgress: (e) => {
        if (e.kind === "trial" && e.trialsDone >= 2) stop.abort();
      },
    });
    const kept = await automl.finish(rows, halted, { target: "label", timeBudget: 60, seed: 3 });
    const keptInfo = await automl.modelInfo(kept.model);
    // the what-if form's two calls, in flight together
    const row = { x: "9.5", y: "9", noise: "3", colour: "red" };
    const [predicted, explained] = await Promise.all([automl.predict(chosen.model, [row]), automl.explain(chosen.model, row)]);
    const tabular = await automl.modelInfo(chosen.model);
    // a series: its description, a forecast with its model file, and that file on the same data
    const series = await automl.forecastInfo(airline, { target: "passengers", date: "month", fileName: "airline.csv" });
    const forecast = await automl.forecast(airline, { target: "passengers", date: "month", horizon: 6, maxTrials: 3, seed: 1 });
    const forecastInfo = await automl.modelInfo(forecast.model);
    const again = await automl.forecastWithModel(forecast.model, airline, { fileName: "airline.csv" });
    automl.close();
    return {
      versionBefore, version: ready.version, checkTask: check.task,
      counts: Object.fromEntries(check.classCounts.map((c) => [c.label, c.count])),
      steps, trials: trials.length, stepped: { stopped: stepped.stopped, ending: stepped.ending },
      chosen: { ending: chosen.ending, trial: chosen.best.row.trial, wanted: second.trial, model: chosen.model.length, stopped: chosen.stopped },
      phases,
      halted: { stopped: halted.stopped, rows: halted.leaderboard.length, best: halted.leaderboard[0].trial },
      kept: { ending: kept.ending, trial: kept.best.row.trial, stopped: kept.stopped, fileEnding: keptInfo.ending },
      predictedRows: predicted.length, probabilities: predicted[0].probabilities.length,
      contributions: explained.contributions.map((c) => c.column).sort(), cells: explained.cells.length,
      tabular: { kind: tabular.kind, target: tabular.target, ending: tabular.ending },
      series: { frequency: series.frequency, n: series.n, horizon: series.defaultHorizon },
      forecast: { steps: forecast.forecast.length, model: forecast.model ? forecast.model.length : 0 },
      forecastInfo: { kind: forecastInfo.kind, date: forecastInfo.dateColumn, horizon: forecastInfo.horizon },
      again: { steps: again.forecast.length, model: again.model, first: again.forecast[0].time, wanted: forecast.forecast[0].time, csv: again.csv.split("\n")[0] },
    };
  }, { rows, easy: EASY, airline });
  assert.equal(out.versionBefore, "");
  assert.match(out.version, /^\d+\.\d+\.\d+/);
  assert.equal(out.checkTask, "classification");
  assert.deepEqual(out.counts, { high: highs, low: rows.length - highs });
  assert.deepEqual(out.steps, [1, 2, 3]);
  assert.equal(out.trials, 3);
  assert.deepEqual(out.stepped, { stopped: false, ending: "finished" });
  assert.deepEqual(out.chosen, { ending: "chosen", trial: out.chosen.wanted, wanted: out.chosen.wanted, model: out.chosen.model, stopped: false });
  assert.ok(out.chosen.model > 100, `model file ${out.chosen.model} bytes`);
  assert.ok(out.phases.includes("refit"), out.phases.join(", "));
  assert.equal(out.halted.stopped, true);
  assert.ok(out.halted.rows >= 2, `${out.halted.rows} rows when stopped`);
  assert.deepEqual(out.kept, { ending: "stopped", trial: out.halted.best, stopped: false, fileEnding: "stopped" });
  assert.equal(out.predictedRows, 1);
  assert.equal(out.probabilities, 2);
  assert.deepEqual(out.contributions, ["colour", "noise", "x", "y"]);
  assert.equal(out.cells, 4);
  assert.deepEqual(out.tabular, { kind: "tabular", target: "label", ending: "chosen" });
  assert.deepEqual(out.series, { frequency: "monthly", n: 144, horizon: 12 });
  assert.equal(out.forecast.steps, 6);
  assert.ok(out.forecast.model > 100, `forecast model file ${out.forecast.model} bytes`);
  assert.deepEqual(out.forecastInfo, { kind: "forecast", date: "month", horizon: 6 });
  assert.equal(out.again.steps, 6);
  assert.equal(out.again.model, null);
  assert.equal(out.again.first, out.again.wanted);
  assert.match(out.again.csv, /^\uFEFF?month,forecast,lo80,hi80,lo95,hi95/);
  await page.close();
});

test("a bad file rejects with the structured error, in English by default and in Korean when asked", async () => {
  const page = await openExample();
  const out = await page.evaluate(async () => {
    const { AutoML, AutoMLError } = await import(new URL("node_modules/automl-wasm/index.js", location.href).href);
    const fail = (promise) => promise.then(() => null, (e) => ({
      isError: e instanceof AutoMLError, name: e.name, code: e.code, params: e.params, message: e.message, hint: e.hint,
    }));
    const en = await AutoML.load({ workers: 1 });
    const binary = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 1, 2, 3]);
    const badFile = await fail(en.fit(binary, { target: "label", maxTrials: 2 }));
    const badModel = await fail(en.predict(new TextEncoder().encode("a,b\n1,2\n"), "a,b\n1,2\n"));
    const badData = await fail(en.fit(/** @type {any} */ (42), { target: "label" }));
    en.close();
    const ko = await AutoML.load({ workers: 1, language: "ko" });
    const badFileKo = await fail(ko.fit(binary, { target: "label", maxTrials: 2 }));
    ko.close();
    const badLanguage = await fail(AutoML.load({ language: "fr" }));
    return { badFile, badModel, badData, badFileKo, badLanguage };
  });
  for (const [what, err] of Object.entries(out)) {
    assert.ok(err && err.isError, `${what}: an AutoMLError`);
    assert.match(err.code, /^[a-z_]+\.[a-z_.]+$/, `${what}: code ${err.code}`);
    assert.ok(err.message && err.message !== err.code, `${what}: words for ${err.code}`);
    assert.ok(err.hint, `${what}: a hint for ${err.code}`);
  }
  assert.equal(out.badFile.code, out.badFileKo.code);
  assert.doesNotMatch(out.badFile.message, /[\uac00-\ud7a3]/);
  assert.match(out.badFileKo.message, /[\uac00-\ud7a3]/, out.badFileKo.message);
  assert.match(out.badFileKo.hint, /[\uac00-\ud7a3]/, out.badFileKo.hint);
  assert.equal(out.badData.code, "package.bad_data");
  assert.deepEqual(out.badLanguage.params, { option: "language" });
  await page.close();
});

test("no request leaves the page's origin, and nothing went wrong on the page", () => {
  assert.ok(requests.length > 0);
  const origin = profile.origin;
  assert.deepEqual(requests.filter((url) => !url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url)), []);
  for (const file of ["/node_modules/automl-wasm/www/worker.js", "/node_modules/automl-wasm/www/pkg/automl_bg.wasm", "/node_modules/automl-wasm/www/i18n/en.json", "/node_modules/automl-wasm/www/i18n/ko.json"]) {
    assert.ok(requests.includes(`${origin}${file}`), `${file} was fetched from the page's origin`);
  }
  assert.deepEqual(problems, []);
});
