"""k-means from scikit-learn, with the data it was fitted on, for
core/tests/kmeans_test.cpp: labels and inertia of KMeans (Lloyd, n_init=10) on
well-separated blobs, overlapping blobs and iris (raw, and standard-scaled as the
trainer's preprocessing scales it), and silhouette_score of sklearn's labels."""
import json

import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import load_iris, make_blobs
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler


def case(name, X, n_clusters, init="k-means++"):
    km = KMeans(n_clusters=n_clusters, init=init, n_init=10, random_state=0,
                algorithm="lloyd").fit(X)
    return {"name": name, "X": X.tolist(), "n_clusters": n_clusters, "init": init,
            "labels": km.labels_.tolist(), "inertia": float(km.inertia_),
            "n_iter": int(km.n_iter_),
            "silhouette": float(silhouette_score(X, km.labels_))}


separated, _ = make_blobs(n_samples=600, centers=4, n_features=3, cluster_std=0.6,
                          random_state=3)
overlap, _ = make_blobs(n_samples=1500, centers=6, n_features=5, cluster_std=2.5,
                        random_state=7)
iris = load_iris().data
print(json.dumps({"cases": [
    case("separated", separated, 4),
    case("overlap", overlap, 6),
    case("overlap_random", overlap, 6, init="random"),
    case("iris", iris, 3),
    case("iris_scaled", StandardScaler().fit_transform(iris), 3),
    case("iris_scaled_8", StandardScaler().fit_transform(iris), 8),
]}))
