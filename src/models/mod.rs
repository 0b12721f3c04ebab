//! Every model family behind one contract (scikit-learn's estimator rules):
//! - a [`ModelSpec`] is plain, serializable hyperparameters with documented defaults, checked
//!   by [`ModelSpec::validate`] at fit time, never in a constructor;
//! - [`Family::space`] describes each family's hyperparameters (range, scale, default and a
//!   low-cost starting value) for the search;
//! - [`ModelSpec::fit`] validates its inputs and returns a separate, serializable
//!   [`FittedModel`] or an error, never a panic: inputs are checked here before any
//!   dependency sees them, since a panic kills the wasm worker;
//! - [`FittedModel::predict`] and, for classifiers, [`FittedModel::predict_proba`].
//!
//! All randomness comes from the `seed` given to `fit`.

pub mod knn;
pub mod linear;
pub mod logistic;
pub mod naive_bayes;
pub mod optim;
pub mod space;
pub mod svm;

use crate::error::{AutoMlError, Result};
use crate::matrix::Matrix;
use crate::trees::{
    ForestClassifier, ForestKind, ForestParams, ForestRegressor, GbmClassifier, GbmParams,
    GbmRegressor, MaxFeatures,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use space::{choice, float, int, ParamDef};

/// What a model is asked to learn.
#[derive(Debug, Clone, Copy)]
pub enum Labels<'a> {
    /// Class codes in `0..n_classes`.
    Classes {
        /// Per-row class code.
        y: &'a [u32],
        /// Number of classes of the whole problem (a training part may lack some).
        n_classes: usize,
    },
    /// Numbers.
    Values(&'a [f64]),
}

impl Labels<'_> {
    fn len(&self) -> usize {
        match self {
            Labels::Classes { y, .. } => y.len(),
            Labels::Values(v) => v.len(),
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

/// How classes are weighted in the loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ClassWeight {
    /// Every row counts the same. The default.
    #[default]
    None,
    /// Rows are weighted by `n / (n_classes × class count)`, so every class counts the same.
    Balanced,
}

/// The SVM's kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Kernel {
    /// The inputs as they are.
    Linear,
    /// Gaussian (RBF), approximated by random Fourier features. The default.
    #[default]
    Rbf,
}

/// A model family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Majority class (with class priors as probabilities) or the training mean.
    Constant,
    /// Logistic regression (classification).
    LogisticRegression,
    /// Gaussian naive Bayes (classification).
    GaussianNb,
    /// Categorical naive Bayes on binned inputs (classification).
    CategoricalNb,
    /// Least squares (regression).
    LinearRegression,
    /// Ridge regression (regression).
    Ridge,
    /// Lasso (regression).
    Lasso,
    /// Elastic net (regression).
    ElasticNet,
    /// k nearest neighbours.
    Knn,
    /// Support vector machine.
    Svm,
    /// A single tree (the project's tree engine).
    DecisionTree,
    /// Random forest (the project's tree engine).
    RandomForest,
    /// Extremely randomized trees (the project's tree engine).
    ExtraTrees,
    /// Histogram gradient boosting (the project's tree engine).
    GradientBoosting,
}

impl Family {
    /// Every family.
    pub const ALL: [Family; 14] = [
        Family::Constant,
        Family::LogisticRegression,
        Family::GaussianNb,
        Family::CategoricalNb,
        Family::LinearRegression,
        Family::Ridge,
        Family::Lasso,
        Family::ElasticNet,
        Family::Knn,
        Family::Svm,
        Family::DecisionTree,
        Family::RandomForest,
        Family::ExtraTrees,
        Family::GradientBoosting,
    ];

