//! Reading a file into a [`Table`] and understanding its columns.
//! Owns: decoding (UTF-8, UTF-16, Windows-1252), delimiter detection, Excel workbooks, the size
//! limit, column kinds and formats, the task a target suggests, and the data profile the page
//! shows (histograms, duplicated rows, leakage and imbalance warnings).
//! Must not: fit anything, or know about JavaScript.

use crate::cells::{
    is_infinity_token, is_missing, parse_bool, parse_date_as, parse_number_as, DateFormat,
    NumberFormat,
};
use crate::error::{AutoMlError, Result};
use crate::guard;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

pub use crate::cells::parse_number;

/// The largest file accepted, in bytes (the page holds the file, its text and its table).
pub const MAX_FILE_BYTES: usize = 100 * 1024 * 1024;
/// The most columns a file may have.
pub const MAX_COLUMNS: usize = guard::MAX_COLUMNS;
/// Rows shown in the preview.
pub const PREVIEW_ROWS: usize = 10;

/// One column's cells as text, stored in one buffer (a `String` per cell would cost far more
/// memory than the file itself).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextColumn {
    text: String,
    ends: Vec<usize>,
}

impl TextColumn {
    /// Appends a cell (trimmed).
    pub fn push(&mut self, cell: &str) {
        self.text.push_str(cell.trim());
        self.ends.push(self.text.len());
    }

    /// Cell `r`.
    pub fn get(&self, r: usize) -> &str {
        let start = if r == 0 { 0 } else { self.ends[r - 1] };
        &self.text[start..self.ends[r]]
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no cells.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Every cell in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(move |r| self.get(r))
    }
}

impl<S: AsRef<str>> FromIterator<S> for TextColumn {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut c = TextColumn::default();
        for s in iter {
            c.push(s.as_ref());
        }
        c
    }
}

/// A parsed file: column names and the (trimmed) text of every cell, column by column.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file's name, for messages.
    pub file: String,
    /// Column names from the header row.
    pub names: Vec<String>,
    /// The cells, one column at a time.
    pub columns: Vec<TextColumn>,
    /// What reading decided on the person's behalf (encoding fallback, skipped lines, ...).
    pub notes: Vec<String>,
    /// Sheet names, for a workbook (empty for text files).
    pub sheets: Vec<String>,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
}

impl Table {
    /// Number of data rows.
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, TextColumn::len)
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    /// Numbers (missing cells allowed).
    Numeric,
    /// Two values such as yes/no or 0/1.
    Boolean,
    /// A set of labels.
    Categorical,
    /// Dates or times; used through their parts (year, month, day, weekday, ...).
    Datetime,
    /// Free text (long, varied sentences): not used.
    Text,
    /// A different value on (almost) every row, such as a name or a row number: not used.
    Identifier,
    /// One value, or nothing at all: not used.
    Constant,
}

impl ColumnKind {
    /// Whether models use columns of this kind.
    pub fn is_used(self) -> bool {
        matches!(
            self,
            ColumnKind::Numeric
                | ColumnKind::Boolean
                | ColumnKind::Categorical
                | ColumnKind::Datetime
        )
    }

    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            ColumnKind::Numeric => "numeric",
            ColumnKind::Boolean => "boolean",
            ColumnKind::Categorical => "categorical",
            ColumnKind::Datetime => "datetime",
            ColumnKind::Text => "text",
            ColumnKind::Identifier => "identifier",
            ColumnKind::Constant => "constant",
        }
    }
}

