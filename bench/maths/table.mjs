#!/usr/bin/env node
// The before/after table of the maths commit: `automl bench --time-budget 10` result files
// in bench/maths/{before,after}/roundN/ (before and after alternated per data set in each
// round; log.txt has the times and load averages). Prints, per data set, the main metric
// (balanced accuracy, or R²; mean of the 5 outer folds) of each round and side, the mean
// difference, the run-to-run spread of each side, and trials per fold.
//
//   node bench/maths/table.mjs [DIR]

import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const dir = process.argv[2] ?? dirname(fileURLToPath(import.meta.url));
const rounds = readdirSync(join(dir, "before")).filter((r) => r.startsWith("round")).sort();
const load = (side, round, ds) => {
  const f = join(dir, side, round, `${ds}.json`);
  return existsSync(f) ? JSON.parse(readFileSync(f, "utf8")) : undefined;
};
const datasets = readdirSync(join(dir, "before", rounds[0]))
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.replace(/\.json$/, ""));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const metricOf = (r) => (r.task === "regression" ? "r2" : "balanced_accuracy");
const f4 = (v) => v.toFixed(4);
const signed = (v) => (v >= 0 ? "+" : "−") + Math.abs(v).toFixed(4);

const head = rounds.flatMap((r) => [`before ${r}`, `after ${r}`]);
console.log(`| dataset | metric | ${head.join(" | ")} | after − before (mean) | spread before / after | trials per fold before → after | longest fold before / after |`);
console.log(`|---|---|${head.map(() => "---:").join("|")}|---:|---:|---:|---:|`);
for (const ds of datasets) {
  const b = rounds.map((r) => load("before", r, ds));
  const a = rounds.map((r) => load("after", r, ds));
  if (b.some((x) => !x) || a.some((x) => !x)) continue;
  const m = metricOf(b[0]);
  const vb = b.map((r) => r.summary[m].mean);
  const va = a.map((r) => r.summary[m].mean);
  const cells = rounds.flatMap((_, i) => [f4(vb[i]), f4(va[i])]);
  const spread = (v) => f4(Math.max(...v) - Math.min(...v));
  const trials = (rs) => mean(rs.flatMap((r) => r.folds.map((f) => f.trials))).toFixed(0);
  const wall = (rs) => Math.max(...rs.map((r) => r.summary.wall_time_s.max)).toFixed(2);
  console.log(
    `| ${ds} | ${m === "r2" ? "R²" : "balanced accuracy"} | ${cells.join(" | ")} | ${signed(mean(va) - mean(vb))} | ${spread(vb)} / ${spread(va)} | ${trials(b)} → ${trials(a)} | ${wall(b)} / ${wall(a)} s |`,
  );
}
