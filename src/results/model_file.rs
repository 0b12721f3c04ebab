//! The model file: one versioned file holding the fitted preprocessing (with the column schema
//! new data must follow), the final model, and what a person needs to know about it.
//!
//! Layout: a text header, a blank line, then a JSON body.
//!
//! ```text
//! AUTOML-MODEL 1
//! created-with automl 0.1.0
//! body-bytes 123456
//! body-fnv1a64 0123456789abcdef
//!
//! {"formatVersion":1, ...}
//! ```
//!
//! The first line names the format and its version; `body-bytes` and `body-fnv1a64` (the
//! 64-bit FNV-1a hash of the body's bytes, in hex) let [`load`] tell a truncated or damaged
//! file from a good one before reading the body. Numbers are written so that they read back
//! bit for bit (`serde_json`'s `float_roundtrip`), so predictions after a save and a load are
//! identical.

use crate::data::{ColumnKind, Table, Task};
use crate::error::{AutoMlError, Result};
use crate::message;
use crate::messages::{Message, Param, ToParam};
use crate::metrics::Metric;
use crate::preprocess::{Frame, Pipeline, Step};
use crate::rng::Rng;
use crate::search::ensemble::FinalModel;
use crate::search::{SearchOutcome, SearchSettings};
use crate::target::prepare_target;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The first word of every model file.
pub const MAGIC: &str = "AUTOML-MODEL";
/// The first word of a forecast model file (`super::forecast_file`), in the same envelope.
pub const FORECAST_MAGIC: &str = "AUTOML-FORECAST";
/// The format version this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
/// Largest model file read, in bytes.
pub const MAX_MODEL_BYTES: usize = 512 << 20;

/// One input column of the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelColumn {
    /// Header name.
    pub name: String,
    /// How it is read.
    pub kind: ColumnKind,
    /// How its numbers are written (numeric columns), as the training file wrote them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_format: Option<crate::data::cells::NumberFormat>,
    /// The category levels the model knows (categorical columns), for the what-if form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
}

/// Everything a model file holds.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelFile {
    /// The format version it was written in.
    pub format_version: u32,
    /// The tool and version that wrote it, e.g. "automl 0.1.0".
    pub created_with: String,
    /// The column the model predicts.
    pub target: String,
    /// The task.
    pub task: Task,
    /// The metric the run ranked models by.
    pub metric: Metric,
    /// Class labels, in class order (classification only).
    pub classes: Vec<String>,
    /// The winner's leaderboard row, as the run reported it.
    pub best: Value,
    /// How the run ended: `stopped` when the person stopped the search and this is the best
    /// model found by then, `chosen` when the person chose it from the leaderboard (absent in
    /// files written before: `finished`).
    #[serde(default)]
    pub ending: crate::search::Ending,
    /// How the winner was validated, in words.
    pub validation: String,
    /// The run's settings (the seed among them).
    pub settings: SearchSettings,
    /// The preprocessing fitted on all rows; its `specs` are the columns new data must have.
    pub pipeline: Pipeline,
    /// The final model.
    pub model: FinalModel,
    /// Up to [`super::diagnostics::BACKGROUND_ROWS`] training rows (cells of the input columns, as
    /// text), the background that per-row explanations of non-tree models compare against.
    pub background: Vec<Vec<String>>,
    /// For a single tree-engine model: how many training rows reached each node of each tree
    /// (internal nodes, then leaves), for TreeSHAP. Empty otherwise.
    pub covers: Vec<Vec<u32>>,
}

/// The 64-bit FNV-1a hash of `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The frame column a step reads.
pub fn step_column(step: &Step) -> usize {
    match step {
        Step::Numeric { column, .. }
        | Step::Date { column, .. }
        | Step::OneHot { column, .. }
        | Step::Encoded { column, .. } => *column,
    }
}

/// For each model input, the pipeline column (index into `pipeline.specs`) it comes from.
pub fn input_columns(pipeline: &Pipeline) -> Vec<usize> {
    let mut out = Vec::with_capacity(pipeline.n_features());
    for step in &pipeline.steps {
        out.extend(std::iter::repeat_n(step_column(step), step.width()));
    }
    out
}

fn members(model: &FinalModel) -> Vec<&crate::models::FittedModel> {
    match model {
        FinalModel::Single(m) => vec![m],
        FinalModel::Ensemble(ms) => ms.iter().map(|(_, m)| m).collect(),
    }
}

