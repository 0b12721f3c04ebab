//! Results a person uses after a run: out-of-fold predictions, diagnostics, the model file
//! (round trip, damaged and foreign files) and per-row explanations, on real data with seeds.
#![allow(clippy::needless_range_loop)]

mod common;
use common::table;

use automl::clock::SystemClock;
use automl::models::{Family, ModelSpec};
use automl::preprocess::{Frame, Pipeline};
use automl::results::contributions::explain_row;
use automl::results::diagnostics::diagnose;
use automl::results::model_file::{load, ModelFile};
use automl::search::ensemble::FinalModel;
use automl::search::{run_search, Control, Progress, SearchOutcome, SearchSettings};
use automl::{read_csv, AutoMlError, Table};
use std::collections::BTreeMap;

fn trials(target: &str, n: usize, ensemble: bool) -> SearchSettings {
    SearchSettings {
        target: Some(target.into()),
        time_budget_s: None,
        max_trials: Some(n),
        seed: 7,
        ensemble,
        ..Default::default()
    }
}

fn search(t: &Table, s: &SearchSettings) -> SearchOutcome {
    run_search(t, s, &SystemClock::new(), &mut |_: &Progress| {
        Control::Continue
    })
    .unwrap()
}

/// A synthetic table: y = 3·a + (b == "hi" ? 2 : 0), c is noise.
fn synthetic(n: usize) -> Table {
    let mut csv = String::from("a,b,c,y\n");
    let mut s: u64 = 12345;
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    for _ in 0..n {
        let a = next();
        let b = if next() < 0.5 { "hi" } else { "lo" };
        let c = next();
        let y = 3.0 * a + if b == "hi" { 2.0 } else { 0.0 };
        csv.push_str(&format!("{a},{b},{c},{y}\n"));
    }
    read_csv(csv.as_bytes(), "synthetic.csv").unwrap()
}

#[test]
fn out_of_fold_covers_every_row_once_per_repeat() {
    let t = table("iris.csv");
    let out = search(&t, &trials("target", 6, true));
    // under 500 rows: 5 folds × 3 repeats
    assert_eq!(out.oof.splits.len(), 15);
    let mut seen = vec![0usize; 150];
    for s in &out.oof.splits {
        assert_eq!(s.predictions.len(), s.rows.len() * 3);
        for &r in &s.rows {
            seen[r] += 1;
        }
    }
    assert!(seen.iter().all(|&c| c == 3), "{seen:?}");
    // the best row's fold scores are the accuracy of these predictions
    let best = &out.result.best.row;
    let truth = ["setosa", "versicolor", "virginica"];
    let labels: Vec<&str> = t.columns[4].iter().collect();
    for (s, split) in out.oof.splits.iter().enumerate() {
        let right = split
            .rows
            .iter()
            .enumerate()
            .filter(|(i, &r)| {
                let p = &split.predictions[i * 3..i * 3 + 3];
                let arg = (0..3).fold(0, |b, c| if p[c] > p[b] { c } else { b });
                truth[arg] == labels[r]
            })
            .count();
        let acc = right as f64 / split.rows.len() as f64;
        assert!((acc - best.fold_scores[s]).abs() < 1e-12, "split {s}");
    }
    let d = diagnose(
        &t,
        &trials("target", 6, true),
        &out,
        &SystemClock::new(),
        &mut |_: &Progress| Control::Continue,
    )
    .unwrap();
    assert_eq!(d.out_of_fold.rows, (0..150).collect::<Vec<_>>());
    assert_eq!(d.out_of_fold.actual[0], "setosa");
    assert_eq!(d.out_of_fold.probabilities.as_ref().unwrap().len(), 150);
    // what the page draws: the matrix of those predictions, three classes, no sweep
    let c = d.classification.as_ref().expect("a classification view");
    assert!(d.regression.is_none());
    assert!(c.binary.is_none());
    assert_eq!(c.report.total, 150);
    let right = (0..150)
        .filter(|&i| d.out_of_fold.actual[i] == d.out_of_fold.predicted[i])
        .count();
    assert_eq!(c.report.accuracy, right as f64 / 150.0);
    // the first repeat's splits are the first five: its accuracy is their rows' share right
    let diagonal: usize = (0..3).map(|k| c.report.matrix[k][k]).sum();
    assert_eq!(diagonal, right);
    assert_eq!(
        c.report
            .classes
            .iter()
            .map(|r| r.support)
            .collect::<Vec<_>>(),
        [50, 50, 50]
    );
}

