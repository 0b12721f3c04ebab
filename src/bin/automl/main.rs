//! The `automl` command line: the same core as the page, natively.
//!
//! ```text
//! automl fit DATA.csv --target COLUMN [--time-budget SECONDS] [--seed N] [--task TASK]
//!                     [--max-trials N] [--folds K] [--json] [--quiet] [--verbose]
//! automl inspect DATA.csv
//! automl predict MODEL.automl DATA.csv [--out PREDICTIONS.csv]
//! automl bench --datasets DIR --splits DIR --time-budget SECONDS --out DIR [--only A,B] [--seed N]
//!              [--max-trials N] [--metric NAME] [--diagnose DIR]
//! ```
//! Errors go to standard error with exit code 2 and a hint; nothing here panics on user data.

use automl::clock::SystemClock;
use automl::data::{ColumnKind, TextEncoding};
use automl::message;
use automl::messages::{self, Message};
use automl::models::params_text;
use automl::{
    check_target, inspect, read_table, run_search, AutoMlError, Control, Progress, ReadOptions,
    SearchSettings, Task,
};
use std::io::Write;
use std::process::ExitCode;

mod bench;
mod fit;
mod forecast;
mod inspect;
mod predict;

const USAGE: &str = "\
Usage:
  automl fit DATA.csv --target COLUMN [options]   search models and print the leaderboard
  automl inspect DATA.csv [--target COLUMN [--task TASK]] [--sheet NAME] [--encoding E]
                                                  show the columns, their kinds and warnings
  automl predict MODEL.automl DATA.csv [--out FILE.csv] [--sheet NAME] [--encoding E]
                                                  predict new rows with a saved model: CSV with
                                                  a row number (1 = first data row), the
                                                  prediction and, for classes, one
                                                  probability_<class> column per class; with a
                                                  forecast model, the forecast from the end of
                                                  the series in DATA.csv (refitted, no search)
  automl fit DATA.csv --target COLUMN --date COLUMN [--horizon H] [--time-budget S]
             [--id COLUMN] [--seed N] [--max-trials N] [--json] [--out FORECAST.csv]
             [--model-out MODEL.automl]
                                                  forecast a time series: backtest leaderboard
                                                  and the forecast with 80%/95% intervals; the
                                                  chosen forecaster saved as a forecast model
  automl bench-ts --datasets DIR --splits DIR --time-budget S --out DIR [--only A,B]
                                                  the benchmark collection's time series
  automl bench --datasets DIR --splits DIR --time-budget SECONDS --out DIR
               [--only NAME,...] [--seed N] [--families A,B] [--exclude-families A,B]
               [--max-trials N] [--metric NAME] [--diagnose DIR]
                                                  run the search on each fold of the benchmark
                                                  collection and write OUT/NAME.json per dataset
                                                  (--max-trials without --time-budget: a trial
                                                  budget alone, the same results on any
                                                  machine; --metric: what the searches of its
                                                  task rank by, the default otherwise;
                                                  --diagnose: also what each classification
                                                  fold chose among, DIR/NAME.json)

Options for fit:
  --target COLUMN        the column to predict (default: the last column)
  --time-budget SECONDS  time for the whole run (default: 10)
  --max-trials N         stop after N trials; with a seed the run is deterministic
                         (without --time-budget, no time limit applies)
  --seed N               seed of every random step (default: 42)
  --task TASK            classification or regression (default: detected)
  --folds K              cross-validation folds, 2 to 10 (default: 5)
  --metric NAME          accuracy, balanced_accuracy, f1_macro, roc_auc, log_loss
                         (classification); r2, rmse, mae (regression)
                         (default: balanced_accuracy, or r2)
  --no-ensemble          do not try an ensemble of the best models
  --families A,B         search only these model families (the constant baseline always
                         runs), e.g. neural_network or decision_tree,random_forest
  --exclude-families A,B leave these model families out of the search
  --type COLUMN=KIND     read COLUMN as numeric, boolean, categorical, datetime,
                         text or identifier (text and identifier are left out)
  --exclude COLUMN       leave COLUMN out (repeatable)
  --sheet NAME           the sheet to read from an Excel or OpenDocument workbook
  --encoding E           read a text file as utf-8, utf-16, euc-kr (CP949, Korean) or
                         windows-1252 (default: detected; inspect and predict take it too)
  --json                 print the result as JSON instead of a table
  --model-out FILE       save the fitted model (preprocessing and model) to FILE
  --no-explain           skip the explanations computed after the search
  --quiet                do not print each trial as it finishes
  --verbose              also say what the search decides and why (the portfolio,
                         each local step, switches between families, skipped trials,
                         the ensemble, why the search ended)
