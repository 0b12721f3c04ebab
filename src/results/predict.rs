//! Predicting new rows with a model file: a table or the what-if form's rows in, predictions,
//! probabilities and the unseen levels met out; and the predictions CSV.

use super::model_file::*;
use crate::data::{Table, TextColumn};
use crate::error::{AutoMlError, Result};
use crate::message;
use crate::messages::{Message, Param};
use crate::models::Prediction;
use crate::preprocess::Frame;
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
