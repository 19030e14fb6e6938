#!/usr/bin/python3
"""csv_server.py ROOT — the HTTP server the import tests fetch from (127.0.0.1).

Prints its port on the first line of stdout, then serves files of ROOT in the ways
an import must cope with:
  /plain/NAME             the file as it is (text/csv)
  /encoded/NAME           gzip-compressed with Content-Encoding: gzip
  /gz/NAME.gz             gzip-compressed, served as application/gzip (no encoding)
  /slow/NAME              headers, then one byte per second
  /redirect/N/NAME        302 to /redirect/N-1/NAME, and /redirect/0/NAME is /plain/NAME
  /away/HOST/PORT/NAME    302 to http://HOST:PORT/plain/NAME
  /status/CODE            an empty response with that status
"""
import gzip
import http.server
import os
import sys
import time

ROOT = sys.argv[1]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_body(self, body, content_type="text/csv", extra=None):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def read(self, name):
        path = os.path.join(ROOT, os.path.basename(name))
        with open(path, "rb") as f:
            return f.read()

    def do_GET(self):
        parts = self.path.lstrip("/").split("/")
        try:
            kind = parts[0]
            if kind == "plain":
                return self.send_body(self.read(parts[1]))
            if kind == "encoded":
                return self.send_body(gzip.compress(self.read(parts[1])),
                                      extra={"Content-Encoding": "gzip"})
            if kind == "gz":
                return self.send_body(gzip.compress(self.read(parts[1][:-3])),
                                      content_type="application/gzip")
            if kind == "slow":
                body = self.read(parts[1])
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                for i in range(len(body)):
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(1)
                return None
            if kind == "redirect":
                hops = int(parts[1])
                if hops == 0:
                    return self.redirect("/plain/" + parts[2])
                return self.redirect("/redirect/%d/%s" % (hops - 1, parts[2]))
            if kind == "away":
                return self.redirect("http://%s:%s/plain/%s" % (parts[1], parts[2], parts[3]))
            if kind == "status":
                self.send_response(int(parts[1]))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
        except (IndexError, ValueError, FileNotFoundError):
            pass
        except (BrokenPipeError, ConnectionResetError):
            return None
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
