// Charts: small helpers over D3 (the npm package `d3`, installed through npm and copied into
// www/vendor/ by scripts/build-wasm.sh) that return an <svg> element to append anywhere.
//
// Every chart is plain SVG built with DOM calls: no inline styles (the page's CSP allows none;
// colours and fonts come from charts.css through class names, data-driven colours are SVG
// presentation attributes), no innerHTML, no eval. The SVG has a viewBox and scales with its
// container (charts.css). The same element can be serialized into the HTML report.
//
// What is drawn is easy to read back (the browser tests do):
//   svg.chart[data-chart=KIND]      the chart; its <title> and aria-label say what it shows
//   .mark                           one per data item: circle (point), rect (bar, cell)
//   path.line[data-series=NAME]     one per line series
//   text.axis-label                 the axis names; .tick text the tick labels
//   text.cell-label                 the number written in a heatmap cell
//
// API (each chart returns an SVGSVGElement; the options are the typedefs below):
//   lineChart(LineChartOptions)     lines over a numeric or time x axis, a band, markers
//   scatterChart(ScatterOptions)    points, a y = x diagonal, a reference line, extra lines
//   barChart(BarChartOptions)       bars with error bars, horizontal or vertical
//   heatmap(HeatmapOptions)         a grid of coloured cells with their numbers
//   histogram(HistogramOptions)     bins the engine made, [{ lo, hi, count }]
//   marker(svg, { x, y, className?, title? })  one movable point on a line or scatter chart
import "./vendor/d3.min.js";
import { localize, localizeAttribute, t } from "./i18n.js";

/**
 * Words on a chart: a code of the message catalogue with its parameters (drawn with
 * i18n.js `localize`, so they follow the page's language), or a value of the user's data (a
 * column name, a class label), drawn as it is and marked `data-user`.
 * @typedef {string | { code: string, params?: any }} Words
 */

/**
 * Write `text` into the element `node`.
 * @param {Element} node
 * @param {Words} text
 */
export function writeWords(node, text) {
  if (text && typeof text === "object") {
    localize(node, text.code, text.params || {});
  } else {
    node.textContent = text === undefined || text === null ? "" : String(text);
    if (node.textContent) node.setAttribute("data-user", "");
  }
  return node;
}

/**
 * `text` as a string in the page's language (for sizes and attributes).
 * @param {Words} text
 * @returns {string}
 */
function wordsText(text) {
  return text && typeof text === "object" ? t(text.code, text.params || {}) : String(text ?? "");
}

/**
 * Append a `tag` child with `text` to the D3 selection `parent`.
 * @param {any} parent
 * @param {string} tag
 * @param {Words} text
 */
function appendWords(parent, tag, text) {
  const child = parent.append(tag);
  writeWords(child.node(), text);
  return child;
}

/**
 * Mark the tick labels of a category axis as the user's data.
 * @param {any} axis a D3 selection of an axis group
 */
function userTicks(axis) {
  axis.selectAll(".tick text").attr("data-user", "");
}

/**
 * The D3 namespace (the UMD bundle sets globalThis.d3), with DefinitelyTyped's types.
 * @type {typeof import("d3")}
 */
export const d3 = /** @type {any} */ (globalThis).d3;

/**
 * @typedef {import("d3").Selection<SVGSVGElement, undefined, null, undefined>} Svg
 * @typedef {import("d3").Selection<SVGGElement, undefined, null, undefined>} Group
 * @typedef {import("d3").ScaleLinear<number, number> | import("d3").ScaleTime<number, number>} XScale
 * @typedef {import("d3").ScaleLinear<number, number>} YScale
 * @typedef {{ top: number, right: number, bottom: number, left: number }} Margin
 */

/**
 * What every chart takes: its title (also its accessible name), and its size in the viewBox.
 * @typedef {object} FrameOptions
 * @property {Words} [title]
 * @property {number} [width]
 * @property {number} [height]
 * @property {Partial<Margin>} [margin]
 */

/**
 * A point of a line or scatter chart; `title` is its tooltip.
 * @typedef {{ x: number | Date, y: number, className?: string, title?: Words }} Point
 */

