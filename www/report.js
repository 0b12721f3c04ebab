// The downloadable report: one self-contained HTML file of a run (data profile, settings,
// seed, leaderboard, best model, and the page's own SVG plots with their CSS inline). It has
// no script and loads nothing: its own Content-Security-Policy allows inline styles only.
//
// Its body is built in a separate HTML document with DOM calls (textContent for every piece of
// user text, imported nodes for the SVG charts) and serialized by the browser, which escapes
// text; the head around it is constant text of this module (and the page's charts.css).
import { familyLabel, formatParams, formatScore, formatNumber, formatSeconds, metricName } from "./view.js";
import { renderNote, t } from "./i18n.js";
/**
 * @typedef {import("./protocol.js").Inspection} Inspection
 * @typedef {import("./protocol.js").LeaderboardRow} LeaderboardRow
 * @typedef {import("./protocol.js").RunSettings} RunSettings
 * @typedef {import("./protocol.js").SearchResult} SearchResult
 */

/**
 * A section of the report: its heading, the page's charts and tables (copied in), and
 * paragraphs of text. Missing entries are left out; a section without charts or tables is.
 * @typedef {object} ReportSection
 * @property {string} title
 * @property {(SVGElement|null)[]} [charts]
 * @property {(HTMLTableElement|null)[]} [tables]
 * @property {(string|null)[]} [text]
 */

/**
 * What buildReport reads.
 * @typedef {object} ReportInput
 * @property {SearchResult} result
 * @property {RunSettings} [settings]
 * @property {Inspection} [inspection]
 * @property {string} [fileName]
 * @property {string} [engineVersion]
 * @property {string} [chartCss] the page's charts.css
 * @property {ReportSection[]} [sections]
 * @property {Map<string, SVGElement>} [profileCharts] each column's histogram, by column name
 */

