//! The `automl` command line: the same core as the page, natively.
//!
//! ```text
//! automl fit DATA.csv --target COLUMN [--time-budget SECONDS] [--seed N] [--task TASK]
//!                     [--max-trials N] [--folds K] [--json] [--quiet]
//! automl inspect DATA.csv
//! automl predict MODEL.automl DATA.csv [--out PREDICTIONS.csv]
//! automl bench --datasets DIR --splits DIR --time-budget SECONDS --out DIR [--only A,B] [--seed N]
//! ```
//! Errors go to standard error with exit code 2 and a hint; nothing here panics on user data.

use automl::clock::SystemClock;
use automl::data::ColumnKind;
use automl::{
    check_target, inspect, read_table, run_search, AutoMlError, Control, Progress, ReadOptions,
    SearchSettings, Task,
};
use std::io::Write;
use std::process::ExitCode;

#[path = "automl_cli/forecast.rs"]
mod forecast_cli;

const USAGE: &str = "\
Usage:
  automl fit DATA.csv --target COLUMN [options]   search models and print the leaderboard
  automl inspect DATA.csv [--target COLUMN [--task TASK]] [--sheet NAME]
                                                  show the columns, their kinds and warnings
  automl predict MODEL.automl DATA.csv [--out FILE.csv] [--sheet NAME]
                                                  predict new rows with a saved model: CSV with
                                                  a row number (1 = first data row), the
                                                  prediction and, for classes, one
                                                  probability_<class> column per class
  automl fit DATA.csv --target COLUMN --date COLUMN [--horizon H] [--time-budget S]
             [--id COLUMN] [--seed N] [--max-trials N] [--json] [--out FORECAST.csv]
                                                  forecast a time series: backtest leaderboard
                                                  and the forecast with 80%/95% intervals
  automl bench-ts --datasets DIR --splits DIR --time-budget S --out DIR [--only A,B]
                                                  the benchmark collection's time series
  automl bench --datasets DIR --splits DIR --time-budget SECONDS --out DIR
               [--only NAME,...] [--seed N]
                                                  run the search on each fold of the benchmark
                                                  collection and write OUT/NAME.json per dataset

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
  --no-ensemble          do not try an ensemble of the best models
  --type COLUMN=KIND     read COLUMN as numeric, boolean, categorical, datetime,
                         text or identifier (text and identifier are left out)
  --exclude COLUMN       leave COLUMN out (repeatable)
  --sheet NAME           the sheet to read from an Excel or OpenDocument workbook
  --json                 print the result as JSON instead of a table
  --model-out FILE       save the fitted model (preprocessing and model) to FILE
  --no-explain           skip the explanations computed after the search
  --quiet                do not print each trial as it finishes
";

/// A command-line failure: what went wrong and what to do.
struct CliError {
    message: String,
    hint: String,
}

impl From<AutoMlError> for CliError {
    fn from(e: AutoMlError) -> Self {
        CliError {
            message: e.to_string(),
            hint: e.hint(),
        }
    }
}

impl CliError {
    /// Says which file the error is about when the core's message does not already.
    fn in_file(mut self, name: &str) -> CliError {
        if !self.message.contains(name) {
            self.message = format!("\"{name}\": {}", self.message);
        }
        self
    }
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
        .ok_or_else(|| usage_error(format!("{flag} needs a value.")))
}

fn usage_error(message: impl Into<String>) -> CliError {
    CliError {
        message: message.into(),
        hint: "Run `automl --help` to see the commands and options.".into(),
    }
}

struct FitArgs {
    path: String,
    model_out: Option<String>,
    explain: bool,
    sheet: Option<String>,
    settings: SearchSettings,
    json: bool,
    quiet: bool,
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
    KINDS.into_iter().find(|k| k.name() == text.trim().to_ascii_lowercase()).ok_or_else(|| {
        usage_error(format!("\"{text}\" is not a column type; use numeric, boolean, categorical, datetime, text or identifier."))
    })
}

fn parse_number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, CliError> {
    value
        .parse()
        .map_err(|_| usage_error(format!("{flag} needs a number, not \"{value}\".")))
}

