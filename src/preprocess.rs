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
use crate::rng::Rng;
use serde::{Deserialize, Serialize};
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

/// One usable column, parsed once.
#[derive(Debug, Clone)]
pub enum FrameColumn {
    /// Numbers (booleans as 0/1); NaN where missing.
    Numeric(Vec<f64>),
    /// Codes into `levels`; [`MISSING_CODE`] where missing.
    Categorical {
        /// Per-row code.
        codes: Vec<u32>,
        /// The distinct labels, in order of first appearance.
        levels: Vec<String>,
    },
    /// Seconds since 1970; NaN where missing.
    Datetime {
        /// Per-row timestamp.
        seconds: Vec<f64>,
        /// Whether any cell had a time of day.
        has_time: bool,
    },
}

/// The feature columns of a table, typed by a schema, with notes on what was left out.
#[derive(Debug, Clone)]
pub struct Frame {
    /// How each feature column was read, parallel to `columns`.
    pub specs: Vec<ColumnSpec>,
    /// Feature columns.
    pub columns: Vec<FrameColumn>,
    /// Notes on columns that were dropped or changed.
    pub notes: Vec<String>,
}

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

impl Frame {
    /// Builds the frame from every column except `target`, with the detected kinds.
    pub fn from_table(table: &Table, target: usize) -> Frame {
        Self::with_choices(table, target, &ColumnChoices::default())
    }

    /// Builds the frame from every column except `target`, with `choices` applied.
    pub fn with_choices(table: &Table, target: usize, choices: &ColumnChoices) -> Frame {
        let schema = schema_with_choices(table, choices);
        let mut frame = Frame {
            specs: Vec::new(),
            columns: Vec::new(),
            notes: Vec::new(),
        };
        let (mut identifiers, mut constants, mut texts): (Vec<String>, Vec<String>, Vec<String>) =
            (Vec::new(), Vec::new(), Vec::new());
        for (c, spec) in schema.into_iter().enumerate() {
            if c == target {
                continue;
            }
            let name = spec.name.clone();
            if choices.exclude.contains(&name) {
                frame
                    .notes
                    .push(format!("Column \"{name}\" was left out, as you chose."));
                continue;
            }
            match spec.kind {
                ColumnKind::Identifier => {
                    identifiers.push(name);
                    continue;
                }
                ColumnKind::Constant => {
                    constants.push(name);
                    continue;
                }
                ColumnKind::Text => {
                    texts.push(name);
                    continue;
                }
                _ => {}
            }
            let (column, unreadable) = parse_column(&table.columns[c], &spec);
            let present = table.columns[c].iter().filter(|v| !is_missing(v)).count();
            if unreadable * 2 > present {
                frame.notes.push(format!(
                    "Column \"{name}\" was left out: {unreadable} of its {present} values could not be read as {}. Choose another type for it.",
                    spec.kind.name()
                ));
                continue;
            }
            if unreadable > 0 {
                frame.notes.push(format!("Column \"{name}\": {unreadable} value(s) could not be read as {} and were treated as missing.", spec.kind.name()));
            }
            frame.specs.push(spec);
            frame.columns.push(column);
        }
        frame.notes.extend(left_out_notes(
            &identifiers.iter().map(String::as_str).collect::<Vec<_>>(),
            "it has a different value on almost every row, like a name or an ID",
            "they have a different value on almost every row, like names or IDs",
        ));
        frame.notes.extend(left_out_notes(
            &constants.iter().map(String::as_str).collect::<Vec<_>>(),
            "it has a single value or none",
            "they have a single value or none",
        ));
        frame.notes.extend(left_out_notes(
            &texts.iter().map(String::as_str).collect::<Vec<_>>(),
            "it holds free text, which the models here do not read",
            "they hold free text, which the models here do not read",
        ));
        frame
    }

