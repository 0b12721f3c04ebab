// The one set-up of every browser test: `useBrowser(options)`, called once at the top of a test
// file (twice in a file that needs two profiles), registers the file's hooks and returns the
// browser: a static server on 127.0.0.1 and a fresh Chromium profile (scripts/chromium.mjs),
// started when the file first needs a page, a record of everything that went wrong or went over
// the network, and helpers that read a page the way a person does (by data-testid). Not a test
// file itself (node --test only runs *.test.mjs).
//
// Every test fails on an uncaught page error, on any console error (worker included), on a
// dialog, and on any request that leaves the page's own origin.
//
// Two builds of the page are served: the production page, www/ (the default), and the test
// build, build/test-www/ (`useBrowser({ testBuild: true })`; `bash scripts/build-wasm.sh
// --test`), the same page plus the test hooks (window.__automl, the engine's trigger_panic and
// fault injection). Only the test files that use a hook serve the test build.
import { after, afterEach, before, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openServedProfile } from "../../scripts/chromium.mjs";
import { WEBDRIVER_ENGINES, openEngine } from "../../scripts/webdriver.mjs";
import { EnginePage } from "./engine-page.mjs";

export const WWW = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "www");
export const ROOT = path.resolve(WWW, "..");
export const TEST_DATA = path.join(ROOT, "tests", "data");
export const HOSTILE = path.join(TEST_DATA, "hostile");
/** The test build of the page: www/ linked file by file, its own pkg/, and test-hooks.js. */
export const TEST_WWW = path.join(ROOT, "build", "test-www");

/** The selector of a `data-testid`. */
export const $ = (testId) => `[data-testid="${testId}"]`;

/** How useBrowser opens pages: for each test, one for the whole file, or none (tests open their own). */
const PAGE_MODES = new Set(["each", "shared", "none"]);

/** The browser engines: Chromium through Playwright, the others over WebDriver (scripts/webdriver.mjs). */
export const ENGINES = Object.freeze(["chromium", ...WEBDRIVER_ENGINES]);

/**
 * Registers the hooks of a test file and returns its browser. Options:
 * - `testBuild: true` serves the test build (build/test-www/) instead of www/; `root` serves
 *   another directory (a path, or a function that returns one when the profile starts, such
 *   as a copy of www/ a test rebuilds).
 * - `page`: "each" (the default) opens a fresh page before each test (`browser.page`);
 *   "shared" opens one page for the whole file, kept between tests; "none" opens none: the
 *   tests open their own with `browser.newPage()` (several, or in a given order). Every page
 *   a test opened is closed after it.
 * - `openApp: true`: the page useBrowser opens ("each" or "shared") starts on the app, ready
 *   (openApp()). A file's own `before` hook cannot do that for a shared page: node runs the
 *   top-level `before` hooks of a file at once, side by side.
 * - `workers: N`: the pool's size, `?workers=N` in the address openApp() opens (a test hook of
 *   the page); openApp({ workers }) overrides it for one page.
 * - `locale`: the browser's language (navigator.languages, Accept-Language), such as "ko-KR";
 *   by default Chromium's own (English here).
 * - `offline: true`: the tests take the browser offline (`browser.context.setOffline(true)`);
 *   it goes back online after each test, before the check for problems.
 * - `engine`: "chromium" (the default: Debian's Chromium through Playwright), "firefox"
 *   (Firefox ESR through geckodriver) or "webkit" (WebKitGTK's MiniBrowser through
 *   WebKitWebDriver, on a virtual display): the other two are driven over WebDriver, and
 *   `browser.page` is then an EnginePage (engine-page.mjs), the part of Playwright's Page the
 *   page helpers use. What WebDriver cannot see: console messages and errors inside a worker
 *   (the page records its own errors, see engine-page.mjs), and requests to another origin
 *   (the server records the requests it answers, in `requests`); there is no `context`, and
 *   no `offline`. `browser.engineVersion` is the browser's version.
 *
 * The profile starts when the first page is opened, so a file's tests that need no browser
 * start none, and closes after the file. After each test: the test's pages are closed, and
 * the test fails on any problem recorded (then the record and the tolerances are cleared).
 *
 * The browser: `page`, `server`, `origin`, `context`, `requests` (every request, in order, as
 * { url, method, postData, serviceWorker, resourceType }), `problems`, `tolerateConsole` and
 * `tolerateOffOrigin` (predicates a test sets for console errors or requests to another origin
 * it expects), `newPage()`, `assertNoProblems()`, `close()`, and the page helpers of
 * pageHelpers() bound to `browser.page`.
 */
