// A neural network's trial drawn for a class (the leaderboard's row details, and the network
// being trained under the search chart): its layers, from the inputs through each hidden layer
// to the outputs, as columns as tall as they are wide (on a log scale); and its learning curve,
// the training and validation loss of each epoch, with the epoch whose weights were kept and
// the ends of its earlier rungs of successive halving marked. The core sends both with the
// trial (NetworkTrace, RungInfo). Gradient boosting's curve over rounds is drawn the same way.
// Every word is a catalogue entry drawn with localize, so it follows the page's language.

import { d3, drawChart, lineChart, marker, writeWords } from "./charts.js";
import { localize, localizeAttribute, t } from "./i18n.js";

/** @typedef {import("./protocol-types.js").NetworkTrace} NetworkTrace */
/** @typedef {import("./protocol-types.js").RungInfo} RungInfo */
/** @typedef {import("./protocol-types.js").RoundCurve} RoundCurve */

const WIDTH = 560;
const HEIGHT = 220;

/**
 * Words of the catalogue.
 * @param {string} code
 * @param {Record<string, any>} [params]
 */
const words = (code, params = {}) => ({ code, params });

/**
 * A vertical line across the plot of a line chart at `x` (a rung boundary, the rounds kept),
 * with its words as the tooltip.
 * @param {SVGSVGElement} svgNode
 * @param {number} x
 * @param {string} className
 * @param {{ code: string, params?: any }} title
 */
function verticalMark(svgNode, x, className, title) {
  const scales = /** @type {any} */ (svgNode).chartScales;
  if (!scales || !Number.isFinite(x)) return;
  const [top, bottom] = scales.y.range().slice().sort((/** @type {number} */ a, /** @type {number} */ b) => a - b);
  const line = d3.select(svgNode).select("g.plot").append("line").attr("class", className)
    .attr("x1", scales.x(x)).attr("x2", scales.x(x)).attr("y1", top).attr("y2", bottom);
  writeWords(line.append("title").node(), title);
}

/**
 * The layers as an SVG diagram: one column per layer, its height growing with its width.
 * @param {NetworkTrace} trace
 * @param {number} [width] of its box (drawChart's)
 * @returns {SVGSVGElement}
 */
