#!/usr/bin/env python3
"""A minimal scrape target for the metrics test: GET /metrics answers with `v6ctl metrics`
(what the dashboard's /metrics will serve, through the same control-protocol command).

  metrics_bridge.py --v6ctl PATH --socket SOCKET --port-file FILE

Listens on 127.0.0.1 (a free port, written to --port-file) until SIGTERM.
"""
import argparse
import os
import signal
import subprocess
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    # Started from a test process whose threads block signals: the mask is inherited, so unblock.
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    parser = argparse.ArgumentParser()
    parser.add_argument("--v6ctl", required=True)
    parser.add_argument("--socket", required=True)
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            if self.path.split("?")[0] != "/metrics":
                self.send_response(404)
                self.end_headers()
                return
            result = subprocess.run([args.v6ctl, "--socket", args.socket, "metrics"], capture_output=True, timeout=10)
            status = 200 if result.returncode == 0 else 503
            body = result.stdout if status == 200 else result.stderr
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, args.port_file)
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    server.serve_forever()


if __name__ == "__main__":
    main()
