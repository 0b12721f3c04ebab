// Unit tests of the message catalogue (www/i18n/*.json) and its renderer (www/i18n.js):
// the catalogue's shape, every code the page's scripts use, and rendering of parameters,
// numbers, lists, nested messages and hints.   node --test tests/unit/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  LANGUAGES, describeError, formatDate, formatNumber, formatPercent, hintOf, loadFallback, loadMessages, pageError, preferredLanguage, renderNote,
  setLanguage, storedLanguage, t, useMessages,
} from "../../www/i18n.js";

const WWW = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "www");
const CODE = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;
const BRACE = /[{}]/g;
const PLACEHOLDER = /\{([A-Za-z0-9_]+)(?::([A-Za-z0-9.]+))?\}/g;

async function catalogue(name) {
  return JSON.parse(await readFile(path.join(WWW, "i18n", name), "utf8"));
}

/** The placeholder names of a template, checking that every brace opens a valid one. */
function placeholders(code, template) {
  const names = new Set();
  for (const [, name, spec] of template.matchAll(PLACEHOLDER)) {
    assert.ok(spec === undefined || spec === "q" || spec === "cap" || /^\.\d{1,2}$/.test(spec), `${code}: format "${spec}"`);
    names.add(name);
  }
  const braces = template.match(BRACE) || [];
  assert.equal(braces.length, 2 * [...template.matchAll(PLACEHOLDER)].length, `${code}: a brace outside a placeholder in ${JSON.stringify(template)}`);
  return names;
}

test("the English catalogue: codes, entries of a message and an optional hint, well-formed placeholders", async () => {
  const en = await catalogue("en.json");
  const codes = Object.keys(en);
  assert.ok(codes.length > 100, `${codes.length} entries`);
  for (const code of codes) {
    assert.match(code, CODE);
    const entry = en[code];
    assert.equal(typeof entry, "object", code);
    assert.deepEqual(Object.keys(entry).filter((k) => k !== "message" && k !== "hint"), [], `${code}: only message and hint`);
    assert.equal(typeof entry.message, "string", code);
    assert.ok(entry.message.trim().length > 0, `${code}: an empty message`);
    placeholders(code, entry.message);
    if ("hint" in entry) {
      assert.equal(typeof entry.hint, "string", code);
      placeholders(code, entry.hint);
    }
  }
});

/**
 * Codes of en.json that ko.json may still lack: the core's messages as they were before the
 * page was translated, which the `korean` branch translates (issue 16, items 3 and 7). The list
 * may only shrink: a code in it that ko.json has, or that en.json no longer has, fails.
 */
async function pending() {
  return new Set(JSON.parse(await readFile(path.join(path.dirname(fileURLToPath(import.meta.url)), "ko-pending.json"), "utf8")));
}

/** The placeholders of an entry's message and hint, sorted, and whether it has a hint. */
function shapeOf(code, entry) {
  return {
    names: [...placeholders(code, entry.message), ...(entry.hint ? placeholders(code, entry.hint) : [])].sort(),
    hint: "hint" in entry,
  };
}

test("every other catalogue has the same codes, placeholders and hints as English", async () => {
  const en = await catalogue("en.json");
  const waiting = await pending();
  const others = (await readdir(path.join(WWW, "i18n"))).filter((f) => f.endsWith(".json") && f !== "en.json");
  assert.ok(others.includes("ko.json"), "www/i18n/ko.json exists");
  for (const name of others) {
    const other = await catalogue(name);
    for (const code of Object.keys(other)) {
      assert.ok(code in en, `${name}: "${code}" is not in en.json`);
      assert.deepEqual(shapeOf(code, other[code]), shapeOf(code, en[code]), `${name}: "${code}" has other placeholders or hint than in en.json`);
      assert.ok(other[code].message.trim().length > 0, `${name}: "${code}" is empty`);
    }
    for (const code of Object.keys(en)) {
      if (name === "ko.json" && waiting.has(code)) continue;
      assert.ok(code in other, `${name}: "${code}" of en.json is missing`);
    }
  }
  const ko = await catalogue("ko.json");
  for (const code of waiting) {
    assert.ok(code in en, `ko-pending.json: "${code}" is not in en.json any more: remove it`);
    assert.ok(!(code in ko), `ko-pending.json: "${code}" is translated now: remove it from the list`);
  }
});

