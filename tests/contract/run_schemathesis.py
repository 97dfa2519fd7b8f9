#!/usr/bin/python3
"""The HTTP contract test: the running gateway against schemas/openapi.yaml, with schemathesis.

  run_schemathesis.py --build BUILD_DIR [--repo REPO_ROOT] [--max-examples 30] [--seed N] [--keep]

1. Runs in the tools venv that scripts/install-deps.sh creates (REPO/.venv-tools, with
   schemathesis and openapi-spec-validator pinned); started by another Python it re-executes
   itself there. A missing venv is a failure, not a skip: run scripts/install-deps.sh.
2. Validates schemas/openapi.yaml with openapi-spec-validator.
3. Writes a gateway.yaml in a temporary folder: embedded Kafka (brokers ""), the repository's
   config/routes.yaml, HTTP on 127.0.0.1 and a free port, an admin token, a sender that may
   post hotline and grid, and one that may post updates (literal secrets, test-only).
4. Starts `BUILD/gateway/app/gateway --config gateway.yaml run` and waits for GET /healthz
   (and, briefly, /readyz).
5. Runs `schemathesis run` against it with a fixed seed and a bounded number of examples;
   schemathesis_hooks.py (next to this file) signs webhook requests and adds the admin bearer
   token. Any failed check fails the test. The JUnit report and a HAR file of every request
   and response are written to the temporary folder, kept when the test fails or with --keep.
6. Sends SIGTERM and requires exit status 0 within 30 s.

Exit status 0 when every step passed, 1 otherwise.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
STOP_TIMEOUT_S = 30.0
START_TIMEOUT_S = 60.0
READY_TIMEOUT_S = 20.0
SCHEMATHESIS_TIMEOUT_S = 180.0

# Test-only credentials, written into the temporary gateway.yaml (>= 16 characters each, as
# gateway.yaml wants for literals) and handed to the hooks through the environment.
ADMIN_TOKEN = "contract-test-admin-token-8f3a1c"
INTAKE_SENDER = "contract-intake"
INTAKE_SECRET = "contract-test-intake-secret-5d2e9b"
UPDATES_SENDER = "contract-updates"
UPDATES_SECRET = "contract-test-updates-secret-7c4f0a"

# Which checks run, and why some do not: schemathesis.toml, next to this file.
CONFIG = os.path.join(HERE, "schemathesis.toml")


class Failure(Exception):
    pass


def log(msg):
    print(f"contract_test: {msg}", flush=True)


def ensure_venv(venv):
    """Re-executes this script with the venv's Python unless it already runs there."""
    python = os.path.join(venv, "bin", "python3")
    if not os.path.exists(python):
        log(f"FAIL: the tools venv {venv} is missing (no {python}); "
            "run scripts/install-deps.sh, which creates it with schemathesis and "
            "openapi-spec-validator")
        sys.exit(1)
    if os.path.realpath(sys.prefix) != os.path.realpath(venv):
        os.execv(python, [python, os.path.abspath(__file__)] + sys.argv[1:])


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_gateway_yaml(folder, repo, port):
    """config/gateway.yaml's structure, with embedded Kafka and the HTTP listener on."""
    routes = os.path.join(repo, "config", "routes.yaml")
    text = f"""\
# Written by tests/contract/run_schemathesis.py for one run; deleted afterwards.
version: 1
routing_file: {routes}
log_level: info
kafka:
  brokers: ""                    # embedded, in-memory Kafka (librdkafka's mock cluster)
  group_id: contract-test
  topic_partitions: 2
  replication_factor: 1
  properties: {{}}
  consumer_properties: {{}}
  producer_properties: {{}}
dead_letter_topic: gateway.dead-letter
updates_topic: case-updates
http:
  listen: 127.0.0.1:{port}
  admin_token: {ADMIN_TOKEN}
  request_timeout_ms: 5000
  signature_window_s: 300
  senders:
    - id: {INTAKE_SENDER}
      secret: {INTAKE_SECRET}
      may_post: [hotline, grid]
    - id: {UPDATES_SENDER}
      secret: {UPDATES_SECRET}
      may_post: [updates]
inputs:
  - topic: hotline.tickets
    format: hotline
    charset: utf-8
  - topic: hotline.legacy
    format: hotline
    charset: gb18030
  - topic: grid.reports
    format: grid
"""
    path = os.path.join(folder, "gateway.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def http_status(url, timeout=2.0):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, OSError):
        return None


def tail(path, lines=60):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def validate_schema(venv, schema):
    log(f"openapi-spec-validator {schema}")
    validator = os.path.join(venv, "bin", "openapi-spec-validator")
    r = subprocess.run([validator, schema], capture_output=True, text=True)
    sys.stdout.write(r.stdout)
    sys.stdout.write(r.stderr)
    if r.returncode != 0:
        raise Failure(f"openapi-spec-validator exited with {r.returncode}")


def start_gateway(gateway, config, log_path, base_url):
    log(f"starting {gateway} --config {config} run")
    out = open(log_path, "wb")
    proc = subprocess.Popen([gateway, "--config", config, "run"], stdout=out,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    out.close()
    deadline = time.monotonic() + START_TIMEOUT_S
    while http_status(base_url + "/healthz") != 200:
        if proc.poll() is not None:
            raise Failure(f"the gateway exited with {proc.returncode} before serving:\n"
                          + tail(log_path))
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise Failure(f"no 200 from /healthz within {START_TIMEOUT_S:.0f} s:\n" + tail(log_path))
        time.sleep(0.2)
    # Ready (Kafka answered) makes 202s likelier; 503 is documented, so only wait a little.
    deadline = time.monotonic() + READY_TIMEOUT_S
    while http_status(base_url + "/readyz") != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    log(f"gateway serving at {base_url}")
    return proc


def stop_gateway(proc, log_path):
    if proc.poll() is not None:
        raise Failure(f"the gateway exited by itself with {proc.returncode} during the run:\n"
                      + tail(log_path))
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise Failure(f"the gateway did not exit within {STOP_TIMEOUT_S:.0f} s of SIGTERM:\n"
                      + tail(log_path))
    if rc != 0:
        raise Failure(f"the gateway exited with {rc} after SIGTERM, expected 0:\n" + tail(log_path))
    log("gateway stopped with exit status 0")


def run_schemathesis(args, venv, schema, base_url, work):
    report = os.path.join(work, "junit.xml")
    cmd = [
        os.path.join(venv, "bin", "schemathesis"), "--config-file", CONFIG, "run", schema,
        "--url", base_url,
        "--max-examples", str(args.max_examples),
        "--seed", str(args.seed),
        "--workers", str(args.workers),
        "--request-timeout", "15",
        # Every failure of an operation in one run, not only its first.
        "--continue-on-failure",
        # No example database: each run starts from the seed alone, and nothing is written to
        # the working tree.
        "--generation-database", "none",
        # JUnit for CI; HAR with every request and response as sent (the signed headers
        # included, which the failure reports do not show).
        "--report", "junit,har", "--report-junit-path", report,
        "--report-har-path", os.path.join(work, "requests.har"),
        "--no-color",
    ]
    env = dict(os.environ)
    env.update({
        "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
        # No __pycache__ next to the hooks in the source tree.
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": HERE + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""),
        "GW_CONTRACT_ADMIN_TOKEN": ADMIN_TOKEN,
        "GW_CONTRACT_INTAKE_SENDER": INTAKE_SENDER,
        "GW_CONTRACT_INTAKE_SECRET": INTAKE_SECRET,
        "GW_CONTRACT_UPDATES_SENDER": UPDATES_SENDER,
        "GW_CONTRACT_UPDATES_SECRET": UPDATES_SECRET,
        # Wide enough that reports do not wrap mid-line in CTest's log.
        "COLUMNS": "160",
    })
    log(" ".join(cmd))
    # Run from the temporary folder: schemathesis keeps a cache (.schemathesis/) in its
    # working directory.
    try:
        r = subprocess.run(cmd, cwd=work, env=env, timeout=SCHEMATHESIS_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise Failure(f"schemathesis did not finish within {SCHEMATHESIS_TIMEOUT_S:.0f} s")
    if r.returncode != 0:
        raise Failure(f"schemathesis found failures (exit status {r.returncode}); "
                      f"JUnit report: {report}")
    log("schemathesis: every check passed")


def main():
    repo_default = os.path.dirname(os.path.dirname(HERE))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True, help="the CMake build folder")
    ap.add_argument("--repo", default=repo_default, help="the repository root")
    ap.add_argument("--venv", help="the tools venv (default REPO/.venv-tools)")
    ap.add_argument("--max-examples", type=int, default=30, help="per operation")
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    repo = os.path.abspath(args.repo)
    venv = os.path.abspath(args.venv or os.path.join(repo, ".venv-tools"))
    ensure_venv(venv)

    gateway = os.path.join(os.path.abspath(args.build), "gateway", "app", "gateway")
    schema = os.path.join(repo, "schemas", "openapi.yaml")
    work = tempfile.mkdtemp(prefix="gw-contract-")
    log_path = os.path.join(work, "gateway.log")
    proc = None
    started = time.monotonic()
    ok = False
    try:
        if not os.access(gateway, os.X_OK):
            raise Failure(f"no gateway binary at {gateway} (build the gateway target)")
        validate_schema(venv, schema)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        config = write_gateway_yaml(work, repo, port)
        proc = start_gateway(gateway, config, log_path, base_url)
        failure = None
        try:
            run_schemathesis(args, venv, schema, base_url, work)
        except Failure as e:
            failure = e
        # Stopped, and its exit status checked, whether schemathesis passed or not.
        p, proc = proc, None
        try:
            stop_gateway(p, log_path)
        except Failure as e:
            failure = Failure(f"{failure}\n{e}") if failure is not None else e
        if failure is not None:
            raise failure
        ok = True
    except Failure as e:
        log(f"FAIL: {e}")
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        log(f"{'PASS' if ok else 'FAIL'} in {time.monotonic() - started:.1f} s")
        if args.keep or not ok:
            log(f"kept {work} (gateway.yaml, gateway.log, junit.xml, requests.har)")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
