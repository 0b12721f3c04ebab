//! One tree as flat arrays with raw-value thresholds, so it predicts on new data without the
//! bins. The learner that grows it is in `grow.rs`.

use crate::error::{AutoMlError, Result};
use serde::{Deserialize, Serialize};

/// One fitted tree. Internal node `i` sends a row left when its value of `feature[i]` is at
/// most `threshold[i]` (a missing value, NaN, goes left when `missing_left[i]`) to child
/// `children[i][0]`, else to `children[i][1]`; a child `c >= 0` is an internal node, `c < 0`
/// is leaf `!c`. A tree with no internal node is the
/// single leaf 0. Each leaf holds `width` values, added to outputs `output..output + width`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    pub(super) feature: Vec<u32>,
    pub(super) threshold: Vec<f64>,
    pub(super) missing_left: Vec<bool>,
    pub(super) children: Vec<[i32; 2]>,
    pub(super) gain: Vec<f64>,
    pub(super) values: Vec<f64>,
    pub(super) output: u32,
    pub(super) width: u32,
}

impl Tree {
    /// A tree of one leaf holding `values` for outputs `output..`.
    pub(crate) fn constant(values: Vec<f64>, output: usize) -> Tree {
        Tree {
            feature: Vec::new(),
            threshold: Vec::new(),
            missing_left: Vec::new(),
            children: Vec::new(),
            gain: Vec::new(),
            width: values.len() as u32,
            values,
            output: output as u32,
        }
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.feature.len() + 1
    }

    /// First output the leaves add to, and how many.
    pub fn outputs(&self) -> (usize, usize) {
        (self.output as usize, self.width as usize)
    }

    /// Sets the leaf values (`width` per leaf, leaf-major) and the outputs they add to.
    pub(crate) fn set_values(&mut self, values: Vec<f64>, output: usize, width: usize) {
        self.values = values;
        self.output = output as u32;
        self.width = width as u32;
    }

    /// Split feature of each internal node.
    pub fn features(&self) -> &[u32] {
        &self.feature
    }

    /// Threshold of each internal node: values at most this go left.
    pub fn thresholds(&self) -> &[f64] {
        &self.threshold
    }

    /// Whether missing values go left, per internal node.
    pub fn missing_left(&self) -> &[bool] {
        &self.missing_left
    }

    /// Children of each internal node: `[left, right]`, `c >= 0` an internal node, `c < 0` the
    /// leaf `!c`.
    pub fn children(&self) -> &[[i32; 2]] {
        &self.children
    }

    /// Gain of each internal node's split.
    pub fn gains(&self) -> &[f64] {
        &self.gain
    }

    /// The leaf `row` falls in. `row` must have at least as many values as the features the
    /// tree was checked against (see [`Tree::check`]).
    #[inline]
    pub fn leaf(&self, row: &[f64]) -> usize {
        if self.feature.is_empty() {
            return 0;
        }
        let mut node = 0usize;
        loop {
            let v = row[self.feature[node] as usize];
            // branch-free: a comparison with NaN is false
            let go_left = (v <= self.threshold[node]) | (v.is_nan() & self.missing_left[node]);
            let next = self.children[node][usize::from(!go_left)];
            if next < 0 {
                return !next as usize;
            }
            node = next as usize;
        }
    }

    /// The values of leaf `leaf`.
    #[inline]
    pub fn leaf_values(&self, leaf: usize) -> &[f64] {
        let w = self.width as usize;
        &self.values[leaf * w..(leaf + 1) * w]
    }

    /// Adds each split's gain to its feature's entry of `importances`.
    pub(crate) fn add_gains(&self, importances: &mut [f64]) {
        for (&f, &g) in self.feature.iter().zip(&self.gain) {
            if let Some(slot) = importances.get_mut(f as usize) {
                *slot += g;
            }
        }
    }

    /// Checks the structure (lengths, child indices pointing forward, features below
    /// `n_features`, outputs below `n_outputs`, finite values), so that prediction with a
    /// deserialized tree cannot fail or loop.
    pub(crate) fn check(&self, n_features: usize, n_outputs: usize) -> Result<()> {
        let bad = |detail: &str| {
            Err(AutoMlError::Model {
                family: "tree ensemble".into(),
                detail: format!("the saved tree is malformed: {detail}"),
            })
        };
        let m = self.feature.len();
        if [
            self.threshold.len(),
            self.missing_left.len(),
            self.children.len(),
            self.gain.len(),
        ]
        .iter()
        .any(|&l| l != m)
        {
            return bad("node arrays differ in length");
        }
        let (w, n_leaves) = (self.width as usize, m + 1);
        if w == 0 || self.values.len() != n_leaves * w {
            return bad("leaf values do not match the leaves");
        }
        if self.output as usize + w > n_outputs {
            return bad("leaf values beyond the model's outputs");
        }
        if self.values.iter().any(|v| !v.is_finite()) {
            return bad("a leaf value is not finite");
        }
        for i in 0..m {
            if self.feature[i] as usize >= n_features {
                return bad("a split on a feature the model does not have");
            }
            for c in self.children[i] {
                let ok = if c < 0 {
                    (!c as usize) < n_leaves
                } else {
                    (c as usize) > i && (c as usize) < m
                };
                if !ok {
                    return bad("a child index is out of range");
                }
            }
        }
        Ok(())
    }
}
