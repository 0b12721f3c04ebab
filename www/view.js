// @ts-nocheck
// The view: the only module that touches the DOM. It looks every node up once, renders with
// `textContent` only (column names, cells and messages are user data), exposes `show*`/`set*`
// methods for output and `bind*` methods that hand plain values to the controller.
import { describeError, renderNote, t } from "./i18n.js";

/**
 * The engine's catalogue (protocol.js `Catalogue`: kinds, tasks, metrics with their names and
 * direction), set once at start-up by setCatalogue(); the page keeps no copy of its own.
 */
let catalogue = { kinds: [], tasks: [], metrics: [] };

/** Keep the engine's catalogue for the lookups below. */
export function setCatalogue(value) {
  catalogue = value;
}

const kindInfo = (name) => catalogue.kinds.find((k) => k.name === name);
const taskInfo = (name) => catalogue.tasks.find((t) => t.name === name);
const metricInfo = (name) => catalogue.metrics.find((m) => m.name === name);

/** Whether the models use columns of this kind (the engine says). */
export function kindUsed(kind) {
  return Boolean(kindInfo(kind) && kindInfo(kind).used);
}

/** What the type menu says for a kind: "number (numeric)", or "text — not used". */
function kindOption(kind) {
  const k = kindInfo(kind);
  if (!k) return kind;
  return k.used ? `${k.label} (${k.name})` : `${k.label} — not used`;
}

/** A kind's short plain name, for sentences. */
function kindWord(kind) {
  return (kindInfo(kind) || {}).label || kind;
}

/** What columns of a kind hold. */
function kindHelp(kind) {
  return (kindInfo(kind) || {}).description || "";
}

/** The metric's name for people ("R²"). */
export function metricName(metric) {
  return (metricInfo(metric) || {}).label || String(metric || "score");
}

/** Whether a larger value of the metric is better (unknown metrics: yes). */
export function higherIsBetter(metric) {
  const m = metricInfo(metric);
  return m ? m.higherIsBetter !== false : true;
}

/** What the metric measures and which way is better. */
function metricHint(metric) {
  const m = metricInfo(metric);
  if (!m) return "";
  return `${m.description} ${m.higherIsBetter ? "Higher" : "Lower"} is better.`;
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
  // an ensemble lists its members: "Gradient boosting (trial 81) × 0.86, ..."
  if (Array.isArray(params.members)) {
    return params.members.map((m) => `${m.model} (trial ${m.trial}) × ${m.weight}`).join(", ");
  }
  return entries.map(([name, value]) => `${name}=${formatParamValue(value)}`).join(", ");
}

/** Columns shown in the preview table; a wider file shows its first ones and says so. */
const PREVIEW_COLUMNS = 100;
/**
 * Rows of the column profile drawn at first, and added by each "Show more": a wide file
 * (thousands of columns) gets its other rows on request or through the search box, so the page
 * does work in proportion to what it shows. Every column stays reachable by name.
 */
export const PROFILE_ROWS = 100;
/** Characters of a cell shown in the preview (the full text, up to TITLE_CHARS, on hover). */
const CELL_CHARS = 200;
const TITLE_CHARS = 2000;

