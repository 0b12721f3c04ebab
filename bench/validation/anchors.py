#!/usr/bin/env python3
"""Reference scores on the validation collection, in the public collection's result format.

    python bench/validation/anchors.py [--tools baseline,rf_default,mlp_default] [--only NAME,...]
                                       [--collection DIR] [--out DIR]

For each data set of DIR/datasets/index.json and each of the 5 outer folds of DIR/splits/<name>.json,
each tool is fitted on the fold's training rows only and scores its test rows; one file per tool
and data set: OUT/<tool>/<name>.json (default OUT = DIR/anchors). Tools:

  baseline     majority class (training class shares as probabilities) or the training mean
  rf_default   scikit-learn RandomForest, 100 trees, default settings, random_state=0, n_jobs=1,
               behind median imputation (numbers) and most-frequent imputation + one-hot (categories)
  mlp_default  scikit-learn MLPClassifier / MLPRegressor with default settings, random_state=0,
               behind median imputation + standardization (numbers) and most-frequent imputation
               + one-hot (categories); a regression target is standardized for fitting and the
               predictions are put back on its scale for scoring
  flaml_10     FLAML AutoML, time_budget 10 s, its default metric and learners, n_jobs=2 (optional:
               pip install -r bench/validation/requirements-flaml.txt; run it on a quiet machine)
  realmlp_default
               RealMLP's tuned defaults (RealMLP_TD_Classifier / RealMLP_TD_Regressor of pytabkit,
               Holzmueller et al. 2024) on the CPU, one thread, random_state=0, with its own
               preprocessing (robust scaling and smooth clipping, one-hot or embeddings) behind
               median imputation of numbers (it refuses missing numbers) and categories as pandas
               categories (missing and unseen levels as one level "(missing)"); only data sets of
               at most 5,000 rows (issue 15). Optional: pip install -r
               bench/validation/requirements-realmlp.txt, in a virtual environment outside the
               repository; run it on a quiet machine.

Inputs: the index's id columns are left out; a date column becomes year, month, day, weekday,
day of year and days since 1970; text columns are categories, everything else numbers.
Everything but flaml_10 runs on one thread.

The public collection (read-only, so its results go into this repository):

    python bench/validation/anchors.py --public ../shared/bench [--tools mlp_default] [--only NAME,...]

reads ../shared/bench and writes bench/anchors-public/<tool>/<name>.json (the tools default to
mlp_default there: the public collection ships baseline, rf_default, flaml_10 and flaml_60 but no
MLP). That is also how the baseline and rf_default code was checked against the public anchors
(--public ../shared/bench --tools baseline,rf_default --out /tmp/x).
"""
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor  # noqa: E402
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.metrics import (accuracy_score, balanced_accuracy_score, f1_score,  # noqa: E402
                             mean_absolute_error, mean_squared_error, r2_score, roc_auc_score)
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EPS = 1e-15
TOOLS = ["baseline", "rf_default", "mlp_default", "flaml_10", "realmlp_default"]
# realmlp_default runs on data sets of at most this many rows (issue 15)
REALMLP_MAX_ROWS = 5000
PREPROCESSING = {
    "baseline": "none (the target only)",
    "rf_default": "numbers: median imputation; categories: most-frequent imputation, one-hot "
                  "(unseen levels all zero); id columns left out; dates as year, month, day, "
                  "weekday, day of year, days since 1970",
    "mlp_default": "numbers: median imputation, standardization; categories: most-frequent "
                   "imputation, one-hot (unseen levels all zero); regression target standardized "
                   "(TransformedTargetRegressor); id columns left out; dates as year, month, day, "
                   "weekday, day of year, days since 1970",
    "flaml_10": "FLAML's own (text columns as pandas categories); id columns left out; dates as "
                "year, month, day, weekday, day of year, days since 1970",
    "realmlp_default": "numbers: median imputation, then RealMLP's own (robust scaling, smooth "
                       "clipping); categories: pandas categories, missing and unseen levels as "
                       "one level, then RealMLP's own (one-hot or embeddings); id columns left "
                       "out; dates as year, month, day, weekday, day of year, days since 1970",
}


