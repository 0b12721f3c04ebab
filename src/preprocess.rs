//! From a [`Table`] to numbers a model can take: a typed [`Frame`] parsed once, and a
//! [`Pipeline`] whose statistics are learned on training rows only and then applied unchanged
//! to any rows (validation folds, all rows, new data).
//! Must not: look at the target, or at rows it was not given.

use crate::data::{column_stats, is_missing, parse_number, ColumnKind, Table};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Most one-hot columns made from one categorical column; rarer levels share the all-zero code.
pub const MAX_ONE_HOT_LEVELS: usize = 30;

/// Largest standardized value a numeric input may take: a million standard deviations. Values
/// beyond it (an unseen value far outside the training range, or numbers near `f64::MAX` whose
/// difference overflows) are clipped, so every input stays finite.
pub const MAX_STANDARDIZED: f64 = 1e6;

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

/// One usable column, parsed once.
#[derive(Debug, Clone)]
pub enum FrameColumn {
    /// Numbers; `None` where missing.
    Numeric(Vec<Option<f64>>),
    /// Codes into `levels`; `None` where missing.
    Categorical {
        /// Per-row code.
        codes: Vec<Option<u32>>,
        /// The distinct labels, in order of first appearance.
        levels: Vec<String>,
    },
}

/// The feature columns of a table, typed, with the columns that were left out and why.
#[derive(Debug, Clone)]
pub struct Frame {
    /// Feature names, parallel to `columns`.
    pub names: Vec<String>,
    /// Feature columns.
    pub columns: Vec<FrameColumn>,
    /// Notes on columns that were dropped or changed.
    pub notes: Vec<String>,
}

impl Frame {
    /// Builds the frame from every column except `target`, using the detected kinds.
    pub fn from_table(table: &Table, target: usize) -> Frame {
        let mut names = Vec::new();
        let mut columns = Vec::new();
        let mut notes = Vec::new();
        let mut identifiers: Vec<&str> = Vec::new();
        let mut constants: Vec<&str> = Vec::new();
        for (c, cells) in table.columns.iter().enumerate() {
            if c == target {
                continue;
            }
            let name = &table.names[c];
            let stats = column_stats(cells);
            match stats.kind {
                ColumnKind::Numeric => {
                    if stats.infinite > 0 {
                        notes.push(format!(
                            "Column \"{name}\": {} infinite value(s) were treated as missing.",
                            stats.infinite
                        ));
                    }
                    columns.push(FrameColumn::Numeric(
                        cells.iter().map(|s| parse_number(s)).collect(),
                    ));
                    names.push(name.clone());
                }
                ColumnKind::Categorical => {
                    let mut index: HashMap<&str, u32> = HashMap::new();
                    let mut levels = Vec::new();
                    let codes = cells
                        .iter()
                        .map(|s| {
                            if is_missing(s) {
                                return None;
                            }
                            Some(*index.entry(s.as_str()).or_insert_with(|| {
                                levels.push(s.clone());
                                (levels.len() - 1) as u32
                            }))
                        })
                        .collect();
                    columns.push(FrameColumn::Categorical { codes, levels });
                    names.push(name.clone());
                }
                ColumnKind::Identifier => identifiers.push(name),
                ColumnKind::Constant => constants.push(name),
            }
        }
        notes.extend(left_out_notes(
            &identifiers,
            "it has a different value on almost every row, like a name or an ID",
            "they have a different value on almost every row, like names or IDs",
        ));
        notes.extend(left_out_notes(
            &constants,
            "it has a single value or none",
            "they have a single value or none",
        ));
        Frame {
            names,
            columns,
            notes,
        }
    }
}

/// Up to this many left-out columns get a note each; more get one note for them all, so a
/// file with thousands of empty columns gets one short note, not thousands.
const NOTES_PER_COLUMN_UP_TO: usize = 5;

/// Notes for the columns left out for one reason (`one` says it of a single column, `many` of
/// several).
fn left_out_notes(columns: &[&str], one: &str, many: &str) -> Vec<String> {
    if columns.len() <= NOTES_PER_COLUMN_UP_TO {
        return columns
            .iter()
            .map(|name| format!("Column \"{name}\" was left out: {one}."))
            .collect();
    }
    let shown: Vec<String> = columns
        .iter()
        .take(NOTES_PER_COLUMN_UP_TO)
        .map(|n| format!("\"{n}\""))
        .collect();
    vec![format!(
        "{} columns were left out ({} and {} more): {many}.",
        columns.len(),
        shown.join(", "),
        columns.len() - NOTES_PER_COLUMN_UP_TO
    )]
}

