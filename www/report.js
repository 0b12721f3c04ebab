// The downloadable report: one self-contained HTML file of a run (data profile, settings,
// seed, leaderboard, best model, and the page's own SVG plots with their CSS inline). It has
// no script and loads nothing: its own Content-Security-Policy allows inline styles only.
//
// Its body is built in a separate HTML document with DOM calls (textContent for every piece of
// user text, imported nodes for the SVG charts) and serialized by the browser, which escapes
// text; the head around it is constant text of this module (and the page's charts.css).
import { familyLabel, formatScore, formatNumber, formatSeconds, metricLabel, nRows, showParams } from "./view.js";
import { formatDate, localize, localizeNote, messagesLanguage, t } from "./i18n.js";
import { MASE_DIGITS, SMAPE_DIGITS, aboutParams, columnDigits, fixed, maseWords, modelWords } from "./forecast.js";
/**
 * @typedef {import("./protocol-types.js").Inspection} Inspection
 * @typedef {import("./protocol-types.js").LeaderboardRow} LeaderboardRow
 * @typedef {import("./protocol-types.js").RunSettings} RunSettings
 * @typedef {import("./protocol-types.js").SearchResult} SearchResult
 * @typedef {import("./protocol-types.js").ForecastResult} ForecastResult
 * @typedef {import("./protocol-types.js").ForecastSettings} ForecastSettings
 */

/**
 * A section of the report: its heading, the page's charts and tables (copied in), and
 * paragraphs of text. Missing entries are left out; a section without charts or tables is.
 * @typedef {object} ReportSection
 * @property {{ code: string, params?: object }} title a message
 * @property {(SVGElement|null)[]} [charts]
 * @property {(HTMLTableElement|null)[]} [tables]
 * @property {(Element|null)[]} [text] the page's paragraphs (copied in, with their words' codes)
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
svg.histogram .bar.is-other { fill: #6a8cc8; }
svg.histogram .hit { fill: transparent; }
`;

/**
 * A message parameter.
 * @param {string} code
 * @param {object} [params]
 * @returns {any}
 */
const msg = (code, params = {}) => ({ code, params });

/**
 * How the models were validated, in words, from the run's numbers (the engine's `validation`
 * says the same in English, for the command line): a holdout gives one score per trial, a
 * repeated k-fold three per fold.
 * @param {SearchResult} result
 * @param {Partial<LeaderboardRow>} best
 */
function validationWords(result, best) {
  const k = result.folds || 0;
  const scores = Array.isArray(best.foldScores) ? best.foldScores.length : 0;
  if (scores === 1) return msg("report.holdout");
  const kind = result.task === "classification" ? "report.stratified_kfold" : "report.kfold";
  return scores === 3 * k ? msg("report.repeated", { kfold: msg(kind, { k }) }) : msg(kind, { k });
}

/**
 * Everything the report shows, in the page's language (every word from the message catalogue,
 * marked as on the page; the user's data marked `data-user`).
 * @param {ReportInput} input
 * @returns {string} the report's HTML
 */
