// End-to-end tests of the page in headless Chromium: what a person sees when they load data,
// run a search, stop it, and hit errors. Needs the wasm package (bash scripts/build-wasm.sh).
//
//   node --test --test-concurrency=1 tests/browser/
//
// Every test also fails on an uncaught page error, on any console error (worker included),
// and on any request that leaves the page's own origin.
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { $, useBrowser } from "./harness.mjs";

const browser = useBrowser();
const {
  text, waitForText, openApp, loadSample, headers, selectedText, leaderboardRows, bestScore,
  runAndWaitForBest, leaderboardScores,
} = browser;

/** The page of the running test (useBrowser's beforeEach, registered first, opens it). */
let page;
beforeEach(() => {
  page = browser.page;
});

// ---- tests ---------------------------------------------------------------------------------

test("iris: preview, detected target and task, a 5 s search finds an accurate model", async () => {
  await openApp();
  await loadSample("iris");

  const heads = await headers();
  assert.equal(heads.length, 5, `5 column headers, got ${JSON.stringify(heads)}`);
  for (const head of heads) {
    assert.match(head, /numeric|categorical|identifier|constant/, `header "${head}" shows a kind`);
    assert.match(head, /\d+ missing/, `header "${head}" shows a missing count`);
  }
  assert.match(heads[0], /sepal length \(cm\)/);
  assert.match(heads[0], /numeric/);
  assert.match(heads[4], /^target/);
  assert.match(heads[4], /categorical/);
  assert.match(await text("data-summary"), /150 rows × 5 columns/);
  assert.ok((await page.locator(`${$("preview-table")} tbody tr`).count()) > 0, "preview rows shown");
  assert.equal((await selectedText("target-select")).trim(), "target");
  assert.equal(await page.locator($("task-select")).inputValue(), "classification");
  assert.equal(await page.locator($("budget-input")).inputValue(), "10", "default budget");
  assert.equal(await page.locator($("seed-input")).inputValue(), "42", "default seed");

  await page.locator($("budget-input")).fill("5");
  await page.locator($("start")).click();
  assert.equal(await page.locator($("start")).isDisabled(), true, "Start is disabled while running");
  assert.equal(await page.locator($("stop")).isEnabled(), true, "Stop is enabled while running");
  // progress shows trials finished, the best score so far, and the time used and left
  const progressShape = /^Trials: \d+ · best so far: \d\.\d{3} · (\d+(?:\.\d)?) s of 5 s · (\d+(?:\.\d)?) s left$/;
  const progressText = await page.locator($("progress-text")).evaluate((node, shape) => new Promise((resolve) => {
    const re = new RegExp(shape);
    const check = () => (re.test(node.textContent) ? resolve(node.textContent) : requestAnimationFrame(check));
    check();
  }), progressShape.source);
  const [, used, left] = progressText.match(progressShape);
  assert.ok(Math.abs(Number(used) + Number(left) - 5) <= 0.15, `time used (${used} s) and left (${left} s) add up to the budget`);
  assert.match(await text("score-header"), /accuracy/);

  await page.locator($("best-panel")).waitFor({ state: "visible", timeout: 60_000 });
  await waitForText("status", /^Done/);
  const rows = await leaderboardRows();
  assert.ok(rows >= 3, `at least 3 leaderboard rows, got ${rows}`);
  const scores = await leaderboardScores();
  for (let i = 1; i < scores.length; i += 1) {
    if (Number.isNaN(scores[i])) continue;
    assert.ok(scores[i] <= scores[i - 1], `leaderboard sorted best first: ${scores.slice(0, i + 1)}`);
  }
  const firstRow = page.locator(`${$("leaderboard-body")} tr`).first();
  assert.match((await firstRow.getAttribute("class")) || "", /is-best/, "the best row is marked");
  assert.match(await firstRow.textContent(), /best/);

  assert.match(await text("best-score-name"), /accuracy/);
  const accuracy = await bestScore();
  assert.ok(accuracy >= 0.9, `cross-validated accuracy ≥ 0.9, got ${accuracy}`);
  assert.equal(accuracy, scores[0], "best panel agrees with the top of the leaderboard");
  assert.notEqual((await text("best-label")).trim(), "");
  assert.match(await text("best-refit"), /\d\.\d{3} s/);
  assert.match(await text("best-total"), /^\d+(\.\d)? s \(budget 5 s\), then (under 0\.1|\d+(\.\d)?) s to explain it$/);
  assert.equal(await page.locator($("progress")).evaluate((p) => p.value === p.max), true, "progress full");

  if (process.env.AUTOML_SCREENSHOT) {
    await page.screenshot({ path: process.env.AUTOML_SCREENSHOT, fullPage: true });
  }
});

test("diabetes: detected as regression, a 3 s search reports an R² score", async () => {
  await openApp();
  await loadSample("diabetes");
  assert.match(await text("data-summary"), /442 rows × 11 columns/);
  assert.equal((await selectedText("target-select")).trim(), "target");
  assert.equal(await page.locator($("task-select")).inputValue(), "regression");

  await runAndWaitForBest(3);
  assert.match(await text("score-header"), /R²/);
  assert.match(await text("best-score-name"), /R²/);
  assert.equal(await page.locator($("best-score")).getAttribute("data-metric"), "r2");
  const r2 = await bestScore();
  assert.ok(r2 > 0.3 && r2 <= 1, `a sensible cross-validated R², got ${r2}`);
  assert.ok((await leaderboardRows()) >= 1);
});

