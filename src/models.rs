//! Model families behind one small interface: a [`ModelSpec`] (plain, serializable
//! hyperparameters) is fitted on a [`Matrix`] into a [`Fitted`] model that predicts.
//! Every input is checked here before it reaches smartcore, whose fits can panic on bad
//! shapes or non-finite numbers; a panic would kill the wasm worker.

use crate::error::{AutoMlError, Result};
use crate::preprocess::Matrix;
use serde::{Deserialize, Serialize};
use smartcore::ensemble::random_forest_classifier::{
    RandomForestClassifier, RandomForestClassifierParameters,
};
use smartcore::ensemble::random_forest_regressor::{
    RandomForestRegressor, RandomForestRegressorParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::linear_regression::{
    LinearRegression, LinearRegressionParameters, LinearRegressionSolverName,
};
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};
use smartcore::linear::ridge_regression::{
    RidgeRegression, RidgeRegressionParameters, RidgeRegressionSolverName,
};
use smartcore::metrics::distance::euclidian::Euclidian;
use smartcore::naive_bayes::gaussian::{GaussianNB, GaussianNBParameters};
use smartcore::neighbors::knn_classifier::{KNNClassifier, KNNClassifierParameters};
use smartcore::neighbors::knn_regressor::{KNNRegressor, KNNRegressorParameters};
use smartcore::neighbors::KNNWeightFunction;
use smartcore::tree::decision_tree_classifier::{
    DecisionTreeClassifier, DecisionTreeClassifierParameters,
};
use smartcore::tree::decision_tree_regressor::{
    DecisionTreeRegressor, DecisionTreeRegressorParameters,
};

type X = DenseMatrix<f64>;

/// What the model is asked to learn.
#[derive(Debug, Clone, Copy)]
pub enum Labels<'a> {
    /// Class codes.
    Classes(&'a [u32]),
    /// Numbers.
    Values(&'a [f64]),
}

impl Labels<'_> {
    fn len(&self) -> usize {
        match self {
            Labels::Classes(y) => y.len(),
            Labels::Values(y) => y.len(),
        }
    }
}

/// Predictions, of the same kind as the labels learned.
#[derive(Debug, Clone, PartialEq)]
pub enum Prediction {
    /// Class codes.
    Classes(Vec<u32>),
    /// Numbers.
    Values(Vec<f64>),
}

/// A model family with its hyperparameters: plain data, checked when fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "snake_case")]
pub enum ModelSpec {
    /// Gaussian naive Bayes (classification).
    GaussianNb,
    /// L2-regularized logistic regression (classification); `alpha` is the penalty.
    LogisticRegression {
        /// L2 penalty strength.
        alpha: f64,
    },
    /// Ordinary least squares (regression), solved by SVD so collinear inputs are fine.
    LinearRegression,
    /// Ridge regression (regression).
    Ridge {
        /// L2 penalty strength.
        alpha: f64,
    },
    /// k nearest neighbours on standardized inputs.
    Knn {
        /// Neighbours consulted (capped at the training rows).
        k: usize,
        /// Weight neighbours by inverse distance instead of equally.
        distance_weighted: bool,
    },
    /// A single CART tree.
    DecisionTree {
        /// Deepest level; 0 means unlimited.
        max_depth: u16,
        /// Fewest training rows in a leaf.
        min_samples_leaf: usize,
    },
    /// A random forest of CART trees.
    RandomForest {
        /// Trees.
        n_trees: u16,
        /// Deepest level; 0 means unlimited.
        max_depth: u16,
        /// Fewest training rows in a leaf.
        min_samples_leaf: usize,
    },
}