export function buildReport({ result, settings, inspection, fileName, engineVersion, chartCss, sections, profileCharts = new Map() }) {
  const doc = document.implementation.createHTMLDocument(t("report.title", { target: result.target }));
  const { add, table, facts } = makers(doc);
  const body = doc.body;
  /**
   * A model's settings as the page shows them (hyperparameter names marked `data-code`).
   * @param {Element} parent
   * @param {string} tag
   * @param {any} params
   */
  const paramsCell = (parent, tag, params) => {
    const node = showParams(doc.createElement(tag), params);
    parent.append(node);
    return node;
  };

  add(body, "h1", msg("report.heading", { target: result.target }));
  add(body, "p", msg("report.meta", { date: formatDate(new Date(), true), version: engineVersion || "?" }), { class: "meta" });

  /**
   * A row's model as the page names it: its family (an ensemble by its members' trial
   * numbers) and its trial number.
   * @param {Partial<LeaderboardRow>} row
   */
  const modelName = (row) => {
    const label = familyLabel(row);
    return label.code === "page.ensemble_label" ? label : { code: "page.model_with_trial", params: { model: label, trial: row.trial ?? "?" } };
  };
  const best = /** @type {Partial<LeaderboardRow>} */ ((result.best && result.best.row) || {});
  add(body, "h2", msg("page.best_title"));
  if (result.ending === "stopped" || result.ending === "chosen") {
    add(body, "p", msg(result.ending === "stopped" ? "page.best_stopped_early" : "page.best_chosen"), { class: "ending", "data-ending": result.ending });
  }
  const bestFacts = add(body, "dl");
  add(bestFacts, "dt", msg("page.best_model"));
  add(bestFacts, "dd", modelName(best));
  add(bestFacts, "dt", msg("page.best_settings"));
  paramsCell(bestFacts, "dd", best.params);
  add(bestFacts, "dt", msg("page.best_score_mean", { metric: metricLabel(result.metric), folds: Array.isArray(best.foldScores) ? best.foldScores.length : 0 }));
  add(bestFacts, "dd", formatScore(best.mean, best.std));
  add(bestFacts, "dt", msg("page.best_data"));
  add(bestFacts, "dd", msg("page.data_used", {
    rows: result.nRows,
    columns: Number.isInteger(result.nColumns) ? result.nColumns : result.nFeatures,
    features: result.nFeatures,
    task: msg(`task.${result.task}`),
  }));
  add(bestFacts, "dt", msg("page.best_total"));
  add(bestFacts, "dd", msg("page.best_total_line", { elapsed: formatSeconds(result.elapsedS), budget: formatSeconds(result.budgetS) }));
  const why = result.why && Array.isArray(result.why.messages) ? result.why.messages : [];
  if (why.length) {
    add(body, "h3", msg("page.why_title"));
    add(body, "p", msg("page.why_sentences", { s0: why[0] || "", s1: why[1] || "", s2: why[2] || "" }), { class: "why" });
  }
  if (Array.isArray(result.notes) && result.notes.length) {
    const ul = add(body, "ul");
    for (const n of result.notes) ul.append(localizeNote(doc.createElement("li"), n));
  }

  add(body, "h2", msg("report.settings"));
  const s = /** @type {Partial<RunSettings>} */ (settings || {});
  const changed = Object.entries(s.columnTypes || {});
  facts(body, [
    [msg("report.file"), fileName || "—"],
    [msg("page.target_label"), result.target],
    [msg("page.task_label"), msg(`task.${result.task}`)],
    [msg("report.metric"), metricLabel(result.metric)],
    [msg("report.time_budget"), typeof s.timeBudgetS === "number" ? msg("page.seconds", { s: formatSeconds(s.timeBudgetS) }) : msg("report.no_time_limit")],
    ...(typeof s.maxTrials === "number" ? [[msg("report.trial_budget"), msg("report.at_most_trials", { count: s.maxTrials })]] : []),
    [msg("page.seed_label"), String(s.seed ?? "—")],
    [msg("report.validation"), validationWords(result, best)],
    [msg("report.left_out"), (s.exclude || []).length ? (s.exclude || []).join(", ") : msg("report.none")],
    [msg("report.types_changed"), changed.length
      ? msg("report.changed_list", { items: { items: changed.map(([k, v]) => msg("report.changed_item", { column: k, kind: msg(`kind_label.${v}`) })), more: 0 } })
      : msg("report.none")],
  ]);

  if (inspection) {
    add(body, "h2", msg("report.data"));
    const size = { rows: nRows(inspection.nRows), columns: msg(inspection.nCols === 1 ? "page.n_columns_one" : "page.n_columns", { count: inspection.nCols }) };
    add(body, "p", inspection.duplicateRows
      ? msg("report.data_size_duplicates", { ...size, duplicates: inspection.duplicateRows })
      : msg("report.data_size", size));
    const profile = table(body, [msg("page.col_column"), msg("page.col_type"), msg("page.col_empty"), msg("page.col_distinct"), msg("page.col_values")],
      (inspection.columns || []).map((c) => [c.name, msg(`kind_label.${c.kind}`), String(c.missing), String(c.distinct), null]), new Set([2, 3]));
    // Each column's small histogram, as the page's profile drew it.
    [...profile.tBodies[0].rows].forEach((tr, i) => {
      const svg = profileCharts.get((inspection.columns || [])[i].name);
      if (svg) tr.cells[4].append(doc.importNode(svg, true));
    });
    const warnings = [...(inspection.warnings || []), ...(inspection.notes || [])];
    if (warnings.length) {
      const ul = add(body, "ul");
      for (const w of warnings) ul.append(localizeNote(doc.createElement("li"), w));
    }
  }

  add(body, "h2", msg("report.leaderboard"));
  const rows = (result.leaderboard || []).slice(0, 50);
  const board = table(body, [msg("page.col_rank"), msg("page.best_model"), msg("page.best_settings"), msg("page.score_header", { metric: metricLabel(result.metric) }), msg("page.col_fit_time")],
    rows.map((r, i) => [String(r.rank ?? i + 1), modelName(r), null, formatScore(r.mean, r.std), formatNumber(r.fitTimeS)]),
    new Set([0, 3, 4]));
  [...board.tBodies[0].rows].forEach((tr, i) => {
    const cell = showParams(doc.createElement("td"), rows[i].params);
    tr.cells[2].replaceWith(cell);
  });
  if ((result.leaderboard || []).length > rows.length) add(body, "p", msg("report.best_of", { shown: rows.length, count: result.leaderboard.length }), { class: "meta" });

  for (const section of sections || []) {
    const charts = (section.charts || []).filter(Boolean);
    const tables = (section.tables || []).filter(Boolean);
    const text = (section.text || []).filter(Boolean);
    if (!charts.length && !tables.length) continue;
    add(body, "h2", section.title);
    for (const paragraph of text) body.append(doc.importNode(paragraph, true));
    for (const tbl of tables) add(body, "div", null, { class: "table-wrap" }).append(doc.importNode(tbl, true));
    for (const svg of charts) add(body, "figure").append(doc.importNode(svg, true));
  }
  return page(doc, msg("report.title", { target: result.target }), chartCss);
}

