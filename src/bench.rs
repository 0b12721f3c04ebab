//! The benchmark runner behind `automl bench`: for each outer fold of a dataset of the shared
//! benchmark collection, the search runs on the fold's training rows only (with the page's
//! default settings and the given time budget), the refitted winner predicts the test rows,
//! and the metrics of the collection's README are computed on them, in the shape of its result
//! files so one script can read ours and the reference tools' side by side.
//!
//! The metrics follow scikit-learn's definitions: balanced accuracy is the mean recall over
//! the classes present in the truth; macro F1 averages over the classes in the truth or the
//! predictions; log loss clips probabilities to [1e-15, 1 − 1e-15]; ROC AUC is that of the
//! second class (binary) or the one-vs-rest mean over the classes in the truth (multiclass).
//! A test label the training rows never showed is a class the model gives probability 0:
//! always wrong, and counted in every metric.
//!
//! The browser benchmark (`scripts/bench-browser.mjs`) runs the same protocol through the page's
//! worker pool: [`fold_tables`] cuts the folds (the wasm helper `BenchFolds` hands them to the
//! page as table images), and [`page_fold_metrics`] scores the page's predictions with
//! [`fold_metrics`], the function that scores a native fold.
//!
//! This module does no file input or output (it also builds for wasm32): the caller reads the
//! index, the split files and the CSVs, and writes the reports.

use crate::clock::Clock;
use crate::data::{Table, TextColumn};
use crate::error::{AutoMlError, Result};
use crate::matrix::Matrix;
use crate::message;
use crate::messages::Message;
use crate::metrics::{accuracy, balanced_accuracy, binary_auc, f1_macro, log_loss, mean_std, r2};
use crate::models::Prediction;
use crate::search::{run_search, Control, LeaderboardRow, Progress, SearchOutcome, SearchSettings};
use crate::target::{prepare_target, Target};
use crate::Task;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

mod diagnose;
pub use diagnose::{diagnose_fold, Candidate, FoldDiagnosis};

/// One dataset of the collection's `index.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchDataset {
    /// Its name (also the name of its split file and result files).
    pub name: String,
    /// The CSV file's name, in the datasets folder.
    pub file: String,
    /// `binary`, `multiclass`, `regression` or `timeseries`.
    pub task: String,
    /// The column to predict.
    pub target: String,
}

impl BenchDataset {
    /// The search task for a tabular dataset; `None` for time series (and unknown tasks).
    pub fn search_task(&self) -> Option<Task> {
        match self.task.as_str() {
            "binary" | "multiclass" => Some(Task::Classification),
            "regression" => Some(Task::Regression),
            _ => None,
        }
    }
}

/// One outer fold: 0-based CSV row positions (header excluded).
#[derive(Debug, Clone, PartialEq)]
pub struct OuterFold {
    /// Rows to search and fit on.
    pub train: Vec<usize>,
    /// Rows to score.
    pub test: Vec<usize>,
}

fn bad_file(what: &str, reason: Message) -> AutoMlError {
    AutoMlError::BadSetting {
        name: what.into(),
        reason,
    }
}

/// Reads the collection's `index.json` text.
pub fn parse_index(text: &str) -> Result<Vec<BenchDataset>> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        bad_file(
            "benchmark index",
            message!("bench.invalid_json", detail = e.to_string()),
        )
    })?;
    let list = v.get("datasets").and_then(Value::as_array).ok_or_else(|| {
        bad_file(
            "benchmark index",
            message!("bench.no_list", list = "datasets"),
        )
    })?;
    list.iter()
        .enumerate()
        .map(|(i, d)| {
            let field = |name: &str| {
                d.get(name)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| {
                        bad_file(
                            "benchmark index",
                            message!("bench.no_text_field", dataset = i + 1, field = name),
                        )
                    })
            };
            let name = field("name")?;
            Ok(BenchDataset {
                file: field("file").unwrap_or_else(|_| format!("{name}.csv")),
                task: field("task")?,
                target: field("target")?,
                name,
            })
        })
        .collect()
}

