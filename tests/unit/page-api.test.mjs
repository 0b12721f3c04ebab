// The page is built on the package's API (README, "Use it in your own page"): www/automl.js (with
// its calls, www/automl-calls.js) is the only module of the page that uses the worker pool's bridge (WorkerBridge, defined by
// www/protocol.js, the one class that touches a Worker), and the package's entry module,
// index.js, re-exports that same module. Read from the sources, no browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const WWW = path.join(ROOT, "www");
/** The API's modules: the class (automl.js) and its calls (automl-calls.js), the page's only users of the bridge. */
const API = new Set(["automl.js", "automl-calls.js"]);
/** The protocol's own modules: where the bridge is defined, and the worker's side of it. */
const PROTOCOL = new Set(["protocol.js", "worker.js", "sw.js"]);

/** The page's own modules: every .js under www/ but the built engine and the vendored D3. */
async function pageModules(dir = WWW, prefix = "") {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const name = `${prefix}${entry.name}`;
    if (entry.isDirectory()) {
      if (name !== "pkg" && name !== "vendor") found.push(...(await pageModules(path.join(dir, entry.name), `${name}/`)));
    } else if (name.endsWith(".js")) {
      found.push(name);
    }
  }
  return found.sort();
}

/**
 * What a module's source does with the bridge: the names it imports from protocol.js (statically,
 * "*" for a namespace import or a dynamic import), whether it names WorkerBridge anywhere (a
 * JSDoc type included), and whether it makes a Worker itself.
 * @param {string} source
 */
export function bridgeUse(source) {
  const imported = [];
  for (const m of source.matchAll(/^import\s+([^;]*?)\s+from\s+["']\.\/protocol\.js["']/gm)) {
    const clause = m[1];
    if (/\*\s+as\s/.test(clause)) imported.push("*");
    const named = clause.match(/\{([^}]*)\}/);
    if (named) imported.push(...named[1].split(",").map((n) => n.trim().split(/\s+as\s+/)[0]).filter(Boolean));
    if (/^[A-Za-z_$][\w$]*/.test(clause.trim()) && !clause.trim().startsWith("{")) imported.push("default");
  }
  if (/import\(\s*["']\.\/protocol\.js["']\s*\)(?!\s*\.\s*[A-Za-z])/.test(source)) imported.push("*");
  return {
    imported,
    namesBridge: /\bWorkerBridge\b/.test(source),
    // (in code: a comment may name the constructor)
    makesWorker: /\bnew\s+(Shared)?Worker\s*\(/.test(source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'])\/\/.*$/gm, "$1")),
  };
}

test("the check finds a bridge imported, named or made anywhere (it can fail)", () => {
  assert.deepEqual(bridgeUse('import { MSG, WorkerBridge as Bridge } from "./protocol.js";').imported, ["MSG", "WorkerBridge"]);
  assert.deepEqual(bridgeUse('import * as protocol from "./protocol.js";').imported, ["*"]);
  assert.deepEqual(bridgeUse('const p = await import("./protocol.js");').imported, ["*"]);
  assert.equal(bridgeUse('/** @typedef {import("./protocol.js").WorkerBridge} B */').namesBridge, true);
  assert.equal(bridgeUse("const w = new Worker(url);").makesWorker, true);
  assert.equal(bridgeUse("// what `new Worker()` takes\n/** new Worker(url) */").makesWorker, false);
  const clean = bridgeUse('import { FORECAST_TASK, isForecastModel } from "./protocol.js";\n/** @typedef {import("./protocol.js").Message} M */');
  assert.deepEqual(clean, { imported: ["FORECAST_TASK", "isForecastModel"], namesBridge: false, makesWorker: false });
});

test("no page module but the API's (automl.js, automl-calls.js) uses the worker pool's bridge; only protocol.js makes a Worker", async () => {
  const modules = await pageModules();
  assert.ok(modules.includes("automl.js") && modules.includes("app.js") && modules.includes("results.js"), modules.join(", "));
  const offenders = [];
  for (const name of modules) {
    const use = bridgeUse(await readFile(path.join(WWW, name), "utf8"));
    if (name !== "protocol.js" && use.makesWorker) offenders.push(`${name} makes a Worker`);
    if (API.has(name) || PROTOCOL.has(name)) continue;
    if (use.namesBridge) offenders.push(`${name} names WorkerBridge`);
    const bridgeLike = use.imported.filter((n) => n === "*" || n === "default" || n === "WorkerBridge" || n === "PoolWorker");
    if (bridgeLike.length > 0) offenders.push(`${name} imports ${bridgeLike.join(", ")} from protocol.js`);
  }
  assert.deepEqual(offenders, []);
  // the API module does use it: the page's calls all go through it
  const api = bridgeUse(await readFile(path.join(WWW, "automl.js"), "utf8"));
  assert.ok(api.imported.includes("WorkerBridge"));
});

test("the page's entry makes the API's AutoML, and the package's entry re-exports that module", async () => {
  const main = await readFile(path.join(WWW, "main.js"), "utf8");
  assert.match(main, /import\s*\{\s*AutoML\s*\}\s*from\s*["']\.\/automl\.js["']/);
  assert.match(main, /new AutoML\(/);
  const entry = await readFile(path.join(ROOT, "index.js"), "utf8");
  assert.match(entry, /export\s*\{\s*AutoML,\s*AutoMLError\s*\}\s*from\s*["']\.\/www\/automl\.js["']/);
  assert.doesNotMatch(entry, /from\s+["'][^"']*protocol\.js["']|new WorkerBridge/);
  const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8"));
  for (const file of ["www/automl.js", "www/automl-calls.js", "www/rows.js", "www/protocol.js", "www/worker.js"]) assert.ok(pkg.files.includes(file), `${file} in package.json files`);
});
