//! The command line's forecasting: `automl fit DATA --target COLUMN --date COLUMN` and the
//! time-series benchmark `automl bench-ts`.

use super::{
    file_name, flag_value, load, note_text, parse_encoding, parse_number, printable, usage_error,
    CliError,
};
use automl::clock::SystemClock;
use automl::forecast::{self, ForecastResult, ForecastSettings};
use automl::message;
use automl::results::forecast_file::ForecastModelFile;
use automl::ReadOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `automl fit DATA --target COLUMN --date COLUMN [--horizon H] [--time-budget S] [--id COLUMN]
/// [--seed N] [--max-trials N] [--json] [--out FILE.csv] [--model-out MODEL.automl] [--quiet]
/// [--sheet NAME] [--encoding E]`.
pub(crate) fn cmd_forecast(args: &[String]) -> Result<(), CliError> {
    let mut path = None;
    let mut settings = ForecastSettings::default();
    let (mut json, mut quiet, mut out_file) = (false, false, None);
    let mut model_out: Option<String> = None;
    let mut read = ReadOptions::default();
    let mut time_given = false;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let mut value = || flag_value(args, &mut i).cloned();
        match arg {
            "--target" => settings.target = value()?,
            "--date" => settings.date = value()?,
            "--id" => settings.id = Some(value()?),
            "--horizon" => settings.horizon = Some(parse_number("--horizon", &value()?)?),
            "--time-budget" => {
                settings.time_budget_s = Some(parse_number("--time-budget", &value()?)?);
                time_given = true;
            }
            "--max-trials" => settings.max_trials = Some(parse_number("--max-trials", &value()?)?),
            "--seed" => settings.seed = parse_number("--seed", &value()?)?,
            "--origins" => settings.origins = parse_number("--origins", &value()?)?,
            "--no-ensemble" => settings.ensemble = false,
            "--json" => json = true,
            "--quiet" => quiet = true,
            "--out" => out_file = Some(value()?),
            "--model-out" => model_out = Some(value()?),
            "--sheet" => read.sheet = Some(value()?),
            "--encoding" => read.encoding = Some(parse_encoding(&value()?)?),
            flag if flag.starts_with("--") => {
                return Err(usage_error(message!("cli.unknown_forecast_option", flag)))
            }
            file => {
                if path.replace(file.to_string()).is_some() {
                    return Err(usage_error(message!("cli.second_file", file)));
                }
            }
        }
        i += 1;
    }
    if settings.max_trials.is_some() && !time_given {
        settings.time_budget_s = None;
    }
    if let Some(b) = settings.time_budget_s {
        if !(b > 0.0 && b.is_finite()) {
            return Err(usage_error(message!("cli.budget_positive")));
        }
    }
    let path = path.ok_or_else(|| usage_error(message!("cli.fit_needs_file")))?;
    if settings.target.is_empty() {
        return Err(usage_error(message!("cli.forecast_needs_target")));
    }
    let name = file_name(&path);
    let table = load(&path, &read)?;
    let clock = SystemClock::new();
    let show = !(quiet || json);
    let mut observer = |row: &forecast::TrialRow| {
        if show {
            eprintln!(
                "trial {:>3}  {:<44} MASE {:.4}  ({:.2} s)",
                row.trial, row.label, row.scores.mase, row.time_s
            );
        }
    };
    let result = forecast::run_forecast(&table, &settings, &clock, &mut observer)
        .map_err(|e| CliError::from(e).in_file(&name))?;
    if let Some(out) = &out_file {
        std::fs::write(out, forecast::forecast_csv(&result)).map_err(|e| {
            CliError::from(message!(
                "cli.cannot_write",
                path = out,
                detail = e.to_string()
            ))
        })?;
    }
    if let Some(path) = &model_out {
        let bytes = ForecastModelFile::from_run(&result, &settings).to_bytes()?;
        std::fs::write(path, bytes).map_err(|e| {
            CliError::from(message!(
                "cli.cannot_write_model",
                path,
                detail = e.to_string()
            ))
        })?;
        if !quiet && !json {
            eprintln!("forecast model saved to {path}");
        }
    }
    let mut out = std::io::stdout().lock();
    if json {
        let text = serde_json::to_string_pretty(&result)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        let _ = writeln!(out, "{text}");
        return Ok(());
    }
    print_result(&mut out, &result);
    Ok(())
}

