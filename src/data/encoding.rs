//! Decoding a text file's bytes: UTF-8 (with or without a byte-order mark), UTF-16 (converted
//! by [`guard::transcode_utf16`]), Korean EUC-KR / CP949 (what Korean Excel saves as CSV), and
//! Windows-1252 for anything else; or the encoding the person chose.
//!
//! Bytes that are not UTF-8 are read as CP949 only when every byte above 0x7F belongs to a
//! valid CP949 pair *and* at least half of those pairs are Hangul syllables of the KS X 1001
//! core (lead byte 0xB0–0xC8, trail byte 0xA1–0xFE), where nearly all Korean text lies. Latin
//! text in Windows-1252 almost never passes: an accented lowercase letter (0xDF–0xFF) followed
//! by an ASCII character is not a CP949 pair, and the pairs it can form by chance ("Äp",
//! "çõ") are extension syllables or Hanja, not core Hangul. The CP949 tables are those of
//! `encoding_rs` (the WHATWG "EUC-KR" decoder, which is CP949), already in the build through
//! calamine.

use super::guard;
use crate::error::{AutoMlError, Result};
use crate::message;
use crate::messages::Message;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A text encoding the reader knows, named as on the command line (`--encoding`) and in the
/// page's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TextEncoding {
    /// UTF-8, with or without a byte-order mark.
    #[serde(rename = "utf-8")]
    Utf8,
    /// UTF-16, either byte order (a byte-order mark decides; without one, the bytes).
    #[serde(rename = "utf-16")]
    Utf16,
    /// Korean: EUC-KR and its superset CP949 (Windows code page 949, "Unified Hangul Code").
    #[serde(rename = "euc-kr")]
    EucKr,
    /// Western European: Windows code page 1252 (a superset of ISO-8859-1).
    #[serde(rename = "windows-1252")]
    Windows1252,
}

impl TextEncoding {
    /// Every encoding, in the order the page and the help list them.
    pub const ALL: [TextEncoding; 4] = [
        TextEncoding::Utf8,
        TextEncoding::Utf16,
        TextEncoding::EucKr,
        TextEncoding::Windows1252,
    ];

    /// The name used on the command line and in the protocol.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf16 => "utf-16",
            TextEncoding::EucKr => "euc-kr",
            TextEncoding::Windows1252 => "windows-1252",
        }
    }

    /// The encoding a name stands for (case and `-`/`_` ignored; `cp949`, `utf8`, `cp1252`
    /// and `latin1` are accepted too).
    pub fn parse(name: &str) -> Option<TextEncoding> {
        let key: String = name
            .trim()
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .flat_map(char::to_lowercase)
            .collect();
        match key.as_str() {
            "utf8" => Some(TextEncoding::Utf8),
            "utf16" => Some(TextEncoding::Utf16),
            "euckr" | "cp949" | "uhc" | "windows949" => Some(TextEncoding::EucKr),
            "windows1252" | "cp1252" | "latin1" | "iso88591" => Some(TextEncoding::Windows1252),
            _ => None,
        }
    }

    /// The encoding in words (a catalogue entry), for notes.
    pub fn message(self) -> Message {
        match self {
            TextEncoding::Utf8 => message!("encoding.utf_8"),
            TextEncoding::Utf16 => message!("encoding.utf_16"),
            TextEncoding::EucKr => message!("encoding.euc_kr"),
            TextEncoding::Windows1252 => message!("encoding.windows_1252"),
        }
    }
}

/// Maps a Windows-1252 byte to its character (0x80–0x9F differ from Latin-1).
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    if (0x80..0xA0).contains(&b) {
        HIGH[(b - 0x80) as usize]
    } else {
        b as char
    }
}

/// The text of `bytes` as CP949 when they look Korean (see the module's documentation), else
/// `None`.
fn korean_text(bytes: &[u8]) -> Option<String> {
    let (mut pairs, mut hangul) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let lead = bytes[i];
        if lead < 0x80 {
            i += 1;
            continue;
        }
        let trail = *bytes.get(i + 1)?;
        pairs += 1;
        if (0xB0..=0xC8).contains(&lead) && (0xA1..=0xFE).contains(&trail) {
            hangul += 1;
        }
        i += 2;
    }
    if hangul == 0 || hangul * 2 < pairs {
        return None;
    }
    // Mostly valid UTF-8 with a few stray bytes (UTF-8 accents, C3 A9, look like core pairs)
    // is damaged UTF-8, not Korean: few CP949 pairs happen to be UTF-8 sequences.
    let utf8_sequences: usize = bytes
        .utf8_chunks()
        .map(|c| c.valid().chars().filter(|ch| ch.len_utf8() > 1).count())
        .sum();
    if utf8_sequences * 2 >= pairs {
        return None;
    }
    decode_euc_kr(bytes, true)
}