/** @typedef {{ x: number | Date, lo: number, hi: number }} BandPoint */

/**
 * A line: `step` draws it as steps, `markers` puts a dot on every point.
 * @typedef {object} Series
 * @property {Words} [name] shown in the legend
 * @property {string} [key] `data-series` (by default the name, when it is a string)
 * @property {Point[]} points
 * @property {string} [className]
 * @property {boolean} [dashed]
 * @property {boolean} [step]
 * @property {boolean} [markers]
 */

/**
 * @typedef {object} LineChartOptionsOwn
 * @property {Series[]} [series]
 * @property {{ points: BandPoint[], className?: string } | null} [band]
 *   a shaded band between `lo` and `hi`
 * @property {boolean} [markers] dots on every series
 * @property {Words} [xLabel]
 * @property {Words} [yLabel]
 * @property {"linear" | "time"} [xType]
 * @property {[number, number] | [Date, Date]} [xDomain]
 * @property {[number, number]} [yDomain]
 * @typedef {FrameOptions & LineChartOptionsOwn} LineChartOptions
 */

/**
 * A point of a scatter chart (numbers on both axes); `title` is its tooltip.
 * @typedef {{ x: number, y: number, className?: string, title?: Words }} ScatterPoint
 */

/**
 * @typedef {object} ScatterOptionsOwn
 * @property {ScatterPoint[]} [points]
 * @property {Words} [xLabel]
 * @property {Words} [yLabel]
 * @property {boolean} [diagonal] the line y = x
 * @property {number | null} [hline] a horizontal reference line at this y
 * @property {{ name?: Words, key?: string, points: ScatterPoint[], className?: string, step?: boolean }[]} [lines]
 * @property {[number, number]} [xDomain]
 * @property {[number, number]} [yDomain]
 * @property {LegendItem[]} [legend] a legend under the title (points drawn as a dot of the
 *   item's class, lines as a short line)
 * @typedef {FrameOptions & ScatterOptionsOwn} ScatterOptions
 */

/**
 * One entry of a legend: `kind` "point" shows a dot with `className` (as the points of that
 * class are drawn), "line" a short line.
 * @typedef {{ name: Words, className: string, kind?: "point"|"line" }} LegendItem
 */

/**
 * A bar: `error` draws ± error around its value; `title` is its tooltip.
 * @typedef {{ label: Words | number, value: number, error?: number, className?: string, title?: Words }} Bar
 */

/**
 * @typedef {object} BarChartOptionsOwn
 * @property {Bar[]} [bars]
 * @property {boolean} [horizontal] names on the left
 * @property {Words} [valueLabel]
 * @property {Words} [categoryLabel]
 * @property {[number, number]} [valueDomain]
 * @typedef {FrameOptions & BarChartOptionsOwn} BarChartOptions
 */

/**
 * @typedef {object} HeatmapOptionsOwn
 * @property {string[]} [rowLabels]
 * @property {string[]} [colLabels]
 * @property {number[][]} [values] one row per row label
 * @property {string[][] | null} [text] what each cell says (by default its value)
 * @property {Words} [xLabel]
 * @property {Words} [yLabel]
 * @property {number} [max] the value of the darkest colour (by default the largest value)
 * @typedef {FrameOptions & HeatmapOptionsOwn} HeatmapOptions
 */

/**
 * One bin of a histogram the engine made: `count` values with lo <= value < hi.
 * @typedef {{ lo: number, hi: number, count: number }} HistogramBin
 */

/**
 * @typedef {object} HistogramOptionsOwn
 * @property {HistogramBin[]} [bins] the engine's bins, in order
 * @property {Words} [xLabel]
 * @property {Words} [yLabel]
 * @typedef {FrameOptions & HistogramOptionsOwn} HistogramOptions
 */

/**
 * A chart's <svg> with its scales kept on the element, for `marker`.
 * @typedef {SVGSVGElement & { chartScales?: { x: XScale, y: YScale } }} ChartElement
 */

