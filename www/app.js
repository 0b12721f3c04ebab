// The controller: keeps the loaded data and the run state, turns view events into calls of the
// engine's API (automl.js, the same AutoML the package exports) and their answers into view
// updates. It never touches the DOM itself. The page's entry, main.js, creates it. What the
// engine decides (default settings, limits, tasks, metrics and their direction) it reads from
// the engine's catalogue at start-up.
//
// The results views (results.js, with the charts and D3) and the forecasting panel
// (forecast.js) are not part of the first visit's download: the controller loads them
// (`loadParts`, a dynamic import) once the engine is ready, and waits for them before it shows
// loaded data or a model file, so nothing a person does is lost meanwhile.
import { ERROR_NAMES, FORECAST_TASK } from "./protocol.js";
import { familyLabel, formatBytes, kindUsed } from "./view.js";
import { pageError, setLanguage, t } from "./i18n.js";
import { FamilyChooser } from "./families.js";
import { SearchExplainer } from "./explain.js";
/**
 * @typedef {import("./protocol-types.js").Catalogue} Catalogue
 * @typedef {import("./protocol-types.js").ErrorInfo} ErrorInfo
 * @typedef {import("./protocol-types.js").Inspection} Inspection
 * @typedef {import("./protocol-types.js").Kind} Kind
 * @typedef {import("./protocol-types.js").LeaderboardRow} LeaderboardRow
 * @typedef {import("./protocol-types.js").MetricName} MetricName
 * @typedef {import("./protocol-types.js").Progress} Progress
 * @typedef {import("./protocol-types.js").RunSettings} RunSettings
 * @typedef {import("./protocol-types.js").Task} Task
 * @typedef {import("./protocol-types.js").TextEncodingName} TextEncodingName
 * @typedef {import("./protocol-types.js").TaskInfo} TaskInfo
 * @typedef {import("./automl.js").AutoML} AutoML
 * @typedef {import("../index.js").CompletedFit} CompletedFit
 * @typedef {import("../index.js").FitOptions} FitOptions
 * @typedef {import("./results.js").Results} Results
 * @typedef {import("./view.js").View} View
 */

/**
 * A built-in sample (samples/samples.json).
 * @typedef {{ id: string, file: string, title?: string, titleKey?: string, target?: string }} Sample
 */

/**
 * The loaded data: the file's bytes (kept for every request: each one transfers a copy) and
 * what the engine read in them.
 * @typedef {{ bytes: ArrayBuffer, fileName: string, inspection: Inspection, encoding: TextEncodingName | null }} LoadedData
 */

/**
 * What Start hands over: the page's controls as typed (view.js bindStart).
 * @typedef {{ targetIndex: number, task: string, timeBudget: string, seed: string, metric?: string }} StartValues
 */

/**
 * What the view shows for a column (view.js setColumnStates).
 * @typedef {{ kind: Kind, detectedKind: Kind, isTarget: boolean, used: boolean }} ColumnState
 */

/**
 * The API's options (automl.js `fit`, `finish`, `checkTarget`) of the page's RunSettings, which
 * the page keeps for its views and report: the same settings reach the engine.
 * @param {RunSettings} settings
 * @param {string} fileName
 * @returns {FitOptions}
 */
export function fitOptions(settings, fileName) {
  const { target, task, timeBudgetS, maxTrials, seed, folds, metric, sheet, encoding, columnTypes, exclude, families } = settings;
  return { fileName, target, task, timeBudget: timeBudgetS, maxTrials, seed, folds, metric, sheet, encoding, columnTypes, exclude, families };
}

/** Rows kept in the leaderboard table; long runs can finish many thousands of trials. */
const LEADERBOARD_LIMIT = 500;
/** What a fatal error did to the run, for the status line (a code of the catalogue). */
/** @type {Readonly<Record<string, string>>} */
const FATAL_STATUS = Object.freeze({
  [ERROR_NAMES.OUT_OF_MEMORY]: "page.status_out_of_memory",
  [ERROR_NAMES.ENGINE_CRASHED]: "page.status_crashed",
});

/**
 * A score that can be compared, larger is better: the row's mean, negated when its metric is
 * better lower (`higherIsBetter`, from the engine); failed trials (no mean) sort last.
 * @param {LeaderboardRow} row
 */
function sortKey(row) {
  if (typeof row.mean !== "number" || !Number.isFinite(row.mean)) return -Infinity;
  return row.higherIsBetter === false ? -row.mean : row.mean;
}

/**
 * Insert `row` into `rows` (best first, by the metric's direction) after any equal score;
 * return its index.
 * @param {LeaderboardRow[]} rows
 * @param {LeaderboardRow} row
 * @returns {number}
 */
export function insertSorted(rows, row) {
  const key = sortKey(row);
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortKey(rows[mid]) >= key) lo = mid + 1;
    else hi = mid;
  }
  rows.splice(lo, 0, row);
  return lo;
}

/**
 * The error for a file over the size limit, before reading it (its words from the message
 * catalogue, www/i18n/).
 * @param {string} fileName
 * @param {number} size bytes
 * @param {number} limit bytes (the engine's, `limits.fileBytes` of its catalogue)
 * @returns {Error}
 */