# --- data ------------------------------------------------------------------------------------
def load(collection, entry):
    df = pd.read_csv(os.path.join(collection, "datasets", entry["file"]), low_memory=False)
    target = entry["target"]
    y = df[target]
    drop = [target] + [c for c in entry.get("id_columns", []) if c in df.columns]
    X = df.drop(columns=drop)
    for c in entry.get("date_columns", []):
        if c not in X.columns:
            continue
        d = pd.to_datetime(X[c], errors="coerce")
        X[c + "_year"] = d.dt.year
        X[c + "_month"] = d.dt.month
        X[c + "_day"] = d.dt.day
        X[c + "_weekday"] = d.dt.weekday
        X[c + "_dayofyear"] = d.dt.dayofyear
        X[c + "_days"] = (d - pd.Timestamp("1970-01-01")).dt.days
        X = X.drop(columns=[c])
    cats = [c for c in X.columns if X[c].dtype == object or X[c].dtype == bool]
    for c in cats:
        X[c] = X[c].astype(object).where(X[c].notna(), np.nan)
        X[c] = X[c].map(lambda v: v if isinstance(v, float) and np.isnan(v) else str(v))
    nums = [c for c in X.columns if c not in cats]
    X[nums] = X[nums].astype(float)
    return X, y, nums, cats


def preprocessor(nums, cats, scale):
    num = [("impute", SimpleImputer(strategy="median"))]
    if scale:
        num.append(("scale", StandardScaler()))
    cat = [("impute", SimpleImputer(strategy="most_frequent")),
           ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]
    parts = []
    if nums:
        parts.append(("num", Pipeline(num), nums))
    if cats:
        parts.append(("cat", Pipeline(cat), cats))
    return ColumnTransformer(parts, sparse_threshold=0.0)


# --- models ----------------------------------------------------------------------------------
class Baseline:
    def __init__(self, task):
        self.task = task

    def fit(self, X, y):
        if self.task == "regression":
            self.mean_ = float(np.mean(y))
        else:
            vals, counts = np.unique(np.asarray(y), return_counts=True)
            self.classes_ = vals
            self.prior_ = counts / counts.sum()
            self.majority_ = vals[np.argmax(counts)]
        return self

    def predict(self, X):
        if self.task == "regression":
            return np.full(len(X), self.mean_)
        return np.full(len(X), self.majority_, dtype=object)

    def predict_proba(self, X):
        return np.tile(self.prior_, (len(X), 1))


def make_model(tool, task, nums, cats):
    clf = task != "regression"
    if tool == "baseline":
        return Baseline(task)
    if tool == "rf_default":
        est = (RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1) if clf
               else RandomForestRegressor(n_estimators=100, random_state=0, n_jobs=1))
        return Pipeline([("prep", preprocessor(nums, cats, scale=False)), ("model", est)])
    if tool == "mlp_default":
        if clf:
            est = MLPClassifier(random_state=0)
        else:
            est = TransformedTargetRegressor(regressor=MLPRegressor(random_state=0),
                                             transformer=StandardScaler())
        return Pipeline([("prep", preprocessor(nums, cats, scale=True)), ("model", est)])
    if tool == "flaml_10":
        return Flaml(task, cats, budget=10, n_jobs=2)
    if tool == "realmlp_default":
        return RealMlp(task, nums, cats)
    raise SystemExit(f"unknown tool {tool}")


