//! The catalogue the page reads once at start-up ([`describe`]), so that it keeps no copy of
//! what the core decides: the default settings of a run and of a forecast, the limits the core
//! enforces, the column kinds, the tasks, the metrics (with their direction), and the model
//! families, each with its machine name and its name for people.

use super::model_file::MAX_MODEL_BYTES;
use crate::data::guard::MAX_FIELD_BYTES;
use crate::data::{ColumnKind, Task, MAX_COLUMNS, MAX_FILE_BYTES};
use crate::forecast::{ForecastSettings, MAX_HORIZON};
use crate::metrics::Metric;
use crate::models::Family;
use crate::search::{
    SearchSettings, MAX_FOLDS, MAX_TIME_BUDGET_S, MIN_FOLDS, OVERFIT_GAP, OVERFIT_RATIO,
    TRAIN_SCORE_ROWS,
};
use crate::target::MAX_CLASSES;
use serde::Serialize;

/// The largest seed the page can pass: the largest whole number a JavaScript number holds
/// exactly (the core itself takes any 64-bit seed).
pub const MAX_PAGE_SEED: u64 = (1 << 53) - 1;

/// Everything [`describe`] gives.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Catalogue {
    /// The core's version.
    pub version: &'static str,
    /// Default settings.
    pub defaults: Defaults,
    /// Limits the core enforces.
    pub limits: Limits,
    /// Column kinds, in the order the type menus list them.
    pub kinds: Vec<KindInfo>,
    /// The tabular tasks.
    pub tasks: Vec<TaskInfo>,
    /// Every metric.
    pub metrics: Vec<MetricInfo>,
    /// Every model family.
    pub families: Vec<FamilyInfo>,
}

/// Default settings of a run and of a forecast.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Defaults {
    /// `SearchSettings::default()`, as the page's `RunSettings`.
    pub search: SearchSettings,
    /// `ForecastSettings::default()`, as the page's `ForecastSettings`.
    pub forecast: ForecastDefaults,
}

/// The defaults of a forecast.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForecastDefaults {
    /// Steps to forecast (`None`: the frequency's own, which `forecastInfo` gives).
    pub horizon: Option<usize>,
    /// Seconds for the search.
    pub time_budget_s: Option<f64>,
    /// Most models to try (`None`: no limit).
    pub max_trials: Option<usize>,
    /// The seed.
    pub seed: u64,
    /// Backtest windows.
    pub origins: usize,
    /// Whether an ensemble of the best models is tried.
    pub ensemble: bool,
}

/// A closed range of whole numbers.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Range<T> {
    /// The smallest value allowed.
    pub min: T,
    /// The largest value allowed.
    pub max: T,
}

/// A range of seconds: more than `above`, at most `max`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SecondsRange {
    /// Values must be larger than this.
    pub above: f64,
    /// The largest value allowed.
    pub max: f64,
}

/// The limits the core enforces.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// The largest data file read, in bytes.
    pub file_bytes: usize,
    /// The most columns a file may have.
    pub columns: usize,
    /// The largest field of a text file, in bytes.
    pub field_bytes: usize,
    /// The largest model file read, in bytes.
    pub model_bytes: usize,
    /// The most classes a target may have.
    pub classes: usize,
    /// Cross-validation folds.
    pub folds: Range<usize>,
    /// A run's or a forecast's time budget.
    pub time_budget_s: SecondsRange,
    /// The seed the page can pass.
    pub seed: Range<u64>,
    /// Steps a forecast looks ahead.
    pub horizon: Range<usize>,
    /// A trial budget (the most a `usize` of this build holds, within what JavaScript holds
    /// exactly).
    pub max_trials: Range<u64>,
    /// The overfitting rule (`search::overfitting`): the gap between the training and the
    /// cross-validated score above which a metric on a 0–1 scale flags a trial.
    pub overfit_gap: f64,
    /// The overfitting rule for error metrics: a training error below this share of the
    /// cross-validated error flags a trial.
    pub overfit_ratio: f64,
    /// The most training rows a trial is scored on (its training score).
    pub train_score_rows: usize,
}

/// A column kind.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KindInfo {
    /// Machine name ("numeric", ...), as in `Inspection` and `columnTypes`.
    pub name: &'static str,
    /// A short name for people ("number", ...).
    pub label: &'static str,
    /// What such columns hold.
    pub description: &'static str,
    /// Whether models use such columns.
    pub used: bool,
}

/// A tabular task.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskInfo {
    /// Machine name.
    pub name: &'static str,
    /// Name for people.
    pub label: &'static str,
    /// What it predicts.
    pub description: &'static str,
    /// The metric that ranks models by default.
    pub default_metric: Metric,
    /// The metrics that can rank its models.
    pub metrics: Vec<Metric>,
}

/// A metric.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricInfo {
    /// Machine name, as in settings and leaderboard rows.
    pub name: Metric,
    /// Name for people.
    pub label: &'static str,
    /// What it measures.
    pub description: &'static str,
    /// Whether a larger value is better (a leaderboard's `mean` is the value people read).
    pub higher_is_better: bool,
    /// The task it scores.
    pub task: Task,
}

/// A model family.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FamilyInfo {
    /// Machine name, as in leaderboard rows' `family`.
    pub name: &'static str,
    /// Name for people.
    pub label: &'static str,
    /// The tasks it learns.
    pub tasks: Vec<Task>,
}

