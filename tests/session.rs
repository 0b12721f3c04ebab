//! The ask/tell search session: the splits of a trial can run on any number of workers
//! without changing the leaderboard; progressive sampling on large data stays deterministic;
//! the winner's out-of-fold predictions come with the outcome.

mod common;
use common::{quiet, table, trials};

use automl::clock::SystemClock;
use automl::search::{run_search, SearchOutcome, SearchSession, SearchSettings, SplitWorker};
use automl::{read_csv, Table};

/// Drives a session the way the page's pool does: split `s` runs on worker `s % workers`
/// (worker 0 is the session itself, the others are separate `SplitWorker`s).
fn pooled(table: &Table, settings: &SearchSettings, workers: usize) -> SearchOutcome {
    let clock = SystemClock::new();
    let mut session = SearchSession::new(table, settings, &clock, workers).unwrap();
    let others: Vec<SplitWorker> = (1..workers)
        .map(|w| SplitWorker::new(table, settings, w, workers).unwrap())
        .collect();
    for (w, other) in others.iter().enumerate() {
        let own = other.own_splits();
        assert!(own.iter().all(|s| s % workers == w + 1), "{own:?}");
    }
    while let Some(trial) = session.next_trial() {
        let mut outputs = Vec::new();
        let mut failure = None;
        for s in 0..session.n_splits() {
            let out = match s % workers {
                0 => session.evaluate_split(&trial, s),
                w => others[w - 1].evaluate_split(&trial, s),
            };
            match out {
                Ok(o) => outputs.push(o),
                Err(e) => {
                    failure = Some(e.to_message());
                    break;
                }
            }
        }
        let result = failure.map_or(Ok(outputs), Err);
        let _ = session.tell(&trial, result, 0.01);
    }
    session.finish(&mut quiet).unwrap()
}

type Row = (usize, String, String, Vec<f64>, Option<usize>);

fn rows(out: &SearchOutcome) -> Vec<Row> {
    out.result
        .leaderboard
        .iter()
        .map(|r| {
            (
                r.trial,
                r.label.clone(),
                serde_json::to_string(&r.params).unwrap(),
                r.fold_scores.clone(),
                r.sample_rows,
            )
        })
        .collect()
}

#[test]
fn one_and_three_workers_give_the_same_leaderboard_as_run_search() {
    let t = table("titanic.csv");
    let settings = trials("Survived", 14, 5);
    let one = pooled(&t, &settings, 1);
    let three = pooled(&t, &settings, 3);
    let native = run_search(&t, &settings, &SystemClock::new(), &mut quiet).unwrap();
    assert!(rows(&one).len() >= 14);
    assert_eq!(rows(&one), rows(&three));
    assert_eq!(rows(&one), rows(&native));
    assert_eq!(one.result.best.row.trial, three.result.best.row.trial);
}

#[test]
fn networks_in_rungs_give_the_same_leaderboard_on_one_and_three_workers() {
    let t = table("iris.csv");
    let mut settings = trials("target", 12, 3);
    settings.families = vec!["neural_network".into()];
    let one = pooled(&t, &settings, 1);
    let three = pooled(&t, &settings, 3);
    let rungs = |out: &SearchOutcome| -> Vec<String> {
        let mut rows: Vec<_> = out.result.leaderboard.iter().collect();
        rows.sort_by_key(|r| r.trial);
        rows.iter()
            .map(|r| serde_json::to_string(&(r.trial, &r.rung, &r.network)).unwrap())
            .collect()
    };
    assert_eq!(rows(&one), rows(&three));
    assert_eq!(rungs(&one), rungs(&three));
    let in_rungs = one
        .result
        .leaderboard
        .iter()
        .filter(|r| r.rung.is_some())
        .count();
    assert!(in_rungs >= 8, "{in_rungs} rows in rungs");
    assert!(one
        .result
        .leaderboard
        .iter()
        .any(|r| r.rung.as_ref().is_some_and(|i| i.stopped.is_some())));
}