/// One fitted step: how one frame column becomes one or more model inputs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum Step {
    /// Impute with the training median, then standardize; optionally a 0/1 "was missing" input.
    Numeric {
        /// Frame column.
        column: usize,
        /// Imputed value.
        median: f64,
        /// Mean after imputation.
        mean: f64,
        /// Standard deviation after imputation (1 when constant).
        scale: f64,
        /// Whether a "was missing" indicator follows.
        indicator: bool,
    },
    /// One 0/1 input per kept level; missing becomes the most frequent level; unseen or rare
    /// levels give all zeros.
    OneHot {
        /// Frame column.
        column: usize,
        /// Kept levels, by label.
        levels: Vec<String>,
        /// The level used for missing cells.
        fill: String,
    },
}

/// Preprocessing learned from training rows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Pipeline {
    /// Steps, in input order.
    pub steps: Vec<Step>,
    /// Names of the model inputs produced.
    pub feature_names: Vec<String>,
}

fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

impl Pipeline {
    /// Learns every step's statistics from `rows` of `frame` only.
    pub fn fit(frame: &Frame, rows: &[usize]) -> Pipeline {
        let mut steps = Vec::new();
        let mut feature_names = Vec::new();
        for (c, col) in frame.columns.iter().enumerate() {
            let name = &frame.names[c];
            match col {
                FrameColumn::Numeric(values) => {
                    let mut present: Vec<f64> = rows.iter().filter_map(|&r| values[r]).collect();
                    let missing = rows.len() - present.len();
                    let med = median(&mut present);
                    let n = rows.len().max(1) as f64;
                    let filled = |r: usize| values[r].unwrap_or(med);
                    // Sums of values near f64::MAX overflow: compute on values divided by the
                    // largest magnitude, then scale back (the standard deviation is at most it).
                    let big = rows.iter().map(|&r| filled(r).abs()).fold(0.0, f64::max);
                    let unit = if big > 0.0 && big.is_finite() {
                        big
                    } else {
                        1.0
                    };
                    let mean_u = rows.iter().map(|&r| filled(r) / unit).sum::<f64>() / n;
                    let var_u = rows
                        .iter()
                        .map(|&r| (filled(r) / unit - mean_u).powi(2))
                        .sum::<f64>()
                        / n;
                    let mean = mean_u * unit;
                    let std = var_u.sqrt() * unit;
                    let scale = if std > 1e-12 && std.is_finite() {
                        std
                    } else {
                        1.0
                    };
                    let indicator = missing > 0;
                    feature_names.push(name.clone());
                    if indicator {
                        feature_names.push(format!("{name} was missing"));
                    }
                    steps.push(Step::Numeric {
                        column: c,
                        median: med,
                        mean,
                        scale,
                        indicator,
                    });
                }
                FrameColumn::Categorical { codes, levels } => {
                    let mut counts = vec![0usize; levels.len()];
                    for &r in rows {
                        if let Some(code) = codes[r] {
                            counts[code as usize] += 1;
                        }
                    }
                    let mut order: Vec<usize> =
                        (0..levels.len()).filter(|&l| counts[l] > 0).collect();
                    order.sort_by(|&a, &b| {
                        counts[b]
                            .cmp(&counts[a])
                            .then_with(|| levels[a].cmp(&levels[b]))
                    });
                    let fill = order
                        .first()
                        .map(|&l| levels[l].clone())
                        .unwrap_or_default();
                    order.truncate(MAX_ONE_HOT_LEVELS);
                    let kept: Vec<String> = order.iter().map(|&l| levels[l].clone()).collect();
                    for level in &kept {
                        feature_names.push(format!("{name} = {level}"));
                    }
                    steps.push(Step::OneHot {
                        column: c,
                        levels: kept,
                        fill,
                    });
                }
            }
        }
        Pipeline {
            steps,
            feature_names,
        }
    }

    /// Number of model inputs.
    pub fn n_features(&self) -> usize {
        self.feature_names.len()
    }

    /// Applies the fitted steps to `rows` of `frame`.
    pub fn transform(&self, frame: &Frame, rows: &[usize]) -> Matrix {
        let cols = self.n_features();
        let mut data = vec![0.0; rows.len() * cols];
        let mut offset = 0;
        for step in &self.steps {
            match (step, frame.columns.get(step_column(step))) {
                (
                    Step::Numeric {
                        median,
                        mean,
                        scale,
                        indicator,
                        ..
                    },
                    Some(FrameColumn::Numeric(values)),
                ) => {
                    for (i, &r) in rows.iter().enumerate() {
                        let v = values[r];
                        let z = (v.unwrap_or(*median) - mean) / scale;
                        data[i * cols + offset] = z.clamp(-MAX_STANDARDIZED, MAX_STANDARDIZED);
                        if *indicator {
                            data[i * cols + offset + 1] = if v.is_none() { 1.0 } else { 0.0 };
                        }
                    }
                    offset += 1 + usize::from(*indicator);
                }
                (
                    Step::OneHot { levels, fill, .. },
                    Some(FrameColumn::Categorical {
                        codes,
                        levels: frame_levels,
                    }),
                ) => {
                    let position: HashMap<&str, usize> = levels
                        .iter()
                        .enumerate()
                        .map(|(i, l)| (l.as_str(), i))
                        .collect();
                    let fill_pos = position.get(fill.as_str()).copied();
                    let code_pos: Vec<Option<usize>> = frame_levels
                        .iter()
                        .map(|l| position.get(l.as_str()).copied())
                        .collect();
                    for (i, &r) in rows.iter().enumerate() {
                        let pos = match codes[r] {
                            Some(code) => code_pos[code as usize],
                            None => fill_pos,
                        };
                        if let Some(p) = pos {
                            data[i * cols + offset + p] = 1.0;
                        }
                    }
                    offset += levels.len();
                }
                // A frame whose column does not match the step (only possible with a frame built
                // from another file): the inputs stay zero, i.e. the training mean / no level.
                (Step::Numeric { indicator, .. }, _) => offset += 1 + usize::from(*indicator),
                (Step::OneHot { levels, .. }, _) => offset += levels.len(),
            }
        }
        Matrix {
            rows: rows.len(),
            cols,
            data,
        }
    }
}

