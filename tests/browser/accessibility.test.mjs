// Accessible to every student (issue 16 item 8): the whole flow from the keyboard alone, a
// table behind every chart, the live status spoken at most about once a second, and axe-core
// (injected into the page, node_modules/axe-core) finding no serious or critical violation
// after loading, after a file is read, during and after a search, and with an error shown, in
// English and in Korean (the page's language switch).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { $, ROOT, useBrowser } from "./harness.mjs";

const AXE = readFileSync(path.join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");

const browser = useBrowser({ page: "shared", openApp: true, workers: 2 });

/** axe-core's serious and critical violations on the page as it is now (WCAG 2 A and AA). */
async function seriousViolations(page) {
  // evaluated through the debugging protocol, so the page's policy does not apply to it
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }, resultTypes: ["violations"] });
    return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  });
  return found;
}

/** Presses Tab (at most 80 times) until `selector` has the focus. */
async function tabTo(page, selector) {
  for (let i = 0; i < 80; i += 1) {
    if (await page.evaluate((sel) => document.activeElement && document.activeElement.matches(sel), selector)) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`Tab never reached ${selector}`);
}

test("axe-core: no serious or critical violation after loading, after a file is read, during and after a search, with an error shown", async () => {
  const { page } = browser;
  assert.deepEqual(await seriousViolations(page), [], "after loading");
  await browser.loadSample("penguins");
  assert.deepEqual(await seriousViolations(page), [], "after a file is read");
  await page.locator($("budget-input")).fill("4");
  await page.locator($("start")).click();
  await page.locator(`${$("leaderboard-body")} tr`).first().waitFor();
  assert.deepEqual(await seriousViolations(page), [], "during a search");
  await page.locator($("best-panel")).waitFor({ state: "visible", timeout: 60_000 });
  await browser.waitForText("status", /^Done/);
  await page.locator(`${$("whatif-contributions")} svg.chart`).waitFor();
  assert.deepEqual(await seriousViolations(page), [], "after a search");
  await browser.upload("empty.csv", Buffer.from(""));
  await page.locator($("error")).waitFor({ state: "visible" });
  assert.deepEqual(await seriousViolations(page), [], "with an error shown");
});

test("every chart has its numbers as a table, reachable from the keyboard", async () => {
  const { page } = browser;
  const charts = await page.locator("svg.chart").evaluateAll((svgs) => svgs.filter((s) => !s.closest("[hidden]")).map((svg) => {
    const toggle = svg.nextElementSibling;
    return { label: svg.getAttribute("aria-label"), toggle: Boolean(toggle && toggle.matches('details[data-testid="chart-table"]')) };
  }));
  assert.ok(charts.length >= 5);
  assert.deepEqual(charts.filter((c) => !c.toggle).map((c) => c.label), [], "every chart has a table");
  // the importance chart's table, opened with the keyboard, lists every bar
  const box = page.locator($("importance"));
  const bars = await box.locator("g.bar").count();
  await box.locator("summary").focus();
  await page.keyboard.press("Enter");
  await box.locator("table tbody tr").first().waitFor();
  const rows = await box.locator("table tbody tr").count();
  assert.equal(rows, bars);
  assert.match(await box.locator("table caption").textContent(), /Permutation importance/);
});

test("the live status speaks at most about once a second during a search", async () => {
  const { page } = browser;
  if (await page.locator($("error-dismiss")).isVisible()) await page.locator($("error-dismiss")).click();
  await page.evaluate(() => {
    window.__spoken = [];
    const live = [...document.querySelectorAll("[aria-live], [role=status], [role=alert]")].filter((n) => n.getAttribute("aria-live") !== "off");
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        const region = live.find((n) => n === r.target || n.contains(r.target));
        if (region && region.id === "progress-live") window.__spoken.push({ at: performance.now(), text: region.textContent });
      }
    });
    for (const n of live) observer.observe(n, { childList: true, characterData: true, subtree: true });
  });
  await browser.runAndWaitForBest(4);
  const { spoken, trials } = await page.evaluate(() => ({
    spoken: window.__spoken,
    trials: document.querySelectorAll('[data-testid="leaderboard-body"] tr').length,
  }));
  assert.ok(spoken.length >= 2, `the progress is spoken (${spoken.length} times)`);
  assert.ok(trials > spoken.length, `fewer announcements (${spoken.length}) than trials (${trials})`);
  for (let i = 1; i < spoken.length; i += 1) {
    assert.ok(spoken[i].at - spoken[i - 1].at >= 900, `announcements ${Math.round(spoken[i].at - spoken[i - 1].at)} ms apart`);
  }
});