/// Reads a split file (`folds[i].train` / `folds[i].test`); every row must be below `n_rows`.
pub fn parse_splits(text: &str, n_rows: usize) -> Result<Vec<OuterFold>> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        bad_file(
            "split file",
            message!("bench.invalid_json", detail = e.to_string()),
        )
    })?;
    let folds = v
        .get("folds")
        .and_then(Value::as_array)
        .ok_or_else(|| bad_file("split file", message!("bench.no_list", list = "folds")))?;
    let rows = |f: &Value, part: &str, i: usize| -> Result<Vec<usize>> {
        let list = f.get(part).and_then(Value::as_array).ok_or_else(|| {
            bad_file(
                "split file",
                message!("bench.fold_no_list", fold = i, list = part),
            )
        })?;
        list.iter()
            .map(|r| match r.as_u64() {
                Some(r) if (r as usize) < n_rows => Ok(r as usize),
                _ => Err(bad_file(
                    "split file",
                    message!(
                        "bench.fold_bad_row",
                        fold = i,
                        part,
                        value = r.to_string(),
                        rows = n_rows
                    ),
                )),
            })
            .collect()
    };
    folds
        .iter()
        .enumerate()
        .map(|(i, f)| {
            Ok(OuterFold {
                train: rows(f, "train", i)?,
                test: rows(f, "test", i)?,
            })
        })
        .collect()
}

/// The rows `rows` of `table`, in that order.
pub fn subset(table: &Table, rows: &[usize]) -> Table {
    Table {
        file: table.file.clone(),
        names: table.names.clone(),
        columns: table
            .columns
            .iter()
            .map(|c| rows.iter().map(|&r| c.get(r)).collect::<TextColumn>())
            .collect(),
        notes: Vec::new(),
        sheets: Vec::new(),
        sheet: None,
        encoding: table.encoding,
    }
}

/// Classification metrics of the collection on test rows: `labels` are the test rows' true
/// labels, `classes` the model's classes and `proba` its probabilities (`rows × classes`,
/// row-major). Labels the model does not know become extra classes of probability 0.
/// `multiclass` names the AUC `roc_auc_ovr_macro` (one-vs-rest mean), else `roc_auc`.
pub fn classification_metrics(
    labels: &[String],
    classes: &[String],
    proba: &[f64],
    multiclass: bool,
) -> BTreeMap<String, f64> {
    let mut all: Vec<String> = classes.to_vec();
    for l in labels {
        if !all.contains(l) {
            all.push(l.clone());
        }
    }
    let k0 = classes.len().max(1);
    let k = all.len();
    let truth: Vec<u32> = labels
        .iter()
        .map(|l| all.iter().position(|c| c == l).unwrap_or(0) as u32)
        .collect();
    let mut p = vec![0.0; labels.len() * k];
    for r in 0..labels.len() {
        for c in 0..classes.len() {
            p[r * k + c] = proba.get(r * k0 + c).copied().unwrap_or(0.0);
        }
    }
    let pred: Vec<u32> = crate::math::argmax_rows(&p, k);
    let class_auc = |c: usize| {
        let positive: Vec<bool> = truth.iter().map(|&t| t as usize == c).collect();
        let scores: Vec<f64> = p.chunks_exact(k).map(|row| row[c]).collect();
        binary_auc(&positive, &scores)
    };
    let mut m = BTreeMap::new();
    m.insert("accuracy".into(), accuracy(&truth, &pred));
    m.insert(
        "balanced_accuracy".into(),
        balanced_accuracy(&truth, &pred, k),
    );
    m.insert("f1_macro".into(), f1_macro(&truth, &pred, k));
    m.insert("log_loss".into(), log_loss(&truth, &p, k));
    if multiclass {
        let aucs: Vec<f64> = (0..k).map(class_auc).filter(|a| a.is_finite()).collect();
        m.insert(
            "roc_auc_ovr_macro".into(),
            aucs.iter().sum::<f64>() / aucs.len().max(1) as f64,
        );
    } else {
        // the score of the second class, as scikit-learn orders them; the AUC of the first
        // class's probability against it is the same number when probabilities sum to one
        let c = if k >= 2 { 1 } else { 0 };
        m.insert("roc_auc".into(), class_auc(c));
    }
    m
}