    /// Machine name, as in serialized specs.
    pub fn name(self) -> &'static str {
        match self {
            Family::Constant => "constant",
            Family::LogisticRegression => "logistic_regression",
            Family::GaussianNb => "gaussian_nb",
            Family::CategoricalNb => "categorical_nb",
            Family::LinearRegression => "linear_regression",
            Family::Ridge => "ridge",
            Family::Lasso => "lasso",
            Family::ElasticNet => "elastic_net",
            Family::Knn => "knn",
            Family::Svm => "svm",
            Family::DecisionTree => "decision_tree",
            Family::RandomForest => "random_forest",
            Family::ExtraTrees => "extra_trees",
            Family::GradientBoosting => "gradient_boosting",
        }
    }

    /// Name for people.
    pub fn label(self) -> &'static str {
        match self {
            Family::Constant => "Baseline (constant)",
            Family::LogisticRegression => "Logistic regression",
            Family::GaussianNb => "Gaussian naive Bayes",
            Family::CategoricalNb => "Categorical naive Bayes",
            Family::LinearRegression => "Linear regression",
            Family::Ridge => "Ridge regression",
            Family::Lasso => "Lasso",
            Family::ElasticNet => "Elastic net",
            Family::Knn => "k nearest neighbours",
            Family::Svm => "Support vector machine",
            Family::DecisionTree => "Decision tree",
            Family::RandomForest => "Random forest",
            Family::ExtraTrees => "Extra trees",
            Family::GradientBoosting => "Gradient boosting",
        }
    }

    /// Whether the family learns classes (`true`) or values (`false`), or both.
    pub fn supports(self, classification: bool) -> bool {
        match self {
            Family::LogisticRegression | Family::GaussianNb | Family::CategoricalNb => {
                classification
            }
            Family::LinearRegression | Family::Ridge | Family::Lasso | Family::ElasticNet => {
                !classification
            }
            _ => true,
        }
    }

    /// The families for a task.
    pub fn for_task(classification: bool) -> Vec<Family> {
        Family::ALL
            .into_iter()
            .filter(|f| f.supports(classification))
            .collect()
    }

    /// The hyperparameter space for a task (class weighting only for classification).
    pub fn space(self, classification: bool) -> Vec<ParamDef> {
        let class_weight = || {
            choice(
                "class_weight",
                &["none", "balanced"],
                "none",
                "none",
                "Weight classes equally (balanced) or rows equally (none).",
            )
        };
        let mut defs = match self {
            Family::Constant | Family::LinearRegression => vec![],
            Family::LogisticRegression => {
                vec![float(
                    "c",
                    1e-3,
                    1e3,
                    true,
                    1.0,
                    1.0,
                    "Inverse L2 penalty strength; larger fits the training rows more closely.",
                )]
            }
            Family::GaussianNb => vec![float(
                "var_smoothing",
                1e-12,
                1e-1,
                true,
                1e-9,
                1e-9,
                "Share of the largest variance added to every variance.",
            )],
            Family::CategoricalNb => vec![
                int("n_bins", 2, 20, false, 8, 4, "Quantile bins per input."),
                float(
                    "alpha",
                    1e-2,
                    10.0,
                    true,
                    1.0,
                    1.0,
                    "Additive (Laplace) smoothing of the counts.",
                ),
            ],
            Family::Ridge => vec![float(
                "alpha",
                1e-4,
                1e4,
                true,
                1.0,
                1.0,
                "L2 penalty on the sum of squared errors.",
            )],
            Family::Lasso => vec![float(
                "alpha",
                1e-5,
                1e2,
                true,
                1.0,
                1.0,
                "L1 penalty on the mean squared error / 2.",
            )],
            Family::ElasticNet => vec![
                float(
                    "alpha",
                    1e-5,
                    1e2,
                    true,
                    1.0,
                    1.0,
                    "Penalty strength on the mean squared error / 2.",
                ),
                float(
                    "l1_ratio",
                    0.0,
                    1.0,
                    false,
                    0.5,
                    0.5,
                    "Share of the penalty that is L1.",
                ),
            ],
            Family::Knn => vec![
                int("k", 1, 100, true, 5, 5, "Neighbours consulted."),
                choice(
                    "weights",
                    &["uniform", "distance"],
                    "uniform",
                    "uniform",
                    "Equal votes, or votes weighted by inverse distance.",
                ),
            ],
            Family::Svm => {
                let mut d = vec![
                    float("c", 1e-2, 1e3, true, 1.0, 1.0, "Inverse regularization."),
                    choice(
                        "kernel",
                        &["rbf", "linear"],
                        "rbf",
                        "linear",
                        "RBF (random Fourier features) or linear.",
                    ),
                    float(
                        "gamma",
                        1e-3,
                        10.0,
                        true,
                        0.1,
                        0.1,
                        "RBF width: larger means more local.",
                    ),
                ];
                if !classification {
                    d.push(float(
                        "epsilon",
                        0.0,
                        1.0,
                        false,
                        0.1,
                        0.1,
                        "Tube half-width, in standard deviations of the target.",
                    ));
                }
                d
            }
            Family::DecisionTree => vec![
                int(
                    "max_depth",
                    0,
                    30,
                    false,
                    0,
                    4,
                    "Deepest level; 0 means unlimited.",
                ),
                int(
                    "min_samples_leaf",
                    1,
                    50,
                    true,
                    1,
                    5,
                    "Fewest training rows in a leaf.",
                ),
            ],
            Family::RandomForest | Family::ExtraTrees => vec![
                int("n_trees", 10, 500, true, 100, 20, "Trees."),
                int("max_depth", 0, 30, false, 0, 8, "Deepest level; 0 means unlimited."),
                int("min_samples_leaf", 1, 20, true, 1, 2, "Fewest training rows in a leaf."),
                choice("max_features", &["auto", "sqrt", "half", "all"], "auto", "auto", "Inputs tried at each split: auto is the square root for classes, all for numbers."),
            ],
            Family::GradientBoosting => vec![
                int("n_rounds", 10, 1000, true, 100, 20, "Boosting rounds (trees per class)."),
                float("learning_rate", 0.005, 0.5, true, 0.1, 0.1, "Shrinkage of each tree's contribution."),
                int("max_leaves", 4, 256, true, 31, 8, "Most leaves per tree."),
                int("min_samples_leaf", 1, 100, true, 20, 20, "Fewest training rows in a leaf."),
                float("subsample", 0.5, 1.0, false, 1.0, 1.0, "Share of rows each tree sees."),
                float("colsample", 0.3, 1.0, false, 1.0, 1.0, "Share of inputs each tree sees."),
                float("lambda", 0.0, 10.0, false, 0.0, 0.0, "L2 penalty on leaf values."),
            ],
        };
        if classification
            && matches!(
                self,
                Family::LogisticRegression
                    | Family::GaussianNb
                    | Family::CategoricalNb
                    | Family::Knn
                    | Family::Svm
            )
        {
            defs.push(class_weight());
        }
        defs
    }
}

