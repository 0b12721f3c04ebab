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
