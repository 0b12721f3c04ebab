// The page in three browser engines: Chromium (Playwright), Firefox ESR and WebKitGTK (over
// WebDriver; scripts/webdriver.mjs, tests/browser/engine-page.mjs). The same end-to-end flow in
// each, through the same page helpers as the Chromium suite (tests/browser/harness.mjs): load a
// sample, run a short search, see the leaderboard and the best model, predict a file, download
// the predictions and the model, load a model file and predict with it. The engine's wasm tests
// (tests/wasm.rs, tests/conformance.rs) run in the same three engines through wasm-bindgen-test
// (scripts/test.sh, layer "engines").
//
//   node --test tests/engines/                       all three engines
//   AUTOML_ENGINES=firefox node --test tests/engines/  only some (a comma-separated list)
//
// The production page (www/) is served: bash scripts/build-wasm.sh first. The engines' browsers
// and drivers: bash scripts/setup.sh --engines.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { $, ENGINES, ROOT, TEST_DATA, useBrowser } from "../browser/harness.mjs";

/** The engines to run: $AUTOML_ENGINES (comma-separated), else all three. */
const chosen = (process.env.AUTOML_ENGINES || ENGINES.join(","))
  .split(",")
  .map((name) => name.trim())
  .filter(Boolean);
for (const name of chosen) assert.ok(ENGINES.includes(name), `AUTOML_ENGINES: ${name} is not one of ${ENGINES.join(", ")}`);

/** The first `n` rows of a sample (with its header), as the page's samples hold them. */
async function sampleHead(name, n) {
  const text = await readFile(path.join(ROOT, "www", "samples", `${name}.csv`), "utf8");
  return `${text.split(/\r?\n/).slice(0, n + 1).join("\n")}\n`;
}

/** `text` as a regular expression that matches it literally. */
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A minimal CSV reader for the downloads (quoted fields, doubled quotes, CRLF). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else if (c !== "\r") field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