export function useBrowser({
  testBuild = false,
  root = testBuild ? TEST_WWW : WWW,
  page = "each",
  openApp = false,
  workers = null,
  offline = false,
  locale = undefined,
  engine = "chromium",
} = {}) {
  assert.ok(PAGE_MODES.has(page), `useBrowser: page is one of ${[...PAGE_MODES].join(", ")}`);
  assert.ok(ENGINES.includes(engine), `useBrowser: engine is one of ${ENGINES.join(", ")}`);
  const webdriver = engine !== "chromium";
  assert.ok(!(webdriver && offline), "useBrowser: offline is for Chromium only");
  /** The running profile: { server, origin, context, close }, or a promise of it. */
  let profile = null;

  const browser = {
    /** The page of the running test ("each") or of the file ("shared"). */
    page: null,
    server: null,
    origin: null,
    context: null,
    engine,
    /** The browser's version (WebDriver engines; Chromium's is `context.browser().version()`). */
    engineVersion: null,
    workers,
    problems: [],
    requests: [],
    /** Console errors matching this predicate are expected (a test sets it). */
    tolerateConsole: null,
    /** Requests to another origin matching this predicate are expected (CSP tests). */
    tolerateOffOrigin: null,
    /** Pages opened and not closed yet. */
    pages: new Set(),

    /** Opens a page in the profile (starting the profile first if needed). */
    async newPage() {
      if (!profile) profile = start(typeof root === "function" ? root() : root);
      const opened = await profile;
      if (webdriver) return newEnginePage(opened);
      const p = await browser.context.newPage();
      browser.pages.add(p);
      p.on("close", () => browser.pages.delete(p));
      p.on("pageerror", (error) => browser.problems.push(`page error: ${error.message}`));
      p.on("crash", () => browser.problems.push("the page crashed"));
      p.on("dialog", (dialog) => {
        browser.problems.push(`a dialog opened: ${dialog.type()} "${dialog.message()}"`);
        dialog.dismiss().catch(() => {});
      });
      return p;
    },

    /** Fails the test if anything went wrong; clears the record for the next test. */
    assertNoProblems() {
      const found = browser.problems.splice(0);
      browser.tolerateConsole = null;
      browser.tolerateOffOrigin = null;
      assert.deepEqual(found, [], "no page errors, console errors, dialogs or off-origin requests");
    },

    /** Closes the profile and its server (the next page starts a new one). */
    async close() {
      const running = profile;
      profile = null;
      browser.page = null;
      // (a profile that failed to start has nothing to close; its test already failed)
      if (running) await running.then((opened) => opened.close(), () => {});
    },
  };

  /** Serves `dir` and opens a fresh profile that records requests and problems. */
  async function start(dir) {
    checkBuilt(dir);
    if (webdriver) {
      const opened = await openEngine({
        engine,
        root: dir,
        locale,
        onRequest: (url) => {
          browser.requests.push({ url: `${browser.origin}${url}`, method: "GET", postData: null, serviceWorker: false, resourceType: "" });
        },
      });
      Object.assign(browser, { server: opened.server, origin: opened.origin, engineVersion: opened.version });
      const [home] = await opened.session.windows();
      await opened.session.setTimeouts({ script: 130_000, pageLoad: 120_000, implicit: 0 });
      return { ...opened, engine, home, homeInUse: false };
    }
    const opened = await openServedProfile({ root: dir, locale });
    const { origin, context } = opened;
    Object.assign(browser, { server: opened.server, origin, context });
    context.on("request", (request) => {
      const url = new URL(request.url());
      browser.requests.push({
        url: request.url(),
        method: request.method(),
        postData: request.postDataBuffer(),
        serviceWorker: Boolean(request.serviceWorker()),
        resourceType: request.resourceType(),
      });
      if (url.protocol === "data:" || url.protocol === "blob:") return;
      if (url.origin !== origin && !(browser.tolerateOffOrigin && browser.tolerateOffOrigin(url))) {
        browser.problems.push(`request to another origin: ${request.url()}`);
      }
    });
    context.on("console", (message) => {
      if (message.type() !== "error") return;
      const text = message.text();
      if (browser.tolerateConsole && browser.tolerateConsole(text)) return;
      const where = message.location();
      browser.problems.push(`console error: ${text}${where && where.url ? ` (${where.url}:${where.lineNumber})` : ""}`);
    });
    context.on("weberror", (webError) => browser.problems.push(`uncaught error: ${webError.error().message}`));
    return opened;
  }

  /**
   * A page of a WebDriver engine: a new window of the session (or its first window, where
   * the driver cannot open another), whose recorded errors join the problems when it closes.
   * @param {any} opened
   */
  async function newEnginePage(opened) {
    let handle = null;
    try {
      handle = await opened.session.newWindow();
    } catch {
      assert.ok(!opened.homeInUse, `${engine}: one page at a time (the driver cannot open a window)`);
      handle = opened.home;
      opened.homeInUse = true;
    }
    const p = new EnginePage(opened, handle, (found) => {
      browser.pages.delete(p);
      if (handle === opened.home) opened.homeInUse = false;
      for (const problem of found) {
        if (problem.startsWith("console error: ") && browser.tolerateConsole && browser.tolerateConsole(problem.slice(15))) continue;
        browser.problems.push(problem);
      }
    });
    browser.pages.add(p);
    return p;
  }

  /** Fails unless `dir` holds a built page. */
  function checkBuilt(dir) {
    assert.ok(
      existsSync(path.join(dir, "pkg", "automl.js")),
      dir === TEST_WWW
        ? "build/test-www/pkg/automl.js is missing: build the test build first (bash scripts/build-wasm.sh --test)."
        : `${path.relative(ROOT, dir) || dir}/pkg/automl.js is missing: build the wasm package first (bash scripts/build-wasm.sh).`,
    );
    if (dir === TEST_WWW) {
      const missing = readdirSync(WWW).filter((name) => !existsSync(path.join(TEST_WWW, name)));
      assert.deepEqual(missing, [], "build/test-www/ links every file of www/ (rebuild it: bash scripts/build-wasm.sh --test)");
    }
  }

  // The page helpers, bound to the page of the moment.
  const bound = () => {
    assert.ok(browser.page, "no page: this browser's tests open their own (useBrowser({ page: \"none\" }))");
    return pageHelpers(browser.page, browser);
  };
  for (const name of Object.keys(pageHelpers(null, browser))) {
    browser[name] = (...args) => bound()[name](...args);
  }

  /** The page of a test or of the file, on the app if asked. */
  const openOwnPage = async () => {
    browser.page = await browser.newPage();
    if (openApp) await browser.openApp();
  };
  if (page === "each") beforeEach(openOwnPage);
  else if (page === "shared") before(openOwnPage);
  afterEach(async () => {
    for (const p of [...browser.pages]) {
      if (page !== "shared" || p !== browser.page) await p.close();
    }
    if (page === "each") browser.page = null;
    // a WebDriver engine's page kept open (page: "shared"): the errors it recorded so far
    for (const p of browser.pages) if (p instanceof EnginePage) browser.problems.push(...(await p.takeProblems()));
    if (offline && profile) await browser.context.setOffline(false);
    browser.assertNoProblems();
  });
  after(() => browser.close());
  return browser;
}

