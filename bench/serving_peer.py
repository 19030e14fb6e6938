#!/usr/bin/python3
"""The seeds' architecture for bench/serving.sh: a scikit-learn model behind a Flask
app under gunicorn, called over HTTP per row (keep-alive) and in batches. Trains the
same logistic regression on the same table, starts the service, measures, stops it.
Prints one JSON line: seconds per row (per-row calls) and per row (batched).
Usage: serving_peer.py TABLE PORT [FEATURE_COLUMNS, default f1,f2,f3]."""
import http.client
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time

import numpy as np
import psycopg2
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

table, port = sys.argv[1], int(sys.argv[2])
features = sys.argv[3].split(",") if len(sys.argv) > 3 else ["f1", "f2", "f3"]
conn = psycopg2.connect("")
with conn.cursor() as cur:
    cur.execute(f"SELECT {', '.join(features)}, label FROM {table}")
    rows = np.array(cur.fetchall(), dtype=float)
X, y = rows[:, :-1], rows[:, -1]
model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
workdir = tempfile.mkdtemp()
with open(os.path.join(workdir, "model.pkl"), "wb") as f:
    pickle.dump(model, f)
with open(os.path.join(workdir, "app.py"), "w") as f:
    f.write('''
import pickle
import numpy as np
from flask import Flask, jsonify, request
app = Flask(__name__)
model = pickle.load(open("model.pkl", "rb"))
@app.route("/predict", methods=["POST"])
def predict():
    rows = np.asarray(request.get_json()["rows"], dtype=float)
    return jsonify(model.predict_proba(rows)[:, 1].tolist())
''')
server = subprocess.Popen(["/usr/bin/python3", "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "app:app"],
                          cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
            break
        except OSError:
            time.sleep(0.1)
    client = http.client.HTTPConnection("127.0.0.1", port)
    def call(batch):
        client.request("POST", "/predict", json.dumps({"rows": batch.tolist()}), {"Content-Type": "application/json"})
        return json.loads(client.getresponse().read())
    n = 2000
    t0 = time.perf_counter()
    for i in range(n):
        call(X[i:i + 1])
    per_row = (time.perf_counter() - t0) / n
    t0 = time.perf_counter()
    for start in range(0, len(X), 10000):
        call(X[start:start + 10000])
    batched = (time.perf_counter() - t0) / len(X)
    # Two clients at once (one per gunicorn worker), as pgbench -c 2 runs: calls per second.
    import threading
    def client_loop(calls):
        c = http.client.HTTPConnection("127.0.0.1", port)
        for i in range(calls):
            c.request("POST", "/predict", json.dumps({"rows": X[i:i + 1].tolist()}), {"Content-Type": "application/json"})
            c.getresponse().read()
    threads = [threading.Thread(target=client_loop, args=(n,)) for _ in range(2)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    two_clients = 2 * n / (time.perf_counter() - t0)
    print(json.dumps({"per_row": per_row, "batched": batched, "sampled_calls": n,
                      "two_clients_per_second": two_clients}))
finally:
    server.terminate()
    server.wait()
