#!/usr/bin/env node
// Markdown tables of benchmark results against the anchors of a benchmark collection.
//
//   node scripts/bench-table.mjs RESULTS_DIR ANCHORS_DIR [--browser DIR] [--anchors DIR]...
//                                [--readme README.md] [--section bench|validation]
//
// RESULTS_DIR holds our native NAME.json files (`automl bench --out`; a folder that does not
// exist counts as none), ANCHORS_DIR a collection's anchors/ folder, and each --anchors DIR
// more anchor folders of the same layout (bench/anchors-public/ holds the MLP anchor of the
// public collection, which the shared collection does not have). --browser DIR adds our browser
// results (scripts/bench-browser.mjs) in a column beside the native one.
//
// The anchors, each shown when it has result files: baseline, rf_default, mlp_default and
// flaml_10 (the 10-second comparison: none of them takes more than 10 s), and flaml_60 on the
// data sets it was run on. For each task group (binary, multiclass, regression) it prints, per
// data set, the main metric of each tool (balanced accuracy for classification, R² for
// regression; mean over the 5 folds; the best 10-second value in bold), then the group's mean
// over the data sets every 10-second tool has and the mean rank there (each of ours ranked
// against the anchors alone, so the native and the browser columns do not rank each other), the
// same against FLAML at 60 s on its data sets, and per run of ours its longest fold over the
// budget. Then the targets: per group, ours against the best anchor; the browser's mean against
// the native one (issue 17: within 0.01 in every group); every fold within the budget's bound.
//
// With --readme FILE, the part of FILE between `<!-- bench-table:start -->` and
// `<!-- bench-table:end -->` (--section bench, the default: the public collection) or between
// `<!-- validation-table:start -->` and `<!-- validation-table:end -->` (--section validation:
// the validation collection, bench/validation/) is replaced by the tables.

import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

export const ANCHORS = [
  ["baseline", "baseline"],
  ["rf_default", "RF default"],
  ["mlp_default", "MLP default"],
  ["flaml_10", "FLAML 10 s"],
];
const SLOW = ["flaml_60", "FLAML 60 s"];
const GROUPS = ["binary", "multiclass", "regression"];
export const SECTIONS = {
  bench: ["<!-- bench-table:start -->", "<!-- bench-table:end -->"],
  validation: ["<!-- validation-table:start -->", "<!-- validation-table:end -->"],
};
/** The issue's target for the browser: its group mean within this of the native one. */
export const BROWSER_TOLERANCE = 0.01;

/** The budget bound on a run's wall time: 5% over, or 0.5 s over for small budgets. */
export function overrunBound(budget) {
  return Math.max(budget * 1.05, budget + 0.5);
}

/** Ranks (1 = best, ties share their mean rank) of `values`, higher is better. */
export function ranks(values) {
  const order = values.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]);
  const out = new Array(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** The result files of `dir` (Map name → result); none when it does not exist. */
export function readDir(dir) {
  const out = new Map();
  if (!dir || !existsSync(dir)) return out;
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const r = JSON.parse(readFileSync(join(dir, f), "utf8"));
    out.set(r.dataset ?? f.replace(/\.json$/, ""), r);
  }
  return out;
}

const mainMetric = (task) => (task === "regression" ? "r2" : "balanced_accuracy");
const value = (r, task) => r?.summary?.[mainMetric(task)]?.mean;
const fmt = (v) => (v === undefined || Number.isNaN(v) ? "–" : v.toFixed(4));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const signed = (v) => {
  const r = Number(v.toFixed(4));
  return `${r >= 0 ? "+" : "−"}${Math.abs(r).toFixed(4)}`;
};
/** A table row of `cells` (empty cells as "| |"). */
const row = (cells) => `| ${cells.join(" | ")} |`.replace(/ {2}\|/g, " |");

/** The label of a run of ours: its files' tool name ("automl-wasm native 10s"), or `fallback`. */
function labelOf(results, fallback) {
  return [...results.values()][0]?.tool ?? fallback;
}

/**
 * The tables. `ours`: our native results (Map name → result; may be empty); `anchors`: tool →
 * Map name → result; `browser`: our browser results (Map, or null).
 */
