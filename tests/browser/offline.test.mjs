// Offline: after one visit the service worker (www/sw.js) has cached every file of the page,
// so with the network gone the page reloads, loads a sample and runs a search. The page is an
// installable web app (manifest, icons), and a new build is picked up: it installs in the
// background, the page offers a reload, and the reload shows the new version.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { $, TEST_DATA, WWW, pageHelpers, useBrowser } from "./harness.mjs";

/** Files the service worker does not put in its cache, and why. */
const NOT_CACHED = new Set([
  "sw.js", // the browser keeps the service worker itself
  "pkg/build-id.js", // imported by sw.js, kept by the browser with it
  "samples/SOURCES.md", // documentation the page never loads
  "vendor/d3.LICENSE", // the charting library's licence, beside its copy
  "pkg/automl.d.ts", // the engine's TypeScript declarations, for the type check only
  "pkg/automl_bg.wasm.d.ts",
  "pkg/workbook.d.ts",
  "pkg/workbook_bg.wasm.d.ts",
  "protocol-types.js", // the worker protocol's JSDoc types, for the type check only
]);

async function listFiles(dir, prefix = "") {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

async function precacheList() {
  const sw = await readFile(path.join(WWW, "sw.js"), "utf8");
  const block = sw.match(/const PRECACHE = \[([\s\S]*?)\];/);
  assert.ok(block, "sw.js has a PRECACHE list");
  return [...block[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

test("the service worker caches every file of the page, and the build id names its cache", async () => {
  const listed = await precacheList();
  assert.ok(listed.includes("./"), "the page itself");
  const files = (await listFiles(WWW)).filter((f) => !NOT_CACHED.has(f));
  assert.deepEqual(listed.filter((f) => f !== "./").sort(), files, "PRECACHE lists every file of www/");
  const buildId = await readFile(path.join(WWW, "pkg", "build-id.js"), "utf8");
  assert.match(buildId, /^self\.AUTOML_BUILD_ID = "[0-9a-f]{16}";$/m, "scripts/build-wasm.sh wrote the build id");
});

test("the manifest makes an installable app with real icons", async () => {
  const manifest = JSON.parse(await readFile(path.join(WWW, "manifest.webmanifest"), "utf8"));
  assert.equal(manifest.display, "standalone");
  assert.equal(manifest.start_url, "./");
  assert.ok(manifest.name && manifest.short_name);
  for (const icon of manifest.icons) {
    const bytes = await readFile(path.join(WWW, icon.src));
    if (icon.type === "image/png") {
      assert.equal(bytes.subarray(1, 4).toString("latin1"), "PNG", icon.src);
      const [w, h] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
      assert.equal(`${w}x${h}`, icon.sizes, `${icon.src} is as large as the manifest says`);
    } else {
      assert.match(bytes.toString("utf8"), /^<svg /, icon.src);
    }
  }
  assert.ok(manifest.icons.some((i) => i.sizes === "512x512" && i.purpose === "maskable"));
});

// The tests go offline: back online after each test, before the check for problems.
const session = useBrowser({ page: "none", offline: true });
// A copy of www/ that the last test rebuilds (made in the test), in a profile of its own.
let rebuiltRoot = null;
const rebuilt = useBrowser({ root: () => rebuiltRoot, page: "none" });
let page;

test("Chromium finds the page installable", async () => {
  page = await session.newPage();
  const h = pageHelpers(page, session);
  await h.openApp();
  await h.waitForOffline();
  const cdp = await session.context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  assert.deepEqual(installabilityErrors, [], "no installability errors");
  const { url, errors } = await cdp.send("Page.getAppManifest");
  assert.ok(url.endsWith("/manifest.webmanifest"));
  assert.deepEqual(errors, [], "the manifest parses without errors");
  await cdp.detach();
});

test("offline after one visit: reload, load a sample, run a search, and read a workbook", async () => {
  page = await session.newPage();
  const h = pageHelpers(page, session);
  await h.openApp();
  await h.waitForOffline();

  await session.context.setOffline(true);
  // Failed background checks for a new version may be logged while offline.
  session.tolerateConsole = (text) => /ERR_INTERNET_DISCONNECTED|Failed to update a ServiceWorker|An unknown error occurred when fetching the script/i.test(text);
  const responses = [];
  page.on("response", (response) => responses.push(response));
  await page.reload();
  await h.waitForText("status", /^Engine ready/, 30_000);
  assert.equal(await page.evaluate(() => navigator.onLine), false, "the browser is offline");
  await h.loadSample("penguins");
  assert.match(await h.text("data-summary"), /^penguins\.csv: 344 rows/);
  await h.runAndWaitForBest(2);
  assert.ok((await h.leaderboardRows()) >= 3, "a leaderboard, offline");
  assert.ok((await page.locator('[data-testid="search-curve"] svg.chart circle.mark').count()) >= 3, "the search curve (D3 from the cache), offline");
  // A workbook, offline: the worker loads the workbook reader (pkg/workbook_bg.wasm) from the
  // service worker's cache.
  await h.upload(path.join(TEST_DATA, "two_sheets.xlsx"));
  await h.waitForText("status", /^Loaded two_sheets\.xlsx/, 30_000);
  assert.deepEqual(await page.locator(`${$("sheet-select")} option`).allTextContents(), ["first", "second"]);
  const fromNetwork = responses.filter((r) => !r.fromServiceWorker()).map((r) => r.url());
  assert.deepEqual(fromNetwork, [], "every response came from the service worker's cache");
});

test("a new build is picked up: installed in the background, offered, shown after the reload", async () => {
  // A copy of www/ that this test can rebuild.
  const dir = await mkdtemp(path.join(os.tmpdir(), "automl-www-"));
  const root = path.join(dir, "www");
  await cp(WWW, root, { recursive: true });
  rebuiltRoot = root;
  try {
    const p = await rebuilt.newPage();
    const h = pageHelpers(p, rebuilt);
    await h.openApp();
    await h.waitForOffline();
    const before = await p.evaluate(() => caches.keys());
    assert.equal(before.length, 1);

    // "Build" a new version: a changed page and a new build id.
    const html = await readFile(path.join(root, "index.html"), "utf8");
    // (a mark on <body>: the title's words come from the message catalogue)
    await writeFile(path.join(root, "index.html"), html.replace("<body>", '<body data-build="new">'));
    await writeFile(path.join(root, "pkg", "build-id.js"), 'self.AUTOML_BUILD_ID = "0123456789abcdef";\n');

    // The next visit still shows the version it started with, and offers the new one.
    await p.reload();
    await h.waitForText("status", /^Engine ready/, 30_000);
    assert.equal(await p.title(), "AutoML in your browser", "a page keeps the version it started with");
    await p.locator($("update-notice")).waitFor({ state: "visible", timeout: 30_000 });
    await p.locator($("update-reload")).click();
    await p.waitForFunction(() => document.body.dataset.build === "new", null, { timeout: 30_000 });
    await h.waitForText("status", /^Engine ready/, 30_000);
    assert.equal(await p.locator($("update-notice")).isVisible(), false);
    const after = await p.evaluate(() => caches.keys());
    assert.deepEqual(after, ["automl-0123456789abcdef"], "the old build's cache is gone");
    await p.close();
    rebuilt.assertNoProblems();
  } finally {
    await rebuilt.close();
    await rm(dir, { recursive: true, force: true });
  }
});
