//! Reading delimited text into a [`Table`] and describing its columns.
//! Owns: decoding, delimiter detection, missing-value tokens, column kinds and the task a
//! column suggests as a target. Must not: fit anything, or know about JavaScript.

use crate::error::{AutoMlError, Result};
use crate::guard;
use serde::Serialize;
use std::collections::HashSet;

/// A parsed file: column names and the raw (trimmed) text of every cell, column by column.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file's name, for messages.
    pub file: String,
    /// Column names from the header row.
    pub names: Vec<String>,
    /// `columns[c][r]` is the text of row `r` in column `c`.
    pub columns: Vec<Vec<String>>,
    /// What reading decided on the person's behalf (encoding fallback, skipped lines, ...).
    pub notes: Vec<String>,
}

impl Table {
    /// Number of data rows.
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }

    /// Position of the column called `name`, or an error listing the names that exist.
    pub fn column_index(&self, name: &str) -> Result<usize> {
        self.names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| AutoMlError::UnknownColumn {
                name: name.to_string(),
                available: self.names.clone(),
            })
    }
}

/// What kind of values a column holds, and so how it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    /// Numbers (missing cells allowed).
    Numeric,
    /// A small set of labels, one-hot encoded.
    Categorical,
    /// A different value on (almost) every row, such as a name or a row number: not used.
    Identifier,
    /// One value, or nothing at all: not used.
    Constant,
}

/// The learning task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    /// Predict a label.
    Classification,
    /// Predict a number.
    Regression,
}

impl Task {
    /// Parses "classification" or "regression" (also "class"/"regr" prefixes).
    pub fn parse(text: &str) -> Result<Task> {
        let t = text.trim().to_ascii_lowercase();
        if t.starts_with("class") {
            Ok(Task::Classification)
        } else if t.starts_with("regr") {
            Ok(Task::Regression)
        } else {
            Err(AutoMlError::BadSetting {
                name: "task".into(),
                detail: format!("\"{text}\" is not \"classification\" or \"regression\""),
            })
        }
    }

    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Task::Classification => "classification",
            Task::Regression => "regression",
        }
    }
}

/// One column as the page shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnInfo {
    /// Header name.
    pub name: String,
    /// Detected kind.
    pub kind: ColumnKind,
    /// Missing cells.
    pub missing: usize,
    /// Distinct non-missing values.
    pub distinct: usize,
    /// The task this column implies if chosen as target.
    pub suggested_task: Task,
}

/// A description of a file for the page: its columns and first rows.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    /// The file's name.
    pub file_name: String,
    /// Data rows.
    pub n_rows: usize,
    /// Columns.
    pub n_cols: usize,
    /// Each column's description.
    pub columns: Vec<ColumnInfo>,
    /// The first rows, as text.
    pub preview: Vec<Vec<String>>,
    /// The column preselected as target: the last one.
    pub default_target: usize,
    /// What reading decided on the person's behalf.
    pub notes: Vec<String>,
}

/// Rows shown in the preview.
pub const PREVIEW_ROWS: usize = 10;

/// Cell texts that mean "no value" (compared case-insensitively, after trimming).
pub const MISSING_TOKENS: [&str; 8] = ["", "na", "n/a", "nan", "null", "none", "?", "-"];

/// Whether a cell's text means "no value".
pub fn is_missing(cell: &str) -> bool {
    let c = cell.trim();
    c.is_empty() || MISSING_TOKENS.iter().any(|t| c.eq_ignore_ascii_case(t))
}

/// A cell's numeric value: `Some` for a finite number, `None` otherwise.
pub fn parse_number(cell: &str) -> Option<f64> {
    let c = cell.trim();
    let c = c.strip_prefix('+').unwrap_or(c);
    match c.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => None,
    }
}

fn is_infinity_token(cell: &str) -> bool {
    let c = cell.trim().trim_start_matches(['+', '-']);
    c.eq_ignore_ascii_case("inf") || c.eq_ignore_ascii_case("infinity")
}

/// Decodes bytes as UTF-8 (dropping a byte-order mark), falling back to Latin-1 with a note.
fn decode(bytes: &[u8], file: &str, notes: &mut Vec<String>) -> Result<String> {
    if bytes.is_empty() {
        return Err(AutoMlError::EmptyFile { file: file.into() });
    }
    let head = &bytes[..bytes.len().min(8192)];
    let nul = head.iter().filter(|&&b| b == 0).count();
    let control = head
        .iter()
        .filter(|&&b| b < 0x09 || (0x0e..0x20).contains(&b))
        .count();
    if nul > 0 || control * 100 > head.len() {
        return Err(AutoMlError::NotText {
            file: file.into(),
            detail: format!(
                "{} of its first {} bytes are control characters",
                nul.max(control),
                head.len()
            ),
        });
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => {
            notes.push(format!(
                "\"{file}\" is not UTF-8 text; it was read as Latin-1."
            ));
            Ok(bytes.iter().map(|&b| b as char).collect())
        }
    }
}

