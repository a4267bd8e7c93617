#!/usr/bin/env python3
"""Airflow stand-in for the local-runner integration tests (python3 stdlib only, no Airflow).

Long-running commands (optionally prefixed by "airflow"):
  standalone, webserver, api-server, local-runner   serve HTTP on $STANDIN_PORT (8080) and log
  scheduler, triggerer, dag-processor, worker       log like Airflow, heartbeat
  postgres                                          log like Postgres (metadata DB side-car)
One-shot commands: version, healthcheck, db <anything>, users <anything>,
  dags list [-o json], dags list-import-errors [-o json], dags test DAG_ID [DATE].
HTTP: /health, /api/v1/health, /api/v2/monitor/health, /api/v{1,2}/version,
  /api/v{1,2}/importErrors, /api/v{1,2}/dags, POST /auth/token, / (HTML).
Import errors are computed fresh from every *.py under the DAGs folder: syntax errors and
`raise` statements at module level (a runtime import error), reported with an Airflow-like
traceback that names the file and line.
Env: AIRFLOW__CORE__DAGS_FOLDER, STANDIN_AIRFLOW_VERSION (else the version in the image tag
is unknown, so 2.10.3), STANDIN_PORT, STANDIN_STARTUP_DELAY (0.3 s), STANDIN_HEARTBEAT (5 s),
STANDIN_FAIL_AT_START (print it, exit 3), STANDIN_AUTH ("user:pass" basic auth on /api/*).
"""
import signal
import sys

# As pid 1 a SIGTERM that arrives before a handler exists is dropped; record it at once.
_EARLY = []
signal.signal(signal.SIGTERM, lambda n, f: _EARLY.append(n))
signal.signal(signal.SIGINT, lambda n, f: _EARLY.append(n))

import ast
import base64
import datetime as _dt
import json
import os
import re
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERSION = os.environ.get("STANDIN_AIRFLOW_VERSION", "2.10.3")
PORT = int(os.environ.get("STANDIN_PORT", "8080"))
DAG_DIRS = ["/usr/local/airflow/dags", "/opt/airflow/dags"]
SERVERS = {"standalone", "webserver", "api-server", "local-runner"}
LOGGERS = {"scheduler", "triggerer", "dag-processor", "worker", "postgres"}
STOP = threading.Event()
SERVING_SINCE = [None]


def now():
    return _dt.datetime.now(_dt.timezone.utc)


def log(msg, level="INFO", src="scheduler_job_runner.py:100"):
    t = now()
    stamp = t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d+0000" % (t.microsecond // 1000)
    out = sys.stderr if level in ("ERROR", "CRITICAL") else sys.stdout
    print("[%s] {%s} %s - %s" % (stamp, src, level, msg), file=out, flush=True)


def dag_dirs():
    env = os.environ.get("AIRFLOW__CORE__DAGS_FOLDER")
    if env:
        return [env]
    found = [d for d in DAG_DIRS if os.path.isdir(d)]
    return found or [DAG_DIRS[1]]


def py_files():
    out = []
    for d in dag_dirs():
        for root, dirs, files in os.walk(d):
            dirs[:] = sorted(x for x in dirs if not x.startswith((".", "__pycache__")))
            out += [os.path.join(root, f) for f in sorted(files) if f.endswith(".py")]
    return out


FROZEN = (
    '  File "<frozen importlib._bootstrap_external>", line 940, in exec_module\n'
    '  File "<frozen importlib._bootstrap>", line 241, in _call_with_frames_removed\n'
)
RAISE_RE = re.compile(rb"^raise\s+(\w+)\((.*)\)\s*$", re.M)


def literal(text):
    try:
        return str(ast.literal_eval(text))
    except (ValueError, SyntaxError):
        return text


def check(path, src):
    """Return an Airflow-like import-error traceback for the file, or None."""
    try:
        compile(src, path, "exec", dont_inherit=True)
    except SyntaxError as e:
        line = (e.text or "").rstrip("\n")
        caret = " " * max((e.offset or 1) - 1, 0) + "^"
        return ("Traceback (most recent call last):\n" + FROZEN
                + '  File "%s", line %d\n    %s\n    %s\n%s: %s\n'
                % (path, e.lineno or 1, line.strip(), caret, type(e).__name__, e.msg))
    except ValueError as e:  # null bytes
        return "Traceback (most recent call last):\n%sValueError: %s\n" % (FROZEN, e)
    m = RAISE_RE.search(src)
    if m:
        lineno = src[: m.start()].count(b"\n") + 1
        return ("Traceback (most recent call last):\n" + FROZEN
                + '  File "%s", line %d, in <module>\n    %s\n%s: %s\n'
                % (path, lineno, m.group(0).decode().strip(), m.group(1).decode(), literal(m.group(2).decode())))
    return None


