#!/usr/bin/env node
// The benchmark of `automl bench` run by the page itself: the production build's worker pool in
// headless Chromium.
//
//   node scripts/bench-browser.mjs --datasets DIR --splits DIR --time-budget S --out DIR
//                                  [--only A,B] [--seed 42]
//
// Needs the production page (bash scripts/build-wasm.sh) and the benchmark helper, a wasm build
// of the core for Node with the cargo feature `bench` (bash scripts/build-wasm.sh --bench, into
// build/bench-node/). The protocol is `automl bench`'s (src/bench.rs), step for step:
//
// - the helper reads each tabular data set of DIR/index.json (time series are the forecasting
//   benchmark's, `automl bench-ts`) and cuts each outer fold of its split file with the core's
//   own code (`bench::fold_tables`: the training rows, less the classes that occur on a single
//   training row, and the test rows), into table images the page's engine reads as exactly
//   those tables;
// - the page (scripts/bench-browser/: served on 127.0.0.1 beside www/'s files and opened the
//   way the browser tests open the page, scripts/chromium.mjs) runs each fold's search on the
//   page's own pool, `new WorkerBridge()` as www/main.js makes it (one worker per logical core,
//   at most 8), with the page's default settings (the catalogue's folds, no column choices, all
//   families, ensembles on) and the given budget and seed, then predicts the test table with
//   the winner's model file;
// - the helper scores those predictions with the core's metrics (`bench::page_fold_metrics`,
//   which reads them into the model's predictions and scores them by the function the native
//   fold uses) and summarizes the folds (`bench::summarize`), tool "automl-wasm browser Ns".
//
// `wall_time_s` of a fold is, as natively, the search with its refit plus the prediction of the
// test rows; the page's explain phase, which `automl bench` does not run, is recorded apart
// (`explain_time_s`). Each data set starts a fresh pool. One result file per data set in --out,
// in the collection's format, which scripts/bench-table.mjs reads (--browser DIR).
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openServedProfile } from "./chromium.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WWW = path.join(ROOT, "www");
/** The benchmark helper: the core built for Node with the cargo feature `bench`. */
export const HELPER = path.join(ROOT, "build", "bench-node", "automl.js");
const PAGE = path.join(ROOT, "scripts", "bench-browser");

const USAGE = "usage: node scripts/bench-browser.mjs --datasets DIR --splits DIR --time-budget S --out DIR [--only A,B] [--seed N]";

