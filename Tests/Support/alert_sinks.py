#!/usr/bin/env python3
"""Stand-ins for the services alerts go to, for v6-scheduler's tests (loopback only).

  alert_sinks.py http --record FILE --port-file FILE [--secret S]
      An HTTP server on 127.0.0.1 (a free port, written to --port-file). Every request is
      appended to --record as one JSON line: time, path, headers, body and, with --secret,
      whether X-V6-Signature is the HMAC-SHA256 of the body (checked here with Python's hmac,
      independently of the daemon's code). Answers by path:
        /slack -> 200 "ok"          /discord -> 204            /webhook -> 200 "accepted"
        /status/N -> N "status N"   /retry-after/S -> 429 with Retry-After: S
        /hang -> never answers      /flaky/N -> 500 for the first N requests, then 200
  alert_sinks.py smtp --record FILE --port-file FILE [--mode starttls|tls|plain]
                      [--cert PEM --key PEM] [--user U --password P]
      An SMTP server (aiosmtpd) on 127.0.0.1; every accepted message is one JSON line:
      mail_from, rcpt_tos, data, tls (whether the session was encrypted), auth (the login).
  alert_sinks.py certs DIR
      A CA (ca.pem) and a server certificate for localhost and 127.0.0.1 signed by it
      (server.pem, server.key), with openssl.

The servers run until SIGTERM; the test that started one stops it by pid.
"""
import argparse
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


def append(path, record):
    with LOCK, open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


def write_port(path, port):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, path)


def run_http(args):
    flaky = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def answer(self, status, body=b"", headers=()):
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            record = {"time": time.time(), "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                      "body": body.decode("utf-8", "replace")}
            if args.secret is not None:
                expected = "sha256=" + hmac.new(args.secret.encode(), body, hashlib.sha256).hexdigest()
                record["signature_ok"] = hmac.compare_digest(expected, self.headers.get("X-V6-Signature", ""))
            append(args.record, record)
            parts = self.path.strip("/").split("/")
            if parts[0] == "slack":
                self.answer(200, b"ok")
            elif parts[0] == "discord":
                self.answer(204)
            elif parts[0] == "webhook":
                self.answer(200, b"accepted")
            elif parts[0] == "status":
                self.answer(int(parts[1]), b"status " + parts[1].encode())
            elif parts[0] == "retry-after":
                self.answer(429, b"slow down", [("Retry-After", parts[1])])
            elif parts[0] == "hang":
                time.sleep(3600)
            elif parts[0] == "flaky":
                with LOCK:
                    flaky[self.path] = flaky.get(self.path, 0) + 1
                    n = flaky[self.path]
                self.answer(500 if n <= int(parts[1]) else 200, b"flaky")
            else:
                self.answer(404, b"no such path")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    write_port(args.port_file, server.server_address[1])
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    server.serve_forever()


def run_smtp(args):
    import ssl
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            append(args.record, {"time": time.time(), "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                                 "data": envelope.content.decode("utf-8", "replace"),
                                 "tls": session.ssl is not None or server.transport.get_extra_info("sslcontext") is not None,
                                 "auth": session.auth_data.login.decode() if session.auth_data is not None else None})
            return "250 2.0.0 Ok: queued as V6TEST"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    kwargs = {"hostname": "127.0.0.1", "port": port}
    if args.user:
        # aiosmtpd counts only STARTTLS as encryption; a TLS-from-the-start session is one too.
        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=args.mode == "starttls")
    if args.mode == "starttls":
        kwargs.update(tls_context=context, require_starttls=True)
    elif args.mode == "tls":
        kwargs.update(ssl_context=context)
    controller = Controller(Handler(), **kwargs)
    controller.start()
    write_port(args.port_file, port)
    signal.signal(signal.SIGTERM, lambda *a: (controller.stop(), os._exit(0)))
    while True:
        time.sleep(3600)


def make_certs(directory):
    def openssl(*a):
        subprocess.run(["openssl", *a], check=True, capture_output=True)

    d = lambda name: os.path.join(directory, name)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d("ca.key"), "-out", d("ca.pem"), "-days", "2",
            "-subj", "/CN=v6-scheduler test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", d("server.key"), "-out", d("server.csr"), "-subj", "/CN=localhost")
    with open(d("ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", d("server.csr"), "-CA", d("ca.pem"), "-CAkey", d("ca.key"), "-CAcreateserial",
            "-out", d("server.pem"), "-days", "2", "-extfile", d("ext.cnf"))


def main():
    # Started from a test process whose threads block signals: the mask is inherited, so unblock.
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    http = sub.add_parser("http")
    http.add_argument("--record", required=True)
    http.add_argument("--port-file", required=True)
    http.add_argument("--secret")
    smtp = sub.add_parser("smtp")
    smtp.add_argument("--record", required=True)
    smtp.add_argument("--port-file", required=True)
    smtp.add_argument("--mode", choices=["starttls", "tls", "plain"], default="plain")
    smtp.add_argument("--cert")
    smtp.add_argument("--key")
    smtp.add_argument("--user")
    smtp.add_argument("--password")
    certs = sub.add_parser("certs")
    certs.add_argument("directory")
    args = parser.parse_args()
    if args.command == "http":
        run_http(args)
    elif args.command == "smtp":
        run_smtp(args)
    else:
        make_certs(args.directory)


if __name__ == "__main__":
    main()
