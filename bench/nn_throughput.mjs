// Training throughput of one network (rows × epochs per second, one thread, median of 5 fits)
// natively, in wasm builds of the engine, and in PyTorch, measured in one run so that their
// ratios hold under the same load (README, "Neural networks": the table and how to build the
// packages).
//
// The network: 20 inputs → 128 → 128 → 2, ReLU, batch 128, AdamW, 10 epochs over 2,000 rows
// (1,600 trained on, 400 scored after each epoch: the family's internal validation split), on
// the seeded table of `neural_network::tests::throughput_table` (the LCG of bench/simd.mjs).
// Each wasm package is a `wasm-bindgen --target nodejs` build with the cargo feature `bench`;
// its `bench_fit` times the fit inside wasm and returns the fitted model's fingerprint, which
// must equal the native fit's (the same model, bit for bit).
//
//   node bench/nn_throughput.mjs --pkg plain=DIR --pkg simd=DIR [--native] [--native-bin NAME=PATH]
//        [--torch PYTHON] [--phases] [--reps 5] [--out bench/results/nn_throughput.json]
//
// --native runs the ignored native test (cargo test --profile test-release --lib
// models::neural_network::tests::throughput) and reads its line (--native-bin: a test binary
// built before, such as the code before a change, run the same way); --torch runs
// bench/nn_throughput_torch.py with that Python (torch installed, one thread).
// --phases also times the phases of the training (src/models/neural_network/phases.rs: the
// seconds of the forward and backward products, the activations, the optimizer, ...; median
// of --reps fits) in every wasm package that has `bench_fit_phases` and, with --native or
// --native-bin, in the native test `...::tests::phases` (runs where the binary has it), after
// the throughput runs (the timer's own readings are not in the throughput).
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const all = (name) => argv.flatMap((a, i) => (a === `--${name}` ? [argv[i + 1]] : []));
const one = (name, fallback) => all(name)[0] ?? fallback;
const flag = (name) => argv.includes(`--${name}`);
const reps = Number(one("reps", "5"));
const require = createRequire(import.meta.url);

// the table: the LCG of bench/simd.mjs, seed 12345, row by row
const rows = 2000;
const cols = 20;
const epochs = 10;
let state = 12345n;
const next = () => {
  state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
  return Number(state >> 11n) / 2 ** 53;
};
const x = new Float64Array(rows * cols);
for (let i = 0; i < rows * cols; i++) x[i] = next() * 2 - 1;
const y = new Float64Array(rows);
for (let r = 0; r < rows; r++) y[r] = x[r * cols] + x[r * cols + 1] * x[r * cols + 2] > 0 ? 1 : 0;
const spec = JSON.stringify({
  family: "neural_network", depth: 2, width: 128, shape: "constant", activation: "relu",
  embedding: "none", members: 1, dropout: 0.0, weight_decay: 0.02, learning_rate: 0.003,
  batch_size: 128, epochs,
});

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const load = [os.loadavg()[0]];
const results = [];