/** On a phone a chart is drawn narrower, so that its text is not scaled down as much. */
const NARROW = typeof window !== "undefined" && window.innerWidth < 640;
const DEFAULT_WIDTH = NARROW ? 400 : 560;
const DEFAULT_HEIGHT = NARROW ? 300 : 340;
const MARGIN = Object.freeze({ top: 34, right: 18, bottom: 50, left: 62 });

/**
 * A chart's frame: the <svg>, its inner group, the plotting area's size.
 * @param {string} kind
 * @param {FrameOptions} [options]
 * @returns {{ svg: Svg, g: Group, w: number, h: number, m: Margin }}
 */
function frame(kind, { title = "", width = DEFAULT_WIDTH, height = DEFAULT_HEIGHT, margin = {} } = {}) {
  const m = { ...MARGIN, ...margin };
  const svg = d3.create("svg")
    .attr("class", `chart chart-${kind}`)
    .attr("data-chart", kind)
    .attr("viewBox", `0 0 ${width} ${height}`)
    .attr("role", "img")
    .attr("xmlns", "http://www.w3.org/2000/svg");
  if (title && typeof title === "object") localizeAttribute(svg.node(), "aria-label", title.code, title.params || {});
  else svg.attr("aria-label", String(title));
  appendWords(svg, "title", title);
  if (title) {
    writeWords(svg.append("text").attr("class", "chart-title").attr("x", m.left).attr("y", 20).node(), title);
  }
  const g = svg.append("g").attr("class", "plot").attr("transform", `translate(${m.left},${m.top})`);
  return { svg, g, w: width - m.left - m.right, h: height - m.top - m.bottom, m };
}

/**
 * Axis names under the x axis and beside the y axis.
 * @param {Group} g
 * @param {number} w
 * @param {number} h
 * @param {Margin} m
 * @param {Words} xLabel
 * @param {Words} yLabel
 */
function axisLabels(g, w, h, m, xLabel, yLabel) {
  if (xLabel) {
    writeWords(g.append("text").attr("class", "axis-label axis-label-x").attr("x", w / 2).attr("y", h + m.bottom - 10)
      .attr("text-anchor", "middle").node(), xLabel);
  }
  if (yLabel) {
    writeWords(g.append("text").attr("class", "axis-label axis-label-y").attr("transform", "rotate(-90)")
      .attr("x", -h / 2).attr("y", -m.left + 16).attr("text-anchor", "middle").node(), yLabel);
  }
}

/**
 * [lo, hi] padded so that points do not sit on the frame; a single value gets a unit range.
 * @param {unknown[]} values non-numbers and non-finite numbers are left out
 * @param {number} [pad] a share of the range
 * @returns {[number, number]}
 */
