//! What a trial will cost: cost units per family scaled by rates measured during the run.

use super::*;

/// What the search knows of the cost of a trial: the data's size and the measured rates.
pub(super) struct CostModel<'a> {
    pub(super) train_rows: usize,
    pub(super) inputs: usize,
    pub(super) n_splits: usize,
    pub(super) sample_rows: Option<usize>,
    /// Classes (0 for regression).
    pub(super) classes: usize,
    /// Seconds per cost unit, per family, measured (time budget only).
    pub(super) rate: &'a [(&'static str, f64)],
    pub(super) failed: &'a [&'static str],
}

impl CostModel<'_> {
    /// Whether `spec` runs on the training sample first (never a network: successive halving
    /// on epochs is its cheaper first rung, see `halving`).
    pub(super) fn sampled(&self, spec: &ModelSpec) -> bool {
        self.sample_rows.is_some()
            && !matches!(spec, ModelSpec::NeuralNetwork(_))
            && spec.cost_units(self.train_rows, self.inputs)
                > SAMPLE_ABOVE_PASSES * (self.train_rows * self.inputs.max(1)) as f64
    }

    /// Cost units of a trial over all splits.
    pub(super) fn units(&self, spec: &ModelSpec, sampled: bool) -> f64 {
        let rows = match (sampled, self.sample_rows) {
            (true, Some(m)) => m,
            _ => self.train_rows,
        };
        spec.task_cost_units(rows, self.inputs, self.classes) * self.n_splits as f64
    }

    /// Cost units of `spec`'s next trial, infinite for a family that failed.
    pub(super) fn static_cost(&self, spec: &ModelSpec) -> f64 {
        if self.failed.contains(&spec.family_name()) {
            f64::INFINITY
        } else {
            self.units(spec, self.sampled(spec))
        }
    }

    /// Predicted seconds of a trial, from the measured rates.
    pub(super) fn seconds(&self, spec: &ModelSpec, sampled: bool) -> f64 {
        if self.failed.contains(&spec.family_name()) {
            return f64::INFINITY;
        }
        let any_rate = self
            .rate
            .iter()
            .filter(|r| r.0 != "constant")
            .map(|r| r.1)
            .fold(0.0, f64::max);
        // a family not timed yet: the slowest rate measured, with a margin (cost units compare
        // families only roughly; `units` already counts the classes of per-class fits)
        let untimed = any_rate * UNTIMED_MARGIN;
        let r = self
            .rate
            .iter()
            .find(|(f, _)| *f == spec.family_name())
            .map_or(untimed, |r| r.1);
        r * self.units(spec, sampled)
    }
}
