//! The typed [`Frame`]: a table's feature columns parsed once by a schema.

use super::*;

/// One usable column, parsed once.
#[derive(Debug, Clone)]
pub enum FrameColumn {
    /// Numbers (booleans as 0/1); NaN where missing.
    Numeric(Vec<f64>),
    /// Codes into `levels`; [`MISSING_CODE`] where missing.
    Categorical {
        /// Per-row code.
        codes: Vec<u32>,
        /// The distinct labels, in order of first appearance.
        levels: Vec<String>,
    },
    /// Seconds since 1970; NaN where missing.
    Datetime {
        /// Per-row timestamp.
        seconds: Vec<f64>,
        /// Whether any cell had a time of day.
        has_time: bool,
    },
}

/// The feature columns of a table, typed by a schema, with notes on what was left out.
#[derive(Debug, Clone)]
pub struct Frame {
    /// How each feature column was read, parallel to `columns`.
    pub specs: Vec<ColumnSpec>,
    /// Feature columns.
    pub columns: Vec<FrameColumn>,
    /// Notes on columns that were dropped or changed.
    pub notes: Vec<String>,
}

impl Frame {
    /// Builds the frame from every column except `target`, with the detected kinds.
    pub fn from_table(table: &Table, target: usize) -> Frame {
        Self::with_choices(table, target, &ColumnChoices::default())
    }

    /// Builds the frame from every column except `target`, with `choices` applied.
    pub fn with_choices(table: &Table, target: usize, choices: &ColumnChoices) -> Frame {
        let schema = schema_with_choices(table, choices);
        let mut frame = Frame {
            specs: Vec::new(),
            columns: Vec::new(),
            notes: Vec::new(),
        };
        let (mut identifiers, mut constants, mut texts): (Vec<String>, Vec<String>, Vec<String>) =
            (Vec::new(), Vec::new(), Vec::new());
        for (c, spec) in schema.into_iter().enumerate() {
            if c == target {
                continue;
            }
            let name = spec.name.clone();
            if choices.exclude.contains(&name) {
                frame
                    .notes
                    .push(format!("Column \"{name}\" was left out, as you chose."));
                continue;
            }
            match spec.kind {
                ColumnKind::Identifier => {
                    identifiers.push(name);
                    continue;
                }
                ColumnKind::Constant => {
                    constants.push(name);
                    continue;
                }
                ColumnKind::Text => {
                    texts.push(name);
                    continue;
                }
                _ => {}
            }
            let (column, unreadable) = parse_column(&table.columns[c], &spec);
            let present = table.columns[c].iter().filter(|v| !is_missing(v)).count();
            if unreadable * 2 > present {
                frame.notes.push(format!(
                    "Column \"{name}\" was left out: {unreadable} of its {present} values could not be read as {}. Choose another type for it.",
                    spec.kind.name()
                ));
                continue;
            }
            if unreadable > 0 {
                frame.notes.push(format!("Column \"{name}\": {unreadable} value(s) could not be read as {} and were treated as missing.", spec.kind.name()));
            }
            frame.specs.push(spec);
            frame.columns.push(column);
        }
        frame.notes.extend(left_out_notes(
            &identifiers.iter().map(String::as_str).collect::<Vec<_>>(),
            "it has a different value on almost every row, like a name or an ID",
            "they have a different value on almost every row, like names or IDs",
        ));
        frame.notes.extend(left_out_notes(
            &constants.iter().map(String::as_str).collect::<Vec<_>>(),
            "it has a single value or none",
            "they have a single value or none",
        ));
        frame.notes.extend(left_out_notes(
            &texts.iter().map(String::as_str).collect::<Vec<_>>(),
            "it holds free text, which the models here do not read",
            "they hold free text, which the models here do not read",
        ));
        frame
    }

