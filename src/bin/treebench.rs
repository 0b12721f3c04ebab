//! `treebench`: times the tree engine's gradient boosting against LightGBM (single thread,
//! same rounds, leaves, learning rate and bins) and against its own wasm build under Node, on
//! fixed folds of the shared benchmark collection, all in one run on one machine.
//!
//! Each fold's matrices are made with the crate's own preprocessing (fitted on the fold's
//! training rows) and written to a work directory as raw little-endian f64, so that
//! `bench/lightgbm_ref.py` and `bench/wasm_vs_native.mjs` train on exactly the same numbers.
//! Times are medians of `--reps` fits (default 5), one fit of each engine in turn per
//! repetition so that all three see the same load; each fit includes binning. Not a test: run
//! it by hand.

use automl::matrix::Matrix;
use automl::metrics::{accuracy, r2};
use automl::preprocess::{Frame, Pipeline};
use automl::target::{prepare_target, Target};
use automl::trees::{fingerprint, GbmClassifier, GbmParams, GbmRegressor};
use automl::{read_csv, Task};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Datasets run when `--only` is not given.
const DEFAULT_DATASETS: [&str; 8] = [
    "adult",
    "bank_churn",
    "bank_marketing",
    "spambase",
    "mammography",
    "letter",
    "california_housing",
    "wine_quality_white",
];

const USAGE: &str =
    "usage: treebench --datasets DIR --splits DIR [--only a,b] [--folds 0|all|0,1] \
[--reps N] [--rounds N] [--leaves N] [--learning-rate X] [--work DIR] [--wasm-dir DIR] \
[--no-lightgbm] [--no-wasm] [--json FILE]";

struct Args {
    datasets: PathBuf,
    splits: PathBuf,
    only: Vec<String>,
    folds: Vec<usize>,
    reps: usize,
    params: GbmParams,
    work: PathBuf,
    wasm_dir: PathBuf,
    lightgbm: bool,
    wasm: bool,
    json: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        datasets: PathBuf::new(),
        splits: PathBuf::new(),
        only: DEFAULT_DATASETS.iter().map(|s| s.to_string()).collect(),
        folds: vec![0],
        reps: 5,
        params: GbmParams {
            n_rounds: 100,
            max_leaves: 31,
            learning_rate: 0.1,
            max_bins: 255,
            min_samples_leaf: 20,
            min_child_weight: 1e-3,
            lambda: 0.0,
            ..GbmParams::default()
        },
        work: std::env::temp_dir().join("treebench"),
        wasm_dir: PathBuf::from("/tmp/wasm-node"),
        lightgbm: true,
        wasm: true,
        json: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| v.parse::<f64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--datasets" => a.datasets = value()?.into(),
            "--splits" => a.splits = value()?.into(),
            "--only" => a.only = value()?.split(',').map(str::to_string).collect(),
            "--folds" => {
                let v = value()?;
                a.folds = if v == "all" {
                    (0..5).collect()
                } else {
                    v.split(',')
                        .map(|f| f.parse().map_err(|e| format!("--folds: {e}")))
                        .collect::<Result<_, _>>()?
                };
            }
            "--reps" => a.reps = number(value()?)?.max(1.0) as usize,
            "--rounds" => a.params.n_rounds = number(value()?)? as usize,
            "--leaves" => a.params.max_leaves = number(value()?)? as usize,
            "--learning-rate" => a.params.learning_rate = number(value()?)?,
            "--work" => a.work = value()?.into(),
            "--wasm-dir" => a.wasm_dir = value()?.into(),
            "--no-lightgbm" => a.lightgbm = false,
            "--no-wasm" => a.wasm = false,
            "--json" => a.json = Some(value()?.into()),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if a.datasets.as_os_str().is_empty() || a.splits.as_os_str().is_empty() {
        return Err(USAGE.into());
    }
    a.params.validate().map_err(|e| e.to_string())?;
    Ok(a)
}

