//! The column to predict: checked for the chosen task and encoded (class codes or numbers).
//! Rows whose target is missing are left out here, with a count.

use crate::data::cells::parse_date_as;
use crate::data::cells::{is_missing, parse_number, parse_number_as};
use crate::data::top_levels;
use crate::data::{classify, Bar, ColumnKind, ColumnSpec, Table, Task, TextColumn};
use crate::error::{AutoMlError, Result};
use crate::message;
use crate::messages::{Message, Param};
pub use crate::truth::{Target, TargetRef};
use serde::Serialize;
use std::collections::BTreeMap;
use std::collections::{HashMap, HashSet};

/// Largest magnitude of a number to predict. Squared errors of larger values overflow, so
/// every score would be NaN; such a column must be rescaled first.
pub const MAX_TARGET_MAGNITUDE: f64 = 1e100;

/// Most classes a classification target may have.
pub const MAX_CLASSES: usize = 200;

/// The usable rows and their encoded target.
#[derive(Debug, Clone)]
pub struct PreparedTarget {
    /// Table rows with a target value; `target` is parallel to this.
    pub rows: Vec<usize>,
    /// The encoded target.
    pub target: Target,
    /// What was done (rows dropped, ...).
    pub notes: Vec<Message>,
}

/// Whether a cell is a number too large for a float, or an explicit infinity.
fn is_infinite_number(cell: &str) -> bool {
    let c = cell.trim();
    matches!(c.strip_prefix('+').unwrap_or(c).parse::<f64>(), Ok(v) if v.is_infinite())
}

/// Checks and encodes the column `column` for `task`.
pub fn prepare_target(table: &Table, column: usize, task: Task) -> Result<PreparedTarget> {
    let name = &table.names[column];
    let cells = &table.columns[column];
    let present: Vec<usize> = (0..cells.len())
        .filter(|&r| !is_missing(cells.get(r)))
        .collect();
    let mut notes = Vec::new();
    let dropped = cells.len() - present.len();
    if dropped > 0 {
        notes.push(message!(
            "target.rows_dropped",
            count = dropped,
            column = name
        ));
    }
    // An infinite number to predict ("Infinity", or 1e999, too large for a float) cannot be
    // learned or scored: such rows are left out like missing ones, with their own note.
    let rows: Vec<usize> = match task {
        Task::Regression => present
            .iter()
            .copied()
            .filter(|&r| !is_infinite_number(cells.get(r)))
            .collect(),
        Task::Classification => present.clone(),
    };
    if rows.len() < present.len() {
        notes.push(message!(
            "target.infinite_dropped",
            count = present.len() - rows.len(),
            column = name
        ));
    }
    if rows.len() < 10 {
        return Err(AutoMlError::BadTarget {
            column: name.clone(),
            reason: message!("target.too_few_rows", rows = rows.len()),
        });
    }
    let target = match task {
        Task::Regression => {
            let format = classify(name, cells).number_format;
            let mut values = Vec::with_capacity(rows.len());
            for &r in &rows {
                match parse_number_as(cells.get(r), format) {
                    Some(v) if v.abs() > MAX_TARGET_MAGNITUDE => {
                        return Err(AutoMlError::BadTarget {
                            column: name.clone(),
                            reason: message!(
                                "target.too_large",
                                row = r + 1,
                                value = cells.get(r),
                                limit = format!("{MAX_TARGET_MAGNITUDE:e}")
                            ),
                        })
                    }
                    Some(v) => values.push(v),
                    None => {
                        return Err(AutoMlError::BadTarget {
                            column: name.clone(),
                            reason: message!(
                                "target.not_a_number",
                                row = r + 1,
                                value = cells.get(r)
                            ),
                        })
                    }
                }
            }
            Target::Values(values)
        }
        Task::Classification => {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for &r in &rows {
                *counts.entry(cells.get(r)).or_default() += 1;
            }
            let mut labels: Vec<&str> = counts.keys().copied().collect();
            if labels.iter().all(|l| parse_number(l).is_some()) {
                crate::sort::sort_by(&mut labels, |a, b| {
                    parse_number(a)
                        .unwrap_or(0.0)
                        .total_cmp(&parse_number(b).unwrap_or(0.0))
                });
            }
            if labels.len() < 2 {
                return Err(AutoMlError::BadTarget {
                    column: name.clone(),
                    reason: message!(
                        "target.one_class",
                        value = labels.first().copied().unwrap_or("")
                    ),
                });
            }
            if labels.len() > MAX_CLASSES {
                return Err(AutoMlError::BadTarget {
                    column: name.clone(),
                    reason: message!(
                        "target.too_many_classes",
                        classes = labels.len(),
                        limit = MAX_CLASSES
                    ),
                });
            }
            let single: Vec<&str> = labels.iter().copied().filter(|l| counts[l] < 2).collect();
            if !single.is_empty() {
                return Err(AutoMlError::BadTarget {
                    column: name.clone(),
                    reason: message!(
                        "target.single_row_classes",
                        classes = Param::list(&single, 5)
                    ),
                });
            }
            let code: BTreeMap<&str, u32> = labels
                .iter()
                .enumerate()
                .map(|(i, l)| (*l, i as u32))
                .collect();
            Target::Classes {
                y: rows.iter().map(|&r| code[cells.get(r)]).collect(),
                labels: labels.iter().map(|l| l.to_string()).collect(),
            }
        }
    };
    Ok(PreparedTarget {
        rows,
        target,
        notes,
    })
}