/// Decodes EUC-KR (CP949, the WHATWG decoder): with `fatal`, None on a malformed sequence,
/// else with U+FFFD in its place. Natively through encoding_rs; in wasm through the
/// browser's own `TextDecoder("euc-kr")` (the same WHATWG decoder), which the bindings set in
/// [`EUC_KR_DECODER`]: encoding_rs's decoder dispatches over every encoding it knows, so
/// linking it put all of their tables (about 120 KB gzipped) into the page's engine.
#[cfg(not(target_arch = "wasm32"))]
fn decode_euc_kr(bytes: &[u8], fatal: bool) -> Option<String> {
    if fatal {
        encoding_rs::EUC_KR
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(Cow::into_owned)
    } else {
        Some(
            decode_euc_kr(bytes, false)
                .unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned()),
        )
    }
}

/// The EUC-KR decoder of the wasm build (set by the bindings at start-up).
#[cfg(target_arch = "wasm32")]
pub static EUC_KR_DECODER: std::sync::OnceLock<fn(&[u8], bool) -> Option<String>> =
    std::sync::OnceLock::new();

#[cfg(target_arch = "wasm32")]
fn decode_euc_kr(bytes: &[u8], fatal: bool) -> Option<String> {
    EUC_KR_DECODER.get().and_then(|decode| decode(bytes, fatal))
}

/// Refuses text whose first 8 KiB are mostly control characters (binary data).
fn check_control_characters(bytes: &[u8], file: &str) -> Result<()> {
    let head = &bytes[..bytes.len().min(8192)];
    let nul = head.iter().filter(|&&b| b == 0).count();
    let control = head
        .iter()
        .filter(|&&b| b < 0x09 || (0x0e..0x20).contains(&b))
        .count();
    if nul > 0 || control * 100 > head.len() {
        return Err(AutoMlError::NotText {
            file: file.into(),
            reason: message!(
                "not_text.control_characters",
                count = nul.max(control),
                bytes = head.len()
            ),
        });
    }
    Ok(())
}

/// Decodes a text file: the encoding `chosen` by the person, or the one detected (UTF-16,
/// UTF-8, CP949, Windows-1252, in that order). Returns the text and the encoding used; a note
/// says when it was not UTF-8, or that the person's choice was used. Refuses binary data.
pub fn decode_text(
    bytes: &[u8],
    file: &str,
    chosen: Option<TextEncoding>,
    notes: &mut Vec<Message>,
) -> Result<(String, TextEncoding)> {
    let Some(chosen) = chosen else {
        return detect(bytes, file, notes);
    };
    let text = match chosen {
        TextEncoding::Utf16 => {
            let utf8 = guard::transcode_utf16_forced(bytes, file, notes);
            String::from_utf8_lossy(&utf8).into_owned()
        }
        TextEncoding::Utf8 => {
            guard::check_bytes(bytes, file)?;
            let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
            String::from_utf8_lossy(body).into_owned()
        }
        TextEncoding::EucKr => {
            guard::check_bytes(bytes, file)?;
            decode_euc_kr(bytes, false)
                .unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned())
        }
        TextEncoding::Windows1252 => {
            guard::check_bytes(bytes, file)?;
            bytes.iter().map(|&b| cp1252(b)).collect()
        }
    };
    check_control_characters(text.as_bytes(), file)?;
    notes.push(message!(
        "read.encoding_chosen",
        file,
        encoding = chosen.message()
    ));
    Ok((text, chosen))
}

