// The forecasting task on the page: offered when the file has a date/time column and the
// target is numeric (chosen for the person when the file looks like a series), a date column
// and a horizon control (the frequency's default), and the run's results: the backtest
// leaderboard, one plot with history, forecast and 95% interval band (backtest forecasts
// overlaid on request), a forecast table and "Download forecast (CSV)".
//
// It builds its own elements inside #forecast-settings and #forecast-section (index.html) with
// DOM calls; user text is always set as text. It asks the engine through the controller's
// AutoML (automl.js: forecastInfo, forecast).
import { drawChart, lineChart } from "./charts.js";
import { attachTerms } from "./glossary.js";
import { download } from "./results.js";
import { localize, localizeNote, pageError, unlocalize } from "./i18n.js";
import { FORECAST_TASK } from "./protocol.js";
/**
 * @typedef {import("./protocol-types.js").ForecastResult} ForecastResult
 * @typedef {import("./protocol-types.js").ForecastRow} ForecastRow
 * @typedef {import("./protocol-types.js").ForecastSettings} ForecastSettings
 * @typedef {import("./protocol-types.js").Inspection} Inspection
 * @typedef {import("./protocol-types.js").SeriesInfo} SeriesInfo
 * @typedef {import("./app.js").Controller} Controller
 * @typedef {import("./app.js").StartValues} StartValues
 * @typedef {import("./charts.js").Series} Series
 * @typedef {import("./protocol-types.js").Scores} Scores
 * @typedef {import("../index.js").ForecastOptions} ForecastOptions
 */

/**
 * The API's options (automl.js `forecast`, `forecastInfo`) of the page's ForecastSettings,
 * which the page keeps for its report: the same settings reach the engine.
 * @param {ForecastSettings} settings
 * @param {string} fileName
 * @returns {ForecastOptions}
 */
export function forecastOptions(settings, fileName) {
  const { target, date, id, horizon, timeBudgetS, maxTrials, seed, sheet, encoding } = settings;
  return { fileName, target, date, id, horizon, timeBudget: timeBudgetS, maxTrials, seed, sheet, encoding };
}

export { FORECAST_TASK };
const LEADERBOARD_SHOWN = 30;

/**
 * A new element.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {{ className?: string, text?: string, words?: string, params?: object, user?: boolean, testid?: string, attrs?: { [name: string]: string } }} [options]
 *   `words`: a code of the catalogue (with `params`), the element's words; `text`: a value
 *   (marked as the user's data when `user`)
 * @param {(Node|string)[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, { className, text, words, params, user, testid, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  if (user) node.setAttribute("data-user", "");
  if (words) localize(node, words, /** @type {any} */ (params || {}));
  if (testid) node.dataset.testid = testid;
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

/**
 * "2024-03-05" or "2024-03-05 14:00" (as the engine writes them) as a UTC Date.
 * @param {string} text
 * @returns {Date}
 */
export function parseTime(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}))?$/.exec(String(text));
  if (!m) return new Date(NaN);
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0)));
}

/** Decimals of MASE and sMAPE wherever they are shown (one precision per column). */
export const MASE_DIGITS = 3;
export const SMAPE_DIGITS = 2;

/**
 * Decimals for numbers in one unit shown together (a column, or the forecast and its bounds):
 * about four significant digits for the largest of them, from 0 to 4 decimals, so that every
 * number of the column has the same precision.
 * @param {number[]} values
 * @returns {number}
 */
export function columnDigits(values) {
  const max = values.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);
  if (max >= 1000) return 0;
  if (max >= 100) return 1;
  if (max >= 10) return 2;
  if (max >= 1) return 3;
  return 4;
}

/**
 * A number with exactly `digits` decimals ("–" when there is none).
 * @param {number} v
 * @param {number} digits
 * @returns {string}
 */
export function fixed(v, digits) {
  if (typeof v !== "number" || !Number.isFinite(v)) return "–";
  return v.toFixed(digits);
}

/**
 * A number of a model's settings as the engine's labels write it (at most 4 significant digits).
 * @param {any} v
 */
function short(v) {
  return typeof v === "number" && Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}