/** Every code the page's files name: in scripts, in the page's markup, in the samples' list. */
async function pageCodes() {
  const found = [];
  const literal = /"((?:page|report|chart|family|glossary|sample|metric|metric_help|kind|kind_label|kind_help|task|task_help|forecast_page|language)\.[a-z0-9_.]+)"/g;
  const called = /(?:\bt|hintOf|pageError|localize|localizeAttribute|localizeWith|has)\(\s*(?:[\w$.]+,\s*(?:"[\w-]+",\s*)?)?"([a-z0-9_]+\.[a-z0-9_.]+)"|\bcode:\s*"([a-z0-9_.]+)"/g;
  for (const file of (await readdir(WWW)).filter((f) => f.endsWith(".js") && f !== "sw.js")) {
    const text = await readFile(path.join(WWW, file), "utf8");
    for (const m of text.matchAll(called)) found.push([file, m[1] || m[2]]);
    for (const m of text.matchAll(literal)) if (!/\.(js|json|css|html)$/.test(m[1])) found.push([file, m[1]]);
  }
  const html = await readFile(path.join(WWW, "index.html"), "utf8");
  for (const m of html.matchAll(/data-i18n(?:-(?:title|aria-label|placeholder|alt|content))?="([a-z0-9_.]+)"/g)) found.push(["index.html", m[1]]);
  const samples = JSON.parse(await readFile(path.join(WWW, "samples", "samples.json"), "utf8"));
  for (const sample of samples) {
    for (const key of ["titleKey", "aboutKey"]) if (sample[key]) found.push(["samples.json", sample[key]]);
  }
  return found;
}

test("every code the page uses has an entry in every catalogue", async () => {
  const en = await catalogue("en.json");
  const ko = await catalogue("ko.json");
  const waiting = await pending();
  const found = await pageCodes();
  for (const [file, code] of found) {
    assert.ok(code in en, `${file}: "${code}" has no entry in www/i18n/en.json`);
    assert.ok(code in ko || waiting.has(code), `${file}: "${code}" has no entry in www/i18n/ko.json`);
  }
  assert.ok(found.length > 200, `found ${found.length} uses`);
  assert.ok(found.some(([file]) => file === "index.html"), "the page's markup is marked");
});

test("the page's markup says in English what en.json says (the words before the catalogue loads)", async () => {
  const en = await catalogue("en.json");
  const html = await readFile(path.join(WWW, "index.html"), "utf8");
  let count = 0;
  for (const m of html.matchAll(/<([a-z0-9]+)\b[^>]*\sdata-i18n="([a-z0-9_.]+)"[^>]*>([^<]*)<\/\1>/g)) {
    const [, , code, text] = m;
    const words = text.replace(/\s+/g, " ").trim().replace(/&amp;/g, "&");
    assert.equal(words, en[code].message, `index.html: the text marked "${code}"`);
    count += 1;
  }
  assert.ok(count > 80, `checked ${count} elements`);
  for (const m of html.matchAll(/\s([a-z-]+)="([^"]*)"[^>]*\sdata-i18n-\1="([a-z0-9_.]+)"/g)) {
    assert.equal(m[2], en[m[3]].message, `index.html: the ${m[1]} marked "${m[3]}"`);
  }
});

test("the language: the first the browser prefers that the page has, else English", () => {
  assert.deepEqual(LANGUAGES, ["en", "ko"]);
  assert.equal(preferredLanguage(["ko-KR", "en-US"]), "ko");
  assert.equal(preferredLanguage(["fr-FR", "ko"]), "ko");
  assert.equal(preferredLanguage(["en-GB", "ko-KR"]), "en");
  assert.equal(preferredLanguage(["fr", "de"]), "en");
  assert.equal(preferredLanguage([]), "en");
  assert.equal(preferredLanguage(["KO"]), "ko");
});