/// A model family with its hyperparameters: plain data, checked when fitted. Fields a task
/// does not use (class weighting in regression, `epsilon` in classification) are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "snake_case")]
pub enum ModelSpec {
    /// Majority class / training mean.
    Constant,
    /// Logistic regression, L2 penalty.
    LogisticRegression {
        /// Inverse penalty strength (scikit-learn's `C`). Default 1.
        c: f64,
        /// Class weighting. Default none.
        #[serde(default)]
        class_weight: ClassWeight,
    },
    /// Gaussian naive Bayes.
    GaussianNb {
        /// Variance smoothing. Default 1e-9.
        var_smoothing: f64,
        /// Class weighting (balanced = equal priors). Default none.
        #[serde(default)]
        class_weight: ClassWeight,
    },
    /// Categorical naive Bayes on quantile bins.
    CategoricalNb {
        /// Bins per input. Default 8.
        n_bins: usize,
        /// Smoothing. Default 1.
        alpha: f64,
        /// Class weighting. Default none.
        #[serde(default)]
        class_weight: ClassWeight,
    },
    /// Least squares.
    LinearRegression,
    /// Ridge.
    Ridge {
        /// Penalty. Default 1.
        alpha: f64,
    },
    /// Lasso.
    Lasso {
        /// Penalty. Default 1.
        alpha: f64,
    },
    /// Elastic net.
    ElasticNet {
        /// Penalty. Default 1.
        alpha: f64,
        /// L1 share. Default 0.5.
        l1_ratio: f64,
    },
    /// k nearest neighbours.
    Knn {
        /// Neighbours. Default 5.
        k: usize,
        /// "uniform" or "distance". Default uniform.
        weights: KnnWeights,
        /// Class weighting. Default none.
        #[serde(default)]
        class_weight: ClassWeight,
    },
    /// Support vector machine.
    Svm {
        /// Inverse regularization. Default 1.
        c: f64,
        /// Kernel. Default rbf.
        kernel: Kernel,
        /// RBF width. Default 0.1.
        gamma: f64,
        /// Regression tube half-width. Default 0.1.
        #[serde(default = "default_epsilon")]
        epsilon: f64,
        /// Class weighting. Default none.
        #[serde(default)]
        class_weight: ClassWeight,
    },
    /// A single CART tree.
    DecisionTree {
        /// Deepest level, 0 = unlimited. Default 0.
        max_depth: u16,
        /// Fewest rows in a leaf. Default 1.
        min_samples_leaf: usize,
    },
    /// Random forest.
    RandomForest {
        /// Trees. Default 100.
        n_trees: u16,
        /// Deepest level, 0 = unlimited. Default 0.
        max_depth: u16,
        /// Fewest rows in a leaf. Default 1.
        min_samples_leaf: usize,
        /// Inputs tried per split: "auto", "sqrt", "half" or "all". Default auto.
        #[serde(default = "default_max_features")]
        max_features: String,
    },
    /// Extremely randomized trees.
    ExtraTrees {
        /// Trees. Default 100.
        n_trees: u16,
        /// Deepest level, 0 = unlimited. Default 0.
        max_depth: u16,
        /// Fewest rows in a leaf. Default 1.
        min_samples_leaf: usize,
        /// Inputs tried per split. Default auto.
        #[serde(default = "default_max_features")]
        max_features: String,
    },
    /// Histogram gradient boosting.
    GradientBoosting {
        /// Rounds. Default 100.
        n_rounds: usize,
        /// Learning rate. Default 0.1.
        learning_rate: f64,
        /// Leaves per tree. Default 31.
        max_leaves: usize,
        /// Fewest rows in a leaf. Default 20.
        min_samples_leaf: usize,
        /// Row share per tree. Default 1.
        subsample: f64,
        /// Input share per tree. Default 1.
        colsample: f64,
        /// L2 penalty on leaves. Default 0.
        lambda: f64,
    },
}

fn default_max_features() -> String {
    "auto".into()
}

fn max_features(name: &str) -> MaxFeatures {
    match name {
        "sqrt" => MaxFeatures::Sqrt,
        "half" => MaxFeatures::Fraction(0.5),
        "all" => MaxFeatures::All,
        _ => MaxFeatures::Auto,
    }
}

fn forest_params(
    kind: ForestKind,
    n_trees: u16,
    max_depth: u16,
    min_samples_leaf: usize,
    features: &str,
) -> ForestParams {
    let base = if kind == ForestKind::ExtraTrees {
        ForestParams::extra_trees()
    } else {
        ForestParams::default()
    };
    ForestParams {
        n_trees: n_trees as usize,
        max_depth: (max_depth > 0).then_some(max_depth as usize),
        min_samples_leaf,
        max_features: max_features(features),
        ..base
    }
}

