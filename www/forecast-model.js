// "Use the model" for a forecast model file (src/results/forecast_file.rs): what it forecasts
// (target, date column, frequency, horizon, seasonal periods, covariates, its models with a
// sentence each, its backtest scores, what it was fitted on), "Download forecast model" (its
// size and what it forecasts on the button), and "Forecast new data with this model": a file
// dropped here is forecast from its end by the saved models, refitted without a search, and
// shown as a chart and a table with the engine's CSV (the file `automl predict MODEL DATA
// --out` writes).
//
// The results views (results.js) own the model section and its "Load model" button: a file that
// starts like a forecast model comes here, any other to the tabular model's views.
import { drawChart } from "./charts.js";
import { MASE_DIGITS, SMAPE_DIGITS, aboutParams, el, fixed, forecastChart, forecastHead, forecastRows, modelWords } from "./forecast.js";
import { localize, localizeNote, pageError, unlocalize } from "./i18n.js";
import { download, safeFileName } from "./results.js";
/**
 * @typedef {import("../index.js").ForecastModelInfo} ForecastModelInfo
 * @typedef {import("./protocol-types.js").ForecastResult} ForecastResult
 * @typedef {import("./protocol-types.js").Message} Message
 * @typedef {import("./automl.js").AutoML} AutoML
 */

/** @param {string} code @param {any} [params] @returns {Message} */
const msg = (code, params = {}) => ({ code, params });

/**
 * A term and its value in a definition list: the value a message, or the user's data.
 * @param {HTMLElement} dl
 * @param {string} term
 * @param {Message | string} value
 * @param {string} testid
 */
function fact(dl, term, value, testid) {
  const dd = el("dd", { testid });
  if (typeof value === "string") {
    dd.textContent = value;
    dd.setAttribute("data-user", "");
  } else {
    localize(dd, value.code, value.params);
  }
  dl.append(el("div", {}, [el("dt", { words: term }), dd]));
}

export class ForecastModelView {
  /**
   * @param {AutoML} automl the engine (automl.js)
   * @param {HTMLElement} box the element to build in (hidden until a forecast model is shown)
   */
  constructor(automl, box) {
    this.automl = automl;
    this.box = box;
    /** @type {Uint8Array | null} */
    this.modelFile = null;
    /** @type {ForecastModelInfo | null} */
    this.info = null;
    /** @type {string} "search", or the loaded file's name */
    this.source = "search";
    /** @type {{ fileName: string, result: ForecastResult } | null} */
    this.prediction = null;
    this.$info = el("dl", { className: "detail-list", testid: "forecast-model-info" });
    this.$download = el("button", { className: "button button-secondary", testid: "forecast-model-download", attrs: { type: "button" } });
    this.$download.addEventListener("click", () => this.downloadModel());
    this.$input = el("input", {
      className: "visually-hidden",
      testid: "forecast-model-input",
      attrs: { id: "forecast-model-input", type: "file", accept: ".csv,.tsv,.txt,.xlsx,.xlsm,.xls,.ods,text/csv,text/tab-separated-values,text/plain" },
    });
    this.$input.addEventListener("change", () => {
      const file = this.$input.files && this.$input.files[0];
      this.$input.value = "";
      if (file) this.forecastFile(file).catch(() => {});
    });
    this.$status = el("p", { className: "summary", testid: "forecast-model-status", attrs: { role: "status" } });
    this.$error = el("p", { className: "hint", testid: "forecast-model-error", attrs: { hidden: "" } });
    this.$notes = el("ul", { className: "notes-list", testid: "forecast-model-notes" });
    this.$chart = el("div", { className: "forecast-chart", testid: "forecast-model-chart" });
    this.$table = el("tbody", { testid: "forecast-model-table-body" });
    this.$csv = el("button", {
      className: "button button-secondary",
      words: "forecast_page.predict_download",
      testid: "forecast-model-csv",
      attrs: { type: "button", hidden: "" },
    });
    this.$csv.addEventListener("click", () => this.downloadCsv());
    this.$output = el("div", { testid: "forecast-model-output", attrs: { hidden: "" } }, [
      this.$chart,
      el("div", { className: "table-scroll" }, [
        el("table", { className: "data-table", testid: "forecast-model-table" }, [forecastHead(), this.$table]),
      ]),
      this.$notes,
    ]);
    box.append(
      el("h3", { className: "sub-title", words: "forecast_page.model_title" }),
      this.$info,
      el("div", { className: "actions" }, [this.$download]),
      el("p", { className: "hint", words: "forecast_page.model_refit_hint" }),
      el("div", { className: "actions" }, [
        el("label", { className: "button button-secondary file-label", words: "forecast_page.predict_choose", attrs: { for: "forecast-model-input" } }),
        this.$input,
        this.$csv,
      ]),
      this.$status,
      this.$error,
      this.$output,
    );
  }