fn parse_fit(args: &[String]) -> Result<FitArgs, CliError> {
    let mut path = None;
    let mut settings = SearchSettings::default();
    let mut sheet = None;
    let (mut json, mut quiet) = (false, false);
    let mut time_given = false;
    let mut model_out = None;
    let mut explain = true;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let mut value = || flag_value(args, &mut i);
        match arg {
            "--target" => settings.target = Some(value()?.clone()),
            "--time-budget" => {
                settings.time_budget_s = Some(parse_number("--time-budget", value()?)?);
                time_given = true;
            }
            "--max-trials" => settings.max_trials = Some(parse_number("--max-trials", value()?)?),
            "--seed" => settings.seed = parse_number("--seed", value()?)?,
            "--folds" => settings.folds = parse_number("--folds", value()?)?,
            "--task" => settings.task = Some(Task::parse(value()?)?),
            "--json" => json = true,
            "--quiet" => quiet = true,
            "--no-ensemble" => settings.ensemble = false,
            "--metric" => {
                let name = value()?.clone();
                settings.metric = Some(automl::metrics::Metric::parse(&name).ok_or_else(|| {
                    usage_error(format!("\"{name}\" is not a metric; use accuracy, balanced_accuracy, f1_macro, roc_auc, log_loss, r2, rmse or mae."))
                })?);
            }
            "--sheet" => sheet = Some(value()?.clone()),
            "--model-out" => model_out = Some(value()?.clone()),
            "--no-explain" => explain = false,
            "--exclude" => settings.columns.exclude.push(value()?.clone()),
            "--type" => {
                let spec = value()?.clone();
                let (column, kind) = spec.rsplit_once('=').ok_or_else(|| {
                    usage_error(format!("--type needs COLUMN=KIND, not \"{spec}\"."))
                })?;
                let kind = parse_kind(kind)?;
                settings
                    .columns
                    .column_types
                    .insert(column.to_string(), kind);
            }
            flag if flag.starts_with("--") => {
                return Err(usage_error(format!("Unknown option {flag}.")))
            }
            file => {
                if path.replace(file.to_string()).is_some() {
                    return Err(usage_error(format!(
                        "Only one data file can be given; \"{file}\" is a second one."
                    )));
                }
            }
        }
        i += 1;
    }
    if settings.max_trials.is_some() && !time_given {
        settings.time_budget_s = None;
    }
    let path = path.ok_or_else(|| {
        usage_error("fit needs a data file, e.g. `automl fit data.csv --target price`.")
    })?;
    Ok(FitArgs {
        path,
        model_out,
        explain,
        sheet,
        settings,
        json,
        quiet,
    })
}

fn read_file(path: &str) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError {
        message: format!("Cannot read \"{path}\": {e}."),
        hint: "Check the path and that the file is readable.".into(),
    })
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

fn load(path: &str, sheet: Option<String>) -> Result<automl::Table, CliError> {
    let options = ReadOptions { sheet };
    Ok(read_table(
        &read_file(path)?,
        &file_name(path),
        &options,
        &mut |_| {},
    )?)
}

fn cmd_inspect(args: &[String]) -> Result<(), CliError> {
    let mut path = None;
    let (mut sheet, mut target, mut task) = (None, None, None);
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let mut value = || flag_value(args, &mut i).cloned();
        match arg {
            "--sheet" => sheet = Some(value()?),
            "--target" => target = Some(value()?),
            "--task" => task = Some(Task::parse(&value()?)?),
            flag if flag.starts_with("--") => {
                return Err(usage_error(format!("Unknown option {flag}.")))
            }
            file => {
                if path.replace(file.to_string()).is_some() {
                    return Err(usage_error("inspect needs exactly one data file."));
                }
            }
        }
        i += 1;
    }
    let path = path.ok_or_else(|| usage_error("inspect needs a data file."))?;
    let table = load(&path, sheet)?;
    let ins = inspect(&table);
    let mut out = std::io::stdout().lock();
    let sheet_text = ins
        .sheet
        .as_ref()
        .map(|s| format!(" (sheet \"{s}\" of {})", ins.sheets.len()))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}{sheet_text}: {} rows × {} columns",
        printable(&ins.file_name),
        ins.n_rows,
        ins.n_cols
    );
    for c in &ins.columns {
        let ask = if c.task_question.is_some() {
            " (ask)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {:<28} {:<12} missing {:>6}  distinct {:>6}  as target: {}{ask}",
            printable(&c.name),
            c.kind.name(),
            c.missing,
            c.distinct,
            c.suggested_task.name()
        );
    }
    for note in &ins.notes {
        let _ = writeln!(out, "note: {}", printable(note));
    }
    for warning in &ins.warnings {
        let _ = writeln!(out, "warning: {warning}");
    }
    if let Some(name) = target {
        let col = table.column_index(&name)?;
        let info = &ins.columns[col];
        let task = task.unwrap_or(info.suggested_task);
        if let (Some(q), None) = (&info.task_question, &task_given(args)) {
            let _ = writeln!(
                out,
                "question: {q} (assumed {}; choose with --task)",
                task.name()
            );
        }
        let check = check_target(&table, col, task, &automl::data::detect_schema(&table));
        for bar in &check.class_counts {
            let _ = writeln!(out, "  class {:<24} {:>8} rows", bar.label, bar.count);
        }
        for warning in &check.warnings {
            let _ = writeln!(out, "warning: {warning}");
        }
    }
    Ok(())
}

