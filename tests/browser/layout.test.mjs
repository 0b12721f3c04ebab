// The page on a phone (390 px), a projector (1024×768) and a laptop (1280 px) (issue 19 items
// 7 and 9): what stays visible is measured (bounding boxes, font sizes of chart text), and the
// small things a class trips on: the search chart's caption, probability axes, the kind menu,
// the steps' numbers, the regression sample with units. One page, one search on penguins.
import { test } from "node:test";
import assert from "node:assert/strict";
import { $, useBrowser } from "./harness.mjs";

const browser = useBrowser({ page: "shared", openApp: true, workers: 2 });

/** Every chart shown: its kind, width on screen and the smallest text in it, in pixels. */
async function chartText(page) {
  return page.evaluate(() => {
    const body = Number.parseFloat(getComputedStyle(document.body).fontSize);
    const charts = [...document.querySelectorAll("svg.chart")].filter((svg) => !svg.closest("[hidden]")).map((svg) => {
      const box = svg.getBoundingClientRect();
      const scale = box.width / svg.viewBox.baseVal.width;
      const sizes = [...svg.querySelectorAll("text")].map((t) => Number.parseFloat(getComputedStyle(t).fontSize) * scale);
      return { kind: svg.dataset.chart, label: svg.getAttribute("aria-label"), right: box.right, width: box.width, smallest: Math.min(...sizes), ticks: svg.querySelectorAll(".axis-x .tick").length };
    });
    return { body, charts, viewport: innerWidth };
  });
}

/** Waits until every chart shown has been redrawn for the width of its box. */
async function settled(page) {
  await page.waitForTimeout(300);
  await page.waitForFunction(() => [...document.querySelectorAll("svg.chart")].filter((s) => !s.closest("[hidden]"))
    .every((svg) => Math.abs(svg.getBoundingClientRect().width - svg.viewBox.baseVal.width) < 6));
}

test("a projector (1024×768): tables fit, chart text as large as the page's", async () => {
  const { page } = browser;
  await page.setViewportSize({ width: 1024, height: 768 });
  await browser.loadSample("penguins");
  // 4 s: partial dependence gets 3% of the budget, enough for a column or two on a busy machine
  await browser.runAndWaitForBest(4);
  await page.locator(`${$("partial-dependence")} svg.chart`).first().waitFor();
  await settled(page);
  // no table needs sideways scrolling but the preview, which scrolls in its box with its first column in view
  const widths = await page.evaluate(() => [...document.querySelectorAll(".table-scroll")].filter((d) => !d.closest("[hidden]"))
    .map((d) => ({ table: d.querySelector("table").dataset.testid, scroll: d.scrollWidth, client: d.clientWidth })));
  for (const w of widths.filter((w) => w.table !== "preview-table")) assert.ok(w.scroll <= w.client + 1, `${w.table}: ${w.scroll} px in ${w.client}`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true, "the page does not scroll sideways");
  const sticky = await page.locator(`${$("preview-table")} tbody td`).first().evaluate((td) => getComputedStyle(td).position);
  assert.equal(sticky, "sticky");

  const { body, charts } = await chartText(page);
  assert.ok(charts.length >= 5, `charts shown: ${charts.map((c) => c.label)}`);
  for (const c of charts) assert.ok(c.smallest >= body - 0.5, `${c.label}: text ${c.smallest.toFixed(1)} px, body ${body} px`);
  // partial dependence ticks as large as the other charts'
  const pd = charts.filter((c) => /^Partial dependence/.test(c.label));
  assert.ok(pd.length > 0);
  assert.ok(pd.every((c) => Math.abs(c.smallest - charts[0].smallest) < 0.5), "partial dependence text as large as the search chart's");
});

