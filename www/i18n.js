// Messages on the page. The engine's errors, notes and warnings arrive as { code, params }
// (src/messages.rs), errors with a `message` and `hint` as a fallback (the page's wasm carries
// no catalogue: its `message` is the code and its parameters); the words come from a
// catalogue, i18n/<lang>.json (the same file the core embeds for the command line), loaded
// once here before any module that imports this one runs. The page's own errors are
// made the same way (pageError), so every message and hint a person reads comes from the
// catalogue.
//
// Templates name their parameters in braces: {file}; {share:.1} shows a number with one
// decimal; {names:q} quotes each item of a list; {frequency:cap} starts with a capital letter.
// A parameter may be a list { items, more } (joined with commas, ", …" when more were left out)
// or a message { code, params } rendered in place. A message's hint is the one of the deepest
// message along its `reason` parameters that has one. Numbers are formatted for the page's
// language (Intl.NumberFormat).

/**
 * @typedef {import("./protocol-types.js").Message} Message
 * @typedef {import("./protocol-types.js").MessageParam} MessageParam
 * @typedef {{ [name: string]: MessageParam }} Params
 * @typedef {{ message: string, hint?: string }} Entry
 * @typedef {{ [code: string]: Entry }} Catalogue
 */

/** Nested messages deeper than this are not rendered. */
const MAX_DEPTH = 8;
const PLACEHOLDER = /\{([A-Za-z0-9_]+)(?::([A-Za-z0-9.]+))?\}/g;

/** The page's languages, in the order the switch lists them (www/i18n/<lang>.json each). */
export const LANGUAGES = Object.freeze(["en", "ko"]);
/** Where the person's choice of language is kept (localStorage). */
const STORAGE_KEY = "automl.language";

/** @type {Catalogue} */
let entries = {};
/** English, for a code the language's catalogue lacks (never shown while both are complete). */
/** @type {Catalogue} */
let fallback = {};
let language = "en";
/** @type {Map<string, Intl.NumberFormat>} */
const numberFormats = new Map();
/** Catalogues loaded so far, by language. */
/** @type {Map<string, Catalogue>} */
const loaded = new Map();
/** The choice of language when storage cannot keep it (a private window, a policy). */
let remembered = "";
/** @type {Set<(lang: string) => void>} */
const listeners = new Set();

/**
 * Use `catalogue` (the parsed JSON of i18n/<lang>.json) for messages from now on; `english` is
 * looked up for a code `catalogue` lacks.
 * @param {Catalogue} catalogue
 * @param {string} [lang]
 * @param {Catalogue} [english]
 */
export function useMessages(catalogue, lang = "en", english = {}) {
  entries = catalogue && typeof catalogue === "object" ? catalogue : {};
  fallback = english && typeof english === "object" && english !== catalogue ? english : {};
  language = lang;
  numberFormats.clear();
}

/** The catalogue's language. */
export function messagesLanguage() {
  return language;
}

/**
 * Whether the catalogue of `lang` is the one in use (loaded, not just the default's name).
 * @param {string} lang
 */
export function speaks(lang) {
  return language === lang && Object.keys(entries).length > 0;
}

/**
 * Fetches i18n/<lang>.json once (kept for later switches).
 * @param {string} lang
 * @param {(url: URL) => Promise<{ ok: boolean, json: () => Promise<any> }>} fetchImpl
 * @returns {Promise<Catalogue | null>}
 */
async function fetchCatalogue(lang, fetchImpl) {
  // (kept only when fetched by the page itself: a test's stand-in fetch fetches every time)
  const keep = fetchImpl === globalThis.fetch;
  if (keep && loaded.has(lang)) return loaded.get(lang);
  try {
    const response = await fetchImpl(new URL(`./i18n/${lang}.json`, import.meta.url));
    if (!response.ok) return null;
    const catalogue = await response.json();
    if (!catalogue || typeof catalogue !== "object") return null;
    if (keep) loaded.set(lang, catalogue);
    return catalogue;
  } catch {
    return null;
  }
}

/**
 * Loads i18n/<lang>.json (falling back to English), with English beside it for any code it
 * lacks; the page keeps working without it, showing the engine's codes. With
 * `{ englishLater: true }` (the page's first load), a language other than English is loaded
 * alone, and English beside it only by loadFallback (which the page calls once the engine is
 * ready: the catalogues are complete, so the first visit need not download both).
 * @param {string} [lang]
 * @param {(url: URL) => Promise<{ ok: boolean, json: () => Promise<any> }>} [fetchImpl]
 * @param {{ englishLater?: boolean }} [options]
 * @returns {Promise<boolean>} whether a catalogue was loaded
 */
