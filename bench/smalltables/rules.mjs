// Compares rules for the final choice of a search, offline, on the diagnoses written by
// `automl bench --diagnose DIR` (src/bench/diagnose.rs): for each outer fold, the search's
// candidates with their out-of-fold probabilities on the search's validation splits (what a
// rule sees) and their probabilities on the fold's test rows (what it gets).
//
//   node bench/smalltables/rules.mjs DIAGNOSE_DIR [--markdown]
//
// Prints, per data set, the test balanced accuracy (mean of the outer folds) of each rule, and
// the noise of the validation: the spread of one configuration's split scores, of the means of
// the three repeats, how many candidates tie with the best within one standard error, and how
// far the best's cross-validated accuracy overstates its test accuracy (the winner's curse)
// against the default forest's.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node bench/smalltables/rules.mjs DIAGNOSE_DIR");
  process.exit(2);
}

/** @param {number[]} p @param {number} k */
function argmax(p, k) {
  const out = [];
  for (let r = 0; r * k < p.length; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[r * k + c] > p[r * k + best]) best = c;
    out.push(best);
  }
  return out;
}

/** Accuracy of probabilities `p` against labels (−2: not scored). */
function accuracy(labels, p, k) {
  const pred = argmax(p, k);
  let n = 0, right = 0;
  labels.forEach((t, r) => {
    if (t === -2) return;
    n++;
    if (t === pred[r]) right++;
  });
  return n ? right / n : NaN;
}

/** Balanced accuracy over the classes in the truth (−1: a class the model never saw). */
function balancedAccuracy(labels, p, k) {
  const pred = argmax(p, k);
  const seen = new Map();
  labels.forEach((t, r) => {
    if (t === -2) return;
    const s = seen.get(t) ?? [0, 0];
    s[0]++;
    if (t === pred[r]) s[1]++;
    seen.set(t, s);
  });
  let sum = 0;
  for (const [, [n, right]] of seen) sum += right / n;
  return seen.size ? sum / seen.size : NaN;
}

function logLoss(labels, p, k) {
  let n = 0, sum = 0;
  labels.forEach((t, r) => {
    if (t < 0) return;
    n++;
    sum -= Math.log(Math.min(Math.max(p[r * k + t], 1e-15), 1 - 1e-15));
  });
  return n ? sum / n : NaN;
}

const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v) => {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1));
};

/** Weighted average of probability vectors. */
function blend(vectors, weights) {
  const out = new Array(vectors[0].length).fill(0);
  const total = weights.reduce((a, b) => a + b, 0);
  vectors.forEach((v, i) => v.forEach((x, j) => (out[j] += (weights[i] / total) * x)));
  return out;
}

/** The winner's paired advantage over `row` (mean over splits) and its standard error. */
function paired(best, row) {
  const d = best.fold_scores.map((s, i) => s - row.fold_scores[i]);
  return [mean(d), sd(d) / Math.sqrt(d.length)];
}

const SIMPLICITY = ["constant", "logistic_regression", "gaussian_nb", "categorical_nb", "knn", "svm",
  "decision_tree", "random_forest", "extra_trees", "gradient_boosting", "neural_network"];
const simplicity = (f) => {
  const i = SIMPLICITY.indexOf(f);
  return i < 0 ? SIMPLICITY.length : i;
};

/** A seeded generator (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Greedy ensemble selection with replacement over `cands` (each with `oof`), 25 rounds, on the
 * inner metric `score(splitIndex, probs)` (higher better), ties to the better log loss; the
 * best round kept. Returns weights per candidate.
 */
function greedy(cands, fold, score) {
  const S = fold.split_labels.length, k = fold.classes.length;
  const sum = fold.split_labels.map((_, s) => new Array(cands[0].oof[s].length).fill(0));
  const counts = new Array(cands.length).fill(0);
  let best = null;
  for (let round = 0; round < 25; round++) {
    let choice = null;
    cands.forEach((c, ci) => {
      let m = 0, tie = 0;
      for (let s = 0; s < S; s++) {
        const avg = sum[s].map((a, j) => (a + c.oof[s][j]) / (round + 1));
        m += score(s, avg) / S;
        tie -= logLoss(fold.split_labels[s], avg, k) / S;
      }
      if (!choice || m > choice.m || (m === choice.m && tie > choice.tie)) choice = { m, tie, ci };
    });
    counts[choice.ci]++;
    for (let s = 0; s < S; s++) sum[s].forEach((_, j) => (sum[s][j] += cands[choice.ci].oof[s][j]));
    if (!best || choice.m > best.m) best = { m: choice.m, counts: counts.slice() };
  }
  return best.counts;
}