/** @param {string[]} argv */
function parseArgs(argv) {
  const args = { only: [], seed: 42, budget: 10 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    if (flag === "--datasets") args.datasets = value;
    else if (flag === "--splits") args.splits = value;
    else if (flag === "--out") args.out = value;
    else if (flag === "--time-budget") args.budget = Number(value);
    else if (flag === "--seed") args.seed = Number(value);
    else if (flag === "--only") args.only = value.split(",").map((s) => s.trim()).filter(Boolean);
    else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  for (const flag of ["datasets", "splits", "out"]) if (!args[flag]) throw new Error(`--${flag} is missing\n${USAGE}`);
  if (!(args.budget > 0)) throw new Error("--time-budget must be a number of seconds above 0");
  if (!Number.isInteger(args.seed) || args.seed < 0) throw new Error("--seed must be a whole number");
  return args;
}

/** The helper module, or an error that says how to build it. */
function loadHelper() {
  if (!existsSync(HELPER)) {
    throw new Error(`${path.relative(ROOT, HELPER)} is missing: build the benchmark helper first (bash scripts/build-wasm.sh --bench).`);
  }
  return createRequire(import.meta.url)(HELPER);
}

/**
 * The site the browser opens: every file of the production page (www/, linked), the benchmark
 * page, and a folder the fold tables are written to.
 */
async function makeSite() {
  if (!existsSync(path.join(WWW, "pkg", "automl_bg.wasm"))) {
    throw new Error("www/pkg/automl_bg.wasm is missing: build the page first (bash scripts/build-wasm.sh).");
  }
  const site = await mkdtemp(path.join(os.tmpdir(), "automl-bench-browser-"));
  for (const entry of await readdir(WWW)) {
    if (entry === "index.html") continue;
    await symlink(path.join(WWW, entry), path.join(site, entry));
  }
  for (const file of await readdir(PAGE)) await symlink(path.join(PAGE, file), path.join(site, file));
  await mkdir(path.join(site, "folds"));
  return site;
}

const mainMetric = (task) => (task === "regression" ? "r2" : "balanced_accuracy");

/**
 * Runs the benchmark; resolves to the result files written ({ name, file, report }), the
 * count of folds that failed and the problems the page had (page errors, a crash).
 * @param {{ datasets: string, splits: string, out: string, budget: number, seed: number, only: string[], log?: (line: string) => void }} args
 */
export async function benchBrowser({ datasets, splits, out, budget, seed, only, log = console.log }) {
  const helper = loadHelper();
  const indexText = await readFile(path.join(datasets, "index.json"), "utf8");
  const index = JSON.parse(indexText).datasets;
  for (const name of only) {
    if (!index.some((d) => d.name === name)) throw new Error(`--only: no data set "${name}" in ${datasets}/index.json`);
  }
  const chosen = index.filter((d) => (only.length === 0 || only.includes(d.name)) && d.task !== "timeseries");
  await mkdir(out, { recursive: true });
  const site = await makeSite();
  const profile = await openServedProfile({ root: site, prefix: "automl-bench-browser-" });
  const problems = [];
  const written = [];
  let failures = 0;
  try {
    const page = await profile.context.newPage();
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("crash", () => problems.push("the page crashed"));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
    await page.goto(`${profile.server.url}page.html`);
    await page.waitForFunction(() => "benchReady" in window, null, { timeout: 30_000 });
    const runner = await page.evaluate(() => window.benchReady);
    log(`browser: ${runner.userAgent}; engine ${runner.version}; pool of ${runner.workers} workers (${runner.cores} logical cores)`);
    for (const entry of chosen) {
      const name = entry.name;
      const file = entry.file || `${name}.csv`;
      const csv = await readFile(path.join(datasets, file));
      const splitText = await readFile(path.join(splits, `${name}.json`), "utf8");
      const data = new helper.BenchFolds(csv, indexText, name, splitText);
      const settings = {
        target: entry.target,
        task: data.task(),
        timeBudgetS: budget,
        seed,
        folds: runner.defaults.folds,
        columnTypes: {},
        exclude: [],
      };
      const folds = [];
      const extras = [];
      const metric = mainMetric(entry.task);
      const split = JSON.parse(splitText);
      for (let f = 0; f < data.count(); f++) {
        const stem = `${name}-${f}`;
        await writeFile(path.join(site, "folds", `${stem}-train.bin`), data.train_image(f));
        await writeFile(path.join(site, "folds", `${stem}-test.bin`), data.test_image(f));
        try {
          const r = await page.evaluate((job) => window.benchFold(job), {
            trainUrl: `folds/${stem}-train.bin`,
            testUrl: `folds/${stem}-test.bin`,
            fileName: file,
            settings,
            fresh: f === 0,
          });
          const metrics = JSON.parse(data.score(f, JSON.stringify(r.predictions)));
          const wall = r.searchS + r.predictS;
          folds.push({
            fold: f,
            n_train: split.folds[f].train.length,
            n_test: split.folds[f].test.length,
            wall_time_s: wall,
            best_model: r.bestModel,
            trials: r.trials,
            metrics,
          });
          extras.push({ explain_time_s: r.explainS, predict_time_s: r.predictS, elapsed_s: r.elapsedS });
          log(`${name} fold ${f}: ${metric} ${metrics[metric]?.toFixed(4)}, ${wall.toFixed(2)} s, ${r.trials} trials, best ${r.bestModel}`);
        } catch (error) {
          failures += 1;
          log(`${name} fold ${f}: error: ${error && error.message ? error.message : error}`);
          // a crashed page ends the run (a worker that dies is replaced by the next fold's pool)
          if (page.isClosed() || problems.some((p) => p.includes("crashed"))) throw error;
        } finally {
          await rm(path.join(site, "folds", `${stem}-train.bin`), { force: true });
          await rm(path.join(site, "folds", `${stem}-test.bin`), { force: true });
        }
      }
      const report = JSON.parse(data.summary(budget, "browser", JSON.stringify(folds)));
      data.free();
      // what the page did besides: its pool, its explain phase (not part of the protocol)
      report.runner = { workers: runner.workers, cores: runner.cores, engine: runner.version, browser: runner.userAgent };
      report.folds.forEach((fold, i) => Object.assign(fold, extras[i]));
      const target = path.join(out, `${name}.json`);
      await writeFile(target, `${JSON.stringify(report, null, 2)}\n`);
      written.push({ name, file: target, report });
    }
  } finally {
    await profile.close();
    await rm(site, { recursive: true, force: true });
  }
  if (problems.length > 0) log(`problems in the page: ${problems.join("; ")}`);
  return { written, failures, problems };
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
  const { failures } = await benchBrowser(args);
  if (failures > 0) {
    console.error(`${failures} fold(s) failed`);
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error && error.message ? error.message : error);
    process.exit(1);
  });
}
