// The view: the only module that touches the DOM. It looks every node up once, renders with
// `textContent` only (column names, cells and messages are user data), exposes `show*`/`set*`
// methods for output and `bind*` methods that hand plain values to the controller.

/** Human names for the metrics the core reports. */
const METRIC_NAMES = Object.freeze({ accuracy: "accuracy", r2: "R²" });

const METRIC_HINTS = Object.freeze({
  accuracy:
    "Accuracy is the share of rows whose category is predicted correctly (1.000 = every row right). Higher is better.",
  r2:
    "R² says how much of the variation in the column the model explains: 1.000 is perfect, 0 is no better than always guessing the average, and it can go below 0. Higher is better.",
});

const KIND_HELP = Object.freeze({
  numeric: "numbers",
  categorical: "categories (text labels)",
  identifier: "an identifier: a different value in almost every row",
  constant: "the same value in every row",
});

const TASK_NAMES = Object.freeze({ classification: "classification", regression: "regression" });

const TASK_HELP = Object.freeze({
  classification: "Classification: predict a category (such as a species, or yes/no).",
  regression: "Regression: predict a number (such as a price or a measurement).",
});

export function metricName(metric) {
  return METRIC_NAMES[metric] || String(metric || "score");
}

export function formatNumber(value, decimals = 3) {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(decimals) : "—";
}

/** "0.953 ± 0.027"; a missing spread is left out, a missing mean shows a dash. */
export function formatScore(mean, std) {
  if (typeof mean !== "number" || !Number.isFinite(mean)) return "—";
  if (typeof std !== "number" || !Number.isFinite(std)) return mean.toFixed(3);
  return `${mean.toFixed(3)} ± ${std.toFixed(3)}`;
}

/** Seconds with one decimal below a minute ("3.2"), whole seconds above. */
export function formatSeconds(seconds) {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return "—";
  if (Number.isInteger(seconds) || seconds >= 60) return String(Math.round(seconds));
  return seconds.toFixed(1);
}

function formatParamValue(value) {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    if (Number.isInteger(value)) return String(value);
    return String(Number(value.toPrecision(4)));
  }
  if (value === null || value === undefined) return "none";
  if (Array.isArray(value)) return value.map(formatParamValue).join("/");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** `{max_depth: 3, criterion: "gini"}` -> "max_depth=3, criterion=gini". */
export function formatParams(params) {
  const entries = params && typeof params === "object" ? Object.entries(params) : [];
  if (entries.length === 0) return "defaults";
  return entries.map(([name, value]) => `${name}=${formatParamValue(value)}`).join(", ");
}

/** Columns shown in the preview table; a wider file shows its first ones and says so. */
const PREVIEW_COLUMNS = 100;
/** Characters of a cell shown in the preview (the full text, up to TITLE_CHARS, on hover). */
const CELL_CHARS = 200;
const TITLE_CHARS = 2000;