function paddedExtent(values, pad = 0.04) {
  const finite = /** @type {number[]} */ (values.filter((v) => typeof v === "number" && Number.isFinite(v)));
  if (finite.length === 0) return [0, 1];
  let [lo, hi] = d3.extent(finite);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

/**
 * The two axes, and grid lines across the plot.
 * @param {Group} g
 * @param {XScale} x
 * @param {YScale} y
 * @param {number} w
 * @param {number} h
 * @param {{ xTicks?: number, yTicks?: number, grid?: boolean, time?: boolean }} [options] `time`: the x
 *   axis is dates, written by Intl in the page's language (marked `data-intl`)
 */
function drawAxes(g, x, y, w, h, { xTicks = 6, yTicks = 5, grid = true, time = false } = {}) {
  if (grid) {
    g.append("g").attr("class", "grid").call(d3.axisLeft(y).ticks(yTicks).tickSize(-w).tickFormat(() => ""));
  }
  const bottom = d3.axisBottom(x).ticks(xTicks);
  if (time) bottom.tickFormat((d) => dateTick(/** @type {Date} */ (d)));
  const axis = g.append("g").attr("class", "axis axis-x").attr("transform", `translate(0,${h})`).call(bottom);
  if (time) axis.selectAll(".tick text").attr("data-intl", "");
  g.append("g").attr("class", "axis axis-y").call(d3.axisLeft(y).ticks(yTicks));
}

/**
 * A date tick in the page's language: the year on a new year, else the month (and the day
 * when it is not the first).
 * @param {Date} d
 */
function dateTick(d) {
  const lang = document.documentElement.lang || "en";
  /** @type {Intl.DateTimeFormatOptions} */
  let options = { month: "short", day: "numeric", timeZone: "UTC" };
  if (d.getUTCDate() === 1) options = d.getUTCMonth() === 0 ? { year: "numeric", timeZone: "UTC" } : { month: "short", timeZone: "UTC" };
  if (d.getUTCHours() !== 0) options = { hour: "numeric", timeZone: "UTC" };
  return new Intl.DateTimeFormat(lang, options).format(d);
}

/**
 * Whether a point can be drawn (both coordinates finite).
 * @param {{ x: number | Date, y: number }} p
 */
function finitePoint(p) {
  const x = p.x instanceof Date ? p.x.getTime() : p.x;
  return Number.isFinite(x) && Number.isFinite(p.y);
}

/**
 * Lines (and optional markers, a shaded band) over a numeric or time x axis.
 * @param {LineChartOptions} options
 * @returns {ChartElement}
 */
export function lineChart(options) {
  const { series = [], band = null, markers = false, xLabel = "", yLabel = "", xType = "linear" } = options;
  // A legend gets its own line under the title.
  const withLegend = series.length > 1;
  const { svg, g, w, h, m } = frame("line", withLegend ? { ...options, margin: { top: 52, ...(options.margin || {}) } } : options);
  const allPoints = series.flatMap((s) => s.points.filter(finitePoint));
  const xs = allPoints.map((p) => (p.x instanceof Date ? p.x.getTime() : p.x));
  const ys = allPoints.map((p) => p.y);
  if (band) for (const p of band.points) ys.push(p.lo, p.hi), xs.push(p.x instanceof Date ? p.x.getTime() : p.x);
  /** @type {XScale} */
  const x = xType === "time"
    ? d3.scaleUtc().domain(options.xDomain || d3.extent(xs).map((t) => new Date(t))).range([0, w])
    : d3.scaleLinear().domain(options.xDomain || paddedExtent(xs, 0)).range([0, w]);
  const y = d3.scaleLinear().domain(options.yDomain || paddedExtent(ys)).nice().range([h, 0]);
  drawAxes(g, x, y, w, h, { time: xType === "time" });
  if (band && band.points.length) {
    const area = /** @type {import("d3").Area<BandPoint>} */ (d3.area()).x((p) => x(p.x)).y0((p) => y(p.lo)).y1((p) => y(p.hi))
      .defined((p) => Number.isFinite(p.lo) && Number.isFinite(p.hi));
    g.append("path").attr("class", `band ${band.className || ""}`.trim()).attr("d", area(band.points));
  }
  series.forEach((s, i) => {
    const line = /** @type {import("d3").Line<Point>} */ (d3.line()).x((p) => x(p.x)).y((p) => y(p.y)).defined(finitePoint);
    if (s.step) line.curve(d3.curveStepAfter);
    g.append("path")
      .attr("class", `line series-${i} ${s.className || ""}${s.dashed ? " dashed" : ""}`.trim())
      .attr("data-series", s.key || (typeof s.name === "string" ? s.name : "") || `series ${i + 1}`)
      .attr("fill", "none")
      .attr("d", line(s.points));
    if (markers || s.markers) {
      const dots = g.append("g").attr("class", `markers series-${i}`);
      for (const p of s.points.filter(finitePoint)) {
        const c = dots.append("circle").attr("class", `mark ${p.className || ""}`.trim())
          .attr("cx", x(p.x)).attr("cy", y(p.y)).attr("r", 3.5);
        if (p.title) appendWords(c, "title", p.title);
      }
    }
  });
  if (withLegend) legend(svg, series.map((s, i) => ({ name: s.name, className: `series-${i} ${s.className || ""}${s.dashed ? " dashed" : ""}`.trim() })), w + m.left);
  axisLabels(g, w, h, m, xLabel, yLabel);
  return withScales(svg.node(), x, y);
}

/**
 * The chart's scales stay on the element (a JS property, not markup), for `marker`.
 * @param {SVGSVGElement} node
 * @param {XScale} x
 * @param {YScale} y
 * @returns {ChartElement}
 */
function withScales(node, x, y) {
  /** @type {ChartElement} */ (node).chartScales = { x, y };
  return node;
}

/**
 * Put (or move) the one marker point of class `className` at data coordinates (x, y) on a
 * chart made by lineChart or scatterChart, with a tooltip `title`.
 * @param {ChartElement} svgNode
 * @param {{ x: number, y: number, className?: string, title?: Words }} point
 */
export function marker(svgNode, { x, y, className = "threshold-marker", title = "" }) {
  const scales = svgNode.chartScales;
  if (!scales || !Number.isFinite(x) || !Number.isFinite(y)) return;
  const plot = d3.select(svgNode).select("g.plot");
  /** @type {import("d3").Selection<SVGCircleElement, unknown, null, undefined>} */
  let dot = plot.select(`circle.${className}`);
  if (dot.empty()) {
    dot = plot.append("circle").attr("class", className).attr("r", 6);
    dot.append("title");
  }
  dot.attr("cx", scales.x(x)).attr("cy", scales.y(y));
  writeWords(/** @type {Element} */ (dot.select("title").node()), title);
}

/**
 * A legend in the top right corner: a short line (or a dot) and the series name.
 * @param {Svg} svg
 * @param {LegendItem[]} items
 * @param {number} right the x where the legend ends
 */
function legend(svg, items, right) {
  const lg = svg.append("g").attr("class", "legend");
  const widths = items.map((item) => 26 + wordsText(item.name).length * 7);
  let xPos = right - widths.reduce((a, b) => a + b, 0);
  for (const [i, item] of items.entries()) {
    if (i > 0) xPos += widths[i - 1];
    const it = lg.append("g").attr("class", "legend-item").attr("transform", `translate(${xPos},38)`);
    if (item.kind === "point") {
      it.append("circle").attr("class", `legend-mark ${item.className}`.trim()).attr("cx", 8).attr("cy", 0).attr("r", 4);
    } else {
      it.append("line").attr("class", `line ${item.className}`).attr("x1", 0).attr("x2", 16).attr("y1", 0).attr("y2", 0);
    }
    writeWords(it.append("text").attr("x", 20).attr("y", 4).node(), item.name);
  }
}

/**
 * Points, with an optional y = x diagonal, a horizontal reference line and extra lines.
 * @param {ScatterOptions} options
 * @returns {ChartElement}
 */
export function scatterChart(options) {
  const { points = [], xLabel = "", yLabel = "", diagonal = false, hline = null, lines = [], legend: legendItems = [] } = options;
  const withLegend = legendItems.length > 0;
  const { svg, g, w, h, m } = frame("scatter", withLegend ? { ...options, margin: { top: 52, ...(options.margin || {}) } } : options);
  const shown = points.filter(finitePoint);
  let xs = shown.map((p) => p.x);
  let ys = shown.map((p) => p.y);
  for (const s of lines) for (const p of s.points) xs.push(p.x), ys.push(p.y);
  if (diagonal) {
    const both = [...xs, ...ys];
    xs = both;
    ys = both;
  }
  const x = d3.scaleLinear().domain(options.xDomain || paddedExtent(xs)).nice().range([0, w]);
  const y = d3.scaleLinear().domain(options.yDomain || paddedExtent(ys)).nice().range([h, 0]);
  drawAxes(g, x, y, w, h);
  if (diagonal) {
    const [lo, hi] = x.domain();
    g.append("line").attr("class", "reference").attr("x1", x(lo)).attr("y1", y(lo)).attr("x2", x(hi)).attr("y2", y(hi));
  }
  if (typeof hline === "number") {
    g.append("line").attr("class", "reference").attr("x1", 0).attr("x2", w).attr("y1", y(hline)).attr("y2", y(hline));
  }
  lines.forEach((s, i) => {
    g.append("path").attr("class", `line series-${i} ${s.className || ""}`.trim()).attr("data-series", s.key || (typeof s.name === "string" ? s.name : ""))
      .attr("fill", "none")
      .attr("d", /** @type {import("d3").Line<ScatterPoint>} */ (d3.line()).x((p) => x(p.x)).y((p) => y(p.y)).defined(finitePoint).curve(s.step ? d3.curveStepAfter : d3.curveLinear)(s.points));
  });
  const radius = shown.length > 2000 ? 1.6 : shown.length > 300 ? 2.4 : 3.5;
  const dots = g.append("g").attr("class", "points");
  for (const p of shown) {
    const c = dots.append("circle").attr("class", `mark ${p.className || ""}`.trim())
      .attr("cx", x(p.x)).attr("cy", y(p.y)).attr("r", radius);
    if (p.title) appendWords(c, "title", p.title);
  }
  if (withLegend) legend(svg, legendItems, w + m.left);
  axisLabels(g, w, h, m, xLabel, yLabel);
  return withScales(svg.node(), x, y);
}

/**
 * Bars with optional error bars (± error), horizontal (names on the left) or vertical.
 * @param {BarChartOptions} options
 * @returns {SVGSVGElement}
 */
export function barChart(options) {
  const { bars = [], horizontal = false, valueLabel = "", categoryLabel = "" } = options;
  const longest = bars.reduce((n, b) => Math.max(n, wordsText(/** @type {Words} */ (b.label)).length), 0);
  const left = horizontal ? Math.min(220, 16 + longest * 7.2) : MARGIN.left;
  const height = options.height || (horizontal ? Math.max(140, 64 + bars.length * 26) : DEFAULT_HEIGHT);
  // Many category names under vertical bars are written slanted, with room below for them.
  const slanted = !horizontal && bars.length > 6;
  const bottom = slanted ? Math.min(110, 40 + longest * 5) : MARGIN.bottom;
  const { svg, g, w, h, m } = frame("bar", { ...options, height: height + (slanted ? bottom - MARGIN.bottom : 0), margin: { left, bottom, ...(options.margin || {}) } });
  const lows = bars.map((b) => Math.min(0, b.value - (b.error || 0)));
  const highs = bars.map((b) => Math.max(0, b.value + (b.error || 0)));
  const value = d3.scaleLinear().domain(options.valueDomain || [d3.min(lows) ?? 0, d3.max(highs) || 1]).nice();
  const band = /** @type {import("d3").ScaleBand<number>} */ (d3.scaleBand()).domain(bars.map((b, i) => i)).padding(0.2);
  if (horizontal) {
    value.range([0, w]);
    band.range([0, h]);
    g.append("g").attr("class", "grid").attr("transform", `translate(0,${h})`)
      .call(d3.axisBottom(value).ticks(5).tickSize(-h).tickFormat(() => ""));
    g.append("g").attr("class", "axis axis-x").attr("transform", `translate(0,${h})`).call(d3.axisBottom(value).ticks(5));
    barTicks(g.append("g").attr("class", "axis axis-y").call(d3.axisLeft(band).tickFormat((i) => clipLabel(wordsText(/** @type {Words} */ (bars[i].label)), 30))), bars);
  } else {
    value.range([h, 0]);
    band.range([0, w]);
    g.append("g").attr("class", "grid").call(d3.axisLeft(value).ticks(5).tickSize(-w).tickFormat(() => ""));
    const xAxis = g.append("g").attr("class", "axis axis-x").attr("transform", `translate(0,${h})`)
      .call(d3.axisBottom(band).tickFormat((i) => clipLabel(wordsText(/** @type {Words} */ (bars[i].label)), slanted ? 16 : 14)));
    barTicks(xAxis, bars);
    if (slanted) xAxis.selectAll(".tick text").attr("transform", "rotate(-40)").attr("text-anchor", "end").attr("dx", "-0.4em").attr("dy", "0.6em");
    g.append("g").attr("class", "axis axis-y").call(d3.axisLeft(value).ticks(5));
  }
  const zero = value(0);
  const marks = g.append("g").attr("class", "bars");
  bars.forEach((b, i) => {
    const v = value(b.value);
    const group = marks.append("g").attr("class", "bar").attr("data-label", typeof b.label === "object" ? wordsText(b.label) : String(b.label));
    const label = typeof b.label === "number" ? String(b.label) : b.label;
    appendWords(group, "title", b.title || (b.error
      ? { code: "chart.value_error", params: { label, value: formatValue(b.value), error: formatValue(b.error) } }
      : { code: "chart.value", params: { label, value: formatValue(b.value) } }));
    const rect = group.append("rect").attr("class", `mark ${b.className || ""}`.trim()).attr("data-value", String(b.value));
    if (horizontal) {
      rect.attr("x", Math.min(zero, v)).attr("y", band(i)).attr("width", Math.abs(v - zero)).attr("height", band.bandwidth());
    } else {
      rect.attr("x", band(i)).attr("y", Math.min(zero, v)).attr("width", band.bandwidth()).attr("height", Math.abs(v - zero));
    }
    if (b.error) {
      const lo = value(b.value - b.error);
      const hi = value(b.value + b.error);
      const mid = band(i) + band.bandwidth() / 2;
      const cap = Math.min(6, band.bandwidth() / 3);
      const eb = group.append("g").attr("class", "error-bar");
      if (horizontal) {
        eb.append("line").attr("x1", lo).attr("x2", hi).attr("y1", mid).attr("y2", mid);
        eb.append("line").attr("x1", lo).attr("x2", lo).attr("y1", mid - cap).attr("y2", mid + cap);
        eb.append("line").attr("x1", hi).attr("x2", hi).attr("y1", mid - cap).attr("y2", mid + cap);
      } else {
        eb.append("line").attr("y1", lo).attr("y2", hi).attr("x1", mid).attr("x2", mid);
        eb.append("line").attr("y1", lo).attr("y2", lo).attr("x1", mid - cap).attr("x2", mid + cap);
        eb.append("line").attr("y1", hi).attr("y2", hi).attr("x1", mid - cap).attr("x2", mid + cap);
      }
    }
  });
  if (horizontal) axisLabels(g, w, h, m, valueLabel, categoryLabel);
  else axisLabels(g, w, h, m, categoryLabel, valueLabel);
  return svg.node();
}

/**
 * A grid of cells coloured by value (0..max), each with its number written in it.
 * @param {HeatmapOptions} options
 * @returns {SVGSVGElement}
 */
export function heatmap(options) {
  const { rowLabels = [], colLabels = [], values = [], text = null, xLabel = "", yLabel = "" } = options;
  const longest = rowLabels.reduce((n, l) => Math.max(n, String(l).length), 0);
  const left = Math.min(180, 40 + longest * 7.5);
  const cell = Math.max(28, Math.min(64, 360 / Math.max(rowLabels.length, colLabels.length, 1)));
  const width = options.width || left + colLabels.length * cell + 24;
  const naturalWidth = width;
  const height = options.height || 34 + rowLabels.length * cell + 62;
  const { svg, g, w, h, m } = frame("heatmap", { ...options, width, height, margin: { left, bottom: 62, right: 24 } });
  const x = /** @type {import("d3").ScaleBand<number>} */ (d3.scaleBand()).domain(colLabels.map((_, i) => i)).range([0, w]);
  const y = /** @type {import("d3").ScaleBand<number>} */ (d3.scaleBand()).domain(rowLabels.map((_, i) => i)).range([0, h]);
  const max = options.max ?? (d3.max(values.flat()) || 1);
  const colour = d3.scaleSequential(d3.interpolateBlues).domain([0, max]);
  const cells = g.append("g").attr("class", "cells");
  values.forEach((row, r) => {
    row.forEach((v, c) => {
      const cg = cells.append("g").attr("class", "cell").attr("data-row", String(r)).attr("data-col", String(c));
      const label = text ? text[r][c] : formatValue(v);
      appendWords(cg, "title", { code: "chart.cell", params: { row: String(rowLabels[r]), col: String(colLabels[c]), value: label } });
      cg.append("rect").attr("class", "mark").attr("x", x(c)).attr("y", y(r))
        .attr("width", x.bandwidth()).attr("height", y.bandwidth()).attr("fill", colour(Math.max(0, v)))
        .attr("data-value", String(v));
      cg.append("text").attr("class", `cell-label${v > max * 0.55 ? " on-dark" : ""}`)
        .attr("x", x(c) + x.bandwidth() / 2).attr("y", y(r) + y.bandwidth() / 2).attr("dy", "0.35em")
        .attr("text-anchor", "middle").text(label);
    });
  });
  userTicks(g.append("g").attr("class", "axis axis-x").attr("transform", `translate(0,${h})`)
    .call(d3.axisBottom(x).tickSize(0).tickPadding(6).tickFormat((i) => clipLabel(colLabels[i], 12))));
  userTicks(g.append("g").attr("class", "axis axis-y")
    .call(d3.axisLeft(y).tickSize(0).tickPadding(6).tickFormat((i) => clipLabel(rowLabels[i], 22))));
  axisLabels(g, w, h, m, xLabel, yLabel);
  // Drawn at about its natural size, not stretched to the container (charts.css lets a chart
  // with a width attribute keep it, up to the container's width).
  svg.attr("width", Math.round(naturalWidth * 1.25));
  return svg.node();
}

/**
 * A histogram of bins the engine made: [{ lo, hi, count }] (lo <= value < hi).
 * @param {HistogramOptions} options
 * @returns {SVGSVGElement}
 */
export function histogram(options) {
  const { bins = [], xLabel = "", yLabel = { code: "chart.rows", params: {} } } = options;
  const { svg, g, w, h, m } = frame("histogram", options);
  const shown = bins.filter((b) => Number.isFinite(b.lo) && Number.isFinite(b.hi) && b.hi > b.lo);
  const x = d3.scaleLinear()
    .domain(shown.length ? [shown[0].lo, shown[shown.length - 1].hi] : [0, 1])
    .range([0, w]);
  const y = d3.scaleLinear().domain([0, d3.max(shown, (b) => b.count) || 1]).nice().range([h, 0]);
  drawAxes(g, x, y, w, h);
  const marks = g.append("g").attr("class", "bars");
  for (const b of shown) {
    const group = marks.append("g").attr("class", "bar");
    appendWords(group, "title", { code: "chart.bin", params: { lo: formatValue(b.lo), hi: formatValue(b.hi), count: b.count } });
    group.append("rect").attr("class", "mark").attr("data-value", String(b.count))
      .attr("x", x(b.lo) + 0.5).attr("width", Math.max(0, x(b.hi) - x(b.lo) - 1))
      .attr("y", y(b.count)).attr("height", h - y(b.count));
  }
  axisLabels(g, w, h, m, xLabel, yLabel);
  return svg.node();
}

/**
 * A number for a label: at most 4 significant digits.
 * @param {unknown} v anything else is written as a string
 * @returns {string}
 */
export function formatValue(v) {
  if (typeof v !== "number") return String(v);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/**
 * The category axis of a bar chart: a tick whose bar is named by the catalogue is translated
 * like every word (its full name, not clipped), one named by the user's data is marked so.
 * @param {any} axis a D3 selection of the axis group
 * @param {Bar[]} bars
 */
function barTicks(axis, bars) {
  axis.selectAll(".tick text").each((/** @type {number} */ i, /** @type {number} */ k, /** @type {Element[]} */ nodes) => {
    const label = bars[i] && bars[i].label;
    if (label && typeof label === "object") localize(nodes[k], label.code, label.params || {});
    else nodes[k].setAttribute("data-user", "");
  });
}

/**
 * `label` cut to `max` characters (the last one an ellipsis).
 * @param {unknown} label
 * @param {number} max
 */
function clipLabel(label, max) {
  const text = String(label);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
