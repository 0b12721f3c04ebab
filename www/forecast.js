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
import { download } from "./results.js";
import { pageError, renderNote } from "./i18n.js";
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

export const FORECAST_TASK = "forecast";
const LEADERBOARD_SHOWN = 30;

/**
 * A new element.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {{ className?: string, text?: string, testid?: string, attrs?: { [name: string]: string } }} [options]
 * @param {(Node|string)[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
function el(tag, { className, text, testid, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
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
    this.$option = el("option", { text: "Forecast (time series)", attrs: { value: FORECAST_TASK } });
    this.$date = el("select", { testid: "forecast-date", attrs: { id: "forecast-date" } });
    this.$horizon = el("input", {
      testid: "forecast-horizon",
      attrs: { id: "forecast-horizon", type: "number", min: "1", step: "1", inputmode: "numeric" },
    });
    this.$info = el("p", { className: "hint", testid: "forecast-info" });
    this.$settings.append(el("div", { className: "settings-grid" }, [
      el("div", { className: "field" }, [
        el("label", { className: "field-label", text: "Date or time column", attrs: { for: "forecast-date" } }),
        this.$date,
        this.$info,
      ]),
      el("div", { className: "field" }, [
        el("label", { className: "field-label", text: "Steps to forecast (horizon)", attrs: { for: "forecast-horizon" } }),
        this.$horizon,
        el("p", { className: "hint", text: "How far ahead, in steps of the series (months for monthly data)." }),
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
      text: "Download forecast (CSV)",
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
          document.createTextNode(" Show the backtests (what the chosen model forecast from earlier points)"),
        ]),
        this.$download,
      ]),
      this.$intervals,
      el("h3", { className: "sub-title", text: "Forecast" }),
      el("div", { className: "table-scroll" }, [
        el("table", { className: "data-table", testid: "forecast-table" }, [
          el("thead", {}, [el("tr", {}, ["Date", "Forecast", "80% from", "80% to", "95% from", "95% to"].map((h, i) =>
            el("th", { text: h, className: i > 0 ? "num" : undefined, attrs: { scope: "col" } })))]),
          this.$table,
        ]),
      ]),
      el("div", { className: "message-box message-notes" }, [el("h3", { className: "message-title", text: "Notes" }), this.$notes]),
    ]);
    this.$section.append(
      el("h2", { attrs: { id: "step-forecast" } }, [el("span", { className: "step", text: "4" }), document.createTextNode(" Forecast")]),
      this.$progress,
      this.$results,
      el("h3", { className: "sub-title", text: "Models tried (backtests)" }),
      el("p", {
        className: "hint",
        text: "Each model was fitted on the history before several cut-off points and forecast the steps after each; ranked by MASE (error relative to the seasonal naive forecast's in-sample error; below 1 is better than it).",
      }),
      el("div", { className: "table-scroll" }, [
        el("table", { className: "data-table leaderboard", testid: "forecast-leaderboard" }, [
          el("thead", {}, [el("tr", {}, ["Rank", "Model", "MASE", "sMAPE (%)", "MAE", "RMSE"].map((h, i) =>
            el("th", { text: h, className: i === 1 ? undefined : "num", attrs: { scope: "col" } })))]),
          this.$leaderboard,
        ]),
      ]),
      this.$more,
    );
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
    this.$date.replaceChildren(...this.dateColumns.map((name) => el("option", { text: name, attrs: { value: name } })));
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
      this.$taskHint.textContent = "Forecast future values from the dates. Suggested: the file looks like a time series.";
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
      this.$taskHint.textContent = "Forecast future values from the dates.";
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
    this.$info.textContent = "Reading the series…";
    try {
      const info = await app.bridge.forecastInfo(app.data.bytes.slice(0), app.data.fileName, this.baseSettings(column.name));
      if (seq !== this.infoSeq) return;
      this.info = info;
      const periods = info.periods.length ? `, seasonal period ${info.periods.join(" and ")}` : ", no seasonality found";
      this.$info.textContent = `${info.n} ${info.frequency} values${periods}.`;
      this.$horizon.value = String(info.defaultHorizon);
      this.$horizon.placeholder = String(info.defaultHorizon);
    } catch (/** @type {any} */ err) {
      if (seq !== this.infoSeq) return;
      this.info = null;
      this.$info.textContent = err && err.message ? err.message : String(err);
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
    this.$progress.textContent = typeof settings.timeBudgetS === "number"
      ? `Backtesting models for up to ${settings.timeBudgetS} s…`
      : `Backtesting up to ${settings.maxTrials} models…`;
    app.view.showStatus(`Forecasting “${settings.target}”…`, "busy");
    app.updateButtons();
    try {
      const result = await app.bridge.forecast(app.data.bytes.slice(0), app.data.fileName, settings, (event) => {
        if (seq === app.runSeq && event && event.kind === "forecastTrial") this.addRow(event.row);
      });
      if (seq !== app.runSeq) return;
      this.show(result);
      app.view.showStatus(`Done: forecast of ${result.horizon} steps, ${result.trials} models tried`, "done");
    } catch (/** @type {any} */ err) {
      if (seq !== app.runSeq) return;
      if (err && err.name === "Cancelled") {
        app.view.showStatus("Stopped", "stopped");
      } else {
        app.reportError(err);
        this.$progress.textContent = "The forecast failed.";
        app.view.showStatus("The forecast failed", "error");
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
    this.$progress.textContent = `${this.rows.length} models backtested; best MASE so far ${fmt(this.rows[0].scores.mase)}.`;
    this.renderLeaderboard(this.rows.map((r, i) => ({ ...r, rank: i + 1 })));
  }

  /**
   * The best rows, and the benchmarks (naive, seasonal naive) wherever they rank.
   * @param {ForecastRow[]} rows
   */
  renderLeaderboard(rows) {
    const shown = rows.filter((r, i) => i < LEADERBOARD_SHOWN || /^(Naive|Seasonal naive)/.test(r.label));
    this.$more.textContent = shown.length < rows.length
      ? `Showing the best ${LEADERBOARD_SHOWN} of ${rows.length} and the naive benchmarks.`
      : "";
    this.$leaderboard.replaceChildren(...shown.map((r) => el("tr", {}, [
      el("td", { className: "num", text: String(r.rank) }),
      el("td", { text: r.label }),
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
    this.$progress.textContent = `${result.trials} models backtested on ${result.origins} windows of ${result.backtestHorizon} steps in ${fmt(result.elapsedS, 1)} s.`;
    this.$best.textContent = `Forecast of ${result.horizon} ${result.frequency} steps by ${result.bestLabel} (backtest MASE ${fmt(result.bestScores.mase)}, sMAPE ${fmt(result.bestScores.smape, 2)}%).`;
    this.$intervals.textContent = `${result.intervals} Backtest errors inside them: ${Math.round(100 * result.intervalCoverage[0])}% and ${Math.round(100 * result.intervalCoverage[1])}%. The shaded band is the 95% interval.`;
    this.$table.replaceChildren(...result.forecast.map((p) => el("tr", {}, [
      el("td", { text: p.time }),
      ...[p.value, p.lo80, p.hi80, p.lo95, p.hi95].map((v) => el("td", { className: "num", text: fmt(v) })),
    ])));
    this.$notes.replaceChildren(...result.notes.map((n) => el("li", { text: renderNote(n) })));
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
      { name: "History", points: history, className: "forecast-history" },
      { name: "Forecast", points: forecast, className: "forecast-forecast" },
    ];
    if (this.$backtestToggle.checked) {
      r.backtests.forEach((b, i) => {
        series.push({
          name: `Backtest ${i + 1}`,
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
      title: `${r.target}: history and forecast (95% interval)`,
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