/// One fold's matrices.
struct FoldData {
    task: String,
    n_classes: usize,
    x_train: Matrix,
    x_test: Matrix,
    y_train: Vec<f64>,
    y_test: Vec<f64>,
}

fn load_fold(args: &Args, entry: &Value, fold: usize) -> Result<FoldData, String> {
    let name = entry["name"].as_str().unwrap_or_default();
    let file = entry["file"].as_str().unwrap_or_default();
    let target = entry["target"].as_str().unwrap_or_default();
    let task_name = entry["task"].as_str().unwrap_or_default().to_string();
    let bytes = std::fs::read(args.datasets.join(file)).map_err(|e| format!("{file}: {e}"))?;
    let table = read_csv(&bytes, file).map_err(|e| e.to_string())?;
    let col = table.column_index(target).map_err(|e| e.to_string())?;
    let task = if task_name == "regression" {
        Task::Regression
    } else {
        Task::Classification
    };
    let prepared = prepare_target(&table, col, task).map_err(|e| e.to_string())?;
    let frame = Frame::from_table(&table, col);
    let mut position = vec![None; table.n_rows()];
    for (p, &r) in prepared.rows.iter().enumerate() {
        position[r] = Some(p);
    }
    let split_text = std::fs::read_to_string(args.splits.join(format!("{name}.json")))
        .map_err(|e| format!("split of {name}: {e}"))?;
    let split: Value = serde_json::from_str(&split_text).map_err(|e| e.to_string())?;
    let part = |key: &str| -> Vec<usize> {
        split["folds"][fold][key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_u64())
                    .map(|v| v as usize)
                    .filter(|&r| position.get(r).copied().flatten().is_some())
                    .collect()
            })
            .unwrap_or_default()
    };
    let (train_rows, test_rows) = (part("train"), part("test"));
    if train_rows.is_empty() || test_rows.is_empty() {
        return Err(format!("{name}: fold {fold} is missing or empty"));
    }
    let pipeline = Pipeline::fit(&frame, &train_rows, None);
    let labels = |rows: &[usize]| -> Vec<f64> {
        rows.iter()
            .filter_map(|&r| position[r])
            .map(|p| match &prepared.target {
                Target::Classes { y, .. } => f64::from(y[p]),
                Target::Values(v) => v[p],
            })
            .collect()
    };
    let n_classes = match &prepared.target {
        Target::Classes { labels, .. } => labels.len(),
        Target::Values(_) => 0,
    };
    Ok(FoldData {
        task: task_name,
        n_classes,
        x_train: pipeline.transform(&frame, &train_rows),
        x_test: pipeline.transform(&frame, &test_rows),
        y_train: labels(&train_rows),
        y_test: labels(&test_rows),
    })
}

fn write_f64(path: &Path, values: &[f64]) -> Result<(), String> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn write_fold(dir: &Path, d: &FoldData) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    write_f64(&dir.join("X_train.f64"), &d.x_train.data)?;
    write_f64(&dir.join("X_test.f64"), &d.x_test.data)?;
    write_f64(&dir.join("y_train.f64"), &d.y_train)?;
    write_f64(&dir.join("y_test.f64"), &d.y_test)?;
    let meta = json!({
        "task": d.task, "n_classes": d.n_classes, "cols": d.x_train.cols,
        "n_train": d.x_train.rows, "n_test": d.x_test.rows,
    });
    std::fs::write(dir.join("meta.json"), meta.to_string()).map_err(|e| e.to_string())
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// One fit of the engine: its time, test score (accuracy or R²), log loss (classes) and
/// fingerprint.
fn run_native(d: &FoldData, params: &GbmParams) -> Result<Value, String> {
    let err = |e: automl::AutoMlError| e.to_string();
    if d.task != "regression" {
        let y: Vec<u32> = d.y_train.iter().map(|&v| v as u32).collect();
        let start = Instant::now();
        let m = GbmClassifier::fit(&d.x_train, &y, params, 0).map_err(err)?;
        let seconds = start.elapsed().as_secs_f64();
        let truth: Vec<u32> = d.y_test.iter().map(|&v| v as u32).collect();
        let p = m.predict_proba(&d.x_test).map_err(err)?;
        let pred: Vec<u32> = (0..p.rows)
            .map(|i| {
                let row = p.row(i);
                (0..row.len()).fold(0, |b, k| if row[k] > row[b] { k } else { b }) as u32
            })
            .collect();
        let log_loss = truth
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let q = p.row(i).get(c as usize).copied().unwrap_or(0.0);
                -q.clamp(1e-15, 1.0 - 1e-15).ln()
            })
            .sum::<f64>()
            / truth.len() as f64;
        Ok(json!({
            "seconds": [seconds], "score": accuracy(&truth, &pred), "log_loss": log_loss,
            "fingerprint": fingerprint(&m).map_err(err)?,
        }))
    } else {
        let start = Instant::now();
        let m = GbmRegressor::fit(&d.x_train, &d.y_train, params, 0).map_err(err)?;
        let seconds = start.elapsed().as_secs_f64();
        let score = r2(&d.y_test, &m.predict(&d.x_test).map_err(err)?);
        Ok(json!({
            "seconds": [seconds], "score": score, "fingerprint": fingerprint(&m).map_err(err)?,
        }))
    }
}

