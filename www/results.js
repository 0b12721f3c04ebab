// The results views: the search curve, leaderboard sorting and row details, the out-of-fold
// diagnostics (classification and regression), explanations, the model file (download, load,
// what it is), predictions on a new file, the what-if form and the HTML report.
//
// Like view.js it renders user text with textContent only and draws with charts.js; unlike
// view.js it also asks the worker for predictions and explanations (through the bridge the
// controller hands it), since those requests belong to these views alone.
import { barChart, heatmap, histogram, lineChart, marker, scatterChart, formatValue } from "./charts.js";
import {
  calibrationBins, confusionMatrix, foldBars, perClassMetrics, prCurve, predictAtThreshold, predictionsCsv,
  regressionSummary, residuals, rocCurve, rowNormalize, searchCurve, sortRows, summary,
} from "./diagnostics.js";
import { buildReport } from "./report.js";
import { formatNumber, formatParams, formatScore, formatSeconds, metricName } from "./view.js";

/** Partial dependence plots shown (the most important features first). */
const PD_FEATURES = 4;
/** Importance bars shown (the most important first). */
const IMPORTANCE_BARS = 15;
/** Prediction rows shown in the table (the CSV has them all). */
const PREDICTION_ROWS = 200;
/** What-if requests wait this long after the last keystroke. */
const WHATIF_DELAY_MS = 200;
/** The live search curve is redrawn at most this often. */
const CURVE_INTERVAL_MS = 300;

function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The page is missing #${id}.`);
  return node;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function messageOf(err) {
  return err && typeof err.message === "string" && err.message ? err.message : String(err);
}

