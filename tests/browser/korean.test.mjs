// Korean files and the essay's samples on the real page.
//
// 1. A CSV saved by Korean Excel (CP949, tests/data/korean_sales_cp949.csv) dropped on the page:
//    the preview shows its Hangul headers and values, a note says it was read as EUC-KR, and the
//    encoding picker beside the notes reads it again as Windows-1252 (garbled, as asked, with a
//    note saying so) and back; the target check reads the file the way the person chose; with
//    the page in Korean the note and the picker are in Korean.
// 2. The samples that match the essay's examples (credit default, concrete strength, wine
//    sales) are listed with their names and descriptions from the catalogue and load; a short
//    seeded search on the concrete sample reaches a real R².
// Serves the test build (a trial budget through window.__automl.runSettings): needs
// `bash scripts/build-wasm.sh --test`.
//
//   node --test --test-concurrency=1 tests/browser/korean.test.mjs
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { $, ROOT, useBrowser } from "./harness.mjs";

const browser = useBrowser({ testBuild: true });
const { openApp, loadSample, waitForText, text } = browser;

let page;
beforeEach(() => {
  page = browser.page;
});

const HANGUL_HEADERS = ["지역", "제품", "분기", "판매량", "단가", "평가"];

/** Drops the bytes of a file on the drop zone, as a person dragging it from a folder. */
async function drop(name, bytes) {
  await page.evaluate(({ selector, name, data }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(data)], name, { type: "text/csv" }));
    const zone = document.querySelector(selector);
    for (const type of ["dragenter", "dragover", "drop"]) {
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }
  }, { selector: $("drop-zone"), name, data: [...bytes] });
}

/** The column names the preview's header shows. */
async function headers() {
  return page.locator(`${$("preview-table")} thead th .col-name`).allTextContents();
}

async function notes() {
  return page.locator(`${$("data-notes")} li`).allTextContents();
}

test("a CP949 file: Hangul in the preview, a note on the encoding, and another encoding on request", async () => {
  await openApp();
  const bytes = await readFile(path.join(ROOT, "tests", "data", "korean_sales_cp949.csv"));
  await drop("판매.csv", bytes);
  await waitForText("status", /^Loaded 판매\.csv$/);
  assert.deepEqual(await headers(), HANGUL_HEADERS);
  const firstRow = await page.locator(`${$("preview-table")} tbody tr`).first().locator("td").allTextContents();
  assert.deepEqual(firstRow, ["서울", "사과", "1분기", "120", "1500", "좋음"]);
  assert.ok(
    (await notes()).includes("\"판매.csv\" is not UTF-8 text; it was read as EUC-KR (CP949, Korean). If the text looks wrong, choose another encoding, or save the file as UTF-8."),
    (await notes()).join("\n"),
  );

  // The encoding picker, beside the notes: the detected encoding chosen, every option named.
  const picker = page.locator($("encoding-select"));
  await page.locator($("encoding-field")).waitFor({ state: "visible" });
  assert.equal(await picker.inputValue(), "euc-kr");
  assert.deepEqual(await picker.locator("option").allTextContents(),
    ["UTF-8", "UTF-16", "EUC-KR (CP949, Korean)", "Windows-1252 (Western European)"]);
  assert.equal(await page.locator("#encoding-label").textContent(), "Encoding");
  assert.match(await page.locator("#encoding-help").textContent(), /^If letters look garbled, choose the encoding/);

  // Windows-1252, as the person asks: the same bytes read again, garbled, with a note.
  await picker.selectOption("windows-1252");
  await waitForText("data-notes", /was read as Windows-1252 \(Western European\), as you chose\./);
  const garbled = await headers();
  assert.equal(garbled[0], "Áö¿ª");
  assert.ok(!garbled.join("").match(/[\uac00-\ud7a3]/), `no Hangul: ${garbled}`);
  assert.equal(await picker.inputValue(), "windows-1252");
  // The target check reads the file the same way (its column names exist only in this reading).
  await browser.waitForCheck();
  assert.equal(await page.locator($("error")).isVisible(), false, "the check found the chosen reading's columns");

  // And back to Korean.
  await picker.selectOption("euc-kr");
  await waitForText("data-notes", /was read as EUC-KR \(CP949, Korean\), as you chose\./);
  assert.deepEqual(await headers(), HANGUL_HEADERS);
  await browser.waitForCheck();
  assert.equal(await page.locator($("error")).isVisible(), false);

  // With the page in Korean, the note and the picker speak Korean (then back to English).
  await page.locator($("language-select")).selectOption("ko");
  await waitForText("data-notes", /선택하신 대로 "판매\.csv" 파일을 EUC-KR\(CP949, 한국어\) 인코딩으로 읽었어요\./);
  assert.equal(await page.locator("#encoding-label").textContent(), "인코딩");
  assert.deepEqual(await picker.locator("option").allTextContents(),
    ["UTF-8", "UTF-16", "EUC-KR(CP949, 한국어)", "Windows-1252(서유럽어)"]);
  await page.locator($("language-select")).selectOption("en");
  await waitForText("data-notes", /as you chose/);
});

test("a UTF-8 file shows no encoding picker; one with a byte-order mark reads the same Hangul", async () => {
  await openApp();
  for (const name of ["korean_sales_utf8.csv", "korean_sales_utf8_bom.csv"]) {
    await drop(name, await readFile(path.join(ROOT, "tests", "data", name)));
    await waitForText("status", new RegExp(`^Loaded ${name.replace(/\./g, "\\.")}$`));
    assert.deepEqual(await headers(), HANGUL_HEADERS, name);
    assert.equal(await page.locator($("encoding-field")).isVisible(), false, name);
  }
});

/** The essay's samples: id, target, and the name and description the picker shows. */
const ESSAY_SAMPLES = [
  ["credit_default", "default", "Credit card default (classification, 2,500 rows)", /2,500 customers; predict who fails to pay/],
  ["concrete_strength", "compressive_strength", "Concrete strength (regression, 1,030 rows)", /1,030 concrete mixtures; predict the compressive strength/],
  ["wine_sales", "sales", "Australian wine sales (forecast, monthly, 176 rows)", /Monthly wine sales of Australian makers/],
];

test("the essay's samples: named from the catalogue, described, and each loads", async () => {
  await openApp();
  for (const [id, target, name, about] of ESSAY_SAMPLES) {
    const option = page.locator(`${$("sample-select")} option[value="${id}"]`);
    assert.equal(await option.textContent(), name);
    await page.locator($("sample-select")).selectOption(id);
    assert.match(await text("sample-about"), about);
    await loadSample(id);
    assert.equal((await browser.selectedText("target-select")).trim(), target, id);
  }
  // The series is recognised as one, monthly with a yearly season.
  assert.equal(await page.locator($("task-select")).inputValue(), "forecast");
  await waitForText("forecast-info", /values/);
  assert.equal(await text("forecast-info"), "176 monthly values, seasonal period 12.");
});

test("concrete strength: a seeded search of 10 trials predicts the strength well (R² above 0.9)", async () => {
  await openApp();
  await loadSample("concrete_strength");
  assert.equal(await page.locator($("task-select")).inputValue(), "regression");
  await page.locator($("seed-input")).fill("42");
  await page.evaluate(() => window.__automl.runSettings({ timeBudgetS: null, maxTrials: 10 }));
  await page.locator($("start")).click();
  await waitForText("status", /^Done/, 120_000);
  const score = await browser.bestScore();
  assert.ok(score > 0.9, `cross-validated R² ${score} (the command line gets 0.934 with this seed and budget)`);
});
