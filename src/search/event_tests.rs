//! Tests of what the search tells while it runs (its decisions as events), of the training
//! score beside the cross-validated one and the overfitting rule, and of a session paused
//! between trials (the page's step mode) against a trial budget.

use super::*;
use crate::data::read_csv;
use crate::messages::Param;
use crate::models::knn::{Knn, KnnWeights};
use std::cell::Cell;

/// A clock that only moves when told.
struct ManualClock(Cell<f64>);

impl Clock for ManualClock {
    fn now_s(&self) -> f64 {
        self.0.get()
    }
}

fn trial_budget(trials: usize) -> SearchSettings {
    SearchSettings {
        time_budget_s: None,
        max_trials: Some(trials),
        ..SearchSettings::default()
    }
}

/// A small seeded table: `y` is "a" when `x1 + x2 > 10` (classification), or `x1 + x2` plus a
/// little noise (regression); every row's inputs differ.
fn table(rows: usize, regression: bool) -> Table {
    let mut text = String::from("x1,x2,noise,y\n");
    for i in 0..rows {
        let x1 = (i * 7) % 11;
        let x2 = (i * 5) % 13;
        let noise = (i * 31) % 17;
        if regression {
            let y = (x1 + x2) as f64 + noise as f64 * 0.1;
            text.push_str(&format!("{x1},{x2},{noise},{y}\n"));
        } else {
            let y = if x1 + x2 > 10 { "a" } else { "b" };
            text.push_str(&format!("{x1},{x2},{noise},{y}\n"));
        }
    }
    read_csv(text.as_bytes(), "t.csv").expect("the table reads")
}

/// Runs one trial by hand: evaluates every split and tells the session, the clock moved by
/// `seconds`. Returns its progress event.
fn run_trial(
    session: &mut SearchSession<'_>,
    clock: &ManualClock,
    trial: &Trial,
    seconds: f64,
) -> Option<Progress> {
    let outputs: Result<Vec<SplitOutput>> = (0..session.n_splits())
        .map(|s| session.evaluate_split(trial, s))
        .collect();
    clock.0.set(clock.0.get() + seconds);
    session.tell(trial, outputs.map_err(|e| e.to_message()), seconds)
}

fn events_of(event: &Progress) -> &[Message] {
    match event {
        Progress::Trial { events, .. } | Progress::Phase { events, .. } => events,
    }
}

fn codes(events: &[Message]) -> Vec<&str> {
    events.iter().map(|m| m.code.as_str()).collect()
}

/// Every progress event of a session driven to its end with a trial budget, then finished.
fn all_events(t: &Table, trials: usize) -> Vec<Progress> {
    let clock = ManualClock(Cell::new(0.0));
    let mut s = SearchSession::new(t, &trial_budget(trials), &clock, 1).unwrap();
    let mut seen = vec![s.phase("search")];
    while let Some(trial) = s.next_trial() {
        seen.extend(run_trial(&mut s, &clock, &trial, 0.01));
    }
    s.finish(&mut |e: &Progress| {
        seen.push(e.clone());
        Control::Continue
    })
    .unwrap();
    seen
}

#[test]
fn the_first_events_are_the_portfolio_start_and_every_trial_is_explained() {
    let t = table(120, false);
    let events = all_events(&t, 24);
    let trials: Vec<&Progress> = events
        .iter()
        .filter(|e| matches!(e, Progress::Trial { .. }))
        .collect();
    assert_eq!(trials.len(), 24);
    let first = events_of(trials[0]);
    assert_eq!(
        codes(first)[..3],
        ["event.portfolio_start", "event.portfolio", "event.scored"],
        "{first:?}"
    );
    // the family by its catalogue name, which the page says in its language
    assert_eq!(
        first[1].param("model"),
        Some(&Param::Message(Message::new("family.constant", vec![])))
    );
    assert_eq!(
        crate::messages::render(&first[1]),
        "Trying Baseline (constant) with its usual settings (1 of 12 on the starting list)."
    );
    assert_eq!(first[1].param("position"), Some(&Param::Int(1)));
    // the network is on the starting list and told like any other family
    let network = Param::Message(Message::new("family.neural_network", vec![]));
    assert!(trials.iter().any(|e| events_of(e)
        .iter()
        .any(|m| m.code == "event.portfolio" && m.param("model") == Some(&network))));
    // every trial says how it was chosen and how it scored, on both kinds of rows
    for e in &trials {
        let c = codes(events_of(e));
        assert!(c.contains(&"event.scored"), "{c:?}");
        assert!(
            c.iter().any(|c| c.starts_with("event.portfolio")
                || c.starts_with("event.local")
                || c.starts_with("event.network_")
                || *c == "event.rung_first"
                || *c == "event.rung_next"
                || *c == "event.promoted"),
            "{c:?}"
        );
    }
    // the search ends for the reason it does, and says so before the ensemble
    let phases: Vec<&Progress> = events
        .iter()
        .filter(|e| matches!(e, Progress::Phase { .. }))
        .collect();
    let ensemble = phases
        .iter()
        .find(|p| matches!(p, Progress::Phase { phase, .. } if phase == "ensemble"))
        .expect("an ensemble phase");
    let end = events_of(ensemble);
    assert_eq!(codes(end)[0], "event.end_trials");
    assert_eq!(end[0].param("trials"), Some(&Param::Int(24)));
    assert_eq!(codes(end)[1], "event.ensemble");
    let refit = events_of(phases.last().unwrap());
    assert!(
        codes(refit)
            .iter()
            .any(|c| c.starts_with("event.ensemble_")),
        "{refit:?}"
    );
}