impl ModelSpec {
    /// The family's machine name, as in serialized specs.
    pub fn family(&self) -> &'static str {
        match self {
            ModelSpec::GaussianNb => "gaussian_nb",
            ModelSpec::LogisticRegression { .. } => "logistic_regression",
            ModelSpec::LinearRegression => "linear_regression",
            ModelSpec::Ridge { .. } => "ridge",
            ModelSpec::Knn { .. } => "knn",
            ModelSpec::DecisionTree { .. } => "decision_tree",
            ModelSpec::RandomForest { .. } => "random_forest",
        }
    }

    /// The family's name for people.
    pub fn label(&self) -> &'static str {
        match self {
            ModelSpec::GaussianNb => "Gaussian naive Bayes",
            ModelSpec::LogisticRegression { .. } => "Logistic regression",
            ModelSpec::LinearRegression => "Linear regression",
            ModelSpec::Ridge { .. } => "Ridge regression",
            ModelSpec::Knn { .. } => "k nearest neighbours",
            ModelSpec::DecisionTree { .. } => "Decision tree",
            ModelSpec::RandomForest { .. } => "Random forest",
        }
    }

    /// The hyperparameters as a JSON object (without the family).
    pub fn params(&self) -> serde_json::Map<String, serde_json::Value> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut map)) => {
                map.remove("family");
                map
            }
            _ => serde_json::Map::new(),
        }
    }

    /// Hyperparameters as `name=value, ...` for a terminal.
    pub fn params_text(&self) -> String {
        let p = self.params();
        if p.is_empty() {
            return "defaults".into();
        }
        p.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A rough relative cost of one fit on `rows` × `cols` inputs, for budgeting before any
    /// fit of this family has been timed. Units are arbitrary but shared by all families.
    pub fn cost_units(&self, rows: usize, cols: usize) -> f64 {
        let (n, p) = (rows.max(1) as f64, cols.max(1) as f64);
        let tree = n * n.log2().max(1.0) * p;
        match self {
            ModelSpec::GaussianNb => n * p,
            ModelSpec::LinearRegression | ModelSpec::Ridge { .. } => n * p * p.min(n),
            ModelSpec::LogisticRegression { .. } => 30.0 * n * p,
            // prediction dominates: every validation row against every training row
            ModelSpec::Knn { .. } => 0.25 * n * n * p,
            ModelSpec::DecisionTree { .. } => tree,
            ModelSpec::RandomForest { n_trees, .. } => *n_trees as f64 * tree * p.sqrt() / p * 1.5,
        }
    }

    /// Whether the family can learn this kind of labels.
    pub fn supports(&self, classification: bool) -> bool {
        match self {
            ModelSpec::GaussianNb | ModelSpec::LogisticRegression { .. } => classification,
            ModelSpec::LinearRegression | ModelSpec::Ridge { .. } => !classification,
            _ => true,
        }
    }

    fn check(&self) -> Result<()> {
        let bad = |detail: String| {
            Err(AutoMlError::Model {
                family: self.family().into(),
                detail,
            })
        };
        match self {
            ModelSpec::LogisticRegression { alpha } | ModelSpec::Ridge { alpha }
                if !(alpha.is_finite() && *alpha >= 0.0) =>
            {
                bad(format!("alpha must be a finite number ≥ 0, not {alpha}"))
            }
            ModelSpec::Knn { k: 0, .. } => bad("k must be at least 1".into()),
            ModelSpec::RandomForest { n_trees: 0, .. } => bad("n_trees must be at least 1".into()),
            ModelSpec::DecisionTree {
                min_samples_leaf: 0,
                ..
            }
            | ModelSpec::RandomForest {
                min_samples_leaf: 0,
                ..
            } => bad("min_samples_leaf must be at least 1".into()),
            _ => Ok(()),
        }
    }

    /// Fits the model. `seed` fixes every random choice of the fit.
    pub fn fit(&self, x: &Matrix, y: Labels<'_>, seed: u64) -> Result<Fitted> {
        self.check()?;
        validate(self.family(), x, y.len())?;
        if let Labels::Classes(codes) = y {
            let first = codes[0];
            if codes.iter().all(|&c| c == first) {
                return Ok(Fitted {
                    n_features: x.cols,
                    inner: Inner::ConstantClass(first),
                });
            }
        }
        let family = self.family();
        let fail = |e: smartcore::error::Failed| AutoMlError::Model {
            family: family.into(),
            detail: e.to_string(),
        };
        let dense = to_dense(x).map_err(fail)?;
        let depth = |d: u16| if d == 0 { None } else { Some(d) };
        let inner = guard(family, || {
            Ok(match (self, y) {
                (ModelSpec::GaussianNb, Labels::Classes(c)) => Inner::GaussianNb(
                    GaussianNB::fit(&dense, &c.to_vec(), GaussianNBParameters::default())
                        .map_err(fail)?,
                ),
                (ModelSpec::LogisticRegression { alpha }, Labels::Classes(c)) => Inner::Logistic(
                    LogisticRegression::fit(
                        &dense,
                        &c.to_vec(),
                        LogisticRegressionParameters::default().with_alpha(*alpha),
                    )
                    .map_err(fail)?,
                ),
                (ModelSpec::LinearRegression, Labels::Values(v)) => Inner::Linear(
                    LinearRegression::fit(
                        &dense,
                        &v.to_vec(),
                        LinearRegressionParameters::default()
                            .with_solver(LinearRegressionSolverName::SVD),
                    )
                    .map_err(fail)?,
                ),
                (ModelSpec::Ridge { alpha }, Labels::Values(v)) => Inner::Ridge(
                    RidgeRegression::fit(
                        &dense,
                        &v.to_vec(),
                        RidgeRegressionParameters::default()
                            .with_alpha(*alpha)
                            .with_solver(RidgeRegressionSolverName::SVD),
                    )
                    .map_err(fail)?,
                ),
                (
                    ModelSpec::Knn {
                        k,
                        distance_weighted,
                    },
                    y,
                ) => {
                    let k = (*k).min(x.rows);
                    let weight = if *distance_weighted {
                        KNNWeightFunction::Distance
                    } else {
                        KNNWeightFunction::Uniform
                    };
                    match y {
                        Labels::Classes(c) => Inner::KnnClassifier(
                            KNNClassifier::fit(
                                &dense,
                                &c.to_vec(),
                                KNNClassifierParameters::default()
                                    .with_k(k)
                                    .with_weight(weight),
                            )
                            .map_err(fail)?,
                        ),
                        Labels::Values(v) => Inner::KnnRegressor(
                            KNNRegressor::fit(
                                &dense,
                                &v.to_vec(),
                                KNNRegressorParameters::default()
                                    .with_k(k)
                                    .with_weight(weight),
                            )
                            .map_err(fail)?,
                        ),
                    }
                }
                (
                    ModelSpec::DecisionTree {
                        max_depth,
                        min_samples_leaf,
                    },
                    Labels::Classes(c),
                ) => {
                    let params = DecisionTreeClassifierParameters {
                        max_depth: depth(*max_depth),
                        min_samples_leaf: *min_samples_leaf,
                        min_samples_split: 2,
                        seed: Some(seed),
                        ..Default::default()
                    };
                    Inner::TreeClassifier(
                        DecisionTreeClassifier::fit(&dense, &c.to_vec(), params).map_err(fail)?,
                    )
                }
                (
                    ModelSpec::DecisionTree {
                        max_depth,
                        min_samples_leaf,
                    },
                    Labels::Values(v),
                ) => {
                    let params = DecisionTreeRegressorParameters {
                        max_depth: depth(*max_depth),
                        min_samples_leaf: *min_samples_leaf,
                        min_samples_split: 2,
                        seed: Some(seed),
                    };
                    Inner::TreeRegressor(
                        DecisionTreeRegressor::fit(&dense, &v.to_vec(), params).map_err(fail)?,
                    )
                }
                (
                    ModelSpec::RandomForest {
                        n_trees,
                        max_depth,
                        min_samples_leaf,
                    },
                    Labels::Classes(c),
                ) => {
                    let mut params = RandomForestClassifierParameters::default()
                        .with_n_trees(*n_trees)
                        .with_min_samples_leaf(*min_samples_leaf)
                        .with_seed(seed);
                    params.max_depth = depth(*max_depth);
                    Inner::ForestClassifier(
                        RandomForestClassifier::fit(&dense, &c.to_vec(), params).map_err(fail)?,
                    )
                }
                (
                    ModelSpec::RandomForest {
                        n_trees,
                        max_depth,
                        min_samples_leaf,
                    },
                    Labels::Values(v),
                ) => {
                    let mut params = RandomForestRegressorParameters::default()
                        .with_n_trees(*n_trees as usize)
                        .with_min_samples_leaf(*min_samples_leaf)
                        .with_seed(seed);
                    params.max_depth = depth(*max_depth);
                    Inner::ForestRegressor(
                        RandomForestRegressor::fit(&dense, &v.to_vec(), params).map_err(fail)?,
                    )
                }
                (spec, _) => {
                    return Err(AutoMlError::Model {
                        family: spec.family().into(),
                        detail: "this family does not support this task".into(),
                    })
                }
            })
        })?;
        Ok(Fitted {
            n_features: x.cols,
            inner,
        })
    }
}

