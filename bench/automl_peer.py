#!/usr/bin/python3
"""Peers for bench/automl.sh, trained on the same rows (NOT is_test) and scored on
the same held-out rows (is_test) as pg_automl:

- python3-xgboost with its defaults,
- scikit-learn's HistGradientBoosting with its defaults (text columns as native
  categories),
- python3-optuna (TPE) tuning xgboost by 3-fold cross-validation for a wall-clock
  budget, then refitting the best configuration on every training row — what a data
  scientist would write in the same time. The budget covers search and refit.

Usage: automl_peer.py TABLE TARGET TASK BUDGET[,BUDGET...]. Prints JSON lines (Optuna's
with its best parameters and their cross-validated score).
"""
import json
import sys
import time
import warnings

import numpy as np
import optuna
import pandas as pd
import psycopg2
import xgboost as xgb
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.WARNING)

table, target, task, budgets = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
classify = task == "classification"
conn = psycopg2.connect("")
df = pd.read_sql(f"SELECT * FROM {table}", conn)
test = df.pop("is_test").astype(bool).to_numpy()
y = df.pop(target)
if classify:
    y = pd.Series(np.unique(y.astype(str), return_inverse=True)[1])
else:
    y = y.astype(float)
text = [c for c in df.columns if df[c].dtype == object]
# xgboost: text columns one-hot encoded (NULL: no column set), numbers as they are.
X_onehot = pd.get_dummies(df, columns=text, dummy_na=False).astype(float)
# HistGradientBoosting: text columns as ordinal codes declared categorical (NULL: missing).
X_ordinal = df.copy()
for c in text:
    X_ordinal[c] = X_ordinal[c].astype("category").cat.codes.replace(-1, np.nan)
X_ordinal = X_ordinal.astype(float)
categorical = [c in text for c in X_ordinal.columns]


def score(model, X):
    pred = model.predict(X[test])
    return accuracy_score(y[test], pred) if classify else r2_score(y[test], pred)


def report(system, budget, model, X, seconds, **extra):
    print(json.dumps({"system": system, "budget": budget, "score": score(model, X),
                      "seconds": seconds, **extra}), flush=True)


def defaults():
    for name, model, X in [
        ("python3-xgboost defaults", xgb.XGBClassifier() if classify else xgb.XGBRegressor(),
         X_onehot),
        ("sklearn HistGradientBoosting defaults",
         (HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor)(
             categorical_features=categorical if any(categorical) else None), X_ordinal)]:
        t0 = time.perf_counter()
        model.fit(X[~test], y[~test])
        report(name, None, model, X, time.perf_counter() - t0)


def xgb_model(params):
    return (xgb.XGBClassifier if classify else xgb.XGBRegressor)(n_jobs=2, **params)


def optuna_search(budget):
    X, yt = X_onehot[~test], y[~test]
    folds = (StratifiedKFold if classify else KFold)(3, shuffle=True, random_state=0)

    def objective(trial):
        params = {
            "n_estimators": trial.suggest_int("n_estimators", 20, 1000, log=True),
            "max_depth": trial.suggest_int("max_depth", 2, 10),
            "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.5, log=True),
            "subsample": trial.suggest_float("subsample", 0.5, 1.0),
            "colsample_bytree": trial.suggest_float("colsample_bytree", 0.4, 1.0),
            "min_child_weight": trial.suggest_float("min_child_weight", 0.1, 20, log=True),
            "reg_lambda": trial.suggest_float("reg_lambda", 1e-3, 10, log=True),
        }
        return cross_val_score(xgb_model(params), X, yt, cv=folds,
                               scoring="accuracy" if classify else "r2").mean()

    t0 = time.perf_counter()
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=0))
    # Leave a tenth of the budget for the refit, as pg_automl reserves time for its final fit.
    study.optimize(objective, timeout=budget * 0.9)
    model = xgb_model(study.best_params).fit(X, yt)
    report(f"optuna TPE xgboost 3-fold CV ({len(study.trials)} trials)", budget, model, X_onehot,
           time.perf_counter() - t0, params=study.best_params, cv=study.best_value)


defaults()
for b in budgets.split(","):
    optuna_search(float(b))
