// The wasm half of `treebench`: loads the engine built for wasm32-unknown-unknown with the
// cargo feature `bench` (a `wasm-bindgen --target nodejs` package in --pkg; see the README's
// "Tree engine benchmark"), fits its gradient boosting on the matrices
// treebench wrote in --data with the same settings (--params, JSON), and prints one JSON line:
// the fit time of every repetition (measured inside wasm, data already copied in, after
// untimed warm-up fits), their median, and the model's fingerprint, to compare with the
// native build's.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

function args(argv) {
  const out = { reps: 3 };
  for (let i = 2; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  return out;
}

function f64(file) {
  const buf = readFileSync(file);
  return new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

const a = args(process.argv);
const require = createRequire(import.meta.url);
const wasm = require(path.resolve(a.pkg, 'automl.js'));
if (typeof wasm.bench_gbm_fit !== 'function') {
  throw new Error(`${a.pkg} has no bench_gbm_fit: build it with the cargo feature \`bench\` (README, "Tree engine benchmark")`);
}
const meta = JSON.parse(readFileSync(path.join(a.data, 'meta.json'), 'utf8'));
const x = f64(path.join(a.data, 'X_train.f64'));
const y = f64(path.join(a.data, 'y_train.f64'));
// Warm-up, untimed: a fresh instance runs in V8's baseline compiler until hot functions are
// recompiled by the optimizing tier (on background threads, slow on a busy machine), and
// grows its linear memory on the first fit. A worker running a search, fit after fit, is past
// both; this measures that steady state: full fits until at least 2 and 1 second.
const warmStart = performance.now();
for (let i = 0; i < 20 && (i < 2 || performance.now() - warmStart < 1000); i++) {
  wasm.bench_gbm_fit(x, meta.n_train, meta.cols, y, meta.task, a.params);
}
const seconds = [];
let fingerprint = null;
for (let r = 0; r < Number(a.reps); r++) {
  const out = JSON.parse(wasm.bench_gbm_fit(x, meta.n_train, meta.cols, y, meta.task, a.params));
  seconds.push(out.seconds);
  if (fingerprint !== null && fingerprint !== out.fingerprint) throw new Error('fits differ');
  fingerprint = out.fingerprint;
}
const sorted = [...seconds].sort((p, q) => p - q);
const mid = sorted.length >> 1;
const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
console.log(JSON.stringify({ seconds, median_s: median, fingerprint, node: process.version }));