const TEST = "models::neural_network::tests::throughput";
/** The native test's line: its median, runs and fingerprint. */
function nativeResult(build, out) {
  const m = out.match(/throughput: (\d+) rows × epochs \/ s \(median of 5; runs \[([^\]]*)\]\); spec .*; fingerprint ([0-9a-f]+)/);
  if (!m) throw new Error(`no throughput line in the native test's output:\n${out}`);
  return { build, rate: Number(m[1]), runs: m[2].split(",").map(Number), fingerprint: m[3] };
}
if (flag("native")) {
  const out = execFileSync("cargo", ["test", "--profile", "test-release", "--lib", TEST, "--", "--ignored", "--nocapture", "--exact"],
    { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  results.push(nativeResult("native", out));
}
// --native-bin NAME=PATH: a test binary built earlier (such as the code before a change)
for (const entry of all("native-bin")) {
  const [name, bin] = entry.split("=");
  const out = execFileSync(bin, [TEST, "--ignored", "--nocapture", "--exact"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  results.push(nativeResult(`native ${name}`, out));
}

const builds = all("pkg").map((entry) => {
  const [name, dir] = entry.split("=");
  return { name, wasm: require(path.resolve(dir, "automl.js")), rates: [], prints: new Set() };
});
for (const b of builds) b.wasm.bench_fit(x, rows, cols, y, "classification", spec); // warm-up
for (let r = 0; r < reps; r++) {
  for (const b of r % 2 ? [...builds].reverse() : builds) {
    const out = JSON.parse(b.wasm.bench_fit(x, rows, cols, y, "classification", spec));
    b.rates.push((rows * epochs) / out.seconds);
    b.prints.add(out.fingerprint);
  }
}
for (const b of builds) {
  if (b.prints.size !== 1) throw new Error(`${b.name}: the fits differ`);
  results.push({ build: `wasm ${b.name}`, rate: median(b.rates), runs: b.rates.map(Math.round), fingerprint: [...b.prints][0] });
}

// --phases: where the time goes, phase by phase (median over the fits of each phase's seconds)
const phases = [];
const PHASES_TEST = "models::neural_network::tests::phases";
const phaseLine = (out) => {
  const m = out.match(/neural_network phases: (\{.*\})/);
  return m ? JSON.parse(m[1]) : null;
};
if (flag("phases")) {
  if (flag("native")) {
    const out = execFileSync("cargo", ["test", "--profile", "test-release", "--lib", PHASES_TEST, "--", "--ignored", "--nocapture", "--exact"],
      { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const seconds = phaseLine(out);
    if (seconds) phases.push({ build: "native", seconds });
  }
  for (const entry of all("native-bin")) {
    const [name, bin] = entry.split("=");
    const out = execFileSync(bin, [PHASES_TEST, "--ignored", "--nocapture", "--exact"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const seconds = phaseLine(out);
    if (seconds) phases.push({ build: `native ${name}`, seconds });
  }
  for (const b of builds.filter((b) => typeof b.wasm.bench_fit_phases === "function")) {
    const runs = [];
    for (let r = 0; r < reps; r++) runs.push(JSON.parse(b.wasm.bench_fit_phases(x, rows, cols, y, "classification", spec)).phases);
    const seconds = Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((p) => p[k]))]));
    phases.push({ build: `wasm ${b.name}`, seconds });
  }
}

if (one("torch")) {
  const out = execFileSync(one("torch"), [path.join(ROOT, "bench", "nn_throughput_torch.py"), "--reps", String(reps)],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  results.push({ build: "pytorch", ...JSON.parse(out.trim().split("\n").pop()) });
}
load.push(os.loadavg()[0]);

const native = results.find((r) => r.build.startsWith("native"));
console.log(`load average (1 min) ${load.map((l) => l.toFixed(1)).join(" → ")}, ${os.cpus().length} cores, node ${process.version}`);
console.log("| build | rows × epochs / s (median of 5) | time / native | fingerprint |");
console.log("|---|---|---|---|");
for (const r of results) {
  const ratio = native ? (native.rate / r.rate).toFixed(2) : "";
  console.log(`| ${r.build} | ${Math.round(r.rate).toLocaleString("en")} | ${ratio} | ${r.fingerprint || ""} |`);
}
const prints = new Set(results.filter((r) => r.build !== "pytorch").map((r) => r.fingerprint));
console.log(prints.size === 1 ? "every build fitted the same model, bit for bit" : "THE BUILDS FITTED DIFFERENT MODELS");
if (phases.length) {
  const names = Object.keys(phases[0].seconds);
  const total = (p) => Object.values(p.seconds).reduce((a, b) => a + b, 0);
  console.log(`\nseconds per fit by phase (median of ${reps} fits; ${rows} rows × ${epochs} epochs)`);
  console.log(`| phase | ${phases.map((p) => p.build).join(" | ")} |`);
  console.log(`|---|${phases.map(() => "---|").join("")}`);
  for (const n of [...names, "total"]) {
    const cells = phases.map((p) => {
      const v = n === "total" ? total(p) : p.seconds[n];
      return `${v.toFixed(4)} (${((100 * v) / total(p)).toFixed(0)}%)`;
    });
    console.log(`| ${n} | ${cells.join(" | ")} |`);
  }
}
const outFile = one("out");
if (outFile) {
  writeFileSync(outFile, `${JSON.stringify({ date: new Date().toISOString(), loadAverage: load, cores: os.cpus().length,
    node: process.version, rows, cols, epochs, spec: JSON.parse(spec), results, ...(phases.length ? { phases } : {}) }, null, 2)}\n`);
}
if (prints.size !== 1) process.exit(1);
