// A page of Firefox ESR or WebKitGTK, driven over WebDriver (scripts/webdriver.mjs), behind the
// subset of Playwright's Page and Locator that the browser tests and the page helpers of
// harness.mjs use (goto, evaluate, waitForFunction, locator(...).click/fill/selectOption/
// setInputFiles/textContent/isVisible/waitFor/…), so one test runs unchanged in the three
// engines (useBrowser({ engine })). Not a test file itself.
//
// What differs from Playwright: WebDriver reports no console message, page error or request of
// the page, so each page records its own errors (an `error` and `unhandledrejection` listener
// and console.error, installed after each navigation: anything logged before that, or inside a
// worker, is seen only through what the page shows, such as its error box), and the server
// records the requests it answers. Functions passed to evaluate() are sent as their source, as
// Playwright does: they cannot close over test variables.
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ELEMENT_KEY, WebDriverError } from "../../scripts/webdriver.mjs";

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Playwright's default timeout for actions and waits. */
const DEFAULT_TIMEOUT = 30_000;

/** Installed in the page after each navigation: its errors, for assertNoProblems(). */
const RECORDER = `
  if (!window.__engineProblems) {
    const problems = [];
    window.__engineProblems = problems;
    window.addEventListener("error", (event) => problems.push("page error: " + (event.message || event.error)));
    window.addEventListener("unhandledrejection", (event) => {
      const reason = event.reason;
      problems.push("unhandled rejection: " + (reason && reason.message ? reason.message : String(reason)));
    });
    const original = console.error;
    console.error = function (...args) {
      problems.push("console error: " + args.map((arg) => (arg && arg.message ? arg.message : String(arg))).join(" "));
      return original.apply(this, args);
    };
  }
`;

/**
 * A function (or a function's source text) as the text of an expression to call.
 * @param {Function|string} fn
 */
function callText(fn) {
  return `(${fn.toString()})`;
}

/** A page (one window of the session). */
export class EnginePage {
  /**
   * @param {{ session: import("../../scripts/webdriver.mjs").Session, downloads: string, engine: string }} profile
   * @param {string} handle the window
   * @param {(problems: string[]) => void} onClose hears the page's last recorded errors
   */
  constructor(profile, handle, onClose) {
    this.profile = profile;
    this.session = profile.session;
    this.handle = handle;
    this.onClose = onClose;
    this.closed = false;
    /** @type {string | null} a directory of files chosen with setInputFiles */
    this.uploads = null;
  }

  /** Makes this page's window the session's current one. */
  async use() {
    await this.session.switchTo(this.handle);
  }

  /** @param {string} url */
  async goto(url) {
    await this.use();
    await this.session.navigate(url);
    await this.session.execute(RECORDER);
  }

  /**
   * Runs `fn(arg)` in the page (awaiting a promise it returns) and returns its result.
   * @param {Function|string} fn
   * @param {any} [arg]
   */
  async evaluate(fn, arg) {
    await this.use();
    const script = `
      const done = arguments[arguments.length - 1];
      try {
        Promise.resolve(${callText(fn)}(arguments[0])).then(
          (value) => done({ ok: true, value: value === undefined ? null : value }),
          (error) => done({ ok: false, error: String(error && error.stack ? error.message + "\\n" + error.stack : error) }),
        );
      } catch (error) {
        done({ ok: false, error: String(error && error.message ? error.message : error) });
      }`;
    const result = await this.session.executeAsync(script, [arg === undefined ? null : arg]);
    if (!result || !result.ok) throw new Error(`page.evaluate: ${result ? result.error : "no result"}`);
    return result.value;
  }

  /**
   * Waits until `fn(arg)` is truthy in the page (polled), and returns its value.
   * @param {Function|string} fn
   * @param {any} [arg]
   * @param {{ timeout?: number, polling?: number }} [options]
   */
  async waitForFunction(fn, arg, { timeout = DEFAULT_TIMEOUT, polling = 100 } = {}) {
    const deadline = Date.now() + timeout;
    let lastError = null;
    for (;;) {
      try {
        const value = await this.evaluate(fn, arg);
        if (value) return value;
        lastError = null;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > deadline) {
        throw new Error(`waitForFunction: timed out after ${timeout} ms: ${String(fn).slice(0, 200)}${lastError ? ` (${lastError.message})` : ""}`);
      }
      await sleep(polling);
    }
  }

  /** @param {string} selector */
  locator(selector) {
    return new EngineLocator(this, selector, null);
  }

  /** @param {{ path?: string }} [options] */
  async screenshot({ path: file } = {}) {
    await this.use();
    const png = await this.session.screenshot();
    if (file) await writeFile(file, png);
    return png;
  }

