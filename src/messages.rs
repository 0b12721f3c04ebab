//! Messages: what the core says to a person, as a stable code and named parameters, with the
//! words kept apart in one catalogue per language (`www/i18n/en.json`, embedded here for the
//! command line; the page's wasm keeps only the few words it writes into files, [`FILE_WORDS`]).
//!
//! Every error ([`crate::AutoMlError::to_message`]), note and warning the core produces is a
//! [`Message`]: `{ "code": "file.empty", "params": { "file": "data.csv" } }`. The page renders
//! it with `www/i18n.js` from the same catalogue file; the command line renders it here, in
//! English ([`render`], and `Display` for `Message` and `AutoMlError`).
//!
//! Templates name their parameters in braces: `{file}`; a number may say how many decimals it
//! shows, `{share:.1}`; a list is joined with commas (`{names:q}` quotes each item) and ends in
//! ", …" when items were left out; a parameter that is itself a message is rendered in place
//! (`{frequency:cap}` starts it with a capital letter).
//! An entry may have a hint (what to do); the hint of a message is the one of the deepest
//! message along its `reason` parameters that has one, so a specific reason can say what to do
//! about it while the outer message keeps a general hint.
//!
//! Adding a message: pick a code (`area.what`), write its entry in `www/i18n/en.json` (and in
//! every other catalogue there), and build it with [`message!`] naming every parameter the
//! templates use. `tests/messages.rs` fails on a code without an entry, or a template naming a
//! parameter its call site does not give.
//! Must not: know about JavaScript or the terminal.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::OnceLock;

/// The English catalogue, the one source of the core's English words: the command line's and
/// the native tests' (cargo feature `catalogue`, on by default). The page's wasm is built
/// without it: the page renders every `{ code, params }` from its own catalogue, so the engine
/// there keeps only [`FILE_WORDS`].
#[cfg(feature = "catalogue")]
pub const ENGLISH: &str = include_str!("../www/i18n/en.json");

/// The entries of the English catalogue that the engine writes into what it returns as text,
/// the same on the page as on the command line: how a column's numbers or dates are written
/// (the profile's `format`) and the note of a prediction's row (the predictions CSV, which the
/// page downloads byte for byte as `automl predict` writes it). The wasm without the cargo
/// feature `catalogue` renders messages from these alone (others show their code);
/// `tests/messages.rs` checks that each is its entry in `www/i18n/en.json`, word for word.
pub const FILE_WORDS: [(&str, &str); 11] = [
    ("number_format.plain", "plain numbers"),
    (
        "number_format.thousands_comma",
        "numbers with comma thousands separators (1,234.5)",
    ),
    (
        "number_format.decimal_comma",
        "numbers with a decimal comma (1.234,5)",
    ),
    (
        "number_format.thousands_space",
        "numbers with space thousands separators (1 234,5)",
    ),
    ("date_format.iso", "year-month-day"),
    ("date_format.year_slash", "year/month/day"),
    ("date_format.year_month", "year-month"),
    ("date_format.day_first", "day/month/year"),
    ("date_format.month_first", "month/day/year"),
    ("date_format.year", "a year"),
    (
        "predict.empty_row",
        "no usable input value: the prediction is the model's answer for a row of missing values",
    ),
];

/// Nested messages deeper than this are not rendered (a guard against a crafted message).
const MAX_DEPTH: usize = 8;

/// A message: a stable code and its named parameters. The words come from a catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// The stable code, such as `"file.empty"`.
    pub code: String,
    /// The named parameters the templates refer to.
    #[serde(default)]
    pub params: BTreeMap<String, Param>,
}

/// A list of names in a message, of which only the first few are kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct List {
    /// The items shown.
    pub items: Vec<String>,
    /// How many more there were, not shown (rendered as ", …").
    #[serde(default)]
    pub more: usize,
}

/// One parameter of a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Param {
    /// A whole number (a count, a line, a limit).
    Int(i64),
    /// A number with a fraction.
    Num(f64),
    /// Text shown as it is: a file or column name, a cell's value, a dependency's own words.
    Text(String),
    /// Names, joined with commas.
    List(List),
    /// A message rendered in place: a reason, or a word of the catalogue (a kind, a frequency).
    Message(Message),
}