/// The catalogue.
pub fn describe() -> Catalogue {
    let forecast = ForecastSettings::default();
    let task_of = |m: Metric| {
        if m.for_classification() {
            Task::Classification
        } else {
            Task::Regression
        }
    };
    Catalogue {
        version: crate::VERSION,
        defaults: Defaults {
            search: SearchSettings::default(),
            forecast: ForecastDefaults {
                horizon: forecast.horizon,
                time_budget_s: forecast.time_budget_s,
                max_trials: forecast.max_trials,
                seed: forecast.seed,
                origins: forecast.origins,
                ensemble: forecast.ensemble,
            },
        },
        limits: Limits {
            file_bytes: MAX_FILE_BYTES,
            columns: MAX_COLUMNS,
            field_bytes: MAX_FIELD_BYTES,
            model_bytes: MAX_MODEL_BYTES,
            classes: MAX_CLASSES,
            folds: Range {
                min: MIN_FOLDS,
                max: MAX_FOLDS,
            },
            time_budget_s: SecondsRange {
                above: 0.0,
                max: MAX_TIME_BUDGET_S,
            },
            seed: Range {
                min: 0,
                max: MAX_PAGE_SEED,
            },
            horizon: Range {
                min: 1,
                max: MAX_HORIZON,
            },
            max_trials: Range {
                min: 1,
                max: MAX_PAGE_SEED.min(usize::MAX as u64),
            },
            overfit_gap: OVERFIT_GAP,
            overfit_ratio: OVERFIT_RATIO,
            train_score_rows: TRAIN_SCORE_ROWS,
        },
        kinds: ColumnKind::ALL
            .into_iter()
            .map(|k| KindInfo {
                name: k.name(),
                label: k.label(),
                description: k.description(),
                used: k.is_used(),
            })
            .collect(),
        tasks: Task::ALL
            .into_iter()
            .map(|t| TaskInfo {
                name: t.name(),
                label: t.name(),
                description: t.description(),
                default_metric: t.default_metric(),
                metrics: Metric::ALL
                    .into_iter()
                    .filter(|&m| task_of(m) == t)
                    .collect(),
            })
            .collect(),
        metrics: Metric::ALL
            .into_iter()
            .map(|m| MetricInfo {
                name: m,
                label: m.label(),
                description: m.description(),
                higher_is_better: m.higher_is_better(),
                task: task_of(m),
            })
            .collect(),
        families: Family::all()
            .map(|f| FamilyInfo {
                name: f.name(),
                label: f.label(),
                tasks: Task::ALL
                    .into_iter()
                    .filter(|&t| f.supports(t == Task::Classification))
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn the_catalogue_says_what_the_core_decides() {
        let c = serde_json::to_value(describe()).unwrap();
        let d = &c["defaults"]["search"];
        assert_eq!(
            (
                d["timeBudgetS"].clone(),
                d["seed"].clone(),
                d["folds"].clone()
            ),
            (json!(10.0), json!(42), json!(5))
        );
        assert_eq!(d["ensemble"], json!(true));
        let f = &c["defaults"]["forecast"];
        assert_eq!(
            (
                f["timeBudgetS"].clone(),
                f["seed"].clone(),
                f["horizon"].clone()
            ),
            (json!(10.0), json!(42), Value::Null)
        );
        let l = &c["limits"];
        assert_eq!(l["fileBytes"], json!(100 * 1024 * 1024));
        assert_eq!(l["columns"], json!(16_384));
        assert_eq!(l["folds"], json!({ "min": 2, "max": 10 }));
        assert_eq!(l["timeBudgetS"], json!({ "above": 0.0, "max": 86_400.0 }));
        assert_eq!(l["horizon"], json!({ "min": 1, "max": 100_000 }));
        assert_eq!(l["seed"]["max"], json!(9_007_199_254_740_991u64));
        assert_eq!(l["classes"], json!(200));
        let kinds: Vec<(&str, bool)> = c["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| (k["name"].as_str().unwrap(), k["used"].as_bool().unwrap()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("numeric", true),
                ("boolean", true),
                ("categorical", true),
                ("datetime", true),
                ("text", false),
                ("identifier", false),
                ("constant", false)
            ]
        );
        assert_eq!(c["kinds"][0]["label"], json!("number"));
        let tasks = c["tasks"].as_array().unwrap();
        assert_eq!(tasks[0]["defaultMetric"], json!("balanced_accuracy"));
        assert_eq!(tasks[1]["defaultMetric"], json!("r2"));
        assert_eq!(tasks[1]["metrics"], json!(["r2", "rmse", "mae"]));
        let rmse = c["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == "rmse")
            .unwrap();
        assert_eq!(rmse["higherIsBetter"], json!(false));
        assert_eq!(rmse["label"], json!("RMSE"));
        assert_eq!(rmse["task"], json!("regression"));
        let r2 = c["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == "r2")
            .unwrap();
        assert_eq!(
            (r2["higherIsBetter"].clone(), r2["label"].clone()),
            (json!(true), json!("R²"))
        );
        let families = c["families"].as_array().unwrap();
        assert_eq!(families.len(), Family::all().count());
        let ridge = families.iter().find(|f| f["name"] == "ridge").unwrap();
        assert_eq!(ridge["tasks"], json!(["regression"]));
        assert_eq!(c["version"], json!(crate::VERSION));
    }
}
