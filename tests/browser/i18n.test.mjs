// The page in both languages, as a person reads it: after loading, after a file is read, after
// short searches (classification, regression, a forecast), with an error shown, with a glossary
// explanation open, and in the downloaded report, every text, aria-label, title, placeholder
// and alt outside the user's data ([data-user], and hyperparameter names [data-code], dates
// written by Intl [data-intl]) must be an entry of the page's catalogue rendered with its
// parameters (or a number or a symbol); in English no Hangul appears anywhere but the language
// switch, in Korean no English word (a few names such as AutoML, ROC AUC, RMSE aside; the
// core's messages the korean branch is still translating, tests/unit/ko-pending.json, aside).
// Also: the browser's language picks the page's; the switch changes it at once without losing
// the data or a running search; the choice survives a reload.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { $, ROOT, WWW, pageHelpers, useBrowser } from "./harness.mjs";
import { hintOf, renderNote, t, useMessages } from "../../www/i18n.js";

const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/;

const korean = useBrowser({ locale: "ko-KR", page: "shared", openApp: true, workers: 2 });
const english = useBrowser({ locale: "en-US", page: "none" });

const catalogues = {
  en: JSON.parse(await readFile(path.join(WWW, "i18n", "en.json"), "utf8")),
  ko: JSON.parse(await readFile(path.join(WWW, "i18n", "ko.json"), "utf8")),
};
const pending = JSON.parse(await readFile(path.join(ROOT, "tests", "unit", "ko-pending.json"), "utf8"));

/** Words that may appear in Korean text: names, units, file types. */
const LATIN_ALLOWED = [
  "AutoML", "AI", "NAS", "CSV", "TSV", "HTML", "ROC", "AUC", "F1", "MASE", "RMSE", "MAE", "sMAPE", "WebAssembly", "KB", "MB",
  "GB", "ID", "TreeSHAP", "SHAP", "Lundberg", "alpha", "csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods", "Language", "English",
  "HTTP", "CO2", "Enter", "Esc", "Tab", "SIMD",
];

/**
 * Reads `page` (the app, or a report opened in a page of its own) the way a person does: every
 * non-empty text and each aria-label, title, placeholder and alt, with the code and parameters
 * of the words they come from (or none). Elements of the user's data are left out.
 */