/// Merges single-fit results: every time, their median and minimum, and the last score,
/// log loss and fingerprint (`deterministic`: every fit gave the same fingerprint).
fn summarize(runs: &[Value]) -> Value {
    if runs.is_empty() {
        return Value::Null;
    }
    if let Some(e) = runs.iter().find(|r| r.get("error").is_some()) {
        return e.clone();
    }
    let times: Vec<f64> = runs
        .iter()
        .flat_map(|r| r["seconds"].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_f64())
        .collect();
    let prints: Vec<&Value> = runs.iter().map(|r| &r["fingerprint"]).collect();
    let mut out = runs[runs.len() - 1].clone();
    out["seconds"] = json!(times);
    out["median_s"] = json!(median(&times));
    out["min_s"] = json!(times.iter().copied().fold(f64::INFINITY, f64::min));
    out["deterministic"] = json!(prints.windows(2).all(|w| w[0] == w[1]));
    out
}

/// Runs a helper that prints one JSON object on its last line of standard output.
fn run_helper(cmd: &mut Command) -> Result<Value, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("could not start {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap_or_default();
    serde_json::from_str(last).map_err(|e| format!("{cmd:?} printed no JSON ({e}): {text}"))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let index_text = match std::fs::read_to_string(args.datasets.join("index.json")) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: {e}", args.datasets.join("index.json").display());
            return ExitCode::from(2);
        }
    };
    let index: Value = serde_json::from_str(&index_text).unwrap_or(Value::Null);
    let entries = index["datasets"].as_array().cloned().unwrap_or_default();
    let wasm_js = args.wasm_dir.join("automl.js");
    let wasm = args.wasm && wasm_js.exists();
    if args.wasm && !wasm {
        eprintln!(
            "[treebench] no wasm build at {}: build it with\n  cargo build --release --lib --target wasm32-unknown-unknown --features bench --target-dir target/bench\n  wasm-bindgen --target nodejs --out-dir {} target/bench/wasm32-unknown-unknown/release/automl.wasm",
            wasm_js.display(),
            args.wasm_dir.display()
        );
    }
    let params_json = serde_json::to_string(&args.params).unwrap_or_default();
    let mut results = Vec::new();
    for name in &args.only {
        let Some(entry) = entries.iter().find(|e| e["name"] == name.as_str()) else {
            eprintln!("[treebench] {name}: not in the index, skipped");
            continue;
        };
        for &fold in &args.folds {
            let d = match load_fold(&args, entry, fold) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("[treebench] {name}: {e}");
                    continue;
                }
            };
            eprintln!(
                "[treebench] {name} fold {fold}: {} × {} train, {} test",
                d.x_train.rows, d.x_train.cols, d.x_test.rows
            );
            let dir = args.work.join(format!("{name}_f{fold}"));
            if let Err(e) = write_fold(&dir, &d) {
                eprintln!("[treebench] {e}");
                continue;
            }
            // one fit of each engine per repetition, in turn, so that all three see the
            // same conditions on a shared machine
            let (mut native, mut lightgbm, mut wasm_result) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..args.reps {
                native.push(run_native(&d, &args.params).unwrap_or_else(|e| json!({ "error": e })));
                if args.lightgbm {
                    let p = &args.params;
                    lightgbm.push(
                        run_helper(
                            Command::new("python3")
                                .arg(repo.join("bench/lightgbm_ref.py"))
                                .arg("--data")
                                .arg(&dir)
                                .args(["--reps", "1"])
                                .args(["--rounds", &p.n_rounds.to_string()])
                                .args(["--leaves", &p.max_leaves.to_string()])
                                .args(["--learning-rate", &p.learning_rate.to_string()])
                                .args(["--max-bin", &p.max_bins.to_string()])
                                .args(["--min-data-in-leaf", &p.min_samples_leaf.to_string()]),
                        )
                        .unwrap_or_else(|e| json!({ "error": e })),
                    );
                }
                if wasm {
                    wasm_result.push(
                        run_helper(
                            Command::new("node")
                                .arg(repo.join("bench/wasm_vs_native.mjs"))
                                .arg("--pkg")
                                .arg(&args.wasm_dir)
                                .arg("--data")
                                .arg(&dir)
                                .args(["--reps", "1"])
                                .args(["--params", &params_json]),
                        )
                        .unwrap_or_else(|e| json!({ "error": e })),
                    );
                }
            }
            let native = summarize(&native);
            let lightgbm = summarize(&lightgbm);
            let wasm_result = summarize(&wasm_result);
            eprintln!("  engine   {native}");
            eprintln!("  lightgbm {lightgbm}");
            eprintln!("  wasm     {wasm_result}");
            results.push(json!({
                "dataset": name, "fold": fold, "task": d.task,
                "n_train": d.x_train.rows, "n_test": d.x_test.rows, "cols": d.x_train.cols,
                "engine": native, "lightgbm": lightgbm, "wasm": wasm_result,
            }));
        }
    }
    print_table(&results, &args);
    if let Some(path) = &args.json {
        let all = json!({ "params": args.params, "reps": args.reps, "results": results });
        if let Err(e) = std::fs::write(path, serde_json::to_string_pretty(&all).unwrap_or_default())
        {
            eprintln!("{}: {e}", path.display());
        }
    }
    ExitCode::SUCCESS
}

