// Display helpers of the results views (pure functions, no DOM: tests/unit/diagnostics.test.mjs
// checks them): which trials the search curve draws, the order of leaderboard rows, the labels
// of the split bars. They compute no metric and no curve: every number they place comes from the
// engine, which also computes the out-of-fold diagnostics (src/results/curves.rs) and writes
// the CSV files the page offers.
/** @typedef {import("./protocol-types.js").LeaderboardRow} LeaderboardRow */

/** A finished trial as the search curve reads it. @typedef {{ elapsedS: number, score: number, trial: number }} CurveTrial */
/** A point of the search curve (`trial` on the trials' points). @typedef {{ x: number, y: number, trial?: number }} CurvePoint */
/** The key a leaderboard is sorted by. @typedef {"rank"|"model"|"score"|"fitTime"|"trial"} SortKey */

/** Most trials the search curve draws as points (a long search on a pool runs thousands). */
export const CURVE_POINTS = 600;

/**
 * The search curve: trials as points over elapsed time ({ x: elapsedS, y: score }) in the
 * order given, and the best score so far as a step line (the best by the metric's direction,
 * `higherIsBetter` from the engine; failed trials without a finite score are left out of
 * both). `total` counts the finite trials. Beyond `maxPoints` the points are thinned, so the
 * chart stays as quick to draw after an hour as after a minute: every trial that set a new
 * best is kept, the others are taken at an even stride (the same trials on every redraw with
 * the same input).
 * @param {Iterable<CurveTrial>} trials
 * @param {number} [maxPoints]
 * @param {boolean} [higherIsBetter]
 * @returns {{ points: CurvePoint[], best: CurvePoint[], total: number }}
 */
export function searchCurve(trials, maxPoints = CURVE_POINTS, higherIsBetter = true) {
  /** @type {CurvePoint[]} */
  const all = [];
  /** @type {CurvePoint[]} */
  const best = [];
  /** @type {boolean[]} */
  const setsBest = [];
  let top = higherIsBetter ? -Infinity : Infinity;
  for (const t of trials) {
    if (!Number.isFinite(t.elapsedS) || !Number.isFinite(t.score)) continue;
    all.push({ x: t.elapsedS, y: t.score, trial: t.trial });
    const isBest = higherIsBetter ? t.score > top : t.score < top;
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

/**
 * Leaderboard sort keys; failed rows (no score) always sort last.
 * @type {Readonly<Record<SortKey, (row: LeaderboardRow) => number|string>>}
 */
const SORT_KEYS = Object.freeze({
  rank: (row) => row.rank,
  model: (row) => String(row.label || row.family || ""),
  score: (row) => row.mean,
  fitTime: (row) => row.fitTimeS,
  trial: (row) => row.trial,
});

/**
 * A sorted copy of leaderboard rows by `key` ("rank"|"model"|"score"|"fitTime"|"trial").
 * @template {LeaderboardRow} R
 * @param {R[]} rows
 * @param {string} key
 * @param {boolean} ascending
 * @returns {R[]}
 */
export function sortRows(rows, key, ascending) {
  const get = SORT_KEYS[/** @type {SortKey} */ (key)] || SORT_KEYS.rank;
  /** @param {number|string} v */
  const missing = (v) => v === undefined || v === null || (typeof v === "number" && !Number.isFinite(v));
  return rows
    .map((row, i) => ({ row, i, v: get(row) }))
    .sort((a, b) => {
      const ma = missing(a.v);
      const mb = missing(b.v);
      if (ma || mb) return ma === mb ? a.i - b.i : ma ? 1 : -1;
      const c = typeof a.v === "string" ? a.v.localeCompare(String(b.v)) : a.v - /** @type {number} */ (b.v);
      return (ascending ? c : -c) || a.i - b.i;
    })
    .map((e) => e.row);
}

/**
 * Fold scores as bars: "fold 1", "fold 2", … (repeats numbered on), with the mean.
 * @param {number[]} foldScores
 * @returns {{ label: string, value: number }[]}
 */
export function foldBars(foldScores) {
  return (foldScores || []).map((v, i) => ({ label: `split ${i + 1}`, value: v }));
}