/// Runs a smartcore call; natively a panic inside it becomes an error (on wasm a panic aborts,
/// which is why every input is validated before this point).
fn guard<T>(family: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            Ok(result) => result,
            Err(_) => Err(AutoMlError::Model {
                family: family.into(),
                detail: "the model library failed internally".into(),
            }),
        }
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = family;
        f()
    }
}

fn validate(family: &str, x: &Matrix, n_labels: usize) -> Result<()> {
    let bad = |detail: String| {
        Err(AutoMlError::Model {
            family: family.into(),
            detail,
        })
    };
    if x.rows == 0 || x.cols == 0 {
        return bad(format!(
            "it needs at least one row and one input, got {} × {}",
            x.rows, x.cols
        ));
    }
    if x.data.len() != x.rows * x.cols {
        return bad("the input matrix is malformed".into());
    }
    if n_labels != x.rows {
        return bad(format!("{} rows of inputs but {n_labels} labels", x.rows));
    }
    if let Some(i) = x.data.iter().position(|v| !v.is_finite()) {
        return bad(format!(
            "input {} of row {} is not a finite number",
            i % x.cols + 1,
            i / x.cols + 1
        ));
    }
    Ok(())
}

fn to_dense(x: &Matrix) -> std::result::Result<X, smartcore::error::Failed> {
    DenseMatrix::new(x.rows, x.cols, x.data.clone(), false)
}