  /**
   * Runs `action` (a click) and returns the file the browser saved: { name, bytes }. The page
   * offers a download by clicking an <a download> with a blob: URL (results.js download()):
   * an observer of the page's body sees the anchor (its name), and the file is read from the
   * profile's download directory once the browser has saved it there. (The page's own
   * Content-Security-Policy, connect-src 'self', keeps a script from reading the blob: URL.)
   * @param {() => Promise<unknown>} action
   * @param {{ timeout?: number }} [options]
   */
  async download(action, { timeout = DEFAULT_TIMEOUT } = {}) {
    await this.evaluate(() => {
      const seen = [];
      window.__engineDownloads = seen;
      if (window.__engineDownloadObserver) window.__engineDownloadObserver.disconnect();
      const observer = new MutationObserver((records) => {
        for (const record of records) {
          for (const node of record.addedNodes) {
            if (node.nodeName === "A" && node.download && node.href.startsWith("blob:")) seen.push(node.download);
          }
        }
      });
      observer.observe(document.body, { childList: true });
      window.__engineDownloadObserver = observer;
    });
    const dir = this.profile.downloads;
    const before = new Set(await readdir(dir));
    await action();
    const name = await this.waitForFunction(() => window.__engineDownloads && window.__engineDownloads[0], null, { timeout });
    const deadline = Date.now() + timeout;
    for (;;) {
      // a second download of the same name is saved as "name(1).ext" (Firefox) or "name (1).ext"
      const stem = name.replace(/\.[^.]*$/, "");
      const fresh = (await readdir(dir)).filter((f) => !before.has(f) && f.startsWith(stem) && !/\.(part|download)$/.test(f));
      if (fresh.length > 0) {
        const file = path.join(dir, fresh[0]);
        // written in full once its size stops changing
        const first = await readFile(file);
        await sleep(200);
        const bytes = await readFile(file);
        if (bytes.length > 0 && bytes.equals(first)) {
          // taken away, so that the next download of the same name is seen (WebKit overwrites)
          await rm(file, { force: true });
          return { name, bytes, saved: fresh[0] };
        }
      }
      if (Date.now() > deadline) throw new Error(`download: ${name} was not saved in ${dir} (it holds ${(await readdir(dir)).join(", ") || "nothing"})`);
      await sleep(100);
    }
  }

  /** The errors the page recorded since the last call. */
  async takeProblems() {
    if (this.closed) return [];
    try {
      return await this.evaluate(() => (window.__engineProblems ? window.__engineProblems.splice(0) : []));
    } catch (error) {
      return [`could not read the page's errors: ${error.message}`];
    }
  }

  /** Closes the window (the session's first window stays open: closing it ends the session). */
  async close() {
    if (this.closed) return;
    this.onClose(await this.takeProblems());
    this.closed = true;
    if (this.uploads) await rm(this.uploads, { recursive: true, force: true });
    const handles = await this.session.windows();
    if (handles.length > 1) {
      await this.use();
      await this.session.closeWindow();
    } else {
      await this.use();
      await this.session.navigate("about:blank");
    }
  }
}

/** The elements matching a CSS selector (or the nth of them), found when an action runs. */
class EngineLocator {
  /**
   * @param {EnginePage} page
   * @param {string} selector
   * @param {number | null} index
   */
  constructor(page, selector, index) {
    this.page = page;
    this.selector = selector;
    this.index = index;
  }

  first() {
    return new EngineLocator(this.page, this.selector, 0);
  }

  /** @param {number} i */
  nth(i) {
    return new EngineLocator(this.page, this.selector, i);
  }

  /** The argument of the in-page functions: which element. */
  get target() {
    return { selector: this.selector, index: this.index ?? 0 };
  }

  /**
   * Runs `fn(element, arg)` on the element (null when there is none).
   * @param {Function} fn
   * @param {any} [arg]
   */
  evaluate(fn, arg) {
    return this.page.evaluate(
      `({ target, arg }) => (${fn.toString()})(document.querySelectorAll(target.selector)[target.index] || null, arg)`,
      { target: this.target, arg },
    );
  }

  /**
   * Runs `fn(elements, arg)` on every matching element.
   * @param {Function} fn
   * @param {any} [arg]
   */
  evaluateAll(fn, arg) {
    return this.page.evaluate(
      `({ selector, arg }) => (${fn.toString()})(Array.from(document.querySelectorAll(selector)), arg)`,
      { selector: this.selector, arg },
    );
  }

  /**
   * Waits until the element is in `state`: attached, detached, visible or hidden.
   * @param {{ state?: "attached"|"detached"|"visible"|"hidden", timeout?: number }} [options]
   */
  async waitFor({ state = "visible", timeout = DEFAULT_TIMEOUT } = {}) {
    await this.page.waitForFunction(
      `({ target, state }) => {
        const node = document.querySelectorAll(target.selector)[target.index];
        const visible = Boolean(node) && node.getClientRects().length > 0 && getComputedStyle(node).visibility !== "hidden";
        return state === "attached" ? Boolean(node) : state === "detached" ? !node : state === "visible" ? visible : !visible;
      }`,
      { target: this.target, state },
      { timeout },
    );
  }