fn print_table(results: &[Value], args: &Args) {
    let p = &args.params;
    println!(
        "\nGBM: {} rounds, {} leaves, learning rate {}, {} bins, min {} rows per leaf; \
         median of {} fits; score = test accuracy (%) or R² (×100)\n",
        p.n_rounds, p.max_leaves, p.learning_rate, p.max_bins, p.min_samples_leaf, args.reps
    );
    println!(
        "| dataset (fold) | train rows × inputs | engine fit s | LightGBM fit s | engine / LightGBM \
         | engine score | LightGBM score | Δ points | engine log loss | LightGBM log loss \
         | wasm fit s | wasm / native | same model in wasm |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let f = |v: &Value, digits: usize| match v.as_f64() {
        Some(x) if x.is_finite() => format!("{x:.digits$}"),
        _ => "–".into(),
    };
    let mut ratios = Vec::new();
    let mut wasm_ratios = Vec::new();
    for r in results {
        let e = &r["engine"];
        let l = &r["lightgbm"];
        let w = &r["wasm"];
        let ratio = match (e["median_s"].as_f64(), l["median_s"].as_f64()) {
            (Some(a), Some(b)) if b > 0.0 => Some(a / b),
            _ => None,
        };
        let wasm_ratio = match (w["median_s"].as_f64(), e["median_s"].as_f64()) {
            (Some(a), Some(b)) if b > 0.0 => Some(a / b),
            _ => None,
        };
        ratios.extend(ratio);
        wasm_ratios.extend(wasm_ratio);
        let delta = match (e["score"].as_f64(), l["score"].as_f64()) {
            (Some(a), Some(b)) => format!("{:+.2}", (a - b) * 100.0),
            _ => "–".into(),
        };
        let same = match (w["fingerprint"].as_str(), e["fingerprint"].as_str()) {
            (Some(a), Some(b)) => if a == b { "yes" } else { "NO" }.to_string(),
            _ => "–".into(),
        };
        println!(
            "| {} ({}) | {} × {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r["dataset"].as_str().unwrap_or_default(),
            r["fold"],
            r["n_train"],
            r["cols"],
            f(&e["median_s"], 3),
            f(&l["median_s"], 3),
            ratio.map_or("–".into(), |x| format!("{x:.2}×")),
            f(&json!(e["score"].as_f64().map(|s| s * 100.0)), 2),
            f(&json!(l["score"].as_f64().map(|s| s * 100.0)), 2),
            delta,
            f(&e["log_loss"], 4),
            f(&l["log_loss"], 4),
            f(&w["median_s"], 3),
            wasm_ratio.map_or("–".into(), |x| format!("{x:.2}×")),
            same,
        );
    }
    if args.folds.len() > 1 {
        print_summary(results);
    }
    let geo = |v: &[f64]| {
        if v.is_empty() {
            f64::NAN
        } else {
            (v.iter().map(|x| x.ln()).sum::<f64>() / v.len() as f64).exp()
        }
    };
    println!(
        "\ngeometric mean: engine / LightGBM {:.2}×, wasm / native {:.2}×",
        geo(&ratios),
        geo(&wasm_ratios)
    );
}