export function tooLargeError(fileName, size, limit) {
  const limitText = formatBytes(limit);
  const sizeText = formatBytes(size);
  return t("page.size", { size: sizeText }) === t("page.size", { size: limitText })
    ? pageError("page.file_just_over", { file: fileName, limit: limitText })
    : pageError("page.file_too_large", { file: fileName, size: sizeText, limit: limitText });
}

export class Controller {
  /**
   * @param {View} view
   * @param {AutoML} automl the engine (its workers start with init())
   * @param {((controller: Controller) => Promise<Results>) | null} [makeResults] makes the
   *   results views (main.js imports results.js in it); called by loadParts
   */
  constructor(view, automl, makeResults = null) {
    this.view = view;
    this.automl = automl;
    this.makeResults = makeResults;
    /**
     * The results views (results.js): search curve, diagnostics, model, predictions, report;
     * null until loadParts has loaded them.
     * @type {Results | null}
     */
    this.results = null;
    /**
     * The forecasting task (forecast.js): its settings and results on the page; null until
     * loadParts has loaded it (or on a page without its section).
     * @type {import("./forecast.js").ForecastPanel | null}
     */
    this.forecast = null;
    /** @type {Promise<void> | null} loadParts' loading, once started (null again after a failure) */
    this.partsLoading = null;
    /** @type {(value?: any) => void} */
    let partsLoaded = () => {};
    /** Resolves once the results views and the forecasting panel are in place. */
    this.partsLoaded = new Promise((resolve) => {
      partsLoaded = resolve;
    });
    this.resolveParts = partsLoaded;
    /** What the search is doing, the pace of a run, the presentation view (explain.js). */
    this.explainer = typeof document !== "undefined" && document.getElementById("search-log") ? new SearchExplainer() : null;
    /** @type {Sample[]} */
    this.samples = [];
    /** @type {LoadedData | null} The loaded data, or null. */
    this.data = null;
    /**
     * The person's column choices for the loaded data (reset for every new file or sheet).
     * @type {{ columnTypes: Map<string, Kind>, exclude: Set<string> }}
     */
    this.choices = { columnTypes: new Map(), exclude: new Set() };
    this.targetIndex = -1;
    /** Target checks: one at a time; a change while one runs asks for one more after it. */
    this.checkWanted = false;
    this.checkBusy = false;
    this.loadSeq = 0;
    this.runSeq = 0;
    /** Counts the data loaded (a new file or sheet makes every result stale). */
    this.dataSeq = 0;
    /**
     * What the results on the page were made from: the choices' key (choicesKey) and the
     * target and task, or null when no result is shown. A change of file, target, task,
     * column kinds or exclusions marks them stale.
     * @type {{ key: string, dataSeq: number, target: string, task: string } | null}
     */
    this.resultOf = null;
    this.running = false;
    this.loading = false;
    /** @type {LeaderboardRow[]} the running search's rows, best first */
    this.liveRows = [];
    /**
     * The last run's data and settings, and when it started: what Stop and "choose this
     * model" finish the run with.
     * @type {{ bytes: ArrayBuffer, fileName: string, settings: RunSettings, pace: string, startedAt: number } | null}
     */
    this.runContext = null;
    /** Whether the run is in its finish after Stop or a choice (a second Stop just stops). */
    this.finishing = false;
    /**
     * Stops the search, finish or forecast running now (Stop): the engine stops at once.
     * @type {AbortController | null}
     */
    this.runAbort = null;
    /** The last progress event's search time, seconds (step mode's Stop keeps it). @type {number | null} */
    this.lastElapsedS = null;
    /** @type {string | null} */
    this.engineVersion = null;
    /**
     * The engine's catalogue: defaults, limits, names; read at start-up (readCatalogue).
     * @type {Catalogue | null}
     */
    this.catalogue = null;
    /** @type {FamilyChooser | null} the "Model families" choice, once the catalogue is read */
    this.families = null;
  }

  /** Wires the view and starts the engine; resolves when it is ready (or failed to start). */
  init() {
    const { view, automl } = this;
    view.bindFileChosen((/** @type {File} */ file) => this.loadFile(file));
    view.bindLoadSample((/** @type {string} */ id) => this.loadSample(id));
    view.bindSheetChange((/** @type {string} */ sheet) => this.chooseSheet(sheet));
    view.bindEncodingChange((/** @type {TextEncodingName} */ encoding) => this.chooseEncoding(encoding));
    view.bindColumnKindChange((/** @type {number} */ index, /** @type {Kind} */ kind) => this.setColumnKind(index, kind));
    view.bindColumnUseChange((/** @type {number} */ index, /** @type {boolean} */ used) => this.setColumnUsed(index, used));
    view.bindTargetChange((/** @type {number} */ index) => this.chooseTarget(index));
    view.bindTaskChange((/** @type {string} */ task) => this.chooseTask(task));
    view.bindStart((/** @type {StartValues} */ values) => this.start(values));
    view.bindStop(() => this.stop());
    view.bindChooseTrial((/** @type {number} */ trial) => this.chooseTrial(trial));
    view.bindLanguageChange((/** @type {string} */ lang) => this.setLanguage(lang));
    view.bindModelFileChosen((/** @type {File} */ file) => this.openModelFile(file));
    if (this.explainer) {
      this.explainer.bindNext(() => this.automl.nextTrial());
      this.explainer.bindFinish(() => this.automl.endSearch());
    }
    automl.onWorkerLost = (error) => this.workerLost(error);
    this.updateButtons();
    this.loadSampleList();
    return this.startEngine("page.status_loading_engine");
  }