impl ModelSpec {
    /// The tree engine's settings for a tree family (an error for any other family).
    fn tree_params(&self) -> Result<TreeParams> {
        let forest = |p: ForestParams| p.validate().map(|_| TreeParams::Forest(p));
        match self {
            // one unbootstrapped tree over every input
            ModelSpec::DecisionTree {
                max_depth,
                min_samples_leaf,
            } => forest(ForestParams {
                bootstrap: false,
                ..forest_params(
                    ForestKind::RandomForest,
                    1,
                    *max_depth,
                    *min_samples_leaf,
                    "all",
                )
            }),
            ModelSpec::RandomForest {
                n_trees,
                max_depth,
                min_samples_leaf,
                max_features,
            } => forest(forest_params(
                ForestKind::RandomForest,
                *n_trees,
                *max_depth,
                *min_samples_leaf,
                max_features,
            )),
            ModelSpec::ExtraTrees {
                n_trees,
                max_depth,
                min_samples_leaf,
                max_features,
            } => forest(forest_params(
                ForestKind::ExtraTrees,
                *n_trees,
                *max_depth,
                *min_samples_leaf,
                max_features,
            )),
            ModelSpec::GradientBoosting {
                n_rounds,
                learning_rate,
                max_leaves,
                min_samples_leaf,
                subsample,
                colsample,
                lambda,
            } => {
                let p = GbmParams {
                    n_rounds: *n_rounds,
                    learning_rate: *learning_rate,
                    max_leaves: *max_leaves,
                    min_samples_leaf: *min_samples_leaf,
                    subsample: *subsample,
                    colsample_bytree: *colsample,
                    lambda: *lambda,
                    ..GbmParams::default()
                };
                p.validate().map(|_| TreeParams::Gbm(p))
            }
            _ => Err(AutoMlError::Model {
                family: self.family().name().into(),
                detail: "it has no tree settings".into(),
            }),
        }
    }
}

enum TreeParams {
    Forest(ForestParams),
    Gbm(GbmParams),
}

fn default_epsilon() -> f64 {
    0.1
}

/// How neighbours vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum KnnWeights {
    /// Equally. The default.
    #[default]
    Uniform,
    /// By inverse distance.
    Distance,
}

impl ModelSpec {
    /// The family.
    pub fn family(&self) -> Family {
        match self {
            ModelSpec::Constant => Family::Constant,
            ModelSpec::LogisticRegression { .. } => Family::LogisticRegression,
            ModelSpec::GaussianNb { .. } => Family::GaussianNb,
            ModelSpec::CategoricalNb { .. } => Family::CategoricalNb,
            ModelSpec::LinearRegression => Family::LinearRegression,
            ModelSpec::Ridge { .. } => Family::Ridge,
            ModelSpec::Lasso { .. } => Family::Lasso,
            ModelSpec::ElasticNet { .. } => Family::ElasticNet,
            ModelSpec::Knn { .. } => Family::Knn,
            ModelSpec::Svm { .. } => Family::Svm,
            ModelSpec::DecisionTree { .. } => Family::DecisionTree,
            ModelSpec::RandomForest { .. } => Family::RandomForest,
            ModelSpec::ExtraTrees { .. } => Family::ExtraTrees,
            ModelSpec::GradientBoosting { .. } => Family::GradientBoosting,
        }
    }

    /// Builds a spec from a family and some of its parameters; the others take their
    /// documented defaults. Names or values outside the family's space are errors.
    pub fn from_params(
        family: Family,
        classification: bool,
        params: &Map<String, Value>,
    ) -> Result<ModelSpec> {
        let space = family.space(classification);
        let bad = |detail: String| AutoMlError::Model {
            family: family.name().into(),
            detail,
        };
        let mut object = Map::new();
        object.insert("family".into(), Value::from(family.name()));
        for def in &space {
            object.insert(def.name.into(), def.default.clone());
        }
        for (name, value) in params {
            let def = space
                .iter()
                .find(|d| d.name == name)
                .ok_or_else(|| bad(format!("it has no hyperparameter \"{name}\"")))?;
            if !def.admits(value) {
                return Err(bad(format!("{name} = {value} is outside its range")));
            }
            object.insert(name.clone(), value.clone());
        }
        serde_json::from_value(Value::Object(object))
            .map_err(|e| bad(format!("the parameters do not fit: {e}")))
    }

    /// The family's documented defaults.
    pub fn default_for(family: Family, classification: bool) -> ModelSpec {
        Self::from_params(family, classification, &Map::new()).unwrap_or(ModelSpec::Constant)
    }

    /// The family's low-cost starting configuration.
    pub fn low_cost(family: Family, classification: bool) -> ModelSpec {
        let params: Map<String, Value> = family
            .space(classification)
            .into_iter()
            .map(|d| (d.name.to_string(), d.low_cost))
            .collect();
        Self::from_params(family, classification, &params).unwrap_or(ModelSpec::Constant)
    }