impl Param {
    /// The first `max` of `items` as a list parameter, counting the rest.
    pub fn list<I, S>(items: I, max: usize) -> Param
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut shown = Vec::new();
        let mut more = 0usize;
        for item in items {
            if shown.len() < max {
                shown.push(item.as_ref().to_string());
            } else {
                more += 1;
            }
        }
        Param::List(List { items: shown, more })
    }
}

/// Conversion of a value into a message parameter (numbers, text, messages, lists).
pub trait ToParam {
    /// The parameter.
    fn to_param(&self) -> Param;
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> Param {
        (**self).to_param()
    }
}

impl ToParam for str {
    fn to_param(&self) -> Param {
        Param::Text(self.to_string())
    }
}

impl ToParam for String {
    fn to_param(&self) -> Param {
        Param::Text(self.clone())
    }
}

impl ToParam for Param {
    fn to_param(&self) -> Param {
        self.clone()
    }
}

impl ToParam for Message {
    fn to_param(&self) -> Param {
        Param::Message(self.clone())
    }
}

impl ToParam for f64 {
    fn to_param(&self) -> Param {
        Param::Num(*self)
    }
}

/// Whole numbers beyond this are sent as floats: JavaScript numbers hold integers exactly up
/// to 2^53.
const MAX_EXACT: i128 = 1 << 53;

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn to_param(&self) -> Param {
                let v = *self as i128;
                if (-MAX_EXACT..=MAX_EXACT).contains(&v) {
                    Param::Int(v as i64)
                } else {
                    Param::Num(*self as f64)
                }
            }
        }
    )*};
}
int_param!(usize, u64, u32, u8, i64, i32);

/// Builds a [`Message`]: `message!("file.empty", file = name)`, or `message!("file.empty",
/// file)` when a variable has the parameter's name. Values are numbers, text, lists
/// ([`Param::list`]) or other messages. `tests/messages.rs` reads every use of this macro in
/// `src/` to check it against the catalogue, so give the code as a literal.
#[macro_export]
macro_rules! message {
    (@value $name:ident) => {
        $crate::messages::ToParam::to_param(&$name)
    };
    (@value $name:ident $value:expr) => {
        $crate::messages::ToParam::to_param(&$value)
    };
    ($code:literal $(, $name:ident $(= $value:expr)?)* $(,)?) => {
        $crate::messages::Message::new(
            $code,
            vec![$((stringify!($name), $crate::message!(@value $name $($value)?))),*],
        )
    };
}

impl Message {
    /// A message with its code and parameters (see [`message!`]).
    pub fn new(code: &str, params: Vec<(&str, Param)>) -> Message {
        Message {
            code: code.to_string(),
            params: params
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }

    /// The parameter `name`, if given.
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.get(name)
    }

    /// The nested message `reason`, if there is one.
    pub fn reason(&self) -> Option<&Message> {
        match self.params.get("reason") {
            Some(Param::Message(m)) => Some(m),
            _ => None,
        }
    }
}

/// The English message.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(self))
    }
}

/// One catalogue entry: a message template and, for errors and some notes, a hint template.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The message template.
    pub message: String,
    /// What to do about it.
    #[serde(default)]
    pub hint: Option<String>,
}

/// A catalogue: code → entry, for one language.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    entries: HashMap<String, Entry>,
}

impl Catalogue {
    /// Parses a catalogue file's text.
    pub fn parse(text: &str) -> std::result::Result<Catalogue, String> {
        let entries: HashMap<String, Entry> =
            serde_json::from_str(text).map_err(|e| e.to_string())?;
        Ok(Catalogue { entries })
    }

