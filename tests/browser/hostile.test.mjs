// Hostile files on the page: a handful from tests/data/hostile/ plus the two huge cases made
// here (120,000 columns; a 5 MB cell). Each gives a clear message in the error box (or loads,
// when the file is usable), the engine never crashes, and the page stays usable.
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { $, HOSTILE, useBrowser } from "./harness.mjs";

// One page for the whole file, on the app: the tests load one file after another into it.
const browser = useBrowser({ page: "shared", openApp: true });
/** The helpers of that page (the browser's own, bound to it). */
const h = browser;
let page;
beforeEach(() => {
  page = browser.page;
});

async function refused(name, buffer, pattern) {
  await h.upload(name, buffer);
  assert.match(await h.text("status"), new RegExp(`^Could not load ${name.replace(/\./g, "\\.")}`));
  await page.locator($("error")).waitFor({ state: "visible" });
  const message = await h.text("error-message");
  assert.match(message, pattern, `${name}: ${message}`);
  assert.ok(message.includes(`"${name}"`), `${name}: the message names the file: ${message}`);
  assert.doesNotMatch(message, /crash|panicked|unreachable/i, `${name}: not a crash`);
  // what to do is said apart, under the message
  assert.equal(await page.locator($("error-hint")).isVisible(), true, `${name}: a hint is shown`);
  const hint = await h.text("error-hint");
  assert.ok(hint.length > 10 && !message.includes(hint), `${name}: the hint "${hint}" is apart from the message`);
  assert.equal(await page.locator($("error-extra")).isVisible(), false, "no engine restart was needed");
  return { message, hint };
}

async function corpus(name) {
  return readFile(path.join(HOSTILE, name));
}

test("damaged and binary files give a message that says what is wrong", async () => {
  await refused("xlsx_renamed.csv", await corpus("xlsx_renamed.csv"), /workbook but cannot be opened/);
  const nul = await refused("nul_bytes.csv", await corpus("nul_bytes.csv"), /NUL byte/);
  assert.equal(nul.hint, "Save the data as CSV (comma, semicolon or tab separated text) and load that file.");
  await refused("unbalanced_quotes.csv", await corpus("unbalanced_quotes.csv"), /double quote that is never closed/);
  await refused("only_newlines.csv", await corpus("only_newlines.csv"), /is empty/);
  await refused("random_bytes.csv", await corpus("random_bytes.csv"), /does not look like a CSV text file/);
});

test("huge files are refused with the limit named, quickly", async () => {
  const started = Date.now();
  const names = Array.from({ length: 120_000 }, (_, i) => `c${i}`);
  // numbers are written for the page's language (Intl.NumberFormat): 120,000 and 16,384
  await refused("wide.csv", Buffer.from(`${names.join(",")}\n${names.map(() => "1").join(",")}\n`), /120,000 columns, more than the 16,384/);
  const rows = ["x,label", ...Array.from({ length: 12 }, (_, i) => `${i},${i % 2 ? "a" : "b"}`), `"${"9".repeat(5 << 20)}",a`];
  await refused("bigcell.csv", Buffer.from(rows.join("\n")), /more than the 1,048,576 bytes \(1 MiB\) one field may hold/);
  const seconds = (Date.now() - started) / 1000;
  assert.ok(seconds < 20, `both took ${seconds} s`);
});

test("odd but usable files load, with notes instead of floods", async () => {
  await h.upload("utf16le_bom.txt", await corpus("utf16le_bom.txt"));
  await h.waitForText("status", /^Loaded utf16le_bom\.txt$/);
  assert.match(await h.text("data-summary"), /24 rows × 3 columns/);
  assert.match(await h.text("data-notes"), /is UTF-16 text \(little-endian\); it was converted/);

  await h.upload("empty_names_10000.csv", await corpus("empty_names_10000.csv"));
  await h.waitForText("status", /^Loaded empty_names_10000\.csv$/);
  assert.match(await h.text("data-summary"), /12 rows × 10,002 columns \(first 100 columns shown\)/);
  assert.equal(await page.locator(`${$("preview-table")} thead th`).count(), 100, "the preview shows 100 columns");
  assert.equal(await page.locator(`${$("data-notes")} li`).count(), 1, "one note for 10,000 unnamed columns");
  assert.equal(await page.locator(`${$("target-select")} option`).count(), 10_002, "every column can be the target");
  await wideProfile();
  await h.runAndWaitForBest(2);
  assert.ok((await page.locator(`${$("best-notes")} li`).count()) <= 4, "the notes stay short");

  await h.upload("long_header_name.csv", await corpus("long_header_name.csv"));
  await h.waitForText("status", /^Loaded long_header_name\.csv$/);
  const head = await page.locator(`${$("preview-table")} thead th .col-name`).first().textContent();
  assert.equal(head.length, 201, "a 60,000-character name is shown cut to 200 characters and an ellipsis");
  assert.ok(head.endsWith("…"));
});

