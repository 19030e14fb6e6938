#!/usr/bin/python3
"""Reference fits for core/tests/sklearn_parity_test.cpp.

Generates seeded datasets, standard-scales them, fits scikit-learn's linear
estimators with the hyperparameters pg_automl mirrors, and prints one JSON
document on stdout: per case the scaled X, y, sklearn's coef_/intercept_/n_iter_
and its score on the training data (accuracy or r2). The C++ test refits with
our solvers and compares.
"""
import json
import sys

import numpy as np
from sklearn.linear_model import (ElasticNet, Lasso, LinearRegression, LogisticRegression,
                                  Ridge)
from sklearn.preprocessing import StandardScaler


def regression_data(rng):
    n, p = 600, 7
    # Correlated features make the solvers' paths differ, so parity is not trivial.
    mix = rng.normal(size=(p, p)) * 0.4 + np.eye(p)
    X = rng.normal(size=(n, p)) @ mix * rng.uniform(0.5, 20, size=p) + rng.normal(size=p) * 5
    beta = np.array([3.0, -2.0, 0.0, 0.5, 0.0, 1.5, -0.05])
    y = X @ (beta / X.std(axis=0)) + 10 + rng.normal(scale=1.0, size=n)
    return StandardScaler().fit_transform(X), y


def classification_data(rng, n, p, n_classes):
    X = StandardScaler().fit_transform(rng.normal(size=(n, p)) * rng.uniform(1, 5, size=p))
    W = rng.normal(size=(n_classes, p)) * 1.5
    b = rng.normal(size=n_classes)
    logits = X @ W.T + b
    if n_classes == 2:
        prob1 = 1 / (1 + np.exp(-(logits[:, 1] - logits[:, 0])))
        y = (rng.uniform(size=n) < prob1).astype(int)
    else:
        prob = np.exp(logits - logits.max(axis=1, keepdims=True))
        prob /= prob.sum(axis=1, keepdims=True)
        y = np.array([rng.choice(n_classes, p=row) for row in prob])
    return X, y


def case(name, kind, params, X, y, model, n_classes=None):
    score = model.score(X, y)  # accuracy for classifiers, r2 for regressors
    coef = np.atleast_2d(model.coef_)
    intercept = np.atleast_1d(model.intercept_)
    out = {
        "name": name,
        "kind": kind,
        "params": params,
        "X": X.tolist(),
        "y": y.tolist(),
        "coef": coef.tolist(),
        "intercept": intercept.tolist(),
        "score": float(score),
        "n_iter": int(np.max(getattr(model, "n_iter_", 0) or 0)),
    }
    if n_classes is not None:
        out["n_classes"] = n_classes
    return out


def main():
    rng = np.random.default_rng(20240517)
    X, y = regression_data(rng)
    cases = [
        case("ols", "ols", {}, X, y, LinearRegression().fit(X, y)),
        case("ridge", "ridge", {"alpha": 1.0}, X, y, Ridge(alpha=1.0).fit(X, y)),
        case("lasso", "elastic_net", {"alpha": 0.1, "l1_ratio": 1.0}, X, y,
             Lasso(alpha=0.1).fit(X, y)),
        case("elastic_net", "elastic_net", {"alpha": 0.1, "l1_ratio": 0.5}, X, y,
             ElasticNet(alpha=0.1, l1_ratio=0.5).fit(X, y)),
    ]
    Xb, yb = classification_data(rng, 1000, 6, 2)
    cases.append(case("logistic_binary", "logistic", {"C": 1.0}, Xb, yb,
                      LogisticRegression(max_iter=1000).fit(Xb, yb), n_classes=2))
    Xm, ym = classification_data(rng, 1200, 5, 3)
    cases.append(case("logistic_3class", "logistic", {"C": 1.0}, Xm, ym,
                      LogisticRegression(max_iter=1000).fit(Xm, ym), n_classes=3))
    json.dump({"sklearn_version": __import__("sklearn").__version__, "cases": cases},
              sys.stdout)


if __name__ == "__main__":
    main()