/** The rules: each gives a candidate list with weights (or the winner's own test probabilities). */
function rules(fold) {
  const k = fold.classes.length;
  const cands = fold.candidates;
  const best = cands[0];
  const inner = (s, p) => accuracy(fold.split_labels[s], p, k);
  const within = cands.filter((c) => {
    const [d, se] = paired(best, c);
    return d <= se;
  });
  const top = cands.slice(0, 12);
  const forest = cands.find((c) => c.default_forest);
  const pick = (list, weights) => ({ list, weights: weights ?? list.map(() => 1) });
  const out = {
    winner: { test: fold.winner_test },
    best: pick([best]),
    forest: forest ? pick([forest]) : null,
    one_se_simplest: pick([within.slice().sort((a, b) => simplicity(a.family) - simplicity(b.family) || b.mean - a.mean)[0]]),
    one_se_forest: pick([within.find((c) => c.family === "random_forest" || c.family === "extra_trees") ?? best]),
    near_tie_average: pick(within.filter((c) => top.includes(c)).length >= 2 ? within.filter((c) => top.includes(c)) : [best]),
    top3_average: pick(cands.slice(0, 3)),
    top5_average: pick(cands.slice(0, 5)),
    best_and_forest: forest && forest !== best ? pick([best, forest]) : pick([best]),
    best_logistic: (() => {
      const c = cands.find((c) => c.family === "logistic_regression");
      return c ? pick([c]) : null;
    })(),
    best_naive_bayes: (() => {
      const c = cands.find((c) => c.family === "gaussian_nb" || c.family === "categorical_nb");
      return c ? pick([c]) : null;
    })(),
    greedy_logloss: pick(top, greedy(top, fold, (s, p) => -logLoss(fold.split_labels[s], p, k))),
  };
  // bagged ensemble selection (Caruana et al. 2006): 20 bags of half the candidates each
  const r = rng(42 + fold.fold);
  const bagged = new Array(top.length).fill(0);
  for (let b = 0; b < 20; b++) {
    const idx = top.map((_, i) => i).filter(() => r() < 0.5);
    if (idx.length < 2) continue;
    const counts = greedy(idx.map((i) => top[i]), fold, inner);
    const total = counts.reduce((a, c) => a + c, 0);
    idx.forEach((i, j) => (bagged[i] += counts[j] / total));
  }
  out.bagged_selection = bagged.some((w) => w > 0) ? pick(top, bagged) : pick([best]);
  // the gates: a blend is taken only when it scores better than the best single model on the
  // validation splits (the search's rule before), or when it is within one standard error of
  // it (the rule for small data)
  const splitScores = (rule) =>
    fold.split_labels.map((_, s) => inner(s, blend(rule.list.map((c) => c.oof[s]), rule.weights)));
  for (const name of ["greedy_logloss", "bagged_selection", "near_tie_average", "top3_average", "best_and_forest"]) {
    const rule = out[name];
    if (!rule || rule.list.length < 2) continue;
    const scores = splitScores(rule);
    const [d, se] = paired(best, { fold_scores: scores });
    out[`${name}_if_better`] = mean(scores) > best.mean ? rule : out.best;
    out[`${name}_1se`] = d <= se ? rule : out.best;
  }
  // the metric the benchmark reports: the candidate, and the greedy ensemble, chosen on the
  // validation splits' balanced accuracy instead of accuracy
  const innerBalanced = (c) =>
    mean(fold.split_labels.map((labels, s) => balancedAccuracy(labels, c.oof[s], k)));
  out.best_by_balanced = pick([cands.reduce((a, c) => (innerBalanced(c) > innerBalanced(a) ? c : a), best)]);
  out.greedy_balanced = pick(top, greedy(top, fold, (s, p) => balancedAccuracy(fold.split_labels[s], p, k)));
  out.greedy_accuracy_if_better = (() => {
    const rule = pick(top, greedy(top, fold, inner));
    return mean(splitScores(rule)) > best.mean ? rule : out.best;
  })();
  const results = {};
  for (const [name, rule] of Object.entries(out)) {
    if (!rule) continue;
    const test = rule.test ?? blend(rule.list.map((c) => c.test), rule.weights);
    const innerMean = rule.test
      ? fold.winner_mean
      : mean(fold.split_labels.map((_, s) => inner(s, blend(rule.list.map((c) => c.oof[s]), rule.weights))));
    results[name] = {
      balanced: balancedAccuracy(fold.test_labels, test, k),
      accuracy: accuracy(fold.test_labels, test, k),
      inner: innerMean,
      members: rule.list ? rule.list.filter((_, i) => rule.weights[i] > 0).length : 0,
    };
  }
  // noise
  const S = best.fold_scores.length;
  const repeats = S === 15 ? [0, 1, 2].map((r) => mean(best.fold_scores.slice(r * 5, r * 5 + 5))) : null;
  const noise = {
    splits: S,
    split_sd: mean(top.map((c) => sd(c.fold_scores))),
    repeat_sd: repeats ? sd(repeats) : NaN,
    ties: within.length,
    best_family: best.family,
    optimism_best: best.mean - accuracy(fold.test_labels, best.test, k),
    optimism_forest: forest ? forest.mean - accuracy(fold.test_labels, forest.test, k) : NaN,
    optimism_winner: fold.winner_mean - accuracy(fold.test_labels, fold.winner_test, k),
    forest_gap: forest ? paired(best, forest) : [NaN, NaN],
    winner_is_ensemble: fold.winner_label.startsWith("Ensemble"),
  };
  return { results, noise };
}

