#!/usr/bin/python3
"""Reference for core/tests/tree_ensemble_test.cpp: two interleaved rings (no linear
separation), python3-xgboost's XGBClassifier with the hyper-parameters pg_automl
uses, trained on the first `train_rows` rows. Prints the rows and sklearn-style
held-out accuracy as JSON."""
import json

import numpy as np
import xgboost as xgb

rng = np.random.default_rng(11)
n, train_rows = 4000, 3000
label = rng.integers(0, 2, n)
radius = np.where(label == 1, 2.0, 1.0) + rng.normal(0, 0.15, n)
angle = rng.uniform(0, 2 * np.pi, n)
X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
model = xgb.XGBClassifier(n_estimators=100, max_depth=6, learning_rate=0.3, subsample=1.0, colsample_bytree=1.0,
                          min_child_weight=1.0, reg_lambda=1.0, reg_alpha=0.0, tree_method="hist", n_jobs=1)
model.fit(X[:train_rows], label[:train_rows])
accuracy = float((model.predict(X[train_rows:]) == label[train_rows:]).mean())
print(json.dumps({"X": X.tolist(), "y": label.tolist(), "train_rows": train_rows, "accuracy": accuracy,
                  "version": xgb.__version__}))