test("the whole flow from the keyboard: a sample, the target, Start, the leaderboard, details, download", async () => {
  const page = await browser.newPage();
  await page.goto(`${browser.server.url}?workers=2`);
  await page.waitForFunction(() => /Engine ready/.test(document.querySelector('[data-testid="status"]').textContent), null, { timeout: 30_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid="sample-select"]').disabled);
  await tabTo(page, '[data-testid="sample-select"]');
  // a closed select takes the first letters of an option
  await page.keyboard.type("Palmer");
  assert.equal(await page.locator($("sample-select")).inputValue(), "penguins");
  await tabTo(page, '[data-testid="load-sample"]');
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /^Loaded/.test(document.querySelector('[data-testid="status"]').textContent));
  await tabTo(page, '[data-testid="target-select"]');
  await page.keyboard.type("species");
  assert.equal(await page.locator($("target-select")).evaluate((s) => s.selectedOptions[0].textContent), "species");
  await tabTo(page, '[data-testid="budget-input"]');
  await page.keyboard.press("Control+A");
  await page.keyboard.type("2");
  await tabTo(page, '[data-testid="start"]');
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /^Done/.test(document.querySelector('[data-testid="status"]').textContent), null, { timeout: 60_000 });
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === "best-panel");
  await tabTo(page, '[data-testid="leaderboard-body"] tr');
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.locator($("row-detail")).waitFor({ state: "visible" });
  assert.match(await page.locator($("row-detail-title")).textContent(), /\(trial \d+\)/);
  await page.keyboard.press("Escape");
  await page.locator($("row-detail")).waitFor({ state: "hidden" });
  await tabTo(page, '[data-testid="download-model"]');
  const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
  assert.equal(download.suggestedFilename(), "species.automl");
});

test("axe-core in Korean: no serious or critical violation after loading, after a file is read, during and after a search, with an error shown", async () => {
  const page = await browser.newPage();
  await page.goto(`${browser.server.url}?workers=2`);
  await page.locator($("language-select")).selectOption("ko");
  await page.waitForFunction(() => document.documentElement.lang === "ko" && document.querySelector('[data-testid="status"]').dataset.state === "ready", null, { timeout: 30_000 });
  try {
    assert.deepEqual(await seriousViolations(page), [], "after loading");
    await page.waitForFunction(() => !document.querySelector('[data-testid="sample-select"]').disabled);
    await page.locator($("sample-select")).selectOption("penguins");
    await page.locator($("load-sample")).click();
    await page.locator($("preview-table")).waitFor({ state: "visible" });
    await page.waitForFunction(() => document.querySelector('[data-testid="status"]').dataset.state === "ready");
    assert.deepEqual(await seriousViolations(page), [], "after a file is read");
    await page.locator($("budget-input")).fill("4");
    await page.locator($("start")).click();
    await page.locator(`${$("leaderboard-body")} tr`).first().waitFor();
    assert.deepEqual(await seriousViolations(page), [], "during a search");
    await page.waitForFunction(() => document.querySelector('[data-testid="status"]').dataset.state === "done", null, { timeout: 60_000 });
    await page.locator(`${$("whatif-contributions")} svg.chart`).waitFor();
    assert.deepEqual(await seriousViolations(page), [], "after a search");
    await page.locator($("file-input")).setInputFiles({ name: "empty.csv", mimeType: "text/csv", buffer: Buffer.from("") });
    await page.locator($("error")).waitFor({ state: "visible" });
    assert.deepEqual(await seriousViolations(page), [], "with an error shown");
  } finally {
    // the choice is remembered: back to English for the tests after this one
    await page.locator($("language-select")).selectOption("en");
    await page.waitForFunction(() => document.documentElement.lang === "en");
  }
});
