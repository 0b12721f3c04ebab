//! "Why this model": what the winner beat and by how much, whether that is more than the
//! fold-to-fold spread, and the simplest model within that spread (which the page offers to
//! make the chosen model, [`crate::search::finish_chosen`]).
//!
//! The rule, on the leaderboard's per-split scores (every candidate is scored on the same
//! validation splits, so differences can be taken split by split):
//!
//! - The **winner** is the leaderboard's first row (the best cross-validated score); the
//!   **runner-up** is the best row of another family (for an ensemble winner, the best single
//!   model).
//! - The **difference** between the winner and a row is the mean over the splits of the
//!   winner's score minus the row's (signed so that positive means the winner is better, for
//!   metrics better lower too); its **spread** is the standard error of that mean: the
//!   sample standard deviation of the per-split differences divided by √(splits). The
//!   difference is **larger than the spread** when difference > spread (one standard error,
//!   the "one-standard-error rule" of Breiman et al. 1984 and glmnet). With repeated k-fold
//!   the splits overlap, so this spread is a rough guide, not a test.
//! - A row is **within the spread** of the winner when its difference is at most its spread.
//!   The **simplest** row within the spread is the first by family, in the order of
//!   [`SIMPLICITY`] (constant < linear models < naive Bayes < k-NN < SVM < a tree < forests <
//!   boosting; ensembles last), then by the family's cost units on the data (fewer or
//!   shallower trees, fewer neighbours kept: a smaller model), then by the better score.
//!   When that is the winner itself, no simpler model is offered.

use crate::message;
use crate::messages::Message;
use crate::metrics::Metric;
use crate::search::{family_message, LeaderboardRow, SearchResult};
use serde::Serialize;

/// Families from the simplest to the most complex; a family not listed comes after them.
pub const SIMPLICITY: &[&str] = &[
    "constant",
    "linear_regression",
    "ridge",
    "lasso",
    "elastic_net",
    "logistic_regression",
    "gaussian_nb",
    "categorical_nb",
    "knn",
    "svm",
    "decision_tree",
    "random_forest",
    "extra_trees",
    "gradient_boosting",
    "ensemble",
];

/// The paragraph and what it is computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Why {
    /// The winner's trial.
    pub winner: usize,
    /// The runner-up's trial (the best row of another family), if any.
    pub runner_up: Option<usize>,
    /// The winner's mean per-split advantage over the runner-up, in the metric's units.
    pub difference: Option<f64>,
    /// The standard error of that difference.
    pub spread: Option<f64>,
    /// Whether the difference is larger than the spread.
    pub clear: bool,
    /// The simplest row within the spread of the winner, when it is not the winner.
    pub simplest: Option<usize>,
    /// The paragraph, sentence by sentence.
    pub messages: Vec<Message>,
}

/// Where a family stands in [`SIMPLICITY`].
pub fn simplicity_rank(family: &str) -> usize {
    SIMPLICITY
        .iter()
        .position(|f| *f == family)
        .unwrap_or(SIMPLICITY.len())
}

/// The mean of the winner's per-split advantage over `row` and its standard error; `None` when
/// the rows were not scored on the same splits or have fewer than two finite ones.
pub fn paired_difference(winner: &LeaderboardRow, row: &LeaderboardRow) -> Option<(f64, f64)> {
    if winner.fold_scores.len() != row.fold_scores.len() {
        return None;
    }
    let sign = if winner.higher_is_better { 1.0 } else { -1.0 };
    let d: Vec<f64> = winner
        .fold_scores
        .iter()
        .zip(&row.fold_scores)
        .map(|(w, r)| sign * (w - r))
        .collect();
    if d.len() < 2 || d.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    Some((mean, (var / n).sqrt()))
}

fn usable(row: &LeaderboardRow) -> bool {
    row.mean.is_finite() && !row.fold_scores.is_empty()
}

/// The paragraph for `result`'s leaderboard (`None` when it has no usable row).
pub fn why(result: &SearchResult) -> Option<Why> {
    why_of(
        &result.leaderboard,
        result.metric,
        result.n_rows,
        result.n_features,
    )
}

/// The paragraph for leaderboard `rows` (best first) ranked by `metric`, on data of `n_rows`
/// rows and `n_features` model inputs (for the models' sizes).
pub fn why_of(
    rows: &[LeaderboardRow],
    metric: Metric,
    n_rows: usize,
    n_features: usize,
) -> Option<Why> {
    let winner = rows.iter().find(|r| usable(r))?;
    // the catalogue's name of the metric (`metric.<name>`)
    let metric = Message::new(&format!("metric.{}", metric.name()), Vec::new());
    let mut messages = Vec::new();
    let runner = rows.iter().find(|r| {
        usable(r)
            && r.trial != winner.trial
            && r.family != "ensemble"
            && (winner.family == "ensemble" || r.family != winner.family)
    });
    let mut out = Why {
        winner: winner.trial,
        runner_up: runner.map(|r| r.trial),
        difference: None,
        spread: None,
        clear: false,
        simplest: None,
        messages: Vec::new(),
    };
    match runner {
        None => messages.push(message!(
            "why.alone",
            model = family_message(winner),
            trial = winner.trial,
            metric = metric.clone(),
            score = winner.mean
        )),
        Some(r) => {
            messages.push(message!(
                "why.winner",
                model = family_message(winner),
                trial = winner.trial,
                metric = metric.clone(),
                score = winner.mean,
                runner = family_message(r),
                runner_trial = r.trial,
                runner_score = r.mean
            ));
            if let Some((difference, spread)) = paired_difference(winner, r) {
                out.difference = Some(difference);
                out.spread = Some(spread);
                out.clear = difference > spread;
                let splits = winner.fold_scores.len();
                messages.push(if out.clear {
                    message!("why.clear", difference, spread, splits)
                } else {
                    message!("why.unclear", difference, spread, splits)
                });
            }
        }
    }
    // the simplest row within the spread of the winner
    let cost = |r: &LeaderboardRow| {
        if r.family == "ensemble" {
            f64::INFINITY
        } else {
            r.spec.cost_units(n_rows, n_features)
        }
    };
    let within: Vec<(&LeaderboardRow, f64, f64)> = rows
        .iter()
        .filter(|r| usable(r) && r.family != "ensemble" && r.trial != winner.trial)
        .filter_map(|r| paired_difference(winner, r).map(|(d, s)| (r, d, s)))
        .filter(|&(_, d, s)| d <= s)
        .collect();
    let simplest = within.iter().min_by(|a, b| {
        simplicity_rank(&a.0.family)
            .cmp(&simplicity_rank(&b.0.family))
            .then(cost(a.0).total_cmp(&cost(b.0)))
            .then(a.1.total_cmp(&b.1))
            .then(a.0.trial.cmp(&b.0.trial))
    });
    let simpler = simplest.filter(|(r, _, _)| {
        (simplicity_rank(&r.family), cost(r)) < (simplicity_rank(&winner.family), cost(winner))
    });
    match simpler {
        Some(&(r, d, s)) => {
            out.simplest = Some(r.trial);
            messages.push(message!(
                "why.simplest",
                model = family_message(r),
                trial = r.trial,
                metric = metric.clone(),
                score = r.mean,
                loss = d,
                spread = s
            ));
        }
        None => messages.push(message!("why.no_simpler")),
    }
    out.messages = messages;
    Some(out)
}