  /**
   * Load the parts of the page needed only once there is data or a model (results.js with the
   * charts, forecast.js), once: startEngine starts it when the engine is ready, and whatever
   * needs them waits for it. A failure to load them (the network lost before the service worker
   * had them) is an error of the page that says so; the next call tries again.
   * @returns {Promise<void>}
   */
  loadParts() {
    if (!this.partsLoading) {
      const withForecast = typeof document !== "undefined" && Boolean(document.getElementById("forecast-section"));
      this.partsLoading = Promise.all([
        this.makeResults ? this.makeResults(this) : null,
        withForecast ? import("./forecast.js") : null,
      ]).then(([results, forecast]) => {
        this.results = results;
        if (forecast) this.forecast = new forecast.ForecastPanel(this);
        this.resolveParts();
      }, () => {
        this.partsLoading = null;
        throw pageError("page.parts_unavailable");
      });
    }
    return this.partsLoading;
  }

  /**
   * Show the page in `lang` at once: every word on the page is marked with its code and
   * parameters (i18n.js localize), so the new catalogue fills each one again in place, the
   * charts' titles and axes included (the forecast's date axis, written by Intl, is drawn
   * again). The data, the results and a running search are untouched: nothing is reloaded or
   * recomputed.
   * @param {string} lang
   */
  async setLanguage(lang) {
    if (!(await setLanguage(lang))) return;
    this.view.languageChanged(lang);
    // the forecast's date axis is written by Intl for the language: drawn again
    if (this.forecast) this.forecast.drawChart();
  }

  // ---- engine ------------------------------------------------------------------------------

  /**
   * Start (or restart) the worker; `text` is the status to show meanwhile (a code of the
   * catalogue), or null for none.
   * @param {string | null} text
   */
  async startEngine(text) {
    if (text) this.view.showStatus(text, {}, "loading");
    try {
      const ready = await this.automl.start();
      this.engineVersion = ready && ready.version;
      this.view.setEngineVersion(this.engineVersion);
      await this.readCatalogue();
      if (text && !this.running && !this.loading) {
        this.view.showStatus("page.status_ready", { version: this.engineVersion }, "ready");
      }
      // The rest of the page, after ready (not part of the first visit's download); an error
      // is shown when something needs them.
      this.loadParts().catch(() => {});
    } catch (/** @type {any} */ err) {
      // A worker that dies while starting is reported through onWorkerLost; a cancel
      // (Stop during start-up) is not an error.
      if (err && err.name === "AbortError") return;
      if (!(err && err.fatal)) this.reportError(err);
    }
  }

  /**
   * The engine's catalogue, asked once: the settings' defaults and limits, the column kinds,
   * tasks and metrics the page shows (it keeps no copy of its own).
   * @returns {Promise<Catalogue>}
   */
  async readCatalogue() {
    if (this.catalogue) return this.catalogue;
    const catalogue = await this.automl.describe();
    if (!this.catalogue) {
      this.catalogue = catalogue;
      this.view.setCatalogue(catalogue);
      this.view.setSettingsDefaults(catalogue.defaults.search);
      this.view.setFileLimit(catalogue.limits.fileBytes);
      const box = document.getElementById("families-choice");
      if (box) {
        this.families = new FamilyChooser(box);
        this.families.show(catalogue.families);
      }
    }
    return this.catalogue;
  }

  /**
   * The engine's description of `task` ("classification" or "regression"), if it is one.
   * @param {string} task
   * @returns {TaskInfo | undefined}
   */
  taskInfo(task) {
    return ((this.catalogue && this.catalogue.tasks) || []).find((t) => t.name === task);
  }

  /**
   * A worker died (a trap, running out of memory, or it could not load): say so, and start a
   * fresh one when that can help.
   * @param {ErrorInfo} error
   */
  workerLost(error) {
    this.reportError(error);
    if (error && (error.name === ERROR_NAMES.ENGINE_CRASHED || error.name === ERROR_NAMES.OUT_OF_MEMORY)) {
      // The module loaded fine before the trap, so a fresh worker will too: warm it up now.
      // A run that crashed keeps its status line (what happened to the run) while it does.
      const text = this.running ? null : "page.status_restarting";
      setTimeout(() => this.startEngine(text), 0);
    } else {
      this.view.showStatus("page.status_engine_stopped", {}, "error");
    }
  }

