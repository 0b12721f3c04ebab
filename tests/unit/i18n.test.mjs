// Unit tests of the message catalogue (www/i18n/*.json) and its renderer (www/i18n.js):
// the catalogue's shape, every code the page's scripts use, and rendering of parameters,
// numbers, lists, nested messages and hints.   node --test tests/unit/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeError, hintOf, loadMessages, pageError, renderNote, useMessages, t } from "../../www/i18n.js";

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

test("every other catalogue has the same codes, placeholders and hints as English", async () => {
  const en = await catalogue("en.json");
  const shape = (c) => Object.fromEntries(Object.keys(c).sort().map((code) => [code, {
    names: [...placeholders(code, c[code].message), ...(c[code].hint ? placeholders(code, c[code].hint) : [])].sort(),
    hint: "hint" in c[code],
  }]));
  for (const name of (await readdir(path.join(WWW, "i18n"))).filter((f) => f.endsWith(".json") && f !== "en.json")) {
    assert.deepEqual(shape(await catalogue(name)), shape(en), name);
  }
});

test("every code the page's scripts use has an entry", async () => {
  const en = await catalogue("en.json");
  const used = /(?:\bt|hintOf|pageError)\(\s*"([a-z0-9_.]+)"|\bcode:\s*"([a-z0-9_.]+)"/g;
  let count = 0;
  for (const file of (await readdir(WWW)).filter((f) => f.endsWith(".js"))) {
    const text = await readFile(path.join(WWW, file), "utf8");
    for (const m of text.matchAll(used)) {
      const code = m[1] || m[2];
      assert.ok(code in en, `${file}: "${code}" has no entry in www/i18n/en.json`);
      count += 1;
    }
  }
  assert.ok(count > 20, `found ${count} uses`);
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
    // An entry that is only placeholders and punctuation ("{detail}") has nothing to translate.
    if (/[A-Za-z]/.test(entry.message.replace(PLACEHOLDER, ""))) assert.match(k.message, HANGUL, `${code}: not translated`);
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
