//! A table image: a [`Table`] already read, as bytes. The page's main wasm is built without the
//! workbook reader (calamine, zip, XML and encodings weigh more than the rest of the reading
//! code together); a second, smaller wasm reads a workbook's sheet and hands the page its image,
//! which the main wasm's [`crate::data::read_table`] reads back as the very table the workbook
//! reader made: names, cells, notes, sheet names and the sheet read.
//!
//! Format (little-endian): the magic [`MAGIC`] (it starts with a NUL byte, which no text file
//! the reader accepts has), a u64 length and the JSON of the table's names, notes, sheets, sheet
//! and row count, then per column a u64 length and its cells' text, and one u64 end offset per
//! row. Reading checks every length and offset, so a damaged image is an error, never a panic.

use crate::data::{Table, TextColumn};
use crate::error::{AutoMlError, Result};
use crate::message;
use crate::messages::Message;
use serde::{Deserialize, Serialize};

/// The first bytes of every table image.
pub const MAGIC: &[u8] = b"\0AUTOML-TABLE 1\n";

/// Everything of a table but its cells.
#[derive(Serialize, Deserialize)]
struct Head {
    names: Vec<String>,
    notes: Vec<Message>,
    sheets: Vec<String>,
    sheet: Option<String>,
    rows: usize,
}

/// Whether `bytes` are a table image.
pub fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

fn push_u64(out: &mut Vec<u8>, value: usize) {
    out.extend_from_slice(&(value as u64).to_le_bytes());
}

/// The image of `table`.
pub fn write_image(table: &Table) -> Vec<u8> {
    let head = Head {
        names: table.names.clone(),
        notes: table.notes.clone(),
        sheets: table.sheets.clone(),
        sheet: table.sheet.clone(),
        rows: table.n_rows(),
    };
    // A struct of strings, lists and numbers always serializes.
    let head = serde_json::to_vec(&head).unwrap_or_default();
    let cells: usize = table
        .columns
        .iter()
        .map(|c| c.text().len() + 8 * (c.len() + 1))
        .sum();
    let mut out = Vec::with_capacity(MAGIC.len() + 8 + head.len() + cells);
    out.extend_from_slice(MAGIC);
    push_u64(&mut out, head.len());
    out.extend_from_slice(&head);
    for column in &table.columns {
        push_u64(&mut out, column.text().len());
        out.extend_from_slice(column.text().as_bytes());
        for &end in column.ends() {
            push_u64(&mut out, end);
        }
    }
    out
}

/// Reads the image `bytes` of a table read from the file `file`.
pub fn read_image(bytes: &[u8], file: &str) -> Result<Table> {
    let damaged = || AutoMlError::NotText {
        file: file.into(),
        reason: message!("not_text.table_image_damaged"),
    };
    let mut rest = bytes.strip_prefix(MAGIC).ok_or_else(damaged)?;
    let mut take = |n: usize| -> Result<&[u8]> {
        if n > rest.len() {
            return Err(damaged());
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Ok(head)
    };
    fn number(bytes: &[u8]) -> usize {
        let mut b = [0u8; 8];
        b.copy_from_slice(bytes);
        usize::try_from(u64::from_le_bytes(b)).unwrap_or(usize::MAX)
    }
    let head_len = number(take(8)?);
    let head: Head = serde_json::from_slice(take(head_len)?).map_err(|_| damaged())?;
    let mut columns = Vec::with_capacity(head.names.len());
    for _ in 0..head.names.len() {
        let text_len = number(take(8)?);
        let text = std::str::from_utf8(take(text_len)?).map_err(|_| damaged())?;
        let ends_bytes = take(head.rows.checked_mul(8).ok_or_else(damaged)?)?;
        let ends: Vec<usize> = ends_bytes.chunks_exact(8).map(number).collect();
        columns.push(TextColumn::from_parts(text.to_string(), ends).ok_or_else(damaged)?);
    }
    if !rest.is_empty() {
        return Err(damaged());
    }
    Ok(Table {
        file: file.into(),
        names: head.names,
        columns,
        notes: head.notes,
        sheets: head.sheets,
        sheet: head.sheet,
        // images are of workbooks, which are not text
        encoding: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            file: "book.xlsx".into(),
            names: vec!["a".into(), "b é".into()],
            columns: vec![
                ["1", "", "3.5"].into_iter().collect(),
                ["x", "ü,\"q\"", ""].into_iter().collect(),
            ],
            notes: vec![message!("read.sheet", sheet = "Two", count = 2)],
            sheets: vec!["One".into(), "Two".into()],
            sheet: Some("Two".into()),
            encoding: None,
        }
    }

    #[test]
    fn a_table_reads_back_as_it_was() {
        let t = table();
        let back = read_image(&write_image(&t), "book.xlsx").unwrap();
        assert_eq!(back.names, t.names);
        assert_eq!(back.columns, t.columns);
        assert_eq!(back.notes, t.notes);
        assert_eq!(back.sheets, t.sheets);
        assert_eq!(back.sheet, t.sheet);
        assert_eq!(back.file, "book.xlsx");
    }

    #[test]
    fn every_cut_or_changed_image_is_an_error_not_a_panic() {
        let image = write_image(&table());
        for n in 0..image.len() {
            assert!(read_image(&image[..n], "f").is_err(), "cut at {n}");
        }
        let mut longer = image.clone();
        longer.push(b'x');
        assert!(read_image(&longer, "f").is_err());
        for i in MAGIC.len()..image.len() {
            for v in [0u8, 0x7f, 0xff] {
                let mut changed = image.clone();
                changed[i] = v;
                let _ = read_image(&changed, "f");
            }
        }
    }
}
