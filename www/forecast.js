// The forecasting task on the page: offered when the file has a date/time column and the
// target is numeric (chosen for the person when the file looks like a series), a date column
// and a horizon control (the frequency's default), and the run's results: the backtest
// leaderboard, one plot with history, forecast and 95% interval band (backtest forecasts
// overlaid on request), a forecast table and "Download forecast (CSV)".
//
// It builds its own elements inside #forecast-settings and #forecast-section (index.html) with
// DOM calls; user text is always set as text. It talks to the worker only through the
// controller's WorkerBridge (protocol.js: forecastInfo, forecast).
import { drawChart, lineChart } from "./charts.js";
import { attachTerms } from "./glossary.js";
import { download } from "./results.js";
import { formatNumber, localize, localizeNote, pageError, unlocalize } from "./i18n.js";
import { FORECAST_TASK } from "./protocol.js";
/**
 * @typedef {import("./protocol.js").ForecastResult} ForecastResult
 * @typedef {import("./protocol.js").ForecastRow} ForecastRow
 * @typedef {import("./protocol.js").ForecastSettings} ForecastSettings
 * @typedef {import("./protocol.js").Inspection} Inspection
 * @typedef {import("./protocol.js").SeriesInfo} SeriesInfo
 * @typedef {import("./app.js").Controller} Controller
 * @typedef {import("./app.js").StartValues} StartValues
 * @typedef {import("./charts.js").Series} Series
 */

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
function el(tag, { className, text, words, params, user, testid, attrs } = {}, children = []) {
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

/**
 * A number for the tables: `digits` decimals at most, exponents for the very large and small.
 * @param {number} v
 * @param {number} [digits]
 * @returns {string}
 */
function fmt(v, digits = 4) {
  if (typeof v !== "number" || !Number.isFinite(v)) return "–";
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return v.toExponential(3);
  return Number(v.toFixed(digits)).toString();
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
 * @returns {import("./protocol.js").MessageParam}
 */
export function modelWords(row) {
  const m = row && row.model;
  /** @param {string} code @param {object} [params] */
  const msg = (code, params = {}) => /** @type {import("./protocol.js").Message} */ ({ code, params });
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
 * Fill `cell` with a forecasting model's name (see modelWords).
 * @param {HTMLElement} cell
 * @param {{ label: string, model?: any }} row
 */
function modelCell(cell, row) {
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

export class ForecastPanel {
  /**
   * `app` is the controller: its bridge, data, run state and buttons are shared.
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
    this.$chart = el("div", { className: "forecast-chart", testid: "forecast-chart" });
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
      this.$chart,
      el("div", { className: "inline-controls" }, [
        el("label", { className: "check-label", attrs: { for: "forecast-show-backtests" } }, [
          this.$backtestToggle,
          document.createTextNode(" "),
          el("span", { words: "forecast_page.show_backtests" }),
        ]),
        this.$download,
      ]),
      this.$intervals,
      el("h3", { className: "sub-title", words: "forecast_page.forecast_title" }),
      el("div", { className: "table-scroll" }, [
        el("table", { className: "data-table", testid: "forecast-table" }, [
          el("thead", {}, [el("tr", {}, [
            "forecast_page.col_date", "forecast_page.col_forecast", "forecast_page.col_lo80", "forecast_page.col_hi80",
            "forecast_page.col_lo95", "forecast_page.col_hi95",
          ].map((h, i) => el("th", { words: h, className: i > 0 ? "num" : undefined, attrs: { scope: "col" } })))]),
          this.$table,
        ]),
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
      const info = await app.bridge.forecastInfo(app.data.bytes.slice(0), app.data.fileName, this.baseSettings(column.name));
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
    try {
      const result = await app.bridge.forecast(app.data.bytes.slice(0), app.data.fileName, settings, (event) => {
        if (seq === app.runSeq && event && event.kind === "forecastTrial") this.addRow(event.row);
      });
      if (seq !== app.runSeq) return;
      this.show(result);
      app.view.showStatus("forecast_page.status_done", { horizon: result.horizon, trials: result.trials }, "done");
    } catch (/** @type {any} */ err) {
      if (seq !== app.runSeq) return;
      if (err && err.name === "Cancelled") {
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
    localize(this.$progress, "forecast_page.progress_rows", { count: this.rows.length, mase: fmt(this.rows[0].scores.mase) });
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
    this.$leaderboard.replaceChildren(...shown.map((r) => el("tr", {}, [
      el("td", { className: "num", text: String(r.rank) }),
      modelCell(el("td"), r),
      el("td", { className: "num", text: fmt(r.scores.mase) }),
      el("td", { className: "num", text: fmt(r.scores.smape, 2) }),
      el("td", { className: "num", text: fmt(r.scores.mae) }),
      el("td", { className: "num", text: fmt(r.scores.rmse) }),
    ])));
  }

  /** @param {ForecastResult} result */
  show(result) {
    this.result = result;
    this.renderLeaderboard(result.leaderboard);
    localize(this.$progress, "forecast_page.progress_done", {
      trials: result.trials, origins: result.origins, steps: result.backtestHorizon, seconds: fmt(result.elapsedS, 1),
    });
    const best = (result.leaderboard || []).find((row) => row.label === result.bestLabel);
    localize(this.$best, "forecast_page.best", {
      horizon: result.horizon,
      frequency: { code: `frequency.${result.frequency}`, params: {} },
      model: best ? modelWords(best) : result.bestLabel,
      mase: fmt(result.bestScores.mase),
      smape: fmt(result.bestScores.smape, 2),
    });
    localize(this.$intervals, "forecast_page.intervals", {
      inside80: Math.round(100 * result.intervalCoverage[0]),
      inside95: Math.round(100 * result.intervalCoverage[1]),
    });
    this.$table.replaceChildren(...result.forecast.map((p) => el("tr", {}, [
      el("td", { text: p.time, user: true }),
      ...[p.value, p.lo80, p.hi80, p.lo95, p.hi95].map((v) => el("td", { className: "num", text: fmt(v) })),
    ])));
    this.$notes.replaceChildren(...result.notes.map((n) => localizeNote(el("li"), n)));
    this.$backtestToggle.checked = false;
    this.$results.hidden = false;
    this.drawChart();
  }

  drawChart() {
    const r = this.result;
    if (!r) return;
    const history = r.historyTimes.map((t, i) => ({ x: parseTime(t), y: r.history[i] }));
    const last = history[history.length - 1];
    const forecast = [last, ...r.forecast.map((p) => ({ x: parseTime(p.time), y: p.value }))];
    /** @type {Series[]} */
    const series = [
      { key: "History", name: { code: "forecast_page.history", params: {} }, points: history, className: "forecast-history" },
      { key: "Forecast", name: { code: "forecast_page.forecast", params: {} }, points: forecast, className: "forecast-forecast" },
    ];
    if (this.$backtestToggle.checked) {
      r.backtests.forEach((b, i) => {
        series.push({
          key: `Backtest ${i + 1}`,
          name: { code: "forecast_page.backtest_n", params: { n: i + 1 } },
          points: b.times.map((t, j) => ({ x: parseTime(t), y: b.forecast[j] })),
          className: "forecast-backtest",
          dashed: true,
        });
      });
    }
    const band = {
      className: "forecast-band",
      points: [{ x: last.x, lo: last.y, hi: last.y }, ...r.forecast.map((p) => ({ x: parseTime(p.time), lo: p.lo95, hi: p.hi95 }))],
    };
    // drawn at the card's width, again when it changes, with its numbers as a table under it
    drawChart(this.$chart, (size) => lineChart({
      title: { code: "forecast_page.chart_title", params: { target: r.target } },
      series,
      band,
      xType: "time",
      xLabel: r.dateColumn,
      yLabel: r.target,
      width: size.width,
      height: 360,
    }));
  }

  downloadCsv() {
    if (!this.result) return;
    const base = String(this.result.target).replace(/[^\w.-]+/g, "_") || "series";
    // The engine's file: the same bytes as `automl fit --date ... --out FILE` writes.
    download(`${base}-forecast.csv`, new Blob([this.result.csv], { type: "text/csv" }));
  }

  hideResults() {
    this.result = null;
    this.$results.hidden = true;
    this.$section.hidden = true;
    this.$chart.replaceChildren();
  }
}
