// End-to-end tests of "understanding the data" in headless Chromium: the column profile,
// formats, column types and exclusions, the target check (leakage, the task question), the
// size limit, parse progress and workbooks with several sheets.
//
//   node --test --test-concurrency=1 tests/browser/
//
// Every test also fails on an uncaught page error, on any console error (worker included),
// and on any request that leaves the page's own origin (see harness.mjs). Served from the test
// build (bash scripts/build-wasm.sh --test): recordRequests reads the bridge through
// window.__automl.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, open, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { $, TEST_DATA, useBrowser } from "./harness.mjs";

const browser = useBrowser({ testBuild: true });
const {
  text, waitForText, openApp, loadSample, upload, uploadCsv, profileRow, profileNames,
  waitForCheck, recordRequests, sentRequests, runAndWaitForBest, selectedText,
} = browser;

/** The engine's size limit (data::MAX_FILE_BYTES, which the page reads from describe()). */
const MAX_FILE_BYTES = 100 * 1024 * 1024;

/** A small deterministic pseudo-random generator, so generated files are the same every run. */
function lcg(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

async function kindOf(name) {
  return profileRow(name).locator($("kind-select")).inputValue();
}

async function visible(testId) {
  return browser.page.locator($(testId)).isVisible();
}

// ---- tests ---------------------------------------------------------------------------------

test("profile: titanic shows every column with its type, empty share, histogram, and the checks", async () => {
  const { page } = browser;
  await openApp();
  await loadSample("titanic");

  assert.match(await text("data-summary"), /891 rows × 12 columns/);
  assert.equal(await page.locator(`${$("profile-body")} tr`).count(), 12, "one profile row per column");
  assert.equal(await visible("profile-find"), false, "no column search for 12 columns");
  assert.equal(await visible("profile-more"), false, "and no \"Show more\"");
  assert.deepEqual(await profileNames(), [
    "PassengerId", "Survived", "Pclass", "Name", "Sex", "Age", "SibSp", "Parch", "Ticket", "Fare", "Cabin", "Embarked",
  ]);

  assert.equal(await kindOf("PassengerId"), "identifier");
  assert.equal(await kindOf("Sex"), "categorical");
  assert.equal(await kindOf("Age"), "numeric");
  assert.equal(await kindOf("Survived"), "boolean");
  // The type menu speaks plain words, each kind said once.
  assert.equal((await profileRow("Survived").locator(`${$("kind-select")} option:checked`).textContent()).trim(), "yes/no");
  assert.match(await profileRow("PassengerId").locator(`${$("kind-select")} option:checked`).textContent(), /not used/);
  // Identifiers are not used, and their "Use" box cannot be ticked.
  assert.equal(await profileRow("PassengerId").locator($("use-column")).isChecked(), false);
  assert.equal(await profileRow("PassengerId").locator($("use-column")).isDisabled(), true);
  assert.equal(await profileRow("Age").locator($("use-column")).isChecked(), true);

  const ageMissing = (await profileRow("Age").locator($("missing-share")).textContent()).trim();
  const agePercent = Number.parseFloat(ageMissing);
  assert.ok(agePercent >= 19 && agePercent <= 21, `Age is about 20% empty, shown "${ageMissing}"`);
  assert.match(ageMissing, /177/, "the number of empty cells is shown too");
  assert.equal((await profileRow("Survived").locator($("missing-share")).textContent()).trim(), "0%");
  assert.equal((await profileRow("Sex").locator($("distinct")).textContent()).trim(), "2");

  const ageBars = profileRow("Age").locator(`${$("histogram")} rect.bar`);
  assert.equal(await ageBars.count(), 12, "Age has a 12-bar histogram");
  const firstTitle = await profileRow("Age").locator(`${$("histogram")} title`).first().textContent();
  assert.match(firstTitle, /^0\.4167 – .+: \d+ rows \(\d/, `each bar says what it counts on hover, got "${firstTitle}"`);
  assert.equal(await profileRow("Sex").locator(`${$("histogram")} rect.bar`).count(), 2);
  assert.equal(await profileRow("Name").locator($("histogram")).count(), 0, "no chart for an identifier");

  assert.equal(await page.locator($("data-duplicates")).getAttribute("data-count"), "0");
  assert.match(await text("data-duplicates"), /0 duplicated rows/);

  assert.equal(await visible("data-warnings-box"), true, "the warnings box is shown");
  const warnings = await page.locator(`${$("data-warnings")} li`).allTextContents();
  assert.ok(warnings.includes('Column "Cabin" is 77% empty.'), `Cabin warning, got ${JSON.stringify(warnings)}`);
  assert.equal(await visible("data-notes-box"), false, "titanic needs no reading notes");

  // The target: marked in the profile, always used; its classes are counted.
  assert.equal((await selectedText("target-select")).trim(), "Survived");
  assert.match(await profileRow("Survived").locator($("column-role")).textContent(), /to predict/);
  assert.equal(await profileRow("Survived").locator($("use-column")).isDisabled(), true);
  assert.equal(await profileRow("Survived").locator($("use-column")).isChecked(), true);
  await waitForCheck();
  const classes = await page.locator(`${$("class-counts")} .bar-row`).evaluateAll((rows) =>
    rows.map((row) => `${row.dataset.label}: ${row.querySelector(".bar-value").textContent}`));
  assert.deepEqual(classes, ["0: 549 (62%)", "1: 342 (38%)"]);
  assert.equal(await visible("task-question"), false, "Survived (0/1) needs no task question");

  if (process.env.AUTOML_PROFILE_SCREENSHOT) {
    await page.screenshot({ path: process.env.AUTOML_PROFILE_SCREENSHOT, fullPage: true });
  }
});

test("formats: a semicolon CSV with decimal commas and day/month/year dates is read right", async () => {
  const { page } = browser;
  await openApp();
  const random = lcg(7);
  const lines = ["datum;preis;menge;kategorie"];
  for (let i = 0; i < 40; i += 1) {
    const day = String((i % 28) + 1).padStart(2, "0");
    const month = String((i % 12) + 1).padStart(2, "0");
    const euros = 1000 + Math.floor(random() * 3000);
    const cents = String(Math.floor(random() * 100)).padStart(2, "0");
    const price = `${Math.floor(euros / 1000)}.${String(euros % 1000).padStart(3, "0")},${cents}`;
    lines.push(`${day}.${month}.2023;${price};${(i % 7) + 1},5;${"abc"[i % 3]}`);
  }
  await uploadCsv("euro.csv", `${lines.join("\n")}\n`);

  assert.match(await text("data-summary"), /^euro\.csv: 40 rows × 4 columns/);
  assert.equal(await kindOf("datum"), "datetime");
  assert.equal(await kindOf("preis"), "numeric");
  assert.equal(await kindOf("menge"), "numeric");
  assert.equal(await kindOf("kategorie"), "categorical");
  assert.match(await profileRow("datum").locator($("format")).textContent(), /day\/month\/year/);
  assert.match(await profileRow("preis").locator($("format")).textContent(), /decimal comma/);
  assert.equal((await profileRow("kategorie").locator($("format")).textContent()).trim(), "—");
  assert.ok((await profileRow("datum").locator(`${$("histogram")} rect.bar`).count()) > 1, "dates get a histogram");

  assert.equal(await visible("data-notes-box"), true, "the reading notes are shown");
  const notes = await page.locator(`${$("data-notes")} li`).allTextContents();
  assert.ok(notes.some((note) => /semicolon/i.test(note)), `a note about the delimiter, got ${JSON.stringify(notes)}`);
  assert.ok(notes.some((note) => /"preis".*decimal comma/.test(note)), `a note about the number format, got ${JSON.stringify(notes)}`);
  assert.ok(notes.some((note) => /"datum".*day\/month\/year/.test(note)), `a note about the date format, got ${JSON.stringify(notes)}`);
});

test("choices: Pclass as a category and Fare left out are sent with the run and reported", async () => {
  const { page } = browser;
  await openApp();
  await loadSample("titanic");
  await recordRequests();

  await profileRow("Pclass").locator($("kind-select")).selectOption("categorical");
  assert.match(await profileRow("Pclass").locator($("kind-changed")).textContent(), /Changed by you \(was number\)/);
  const pclassHead = page.locator(`${$("preview-table")} thead th`).nth(2);
  assert.match(await pclassHead.textContent(), /^Pclass\s*categorical/, "the preview follows the chosen type");

  await profileRow("Fare").locator($("use-column")).uncheck();
  assert.match(await profileRow("Fare").locator($("column-role")).textContent(), /not used/);
  await waitForCheck();

  await runAndWaitForBest(3);
  const notes = await page.locator(`${$("best-notes")} li`).allTextContents();
  assert.ok(
    notes.includes('Column "Fare" was left out, as you chose.'),
    `the best model's notes say Fare was left out, got ${JSON.stringify(notes)}`,
  );

  const sent = await sentRequests();
  assert.equal(sent.run.length, 1);
  const run = sent.run[0];
  assert.equal(run.target, "Survived");
  assert.equal(run.task, "classification");
  assert.equal(run.timeBudgetS, 3);
  assert.deepEqual(run.columnTypes, { Pclass: "categorical" }, "only the changed type is sent");
  assert.deepEqual(run.exclude, ["Fare"]);
  assert.equal(run.sheet, undefined, "no sheet for a CSV file");
  const lastCheck = sent.checkTarget.at(-1);
  assert.deepEqual(lastCheck.columnTypes, { Pclass: "categorical" }, "the target check uses the choices too");
  assert.deepEqual(lastCheck.exclude, ["Fare"]);

  // Setting the type back to the detected one drops it from the choices.
  await profileRow("Pclass").locator($("kind-select")).selectOption("numeric");
  assert.equal((await profileRow("Pclass").locator($("kind-changed")).textContent()).trim(), "");
  await waitForCheck();
  assert.deepEqual((await sentRequests()).checkTarget.at(-1).columnTypes, {});

  // A new file starts with no choices.
  await loadSample("iris");
  await loadSample("titanic");
  assert.equal(await profileRow("Fare").locator($("use-column")).isChecked(), true, "choices reset for new data");
});

test("leakage: a copy of the target is flagged once it is chosen, and leaving it out clears that", async () => {
  const { page } = browser;
  await openApp();
  const random = lcg(11);
  const lines = ["age,income,decision_copy,city,decision"];
  for (let i = 0; i < 120; i += 1) {
    const decision = random() < 0.5 ? "approved" : "denied";
    lines.push(`${18 + Math.floor(random() * 60)},${1000 + Math.floor(random() * 9000)},${decision},${["north", "south", "east"][i % 3]},${decision}`);
  }
  await uploadCsv("loans.csv", `${lines.join("\n")}\n`);
  assert.equal((await selectedText("target-select")).trim(), "decision");
  await waitForCheck();
  const warnings = await page.locator(`${$("target-warnings")} li`).allTextContents();
  assert.ok(
    warnings.some((w) => /Column "decision_copy" alone predicts "decision"/.test(w)),
    `a leakage warning, got ${JSON.stringify(warnings)}`,
  );
  assert.equal(await visible("target-warnings-box"), true);

  await profileRow("decision_copy").locator($("use-column")).uncheck();
  await waitForCheck();
  assert.equal(await visible("target-warnings-box"), false, "no warning once the copy is left out");

  // Another target: the copy is now a target candidate's twin the other way round.
  await page.locator($("target-select")).selectOption({ label: "decision_copy" });
  assert.equal(await profileRow("decision_copy").locator($("use-column")).isChecked(), true, "the target is always used");
  assert.equal(await profileRow("decision_copy").locator($("use-column")).isDisabled(), true);
  await waitForCheck();
  assert.match(await text("target-warnings"), /Column "decision" alone predicts "decision_copy"/);
});

test("task question: a 1–5 rating asks whether it is categories or a number, and the answer sets the task", async () => {
  const { page } = browser;
  await openApp();
  const random = lcg(3);
  const lines = ["hours,price,rating"];
  for (let i = 0; i < 80; i += 1) {
    lines.push(`${1 + Math.floor(random() * 40)},${(random() * 100).toFixed(2)},${1 + (i % 5)}`);
  }
  await uploadCsv("ratings.csv", `${lines.join("\n")}\n`);
  assert.equal((await selectedText("target-select")).trim(), "rating");
  assert.equal(await visible("task-question"), true, "the question is asked");
  assert.match(await text("task-question-text"), /5 different whole numbers \(1–5\)/);
  assert.equal(await page.locator($("task-select")).inputValue(), "classification", "the suggestion is the default");
  await waitForCheck();
  assert.equal(await page.locator(`${$("class-counts")} .bar-row`).count(), 5);

  await page.locator($("answer-regression")).click();
  assert.equal(await page.locator($("task-select")).inputValue(), "regression");
  assert.equal(await page.locator($("answer-regression")).getAttribute("aria-pressed"), "true");
  assert.match(await text("task-hint"), /Changed by you/);
  await waitForCheck();
  assert.equal(await visible("class-counts"), false, "no classes for regression");
  assert.equal(await page.locator(`${$("target-values")} .bar-row`).count(), 5, "the values are drawn");

  await page.locator($("answer-classification")).click();
  assert.equal(await page.locator($("task-select")).inputValue(), "classification");

  // A column with no question hides it.
  await page.locator($("target-select")).selectOption({ label: "price" });
  assert.equal(await visible("task-question"), false);
  assert.equal(await page.locator($("task-select")).inputValue(), "regression");
});

test("size limit: a file over the limit is refused before it is read, with its name and size", async () => {
  const { page } = browser;
  await openApp();
  await recordRequests();
  const dir = await mkdtemp(path.join(os.tmpdir(), "automl-big-"));
  try {
    // Sparse files: large on paper, nothing written to disk.
    const makeFile = async (name, size) => {
      const file = path.join(dir, name);
      const handle = await open(file, "w");
      await handle.truncate(size);
      await handle.close();
      return file;
    };
    await upload(await makeFile("big.csv", MAX_FILE_BYTES + 1));
    await page.locator($("error")).waitFor({ state: "visible", timeout: 10_000 });
    assert.equal(await text("error-message"), "“big.csv” is just over 100 MB; this page can hold files up to 100 MB.");
    // the page's own errors come from the catalogue too, with what to do apart
    assert.match(await text("error-hint"), /^Use a sample of the rows \(or fewer columns\)/);
    assert.match(await text("status"), /^Could not load big\.csv$/);

    await upload(await makeFile("huge.tsv", 240 * 1024 * 1024));
    await waitForText("error-message", /^“huge\.tsv” is 240 MB; this page can hold files up to 100 MB\./);
    assert.equal(await page.locator($("start")).isEnabled(), false, "nothing loaded");
    assert.deepEqual((await sentRequests()).inspect, [], "the engine never saw the files");

    // Loaded data stays when a too-large file is refused.
    await loadSample("iris");
    await upload(await makeFile("big.csv", MAX_FILE_BYTES + 1));
    await waitForText("status", /^Could not load big\.csv; still using iris\.csv$/);
    assert.match(await text("data-summary"), /150 rows × 5 columns/);
    assert.equal(await page.locator($("start")).isEnabled(), true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  assert.match(await text("file-limit"), /up to 100 MB/);
});

test("progress: reading a large CSV shows the share read so far", async () => {
  const { page } = browser;
  await openApp();
  const rows = ["a,b,c,label"];
  for (let i = 0; i < 200_000; i += 1) rows.push(`${i % 97},${(i * 0.37).toFixed(2)},${i % 13},${i % 2 ? "yes" : "no"}`);
  const csv = `${rows.join("\n")}\n`;
  await page.evaluate((sel) => {
    window.__loadTexts = [];
    const node = document.querySelector(sel);
    new MutationObserver(() => window.__loadTexts.push(node.textContent)).observe(node, { childList: true, characterData: true, subtree: true });
  }, $("load-text"));
  await upload({ name: "many.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
  await waitForText("status", /^Loaded many\.csv$/, 60_000);
  const seen = await page.evaluate(() => window.__loadTexts);
  assert.ok(seen.includes("Reading many.csv…"), `"Reading many.csv…" first, got ${JSON.stringify(seen)}`);
  const percents = seen.map((t) => t.match(/^Reading many\.csv… (\d+)%$/)).filter(Boolean).map((m) => Number(m[1]));
  assert.ok(percents.some((p) => p > 0 && p < 100), `a share between 0 and 100%, got ${JSON.stringify(seen)}`);
  assert.equal(await visible("load-progress"), false, "the bar goes away once loaded");
  assert.match(await text("data-summary"), /200,000 rows × 4 columns/);
});

test("sheets: a workbook with two sheets offers both, and the second one's columns replace the first's", async () => {
  const { page } = browser;
  await openApp();
  await recordRequests();
  await upload(path.join(TEST_DATA, "two_sheets.xlsx"));
  await waitForText("status", /^Loaded two_sheets\.xlsx/);
  assert.equal(await visible("sheet-field"), true, "the sheet picker is shown");
  const options = await page.locator(`${$("sheet-select")} option`).allTextContents();
  assert.deepEqual(options, ["first", "second"]);
  assert.equal(await page.locator($("sheet-select")).inputValue(), "first");
  assert.deepEqual(await profileNames(), ["a", "b", "label"]);
  assert.match(await text("data-summary"), /30 rows × 3 columns/);

  await page.locator($("sheet-select")).selectOption("second");
  await waitForText("status", /^Loaded two_sheets\.xlsx \(sheet “second”\)$/);
  assert.deepEqual(await profileNames(), ["x", "y", "z", "target"]);
  assert.match(await text("data-summary"), /40 rows × 4 columns/);
  assert.equal(await page.locator($("sheet-select")).inputValue(), "second");
  assert.equal((await selectedText("target-select")).trim(), "target");
  // a different date on every row and a numeric target: the page suggests a forecast; the
  // person asks for regression instead
  assert.equal(await page.locator($("task-select")).inputValue(), "forecast");
  await page.locator($("task-select")).selectOption("regression");
  await waitForCheck();

  const sent = await sentRequests();
  assert.deepEqual(sent.inspect.at(-1), { sheet: "second" }, "the sheet is read by name");
  assert.equal(sent.checkTarget.at(-1).sheet, "second", "the target check reads that sheet");
  await runAndWaitForBest(2);
  assert.equal((await sentRequests()).run[0].sheet, "second", "the run reads that sheet");
});