test("probability axes stay within 0 to 1; the search chart's caption explains the orange points", async () => {
  const { page } = browser;
  const ticks = await page.locator(`${$("partial-dependence")} svg.chart-line .axis-y .tick text`).allTextContents();
  assert.ok(ticks.length > 0);
  for (const tick of ticks) {
    const v = Number(tick);
    assert.ok(v >= 0 && v <= 1, `probability tick ${tick}`);
  }
  assert.ok((await page.locator(`${$("search-curve")} circle.mark.is-best`).count()) > 0, "orange points drawn");
  assert.match(await page.locator(`${$("search-curve-box")} figcaption`).textContent(), /orange points are the models with the best score/);
});

test("the kind menu says a kind once, and the steps are numbered in the order shown", async () => {
  const { page } = browser;
  const options = await page.locator(`${$("profile-body")} tr[data-name="island"] ${$("kind-select")} option`).allTextContents();
  assert.ok(options.includes("category"), `${options}`);
  assert.ok(!options.some((o) => /\(categorical\)|\(numeric\)/.test(o)), `${options}`);
  const steps = () => page.evaluate(() => [...document.querySelectorAll("section.card > h2 > .step")]
    .filter((s) => !s.closest("[hidden]")).map((s) => Number(s.textContent)));
  const shown = await steps();
  assert.deepEqual(shown, shown.map((_, i) => i + 1));
  assert.equal(shown.length, 6);
  // a forecast shows its own section instead of the models': still 1, 2, 3, …
  await browser.loadSample("airline_passengers");
  const forecast = await steps();
  assert.deepEqual(forecast, forecast.map((_, i) => i + 1));
});

test("a phone (390 px): the leaderboard keeps rank, model and score in view, charts re-laid out", async () => {
  const { page } = browser;
  await browser.loadSample("penguins");
  await browser.runAndWaitForBest(2);
  await page.setViewportSize({ width: 390, height: 844 });
  await settled(page);
  const cells = await page.locator(`${$("leaderboard-body")} tr`).first().evaluate((tr) => {
    const box = tr.closest(".table-scroll").getBoundingClientRect();
    return ["td.rank", "td.model", "td.score"].map((sel) => {
      const r = tr.querySelector(sel).getBoundingClientRect();
      return { sel, left: r.left, right: r.right, boxLeft: box.left, boxRight: box.right, width: r.width };
    });
  });
  for (const c of cells) {
    assert.ok(c.width > 0 && c.left >= c.boxLeft - 1 && c.right <= c.boxRight + 1, `${c.sel} in view: ${JSON.stringify(c)}`);
  }
  const { body, charts, viewport } = await chartText(page);
  for (const c of charts) {
    assert.ok(c.right <= viewport, `${c.label} within the screen`);
    assert.ok(c.smallest >= body - 0.5, `${c.label}: text ${c.smallest.toFixed(1)} px on a phone`);
    assert.ok(c.ticks <= 5, `${c.label}: ${c.ticks} ticks across 390 px`);
  }
});

test("a laptop (1280 px): column names do not break inside a word", async () => {
  const { page } = browser;
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.waitForTimeout(200);
  const names = await page.locator(`${$("profile-body")} .col-name`).evaluateAll((spans) => spans.map((s) => {
    const range = document.createRange();
    range.selectNodeContents(s);
    return { name: s.textContent, lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size };
  }));
  for (const n of names) assert.equal(n.lines, 1, `${n.name} on one line`);
});

test("a regression sample with units: fuel economy of cars, mpg from weight in pounds", async () => {
  const { page } = browser;
  await browser.loadSample("auto_mpg");
  assert.equal(await browser.selectedText("target-select"), "mpg");
  assert.equal(await page.locator($("task-select")).inputValue(), "regression");
  const weights = await page.locator(`${$("preview-table")} tbody tr`).evaluateAll((trs) => trs.map((tr) => Number(tr.cells[4].textContent)));
  assert.ok(weights.every((w) => w > 1500 && w < 5500), `unscaled weights in pounds: ${weights.slice(0, 5)}`);
});