fn step_column(step: &Step) -> usize {
    match step {
        Step::Numeric { column, .. } | Step::OneHot { column, .. } => *column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::read_csv;

    fn frame(text: &str) -> Frame {
        let t = read_csv(text.as_bytes(), "t.csv").unwrap();
        let target = t.names.len() - 1;
        Frame::from_table(&t, target)
    }

    #[test]
    fn statistics_come_from_training_rows_only() {
        let f = frame("x,c,y\n1,a,0\n3,b,1\nNA,a,0\n100,c,1\n");
        let p = Pipeline::fit(&f, &[0, 1, 2]);
        // median of 1 and 3 is 2; row 3 (100, "c") was not seen.
        assert_eq!(p.feature_names, ["x", "x was missing", "c = a", "c = b"]);
        let m = p.transform(&f, &[2, 3]);
        let Step::Numeric { mean, scale, .. } = p.steps[0] else {
            panic!()
        };
        assert_eq!(mean, 2.0);
        assert!((m.row(0)[0] - 0.0).abs() < 1e-12);
        assert!((m.row(1)[0] - (100.0 - 2.0) / scale).abs() < 1e-12);
        assert_eq!(&m.row(0)[1..], &[1.0, 1.0, 0.0]);
        // unseen level "c" gives all zeros
        assert_eq!(&m.row(1)[1..], &[0.0, 0.0, 0.0]);
    }

    #[test]
    fn identifiers_and_constants_are_left_out_with_notes() {
        let mut text = String::from("id,k,v,y\n");
        for i in 0..30 {
            text.push_str(&format!("{i},same,{},{}\n", i % 7, i % 2));
        }
        let f = frame(&text);
        assert_eq!(f.names, ["v"]);
        assert_eq!(f.notes.len(), 2);
    }

    #[test]
    fn many_left_out_columns_give_one_note() {
        let mut text = format!("{}y\n", ",".repeat(12));
        for i in 0..12 {
            text.push_str(&format!("{}{}\n", ",".repeat(12), i % 2));
        }
        let f = frame(&text);
        assert_eq!(f.notes.len(), 1, "{:?}", f.notes);
        assert!(
            f.notes[0].starts_with("12 columns were left out"),
            "{:?}",
            f.notes
        );
        assert!(f.notes[0].contains("and 7 more"), "{:?}", f.notes);
    }

    /// Regression: values near f64::MAX made the mean overflow to infinity, and every model
    /// then refused the non-finite inputs (tests/data/hostile/extreme_numbers_features.csv).
    #[test]
    fn numbers_near_the_largest_float_standardize_to_finite_inputs() {
        let f = frame("a,b,y\n1.7976931348623157e308,1,0\n1.7976931348623157e308,2,1\n-1.7976931348623157e308,3,0\n1e308,4,1\n");
        let p = Pipeline::fit(&f, &[0, 1, 2]);
        let m = p.transform(&f, &[0, 1, 2, 3]);
        assert!(m.data.iter().all(|v| v.is_finite()), "{:?}", m.data);
        // An unseen value far outside a tiny training spread is clipped, not infinite.
        let f = frame("a,y\n1,0\n1.00000000001,1\n1e300,0\n");
        let p = Pipeline::fit(&f, &[0, 1]);
        let m = p.transform(&f, &[2]);
        assert_eq!(m.data, [MAX_STANDARDIZED]);
    }

    #[test]
    fn missing_categories_take_the_most_frequent_level() {
        let f = frame("c,y\nb,0\nb,1\na,0\n,1\n");
        let p = Pipeline::fit(&f, &[0, 1, 2, 3]);
        let m = p.transform(&f, &[3]);
        assert_eq!(p.feature_names, ["c = b", "c = a"]);
        assert_eq!(m.data, [1.0, 0.0]);
    }
}