    /// Builds a frame of new data for a schema learned earlier: the columns are found by name
    /// (their order and any extra columns do not matter). A missing column is an error.
    pub fn for_schema(table: &Table, specs: &[ColumnSpec]) -> Result<Frame> {
        let mut frame = Frame {
            specs: Vec::new(),
            columns: Vec::new(),
            notes: Vec::new(),
        };
        for spec in specs {
            let c = table
                .names
                .iter()
                .position(|n| *n == spec.name)
                .ok_or_else(|| AutoMlError::MissingColumn {
                    file: table.file.clone(),
                    name: spec.name.clone(),
                })?;
            let (column, unreadable) = parse_column(&table.columns[c], spec);
            if unreadable > 0 {
                frame.notes.push(format!("Column \"{}\": {unreadable} value(s) could not be read as {} and were treated as missing.", spec.name, spec.kind.name()));
            }
            frame.specs.push(spec.clone());
            frame.columns.push(column);
        }
        Ok(frame)
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        match self.columns.first() {
            Some(FrameColumn::Numeric(v)) => v.len(),
            Some(FrameColumn::Categorical { codes, .. }) => codes.len(),
            Some(FrameColumn::Datetime { seconds, .. }) => seconds.len(),
            None => 0,
        }
    }
}

/// Parses a column by its spec; returns the column and how many present cells did not parse.
fn parse_column(cells: &crate::data::TextColumn, spec: &ColumnSpec) -> (FrameColumn, usize) {
    let mut unreadable = 0;
    let column = match spec.kind {
        ColumnKind::Numeric => FrameColumn::Numeric(
            cells
                .iter()
                .map(|c| {
                    if is_missing(c) {
                        return f64::NAN;
                    }
                    parse_number_as(c, spec.number_format).unwrap_or_else(|| {
                        if !crate::data::cells::is_infinity_token(c) {
                            unreadable += 1;
                        }
                        f64::NAN
                    })
                })
                .collect(),
        ),
        ColumnKind::Boolean => FrameColumn::Numeric(
            cells
                .iter()
                .map(|c| match (is_missing(c), parse_bool(c)) {
                    (true, _) => f64::NAN,
                    (false, Some(b)) => f64::from(u8::from(b)),
                    (false, None) => {
                        unreadable += 1;
                        f64::NAN
                    }
                })
                .collect(),
        ),
        ColumnKind::Datetime => {
            let format = spec
                .date_format
                .unwrap_or(crate::data::cells::DateFormat::Iso);
            let mut has_time = false;
            let seconds = cells
                .iter()
                .map(|c| {
                    if is_missing(c) {
                        return f64::NAN;
                    }
                    match parse_date_as(c, format) {
                        Some(d) => {
                            has_time |= d.has_time;
                            d.seconds
                        }
                        None => {
                            unreadable += 1;
                            f64::NAN
                        }
                    }
                })
                .collect();
            FrameColumn::Datetime { seconds, has_time }
        }
        _ => {
            let mut index: HashMap<&str, u32> = HashMap::new();
            let mut levels = Vec::new();
            let codes = cells
                .iter()
                .map(|s| {
                    if is_missing(s) {
                        return MISSING_CODE;
                    }
                    *index.entry(s).or_insert_with(|| {
                        levels.push(s.to_string());
                        (levels.len() - 1) as u32
                    })
                })
                .collect();
            FrameColumn::Categorical { codes, levels }
        }
    };
    (column, unreadable)
}

