//! Diagnostics of the final choice (issue 17, item 4: small and weak-signal tables), behind
//! `automl bench --diagnose DIR`: for one outer fold of a classification data set, the search
//! runs as in [`super::run_fold`]; then its best candidates (the 12 best rows), the best row of
//! each family and the portfolio's default random forest are each finished as a chosen trial
//! ([`finish_chosen`]: evaluated again on every validation split, refitted on the fold's
//! training rows), and their out-of-fold probabilities and their probabilities on the test rows
//! are kept. Choice rules (the best row, one standard error, averaging near ties, the default
//! forest, the greedy ensemble) can then be compared offline on the same searches
//! (`bench/smalltables/rules.mjs`), with the inner scores each rule would see and the test
//! scores it would get. Never used by the page or the search.

use super::{search_fold, BenchDataset, FoldReport, OuterFold};
use crate::clock::Clock;
use crate::data::Table;
use crate::error::Result;
use crate::matrix::Matrix;
use crate::models::Prediction;
use crate::search::{finish_chosen, Control, Ending, LeaderboardRow, Progress, SearchSettings};
use serde::Serialize;

/// The rows kept from the top of the leaderboard.
pub const TOP_ROWS: usize = 12;

/// One candidate of the final choice.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// Its trial number.
    pub trial: usize,
    /// Its family's machine name.
    pub family: String,
    /// Its leaderboard label.
    pub label: String,
    /// Its hyperparameters.
    pub params: serde_json::Map<String, serde_json::Value>,
    /// Its cross-validated mean of the search's metric.
    pub mean: f64,
    /// The metric on each validation split.
    pub fold_scores: Vec<f64>,
    /// Whether it is the portfolio's default random forest (100 trees of full depth, leaves
    /// of one row, √inputs tried per split), the configuration of the `rf_default` anchor.
    pub default_forest: bool,
    /// Its out-of-fold probabilities, per validation split (`rows × classes`, row-major).
    pub oof: Vec<Vec<f64>>,
    /// Its probabilities on the test rows after the refit (`rows × classes`, row-major).
    pub test: Vec<f64>,
}

/// What one outer fold's search chose among, and what each choice gives on the test rows.
#[derive(Debug, Clone, Serialize)]
pub struct FoldDiagnosis {
    /// Fold number from 0.
    pub fold: usize,
    /// The search's metric.
    pub metric: String,
    /// The model's classes, in order.
    pub classes: Vec<String>,
    /// Rows the search saw.
    pub n_train: usize,
    /// How candidates were validated.
    pub validation: String,
    /// Trials finished.
    pub trials: usize,
    /// Class index of each validation row, per split.
    pub split_labels: Vec<Vec<i64>>,
    /// Class index of each test row: −1 for a label the training rows never had (always
    /// wrong), −2 for a missing label (not scored).
    pub test_labels: Vec<i64>,
    /// The search's winner: its label, trial, cross-validated mean and split scores.
    pub winner_label: String,
    /// The winner's trial.
    pub winner_trial: usize,
    /// The winner's cross-validated mean.
    pub winner_mean: f64,
    /// The winner's (an ensemble's) split scores.
    pub winner_fold_scores: Vec<f64>,
    /// The winner's probabilities on the test rows.
    pub winner_test: Vec<f64>,
    /// The candidates, best first.
    pub candidates: Vec<Candidate>,
}

/// Probabilities `rows × k` from a model's predictions: its probabilities, or one-hot rows of
/// its classes when it gives none.
fn probabilities(prediction: &Prediction, proba: Option<&Matrix>, k: usize) -> Vec<f64> {
    match (proba, prediction) {
        (Some(m), _) => m.data.clone(),
        (None, Prediction::Classes(c)) => c
            .iter()
            .flat_map(|&c| (0..k).map(move |j| if c as usize == j { 1.0 } else { 0.0 }))
            .collect(),
        (None, Prediction::Values(v)) => vec![0.0; v.len() * k],
    }
}

/// Whether `row` is the default random forest of the portfolio.
fn is_default_forest(row: &LeaderboardRow) -> bool {
    let p = &row.params;
    let int = |name: &str| p.get(name).and_then(serde_json::Value::as_i64);
    row.family == "random_forest"
        && row.sample_rows.is_none()
        && int("n_trees") == Some(100)
        && int("max_depth") == Some(0)
        && int("min_samples_leaf") == Some(1)
        && p.get("max_features").and_then(serde_json::Value::as_str) == Some("auto")
}