async function collect(page) {
  return page.evaluate(() => {
    const SYMBOLS = /^[\s\d.,:;%±×→−+\-–—~<>()/=?·…“”"'[\]|²]*$/;
    const skip = (el) => el.closest("[data-user], [data-code], [data-intl], script, style, [data-language-switch]");
    const inSwitch = (el) => Boolean(el.closest("[data-language-switch]"));
    const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.dataset && el.dataset.testid ? `[${el.dataset.testid}]` : ""}`;
    const parse = (text) => {
      try {
        return text ? JSON.parse(text) : {};
      } catch {
        return {};
      }
    };
    const all = [];
    const seen = new Set();
    const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      const el = node.parentElement;
      if (!text || !el) continue;
      const item = { where: describe(el), text, inSwitch: inSwitch(el), skipped: Boolean(skip(el)) || SYMBOLS.test(text) };
      if (!item.skipped) {
        const owner = el.closest("[data-i18n], [data-i18n-note]");
        if (owner) {
          if (seen.has(owner)) continue;
          seen.add(owner);
          item.where = describe(owner);
          if (owner.hasAttribute("data-i18n-note")) item.note = parse(owner.getAttribute("data-i18n-note"));
          else {
            item.code = owner.getAttribute("data-i18n");
            item.params = parse(owner.getAttribute("data-i18n-params"));
            item.hint = owner.getAttribute("data-i18n-part") === "hint";
            item.slotted = owner.hasAttribute("data-i18n-slots");
          }
          item.text = item.slotted ? [...owner.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("") : owner.textContent;
        }
      }
      all.push(item);
    }
    for (const el of document.querySelectorAll("*")) {
      for (const name of ["aria-label", "title", "placeholder", "alt"]) {
        const value = (el.getAttribute(name) || "").trim();
        if (!value) continue;
        all.push({
          where: `${describe(el)} ${name}`,
          text: value,
          inSwitch: inSwitch(el),
          skipped: Boolean(skip(el)) || SYMBOLS.test(value),
          attribute: true,
          code: el.getAttribute(`data-i18n-${name}`) || undefined,
          params: parse(el.getAttribute(`data-i18n-${name}-params`)),
        });
      }
    }
    return { lang: document.documentElement.lang, items: all };
  });
}

/** The problems of what `page` shows, read in `lang`. */
async function walk(page, lang) {
  const { lang: shownLang, items } = await collect(page);
  useMessages(catalogues[lang], lang, catalogues.en);
  const own = new Set(Object.keys(catalogues[lang]));
  const waiting = new Set(lang === "ko" ? pending : []);
  const latinWord = new RegExp(`\\b(?!(?:${LATIN_ALLOWED.join("|")})\\b)[A-Za-z]{2,}`);
  const problems = [];
  if (shownLang !== lang) problems.push(`<html lang="${shownLang}">, not ${lang}`);
  /** Every code a message names (itself and its message parameters). */
  const codesOf = (code, params) => [code, ...Object.values(params || {}).flatMap((v) => (v && typeof v === "object" && typeof v.code === "string" ? codesOf(v.code, v.params)
    : v && typeof v === "object" && Array.isArray(v.items) ? v.items.flatMap((i) => (i && typeof i === "object" && i.code ? codesOf(i.code, i.params) : [])) : []))];
  /** The user's values among the parameters (names, values, numbers), nested ones included. */
  const values = (params) => Object.values(params || {}).flatMap((v) => (typeof v === "string" || typeof v === "number" ? [String(v)]
    : v && typeof v === "object" && Array.isArray(v.items) ? v.items.flatMap((i) => (i && typeof i === "object" ? values(i.params) : [String(i)]))
      : v && typeof v === "object" && typeof v.code === "string" ? values(v.params) : []));
  for (const item of items) {
    if (lang === "en" && HANGUL.test(item.text) && !item.inSwitch) problems.push(`${item.where}: Hangul in English: ${JSON.stringify(item.text)}`);
    if (item.skipped) continue;
    const code = item.note ? item.note.code : item.code;
    const params = item.note ? item.note.params : item.params;
    if (!code) {
      problems.push(`${item.where}: not from the catalogue: ${JSON.stringify(item.text)}`);
      continue;
    }
    const codes = codesOf(code, params);
    for (const c of codes) if (!own.has(c) && !waiting.has(c)) problems.push(`${item.where}: "${c}" is not in ${lang}.json`);
    const expected = item.note ? renderNote(item.note) : item.slotted ? null : item.hint ? hintOf(code, params) : t(code, params);
    if (expected !== null && item.text.trim() !== expected.trim()) problems.push(`${item.where}: shows ${JSON.stringify(item.text)}, the catalogue says ${JSON.stringify(expected)}`);
    if (lang === "ko" && !codes.some((c) => waiting.has(c))) {
      let rest = item.text;
      for (const v of values(params).sort((a, b) => b.length - a.length)) if (v) rest = rest.split(v).join(" ");
      const m = latinWord.exec(rest);
      if (m) problems.push(`${item.where}: an English word "${m[0]}" in ${JSON.stringify(item.text)}`);
    }
  }
  return problems;
}

async function assertWords(page, lang, when) {
  const problems = await walk(page, lang);
  assert.deepEqual(problems.slice(0, 15), [], `${when} (${lang}): ${problems.length} problem(s)`);
}

/** Picks a language with the page's switch and waits until the page speaks it. */
async function switchTo(page, lang) {
  await page.locator($("language-select")).selectOption(lang);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}

const statusIs = (page, state, timeout = 60_000) =>
  page.waitForFunction((s) => document.querySelector("#status").dataset.state === s, state, { timeout });

async function loadSample(page, id) {
  await page.waitForFunction((sel) => !document.querySelector(sel).disabled, $("sample-select"));
  await page.locator($("sample-select")).selectOption(id);
  await page.locator($("load-sample")).click();
  await statusIs(page, "ready");
  await page.locator($("preview-table")).waitFor({ state: "visible" });
}

async function search(page, budget) {
  await page.locator($("budget-input")).fill(String(budget));
  await page.locator($("start")).click();
  await statusIs(page, "done");
}

test("a Korean browser gets the page in Korean; every word on it is a Korean catalogue entry", async () => {
  const { page } = korean;
  assert.equal(await page.evaluate(() => navigator.language), "ko-KR");
  assert.equal(await page.title(), catalogues.ko["page.title"].message);
  assert.equal(await korean.text("status"), catalogues.ko["page.status_ready"].message.replace("{version}", await page.evaluate(() => document.querySelector("#status").textContent.match(/[\d.]+/)[0])));
  await assertWords(page, "ko", "after loading");
});

test("Korean: a file read, a classification search, a term explained; then English at once, the same data and results", async () => {
  const { page } = korean;
  await loadSample(page, "titanic");
  await assertWords(page, "ko", "after reading titanic");
  await search(page, 2);
  await page.locator($("results-section")).waitFor({ state: "visible" });
  await assertWords(page, "ko", "after a classification search");
  // a glossary term: a button named in Korean, opened and closed from the keyboard
  const help = page.locator($("term-confusion_matrix"));
  assert.equal(await help.getAttribute("aria-label"), "혼동 행렬 뜻 보기");
  await help.focus();
  await page.keyboard.press("Enter");
  await page.locator($("glossary-popover")).waitFor({ state: "visible" });
  assert.equal(await korean.text("glossary-popover-term"), catalogues.ko["glossary.confusion_matrix.term"].message);
  assert.equal(await korean.text("glossary-popover-text"), catalogues.ko["glossary.confusion_matrix.text"].message);
  await assertWords(page, "ko", "with a term explained");
  await page.keyboard.press("Escape");
  assert.equal(await page.locator($("glossary-popover")).isVisible(), false, "Escape closes it");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), "term-confusion_matrix", "the focus is back on its button");

  const rows = await korean.leaderboardRows();
  const score = await korean.text("best-score");
  await switchTo(page, "en");
  assert.equal(await korean.leaderboardRows(), rows, "the leaderboard is kept");
  assert.equal(await korean.text("best-score"), score);
  assert.match(await korean.text("status"), /^Done: \d+ models tried/);
  await assertWords(page, "en", "after switching to English");
  await switchTo(page, "ko");
});

test("Korean: the downloaded report is in Korean", async () => {
  const { page } = korean;
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator($("download-report")).click()]);
  const html = await readFile(await download.path(), "utf8");
  assert.match(html, /<html lang="ko">/);
  assert.match(html, /“Survived” 예측하기/);
  // opened as a person opens it: a page of its own (no script runs in it)
  const report = await korean.newPage();
  await report.setContent(html);
  await assertWords(report, "ko", "in the report");
});

test("Korean: a regression search, then an error shown", async () => {
  const { page } = korean;
  await loadSample(page, "diabetes");
  await search(page, 2);
  await page.locator($("regression-diagnostics")).waitFor({ state: "visible" });
  await assertWords(page, "ko", "after a regression search");
  await page.locator($("file-input")).setInputFiles({ name: "empty.csv", mimeType: "text/csv", buffer: Buffer.from("") });
  await page.locator($("error")).waitFor({ state: "visible" });
  await statusIs(page, "error");
  await assertWords(page, "ko", "with an error shown");
  await page.locator($("error-dismiss")).click();
});

test("Korean: a forecast", async () => {
  const { page } = korean;
  await loadSample(page, "airline_passengers");
  await page.waitForFunction(() => document.querySelector("#task-select").value === "forecast");
  await page.locator($("budget-input")).fill("2");
  await page.locator($("start")).click();
  await page.locator($("forecast-results")).waitFor({ state: "visible", timeout: 60_000 });
  await statusIs(page, "done");
  await assertWords(page, "ko", "after a forecast");
  await switchTo(page, "en");
  await assertWords(page, "en", "a forecast, switched to English");
  await switchTo(page, "ko");
});

test("switching language during a search keeps it running and the data loaded", async () => {
  const { page } = korean;
  await loadSample(page, "titanic");
  const preview = await page.locator(`${$("preview-table")} tbody tr`).count();
  await page.locator($("budget-input")).fill("5");
  await page.locator($("start")).click();
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length >= 2, `${$("leaderboard-body")} tr`, { timeout: 30_000 });
  await switchTo(page, "en");
  assert.equal(await page.locator($("stop")).isEnabled(), true, "the search is still running");
  assert.match(await korean.text("status"), /^Searching for the best model to predict “Survived”…$/);
  const during = await korean.leaderboardRows();
  await statusIs(page, "done");
  assert.ok((await korean.leaderboardRows()) > during, "rows kept arriving after the switch");
  assert.equal(await page.locator(`${$("preview-table")} tbody tr`).count(), preview, "the data is still loaded");
  await assertWords(page, "en", "after a search that changed language");
  await switchTo(page, "ko");
});

test("an English browser gets English, with no Hangul but the switch; the switch's choice survives a reload", async () => {
  const page = await english.newPage();
  const h = pageHelpers(page, english);
  await h.openApp();
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  await assertWords(page, "en", "after loading");
  await h.loadSample("iris");
  await assertWords(page, "en", "after reading iris");
  await switchTo(page, "ko");
  await assertWords(page, "ko", "switched to Korean");
  await page.reload();
  await statusIs(page, "ready");
  assert.equal(await page.evaluate(() => document.documentElement.lang), "ko", "the choice is remembered");
  assert.equal(await page.locator($("language-select")).inputValue(), "ko");
  await assertWords(page, "ko", "after a reload");
});
