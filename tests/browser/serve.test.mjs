// The static file server used by the page tests and `npm run serve`.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_HEADER, startServer } from "../../scripts/serve.mjs";

let root;
let server;

before(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "automl-serve-"));
  root = path.join(dir, "www");
  await mkdir(path.join(root, "pkg"), { recursive: true });
  await writeFile(path.join(dir, "secret.txt"), "outside the root");
  await writeFile(path.join(root, "index.html"), "<!doctype html><title>t</title>");
  await writeFile(path.join(root, "app.js"), "export {};");
  await writeFile(path.join(root, "pkg", "a.wasm"), Buffer.from([0, 97, 115, 109]));
  await writeFile(path.join(root, "data.csv"), "a,b\n1,2\n");
  await writeFile(path.join(root, "notes.md"), "# notes");
  await writeFile(path.join(root, "icon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  await writeFile(path.join(root, "s.json"), "[]");
  await writeFile(path.join(root, "style.css"), "body{}");
  await writeFile(path.join(root, "app.webmanifest"), "{}");
  server = await startServer({ root, port: 0 });
});

after(async () => {
  await server.close();
  await rm(path.dirname(root), { recursive: true, force: true });
});

/** A raw GET (no URL normalisation, so traversal attempts reach the server as written). */
function get(rawPath, method = "GET") {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: rawPath, method }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("serves files with the right MIME types and no caching", async () => {
  const expected = {
    "/": "text/html",
    "/index.html": "text/html",
    "/app.js": "text/javascript",
    "/pkg/a.wasm": "application/wasm",
    "/data.csv": "text/csv",
    "/notes.md": "text/plain",
    "/icon.svg": "image/svg+xml",
    "/s.json": "application/json",
    "/style.css": "text/css",
    "/app.webmanifest": "application/manifest+json",
  };
  for (const [urlPath, type] of Object.entries(expected)) {
    const res = await get(urlPath);
    assert.equal(res.status, 200, urlPath);
    assert.ok(res.headers["content-type"].startsWith(type), `${urlPath}: ${res.headers["content-type"]}`);
    assert.equal(res.headers["cache-control"], "no-store", urlPath);
    assert.equal(res.headers["x-content-type-options"], "nosniff", urlPath);
  }
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test("every response carries the Content-Security-Policy (workers take theirs from their script)", async () => {
  for (const urlPath of ["/", "/app.js", "/pkg/a.wasm", "/nope.js"]) {
    const res = await get(urlPath);
    assert.equal(res.headers["content-security-policy"], CONTENT_SECURITY_POLICY_HEADER, urlPath);
    assert.equal(res.headers["referrer-policy"], "no-referrer", urlPath);
  }
  assert.equal(CONTENT_SECURITY_POLICY_HEADER, `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`);
  assert.match(CONTENT_SECURITY_POLICY, /script-src 'self' 'wasm-unsafe-eval'/);
});

test("missing files are 404 and path traversal is refused", async () => {
  assert.equal((await get("/nope.js")).status, 404);
  for (const attempt of ["/../secret.txt", "/%2e%2e/secret.txt", "/pkg/..%2f..%2fsecret.txt", "/..%5csecret.txt", "/%00"]) {
    const res = await get(attempt);
    assert.ok([400, 403, 404].includes(res.status), `${attempt} -> ${res.status}`);
    assert.doesNotMatch(res.body, /outside the root/, attempt);
  }
});

test("only GET and HEAD are allowed", async () => {
  assert.equal((await get("/", "POST")).status, 405);
  const head = await get("/app.js", "HEAD");
  assert.equal(head.status, 200);
  assert.equal(head.body, "");
});
