// The controller: keeps the loaded data and the run state, turns view events into bridge
// requests and bridge replies into view updates. It never touches the DOM itself.
import { ERROR_NAMES, WorkerBridge } from "./protocol.js";
import { workerScriptURL } from "./trusted-types.js";
import { View, formatBytes, kindUsed } from "./view.js";
import { Results } from "./results.js";
import { FORECAST_TASK, ForecastPanel } from "./forecast.js";

/** Rows kept in the leaderboard table; long runs can finish many thousands of trials. */
const LEADERBOARD_LIMIT = 500;
/** What a fatal error did to the run, for the status line. */
const FATAL_STATUS = Object.freeze({
  [ERROR_NAMES.OUT_OF_MEMORY]: "The search stopped: out of memory",
  [ERROR_NAMES.ENGINE_CRASHED]: "The search stopped: the engine crashed",
});

/**
 * A score that can be compared, larger is better: the row's mean, negated when its metric is
 * better lower (`higherIsBetter`, from the engine); failed trials (no mean) sort last.
 */
function sortKey(row) {
  if (typeof row.mean !== "number" || !Number.isFinite(row.mean)) return -Infinity;
  return row.higherIsBetter === false ? -row.mean : row.mean;
}

/** Insert `row` into `rows` (best first) after any equal score; return its index. */
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

/** The message for a file over the size limit, before reading it. */
export function tooLargeMessage(fileName, size, limit) {
  const limitText = formatBytes(limit);
  let sizeText = formatBytes(size);
  if (sizeText === limitText) sizeText = `just over ${limitText}`;
  return `“${fileName}” is ${sizeText}; this page can hold files up to ${limitText}. ` +
    "Use a sample of the rows (or fewer columns): save it as a smaller file and load that.";
}

function messageOf(err) {
  if (err && typeof err.message === "string" && err.message) return err.message;
  return String(err);
}

export class Controller {
  constructor(view, bridge, results = null) {
    this.view = view;
    this.bridge = bridge;
    /** The results views (results.js): search curve, diagnostics, model, predictions, report. */
    this.results = results;
    /** The forecasting task (forecast.js): its settings and results on the page. */
    this.forecast = typeof document !== "undefined" && document.getElementById("forecast-section") ? new ForecastPanel(this) : null;
    this.samples = [];
    /** The loaded data: { bytes: ArrayBuffer, fileName, inspection } or null. */
    this.data = null;
    /** The person's column choices for the loaded data (reset for every new file or sheet). */
    this.choices = { columnTypes: new Map(), exclude: new Set() };
    this.targetIndex = -1;
    /** Target checks: one at a time; a change while one runs asks for one more after it. */
    this.checkWanted = false;
    this.checkBusy = false;
    this.loadSeq = 0;
    this.runSeq = 0;
    this.running = false;
    this.loading = false;
    this.liveRows = [];
    this.engineVersion = null;
    /** The engine's catalogue (protocol.js Catalogue): defaults, limits, names; read at start-up. */
    this.catalogue = null;
    /** TEST-ONLY FAULT INJECTION: extra RunSettings for the next run only (see injectFault). */
    this.nextRunFault = null;
  }

  init() {
    const { view, bridge } = this;
    view.bindFileChosen((file) => this.loadFile(file));
    view.bindLoadSample((id) => this.loadSample(id));
    view.bindSheetChange((sheet) => this.chooseSheet(sheet));
    view.bindColumnKindChange((index, kind) => this.setColumnKind(index, kind));
    view.bindColumnUseChange((index, used) => this.setColumnUsed(index, used));
    view.bindTargetChange((index) => this.chooseTarget(index));
    view.bindTaskChange((task) => this.chooseTask(task));
    view.bindStart((values) => this.start(values));
    view.bindStop(() => this.stop());
    bridge.onWorkerLost = (error) => this.workerLost(error);
    this.updateButtons();
    this.loadSampleList();
    this.startEngine("Loading engine…");
  }

  // ---- engine ------------------------------------------------------------------------------