    /// The family's machine name.
    pub fn family_name(&self) -> &'static str {
        self.family().name()
    }

    /// The family's name for people.
    pub fn label(&self) -> &'static str {
        self.family().label()
    }

    /// The hyperparameters as a JSON object (without the family), limited to those the
    /// task uses.
    pub fn params(&self, classification: bool) -> Map<String, Value> {
        let names: Vec<&str> = self
            .family()
            .space(classification)
            .iter()
            .map(|d| d.name)
            .collect();
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map
                .into_iter()
                .filter(|(k, _)| names.contains(&k.as_str()))
                .collect(),
            _ => Map::new(),
        }
    }

    /// Hyperparameters as `name=value, ...` for a terminal.
    pub fn params_text(&self, classification: bool) -> String {
        let p = self.params(classification);
        if p.is_empty() {
            return "defaults".into();
        }
        p.iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    v.as_str().map_or_else(|| v.to_string(), str::to_string)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A rough relative cost of one fit and prediction on `rows` × `cols` inputs, for
    /// budgeting before this family has been timed. Units are shared by all families.
    pub fn cost_units(&self, rows: usize, cols: usize) -> f64 {
        let (n, p) = (rows.max(1) as f64, cols.max(1) as f64);
        let tree = n * n.log2().max(1.0) * p;
        match self {
            ModelSpec::Constant => n,
            ModelSpec::GaussianNb { .. } | ModelSpec::CategoricalNb { .. } => 3.0 * n * p,
            ModelSpec::LinearRegression | ModelSpec::Ridge { .. } => n * p * p.min(n) + p * p * p,
            ModelSpec::Lasso { .. } | ModelSpec::ElasticNet { .. } => 20.0 * n * p,
            // L-BFGS: up to 300 iterations of a pass over rows × inputs, often a hundred
            ModelSpec::LogisticRegression { .. } => 300.0 * n * p,
            // prediction dominates: every validation row against every kept training row
            ModelSpec::Knn { .. } => 0.25 * n * n.min(knn::MAX_TRAIN_ROWS as f64) * p,
            ModelSpec::Svm { kernel, .. } => {
                let m = n.min(svm::MAX_TRAIN_ROWS as f64);
                let d = if *kernel == Kernel::Rbf {
                    svm::RFF_COMPONENTS as f64
                } else {
                    p
                };
                4.0 * 150.0 * m * d + n * d * p
            }
            ModelSpec::DecisionTree { .. } => tree,
            ModelSpec::RandomForest { n_trees, .. } | ModelSpec::ExtraTrees { n_trees, .. } => {
                *n_trees as f64 * n * p.sqrt() * 2.0 + n * p
            }
            // histograms: every round passes over rows × inputs once (the binning once more)
            // (and finding the splits of each leaf adds a little per leaf)
            ModelSpec::GradientBoosting {
                n_rounds,
                max_leaves,
                ..
            } => *n_rounds as f64 * n * p * 0.15 * (1.0 + *max_leaves as f64 / 64.0) + n * p * 3.0,
        }
    }

    /// How much more a fit costs with `n_classes` classes (0 for regression) than
    /// [`ModelSpec::cost_units`] says: boosting grows one tree per class and round, the
    /// multinomial logistic regression and the SVM's one-vs-rest fit one weight vector per
    /// class; the others barely notice.
    pub fn class_factor(&self, n_classes: usize) -> f64 {
        let k = n_classes as f64;
        match self {
            _ if n_classes <= 2 => 1.0,
            ModelSpec::GradientBoosting { .. }
            | ModelSpec::LogisticRegression { .. }
            | ModelSpec::Svm { .. } => k,
            ModelSpec::GaussianNb { .. } | ModelSpec::CategoricalNb { .. } => 1.0 + k / 4.0,
            ModelSpec::RandomForest { .. }
            | ModelSpec::ExtraTrees { .. }
            | ModelSpec::DecisionTree { .. } => 1.0 + k / 10.0,
            _ => 1.0,
        }
    }

    /// [`ModelSpec::cost_units`] for a task with `n_classes` classes (0 for regression):
    /// with the [`ModelSpec::class_factor`], and for forests of regression trees, which grow
    /// deeper (leaves of one row) and try every input at each split under "auto", the inputs
    /// tried and a depth factor of 3.
    pub fn task_cost_units(&self, rows: usize, cols: usize, n_classes: usize) -> f64 {
        let base = self.cost_units(rows, cols) * self.class_factor(n_classes);
        let root_p = (cols.max(1) as f64).sqrt();
        match self {
            ModelSpec::RandomForest { max_features, .. }
            | ModelSpec::ExtraTrees { max_features, .. }
                if n_classes == 0 =>
            {
                let tried = match max_features.as_str() {
                    "sqrt" => 1.0,
                    "half" => root_p / 2.0,
                    _ => root_p,
                };
                base * tried * 3.0
            }
            _ => base,
        }
    }

    /// Checks the hyperparameters against the family's space.
    pub fn validate(&self, classification: bool) -> Result<()> {
        let family = self.family();
        if !family.supports(classification) {
            let task = if classification {
                "classification"
            } else {
                "regression"
            };
            return Err(AutoMlError::Model {
                family: family.name().into(),
                detail: format!("it cannot be used for {task}"),
            });
        }
        let params = self.params(classification);
        for def in family.space(classification) {
            match params.get(def.name) {
                Some(v) if def.admits(v) => {}
                Some(v) => {
                    return Err(AutoMlError::Model {
                        family: family.name().into(),
                        detail: format!("{} = {v} is outside its range", def.name),
                    })
                }
                None => {
                    return Err(AutoMlError::Model {
                        family: family.name().into(),
                        detail: format!("{} is missing", def.name),
                    })
                }
            }
        }
        Ok(())
    }

    /// Fits the model on `x` (finite numbers; `x.rows` = number of labels). `seed` fixes every
    /// random choice of the fit.
    pub fn fit(&self, x: &Matrix, y: Labels<'_>, seed: u64) -> Result<FittedModel> {
        let classification = matches!(y, Labels::Classes { .. });
        self.validate(classification)?;
        let family = self.family();
        validate_inputs(family.name(), x, y.len())?;
        let fail = |detail: String| AutoMlError::Model {
            family: family.name().into(),
            detail,
        };
        let n_classes = match y {
            Labels::Classes { y, n_classes } => {
                if n_classes == 0 {
                    return Err(fail("there are no classes".into()));
                }
                if let Some(bad) = y.iter().find(|&&c| c as usize >= n_classes) {
                    return Err(fail(format!(
                        "class code {bad} is not below the number of classes {n_classes}"
                    )));
                }
                n_classes
            }
            Labels::Values(v) => {
                if let Some(i) = v.iter().position(|t| !t.is_finite()) {
                    return Err(fail(format!(
                        "the target of row {} is not a finite number",
                        i + 1
                    )));
                }
                0
            }
        };
        let inner = match y {
            Labels::Classes { y, .. } => {
                let first = y[0];
                if matches!(self, ModelSpec::Constant) || y.iter().all(|&c| c == first) {
                    Inner::ConstantClasses(class_priors(y, n_classes))
                } else {
                    self.fit_classifier(x, y, n_classes, seed)?
                }
            }
            Labels::Values(v) => self.fit_regressor(x, v, seed)?,
        };
        Ok(FittedModel {
            spec: self.clone(),
            n_features: x.cols,
            n_classes,
            inner,
        })
    }

    /// The support vector machine's settings (for either task; `epsilon` only matters in
    /// regression, the class weights only in classification).
    fn svm_params(&self) -> Result<svm::SvmParams> {
        match self {
            ModelSpec::Svm {
                c,
                kernel,
                gamma,
                epsilon,
                ..
            } => Ok(svm::SvmParams {
                c: *c,
                gamma: (*kernel == Kernel::Rbf).then_some(*gamma),
                epsilon: *epsilon,
            }),
            _ => Err(AutoMlError::Model {
                family: self.family().name().into(),
                detail: "it is not a support vector machine".into(),
            }),
        }
    }

    fn fit_classifier(&self, x: &Matrix, y: &[u32], n_classes: usize, seed: u64) -> Result<Inner> {
        let family = self.family().name();
        let weights = |cw: &ClassWeight| class_weights(y, n_classes, *cw);
        Ok(match self {
            ModelSpec::LogisticRegression { c, class_weight } => {
                let (m, stop) = logistic::fit(x, y, n_classes, &weights(class_weight), *c, 300);
                if stop == optim::Stop::NotFinite {
                    return Err(AutoMlError::Model {
                        family: family.into(),
                        detail: "the fit diverged (non-finite loss)".into(),
                    });
                }
                Inner::Logistic(m)
            }
            ModelSpec::GaussianNb {
                var_smoothing,
                class_weight,
            } => Inner::GaussianNb(naive_bayes::GaussianNb::fit(
                x,
                y,
                n_classes,
                &weights(class_weight),
                *var_smoothing,
            )),
            ModelSpec::CategoricalNb {
                n_bins,
                alpha,
                class_weight,
            } => Inner::CategoricalNb(naive_bayes::CategoricalNb::fit(
                x,
                y,
                n_classes,
                &weights(class_weight),
                *n_bins,
                *alpha,
            )),
            ModelSpec::Knn {
                k,
                weights: w,
                class_weight,
            } => Inner::Knn(knn::Knn::fit(
                x,
                knn::KnnTargets::Classes(y.to_vec(), n_classes),
                &weights(class_weight),
                *k,
                *w == KnnWeights::Distance,
                seed,
            )),
            ModelSpec::Svm { class_weight, .. } => Inner::Svm(svm::Svm::fit_classifier(
                x,
                y,
                n_classes,
                &weights(class_weight),
                self.svm_params()?,
                seed,
            )),
            ModelSpec::DecisionTree { .. }
            | ModelSpec::RandomForest { .. }
            | ModelSpec::ExtraTrees { .. }
            | ModelSpec::GradientBoosting { .. } => match self.tree_params()? {
                TreeParams::Forest(p) => {
                    Inner::ForestClassifier(Box::new(ForestClassifier::fit(x, y, &p, seed)?))
                }
                TreeParams::Gbm(p) => {
                    Inner::GbmClassifier(Box::new(GbmClassifier::fit(x, y, &p, seed)?))
                }
            },
            ModelSpec::Constant => Inner::ConstantClasses(class_priors(y, n_classes)),
            _ => {
                return Err(AutoMlError::Model {
                    family: family.into(),
                    detail: "it cannot be used for classification".into(),
                })
            }
        })
    }

    fn fit_regressor(&self, x: &Matrix, y: &[f64], seed: u64) -> Result<Inner> {
        let family = self.family().name();
        let ones = vec![1.0; y.len()];
        Ok(match self {
            ModelSpec::Constant => Inner::ConstantValue(y.iter().sum::<f64>() / y.len() as f64),
            ModelSpec::LinearRegression => Inner::Linear(linear::fit_ridge(x, y, &ones, 0.0)),
            ModelSpec::Ridge { alpha } => Inner::Linear(linear::fit_ridge(x, y, &ones, *alpha)),
            ModelSpec::Lasso { alpha } => {
                Inner::Linear(linear::fit_elastic_net(x, y, &ones, *alpha, 1.0))
            }
            ModelSpec::ElasticNet { alpha, l1_ratio } => {
                Inner::Linear(linear::fit_elastic_net(x, y, &ones, *alpha, *l1_ratio))
            }
            ModelSpec::Knn { k, weights, .. } => Inner::Knn(knn::Knn::fit(
                x,
                knn::KnnTargets::Values(y.to_vec()),
                &ones,
                *k,
                *weights == KnnWeights::Distance,
                seed,
            )),
            ModelSpec::Svm { .. } => Inner::Svm(svm::Svm::fit_regressor(
                x,
                y,
                &ones,
                self.svm_params()?,
                seed,
            )),
            ModelSpec::DecisionTree { .. }
            | ModelSpec::RandomForest { .. }
            | ModelSpec::ExtraTrees { .. }
            | ModelSpec::GradientBoosting { .. } => match self.tree_params()? {
                TreeParams::Forest(p) => {
                    Inner::ForestRegressor(Box::new(ForestRegressor::fit(x, y, &p, seed)?))
                }
                TreeParams::Gbm(p) => {
                    Inner::GbmRegressor(Box::new(GbmRegressor::fit(x, y, &p, seed)?))
                }
            },
            _ => {
                return Err(AutoMlError::Model {
                    family: family.into(),
                    detail: "it cannot be used for regression".into(),
                })
            }
        })
    }
}

