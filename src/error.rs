//! The core's one error type. Every variant carries what a person needs to fix the problem:
//! the file, row, column or value at fault. [`AutoMlError::to_message`] gives it as a stable
//! code with named parameters (see [`crate::messages`]); the words, and the hint on what to do,
//! come from the message catalogue, so `Display` and `hint()` read in English and the page can
//! render the same error in the person's language.
//! This module must not know about JavaScript or the terminal.

use crate::message;
use crate::messages::{self, Message, Param};
use std::fmt;

/// Everything that can go wrong between reading a file and finishing a search.
#[derive(Debug, Clone, PartialEq)]
pub enum AutoMlError {
    /// The file (or the chosen sheet of a workbook) has no bytes or cells at all.
    EmptyFile {
        /// The file's name as the person gave it.
        file: String,
        /// The sheet, for a workbook.
        sheet: Option<String>,
    },
    /// The file has a header but no data rows.
    NoDataRows {
        /// The file's name.
        file: String,
        /// The sheet, for a workbook.
        sheet: Option<String>,
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
        /// What was seen (a `not_text.*` message).
        reason: Message,
    },
    /// The CSV reader failed at a given row.
    Csv {
        /// The file's name.
        file: String,
        /// 1-based line number in the file, where known.
        line: Option<u64>,
        /// What is wrong there (a `csv.*` message).
        reason: Message,
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
        /// Why (a `target.*` or `series.*` message, whose hint says what to do).
        reason: Message,
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
        /// Why it is wrong (a `setting.*` message; `setting.detail` for the tree engine's
        /// checks in `trees/params.rs`, still free English text).
        reason: Message,
    },
    /// A model could not be fitted or used: the model contract's and the tree engine's own
    /// errors, whose detail is still free English text.
    Model {
        /// The model family.
        family: String,
        /// What went wrong.
        detail: String,
    },
    /// A model could not be fitted or used (outside `models/` and `trees/`).
    ModelFailed {
        /// The model (family or label).
        family: String,
        /// What went wrong.
        reason: Message,
    },
    /// No model family has this name.
    UnknownFamily {
        /// The name asked for.
        family: String,
        /// The names of the registered families.
        known: Vec<String>,
    },
    /// Every configuration the search tried failed.
    AllModelsFailed {
        /// The last failure (a `search.family_failed` message).
        reason: Message,
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
        /// Why (`model_file.foreign`, `.damaged` or `.newer`, each with its hint).
        reason: Message,
    },
    /// New data cannot be forecast with a forecast model file: a column is missing, the
    /// series is of another frequency or too short, or the model cannot be refitted on it.
    ForecastData {
        /// The new file's name.
        file: String,
        /// Why (a `forecast_file.*` message, whose hint says what to do).
        reason: Message,
    },
    /// Something that cannot happen did: the engine's parts disagree.
    Internal {
        /// What (an `internal.*` message).
        reason: Message,
    },
}

/// Most names listed in one message (the rest are counted).
const NAMES_SHOWN: usize = 12;

impl AutoMlError {
    /// The error as a stable code and its named parameters.
    pub fn to_message(&self) -> Message {
        match self {
            Self::EmptyFile { file, sheet: None } => message!("file.empty", file),
            Self::EmptyFile {
                file,
                sheet: Some(sheet),
            } => message!("file.empty_sheet", file, sheet),
            Self::NoDataRows { file, sheet: None } => message!("file.no_data_rows", file),
            Self::NoDataRows {
                file,
                sheet: Some(sheet),
            } => message!("file.no_data_rows_sheet", file, sheet),
            Self::TooLarge { file, bytes, limit } => message!(
                "file.too_large",
                file,
                mb = *bytes as f64 / 1_048_576.0,
                limit_mb = limit / 1_048_576
            ),
            Self::TooManyColumns {
                file,
                columns,
                limit,
            } => message!("file.too_many_columns", file, columns, limit),
            Self::NotText { file, reason } => message!("file.not_text", file, reason),
            Self::Csv {
                file,
                line: Some(line),
                reason,
            } => message!("csv.bad_at_line", file, line, reason),
            Self::Csv {
                file,
                line: None,
                reason,
            } => message!("csv.bad", file, reason),
            Self::RaggedRow {
                file,
                line,
                found,
                expected,
            } => message!("csv.ragged_row", file, line, found, expected),
            Self::DuplicateColumn { file, name } => message!("file.duplicate_column", file, name),
            Self::MissingColumn { file, name } => message!("data.missing_column", file, name),
            Self::UnknownColumn { name, available } => message!(
                "data.unknown_column",
                name,
                available = Param::list(available, NAMES_SHOWN)
            ),
            Self::BadTarget { column, reason } => message!("target.bad", column, reason),
            Self::NoFeatures { target } => message!("data.no_features", target),
            Self::BadSetting { name, reason } => message!("setting.bad", name, reason),
            Self::Model { family, detail } => message!("model.failed", family, detail),
            Self::ModelFailed { family, reason } => {
                message!("model.failed", family, detail = reason)
            }
            Self::UnknownFamily { family, known } => message!(
                "model.unknown_family",
                family,
                known = Param::list(known, 50)
            ),
            Self::AllModelsFailed { reason } => message!("search.all_failed", reason),
            Self::BudgetTooSmall { budget_s } => message!("search.budget_too_small", budget_s),
            Self::MissingColumns { file, names } => message!(
                "data.missing_columns",
                file,
                count = names.len(),
                names = Param::list(names, NAMES_SHOWN)
            ),
            Self::ModelFile { file, reason } => message!("model_file.bad", file, reason),
            Self::ForecastData { file, reason } => message!("forecast_file.data", file, reason),
            Self::Internal { reason } => message!("internal.error", reason),
        }
    }