/// One row per dataset over its folds: summed median fit times (and their ratios), mean
/// scores and log losses, and whether wasm gave the native model on every fold.
fn print_summary(results: &[Value]) {
    println!("\nPer dataset, over its folds (times summed, scores averaged):\n");
    println!(
        "| dataset | folds | engine fit s | LightGBM fit s | engine / LightGBM | engine score \
         | LightGBM score | Δ points | engine log loss | LightGBM log loss | wasm fit s \
         | wasm / native | same model in wasm |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut names: Vec<&str> = Vec::new();
    for r in results {
        let name = r["dataset"].as_str().unwrap_or_default();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    for name in names {
        let rows: Vec<&Value> = results.iter().filter(|r| r["dataset"] == name).collect();
        let sum = |engine: &str, key: &str| -> Option<f64> {
            rows.iter().map(|r| r[engine][key].as_f64()).sum()
        };
        let mean = |engine: &str, key: &str| sum(engine, key).map(|v| v / rows.len() as f64);
        let (e, l, w) = (
            sum("engine", "median_s"),
            sum("lightgbm", "median_s"),
            sum("wasm", "median_s"),
        );
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
            _ => "–".into(),
        };
        let num = |v: Option<f64>, d: usize| v.map_or("–".into(), |x| format!("{x:.d$}"));
        let (se, sl) = (mean("engine", "score"), mean("lightgbm", "score"));
        let same = rows.iter().all(|r| {
            r["wasm"]["fingerprint"].is_string()
                && r["wasm"]["fingerprint"] == r["engine"]["fingerprint"]
        });
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            rows.len(),
            num(e, 3),
            num(l, 3),
            ratio(e, l),
            num(se.map(|v| v * 100.0), 2),
            num(sl.map(|v| v * 100.0), 2),
            match (se, sl) {
                (Some(a), Some(b)) => format!("{:+.2}", (a - b) * 100.0),
                _ => "–".into(),
            },
            num(mean("engine", "log_loss"), 4),
            num(mean("lightgbm", "log_loss"), 4),
            num(w, 3),
            ratio(w, e),
            if w.is_some() {
                if same {
                    "yes"
                } else {
                    "NO"
                }
            } else {
                "–"
            },
        );
    }
}