/// Per-row weights for a class weighting.
pub fn class_weights(y: &[u32], n_classes: usize, cw: ClassWeight) -> Vec<f64> {
    match cw {
        ClassWeight::None => vec![1.0; y.len()],
        ClassWeight::Balanced => {
            let mut counts = vec![0usize; n_classes];
            for &c in y {
                counts[c as usize] += 1;
            }
            let present = counts.iter().filter(|&&c| c > 0).count().max(1) as f64;
            y.iter()
                .map(|&c| y.len() as f64 / (present * counts[c as usize] as f64))
                .collect()
        }
    }
}

fn class_priors(y: &[u32], n_classes: usize) -> Vec<f64> {
    let mut p = vec![0.0; n_classes];
    for &c in y {
        p[c as usize] += 1.0;
    }
    let n = y.len().max(1) as f64;
    p.iter_mut().for_each(|v| *v /= n);
    p
}

fn validate_inputs(family: &str, x: &Matrix, n_labels: usize) -> Result<()> {
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

#[derive(Debug, Serialize, Deserialize)]
enum Inner {
    ConstantClasses(Vec<f64>),
    ConstantValue(f64),
    Logistic(logistic::LinearClassifier),
    Linear(linear::LinearRegressor),
    GaussianNb(naive_bayes::GaussianNb),
    CategoricalNb(naive_bayes::CategoricalNb),
    Knn(knn::Knn),
    Svm(svm::Svm),
    ForestClassifier(Box<ForestClassifier>),
    ForestRegressor(Box<ForestRegressor>),
    GbmClassifier(Box<GbmClassifier>),
    GbmRegressor(Box<GbmRegressor>),
}

/// A fitted model: serializable, predicts rows with the number of inputs it was fitted on.
#[derive(Debug, Serialize, Deserialize)]
pub struct FittedModel {
    /// The configuration it was fitted with.
    pub spec: ModelSpec,
    n_features: usize,
    /// Classes (0 for regression).
    n_classes: usize,
    inner: Inner,
}

/// Probabilities over the classes seen in training (`0..=max`), widened to all `k` classes.
fn pad_classes(p: Matrix, k: usize) -> Vec<f64> {
    if p.cols == k {
        return p.data;
    }
    let mut out = vec![0.0; p.rows * k];
    for r in 0..p.rows {
        out[r * k..r * k + p.cols.min(k)].copy_from_slice(&p.row(r)[..p.cols.min(k)]);
    }
    out
}

/// How a tree model's raw outputs (base + scale × the sum of its trees' leaf values) become
/// its predictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeLink {
    /// The raw outputs are the predictions (a value, or class probabilities up to rounding).
    Identity,
    /// One raw output, the log-odds of the second class.
    Logistic,
    /// One raw output per class, turned into probabilities by softmax.
    Softmax,
}