/// The target as the pipeline sees it, for target encoding: parallel to the rows given.
#[derive(Debug, Clone, Copy)]
pub enum TargetView<'a> {
    /// Class codes and the number of classes.
    Classes(&'a [u32], usize),
    /// Values.
    Values(&'a [f64]),
}

impl TargetView<'_> {
    /// Encoding width: 1 for two classes or values, else one per class (at most 10).
    fn width(&self) -> usize {
        match self {
            TargetView::Classes(_, k) if *k > 2 && *k <= 10 => *k,
            TargetView::Classes(_, k) if *k > 10 => 0,
            _ => 1,
        }
    }

    /// The encoded target of position `i`, written into `out` (length `width()`).
    fn write(&self, i: usize, out: &mut [f64]) {
        match self {
            TargetView::Classes(y, k) if *k == 2 => out[0] = f64::from(u8::from(y[i] == 1)),
            TargetView::Classes(y, _) => {
                out.iter_mut().for_each(|v| *v = 0.0);
                if let Some(slot) = out.get_mut(y[i] as usize) {
                    *slot = 1.0;
                }
            }
            TargetView::Values(v) => out[0] = v[i],
        }
    }
}

/// Standardization of one input: `(x - mean) / scale`, with `fill` for missing values.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Scaled {
    /// Value used where missing (the training median).
    pub fill: f64,
    /// Mean after imputation.
    pub mean: f64,
    /// Standard deviation after imputation (1 when constant).
    pub scale: f64,
}

impl Scaled {
    fn fit(values: impl Iterator<Item = f64> + Clone) -> Scaled {
        let mut present: Vec<f64> = values.clone().filter(|v| v.is_finite()).collect();
        let fill = median(&mut present);
        let filled = values.map(move |v| if v.is_finite() { v } else { fill });
        let n = filled.clone().count().max(1) as f64;
        // sums of values near f64::MAX overflow: work on values divided by the largest
        // magnitude, then scale back (the standard deviation is at most that magnitude)
        let big = filled.clone().fold(0.0, |m: f64, v| m.max(v.abs()));
        let unit = if big > 0.0 && big.is_finite() {
            big
        } else {
            1.0
        };
        let mean_u = filled.clone().map(|v| v / unit).sum::<f64>() / n;
        let var_u = filled.map(|v| (v / unit - mean_u).powi(2)).sum::<f64>() / n;
        let std = var_u.sqrt() * unit;
        Scaled {
            fill,
            mean: mean_u * unit,
            scale: if std > 1e-12 && std.is_finite() {
                std
            } else {
                1.0
            },
        }
    }

    fn apply(&self, v: f64) -> f64 {
        let v = if v.is_finite() { v } else { self.fill };
        // divided first, so that the difference of two huge numbers cannot overflow
        (v / self.scale - self.mean / self.scale).clamp(-MAX_STANDARDIZED, MAX_STANDARDIZED)
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
    /// Impute, standardize; optionally a 0/1 "was missing" input.
    Numeric {
        /// Frame column.
        column: usize,
        /// Scaling.
        scaled: Scaled,
        /// Whether a "was missing" indicator follows.
        indicator: bool,
    },
    /// Date parts, each imputed and standardized; optionally a "was missing" input.
    Date {
        /// Frame column.
        column: usize,
        /// Parts with their scaling.
        parts: Vec<(DatePart, Scaled)>,
        /// Whether a "was missing" indicator follows.
        indicator: bool,
    },
    /// One 0/1 input per kept level; missing becomes the most frequent level; unseen levels
    /// give all zeros.
    OneHot {
        /// Frame column.
        column: usize,
        /// Kept levels, by label.
        levels: Vec<String>,
        /// The level used for missing cells.
        fill: String,
    },
    /// Frequency of the level in the training rows, then its smoothed target mean(s). Missing
    /// is a level of its own (""); unseen levels get frequency 0 and the overall mean.
    Encoded {
        /// Frame column.
        column: usize,
        /// Level → (frequency, target means).
        table: BTreeMap<String, (f64, Vec<f64>)>,
        /// The overall target mean(s), for unseen levels.
        prior: Vec<f64>,
    },
}

impl Step {
    fn column(&self) -> usize {
        match self {
            Step::Numeric { column, .. }
            | Step::Date { column, .. }
            | Step::OneHot { column, .. }
            | Step::Encoded { column, .. } => *column,
        }
    }

