// Messages on the page. The engine's errors, notes and warnings arrive as { code, params }
// (src/messages.rs), errors with the English `message` and `hint` as a fallback; the words come
// from a catalogue, i18n/<lang>.json (the same file the core embeds for the command line),
// loaded once here before any module that imports this one runs. The page's own errors are
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
 * @typedef {import("./protocol.js").Message} Message
 * @typedef {import("./protocol.js").MessageParam} MessageParam
 * @typedef {{ [name: string]: MessageParam }} Params
 * @typedef {{ message: string, hint?: string }} Entry
 * @typedef {{ [code: string]: Entry }} Catalogue
 */

/** Nested messages deeper than this are not rendered. */
const MAX_DEPTH = 8;
const PLACEHOLDER = /\{([A-Za-z0-9_]+)(?::([A-Za-z0-9.]+))?\}/g;

/** @type {Catalogue} */
let entries = {};
let language = "en";
/** @type {Map<string, Intl.NumberFormat>} */
const numberFormats = new Map();

/**
 * Use `catalogue` (the parsed JSON of i18n/<lang>.json) for messages from now on.
 * @param {Catalogue} catalogue
 * @param {string} [lang]
 */
export function useMessages(catalogue, lang = "en") {
  entries = catalogue && typeof catalogue === "object" ? catalogue : {};
  language = lang;
  numberFormats.clear();
}

/** The catalogue's language. */
export function messagesLanguage() {
  return language;
}

/**
 * Loads i18n/<lang>.json (falling back to English); the page keeps working without it, showing
 * the engine's English fallbacks and codes.
 * @param {string} [lang]
 * @param {(url: URL) => Promise<{ ok: boolean, json: () => Promise<any> }>} [fetchImpl]
 * @returns {Promise<boolean>} whether a catalogue was loaded
 */
export async function loadMessages(lang = "en", fetchImpl = globalThis.fetch) {
  for (const candidate of lang === "en" ? ["en"] : [lang, "en"]) {
    try {
      const response = await fetchImpl(new URL(`./i18n/${candidate}.json`, import.meta.url));
      if (!response.ok) continue;
      useMessages(await response.json(), candidate);
      return true;
    } catch {
      // try the next one
    }
  }
  return false;
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
function formatNumber(value, spec) {
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
  if (typeof value === "number") return formatNumber(value, spec);
  if (isList(value)) {
    const items = value.items.map((item) => (spec === "q" ? `"${item}"` : String(item)));
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
 * @param {Params|undefined} params
 * @param {number} depth
 * @returns {string}
 */
function render(code, params, depth) {
  const entry = entries[code];
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
  return Object.prototype.hasOwnProperty.call(entries, code);
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
    const entry = entries[m.code];
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

// The page loads its catalogue before its modules run; workers and Node (the unit tests) do not.
const page = /** @type {any} */ (globalThis).document;
if (page) {
  await loadMessages(page.documentElement.lang || "en");
}
