#!/usr/bin/python3
"""Peers for bench/automl.sh: python3-xgboost with its defaults and scikit-learn's
HistGradientBoosting with its defaults, trained on the same rows (NOT is_test) and
scored on the same held-out rows (is_test) as pg_automl. Prints JSON lines."""
import json
import sys
import time

import numpy as np
import pandas as pd
import psycopg2
import xgboost as xgb
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import accuracy_score, r2_score

table, target, task = sys.argv[1], sys.argv[2], sys.argv[3]
conn = psycopg2.connect("")
df = pd.read_sql(f"SELECT * FROM {table}", conn)
test = df.pop("is_test").astype(bool)
y = df.pop(target)
X = df.astype(float)
classify = task == "classification"
if classify:
    classes, y_codes = np.unique(y, return_inverse=True)
    y = pd.Series(y_codes)
peers = [("python3-xgboost defaults", xgb.XGBClassifier() if classify else xgb.XGBRegressor()),
         ("sklearn HistGradientBoosting defaults",
          HistGradientBoostingClassifier() if classify else HistGradientBoostingRegressor())]
for name, model in peers:
    t0 = time.perf_counter()
    model.fit(X[~test], y[~test])
    seconds = time.perf_counter() - t0
    pred = model.predict(X[test])
    score = accuracy_score(y[test], pred) if classify else r2_score(y[test], pred)
    print(json.dumps({"system": name, "seconds": seconds, "score": score}))