fn task_given(args: &[String]) -> Option<()> {
    args.iter().any(|a| a == "--task").then_some(())
}

/// Hyperparameters as `name=value, ...`.
fn params_text(params: &serde_json::Map<String, serde_json::Value>) -> String {
    if params.is_empty() {
        return "defaults".into();
    }
    params
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.as_str().map_or_else(|| v.to_string(), str::to_string)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn cmd_fit(args: &[String]) -> Result<(), CliError> {
    let fit = parse_fit(args)?;
    let name = file_name(&fit.path);
    let in_file = |e: AutoMlError| CliError::from(e).in_file(&name);
    let table = load(&fit.path, fit.sheet.clone())?;
    let clock = SystemClock::new();
    let quiet = fit.quiet || fit.json;
    let mut observer = |event: &Progress| {
        if let (
            false,
            Progress::Trial {
                elapsed_s,
                row,
                best_so_far,
                ..
            },
        ) = (quiet, event)
        {
            eprintln!(
                "[{elapsed_s:6.2} s] trial {:>3}  {:<22} {}={:.4}  (best {best_so_far:.4})  {}",
                row.trial,
                row.label,
                row.metric.name(),
                row.mean,
                params_text(&row.params)
            );
        }
        Control::Continue
    };
    let mut outcome = run_search(&table, &fit.settings, &clock, &mut observer).map_err(in_file)?;
    if fit.explain {
        let d = automl::explain::diagnose(&table, &fit.settings, &outcome, &clock, &mut observer)
            .map_err(in_file)?;
        outcome.result.diagnostics = Some(d);
    }
    if let Some(path) = &fit.model_out {
        let bytes = automl::model_file::ModelFile::from_run(&table, &fit.settings, &outcome)
            .and_then(|m| m.to_bytes())
            .map_err(in_file)?;
        std::fs::write(path, bytes).map_err(|e| CliError {
            message: format!("Cannot write the model to \"{path}\": {e}."),
            hint: "Check that the folder exists and is writable.".into(),
        })?;
        if !quiet {
            eprintln!("model saved to {}", printable(path));
        }
    }
    let r = &outcome.result;
    let mut out = std::io::stdout().lock();
    if fit.json {
        let text =
            serde_json::to_string_pretty(r).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        let _ = writeln!(out, "{text}");
        return Ok(());
    }
    let _ = writeln!(
        out,
        "{} rows, {} model inputs, target \"{}\" ({}), {}, {:.1} s",
        r.n_rows,
        r.n_features,
        printable(&r.target),
        r.task.name(),
        r.validation,
        r.elapsed_s
    );
    let _ = writeln!(
        out,
        "\n{:>4}  {:<22} {:>16}  {:>9}  hyperparameters",
        "rank",
        "model",
        r.metric.name(),
        "fit (s)"
    );
    const SHOWN: usize = 25;
    for row in r.leaderboard.iter().take(SHOWN) {
        let _ = writeln!(
            out,
            "{:>4}  {:<22} {:>8.4} ± {:<6.4}  {:>9.3}  {}",
            row.rank,
            row.label,
            row.mean,
            row.std,
            row.fit_time_s,
            params_text(&row.params)
        );
    }
    if r.leaderboard.len() > SHOWN {
        let _ = writeln!(
            out,
            "   … {} more trials (use --json to see all)",
            r.leaderboard.len() - SHOWN
        );
    }
    let b = &r.best;
    let _ = writeln!(
        out,
        "\nBest model: {} ({}), cross-validated {} {:.4} ± {:.4}; refitted on all {} rows in {:.3} s.",
        b.row.label,
        params_text(&b.row.params),
        r.metric.name(),
        b.row.mean,
        b.row.std,
        r.n_rows,
        b.refit_time_s
    );
    if let Some(d) = &r.diagnostics {
        if !d.importance.features.is_empty() {
            let _ = writeln!(
                out,
                "\nPermutation importance ({} drop on {}):",
                r.metric.name(),
                d.importance.held_out
            );
            for f in d.importance.features.iter().take(10) {
                let _ = writeln!(
                    out,
                    "  {:<28} {:>9.4} ± {:.4}",
                    printable(&f.column),
                    f.mean,
                    f.std
                );
            }
        }
        for note in &d.notes {
            let _ = writeln!(out, "note: {}", printable(note));
        }
    }
    for note in &r.notes {
        let _ = writeln!(out, "note: {}", printable(note));
    }
    Ok(())
}

/// `automl bench`: each tabular dataset of `DIR/index.json`, each outer fold of its split
/// file, through `automl::bench`; then the time series through the forecasting benchmark
/// (`automl bench-ts`); one result file per dataset.
fn cmd_bench(args: &[String]) -> Result<(), CliError> {
    let (mut datasets, mut splits, mut out) = (None, None, None);
    let (mut budget, mut seed, mut only) = (10.0f64, 42u64, Vec::<String>::new());
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let mut value = || flag_value(args, &mut i).cloned();
        match arg {
            "--datasets" => datasets = Some(value()?),
            "--splits" => splits = Some(value()?),
            "--out" => out = Some(value()?),
            "--time-budget" => budget = parse_number("--time-budget", &value()?)?,
            "--seed" => seed = parse_number("--seed", &value()?)?,
            "--only" => only = value()?.split(',').map(|s| s.trim().to_string()).collect(),
            other => return Err(usage_error(format!("Unknown option {other}."))),
        }
        i += 1;
    }
    let need = |v: Option<String>, flag: &str| {
        v.ok_or_else(|| usage_error(format!("bench needs {flag} DIR.")))
    };
    let (datasets, splits, out) = (
        std::path::PathBuf::from(need(datasets, "--datasets")?),
        std::path::PathBuf::from(need(splits, "--splits")?),
        std::path::PathBuf::from(need(out, "--out")?),
    );
    let text = |path: &std::path::Path| -> Result<String, CliError> {
        let p = path.to_string_lossy().into_owned();
        String::from_utf8(read_file(&p)?).map_err(|_| CliError {
            message: format!("\"{p}\" is not UTF-8 text."),
            hint: "Give the benchmark collection's JSON files.".into(),
        })
    };
    let index_path = datasets.join("index.json");
    let index = automl::bench::parse_index(&text(&index_path)?)
        .map_err(|e| CliError::from(e).in_file(&index_path.to_string_lossy()))?;
    for name in &only {
        if !index.iter().any(|d| &d.name == name) {
            return Err(usage_error(format!(
                "--only: no dataset \"{name}\" in the index."
            )));
        }
    }
    std::fs::create_dir_all(&out).map_err(|e| CliError {
        message: format!("Cannot create \"{}\": {e}.", out.display()),
        hint: "Choose a folder you can write to.".into(),
    })?;
    let mut failures = 0;
    let mut series = Vec::new();
    for ds in index
        .iter()
        .filter(|d| only.is_empty() || only.contains(&d.name))
    {
        if ds.search_task().is_none() {
            // time series go to the forecasting benchmark below
            series.push(ds.name.clone());
            continue;
        }
        let csv = datasets.join(&ds.file);
        let table = load(&csv.to_string_lossy(), None)?;
        let split_path = splits.join(format!("{}.json", ds.name));
        let folds = automl::bench::parse_splits(&text(&split_path)?, table.n_rows())
            .map_err(|e| CliError::from(e).in_file(&split_path.to_string_lossy()))?;
        let settings = automl::bench::fold_settings(ds, budget, seed);
        let mut reports = Vec::new();
        for (f, fold) in folds.iter().enumerate() {
            let clock = SystemClock::new();
            match automl::bench::run_fold(&table, ds, f, fold, &settings, &clock) {
                Ok(r) => {
                    let main = if ds.task == "regression" {
                        "r2"
                    } else {
                        "balanced_accuracy"
                    };
                    println!(
                        "{} fold {f}: {main} {:.4}, {:.2} s, {} trials, best {}",
                        ds.name,
                        r.metrics.get(main).copied().unwrap_or(f64::NAN),
                        r.wall_time_s,
                        r.trials,
                        r.best_model
                    );
                    reports.push(r);
                }
                Err(e) => {
                    failures += 1;
                    eprintln!("{} fold {f}: error: {e}", ds.name);
                }
            }
        }
        let report = automl::bench::summarize(ds, budget, reports);
        let path = out.join(format!("{}.json", ds.name));
        let body = serde_json::to_string_pretty(&report).unwrap_or_default();
        std::fs::write(&path, body + "\n").map_err(|e| CliError {
            message: format!("Cannot write \"{}\": {e}.", path.display()),
            hint: "Choose a folder you can write to.".into(),
        })?;
    }
    if !series.is_empty() {
        // the time series: the last 20% forecast from the training end (src/forecast/bench.rs)
        forecast_cli::bench_series_into(&datasets, &splits, &out, &series, budget, seed)?;
    }
    if failures > 0 {
        return Err(CliError {
            message: format!("{failures} fold(s) failed (see above)."),
            hint: "The result files hold the folds that ran.".into(),
        });
    }
    Ok(())
}

