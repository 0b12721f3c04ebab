// Neural networks on the page: the "Model families" choice ("Neural networks only") runs a
// seeded search of networks alone (and the baseline); each network's row details draw its
// layers and its learning curve with the kept epoch marked. Needs the test build of the page
// (bash scripts/build-wasm.sh --test).
//
//   node --test --test-concurrency=1 tests/browser/networks.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { $, useBrowser } from "./harness.mjs";

const browser = useBrowser({ testBuild: true });

/** A seeded generator of numbers in [0, 1) (a linear congruential one), for the test tables. */
function seeded(seed) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}
const { openApp, loadSample, waitForText } = browser;

test("networks only: networks of different shapes, each with its layers and learning curve", async () => {
  const page = browser.page;
  await openApp();
  await loadSample("iris");
  // every family is checked by default; the preset leaves only the networks
  const boxes = page.locator(`${$("families-choice")} input[type=checkbox]`);
  assert.ok((await boxes.count()) >= 10);
  assert.equal(await page.locator(`${$("families-choice")} input:checked`).count(), await boxes.count());
  await page.locator($("families-networks-only")).click();
  assert.deepEqual(
    await page.locator(`${$("families-choice")} input:checked`).evaluateAll((els) => els.map((e) => /** @type {HTMLInputElement} */ (e).value)),
    ["neural_network"],
  );
  await page.locator($("seed-input")).fill("3");
  await page.evaluate(() => window.__automl.runSettings({ timeBudgetS: null, maxTrials: 6 }));
  await page.locator($("start")).click();
  await waitForText("status", /^Done/, 120_000);
  const rows = await page.evaluate(() => [...window.__automl.results.rows.values()]);
  const families = new Set(rows.map((r) => r.family));
  assert.ok([...families].every((f) => ["neural_network", "constant", "ensemble"].includes(f)), [...families].join());
  const networks = rows.filter((r) => r.family === "neural_network");
  assert.ok(networks.length >= 4, `networks: ${networks.length}`);
  const shapes = new Set(networks.map((r) => r.network.layers.join("-")));
  assert.ok(shapes.size >= 2, `shapes: ${[...shapes].join(", ")}`);
  for (const r of networks) {
    assert.equal(r.network.train.length, r.network.valid.length);
    assert.ok(r.network.best < r.network.valid.length);
  }
  // the details of a network: one column per layer, two loss lines, the kept epoch marked
  const trial = networks[0].trial;
  await page.locator(`${$("leaderboard-body")} tr[data-trial="${trial}"]`).click();
  await page.locator($("row-detail-network")).waitFor({ state: "visible" });
  assert.equal(await page.locator(`${$("network-layers")} rect.layer`).count(), networks[0].network.layers.length);
  assert.equal(await page.locator(`${$("network-curve")} path.line`).count(), 2);
  assert.equal(await page.locator(`${$("network-curve")} circle.best-epoch`).count(), 1);
  assert.match(await browser.text("network-facts"), new RegExp(`after epoch ${networks[0].network.best + 1} of ${networks[0].network.valid.length}`));
  // a row of another family has no network view
  const baseline = rows.find((r) => r.family === "constant");
  await page.locator(`${$("leaderboard-body")} tr[data-trial="${baseline.trial}"]`).click();
  assert.equal(await page.locator($("row-detail-network")).isHidden(), true);
});

