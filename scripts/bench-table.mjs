#!/usr/bin/env node
// Markdown tables of `automl bench` results against the anchors of the benchmark collection.
//
//   node scripts/bench-table.mjs RESULTS_DIR ANCHORS_DIR [--readme README.md]
//
// RESULTS_DIR holds our NAME.json files (from `automl bench --out`), ANCHORS_DIR the
// collection's anchors/ folder (baseline, rf_default, flaml_10, flaml_60). For each task group
// (binary, multiclass, regression) it prints, per dataset, the main metric of each tool
// (balanced accuracy for classification, R² for regression; mean over the 5 folds), then the
// group's mean and mean rank over the datasets every 10-second tool has, the same against
// FLAML at 60 s on the datasets it was run on, and our worst fold's wall time over the budget.
// With --readme FILE, the part of FILE between `<!-- bench-table:start -->` and
// `<!-- bench-table:end -->` is replaced by the tables.

import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const ANCHORS = [
  ["baseline", "baseline"],
  ["rf_default", "RF default"],
  ["flaml_10", "FLAML 10 s"],
];
const SLOW = ["flaml_60", "FLAML 60 s"];
const GROUPS = ["binary", "multiclass", "regression"];
const START = "<!-- bench-table:start -->";
const END = "<!-- bench-table:end -->";

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

function readDir(dir) {
  const out = new Map();
  if (!existsSync(dir)) return out;
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

/** The tables for our results `ours` (Map name → result) and `anchors` (tool → Map). */
export function tables(ours, anchors) {
  const lines = [];
  const first = [...ours.values()][0];
  const budget = first?.time_budget_s ?? 10;
  const oursLabel = first?.tool ?? "ours";
  const summary = [];
  let worst = { ratio: 0, dataset: "" };
  for (const group of GROUPS) {
    const names = [...ours.keys()].filter((n) => ours.get(n).task === group).sort();
    if (names.length === 0) continue;
    const tools = [["ours", oursLabel], ...ANCHORS, SLOW];
    const get = (tool, name) =>
      tool === "ours" ? value(ours.get(name), group) : value(anchors[tool]?.get(name), group);
    lines.push(`### ${group} (${mainMetric(group)}, mean of 5 folds)`, "");
    lines.push(`| dataset | ${tools.map((t) => t[1]).join(" | ")} | max wall / budget |`);
    lines.push(`|---|${tools.map(() => "---:").join("|")}|---:|`);
    for (const name of names) {
      const vals = tools.map(([t]) => get(t, name));
      const best = Math.max(...vals.slice(0, 4).filter((v) => v !== undefined));
      const cells = vals.map((v, i) => (i < 4 && v === best ? `**${fmt(v)}**` : fmt(v)));
      const times = (ours.get(name).folds ?? []).map((f) => f.wall_time_s);
      const ratio = Math.max(...times) / budget;
      if (ratio > worst.ratio) worst = { ratio, dataset: name, seconds: Math.max(...times) };
      lines.push(`| ${name} | ${cells.join(" | ")} | ${ratio.toFixed(3)} |`);
    }
    // the 10-second comparison: datasets every 10-second tool has
    const fast = tools.slice(0, 4);
    const common = names.filter((n) => fast.every(([t]) => get(t, n) !== undefined));
    const rankSum = fast.map(() => 0);
    for (const n of common) ranks(fast.map(([t]) => get(t, n))).forEach((r, i) => (rankSum[i] += r));
    const means = fast.map(([t]) => mean(common.map((n) => get(t, n))));
    const meanRanks = rankSum.map((s) => s / common.length);
    lines.push(`| **mean** (${common.length} datasets) | ${means.map(fmt).join(" | ")} | | |`);
    lines.push(`| **mean rank** of 4 | ${meanRanks.map((r) => r.toFixed(2)).join(" | ")} | | |`);
    // against FLAML 60 s on its subset
    const slow = names.filter((n) => get("flaml_60", n) !== undefined && get("ours", n) !== undefined);
    let slowText = "FLAML 60 s: no dataset of this group";
    if (slow.length > 0) {
      const all = tools;
      const sums = all.map(() => 0);
      const usable = slow.filter((n) => all.every(([t]) => get(t, n) !== undefined));
      for (const n of usable) ranks(all.map(([t]) => get(t, n))).forEach((r, i) => (sums[i] += r));
      const ms = all.map(([t]) => mean(usable.map((n) => get(t, n))));
      const mr = sums.map((s) => s / usable.length);
      lines.push(
        `| **mean, FLAML 60 s subset** (${usable.length}) | ${ms.map(fmt).join(" | ")} | |`,
        `| **mean rank of 5, same subset** | ${mr.map((r) => r.toFixed(2)).join(" | ")} | |`,
      );
      const beats60 = ms[0] >= ms[4] && mr[0] <= Math.min(...mr.slice(1));
      slowText = `vs FLAML 60 s on ${usable.join(", ")}: mean ${fmt(ms[0])} vs ${fmt(ms[4])}, ` +
        `rank ${mr[0].toFixed(2)} vs ${mr[4].toFixed(2)} → ${beats60 ? "met" : "not met"}`;
    }
    lines.push("");
    const bestAnchor = Math.max(...means.slice(1));
    const meanOk = means[0] >= bestAnchor;
    const rankOk = meanRanks[0] <= Math.min(...meanRanks.slice(1));
    summary.push(
      `- **${group}**: mean ${fmt(means[0])} vs best 10-s anchor ${fmt(bestAnchor)} ` +
        `(${meanOk ? "met" : "not met"}); mean rank ${meanRanks[0].toFixed(2)} vs best anchor ` +
        `${Math.min(...meanRanks.slice(1)).toFixed(2)} (${rankOk ? "met" : "not met"}); ${slowText}.`,
    );
  }
  const bound = overrunBound(budget);
  summary.push(
    `- **budget**: longest fold ${worst.seconds?.toFixed(2)} s on ${worst.dataset} ` +
      `(${worst.ratio.toFixed(3)} × the ${budget} s budget; bound ${bound.toFixed(2)} s: ` +
      `${worst.seconds <= bound ? "met" : "not met"}).`,
  );
  return [...lines, ...summary].join("\n");
}

function main() {
  const args = process.argv.slice(2);
  const readmeAt = args.indexOf("--readme");
  let readme = null;
  if (readmeAt >= 0) {
    readme = args[readmeAt + 1];
    args.splice(readmeAt, 2);
  }
  if (args.length !== 2) {
    console.error("usage: node scripts/bench-table.mjs RESULTS_DIR ANCHORS_DIR [--readme README.md]");
    process.exit(2);
  }
  const [resultsDir, anchorsDir] = args;
  const ours = readDir(resultsDir);
  if (ours.size === 0) {
    console.error(`no result files in ${resultsDir}`);
    process.exit(2);
  }
  const anchors = {};
  for (const [t] of [...ANCHORS, SLOW]) anchors[t] = readDir(join(anchorsDir, t));
  const text = tables(ours, anchors);
  console.log(text);
  if (readme) {
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