  /**
   * Show `modelFile` (a forecast model file's bytes): ask the engine what it holds.
   * @param {Uint8Array} modelFile
   * @param {string} source "search", or the loaded file's name
   */
  async show(modelFile, source) {
    const info = await this.automl.modelInfo(modelFile);
    // (results.js sends only files that start like a forecast model here)
    if (info.kind !== "forecast") throw pageError("page.no_model_files");
    this.modelFile = modelFile;
    this.info = info;
    this.source = source;
    this.prediction = null;
    this.renderInfo();
    this.$output.hidden = true;
    this.$csv.hidden = true;
    this.$error.hidden = true;
    unlocalize(this.$status);
    this.$notes.replaceChildren();
    this.$chart.replaceChildren();
    this.box.hidden = false;
  }

  hide() {
    this.box.hidden = true;
  }

  renderInfo() {
    const info = this.info;
    if (!info || !this.modelFile) return;
    const frequency = msg(`frequency.${info.frequency}`);
    this.$info.replaceChildren();
    fact(this.$info, "forecast_page.model_forecasts", msg("forecast_page.model_what", {
      target: info.target, date: info.dateColumn, horizon: info.horizon, frequency,
    }), "forecast-model-what");
    // each model by name (an ensemble's with their weights) and what it does, in a sentence
    const about = aboutParams(info.members);
    const model = info.members.length > 1
      ? { items: info.members.map((m) => msg("forecast_page.model_member", { model: modelWords(m), weight: fixed(m.weight, 2) })), more: 0 }
      : modelWords(info.members[0]);
    fact(this.$info, "forecast_page.model_models", about
      ? msg("forecast_page.about", { model, sentence: about.sentence })
      : msg("forecast_page.model_member", { model, weight: fixed(1, 2) }), "forecast-model-models");
    fact(this.$info, "forecast_page.model_seasons", info.periods.length
      ? info.periods.join(", ")
      : msg("forecast_page.none"), "forecast-model-seasons");
    fact(this.$info, "forecast_page.model_covariates", info.covariates.length
      ? info.covariates.join(", ")
      : msg("forecast_page.none"), "forecast-model-covariates");
    fact(this.$info, "forecast_page.model_scores", msg("forecast_page.model_score", {
      mase: fixed(info.bestScores.mase, MASE_DIGITS), smape: fixed(info.bestScores.smape, SMAPE_DIGITS),
    }), "forecast-model-scores");
    fact(this.$info, "forecast_page.model_fitted", msg("forecast_page.model_fitted_line", {
      n: info.historyLength, end: info.historyEnd, seed: String(info.run.seed),
    }), "forecast-model-fitted");
    fact(this.$info, "page.model_created", msg("page.model_created_with", {
      tool: String(info.createdWith || "?"), format: String(info.formatVersion ?? "?"),
    }), "forecast-model-created");
    fact(this.$info, "page.model_from", this.source === "search"
      ? msg("page.model_from_search")
      : msg("page.model_from_file", { file: this.source }), "forecast-model-source");
    // The button says what the model forecasts and how large the file is.
    localize(this.$download, "forecast_page.model_download", {
      target: info.target,
      date: info.dateColumn,
      horizon: info.horizon,
      frequency,
      size: msg("forecast_page.kb", { kb: fixed(this.modelFile.length / 1024, 1) }),
    });
  }

  downloadModel() {
    if (!this.modelFile || !this.info) return;
    const name = `${safeFileName(this.info.target, "series")}-forecast.automl`;
    download(name, new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (this.modelFile)], { type: "application/octet-stream" }));
  }

  /**
   * Forecast the series of `file` from its end with the model.
   * @param {File} file
   */
  async forecastFile(file) {
    if (!this.modelFile) return;
    const bytes = await file.arrayBuffer();
    localize(this.$status, "forecast_page.predicting", { file: file.name });
    this.$error.hidden = true;
    this.$notes.replaceChildren();
    let result;
    try {
      result = await this.automl.forecastWithModel(this.modelFile, bytes, { fileName: file.name });
    } catch (/** @type {any} */ err) {
      localize(this.$status, "forecast_page.predict_failed", { file: file.name });
      this.$output.hidden = true;
      this.$csv.hidden = true;
      this.$error.hidden = false;
      if (err && typeof err.code === "string") localizeNote(this.$error, { code: err.code, params: err.params || {} });
      else unlocalize(this.$error, err && err.message ? err.message : String(err));
      throw err;
    }
    this.prediction = { fileName: file.name, result };
    const frequency = msg(`frequency.${result.frequency}`);
    localize(this.$status, "forecast_page.predicted", {
      horizon: result.horizon, frequency, n: result.n, file: file.name, end: result.historyTimes[result.historyTimes.length - 1] || "",
    });
    this.$table.replaceChildren(...forecastRows(result));
    this.$notes.replaceChildren(...result.notes.map((n) => localizeNote(el("li"), n)));
    this.$output.hidden = false;
    this.$csv.hidden = false;
    drawChart(this.$chart, forecastChart(result, {
      title: msg("forecast_page.predict_chart_title", { target: result.target, file: file.name }),
    }));
  }

  downloadCsv() {
    if (!this.prediction) return;
    const base = safeFileName(this.prediction.result.target, "series");
    // The engine's file: the same bytes as `automl predict MODEL DATA --out FILE` writes.
    download(`${base}-forecast.csv`, new Blob([this.prediction.result.csv], { type: "text/csv" }));
  }
}