/// A tree-engine model's trees and how their sum becomes the prediction.
#[derive(Debug, Clone, Copy)]
pub struct TreeParts<'a> {
    /// The trees.
    pub trees: &'a [crate::trees::Tree],
    /// Base score of each raw output.
    pub base: &'a [f64],
    /// Factor on the sum of leaf values.
    pub scale: f64,
    /// How raw outputs become predictions.
    pub link: TreeLink,
}

impl FittedModel {
    /// The trees of a tree-engine model (decision tree, forests, gradient boosting), or `None`.
    pub fn tree_parts(&self) -> Option<TreeParts<'_>> {
        let (e, link) = match &self.inner {
            Inner::ForestClassifier(m) => (m.ensemble(), TreeLink::Identity),
            Inner::ForestRegressor(m) => (m.ensemble(), TreeLink::Identity),
            Inner::GbmRegressor(m) => (m.ensemble(), TreeLink::Identity),
            Inner::GbmClassifier(m) => (
                m.ensemble(),
                match m.n_classes() {
                    0 | 1 => return None,
                    2 => TreeLink::Logistic,
                    _ => TreeLink::Softmax,
                },
            ),
            _ => return None,
        };
        Some(TreeParts {
            trees: e.trees(),
            base: e.base(),
            scale: e.scale(),
            link,
        })
    }

    /// Checks that a deserialized model's parts fit together (its inputs, classes and
    /// internal sizes), so that predicting with a loaded model file cannot index out of range.
    pub fn check_parts(&self) -> Result<()> {
        let (p, k) = (self.n_features, self.n_classes);
        let ok = match &self.inner {
            Inner::ConstantClasses(probs) => probs.len() == k,
            Inner::ConstantValue(_) => k == 0,
            Inner::Logistic(m) => m.fits(p, k),
            Inner::Linear(m) => k == 0 && m.fits(p),
            Inner::GaussianNb(m) => m.fits(p, k),
            Inner::CategoricalNb(m) => m.fits(p, k),
            Inner::Knn(m) => m.fits(p, k),
            Inner::Svm(m) => m.fits(p, k),
            Inner::ForestClassifier(m) => k > 0 && m.n_features() == p && m.n_classes() <= k,
            Inner::GbmClassifier(m) => k > 0 && m.n_features() == p && m.n_classes() <= k,
            Inner::ForestRegressor(m) => k == 0 && m.n_features() == p,
            Inner::GbmRegressor(m) => k == 0 && m.n_features() == p,
        };
        if ok {
            Ok(())
        } else {
            Err(AutoMlError::Model {
                family: self.spec.family_name().into(),
                detail: "the saved model's parts do not fit together".into(),
            })
        }
    }

    /// Inputs expected.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Classes (0 for a regressor).
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    fn check(&self, x: &Matrix) -> Result<()> {
        if x.cols != self.n_features {
            return Err(AutoMlError::Model {
                family: self.spec.family_name().into(),
                detail: format!(
                    "it was fitted on {} inputs but was given {}",
                    self.n_features, x.cols
                ),
            });
        }
        if x.rows == 0 {
            return Ok(());
        }
        validate_inputs(self.spec.family_name(), x, x.rows)
    }

    /// Class probabilities (`rows × n_classes`, each row sums to 1), or `None` for a regressor.
    pub fn predict_proba(&self, x: &Matrix) -> Result<Option<Matrix>> {
        self.check(x)?;
        let k = self.n_classes;
        if k == 0 {
            return Ok(None);
        }
        let family = self.spec.family_name();
        let data = match &self.inner {
            Inner::ConstantClasses(p) => (0..x.rows).flat_map(|_| p.iter().copied()).collect(),
            Inner::Logistic(m) => m.predict_proba(x),
            Inner::GaussianNb(m) => m.predict_proba(x),
            Inner::CategoricalNb(m) => m.predict_proba(x),
            Inner::Knn(m) => m.predict_proba(x).unwrap_or_default(),
            Inner::Svm(m) => m.predict_proba(x).unwrap_or_default(),
            Inner::ForestClassifier(m) => pad_classes(m.predict_proba(x)?, k),
            Inner::GbmClassifier(m) => pad_classes(m.predict_proba(x)?, k),
            _ => Vec::new(),
        };
        if data.len() != x.rows * k {
            return Err(AutoMlError::Model {
                family: family.into(),
                detail: "it produced probabilities of the wrong shape".into(),
            });
        }
        Ok(Some(Matrix {
            rows: x.rows,
            cols: k,
            data,
        }))
    }

    /// Predicts every row: the most probable class, or a value.
    pub fn predict(&self, x: &Matrix) -> Result<Prediction> {
        self.check(x)?;
        let family = self.spec.family_name();
        if self.n_classes > 0 {
            if x.rows == 0 {
                return Ok(Prediction::Classes(Vec::new()));
            }
            let proba = self.predict_proba(x)?.unwrap_or(Matrix {
                rows: 0,
                cols: 0,
                data: Vec::new(),
            });
            return Ok(Prediction::Classes(crate::math::argmax_rows(
                &proba.data,
                proba.cols,
            )));
        }
        if x.rows == 0 {
            return Ok(Prediction::Values(Vec::new()));
        }
        let values = match &self.inner {
            Inner::ConstantValue(v) => vec![*v; x.rows],
            Inner::Linear(m) => m.predict(x),
            Inner::Knn(m) => m.predict_values(x).unwrap_or_default(),
            Inner::Svm(m) => m.predict_values(x).unwrap_or_default(),
            Inner::ForestRegressor(m) => m.predict(x)?,
            Inner::GbmRegressor(m) => m.predict(x)?,
            _ => Vec::new(),
        };
        if values.len() != x.rows {
            return Err(AutoMlError::Model {
                family: family.into(),
                detail: "it produced predictions of the wrong length".into(),
            });
        }
        Ok(Prediction::Values(values))
    }
}