/// Node counts of `tree` for the rows of `x`: internal nodes, then leaves.
fn tree_covers(tree: &crate::trees::Tree, x: &crate::matrix::Matrix) -> Vec<u32> {
    let m = tree.features().len();
    let mut counts = vec![0u32; 2 * m + 1];
    for r in 0..x.rows {
        let row = x.row(r);
        if m == 0 {
            counts[0] = counts[0].saturating_add(1);
            continue;
        }
        let mut node = 0usize;
        loop {
            counts[node] = counts[node].saturating_add(1);
            let v = row[tree.features()[node] as usize];
            let left = v <= tree.thresholds()[node] || (v.is_nan() && tree.missing_left()[node]);
            let next = tree.children()[node][usize::from(!left)];
            if next < 0 {
                let leaf = !next as usize;
                counts[m + leaf] = counts[m + leaf].saturating_add(1);
                break;
            }
            node = next as usize;
        }
    }
    counts
}

impl ModelFile {
    /// The model file of a finished run on `table` with `settings`.
    pub fn from_run(
        table: &Table,
        settings: &SearchSettings,
        outcome: &SearchOutcome,
    ) -> Result<ModelFile> {
        Self::build(
            table,
            settings,
            &outcome.result,
            outcome.model.pipeline.clone(),
            move_model(outcome),
        )
    }

    /// The model file of `pipeline` and `model`, fitted on `table` by a run that reported
    /// `r` (its target, task, metric, classes and best row are recorded).
    pub fn build(
        table: &Table,
        settings: &SearchSettings,
        r: &crate::search::SearchResult,
        pipeline: Pipeline,
        model: FinalModel,
    ) -> Result<ModelFile> {
        let target_col = table.column_index(&r.target)?;
        let prepared = prepare_target(table, target_col, r.task)?;
        // background rows, as text, for the pipeline's columns
        let cols: Vec<usize> = pipeline
            .specs
            .iter()
            .map(|s| table.column_index(&s.name))
            .collect::<Result<_>>()?;
        let mut order: Vec<usize> = prepared.rows.clone();
        Rng::new(settings.seed ^ 0xBAC6_0000).shuffle(&mut order);
        order.truncate(super::diagnostics::BACKGROUND_ROWS);
        order.sort_unstable();
        let background = order
            .iter()
            .map(|&row| {
                cols.iter()
                    .map(|&c| table.columns[c].get(row).to_string())
                    .collect()
            })
            .collect();
        let mut covers = Vec::new();
        if let FinalModel::Single(m) = &model {
            if let Some(parts) = m.tree_parts() {
                let frame = Frame::for_schema(table, &pipeline.specs)?;
                let x = pipeline.transform(&frame, &prepared.rows);
                covers = parts.trees.iter().map(|t| tree_covers(t, &x)).collect();
            }
        }
        let best = serde_json::to_value(&r.best.row).unwrap_or(Value::Null);
        Ok(ModelFile {
            format_version: FORMAT_VERSION,
            created_with: format!("automl {}", crate::VERSION),
            target: r.target.clone(),
            task: r.task,
            metric: r.metric,
            classes: r.classes.clone(),
            best,
            ending: r.ending,
            validation: r.validation.clone(),
            settings: settings.clone(),
            pipeline,
            model,
            background,
            covers,
        })
    }

    /// The input columns new data must have.
    pub fn columns(&self) -> Vec<ModelColumn> {
        self.pipeline
            .specs
            .iter()
            .enumerate()
            .map(|(c, s)| ModelColumn {
                name: s.name.clone(),
                kind: s.kind,
                number_format: (s.kind == ColumnKind::Numeric).then_some(s.number_format),
                levels: self.known_levels(c),
            })
            .collect()
    }

    /// Number of classes (0 for regression).
    pub fn n_classes(&self) -> usize {
        if self.task == Task::Classification {
            self.classes.len()
        } else {
            0
        }
    }

