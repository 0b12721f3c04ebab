// Row objects for the engine (the API's calls, automl-calls.js; the package exports rowsToCsv):
// a table of `{ column: value }` as the bytes of a CSV file, and one row as the engine's typed
// row `{ column: text }`.
import { usageError } from "./automl.js";
/** @typedef {import("../index.js").RowObject} RowObject */

/** A field that must be quoted in CSV: a delimiter the engine may detect, a quote, a line break, edge spaces. */
const NEEDS_QUOTES = /[",;\t|\r\n]|^\s|\s$/;

/**
 * One cell's text: empty for null, undefined and non-finite numbers; ISO 8601 for dates.
 * @param {unknown} value
 * @returns {string}
 */
function cellText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** @param {string} text */
function csvField(text) {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Rows `[{ column: value }]` as the bytes of a CSV file: the header is every key in the order
 * first met, a row lacking a key has an empty cell there, and a field with a quote, a line
 * break, a delimiter or an edge space is quoted (quotes doubled).
 * @param {readonly RowObject[]} rows
 * @returns {Uint8Array}
 */
export function rowsToCsv(rows) {
  if (!Array.isArray(rows) || rows.length === 0) throw usageError("package.no_rows");
  /** @type {string[]} */
  const columns = [];
  const seen = new Set();
  for (const row of rows) {
    if (!row || typeof row !== "object" || Array.isArray(row)) throw usageError("package.bad_row");
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  if (columns.length === 0) throw usageError("package.bad_row");
  const lines = [columns.map(csvField).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvField(cellText(row[c]))).join(","));
  return new TextEncoder().encode(`${lines.join("\r\n")}\r\n`);
}

/**
 * A row object as the engine's typed row `{ column: text }`.
 * @param {RowObject} row
 * @returns {{ [column: string]: string }}
 */
export function textRow(row) {
  if (!row || typeof row !== "object" || Array.isArray(row)) throw usageError("package.bad_row");
  /** @type {{ [column: string]: string }} */
  const out = {};
  for (const [key, value] of Object.entries(row)) out[key] = cellText(value);
  return out;
}