#[test]
fn a_binary_run_sends_one_sweep_for_the_curves_and_the_slider() {
    let t = table("titanic.csv");
    let s = trials("Survived", 4, false);
    let out = search(&t, &s);
    let d = diagnose(&t, &s, &out, &SystemClock::new(), &mut |_: &Progress| {
        Control::Continue
    })
    .unwrap();
    let c = d.classification.expect("a classification view");
    let b = c.binary.expect("two classes: a sweep");
    assert_eq!((b.negative.as_str(), b.positive.as_str()), ("0", "1"));
    assert_eq!(b.negatives + b.positives, 891);
    // the area is the ROC AUC metric's on the same out-of-fold probabilities
    let probs = d.out_of_fold.probabilities.as_ref().unwrap();
    let truth: Vec<u32> = d
        .out_of_fold
        .actual
        .iter()
        .map(|a| u32::from(a == "1"))
        .collect();
    let flat: Vec<f64> = probs.iter().flatten().copied().collect();
    assert_eq!(b.roc_auc, Some(automl::metrics::roc_auc(&truth, &flat, 2)));
    assert!(b.roc_auc.unwrap() > 0.75, "{:?}", b.roc_auc);
    // from nothing called positive to everything, and the model's own decisions among them
    assert_eq!(b.points[0].threshold, None);
    let last = b.points.last().unwrap();
    assert_eq!(
        (last.tp, last.fp, last.fpr, last.tpr),
        (b.positives, b.negatives, 1.0, 1.0)
    );
    assert_eq!(b.points[b.default_point].report, c.report);
    for p in &b.points {
        assert_eq!(p.report.matrix, [[p.tn, p.fp], [p.fn_, p.tp]]);
        assert_eq!(p.report.total, 891);
    }
    assert!(b.calibration.iter().map(|c| c.count).sum::<usize>() == 891);
}

#[test]
fn diagnostics_find_the_informative_columns() {
    let t = synthetic(600);
    let s = trials("y", 8, false);
    let out = search(&t, &s);
    let mut phases = Vec::new();
    let d = diagnose(&t, &s, &out, &SystemClock::new(), &mut |e: &Progress| {
        if let Progress::Phase { phase, .. } = e {
            phases.push(phase.clone());
        }
        Control::Continue
    })
    .unwrap();
    assert_eq!(phases, ["explain"]);
    // 600 rows: plain 5-fold, every row once
    assert_eq!(d.out_of_fold.rows.len(), 600);
    assert!(d.out_of_fold.probabilities.is_none());
    // what the page draws: every row, R² by the metric's own function, every residual binned
    let r = d.regression.as_ref().expect("a regression view");
    assert!(d.classification.is_none());
    let actual: Vec<f64> = d
        .out_of_fold
        .actual
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let predicted: Vec<f64> = d
        .out_of_fold
        .predicted
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!((r.rows, r.points.len()), (600, 600));
    assert_eq!(r.r2, automl::metrics::r2(&actual, &predicted));
    assert!(r.r2 > 0.9, "{}", r.r2);
    assert_eq!(
        r.residual_histogram.iter().map(|b| b.count).sum::<usize>(),
        600
    );
    let imp = &d.importance;
    assert_eq!(imp.repeats, 5);
    assert_eq!(imp.features.len(), 3);
    // var(2·[b = hi]) = 1 > var(3·a) = 0.75: b matters most, then a, and c not at all
    assert_eq!(imp.features[0].column, "b", "{imp:?}");
    assert_eq!(imp.features[1].column, "a", "{imp:?}");
    assert!(
        imp.features[0].mean > 0.5 && imp.features[1].mean > 0.2,
        "{imp:?}"
    );
    assert!(imp.features[2].mean.abs() < 0.05, "noise column: {imp:?}");
    assert!(imp.held_out.contains("120 rows"), "{}", imp.held_out);
    // partial dependence: a rises about 3 per unit; b's levels differ by about 2
    let a = d
        .partial_dependence
        .iter()
        .find(|p| p.column == "a")
        .unwrap();
    assert_eq!(a.kind, "numeric");
    assert!(a.points.len() >= 15);
    let (first, last) = (&a.points[0], a.points.last().unwrap());
    let slope = (last.y[0] - first.y[0]) / (last.x.as_f64().unwrap() - first.x.as_f64().unwrap());
    assert!((slope - 3.0).abs() < 0.6, "slope {slope}");
    let b = d
        .partial_dependence
        .iter()
        .find(|p| p.column == "b")
        .unwrap();
    assert_eq!(b.kind, "categorical");
    let at = |l: &str| b.points.iter().find(|p| p.x == l).unwrap().y[0];
    assert!((at("hi") - at("lo") - 2.0).abs() < 0.4, "{b:?}");
}

