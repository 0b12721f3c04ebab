#!/usr/bin/env node
// Renders the app icons (www/icons/*.svg) to the PNG sizes the web app manifest lists, with
// the same headless Chromium the tests use. The PNGs are committed; run this after changing
// an SVG:   node scripts/make-icons.mjs
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./chromium.mjs";

const icons = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "www", "icons");
const renders = [
  ["icon.svg", "icon-192.png", 192],
  ["icon.svg", "icon-512.png", 512],
  ["maskable.svg", "maskable-512.png", 512],
];

const browser = await launchChromium();
try {
  for (const [source, target, size] of renders) {
    const svg = await readFile(path.join(icons, source), "utf8");
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    // The SVG is drawn as an <img> of a data URL on a transparent page, at the exact size.
    const url = `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}img{display:block}</style>` +
        `<img src="${url}" width="${size}" height="${size}">`,
    );
    await page.locator("img").evaluate((img) => img.decode());
    await page.screenshot({ path: path.join(icons, target), omitBackground: true });
    await page.close();
    console.log(`www/icons/${target} (${size}×${size})`);
  }
} finally {
  await browser.close();
}