    /// Inputs this step writes per row.
    pub(crate) fn width(&self) -> usize {
        match self {
            Step::Numeric { indicator, .. } => 1 + usize::from(*indicator),
            Step::Date {
                parts, indicator, ..
            } => parts.len() + usize::from(*indicator),
            Step::OneHot { levels, .. } => levels.len(),
            Step::Encoded { prior, .. } => 1 + prior.len(),
        }
    }
}

/// Preprocessing learned from training rows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Pipeline {
    /// How the frame's columns are read (the schema new data must follow).
    pub specs: Vec<ColumnSpec>,
    /// Steps, in input order.
    pub steps: Vec<Step>,
    /// Names of the model inputs produced.
    pub feature_names: Vec<String>,
}

/// How many unseen levels a transform met, per column.
pub type Unseen = Vec<(String, usize)>;

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

/// Smoothed target means per level from `positions` (indices into `rows`).
fn target_means(
    codes: &[u32],
    rows: &[usize],
    positions: &[usize],
    target: &TargetView,
    width: usize,
    prior: &[f64],
) -> HashMap<u32, Vec<f64>> {
    let mut sums: HashMap<u32, (Vec<f64>, f64)> = HashMap::new();
    let mut enc = vec![0.0; width];
    for &i in positions {
        target.write(i, &mut enc);
        let e = sums
            .entry(codes[rows[i]])
            .or_insert_with(|| (vec![0.0; width], 0.0));
        e.0.iter_mut().zip(&enc).for_each(|(s, v)| *s += v);
        e.1 += 1.0;
    }
    sums.into_iter()
        .map(|(code, (s, n))| {
            (
                code,
                s.iter()
                    .zip(prior)
                    .map(|(sv, p)| (sv + TARGET_SMOOTHING * p) / (n + TARGET_SMOOTHING))
                    .collect(),
            )
        })
        .collect()
}

impl Pipeline {
    /// Learns every step from `rows` of `frame` only; `target` (parallel to `rows`) enables
    /// target encoding of many-level categories.
    pub fn fit(frame: &Frame, rows: &[usize], target: Option<TargetView<'_>>) -> Pipeline {
        Self::fit_transform(frame, rows, target, 0).0
    }

