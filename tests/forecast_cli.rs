//! The command line's forecasting: `automl fit --date` prints the backtest leaderboard and the
//! forecast with intervals, writes the forecast CSV, and refuses bad input with exit code 2.

mod common;
use common::automl;

#[test]
fn forecast_prints_leaderboard_and_forecast_and_writes_the_csv() {
    let out_csv = std::env::temp_dir().join(format!("automl-forecast-{}.csv", std::process::id()));
    let out_path = out_csv.to_string_lossy().to_string();
    let (code, out, err) = automl(&[
        "fit",
        "www/samples/airline_passengers.csv",
        "--target",
        "passengers",
        "--date",
        "month",
        "--horizon",
        "18",
        "--max-trials",
        "30",
        "--out",
        &out_path,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("144 monthly values of \"passengers\" by \"month\", horizon 18, 3 backtest windows of 18 steps, 30 models"), "{out}");
    assert!(out.contains("rank  model"), "{out}");
    assert!(out.contains("   1  "), "{out}");
    assert!(out.contains("Forecast by "), "{out}");
    assert!(
        out.contains("1961-01-01") && out.contains("1962-06-01") && !out.contains("1962-07-01"),
        "{out}"
    );
    assert!(err.contains("trial   1"), "{err}");
    let csv = std::fs::read_to_string(&out_csv).unwrap();
    let _ = std::fs::remove_file(&out_csv);
    // a UTF-8 byte-order mark first, for Excel
    let csv = csv.strip_prefix('\u{feff}').expect("a byte-order mark");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 19);
    assert_eq!(lines[0], "month,forecast,lo80,hi80,lo95,hi95");
    assert!(lines[1].starts_with("1961-01-01,"));
    // the forecast of a growing seasonal series stays in a plausible range
    let july: f64 = lines[7].split(',').nth(1).unwrap().parse().unwrap();
    assert!((550.0..800.0).contains(&july), "{july}");
}

#[test]
fn forecast_json_is_deterministic_with_a_trial_budget() {
    let args = [
        "fit",
        "www/samples/co2.csv",
        "--target",
        "co2",
        "--date",
        "date",
        "--max-trials",
        "12",
        "--json",
    ];
    let (code, a, err) = automl(&args);
    assert_eq!(code, 0, "{err}");
    let (_, b, _) = automl(&args);
    let va: serde_json::Value = serde_json::from_str(&a).unwrap();
    let vb: serde_json::Value = serde_json::from_str(&b).unwrap();
    // the same models and scores in the same order (only the measured times differ)
    let board = |v: &serde_json::Value| -> Vec<(String, String)> {
        v["leaderboard"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["label"].to_string(), r["scores"].to_string()))
            .collect()
    };
    assert_eq!(board(&va), board(&vb));
    assert_eq!(board(&va).len(), 13, "12 models and the ensemble");
    assert_eq!(va["frequency"], "weekly");
    assert_eq!(va["horizon"], 13);
    assert_eq!(va["forecast"].as_array().unwrap().len(), 13);
    // notes are messages: a code and its parameters (the words are in www/i18n/en.json)
    let notes = va["notes"].as_array().expect("notes");
    assert!(
        notes.iter().any(|n| n["code"] == "series.values_filled"
            && n["params"]["column"] == "co2"
            && n["params"]["count"].as_u64().is_some_and(|c| c > 0)),
        "{notes:?}"
    );
}

#[test]
fn forecast_errors_exit_2_with_a_hint() {
    let (code, _, err) = automl(&[
        "fit",
        "www/samples/co2.csv",
        "--target",
        "co2",
        "--date",
        "co2",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("same column"), "{err}");
    let (code, _, err) = automl(&[
        "fit",
        "tests/data/iris.csv",
        "--target",
        "target",
        "--date",
        "sepal length (cm)",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("does not hold dates") && err.contains("hint:"),
        "{err}"
    );
    let (code, _, err) = automl(&[
        "fit",
        "www/samples/co2.csv",
        "--target",
        "co2",
        "--date",
        "date",
        "--horizon",
        "0",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("horizon"), "{err}");
}
