// Unit tests of www/diagnostics.js, the results views' display helpers (pure functions): exact
// values on tiny inputs, worked out by hand in the comments. The diagnostics themselves are
// computed by the engine and tested there (src/results/curves.rs).   node --test tests/unit/
import { test } from "node:test";
import assert from "node:assert/strict";
import { foldBars, searchCurve, sortRows } from "../../www/diagnostics.js";

test("search curve: every finite trial a point, the best so far a step line to the last trial", () => {
  const c = searchCurve([
    { elapsedS: 0.5, score: 0.6, trial: 1 },
    { elapsedS: 1, score: NaN, trial: 2 },
    { elapsedS: 1.5, score: 0.8, trial: 3 },
    { elapsedS: 2, score: 0.7, trial: 4 },
  ]);
  assert.deepEqual(c.points.map((p) => [p.x, p.y]), [[0.5, 0.6], [1.5, 0.8], [2, 0.7]]);
  assert.deepEqual(c.best, [{ x: 0.5, y: 0.6 }, { x: 1.5, y: 0.8 }, { x: 2, y: 0.8 }]);
  assert.equal(c.total, 3);
});

test("search curve: a long search is thinned to the point limit, keeping every new best", () => {
  // 5,000 trials; a new best at trials 0, 1000, 2000, 3000 and 4000, the rest below it
  const trials = Array.from({ length: 5000 }, (_, i) => ({
    elapsedS: i / 10,
    score: i % 1000 === 0 ? 0.5 + i / 10000 : 0.1 + (i % 7) / 100,
    trial: i,
  }));
  const c = searchCurve(trials, 100);
  assert.equal(c.total, 5000);
  assert.ok(c.points.length <= 100 && c.points.length >= 95, `${c.points.length} points drawn`);
  for (const t of [0, 1000, 2000, 3000, 4000]) {
    assert.ok(c.points.some((p) => p.trial === t), `new best at trial ${t} is drawn`);
  }
  // the others are spread over the whole run, in order, and the same on every call
  const xs = c.points.map((p) => p.x);
  assert.deepEqual(xs, [...xs].sort((a, b) => a - b));
  assert.ok(xs[xs.length - 1] > 490, "the end of the run is drawn");
  assert.deepEqual(searchCurve(trials, 100), c);
  // the best line is not thinned: five steps and the end of the run
  assert.deepEqual(c.best.map((p) => p.x), [0, 100, 200, 300, 400, 499.9]);
  // under the limit nothing is left out
  assert.equal(searchCurve(trials.slice(0, 80), 100).points.length, 80);
});

test("leaderboard sorting by a column, failed rows last both ways", () => {
  const rows = [
    { rank: 1, label: "b", mean: 0.9, fitTimeS: 3 },
    { rank: 2, label: "a", mean: 0.8, fitTimeS: 1 },
    { rank: 3, label: "c", mean: NaN, fitTimeS: 2 },
  ];
  const ranks = (r) => r.map((x) => x.rank);
  assert.deepEqual(ranks(sortRows(rows, "fitTime", true)), [2, 3, 1]);
  assert.deepEqual(ranks(sortRows(rows, "fitTime", false)), [1, 3, 2]);
  assert.deepEqual(ranks(sortRows(rows, "score", true)), [2, 1, 3]);
  assert.deepEqual(ranks(sortRows(rows, "score", false)), [1, 2, 3]);
  assert.deepEqual(ranks(sortRows(rows, "model", true)), [2, 1, 3]);
});

test("search curve: with a metric better lower (RMSE), the best so far is the smallest", () => {
  const c = searchCurve([
    { elapsedS: 1, score: 30, trial: 1 },
    { elapsedS: 2, score: 20, trial: 2 },
    { elapsedS: 3, score: 25, trial: 3 },
    { elapsedS: 4, score: 10, trial: 4 },
  ], 600, false);
  assert.deepEqual(c.best, [{ x: 1, y: 30 }, { x: 2, y: 20 }, { x: 4, y: 10 }]);
  // higher is better by default: the same trials give another line
  assert.deepEqual(searchCurve([{ elapsedS: 1, score: 30, trial: 1 }, { elapsedS: 2, score: 20, trial: 2 }]).best,
    [{ x: 1, y: 30 }, { x: 2, y: 30 }]);
});

test("split bars are numbered from 1", () => {
  assert.deepEqual(foldBars([0.5, 0.75]), [{ label: "split 1", value: 0.5 }, { label: "split 2", value: 0.75 }]);
  assert.deepEqual(foldBars(undefined), []);
});
