"""ROC, precision-recall and calibration curves from scikit-learn, with the data
they were computed from, for core/tests/evaluation_test.cpp."""
import json

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import (average_precision_score, precision_recall_curve, roc_auc_score,
                             roc_curve)

rng = np.random.default_rng(7)
n = 3000
y = (rng.random(n) < 0.3).astype(int)
# Scores rounded to 2 decimals: many ties, as a tree model's probabilities have.
score = np.round(np.clip(0.35 * y + rng.normal(0.35, 0.2, n), 0, 1), 2)
fpr, tpr, roc_thresholds = roc_curve(y, score, drop_intermediate=False)
precision, recall, pr_thresholds = precision_recall_curve(y, score)
fraction, mean_predicted = calibration_curve(y, score, n_bins=10, strategy="uniform")
print(json.dumps({
    "y": y.tolist(), "score": score.tolist(),
    "roc": {"fpr": fpr.tolist(), "tpr": tpr.tolist(),
            "thresholds": [None if not np.isfinite(t) else float(t) for t in roc_thresholds]},
    "roc_auc": roc_auc_score(y, score),
    "pr": {"precision": precision.tolist(), "recall": recall.tolist(),
           "thresholds": pr_thresholds.tolist()},
    "average_precision": average_precision_score(y, score),
    "calibration": {"fraction_positive": fraction.tolist(), "mean_predicted": mean_predicted.tolist()},
}))