    /// The error's stable code, such as `"file.empty"`.
    pub fn code(&self) -> String {
        self.to_message().code
    }

    /// One line saying what the person can do about it.
    pub fn hint(&self) -> String {
        messages::hint(&self.to_message()).unwrap_or_default()
    }
}

impl fmt::Display for AutoMlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&messages::render(&self.to_message()))
    }
}

impl std::error::Error for AutoMlError {}

/// The core's result type.
pub type Result<T> = std::result::Result<T, AutoMlError>;

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of every variant.
    pub(crate) fn every_variant() -> Vec<AutoMlError> {
        let file = || "data.csv".to_string();
        let reason = || message!("csv.reader", detail = "bad");
        vec![
            AutoMlError::EmptyFile {
                file: file(),
                sheet: None,
            },
            AutoMlError::EmptyFile {
                file: file(),
                sheet: Some("S".into()),
            },
            AutoMlError::NoDataRows {
                file: file(),
                sheet: None,
            },
            AutoMlError::NoDataRows {
                file: file(),
                sheet: Some("S".into()),
            },
            AutoMlError::TooLarge {
                file: file(),
                bytes: 150 << 20,
                limit: 100 << 20,
            },
            AutoMlError::TooManyColumns {
                file: file(),
                columns: 20_000,
                limit: 16_384,
            },
            AutoMlError::NotText {
                file: file(),
                reason: message!("not_text.pdf"),
            },
            AutoMlError::Csv {
                file: file(),
                line: Some(3),
                reason: reason(),
            },
            AutoMlError::Csv {
                file: file(),
                line: None,
                reason: reason(),
            },
            AutoMlError::RaggedRow {
                file: file(),
                line: 3,
                found: 2,
                expected: 3,
            },
            AutoMlError::DuplicateColumn {
                file: file(),
                name: "a".into(),
            },
            AutoMlError::MissingColumn {
                file: file(),
                name: "a".into(),
            },
            AutoMlError::UnknownColumn {
                name: "z".into(),
                available: vec!["a".into()],
            },
            AutoMlError::BadTarget {
                column: "y".into(),
                reason: message!("target.one_class", value = "a"),
            },
            AutoMlError::NoFeatures { target: "y".into() },
            AutoMlError::BadSetting {
                name: "folds".into(),
                reason: message!(
                    "setting.folds",
                    folds = 11usize,
                    min = 2usize,
                    max = 10usize
                ),
            },
            AutoMlError::Model {
                family: "svm".into(),
                detail: "no".into(),
            },
            AutoMlError::ModelFailed {
                family: "Naive".into(),
                reason: message!("forecast_model.empty_history"),
            },
            AutoMlError::UnknownFamily {
                family: "nope".into(),
                known: vec!["svm".into()],
            },
            AutoMlError::AllModelsFailed {
                reason: message!(
                    "search.family_failed",
                    model = "SVM",
                    error = message!("model.failed", family = "svm", detail = "no")
                ),
            },
            AutoMlError::BudgetTooSmall { budget_s: 0.5 },
            AutoMlError::MissingColumns {
                file: file(),
                names: vec!["a".into()],
            },
            AutoMlError::ModelFile {
                file: "m.automl".into(),
                reason: message!(
                    "model_file.damaged",
                    detail = message!("model_file.no_checksum")
                ),
            },
            AutoMlError::Internal {
                reason: message!("internal.ensemble_empty"),
            },
        ]
    }

    #[test]
    fn every_error_has_a_catalogued_message_and_a_hint() {
        for e in every_variant() {
            let m = e.to_message();
            assert!(
                crate::messages::Catalogue::english()
                    .entry(&m.code)
                    .is_some(),
                "{m:?}"
            );
            let text = e.to_string();
            assert!(!text.contains('{'), "unfilled placeholder: {text}");
            assert!(!e.hint().is_empty(), "no hint: {text}");
        }
    }

    #[test]
    fn the_english_wording_is_kept() {
        let e = AutoMlError::RaggedRow {
            file: "r.csv".into(),
            line: 3,
            found: 2,
            expected: 3,
        };
        assert_eq!(
            e.to_string(),
            "Line 3 of \"r.csv\" has 2 fields, but the header has 3."
        );
        assert_eq!(
            e.hint(),
            "Every row needs as many fields as the header; fix or delete that row and load the file again."
        );
        let e = AutoMlError::TooLarge {
            file: "big.csv".into(),
            bytes: 157_286_400,
            limit: 104_857_600,
        };
        assert_eq!(
            e.to_string(),
            "The file \"big.csv\" is 150.0 MB, more than the 100 MB this page can safely hold."
        );
        let names: Vec<String> = (0..14).map(|i| format!("c{i}")).collect();
        let e = AutoMlError::UnknownColumn {
            name: "z".into(),
            available: names.clone(),
        };
        assert_eq!(
            e.to_string(),
            "There is no column named \"z\". The columns are: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, …."
        );
        let e = AutoMlError::MissingColumns {
            file: "n.csv".into(),
            names: names[..2].to_vec(),
        };
        assert_eq!(
            e.to_string(),
            "The file \"n.csv\" lacks 2 column(s) the model needs: \"c0\", \"c1\"."
        );
    }
}