    /// Builds a frame of new data for a schema learned earlier: the columns are found by name
    /// (their order and any extra columns do not matter). A missing column is an error.
    pub fn for_schema(table: &Table, specs: &[ColumnSpec]) -> Result<Frame> {
        let mut frame = Frame {
            specs: Vec::new(),
            columns: Vec::new(),
            notes: Vec::new(),
        };
        for spec in specs {
            let c = table
                .names
                .iter()
                .position(|n| *n == spec.name)
                .ok_or_else(|| AutoMlError::MissingColumn {
                    file: table.file.clone(),
                    name: spec.name.clone(),
                })?;
            let (column, unreadable) = parse_column(&table.columns[c], spec);
            if unreadable > 0 {
                frame.notes.push(format!("Column \"{}\": {unreadable} value(s) could not be read as {} and were treated as missing.", spec.name, spec.kind.name()));
            }
            frame.specs.push(spec.clone());
            frame.columns.push(column);
        }
        Ok(frame)
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        match self.columns.first() {
            Some(FrameColumn::Numeric(v)) => v.len(),
            Some(FrameColumn::Categorical { codes, .. }) => codes.len(),
            Some(FrameColumn::Datetime { seconds, .. }) => seconds.len(),
            None => 0,
        }
    }
}

/// Parses a column by its spec; returns the column and how many present cells did not parse.
pub(super) fn parse_column(
    cells: &crate::data::TextColumn,
    spec: &ColumnSpec,
) -> (FrameColumn, usize) {
    let mut unreadable = 0;
    let column = match spec.kind {
        ColumnKind::Numeric => FrameColumn::Numeric(
            cells
                .iter()
                .map(|c| {
                    if is_missing(c) {
                        return f64::NAN;
                    }
                    parse_number_as(c, spec.number_format).unwrap_or_else(|| {
                        if !crate::data::cells::is_infinity_token(c) {
                            unreadable += 1;
                        }
                        f64::NAN
                    })
                })
                .collect(),
        ),
        ColumnKind::Boolean => FrameColumn::Numeric(
            cells
                .iter()
                .map(|c| match (is_missing(c), parse_bool(c)) {
                    (true, _) => f64::NAN,
                    (false, Some(b)) => f64::from(u8::from(b)),
                    (false, None) => {
                        unreadable += 1;
                        f64::NAN
                    }
                })
                .collect(),
        ),
        ColumnKind::Datetime => {
            let format = spec
                .date_format
                .unwrap_or(crate::data::cells::DateFormat::Iso);
            let mut has_time = false;
            let seconds = cells
                .iter()
                .map(|c| {
                    if is_missing(c) {
                        return f64::NAN;
                    }
                    match parse_date_as(c, format) {
                        Some(d) => {
                            has_time |= d.has_time;
                            d.seconds
                        }
                        None => {
                            unreadable += 1;
                            f64::NAN
                        }
                    }
                })
                .collect();
            FrameColumn::Datetime { seconds, has_time }
        }
        _ => {
            let mut index: HashMap<&str, u32> = HashMap::new();
            let mut levels = Vec::new();
            let codes = cells
                .iter()
                .map(|s| {
                    if is_missing(s) {
                        return MISSING_CODE;
                    }
                    *index.entry(s).or_insert_with(|| {
                        levels.push(s.to_string());
                        (levels.len() - 1) as u32
                    })
                })
                .collect();
            FrameColumn::Categorical { codes, levels }
        }
    };
    (column, unreadable)
}

/// Up to this many left-out columns get a note each; more get one note for them all, so a
/// file with thousands of empty columns gets one short note, not thousands.
pub(super) const NOTES_PER_COLUMN_UP_TO: usize = 5;

/// Notes for the columns left out for one reason (`one` says it of a single column, `many` of
/// several).
pub(super) fn left_out_notes(columns: &[&str], one: &str, many: &str) -> Vec<String> {
    if columns.len() <= NOTES_PER_COLUMN_UP_TO {
        return columns
            .iter()
            .map(|name| format!("Column \"{name}\" was left out: {one}."))
            .collect();
    }
    let shown: Vec<String> = columns
        .iter()
        .take(NOTES_PER_COLUMN_UP_TO)
        .map(|n| format!("\"{n}\""))
        .collect();
    vec![format!(
        "{} columns were left out ({} and {} more): {many}.",
        columns.len(),
        shown.join(", "),
        columns.len() - NOTES_PER_COLUMN_UP_TO
    )]
}