/// Regression metrics of the collection: R², RMSE and MAE.
pub fn regression_metrics(truth: &[f64], pred: &[f64]) -> BTreeMap<String, f64> {
    let n = truth.len().max(1) as f64;
    let mse = truth
        .iter()
        .zip(pred)
        .map(|(a, b)| (a - b).powi(2))
        .sum::<f64>()
        / n;
    let mae = truth
        .iter()
        .zip(pred)
        .map(|(a, b)| (a - b).abs())
        .sum::<f64>()
        / n;
    BTreeMap::from([
        ("r2".to_string(), r2(truth, pred)),
        ("rmse".to_string(), mse.sqrt()),
        ("mae".to_string(), mae),
    ])
}

/// One fold's result, as in the collection's result files.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FoldReport {
    /// Fold number from 0.
    pub fold: usize,
    /// Training rows given to the search.
    pub n_train: usize,
    /// Test rows scored.
    pub n_test: usize,
    /// Seconds for the search with its refit, plus predicting the test rows.
    pub wall_time_s: f64,
    /// The winner's leaderboard label.
    pub best_model: String,
    /// The winner's family, or for an ensemble its members' families, in member order
    /// (how often a network wins or joins the winning ensemble: issue 15's measurement).
    #[serde(default)]
    pub winner_families: Vec<String>,
    /// Trials the search finished.
    pub trials: usize,
    /// Metrics on the test rows.
    pub metrics: BTreeMap<String, f64>,
}

/// A dataset's result file: per-metric mean, population standard deviation and count over the
/// folds, and the folds themselves.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetReport {
    /// The dataset's name.
    pub dataset: String,
    /// Its task as the index names it.
    pub task: String,
    /// The tool and its budget, e.g. "automl-wasm native 10s".
    pub tool: String,
    /// The time budget of each fold's search.
    pub time_budget_s: f64,
    /// Per metric `{mean, std, n}`; `wall_time_s` has `{mean, max}`.
    pub summary: BTreeMap<String, BTreeMap<String, f64>>,
    /// Each fold.
    pub folds: Vec<FoldReport>,
}

/// The tool name written into result files: "native" (`automl bench`) or "browser"
/// (`scripts/bench-browser.mjs`, the page's worker pool in Chromium) and the budget.
pub fn tool_name(runner: &str, budget_s: f64) -> String {
    format!("automl-wasm {runner} {budget_s}s")
}

/// Training rows with the classes that occur on a single training row left out (a search
/// cannot cross-validate them; their test rows then count as wrong), and how many were left.
fn usable_train_rows(table: &Table, target: usize, train: &[usize], task: Task) -> Vec<usize> {
    if task != Task::Classification {
        return train.to_vec();
    }
    let cells = &table.columns[target];
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for &r in train {
        *counts.entry(cells.get(r)).or_default() += 1;
    }
    train
        .iter()
        .copied()
        .filter(|&r| counts[cells.get(r)] >= 2)
        .collect()
}

/// The tables of one outer fold: the training rows the search sees (classes that occur on a
/// single training row left out, see [`usable_train_rows`]) and the test rows, in the order of
/// the split file. The browser benchmark hands them to the page as table images.
pub fn fold_tables(
    table: &Table,
    dataset: &BenchDataset,
    fold: &OuterFold,
) -> Result<(Table, Table)> {
    let task = dataset.search_task().ok_or_else(|| {
        bad_file(
            "benchmark task",
            message!("bench.not_tabular", task = dataset.task),
        )
    })?;
    let target = table.column_index(&dataset.target)?;
    let train_rows = usable_train_rows(table, target, &fold.train, task);
    Ok((subset(table, &train_rows), subset(table, &fold.test)))
}