/**
 * A forecasting model's name in words, from its settings (`model` of a ForecastRow), as a
 * message parameter: the engine's `label` (English, for the command line) says the same. A model
 * the page does not know keeps the engine's label.
 * @param {{ label: string, model?: any }} row
 * @returns {import("./protocol-types.js").MessageParam}
 */
export function modelWords(row) {
  const m = row && row.model;
  /** @param {string} code @param {object} [params] */
  const msg = (code, params = {}) => /** @type {import("./protocol-types.js").Message} */ ({ code, params });
  if (!m || typeof m !== "object") return row.label;
  switch (m.model) {
    case "naive": return msg("forecast_model.naive");
    case "seasonal_naive": return msg("forecast_model.seasonal_naive", { m: m.period });
    case "drift": return msg("forecast_model.drift");
    case "mean": return m.window ? msg("forecast_model.mean_last", { window: m.window }) : msg("forecast_model.mean");
    case "seasonal_mean": return msg("forecast_model.seasonal_mean", { m: m.period, seasons: m.seasons });
    case "ets": {
      const t = { none: "N", additive: "A", damped: "Ad" }[/** @type {string} */ (m.trend)] || "?";
      const s = m.seasonal === "additive" ? `A, m=${m.period}` : m.seasonal === "multiplicative" ? `M, m=${m.period}` : "N";
      const spec = `${t},${s}`;
      if (m.trend === "none" && m.seasonal === "none") return msg("forecast_model.ses", { spec });
      return m.seasonal === "none" ? msg("forecast_model.holt", { spec }) : msg("forecast_model.holt_winters", { spec });
    }
    case "regression": {
      const l = m.learner || {};
      const learner = l.learner === "ridge"
        ? msg("forecast_model.ridge", { alpha: short(l.alpha) })
        : msg("forecast_model.boosting", { rounds: l.rounds, leaves: l.leaves, rate: short(l.learning_rate) });
      const transform = m.transform === "difference" ? [msg("forecast_model.differenced")]
        : m.transform === "seasonal_difference" ? [msg("forecast_model.seasonally_differenced")] : [];
      const trend = m.trend ? [msg("forecast_model.trend")] : [];
      const windowed = m.window > 0 && m.window < 5000 ? [msg("forecast_model.window", { window: m.window })] : [];
      const options = m.lags === 0 ? [...trend, ...transform, ...windowed] : [...transform, ...trend, ...windowed];
      const on = m.lags === 0 ? msg("forecast_model.on_calendar") : msg("forecast_model.on_lags", { lags: m.lags });
      return options.length
        ? msg("forecast_model.regression_with", { learner, on, options: { items: options, more: 0 } })
        : msg("forecast_model.regression", { learner, on });
    }
    case "arima": {
      // a fixed order's label is its orders, ARIMA(p,d,q)(P,D,Q)m: a name in every language
      if (m.order) return row.label;
      const auto = msg("forecast_model.auto_arima");
      return m.period > 1 ? msg("forecast_model.with_period", { name: auto, m: m.period }) : auto;
    }
    case "theta": {
      const code = m.dynamic
        ? (m.optimized ? "forecast_model.theta_dynamic_optimized" : "forecast_model.theta_dynamic")
        : (m.optimized ? "forecast_model.theta_optimized" : "forecast_model.theta");
      return m.period > 1 ? msg("forecast_model.with_period", { name: msg(code), m: m.period }) : msg(code);
    }
    default: return row.label;
  }
}

/**
 * What a forecasting model does, in one plain sentence of the catalogue (`forecast_about.*`),
 * from its settings (`model` of a ForecastRow or of a model file's member).
 * @param {{ model?: any }} row
 * @returns {import("./protocol-types.js").Message | null}
 */