export async function loadMessages(lang = "en", fetchImpl = globalThis.fetch, options = {}) {
  const later = Boolean(options.englishLater) && lang !== "en";
  const english = later ? null : await fetchCatalogue("en", fetchImpl);
  const own = lang === "en" ? english : await fetchCatalogue(lang, fetchImpl);
  if (own) {
    useMessages(own, lang, english || {});
    return true;
  }
  const instead = english || (later ? await fetchCatalogue("en", fetchImpl) : null);
  if (instead) {
    useMessages(instead, "en");
    return true;
  }
  return false;
}

/**
 * English beside the current catalogue, for a code it lacks, when loadMessages left it for
 * later (`englishLater`); nothing to do in English or when it is there already.
 * @param {(url: URL) => Promise<{ ok: boolean, json: () => Promise<any> }>} [fetchImpl]
 * @returns {Promise<void>}
 */
export async function loadFallback(fetchImpl = globalThis.fetch) {
  if (language === "en" || Object.keys(fallback).length > 0) return;
  const english = await fetchCatalogue("en", fetchImpl);
  if (english && language !== "en" && english !== entries && Object.keys(fallback).length === 0) fallback = english;
}

/**
 * The page's language for a browser whose preferred languages are `preferred`
 * (`navigator.languages`): the first one the page has (by its primary subtag), else English.
 * @param {readonly string[]} preferred
 * @returns {string}
 */
export function preferredLanguage(preferred) {
  for (const tag of Array.isArray(preferred) ? preferred : []) {
    const primary = String(tag).toLowerCase().split(/[-_]/)[0];
    if (LANGUAGES.includes(primary)) return primary;
  }
  return "en";
}

/** The page's localStorage, if any (reading it can throw where storage is refused). */
function storage() {
  return /** @type {any} */ (globalThis).localStorage;
}

/**
 * The language the person chose earlier on this page, or "".
 * @returns {string}
 */
export function storedLanguage() {
  try {
    const value = storage() && storage().getItem(STORAGE_KEY);
    if (value && LANGUAGES.includes(value)) return value;
  } catch {
    // storage refused: what this page remembered, if anything
  }
  return remembered;
}

/** @param {string} lang */
function rememberLanguage(lang) {
  remembered = lang;
  try {
    if (storage()) storage().setItem(STORAGE_KEY, lang);
  } catch {
    // kept for this page only
  }
}

/**
 * `listener(lang)` after every change of language (the page's text is already translated).
 * @param {(lang: string) => void} listener
 */
export function onLanguageChange(listener) {
  listeners.add(listener);
}

/**
 * Switch the page to `lang` at once: load its catalogue, set `<html lang>`, translate every
 * marked element, remember the choice and tell the listeners. Nothing is reloaded.
 * @param {string} lang one of LANGUAGES
 * @returns {Promise<boolean>} whether the page now speaks `lang`
 */
export async function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) return false;
  rememberLanguage(lang);
  const ok = await loadMessages(lang);
  if (!ok || language !== lang) return false;
  const doc = /** @type {any} */ (globalThis).document;
  if (doc) {
    doc.documentElement.lang = lang;
    translate(doc);
  }
  for (const listener of listeners) listener(lang);
  return true;
}

/**
 * @param {any} value
 * @returns {value is Message}
 */
function isMessage(value) {
  return value !== null && typeof value === "object" && typeof value.code === "string";
}

/**
 * @param {any} value
 * @returns {value is { items: string[], more: number }}
 */
function isList(value) {
  return value !== null && typeof value === "object" && Array.isArray(value.items);
}

/**
 * @param {number} value
 * @param {string} [spec] ".N" for N decimals
 * @returns {string}
 */
function formatParamNumber(value, spec) {
  const digits = /^\.(\d{1,2})$/.exec(spec || "");
  const key = digits ? digits[1] : "";
  if (!numberFormats.has(key)) {
    const options = digits
      ? { minimumFractionDigits: Number(key), maximumFractionDigits: Number(key) }
      : { maximumFractionDigits: 20 };
    numberFormats.set(key, new Intl.NumberFormat(language, options));
  }
  return numberFormats.get(key).format(value);
}

/**
 * @param {MessageParam} value
 * @param {string|undefined} spec
 * @param {number} depth
 * @returns {string}
 */