/**
 * The report's file: the head is this module's constant text plus the title (a message),
 * escaped by the DOM (a <style> element cannot be made in a document of this page: its CSP
 * forbids inline styles), then `doc`'s body.
 * @param {Document} doc
 * @param {{ code: string, params?: any }} titleWords
 * @param {string} [chartCss]
 * @returns {string}
 */
function page(doc, titleWords, chartCss) {
  const title = doc.createElement("title");
  localize(title, titleWords.code, titleWords.params || {});
  const css = `${REPORT_CSS}\n${chartCss || ""}`.replace(/<\//g, "<\\/");
  return [
    "<!doctype html>",
    `<html lang="${messagesLanguage()}">`,
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

/**
 * Element makers for a report's document: `add` (an element with words: a message, or the
 * user's data marked `data-user`), `table` and `facts` (a definition list).
 * @param {Document} doc
 */
function makers(doc) {
  /**
   * @param {Element} parent
   * @param {string} tag
   * @param {any} [text]
   * @param {{ [name: string]: string|number }} [attrs]
   * @returns {HTMLElement}
   */
  const add = (parent, tag, text, attrs = {}) => {
    const node = doc.createElement(tag);
    if (text && typeof text === "object") localize(node, text.code, text.params);
    else if (text !== undefined && text !== null) {
      node.textContent = String(text);
      if (node.textContent && !/^[\d\s.,:%±−+\-–—]*$/.test(node.textContent)) node.setAttribute("data-user", "");
    }
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    parent.append(node);
    return node;
  };
  /**
   * @param {Element} parent
   * @param {any[]} header messages
   * @param {any[][]} rows messages, or the user's data
   * @param {Set<number>} [numeric] the columns aligned as numbers
   * @returns {HTMLTableElement}
   */
  const table = (parent, header, rows, numeric = new Set()) => {
    const wrap = add(parent, "div", null, { class: "table-wrap" });
    const tbl = /** @type {HTMLTableElement} */ (add(wrap, "table"));
    const tr = add(add(tbl, "thead"), "tr");
    header.forEach((h, i) => add(tr, "th", h, numeric.has(i) ? { class: "num", scope: "col" } : { scope: "col" }));
    const tbody = add(tbl, "tbody");
    for (const row of rows) {
      const r = add(tbody, "tr");
      row.forEach((v, i) => add(r, "td", v, numeric.has(i) ? { class: "num" } : {}));
    }
    return tbl;
  };
  /**
   * @param {Element} parent
   * @param {any[][]} pairs [term, description] pairs
   */
  const facts = (parent, pairs) => {
    const dl = add(parent, "dl");
    for (const [k, v] of pairs) {
      add(dl, "dt", k);
      add(dl, "dd", v);
    }
    return dl;
  };
  return { add, table, facts };
}

/**
 * A forecasting model's name in a report cell: a message, or (a fixed ARIMA order, a name in
 * every language) the engine's label, marked `data-code`.
 * @param {any} words
 */
function modelName(words) {
  return words && typeof words === "object" && "code" in words ? words : { code: null, text: String(words) };
}

/**
 * What the forecast report reads.
 * @typedef {object} ForecastReportInput
 * @property {ForecastResult} result
 * @property {ForecastSettings | null} [settings]
 * @property {string} [fileName]
 * @property {string} [engineVersion]
 * @property {string} [chartCss]
 * @property {SVGElement | null} [chart] the forecast chart as the page drew it
 */

/**
 * The report of a forecasting run, in the page's language: the chosen forecaster with its
 * settings and a plain sentence, its backtest scores and the benchmark's, what MASE means here,
 * the run's settings, the backtest leaderboard, the forecast chart and table, the notes.
 * @param {ForecastReportInput} input
 * @returns {string} the report's HTML
 */
export function buildForecastReport({ result: r, settings, fileName, engineVersion, chartCss, chart }) {
  const doc = document.implementation.createHTMLDocument(t("forecast_page.report_heading", { target: r.target }));
  const { add, table, facts } = makers(doc);
  const body = doc.body;
  add(body, "h1", msg("forecast_page.report_heading", { target: r.target }));
  add(body, "p", msg("report.meta", { date: formatDate(new Date(), true), version: engineVersion || "?" }), { class: "meta" });

  // the chosen forecaster
  add(body, "h2", msg("forecast_page.report_winner"));
  const members = r.best || [];
  const dl = add(body, "dl", null, { class: "winner" });
  add(dl, "dt", msg("page.best_model"));
  const nameCell = add(dl, "dd", null, { "data-testid": "report-winner" });
  if (members.length > 1) {
    localize(nameCell, "forecast_page.about", {
      model: { items: members.map((m) => msg("forecast_page.model_member", { model: modelWords(m), weight: fixed(m.weight, 2) })), more: 0 },
      sentence: msg("forecast_about.ensemble", { count: members.length }),
    });
  } else if (members.length === 1) {
    const about = aboutParams(members);
    if (about) localize(nameCell, "forecast_page.about", about);
    else {
      const name = modelName(modelWords(members[0]));
      if (name.code === null) {
        nameCell.textContent = name.text;
        nameCell.setAttribute("data-code", "");
      } else {
        localize(nameCell, name.code, name.params);
      }
    }
  }
  add(dl, "dt", msg("forecast_page.report_settings_of"));
  const settingsCell = add(dl, "dd");
  for (const m of members) add(settingsCell, "code", null, { "data-code": "" }).textContent = JSON.stringify(m.model);
  add(dl, "dt", msg("forecast_page.model_scores"));
  const lossDigits = columnDigits([r.bestScores.mae, r.bestScores.rmse]);
  add(dl, "dd", msg("forecast_page.report_scores_line", {
    mase: fixed(r.bestScores.mase, MASE_DIGITS), smape: fixed(r.bestScores.smape, SMAPE_DIGITS),
    mae: fixed(r.bestScores.mae, lossDigits), rmse: fixed(r.bestScores.rmse, lossDigits),
  }));
  const { scale, versus } = maseWords(r);
  if (versus) add(body, "p", versus, { "data-testid": "report-versus" });

  // what MASE means here
  add(body, "h2", msg("forecast_page.report_mase_title"));
  add(body, "p", msg("glossary.mase.text"));
  add(body, "p", scale, { "data-testid": "report-mase-scale" });

  // the settings
  add(body, "h2", msg("report.settings"));
  const s = /** @type {Partial<ForecastSettings>} */ (settings || {});
  const frequency = msg(`frequency.${r.frequency}`);
  facts(body, [
    [msg("report.file"), fileName || "—"],
    [msg("page.target_label"), r.target],
    [msg("forecast_page.date_label"), r.dateColumn],
    [msg("forecast_page.report_frequency"), frequency],
    [msg("forecast_page.horizon_label"), String(r.horizon)],
    [msg("forecast_page.model_seasons"), r.periods.length ? r.periods.join(", ") : msg("forecast_page.none")],
    [msg("forecast_page.model_covariates"), (r.covariates || []).length ? r.covariates.join(", ") : msg("forecast_page.none")],
    [msg("forecast_page.report_history"), msg("forecast_page.report_history_line", { n: r.n, first: r.historyTimes[0] || "", last: r.historyTimes[r.historyTimes.length - 1] || "" })],
    [msg("forecast_page.report_backtests"), msg("forecast_page.report_backtests_line", { origins: r.origins, steps: r.backtestHorizon })],
    [msg("report.time_budget"), typeof s.timeBudgetS === "number" ? msg("page.seconds", { s: formatSeconds(s.timeBudgetS) }) : msg("report.no_time_limit")],
    ...(typeof s.maxTrials === "number" ? [[msg("report.trial_budget"), msg("report.at_most_trials", { count: s.maxTrials })]] : []),
    [msg("page.seed_label"), String(r.seed)],
  ]);

  // the backtest leaderboard
  add(body, "h2", msg("report.leaderboard"));
  add(body, "p", msg("forecast_page.backtests_hint"));
  const shown = (r.leaderboard || []).slice(0, 50);
  const digits = columnDigits(shown.flatMap((row) => [row.scores.mae, row.scores.rmse]));
  const board = table(body, [msg("page.col_rank"), msg("page.best_model"), msg("metric.mase"), msg("forecast_page.col_smape"), msg("metric.mae"), msg("metric.rmse")],
    shown.map((row) => [String(row.rank), null, fixed(row.scores.mase, MASE_DIGITS), fixed(row.scores.smape, SMAPE_DIGITS), fixed(row.scores.mae, digits), fixed(row.scores.rmse, digits)]),
    new Set([0, 2, 3, 4, 5]));
  board.setAttribute("data-testid", "report-leaderboard");
  [...board.tBodies[0].rows].forEach((tr, i) => {
    const cell = doc.createElement("td");
    tr.cells[1].replaceWith(cell);
    const name = modelName(modelWords(shown[i]));
    if (name.code === null) {
      cell.textContent = name.text;
      cell.setAttribute("data-code", "");
    } else {
      localize(cell, name.code, name.params);
    }
  });
  if ((r.leaderboard || []).length > shown.length) add(body, "p", msg("forecast_page.report_leaderboard_more", { shown: shown.length, count: r.leaderboard.length }), { class: "meta" });

  // the forecast
  add(body, "h2", msg("forecast_page.forecast_title"));
  if (chart) add(body, "figure").append(doc.importNode(chart, true));
  const fdigits = columnDigits(r.forecast.flatMap((p) => [p.value, p.lo80, p.hi80, p.lo95, p.hi95]));
  table(body, ["forecast_page.col_date", "forecast_page.col_forecast", "forecast_page.col_lo80", "forecast_page.col_hi80", "forecast_page.col_lo95", "forecast_page.col_hi95"].map((c) => msg(c)),
    r.forecast.map((p) => [p.time, ...[p.value, p.lo80, p.hi80, p.lo95, p.hi95].map((v) => fixed(v, fdigits))]),
    new Set([1, 2, 3, 4, 5])).setAttribute("data-testid", "report-forecast");
  add(body, "p", msg("forecast_page.intervals", {
    inside80: Math.round(100 * r.intervalCoverage[0]),
    inside95: Math.round(100 * r.intervalCoverage[1]),
  }));
  if (Array.isArray(r.notes) && r.notes.length) {
    const ul = add(body, "ul");
    for (const n of r.notes) ul.append(localizeNote(doc.createElement("li"), n));
  }
  return page(doc, msg("forecast_page.report_heading", { target: r.target }), chartCss);
}