    /// Learns the steps from `rows` and returns them with the training matrix, whose
    /// target-encoded inputs are computed out of fold (each row encoded by statistics of the
    /// other folds), so a model cannot learn a row's own target through its encoding.
    pub fn fit_transform(
        frame: &Frame,
        rows: &[usize],
        target: Option<TargetView<'_>>,
        seed: u64,
    ) -> (Pipeline, Matrix) {
        let mut steps = Vec::new();
        let mut feature_names = Vec::new();
        for (c, col) in frame.columns.iter().enumerate() {
            let name = &frame.specs[c].name;
            match col {
                FrameColumn::Numeric(values) => {
                    let scaled = Scaled::fit(rows.iter().map(|&r| values[r]));
                    let indicator = rows.iter().any(|&r| !values[r].is_finite());
                    feature_names.push(name.clone());
                    if indicator {
                        feature_names.push(format!("{name} was missing"));
                    }
                    steps.push(Step::Numeric {
                        column: c,
                        scaled,
                        indicator,
                    });
                }
                FrameColumn::Datetime { seconds, has_time } => {
                    let mut kinds = vec![
                        DatePart::Days,
                        DatePart::Year,
                        DatePart::Month,
                        DatePart::Day,
                        DatePart::Weekday,
                        DatePart::DayOfYear,
                    ];
                    if *has_time {
                        kinds.push(DatePart::Hour);
                    }
                    let parts: Vec<(DatePart, Scaled)> = kinds
                        .into_iter()
                        .map(|p| {
                            (
                                p,
                                Scaled::fit(rows.iter().map(|&r| {
                                    if seconds[r].is_finite() {
                                        p.of(seconds[r])
                                    } else {
                                        f64::NAN
                                    }
                                })),
                            )
                        })
                        .collect();
                    let indicator = rows.iter().any(|&r| !seconds[r].is_finite());
                    for (p, _) in &parts {
                        feature_names.push(format!("{name} ({})", p.name()));
                    }
                    if indicator {
                        feature_names.push(format!("{name} was missing"));
                    }
                    steps.push(Step::Date {
                        column: c,
                        parts,
                        indicator,
                    });
                }
                FrameColumn::Categorical { codes, levels } => {
                    let mut counts = vec![0usize; levels.len()];
                    for &r in rows {
                        if codes[r] != MISSING_CODE {
                            counts[codes[r] as usize] += 1;
                        }
                    }
                    let mut order: Vec<usize> =
                        (0..levels.len()).filter(|&l| counts[l] > 0).collect();
                    order.sort_by(|&a, &b| {
                        counts[b]
                            .cmp(&counts[a])
                            .then_with(|| levels[a].cmp(&levels[b]))
                    });
                    if order.len() <= MAX_ONE_HOT_LEVELS {
                        let fill = order
                            .first()
                            .map(|&l| levels[l].clone())
                            .unwrap_or_default();
                        let kept: Vec<String> = order.iter().map(|&l| levels[l].clone()).collect();
                        for level in &kept {
                            feature_names.push(format!("{name} = {level}"));
                        }
                        steps.push(Step::OneHot {
                            column: c,
                            levels: kept,
                            fill,
                        });
                    } else {
                        let width = target.map_or(0, |t| t.width());
                        let n = rows.len().max(1) as f64;
                        let mut prior = vec![0.0; width];
                        let mut enc = vec![0.0; width];
                        if let Some(t) = &target {
                            for i in 0..rows.len() {
                                t.write(i, &mut enc);
                                prior.iter_mut().zip(&enc).for_each(|(p, v)| *p += v);
                            }
                            prior.iter_mut().for_each(|p| *p /= n);
                        }
                        let all: Vec<usize> = (0..rows.len()).collect();
                        let means = match &target {
                            Some(t) if width > 0 => {
                                target_means(codes, rows, &all, t, width, &prior)
                            }
                            _ => HashMap::new(),
                        };
                        let mut counts: HashMap<u32, usize> = HashMap::new();
                        for &r in rows {
                            *counts.entry(codes[r]).or_default() += 1;
                        }
                        let freq: HashMap<u32, f64> =
                            counts.into_iter().map(|(c, k)| (c, k as f64 / n)).collect();
                        let table = freq
                            .iter()
                            .map(|(&code, &f)| {
                                let key = if code == MISSING_CODE {
                                    String::new()
                                } else {
                                    levels[code as usize].clone()
                                };
                                (
                                    key,
                                    (
                                        f,
                                        means.get(&code).cloned().unwrap_or_else(|| prior.clone()),
                                    ),
                                )
                            })
                            .collect();
                        feature_names.push(format!("{name} (frequency)"));
                        match width {
                            0 => {}
                            1 => feature_names.push(format!("{name} (target mean)")),
                            _ => (0..width).for_each(|k| {
                                feature_names.push(format!("{name} (share of class {k})"))
                            }),
                        }
                        steps.push(Step::Encoded {
                            column: c,
                            table,
                            prior,
                        });
                    }
                }
            }
        }
        let pipeline = Pipeline {
            specs: frame.specs.clone(),
            steps,
            feature_names,
        };
        let (mut matrix, _) = pipeline.transform_report(frame, rows);
        // out-of-fold target encoding of the training rows
        if let Some(t) = &target {
            let mut order: Vec<usize> = (0..rows.len()).collect();
            Rng::new(seed ^ 0x7A12_6E7C).shuffle(&mut order);
            let mut fold_of = vec![0usize; rows.len()];
            for (i, &p) in order.iter().enumerate() {
                fold_of[p] = i % TARGET_FOLDS;
            }
            let mut offset = 0;
            for step in &pipeline.steps {
                if let (Step::Encoded { prior, .. }, Some(FrameColumn::Categorical { codes, .. })) =
                    (step, frame.columns.get(step.column()))
                {
                    let width = prior.len();
                    if width > 0 && rows.len() >= 2 * TARGET_FOLDS {
                        for fold in 0..TARGET_FOLDS {
                            let others: Vec<usize> =
                                (0..rows.len()).filter(|&i| fold_of[i] != fold).collect();
                            let means = target_means(codes, rows, &others, t, width, prior);
                            for i in (0..rows.len()).filter(|&i| fold_of[i] == fold) {
                                let m = means.get(&codes[rows[i]]).unwrap_or(prior);
                                let start = i * matrix.cols + offset + 1;
                                matrix.data[start..start + width].copy_from_slice(m);
                            }
                        }
                    }
                }
                offset += step.width();
            }
        }
        (pipeline, matrix)
    }

