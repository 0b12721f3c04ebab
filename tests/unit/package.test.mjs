// Unit tests of the package's pure parts (index.js, which re-exports www/automl.js and
// www/rows.js): row objects written as CSV, exactly.
import { test } from "node:test";
import assert from "node:assert/strict";

// www/trusted-types.js reads `self` when it loads (a page or a worker); Node has globalThis only.
globalThis.self = globalThis;
const { rowsToCsv } = await import("../../index.js");

const text = (rows) => new TextDecoder().decode(rowsToCsv(rows));

test("rows as CSV: the header is every key in the order first met, missing cells empty", () => {
  assert.equal(text([{ a: 1, b: "x" }, { b: "y", c: true }, { a: 2.5 }]), "a,b,c\r\n1,x,\r\n,y,true\r\n2.5,,\r\n");
});

test("rows as CSV: quotes, delimiters, line breaks and edge spaces are quoted; quotes doubled", () => {
  const rows = [{ name: 'say "hi"', note: "a,b", tab: "x\ty", semi: "1;2", pipe: "p|q", lines: "one\ntwo", cr: "r\rs", pad: " x", plain: "ok" }];
  assert.equal(
    text(rows),
    'name,note,tab,semi,pipe,lines,cr,pad,plain\r\n"say ""hi""","a,b","x\ty","1;2","p|q","one\ntwo","r\rs"," x",ok\r\n',
  );
  assert.equal(text([{ "a,b": 1 }]), '"a,b"\r\n1\r\n');
});

test("rows as CSV: null, undefined, NaN and invalid dates empty; dates in ISO 8601; objects as JSON", () => {
  assert.equal(
    text([{ a: null, b: undefined, c: Number.NaN, d: new Date("2024-02-03T04:05:06Z"), e: new Date("nope"), f: { k: 1 } }]),
    'a,b,c,d,e,f\r\n,,,2024-02-03T04:05:06.000Z,,"{""k"":1}"\r\n',
  );
});

test("rows as CSV: no rows, or a row that is not an object, is the package's coded error", () => {
  assert.throws(() => rowsToCsv([]), { code: "package.no_rows" });
  assert.throws(() => rowsToCsv([1]), { code: "package.bad_row" });
  assert.throws(() => rowsToCsv([["a"]]), { code: "package.bad_row" });
  assert.throws(() => rowsToCsv([{}]), { code: "package.bad_row" });
});

test("every code the API uses (www/automl.js, automl-calls.js, rows.js) has words in every catalogue", async () => {
  const { readFile } = await import("node:fs/promises");
  let source = "";
  for (const file of ["automl.js", "automl-calls.js", "rows.js"]) source += await readFile(new URL(`../../www/${file}`, import.meta.url), "utf8");
  const codes = new Set([...source.matchAll(/"((?:package|run|internal)\.[a-z_]+)"/g)].map((m) => m[1]));
  assert.ok(codes.has("package.bad_data") && codes.has("run.stopped"), [...codes].join(", "));
  for (const lang of ["en", "ko"]) {
    const catalogue = JSON.parse(await readFile(new URL(`../../www/i18n/${lang}.json`, import.meta.url), "utf8"));
    for (const code of codes) assert.ok(code in catalogue, `${code} in www/i18n/${lang}.json`);
  }
});