test("successive halving on the page: networks stopped early with their reason, rung marks, the network as it trains, boosting's rounds; in English and Korean", async () => {
  const page = browser.page;
  await openApp();
  await loadSample("iris");
  await page.locator($("families-networks-only")).click();
  await page.locator($("seed-input")).fill("3");
  await page.evaluate(() => window.__automl.runSettings({ timeBudgetS: null, maxTrials: 14 }));
  await page.locator($("start")).click();
  await waitForText("status", /^Done/, 120_000);
  const rows = await page.evaluate(() => [...window.__automl.results.rows.values()]);
  const stopped = rows.filter((r) => r.rung && r.rung.stopped);
  const climbed = rows.filter((r) => r.rung && r.rung.rung > 0);
  assert.ok(stopped.length >= 1, `stopped: ${stopped.length}`);
  assert.ok(climbed.length >= 1, `climbed: ${climbed.length}`);
  // a stopped network's row says so, its reason as the tooltip
  const s = stopped[0];
  const badge = page.locator(`${$("leaderboard-body")} tr[data-trial="${s.trial}"] ${$("rung-badge")}`);
  assert.equal((await badge.textContent()).trim(), `stopped at rung ${s.rung.rung + 1}`);
  const reason = /^Stopped at rung \d of \d \(\d+ epochs\): its validation score [\d.]+ did not reach the top third's [\d.]+\.$/;
  assert.match(await badge.getAttribute("title"), reason);
  // its details: the rung, and the reason
  await page.locator(`${$("leaderboard-body")} tr[data-trial="${s.trial}"]`).click();
  await page.locator($("row-detail-rung-stopped")).waitFor({ state: "visible" });
  assert.match(await browser.text("row-detail-rung"), new RegExp(`rung ${s.rung.rung + 1} of ${s.rung.epochs.length}: ${s.rung.epochs[s.rung.rung]} of ${s.rung.epochs.at(-1)} epochs`));
  assert.match((await page.locator(`${$("row-detail-rung-stopped")} dd`).textContent()).trim(), reason);
  // a network that climbed: its curve marks the ends of its earlier rungs and its best epoch
  const c = climbed[0];
  await page.locator(`${$("leaderboard-body")} tr[data-trial="${c.trial}"]`).click();
  await page.locator($("row-detail-network")).waitFor({ state: "visible" });
  assert.equal(await page.locator(`${$("network-curve")} line.rung-mark`).count(), c.rung.rung);
  assert.equal(await page.locator(`${$("network-curve")} circle.best-epoch`).count(), 1);
  assert.match(await page.locator(`${$("network-curve")} line.rung-mark title`).first().textContent(), new RegExp(`^Rung 1 ended at epoch ${c.rung.epochs[0]}:`));
  assert.match(await browser.text("row-detail-rung-next"), /best third|last rung/);
  // the network trained last, drawn as it trained
  assert.equal(await page.locator($("training-now")).isVisible(), true);
  assert.match(await browser.text("training-now-title"), /^Trial \d+ as it trains: after epoch \d+$/);
  assert.ok((await page.locator(`${$("training-network-layers")} rect.layer`).count()) >= 3);
  // "What the search is doing" says the rungs
  const log = await browser.text("search-log-box");
  assert.match(log, /starts short: \d+ of its \d+ epochs/);
  assert.match(log, /Stopped at rung \d of \d/);
  // in Korean
  await page.locator($("language-select")).selectOption("ko");
  await page.waitForFunction(() => document.documentElement.lang === "ko");
  assert.equal((await badge.textContent()).trim(), `${s.rung.rung + 1}단계에서 멈춤`);
  assert.match(await badge.getAttribute("title"), /단계\(에포크 \d+번\)에서 멈췄어요\. 검증 점수 [\d.]+점이 상위 3분의 1의 기준 [\d.]+점에 못 미쳤어요\.$/);
  // the details are drawn again in the page's language when opened
  await page.locator(`${$("leaderboard-body")} tr[data-trial="${c.trial}"]`).click();
  assert.match(await page.locator(`${$("network-curve")} line.rung-mark title`).first().textContent(), /^1단계는 에포크 \d+번에서 끝났어요/);
  assert.match(await browser.text("search-log-box"), /짧게 먼저 학습해요/);
  await page.locator($("language-select")).selectOption("en");
  await page.waitForFunction(() => document.documentElement.lang === "en");

  // gradient boosting's learning curve over rounds, the same way
  await page.locator($("families-trees-only")).click();
  await page.evaluate(() => window.__automl.runSettings({ timeBudgetS: null, maxTrials: 4 }));
  await page.locator($("start")).click();
  await waitForText("status", /^Done/, 120_000);
  const trees = await page.evaluate(() => [...window.__automl.results.rows.values()]);
  const boosted = trees.find((r) => r.family === "gradient_boosting");
  assert.ok(boosted && boosted.boosting, trees.map((r) => r.family).join());
  await page.locator(`${$("leaderboard-body")} tr[data-trial="${boosted.trial}"]`).click();
  await page.locator($("boosting-curve")).waitFor({ state: "visible" });
  assert.equal(await page.locator(`${$("boosting-curve")} path.line`).count(), 2);
  assert.equal(await page.locator(`${$("boosting-curve")} circle.best-epoch`).count(), 1);
  assert.equal(await page.locator(`${$("boosting-curve")} line.rounds-kept`).count(), 1);
  assert.equal(await browser.text("boosting-facts"), `The model keeps ${boosted.boosting.rounds} rounds; the validation loss was lowest after round ${boosted.boosting.best + 1}.`);
  await page.locator($("language-select")).selectOption("ko");
  await page.waitForFunction(() => document.documentElement.lang === "ko");
  await page.locator(`${$("leaderboard-body")} tr[data-trial="${boosted.trial}"]`).click();
  assert.equal(await browser.text("boosting-facts"), `모델은 라운드 ${boosted.boosting.rounds}번을 써요. 검증 손실은 ${boosted.boosting.best + 1}번째 라운드 뒤에 가장 낮았어요.`);
});

