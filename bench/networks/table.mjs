#!/usr/bin/env node
// Issue 15's measurement: the neural network family alone against scikit-learn's default MLP
// (and RealMLP through pytabkit where it was run), boosting alone against networks alone, and
// the full search with and without networks, on one benchmark collection at 10 s per fold.
//
//   node bench/networks/table.mjs RUNS_DIR --anchors DIR [--anchors DIR]... [--readme README.md
//                                 --section public|validation]
//
// RUNS_DIR holds one folder per run of `automl bench` (result files NAME.json):
//   networks-only     --families neural_network
//   boosting-only     --families gradient_boosting
//   without-networks  --exclude-families neural_network
//   all-families      (the default search)
//   networks-only-balanced  --families neural_network --metric balanced_accuracy (the
//                     classification tables: the search told the collection's metric)
// Each --anchors DIR is an anchors folder (subfolders mlp_default/, realmlp_default/, … with
// the same file layout); a run or anchor without files is left out.
//
// It prints per task group (binary, multiclass, regression) a table of each data set's main
// metric (balanced accuracy, R²; mean of the 5 folds) per run and anchor, the group means over
// the data sets every shown column has, then the targets: networks alone at least the MLP's
// mean in every group; the median over data sets of (boosting alone − networks alone) at most
// 0.02; the full search no group mean lower than without networks by more than 0.005; and, in
// the full search, the folds a network won alone or as a member of the winning ensemble.
//
// With --readme FILE, the part of FILE between `<!-- networks-table:SECTION:start -->` and
// `<!-- networks-table:SECTION:end -->` is replaced by the output.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readDir } from "../../scripts/bench-table.mjs";

const RUNS = [
  ["networks-only", "networks alone"],
  ["boosting-only", "boosting alone"],
  ["without-networks", "search without networks"],
  ["all-families", "search with networks"],
  ["networks-only-balanced", "networks alone, ranked by balanced accuracy"],
];
const ANCHORS = [
  ["mlp_default", "MLP default (scikit-learn)"],
  ["realmlp_default", "RealMLP default (pytabkit)"],
];
const GROUPS = ["binary", "multiclass", "regression"];
const NETWORK = "neural_network";

