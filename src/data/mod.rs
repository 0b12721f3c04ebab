//! Reading a file into a [`Table`] and understanding its columns.
//! Owns: decoding (UTF-8, UTF-16, CP949/EUC-KR, Windows-1252), delimiter detection, Excel workbooks, the size
//! limit, column kinds and formats, the task a target suggests, and the data profile the page
//! shows (histograms, duplicated rows, leakage and imbalance warnings).
//! Must not: fit anything, or know about JavaScript.

use self::cells::{
    is_infinity_token, is_missing, parse_bool, parse_date_as, parse_number_as, DateFormat,
    NumberFormat,
};
use crate::error::{AutoMlError, Result};
use crate::message;
use crate::messages::{Message, Param};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

pub mod cells;
pub mod encoding;
pub mod guard;
pub mod image;
mod kinds;
mod profile;
mod read;
#[cfg(feature = "workbook")]
pub mod workbook;

pub use cells::parse_number;
pub use encoding::TextEncoding;
pub use kinds::{classify, column_stats, detect_schema, suggested_task, ColumnStats};
pub(crate) use profile::top_levels;
pub use profile::{inspect, Bar, ColumnInfo, Inspection};
pub use read::{clean_names, is_workbook, read_csv, read_table, ReadOptions};

/// The largest file accepted, in bytes (the page holds the file, its text and its table).
pub const MAX_FILE_BYTES: usize = 100 * 1024 * 1024;
/// The most columns a file may have.
pub const MAX_COLUMNS: usize = guard::MAX_COLUMNS;
/// The UTF-8 byte-order mark that starts every CSV file the engine writes (predictions,
/// forecasts): without it Excel reads a CSV file in the computer's legacy code page, and
/// Hangul or accents come out garbled.
pub const CSV_BOM: &str = "\u{feff}";
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

    /// The cells' text, one after the other.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where each cell ends in [`TextColumn::text`].
    pub fn ends(&self) -> &[usize] {
        &self.ends
    }

    /// A column from its text and the end of each cell in it, or None unless the ends rise
    /// (or stay), end at the text's length and fall on character boundaries.
    pub fn from_parts(text: String, ends: Vec<usize>) -> Option<TextColumn> {
        let mut start = 0;
        for &end in &ends {
            if end < start || !text.is_char_boundary(end) {
                return None;
            }
            start = end;
        }
        if start != text.len() {
            return None;
        }
        Some(TextColumn { text, ends })
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
    pub notes: Vec<Message>,
    /// Sheet names, for a workbook (empty for text files).
    pub sheets: Vec<String>,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
    /// The encoding a text file was read with (none for a workbook, or rows typed in).
    pub encoding: Option<TextEncoding>,
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
    /// Every kind, in the order the page's type menus list them.
    pub const ALL: [ColumnKind; 7] = [
        ColumnKind::Numeric,
        ColumnKind::Boolean,
        ColumnKind::Categorical,
        ColumnKind::Datetime,
        ColumnKind::Text,
        ColumnKind::Identifier,
        ColumnKind::Constant,
    ];

    /// A short plain name for people ("number", "yes/no", ...).
    pub fn label(self) -> &'static str {
        match self {
            ColumnKind::Numeric => "number",
            ColumnKind::Boolean => "yes/no",
            ColumnKind::Categorical => "category",
            ColumnKind::Datetime => "date/time",
            ColumnKind::Text => "text",
            ColumnKind::Identifier => "identifier",
            ColumnKind::Constant => "same in every row",
        }
    }

    /// What columns of this kind hold, and whether models use them.
    pub fn description(self) -> &'static str {
        match self {
            ColumnKind::Numeric => "numbers",
            ColumnKind::Boolean => "two values, such as yes/no or 0/1",
            ColumnKind::Categorical => "categories (labels)",
            ColumnKind::Datetime => "dates or times (used through their year, month, weekday, …)",
            ColumnKind::Text => "free text: not used by the models",
            ColumnKind::Identifier => {
                "an identifier: a different value in almost every row; not used by the models"
            }
            ColumnKind::Constant => "the same value in every row; not used by the models",
        }
    }

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

    /// The kind as a word of the message catalogue (`kind.numeric`, ...), for messages.
    pub fn message(self) -> Message {
        match self {
            ColumnKind::Numeric => message!("kind.numeric"),
            ColumnKind::Boolean => message!("kind.boolean"),
            ColumnKind::Categorical => message!("kind.categorical"),
            ColumnKind::Datetime => message!("kind.datetime"),
            ColumnKind::Text => message!("kind.text"),
            ColumnKind::Identifier => message!("kind.identifier"),
            ColumnKind::Constant => message!("kind.constant"),
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
    /// Both tasks.
    pub const ALL: [Task; 2] = [Task::Classification, Task::Regression];

    /// The metric that ranks models unless the settings choose another.
    pub fn default_metric(self) -> crate::metrics::Metric {
        match self {
            Task::Classification => crate::metrics::Metric::BalancedAccuracy,
            Task::Regression => crate::metrics::Metric::R2,
        }
    }

    /// What the task predicts, in a sentence for people.
    pub fn description(self) -> &'static str {
        match self {
            Task::Classification => {
                "Classification: predict a category (such as a species, or yes/no)."
            }
            Task::Regression => "Regression: predict a number (such as a price or a measurement).",
        }
    }

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
                reason: message!("setting.task", value = text),
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

    /// The task as a word of the message catalogue (`task.classification`, ...).
    pub fn message(self) -> Message {
        match self {
            Task::Classification => message!("task.classification"),
            Task::Regression => message!("task.regression"),
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

#[cfg(test)]
mod tests;
