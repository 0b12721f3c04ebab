#!/usr/bin/env python3
"""LightGBM reference for `treebench`: trains LightGBM on the matrices treebench wrote
(raw little-endian f64 files and meta.json in --data), single-threaded with the same rounds,
leaves, learning rate, bins and minimum leaf size as the engine, and prints one JSON line:
fit times of every repetition (Dataset construction included), their median, and the test
score (accuracy or R²) and log loss."""

import argparse
import json
import statistics
import time

import lightgbm as lgb
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--leaves", type=int, default=31)
    ap.add_argument("--learning-rate", type=float, default=0.1)
    ap.add_argument("--max-bin", type=int, default=255)
    ap.add_argument("--min-data-in-leaf", type=int, default=20)
    a = ap.parse_args()

    meta = json.load(open(f"{a.data}/meta.json"))
    cols = meta["cols"]
    load = lambda name: np.fromfile(f"{a.data}/{name}", dtype="<f8")
    x_train = load("X_train.f64").reshape(-1, cols)
    x_test = load("X_test.f64").reshape(-1, cols)
    y_train, y_test = load("y_train.f64"), load("y_test.f64")

    task = meta["task"]
    params = {
        "num_leaves": a.leaves,
        "learning_rate": a.learning_rate,
        "max_bin": a.max_bin,
        "min_data_in_leaf": a.min_data_in_leaf,
        "min_sum_hessian_in_leaf": 1e-3,
        "lambda_l2": 0.0,
        "num_threads": 1,
        "verbose": -1,
        "seed": 0,
    }
    if task == "regression":
        params["objective"] = "regression"
    elif meta["n_classes"] <= 2:
        params["objective"] = "binary"
    else:
        params["objective"] = "multiclass"
        params["num_class"] = meta["n_classes"]

    times = []
    booster = None
    for _ in range(a.reps):
        start = time.perf_counter()
        data = lgb.Dataset(x_train, label=y_train, params={"max_bin": a.max_bin, "verbose": -1})
        booster = lgb.train(params, data, num_boost_round=a.rounds)
        times.append(time.perf_counter() - start)

    pred = booster.predict(x_test)
    out = {"seconds": times, "median_s": statistics.median(times), "lightgbm": lgb.__version__}
    if task == "regression":
        ss_res = float(np.sum((y_test - pred) ** 2))
        ss_tot = float(np.sum((y_test - y_test.mean()) ** 2))
        out["score"] = 1.0 - ss_res / ss_tot
    else:
        truth = y_test.astype(int)
        if pred.ndim == 1:
            pred = np.stack([1.0 - pred, pred], axis=1)
        out["score"] = float(np.mean(pred.argmax(axis=1) == truth))
        p = np.clip(pred[np.arange(len(truth)), truth], 1e-15, 1 - 1e-15)
        out["log_loss"] = float(-np.mean(np.log(p)))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
