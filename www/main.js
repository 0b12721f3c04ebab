// The page's entry: creates the view, the engine (automl.js: the same API the package
// automl-wasm exports, whose workers start when the controller starts it) and the controller
// (app.js), which loads the results views (results.js, made here) once the engine is ready, and
// registers the service worker. In the test build only
// (scripts/build-wasm.sh --test writes pkg/build-flags.js with TEST_HOOKS = true, into
// build/test-www/), it first loads test-hooks.js, which gives the browser tests
// `window.__automl`; the production page (www/) has no such file and never asks for it.
import { TEST_HOOKS } from "./pkg/build-flags.js";
import { Controller } from "./app.js";
import { AutoML } from "./automl.js";
import { poolSize } from "./protocol.js";
import { workerScriptURL } from "./trusted-types.js";
import { View } from "./view.js";
import { Glossary } from "./glossary.js";
import { loadFallback, messagesLanguage, onLanguageChange } from "./i18n.js";

// ---- offline: the service worker -----------------------------------------------------------

/**
 * Registers `sw.js`, which keeps every file of the page in a cache named after the build so
 * the page works offline. A new build installs in the background; the page then offers a
 * reload (it never reloads by itself: that would drop the loaded data).
 * @param {View} view
 */
async function registerServiceWorker(view) {
  if (!("serviceWorker" in navigator)) return;
  const container = navigator.serviceWorker;
  let registration;
  try {
    registration = await container.register(workerScriptURL("sw.js"), { updateViaCache: "none" });
  } catch {
    // Not available here (a file:// URL, a private window, a browser setting): the page
    // still works online, it only cannot start offline.
    return;
  }
  let reloadWanted = false;
  /** @param {ServiceWorker} waiting the new build's service worker, installed */
  const offer = (waiting) => {
    view.showUpdateReady(() => {
      reloadWanted = true;
      waiting.postMessage({ type: "activate-update" });
    });
  };
  container.addEventListener("controllerchange", () => {
    if (reloadWanted) window.location.reload();
  });
  if (registration.waiting && container.controller) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const installing = registration.installing;
    if (!installing) return;
    installing.addEventListener("statechange", () => {
      // Installed while an older version controls this page: a new build is ready.
      if (installing.state === "installed" && container.controller) offer(installing);
    });
  });
  // Look for a new build on every visit (offline, the check fails quietly).
  registration.update().catch(() => {});
  await container.ready;
  view.setOfflineReady(true);
}

// ---- wiring ----------------------------------------------------------------------------------

const view = new View();
// The "?" buttons of the terms the page uses, and the glossary's list.
new Glossary();
// The engine, in the page's language (its errors are shown from their codes, in the language
// of the moment; the engine follows the page's switch). Its workers start with controller.init().
const automl = new AutoML({ workers: poolSize(), language: /** @type {"en"|"ko"} */ (messagesLanguage()) });
onLanguageChange((lang) => {
  automl.setLanguage(/** @type {"en"|"ko"} */ (lang)).catch(() => {});
});
// The results views (results.js, with the charts and D3): not part of the first visit's
// download, the controller makes them once the engine is ready (Controller.loadParts).
const controller = new Controller(view, automl, async (app) => {
  const { Results } = await import("./results.js");
  return new Results(automl, {
    showError: (/** @type {any} */ error) => view.showError(error),
    context: () => (app.data ? { inspection: app.data.inspection, fileName: app.data.fileName } : null),
    engineVersion: () => app.engineVersion,
    catalogue: () => app.catalogue,
  });
});
if (TEST_HOOKS) {
  // Test build only: installed before the controller starts, so the tests find it ready.
  const { installTestHooks } = await import("./test-hooks.js");
  installTestHooks({ controller, automl });
}
const engineStarted = controller.init();
// The service worker is registered once the page has loaded and the engine is ready (or has
// failed to load): its install downloads every file of the page for offline use (the workbook
// reader, the samples, the engine again), which would otherwise compete with the first
// visit's own downloads. (The page's modules run once the message catalogue is loaded,
// i18n.js, which can be after the load event.)
const loaded = document.readyState === "complete"
  ? Promise.resolve()
  : new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
Promise.all([loaded, engineStarted]).then(() => {
  // English beside the page's language, for a code its catalogue lacks (i18n.js left it for now)
  loadFallback();
  registerServiceWorker(view);
});
