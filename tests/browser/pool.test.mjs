// The pool of workers: the page starts one search worker per core (here forced with the
// `?workers=N` test hook), the splits of each trial run on all of them, and a trial budget
// with a seed gives the same leaderboard whatever the number of workers. Served from the test
// build (bash scripts/build-wasm.sh --test): the tests drive the bridge through window.__automl.
import { test } from "node:test";
import assert from "node:assert/strict";
import { $, pageHelpers, useBrowser } from "./harness.mjs";

// Pages open with ?workers=2 unless a test says otherwise.
const session = useBrowser({ testBuild: true, page: "none", workers: 2 });
let page;

/**
 * Runs a deterministic search (trial budget, no time budget) through the page's bridge on
 * `sample` and returns the leaderboard (without timings) and how many split jobs went to
 * workers other than the lead.
 */
async function deterministicRun(sample, target, settings) {
  return page.evaluate(async ({ sample, target, settings }) => {
    const { bridge } = window.__automl;
    await bridge.start();
    const bytes = await (await fetch(`samples/${sample}`)).arrayBuffer();
    let relayed = 0;
    for (const w of bridge.pool.slice(1)) {
      const request = w.request.bind(w);
      w.request = (type, payload, ...rest) => {
        if (type === "evaluate") relayed += payload.splits.length;
        return request(type, payload, ...rest);
      };
    }
    const result = await bridge.run(bytes, sample, { target, ...settings }, () => {});
    const leaderboard = result.leaderboard.map((r) => ({
      rank: r.rank, trial: r.trial, family: r.family, params: r.params, mean: r.mean, foldScores: r.foldScores,
    }));
    return { leaderboard, best: result.best.row.trial, relayed, workers: bridge.size };
  }, { sample, target, settings });
}

test("the page starts a pool of workers; the ?workers=N hook sets its size", async () => {
  page = await session.newPage();
  const h = pageHelpers(page, session);
  await h.openApp();
  await page.waitForFunction(() => window.__automl.bridge.pool && window.__automl.bridge.pool.length === 2);
  for (let i = 0; i < 50 && page.workers().length < 2; i += 1) await page.waitForTimeout(100);
  assert.equal(page.workers().length, 2, "two workers");
  await page.close();

  page = await session.newPage();
  const h1 = pageHelpers(page, session);
  await h1.openApp({ workers: 1 });
  assert.equal(page.workers().length, 1, "one worker");
});

test("a search on a pool of 2 workers: progress, a full leaderboard and the best model", async () => {
  page = await session.newPage();
  const h = pageHelpers(page, session);
  await h.openApp();
  await h.loadSample("titanic");
  await h.runAndWaitForBest(4);
  assert.ok((await h.leaderboardRows()) >= 5, "at least 5 models tried");
  assert.match(await h.text("progress-text"), /^Done: \d+ models tried(, plus an ensemble of the best)? in \d+(\.\d)? s\.$/);
  const total = Number((await h.text("best-total")).match(/([\d.]+) s/)[1]);
  assert.ok(total <= 4 * 1.05 + 0.5, `the run (refit included) took ${total} s of a 4 s budget`);
});

test("the same seed and trial budget give the same leaderboard on 1 and on 2 workers", async () => {
  const settings = { task: "classification", timeBudgetS: null, maxTrials: 14, seed: 7, folds: 5 };
  const runs = [];
  for (const workers of [1, 2]) {
    page = await session.newPage();
    const h = pageHelpers(page, session);
    await h.openApp({ workers });
    runs.push(await deterministicRun("titanic.csv", "Survived", settings));
    await page.close();
    page = null;
  }
  const [one, two] = runs;
  assert.equal(one.workers, 1);
  assert.equal(two.workers, 2);
  assert.equal(one.relayed, 0, "one worker: every split ran on the lead");
  // 5 folds: splits 1 and 3 belong to the second worker, on every trial
  assert.ok(two.relayed >= 2 * 14, `two workers: the second one evaluated ${two.relayed} splits`);
  assert.ok(one.leaderboard.length >= 14, `${one.leaderboard.length} rows`);
  assert.deepEqual(two.leaderboard, one.leaderboard, "identical leaderboards");
  assert.equal(two.best, one.best);
});