  /** Start (or restart) the worker; `text` is the status to show meanwhile, or null for none. */
  async startEngine(text) {
    if (text) this.view.showStatus(text, "loading");
    try {
      const ready = await this.bridge.start();
      this.engineVersion = ready && ready.version;
      this.view.setEngineVersion(this.engineVersion);
      await this.readCatalogue();
      if (text && !this.running && !this.loading) {
        this.view.showStatus(`Engine ready (version ${this.engineVersion})`, "ready");
      }
    } catch (err) {
      // A worker that dies while starting is reported through onWorkerLost; a cancel
      // (Stop during start-up) is not an error.
      if (err && err.name === "Cancelled") return;
      if (!(err && err.fatal)) this.reportError(err);
    }
  }

  /**
   * The engine's catalogue, asked once: the settings' defaults and limits, the column kinds,
   * tasks and metrics the page shows (it keeps no copy of its own).
   */
  async readCatalogue() {
    if (this.catalogue) return this.catalogue;
    const catalogue = await this.bridge.describe();
    if (!this.catalogue) {
      this.catalogue = catalogue;
      this.view.setCatalogue(catalogue);
      this.view.setSettingsDefaults(catalogue.defaults.search);
      this.view.setFileLimit(catalogue.limits.fileBytes);
    }
    return this.catalogue;
  }

  /** The engine's description of `task` ("classification" or "regression"), if it is one. */
  taskInfo(task) {
    return ((this.catalogue && this.catalogue.tasks) || []).find((t) => t.name === task);
  }

  workerLost(error) {
    this.reportError(error);
    if (error && (error.name === ERROR_NAMES.ENGINE_CRASHED || error.name === ERROR_NAMES.OUT_OF_MEMORY)) {
      // The module loaded fine before the trap, so a fresh worker will too: warm it up now.
      // A run that crashed keeps its status line (what happened to the run) while it does.
      const text = this.running ? null : "Restarting engine…";
      setTimeout(() => this.startEngine(text), 0);
    } else {
      this.view.showStatus("The engine stopped working", "error");
    }
  }