/**
 * Helpers bound to one page of `browser` (useBrowser binds them to `browser.page`; a test that
 * opens pages of its own gets them with `pageHelpers(page, browser)`).
 */
export function pageHelpers(page, browser) {
  const h = {
    // ---- reading the page ----------------------------------------------------------------------

    async text(testId) {
      return (await page.locator($(testId)).textContent()) ?? "";
    },

    async waitForText(testId, pattern, timeout = 15_000) {
      await page.waitForFunction(
        ({ selector, source, flags }) => {
          const node = document.querySelector(selector);
          return Boolean(node) && new RegExp(source, flags).test(node.textContent);
        },
        { selector: $(testId), source: pattern.source, flags: pattern.flags },
        { timeout },
      );
    },

    /**
     * Opens the page (with `?workers=N` when the browser or this call says so) and waits until
     * the engine is ready; a fresh page shows no error.
     */
    async openApp({ workers = browser.workers } = {}) {
      await page.goto(workers ? `${browser.server.url}?workers=${workers}` : browser.server.url);
      await page.waitForFunction(() => document.querySelector("#status").dataset.state === "ready", null, { timeout: 30_000 });
      // the test build's hooks reach the results views, which load once the engine is ready
      await page.evaluate(() => window.__automl && window.__automl.partsLoaded);
      assert.equal(await page.locator($("error")).isVisible(), false, "no error box on a fresh page");
    },

    /** Waits until the service worker controls the page (its cache is then complete). */
    async waitForOffline() {
      await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, {
        timeout: 30_000,
      });
      await page.locator($("offline-note")).waitFor({ state: "visible", timeout: 30_000 });
    },

    async loadSample(id) {
      await page.waitForFunction((sel) => !document.querySelector(sel).disabled, $("sample-select"));
      await page.locator($("sample-select")).selectOption(id);
      await page.locator($("load-sample")).click();
      await h.waitForText("status", /^Loaded /);
      await page.locator($("preview-table")).waitFor({ state: "visible" });
    },

    /**
     * Picks a file with the file input. `upload(name, buffer)`: CSV bytes, then waits until
     * the page has loaded or refused them. `upload(file)`: `{ name, buffer, mimeType }` or a
     * path on disk, and returns at once (the test waits for what it expects).
     */
    async upload(file, buffer) {
      if (buffer === undefined) {
        await page.locator($("file-input")).setInputFiles(file);
        return;
      }
      await page.locator($("file-input")).setInputFiles({ name: file, mimeType: "text/csv", buffer });
      await h.waitForText("status", /^(Loaded|Could not load) /, 30_000);
    },

    /** Upload CSV text as `name` and wait until it is loaded. */
    async uploadCsv(name, csv) {
      await h.upload({ name, mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
      await h.waitForText("status", new RegExp(`^Loaded ${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    },

    async headers() {
      return page.locator(`${$("preview-table")} thead th`).allTextContents();
    },

    async selectedText(testId) {
      return page.locator(`${$(testId)} option:checked`).textContent();
    },

    // ---- running -------------------------------------------------------------------------------

    async leaderboardRows() {
      return page.locator(`${$("leaderboard-body")} tr`).count();
    },

    /** Sets the budget, presses Start and waits for the best model; Start and Stop are as after a run. */
    async runAndWaitForBest(budgetS, timeout = 60_000) {
      await page.locator($("budget-input")).fill(String(budgetS));
      await page.locator($("start")).click();
      await page.locator($("best-panel")).waitFor({ state: "visible", timeout });
      await h.waitForText("status", /^Done/);
      assert.equal(await page.locator($("start")).isEnabled(), true, "Start is enabled after a run");
      assert.equal(await page.locator($("stop")).isEnabled(), false, "Stop is disabled after a run");
    },

    /** The mean in the best panel, parsed from what is shown ("0.953 ± 0.027"). */
    async bestScore() {
      const shown = await h.text("best-score");
      const match = shown.match(/(-?\d+\.\d{3})\s*±\s*(\d+\.\d{3})/);
      assert.ok(match, `best score looks like "mean ± std", got "${shown}"`);
      return Number(match[1]);
    },

    /** Scores in the leaderboard as shown, top to bottom. */
    async leaderboardScores() {
      const cells = await page.locator(`${$("leaderboard-body")} tr td.score`).allTextContents();
      return cells.map((cell) => Number.parseFloat(cell));
    },

    // ---- the data profile and the target check -------------------------------------------------

    /** The profile row of column `name`. */
    profileRow(name) {
      return page.locator(`${$("profile-body")} tr[data-name="${name.replace(/["\\]/g, "\\$&")}"]`);
    },

    /** Column names in the profile, in order. */
    async profileNames() {
      return page.locator(`${$("profile-body")} tr`).evaluateAll((rows) => rows.map((row) => row.dataset.name));
    },

    /** Wait until the target check shown is for the current choices (not "Checking…"). */
    async waitForCheck(timeout = 15_000) {
      await page.waitForFunction(
        (sel) => {
          const node = document.querySelector(sel);
          return Boolean(node) && !node.hidden && node.dataset.state !== "checking";
        },
        $("target-check"),
        { timeout },
      );
    },

    /**
     * Record what the page sends to the engine: `window.__sent.{inspect,checkTarget,run}` get a
     * copy of each request's options or settings (the bridge itself is unchanged). Test build
     * only (window.__automl).
     */
    async recordRequests() {
      await page.evaluate(() => {
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
    },

    async sentRequests() {
      return page.evaluate(() => window.__sent);
    },
  };
  return h;
}