#[test]
fn networks_with_embeddings_give_the_same_leaderboard_on_one_and_three_workers() {
    // a 40-level category whose level turns the label round (for odd levels)
    let mut csv = String::from("x,city,label\n");
    let mut state = 99u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for _ in 0..400 {
        let x = next() * 4.0 - 2.0;
        let level = (next() * 40.0) as usize % 40;
        let label = (x > 0.0) != (level % 2 == 1);
        csv.push_str(&format!(
            "{x:.4},c{level:02},{}\n",
            if label { "yes" } else { "no" }
        ));
    }
    let t = read_csv(csv.as_bytes(), "levels.csv").unwrap();
    let mut settings = trials("label", 6, 4);
    settings.families = vec!["neural_network".into()];
    let one = pooled(&t, &settings, 1);
    let three = pooled(&t, &settings, 3);
    let traces = |out: &SearchOutcome| -> Vec<String> {
        let mut rows: Vec<_> = out.result.leaderboard.iter().collect();
        rows.sort_by_key(|r| r.trial);
        rows.iter()
            .map(|r| serde_json::to_string(&(r.trial, &r.network)).unwrap())
            .collect()
    };
    assert_eq!(rows(&one), rows(&three));
    assert_eq!(traces(&one), traces(&three));
    // every network embedded the category: a row for the unknown and rare levels and one for
    // each other level (levels with the same frequency and target mean share one), 8 numbers
    let networks: Vec<_> = one
        .result
        .leaderboard
        .iter()
        .filter_map(|r| r.network.as_ref())
        .collect();
    assert!(!networks.is_empty());
    assert!(
        networks.iter().all(|n| n.embeddings.len() == 1
            && n.embeddings[0][0] >= 20
            && n.embeddings[0][1] == 8),
        "{:?}",
        networks.iter().map(|n| &n.embeddings).collect::<Vec<_>>()
    );
}

/// A synthetic classification table of `n` rows: two informative numbers, one noise column
/// and a category.
fn large_table(n: usize) -> Table {
    let mut csv = String::from("a,b,noise,kind,label\n");
    let mut state = 12345u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for _ in 0..n {
        let (a, b, noise) = (next() * 4.0 - 2.0, next() * 4.0 - 2.0, next());
        let kind = ["x", "y", "z"][(next() * 3.0) as usize % 3];
        let flip = next() < 0.1;
        let positive = (a * a + b > 1.0) != flip;
        csv.push_str(&format!(
            "{a:.4},{b:.4},{noise:.4},{kind},{}\n",
            if positive { "yes" } else { "no" }
        ));
    }
    read_csv(csv.as_bytes(), "large.csv").unwrap()
}

#[test]
fn progressive_sampling_is_deterministic_whatever_the_workers() {
    let t = large_table(14_000);
    let settings = trials("label", 16, 3);
    let one = pooled(&t, &settings, 1);
    let again = run_search(&t, &settings, &SystemClock::new(), &mut quiet).unwrap();
    let three = pooled(&t, &settings, 3);
    assert_eq!(rows(&one), rows(&again));
    assert_eq!(rows(&one), rows(&three));
    let lb = &one.result.leaderboard;
    // 11,200 training rows per split: costly configurations start on a sample of 5,000
    let sampled: Vec<_> = lb.iter().filter(|r| r.sample_rows.is_some()).collect();
    assert!(!sampled.is_empty(), "some trials ran on the sample");
    assert!(sampled.iter().all(|r| r.sample_rows == Some(5_000)));
    // a promoted configuration runs again on all rows as the next trial
    let promoted = sampled.iter().any(|s| {
        lb.iter().any(|r| {
            r.trial == s.trial + 1
                && r.sample_rows.is_none()
                && r.params == s.params
                && r.label == s.label
        })
    });
    assert!(
        promoted,
        "at least one sampled trial was promoted to all rows"
    );
    // cheap families are never sampled
    assert!(lb
        .iter()
        .filter(|r| r.family == "constant" || r.family.ends_with("nb"))
        .all(|r| r.sample_rows.is_none()));
    assert!(
        one.result.best.row.mean > 0.8,
        "{}",
        one.result.best.row.mean
    );
}

#[test]
fn the_outcome_holds_the_winners_out_of_fold_predictions() {
    let t = table("iris.csv");
    let out = run_search(
        &t,
        &SearchSettings {
            ensemble: false,
            ..trials("target", 8, 1)
        },
        &SystemClock::new(),
        &mut quiet,
    )
    .unwrap();
    let best = &out.result.best.row;
    let classes = &out.result.classes;
    assert_eq!(classes.len(), 3);
    // 150 rows: 5-fold repeated 3 times; every row predicted once per repeat
    assert_eq!(out.oof.splits.len(), 15);
    let mut seen = vec![0; 150];
    for split in &out.oof.splits {
        assert_eq!(split.predictions.len(), split.rows.len() * 3);
        split.rows.iter().for_each(|&r| seen[r] += 1);
    }
    assert!(seen.iter().all(|&c| c == 3), "{seen:?}");
    // the predictions reproduce the winner's fold scores
    let target = t.names.iter().position(|n| n == "target").unwrap();
    for (split, &score) in out.oof.splits.iter().zip(&best.fold_scores) {
        let right = split
            .rows
            .iter()
            .enumerate()
            .filter(|&(i, &r)| {
                let p = &split.predictions[i * 3..i * 3 + 3];
                let k = (0..3)
                    .max_by(|&a, &b| p[a].total_cmp(&p[b]).then(b.cmp(&a)))
                    .unwrap();
                classes[k] == t.columns[target].get(r)
            })
            .count();
        let accuracy = right as f64 / split.rows.len() as f64;
        assert!((accuracy - score).abs() < 1e-9, "{accuracy} vs {score}");
    }
}
