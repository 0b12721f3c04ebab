//! The registry's promises: every family is listed once under its own name, its default and
//! low-cost configurations and any point of its space are valid and fit, and an unknown name
//! is an error.

use super::*;
use crate::rng::Rng;

/// A tiny table: 24 rows × 3 inputs, 3 classes (or values) that depend on the inputs.
fn tiny() -> (Matrix, Vec<u32>, Vec<f64>) {
    let mut rng = Rng::new(5);
    let rows = 24;
    let mut data = Vec::with_capacity(rows * 3);
    let (mut classes, mut values) = (Vec::new(), Vec::new());
    for r in 0..rows {
        let row = [rng.next_f64() * 2.0 - 1.0, rng.next_f64(), (r % 4) as f64];
        data.extend_from_slice(&row);
        classes.push((r % 3) as u32);
        values.push(row[0] * 3.0 + row[1] - row[2] * 0.5);
    }
    let x = Matrix {
        rows,
        cols: 3,
        data,
    };
    (x, classes, values)
}

/// Fits `spec` on the tiny table for a task and checks the predictions' shape and a save and
/// load of the fitted model.
fn fits_on_tiny(spec: &ModelSpec, classification: bool) {
    let (x, classes, values) = tiny();
    let y = if classification {
        TargetRef::Classes {
            y: &classes,
            n_classes: 3,
        }
    } else {
        TargetRef::Values(&values)
    };
    let model = spec
        .fit(&x, y, 3)
        .unwrap_or_else(|e| panic!("{spec:?} (classification {classification}): {e}"));
    let prediction = model.predict(&x).unwrap();
    match prediction {
        Prediction::Classes(c) => {
            assert!(classification, "{spec:?}");
            assert_eq!(c.len(), x.rows);
            assert!(c.iter().all(|&k| k < 3));
            let p = model.predict_proba(&x).unwrap().unwrap();
            for r in 0..p.rows {
                let sum: f64 = p.row(r).iter().sum();
                assert!((sum - 1.0).abs() < 1e-6, "{spec:?}: row {r} sums to {sum}");
            }
        }
        Prediction::Values(v) => {
            assert!(!classification, "{spec:?}");
            assert_eq!(v.len(), x.rows);
            assert!(v.iter().all(|v| v.is_finite()), "{spec:?}");
        }
    }
    let json = serde_json::to_string(&model).unwrap();
    let back: FittedModel = serde_json::from_str(&json).unwrap();
    back.check_parts().unwrap();
    assert_eq!(back.predict(&x).unwrap(), model.predict(&x).unwrap());
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
}

#[test]
fn every_family_is_registered_once_under_a_name_that_round_trips() {
    let names: Vec<&str> = Family::all().map(|f| f.name()).collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    assert_eq!(names.len(), FAMILIES.len());
    for family in Family::all() {
        assert_eq!(Family::named(family.name()).unwrap(), family);
        assert!(!family.label().is_empty());
        assert!(
            family.supports(true) || family.supports(false),
            "{family:?}"
        );
        let classification = family.supports(true);
        let spec = ModelSpec::default_for(family, classification).unwrap();
        assert_eq!(spec.family(), family);
        assert_eq!(spec.family_name(), family.name());
        // the serialized spec names the family as the registry does, and reads back the same
        let json = serde_json::to_value(&spec).unwrap();
        assert_eq!(json["family"], family.name(), "{json}");
        let back: ModelSpec = serde_json::from_value(json).unwrap();
        assert_eq!(back, spec);
    }
}

#[test]
fn the_registry_keeps_the_search_order() {
    // the search goes through the families in this order; changing it changes leaderboards
    let names: Vec<&str> = Family::all().map(|f| f.name()).collect();
    assert_eq!(
        names,
        [
            "constant",
            "logistic_regression",
            "gaussian_nb",
            "categorical_nb",
            "linear_regression",
            "ridge",
            "lasso",
            "elastic_net",
            "knn",
            "svm",
            "decision_tree",
            "random_forest",
            "extra_trees",
            "gradient_boosting",
            "neural_network"
        ]
    );
}