/// The collection's metrics of a model's predictions for the rows of `test` (a fold's test
/// table): `classes` are the model's classes, `prediction` its predictions and `proba` its
/// probabilities (`rows × classes`) when it gives them. Classification scores the rows with a
/// label, regression the rows with a number (as the target was read for training).
pub fn fold_metrics(
    test: &Table,
    dataset: &BenchDataset,
    classes: &[String],
    prediction: &Prediction,
    proba: Option<&Matrix>,
) -> Result<BTreeMap<String, f64>> {
    let target = test.column_index(&dataset.target)?;
    let cells = &test.columns[target];
    Ok(match dataset.search_task() {
        Some(Task::Classification) => {
            let scored: Vec<usize> = (0..test.n_rows())
                .filter(|&r| !crate::data::cells::is_missing(cells.get(r)))
                .collect();
            let labels: Vec<String> = scored.iter().map(|&r| cells.get(r).to_string()).collect();
            let k = classes.len();
            let mut p = Vec::with_capacity(scored.len() * k);
            for &r in &scored {
                match (proba, prediction) {
                    (Some(m), _) => p.extend_from_slice(m.row(r)),
                    (None, Prediction::Classes(c)) => {
                        p.extend((0..k).map(|j| if c[r] as usize == j { 1.0 } else { 0.0 }))
                    }
                    (None, Prediction::Values(_)) => p.extend(std::iter::repeat_n(0.0, k)),
                }
            }
            classification_metrics(&labels, classes, &p, dataset.task == "multiclass")
        }
        Some(Task::Regression) => {
            // the truth of the test rows (rows without a target are not scored)
            let (rows, values) = match prepare_target(test, target, Task::Regression).ok() {
                Some(t) => match t.target {
                    Target::Values(v) => (t.rows, v),
                    Target::Classes { .. } => (Vec::new(), Vec::new()),
                },
                None => (Vec::new(), Vec::new()),
            };
            let pred: Vec<f64> = match prediction {
                Prediction::Values(v) => rows.iter().map(|&r| v[r]).collect(),
                Prediction::Classes(_) => vec![f64::NAN; rows.len()],
            };
            regression_metrics(&values, &pred)
        }
        None => {
            return Err(bad_file(
                "benchmark task",
                message!("bench.not_tabular", task = dataset.task),
            ))
        }
    })
}

/// The collection's metrics of the page's predictions of a fold's test table: `predictions`
/// is the page's reply to "predict" (`classes`, and per row its `prediction`, a class label or
/// a number, null for a value JSON cannot hold, and in class order its `probabilities`), read
/// into the model's predictions and scored by [`fold_metrics`], exactly as a native fold is.
pub fn page_fold_metrics(
    test: &Table,
    dataset: &BenchDataset,
    predictions: &Value,
) -> Result<BTreeMap<String, f64>> {
    let bad = |what: &str| bad_file("page predictions", message!("bench.no_list", list = what));
    let classes: Vec<String> = predictions
        .get("classes")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("classes"))?
        .iter()
        .map(|c| c.as_str().unwrap_or_default().to_string())
        .collect();
    let rows = predictions
        .get("rows")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("rows"))?;
    if rows.len() != test.n_rows() {
        return Err(bad_file(
            "page predictions",
            message!("bench.page_rows", got = rows.len(), rows = test.n_rows()),
        ));
    }
    let value = |row: &Value| row.get("prediction").cloned().unwrap_or(Value::Null);
    let prediction = if dataset.search_task() == Some(Task::Classification) {
        Prediction::Classes(
            rows.iter()
                .map(|row| {
                    let label = value(row);
                    let label = label.as_str().unwrap_or_default();
                    classes.iter().position(|c| c == label).unwrap_or(0) as u32
                })
                .collect(),
        )
    } else {
        Prediction::Values(
            rows.iter()
                .map(|row| value(row).as_f64().unwrap_or(f64::NAN))
                .collect(),
        )
    };
    let k = classes.len();
    let proba: Option<Vec<f64>> = rows
        .iter()
        .map(|row| {
            let p = row.get("probabilities")?.as_array()?;
            (p.len() == k).then(|| p.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)))
        })
        .try_fold(Vec::with_capacity(rows.len() * k), |mut acc, p| {
            acc.extend(p?);
            Some(acc)
        })
        .filter(|_| k > 0);
    let proba = proba.map(|data| Matrix {
        rows: rows.len(),
        cols: k,
        data,
    });
    fold_metrics(test, dataset, &classes, &prediction, proba.as_ref())
}

/// Runs one outer fold: the search on the training rows, predictions for the test rows, their
/// metrics. `settings` must name the target and task.
pub fn run_fold(
    table: &Table,
    dataset: &BenchDataset,
    fold_no: usize,
    fold: &OuterFold,
    settings: &SearchSettings,
    clock: &dyn Clock,
) -> Result<FoldReport> {
    search_fold(table, dataset, fold_no, fold, settings, clock).map(|f| f.report)
}