  /** Waits until the element is attached, then runs `fn(element, arg)`. */
  async attached(fn, arg, timeout = DEFAULT_TIMEOUT) {
    await this.waitFor({ state: "attached", timeout });
    return this.evaluate(fn, arg);
  }

  async count() {
    return this.evaluateAll((nodes) => nodes.length);
  }

  textContent() {
    return this.attached((node) => node.textContent);
  }

  allTextContents() {
    return this.evaluateAll((nodes) => nodes.map((node) => node.textContent));
  }

  /** @param {string} name */
  getAttribute(name) {
    return this.attached((node, attribute) => node.getAttribute(attribute), name);
  }

  inputValue() {
    return this.attached((node) => node.value);
  }

  isVisible() {
    return this.evaluate((node) => Boolean(node) && node.getClientRects().length > 0 && getComputedStyle(node).visibility !== "hidden");
  }

  isEnabled() {
    return this.attached((node) => !node.disabled);
  }

  async isDisabled() {
    return !(await this.isEnabled());
  }

  isChecked() {
    return this.attached((node) => node.checked);
  }

  /** Waits until the element is visible and enabled (Playwright's actionability, in short). */
  async actionable(timeout = DEFAULT_TIMEOUT) {
    await this.page.waitForFunction(
      `(target) => {
        const node = document.querySelectorAll(target.selector)[target.index];
        return Boolean(node) && node.getClientRects().length > 0 && getComputedStyle(node).visibility !== "hidden" && !node.disabled;
      }`,
      this.target,
      { timeout },
    );
  }

  /** The WebDriver reference of the element. */
  async element() {
    await this.page.use();
    const ref = await this.page.session.execute(
      "return document.querySelectorAll(arguments[0].selector)[arguments[0].index] || null;",
      [this.target],
    );
    if (!ref || !ref[ELEMENT_KEY]) throw new Error(`no element matches ${this.selector}`);
    return ref[ELEMENT_KEY];
  }

  /** A real click (WebDriver's: scrolled into view, pointer events), retried while another element covers it. */
  async click({ timeout = DEFAULT_TIMEOUT } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.actionable(Math.max(1, deadline - Date.now()));
      try {
        await this.page.session.click(await this.element());
        return;
      } catch (error) {
        const retry = error instanceof WebDriverError && /intercepted|not interactable|stale/.test(error.error);
        if (!retry || Date.now() > deadline) throw error;
        await sleep(100);
      }
    }
  }

  /**
   * Sets an input's value and fires input and change, as Playwright's fill does for a field.
   * @param {string} value
   */
  async fill(value) {
    await this.actionable();
    await this.evaluate((node, text) => {
      node.focus();
      node.value = text;
      node.dispatchEvent(new Event("input", { bubbles: true }));
      node.dispatchEvent(new Event("change", { bubbles: true }));
    }, value);
  }

  /**
   * Chooses an option of a <select> by value or label (or { value } / { label }), firing
   * input and change; returns the chosen value.
   * @param {string | { value?: string, label?: string }} choice
   */
  async selectOption(choice) {
    await this.actionable();
    const wanted = typeof choice === "string" ? { value: choice, label: choice } : choice;
    const chosen = await this.evaluate((node, want) => {
      const option = [...node.options].find((o) => (want.value !== undefined && o.value === want.value))
        || [...node.options].find((o) => (want.label !== undefined && o.label.trim() === want.label));
      if (!option) return null;
      node.value = option.value;
      node.dispatchEvent(new Event("input", { bubbles: true }));
      node.dispatchEvent(new Event("change", { bubbles: true }));
      return option.value;
    }, wanted);
    if (chosen === null) throw new Error(`selectOption: no option ${JSON.stringify(choice)} in ${this.selector}`);
    return [chosen];
  }

  /**
   * Chooses a file with a file input, as a person does: WebDriver types its path into the
   * input. `file`: a path, or { name, mimeType, buffer } (written to a temporary file of that name).
   * @param {string | { name: string, mimeType?: string, buffer: Buffer }} file
   */
  async setInputFiles(file) {
    let filePath;
    if (typeof file === "string") {
      filePath = path.resolve(file);
    } else {
      if (!this.page.uploads) this.page.uploads = await mkdtemp(path.join(os.tmpdir(), "automl-upload-"));
      const dir = await mkdtemp(path.join(this.page.uploads, "f-"));
      filePath = path.join(dir, file.name);
      await writeFile(filePath, file.buffer);
    }
    await this.waitFor({ state: "attached" });
    await this.page.session.sendKeys(await this.element(), filePath);
  }
}
