//! The data profile the page shows: per-column histograms and top levels, duplicated rows,
//! the preview.

use super::*;

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
    pub task_question: Option<Message>,
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
    pub notes: Vec<Message>,
    /// Problems worth a look (duplicated rows, mostly empty columns, ...).
    pub warnings: Vec<Message>,
    /// Rows that repeat an earlier row exactly.
    pub duplicate_rows: usize,
    /// Sheet names, for a workbook.
    pub sheets: Vec<String>,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
    /// The encoding a text file was read with (none for a workbook).
    pub encoding: Option<TextEncoding>,
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

pub(crate) fn top_levels(cells: &TextColumn, shown: usize) -> Vec<Bar> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for c in cells.iter().filter(|c| !is_missing(c)) {
        *counts.entry(c).or_default() += 1;
    }
    let mut levels: Vec<(&str, usize)> = counts.into_iter().collect();
    crate::sort::sort_by(&mut levels, |a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    // a few numbers read best in their own order
    if levels.len() <= shown && levels.iter().all(|l| parse_number(l.0).is_some()) {
        crate::sort::sort_by(&mut levels, |a, b| {
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
                let (y, m, d) = crate::data::cells::civil_from_days(days.floor() as i64);
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
                (ColumnKind::Numeric, f, _) if f != NumberFormat::Plain => Some(f.message()),
                (ColumnKind::Datetime, _, Some(f)) => Some(f.message()),
                _ => None,
            };
            if let Some(format) = &format {
                notes.push(message!("profile.read_as", column = name, format));
            }
            if stats.date_ambiguous {
                notes.push(message!("profile.dates_ambiguous", column = name));
            }
            if stats.infinite > 0 {
                notes.push(message!(
                    "profile.infinite",
                    column = name,
                    count = stats.infinite
                ));
            }
            let missing_share = if n_rows == 0 {
                0.0
            } else {
                stats.missing as f64 / n_rows as f64
            };
            if missing_share > 0.5 && stats.kind != ColumnKind::Constant {
                warnings.push(message!(
                    "profile.mostly_empty",
                    column = name,
                    percent = missing_share * 100.0
                ));
            }
            ColumnInfo {
                name: name.clone(),
                kind: stats.kind,
                missing: stats.missing,
                missing_share,
                distinct: stats.distinct,
                suggested_task: task,
                task_question: question,
                format: format.as_ref().map(crate::messages::render),
                histogram: histogram(cells, &stats),
            }
        })
        .collect();
    let duplicates = duplicate_rows(table);
    if duplicates > 0 {
        warnings.push(message!("profile.duplicate_rows", count = duplicates));
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
        encoding: table.encoding,
    }
}
