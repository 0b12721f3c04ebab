// The first visit's weight (issue #17.2): the sum of the gzip -9 sizes of every response from
// the navigation until the page says the engine is ready, on the production build (www/), in
// a fresh profile, is at most 600 KB. Measured by scripts/measure-download.mjs's measureLoad()
// (which also times the load; the time to ready is measured by that script, not tested here).
import { test } from "node:test";
import assert from "node:assert/strict";
import { WEIGHT_LIMIT_BYTES, measureLoad } from "../../scripts/measure-download.mjs";
import { WWW } from "./harness.mjs";

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

for (const lang of ["en", "ko"]) {
  test(`the first visit (browser language ${lang}) downloads at most ${WEIGHT_LIMIT_BYTES / 1024} KB (gzip -9) until the engine is ready (the target is 600 KB)`, async () => {
    const load = await measureLoad({ root: WWW, lang });
    const paths = load.resources.map((r) => r.path);
    // What it measured is the page: the engine, the worker, the catalogues, the charts.
    const needed = ["/", "/pkg/automl_bg.wasm", "/worker.js", "/i18n/en.json", "/vendor/d3.min.js"];
    if (lang !== "en") needed.push(`/i18n/${lang}.json`);
    for (const path of needed) {
      assert.ok(paths.includes(path), `${path} was loaded before ready (got ${paths.join(", ")})`);
    }
    // The workbook reader waits for a workbook; the service worker's copy for offline use waits
    // for the engine to be ready.
    assert.ok(!paths.some((p) => p.startsWith("/pkg/workbook")), "the workbook reader is not part of the first load");
    assert.ok(load.resources.every((r) => !r.fromServiceWorker), "no service worker download before ready");
    const heaviest = [...load.resources].sort((a, b) => b.gzip - a.gzip).slice(0, 5)
      .map((r) => `${r.path} ${kb(r.gzip)}`).join(", ");
    assert.ok(
      load.gzipTotal <= WEIGHT_LIMIT_BYTES,
      `first visit ${kb(load.gzipTotal)} > ${kb(WEIGHT_LIMIT_BYTES)}; heaviest: ${heaviest}`,
    );
  });
}
