//! Predicting new rows with a model file: a table or the what-if form's rows in, predictions,
//! probabilities and the unseen levels met out; and the predictions CSV.

use super::model_file::*;
use crate::data::{Table, TextColumn};
use crate::error::{AutoMlError, Result};
use crate::message;
use crate::messages::{Message, Param};
use crate::models::Prediction;
use crate::preprocess::{Frame, Step};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// One predicted row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredictedRow {
    /// The class label (text) or value.
    pub prediction: Value,
    /// Class probabilities in class order (classification only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probabilities: Option<Vec<f64>>,
}

/// Unseen category levels met in one column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnseenLevels {
    /// The column.
    pub column: String,
    /// Cells with a level the model never saw.
    pub count: usize,
}

/// Predictions for new rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Predictions {
    /// The model's input columns, as found in the data.
    pub columns: Vec<String>,
    /// One entry per data row, in order.
    pub rows: Vec<PredictedRow>,
    /// Class labels (empty for regression).
    pub classes: Vec<String>,
    /// Unseen category levels, per column.
    pub unseen: Vec<UnseenLevels>,
    /// Notes: columns ignored, unseen levels, unreadable values.
    pub notes: Vec<Message>,
}

impl ModelFile {
    /// Predicts every row of `table`. Every input column must be present (an error names all
    /// that are missing); extra columns are ignored with a note.
    pub fn predict_table(&self, table: &Table) -> Result<Predictions> {
        let missing: Vec<String> = self
            .pipeline
            .specs
            .iter()
            .filter(|s| !table.names.contains(&s.name))
            .map(|s| s.name.clone())
            .collect();
        if !missing.is_empty() {
            return Err(AutoMlError::MissingColumns {
                file: table.file.clone(),
                names: missing,
            });
        }
        let mut notes = table.notes.clone();
        let extra: Vec<&String> = table
            .names
            .iter()
            .filter(|n| **n != self.target && !self.pipeline.specs.iter().any(|s| &s.name == *n))
            .collect();
        if !extra.is_empty() {
            let columns = Param::list(extra.iter().take(5), 5);
            notes.push(if extra.len() > 5 {
                message!(
                    "predict.extra_columns_more",
                    count = extra.len(),
                    columns,
                    more = extra.len() - 5
                )
            } else {
                message!("predict.extra_columns", count = extra.len(), columns)
            });
        }
        let frame = Frame::for_schema(table, &self.pipeline.specs)?;
        notes.extend(frame.notes.iter().cloned());
        let rows: Vec<usize> = (0..table.n_rows()).collect();
        let (x, unseen) = self.pipeline.transform_report(&frame, &rows);
        let unseen: Vec<UnseenLevels> = unseen
            .into_iter()
            .map(|(column, count)| UnseenLevels { column, count })
            .collect();
        for u in &unseen {
            notes.push(message!(
                "predict.unseen",
                column = u.column,
                count = u.count
            ));
        }
        let k = self.n_classes();
        let prediction = self.model.predict(&x)?;
        let proba = if k > 0 {
            self.model.predict_proba(&x)?
        } else {
            None
        };
        let out = match prediction {
            Prediction::Classes(c) => c
                .iter()
                .enumerate()
                .map(|(r, &code)| PredictedRow {
                    prediction: Value::from(
                        self.classes.get(code as usize).cloned().unwrap_or_default(),
                    ),
                    probabilities: proba.as_ref().map(|p| p.row(r).to_vec()),
                })
                .collect(),
            Prediction::Values(v) => v
                .into_iter()
                .map(|value| PredictedRow {
                    prediction: Value::from(value),
                    probabilities: None,
                })
                .collect(),
        };
        Ok(Predictions {
            columns: self.pipeline.specs.iter().map(|s| s.name.clone()).collect(),
            rows: out,
            classes: self.classes.clone(),
            unseen,
            notes,
        })
    }

