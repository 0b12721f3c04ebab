// The two builds of the page (scripts/build-wasm.sh): the production page, www/, carries no
// test hook (the engine exports no trigger_panic, bench_gbm_fit or fault injection, no file
// sets window.__automl, and the page has none after loading), and the test build,
// build/test-www/ (`--test`), has them. Needs both builds (bash scripts/build-wasm.sh --test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { TEST_WWW, WWW, pageHelpers, useBrowser } from "./harness.mjs";

/** Names an engine of the production build must not export, nor its glue mention. */
const HOOK_EXPORTS = ["trigger_panic", "bench_gbm_fit", "bench_fit"];
/** The fault injection's run settings and panic message, as they appear in the engine. */
const FAULT_STRINGS = ["faultAfterTrials", "faultKind", "test-only fault injection"];

async function engine(root) {
  const wasm = await readFile(path.join(root, "pkg", "automl_bg.wasm"));
  return {
    exports: WebAssembly.Module.exports(new WebAssembly.Module(wasm)).map((e) => e.name),
    bytes: wasm.toString("latin1"),
    glue: await readFile(path.join(root, "pkg", "automl.js"), "utf8"),
    flags: await import(pathToFileURL(path.join(root, "pkg", "build-flags.js")).href),
  };
}

async function listFiles(dir, prefix = "") {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out;
}

test("the production engine and its glue (www/pkg/) have no test hook", async () => {
  const e = await engine(WWW);
  assert.equal(e.flags.TEST_HOOKS, false, "pkg/build-flags.js says: production");
  for (const name of HOOK_EXPORTS) {
    assert.ok(!e.exports.includes(name), `the wasm exports no ${name}`);
    assert.ok(!e.glue.includes(name), `the glue has no ${name}`);
  }
  for (const text of FAULT_STRINGS) {
    assert.ok(!e.bytes.includes(text), `no fault injection in the engine ("${text}")`);
    assert.ok(!e.glue.includes(text), `no fault injection in the glue ("${text}")`);
  }
  // Not a test hook: the worker reads it to tell running out of memory from a crash.
  assert.ok(e.exports.includes("failed_allocation_bytes"), "failed_allocation_bytes stays");
  assert.match(e.glue, /export function failed_allocation_bytes\(/);
});

test("no file of the production page sets a test hook; the test hooks module is not there", async () => {
  assert.equal(existsSync(path.join(WWW, "test-hooks.js")), false, "www/ has no test-hooks.js");
  for (const file of await listFiles(WWW)) {
    if (!/\.(js|html)$/.test(file)) continue;
    const text = await readFile(path.join(WWW, file), "utf8");
    assert.doesNotMatch(text, /__automl\s*=|\binjectFault\s*[(:=]/, `${file} sets no test hook`);
  }
});

test("the test build (build/test-www/) has the hooks, and no benchmark entry", async () => {
  const e = await engine(TEST_WWW);
  assert.equal(e.flags.TEST_HOOKS, true, "pkg/build-flags.js says: test build");
  assert.ok(e.exports.includes("trigger_panic"), "the wasm exports trigger_panic");
  assert.match(e.glue, /export function trigger_panic\(/);
  assert.ok(e.bytes.includes("faultAfterTrials") && e.bytes.includes("faultKind"), "the engine reads the fault settings");
  assert.ok(!e.exports.includes("bench_gbm_fit"), "bench_gbm_fit is the bench feature's, not the tests'");
  assert.ok(existsSync(path.join(TEST_WWW, "test-hooks.js")));
});

// One profile for each build, each started by the one test below that opens its page.
const production = useBrowser({ page: "none" });
const testBuild = useBrowser({ testBuild: true, page: "none" });

/** Opens the page `browser` serves and returns what the loaded page has of the test hooks. */
async function hooksOnPage(browser) {
  const page = await browser.newPage();
  const h = pageHelpers(page, browser);
  await h.openApp();
  await page.waitForLoadState("load");
  const hooks = await page.evaluate(() =>
    typeof window.__automl === "undefined"
      ? null
      : Object.keys(window.__automl).concat(typeof window.__automl.bridge.panic === "function" ? ["bridge.panic"] : []).sort(),
  );
  const requested = browser.requests.map((r) => new URL(r.url).pathname);
  await page.close();
  browser.assertNoProblems();
  return { hooks, requested };
}

test("the production page has no window.__automl after loading, and never asks for test-hooks.js", async () => {
  const { hooks, requested } = await hooksOnPage(production);
  assert.equal(hooks, null, "no window.__automl");
  assert.ok(requested.includes("/pkg/build-flags.js"), "the page read its build flags");
  assert.ok(!requested.includes("/test-hooks.js"), "test-hooks.js was never requested");
});

test("the test build's page has window.__automl", async () => {
  const { hooks, requested } = await hooksOnPage(testBuild);
  assert.deepEqual(hooks, ["bridge", "bridge.panic", "injectFault", "partsLoaded", "results", "runSettings"]);
  assert.ok(requested.includes("/test-hooks.js"));
});
