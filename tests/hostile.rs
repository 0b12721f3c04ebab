//! The hostile-input corpus through the library and the command line: every file in
//! `tests/data/hostile/`, two huge cases generated here (a header of 120,000 columns, a 5 MB
//! cell), and the fuzzers' crash inputs kept in `fuzz/regressions/`. For each: no panic, an
//! answer within seconds, and either a usable table or an error whose message says what is
//! wrong; the command line exits with 0 or 2, names the file on error, and never prints a
//! terminal control character it read from the file.

use automl::clock::SystemClock;
use automl::{inspect, read_csv, run_search, Control, Progress, SearchSettings, Task};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// What reading a file must give: a table, or an error whose message contains the text.
#[derive(Debug, Clone, Copy)]
enum Read {
    Table,
    Refused(&'static str),
}
use Read::{Refused, Table};

/// Every corpus file and what reading it gives. A new file in the folder must be added here.
const CORPUS: &[(&str, Read)] = &[
    ("all_missing_target.csv", Table),
    ("bidi_and_emoji.csv", Table),
    ("bom_and_newlines.csv", Refused("is empty")),
    ("bom_only.csv", Refused("is empty")),
    ("constant_features.csv", Table),
    ("control_characters.csv", Table),
    ("cr_line_endings.csv", Table),
    ("deeply_quoted.csv", Table),
    ("empty_names_10000.csv", Table),
    ("extreme_numbers_features.csv", Table),
    ("extreme_numbers_target.csv", Table),
    ("formula_cells.csv", Table),
    ("gzip.csv", Refused("gzip-compressed")),
    ("header_unclosed_quote.csv", Refused("never closed")),
    ("html_document.csv", Table),
    ("html_in_headers.csv", Table),
    ("json_document.csv", Refused("no data rows")),
    ("long_header_name.csv", Table),
    ("many_classes.csv", Table),
    ("mixed_encodings.csv", Table),
    ("newline_in_header.csv", Table),
    (
        "nul_after_8k.csv",
        Refused("NUL byte (the first at byte 9999)"),
    ),
    ("nul_bytes.csv", Refused("NUL byte")),
    ("only_delimiters.csv", Refused("no data rows")),
    ("only_newlines.csv", Refused("is empty")),
    ("pdf_document.csv", Refused("PDF document")),
    ("png_image.csv", Refused("PNG image")),
    ("quote_inside_field.csv", Table),
    ("ragged_extra_fields.csv", Refused("Line 3")),
    ("random_bytes.csv", Refused("NUL byte")),
    ("random_high_bytes.csv", Refused("no data rows")),
    ("single_column.csv", Table),
    ("single_row.csv", Table),
    ("ten_thousand_blank_lines.csv", Table),
    ("tiny_classes.csv", Table),
    ("truncated_in_quote.csv", Refused("never closed")),
    (
        "truncated_mid_row.csv",
        Refused("has 2 fields, but the header has 3"),
    ),
    ("truncated_utf8.csv", Refused("Line 26")),
    ("unbalanced_quotes.csv", Refused("never closed")),
    ("utf16be_bom.csv", Table),
    ("utf16le_bom.txt", Table),
    ("utf16le_no_bom.csv", Table),
    ("utf16le_truncated.csv", Refused("Line 13")),
    ("whitespace_names.csv", Table),
    ("whitespace_only.csv", Refused("is empty")),
    ("xls_renamed.csv", Refused("workbook but cannot be opened")),
    ("xlsx_renamed.csv", Refused("workbook but cannot be opened")),
];

/// A file this slow to read or search means a hang or a quadratic loop.
const MAX_SECONDS: f64 = 20.0;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Reads, inspects and runs a two-trial search on `bytes`; returns the read outcome.
fn through_library(name: &str, bytes: &[u8]) -> Result<(), String> {
    let start = Instant::now();
    let table = match read_csv(bytes, name) {
        Ok(table) => table,
        Err(e) => {
            let message = e.to_string();
            assert!(
                message.contains(&format!("\"{name}\"")),
                "{name}: the message names the file: {message}"
            );
            assert!(!e.hint().is_empty(), "{name}: a hint");
            return Err(message);
        }
    };
    let ins = inspect(&table);
    assert_eq!(ins.n_cols, ins.columns.len(), "{name}");
    assert!(ins.preview.iter().all(|r| r.len() == ins.n_cols), "{name}");
    // The detected task, then each task forced: a tiny search must finish or explain itself.
    for task in [None, Some(Task::Classification), Some(Task::Regression)] {
        let settings = SearchSettings {
            task,
            max_trials: Some(2),
            time_budget_s: None,
            ..SearchSettings::default()
        };
        let mut observer = |_: &Progress| Control::Continue;
        match run_search(&table, &settings, &SystemClock::new(), &mut observer) {
            Ok(outcome) => {
                let r = &outcome.result;
                assert!(
                    !r.leaderboard.is_empty(),
                    "{name} ({task:?}): a leaderboard"
                );
                assert!(
                    r.leaderboard.iter().all(|row| row.mean.is_finite()),
                    "{name} ({task:?}): finite scores: {:?}",
                    r.leaderboard.iter().map(|row| row.mean).collect::<Vec<_>>()
                );
            }
            Err(e) => assert!(!e.to_string().is_empty() && !e.hint().is_empty(), "{name}"),
        }
    }
    let took = start.elapsed().as_secs_f64();
    assert!(
        took < MAX_SECONDS,
        "{name}: read, inspect and search took {took:.1} s"
    );
    Ok(())
}

/// Runs the command-line tool with a time limit; returns (exit code, stdout, stderr). The
/// output goes to files, so a chatty run cannot block on a full pipe.
fn automl(args: &[&str]) -> (i32, String, String) {
    let dir = std::env::temp_dir();
    let tag = format!(
        "automl-hostile-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    );
    let (out_path, err_path) = (
        dir.join(format!("{tag}.out")),
        dir.join(format!("{tag}.err")),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_automl"))
        .args(args)
        .stdout(std::fs::File::create(&out_path).expect("a stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("a stderr file"))
        .spawn()
        .expect("start automl");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for automl") {
            break status;
        }
        if start.elapsed() > Duration::from_secs_f64(MAX_SECONDS) {
            let _ = child.kill();
            panic!("automl {args:?} did not finish within {MAX_SECONDS} s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    let (out, err) = (read(&out_path), read(&err_path));
    let _ = std::fs::remove_file(&out_path);
    let _ = std::fs::remove_file(&err_path);
    (status.code().unwrap_or(-1), out, err)
}

fn through_cli(path: &Path) {
    let file = path.to_string_lossy().into_owned();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for args in [
        vec!["inspect", file.as_str()],
        vec!["fit", file.as_str(), "--max-trials", "2", "--quiet"],
    ] {
        let (code, out, err) = automl(&args);
        assert!(code == 0 || code == 2, "{args:?}: exit code {code}; {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        if code == 2 {
            assert!(err.starts_with("error: "), "{args:?}: {err}");
            assert!(
                err.contains(&name),
                "{args:?}: the error names the file: {err}"
            );
            assert!(err.contains("\nhint: "), "{args:?}: {err}");
        }
        for (stream, text) in [("stdout", &out), ("stderr", &err)] {
            assert!(
                !text
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\t'),
                "{args:?}: {stream} carries a control character from the file: {text:?}"
            );
        }
    }
}

#[test]
fn every_corpus_file_has_an_expectation() {
    let dir = root().join("tests/data/hostile");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the corpus folder")
        .map(|e| e.expect("an entry"))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let listed: Vec<&str> = CORPUS.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names, listed,
        "tests/data/hostile/ and CORPUS list the same files, sorted"
    );
    assert!(names.len() >= 30);
}

#[test]
fn corpus_files_read_as_expected_without_panics() {
    let mut wrong = Vec::new();
    for (name, expected) in CORPUS {
        let bytes =
            std::fs::read(root().join("tests/data/hostile").join(name)).expect("a corpus file");
        match (through_library(name, &bytes), expected) {
            (Ok(()), Table) => {}
            (Err(message), Refused(needle)) if message.contains(needle) => {}
            (got, want) => wrong.push(format!("{name}: expected {want:?}, got {got:?}")),
        }
    }
    assert!(
        wrong.is_empty(),
        "unexpected outcomes:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn corpus_files_through_the_command_line() {
    for (name, _) in CORPUS {
        through_cli(&root().join("tests/data/hostile").join(name));
    }
}

/// A header of 120,000 columns (one line of a million bytes), and a single 5 MB cell.
fn generated_cases() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let names: Vec<String> = (0..120_000).map(|i| format!("c{i}")).collect();
    let mut wide = names.join(",");
    wide.push('\n');
    wide.push_str(&vec!["1"; 120_000].join(","));
    wide.push('\n');
    let mut big_cell = String::from("x,label\n");
    for i in 0..12 {
        big_cell.push_str(&format!("{i},{}\n", if i % 2 == 0 { "a" } else { "b" }));
    }
    big_cell.push_str(&format!("\"{}\",a\n", "9".repeat(5 << 20)));
    vec![
        ("columns_120000.csv", wide.into_bytes(), "16384"),
        ("cell_5mb.csv", big_cell.into_bytes(), "1 MiB"),
    ]
}

#[test]
fn huge_generated_files_are_refused_with_the_limit_named() {
    let dir = std::env::temp_dir().join(format!("automl-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    for (name, bytes, needle) in generated_cases() {
        let message = through_library(name, &bytes).expect_err(name);
        assert!(message.contains(needle), "{name}: {message}");
        let path = dir.join(name);
        std::fs::write(&path, &bytes).expect("write the generated file");
        through_cli(&path);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Crash inputs the fuzzers found (see scripts/fuzz.sh): each must now read without a panic.
#[test]
fn fuzz_regressions_do_not_panic() {
    let dir = root().join("fuzz/regressions");
    let Ok(targets) = std::fs::read_dir(&dir) else {
        return;
    };
    for target in targets.flatten() {
        for input in std::fs::read_dir(target.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let bytes = std::fs::read(input.path()).expect("a regression input");
            let name = input.file_name().to_string_lossy().into_owned();
            if target.file_name() == "model" {
                through_model_file(&name, &bytes);
            } else {
                let _ = through_library(&name, &bytes);
            }
        }
    }
}

/// Loads `bytes` as a model file (framed, then as a bare JSON body); a model that loads
/// predicts and explains a row. No panic; a refusal is a model-file error with a hint.
fn through_model_file(name: &str, bytes: &[u8]) {
    use automl::results::model_file::{load, ModelFile};
    for loaded in [load(bytes, name), ModelFile::from_json(bytes, name)] {
        match loaded {
            Ok(model) => {
                let row: std::collections::BTreeMap<String, String> = model
                    .pipeline
                    .specs
                    .iter()
                    .map(|s| (s.name.clone(), "1".to_string()))
                    .collect();
                let _ = model.predict_rows(std::slice::from_ref(&row));
                let _ = automl::results::contributions::explain_row(&model, &row);
            }
            Err(e) => assert!(!e.hint().is_empty(), "{name}: {e}"),
        }
    }
}

/// Damaged and foreign model files in `tests/data/hostile/models/` and the message each gives.
const MODEL_CORPUS: &[(&str, &str)] = &[
    (
        "binary.automl",
        "it is not a model file (it is binary data)",
    ),
    (
        "csv_renamed.automl",
        "does not start with the line \"AUTOML-MODEL\"",
    ),
    ("empty.automl", "it is not a model file (it is empty)"),
    (
        "extra_bytes.automl",
        "it has 24 bytes more than its header says",
    ),
    (
        "flipped_bit.automl",
        "its checksum does not match its contents",
    ),
    (
        "inconsistent_classes.automl",
        "its model has 3 classes but the file lists 2",
    ),
    (
        "inconsistent_inputs.automl",
        "its preprocessing produces 4 inputs but names 3",
    ),
    (
        "json_not_a_model.automl",
        "it is JSON, but a model file starts with the line",
    ),
    (
        "newer_format.automl",
        "made by automl 9.0.0 in model format 99",
    ),
    ("no_checksum.automl", "its header has no checksum"),
    (
        "step_out_of_range.automl",
        "a preprocessing step reads a column it does not list",
    ),
    (
        "truncated_body.automl",
        "it was cut short (2906 of 3606 bytes",
    ),
    ("truncated_header.automl", "its header is incomplete"),
    (
        "wrong_kind_body.automl",
        "its contents are not a model this version can read",
    ),
    ("zip_archive.automl", "it looks like a zip archive"),
];

#[test]
fn damaged_model_files_are_refused_with_their_reason() {
    let dir = root().join("tests/data/hostile/models");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the model corpus folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    let listed: Vec<&str> = MODEL_CORPUS.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names, listed,
        "tests/data/hostile/models/ and MODEL_CORPUS agree"
    );
    for (name, expected) in MODEL_CORPUS {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).unwrap();
        let e = automl::results::model_file::load(&bytes, name)
            .err()
            .unwrap_or_else(|| panic!("{name} loaded"));
        let message = e.to_string();
        assert!(message.contains(expected), "{name}: {message}");
        assert!(
            message.contains(&format!("\"{name}\" cannot be used as a model")),
            "{name}: {message}"
        );
        let (code, _, err) = automl(&["predict", path.to_str().unwrap(), "tests/data/iris.csv"]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(
            err.contains(expected) && err.contains("hint: "),
            "{name}: {err}"
        );
    }
    // the intact file they were made from predicts
    let good = root().join("tests/data/model/iris.automl");
    let (code, out, err) = automl(&["predict", good.to_str().unwrap(), "tests/data/iris.csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 151);
}