/// Picks the delimiter that splits the header line into the most fields.
fn detect_delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t', b'|'] {
        let n = header.bytes().filter(|&b| b == d).count();
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

/// Reads delimited text (comma, semicolon, tab or pipe, detected from the header).
pub fn read_csv(bytes: &[u8], file: &str) -> Result<Table> {
    let mut notes = Vec::new();
    let bytes = guard::transcode_utf16(bytes, file, &mut notes);
    guard::check_bytes(&bytes, file)?;
    let text = decode(&bytes, file, &mut notes)?;
    if text.trim().is_empty() {
        return Err(AutoMlError::EmptyFile { file: file.into() });
    }
    let delimiter = detect_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| AutoMlError::Csv {
        file: file.into(),
        line: e.position().map(|p| p.line()),
        detail: e.to_string(),
    };
    let header = reader.headers().map_err(csv_error)?.clone();
    guard::check_header(&header, file)?;
    let mut names: Vec<String> = Vec::with_capacity(header.len());
    let mut seen: HashSet<String> = HashSet::with_capacity(header.len());
    let mut unnamed: Vec<usize> = Vec::new();
    for (i, raw) in header.iter().enumerate() {
        let name = raw.trim();
        let name = if name.is_empty() {
            unnamed.push(i + 1);
            format!("column_{}", i + 1)
        } else {
            name.to_string()
        };
        if !seen.insert(name.clone()) {
            return Err(AutoMlError::DuplicateColumn {
                file: file.into(),
                name,
            });
        }
        names.push(name);
    }
    match unnamed.as_slice() {
        [] => {}
        [one] => notes.push(format!(
            "Column {one} has no name; it is called \"column_{one}\"."
        )),
        [first, .., last] => notes.push(format!(
            "{} columns have no name (the first is column {first}, the last column {last}); each is called \"column_\" and its position.",
            unnamed.len()
        )),
    }
    let width = names.len();
    let mut columns: Vec<Vec<String>> = vec![Vec::new(); width];
    let mut blank = 0usize;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(e)),
        }
        guard::check_record(&record, width, file)?;
        if record.iter().all(|f| f.trim().is_empty()) {
            blank += 1;
            continue;
        }
        if record.len() != width {
            return Err(AutoMlError::RaggedRow {
                file: file.into(),
                line: record.position().map_or(0, |p| p.line()),
                found: record.len(),
                expected: width,
            });
        }
        for (col, field) in columns.iter_mut().zip(record.iter()) {
            col.push(field.trim().to_string());
        }
    }
    if blank > 0 {
        notes.push(format!("{blank} empty line(s) were skipped."));
    }
    if columns.first().is_none_or(Vec::is_empty) {
        return Err(AutoMlError::NoDataRows { file: file.into() });
    }
    Ok(Table {
        file: file.into(),
        names,
        columns,
        notes,
    })
}

/// Facts about one column's values, from which its kind and suggested task follow.
#[derive(Debug, Clone)]
pub struct ColumnStats {
    /// Missing cells (including infinities in a numeric column).
    pub missing: usize,
    /// Distinct non-missing texts.
    pub distinct: usize,
    /// Whether every non-missing cell is a number.
    pub numeric: bool,
    /// Whether every number is a whole number.
    pub integral: bool,
    /// Cells holding an infinity (counted as missing in a numeric column).
    pub infinite: usize,
    /// The detected kind.
    pub kind: ColumnKind,
}

/// Computes a column's statistics and kind.
pub fn column_stats(cells: &[String]) -> ColumnStats {
    let mut missing = 0;
    let mut infinite = 0;
    let mut numeric = true;
    let mut integral = true;
    let mut distinct: HashSet<&str> = HashSet::new();
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    for cell in cells {
        if is_missing(cell) {
            missing += 1;
            continue;
        }
        distinct.insert(cell.as_str());
        if numeric {
            match parse_number(cell) {
                Some(v) => {
                    integral &= v.fract() == 0.0;
                    min = min.min(v);
                    max = max.max(v);
                }
                None if is_infinity_token(cell) => infinite += 1,
                None => numeric = false,
            }
        }
    }
    let present = cells.len() - missing;
    if numeric {
        missing += infinite;
    } else {
        infinite = 0;
    }
    let present_numbers = cells.len() - missing;
    let distinct = distinct.len();
    let kind = if present_numbers == 0 || distinct <= 1 {
        ColumnKind::Constant
    } else if numeric {
        // A run of whole numbers, one per row (1, 2, 3, ...), is a row number, not a measurement.
        let sequential = integral
            && distinct == present
            && present >= 20
            && (max - min + 1.0) <= 1.1 * present as f64;
        if sequential {
            ColumnKind::Identifier
        } else {
            ColumnKind::Numeric
        }
    } else if distinct > 20 && distinct as f64 > 0.9 * present as f64 {
        ColumnKind::Identifier
    } else {
        ColumnKind::Categorical
    };
    ColumnStats {
        missing,
        distinct,
        numeric,
        integral,
        infinite,
        kind,
    }
}