/// One outer fold's search: its report, the search's outcome and the fold's tables.
struct SearchedFold {
    report: FoldReport,
    outcome: SearchOutcome,
    train: Table,
    test: Table,
}

fn search_fold(
    table: &Table,
    dataset: &BenchDataset,
    fold_no: usize,
    fold: &OuterFold,
    settings: &SearchSettings,
    clock: &dyn Clock,
) -> Result<SearchedFold> {
    let (train, test) = fold_tables(table, dataset, fold)?;
    let start = clock.now_s();
    let mut observer = |_: &Progress| Control::Continue;
    let outcome = run_search(&train, settings, clock, &mut observer)?;
    let (prediction, proba, _) = outcome.model.predict_table(&test)?;
    let wall_time_s = clock.now_s() - start;
    let metrics = fold_metrics(
        &test,
        dataset,
        &outcome.result.classes,
        &prediction,
        proba.as_ref(),
    )?;
    let report = FoldReport {
        fold: fold_no,
        n_train: fold.train.len(),
        n_test: fold.test.len(),
        wall_time_s,
        best_model: outcome.result.best.row.label.clone(),
        winner_families: winner_families(&outcome.result.best.row, &outcome.result.leaderboard),
        trials: outcome.result.leaderboard.len(),
        metrics,
    };
    Ok(SearchedFold {
        report,
        outcome,
        train,
        test,
    })
}

/// The family of `winner`, or of each member when it is the ensemble (members named by their
/// trial numbers in `leaderboard`).
fn winner_families(winner: &LeaderboardRow, leaderboard: &[LeaderboardRow]) -> Vec<String> {
    if winner.family != "ensemble" {
        return vec![winner.family.clone()];
    }
    let members = winner.params.get("members").and_then(|m| m.as_array());
    members
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("trial").and_then(|t| t.as_u64()))
        .filter_map(|t| leaderboard.iter().find(|r| r.trial as u64 == t))
        .map(|r| r.family.clone())
        .collect()
}

/// The page's default settings for a fold of `dataset` with `budget_s` seconds and `seed`.
pub fn fold_settings(dataset: &BenchDataset, budget_s: f64, seed: u64) -> SearchSettings {
    SearchSettings {
        target: Some(dataset.target.clone()),
        task: dataset.search_task(),
        time_budget_s: Some(budget_s),
        seed,
        ..SearchSettings::default()
    }
}