#[test]
fn model_file_round_trip_predicts_identically() {
    let t = table("titanic.csv");
    let s = trials("Survived", 8, true);
    let out = search(&t, &s);
    let bytes = ModelFile::from_run(&t, &s, &out)
        .unwrap()
        .to_bytes()
        .unwrap();
    let model = load(&bytes, "titanic.automl").unwrap();
    assert_eq!(model.target, "Survived");
    assert_eq!(model.classes, ["0", "1"]);
    assert_eq!(model.settings.seed, 7);
    let (pred, proba, _) = out.model.predict_table(&t).unwrap();
    let p = model.predict_table(&t).unwrap();
    let proba = proba.unwrap();
    let automl::models::Prediction::Classes(codes) = pred else {
        panic!()
    };
    for (r, row) in p.rows.iter().enumerate() {
        assert_eq!(row.prediction, model.classes[codes[r] as usize]);
        let mine: Vec<u64> = row
            .probabilities
            .as_ref()
            .unwrap()
            .iter()
            .map(|v| v.to_bits())
            .collect();
        let theirs: Vec<u64> = proba.row(r).iter().map(|v| v.to_bits()).collect();
        assert_eq!(mine, theirs, "row {r}");
    }
    assert!(
        p.notes
            .iter()
            .any(|n| n.to_string().contains("\"PassengerId\"")),
        "{:?}",
        p.notes
    );
    // saving the loaded model again gives the same bytes
    assert_eq!(model.to_bytes().unwrap(), bytes);
}

fn load_err(bytes: &[u8]) -> String {
    match load(bytes, "m.automl") {
        Err(e @ AutoMlError::ModelFile { .. }) => format!("{e} {}", e.hint()),
        Err(e) => panic!("wrong error kind: {e}"),
        Ok(_) => panic!("loaded"),
    }
}

