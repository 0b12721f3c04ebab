//! Reading bytes into a [`Table`]: decoding (through [`super::encoding`]: UTF-8, UTF-16,
//! CP949, Windows-1252, or the person's choice), delimiter detection, workbooks, size limits,
//! header names.

use super::encoding::{decode_text, TextEncoding};
use super::*;

// ----- reading ---------------------------------------------------------------------------

/// Splits a line into fields on `delimiter`, honouring double quotes (enough to count fields).
fn count_fields(line: &str, delimiter: char) -> usize {
    let mut n = 1;
    let mut quoted = false;
    for ch in line.chars() {
        if ch == '"' {
            quoted = !quoted;
        } else if ch == delimiter && !quoted {
            n += 1;
        }
    }
    n
}

/// Picks the delimiter (comma, semicolon, tab or pipe) that splits the first lines into the
/// same number of fields, more than one; ties go to the one giving more fields.
fn detect_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let mut best = (b',', 0usize, false);
    for d in [',', ';', '\t', '|'] {
        let counts: Vec<usize> = lines.iter().map(|l| count_fields(l, d)).collect();
        let header = counts.first().copied().unwrap_or(1);
        if header < 2 {
            continue;
        }
        let consistent = counts.iter().all(|&c| c == header);
        let better = (consistent && !best.2) || (consistent == best.2 && header > best.1);
        if better {
            best = (d as u8, header, consistent);
        }
    }
    best.0
}

/// Options for reading a file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReadOptions {
    /// For a workbook, the sheet to read. By default, the first.
    pub sheet: Option<String>,
    /// For a text file, the encoding to read it with. By default, the one detected.
    pub encoding: Option<TextEncoding>,
}

/// Reads a CSV/TSV text file or an Excel workbook with default options.
pub fn read_csv(bytes: &[u8], file: &str) -> Result<Table> {
    read_table(bytes, file, &ReadOptions::default(), &mut |_| {})
}

/// Whether `file` is read as a workbook: a ZIP or an old Office file, or named like a workbook.
pub fn is_workbook(bytes: &[u8], file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
        || [".xlsx", ".xlsm", ".xls", ".ods"]
            .iter()
            .any(|e| lower.ends_with(e))
}

/// Reads a file: delimited text (delimiter detected) or an Excel/OpenDocument workbook.
/// `progress` is called with the share of the file read so far, now and then.
pub fn read_table(
    bytes: &[u8],
    file: &str,
    options: &ReadOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<Table> {
    if bytes.is_empty() {
        return Err(AutoMlError::EmptyFile {
            file: file.into(),
            sheet: None,
        });
    }
    // A workbook's sheet, already read by the workbook wasm (its size was checked as a workbook).
    if super::image::is_image(bytes) {
        progress(1.0);
        return super::image::read_image(bytes, file);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AutoMlError::TooLarge {
            file: file.into(),
            bytes: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    if is_workbook(bytes, file) {
        #[cfg(feature = "workbook")]
        return crate::data::workbook::read_workbook(
            bytes,
            file,
            options.sheet.as_deref(),
            progress,
        );
        #[cfg(not(feature = "workbook"))]
        return Err({
            let _ = options;
            AutoMlError::NotText {
                file: file.into(),
                reason: message!("not_text.no_workbook_reader"),
            }
        });
    }
    let mut notes = Vec::new();
    let (text, encoding) = decode_text(bytes, file, options.encoding, &mut notes)?;
    if text.trim().is_empty() {
        return Err(AutoMlError::EmptyFile {
            file: file.into(),
            sheet: None,
        });
    }
    let delimiter = detect_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| AutoMlError::Csv {
        file: file.into(),
        line: e.position().map(|p| p.line()),
        reason: message!("csv.reader", detail = e.to_string()),
    };
    let header = reader.headers().map_err(csv_error)?.clone();
    guard::check_header(&header, file)?;
    let raw_names: Vec<String> = header.iter().map(str::to_string).collect();
    let names = clean_names(raw_names, file, &mut notes)?;
    let width = names.len();
    let mut columns: Vec<TextColumn> = vec![TextColumn::default(); width];
    let mut blank = 0usize;
    let mut record = csv::StringRecord::new();
    let total = text.len().max(1) as f64;
    let mut rows = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(e)),
        }
        guard::check_record(&record, width, file)?;
        if record.iter().all(|f| f.trim().is_empty()) {
            blank += 1;
            continue;
        }
        if record.len() != width {
            return Err(AutoMlError::RaggedRow {
                file: file.into(),
                line: record.position().map_or(0, |p| p.line()),
                found: record.len(),
                expected: width,
            });
        }
        for (col, field) in columns.iter_mut().zip(record.iter()) {
            col.push(field);
        }
        rows += 1;
        if rows.is_multiple_of(20_000) {
            progress(record.position().map_or(0.0, |p| p.byte() as f64 / total));
        }
    }
    progress(1.0);
    if blank > 0 {
        notes.push(message!("read.blank_lines", count = blank));
    }
    if delimiter != b',' {
        let delimiter = match delimiter {
            b';' => message!("delimiter.semicolons"),
            b'\t' => message!("delimiter.tabs"),
            _ => message!("delimiter.pipes"),
        };
        notes.push(message!("read.delimiter", delimiter));
    }
    if columns.first().is_none_or(TextColumn::is_empty) {
        return Err(AutoMlError::NoDataRows {
            file: file.into(),
            sheet: None,
        });
    }
    Ok(Table {
        file: file.into(),
        names,
        columns,
        notes,
        sheets: Vec::new(),
        sheet: None,
        encoding: Some(encoding),
    })
}

/// Trims header names, names empty ones `column_N` (with a note) and refuses duplicates and
/// too many columns.
pub fn clean_names(raw: Vec<String>, file: &str, notes: &mut Vec<Message>) -> Result<Vec<String>> {
    if raw.len() > MAX_COLUMNS {
        return Err(AutoMlError::TooManyColumns {
            file: file.into(),
            columns: raw.len(),
            limit: MAX_COLUMNS,
        });
    }
    let mut names: Vec<String> = Vec::with_capacity(raw.len());
    let mut seen: HashSet<String> = HashSet::new();
    let mut unnamed = Vec::new();
    for (i, raw) in raw.iter().enumerate() {
        let name = raw.trim();
        let name = if name.is_empty() {
            unnamed.push(i + 1);
            format!("column_{}", i + 1)
        } else {
            name.to_string()
        };
        if !seen.insert(name.clone()) {
            return Err(AutoMlError::DuplicateColumn {
                file: file.into(),
                name,
            });
        }
        names.push(name);
    }
    if !unnamed.is_empty() {
        notes.push(message!(
            "read.unnamed_columns",
            count = unnamed.len(),
            columns = Param::list(unnamed.iter().map(|i| i.to_string()), 5)
        ));
    }
    Ok(names)
}
