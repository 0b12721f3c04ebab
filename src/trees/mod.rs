//! The project's own tree-ensemble engine, pure Rust and identical natively and in wasm:
//! gradient boosting ([`GbmRegressor`], [`GbmClassifier`]) and random forests / extra trees
//! ([`ForestRegressor`], [`ForestClassifier`]), all grown by one histogram tree learner.
//!
//! Owns: binning the training rows (at most 255 quantile bins per feature, NaN = missing in a
//! bin of its own), growing trees leaf-wise on gradient or class-count histograms, the
//! ensembles, their probabilities, gain importances, and their serialized form (flat node
//! arrays with raw-value thresholds, checked when read back).
//! Every fit is fixed by its seed (no clock, no threads, no hash-map order, portable `exp` and
//! `ln`), so a seed gives the same model bit for bit on every platform.
//! Must not: panic on any input (errors are [`AutoMlError`]s), or depend on other model code.

mod binning;
pub mod curve;
pub mod forest;
pub mod gbm;
mod grow;
mod histogram;
mod params;
mod split;
mod tree;

pub use binning::MAX_BINS;
pub use curve::RoundCurve;
pub use forest::{ForestClassifier, ForestKind, ForestParams, ForestRegressor, MaxFeatures};
pub use gbm::{GbmClassifier, GbmParams, GbmRegressor};
pub use tree::Tree;

use crate::error::{AutoMlError, Result};
use crate::matrix::Matrix;
use serde::{Deserialize, Serialize};

/// Most classes a classifier of this module accepts (class codes `0..MAX_CLASSES`).
pub const MAX_CLASSES: usize = crate::target::MAX_CLASSES;

fn model_error(family: &str, detail: String) -> AutoMlError {
    AutoMlError::Model {
        family: family.into(),
        detail,
    }
}

/// Checks an input matrix: at least one row and column, consistent size, no infinity
/// (NaN is allowed and means missing).
pub(crate) fn check_x(family: &str, x: &Matrix) -> Result<()> {
    if x.rows == 0 || x.cols == 0 {
        return Err(model_error(
            family,
            format!(
                "it needs at least one row and one input, got {} × {}",
                x.rows, x.cols
            ),
        ));
    }
    if x.rows.checked_mul(x.cols) != Some(x.data.len()) {
        return Err(model_error(family, "the input matrix is malformed".into()));
    }
    if x.rows > u32::MAX as usize / 2 {
        return Err(model_error(family, format!("{} rows are too many", x.rows)));
    }
    if let Some(i) = x.data.iter().position(|v| v.is_infinite()) {
        return Err(model_error(
            family,
            format!(
                "input {} of row {} is infinite (use NaN for a missing value)",
                i % x.cols + 1,
                i / x.cols + 1
            ),
        ));
    }
    Ok(())
}

/// Checks numeric labels: one per row, all finite.
pub(crate) fn check_values(family: &str, x: &Matrix, y: &[f64]) -> Result<()> {
    check_x(family, x)?;
    if y.len() != x.rows {
        return Err(model_error(
            family,
            format!("{} rows of inputs but {} labels", x.rows, y.len()),
        ));
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(model_error(
            family,
            format!("the label of row {} is not a finite number", i + 1),
        ));
    }
    Ok(())
}

/// Checks class labels (one per row, codes below [`MAX_CLASSES`]) and returns the number of
/// classes, the largest code plus one.
pub(crate) fn check_classes(family: &str, x: &Matrix, y: &[u32]) -> Result<usize> {
    check_x(family, x)?;
    if y.len() != x.rows {
        return Err(model_error(
            family,
            format!("{} rows of inputs but {} labels", x.rows, y.len()),
        ));
    }
    let n_classes = y.iter().map(|&c| c as usize + 1).max().unwrap_or(1);
    if n_classes > MAX_CLASSES {
        return Err(model_error(
            family,
            format!(
                "class code {} is too large (at most {} classes)",
                n_classes - 1,
                MAX_CLASSES
            ),
        ));
    }
    Ok(n_classes)
}

/// Trees and how their leaf values combine: output `k` of a row is
/// `base[k] + scale × Σ` of the values its leaves add to output `k`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "EnsembleParts")]
pub(crate) struct Ensemble {
    n_features: usize,
    n_outputs: usize,
    base: Vec<f64>,
    scale: f64,
    trees: Vec<Tree>,
}

