// Shared set-up of every browser test: a static server on 127.0.0.1 and a fresh Chromium
// profile (scripts/chromium.mjs), a record of everything that went wrong or went over the
// network, and helpers that read a page the way a person does (by data-testid). Test files
// that want one profile per file and a fresh page per test use `useBrowser()` in helpers.mjs,
// which is built on these. Not a test file itself (node --test only runs *.test.mjs).
//
// Two builds of the page are served: the production page, www/ (the default root), and the
// test build, build/test-www/ (TEST_WWW; `bash scripts/build-wasm.sh --test`), the same page
// plus the test hooks (window.__automl, the engine's trigger_panic and fault injection). Only
// the test files that use a hook serve the test build.
import { after, afterEach, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openServedProfile } from "../../scripts/chromium.mjs";

export const WWW = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "www");
export const HOSTILE = path.resolve(WWW, "..", "tests", "data", "hostile");
/** The test build of the page: www/ linked file by file, its own pkg/, and test-hooks.js. */
export const TEST_WWW = path.resolve(WWW, "..", "build", "test-www");

/** The selector of a `data-testid`. */
export const $ = (testId) => `[data-testid="${testId}"]`;

/**
 * Serves `root` and opens a fresh Chromium profile. The returned session collects, across
 * every page and worker of the context: `problems` (page errors, console errors not
 * tolerated, crashes, dialogs, requests to another origin) and `requests` (every request, in
 * order, as { url, method, postData, serviceWorker, resourceType }).
 */
export async function launch({ root = WWW, args = [], into = {} } = {}) {
  assert.ok(
    existsSync(path.join(root, "pkg", "automl.js")),
    root === TEST_WWW
      ? "build/test-www/pkg/automl.js is missing: build the test build first (bash scripts/build-wasm.sh --test)."
      : `${path.relative(path.resolve(WWW, ".."), root) || root}/pkg/automl.js is missing: build the wasm package first (bash scripts/build-wasm.sh).`,
  );
  if (root === TEST_WWW) {
    const missing = readdirSync(WWW).filter((name) => !existsSync(path.join(TEST_WWW, name)));
    assert.deepEqual(missing, [], "build/test-www/ links every file of www/ (rebuild it: bash scripts/build-wasm.sh --test)");
  }
  const { server, origin, context, close } = await openServedProfile({ root, args });
  const session = Object.assign(into, {
    server,
    origin,
    context,
    problems: [],
    requests: [],
    /** Console errors matching this predicate are expected (a test sets it). */
    tolerateConsole: null,
    /** Requests to another origin matching this predicate are expected (CSP tests). */
    tolerateOffOrigin: null,
    /** Pages opened with newPage() and not closed yet. */
    pages: new Set(),
  });
  context.on("request", (request) => {
    const url = new URL(request.url());
    session.requests.push({
      url: request.url(),
      method: request.method(),
      postData: request.postDataBuffer(),
      serviceWorker: Boolean(request.serviceWorker()),
      resourceType: request.resourceType(),
    });
    if (url.protocol === "data:" || url.protocol === "blob:") return;
    if (url.origin !== origin && !(session.tolerateOffOrigin && session.tolerateOffOrigin(url))) {
      session.problems.push(`request to another origin: ${request.url()}`);
    }
  });
  context.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    if (session.tolerateConsole && session.tolerateConsole(text)) return;
    const where = message.location();
    session.problems.push(`console error: ${text}${where && where.url ? ` (${where.url}:${where.lineNumber})` : ""}`);
  });
  context.on("weberror", (webError) => session.problems.push(`uncaught error: ${webError.error().message}`));

  session.newPage = async () => {
    const page = await context.newPage();
    session.pages.add(page);
    page.on("close", () => session.pages.delete(page));
    page.on("pageerror", (error) => session.problems.push(`page error: ${error.message}`));
    page.on("crash", () => session.problems.push("the page crashed"));
    page.on("dialog", (dialog) => {
      session.problems.push(`a dialog opened: ${dialog.type()} "${dialog.message()}"`);
      dialog.dismiss().catch(() => {});
    });
    return page;
  };
  /** Fails the test if anything went wrong; clears the record for the next test. */
  session.assertNoProblems = () => {
    const found = session.problems.splice(0);
    session.tolerateConsole = null;
    session.tolerateOffOrigin = null;
    assert.deepEqual(found, [], "no page errors, console errors, dialogs or off-origin requests");
  };
  session.close = close;
  return session;
}

/**
 * Registers the hooks of a test file that opens its own pages: one session (launch()) for the
 * file, every page it opened closed after each test, then `afterEachTest(session)` if given
 * (say, going back online), then the test fails on any problem recorded. Returns the session
 * (filled in once the file's `before` hook has run).
 */
export function useSession({ afterEachTest, ...options } = {}) {
  const session = {};
  before(async () => {
    await launch({ ...options, into: session });
  });
  after(async () => {
    if (session.close) await session.close();
  });
  afterEach(async () => {
    for (const page of [...session.pages]) await page.close();
    if (afterEachTest) await afterEachTest(session);
    session.assertNoProblems();
  });
  return session;
}

/** Helpers bound to one page, as in page.test.mjs. */
export function pageHelpers(page, session) {
  const h = {
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
    async openApp(url = session.server.url) {
      await page.goto(url);
      await h.waitForText("status", /^Engine ready \(version .+\)$/, 30_000);
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
    async upload(name, buffer) {
      await page.locator($("file-input")).setInputFiles({ name, mimeType: "text/csv", buffer });
      await h.waitForText("status", /^(Loaded|Could not load) /, 30_000);
    },
    async leaderboardRows() {
      return page.locator(`${$("leaderboard-body")} tr`).count();
    },
    async runAndWaitForBest(budgetS, timeout = 60_000) {
      await page.locator($("budget-input")).fill(String(budgetS));
      await page.locator($("start")).click();
      await page.locator($("best-panel")).waitFor({ state: "visible", timeout });
      await h.waitForText("status", /^Done/);
    },
  };
  return h;
}
