//! The benchmark entries of the wasm bindings (cargo feature `bench`, never in the page's
//! builds): `bench_gbm_fit` for `bench/wasm_vs_native.mjs`, `bench_fit` for `bench/simd.mjs`
//! and `bench/nn_throughput.mjs` (and `bench_fit_phases`, its fit timed phase by phase),
//! and `BenchFolds`, the helper of `scripts/bench-browser.mjs` (built for Node into
//! `build/bench-node/` by `scripts/build-wasm.sh --bench`).

use super::errors::{internal, into_error, message_error};
use crate::message;
use crate::results::model_file::fnv1a64;
use wasm_bindgen::prelude::*;

/// Milliseconds from `performance.now()` where there is one (browsers, Node), else `Date.now()`.
fn now_ms() -> f64 {
    let perf = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"));
    if let Ok(perf) = perf {
        if let Ok(now) = js_sys::Reflect::get(&perf, &JsValue::from_str("now")) {
            if let Some(now) = now.dyn_ref::<js_sys::Function>() {
                if let Some(ms) = now.call0(&perf).ok().and_then(|v| v.as_f64()) {
                    return ms;
                }
            }
        }
    }
    js_sys::Date::now()
}

/// Benchmark entry (cargo feature `bench`), not in the page's builds: fits the tree engine's
/// gradient boosting on `x` (`rows × cols`, row-major) and `y` (numbers for `task`
/// "regression", else class codes) with `params_json` (a `GbmParams` object, seed 0) and returns
/// `{"seconds": fit time, "fingerprint": model digest}` as JSON, for
/// `bench/wasm_vs_native.mjs` to compare with the native build.
#[wasm_bindgen]
pub fn bench_gbm_fit(
    x: &[f64],
    rows: usize,
    cols: usize,
    y: &[f64],
    task: &str,
    params_json: &str,
) -> Result<String, JsError> {
    use crate::trees::{fingerprint, GbmClassifier, GbmParams, GbmRegressor};
    let params: GbmParams = serde_json::from_str(params_json)
        .map_err(|e| message_error(message!("input.gbm_parameters", detail = e.to_string())))?;
    let x = crate::matrix::Matrix {
        rows,
        cols,
        data: x.to_vec(),
    };
    let (seconds, print) = if task == "regression" {
        let start = now_ms();
        let m = GbmRegressor::fit(&x, y, &params, 0).map_err(into_error)?;
        (
            (now_ms() - start) / 1000.0,
            fingerprint(&m).map_err(into_error)?,
        )
    } else {
        if y.iter()
            .any(|&v| !(v >= 0.0 && v.fract() == 0.0 && v < 1e6))
        {
            return Err(message_error(message!("input.class_labels")));
        }
        let codes: Vec<u32> = y.iter().map(|&v| v as u32).collect();
        let start = now_ms();
        let m = GbmClassifier::fit(&x, &codes, &params, 0).map_err(into_error)?;
        (
            (now_ms() - start) / 1000.0,
            fingerprint(&m).map_err(into_error)?,
        )
    };
    Ok(serde_json::json!({ "seconds": seconds, "fingerprint": print }).to_string())
}

/// Benchmark entry (cargo feature `bench`), not in the page's builds: fits any model family
/// (`spec_json`, a `ModelSpec` such as `{"family": "logistic_regression", "c": 1.0}`) on `x`
/// (`rows × cols`, row-major) and `y` (numbers for `task` "regression", else class codes),
/// seed 0, and returns `{"seconds": fit time, "fingerprint": FNV-1a of the fitted model's
/// JSON}`, for `scripts/bench-simd.mjs` (the fitted model must be the same, bit for bit, in
/// every build and natively).
#[wasm_bindgen]
pub fn bench_fit(
    x: &[f64],
    rows: usize,
    cols: usize,
    y: &[f64],
    task: &str,
    spec_json: &str,
) -> Result<String, JsError> {
    use crate::models::ModelSpec;
    use crate::truth::TargetRef;
    let spec: ModelSpec = serde_json::from_str(spec_json)
        .map_err(|e| message_error(message!("input.gbm_parameters", detail = e.to_string())))?;
    let x = crate::matrix::Matrix {
        rows,
        cols,
        data: x.to_vec(),
    };
    let codes: Vec<u32> = y.iter().map(|&v| v as u32).collect();
    let target = if task == "regression" {
        TargetRef::Values(y)
    } else {
        let n_classes = codes.iter().max().map_or(0, |&m| m as usize + 1);
        TargetRef::Classes {
            y: &codes,
            n_classes,
        }
    };
    let start = now_ms();
    let fitted = spec.fit(&x, target, 0).map_err(into_error)?;
    let seconds = (now_ms() - start) / 1000.0;
    let json = serde_json::to_string(&fitted)
        .map_err(|e| internal(message!("internal.convert", detail = e.to_string())))?;
    Ok(serde_json::json!({ "seconds": seconds, "fingerprint": format!("{:016x}", fnv1a64(json.as_bytes())) }).to_string())
}