  /**
   * Show `err`; `rowsKept` is how many leaderboard rows a failed run leaves on the page.
   * @param {any} err anything thrown; a WorkerError says whether it was fatal
   * @param {number} [rowsKept]
   */
  reportError(err, rowsKept = 0) {
    /** @type {{ code: string, params?: any }[]} what happened to the run, in lines */
    const extra = [];
    // (a browser without WebAssembly SIMD: no engine to reset, the message says what to do)
    if (err && err.fatal && err.code !== "engine.no_simd") {
      const restarted = err.name === ERROR_NAMES.ENGINE_CRASHED || err.name === ERROR_NAMES.OUT_OF_MEMORY;
      extra.push({ code: restarted ? "page.engine_restarted" : "page.engine_reset" });
      if (this.data) extra.push({ code: "page.data_kept", params: { file: this.data.fileName } });
      if (rowsKept === 1) extra.push({ code: "page.rows_kept_one" });
      if (rowsKept > 1) extra.push({ code: "page.rows_kept", params: { count: rowsKept } });
    }
    this.view.showError(err, extra);
  }

  // ---- loading data ------------------------------------------------------------------------

  async loadSampleList() {
    try {
      const response = await fetch("samples/samples.json");
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const list = await response.json();
      this.samples = Array.isArray(list) ? list.filter((s) => s && s.id && s.file) : [];
      this.view.setSamples(this.samples);
    } catch (err) {
      this.samples = [];
      this.view.showSamplesUnavailable();
    }
  }

  /** @param {string} id a sample's id (samples.json) */
  async loadSample(id) {
    const sample = this.samples.find((s) => s.id === id);
    if (!sample) return;
    await this.loadFrom(sample.file, async () => {
      const response = await fetch(`samples/${encodeURIComponent(sample.file)}`);
      if (!response.ok) throw pageError("page.sample_download", { sample: sample.titleKey ? { code: sample.titleKey, params: {} } : sample.title || sample.id, status: response.status });
      return response.arrayBuffer();
    }, sample.target);
  }

  /**
   * Load a file the person picked or dropped (once the engine's catalogue, which holds the
   * size limit, is read).
   * @param {File} file
   * @returns {Promise<void>}
   */
  async loadFile(file) {
    if (this.running) return undefined;
    let limit;
    try {
      limit = (await this.readCatalogue()).limits.fileBytes;
    } catch (err) {
      this.reportError(err);
      return undefined;
    }
    if (file.size > limit) {
      // Refused before reading a byte: a file this large would not fit in the page anyway.
      this.loadSeq += 1;
      this.loading = false;
      this.view.hideLoadProgress();
      this.updateButtons();
      this.view.showError(tooLargeError(file.name, file.size, limit));
      this.showLoadFailed(file.name);
      return undefined;
    }
    return this.loadFrom(file.name, () => file.arrayBuffer(), null);
  }

  /**
   * Open a saved model file in the results views (loaded first if they are not yet).
   * @param {File} file
   */
  async openModelFile(file) {
    try {
      await this.loadParts();
    } catch (err) {
      this.reportError(err);
      return;
    }
    if (this.results) await this.results.guard(() => this.results.loadModelFile(file));
  }

  /**
   * Read the other sheet of the loaded workbook; its columns replace the current ones.
   * @param {string} sheet
   * @returns {Promise<void> | undefined}
   */
  chooseSheet(sheet) {
    if (!this.data || this.running || !sheet || sheet === this.data.inspection.sheet) return undefined;
    const { bytes } = this.data;
    return this.loadFrom(this.data.fileName, async () => bytes, null, { sheet });
  }

  /**
   * Read the loaded text file again with the encoding the person chose (the engine detects
   * UTF-8, UTF-16, Korean CP949 and Windows-1252, but a guess can be wrong); its columns
   * replace the current ones, and searches read the file the same way.
   * @param {TextEncodingName} encoding
   * @returns {Promise<void> | undefined}
   */
  chooseEncoding(encoding) {
    if (!this.data || this.running || !encoding) return undefined;
    if (encoding === this.data.encoding) return undefined;
    const { bytes } = this.data;
    return this.loadFrom(this.data.fileName, async () => bytes, null, { encoding });
  }

