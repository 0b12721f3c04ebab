//! Excel (.xlsx, .xlsm, .xls) and OpenDocument (.ods) workbooks through calamine, a pure-Rust
//! reader that builds for wasm32. A sheet becomes a [`Table`] like a CSV file: the first
//! non-empty row is the header, cells become text (dates as ISO 8601, so the date detection
//! of CSV files applies unchanged).

use crate::data::cells::{civil_from_days, days_from_civil};
use crate::data::{clean_names, Table, TextColumn};
use crate::error::{AutoMlError, Result};
use crate::message;
use crate::messages::{Message, Param};
use calamine::{open_workbook_auto_from_rs, Data, Reader};
use std::io::Cursor;

/// Text of one cell.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
            if dt.is_duration() {
                return dt.as_f64().to_string();
            }
            // normalize through day numbers (calamine reports Excel's 1900-02-29 as is)
            let days = days_from_civil(y as i64, m as u32, d as u32);
            let (y, m, d) = civil_from_days(days);
            if (hh, mm, ss) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}")
            }
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Reads one sheet (the first by default) of a workbook. A damaged workbook can make calamine
/// panic in debug builds (arithmetic overflow found by fuzzing; release builds wrap and report
/// an error): natively the panic is caught and reported as a damaged file.
pub fn read_workbook(
    bytes: &[u8],
    file: &str,
    sheet: Option<&str>,
    progress: &mut dyn FnMut(f64),
) -> Result<Table> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            read_workbook_inner(bytes, file, sheet, progress)
        })) {
            Ok(result) => result,
            Err(_) => Err(AutoMlError::NotText {
                file: file.into(),
                reason: message!("not_text.workbook_damaged"),
            }),
        }
    }
    #[cfg(target_arch = "wasm32")]
    {
        read_workbook_inner(bytes, file, sheet, progress)
    }
}

fn read_workbook_inner(
    bytes: &[u8],
    file: &str,
    sheet: Option<&str>,
    progress: &mut dyn FnMut(f64),
) -> Result<Table> {
    let not_workbook = |reason: Message| AutoMlError::NotText {
        file: file.into(),
        reason,
    };
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        not_workbook(message!(
            "not_text.workbook_unreadable",
            detail = e.to_string()
        ))
    })?;
    let sheets = book.sheet_names();
    let name = match sheet {
        Some(s) => sheets
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| AutoMlError::BadSetting {
                name: "sheet".into(),
                reason: message!(
                    "setting.no_such_sheet",
                    file,
                    sheet = s,
                    sheets = Param::list(&sheets, 50)
                ),
            })?,
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| not_workbook(message!("not_text.workbook_no_sheets")))?,
    };
    let range = book.worksheet_range(&name).map_err(|e| {
        not_workbook(message!(
            "not_text.sheet_unreadable",
            sheet = name,
            detail = e.to_string()
        ))
    })?;
    let mut rows = range
        .rows()
        .filter(|row| row.iter().any(|c| !matches!(c, Data::Empty)));
    let header = rows.next().ok_or_else(|| AutoMlError::EmptyFile {
        file: file.into(),
        sheet: Some(name.clone()),
    })?;
    let mut notes = Vec::new();
    let names = clean_names(header.iter().map(cell_text).collect(), file, &mut notes)?;
    let mut columns = vec![TextColumn::default(); names.len()];
    for row in rows {
        for (c, col) in columns.iter_mut().enumerate() {
            col.push(&row.get(c).map(cell_text).unwrap_or_default());
        }
    }
    if columns.first().is_none_or(TextColumn::is_empty) {
        return Err(AutoMlError::NoDataRows {
            file: file.into(),
            sheet: Some(name),
        });
    }
    progress(1.0);
    if sheets.len() > 1 {
        notes.push(message!("read.sheet", sheet = name, count = sheets.len()));
    }
    Ok(Table {
        file: file.into(),
        names,
        columns,
        notes,
        sheets,
        sheet: Some(name),
        encoding: None,
    })
}