/** `text` cut to `max` characters, with an ellipsis when cut. */
function clip(text, max) {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function formatCount(n) {
  return typeof n === "number" && Number.isFinite(n) ? n.toLocaleString("en-US") : "?";
}

function plural(n, one, many) {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The page is missing #${id}.`);
  return node;
}

export class View {
  constructor() {
    this.$status = byId("status");
    this.$engineVersion = byId("engine-version");

    this.$error = byId("error");
    this.$errorMessage = byId("error-message");
    this.$errorExtra = byId("error-extra");
    this.$errorDismiss = byId("error-dismiss");

    this.$dropZone = byId("drop-zone");
    this.$fileInput = byId("file-input");
    this.$sampleSelect = byId("sample-select");
    this.$loadSample = byId("load-sample");

    this.$previewSection = byId("preview-section");
    this.$dataSummary = byId("data-summary");
    this.$dataNotes = byId("data-notes");
    this.$previewTable = byId("preview-table");
    this.$previewHead = this.$previewTable.tHead;
    this.$previewBody = this.$previewTable.tBodies[0];

    this.$setupSection = byId("setup-section");
    this.$targetSelect = byId("target-select");
    this.$targetHint = byId("target-hint");
    this.$taskSelect = byId("task-select");
    this.$taskHint = byId("task-hint");
    this.$budgetInput = byId("budget-input");
    this.$seedInput = byId("seed-input");
    this.$start = byId("start-button");
    this.$stop = byId("stop-button");

    this.$runSection = byId("run-section");
    this.$progress = byId("progress");
    this.$progressText = byId("progress-text");
    this.$metricHint = byId("metric-hint");
    this.$scoreHeader = byId("score-header");
    this.$leaderboardBody = byId("leaderboard-body");
    this.$leaderboardEmpty = byId("leaderboard-empty");
    this.$leaderboardMore = byId("leaderboard-more");

    this.$bestPanel = byId("best-panel");
    this.$bestLabel = byId("best-label");
    this.$bestParams = byId("best-params");
    this.$bestScoreName = byId("best-score-name");
    this.$bestScore = byId("best-score");
    this.$bestData = byId("best-data");
    this.$bestRefit = byId("best-refit");
    this.$bestTotal = byId("best-total");
    this.$bestNotesBox = byId("best-notes-box");
    this.$bestNotes = byId("best-notes");

    this.$updateNotice = byId("update-notice");
    this.$updateReload = byId("update-reload");
    this.$offlineNote = byId("offline-note");

    this.loadingEnabled = true;
    this.columns = [];
    this.suggestedTask = null;

    this.$errorDismiss.addEventListener("click", () => this.hideError());
    this.$taskSelect.addEventListener("change", () => this.renderTaskHint());
    this.onUpdateReload = null;
    this.$updateReload.addEventListener("click", () => {
      this.$updateReload.disabled = true;
      if (this.onUpdateReload) this.onUpdateReload();
    });
  }

  // ---- offline and updates -----------------------------------------------------------------

  /** A new version is installed: offer to reload into it; `onReload()` when the person agrees. */
  showUpdateReady(onReload) {
    this.onUpdateReload = onReload;
    this.$updateReload.disabled = false;
    this.$updateNotice.hidden = false;
  }

  /** Say in the footer that the page now also works without a network. */
  setOfflineReady(ready) {
    this.$offlineNote.hidden = !ready;
  }

  // ---- status and errors -------------------------------------------------------------------

  /** `state`: loading | ready | busy | done | stopped | error (only changes the colour). */
  showStatus(text, state = "busy") {
    this.$status.textContent = text;
    this.$status.dataset.state = state;
  }

  setEngineVersion(version) {
    this.$engineVersion.textContent = version ? `Engine version ${version}.` : "";
  }

  showError(message, extra = "") {
    this.$errorMessage.textContent = message;
    this.$errorExtra.textContent = extra;
    this.$errorExtra.hidden = !extra;
    this.$error.hidden = false;
  }

  hideError() {
    this.$error.hidden = true;
    this.$errorMessage.textContent = "";
    this.$errorExtra.textContent = "";
  }

  // ---- loading data ------------------------------------------------------------------------

  /** `samples`: [{ id, title }]. */
  setSamples(samples) {
    this.$sampleSelect.replaceChildren();
    for (const sample of samples) {
      const option = el("option", "", sample.title || sample.id);
      option.value = sample.id;
      this.$sampleSelect.append(option);
    }
    this.hasSamples = samples.length > 0;
    this.setLoadingEnabled(this.loadingEnabled);
  }

  showSamplesUnavailable() {
    this.$sampleSelect.replaceChildren(el("option", "", "No examples available"));
    this.hasSamples = false;
    this.setLoadingEnabled(this.loadingEnabled);
  }

  /** While a search runs, new data cannot be loaded (the engine is busy). */
  setLoadingEnabled(enabled) {
    this.loadingEnabled = enabled;
    this.$fileInput.disabled = !enabled;
    this.$dropZone.classList.toggle("is-disabled", !enabled);
    this.$sampleSelect.disabled = !enabled || !this.hasSamples;
    this.$loadSample.disabled = !enabled || !this.hasSamples;
  }

  /** `handler(file: File)` for a file picked or dropped. */
  bindFileChosen(handler) {
    this.$fileInput.addEventListener("change", () => {
      const file = this.$fileInput.files && this.$fileInput.files[0];
      // Reset so that picking the same file again fires another change.
      this.$fileInput.value = "";
      if (file) handler(file);
    });

    // A file can be dropped anywhere on the page (never making the browser open it instead);
    // the drop zone lights up while a file is dragged over the window.
    let depth = 0;
    const setOver = (over) => this.$dropZone.classList.toggle("is-dragover", over);
    const hasFiles = (event) =>
      event.dataTransfer && Array.from(event.dataTransfer.types || []).includes("Files");
    window.addEventListener("dragenter", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth += 1;
      setOver(this.loadingEnabled);
    });
    window.addEventListener("dragover", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = this.loadingEnabled ? "copy" : "none";
    });
    window.addEventListener("dragleave", (event) => {
      if (!hasFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    });
    window.addEventListener("drop", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setOver(false);
      if (!this.loadingEnabled) return;
      const file = event.dataTransfer.files && event.dataTransfer.files[0];
      if (file) handler(file);
    });
  }

  /** `handler(sampleId: string)`. */
  bindLoadSample(handler) {
    this.$loadSample.addEventListener("click", () => {
      if (this.$sampleSelect.value) handler(this.$sampleSelect.value);
    });
  }

  // ---- preview and target ------------------------------------------------------------------

  /** Render an Inspection: summary line, and the preview table with kinds and missing counts. */
  showInspection(inspection) {
    const columns = inspection.columns || [];
    const preview = inspection.preview || [];
    this.columns = columns;

    const shown = preview.length;
    const shownColumns = Math.min(columns.length, PREVIEW_COLUMNS);
    const cut = [];
    if (shown && shown < inspection.nRows) cut.push(`first ${shown} rows`);
    if (shownColumns < columns.length) cut.push(`first ${formatCount(shownColumns)} columns`);
    this.$dataSummary.textContent =
      `${inspection.fileName || "Your data"}: ${plural(inspection.nRows, "row", "rows")} × ${plural(inspection.nCols, "column", "columns")}` +
      (cut.length ? ` (${cut.join(" and ")} shown)` : "");

    const notes = Array.isArray(inspection.notes) ? inspection.notes : [];
    this.$dataNotes.replaceChildren(...notes.map((note) => el("li", "", String(note))));
    this.$dataNotes.hidden = notes.length === 0;

    const headRow = el("tr");
    columns.slice(0, shownColumns).forEach((column, index) => {
      const th = el("th");
      th.scope = "col";
      th.dataset.col = String(index);
      const name = String(column.name);
      const nameNode = el("span", "col-name", clip(name, CELL_CHARS));
      if (name.length > CELL_CHARS) nameNode.title = clip(name, TITLE_CHARS);
      th.append(nameNode);
      const meta = el("span", "col-meta");
      const kind = el("span", `kind kind-${column.kind}`, column.kind);
      kind.title = KIND_HELP[column.kind] || "";
      meta.append(kind);
      const missing = el("span", "missing", `${formatCount(column.missing)} missing`);
      missing.classList.toggle("has-missing", column.missing > 0);
      meta.append(missing);
      th.append(meta);
      headRow.append(th);
    });
    this.$previewHead.replaceChildren(headRow);

    const fragment = document.createDocumentFragment();
    for (const cells of preview) {
      const tr = el("tr");
      for (let i = 0; i < shownColumns; i += 1) {
        const value = cells[i] === undefined || cells[i] === null ? "" : String(cells[i]);
        const td = el("td", "", value === "" ? "empty" : clip(value, CELL_CHARS));
        if (value === "") td.classList.add("is-missing");
        else td.title = clip(value, TITLE_CHARS);
        tr.append(td);
      }
      fragment.append(tr);
    }
    this.$previewBody.replaceChildren(fragment);

    this.$previewSection.hidden = false;
    this.$setupSection.hidden = false;
  }

  /** Fill the target list with column names and select `selectedIndex`. */
  setTargetOptions(columns, selectedIndex) {
    const fragment = document.createDocumentFragment();
    columns.forEach((column, index) => {
      const option = el("option", "", clip(String(column.name), CELL_CHARS));
      option.value = String(index);
      fragment.append(option);
    });
    this.$targetSelect.replaceChildren(fragment);
    this.$targetSelect.value = String(selectedIndex);
  }

  /** Show which column is the target, what it looks like, and set the task to `task`. */
  showTarget(index, task) {
    const column = this.columns[index];
    this.$targetSelect.value = String(index);
    for (const th of this.$previewHead.querySelectorAll("th")) {
      th.classList.toggle("is-target", th.dataset.col === String(index));
    }
    this.suggestedTask = task;
    this.$taskSelect.value = task;
    if (!column) {
      this.$targetHint.textContent = "";
    } else {
      let text = `${plural(column.distinct, "different value", "different values")}, ${formatCount(column.missing)} missing.`;
      if (column.kind === "identifier") {
        text += " This looks like an identifier (almost every value is different), which is usually not something to predict.";
      } else if (column.kind === "constant") {
        text += " Every row has the same value, so there is nothing to predict.";
      }
      this.$targetHint.textContent = text;
    }
    this.renderTaskHint();
  }

  renderTaskHint() {
    const task = this.$taskSelect.value;
    const suggested = this.suggestedTask;
    const help = TASK_HELP[task] || "";
    if (!suggested) {
      this.$taskHint.textContent = help;
    } else if (task === suggested) {
      this.$taskHint.textContent = `${help} Suggested from the values in the column.`;
    } else {
      this.$taskHint.textContent = `${help} Changed by you (the suggestion was ${TASK_NAMES[suggested] || suggested}).`;
    }
  }

  /** `handler(index: number)` when the person picks another target column. */
  bindTargetChange(handler) {
    this.$targetSelect.addEventListener("change", () => handler(Number(this.$targetSelect.value)));
  }

  setSettingsDefaults({ timeBudgetS, seed }) {
    this.$budgetInput.value = String(timeBudgetS);
    this.$seedInput.value = String(seed);
  }

  // ---- running -----------------------------------------------------------------------------

  /** `handler({ targetIndex, task, timeBudget, seed })`, raw values as typed. */
  bindStart(handler) {
    this.$start.addEventListener("click", () =>
      handler({
        targetIndex: Number(this.$targetSelect.value),
        task: this.$taskSelect.value,
        timeBudget: this.$budgetInput.value,
        seed: this.$seedInput.value,
      }),
    );
  }

  bindStop(handler) {
    this.$stop.addEventListener("click", () => handler());
  }

  /** Start/Stop and the settings follow the run state. */
  setRunState({ canStart, running }) {
    this.$start.disabled = !canStart || running;
    this.$stop.disabled = !running;
    for (const input of [this.$targetSelect, this.$taskSelect, this.$budgetInput, this.$seedInput]) {
      input.disabled = running;
    }
    this.setLoadingEnabled(!running);
  }

  /** Empty the run area for a new search scored with `metric`. */
  resetRun(metric, budgetS) {
    this.$runSection.hidden = false;
    this.$leaderboardBody.replaceChildren();
    this.$leaderboardEmpty.hidden = false;
    this.$leaderboardEmpty.textContent = "No models finished yet.";
    this.$leaderboardMore.hidden = true;
    this.setMetric(metric);
    this.hideBest();
    this.showProgress(0, budgetS, "Starting the search…");
  }

  /** Hide everything about the previous run (new data was loaded). */
  hideRun() {
    this.$runSection.hidden = true;
    this.$leaderboardBody.replaceChildren();
    this.hideBest();
  }

  setMetric(metric) {
    this.$scoreHeader.textContent = `Score: ${metricName(metric)} (mean ± std)`;
    this.$scoreHeader.dataset.metric = metric;
    this.$metricHint.textContent =
      "Each model is scored by cross-validation: trained on most of the rows and tested on the rows it did not see, several times over. " +
      (METRIC_HINTS[metric] || "");
  }

  showProgress(elapsedS, budgetS, text) {
    const max = typeof budgetS === "number" && budgetS > 0 ? budgetS : 1;
    const value = typeof elapsedS === "number" && Number.isFinite(elapsedS) ? elapsedS : 0;
    this.$progress.max = max;
    this.$progress.value = Math.min(Math.max(value, 0), max);
    this.$progressText.textContent = text;
  }

  /** A trial finished: "Trials: n · best so far: x · 3.2 s of 10 s". */
  showTrialProgress({ trialsDone, bestSoFar, elapsedS, budgetS }) {
    this.showProgress(
      elapsedS,
      budgetS,
      `Trials: ${formatCount(trialsDone)} · best so far: ${formatNumber(bestSoFar)} · ${formatSeconds(elapsedS)} s of ${formatSeconds(budgetS)} s`,
    );
  }

  showPhase(phase, elapsedS, budgetS) {
    const text =
      phase === "refit"
        ? "Refitting the best model on all rows…"
        : `Searching… ${formatSeconds(elapsedS)} s of ${formatSeconds(budgetS)} s`;
    this.showProgress(phase === "refit" ? budgetS : elapsedS, budgetS, text);
  }

  showFinished(elapsedS, budgetS, trials) {
    this.showProgress(budgetS, budgetS, `Done: ${plural(trials, "model", "models")} tried in ${formatSeconds(elapsedS)} s.`);
  }

  /** Keep whatever the bar shows and say the search was stopped. */
  showStoppedProgress(trials) {
    this.$progressText.textContent = `Stopped after ${plural(trials, "model", "models")}.`;
  }

  leaderboardRowNode(row, rank) {
    const tr = el("tr");
    const failed = typeof row.mean !== "number" || !Number.isFinite(row.mean);
    tr.classList.toggle("is-failed", failed);
    if (row.trial !== undefined) tr.dataset.trial = String(row.trial);
    tr.append(el("td", "num rank", String(rank)));
    const model = el("td", "model");
    model.append(el("span", "model-label", row.label || row.family || "model"));
    tr.append(model);
    tr.append(el("td", "params", formatParams(row.params)));
    const score = el("td", "num score", formatScore(row.mean, row.std));
    if (!failed) score.dataset.mean = String(row.mean);
    tr.append(score);
    tr.append(el("td", "num fit-time", formatNumber(row.fitTimeS)));
    return tr;
  }

  markBest() {
    const first = this.$leaderboardBody.rows[0];
    for (const tr of this.$leaderboardBody.querySelectorAll("tr.is-best")) {
      if (tr === first) continue;
      tr.classList.remove("is-best");
      const badge = tr.querySelector(".badge");
      if (badge) badge.remove();
    }
    if (first && !first.classList.contains("is-best") && !first.classList.contains("is-failed")) {
      first.classList.add("is-best");
      first.querySelector("td.model").append(el("span", "badge", "best"));
    }
  }

  /** Say how many rows of `total` are not in the table (only the best `shown` are). */
  showLeaderboardMore(shown, total) {
    const hiddenRows = total - shown;
    this.$leaderboardMore.hidden = hiddenRows <= 0;
    this.$leaderboardMore.textContent =
      hiddenRows > 0 ? `Showing the best ${formatCount(shown)} of ${plural(total, "model", "models")}.` : "";
  }

  /**
   * Insert a live row at position `index` (0 = best), renumber the rows after it, and keep at
   * most `limit` rows in the table. `total` is how many rows exist in all.
   */
  insertLeaderboardRow(row, index, limit, total) {
    const rows = this.$leaderboardBody.rows;
    if (index < limit) {
      const node = this.leaderboardRowNode(row, index + 1);
      if (index >= rows.length) this.$leaderboardBody.append(node);
      else this.$leaderboardBody.insertBefore(node, rows[index]);
      while (rows.length > limit) rows[rows.length - 1].remove();
      for (let i = index + 1; i < rows.length; i += 1) {
        rows[i].cells[0].textContent = String(i + 1);
      }
      if (index === 0) this.markBest();
    }
    this.$leaderboardEmpty.hidden = rows.length > 0;
    this.showLeaderboardMore(rows.length, total);
  }

  /** Replace the table with the final leaderboard (already best first), at most `limit` rows. */
  showLeaderboard(allRows, metric, limit) {
    this.setMetric(metric);
    const rows = allRows.slice(0, limit);
    const fragment = document.createDocumentFragment();
    rows.forEach((row, index) => {
      const rank = typeof row.rank === "number" ? row.rank : index + 1;
      fragment.append(this.leaderboardRowNode(row, rank));
    });
    this.$leaderboardBody.replaceChildren(fragment);
    this.$leaderboardEmpty.hidden = rows.length > 0;
    this.$leaderboardEmpty.textContent = "No model could be trained on this data.";
    this.showLeaderboardMore(rows.length, allRows.length);
    this.markBest();
  }

  leaderboardSize() {
    return this.$leaderboardBody.rows.length;
  }

  /** The "Best model" panel for a SearchResult. */
  showBest(result) {
    const best = result.best || {};
    const row = best.row || {};
    const metric = row.metric || result.metric;
    this.$bestLabel.textContent = row.label || row.family || "—";
    this.$bestParams.textContent = formatParams(row.params);
    const nFolds = Number.isInteger(result.folds) && result.folds > 0
      ? result.folds
      : Array.isArray(row.foldScores) ? row.foldScores.length : 0;
    const folds = nFolds ? ` over ${nFolds} folds` : "";
    this.$bestScoreName.textContent = `Cross-validated ${metricName(metric)} (mean ± std${folds})`;
    this.$bestScore.textContent = formatScore(row.mean, row.std);
    this.$bestScore.dataset.metric = metric || "";
    this.$bestData.textContent = `${plural(result.nRows, "row", "rows")}, ${plural(result.nFeatures, "input column", "input columns")} · ${TASK_NAMES[result.task] || result.task || ""}`;
    this.$bestRefit.textContent = `${formatNumber(best.refitTimeS)} s`;
    this.$bestTotal.textContent = `${formatSeconds(result.elapsedS)} s (budget ${formatSeconds(result.budgetS)} s)`;

    const notes = Array.isArray(result.notes) ? result.notes : [];
    this.$bestNotes.replaceChildren(...notes.map((note) => el("li", "", String(note))));
    this.$bestNotesBox.hidden = notes.length === 0;
    this.$bestPanel.hidden = false;
  }

  hideBest() {
    this.$bestPanel.hidden = true;
  }
}
