//! From a [`Table`] to numbers a model can take: a typed [`Frame`] parsed once by a schema
//! (detected, with the person's overrides), and a [`Pipeline`] whose statistics are learned on
//! training rows only and then applied unchanged to any rows (validation folds, all rows,
//! new data with the same columns).
//!
//! Steps: numbers are imputed with the training median (plus a "was missing" input when
//! values were missing) and standardized; booleans become 0/1; dates become their parts
//! (days since 1970, year, month, day, weekday, day of year, and hour where times are present);
//! categories with few levels are one-hot encoded; categories with many levels become their
//! training frequency plus an out-of-fold target encoding. Unseen categories at prediction
//! time are counted and reported.

use crate::data::cells::{is_missing, parse_bool, parse_date_as, parse_number_as, DatePart};
use crate::data::{classify, ColumnKind, ColumnSpec, Table};
use crate::error::{AutoMlError, Result};
use crate::matrix::Matrix;
use crate::message;
use crate::messages::{Message, Param};
use crate::rng::Rng;
pub use crate::truth::TargetRef;
use serde::{Deserialize, Serialize};

mod frame;
mod levels;
mod pipeline;

pub use frame::{Frame, FrameColumn};
pub use levels::{LevelInput, LevelRead, Levels, EMBED_ABOVE_LEVELS};
pub use pipeline::{Pipeline, Scaled, Step, Unseen};
use std::collections::{BTreeMap, HashMap};

/// Categorical columns with more training levels than this are encoded compactly (frequency
/// and target encoding) instead of one-hot.
pub const MAX_ONE_HOT_LEVELS: usize = 15;
/// Smoothing of target encoding: a level's mean is pulled toward the overall mean as if it had
/// this many more rows at the overall mean.
pub const TARGET_SMOOTHING: f64 = 10.0;
/// Folds for out-of-fold target encoding of training rows.
pub const TARGET_FOLDS: usize = 5;

/// Largest standardized value a numeric input may take: a million standard deviations. Values
/// beyond it (an unseen value far outside the training range, or numbers near `f64::MAX` whose
/// difference overflows) are clipped, so every input stays finite.
pub const MAX_STANDARDIZED: f64 = 1e6;

/// Marks a missing category code.
pub const MISSING_CODE: u32 = u32::MAX;

/// The person's choices about columns: kinds to use instead of the detected ones, and columns
/// to leave out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ColumnChoices {
    /// Column name → kind to use.
    pub column_types: BTreeMap<String, ColumnKind>,
    /// Columns to leave out.
    pub exclude: Vec<String>,
}

impl ColumnChoices {
    /// Checks that every named column exists.
    pub fn check(&self, table: &Table) -> Result<()> {
        for name in self.column_types.keys().chain(&self.exclude) {
            table.column_index(name)?;
        }
        Ok(())
    }
}

/// The schema of `table` with `choices` applied: the detected kind and format of each column,
/// or the chosen kind with the format that reads most of its cells.
pub fn schema_with_choices(table: &Table, choices: &ColumnChoices) -> Vec<ColumnSpec> {
    use crate::data::cells::{DateFormat, NumberFormat};
    table
        .names
        .iter()
        .zip(&table.columns)
        .map(|(name, cells)| {
            let stats = classify(name, cells);
            let mut spec = ColumnSpec {
                name: name.clone(),
                kind: stats.kind,
                number_format: stats.number_format,
                date_format: stats.date_format,
            };
            if let Some(&kind) = choices.column_types.get(name) {
                spec.kind = kind;
                let count = |f: &dyn Fn(&str) -> bool| {
                    cells.iter().filter(|c| !is_missing(c) && f(c)).count()
                };
                if kind == ColumnKind::Numeric && !stats.numeric {
                    spec.number_format = std::iter::once(NumberFormat::Plain)
                        .chain(NumberFormat::FALLBACKS)
                        .max_by_key(|&f| count(&|c| parse_number_as(c, f).is_some()))
                        .unwrap_or_default();
                }
                if kind == ColumnKind::Datetime && stats.date_format.is_none() {
                    spec.date_format = DateFormat::ALL
                        .into_iter()
                        .max_by_key(|&f| count(&|c| parse_date_as(c, f).is_some()));
                }
            }
            if choices.exclude.contains(name) {
                spec.kind = ColumnKind::Constant;
            }
            spec
        })
        .collect()
}

/// Width of the target encoding of `target`: 1 for two classes or values, else one per class
/// (at most 10; 0 beyond: no target encoding).
fn encoding_width(target: &TargetRef<'_>) -> usize {
    match target {
        TargetRef::Classes { n_classes: k, .. } if *k > 2 && *k <= 10 => *k,
        TargetRef::Classes { n_classes: k, .. } if *k > 10 => 0,
        _ => 1,
    }
}

/// The encoded target of position `i` of `target`, written into `out` (length
/// [`encoding_width`]).
fn write_encoded(target: &TargetRef<'_>, i: usize, out: &mut [f64]) {
    match target {
        TargetRef::Classes { y, n_classes: 2 } => out[0] = f64::from(u8::from(y[i] == 1)),
        TargetRef::Classes { y, .. } => {
            out.iter_mut().for_each(|v| *v = 0.0);
            if let Some(slot) = out.get_mut(y[i] as usize) {
                *slot = 1.0;
            }
        }
        TargetRef::Values(v) => out[0] = v[i],
    }
}

#[cfg(test)]
mod tests;