#[test]
fn a_local_step_names_the_hyperparameter_it_moved_from_and_to() {
    let t = table(120, false);
    let events = all_events(&t, 30);
    let steps: Vec<&Message> = events
        .iter()
        .flat_map(|e| events_of(e).iter())
        .filter(|m| {
            m.code.starts_with("event.local_step") || m.code.starts_with("event.local_back")
        })
        .collect();
    assert!(!steps.is_empty(), "local steps after the portfolio");
    for m in steps {
        let Some(Param::Message(model)) = m.param("model") else {
            panic!("{m:?}")
        };
        let family = Family::all()
            .find(|f| format!("family.{}", f.name()) == model.code)
            .expect("a family");
        let Some(Param::Text(param)) = m.param("param") else {
            panic!("{m:?}")
        };
        assert!(
            family.space(true).iter().any(|d| d.name == param),
            "{param} is a hyperparameter of {}",
            model.code
        );
        assert_ne!(m.param("from"), m.param("to"), "{m:?}");
    }
    // after the portfolio the search moves between families and says why
    let switch = events
        .iter()
        .flat_map(|e| events_of(e).iter())
        .find(|m| m.code == "event.switch")
        .expect("a switch between families");
    assert!(
        matches!(switch.param("reason"), Some(Param::Message(r)) if r.code.starts_with("event.reason_"))
    );
    // the same seed tells the same story
    let again = all_events(&t, 30);
    let story =
        |e: &[Progress]| -> Vec<Message> { e.iter().flat_map(|e| events_of(e).to_vec()).collect() };
    assert_eq!(story(&events), story(&again));
}

#[test]
fn a_trial_that_would_not_fit_the_budget_is_skipped_and_said() {
    let t = table(120, false);
    let clock = ManualClock(Cell::new(0.0));
    let settings = SearchSettings {
        time_budget_s: Some(10.0),
        ..SearchSettings::default()
    };
    let mut s = SearchSession::new(&t, &settings, &clock, 1).unwrap();
    let first = s.next_trial().unwrap();
    assert_eq!(first.spec.family_name(), "constant");
    run_trial(&mut s, &clock, &first, 0.01).unwrap();
    // the second trial (the cheapest family) takes 3 s: every costlier one would overrun
    let second = s.next_trial().unwrap();
    run_trial(&mut s, &clock, &second, 3.0).unwrap();
    let mut told = Vec::new();
    while let Some(trial) = s.next_trial() {
        told.extend(events_of(&run_trial(&mut s, &clock, &trial, 3.0).unwrap()).to_vec());
    }
    told.extend(s.take_events());
    let skipped: Vec<&Message> = told.iter().filter(|m| m.code == "event.skipped").collect();
    assert!(!skipped.is_empty(), "{:?}", codes(&told));
    for m in skipped {
        let (Some(Param::Num(predicted)), Some(Param::Num(left))) =
            (m.param("predicted_s"), m.param("left_s"))
        else {
            panic!("{m:?}")
        };
        assert!(predicted > left, "{m:?}");
    }
    assert!(
        told.iter().any(|m| m.code.starts_with("event.end_")),
        "the search says why it ended: {:?}",
        codes(&told)
    );
}

/// A table whose target the inputs barely predict (its pattern is mostly noise).
fn noisy_table(rows: usize, regression: bool) -> Table {
    let mut text = String::from("x1,x2,y\n");
    for i in 0..rows {
        let (x1, x2) = ((i * 7) % 11, (i * 5) % 13);
        let hidden = (i * 37 + i / 3) % 19;
        if regression {
            text.push_str(&format!("{x1},{x2},{}\n", hidden as f64 + x1 as f64 * 0.1));
        } else {
            text.push_str(&format!(
                "{x1},{x2},{}\n",
                if hidden < 9 { "a" } else { "b" }
            ));
        }
    }
    read_csv(text.as_bytes(), "noisy.csv").expect("the table reads")
}

/// One nearest neighbour predicts each of its training rows from itself.
fn memorizer() -> ModelSpec {
    Knn {
        k: 1,
        weights: KnnWeights::Uniform,
        class_weight: ClassWeight::None,
    }
    .into()
}

