// The first visit's weight (issue #17.2): the sum of the gzip -9 sizes of every response from
// the navigation until the page says the engine is ready, on the production build (www/), in
// a fresh profile, is at most 600 KB. Measured by scripts/measure-download.mjs's measureLoad()
// (which also times the load; the time to ready is measured by that script, not tested here).
import { test } from "node:test";
import assert from "node:assert/strict";
import { WEIGHT_LIMIT_BYTES, measureLoad } from "../../scripts/measure-download.mjs";
import path from "node:path";
import { $, TEST_DATA, WWW, pageHelpers, useBrowser } from "./harness.mjs";

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

for (const lang of ["en", "ko"]) {
  test(`the first visit (browser language ${lang}) downloads at most ${WEIGHT_LIMIT_BYTES / 1024} KB (gzip -9) until the engine is ready`, async () => {
    const load = await measureLoad({ root: WWW, lang });
    const paths = load.resources.map((r) => r.path);
    // What it measured is the page: the engine, the worker, the controller, the catalogue of
    // the browser's language.
    const needed = ["/", "/pkg/automl_bg.wasm", "/worker.js", "/app.js", "/view.js", "/automl.js", `/i18n/${lang}.json`];
    for (const path of needed) {
      assert.ok(paths.includes(path), `${path} was loaded before ready (got ${paths.join(", ")})`);
    }
    // The workbook reader waits for a workbook; the results views, the charts and the
    // forecasting panel for the engine to be ready (the controller loads them then); English
    // beside another language too; the service worker's copy for offline use as well.
    assert.ok(!paths.some((p) => p.startsWith("/pkg/workbook")), "the workbook reader is not part of the first load");
    // (the engine's API starts the engine with automl.js; what its calls do, automl-calls.js and
    // rows.js, waits for the first call that needs it)
    const later = ["/results.js", "/charts.js", "/vendor/d3.min.js", "/forecast.js", "/report.js", "/automl-calls.js", "/rows.js"];
    if (lang !== "en") later.push("/i18n/en.json");
    for (const path of later) {
      assert.ok(!paths.includes(path), `${path} is not part of the first load (got ${paths.join(", ")})`);
    }
    assert.ok(load.resources.every((r) => !r.fromServiceWorker), "no service worker download before ready");
    const heaviest = [...load.resources].sort((a, b) => b.gzip - a.gzip).slice(0, 5)
      .map((r) => `${r.path} ${kb(r.gzip)}`).join(", ");
    assert.ok(
      load.gzipTotal <= WEIGHT_LIMIT_BYTES,
      `first visit ${kb(load.gzipTotal)} > ${kb(WEIGHT_LIMIT_BYTES)}; heaviest: ${heaviest}`,
    );
  });
}

// What the first load leaves out still works the moment the page says it is ready: a model
// file chosen then opens (the controller waits for the results views it loads after ready),
// and the modules left out arrive after ready, without an error.
// (its own pages: the measurements above open their own profiles)
const browser = useBrowser({ page: "none" });

test("a model file chosen as soon as the engine is ready opens; the results views load after ready", async () => {
  const page = await browser.newPage();
  const { openApp, waitForText } = pageHelpers(page, browser);
  await openApp();
  await page.locator($("model-input")).setInputFiles(path.join(TEST_DATA, "model", "iris.automl"));
  await waitForText("model-source", /the file iris\.automl/, 30_000);
  const fetched = browser.requests.filter((r) => !r.serviceWorker).map((r) => new URL(r.url).pathname);
  for (const later of ["/results.js", "/charts.js", "/vendor/d3.min.js", "/forecast.js", "/automl-calls.js"]) {
    assert.ok(fetched.includes(later), `${later} is loaded after ready (got ${fetched.join(", ")})`);
  }
});