const mainMetric = (task) => (task === "regression" ? "r2" : "balanced_accuracy");
const value = (r, task) => r?.summary?.[mainMetric(task)]?.mean;
const fmt = (v) => (v === undefined || Number.isNaN(v) ? "–" : v.toFixed(4));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const signed = (v) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(4)}`;
const row = (cells) => `| ${cells.join(" | ")} |`;

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * How many folds of `results` (Map name → result file) a network won: alone (`won`), as a
 * member of the winning ensemble (`joined`), out of `folds`.
 */
export function networkWins(results) {
  const out = { won: 0, joined: 0, folds: 0 };
  for (const r of results.values()) {
    for (const f of r.folds ?? []) {
      if (!f.winner_families) continue; // a result file from before the field
      const families = f.winner_families;
      out.folds += 1;
      if (families.length === 1 && families[0] === NETWORK && !f.best_model.startsWith("Ensemble")) out.won += 1;
      else if (families.includes(NETWORK)) out.joined += 1;
    }
  }
  return out;
}

/** The report: `runs` key → Map, `anchors` key → Map. */
export function report(runs, anchors) {
  const allColumns = [
    ...RUNS.filter(([k]) => runs[k]?.size > 0).map(([k, l]) => [k, l, runs[k]]),
    ...ANCHORS.filter(([k]) => anchors[k]?.size > 0).map(([k, l]) => [k, l, anchors[k]]),
  ];
  const taskOf = new Map();
  for (const [, , m] of allColumns) for (const [name, r] of m) if (!taskOf.has(name) && r.task) taskOf.set(name, r.task);
  const lines = [];
  const targets = [];
  for (const group of GROUPS) {
    const names = [...taskOf].filter(([, t]) => t === group).map(([n]) => n).sort();
    if (names.length === 0) continue;
    // the columns with results in this group (a run of classification tables only has none in regression)
    const columns = allColumns.filter(([, , m]) => names.some((n) => m.has(n)));
    const has = (k) => columns.some(([c]) => c === k);
    const get = (k, name) => value(columns.find(([c]) => c === k)?.[2].get(name), group);
    lines.push(`#### ${group} (${mainMetric(group)}, mean of 5 folds)`, "");
    lines.push(row(["dataset", ...columns.map(([, l]) => l)]));
    lines.push(`|---|${columns.map(() => "---:").join("|")}|`);
    for (const name of names) lines.push(row([name, ...columns.map(([k]) => fmt(get(k, name)))]));
    // means over the data sets every run of ours has (an anchor's mean over the same, where it has them all)
    const common = names.filter((n) => columns.every(([k]) => k.startsWith("realmlp") || get(k, n) !== undefined));
    const means = Object.fromEntries(columns.map(([k]) => {
      const vals = common.map((n) => get(k, n));
      return [k, vals.every((v) => v !== undefined) ? mean(vals) : undefined];
    }));
    lines.push(row([`**mean** (${common.length} data sets)`, ...columns.map(([k]) => fmt(means[k]))]), "");
    const say = (text, met) => targets.push(`- **${group}**: ${text} (${met ? "met" : "not met"}).`);
    if (has("networks-only") && has("mlp_default")) {
      say(`networks alone ${fmt(means["networks-only"])} against the default MLP's ${fmt(means.mlp_default)}`,
        means["networks-only"] >= means.mlp_default);
    }
    if (has("networks-only-balanced") && has("mlp_default")) {
      say(`networks alone ranked by balanced accuracy ${fmt(means["networks-only-balanced"])} against the default MLP's ${fmt(means.mlp_default)}`,
        means["networks-only-balanced"] >= means.mlp_default);
    }
    if (has("networks-only") && has("realmlp_default")) {
      // RealMLP runs on the tables of at most 5,000 rows: compared on those alone
      const small = common.filter((n) => get("realmlp_default", n) !== undefined);
      if (small.length > 0) {
        const ours = mean(small.map((n) => get("networks-only", n)));
        const theirs = mean(small.map((n) => get("realmlp_default", n)));
        const ahead = small.filter((n) => get("networks-only", n) >= get("realmlp_default", n)).length;
        targets.push(`- **${group}**: on its ${small.length} data sets of at most 5,000 rows, networks alone ${fmt(ours)} against RealMLP's tuned defaults ${fmt(theirs)} (${signed(ours - theirs)}; at least as good on ${ahead} of ${small.length}).`);
      }
    }
    if (has("networks-only") && has("boosting-only")) {
      const diffs = common.map((n) => get("boosting-only", n) - get("networks-only", n));
      const m = median(diffs);
      say(`median over ${diffs.length} data sets of (boosting alone − networks alone) ${signed(m)}, bound +0.0200`, m <= 0.02);
    }
    if (has("all-families") && has("without-networks")) {
      const d = means["all-families"] - means["without-networks"];
      say(`the search with networks ${fmt(means["all-families"])} against ${fmt(means["without-networks"])} without, ${signed(d)} (bound −0.0050)`, d >= -0.005);
    }
    if (has("all-families")) {
      const groupRuns = new Map([...runs["all-families"]].filter(([n]) => names.includes(n)));
      const w = networkWins(groupRuns);
      targets.push(`- **${group}**, search with networks: a network won ${w.won} of ${w.folds} folds alone and was in the winning ensemble in ${w.joined} more.`);
    }
  }
  return [...lines, ...targets].join("\n");
}

function main() {
  const args = process.argv.slice(2);
  const runsDir = args[0];
  if (!runsDir || runsDir.startsWith("--")) {
    console.error("usage: node bench/networks/table.mjs RUNS_DIR --anchors DIR [--readme README.md --section public|validation]");
    process.exit(2);
  }
  const anchorDirs = [];
  let readme = null;
  let section = "public";
  for (let i = 1; i < args.length; i += 1) {
    if (args[i] === "--anchors") anchorDirs.push(args[++i]);
    else if (args[i] === "--readme") readme = args[++i];
    else if (args[i] === "--section") section = args[++i];
    else {
      console.error(`unknown option ${args[i]}`);
      process.exit(2);
    }
  }
  const runs = Object.fromEntries(RUNS.map(([k]) => [k, readDir(join(runsDir, k))]));
  const anchors = {};
  for (const [k] of ANCHORS) {
    anchors[k] = new Map();
    for (const d of anchorDirs) for (const [n, r] of readDir(join(d, k))) anchors[k].set(n, r);
  }
  const text = report(runs, anchors);
  console.log(text);
  if (readme) {
    const start = `<!-- networks-table:${section}:start -->`;
    const end = `<!-- networks-table:${section}:end -->`;
    const body = readFileSync(readme, "utf8");
    const a = body.indexOf(start);
    const b = body.indexOf(end);
    if (a < 0 || b < a) {
      console.error(`${readme} has no ${start} … ${end}`);
      process.exit(1);
    }
    writeFileSync(readme, `${body.slice(0, a + start.length)}\n${text}\n${body.slice(b)}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
