//! The configurations every search tries first.

use super::*;
use crate::models::boosting::GradientBoosting;
use crate::models::constant::Constant;
use crate::models::forests::{DecisionTree, ExtraTrees, RandomForest};
use crate::models::knn::{Knn, KnnWeights};
use crate::models::linear::{Lasso, LinearRegression, Ridge};
use crate::models::logistic::LogisticRegression;
use crate::models::naive_bayes::{CategoricalNb, GaussianNb};
use crate::models::neural_network::NeuralNetwork;
use crate::models::svm::{Kernel, Svm};
use crate::models::ModelFamily;

/// The documented defaults of `F`.
fn defaults<F: ModelFamily>(classification: bool) -> Result<ModelSpec> {
    ModelSpec::default_for(Family::of::<F>(), classification)
}

/// The configurations tried first, for each task: the baseline and strong defaults of every
/// family, the way a person who knows them would start.
pub fn portfolio(task: Task, n_inputs: usize) -> Result<Vec<ModelSpec>> {
    let classification = task == Task::Classification;
    let cw = ClassWeight::None;
    // scikit-learn's gamma = "scale" on standardized inputs
    let gamma = (1.0 / n_inputs.max(1) as f64).clamp(1e-3, 10.0);
    let mut specs = vec![Constant.into()];
    if classification {
        specs.extend([
            defaults::<GaussianNb>(true)?,
            LogisticRegression {
                c: 1.0,
                class_weight: cw,
            }
            .into(),
            defaults::<CategoricalNb>(true)?,
        ]);
    } else {
        specs.extend([
            Ridge { alpha: 1.0 }.into(),
            LinearRegression.into(),
            Lasso { alpha: 0.05 }.into(),
        ]);
    }
    specs.extend([
        DecisionTree {
            max_depth: 6,
            min_samples_leaf: 5,
        }
        .into(),
        Knn {
            k: 10,
            weights: KnnWeights::Distance,
            class_weight: cw,
        }
        .into(),
        // a cheap boosting start, then the strong defaults of the tree ensembles
        ModelSpec::low_cost(Family::of::<GradientBoosting>(), classification)?,
        defaults::<GradientBoosting>(classification)?,
        RandomForest {
            n_trees: 100,
            max_depth: 0,
            min_samples_leaf: 1,
            max_features: "auto".into(),
        }
        .into(),
        defaults::<ExtraTrees>(classification)?,
        Svm {
            c: 1.0,
            kernel: Kernel::Rbf,
            gamma,
            epsilon: 0.1,
            class_weight: cw,
        }
        .into(),
        // a small, short network: the start of the architecture search
        ModelSpec::low_cost(Family::of::<NeuralNetwork>(), classification)?,
    ]);
    Ok(specs)
}