/** `text` cut to `max` characters, with an ellipsis when cut. */
function clip(text, max) {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** One formatter for every count: `toLocaleString` builds a new one on each call, which adds up. */
const COUNT_FORMAT = new Intl.NumberFormat("en-US");

function formatCount(n) {
  return typeof n === "number" && Number.isFinite(n) ? COUNT_FORMAT.format(n) : "?";
}

function plural(n, one, many) {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "240 MB", "3.4 MB", "812 KB" (1 MB = 1024 × 1024 bytes, as the limit is counted). */
export function formatBytes(bytes) {
  if (typeof bytes !== "number" || !Number.isFinite(bytes) || bytes < 0) return "?";
  const KB = 1024;
  const MB = KB * 1024;
  const GB = MB * 1024;
  if (bytes < KB) return `${bytes} bytes`;
  if (bytes < MB) return `${Math.round(bytes / KB)} KB`;
  if (bytes < GB) {
    const mb = bytes / MB;
    return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
  }
  return `${(bytes / GB).toFixed(1)} GB`;
}

/** A share 0..1 as a percentage: "20%", "0.2%", "<0.1%", "0%". */
export function formatShare(share) {
  if (typeof share !== "number" || !Number.isFinite(share)) return "—";
  const pct = share * 100;
  if (pct === 0) return "0%";
  if (pct < 0.1) return "<0.1%";
  if (pct < 10) return `${Number(pct.toFixed(1))}%`;
  if (pct > 99 && pct < 100) return ">99%";
  return `${Math.round(pct)}%`;
}

const SVG_NS = "http://www.w3.org/2000/svg";

function svgEl(tag, attributes = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

/** Whether a histogram's bars are ranges ("1 – 7.5") rather than single values. */
function isRangeHistogram(kind, bars) {
  return (kind === "numeric" || kind === "datetime") && bars.length > 0 &&
    bars.every((bar) => String(bar.label).split(" – ").length === 2);
}

/** One line under a histogram: the range of values, or the most common one. */
function histogramCaption(kind, bars) {
  if (bars.length === 0) return "";
  if (isRangeHistogram(kind, bars)) {
    const from = String(bars[0].label).split(" – ")[0];
    const to = String(bars[bars.length - 1].label).split(" – ")[1];
    return from === to ? from : `${from} to ${to}`;
  }
  const total = bars.reduce((sum, bar) => sum + (Number(bar.count) || 0), 0);
  const named = bars.filter((bar) => !/ others$/.test(String(bar.label)));
  if (named.length === 0 || total === 0) return "";
  const top = named.reduce((best, bar) => (bar.count > best.count ? bar : best), named[0]);
  return `most common: ${top.label} (${formatShare(top.count / total)})`;
}

/**
 * A small bar chart drawn with SVG rects (no inline styles: the page's CSP forbids them).
 * Every bar has a <title>, shown on hover; a transparent full-height rect makes it easy to hit.
 * Bars whose label is "N others" (the rest of many categories) are drawn lighter.
 */
export function histogramNode(name, kind, bars) {
  const list = Array.isArray(bars) ? bars : [];
  const max = list.reduce((m, bar) => Math.max(m, Number(bar.count) || 0), 0) || 1;
  const W = 10;
  const GAP = list.length > 8 ? 1.5 : 2;
  const H = 40;
  const total = list.reduce((sum, bar) => sum + (Number(bar.count) || 0), 0);
  const svg = svgEl("svg", {
    class: "histogram",
    viewBox: `0 0 ${Math.max(list.length, 1) * W} ${H}`,
    preserveAspectRatio: "none",
    role: "img",
    "aria-label": `${name}: ${list.map((bar) => `${bar.label}: ${bar.count}`).join(", ")}`,
    "data-testid": "histogram",
  });
  list.forEach((bar, i) => {
    const count = Number(bar.count) || 0;
    const group = svgEl("g", { class: "bar-group" });
    const title = svgEl("title");
    const share = total > 0 ? ` (${formatShare(count / total)})` : "";
    title.textContent = `${bar.label}: ${plural(count, "row", "rows")}${share}`;
    group.append(title);
    group.append(svgEl("rect", { class: "hit", x: i * W, y: 0, width: W, height: H }));
    const h = count > 0 ? Math.max(1.5, (count / max) * H) : 0;
    const other = / others$/.test(String(bar.label)) && !isRangeHistogram(kind, list);
    group.append(svgEl("rect", {
      class: other ? "bar is-other" : "bar",
      x: i * W + GAP / 2,
      y: H - h,
      width: W - GAP,
      height: h,
    }));
    svg.append(group);
  });
  // A few bars are drawn narrower than many, so two categories do not look like a wall.
  const rem = Math.min(Math.max(list.length * 0.75, 2.5), 9);
  svg.style.width = `${rem}rem`;
  return svg;
}

/** Rows of a horizontal bar chart (label, bar, "count (share)"), for a .bar-list grid. */
function barListNodes(bars) {
  const total = bars.reduce((sum, bar) => sum + (Number(bar.count) || 0), 0) || 1;
  const max = bars.reduce((m, bar) => Math.max(m, Number(bar.count) || 0), 0) || 1;
  return bars.map((bar) => {
    const count = Number(bar.count) || 0;
    const row = el("div", "bar-row");
    row.dataset.label = String(bar.label);
    const label = el("span", "bar-label", String(bar.label));
    label.title = String(bar.label);
    row.append(label);
    const track = el("span", "bar-track");
    const fill = el("span", / others$/.test(String(bar.label)) ? "bar-fill is-other" : "bar-fill");
    // Sized from JS: the CSP allows no style attributes in markup, but the CSSOM is fine.
    fill.style.width = `${count > 0 ? Math.max((count / max) * 100, 0.5) : 0}%`;
    track.append(fill);
    row.append(track);
    row.append(el("span", "bar-value", `${formatCount(count)} (${formatShare(count / total)})`));
    return row;
  });
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
    this.$errorHint = byId("error-hint");
    this.$errorExtra = byId("error-extra");
    this.$errorDismiss = byId("error-dismiss");

    this.$dropZone = byId("drop-zone");
    this.$fileInput = byId("file-input");
    this.$sampleSelect = byId("sample-select");
    this.$loadSample = byId("load-sample");
    this.$fileLimit = byId("file-limit");
    this.$loadProgress = byId("load-progress");
    this.$loadBar = byId("load-bar");
    this.$loadText = byId("load-text");

    this.$previewSection = byId("preview-section");
    this.$dataSummary = byId("data-summary");
    this.$dataDuplicates = byId("data-duplicates");
    this.$sheetField = byId("sheet-field");
    this.$sheetSelect = byId("sheet-select");
    this.$dataNotesBox = byId("data-notes-box");
    this.$dataNotes = byId("data-notes");
    this.$dataWarningsBox = byId("data-warnings-box");
    this.$dataWarnings = byId("data-warnings");
    this.$profileBody = byId("profile-body");
    this.$profileFind = byId("profile-find");
    this.$profileFilter = byId("profile-filter");
    this.$profileCount = byId("profile-count");
    this.$profileMore = byId("profile-more");
    this.$previewHint = byId("preview-hint");
    this.$previewTable = byId("preview-table");
    this.$previewHead = this.$previewTable.tHead;
    this.$previewBody = this.$previewTable.tBodies[0];

    this.$setupSection = byId("setup-section");
    this.$targetSelect = byId("target-select");
    this.$targetHint = byId("target-hint");
    this.$taskSelect = byId("task-select");
    this.$taskHint = byId("task-hint");
    this.$taskQuestion = byId("task-question");
    this.$taskQuestionText = byId("task-question-text");
    this.$answerClassification = byId("answer-classification");
    this.$answerRegression = byId("answer-regression");
    this.$targetCheck = byId("target-check");
    this.$targetCheckStatus = byId("target-check-status");
    this.$classCountsBox = byId("class-counts-box");
    this.$classCounts = byId("class-counts");
    this.$targetValuesBox = byId("target-values-box");
    this.$targetValues = byId("target-values");
    this.$targetWarningsBox = byId("target-warnings-box");
    this.$targetWarnings = byId("target-warnings");
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
    this.$bestEnding = byId("best-ending");
    this.$whyBox = byId("why-box");
    this.$whyTitle = byId("why-title");
    this.$whyText = byId("why-text");
    this.$chooseSimplest = byId("choose-simplest");
    this.$bestNotes = byId("best-notes");

    this.$updateNotice = byId("update-notice");
    this.$updateReload = byId("update-reload");
    this.$offlineNote = byId("offline-note");

    this.loadingEnabled = true;
    this.columns = [];
    this.suggestedTask = null;
    /**
     * The profile rows made so far, by column index: { tr, use, useCell, select, changed, role }.
     * Rows are made when first shown (see renderProfileRows), not for every column at once.
     */
    this.profileRows = new Map();
    /** How many matching rows the profile shows, and the text of its search box (lower case). */
    this.profileLimit = PROFILE_ROWS;
    this.profileQuery = "";
    /** The last column states shown (see setColumnStates). */
    this.columnStates = [];
    /** Column choices and the sheet are locked while a search runs or data loads. */
    this.choicesLocked = false;

    this.$errorDismiss.addEventListener("click", () => this.hideError());
    this.$profileFilter.addEventListener("input", () => {
      this.profileQuery = this.$profileFilter.value.trim().toLowerCase();
      this.profileLimit = PROFILE_ROWS;
      this.renderProfileRows();
    });
    this.$profileMore.addEventListener("click", () => {
      this.profileLimit += PROFILE_ROWS;
      this.renderProfileRows();
    });
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

  /**
   * Show an error: an Error (the engine's carry `code` and `params`, rendered from the
   * catalogue), or a plain message. Its hint (what to do) goes in its own line under it.
   */
  showError(error, extra = "") {
    const { message, hint } = describeError(error);
    this.$errorMessage.textContent = message;
    this.$errorHint.textContent = hint;
    this.$errorHint.hidden = !hint;
    this.$errorExtra.textContent = extra;
    this.$errorExtra.hidden = !extra;
    this.$error.hidden = false;
  }

  hideError() {
    this.$error.hidden = true;
    this.$errorMessage.textContent = "";
    this.$errorHint.textContent = "";
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

  /** Say in the drop zone how large a file may be. */
  setFileLimit(bytes) {
    this.$fileLimit.textContent = `Files up to ${formatBytes(bytes)}.`;
  }

  /** "Reading big.csv… 40%"; `fraction` null means not known yet (the bar just moves). */
  showLoadProgress(fileName, fraction) {
    this.$loadProgress.hidden = false;
    if (typeof fraction === "number" && Number.isFinite(fraction)) {
      const value = Math.min(Math.max(fraction, 0), 1);
      this.$loadBar.value = value;
      this.$loadText.textContent = `Reading ${fileName}… ${Math.round(value * 100)}%`;
    } else {
      this.$loadBar.removeAttribute("value");
      this.$loadText.textContent = `Reading ${fileName}…`;
    }
  }

  hideLoadProgress() {
    this.$loadProgress.hidden = true;
    this.$loadText.textContent = "";
  }

  /** `handler(sampleId: string)`. */
  bindLoadSample(handler) {
    this.$loadSample.addEventListener("click", () => {
      if (this.$sampleSelect.value) handler(this.$sampleSelect.value);
    });
  }

  // ---- the data: summary, sheets, messages, column profile, preview -------------------------

  /** Render an Inspection: summary, sheet picker, notes and warnings, the profile, the preview. */
  showInspection(inspection) {
    const columns = inspection.columns || [];
    const preview = inspection.preview || [];
    this.columns = columns;
    this.columnStates = [];

    this.$dataSummary.textContent =
      `${inspection.fileName || "Your data"}: ${plural(inspection.nRows, "row", "rows")} × ${plural(inspection.nCols, "column", "columns")}` +
      (columns.length > PREVIEW_COLUMNS ? ` (first ${formatCount(PREVIEW_COLUMNS)} columns shown)` : "");
    const duplicates = Number.isInteger(inspection.duplicateRows) ? inspection.duplicateRows : 0;
    this.$dataDuplicates.dataset.count = String(duplicates);
    this.$dataDuplicates.classList.toggle("has-duplicates", duplicates > 0);
    this.$dataDuplicates.textContent = duplicates > 0
      ? `${plural(duplicates, "row repeats", "rows repeat")} an earlier row exactly.`
      : "No row is repeated (0 duplicated rows).";

    this.setSheets(inspection.sheets, inspection.sheet);
    this.setMessages(this.$dataNotesBox, this.$dataNotes, inspection.notes);
    this.setMessages(this.$dataWarningsBox, this.$dataWarnings, inspection.warnings);
    this.renderProfile(columns);
    this.renderPreview(columns, preview, inspection.nRows);

    this.$previewSection.hidden = false;
    this.$setupSection.hidden = false;
  }

  setMessages(box, list, messages) {
    const items = Array.isArray(messages) ? messages : [];
    list.replaceChildren(...items.map((message) => el("li", "", renderNote(message))));
    box.hidden = items.length === 0;
  }

  /** The sheet picker, shown for a workbook with more than one sheet. */
  setSheets(sheets, current) {
    const names = Array.isArray(sheets) ? sheets : [];
    this.$sheetSelect.replaceChildren(...names.map((name) => {
      const option = el("option", "", name);
      option.value = name;
      return option;
    }));
    if (current !== null && current !== undefined) this.$sheetSelect.value = current;
    this.$sheetField.hidden = names.length <= 1;
  }

  /** Put the sheet picker back on `sheet` (after a sheet failed to load). */
  selectSheet(sheet) {
    if (sheet !== null && sheet !== undefined) this.$sheetSelect.value = sheet;
  }

  /** `handler(sheetName: string)`. */
  bindSheetChange(handler) {
    this.$sheetSelect.addEventListener("change", () => handler(this.$sheetSelect.value));
  }

  /**
   * The column profile: one row per column (use, name, type, empty cells, different values,
   * values, format), the first PROFILE_ROWS drawn now. A wider file also gets a search box (by
   * name) and "Show more", so any column's type and use can still be changed.
   */
  renderProfile(columns) {
    this.profileRows = new Map();
    this.profileLimit = PROFILE_ROWS;
    this.profileQuery = "";
    this.$profileFilter.value = "";
    this.$profileFind.hidden = columns.length <= PROFILE_ROWS;
    this.renderProfileRows();
  }

  /** Indices of the columns whose name holds the search text (every column without one). */
  profileMatches() {
    const query = this.profileQuery;
    if (!query) return null;
    const found = [];
    this.columns.forEach((column, index) => {
      if (String(column.name).toLowerCase().includes(query)) found.push(index);
    });
    return found;
  }

  /** Show the first `profileLimit` matching rows (made on first use) and say how many match. */
  renderProfileRows() {
    const matches = this.profileMatches();
    const total = matches ? matches.length : this.columns.length;
    const shown = Math.min(total, this.profileLimit);
    const fragment = document.createDocumentFragment();
    for (let i = 0; i < shown; i += 1) {
      const index = matches ? matches[i] : i;
      let row = this.profileRows.get(index);
      if (!row) {
        row = this.profileRowNodes(this.columns[index], index);
        this.profileRows.set(index, row);
        const state = this.columnStates[index];
        if (state) this.applyRowState(row, state);
      }
      fragment.append(row.tr);
    }
    this.$profileBody.replaceChildren(fragment);

    const rest = total - shown;
    this.$profileMore.hidden = rest <= 0;
    this.$profileMore.textContent = `Show ${plural(Math.min(rest, PROFILE_ROWS), "more column", "more columns")}`;
    let count = "";
    if (matches) {
      const query = clip(this.$profileFilter.value.trim(), CELL_CHARS);
      count = total === 0
        ? `No column name has “${query}” in it.`
        : `${plural(total, "column name has", "column names have")} “${query}” in ${total === 1 ? "it" : "them"}` +
          (rest > 0 ? `; the first ${formatCount(shown)} are shown.` : ".");
    } else if (rest > 0) {
      count = `The first ${formatCount(shown)} of ${plural(total, "column", "columns")} are shown. Search for a column by name to see it.`;
    } else if (total > PROFILE_ROWS) {
      count = `All ${plural(total, "column", "columns")} are shown.`;
    }
    this.$profileCount.textContent = count;
    this.$profileCount.hidden = !count;
  }

  /** The nodes of one profile row. */
  profileRowNodes(column, index) {
    const tr = el("tr");
    tr.dataset.col = String(index);
    tr.dataset.name = column.name;
    tr.dataset.kind = column.kind;

    const useCell = el("td", "use-col");
    const use = el("input", "use-checkbox");
    use.type = "checkbox";
    use.checked = kindUsed(column.kind);
    use.dataset.col = String(index);
    use.dataset.testid = "use-column";
    use.setAttribute("aria-label", `Use “${column.name}”`);
    useCell.append(use);
    tr.append(useCell);

    const nameCell = el("th", "profile-name");
    nameCell.scope = "row";
    nameCell.append(el("span", "col-name", column.name));
    const role = el("span", "col-role");
    role.dataset.testid = "column-role";
    nameCell.append(role);
    tr.append(nameCell);

    const kindCell = el("td", "profile-kind");
    const select = el("select", "kind-select");
    select.dataset.col = String(index);
    select.dataset.testid = "kind-select";
    select.setAttribute("aria-label", `Type of “${column.name}”`);
    for (const kind of catalogue.kinds.map((k) => k.name)) {
      if (kind === "constant" && column.kind !== "constant") continue;
      const option = el("option", "", kindOption(kind));
      option.value = kind;
      select.append(option);
    }
    select.value = column.kind;
    select.disabled = this.choicesLocked;
    kindCell.append(select);
    const changed = el("span", "kind-changed");
    changed.dataset.testid = "kind-changed";
    kindCell.append(changed);
    tr.append(kindCell);

    const missingCell = el("td", "num profile-missing");
    missingCell.dataset.testid = "missing-share";
    const share = typeof column.missingShare === "number" ? column.missingShare : 0;
    missingCell.append(el("span", "share", formatShare(share)));
    if (column.missing > 0) missingCell.append(el("span", "count", ` (${formatCount(column.missing)})`));
    missingCell.classList.toggle("has-missing", share > 0.5);
    missingCell.classList.toggle("is-zero", !(column.missing > 0));
    missingCell.title = `${plural(column.missing, "empty cell", "empty cells")}`;
    tr.append(missingCell);

    const distinct = el("td", "num profile-distinct", formatCount(column.distinct));
    distinct.dataset.testid = "distinct";
    tr.append(distinct);

    const valuesCell = el("td", "profile-values");
    const bars = Array.isArray(column.histogram) ? column.histogram : [];
    if (bars.length > 0) {
      valuesCell.append(histogramNode(column.name, column.kind, bars));
      valuesCell.append(el("span", "histogram-caption", histogramCaption(column.kind, bars)));
    } else {
      valuesCell.append(el("span", "muted", column.kind === "identifier" || column.kind === "text" ? "all different" : "—"));
    }
    tr.append(valuesCell);

    const format = el("td", "profile-format", column.format ? String(column.format) : "—");
    format.dataset.testid = "format";
    format.classList.toggle("muted", !column.format);
    tr.append(format);

    return { tr, use, useCell, select, changed, role };
  }

  /** The first rows, with each column's type and empty cells under its name. */
  renderPreview(columns, preview, nRows) {
    const shown = preview.length;
    const shownColumns = Math.min(columns.length, PREVIEW_COLUMNS);
    this.$previewHint.textContent =
      (shown && shown < nRows ? `The first ${formatCount(shown)} of ${plural(nRows, "row", "rows")}. ` : "All rows. ") +
      "Under each column name: the type of values, and how many cells are empty.";

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
      kind.title = kindHelp(column.kind);
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
  }

  /**
   * Show the person's column choices. `states[i]` = { kind, detectedKind, used, isTarget }:
   * the kind in use (detected or chosen), whether the models use the column, whether it is
   * the column to predict.
   */
  setColumnStates(states) {
    this.columnStates = states;
    // Only the rows made so far (see renderProfileRows); a row made later gets its state then.
    for (const [index, row] of this.profileRows) {
      if (states[index]) this.applyRowState(row, states[index]);
    }
    const heads = this.$previewHead.querySelectorAll("th");
    heads.forEach((th, index) => {
      const state = states[index];
      if (!state) return;
      th.classList.toggle("is-unused", !state.used);
      const badge = th.querySelector(".kind");
      if (badge) {
        badge.className = `kind kind-${state.kind}`;
        badge.textContent = state.kind;
        badge.title = kindHelp(state.kind);
      }
    });
  }

  /** One profile row shows `state` (see setColumnStates). */
  applyRowState(row, state) {
    const usable = kindUsed(state.kind);
    row.tr.dataset.kind = state.kind;
    row.tr.classList.toggle("is-target", state.isTarget);
    row.tr.classList.toggle("is-unused", !state.used);
    row.select.value = state.kind;
    row.select.classList.toggle("is-changed", state.kind !== state.detectedKind);
    row.changed.textContent = state.kind !== state.detectedKind ? `Changed by you (was ${kindWord(state.detectedKind)})` : "";
    row.use.checked = state.used;
    row.use.disabled = this.choicesLocked || state.isTarget || !usable;
    row.useCell.title = state.isTarget
      ? "The column to predict"
      : !usable
        ? `Not used: ${kindHelp(state.kind) || state.kind}. Change its type to use it.`
        : state.used ? "Used by the models (untick to leave it out)" : "Left out by you";
    row.role.textContent = state.isTarget ? "to predict" : !state.used ? "not used" : "";
    row.role.classList.toggle("is-target", state.isTarget);
  }

  /** Lock the column choices and the sheet while a search runs or data loads. */
  setChoicesLocked(locked) {
    this.choicesLocked = locked;
    for (const row of this.profileRows.values()) row.select.disabled = locked;
    this.$sheetSelect.disabled = locked;
    if (this.columnStates.length) this.setColumnStates(this.columnStates);
  }

  /** `handler(index: number, kind: string)` when a column's type is changed. */
  bindColumnKindChange(handler) {
    this.$profileBody.addEventListener("change", (event) => {
      const target = event.target;
      if (target instanceof HTMLSelectElement && target.classList.contains("kind-select")) {
        handler(Number(target.dataset.col), target.value);
      }
    });
  }

  /** `handler(index: number, used: boolean)` when a column's "Use" box is ticked or not. */
  bindColumnUseChange(handler) {
    this.$profileBody.addEventListener("change", (event) => {
      const target = event.target;
      if (target instanceof HTMLInputElement && target.classList.contains("use-checkbox")) {
        handler(Number(target.dataset.col), target.checked);
      }
    });
  }

  // ---- target and task -----------------------------------------------------------------------

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

  /**
   * Show which column is the target, what it looks like, and set the task to `task`.
   * `kind` is the kind in use for the column (the person may have changed it).
   */
  showTarget(index, task, kind) {
    const column = this.columns[index];
    this.$targetSelect.value = String(index);
    for (const th of this.$previewHead.querySelectorAll("th")) {
      th.classList.toggle("is-target", th.dataset.col === String(index));
    }
    this.suggestedTask = task;
    this.$taskSelect.value = task;
    if (!column) {
      this.$targetHint.textContent = "";
      this.$taskQuestion.hidden = true;
    } else {
      let text = `${plural(column.distinct, "different value", "different values")}, ${formatCount(column.missing)} missing.`;
      const shown = kind || column.kind;
      if (shown === "identifier") {
        text += " This looks like an identifier (almost every value is different), which is usually not something to predict.";
      } else if (shown === "constant") {
        text += " Every row has the same value, so there is nothing to predict.";
      }
      this.$targetHint.textContent = text;
      this.$taskQuestionText.textContent = column.taskQuestion ? renderNote(column.taskQuestion) : "";
      this.$taskQuestion.hidden = !column.taskQuestion;
    }
    this.renderTaskHint();
  }

  currentTask() {
    return this.$taskSelect.value;
  }

  /** Set the task select (an answer to the task question). */
  setTask(task) {
    this.$taskSelect.value = task;
    this.renderTaskHint();
  }

  renderTaskHint() {
    const task = this.$taskSelect.value;
    const suggested = this.suggestedTask;
    const help = (taskInfo(task) || {}).description || "";
    if (!suggested) {
      this.$taskHint.textContent = help;
    } else if (task === suggested) {
      this.$taskHint.textContent = `${help} Suggested from the values in the column.`;
    } else {
      this.$taskHint.textContent = `${help} Changed by you (the suggestion was ${(taskInfo(suggested) || {}).label || suggested}).`;
    }
    this.$answerClassification.setAttribute("aria-pressed", String(task === "classification"));
    this.$answerRegression.setAttribute("aria-pressed", String(task === "regression"));
  }

  /** `handler(index: number)` when the person picks another target column. */
  bindTargetChange(handler) {
    this.$targetSelect.addEventListener("change", () => handler(Number(this.$targetSelect.value)));
  }

  /** `handler(task: string)` when the task select changes or the task question is answered. */
  bindTaskChange(handler) {
    this.$taskSelect.addEventListener("change", () => handler(this.$taskSelect.value));
    this.$answerClassification.addEventListener("click", () => handler("classification"));
    this.$answerRegression.addEventListener("click", () => handler("regression"));
  }

  // ---- the target check ----------------------------------------------------------------------

  /** A check is under way: say so, and dim what the last check showed. */
  showTargetChecking(targetName) {
    this.$targetCheck.hidden = false;
    this.$targetCheck.classList.add("is-stale");
    this.$targetCheck.dataset.state = "checking";
    this.$targetCheckStatus.textContent = `Checking “${targetName}”…`;
  }

  /** Show a TargetCheck: rows per class (classification) or the values, missing rows, warnings. */
  showTargetCheck(check, column) {
    this.$targetCheck.hidden = false;
    this.$targetCheck.classList.remove("is-stale");
    this.$targetCheck.dataset.state = "done";
    const missing = Number(check.missing) || 0;
    this.$targetCheckStatus.textContent = missing > 0
      ? `${plural(missing, "row has", "rows have")} no value in “${check.target}”; ${missing === 1 ? "it is" : "they are"} left out.`
      : `Every row has a value in “${check.target}”.`;

    const counts = Array.isArray(check.classCounts) ? check.classCounts : [];
    const classification = check.task === "classification" && counts.length > 0;
    this.$classCountsBox.hidden = !classification;
    this.$classCounts.replaceChildren(...(classification ? barListNodes(counts) : []));

    // For regression, the column's values as the profile counted them.
    const bars = column && Array.isArray(column.histogram) ? column.histogram : [];
    const showValues = check.task === "regression" && bars.length > 0;
    this.$targetValuesBox.hidden = !showValues;
    this.$targetValues.replaceChildren(...(showValues ? barListNodes(bars) : []));

    this.setMessages(this.$targetWarningsBox, this.$targetWarnings, check.warnings);
  }

  /** The check could not be made (the error itself goes to the error box). */
  showTargetCheckFailed(targetName) {
    this.$targetCheck.hidden = false;
    this.$targetCheck.classList.remove("is-stale");
    this.$targetCheck.dataset.state = "failed";
    this.$targetCheckStatus.textContent = `“${targetName}” could not be checked.`;
    this.$classCountsBox.hidden = true;
    this.$targetValuesBox.hidden = true;
    this.setMessages(this.$targetWarningsBox, this.$targetWarnings, []);
  }

  hideTargetCheck() {
    this.$targetCheck.hidden = true;
  }

  /** The engine's catalogue: the kinds, tasks and metrics as the engine names them. */
  setCatalogue(value) {
    setCatalogue(value);
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

  /** "Choose this model" in "why this model": `handler(trial)`. */
  bindChooseTrial(handler) {
    this.$chooseSimplest.addEventListener("click", () => {
      const trial = Number(this.$chooseSimplest.dataset.trial);
      if (Number.isInteger(trial)) handler(trial);
    });
  }

  /** Start/Stop, the settings and the column choices follow the run state. */
  setRunState({ canStart, running, loading = false }) {
    this.$start.disabled = !canStart || running;
    this.$stop.disabled = !running;
    this.$chooseSimplest.disabled = running;
    for (const input of [
      this.$targetSelect, this.$taskSelect, this.$budgetInput, this.$seedInput,
      this.$answerClassification, this.$answerRegression,
    ]) {
      input.disabled = running;
    }
    this.setLoadingEnabled(!running);
    this.setChoicesLocked(running || loading);
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
      metricHint(metric);
  }

  showProgress(elapsedS, budgetS, text) {
    const max = typeof budgetS === "number" && budgetS > 0 ? budgetS : 1;
    const value = typeof elapsedS === "number" && Number.isFinite(elapsedS) ? elapsedS : 0;
    this.$progress.max = max;
    this.$progress.value = Math.min(Math.max(value, 0), max);
    this.$progressText.textContent = text;
  }

  /** A trial finished: "Trials: n · best so far: x · 3.2 s of 10 s · 6.8 s left". */
  showTrialProgress({ trialsDone, bestSoFar, elapsedS, budgetS, timeLeftS }) {
    const left = budgetS > 0 && typeof timeLeftS === "number" ? ` · ${formatSeconds(timeLeftS)} s left` : "";
    this.showProgress(
      elapsedS,
      budgetS,
      `Trials: ${formatCount(trialsDone)} · best so far: ${formatNumber(bestSoFar)} · ${formatSeconds(elapsedS)} s of ${formatSeconds(budgetS)} s${left}`,
    );
  }

  showPhase(phase, elapsedS, budgetS) {
    const text =
      phase === "refit"
        ? "Refitting the best model on all rows…"
        : `Searching… ${formatSeconds(elapsedS)} s of ${formatSeconds(budgetS)} s`;
    this.showProgress(phase === "refit" ? budgetS : elapsedS, budgetS, text);
  }

  showFinished(elapsedS, budgetS, trials, extra = "") {
    this.showProgress(budgetS, budgetS, `Done: ${plural(trials, "model", "models")} tried${extra} in ${formatSeconds(elapsedS)} s.`);
  }

  /** Replace the text under the progress bar. */
  showProgressText(text) {
    this.$progressText.textContent = text;
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
    // Focusable, so the keyboard can open its details (results.js: Enter or Space).
    tr.tabIndex = 0;
    tr.append(el("td", "num rank", String(rank)));
    const model = el("td", "model");
    const members = row.params && Array.isArray(row.params.members) ? row.params.members : null;
    const label = members
      ? t("page.ensemble_label", { trials: members.map((m) => Number(m.trial)).sort((a, b) => a - b).map((n) => t("page.trial_ref", { trial: n })).join(", ") })
      : row.label || row.family || "model";
    model.append(el("span", "model-label", label));
    if (row.trial !== undefined) model.append(el("span", "trial-number", t("page.trial_ref", { trial: row.trial })));
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
    const members = row.params && Array.isArray(row.params.members) ? row.params.members : null;
    this.$bestLabel.textContent = members
      ? t("page.ensemble_label", { trials: members.map((m) => Number(m.trial)).sort((a, b) => a - b).map((n) => t("page.trial_ref", { trial: n })).join(", ") })
      : `${row.label || row.family || "—"} (${t("page.trial_ref", { trial: row.trial })})`;
    this.$bestEnding.hidden = result.ending !== "stopped" && result.ending !== "chosen";
    this.$bestEnding.dataset.ending = result.ending || "finished";
    this.$bestEnding.textContent = result.ending === "stopped"
      ? t("page.best_stopped_early")
      : result.ending === "chosen" ? t("page.best_chosen") : "";
    this.showWhy(result);
    this.$bestParams.textContent = formatParams(row.params);
    const nFolds = Number.isInteger(result.folds) && result.folds > 0
      ? result.folds
      : Array.isArray(row.foldScores) ? row.foldScores.length : 0;
    this.$bestScoreName.textContent = t("page.best_score_name", { metric: metricName(metric), folds: nFolds });
    this.$bestScore.textContent = formatScore(row.mean, row.std);
    this.$bestScore.dataset.metric = metric || "";
    this.$bestData.textContent = t("page.data_used", {
      rows: result.nRows,
      columns: Number.isInteger(result.nColumns) ? result.nColumns : result.nFeatures,
      features: result.nFeatures,
      task: (taskInfo(result.task) || {}).label || result.task || "",
    });
    this.$bestRefit.textContent = `${formatNumber(best.refitTimeS)} s`;
    // the explain phase runs after the search's budget (bounded by a share of it): say so
    const explainS = result.diagnostics && Number(result.diagnostics.seconds);
    const explained = explainS > 0 ? `, then ${explainS >= 0.05 ? formatSeconds(explainS) : "under 0.1"} s to explain it` : "";
    this.$bestTotal.textContent = `${formatSeconds(result.elapsedS)} s (budget ${formatSeconds(result.budgetS)} s)${explained}`;

    const notes = Array.isArray(result.notes) ? result.notes : [];
    this.$bestNotes.replaceChildren(...notes.map((note) => el("li", "", renderNote(note))));
    this.$bestNotesBox.hidden = notes.length === 0;
    this.$bestPanel.hidden = false;
  }

  /** "Why this model": the engine's paragraph, and the simplest model within the spread. */
  showWhy(result) {
    const why = result.why;
    const messages = why && Array.isArray(why.messages) ? why.messages : [];
    this.$whyBox.hidden = messages.length === 0;
    this.$whyTitle.textContent = t("page.why_title");
    this.$whyText.textContent = messages.map((m) => t(m.code, m.params)).join(" ");
    const simplest = why && Number.isInteger(why.simplest) ? why.simplest : null;
    const shown = simplest !== null && !(result.best && result.best.row && result.best.row.trial === simplest);
    this.$chooseSimplest.hidden = !shown;
    this.$chooseSimplest.disabled = false;
    this.$chooseSimplest.dataset.trial = shown ? String(simplest) : "";
    this.$chooseSimplest.textContent = shown ? t("page.choose_simplest", { trial: simplest }) : "";
  }

  hideBest() {
    this.$bestPanel.hidden = true;
  }
}