class Flaml:
    def __init__(self, task, cats, budget, n_jobs):
        self.task, self.cats, self.budget, self.n_jobs = task, cats, budget, n_jobs

    def _frame(self, X):
        X = X.copy()
        for c in self.cats:
            X[c] = X[c].astype("category")
        return X

    def fit(self, X, y):
        from flaml import AutoML

        self.automl = AutoML()
        self.automl.fit(self._frame(X), np.asarray(y),
                        task="regression" if self.task == "regression" else "classification",
                        time_budget=self.budget, n_jobs=self.n_jobs, verbose=0, seed=0)
        if self.task != "regression":
            self.classes_ = np.asarray(self.automl.classes_)
        return self

    def predict(self, X):
        return self.automl.predict(self._frame(X))

    def predict_proba(self, X):
        return self.automl.predict_proba(self._frame(X))

    def info(self):
        a = self.automl
        metric = getattr(a, "_settings", {}).get("metric")
        state = getattr(a, "_state", None)
        return {"best_estimator": a.best_estimator,
                "best_config": a.best_config,
                "best_val_loss": float(a.best_loss),
                "flaml_metric": metric if isinstance(metric, str) and metric != "auto"
                else getattr(state, "metric", metric),
                "eval_method": getattr(state, "eval_method", None)}


class RealMlp:
    """RealMLP-TD through pytabkit: numbers median-imputed (training medians), categories as
    pandas categories of the training levels plus "(missing)" for missing and unseen ones."""

    MISSING = "(missing)"

    def __init__(self, task, nums, cats):
        self.task, self.nums, self.cats = task, nums, cats

    def _frame(self, X):
        X = X.copy()
        for c in self.nums:
            X[c] = X[c].astype(float).fillna(self.medians_[c])
        for c in self.cats:
            col = X[c].astype(object).where(X[c].notna(), self.MISSING).astype(str)
            col = col.where(col.isin(self.levels_[c]), self.MISSING)
            X[c] = pd.Categorical(col, categories=self.levels_[c])
        return X

    def fit(self, X, y):
        from pytabkit import RealMLP_TD_Classifier, RealMLP_TD_Regressor

        self.medians_ = {c: float(X[c].astype(float).median()) if X[c].notna().any() else 0.0
                         for c in self.nums}
        self.levels_ = {c: sorted(set(X[c].dropna().astype(str))) + [self.MISSING] for c in self.cats}
        cls = RealMLP_TD_Regressor if self.task == "regression" else RealMLP_TD_Classifier
        self.model = cls(device="cpu", random_state=0, n_threads=1, verbosity=0)
        self.model.fit(self._frame(X), np.asarray(y))
        if self.task != "regression":
            self.classes_ = np.asarray(self.model.classes_)
        return self

    def predict(self, X):
        return self.model.predict(self._frame(X))

    def predict_proba(self, X):
        return self.model.predict_proba(self._frame(X))


# --- metrics ---------------------------------------------------------------------------------
def proba_matrix(model, X, classes):
    """Probabilities in the order of `classes`; a class the training rows never had gets 0."""
    p = np.asarray(model.predict_proba(X), dtype=float)
    own = [str(c) for c in model.classes_]
    out = np.zeros((len(X), len(classes)))
    for j, c in enumerate(own):
        out[:, classes.index(c)] = p[:, j]
    return out


def classification_metrics(y_true, y_pred, P, classes):
    y_true = np.asarray(y_true, dtype=object)
    y_pred = np.asarray(y_pred, dtype=object)
    idx = np.array([classes.index(v) for v in y_true])
    p_true = np.clip(P[np.arange(len(idx)), idx], EPS, 1 - EPS)
    m = {"accuracy": accuracy_score(y_true, y_pred),
         "balanced_accuracy": balanced_accuracy_score(y_true, y_pred),
         "f1_macro": f1_score(y_true, y_pred, average="macro"),
         "log_loss": float(-np.mean(np.log(p_true)))}
    if len(classes) == 2:
        m["roc_auc"] = roc_auc_score(idx == 1, P[:, 1])
    else:
        present = sorted(set(idx))
        if len(present) == len(classes):
            m["roc_auc_ovr_macro"] = roc_auc_score(idx, P, multi_class="ovr", average="macro",
                                                   labels=list(range(len(classes))))
        else:  # a class missing from the test rows: the mean over the classes present
            m["roc_auc_ovr_macro"] = float(np.mean([roc_auc_score(idx == k, P[:, k]) for k in present]))
    return {k: float(v) for k, v in m.items()}