/// What the page shows once a target is chosen: class counts and warnings.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetCheck {
    /// The target column.
    pub target: String,
    /// The task checked.
    pub task: Task,
    /// Rows per class, most frequent first (classification).
    pub class_counts: Vec<Bar>,
    /// Rows without a target value (left out of the run).
    pub missing: usize,
    /// Problems worth a look: leakage, imbalance.
    pub warnings: Vec<Message>,
}

/// Checks a target: class balance and columns that alone predict it almost perfectly.
pub fn check_target(
    table: &Table,
    target: usize,
    task: Task,
    schema: &[ColumnSpec],
) -> TargetCheck {
    let cells = &table.columns[target];
    let name = &table.names[target];
    let rows: Vec<usize> = (0..cells.len())
        .filter(|&r| !is_missing(cells.get(r)))
        .collect();
    let mut warnings = Vec::new();
    let mut class_counts = Vec::new();
    // the target as class codes (classification) or numbers (regression)
    let mut codes: Vec<usize> = Vec::new();
    let mut values: Vec<f64> = Vec::new();
    match task {
        Task::Classification => {
            let mut index: BTreeMap<&str, usize> = BTreeMap::new();
            for &r in &rows {
                let n = index.len();
                codes.push(*index.entry(cells.get(r)).or_insert(n));
            }
            class_counts = top_levels(cells, 20);
            let mut totals = vec![0usize; index.len()];
            codes.iter().for_each(|&k| totals[k] += 1);
            let n = rows.len().max(1) as f64;
            let labels: Vec<&str> = {
                let mut l = vec![""; index.len()];
                index.iter().for_each(|(name, &i)| l[i] = name);
                l
            };
            if (2..=10).contains(&totals.len()) {
                let (small, big) = (0..totals.len()).fold((0, 0), |(s, b), c| {
                    (
                        if totals[c] < totals[s] { c } else { s },
                        if totals[c] > totals[b] { c } else { b },
                    )
                });
                let share = totals[small] as f64 / n;
                if share <= 0.1 {
                    warnings.push(message!(
                        "target.imbalanced",
                        small = labels[small],
                        small_percent = share * 100.0,
                        big = labels[big],
                        big_percent = totals[big] as f64 / n * 100.0
                    ));
                }
            }
        }
        Task::Regression => {
            let format = classify(name, cells).number_format;
            for &r in &rows {
                values.push(parse_number_as(cells.get(r), format).unwrap_or(f64::NAN));
            }
        }
    }
    // leakage: a single column whose values (binned) determine the target
    let n = rows.len();
    if n >= 20 {
        for (c, spec) in schema.iter().enumerate() {
            if c == target || !spec.kind.is_used() {
                continue;
            }
            let col = &table.columns[c];
            let bins = bin_codes(col, spec, &rows);
            let score = match task {
                Task::Classification => {
                    let n_classes = codes.iter().max().map_or(0, |m| m + 1);
                    let mut table_counts: HashMap<usize, Vec<usize>> = HashMap::new();
                    for (i, &b) in bins.iter().enumerate() {
                        table_counts.entry(b).or_insert_with(|| vec![0; n_classes])[codes[i]] += 1;
                    }
                    let hits: usize = table_counts
                        .values()
                        .map(|v| v.iter().copied().max().unwrap_or(0))
                        .sum();
                    let mut totals = vec![0usize; n_classes];
                    codes.iter().for_each(|&k| totals[k] += 1);
                    let majority = totals.iter().copied().max().unwrap_or(0);
                    if majority as f64 / n as f64 > 0.95 {
                        continue;
                    }
                    hits as f64 / n as f64
                }
                Task::Regression => {
                    let mut sums: HashMap<usize, (f64, usize)> = HashMap::new();
                    for (i, &b) in bins.iter().enumerate() {
                        if values[i].is_finite() {
                            let e = sums.entry(b).or_insert((0.0, 0));
                            e.0 += values[i];
                            e.1 += 1;
                        }
                    }
                    let finite: Vec<f64> =
                        values.iter().copied().filter(|v| v.is_finite()).collect();
                    let mean = finite.iter().sum::<f64>() / finite.len().max(1) as f64;
                    let ss_tot: f64 = finite.iter().map(|v| (v - mean).powi(2)).sum();
                    let ss_res: f64 = bins
                        .iter()
                        .zip(&values)
                        .filter(|(_, v)| v.is_finite())
                        .map(|(b, v)| {
                            let (s, k) = sums[b];
                            (v - s / k as f64).powi(2)
                        })
                        .sum();
                    if ss_tot <= 0.0 {
                        continue;
                    }
                    1.0 - ss_res / ss_tot
                }
            };
            // with many bins of one row each, a column "predicts" anything: require repeats
            let distinct_bins = bins.iter().collect::<HashSet<_>>().len();
            if score >= 0.98 && distinct_bins * 5 <= n {
                warnings.push(message!(
                    "target.leak",
                    column = spec.name,
                    target = name,
                    percent = score * 100.0
                ));
            }
        }
    }
    // what the run itself would refuse, said now
    if let Err(e) = crate::target::prepare_target(table, target, task) {
        warnings.insert(0, e.to_message());
    }
    TargetCheck {
        target: name.clone(),
        task,
        class_counts,
        missing: cells.len() - n,
        warnings,
    }
}