fn detect(bytes: &[u8], file: &str, notes: &mut Vec<Message>) -> Result<(String, TextEncoding)> {
    let converted = guard::transcode_utf16(bytes, file, notes);
    if let Cow::Owned(utf8) = converted {
        guard::check_bytes(&utf8, file)?;
        check_control_characters(&utf8, file)?;
        return Ok((
            String::from_utf8(utf8).unwrap_or_default(),
            TextEncoding::Utf16,
        ));
    }
    guard::check_bytes(bytes, file)?;
    check_control_characters(bytes, file)?;
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(body) {
        return Ok((text.to_string(), TextEncoding::Utf8));
    }
    if let Some(text) = korean_text(bytes) {
        notes.push(message!("read.euc_kr", file));
        return Ok((text, TextEncoding::EucKr));
    }
    notes.push(message!("read.windows_1252", file));
    Ok((
        bytes.iter().map(|&b| cp1252(b)).collect(),
        TextEncoding::Windows1252,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detected(bytes: &[u8]) -> (String, TextEncoding, Vec<String>) {
        let mut notes = Vec::new();
        let (text, encoding) = decode_text(bytes, "f.csv", None, &mut notes).unwrap();
        (
            text,
            encoding,
            notes.iter().map(|n| n.code.clone()).collect(),
        )
    }

    #[test]
    fn names_parse_and_round_trip() {
        for e in TextEncoding::ALL {
            assert_eq!(TextEncoding::parse(e.name()), Some(e));
            assert_eq!(
                serde_json::to_string(&e).unwrap(),
                format!("\"{}\"", e.name())
            );
        }
        assert_eq!(TextEncoding::parse("CP949"), Some(TextEncoding::EucKr));
        assert_eq!(TextEncoding::parse("UTF8"), Some(TextEncoding::Utf8));
        assert_eq!(
            TextEncoding::parse("latin-1"),
            Some(TextEncoding::Windows1252)
        );
        assert_eq!(TextEncoding::parse("shift_jis"), None);
    }

    #[test]
    fn korean_bytes_are_cp949_and_latin_bytes_stay_windows_1252() {
        // "이름,점수\n철수,90\n" in CP949
        let korean = b"\xc0\xcc\xb8\xa7,\xc1\xa1\xbc\xf6\n\xc3\xb6\xbc\xf6,90\n";
        assert_eq!(
            detected(korean),
            (
                "이름,점수\n철수,90\n".to_string(),
                TextEncoding::EucKr,
                vec!["read.euc_kr".to_string()]
            )
        );
        // An extension syllable of CP949 (똠 = 8C 63) beside core ones still reads as Korean.
        assert_eq!(detected(b"\x8c\x63\xbe\xe7,1\n").0, "똠양,1\n");
        // Latin text whose high bytes happen to form CP949 pairs, none of them core Hangul:
        // "Äpfel" (C4 70: an extension syllable), "ações" (E7 F5: a Hanja).
        for latin in [&b"name\n\xc4pfel\n"[..], &b"a\na\xe7\xf5es\n"[..]] {
            let (text, encoding, notes) = detected(latin);
            assert_eq!(encoding, TextEncoding::Windows1252, "{text}");
            assert_eq!(notes, vec!["read.windows_1252".to_string()]);
        }
        assert_eq!(detected(b"x\nJos\xe9\n").0, "x\nJosé\n");
        // UTF-8 accents (C3 A9 looks like a core pair) with one stray byte are not Korean.
        assert_eq!(
            detected(
                "é,ü\né,é\n"
                    .as_bytes()
                    .iter()
                    .chain(b"\xb0\xa1")
                    .copied()
                    .collect::<Vec<u8>>()
                    .as_slice()
            )
            .1,
            TextEncoding::Windows1252
        );
        // A lone lead byte at the end is not CP949.
        assert_eq!(detected(b"x\n\xb0").1, TextEncoding::Windows1252);
    }

    #[test]
    fn a_chosen_encoding_overrides_detection() {
        let korean = "이름\n철수\n";
        let mut notes = Vec::new();
        let (text, encoding) = decode_text(
            korean.as_bytes(),
            "k.csv",
            Some(TextEncoding::Windows1252),
            &mut notes,
        )
        .unwrap();
        assert_eq!(encoding, TextEncoding::Windows1252);
        assert!(text.starts_with("ì") && !text.contains('이'), "{text}");
        assert_eq!(notes[0].code, "read.encoding_chosen");
        let mut notes = Vec::new();
        let utf16: Vec<u8> = "a,b\n1,2\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let (text, _) =
            decode_text(&utf16, "u.csv", Some(TextEncoding::Utf16), &mut notes).unwrap();
        assert_eq!(text, "a,b\n1,2\n");
        let mut notes = Vec::new();
        let err = decode_text(&utf16, "u.csv", Some(TextEncoding::Utf8), &mut notes);
        assert!(matches!(err, Err(AutoMlError::NotText { .. })), "{err:?}");
    }
}
