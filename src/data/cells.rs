//! Reading single cells: missing-value tokens, numbers in the formats a whole column can agree
//! on (plain, thousands separators, decimal comma), booleans and dates/times.
//! Must not: decide a column's kind (that is `data`'s job) or allocate per cell.

use crate::message;
use crate::messages::Message;
use serde::{Deserialize, Serialize};

/// Cell texts that mean "no value" (compared case-insensitively, after trimming).
pub const MISSING_TOKENS: [&str; 8] = ["", "na", "n/a", "nan", "null", "none", "?", "-"];

/// Whether a cell's text means "no value".
pub fn is_missing(cell: &str) -> bool {
    let c = cell.trim();
    c.is_empty() || MISSING_TOKENS.iter().any(|t| c.eq_ignore_ascii_case(t))
}

/// How a column writes its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum NumberFormat {
    /// `1234.5`, `-1e3`.
    #[default]
    Plain,
    /// `1,234.5`: comma between thousands, point before decimals.
    ThousandsComma,
    /// `1.234,5` or `3,14`: point (or nothing) between thousands, comma before decimals.
    DecimalComma,
    /// `1 234.5` or `1 234,5`: spaces between thousands.
    ThousandsSpace,
}

impl NumberFormat {
    /// The formats tried, in order, when a column is not plain.
    pub const FALLBACKS: [NumberFormat; 3] = [
        NumberFormat::ThousandsComma,
        NumberFormat::DecimalComma,
        NumberFormat::ThousandsSpace,
    ];

    /// How the numbers are written, as a word of the message catalogue (for notes).
    pub fn message(self) -> Message {
        match self {
            NumberFormat::Plain => message!("number_format.plain"),
            NumberFormat::ThousandsComma => message!("number_format.thousands_comma"),
            NumberFormat::DecimalComma => message!("number_format.decimal_comma"),
            NumberFormat::ThousandsSpace => message!("number_format.thousands_space"),
        }
    }
}

/// A cell's value as a finite number: `Some` only for a plain finite number.
pub fn parse_number(cell: &str) -> Option<f64> {
    parse_number_as(cell, NumberFormat::Plain)
}

fn plain(text: &str) -> Option<f64> {
    let t = text.strip_prefix('+').unwrap_or(text);
    // Rust accepts "inf", "nan" and "infinity"; a number here needs a digit
    if !t.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => None,
    }
}

/// Checks `digits(sep digit{3})*` and returns the digits without separators.
fn ungroup(int_part: &str, sep: char, out: &mut String) -> bool {
    let (sign, body) = match int_part.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", int_part.strip_prefix('+').unwrap_or(int_part)),
    };
    let mut groups = body.split(sep);
    let first = groups.next().unwrap_or("");
    if first.is_empty() || first.len() > 3 || !first.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    out.push_str(sign);
    out.push_str(first);
    for g in groups {
        if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        out.push_str(g);
    }
    true
}

/// Finishes a number whose integer digits are in `digits`: appends the fraction digits, if
/// any (they must be digits), and reads the result as a plain number.
fn with_fraction(mut digits: String, frac: Option<&str>) -> Option<f64> {
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.push('.');
        digits.push_str(f);
    }
    plain(&digits)
}

