// The other two browser engines, Firefox ESR (Gecko) and WebKitGTK (WebKit, the engine of
// Safari), driven over W3C WebDriver: the one place that starts their drivers (geckodriver,
// WebKitWebDriver; scripts/setup.sh --engines installs them), a small WebDriver client over
// fetch (the protocol is a handful of HTTP endpoints; no client library), and `openEngine()`,
// which serves a directory on 127.0.0.1 and opens a fresh profile of the engine on it, as
// scripts/chromium.mjs does for Chromium. tests/browser/harness.mjs wraps a session in the
// subset of Playwright's Page the browser tests use (useBrowser({ engine })).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startServer } from "./serve.mjs";

/** The engines reached over WebDriver, by the name the tests use. */
export const WEBDRIVER_ENGINES = Object.freeze(["firefox", "webkit"]);

/** Where each engine's pieces are (Debian's packages; geckodriver from cargo install). */
export const ENGINE_PATHS = Object.freeze({
  firefox: {
    browser: process.env.FIREFOX_PATH || "/usr/bin/firefox-esr",
    driver: process.env.GECKODRIVER || findOnPath("geckodriver", [path.join(os.homedir(), ".cargo", "bin")]),
  },
  webkit: {
    browser: process.env.WEBKIT_BROWSER_PATH || findWebKitBrowser(),
    driver: process.env.WEBKIT_DRIVER || findOnPath("WebKitWebDriver", []),
  },
});

/** The W3C key of an element reference in WebDriver's JSON. */
export const ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf";

/**
 * `name` on $PATH or in one of `extra`, else the bare name (the spawn then fails with a
 * message that says what is missing).
 * @param {string} name
 * @param {string[]} extra
 */
function findOnPath(name, extra) {
  for (const dir of [...(process.env.PATH || "").split(path.delimiter), ...extra]) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return name;
}

/** WebKitGTK's MiniBrowser, the browser WebKitWebDriver automates (Debian's webkit2gtk-driver). */
function findWebKitBrowser() {
  for (const api of ["4.1", "4.0", "6.0"]) {
    for (const lib of ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"]) {
      const candidate = path.join(lib, `webkit2gtk-${api}`, "MiniBrowser");
      if (existsSync(candidate)) return candidate;
      const gtk6 = path.join(lib, `webkitgtk-${api}`, "MiniBrowser");
      if (existsSync(gtk6)) return gtk6;
    }
  }
  return "MiniBrowser";
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a program, keeping the last of its output for the error message of a failed start
 * (and copying it to standard error when `echo`).
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @param {boolean} [echo]
 */
function startProcess(command, args, env, echo = false) {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk) => {
    if (echo) process.stderr.write(chunk);
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
  });
  return {
    child,
    exited,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const done = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
        if (!done) child.kill("SIGKILL");
      }
      await exited;
    },
  };
}

/**
 * A virtual X display for WebKitGTK (it needs a display even to draw nothing): Xvfb on the
 * first free display number (it says which on the descriptor given by -displayfd). Returns
 * { display, stop }.
 */
export async function startXvfb() {
  const child = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  let errors = "";
  child.stderr.on("data", (chunk) => {
    errors = (errors + chunk.toString()).slice(-2000);
  });
  const display = await new Promise((resolve, reject) => {
    let text = "";
    const pipe = /** @type {import("node:stream").Readable} */ (child.stdio[3]);
    pipe.on("data", (chunk) => {
      text += chunk.toString();
      if (text.includes("\n")) resolve(`:${text.trim()}`);
    });
    child.once("error", (error) => reject(new Error(`Xvfb could not start (apt-get install xvfb): ${error.message}`)));
    child.once("exit", (code) => reject(new Error(`Xvfb exited with ${code}: ${errors}`)));
  });
  return {
    display,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      }
    },
  };
}

/** An error the WebDriver server returned: `error` is its W3C error code. */
export class WebDriverError extends Error {
  /**
   * @param {string} error
   * @param {string} message
   */
  constructor(error, message) {
    super(`${error}: ${message}`);
    this.name = "WebDriverError";
    this.error = error;
  }
}

/** A WebDriver session: the commands the tests use, one HTTP request each. */
export class Session {
  /**
   * @param {string} base the driver's URL, such as http://127.0.0.1:4444
   * @param {string} id
   * @param {{ [name: string]: any }} capabilities what the driver answered
   */
  constructor(base, id, capabilities) {
    this.base = base;
    this.id = id;
    this.capabilities = capabilities;
    /** The window commands go to (see switchTo). */
    this.current = null;
  }

  /**
   * Opens a session on the driver at `base`.
   * @param {string} base
   * @param {{ [name: string]: any }} alwaysMatch
   */
  static async create(base, alwaysMatch) {
    const value = await command(base, "POST", "/session", { capabilities: { alwaysMatch } }, 90_000);
    return new Session(base, value.sessionId, value.capabilities || {});
  }