  /**
   * Read the bytes, keep them, and ask the engine to describe them. `options.sheet` picks a
   * sheet of a workbook (by default the engine reads the first); `options.encoding` the
   * encoding of a text file (by default the engine detects it).
   * @param {string} fileName
   * @param {() => Promise<ArrayBuffer>} readBytes
   * @param {string | null} sampleTarget a sample's target column, chosen at once
   * @param {{ sheet?: string, encoding?: TextEncodingName }} [options]
   */
  async loadFrom(fileName, readBytes, sampleTarget, options = {}) {
    if (this.running) return;
    const seq = ++this.loadSeq;
    this.loading = true;
    this.view.hideError();
    this.view.showStatus(
      options.sheet ? "page.status_reading_sheet" : "page.status_reading",
      options.sheet ? { file: fileName, sheet: options.sheet } : { file: fileName },
      "busy",
    );
    this.view.showLoadProgress(fileName, null);
    this.updateButtons();
    try {
      const bytes = await readBytes();
      const { limits } = await this.readCatalogue();
      // the results views and the forecasting panel, which showData needs (loaded after ready)
      await this.loadParts();
      if (seq !== this.loadSeq) return;
      if (bytes.byteLength > limits.fileBytes) throw tooLargeError(fileName, bytes.byteLength, limits.fileBytes);
      const inspection = await this.automl.inspect(bytes, {
        fileName,
        ...options,
        onProgress: (event) => {
          if (seq === this.loadSeq && event && event.kind === "parse") {
            this.view.showLoadProgress(fileName, event.fraction);
          }
        },
      });
      if (seq !== this.loadSeq) return;
      this.data = { bytes, fileName, inspection, encoding: options.encoding || null };
      this.dataSeq += 1;
      this.choices = { columnTypes: new Map(), exclude: new Set() };
      this.showData(inspection, sampleTarget);
      this.view.showStatus("page.status_loaded", { data: this.describeData() }, "ready");
    } catch (/** @type {any} */ err) {
      if (seq !== this.loadSeq) return;
      this.reportError(err);
      if (this.data) {
        this.view.selectSheet(this.data.inspection.sheet);
        this.view.setEncoding(this.data.inspection.encoding, Boolean(this.data.encoding));
      }
      this.showLoadFailed(options.sheet ? { code: "page.sheet_of", params: { file: fileName, sheet: options.sheet } } : fileName);
    } finally {
      if (seq === this.loadSeq) {
        this.loading = false;
        this.view.hideLoadProgress();
        this.updateButtons();
      }
    }
  }

  /**
   * The loaded file (and sheet), as a parameter of a message.
   * @returns {import("./protocol-types.js").MessageParam}
   */
  describeData() {
    const { fileName, inspection } = this.data;
    return inspection.sheet && (inspection.sheets || []).length > 1
      ? { code: "page.file_and_sheet", params: { file: fileName, sheet: inspection.sheet } }
      : fileName;
  }

  /**
   * Say in the status line that `what` (a file name, or a sheet of one) could not be loaded.
   * @param {import("./protocol-types.js").MessageParam} what
   */
  showLoadFailed(what) {
    if (this.data) this.view.showStatus("page.status_load_failed_kept", { what, data: this.describeData() }, "error");
    else this.view.showStatus("page.status_load_failed", { what }, "error");
  }

  /**
   * @param {Inspection} inspection
   * @param {string | null} sampleTarget
   */
  showData(inspection, sampleTarget) {
    const columns = inspection.columns || [];
    this.view.hideRun();
    if (this.results) this.results.clearRun();
    this.view.showInspection(inspection, Boolean(this.data && this.data.encoding));
    if (this.forecast) this.forecast.dataLoaded(inspection);
    let index = sampleTarget ? columns.findIndex((c) => c.name === sampleTarget) : -1;
    if (index < 0) index = Number.isInteger(inspection.defaultTarget) ? inspection.defaultTarget : columns.length - 1;
    this.view.setTargetOptions(columns, index);
    this.chooseTarget(index);
  }

  /** The loaded data's columns (none before a file is loaded). */
  columns() {
    return (this.data && this.data.inspection.columns) || [];
  }

  /**
   * The kind in use for column `index`: the person's choice, else the detected one.
   * @param {number} index
   * @returns {Kind | undefined}
   */
  kindOf(index) {
    const column = this.columns()[index];
    if (!column) return undefined;
    return this.choices.columnTypes.get(column.name) || column.kind;
  }

  /** What the view shows for every column: kind in use, detected kind, used, target. */
  showColumnStates() {
    /** @type {ColumnState[]} */
    const states = this.columns().map((column, index) => {
      const kind = this.kindOf(index);
      const isTarget = index === this.targetIndex;
      return {
        kind,
        detectedKind: column.kind,
        isTarget,
        used: isTarget || (kindUsed(kind) && !this.choices.exclude.has(column.name)),
      };
    });
    this.view.setColumnStates(states);
  }

  /**
   * A new target resets the task to the one suggested for that column; it is always used.
   * @param {number} index
   */
  chooseTarget(index) {
    const column = this.columns()[index];
    this.targetIndex = index;
    if (column) this.choices.exclude.delete(column.name);
    const task = column && this.taskInfo(column.suggestedTask) ? column.suggestedTask : "classification";
    this.view.showTarget(index, task, this.kindOf(index));
    if (this.forecast) this.forecast.targetChosen(index);
    this.showColumnStates();
    this.requestCheck();
    this.refreshStale();
  }

  /** @param {string} task "classification", "regression" or "forecast" */
  chooseTask(task) {
    if (this.forecast && !this.running) this.forecast.taskChosen(task);
    if (this.running) return;
    if (this.taskInfo(task)) {
      this.view.setTask(task);
      this.requestCheck();
    }
    this.refreshStale();
  }

  /**
   * The person changed a column's type; only changes from the detected kind are kept.
   * @param {number} index
   * @param {Kind} kind
   */
  setColumnKind(index, kind) {
    const column = this.columns()[index];
    if (!column || this.running) return;
    if (kind === column.kind) this.choices.columnTypes.delete(column.name);
    else this.choices.columnTypes.set(column.name, kind);
    this.showColumnStates();
    this.requestCheck();
    this.refreshStale();
  }