def regression_metrics(y_true, y_pred):
    return {"r2": float(r2_score(y_true, y_pred)),
            "rmse": float(np.sqrt(mean_squared_error(y_true, y_pred))),
            "mae": float(mean_absolute_error(y_true, y_pred))}


# --- one tool on one data set ----------------------------------------------------------------
def versions(tool):
    v = {"python": platform.python_version(), "sklearn": sklearn.__version__,
         "pandas": pd.__version__, "numpy": np.__version__, "machine": platform.machine(),
         "cpus": os.cpu_count()}
    if tool in ("flaml_10", "realmlp_default"):
        import importlib.metadata as md
        for p in ("flaml", "lightgbm", "xgboost", "pytabkit", "torch"):
            try:
                v[p] = md.version(p)
            except md.PackageNotFoundError:
                pass
    return v


def run(collection, entry, tool, out_dir):
    split = json.load(open(os.path.join(collection, "splits", f"{entry['name']}.json")))
    X, y, nums, cats = load(collection, entry)
    task = entry["task"]
    clf = task != "regression"
    classes = sorted(y.astype(str).unique()) if clf else None
    y = y.astype(str).to_numpy(dtype=object) if clf else y.astype(float).to_numpy()
    folds, failed = [], 0
    t_all = time.perf_counter()
    for f in split["folds"]:
        tr, te = np.asarray(f["train"]), np.asarray(f["test"])
        rec = {"fold": f["fold"], "n_train": int(len(tr)), "n_test": int(len(te))}
        try:
            model = make_model(tool, task, nums, cats)
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(X.iloc[tr], y[tr])
            t1 = time.perf_counter()
            pred = model.predict(X.iloc[te])
            if clf:
                P = proba_matrix(model, X.iloc[te], classes)
            t2 = time.perf_counter()
            if isinstance(model, Flaml):
                rec.update(model.info())
            if tool == "mlp_default":
                est = model.named_steps["model"]
                est = est.regressor_ if hasattr(est, "regressor_") else est
                rec["n_iter"] = int(est.n_iter_)
                rec["converged"] = bool(est.n_iter_ < est.max_iter)
            rec["fit_time_s"] = t1 - t0
            rec["predict_time_s"] = t2 - t1
            rec["wall_time_s"] = t2 - t0
            rec["metrics"] = (classification_metrics(y[te], np.asarray(pred).astype(str), P, classes)
                              if clf else regression_metrics(y[te], np.asarray(pred, dtype=float)))
        except Exception as e:  # noqa: BLE001
            failed += 1
            rec["error"] = f"{type(e).__name__}: {e}"
        folds.append(rec)
    total = time.perf_counter() - t_all
    ok = [f for f in folds if "metrics" in f]
    summary = {}
    if ok:
        for k in ok[0]["metrics"]:
            vals = np.array([f["metrics"][k] for f in ok])
            summary[k] = {"mean": float(vals.mean()), "std": float(vals.std()), "n": int(len(vals))}
        for k in ("fit_time_s", "wall_time_s"):
            vals = np.array([f[k] for f in ok])
            summary[k] = {"mean": float(vals.mean()), "total": float(vals.sum())}
    result = {
        "dataset": entry["name"], "task": task, "target": entry["target"], "tool": tool,
        "time_budget_s": 10 if tool == "flaml_10" else None, "n_rows": int(len(y)),
        "classes": classes, "split_file": f"splits/{entry['name']}.json",
        "split_method": split["method"], "n_jobs": 2 if tool == "flaml_10" else 1,
        "total_wall_time_s": total, "versions": versions(tool),
        "preprocessing": PREPROCESSING[tool],
        "inputs_left_out": [c for c in entry.get("id_columns", [])],
        "summary": summary, "folds": folds, "n_failed_folds": failed,
    }
    os.makedirs(os.path.join(out_dir, tool), exist_ok=True)
    with open(os.path.join(out_dir, tool, f"{entry['name']}.json"), "w") as fh:
        json.dump(result, fh, indent=1)
        fh.write("\n")
    return result


