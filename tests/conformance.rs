//! The conformance suite (scikit-learn's `check_estimator` idea), run over every model family,
//! natively (`cargo test`) and in wasm (wasm-bindgen-test in a dedicated worker): shapes,
//! probabilities, determinism, a serialization round trip, bad inputs that must give errors and
//! never panics, and an accuracy threshold on a seeded split of a real dataset.

use automl::data::Task;
use automl::matrix::Matrix;
use automl::metrics::{accuracy, r2};
use automl::models::linear::{LinearRegression, Ridge};
use automl::models::logistic::LogisticRegression;
use automl::models::{Family, FittedModel, ModelSpec, Prediction};
use automl::preprocess::{Frame, Pipeline};
use automl::search::folds::{kfold, stratified_kfold};
use automl::target::{prepare_target, Target, TargetRef};
use automl::{read_csv, AutoMlError};

/// The airline series, a forecast model file the native command line wrote for it (`automl fit
/// --date month --max-trials 40 --seed 7 --model-out`) and the forecast the native `automl
/// predict` wrote with that file.
const AIRLINE: &[u8] = include_bytes!("../www/samples/airline_passengers.csv");
const AIRLINE_MODEL: &[u8] = include_bytes!("data/model/airline.forecast.automl");
const AIRLINE_FORECAST: &str = include_str!("data/model/airline_forecast.csv");

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

const IRIS: &[u8] = include_bytes!("data/iris.csv");
const DIABETES: &[u8] = include_bytes!("data/diabetes.csv");
const TITANIC: &[u8] = include_bytes!("data/titanic.csv");

struct Split {
    x_train: Matrix,
    x_test: Matrix,
    target: Target,
    train: Vec<usize>,
    test: Vec<usize>,
}

/// A seeded 80/20 split (the first of five folds), preprocessed on the training part only.
fn split(bytes: &[u8], name: &str, target: &str, task: Task) -> Split {
    let t = read_csv(bytes, name).unwrap();
    let col = t.column_index(target).unwrap();
    let prepared = prepare_target(&t, col, task).unwrap();
    let frame = Frame::from_table(&t, col);
    let fold = match &prepared.target {
        Target::Classes { y, .. } => stratified_kfold(y, 5, 11).remove(0),
        Target::Values(v) => kfold(v.len(), 5, 11).remove(0),
    };
    let rows = |p: &[usize]| p.iter().map(|&i| prepared.rows[i]).collect::<Vec<_>>();
    let pipeline = Pipeline::fit(&frame, &rows(&fold.train), None);
    Split {
        x_train: pipeline.transform(&frame, &rows(&fold.train)),
        x_test: pipeline.transform(&frame, &rows(&fold.valid)),
        target: prepared.target,
        train: fold.train,
        test: fold.valid,
    }
}

fn classes(target: &Target, positions: &[usize]) -> (Vec<u32>, usize) {
    let Target::Classes { y, labels } = target else {
        panic!("classes expected")
    };
    (positions.iter().map(|&i| y[i]).collect(), labels.len())
}

fn values(target: &Target, positions: &[usize]) -> Vec<f64> {
    let Target::Values(v) = target else {
        panic!("values expected")
    };
    positions.iter().map(|&i| v[i]).collect()
}

fn fit_classifier(spec: &ModelSpec, s: &Split, seed: u64) -> FittedModel {
    let (y, n) = classes(&s.target, &s.train);
    spec.fit(
        &s.x_train,
        TargetRef::Classes {
            y: &y,
            n_classes: n,
        },
        seed,
    )
    .unwrap_or_else(|e| panic!("{spec:?}: {e}"))
}