#[test]
fn a_model_that_memorizes_scores_exactly_one_on_its_training_rows_and_is_flagged() {
    for regression in [false, true] {
        let t = noisy_table(120, regression);
        let clock = ManualClock(Cell::new(0.0));
        let mut s = SearchSession::new(&t, &trial_budget(5), &clock, 1).unwrap();
        let trial = Trial {
            number: 1,
            spec: memorizer(),
            seed: 7,
            sampled: false,
        };
        for split in 0..s.n_splits() {
            let out = s.evaluate_split(&trial, split).unwrap();
            assert_eq!(out.train_score, Some(1.0), "split {split}");
        }
        let Some(Progress::Trial { row, events, .. }) = run_trial(&mut s, &clock, &trial, 0.1)
        else {
            panic!("a row")
        };
        assert_eq!(row.train_score, Some(1.0));
        assert!(row.mean < 1.0 - OVERFIT_GAP, "{}", row.mean);
        let flag = row.overfit.expect("flagged");
        assert_eq!(flag.code, "search.overfitting");
        assert!(events.contains(&flag));
    }
}

#[test]
fn the_overfitting_rule_is_relative_to_the_metrics_scale() {
    use crate::metrics::Metric;
    assert!(overfitting(Metric::Accuracy, 1.0, 0.85).is_some());
    assert!(overfitting(Metric::Accuracy, 0.95, 0.9).is_none());
    assert!(overfitting(Metric::R2, 0.9, 0.75).is_some());
    assert!(overfitting(Metric::R2, 0.8, 0.75).is_none());
    // errors: flagged below half the cross-validated error, whatever the target's unit
    assert!(overfitting(Metric::Rmse, 400.0, 1000.0).is_some());
    assert!(overfitting(Metric::Rmse, 600.0, 1000.0).is_none());
    assert!(overfitting(Metric::LogLoss, 0.1, 0.35).is_some());
    assert!(overfitting(Metric::Mae, f64::NAN, 1.0).is_none());
}

#[test]
fn training_rows_scored_are_at_most_two_thousand_per_trial_and_the_same_for_every_trial() {
    // 2,000 rows over 5 folds: 400 per split, out of 1,600 training rows
    let t = table(2_000, false);
    let clock = ManualClock(Cell::new(0.0));
    let s = SearchSession::new(&t, &trial_budget(3), &clock, 1).unwrap();
    assert_eq!(s.n_splits(), 5);
    let trial = Trial {
        number: 1,
        spec: memorizer(),
        seed: 1,
        sampled: false,
    };
    let out = s.evaluate_split(&trial, 0).unwrap();
    assert_eq!(out.train_score, Some(1.0));
    // the constant model's training accuracy is the majority share of those 400 rows: a
    // share of 400, the same on every call
    let constant = Trial {
        spec: crate::models::constant::Constant.into(),
        ..trial
    };
    let a = s.evaluate_split(&constant, 0).unwrap().train_score.unwrap();
    assert_eq!((a * 400.0).round() / 400.0, a);
    assert_eq!(Some(a), s.evaluate_split(&constant, 0).unwrap().train_score);
}

#[test]
fn n_steps_with_pauses_give_the_leaderboard_of_a_trial_budget_of_n() {
    let t = table(150, false);
    let n = 14;
    let outcome = |step: bool| {
        let clock = ManualClock(Cell::new(0.0));
        let settings = trial_budget(if step { 1_000 } else { n });
        let mut s = SearchSession::new(&t, &settings, &clock, 1).unwrap();
        let mut done = 0;
        while let Some(trial) = s.next_trial() {
            run_trial(&mut s, &clock, &trial, 0.25).unwrap();
            done += 1;
            if step {
                // the person reads the explanation, then presses Next (or Finish)
                clock.0.set(clock.0.get() + 30.0);
                s.pause(30.0);
                if done == n {
                    s.stop();
                }
            }
        }
        s.finish(&mut |_: &Progress| Control::Continue).unwrap()
    };
    let (budget, stepped) = (outcome(false), outcome(true));
    let rows = |o: &SearchOutcome| -> Vec<(usize, String, f64, Vec<f64>, Option<f64>)> {
        o.result
            .leaderboard
            .iter()
            .map(|r| {
                (
                    r.trial,
                    r.label.clone(),
                    r.mean,
                    r.fold_scores.clone(),
                    r.train_score,
                )
            })
            .collect()
    };
    assert!(
        rows(&budget).len() >= n,
        "n trials (and perhaps the ensemble)"
    );
    assert_eq!(rows(&budget), rows(&stepped));
    assert_eq!(budget.result.best.row.trial, stepped.result.best.row.trial);
    // the clock ran 0.25 s per trial; the 30 s waits are not counted
    assert!(
        (stepped.result.elapsed_s - 0.25 * n as f64).abs() < 1e-9,
        "{}",
        stepped.result.elapsed_s
    );
}