test("upload: a CSV picked with the file input is previewed with its last column as target", async () => {
  await openApp();
  const colors = ["red", "green", "blue"];
  const lines = ["x,color,label"];
  for (let i = 0; i < 60; i += 1) {
    const x = (i * 0.5).toFixed(1);
    lines.push(`${x},${colors[i % 3]},${i * 0.5 > 15 ? "yes" : "no"}`);
  }
  await page.locator($("file-input")).setInputFiles({
    name: "tiny.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`${lines.join("\n")}\n`, "utf8"),
  });
  await waitForText("status", /^Loaded tiny\.csv$/);
  assert.match(await text("data-summary"), /^tiny\.csv: 60 rows × 3 columns/);
  const heads = await headers();
  assert.equal(heads.length, 3);
  assert.match(heads[0], /^x\s*numeric/);
  assert.match(heads[1], /^color\s*categorical/);
  // yes/no values: the core reads them as a boolean column (since the "Data understanding" core).
  assert.match(heads[2], /^label\s*boolean/);
  assert.equal((await selectedText("target-select")).trim(), "label");
  assert.equal(await page.locator($("task-select")).inputValue(), "classification");
  assert.equal(await page.locator($("start")).isEnabled(), true);

  // Picking another target resets the task to that column's suggestion.
  await page.locator($("task-select")).selectOption("regression");
  await page.locator($("target-select")).selectOption({ label: "x" });
  assert.equal(await page.locator($("task-select")).inputValue(), "regression");
  await page.locator($("target-select")).selectOption({ label: "label" });
  assert.equal(await page.locator($("task-select")).inputValue(), "classification");

  // A file dropped on the drop zone loads the same way.
  const dropped = ["a,b,price", ...Array.from({ length: 30 }, (_, i) => `${i},${i % 2 ? "u" : "v"},${(i * 1.7).toFixed(2)}`)].join("\n");
  await page.evaluate(({ selector, csv }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([csv], "dropped.csv", { type: "text/csv" }));
    const zone = document.querySelector(selector);
    for (const type of ["dragenter", "dragover", "drop"]) {
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }
  }, { selector: $("drop-zone"), csv: dropped });
  await waitForText("status", /^Loaded dropped\.csv$/);
  assert.match(await text("data-summary"), /^dropped\.csv: 30 rows × 3 columns/);
  assert.equal((await selectedText("target-select")).trim(), "price");
  assert.equal(await page.locator($("task-select")).inputValue(), "regression");
});

test("stop: a long titanic search stops at once, keeps its rows, and a new search works", async () => {
  await openApp();
  await loadSample("titanic");
  assert.equal((await selectedText("target-select")).trim(), "Survived", "the sample's own target");
  assert.equal(await page.locator($("task-select")).inputValue(), "classification");

  await page.locator($("budget-input")).fill("30");
  await page.locator($("start")).click();
  await page.locator(`${$("leaderboard-body")} tr`).first().waitFor({ state: "attached", timeout: 25_000 });
  await page.locator($("stop")).click();
  await waitForText("status", /stopped/i, 1_000);
  assert.ok((await leaderboardRows()) >= 1, "rows found before Stop are kept");
  // then the run finishes with the best model so far (tests/browser/finish.test.mjs)
  await waitForText("status", /^Stopped early/, 60_000);
  assert.equal(await page.locator($("start")).isEnabled(), true, "Start is enabled after Stop");
  assert.equal(await page.locator($("stop")).isEnabled(), false, "Stop is disabled after Stop");
  assert.equal(await page.locator($("error")).isVisible(), false, "Stop is not an error");

  await runAndWaitForBest(3);
  assert.ok((await leaderboardRows()) >= 1);
  const accuracy = await bestScore();
  assert.ok(accuracy > 0.7, `titanic accuracy above the 0.62 majority rate, got ${accuracy}`);
});

test("bad files: binary junk and an empty file give a readable error, and the page stays usable", async () => {
  await openApp();

  const junk = Buffer.alloc(4096);
  for (let i = 0; i < junk.length; i += 1) junk[i] = (i * 131 + 7) % 256;
  junk[0] = 0x00;
  junk[1] = 0xff;
  junk[2] = 0xfe;
  await page.locator($("file-input")).setInputFiles({ name: "garbage.csv", mimeType: "text/csv", buffer: junk });
  await page.locator($("error")).waitFor({ state: "visible", timeout: 10_000 });
  const junkMessage = (await text("error-message")).trim();
  assert.ok(junkMessage.length > 10, `a message for the junk file, got "${junkMessage}"`);
  assert.match(await text("status"), /Could not load garbage\.csv/);
  assert.equal(await page.locator($("start")).isEnabled(), false, "nothing to run yet");

  await page.locator($("file-input")).setInputFiles({ name: "empty.csv", mimeType: "text/csv", buffer: Buffer.alloc(0) });
  await waitForText("status", /Could not load empty\.csv/);
  await page.locator($("error")).waitFor({ state: "visible" });
  const emptyMessage = (await text("error-message")).trim();
  assert.ok(emptyMessage.length > 10, `a message for the empty file, got "${emptyMessage}"`);

  await loadSample("iris");
  assert.equal(await page.locator($("error")).isVisible(), false, "a good load clears the error");
  assert.match(await text("data-summary"), /150 rows × 5 columns/);
  assert.equal(await page.locator($("start")).isEnabled(), true);
});
