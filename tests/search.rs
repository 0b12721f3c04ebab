//! Integration tests of the search through the public API, on real data with seeded splits.

mod common;
use common::{quiet, table, trials};

use automl::clock::Clock;
use automl::clock::SystemClock;
use automl::search::{run_search, Control, Progress, SearchSettings};
use automl::Task;
use std::cell::Cell;
use std::rc::Rc;

#[test]
fn iris_reaches_high_cross_validated_accuracy() {
    let out = run_search(
        &table("iris.csv"),
        &trials("target", 10, 1),
        &SystemClock::new(),
        &mut quiet,
    )
    .unwrap();
    let r = out.result;
    // under 500 rows: 5-fold cross-validation repeated 3 times
    assert_eq!((r.task, r.n_rows, r.folds), (Task::Classification, 150, 15));
    let trials = r
        .leaderboard
        .iter()
        .filter(|row| row.family != "ensemble")
        .count();
    assert_eq!(trials, 10);
    assert!(r.best.row.mean >= 0.95, "best accuracy {}", r.best.row.mean);
    assert_eq!(r.classes, ["setosa", "versicolor", "virginica"]);
    // ranks follow the scores
    assert!(r.leaderboard.windows(2).all(|w| w[0].mean >= w[1].mean));
    assert_eq!(r.leaderboard[0].rank, 1);
}

#[test]
fn titanic_drops_identifiers_and_beats_the_majority_class() {
    let out = run_search(
        &table("titanic.csv"),
        &trials("Survived", 10, 1),
        &SystemClock::new(),
        &mut quiet,
    )
    .unwrap();
    let r = out.result;
    // 549 of 891 passengers died: the majority class scores 0.616
    assert!(r.best.row.mean >= 0.80, "best accuracy {}", r.best.row.mean);
    for column in ["PassengerId", "Name"] {
        assert!(
            r.notes.iter().any(|n| n
                .to_string()
                .contains(&format!("\"{column}\" was left out"))),
            "{:?}",
            r.notes
        );
    }
}

#[test]
fn diabetes_regression_explains_variance() {
    let out = run_search(
        &table("diabetes.csv"),
        &trials("target", 10, 1),
        &SystemClock::new(),
        &mut quiet,
    )
    .unwrap();
    assert_eq!(out.result.task, Task::Regression);
    assert!(
        out.result.best.row.mean >= 0.45,
        "best r2 {}",
        out.result.best.row.mean
    );
}

#[test]
fn same_seed_and_trial_budget_give_the_same_leaderboard() {
    let run = |seed| {
        let out = run_search(
            &table("titanic.csv"),
            &trials("Survived", 14, seed),
            &SystemClock::new(),
            &mut quiet,
        )
        .unwrap();
        out.result
            .leaderboard
            .iter()
            .map(|r| {
                (
                    r.trial,
                    r.label.clone(),
                    r.params.clone(),
                    r.fold_scores.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let a = run(5);
    // 14 trials, and the ensemble when it scores better
    assert!(a.len() == 14 || a.len() == 15, "{}", a.len());
    assert_eq!(
        a.iter().filter(|r| !r.1.starts_with("Ensemble")).count(),
        14
    );
    assert_eq!(a, run(5));
    assert_ne!(a, run(6));
}

#[test]
fn the_time_budget_bounds_the_whole_run() {
    let settings = SearchSettings {
        target: Some("Survived".into()),
        time_budget_s: Some(2.0),
        ..Default::default()
    };
    let out = run_search(
        &table("titanic.csv"),
        &settings,
        &SystemClock::new(),
        &mut quiet,
    )
    .unwrap();
    assert!(
        out.result.elapsed_s <= 2.0 * 1.05 + 0.5,
        "took {} s",
        out.result.elapsed_s
    );
    assert!(out.result.leaderboard.len() >= 3);
}

/// A clock that moves only when told: here, one simulated second per finished trial.
struct ManualClock(Rc<Cell<f64>>);

impl Clock for ManualClock {
    fn now_s(&self) -> f64 {
        self.0.get()
    }
}

#[test]
fn the_injected_clock_is_the_only_time_source() {
    let time = Rc::new(Cell::new(100.0));
    let clock = ManualClock(time.clone());
    let settings = SearchSettings {
        target: Some("target".into()),
        time_budget_s: Some(3.5),
        ..Default::default()
    };
    let out = run_search(
        &table("iris.csv"),
        &settings,
        &clock,
        &mut |e: &Progress| {
            if matches!(e, Progress::Trial { .. }) {
                time.set(time.get() + 1.0);
            }
            Control::Continue
        },
    )
    .unwrap();
    // trials start at simulated 0, 1, 2 and 3 s (all within 3.5 s, each measured as free);
    // at 4 s nothing may start, however fast the machine is
    assert_eq!(out.result.leaderboard.len(), 4);
    assert_eq!(out.result.elapsed_s, 4.0);
    assert!(out.result.leaderboard.iter().all(|r| r.fit_time_s == 0.0));
}

#[test]
fn the_observer_can_stop_the_search() {
    let settings = SearchSettings {
        target: Some("target".into()),
        ..Default::default()
    };
    let mut seen = 0;
    let out = run_search(
        &table("iris.csv"),
        &settings,
        &SystemClock::new(),
        &mut |e: &Progress| {
            if matches!(e, Progress::Trial { .. }) {
                seen += 1;
            }
            if seen >= 3 {
                Control::Stop
            } else {
                Control::Continue
            }
        },
    )
    .unwrap();
    let trials = out
        .result
        .leaderboard
        .iter()
        .filter(|row| row.family != "ensemble")
        .count();
    assert_eq!(trials, 3);
}

#[test]
fn the_refitted_model_predicts_the_training_rows_well() {
    use automl::models::Prediction;
    use automl::preprocess::Frame;
    let t = table("iris.csv");
    let out = run_search(&t, &trials("target", 5, 2), &SystemClock::new(), &mut quiet).unwrap();
    let frame = Frame::from_table(&t, 4);
    let rows: Vec<usize> = (0..150).collect();
    let x = out.model.pipeline.transform(&frame, &rows);
    let Prediction::Classes(pred) = out.model.model.predict(&x).unwrap() else {
        panic!("classes expected")
    };
    let truth: Vec<u32> = (0..150).map(|i| (i / 50) as u32).collect();
    assert!(automl::metrics::accuracy(&truth, &pred) >= 0.95);
}