export function modelSentence(row) {
  const m = row && row.model;
  /** @param {string} code @param {object} [params] */
  const msg = (code, params = {}) => /** @type {import("./protocol-types.js").Message} */ ({ code, params });
  if (!m || typeof m !== "object") return null;
  switch (m.model) {
    case "naive": return msg("forecast_about.naive");
    case "seasonal_naive": return msg("forecast_about.seasonal_naive", { m: m.period });
    case "drift": return msg("forecast_about.drift");
    case "mean": return m.window ? msg("forecast_about.mean_last", { window: m.window }) : msg("forecast_about.mean");
    case "seasonal_mean": return msg("forecast_about.seasonal_mean", { m: m.period, seasons: m.seasons });
    case "ets":
      if (m.seasonal !== "none") return msg("forecast_about.holt_winters", { m: m.period });
      if (m.trend === "none") return msg("forecast_about.ses");
      return m.trend === "damped" ? msg("forecast_about.holt_damped") : msg("forecast_about.holt");
    case "arima": {
      const o = m.order;
      const seasonal = m.period > 1 && (!o || o.sp + o.sd + o.sq > 0);
      return seasonal ? msg("forecast_about.arima_seasonal", { m: m.period }) : msg("forecast_about.arima");
    }
    case "theta": return msg("forecast_about.theta");
    case "regression": {
      const boosting = m.learner && m.learner.learner === "boosting";
      if (boosting) return msg("forecast_about.boosting_lags", { lags: m.lags });
      return m.lags === 0 ? msg("forecast_about.ridge_calendar") : msg("forecast_about.ridge_lags", { lags: m.lags });
    }
    default: return null;
  }
}

/**
 * The chosen forecaster's name and what it does, as the parameters of "forecast_page.about":
 * one model's name and sentence, or an ensemble's.
 * @param {{ label: string, model?: any, weight?: number }[]} members
 */
export function aboutParams(members) {
  /** @param {string} code @param {object} [params] */
  const msg = (code, params = {}) => /** @type {import("./protocol-types.js").Message} */ ({ code, params });
  if (members.length === 1) {
    const sentence = modelSentence(members[0]);
    return sentence ? { model: modelWords(members[0]), sentence } : null;
  }
  return { model: msg("forecast_page.ensemble_name"), sentence: msg("forecast_about.ensemble", { count: members.length }) };
}

/**
 * How the run's MASE is scaled, and the benchmark row to compare with: the seasonal naive
 * model at the scale's lag (or the naive model without a season).
 * @param {{ maseLag: number, leaderboard?: ForecastRow[], bestScores: Scores }} r
 */
export function maseWords(r) {
  const lag = r.maseLag || 1;
  const scale = lag > 1
    ? { code: "forecast_page.mase_scale", params: { lag } }
    : { code: "forecast_page.mase_scale_naive", params: {} };
  const bench = (r.leaderboard || []).find((row) => row.model && (lag > 1
    ? /** @type {any} */ (row.model).model === "seasonal_naive" && /** @type {any} */ (row.model).period === lag
    : /** @type {any} */ (row.model).model === "naive"));
  const versus = bench && bench.scores.mase > 0
    ? { code: "forecast_page.versus_benchmark", params: { model: modelWords(bench), mase: fixed(bench.scores.mase, MASE_DIGITS), ratio: fixed(r.bestScores.mase / bench.scores.mase, 2) } }
    : null;
  return { scale, versus };
}

/**
 * The forecast chart of a result: history, forecast and 95% band; with `backtests`, the
 * backtest period shaded (its own legend entry) and the chosen forecaster's backtest forecasts
 * as a dashed line with hollow square markers, so they differ from the history by more than a
 * dash. Returns the draw function for drawChart.
 * @param {ForecastResult} r
 * @param {{ backtests?: boolean, title?: import("./protocol-types.js").Message }} [options]
 */