    /// Number of model inputs.
    pub fn n_features(&self) -> usize {
        self.feature_names.len()
    }

    /// Applies the fitted steps to `rows` of `frame`.
    pub fn transform(&self, frame: &Frame, rows: &[usize]) -> Matrix {
        self.transform_report(frame, rows).0
    }

    /// Applies the fitted steps to `rows` of `frame`, counting unseen levels per column.
    pub fn transform_report(&self, frame: &Frame, rows: &[usize]) -> (Matrix, Unseen) {
        let cols = self.n_features();
        let mut data = vec![0.0; rows.len() * cols];
        let mut unseen: Unseen = Vec::new();
        let mut offset = 0;
        for step in &self.steps {
            let name = self
                .specs
                .get(step.column())
                .map_or("", |s| s.name.as_str());
            match (step, frame.columns.get(step.column())) {
                (
                    Step::Numeric {
                        scaled, indicator, ..
                    },
                    Some(FrameColumn::Numeric(values)),
                ) => {
                    for (i, &r) in rows.iter().enumerate() {
                        data[i * cols + offset] = scaled.apply(values[r]);
                        if *indicator {
                            data[i * cols + offset + 1] =
                                f64::from(u8::from(!values[r].is_finite()));
                        }
                    }
                }
                (
                    Step::Date {
                        parts, indicator, ..
                    },
                    Some(FrameColumn::Datetime { seconds, .. }),
                ) => {
                    for (i, &r) in rows.iter().enumerate() {
                        let s = seconds[r];
                        for (j, (part, scaled)) in parts.iter().enumerate() {
                            data[i * cols + offset + j] =
                                scaled.apply(if s.is_finite() { part.of(s) } else { f64::NAN });
                        }
                        if *indicator {
                            data[i * cols + offset + parts.len()] =
                                f64::from(u8::from(!s.is_finite()));
                        }
                    }
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
                    let mut count = 0;
                    for (i, &r) in rows.iter().enumerate() {
                        let pos = match codes[r] {
                            MISSING_CODE => fill_pos,
                            code => {
                                let p = code_pos[code as usize];
                                count += usize::from(p.is_none());
                                p
                            }
                        };
                        if let Some(p) = pos {
                            data[i * cols + offset + p] = 1.0;
                        }
                    }
                    if count > 0 {
                        unseen.push((name.to_string(), count));
                    }
                }
                (
                    Step::Encoded { table, prior, .. },
                    Some(FrameColumn::Categorical { codes, levels }),
                ) => {
                    let lookup: Vec<Option<&(f64, Vec<f64>)>> =
                        levels.iter().map(|l| table.get(l)).collect();
                    let missing = table.get("");
                    let mut count = 0;
                    for (i, &r) in rows.iter().enumerate() {
                        let entry = if codes[r] == MISSING_CODE {
                            missing
                        } else {
                            lookup[codes[r] as usize]
                        };
                        let out = &mut data[i * cols + offset..i * cols + offset + 1 + prior.len()];
                        match entry {
                            Some((f, means)) => {
                                out[0] = *f;
                                out[1..].copy_from_slice(means);
                            }
                            None => {
                                count += usize::from(codes[r] != MISSING_CODE);
                                out[0] = 0.0;
                                out[1..].copy_from_slice(prior);
                            }
                        }
                    }
                    if count > 0 {
                        unseen.push((name.to_string(), count));
                    }
                }
                // a frame column of another kind (only possible with a frame built from another
                // schema): the inputs stay zero, i.e. the training mean / no level
                _ => {}
            }
            offset += step.width();
        }
        (
            Matrix {
                rows: rows.len(),
                cols,
                data,
            },
            unseen,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::read_csv;

    fn frame(text: &str) -> (Table, Frame) {
        let t = read_csv(text.as_bytes(), "t.csv").unwrap();
        let target = t.names.len() - 1;
        let f = Frame::from_table(&t, target);
        (t, f)
    }

    #[test]
    fn statistics_come_from_training_rows_only() {
        let (_, f) = frame("x,c,y\n1,a,0\n3,b,1\nNA,a,0\n100,c,1\n");
        let p = Pipeline::fit(&f, &[0, 1, 2], None);
        // median of 1 and 3 is 2; row 3 (100, "c") was not seen.
        assert_eq!(p.feature_names, ["x", "x was missing", "c = a", "c = b"]);
        let (m, unseen) = p.transform_report(&f, &[2, 3]);
        let Step::Numeric { scaled, .. } = &p.steps[0] else {
            panic!()
        };
        assert_eq!(scaled.mean, 2.0);
        assert!((m.row(0)[0] - 0.0).abs() < 1e-12);
        assert!((m.row(1)[0] - (100.0 - 2.0) / scaled.scale).abs() < 1e-12);
        assert_eq!(&m.row(0)[1..], &[1.0, 1.0, 0.0]);
        // unseen level "c" gives all zeros, and is reported
        assert_eq!(&m.row(1)[1..], &[0.0, 0.0, 0.0]);
        assert_eq!(unseen, [("c".to_string(), 1)]);
    }

    #[test]
    fn identifiers_constants_and_exclusions_are_left_out_with_notes() {
        let mut text = String::from("id,k,v,w,y\n");
        for i in 0..30 {
            text.push_str(&format!("{i},same,{},{},{}\n", i % 7, i % 3, i % 2));
        }
        let t = read_csv(text.as_bytes(), "t.csv").unwrap();
        let choices = ColumnChoices {
            exclude: vec!["w".into()],
            ..Default::default()
        };
        let f = Frame::with_choices(&t, 4, &choices);
        assert_eq!(
            f.specs.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["v"]
        );
        assert_eq!(f.notes.len(), 3, "{:?}", f.notes);
    }

    #[test]
    fn type_overrides_apply() {
        let (t, _) = frame("zip,y\n10115,1\n20095,0\n10115,1\n80331,0\n");
        let choices = ColumnChoices {
            column_types: BTreeMap::from([("zip".to_string(), ColumnKind::Categorical)]),
            ..Default::default()
        };
        let f = Frame::with_choices(&t, 1, &choices);
        assert!(
            matches!(&f.columns[0], FrameColumn::Categorical { levels, .. } if levels.len() == 3)
        );
        let p = Pipeline::fit(&f, &[0, 1, 2, 3], None);
        assert_eq!(p.n_features(), 3);
        // a kind that reads almost nothing leaves the column out, with a note
        let (t, _) = frame("sex,y\nmale,1\nfemale,0\nmale,1\n7,0\n");
        let choices = ColumnChoices {
            column_types: BTreeMap::from([("sex".to_string(), ColumnKind::Numeric)]),
            ..Default::default()
        };
        let f = Frame::with_choices(&t, 1, &choices);
        assert!(f.columns.is_empty());
        assert_eq!(f.notes, ["Column \"sex\" was left out: 3 of its 4 values could not be read as numeric. Choose another type for it."]);
    }

    #[test]
    fn many_left_out_columns_give_one_note() {
        let mut text = format!("{}y\n", ",".repeat(12));
        for i in 0..12 {
            text.push_str(&format!("{}{}\n", ",".repeat(12), i % 2));
        }
        let (_, f) = frame(&text);
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
        let (_, f) = frame("a,b,y\n1.7976931348623157e308,1,0\n1.7976931348623157e308,2,1\n-1.7976931348623157e308,3,0\n1e308,4,1\n");
        let p = Pipeline::fit(&f, &[0, 1, 2], None);
        let m = p.transform(&f, &[0, 1, 2, 3]);
        assert!(m.data.iter().all(|v| v.is_finite()), "{:?}", m.data);
        // An unseen value far outside a tiny training spread is clipped, not infinite.
        let (_, f) = frame("a,y\n1,0\n1.00000000001,1\n1e300,0\n");
        let p = Pipeline::fit(&f, &[0, 1], None);
        let m = p.transform(&f, &[2]);
        assert_eq!(m.data, [MAX_STANDARDIZED]);
    }

    #[test]
    fn missing_categories_take_the_most_frequent_level() {
        let (_, f) = frame("c,y\nb,0\nb,1\na,0\n,1\n");
        let p = Pipeline::fit(&f, &[0, 1, 2, 3], None);
        let m = p.transform(&f, &[3]);
        assert_eq!(p.feature_names, ["c = b", "c = a"]);
        assert_eq!(m.data, [1.0, 0.0]);
    }

    #[test]
    fn dates_become_parts() {
        let (_, f) = frame("when,y\n2024-01-01,1\n2024-01-02,2\n2024-01-08 10:00,3\n,4\n");
        let p = Pipeline::fit(&f, &[0, 1, 2, 3], None);
        assert_eq!(p.feature_names[0], "when (days)");
        assert!(p.feature_names.contains(&"when (weekday)".to_string()));
        assert!(p.feature_names.contains(&"when (hour)".to_string()));
        assert_eq!(p.feature_names.last().unwrap(), "when was missing");
        let Step::Date { parts, .. } = &p.steps[0] else {
            panic!()
        };
        let weekday = parts.iter().find(|(k, _)| *k == DatePart::Weekday).unwrap();
        // 2024-01-01 and 2024-01-08 are Mondays (0), 01-02 a Tuesday (1); the median fills the gap
        assert_eq!(weekday.1.fill, 0.0);
    }

    #[test]
    fn many_levels_get_frequency_and_out_of_fold_target_encoding() {
        let mut text = String::from("c,y\n");
        for i in 0..200 {
            // level L0..L39; the target is 1 for even levels
            let level = i % 40;
            text.push_str(&format!("L{level},{}\n", level % 2));
        }
        let (_, f) = frame(&text);
        let rows: Vec<usize> = (0..200).collect();
        let y: Vec<u32> = (0..200).map(|i| ((i % 40) % 2) as u32).collect();
        let (p, train) = Pipeline::fit_transform(&f, &rows, Some(TargetView::Classes(&y, 2)), 1);
        assert_eq!(p.feature_names, ["c (frequency)", "c (target mean)"]);
        let Step::Encoded { table, prior, .. } = &p.steps[0] else {
            panic!()
        };
        assert_eq!(prior, &[0.5]);
        // 5 rows of L1 with target 1 each, smoothed toward 0.5 by 10 pseudo-rows
        let (freq, means) = &table["L1"];
        assert!(
            (freq - 0.025).abs() < 1e-12 && (means[0] - (5.0 + 5.0) / 15.0).abs() < 1e-12,
            "{freq} {means:?}"
        );
        // out of fold: a training row's encoding leaves out its own fold, so it differs from
        // the full-data encoding the other rows get
        let full = p.transform(&f, &rows);
        assert_ne!(train.data, full.data);
        assert!(train.data.iter().all(|v| v.is_finite()));
    }
}