/// The task a column implies as a target: numbers with few whole values are labels.
pub fn suggested_task(stats: &ColumnStats) -> Task {
    if stats.numeric && !(stats.integral && stats.distinct <= 10) {
        Task::Regression
    } else {
        Task::Classification
    }
}

/// Describes a table for the page.
pub fn inspect(table: &Table) -> Inspection {
    let columns: Vec<ColumnInfo> = table
        .names
        .iter()
        .zip(&table.columns)
        .map(|(name, cells)| {
            let stats = column_stats(cells);
            ColumnInfo {
                name: name.clone(),
                kind: stats.kind,
                missing: stats.missing,
                distinct: stats.distinct,
                suggested_task: suggested_task(&stats),
            }
        })
        .collect();
    let n_rows = table.n_rows();
    let preview = (0..n_rows.min(PREVIEW_ROWS))
        .map(|r| table.columns.iter().map(|c| c[r].clone()).collect())
        .collect();
    Inspection {
        file_name: table.file.clone(),
        n_rows,
        n_cols: table.names.len(),
        columns,
        preview,
        default_target: table.names.len().saturating_sub(1),
        notes: table.notes.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Table> {
        read_csv(text.as_bytes(), "t.csv")
    }

    #[test]
    fn reads_quoted_fields_bom_crlf_and_semicolons() {
        let t = read("\u{feff}a;b;c\r\n1;\"x;y\";2,5\r\n3;\"line\nbreak\";4\r\n\r\n").unwrap();
        assert_eq!(t.names, ["a", "b", "c"]);
        assert_eq!(t.columns[1], ["x;y", "line\nbreak"]);
        assert_eq!(t.n_rows(), 2);
    }

    #[test]
    fn ragged_row_names_the_line() {
        let e = read("a,b\n1,2\n3\n").unwrap_err();
        assert_eq!(
            e,
            AutoMlError::RaggedRow {
                file: "t.csv".into(),
                line: 3,
                found: 1,
                expected: 2
            }
        );
        assert!(e.to_string().contains("Line 3"));
    }

    #[test]
    fn empty_header_only_and_binary_files_are_refused() {
        assert!(matches!(
            read("").unwrap_err(),
            AutoMlError::EmptyFile { .. }
        ));
        assert!(matches!(
            read("a,b\n").unwrap_err(),
            AutoMlError::NoDataRows { .. }
        ));
        assert!(matches!(
            read_csv(&[0, 1, 2, 3, 0, 159, 146, 150], "x.bin").unwrap_err(),
            AutoMlError::NotText { .. }
        ));
        assert!(matches!(
            read("a,a\n1,2\n").unwrap_err(),
            AutoMlError::DuplicateColumn { .. }
        ));
    }

    #[test]
    fn latin1_falls_back_with_a_note() {
        let t = read_csv(b"name,v\ncaf\xe9,1\n", "l.csv").unwrap();
        assert_eq!(t.columns[0][0], "café");
        assert_eq!(t.notes.len(), 1);
    }

    #[test]
    fn column_kinds() {
        let col = |v: &[&str]| column_stats(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(col(&["1.5", "2", "NA", "3"]).kind, ColumnKind::Numeric);
        assert_eq!(col(&["1.5", "2", "NA", "3"]).missing, 1);
        assert_eq!(col(&["a", "b", "a", "?"]).kind, ColumnKind::Categorical);
        assert_eq!(col(&["a", "a", ""]).kind, ColumnKind::Constant);
        assert_eq!(col(&["", "NA"]).kind, ColumnKind::Constant);
        let ids: Vec<String> = (1..=30).map(|i| i.to_string()).collect();
        assert_eq!(column_stats(&ids).kind, ColumnKind::Identifier);
        let names: Vec<String> = (1..=30).map(|i| format!("name {i}")).collect();
        assert_eq!(column_stats(&names).kind, ColumnKind::Identifier);
        let inf = col(&["1", "inf", "2"]);
        assert_eq!(
            (inf.kind, inf.missing, inf.infinite),
            (ColumnKind::Numeric, 1, 1)
        );
    }

    #[test]
    fn suggested_tasks() {
        let col = |v: &[&str]| column_stats(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            suggested_task(&col(&["0", "1", "1", "0"])),
            Task::Classification
        );
        assert_eq!(
            suggested_task(&col(&["0.5", "1", "1", "0"])),
            Task::Regression
        );
        assert_eq!(suggested_task(&col(&["yes", "no"])), Task::Classification);
    }
}