const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const names = [];
const table = {};
const noiseRows = [];
for (const f of files) {
  const d = JSON.parse(readFileSync(join(dir, f), "utf8"));
  const per = d.folds.map(rules);
  names.push(d.dataset);
  for (const p of per) {
    for (const [rule, v] of Object.entries(p.results)) {
      ((table[rule] ??= {})[d.dataset] ??= []).push(v);
    }
  }
  const n = per.map((p) => p.noise);
  noiseRows.push(
    `| ${d.dataset} | ${d.folds[0].n_train} | ${n[0].splits} | ${mean(n.map((x) => x.split_sd)).toFixed(4)} | ` +
      `${mean(n.map((x) => x.repeat_sd)).toFixed(4)} | ${mean(n.map((x) => x.ties)).toFixed(1)} | ` +
      `${mean(n.map((x) => x.forest_gap[0])).toFixed(4)} ± ${mean(n.map((x) => x.forest_gap[1])).toFixed(4)} | ` +
      `${n.filter((x) => x.forest_gap[0] <= x.forest_gap[1]).length}/${n.length} | ` +
      `${mean(n.map((x) => x.optimism_best)).toFixed(4)} | ${mean(n.map((x) => x.optimism_forest)).toFixed(4)} | ` +
      `${mean(n.map((x) => x.optimism_winner)).toFixed(4)} | ` +
      `${n.filter((x) => x.winner_is_ensemble).length}/${n.length} | ${n.map((x) => x.best_family).join(", ")} |`,
  );
}
console.log("### Test balanced accuracy per rule (mean of the outer folds)\n");
console.log(`| rule | ${names.join(" | ")} | mean | inner accuracy (mean) | members |`);
console.log(`|---|${names.map(() => "---:").join("|")}|---:|---:|---:|`);
for (const [rule, per] of Object.entries(table)) {
  const values = names.map((n) => (per[n] ? mean(per[n].map((v) => v.balanced)) : NaN));
  const all = Object.values(per).flat();
  console.log(
    `| ${rule} | ${values.map((v) => v.toFixed(4)).join(" | ")} | ${mean(values).toFixed(4)} | ` +
      `${mean(all.map((v) => v.inner)).toFixed(4)} | ${mean(all.map((v) => v.members)).toFixed(1)} |`,
  );
}
console.log("\n### Test accuracy per rule\n");
console.log(`| rule | ${names.join(" | ")} | mean |`);
console.log(`|---|${names.map(() => "---:").join("|")}|---:|`);
for (const [rule, per] of Object.entries(table)) {
  const values = names.map((n) => (per[n] ? mean(per[n].map((v) => v.accuracy)) : NaN));
  console.log(`| ${rule} | ${values.map((v) => v.toFixed(4)).join(" | ")} | ${mean(values).toFixed(4)} |`);
}
console.log("\n### Noise of the validation (means over the outer folds)\n");
console.log(
  "| data | rows | splits | split sd | sd of repeat means | rows within 1 SE of the best | best − forest (inner) ± SE | folds where within 1 SE | optimism of the best | optimism of the forest | optimism of the winner | ensemble won | best family per fold |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
for (const r of noiseRows) console.log(r);
