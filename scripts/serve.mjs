#!/usr/bin/env node
// A dependency-free static file server for www/ (node:http only).
//
//   node scripts/serve.mjs [--port N]      serves www/ at http://127.0.0.1:N/
//   node scripts/serve.mjs --test [...]    serves the test build, build/test-www/, instead
//                                          (bash scripts/build-wasm.sh --test; window.__automl)
//
// The port defaults to $PORT or 8080; when that port is busy a free one is used instead.
// Every response has `Cache-Control: no-store`, `X-Content-Type-Options: nosniff`,
// `Referrer-Policy: no-referrer` and the Content-Security-Policy: the page's own (the same as
// its meta tag) plus `frame-ancestors 'none'`, which only a header can carry. Scripts need it
// too: a worker's and the service worker's policy come from their own script's response.
import { createServer } from "node:http";
import { open, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream";
import { fileURLToPath } from "node:url";

/**
 * The policy of www/index.html's meta tag (tests/browser/privacy.test.mjs checks they agree):
 * nothing is allowed by default; scripts, workers, styles, images, the manifest and
 * connections only from this origin; WebAssembly may compile ('wasm-unsafe-eval'), but no
 * inline script or style and no eval; no <base>, no form submissions; and no HTML may be built
 * from strings: Trusted Types are required, and the one policy allowed ("automl",
 * www/trusted-types.js) only vouches for the page's own worker scripts, so innerHTML and the
 * like throw.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; " +
  "img-src 'self'; style-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; " +
  "require-trusted-types-for 'script'; trusted-types automl";

/** The header adds what a meta tag cannot express: no other site may frame the page. */
export const CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

export const MIME_TYPES = Object.freeze({
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".tsv": "text/tab-separated-values; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webmanifest": "application/manifest+json",
});

function mimeType(filePath) {
  return MIME_TYPES[path.extname(filePath).toLowerCase()] || "application/octet-stream";
}

/** Headers on every response. */
const SECURITY_HEADERS = Object.freeze({
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Content-Security-Policy": CONTENT_SECURITY_POLICY_HEADER,
});

function sendText(res, status, text, extraHeaders = {}) {
  const body = Buffer.from(`${text}\n`, "utf8");
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": body.length,
    ...SECURITY_HEADERS,
    ...extraHeaders,
  });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

function isInside(root, candidate) {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** Map a request path to a file under `root`, or null if it is not a servable file. */
async function resolveFile(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { status: 400 };
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return { status: 400 };
  // Reject any `..` segment outright rather than normalising it away.
  if (decoded.split("/").some((segment) => segment === "..")) return { status: 403 };
  let filePath = path.resolve(root, `.${decoded}`);
  if (!isInside(root, filePath)) return { status: 403 };
  let info;
  try {
    info = await stat(filePath);
    if (info.isDirectory()) {
      filePath = path.join(filePath, "index.html");
      info = await stat(filePath);
    }
  } catch {
    return { status: 404 };
  }
  if (!info.isFile()) return { status: 404 };
  return { status: 200, filePath, size: info.size };
}

async function handle(root, req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    sendText(res, 405, "Method not allowed", { Allow: "GET, HEAD" });
    return;
  }
  let pathname;
  try {
    pathname = new URL(req.url, "http://localhost").pathname;
  } catch {
    sendText(res, 400, "Bad request");
    return;
  }
  const found = await resolveFile(root, pathname);
  if (found.status !== 200) {
    const text = { 400: "Bad request", 403: "Forbidden", 404: "Not found" }[found.status];
    sendText(res, found.status, text);
    return;
  }
  const type = mimeType(found.filePath);
  const headers = {
    "Content-Type": type,
    "Content-Length": found.size,
    ...SECURITY_HEADERS,
  };
  if (req.method === "HEAD") {
    res.writeHead(200, headers);
    res.end();
    return;
  }
  const file = await open(found.filePath, "r");
  res.writeHead(200, headers);
  // pipeline closes the file when the client goes away early.
  pipeline(file.createReadStream(), res, () => {});
}

/**
 * Serve the directory `root` over HTTP. Resolves to `{ url, port, close }` once listening;
 * `port: 0` picks a free port. `close()` stops the server and drops open connections.
 * `onRequest(path)` hears the path of every request (the WebDriver engines' tests record them:
 * WebDriver, unlike Playwright, does not report a page's requests).
 */
export async function startServer({ root, host = "127.0.0.1", port = 0, onRequest = undefined } = {}) {
  if (!root) throw new Error("startServer needs a root directory.");
  const rootReal = await realpath(path.resolve(root));
  const server = createServer((req, res) => {
    if (onRequest) onRequest(req.url || "");
    handle(rootReal, req, res).catch(() => {
      if (!res.headersSent) sendText(res, 500, "Internal server error");
      else res.destroy();
    });
  });
  await new Promise((resolve, reject) => {
    const onError = (err) => reject(err);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const actualPort = server.address().port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${actualPort}/`,
    port: actualPort,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

function parsePort(argv, env) {
  const index = argv.indexOf("--port");
  let raw = index >= 0 ? argv[index + 1] : undefined;
  const inline = argv.find((arg) => arg.startsWith("--port="));
  if (inline) raw = inline.slice("--port=".length);
  if (raw === undefined) raw = env.PORT || "8080";
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`Not a valid port: ${raw}`);
  }
  return port;
}

async function main() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const test = process.argv.slice(2).includes("--test");
  const root = path.resolve(here, "..", ...(test ? ["build", "test-www"] : ["www"]));
  const port = parsePort(process.argv.slice(2), process.env);
  let server;
  try {
    server = await startServer({ root, port });
  } catch (err) {
    if (err && err.code === "EADDRINUSE") {
      console.error(`Port ${port} is busy; using a free port instead.`);
      server = await startServer({ root, port: 0 });
    } else {
      throw err;
    }
  }
  console.log(`AutoML page${test ? " (test build)" : ""}: ${server.url}`);
  const shutdown = () => server.close().then(() => process.exit(0));
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

const invokedDirectly =
  process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main().catch((err) => {
    console.error(err && err.message ? err.message : err);
    process.exit(1);
  });
}
