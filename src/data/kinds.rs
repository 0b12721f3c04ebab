//! Column kinds: the facts about a column's values, the kind they imply, the schema of a table
//! and the task a target column suggests.

use super::*;

/// Facts about one column's values, from which its kind and suggested task follow.
#[derive(Debug, Clone)]
pub struct ColumnStats {
    /// Missing cells (including infinities in a numeric column).
    pub missing: usize,
    /// Distinct non-missing texts (counting stops at a large number).
    pub distinct: usize,
    /// Whether every non-missing cell is a number (in `number_format`).
    pub numeric: bool,
    /// The format the numbers are written in.
    pub number_format: NumberFormat,
    /// Whether every number is a whole number.
    pub integral: bool,
    /// Smallest and largest number (numeric columns).
    pub range: (f64, f64),
    /// Cells holding an infinity (counted as missing in a numeric column).
    pub infinite: usize,
    /// The date format, for a date column.
    pub date_format: Option<DateFormat>,
    /// For month-first dates, whether day-first would also have read every cell.
    pub date_ambiguous: bool,
    /// The detected kind.
    pub kind: ColumnKind,
}

/// Distinct values are counted up to this many.
const DISTINCT_CAP: usize = 1_000_000;

fn all_parse(cells: &TextColumn, f: impl Fn(&str) -> bool) -> bool {
    cells.iter().filter(|c| !is_missing(c)).all(f)
}

/// Computes a column's statistics and kind.
pub fn column_stats(cells: &TextColumn) -> ColumnStats {
    let mut missing = 0;
    let mut distinct: HashSet<&str> = HashSet::new();
    let mut total_len = 0usize;
    let mut spaces = 0usize;
    for cell in cells.iter() {
        if is_missing(cell) {
            missing += 1;
            continue;
        }
        total_len += cell.chars().count();
        spaces += cell.matches(' ').count();
        if distinct.len() < DISTINCT_CAP {
            distinct.insert(cell);
        }
    }
    let present = cells.len() - missing;
    let n_distinct = distinct.len();
    let mut stats = ColumnStats {
        missing,
        distinct: n_distinct,
        numeric: false,
        number_format: NumberFormat::Plain,
        integral: false,
        range: (f64::NAN, f64::NAN),
        infinite: 0,
        date_format: None,
        date_ambiguous: false,
        kind: ColumnKind::Categorical,
    };
    if present == 0 || n_distinct <= 1 {
        stats.kind = ColumnKind::Constant;
        return stats;
    }
    if n_distinct == 2 && distinct.iter().all(|v| parse_bool(v).is_some()) {
        stats.kind = ColumnKind::Boolean;
        stats.numeric = distinct.iter().all(|v| parse_number(v).is_some());
        stats.integral = stats.numeric;
        return stats;
    }
    // numbers: plain first, then the formats a whole column can agree on
    for format in std::iter::once(NumberFormat::Plain).chain(NumberFormat::FALLBACKS) {
        if all_parse(cells, |c| {
            parse_number_as(c, format).is_some() || is_infinity_token(c)
        }) {
            let mut integral = true;
            let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
            let mut infinite = 0;
            for c in cells.iter().filter(|c| !is_missing(c)) {
                match parse_number_as(c, format) {
                    Some(v) => {
                        integral &= v.fract() == 0.0;
                        min = min.min(v);
                        max = max.max(v);
                    }
                    None => infinite += 1,
                }
            }
            stats.numeric = true;
            stats.number_format = format;
            stats.integral = integral;
            stats.range = (min, max);
            stats.infinite = infinite;
            stats.missing += infinite;
            let numbers = present - infinite;
            stats.kind = if numbers == 0 {
                ColumnKind::Constant
            } else if integral
                && n_distinct == present
                && present >= 20
                && (max - min + 1.0) <= 1.1 * present as f64
            {
                // a run of whole numbers, one per row (1, 2, 3, ...), is a row number
                ColumnKind::Identifier
            } else {
                ColumnKind::Numeric
            };
            return stats;
        }
    }
    for format in DateFormat::ALL {
        if all_parse(cells, |c| parse_date_as(c, format).is_some()) {
            stats.date_format = Some(format);
            stats.date_ambiguous = format == DateFormat::MonthFirst
                && all_parse(cells, |c| parse_date_as(c, DateFormat::DayFirst).is_some());
            stats.kind = ColumnKind::Datetime;
            return stats;
        }
    }
    let mean_len = total_len as f64 / present as f64;
    let mean_words = 1.0 + spaces as f64 / present as f64;
    let varied = n_distinct as f64 > 0.5 * present as f64;
    stats.kind = if varied && n_distinct > 20 && (mean_words >= 6.0 || mean_len >= 50.0) {
        ColumnKind::Text
    } else if n_distinct > 20 && n_distinct as f64 > 0.9 * present as f64 {
        ColumnKind::Identifier
    } else {
        ColumnKind::Categorical
    };
    stats
}

/// Splits a column name into lowercase words (on punctuation, spaces and camelCase).
pub(crate) fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if !ch.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_uppercase() && prev_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = ch.is_lowercase() || ch.is_ascii_digit();
        word.extend(ch.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// A column's statistics with what its name tells: whole numbers in a column named like an
/// ID ("CustomerId", "hospital_number") that hardly repeat are identifiers; four-digit years in
/// a column named like a year are dates.
pub fn classify(name: &str, cells: &TextColumn) -> ColumnStats {
    let mut stats = column_stats(cells);
    if !stats.numeric
        || !stats.integral
        || !matches!(stats.kind, ColumnKind::Numeric | ColumnKind::Identifier)
    {
        return stats;
    }
    let words = name_words(name);
    let present = cells.len() - stats.missing;
    let (lo, hi) = stats.range;
    if words.iter().any(|w| w == "year" || w == "yr")
        && lo >= 1000.0
        && hi <= 2999.0
        && stats.number_format == NumberFormat::Plain
    {
        stats.kind = ColumnKind::Datetime;
        stats.date_format = Some(DateFormat::Year);
    } else if words
        .last()
        .is_some_and(|w| ["id", "number", "no", "nr", "num", "key"].contains(&w.as_str()))
        && present >= 20
        && stats.distinct as f64 >= 0.8 * present as f64
    {
        stats.kind = ColumnKind::Identifier;
    }
    stats
}

/// The schema of a table as detected.
pub fn detect_schema(table: &Table) -> Vec<ColumnSpec> {
    table
        .names
        .iter()
        .zip(&table.columns)
        .map(|(name, cells)| {
            let s = classify(name, cells);
            ColumnSpec {
                name: name.clone(),
                kind: s.kind,
                number_format: s.number_format,
                date_format: s.date_format,
            }
        })
        .collect()
}

/// The task a column implies as a target, and a question when the data cannot tell: numbers
/// with few whole values may be labels or quantities.
pub fn suggested_task(stats: &ColumnStats) -> (Task, Option<Message>) {
    if !(stats.numeric && stats.kind == ColumnKind::Numeric) {
        return (Task::Classification, None);
    }
    if stats.integral && stats.distinct <= 20 {
        let (lo, hi) = stats.range;
        let question = message!(
            "profile.task_question",
            count = stats.distinct,
            low = lo,
            high = hi
        );
        let task = if stats.distinct <= 10 {
            Task::Classification
        } else {
            Task::Regression
        };
        return (task, Some(question));
    }
    (Task::Regression, None)
}