  /**
   * The person ticked or unticked "Use" for a column (never the target).
   * @param {number} index
   * @param {boolean} used
   */
  setColumnUsed(index, used) {
    const column = this.columns()[index];
    if (!column || this.running) return;
    if (index === this.targetIndex) {
      this.showColumnStates();
      return;
    }
    if (used) this.choices.exclude.delete(column.name);
    else this.choices.exclude.add(column.name);
    this.showColumnStates();
    this.requestCheck();
    this.refreshStale();
  }

  /**
   * The choices a result depends on, as one string: the data loaded, the target, the task,
   * the changed column kinds and the left-out columns (the metric is the task's default).
   * @returns {string}
   */
  choicesKey() {
    const column = this.columns()[this.targetIndex];
    const name = column ? column.name : "";
    return JSON.stringify([
      this.dataSeq,
      name,
      this.view.currentTask(),
      [...this.choices.columnTypes].sort(),
      [...this.choices.exclude].filter((n) => n !== name).sort(),
    ]);
  }

  /** Mark every result panel stale when the choices differ from the ones it was made with. */
  refreshStale() {
    const made = this.resultOf;
    const stale = Boolean(made) && this.choicesKey() !== made.key;
    const info = made ? { target: made.target, task: made.task, newData: made.dataSeq !== this.dataSeq } : null;
    this.view.setStale(stale, info);
    if (this.results) this.results.setStale(stale, info);
  }

  /**
   * The choices part of RunSettings: sheet, encoding, changed kinds and left-out columns.
   * @param {string} targetName
   * @returns {Pick<RunSettings, "sheet" | "encoding" | "columnTypes" | "exclude">}
   */
  choiceSettings(targetName) {
    /** @type {Pick<RunSettings, "sheet" | "encoding" | "columnTypes" | "exclude">} */
    const settings = {};
    const { inspection, encoding } = this.data;
    if (typeof inspection.sheet === "string" && inspection.sheet) settings.sheet = inspection.sheet;
    if (encoding) settings.encoding = encoding;
    settings.columnTypes = Object.fromEntries(this.choices.columnTypes);
    settings.exclude = [...this.choices.exclude].filter((name) => name !== targetName);
    return settings;
  }

  // ---- checking the target -----------------------------------------------------------------

  /** Ask for a target check with the current target, task and choices. */
  requestCheck() {
    const column = this.columns()[this.targetIndex];
    if (!column || (this.forecast && this.forecast.isActive())) {
      this.view.hideTargetCheck();
      return;
    }
    this.checkWanted = true;
    this.view.showTargetChecking(column.name);
    if (!this.checkBusy) this.runChecks();
  }

  /** Runs checks one at a time; only the answer for the latest settings is shown. */
  async runChecks() {
    this.checkBusy = true;
    try {
      while (this.checkWanted && this.data) {
        this.checkWanted = false;
        const data = this.data;
        const column = this.columns()[this.targetIndex];
        if (!column) break;
        try {
          const check = await this.automl.checkTarget(data.bytes, {
            fileName: data.fileName,
            target: column.name,
            task: /** @type {Task} */ (this.view.currentTask()),
            ...this.choiceSettings(column.name),
          });
          if (this.checkWanted || data !== this.data) continue;
          this.view.showTargetCheck(check, column);
        } catch (/** @type {any} */ err) {
          if (err && err.name === "AbortError") {
            // Stop ended the worker with this check queued: ask again on the fresh one.
            this.checkWanted = true;
            continue;
          }
          if (this.checkWanted || data !== this.data) continue;
          this.view.showTargetCheckFailed(column.name);
          this.reportError(err);
        }
      }
    } finally {
      this.checkBusy = false;
    }
  }

  // ---- running -----------------------------------------------------------------------------

  /**
   * Check the typed settings; return RunSettings or throw a message for the person.
   * @param {StartValues} values
   * @returns {RunSettings}
   */
  settingsFrom({ targetIndex, task, timeBudget, seed, metric }) {
    const column = this.columns()[targetIndex];
    if (!column) throw pageError("page.choose_target");
    const info = this.taskInfo(task);
    if (!info) throw pageError("page.choose_task");
    // the metric chosen, when it is not the task's default (which the engine takes by itself)
    const chosen = metric && metric !== info.defaultMetric && info.metrics.includes(/** @type {any} */ (metric))
      ? { metric: /** @type {MetricName} */ (metric) } : {};
    const families = this.families ? this.families.chosen() : null;
    if (families && families.length === 0) throw pageError("families.none_chosen");
    return {
      target: column.name,
      task: /** @type {Task} */ (task),
      ...this.checkBudgetAndSeed({ timeBudget, seed }),
      folds: this.catalogue.defaults.search.folds,
      ...this.choiceSettings(column.name),
      ...(families ? { families } : {}),
      ...chosen,
    };
  }