    /// The file's bytes: header and JSON body.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let body = serde_json::to_vec(self).map_err(|e| AutoMlError::Internal {
            reason: message!("internal.model_file_write", detail = e.to_string()),
        })?;
        Ok(with_header(
            MAGIC,
            FORMAT_VERSION,
            &self.created_with,
            &body,
        ))
    }

    /// Checks that the parts fit together, so predicting with a loaded model cannot fail in
    /// an unexpected way.
    fn check(&self, file: &str) -> Result<()> {
        let bad = |detail: Message| damaged(file, detail);
        let p = &self.pipeline;
        let width: usize = p.steps.iter().map(Step::width).sum();
        if width != p.feature_names.len() {
            return Err(bad(message!(
                "model_file.input_names",
                width,
                names = p.feature_names.len()
            )));
        }
        if p.steps.iter().any(|s| step_column(s) >= p.specs.len()) {
            return Err(bad(message!("model_file.step_column")));
        }
        if p.specs.is_empty() {
            return Err(bad(message!("model_file.no_columns")));
        }
        let k = self.n_classes();
        if self.task == Task::Classification && self.classes.is_empty() {
            return Err(bad(message!("model_file.no_classes")));
        }
        for m in members(&self.model) {
            if m.n_features() != p.n_features() {
                return Err(bad(message!(
                    "model_file.model_inputs",
                    model = m.n_features(),
                    pipeline = p.n_features()
                )));
            }
            m.check_parts().map_err(|e| bad(e.to_message()))?;
            if m.n_classes() != k {
                return Err(bad(message!(
                    "model_file.model_classes",
                    model = m.n_classes(),
                    classes = k
                )));
            }
        }
        if members(&self.model).is_empty() {
            return Err(bad(message!("model_file.no_members")));
        }
        if self.background.iter().any(|r| r.len() != p.specs.len()) {
            return Err(bad(message!("model_file.background")));
        }
        if !self.covers.is_empty() {
            let trees = match &self.model {
                FinalModel::Single(m) => m.tree_parts().map(|t| t.trees),
                FinalModel::Ensemble(_) => None,
            };
            let ok = trees.is_some_and(|t| {
                t.len() == self.covers.len()
                    && t.iter()
                        .zip(&self.covers)
                        .all(|(t, c)| c.len() == 2 * t.features().len() + 1)
            });
            if !ok {
                return Err(bad(message!("model_file.tree_statistics")));
            }
        }
        Ok(())
    }

    /// A model read from the JSON body alone (no header), checked. For tools and fuzzing; files
    /// are read with [`load`].
    pub fn from_json(body: &[u8], file: &str) -> Result<ModelFile> {
        let model: ModelFile = serde_json::from_slice(body).map_err(|e| {
            damaged(
                file,
                message!("model_file.unreadable", detail = e.to_string()),
            )
        })?;
        if model.format_version != FORMAT_VERSION {
            return Err(newer(
                file,
                model.format_version,
                model.created_with.to_param(),
                FORMAT_VERSION,
            ));
        }
        model.check(file)?;
        Ok(model)
    }
}

fn move_model(outcome: &SearchOutcome) -> FinalModel {
    // FinalModel is not Clone (fitted models can be large); a JSON round trip copies it
    // exactly (floats round-trip bit for bit).
    serde_json::to_vec(&outcome.model.model)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(FinalModel::Ensemble(Vec::new()))
}

pub(crate) fn model_error(file: &str, reason: Message) -> AutoMlError {
    AutoMlError::ModelFile {
        file: file.into(),
        reason,
    }
}

pub(crate) fn damaged(file: &str, detail: Message) -> AutoMlError {
    model_error(file, message!("model_file.damaged", detail))
}

/// `created_with` is the header's tool name, or a word of the catalogue when it gives none.
pub(crate) fn newer(
    file: &str,
    version: u32,
    created_with: Param,
    max_version: u32,
) -> AutoMlError {
    model_error(
        file,
        message!(
            "model_file.newer",
            created_with,
            version,
            tool_version = crate::VERSION,
            max_version
        ),
    )
}

/// What a model file holds, by its first word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A table's model (`AUTOML-MODEL`): predicts rows.
    Tabular,
    /// A forecasting model (`AUTOML-FORECAST`): forecasts a series.
    Forecast,
}

/// The kind of model file `bytes` starts like, if any (the command line's `predict` and the
/// page choose what to do with a file by it).
pub fn kind_of(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(FORECAST_MAGIC.as_bytes()) {
        Some(FileKind::Forecast)
    } else if bytes.starts_with(MAGIC.as_bytes()) {
        Some(FileKind::Tabular)
    } else {
        None
    }
}