def table(collection, out, tools):
    """Markdown: the main metric (balanced accuracy, or R²; mean of the 5 folds) of each tool per
    data set, and each task group's mean."""
    index = json.load(open(os.path.join(collection, "datasets", "index.json")))["datasets"]
    lines = []
    for task in ("binary", "multiclass", "regression"):
        metric = "r2" if task == "regression" else "balanced_accuracy"
        lines += [f"### {task} ({metric}, mean of 5 folds)", "",
                  "| data set | rows | " + " | ".join(tools) + " |",
                  "|---|---:|" + "---:|" * len(tools)]
        sums = {t: [] for t in tools}
        for e in index:
            if e["task"] != task:
                continue
            cells = []
            for t in tools:
                path = os.path.join(out, t, f"{e['name']}.json")
                v = (json.load(open(path))["summary"].get(metric, {}).get("mean")
                     if os.path.exists(path) else None)
                cells.append("" if v is None else f"{v:.4f}")
                if v is not None:
                    sums[t].append(v)
            lines.append(f"| {e['name']} | {e['rows']} | " + " | ".join(cells) + " |")
        lines.append("| **mean** | | " + " | ".join(
            f"**{np.mean(v):.4f}**" if v else "" for v in sums.values()) + " |")
        lines.append("")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--collection", default=HERE)
    ap.add_argument("--public", default=None, metavar="DIR",
                    help="the public collection (e.g. ../shared/bench): read DIR, write "
                         "bench/anchors-public/ of this repository; tools default to mlp_default")
    ap.add_argument("--out", default=None, help="default: COLLECTION/anchors")
    ap.add_argument("--tools", default=None, help="default: baseline,rf_default,mlp_default")
    ap.add_argument("--only", default="")
    ap.add_argument("--table", action="store_true",
                    help="print the markdown table of the result files already written, and stop")
    args = ap.parse_args()
    if args.public:
        args.collection = args.public
        out = args.out or os.path.join(HERE, "..", "anchors-public")
        tools_text = args.tools or "mlp_default"
    else:
        out = args.out or os.path.join(args.collection, "anchors")
        tools_text = args.tools or "baseline,rf_default,mlp_default"
    out = os.path.normpath(out)
    tools = [t for t in tools_text.split(",") if t]
    if args.table:
        print(table(args.collection, out, tools))
        return 0
    for t in tools:
        if t not in TOOLS:
            raise SystemExit(f"unknown tool {t}; one of {TOOLS}")
    only = {s for s in args.only.split(",") if s}
    index = json.load(open(os.path.join(args.collection, "datasets", "index.json")))["datasets"]
    for entry in index:
        if entry["task"] == "timeseries" or (only and entry["name"] not in only):
            continue
        for tool in tools:
            if tool == "realmlp_default" and entry["rows"] > REALMLP_MAX_ROWS:
                print(f"{entry['name']:28s} {tool:12s} skipped: {entry['rows']} rows > {REALMLP_MAX_ROWS}",
                      flush=True)
                continue
            r = run(args.collection, entry, tool, out)
            main_metric = "r2" if entry["task"] == "regression" else "balanced_accuracy"
            s = r["summary"].get(main_metric, {}).get("mean", float("nan"))
            print(f"{entry['name']:28s} {tool:12s} {main_metric} {s:.4f}  "
                  f"{r['total_wall_time_s']:.1f} s  failed {r['n_failed_folds']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
