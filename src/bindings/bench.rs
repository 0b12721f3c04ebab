//! The benchmark entries of the wasm bindings (cargo feature `bench`, never in the page's
//! builds): `bench_gbm_fit` for `bench/wasm_vs_native.mjs`, `bench_fit` for `bench/simd.mjs`.

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
