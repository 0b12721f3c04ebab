//! The message catalogue against the code that uses it: every `message!` in `src/` names a
//! code of `www/i18n/en.json` and gives every parameter its templates name; every entry is used
//! (by the core, or by the page's scripts in `www/`); every placeholder is well formed; and any
//! other catalogue in `www/i18n/` (the classroom issue adds `ko.json`) has the same codes, each
//! with the same placeholders.

use automl::messages::{placeholder, placeholders, Catalogue, ENGLISH, FILE_WORDS};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// The source with comments blanked out (strings kept), so examples in doc comments do not
/// count as uses.
fn without_comments(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
            continue;
        }
        if c == '"' {
            out.push(c);
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(chars[i]);
                    i += 1;
                }
                if i < chars.len() {
                    out.push(chars[i]);
                }
                i += 1;
            }
            if i < chars.len() {
                out.push('"');
            }
            i += 1;
            continue;
        }
        if c == '\'' {
            // a char literal ('(' or '\n'), not a lifetime
            let lit = if next == Some('\\') {
                chars.get(i + 3) == Some(&'\'') || chars.get(i + 4) == Some(&'\'')
            } else {
                chars.get(i + 2) == Some(&'\'')
            };
            if lit {
                let end = (i + 1..chars.len()).find(|&j| j > i + 1 && chars[j] == '\'');
                if let Some(end) = end {
                    out.push_str("' '");
                    i = end + 1;
                    continue;
                }
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// One use of `message!`: its code and the names of the parameters it gives.
#[derive(Debug)]
struct Use {
    place: String,
    code: String,
    params: BTreeSet<String>,
}

/// The top-level comma-separated arguments of the macro call starting at `text` (just after
/// its opening parenthesis).
fn arguments(text: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            current.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                current.push(c);
            }
            '(' | '[' | '{' => {
                depth += 1;
                current.push(c);
            }
            ')' | ']' | '}' if depth == 0 => {
                args.push(current.trim().to_string());
                return args.into_iter().filter(|a| !a.is_empty()).collect();
            }
            ')' | ']' | '}' => {
                depth -= 1;
                current.push(c);
            }
            ',' if depth == 0 => args.push(std::mem::take(&mut current).trim().to_string()),
            _ => current.push(c),
        }
    }
    panic!("unclosed message!( … )");
}

/// Every `message!` in `src/` (except `src/messages.rs`, whose tests use their own codes).
fn uses() -> Vec<Use> {
    let mut paths = Vec::new();
    files(&root().join("src"), "rs", &mut paths);
    let mut found = Vec::new();
    for path in paths {
        if path.ends_with("src/messages.rs") {
            continue;
        }
        let text = without_comments(&std::fs::read_to_string(&path).unwrap());
        let name = path.strip_prefix(root()).unwrap().display().to_string();
        for (at, _) in text.match_indices("message!(") {
            let line = text[..at].matches('\n').count() + 1;
            let place = format!("{name}:{line}");
            let args = arguments(&text[at + "message!(".len()..]);
            let Some(code) = args.first() else {
                panic!("{place}: message! without a code");
            };
            if code.starts_with('@') {
                continue; // the macro's own helper arm
            }
            assert!(
                code.starts_with('"') && code.ends_with('"') && code.len() > 2,
                "{place}: the code must be a string literal, not {code}"
            );
            let params = args[1..]
                .iter()
                .map(|a| {
                    let name = a.split('=').next().unwrap().trim();
                    assert!(
                        !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_'),
                        "{place}: a parameter is `name = value` or `name`, not {a}"
                    );
                    name.to_string()
                })
                .collect();
            found.push(Use {
                place,
                code: code[1..code.len() - 1].to_string(),
                params,
            });
        }
    }
    found
}