/// Benchmark entry (cargo feature `bench`), not in the page's builds: [`bench_fit`] with the
/// seconds of each phase of every network trained meanwhile (`neural_network::phases`: setup,
/// batch, input, forward, activation, loss, backward, activation_grad, scale_grad, optimizer,
/// validation), as `{"seconds", "fingerprint", "phases": {name: seconds}}`, for
/// `bench/nn_throughput.mjs --phases`. The timer reads `performance.now()` at each phase's end.
#[wasm_bindgen]
pub fn bench_fit_phases(
    x: &[f64],
    rows: usize,
    cols: usize,
    y: &[f64],
    task: &str,
    spec_json: &str,
) -> Result<String, JsError> {
    use crate::models::neural_network::phases::{time_phases, NAMES};
    let (out, seconds) = time_phases(
        || now_ms() / 1000.0,
        || bench_fit(x, rows, cols, y, task, spec_json),
    );
    let mut out: serde_json::Value = serde_json::from_str(&out?)
        .map_err(|e| internal(message!("internal.convert", detail = e.to_string())))?;
    let phases: serde_json::Map<String, serde_json::Value> = NAMES
        .iter()
        .zip(seconds)
        .map(|(name, s)| (name.to_string(), s.into()))
        .collect();
    if let Some(fields) = out.as_object_mut() {
        fields.insert("phases".into(), serde_json::Value::Object(phases));
    }
    Ok(out.to_string())
}

/// Benchmark helper (cargo feature `bench`), not in the page's builds: one data set of a
/// benchmark collection cut into its outer folds by the core (`crate::bench::fold_tables`, as
/// `automl bench` cuts them), for `scripts/bench-browser.mjs`, which runs the page's own worker
/// pool on each fold's training table in Chromium and has this helper score the page's
/// predictions of the test table with the core's metrics (`crate::bench::page_fold_metrics`).
#[wasm_bindgen]
pub struct BenchFolds {
    dataset: crate::bench::BenchDataset,
    folds: Vec<(crate::data::Table, crate::data::Table)>,
}

#[wasm_bindgen]
impl BenchFolds {
    /// Reads data set `name` of the collection's `index_json` (the text of `index.json`) from
    /// its CSV `bytes` and its split file's text, and cuts every fold.
    #[wasm_bindgen(constructor)]
    pub fn new(
        bytes: &[u8],
        index_json: &str,
        name: &str,
        splits_json: &str,
    ) -> Result<BenchFolds, JsError> {
        let index = crate::bench::parse_index(index_json).map_err(into_error)?;
        let dataset = index
            .into_iter()
            .find(|d| d.name == name)
            .ok_or_else(|| message_error(message!("cli.only_unknown", name)))?;
        let table = crate::data::read_table(
            bytes,
            &dataset.file,
            &crate::data::ReadOptions::default(),
            &mut |_| {},
        )
        .map_err(into_error)?;
        let folds = crate::bench::parse_splits(splits_json, table.n_rows())
            .map_err(into_error)?
            .iter()
            .map(|fold| crate::bench::fold_tables(&table, &dataset, fold))
            .collect::<crate::error::Result<Vec<_>>>()
            .map_err(into_error)?;
        Ok(BenchFolds { dataset, folds })
    }

    /// Outer folds.
    pub fn count(&self) -> usize {
        self.folds.len()
    }

    /// The search task of the data set: "classification" or "regression".
    pub fn task(&self) -> String {
        self.dataset
            .search_task()
            .map_or("", |t| t.name())
            .to_string()
    }

    /// Fold `fold`'s training table (rows of single-row classes left out) as a table image
    /// (`src/data/image.rs`), the bytes the page's engine reads as exactly this table.
    pub fn train_image(&self, fold: usize) -> Result<Vec<u8>, JsError> {
        Ok(crate::data::image::write_image(&self.part(fold)?.0))
    }

    /// Fold `fold`'s test table as a table image.
    pub fn test_image(&self, fold: usize) -> Result<Vec<u8>, JsError> {
        Ok(crate::data::image::write_image(&self.part(fold)?.1))
    }

    /// The collection's metrics (JSON object) of the page's reply to "predict" for fold
    /// `fold`'s test table (`predictions_json`: `classes` and `rows` of `prediction` and
    /// `probabilities`).
    pub fn score(&self, fold: usize, predictions_json: &str) -> Result<String, JsError> {
        let predictions: serde_json::Value = serde_json::from_str(predictions_json)
            .map_err(|e| message_error(message!("bench.invalid_json", detail = e.to_string())))?;
        let metrics =
            crate::bench::page_fold_metrics(&self.part(fold)?.1, &self.dataset, &predictions)
                .map_err(into_error)?;
        serde_json::to_string(&metrics)
            .map_err(|e| internal(message!("internal.convert", detail = e.to_string())))
    }

    /// The result file (JSON) of the folds `folds_json` (an array of the collection's fold
    /// reports: fold, n_train, n_test, wall_time_s, best_model, trials, metrics), summarized by
    /// the core as `automl bench` does, for `runner` ("browser") and `budget_s`.
    pub fn summary(
        &self,
        budget_s: f64,
        runner: &str,
        folds_json: &str,
    ) -> Result<String, JsError> {
        let folds: Vec<crate::bench::FoldReport> = serde_json::from_str(folds_json)
            .map_err(|e| message_error(message!("bench.invalid_json", detail = e.to_string())))?;
        let report = crate::bench::summarize(&self.dataset, budget_s, runner, folds);
        serde_json::to_string_pretty(&report)
            .map_err(|e| internal(message!("internal.convert", detail = e.to_string())))
    }

    fn part(&self, fold: usize) -> Result<&(crate::data::Table, crate::data::Table), JsError> {
        self.folds
            .get(fold)
            .ok_or_else(|| message_error(message!("bench.fold_no_list", fold, list = "train")))
    }
}
