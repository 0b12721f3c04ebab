// Shared set-up for the browser tests: one static server and one fresh persistent Chromium
// context per test file, a new page per test, and helpers that read the page the way a person
// does (by data-testid). Needs the wasm package (bash scripts/build-wasm.sh).
//
// Every test fails on an uncaught page error, on any console error (worker included), and on
// any request that leaves the page's own origin.
import { after, afterEach, before, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../../scripts/serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, "..", "..");
export const WWW = path.join(ROOT, "www");
export const TEST_DATA = path.join(ROOT, "tests", "data");

/** The selector of an element by its data-testid. */
export const $ = (testId) => `[data-testid="${testId}"]`;

/**
 * Registers the hooks for a test file and returns the browser state plus helpers bound to
 * the current page. `browser.page` is the page of the running test; set
 * `browser.tolerateConsole` to a predicate for console errors a test expects.
 */
export function useBrowser() {
  let server;
  let context;
  let userDataDir;
  let origin;
  /** Everything that went wrong in the current test (off-origin requests, errors). */
  let problems = [];

  const browser = {
    page: null,
    tolerateConsole: null,
    get server() {
      return server;
    },
    get origin() {
      return origin;
    },
  };

  before(async () => {
    assert.ok(
      existsSync(path.join(WWW, "pkg", "automl.js")),
      "www/pkg/automl.js is missing: build the wasm package first (bash scripts/build-wasm.sh).",
    );
    server = await startServer({ root: WWW, port: 0 });
    origin = new URL(server.url).origin;
    userDataDir = await mkdtemp(path.join(os.tmpdir(), "automl-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    context.on("request", (request) => {
      const url = new URL(request.url());
      if (url.protocol === "data:" || url.protocol === "blob:") return;
      if (url.origin !== origin) problems.push(`request to another origin: ${request.url()}`);
    });
    // Context-level console events include the page's workers.
    context.on("console", (message) => {
      if (message.type() !== "error") return;
      const text = message.text();
      if (browser.tolerateConsole && browser.tolerateConsole(text)) return;
      const where = message.location();
      problems.push(`console error: ${text}${where && where.url ? ` (${where.url}:${where.lineNumber})` : ""}`);
    });
    context.on("weberror", (webError) => problems.push(`uncaught error: ${webError.error().message}`));
  });

  after(async () => {
    if (context) await context.close();
    if (server) await server.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    problems = [];
    browser.tolerateConsole = null;
    const page = await context.newPage();
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("crash", () => problems.push("the page crashed"));
    browser.page = page;
  });

  afterEach(async () => {
    if (browser.page) await browser.page.close();
    browser.page = null;
    assert.deepEqual(problems, [], "no page errors, console errors or off-origin requests");
  });

  const page = () => browser.page;

  // ---- reading the page ----------------------------------------------------------------------

  browser.text = async (testId) => (await page().locator($(testId)).textContent()) ?? "";

  browser.waitForText = async (testId, pattern, timeout = 15_000) => {
    await page().waitForFunction(
      ({ selector, source, flags }) => {
        const node = document.querySelector(selector);
        return Boolean(node) && new RegExp(source, flags).test(node.textContent);
      },
      { selector: $(testId), source: pattern.source, flags: pattern.flags },
      { timeout },
    );
  };

  browser.openApp = async () => {
    await page().goto(server.url);
    await browser.waitForText("status", /^Engine ready \(version .+\)$/, 30_000);
    assert.equal(await page().locator($("error")).isVisible(), false, "no error box on a fresh page");
  };

  browser.loadSample = async (id) => {
    const select = page().locator($("sample-select"));
    await page().waitForFunction((sel) => !document.querySelector(sel).disabled, $("sample-select"));
    await select.selectOption(id);
    await page().locator($("load-sample")).click();
    await browser.waitForText("status", /^Loaded /);
    await page().locator($("preview-table")).waitFor({ state: "visible" });
  };

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

  browser.leaderboardRows = async () => page().locator(`${$("leaderboard-body")} tr`).count();

  /** The mean in the best panel, parsed from what is shown ("0.953 ± 0.027"). */
  browser.bestScore = async () => {
    const shown = await browser.text("best-score");
    const match = shown.match(/(-?\d+\.\d{3})\s*±\s*(\d+\.\d{3})/);
    assert.ok(match, `best score looks like "mean ± std", got "${shown}"`);
    return Number(match[1]);
  };

  browser.runAndWaitForBest = async (budgetS, timeout = 60_000) => {
    await page().locator($("budget-input")).fill(String(budgetS));
    await page().locator($("start")).click();
    await page().locator($("best-panel")).waitFor({ state: "visible", timeout });
    await browser.waitForText("status", /^Done/);
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
   * copy of each request's options or settings (the bridge itself is unchanged).
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
