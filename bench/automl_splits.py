#!/usr/bin/python3
"""The table of means for bench/automl.sh with BENCH_AUTOML_SPLITS > 1: per dataset and
budget, every system's held-out score averaged over the splits, and pg_automl's Δ
against the best peer at that budget (the defaults count at every budget) taken split
by split, with its mean and sample standard deviation — in test rows for
classification, r2 for regression.

Usage: automl_splits.py RECORDS.jsonl (one JSON line per system, dataset, budget and
split, as bench/automl.sh writes them). Prints markdown.
"""
import json
import statistics
import sys
from collections import defaultdict

PEERS = ["python3-xgboost defaults", "sklearn HistGradientBoosting defaults", "optuna"]

records = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
order, datasets = [], {}
pg = defaultdict(dict)      # (dataset, budget) -> split -> record
peers = defaultdict(dict)   # (dataset, budget or None, system) -> split -> score
for r in records:
    if r["dataset"] not in datasets:
        order.append(r["dataset"])
    datasets[r["dataset"]] = r
    if r["system"] == "pg_automl":
        pg[(r["dataset"], r["budget"])][r["split"]] = r
    else:
        system = "optuna" if r["budget"] is not None else r["system"]
        peers[(r["dataset"], r["budget"], system)][r["split"]] = r["score"]


def peer_score(dataset, budget, system, split):
    return peers[(dataset, None if system != "optuna" else budget, system)].get(split)


def mean_sd(values):
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return statistics.mean(values), sd


print("### AutoML over several splits: mean held-out score per system, Δ against the best peer")
print()
print("| dataset | budget | splits | pg_automl (served) | xgboost defaults | HistGradientBoosting "
      "defaults | Optuna TPE xgboost | Δ per split | mean Δ ± sd |")
print("|---|---|---|---|---|---|---|---|---|")
for dataset in order:
    budgets = sorted({b for (d, b) in pg if d == dataset})
    for budget in budgets:
        runs = pg[(dataset, budget)]
        splits = sorted(runs)
        classify = datasets[dataset]["task"] == "classification"
        deltas, cells = [], []
        for split in splits:
            best = max(peer_score(dataset, budget, s, split) for s in PEERS)
            delta = runs[split]["score"] - best
            deltas.append(delta * runs[split]["tests"] if classify else delta)
        served = ", ".join(sorted({runs[s]["served"] for s in splits}))
        cells.append("%.4f (%s)" % (statistics.mean(runs[s]["score"] for s in splits), served))
        for system in PEERS:
            cells.append("%.4f" % statistics.mean(peer_score(dataset, budget, system, s)
                                                  for s in splits))
        unit = " rows" if classify else ""
        fmt = "%+.1f" if classify else "%+.4f"
        mean, sd = mean_sd(deltas)
        print("| %s | %g s | %d | %s | %s | %s%s ± %s%s |" % (
            dataset, budget, len(splits), " | ".join(cells),
            ", ".join(fmt % d for d in deltas), fmt % mean, unit,
            ("%.1f" if classify else "%.4f") % sd, unit))
print()
print("Δ per split is pg_automl minus the best of the three peers on that split (each split's")
print("best may be a different peer); splits are bench/datasets.py's seeds 0, 1, ... (0 is the")
print("single-split table's).")
