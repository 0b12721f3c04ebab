#!/usr/bin/env node
// Loads every dataset of a benchmark collection with the native `automl` tool and checks that
// the detected task of its target matches the collection's index, then runs a tiny search
// (3 trials) on it. Usage:
//   cargo build --release && node scripts/check-datasets.mjs ../shared/bench/datasets
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/check-datasets.mjs DATASETS_DIR");
  process.exit(2);
}
const bin = new URL("../target/release/automl", import.meta.url).pathname;
const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")).datasets;
const run = (args) => {
  try {
    return { ok: true, out: execFileSync(bin, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
  } catch (e) {
    return { ok: false, out: String(e.stderr || e.message) };
  }
};
let problems = 0;
console.log("| dataset | task (index) | detected | asked | kinds | 3-trial fit |");
console.log("|---|---|---|---|---|---|");
for (const d of index) {
  const file = join(dir, d.file);
  const ins = run(["inspect", file, "--target", d.target]);
  if (!ins.ok) {
    problems++;
    console.log(`| ${d.name} | ${d.task} | error: ${ins.out.split("\n")[0]} | | | |`);
    continue;
  }
  const lines = ins.out.split("\n").filter((l) => l.includes("as target:"));
  const kinds = {};
  let detected = "?";
  let asked = "";
  for (const l of lines) {
    const name = l.slice(2, 30).trim();
    const kind = l.slice(30).trim().split(/\s+/)[0];
    kinds[kind] = (kinds[kind] || 0) + 1;
    if (name === d.target.slice(0, 28).trim()) {
      detected = l.split("as target: ")[1].replace(" (ask)", "");
      asked = l.includes("(ask)") ? "yes" : "";
    }
  }
  const expected = ["regression", "timeseries"].includes(d.task) ? "regression" : "classification";
  const match = detected === expected || asked === "yes";
  if (!match) problems++;
  const fit = run(["fit", file, "--target", d.target, "--task", expected, "--max-trials", "3", "--quiet"]);
  if (!fit.ok) problems++;
  const best = fit.ok ? (fit.out.match(/cross-validated (\w+) ([-\d.]+)/) || []).slice(1).join(" ") : `error: ${fit.out.split("\n")[0]}`;
  const kindText = Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(", ");
  console.log(`| ${d.name} | ${d.task} | ${detected}${match ? "" : " (mismatch)"} | ${asked} | ${kindText} | ${best} |`);
}
console.log(`\n${problems === 0 ? "All datasets load with the right task and fit." : `${problems} problem(s).`}`);
process.exit(problems === 0 ? 0 : 1);
