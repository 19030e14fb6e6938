#!/usr/bin/python3
"""Real public datasets for bench/automl.sh, from Debian packages only: the sets
bundled with python3-sklearn and R's MASS package (r-cran-mass, exported by
Rscript). Each becomes a table ds_<name> with the original columns, NULLs where
the source has NA, text where the source has categories, and is_test: a seeded
25 % split (stratified for classification) that every system shares.

Usage: datasets.py WORKDIR [SEED] — loads the tables (libpq environment) and prints
one line per dataset: name target task metric source. SEED (default 0, the split
every earlier run used) seeds the split; bench/automl.sh's BENCH_AUTOML_SPLITS uses
seeds 0, 1, 2, ...
"""
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import psycopg2
from sklearn import datasets
from sklearn.model_selection import train_test_split

WORKDIR = sys.argv[1]
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 0

# name: (R expression, target, task, what it is)
R_SETS = {
    "biopsy": ("MASS::biopsy[, -1]", "class", "classification",
               "MASS biopsy: breast tumours, 9 cytology scores, 16 NULLs"),
    "fgl": ("MASS::fgl", "type", "classification",
            "MASS fgl: 6 kinds of glass fragment from 9 measurements, 214 rows"),
    "aids2": ("MASS::Aids2[, c('state', 'sex', 'diag', 'status', 'T.categ', 'age')]", "status",
              "classification", "MASS Aids2: survival of 2,843 patients, text categories"),
    "nlschools": ("MASS::nlschools", "lang", "regression",
                  "MASS nlschools: language scores of 2,287 pupils, class as a text category"),
}


def sklearn_sets():
    cancer = datasets.load_breast_cancer(as_frame=True).frame
    cancer["target"] = np.where(cancer["target"] == 1, "benign", "malignant")
    digits = datasets.load_digits(as_frame=True).frame
    diabetes = datasets.load_diabetes(as_frame=True, scaled=False).frame
    return {
        "breast_cancer": (cancer, "target", "classification", "sklearn breast cancer (Wisconsin)"),
        "digits": (digits, "target", "classification", "sklearn digits: 8×8 images, 10 classes"),
        "diabetes": (diabetes, "target", "regression", "sklearn diabetes progression"),
    }


def r_set(name, expression):
    """An R data frame through CSV; its factors stay text columns (a factor of numbers,
    like nlschools' class ids, would otherwise read back as numbers)."""
    path = os.path.join(WORKDIR, name + ".csv")
    factors = subprocess.run(["Rscript", "-e",
                              f"d <- {expression}; write.csv(d, '{path}', row.names = FALSE, na = ''); "
                              f"cat(names(d)[sapply(d, is.factor)], sep = '\\n')"],
                             check=True, stdout=subprocess.PIPE, text=True).stdout.split()
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""],
                        dtype={f: str for f in factors})
    frame.columns = [c.lower().replace(".", "_") for c in frame.columns]
    return frame


def sql_type(series):
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "bigint"
    if pd.api.types.is_float_dtype(series):
        return "float8"
    return "text"


def load(conn, name, frame, target, task):
    frame = frame.copy()
    frame.columns = [str(c).lower().replace(" ", "_").replace("(", "").replace(")", "")
                     for c in frame.columns]
    target = target.lower().replace(".", "_")
    strata = frame[target] if task == "classification" else None
    _, test = train_test_split(frame.index, test_size=0.25, random_state=SEED, stratify=strata)
    frame["is_test"] = frame.index.isin(test)
    table = "ds_" + name
    columns = ", ".join(f'"{c}" {sql_type(frame[c])}' for c in frame.columns)
    with conn.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({columns})")
        path = os.path.join(WORKDIR, table + ".load.csv")
        frame.to_csv(path, index=False, na_rep="")
        with open(path) as f:
            cur.copy_expert(f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER)", f)
    conn.commit()
    return target


def main():
    os.makedirs(WORKDIR, exist_ok=True)
    conn = psycopg2.connect("")
    sets = sklearn_sets()
    for name, (expression, target, task, about) in R_SETS.items():
        sets[name] = (r_set(name, expression), target, task, about)
    for name, (frame, target, task, about) in sets.items():
        target = load(conn, name, frame, target, task)
        metric = "accuracy" if task == "classification" else "r2"
        print(name, target, task, metric, about.replace(" ", "_"))


main()