    /// A table of the model's input columns from rows given as column → cell text (a
    /// column not given is missing in that row).
    pub fn table_of_rows(&self, rows: &[BTreeMap<String, String>]) -> Table {
        let mut columns = vec![TextColumn::default(); self.pipeline.specs.len()];
        for row in rows {
            for (c, spec) in self.pipeline.specs.iter().enumerate() {
                columns[c].push(row.get(&spec.name).map_or("", String::as_str));
            }
        }
        Table {
            file: "the rows given".into(),
            names: self.pipeline.specs.iter().map(|s| s.name.clone()).collect(),
            columns,
            notes: Vec::new(),
            sheets: Vec::new(),
            sheet: None,
            encoding: None,
        }
    }

    /// Predicts rows given as column → cell text.
    pub fn predict_rows(&self, rows: &[BTreeMap<String, String>]) -> Result<Predictions> {
        self.predict_table(&self.table_of_rows(rows))
    }
}

/// Predictions as CSV: a 1-based `row` number (data rows, the header not counted), the
/// `prediction`, and for classification one `probability_<class>` column per class. The file
/// starts with a UTF-8 byte-order mark ([`crate::data::CSV_BOM`]), for Excel.
pub fn predictions_csv(p: &Predictions) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["row".to_string(), "prediction".to_string()];
    header.extend(p.classes.iter().map(|c| format!("probability_{c}")));
    let _ = w.write_record(&header);
    for (i, r) in p.rows.iter().enumerate() {
        let mut rec = vec![
            (i + 1).to_string(),
            match &r.prediction {
                Value::String(s) => s.clone(),
                v => v.to_string(),
            },
        ];
        if let Some(probs) = &r.probabilities {
            rec.extend(probs.iter().map(|v| v.to_string()));
        }
        let _ = w.write_record(&rec);
    }
    let body = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    format!("{}{body}", crate::data::CSV_BOM)
}

/// How the model reads one what-if cell: a value it knows, a missing value (and what fills
/// it), text that is not a value of the column's kind (read as missing), or a category level
/// it never saw.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CellCheck {
    /// The input column.
    pub column: String,
    /// "value", "missing", "unreadable" or "unknown_level".
    pub state: &'static str,
    /// What the model does with it, in words (none for a plain value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Message>,
}

/// A row's explanation with how each of its cells was read (`cells`) and where its base value
/// comes from (`baseFrom`: "tree", the trees' mean output over the training rows, or
/// "background", the mean prediction over the model file's background rows).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckedExplanation {
    /// The explanation; a cell that could not be read shows as missing ("").
    #[serde(flatten)]
    pub explanation: super::contributions::RowExplanation,
    /// How each input cell was read, in the model's column order.
    pub cells: Vec<CellCheck>,
    /// "tree" or "background".
    pub base_from: &'static str,
    /// Background rows the sampling estimate starts from.
    pub background_rows: usize,
}

impl ModelFile {
    /// The fitted step that reads input column `c`, if the model uses it.
    fn step_of(&self, c: usize) -> Option<&Step> {
        self.pipeline.steps.iter().find(|s| match s {
            Step::Numeric { column, .. }
            | Step::Date { column, .. }
            | Step::OneHot { column, .. }
            | Step::Encoded { column, .. } => *column == c,
        })
    }

    /// The category levels the model knows for input column `c` (empty for other kinds).
    pub fn known_levels(&self, c: usize) -> Vec<String> {
        match self.step_of(c) {
            Some(Step::OneHot { levels, .. }) => levels.clone(),
            Some(Step::Encoded { table, .. }) => {
                table.keys().filter(|l| !l.is_empty()).cloned().collect()
            }
            _ => Vec::new(),
        }
    }

