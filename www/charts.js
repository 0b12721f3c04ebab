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
 * Write `text` into `node`, cut to `max` characters (then as drawn, with the whole in a tooltip).
 * @param {Element} node
 * @param {Words} text
 * @param {number} max
 */
function fitWords(node, text, max) {
  const whole = wordsText(text);
  // the catalogue's words stay whole (they follow the language); the user's are cut
  if (whole.length <= max || (text && typeof text === "object")) return writeWords(node, text);
  node.textContent = clipLabel(whole, max);
  node.setAttribute("data-user", "");
  const tip = document.createElementNS("http://www.w3.org/2000/svg", "title");
  tip.textContent = whole;
  node.append(tip);
  return node;
}

/**
 * Mark the tick labels of a category axis as the user's data.
 * @param {any} axis a D3 selection of an axis group
 */
function userTicks(axis) {
  axis.selectAll(".tick text").attr("data-user", "");
}

/**
 * The D3 namespace (each module in vendor/d3.min.js adds to globalThis.d3), with
 * DefinitelyTyped's types; only the modules scripts/vendor-d3.mjs lists are there.
 * @type {typeof import("d3")}
 */
export const d3 = /** @type {any} */ (globalThis).d3;

/**
 * D3's interpolateBlues, made as d3-scale-chromatic makes it (a basis spline through the
 * 9-colour Blues scheme), so the page does not load that module (scripts/vendor-d3.mjs).
 */
const BLUES = d3.interpolateRgbBasis(
  ["f7fbff", "deebf7", "c6dbef", "9ecae1", "6baed6", "4292c6", "2171b5", "08519c", "08306b"].map((c) => `#${c}`),
);

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
 * @property {"circle"|"square"} [marker] the markers' shape (hollow squares tell a series apart
 *   from dots and from lines without colour, on a projector or in grayscale)
 * @property {boolean} [legend] false: no legend entry (another series names the group)
 */

/**
 * A shaded stretch of the x axis under the lines (such as the backtest windows of a forecast),
 * with a legend entry when named.
 * @typedef {object} Span
 * @property {Date|number} from
 * @property {Date|number} to
 * @property {string} [className]
 * @property {Words} [name]
 */

/**
 * @typedef {object} LineChartOptionsOwn
 * @property {Series[]} [series]
 * @property {{ points: BandPoint[], className?: string } | null} [band]
 *   a shaded band between `lo` and `hi`
 * @property {boolean} [markers] dots on every series
 * @property {Span[]} [spans] shaded stretches of the x axis, under everything
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
 * @typedef {{ name: Words, className: string, kind?: "point"|"line"|"area", marker?: "square" }} LegendItem
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

/** A chart's width when none is given (the report's, and a chart drawn before its box is shown). */
const DEFAULT_WIDTH = 560;
/** The smallest width a chart is laid out for. */
const MIN_WIDTH = 260;

/**
 * The size of chart text in pixels: the page's body text (charts.css draws every chart text at
 * least that large), so that a chart drawn at the width of its box has text as large as the
 * page's, on a phone and on a projector.
 * @returns {number}
 */
export function chartFontPx() {
  // read once per drawing burst: every read of a computed style may lay the page out again
  const now = typeof performance !== "undefined" ? performance.now() : 0;
  if (fontPx.value > 0 && now - fontPx.at < 250) return fontPx.value;
  const body = typeof document !== "undefined" && document.body;
  const px = body ? Number.parseFloat(getComputedStyle(body).fontSize) : NaN;
  fontPx.value = Number.isFinite(px) && px > 0 ? px : 16;
  fontPx.at = now;
  return fontPx.value;
}

/** The last chartFontPx() read, and when (performance.now()). */
const fontPx = { value: 0, at: 0 };

/**
 * The width of `text` in chart text, roughly (an average character is 0.58 of the size).
 * @param {unknown} text
 * @param {number} [font]
 */
function textWidth(text, font = chartFontPx()) {
  return String(text).length * font * 0.58;
}

