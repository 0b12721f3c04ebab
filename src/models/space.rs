//! Descriptions of hyperparameter spaces: each family lists its parameters with their range,
//! scale, documented default and a low-cost starting value, so a search can start cheap and
//! move toward costly regions only when it pays.

use crate::math::{exp, ln};
use serde::Serialize;
use serde_json::Value;

/// The values a hyperparameter can take.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ParamKind {
    /// A real number in `[low, high]`, searched on a log scale when `log`.
    Float {
        /// Smallest value.
        low: f64,
        /// Largest value.
        high: f64,
        /// Search on a log scale.
        log: bool,
    },
    /// An integer in `[low, high]`, searched on a log scale when `log`.
    Int {
        /// Smallest value.
        low: i64,
        /// Largest value.
        high: i64,
        /// Search on a log scale.
        log: bool,
    },
    /// One of a few values.
    Choice {
        /// The values.
        values: Vec<Value>,
    },
}

/// One hyperparameter of a family.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamDef {
    /// Name, as in the serialized spec.
    pub name: &'static str,
    /// Range.
    pub kind: ParamKind,
    /// The documented default.
    pub default: Value,
    /// The cheapest sensible value, where a search starts.
    pub low_cost: Value,
    /// What it does.
    pub doc: &'static str,
}

impl ParamDef {
    /// Whether `value` lies in the range.
    pub fn admits(&self, value: &Value) -> bool {
        match &self.kind {
            ParamKind::Float { low, high, .. } => value
                .as_f64()
                .is_some_and(|v| v.is_finite() && v >= *low && v <= *high),
            ParamKind::Int { low, high, .. } => {
                value.as_i64().is_some_and(|v| v >= *low && v <= *high)
            }
            ParamKind::Choice { values } => values.contains(value),
        }
    }

    /// The position in [0, 1] of a value in the range (inverse of [`ParamDef::sample`]).
    pub fn encode(&self, value: &Value) -> f64 {
        let unit = |v: f64, low: f64, high: f64, log: bool| {
            let u = if log && low > 0.0 {
                (ln(v) - ln(low)) / (ln(high) - ln(low))
            } else {
                (v - low) / (high - low)
            };
            if u.is_finite() {
                u.clamp(0.0, 1.0)
            } else {
                0.0
            }
        };
        match &self.kind {
            ParamKind::Float { low, high, log } => {
                unit(value.as_f64().unwrap_or(*low), *low, *high, *log)
            }
            ParamKind::Int { low, high, log } => {
                // the middle of the integer's cell, so that sample(encode(v)) == v
                let (l, h) = (*low as f64, *high as f64 + 1.0);
                let v = value.as_f64().unwrap_or(l) + 0.5;
                let u = if *log && *low > 0 {
                    (ln(v) - ln(l)) / (ln(h) - ln(l))
                } else {
                    (v - l) / (h - l)
                };
                u.clamp(0.0, 1.0)
            }
            ParamKind::Choice { values } => {
                let i = values.iter().position(|v| v == value).unwrap_or(0);
                (i as f64 + 0.5) / values.len() as f64
            }
        }
    }

    /// A value drawn from the range with `u` uniform in [0, 1).
    pub fn sample(&self, u: f64) -> Value {
        match &self.kind {
            ParamKind::Float { low, high, log } => {
                let v = if *log {
                    exp(ln(*low) + u * (ln(*high) - ln(*low)))
                } else {
                    low + u * (high - low)
                };
                // four significant digits keep leaderboards readable
                let digits = 3 - v.abs().log10().floor() as i32;
                let f = 10f64.powi(digits.clamp(-6, 12));
                Value::from(((v * f).round() / f).clamp(*low, *high))
            }
            ParamKind::Int { low, high, log } => {
                let (l, h) = (*low as f64, *high as f64 + 1.0);
                let v = if *log && *low > 0 {
                    exp(ln(l) + u * (ln(h) - ln(l)))
                } else {
                    l + u * (h - l)
                };
                Value::from((v.floor() as i64).clamp(*low, *high))
            }
            ParamKind::Choice { values } => {
                values[((u * values.len() as f64) as usize).min(values.len() - 1)].clone()
            }
        }
    }
}

/// A real-valued parameter.
pub fn float(
    name: &'static str,
    low: f64,
    high: f64,
    log: bool,
    default: f64,
    low_cost: f64,
    doc: &'static str,
) -> ParamDef {
    ParamDef {
        name,
        kind: ParamKind::Float { low, high, log },
        default: default.into(),
        low_cost: low_cost.into(),
        doc,
    }
}

/// An integer parameter.
pub fn int(
    name: &'static str,
    low: i64,
    high: i64,
    log: bool,
    default: i64,
    low_cost: i64,
    doc: &'static str,
) -> ParamDef {
    ParamDef {
        name,
        kind: ParamKind::Int { low, high, log },
        default: default.into(),
        low_cost: low_cost.into(),
        doc,
    }
}

/// A parameter with a few values.
pub fn choice(
    name: &'static str,
    values: &[&str],
    default: &str,
    low_cost: &str,
    doc: &'static str,
) -> ParamDef {
    ParamDef {
        name,
        kind: ParamKind::Choice {
            values: values.iter().map(|v| Value::from(*v)).collect(),
        },
        default: default.into(),
        low_cost: low_cost.into(),
        doc,
    }
}

/// Class weighting, a parameter of the classifiers that take row weights (classification
/// only).
pub fn class_weight() -> ParamDef {
    choice(
        "class_weight",
        &["none", "balanced"],
        "none",
        "none",
        "Weight classes equally (balanced) or rows equally (none).",
    )
}
