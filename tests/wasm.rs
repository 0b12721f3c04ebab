//! Tests of the wasm bindings as JavaScript calls them, run by wasm-bindgen-test in a dedicated
//! worker of headless Chromium (see scripts/test.sh). Native builds skip this file.
#![cfg(target_arch = "wasm32")]

use automl::bindings::{check_target, inspect, run_search, version, LeadSession, SplitJobs};
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const IRIS: &[u8] = include_bytes!("data/iris.csv");
const DIABETES: &[u8] = include_bytes!("data/diabetes.csv");
const WORKBOOK: &[u8] = include_bytes!("data/two_sheets.xlsx");

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
fn search_on_iris_reports_progress_and_reaches_high_accuracy() {
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
        "best accuracy {}",
        num(&best, "mean")
    );
    assert_eq!(get(&result, "metric").as_string().unwrap(), "accuracy");
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
            .tell(&trial, outputs, None, 0.01)
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