  /**
   * The typed time budget and seed within the engine's limits, or a thrown message.
   * @param {{ timeBudget: string, seed: string }} values as typed
   * @returns {{ timeBudgetS: number, seed: number }}
   */
  checkBudgetAndSeed({ timeBudget, seed }) {
    const { timeBudgetS, seed: seeds } = this.catalogue.limits;
    const budget = Number(String(timeBudget).trim());
    if (String(timeBudget).trim() === "" || !Number.isFinite(budget) || budget <= timeBudgetS.above || budget > timeBudgetS.max) {
      throw pageError("page.bad_budget", { above: timeBudgetS.above, max: timeBudgetS.max });
    }
    const seedNumber = Number(String(seed).trim());
    if (String(seed).trim() === "" || !Number.isInteger(seedNumber) || seedNumber < seeds.min || seedNumber > seeds.max) {
      throw pageError("page.bad_seed", { min: seeds.min, max: seeds.max });
    }
    return { timeBudgetS: budget, seed: seedNumber };
  }

  /** @param {StartValues} values */
  async start(values) {
    if (this.running || this.loading || !this.data) return;
    if (this.forecast && values.task === FORECAST_TASK) {
      if (this.results) this.results.clearRun();
      await this.forecast.start(values);
      return;
    }
    if (this.forecast) this.forecast.hideResults();
    let settings;
    try {
      settings = this.settingsFrom(values);
    } catch (err) {
      this.view.showError(err);
      return;
    }
    const pace = this.explainer ? this.explainer.pace() : "normal";
    if (pace === "step") {
      // one trial per Next, as many as the person wants: no time budget (the clock stops
      // while they read), so N steps give the leaderboard of a trial budget of N
      settings = { ...settings, timeBudgetS: null, maxTrials: this.catalogue.limits.maxTrials.max };
    }
    const { bytes, fileName } = this.data;
    const seq = ++this.runSeq;
    this.running = true;
    this.liveRows = [];
    this.resultOf = { key: this.choicesKey(), dataSeq: this.dataSeq, target: settings.target, task: settings.task };
    this.refreshStale();
    this.runContext = { bytes, fileName, settings, pace, startedAt: Date.now() };
    this.lastElapsedS = null;
    this.view.hideError();
    this.view.resetRun(settings.metric || this.taskInfo(settings.task).defaultMetric, settings.timeBudgetS);
    if (this.explainer) this.explainer.startRun(pace);
    if (this.results) this.results.startRun(settings);
    this.view.showStatus("page.status_searching", { target: settings.target }, "busy");
    this.updateButtons();
    // Start is disabled now: the keyboard's focus follows the search.
    this.view.focusProgress();
    const abort = new AbortController();
    this.runAbort = abort;
    /** @param {Progress} event */
    const onEvent = (event) => {
      if (seq === this.runSeq) this.progress(event);
    };
    try {
      const result = await this.automl.fit(bytes, {
        ...fitOptions(settings, fileName),
        pace: /** @type {import("../index.js").Pace} */ (pace),
        onProgress: onEvent,
        onTraining: onEvent,
        signal: abort.signal,
      });
      // (a stopped search's result is Stop's: it finishes the run itself)
      if (seq !== this.runSeq || result.stopped) return;
      this.finish(/** @type {CompletedFit} */ (result), settings);
    } catch (/** @type {any} */ err) {
      if (seq !== this.runSeq) return;
      if (err && err.name === "AbortError") {
        this.view.showStatus("page.status_stopped", {}, "stopped");
      } else if (err && err.fatal) {
        // The rows that arrived before the crash stay on the page; the data stays loaded.
        this.view.showStoppedProgress(this.liveRows.length);
        this.reportError(err, this.liveRows.length);
        this.view.showStatus(FATAL_STATUS[err.name] || "page.status_engine_failed", {}, "error");
      } else {
        this.reportError(err);
        this.view.showStatus("page.status_failed", {}, "error");
      }
    } finally {
      if (seq === this.runSeq) {
        this.running = false;
        this.updateButtons();
        if (this.results) this.results.runEnded();
        if (this.explainer) this.explainer.runEnded();
      }
    }
  }

  /** @param {Progress} event */
  progress(event) {
    if (!event) return;
    if (event.kind === "training") {
      // the network being trained, drawn as it trains
      if (this.results) this.results.showTraining(event);
      return;
    }
    if (this.explainer) this.explainer.add(event);
    if (typeof event.elapsedS === "number") this.lastElapsedS = event.elapsedS;
    if (event.kind === "trial" && event.row) {
      const index = insertSorted(this.liveRows, event.row);
      this.view.insertLeaderboardRow(event.row, index, LEADERBOARD_LIMIT, this.liveRows.length);
      this.view.showTrialProgress(event);
      if (this.results) this.results.addTrial(event);
    } else if (event.kind === "phase") {
      // finishing after Stop or a choice, the text under the bar keeps saying how the search
      // ended (the finish's own phases carry its clock, not the search's)
      if (!this.finishing) this.view.showPhase(event.phase, event.elapsedS, event.budgetS);
      // (finishing after Stop or a choice, the status keeps saying what is being finished)
      if (event.phase === "refit" && !this.finishing) this.view.showStatus("page.status_refitting", {}, "busy");
      if (event.phase === "explain" && !this.finishing) this.view.showStatus("page.status_explaining", {}, "busy");
    }
  }

