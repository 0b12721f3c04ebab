// The service worker: keeps every file of the page in one cache per build, so the page loads
// and runs with no network after one visit, and never talks to any other origin.
//
// - The build id comes from pkg/build-id.js, which scripts/build-wasm.sh writes (a hash of
//   every file in www/). The browser checks this script and its imports for changes on each
//   visit (updateViaCache: "none"), so a new build installs a new worker with a new cache.
// - install: every file in PRECACHE is fetched into the cache `automl-<build id>`, all or
//   nothing. The new worker then waits: a page keeps the version it started with.
// - The page offers "Reload to update" when a new version is waiting; it posts
//   { type: "activate-update" }, the worker activates and the page reloads.
// - activate: the caches of other builds are deleted; the first install also takes control
//   of the page that registered it.
// - fetch: GET requests for this origin are answered cache-first from this build's cache
//   (any navigation gets the cached page), falling back to the network without caching.
//   Everything else (another origin, another method) is not touched at all.

/**
 * This script's global scope: a service worker's (the "webworker" library of the type check
 * calls `self` a plain WorkerGlobalScope). pkg/build-id.js sets its AUTOML_BUILD_ID.
 * @type {ServiceWorkerGlobalScope & typeof globalThis & { AUTOML_BUILD_ID?: string }}
 */
const scope = /** @type {any} */ (self);

// The policy (see trusted-types.js) allows Trusted Types policy "automl" only; here it vouches
// for the one script this worker imports.
const scriptPolicy = scope.trustedTypes
  ? scope.trustedTypes.createPolicy("automl", {
      createScriptURL: (url) => {
        if (url !== "pkg/build-id.js") throw new TypeError(`Not the build id script: ${url}`);
        return url;
      },
    })
  : { createScriptURL: (/** @type {string} */ url) => url };
importScripts(/** @type {string} */ (/** @type {unknown} */ (scriptPolicy.createScriptURL("pkg/build-id.js"))));

const BUILD_ID = typeof scope.AUTOML_BUILD_ID === "string" && scope.AUTOML_BUILD_ID ? scope.AUTOML_BUILD_ID : "unversioned";
const CACHE_PREFIX = "automl-";
const CACHE = `${CACHE_PREFIX}${BUILD_ID}`;

/** Every file the page can ask for, relative to this script. tests/browser/offline.test.mjs
 * checks that it lists every file in www/ except the ones in NOT_CACHED there. */
const PRECACHE = [
  "./",
  "index.html",
  "style.css",
  "main.js",
  "app.js",
  "view.js",
  "results.js",
  "report.js",
  "diagnostics.js",
  "charts.js",
  "charts.css",
  "vendor/d3.min.js",
  "automl.js",
  "automl-calls.js",
  "rows.js",
  "protocol.js",
  "trusted-types.js",
  "worker.js",
  "favicon.svg",
  "manifest.webmanifest",
  "icons/icon.svg",
  "icons/maskable.svg",
  "icons/icon-192.png",
  "icons/icon-512.png",
  "icons/maskable-512.png",
  "pkg/automl.js",
  "pkg/automl_bg.wasm",
  "pkg/workbook.js",
  "pkg/workbook_bg.wasm",
  "pkg/build-flags.js",
  "samples/samples.json",
  "samples/iris.csv",
  "samples/titanic.csv",
  "samples/penguins.csv",
  "samples/diabetes.csv",
  "samples/auto_mpg.csv",
  "samples/airline_passengers.csv",
  "samples/co2.csv",
  "samples/credit_default.csv",
  "samples/concrete_strength.csv",
  "samples/wine_sales.csv",
  "forecast.js",
  "forecast-model.js",
  "families.js",
  "network.js",
  "i18n.js",
  "glossary.js",
  "i18n/en.json",
  "i18n/ko.json",
  "explain.js",
];

scope.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // "no-cache": revalidate with the server, never take a stale copy from the HTTP cache.
      cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "no-cache" }))),
    ),
  );
});

scope.addEventListener("message", (event) => {
  if (event.data && event.data.type === "activate-update") scope.skipWaiting();
});

scope.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith(CACHE_PREFIX) && n !== CACHE).map((n) => caches.delete(n))),
      )
      .then(() => scope.clients.claim()),
  );
});

scope.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== scope.location.origin) return;
  event.respondWith(answer(request));
});

/**
 * The cached copy of `request` (any navigation gets the cached page), else the network's answer.
 * @param {Request} request
 * @returns {Promise<Response>}
 */
async function answer(request) {
  const cache = await caches.open(CACHE);
  const cached =
    (await cache.match(request, { ignoreSearch: true })) ||
    (request.mode === "navigate" ? await cache.match("./") : undefined);
  return cached || fetch(request);
}
