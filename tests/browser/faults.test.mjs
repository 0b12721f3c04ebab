// Faults lose nothing: a crash (Rust panic) or an out-of-memory in the middle of a search is
// reported with a message, the worker is replaced, and the loaded data and the leaderboard rows
// so far stay on the page, ready for another try without a reload; Stop takes effect within
// 200 ms. The faults are injected through the test build's hooks (bash scripts/build-wasm.sh
// --test): the `faultAfterTrials` / `faultKind` run settings (src/bindings.rs, cargo feature
// `test-hooks`; window.__automl.injectFault) and `trigger_panic` (window.__automl.bridge.panic).
import { test } from "node:test";
import assert from "node:assert/strict";
import { $, pageHelpers, useBrowser } from "./harness.mjs";

const session = useBrowser({ testBuild: true, page: "none" });
let page;

/** Injects `fault` into the next run, starts a long search and waits for the fatal error. */
async function crashMidRun(h, fault) {
  await page.evaluate((f) => window.__automl.injectFault(f), fault);
  await page.locator($("budget-input")).fill("60");
  await page.locator($("start")).click();
  await page.locator($("error")).waitFor({ state: "visible", timeout: 60_000 });
}

/** After a fault: the data is still loaded, the rows stay, and a new search works. */
async function assertRecovers(h, rowsBefore) {
  assert.match(await h.text("data-summary"), /^iris\.csv: 150 rows × 5 columns/, "the data is still loaded");
  assert.equal(await h.leaderboardRows(), rowsBefore, "the rows found before the fault are still shown");
  assert.match(await h.text("progress-text"), new RegExp(`^Stopped after ${rowsBefore} models\\.$`));
  assert.equal(await page.locator($("start")).isEnabled(), true, "Start is enabled again");
  assert.equal(await page.locator($("stop")).isEnabled(), false);
  await h.runAndWaitForBest(2);
  assert.ok((await h.leaderboardRows()) >= 3, "the retry fills a new leaderboard");
  assert.equal(await page.locator($("error")).isVisible(), false, "the retry clears the error");
}

test("panic: an engine crash shows an error, and the next search still works", async () => {
  // The Rust panic hook may print the panic message with console.error.
  session.tolerateConsole = (text) => text.includes("panicked");
  page = await session.newPage();
  const h = pageHelpers(page, session);
  await h.openApp();
  await h.loadSample("iris");

  const message = await page.evaluate(() =>
    window.__automl.bridge.panic().then(
      () => "resolved",
      (error) => `${error.name}: ${error.message} (fatal: ${error.fatal})`,
    ),
  );
  assert.match(message, /crash/i);
  assert.match(message, /fatal: true/);
  await page.locator($("error")).waitFor({ state: "visible", timeout: 5_000 });
  assert.match(await h.text("error"), /crash/i);
  assert.match(await h.text("error-extra"), /restarted/i);
  await h.waitForText("status", /^Engine ready/, 30_000);

  await h.runAndWaitForBest(3);
  assert.equal(await page.locator($("error")).isVisible(), false, "the error box is cleared by a new run");
  const best = (await h.text("best-score")).match(/(-?\d+\.\d{3})\s*±/);
  assert.ok(best && Number(best[1]) >= 0.9, `an accurate model after the crash, got "${await h.text("best-score")}"`);
});

test("a panic in the middle of a run: message, new worker, data and rows kept, retry works", async () => {
  session.tolerateConsole = (text) => text.includes("panicked") && text.includes("test-only fault injection");
  page = await session.newPage();
  const h = pageHelpers(page, session);
  await h.openApp();
  await h.loadSample("iris");
  const firstWorker = page.workers()[0];

  await crashMidRun(h, { faultAfterTrials: 3, faultKind: "panic" });
  assert.match(await h.text("error-message"), /The search engine crashed \(.*unreachable.*\)/);
  assert.match(await h.text("error-extra"), /The engine was restarted\. Your data \(iris\.csv\) is still loaded\. The 3 models tried before it happened are kept below/);
  assert.match(await h.text("status"), /^The search stopped: the engine crashed$/);
  await assertRecovers(h, 3);
  assert.ok(!page.workers().includes(firstWorker), "the crashed worker was replaced");
});

test("running out of memory in the middle of a run: a message that says so, and a retry works", async () => {
  page = await session.newPage();
  const h = pageHelpers(page, session);
  await h.openApp();
  await h.loadSample("iris");

  await crashMidRun(h, { faultAfterTrials: 2, faultKind: "oom" });
  const message = await h.text("error-message");
  assert.match(message, /^The search ran out of memory: the browser would not give the engine another 64 MB \(it already held [\d,]+ MB\)\.$/);
  const held = Number(message.match(/already held ([\d,]+) MB/)[1].replace(/,/g, ""));
  assert.ok(held >= 1024, `the engine had taken all the memory it could (${held} MB)`);
  assert.match(await h.text("error-hint"), /^Try a smaller file/, "what to do, apart from the message");
  assert.match(await h.text("status"), /^The search stopped: out of memory$/);
  assert.match(await h.text("error-extra"), /The 2 models tried before it happened are kept below/);
  await assertRecovers(h, 2);
});

test("Stop takes effect within 200 ms, even while trials stream in", async () => {
  page = await session.newPage();
  const h = pageHelpers(page, session);
  await h.openApp();
  const timings = [];
  for (const sample of ["titanic", "iris"]) {
    await h.loadSample(sample);
    await page.locator($("budget-input")).fill("60");
    await page.locator($("start")).click();
    await page.locator(`${$("leaderboard-body")} tr`).nth(2).waitFor({ state: "attached", timeout: 30_000 });
    // Measured in the page, from the click event to the moment the status says "Stopped" (the
    // search has ended; the run then finishes with the best model so far, and Start is enabled
    // once it has), so the test's own round trips do not count.
    const measuring = page.evaluate(({ stop, status }) => new Promise((resolve) => {
      const stopButton = document.querySelector(stop);
      const statusNode = document.querySelector(status);
      stopButton.addEventListener("click", (event) => {
        const clickedAt = event.timeStamp;
        const done = () => /^Stopped/.test(statusNode.textContent);
        const check = () => {
          if (done()) resolve(performance.now() - clickedAt);
          else requestAnimationFrame(check);
        };
        // Checked once the click handlers ran, then on every frame until true.
        setTimeout(check, 0);
      }, { capture: true, once: true });
    }), { stop: $("stop"), status: $("status") });
    await page.locator($("stop")).click();
    const ms = await measuring;
    timings.push(ms);
    assert.ok(ms < 200, `${sample}: Stop took ${ms.toFixed(1)} ms`);
    assert.ok((await h.leaderboardRows()) >= 3, "the rows are kept");
    assert.match(await h.text("progress-text"), /^Stopped (early )?after \d+ models/);
    await h.waitForText("status", /^Stopped early/, 60_000);
    assert.equal(await page.locator($("start")).isEnabled(), true, "Start is enabled once the run is finished");
  }
  console.log(`Stop took ${timings.map((t) => `${t.toFixed(1)} ms`).join(", ")}`);
});