export function tables(ours, anchors, browser = null) {
  /** Our runs shown: [key, label, Map]. */
  const runs = [];
  if (ours.size > 0) runs.push(["native", labelOf(ours, "automl-wasm native"), ours]);
  if (browser && browser.size > 0) runs.push(["browser", labelOf(browser, "automl-wasm browser"), browser]);
  const anchorTools = ANCHORS.filter(([t]) => anchors[t]?.size > 0);
  const slowShown = anchors[SLOW[0]]?.size > 0;
  const fast = [...runs.map(([k, l]) => [k, l]), ...anchorTools];
  const columns = slowShown ? [...fast, SLOW] : fast;
  const source = (tool) => runs.find(([k]) => k === tool)?.[2] ?? anchors[tool];
  // the data sets: those of our runs; with none, those of the anchors
  const pool = runs.length > 0 ? runs.map(([, , m]) => m) : anchorTools.map(([t]) => anchors[t]);
  const taskOf = new Map();
  for (const m of pool) for (const [name, r] of m) if (!taskOf.has(name) && r.task) taskOf.set(name, r.task);

  const lines = [];
  const summary = [];
  const groupMeans = {};
  /** Per run of ours: its longest fold over the budget. */
  const worst = Object.fromEntries(runs.map(([k]) => [k, { ratio: 0, dataset: "", seconds: 0, budget: 10 }]));
  for (const group of GROUPS) {
    const names = [...taskOf].filter(([, t]) => t === group).map(([n]) => n).sort();
    if (names.length === 0) continue;
    const get = (tool, name) => value(source(tool)?.get(name), group);
    lines.push(`### ${group} (${mainMetric(group)}, mean of 5 folds)`, "");
    const wallHeads = runs.map(([k]) => (runs.length > 1 ? `${k} max wall / budget` : "max wall / budget"));
    lines.push(row(["dataset", ...columns.map((t) => t[1]), ...wallHeads]));
    lines.push(`|---|${[...columns, ...wallHeads].map(() => "---:").join("|")}|`);
    for (const name of names) {
      const vals = columns.map(([t]) => get(t, name));
      const fastVals = vals.slice(0, fast.length).filter((v) => v !== undefined);
      const best = Math.max(...fastVals);
      const cells = vals.map((v, i) => (i < fast.length && v === best && fastVals.length > 1 ? `**${fmt(v)}**` : fmt(v)));
      const walls = runs.map(([k, , m]) => {
        const r = m.get(name);
        if (!r) return "–";
        const budget = r.time_budget_s ?? 10;
        const seconds = Math.max(...(r.folds ?? []).map((f) => f.wall_time_s));
        const ratio = seconds / budget;
        if (ratio > worst[k].ratio) worst[k] = { ratio, dataset: name, seconds, budget };
        return ratio.toFixed(3);
      });
      lines.push(row([name, ...cells, ...walls]));
    }
    const pad = (n) => Array(n).fill("");
    const tail = columns.length - fast.length + runs.length;
    // the 10-second comparison: data sets every 10-second tool has
    const common = names.filter((n) => fast.every(([t]) => get(t, n) !== undefined));
    if (common.length === 0) {
      lines.push("");
      continue;
    }
    const means = fast.map(([t]) => mean(common.map((n) => get(t, n))));
    groupMeans[group] = Object.fromEntries(fast.map(([t], i) => [t, means[i]]));
    const meanRanks = rankColumns(fast, runs.length, common, (t, n) => get(t, n));
    const rankLabel = runs.length > 1
      ? `**mean rank** of ${anchorTools.length + 1} (each of ours against the anchors)`
      : `**mean rank** of ${fast.length}`;
    lines.push(row([`**mean** (${common.length} datasets)`, ...means.map(fmt), ...pad(tail)]));
    lines.push(row([rankLabel, ...meanRanks.map((r) => r.toFixed(2)), ...pad(tail)]));
    // against FLAML 60 s on its subset
    const slowTexts = [];
    if (slowShown) {
      const usable = names.filter((n) => columns.every(([t]) => get(t, n) !== undefined));
      if (usable.length > 0) {
        const ms = columns.map(([t]) => mean(usable.map((n) => get(t, n))));
        const mr = rankColumns(columns, runs.length, usable, (t, n) => get(t, n));
        lines.push(
          row([`**mean, FLAML 60 s subset** (${usable.length})`, ...ms.map(fmt), ...pad(runs.length)]),
          row(["**mean rank, same subset**", ...mr.map((r) => r.toFixed(2)), ...pad(runs.length)]),
        );
        const slowAt = columns.length - 1;
        runs.forEach(([k], i) => {
          const beats = ms[i] >= ms[slowAt] && mr[i] <= Math.min(...mr.slice(runs.length));
          slowTexts.push(`${k} vs FLAML 60 s on ${usable.join(", ")}: mean ${fmt(ms[i])} vs ${fmt(ms[slowAt])}, ` +
            `rank ${mr[i].toFixed(2)} vs ${mr[slowAt].toFixed(2)} → ${beats ? "met" : "not met"}`);
        });
      }
    }
    lines.push("");
    if (anchorTools.length === 0) continue;
    const anchorMeans = means.slice(runs.length);
    const anchorRanks = meanRanks.slice(runs.length);
    const bestAnchor = Math.max(...anchorMeans);
    const bestName = anchorTools[anchorMeans.indexOf(bestAnchor)][1];
    runs.forEach(([k], i) => {
      const meanOk = means[i] >= bestAnchor;
      const rankOk = meanRanks[i] <= Math.min(...anchorRanks);
      summary.push(
        `- **${group}, ${k}**: mean ${fmt(means[i])} vs best anchor ${fmt(bestAnchor)} (${bestName}; ` +
          `${meanOk ? "met" : "not met"}); mean rank ${meanRanks[i].toFixed(2)} vs best anchor ` +
          `${Math.min(...anchorRanks).toFixed(2)} (${rankOk ? "met" : "not met"})` +
          `${slowTexts[i] ? `; ${slowTexts[i]}` : ""}.`,
      );
    });
  }
  if (runs.length === 2) {
    const parts = Object.entries(groupMeans).map(([g, m]) => [g, m.browser - m.native]);
    if (parts.length > 0) {
      const ok = parts.every(([, d]) => Math.abs(d) <= BROWSER_TOLERANCE);
      summary.push(
        `- **browser − native** (group means): ${parts.map(([g, d]) => `${g} ${signed(d)}`).join(", ")} ` +
          `(within ${BROWSER_TOLERANCE} in every group: ${ok ? "met" : "not met"}).`,
      );
    }
  }
  for (const [k] of runs) {
    const w = worst[k];
    const bound = overrunBound(w.budget);
    summary.push(
      `- **budget, ${k}**: longest fold ${w.seconds.toFixed(2)} s on ${w.dataset} ` +
        `(${w.ratio.toFixed(3)} × the ${w.budget} s budget; bound ${bound.toFixed(2)} s: ` +
        `${w.seconds <= bound ? "met" : "not met"}).`,
    );
  }
  return [...lines, ...summary].join("\n").trimEnd();
}