test("numbers, shares and dates follow the language", () => {
  useMessages({}, "en");
  assert.equal(formatNumber(1234.5, 2), "1,234.50");
  assert.equal(formatNumber(1234.5, 1, false), "1234.5");
  assert.equal(formatPercent(0.125, 1), "12.5%");
  assert.equal(formatDate(new Date(Date.UTC(2026, 11, 3, 12))), "December 3, 2026");
  useMessages({}, "ko");
  assert.equal(formatPercent(0.5), "50%");
  assert.equal(formatDate(new Date(Date.UTC(2026, 11, 3, 12))), "2026년 12월 3일");
  useMessages({}, "de");
  assert.equal(formatNumber(1234.5, 2), "1.234,50");
  assert.equal(formatPercent(0.125, 1), "12,5\u00a0%");
});

test("a code the language lacks is taken from English", () => {
  useMessages({ "t.both": { message: "둘 다" } }, "ko", { "t.both": { message: "both" }, "t.en": { message: "only {x}" } });
  assert.equal(t("t.both"), "둘 다");
  assert.equal(t("t.en", { x: 1 }), "only 1");
  assert.equal(t("t.none"), "t.none");
});

test("templates are filled by name; numbers follow the language, with the decimals asked for", () => {
  useMessages({
    "t.file": { message: "The file \"{file}\" has {rows} rows; {share:.1}% empty." },
    "t.missing": { message: "{known} and {unknown}" },
  });
  assert.equal(t("t.file", { file: "a.csv", rows: 120000, share: 12.345 }), "The file \"a.csv\" has 120,000 rows; 12.3% empty.");
  assert.equal(t("t.missing", { known: 1 }), "1 and {unknown}", "an absent parameter stays visible");
  assert.equal(t("t.nope", { x: 1 }), "t.nope (x: 1)", "an unknown code shows the code and its parameters");
  assert.equal(t("t.nope"), "t.nope");
  useMessages({ "t.n": { message: "{n:.2}" } }, "de");
  assert.equal(t("t.n", { n: 1234.5 }), "1.234,50");
});

test("lists, nested messages and capitals", () => {
  useMessages({
    "t.list": { message: "Columns: {names:q}; bare: {names}." },
    "t.series": { message: "{frequency:cap} data; {reason}" },
    "t.monthly": { message: "monthly" },
    "t.inner": { message: "every row has \"{value}\"" },
  });
  assert.equal(t("t.list", { names: { items: ["a", "b"], more: 3 } }), "Columns: \"a\", \"b\", …; bare: a, b, ….");
  assert.equal(t("t.list", { names: { items: ["a"], more: 0 } }), "Columns: \"a\"; bare: a.");
  assert.equal(
    t("t.series", { frequency: { code: "t.monthly", params: {} }, reason: { code: "t.inner", params: { value: "x" } } }),
    "Monthly data; every row has \"x\"",
  );
});

test("the hint is the deepest one along the reasons; notes end with theirs", () => {
  useMessages({
    "t.outer": { message: "Cannot use \"{column}\": {reason}.", hint: "Outer hint." },
    "t.inner": { message: "it has {n} values", hint: "Inner hint for {n}." },
    "t.plain": { message: "no hint" },
  });
  const inner = { code: "t.inner", params: { n: 3 } };
  assert.equal(hintOf("t.outer", { column: "y", reason: inner }), "Inner hint for 3.");
  assert.equal(hintOf("t.outer", { column: "y", reason: { code: "t.plain", params: {} } }), "Outer hint.");
  assert.equal(hintOf("t.plain"), "");
  assert.equal(renderNote({ code: "t.outer", params: { column: "y", reason: inner } }), "Cannot use \"y\": it has 3 values. Inner hint for 3.");
  assert.equal(renderNote({ code: "t.plain", params: {} }), "no hint");
  assert.equal(renderNote("already words"), "already words");
});

test("errors: from the catalogue by code, else the engine's English fallback", () => {
  useMessages({ "t.err": { message: "The file \"{file}\" is empty.", hint: "Choose another file." } });
  assert.deepEqual(describeError({ code: "t.err", params: { file: "x.csv" }, message: "old", hint: "old hint" }),
    { message: "The file \"x.csv\" is empty.", hint: "Choose another file." });
  assert.deepEqual(describeError({ code: "t.unknown", params: {}, message: "English", hint: "Do this." }),
    { message: "English", hint: "Do this." });
  assert.deepEqual(describeError(new Error("plain")), { message: "plain", hint: "" });
  assert.deepEqual(describeError("text"), { message: "text", hint: "" });
  const e = pageError("t.err", { file: "y.csv" });
  assert.ok(e instanceof Error);
  assert.equal(e.message, "The file \"y.csv\" is empty.");
  assert.equal(e.hint, "Choose another file.");
  assert.equal(e.code, "t.err");
});