/**
 * `text` broken into lines at most `width` pixels wide (at word breaks; a longer word is cut).
 * @param {string} text
 * @param {number} width
 * @returns {string[]}
 */
function wrapText(text, width) {
  const max = Math.max(8, Math.floor(width / (chartFontPx() * 1.1 * 0.58)));
  /** @type {string[]} */
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (next.length <= max || !line) line = next.length > max ? `${next.slice(0, max - 1)}…` : next;
    else {
      lines.push(line);
      line = word.length > max ? `${word.slice(0, max - 1)}…` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The margins of a chart with axes, from the size of its text: room for the tick labels, the
 * axis names and the title's lines.
 * @param {number} titleLines
 * @param {number} [yTickChars] the longest y tick label, in characters
 * @returns {Margin}
 */
function marginsFor(titleLines, yTickChars = 5) {
  const f = chartFontPx();
  return {
    top: Math.round(titleLines * f * 1.3 + f * 0.9),
    right: Math.round(f * 1.2),
    bottom: Math.round(f * 3.4),
    left: Math.round(yTickChars * f * 0.58 + f * 2.4),
  };
}

/**
 * How many ticks fit along `length` pixels, each label about `chars` characters wide.
 * @param {number} length
 * @param {number} [chars]
 */
function tickCount(length, chars = 5) {
  return Math.max(2, Math.floor(length / (chars * chartFontPx() * 0.58 + chartFontPx() * 2)));
}

/**
 * A chart's frame: the <svg>, its inner group, the plotting area's size. The viewBox is the
 * width the chart is drawn for (drawChart gives its box's width), so one unit is one pixel and
 * chart text is as large as charts.css says.
 * @param {string} kind
 * @param {FrameOptions} [options]
 * @returns {{ svg: Svg, g: Group, w: number, h: number, m: Margin }}
 */
function frame(kind, { title = "", width = DEFAULT_WIDTH, height, margin = {} } = {}) {
  const wide = Math.max(MIN_WIDTH, Math.round(width));
  const lines = title ? wrapText(wordsText(title), wide - 8) : [];
  const m = { ...marginsFor(lines.length), ...margin };
  const tall = Math.round(height || Math.min(420, Math.max(240, wide * 0.62)) + (m.top - marginsFor(1).top));
  const svg = d3.create("svg")
    .attr("class", `chart chart-${kind}`)
    .attr("data-chart", kind)
    .attr("viewBox", `0 0 ${wide} ${tall}`)
    .attr("role", "img")
    .attr("xmlns", "http://www.w3.org/2000/svg");
  if (title && typeof title === "object") localizeAttribute(svg.node(), "aria-label", title.code, title.params || {});
  else svg.attr("aria-label", String(title));
  appendWords(svg, "title", title);
  if (title) {
    const f = chartFontPx();
    const heading = svg.append("text").attr("class", "chart-title").attr("x", 4).attr("y", f * 1.2);
    // one line: the catalogue's words (they follow the language); wrapped: the lines as drawn
    if (lines.length <= 1) writeWords(heading.node(), title);
    else lines.forEach((line, i) => heading.append("tspan").attr("x", 4).attr("dy", i === 0 ? 0 : f * 1.3).text(line));
  }
  const g = svg.append("g").attr("class", "plot").attr("transform", `translate(${m.left},${m.top})`);
  return { svg, g, w: wide - m.left - m.right, h: tall - m.top - m.bottom, m };
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
  const f = chartFontPx();
  if (xLabel) {
    fitWords(g.append("text").attr("class", "axis-label axis-label-x").attr("x", w / 2).attr("y", h + f * 2.9)
      .attr("text-anchor", "middle").node(), xLabel, Math.floor(w / (f * 0.58)));
  }
  if (yLabel) {
    fitWords(g.append("text").attr("class", "axis-label axis-label-y").attr("transform", "rotate(-90)")
      .attr("x", -h / 2).attr("y", -m.left + f).attr("text-anchor", "middle").node(), yLabel, Math.floor(h / (f * 0.58)));
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
function drawAxes(g, x, y, w, h, { xTicks = tickCount(w), yTicks = Math.max(2, Math.floor(h / (chartFontPx() * 2.6))), grid = true, time = false } = {}) {
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
  const { series = [], band = null, markers = false, xLabel = "", yLabel = "", xType = "linear", spans = [] } = options;
  /** @type {Words[]} */
  const names = series.map((s, i) => s.name || `series ${i + 1}`);
  // A legend goes under the plot: the series (but those left out of it) and the named spans.
  /** @type {LegendItem[]} */
  const legendItems = [
    ...series.map((s, i) => ({ s, i })).filter(({ s }) => s.legend !== false).map(({ s, i }) => ({
      name: names[i],
      className: `series-${i} ${s.className || ""}${s.dashed ? " dashed" : ""}`.trim(),
      ...((markers || s.markers) && s.marker === "square" ? { marker: /** @type {"square"} */ ("square") } : {}),
    })),
    ...spans.filter((sp) => sp.name).map((sp) => ({ name: sp.name, className: sp.className || "", kind: /** @type {"area"} */ ("area") })),
  ];
  const withLegend = legendItems.length > 1;
  const legendRows = withLegend ? legendLayout(legendItems.map((item) => wordsText(item.name)), (options.width || DEFAULT_WIDTH) - 8).rows : 0;
  const base = marginsFor(options.title ? wrapText(wordsText(options.title), Math.max(MIN_WIDTH, options.width || DEFAULT_WIDTH) - 8).length : 0);
  const extra = legendRows ? legendRows * chartFontPx() * 1.5 + chartFontPx() * 0.6 : 0;
  const { svg, g, w, h, m } = frame("line", {
    ...options,
    height: (options.height || Math.min(420, Math.max(240, (options.width || DEFAULT_WIDTH) * 0.62))) + extra,
    margin: { bottom: base.bottom + extra, ...(options.margin || {}) },
  });
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
  for (const sp of spans) {
    const a = x(/** @type {any} */ (sp.from));
    const b = x(/** @type {any} */ (sp.to));
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    g.append("rect").attr("class", `span ${sp.className || ""}`.trim())
      .attr("x", Math.min(a, b)).attr("y", 0).attr("width", Math.abs(b - a)).attr("height", h);
  }
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
        const c = s.marker === "square"
          ? dots.append("rect").attr("class", `mark square ${p.className || ""}`.trim())
            .attr("x", x(p.x) - 4).attr("y", y(p.y) - 4).attr("width", 8).attr("height", 8)
          : dots.append("circle").attr("class", `mark ${p.className || ""}`.trim())
            .attr("cx", x(p.x)).attr("cy", y(p.y)).attr("r", 3.5);
        if (p.title) appendWords(/** @type {any} */ (c), "title", p.title);
      }
    }
  });
  if (withLegend) legend(svg, legendItems, m.left, m.top + h + base.bottom + chartFontPx() * 0.6, w + m.left + m.right - 8);
  axisLabels(g, w, h, m, xLabel, yLabel);
  /** @type {ChartTable} */
  const table = { columns: [series.length > 1 ? t("page.chart.series") : null, wordsText(xLabel) || "x", wordsText(yLabel) || "y"].filter((c) => c !== null), rows: [] };
  for (const [i, s] of series.entries()) {
    for (const p of s.points.filter(finitePoint)) {
      const xText = p.x instanceof Date ? p.x.toISOString().slice(0, 10) : formatValue(p.x);
      table.rows.push(series.length > 1 ? [wordsText(names[i]), xText, formatValue(p.y)] : [xText, formatValue(p.y)]);
    }
  }
  return withTable(withScales(svg.node(), x, y), table);
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
 * Where legend items go: left to right, wrapping to a new row within `width`.
 * @param {string[]} names
 * @param {number} width
 * @returns {{ rows: number, places: { x: number, row: number }[] }}
 */
function legendLayout(names, width) {
  const f = chartFontPx();
  let x = 0;
  let row = 0;
  const places = names.map((name) => {
    const item = f * 1.6 + textWidth(name, f) + f;
    if (x > 0 && x + item > width) {
      x = 0;
      row += 1;
    }
    const place = { x, row };
    x += item;
    return place;
  });
  return { rows: names.length ? row + 1 : 0, places };
}

/**
 * A legend below the chart: a short line and the series name, wrapping within `width`.
 * @param {Svg} svg
 * @param {LegendItem[]} items
 * @param {number} left
 * @param {number} top
 * @param {number} width
 */
function legend(svg, items, left, top, width) {
  const f = chartFontPx();
  const { places } = legendLayout(items.map((item) => wordsText(item.name)), width - left);
  const lg = svg.append("g").attr("class", "legend").attr("transform", `translate(${left},${top})`);
  for (const [i, item] of items.entries()) {
    const it = lg.append("g").attr("class", "legend-item").attr("transform", `translate(${places[i].x},${places[i].row * f * 1.5 + f * 0.2})`);
    if (item.kind === "point") {
      it.append("circle").attr("class", `legend-mark ${item.className}`.trim()).attr("cx", f * 0.5).attr("cy", 0).attr("r", Math.max(4, f * 0.25));
    } else if (item.kind === "area") {
      it.append("rect").attr("class", `legend-span span ${item.className}`.trim()).attr("x", 0).attr("y", -f * 0.45).attr("width", f).attr("height", f * 0.9);
    } else {
      it.append("line").attr("class", `line ${item.className}`).attr("x1", 0).attr("x2", f).attr("y1", 0).attr("y2", 0);
      if (item.marker === "square") {
        it.append("rect").attr("class", `legend-mark square ${item.className}`.trim()).attr("x", f * 0.5 - 4).attr("y", -4).attr("width", 8).attr("height", 8);
      }
    }
    writeWords(it.append("text").attr("x", f * 1.3).attr("y", f * 0.35).node(), item.name);
  }
}

/**
 * Points, with an optional y = x diagonal, a horizontal reference line and extra lines.
 * @param {ScatterOptions} options
 * @returns {ChartElement}
 */
export function scatterChart(options) {
  const { points = [], xLabel = "", yLabel = "", diagonal = false, hline = null, lines = [], legend: legendItems = [] } = options;
  // A legend goes under the chart, as the line chart's does.
  const withLegend = legendItems.length > 0;
  const legendRows = withLegend ? legendLayout(legendItems.map((item) => wordsText(item.name)), (options.width || DEFAULT_WIDTH) - 8).rows : 0;
  const base = marginsFor(options.title ? wrapText(wordsText(options.title), Math.max(MIN_WIDTH, options.width || DEFAULT_WIDTH) - 8).length : 0);
  const extra = legendRows ? legendRows * chartFontPx() * 1.5 + chartFontPx() * 0.6 : 0;
  const { svg, g, w, h, m } = frame("scatter", withLegend ? {
    ...options,
    height: (options.height || Math.min(420, Math.max(240, (options.width || DEFAULT_WIDTH) * 0.62))) + extra,
    margin: { bottom: base.bottom + extra, ...(options.margin || {}) },
  } : options);
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
  if (withLegend) legend(svg, legendItems, m.left, m.top + h + base.bottom + chartFontPx() * 0.6, w + m.left + m.right - 8);
  axisLabels(g, w, h, m, xLabel, yLabel);
  const table = { columns: [wordsText(xLabel) || "x", wordsText(yLabel) || "y"], rows: shown.map((p) => [formatValue(p.x), formatValue(p.y)]) };
  return withTable(withScales(svg.node(), x, y), table);
}

/**
 * Bars with optional error bars (± error), horizontal (names on the left) or vertical.
 * @param {BarChartOptions} options
 * @returns {SVGSVGElement}
 */
export function barChart(options) {
  const { bars = [], horizontal = false, valueLabel = "", categoryLabel = "" } = options;
  const f = chartFontPx();
  const width = Math.max(MIN_WIDTH, options.width || DEFAULT_WIDTH);
  const longest = bars.reduce((n, b) => Math.max(n, wordsText(/** @type {Words} */ (b.label)).length), 0);
  const base = marginsFor(1);
  // Names on the left take at most 55% of the width; longer ones are cut (the tooltip and
  // the table have them whole).
  const left = horizontal ? Math.min(width * 0.55, f + longest * f * 0.58) : base.left;
  const labelChars = horizontal ? Math.max(6, Math.floor((left - f) / (f * 0.58))) : 14;
  const barRow = f * 1.7;
  const height = options.height || (horizontal ? Math.max(f * 8, f * 6 + bars.length * barRow) : undefined);
  // Category names under vertical bars are written slanted when they do not fit side by side.
  const slanted = !horizontal && bars.length * textWidth("x".repeat(Math.min(longest, 14)), f) > width - base.left - base.right;
  const bottom = slanted ? Math.min(f * 8, f * 3.4 + Math.min(longest, 16) * f * 0.45) : base.bottom;
  const { svg, g, w, h, m } = frame("bar", { ...options, width, height: (height || Math.min(420, Math.max(240, width * 0.62))) + (slanted ? bottom - base.bottom : 0), margin: { left, bottom, ...(options.margin || {}) } });
  const lows = bars.map((b) => Math.min(0, b.value - (b.error || 0)));
  const highs = bars.map((b) => Math.max(0, b.value + (b.error || 0)));
  const value = d3.scaleLinear().domain(options.valueDomain || [d3.min(lows) ?? 0, d3.max(highs) || 1]).nice();
  const band = /** @type {import("d3").ScaleBand<number>} */ (d3.scaleBand()).domain(bars.map((b, i) => i)).padding(0.2);
  if (horizontal) {
    value.range([0, w]);
    band.range([0, h]);
    g.append("g").attr("class", "grid").attr("transform", `translate(0,${h})`)
      .call(d3.axisBottom(value).ticks(tickCount(w)).tickSize(-h).tickFormat(() => ""));
    g.append("g").attr("class", "axis axis-x").attr("transform", `translate(0,${h})`).call(d3.axisBottom(value).ticks(tickCount(w)));
    barTicks(g.append("g").attr("class", "axis axis-y").call(d3.axisLeft(band).tickFormat((i) => clipLabel(wordsText(/** @type {Words} */ (bars[i].label)), labelChars))), bars);
  } else {
    value.range([h, 0]);
    band.range([0, w]);
    g.append("g").attr("class", "grid").call(d3.axisLeft(value).ticks(Math.max(2, Math.floor(h / (f * 2.6)))).tickSize(-w).tickFormat(() => ""));
    const xAxis = g.append("g").attr("class", "axis axis-x").attr("transform", `translate(0,${h})`)
      .call(d3.axisBottom(band).tickFormat((i) => clipLabel(wordsText(/** @type {Words} */ (bars[i].label)), slanted ? 16 : 14)));
    barTicks(xAxis, bars);
    if (slanted) xAxis.selectAll(".tick text").attr("transform", "rotate(-40)").attr("text-anchor", "end").attr("dx", "-0.4em").attr("dy", "0.6em");
    g.append("g").attr("class", "axis axis-y").call(d3.axisLeft(value).ticks(Math.max(2, Math.floor(h / (f * 2.6)))));
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
  const table = {
    columns: [wordsText(categoryLabel), wordsText(valueLabel), ...(bars.some((b) => b.error) ? ["±"] : [])],
    rows: bars.map((b) => [wordsText(/** @type {Words} */ (b.label)), formatValue(b.value), ...(bars.some((x) => x.error) ? [b.error ? formatValue(b.error) : ""] : [])]),
  };
  return withTable(svg.node(), table);
}

/**
 * A grid of cells coloured by value (0..max), each with its number written in it.
 * @param {HeatmapOptions} options
 * @returns {SVGSVGElement}
 */
export function heatmap(options) {
  const { rowLabels = [], colLabels = [], values = [], text = null, xLabel = "", yLabel = "" } = options;
  const f = chartFontPx();
  const room = Math.max(MIN_WIDTH, options.width || DEFAULT_WIDTH);
  const longest = rowLabels.reduce((n, l) => Math.max(n, String(l).length), 0);
  const left = Math.min(room * 0.35, f * 2.6 + Math.min(longest, 22) * f * 0.58);
  const rowChars = Math.max(4, Math.floor((left - f * 2.6) / (f * 0.58)));
  const n = Math.max(rowLabels.length, colLabels.length, 1);
  // Cells at most 4 characters wide, at least as wide as their number, within the room given.
  const cell = Math.max(f * 2.4, Math.min(f * 4.5, (room - left - f * 1.5) / Math.max(colLabels.length, 1), 420 / n));
  const width = Math.min(room, left + colLabels.length * cell + f * 1.5);
  const titleLines = options.title ? wrapText(wordsText(options.title), width - 8).length : 0;
  const top = marginsFor(titleLines).top;
  const bottom = f * 3.6;
  const height = top + rowLabels.length * cell + bottom;
  const { svg, g, w, h, m } = frame("heatmap", { ...options, width, height, margin: { left, bottom, right: f * 1.5, top } });
  const x = /** @type {import("d3").ScaleBand<number>} */ (d3.scaleBand()).domain(colLabels.map((_, i) => i)).range([0, w]);
  const y = /** @type {import("d3").ScaleBand<number>} */ (d3.scaleBand()).domain(rowLabels.map((_, i) => i)).range([0, h]);
  const max = options.max ?? (d3.max(values.flat()) || 1);
  const colour = d3.scaleSequential(BLUES).domain([0, max]);
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
    .call(d3.axisBottom(x).tickSize(0).tickPadding(6).tickFormat((i) => clipLabel(colLabels[i], Math.max(3, Math.floor(x.bandwidth() / (f * 0.58)))))));
  userTicks(g.append("g").attr("class", "axis axis-y")
    .call(d3.axisLeft(y).tickSize(0).tickPadding(6).tickFormat((i) => clipLabel(rowLabels[i], rowChars))));
  axisLabels(g, w, h, m, xLabel, yLabel);
  // Drawn at its own size (not stretched to the container; charts.css lets a chart with a
  // width attribute keep it, up to the container's width).
  svg.attr("width", Math.round(width));
  const table = {
    columns: [yLabel && xLabel ? `${wordsText(yLabel)} \\ ${wordsText(xLabel)}` : "", ...colLabels.map(String)],
    rows: values.map((row, r) => [String(rowLabels[r]), ...row.map((v, c) => (text ? text[r][c] : formatValue(v)))]),
  };
  return withTable(svg.node(), table);
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
  const table = { columns: [wordsText(xLabel), wordsText(yLabel)], rows: shown.map((b) => [`${formatValue(b.lo)} – ${formatValue(b.hi)}`, String(b.count)]) };
  return withTable(svg.node(), table);
}

/**
 * A chart's numbers as a table: column names and rows of text.
 * @typedef {{ columns: string[], rows: string[][] }} ChartTable
 */

/**
 * Keep the chart's numbers on the element (a JS property, not markup) for drawChart's table
 * alternative.
 * @template {SVGSVGElement} T
 * @param {T} node
 * @param {ChartTable} table
 * @returns {T}
 */
function withTable(node, table) {
  /** @type {any} */ (node).chartTable = table;
  return node;
}

/** Charts drawn with drawChart, redrawn when their box changes width. */
/** @type {ResizeObserver | null} */
let resizer = null;
/** @type {Map<HTMLElement, number>} chart boxes whose width changed, and their new width */
const resized = new Map();
/** The frame that draws them again (0: none asked). */
let resizeFrame = 0;

/**
 * Draw a chart into `box` at the box's width, and again whenever that width changes (a phone
 * turned, a window resized, a box shown): fewer ticks and legends below when narrow, and chart
 * text as large as the page's everywhere. Under it, a toggle shows the chart's numbers as a
 * table (the chart's text alternative, reachable from the keyboard). `draw({ width })` returns
 * the chart; `after(svg)` runs after each drawing (to put a marker back).
 * @param {HTMLElement} box
 * @param {(size: { width: number }) => SVGSVGElement} draw
 * @param {(svg: SVGSVGElement) => void} [after]
 */
export function drawChart(box, draw, after) {
  const holder = /** @type {any} */ (box);
  holder.chartDraw = draw;
  holder.chartAfter = after || null;
  if (!resizer && typeof ResizeObserver === "function") {
    resizer = new ResizeObserver((entries) => {
      for (const entry of entries) {
        const target = /** @type {any} */ (entry.target);
        const width = Math.floor(entry.contentRect.width);
        if (width > 0 && target.chartDraw && Math.abs(width - (target.chartWidth || 0)) >= 4) resized.set(target, width);
      }
      // Drawn on the next frame, not in this callback: a drawing changes sizes the observer
      // watches, which inside its callback is "ResizeObserver loop completed with undelivered
      // notifications", an error event Firefox and WebKit fire at the page.
      if (resized.size > 0 && !resizeFrame) {
        resizeFrame = requestAnimationFrame(() => {
          resizeFrame = 0;
          const due = [...resized];
          resized.clear();
          for (const [target, width] of due) if (target.isConnected) render(target, width);
        });
      }
    });
  }
  if (resizer) resizer.observe(box);
  render(holder, Math.floor(box.clientWidth) || 0);
}

/**
 * @param {any} box
 * @param {number} width 0 when the box is not shown (drawn at the default width meanwhile)
 */
function render(box, width) {
  box.chartWidth = width;
  const svg = box.chartDraw({ width: width || DEFAULT_WIDTH });
  // its own width, so that a copy in the report is drawn at the size it was laid out for
  if (!svg.hasAttribute("width")) svg.setAttribute("width", String(svg.viewBox.baseVal.width));
  const nodes = [svg];
  const table = svg.chartTable;
  if (table && table.rows.length) nodes.push(tableToggle(table, svg.getAttribute("aria-label") || ""));
  box.replaceChildren(...nodes);
  if (box.chartAfter) box.chartAfter(svg);
}

/**
 * A <details> that holds the chart's numbers as a table, made when first opened.
 * @param {ChartTable} table
 * @param {string} caption
 * @returns {HTMLDetailsElement}
 */
function tableToggle(table, caption) {
  const details = document.createElement("details");
  details.className = "chart-table";
  details.dataset.testid = "chart-table";
  const summary = document.createElement("summary");
  localize(summary, "page.chart.show_table");
  details.append(summary);
  details.addEventListener("toggle", () => {
    if (!details.open || details.querySelector("table")) return;
    const wrap = document.createElement("div");
    wrap.className = "table-scroll";
    // a box that scrolls can be scrolled from the keyboard
    wrap.tabIndex = 0;
    const t = document.createElement("table");
    t.className = "data-table";
    const cap = document.createElement("caption");
    cap.textContent = caption;
    const head = document.createElement("tr");
    for (const name of table.columns) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.append(th);
    }
    const thead = document.createElement("thead");
    thead.append(head);
    const tbody = document.createElement("tbody");
    for (const row of table.rows) {
      const tr = document.createElement("tr");
      for (const cell of row) {
        const td = document.createElement("td");
        td.textContent = cell;
        tr.append(td);
      }
      tbody.append(tr);
    }
    t.append(cap, thead, tbody);
    wrap.append(t);
    details.append(wrap);
  });
  return details;
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
