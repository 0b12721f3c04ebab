//! The core's one error type. Every variant carries what a person needs to fix the problem:
//! the file, row, column or value at fault, and `hint()` gives one line on what to do.
//! This module must not know about JavaScript or the terminal.

use std::fmt;

/// Everything that can go wrong between reading a file and finishing a search.
#[derive(Debug, Clone, PartialEq)]
pub enum AutoMlError {
    /// The file has no bytes at all.
    EmptyFile {
        /// The file's name as the person gave it.
        file: String,
    },
    /// The file has a header but no data rows.
    NoDataRows {
        /// The file's name.
        file: String,
    },
    /// The file is larger than the page can safely hold.
    TooLarge {
        /// The file's name.
        file: String,
        /// Its size in bytes.
        bytes: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The file has more columns than can be handled.
    TooManyColumns {
        /// The file's name.
        file: String,
        /// Columns in the header.
        columns: usize,
        /// The limit.
        limit: usize,
    },
    /// The file does not look like delimited text (binary data, for example).
    NotText {
        /// The file's name.
        file: String,
        /// What was seen.
        detail: String,
    },
    /// The CSV reader failed at a given row.
    Csv {
        /// The file's name.
        file: String,
        /// 1-based line number in the file, where known.
        line: Option<u64>,
        /// The reader's own words.
        detail: String,
    },
    /// A row with a different number of fields than the header.
    RaggedRow {
        /// The file's name.
        file: String,
        /// 1-based line number in the file.
        line: u64,
        /// Fields in that row.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },
    /// Two columns share a name.
    DuplicateColumn {
        /// The file's name.
        file: String,
        /// The repeated name.
        name: String,
    },
    /// New data lacks a column the model was trained with.
    MissingColumn {
        /// The new file's name.
        file: String,
        /// The missing column.
        name: String,
    },
    /// The chosen target column does not exist.
    UnknownColumn {
        /// The name asked for.
        name: String,
        /// Names that do exist.
        available: Vec<String>,
    },
    /// The target cannot be used for the chosen task.
    BadTarget {
        /// The target column.
        column: String,
        /// Why.
        detail: String,
        /// What to do.
        hint: String,
    },
    /// No column is left to learn from.
    NoFeatures {
        /// The target column.
        target: String,
    },
    /// A setting is out of range.
    BadSetting {
        /// The setting's name.
        name: String,
        /// Why it is wrong.
        detail: String,
    },
    /// A model could not be fitted or used.
    Model {
        /// The model family.
        family: String,
        /// What went wrong.
        detail: String,
    },
    /// No model family has this name.
    UnknownFamily {
        /// The name asked for.
        family: String,
        /// The names of the registered families.
        known: Vec<String>,
    },
    /// Not enough time to evaluate even one model.
    BudgetTooSmall {
        /// The budget in seconds.
        budget_s: f64,
    },
    /// New data lacks columns the model was trained with.
    MissingColumns {
        /// The new file's name.
        file: String,
        /// Every missing column.
        names: Vec<String>,
    },
    /// A model file cannot be used: foreign, damaged, or from a newer version.
    ModelFile {
        /// The model file's name.
        file: String,
        /// Why.
        detail: String,
        /// What to do.
        hint: String,
    },
}

impl AutoMlError {
    /// One line saying what the person can do about it.
    pub fn hint(&self) -> String {
        match self {
            Self::EmptyFile { .. } => "Choose a CSV file with a header row and at least a few data rows.".into(),
            Self::NoDataRows { .. } => "Add data rows below the header, or choose another file.".into(),
            Self::TooLarge { .. } => "Use a sample of the rows, or remove columns you do not need, and load the smaller file.".into(),
            Self::TooManyColumns { .. } => "Keep the columns you need (at most the limit) and load the smaller file.".into(),
            Self::NotText { .. } => "Save the data as CSV (comma, semicolon or tab separated text) and load that file.".into(),
            Self::Csv { .. } => "Check the quoting near that line: a field that contains the separator or a line break must be in double quotes.".into(),
            Self::RaggedRow { .. } => "Every row needs as many fields as the header; fix or delete that row and load the file again.".into(),
            Self::DuplicateColumn { .. } => "Give every column a different name in the header row.".into(),
            Self::MissingColumn { .. } => "Load a file with the same columns as the training data (extra columns are fine).".into(),
            Self::UnknownColumn { .. } => "Choose one of the file's columns as the target (the names are case-sensitive).".into(),
            Self::BadTarget { hint, .. } => hint.clone(),
            Self::NoFeatures { .. } => "The file needs at least one usable column besides the target (not an ID, not constant, not all missing).".into(),
            Self::BadSetting { .. } => "Change the setting to a value in the allowed range.".into(),
            Self::Model { .. } => "Try another seed or a larger budget; if it keeps happening with this file, report it with the file.".into(),
            Self::UnknownFamily { known, .. } => format!("Use one of the model families: {}.", known.join(", ")),
            Self::BudgetTooSmall { .. } => "Increase the time budget.".into(),
            Self::MissingColumns { .. } => "Load a file with the same columns as the training data (extra columns are fine).".into(),
            Self::ModelFile { hint, .. } => hint.clone(),
        }
    }
}

impl fmt::Display for AutoMlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyFile { file } => write!(f, "The file \"{file}\" is empty."),
            Self::NoDataRows { file } => {
                write!(f, "The file \"{file}\" has a header row but no data rows.")
            }
            Self::TooLarge { file, bytes, limit } => write!(
                f,
                "The file \"{file}\" is {:.1} MB, more than the {} MB this page can safely hold.",
                *bytes as f64 / 1_048_576.0,
                limit / 1_048_576
            ),
            Self::TooManyColumns {
                file,
                columns,
                limit,
            } => {
                write!(f, "The file \"{file}\" has {columns} columns, more than the {limit} that can be handled.")
            }
            Self::NotText { file, detail } => write!(
                f,
                "The file \"{file}\" does not look like a CSV text file: {detail}."
            ),
            Self::Csv {
                file,
                line: Some(line),
                detail,
            } => write!(
                f,
                "The file \"{file}\" could not be read at line {line}: {detail}."
            ),
            Self::Csv {
                file,
                line: None,
                detail,
            } => write!(f, "The file \"{file}\" could not be read: {detail}."),
            Self::RaggedRow {
                file,
                line,
                found,
                expected,
            } => write!(
                f,
                "Line {line} of \"{file}\" has {found} fields, but the header has {expected}."
            ),
            Self::DuplicateColumn { file, name } => {
                write!(f, "The file \"{file}\" has two columns named \"{name}\".")
            }
            Self::MissingColumn { file, name } => write!(
                f,
                "The file \"{file}\" has no column \"{name}\", which the model needs."
            ),
            Self::UnknownColumn { name, available } => {
                let shown: Vec<&str> = available.iter().take(12).map(String::as_str).collect();
                let more = if available.len() > 12 { ", …" } else { "" };
                write!(
                    f,
                    "There is no column named \"{name}\". The columns are: {}{more}.",
                    shown.join(", ")
                )
            }
            Self::BadTarget { column, detail, .. } => write!(
                f,
                "The target column \"{column}\" cannot be used: {detail}."
            ),
            Self::NoFeatures { target } => write!(
                f,
                "No column besides the target \"{target}\" can be used to learn from."
            ),
            Self::BadSetting { name, detail } => {
                write!(f, "The setting \"{name}\" is invalid: {detail}.")
            }
            Self::Model { family, detail } => write!(f, "The model \"{family}\" failed: {detail}."),
            Self::UnknownFamily { family, .. } => {
                write!(f, "There is no model family named \"{family}\".")
            }
            Self::BudgetTooSmall { budget_s } => write!(
                f,
                "A time budget of {budget_s} s is too small to evaluate any model."
            ),
            Self::MissingColumns { file, names } => {
                let shown: Vec<String> =
                    names.iter().take(12).map(|n| format!("\"{n}\"")).collect();
                let more = if names.len() > 12 { ", …" } else { "" };
                write!(
                    f,
                    "The file \"{file}\" lacks {} column(s) the model needs: {}{more}.",
                    names.len(),
                    shown.join(", ")
                )
            }
            Self::ModelFile { file, detail, .. } => {
                write!(
                    f,
                    "The file \"{file}\" cannot be used as a model: {detail}."
                )
            }
        }
    }
}

impl std::error::Error for AutoMlError {}

/// The core's result type.
pub type Result<T> = std::result::Result<T, AutoMlError>;