    /// How the model reads `row` (column → cell text, a column not given is empty), cell by
    /// cell, with the column's own number and date formats.
    pub fn check_row(&self, row: &BTreeMap<String, String>) -> Vec<CellCheck> {
        use crate::data::cells::{is_missing, parse_bool, parse_date_as, parse_number_as};
        use crate::data::cells::{DateFormat, NumberFormat};
        use crate::data::ColumnKind;
        self.pipeline
            .specs
            .iter()
            .enumerate()
            .map(|(c, spec)| {
                let text = row.get(&spec.name).map_or("", String::as_str);
                let value = text.trim();
                let step = self.step_of(c);
                let check = |state, note| CellCheck {
                    column: spec.name.clone(),
                    state,
                    note,
                };
                if is_missing(value) {
                    let note = match step {
                        Some(Step::Numeric { scaled, .. }) => {
                            message!("whatif.missing_median", value = scaled.fill)
                        }
                        Some(Step::OneHot { fill, .. }) => {
                            message!("whatif.missing_level", level = fill)
                        }
                        _ => message!("whatif.missing"),
                    };
                    return check("missing", Some(note));
                }
                match spec.kind {
                    ColumnKind::Numeric => {
                        if parse_number_as(value, spec.number_format).is_some() {
                            return check("value", None);
                        }
                        let format = spec.number_format.message();
                        // the number it would be in another format, as this column writes it
                        let other = [NumberFormat::Plain]
                            .into_iter()
                            .chain(NumberFormat::FALLBACKS)
                            .find_map(|f| parse_number_as(value, f));
                        let note = match other {
                            Some(number) => message!(
                                "whatif.not_a_number_written",
                                value,
                                format,
                                example = number_as(number, spec.number_format)
                            ),
                            None => message!("whatif.not_a_number", value, format),
                        };
                        check("unreadable", Some(note))
                    }
                    ColumnKind::Boolean => match parse_bool(value) {
                        Some(_) => check("value", None),
                        None => check("unreadable", Some(message!("whatif.not_boolean", value))),
                    },
                    ColumnKind::Datetime => {
                        let format = spec.date_format.unwrap_or(DateFormat::Iso);
                        match parse_date_as(value, format) {
                            Some(_) => check("value", None),
                            None => check(
                                "unreadable",
                                Some(message!(
                                    "whatif.not_a_date",
                                    value,
                                    format = format.message()
                                )),
                            ),
                        }
                    }
                    _ => match step {
                        Some(Step::OneHot { levels, .. }) if !levels.iter().any(|l| l == text) => {
                            check(
                                "unknown_level",
                                Some(message!("whatif.unknown_level_none", value = text)),
                            )
                        }
                        Some(Step::Encoded { table, .. }) if !table.contains_key(text) => check(
                            "unknown_level",
                            Some(message!("whatif.unknown_level_mean", value = text)),
                        ),
                        _ => check("value", None),
                    },
                }
            })
            .collect()
    }

    /// Explains `row` (see [`super::contributions::explain_row`]) and says how each cell was
    /// read; a cell that is not a value of its column's kind shows as missing in the
    /// contributions, since that is how the model read it.
    pub fn explain_checked_row(
        &self,
        row: &BTreeMap<String, String>,
    ) -> Result<CheckedExplanation> {
        let mut explanation = super::contributions::explain_row(self, row)?;
        let cells = self.check_row(row);
        for contribution in &mut explanation.contributions {
            if cells.iter().any(|c| {
                c.column == contribution.column && c.state != "value" && c.state != "unknown_level"
            }) {
                contribution.value = String::new();
            }
        }
        let tree = matches!(&self.model, crate::search::ensemble::FinalModel::Single(m)
            if !self.covers.is_empty() && m.tree_parts().is_some());
        Ok(CheckedExplanation {
            explanation,
            cells,
            base_from: if tree { "tree" } else { "background" },
            background_rows: self.background.len(),
        })
    }
}

/// `number` written in `format` (the shortest text that reads back to it), for a hint such as
/// "write it as 50,5".
fn number_as(number: f64, format: crate::data::cells::NumberFormat) -> String {
    use crate::data::cells::NumberFormat;
    let plain = format!("{number}");
    match format {
        NumberFormat::DecimalComma => plain.replace('.', ","),
        _ => plain,
    }
}