export function forecastChart(r, { backtests = false, title } = {}) {
  const history = r.historyTimes.map((t, i) => ({ x: parseTime(t), y: r.history[i] }));
  const last = history[history.length - 1];
  const forecast = [last, ...r.forecast.map((p) => ({ x: parseTime(p.time), y: p.value }))];
  /** @type {Series[]} */
  const series = [
    { key: "History", name: { code: "forecast_page.history", params: {} }, points: history, className: "forecast-history" },
    { key: "Forecast", name: { code: "forecast_page.forecast", params: {} }, points: forecast, className: "forecast-forecast" },
  ];
  /** @type {import("./charts.js").Span[]} */
  const spans = [];
  const windows = backtests ? (r.backtests || []).filter((b) => b.times.length) : [];
  windows.forEach((b, i) => {
    series.push({
      key: `Backtest ${i + 1}`,
      name: { code: "forecast_page.backtest_forecasts", params: {} },
      points: b.times.map((t, j) => ({ x: parseTime(t), y: b.forecast[j] })),
      className: "forecast-backtest",
      dashed: true,
      markers: true,
      marker: "square",
      legend: i === 0,
    });
  });
  if (windows.length) {
    spans.push({
      from: parseTime(windows[0].times[0]),
      to: parseTime(windows[windows.length - 1].times[windows[windows.length - 1].times.length - 1]),
      className: "forecast-backtest-span",
      name: { code: "forecast_page.backtest_period", params: {} },
    });
  }
  const band = {
    className: "forecast-band",
    points: [{ x: last.x, lo: last.y, hi: last.y }, ...r.forecast.map((p) => ({ x: parseTime(p.time), lo: p.lo95, hi: p.hi95 }))],
  };
  /** @param {{ width: number }} size */
  return (size) => lineChart({
    title: title || { code: "forecast_page.chart_title", params: { target: r.target } },
    series,
    band,
    spans,
    xType: "time",
    xLabel: r.dateColumn,
    yLabel: r.target,
    width: size.width,
    height: 360,
  });
}

/**
 * The forecast table's rows: the date and five numbers of one precision.
 * @param {ForecastResult} r
 * @returns {HTMLTableRowElement[]}
 */
export function forecastRows(r) {
  const digits = columnDigits(r.forecast.flatMap((p) => [p.value, p.lo80, p.hi80, p.lo95, p.hi95]));
  return r.forecast.map((p) => el("tr", {}, [
    el("td", { text: p.time, user: true }),
    ...[p.value, p.lo80, p.hi80, p.lo95, p.hi95].map((v) => el("td", { className: "num", text: fixed(v, digits) })),
  ]));
}

/**
 * The forecast table's header row.
 * @returns {HTMLTableSectionElement}
 */
export function forecastHead() {
  return el("thead", {}, [el("tr", {}, [
    "forecast_page.col_date", "forecast_page.col_forecast", "forecast_page.col_lo80", "forecast_page.col_hi80",
    "forecast_page.col_lo95", "forecast_page.col_hi95",
  ].map((h, i) => el("th", { words: h, className: i > 0 ? "num" : undefined, attrs: { scope: "col" } })))]);
}

/**
 * Fill `cell` with a forecasting model's name (see modelWords).
 * @param {HTMLElement} cell
 * @param {{ label: string, model?: any }} row
 */
export function modelCell(cell, row) {
  const words = modelWords(row);
  if (typeof words === "object" && words && "code" in words) localize(cell, words.code, words.params);
  else {
    cell.textContent = String(words);
    cell.setAttribute("data-code", "");
  }
  return cell;
}

/**
 * Whether a file looks like a series: a date column with (almost) a different date per row.
 * @param {Inspection} inspection
 * @param {number} targetIndex
 * @returns {boolean}
 */
export function looksLikeSeries(inspection, targetIndex) {
  const columns = inspection.columns || [];
  const target = columns[targetIndex];
  if (!target || target.kind !== "numeric") return false;
  return columns.some((c, i) => i !== targetIndex && c.kind === "datetime" && c.distinct >= 0.8 * inspection.nRows)
    && columns.length <= 6;
}

/**
 * The backtest leaderboard's rows: MASE and sMAPE at their fixed precisions, MAE and RMSE (in
 * the target's unit) at one precision for both columns.
 * @param {ForecastRow[]} rows
 * @returns {HTMLTableRowElement[]}
 */
export function leaderboardRows(rows) {
  const digits = columnDigits(rows.flatMap((r) => [r.scores.mae, r.scores.rmse]));
  return rows.map((r) => el("tr", {}, [
    el("td", { className: "num", text: String(r.rank) }),
    modelCell(el("td"), r),
    el("td", { className: "num", text: fixed(r.scores.mase, MASE_DIGITS) }),
    el("td", { className: "num", text: fixed(r.scores.smape, SMAPE_DIGITS) }),
    el("td", { className: "num", text: fixed(r.scores.mae, digits) }),
    el("td", { className: "num", text: fixed(r.scores.rmse, digits) }),
  ]));
}

