//! What the search tells a person while it runs: its decisions as "event.*" messages (made by
//! the tuner and the session, carried by each [`Progress`] event), and the overfitting rule
//! that flags a trial whose training score is far better than its cross-validated one.

use super::*;
use crate::messages::Param;
use serde_json::Value;

/// For metrics on a 0–1 scale (accuracy, balanced accuracy, macro F1, ROC AUC, R²): a trial
/// overfits when its training score exceeds its cross-validated score by more than this.
pub const OVERFIT_GAP: f64 = 0.10;
/// For error metrics (log loss, RMSE, MAE, unbounded, lower is better): a trial overfits when
/// its error on its training rows is below this share of its cross-validated error (it makes
/// less than half the error on rows it has seen).
pub const OVERFIT_RATIO: f64 = 0.5;

/// The overfitting rule: `Some("search.overfitting")` when `train` (the metric on the rows the
/// trial's models were fitted on) is so much better than `cv` (the cross-validated metric, as
/// people read both) that the models learned their training rows rather than the pattern:
/// by more than [`OVERFIT_GAP`] for a metric on a 0–1 scale, or an error below
/// [`OVERFIT_RATIO`] times the cross-validated error for an error metric.
pub fn overfitting(metric: Metric, train: f64, cv: f64) -> Option<Message> {
    if !(train.is_finite() && cv.is_finite()) {
        return None;
    }
    let flagged = if metric.higher_is_better() {
        train - cv > OVERFIT_GAP
    } else {
        cv > 0.0 && train < OVERFIT_RATIO * cv
    };
    flagged.then(|| {
        message!(
            "search.overfitting",
            train = round4(train),
            cv = round4(cv),
            metric = metric.label()
        )
    })
}

/// A family's name as words of the catalogue (`family.<name>`, which every catalogue has for
/// every family), so that the page says it in its own language.
pub(super) fn family_words(name: &str) -> Message {
    Message::new(&format!("family.{name}"), Vec::new())
}

/// `v` to four significant digits, so a message shows 0.0123 rather than 0.012345678.
pub(super) fn round4(v: f64) -> f64 {
    // Rust's float formatting is exact, the same on every platform
    format!("{v:.3e}").parse().unwrap_or(v)
}

/// A hyperparameter's value as a message parameter: numbers as numbers (four significant
/// digits), anything else as its text.
pub(super) fn value_param(v: &Value) -> Param {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Param::Int(i),
            None => Param::Num(round4(n.as_f64().unwrap_or(f64::NAN))),
        },
        Value::String(s) => Param::Text(s.clone()),
        other => Param::Text(other.to_string()),
    }
}