test("a category with many levels enters the networks through a learned embedding, drawn and said in English and Korean", async () => {
  const page = browser.page;
  await openApp();
  // a 40-level category whose level turns the label round (odd levels), seeded
  const next = seeded(5);
  const lines = ["x,city,label"];
  for (let i = 0; i < 300; i += 1) {
    const x = next() * 4 - 2;
    const level = Math.floor(next() * 40) % 40;
    lines.push(`${x.toFixed(3)},c${String(level).padStart(2, "0")},${(x > 0) !== (level % 2 === 1) ? "yes" : "no"}`);
  }
  // in English (an earlier test's language choice may be remembered)
  await page.locator($("language-select")).selectOption("en");
  await page.waitForFunction(() => document.documentElement.lang === "en");
  await browser.uploadCsv("cities.csv", lines.join("\n") + "\n");
  await page.locator($("families-networks-only")).click();
  await page.locator($("seed-input")).fill("2");
  await page.evaluate(() => window.__automl.runSettings({ timeBudgetS: null, maxTrials: 3 }));
  await page.locator($("start")).click();
  await waitForText("status", /^Done/, 120_000);
  const rows = await page.evaluate(() => [...window.__automl.results.rows.values()]);
  const network = rows.find((r) => r.family === "neural_network");
  assert.ok(network, rows.map((r) => r.family).join());
  assert.equal(network.network.embeddings.length, 1);
  const [levels, dim] = network.network.embeddings[0];
  // a row for unknown and rare levels, one for each other level (levels with the same frequency and target mean share one)
  assert.ok(levels >= 10 && dim === 8, JSON.stringify(network.network.embeddings));
  await page.locator(`${$("leaderboard-body")} tr[data-trial="${network.trial}"]`).click();
  await page.locator($("row-detail-network")).waitFor({ state: "visible" });
  // the inputs' column shows the embedding's share, its words as the tooltip
  const part = page.locator(`${$("network-layers")} ${$("network-embeddings")}`);
  assert.equal(await part.count(), 1);
  assert.match(await part.locator("title").textContent(), /^Learned embeddings: 8 of the inputs, 8 numbers for the level of each of 1 categorical column/);
  assert.match(await browser.text("network-facts"), new RegExp(`more than 8 levels enter through learned embeddings: 1 such column\\(s\\), ${levels} levels in all`));
  await page.locator($("language-select")).selectOption("ko");
  await page.waitForFunction(() => document.documentElement.lang === "ko");
  await page.locator(`${$("leaderboard-body")} tr[data-trial="${network.trial}"]`).click();
  await page.locator($("row-detail-network")).waitFor({ state: "visible" });
  assert.match(await browser.text("network-facts"), new RegExp(`값이 8개보다 많은 범주형 열은 학습된 임베딩으로 들어가요\\. 이런 열이 1개이고 값은 모두 ${levels}개예요`));
  assert.match(await page.locator(`${$("network-layers")} ${$("network-embeddings")} title`).textContent(), /^학습된 임베딩: 입력 가운데 8개예요/);
  await page.locator($("language-select")).selectOption("en");
  await page.waitForFunction(() => document.documentElement.lang === "en");
});

