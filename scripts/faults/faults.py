#!/usr/bin/python3
"""Fault tests of the case gateway on a real Apache Kafka (issue 3, section 2).

Each scenario starts its own Kafka cluster (scripts/kafka.sh, own KAFKA_DIR and ports),
starts the gateway (`gateway run`), streams N inputs of both sources at a fixed rate, good
and ~10 % bad mixed, injects its faults mid-stream, waits until the gateway has committed
every input, then reads the department topics, the dead-letter topic and the input topics
from the beginning and accounts for every input: routed to its expected lead department
(and co-handlers), dead-lettered with the expected error.code, missing, duplicated.

    scripts/faults/faults.py all --count 3000 --out /tmp/faults.json
    scripts/faults/faults.py gateway-sigkill broker-kill            # 100000 inputs each

Scenarios:
  gateway-sigkill   one instance; SIGKILL at three random points mid-stream, restart each time
  broker-kill       3 brokers (RF 3, min.insync.replicas 2); SIGKILL one, later restart it
  scale-out-clean   a second instance joins mid-stream and later leaves with SIGTERM
  scale-out-kill    the same, but the second instance leaves by SIGKILL

Exit status: 0 when every scenario accounted for every input (duplicates are allowed:
at-least-once, counted), 1 when an input is missing, misrouted or another check failed,
2 for bad arguments. See README.md in this folder.
"""

from __future__ import annotations

import argparse
import bisect
import copy
import datetime
import hashlib
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import yaml  # noqa: E402  (Debian's python3-yaml)

from accounting import Tally  # noqa: E402
from inputs import learn_expectations, load_templates, plan_inputs  # noqa: E402
from kafka_io import GroupWatcher, PacedProducer, TopicReader, broker_roles, group_lag  # noqa: E402
from procs import GatewayInstance, KafkaCluster  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
FULL_COUNT = 100_000
SCENARIOS = ["gateway-sigkill", "broker-kill", "scale-out-clean", "scale-out-kill"]
BROKERS = {"gateway-sigkill": 1, "broker-kill": 3, "scale-out-clean": 1, "scale-out-kill": 1}
# session.timeout.ms of the gateway's consumer. Where an instance is SIGKILLed, 6 s (the
# broker's group.min.session.timeout.ms), so that its partitions go to the next member
# within seconds rather than after librdkafka's default 45 s. Elsewhere the gateway's
# default: with 6 s, killing a broker made the gateway lose its partitions (its heartbeats
# went unanswered for over 6 s while the cluster fenced the dead broker; see README.md).
SESSION_TIMEOUT_MS = {"gateway-sigkill": 6000, "broker-kill": None, "scale-out-clean": None,
                      "scale-out-kill": 6000}


def log(msg: str) -> None:
    print(msg, flush=True)


# ------------------------------------------------------------------------- set-up helpers

def private_gateway(requested: str | None) -> str:
    """The gateway binary to run. build/ is rebuilt by others while we run, so a copy of
    build/gateway/app/gateway is taken once, to /tmp/faults-gateway (via a temporary name
    and a rename, so a copy in use is never overwritten in place)."""
    if requested:
        return os.path.abspath(requested)
    built = os.path.join(REPO, "build", "gateway", "app", "gateway")
    private = "/tmp/faults-gateway"
    if os.path.exists(built):
        tmp = f"{private}.{os.getpid()}"
        shutil.copy2(built, tmp)
        ok = subprocess.run([tmp, "--help"], capture_output=True).returncode == 0
        if ok:
            os.replace(tmp, private)
        else:  # caught mid-link: keep the previous copy
            os.unlink(tmp)
            log(f"warning: {built} does not run (being rebuilt?); using the previous copy")
    if not os.path.exists(private):
        sys.exit(f"no gateway binary: build it, or pass --gateway PATH")
    return private


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_shipped() -> tuple[dict, dict]:
    with open(os.path.join(REPO, "config", "gateway.yaml"), encoding="utf-8") as f:
        gateway = yaml.safe_load(f)
    with open(os.path.join(REPO, "config", "routes.yaml"), encoding="utf-8") as f:
        routes = yaml.safe_load(f)
    return gateway, routes