fn round_trip(m: &FittedModel) -> FittedModel {
    let text = serde_json::to_string(m).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Minimum test accuracy on iris per family (the majority class scores 1/3).
fn iris_threshold(f: Family) -> f64 {
    match f.name() {
        "constant" => 0.0,
        "decision_tree" => 0.85,
        // four quantile bins per input at its low-cost start
        "categorical_nb" => 0.8,
        _ => 0.9,
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn classifiers_conform() {
    let s = split(IRIS, "iris.csv", "target", Task::Classification);
    let (y_test, _) = classes(&s.target, &s.test);
    for family in Family::for_task(true) {
        for spec in [
            ModelSpec::default_for(family, true).unwrap(),
            ModelSpec::low_cost(family, true).unwrap(),
        ] {
            let m = fit_classifier(&spec, &s, 1);
            let Prediction::Classes(pred) = m.predict(&s.x_test).unwrap() else {
                panic!("{family:?} predicted values")
            };
            assert_eq!(pred.len(), s.x_test.rows, "{family:?}");
            let acc = accuracy(&y_test, &pred);
            assert!(
                acc >= iris_threshold(family),
                "{family:?} ({spec:?}): iris accuracy {acc:.3} below {}",
                iris_threshold(family)
            );
            match m.predict_proba(&s.x_test).unwrap() {
                Some(p) => {
                    assert_eq!((p.rows, p.cols), (s.x_test.rows, 3), "{family:?}");
                    for r in 0..p.rows {
                        let sum: f64 = p.row(r).iter().sum();
                        assert!(
                            (sum - 1.0).abs() < 1e-9
                                && p.row(r).iter().all(|v| (0.0..=1.0).contains(v)),
                            "{family:?} row {r}: {:?}",
                            p.row(r)
                        );
                    }
                    // the predicted class is the most probable one
                    for (r, &class) in pred.iter().enumerate() {
                        let best = p.row(r).iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                        assert_eq!(p.row(r)[class as usize], best, "{family:?} row {r}");
                    }
                }
                None => panic!("{family:?} gives no probabilities"),
            }
            // determinism and serialization
            let again = fit_classifier(&spec, &s, 1);
            assert_eq!(
                again.predict(&s.x_test).unwrap(),
                Prediction::Classes(pred.clone()),
                "{family:?} not deterministic"
            );
            let back = round_trip(&m);
            assert_eq!(
                back.predict(&s.x_test).unwrap(),
                Prediction::Classes(pred.clone()),
                "{family:?} round trip"
            );
            assert_eq!(
                back.predict_proba(&s.x_test).unwrap(),
                m.predict_proba(&s.x_test).unwrap(),
                "{family:?} round trip proba"
            );
        }
    }
}

/// Minimum test R² on diabetes per family.
fn diabetes_threshold(f: Family) -> f64 {
    match f.name() {
        "constant" => -0.1,
        "decision_tree" => -0.5,
        "knn" | "random_forest" | "extra_trees" | "gradient_boosting" | "svm" => 0.3,
        _ => 0.4,
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn regressors_conform() {
    let s = split(DIABETES, "diabetes.csv", "target", Task::Regression);
    let y_train = values(&s.target, &s.train);
    let y_test = values(&s.target, &s.test);
    for family in Family::for_task(false) {
        let spec = ModelSpec::default_for(family, false).unwrap();
        let m = spec
            .fit(&s.x_train, TargetRef::Values(&y_train), 3)
            .unwrap_or_else(|e| panic!("{family:?}: {e}"));
        let Prediction::Values(pred) = m.predict(&s.x_test).unwrap() else {
            panic!("{family:?} predicted classes")
        };
        assert_eq!(pred.len(), s.x_test.rows);
        let score = r2(&y_test, &pred);
        assert!(
            score >= diabetes_threshold(family),
            "{family:?}: diabetes R² {score:.3} below {}",
            diabetes_threshold(family)
        );
        assert_eq!(m.predict_proba(&s.x_test).unwrap(), None, "{family:?}");
        let again = spec
            .fit(&s.x_train, TargetRef::Values(&y_train), 3)
            .unwrap();
        assert_eq!(
            again.predict(&s.x_test).unwrap(),
            Prediction::Values(pred.clone()),
            "{family:?} not deterministic"
        );
        assert_eq!(
            round_trip(&m).predict(&s.x_test).unwrap(),
            Prediction::Values(pred),
            "{family:?} round trip"
        );
    }
}

fn is_model_error(r: Result<FittedModel, AutoMlError>) -> bool {
    matches!(r, Err(AutoMlError::Model { .. }))
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn bad_inputs_give_errors_not_panics() {
    let good = Matrix {
        rows: 6,
        cols: 2,
        data: vec![0.0, 1.0, 1.0, 0.5, 2.0, 0.2, 3.0, 0.9, 4.0, 0.1, 5.0, 0.3],
    };
    let classes = [0u32, 0, 0, 1, 1, 1];
    let vals = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
    for classification in [true, false] {
        for family in Family::for_task(classification) {
            let spec = ModelSpec::default_for(family, classification).unwrap();
            let labels = if classification {
                TargetRef::Classes {
                    y: &classes,
                    n_classes: 2,
                }
            } else {
                TargetRef::Values(&vals)
            };
            for bad in [f64::NAN, f64::INFINITY] {
                let mut x = good.clone();
                x.data[3] = bad;
                assert!(
                    is_model_error(spec.fit(&x, labels, 0)),
                    "{family:?} accepted {bad}"
                );
            }
            let short = Matrix {
                rows: 5,
                cols: 2,
                data: good.data[..10].to_vec(),
            };
            assert!(
                is_model_error(spec.fit(&short, labels, 0)),
                "{family:?}: 5 rows, 6 labels"
            );
            let empty = Matrix {
                rows: 0,
                cols: 2,
                data: vec![],
            };
            assert!(
                is_model_error(spec.fit(
                    &empty,
                    if classification {
                        TargetRef::Classes {
                            y: &[],
                            n_classes: 2,
                        }
                    } else {
                        TargetRef::Values(&[])
                    },
                    0
                )),
                "{family:?}: no rows"
            );
            // a constant input is handled
            let mut constant = good.clone();
            for r in 0..6 {
                constant.data[r * 2 + 1] = 7.0;
            }
            let m = spec
                .fit(&constant, labels, 0)
                .unwrap_or_else(|e| panic!("{family:?} on a constant input: {e}"));
            // a wrong number of inputs at prediction time is an error
            let wide = Matrix {
                rows: 1,
                cols: 3,
                data: vec![0.0; 3],
            };
            assert!(
                matches!(m.predict(&wide), Err(AutoMlError::Model { .. })),
                "{family:?}: 3 inputs"
            );
            let mut nan_row = Matrix {
                rows: 1,
                cols: 2,
                data: vec![0.0, 0.0],
            };
            nan_row.data[0] = f64::NAN;
            assert!(
                m.predict(&nan_row).is_err(),
                "{family:?}: NaN at prediction"
            );
            // fewer rows than inputs
            let wide_train = Matrix {
                rows: 3,
                cols: 5,
                data: (0..15).map(|i| (i * 7 % 11) as f64).collect(),
            };
            let few = if classification {
                TargetRef::Classes {
                    y: &classes[2..5],
                    n_classes: 2,
                }
            } else {
                TargetRef::Values(&vals[..3])
            };
            let _ = spec
                .fit(&wide_train, few, 0)
                .map(|m| m.predict(&wide_train));
            if classification {
                // one class only: a constant model, not an error
                let m = spec
                    .fit(
                        &good,
                        TargetRef::Classes {
                            y: &[1; 6],
                            n_classes: 2,
                        },
                        0,
                    )
                    .unwrap();
                assert_eq!(
                    m.predict(&good).unwrap(),
                    Prediction::Classes(vec![1; 6]),
                    "{family:?}"
                );
                // a code outside the classes is an error
                assert!(is_model_error(spec.fit(
                    &good,
                    TargetRef::Classes {
                        y: &[0, 1, 2, 0, 1, 0],
                        n_classes: 2
                    },
                    0
                )));
            } else {
                let mut y = vals;
                y[2] = f64::NAN;
                assert!(
                    is_model_error(spec.fit(&good, TargetRef::Values(&y), 0)),
                    "{family:?}: NaN target"
                );
            }
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn hyperparameters_are_checked_at_fit_time() {
    let mut params = serde_json::Map::new();
    params.insert("c".into(), serde_json::json!(-1.0));
    assert!(ModelSpec::from_params(Family::of::<LogisticRegression>(), true, &params).is_err());
    params.clear();
    params.insert("nope".into(), serde_json::json!(1));
    assert!(ModelSpec::from_params(Family::named("knn").unwrap(), true, &params).is_err());
    let spec = ModelSpec::Ridge(Ridge { alpha: f64::NAN });
    let x = Matrix {
        rows: 2,
        cols: 1,
        data: vec![0.0, 1.0],
    };
    assert!(is_model_error(spec.fit(
        &x,
        TargetRef::Values(&[0.0, 1.0]),
        0
    )));
    // a regression family asked for classes
    assert!(is_model_error(
        ModelSpec::LinearRegression(LinearRegression).fit(
            &x,
            TargetRef::Classes {
                y: &[0, 1],
                n_classes: 2
            },
            0
        )
    ));
    // every family's defaults and low-cost start are inside its own space
    for classification in [true, false] {
        for f in Family::for_task(classification) {
            ModelSpec::default_for(f, classification)
                .unwrap()
                .validate(classification)
                .unwrap();
            ModelSpec::low_cost(f, classification)
                .unwrap()
                .validate(classification)
                .unwrap();
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn class_weighting_raises_minority_recall_on_titanic() {
    use automl::models::ClassWeight;
    let s = split(TITANIC, "titanic.csv", "Survived", Task::Classification);
    let (y_test, _) = classes(&s.target, &s.test);
    let recall = |cw: ClassWeight| {
        let m = fit_classifier(
            &ModelSpec::LogisticRegression(LogisticRegression {
                c: 1.0,
                class_weight: cw,
            }),
            &s,
            0,
        );
        let Prediction::Classes(p) = m.predict(&s.x_test).unwrap() else {
            panic!()
        };
        let pos = y_test.iter().filter(|&&c| c == 1).count() as f64;
        y_test
            .iter()
            .zip(&p)
            .filter(|(t, p)| **t == 1 && **p == 1)
            .count() as f64
            / pos
    };
    let (plain, balanced) = (recall(ClassWeight::None), recall(ClassWeight::Balanced));
    assert!(
        balanced > plain,
        "balanced recall {balanced:.3} vs plain {plain:.3}"
    );
}

/// Every family's fitted models as the version before the model registry wrote them (see the
/// fixture's "about").
const EARLIER_MODELS: &str = include_str!("data/model/families.json");

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn models_of_the_earlier_version_load_predict_and_refit_bit_for_bit() {
    let f: serde_json::Value = serde_json::from_str(EARLIER_MODELS).unwrap();
    let x: Matrix = Matrix {
        rows: f["x"]["rows"].as_u64().unwrap() as usize,
        cols: f["x"]["cols"].as_u64().unwrap() as usize,
        data: serde_json::from_value(f["x"]["data"].clone()).unwrap(),
    };
    let classes: Vec<u32> = serde_json::from_value(f["classes"].clone()).unwrap();
    let values: Vec<f64> = serde_json::from_value(f["values"].clone()).unwrap();
    let mut covered = Vec::new();
    for case in f["cases"].as_array().unwrap() {
        let classification = case["classification"].as_bool().unwrap();
        let spec_json = case["spec"].as_str().unwrap();
        let model_json = case["model"].as_str().unwrap();
        let spec: ModelSpec = serde_json::from_str(spec_json).unwrap();
        assert_eq!(serde_json::to_string(&spec).unwrap(), spec_json);
        // the saved model loads, checks and writes back the same text
        let model: FittedModel = serde_json::from_str(model_json).unwrap();
        model.check_parts().unwrap();
        assert_eq!(
            serde_json::to_string(&model).unwrap(),
            model_json,
            "{spec_json}"
        );
        // it predicts the same bits
        let predicted = if classification {
            model.predict_proba(&x).unwrap().unwrap().data
        } else {
            let Prediction::Values(v) = model.predict(&x).unwrap() else {
                panic!("{spec_json} predicted classes")
            };
            v
        };
        let bits: Vec<String> = predicted
            .iter()
            .map(|p| format!("{:016x}", p.to_bits()))
            .collect();
        let expected: Vec<String> =
            serde_json::from_value(case["prediction_bits"].clone()).unwrap();
        assert_eq!(bits, expected, "{spec_json}");
        // and fitting the spec again gives the same model, to the bit, natively and in wasm
        // (every fit goes through the portable maths)
        let y = if classification {
            TargetRef::Classes {
                y: &classes,
                n_classes: 3,
            }
        } else {
            TargetRef::Values(&values)
        };
        let refit = spec.fit(&x, y, 17).unwrap();
        assert_eq!(
            serde_json::to_string(&refit).unwrap(),
            model_json,
            "{spec_json}"
        );
        covered.push((spec.family_name(), classification));
    }
    for classification in [true, false] {
        for family in Family::for_task(classification) {
            assert!(
                covered.contains(&(family.name(), classification)),
                "no earlier model of {family:?} (classification {classification})"
            );
        }
    }
}

/// FNV-1a over the bit patterns of `values`.
fn fnv1a(values: &[f64]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in values {
        for b in v.to_bits().to_le_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// What every family's fit predicts on the test rows, as hashes of the bits (probabilities on
/// iris with the default and low-cost settings, values on diabetes); the same table must hold
/// natively and in wasm: fits and predictions go through the portable maths only.
const FIT_BITS: &[(&str, u64)] = &[
    ("constant default", 0xd4a72d6fc409d725),
    ("constant low cost", 0xd4a72d6fc409d725),
    ("logistic_regression default", 0x72147a267e28bb14),
    ("logistic_regression low cost", 0x72147a267e28bb14),
    ("gaussian_nb default", 0xc6434d099a329892),
    ("gaussian_nb low cost", 0xc6434d099a329892),
    ("categorical_nb default", 0x63433f01be81dfca),
    ("categorical_nb low cost", 0x992905d88a90ae08),
    ("knn default", 0xf8c2fd61e9f5e0b9),
    ("knn low cost", 0xf8c2fd61e9f5e0b9),
    ("svm default", 0xc15389a0ec9ce45f),
    ("svm low cost", 0xfb0400e4c59cb26e),
    ("decision_tree default", 0x87355184a5ef1685),
    ("decision_tree low cost", 0xc0d8b5348a891304),
    ("random_forest default", 0x15d34ee7b7e5a0df),
    ("random_forest low cost", 0xdcd875814e6369cb),
    ("extra_trees default", 0x573759bd8a1c0556),
    ("extra_trees low cost", 0x22ad19cd160d95a4),
    ("gradient_boosting default", 0x7eb622342937d6d9),
    ("gradient_boosting low cost", 0x3ffce7103fcae7c4),
    ("neural_network default", 0xda6479b04f97e8ee),
    ("neural_network low cost", 0x81721522ff2ded99),
    ("constant regression", 0x2ce2add72a8c392b),
    ("linear_regression regression", 0x4614fcc69a8113d2),
    ("ridge regression", 0x6df65a1cddf44fe8),
    ("lasso regression", 0x6055b407dcf3df15),
    ("elastic_net regression", 0xeeea6ad22e51e2d1),
    ("knn regression", 0x82f73a0b371f3e7e),
    ("svm regression", 0x2d7a79269d9ed719),
    ("decision_tree regression", 0x5be7a05c14145a12),
    ("random_forest regression", 0x398f3233eeb476f4),
    ("extra_trees regression", 0x4b90f52c99357a3c),
    ("gradient_boosting regression", 0x045e0a21dc35b111),
    ("neural_network regression", 0xad828534cb787360),
];

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn fits_give_the_same_bits_natively_and_in_wasm() {
    let mut got: Vec<(String, u64)> = Vec::new();
    let s = split(IRIS, "iris.csv", "target", Task::Classification);
    for family in Family::for_task(true) {
        for (kind, spec) in [
            ("default", ModelSpec::default_for(family, true).unwrap()),
            ("low cost", ModelSpec::low_cost(family, true).unwrap()),
        ] {
            let p = fit_classifier(&spec, &s, 1)
                .predict_proba(&s.x_test)
                .unwrap()
                .unwrap_or_else(|| panic!("{family:?} gives no probabilities"));
            got.push((format!("{} {kind}", family.name()), fnv1a(&p.data)));
        }
    }
    let s = split(DIABETES, "diabetes.csv", "target", Task::Regression);
    let y_train = values(&s.target, &s.train);
    for family in Family::for_task(false) {
        let m = ModelSpec::default_for(family, false)
            .unwrap()
            .fit(&s.x_train, TargetRef::Values(&y_train), 3)
            .unwrap();
        let Prediction::Values(pred) = m.predict(&s.x_test).unwrap() else {
            panic!("{family:?} predicted classes")
        };
        got.push((format!("{} regression", family.name()), fnv1a(&pred)));
    }
    let want: Vec<(String, u64)> = FIT_BITS.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    let table: String = got
        .iter()
        .map(|(k, v)| format!("    (\"{k}\", 0x{v:016x}),\n"))
        .collect();
    assert_eq!(got, want, "the fits' bits changed; FIT_BITS now:\n{table}");
}

/// A table whose 40-level category carries the signal (the label is whether `x > 0`, turned
/// round for odd-numbered levels), seeded: its CSV text, label last.
fn level_csv(n: usize) -> String {
    let mut state = 77u64;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut csv = String::from("x,city,label\n");
    for _ in 0..n {
        let x = next() * 4.0 - 2.0;
        let level = (next() * 40.0) as usize % 40;
        let label = (x > 0.0) != (level % 2 == 1);
        csv.push_str(&format!("{x:.4},c{level:02},{}\n", u8::from(label)));
    }
    csv
}

/// The bits of a network with a learned embedding of a 40-level category (the default network
/// and the low-cost one, fitted on the training rows with their levels): the same natively and
/// in wasm.
const EMBEDDING_BITS: &[(&str, u64)] = &[
    ("neural_network default", 0x9f1e5abd4ccece0d),
    ("neural_network low cost", 0x65e9f0a94a457313),
];

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn networks_with_embeddings_give_the_same_bits_natively_and_in_wasm() {
    let t = read_csv(level_csv(400).as_bytes(), "levels.csv").unwrap();
    let prepared = prepare_target(&t, 2, Task::Classification).unwrap();
    let frame = Frame::from_table(&t, 2);
    let (y, n_classes) = classes(&prepared.target, &(0..400).collect::<Vec<_>>());
    let train: Vec<usize> = (0..320).map(|i| prepared.rows[i]).collect();
    let test: Vec<usize> = (320..400).map(|i| prepared.rows[i]).collect();
    let y_train = TargetRef::Classes {
        y: &y[..320],
        n_classes,
    };
    let (pipeline, x_train) = Pipeline::fit_transform(&frame, &train, Some(y_train), 4);
    let levels = pipeline.levels(&frame, &train);
    assert_eq!(levels.inputs.len(), 1);
    let x_test = pipeline.transform(&frame, &test);
    let family = Family::named("neural_network").unwrap();
    let mut got: Vec<(String, u64)> = Vec::new();
    for (kind, spec) in [
        ("default", ModelSpec::default_for(family, true).unwrap()),
        ("low cost", ModelSpec::low_cost(family, true).unwrap()),
    ] {
        let m = spec
            .fit_levels(&x_train, Some(&levels), y_train, 9)
            .unwrap();
        assert_eq!(m.network().unwrap().embeddings.len(), 1);
        let p = m.predict_proba(&x_test).unwrap().unwrap();
        got.push((format!("neural_network {kind}"), fnv1a(&p.data)));
    }
    let want: Vec<(String, u64)> = EMBEDDING_BITS
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    let table: String = got
        .iter()
        .map(|(k, v)| format!("    (\"{k}\", 0x{v:016x}),\n"))
        .collect();
    assert_eq!(
        got, want,
        "the fits' bits changed; EMBEDDING_BITS now:\n{table}"
    );
}

/// A forecast model file forecasts the same bits natively and in wasm: its models (refitted on
/// the series by the portable maths) give the forecast the native command line wrote, whose
/// numbers are written so that equal text is equal bits.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_forecast_model_file_forecasts_the_same_bits_natively_and_in_wasm() {
    let model =
        automl::results::forecast_file::load(AIRLINE_MODEL, "airline.forecast.automl").unwrap();
    let table = read_csv(AIRLINE, "airline_passengers.csv").unwrap();
    let result = model
        .forecast_table(&table, "airline_passengers.csv")
        .unwrap();
    assert_eq!(automl::forecast::forecast_csv(&result), AIRLINE_FORECAST);
}
