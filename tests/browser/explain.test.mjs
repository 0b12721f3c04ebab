// Watching the search think, at a classroom's pace: the page's log says the core's decisions in
// sentences (never codes), each trial's score on its training rows sits beside its
// cross-validated score (leaderboard, details, search chart) with overfitting flagged and
// explained, step mode runs exactly one trial per Next with the clock stopped while waiting
// (and N steps give the leaderboard of a trial budget of N), slow mode narrates about one trial
// a second, and the presentation view enlarges the text. Served from the test build (bash
// scripts/build-wasm.sh --test): deterministic runs through window.__automl.runSettings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { $, pageHelpers, useBrowser } from "./harness.mjs";

const session = useBrowser({ testBuild: true, page: "none" });

/** Opens the app on a pool of `workers` and loads a sample. */
async function openWith(sample, workers = 1) {
  const page = await session.newPage();
  const h = pageHelpers(page, session);
  await h.openApp({ workers });
  await h.loadSample(sample);
  return { page, h };
}

/** The log's lines as shown, newest group first. */
function logLines(page) {
  return page.locator(`${$("search-log")} .log-line`).allTextContents();
}

/** Seconds of searching in the progress text of a run without a time budget. */
async function searchingSeconds(h) {
  const text = await h.text("progress-text");
  const match = text.match(/([\d.]+) s of searching/);
  assert.ok(match, `progress text says the searching time: "${text}"`);
  return Number(match[1]);
}

test("the log says what the search does in sentences; both scores appear and overfitting is explained", async () => {
  const { page, h } = await openWith("diabetes");
  await page.evaluate(() => window.__automl.runSettings({ timeBudgetS: null, maxTrials: 14 }));
  await page.locator($("start")).click();
  // during the search: sentences arrive
  await page.locator(`${$("search-log")} .log-line`).first().waitFor({ state: "visible", timeout: 30_000 });
  await page.locator($("best-panel")).waitFor({ state: "visible", timeout: 60_000 });
  await h.waitForText("status", /^Done/);
  const lines = await logLines(page);
  assert.ok(lines.length >= 12 * 2, `two sentences or more per trial, got ${lines.length}`);
  for (const line of lines) {
    assert.ok(line.trim().length > 10, `a sentence: "${line}"`);
    assert.doesNotMatch(line, /\b(event|search)\.[a-z_]+/, "a sentence, not a code");
    assert.doesNotMatch(line, /\{[a-z_]+(:[^}]*)?\}/, "every placeholder filled");
  }
  // newest first: the end of the search on top, the portfolio start at the bottom
  assert.match(lines[lines.length - 1], /Trial 1, Baseline \(constant\): .* in cross-validation, .* on its own training rows\./);
  const all = lines.join("\n");
  assert.match(all, /^Starting with a list of 12 proven settings/m);
  assert.match(all, /The search ends: the 14 trials asked for have all run\./);
  assert.match(all, /Taking a step from the best .* so far: \w+ goes from .+ to .+/);
  // the leaderboard: a training score beside every trial's cross-validated score
  const rows = page.locator(`${$("leaderboard-body")} tr`);
  assert.ok((await rows.count()) >= 12);
  const trainCells = await page.locator(`${$("leaderboard-body")} td.train-score`).allTextContents();
  assert.ok(trainCells.filter((c) => /^-?\d+\.\d{3}/.test(c)).length >= 12, `training scores shown: ${trainCells}`);
  assert.equal(await h.text("train-score-header"), "On its training rows");
  // trees memorize diabetes: flagged, and what overfitting means is said under the table
  const flagged = page.locator(`${$("leaderboard-body")} tr.is-overfit`);
  assert.ok((await flagged.count()) >= 3, "the tree models are flagged");
  assert.equal(await flagged.first().locator(".overfit-badge").textContent(), "overfitting?");
  assert.match(await h.text("overfit-explain"), /^Overfitting: a model that scores much better on the rows it learned from .* more than 0\.1 above/);
  // its details: both scores and the rule's sentence
  await flagged.first().click();
  await page.locator($("row-detail")).waitFor({ state: "visible" });
  assert.match(await h.text("row-detail-train"), /^Score on its training rows \(at most 2,000 of them\)\d\.\d{3}$/);
  assert.match(await h.text("row-detail-overfit"), /Much better on its own training rows \(\d\.\d{3}\) than in cross-validation \(-?\d\.\d{3}\)/);
  // the search chart: a second series of hollow points, named in the legend and the caption
  const chart = page.locator($("search-curve-chart"));
  assert.ok((await chart.locator("circle.mark.train-score").count()) >= 12, "a training-score point per trial");
  assert.match(await chart.locator(".legend").textContent(), /cross-validated.*on its training rows/);
  assert.match(await h.text("search-curve-caption"), /hollow point is its score on its own training rows/);
  // in Korean at once, the log and the explanation included
  await page.locator($("language-select")).selectOption("ko");
  await page.waitForFunction(() => document.documentElement.lang === "ko");
  const korean = await logLines(page);
  assert.equal(korean.length, lines.length);
  assert.match(korean[korean.length - 1], /^1번째 시도, 기준선 \(상수\) 모델: 교차 검증 점수 .*, 자기 학습 행에서의 점수 /);
  assert.ok(korean.every((l) => /[가-힣]/.test(l) && !/cross-validation|training rows/.test(l)), korean.join("\n"));
  assert.match(await h.text("overfit-explain"), /^과적합: /);
  assert.equal(await h.text("train-score-header"), "학습 행 점수");
  assert.equal(await page.locator(`${$("search-log-box")} h3`).textContent(), "탐색이 지금 하는 일");
  await page.locator($("language-select")).selectOption("en");
  await page.waitForFunction(() => document.documentElement.lang === "en");
});