def write_gateway_config(path: str, shipped: dict, routes_path: str, brokers: str,
                         group: str, replication: int, client_id: str,
                         session_timeout_ms: int | None = None) -> None:
    """The shipped gateway.yaml with this run's Kafka settings."""
    cfg = copy.deepcopy(shipped)
    cfg["routing_file"] = routes_path
    # The lifecycle's files are relative to config/; the copy lives elsewhere.
    lifecycle = cfg.get("lifecycle")
    if lifecycle is not None:
        for key, default in (("sla_file", "sla.yaml"), ("calendars", "calendars")):
            lifecycle[key] = os.path.join(REPO, "config", lifecycle.get(key) or default)
    kafka = cfg.setdefault("kafka", {})
    kafka["brokers"] = brokers
    kafka["group_id"] = group
    kafka["topic_partitions"] = 6
    kafka["replication_factor"] = replication
    kafka["properties"] = dict(kafka.get("properties") or {}, **{"client.id": client_id})
    if session_timeout_ms:
        kafka["consumer_properties"] = dict(
            kafka.get("consumer_properties") or {},
            **{"session.timeout.ms": session_timeout_ms,
               "heartbeat.interval.ms": max(100, min(3000, session_timeout_ms // 6))})
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(cfg, f, allow_unicode=True, sort_keys=False)


# ------------------------------------------------------------------------- one scenario

class Run:
    """State of one scenario run; the fault functions below drive it."""

    def __init__(self, name: str, args, index: int, templates, gateway_bin: str,
                 shipped: dict, routes: dict, routes_path: str):
        self.name = name
        self.args = args
        self.rng = random.Random(f"{args.seed}-{name}")
        self.run_id = "".join(self.rng.choice(string.ascii_lowercase + string.digits)
                              for _ in range(6))
        self.count = args.count
        self.rate = args.rate or self.count / args.duration
        self.workdir = tempfile.mkdtemp(prefix=f"faults-{name}-", dir=args.workdir)
        self.kafka_dir = os.path.join(args.kafka_root, f"faults-kafka-{name}")
        self.brokers = BROKERS[name]
        self.cluster = KafkaCluster(REPO, self.kafka_dir, self.brokers,
                                    args.port_base + 10 * index,
                                    os.path.join(self.workdir, "kafka.sh.log"))
        self.gateway_bin = gateway_bin
        self.shipped = shipped
        self.routes_path = routes_path
        self.group = f"faults-{name}-{self.run_id}"
        self.session_timeout_ms = (args.session_timeout_ms if args.session_timeout_ms
                                   else SESSION_TIMEOUT_MS[name])
        self.input_topics = [i["topic"] for i in shipped["inputs"]]
        self.dead_letter_topic = shipped.get("dead_letter_topic", "gateway.dead-letter")
        self.department_topics = [d["topic"] for d in routes["departments"]]
        self.plan = plan_inputs(templates, self.count, self.run_id, self.rng.random(),
                                args.bad_fraction, args.legacy_fraction)
        self.instances: dict[str, GatewayInstance] = {}
        self.producer: PacedProducer | None = None
        self.watcher: GroupWatcher | None = None
        self.events: list[dict] = []
        self.notes: list[str] = []
        self.t0 = time.time()  # reset when the stream starts
        self.overlap_from: float | None = None  # scale-out: both instances hold partitions
        self.overlap_to: float | None = None

    # --- helpers for fault functions

    def event(self, what: str, **extra) -> None:
        e = {"t": round(time.time() - self.t0, 2),
             "submitted": self.producer.submitted if self.producer else 0, "event": what}
        e.update(extra)
        self.events.append(e)
        when = f"{e['t']:6.1f}s" if self.producer else "  set-up"
        log(f"  [{self.name} {when}  input {e['submitted']:>6}/{self.count}] {what}")

    def gateway(self, name: str) -> GatewayInstance:
        if name not in self.instances:
            cfg = os.path.join(self.workdir, f"gateway-{name}.yaml")
            write_gateway_config(cfg, self.shipped, self.routes_path, self.cluster.bootstrap,
                                 self.group, 3 if self.brokers >= 3 else 1, f"faults-{name}",
                                 self.session_timeout_ms)
            self.instances[name] = GatewayInstance(name, self.gateway_bin, cfg, self.workdir)
        return self.instances[name]

    def wait_input(self, fraction: float) -> None:
        """Waits until `fraction` of the inputs have been handed to the producer."""
        target = int(self.count * fraction)
        while self.producer.submitted < target and self.producer.is_alive():
            time.sleep(0.02)

    def wait_assigned(self, gw: GatewayInstance, timeout: float = 60) -> None:
        waited = gw.wait_assigned(timeout)
        if waited is None:
            raise RuntimeError(f"{gw.name} got no partitions within {timeout:.0f} s "
                               f"(see {gw.log_path})")
        self.event(f"{gw.name} (start {gw.incarnation}) holds partitions")


# ------------------------------------------------------------------------- fault functions
# Each runs in the main thread while the producer streams; it returns once its faults are
# done (the stream may go on).

def fault_gateway_sigkill(run: Run) -> None:
    gw = run.instances["gw1"]
    # Three points, as fractions of the stream, at least 25 % apart: a restarted instance
    # needs about 6 s (the session timeout of the killed one) before it holds partitions.
    while True:
        points = sorted(run.rng.uniform(0.08, 0.92) for _ in range(3))
        if all(b - a >= 0.25 for a, b in zip(points, points[1:])):
            break
    for p in points:
        run.wait_input(p)
        # Kill an instance that is consuming: if it holds no partitions yet (still joining
        # after the previous kill), wait until it does, and a second more.
        if not gw.assigned_partitions():
            run.wait_assigned(gw)
            time.sleep(1)
        run.event(f"SIGKILL gw1 (start {gw.incarnation}, pid {gw.proc.pid}) at planned "
                  f"{p:.0%} of the stream")
        gw.kill()
        time.sleep(run.rng.uniform(0.2, 1.5))
        gw.start()
        run.event(f"restarted gw1 (start {gw.incarnation}, pid {gw.proc.pid})")
    run.wait_assigned(gw, timeout=90)


def fault_broker_kill(run: Run) -> None:
    node = run.args.broker or run.rng.randint(1, run.brokers)
    run.wait_input(0.20)
    try:
        role = broker_roles(run.cluster.bootstrap, run.group,
                            run.input_topics + run.department_topics + [run.dead_letter_topic]
                            ).get(node, {})
        what = (f"{'the group coordinator, ' if role.get('coordinator') else ''}"
                f"leader of {role.get('leads', 0)} partitions of the gateway's topics")
    except Exception as e:
        what = f"role unknown: {e!r}"
    run.event(f"kill-broker {node} (SIGKILL; {what})")
    run.cluster.kill_broker(node)
    run.event(f"broker {node} killed")
    run.wait_input(0.40)
    run.event(f"start-broker {node}")
    run.cluster.start_broker(node)  # blocks until it serves (11-15 s); the stream goes on
    run.event(f"broker {node} serving again")


def fault_scale_out(run: Run, kill: bool) -> None:
    gw2 = run.gateway("gw2")
    run.wait_input(0.20)
    gw2.start()
    run.event(f"gw2 starts (pid {gw2.proc.pid}), joins group {run.group}")
    run.wait_assigned(gw2)
    run.overlap_from = time.time()
    run.wait_input(0.80)
    # Both must run together for a while (the gateway commits every 5 s), even if the
    # join was slow.
    while time.time() - run.overlap_from < 8:
        time.sleep(0.1)
    run.overlap_to = time.time()
    if kill:
        run.event(f"SIGKILL gw2 (pid {gw2.proc.pid})")
        gw2.kill()
    else:
        run.event(f"SIGTERM gw2 (pid {gw2.proc.pid})")
        rc, took = gw2.terminate(timeout=60)
        run.event(f"gw2 exited with {rc} after {took:.1f} s")
        if rc != 0:
            run.notes.append(f"gw2 exited with {rc} after SIGTERM (expected 0)")


FAULTS = {
    "gateway-sigkill": fault_gateway_sigkill,
    "broker-kill": fault_broker_kill,
    "scale-out-clean": lambda run: fault_scale_out(run, kill=False),
    "scale-out-kill": lambda run: fault_scale_out(run, kill=True),
}


# ------------------------------------------------------------------------- the work spread

def group_label(run: Run, group: str) -> str:
    """`intake` for the gateway's group (input topics), the suffix for `group.<stage>`."""
    return "intake" if group == run.group else group[len(run.group) + 1:]


def work_spread(run: Run, tally: Tally) -> dict | None:
    """Who did what while both instances ran (scale-out scenarios), per consumer group of
    the gateway, from the group samples (about one a second):
    - partitions: per member, in the last sample where both held partitions;
    - committed: records committed per member (each increase of a partition's committed
      offset between two samples counts for the member that held the partition in both
      samples; the gateway commits every 5 s, auto.commit.interval.ms);
    - arrived_inputs (intake only): inputs that arrived during the overlap, per member
      holding their partition at the time (the producer's timestamp)."""
    if run.overlap_from is None or run.overlap_to is None or not run.watcher:
        return None
    window = [s for s in run.watcher.samples if run.overlap_from <= s["t"] <= run.overlap_to]
    out = {"seconds": round(run.overlap_to - run.overlap_from, 1), "samples": len(window),
           "groups": {}}
    if len(window) < 2:
        return out
    for group in sorted({g for s in window for g in s["groups"]}):
        samples = [(s["t"], s["groups"][group]) for s in window if group in s["groups"]]
        owners = [{tp: m for m, tps in g["members"].items() for tp in tps} for _, g in samples]
        committed: dict[str, int] = {}
        unattributed = 0
        for k in range(1, len(samples)):
            a, b = samples[k - 1][1], samples[k][1]
            for tp, off in b["committed"].items():
                delta = off - a["committed"].get(tp, off)
                if delta <= 0:
                    continue
                owner = owners[k - 1].get(tp)
                if owner and owner == owners[k].get(tp):
                    committed[owner] = committed.get(owner, 0) + delta
                else:
                    unattributed += delta
        both = [g for _, g in samples if sum(1 for tps in g["members"].values() if tps) >= 2]
        entry = {"partitions": ({m: len(tps) for m, tps in sorted(both[-1]["members"].items())}
                                if both else {}),
                 "committed": committed, "unattributed_commits": unattributed}
        if group == run.group:
            times = [t for t, _ in samples]
            arrived: dict[str, int] = {}
            for seq in range(len(run.plan)):
                t = tally.input_time_ms[seq] / 1000
                if times[0] <= t <= times[-1]:
                    k = bisect.bisect_right(times, t) - 1
                    owner = owners[k].get((run.plan.template(seq).topic,
                                           tally.input_partition[seq]))
                    if owner:
                        arrived[owner] = arrived.get(owner, 0) + 1
            entry["arrived_inputs"] = arrived
        out["groups"][group_label(run, group)] = entry
    return out


def group_timeline(run: Run) -> list:
    """The group samples in short: [seconds since the stream started, {group label: [state,
    {member client.id: partitions}, records committed so far]}]."""
    if not run.watcher:
        return []
    return [[round(s["t"] - run.t0, 1),
             {group_label(run, g): [d["state"],
                                    {m: len(tps) for m, tps in sorted(d["members"].items())},
                                    sum(d["committed"].values())]
              for g, d in sorted(s["groups"].items())}]
            for s in run.watcher.samples]


# ------------------------------------------------------------------------- scenario driver

def run_scenario(name: str, index: int, args, templates, gateway_bin, shipped, routes,
                 routes_path) -> dict:
    run = Run(name, args, index, templates, gateway_bin, shipped, routes, routes_path)
    log(f"== {name}: {run.count} inputs at {run.rate:.0f}/s, {run.brokers} broker(s), "
        f"run {run.run_id}, files in {run.workdir}")
    result = {"scenario": name, "count": run.count, "rate": round(run.rate, 1),
              "session_timeout_ms": run.session_timeout_ms,
              "brokers": run.brokers, "run_id": run.run_id, "workdir": run.workdir,
              "kafka_dir": run.kafka_dir, "group": run.group}
    failures: list[str] = []
    t_setup = time.time()
    readers: list[TopicReader] = []
    try:
        bootstrap = run.cluster.start()
        result["bootstrap"] = bootstrap
        result["cluster_start_s"] = round(time.time() - t_setup, 1)
        run.notes.extend(run.cluster.retries)
        gw1 = run.gateway("gw1")
        gw1.start()
        # The gateway creates its topics (6 partitions, the configured replication), then
        # joins the group: produce only once it holds partitions, so that no input topic
        # is auto-created by the broker with 1 partition first.
        run.wait_assigned(gw1)
        run.watcher = GroupWatcher(bootstrap, run.group)
        run.watcher.start()

        run.producer = PacedProducer(bootstrap, run.plan, run.rate)
        run.t0 = time.time()
        run.producer.start()
        run.event("stream starts")
        FAULTS[name](run)
        run.producer.join()
        if run.producer.error:
            raise RuntimeError(f"producer failed: {run.producer.error!r}")
        stream_s = run.producer.submitted_all_at - run.t0
        run.event(f"stream done: {run.producer.acked_count} inputs acknowledged "
                  f"({run.producer.resends} sent again by the driver)")

        # Wait until every input is accounted for and the group has committed every input.
        tally = Tally(run.plan, run.department_topics, run.dead_letter_topic, run.input_topics)
        out_reader = TopicReader(bootstrap, run.department_topics + [run.dead_letter_topic],
                                 tally.on_output, "outputs")
        readers.append(out_reader)
        deadline = time.time() + args.timeout
        lag = left = None
        while True:
            try:
                lags = group_lag(bootstrap, run.group, run.input_topics)
                lag = sum(lags.values())
            except Exception as e:  # a transient admin error: try again
                lags, lag = {}, None
                run.notes.append(f"lag check failed once: {e!r}")
            out_reader.catch_up()
            left = tally.outstanding(run.producer.acked)
            if lag == 0 and left == 0:
                break
            if not any(g.running for g in run.instances.values()):
                failures.append("no gateway instance is running (crashed?)")
                break
            if time.time() > deadline:
                failures.append(f"timeout after {args.timeout:.0f} s: group lag {lags}, "
                                f"{left} inputs not accounted for")
                break
            time.sleep(1)
        accounted_at = time.time()
        run.event(f"accounted: uncommitted records {lag} (groups "
                  f"{', '.join(group_label(run, g) for g in lags) or '?'}), "
                  f"{left} inputs outstanding")
        run.watcher.close()

        # Clean stop of whatever still runs, then a last read (a stop must not add records).
        for g in run.instances.values():
            if g.running:
                rc, took = g.terminate(timeout=60)
                run.event(f"SIGTERM {g.name}: exit {rc} after {took:.1f} s")
                if rc != 0:
                    run.notes.append(f"{g.name} exited with {rc} after SIGTERM (expected 0)")
        out_reader.catch_up()
        in_reader = TopicReader(bootstrap, run.input_topics, tally.on_input, "inputs")
        readers.append(in_reader)
        in_reader.catch_up()

        summary = tally.summary(run.producer.acked)
        result.update({
            "sent": summary["sent"], "routed": summary["routed"],
            "dead_lettered": summary["dead_lettered"], "missing": summary["missing"],
            "duplicated": summary["duplicated"],
            "elapsed_s": round(accounted_at - run.t0, 1), "stream_s": round(stream_s, 1),
            "drain_s": round(accounted_at - run.producer.finished_at, 1),
            "driver_resends": run.producer.resends, "details": summary,
        })
        for key, what in (("missing", "inputs missing"), ("misrouted", "inputs misrouted"),
                          ("co_copy_missing", "inputs without a co-handler copy"),
                          ("wrong_error_code", "dead letters with an unexpected error.code"),
                          ("not_sent", "inputs never acknowledged by Kafka"),
                          ("unexpected_records", "records that are no input of this run"),
                          ("dead_source_topic_wrong", "dead letters with a wrong source.topic")):
            if summary[key]:
                failures.append(f"{summary[key]} {what}")
        spread = work_spread(run, tally)
        if spread is not None:
            result["work_spread"] = spread
            for label, g in spread["groups"].items() or {"intake": {}}.items():
                if sum(1 for n in g.get("committed", {}).values() if n > 0) < 2:
                    failures.append(f"the work did not spread across both instances "
                                    f"(group {label})")
    except Exception as e:
        failures.append(f"driver error: {e!r}")
        traceback.print_exc()
    finally:
        if run.producer and run.producer.is_alive():
            run.producer.stop_flag.set()
            run.producer.join(30)
        if run.watcher and run.watcher.is_alive():
            run.watcher.close()
        for r in readers:
            try:
                r.close()
            except Exception:
                pass
        for g in run.instances.values():
            if g.running:
                g.kill()
        try:
            run.cluster.teardown()
        except Exception as e:
            failures.append(f"stopping Kafka: {e}")
        if not args.keep_data:
            run.cluster.remove_data()
    result["events"] = run.events
    result["instances"] = {n: g.history for n, g in run.instances.items()}
    result["group_timeline"] = group_timeline(run)
    result["notes"] = run.notes
    result["failures"] = failures
    result["ok"] = not failures
    result["total_s"] = round(time.time() - t_setup, 1)
    log(f"== {name}: {'OK' if result['ok'] else 'FAILED: ' + '; '.join(failures)}")
    return result


# ------------------------------------------------------------------------- report

HEADER = ("| scenario | inputs | sent | routed | dead-lettered | missing | duplicated | "
          "elapsed s | result |\n|---|---:|---:|---:|---:|---:|---:|---:|---|")


def table_row(r: dict) -> str:
    def g(k):
        return r.get(k, "-")
    return (f"| {r['scenario']} | {r['count']} | {g('sent')} | {g('routed')} | "
            f"{g('dead_lettered')} | {g('missing')} | {g('duplicated')} | {g('elapsed_s')} | "
            f"{'ok' if r['ok'] else 'FAILED'} |")


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="scenarios: " + ", ".join(SCENARIOS) + ", or all")
    ap.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                    help="scenario names, or 'all'")
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--count", type=int, help=f"inputs per scenario (default {FULL_COUNT})")
    size.add_argument("--scale", type=float,
                      help=f"inputs per scenario as a fraction of {FULL_COUNT} (e.g. 0.03)")
    ap.add_argument("--rate", type=float,
                    help="inputs per second (default: count / --duration)")
    ap.add_argument("--duration", type=float,
                    help="seconds the stream should last (default: max(25, count/2500))")
    ap.add_argument("--timeout", type=float,
                    help="seconds to wait after the stream until every input is accounted for "
                         "(default: 120 + count/500)")
    ap.add_argument("--bad-fraction", type=float, default=0.10,
                    help="share of bad inputs (default 0.10)")
    ap.add_argument("--legacy-fraction", type=float, default=0.01,
                    help="GB18030 tickets on hotline.legacy")
    ap.add_argument("--gateway", help="gateway binary (default: a private copy of "
                                      "build/gateway/app/gateway at /tmp/faults-gateway)")
    ap.add_argument("--out", help="write the results as JSON to this file")
    ap.add_argument("--seed", type=int, help="random seed (default: from the clock)")
    ap.add_argument("--port-base", type=int, default=29092,
                    help="first scenario's Kafka port base; each next one +10 (default 29092)")
    ap.add_argument("--kafka-root", default="/tmp",
                    help="KAFKA_DIR of a scenario is KAFKA_ROOT/faults-kafka-<scenario>")
    ap.add_argument("--workdir", default=None,
                    help="where per-scenario folders (configs, gateway logs) go (default /tmp)")
    ap.add_argument("--session-timeout-ms", type=int,
                    help="the gateway consumer's session.timeout.ms in every scenario "
                         "(default: 6000 where an instance is SIGKILLed, else the gateway's)")
    ap.add_argument("--broker", type=int, choices=[1, 2, 3],
                    help="broker-kill: the node to kill (default: a random one)")
    ap.add_argument("--keep-data", action="store_true",
                    help="keep the brokers' data after the run (default: delete, keep logs)")
    args = ap.parse_args()

    names = SCENARIOS if args.scenarios == ["all"] else args.scenarios
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        ap.error(f"unknown scenario {', '.join(unknown)}; known: {', '.join(SCENARIOS)}, all")
    args.count = args.count or (round(FULL_COUNT * args.scale) if args.scale else FULL_COUNT)
    if args.count < 100:
        ap.error("--count must be at least 100")
    args.duration = args.duration or max(25.0, args.count / 2500)
    args.timeout = args.timeout or 120 + args.count / 500
    args.seed = args.seed if args.seed is not None else int(time.time())

    gateway_bin = private_gateway(args.gateway)
    shipped, routes = load_shipped()
    # Snapshot of the routing file: the same rules for `explain` and for every run.
    snap = tempfile.mkdtemp(prefix="faults-config-", dir=args.workdir)
    routes_path = os.path.join(snap, "routes.yaml")
    shutil.copy2(os.path.join(REPO, "config", "routes.yaml"), routes_path)
    explain_cfg = os.path.join(snap, "gateway.yaml")
    write_gateway_config(explain_cfg, shipped, routes_path, "", "faults-explain", 1,
                         "faults-explain")
    charsets = {i["topic"]: i.get("charset", "utf-8") for i in shipped["inputs"]}
    templates = load_templates(os.path.join(REPO, "config", "samples"), charsets)
    learn_expectations(templates, gateway_bin, explain_cfg, "explain")
    good = sum(t.good for t in templates)
    log(f"gateway {gateway_bin} (sha256 {sha256(gateway_bin)[:12]}); {len(templates)} templates "
        f"({good} good, {len(templates) - good} bad) learnt with `gateway explain`; seed "
        f"{args.seed}")

    results = []
    for i, name in enumerate(names):
        results.append(run_scenario(name, SCENARIOS.index(name), args, templates, gateway_bin,
                                    shipped, routes, routes_path))

    doc = {"generated": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
           "command": " ".join(sys.argv), "count": args.count, "seed": args.seed,
           "gateway": gateway_bin, "gateway_sha256": sha256(gateway_bin),
           "templates": [{"name": t.name, "topic": t.topic, "good": t.good,
                          "lead_topic": t.lead_topic, "co_topics": list(t.co_topics),
                          "error_code": t.error_code} for t in templates],
           "scenarios": results}
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=2)
    print()
    print(HEADER)
    for r in results:
        print(table_row(r))
    for r in results:
        for f in r["failures"]:
            print(f"{r['scenario']}: FAILED: {f}")
        for n in r["notes"]:
            print(f"{r['scenario']}: note: {n}")
        if "work_spread" in r:
            print(f"{r['scenario']}: work while both ran: {json.dumps(r['work_spread'])}")
    if args.out:
        print(f"results: {args.out}")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
