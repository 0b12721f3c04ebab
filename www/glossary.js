// The glossary: the terms the page uses (AutoML, model, cross-validation, overfitting, the
// metrics, …), each with a one-line explanation, in every language of the page. The words are
// entries of the message catalogues (`glossary.<id>.term` and `glossary.<id>.text` in
// www/i18n/<lang>.json); this module lists the terms in order and draws them:
//
// - a small "?" button after every element marked `data-term="id"` (several ids: several
//   buttons), whose accessible name is "What is <term>?" in the page's language; it opens the
//   term's explanation in a popover (#glossary-popover) that Escape, its Close button or a
//   click elsewhere closes, giving the focus back to the button;
// - the whole list, in the "What is AutoML?" panel (#glossary-list).
//
// Everything is marked with its codes (i18n.js localize), so a change of language redraws it.
import { localize, localizeAttribute } from "./i18n.js";

/**
 * A term: its id (as `data-term` names it) and its two entries.
 * @typedef {{ id: string, term: string, text: string }} Term
 */

/** Every term, in the order the panel lists them. @type {readonly Term[]} */
export const TERMS = Object.freeze([
  { id: "ai", term: "glossary.ai.term", text: "glossary.ai.text" },
  { id: "machine_learning", term: "glossary.machine_learning.term", text: "glossary.machine_learning.text" },
  { id: "automl", term: "glossary.automl.term", text: "glossary.automl.text" },
  { id: "model", term: "glossary.model.term", text: "glossary.model.text" },
  { id: "modeling", term: "glossary.modeling.term", text: "glossary.modeling.text" },
  { id: "target", term: "glossary.target.term", text: "glossary.target.text" },
  { id: "feature", term: "glossary.feature.term", text: "glossary.feature.text" },
  { id: "classification", term: "glossary.classification.term", text: "glossary.classification.text" },
  { id: "regression", term: "glossary.regression.term", text: "glossary.regression.text" },
  { id: "time_series", term: "glossary.time_series.term", text: "glossary.time_series.text" },
  { id: "prediction", term: "glossary.prediction.term", text: "glossary.prediction.text" },
  { id: "hyperparameter", term: "glossary.hyperparameter.term", text: "glossary.hyperparameter.text" },
  { id: "nas", term: "glossary.nas.term", text: "glossary.nas.text" },
  { id: "cross_validation", term: "glossary.cross_validation.term", text: "glossary.cross_validation.text" },
  { id: "out_of_fold", term: "glossary.out_of_fold.term", text: "glossary.out_of_fold.text" },
  { id: "overfitting", term: "glossary.overfitting.term", text: "glossary.overfitting.text" },
  { id: "seed", term: "glossary.seed.term", text: "glossary.seed.text" },
  { id: "leaderboard", term: "glossary.leaderboard.term", text: "glossary.leaderboard.text" },
  { id: "ensemble", term: "glossary.ensemble.term", text: "glossary.ensemble.text" },
  { id: "accuracy", term: "glossary.accuracy.term", text: "glossary.accuracy.text" },
  { id: "balanced_accuracy", term: "glossary.balanced_accuracy.term", text: "glossary.balanced_accuracy.text" },
  { id: "precision", term: "glossary.precision.term", text: "glossary.precision.text" },
  { id: "recall", term: "glossary.recall.term", text: "glossary.recall.text" },
  { id: "f1", term: "glossary.f1.term", text: "glossary.f1.text" },
  { id: "roc_auc", term: "glossary.roc_auc.term", text: "glossary.roc_auc.text" },
  { id: "log_loss", term: "glossary.log_loss.term", text: "glossary.log_loss.text" },
  { id: "confusion_matrix", term: "glossary.confusion_matrix.term", text: "glossary.confusion_matrix.text" },
  { id: "threshold", term: "glossary.threshold.term", text: "glossary.threshold.text" },
  { id: "calibration", term: "glossary.calibration.term", text: "glossary.calibration.text" },
  { id: "r2", term: "glossary.r2.term", text: "glossary.r2.text" },
  { id: "rmse", term: "glossary.rmse.term", text: "glossary.rmse.text" },
  { id: "mae", term: "glossary.mae.term", text: "glossary.mae.text" },
  { id: "residual", term: "glossary.residual.term", text: "glossary.residual.text" },
  { id: "mase", term: "glossary.mase.term", text: "glossary.mase.text" },
  { id: "feature_importance", term: "glossary.feature_importance.term", text: "glossary.feature_importance.text" },
  { id: "partial_dependence", term: "glossary.partial_dependence.term", text: "glossary.partial_dependence.text" },
]);

/** The glossary's term of the metric with this machine name, if it has one. */
/** @type {Readonly<Record<string, string>>} */
const METRIC_TERMS = Object.freeze({
  accuracy: "accuracy",
  balanced_accuracy: "balanced_accuracy",
  f1_macro: "f1",
  roc_auc: "roc_auc",
  log_loss: "log_loss",
  r2: "r2",
  rmse: "rmse",
  mae: "mae",
  mase: "mase",
});

/**
 * The term `id`.
 * @param {string} id
 * @returns {Term | undefined}
 */
export function termOf(id) {
  return TERMS.find((term) => term.id === id);
}

/**
 * The glossary's id for a metric ("f1_macro" → "f1"), or "".
 * @param {string} metric
 */
export function metricTerm(metric) {
  return Object.prototype.hasOwnProperty.call(METRIC_TERMS, metric) ? METRIC_TERMS[metric] : "";
}

/**
 * A "?" button for the term `id`: its name says "What is <term>?" in the page's language.
 * @param {Term} term
 * @returns {HTMLButtonElement}
 */
