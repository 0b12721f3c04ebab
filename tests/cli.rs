//! Tests of the `automl` command line: output on success, exit code 2 and a message on bad input.

mod common;
use common::automl;

#[test]
fn fit_prints_the_leaderboard_and_the_best_model() {
    let (code, out, err) = automl(&[
        "fit",
        "tests/data/iris.csv",
        "--target",
        "target",
        "--time-budget",
        "3",
        "--seed",
        "1",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("rank  model"), "{out}");
    assert!(out.contains("Best model:"), "{out}");
    assert!(err.contains("trial   1"), "progress lines on stderr: {err}");
}

#[test]
fn fit_verbose_says_how_networks_climb_and_stop_in_rungs() {
    let (code, _, err) = automl(&[
        "fit",
        "tests/data/iris.csv",
        "--target",
        "target",
        "--families",
        "neural_network",
        "--max-trials",
        "12",
        "--no-explain",
        "--verbose",
    ]);
    assert_eq!(code, 0, "{err}");
    // the portfolio's network (16 epochs) starts with 6, continues as trial 3 with all 16
    assert!(
        err.contains("· Neural network starts short: 6 of its 16 epochs (rung 1 of 2)."),
        "{err}"
    );
    assert!(
        err.contains("it continues to rung 2 of 2, 16 epochs."),
        "{err}"
    );
    assert!(err.contains(": Stopped at rung 1 of "), "{err}");
    assert!(
        err.contains("· Taking a step from the best network so far: "),
        "{err}"
    );
}

#[test]
fn fit_verbose_says_what_the_search_decides_and_each_training_score() {
    let (code, _, err) = automl(&[
        "fit",
        "tests/data/iris.csv",
        "--target",
        "target",
        "--max-trials",
        "14",
        "--no-explain",
        "--verbose",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].ends_with(
            "· Starting with a list of 12 proven settings, the cheapest of each model family first."
        ),
        "{err}"
    );
    assert!(
        lines[1].contains("· Trying Baseline (constant) with its usual settings (1 of 12"),
        "{err}"
    );
    assert!(lines[2].contains("trial   1  Baseline (constant)"), "{err}");
    assert!(
        lines[3].contains("· on its own training rows: balanced_accuracy="),
        "{err}"
    );
    assert!(err.contains("· Switching from "), "{err}");
    assert!(
        err.contains("· The search ends: the 14 trials asked for have all run."),
        "{err}"
    );
    assert!(!err.contains("event."), "sentences, not codes: {err}");
    // the network is one of the starting list's settings, told like any other
    assert!(
        err.contains("· Trying Neural network with its usual settings"),
        "{err}"
    );
}

#[test]
fn fit_json_is_machine_readable() {
    let (code, out, err) = automl(&[
        "fit",
        "tests/data/diabetes.csv",
        "--max-trials",
        "3",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["task"], "regression");
    let trials = v["leaderboard"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["family"] != "ensemble")
        .count();
    assert_eq!(trials, 3);
    assert_eq!(v["metric"], "r2");
    // each trial's score on its training rows beside its cross-validated one
    assert!(v["leaderboard"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["family"] != "ensemble")
        .all(|r| r["trainScore"].is_f64()));
}

fn fails_with(args: &[&str], needle: &str) {
    let (code, out, err) = automl(args);
    assert_eq!(
        code, 2,
        "exit code for {args:?}; stdout {out}; stderr {err}"
    );
    assert!(
        err.contains(needle),
        "{args:?}: expected {needle:?} in {err}"
    );
    assert!(err.contains("hint: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bad_input_exits_2_with_a_message_that_names_the_problem() {
    fails_with(
        &["fit", "tests/data/missing.csv"],
        "Cannot read \"tests/data/missing.csv\"",
    );
    fails_with(
        &["fit", "tests/data/bad/empty.csv"],
        "\"empty.csv\" is empty",
    );
    fails_with(&["fit", "tests/data/bad/header_only.csv"], "no data rows");
    fails_with(
        &["fit", "tests/data/bad/ragged.csv"],
        "Line 3 of \"ragged.csv\" has 2 fields, but the header has 3",
    );
    fails_with(
        &["fit", "tests/data/bad/binary.csv"],
        "does not look like a CSV",
    );
    fails_with(
        &["fit", "tests/data/bad/duplicate_columns.csv"],
        "two columns named \"x\"",
    );
    fails_with(
        &["fit", "tests/data/bad/one_class.csv"],
        "every row has the same value \"same\"",
    );
    fails_with(
        &["fit", "tests/data/bad/only_identifier.csv"],
        "No column besides the target",
    );
    fails_with(
        &["fit", "tests/data/iris.csv", "--target", "species"],
        "no column named \"species\"",
    );
    fails_with(
        &["fit", "tests/data/iris.csv", "--task", "regression"],
        "\"setosa\", which is not a number",
    );
}

#[test]
fn awkward_but_usable_files_run_and_say_what_was_done() {
    let (code, out, err) = automl(&[
        "fit",
        "tests/data/bad/unnamed_and_empty_columns.csv",
        "--max-trials",
        "2",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("note: Column \"empty\" was left out: it has a single value or none."),
        "{out}"
    );
    let (code, out, err) = automl(&[
        "fit",
        "tests/data/bad/infinities_and_nan_target.csv",
        "--max-trials",
        "2",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("2 row(s) with no value in the target \"label\" were left out."),
        "{out}"
    );
    let (code, out, _) = automl(&["inspect", "tests/data/bad/unnamed_and_empty_columns.csv"]);
    assert_eq!(code, 0);
    assert!(out.contains("1 column(s) have no name (column 2)"), "{out}");
    let (code, out, _) = automl(&["inspect", "tests/data/bad/infinities_and_nan_target.csv"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Column \"x\": 2 infinite value(s) will be treated as missing."),
        "{out}"
    );
}

#[test]
fn bad_arguments_exit_2() {
    fails_with(
        &["fit", "tests/data/iris.csv", "--type", "target"],
        "--type needs COLUMN=KIND",
    );
    fails_with(
        &["fit", "tests/data/iris.csv", "--type", "target=wobbly"],
        "\"wobbly\" is not a column type",
    );
    fails_with(
        &["fit", "tests/data/iris.csv", "--exclude", "petals"],
        "no column named \"petals\"",
    );
    fails_with(
        &["fit", "tests/data/iris.csv", "--time-budget", "soon"],
        "--time-budget needs a number",
    );
    fails_with(
        &["fit", "tests/data/iris.csv", "--time-budget", "0"],
        "time budget",
    );
    fails_with(&["fit", "tests/data/iris.csv", "--folds", "1"], "folds");
    fails_with(
        &["fit", "tests/data/iris.csv", "--bogus"],
        "Unknown option --bogus",
    );
    fails_with(&["fit"], "needs a data file");
    fails_with(&["frobnicate"], "Unknown command");
}

#[test]
fn inspect_lists_columns_and_kinds() {
    let (code, out, err) = automl(&["inspect", "tests/data/titanic.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("891 rows × 12 columns"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("Name") && l.contains("identifier")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.contains("Sex") && l.contains("categorical")),
        "{out}"
    );
}

#[test]
fn fit_model_out_then_predict_gives_the_in_process_predictions() {
    let dir = std::env::temp_dir().join(format!("automl-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("titanic.automl");
    let model = model.to_str().unwrap();
    let (code, _, err) = automl(&[
        "fit",
        "tests/data/titanic.csv",
        "--target",
        "Survived",
        "--max-trials",
        "6",
        "--quiet",
        "--model-out",
        model,
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = automl(&["predict", model, "tests/data/titanic.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("note: 2 column(s) the model does not use were ignored"),
        "{err}"
    );
    // the file holds the target: its score on the file, on standard error
    assert!(
        err.contains("Score on titanic.csv: balanced accuracy 0.")
            && err.contains(" over 891 rows"),
        "{err}"
    );
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    // the row number, the input columns as in the file, the actual value, the prediction,
    // the probabilities and a note
    assert_eq!(header.first().map(String::as_str), Some("row"));
    assert_eq!(
        &header[header.len() - 5..],
        [
            "Survived",
            "prediction",
            "probability_0",
            "probability_1",
            "note"
        ]
    );
    for input in ["Pclass", "Sex", "Age", "Fare"] {
        assert!(header.iter().any(|h| h == input), "{header:?}");
    }
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (sex, actual, prediction, p1) = (
        at("Sex"),
        at("Survived"),
        at("prediction"),
        at("probability_1"),
    );
    // the same deterministic run, in this process
    let path = format!("{}/tests/data/titanic.csv", env!("CARGO_MANIFEST_DIR"));
    let table = automl::read_csv(&std::fs::read(path).unwrap(), "titanic.csv").unwrap();
    let settings = automl::SearchSettings {
        target: Some("Survived".into()),
        time_budget_s: None,
        max_trials: Some(6),
        ..Default::default()
    };
    let outcome = automl::run_search(
        &table,
        &settings,
        &automl::clock::SystemClock::new(),
        &mut |_: &automl::Progress| automl::Control::Continue,
    )
    .unwrap();
    let (_, proba, _) = outcome.model.predict_table(&table).unwrap();
    let proba = proba.unwrap();
    let mut n = 0;
    for (r, record) in reader.records().enumerate() {
        let f = record.unwrap();
        assert_eq!(&f[0], (r + 1).to_string());
        assert_eq!(
            &f[sex],
            table.columns[table.column_index("Sex").unwrap()].get(r)
        );
        assert_eq!(
            &f[actual],
            table.columns[table.column_index("Survived").unwrap()].get(r)
        );
        let p1: f64 = f[p1].parse().unwrap();
        assert_eq!(p1.to_bits(), proba.row(r)[1].to_bits(), "row {}", r + 1);
        let class = if proba.row(r)[1] > proba.row(r)[0] {
            "1"
        } else {
            "0"
        };
        assert_eq!(&f[prediction], class);
        assert_eq!(&f[f.len() - 1], "", "no note: every row has values");
        n += 1;
    }
    assert_eq!(n, 891);
    // --out writes the same CSV to a file
    let csv = dir.join("p.csv");
    let (code, stdout, _) = automl(&[
        "predict",
        model,
        "tests/data/titanic.csv",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert_eq!((code, stdout.as_str()), (0, ""));
    // the file starts with a UTF-8 byte-order mark (for Excel); standard output does not
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        format!("\u{feff}{out}")
    );
    assert!(!out.starts_with('\u{feff}'));
    // a file lacking model columns: every missing column named, exit 2
    let (code, _, err) = automl(&["predict", model, "tests/data/iris.csv"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("lacks 9 column(s) the model needs") && err.contains("\"Pclass\""),
        "{err}"
    );
    // a damaged model file and a foreign one: exit 2 and the reason
    let mut bytes = std::fs::read(model).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    let damaged = dir.join("damaged.automl");
    std::fs::write(&damaged, &bytes).unwrap();
    let (code, _, err) = automl(&[
        "predict",
        damaged.to_str().unwrap(),
        "tests/data/titanic.csv",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("\"damaged.automl\" cannot be used as a model: it is damaged: its checksum does not match"), "{err}");
    let (code, _, err) = automl(&["predict", "tests/data/iris.csv", "tests/data/titanic.csv"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("\"iris.csv\" cannot be used as a model: it is not a model file"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bench_writes_one_result_file_per_tabular_dataset() {
    let dir = std::env::temp_dir().join(format!("automl-bench-test-{}", std::process::id()));
    let (data, splits, out) = (dir.join("data"), dir.join("splits"), dir.join("out"));
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(&splits).unwrap();
    let iris = std::fs::read_to_string("tests/data/iris.csv").unwrap();
    std::fs::write(data.join("iris.csv"), &iris).unwrap();
    std::fs::write(
        data.join("index.json"),
        r#"{"datasets": [
            {"name": "iris", "file": "iris.csv", "task": "multiclass", "target": "target"},
            {"name": "series", "file": "series.csv", "task": "timeseries", "target": "v",
             "time_column": "month", "season_length": 12}]}"#,
    )
    .unwrap();
    // a monthly series with a trend and a yearly season: 48 months, the last 12 to forecast
    let mut series = String::from("month,v\n");
    for m in 0..48 {
        let season = [
            0.0, 2.0, 5.0, 3.0, 1.0, -1.0, -3.0, -4.0, -2.0, 0.0, 1.0, -2.0,
        ][m % 12];
        series += &format!(
            "{}-{:02}-01,{}\n",
            2000 + m / 12,
            m % 12 + 1,
            100.0 + m as f64 + season
        );
    }
    std::fs::write(data.join("series.csv"), series).unwrap();
    std::fs::write(
        splits.join("series.json"),
        r#"{"dataset": "series", "task": "timeseries", "train": [0, 36], "test": [36, 48]}"#,
    )
    .unwrap();
    // two folds: even rows test / odd rows train, and the other way round
    let n = iris.lines().count() - 1;
    let half = |parity: usize| -> Vec<usize> { (0..n).filter(|r| r % 2 == parity).collect() };
    let folds = serde_json::json!({ "folds": [
        { "train": half(1), "test": half(0) },
        { "train": half(0), "test": half(1) },
    ]});
    std::fs::write(splits.join("iris.json"), folds.to_string()).unwrap();
    let (code, stdout, err) = automl(&[
        "bench",
        "--datasets",
        data.to_str().unwrap(),
        "--splits",
        splits.to_str().unwrap(),
        "--time-budget",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    // the time series goes through the forecasting benchmark: MASE on the last 12 months
    let series: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("series.json")).unwrap()).unwrap();
    let mase = series["folds"][0]["metrics"]["mase"].as_f64().unwrap();
    assert!(mase.is_finite() && mase < 1.0, "{series}\n{stdout}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("iris.json")).unwrap()).unwrap();
    assert_eq!(report["tool"], "automl-wasm native 1s");
    assert_eq!(report["folds"].as_array().unwrap().len(), 2);
    assert_eq!(report["folds"][0]["n_test"], 75);
    assert_eq!(report["summary"]["balanced_accuracy"]["n"], 2.0);
    assert!(
        report["summary"]["balanced_accuracy"]["mean"]
            .as_f64()
            .unwrap()
            > 0.85
    );
    for fold in report["folds"].as_array().unwrap() {
        assert!(fold["wall_time_s"].as_f64().unwrap() <= 1.5, "{fold}");
        assert!(fold["metrics"]["roc_auc_ovr_macro"].as_f64().unwrap() > 0.9);
    }
    // an unknown --only name is refused
    let (code, _, err) = automl(&[
        "bench",
        "--datasets",
        data.to_str().unwrap(),
        "--splits",
        splits.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--only",
        "nope",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("no dataset \"nope\""), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The families of a `fit --json` leaderboard run with `extra` flags.
fn families_of(extra: &[&str]) -> Vec<String> {
    let mut args = vec!["fit", "tests/data/iris.csv", "--max-trials", "14", "--json"];
    args.extend_from_slice(extra);
    let (code, out, err) = automl(&args);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut families: Vec<String> = v["leaderboard"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["family"].as_str().unwrap().to_string())
        .collect();
    families.sort();
    families.dedup();
    families
}

#[test]
fn fit_searches_only_the_chosen_families_and_always_the_baseline() {
    let only = families_of(&["--families", "neural_network,decision_tree"]);
    assert!(only.contains(&"neural_network".to_string()), "{only:?}");
    assert!(only.contains(&"decision_tree".to_string()), "{only:?}");
    assert!(only.contains(&"constant".to_string()), "{only:?}");
    assert!(
        only.iter().all(
            |f| ["neural_network", "decision_tree", "constant", "ensemble"].contains(&f.as_str())
        ),
        "{only:?}"
    );
    let without = families_of(&["--exclude-families", "neural_network,knn"]);
    assert!(
        !without.iter().any(|f| f == "neural_network" || f == "knn"),
        "{without:?}"
    );
    assert!(without.len() >= 4, "{without:?}");
    // an unknown name is refused with the known ones
    fails_with(
        &["fit", "tests/data/iris.csv", "--families", "transformer"],
        "transformer",
    );
}

#[test]
fn inspect_reads_a_cp949_file_as_korean_and_takes_another_encoding_on_request() {
    let (code, out, err) = automl(&["inspect", "tests/data/korean_sales_cp949.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("korean_sales_cp949.csv: 12 rows × 6 columns\n  지역 "),
        "{out}"
    );
    assert!(
        out.contains("\n  판매량 ") && out.contains(" numeric "),
        "{out}"
    );
    assert!(
        out.contains("note: \"korean_sales_cp949.csv\" is not UTF-8 text; it was read as EUC-KR (CP949, Korean)."),
        "{out}"
    );
    let (code, out, err) = automl(&[
        "inspect",
        "tests/data/korean_sales_cp949.csv",
        "--encoding",
        "windows-1252",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\n  Áö¿ª "), "{out}");
    assert!(
        out.contains("note: \"korean_sales_cp949.csv\" was read as Windows-1252 (Western European), as you chose."),
        "{out}"
    );
    let (code, out, _) = automl(&[
        "inspect",
        "tests/data/korean_sales_utf8_bom.csv",
        "--encoding",
        "UTF-8",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("\n  지역 "), "{out}");
    fails_with(
        &[
            "inspect",
            "tests/data/korean_sales_cp949.csv",
            "--encoding",
            "shift_jis",
        ],
        "\"shift_jis\" is not an encoding; use utf-8, utf-16, euc-kr or windows-1252.",
    );
}

#[test]
fn bench_with_a_trial_budget_is_repeatable_and_diagnoses_the_final_choice() {
    let dir = std::env::temp_dir().join(format!("automl-bench-trials-{}", std::process::id()));
    let (data, splits) = (dir.join("data"), dir.join("splits"));
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(&splits).unwrap();
    let iris = std::fs::read_to_string("tests/data/iris.csv").unwrap();
    std::fs::write(data.join("iris.csv"), &iris).unwrap();
    std::fs::write(
        data.join("index.json"),
        r#"{"datasets": [{"name": "iris", "file": "iris.csv", "task": "multiclass", "target": "target"}]}"#,
    )
    .unwrap();
    let n = iris.lines().count() - 1;
    let half = |parity: usize| -> Vec<usize> { (0..n).filter(|r| r % 2 == parity).collect() };
    let folds = serde_json::json!({ "folds": [
        { "train": half(1), "test": half(0) },
        { "train": half(0), "test": half(1) },
    ]});
    std::fs::write(splits.join("iris.json"), folds.to_string()).unwrap();
    let run = |out: &str, diagnose: Option<&str>| {
        let (out, diag) = (dir.join(out), diagnose.map(|d| dir.join(d)));
        let mut args = vec![
            "bench".to_string(),
            "--datasets".into(),
            data.to_string_lossy().into_owned(),
            "--splits".into(),
            splits.to_string_lossy().into_owned(),
            "--max-trials".into(),
            "14".into(),
            "--out".into(),
            out.to_string_lossy().into_owned(),
        ];
        if let Some(d) = &diag {
            args.push("--diagnose".into());
            args.push(d.to_string_lossy().into_owned());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, err) = automl(&args);
        assert_eq!(code, 0, "{err}");
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("iris.json")).unwrap()).unwrap();
        let diagnosis = diag.map(|d| {
            serde_json::from_str::<serde_json::Value>(
                &std::fs::read_to_string(d.join("iris.json")).unwrap(),
            )
            .unwrap()
        });
        (report, diagnosis)
    };
    let (a, diagnosis) = run("a", Some("diag"));
    let (b, _) = run("b", None);
    // a trial budget alone: the same folds, trials and metrics on every run, diagnosed or not
    assert_eq!(a["tool"], "automl-wasm native 14 trials");
    for (fa, fb) in a["folds"]
        .as_array()
        .unwrap()
        .iter()
        .zip(b["folds"].as_array().unwrap())
    {
        assert_eq!(fa["trials"], fb["trials"]);
        assert_eq!(fa["best_model"], fb["best_model"]);
        assert_eq!(fa["metrics"], fb["metrics"]);
    }
    // the diagnosis: per fold, the candidates' test probabilities (75 rows × 3 classes), the
    // default forest among them (14 trials finish the portfolio), and the winner's test accuracy as the report has it
    let diagnosis = diagnosis.unwrap();
    let folds = diagnosis["folds"].as_array().unwrap();
    assert_eq!(folds.len(), 2);
    for (f, fold) in folds.iter().enumerate() {
        assert_eq!(fold["classes"].as_array().unwrap().len(), 3);
        assert_eq!(fold["split_labels"].as_array().unwrap().len(), 15);
        let labels = fold["test_labels"].as_array().unwrap();
        assert_eq!(labels.len(), 75);
        let candidates = fold["candidates"].as_array().unwrap();
        assert!(candidates.len() >= 2, "{fold}");
        assert!(candidates
            .iter()
            .any(|c| c["default_forest"] == serde_json::Value::Bool(true)));
        for c in candidates {
            assert_eq!(
                c["test"].as_array().unwrap().len(),
                75 * 3,
                "{}",
                c["label"]
            );
            assert_eq!(c["oof"].as_array().unwrap().len(), 15);
        }
        let p = fold["winner_test"].as_array().unwrap();
        let right = labels
            .iter()
            .enumerate()
            .filter(|(r, t)| {
                let row: Vec<f64> = (0..3).map(|c| p[r * 3 + c].as_f64().unwrap()).collect();
                let arg = (0..3).fold(0, |b, c| if row[c] > row[b] { c } else { b });
                t.as_i64() == Some(arg as i64)
            })
            .count();
        let accuracy = a["folds"][f]["metrics"]["accuracy"].as_f64().unwrap();
        assert!(
            (right as f64 / 75.0 - accuracy).abs() < 1e-12,
            "{right} vs {accuracy}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
