// User text is never markup: a file whose names and cells hold HTML and script is shown as
// literal text everywhere the page shows it (preview, target list, hints, leaderboard notes),
// no element is created from it, nothing runs, and no dialog opens. The check does not lean
// on the Content-Security-Policy (which would block an injected handler anyway): it watches
// for any element appearing that the page does not make, and for any policy violation at all,
// which an attempt to run the injected code would cause.
import { test } from "node:test";
import assert from "node:assert/strict";
import { $, pageHelpers, useBrowser } from "./harness.mjs";

const session = useBrowser({ page: "none" });

const IMG = "<img src=x onerror=alert(1)>";
const SCRIPT = "<script>alert(2)</script>";
const BOLD = "<b>label</b>";
const CELL_SCRIPT = "<script>document.title='owned'</script>";
const CELL_SVG = "<svg onload=alert(3)>";

function hostileCsv() {
  const quote = (s) => `"${s.replaceAll('"', '""')}"`;
  const lines = [[IMG, SCRIPT, "<iframe src=javascript:alert(4)>", BOLD].map(quote).join(",")];
  for (let i = 0; i < 40; i += 1) {
    lines.push([
      String(i),
      quote([CELL_SCRIPT, CELL_SVG, "<a href=javascript:alert(5)>x</a>"][i % 3]),
      (i * 1.37).toFixed(2),
      quote(i % 2 ? "<i>yes</i>" : "<u>no</u>"),
    ].join(","));
  }
  return `${lines.join("\n")}\n`;
}

test("names and cells holding HTML and script are shown as text, and nothing runs", async () => {
  const page = await session.newPage();
  const h = pageHelpers(page, session);
  await h.openApp();
  // The forecasting panel builds its own elements once the engine is ready (loadParts): on a
  // loaded machine that can come after "ready", so wait for it before watching.
  await page.locator("#step-forecast").waitFor({ state: "attached", timeout: 30_000 });
  // From here on, record every element added to the page and every policy violation.
  await page.evaluate(() => {
    window.__seen = { elements: [], violations: [] };
    // what the page's own renderers make: tables, lists, the profile's controls and charts,
    // the results views' SVG charts (charts.js) and details
    const made = new Set([
      "TR", "TH", "TD", "SPAN", "OPTION", "LI", "INPUT", "SELECT", "DIV", "svg", "g", "rect", "title",
      "text", "path", "line", "circle", "FIGURE", "DT", "DD", "LABEL", "tspan",
      // a chart's table toggle (charts.js drawChart) and the what-if form's known levels
      "DETAILS", "SUMMARY", "TABLE", "CAPTION", "THEAD", "TBODY", "DATALIST",
      // the results views' element makers (report.js: headings, paragraphs, lists, buttons)
      "P", "H2", "H3", "UL", "DL", "BUTTON", "LEGEND", "FIELDSET",
    ]);
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.nodeType !== Node.ELEMENT_NODE) continue;
          for (const el of [node, ...node.querySelectorAll("*")]) {
            if (!made.has(el.tagName)) window.__seen.elements.push(el.tagName);
          }
        }
      }
    }).observe(document, { childList: true, subtree: true });
    document.addEventListener("securitypolicyviolation", (e) => window.__seen.violations.push(e.effectiveDirective));
  });
  const title = await page.title();

  await h.upload("markup.csv", Buffer.from(hostileCsv()));
  await h.waitForText("status", /^Loaded markup\.csv$/);
  const names = await page.locator(`${$("preview-table")} thead th .col-name`).allTextContents();
  assert.deepEqual(names, [IMG, SCRIPT, "<iframe src=javascript:alert(4)>", BOLD], "names shown literally");
  const cells = await page.locator(`${$("preview-table")} tbody td`).allTextContents();
  assert.ok(cells.includes(CELL_SCRIPT) && cells.includes(CELL_SVG), "cells shown literally");
  const options = await page.locator(`${$("target-select")} option`).allTextContents();
  assert.deepEqual(options, [IMG, SCRIPT, "<iframe src=javascript:alert(4)>", BOLD], "target list literal");

  // The identifier column's name goes into the target hint and the notes of a run.
  await page.locator($("target-select")).selectOption({ index: 3 });
  await h.runAndWaitForBest(2);
  const notes = await page.locator(`${$("best-notes")} li`).allTextContents();
  assert.ok(notes.some((n) => n.includes(`"${IMG}" was left out`)), `notes name the column literally: ${notes}`);
  const leaderboard = await page.locator($("leaderboard-body")).textContent();
  assert.ok(leaderboard.length > 0);

  const seen = await page.evaluate(() => window.__seen);
  assert.deepEqual(seen.elements, [], "no element came from the file");
  assert.deepEqual(seen.violations, [], "nothing tried to run (no policy violation)");
  const counts = await page.evaluate(() => ({
    scripts: document.scripts.length,
    images: document.images.length,
    frames: document.querySelectorAll("iframe, svg:not(.histogram):not(.chart), a, b, i, u").length,
  }));
  assert.deepEqual(counts, { scripts: 1, images: 0, frames: 0 }, "only the page's own module script");
  assert.equal(await page.title(), title, "the title was not changed by a script");
  await page.close();
  session.assertNoProblems();
});
