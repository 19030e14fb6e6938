#!/usr/bin/python3
"""The peer for bench/train.sh: the same training as pg_automl's job, done the usual
way — psycopg2 reads the table (COPY to CSV, the fastest psycopg2 path), pandas
parses it, scikit-learn fits the same pipeline (mean / most-frequent imputation,
one-hot encoding, standard scaling, date parts, logistic regression), evaluates on a
25 % held-out split, and the pickled model is stored back into PostgreSQL.
Prints one JSON line of timings."""
import io
import json
import pickle
import sys
import time

import numpy as np
import pandas as pd
import psycopg2
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

table, target = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
conn = psycopg2.connect("")
buffer = io.StringIO()
with conn.cursor() as cur:
    cur.copy_expert(f'COPY {table} TO STDOUT WITH (FORMAT csv, HEADER)', buffer)
buffer.seek(0)
df = pd.read_csv(buffer)
with conn.cursor() as cur:
    cur.execute("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped", (table,))
    types = dict(cur.fetchall())
t_read = time.perf_counter()

y = df.pop(target)
numbers, booleans, categories, dates = [], [], [], []
for column, typ in types.items():
    if column == target:
        continue
    if typ == "boolean":
        df[column] = df[column].map({"t": 1.0, "f": 0.0})
        booleans.append(column)
    elif typ == "date":
        d = pd.to_datetime(df.pop(column))
        for part, values in (("year", d.dt.year), ("month", d.dt.month), ("day", d.dt.day),
                             ("dow", (d.dt.dayofweek + 1) % 7), ("doy", d.dt.dayofyear),
                             ("epoch_days", (d - pd.Timestamp("1970-01-01")).dt.days)):
            df[f"{column}.{part}"] = values
            dates.append(f"{column}.{part}")
    elif typ in ("text", "character varying"):
        categories.append(column)
    else:
        numbers.append(column)
model = Pipeline([
    ("prep", ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), numbers + dates),
        ("bool", make_pipeline(SimpleImputer(strategy="most_frequent"), StandardScaler()), booleans),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")),
         categories)])),
    ("lr", LogisticRegression(C=1.0, max_iter=100)),
])
X_train, X_test, y_train, y_test = train_test_split(df, y, test_size=0.25, random_state=42, stratify=y)
model.fit(X_train, y_train)
accuracy = float((model.predict(X_test) == y_test).mean())
t_fit = time.perf_counter()

blob = pickle.dumps(model)
with conn.cursor() as cur:
    cur.execute("CREATE TABLE IF NOT EXISTS peer_models (id serial, model bytea)")
    cur.execute("INSERT INTO peer_models (model) VALUES (%s)", (psycopg2.Binary(blob),))
conn.commit()
t_store = time.perf_counter()
print(json.dumps({"read": t_read - t0, "fit": t_fit - t_read, "store": t_store - t_fit,
                  "total": t_store - t0, "accuracy": accuracy, "rows": len(df)}))
