//! Checks on untrusted file bytes, kept apart from the parsing in `data.rs`: what the reader
//! runs before decoding (known binary formats, NUL bytes, UTF-16 text, which it converts) and
//! while parsing (how many columns, how long one field may be, an opening quote that is never
//! closed). Each limit is a named constant, and each refusal names the limit and the line.
//! Must not: decide column kinds, or know about JavaScript or the terminal.

use crate::error::{AutoMlError, Result};
use crate::message;
use crate::messages::Message;
use std::borrow::Cow;

/// Most columns a file may have: as many as a spreadsheet holds (Excel's 16,384). A wider file
/// is almost always something else (one long line of numbers, a wrong delimiter), and the page
/// could not show it.
pub const MAX_COLUMNS: usize = 16_384;

/// Most bytes in one field (a cell or a column name): 1 MiB. Real cells are far shorter; a
/// longer one is nearly always a double quote that is never closed, swallowing the file.
pub const MAX_FIELD_BYTES: usize = 1 << 20;

/// What to say about a format people load by mistake.
type Reason = fn() -> Message;

/// File signatures of formats that people load by mistake, with what to say about them.
const SIGNATURES: [(&[u8], Reason); 7] = [
    (b"PK\x03\x04", || message!("not_text.zip")),
    (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", || {
        message!("not_text.old_office")
    }),
    (b"%PDF", || message!("not_text.pdf")),
    (b"\x89PNG\r\n\x1a\n", || message!("not_text.png")),
    (b"\xFF\xD8\xFF", || message!("not_text.jpeg")),
    (b"\x1F\x8B", || message!("not_text.gzip")),
    (b"SQLite format 3\x00", || message!("not_text.sqlite")),
];

/// Refuses bytes that are certainly not text: a known binary format, or a NUL byte anywhere
/// (text never holds one; the reader's own check only looks at the first 8 KiB).
/// Run it after [`transcode_utf16`], whose input legitimately holds NUL bytes.
pub fn check_bytes(bytes: &[u8], file: &str) -> Result<()> {
    for (magic, what) in SIGNATURES {
        if bytes.starts_with(magic) {
            return Err(AutoMlError::NotText {
                file: file.into(),
                reason: what(),
            });
        }
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(AutoMlError::NotText {
            file: file.into(),
            reason: message!("not_text.nul_byte", byte = at + 1),
        });
    }
    Ok(())
}

/// Byte order of UTF-16 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Utf16 {
    Little,
    Big,
}

/// UTF-16 is recognised by its byte-order mark, or without one by text whose every other byte
/// is NUL (ASCII characters in UTF-16): in the first 512 byte pairs, at least 90% of one half
/// and none of the other.
fn detect_utf16(bytes: &[u8]) -> Option<(Utf16, usize)> {
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return Some((Utf16::Little, 2));
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return Some((Utf16::Big, 2));
    }
    let pairs = (bytes.len() / 2).min(512);
    if pairs < 2 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in bytes[..pairs * 2].chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    if even == 0 && odd * 10 >= pairs * 9 {
        Some((Utf16::Little, 0))
    } else if odd == 0 && even * 10 >= pairs * 9 {
        Some((Utf16::Big, 0))
    } else {
        None
    }
}

/// Converts UTF-16 text (what spreadsheets save as "Unicode text") to UTF-8 with a note;
/// other bytes are returned as they are. Invalid sequences and a trailing odd byte become
/// U+FFFD, counted in the note.
pub fn transcode_utf16<'a>(bytes: &'a [u8], file: &str, notes: &mut Vec<Message>) -> Cow<'a, [u8]> {
    match detect_utf16(bytes) {
        Some((order, skip)) => Cow::Owned(transcode(&bytes[skip..], order, file, notes)),
        None => Cow::Borrowed(bytes),
    }
}

/// Converts bytes the person says are UTF-16: in the order their byte-order mark or their
/// NUL bytes show, else little-endian (what Windows writes).
pub fn transcode_utf16_forced(bytes: &[u8], file: &str, notes: &mut Vec<Message>) -> Vec<u8> {
    let (order, skip) = detect_utf16(bytes).unwrap_or((Utf16::Little, 0));
    transcode(&bytes[skip..], order, file, notes)
}

