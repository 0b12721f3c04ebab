// `useBrowser()`: one static server and one fresh Chromium profile per test file
// (useSession() in harness.mjs), a new page per test, and helpers that read the page the way a person does
// (by data-testid). Needs the wasm package (bash scripts/build-wasm.sh), and for
// `useBrowser({ root: TEST_WWW })` the test build (bash scripts/build-wasm.sh --test).
//
// Every test fails on an uncaught page error, on any console error (worker included), on a
// dialog, and on any request that leaves the page's own origin.
import { beforeEach } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { $, pageHelpers, TEST_WWW, useSession, WWW } from "./harness.mjs";

export { $, TEST_WWW, WWW };
export const ROOT = path.resolve(WWW, "..");
export const TEST_DATA = path.join(ROOT, "tests", "data");

/**
 * Registers the hooks for a test file and returns the browser state plus helpers bound to
 * the current page. `browser.page` is the page of the running test; set
 * `browser.tolerateConsole` to a predicate for console errors a test expects. `root` is the
 * build served: www/ (the production page) unless a test needs the test hooks (TEST_WWW).
 */
export function useBrowser({ root = WWW } = {}) {
  const session = useSession({ root });
  /** pageHelpers of the running test's page. */
  let h;

  const browser = {
    page: null,
    get server() {
      return session.server;
    },
    get origin() {
      return session.origin;
    },
    get tolerateConsole() {
      return session.tolerateConsole;
    },
    set tolerateConsole(predicate) {
      session.tolerateConsole = predicate;
    },
  };

  beforeEach(async () => {
    browser.page = await session.newPage();
    h = pageHelpers(browser.page, session);
  });

  const page = () => browser.page;

  // ---- reading the page ----------------------------------------------------------------------

  browser.text = (testId) => h.text(testId);

  browser.waitForText = (testId, pattern, timeout) => h.waitForText(testId, pattern, timeout);

  browser.openApp = async () => {
    await h.openApp();
    assert.equal(await page().locator($("error")).isVisible(), false, "no error box on a fresh page");
  };

  browser.loadSample = (id) => h.loadSample(id);

  /** Pick a file with the file input: `{ name, buffer, mimeType }` or a path on disk. */
  browser.upload = async (file) => {
    await page().locator($("file-input")).setInputFiles(file);
  };

  /** Upload CSV text as `name` and wait until it is loaded. */
  browser.uploadCsv = async (name, csv) => {
    await browser.upload({ name, mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
    await browser.waitForText("status", new RegExp(`^Loaded ${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  };

  browser.headers = async () => page().locator(`${$("preview-table")} thead th`).allTextContents();

  browser.selectedText = async (testId) => page().locator(`${$(testId)} option:checked`).textContent();

  browser.leaderboardRows = () => h.leaderboardRows();

  /** The mean in the best panel, parsed from what is shown ("0.953 ± 0.027"). */
  browser.bestScore = async () => {
    const shown = await browser.text("best-score");
    const match = shown.match(/(-?\d+\.\d{3})\s*±\s*(\d+\.\d{3})/);
    assert.ok(match, `best score looks like "mean ± std", got "${shown}"`);
    return Number(match[1]);
  };

  browser.runAndWaitForBest = async (budgetS, timeout) => {
    await h.runAndWaitForBest(budgetS, timeout);
    assert.equal(await page().locator($("start")).isEnabled(), true, "Start is enabled after a run");
    assert.equal(await page().locator($("stop")).isEnabled(), false, "Stop is disabled after a run");
  };

  /** Scores in the leaderboard as shown, top to bottom. */
  browser.leaderboardScores = async () => {
    const cells = await page().locator(`${$("leaderboard-body")} tr td.score`).allTextContents();
    return cells.map((cell) => Number.parseFloat(cell));
  };

  // ---- the data profile and the target check ---------------------------------------------------

  /** The profile row of column `name`. */
  browser.profileRow = (name) =>
    page().locator(`${$("profile-body")} tr[data-name="${name.replace(/["\\]/g, "\\$&")}"]`);

  /** Column names in the profile, in order. */
  browser.profileNames = async () =>
    page().locator(`${$("profile-body")} tr`).evaluateAll((rows) => rows.map((row) => row.dataset.name));

  /** Wait until the target check shown is for the current choices (not "Checking…"). */
  browser.waitForCheck = async (timeout = 15_000) => {
    await page().waitForFunction(
      (sel) => {
        const node = document.querySelector(sel);
        return Boolean(node) && !node.hidden && node.dataset.state !== "checking";
      },
      $("target-check"),
      { timeout },
    );
  };

  /**
   * Record what the page sends to the engine: `window.__sent.{inspect,checkTarget,run}` get a
   * copy of each request's options or settings (the bridge itself is unchanged). Test build
   * only (window.__automl).
   */
  browser.recordRequests = async () => {
    await page().evaluate(() => {
      const bridge = window.__automl.bridge;
      window.__sent = { inspect: [], checkTarget: [], run: [] };
      for (const name of Object.keys(window.__sent)) {
        const original = bridge[name].bind(bridge);
        bridge[name] = (...args) => {
          window.__sent[name].push(JSON.parse(JSON.stringify(args[2] ?? null)));
          return original(...args);
        };
      }
    });
  };

  browser.sentRequests = async () => page().evaluate(() => window.__sent);

  return browser;
}
