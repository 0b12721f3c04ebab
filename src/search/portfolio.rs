//! The configurations every search tries first.

use super::*;

/// The configurations tried first, for each task: the baseline and strong defaults of every
/// family, the way a person who knows them would start.
pub fn portfolio(task: Task, n_inputs: usize) -> Vec<ModelSpec> {
    use crate::models::{Kernel, KnnWeights};
    use ModelSpec::*;
    let classification = task == Task::Classification;
    let cw = ClassWeight::None;
    // scikit-learn's gamma = "scale" on standardized inputs
    let gamma = (1.0 / n_inputs.max(1) as f64).clamp(1e-3, 10.0);
    let mut specs = vec![Constant];
    if classification {
        specs.extend([
            ModelSpec::default_for(Family::GaussianNb, true),
            LogisticRegression {
                c: 1.0,
                class_weight: cw,
            },
            ModelSpec::default_for(Family::CategoricalNb, true),
        ]);
    } else {
        specs.extend([
            Ridge { alpha: 1.0 },
            LinearRegression,
            Lasso { alpha: 0.05 },
        ]);
    }
    specs.extend([
        DecisionTree {
            max_depth: 6,
            min_samples_leaf: 5,
        },
        Knn {
            k: 10,
            weights: KnnWeights::Distance,
            class_weight: cw,
        },
        // a cheap boosting start, then the strong defaults of the tree ensembles
        ModelSpec::low_cost(Family::GradientBoosting, classification),
        ModelSpec::default_for(Family::GradientBoosting, classification),
        RandomForest {
            n_trees: 100,
            max_depth: 0,
            min_samples_leaf: 1,
            max_features: "auto".into(),
        },
        ModelSpec::default_for(Family::ExtraTrees, classification),
        Svm {
            c: 1.0,
            kernel: Kernel::Rbf,
            gamma,
            epsilon: 0.1,
            class_weight: cw,
        },
    ]);
    specs
}
