// Does simd128 speed up the engine in wasm? Loads two `wasm-bindgen --target nodejs` packages of
// the engine built with the cargo feature `bench` (profile wasm-release, as the page's), one
// plain and one with `-C target-feature=+simd128`, and times, in the same process, turn about:
// gradient boosting (histogram building dominates: bench_gbm_fit) and the linear models
// (logistic regression, ridge, lasso, linear SVM: bench_fit) on a seeded synthetic table.
// Prints one line per model: the median fit time of each build, their ratio, and whether the
// fitted models are the same to the bit (their fingerprints).
//
//   node bench/simd.mjs --plain DIR --simd DIR [--rows N] [--cols N] [--reps N] [--only WORD,…]
//
// (--only: the models whose name contains one of the words.)
//
// (scripts in the README, "First visit: weight and time to ready", build the two packages.)
import { createRequire } from "node:module";
import path from "node:path";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const require = createRequire(import.meta.url);
const builds = {
  plain: require(path.resolve(arg("plain"), "automl.js")),
  simd: require(path.resolve(arg("simd"), "automl.js")),
};
const rows = Number(arg("rows", "20000"));
const cols = Number(arg("cols", "20"));
const reps = Number(arg("reps", "5"));

// A seeded table: x uniform, y from a linear signal with noise (and its sign, for classes).
let state = 12345n;
const next = () => {
  state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
  return Number(state >> 11n) / 2 ** 53;
};
const x = new Float64Array(rows * cols);
const yReg = new Float64Array(rows);
const yCls = new Float64Array(rows);
for (let r = 0; r < rows; r++) {
  let s = 0;
  for (let c = 0; c < cols; c++) {
    const v = next() * 2 - 1;
    x[r * cols + c] = v;
    s += v * ((c % 5) - 2);
  }
  yReg[r] = s + (next() - 0.5);
  yCls[r] = s + (next() - 0.5) > 0 ? 1 : 0;
}

const gbm = JSON.stringify({ n_rounds: 50, learning_rate: 0.1, max_leaves: 31, max_bins: 255 });
const cases = [
  ["gradient boosting, regression (histograms)", (w) => w.bench_gbm_fit(x, rows, cols, yReg, "regression", gbm)],
  ["gradient boosting, binary (histograms)", (w) => w.bench_gbm_fit(x, rows, cols, yCls, "classification", gbm)],
  ["logistic regression", (w) => w.bench_fit(x, rows, cols, yCls, "classification", JSON.stringify({ family: "logistic_regression", c: 1.0 }))],
  ["ridge", (w) => w.bench_fit(x, rows, cols, yReg, "regression", JSON.stringify({ family: "ridge", alpha: 1.0 }))],
  ["lasso", (w) => w.bench_fit(x, rows, cols, yReg, "regression", JSON.stringify({ family: "lasso", alpha: 0.01 }))],
  ["SVM (linear, classification)", (w) => w.bench_fit(x, rows, cols, yCls, "classification", JSON.stringify({ family: "svm", c: 1.0, kernel: "linear", gamma: 1.0 }))],
];

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

console.log(`rows ${rows}, cols ${cols}, ${reps} timed fits per build after a warm-up fit, alternating builds`);
console.log("| model | plain (s) | simd128 (s) | simd / plain | same model |");
console.log("|---|---|---|---|---|");
const only = arg("only", "");
for (const [name, fit] of cases) {
  if (only && !only.split(",").some((word) => name.includes(word))) continue;
  const seconds = { plain: [], simd: [] };
  const prints = { plain: new Set(), simd: new Set() };
  for (const b of ["plain", "simd"]) fit(builds[b]);
  for (let r = 0; r < reps; r++) {
    for (const b of r % 2 ? ["simd", "plain"] : ["plain", "simd"]) {
      const out = JSON.parse(fit(builds[b]));
      seconds[b].push(out.seconds);
      prints[b].add(out.fingerprint);
    }
  }
  const [p, s] = [median(seconds.plain), median(seconds.simd)];
  const same = prints.plain.size === 1 && prints.simd.size === 1 && [...prints.plain][0] === [...prints.simd][0];
  console.log(`| ${name} | ${p.toFixed(3)} | ${s.toFixed(3)} | ${(s / p).toFixed(3)} | ${same ? "yes" : "NO"} |`);
}
