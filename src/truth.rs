//! The one type for "classes or numbers": what is to be predicted, owned ([`Target`]) or
//! borrowed ([`TargetRef`]). `target` prepares it from a column; the pipeline's target
//! encoding, every model's fit and every metric read it through [`TargetRef`]. It lives in
//! this shared module, with no dependency, so that `metrics` (shared by all) can score against
//! it without depending on the `target` stage.

use serde::{Deserialize, Serialize};

/// The encoded target of some rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Target {
    /// Class codes `0..labels.len()`; `labels[code]` is the original text.
    Classes {
        /// Per-row class code.
        y: Vec<u32>,
        /// Class labels, sorted (numerically when they are all numbers).
        labels: Vec<String>,
    },
    /// Numbers to predict.
    Values(Vec<f64>),
}

impl Target {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.view().len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of classes of the whole problem (0 for numbers).
    pub fn n_classes(&self) -> usize {
        match self {
            Target::Classes { labels, .. } => labels.len(),
            Target::Values(_) => 0,
        }
    }

    /// The borrowed view of every row.
    pub fn view(&self) -> TargetRef<'_> {
        match self {
            Target::Classes { y, labels } => TargetRef::Classes {
                y,
                n_classes: labels.len(),
            },
            Target::Values(v) => TargetRef::Values(v),
        }
    }

    /// The rows at `positions`, in that order (the labels kept whole: a part may lack some
    /// classes but still counts all of them).
    pub fn select(&self, positions: &[usize]) -> Target {
        match self {
            Target::Classes { y, labels } => Target::Classes {
                y: positions.iter().map(|&i| y[i]).collect(),
                labels: labels.clone(),
            },
            Target::Values(v) => Target::Values(positions.iter().map(|&i| v[i]).collect()),
        }
    }
}

/// The target of some rows, borrowed: what preprocessing, models and metrics read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TargetRef<'a> {
    /// Class codes in `0..n_classes`.
    Classes {
        /// Per-row class code.
        y: &'a [u32],
        /// Number of classes of the whole problem (a part of the rows may lack some).
        n_classes: usize,
    },
    /// Numbers.
    Values(&'a [f64]),
}

impl TargetRef<'_> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            TargetRef::Classes { y, .. } => y.len(),
            TargetRef::Values(v) => v.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether it holds classes (else numbers).
    pub fn is_classes(&self) -> bool {
        matches!(self, TargetRef::Classes { .. })
    }

    /// Number of classes (0 for numbers).
    pub fn n_classes(&self) -> usize {
        match self {
            TargetRef::Classes { n_classes, .. } => *n_classes,
            TargetRef::Values(_) => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selection_keeps_every_class_and_the_view_borrows_it() {
        let t = Target::Classes {
            y: vec![0, 2, 1, 2],
            labels: vec!["a".into(), "b".into(), "c".into()],
        };
        let part = t.select(&[3, 0]);
        assert_eq!(
            part.view(),
            TargetRef::Classes {
                y: &[2, 0],
                n_classes: 3
            }
        );
        assert_eq!((part.len(), part.n_classes()), (2, 3));
        let v = Target::Values(vec![1.5, -2.0, 4.0]);
        assert_eq!(v.select(&[2, 2]).view(), TargetRef::Values(&[4.0, 4.0]));
        assert_eq!((v.view().n_classes(), v.view().is_classes()), (0, false));
    }
}