  /**
   * @param {CompletedFit} result
   * @param {RunSettings} settings
   */
  finish(result, settings) {
    const leaderboard = Array.isArray(result.leaderboard) ? result.leaderboard : [];
    this.view.showLeaderboard(leaderboard, result.metric, LEADERBOARD_LIMIT);
    // the leaderboard also lists the ensemble built from the best trials; it is not a trial
    const trials = leaderboard.filter((row) => !(row.params && Array.isArray(row.params.members))).length;
    const ensemble = trials < leaderboard.length;
    const best = (result.best && result.best.row) || null;
    if (result.ending === "stopped") {
      this.view.showProgressText("page.stopped_early_progress", { trials });
      this.view.showBest(result);
      this.view.showStatus("page.stopped_early_status", { trials }, "done");
    } else if (result.ending === "chosen" && best) {
      const model = familyLabel(best);
      this.view.showProgressText("page.chosen_progress", { model, trial: best.trial });
      this.view.showBest(result);
      this.view.showStatus("page.chosen_status", { model, trial: best.trial }, "done");
    } else {
      this.view.showFinished(result.elapsedS, result.budgetS, trials, ensemble);
      this.view.showBest(result);
      this.view.showStatus(ensemble ? "page.status_done_ensemble" : "page.status_done", { count: trials }, "done");
    }
    if (this.results) this.results.showResult(result, settings);
    this.view.focusBest();
  }

  stop() {
    if (!this.running) return;
    // Invalidate the run first so that its rejection (and any late message) is ignored here.
    this.runSeq += 1;
    this.running = false;
    if (this.runAbort) this.runAbort.abort();
    this.runAbort = null;
    // the step controls and the log's "latest" mark end with the search (a Stop in step mode too)
    if (this.explainer) this.explainer.runEnded();
    const rows = this.liveRows;
    if (this.finishing || rows.length === 0 || !this.runContext) {
      this.finishing = false;
      this.view.showStoppedProgress(rows.length);
      this.view.showStatus(rows.length === 0 ? "page.stopped_no_model" : "page.status_stopped", {}, "stopped");
      this.updateButtons();
      if (this.results) this.results.runEnded();
      // The engine starts fresh workers lazily; warm them up so the next Start is quick.
      this.warmUp();
      return;
    }
    // Stop ends the search at once, then finishes the run with what it has: the best trial
    // so far, refitted on all rows and explained, like the end of a search.
    // (step mode's clock stops while the person reads: its search time is the last event's)
    const wallS = (Date.now() - this.runContext.startedAt) / 1000;
    const elapsedS = this.runContext.pace === "step" && this.lastElapsedS !== null ? this.lastElapsedS : wallS;
    this.finishWith(rows, rows[0].trial, "stopped", elapsedS);
  }

  /**
   * Make leaderboard row `trial` the chosen model ("why this model": the simplest model
   * within the spread): refitted on all rows, explained and offered for download.
   * @param {number} trial
   */
  chooseTrial(trial) {
    const result = this.results && this.results.result;
    if (this.running || !result || !this.runContext) return;
    this.finishWith(result.leaderboard, trial, "chosen", Number(result.elapsedS) || 0);
  }

  /**
   * Finish the last run with `trial` of `rows` (the engine's finish: refit, explain, model file).
   * @param {LeaderboardRow[]} rows
   * @param {number} trial
   * @param {"stopped"|"chosen"} ending
   * @param {number} elapsedS
   */
  async finishWith(rows, trial, ending, elapsedS) {
    const { bytes, fileName, settings } = this.runContext;
    const seq = ++this.runSeq;
    this.running = true;
    this.finishing = true;
    this.updateButtons();
    if (ending === "stopped") this.view.showStoppedProgress(rows.length);
    this.view.showStatus(ending === "stopped" ? "page.stopped_finishing" : "page.chosen_finishing", { trial }, "busy");
    const abort = new AbortController();
    this.runAbort = abort;
    try {
      // the engine calls the best row of a stopped search "stopped early", any other "chosen"
      const result = await this.automl.finish(bytes, { stopped: ending === "stopped", leaderboard: rows, elapsedS }, {
        ...fitOptions(settings, fileName),
        trial,
        onProgress: (event) => {
          if (seq === this.runSeq) this.progress(event);
        },
        signal: abort.signal,
      });
      if (seq !== this.runSeq) return;
      this.finish(result, settings);
    } catch (/** @type {any} */ err) {
      if (seq !== this.runSeq) return;
      if (err && err.name === "AbortError") {
        this.view.showStatus("page.status_stopped", {}, "stopped");
      } else {
        this.reportError(err, rows.length);
        this.view.showStatus("page.finish_failed", {}, "error");
      }
    } finally {
      if (seq === this.runSeq) {
        this.running = false;
        this.finishing = false;
        this.updateButtons();
        if (this.results) this.results.runEnded();
      }
    }
  }

  async warmUp() {
    try {
      await this.automl.start();
    } catch {
      // The next request reports any problem.
    }
  }

  updateButtons() {
    this.view.setRunState({ canStart: Boolean(this.data) && !this.loading, running: this.running, loading: this.loading });
    if (this.families) this.families.setDisabled(this.running);
  }
}
