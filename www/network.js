// A neural network's trial drawn for a class (the leaderboard's row details): its layers, from
// the inputs through each hidden layer to the outputs, as columns as tall as they are wide (on a
// log scale); and its learning curve, the training and validation loss of each epoch, with the
// epoch whose weights were kept marked. The core sends both with the trial (NetworkTrace).

import { d3, lineChart, marker } from "./charts.js";
import { t } from "./i18n.js";

/** @typedef {import("./protocol.js").NetworkTrace} NetworkTrace */

const WIDTH = 560;
const HEIGHT = 220;

/**
 * The layers as an SVG diagram: one column per layer, its height growing with its width.
 * @param {NetworkTrace} trace
 * @returns {SVGSVGElement}
 */
export function layersDiagram(trace) {
  const layers = trace.layers;
  const title = t("network.layers_title", { layers: layers.join(" → ") });
  const svg = d3.create("svg")
    .attr("class", "chart chart-network")
    .attr("data-chart", "network")
    .attr("viewBox", `0 0 ${WIDTH} ${HEIGHT}`)
    .attr("role", "img")
    .attr("aria-label", title)
    .attr("xmlns", "http://www.w3.org/2000/svg");
  svg.append("title").text(title);
  svg.append("text").attr("class", "chart-title").attr("x", 12).attr("y", 20).text(title);
  const top = 34;
  const bottom = HEIGHT - 30;
  const tallest = Math.log2(Math.max(2, ...layers) + 1);
  const height = (/** @type {number} */ w) => 12 + (bottom - top - 12) * (Math.log2(w + 1) / tallest);
  const step = (WIDTH - 80) / Math.max(1, layers.length - 1);
  const mid = (top + bottom) / 2;
  const g = svg.append("g").attr("class", "plot");
  const name = (/** @type {number} */ i) => (i === 0 ? t("network.inputs") : i === layers.length - 1 ? t("network.outputs") : t("network.hidden", { n: i }));
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
    rect.append("title").text(`${name(i)}: ${w}`);
    g.append("text").attr("class", "layer-width").attr("x", x).attr("y", mid - h / 2 - 4).attr("text-anchor", "middle").text(String(w));
    g.append("text").attr("class", "axis-label").attr("x", x).attr("y", HEIGHT - 10).attr("text-anchor", "middle").text(name(i));
  });
  return /** @type {SVGSVGElement} */ (svg.node());
}

/**
 * The learning curve: training and validation loss per epoch, the kept epoch marked.
 * @param {NetworkTrace} trace
 * @returns {SVGSVGElement}
 */
export function learningCurve(trace) {
  const points = (/** @type {number[]} */ losses) => losses.map((y, i) => ({ x: i + 1, y }));
  const chart = lineChart({
    title: t("network.curve_title"),
    series: [
      { name: t("network.train"), points: points(trace.train) },
      { name: t("network.valid"), points: points(trace.valid) },
    ],
    xLabel: t("network.epoch"),
    yLabel: t("network.loss"),
    height: 260,
  });
  const best = trace.best;
  if (best >= 0 && best < trace.valid.length) {
    marker(chart, {
      x: best + 1,
      y: trace.valid[best],
      className: "best-epoch",
      title: t("network.best", { epoch: best + 1, epochs: trace.valid.length }),
    });
  }
  return chart;
}

/**
 * Both views and their sentences, for the row details.
 * @param {NetworkTrace} trace
 * @returns {HTMLElement}
 */
export function networkViews(trace) {
  const box = document.createElement("div");
  box.className = "network-views";
  const layers = document.createElement("div");
  layers.className = "chart-box";
  layers.dataset.testid = "network-layers";
  layers.append(layersDiagram(trace));
  const curve = document.createElement("div");
  curve.className = "chart-box";
  curve.dataset.testid = "network-curve";
  curve.append(learningCurve(trace));
  const facts = document.createElement("p");
  facts.className = "hint";
  facts.dataset.testid = "network-facts";
  facts.textContent = `${t("network.best", { epoch: trace.best + 1, epochs: trace.valid.length })} ${t("network.size", { members: trace.members, parameters: trace.parameters })}`;
  box.append(layers, curve, facts);
  return box;
}
