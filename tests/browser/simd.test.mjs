// The engine is built with WebAssembly SIMD (simd128: the neural networks' kernels use it). A
// browser without it gets a message that says so and what to do, in English and in Korean,
// instead of the compiler's error, and does not download the engine to compile it. The test build's
// `?simd=none` makes the page act as such a browser (tests/page/test-hooks.js); the real check
// (WebAssembly.validate of a tiny SIMD module, www/protocol.js hasWasmSimd) is true here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { $, pageHelpers, useBrowser, WWW } from "./harness.mjs";

/** `text` as a regular expression that matches it literally. */
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const english = useBrowser({ testBuild: true, page: "none" });
const korean = useBrowser({ testBuild: true, page: "none", locale: "ko-KR" });

for (const [lang, browser] of [["en", english], ["ko", korean]]) {
  test(`${lang}: without WebAssembly SIMD the page says the engine cannot run here, and what to do`, async () => {
    const catalogue = JSON.parse(await readFile(path.join(WWW, "i18n", `${lang}.json`), "utf8"));
    const page = await browser.newPage();
    const h = pageHelpers(page, browser);
    await page.goto(`${browser.server.url}?simd=none`);
    await page.locator($("error")).waitFor({ state: "visible", timeout: 30_000 });
    assert.equal(await h.text("error-message"), catalogue["engine.no_simd"].message);
    assert.equal(await h.text("error-hint"), catalogue["engine.no_simd"].hint);
    assert.equal(await page.locator($("error-extra")).isVisible(), false, "no word of a restart");
    await h.waitForText("status", new RegExp(`^${escape(catalogue["page.status_engine_stopped"].message)}$`));
    // (the service worker's copy for offline use may still fetch it; the page does not)
    const wasm = browser.requests.filter((r) => r.url.endsWith("automl_bg.wasm") && !r.serviceWorker);
    assert.deepEqual(wasm, [], "the page does not download the engine to compile it");
  });
}

test("this browser has WebAssembly SIMD, and the engine starts", async () => {
  const page = await english.newPage();
  const h = pageHelpers(page, english);
  await h.openApp();
  assert.equal(await page.evaluate(async () => (await import("./protocol.js")).hasWasmSimd()), true);
  await h.waitForText("status", /^Engine ready/);
});
