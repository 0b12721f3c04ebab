// What a class reads on the page after a search (issue 19, items 1, 3, 7, 8, 9): results are
// marked stale when the choices change and the model says what it predicts; the what-if form
// says how each value was read; the leaderboard and the focus work from the keyboard; the
// layout keeps what matters in view on a phone and a projector; captions, axes, steps and the
// regression sample say what they mean. One page, one search on penguins, shared by the tests
// in order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { $, useBrowser } from "./harness.mjs";

const browser = useBrowser({ page: "shared", openApp: true, workers: 2 });

/** The element that has the keyboard's focus: its id, or its data-trial for a leaderboard row. */
async function focused() {
  return browser.page.evaluate(() => {
    const a = document.activeElement;
    return a ? a.id || (a.dataset.trial !== undefined ? `trial-${a.dataset.trial}` : a.tagName) : null;
  });
}

test("keyboard: focus follows the search, the leaderboard is one Tab stop with arrow keys, Enter and Escape", async () => {
  const { page } = browser;
  await page.setViewportSize({ width: 1280, height: 900 });
  await browser.loadSample("penguins");
  await page.locator($("budget-input")).fill("2");
  await page.locator($("start")).click();
  assert.equal(await focused(), "progress", "after Start the focus is on the search's progress");
  await page.locator($("best-panel")).waitFor({ state: "visible", timeout: 60_000 });
  await browser.waitForText("status", /^Done/);
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === "best-panel");

  const rows = page.locator(`${$("leaderboard-body")} tr`);
  const trials = await rows.evaluateAll((trs) => trs.map((tr) => `trial-${tr.dataset.trial}`));
  assert.ok(trials.length >= 3, `a few models in the leaderboard (${trials.length})`);
  const stops = await rows.evaluateAll((trs) => trs.filter((tr) => tr.tabIndex === 0).length);
  assert.equal(stops, 1, "the leaderboard is one Tab stop");
  // Tab from the last sort button enters the table at its one stop, the first row
  await page.locator($("sort-fit-time")).focus();
  await page.keyboard.press("Tab");
  assert.equal(await focused(), trials[0]);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  assert.equal(await focused(), trials[2]);
  await page.keyboard.press("ArrowUp");
  assert.equal(await focused(), trials[1]);
  await page.keyboard.press("End");
  assert.equal(await focused(), trials[trials.length - 1]);
  await page.keyboard.press("Home");
  assert.equal(await focused(), trials[0]);
  await page.keyboard.press("ArrowDown");
  assert.equal(await rows.evaluateAll((trs) => trs.filter((tr) => tr.tabIndex === 0).length), 1, "still one Tab stop");
  await page.keyboard.press("Enter");
  await page.locator($("row-detail")).waitFor({ state: "visible" });
  assert.match(await browser.text("row-detail-title"), new RegExp(`trial ${trials[1].slice(6)}\\)`));
  await page.keyboard.press("Escape");
  await page.locator($("row-detail")).waitFor({ state: "hidden" });
  assert.equal(await focused(), trials[1], "Escape closes the details and goes back to the row");
});

test("stale results: a new target marks every result panel, and the model says what it predicts", async () => {
  const { page } = browser;
  const download = page.locator($("download-model"));
  assert.match(await download.textContent(), /species.*classification/);
  for (const id of ["run-stale", "results-stale", "model-stale"]) {
    assert.equal(await page.locator($(id)).isVisible(), false, `${id} hidden while the results are current`);
  }
  await page.locator($("target-select")).selectOption({ label: "island" });
  for (const id of ["run-stale", "results-stale", "model-stale"]) {
    await page.locator($(id)).waitFor({ state: "visible" });
    assert.match(await browser.text(id), /Out of date: these results predict "species" \(classification\)/, id);
  }
  for (const section of ["run-section", "results-section", "model-section"]) {
    assert.equal(await page.locator($(section)).getAttribute("data-stale"), "true", section);
  }
  assert.match(await download.textContent(), /predicts "species", classification/, "the download still says what it predicts");
  // a column left out, then back: stale while the choices differ from the run's
  await page.locator($("target-select")).selectOption({ label: "species" });
  await page.locator($("run-stale")).waitFor({ state: "hidden" });
  await page.locator(`${$("profile-body")} tr[data-name="sex"] ${$("use-column")}`).uncheck();
  await page.locator($("results-stale")).waitFor({ state: "visible" });
  await page.locator(`${$("profile-body")} tr[data-name="sex"] ${$("use-column")}`).check();
  await page.locator($("results-stale")).waitFor({ state: "hidden" });
  await browser.waitForCheck();
});

