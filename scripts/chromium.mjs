// The one place that starts Debian's headless Chromium on the page: the browser tests
// (tests/browser/harness.mjs), the long-run measurement (soak.mjs) and the icon renderer
// (make-icons.mjs) all come through here, so they run the same binary with the same flags.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { startServer } from "./serve.mjs";

/** Chromium's path: $CHROMIUM_PATH, else Debian's package (scripts/setup.sh installs it). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Flags for a quiet, reproducible headless browser that makes no requests of its own. */
export const CHROMIUM_ARGS = Object.freeze([
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
]);

/** A browser without a profile (for rendering, not for the page). */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}

/**
 * Serves `root` on 127.0.0.1 (a free port) and opens Chromium with a fresh profile (so the
 * service worker, caches and storage start empty); `locale` sets the browser's language
 * (navigator.languages). Returns { server, origin, context, close }.
 */
export async function openServedProfile({ root, args = [], prefix = "automl-chromium-", locale = undefined }) {
  const server = await startServer({ root, port: 0 });
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), prefix));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      viewport: { width: 1280, height: 900 },
      ...(locale ? { locale } : {}),
      args: [...CHROMIUM_ARGS, ...args],
    });
  } catch (error) {
    await server.close();
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    server,
    origin: new URL(server.url).origin,
    context,
    async close() {
      await context.close();
      await server.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
