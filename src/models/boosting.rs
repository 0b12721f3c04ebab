//! Histogram gradient boosting, grown by the project's tree engine (`src/trees/gbm.rs`): this
//! file maps the family's hyperparameters onto the engine's [`GbmParams`] and lets its fitted
//! forms predict.

use super::family::{FitInput, ModelFamily, Predictor};
use super::space::{float, int, ParamDef};
use super::{pad_classes, Inner, TreeLink, TreeParts};
use crate::error::Result;
use crate::matrix::Matrix;
use crate::trees::curve::{round_curve, Truth};
use crate::trees::{GbmClassifier, GbmParams, GbmRegressor, RoundCurve};
use crate::truth::TargetRef;
use serde::{Deserialize, Serialize};

/// Histogram gradient boosting (the project's tree engine).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradientBoosting {
    /// Rounds. Default 100.
    pub n_rounds: usize,
    /// Learning rate. Default 0.1.
    pub learning_rate: f64,
    /// Leaves per tree. Default 31.
    pub max_leaves: usize,
    /// Fewest rows in a leaf. Default 20.
    pub min_samples_leaf: usize,
    /// Row share per tree. Default 1.
    pub subsample: f64,
    /// Input share per tree. Default 1.
    pub colsample: f64,
    /// L2 penalty on leaves. Default 0.
    pub lambda: f64,
}

impl ModelFamily for GradientBoosting {
    const NAME: &'static str = "gradient_boosting";
    const LABEL: &'static str = "Gradient boosting";

    fn supports(_classification: bool) -> bool {
        true
    }

    fn space(_classification: bool) -> Vec<ParamDef> {
        vec![
            int(
                "n_rounds",
                10,
                1000,
                true,
                100,
                20,
                "Boosting rounds (trees per class).",
            ),
            float(
                "learning_rate",
                0.005,
                0.5,
                true,
                0.1,
                0.1,
                "Shrinkage of each tree's contribution.",
            ),
            int("max_leaves", 4, 256, true, 31, 8, "Most leaves per tree."),
            int(
                "min_samples_leaf",
                1,
                100,
                true,
                20,
                20,
                "Fewest training rows in a leaf.",
            ),
            float(
                "subsample",
                0.5,
                1.0,
                false,
                1.0,
                1.0,
                "Share of rows each tree sees.",
            ),
            float(
                "colsample",
                0.3,
                1.0,
                false,
                1.0,
                1.0,
                "Share of inputs each tree sees.",
            ),
            float(
                "lambda",
                0.0,
                10.0,
                false,
                0.0,
                0.0,
                "L2 penalty on leaf values.",
            ),
        ]
    }

    /// Histograms: every round passes over rows × inputs once (the binning once more), and
    /// finding the splits of each leaf adds a little per leaf.
    fn cost_units(&self, rows: usize, cols: usize) -> f64 {
        let (n, p) = (rows.max(1) as f64, cols.max(1) as f64);
        self.n_rounds as f64 * n * p * 0.15 * (1.0 + self.max_leaves as f64 / 64.0) + n * p * 3.0
    }

    /// One tree per class and round.
    fn class_factor(&self, n_classes: usize) -> f64 {
        n_classes as f64
    }

    fn fit(&self, input: &FitInput<'_>) -> Result<Inner> {
        let params = GbmParams {
            n_rounds: self.n_rounds,
            learning_rate: self.learning_rate,
            max_leaves: self.max_leaves,
            min_samples_leaf: self.min_samples_leaf,
            subsample: self.subsample,
            colsample_bytree: self.colsample,
            lambda: self.lambda,
            ..GbmParams::default()
        };
        params.validate()?;
        Ok(match input.y {
            TargetRef::Classes { y, .. } => {
                Box::new(GbmClassifier::fit(input.x, y, &params, input.seed)?).into()
            }
            TargetRef::Values(v) => {
                Box::new(GbmRegressor::fit(input.x, v, &params, input.seed)?).into()
            }
        })
    }
}

impl Predictor for GbmClassifier {
    fn proba(&self, x: &Matrix, n_classes: usize) -> Result<Vec<f64>> {
        Ok(pad_classes(self.predict_proba(x)?, n_classes))
    }

    fn fits(&self, n_features: usize, n_classes: usize) -> bool {
        n_classes > 0 && self.n_features() == n_features && self.n_classes() <= n_classes
    }

    fn tree_parts(&self) -> Option<TreeParts<'_>> {
        let link = match self.n_classes() {
            0 | 1 => return None,
            2 => TreeLink::Logistic,
            _ => TreeLink::Softmax,
        };
        Some(TreeParts::of(self.ensemble(), link))
    }

    fn round_curve(
        &self,
        train: (&Matrix, TargetRef<'_>),
        valid: (&Matrix, TargetRef<'_>),
    ) -> Option<RoundCurve> {
        round_curve(self.ensemble(), self.rounds(), truth(train)?, truth(valid)?)
    }
}

/// Rows and their truth as the curve reads them.
fn truth<'a>((x, y): (&'a Matrix, TargetRef<'a>)) -> Option<(&'a Matrix, Truth<'a>)> {
    Some((
        x,
        match y {
            TargetRef::Classes { y, .. } => Truth::Classes(y),
            TargetRef::Values(v) => Truth::Values(v),
        },
    ))
}

impl Predictor for GbmRegressor {
    fn values(&self, x: &Matrix) -> Result<Vec<f64>> {
        self.predict(x)
    }

    fn fits(&self, n_features: usize, n_classes: usize) -> bool {
        n_classes == 0 && self.n_features() == n_features
    }

    fn tree_parts(&self) -> Option<TreeParts<'_>> {
        Some(TreeParts::of(self.ensemble(), TreeLink::Identity))
    }

    fn round_curve(
        &self,
        train: (&Matrix, TargetRef<'_>),
        valid: (&Matrix, TargetRef<'_>),
    ) -> Option<RoundCurve> {
        round_curve(self.ensemble(), self.rounds(), truth(train)?, truth(valid)?)
    }
}
