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
    pub notes: Vec<Message>,
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
                frame.notes.push(message!("column.excluded", column = name));
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
                frame.notes.push(message!(
                    "column.unreadable_left_out",
                    column = name,
                    unreadable,
                    present,
                    kind = spec.kind.message()
                ));
                continue;
            }
            if unreadable > 0 {
                frame.notes.push(message!(
                    "column.unreadable",
                    column = name,
                    count = unreadable,
                    kind = spec.kind.message()
                ));
            }
            frame.specs.push(spec);
            frame.columns.push(column);
        }
        frame.notes.extend(left_out_notes(
            &identifiers,
            message!("column.why.identifier"),
            message!("columns.why.identifier"),
        ));
        frame.notes.extend(left_out_notes(
            &constants,
            message!("column.why.constant"),
            message!("columns.why.constant"),
        ));
        frame.notes.extend(left_out_notes(
            &texts,
            message!("column.why.text"),
            message!("columns.why.text"),
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
                frame.notes.push(message!(
                    "column.unreadable",
                    column = spec.name,
                    count = unreadable,
                    kind = spec.kind.message()
                ));
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
pub(super) fn left_out_notes(columns: &[String], one: Message, many: Message) -> Vec<Message> {
    if columns.len() <= NOTES_PER_COLUMN_UP_TO {
        return columns
            .iter()
            .map(|column| message!("column.left_out", column, why = one))
            .collect();
    }
    let shown = &columns[..NOTES_PER_COLUMN_UP_TO];
    vec![message!(
        "columns.left_out",
        count = columns.len(),
        columns = Param::list(shown, NOTES_PER_COLUMN_UP_TO),
        more = columns.len() - NOTES_PER_COLUMN_UP_TO,
        why = many
    )]
}
