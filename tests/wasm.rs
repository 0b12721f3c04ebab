//! Tests of the wasm bindings as JavaScript calls them, run by wasm-bindgen-test in a dedicated
//! worker of headless Chromium (see scripts/test.sh). Native builds skip this file.
#![cfg(target_arch = "wasm32")]

use automl::bindings::{
    check_target, describe, explain_row, forecast, forecast_model_info, forecast_with_model,
    inspect, model_info, predict, predict_rows, run_search, take_model_file, version, LeadSession,
    SplitJobs,
};
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const IRIS: &[u8] = include_bytes!("data/iris.csv");
const DIABETES: &[u8] = include_bytes!("data/diabetes.csv");
const WORKBOOK: &[u8] = include_bytes!("data/two_sheets.xlsx");
const IRIS_MODEL: &[u8] = include_bytes!("data/model/iris.automl");
const IRIS_PREDICTIONS: &str = include_str!("data/model/iris_predictions.csv");
const AIRLINE: &[u8] = include_bytes!("../www/samples/airline_passengers.csv");
const AIRLINE_MODEL: &[u8] = include_bytes!("data/model/airline.forecast.automl");
const AIRLINE_FORECAST: &str = include_str!("data/model/airline_forecast.csv");

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap()
}

fn num(obj: &JsValue, key: &str) -> f64 {
    get(obj, key)
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number"))
}

fn error_message(e: JsError) -> String {
    let value: JsValue = e.into();
    value
        .dyn_into::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default()
}

fn settings(pairs: &[(&str, JsValue)]) -> JsValue {
    let obj = js_sys::Object::new();
    for (k, v) in pairs {
        Reflect::set(&obj, &JsValue::from_str(k), v).unwrap();
    }
    obj.into()
}