/**
 * The profile of the 10,002-column file does work in proportion to what it shows (it once
 * made 230,000 elements, one row of controls and charts per column, and froze the page for
 * 12-20 s): the first 100 rows, a search box that finds any column by name, and "Show more".
 * The speed itself is measured outside the tests; this checks the structure that gives it.
 */
async function wideProfile() {
  const rows = `${$("profile-body")} tr`;
  assert.equal(await page.locator(rows).count(), 100, "the profile draws its first 100 rows");
  const elements = await page.evaluate((sel) => ({
    profile: document.querySelector(sel).getElementsByTagName("*").length,
    page: document.getElementsByTagName("*").length,
  }), $("profile-body"));
  assert.ok(elements.profile <= 100 * 30, `at most 30 elements per profile row shown, made ${elements.profile}`);
  assert.ok(elements.page < 10_002 + 10_000, `the page holds the target list and what it shows, not a row per column: ${elements.page} elements`);
  assert.equal(await page.locator($("profile-find")).isVisible(), true, "a search box for the columns");
  assert.match(await h.text("profile-count"), /^The first 100 of 10,002 columns are shown\./);

  // Any column can be found by name, and its type changed there.
  await page.locator($("profile-filter")).fill("COLUMN_9999");
  assert.equal(await page.locator(rows).count(), 1, "the search finds the column (case does not matter)");
  assert.equal(await page.locator(`${rows}[data-name="column_9999"]`).count(), 1);
  assert.match(await h.text("profile-count"), /^1 column name has “COLUMN_9999” in it\.$/);
  assert.equal(await page.locator($("profile-more")).isVisible(), false);
  const kind = page.locator(`${rows}[data-name="column_9999"] ${$("kind-select")}`);
  await kind.selectOption("categorical");
  assert.match(await page.locator(`${rows}[data-name="column_9999"] ${$("kind-changed")}`).textContent(), /Changed by you/);
  await kind.selectOption("constant");
  assert.equal((await page.locator(`${rows}[data-name="column_9999"] ${$("kind-changed")}`).textContent()).trim(), "");
  await page.locator($("profile-filter")).fill("no such column");
  assert.equal(await page.locator(rows).count(), 0);
  assert.match(await h.text("profile-count"), /^No column name has “no such column” in it\.$/);

  // Without a search: 100 rows more on each "Show more".
  await page.locator($("profile-filter")).fill("");
  assert.equal(await page.locator(rows).count(), 100);
  assert.equal(await h.text("profile-more"), "Show 100 more columns");
  await page.locator($("profile-more")).click();
  assert.equal(await page.locator(rows).count(), 200);
  assert.equal(await page.locator(`${rows}[data-name="y"]`).count(), 0, "the last column is not drawn yet");
  await page.locator($("profile-filter")).fill("y");
  assert.match(await page.locator(`${rows}[data-name="y"] ${$("column-role")}`).textContent(), /to predict/, "the target, found by name");
  await page.locator($("profile-filter")).fill("");
}

test("the error box says what went wrong and, apart from it, what to do; the most specific hint wins", async () => {
  // A file that is not a model: the engine's error (code "model_file.bad") nests its reason
  // ("model_file.foreign"), whose own hint is the one shown.
  await page.locator($("model-input")).setInputFiles({ name: "notes.automl", mimeType: "application/octet-stream", buffer: Buffer.from("not a model") });
  await page.locator($("error")).waitFor({ state: "visible", timeout: 15_000 });
  assert.equal(
    await h.text("error-message"),
    "The file \"the model file\" cannot be used as a model: it is not a model file (it does not start with the line \"AUTOML-MODEL\"; is it a data file?).",
  );
  assert.equal(await page.locator($("error-hint")).isVisible(), true);
  assert.equal(await h.text("error-hint"), "Choose a file saved with `automl fit --model-out` or the page's \"Download model\" button.");
  await page.locator($("error-dismiss")).click();
  assert.equal(await page.locator($("error")).isVisible(), false);
  assert.equal(await h.text("error-hint"), "", "a dismissed box keeps no hint");
});