enum Inner {
    ConstantClass(u32),
    GaussianNb(GaussianNB<f64, u32, X, Vec<u32>>),
    Logistic(LogisticRegression<f64, u32, X, Vec<u32>>),
    Linear(LinearRegression<f64, f64, X, Vec<f64>>),
    Ridge(RidgeRegression<f64, f64, X, Vec<f64>>),
    KnnClassifier(KNNClassifier<f64, u32, X, Vec<u32>, Euclidian<f64>>),
    KnnRegressor(KNNRegressor<f64, f64, X, Vec<f64>, Euclidian<f64>>),
    TreeClassifier(DecisionTreeClassifier<f64, u32, X, Vec<u32>>),
    TreeRegressor(DecisionTreeRegressor<f64, f64, X, Vec<f64>>),
    ForestClassifier(RandomForestClassifier<f64, u32, X, Vec<u32>>),
    ForestRegressor(RandomForestRegressor<f64, f64, X, Vec<f64>>),
}

/// A fitted model.
pub struct Fitted {
    n_features: usize,
    inner: Inner,
}

impl std::fmt::Debug for Fitted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fitted")
            .field("n_features", &self.n_features)
            .finish_non_exhaustive()
    }
}

impl Fitted {
    /// Predicts every row of `x`.
    pub fn predict(&self, x: &Matrix) -> Result<Prediction> {
        if x.cols != self.n_features {
            return Err(AutoMlError::Model {
                family: "prediction".into(),
                detail: format!(
                    "the model was fitted on {} inputs but got {}",
                    self.n_features, x.cols
                ),
            });
        }
        if x.rows == 0 {
            return Ok(match self.inner {
                Inner::ConstantClass(_)
                | Inner::GaussianNb(_)
                | Inner::Logistic(_)
                | Inner::KnnClassifier(_)
                | Inner::TreeClassifier(_)
                | Inner::ForestClassifier(_) => Prediction::Classes(Vec::new()),
                _ => Prediction::Values(Vec::new()),
            });
        }
        validate("prediction", x, x.rows)?;
        let fail = |e: smartcore::error::Failed| AutoMlError::Model {
            family: "prediction".into(),
            detail: e.to_string(),
        };
        let dense = to_dense(x).map_err(fail)?;
        guard("prediction", || {
            Ok(match &self.inner {
                Inner::ConstantClass(c) => Prediction::Classes(vec![*c; x.rows]),
                Inner::GaussianNb(m) => Prediction::Classes(m.predict(&dense).map_err(fail)?),
                Inner::Logistic(m) => Prediction::Classes(m.predict(&dense).map_err(fail)?),
                Inner::KnnClassifier(m) => Prediction::Classes(m.predict(&dense).map_err(fail)?),
                Inner::TreeClassifier(m) => Prediction::Classes(m.predict(&dense).map_err(fail)?),
                Inner::ForestClassifier(m) => Prediction::Classes(m.predict(&dense).map_err(fail)?),
                Inner::Linear(m) => Prediction::Values(m.predict(&dense).map_err(fail)?),
                Inner::Ridge(m) => Prediction::Values(m.predict(&dense).map_err(fail)?),
                Inner::KnnRegressor(m) => Prediction::Values(m.predict(&dense).map_err(fail)?),
                Inner::TreeRegressor(m) => Prediction::Values(m.predict(&dense).map_err(fail)?),
                Inner::ForestRegressor(m) => Prediction::Values(m.predict(&dense).map_err(fail)?),
            })
        })
    }
}