/// The learning task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// How one column is read: its kind and, for numbers and dates, the format it is written in.
/// A list of these is the schema that new data must follow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnSpec {
    /// Header name.
    pub name: String,
    /// Kind.
    pub kind: ColumnKind,
    /// Number format (numeric columns).
    #[serde(default)]
    pub number_format: NumberFormat,
    /// Date format (datetime columns).
    #[serde(default)]
    pub date_format: Option<DateFormat>,
}

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
fn name_words(name: &str) -> Vec<String> {
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
pub fn suggested_task(stats: &ColumnStats) -> (Task, Option<String>) {
    if !(stats.numeric && stats.kind == ColumnKind::Numeric) {
        return (Task::Classification, None);
    }
    if stats.integral && stats.distinct <= 20 {
        let (lo, hi) = stats.range;
        let question = format!(
            "This column has {} different whole numbers ({lo}–{hi}). Are they categories to predict (classification) or a quantity (regression)?",
            stats.distinct
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

// ----- reading ---------------------------------------------------------------------------

/// Maps a Windows-1252 byte to its character (0x80–0x9F differ from Latin-1).
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    if (0x80..0xA0).contains(&b) {
        HIGH[(b - 0x80) as usize]
    } else {
        b as char
    }
}

fn decode_utf16(bytes: &[u8], little: bool) -> String {
    let units = bytes.chunks_exact(2).map(|p| {
        if little {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    char::decode_utf16(units)
        .map(|r| r.unwrap_or('\u{fffd}'))
        .collect()
}

/// Decodes text: UTF-8 (dropping a byte-order mark), UTF-16 with a byte-order mark, or
/// Windows-1252 with a note.
fn decode(bytes: &[u8], file: &str, notes: &mut Vec<String>) -> Result<String> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        notes.push(format!("\"{file}\" is UTF-16 text; it was converted."));
        return Ok(decode_utf16(rest, true));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        notes.push(format!("\"{file}\" is UTF-16 text; it was converted."));
        return Ok(decode_utf16(rest, false));
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
            notes.push(format!("\"{file}\" is not UTF-8 text; it was read as Windows-1252 (Western European). If accents look wrong, save the file as UTF-8."));
            Ok(bytes.iter().map(|&b| cp1252(b)).collect())
        }
    }
}

/// Splits a line into fields on `delimiter`, honouring double quotes (enough to count fields).
fn count_fields(line: &str, delimiter: char) -> usize {
    let mut n = 1;
    let mut quoted = false;
    for ch in line.chars() {
        if ch == '"' {
            quoted = !quoted;
        } else if ch == delimiter && !quoted {
            n += 1;
        }
    }
    n
}

/// Picks the delimiter (comma, semicolon, tab or pipe) that splits the first lines into the
/// same number of fields, more than one; ties go to the one giving more fields.
fn detect_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let mut best = (b',', 0usize, false);
    for d in [',', ';', '\t', '|'] {
        let counts: Vec<usize> = lines.iter().map(|l| count_fields(l, d)).collect();
        let header = counts.first().copied().unwrap_or(1);
        if header < 2 {
            continue;
        }
        let consistent = counts.iter().all(|&c| c == header);
        let better = (consistent && !best.2) || (consistent == best.2 && header > best.1);
        if better {
            best = (d as u8, header, consistent);
        }
    }
    best.0
}

/// Options for reading a file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReadOptions {
    /// For a workbook, the sheet to read. By default, the first.
    pub sheet: Option<String>,
}

/// Reads a CSV/TSV text file or an Excel workbook with default options.
pub fn read_csv(bytes: &[u8], file: &str) -> Result<Table> {
    read_table(bytes, file, &ReadOptions::default(), &mut |_| {})
}

fn is_workbook(bytes: &[u8], file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
        || [".xlsx", ".xlsm", ".xls", ".ods"]
            .iter()
            .any(|e| lower.ends_with(e))
}

/// Reads a file: delimited text (delimiter detected) or an Excel/OpenDocument workbook.
/// `progress` is called with the share of the file read so far, now and then.
pub fn read_table(
    bytes: &[u8],
    file: &str,
    options: &ReadOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<Table> {
    if bytes.is_empty() {
        return Err(AutoMlError::EmptyFile { file: file.into() });
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AutoMlError::TooLarge {
            file: file.into(),
            bytes: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    if is_workbook(bytes, file) {
        return crate::workbook::read_workbook(bytes, file, options.sheet.as_deref(), progress);
    }
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
    let raw_names: Vec<String> = header.iter().map(str::to_string).collect();
    let names = clean_names(raw_names, file, &mut notes)?;
    let width = names.len();
    let mut columns: Vec<TextColumn> = vec![TextColumn::default(); width];
    let mut blank = 0usize;
    let mut record = csv::StringRecord::new();
    let total = text.len().max(1) as f64;
    let mut rows = 0usize;
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
            col.push(field);
        }
        rows += 1;
        if rows.is_multiple_of(20_000) {
            progress(record.position().map_or(0.0, |p| p.byte() as f64 / total));
        }
    }
    progress(1.0);
    if blank > 0 {
        notes.push(format!("{blank} empty line(s) were skipped."));
    }
    if delimiter != b',' {
        let name = match delimiter {
            b';' => "semicolons",
            b'\t' => "tabs",
            _ => "pipes (|)",
        };
        notes.push(format!("Fields are separated by {name}."));
    }
    if columns.first().is_none_or(TextColumn::is_empty) {
        return Err(AutoMlError::NoDataRows { file: file.into() });
    }
    Ok(Table {
        file: file.into(),
        names,
        columns,
        notes,
        sheets: Vec::new(),
        sheet: None,
    })
}

/// Trims header names, names empty ones `column_N` (with a note) and refuses duplicates and
/// too many columns.
pub fn clean_names(raw: Vec<String>, file: &str, notes: &mut Vec<String>) -> Result<Vec<String>> {
    if raw.len() > MAX_COLUMNS {
        return Err(AutoMlError::TooManyColumns {
            file: file.into(),
            columns: raw.len(),
            limit: MAX_COLUMNS,
        });
    }
    let mut names: Vec<String> = Vec::with_capacity(raw.len());
    let mut seen: HashSet<String> = HashSet::new();
    let mut unnamed = Vec::new();
    for (i, raw) in raw.iter().enumerate() {
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
    if !unnamed.is_empty() {
        let shown: Vec<String> = unnamed.iter().take(5).map(|i| i.to_string()).collect();
        let more = if unnamed.len() > 5 { ", …" } else { "" };
        notes.push(format!(
            "{} column(s) have no name (column {}{more}); they are called \"column_N\".",
            unnamed.len(),
            shown.join(", ")
        ));
    }
    Ok(names)
}

// ----- the profile -----------------------------------------------------------------------

/// One bar of a column's histogram.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bar {
    /// What the bar counts: a range of numbers or dates, or a label.
    pub label: String,
    /// Rows.
    pub count: usize,
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
    /// Missing cells as a share of rows.
    pub missing_share: f64,
    /// Distinct non-missing values.
    pub distinct: usize,
    /// The task this column implies if chosen as target.
    pub suggested_task: Task,
    /// A question to ask when the task cannot be told from the data.
    pub task_question: Option<String>,
    /// How numbers or dates are written, when it is not plain.
    pub format: Option<String>,
    /// A small histogram (numbers, dates) or the most frequent values (labels).
    pub histogram: Vec<Bar>,
}

/// A description of a file for the page: its columns, first rows and warnings.
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
    /// Problems worth a look (duplicated rows, mostly empty columns, ...).
    pub warnings: Vec<String>,
    /// Rows that repeat an earlier row exactly.
    pub duplicate_rows: usize,
    /// Sheet names, for a workbook.
    pub sheets: Vec<String>,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
}

fn short_number(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if (1e-3..1e6).contains(&a) {
        let digits = (3 - a.log10().floor() as i32).clamp(0, 6) as usize;
        let s = format!("{v:.digits$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        format!("{v:.2e}")
    }
}

fn equal_width_bars(values: &[f64], bins: usize, label: impl Fn(f64) -> String) -> Vec<Bar> {
    let (min, max) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    if values.is_empty() || !min.is_finite() {
        return Vec::new();
    }
    let width = (max - min) / bins as f64;
    if width <= 0.0 {
        return vec![Bar {
            label: label(min),
            count: values.len(),
        }];
    }
    let mut counts = vec![0usize; bins];
    for &v in values {
        counts[(((v - min) / width) as usize).min(bins - 1)] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, count)| Bar {
            label: format!(
                "{} – {}",
                label(min + width * i as f64),
                label(min + width * (i + 1) as f64)
            ),
            count,
        })
        .collect()
}

fn top_levels(cells: &TextColumn, shown: usize) -> Vec<Bar> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for c in cells.iter().filter(|c| !is_missing(c)) {
        *counts.entry(c).or_default() += 1;
    }
    let mut levels: Vec<(&str, usize)> = counts.into_iter().collect();
    levels.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    // a few numbers read best in their own order
    if levels.len() <= shown && levels.iter().all(|l| parse_number(l.0).is_some()) {
        levels.sort_by(|a, b| {
            parse_number(a.0)
                .unwrap_or(0.0)
                .total_cmp(&parse_number(b.0).unwrap_or(0.0))
        });
    }
    let other: usize = levels.iter().skip(shown).map(|l| l.1).sum();
    let mut bars: Vec<Bar> = levels
        .iter()
        .take(shown)
        .map(|(l, c)| Bar {
            label: l.to_string(),
            count: *c,
        })
        .collect();
    if other > 0 {
        bars.push(Bar {
            label: format!("{} others", levels.len() - shown),
            count: other,
        });
    }
    bars
}