fn cmd_predict(args: &[String]) -> Result<(), CliError> {
    let (mut files, mut out_path, mut sheet) = (Vec::new(), None, None);
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let mut value = || flag_value(args, &mut i).cloned();
        match arg {
            "--out" => out_path = Some(value()?),
            "--sheet" => sheet = Some(value()?),
            flag if flag.starts_with("--") => {
                return Err(usage_error(format!("Unknown option {flag}.")))
            }
            file => files.push(file.to_string()),
        }
        i += 1;
    }
    let [model_path, data_path] = files.as_slice() else {
        return Err(usage_error(
            "predict needs a model file and a data file, e.g. `automl predict model.automl new.csv`.",
        ));
    };
    let model = automl::model_file::load(&read_file(model_path)?, &file_name(model_path))?;
    let table = load(data_path, sheet)?;
    let name = file_name(data_path);
    let predictions = model
        .predict_table(&table)
        .map_err(|e| CliError::from(e).in_file(&name))?;
    for note in &predictions.notes {
        eprintln!("note: {}", printable(note));
    }
    let csv = automl::model_file::predictions_csv(&predictions);
    match out_path {
        Some(path) => std::fs::write(&path, csv).map_err(|e| CliError {
            message: format!("Cannot write the predictions to \"{path}\": {e}."),
            hint: "Check that the folder exists and is writable.".into(),
        })?,
        None => {
            let _ = std::io::stdout().lock().write_all(csv.as_bytes());
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("fit") if args.iter().any(|a| a == "--date") => forecast_cli::cmd_forecast(&args[1..]),
        Some("fit") => cmd_fit(&args[1..]),
        Some("bench-ts") => forecast_cli::cmd_bench_ts(&args[1..]),
        Some("inspect") => cmd_inspect(&args[1..]),
        Some("predict") => cmd_predict(&args[1..]),
        Some("bench") => cmd_bench(&args[1..]),
        Some("--help" | "-h" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        Some("--version" | "-V") => {
            println!("automl {}", automl::VERSION);
            Ok(())
        }
        Some(other) => Err(usage_error(format!("Unknown command \"{other}\"."))),
        None => Err(usage_error("No command given.")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "error: {}\nhint: {}",
                printable(&e.message),
                printable(&e.hint)
            );
            ExitCode::from(2)
        }
    }
}