/// A cell's value as a finite number written in `format`.
pub fn parse_number_as(cell: &str, format: NumberFormat) -> Option<f64> {
    let c = cell.trim();
    match format {
        NumberFormat::Plain => plain(c),
        NumberFormat::ThousandsComma => {
            if !c.contains(',') {
                return plain(c);
            }
            let (int_part, frac) = match c.split_once('.') {
                Some((i, f)) => (i, Some(f)),
                None => (c, None),
            };
            let mut s = String::with_capacity(c.len());
            if !ungroup(int_part, ',', &mut s) {
                return None;
            }
            with_fraction(s, frac)
        }
        NumberFormat::DecimalComma => {
            let (int_part, frac) = match c.split_once(',') {
                Some((i, f)) => (i, Some(f)),
                None => (c, None),
            };
            let mut s = String::with_capacity(c.len());
            if int_part.contains('.') {
                if !ungroup(int_part, '.', &mut s) {
                    return None;
                }
            } else {
                if int_part.is_empty() && frac.is_none() {
                    return None;
                }
                s.push_str(int_part);
            }
            with_fraction(s, frac)
        }
        NumberFormat::ThousandsSpace => {
            let is_space = |ch: char| ch == ' ' || ch == '\u{a0}' || ch == '\u{202f}';
            if !c.contains(is_space) {
                return plain(c).or_else(|| parse_number_as(c, NumberFormat::DecimalComma));
            }
            let normalized: String = c
                .chars()
                .map(|ch| if is_space(ch) { ' ' } else { ch })
                .collect();
            let (int_part, frac) = match normalized.find(['.', ',']) {
                Some(i) => (&normalized[..i], Some(&normalized[i + 1..])),
                None => (normalized.as_str(), None),
            };
            let mut s = String::with_capacity(c.len());
            if !ungroup(int_part, ' ', &mut s) {
                return None;
            }
            with_fraction(s, frac)
        }
    }
}

/// Whether a cell spells an infinity ("inf", "-Infinity", ...).
pub fn is_infinity_token(cell: &str) -> bool {
    let c = cell.trim().trim_start_matches(['+', '-']);
    c.eq_ignore_ascii_case("inf") || c.eq_ignore_ascii_case("infinity")
}

/// A boolean spelling: `Some(true)` for true/yes/y/t/1, `Some(false)` for false/no/n/f/0.
pub fn parse_bool(cell: &str) -> Option<bool> {
    let c = cell.trim();
    const TRUE: [&str; 5] = ["true", "yes", "y", "t", "1"];
    const FALSE: [&str; 5] = ["false", "no", "n", "f", "0"];
    if TRUE.iter().any(|t| c.eq_ignore_ascii_case(t)) {
        Some(true)
    } else if FALSE.iter().any(|t| c.eq_ignore_ascii_case(t)) {
        Some(false)
    } else {
        None
    }
}

/// How a column writes its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateFormat {
    /// `2024-03-05`, optionally with a time (`T` or space), seconds, fraction and zone.
    Iso,
    /// `2024/03/05`, optionally with a time.
    YearSlash,
    /// `2024-03` (a month).
    YearMonth,
    /// `05/03/2024`, `05.03.2024` or `05-03-2024`: day first.
    DayFirst,
    /// `03/05/2024`: month first.
    MonthFirst,
    /// `1999`: a year (chosen only for whole numbers in a column named like a year).
    Year,
}

impl DateFormat {
    /// Every format, in the order they are tried.
    pub const ALL: [DateFormat; 5] = [
        DateFormat::Iso,
        DateFormat::YearSlash,
        DateFormat::YearMonth,
        DateFormat::MonthFirst,
        DateFormat::DayFirst,
    ];

    /// How the dates are written, as a word of the message catalogue (for notes).
    pub fn message(self) -> Message {
        match self {
            DateFormat::Iso => message!("date_format.iso"),
            DateFormat::YearSlash => message!("date_format.year_slash"),
            DateFormat::YearMonth => message!("date_format.year_month"),
            DateFormat::DayFirst => message!("date_format.day_first"),
            DateFormat::MonthFirst => message!("date_format.month_first"),
            DateFormat::Year => message!("date_format.year"),
        }
    }
}