    /// The English catalogue (parsed once; empty, never a panic, should the file be broken,
    /// which `tests/messages.rs` rules out). Without the cargo feature `catalogue` (the page's
    /// wasm), only the [`FILE_WORDS`].
    pub fn english() -> &'static Catalogue {
        static ENGLISH_CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        #[cfg(feature = "catalogue")]
        let make = || Catalogue::parse(ENGLISH).unwrap_or_default();
        #[cfg(not(feature = "catalogue"))]
        let make = Catalogue::file_words;
        ENGLISH_CATALOGUE.get_or_init(make)
    }

    /// The catalogue of the [`FILE_WORDS`] alone.
    pub fn file_words() -> Catalogue {
        let entries = FILE_WORDS
            .iter()
            .map(|&(code, message)| {
                let entry = Entry {
                    message: message.to_string(),
                    hint: None,
                };
                (code.to_string(), entry)
            })
            .collect();
        Catalogue { entries }
    }

    /// The entry of `code`.
    pub fn entry(&self, code: &str) -> Option<&Entry> {
        self.entries.get(code)
    }

    /// Every code, sorted.
    pub fn codes(&self) -> Vec<&str> {
        let mut codes: Vec<&str> = self.entries.keys().map(String::as_str).collect();
        codes.sort_unstable();
        codes
    }

    /// The message in words. An unknown code shows the code and its parameters.
    pub fn render(&self, message: &Message) -> String {
        self.render_at(message, 0)
    }

    fn render_at(&self, message: &Message, depth: usize) -> String {
        match self.entries.get(&message.code) {
            Some(entry) => self.fill(&entry.message, message, depth),
            None => {
                let params: Vec<String> = message
                    .params
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", self.value(v, "", depth)))
                    .collect();
                if params.is_empty() {
                    message.code.clone()
                } else {
                    format!("{} ({})", message.code, params.join(", "))
                }
            }
        }
    }

    /// What to do: the hint of the deepest message along the `reason` chain that has one.
    pub fn hint(&self, message: &Message) -> Option<String> {
        let mut chain = vec![message];
        while let Some(next) = chain.last().and_then(|m| m.reason()) {
            if chain.len() > MAX_DEPTH {
                break;
            }
            chain.push(next);
        }
        chain.iter().rev().find_map(|m| {
            let entry = self.entries.get(&m.code)?;
            let hint = entry.hint.as_ref()?;
            Some(self.fill(hint, m, 0))
        })
    }

    /// A note as the page and the command line show it: the message, then its hint if any.
    pub fn render_note(&self, message: &Message) -> String {
        match self.hint(message) {
            Some(hint) => format!("{} {hint}", self.render(message)),
            None => self.render(message),
        }
    }

    /// Fills `template`'s placeholders from `message`'s parameters.
    fn fill(&self, template: &str, message: &Message, depth: usize) -> String {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match placeholder(after) {
                Some((name, spec, len)) => {
                    match message.params.get(name) {
                        Some(value) => out.push_str(&self.value(value, spec, depth)),
                        // an unfilled placeholder stays visible as it is written
                        None => out.push_str(&rest[open..open + len + 2]),
                    }
                    rest = &after[len + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn value(&self, value: &Param, spec: &str, depth: usize) -> String {
        let text = self.value_text(value, spec, depth);
        if spec == "cap" {
            let mut chars = text.chars();
            return chars
                .next()
                .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
                .unwrap_or_default();
        }
        text
    }

    fn value_text(&self, value: &Param, spec: &str, depth: usize) -> String {
        match value {
            Param::Int(v) => match decimals(spec) {
                Some(d) => format!("{:.*}", d, *v as f64),
                None => v.to_string(),
            },
            Param::Num(v) => match decimals(spec) {
                Some(d) => format!("{v:.d$}"),
                None => v.to_string(),
            },
            Param::Text(t) => t.clone(),
            Param::List(list) => {
                let mut items: Vec<String> = list
                    .items
                    .iter()
                    .map(|i| {
                        if spec == "q" {
                            format!("\"{i}\"")
                        } else {
                            i.clone()
                        }
                    })
                    .collect();
                if list.more > 0 {
                    items.push("…".into());
                }
                items.join(", ")
            }
            Param::Message(m) if depth < MAX_DEPTH => self.render_at(m, depth + 1),
            Param::Message(m) => m.code.clone(),
        }
    }
}

/// A placeholder at the start of `text` (just after its `{`): its name, its format spec and
/// the length up to its `}`. `None` when the brace does not open a placeholder.
pub fn placeholder(text: &str) -> Option<(&str, &str, usize)> {
    let close = text.find('}')?;
    let inside = &text[..close];
    let (name, spec) = inside.split_once(':').unwrap_or((inside, ""));
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && spec.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
    valid.then_some((name, spec, close))
}

/// Every placeholder name in `template`.
pub fn placeholders(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match placeholder(after) {
            Some((name, _, len)) => {
                names.push(name.to_string());
                rest = &after[len + 1..];
            }
            None => rest = after,
        }
    }
    names
}

/// Decimals asked for by a spec such as `.1`.
fn decimals(spec: &str) -> Option<usize> {
    spec.strip_prefix('.')?.parse().ok().filter(|&d| d <= 20)
}

/// The message in English.
pub fn render(message: &Message) -> String {
    Catalogue::english().render(message)
}

/// The message's hint in English, if it has one.
pub fn hint(message: &Message) -> Option<String> {
    Catalogue::english().hint(message)
}

/// A note in English: the message and its hint, if any.
pub fn render_note(message: &Message) -> String {
    Catalogue::english().render_note(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        Catalogue::parse(
            r#"{
                "t.plain": { "message": "The file \"{file}\" has {rows} rows." },
                "t.decimals": { "message": "{share:.1}% of {total:.0}" },
                "t.list": { "message": "Columns: {names:q}; bare: {names}." },
                "t.outer": { "message": "Cannot use \"{column}\": {reason}.", "hint": "Outer hint." },
                "t.inner": { "message": "it has {n} values", "hint": "Inner hint for {n}." },
                "t.plain_inner": { "message": "no hint here" },
                "t.braces": { "message": "a {b c} {missing} end" },
                "t.cap": { "message": "{word:cap} data" },
                "t.word": { "message": "monthly" }
            }"#,
        )
        .unwrap()
    }

    #[test]
    fn placeholders_are_filled_by_name() {
        let c = catalogue();
        let m = message!("t.plain", file = "a.csv", rows = 12usize);
        assert_eq!(c.render(&m), "The file \"a.csv\" has 12 rows.");
        let m = message!("t.decimals", share = 12.345, total = 3usize);
        assert_eq!(c.render(&m), "12.3% of 3");
        let m = message!("t.cap", word = message!("t.word"));
        assert_eq!(c.render(&m), "Monthly data");
    }

    #[test]
    fn lists_are_joined_and_say_when_items_were_left_out() {
        let c = catalogue();
        let m = message!("t.list", names = Param::list(["a", "b", "c"], 2));
        assert_eq!(c.render(&m), "Columns: \"a\", \"b\", …; bare: a, b, ….");
        let m = message!("t.list", names = Param::list(["a"], 2));
        assert_eq!(c.render(&m), "Columns: \"a\"; bare: a.");
    }

    #[test]
    fn the_deepest_hint_along_the_reasons_wins() {
        let c = catalogue();
        let inner = message!("t.inner", n = 3usize);
        let m = message!("t.outer", column = "y", reason = inner);
        assert_eq!(c.render(&m), "Cannot use \"y\": it has 3 values.");
        assert_eq!(c.hint(&m).as_deref(), Some("Inner hint for 3."));
        assert_eq!(
            c.render_note(&m),
            "Cannot use \"y\": it has 3 values. Inner hint for 3."
        );
        let m = message!("t.outer", column = "y", reason = message!("t.plain_inner"));
        assert_eq!(c.hint(&m).as_deref(), Some("Outer hint."));
        assert_eq!(c.hint(&message!("t.plain_inner")), None);
    }

    #[test]
    fn odd_braces_missing_params_and_unknown_codes_never_panic() {
        let c = catalogue();
        assert_eq!(c.render(&message!("t.braces")), "a {b c} {missing} end");
        assert_eq!(
            c.render(&message!("nope.code", x = 1usize)),
            "nope.code (x: 1)"
        );
        // nesting deeper than MAX_DEPTH stops rendering rather than recursing forever
        let mut m = message!("t.plain_inner");
        for _ in 0..50 {
            m = message!("t.outer", column = "c", reason = m);
        }
        assert!(c.render(&m).starts_with("Cannot use \"c\""));
        assert!(c.hint(&m).is_some());
    }

    #[test]
    fn messages_serialize_as_code_and_params_and_read_back() {
        let m = message!(
            "t.outer",
            column = "y",
            n = 3usize,
            share = 0.5,
            names = Param::list(["a"], 5),
            reason = message!("t.inner", n = 2usize)
        );
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(
            json,
            r#"{"code":"t.outer","params":{"column":"y","n":3,"names":{"items":["a"],"more":0},"reason":{"code":"t.inner","params":{"n":2}},"share":0.5}}"#
        );
        let back: Message = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn huge_integers_become_floats_javascript_can_hold() {
        assert_eq!(u64::MAX.to_param(), Param::Num(u64::MAX as f64));
        assert_eq!(7u64.to_param(), Param::Int(7));
    }
}