/// Summarizes folds into a result file of `runner` ("native" or "browser").
pub fn summarize(
    dataset: &BenchDataset,
    budget_s: f64,
    runner: &str,
    folds: Vec<FoldReport>,
) -> DatasetReport {
    let mut summary: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    let names: Vec<String> = folds
        .first()
        .map(|f| f.metrics.keys().cloned().collect())
        .unwrap_or_default();
    for name in names {
        let values: Vec<f64> = folds
            .iter()
            .filter_map(|f| f.metrics.get(&name).copied())
            .collect();
        let (mean, std) = mean_std(&values);
        summary.insert(
            name,
            BTreeMap::from([
                ("mean".to_string(), mean),
                ("std".to_string(), std),
                ("n".to_string(), values.len() as f64),
            ]),
        );
    }
    let times: Vec<f64> = folds.iter().map(|f| f.wall_time_s).collect();
    let (mean, _) = mean_std(&times);
    summary.insert(
        "wall_time_s".into(),
        BTreeMap::from([
            ("mean".to_string(), mean),
            ("max".to_string(), times.iter().copied().fold(0.0, f64::max)),
        ]),
    );
    DatasetReport {
        dataset: dataset.name.clone(),
        task: dataset.task.clone(),
        tool: tool_name(runner, budget_s),
        time_budget_s: budget_s,
        summary,
        folds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SystemClock;
    use crate::read_csv;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn binary_metrics_match_scikit_learn() {
        // sklearn: y = [a, a, b, b], p(b) = [0.1, 0.6, 0.4, 0.9]; predictions a, b, a, b
        let proba = [0.9, 0.1, 0.4, 0.6, 0.6, 0.4, 0.1, 0.9];
        let m = classification_metrics(&s(&["a", "a", "b", "b"]), &s(&["a", "b"]), &proba, false);
        assert_eq!(m["accuracy"], 0.5);
        assert_eq!(m["balanced_accuracy"], 0.5);
        assert_eq!(m["f1_macro"], 0.5);
        // roc_auc_score([0,0,1,1], [0.1,0.6,0.4,0.9]) = 0.75
        assert_eq!(m["roc_auc"], 0.75);
        // log_loss = -(ln .9 + ln .4 + ln .4 + ln .9) / 4
        let ll = -(0.9f64.ln() * 2.0 + 0.4f64.ln() * 2.0) / 4.0;
        assert!(close(m["log_loss"], ll), "{}", m["log_loss"]);
        assert!(!m.contains_key("roc_auc_ovr_macro"));
    }

    #[test]
    fn unseen_test_labels_count_as_wrong() {
        // the model knows a and b; the test has a c, predicted as b with probability 0 for c
        let proba = [1.0, 0.0, 0.2, 0.8, 0.3, 0.7];
        let m = classification_metrics(&s(&["a", "b", "c"]), &s(&["a", "b"]), &proba, true);
        assert!(close(m["accuracy"], 2.0 / 3.0));
        // recalls a = 1, b = 1, c = 0
        assert!(close(m["balanced_accuracy"], 2.0 / 3.0));
        // F1: a = 1, b = 2·1/(1+2) = 2/3, c = 0
        assert!(close(m["f1_macro"], (1.0 + 2.0 / 3.0) / 3.0));
        // log loss: -(ln 1 + ln 0.8 + ln 1e-15) / 3
        let ll = -(0.8f64.ln() + 1e-15f64.ln()) / 3.0;
        assert!(close(m["log_loss"], ll), "{}", m["log_loss"]);
        // AUC per class: a = 1 (1.0 vs 0.2, 0.3); b: positive 0.8 vs 0, 0.7 → 1;
        // c: all scores 0, a tie → 0.5
        assert!(close(m["roc_auc_ovr_macro"], (1.0 + 1.0 + 0.5) / 3.0));
    }

    #[test]
    fn regression_metrics_are_exact() {
        let m = regression_metrics(&[1.0, 2.0, 3.0, 4.0], &[2.0, 2.0, 3.0, 2.0]);
        // ss_res = 1 + 0 + 0 + 4 = 5, ss_tot = 5 → r2 = 0
        assert_eq!(m["r2"], 0.0);
        assert!(close(m["rmse"], (5.0f64 / 4.0).sqrt()));
        assert_eq!(m["mae"], 0.75);
    }

    #[test]
    fn index_and_splits_are_read_and_checked() {
        let idx = r#"{"datasets": [{"name": "t", "file": "t.csv", "task": "binary", "target": "y"},
                      {"name": "s", "task": "timeseries", "target": "v"}]}"#;
        let d = parse_index(idx).unwrap();
        assert_eq!(d[0].search_task(), Some(Task::Classification));
        assert_eq!(d[1].file, "s.csv");
        assert_eq!(d[1].search_task(), None);
        let folds = parse_splits(r#"{"folds": [{"train": [0, 2], "test": [1]}]}"#, 3).unwrap();
        assert_eq!(folds[0].train, vec![0, 2]);
        let e = parse_splits(r#"{"folds": [{"train": [0, 3], "test": [1]}]}"#, 3).unwrap_err();
        assert!(e.to_string().contains("holds 3"), "{e}");
    }

    #[test]
    fn a_fold_runs_on_its_training_rows_and_scores_its_test_rows() {
        // x decides y exactly; a class "z" appears only in the test rows
        let mut text = String::from("x,y\n");
        for i in 0..40 {
            // a shuffled, fractional x (a plain run of row numbers would read as an identifier)
            let x = ((i * 13) % 40) as f64 / 4.0 + 0.1;
            text.push_str(&format!("{x},{}\n", if x < 5.0 { "a" } else { "b" }));
        }
        text.push_str("3.3,z\n");
        let table = read_csv(text.as_bytes(), "t.csv").unwrap();
        let ds = BenchDataset {
            name: "t".into(),
            file: "t.csv".into(),
            task: "multiclass".into(),
            target: "y".into(),
        };
        let test = vec![0, 10, 30, 39, 40];
        let train: Vec<usize> = (0..40).filter(|r| !test.contains(r)).collect();
        let fold = OuterFold { train, test };
        let mut settings = fold_settings(&ds, 1.0, 7);
        settings.time_budget_s = None;
        settings.max_trials = Some(4);
        let r = run_fold(&table, &ds, 0, &fold, &settings, &SystemClock::new()).unwrap();
        assert_eq!((r.n_train, r.n_test), (36, 5));
        // the 4 known rows are right, "z" is wrong
        assert!(close(r.metrics["accuracy"], 0.8), "{:?}", r.metrics);
        assert!(close(r.metrics["balanced_accuracy"], 2.0 / 3.0));
        let rep = summarize(&ds, 1.0, "native", vec![r.clone(), r]);
        assert_eq!(rep.summary["accuracy"]["n"], 2.0);
        assert_eq!(rep.summary["accuracy"]["std"], 0.0);
        assert_eq!(rep.tool, "automl-wasm native 1s");
    }

    /// The browser benchmark's path: the model file the page gets, read back, predicts the test
    /// table; its reply, as JSON, scores exactly what the native fold scores.
    fn page_path_matches_native(text: &str, task: &str, test: Vec<usize>) {
        let table = read_csv(text.as_bytes(), "t.csv").unwrap();
        let ds = BenchDataset {
            name: "t".into(),
            file: "t.csv".into(),
            task: task.into(),
            target: "y".into(),
        };
        let train: Vec<usize> = (0..table.n_rows()).filter(|r| !test.contains(r)).collect();
        let fold = OuterFold { train, test };
        let mut settings = fold_settings(&ds, 1.0, 7);
        settings.time_budget_s = None;
        settings.max_trials = Some(6);
        let (train, test) = fold_tables(&table, &ds, &fold).unwrap();
        let clock = SystemClock::new();
        let outcome = run_search(&train, &settings, &clock, &mut |_: &Progress| {
            Control::Continue
        })
        .unwrap();
        let (prediction, proba, _) = outcome.model.predict_table(&test).unwrap();
        let native = fold_metrics(
            &test,
            &ds,
            &outcome.result.classes,
            &prediction,
            proba.as_ref(),
        )
        .unwrap();
        let run = crate::results::finish_run(
            &train,
            &settings,
            outcome,
            &clock,
            &mut |_: &Progress| Control::Continue,
            false,
        )
        .unwrap();
        let model = crate::results::model_file::load(&run.model_bytes, "model").unwrap();
        let reply = serde_json::to_string(&model.predict_table(&test).unwrap()).unwrap();
        let page = page_fold_metrics(&test, &ds, &serde_json::from_str(&reply).unwrap()).unwrap();
        assert_eq!(page, native);
        // a reply for other rows is refused, not scored
        let short = serde_json::json!({"classes": [], "rows": []});
        assert!(page_fold_metrics(&test, &ds, &short).is_err());
    }

    #[test]
    fn the_pages_predictions_score_as_the_native_fold() {
        let mut text = String::from("x,z,y\n");
        for i in 0..60 {
            let x = ((i * 17) % 60) as f64 / 6.0 + 0.05;
            let z = ["p", "q", "r"][i % 3];
            let y = if x < 3.0 {
                "a"
            } else if x < 7.0 {
                "b"
            } else {
                "c"
            };
            // one label in ten flipped, so probabilities are not all 0 or 1
            let y = if i % 10 == 3 { "b" } else { y };
            text.push_str(&format!("{x},{z},{y}\n"));
        }
        page_path_matches_native(
            &text,
            "multiclass",
            (0..60).filter(|r| r % 4 == 1).collect(),
        );
        let mut text = String::from("x,z,y\n");
        for i in 0..60 {
            let x = ((i * 23) % 60) as f64 / 5.0;
            let z = ["p", "q"][i % 2];
            let noise = ((i * 7) % 11) as f64 / 10.0;
            let y = 2.0 * x + if z == "p" { 1.0 } else { -1.0 } + noise;
            text.push_str(&format!("{x},{z},{y}\n"));
        }
        page_path_matches_native(
            &text,
            "regression",
            (0..60).filter(|r| r % 5 == 2).collect(),
        );
    }
}