  /** Show `err`; `rowsKept` is how many leaderboard rows a failed run leaves on the page. */
  reportError(err, rowsKept = 0) {
    let extra = "";
    if (err && err.fatal) {
      const kept = this.data ? ` Your data (${this.data.fileName}) is still loaded.` : "";
      const rows = rowsKept > 0
        ? ` The ${rowsKept === 1 ? "model" : `${rowsKept} models`} tried before it happened ${rowsKept === 1 ? "is" : "are"} kept below; press Start to search again.`
        : "";
      extra = err.name === ERROR_NAMES.ENGINE_CRASHED || err.name === ERROR_NAMES.OUT_OF_MEMORY
        ? `The engine was restarted.${kept}${rows}`
        : `The engine was reset and starts again on your next try.${kept}${rows}`;
    }
    this.view.showError(messageOf(err), extra);
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

  async loadSample(id) {
    const sample = this.samples.find((s) => s.id === id);
    if (!sample) return;
    await this.loadFrom(sample.file, async () => {
      const response = await fetch(`samples/${encodeURIComponent(sample.file)}`);
      if (!response.ok) throw new Error(`Could not download the example "${sample.title || sample.id}" (HTTP ${response.status}).`);
      return response.arrayBuffer();
    }, sample.target);
  }

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
      this.view.showError(tooLargeMessage(file.name, file.size, limit));
      this.view.showStatus(
        this.data ? `Could not load ${file.name}; still using ${this.describeData()}` : `Could not load ${file.name}`,
        "error",
      );
      return undefined;
    }
    return this.loadFrom(file.name, () => file.arrayBuffer(), null);
  }

  /** Read the other sheet of the loaded workbook; its columns replace the current ones. */
  chooseSheet(sheet) {
    if (!this.data || this.running || !sheet || sheet === this.data.inspection.sheet) return undefined;
    const { bytes } = this.data;
    return this.loadFrom(this.data.fileName, async () => bytes, null, { sheet });
  }

  /**
   * Read the bytes, keep them, and ask the engine to describe them. `options.sheet` picks a
   * sheet of a workbook (by default the engine reads the first).
   */
  async loadFrom(fileName, readBytes, sampleTarget, options = {}) {
    if (this.running) return;
    const seq = ++this.loadSeq;
    this.loading = true;
    this.view.hideError();
    this.view.showStatus(options.sheet ? `Reading sheet “${options.sheet}” of ${fileName}…` : `Reading ${fileName}…`, "busy");
    this.view.showLoadProgress(fileName, null);
    this.updateButtons();
    try {
      const bytes = await readBytes();
      const { limits } = await this.readCatalogue();
      if (seq !== this.loadSeq) return;
      if (bytes.byteLength > limits.fileBytes) throw new Error(tooLargeMessage(fileName, bytes.byteLength, limits.fileBytes));
      const inspection = await this.bridge.inspect(bytes.slice(0), fileName, options, (event) => {
        if (seq === this.loadSeq && event && event.kind === "parse") {
          this.view.showLoadProgress(fileName, event.fraction);
        }
      });
      if (seq !== this.loadSeq) return;
      this.data = { bytes, fileName, inspection };
      this.choices = { columnTypes: new Map(), exclude: new Set() };
      this.showData(inspection, sampleTarget);
      this.view.showStatus(inspection.sheet && (inspection.sheets || []).length > 1
        ? `Loaded ${fileName} (sheet “${inspection.sheet}”)`
        : `Loaded ${fileName}`, "ready");
    } catch (err) {
      if (seq !== this.loadSeq) return;
      this.reportError(err);
      if (this.data) this.view.selectSheet(this.data.inspection.sheet);
      const what = options.sheet ? `sheet “${options.sheet}” of ${fileName}` : fileName;
      this.view.showStatus(
        this.data ? `Could not load ${what}; still using ${this.describeData()}` : `Could not load ${what}`,
        "error",
      );
    } finally {
      if (seq === this.loadSeq) {
        this.loading = false;
        this.view.hideLoadProgress();
        this.updateButtons();
      }
    }
  }

  describeData() {
    const { fileName, inspection } = this.data;
    return inspection.sheet && (inspection.sheets || []).length > 1 ? `${fileName} (sheet “${inspection.sheet}”)` : fileName;
  }

  showData(inspection, sampleTarget) {
    const columns = inspection.columns || [];
    this.view.hideRun();
    if (this.results) this.results.clearRun();
    this.view.showInspection(inspection);
    if (this.forecast) this.forecast.dataLoaded(inspection);
    let index = sampleTarget ? columns.findIndex((c) => c.name === sampleTarget) : -1;
    if (index < 0) index = Number.isInteger(inspection.defaultTarget) ? inspection.defaultTarget : columns.length - 1;
    this.view.setTargetOptions(columns, index);
    this.chooseTarget(index);
  }

  columns() {
    return (this.data && this.data.inspection.columns) || [];
  }

  /** The kind in use for column `index`: the person's choice, else the detected one. */
  kindOf(index) {
    const column = this.columns()[index];
    if (!column) return undefined;
    return this.choices.columnTypes.get(column.name) || column.kind;
  }

  /** What the view shows for every column: kind in use, detected kind, used, target. */
  showColumnStates() {
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

  /** A new target resets the task to the one suggested for that column; it is always used. */
  chooseTarget(index) {
    const column = this.columns()[index];
    this.targetIndex = index;
    if (column) this.choices.exclude.delete(column.name);
    const task = column && this.taskInfo(column.suggestedTask) ? column.suggestedTask : "classification";
    this.view.showTarget(index, task, this.kindOf(index));
    if (this.forecast) this.forecast.targetChosen(index);
    this.showColumnStates();
    this.requestCheck();
  }

  chooseTask(task) {
    if (this.forecast && !this.running) this.forecast.taskChosen(task);
    if (!this.taskInfo(task) || this.running) return;
    this.view.setTask(task);
    this.requestCheck();
  }

  /** The person changed a column's type; only changes from the detected kind are kept. */
  setColumnKind(index, kind) {
    const column = this.columns()[index];
    if (!column || this.running) return;
    if (kind === column.kind) this.choices.columnTypes.delete(column.name);
    else this.choices.columnTypes.set(column.name, kind);
    this.showColumnStates();
    this.requestCheck();
  }

  /** The person ticked or unticked "Use" for a column (never the target). */
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
  }

  /** The choices part of RunSettings: sheet, changed kinds and left-out columns. */
  choiceSettings(targetName) {
    const settings = {};
    const { inspection } = this.data;
    if (typeof inspection.sheet === "string" && inspection.sheet) settings.sheet = inspection.sheet;
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
        // the catalogue came before the data (loadFrom waits for it)
        const defaults = this.catalogue.defaults.search;
        const settings = {
          target: column.name,
          task: this.view.currentTask(),
          timeBudgetS: defaults.timeBudgetS,
          seed: defaults.seed,
          folds: defaults.folds,
          ...this.choiceSettings(column.name),
        };
        try {
          const check = await this.bridge.checkTarget(data.bytes.slice(0), data.fileName, settings);
          if (this.checkWanted || data !== this.data) continue;
          this.view.showTargetCheck(check, column);
        } catch (err) {
          if (err && err.name === "Cancelled") {
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

  /** Check the typed settings; return RunSettings or throw a message for the person. */
  settingsFrom({ targetIndex, task, timeBudget, seed }) {
    const column = this.columns()[targetIndex];
    if (!column) throw new Error("Choose the column to predict first.");
    if (!this.taskInfo(task)) throw new Error("Choose classification or regression.");
    return {
      target: column.name,
      task,
      ...this.checkBudgetAndSeed({ timeBudget, seed }),
      folds: this.catalogue.defaults.search.folds,
      ...this.choiceSettings(column.name),
    };
  }

  /** The typed time budget and seed within the engine's limits, or a thrown message. */
  checkBudgetAndSeed({ timeBudget, seed }) {
    const { timeBudgetS, seed: seeds } = this.catalogue.limits;
    const budget = Number(String(timeBudget).trim());
    if (String(timeBudget).trim() === "" || !Number.isFinite(budget) || budget <= timeBudgetS.above || budget > timeBudgetS.max) {
      throw new Error(`The time to search must be a number of seconds above ${timeBudgetS.above} and at most ${timeBudgetS.max}.`);
    }
    const seedNumber = Number(String(seed).trim());
    if (String(seed).trim() === "" || !Number.isInteger(seedNumber) || seedNumber < seeds.min || seedNumber > seeds.max) {
      throw new Error(`The random seed must be a whole number from ${seeds.min} to ${seeds.max}.`);
    }
    return { timeBudgetS: budget, seed: seedNumber };
  }

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
      this.view.showError(messageOf(err));
      return;
    }
    if (this.nextRunFault) {
      settings = { ...settings, ...this.nextRunFault };
      this.nextRunFault = null;
    }
    const { bytes, fileName } = this.data;
    const seq = ++this.runSeq;
    this.running = true;
    this.liveRows = [];
    this.view.hideError();
    this.view.resetRun(settings.metric || this.taskInfo(settings.task).defaultMetric, settings.timeBudgetS);
    if (this.results) this.results.startRun(settings);
    this.view.showStatus(`Searching for the best model to predict “${settings.target}”…`, "busy");
    this.updateButtons();
    try {
      const result = await this.bridge.run(bytes.slice(0), fileName, settings, (event) => {
        if (seq === this.runSeq) this.progress(event);
      });
      if (seq !== this.runSeq) return;
      this.finish(result, settings);
    } catch (err) {
      if (seq !== this.runSeq) return;
      if (err && err.name === "Cancelled") {
        this.view.showStatus("Stopped", "stopped");
      } else if (err && err.fatal) {
        // The rows that arrived before the crash stay on the page; the data stays loaded.
        this.view.showStoppedProgress(this.liveRows.length);
        this.reportError(err, this.liveRows.length);
        this.view.showStatus(FATAL_STATUS[err.name] || "The search stopped: the engine failed", "error");
      } else {
        this.reportError(err);
        this.view.showStatus("The search failed", "error");
      }
    } finally {
      if (seq === this.runSeq) {
        this.running = false;
        this.updateButtons();
        if (this.results) this.results.runEnded();
      }
    }
  }

  progress(event) {
    if (!event) return;
    if (event.kind === "trial" && event.row) {
      const index = insertSorted(this.liveRows, event.row);
      this.view.insertLeaderboardRow(event.row, index, LEADERBOARD_LIMIT, this.liveRows.length);
      this.view.showTrialProgress(event);
      if (this.results) this.results.addTrial(event);
    } else if (event.kind === "phase") {
      this.view.showPhase(event.phase, event.elapsedS, event.budgetS);
      if (event.phase === "refit") this.view.showStatus("Refitting the best model on all rows…", "busy");
      if (event.phase === "explain") this.view.showStatus("Explaining the best model…", "busy");
    }
  }

  finish(result, settings) {
    const leaderboard = Array.isArray(result.leaderboard) ? result.leaderboard : [];
    this.view.showLeaderboard(leaderboard, result.metric, LEADERBOARD_LIMIT);
    // the leaderboard also lists the ensemble built from the best trials; it is not a trial
    const trials = leaderboard.filter((row) => !(row.params && Array.isArray(row.params.members))).length;
    const ensemble = trials < leaderboard.length ? ", plus an ensemble of the best" : "";
    this.view.showFinished(result.elapsedS, result.budgetS, trials, ensemble);
    this.view.showBest(result);
    this.view.showStatus(`Done: ${trials} models tried${ensemble}`, "done");
    if (this.results) this.results.showResult(result, settings);
  }

  stop() {
    if (!this.running) return;
    // Invalidate the run first so that its rejection (and any late message) is ignored here.
    this.runSeq += 1;
    this.running = false;
    this.bridge.cancel("Stopped by you.");
    this.view.showStoppedProgress(this.liveRows.length);
    this.view.showStatus("Stopped", "stopped");
    this.updateButtons();
    if (this.results) this.results.runEnded();
    // The bridge starts a fresh worker lazily; warm it up so the next Start is quick.
    this.warmUp();
  }

  async warmUp() {
    try {
      await this.bridge.start();
    } catch {
      // The next request reports any problem.
    }
  }

  updateButtons() {
    this.view.setRunState({ canStart: Boolean(this.data) && !this.loading, running: this.running, loading: this.loading });
  }

  /** TEST-ONLY FAULT INJECTION: `fault` ({ faultAfterTrials, faultKind }) joins the next run's settings. */
  injectFault(fault) {
    this.nextRunFault = { ...fault };
  }
}