#[test]
fn the_english_catalogue_parses_and_every_entry_is_well_formed() {
    let catalogue = Catalogue::parse(ENGLISH).expect("www/i18n/en.json is a catalogue");
    assert!(catalogue.codes().len() > 100);
    for code in catalogue.codes() {
        assert!(
            code.split('.').count() >= 2
                && code.split('.').all(|part| !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')),
            "{code}: codes are lowercase words joined by dots"
        );
        let entry = catalogue.entry(code).unwrap();
        assert!(!entry.message.trim().is_empty(), "{code}: an empty message");
        for template in std::iter::once(&entry.message).chain(entry.hint.as_ref()) {
            let mut rest = template.as_str();
            while let Some(open) = rest.find('{') {
                let (name, spec, len) = placeholder(&rest[open + 1..]).unwrap_or_else(|| {
                    panic!("{code}: a brace that opens no placeholder in {template:?}")
                });
                let spec_ok = spec.is_empty()
                    || spec == "q"
                    || spec == "cap"
                    || spec
                        .strip_prefix('.')
                        .is_some_and(|d| d.parse::<u8>().is_ok_and(|d| d <= 20));
                assert!(spec_ok, "{code}: unknown format {spec:?} for {name}");
                rest = &rest[open + 1 + len + 1..];
            }
            assert!(
                !rest.contains('}'),
                "{code}: a stray closing brace in {template:?}"
            );
        }
    }
}

/// The page's wasm keeps only these words of the English catalogue (the cargo feature
/// `catalogue` is off there): each must be its entry in www/i18n/en.json, and every format word
/// (a column's numbers or dates, which the profile shows as the engine wrote it) must be there.
#[test]
fn the_words_the_wasm_keeps_are_the_catalogues_own() {
    let english = Catalogue::parse(ENGLISH).unwrap();
    for (code, words) in FILE_WORDS {
        let entry = english
            .entry(code)
            .unwrap_or_else(|| panic!("{code} is not in www/i18n/en.json"));
        assert_eq!(entry.message, words, "{code}");
        assert_eq!(entry.hint, None, "{code}: the file words have no hint");
    }
    let kept: BTreeSet<&str> = FILE_WORDS.iter().map(|(code, _)| *code).collect();
    let formats: BTreeSet<&str> = english
        .codes()
        .into_iter()
        .filter(|c| c.starts_with("number_format.") || c.starts_with("date_format."))
        .chain(["predict.empty_row"])
        .collect();
    assert_eq!(kept, formats);
    // without the feature, the engine renders them alone (and anything else as its code)
    let words = Catalogue::file_words();
    let m = automl::message!("date_format.day_first");
    assert_eq!(words.render(&m), "day/month/year");
    let m = automl::message!("file.empty", file = "a.csv");
    assert_eq!(words.render(&m), "file.empty (file: a.csv)");
    assert_eq!(words.hint(&m), None);
}

#[test]
fn every_message_of_the_core_has_an_entry_and_gives_its_parameters() {
    let catalogue = Catalogue::english();
    let uses = uses();
    assert!(
        uses.len() > 200,
        "found only {} uses of message!",
        uses.len()
    );
    let mut problems = Vec::new();
    for u in &uses {
        let Some(entry) = catalogue.entry(&u.code) else {
            problems.push(format!(
                "{}: \"{}\" has no entry in www/i18n/en.json",
                u.place, u.code
            ));
            continue;
        };
        for template in std::iter::once(&entry.message).chain(entry.hint.as_ref()) {
            for name in placeholders(template) {
                if !u.params.contains(&name) {
                    problems.push(format!(
                        "{}: \"{}\" names {{{name}}}, which this message! does not give (it gives {:?})",
                        u.place, u.code, u.params
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn every_entry_is_used_by_the_core_or_the_page() {
    let catalogue = Catalogue::english();
    let mut used: BTreeSet<String> = uses().into_iter().map(|u| u.code).collect();
    used.extend(described_codes());
    let mut scripts = Vec::new();
    files(&root().join("www"), "js", &mut scripts);
    // the page's markup (data-i18n="code") and the samples' names and descriptions (titleKey,
    // aboutKey)
    scripts.push(root().join("www/index.html"));
    // the package's entry module (automl-wasm), whose own errors are catalogue entries too
    scripts.push(root().join("index.js"));
    scripts.push(root().join("www/samples/samples.json"));
    for path in scripts {
        if path
            .components()
            .any(|c| c.as_os_str() == "pkg" || c.as_os_str() == "vendor")
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for code in catalogue.codes() {
            if text.contains(&format!("\"{code}\"")) {
                used.insert(code.to_string());
            }
        }
    }
    let unused: Vec<&str> = catalogue
        .codes()
        .into_iter()
        .filter(|c| !used.contains(*c))
        .collect();
    assert!(unused.is_empty(), "entries no code uses: {unused:?}");
}

/// The codes the page renders by machine name (`kind_label.numeric`, `family.ridge`, …): one for
/// every kind, task, metric and model family the engine describes (`describe`).
fn described_codes() -> Vec<String> {
    let c = serde_json::to_value(automl::results::describe::describe()).unwrap();
    let names = |key: &str| -> Vec<String> {
        c[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap().to_string())
            .collect()
    };
    let mut codes = Vec::new();
    for kind in names("kinds") {
        codes.extend(["kind", "kind_label", "kind_help"].map(|p| format!("{p}.{kind}")));
    }
    for task in names("tasks") {
        codes.extend(["task", "task_help"].map(|p| format!("{p}.{task}")));
    }
    for metric in names("metrics") {
        codes.extend(["metric", "metric_help"].map(|p| format!("{p}.{metric}")));
    }
    for family in names("families") {
        codes.push(format!("family.{family}"));
    }
    codes
}

/// Codes of en.json that `ko.json` may still lack (see `tests/unit/ko-pending.json`).
fn pending_in_korean() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("tests/unit/ko-pending.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_kind_task_metric_and_family_has_its_names_in_every_catalogue() {
    let english = Catalogue::english();
    let korean =
        Catalogue::parse(&std::fs::read_to_string(root().join("www/i18n/ko.json")).unwrap())
            .unwrap();
    let pending = pending_in_korean();
    let codes = described_codes();
    assert!(codes.len() > 40, "{} codes", codes.len());
    for code in codes {
        assert!(
            english.entry(&code).is_some(),
            "\"{code}\" has no entry in www/i18n/en.json"
        );
        assert!(
            korean.entry(&code).is_some() || pending.contains(&code),
            "\"{code}\" has no entry in www/i18n/ko.json"
        );
    }
}

#[test]
fn every_other_catalogue_has_the_same_codes_and_placeholders() {
    let english = Catalogue::english();
    let shape = |c: &Catalogue| -> BTreeMap<String, (BTreeSet<String>, bool)> {
        c.codes()
            .into_iter()
            .map(|code| {
                let e = c.entry(code).unwrap();
                let mut names: BTreeSet<String> = placeholders(&e.message).into_iter().collect();
                names.extend(e.hint.iter().flat_map(|h| placeholders(h)));
                (code.to_string(), (names, e.hint.is_some()))
            })
            .collect()
    };
    let want = shape(english);
    let mut others = Vec::new();
    files(&root().join("www/i18n"), "json", &mut others);
    for path in others.iter().filter(|p| !p.ends_with("en.json")) {
        let text = std::fs::read_to_string(path).unwrap();
        let other = Catalogue::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut want = want.clone();
        if path.ends_with("ko.json") {
            // the core's messages the `korean` branch is translating (the list only shrinks)
            let pending = pending_in_korean();
            want.retain(|code, _| !pending.contains(code));
        }
        assert_eq!(shape(&other), want, "{}", path.display());
    }
}