fn noop() -> Function {
    Function::new_no_args("")
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn inspect_describes_iris() {
    let ins = inspect(IRIS, "iris.csv", JsValue::UNDEFINED, None)
        .map_err(error_message)
        .unwrap();
    assert_eq!(num(&ins, "nRows"), 150.0);
    assert_eq!(num(&ins, "nCols"), 5.0);
    assert_eq!(num(&ins, "defaultTarget"), 4.0);
    let columns: Array = get(&ins, "columns").dyn_into().unwrap();
    let first = columns.get(0);
    assert_eq!(
        get(&first, "name").as_string().unwrap(),
        "sepal length (cm)"
    );
    assert_eq!(get(&first, "kind").as_string().unwrap(), "numeric");
    let target = columns.get(4);
    assert_eq!(get(&target, "kind").as_string().unwrap(), "categorical");
    assert_eq!(
        get(&target, "suggestedTask").as_string().unwrap(),
        "classification"
    );
    let preview: Array = get(&ins, "preview").dyn_into().unwrap();
    assert_eq!(preview.length(), 10);
}

#[wasm_bindgen_test]
fn inspect_rejects_bad_files_with_a_message() {
    let msg = error_message(inspect(b"", "empty.csv", JsValue::UNDEFINED, None).unwrap_err());
    assert!(msg.contains("\"empty.csv\" is empty"), "{msg}");
    let msg = error_message(
        inspect(b"a,b\n1,2\n3\n", "ragged.csv", JsValue::UNDEFINED, None).unwrap_err(),
    );
    assert!(
        msg.contains("Line 3") && msg.contains("ragged.csv"),
        "{msg}"
    );
    let msg = error_message(
        inspect(
            &[0u8, 159, 146, 150, 0, 1, 2],
            "x.bin",
            JsValue::UNDEFINED,
            None,
        )
        .unwrap_err(),
    );
    assert!(msg.contains("does not look like a CSV"), "{msg}");
}

#[wasm_bindgen_test]
fn search_on_iris_reports_progress_and_reaches_high_balanced_accuracy() {
    let events = Array::new();
    let push = Closure::<dyn Fn(JsValue)>::new({
        let events = events.clone();
        move |e: JsValue| {
            events.push(&e);
        }
    });
    let s = settings(&[
        ("target", "target".into()),
        ("task", "classification".into()),
        ("timeBudgetS", 30.0.into()),
        ("maxTrials", 8.into()),
        ("seed", 7.into()),
        ("folds", 5.into()),
    ]);
    let result = run_search(IRIS, "iris.csv", s, push.as_ref().unchecked_ref())
        .map_err(error_message)
        .unwrap();
    let board: Array = get(&result, "leaderboard").dyn_into().unwrap();
    let trials = board
        .iter()
        .filter(|row| get(row, "family").as_string().as_deref() != Some("ensemble"))
        .count();
    assert_eq!(trials, 8);
    let best = get(&get(&result, "best"), "row");
    assert!(
        num(&best, "mean") >= 0.9,
        "best balanced accuracy {}",
        num(&best, "mean")
    );
    assert_eq!(
        get(&result, "metric").as_string().unwrap(),
        "balanced_accuracy"
    );
    let trials = events
        .iter()
        .filter(|e| get(e, "kind").as_string().as_deref() == Some("trial"))
        .count();
    assert_eq!(trials, 8);
}

#[wasm_bindgen_test]
fn same_seed_and_trial_budget_give_the_same_leaderboard() {
    let run = || {
        let s = settings(&[
            ("target", "target".into()),
            ("maxTrials", 6.into()),
            // no time budget: the run is deterministic
            ("timeBudgetS", JsValue::NULL),
            ("seed", 3.into()),
        ]);
        let r = run_search(DIABETES, "diabetes.csv", s, &noop())
            .map_err(error_message)
            .unwrap();
        // what the page draws comes with the result: every row's residual binned, R² and all
        let d = get(&r, "diagnostics");
        assert!(get(&d, "classification").is_null());
        let reg = get(&d, "regression");
        assert_eq!(num(&reg, "rows"), 442.0);
        assert_eq!(Array::from(&get(&reg, "points")).length(), 442);
        let binned: f64 = Array::from(&get(&reg, "residualHistogram"))
            .iter()
            .map(|b| num(&b, "count"))
            .sum();
        assert_eq!(binned, 442.0);
        assert!(num(&reg, "r2") > 0.2 && num(&reg, "rmse") > 0.0 && num(&reg, "mae") > 0.0);
        let board: Array = get(&r, "leaderboard").dyn_into().unwrap();
        board
            .iter()
            .map(|row| (get(&row, "label").as_string().unwrap(), num(&row, "mean")))
            .collect::<Vec<_>>()
    };
    let first = run();
    assert_eq!(
        first
            .iter()
            .filter(|(label, _)| !label.starts_with("Ensemble"))
            .count(),
        6
    );
    assert_eq!(first, run());
}

#[wasm_bindgen_test]
fn errors_carry_their_code_parameters_and_hint_apart() {
    let e: JsValue = inspect(b"", "empty.csv", JsValue::UNDEFINED, None)
        .unwrap_err()
        .into();
    assert_eq!(get(&e, "code").as_string().as_deref(), Some("file.empty"));
    let params = get(&e, "params");
    assert_eq!(
        get(&params, "file").as_string().as_deref(),
        Some("empty.csv")
    );
    assert_eq!(
        get(&e, "message").as_string().as_deref(),
        Some("The file \"empty.csv\" is empty."),
        "the English message, without the hint"
    );
    assert_eq!(
        get(&e, "hint").as_string().as_deref(),
        Some("Choose a CSV file with a header row and at least a few data rows.")
    );
    // a reason nested in the parameters keeps its own code, and gives the hint
    let s = settings(&[("target", "target".into()), ("task", "regression".into())]);
    let e: JsValue = run_search(IRIS, "iris.csv", s, &noop()).unwrap_err().into();
    assert_eq!(get(&e, "code").as_string().as_deref(), Some("target.bad"));
    let reason = get(&get(&e, "params"), "reason");
    assert_eq!(
        get(&reason, "code").as_string().as_deref(),
        Some("target.not_a_number")
    );
    assert_eq!(get(&get(&reason, "params"), "row").as_f64(), Some(1.0));
    assert!(get(&e, "hint")
        .as_string()
        .unwrap()
        .contains("classification task"));
}

#[wasm_bindgen_test]
fn a_failed_split_is_told_as_the_cores_message() {
    let s = settings(&[
        ("target", "target".into()),
        ("timeBudgetS", JsValue::NULL),
        ("maxTrials", 3.into()),
    ]);
    let mut lead = LeadSession::new(IRIS, "iris.csv", s, 1)
        .map_err(error_message)
        .unwrap();
    let trial = lead.next_trial().map_err(error_message).unwrap().unwrap();
    let failure = js_sys::JSON::parse(
        r#"{"code":"model.failed","params":{"family":"knn","detail":"no neighbours"}}"#,
    )
    .unwrap();
    let event = lead
        .tell(&trial, Array::new(), failure, 0.01)
        .map_err(error_message)
        .unwrap();
    assert!(
        event.is_undefined(),
        "a failed trial has no leaderboard row"
    );
    // a bare string (an older page) is still taken, as an internal failure
    let trial = lead.next_trial().map_err(error_message).unwrap().unwrap();
    let event = lead
        .tell(&trial, Array::new(), "oops".into(), 0.01)
        .map_err(error_message)
        .unwrap();
    assert!(event.is_undefined());
}

#[wasm_bindgen_test]
fn search_errors_name_the_problem() {
    let s = settings(&[("target", "nope".into())]);
    let msg = error_message(run_search(IRIS, "iris.csv", s, &noop()).unwrap_err());
    assert!(msg.contains("no column named \"nope\""), "{msg}");
    let s = settings(&[("target", "target".into()), ("task", "regression".into())]);
    let msg = error_message(run_search(IRIS, "iris.csv", s, &noop()).unwrap_err());
    assert!(msg.contains("\"setosa\", which is not a number"), "{msg}");
    let s = settings(&[("target", "target".into()), ("timeBudgetS", (-1.0).into())]);
    let msg = error_message(run_search(IRIS, "iris.csv", s, &noop()).unwrap_err());
    assert!(msg.contains("time budget"), "{msg}");
}

#[wasm_bindgen_test]
fn workbooks_open_in_wasm_and_sheets_can_be_chosen() {
    let ins = inspect(WORKBOOK, "two_sheets.xlsx", JsValue::UNDEFINED, None)
        .map_err(error_message)
        .unwrap();
    let sheets: Array = get(&ins, "sheets").dyn_into().unwrap();
    assert_eq!(sheets.length(), 2);
    assert_eq!(get(&ins, "sheet").as_string().unwrap(), "first");
    let second = inspect(
        WORKBOOK,
        "two_sheets.xlsx",
        settings(&[("sheet", "second".into())]),
        None,
    )
    .map_err(error_message)
    .unwrap();
    assert_eq!(num(&second, "nCols"), 4.0);
}

#[wasm_bindgen_test]
fn check_target_counts_classes() {
    let check = check_target(IRIS, "iris.csv", settings(&[("target", "target".into())]))
        .map_err(error_message)
        .unwrap();
    let counts: Array = get(&check, "classCounts").dyn_into().unwrap();
    assert_eq!(counts.length(), 3);
    assert_eq!(num(&counts.get(0), "count"), 50.0);
    assert_eq!(get(&check, "task").as_string().unwrap(), "classification");
}

#[wasm_bindgen_test]
fn parse_progress_reaches_the_callback() {
    let events = Array::new();
    let push = Closure::<dyn Fn(JsValue)>::new({
        let events = events.clone();
        move |e: JsValue| {
            events.push(&e);
        }
    });
    let f: Function = push.as_ref().unchecked_ref::<Function>().clone();
    inspect(DIABETES, "diabetes.csv", JsValue::UNDEFINED, Some(f))
        .map_err(error_message)
        .unwrap();
    let last = events.get(events.length() - 1);
    assert_eq!(get(&last, "kind").as_string().unwrap(), "parse");
    assert_eq!(num(&last, "fraction"), 1.0);
}

/// Probabilities of every row of a `Predictions` object, as bits.
fn probability_bits(p: &JsValue) -> Vec<Vec<u64>> {
    let rows: Array = get(p, "rows").dyn_into().unwrap();
    rows.iter()
        .map(|r| {
            let probs: Array = get(&r, "probabilities").dyn_into().unwrap();
            probs
                .iter()
                .map(|v| v.as_f64().unwrap().to_bits())
                .collect()
        })
        .collect()
}

#[wasm_bindgen_test]
fn a_native_model_file_predicts_bit_for_bit_in_wasm() {
    // iris.automl and its predictions were written by the native `automl fit` / `predict`
    let p = predict(IRIS_MODEL, IRIS, "iris.csv", JsValue::UNDEFINED)
        .map_err(error_message)
        .unwrap();
    let wasm = probability_bits(&p);
    // the probability columns, found by name (the file also holds the inputs and the actual value)
    let mut lines = IRIS_PREDICTIONS.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let probability: Vec<usize> = (0..header.len())
        .filter(|&i| header[i].starts_with("probability_"))
        .collect();
    assert_eq!(probability.len(), 3);
    let native: Vec<Vec<u64>> = lines
        .map(|l| {
            let fields: Vec<&str> = l.split(',').collect();
            probability
                .iter()
                .map(|&i| fields[i].parse::<f64>().unwrap().to_bits())
                .collect()
        })
        .collect();
    assert_eq!(wasm.len(), 150);
    assert_eq!(wasm, native);
    // and the CSV the page downloads is the file the command line wrote, byte for byte
    assert_eq!(get(&p, "csv").as_string().unwrap(), IRIS_PREDICTIONS);
    let first: Array = get(&p, "rows").dyn_into().unwrap();
    assert_eq!(
        get(&first.get(0), "prediction").as_string().unwrap(),
        "setosa"
    );
    let info = model_info(IRIS_MODEL).map_err(error_message).unwrap();
    assert_eq!(get(&info, "target").as_string().unwrap(), "target");
    assert_eq!(num(&info, "formatVersion"), 1.0);
    let columns: Array = get(&info, "columns").dyn_into().unwrap();
    assert_eq!(columns.length(), 4);
}

#[wasm_bindgen_test]
fn the_run_gives_a_model_file_and_diagnostics_that_round_trip() {
    let s = settings(&[
        ("target", "target".into()),
        ("maxTrials", 4.into()),
        ("seed", 3.into()),
    ]);
    Reflect::set(&s, &"timeBudgetS".into(), &JsValue::NULL).unwrap();
    let phases = Array::new();
    let push = Closure::<dyn Fn(JsValue)>::new({
        let phases = phases.clone();
        move |e: JsValue| {
            if get(&e, "kind").as_string().as_deref() == Some("phase") {
                phases.push(&get(&e, "phase"));
            }
        }
    });
    let result = run_search(IRIS, "iris.csv", s, push.as_ref().unchecked_ref())
        .map_err(error_message)
        .unwrap();
    assert_eq!(
        phases.get(phases.length() - 1).as_string().unwrap(),
        "explain"
    );
    let d = get(&result, "diagnostics");
    let oof = get(&d, "outOfFold");
    assert_eq!(Array::from(&get(&oof, "rows")).length(), 150);
    let features: Array = get(&get(&d, "importance"), "features").dyn_into().unwrap();
    assert_eq!(features.length(), 4);
    // the confusion matrix and the per-class table come from the engine: three classes, no sweep
    let c = get(&d, "classification");
    assert!(get(&d, "regression").is_null());
    assert!(get(&c, "binary").is_null());
    let report = get(&c, "report");
    assert_eq!(num(&report, "total"), 150.0);
    let matrix = Array::from(&get(&report, "matrix"));
    let (mut total, mut diagonal) = (0.0, 0.0);
    for (r, row) in matrix.iter().enumerate() {
        for (k, v) in Array::from(&row).iter().enumerate() {
            total += v.as_f64().unwrap();
            if r == k {
                diagonal += v.as_f64().unwrap();
            }
        }
    }
    assert_eq!((total, diagonal / 150.0), (150.0, num(&report, "accuracy")));
    assert!(num(&report, "accuracy") > 0.9);
    assert_eq!(Array::from(&get(&report, "classes")).length(), 3);
    let model = take_model_file();
    assert!(model.starts_with(b"AUTOML-MODEL 1\n"));
    assert!(take_model_file().is_empty(), "handed over once");
    // predictions from the cached model, then (after another model evicts it) parsed again
    let cached = probability_bits(
        &predict(&model, IRIS, "iris.csv", JsValue::UNDEFINED)
            .map_err(error_message)
            .unwrap(),
    );
    model_info(IRIS_MODEL).map_err(error_message).unwrap();
    let parsed = probability_bits(
        &predict(&model, IRIS, "iris.csv", JsValue::UNDEFINED)
            .map_err(error_message)
            .unwrap(),
    );
    assert_eq!(cached, parsed);
    // what-if: one row typed in, and its explanation adds up to its probabilities
    let row = settings(&[
        ("sepal length (cm)", "6.3".into()),
        ("sepal width (cm)", "3.3".into()),
        ("petal length (cm)", "6.0".into()),
        ("petal width (cm)", "2.5".into()),
    ]);
    let rows = Array::of1(&row);
    let p = predict_rows(&model, rows.into())
        .map_err(error_message)
        .unwrap();
    let one: Array = get(&p, "rows").dyn_into().unwrap();
    assert_eq!(
        get(&one.get(0), "prediction").as_string().unwrap(),
        "virginica"
    );
    let e = explain_row(&model, row).map_err(error_message).unwrap();
    let probs: Vec<f64> = Array::from(&get(&e, "probabilities"))
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let base: Vec<f64> = Array::from(&get(&e, "base"))
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let contributions = Array::from(&get(&e, "contributions"));
    assert_eq!(contributions.length(), 4);
    for c in 0..3 {
        let mut total = base[c];
        for item in contributions.iter() {
            total += Array::from(&get(&item, "effect"))
                .get(c as u32)
                .as_f64()
                .unwrap();
        }
        assert!(
            (total - probs[c]).abs() < 1e-9,
            "class {c}: {total} vs {}",
            probs[c]
        );
    }
}

#[wasm_bindgen_test]
fn bad_model_files_get_a_clear_message() {
    let msg = error_message(model_info(b"sepal,petal\n1,2\n").unwrap_err());
    assert!(
        msg.contains("\"the model file\" cannot be used as a model: it is not a model file"),
        "{msg}"
    );
    let mut damaged = IRIS_MODEL.to_vec();
    let at = damaged.len() - 10;
    damaged[at] ^= 1;
    let msg = error_message(predict(&damaged, IRIS, "iris.csv", JsValue::UNDEFINED).unwrap_err());
    assert!(msg.contains("checksum does not match"), "{msg}");
    let msg = error_message(
        predict(IRIS_MODEL, b"a,b\n1,2\n", "new.csv", JsValue::UNDEFINED).unwrap_err(),
    );
    assert!(msg.contains("\"new.csv\" lacks 4 column(s)"), "{msg}");
}

#[wasm_bindgen_test]
fn a_lead_and_a_pool_worker_give_run_searchs_leaderboard() {
    let s = || {
        settings(&[
            ("target", "target".into()),
            ("maxTrials", 8.into()),
            ("timeBudgetS", JsValue::NULL),
            ("seed", 3.into()),
        ])
    };
    let board = |result: &JsValue| {
        let rows: Array = get(result, "leaderboard").dyn_into().unwrap();
        rows.iter()
            .map(|row| {
                (
                    num(&row, "trial"),
                    get(&row, "label").as_string().unwrap(),
                    js_sys::JSON::stringify(&get(&row, "params"))
                        .unwrap()
                        .as_string()
                        .unwrap(),
                    js_sys::JSON::stringify(&get(&row, "foldScores"))
                        .unwrap()
                        .as_string()
                        .unwrap(),
                    // the training score, whichever worker fitted each split
                    js_sys::JSON::stringify(&get(&row, "trainScore"))
                        .unwrap()
                        .as_string()
                        .unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let mut lead = LeadSession::new(IRIS, "iris.csv", s(), 2)
        .map_err(error_message)
        .unwrap();
    let other = SplitJobs::new(IRIS, "iris.csv", s(), 1, 2)
        .map_err(error_message)
        .unwrap();
    // 150 rows: 5 folds repeated 3 times; the pool worker holds the odd splits
    assert_eq!(lead.splits(), 15);
    assert_eq!(other.own_splits(), vec![1, 3, 5, 7, 9, 11, 13]);
    let mut events = 0;
    while let Some(trial) = lead.next_trial().map_err(error_message).unwrap() {
        let outputs = Array::new();
        for split in 0..lead.splits() {
            let output = if split % 2 == 0 {
                lead.evaluate_split(&trial, split)
            } else {
                other.evaluate_split(&trial, split)
            };
            outputs.push(&output.map_err(error_message).unwrap());
        }
        let event = lead
            .tell(&trial, outputs, JsValue::UNDEFINED, 0.01)
            .map_err(error_message)
            .unwrap();
        if !event.is_undefined() {
            assert_eq!(get(&event, "kind").as_string().unwrap(), "trial");
            events += 1;
        }
    }
    assert_eq!(events, 8);
    let pooled = lead.finish(&noop()).map_err(error_message).unwrap();
    let single = run_search(IRIS, "iris.csv", s(), &noop())
        .map_err(error_message)
        .unwrap();
    assert_eq!(board(&pooled), board(&single));
    assert!(board(&single)
        .iter()
        .any(|r| r.4.parse::<f64>().is_ok_and(|v| v > 0.9)));
    // a split of another worker is refused with a message, not a crash
    let other_split = SplitJobs::new(IRIS, "iris.csv", s(), 1, 2).unwrap();
    let mut lead = LeadSession::new(IRIS, "iris.csv", s(), 2).unwrap();
    let trial = lead.next_trial().unwrap().unwrap();
    let msg = error_message(other_split.evaluate_split(&trial, 0).unwrap_err());
    assert!(
        msg.contains("split 0 was not prepared by this worker"),
        "{msg}"
    );
}

#[wasm_bindgen_test]
fn describe_gives_the_cores_defaults_limits_and_names() {
    let c = describe().map_err(error_message).unwrap();
    let search = get(&get(&c, "defaults"), "search");
    assert_eq!(
        (
            num(&search, "timeBudgetS"),
            num(&search, "seed"),
            num(&search, "folds")
        ),
        (10.0, 42.0, 5.0)
    );
    let limits = get(&c, "limits");
    assert_eq!(
        num(&limits, "fileBytes"),
        automl::data::MAX_FILE_BYTES as f64
    );
    assert_eq!(num(&get(&limits, "folds"), "max"), 10.0);
    let metrics = Array::from(&get(&c, "metrics"));
    let mae = metrics
        .iter()
        .find(|m| get(m, "name").as_string().as_deref() == Some("mae"))
        .unwrap();
    assert_eq!(get(&mae, "higherIsBetter").as_bool(), Some(false));
    assert_eq!(Array::from(&get(&c, "kinds")).length(), 7);
}

#[wasm_bindgen_test]
fn a_forecast_comes_with_the_command_lines_csv() {
    let s = settings(&[
        ("target", "passengers".into()),
        ("date", "month".into()),
        ("horizon", 6.into()),
        ("maxTrials", 3.into()),
    ]);
    let r = forecast(AIRLINE, "airline_passengers.csv", s, &noop())
        .map_err(error_message)
        .unwrap();
    let csv = get(&r, "csv").as_string().unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0], "\u{feff}month,forecast,lo80,hi80,lo95,hi95",
        "a byte-order mark first"
    );
    assert_eq!(lines.len(), 7, "{csv}");
    // each number as Rust writes it, so it reads back to the same bits
    let first = Array::from(&get(&r, "forecast")).get(0);
    let value: f64 = lines[1].split(',').nth(1).unwrap().parse().unwrap();
    assert_eq!(value.to_bits(), num(&first, "value").to_bits());
    assert!(lines[1].starts_with(&get(&first, "time").as_string().unwrap()));
}

#[wasm_bindgen_test]
fn a_forecast_run_gives_its_model_file_and_a_native_forecast_model_forecasts_the_same_bytes() {
    let s = settings(&[
        ("target", "passengers".into()),
        ("date", "month".into()),
        ("horizon", 6.into()),
        ("maxTrials", 3.into()),
    ]);
    let r = forecast(AIRLINE, "airline_passengers.csv", s, &noop())
        .map_err(error_message)
        .unwrap();
    let file: js_sys::Uint8Array = get(&r, "modelFile").dyn_into().unwrap();
    let file = file.to_vec();
    assert!(file.starts_with(b"AUTOML-FORECAST 1\n"));
    // forecasting the run's data with its model file gives the run's CSV
    let again = forecast_with_model(&file, AIRLINE, "airline_passengers.csv", JsValue::UNDEFINED)
        .map_err(error_message)
        .unwrap();
    assert_eq!(get(&again, "csv").as_string(), get(&r, "csv").as_string());
    let info = forecast_model_info(&file).map_err(error_message).unwrap();
    assert_eq!(get(&info, "target").as_string().unwrap(), "passengers");
    assert_eq!(get(&info, "horizon").as_f64(), Some(6.0));
    // the native command line's model file and forecast (tests/data/model): the same bytes here
    let native = forecast_with_model(
        AIRLINE_MODEL,
        AIRLINE,
        "airline_passengers.csv",
        JsValue::UNDEFINED,
    )
    .map_err(error_message)
    .unwrap();
    assert_eq!(get(&native, "csv").as_string().unwrap(), AIRLINE_FORECAST);
    // a file without the date column: the core's structured error
    let e = forecast_with_model(AIRLINE_MODEL, IRIS, "iris.csv", JsValue::UNDEFINED).unwrap_err();
    assert!(error_message(e).contains("cannot be forecast with this model"));
}