/// Reads a model file's bytes: checks the header, length and checksum, then the body.
/// `file` names the file in messages.
pub fn load(bytes: &[u8], file: &str) -> Result<ModelFile> {
    let (kind, body) = envelope(bytes, file)?;
    if kind == FileKind::Forecast {
        return Err(model_error(
            file,
            message!(
                "model_file.foreign",
                detail = message!("model_file.is_forecast")
            ),
        ));
    }
    ModelFile::from_json(body, file)
}

/// The body of a model file of either kind, after checking its envelope: the first word, the
/// format version (not newer than this build reads for that kind), the length and checksum.
pub fn envelope<'a>(bytes: &'a [u8], file: &str) -> Result<(FileKind, &'a [u8])> {
    let foreign = |detail: Message| model_error(file, message!("model_file.foreign", detail));
    if bytes.is_empty() {
        return Err(foreign(message!("model_file.empty")));
    }
    if bytes.len() > MAX_MODEL_BYTES {
        return Err(foreign(message!(
            "model_file.too_large",
            mb = bytes.len() >> 20
        )));
    }
    let Some(kind) = kind_of(bytes) else {
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
        let what = match first {
            Some(b'{') | Some(b'[') => message!("model_file.json"),
            _ if bytes.starts_with(b"PK") => message!("model_file.zip"),
            _ if std::str::from_utf8(&bytes[..bytes.len().min(1024)]).is_err() => {
                message!("model_file.binary")
            }
            _ => message!("model_file.no_magic"),
        };
        return Err(foreign(what));
    };
    let (magic, max_version) = match kind {
        FileKind::Tabular => (MAGIC, FORMAT_VERSION),
        FileKind::Forecast => (FORECAST_MAGIC, super::forecast_file::FORMAT_VERSION),
    };
    // the header: lines up to the first empty one
    let header_end = bytes
        .windows(2)
        .position(|w| w == b"\n\n")
        .ok_or_else(|| damaged(file, message!("model_file.header_incomplete")))?;
    let header = std::str::from_utf8(&bytes[..header_end])
        .map_err(|_| damaged(file, message!("model_file.header_not_text")))?;
    let body = &bytes[header_end + 2..];
    let mut lines = header.lines();
    let first = lines.next().unwrap_or_default();
    let version: u32 = first
        .strip_prefix(magic)
        .map(str::trim)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| damaged(file, message!("model_file.no_version")))?;
    let mut fields: BTreeMap<&str, &str> = BTreeMap::new();
    for line in lines {
        if let Some((k, v)) = line.split_once(' ') {
            fields.insert(k, v.trim());
        }
    }
    if version > max_version || version == 0 {
        let created_with = match fields.get("created-with") {
            Some(tool) => tool.to_param(),
            None => message!("model_file.unknown_version").to_param(),
        };
        return Err(newer(file, version, created_with, max_version));
    }
    let length: usize = fields
        .get("body-bytes")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| damaged(file, message!("model_file.no_length")))?;
    let sum = fields
        .get("body-fnv1a64")
        .and_then(|v| u64::from_str_radix(v, 16).ok())
        .ok_or_else(|| damaged(file, message!("model_file.no_checksum")))?;
    if body.len() < length {
        return Err(damaged(
            file,
            message!("model_file.cut_short", present = body.len(), length),
        ));
    }
    if body.len() > length {
        return Err(damaged(
            file,
            message!("model_file.extra_bytes", extra = body.len() - length),
        ));
    }
    if fnv1a64(body) != sum {
        return Err(damaged(file, message!("model_file.checksum")));
    }
    Ok((kind, body))
}

/// A model file's bytes: the header (first word `magic` and `version`, the tool, the body's
/// length and checksum), an empty line, then `body`.
pub(crate) fn with_header(magic: &str, version: u32, created_with: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "{magic} {version}\ncreated-with {created_with}\nbody-bytes {}\nbody-fnv1a64 {:016x}\n\n",
        body.len(),
        fnv1a64(body)
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// The checksum a model file's header gives (the cache key of a loaded model), if readable.
pub fn checksum_of(bytes: &[u8]) -> Option<u64> {
    let head = &bytes[..bytes.len().min(512)];
    let text = std::str::from_utf8(head).ok().or_else(|| {
        let end = head.windows(2).position(|w| w == b"\n\n")?;
        std::str::from_utf8(&head[..end]).ok()
    })?;
    text.lines()
        .find_map(|l| l.strip_prefix("body-fnv1a64 "))
        .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
}