export function layersDiagram(trace, width = WIDTH) {
  const WIDE = Math.max(240, width || WIDTH);
  const layers = trace.layers;
  const title = words("network.layers_title", { layers: layers.join(" → ") });
  const svg = d3.create("svg")
    .attr("class", "chart chart-network")
    .attr("data-chart", "network")
    .attr("viewBox", `0 0 ${WIDE} ${HEIGHT}`)
    .attr("role", "img")
    .attr("xmlns", "http://www.w3.org/2000/svg");
  const node = /** @type {SVGSVGElement} */ (svg.node());
  localizeAttribute(node, "aria-label", title.code, title.params);
  writeWords(svg.append("title").node(), title);
  writeWords(svg.append("text").attr("class", "chart-title").attr("x", 12).attr("y", 20).node(), title);
  const top = 34;
  const bottom = HEIGHT - 30;
  const tallest = Math.log2(Math.max(2, ...layers) + 1);
  const height = (/** @type {number} */ w) => 12 + (bottom - top - 12) * (Math.log2(w + 1) / tallest);
  const step = (WIDE - 80) / Math.max(1, layers.length - 1);
  const mid = (top + bottom) / 2;
  const g = svg.append("g").attr("class", "plot");
  const name = (/** @type {number} */ i) => (i === 0 ? words("network.inputs") : i === layers.length - 1 ? words("network.outputs") : words("network.hidden", { n: i }));
  // the connections between consecutive layers, as bands
  for (let i = 0; i + 1 < layers.length; i += 1) {
    const [x0, x1] = [40 + i * step, 40 + (i + 1) * step];
    const [h0, h1] = [height(layers[i]), height(layers[i + 1])];
    g.append("path").attr("class", "network-link")
      .attr("d", `M${x0},${mid - h0 / 2}L${x1},${mid - h1 / 2}L${x1},${mid + h1 / 2}L${x0},${mid + h0 / 2}Z`);
  }
  layers.forEach((w, i) => {
    const x = 40 + i * step;
    const h = height(w);
    const kind = i === 0 ? "input" : i === layers.length - 1 ? "output" : "hidden";
    const rect = g.append("rect").attr("class", `layer layer-${kind}`)
      .attr("x", x - 9).attr("y", mid - h / 2).attr("width", 18).attr("height", h);
    writeWords(rect.append("title").node(), name(i));
    g.append("text").attr("class", "layer-width").attr("x", x).attr("y", mid - h / 2 - 4).attr("text-anchor", "middle").text(String(w));
    writeWords(g.append("text").attr("class", "axis-label").attr("x", x).attr("y", HEIGHT - 10).attr("text-anchor", "middle").node(), name(i));
  });
  // the inputs that are learned embeddings of categorical columns: the lower part of the
  // inputs' column, as tall as their share of the inputs
  const embedded = embeddingWords(trace);
  if (embedded) {
    const h = height(layers[0]);
    const part = h * Math.min(1, embedded.numbers / Math.max(1, layers[0]));
    const rect = g.append("rect").attr("class", "layer-embedding").attr("data-testid", "network-embeddings")
      .attr("x", 40 - 9).attr("y", mid + h / 2 - part).attr("width", 18).attr("height", part);
    writeWords(rect.append("title").node(), embedded.part);
  }
  // its numbers as a table (drawChart's text alternative): each layer and its width
  /** @type {any} */ (node).chartTable = {
    columns: [t("network.table_layer"), t("network.table_units")],
    rows: layers.map((w, i) => {
      const n = name(i);
      return [t(n.code, n.params), String(w)];
    }),
  };
  if (embedded) {
    /** @type {any} */ (node).chartTable.rows.splice(1, 0, [t("network.table_embeddings"), String(embedded.numbers)]);
  }
  return node;
}

/**
 * What a network's learned embeddings of categorical columns add to its inputs, in words: the
 * inputs they give (`part`, the diagram's) and the sentence of the facts; null without any.
 * @param {NetworkTrace} trace
 * @returns {{ numbers: number, part: { code: string, params: Record<string, any> }, sentence: { code: string, params: Record<string, any> } } | null}
 */
export function embeddingWords(trace) {
  const list = Array.isArray(trace.embeddings) ? trace.embeddings : [];
  if (list.length === 0) return null;
  const numbers = list.reduce((sum, [, dim]) => sum + dim, 0);
  const levels = list.reduce((sum, [count]) => sum + count, 0);
  const dim = list[0][1];
  return {
    numbers,
    part: words("network.embedding_part", { numbers, dim, columns: list.length }),
    sentence: words("network.embeddings", { columns: list.length, levels, dim }),
  };
}

/**
 * The rung boundaries a curve shows: the end of each rung up to this trial's (not the last
 * rung's end, which is the end of training), within the curve. [rung index, epoch] pairs.
 * @param {NetworkTrace} trace
 * @param {RungInfo} [rung]
 * @returns {[number, number][]}
 */
export function rungMarks(trace, rung) {
  if (!rung || !Array.isArray(rung.epochs)) return [];
  /** @type {[number, number][]} */
  const marks = [];
  rung.epochs.forEach((epoch, j) => {
    if (j <= rung.rung && j < rung.epochs.length - 1 && epoch <= trace.valid.length) marks.push([j, epoch]);
  });
  return marks;
}

/**
 * A learning curve's chart: the training and validation loss after each epoch (or round),
 * numbered from 1.
 * @param {string} title catalogue code of the title
 * @param {string} xLabel catalogue code of the x axis (epoch, round)
 * @param {{ train: number[], valid: number[] }} losses
 * @param {number} [width] of its box (drawChart's)
 * @returns {SVGSVGElement}
 */
