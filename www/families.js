// The "Model families" choice of the settings: a checkbox per family of the engine's catalogue
// (the constant baseline always runs, so it has none), and presets a teacher uses to compare
// "networks only" with "trees only". The run's settings carry the chosen names (none: all).

import { localize } from "./i18n.js";

/** @typedef {import("./protocol-types.js").FamilyInfo} FamilyInfo */

/** The catalogue key of each family's name (literal, so the message test sees them used). */
const FAMILY_KEYS = {
  logistic_regression: "family.logistic_regression",
  gaussian_nb: "family.gaussian_nb",
  categorical_nb: "family.categorical_nb",
  linear_regression: "family.linear_regression",
  ridge: "family.ridge",
  lasso: "family.lasso",
  elastic_net: "family.elastic_net",
  knn: "family.knn",
  svm: "family.svm",
  decision_tree: "family.decision_tree",
  random_forest: "family.random_forest",
  extra_trees: "family.extra_trees",
  gradient_boosting: "family.gradient_boosting",
  neural_network: "family.neural_network",
};

/** The presets: which families each checks (null: every one). */
const PRESETS = [
  { key: "families.all", names: null },
  { key: "families.networks_only", names: ["neural_network"] },
  { key: "families.trees_only", names: ["decision_tree", "random_forest", "extra_trees", "gradient_boosting"] },
];

/**
 * A family's name for people, from the catalogue (translated again when the language changes).
 * @param {FamilyInfo} family
 */
function familyName(family) {
  const span = document.createElement("span");
  const key = /** @type {Record<string, string>} */ (FAMILY_KEYS)[family.name];
  if (key) localize(span, key);
  else span.textContent = family.label;
  return span;
}

export class FamilyChooser {
  /** @param {HTMLElement} box the settings' element to fill */
  constructor(box) {
    this.box = box;
    /** @type {HTMLInputElement[]} */
    this.boxes = [];
  }

  /**
   * Draws a checkbox per family (all checked) and the presets.
   * @param {FamilyInfo[]} families
   */
  show(families) {
    const { box } = this;
    box.replaceChildren();
    const legend = document.createElement("legend");
    legend.className = "field-label";
    localize(legend, "families.legend");
    const presets = document.createElement("div");
    presets.className = "inline-controls";
    for (const preset of PRESETS) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button button-secondary";
      localize(button, preset.key);
      button.dataset.testid = `families-${preset.key.slice("families.".length).replace(/_/g, "-")}`;
      button.addEventListener("click", () => this.check(preset.names));
      presets.append(button);
    }
    const list = document.createElement("div");
    list.className = "families-list";
    this.boxes = families
      .filter((f) => f.name !== "constant")
      .map((family) => {
        const label = document.createElement("label");
        label.className = "family-choice";
        const input = document.createElement("input");
        input.type = "checkbox";
        input.checked = true;
        input.value = family.name;
        input.dataset.testid = `family-${family.name}`;
        label.append(input, " ", familyName(family));
        list.append(label);
        return input;
      });
    const hint = document.createElement("p");
    hint.className = "hint";
    localize(hint, "families.hint");
    box.append(legend, presets, list, hint);
    box.hidden = false;
  }

  /** @param {string[] | null} names the families to check (null: all) */
  check(names) {
    for (const input of this.boxes) input.checked = names === null || names.includes(input.value);
  }

  /** @param {boolean} disabled */
  setDisabled(disabled) {
    for (const input of this.boxes) input.disabled = disabled;
    for (const button of this.box.querySelectorAll("button")) button.disabled = disabled;
  }

  /**
   * The chosen families' names, or null when all are chosen (the engine's default).
   * @returns {string[] | null}
   */
  chosen() {
    const names = this.boxes.filter((b) => b.checked).map((b) => b.value);
    return names.length === this.boxes.length ? null : names;
  }
}