/// Codes for a leakage check: quantile bins of numbers and dates, labels as they are.
fn bin_codes(col: &TextColumn, spec: &ColumnSpec, rows: &[usize]) -> Vec<usize> {
    let value = |r: usize| -> Option<f64> {
        let c = col.get(r);
        match spec.kind {
            ColumnKind::Numeric => parse_number_as(c, spec.number_format),
            ColumnKind::Datetime => spec
                .date_format
                .and_then(|f| parse_date_as(c, f))
                .map(|d| d.seconds),
            _ => None,
        }
    };
    match spec.kind {
        ColumnKind::Numeric | ColumnKind::Datetime => {
            let mut sorted: Vec<f64> = rows.iter().filter_map(|&r| value(r)).collect();
            crate::sort::sort_f64(&mut sorted);
            let edges: Vec<f64> = (1..20)
                .filter_map(|i| sorted.get(i * sorted.len() / 20).copied())
                .collect();
            rows.iter()
                .map(|&r| value(r).map_or(usize::MAX, |v| edges.partition_point(|&e| e <= v)))
                .collect()
        }
        _ => {
            let mut index: HashMap<&str, usize> = HashMap::new();
            rows.iter()
                .map(|&r| {
                    let n = index.len();
                    *index.entry(col.get(r)).or_insert(n)
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::read_csv;

    fn table(rows: &[&str]) -> Table {
        let text = format!(
            "x,y\n{}\n",
            rows.iter()
                .map(|r| format!("1,{r}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        read_csv(text.as_bytes(), "t.csv").unwrap()
    }

    #[test]
    fn numeric_labels_sort_numerically_and_missing_rows_drop() {
        let t = table(&["10", "9", "10", "9", "NA", "10", "9", "10", "9", "10", "9"]);
        let p = prepare_target(&t, 1, Task::Classification).unwrap();
        let Target::Classes { y, labels } = &p.target else {
            panic!()
        };
        assert_eq!(labels, &["9", "10"]);
        assert_eq!(&y[..3], &[1, 0, 1]);
        assert_eq!(p.rows.len(), 10);
        assert_eq!(p.notes.len(), 1);
    }

    #[test]
    fn one_class_and_singleton_classes_are_refused() {
        let t = table(&["a"; 12]);
        assert!(prepare_target(&t, 1, Task::Classification)
            .unwrap_err()
            .to_string()
            .contains("same value \"a\""));
        let mut rows = vec!["a"; 11];
        rows.push("b");
        let e = prepare_target(&table(&rows), 1, Task::Classification).unwrap_err();
        assert!(e.to_string().contains("\"b\""), "{e}");
    }

    #[test]
    fn infinite_regression_targets_are_left_out_with_a_note() {
        let mut rows = vec!["1.5", "2", "-0", "1e-400", "3", "4", "5", "6", "7", "8"];
        rows.extend(["1e999", "Infinity", "-inf", "+1E400"]);
        let p = prepare_target(&table(&rows), 1, Task::Regression).unwrap();
        assert_eq!(p.rows.len(), 10);
        assert!(p.notes[0].to_string().contains("4 row(s)"), "{:?}", p.notes);
        let Target::Values(v) = &p.target else {
            panic!()
        };
        assert!(v.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn huge_regression_targets_are_refused_with_the_limit() {
        let mut rows = vec!["1.5"; 11];
        rows[3] = "-1.7976931348623157e308";
        let e = prepare_target(&table(&rows), 1, Task::Regression).unwrap_err();
        assert!(
            e.to_string()
                .contains("row 4 holds -1.7976931348623157e308"),
            "{e}"
        );
        assert!(e.to_string().contains("1e100"), "{e}");
    }

    #[test]
    fn regression_names_the_bad_row() {
        let mut rows = vec!["1.5"; 11];
        rows[4] = "lots";
        let e = prepare_target(&table(&rows), 1, Task::Regression).unwrap_err();
        assert!(e.to_string().contains("row 5 holds \"lots\""), "{e}");
    }
}
