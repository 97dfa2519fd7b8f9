#!/usr/bin/python3
"""Webhooks end to end (issue 4): a running `gateway run` with its HTTP listener, signed
tickets posted from several threads while the routing file is reloaded three ways (a file
change, SIGHUP, POST /admin/reload) and once with a broken file; then every case that got
202 must be on a department topic exactly once as lead, routed by the old rules or by the
new ones, and the metrics must show the reloads.

  webhooks_test.py --gateway BUILD/gateway/app/gateway --repo REPO_ROOT [--timeout 120]

Kafka: GW_TEST_KAFKA_BROKERS (scripts/test.sh starts a real Apache Kafka); when unset, the
gateway's embedded mock cluster. Topics carry a prefix unique to the run.

Output never carries callers' names or phones: cases are named by case id only.
"""
import argparse
import concurrent.futures
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients"))
from clients_test import Failure, Gateway, PythonReader  # noqa: E402

SECRET = "webhooks-test-secret-0123456789"
TOKEN = "webhooks-test-admin-token-0123"
SENDER = "hotline-test"


def log(msg):
    print(f"webhooks_test: {msg}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def signed_post(base, path, body, sender=SENDER, secret=SECRET, content_type="application/json"):
    ts = str(int(time.time()))
    sig = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    req = urllib.request.Request(base + path, data=body, method="POST", headers={
        "Content-Type": content_type, "X-Gateway-Sender": sender,
        "X-Gateway-Timestamp": ts, "X-Gateway-Signature": "sha256=" + sig})
    return call(req)


def admin(base, method, path):
    req = urllib.request.Request(base + path, method=method, data=b"" if method == "POST" else None,
                                 headers={"Authorization": "Bearer " + TOKEN})
    return call(req)


def call(req):
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--count", type=int, default=600)
    args = ap.parse_args()

    brokers = os.environ.get("GW_TEST_KAFKA_BROKERS", "")
    run = "wh" + uuid.uuid4().hex[:8]
    tmp = tempfile.mkdtemp(prefix="gw-webhooks-")
    gw = None
    try:
        # Routing: the shipped catalogue with a run prefix on every topic. The "new" file adds
        # a first rule sending every 投诉 (complaint) to the command center.
        with open(os.path.join(args.repo, "config", "routes.yaml"), encoding="utf-8") as f:
            routes = f.read()
        routes = re.sub(r"(topic:\s*)([A-Za-z0-9._-]+)", lambda m: m.group(1) + run + "." + m.group(2),
                        routes)
        routes_path = os.path.join(tmp, "routes.yaml")
        with open(routes_path, "w", encoding="utf-8") as f:
            f.write(routes)
        new_routes = re.sub(r"\nroutes:\n",
                            "\nroutes:\n  - id: all-complaints-to-center\n"
                            "    match: {kind: 投诉}\n    to: command-center\n",
                            routes, count=1)
        if new_routes == routes:
            raise Failure("could not find the routes: list in config/routes.yaml")
        topics = re.findall(r"topic:\s*(" + run + r"\.[A-Za-z0-9._-]+)", routes)
        port = free_port()
        with open(os.path.join(tmp, "gateway.yaml"), "w", encoding="utf-8") as f:
            f.write(f"""version: 1
routing_file: {routes_path}
kafka:
  brokers: "{brokers}"
  group_id: {run}
  topic_partitions: 3
dead_letter_topic: {run}.dead-letter
updates_topic: {run}.updates
http:
  listen: 127.0.0.1:{port}
  admin_token: {TOKEN}
  request_timeout_ms: 10000
  senders:
    - {{id: {SENDER}, secret: {SECRET}, may_post: [hotline, grid]}}
inputs:
  - {{topic: {run}.hotline, format: hotline}}
""")
        gw = Gateway(args.gateway, os.path.join(tmp, "gateway.yaml"), tmp)
        m = gw.wait_for(r"Embedded Kafka \(librdkafka mock cluster\) at (\S+)|Webhooks and admin API on",
                        args.timeout)
        if not brokers:
            brokers = m.group(1) if m.group(1) else gw.wait_for(
                r"Embedded Kafka \(librdkafka mock cluster\) at (\S+)", 5).group(1)
        gw.wait_for(r"Consuming .* as group ", args.timeout)
        base = f"http://127.0.0.1:{port}"
        status, body = call(urllib.request.Request(base + "/healthz"))
        if status != 200:
            raise Failure(f"/healthz answered {status}")

        with open(os.path.join(args.repo, "tests", "reference-samples", "hotline-tickets.jsonl"),
                  encoding="utf-8") as f:
            samples = [json.loads(line) for line in f if line.strip()]

        accepted = {}  # case id -> appealType
        refused = []
        lock = threading.Lock()

        def post(i):
            t = dict(samples[i % len(samples)])
            t["ticketNo"] = f"{t['ticketNo']}-{run}-{i}"
            status, body = signed_post(base, "/v1/webhooks/hotline",
                                       json.dumps(t, ensure_ascii=False).encode())
            with lock:
                if status == 202:
                    accepted[json.loads(body)["caseId"]] = t.get("appealType")
                else:
                    refused.append((status, body[:200]))

        # Reloads while the posts run: a file change, SIGHUP, the admin API, a broken file.
        reload_log = []

        def reloads():
            time.sleep(0.5)
            with open(routes_path, "w", encoding="utf-8") as f:
                f.write(new_routes)  # the watcher notices within 2 s
            time.sleep(2.5)
            gw.proc.send_signal(signal.SIGHUP)
            time.sleep(0.5)
            reload_log.append(admin(base, "POST", "/admin/reload"))
            with open(routes_path, "w", encoding="utf-8") as f:
                f.write(new_routes.replace("to: command-center", "to: no-such-department", 1))
            reload_log.append(admin(base, "POST", "/admin/reload"))
            with open(routes_path, "w", encoding="utf-8") as f:
                f.write(new_routes)

        reloader = threading.Thread(target=reloads)
        t0 = time.monotonic()
        reloader.start()
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            for i in range(args.count):
                pool.submit(post, i)
                if i % 50 == 49:
                    time.sleep(0.25)  # spread the posts over the reloads
        reloader.join()
        log(f"posted {args.count} tickets in {time.monotonic() - t0:.1f} s: "
            f"{len(accepted)} accepted, {len(refused)} refused")
        if refused:
            raise Failure(f"refused: {refused[:3]}")
        if [s for s, _ in reload_log] != [200, 422]:
            raise Failure(f"admin reloads answered {[s for s, _ in reload_log]}, expected [200, 422]")
        problem = json.loads(reload_log[1][1])
        if not any("no-such-department" in e for e in problem.get("errors", [])):
            raise Failure(f"the failed reload does not name the error: {problem}")

        status, routes_body = admin(base, "GET", "/v1/routes")
        shown = json.loads(routes_body)
        if status != 200 or shown["rules"][0]["id"] != "all-complaints-to-center":
            raise Failure("GET /v1/routes does not show the reloaded rules")
        if shown["lastReload"]["result"] != "failed":
            raise Failure(f"lastReload should report the failed reload: {shown['lastReload']}")

        # Every accepted case on the department topics, exactly once as lead.
        reader = PythonReader(brokers)
        deadline = time.monotonic() + args.timeout
        while True:
            leads = {}
            for r in reader.read(topics):
                headers = dict((k, v.decode()) for k, v in r["headers"])
                if headers.get("case.role") == "lead":
                    leads.setdefault(r["key"].decode(), []).append(r["topic"])
            missing = [c for c in accepted if c not in leads]
            if not missing or time.monotonic() > deadline:
                break
            time.sleep(1)
        reader.close()
        if missing:
            raise Failure(f"{len(missing)} accepted cases are on no department topic, e.g. {missing[:3]}")
        twice = {c: t for c, t in leads.items() if c in accepted and len(t) > 1}
        if twice:
            raise Failure(f"{len(twice)} cases were routed twice, e.g. {list(twice.items())[:2]}")
        center = f"{run}.dept.command-center"
        by_new_rule = sum(1 for c, kind in accepted.items() if kind == "投诉" and leads[c][0] == center)
        log(f"all {len(accepted)} accepted cases found once as lead; {by_new_rule} complaints "
            f"routed by the reloaded rule")
        if by_new_rule == 0:
            raise Failure("no complaint was routed by the reloaded rule")

        status, text = admin(base, "GET", "/metrics")
        text = text.decode()
        for needle in ['gateway_config_reloads_total{result="ok"}',
                       'gateway_config_reloads_total{result="failed"} 1',
                       'gateway_inputs_total{source="hotline",via="http"} ' + str(args.count),
                       'gateway_http_requests_total{endpoint="/v1/webhooks/hotline",status="202"}',
                       "gateway_case_latency_seconds_count"]:
            if needle not in text:
                raise Failure(f"/metrics lacks {needle!r}")
        ok_reloads = int(re.search(r'gateway_config_reloads_total\{result="ok"\} (\d+)', text).group(1))
        if ok_reloads < 3:
            raise Failure(f"expected at least 3 successful reloads (file, SIGHUP, API), saw {ok_reloads}")

        rc, secs = gw.terminate(30)
        if rc != 0:
            raise Failure(f"SIGTERM: exit status {rc} after {secs:.1f} s")
        log(f"SIGTERM: exit 0 after {secs:.1f} s")
        print("webhooks_test: PASS")
        return 0
    except Failure as e:
        print(f"webhooks_test: FAIL: {e}")
        if gw is not None:
            print(gw.tail())
        return 1
    finally:
        if gw is not None:
            gw.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