function helpButton(term) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "term-help";
  button.dataset.termId = term.id;
  button.dataset.testid = `term-${term.id}`;
  button.textContent = "?";
  button.setAttribute("aria-haspopup", "dialog");
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "glossary-popover");
  localizeAttribute(button, "aria-label", "page.term_help", { term: { code: term.term, params: {} } });
  localizeAttribute(button, "title", "page.term_help", { term: { code: term.term, params: {} } });
  return button;
}

/**
 * Give every element under `root` marked `data-term` its "?" buttons (once).
 * @param {ParentNode} root
 */
export function attachTerms(root) {
  for (const node of root.querySelectorAll("[data-term]")) {
    if (node.hasAttribute("data-term-attached")) continue;
    node.setAttribute("data-term-attached", "");
    const buttons = (node.getAttribute("data-term") || "").split(/\s+/).map(termOf).filter(Boolean).map(helpButton);
    if (node.hasAttribute("data-i18n") && BLOCKS.has(node.tagName)) {
      // A heading or a paragraph keeps its "?" on its last line: its words move into a span
      // (which keeps their code, so a change of language fills them there) and the buttons
      // follow it inside. (A label keeps its button after it: a button inside a label would
      // join its control's name.)
      const words = document.createElement("span");
      for (const name of WORD_ATTRIBUTES) {
        if (node.hasAttribute(name)) {
          words.setAttribute(name, /** @type {string} */ (node.getAttribute(name)));
          node.removeAttribute(name);
        }
      }
      words.append(...node.childNodes);
      node.append(words, ...buttons);
    } else {
      node.after(...buttons);
    }
  }
}

/** Elements whose "?" goes inside, after their words. */
const BLOCKS = new Set(["H2", "H3", "H4", "P", "DT", "FIGCAPTION", "TH"]);
/** The marks of an element's words (i18n.js). */
const WORD_ATTRIBUTES = ["data-i18n", "data-i18n-params", "data-i18n-slots", "data-i18n-part"];

/**
 * Point the "?" button `button` (made by attachTerms, or any `.term-help`) at the term `id`;
 * an unknown id hides it.
 * @param {HTMLElement} button
 * @param {string} id
 */
export function setTerm(button, id) {
  const term = termOf(id);
  button.hidden = !term;
  if (!term) return;
  button.dataset.termId = term.id;
  localizeAttribute(button, "aria-label", "page.term_help", { term: { code: term.term, params: {} } });
  localizeAttribute(button, "title", "page.term_help", { term: { code: term.term, params: {} } });
}

/** The popover and the panel's list. */
export class Glossary {
  constructor() {
    /** @type {HTMLElement} */
    this.$popover = /** @type {HTMLElement} */ (document.getElementById("glossary-popover"));
    this.$term = /** @type {HTMLElement} */ (document.getElementById("glossary-popover-term"));
    this.$text = /** @type {HTMLElement} */ (document.getElementById("glossary-popover-text"));
    this.$close = /** @type {HTMLButtonElement} */ (document.getElementById("glossary-popover-close"));
    this.$list = document.getElementById("glossary-list");
    /** @type {HTMLElement | null} the "?" button of the open popover */
    this.opener = null;
    this.fillList();
    attachTerms(document);
    document.addEventListener("click", (event) => {
      const target = /** @type {Element} */ (event.target);
      const button = target instanceof Element ? target.closest(".term-help") : null;
      if (button instanceof HTMLElement) {
        event.preventDefault();
        if (this.opener === button && !this.$popover.hidden) this.close(true);
        else this.open(button);
      } else if (!this.$popover.hidden && !this.$popover.contains(target)) {
        this.close(false);
      }
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !this.$popover.hidden) {
        event.preventDefault();
        this.close(true);
      }
    });
    this.$close.addEventListener("click", () => this.close(true));
  }

  /** The panel's list: every term and its explanation. */
  fillList() {
    if (!this.$list) return;
    const items = TERMS.map((term) => {
      const div = document.createElement("div");
      div.dataset.glossaryItem = term.id;
      div.append(localize(document.createElement("dt"), term.term), localize(document.createElement("dd"), term.text));
      return div;
    });
    this.$list.replaceChildren(...items);
  }

  /**
   * Open the explanation of the term of `button`, under it.
   * @param {HTMLElement} button
   */
  open(button) {
    const term = termOf(button.dataset.termId || "");
    if (!term) return;
    if (this.opener && this.opener !== button) this.opener.setAttribute("aria-expanded", "false");
    this.opener = button;
    localize(this.$term, term.term);
    localize(this.$text, term.text);
    this.$popover.dataset.term = term.id;
    this.$popover.hidden = false;
    button.setAttribute("aria-expanded", "true");
    // Under the button, kept inside the window (sized from JS: the CSP allows no style
    // attributes in markup, but the CSSOM is fine).
    const box = button.getBoundingClientRect();
    const width = Math.min(360, window.innerWidth - 16);
    const left = Math.max(8, Math.min(box.left + window.scrollX, window.scrollX + window.innerWidth - width - 8));
    this.$popover.style.width = `${width}px`;
    this.$popover.style.left = `${left}px`;
    this.$popover.style.top = `${box.bottom + window.scrollY + 6}px`;
    this.$popover.focus();
  }

  /**
   * Close the popover; `refocus`: give the focus back to its "?" button.
   * @param {boolean} refocus
   */
  close(refocus) {
    this.$popover.hidden = true;
    const opener = this.opener;
    this.opener = null;
    if (opener) {
      opener.setAttribute("aria-expanded", "false");
      if (refocus) opener.focus();
    }
  }
}
