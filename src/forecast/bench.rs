//! The time-series part of the benchmark collection (`../shared/bench`): for one `timeseries`
//! dataset, fit on the split's training rows within a budget, forecast the whole test part from
//! the training end, and score it as the anchors do: missing training values linearly
//! interpolated (ends carried), MASE scaled by the in-sample seasonal naive MAE at the index's
//! `season_length`, test rows without a value skipped. The model sees only the training rows'
//! dates and target (no covariates) and the test rows' dates.

use super::series::{detect_periods, interpolate, Series};
use super::{mase_scale, run_series, score, ForecastSettings};
use crate::clock::Clock;
use crate::data::cells::{is_missing, parse_date_as, parse_number};
use crate::data::{classify, read_csv, Table, TextColumn};
use crate::error::{AutoMlError, Result};
use crate::message;
use crate::messages::Message;
use serde_json::{json, Value};
use std::path::Path;

fn setting(name: &str, reason: Message) -> AutoMlError {
    AutoMlError::BadSetting {
        name: name.into(),
        reason,
    }
}

fn cannot_read(path: &Path, e: std::io::Error) -> AutoMlError {
    setting(
        "--datasets",
        message!(
            "bench.cannot_read",
            path = path.display().to_string(),
            detail = e.to_string()
        ),
    )
}

fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| cannot_read(path, e))?;
    serde_json::from_str(&text).map_err(|e| {
        setting(
            "--datasets",
            message!(
                "bench.not_json",
                path = path.display().to_string(),
                detail = e.to_string()
            ),
        )
    })
}

/// The `timeseries` entries of `datasets/index.json`.
pub fn timeseries_entries(datasets: &Path) -> Result<Vec<Value>> {
    let index = read_json(&datasets.join("index.json"))?;
    let list = index
        .as_array()
        .cloned()
        .or_else(|| index.get("datasets").and_then(Value::as_array).cloned())
        .unwrap_or_default();
    Ok(list
        .into_iter()
        .filter(|e| e.get("task").and_then(Value::as_str) == Some("timeseries"))
        .collect())
}

fn range(split: &Value, key: &str) -> Result<(usize, usize)> {
    let r = split
        .get(key)
        .and_then(Value::as_array)
        .filter(|a| a.len() == 2)
        .ok_or_else(|| setting("--splits", message!("bench.no_range", key)))?;
    let get = |i: usize| r[i].as_u64().map(|v| v as usize);
    match (get(0), get(1)) {
        (Some(a), Some(b)) if a <= b => Ok((a, b)),
        _ => Err(setting("--splits", message!("bench.bad_range", key))),
    }
}

