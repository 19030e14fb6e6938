#!/usr/bin/python3
"""Reference for core/tests/pipeline_parity_test.cpp: a mixed table with missing
values through scikit-learn's usual pipeline —

  numbers:    SimpleImputer(mean)          + StandardScaler
  booleans:   SimpleImputer(most_frequent) + StandardScaler
  categories: SimpleImputer(most_frequent) + OneHotEncoder(handle_unknown='ignore')
  then LogisticRegression(C=1)

— fitted on the first `train_rows` rows. Prints one JSON document: the rows (null
for missing), sklearn's held-out accuracy and probabilities of class 1.
"""
import json

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

rng = np.random.default_rng(7)
n, train_rows = 3000, 2250
income = rng.normal(50, 15, n)
age = rng.integers(18, 80, n).astype(float)
cities = np.array(["oslo", "bergen", "paris", "rome", "lima", "kyiv"])
city = cities[rng.integers(0, 6, n)].astype(object)
member = (rng.random(n) < 0.4).astype(float)
effect = {"oslo": 0.8, "bergen": 0.3, "paris": -0.9, "rome": 0.0, "lima": -0.2, "kyiv": 0.5}
score = (0.05 * (income - 50) + 0.03 * (age - 48) + np.array([effect[c] for c in city]) - 1.2 * member
         + rng.logistic(0, 0.6, n))
y = (score > 0).astype(int)
# Missing values, as NULLs in a table.
income[rng.random(n) < 0.15] = np.nan
city[rng.random(n) < 0.10] = np.nan
member[rng.random(n) < 0.05] = np.nan

X = np.empty((n, 4), dtype=object)
X[:, 0], X[:, 1], X[:, 2], X[:, 3] = income, age, city, member
numbers = make_pipeline(SimpleImputer(strategy="mean"), StandardScaler())
booleans = make_pipeline(SimpleImputer(strategy="most_frequent"), StandardScaler())
categories = make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore"))
model = Pipeline([
    ("prep", ColumnTransformer([("num", numbers, [0, 1]), ("bool", booleans, [3]), ("cat", categories, [2])])),
    ("lr", LogisticRegression(C=1.0, max_iter=1000)),
])
model.fit(X[:train_rows], y[:train_rows])
proba = model.predict_proba(X[train_rows:])[:, 1]


def cell(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return v


print(json.dumps({
    "rows": [[cell(float(income[i])), float(age[i]), cell(city[i]), cell(float(member[i])), int(y[i])]
             for i in range(n)],
    "train_rows": train_rows,
    "accuracy": float((model.predict(X[train_rows:]) == y[train_rows:]).mean()),
    "proba": proba.tolist(),
}))
