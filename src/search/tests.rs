//! Unit tests of the search's parts: the validation plan, the settings check, seeds, the cost
//! model, the portfolio and the ask/tell session driven by hand with a frozen clock.

use super::cost::CostModel;
use super::plan::{check_settings, plan_splits};
use super::*;
use crate::data::read_csv;
use std::cell::Cell;

/// A clock that only moves when told.
struct ManualClock(Cell<f64>);

impl Clock for ManualClock {
    fn now_s(&self) -> f64 {
        self.0.get()
    }
}

fn classes(counts: &[usize]) -> Target {
    let mut y = Vec::new();
    for (c, &n) in counts.iter().enumerate() {
        y.extend(std::iter::repeat_n(c as u32, n));
    }
    Target::Classes {
        y,
        labels: (0..counts.len()).map(|c| format!("c{c}")).collect(),
    }
}

fn values(n: usize) -> Target {
    Target::Values((0..n).map(|i| i as f64).collect())
}

fn trial_budget(trials: usize) -> SearchSettings {
    SearchSettings {
        time_budget_s: None,
        max_trials: Some(trials),
        ..SearchSettings::default()
    }
}

/// A small table with a numeric signal: `y` is "a" when `x1 + x2 > 10`, and noise columns.
fn table(rows: usize) -> Table {
    let mut text = String::from("x1,x2,noise,y\n");
    for i in 0..rows {
        let x1 = (i * 7) % 11;
        let x2 = (i * 5) % 13;
        let noise = (i * 31) % 17;
        let y = if x1 + x2 > 10 { "a" } else { "b" };
        text.push_str(&format!("{x1},{x2},{noise},{y}\n"));
    }
    read_csv(text.as_bytes(), "t.csv").expect("the table reads")
}

#[test]
fn small_data_gets_repeated_k_fold_and_every_row_is_validated_once_per_repeat() {
    let settings = SearchSettings::default();
    let mut notes = Vec::new();
    let (folds, description) = plan_splits(&values(100), 100, 3, &settings, &mut notes);
    assert_eq!(folds.len(), 15, "5 folds × 3 repeats");
    assert!(description.contains("repeated 3 times"), "{description}");
    for repeat in folds.chunks(5) {
        let mut seen = vec![0; 100];
        for f in repeat {
            for &r in &f.valid {
                seen[r] += 1;
            }
            assert_eq!(f.train.len() + f.valid.len(), 100);
        }
        assert!(
            seen.iter().all(|&c| c == 1),
            "each row validated once per repeat"
        );
    }
    assert!(notes.is_empty());
}

#[test]
fn larger_data_gets_stratified_k_fold_and_a_small_class_lowers_k() {
    let settings = SearchSettings::default();
    let mut notes = Vec::new();
    let (folds, description) = plan_splits(&classes(&[400, 200]), 600, 3, &settings, &mut notes);
    assert_eq!(folds.len(), 5);
    assert_eq!(description, "stratified 5-fold cross-validation");
    // stratified: each validation fold holds 80 of class 0 and 40 of class 1
    let Target::Classes { y, .. } = classes(&[400, 200]) else {
        unreachable!()
    };
    for f in &folds {
        let ones = f.valid.iter().filter(|&&r| y[r] == 1).count();
        assert_eq!((f.valid.len(), ones), (120, 40));
    }
    let (folds, _) = plan_splits(&classes(&[597, 3]), 600, 3, &settings, &mut notes);
    assert_eq!(folds.len(), 3, "k lowered to the smallest class");
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].to_string().contains("smallest class has 3 rows"),
        "{}",
        notes[0]
    );
}

#[test]
fn many_cells_per_second_of_budget_give_a_holdout() {
    let mut settings = SearchSettings::default(); // 10 s: 250,000 cells at most for k-fold
    let mut notes = Vec::new();
    let (folds, description) = plan_splits(&values(20_000), 20_000, 20, &settings, &mut notes);
    assert_eq!(folds.len(), 1);
    assert!(description.starts_with("a 20% holdout"), "{description}");
    assert_eq!(folds[0].valid.len(), 4_000);
    // the same data with an hour's budget is cross-validated
    settings.time_budget_s = Some(3_600.0);
    let (folds, _) = plan_splits(&values(20_000), 20_000, 20, &settings, &mut notes);
    assert_eq!(folds.len(), 5);
}

