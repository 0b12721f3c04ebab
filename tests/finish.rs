//! Finishing a run with a chosen trial (after Stop, or the simplest model within the spread,
//! `search::finish_chosen`), and the rule of "why this model" (`results::why`) on crafted fold
//! scores with hand-worked values.

mod common;
use common::table;

use automl::clock::SystemClock;
use automl::metrics::Metric;
use automl::models::{Family, ModelSpec};
use automl::results::finish_run;
use automl::results::model_file::load;
use automl::results::why::{paired_difference, why_of};
use automl::search::{
    finish_chosen, run_search, Control, Ending, LeaderboardRow, Progress, SearchSettings,
};
use automl::AutoMlError;

fn trials(target: &str, n: usize) -> SearchSettings {
    SearchSettings {
        target: Some(target.into()),
        time_budget_s: None,
        max_trials: Some(n),
        seed: 7,
        ensemble: false,
        ..Default::default()
    }
}

fn quiet() -> impl FnMut(&Progress) -> Control {
    |_: &Progress| Control::Continue
}

/// The rows as the page holds them: the run's JSON, read back.
fn through_json(rows: &[LeaderboardRow]) -> Vec<LeaderboardRow> {
    serde_json::from_str(&serde_json::to_string(rows).unwrap()).unwrap()
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn stop_finishes_with_the_best_trial_so_far_exactly_as_the_search_would() {
    let t = table("titanic.csv");
    let s = trials("Survived", 8);
    let clock = SystemClock::new();
    let done = run_search(&t, &s, &clock, &mut quiet()).unwrap();
    assert_eq!(done.result.ending, Ending::Finished);
    let best = done.result.best.row.trial;
    let rows = through_json(&done.result.leaderboard);
    let stopped = finish_chosen(
        &t,
        &s,
        rows,
        best,
        Ending::Stopped,
        1.5,
        &clock,
        &mut quiet(),
    )
    .unwrap();
    let r = &stopped.result;
    assert_eq!(r.ending, Ending::Stopped);
    assert_eq!(r.best.row.trial, best);
    assert_eq!(r.best.row.rank, 1);
    assert_eq!(r.leaderboard.len(), 8);
    assert!(r.elapsed_s >= 1.5);
    assert!(
        r.notes.iter().any(|n| n.code == "search.stopped_early"),
        "{:?}",
        r.notes
    );
    // the same out-of-fold predictions and the same refitted model, to the bit
    assert_eq!(stopped.oof.splits.len(), done.oof.splits.len());
    for (a, b) in stopped.oof.splits.iter().zip(&done.oof.splits) {
        assert_eq!(a.rows, b.rows);
        assert_eq!(bits(&a.predictions), bits(&b.predictions));
    }
    let (_, pa, _) = stopped.model.predict_table(&t).unwrap();
    let (_, pb, _) = done.model.predict_table(&t).unwrap();
    assert_eq!(bits(&pa.unwrap().data), bits(&pb.unwrap().data));
    // explained and saved like any run; the model file says it was stopped early
    let run = finish_run(&t, &s, stopped, &clock, &mut quiet(), true).unwrap();
    assert!(run.report.diagnostics.is_some());
    let model = load(&run.model_bytes, "stopped.automl").unwrap();
    assert_eq!(model.ending, Ending::Stopped);
    assert_eq!(model.predict_table(&t).unwrap().rows.len(), t.n_rows());
}

#[test]
fn a_chosen_trial_becomes_the_model_and_bad_choices_are_refused() {
    let t = table("iris.csv");
    let s = trials("target", 6);
    let clock = SystemClock::new();
    let done = run_search(&t, &s, &clock, &mut quiet()).unwrap();
    let constant = done
        .result
        .leaderboard
        .iter()
        .find(|r| r.family == "constant")
        .expect("the baseline ran")
        .clone();
    let rows = through_json(&done.result.leaderboard);
    let chosen = finish_chosen(
        &t,
        &s,
        rows.clone(),
        constant.trial,
        Ending::Chosen,
        0.0,
        &clock,
        &mut quiet(),
    )
    .unwrap();
    assert_eq!(chosen.result.ending, Ending::Chosen);
    assert_eq!(chosen.result.best.row.trial, constant.trial);
    assert_eq!(chosen.result.best.row.family, "constant");
    assert_eq!(
        chosen.result.leaderboard[0].trial, done.result.leaderboard[0].trial,
        "the leaderboard keeps its order"
    );
    assert!(chosen
        .result
        .notes
        .iter()
        .any(|n| n.code == "search.chosen"));
    // the baseline predicts the majority class for every row
    let (pred, _, _) = chosen.model.predict_table(&t).unwrap();
    let automl::models::Prediction::Classes(codes) = pred else {
        panic!("classes")
    };
    assert!(codes.iter().all(|&c| c == codes[0]));
    // a trial that is not on the leaderboard is refused with a message, not a panic
    let err =
        finish_chosen(&t, &s, rows, 99, Ending::Chosen, 0.0, &clock, &mut quiet()).unwrap_err();
    assert!(matches!(err, AutoMlError::BadSetting { .. }), "{err}");
    assert!(err.to_string().contains("99"), "{err}");
}

/// A leaderboard row of `family` (its low-cost configuration) with these split scores.
fn row(trial: usize, family: &str, metric: Metric, folds: &[f64]) -> LeaderboardRow {
    let spec =
        ModelSpec::low_cost(Family::named(family).unwrap(), metric.higher_is_better()).unwrap();
    let mean = folds.iter().sum::<f64>() / folds.len() as f64;
    serde_json::from_value(serde_json::json!({
        "rank": 0, "trial": trial, "family": family, "label": family, "params": {},
        "metric": metric, "higherIsBetter": metric.higher_is_better(), "mean": mean, "std": 0.0,
        "foldScores": folds, "fitTimeS": 0.1, "sampleRows": null, "config": spec,
    }))
    .unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn why_this_model_on_crafted_fold_scores() {
    let m = Metric::Accuracy;
    let winner = row(5, "gradient_boosting", m, &[0.90, 0.92, 0.91, 0.93, 0.89]);
    let forest = row(4, "random_forest", m, &[0.89, 0.90, 0.90, 0.92, 0.88]);
    let logistic = row(2, "logistic_regression", m, &[0.91, 0.90, 0.92, 0.91, 0.88]);
    let constant = row(1, "constant", m, &[0.60, 0.61, 0.60, 0.62, 0.59]);
    // winner − forest per split: .01 .02 .01 .01 .01: mean .012, sample sd √(.00008/4), se /√5
    let (d, se) = paired_difference(&winner, &forest).unwrap();
    assert!(close(d, 0.012), "{d}");
    assert!(close(se, (0.00008f64 / 4.0 / 5.0).sqrt()), "{se}");
    // winner − logistic: −.01 .02 −.01 .02 .01: mean .006, Σ(d−mean)² = .00092
    let (d2, se2) = paired_difference(&winner, &logistic).unwrap();
    assert!(close(d2, 0.006), "{d2}");
    assert!(close(se2, (0.00092f64 / 4.0 / 5.0).sqrt()), "{se2}");
    let rows = vec![
        winner.clone(),
        logistic.clone(),
        forest.clone(),
        constant.clone(),
    ];
    let w = why_of(&rows, m, 100, 4).unwrap();
    assert_eq!(w.winner, 5);
    assert_eq!(w.runner_up, Some(2), "the best row of another family");
    assert!(close(w.difference.unwrap(), d2));
    assert!(!w.clear, "0.006 is within its standard error 0.0068");
    assert_eq!(
        w.simplest,
        Some(2),
        "logistic regression is within the spread"
    );
    let codes: Vec<&str> = w.messages.iter().map(|m| m.code.as_str()).collect();
    assert_eq!(codes, ["why.winner", "why.unclear", "why.simplest"]);

    // without the logistic regression: the forest is the runner-up, clearly beaten, and
    // nothing simpler is within the spread (the forest is 0.012 behind, se 0.002)
    let rows = vec![winner.clone(), forest.clone(), constant.clone()];
    let w = why_of(&rows, m, 100, 4).unwrap();
    assert_eq!(w.runner_up, Some(4));
    assert!(w.clear);
    assert_eq!(w.simplest, None);
    let codes: Vec<&str> = w.messages.iter().map(|m| m.code.as_str()).collect();
    assert_eq!(codes, ["why.winner", "why.clear", "why.no_simpler"]);

    // a metric better lower (RMSE): the signs turn, the same rule
    let r = Metric::Rmse;
    let best = row(3, "random_forest", r, &[1.0, 1.2, 1.1]);
    let ridge = row(2, "ridge", r, &[1.1, 1.2, 1.15]);
    let (d, se) = paired_difference(&best, &ridge).unwrap();
    assert!(close(d, 0.05), "{d}");
    // differences .1 0 .05: Σ(d−mean)² = .005, sample variance .0025, se √(.0025/3)
    assert!(close(se, (0.0025f64 / 3.0).sqrt()), "{se}");
    let w = why_of(&[best.clone(), ridge], r, 100, 4).unwrap();
    assert!(w.clear, "0.05 behind, more than the standard error 0.029");
    assert_eq!(w.simplest, None);
    // differences .05 −.02 0: mean .01, Σ(d−mean)² = .0026, se √(.0013/3) = .0208: within
    let lasso = row(1, "lasso", r, &[1.05, 1.18, 1.1]);
    let (d, se) = paired_difference(&best, &lasso).unwrap();
    assert!(
        close(d, 0.01) && close(se, (0.0013f64 / 3.0).sqrt()),
        "{d} {se}"
    );
    let w = why_of(&[best, lasso], r, 100, 4).unwrap();
    assert!(!w.clear);
    assert_eq!(w.simplest, Some(1));
}