export class ForecastPanel {
  /**
   * `app` is the controller: its engine, data, run state and buttons are shared.
   * @param {Controller} app
   */
  constructor(app) {
    this.app = app;
    /** @type {ForecastResult | null} */
    this.result = null;
    /** @type {ForecastRow[]} the running forecast's rows, best first */
    this.rows = [];
    /** @type {SeriesInfo | null} */
    this.info = null;
    this.infoSeq = 0;
    /** @type {ForecastSettings | null} the last run's settings, for its report */
    this.lastSettings = null;
    this.$settings = document.getElementById("forecast-settings");
    this.$section = document.getElementById("forecast-section");
    this.$taskSelect = /** @type {HTMLSelectElement} */ (document.getElementById("task-select"));
    this.$taskHint = document.getElementById("task-hint");
    this.build();
  }

  build() {
    this.$option = el("option", { words: "forecast_page.task", attrs: { value: FORECAST_TASK } });
    this.$date = el("select", { testid: "forecast-date", attrs: { id: "forecast-date" } });
    this.$horizon = el("input", {
      testid: "forecast-horizon",
      attrs: { id: "forecast-horizon", type: "number", min: "1", step: "1", inputmode: "numeric" },
    });
    this.$info = el("p", { className: "hint", testid: "forecast-info" });
    this.$settings.append(el("div", { className: "settings-grid" }, [
      el("div", { className: "field" }, [
        el("label", { className: "field-label", words: "forecast_page.date_label", attrs: { for: "forecast-date" } }),
        this.$date,
        this.$info,
      ]),
      el("div", { className: "field" }, [
        el("label", { className: "field-label", words: "forecast_page.horizon_label", attrs: { for: "forecast-horizon" } }),
        this.$horizon,
        el("p", { className: "hint", words: "forecast_page.horizon_hint" }),
      ]),
    ]));
    this.$date.addEventListener("change", () => this.requestInfo());

    this.$progress = el("p", { className: "progress-text", testid: "forecast-progress" });
    this.$best = el("p", { className: "summary", testid: "forecast-best" });
    this.$about = el("p", { className: "hint", testid: "forecast-about" });
    this.$chart = el("div", { className: "forecast-chart", testid: "forecast-chart" });
    this.$chartCaption = el("p", { className: "hint", words: "forecast_page.chart_caption", testid: "forecast-chart-caption", attrs: { hidden: "" } });
    this.$report = el("button", {
      className: "button button-secondary",
      words: "forecast_page.download_report",
      testid: "forecast-report",
      attrs: { type: "button" },
    });
    this.$report.addEventListener("click", () => this.downloadReport());
    this.$maseScale = el("p", { className: "hint", testid: "forecast-mase-scale", attrs: { "data-term": "mase" } });
    this.$versus = el("p", { className: "hint", testid: "forecast-versus" });
    this.$backtestToggle = el("input", { testid: "forecast-show-backtests", attrs: { type: "checkbox", id: "forecast-show-backtests" } });
    this.$backtestToggle.addEventListener("change", () => this.drawChart());
    this.$download = el("button", {
      className: "button button-secondary",
      words: "forecast_page.download",
      testid: "forecast-download",
      attrs: { type: "button" },
    });
    this.$download.addEventListener("click", () => this.downloadCsv());
    this.$table = el("tbody", { testid: "forecast-table-body" });
    this.$leaderboard = el("tbody", { testid: "forecast-leaderboard-body" });
    this.$more = el("p", { className: "hint", testid: "forecast-leaderboard-more" });
    this.$notes = el("ul", { testid: "forecast-notes" });
    this.$intervals = el("p", { className: "hint", testid: "forecast-intervals" });
    this.$results = el("div", { testid: "forecast-results", attrs: { hidden: "" } }, [
      this.$best,
      this.$about,
      this.$versus,
      this.$chart,
      this.$chartCaption,
      el("div", { className: "inline-controls" }, [
        el("label", { className: "check-label", attrs: { for: "forecast-show-backtests" } }, [
          this.$backtestToggle,
          document.createTextNode(" "),
          el("span", { words: "forecast_page.show_backtests" }),
        ]),
        this.$download,
        this.$report,
      ]),
      this.$intervals,
      el("h3", { className: "sub-title", words: "forecast_page.forecast_title" }),
      el("div", { className: "table-scroll" }, [
        el("table", { className: "data-table", testid: "forecast-table" }, [forecastHead(), this.$table]),
      ]),
      el("div", { className: "message-box message-notes" }, [el("h3", { className: "message-title", words: "page.best_notes" }), this.$notes]),
    ]);
    this.$section.append(
      el("h2", { attrs: { id: "step-forecast" } }, [
        el("span", { className: "step", text: "4" }), document.createTextNode(" "), el("span", { words: "forecast_page.step_title", attrs: { "data-term": "time_series" } }),
      ]),
      this.$progress,
      this.$results,
      el("h3", { className: "sub-title" }, [el("span", { words: "forecast_page.backtests_title", attrs: { "data-term": "mase" } })]),
      el("p", { className: "hint", words: "forecast_page.backtests_hint" }),
      el("div", { className: "table-scroll" }, [
        el("table", { className: "data-table leaderboard", testid: "forecast-leaderboard" }, [
          el("thead", {}, [el("tr", {}, [
            "page.col_rank", "page.best_model", "metric.mase", "forecast_page.col_smape", "metric.mae", "metric.rmse",
          ].map((h, i) => el("th", { words: h, className: i === 1 ? undefined : "num", attrs: { scope: "col" } })))]),
          this.$leaderboard,
        ]),
      ]),
      this.$more,
      this.$maseScale,
    );
    attachTerms(this.$section);
  }