#[test]
fn settings_out_of_range_are_refused_by_name() {
    let task = Task::Classification;
    assert!(check_settings(&SearchSettings::default(), task).is_ok());
    let bad = |s: SearchSettings| match check_settings(&s, task) {
        Err(AutoMlError::BadSetting { name, .. }) => name,
        other => panic!("expected a bad setting, got {other:?}"),
    };
    let d = SearchSettings::default;
    assert_eq!(
        bad(SearchSettings {
            time_budget_s: Some(0.0),
            ..d()
        }),
        "time budget"
    );
    assert_eq!(
        bad(SearchSettings {
            time_budget_s: Some(f64::NAN),
            ..d()
        }),
        "time budget"
    );
    assert_eq!(
        bad(SearchSettings {
            time_budget_s: None,
            ..d()
        }),
        "time budget"
    );
    assert_eq!(
        bad(SearchSettings {
            max_trials: Some(0),
            ..d()
        }),
        "max trials"
    );
    assert_eq!(bad(SearchSettings { folds: 1, ..d() }), "folds");
    assert_eq!(bad(SearchSettings { folds: 11, ..d() }), "folds");
    assert_eq!(
        bad(SearchSettings {
            metric: Some(Metric::R2),
            ..d()
        }),
        "metric"
    );
    assert!(
        check_settings(&trial_budget(3), task).is_ok(),
        "a trial budget alone is enough"
    );
}

#[test]
fn trial_seeds_are_fixed_and_distinct() {
    let seeds: Vec<u64> = (0..100).map(|t| mix_seed(42, t)).collect();
    assert_eq!(seeds, (0..100).map(|t| mix_seed(42, t)).collect::<Vec<_>>());
    let mut sorted = seeds.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), 100);
    assert_ne!(mix_seed(42, 1), mix_seed(43, 1), "the run's seed matters");
}

#[test]
fn the_training_sample_is_a_quarter_within_bounds() {
    assert_eq!(sample_size(3_000), 3_000, "never more rows than there are");
    assert_eq!(sample_size(12_000), 5_000);
    assert_eq!(sample_size(40_000), 10_000);
    assert_eq!(sample_size(1_000_000), 20_000);
}

#[test]
fn the_cost_model_prices_untimed_and_failed_families() {
    let portfolio = portfolio(Task::Classification, 10).unwrap();
    let constant = portfolio
        .iter()
        .find(|s| s.family_name() == "constant")
        .unwrap();
    let boosting = portfolio
        .iter()
        .find(|s| s.family_name() == "gradient_boosting")
        .unwrap();
    let rate = [("constant", 1e-9), ("logistic_regression", 2e-8)];
    let failed = ["knn"];
    let costs = CostModel {
        train_rows: 1_000,
        inputs: 10,
        n_splits: 5,
        sample_rows: None,
        classes: 2,
        rate: &rate,
        failed: &failed,
    };
    let units = costs.units(boosting, false);
    assert!(units > 0.0);
    // a family not timed yet: the slowest measured rate (the baseline's excluded), with a margin
    let expected = 2e-8 * UNTIMED_MARGIN * units;
    assert!((costs.seconds(boosting, false) - expected).abs() <= 1e-12 * expected);
    // a timed family: its own rate
    assert_eq!(
        costs.seconds(constant, false),
        1e-9 * costs.units(constant, false)
    );
    let knn = portfolio.iter().find(|s| s.family_name() == "knn").unwrap();
    assert_eq!(costs.seconds(knn, false), f64::INFINITY);
    assert_eq!(costs.static_cost(knn), f64::INFINITY);
    // without a sample nothing is sampled; with one, only costly configurations are
    assert!(!costs.sampled(boosting));
    let sampled = CostModel {
        sample_rows: Some(100),
        ..costs
    };
    assert!(!sampled.sampled(constant));
    assert!(sampled.units(boosting, true) < sampled.units(boosting, false));
}

