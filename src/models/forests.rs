//! The tree families grown by the project's tree engine (`src/trees/`) one tree at a time: a
//! single tree, random forests and extremely randomized trees. This file maps their
//! hyperparameters onto the engine's [`ForestParams`] and lets their fitted forms predict.

use super::family::{FitInput, ModelFamily, Predictor};
use super::space::{choice, int, ParamDef};
use super::{pad_classes, Inner, TreeLink, TreeParts};
use crate::error::Result;
use crate::matrix::Matrix;
use crate::trees::{ForestClassifier, ForestKind, ForestParams, ForestRegressor, MaxFeatures};
use crate::truth::TargetRef;
use serde::{Deserialize, Serialize};

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

/// Fits the engine's forest with checked settings, for classes or values.
fn fit_forest(params: ForestParams, input: &FitInput<'_>) -> Result<Inner> {
    params.validate()?;
    Ok(match input.y {
        TargetRef::Classes { y, .. } => {
            Box::new(ForestClassifier::fit(input.x, y, &params, input.seed)?).into()
        }
        TargetRef::Values(v) => {
            Box::new(ForestRegressor::fit(input.x, v, &params, input.seed)?).into()
        }
    })
}

/// Forests of classification trees grow about 1 + k/10 times slower with k classes.
fn forest_class_factor(n_classes: usize) -> f64 {
    1.0 + n_classes as f64 / 10.0
}

fn depth(low_cost: i64) -> ParamDef {
    int(
        "max_depth",
        0,
        30,
        false,
        0,
        low_cost,
        "Deepest level; 0 means unlimited.",
    )
}

/// A single CART tree (the tree engine's, unbootstrapped, over every input).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionTree {
    /// Deepest level, 0 = unlimited. Default 0.
    pub max_depth: u16,
    /// Fewest rows in a leaf. Default 1.
    pub min_samples_leaf: usize,
}

impl ModelFamily for DecisionTree {
    const NAME: &'static str = "decision_tree";
    const LABEL: &'static str = "Decision tree";

    fn supports(_classification: bool) -> bool {
        true
    }

    fn space(_classification: bool) -> Vec<ParamDef> {
        vec![
            depth(4),
            int(
                "min_samples_leaf",
                1,
                50,
                true,
                1,
                5,
                "Fewest training rows in a leaf.",
            ),
        ]
    }

    fn cost_units(&self, rows: usize, cols: usize) -> f64 {
        let (n, p) = (rows.max(1) as f64, cols.max(1) as f64);
        n * n.log2().max(1.0) * p
    }

    fn class_factor(&self, n_classes: usize) -> f64 {
        forest_class_factor(n_classes)
    }

    fn fit(&self, input: &FitInput<'_>) -> Result<Inner> {
        let one = forest_params(
            ForestKind::RandomForest,
            1,
            self.max_depth,
            self.min_samples_leaf,
            "all",
        );
        let params = ForestParams {
            bootstrap: false,
            ..one
        };
        fit_forest(params, input)
    }
}

/// The space of both forests.
fn forest_space() -> Vec<ParamDef> {
    vec![
        int("n_trees", 10, 500, true, 100, 20, "Trees."),
        depth(8),
        int(
            "min_samples_leaf",
            1,
            20,
            true,
            1,
            2,
            "Fewest training rows in a leaf.",
        ),
        choice(
            "max_features",
            &["auto", "sqrt", "half", "all"],
            "auto",
            "auto",
            "Inputs tried at each split: auto is the square root for classes, all for numbers.",
        ),
    ]
}

/// Cost units of a forest of `n_trees`.
fn forest_cost(n_trees: u16, rows: usize, cols: usize) -> f64 {
    let (n, p) = (rows.max(1) as f64, cols.max(1) as f64);
    n_trees as f64 * n * p.sqrt() * 2.0 + n * p
}

/// Forests of regression trees grow deeper (leaves of one row) and try every input at each
/// split under "auto": the inputs tried and a depth factor of 3 on top of the cost units.
fn forest_task_cost(base: f64, cols: usize, n_classes: usize, features: &str) -> f64 {
    if n_classes > 0 {
        return base;
    }
    let root_p = (cols.max(1) as f64).sqrt();
    let tried = match features {
        "sqrt" => 1.0,
        "half" => root_p / 2.0,
        _ => root_p,
    };
    base * tried * 3.0
}

/// A forest family of the tree engine: its hyperparameters and its [`ModelFamily`] impl. Random
/// forests and extra trees share both; only the engine's `ForestKind` (how a split is chosen)
/// tells them apart.
macro_rules! forest_family {
    ($(#[$doc:meta])* $name:ident, $machine:literal, $label:literal, $kind:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            /// Trees. Default 100.
            pub n_trees: u16,
            /// Deepest level, 0 = unlimited. Default 0.
            pub max_depth: u16,
            /// Fewest rows in a leaf. Default 1.
            pub min_samples_leaf: usize,
            /// Inputs tried per split: "auto", "sqrt", "half" or "all". Default auto.
            #[serde(default = "default_max_features")]
            pub max_features: String,
        }

        impl ModelFamily for $name {
            const NAME: &'static str = $machine;
            const LABEL: &'static str = $label;

            fn supports(_classification: bool) -> bool {
                true
            }

            fn space(_classification: bool) -> Vec<ParamDef> {
                forest_space()
            }

            fn cost_units(&self, rows: usize, cols: usize) -> f64 {
                forest_cost(self.n_trees, rows, cols)
            }

            fn class_factor(&self, n_classes: usize) -> f64 {
                forest_class_factor(n_classes)
            }

            fn task_cost_units(&self, rows: usize, cols: usize, n_classes: usize) -> f64 {
                let factor = if n_classes <= 2 {
                    1.0
                } else {
                    forest_class_factor(n_classes)
                };
                let base = self.cost_units(rows, cols) * factor;
                forest_task_cost(base, cols, n_classes, &self.max_features)
            }

            fn fit(&self, input: &FitInput<'_>) -> Result<Inner> {
                let params = forest_params(
                    ForestKind::$kind,
                    self.n_trees,
                    self.max_depth,
                    self.min_samples_leaf,
                    &self.max_features,
                );
                fit_forest(params, input)
            }
        }
    };
}

forest_family!(
    /// Random forest (the project's tree engine).
    RandomForest,
    "random_forest",
    "Random forest",
    RandomForest
);

forest_family!(
    /// Extremely randomized trees (the project's tree engine).
    ExtraTrees,
    "extra_trees",
    "Extra trees",
    ExtraTrees
);

impl Predictor for ForestClassifier {
    fn proba(&self, x: &Matrix, n_classes: usize) -> Result<Vec<f64>> {
        Ok(pad_classes(self.predict_proba(x)?, n_classes))
    }

    fn fits(&self, n_features: usize, n_classes: usize) -> bool {
        n_classes > 0 && self.n_features() == n_features && self.n_classes() <= n_classes
    }

    fn tree_parts(&self) -> Option<TreeParts<'_>> {
        Some(TreeParts::of(self.ensemble(), TreeLink::Identity))
    }
}

impl Predictor for ForestRegressor {
    fn values(&self, x: &Matrix) -> Result<Vec<f64>> {
        self.predict(x)
    }

    fn fits(&self, n_features: usize, n_classes: usize) -> bool {
        n_classes == 0 && self.n_features() == n_features
    }

    fn tree_parts(&self) -> Option<TreeParts<'_>> {
        Some(TreeParts::of(self.ensemble(), TreeLink::Identity))
    }
}