function valueText(value, spec, depth) {
  if (typeof value === "number") return formatParamNumber(value, spec);
  if (isList(value)) {
    const items = value.items.map((item) => {
      if (isMessage(item)) return depth < MAX_DEPTH ? render(item.code, item.params, depth + 1) : item.code;
      return spec === "q" ? `"${item}"` : String(item);
    });
    if (value.more > 0) items.push("…");
    return items.join(", ");
  }
  if (isMessage(value)) return depth < MAX_DEPTH ? render(value.code, value.params, depth + 1) : value.code;
  return String(value);
}

/**
 * @param {string} template
 * @param {Params|undefined} params
 * @param {number} depth
 * @returns {string}
 */
function fill(template, params, depth) {
  /** @type {Params} */
  const given = params && typeof params === "object" ? params : {};
  return template.replace(PLACEHOLDER, (/** @type {string} */ whole, /** @type {string} */ name, /** @type {string|undefined} */ spec) => {
    if (!Object.prototype.hasOwnProperty.call(given, name)) return whole;
    const text = valueText(given[name], spec, depth);
    return spec === "cap" ? text.charAt(0).toLocaleUpperCase(language) + text.slice(1) : text;
  });
}

/**
 * @param {string} code
 * @returns {Entry | undefined}
 */
function entryOf(code) {
  if (Object.prototype.hasOwnProperty.call(entries, code)) return entries[code];
  if (Object.prototype.hasOwnProperty.call(fallback, code)) return fallback[code];
  return undefined;
}

/**
 * @param {string} code
 * @param {Params|undefined} params
 * @param {number} depth
 * @returns {string}
 */
function render(code, params, depth) {
  const entry = entryOf(code);
  if (entry && typeof entry.message === "string") return fill(entry.message, params, depth);
  const given = params && typeof params === "object" ? Object.entries(params) : [];
  if (given.length === 0) return String(code);
  return `${code} (${given.map(([k, v]) => `${k}: ${valueText(v, "", depth)}`).join(", ")})`;
}

/**
 * Whether the catalogue has `code`.
 * @param {string} code
 */
export function has(code) {
  return entryOf(code) !== undefined;
}

/**
 * The message `code` with `params`, in words.
 * @param {string} code
 * @param {Params} [params]
 * @returns {string}
 */
export function t(code, params = {}) {
  return render(code, params, 0);
}

/**
 * What to do about the message `code`: the deepest hint along its reasons, or "".
 * @param {string} code
 * @param {Params} [params]
 * @returns {string}
 */
export function hintOf(code, params = {}) {
  /** @type {Message[]} */
  const chain = [{ code, params }];
  while (chain.length <= MAX_DEPTH) {
    const last = chain[chain.length - 1];
    const reason = last.params && last.params.reason;
    if (!isMessage(reason)) break;
    chain.push(reason);
  }
  for (const m of chain.reverse()) {
    const entry = entryOf(m.code);
    if (entry && typeof entry.hint === "string") return fill(entry.hint, m.params, 0);
  }
  return "";
}

/**
 * A note or warning as the page lists it: its words, then its hint if it has one.
 * @param {Message|string} note
 * @returns {string}
 */
export function renderNote(note) {
  if (!isMessage(note)) return String(note);
  const hint = hintOf(note.code, note.params);
  const text = t(note.code, note.params);
  return hint ? `${text} ${hint}` : text;
}

/**
 * An error's words, `{ message, hint }`: from the catalogue when it has the error's code,
 * else the error's own (the engine's English fallback); a string is a message without a hint.
 * @param {any} err an Error (perhaps with `code`, `params` and `hint`), an ErrorInfo or a string
 * @returns {{ message: string, hint: string }}
 */
export function describeError(err) {
  if (typeof err === "string") return { message: err, hint: "" };
  if (err && typeof err.code === "string" && has(err.code)) {
    return { message: t(err.code, err.params), hint: hintOf(err.code, err.params) };
  }
  const message = err && typeof err.message === "string" && err.message ? err.message : String(err);
  return { message, hint: err && typeof err.hint === "string" ? err.hint : "" };
}

/**
 * An error of the page itself, rendered from the catalogue: throw it or show it.
 * @param {string} code
 * @param {Params} [params]
 * @returns {Error & { code: string, params: Params, hint: string }}
 */
export function pageError(code, params = {}) {
  const { message, hint } = describeError({ code, params });
  return Object.assign(new Error(message), { code, params, hint });
}

// ---- numbers, shares and dates in the page's language ----------------------------------------

/** @type {Map<string, Intl.NumberFormat>} */
const intlFormats = new Map();

/**
 * An Intl.NumberFormat of the page's language, made once per language and options.
 * @param {Intl.NumberFormatOptions} options
 */