/** Types `value` into the what-if field of `column` and waits for the engine's answer. */
async function typeWhatIf(column, value) {
  const { page } = browser;
  await page.locator(`${$("whatif-form")} input[data-column="${column}"]`).fill(value);
  // the engine's answer for this value (data-read: the value it read), not the one before it
  await page.waitForFunction(
    ({ sel, column, value }) => {
      const field = document.querySelector(`${sel} .whatif-field[data-column="${column}"]`);
      return field && field.dataset.read === value;
    },
    { sel: $("whatif-form"), column, value },
  );
  const field = page.locator(`${$("whatif-form")} .whatif-field[data-column="${column}"]`);
  return { state: await field.getAttribute("data-state"), note: await field.locator($("whatif-note")).textContent() };
}

test("what-if: numbers in the column's format, not-a-number said, known levels offered, unknown and empty said", async () => {
  const { page } = browser;
  await page.locator($("whatif-form")).waitFor({ state: "visible" });
  const comma = await typeWhatIf("bill_length_mm", "50,5");
  assert.equal(comma.state, "unreadable");
  assert.match(comma.note, /"50,5" is not a number as this column writes them \(plain numbers\): write it as 50\.5/);
  assert.equal(await page.locator(`${$("whatif-form")} input[data-column="bill_length_mm"]`).getAttribute("aria-invalid"), "true");
  const labels = await page.locator(`${$("whatif-contributions")} g.bar`).evaluateAll((gs) => gs.map((g) => g.dataset.label));
  assert.ok(!labels.some((l) => l.includes("50,5")), `the explanation never shows 50,5 as a value: ${labels}`);
  assert.ok(labels.includes("bill_length_mm = missing"), `it shows it as missing: ${labels}`);

  const abc = await typeWhatIf("bill_length_mm", "abc");
  assert.equal(abc.state, "unreadable");
  assert.match(abc.note, /"abc" is not a number/);
  const ok = await typeWhatIf("bill_length_mm", "50.5");
  assert.deepEqual(ok, { state: "value", note: "" });

  const levels = await page.locator(`${$("whatif-form")} .whatif-field[data-column="island"] ${$("whatif-levels")} option`)
    .evaluateAll((os) => os.map((o) => o.value).sort());
  assert.deepEqual(levels, ["Biscoe", "Dream", "Torgersen"]);
  const hint = (column) => page.locator(`${$("whatif-form")} .whatif-field[data-column="${column}"] .whatif-hint`).textContent();
  assert.equal(await hint("island"), "category: 3 known levels (pick one or type)");
  assert.equal(await hint("bill_length_mm"), "number, written as plain numbers");
  const mars = await typeWhatIf("island", "Mars");
  assert.equal(mars.state, "unknown_level");
  assert.match(mars.note, /Unknown level "Mars": the model never saw it, so it is treated as/);
  const lower = await typeWhatIf("island", "torgersen");
  assert.equal(lower.state, "unknown_level");

  const empty = await typeWhatIf("bill_depth_mm", "");
  assert.equal(empty.state, "missing");
  assert.match(empty.note, /^Empty: treated as missing \(filled with [\d.]+, the median of the training rows\)\.$/);
  // the base value is described for what it is
  assert.match(await browser.text("whatif-method"), /The base is the (model's mean prediction of it over \d+ training rows kept in the model file|trees' mean output)/);
});

test("a file written with decimal commas: the what-if form takes 50,5 as a number", async () => {
  const { page } = browser;
  let csv = "length;colour;size\n";
  for (let i = 0; i < 60; i += 1) csv += `${40 + (i % 20)},${i % 10};${["red", "green", "blue"][i % 3]};${i % 20 < 10 ? "small" : "large"}\n`;
  await browser.uploadCsv("commas.csv", csv);
  assert.equal(await page.locator($("model-stale")).isVisible(), true, "the penguins model is marked as from the data before");
  assert.match(await browser.text("model-stale"), /from the data loaded before/);
  await browser.runAndWaitForBest(1);
  const comma = await typeWhatIf("length", "50,5");
  assert.deepEqual(comma, { state: "value", note: "" });
  const point = await typeWhatIf("length", "50.5x");
  assert.equal(point.state, "unreadable");
  assert.match(point.note, /numbers with a decimal comma/);
});