  // ---- hooks called by the controller ------------------------------------------------------

  /**
   * A file was loaded: offer the task when it has a date column.
   * @param {Inspection} inspection
   */
  dataLoaded(inspection) {
    this.hideResults();
    const columns = inspection.columns || [];
    this.dateColumns = columns.filter((c) => c.kind === "datetime").map((c) => c.name);
    this.$date.replaceChildren(...this.dateColumns.map((name) => el("option", { text: name, user: true, attrs: { value: name } })));
    if (this.dateColumns.length > 0) {
      if (!this.$option.isConnected) this.$taskSelect.append(this.$option);
    } else {
      this.$option.remove();
    }
    this.info = null;
    this.$horizon.value = "";
    if (this.app.catalogue) this.$horizon.max = String(this.app.catalogue.limits.horizon.max);
    this.$settings.hidden = true;
  }

  /**
   * The target changed (the view has set the suggested task): suggest a forecast for a series.
   * @param {number} index
   */
  targetChosen(index) {
    const inspection = this.app.data && this.app.data.inspection;
    if (inspection && this.dateColumns && this.dateColumns.length && looksLikeSeries(inspection, index)) {
      this.$taskSelect.value = FORECAST_TASK;
      this.taskChosen(FORECAST_TASK);
      localize(this.$taskHint, "forecast_page.task_suggested");
    } else {
      this.taskChosen(this.$taskSelect.value);
    }
  }

  /**
   * The task select changed: show or hide the forecast settings.
   * @param {string} task
   */
  taskChosen(task) {
    const on = task === FORECAST_TASK;
    this.$settings.hidden = !on;
    if (on) {
      localize(this.$taskHint, "forecast_page.task_hint");
      this.requestInfo();
    }
  }

  isActive() {
    return this.$taskSelect.value === FORECAST_TASK;
  }