/// A parsed date and time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateTime {
    /// Seconds since 1970-01-01T00:00:00 (local time as written; zones are applied).
    pub seconds: f64,
    /// Whether the cell had a time of day.
    pub has_time: bool,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn number(s: &str, min_len: usize, max_len: usize) -> Option<u32> {
    if s.len() < min_len || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn make_date(y: i64, m: u32, d: u32) -> Option<i64> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || !(1000..=9999).contains(&y) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// Parses `HH:MM[:SS[.fff]][Z|±HH:MM]` into seconds after midnight (zone applied).
fn parse_time(t: &str) -> Option<f64> {
    let t = t.trim();
    let (clock, offset) = if let Some(c) = t.strip_suffix('Z') {
        (c, 0.0)
    } else if let Some(i) = t.rfind(['+', '-']).filter(|&i| i >= 5) {
        let (c, z) = t.split_at(i);
        let sign = if z.starts_with('-') { -1.0 } else { 1.0 };
        let z = &z[1..];
        let (zh, zm) = z
            .split_once(':')
            .unwrap_or((z.get(..2)?, z.get(2..).unwrap_or("0")));
        (
            c,
            sign * (number(zh, 1, 2)? as f64 * 3600.0 + number(zm, 1, 2)? as f64 * 60.0),
        )
    } else {
        (t, 0.0)
    };
    let mut parts = clock.split(':');
    let h = number(parts.next()?, 1, 2)?;
    let m = number(parts.next()?, 2, 2)?;
    let s = match parts.next() {
        Some(sec) => {
            let v: f64 = sec.parse().ok()?;
            if !(0.0..61.0).contains(&v) || !sec.bytes().next()?.is_ascii_digit() {
                return None;
            }
            v
        }
        None => 0.0,
    };
    if parts.next().is_some() || h > 23 || m > 59 {
        return None;
    }
    Some(h as f64 * 3600.0 + m as f64 * 60.0 + s - offset)
}

fn with_time(days: i64, rest: Option<&str>) -> Option<DateTime> {
    let base = days as f64 * 86_400.0;
    match rest.map(str::trim).filter(|r| !r.is_empty()) {
        None => Some(DateTime {
            seconds: base,
            has_time: false,
        }),
        Some(r) => Some(DateTime {
            seconds: base + parse_time(r)?,
            has_time: true,
        }),
    }
}

/// Parses a cell written in `format`.
pub fn parse_date_as(cell: &str, format: DateFormat) -> Option<DateTime> {
    let c = cell.trim();
    if format == DateFormat::Year {
        let days = make_date(number(c, 4, 4)? as i64, 1, 1)?;
        return Some(DateTime {
            seconds: days as f64 * 86_400.0,
            has_time: false,
        });
    }
    if c.len() < 7 || c.len() > 40 {
        return None;
    }
    let split_time = |s: &str| -> (String, Option<String>) {
        match s.find(['T', ' ']) {
            Some(i) => (s[..i].to_string(), Some(s[i + 1..].to_string())),
            None => (s.to_string(), None),
        }
    };
    match format {
        DateFormat::Iso | DateFormat::YearSlash => {
            let sep = if format == DateFormat::Iso { '-' } else { '/' };
            let (date, time) = split_time(c);
            let mut p = date.split(sep);
            let y = number(p.next()?, 4, 4)? as i64;
            let m = number(p.next()?, 1, 2)?;
            let d = number(p.next()?, 1, 2)?;
            if p.next().is_some() {
                return None;
            }
            with_time(make_date(y, m, d)?, time.as_deref())
        }
        DateFormat::Year => None,
        DateFormat::YearMonth => {
            let (y, m) = c.split_once('-')?;
            let days = make_date(number(y, 4, 4)? as i64, number(m, 1, 2)?, 1)?;
            Some(DateTime {
                seconds: days as f64 * 86_400.0,
                has_time: false,
            })
        }
        DateFormat::DayFirst | DateFormat::MonthFirst => {
            let (date, time) = split_time(c);
            let sep = date.chars().find(|ch| matches!(ch, '/' | '.' | '-'))?;
            if format == DateFormat::MonthFirst && sep != '/' {
                return None;
            }
            let mut p = date.split(sep);
            let a = number(p.next()?, 1, 2)?;
            let b = number(p.next()?, 1, 2)?;
            let y = number(p.next()?, 4, 4)? as i64;
            if p.next().is_some() {
                return None;
            }
            let (d, m) = if format == DateFormat::DayFirst {
                (a, b)
            } else {
                (b, a)
            };
            with_time(make_date(y, m, d)?, time.as_deref())
        }
    }
}

/// Parts of a date used as model inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePart {
    /// Days since 1970-01-01 (a trend).
    Days,
    /// Calendar year.
    Year,
    /// Month, 1–12.
    Month,
    /// Day of the month, 1–31.
    Day,
    /// Day of the week, 0 = Monday.
    Weekday,
    /// Day of the year, 1–366.
    DayOfYear,
    /// Hour of the day, 0–23 (only for columns with times).
    Hour,
}