fn transcode(body: &[u8], order: Utf16, file: &str, notes: &mut Vec<Message>) -> Vec<u8> {
    let units = body.chunks_exact(2).map(|p| match order {
        Utf16::Little => u16::from_le_bytes([p[0], p[1]]),
        Utf16::Big => u16::from_be_bytes([p[0], p[1]]),
    });
    let mut replaced = body.len() % 2;
    let mut text = String::with_capacity(body.len() / 2);
    for unit in char::decode_utf16(units) {
        match unit {
            Ok(c) => text.push(c),
            Err(_) => {
                replaced += 1;
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    if body.len() % 2 == 1 {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    let order = match order {
        Utf16::Little => message!("utf16.little_endian"),
        Utf16::Big => message!("utf16.big_endian"),
    };
    notes.push(if replaced > 0 {
        message!("read.utf16_damaged", file, order, count = replaced)
    } else {
        message!("read.utf16_order", file, order)
    });
    text.into_bytes()
}

fn too_long(file: &str, line: u64, what: Message, len: usize) -> AutoMlError {
    AutoMlError::Csv {
        file: file.into(),
        line: Some(line),
        reason: message!("csv.field_too_long", what, len, limit = MAX_FIELD_BYTES),
    }
}

/// Checks the header row: at most [`MAX_COLUMNS`] columns, each name at most
/// [`MAX_FIELD_BYTES`] long.
pub fn check_header(header: &csv::StringRecord, file: &str) -> Result<()> {
    if header.len() > MAX_COLUMNS {
        return Err(AutoMlError::Csv {
            file: file.into(),
            line: Some(1),
            reason: message!(
                "csv.header_too_wide",
                columns = header.len(),
                limit = MAX_COLUMNS
            ),
        });
    }
    let line = header.position().map_or(1, |p| p.line());
    if let Some(i) = header.iter().position(|f| f.len() > MAX_FIELD_BYTES) {
        return Err(too_long(
            file,
            line,
            message!("csv.column_name", column = i + 1),
            header.get(i).map_or(0, str::len),
        ));
    }
    if let Some(i) = header.iter().position(|f| f.matches('\n').count() > 1) {
        return Err(AutoMlError::Csv {
            file: file.into(),
            line: Some(line),
            reason: message!("csv.header_unclosed_quote", column = i + 1),
        });
    }
    Ok(())
}

/// Checks one data record against the header's `width`: every field at most
/// [`MAX_FIELD_BYTES`] long, and a short record whose field ran over a line break is reported
/// as the unclosed quote it almost always is (the reader would otherwise only say the row is
/// short, far from the real cause).
pub fn check_record(record: &csv::StringRecord, width: usize, file: &str) -> Result<()> {
    let line = record.position().map_or(0, |p| p.line());
    if let Some(i) = record.iter().position(|f| f.len() > MAX_FIELD_BYTES) {
        return Err(too_long(
            file,
            line,
            message!("csv.field_of_row", field = i + 1, line),
            record.get(i).map_or(0, str::len),
        ));
    }
    if record.len() < width {
        if let Some(i) = record.iter().position(|f| f.contains(['\n', '\r'])) {
            let breaks = record.get(i).map_or(0, |f| f.matches('\n').count());
            if breaks > 1 {
                return Err(AutoMlError::Csv {
                    file: file.into(),
                    line: Some(line),
                    reason: message!(
                        "csv.unclosed_quote",
                        field = i + 1,
                        breaks,
                        found = record.len(),
                        expected = width
                    ),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        for unit in text.encode_utf16() {
            out.extend(unit.to_le_bytes());
        }
        out
    }

    #[test]
    fn known_binary_formats_are_named() {
        let e = check_bytes(b"PK\x03\x04rest", "book.xlsx").unwrap_err();
        assert!(e.to_string().contains("ZIP archive"), "{e}");
        let e = check_bytes(b"%PDF-1.7\n", "a.csv").unwrap_err();
        assert!(e.to_string().contains("PDF"), "{e}");
    }

    #[test]
    fn a_nul_byte_anywhere_is_refused_with_its_position() {
        let mut bytes = vec![b'a'; 10_000];
        bytes[9_000] = 0;
        let e = check_bytes(&bytes, "n.csv").unwrap_err();
        assert!(e.to_string().contains("byte 9001"), "{e}");
        assert!(check_bytes(b"a,b\n1,2\n", "ok.csv").is_ok());
    }

    #[test]
    fn utf16_with_and_without_bom_is_converted() {
        let mut notes = Vec::new();
        let with_bom = utf16le("a\tb\n1\té\n", true);
        let out = transcode_utf16(&with_bom, "u.txt", &mut notes);
        assert_eq!(std::str::from_utf8(&out).unwrap(), "a\tb\n1\té\n");
        assert!(notes[0].to_string().contains("UTF-16"), "{notes:?}");
        let without_bom = utf16le("x,y\n1,2\n", false);
        let out = transcode_utf16(&without_bom, "u.csv", &mut notes);
        assert_eq!(std::str::from_utf8(&out).unwrap(), "x,y\n1,2\n");
        let mut be = vec![0xFE, 0xFF];
        for unit in "x\n".encode_utf16() {
            be.extend(unit.to_be_bytes());
        }
        assert_eq!(&*transcode_utf16(&be, "b.csv", &mut notes), b"x\n");
    }

    #[test]
    fn damaged_utf16_is_replaced_and_counted() {
        let mut bytes = utf16le("ab", true);
        bytes.extend([0x00, 0xD8]); // a lone high surrogate
        bytes.push(b'x'); // an odd trailing byte
        let mut notes = Vec::new();
        let out = transcode_utf16(&bytes, "d.csv", &mut notes);
        assert!(std::str::from_utf8(&out).unwrap().starts_with("ab\u{FFFD}"));
        assert!(notes[0].to_string().contains("2 damaged"), "{notes:?}");
    }

    #[test]
    fn plain_text_is_left_alone() {
        let mut notes = Vec::new();
        assert!(matches!(
            transcode_utf16(b"a,b\n1,2\n", "p.csv", &mut notes),
            Cow::Borrowed(_)
        ));
        assert!(notes.is_empty());
    }

    #[test]
    fn too_many_columns_and_too_long_fields_name_the_limit() {
        let wide = csv::StringRecord::from(vec![""; MAX_COLUMNS + 1]);
        let e = check_header(&wide, "w.csv").unwrap_err();
        assert!(e.to_string().contains("16384"), "{e}");
        let long = "x".repeat(MAX_FIELD_BYTES + 1);
        let record = csv::StringRecord::from(vec!["1", long.as_str()]);
        let e = check_record(&record, 2, "l.csv").unwrap_err();
        assert!(e.to_string().contains("1 MiB"), "{e}");
    }

    #[test]
    fn a_short_record_over_line_breaks_is_an_unclosed_quote() {
        let record = csv::StringRecord::from(vec!["4", "open,5\n6,7,8\n9,9,9\n"]);
        let e = check_record(&record, 3, "q.csv").unwrap_err();
        assert!(e.to_string().contains("never closed"), "{e}");
        let fine = csv::StringRecord::from(vec!["4", "two\nlines", "x"]);
        assert!(check_record(&fine, 3, "q.csv").is_ok());
    }
}
