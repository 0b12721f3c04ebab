// scripts/bench-table.mjs on small made-up result sets: the native and browser columns side by
// side, the anchors shown only when they have files, means and ranks over the common data sets,
// the browser-versus-native target, and the validation section (anchors only, before any run).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ranks, tables } from "../../scripts/bench-table.mjs";

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "scripts", "bench-table.mjs");

/** A result file of `tool` for `dataset` with main metric `v` and fold times `walls`. */
function result(dataset, task, tool, v, walls = [1, 1]) {
  const metric = task === "regression" ? "r2" : "balanced_accuracy";
  return {
    dataset,
    task,
    tool,
    time_budget_s: tool.startsWith("automl") ? 10 : null,
    summary: { [metric]: { mean: v, std: 0, n: walls.length } },
    folds: walls.map((w, i) => ({ fold: i, wall_time_s: w, metrics: { [metric]: v } })),
  };
}

const byName = (list) => new Map(list.map((r) => [r.dataset, r]));

test("ranks share ties", () => {
  assert.deepEqual(ranks([0.9, 0.8, 0.9, 0.1]), [1.5, 3, 1.5, 4]);
});

test("native and browser side by side, each ranked against the anchors", () => {
  const native = byName([
    result("a", "binary", "automl-wasm native 10s", 0.9, [10.2, 9.9]),
    result("b", "binary", "automl-wasm native 10s", 0.7),
  ]);
  const browser = byName([
    result("a", "binary", "automl-wasm browser 10s", 0.88, [10.6, 10]),
    result("b", "binary", "automl-wasm browser 10s", 0.72),
  ]);
  const anchors = {
    baseline: byName([result("a", "binary", "baseline", 0.5), result("b", "binary", "baseline", 0.5)]),
    rf_default: byName([result("a", "binary", "rf_default", 0.89), result("b", "binary", "rf_default", 0.71)]),
    mlp_default: byName([result("a", "binary", "mlp_default", 0.95), result("b", "binary", "mlp_default", 0.6)]),
  };
  const text = tables(native, anchors, browser);
  const lines = text.split("\n");
  assert.equal(lines[2], "| dataset | automl-wasm native 10s | automl-wasm browser 10s | baseline | RF default | MLP default | native max wall / budget | browser max wall / budget |");
  assert.equal(lines[4], "| a | 0.9000 | 0.8800 | 0.5000 | 0.8900 | **0.9500** | 1.020 | 1.060 |");
  assert.equal(lines[5], "| b | 0.7000 | **0.7200** | 0.5000 | 0.7100 | 0.6000 | 0.100 | 0.100 |");
  assert.equal(lines[6], "| **mean** (2 datasets) | 0.8000 | 0.8000 | 0.5000 | 0.8000 | 0.7750 | | |");
  // native: a 2nd of 4 (the MLP first), b 2nd → 2; browser: a 3rd, b 1st → 2; the anchors'
  // ranks against native: baseline 4 and 4, RF 3 and 1, MLP 1 and 3
  assert.equal(lines[7], "| **mean rank** of 4 (each of ours against the anchors) | 2.00 | 2.00 | 4.00 | 2.00 | 2.00 | | |");
  assert.match(text, /- \*\*binary, native\*\*: mean 0\.8000 vs best anchor 0\.8000 \(RF default; met\); mean rank 2\.00 vs best anchor 2\.00 \(met\)\./);
  assert.match(text, /- \*\*browser − native\*\* \(group means\): binary \+0\.0000 \(within 0\.01 in every group: met\)\./);
  assert.match(text, /- \*\*budget, native\*\*: longest fold 10\.20 s on a \(1\.020 × the 10 s budget; bound 10\.50 s: met\)\./);
  assert.match(text, /- \*\*budget, browser\*\*: longest fold 10\.60 s on a \(1\.060 × the 10 s budget; bound 10\.50 s: not met\)\./);
  assert.doesNotMatch(text, /FLAML/, "no FLAML column without FLAML files");
});

test("the browser's miss of the native mean by more than 0.01 is said", () => {
  const native = byName([result("r", "regression", "automl-wasm native 10s", 0.8)]);
  const browser = byName([result("r", "regression", "automl-wasm browser 10s", 0.78)]);
  const text = tables(native, {}, browser);
  assert.match(text, /regression −0\.0200 \(within 0\.01 in every group: not met\)/);
});

test("the validation section: the anchors alone before our runs, written between its markers", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-table-"));
  try {
    for (const [tool, v] of [["baseline", 0.5], ["rf_default", 0.62], ["mlp_default", 0.61]]) {
      mkdirSync(path.join(dir, "anchors", tool), { recursive: true });
      writeFileSync(path.join(dir, "anchors", tool, "w.json"), JSON.stringify(result("w", "binary", tool, v)));
    }
    const readme = path.join(dir, "README.md");
    writeFileSync(readme, "before\n<!-- validation-table:start -->\nold\n<!-- validation-table:end -->\nafter\n");
    execFileSync(process.execPath, [SCRIPT, path.join(dir, "none"), path.join(dir, "anchors"), "--readme", readme, "--section", "validation"]);
    const text = readFileSync(readme, "utf8");
    assert.match(text, /^before\n<!-- validation-table:start -->\n### binary/);
    assert.match(text, /\| dataset \| baseline \| RF default \| MLP default \|\n/);
    assert.match(text, /\| w \| 0\.5000 \| \*\*0\.6200\*\* \| 0\.6100 \|/);
    assert.match(text, /\| \*\*mean rank\*\* of 3 \| 3\.00 \| 1\.00 \| 2\.00 \|/);
    assert.match(text, /<!-- validation-table:end -->\nafter\n$/);
    assert.doesNotMatch(text, /\nold\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