  /**
   * @param {"GET"|"POST"|"DELETE"} method
   * @param {string} suffix
   * @param {any} [body]
   * @param {number} [timeoutMs]
   */
  send(method, suffix, body, timeoutMs) {
    return command(this.base, method, `/session/${this.id}${suffix}`, body, timeoutMs);
  }

  /** @param {{ script?: number, pageLoad?: number, implicit?: number }} timeouts */
  setTimeouts(timeouts) {
    return this.send("POST", "/timeouts", timeouts);
  }

  /** @param {string} url */
  async navigate(url) {
    await this.send("POST", "/url", { url }, 120_000);
  }

  /** The handle of every window. */
  windows() {
    return this.send("GET", "/window/handles");
  }

  /** Opens a new window (a tab) and returns its handle. */
  async newWindow() {
    const value = await this.send("POST", "/window/new", { type: "tab" });
    return value.handle;
  }

  /** @param {string} handle */
  async switchTo(handle) {
    if (this.current === handle) return;
    await this.send("POST", "/window", { handle });
    this.current = handle;
  }

  /** Closes the current window. */
  async closeWindow() {
    await this.send("DELETE", "/window");
    this.current = null;
  }

  /**
   * Runs `script` (a function body; its arguments in `arguments`, the last of them the
   * callback that returns its result) in the page and returns what it passed to the callback.
   * @param {string} script
   * @param {any[]} args
   * @param {number} [timeoutMs]
   */
  executeAsync(script, args = [], timeoutMs = 130_000) {
    return this.send("POST", "/execute/async", { script, args }, timeoutMs);
  }

  /**
   * Runs `script` (a function body) in the page and returns its return value.
   * @param {string} script
   * @param {any[]} args
   */
  execute(script, args = []) {
    return this.send("POST", "/execute/sync", { script, args });
  }

  /**
   * The first element matching a CSS selector (a WebDriver element reference).
   * @param {string} selector
   */
  async findElement(selector) {
    const value = await this.send("POST", "/element", { using: "css selector", value: selector });
    return value[ELEMENT_KEY];
  }

  /** @param {string} selector */
  async findElements(selector) {
    const value = await this.send("POST", "/elements", { using: "css selector", value: selector });
    return value.map((/** @type {any} */ ref) => ref[ELEMENT_KEY]);
  }

  /** @param {string} element */
  click(element) {
    return this.send("POST", `/element/${element}/click`, {});
  }

  /** @param {string} element */
  clear(element) {
    return this.send("POST", `/element/${element}/clear`, {});
  }

  /**
   * Types `text` into an element (for a file input: the path of the file to choose).
   * @param {string} element
   * @param {string} text
   */
  sendKeys(element, text) {
    return this.send("POST", `/element/${element}/value`, { text });
  }

  /** A PNG of the window. */
  async screenshot() {
    return Buffer.from(await this.send("GET", "/screenshot"), "base64");
  }

  /** Ends the session (closes the browser). */
  async delete() {
    await command(this.base, "DELETE", `/session/${this.id}`, undefined, 30_000).catch(() => {});
  }
}

/**
 * One WebDriver command: its `value`, or a WebDriverError.
 * @param {string} base
 * @param {"GET"|"POST"|"DELETE"} method
 * @param {string} suffix
 * @param {any} body
 * @param {number} [timeoutMs]
 */
async function command(base, method, suffix, body, timeoutMs = 60_000) {
  const response = await fetch(`${base}${suffix}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json; charset=utf-8" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WebDriverError("invalid response", `${method} ${suffix}: HTTP ${response.status} ${text.slice(0, 300)}`);
  }
  const value = json && "value" in json ? json.value : json;
  if (!response.ok || (value && typeof value === "object" && typeof value.error === "string")) {
    throw new WebDriverError(value && value.error ? value.error : `HTTP ${response.status}`, value && value.message ? value.message : text.slice(0, 300));
  }
  return value;
}

/**
 * Waits until the driver at `base` answers /status.
 * @param {string} base
 * @param {ReturnType<typeof startProcess>} proc
 * @param {string} name
 */
async function waitForDriver(base, proc, name) {
  const deadline = Date.now() + 30_000;
  let exited = null;
  proc.exited.then((how) => {
    exited = how;
  });
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`${name} exited before it answered (${exited.error ? exited.error.message : `code ${exited.code}`}): ${proc.output()}`);
    }
    try {
      const response = await fetch(`${base}/status`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${name} did not answer within 30 s: ${proc.output()}`);
}

/**
 * Starts the engine's driver and a session in a fresh profile. `downloads`: the directory a
 * download is saved in, without asking. `privateMode`: a private window (Firefox's private
 * browsing, MiniBrowser's --private), where storage is kept in memory only and the browser
 * may refuse a service worker. Returns { session, version, stop }.
 * @param {"firefox"|"webkit"} engine
 * @param {{ downloads: string, locale?: string, privateMode?: boolean }} options
 */