impl DatePart {
    /// Its name in input names.
    pub fn name(self) -> &'static str {
        match self {
            DatePart::Days => "days",
            DatePart::Year => "year",
            DatePart::Month => "month",
            DatePart::Day => "day",
            DatePart::Weekday => "weekday",
            DatePart::DayOfYear => "day of year",
            DatePart::Hour => "hour",
        }
    }

    /// The part's value for a timestamp in seconds.
    pub fn of(self, seconds: f64) -> f64 {
        let days = (seconds / 86_400.0).floor() as i64;
        let (y, m, d) = civil_from_days(days);
        match self {
            DatePart::Days => seconds / 86_400.0,
            DatePart::Year => y as f64,
            DatePart::Month => m as f64,
            DatePart::Day => d as f64,
            // 1970-01-01 was a Thursday (3 with Monday = 0)
            DatePart::Weekday => (days + 3).rem_euclid(7) as f64,
            DatePart::DayOfYear => (days - days_from_civil(y, 1, 1) + 1) as f64,
            DatePart::Hour => ((seconds - days as f64 * 86_400.0) / 3600.0).floor(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(parse_number(" +1.5e3 "), Some(1500.0));
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(
            parse_number_as("1,234,567.25", NumberFormat::ThousandsComma),
            Some(1_234_567.25)
        );
        assert_eq!(parse_number_as("12,34", NumberFormat::ThousandsComma), None);
        assert_eq!(
            parse_number_as("2,75", NumberFormat::DecimalComma),
            Some(2.75)
        );
        assert_eq!(
            parse_number_as("-1.234,5", NumberFormat::DecimalComma),
            Some(-1234.5)
        );
        assert_eq!(parse_number_as("1.23,4", NumberFormat::DecimalComma), None);
        assert_eq!(
            parse_number_as("1 234,5", NumberFormat::ThousandsSpace),
            Some(1234.5)
        );
        assert_eq!(
            parse_number_as("1\u{a0}234 567", NumberFormat::ThousandsSpace),
            Some(1_234_567.0)
        );
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("Yes"), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn civil_days_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for z in [-800_000, -1, 0, 59, 11_016, 20_000, 2_000_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn dates_and_parts() {
        let d = parse_date_as("2024-03-05T14:30:00Z", DateFormat::Iso).unwrap();
        assert!(d.has_time);
        assert_eq!(DatePart::Year.of(d.seconds), 2024.0);
        assert_eq!(DatePart::Month.of(d.seconds), 3.0);
        assert_eq!(DatePart::Day.of(d.seconds), 5.0);
        assert_eq!(DatePart::Hour.of(d.seconds), 14.0);
        assert_eq!(DatePart::Weekday.of(d.seconds), 1.0); // a Tuesday
        assert_eq!(DatePart::DayOfYear.of(d.seconds), 65.0);
        let z = parse_date_as("2024-03-05 14:30+02:00", DateFormat::Iso).unwrap();
        assert_eq!(DatePart::Hour.of(z.seconds), 12.0);
        assert_eq!(
            parse_date_as("1949-01", DateFormat::YearMonth).map(|d| DatePart::Month.of(d.seconds)),
            Some(1.0)
        );
        assert_eq!(parse_date_as("2024-02-30", DateFormat::Iso), None);
        assert_eq!(parse_date_as("13/02/2024", DateFormat::MonthFirst), None);
        let dm = parse_date_as("13/02/2024", DateFormat::DayFirst).unwrap();
        assert_eq!(
            (DatePart::Day.of(dm.seconds), DatePart::Month.of(dm.seconds)),
            (13.0, 2.0)
        );
        assert_eq!(
            parse_date_as("05.03.2024", DateFormat::DayFirst)
                .map(|d| DatePart::Month.of(d.seconds)),
            Some(3.0)
        );
        assert_eq!(parse_date_as("2024-03-05 25:00", DateFormat::Iso), None);
    }
}
