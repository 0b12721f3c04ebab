#!/usr/bin/env node
// Writes www/vendor/d3.min.js (scripts/build-wasm.sh runs it): only the D3 modules the charts use
// (www/charts.js), not D3's full bundle (a third of its weight). Each module's own minified
// build from node_modules (npm devDependencies, at the versions the d3 package pins), in the
// order they depend on each other; each adds its functions to globalThis.d3, as the full
// bundle did, so charts.js is unchanged. Also writes vendor/d3.LICENSE (every module is ISC,
// by the same author) naming the modules copied.
//
//   node scripts/vendor-d3.mjs OUT_DIR
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The modules, dependencies first. What charts.js uses: select, create (d3-selection); min,
 * max, extent (d3-array); axisLeft, axisBottom (d3-axis); scaleLinear, scaleUtc, scaleBand,
 * scaleSequential (d3-scale, which needs d3-interpolate, d3-color, d3-format, d3-time and
 * d3-time-format); line, area, curveStepAfter, curveLinear (d3-shape, with d3-path); its colour
 * ramp is made with interpolateRgbBasis (d3-interpolate) from the Blues scheme, exactly as
 * d3-scale-chromatic makes interpolateBlues, so that module is not needed.
 */
export const MODULES = [
  "internmap",
  "d3-array",
  "d3-color",
  "d3-interpolate",
  "d3-format",
  "d3-time",
  "d3-time-format",
  "d3-scale",
  "d3-selection",
  "d3-axis",
  "d3-path",
  "d3-shape",
];

function moduleFile(name) {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8"));
  const min = `dist/${name}.min.js`;
  return { version: pkg.version, file: path.join(ROOT, "node_modules", name, min) };
}

const out = process.argv[2];
if (!out) {
  console.error("usage: node scripts/vendor-d3.mjs OUT_DIR");
  process.exit(2);
}
const parts = [];
const names = [];
const headers = [];
for (const name of MODULES) {
  const { version, file } = moduleFile(name);
  // Each build starts with one comment line, its home page, version and copyright: kept in
  // d3.LICENSE with the module's name for the home page (the page's files name no other
  // origin, tests/browser/privacy.test.mjs).
  const [first, ...rest] = readFileSync(file, "utf8").trim().split("\n");
  if (first.startsWith("//")) headers.push(first.replace(/^\/\/\s*\S+/, name));
  parts.push((first.startsWith("//") ? rest : [first, ...rest]).join("\n"));
  names.push(`${name} ${version}`);
}
const banner = `// D3 modules: ${names.join(", ")}. Copyright Mike Bostock, ISC licence (d3.LICENSE).`;
writeFileSync(path.join(out, "d3.min.js"), `${banner}\n${parts.join("\n")}\n`);
const license = readFileSync(path.join(ROOT, "node_modules", "d3", "LICENSE"), "utf8");
writeFileSync(
  path.join(out, "d3.LICENSE"),
  `The D3 modules in d3.min.js, each under this licence:\n\n${headers.join("\n")}\n\n${license}`,
);