#[test]
fn defaults_and_low_cost_starts_validate_and_fit_for_every_supported_task() {
    for family in Family::all() {
        for classification in [true, false] {
            if !family.supports(classification) {
                let spec = ModelSpec::default_for(family, !classification).unwrap();
                assert!(matches!(
                    spec.validate(classification),
                    Err(AutoMlError::Model { .. })
                ));
                continue;
            }
            for spec in [
                ModelSpec::default_for(family, classification).unwrap(),
                ModelSpec::low_cost(family, classification).unwrap(),
            ] {
                spec.validate(classification).unwrap();
                assert!(spec.cost_units(100, 5) > 0.0, "{spec:?}");
                assert!(spec.task_cost_units(100, 5, 4) >= spec.cost_units(100, 5) * 0.999);
                fits_on_tiny(&spec, classification);
            }
        }
    }
}

#[test]
fn every_point_of_every_space_is_a_valid_configuration() {
    let mut rng = Rng::new(11);
    for family in Family::all() {
        for classification in [true, false] {
            if !family.supports(classification) {
                continue;
            }
            let space = family.space(classification);
            for draw in 0..40 {
                // the corners, then random points
                let point: Vec<f64> = space
                    .iter()
                    .map(|_| match draw {
                        0 => 0.0,
                        1 => 0.999_999,
                        _ => rng.next_f64(),
                    })
                    .collect();
                let params: Map<String, Value> = space
                    .iter()
                    .zip(&point)
                    .map(|(d, &u)| (d.name.to_string(), d.sample(u)))
                    .collect();
                let spec = ModelSpec::from_params(family, classification, &params)
                    .unwrap_or_else(|e| panic!("{family:?} at {params:?}: {e}"));
                spec.validate(classification).unwrap();
                // the spec keeps what was sampled
                assert_eq!(spec.params(classification), params, "{family:?}");
            }
        }
    }
}

#[test]
fn an_unknown_family_is_an_error_that_names_it_and_the_known_ones() {
    let err = Family::named("transformer").unwrap_err();
    let AutoMlError::UnknownFamily { family, known } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(family, "transformer");
    assert_eq!(known.len(), FAMILIES.len());
    assert!(err.to_string().contains("\"transformer\""), "{err}");
    assert!(err.hint().contains("gradient_boosting"), "{}", err.hint());
    // a spec naming an unknown family does not read as some other model
    let read = serde_json::from_str::<ModelSpec>(r#"{"family":"transformer","epochs":3}"#);
    assert!(read.is_err());
}

#[test]
fn the_serialized_shapes_are_those_of_earlier_versions() {
    // written by the version before the registry (hand-written enums)
    for json in [
        r#"{"family":"constant"}"#,
        r#"{"family":"logistic_regression","c":1.0,"class_weight":"none"}"#,
        r#"{"family":"gaussian_nb","var_smoothing":1e-9,"class_weight":"balanced"}"#,
        r#"{"family":"categorical_nb","n_bins":8,"alpha":1.0,"class_weight":"none"}"#,
        r#"{"family":"linear_regression"}"#,
        r#"{"family":"ridge","alpha":1.0}"#,
        r#"{"family":"lasso","alpha":0.05}"#,
        r#"{"family":"elastic_net","alpha":1.0,"l1_ratio":0.5}"#,
        r#"{"family":"knn","k":10,"weights":"distance","class_weight":"none"}"#,
        r#"{"family":"svm","c":1.0,"kernel":"rbf","gamma":0.25,"epsilon":0.1,"class_weight":"none"}"#,
        r#"{"family":"decision_tree","max_depth":6,"min_samples_leaf":5}"#,
        r#"{"family":"random_forest","n_trees":100,"max_depth":0,"min_samples_leaf":1,"max_features":"auto"}"#,
        r#"{"family":"extra_trees","n_trees":20,"max_depth":8,"min_samples_leaf":2,"max_features":"sqrt"}"#,
        r#"{"family":"gradient_boosting","n_rounds":100,"learning_rate":0.1,"max_leaves":31,"min_samples_leaf":20,"subsample":1.0,"colsample":1.0,"lambda":0.0}"#,
    ] {
        let spec: ModelSpec = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&spec).unwrap(), json);
    }
    // fields added after the first model files take their defaults
    let svm: ModelSpec =
        serde_json::from_str(r#"{"family":"svm","c":2.0,"kernel":"linear","gamma":0.1}"#).unwrap();
    assert_eq!(
        svm,
        ModelSpec::Svm(svm::Svm {
            c: 2.0,
            kernel: Kernel::Linear,
            gamma: 0.1,
            epsilon: 0.1,
            class_weight: ClassWeight::None
        })
    );
}