fn histogram(cells: &TextColumn, stats: &ColumnStats) -> Vec<Bar> {
    match stats.kind {
        ColumnKind::Numeric => {
            let values: Vec<f64> = cells
                .iter()
                .filter_map(|c| parse_number_as(c, stats.number_format))
                .collect();
            if stats.integral && stats.distinct <= 12 {
                top_levels(cells, 12)
            } else {
                equal_width_bars(&values, 12, short_number)
            }
        }
        ColumnKind::Datetime => {
            let format = stats.date_format.unwrap_or(DateFormat::Iso);
            let values: Vec<f64> = cells
                .iter()
                .filter_map(|c| parse_date_as(c, format))
                .map(|d| d.seconds / 86_400.0)
                .collect();
            equal_width_bars(&values, 12, |days| {
                let (y, m, d) = crate::cells::civil_from_days(days.floor() as i64);
                format!("{y:04}-{m:02}-{d:02}")
            })
        }
        ColumnKind::Boolean | ColumnKind::Categorical => top_levels(cells, 8),
        _ => Vec::new(),
    }
}

fn duplicate_rows(table: &Table) -> usize {
    let mut seen: HashSet<u64> = HashSet::with_capacity(table.n_rows());
    let mut duplicates = 0;
    for r in 0..table.n_rows() {
        // FNV-1a over the row's cells, with a separator between them
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for col in &table.columns {
            for b in col.get(r).bytes().chain(std::iter::once(0x1f)) {
                h ^= b as u64;
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        if !seen.insert(h) {
            duplicates += 1;
        }
    }
    duplicates
}

/// Describes a table for the page.
pub fn inspect(table: &Table) -> Inspection {
    let n_rows = table.n_rows();
    let mut warnings = Vec::new();
    let mut notes = table.notes.clone();
    let columns: Vec<ColumnInfo> = table
        .names
        .iter()
        .zip(&table.columns)
        .map(|(name, cells)| {
            let stats = classify(name, cells);
            let (task, question) = suggested_task(&stats);
            let format = match (stats.kind, stats.number_format, stats.date_format) {
                (ColumnKind::Numeric, f, _) if f != NumberFormat::Plain => Some(f.describe().to_string()),
                (ColumnKind::Datetime, _, Some(f)) => Some(f.describe().to_string()),
                _ => None,
            };
            if let Some(f) = &format {
                notes.push(format!("Column \"{name}\" was read as {f}."));
            }
            if stats.date_ambiguous {
                notes.push(format!("Dates in \"{name}\" fit both month/day/year and day/month/year; they were read as month/day/year. Change the column's type if that is wrong."));
            }
            if stats.infinite > 0 {
                notes.push(format!("Column \"{name}\": {} infinite value(s) will be treated as missing.", stats.infinite));
            }
            let missing_share = if n_rows == 0 { 0.0 } else { stats.missing as f64 / n_rows as f64 };
            if missing_share > 0.5 && stats.kind != ColumnKind::Constant {
                warnings.push(format!("Column \"{name}\" is {:.0}% empty.", missing_share * 100.0));
            }
            ColumnInfo {
                name: name.clone(),
                kind: stats.kind,
                missing: stats.missing,
                missing_share,
                distinct: stats.distinct,
                suggested_task: task,
                task_question: question,
                format,
                histogram: histogram(cells, &stats),
            }
        })
        .collect();
    let duplicates = duplicate_rows(table);
    if duplicates > 0 {
        warnings.push(format!(
            "{duplicates} row(s) repeat an earlier row exactly. Duplicates can make cross-validated scores look better than they are; remove them if they are not real repeats."
        ));
    }
    let preview = (0..n_rows.min(PREVIEW_ROWS))
        .map(|r| table.columns.iter().map(|c| c.get(r).to_string()).collect())
        .collect();
    Inspection {
        file_name: table.file.clone(),
        n_rows,
        n_cols: table.names.len(),
        columns,
        preview,
        default_target: table.names.len().saturating_sub(1),
        notes,
        warnings,
        duplicate_rows: duplicates,
        sheets: table.sheets.clone(),
        sheet: table.sheet.clone(),
    }
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
    pub warnings: Vec<String>,
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
                    warnings.push(format!(
                        "The classes are imbalanced: \"{}\" is {:.1}% of rows, \"{}\" {:.1}%. Always predicting \"{}\" already scores {:.1}% accuracy; compare models with that in mind.",
                        labels[small],
                        share * 100.0,
                        labels[big],
                        totals[big] as f64 / n * 100.0,
                        labels[big],
                        totals[big] as f64 / n * 100.0
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
                warnings.push(format!(
                    "Column \"{}\" alone predicts \"{name}\" almost perfectly ({:.1}%). If it is only known after the outcome (a leak), exclude it, or the scores will be too good to be true.",
                    spec.name,
                    score * 100.0
                ));
            }
        }
    }
    // what the run itself would refuse, said now
    if let Err(e) = crate::target::prepare_target(table, target, task) {
        warnings.insert(0, format!("{e} {}", e.hint()));
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
            sorted.sort_by(f64::total_cmp);
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

    fn read(text: &str) -> Result<Table> {
        read_csv(text.as_bytes(), "t.csv")
    }

    fn col(v: &[&str]) -> ColumnStats {
        column_stats(&v.iter().collect::<TextColumn>())
    }

    #[test]
    fn reads_quoted_fields_bom_crlf_and_semicolons() {
        let t = read("\u{feff}a;b;c\r\n1;\"x;y\";2,5\r\n3;\"line\nbreak\";4\r\n\r\n").unwrap();
        assert_eq!(t.names, ["a", "b", "c"]);
        assert_eq!(
            t.columns[1].iter().collect::<Vec<_>>(),
            ["x;y", "line\nbreak"]
        );
        assert_eq!(t.n_rows(), 2);
    }

    #[test]
    fn detects_tabs_and_pipes_and_prefers_consistent_splits() {
        assert_eq!(read("a\tb\n1,5\t2\n").unwrap().names, ["a", "b"]);
        assert_eq!(read("a|b|c\n1|2|3\n").unwrap().names, ["a", "b", "c"]);
        // commas inside a semicolon file's numbers do not win
        let t = read("x;y\n1,5;2,5\n3,25;4\n").unwrap();
        assert_eq!(t.names, ["x", "y"]);
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
    }

    #[test]
    fn empty_header_only_binary_and_duplicate_names_are_refused() {
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
        let t = read("a,,c\n1,2,3\n").unwrap();
        assert_eq!(t.names, ["a", "column_2", "c"]);
    }

    #[test]
    fn windows_1252_and_utf16_decode_with_a_note() {
        let t = read_csv(b"name,v\ncaf\xe9 \x80,1\n", "l.csv").unwrap();
        assert_eq!(t.columns[0].get(0), "café €");
        assert!(t.notes[0].contains("Windows-1252"));
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "a,b\n1,2\n".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        let t = read_csv(&utf16, "u.csv").unwrap();
        assert_eq!(
            (t.names.clone(), t.columns[1].get(0)),
            (vec!["a".to_string(), "b".to_string()], "2")
        );
    }

    #[test]
    fn column_kinds() {
        assert_eq!(col(&["1.5", "2", "NA", "3"]).kind, ColumnKind::Numeric);
        assert_eq!(col(&["1.5", "2", "NA", "3"]).missing, 1);
        assert_eq!(col(&["a", "b", "a", "?"]).kind, ColumnKind::Categorical);
        assert_eq!(col(&["a", "a", ""]).kind, ColumnKind::Constant);
        assert_eq!(col(&["", "NA"]).kind, ColumnKind::Constant);
        assert_eq!(col(&["yes", "no", "Yes"]).kind, ColumnKind::Categorical); // three spellings
        assert_eq!(col(&["yes", "no", "no"]).kind, ColumnKind::Boolean);
        assert_eq!(col(&["0", "1", "1"]).kind, ColumnKind::Boolean);
        let ids: Vec<String> = (1..=30).map(|i| i.to_string()).collect();
        assert_eq!(
            column_stats(&ids.iter().collect()).kind,
            ColumnKind::Identifier
        );
        let names: Vec<String> = (1..=30).map(|i| format!("name{i}")).collect();
        assert_eq!(
            column_stats(&names.iter().collect()).kind,
            ColumnKind::Identifier
        );
        let text: Vec<String> = (1..=30)
            .map(|i| format!("this is a long free text sentence number {i}"))
            .collect();
        assert_eq!(column_stats(&text.iter().collect()).kind, ColumnKind::Text);
        let inf = col(&["1", "inf", "2"]);
        assert_eq!(
            (inf.kind, inf.missing, inf.infinite),
            (ColumnKind::Numeric, 1, 1)
        );
        let dates = col(&["2024-01-05", "2024-02-05", "NA", "2023-12-31"]);
        assert_eq!(
            (dates.kind, dates.date_format),
            (ColumnKind::Datetime, Some(DateFormat::Iso))
        );
        let months = col(&["1949-01", "1949-02", "1949-03"]);
        assert_eq!(months.date_format, Some(DateFormat::YearMonth));
        let dmy = col(&["13/02/2024", "01/03/2024"]);
        assert_eq!(dmy.date_format, Some(DateFormat::DayFirst));
        let mdy = col(&["02/03/2024", "01/03/2024"]);
        assert_eq!(
            (mdy.date_format, mdy.date_ambiguous),
            (Some(DateFormat::MonthFirst), true)
        );
    }

    #[test]
    fn names_tell_identifiers_and_years() {
        assert_eq!(name_words("CustomerId"), ["customer", "id"]);
        assert_eq!(name_words("hospital_number"), ["hospital", "number"]);
        assert_eq!(name_words("paid"), ["paid"]);
        let scattered: TextColumn = (0..30).map(|i| (1000 + i * 37).to_string()).collect();
        assert_eq!(
            classify("CustomerId", &scattered).kind,
            ColumnKind::Identifier
        );
        assert_eq!(classify("paid", &scattered).kind, ColumnKind::Numeric);
        let years: TextColumn = (1700..1730).map(|y| y.to_string()).collect();
        let s = classify("Year", &years);
        assert_eq!(
            (s.kind, s.date_format),
            (ColumnKind::Datetime, Some(DateFormat::Year))
        );
        assert_eq!(classify("count", &years).kind, ColumnKind::Identifier);
    }

    #[test]
    fn numbers_with_separators_when_the_whole_column_agrees() {
        let s = col(&["1,234.5", "12", "3,000"]);
        assert_eq!(
            (s.kind, s.number_format),
            (ColumnKind::Numeric, NumberFormat::ThousandsComma)
        );
        let s = col(&["3,14", "2,5", "10"]);
        assert_eq!(
            (s.kind, s.number_format),
            (ColumnKind::Numeric, NumberFormat::DecimalComma)
        );
        let s = col(&["1.234,5", "7,25"]);
        assert_eq!(s.number_format, NumberFormat::DecimalComma);
        assert_eq!(col(&["3,14", "abc"]).kind, ColumnKind::Categorical);
    }

    #[test]
    fn suggested_tasks_ask_about_few_whole_numbers() {
        assert_eq!(
            suggested_task(&col(&["0", "1", "1", "0"])).0,
            Task::Classification
        );
        assert_eq!(
            suggested_task(&col(&["0.5", "1", "1", "0"])),
            (Task::Regression, None)
        );
        assert_eq!(
            suggested_task(&col(&["yes", "no"])),
            (Task::Classification, None)
        );
        let (task, question) = suggested_task(&col(&["3", "4", "5", "6", "7"]));
        assert_eq!(task, Task::Classification);
        assert!(question
            .unwrap()
            .contains("5 different whole numbers (3–7)"));
    }

    #[test]
    fn profile_counts_duplicates_and_draws_histograms() {
        let t = read("x,c\n1,a\n2,b\n1,a\n4,a\n").unwrap();
        let ins = inspect(&t);
        assert_eq!(ins.duplicate_rows, 1);
        assert_eq!(ins.warnings.len(), 1);
        let bars = &ins.columns[1].histogram;
        assert_eq!((bars[0].label.as_str(), bars[0].count), ("a", 3));
        let total: usize = ins.columns[0].histogram.iter().map(|b| b.count).sum();
        assert_eq!(total, 4);
    }

    #[test]
    fn leakage_and_imbalance_warnings() {
        let mut text = String::from("leak,noise,y\n");
        for i in 0..100 {
            let y = if i % 10 == 0 { "rare" } else { "common" };
            text.push_str(&format!(
                "{},{},{y}\n",
                if y == "rare" { "A" } else { "B" },
                (i * 37) % 11
            ));
        }
        let t = read(&text).unwrap();
        let schema = detect_schema(&t);
        let check = check_target(&t, 2, Task::Classification, &schema);
        assert!(
            check
                .warnings
                .iter()
                .any(|w| w.contains("\"leak\" alone predicts")),
            "{:?}",
            check.warnings
        );
        assert!(
            !check.warnings.iter().any(|w| w.contains("\"noise\"")),
            "{:?}",
            check.warnings
        );
        assert!(
            check.warnings.iter().any(|w| w.contains("imbalanced")),
            "{:?}",
            check.warnings
        );
        assert_eq!(check.class_counts[0].count, 90);
    }

    #[test]
    fn target_checks_say_what_the_run_would_refuse() {
        let t = read("x,name\n1,a\n2,b\n3,c\n4,d\n5,e\n6,f\n7,g\n8,h\n9,i\n10,j\n11,k\n").unwrap();
        let check = check_target(&t, 1, Task::Regression, &detect_schema(&t));
        assert!(
            check.warnings[0].contains("\"a\", which is not a number"),
            "{:?}",
            check.warnings
        );
        // many classes of one row each: no imbalance warning, but the single-row classes
        let check = check_target(&t, 1, Task::Classification, &detect_schema(&t));
        assert_eq!(check.warnings.len(), 1, "{:?}", check.warnings);
        assert!(
            check.warnings[0].contains("occur on a single row"),
            "{:?}",
            check.warnings
        );
    }

    #[test]
    fn few_numbers_are_listed_in_their_order() {
        let t = read("k,y\n3,a\n1,b\n3,a\n2,b\n3,a\n").unwrap();
        let labels: Vec<String> = inspect(&t).columns[0]
            .histogram
            .iter()
            .map(|b| b.label.clone())
            .collect();
        assert_eq!(labels, ["1", "2", "3"]);
    }
}