test("step mode: Next runs exactly one more trial, the clock stops while waiting, and N steps give the leaderboard of a trial budget of N", async () => {
  const { page, h } = await openWith("iris", 2);
  await page.locator($("pace-step")).check();
  assert.match(await h.text("pace-hint"), /^One model at a time/);
  await page.locator($("start")).click();
  await h.waitForText("step-status", /^Step 1 done\./, 30_000);
  assert.equal(await h.leaderboardRows(), 1);
  const first = await searchingSeconds(h);
  // the person reads: nothing runs, the clock stands still
  await page.waitForTimeout(2_000);
  assert.equal(await h.leaderboardRows(), 1, "no trial runs while waiting");
  assert.equal(await page.locator($("next-step")).isEnabled(), true);
  for (let step = 2; step <= 4; step += 1) {
    await page.locator($("next-step")).click();
    await h.waitForText("step-status", new RegExp(`^Step ${step} done\\.`), 30_000);
    assert.equal(await h.leaderboardRows(), step, "exactly one more trial per Next");
  }
  const seconds = await searchingSeconds(h);
  assert.ok(seconds - first < 1.5, `the 2 s wait is not counted: ${first} s then ${seconds} s`);
  // the newest step's sentences are on top of the log
  assert.match((await logLines(page))[0], /^(Trying|Taking|That step|Switching|Starting)/);
  await page.locator($("finish-steps")).click();
  await page.locator($("best-panel")).waitFor({ state: "visible", timeout: 60_000 });
  await h.waitForText("status", /^Done/);
  assert.match((await logLines(page)).join("\n"), /The search ends because you asked it to\./);
  const stepped = await page.evaluate(() =>
    [...window.__automl.results.rows.values()].map((r) => ({ trial: r.trial, family: r.family, params: r.params, mean: r.mean, trainScore: r.trainScore }))
      .sort((a, b) => a.trial - b.trial));
  // the same data, seed and folds with a trial budget of 4, through the same pool
  const budget = await page.evaluate(async () => {
    const { bridge } = window.__automl;
    const bytes = await (await fetch("samples/iris.csv")).arrayBuffer();
    const result = await bridge.run(bytes, "iris.csv", { target: "target", task: "classification", timeBudgetS: null, maxTrials: 4, seed: 42, folds: 5 }, () => {});
    return result.leaderboard.map((r) => ({ trial: r.trial, family: r.family, params: r.params, mean: r.mean, trainScore: r.trainScore }))
      .sort((a, b) => a.trial - b.trial);
  });
  assert.ok(budget.length >= 4);
  assert.ok(stepped.filter((r) => r.family !== "ensemble").every((r) => typeof r.trainScore === "number"), "training scores in step mode");
  assert.deepEqual(stepped, budget);
});

