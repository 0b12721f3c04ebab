//! Integration tests of the tree engine through the public API: cross-validated accuracy and
//! R² thresholds on the project's test data, with the crate's own preprocessing learned on
//! each fold's training rows.

use automl::matrix::Matrix;
use automl::metrics::{accuracy, r2};
use automl::preprocess::{Frame, Pipeline};
use automl::search::folds::{kfold, stratified_kfold};
use automl::target::{prepare_target, Target};
use automl::trees::{
    ForestClassifier, ForestParams, ForestRegressor, GbmClassifier, GbmParams, GbmRegressor,
};
use automl::{read_csv, Task};

struct Split {
    x_train: Matrix,
    x_test: Matrix,
    train: Vec<usize>,
    test: Vec<usize>,
}

/// The file's matrices for each of 5 folds, and its encoded target.
fn folds(file: &str, target: &str, task: Task) -> (Vec<Split>, Target) {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let table = read_csv(&std::fs::read(&path).unwrap(), file).unwrap();
    let col = table.column_index(target).unwrap();
    let prepared = prepare_target(&table, col, task).unwrap();
    let frame = Frame::from_table(&table, col);
    let folds = match &prepared.target {
        Target::Classes { y, .. } => stratified_kfold(y, 5, 7),
        Target::Values(v) => kfold(v.len(), 5, 7),
    };
    let splits = folds
        .into_iter()
        .map(|f| {
            let rows = |p: &[usize]| p.iter().map(|&i| prepared.rows[i]).collect::<Vec<_>>();
            let pipeline = Pipeline::fit(&frame, &rows(&f.train), None);
            Split {
                x_train: pipeline.transform(&frame, &rows(&f.train)),
                x_test: pipeline.transform(&frame, &rows(&f.valid)),
                train: f.train,
                test: f.valid,
            }
        })
        .collect();
    (splits, prepared.target)
}

/// A fitted model's prediction function.
type Predict<T> = Box<dyn Fn(&Matrix) -> Vec<T>>;

fn pick<T: Copy>(v: &[T], at: &[usize]) -> Vec<T> {
    at.iter().map(|&i| v[i]).collect()
}

/// Mean test accuracy over the folds of a classifier fitted by `fit`.
fn cv_accuracy(file: &str, target: &str, fit: impl Fn(&Matrix, &[u32]) -> Predict<u32>) -> f64 {
    let (splits, t) = folds(file, target, Task::Classification);
    let Target::Classes { y, .. } = t else {
        panic!("classes expected")
    };
    let mut total = 0.0;
    for s in &splits {
        let predict = fit(&s.x_train, &pick(&y, &s.train));
        total += accuracy(&pick(&y, &s.test), &predict(&s.x_test));
    }
    total / splits.len() as f64
}

fn cv_r2(file: &str, target: &str, fit: impl Fn(&Matrix, &[f64]) -> Predict<f64>) -> f64 {
    let (splits, t) = folds(file, target, Task::Regression);
    let Target::Values(y) = t else {
        panic!("values expected")
    };
    let mut total = 0.0;
    for s in &splits {
        let predict = fit(&s.x_train, &pick(&y, &s.train));
        total += r2(&pick(&y, &s.test), &predict(&s.x_test));
    }
    total / splits.len() as f64
}

fn gbm_classes(params: GbmParams) -> impl Fn(&Matrix, &[u32]) -> Predict<u32> {
    move |x, y| {
        let m = GbmClassifier::fit(x, y, &params, 1).unwrap();
        Box::new(move |x| m.predict(x).unwrap())
    }
}

fn forest_classes(params: ForestParams) -> impl Fn(&Matrix, &[u32]) -> Predict<u32> {
    move |x, y| {
        let m = ForestClassifier::fit(x, y, &params, 1).unwrap();
        Box::new(move |x| m.predict(x).unwrap())
    }
}

#[test]
fn gbm_classifies_iris_and_titanic() {
    let iris = cv_accuracy("iris.csv", "target", gbm_classes(GbmParams::default()));
    let titanic = cv_accuracy("titanic.csv", "Survived", gbm_classes(GbmParams::default()));
    eprintln!("gbm: iris {iris:.4}, titanic {titanic:.4}");
    assert!(iris >= 0.93, "iris accuracy {iris}");
    assert!(titanic >= 0.80, "titanic accuracy {titanic}");
}

#[test]
fn gbm_with_early_stopping_classifies_titanic() {
    let params = GbmParams {
        n_rounds: 500,
        early_stopping_rounds: Some(20),
        ..GbmParams::default()
    };
    let titanic = cv_accuracy("titanic.csv", "Survived", gbm_classes(params));
    eprintln!("gbm early stopping: titanic {titanic:.4}");
    assert!(titanic >= 0.80, "titanic accuracy {titanic}");
}

#[test]
fn gbm_regresses_diabetes() {
    let params = GbmParams {
        learning_rate: 0.05,
        max_leaves: 8,
        ..GbmParams::default()
    };
    let score = cv_r2("diabetes.csv", "target", move |x, y| {
        let m = GbmRegressor::fit(x, y, &params, 1).unwrap();
        Box::new(move |x| m.predict(x).unwrap())
    });
    eprintln!("gbm: diabetes r2 {score:.4}");
    assert!(score >= 0.40, "diabetes r2 {score}");
}

#[test]
fn forests_classify_iris_and_titanic() {
    for params in [ForestParams::default(), ForestParams::extra_trees()] {
        let iris = cv_accuracy("iris.csv", "target", forest_classes(params.clone()));
        let titanic = cv_accuracy(
            "titanic.csv",
            "Survived",
            forest_classes(ForestParams {
                min_samples_leaf: 3,
                ..params.clone()
            }),
        );
        eprintln!("{:?}: iris {iris:.4}, titanic {titanic:.4}", params.kind);
        assert!(iris >= 0.93, "{:?} iris accuracy {iris}", params.kind);
        assert!(
            titanic >= 0.80,
            "{:?} titanic accuracy {titanic}",
            params.kind
        );
    }
}

#[test]
fn forests_regress_diabetes() {
    for params in [ForestParams::default(), ForestParams::extra_trees()] {
        let p = ForestParams {
            min_samples_leaf: 5,
            ..params.clone()
        };
        let score = cv_r2("diabetes.csv", "target", move |x, y| {
            let m = ForestRegressor::fit(x, y, &p, 1).unwrap();
            Box::new(move |x| m.predict(x).unwrap())
        });
        eprintln!("{:?}: diabetes r2 {score:.4}", params.kind);
        assert!(score >= 0.40, "{:?} diabetes r2 {score}", params.kind);
    }
}