// ---- offline: the service worker -----------------------------------------------------------

/**
 * Registers `sw.js`, which keeps every file of the page in a cache named after the build so
 * the page works offline. A new build installs in the background; the page then offers a
 * reload (it never reloads by itself: that would drop the loaded data).
 */
async function registerServiceWorker(view) {
  if (!("serviceWorker" in navigator)) return;
  const container = navigator.serviceWorker;
  let registration;
  try {
    registration = await container.register(workerScriptURL("sw.js"), { updateViaCache: "none" });
  } catch {
    // Not available here (a file:// URL, a private window, a browser setting): the page
    // still works online, it only cannot start offline.
    return;
  }
  let reloadWanted = false;
  const offer = (waiting) => {
    view.showUpdateReady(() => {
      reloadWanted = true;
      waiting.postMessage({ type: "activate-update" });
    });
  };
  container.addEventListener("controllerchange", () => {
    if (reloadWanted) window.location.reload();
  });
  if (registration.waiting && container.controller) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const installing = registration.installing;
    if (!installing) return;
    installing.addEventListener("statechange", () => {
      // Installed while an older version controls this page: a new build is ready.
      if (installing.state === "installed" && container.controller) offer(installing);
    });
  });
  // Look for a new build on every visit (offline, the check fails quietly).
  registration.update().catch(() => {});
  await container.ready;
  view.setOfflineReady(true);
}

const view = new View();
const bridge = new WorkerBridge();
let controller = null;
const results = new Results(bridge, {
  showError: (message) => view.showError(message),
  context: () => (controller && controller.data ? { inspection: controller.data.inspection, fileName: controller.data.fileName } : null),
  engineVersion: () => controller && controller.engineVersion,
});
controller = new Controller(view, bridge, results);
controller.init();
window.addEventListener("load", () => registerServiceWorker(view));

// TEST-ONLY FAULT INJECTION for the browser tests: the bridge (bridge.panic()) and faults
// injected into the next run (injectFault({ faultAfterTrials: 2, faultKind: "panic" | "oom" })).
// Also for the tests: `runSettings` joins the next run's settings the same way (such as
// { timeBudgetS: null, maxTrials: 12 }, a deterministic trial budget), and the results views.
window.__automl = {
  bridge,
  results,
  injectFault: (fault) => controller.injectFault(fault),
  runSettings: (extra) => controller.injectFault(extra),
};