test("step mode: Stop between steps keeps the best model so far, like Finish here", async () => {
  const { page, h } = await openWith("iris", 2);
  await page.locator($("pace-step")).check();
  await page.locator($("start")).click();
  await h.waitForText("step-status", /^Step 1 done\./, 30_000);
  await page.locator($("next-step")).click();
  await h.waitForText("step-status", /^Step 2 done\./, 30_000);
  const seconds = await searchingSeconds(h);
  await page.waitForTimeout(4_000);
  await page.locator($("stop")).click();
  await h.waitForText("status", /^Stopped early: the best of 2 models so far/, 60_000);
  await page.locator($("best-panel")).waitFor({ state: "visible" });
  assert.match(await h.text("best-ending"), /^Stopped early/);
  assert.equal(await h.leaderboardRows(), 2, "no trial ran after Stop");
  assert.equal(await page.locator($("next-step")).isVisible() && await page.locator($("next-step")).isEnabled(), false, "no Next after Stop");
  // the finish says why the search ended; the rows sent back kept their training scores
  assert.match((await logLines(page)).join("\n"), /The search ends because you asked it to\./);
  const rows = await page.evaluate(() => window.__automl.results.result.leaderboard.map((r) => r.trainScore));
  assert.ok(rows.every((t) => typeof t === "number"), `training scores kept: ${rows}`);
  // the stopped run's time is the searching time and the refit (the 4 s wait is not counted)
  const elapsed = await page.evaluate(() => window.__automl.results.result.elapsedS);
  assert.ok(elapsed < seconds + 3, `elapsed ${elapsed} s, searching ${seconds} s`);
});

test("slow mode narrates about one trial a second", async () => {
  const { page, h } = await openWith("iris");
  await page.locator($("pace-slow")).check();
  await page.locator($("budget-input")).fill("4");
  const started = Date.now();
  await page.locator($("start")).click();
  await page.locator($("best-panel")).waitFor({ state: "visible", timeout: 60_000 });
  await h.waitForText("status", /^Done/);
  const seconds = (Date.now() - started) / 1000;
  const trials = await page.locator(`${$("search-log")} .log-heading`, { hasText: /^Trial \d+$/ }).count();
  assert.ok(trials >= 2 && trials <= 5, `about one trial a second in a 4 s budget: ${trials} trials in ${seconds} s`);
  const lines = await logLines(page);
  assert.ok(lines.filter((l) => /in cross-validation/.test(l)).length >= trials, "every trial narrated");
});

test("the presentation view enlarges the text", async () => {
  const { page } = await openWith("iris");
  const size = () => page.evaluate(() => Number.parseFloat(getComputedStyle(document.querySelector("#pace-hint")).fontSize));
  const before = await size();
  await page.locator($("presentation-toggle")).check();
  const after = await size();
  assert.ok(after >= before * 1.4, `${before}px → ${after}px`);
  // remembered: a reload keeps the projector's view
  await page.reload();
  await page.locator($("presentation-toggle")).waitFor({ state: "attached" });
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains("presentation")), true);
  // (the toggle sits with the run settings, shown once data is loaded)
  await page.evaluate(() => document.querySelector("#presentation-toggle").click());
  assert.equal(await size(), before);
});