/// The rows to finish: the [`TOP_ROWS`] best single models, the best row of each family, and
/// the default forest; best first, each once.
fn candidate_rows(leaderboard: &[LeaderboardRow]) -> Vec<&LeaderboardRow> {
    let singles: Vec<&LeaderboardRow> = leaderboard
        .iter()
        .filter(|r| r.family != "ensemble" && r.mean.is_finite())
        .collect();
    let mut out = Vec::new();
    let mut families: Vec<&str> = Vec::new();
    let mut forest_seen = false;
    for (i, &r) in singles.iter().enumerate() {
        let family_best = !families.contains(&r.family.as_str());
        if family_best {
            families.push(r.family.as_str());
        }
        let forest = !forest_seen && is_default_forest(r);
        forest_seen |= forest;
        if i < TOP_ROWS || family_best || forest {
            out.push(r);
        }
    }
    out
}

/// Class index of each row of `rows` in `table`'s column `target`: −1 for a label not in
/// `classes`, −2 for a missing label.
fn label_indices(table: &Table, target: usize, rows: &[usize], classes: &[String]) -> Vec<i64> {
    let cells = &table.columns[target];
    rows.iter()
        .map(|&r| {
            let cell = cells.get(r);
            if crate::data::cells::is_missing(cell) {
                return -2;
            }
            classes
                .iter()
                .position(|c| c == cell)
                .map_or(-1, |i| i as i64)
        })
        .collect()
}

/// Runs one outer fold of a classification data set and finishes its candidates (see the
/// module's documentation): the fold's report, as [`super::run_fold`] gives it, and the
/// diagnosis.
pub fn diagnose_fold(
    table: &Table,
    dataset: &BenchDataset,
    fold_no: usize,
    fold: &OuterFold,
    settings: &SearchSettings,
    clock: &dyn Clock,
) -> Result<(FoldReport, FoldDiagnosis)> {
    let searched = search_fold(table, dataset, fold_no, fold, settings, clock)?;
    let result = &searched.outcome.result;
    let classes = result.classes.clone();
    let k = classes.len();
    let (prediction, proba, _) = searched.outcome.model.predict_table(&searched.test)?;
    let winner_test = probabilities(&prediction, proba.as_ref(), k);
    let test_target = searched.test.column_index(&dataset.target)?;
    let train_target = searched.train.column_index(&dataset.target)?;
    let all_test: Vec<usize> = (0..searched.test.n_rows()).collect();
    let test_labels = label_indices(&searched.test, test_target, &all_test, &classes);
    let mut observer = |_: &Progress| Control::Continue;
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut split_labels: Vec<Vec<i64>> = Vec::new();
    for row in candidate_rows(&result.leaderboard) {
        // a candidate that cannot be finished is left out of the comparison
        let Ok(chosen) = finish_chosen(
            &searched.train,
            settings,
            result.leaderboard.clone(),
            row.trial,
            Ending::Chosen,
            0.0,
            clock,
            &mut observer,
        ) else {
            continue;
        };
        if split_labels.is_empty() {
            split_labels = chosen
                .oof
                .splits
                .iter()
                .map(|s| label_indices(&searched.train, train_target, &s.rows, &classes))
                .collect();
        }
        let Ok((prediction, proba, _)) = chosen.model.predict_table(&searched.test) else {
            continue;
        };
        candidates.push(Candidate {
            trial: row.trial,
            family: row.family.clone(),
            label: row.label.clone(),
            params: row.params.clone(),
            mean: row.mean,
            fold_scores: row.fold_scores.clone(),
            default_forest: is_default_forest(row),
            oof: chosen
                .oof
                .splits
                .into_iter()
                .map(|s| s.predictions)
                .collect(),
            test: probabilities(&prediction, proba.as_ref(), k),
        });
    }
    let winner = &result.best.row;
    let diagnosis = FoldDiagnosis {
        fold: fold_no,
        metric: result.metric.name().to_string(),
        classes,
        n_train: result.n_rows,
        validation: result.validation.clone(),
        trials: result.leaderboard.len(),
        split_labels,
        test_labels,
        winner_label: winner.label.clone(),
        winner_trial: winner.trial,
        winner_mean: winner.mean,
        winner_fold_scores: winner.fold_scores.clone(),
        winner_test,
        candidates,
    };
    Ok((searched.report, diagnosis))
}