export async function startEngine(engine, { downloads, locale, privateMode = false }) {
  const paths = ENGINE_PATHS[engine];
  if (!paths) throw new Error(`Not a WebDriver engine: ${engine} (one of ${WEBDRIVER_ENGINES.join(", ")})`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  /** @type {{ stop(): Promise<void> } | null} */
  let xvfb = null;
  /** @type {string[]} directories to remove at the end */
  const cleanup = [];
  const env = { ...process.env };
  /** @type {{ [name: string]: any }} */
  let capabilities;
  let args;
  if (engine === "firefox") {
    args = ["--host", "127.0.0.1", "--port", String(port)];
    const language = locale ? locale : "en-US";
    capabilities = {
      browserName: "firefox",
      "moz:firefoxOptions": {
        binary: paths.browser,
        args: ["-headless"],
        prefs: {
          // a download goes to `downloads` without a question
          "browser.download.folderList": 2,
          "browser.download.dir": downloads,
          "browser.download.useDownloadDir": true,
          "browser.download.always_ask_before_handling_new_types": false,
          "browser.download.manager.showWhenStarting": false,
          "intl.accept_languages": language,
          "intl.locale.requested": language,
          // no request of the browser's own (updates, telemetry, safe browsing, suggestions)
          "app.update.enabled": false,
          "browser.safebrowsing.malware.enabled": false,
          "browser.safebrowsing.phishing.enabled": false,
          "datareporting.policy.dataSubmissionEnabled": false,
          "toolkit.telemetry.enabled": false,
          "network.captive-portal-service.enabled": false,
          "network.connectivity-service.enabled": false,
          "browser.shell.checkDefaultBrowser": false,
          "services.settings.server": "data:,#remote-settings-off",
          "messaging-system.rsexperimentloader.enabled": false,
          "app.normandy.enabled": false,
          "extensions.update.enabled": false,
          "browser.search.update": false,
          // the console of pages and workers on the driver's output (AUTOML_ENGINE_LOG=1 prints it)
          "devtools.console.stdout.content": true,
          "browser.privatebrowsing.autostart": privateMode,
        },
      },
    };
  } else {
    args = [`--port=${port}`, "--host=127.0.0.1"];
    // WebKitGTK's MiniBrowser has no headless mode: it draws into a virtual X display. There
    // is no GPU: no accelerated compositing, no DMA-BUF renderer, software GL.
    xvfb = await startXvfb();
    env.DISPLAY = xvfb.display;
    env.WEBKIT_DISABLE_COMPOSITING_MODE = "1";
    env.WEBKIT_DISABLE_DMABUF_RENDERER = "1";
    env.LIBGL_ALWAYS_SOFTWARE = "1";
    if (locale) env.LANGUAGE = locale.replace("-", "_");
    // a fresh profile: MiniBrowser keeps its data, cache and settings under the XDG
    // directories, and saves a download in the XDG download directory (else in $HOME)
    const profile = path.join(downloads, "..", `${path.basename(downloads)}-profile`);
    for (const dir of ["config", "data", "cache"]) await mkdir(path.join(profile, dir), { recursive: true });
    await writeFile(path.join(profile, "config", "user-dirs.dirs"), `XDG_DOWNLOAD_DIR="${downloads}"\n`);
    env.XDG_CONFIG_HOME = path.join(profile, "config");
    env.XDG_DATA_HOME = path.join(profile, "data");
    env.XDG_CACHE_HOME = path.join(profile, "cache");
    cleanup.push(profile);
    capabilities = {
      "webkitgtk:browserOptions": {
        binary: paths.browser,
        args: ["--automation", ...(privateMode ? ["--private"] : [])],
      },
    };
  }
  const driver = startProcess(paths.driver, args, env, Boolean(process.env.AUTOML_ENGINE_LOG));
  const stopAll = async () => {
    await driver.stop();
    if (xvfb) await xvfb.stop();
    for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForDriver(base, driver, path.basename(paths.driver));
    const session = await Session.create(base, capabilities);
    return {
      session,
      version: String(session.capabilities.browserVersion || ""),
      async stop() {
        await session.delete();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Serves `root` on 127.0.0.1 (a free port) and opens the engine with a fresh profile; the
 * WebDriver counterpart of openServedProfile (scripts/chromium.mjs). `onRequest` hears every
 * request the server answers; `privateMode` opens a private window. Returns { server, origin,
 * session, version, downloads, close }.
 * @param {{ engine: "firefox"|"webkit", root: string, locale?: string, privateMode?: boolean, onRequest?: (url: string) => void }} options
 */
export async function openEngine({ engine, root, locale, privateMode = false, onRequest }) {
  const server = await startServer({ root, port: 0, onRequest });
  const downloads = await mkdtemp(path.join(os.tmpdir(), `automl-${engine}-downloads-`));
  let started;
  try {
    started = await startEngine(engine, { downloads, locale, privateMode });
  } catch (error) {
    await server.close();
    await rm(downloads, { recursive: true, force: true });
    throw error;
  }
  return {
    server,
    origin: new URL(server.url).origin,
    session: started.session,
    version: started.version,
    downloads,
    async close() {
      await started.stop();
      await server.close();
      await rm(downloads, { recursive: true, force: true });
    },
  };
}
