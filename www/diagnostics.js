// @ts-nocheck
// Diagnostics computed on the page from the winner's out-of-fold predictions (pure functions,
// no DOM: tests/unit/diagnostics.test.mjs checks them with exact values on tiny inputs).
//
// Every curve is computed from predictions made on rows the model did not see while fitting
// (out of fold), so what the plots show is what to expect on new data.

/** counts[actual][predicted] over `classes` (labels not in `classes` are skipped). */
export function confusionMatrix(actual, predicted, classes) {
  const index = new Map(classes.map((c, i) => [String(c), i]));
  const counts = classes.map(() => classes.map(() => 0));
  for (let i = 0; i < actual.length; i += 1) {
    const a = index.get(String(actual[i]));
    const p = index.get(String(predicted[i]));
    if (a === undefined || p === undefined) continue;
    counts[a][p] += 1;
  }
  return counts;
}

/** Each row divided by its total (a row with no rows stays all zero). */
export function rowNormalize(counts) {
  return counts.map((row) => {
    const total = row.reduce((s, v) => s + v, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
}

/**
 * Per class: precision (of the rows predicted as it, the share that are), recall (of the rows
 * that are it, the share found), F1 (their harmonic mean) and support (rows that are it).
 * An undefined ratio (nothing predicted as the class) is 0, as scikit-learn reports it.
 */
export function perClassMetrics(counts, classes) {
  return classes.map((label, k) => {
    const tp = counts[k][k];
    const support = counts[k].reduce((s, v) => s + v, 0);
    const predictedAs = counts.reduce((s, row) => s + row[k], 0);
    const precision = predictedAs > 0 ? tp / predictedAs : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
}

/** Macro averages of per-class metrics and the overall accuracy of a confusion matrix. */
export function summary(counts, metrics) {
  const total = counts.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  const correct = counts.reduce((s, row, k) => s + row[k], 0);
  const mean = (key) => (metrics.length ? metrics.reduce((s, m) => s + m[key], 0) / metrics.length : 0);
  return { accuracy: total > 0 ? correct / total : 0, precision: mean("precision"), recall: mean("recall"), f1: mean("f1"), total };
}

/** Binary labels: predict the positive class when its probability is at least `threshold`. */
export function predictAtThreshold(positiveProbabilities, threshold, negative, positive) {
  return positiveProbabilities.map((p) => (p >= threshold ? positive : negative));
}

/**
 * The ROC curve of scores for binary labels (true = positive): points from (0,0) to (1,1), one
 * per distinct score taken as the threshold (ties move together, as in scikit-learn), and the
 * area under it by the trapezoid rule. Null when one of the two classes is absent.
 */
export function rocCurve(isPositive, scores) {
  const P = isPositive.filter(Boolean).length;
  const N = isPositive.length - P;
  if (P === 0 || N === 0) return null;
  const points = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  for (const { tp, fp, threshold } of thresholdSweep(isPositive, scores)) {
    points.push({ fpr: fp / N, tpr: tp / P, threshold });
  }
  let auc = 0;
  for (let i = 1; i < points.length; i += 1) {
    auc += ((points[i].fpr - points[i - 1].fpr) * (points[i].tpr + points[i - 1].tpr)) / 2;
  }
  return { points, auc };
}

/**
 * The precision-recall curve: one point per distinct score as the threshold, starting at
 * recall 0 with the first point's precision, and the average precision
 * AP = Σ (R_k − R_{k−1}) P_k (scikit-learn's definition, no interpolation).
 */
export function prCurve(isPositive, scores) {
  const P = isPositive.filter(Boolean).length;
  if (P === 0 || P === isPositive.length) return null;
  const points = thresholdSweep(isPositive, scores).map(({ tp, fp, threshold }) => ({
    recall: tp / P,
    precision: tp / (tp + fp),
    threshold,
  }));
  let ap = 0;
  let prevRecall = 0;
  for (const p of points) {
    ap += (p.recall - prevRecall) * p.precision;
    prevRecall = p.recall;
  }
  points.unshift({ recall: 0, precision: points[0].precision, threshold: Infinity });
  return { points, averagePrecision: ap, baseline: P / isPositive.length };
}

/**
 * Each distinct score taken as the threshold, highest first: the true and false positives
 * among the rows scored at least that high (tied rows move together).
 */
function thresholdSweep(isPositive, scores) {
  const order = sortedByScore(scores);
  const steps = [];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; i += 1) {
    const r = order[i];
    if (isPositive[r]) tp += 1;
    else fp += 1;
    const last = i === order.length - 1 || scores[order[i + 1]] !== scores[r];
    if (last) steps.push({ tp, fp, threshold: scores[r] });
  }
  return steps;
}

/** Row indices by score, highest first (stable for ties). */
function sortedByScore(scores) {
  return scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
}

/**
 * Reliability bins: probabilities cut into `bins` equal-width bins over [0, 1] (1.0 goes into
 * the last); per non-empty bin the mean predicted probability, the observed share of
 * positives, and the count.
 */
export function calibrationBins(isPositive, probabilities, bins = 10) {
  const sums = Array.from({ length: bins }, () => ({ p: 0, pos: 0, count: 0 }));
  probabilities.forEach((p, i) => {
    if (!Number.isFinite(p)) return;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    sums[b].p += p;
    sums[b].pos += isPositive[i] ? 1 : 0;
    sums[b].count += 1;
  });
  return sums
    .map((s, b) => ({ bin: b, lo: b / bins, hi: (b + 1) / bins, meanPredicted: s.count ? s.p / s.count : 0, observed: s.count ? s.pos / s.count : 0, count: s.count }))
    .filter((s) => s.count > 0);
}

/** actual − predicted, per row. */
export function residuals(actual, predicted) {
  return actual.map((a, i) => Number(a) - Number(predicted[i]));
}

/** R², RMSE and MAE of numeric predictions. */
export function regressionSummary(actual, predicted) {
  const n = actual.length;
  if (n === 0) return { r2: NaN, rmse: NaN, mae: NaN, n };
  const y = actual.map(Number);
  const mean = y.reduce((s, v) => s + v, 0) / n;
  let ssRes = 0;
  let ssTot = 0;
  let abs = 0;
  for (let i = 0; i < n; i += 1) {
    const e = y[i] - Number(predicted[i]);
    ssRes += e * e;
    ssTot += (y[i] - mean) ** 2;
    abs += Math.abs(e);
  }
  return { r2: ssTot > 0 ? 1 - ssRes / ssTot : NaN, rmse: Math.sqrt(ssRes / n), mae: abs / n, n };
}

/** Most trials the search curve draws as points (a long search on a pool runs thousands). */
export const CURVE_POINTS = 600;

/**
 * The search curve: trials as points over elapsed time ({ x: elapsedS, y: score }) in the
 * order given, and the best score so far as a step line (higher is better; failed trials
 * without a finite score are left out of both). `total` counts the finite trials. Beyond
 * `maxPoints` the points are thinned, so the chart stays as quick to draw after an hour as
 * after a minute: every trial that set a new best is kept, the others are taken at an even
 * stride (the same trials on every redraw with the same input).
 */
export function searchCurve(trials, maxPoints = CURVE_POINTS) {
  const all = [];
  const best = [];
  const setsBest = [];
  let top = -Infinity;
  for (const t of trials) {
    if (!Number.isFinite(t.elapsedS) || !Number.isFinite(t.score)) continue;
    all.push({ x: t.elapsedS, y: t.score, trial: t.trial });
    const isBest = t.score > top;
    setsBest.push(isBest);
    if (isBest) {
      top = t.score;
      best.push({ x: t.elapsedS, y: top });
    }
  }
  let lastX = -Infinity;
  for (const p of all) lastX = Math.max(lastX, p.x);
  if (best.length && lastX > best[best.length - 1].x) best.push({ x: lastX, y: top });
  let points = all;
  if (all.length > maxPoints) {
    const others = Math.max(0, maxPoints - best.length);
    const rest = all.length - setsBest.filter(Boolean).length;
    const stride = others > 0 ? rest / others : Infinity;
    points = [];
    let seen = 0;
    let next = 0;
    all.forEach((p, i) => {
      if (setsBest[i]) {
        points.push(p);
        return;
      }
      if (seen >= next) {
        points.push(p);
        next += stride;
      }
      seen += 1;
    });
  }
  return { points, best, total: all.length };
}

/** Leaderboard sort keys; failed rows (no score) always sort last. */
const SORT_KEYS = Object.freeze({
  rank: (row) => row.rank,
  model: (row) => String(row.label || row.family || ""),
  score: (row) => row.mean,
  fitTime: (row) => row.fitTimeS,
  trial: (row) => row.trial,
});

/** A sorted copy of leaderboard rows by `key` ("rank"|"model"|"score"|"fitTime"|"trial"). */
export function sortRows(rows, key, ascending) {
  const get = SORT_KEYS[key] || SORT_KEYS.rank;
  const missing = (v) => v === undefined || v === null || (typeof v === "number" && !Number.isFinite(v));
  return rows
    .map((row, i) => ({ row, i, v: get(row) }))
    .sort((a, b) => {
      const ma = missing(a.v);
      const mb = missing(b.v);
      if (ma || mb) return ma === mb ? a.i - b.i : ma ? 1 : -1;
      const c = typeof a.v === "string" ? a.v.localeCompare(b.v) : a.v - b.v;
      return (ascending ? c : -c) || a.i - b.i;
    })
    .map((e) => e.row);
}

/** One CSV field: quoted when it holds a comma, quote, or line break (RFC 4180). */
export function csvField(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text from a header and rows of values; `\n` line ends, as the command line writes. */
export function toCsv(header, rows, eol = "\n") {
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join(eol) + eol;
}

/** A number written out in plain decimals ("1e-7" -> "0.0000001", "1e+21" -> "1000…0"). */
function plainDecimal(text) {
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, lead, frac = "", exp] = m;
  const digits = lead + frac;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** A probability as Rust's `f64` Display writes it (shortest round trip, never an exponent). */
export function rustFloat(v) {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  return plainDecimal(String(v));
}

/** A predicted number as serde_json writes it (whole numbers keep ".0", exponents as "1e-7"). */
export function jsonFloat(v) {
  if (!Number.isFinite(v)) return "null";
  const text = String(v).replace("e+", "e");
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

/**
 * Predictions as the command line's `automl predict` writes them: `row` (1-based),
 * `prediction`, and per class `probability_<class>`.
 */
export function predictionsCsv(reply) {
  const classes = (reply.classes || []).map(String);
  const header = ["row", "prediction", ...classes.map((c) => `probability_${c}`)];
  const rows = (reply.rows || []).map((r, i) => [
    String(i + 1),
    typeof r.prediction === "number" ? jsonFloat(r.prediction) : String(r.prediction ?? ""),
    ...(Array.isArray(r.probabilities) ? r.probabilities.map(rustFloat) : []),
  ]);
  return toCsv(header, rows);
}

/** Fold scores as bars: "fold 1", "fold 2", … (repeats numbered on), with the mean. */
export function foldBars(foldScores) {
  return (foldScores || []).map((v, i) => ({ label: `split ${i + 1}`, value: v }));
}