/// The serialized fields of an [`Ensemble`], checked before use.
#[derive(Deserialize)]
struct EnsembleParts {
    n_features: usize,
    n_outputs: usize,
    base: Vec<f64>,
    scale: f64,
    trees: Vec<Tree>,
}

impl TryFrom<EnsembleParts> for Ensemble {
    type Error = AutoMlError;

    fn try_from(p: EnsembleParts) -> Result<Ensemble> {
        let e = Ensemble {
            n_features: p.n_features,
            n_outputs: p.n_outputs,
            base: p.base,
            scale: p.scale,
            trees: p.trees,
        };
        e.check()?;
        Ok(e)
    }
}

impl Ensemble {
    /// An ensemble with no trees yet.
    pub fn new(n_features: usize, base: Vec<f64>, scale: f64) -> Ensemble {
        Ensemble {
            n_features,
            n_outputs: base.len(),
            base,
            scale,
            trees: Vec::new(),
        }
    }

    fn check(&self) -> Result<()> {
        if self.n_outputs == 0
            || self.base.len() != self.n_outputs
            || self.n_features == 0
            || !self.scale.is_finite()
            || self.base.iter().any(|b| !b.is_finite())
        {
            return Err(model_error(
                "tree ensemble",
                "the saved model is malformed: bad outputs or base scores".into(),
            ));
        }
        for t in &self.trees {
            t.check(self.n_features, self.n_outputs)?;
        }
        Ok(())
    }

    /// Adds a tree.
    pub fn push(&mut self, tree: Tree) {
        self.trees.push(tree);
    }

    /// Keeps the first `n` trees.
    pub fn truncate(&mut self, n: usize) {
        self.trees.truncate(n);
    }

    /// The trees.
    pub fn trees(&self) -> &[Tree] {
        &self.trees
    }

    /// Inputs per row.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Outputs per row.
    pub fn n_outputs(&self) -> usize {
        self.n_outputs
    }

    /// The base scores added to every output.
    pub fn base(&self) -> &[f64] {
        &self.base
    }

    /// The factor on the sum of leaf values (1: none).
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// Checks that `x` can be predicted: its width, its size, no infinity.
    pub fn check_input(&self, family: &str, x: &Matrix) -> Result<()> {
        if x.cols != self.n_features {
            return Err(model_error(
                family,
                format!(
                    "the model was fitted on {} inputs but got {}",
                    self.n_features, x.cols
                ),
            ));
        }
        if x.rows == 0 {
            return Ok(());
        }
        check_x(family, x)
    }

    /// Writes the outputs of one row (`row.len() == n_features`) into `out`
    /// (`out.len() == n_outputs`).
    #[inline]
    pub fn raw_row(&self, row: &[f64], out: &mut [f64]) {
        if self.scale == 1.0 {
            out.copy_from_slice(&self.base);
        } else {
            out.fill(0.0);
        }
        for t in &self.trees {
            let (first, width) = t.outputs();
            let leaf = t.leaf(row);
            for (o, v) in out[first..first + width]
                .iter_mut()
                .zip(t.leaf_values(leaf))
            {
                *o += v;
            }
        }
        if self.scale != 1.0 {
            for (o, b) in out.iter_mut().zip(&self.base) {
                *o = b + self.scale * *o;
            }
        }
    }

    /// Gain of every feature's splits, normalized to sum to 1 (all zeros without splits).
    pub fn importances(&self) -> Vec<f64> {
        let mut imp = vec![0.0; self.n_features];
        for t in &self.trees {
            t.add_gains(&mut imp);
        }
        let total: f64 = imp.iter().sum();
        if total > 0.0 {
            for v in &mut imp {
                *v /= total;
            }
        }
        imp
    }
}

/// Checks that `out` holds `width` numbers for each row of `x`.
pub(crate) fn check_out(family: &str, x: &Matrix, out: &[f64], width: usize) -> Result<()> {
    if out.len() != x.rows * width {
        return Err(model_error(
            family,
            format!(
                "the output buffer holds {} numbers but {} rows × {} outputs are needed",
                out.len(),
                x.rows,
                width
            ),
        ));
    }
    Ok(())
}

/// A short hexadecimal digest (64-bit FNV-1a) of a model's JSON form, to compare fits across
/// runs and platforms.
pub fn fingerprint<T: Serialize>(model: &T) -> Result<String> {
    let bytes = serde_json::to_vec(model)
        .map_err(|e| model_error("tree ensemble", format!("could not serialize: {e}")))?;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    Ok(format!("{h:016x}"))
}