fn print_result(out: &mut impl Write, r: &ForecastResult) {
    let _ = writeln!(
        out,
        "{} {} values of \"{}\" by \"{}\", horizon {}, {} backtest windows of {} steps, {} models in {:.1} s",
        r.n,
        r.frequency.name(),
        printable(&r.target),
        printable(&r.date_column),
        r.horizon,
        r.origins,
        r.backtest_horizon,
        r.trials,
        r.elapsed_s
    );
    let _ = writeln!(
        out,
        "\n{:>4}  {:<58} {:>8} {:>8} {:>12} {:>12}",
        "rank", "model", "MASE", "sMAPE %", "MAE", "RMSE"
    );
    const SHOWN: usize = 20;
    for row in r.leaderboard.iter().take(SHOWN) {
        let _ = writeln!(
            out,
            "{:>4}  {:<58} {:>8.4} {:>8.2} {:>12.4} {:>12.4}",
            row.rank,
            truncate(&row.label, 58),
            row.scores.mase,
            row.scores.smape,
            row.scores.mae,
            row.scores.rmse
        );
    }
    if r.leaderboard.len() > SHOWN {
        let _ = writeln!(
            out,
            "   … {} more (use --json to see all)",
            r.leaderboard.len() - SHOWN
        );
    }
    let _ = writeln!(
        out,
        "\nForecast by {} (backtest MASE {:.4}); intervals 80% and 95%:",
        r.best_label, r.best_scores.mase
    );
    let _ = writeln!(
        out,
        "{:<18} {:>12} {:>12} {:>12} {:>12} {:>12}",
        "date", "forecast", "lo80", "hi80", "lo95", "hi95"
    );
    for p in &r.forecast {
        let _ = writeln!(
            out,
            "{:<18} {:>12.4} {:>12.4} {:>12.4} {:>12.4} {:>12.4}",
            p.time, p.value, p.lo80, p.hi80, p.lo95, p.hi95
        );
    }
    let _ = writeln!(
        out,
        "\nIntervals: {} Calibration errors inside: {:.0}% (80%), {:.0}% (95%).",
        r.intervals,
        100.0 * r.interval_coverage.0,
        100.0 * r.interval_coverage.1
    );
    for note in &r.notes {
        let _ = writeln!(out, "note: {}", note_text(note));
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

/// `automl bench-ts --datasets DIR --splits DIR --time-budget S --out DIR [--only NAME,...]
/// [--seed N]`: the collection's time series, one result file per dataset and a summary.
pub(crate) fn cmd_bench_ts(args: &[String]) -> Result<(), CliError> {
    let (mut datasets, mut splits, mut out_dir) = (None, None, None);
    let mut budget = 10.0f64;
    let mut seed = 42u64;
    let mut only: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let mut value = || flag_value(args, &mut i).cloned();
        match arg {
            "--datasets" => datasets = Some(PathBuf::from(value()?)),
            "--splits" => splits = Some(PathBuf::from(value()?)),
            "--out" => out_dir = Some(PathBuf::from(value()?)),
            "--time-budget" => budget = parse_number("--time-budget", &value()?)?,
            "--seed" => seed = parse_number("--seed", &value()?)?,
            "--only" => only.extend(value()?.split(',').map(|s| s.trim().to_string())),
            other => {
                return Err(usage_error(message!(
                    "cli.unknown_bench_ts_option",
                    flag = other
                )))
            }
        }
        i += 1;
    }
    let need = |flag: &str| usage_error(message!("cli.needs_dir", command = "bench-ts", flag));
    let datasets = datasets.ok_or_else(|| need("--datasets"))?;
    let splits = splits.ok_or_else(|| need("--splits"))?;
    let out_dir = out_dir.ok_or_else(|| need("--out"))?;
    bench_series_into(&datasets, &splits, &out_dir, &only, budget, seed)
}

/// Benchmarks the collection's time series (those named in `only`, or all) into `out_dir`:
/// one result file per series, a line per series and the mean MASE on standard output.
/// `automl bench` calls it for the time series of its index.
pub fn bench_series_into(
    datasets: &Path,
    splits: &Path,
    out_dir: &Path,
    only: &[String],
    budget: f64,
    seed: u64,
) -> Result<(), CliError> {
    std::fs::create_dir_all(out_dir).map_err(|e| {
        CliError::from(message!(
            "cli.cannot_create",
            path = out_dir.display().to_string(),
            detail = e.to_string()
        ))
    })?;
    let entries = forecast::bench::timeseries_entries(datasets)?;
    let mut summary = Vec::new();
    let mut out = std::io::stdout().lock();
    for entry in entries {
        let name = entry
            .get("name")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        if !only.is_empty() && !only.contains(&name) {
            continue;
        }
        let clock = SystemClock::new();
        let result = forecast::bench::bench_series(datasets, splits, &entry, budget, seed, &clock)?;
        let path = out_dir.join(format!("{name}.json"));
        let text = serde_json::to_string_pretty(&result).unwrap_or_default();
        std::fs::write(&path, text).map_err(|e| {
            CliError::from(message!(
                "cli.cannot_write",
                path = path.display().to_string(),
                detail = e.to_string()
            ))
        })?;
        let fold = &result["folds"][0];
        let _ = writeln!(
            out,
            "{:<24} MASE {:>7.4}  sMAPE {:>7.2}  {:>6.1} s  {}",
            name,
            fold["metrics"]["mase"].as_f64().unwrap_or(f64::NAN),
            fold["metrics"]["smape"].as_f64().unwrap_or(f64::NAN),
            fold["wall_time_s"].as_f64().unwrap_or(f64::NAN),
            fold["model"].as_str().unwrap_or("")
        );
        summary.push(result);
    }
    let mean = summary
        .iter()
        .filter_map(|r| r["folds"][0]["metrics"]["mase"].as_f64())
        .sum::<f64>()
        / summary.len().max(1) as f64;
    let _ = writeln!(out, "mean MASE over {} series: {mean:.4}", summary.len());
    Ok(())
}

/// `automl predict MODEL DATA` with a forecast model file: the series in DATA forecast from its
/// end by the saved forecaster (refitted, no search); the forecast CSV to `out` or standard
/// output, notes on standard error.
pub(crate) fn predict_forecast(
    model_bytes: &[u8],
    model_name: &str,
    table: &automl::data::Table,
    data_name: &str,
    out_path: Option<String>,
) -> Result<(), CliError> {
    let model = automl::results::forecast_file::load(model_bytes, model_name)?;
    let result = model
        .forecast_table(table, data_name)
        .map_err(|e| CliError::from(e).in_file(data_name))?;
    for note in &result.notes {
        eprintln!("note: {}", note_text(note));
    }
    let csv = forecast::forecast_csv(&result);
    super::predict::write_csv(csv, out_path)
}
