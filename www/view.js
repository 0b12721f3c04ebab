// @ts-nocheck
// The view: the only module that touches the DOM. It looks every node up once, renders with
// `textContent` only (column names, cells and messages are user data), exposes `show*`/`set*`
// methods for output and `bind*` methods that hand plain values to the controller.
import {
  describeError, formatCount as countText, formatNumber as numberText, formatPercent, localize, localizeAttribute,
  localizeNote, localizeWith, t, unlocalize,
} from "./i18n.js";
import { metricTerm, setTerm } from "./glossary.js";

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
const metricInfo = (name) => catalogue.metrics.find((m) => m.name === name);

/** The encodings a text file can be read with (the engine's names) and their catalogue entries. */
const ENCODINGS = [
  ["utf-8", "encoding.utf_8"],
  ["utf-16", "encoding.utf_16"],
  ["euc-kr", "encoding.euc_kr"],
  ["windows-1252", "encoding.windows_1252"],
];

// The names and descriptions of kinds, tasks, metrics and model families come from the message
// catalogue by their machine names (the engine's `describe` also sends English labels, which the
// command line prints); tests/messages.rs checks that every one has its entries.

/** A kind's short name for people ("number"), as a message parameter. */
export const kindLabel = (kind) => ({ code: `kind_label.${kind}`, params: {} });
/** What columns of a kind hold. */
const kindHelpCode = (kind) => `kind_help.${kind}`;
/** A metric's name ("R²"), as a message parameter. */
export const metricLabel = (metric) => ({ code: `metric.${metric}`, params: {} });
/** A task's name in a sentence ("classification"). */
export const taskLabel = (task) => ({ code: `task.${task}`, params: {} });

/**
 * A model family's name for people, as a message parameter: a leaderboard row's `family`
 * (the ensemble says how many models it blends).
 */
export function familyLabel(row) {
  if (!row) return { code: "family.unknown", params: {} };
  if (row.family === "ensemble" && row.params && Array.isArray(row.params.members)) {
    // named by its members' trial numbers, which the leaderboard shows beside every row
    const trials = row.params.members.map((m) => Number(m.trial)).sort((a, b) => a - b);
    return { code: "page.ensemble_label", params: { trials: trials.map((n) => `#${n}`).join(", ") } };
  }
  return { code: `family.${row.family || "unknown"}`, params: {} };
}

/** The family of an ensemble member, which names its model by the engine's English label. */
function memberFamily(label) {
  const family = (catalogue.families || []).find((f) => f.label === label);
  return family ? { code: `family.${family.name}`, params: {} } : label;
}

/** Whether the models use columns of this kind (the engine says). */
export function kindUsed(kind) {
  return Boolean(kindInfo(kind) && kindInfo(kind).used);
}

/** The type menu's option for a kind: "number (numeric)", or "text — not used". */
function kindOption(option, kind) {
  const k = kindInfo(kind);
  if (!k) {
    option.textContent = kind;
    return option;
  }
  // the kind said once ("category"), not "category (categorical)"
  return localize(option, k.used ? "page.kind_option" : "page.kind_option_unused", { kind: kindLabel(kind) });
}

/** The metric's name for people ("R²"), in the page's language. */
export function metricName(metric) {
  return metricInfo(metric) ? t(`metric.${metric}`) : String(metric || t("page.score"));
}

/** Whether a larger value of the metric is better (unknown metrics: yes). */
export function higherIsBetter(metric) {
  const m = metricInfo(metric);
  return m ? m.higherIsBetter !== false : true;
}

/** `node` says what the metric measures and which way is better, after `lead` when given. */
function metricHint(node, metric, lead = "") {
  const m = metricInfo(metric);
  if (!m) return unlocalize(node);
  return localize(node, m.higherIsBetter ? "page.metric_hint_higher" : "page.metric_hint_lower", {
    lead: lead ? { code: lead, params: {} } : "",
    description: { code: `metric_help.${metric}`, params: {} },
  });
}

/** A number with `decimals` decimals, in the page's language (no grouping: a score, a time). */
export function formatNumber(value, decimals = 3) {
  return numberText(value, decimals, false);
}

/** "0.953 ± 0.027"; a missing spread is left out, a missing mean shows a dash. */
export function formatScore(mean, std) {
  if (typeof mean !== "number" || !Number.isFinite(mean)) return "—";
  if (typeof std !== "number" || !Number.isFinite(std)) return formatNumber(mean);
  return `${formatNumber(mean)} ± ${formatNumber(std)}`;
}