  /**
   * Frequency and default horizon of the chosen date column and target.
   * @returns {Promise<void>}
   */
  async requestInfo() {
    const { app } = this;
    const column = app.columns()[app.targetIndex];
    if (!app.data || !column || !this.$date.value) return;
    const seq = ++this.infoSeq;
    localize(this.$info, "forecast_page.reading_series");
    try {
      const info = await app.automl.forecastInfo(app.data.bytes, forecastOptions(this.baseSettings(column.name), app.data.fileName));
      if (seq !== this.infoSeq) return;
      this.info = info;
      const frequency = { code: `frequency.${info.frequency}`, params: {} };
      if (info.periods.length) {
        localize(this.$info, "forecast_page.series_info", { n: info.n, frequency, periods: { items: info.periods.map(String), more: 0 } });
      } else {
        localize(this.$info, "forecast_page.series_info_flat", { n: info.n, frequency });
      }
      this.$horizon.value = String(info.defaultHorizon);
      this.$horizon.placeholder = String(info.defaultHorizon);
    } catch (/** @type {any} */ err) {
      if (seq !== this.infoSeq) return;
      this.info = null;
      if (err && typeof err.code === "string") localize(this.$info, err.code, err.params);
      else unlocalize(this.$info, err && err.message ? err.message : String(err));
    }
  }

  /**
   * @param {string} target
   * @returns {ForecastSettings}
   */
  baseSettings(target) {
    /** @type {ForecastSettings} */
    const settings = { target, date: this.$date.value };
    const sheet = this.app.data.inspection.sheet;
    if (typeof sheet === "string" && sheet) settings.sheet = sheet;
    if (this.app.data.encoding) settings.encoding = this.app.data.encoding;
    return settings;
  }

  /**
   * Check the typed settings; ForecastSettings or a thrown message.
   * @param {StartValues} values
   * @returns {ForecastSettings}
   */
  settingsFrom(values) {
    const column = this.app.columns()[values.targetIndex];
    if (!column) throw pageError("page.choose_forecast_target");
    if (!this.$date.value) throw pageError("page.choose_date");
    if (column.name === this.$date.value) throw pageError("page.same_columns");
    // the engine's limits (its catalogue, read before any data was loaded)
    const { limits } = this.app.catalogue;
    const text = String(this.$horizon.value).trim();
    const horizon = Number(text);
    const { min, max } = limits.horizon;
    if (text !== "" && (!Number.isInteger(horizon) || horizon < min || horizon > max)) {
      throw pageError("page.bad_horizon", { min, max });
    }
    /** @type {ForecastSettings} */
    const settings = { ...this.baseSettings(column.name), ...this.app.checkBudgetAndSeed(values) };
    if (text !== "") settings.horizon = horizon;
    return settings;
  }

  /**
   * Run a forecast (called by the controller's start when the task is "forecast").
   * @param {StartValues} values
   * @returns {Promise<void>}
   */
  async start(values) {
    const { app } = this;
    let settings;
    try {
      settings = this.settingsFrom(values);
    } catch (err) {
      app.view.showError(err);
      return;
    }
    this.lastSettings = settings;
    const seq = ++app.runSeq;
    app.running = true;
    app.view.hideError();
    app.view.hideRun();
    this.rows = [];
    this.$leaderboard.replaceChildren();
    this.hideResults();
    this.$section.hidden = false;
    if (typeof settings.timeBudgetS === "number") localize(this.$progress, "forecast_page.progress_budget", { seconds: settings.timeBudgetS });
    else localize(this.$progress, "forecast_page.progress_trials", { count: settings.maxTrials });
    app.view.showStatus("forecast_page.status_forecasting", { target: settings.target }, "busy");
    app.updateButtons();
    const abort = new AbortController();
    app.runAbort = abort;
    try {
      const result = await app.automl.forecast(app.data.bytes, {
        ...forecastOptions(settings, app.data.fileName),
        onProgress: (event) => {
          if (seq === app.runSeq && event && event.kind === "forecastTrial") this.addRow(event.row);
        },
        signal: abort.signal,
      });
      if (seq !== app.runSeq) return;
      this.show(result);
      // "Use the model": the run's forecast model file, offered and usable on new data
      if (result.model && result.model.length && app.results) {
        try {
          await app.results.setModel(result.model, "search");
        } catch (/** @type {any} */ err) {
          app.reportError(err);
        }
      }
      app.view.showStatus("forecast_page.status_done", { horizon: result.horizon, trials: result.trials }, "done");
    } catch (/** @type {any} */ err) {
      if (seq !== app.runSeq) return;
      if (err && err.name === "AbortError") {
        app.view.showStatus("page.status_stopped", {}, "stopped");
      } else {
        app.reportError(err);
        localize(this.$progress, "forecast_page.progress_failed");
        app.view.showStatus("forecast_page.status_failed", {}, "error");
      }
    } finally {
      if (seq === app.runSeq) {
        app.running = false;
        app.updateButtons();
      }
    }
  }