test("the score that ranks the models is chosen on the page (balanced accuracy by default for categories); under it the networks decide for a rare category and say so, in English and Korean", async () => {
  const page = browser.page;
  await openApp();
  // a tenth of the rows are "yes", shifted by one unit in x and y (seeded)
  const next = seeded(11);
  const lines = ["x,y,answer"];
  for (let i = 0; i < 300; i += 1) {
    const rare = i % 10 === 0;
    const shift = rare ? 1 : 0;
    lines.push(`${(next() * 2 - 1 + shift).toFixed(3)},${(next() * 2 - 1 + shift).toFixed(3)},${rare ? "yes" : "no"}`);
  }
  await page.locator($("language-select")).selectOption("en");
  await page.waitForFunction(() => document.documentElement.lang === "en");
  await browser.uploadCsv("rare.csv", lines.join("\n") + "\n");
  // the task's metrics, its default (balanced accuracy) first as the usual choice, with what
  // the chosen one measures and when to take accuracy instead
  const select = page.locator($("metric-select"));
  assert.equal(await select.inputValue(), "balanced_accuracy");
  const labels = await select.locator("option").allTextContents();
  assert.equal(labels[0], "balanced accuracy (the usual choice)");
  assert.ok(labels.includes("accuracy"), labels.join(" | "));
  assert.match(await browser.text("metric-choice-hint"), /^Balanced accuracy is the mean, over the categories.*It is the usual choice for categories.*Choose accuracy when only the share of right answers overall matters/);
  await select.selectOption("accuracy");
  assert.match(await browser.text("metric-choice-hint"), /^Accuracy is the share of rows/);
  await select.selectOption("balanced_accuracy");
  await page.locator($("families-networks-only")).click();
  await page.locator($("seed-input")).fill("4");
  await page.evaluate(() => window.__automl.runSettings({ timeBudgetS: null, maxTrials: 3 }));
  await page.locator($("start")).click();
  await waitForText("status", /^Done/, 120_000);
  const rows = await page.evaluate(() => [...window.__automl.results.rows.values()]);
  const networks = rows.filter((r) => r.family === "neural_network");
  assert.ok(networks.length >= 1, rows.map((r) => r.family).join());
  for (const r of networks) {
    assert.equal(r.params.class_weight, "balanced");
    assert.equal(r.network.balanced, true);
  }
  // ranked by balanced accuracy: a model that names only "no" scores 0.5 there
  const best = Math.max(...networks.map((r) => r.mean));
  assert.ok(best > 0.75, `best network ${best}`);
  await page.locator(`${$("leaderboard-body")} tr[data-trial="${networks[0].trial}"]`).click();
  await page.locator($("row-detail-network")).waitFor({ state: "visible" });
  assert.match(await browser.text("network-facts"), /Scored by balanced accuracy, where every category counts the same, the network decides as if all categories were equally common/);
  await page.locator($("language-select")).selectOption("ko");
  await page.waitForFunction(() => document.documentElement.lang === "ko");
  await page.locator(`${$("leaderboard-body")} tr[data-trial="${networks[0].trial}"]`).click();
  await page.locator($("row-detail-network")).waitFor({ state: "visible" });
  assert.match(await browser.text("network-facts"), /균형 정확도로 평가해요\. 그래서 신경망은 모든 범주가 똑같이 흔한 것처럼 판단해요/);
  assert.equal((await select.locator("option").allTextContents())[0], "균형 정확도 (보통 쓰는 것)");
  assert.match(await browser.text("metric-choice-hint"), /^균형 정확도는 범주마다.*범주를 예측할 때는 보통 이 점수를 써요.*정확도를 고르세요/);
  await page.locator($("language-select")).selectOption("en");
  await page.waitForFunction(() => document.documentElement.lang === "en");
});