/** Offer `blob` as a download named `name` (an <a download> click; nothing leaves the page). */
export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file name made from user text: letters, digits, - and _ only. */
export function safeFileName(text, fallback = "model") {
  const cleaned = String(text || "").normalize("NFKD").replace(/[^\w-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
  return cleaned || fallback;
}

function pct(v) {
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : "—";
}

function addFact(dl, term, value) {
  const div = el("div");
  div.append(el("dt", "", term), el("dd", "", value));
  dl.append(div);
  return div;
}

export class Results {
  /**
   * `bridge`: the WorkerBridge. `hooks`: { showError(message), context() -> { inspection,
   * fileName } | null (the loaded data), engineVersion() }.
   */
  constructor(bridge, hooks) {
    this.bridge = bridge;
    this.hooks = hooks;
    this.trials = [];
    this.rows = new Map();
    this.running = false;
    this.sort = { key: "rank", ascending: true };
    this.result = null;
    this.settings = null;
    this.modelFile = null;
    this.modelInfo = null;
    this.prediction = null;
    this.whatifRows = [];
    this.whatifSeq = 0;
    this.whatifTimer = null;
    this.curveTimer = null;
    this.threshold = 0.5;

    this.$curveBox = byId("search-curve-box");
    this.$curve = byId("search-curve");
    this.$leaderboard = byId("leaderboard");
    this.$leaderboardBody = byId("leaderboard-body");
    this.$detail = byId("row-detail");
    this.$detailTitle = byId("row-detail-title");
    this.$detailFacts = byId("row-detail-facts");
    this.$detailParams = byId("row-detail-params");
    this.$detailFolds = byId("row-detail-folds");

    this.$results = byId("results-section");
    this.$classDiag = byId("classification-diagnostics");
    this.$normalize = byId("matrix-normalize");
    this.$thresholdBox = byId("threshold-box");
    this.$threshold = byId("threshold-input");
    this.$thresholdValue = byId("threshold-value");
    this.$thresholdPositive = byId("threshold-positive");
    this.$matrix = byId("confusion-matrix");
    this.$classSummary = byId("class-summary");
    this.$classTable = byId("class-table-body");
    this.$binaryCurves = byId("binary-curves");
    this.$roc = byId("roc-curve");
    this.$pr = byId("pr-curve");
    this.$calibrationBox = byId("calibration-box");
    this.$calibration = byId("calibration");
    this.$regDiag = byId("regression-diagnostics");
    this.$regSummary = byId("regression-summary");
    this.$predActual = byId("predicted-actual");
    this.$residPred = byId("residuals-predicted");
    this.$residHist = byId("residual-histogram");
    this.$explanations = byId("explanations");
    this.$importanceMethod = byId("importance-method");
    this.$importance = byId("importance");
    this.$pd = byId("partial-dependence");
    this.$diagMissing = byId("diagnostics-missing");

    this.$modelNone = byId("model-none");
    this.$modelInfo = byId("model-info");
    this.$downloadModel = byId("download-model");
    this.$modelInput = byId("model-input");
    this.$predictArea = byId("predict-area");
    this.$predictInput = byId("predict-input");
    this.$downloadPredictions = byId("download-predictions");
    this.$predictStatus = byId("predict-status");
    this.$predictNotes = byId("predict-notes");
    this.$predictions = byId("predictions-table");
    this.$whatifRow = byId("whatif-row");
    this.$whatifForm = byId("whatif-form");
    this.$whatifPrediction = byId("whatif-prediction");
    this.$whatifProbabilities = byId("whatif-probabilities");
    this.$whatifMethod = byId("whatif-method");
    this.$whatifContributions = byId("whatif-contributions");

    this.bind();
  }

  bind() {
    for (const button of this.$leaderboard.querySelectorAll("button.sort-button")) {
      button.addEventListener("click", () => this.sortBy(button.dataset.sort));
    }
    const openRow = (event) => {
      const tr = event.target.closest("tr");
      if (tr && tr.dataset.trial !== undefined) this.showDetail(Number(tr.dataset.trial));
    };
    this.$leaderboardBody.addEventListener("click", openRow);
    this.$leaderboardBody.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        openRow(event);
      }
    });
    byId("row-detail-close").addEventListener("click", () => {
      this.$detail.hidden = true;
    });
    this.$normalize.addEventListener("change", () => this.renderMatrix());
    this.$threshold.addEventListener("input", () => {
      this.threshold = Number(this.$threshold.value);
      this.renderMatrix();
    });
    byId("download-report").addEventListener("click", () => this.guard(() => this.downloadReport()));
    this.$downloadModel.addEventListener("click", () => this.downloadModel());
    this.$modelInput.addEventListener("change", () => {
      const file = this.$modelInput.files && this.$modelInput.files[0];
      this.$modelInput.value = "";
      if (file) this.guard(() => this.loadModelFile(file));
    });
    this.$predictInput.addEventListener("change", () => {
      const file = this.$predictInput.files && this.$predictInput.files[0];
      this.$predictInput.value = "";
      if (file) this.guard(() => this.predictFile(file));
    });
    this.$downloadPredictions.addEventListener("click", () => this.downloadPredictions());
    this.$whatifRow.addEventListener("change", () => this.fillWhatIf(Number(this.$whatifRow.value)));
    this.$whatifForm.addEventListener("input", () => this.scheduleWhatIf());
    this.$whatifForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.scheduleWhatIf(0);
    });
  }

  /** Run `fn`; an error goes to the page's error box. */
  async guard(fn) {
    try {
      await fn();
    } catch (err) {
      if (err && err.name === "Cancelled") return;
      this.hooks.showError(messageOf(err));
    }
  }

  // ---- the search: live curve, leaderboard sorting and details --------------------------------

  /** A new search starts with `settings` (RunSettings). */
  startRun(settings) {
    this.settings = settings;
    this.trials = [];
    this.rows.clear();
    this.running = true;
    this.result = null;
    this.$detail.hidden = true;
    this.$results.hidden = true;
    this.$curve.replaceChildren();
    this.$curveBox.hidden = false;
    this.setSort("rank", true, false);
    this.setSortEnabled(false);
  }

  /** A trial finished (a Progress event of kind "trial"). */
  addTrial(event) {
    const row = event.row;
    if (row && row.trial !== undefined) this.rows.set(Number(row.trial), row);
    this.trials.push({ elapsedS: event.elapsedS, score: row ? row.mean : NaN, trial: row && row.trial });
    if (!this.curveTimer) {
      this.curveTimer = setTimeout(() => {
        this.curveTimer = null;
        this.renderCurve();
      }, CURVE_INTERVAL_MS);
    }
  }

  /** The search ended (done, stopped or failed): the table can be sorted. */
  runEnded() {
    this.running = false;
    this.setSortEnabled(true);
    if (this.curveTimer) {
      clearTimeout(this.curveTimer);
      this.curveTimer = null;
    }
    if (this.trials.length) this.renderCurve();
  }

  renderCurve() {
    const { points, best } = searchCurve(this.trials);
    if (points.length === 0) return;
    const metric = (this.result && this.result.metric) || (this.settings && this.settings.task === "regression" ? "r2" : "accuracy");
    const bestScore = best.length ? best[best.length - 1].y : NaN;
    const chart = scatterChart({
      title: `Search: ${points.length} models, best ${metricName(metric)} ${formatNumber(bestScore)}`,
      points: points.map((p) => ({ ...p, className: p.y === bestScore ? "is-best" : "", title: `trial ${p.trial}: ${formatNumber(p.y)} at ${formatSeconds(p.x)} s` })),
      lines: [{ name: "best so far", points: best, step: true }],
      xLabel: "seconds since the start",
      yLabel: metricName(metric),
      xDomain: [0, Math.max(1e-3, ...points.map((p) => p.x)) * 1.02],
    });
    chart.dataset.testid = "search-curve-chart";
    this.$curve.replaceChildren(chart);
  }

  setSortEnabled(enabled) {
    for (const button of this.$leaderboard.querySelectorAll("button.sort-button")) {
      button.disabled = !enabled;
      button.title = enabled ? "Sort by this column" : "Sorting is available when the search ends";
    }
    for (const tr of this.$leaderboardBody.rows) tr.tabIndex = 0;
  }

  /** Sort by `key`; the same key again flips the direction. */
  sortBy(key) {
    if (this.running) return;
    const ascending = this.sort.key === key ? !this.sort.ascending : key === "rank" || key === "model" || key === "fitTime";
    this.setSort(key, ascending, true);
  }

  setSort(key, ascending, apply) {
    this.sort = { key, ascending };
    for (const th of this.$leaderboard.tHead.querySelectorAll("th[data-sort]")) {
      if (th.dataset.sort === key) th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    }
    if (!apply) return;
    const trs = [...this.$leaderboardBody.rows];
    const byTrial = new Map(trs.map((tr) => [tr.dataset.trial, tr]));
    const rows = trs.map((tr) => this.rows.get(Number(tr.dataset.trial))).filter(Boolean);
    const sorted = sortRows(rows, key, ascending);
    this.$leaderboardBody.append(...sorted.map((row) => byTrial.get(String(row.trial))));
  }

  /** The detail view of leaderboard row `trial`. */
  showDetail(trial) {
    const row = this.rows.get(trial);
    if (!row) return;
    const metric = row.metric || (this.result && this.result.metric);
    this.$detailTitle.textContent = `${row.label || row.family || "Model"} (trial ${row.trial})`;
    this.$detailFacts.replaceChildren();
    addFact(this.$detailFacts, `Cross-validated ${metricName(metric)}`, formatScore(row.mean, row.std));
    addFact(this.$detailFacts, "Rank", row.rank !== undefined ? String(row.rank) : "—");
    addFact(this.$detailFacts, "Fit time (all splits)", `${formatNumber(row.fitTimeS)} s`);
    if (typeof row.predictTimeS === "number") addFact(this.$detailFacts, "Predict time", `${formatNumber(row.predictTimeS)} s`);
    const params = row.params && typeof row.params === "object" ? row.params : {};
    const body = [];
    if (Array.isArray(params.members)) {
      for (const m of params.members) body.push([`${m.model} (trial ${m.trial})`, `weight ${m.weight}`]);
    } else {
      for (const [name, value] of Object.entries(params)) body.push([name, formatParams({ [name]: value }).replace(/^[^=]*=/, "")]);
    }
    if (body.length === 0) body.push(["—", "defaults"]);
    this.$detailParams.replaceChildren(...body.map(([name, value]) => {
      const tr = el("tr");
      tr.append(el("th", "", name), el("td", "", value));
      tr.firstChild.scope = "row";
      return tr;
    }));
    const folds = Array.isArray(row.foldScores) ? row.foldScores.filter(Number.isFinite) : [];
    this.$detailFolds.replaceChildren();
    if (folds.length) {
      this.$detailFolds.append(barChart({
        title: `${metricName(metric)} on each validation split`,
        bars: foldBars(row.foldScores),
        valueLabel: metricName(metric),
        height: 260,
      }));
    }
    this.$detail.hidden = false;
    this.$detail.focus({ preventScroll: false });
  }

  // ---- the result: diagnostics and explanations ----------------------------------------------

  /** Hide everything about a run (new data was loaded). */
  clearRun() {
    this.running = false;
    this.result = null;
    this.trials = [];
    this.rows.clear();
    this.$curveBox.hidden = true;
    this.$curve.replaceChildren();
    this.$detail.hidden = true;
    this.$results.hidden = true;
  }

  /** A search finished: `result` is the SearchResult (with `diagnostics`, `modelFile`). */
  async showResult(result, settings) {
    this.result = result;
    if (settings) this.settings = settings;
    for (const row of result.leaderboard || []) this.rows.set(Number(row.trial), row);
    this.runEnded();
    this.renderDiagnostics();
    this.$results.hidden = false;
    const modelFile = result.modelFile || null;
    if (modelFile) await this.guard(() => this.setModel(modelFile, "search"));
  }

  renderDiagnostics() {
    const result = this.result;
    const diag = result.diagnostics || null;
    const oof = diag && diag.outOfFold;
    this.$classDiag.hidden = true;
    this.$regDiag.hidden = true;
    this.$explanations.hidden = true;
    this.$diagMissing.hidden = Boolean(oof);
    this.$diagMissing.textContent = oof ? "" : "This run has no out-of-fold predictions to show.";
    if (oof && result.task === "classification") this.renderClassification(oof, result.classes || []);
    if (oof && result.task === "regression") this.renderRegression(oof, result.target);
    if (diag && diag.importance) this.renderExplanations(diag, result);
  }

  renderClassification(oof, classes) {
    this.classes = classes.map(String);
    this.oof = oof;
    const binary = this.classes.length === 2 && Array.isArray(oof.probabilities);
    this.binary = binary;
    this.$classDiag.hidden = false;
    this.$thresholdBox.hidden = !binary;
    this.$binaryCurves.hidden = !binary;
    this.$calibrationBox.hidden = !binary;
    this.threshold = 0.5;
    this.$threshold.value = "0.5";
    if (binary) {
      const positive = this.classes[1];
      this.$thresholdPositive.textContent = `“${positive}”`;
      const isPositive = oof.actual.map((a) => String(a) === positive);
      const scores = oof.probabilities.map((p) => Number(p[1]));
      this.positiveScores = scores;
      const roc = rocCurve(isPositive, scores);
      const pr = prCurve(isPositive, scores);
      this.$roc.replaceChildren();
      this.$pr.replaceChildren();
      if (roc) {
        const chart = lineChart({
          title: `ROC curve (AUC ${roc.auc.toFixed(3)})`,
          series: [
            { name: "model", points: roc.points.map((p) => ({ x: p.fpr, y: p.tpr })) },
            { name: "chance", points: [{ x: 0, y: 0 }, { x: 1, y: 1 }], className: "dashed" },
          ],
          xLabel: `false positive rate (“${this.classes[0]}” called “${positive}”)`,
          yLabel: `true positive rate (“${positive}” found)`,
          xDomain: [0, 1],
          yDomain: [0, 1],
        });
        chart.dataset.auc = String(roc.auc);
        this.$roc.append(chart);
      }
      if (pr) {
        const chart = lineChart({
          title: `Precision-recall (average precision ${pr.averagePrecision.toFixed(3)})`,
          series: [
            { name: "model", points: pr.points.map((p) => ({ x: p.recall, y: p.precision })), step: false },
            { name: "chance", points: [{ x: 0, y: pr.baseline }, { x: 1, y: pr.baseline }], className: "dashed" },
          ],
          xLabel: `recall (share of “${positive}” found)`,
          yLabel: "precision",
          xDomain: [0, 1],
          yDomain: [0, 1],
        });
        chart.dataset.averagePrecision = String(pr.averagePrecision);
        this.$pr.append(chart);
      }
      const bins = calibrationBins(isPositive, scores, 10);
      this.$calibration.replaceChildren(lineChart({
        title: "Calibration (reliability)",
        series: [
          { name: "model", points: bins.map((b) => ({ x: b.meanPredicted, y: b.observed, title: `${b.count} rows: predicted ${pct(b.meanPredicted)}, observed ${pct(b.observed)}` })), markers: true },
          { name: "perfect", points: [{ x: 0, y: 0 }, { x: 1, y: 1 }], className: "dashed" },
        ],
        xLabel: `predicted probability of “${positive}”`,
        yLabel: `observed share of “${positive}”`,
        xDomain: [0, 1],
        yDomain: [0, 1],
      }));
    }
    this.renderMatrix();
  }

  /** The confusion matrix and the per-class table, at the current threshold (binary). */
  renderMatrix() {
    if (!this.oof || !this.classes) return;
    const { classes, oof } = this;
    const predicted = this.binary
      ? predictAtThreshold(this.positiveScores, this.threshold, classes[0], classes[1])
      : oof.predicted.map(String);
    this.$thresholdValue.textContent = this.threshold.toFixed(2);
    const counts = confusionMatrix(oof.actual.map(String), predicted, classes);
    const normalized = this.$normalize.checked;
    const shown = normalized ? rowNormalize(counts) : counts;
    const chart = heatmap({
      title: normalized ? "Confusion matrix (share of each actual category)" : "Confusion matrix (rows)",
      rowLabels: classes,
      colLabels: classes,
      values: shown,
      text: shown.map((row) => row.map((v) => (normalized ? pct(v) : String(v)))),
      max: normalized ? 1 : undefined,
      xLabel: "predicted",
      yLabel: "actual",
    });
    chart.dataset.counts = JSON.stringify(counts);
    this.$matrix.replaceChildren(chart);
    if (this.binary) {
      // The threshold's point on the ROC curve: its false and true positive rates.
      const [[tn, fp], [fn, tp]] = counts;
      const roc = this.$roc.querySelector("svg.chart");
      if (roc && tn + fp > 0 && tp + fn > 0) {
        marker(roc, { x: fp / (tn + fp), y: tp / (tp + fn), title: `threshold ${this.threshold.toFixed(2)}` });
      }
    }
    const metrics = perClassMetrics(counts, classes);
    const s = summary(counts, metrics);
    this.$classSummary.textContent = `${s.total} rows predicted out of fold: accuracy ${s.accuracy.toFixed(3)}, macro F1 ${s.f1.toFixed(3)}` +
      (this.binary ? ` (threshold ${this.threshold.toFixed(2)})` : "");
    this.$classTable.replaceChildren(...metrics.map((m) => {
      const tr = el("tr");
      tr.dataset.label = m.label;
      const th = el("th", "", m.label);
      th.scope = "row";
      tr.append(th, el("td", "num", m.precision.toFixed(3)), el("td", "num", m.recall.toFixed(3)), el("td", "num", m.f1.toFixed(3)), el("td", "num", String(m.support)));
      return tr;
    }));
  }

  renderRegression(oof, target) {
    this.oof = null;
    this.$regDiag.hidden = false;
    const actual = oof.actual.map(Number);
    const predicted = oof.predicted.map(Number);
    const res = residuals(actual, predicted);
    const s = regressionSummary(actual, predicted);
    this.$regSummary.textContent = `${s.n} rows predicted out of fold: R² ${formatNumber(s.r2)}, RMSE ${formatValue(s.rmse)}, MAE ${formatValue(s.mae)}`;
    const rowTitle = (i) => `row ${Number(oof.rows[i]) + 1}: actual ${formatValue(actual[i])}, predicted ${formatValue(predicted[i])}`;
    this.$predActual.replaceChildren(scatterChart({
      title: "Predicted against actual",
      points: actual.map((a, i) => ({ x: a, y: predicted[i], title: rowTitle(i) })),
      diagonal: true,
      xLabel: `actual ${target}`,
      yLabel: `predicted ${target}`,
    }));
    this.$residPred.replaceChildren(scatterChart({
      title: "Residuals against predicted",
      points: predicted.map((p, i) => ({ x: p, y: res[i], title: rowTitle(i) })),
      hline: 0,
      xLabel: `predicted ${target}`,
      yLabel: "actual − predicted",
    }));
    this.$residHist.replaceChildren(histogram({
      title: "Distribution of the residuals",
      values: res,
      bins: 24,
      xLabel: "actual − predicted",
    }));
  }

  renderExplanations(diag, result) {
    const imp = diag.importance;
    const features = (imp.features || []).slice(0, IMPORTANCE_BARS);
    this.$explanations.hidden = false;
    this.$importanceMethod.textContent = `${imp.method || "Permutation importance"}: how much the ${metricName(result.metric)} drops when a column's values are shuffled` +
      `${imp.heldOut ? ` on ${imp.heldOut}` : ""}${imp.repeats ? `, ${imp.repeats} shuffles per column (the bars show the mean, the whiskers ± one standard deviation)` : ""}.`;
    this.$importance.replaceChildren(barChart({
      title: "Permutation importance",
      bars: features.map((f) => ({ label: f.column, value: f.mean, error: f.std })),
      horizontal: true,
      valueLabel: `drop in ${metricName(result.metric)}`,
    }));
    const order = new Map((imp.features || []).map((f, i) => [f.column, i]));
    const pds = [...(diag.partialDependence || [])]
      .sort((a, b) => (order.get(a.column) ?? 1e9) - (order.get(b.column) ?? 1e9))
      .slice(0, PD_FEATURES);
    const classes = (result.classes || []).map(String);
    this.$pd.replaceChildren(...pds.map((pd) => {
      const box = el("figure", "chart-box");
      box.dataset.column = pd.column;
      box.append(this.pdChart(pd, result, classes));
      return box;
    }));
  }

  pdChart(pd, result, classes) {
    const regression = result.task === "regression";
    const binary = classes.length === 2;
    const yLabel = regression ? `predicted ${result.target}` : binary ? `probability of “${classes[1]}”` : "probability";
    const title = `Partial dependence on ${pd.column}`;
    const points = pd.points || [];
    if (pd.kind === "numeric") {
      const series = regression || binary
        ? [{ name: yLabel, points: points.map((p) => ({ x: Number(p.x), y: Number(p.y[binary ? 1 : 0]) })) }]
        : classes.map((c, k) => ({ name: c, points: points.map((p) => ({ x: Number(p.x), y: Number(p.y[k]) })) }));
      return lineChart({ title, series, xLabel: pd.column, yLabel });
    }
    if (regression || binary) {
      return barChart({ title, bars: points.map((p) => ({ label: String(p.x), value: Number(p.y[binary ? 1 : 0]) })), valueLabel: yLabel, categoryLabel: pd.column });
    }
    return heatmap({
      title,
      rowLabels: classes,
      colLabels: points.map((p) => String(p.x)),
      values: classes.map((_, k) => points.map((p) => Number(p.y[k]))),
      text: classes.map((_, k) => points.map((p) => Number(p.y[k]).toFixed(2))),
      max: 1,
      xLabel: pd.column,
      yLabel: "class",
    });
  }

  // ---- the model file ------------------------------------------------------------------------

  /** Use `modelFile` (Uint8Array): ask what it is, show it, enable predict and what-if. */
  async setModel(modelFile, source) {
    if (typeof this.bridge.modelInfo !== "function") throw new Error("This version of the engine cannot read model files.");
    const info = await this.bridge.modelInfo(modelFile);
    this.modelFile = modelFile;
    this.modelInfo = info;
    this.modelSource = source;
    this.prediction = null;
    this.renderModelInfo();
    this.$predictArea.hidden = false;
    this.$downloadPredictions.hidden = true;
    this.$predictions.hidden = true;
    this.$predictStatus.textContent = "";
    this.$predictNotes.replaceChildren();
    this.buildWhatIfForm();
    const context = this.hooks.context();
    this.setWhatIfRows(context ? this.previewRows(context.inspection, context.fileName) : []);
  }

  renderModelInfo() {
    const info = this.modelInfo;
    const best = info.best || {};
    this.$modelNone.hidden = true;
    this.$modelInfo.hidden = false;
    this.$modelInfo.replaceChildren();
    addFact(this.$modelInfo, "Predicts", `${info.target} (${info.task})`).dataset.testid = "model-target";
    if (Array.isArray(info.classes) && info.classes.length) addFact(this.$modelInfo, "Categories", info.classes.join(", "));
    addFact(this.$modelInfo, "Model", `${best.label || best.family || "—"} · ${metricName(best.metric || info.metric)} ${formatScore(best.mean, best.std)} (cross-validated)`).dataset.testid = "model-best";
    addFact(this.$modelInfo, "Input columns", (info.columns || []).map((c) => c.name).join(", "));
    addFact(this.$modelInfo, "Created with", `${info.createdWith || "?"} (model file format ${info.formatVersion ?? "?"})`).dataset.testid = "model-created";
    addFact(this.$modelInfo, "From", this.modelSource === "search" ? "the search above" : `the file ${this.modelSource}`).dataset.testid = "model-source";
    this.$downloadModel.hidden = false;
  }

  downloadModel() {
    if (!this.modelFile) return;
    const name = `${safeFileName(this.modelInfo && this.modelInfo.target)}.automl`;
    download(name, new Blob([this.modelFile], { type: "application/octet-stream" }));
  }

  async loadModelFile(file) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    await this.setModel(bytes, file.name);
  }

  // ---- predictions on a file -----------------------------------------------------------------

  async predictFile(file) {
    if (!this.modelFile) return;
    const bytes = await file.arrayBuffer();
    this.$predictStatus.textContent = `Predicting ${file.name}…`;
    this.$predictNotes.replaceChildren();
    let reply;
    try {
      reply = await this.bridge.predict(this.modelFile, bytes.slice(0), file.name, {});
    } catch (err) {
      this.$predictStatus.textContent = `Could not predict ${file.name}.`;
      this.$predictions.hidden = true;
      this.$downloadPredictions.hidden = true;
      throw err;
    }
    this.prediction = { fileName: file.name, reply };
    this.renderPredictions();
    // The file's first rows become starting points for the what-if form.
    try {
      const inspection = await this.bridge.inspect(bytes.slice(0), file.name, {});
      this.setWhatIfRows([...this.previewRows(inspection, file.name), ...this.whatifRows.filter((r) => r.source !== file.name)]);
    } catch {
      // The predictions are shown; the what-if form keeps its rows.
    }
  }

  /** Header and rows of the predictions table (probabilities as shares of 1). */
  predictionTable() {
    const { reply } = this.prediction;
    const classes = (reply.classes || []).map(String);
    const withProbabilities = classes.length > 0 && reply.rows.some((r) => Array.isArray(r.probabilities));
    const header = ["Row", `Predicted ${this.modelInfo.target}`, ...(withProbabilities ? classes.map((c) => `P(${c})`) : [])];
    const rows = reply.rows.map((r, i) => [
      i + 1,
      r.prediction,
      ...(withProbabilities ? classes.map((_, k) => (Array.isArray(r.probabilities) ? r.probabilities[k] : "")) : []),
    ]);
    return { header, rows };
  }

  renderPredictions() {
    const { fileName, reply } = this.prediction;
    const { header, rows } = this.predictionTable();
    this.$predictStatus.textContent = `${rows.length} rows of ${fileName} predicted` +
      (rows.length > PREDICTION_ROWS ? ` (the first ${PREDICTION_ROWS} shown; the CSV has them all).` : ".");
    const notes = [...(reply.notes || [])];
    for (const u of reply.unseen || []) {
      if (u && typeof u === "object") notes.push(`“${u.column}”: ${u.count} ${u.count === 1 ? "cell has a value" : "cells have values"} the model never saw in training.`);
      else notes.push(String(u));
    }
    this.$predictNotes.replaceChildren(...notes.map((n) => el("li", "", String(n))));
    const headRow = el("tr");
    headRow.append(...header.map((h, i) => {
      const th = el("th", i === 0 || i > 1 ? "num" : "", h);
      th.scope = "col";
      return th;
    }));
    this.$predictions.tHead.replaceChildren(headRow);
    const fragment = document.createDocumentFragment();
    for (const r of rows.slice(0, PREDICTION_ROWS)) {
      const tr = el("tr");
      tr.append(...r.map((v, i) => el("td", i === 0 || i > 1 ? "num" : "prediction", typeof v === "number" && i > 1 ? v.toFixed(3) : String(v))));
      fragment.append(tr);
    }
    this.$predictions.tBodies[0].replaceChildren(fragment);
    this.$predictions.hidden = false;
    this.$downloadPredictions.hidden = false;
  }

  downloadPredictions() {
    if (!this.prediction) return;
    const base = safeFileName(this.prediction.fileName.replace(/\.[^.]*$/, ""), "data");
    // The same bytes as `automl predict MODEL DATA --out FILE` writes.
    download(`${base}-predictions.csv`, new Blob([predictionsCsv(this.prediction.reply)], { type: "text/csv" }));
  }

  // ---- what if -------------------------------------------------------------------------------

  /** The first rows of an inspected file as { source, label, values: { column: text } }. */
  previewRows(inspection, fileName) {
    if (!inspection || !Array.isArray(inspection.preview)) return [];
    const names = (inspection.columns || []).map((c) => c.name);
    return inspection.preview.map((cells, i) => ({
      source: fileName,
      label: `Row ${i + 1} of ${fileName}`,
      values: Object.fromEntries(names.map((n, j) => [n, cells[j] ?? ""])),
    }));
  }

  setWhatIfRows(rows) {
    this.whatifRows = rows;
    const options = rows.map((r, i) => {
      const o = el("option", "", r.label);
      o.value = String(i);
      return o;
    });
    const blank = el("option", "", "Empty row (missing values)");
    blank.value = "-1";
    this.$whatifRow.replaceChildren(...options, blank);
    this.$whatifRow.value = rows.length ? "0" : "-1";
    this.fillWhatIf(rows.length ? 0 : -1);
  }

  buildWhatIfForm() {
    const columns = (this.modelInfo.columns || []).filter((c) => c.name !== this.modelInfo.target);
    this.$whatifForm.replaceChildren(...columns.map((c, i) => {
      const field = el("div", "field whatif-field");
      const id = `whatif-input-${i}`;
      const label = el("label", "field-label", c.name);
      label.htmlFor = id;
      const input = el("input");
      input.id = id;
      input.type = "text";
      input.dataset.column = c.name;
      input.dataset.kind = c.kind || "";
      if (c.kind === "numeric") input.inputMode = "decimal";
      input.autocomplete = "off";
      field.append(label, input, el("span", "hint", c.kind || ""));
      return field;
    }));
  }

  fillWhatIf(index) {
    const row = this.whatifRows[index];
    for (const input of this.$whatifForm.querySelectorAll("input[data-column]")) {
      input.value = row ? String(row.values[input.dataset.column] ?? "") : "";
    }
    this.scheduleWhatIf(0);
  }

  whatIfValues() {
    const values = {};
    for (const input of this.$whatifForm.querySelectorAll("input[data-column]")) values[input.dataset.column] = input.value;
    return values;
  }

  scheduleWhatIf(delay = WHATIF_DELAY_MS) {
    if (!this.modelFile) return;
    clearTimeout(this.whatifTimer);
    this.whatifTimer = setTimeout(() => this.guard(() => this.runWhatIf()), delay);
  }

  async runWhatIf() {
    const seq = ++this.whatifSeq;
    const row = this.whatIfValues();
    const modelFile = this.modelFile;
    const [predicted, explained] = await Promise.all([
      this.bridge.predictRows(modelFile, [row]),
      this.bridge.explainRow(modelFile, row),
    ]);
    if (seq !== this.whatifSeq || modelFile !== this.modelFile) return;
    const first = predicted.rows[0] || {};
    const classes = (predicted.classes || this.modelInfo.classes || []).map(String);
    this.$whatifPrediction.textContent = typeof first.prediction === "number" ? formatValue(first.prediction) : String(first.prediction ?? "—");
    this.$whatifPrediction.dataset.value = String(first.prediction ?? "");
    this.$whatifProbabilities.replaceChildren(...(Array.isArray(first.probabilities)
      ? classes.map((c, k) => el("li", "", `${c}: ${pct(first.probabilities[k])}`))
      : []));
    this.renderContributions(explained, classes, first);
  }

  /** Per-feature contributions of one row: the base value, then each column's effect. */
  renderContributions(explained, classes, first) {
    const classification = classes.length > 0;
    // The class whose score is explained: the predicted one (the positive one for two classes).
    let k = 0;
    if (classification) {
      k = classes.length === 2 ? 1 : Math.max(0, classes.indexOf(String(first.prediction)));
    }
    const what = classification ? `the score of “${classes[k]}”` : "the prediction";
    this.$whatifMethod.textContent = `${explained.method || "Contributions"}: how each column moved ${what} away from the average (base ${formatValue(Number((explained.base || [])[k]))}).`;
    const contributions = [...(explained.contributions || [])]
      .map((c) => ({ ...c, e: Number((c.effect || [])[k]) }))
      .filter((c) => Number.isFinite(c.e))
      .sort((a, b) => Math.abs(b.e) - Math.abs(a.e))
      .slice(0, IMPORTANCE_BARS);
    const chart = barChart({
      title: `Why this prediction (${what})`,
      bars: contributions.map((c) => ({
        label: `${c.column} = ${c.value === "" || c.value === null || c.value === undefined ? "missing" : c.value}`,
        value: c.e,
        className: c.e < 0 ? "negative" : "positive",
      })),
      horizontal: true,
      valueLabel: `effect on ${what}`,
    });
    this.$whatifContributions.replaceChildren(chart);
  }

  // ---- the report ----------------------------------------------------------------------------

  async downloadReport() {
    if (!this.result) return;
    const css = await (await fetch("charts.css")).text();
    const context = this.hooks.context();
    const figures = (root) => [...root.querySelectorAll("svg.chart")].filter((svg) => !svg.closest("[hidden]"));
    const html = buildReport({
      result: this.result,
      settings: this.settings,
      inspection: context && context.inspection,
      fileName: context && context.fileName,
      engineVersion: this.hooks.engineVersion(),
      chartCss: css,
      sections: [
        { title: "Search", charts: figures(this.$curveBox) },
        { title: "How good is the best model", charts: [...figures(this.$classDiag), ...figures(this.$regDiag)], tables: [this.$classDiag.hidden ? null : this.$classTable.closest("table"), null].filter(Boolean), text: [this.$classDiag.hidden ? this.$regSummary.textContent : this.$classSummary.textContent] },
        { title: "What the model relies on", charts: figures(this.$explanations), text: [this.$importanceMethod.textContent] },
      ],
    });
    download(`report-${safeFileName(this.result.target, "run")}.html`, new Blob([html], { type: "text/html" }));
  }
}
