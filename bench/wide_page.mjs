// The page on a wide file (tests/data/hostile/empty_names_10000.csv, 12 rows × 10,002
// columns, or the file given): how long the engine's `inspect` takes, how long the page takes
// from its answer to "Loaded …" and to the next frame (style, layout and paint of what it
// drew), and how many elements it made. `--profile` adds the CPU profile's top functions.
// Speed is measured here rather than in a timed test; hostile.test.mjs checks the structure.
//
//   bash scripts/build-wasm.sh --test && node bench/wide_page.mjs [--profile] [file.csv]
//
// It serves the test build of the page (build/test-www/; $WWW sets another root with the test
// hooks): it times `inspect` through window.__automl.bridge.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openServedProfile } from "../scripts/chromium.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WWW = process.env.WWW || path.join(ROOT, "build", "test-www");
const FILE = process.argv.slice(2).find((a) => !a.startsWith("--")) || path.join(ROOT, "tests", "data", "hostile", "empty_names_10000.csv");
const profile = process.argv.includes("--profile");
const { context, server, close } = await openServedProfile({ root: WWW });
try {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => /^Engine ready/.test(document.querySelector('[data-testid="status"]').textContent), null, { timeout: 60000 });
  await page.evaluate(() => {
    const bridge = window.__automl.bridge;
    const original = bridge.inspect.bind(bridge);
    window.__t = {};
    bridge.inspect = async (...args) => {
      window.__t.inspectStart = performance.now();
      const r = await original(...args);
      window.__t.inspectEnd = performance.now();
      return r;
    };
    const status = document.querySelector('[data-testid="status"]');
    new MutationObserver(() => {
      if (/^Loaded /.test(status.textContent) && !window.__t.loaded) window.__t.loaded = performance.now();
    }).observe(status, { childList: true, characterData: true, subtree: true });
  });
  let cdp;
  if (profile) {
    cdp = await context.newCDPSession(page);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
  }
  const t0 = Date.now();
  await page.locator('[data-testid="file-input"]').setInputFiles({ name: path.basename(FILE), mimeType: "text/csv", buffer: await readFile(FILE) });
  await page.waitForFunction(() => /^Loaded /.test(document.querySelector('[data-testid="status"]').textContent), null, { timeout: 120000 });
  // one frame later: style/layout of what was added
  const paint = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(performance.now()), 0))));
  const wall = (Date.now() - t0) / 1000;
  const t = await page.evaluate(() => window.__t);
  const counts = await page.evaluate(() => ({
    all: document.getElementsByTagName("*").length,
    profileRows: document.querySelectorAll("#profile-body tr").length,
    profileElements: document.querySelectorAll("#profile-body *").length,
    targetOptions: document.querySelectorAll("#target-select option").length,
    previewTh: document.querySelectorAll("#preview-table thead th").length,
  }));
  console.log(JSON.stringify({
    wallUploadToLoadedS: wall,
    inspectMs: Math.round(t.inspectEnd - t.inspectStart),
    answerToLoadedMs: Math.round(t.loaded - t.inspectEnd),
    answerToNextFrameMs: Math.round(paint - t.inspectEnd),
    counts,
  }, null, 1));
  if (profile) {
    const { profile: p } = await cdp.send("Profiler.stop");
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const self = new Map();
    const dt = p.timeDeltas;
    p.samples.forEach((id, i) => {
      const n = byId.get(id);
      const f = n.callFrame;
      const key = `${f.functionName || "(anon)"} ${path.basename(f.url)}:${f.lineNumber + 1}`;
      self.set(key, (self.get(key) || 0) + (dt[i] || 0));
    });
    // inclusive time per function
    const parent = new Map();
    for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
    const incl = new Map();
    p.samples.forEach((id, i) => {
      const seen = new Set();
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
        const f = byId.get(cur).callFrame;
        const key = `${f.functionName || "(anon)"} ${path.basename(f.url)}:${f.lineNumber + 1}`;
        if (seen.has(key)) continue;
        seen.add(key);
        incl.set(key, (incl.get(key) || 0) + (dt[i] || 0));
      }
    });
    const top = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(0).padStart(7)} ms  ${k}`).join("\n");
    console.log("--- self time ---\n" + top(self));
    console.log("--- inclusive time ---\n" + top(incl));
  }
} finally {
  await close();
}
