#!/usr/bin/python3
"""A webhook receiver for tests/integration/webhook_test.cpp, on 127.0.0.1.

Usage: webhook_receiver.py PORT_FILE LOG_FILE [--fail-first N] [--always STATUS]
                           [--secret SECRET] [--sleep SECONDS]

Binds a free port (written to PORT_FILE once listening) and appends one JSON line per
request to LOG_FILE: path, the X-Automl-* and Content-Type headers, the body, and
whether X-Automl-Signature-256 is the HMAC-SHA256 of the exact body bytes under
SECRET (verified the way docs/webhooks.md tells receivers to). Answers 500 to the
first N requests, STATUS to every request with --always, 204 otherwise.
"""
import argparse
import hashlib
import hmac
import http.server
import json
import os
import time

args = argparse.ArgumentParser()
args.add_argument("port_file")
args.add_argument("log_file")
args.add_argument("--fail-first", type=int, default=0)
args.add_argument("--always", type=int, default=0)
args.add_argument("--secret", default=None)
args.add_argument("--sleep", type=float, default=0)
options = args.parse_args()
seen = 0


def verified(body, header):
    if options.secret is None or header is None:
        return False
    expected = "sha256=" + hmac.new(options.secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global seen
        seen += 1
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        signature = self.headers.get("X-Automl-Signature-256")
        entry = {"path": self.path, "body": body.decode(), "verified": verified(body, signature),
                 "signature": signature, "event": self.headers.get("X-Automl-Event"),
                 "delivery": self.headers.get("X-Automl-Delivery"),
                 "content_type": self.headers.get("Content-Type")}
        with open(options.log_file, "a") as log:
            log.write(json.dumps(entry) + "\n")
        time.sleep(options.sleep)
        status = options.always or (500 if seen <= options.fail_first else 204)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
with open(options.port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(options.port_file + ".tmp", options.port_file)
server.serve_forever()
