//! The dense matrix every model reads: rows of finite numbers, row-major.

use serde::{Deserialize, Serialize};

/// A dense row-major matrix of finite numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// `data[r * cols + c]`.
    pub data: Vec<f64>,
}

impl Matrix {
    /// Row `r` as a slice.
    pub fn row(&self, r: usize) -> &[f64] {
        &self.data[r * self.cols..(r + 1) * self.cols]
    }
}