/**
 * Mean ranks of `tools` over `names`: the first `ours` tools are each ranked against the other
 * tools (the anchors) alone; an anchor's rank is from the first of ours with them (or among the
 * anchors alone when there is none of ours).
 */
function rankColumns(tools, ours, names, get) {
  const others = tools.slice(ours);
  const sums = tools.map(() => 0);
  for (const n of names) {
    const anchorValues = others.map(([t]) => get(t, n));
    if (ours === 0) {
      ranks(anchorValues).forEach((r, i) => (sums[i] += r));
      continue;
    }
    for (let o = 0; o < ours; o++) {
      const r = ranks([get(tools[o][0], n), ...anchorValues]);
      sums[o] += r[0];
      if (o === 0) r.slice(1).forEach((x, i) => (sums[ours + i] += x));
    }
  }
  return sums.map((s) => s / names.length);
}

function main() {
  const args = process.argv.slice(2);
  const take = (flag) => {
    const values = [];
    for (let at = args.indexOf(flag); at >= 0; at = args.indexOf(flag)) {
      values.push(args[at + 1]);
      args.splice(at, 2);
    }
    return values;
  };
  const readme = take("--readme")[0] ?? null;
  const browserDir = take("--browser")[0] ?? null;
  const extra = take("--anchors");
  const section = take("--section")[0] ?? "bench";
  if (args.length !== 2 || !SECTIONS[section]) {
    console.error("usage: node scripts/bench-table.mjs RESULTS_DIR ANCHORS_DIR [--browser DIR] [--anchors DIR]... " +
      "[--readme README.md] [--section bench|validation]");
    process.exit(2);
  }
  const [resultsDir, anchorsDir] = args;
  const ours = readDir(resultsDir);
  const browser = browserDir ? readDir(browserDir) : null;
  if (browserDir && browser.size === 0) {
    console.error(`no result files in ${browserDir}`);
    process.exit(2);
  }
  const anchors = {};
  for (const [t] of [...ANCHORS, SLOW]) {
    anchors[t] = readDir(join(anchorsDir, t));
    for (const dir of extra) for (const [name, r] of readDir(join(dir, t))) if (!anchors[t].has(name)) anchors[t].set(name, r);
  }
  if (ours.size === 0 && !browser && Object.values(anchors).every((m) => m.size === 0)) {
    console.error(`no result files in ${resultsDir} and no anchors in ${anchorsDir}`);
    process.exit(2);
  }
  const text = tables(ours, anchors, browser);
  console.log(text);
  if (readme) {
    const [START, END] = SECTIONS[section];
    const old = readFileSync(readme, "utf8");
    const a = old.indexOf(START);
    const b = old.indexOf(END);
    if (a < 0 || b < a) {
      console.error(`${readme} has no ${START} … ${END} section`);
      process.exit(2);
    }
    writeFileSync(readme, `${old.slice(0, a + START.length)}\n${text}\n${old.slice(b)}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