#[test]
fn the_portfolio_starts_with_the_baseline_and_every_configuration_is_valid() {
    for task in [Task::Classification, Task::Regression] {
        let p = portfolio(task, 8).unwrap();
        assert_eq!(
            p[0].family_name(),
            "constant",
            "{task:?}: the baseline first"
        );
        for spec in &p {
            spec.validate(task == Task::Classification)
                .unwrap_or_else(|e| panic!("{task:?}: {spec:?}: {e}"));
        }
        let mut families: Vec<&str> = p.iter().map(|s| s.family_name()).collect();
        families.dedup();
        assert!(
            families.len() >= 5,
            "{task:?}: several families: {families:?}"
        );
    }
}

/// Drives a session by hand: ask, evaluate every split, tell.
fn drive(session: &mut SearchSession<'_>) -> Vec<(usize, String)> {
    let mut asked = Vec::new();
    while let Some(trial) = session.next_trial() {
        let outputs: Result<Vec<SplitOutput>> = (0..session.n_splits())
            .map(|s| session.evaluate_split(&trial, s))
            .collect();
        asked.push((trial.number, trial.spec.family_name().to_string()));
        session.tell(&trial, outputs.map_err(|e| e.to_message()), 0.01);
    }
    asked
}

#[test]
fn a_session_with_a_trial_budget_asks_the_same_trials_and_stops_at_the_budget() {
    let t = table(120);
    let clock = ManualClock(Cell::new(0.0));
    let settings = trial_budget(8);
    let mut a = SearchSession::new(&t, &settings, &clock, 1).unwrap();
    let first = drive(&mut a);
    assert_eq!(first.len(), 8);
    assert_eq!(a.trials_done(), 8);
    assert_eq!(
        first.iter().map(|t| t.0).collect::<Vec<_>>(),
        (1..=8).collect::<Vec<_>>()
    );
    assert_eq!(first[0].1, "constant");
    let mut b = SearchSession::new(&t, &settings, &clock, 1).unwrap();
    assert_eq!(drive(&mut b), first, "the same trials in the same order");
    let outcome = a.finish(&mut |_: &Progress| Control::Continue).unwrap();
    assert!(
        outcome.result.best.row.mean > 0.8,
        "{}",
        outcome.result.best.row.mean
    );
    assert_eq!(outcome.result.leaderboard[0].rank, 1);
}

#[test]
fn a_stopped_session_asks_nothing_more() {
    let t = table(120);
    let clock = ManualClock(Cell::new(0.0));
    let mut s = SearchSession::new(&t, &trial_budget(50), &clock, 1).unwrap();
    let trial = s.next_trial().unwrap();
    let outputs: Result<Vec<SplitOutput>> = (0..s.n_splits())
        .map(|k| s.evaluate_split(&trial, k))
        .collect();
    assert!(s
        .tell(&trial, outputs.map_err(|e| e.to_message()), 0.01)
        .is_some());
    s.stop();
    assert!(s.next_trial().is_none());
    assert_eq!(s.trials_done(), 1);
}

#[test]
fn a_used_up_time_budget_ends_the_search() {
    let t = table(120);
    let clock = ManualClock(Cell::new(0.0));
    let settings = SearchSettings {
        time_budget_s: Some(5.0),
        ..SearchSettings::default()
    };
    let mut s = SearchSession::new(&t, &settings, &clock, 1).unwrap();
    let trial = s.next_trial().expect("a first trial while time is left");
    let outputs: Result<Vec<SplitOutput>> = (0..s.n_splits())
        .map(|k| s.evaluate_split(&trial, k))
        .collect();
    s.tell(&trial, outputs.map_err(|e| e.to_message()), 0.01);
    clock.0.set(5.0);
    assert!(
        s.next_trial().is_none(),
        "no trial starts once the budget is spent"
    );
}

#[test]
fn a_failed_trial_is_not_a_row() {
    let t = table(120);
    let clock = ManualClock(Cell::new(0.0));
    let mut s = SearchSession::new(&t, &trial_budget(5), &clock, 1).unwrap();
    let trial = s.next_trial().unwrap();
    let failure = crate::message!("model.failed", family = "svm", detail = "it broke");
    assert!(s.tell(&trial, Err(failure), 0.01).is_none());
    assert_eq!(s.trials_done(), 0);
}
