// The page's one Trusted Types policy. The Content-Security-Policy requires Trusted Types for
// every script sink and allows only this policy ("automl"), which can make exactly one kind
// of value: the URL of one of this origin's own scripts that may start a worker (worker.js,
// sw.js). It has no createHTML, so no string can ever become markup: innerHTML and the like
// throw. Browsers without Trusted Types get the plain URL (the rest of the policy still holds).

/** Scripts that may be started as a worker or a service worker. */
const WORKER_SCRIPTS = new Set(["/worker.js", "/sw.js"]);

/**
 * `input` as an absolute URL if it names one of WORKER_SCRIPTS on this origin; throws otherwise.
 * @param {string} input
 * @returns {string}
 */
function checkedScriptURL(input) {
  const url = new URL(input, self.location.href);
  // the scripts beside this module: the page's own directory, or, in the embeddable package
  // (automl-wasm, index.js), its www/ wherever the host page put the package
  const base = new URL("./", import.meta.url);
  const rel = url.pathname.startsWith(base.pathname) ? `/${url.pathname.slice(base.pathname.length)}` : "";
  if (url.origin !== self.location.origin || !WORKER_SCRIPTS.has(rel) || url.search || url.hash) {
    throw new TypeError(`Not one of this page's worker scripts: ${input}`);
  }
  return url.href;
}

const policy = self.trustedTypes
  ? self.trustedTypes.createPolicy("automl", { createScriptURL: checkedScriptURL })
  : null;

/**
 * A worker script's URL as the browser's script sinks accept it: a TrustedScriptURL where the
 * browser has Trusted Types, else the checked URL. Typed as a string, which is what the DOM
 * library's `new Worker()` and `register()` declare they take (they accept both).
 * @param {string | URL} input
 * @returns {string}
 */
export function workerScriptURL(input) {
  return policy ? /** @type {string} */ (/** @type {unknown} */ (policy.createScriptURL(String(input)))) : checkedScriptURL(String(input));
}