test("the real catalogue renders the engine's messages as the command line does", async () => {
  const files = new Map([["en", await readFile(path.join(WWW, "i18n", "en.json"), "utf8")]]);
  const fetchStub = async (url) => {
    const lang = /\/i18n\/(\w+)\.json$/.exec(String(url))[1];
    return files.has(lang) ? { ok: true, json: async () => JSON.parse(files.get(lang)) } : { ok: false };
  };
  assert.equal(await loadMessages("xx", fetchStub), true, "an unknown language falls back to English");
  const error = {
    code: "target.bad",
    params: { column: "species", reason: { code: "target.one_class", params: { value: "a" } } },
  };
  assert.deepEqual(describeError(error), {
    message: "The target column \"species\" cannot be used: every row has the same value \"a\".",
    hint: "Choose a target column with at least two different values.",
  });
  assert.equal(
    t("file.too_many_columns", { file: "wide.csv", columns: 120000, limit: 16384 }),
    "The file \"wide.csv\" has 120,000 columns, more than the 16,384 that can be handled.",
  );
  assert.equal(
    renderNote({ code: "read.unnamed_columns", params: { count: 7, columns: { items: ["1", "2", "3", "4", "5"], more: 2 } } }),
    "7 column(s) have no name (column 1, 2, 3, 4, 5, …); they are called \"column_N\".",
  );
  assert.equal(await loadMessages("en", async () => { throw new Error("offline"); }), false, "no catalogue: false, never a throw");
});

// The page's first load in another language fetches that catalogue alone; English beside it
// (for a code it lacks) comes later, with loadFallback.
test("a first load in Korean fetches ko.json alone; loadFallback adds English beside it", async () => {
  const files = {
    en: { "t.both": { message: "Both" }, "t.only_en": { message: "English only" } },
    ko: { "t.both": { message: "둘 다" } },
  };
  /** @type {string[]} */
  let fetched = [];
  const fetchStub = async (url) => {
    const lang = /\/i18n\/(\w+)\.json$/.exec(String(url))[1];
    fetched.push(lang);
    return lang in files ? { ok: true, json: async () => files[lang] } : { ok: false };
  };
  assert.equal(await loadMessages("ko", fetchStub, { englishLater: true }), true);
  assert.deepEqual(fetched, ["ko"]);
  assert.equal(t("t.both"), "둘 다");
  assert.equal(t("t.only_en"), "t.only_en", "no English yet");
  fetched = [];
  await loadFallback(fetchStub);
  assert.deepEqual(fetched, ["en"]);
  assert.equal(t("t.both"), "둘 다");
  assert.equal(t("t.only_en"), "English only");
  // without the option, both at once (as before); a language that is missing falls back to
  // English even when English was left for later
  fetched = [];
  assert.equal(await loadMessages("ko", fetchStub), true);
  assert.deepEqual(fetched, ["en", "ko"]);
  assert.equal(t("t.only_en"), "English only");
  fetched = [];
  assert.equal(await loadMessages("xx", fetchStub, { englishLater: true }), true);
  assert.deepEqual(fetched, ["xx", "en"]);
  assert.equal(t("t.both"), "Both");
  // in English, loadFallback has nothing to do
  fetched = [];
  await loadFallback(fetchStub);
  assert.deepEqual(fetched, []);
});