for (const engine of chosen) {
  describe(engine, () => {
    const browser = useBrowser({ engine });
    const { text, waitForText, openApp, loadSample, leaderboardRows, leaderboardScores, bestScore, runAndWaitForBest } = browser;

    /** Predicts `csv` (named `name`) with the page's model; the table's predictions as shown. */
    async function predictCsv(name, csv) {
      await browser.page.locator($("predict-input")).setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
      await waitForText("predict-status", new RegExp(`rows of ${name.replace(/\./g, "\\.")} predicted`), 30_000);
      return browser.page.locator(`${$("predictions-table")} tbody tr`).evaluateAll((trs) => trs.map((tr) => tr.querySelector("td.prediction").textContent));
    }

    /** Clicks `testId` and returns the file the page offered: { name, bytes }. */
    async function download(testId) {
      const page = browser.page;
      const click = () => page.locator($(testId)).click();
      if (engine !== "chromium") return page.download(click);
      const [offered] = await Promise.all([page.waitForEvent("download"), click()]);
      return { name: offered.suggestedFilename(), bytes: await readFile(await offered.path()) };
    }

    test(`${engine}: a sample, a short search, the leaderboard and the best model, predictions of a file, the model downloaded and loaded again`, async (t) => {
      await openApp();
      const version = engine === "chromium" ? browser.context.browser().version() : browser.engineVersion;
      t.diagnostic(`${engine} ${version}`);
      await loadSample("iris");
      assert.match(await text("data-summary"), /150 rows × 5 columns/);
      assert.equal(await browser.page.locator($("task-select")).inputValue(), "classification");

      // a short search: the leaderboard, best first, and the best model
      await runAndWaitForBest(4, 120_000);
      const rows = await leaderboardRows();
      assert.ok(rows >= 2, `at least 2 leaderboard rows, got ${rows}`);
      const scores = await leaderboardScores();
      for (let i = 1; i < scores.length; i += 1) {
        if (Number.isNaN(scores[i])) continue;
        assert.ok(scores[i] <= scores[i - 1], `the leaderboard is sorted best first: ${scores.slice(0, i + 1)}`);
      }
      const accuracy = await bestScore();
      assert.ok(accuracy >= 0.9, `cross-validated accuracy ≥ 0.9, got ${accuracy}`);
      assert.equal(accuracy, scores[0], "the best panel agrees with the top of the leaderboard");
      assert.notEqual((await text("best-label")).trim(), "");

      // predictions of a file the model has not seen: the first ten flowers are all setosa
      await browser.page.locator($("model-info")).waitFor({ state: "visible", timeout: 30_000 });
      assert.match(await text("model-target"), /target/);
      const flowers = await sampleHead("iris", 10);
      const shown = await predictCsv("flowers.csv", flowers);
      assert.deepEqual(shown, Array(10).fill("setosa"));
      const predictions = await download("download-predictions");
      assert.equal(predictions.name, "flowers-predictions.csv");
      const csv = parseCsv(predictions.bytes.toString("utf8"));
      assert.equal(csv.length, 11, "a header and ten rows");
      assert.ok(predictions.bytes.toString("utf8").startsWith("\uFEFFrow,"), "a UTF-8 byte-order mark first, for Excel");
      assert.deepEqual(csv.slice(1).map((r) => r[csv[0].indexOf("prediction")]), shown, "the CSV and the table agree");

      // the model, downloaded, and loaded again: the same predictions, byte for byte
      const model = await download("download-model");
      assert.equal(model.name, "target.automl");
      assert.ok(model.bytes.length > 100, `a model file of ${model.bytes.length} bytes`);
      await browser.page.locator($("model-input")).setInputFiles({ name: model.name, mimeType: "application/octet-stream", buffer: model.bytes });
      await waitForText("model-source", /the file target\.automl/, 30_000);
      await predictCsv("flowers.csv", flowers);
      assert.deepEqual((await download("download-predictions")).bytes, predictions.bytes, "the loaded model predicts the same file");

      // a model file made natively: this engine's wasm predicts the bits the native build wrote
      await browser.page.locator($("model-input")).setInputFiles(path.join(TEST_DATA, "model", "iris.automl"));
      await waitForText("model-source", /the file iris\.automl/, 30_000);
      await browser.page.locator($("predict-input")).setInputFiles(path.join(TEST_DATA, "iris.csv"));
      await waitForText("predict-status", /rows of iris\.csv predicted/, 30_000);
      const native = await readFile(path.join(TEST_DATA, "model", "iris_predictions.csv"));
      assert.deepEqual((await download("download-predictions")).bytes.toString("utf8"), native.toString("utf8"), "the committed native predictions, byte for byte");
      assert.equal(await browser.page.locator($("error")).isVisible(), false, "no error on the page");
    });

    if (engine !== "chromium") {
      // WebDriver reports no page error: the page's own record (engine-page.mjs) must hear the
      // events the browser fires at the page for one. (Dispatched here: an error thrown by a
      // script WebDriver runs belongs, in Firefox, to WebDriver's sandbox, not to the page.)
      test(`${engine}: the helper hears the page's error and unhandled-rejection events`, async () => {
        await openApp();
        await browser.page.evaluate(() => {
          window.dispatchEvent(new ErrorEvent("error", { message: "a probe of the error record", error: new Error("a probe") }));
          window.dispatchEvent(new PromiseRejectionEvent("unhandledrejection", {
            promise: Promise.resolve(),
            reason: new Error("a probe of the rejection record"),
          }));
        });
        const found = await browser.page.takeProblems();
        assert.ok(found.some((p) => /^page error: .*a probe of the error record/.test(p)), JSON.stringify(found));
        assert.ok(found.some((p) => /^unhandled rejection: a probe of the rejection record/.test(p)), JSON.stringify(found));
      });
      return;
    }

    // What an older engine lacks, made missing in Chromium before the page's scripts run (an
    // init script; WebDriver has none): the page says what is missing, from the catalogue, in
    // English and after the switch in Korean, instead of waiting forever.
    const LACKS = [
      {
        what: "module workers (Firefox before 114, Safari before 15)",
        code: "engine.no_module_workers",
        // a browser without them ignores { type: "module" }: worker.js then fails as a classic script
        init: () => {
          const Native = window.Worker;
          window.Worker = function Worker(url) {
            return new Native(url);
          };
        },
      },
      {
        what: "'wasm-unsafe-eval' (Safari before 16, Firefox before 102): compiling is refused as eval",
        code: "engine.wasm_blocked",
        init: () => {
          const refuse = () => Promise.reject(new WebAssembly.CompileError("WebAssembly.compileStreaming(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source of script in the following Content Security Policy directive"));
          WebAssembly.compileStreaming = refuse;
          WebAssembly.compile = refuse;
        },
      },
      {
        what: "WebAssembly",
        code: "engine.no_webassembly",
        init: () => {
          delete globalThis.WebAssembly;
        },
      },
    ];
    for (const lack of LACKS) {
      test(`${engine}: a browser without ${lack.what} is told so, in English and in Korean`, async () => {
        const page = browser.page;
        await page.addInitScript(lack.init);
        // the worker's own failure is reported on the console as well: expected here
        browser.tolerateConsole = () => true;
        await page.goto(browser.server.url);
        await page.locator($("error")).waitFor({ state: "visible", timeout: 30_000 });
        const [en, ko] = await Promise.all(["en", "ko"].map(async (lang) => JSON.parse(await readFile(path.join(ROOT, "www", "i18n", `${lang}.json`), "utf8"))[lack.code]));
        assert.equal((await text("error-message")).trim(), en.message);
        assert.equal((await text("error-hint")).trim(), en.hint);
        await waitForText("status", /^The engine stopped working$/);
        assert.equal(await page.locator($("start")).isDisabled(), true, "nothing to start");
        await page.locator($("language-select")).selectOption("ko");
        await waitForText("error-message", new RegExp(`^${escape(ko.message)}$`));
        assert.equal((await text("error-message")).trim(), ko.message);
        assert.equal((await text("error-hint")).trim(), ko.hint);
        // and back (the choice is remembered by the profile, which the next test shares)
        await page.locator($("language-select")).selectOption("en");
        await waitForText("error-hint", new RegExp(`^${escape(en.hint)}$`));
      });
    }
  });
}