function intlNumber(options) {
  const key = `${language} ${JSON.stringify(options)}`;
  let format = intlFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language, options);
    intlFormats.set(key, format);
  }
  return format;
}

/**
 * `value` in the page's language: with exactly `decimals` decimals when given, else as it is
 * (at most 20). A value that is not a finite number shows a dash.
 * @param {number} value
 * @param {number} [decimals]
 * @param {boolean} [grouping] thousands separators (not in a score or a time)
 * @returns {string}
 */
export function formatNumber(value, decimals, grouping = true) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  /** @type {Intl.NumberFormatOptions} */
  const options = typeof decimals === "number"
    ? { minimumFractionDigits: decimals, maximumFractionDigits: decimals }
    : { maximumFractionDigits: 20 };
  if (!grouping) options.useGrouping = false;
  return intlNumber(options).format(value);
}

/**
 * A count with the language's grouping ("12,345").
 * @param {number} value
 * @returns {string}
 */
export function formatCount(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "?";
  return intlNumber({ maximumFractionDigits: 0 }).format(value);
}

/**
 * A share 0..1 as a percentage in the page's language ("12%", "0.5%"), with at most
 * `decimals` decimals.
 * @param {number} share
 * @param {number} [decimals]
 * @param {boolean} [fixed] always that many decimals ("0.0%")
 * @returns {string}
 */
export function formatPercent(share, decimals = 0, fixed = false) {
  if (typeof share !== "number" || !Number.isFinite(share)) return "—";
  return intlNumber({ style: "percent", maximumFractionDigits: decimals, minimumFractionDigits: fixed ? decimals : 0 }).format(share);
}

/**
 * A date (and time, when `withTime`) in the page's language.
 * @param {Date | number} date
 * @param {boolean} [withTime]
 * @returns {string}
 */
export function formatDate(date, withTime = false) {
  const value = date instanceof Date ? date : new Date(date);
  if (Number.isNaN(value.getTime())) return "—";
  const options = withTime ? { dateStyle: "long", timeStyle: "short" } : { dateStyle: "long" };
  return new Intl.DateTimeFormat(language, /** @type {Intl.DateTimeFormatOptions} */ (options)).format(value);
}

// ---- the page's words: elements marked with their codes -------------------------------------
// (Nodes are typed `any` here: this module also runs in workers and in Node, without the DOM.)
//
// An element whose text is a catalogue entry carries its code (`data-i18n`) and, when it has
// any, its parameters as JSON (`data-i18n-params`); a note or warning of the engine carries
// itself (`data-i18n-note`); an attribute's words carry `data-i18n-<attribute>` (and
// `data-i18n-<attribute>-params`). translate() fills them all again from the catalogue of the
// moment, so a change of language redraws every word in place, from what the element already
// knows. An element with `data-i18n-slots` keeps the child elements named by `data-slot` (say,
// a value of the user's data in a sentence) where its template puts `{name}`.

/** The attributes the page translates. */
const ATTRIBUTES = Object.freeze(["title", "aria-label", "placeholder", "alt", "content"]);

/**
 * @param {any} node
 * @param {string} name
 * @returns {Params}
 */
function storedParams(node, name) {
  const text = node.getAttribute(name);
  if (!text) return {};
  try {
    const params = JSON.parse(text);
    return params && typeof params === "object" ? params : {};
  } catch {
    return {};
  }
}

/**
 * @param {any} node
 * @param {string} name
 * @param {Params | undefined} params
 */
function storeParams(node, name, params) {
  if (params && typeof params === "object" && Object.keys(params).length > 0) node.setAttribute(name, JSON.stringify(params));
  else node.removeAttribute(name);
}

/**
 * Fill `node` with the entry `code` (its message, or its hint when `part` is "hint"), and
 * mark it so that a change of language fills it again.
 * @param {any} node
 * @param {string} code
 * @param {Params} [params]
 * @param {"message" | "hint"} [part]
 * @returns {any}
 */
export function localize(node, code, params = {}, part = "message") {
  node.setAttribute("data-i18n", code);
  storeParams(node, "data-i18n-params", params);
  if (part === "hint") node.setAttribute("data-i18n-part", "hint");
  else node.removeAttribute("data-i18n-part");
  node.removeAttribute("data-i18n-note");
  node.removeAttribute("data-i18n-slots");
  node.textContent = part === "hint" ? hintOf(code, params) : t(code, params);
  return node;
}

/**
 * Fill `node` with the entry `code` whose placeholders named in `slots` are those nodes (kept
 * as they are: user data, a control), the others filled from `params`.
 * @param {any} node
 * @param {string} code
 * @param {Params} params
 * @param {{ [name: string]: any }} slots
 * @returns {any}
 */