  /** @param {ForecastRow} row a model's backtests, as they finish */
  addRow(row) {
    this.rows.push(row);
    this.rows.sort((a, b) => a.scores.mase - b.scores.mase);
    localize(this.$progress, "forecast_page.progress_rows", { count: this.rows.length, mase: fixed(this.rows[0].scores.mase, MASE_DIGITS) });
    this.renderLeaderboard(this.rows.map((r, i) => ({ ...r, rank: i + 1 })));
  }

  /**
   * The best rows, and the benchmarks (naive, seasonal naive) wherever they rank.
   * @param {ForecastRow[]} rows
   */
  renderLeaderboard(rows) {
    const shown = rows.filter((r, i) => i < LEADERBOARD_SHOWN || /^(Naive|Seasonal naive)/.test(r.label));
    if (shown.length < rows.length) localize(this.$more, "forecast_page.leaderboard_more", { shown: LEADERBOARD_SHOWN, count: rows.length });
    else unlocalize(this.$more);
    this.$leaderboard.replaceChildren(...leaderboardRows(shown));
  }

  /** @param {ForecastResult} result */
  show(result) {
    this.result = result;
    this.renderLeaderboard(result.leaderboard);
    localize(this.$progress, "forecast_page.progress_done", {
      trials: result.trials, origins: result.origins, steps: result.backtestHorizon, seconds: fixed(result.elapsedS, 1),
    });
    const best = (result.leaderboard || []).find((row) => row.label === result.bestLabel);
    localize(this.$best, "forecast_page.best", {
      horizon: result.horizon,
      frequency: { code: `frequency.${result.frequency}`, params: {} },
      model: best ? modelWords(best) : result.bestLabel,
      mase: fixed(result.bestScores.mase, MASE_DIGITS),
      smape: fixed(result.bestScores.smape, SMAPE_DIGITS),
    });
    const about = aboutParams(result.best || []);
    this.$about.hidden = !about;
    if (about) localize(this.$about, "forecast_page.about", about);
    else unlocalize(this.$about);
    const { scale, versus } = maseWords(result);
    localize(this.$maseScale, scale.code, scale.params);
    this.$versus.hidden = !versus;
    if (versus) localize(this.$versus, versus.code, versus.params);
    else unlocalize(this.$versus);
    localize(this.$intervals, "forecast_page.intervals", {
      inside80: Math.round(100 * result.intervalCoverage[0]),
      inside95: Math.round(100 * result.intervalCoverage[1]),
    });
    this.$table.replaceChildren(...forecastRows(result));
    this.$notes.replaceChildren(...result.notes.map((n) => localizeNote(el("li"), n)));
    this.$backtestToggle.checked = false;
    this.$results.hidden = false;
    this.drawChart();
  }

  drawChart() {
    const r = this.result;
    if (!r) return;
    const backtests = this.$backtestToggle.checked;
    this.$chartCaption.hidden = !backtests;
    // drawn at the card's width, again when it changes, with its numbers as a table under it
    drawChart(this.$chart, forecastChart(r, { backtests }));
  }

  downloadCsv() {
    if (!this.result) return;
    const base = String(this.result.target).replace(/[^\w.-]+/g, "_") || "series";
    // The engine's file: the same bytes as `automl fit --date ... --out FILE` writes.
    download(`${base}-forecast.csv`, new Blob([this.result.csv], { type: "text/csv" }));
  }

  /** The run's HTML report: backtests, the chosen forecaster, MASE explained, the forecast. */
  downloadReport() {
    const r = this.result;
    if (!r) return Promise.resolve();
    const { results } = this.app;
    return results.guard(() => results.downloadForecastReport(r, {
      chart: this.$chart.querySelector("svg.chart"),
      settings: this.lastSettings || null,
    }));
  }

  hideResults() {
    this.result = null;
    this.$results.hidden = true;
    this.$section.hidden = true;
    this.$chart.replaceChildren();
  }
}
