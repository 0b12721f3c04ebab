//! `automl fit DATA --target COLUMN`: a budgeted search, its leaderboard, the winner's
//! diagnostics (`--explain`) and its model file (`--model-out`).

use super::*;
use automl::results::finish_run;

pub(crate) struct FitArgs {
    path: String,
    model_out: Option<String>,
    explain: bool,
    read: ReadOptions,
    settings: SearchSettings,
    json: bool,
    quiet: bool,
    verbose: bool,
}

fn parse_fit(args: &[String]) -> Result<FitArgs, CliError> {
    let mut path = None;
    let mut settings = SearchSettings::default();
    let mut read = ReadOptions::default();
    let (mut json, mut quiet, mut verbose) = (false, false, false);
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
            "--verbose" => verbose = true,
            "--no-ensemble" => settings.ensemble = false,
            "--families" => settings.families = name_list(value()?),
            "--exclude-families" => settings.exclude_families = name_list(value()?),
            "--metric" => {
                let name = value()?.clone();
                settings.metric = Some(
                    automl::metrics::Metric::parse(&name)
                        .ok_or_else(|| usage_error(message!("cli.not_a_metric", value = name)))?,
                );
            }
            "--sheet" => read.sheet = Some(value()?.clone()),
            "--encoding" => read.encoding = Some(parse_encoding(value()?)?),
            "--model-out" => model_out = Some(value()?.clone()),
            "--no-explain" => explain = false,
            "--exclude" => settings.columns.exclude.push(value()?.clone()),
            "--type" => {
                let spec = value()?.clone();
                let (column, kind) = spec
                    .rsplit_once('=')
                    .ok_or_else(|| usage_error(message!("cli.type_syntax", value = spec)))?;
                let kind = parse_kind(kind)?;
                settings
                    .columns
                    .column_types
                    .insert(column.to_string(), kind);
            }
            flag if flag.starts_with("--") => {
                return Err(usage_error(message!("cli.unknown_option", flag)))
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
    let path = path.ok_or_else(|| usage_error(message!("cli.fit_needs_file")))?;
    Ok(FitArgs {
        path,
        model_out,
        explain,
        read,
        settings,
        json,
        quiet,
        verbose,
    })
}

pub(crate) fn cmd_fit(args: &[String]) -> Result<(), CliError> {
    let fit = parse_fit(args)?;
    let name = file_name(&fit.path);
    let in_file = |e: AutoMlError| CliError::from(e).in_file(&name);
    let table = load(&fit.path, &fit.read)?;
    let clock = SystemClock::new();
    let quiet = fit.quiet || fit.json;
    let verbose = fit.verbose && !quiet;
    let mut observer = |event: &Progress| {
        // what the search decided, before the trial it led to (--verbose)
        let events = match event {
            Progress::Trial { events, .. } | Progress::Phase { events, .. } => events,
        };
        if verbose {
            let cut = match event {
                // the result sentences of a trial come after its line
                Progress::Trial { .. } => events
                    .iter()
                    .position(|m| m.code.starts_with("event.scored"))
                    .unwrap_or(events.len()),
                Progress::Phase { .. } => events.len(),
            };
            for m in &events[..cut] {
                eprintln!("           · {}", note_text(m));
            }
        }
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
            if verbose {
                if let Some(train) = row.train_score {
                    eprintln!(
                        "           · on its own training rows: {}={train:.4}{}",
                        row.metric.name(),
                        if row.overfit.is_some() {
                            "  (overfitting)"
                        } else {
                            ""
                        }
                    );
                }
                for m in events
                    .iter()
                    .skip_while(|m| !m.code.starts_with("event.scored"))
                    .skip(1)
                {
                    eprintln!("           · {}", note_text(m));
                }
            }
        }
        Control::Continue
    };
    let outcome = run_search(&table, &fit.settings, &clock, &mut observer).map_err(in_file)?;
    let run = finish_run(
        &table,
        &fit.settings,
        outcome,
        &clock,
        &mut observer,
        fit.explain,
    )
    .map_err(in_file)?;
    if let Some(path) = &fit.model_out {
        std::fs::write(path, &run.model_bytes).map_err(|e| {
            CliError::from(message!(
                "cli.cannot_write_model",
                path,
                detail = e.to_string()
            ))
        })?;
        if !quiet {
            eprintln!("model saved to {}", printable(path));
        }
    }
    let report = &run.report;
    let r = &report.result;
    let mut out = std::io::stdout().lock();
    if fit.json {
        let text = serde_json::to_string_pretty(report)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        let _ = writeln!(out, "{text}");
        return Ok(());
    }
    let _ = writeln!(
        out,
        "{} rows, {} columns ({} features after encoding), target \"{}\" ({}), {}, {:.1} s",
        r.n_rows,
        r.n_columns,
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
    if let Some(why) = &report.why {
        let text: Vec<String> = why.messages.iter().map(note_text).collect();
        let _ = writeln!(out, "\nWhy this model: {}", text.join(" "));
    }
    if let Some(d) = &report.diagnostics {
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
            let _ = writeln!(out, "note: {}", note_text(note));
        }
    }
    for note in &r.notes {
        let _ = writeln!(out, "note: {}", note_text(note));
    }
    Ok(())
}