/// Fits and scores one dataset (`entry` from the index) with `budget_s` seconds; returns the
/// result in the collection's shared format.
pub fn bench_series(
    datasets: &Path,
    splits: &Path,
    entry: &Value,
    budget_s: f64,
    seed: u64,
    clock: &dyn Clock,
) -> Result<Value> {
    let name = entry
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| setting("--datasets", message!("bench.no_name")))?;
    let file = entry.get("file").and_then(Value::as_str).unwrap_or(name);
    let target = entry.get("target").and_then(Value::as_str).ok_or_else(|| {
        setting(
            "--datasets",
            message!("bench.no_field", name, field = "target"),
        )
    })?;
    let date = entry
        .get("time_column")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            setting(
                "--datasets",
                message!("bench.no_field", name, field = "time_column"),
            )
        })?;
    let season = entry
        .get("season_length")
        .and_then(Value::as_u64)
        .unwrap_or(1) as usize;
    let path = datasets.join(file);
    let bytes = std::fs::read(&path).map_err(|e| cannot_read(&path, e))?;
    let table = read_csv(&bytes, file)?;
    let split = read_json(&splits.join(format!("{name}.json")))?;
    let (a, b) = range(&split, "train")?;
    let (c, d) = range(&split, "test")?;
    if b > table.n_rows() || d > table.n_rows() || a >= b || c >= d || b != c {
        return Err(setting(
            "--splits",
            message!("bench.split_rows", name, rows = table.n_rows()),
        ));
    }
    let t0 = clock.now_s();
    let t_col = table.column_index(target)?;
    let d_col = table.column_index(date)?;
    let value = |r: usize| {
        let c = table.columns[t_col].get(r);
        if is_missing(c) {
            f64::NAN
        } else {
            parse_number(c).unwrap_or(f64::NAN)
        }
    };
    let mut train: Vec<f64> = (a..b).map(value).collect();
    let actual: Vec<f64> = (c..d).map(value).collect();
    interpolate(&mut train);
    // the training table (date and target only) gives the frequency and the notes
    let sub = Table {
        file: file.to_string(),
        names: vec![date.to_string(), target.to_string()],
        columns: vec![
            (a..b)
                .map(|r| table.columns[d_col].get(r))
                .collect::<TextColumn>(),
            (a..b)
                .map(|r| table.columns[t_col].get(r))
                .collect::<TextColumn>(),
        ],
        notes: Vec::new(),
        sheets: Vec::new(),
        sheet: None,
        encoding: table.encoding,
    };
    let mut series: Series = super::series_from_table(
        &sub,
        &super::SeriesOptions {
            target: target.to_string(),
            date: date.to_string(),
            id: None,
        },
    )?;
    // like the anchors, the rows are the sequence: the values as read (interpolated), their
    // own dates, and the test rows' dates as the forecast period
    let format = classify(date, &table.columns[d_col]).date_format;
    let times: Vec<f64> = (a..d)
        .map(|r| {
            format
                .and_then(|f| parse_date_as(table.columns[d_col].get(r), f))
                .map_or(f64::NAN, |t| t.seconds)
        })
        .collect();
    let n = train.len();
    if times.iter().all(|t| t.is_finite()) {
        series.times = times[..n].to_vec();
        series.future_times = times[n..].to_vec();
    } else {
        let grid = series.future(d - c);
        series.times.resize(n, *series.times.last().unwrap_or(&0.0));
        series.future_times = grid;
    }
    series.slots = (0..n as i64).collect();
    series.filled = train.iter().map(|_| false).collect();
    series.values = train.clone();
    series.notes.clear();
    detect_periods(&mut series);
    let settings = ForecastSettings {
        target: target.to_string(),
        date: date.to_string(),
        horizon: Some(d - c),
        time_budget_s: Some(budget_s),
        seed,
        ..ForecastSettings::default()
    };
    let result = run_series(&series, &settings, clock, &mut |_| {})?;
    let wall = clock.now_s() - t0;
    let forecast: Vec<f64> = result.forecast.iter().map(|p| p.value).collect();
    let scale = mase_scale(&train, season);
    // share of the test values inside the 80% and 95% intervals
    let (mut in80, mut in95, mut known) = (0usize, 0usize, 0usize);
    for (p, a) in result.forecast.iter().zip(&actual) {
        if a.is_finite() {
            known += 1;
            in80 += usize::from(p.lo80 <= *a && *a <= p.hi80);
            in95 += usize::from(p.lo95 <= *a && *a <= p.hi95);
        }
    }
    let known = known.max(1) as f64;
    let s = score(&actual, &forecast, scale);
    let metric = |v: f64| json!({ "mean": v, "std": 0.0, "n": 1 });
    Ok(json!({
        "dataset": name,
        "task": "timeseries",
        "tool": format!("automl forecast {budget_s} s"),
        "time_budget_s": budget_s,
        "summary": {
            "mase": metric(s.mase),
            "smape": metric(s.smape),
            "mae": metric(s.mae),
            "rmse": metric(s.rmse),
            "wall_time_s": { "mean": wall },
        },
        "folds": [{
            "fold": 0,
            "n_train": n,
            "n_test": d - c,
            "wall_time_s": wall,
            "metrics": { "mase": s.mase, "smape": s.smape, "mae": s.mae, "rmse": s.rmse },
            "model": result.best_label,
            "backtest_mase": result.best_scores.mase,
            "periods": result.periods,
            "trials": result.trials,
            "mase_scale": scale,
            "coverage_80": in80 as f64 / known,
            "coverage_95": in95 as f64 / known,
        }],
    }))
}