/** Seconds with one decimal below a minute ("3.2"), whole seconds above. */
export function formatSeconds(seconds) {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return "—";
  if (Number.isInteger(seconds) || seconds >= 60) return formatNumber(Math.round(seconds), 0);
  return formatNumber(seconds, 1);
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

/**
 * Fill `node` with a model's hyperparameters: `{max_depth: 3, criterion: "gini"}` ->
 * "max_depth=3, criterion=gini" (the names and values the model file and the command line use,
 * marked `data-code`), "defaults" when there are none, or an ensemble's members in words.
 */
export function showParams(node, params) {
  const entries = params && typeof params === "object" ? Object.entries(params) : [];
  node.removeAttribute("data-code");
  if (entries.length === 0) return localize(node, "page.params_defaults");
  // an ensemble lists its members: "Gradient boosting (trial 81) × 0.86, ..."
  if (Array.isArray(params.members)) {
    const items = params.members.map((m) => ({
      code: "page.ensemble_member",
      params: { model: memberFamily(m.model), trial: m.trial, weight: m.weight },
    }));
    return localize(node, "page.ensemble_members", { members: { items, more: 0 } });
  }
  unlocalize(node, entries.map(([name, value]) => `${name}=${formatParamValue(value)}`).join(", "));
  node.setAttribute("data-code", "");
  return node;
}

/** A model's hyperparameters in words, as showParams() shows them. */
export function formatParams(params) {
  return showParams(document.createElement("span"), params).textContent;
}

/**
 * Say in `node` what a stale result panel was made for, and that the choices changed since
 * (`info`: { target, task, newData }), or nothing when it is not stale.
 */
export function showStaleNote(node, stale, info) {
  node.hidden = !stale;
  if (!stale) {
    unlocalize(node);
    return;
  }
  const params = { target: (info && info.target) || "", task: taskLabel(info && info.task) };
  localize(node, info && info.newData ? "page.stale.new_data" : "page.stale.changed", params);
}

/** The search's live region speaks at most this often (milliseconds). */
const ANNOUNCE_MS = 1000;

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

/** A count in the page's language ("12,345"). */
function formatCount(n) {
  return countText(n);
}

/**
 * A size as a message parameter: "240 MB", "3.4 MB", "812 KB" (1 MB = 1024 × 1024 bytes, as
 * the limit is counted).
 */
export function formatBytes(bytes) {
  if (typeof bytes !== "number" || !Number.isFinite(bytes) || bytes < 0) return "?";
  const KB = 1024;
  const MB = KB * 1024;
  const GB = MB * 1024;
  if (bytes < KB) return { code: "page.bytes", params: { n: bytes } };
  if (bytes < MB) return { code: "page.kb", params: { n: Math.round(bytes / KB) } };
  if (bytes < GB) {
    const mb = bytes / MB;
    return mb < 10 ? { code: "page.mb_1", params: { n: mb } } : { code: "page.mb", params: { n: Math.round(mb) } };
  }
  return { code: "page.gb", params: { n: bytes / GB } };
}

/** A share 0..1 as a percentage in the page's language: "20%", "0.2%", "<0.1%", "0%". */
export function formatShare(share) {
  if (typeof share !== "number" || !Number.isFinite(share)) return "—";
  const pct = share * 100;
  if (pct === 0) return formatPercent(0);
  if (pct < 0.1) return `<${formatPercent(0.001, 1)}`;
  if (pct < 10) return formatPercent(share, 1);
  if (pct > 99 && pct < 100) return `>${formatPercent(0.99)}`;
  return formatPercent(Math.round(pct) / 100);
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

/** The bar of the rest of many categories: the engine labels it "N others". */
const OTHERS = /^(\d+) others$/;

/**
 * A histogram bar's label as a message parameter: a value of the data (a string), or the rest
 * of many categories in words.
 */
export function barLabel(label) {
  const others = OTHERS.exec(String(label));
  return others ? { code: "page.n_others", params: { count: Number(others[1]) } } : String(label);
}

/** "1 row" / "12 rows", as a message parameter. */
export function nRows(n) {
  return { code: n === 1 ? "page.n_rows_one" : "page.n_rows", params: { count: n } };
}

/** "1 column" / "12 columns", as a message parameter. */
function nColumns(n) {
  return { code: n === 1 ? "page.n_columns_one" : "page.n_columns", params: { count: n } };
}

/** "1 model" / "12 models", as a message parameter. */
function nModels(n) {
  return { code: n === 1 ? "page.n_models_one" : "page.n_models", params: { count: n } };
}

/** Fill `node` with the line under a histogram: the range of values, or the most common one. */
function histogramCaption(node, kind, bars) {
  if (bars.length === 0) return node;
  if (isRangeHistogram(kind, bars)) {
    const from = String(bars[0].label).split(" – ")[0];
    const to = String(bars[bars.length - 1].label).split(" – ")[1];
    if (from === to) {
      node.textContent = from;
      node.setAttribute("data-user", "");
      return node;
    }
    return localize(node, "page.histogram_range", { from, to });
  }
  const total = bars.reduce((sum, bar) => sum + (Number(bar.count) || 0), 0);
  const named = bars.filter((bar) => !OTHERS.test(String(bar.label)));
  if (named.length === 0 || total === 0) return node;
  const top = named.reduce((best, bar) => (bar.count > best.count ? bar : best), named[0]);
  return localize(node, "page.most_common", { value: String(top.label), share: formatShare(top.count / total) });
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
    "data-testid": "histogram",
  });
  localizeAttribute(svg, "aria-label", "page.histogram_label", {
    column: name,
    bars: { items: list.map((bar) => ({ code: "page.bar_count", params: { label: barLabel(bar.label), count: Number(bar.count) || 0 } })), more: 0 },
  });
  list.forEach((bar, i) => {
    const count = Number(bar.count) || 0;
    const group = svgEl("g", { class: "bar-group" });
    const title = svgEl("title");
    if (total > 0) localize(title, "page.bar_title_share", { label: barLabel(bar.label), rows: nRows(count), share: formatShare(count / total) });
    else localize(title, "page.bar_title", { label: barLabel(bar.label), rows: nRows(count) });
    group.append(title);
    group.append(svgEl("rect", { class: "hit", x: i * W, y: 0, width: W, height: H }));
    const h = count > 0 ? Math.max(1.5, (count / max) * H) : 0;
    const other = OTHERS.test(String(bar.label)) && !isRangeHistogram(kind, list);
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
    const label = el("span", "bar-label");
    const shown = barLabel(bar.label);
    if (typeof shown === "string") {
      label.textContent = shown;
      label.title = shown;
      label.setAttribute("data-user", "");
    } else {
      localize(label, shown.code, shown.params);
      localizeAttribute(label, "title", shown.code, shown.params);
    }
    row.append(label);
    const track = el("span", "bar-track");
    const fill = el("span", OTHERS.test(String(bar.label)) ? "bar-fill is-other" : "bar-fill");
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
    this.$language = byId("language-select");
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
    this.$sampleAbout = byId("sample-about");
    this.$sampleSelect.addEventListener("change", () => this.showSampleAbout());
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
    this.$encodingField = byId("encoding-field");
    this.$encodingSelect = byId("encoding-select");
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
    this.$metricField = byId("metric-field");
    this.$metricSelect = byId("metric-select");
    this.$metricChoiceHint = byId("metric-choice-hint");
    this.$start = byId("start-button");
    this.$stop = byId("stop-button");

    this.$runSection = byId("run-section");
    this.$runStale = byId("run-stale");
    this.$progress = byId("progress");
    this.$progressText = byId("progress-text");
    this.$progressLive = byId("progress-live");
    this.$metricHint = byId("metric-hint");
    this.$metricHelp = byId("metric-help");
    this.$scoreHeader = byId("score-header");
    this.$trainScoreHeader = byId("train-score-header");
    this.$overfitExplain = byId("overfit-explain");
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

    // The step numbers of the sections shown count 1, 2, 3… in order, whichever sections a
    // task shows (the forecast's replaces the models', the results come after a run).
    this.$main = document.querySelector("main");
    if (this.$main && typeof MutationObserver === "function") {
      new MutationObserver(() => this.renumberSteps()).observe(this.$main, { attributes: true, attributeFilter: ["hidden"], childList: true, subtree: true });
      this.renumberSteps();
    }
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
    this.$metricSelect.addEventListener("change", () => this.renderMetricHint());
    this.onUpdateReload = null;
    this.$updateReload.addEventListener("click", () => {
      this.$updateReload.disabled = true;
      if (this.onUpdateReload) this.onUpdateReload();
    });
  }

  /** Number the step of every section shown, in page order. */
  renumberSteps() {
    let n = 0;
    for (const step of this.$main.querySelectorAll("section.card > h2 > .step")) {
      if (step.closest("[hidden]")) continue;
      n += 1;
      if (step.textContent !== String(n)) step.textContent = String(n);
    }
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
  showStatus(code, params = {}, state = "busy") {
    localize(this.$status, code, params);
    this.$status.dataset.state = state;
  }

  setEngineVersion(version) {
    if (version) localize(this.$engineVersion, "page.engine_version", { version });
    else unlocalize(this.$engineVersion);
  }

  // ---- language ----------------------------------------------------------------------------

  /** `handler(lang)` when the person picks another language with the switch. */
  bindLanguageChange(handler) {
    this.$language.value = document.documentElement.lang;
    this.$language.addEventListener("change", () => handler(this.$language.value));
  }

  /** The page now speaks `lang` (its marked words are already translated). */
  languageChanged(lang) {
    this.$language.value = lang;
  }

  /**
   * Show an error: an Error (the engine's carry `code` and `params`, rendered from the
   * catalogue), or a plain message. Its hint (what to do) goes in its own line under it.
   */
  showError(error, extra = []) {
    const { message, hint } = describeError(error);
    if (error && typeof error.code === "string" && message === t(error.code, error.params)) {
      // from the catalogue: marked, so that it follows the language
      localize(this.$errorMessage, error.code, error.params);
      localize(this.$errorHint, error.code, error.params, "hint");
    } else {
      unlocalize(this.$errorMessage, message);
      unlocalize(this.$errorHint, hint);
    }
    this.$errorHint.hidden = !hint;
    const lines = Array.isArray(extra) ? extra : [];
    this.$errorExtra.replaceChildren(...lines.map((line, i) => {
      const span = localize(el("span"), line.code, line.params);
      return i > 0 ? [document.createTextNode(" "), span] : [span];
    }).flat());
    this.$errorExtra.hidden = lines.length === 0;
    this.$error.hidden = false;
  }

  hideError() {
    this.$error.hidden = true;
    unlocalize(this.$errorMessage);
    unlocalize(this.$errorHint);
    this.$errorExtra.replaceChildren();
  }

  // ---- loading data ------------------------------------------------------------------------

  /**
   * `samples`: [{ id, title, titleKey, aboutKey }] (samples/samples.json): each is named by its
   * catalogue entry `titleKey` (the English `title` if it has none), and the chosen one's
   * one-line description (`aboutKey`) is shown under the picker.
   */
  setSamples(samples) {
    this.samples = samples;
    this.$sampleSelect.replaceChildren();
    for (const sample of samples) {
      const option = el("option");
      // a sample's name comes from the catalogue ("sample.<id>") when it has one
      if (sample.titleKey) localize(option, sample.titleKey);
      else option.textContent = sample.title || sample.id;
      option.value = sample.id;
      this.$sampleSelect.append(option);
    }
    this.hasSamples = samples.length > 0;
    this.showSampleAbout();
    this.setLoadingEnabled(this.loadingEnabled);
  }

  /** The chosen sample's description. */
  showSampleAbout() {
    const sample = (this.samples || []).find((s) => s.id === this.$sampleSelect.value);
    if (sample && sample.aboutKey) localize(this.$sampleAbout, sample.aboutKey);
    else unlocalize(this.$sampleAbout);
  }

  showSamplesUnavailable() {
    this.$sampleSelect.replaceChildren(localize(el("option"), "page.samples_unavailable"));
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

  /**
   * `handler(file: File)` for a saved model file picked in the model section (the results
   * views open it; the input is bound here so that it works before they are loaded).
   */
  bindModelFileChosen(handler) {
    const input = /** @type {HTMLInputElement} */ (byId("model-input"));
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      input.value = "";
      if (file) handler(file);
    });
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
    localize(this.$fileLimit, "page.file_limit", { size: formatBytes(bytes) });
  }

  /** "Reading big.csv… 40%"; `fraction` null means not known yet (the bar just moves). */
  showLoadProgress(fileName, fraction) {
    this.$loadProgress.hidden = false;
    if (typeof fraction === "number" && Number.isFinite(fraction)) {
      const value = Math.min(Math.max(fraction, 0), 1);
      this.$loadBar.value = value;
      localize(this.$loadText, "page.reading_share", { file: fileName, share: formatPercent(value) });
    } else {
      this.$loadBar.removeAttribute("value");
      localize(this.$loadText, "page.status_reading", { file: fileName });
    }
  }

  hideLoadProgress() {
    this.$loadProgress.hidden = true;
    unlocalize(this.$loadText);
  }

  /** `handler(sampleId: string)`. */
  bindLoadSample(handler) {
    this.$loadSample.addEventListener("click", () => {
      if (this.$sampleSelect.value) handler(this.$sampleSelect.value);
    });
  }

  // ---- the data: summary, sheets, messages, column profile, preview -------------------------

  /**
   * Render an Inspection: summary, sheet picker, notes and warnings (and the encoding picker),
   * the profile, the preview. `chosenEncoding`: the file was read with an encoding the person
   * chose.
   */
  showInspection(inspection, chosenEncoding = false) {
    const columns = inspection.columns || [];
    const preview = inspection.preview || [];
    this.columns = columns;
    this.columnStates = [];

    const summary = {
      file: inspection.fileName || { code: "page.your_data", params: {} },
      rows: nRows(inspection.nRows),
      columns: nColumns(inspection.nCols),
    };
    if (columns.length > PREVIEW_COLUMNS) localize(this.$dataSummary, "page.data_summary_wide", { ...summary, shown: PREVIEW_COLUMNS });
    else localize(this.$dataSummary, "page.data_summary", summary);
    const duplicates = Number.isInteger(inspection.duplicateRows) ? inspection.duplicateRows : 0;
    this.$dataDuplicates.dataset.count = String(duplicates);
    this.$dataDuplicates.classList.toggle("has-duplicates", duplicates > 0);
    localize(this.$dataDuplicates, duplicates === 0 ? "page.no_duplicates" : duplicates === 1 ? "page.duplicates_one" : "page.duplicates", { count: duplicates });

    this.setSheets(inspection.sheets, inspection.sheet);
    this.setEncoding(inspection.encoding, chosenEncoding);
    this.setMessages(this.$dataNotesBox, this.$dataNotes, inspection.notes);
    this.setMessages(this.$dataWarningsBox, this.$dataWarnings, inspection.warnings);
    this.renderProfile(columns);
    this.renderPreview(columns, preview, inspection.nRows);

    this.$previewSection.hidden = false;
    this.$setupSection.hidden = false;
  }

  setMessages(box, list, messages) {
    const items = Array.isArray(messages) ? messages : [];
    list.replaceChildren(...items.map((message) => localizeNote(el("li"), message)));
    box.hidden = items.length === 0;
  }

  /** The sheet picker, shown for a workbook with more than one sheet. */
  setSheets(sheets, current) {
    const names = Array.isArray(sheets) ? sheets : [];
    this.$sheetSelect.replaceChildren(...names.map((name) => {
      const option = el("option", "", name);
      option.value = name;
      option.setAttribute("data-user", "");
      return option;
    }));
    if (current !== null && current !== undefined) this.$sheetSelect.value = current;
    this.$sheetField.hidden = names.length <= 1;
  }

  /**
   * The encoding picker beside the notes on how the file was read: shown once a text file was
   * read as something other than UTF-8 (or with an encoding the person chose), so Korean text
   * saved as CP949, or Western text saved as Windows-1252, can be read again another way.
   * @param {TextEncodingName | null | undefined} encoding the encoding the file was read with
   * @param {boolean} chosen whether the person chose it
   */
  setEncoding(encoding, chosen) {
    const show = typeof encoding === "string" && (encoding !== "utf-8" || chosen);
    this.$encodingField.hidden = !show;
    if (!show) return;
    this.$encodingSelect.replaceChildren(...ENCODINGS.map(([name, code]) => {
      const option = localize(el("option"), code);
      option.value = name;
      return option;
    }));
    this.$encodingSelect.value = encoding;
  }

  /** `handler(encoding: TextEncodingName)` when the person picks another encoding. */
  bindEncodingChange(handler) {
    this.$encodingSelect.addEventListener("change", () => handler(/** @type {TextEncodingName} */ (this.$encodingSelect.value)));
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
    const more = Math.min(rest, PROFILE_ROWS);
    localize(this.$profileMore, more === 1 ? "page.show_more_columns_one" : "page.show_more_columns", { count: more });
    let count = null;
    if (matches) {
      const query = clip(this.$profileFilter.value.trim(), CELL_CHARS);
      if (total === 0) count = ["page.profile_found_none", { query }];
      else if (rest > 0) count = [total === 1 ? "page.profile_found_one_first" : "page.profile_found_first", { query, count: total, shown }];
      else count = [total === 1 ? "page.profile_found_one" : "page.profile_found", { query, count: total }];
    } else if (rest > 0) {
      count = ["page.profile_first", { shown, columns: nColumns(total) }];
    } else if (total > PROFILE_ROWS) {
      count = ["page.profile_all", { columns: nColumns(total) }];
    }
    if (count) localize(this.$profileCount, count[0], count[1]);
    else unlocalize(this.$profileCount);
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
    localizeAttribute(use, "aria-label", "page.use_column", { column: column.name });
    useCell.append(use);
    tr.append(useCell);

    const nameCell = el("th", "profile-name");
    nameCell.scope = "row";
    nameCell.append(el("span", "col-name", column.name));
    nameCell.lastElementChild.setAttribute("data-user", "");
    const role = el("span", "col-role");
    role.dataset.testid = "column-role";
    nameCell.append(role);
    tr.append(nameCell);

    const kindCell = el("td", "profile-kind");
    const select = el("select", "kind-select");
    select.dataset.col = String(index);
    select.dataset.testid = "kind-select";
    localizeAttribute(select, "aria-label", "page.type_of_column", { column: column.name });
    for (const kind of catalogue.kinds.map((k) => k.name)) {
      if (kind === "constant" && column.kind !== "constant") continue;
      const option = kindOption(el("option"), kind);
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
    localizeAttribute(missingCell, "title", column.missing === 1 ? "page.empty_cells_one" : "page.empty_cells", { count: column.missing });
    tr.append(missingCell);

    const distinct = el("td", "num profile-distinct", formatCount(column.distinct));
    distinct.dataset.testid = "distinct";
    tr.append(distinct);

    const valuesCell = el("td", "profile-values");
    const bars = Array.isArray(column.histogram) ? column.histogram : [];
    if (bars.length > 0) {
      valuesCell.append(histogramNode(column.name, column.kind, bars));
      valuesCell.append(histogramCaption(el("span", "histogram-caption"), column.kind, bars));
    } else if (column.kind === "identifier" || column.kind === "text") {
      valuesCell.append(localize(el("span", "muted"), "page.all_different"));
    } else {
      valuesCell.append(el("span", "muted", "—"));
    }
    tr.append(valuesCell);

    const format = el("td", "profile-format", column.format ? String(column.format) : "—");
    if (column.format) format.setAttribute("data-code", "");
    format.dataset.testid = "format";
    format.classList.toggle("muted", !column.format);
    tr.append(format);

    return { tr, use, useCell, select, changed, role };
  }

  /** The first rows, with each column's type and empty cells under its name. */
  renderPreview(columns, preview, rowCount) {
    const shown = preview.length;
    const shownColumns = Math.min(columns.length, PREVIEW_COLUMNS);
    if (shown && shown < rowCount) localize(this.$previewHint, "page.preview_first", { shown, rows: nRows(rowCount) });
    else localize(this.$previewHint, "page.preview_all");

    const headRow = el("tr");
    columns.slice(0, shownColumns).forEach((column, index) => {
      const th = el("th");
      th.scope = "col";
      th.dataset.col = String(index);
      const name = String(column.name);
      const nameNode = el("span", "col-name", clip(name, CELL_CHARS));
      nameNode.setAttribute("data-user", "");
      if (name.length > CELL_CHARS) nameNode.title = clip(name, TITLE_CHARS);
      th.append(nameNode);
      const meta = el("span", "col-meta");
      const kind = localize(el("span", `kind kind-${column.kind}`), `kind.${column.kind}`);
      localizeAttribute(kind, "title", kindHelpCode(column.kind));
      meta.append(kind);
      const missing = localize(el("span", "missing"), "page.n_missing", { count: column.missing });
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
        const td = el("td");
        if (value === "") {
          localize(td, "page.empty_cell");
          td.classList.add("is-missing");
        } else {
          td.textContent = clip(value, CELL_CHARS);
          td.title = clip(value, TITLE_CHARS);
          td.setAttribute("data-user", "");
        }
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
        localize(badge, `kind.${state.kind}`);
        localizeAttribute(badge, "title", kindHelpCode(state.kind));
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
    if (state.kind !== state.detectedKind) localize(row.changed, "page.kind_changed", { kind: kindLabel(state.detectedKind) });
    else unlocalize(row.changed);
    row.use.checked = state.used;
    row.use.disabled = this.choicesLocked || state.isTarget || !usable;
    if (state.isTarget) localizeAttribute(row.useCell, "title", "page.use_target");
    else if (!usable) localizeAttribute(row.useCell, "title", "page.use_unusable", { kind: { code: kindHelpCode(state.kind), params: {} } });
    else localizeAttribute(row.useCell, "title", state.used ? "page.use_used" : "page.use_left_out");
    if (state.isTarget) localize(row.role, "page.role_target");
    else if (!state.used) localize(row.role, "page.role_unused");
    else unlocalize(row.role);
    row.role.classList.toggle("is-target", state.isTarget);
  }

  /** Lock the column choices and the sheet while a search runs or data loads. */
  setChoicesLocked(locked) {
    this.choicesLocked = locked;
    for (const row of this.profileRows.values()) row.select.disabled = locked;
    this.$sheetSelect.disabled = locked;
    this.$encodingSelect.disabled = locked;
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
      option.setAttribute("data-user", "");
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
      unlocalize(this.$targetHint);
      this.$taskQuestion.hidden = true;
    } else {
      const shown = kind || column.kind;
      const code = shown === "identifier" ? "page.target_hint_identifier" : shown === "constant" ? "page.target_hint_constant" : column.distinct === 1 ? "page.target_hint_one" : "page.target_hint";
      localize(this.$targetHint, code, { distinct: column.distinct, missing: column.missing });
      if (column.taskQuestion) localizeNote(this.$taskQuestionText, column.taskQuestion);
      else unlocalize(this.$taskQuestionText);
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
    const help = { code: `task_help.${task}`, params: {} };
    if (!suggested) localize(this.$taskHint, `task_help.${task}`);
    else if (task === suggested) localize(this.$taskHint, "page.task_suggested", { help });
    else localize(this.$taskHint, "page.task_changed", { help, suggested: taskLabel(suggested) });
    this.$answerClassification.setAttribute("aria-pressed", String(task === "classification"));
    this.$answerRegression.setAttribute("aria-pressed", String(task === "regression"));
    this.renderMetricChoice();
  }

  /**
   * The metrics of the chosen task, as the engine's catalogue lists them, its default first
   * said as the usual choice; a choice still open to the task is kept. Hidden for a task
   * without them (forecasting, whose backtests are scored by MASE).
   */
  renderMetricChoice() {
    const task = catalogue.tasks.find((t) => t.name === this.$taskSelect.value);
    this.$metricField.hidden = !task;
    if (!task) return;
    const before = this.$metricSelect.value;
    const names = [task.defaultMetric, ...task.metrics.filter((m) => m !== task.defaultMetric)];
    this.$metricSelect.replaceChildren(...names.map((name) => {
      const option = name === task.defaultMetric
        ? localize(el("option"), "page.metric_default", { metric: metricLabel(name) })
        : localize(el("option"), `metric.${name}`);
      option.value = name;
      return option;
    }));
    this.$metricSelect.value = names.includes(before) ? before : task.defaultMetric;
    this.renderMetricHint();
  }

  /** What the chosen metric measures; for categories, that balanced accuracy is the usual choice and when accuracy is better. */
  renderMetricHint() {
    const metric = this.$metricSelect.value;
    if (!metric) return unlocalize(this.$metricChoiceHint);
    const help = { code: `metric_help.${metric}`, params: {} };
    if (this.$taskSelect.value === "classification") localize(this.$metricChoiceHint, "page.metric_choice_classes", { help });
    else localize(this.$metricChoiceHint, help.code);
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
    localize(this.$targetCheckStatus, "page.checking_target", { target: targetName });
  }

  /** Show a TargetCheck: rows per class (classification) or the values, missing rows, warnings. */
  showTargetCheck(check, column) {
    this.$targetCheck.hidden = false;
    this.$targetCheck.classList.remove("is-stale");
    this.$targetCheck.dataset.state = "done";
    const missing = Number(check.missing) || 0;
    localize(this.$targetCheckStatus, missing === 0 ? "page.target_complete" : missing === 1 ? "page.target_missing_one" : "page.target_missing", {
      count: missing,
      target: check.target,
    });

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
    localize(this.$targetCheckStatus, "page.target_check_failed", { target: targetName });
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
    this.renderMetricChoice();
  }

  setSettingsDefaults({ timeBudgetS, seed }) {
    this.$budgetInput.value = String(timeBudgetS);
    this.$seedInput.value = String(seed);
  }

  // ---- running -----------------------------------------------------------------------------

  /** `handler({ targetIndex, task, timeBudget, seed, metric })`, raw values as typed. */
  bindStart(handler) {
    this.$start.addEventListener("click", () =>
      handler({
        targetIndex: Number(this.$targetSelect.value),
        task: this.$taskSelect.value,
        timeBudget: this.$budgetInput.value,
        seed: this.$seedInput.value,
        metric: this.$metricSelect.value,
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
      this.$targetSelect, this.$taskSelect, this.$budgetInput, this.$seedInput, this.$metricSelect,
      this.$answerClassification, this.$answerRegression,
    ]) {
      input.disabled = running;
    }
    this.setLoadingEnabled(!running);
    this.setChoicesLocked(running || loading);
  }

  /**
   * Mark the run's panels (progress, best model, leaderboard) as made with other choices, or
   * not. `info`: { target, task, newData } of the run shown.
   */
  setStale(stale, info) {
    this.$runSection.dataset.stale = String(Boolean(stale));
    showStaleNote(this.$runStale, stale, info);
  }

  /** Empty the run area for a new search scored with `metric`. */
  resetRun(metric, budgetS) {
    this.$runSection.hidden = false;
    this.$leaderboardBody.replaceChildren();
    this.$overfitExplain.hidden = true;
    this.$leaderboardEmpty.hidden = false;
    localize(this.$leaderboardEmpty, "page.leaderboard_empty");
    this.$leaderboardMore.hidden = true;
    this.setMetric(metric);
    this.hideBest();
    this.showProgress(0, budgetS, "page.progress_starting");
  }

  /** Hide everything about the previous run (new data was loaded). */
  hideRun() {
    this.$runSection.hidden = true;
    this.$leaderboardBody.replaceChildren();
    this.hideBest();
  }

  setMetric(metric) {
    localize(this.$scoreHeader, "page.score_header", { metric: metricLabel(metric) });
    this.$scoreHeader.dataset.metric = metric;
    metricHint(this.$metricHint, metric, "page.metric_hint_cv");
    setTerm(this.$metricHelp, metricTerm(metric));
  }

  /** The bar at `elapsedS` of `budgetS`, and the line under it: the entry `code`. */
  showProgress(elapsedS, budgetS, code, params = {}) {
    const max = typeof budgetS === "number" && budgetS > 0 ? budgetS : 1;
    const value = typeof elapsedS === "number" && Number.isFinite(elapsedS) ? elapsedS : 0;
    this.$progress.max = max;
    this.$progress.value = Math.min(Math.max(value, 0), max);
    localize(this.$progressText, code, params);
    this.announce(code, params);
  }

  /**
   * Say the entry `code` in the search's live region, at most once every ANNOUNCE_MS: a screen reader
   * hears the progress about once a second, not once per trial (the last text always comes).
   */
  announce(code, params) {
    this.announced = { code, params };
    const now = Date.now();
    const wait = (this.announcedAt || 0) + ANNOUNCE_MS - now;
    if (wait <= 0 && !this.announceTimer) {
      this.announcedAt = now;
      localize(this.$progressLive, code, params);
      return;
    }
    if (this.announceTimer) return;
    this.announceTimer = setTimeout(() => {
      this.announceTimer = null;
      this.announcedAt = Date.now();
      localize(this.$progressLive, this.announced.code, this.announced.params);
    }, Math.max(wait, 0));
  }

  /** A trial finished: "Trials: n · best so far: x · 3.2 s of 10 s · 6.8 s left". */
  showTrialProgress({ trialsDone, bestSoFar, elapsedS, budgetS, timeLeftS }) {
    if (!(budgetS > 0)) {
      // a run without a time budget (step mode): trials and the searching time only
      this.showProgress(0, 0, "explain.progress_no_budget", { trials: trialsDone, best: bestSoFar, seconds: elapsedS });
      return;
    }
    const params = {
      trials: trialsDone,
      best: formatNumber(bestSoFar),
      elapsed: formatSeconds(elapsedS),
      budget: formatSeconds(budgetS),
    };
    if (budgetS > 0 && typeof timeLeftS === "number") {
      this.showProgress(elapsedS, budgetS, "page.progress_trials_left", { ...params, left: formatSeconds(timeLeftS) });
    } else {
      this.showProgress(elapsedS, budgetS, "page.progress_trials", params);
    }
  }

  showPhase(phase, elapsedS, budgetS) {
    // a run without a time budget (step mode) keeps its trial count and searching time
    if (!(budgetS > 0) && phase !== "refit") return;
    if (phase === "refit") this.showProgress(budgetS, budgetS, "page.status_refitting");
    else this.showProgress(elapsedS, budgetS, "page.progress_searching", { elapsed: formatSeconds(elapsedS), budget: formatSeconds(budgetS) });
  }

  /** The search ended: `trials` models tried (and an ensemble of the best, when `ensemble`). */
  showFinished(elapsedS, budgetS, trials, ensemble = false) {
    this.showProgress(budgetS, budgetS, ensemble ? "page.progress_done_ensemble" : "page.progress_done", {
      models: nModels(trials),
      elapsed: formatSeconds(elapsedS),
    });
  }

  /** Replace the text under the progress bar with the catalogue's entry `code`. */
  showProgressText(code, params = {}) {
    localize(this.$progressText, code, params);
  }

  /** Keep whatever the bar shows and say the search was stopped. */
  showStoppedProgress(trials) {
    localize(this.$progressText, "page.progress_stopped", { models: nModels(trials) });
  }

  leaderboardRowNode(row, rank) {
    const tr = el("tr");
    const failed = typeof row.mean !== "number" || !Number.isFinite(row.mean);
    tr.classList.toggle("is-failed", failed);
    if (row.trial !== undefined) tr.dataset.trial = String(row.trial);
    // The table is one Tab stop: one row at a time is focusable (tabIndex 0), the arrow keys
    // move between rows and Enter opens a row's details (results.js).
    tr.tabIndex = -1;
    tr.append(el("td", "num rank", String(rank)));
    const model = el("td", "model");
    const label = familyLabel(row);
    model.append(localize(el("span", "model-label"), label.code, label.params));
    if (row.trial !== undefined) model.append(localize(el("span", "trial-number"), "page.trial_ref", { trial: row.trial }));
    const rung = row.rung;
    if (rung && Array.isArray(rung.epochs) && rung.epochs.length > 1) {
      // successive halving: the rung, or where the network stopped (its reason as the tooltip)
      const stopped = rung.stopped && typeof rung.stopped.code === "string";
      const badge = stopped
        ? localize(el("span", "rung-badge is-stopped"), "page.rung_stopped_badge", { rung: rung.rung + 1 })
        : localize(el("span", "rung-badge"), "page.rung_badge", { rung: rung.rung + 1, rungs: rung.epochs.length });
      if (stopped) {
        localizeAttribute(badge, "title", rung.stopped.code, rung.stopped.params || {});
        tr.classList.add("is-stopped");
      }
      badge.dataset.testid = "rung-badge";
      model.append(" ", badge);
    }
    tr.append(model);
    tr.append(showParams(el("td", "params"), row.params));
    const score = el("td", "num score", formatScore(row.mean, row.std));
    if (!failed) score.dataset.mean = String(row.mean);
    tr.append(score);
    const train = el("td", "num train-score", typeof row.trainScore === "number" ? formatNumber(row.trainScore) : "—");
    if (typeof row.trainScore === "number") train.dataset.value = String(row.trainScore);
    if (row.overfit && typeof row.overfit.code === "string") {
      // the core's rule flagged it: a badge, its sentence as the tooltip, the explanation below
      tr.classList.add("is-overfit");
      const badge = localize(el("span", "overfit-badge"), "explain.overfit_badge");
      localizeAttribute(badge, "title", row.overfit.code, row.overfit.params || {});
      train.append(" ", badge);
      this.showOverfitExplanation();
    }
    tr.insertBefore(train, score.nextSibling);
    tr.append(el("td", "num fit-time", formatNumber(row.fitTimeS)));
    return tr;
  }

  /** What overfitting means, under the leaderboard (shown once a row is flagged). */
  showOverfitExplanation() {
    const limits = (catalogue && catalogue.limits) || {};
    localize(this.$overfitExplain, "explain.overfit_explain", { gap: limits.overfitGap, ratio: limits.overfitRatio });
    this.$overfitExplain.hidden = false;
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
      first.querySelector("td.model").append(localize(el("span", "badge"), "page.badge_best"));
    }
  }

  /** Keep one row of the leaderboard in the Tab order (the first, unless another has it). */
  keepOneTabStop() {
    const rows = [...this.$leaderboardBody.rows];
    const stops = rows.filter((tr) => tr.tabIndex === 0);
    if (stops.length === 1) return;
    const keep = stops.find((tr) => tr === document.activeElement) || stops[0] || rows[0];
    for (const tr of rows) tr.tabIndex = tr === keep ? 0 : -1;
  }

  /** Say how many rows of `total` are not in the table (only the best `shown` are). */
  showLeaderboardMore(shown, total) {
    const hiddenRows = total - shown;
    this.$leaderboardMore.hidden = hiddenRows <= 0;
    if (hiddenRows > 0) localize(this.$leaderboardMore, "page.leaderboard_more", { shown, models: nModels(total) });
    else unlocalize(this.$leaderboardMore);
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
      this.keepOneTabStop();
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
    localize(this.$leaderboardEmpty, "page.leaderboard_none");
    this.showLeaderboardMore(rows.length, allRows.length);
    this.markBest();
    this.keepOneTabStop();
  }

  /** After Start: the keyboard's focus goes to the search's progress. */
  focusProgress() {
    this.$progress.focus({ preventScroll: false });
  }

  /**
   * After the search: the focus goes to the best model, unless the person has moved it
   * elsewhere meanwhile (it is still on the progress bar, the Stop button or nowhere).
   */
  focusBest() {
    const active = document.activeElement;
    const untouched = !active || active === document.body || active === this.$progress || active === this.$stop || active === this.$start;
    if (untouched && !this.$bestPanel.hidden) this.$bestPanel.focus({ preventScroll: false });
  }

  leaderboardSize() {
    return this.$leaderboardBody.rows.length;
  }

  /** The "Best model" panel for a SearchResult. */
  showBest(result) {
    const best = result.best || {};
    const row = best.row || {};
    const metric = row.metric || result.metric;
    const label = familyLabel(row);
    if (label.code === "page.ensemble_label") localize(this.$bestLabel, label.code, label.params);
    else localize(this.$bestLabel, "page.model_with_trial", { model: label, trial: row.trial });
    this.$bestEnding.hidden = result.ending !== "stopped" && result.ending !== "chosen";
    this.$bestEnding.dataset.ending = result.ending || "finished";
    if (result.ending === "stopped") localize(this.$bestEnding, "page.best_stopped_early");
    else if (result.ending === "chosen") localize(this.$bestEnding, "page.best_chosen");
    else unlocalize(this.$bestEnding);
    this.showWhy(result);
    showParams(this.$bestParams, row.params);
    const nFolds = Number.isInteger(result.folds) && result.folds > 0
      ? result.folds
      : Array.isArray(row.foldScores) ? row.foldScores.length : 0;
    localize(this.$bestScoreName, "page.best_score_mean", { metric: metricLabel(metric), folds: nFolds });
    this.$bestScore.textContent = formatScore(row.mean, row.std);
    this.$bestScore.dataset.metric = metric || "";
    localize(this.$bestData, "page.data_used", {
      rows: result.nRows,
      columns: Number.isInteger(result.nColumns) ? result.nColumns : result.nFeatures,
      features: result.nFeatures,
      task: taskLabel(result.task),
    });
    localize(this.$bestRefit, "page.seconds", { s: formatNumber(best.refitTimeS) });
    // the explain phase runs after the search's budget (bounded by a share of it): say so
    const explainS = result.diagnostics && Number(result.diagnostics.seconds);
    const total = { elapsed: formatSeconds(result.elapsedS), budget: formatSeconds(result.budgetS) };
    if (explainS >= 0.05) localize(this.$bestTotal, "page.best_total_explained", { ...total, explain: formatSeconds(explainS) });
    else if (explainS > 0) localize(this.$bestTotal, "page.best_total_explained_quick", total);
    else localize(this.$bestTotal, "page.best_total_line", total);

    const notes = Array.isArray(result.notes) ? result.notes : [];
    this.$bestNotes.replaceChildren(...notes.map((note) => localizeNote(el("li"), note)));
    this.$bestNotesBox.hidden = notes.length === 0;
    this.$bestPanel.hidden = false;
  }

  /** "Why this model": the engine's paragraph, and the simplest model within the spread. */
  showWhy(result) {
    const why = result.why;
    const messages = why && Array.isArray(why.messages) ? why.messages : [];
    this.$whyBox.hidden = messages.length === 0;
    localize(this.$whyTitle, "page.why_title");
    // the engine's sentences (at most three), each a message rendered in the page's language
    localize(this.$whyText, "page.why_sentences", { s0: messages[0] || "", s1: messages[1] || "", s2: messages[2] || "" });
    const simplest = why && Number.isInteger(why.simplest) ? why.simplest : null;
    const shown = simplest !== null && !(result.best && result.best.row && result.best.row.trial === simplest);
    this.$chooseSimplest.hidden = !shown;
    this.$chooseSimplest.dataset.trial = shown ? String(simplest) : "";
    if (shown) localize(this.$chooseSimplest, "page.choose_simplest", { trial: simplest });
    else unlocalize(this.$chooseSimplest);
  }

  hideBest() {
    this.$bestPanel.hidden = true;
  }
}
