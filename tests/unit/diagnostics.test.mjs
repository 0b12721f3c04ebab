// Unit tests of www/diagnostics.js (pure functions): exact values on tiny inputs, worked out
// by hand in the comments.   node --test tests/unit/
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  calibrationBins, confusionMatrix, csvField, jsonFloat, predictionsCsv, rustFloat, perClassMetrics, prCurve, predictAtThreshold, regressionSummary,
  residuals, rocCurve, rowNormalize, searchCurve, sortRows, summary, toCsv,
} from "../../www/diagnostics.js";

const near = (actual, expected, what) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} is not ${expected}`);

test("confusion matrix, row normalization, per-class precision/recall/F1", () => {
  const classes = ["a", "b", "c"];
  const counts = confusionMatrix(["a", "a", "b", "c", "c", "c", "zz"], ["a", "b", "b", "c", "a", "c", "a"], classes);
  // rows are the actual class, columns the predicted one; the unknown label "zz" is skipped
  assert.deepEqual(counts, [[1, 1, 0], [0, 1, 0], [1, 0, 2]]);
  assert.deepEqual(rowNormalize(counts), [[0.5, 0.5, 0], [0, 1, 0], [1 / 3, 0, 2 / 3]]);
  assert.deepEqual(rowNormalize([[0, 0]]), [[0, 0]], "an empty row stays zero");
  const m = perClassMetrics(counts, classes);
  // a: 1 of 2 predicted-a right, 1 of 2 a found; b: 1 of 2, 1 of 1; c: 2 of 2, 2 of 3
  assert.deepEqual(m.map((r) => [r.label, r.precision, r.recall, r.support]), [["a", 0.5, 0.5, 2], ["b", 0.5, 1, 1], ["c", 1, 2 / 3, 3]]);
  near(m[0].f1, 0.5, "F1 a");
  near(m[1].f1, 2 / 3, "F1 b");
  near(m[2].f1, 0.8, "F1 c");
  const s = summary(counts, m);
  assert.equal(s.total, 6);
  assert.equal(s.accuracy, 4 / 6);
  near(s.f1, (0.5 + 2 / 3 + 0.8) / 3, "macro F1");
  // a class never predicted: precision 0 (not NaN)
  assert.equal(perClassMetrics([[1, 0], [1, 0]], ["x", "y"])[1].precision, 0);
});

test("a decision threshold decides binary labels at p >= threshold", () => {
  assert.deepEqual(predictAtThreshold([0.2, 0.5, 0.7], 0.5, "no", "yes"), ["no", "yes", "yes"]);
  assert.deepEqual(predictAtThreshold([0.2, 0.5, 0.7], 0.75, "no", "yes"), ["no", "no", "no"]);
});

test("ROC curve and its area, ties moving together", () => {
  // scores high to low: P, N, P, N -> (0,0) (0,.5) (.5,.5) (.5,1) (1,1); area .25 + .5 = .75
  const roc = rocCurve([true, false, true, false], [0.9, 0.8, 0.7, 0.1]);
  assert.deepEqual(roc.points.map((p) => [p.fpr, p.tpr]), [[0, 0], [0, 0.5], [0.5, 0.5], [0.5, 1], [1, 1]]);
  assert.deepEqual(roc.points.slice(1).map((p) => p.threshold), [0.9, 0.8, 0.7, 0.1]);
  assert.equal(roc.auc, 0.75);
  // a perfect ranking has area 1; a tie between a positive and a negative has area .5
  assert.equal(rocCurve([true, true, false], [0.9, 0.8, 0.1]).auc, 1);
  const tie = rocCurve([true, false], [0.5, 0.5]);
  assert.deepEqual(tie.points.map((p) => [p.fpr, p.tpr]), [[0, 0], [1, 1]]);
  assert.equal(tie.auc, 0.5);
  assert.equal(rocCurve([true, true], [0.1, 0.2]), null, "one class only: no curve");
});

test("precision-recall curve and average precision", () => {
  // thresholds .9 .8 .7 .1: (R, P) = (.5, 1) (.5, .5) (1, 2/3) (1, .5); AP = .5·1 + .5·2/3
  const pr = prCurve([true, false, true, false], [0.9, 0.8, 0.7, 0.1]);
  assert.deepEqual(pr.points.map((p) => [p.recall, p.precision]), [[0, 1], [0.5, 1], [0.5, 0.5], [1, 2 / 3], [1, 0.5]]);
  near(pr.averagePrecision, 0.5 + 1 / 3, "AP");
  assert.equal(pr.baseline, 0.5);
  assert.equal(prCurve([false, false], [0.1, 0.2]), null);
});

test("calibration bins: mean predicted probability and observed share per bin", () => {
  const bins = calibrationBins([false, true, false, true, true], [0.05, 0.15, 0.12, 1.0, NaN], 10);
  assert.deepEqual(bins.map((b) => [b.bin, b.count, b.observed]), [[0, 1, 0], [1, 2, 0.5], [9, 1, 1]]);
  assert.equal(bins[0].meanPredicted, 0.05);
  near(bins[1].meanPredicted, 0.135, "bin 1 mean");
  assert.equal(bins[2].meanPredicted, 1, "1.0 goes into the last bin");
});

test("regression residuals and summary", () => {
  assert.deepEqual(residuals([3, 5, 7], [2, 5, 9]), [1, 0, -2]);
  // mean 5, SS_tot 8, SS_res 1 + 0 + 4 = 5 -> R² = 3/8; RMSE sqrt(5/3); MAE 1
  const s = regressionSummary([3, 5, 7], [2, 5, 9]);
  assert.equal(s.r2, 1 - 5 / 8);
  assert.equal(s.rmse, Math.sqrt(5 / 3));
  assert.equal(s.mae, 1);
});

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

test("CSV fields are quoted only when needed, quotes doubled", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField('say "hi", then go'), '"say ""hi"", then go"');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField(null), "");
  assert.equal(toCsv(["a", "b"], [[1, "x,y"]]), 'a,b\n1,"x,y"\n');
});

test("numbers written as the command line writes them (Rust Display, serde_json)", () => {
  assert.equal(rustFloat(1), "1");
  assert.equal(rustFloat(0.25), "0.25");
  assert.equal(rustFloat(1e-7), "0.0000001");
  assert.equal(rustFloat(1.5e-10), "0.00000000015");
  assert.equal(rustFloat(2.5e21), "2500000000000000000000");
  assert.equal(rustFloat(-3.25e-7), "-0.000000325");
  assert.equal(jsonFloat(151), "151.0");
  assert.equal(jsonFloat(151.25), "151.25");
  assert.equal(jsonFloat(1e-7), "1e-7");
  assert.equal(jsonFloat(1.5e21), "1.5e21");
  assert.equal(
    predictionsCsv({ classes: ["no", "yes, sure"], rows: [{ prediction: "no", probabilities: [0.75, 0.25] }, { prediction: "yes, sure", probabilities: [1e-7, 0.9999999] }] }),
    'row,prediction,probability_no,"probability_yes, sure"\n1,no,0.75,0.25\n2,"yes, sure",0.0000001,0.9999999\n',
  );
  assert.equal(predictionsCsv({ classes: [], rows: [{ prediction: 151 }, { prediction: 2.5 }] }), "row,prediction\n1,151.0\n2,2.5\n");
});
