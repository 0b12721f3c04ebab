#!/usr/bin/env python3
"""Forecasting anchors for `automl bench-ts`: statsforecast's AutoARIMA, AutoETS and AutoTheta
(and seasonal naive) on every `timeseries` entry of a collection, with the protocol of
`src/forecast/bench.rs` and `anchors/timeseries`: fit on the split's training rows (target
only; missing training values linearly interpolated, ends carried), forecast the whole test
part from the training end, MASE scaled by the in-sample seasonal naive MAE at the index's
`season_length`, test rows without a value skipped. One JSON file per dataset in --out, in the
collection's result format with one entry per model under "models".

Run it in a virtual environment outside the repository:
    python3 -m venv /work/venv-forecast && /work/venv-forecast/bin/pip install statsforecast
    /work/venv-forecast/bin/python bench/forecast_anchors.py --datasets ../shared/bench/datasets \
        --splits ../shared/bench/splits --out bench/forecast-anchors [--only a,b] [--timeout 900]
A model that runs longer than --timeout seconds is stopped and recorded with an "error".
"""

import argparse
import json
import multiprocessing
import os
import time

import numpy as np
import pandas as pd
import statsforecast
from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, SeasonalNaive


def interpolate(v):
    v = np.asarray(v, dtype=float)
    idx = np.arange(len(v))
    ok = np.isfinite(v)
    if not ok.any():
        return v
    return np.interp(idx, idx[ok], v[ok])


def scores(actual, forecast, scale):
    ok = np.isfinite(actual)
    a, f = actual[ok], forecast[ok]
    e = f - a
    den = np.abs(a) + np.abs(f)
    smape = np.where(den > 0, 200 * np.abs(e) / np.where(den > 0, den, 1), 0.0)
    mae = float(np.mean(np.abs(e)))
    return {
        "mase": mae / scale,
        "smape": float(np.mean(smape)),
        "mae": mae,
        "rmse": float(np.sqrt(np.mean(e * e))),
    }


def run_model(key, m, train, h):
    make = {
        "seasonal_naive": lambda: SeasonalNaive(season_length=m),
        "auto_arima": lambda: AutoARIMA(season_length=m),
        "auto_ets": lambda: AutoETS(season_length=m),
        "auto_theta": lambda: AutoTheta(season_length=m),
    }[key]
    return np.asarray(make().forecast(y=train, h=h)["mean"], dtype=float)


MODELS = ["seasonal_naive", "auto_arima", "auto_ets", "auto_theta"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", required=True)
    ap.add_argument("--splits", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", default="")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per model")
    a = ap.parse_args()
    index = json.load(open(os.path.join(a.datasets, "index.json")))
    entries = index if isinstance(index, list) else index["datasets"]
    only = set(filter(None, a.only.split(",")))
    os.makedirs(a.out, exist_ok=True)
    for e in entries:
        if e.get("task") != "timeseries" or (only and e["name"] not in only):
            continue
        name, m = e["name"], int(e.get("season_length") or 1)
        df = pd.read_csv(os.path.join(a.datasets, e.get("file", name)))
        split = json.load(open(os.path.join(a.splits, f"{name}.json")))
        (t0, t1), (s0, s1) = split["train"], split["test"]
        y = pd.to_numeric(df[e["target"]], errors="coerce").to_numpy(dtype=float)
        train, actual = interpolate(y[t0:t1]), y[s0:s1]
        h = len(actual)
        lag = m if len(train) > m else 1
        scale = float(np.mean(np.abs(train[lag:] - train[:-lag])))
        out = {
            "dataset": name,
            "task": "timeseries",
            "tool": f"statsforecast {statsforecast.__version__}",
            "n_train": len(train),
            "n_test": h,
            "season_length": m,
            "mase_scale": scale,
            "models": {},
        }
        for key in MODELS:
            start = time.perf_counter()
            # each model in its own process, so one that runs too long can be stopped
            with multiprocessing.Pool(1) as pool:
                job = pool.apply_async(run_model, (key, m, train, h))
                try:
                    r = scores(actual, job.get(timeout=a.timeout), scale)
                except multiprocessing.TimeoutError:
                    r = {"error": f"not finished in {a.timeout:.0f} s"}
                except Exception as err:  # a model that cannot fit this series is recorded
                    r = {"error": f"{type(err).__name__}: {err}"}
            r["wall_time_s"] = time.perf_counter() - start
            out["models"][key] = r
            print(f"{name:24s} {key:15s} {r.get('mase', float('nan')):.4f} {r['wall_time_s']:.1f} s", flush=True)
        with open(os.path.join(a.out, f"{name}.json"), "w") as fh:
            json.dump(out, fh, indent=1)


if __name__ == "__main__":
    main()
