#!/usr/bin/env node
// A long search in the real page, measured: run by hand, not part of `npm test`.
//
//   node scripts/soak.mjs [--minutes 10] [--sample titanic] [--every 30]
//
// Serves the test build of the page, build/test-www/ (build it first: bash scripts/build-wasm.sh
// --test; the probe reads the worker pool through window.__automl), opens the page in headless
// Chromium, loads the sample and searches for the whole time (one search with the whole
// budget; if the engine finishes early, the next one starts at once). Every --every seconds it
// samples the page's JS heap (CDP Performance.getMetrics and performance.memory), the search
// worker's wasm memory, the DOM size and the leaderboard, and the page's responsiveness: the
// longest gap between animation frames and the longest delay of a 0 ms timer in that window,
// the time a real click on the page takes to reach its handler, the longest the page spent
// handling one message from the worker, and the number of long tasks (over 50 ms). It prints one line per
// sample and a summary (start, peak, end) as JSON at the end.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openServedProfile } from "./chromium.mjs";

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const minutes = Number(option("minutes", "10"));
const sample = option("sample", "titanic");
const everyS = Number(option("every", "30"));
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "build", "test-www");
const MB = 1024 * 1024;

const { server, context, close } = await openServedProfile({
  root,
  args: ["--enable-precise-memory-info"],
  prefix: "automl-soak-",
});
const page = await context.newPage();
page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
const cdp = await context.newCDPSession(page);
await cdp.send("Performance.enable");

await page.goto(server.url);
await page.waitForFunction(() => /^Engine ready/.test(document.querySelector("#status").textContent), null, { timeout: 60_000 });
await page.waitForFunction(() => !document.querySelector("#sample-select").disabled);
await page.selectOption("#sample-select", sample);
await page.click("#load-sample");
await page.waitForFunction(() => /^Loaded /.test(document.querySelector("#status").textContent));

// Responsiveness probes, read and reset at each sample.
await page.evaluate(() => {
  const probe = { maxFrameGapMs: 0, maxTimerDelayMs: 0, clickAt: 0, clickMs: -1 };
  window.__soak = probe;
  let last = performance.now();
  const frame = (now) => {
    probe.maxFrameGapMs = Math.max(probe.maxFrameGapMs, now - last);
    last = now;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const tick = () => {
    const due = performance.now();
    setTimeout(() => {
      probe.maxTimerDelayMs = Math.max(probe.maxTimerDelayMs, performance.now() - due);
      setTimeout(tick, 100);
    }, 0);
  };
  tick();
  document.querySelector("h1").addEventListener("click", (event) => {
    probe.clickMs = performance.now() - event.timeStamp;
  });
  // The page's own work per worker message (progress rows, the final result), and tasks that
  // kept the main thread busy for over 50 ms.
  probe.maxHandleMs = 0;
  probe.longTasks = 0;
  // Every worker of every pool (the bridge replaces its pool after Stop or a fault) hands its
  // messages to PoolWorker.prototype.handle; the pool exists once a file has been inspected.
  const proto = Object.getPrototypeOf(window.__automl.bridge.pool[0]);
  const handle = proto.handle;
  proto.handle = function (msg) {
    const start = performance.now();
    try {
      return handle.call(this, msg);
    } finally {
      probe.maxHandleMs = Math.max(probe.maxHandleMs, performance.now() - start);
    }
  };
  new PerformanceObserver((list) => {
    probe.longTasks += list.getEntries().length;
  }).observe({ type: "longtask" });
});

const deadline = Date.now() + minutes * 60_000;
let runs = 0;
async function startRun() {
  const remaining = Math.max(1, Math.floor((deadline - Date.now()) / 1000));
  await page.fill("#budget-input", String(Math.min(remaining, 3600)));
  await page.click("#start-button");
  runs += 1;
}
await startRun();

const samples = [];
async function measure() {
  const { metrics } = await cdp.send("Performance.getMetrics");
  const metric = Object.fromEntries(metrics.map((m) => [m.name, m.value]));
  const clickStart = Date.now();
  await page.click("h1");
  const clickRoundTripMs = Date.now() - clickStart;
  const inPage = await page.evaluate(() => {
    const p = window.__soak;
    const out = {
      usedJSHeapMB: performance.memory ? performance.memory.usedJSHeapSize / (1024 * 1024) : null,
      wasmMB: window.__automl.bridge.memoryBytes === null ? null : window.__automl.bridge.memoryBytes / (1024 * 1024),
      domNodes: document.getElementsByTagName("*").length,
      leaderboardRows: document.querySelector("#leaderboard-body").rows.length,
      progress: document.querySelector("#progress-text").textContent,
      status: document.querySelector("#status").textContent,
      maxFrameGapMs: p.maxFrameGapMs,
      maxTimerDelayMs: p.maxTimerDelayMs,
      clickHandlerMs: p.clickMs,
      maxHandleMs: p.maxHandleMs,
      longTasks: p.longTasks,
    };
    p.maxFrameGapMs = 0;
    p.maxTimerDelayMs = 0;
    p.maxHandleMs = 0;
    p.longTasks = 0;
    return out;
  });
  const row = {
    t: Math.round((Date.now() - (deadline - minutes * 60_000)) / 1000),
    runs,
    jsHeapMB: +(metric.JSHeapUsedSize / MB).toFixed(1),
    usedJSHeapMB: inPage.usedJSHeapMB === null ? null : +inPage.usedJSHeapMB.toFixed(1),
    wasmMB: inPage.wasmMB === null ? null : +inPage.wasmMB.toFixed(1),
    domNodes: inPage.domNodes,
    leaderboardRows: inPage.leaderboardRows,
    maxFrameGapMs: +inPage.maxFrameGapMs.toFixed(1),
    maxTimerDelayMs: +inPage.maxTimerDelayMs.toFixed(1),
    clickHandlerMs: +inPage.clickHandlerMs.toFixed(1),
    clickRoundTripMs,
    maxHandleMs: +inPage.maxHandleMs.toFixed(1),
    longTasks: inPage.longTasks,
    progress: inPage.progress,
  };
  samples.push(row);
  console.log(JSON.stringify(row));
  if (/^(Done|The search)/.test(inPage.status) && Date.now() < deadline - 5_000) await startRun();
}

await measure();
while (Date.now() < deadline) {
  const wait = Math.min(everyS * 1000, deadline - Date.now());
  const until = Date.now() + wait;
  // Between samples, restart a finished search promptly.
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, Math.min(2000, until - Date.now())));
    const status = await page.locator("#status").textContent();
    if (/^(Done|The search)/.test(status) && Date.now() < deadline - 5_000) await startRun();
  }
  await measure();
}

const series = (key) => samples.map((s) => s[key]).filter((v) => typeof v === "number");
const summary = (key) => {
  const v = series(key);
  return { start: v[0], peak: Math.max(...v), end: v[v.length - 1] };
};
console.log(JSON.stringify({
  minutes,
  sample,
  runs,
  jsHeapMB: summary("jsHeapMB"),
  usedJSHeapMB: summary("usedJSHeapMB"),
  wasmMB: summary("wasmMB"),
  domNodes: summary("domNodes"),
  maxFrameGapMs: Math.max(...series("maxFrameGapMs")),
  maxTimerDelayMs: Math.max(...series("maxTimerDelayMs")),
  maxClickHandlerMs: Math.max(...series("clickHandlerMs")),
  maxClickRoundTripMs: Math.max(...series("clickRoundTripMs")),
  maxHandleMs: Math.max(...series("maxHandleMs")),
  longTasks: series("longTasks").reduce((a, b) => a + b, 0),
}));

await close();
