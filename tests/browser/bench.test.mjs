// The browser benchmark (scripts/bench-browser.mjs) on a tiny collection: iris with two outer
// folds (every other row), 1 s per fold, through the production page's worker pool in
// Chromium. The result file has the collection's shape, the core's metrics and a sane score,
// and scripts/bench-table.mjs reads it as the browser column. Needs the production page and the
// benchmark helper (bash scripts/build-wasm.sh --bench).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { benchBrowser } from "../../scripts/bench-browser.mjs";
import { tables } from "../../scripts/bench-table.mjs";
import { TEST_DATA } from "./harness.mjs";

let dir;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "automl-bench-test-"));
  await mkdir(path.join(dir, "datasets"));
  await mkdir(path.join(dir, "splits"));
  await copyFile(path.join(TEST_DATA, "iris.csv"), path.join(dir, "datasets", "iris.csv"));
  const index = {
    datasets: [
      { name: "iris", file: "iris.csv", task: "multiclass", target: "target" },
      // a time series is the forecasting benchmark's: left out, as by `automl bench`
      { name: "series", file: "series.csv", task: "timeseries", target: "value" },
    ],
  };
  await writeFile(path.join(dir, "datasets", "index.json"), JSON.stringify(index));
  // iris is sorted by class: every other row is a stratified half
  const rows = Array.from({ length: 150 }, (_, i) => i);
  const half = (k) => rows.filter((r) => r % 2 === k);
  const split = { method: "every other row", folds: [0, 1].map((k) => ({ fold: k, train: half(1 - k), test: half(k) })) };
  await writeFile(path.join(dir, "splits", "iris.json"), JSON.stringify(split));
});

after(() => rm(dir, { recursive: true, force: true }));

test("the page's pool runs the benchmark protocol and writes the collection's result file", async () => {
  const out = path.join(dir, "out");
  const lines = [];
  const started = Date.now();
  const { written, failures, problems } = await benchBrowser({
    datasets: path.join(dir, "datasets"),
    splits: path.join(dir, "splits"),
    out,
    budget: 1,
    seed: 42,
    only: [],
    log: (line) => lines.push(line),
  });
  const took = (Date.now() - started) / 1000;
  assert.equal(failures, 0, lines.join("\n"));
  assert.deepEqual(problems, [], "no page error");
  assert.deepEqual(written.map((w) => w.name), ["iris"], "one file: the time series is left out");
  const report = JSON.parse(await readFile(path.join(out, "iris.json"), "utf8"));
  assert.equal(report.dataset, "iris");
  assert.equal(report.task, "multiclass");
  assert.equal(report.tool, "automl-wasm browser 1s");
  assert.equal(report.time_budget_s, 1);
  assert.ok(report.runner.workers >= 1 && report.runner.workers <= 8, `pool of ${report.runner.workers}`);
  for (const metric of ["accuracy", "balanced_accuracy", "f1_macro", "log_loss", "roc_auc_ovr_macro"]) {
    assert.equal(report.summary[metric].n, 2, `${metric} over both folds`);
    assert.ok(Number.isFinite(report.summary[metric].mean), metric);
  }
  assert.equal(report.summary.roc_auc, undefined, "multiclass: the one-vs-rest AUC only");
  assert.equal(report.folds.length, 2);
  for (const [i, fold] of report.folds.entries()) {
    assert.equal(fold.fold, i);
    assert.equal(fold.n_train, 75);
    assert.equal(fold.n_test, 75);
    assert.ok(fold.trials >= 2, `fold ${i}: ${fold.trials} trials`);
    assert.equal(typeof fold.best_model, "string");
    // the search keeps to its budget; the bound is loose for a busy machine
    assert.ok(fold.wall_time_s > 0.2 && fold.wall_time_s < 6, `fold ${i}: ${fold.wall_time_s} s`);
    assert.ok(fold.explain_time_s >= 0, "the explain phase is timed apart");
    // iris halves: any reasonable model is right on at least 85% of the other half
    assert.ok(fold.metrics.balanced_accuracy >= 0.85, `fold ${i}: ${fold.metrics.balanced_accuracy}`);
    assert.ok(fold.metrics.log_loss > 0 && fold.metrics.log_loss < 1, `fold ${i}: log loss ${fold.metrics.log_loss}`);
  }
  // the summary is the folds' mean, by the core
  const mean = (report.folds[0].metrics.accuracy + report.folds[1].metrics.accuracy) / 2;
  assert.ok(Math.abs(report.summary.accuracy.mean - mean) < 1e-12);
  assert.match(lines.join("\n"), /iris fold 1: balanced_accuracy 0\.\d{4}/);
  assert.ok(took < 60, `the whole benchmark took ${took} s`);

  // bench-table shows it beside the native column
  const table = tables(new Map([["iris", { ...report, tool: "automl-wasm native 1s" }]]), {}, new Map([["iris", report]]));
  assert.match(table, /\| dataset \| automl-wasm native 1s \| automl-wasm browser 1s \|/);
});
