// The classroom side of a run: "What the search is doing" (the core's decisions, the
// "event.*" messages each progress event carries, said in sentences from the catalogue, the
// most recent first), the pace of a run (normal, step by step with Next and Finish here, or
// slow and narrated) and the presentation view (larger type for a projector). The core decides
// and words nothing here: it sends { code, params }, i18n.js renders them.
import { localize, localizeNote, unlocalize } from "./i18n.js";

/**
 * @typedef {import("./protocol-types.js").Message} Message
 * @typedef {import("./protocol-types.js").Pace} Pace
 * @typedef {import("./protocol-types.js").Progress} Progress
 */

/** Most groups (one per trial or phase) the log keeps; older ones are dropped. */
export const LOG_GROUPS = 40;

/** Where the presentation view's choice is remembered. */
const PRESENTATION_KEY = "automl.presentation";

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing #${id}`);
  return node;
}

/**
 * @param {string} tag
 * @param {string} className
 * @param {string} [text]
 */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export class SearchExplainer {
  constructor() {
    this.$log = byId("search-log");
    this.$logEmpty = byId("search-log-empty");
    this.$logTitle = byId("search-log-title");
    this.$stepControls = byId("step-controls");
    this.$stepStatus = byId("step-status");
    this.$next = /** @type {HTMLButtonElement} */ (byId("next-button"));
    this.$finish = /** @type {HTMLButtonElement} */ (byId("finish-steps-button"));
    this.$paceField = /** @type {HTMLFieldSetElement} */ (byId("pace-field"));
    this.$paceHint = byId("pace-hint");
    this.$presentation = /** @type {HTMLInputElement} */ (byId("presentation-toggle"));
    /** @type {Pace} the pace of the running (or last) search */
    this.runPace = "normal";
    /** Trials done in the running search. */
    this.steps = 0;
    for (const input of this.paceInputs()) input.addEventListener("change", () => this.renderPaceHint());
    let remembered = false;
    try {
      remembered = localStorage.getItem(PRESENTATION_KEY) === "1";
    } catch {
      // storage may be unavailable (private mode); the toggle still works
    }
    this.$presentation.checked = remembered;
    this.applyPresentation();
    this.$presentation.addEventListener("change", () => {
      this.applyPresentation();
      try {
        localStorage.setItem(PRESENTATION_KEY, this.$presentation.checked ? "1" : "0");
      } catch {
        // not remembered, still applied
      }
    });
    // the static words are marked in index.html (data-i18n) and follow the language there
    this.renderPaceHint();
  }

  /** @returns {HTMLInputElement[]} */
  paceInputs() {
    return [...this.$paceField.querySelectorAll("input[name=pace]")].map((n) => /** @type {HTMLInputElement} */ (n));
  }

  /**
   * The pace chosen for the next search.
   * @returns {Pace}
   */
  pace() {
    const checked = this.paceInputs().find((i) => i.checked);
    const value = checked ? checked.value : "normal";
    return value === "step" || value === "slow" ? value : "normal";
  }

  renderPaceHint() {
    const pace = this.pace();
    localize(this.$paceHint, pace === "step" ? "explain.pace_hint_step" : pace === "slow" ? "explain.pace_hint_slow" : "explain.pace_hint_normal");
  }

  applyPresentation() {
    document.documentElement.classList.toggle("presentation", this.$presentation.checked);
  }

  /** @param {() => void} handler */
  bindNext(handler) {
    this.$next.addEventListener("click", () => {
      if (this.$next.disabled) return;
      this.setStepButtons(false);
      localize(this.$stepStatus, "explain.step_running", { step: this.steps + 1 });
      handler();
    });
  }

  /** @param {() => void} handler */
  bindFinish(handler) {
    this.$finish.addEventListener("click", () => {
      if (this.$finish.disabled) return;
      this.setStepButtons(false);
      handler();
    });
  }

  /** @param {boolean} enabled */
  setStepButtons(enabled) {
    this.$next.disabled = !enabled;
    this.$finish.disabled = !enabled;
  }

  /**
   * A search starts at `pace`: the log empties, the step controls show in step mode.
   * @param {Pace} pace
   */
  startRun(pace) {
    this.runPace = pace;
    this.steps = 0;
    this.$log.replaceChildren();
    this.$logEmpty.hidden = false;
    this.$stepControls.hidden = pace !== "step";
    this.setStepButtons(false);
    if (pace === "step") localize(this.$stepStatus, "explain.step_running", { step: 1 });
    else unlocalize(this.$stepStatus);
    for (const input of this.paceInputs()) input.disabled = true;
  }

  /** The search ended (done, stopped or failed). */
  runEnded() {
    this.setStepButtons(false);
    this.$stepControls.hidden = true;
    for (const input of this.paceInputs()) input.disabled = false;
  }

  /**
   * A progress event: its decisions join the log as one group, at the top; in step mode a
   * finished trial waits for Next.
   * @param {import("./protocol-types.js").TrialProgress | import("./protocol-types.js").PhaseProgress} event
   */
  add(event) {
    const events = Array.isArray(event.events) ? event.events : [];
    if (event.kind === "trial") this.steps = event.trialsDone;
    if (events.length > 0) {
      const group = el("li", "log-group is-latest");
      const heading = el("div", "log-heading");
      if (event.kind === "trial" && event.row) localize(heading, "explain.log_step", { trial: event.row.trial });
      else localize(heading, "explain.log_phase");
      group.append(heading);
      for (const m of events) {
        const line = localizeNote(el("div", `log-line${m.code === "search.overfitting" ? " is-warning" : ""}`), m);
        line.dataset.code = m.code;
        group.append(line);
      }
      for (const old of this.$log.querySelectorAll(".is-latest")) old.classList.remove("is-latest");
      this.$log.prepend(group);
      while (this.$log.children.length > LOG_GROUPS) this.$log.lastElementChild.remove();
      this.$logEmpty.hidden = true;
    }
    if (event.kind === "trial" && this.runPace === "step") {
      localize(this.$stepStatus, "explain.step_waiting", { step: this.steps });
      this.setStepButtons(true);
    }
  }
}