const REPORT_CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24; margin: 0 auto; padding: 1rem; max-width: 60rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #d5dae0; padding-bottom: 0.2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #e3e6ea; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
figure { margin: 1rem 0; }
.meta { color: #555; }
.table-wrap { overflow-x: auto; }
svg.histogram { display: block; height: 2.25rem; width: 8rem; }
svg.histogram .bar { fill: #1f5fbf; }
svg.histogram .bar.is-other { fill: #9db7e0; }
svg.histogram .hit { fill: transparent; }
`;

/**
 * Everything the report shows.
 * @param {ReportInput} input
 * @returns {string} the report's HTML
 */
export function buildReport({ result, settings, inspection, fileName, engineVersion, chartCss, sections, profileCharts = new Map() }) {
  const doc = document.implementation.createHTMLDocument(`AutoML report: ${result.target}`);
  /**
   * @param {Element} parent
   * @param {string} tag
   * @param {unknown} [text]
   * @param {{ [name: string]: string|number }} [attrs]
   * @returns {HTMLElement}
   */
  const add = (parent, tag, text, attrs = {}) => {
    const node = doc.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    parent.append(node);
    return node;
  };
  const body = doc.body;

  /**
   * @param {Element} parent
   * @param {string[]} header
   * @param {string[][]} rows
   * @param {Set<number>} [numeric] the columns aligned as numbers
   * @returns {HTMLTableElement}
   */
  const table = (parent, header, rows, numeric = new Set()) => {
    const wrap = add(parent, "div", null, { class: "table-wrap" });
    const t = /** @type {HTMLTableElement} */ (add(wrap, "table"));
    const tr = add(add(t, "thead"), "tr");
    header.forEach((h, i) => add(tr, "th", h, numeric.has(i) ? { class: "num", scope: "col" } : { scope: "col" }));
    const tbody = add(t, "tbody");
    for (const row of rows) {
      const r = add(tbody, "tr");
      row.forEach((v, i) => add(r, "td", v, numeric.has(i) ? { class: "num" } : {}));
    }
    return t;
  };
  /**
   * @param {Element} parent
   * @param {string[][]} pairs [term, description] pairs
   */
  const facts = (parent, pairs) => {
    const dl = add(parent, "dl");
    for (const [k, v] of pairs) {
      add(dl, "dt", k);
      add(dl, "dd", v);
    }
  };

  add(body, "h1", `Predicting “${result.target}”`);
  add(body, "p", `AutoML report, ${new Date().toISOString().replace("T", " ").slice(0, 16)} UTC · engine ${engineVersion || "?"} · made in the browser; the data never left it.`, { class: "meta" });

  /**
   * A row's model as the page names it: its family (an ensemble by its members' trial
   * numbers) and its trial number.
   * @param {Partial<LeaderboardRow>} row
   */
  const modelName = (row) => {
    const label = familyLabel(row);
    return label.code === "page.ensemble_label" ? t(label.code, label.params) : t("page.model_with_trial", { model: label, trial: row.trial ?? "?" });
  };
  const best = /** @type {Partial<LeaderboardRow>} */ ((result.best && result.best.row) || {});
  add(body, "h2", "Best model");
  if (result.ending === "stopped" || result.ending === "chosen") {
    add(body, "p", t(result.ending === "stopped" ? "page.best_stopped_early" : "page.best_chosen"), { class: "ending", "data-ending": result.ending });
  }
  facts(body, [
    ["Model", modelName(best)],
    ["Settings", formatParams(best.params)],
    [t("page.best_score_mean", { metric: metricName(result.metric), folds: Array.isArray(best.foldScores) ? best.foldScores.length : 0 }), formatScore(best.mean, best.std)],
    ["Data used", t("page.data_used", { rows: result.nRows, columns: Number.isInteger(result.nColumns) ? result.nColumns : result.nFeatures, features: result.nFeatures, task: result.task })],
    ["Total time", `${formatSeconds(result.elapsedS)} s (budget ${formatSeconds(result.budgetS)} s)`],
  ]);
  const why = result.why && Array.isArray(result.why.messages) ? result.why.messages : [];
  if (why.length) {
    add(body, "h3", t("page.why_title"));
    add(body, "p", why.map((m) => t(m.code, m.params)).join(" "), { class: "why" });
  }
  if (Array.isArray(result.notes) && result.notes.length) {
    const ul = add(body, "ul");
    for (const n of result.notes) add(ul, "li", renderNote(n));
  }

  add(body, "h2", "Settings");
  const s = /** @type {Partial<RunSettings>} */ (settings || {});
  facts(body, [
    ["File", fileName || "—"],
    ["Column to predict", result.target],
    ["Task", result.task],
    ["Metric", metricName(result.metric)],
    ["Time budget", typeof s.timeBudgetS === "number" ? `${s.timeBudgetS} s` : "no time limit"],
    ...(typeof s.maxTrials === "number" ? [["Trial budget", `at most ${s.maxTrials} trials`]] : []),
    ["Random seed", String(s.seed ?? "—")],
    ["Validation", result.validation ? String(result.validation) : `${result.folds ?? s.folds ?? "?"} splits`],
    ["Columns left out", (s.exclude || []).join(", ") || "none"],
    ["Types changed", Object.entries(s.columnTypes || {}).map(([k, v]) => `${k}: ${v}`).join(", ") || "none"],
  ]);

  if (inspection) {
    add(body, "h2", "Data");
    add(body, "p", `${inspection.nRows} rows × ${inspection.nCols} columns${inspection.duplicateRows ? `, ${inspection.duplicateRows} duplicated rows` : ""}.`);
    const profile = table(body, ["Column", "Type", "Empty cells", "Different values", "Values"],
      (inspection.columns || []).map((c) => [c.name, c.kind, String(c.missing), String(c.distinct), ""]), new Set([2, 3]));
    // Each column's small histogram, as the page's profile drew it.
    [...profile.tBodies[0].rows].forEach((tr, i) => {
      const svg = profileCharts.get((inspection.columns || [])[i].name);
      if (svg) tr.cells[4].append(doc.importNode(svg, true));
    });
    const warnings = [...(inspection.warnings || []), ...(inspection.notes || [])];
    if (warnings.length) {
      const ul = add(body, "ul");
      for (const w of warnings) add(ul, "li", renderNote(w));
    }
  }

  add(body, "h2", "Leaderboard");
  const rows = (result.leaderboard || []).slice(0, 50);
  table(body, ["Rank", "Model", "Settings", `${metricName(result.metric)} (mean ± std)`, "Fit time (s)"],
    rows.map((r, i) => [String(r.rank ?? i + 1), modelName(r), formatParams(r.params), formatScore(r.mean, r.std), formatNumber(r.fitTimeS)]),
    new Set([0, 3, 4]));
  if ((result.leaderboard || []).length > rows.length) add(body, "p", `The best ${rows.length} of ${result.leaderboard.length} models.`, { class: "meta" });

  for (const section of sections || []) {
    const charts = (section.charts || []).filter(Boolean);
    const tables = (section.tables || []).filter(Boolean);
    const text = (section.text || []).filter(Boolean);
    if (!charts.length && !tables.length) continue;
    add(body, "h2", section.title);
    for (const t of text) add(body, "p", t);
    for (const t of tables) add(body, "div", null, { class: "table-wrap" }).append(doc.importNode(t, true));
    for (const svg of charts) add(body, "figure").append(doc.importNode(svg, true));
  }
  // The head is this module's constant text plus the title, escaped by the DOM (a <style>
  // element cannot be made in a document of this page: its CSP forbids inline styles).
  const title = doc.createElement("title");
  title.textContent = `AutoML report: ${result.target}`;
  const css = `${REPORT_CSS}\n${chartCss || ""}`.replace(/<\//g, "<\\/");
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    title.outerHTML,
    `<style>${css}</style>`,
    "</head>",
    doc.body.outerHTML,
    "</html>",
    "",
  ].join("\n");
}
