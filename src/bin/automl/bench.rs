//! `automl bench`: the benchmark protocol over a collection of data sets and fixed splits.

use super::*;

/// `automl bench`: each tabular dataset of `DIR/index.json`, each outer fold of its split
/// file, through `automl::bench`; then the time series through the forecasting benchmark
/// (`automl bench-ts`); one result file per dataset. `--max-trials N` bounds each fold's search
/// by trials (without `--time-budget`, by trials alone: the same results on every machine);
/// `--metric NAME` ranks the searches of the metric's task by it (the page's default
/// otherwise); `--diagnose DIR` also writes, per classification dataset, what each fold's search chose
/// among and what each choice gives on the test rows (`automl::bench::diagnose_fold`).
pub(crate) fn cmd_bench(args: &[String]) -> Result<(), CliError> {
    let (mut datasets, mut splits, mut out) = (None, None, None);
    let (mut budget, mut seed, mut only) = (10.0f64, 42u64, Vec::<String>::new());
    let (mut families, mut exclude_families) = (Vec::new(), Vec::new());
    let (mut max_trials, mut time_given, mut diagnose) = (None, false, None::<String>);
    let mut metric = None::<automl::metrics::Metric>;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let mut value = || flag_value(args, &mut i).cloned();
        match arg {
            "--datasets" => datasets = Some(value()?),
            "--splits" => splits = Some(value()?),
            "--out" => out = Some(value()?),
            "--time-budget" => {
                budget = parse_number("--time-budget", &value()?)?;
                time_given = true;
            }
            "--max-trials" => max_trials = Some(parse_number("--max-trials", &value()?)?),
            "--diagnose" => diagnose = Some(value()?),
            "--seed" => seed = parse_number("--seed", &value()?)?,
            "--metric" => {
                let name = value()?;
                metric = Some(
                    automl::metrics::Metric::parse(&name)
                        .ok_or_else(|| usage_error(message!("cli.not_a_metric", value = name)))?,
                );
            }
            "--only" => only = value()?.split(',').map(|s| s.trim().to_string()).collect(),
            "--families" => families = name_list(&value()?),
            "--exclude-families" => exclude_families = name_list(&value()?),
            other => return Err(usage_error(message!("cli.unknown_option", flag = other))),
        }
        i += 1;
    }
    let need = |v: Option<String>, flag: &str| {
        v.ok_or_else(|| usage_error(message!("cli.needs_dir", command = "bench", flag)))
    };
    let (datasets, splits, out) = (
        std::path::PathBuf::from(need(datasets, "--datasets")?),
        std::path::PathBuf::from(need(splits, "--splits")?),
        std::path::PathBuf::from(need(out, "--out")?),
    );
    let text = |path: &std::path::Path| -> Result<String, CliError> {
        let p = path.to_string_lossy().into_owned();
        String::from_utf8(read_file(&p)?)
            .map_err(|_| CliError::from(message!("cli.not_utf8", path = p)))
    };
    let index_path = datasets.join("index.json");
    let index = automl::bench::parse_index(&text(&index_path)?)
        .map_err(|e| CliError::from(e).in_file(&index_path.to_string_lossy()))?;
    for name in &only {
        if !index.iter().any(|d| &d.name == name) {
            return Err(usage_error(message!("cli.only_unknown", name)));
        }
    }
    let create = |dir: &std::path::Path| {
        std::fs::create_dir_all(dir).map_err(|e| {
            CliError::from(message!(
                "cli.cannot_create",
                path = dir.display().to_string(),
                detail = e.to_string()
            ))
        })
    };
    create(&out)?;
    let diagnose = diagnose.map(std::path::PathBuf::from);
    if let Some(dir) = &diagnose {
        create(dir)?;
    }
    let write = |path: &std::path::Path, body: String| {
        std::fs::write(path, body + "\n").map_err(|e| {
            CliError::from(message!(
                "cli.cannot_write",
                path = path.display().to_string(),
                detail = e.to_string()
            ))
        })
    };
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
        let table = load(&csv.to_string_lossy(), &ReadOptions::default())?;
        let split_path = splits.join(format!("{}.json", ds.name));
        let folds = automl::bench::parse_splits(&text(&split_path)?, table.n_rows())
            .map_err(|e| CliError::from(e).in_file(&split_path.to_string_lossy()))?;
        let settings = SearchSettings {
            families: families.clone(),
            exclude_families: exclude_families.clone(),
            max_trials,
            time_budget_s: (time_given || max_trials.is_none()).then_some(budget),
            // the metric ranks the searches of its task; the other task's keep their default
            metric: metric.filter(|m| {
                m.for_classification() == (ds.search_task() == Some(Task::Classification))
            }),
            ..automl::bench::fold_settings(ds, budget, seed)
        };
        let diagnosing = diagnose.is_some() && ds.search_task() == Some(Task::Classification);
        let mut reports = Vec::new();
        let mut diagnoses = Vec::new();
        for (f, fold) in folds.iter().enumerate() {
            let clock = SystemClock::new();
            let run = if diagnosing {
                automl::bench::diagnose_fold(&table, ds, f, fold, &settings, &clock).map(
                    |(report, diagnosis)| {
                        diagnoses.push(diagnosis);
                        report
                    },
                )
            } else {
                automl::bench::run_fold(&table, ds, f, fold, &settings, &clock)
            };
            match run {
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
        let mut report = automl::bench::summarize(ds, budget, "native", reports);
        if let (Some(n), None) = (max_trials, settings.time_budget_s) {
            report.tool = format!("automl-wasm native {n} trials");
            report.time_budget_s = 0.0;
        }
        if let Some(m) = settings.metric {
            report.tool = format!("{}, ranked by {}", report.tool, m.name());
        }
        let path = out.join(format!("{}.json", ds.name));
        write(
            &path,
            serde_json::to_string_pretty(&report).unwrap_or_default(),
        )?;
        if let (Some(dir), true) = (&diagnose, diagnosing) {
            let body =
                serde_json::json!({ "dataset": ds.name, "task": ds.task, "folds": diagnoses });
            write(&dir.join(format!("{}.json", ds.name)), body.to_string())?;
        }
    }
    if !series.is_empty() {
        // the time series: the last 20% forecast from the training end (src/forecast/bench.rs)
        super::forecast::bench_series_into(&datasets, &splits, &out, &series, budget, seed)?;
    }
    if failures > 0 {
        return Err(message!("cli.folds_failed", count = failures).into());
    }
    Ok(())
}
