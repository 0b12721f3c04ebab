// Before and after, per data set: the main metric (balanced accuracy, or R²; mean of the 5
// outer folds) of `automl bench` result folders side by side, with the default random forest
// and the default MLP of the same collection, and the mean over the data sets.
//
//   node bench/smalltables/compare.mjs BEFORE_DIR AFTER_DIR [ANCHORS_DIR] [MLP_DIR]
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const [before, after, anchors = "../shared/bench/anchors", mlp = "bench/anchors-public"] = process.argv.slice(2);
if (!before || !after) {
  console.error("usage: node bench/smalltables/compare.mjs BEFORE_DIR AFTER_DIR [ANCHORS_DIR] [MLP_DIR]");
  process.exit(2);
}
/** The main metric's mean in a result file, or NaN. */
function main(path) {
  if (!existsSync(path)) return NaN;
  const r = JSON.parse(readFileSync(path, "utf8"));
  const key = r.task === "regression" ? "r2" : "balanced_accuracy";
  return r.summary?.[key]?.mean ?? NaN;
}
const names = readdirSync(after).filter((f) => f.endsWith(".json") && existsSync(join(before, f))).sort();
const rows = names.map((f) => {
  const values = [
    main(join(before, f)),
    main(join(after, f)),
    main(join(anchors, "rf_default", f)),
    main(join(mlp, "mlp_default", f)),
  ];
  return { name: f.replace(/\.json$/, ""), values };
});
const fmt = (v) => (Number.isFinite(v) ? v.toFixed(4) : "–");
console.log("| dataset | before | after | after − before | RF default | MLP default |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const r of rows) {
  const [b, a, rf, m] = r.values;
  const d = a - b;
  console.log(`| ${r.name} | ${fmt(b)} | ${fmt(a)} | ${Number.isFinite(d) ? (d >= 0 ? "+" : "−") + Math.abs(d).toFixed(4) : "–"} | ${fmt(rf)} | ${fmt(m)} |`);
}
const mean = (i) => rows.reduce((s, r) => s + r.values[i], 0) / rows.length;
const d = mean(1) - mean(0);
console.log(
  `| **mean** (${rows.length}) | ${fmt(mean(0))} | ${fmt(mean(1))} | ${(d >= 0 ? "+" : "−") + Math.abs(d).toFixed(4)} | ${fmt(mean(2))} | ${fmt(mean(3))} |`,
);