// The Korean catalogue (issue 16): every English code, with the same placeholders, format
// specifications included, in the message and in the hint separately; written in Korean; and no
// placeholder directly followed by a particle whose form depends on the value's last syllable
// (은/는, 이/가, 을/를, 과/와, (으)로), which a template cannot choose.
test("the Korean catalogue has every English code with the same placeholders, in Korean", async () => {
  const en = await catalogue("en.json");
  const ko = await catalogue("ko.json");
  const specs = (template) => [...template.matchAll(PLACEHOLDER)].map((m) => m[0]).sort();
  const missing = Object.keys(en).filter((code) => !(code in ko));
  assert.deepEqual(missing, [], "codes of en.json missing in ko.json");
  assert.deepEqual(Object.keys(ko).filter((code) => !(code in en)), [], "codes of ko.json not in en.json");
  const HANGUL = /[\uac00-\ud7a3]/;
  const PARTICLE = /\}(?:을|를|이|가|은|는|과|와|으로|로)(?![\uac00-\ud7a3])/;
  for (const [code, entry] of Object.entries(en)) {
    const k = ko[code];
    assert.deepEqual(specs(k.message), specs(entry.message), `${code}: message placeholders`);
    assert.equal("hint" in k, "hint" in entry, `${code}: hint`);
    if (entry.hint) assert.deepEqual(specs(k.hint), specs(entry.hint), `${code}: hint placeholders`);
    for (const text of [k.message, k.hint ?? ""]) {
      assert.doesNotMatch(text, PARTICLE, `${code}: a particle right after a placeholder in ${JSON.stringify(text)}`);
    }
    // Units, names and acronyms stay as they are in Korean ("{n} KB", "ROC AUC", "sMAPE (%)",
    // "F1"), and the language switch names each language in its own words; any other entry
    // without Hangul that holds an English word (two lower-case letters) is not translated.
    const english = /[a-z]{2,}/.test(k.message.replace(PLACEHOLDER, "")) && !HANGUL.test(k.message);
    assert.ok(!english || code.startsWith("language."), `${code}: not translated: ${JSON.stringify(k.message)}`);
    if (entry.hint) assert.match(k.hint, HANGUL, `${code}: hint not translated`);
  }
});

test("Korean renders with Korean words around the parameters", () => {
  return catalogue("ko.json").then((ko) => {
    useMessages(ko, "ko");
    try {
      assert.equal(t("file.empty", { file: "성적.csv" }), "\"성적.csv\" 파일이 비어 있어요.");
      assert.equal(t("read.blank_lines", { count: 1234 }), "빈 줄 1,234개를 건너뛰었어요.");
    } finally {
      useMessages({}, "en");
    }
  });
});

test("every built-in sample is named and described in both catalogues", async () => {
  const en = await catalogue("en.json");
  const ko = await catalogue("ko.json");
  const samples = JSON.parse(await readFile(path.join(WWW, "samples", "samples.json"), "utf8"));
  assert.ok(samples.length >= 9, `${samples.length} samples`);
  for (const sample of samples) {
    assert.equal(sample.titleKey, `sample.${sample.id}`, sample.id);
    assert.equal(sample.aboutKey, `sample.${sample.id}.about`, sample.id);
    for (const code of [sample.titleKey, sample.aboutKey]) {
      assert.ok(code in en && code in ko, `${sample.id}: ${code} in both catalogues`);
      assert.match(ko[code].message, /[\uac00-\ud7a3]/, `${sample.id}: ${code} in Korean`);
    }
  }
});

test("the choice of language is remembered in localStorage, or for the page when storage is refused", async () => {
  const saved = globalThis.localStorage;
  try {
    const store = new Map();
    globalThis.localStorage = { getItem: (k) => (store.has(k) ? store.get(k) : null), setItem: (k, v) => store.set(k, String(v)) };
    assert.equal(storedLanguage(), "");
    await setLanguage("ko");
    assert.equal(store.get("automl.language"), "ko");
    assert.equal(storedLanguage(), "ko");
    store.set("automl.language", "xx");
    assert.equal(storedLanguage(), "ko", "a stored language the page does not have is ignored (this page's own choice answers)");
    assert.equal(await setLanguage("xx"), false, "and cannot be chosen");
    globalThis.localStorage = {
      getItem() {
        throw new Error("SecurityError");
      },
      setItem() {
        throw new Error("SecurityError");
      },
    };
    await setLanguage("en");
    assert.equal(storedLanguage(), "en", "kept for the page when storage refuses it");
  } finally {
    globalThis.localStorage = saved;
  }
});