";

/// A command-line failure: a message of the catalogue, whose hint says what to do.
struct CliError {
    message: Message,
}

impl From<AutoMlError> for CliError {
    fn from(e: AutoMlError) -> Self {
        CliError {
            message: e.to_message(),
        }
    }
}

impl From<Message> for CliError {
    fn from(message: Message) -> Self {
        CliError { message }
    }
}

impl CliError {
    /// Says which file the error is about when the core's message does not already.
    fn in_file(self, name: &str) -> CliError {
        if messages::render(&self.message).contains(name) {
            return self;
        }
        CliError {
            message: message!("cli.in_file", file = name, reason = self.message),
        }
    }

    /// What went wrong, in English.
    fn text(&self) -> String {
        messages::render(&self.message)
    }

    /// What to do, in English.
    fn hint(&self) -> String {
        messages::hint(&self.message).unwrap_or_default()
    }
}

/// A note or warning of the core as the terminal shows it: its words, then its hint if any.
fn note_text(note: &Message) -> String {
    printable(&messages::render_note(note))
}

/// Text from a file, made safe for a terminal: control characters (escape sequences that
/// could clear the screen or retitle the window, line breaks inside a name) and bidirectional
/// overrides are shown as `\u{..}` escapes instead of being obeyed.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || bidi {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// The value after the flag at `args[*i]`, moving `i` onto it; a usage error naming the flag
/// when the value is missing.
fn flag_value<'a>(args: &'a [String], i: &mut usize) -> Result<&'a String, CliError> {
    let flag = &args[*i];
    *i += 1;
    args.get(*i)
        .ok_or_else(|| usage_error(message!("cli.needs_value", flag)))
}

/// A mistake in the command line itself (its hint points to `--help`).
fn usage_error(reason: Message) -> CliError {
    CliError {
        message: message!("cli.usage", reason),
    }
}

fn parse_kind(text: &str) -> Result<ColumnKind, CliError> {
    const KINDS: [ColumnKind; 7] = [
        ColumnKind::Numeric,
        ColumnKind::Boolean,
        ColumnKind::Categorical,
        ColumnKind::Datetime,
        ColumnKind::Text,
        ColumnKind::Identifier,
        ColumnKind::Constant,
    ];
    KINDS
        .into_iter()
        .find(|k| k.name() == text.trim().to_ascii_lowercase())
        .ok_or_else(|| usage_error(message!("cli.not_a_kind", value = text)))
}

/// A comma-separated list of names (`--families a,b`), blanks left out.
fn name_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn parse_number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, CliError> {
    value
        .parse()
        .map_err(|_| usage_error(message!("cli.not_a_number", flag, value)))
}

fn read_file(path: &str) -> Result<Vec<u8>, CliError> {
    std::fs::read(path)
        .map_err(|e| message!("cli.cannot_read", path, detail = e.to_string()).into())
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

fn load(path: &str, options: &ReadOptions) -> Result<automl::Table, CliError> {
    Ok(read_table(
        &read_file(path)?,
        &file_name(path),
        options,
        &mut |_| {},
    )?)
}

/// The encoding named by `--encoding` (utf-8, utf-16, euc-kr or windows-1252).
fn parse_encoding(value: &str) -> Result<TextEncoding, CliError> {
    TextEncoding::parse(value).ok_or_else(|| usage_error(message!("cli.not_an_encoding", value)))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("fit") if args.iter().any(|a| a == "--date") => forecast::cmd_forecast(&args[1..]),
        Some("fit") => fit::cmd_fit(&args[1..]),
        Some("bench-ts") => forecast::cmd_bench_ts(&args[1..]),
        Some("inspect") => inspect::cmd_inspect(&args[1..]),
        Some("predict") => predict::cmd_predict(&args[1..]),
        Some("bench") => bench::cmd_bench(&args[1..]),
        Some("--help" | "-h" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        Some("--version" | "-V") => {
            println!("automl {}", automl::VERSION);
            Ok(())
        }
        Some(other) => Err(usage_error(message!(
            "cli.unknown_command",
            command = other
        ))),
        None => Err(usage_error(message!("cli.no_command"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "error: {}\nhint: {}",
                printable(&e.text()),
                printable(&e.hint())
            );
            ExitCode::from(2)
        }
    }
}