export function localizeWith(node, code, params, slots) {
  for (const [name, slot] of Object.entries(slots)) slot.setAttribute("data-slot", name);
  node.setAttribute("data-i18n", code);
  node.setAttribute("data-i18n-slots", Object.keys(slots).join(" "));
  storeParams(node, "data-i18n-params", params);
  node.removeAttribute("data-i18n-note");
  node.removeAttribute("data-i18n-part");
  fillSlots(node, code, params, slots);
  return node;
}

/**
 * @param {any} node
 * @param {string} code
 * @param {Params} params
 * @param {{ [name: string]: any }} slots
 */
function fillSlots(node, code, params, slots) {
  const entry = entryOf(code);
  const template = entry && typeof entry.message === "string" ? entry.message : code;
  /** @type {any[]} */
  const parts = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1];
    if (!Object.prototype.hasOwnProperty.call(slots, name)) continue;
    parts.push(fill(template.slice(last, match.index), params, 0));
    parts.push(slots[name]);
    last = match.index + match[0].length;
  }
  parts.push(fill(template.slice(last), params, 0));
  node.replaceChildren(...parts.filter((part) => part !== ""));
}

/**
 * Fill `node` with a note or warning of the engine (its words and hint), marked to follow the
 * language; a plain string is shown as it is.
 * @param {any} node
 * @param {Message | string} note
 * @returns {any}
 */
export function localizeNote(node, note) {
  node.removeAttribute("data-i18n");
  node.removeAttribute("data-i18n-params");
  if (isMessage(note)) node.setAttribute("data-i18n-note", JSON.stringify(note));
  else node.removeAttribute("data-i18n-note");
  node.textContent = renderNote(note);
  return node;
}

/**
 * Set the attribute `name` of `node` to the entry `code`, marked to follow the language.
 * @param {any} node
 * @param {string} name one of title, aria-label, placeholder, alt, content
 * @param {string} code
 * @param {Params} [params]
 * @returns {any}
 */
export function localizeAttribute(node, name, code, params = {}) {
  node.setAttribute(`data-i18n-${name}`, code);
  storeParams(node, `data-i18n-${name}-params`, params);
  node.setAttribute(name, t(code, params));
  return node;
}

/**
 * Forget the words of `node` (it shows something else now, or nothing).
 * @param {any} node
 * @param {string} [text]
 */
export function unlocalize(node, text = "") {
  for (const name of ["data-i18n", "data-i18n-params", "data-i18n-note", "data-i18n-part", "data-i18n-slots"]) node.removeAttribute(name);
  node.textContent = text;
}

/**
 * Fill every marked element under `root` (a document or an element) from the catalogue of the
 * moment.
 * @param {any} root
 */
export function translate(root) {
  for (const node of root.querySelectorAll("[data-i18n]")) {
    const code = node.getAttribute("data-i18n");
    const params = storedParams(node, "data-i18n-params");
    if (node.hasAttribute("data-i18n-slots")) {
      /** @type {{ [name: string]: any }} */
      const slots = {};
      for (const name of (node.getAttribute("data-i18n-slots") || "").split(" ").filter(Boolean)) {
        const slot = [...node.children].find((/** @type {any} */ child) => child.getAttribute("data-slot") === name);
        if (slot) slots[name] = slot;
      }
      fillSlots(node, code, params, slots);
    } else {
      node.textContent = node.getAttribute("data-i18n-part") === "hint" ? hintOf(code, params) : t(code, params);
    }
  }
  for (const node of root.querySelectorAll("[data-i18n-note]")) {
    const note = storedParams(node, "data-i18n-note");
    if (isMessage(note)) node.textContent = renderNote(note);
  }
  for (const name of ATTRIBUTES) {
    for (const node of root.querySelectorAll(`[data-i18n-${name}]`)) {
      node.setAttribute(name, t(node.getAttribute(`data-i18n-${name}`), storedParams(node, `data-i18n-${name}-params`)));
    }
  }
}

// The page loads its catalogue before its modules run, in the language chosen before on this
// page or else the browser's; workers and Node (the unit tests) do not.
const page = /** @type {any} */ (globalThis).document;
if (page) {
  const nav = /** @type {any} */ (globalThis).navigator;
  const wanted = storedLanguage() || preferredLanguage(nav ? nav.languages || [nav.language] : []);
  // English beside another language waits for loadFallback (main.js, once the engine is ready)
  await loadMessages(wanted, globalThis.fetch, { englishLater: true });
  page.documentElement.lang = language;
  translate(page);
}