def scan():
    errors, dags = [], []
    for path in py_files():
        try:
            with open(path, "rb") as fh:
                src = fh.read()
        except OSError as e:
            errors.append((path, "%s: %s\n" % (type(e).__name__, e)))
            continue
        tb = check(path, src)
        if tb:
            errors.append((path, tb))
            continue
        for dag_id in re.findall(rb"""dag_id\s*=\s*["']([^"']+)["']|\bDAG\(\s*["']([^"']+)["']""", src):
            dags.append((path, (dag_id[0] or dag_id[1]).decode(), src))
    return errors, dags


def health():
    ready = SERVING_SINCE[0] is not None and time.monotonic() - SERVING_SINCE[0] >= 0.2
    hb = now().isoformat() if ready else None
    status = "healthy" if ready else "unhealthy"
    return {
        "metadatabase": {"status": "healthy"},
        "scheduler": {"status": status, "latest_scheduler_heartbeat": hb},
        "triggerer": {"status": status, "latest_triggerer_heartbeat": hb},
        "dag_processor": {"status": status if VERSION.startswith("3") else None,
                          "latest_dag_processor_heartbeat": hb if VERSION.startswith("3") else None},
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "airflow-standin/" + VERSION

    def log_message(self, fmt, *args):
        print('127.0.0.1 - - [%s] "%s" %s' % (now().strftime("%d/%b/%Y:%H:%M:%S +0000"),
                                              self.requestline, args[1] if len(args) > 1 else "-"), flush=True)

    def send(self, code, obj, ctype="application/json"):
        body = obj if isinstance(obj, bytes) else (json.dumps(obj) + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def authorized(self):
        want = os.environ.get("STANDIN_AUTH")
        if not want:
            return True
        got = self.headers.get("Authorization", "")
        return got in ("Basic " + base64.b64encode(want.encode()).decode(), "Bearer standin-token")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if self.path.rstrip("/") == "/auth/token":
            try:
                creds = json.loads(body or b"{}")
            except ValueError:
                creds = {}
            want = os.environ.get("STANDIN_AUTH")
            if want and "%s:%s" % (creds.get("username"), creds.get("password")) != want:
                return self.send(401, {"detail": "Invalid credentials"})
            return self.send(201, {"access_token": "standin-token"})
        return self.send(404, {"detail": "Not Found"})

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.path.split("?", 1)[0].rstrip("/") or "/"
        v2 = path.startswith("/api/v2/")
        if path in ("/health", "/api/v1/health", "/api/v2/monitor/health"):
            return self.send(200, health())
        if path == "/auth/token" and VERSION.startswith("3"):
            # Airflow 3 simple auth manager, all-admins mode: a token without credentials
            # (3.0.0 redirected to the UI with ?token=; later versions answer 201 + JSON).
            if os.environ.get("STANDIN_TOKEN_REDIRECT"):
                self.send_response(307)
                self.send_header("Location", "http://localhost:8080/?token=standin-token")
                self.send_header("Content-Length", "0")
                return self.end_headers()
            return self.send(201, {"access_token": "standin-token"})
        if path.startswith("/api/") and not self.authorized():
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="Airflow"')
            self.send_header("Content-Length", "0")
            return self.end_headers()
        if path in ("/api/v1/version", "/api/v2/version"):
            return self.send(200, {"version": VERSION, "git_version": "standin"})
        if path in ("/api/v1/importErrors", "/api/v2/importErrors"):
            errors, _ = scan()
            ts = now().isoformat()
            items = []
            for i, (f, tb) in enumerate(errors, 1):
                item = {"import_error_id": i, "timestamp": ts, "filename": f, "stack_trace": tb}
                if v2:
                    item["bundle_name"] = "dags-folder"
                items.append(item)
            return self.send(200, {"import_errors": items, "total_entries": len(items)})
        if path in ("/api/v1/dags", "/api/v2/dags"):
            _, dags = scan()
            items = [{"dag_id": d, "fileloc": f, "is_paused": True} for f, d, _ in dags]
            return self.send(200, {"dags": items, "total_entries": len(items)})
        if path == "/":
            return self.send(200, b"<html><body>Airflow stand-in " + VERSION.encode() + b"</body></html>\n", "text/html")
        return self.send(404, {"detail": "Not Found"})


def on_signal(signum, _frame):
    log("Received %s. Shutting down." % signal.Signals(signum).name, src="standin.py:1")
    STOP.set()


def run(cmd):
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    for n in _EARLY:
        on_signal(n, None)
    fail = os.environ.get("STANDIN_FAIL_AT_START")
    if cmd == "postgres":
        log("database system is ready to accept connections", src="postmaster.c:1")
        STOP.wait()
        log("database system is shut down", src="postmaster.c:1")
        return 0
    log("Airflow stand-in %s starting %s (pid %d)" % (VERSION, cmd, os.getpid()), src="standin.py:1")
    if fail:
        log(fail, "ERROR", "standin.py:1")
        return 3
    for d in dag_dirs():
        n = len(py_files()) if os.path.isdir(d) else 0
        log("DAGs folder %s: %d file(s)" % (d, n), src="dagbag.py:588")
    httpd = None
    if cmd in SERVERS:
        if STOP.wait(float(os.environ.get("STANDIN_STARTUP_DELAY", "0.3"))):
            return 0
        httpd = ThreadingHTTPServer(("0.0.0.0", PORT), Handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        SERVING_SINCE[0] = time.monotonic()
        log("Listening at: http://0.0.0.0:%d (%s)" % (PORT, cmd), src="webserver_command.py:470")
    beat = float(os.environ.get("STANDIN_HEARTBEAT", "5"))
    last = None
    while True:
        errors, dags = scan()
        summary = (len(errors), len(dags))
        if summary != last and cmd in ("scheduler", "dag-processor", "standalone", "local-runner"):
            log("Filled up the DagBag from %s: %d DAG(s), %d import error(s)"
                % (", ".join(dag_dirs()), len(dags), len(errors)), src="dagbag.py:588")
            for f, tb in errors:
                log("Failed to import: %s\n%s" % (f, tb.rstrip()), "ERROR", "dagbag.py:387")
            last = summary
        log("%s heartbeat" % cmd, src="job.py:220")
        if STOP.wait(beat):
            break
    if httpd:
        httpd.shutdown()
        httpd.server_close()
    log("Exited execute loop", src="scheduler_job_runner.py:870")
    return 0


def dags_test(dag_id):
    _, dags = scan()
    for path, found, src in dags:
        if found != dag_id:
            continue
        tasks = [t.decode() for t in re.findall(rb"""task_id\s*=\s*["']([^"']+)["']""", src)]
        tasks += [t.decode() for t in re.findall(rb"@task(?:\.\w+)?(?:\([^)]*\))?\s*\n\s*def\s+(\w+)", src)]
        run_id = "manual__" + now().isoformat()
        log("Filling up the DagBag from %s" % path, src="dagbag.py:588")
        log("dagrun id: %s" % dag_id, src="dag.py:4199")
        log("created dagrun <DagRun %s @ %s: %s, state:running>" % (dag_id, now().isoformat(), run_id), src="dag.py:4215")
        for t in tasks:
            log("[DAG TEST] starting task_id=%s map_index=-1" % t, src="dag.py:4359")
            log("Marking task as SUCCESS. dag_id=%s, task_id=%s, run_id=%s" % (dag_id, t, run_id), src="taskinstance.py:1206")
        log("Marking run <DagRun %s @ %s: %s, state:running> successful" % (dag_id, now().isoformat(), run_id), src="dagrun.py:854")
        log("DagRun Finished: dag_id=%s, run_id=%s, state=success" % (dag_id, run_id), src="dagrun.py:905")
        return 0
    print("airflow.exceptions.AirflowException: Dag %r could not be found; either it does not exist "
          "or it failed to parse." % dag_id, file=sys.stderr)
    return 1


def healthcheck():
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/health" % PORT, timeout=2) as r:
            ok = json.load(r)["scheduler"]["status"] == "healthy"
    except Exception as e:  # noqa: BLE001
        print("unhealthy: %s" % e)
        return 1
    print("healthy" if ok else "unhealthy")
    return 0 if ok else 1


def main(argv):
    if argv and argv[0] == "airflow":
        argv = argv[1:]
    cmd = argv[0] if argv else "standalone"
    if cmd in SERVERS or cmd in LOGGERS:
        return run(cmd)
    if _EARLY:
        return 128 + _EARLY[0]
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if cmd == "version":
        print(VERSION)
        return 0
    if cmd == "healthcheck":
        return healthcheck()
    if cmd == "migrate-db":  # MWAA images (Airflow 3): one-shot migration before the other services
        if os.environ.get("STANDIN_FAIL_AT_START"):
            log(os.environ["STANDIN_FAIL_AT_START"], "ERROR", "migrate.py:1")
            return 3
        log("Database migrated (stand-in)", src="migrate.py:1")
        return 0
    if cmd in ("db", "users", "sync-perm"):
        print("[stand-in] airflow %s: done" % " ".join(argv))
        return 0
    if cmd == "dags" and len(argv) > 2 and argv[1] == "test":
        return dags_test(argv[2])
    if cmd == "dags" and len(argv) > 1 and argv[1] in ("list", "list-import-errors"):
        errors, dags = scan()
        rows = ([{"dag_id": d, "fileloc": f} for f, d, _ in dags] if argv[1] == "list"
                else [{"filepath": f, "error": tb} for f, tb in errors])
        if "json" in argv[2:]:
            print(json.dumps(rows))
        else:
            for r in rows:
                print(" | ".join(str(v).rstrip() for v in r.values()))
        return 0
    print("airflow-standin: unsupported command %r" % " ".join(argv), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