#[test]
fn damaged_foreign_and_newer_model_files_are_named() {
    let t = table("iris.csv");
    let s = trials("target", 3, false);
    let bytes = ModelFile::from_run(&t, &s, &search(&t, &s))
        .unwrap()
        .to_bytes()
        .unwrap();
    let csv = std::fs::read(format!(
        "{}/tests/data/iris.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    assert!(load_err(&csv).contains("is not a model file"));
    assert!(load_err(b"{\"a\": 1}").contains("it is JSON"));
    assert!(load_err(b"").contains("it is empty"));
    assert!(load_err(&[0xff, 0xfe, 0, 1, 2]).contains("binary data"));
    let cut = load_err(&bytes[..bytes.len() - 100]);
    assert!(cut.contains("damaged: it was cut short"), "{cut}");
    let mut flipped = bytes.clone();
    let at = flipped.len() - 50;
    flipped[at] ^= 0x01;
    assert!(load_err(&flipped).contains("checksum does not match"));
    let header_cut = load_err(&bytes[..40]);
    assert!(header_cut.contains("header is incomplete"), "{header_cut}");
    let newer =
        String::from_utf8(bytes.clone())
            .unwrap()
            .replacen("AUTOML-MODEL 1", "AUTOML-MODEL 7", 1);
    let msg = load_err(newer.as_bytes());
    assert!(
        msg.contains("model format 7") && msg.contains("newer version"),
        "{msg}"
    );
    // a well-framed body that is not a model
    let body = b"{\"formatVersion\":1,\"hello\":true}";
    let framed = format!(
        "AUTOML-MODEL 1\ncreated-with automl 0.1.0\nbody-bytes {}\nbody-fnv1a64 {:016x}\n\n",
        body.len(),
        automl::results::model_file::fnv1a64(body)
    );
    let mut wrong = framed.into_bytes();
    wrong.extend_from_slice(body);
    let msg = load_err(&wrong);
    assert!(msg.contains("not a model this version can read"), "{msg}");
}

#[test]
fn predicting_names_every_missing_column() {
    let t = table("iris.csv");
    let s = trials("target", 2, false);
    let model = ModelFile::from_run(&t, &s, &search(&t, &s)).unwrap();
    let new = read_csv(b"sepal length (cm),other\n5.1,1\n", "new.csv").unwrap();
    let e = model.predict_table(&new).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("lacks 3 column(s)") && msg.contains("\"petal width (cm)\""),
        "{msg}"
    );
}

/// A model file holding `spec` fitted on all of `t` (target `target`).
fn model_with(t: &Table, target: &str, spec: ModelSpec) -> ModelFile {
    let s = trials(target, 1, false);
    let out = search(t, &s);
    let col = t.column_index(target).unwrap();
    let prepared = automl::target::prepare_target(t, col, out.result.task).unwrap();
    let frame = Frame::from_table(t, col);
    let y = prepared.target.view();
    let (pipeline, x) = Pipeline::fit_transform(&frame, &prepared.rows, Some(y), 7);
    let model = spec.fit(&x, y, 7).unwrap();
    let _ = x;
    ModelFile::build(t, &s, &out.result, pipeline, FinalModel::Single(model)).unwrap()
}

/// The registered family named `name`.
fn family(name: &str) -> Family {
    Family::named(name).unwrap()
}

fn row_of(t: &Table, r: usize) -> BTreeMap<String, String> {
    t.names
        .iter()
        .zip(&t.columns)
        .map(|(n, c)| (n.clone(), c.get(r).to_string()))
        .collect()
}

fn sigmoid(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

#[test]
fn tree_shap_adds_up_to_the_prediction() {
    let t = table("titanic.csv");
    let gbm = ModelSpec::default_for(family("gradient_boosting"), true).unwrap();
    let model = model_with(&t, "Survived", gbm);
    assert!(!model.covers.is_empty());
    for r in [0, 1, 5, 100] {
        let e = explain_row(&model, &row_of(&t, r)).unwrap();
        assert_eq!(e.output, "log-odds");
        assert!(e.method.contains("TreeSHAP"), "{}", e.method);
        let p = e.probabilities.unwrap();
        let logit: f64 = e.base[1] + e.contributions.iter().map(|c| c.effect[1]).sum::<f64>();
        assert!(
            (sigmoid(logit) - p[1]).abs() < 1e-9,
            "row {r}: {} vs {}",
            sigmoid(logit),
            p[1]
        );
        // one entry per input column
        assert_eq!(e.contributions.len(), model.pipeline.specs.len());
    }
    let reg = table("diabetes.csv");
    let forest = ModelSpec::default_for(family("random_forest"), false).unwrap();
    let model = model_with(&reg, "target", forest);
    let p = model.predict_rows(&[row_of(&reg, 3)]).unwrap();
    let e = explain_row(&model, &row_of(&reg, 3)).unwrap();
    assert_eq!(e.output, "value");
    let total = e.base[0] + e.contributions.iter().map(|c| c.effect[0]).sum::<f64>();
    let value = p.rows[0].prediction.as_f64().unwrap();
    assert!(
        (total - value).abs() < 1e-9 * value.abs().max(1.0),
        "{total} vs {value}"
    );
}

#[test]
fn sampling_shapley_adds_up_and_is_seeded() {
    let t = table("iris.csv");
    let spec = ModelSpec::default_for(family("logistic_regression"), true).unwrap();
    let model = model_with(&t, "target", spec);
    assert!(model.covers.is_empty());
    let row = row_of(&t, 120);
    let e = explain_row(&model, &row).unwrap();
    assert!(e.method.contains("Sampling estimate"), "{}", e.method);
    assert_eq!(e.output, "probability");
    let p = e.probabilities.clone().unwrap();
    for c in 0..3 {
        let total = e.base[c] + e.contributions.iter().map(|x| x.effect[c]).sum::<f64>();
        assert!(
            (total - p[c]).abs() < 1e-12,
            "class {c}: {total} vs {}",
            p[c]
        );
    }
    // petal measurements matter more than sepal width for iris
    let size = |name: &str| {
        e.contributions
            .iter()
            .find(|c| c.column == name)
            .unwrap()
            .effect
            .iter()
            .map(|v| v.abs())
            .sum::<f64>()
    };
    assert!(size("petal length (cm)") > size("sepal width (cm)"));
    assert_eq!(explain_row(&model, &row).unwrap(), e);
}

/// The result fixtures the browser tests inject (tests/browser/fixtures/) carry the views the
/// core computes from their out-of-fold predictions, so the page draws the core's numbers.
/// After a change to those views, regenerate them with
/// `UPDATE_FIXTURES=1 cargo test --profile test-release --test results browser_fixtures`.
#[test]
fn browser_fixtures_hold_the_cores_views_of_their_predictions() {
    use automl::results::curves::summarize;
    use automl::results::diagnostics::OutOfFoldView;
    use serde_json::Value;
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/fixtures");
    for name in ["results-binary", "results-multiclass", "results-regression"] {
        let path = dir.join(format!("{name}.json"));
        let mut fixture: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let task = serde_json::from_value(fixture["task"].clone()).unwrap();
        let classes: Vec<String> = serde_json::from_value(fixture["classes"].clone()).unwrap();
        let oof: OutOfFoldView =
            serde_json::from_value(fixture["diagnostics"]["outOfFold"].clone()).unwrap();
        let (c, r) = summarize(task, &classes, &oof, 7);
        let diagnostics = &mut fixture["diagnostics"];
        let views = [
            ("classification", serde_json::to_value(c).unwrap()),
            ("regression", serde_json::to_value(r).unwrap()),
        ];
        for (key, view) in views {
            if update {
                diagnostics[key] = view;
            } else {
                assert_eq!(
                    diagnostics[key], view,
                    "{name}: {key} is not what the core computes; regenerate the fixtures with UPDATE_FIXTURES=1"
                );
            }
        }
        if update {
            let text = serde_json::to_string_pretty(&fixture).unwrap();
            std::fs::write(&path, format!("{text}\n")).unwrap();
        }
    }
}

/// The what-if form's cells as the model reads them: numbers in the column's own format (a
/// decimal comma here), text that is not a number named and read as missing (never shown as
/// a value in the explanation), known and unknown levels, and empty cells with their fill.
#[test]
fn what_if_cells_are_read_as_the_training_file_wrote_them() {
    let mut csv = String::from("length;colour;y\n");
    for i in 0..40 {
        let colour = ["red", "green", "blue"][i % 3];
        csv.push_str(&format!(
            "{},{};{colour};{}\n",
            10 + i,
            i % 10,
            if i % 2 == 0 { "a" } else { "b" }
        ));
    }
    let t = read_csv(csv.as_bytes(), "comma.csv").unwrap();
    let spec = ModelSpec::default_for(family("logistic_regression"), true).unwrap();
    let model = model_with(&t, "y", spec);
    let columns = model.columns();
    assert_eq!(
        columns[0].number_format,
        Some(automl::data::cells::NumberFormat::DecimalComma)
    );
    // most frequent first, ties by name
    assert_eq!(columns[1].levels, ["red", "blue", "green"]);
    let row = |length: &str, colour: &str| -> BTreeMap<String, String> {
        [("length", length), ("colour", colour)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let states = |r: &BTreeMap<String, String>| -> Vec<(&'static str, Option<String>)> {
        model
            .check_row(r)
            .into_iter()
            .map(|c| (c.state, c.note.map(|n| n.code)))
            .collect()
    };
    assert_eq!(
        states(&row("50,5", "red")),
        [("value", None), ("value", None)]
    );
    let checked = model.check_row(&row("50.5", "Mars"));
    assert_eq!(checked[0].state, "unreadable");
    let note = checked[0].note.clone().unwrap();
    assert_eq!(note.code, "whatif.not_a_number_written");
    assert_eq!(
        note.param("example"),
        Some(&automl::messages::Param::Text("50,5".to_string()))
    );
    assert_eq!(checked[1].state, "unknown_level");
    assert_eq!(
        states(&row("abc", "")),
        [
            ("unreadable", Some("whatif.not_a_number".into())),
            ("missing", Some("whatif.missing_level".into()))
        ]
    );
    assert_eq!(
        states(&row("", "red"))[0],
        ("missing", Some("whatif.missing_median".into()))
    );
    // the explanation lists text that is not a number as missing, not as a value
    let e = model.explain_checked_row(&row("abc", "red")).unwrap();
    let length = e
        .explanation
        .contributions
        .iter()
        .find(|c| c.column == "length")
        .unwrap();
    assert_eq!(length.value, "");
    assert_eq!(e.base_from, "background");
    assert_eq!(e.background_rows, model.background.len());
}