function lossChart(title, xLabel, losses, width) {
  const points = (/** @type {number[]} */ values) => values.map((y, i) => ({ x: i + 1, y }));
  return lineChart({
    title: words(title),
    series: [
      { name: words("network.train"), points: points(losses.train) },
      { name: words("network.valid"), points: points(losses.valid) },
    ],
    xLabel: words(xLabel),
    yLabel: words("network.loss"),
    height: 260,
    width,
  });
}

/**
 * The learning curve: training and validation loss per epoch, the kept epoch marked, and the
 * ends of the earlier rungs of successive halving (where the networks were compared).
 * @param {NetworkTrace} trace
 * @param {RungInfo} [rung]
 * @param {number} [width] of its box (drawChart's)
 * @returns {SVGSVGElement}
 */
export function learningCurve(trace, rung, width) {
  const chart = lossChart("network.curve_title", "network.epoch", trace, width);
  const best = trace.best;
  if (best >= 0 && best < trace.valid.length) {
    marker(chart, {
      x: best + 1,
      y: trace.valid[best],
      className: "best-epoch",
      title: words("network.best", { epoch: best + 1, epochs: trace.valid.length }),
    });
  }
  for (const [j, epoch] of rungMarks(trace, rung)) {
    verticalMark(chart, epoch, "rung-mark", words("network.rung_mark", { rung: j + 1, epoch }));
  }
  return chart;
}

/**
 * A paragraph of sentences of the catalogue.
 * @param {string} testId
 * @param {{ code: string, params?: any }[]} sentences
 */
function factsParagraph(testId, sentences) {
  const facts = document.createElement("div");
  facts.className = "hint";
  facts.dataset.testid = testId;
  sentences.forEach((s, i) => {
    if (i > 0) facts.append(" ");
    facts.append(localize(document.createElement("span"), s.code, s.params));
  });
  return facts;
}

/**
 * Both views and their sentences, for the row details (and the network being trained).
 * @param {NetworkTrace} trace
 * @param {RungInfo} [rung]
 * @returns {HTMLElement}
 */
export function networkViews(trace, rung) {
  const box = document.createElement("div");
  box.className = "network-views";
  const layers = document.createElement("div");
  layers.className = "chart-box";
  layers.dataset.testid = "network-layers";
  drawChart(layers, (size) => layersDiagram(trace, size.width));
  const curve = document.createElement("div");
  curve.className = "chart-box";
  curve.dataset.testid = "network-curve";
  drawChart(curve, (size) => learningCurve(trace, rung, size.width));
  const embedded = embeddingWords(trace);
  const facts = factsParagraph("network-facts", [
    words("network.best", { epoch: trace.best + 1, epochs: trace.valid.length }),
    words("network.size", { members: trace.members, parameters: trace.parameters }),
    ...(embedded ? [embedded.sentence] : []),
    ...(trace.balanced ? [words("network.balanced")] : []),
  ]);
  box.append(layers, curve, facts);
  return box;
}

/**
 * Gradient boosting's learning curve: training and validation loss per round, the round with
 * the lowest validation loss marked and the rounds the model keeps drawn as a line.
 * @param {RoundCurve} curve
 * @returns {HTMLElement}
 */
export function boostingViews(curve) {
  const chosen = words("boosting.chosen", { rounds: curve.rounds, best: curve.best + 1 });
  const draw = (/** @type {{ width: number }} */ size) => {
    const chart = lossChart("boosting.curve_title", "boosting.round", curve, size.width);
    if (curve.best >= 0 && curve.best < curve.valid.length) {
      marker(chart, { x: curve.best + 1, y: curve.valid[curve.best], className: "best-epoch", title: chosen });
    }
    if (curve.rounds > 0) verticalMark(chart, curve.rounds, "rounds-kept", chosen);
    return chart;
  };
  const box = document.createElement("div");
  box.className = "network-views";
  const holder = document.createElement("div");
  holder.className = "chart-box";
  holder.dataset.testid = "boosting-curve";
  drawChart(holder, draw);
  box.append(holder, factsParagraph("boosting-facts", [chosen]));
  return box;
}
