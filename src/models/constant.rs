//! The baseline: the class priors (the majority class, with the priors as probabilities) or
//! the training mean. Every classifier also becomes this model when its training rows hold a
//! single class.

use super::family::{FitInput, ModelFamily, Predictor};
use super::space::ParamDef;
use super::Inner;
use crate::error::Result;
use crate::matrix::Matrix;
use crate::truth::TargetRef;
use serde::{Deserialize, Serialize};

/// The constant model: no hyperparameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Constant;

impl ModelFamily for Constant {
    const NAME: &'static str = "constant";
    const LABEL: &'static str = "Baseline (constant)";

    fn supports(_classification: bool) -> bool {
        true
    }

    fn space(_classification: bool) -> Vec<ParamDef> {
        Vec::new()
    }

    fn cost_units(&self, rows: usize, _cols: usize) -> f64 {
        rows.max(1) as f64
    }

    fn fit(&self, input: &FitInput<'_>) -> Result<Inner> {
        Ok(match input.y {
            TargetRef::Classes { y, n_classes } => Priors::of(y, n_classes).into(),
            TargetRef::Values(v) => Mean(v.iter().sum::<f64>() / v.len() as f64).into(),
        })
    }
}

/// Class priors, used as the probabilities of every row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Priors(pub Vec<f64>);

impl Priors {
    /// The share of each class among `y` (0 for a class absent from it).
    pub fn of(y: &[u32], n_classes: usize) -> Priors {
        let mut p = vec![0.0; n_classes];
        for &c in y {
            p[c as usize] += 1.0;
        }
        let n = y.len().max(1) as f64;
        p.iter_mut().for_each(|v| *v /= n);
        Priors(p)
    }
}

impl Predictor for Priors {
    fn proba(&self, x: &Matrix, _n_classes: usize) -> Result<Vec<f64>> {
        Ok((0..x.rows).flat_map(|_| self.0.iter().copied()).collect())
    }

    fn fits(&self, _n_features: usize, n_classes: usize) -> bool {
        self.0.len() == n_classes
    }
}

/// The training mean, predicted for every row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mean(pub f64);

impl Predictor for Mean {
    fn values(&self, x: &Matrix) -> Result<Vec<f64>> {
        Ok(vec![self.0; x.rows])
    }

    fn fits(&self, _n_features: usize, n_classes: usize) -> bool {
        n_classes == 0
    }
}
