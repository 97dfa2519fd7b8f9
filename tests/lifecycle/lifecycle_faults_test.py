#!/usr/bin/python3
"""SLA timers under faults on the real broker (issue 5, section 5): every breach fires after a
SIGKILL and a restart, and after a takeover by another instance.

  lifecycle_faults_test.py --gateway BUILD/gateway/app/gateway --repo REPO_ROOT
                           [--scenario restart|takeover|both] [--count 30] [--fire-bound 45]
                           [--routing-only] [--keep]

Each scenario writes its own gateway.yaml (a lifecycle section, a sla.yaml whose sign-for
limit is 1 natural minute, the shipped calendars, topics and consumer group unique to the run)
and produces 12345 tickets, each with its own ticketNo, whose Kafka record timestamps (the
case's received_at, where its clocks start) are backdated so that every sign-for deadline
falls 15 to 40 s after the produce.

1. restart: one instance routes every case, is killed with SIGKILL while every deadline is
   still pending, and is started again once every deadline has passed.
2. takeover: two instances in one consumer group share the internal topic's partitions; once
   every case is routed, the one holding more cases is killed with SIGKILL; the survivor
   takes its partitions over, rebuilds their timers and fires their breaches.

Either way, within --fire-bound seconds of the last deadline (or of the restart), every case
must have exactly one distinct `breached` sign_for event id on the case-events topic (keyed by
case id) and the same one on the supervision topic. Repeats of an id are allowed (a timer fired
again after a crash carries the same id) and reported; a case without a breach, two ids for
one breach, an event before its due or with another due fail the test.

--routing-only leaves the lifecycle section out and checks everything but the breaches: for a
gateway without the lifecycle, to try the test itself.

Kafka: GW_TEST_KAFKA_BROKERS, a real broker (scripts/test.sh starts one; scripts/kafka.sh
status shows it). The embedded mock cluster dies with the gateway, so it cannot serve here.

Output never carries callers' names or phones: cases are named by case id only.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients"))
from clients_test import (Failure, Gateway, PythonReader, delete_topics, header,  # noqa: E402
                          scrub, write_routes)

PARTITIONS = 6               # kafka.topic_partitions: the internal and state topics' partitions
SIGN_FOR_LIMIT_MS = 60_000   # sla.yaml: sign_for 1 natural minute
STARTUP_S = 90.0             # start-up, group joins (generous: 2 shared cores)
ASSIGNED_RE = re.compile(r"\bpartition (\d+) assigned\b")  # "routing: partition 3 assigned; ..."
EVENT_ID_RE = re.compile(r"^EV-[0-9a-f]{32}$")
CHINA = datetime.timezone(datetime.timedelta(hours=8))


def log(msg):
    print(f"lifecycle_test: {msg}", flush=True)


def now_ms():
    return int(time.time() * 1000)


def show(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, CHINA).isoformat(timespec="milliseconds")


def parse_time(text):
    try:
        return int(datetime.datetime.fromisoformat(text).timestamp() * 1000)
    except (TypeError, ValueError):
        return None


def sleep_until(ms):
    while True:
        left = ms - now_ms()
        if left <= 0:
            return
        time.sleep(min(left / 1000, 1.0))


# ------------------------------------------------------------------ gateway instances


class Instance(Gateway):
    """`gateway run` in a folder of its own (its log is there), with GW_TEST_INSTANCE=name in
    its environment: gateway.yaml names the consumers' client.id after it, so the group
    description tells which instance holds which partition."""

    def __init__(self, name, binary, config, workdir):  # pylint: disable=super-init-not-called
        os.makedirs(workdir, exist_ok=True)
        self.name = name
        self.log_path = os.path.join(workdir, "gateway.log")
        self.lines = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen([binary, "--config", config, "run"], cwd=workdir,
                                     env=dict(os.environ, GW_TEST_INSTANCE=name),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def mark(self):
        with self.cond:
            return len(self.lines)

    def assigned(self, since=0):
        """The internal-topic partitions whose assignment it logged after line `since`."""
        with self.cond:
            return {int(m.group(1)) for line in self.lines[since:]
                    for m in [ASSIGNED_RE.search(line)] if m}

    def sigkill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self.reader.join(5)

    def alive(self):
        return self.proc.poll() is None


# ------------------------------------------------------------------ one scenario's setup


SLA_YAML = """# Written by tests/lifecycle/lifecycle_faults_test.py: a sign-for limit short enough to
# breach during the test; the resolve limit runs out long after it.
version: 1
warnings: []
escalation: []
stages:
  sign_for:
    limit: {amount: 1, unit: natural_minutes}
  resolve:
    limit: {amount: 10, unit: natural_minutes}
"""


class Setup:
    """Configuration, topics and consumer group of one scenario, unique to the run."""

    def __init__(self, ctx, name):
        self.ctx = ctx
        self.name = name
        self.dir = os.path.join(ctx.tmp, name)
        os.makedirs(self.dir)
        prefix = f"lc-{ctx.run}-{name}."
        self.routes, self.dept_topics = write_routes(ctx.repo, self.dir, prefix)
        self.group = f"lc-{ctx.run}-{name}"
        self.routing_group = self.group + ".routing"
        self.input = prefix + "hotline.tickets"
        self.dead = prefix + "dead-letter"
        self.internal = prefix + "cases"
        self.state = prefix + "case-state"
        self.updates = prefix + "case-updates"
        self.events = prefix + "case-events"
        self.supervision = prefix + "case-supervision"
        self.instances = []

        lifecycle = ""
        if not ctx.routing_only:
            with open(os.path.join(self.dir, "sla.yaml"), "w", encoding="utf-8") as f:
                f.write(SLA_YAML)
            calendars = os.path.join(self.dir, "calendars")
            os.makedirs(calendars)
            src = os.path.join(ctx.repo, "config", "calendars")
            for n in sorted(os.listdir(src)):
                if n.endswith((".yaml", ".yml")):
                    shutil.copy(os.path.join(src, n), calendars)
            lifecycle = f"""lifecycle:
  sla_file: sla.yaml
  calendars: calendars
  events_topic: {json.dumps(self.events)}
  supervision_topic: {json.dumps(self.supervision)}
  max_returns: 2
"""
        self.config = os.path.join(self.dir, "gateway.yaml")
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(f"""# Written by tests/lifecycle/lifecycle_faults_test.py
version: 1
routing_file: {json.dumps(self.routes)}
log_level: info
kafka:
  brokers: {json.dumps(ctx.brokers)}
  group_id: {json.dumps(self.group)}
  topic_partitions: {PARTITIONS}
  replication_factor: 1
  consumer_properties:
    client.id: "lifecycle-test-${{GW_TEST_INSTANCE}}"
    session.timeout.ms: 6000        # a dead instance leaves the group within 6 s
    heartbeat.interval.ms: 1000
dead_letter_topic: {json.dumps(self.dead)}
internal_topic: {json.dumps(self.internal)}
state_topic: {json.dumps(self.state)}
updates_topic: {json.dumps(self.updates)}
{lifecycle}inputs:
  - {{topic: {json.dumps(self.input)}, format: hotline}}
""")
        r = subprocess.run([ctx.gateway, "--config", self.config, "check-config"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60,
                           env=dict(os.environ, GW_TEST_INSTANCE="check"))
        out = scrub(r.stdout.decode("utf-8", "replace"))
        if r.returncode != 0:
            if 'unknown key "lifecycle"' in out:
                raise Failure("this gateway does not know gateway.yaml's lifecycle section yet "
                              "(docs/lifecycle.md, 'What is built'); --routing-only runs the "
                              f"rest of the test. check-config said:\n{out[:2000]}")
            raise Failure(f"gateway check-config refuses {self.config}:\n{out[:2000]}")

    def start(self, name):
        inst = Instance(name, self.ctx.gateway, self.config,
                        os.path.join(self.dir, f"{name}-{len(self.instances)}"))
        self.instances.append(inst)
        return inst

    def topics(self):
        return [self.input, self.dead, self.internal, self.state, self.updates, self.events,
                self.supervision] + self.dept_topics

    def tails(self):
        out = []
        for inst in self.instances:
            state = "running" if inst.alive() else f"exited {inst.proc.returncode}"
            out.append(f"--- {self.name}: last lines of instance {inst.name} ({state}, "
                       f"{inst.log_path}):\n{inst.tail(40)}")
        return "\n".join(out) + "\n---"


# ------------------------------------------------------------------ tickets


class Ticket:
    def __init__(self, ref, value, ts_ms):
        self.ref = ref                            # its ticketNo, unique to the run
        self.value = value
        self.ts_ms = ts_ms                        # the record timestamp: received_at
        self.due_ms = ts_ms + SIGN_FOR_LIMIT_MS   # the sign-for deadline
        self.case_id = None                       # learnt from its department topic
        self.partition = None                     # its internal (and state) topic partition
        self.dept = None

    def __str__(self):
        return f"{self.case_id} (partition {self.partition}, due {show(self.due_ms)})"


def produce_tickets(ctx, setup, count, first_s, last_s):
    """Produces `count` tickets whose sign-for deadlines fall first_s..last_s seconds from
    now, spread evenly. Returns them once the broker has acknowledged every one."""
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=ctx.brokers, acks="all", retries=10,
                             client_id="lifecycle-test", linger_ms=5)
    try:
        producer.partitions_for(setup.input)  # connected, metadata known: t0 is the produce
        t0 = now_ms()
        tickets = []
        for i in range(count):
            t = dict(ctx.samples[i % len(ctx.samples)])
            ref = f"{t['ticketNo']}-{ctx.run}-{setup.name[0]}{i:03d}"
            t["ticketNo"] = ref
            due = t0 + int((first_s + (last_s - first_s) * i / max(1, count - 1)) * 1000)
            tickets.append(Ticket(ref, json.dumps(t, ensure_ascii=False).encode(),
                                  due - SIGN_FOR_LIMIT_MS))
        futures = [(t, producer.send(setup.input, key=t.ref.encode(), value=t.value,
                                     timestamp_ms=t.ts_ms)) for t in tickets]
        producer.flush(60)
        for t, fut in futures:
            md = fut.get(timeout=60)
            if md.timestamp != t.ts_ms:
                raise Failure(f"{setup.input} keeps timestamp {md.timestamp} instead of the "
                              f"producer's {t.ts_ms} (LogAppendTime?): the test cannot backdate")
    finally:
        producer.close(10)
    log(f"{setup.name}: produced {count} tickets in {(now_ms() - t0) / 1000:.1f} s; sign-for "
        f"deadlines {show(tickets[0].due_ms)} .. {show(tickets[-1].due_ms)}")
    return tickets, t0


def wait_routed(reader, setup, tickets, until_ms):
    """Waits until every ticket's case is on its department topic as lead and in the state
    topic; learns case ids and partitions, and checks receivedAt is the record timestamp."""
    while True:
        records = reader.read(setup.dept_topics + [setup.state, setup.dead])
        dead = [r for r in records if r["topic"] == setup.dead]
        if dead:
            raise Failure(f"{len(dead)} tickets were dead-lettered, e.g. error.code "
                          f"{header(dead[0], 'error.code')}: {header(dead[0], 'error.reason')}")
        leads = {}
        state = {}
        for r in records:
            if r["topic"] == setup.state:
                if r["key"] is not None:
                    key = r["key"].decode("utf-8", "replace")
                    if r["value"] is None:
                        state.pop(key, None)
                    else:
                        state[key] = r["partition"]
            elif header(r, "case.role") == "lead":
                case = json.loads(r["value"].decode("utf-8"))
                leads.setdefault(case.get("sourceRef"), []).append((r["topic"], case))
        missing = []
        for t in tickets:
            found = leads.get(t.ref)
            if not found or found[0][1].get("caseId") not in state:
                missing.append(t)
                continue
            topic, case = found[0]
            t.case_id, t.dept, t.partition = case["caseId"], topic, state[case["caseId"]]
            received = parse_time(case.get("receivedAt"))
            if received != t.ts_ms:
                raise Failure(f"case {t.case_id}: receivedAt {case.get('receivedAt')} is not its "
                              f"input record's timestamp {show(t.ts_ms)}: its clocks would not "
                              "start where the test expects")
        if not missing:
            twice = [t.case_id for t in tickets if len(leads[t.ref]) > 1]
            if twice:
                log(f"{setup.name}: note: {len(twice)} cases on their department topic more "
                    f"than once as lead (at-least-once), e.g. {twice[:3]}")
            return
        if now_ms() > until_ms:
            raise Failure(f"{setup.name}: {len(missing)} of {len(tickets)} tickets not routed "
                          f"(on a department topic and in {setup.state}) by {show(until_ms)}, "
                          f"e.g. {[t.ref for t in missing[:5]]}")
        time.sleep(0.5)


def spread(tickets):
    per = {p: 0 for p in range(PARTITIONS)}
    for t in tickets:
        per[t.partition] = per.get(t.partition, 0) + 1
    return per


# ------------------------------------------------------------------ breaches


class Breaches:
    """Reads the events and supervision topics and judges the breached sign_for events."""

    def __init__(self, reader, setup, tickets):
        self.reader = reader
        self.setup = setup
        self.tickets = {t.case_id: t for t in tickets}
        self.first_seen = {}   # (topic, event id) -> when this test first read it (epoch ms)
        self.found = {}        # topic -> case id -> event id -> [count, due ms]
        self.problems = []

    def read(self):
        s = self.setup
        self.found = {s.events: {}, s.supervision: {}}
        self.problems = []
        seen_at = now_ms()
        for r in self.reader.read([s.events, s.supervision]):
            where = f"{r['topic']}[{r['partition']}]@{r['offset']}"
            try:
                ev = json.loads(r["value"].decode("utf-8"))
            except (ValueError, AttributeError) as e:
                self.problems.append(f"{where}: not UTF-8 JSON ({type(e).__name__})")
                continue
            if not isinstance(ev, dict):
                self.problems.append(f"{where}: not a JSON object")
                continue
            if ev.get("type") != "breached" or ev.get("stage") != "sign_for":
                continue
            cid, eid = ev.get("caseId"), ev.get("id")
            if not isinstance(eid, str) or not EVENT_ID_RE.match(eid):
                self.problems.append(f"{where}: id {eid!r} is not EV- and 32 hex digits")
            key = r["key"].decode("utf-8", "replace") if r["key"] is not None else None
            if r["topic"] == s.events and key != cid:
                self.problems.append(f"{where}: key {key!r} is not the caseId {cid!r}")
            t = self.tickets.get(cid)
            if t is None:
                self.problems.append(f"{where}: breach of a case the test did not produce: {cid}")
                continue
            first = self.first_seen.setdefault((r["topic"], eid), seen_at)
            due = parse_time(ev.get("due"))
            if due is None or abs(due - t.due_ms) > 1000:
                self.problems.append(f"{where}: case {cid}: due {ev.get('due')!r}, expected "
                                     f"{show(t.due_ms)} (received_at + 1 minute)")
            if first < t.due_ms - 1000:
                self.problems.append(f"{where}: case {cid}: breach read at {show(first)}, "
                                     f"before its due {show(t.due_ms)}")
            entry = self.found[r["topic"]].setdefault(cid, {}).setdefault(eid, [0, due])
            entry[0] += 1
        for t in self.tickets.values():
            for_case = [self.found[topic].get(t.case_id, {}) for topic in (s.events, s.supervision)]
            for topic, ids in zip((s.events, s.supervision), for_case):
                if len(ids) > 1:
                    self.problems.append(f"case {t}: {len(ids)} different breached sign_for ids "
                                         f"on {topic}: {sorted(ids)}")
            if for_case[0] and for_case[1] and set(for_case[0]) != set(for_case[1]):
                self.problems.append(f"case {t}: breach id {sorted(for_case[0])} on "
                                     f"{s.events} but {sorted(for_case[1])} on {s.supervision}")
        return self

    def missing(self, cases=None):
        s = self.setup
        out = []
        for t in (cases if cases is not None else self.tickets.values()):
            lacks = [topic for topic in (s.events, s.supervision) if not self.found[topic].get(t.case_id)]
            if lacks:
                out.append(f"{t}: no breached sign_for event on {' nor '.join(lacks)}")
        return out

    def any_found(self):
        return any(self.found[topic] for topic in self.found)

    def repeats(self):
        return [f"{topic}: {cid} {eid} x{entry[0]}"
                for topic, cases in self.found.items() for cid, ids in cases.items()
                for eid, entry in ids.items() if entry[0] > 1]

    def lateness_s(self, cases):
        """Seconds from each case's due to when this test first read its breach (events)."""
        out = []
        for t in cases:
            for eid in self.found[self.setup.events].get(t.case_id, {}):
                out.append((self.first_seen[(self.setup.events, eid)] - t.due_ms) / 1000)
        return sorted(out)

    def check(self):
        if self.problems:
            raise Failure(f"{self.setup.name}: {len(self.problems)} problem(s) with the breach "
                          "events:\n  " + "\n  ".join(self.problems[:40]))


def wait_breaches(breaches, until_ms, label):
    while True:
        breaches.read().check()
        missing = breaches.missing()
        if not missing:
            return
        if now_ms() > until_ms:
            raise Failure(f"{label}: by {show(until_ms)}, {len(missing)} of "
                          f"{len(breaches.tickets)} cases have no breach:\n  "
                          + "\n  ".join(missing[:40]))
        time.sleep(1.0)


def summary(values):
    if not values:
        return "none"
    return (f"min {values[0]:.1f} s, median {values[len(values) // 2]:.1f} s, "
            f"max {values[-1]:.1f} s")


def report_repeats(setup, breaches):
    rep = breaches.repeats()
    if rep:
        log(f"{setup.name}: {len(rep)} breach events repeated with the same id (allowed: a timer "
            "fired again after the crash): " + "; ".join(rep[:10]))
    else:
        log(f"{setup.name}: no breach event repeated")


def wait_assigned(inst, partitions, timeout, since=0):
    deadline = time.monotonic() + timeout
    while not set(partitions) <= inst.assigned(since):
        if not inst.alive():
            raise Failure(f"instance {inst.name} exited with status {inst.proc.returncode}")
        if time.monotonic() > deadline:
            raise Failure(f"instance {inst.name} logged 'partition N assigned' only for "
                          f"{sorted(inst.assigned(since))} within {timeout:.0f} s, expected "
                          f"{sorted(partitions)}")
        time.sleep(0.5)


def stop_cleanly(inst):
    rc, secs = inst.terminate(30)
    if rc != 0:
        raise Failure(f"instance {inst.name}: SIGTERM: exit status {rc} after {secs:.1f} s")
    log(f"instance {inst.name}: SIGTERM: exit 0 after {secs:.1f} s")


# ------------------------------------------------------------------ the consumer group


def routing_owners(admin, setup):
    """The routing group's state and, per instance name, the internal-topic partitions its
    member holds (members are told apart by client.id)."""
    info = admin.describe_consumer_groups([setup.routing_group])[0]
    owners = {}
    for m in info.members:
        name = m.client_id[len("lifecycle-test-"):] if m.client_id.startswith("lifecycle-test-") \
            else m.client_id
        parts = owners.setdefault(name, set())
        assignment = m.member_assignment
        for topic, ps in (getattr(assignment, "assignment", None) or []):
            if topic == setup.internal:
                parts.update(ps)
    return info.state, owners


def wait_shared(admin, setup, instances, timeout):
    """Waits until the group is stable with every instance holding partitions (the same for
    two polls in a row) and each has logged the assignment of the partitions it holds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        for inst in instances:
            if not inst.alive():
                raise Failure(f"instance {inst.name} exited with status {inst.proc.returncode}")
        try:
            state, owners = routing_owners(admin, setup)
        except Exception as e:  # noqa: BLE001 -- the group may not exist yet
            state, owners = f"unknown ({type(e).__name__}: {e})", {}
        held = [owners.get(i.name, set()) for i in instances]
        ok = (state == "Stable" and all(held) and set().union(*held) == set(range(PARTITIONS))
              and sum(len(h) for h in held) == PARTITIONS
              and all(h <= i.assigned() for h, i in zip(held, instances)))
        if ok and owners == last:
            return owners
        last = owners if ok else None
        if time.monotonic() > deadline:
            raise Failure(f"{setup.name}: the routing group did not settle with every instance "
                          f"holding partitions within {timeout:.0f} s: state {state}, members "
                          f"{ {k: sorted(v) for k, v in owners.items()} }, logged "
                          f"{ {i.name: sorted(i.assigned()) for i in instances} }")
        time.sleep(1.0)


# ------------------------------------------------------------------ scenarios


def scenario_restart(ctx, reader):
    s = Setup(ctx, "restart")
    ctx.setups.append(s)
    try:
        a = s.start("a")
        a.wait_for(r"Consuming .* as group ", STARTUP_S)
        wait_assigned(a, range(PARTITIONS), STARTUP_S)
        log(f"restart: instance a holds all {PARTITIONS} partitions")

        tickets, produced_at = produce_tickets(ctx, s, ctx.count, 20, 40)
        first_due = tickets[0].due_ms
        last_due = tickets[-1].due_ms
        wait_routed(reader, s, tickets, first_due - 3000)
        log(f"restart: every case routed {(now_ms() - produced_at) / 1000:.1f} s after the "
            f"produce; per partition {spread(tickets)}")
        if not ctx.routing_only:
            breaches = Breaches(reader, s, tickets).read()
            breaches.check()
            if breaches.any_found():
                raise Failure("restart: breach events before any deadline")

        killed_at = now_ms()
        a.sigkill()
        if killed_at >= first_due:
            raise Failure(f"restart: the kill came at {show(killed_at)}, after the first deadline "
                          f"{show(first_due)}: the test proves nothing (machine too slow?)")
        log(f"restart: instance a killed with SIGKILL {(first_due - killed_at) / 1000:.1f} s "
            "before the first deadline; waiting until every deadline has passed")
        sleep_until(last_due + 1000)

        restarted_at = now_ms()
        b = s.start("a")
        b.wait_for(r"Consuming .* as group ", STARTUP_S)
        if ctx.routing_only:
            wait_assigned(b, range(PARTITIONS), STARTUP_S)
            wait_routed(reader, s, tickets, now_ms() + 5000)
            log("restart: --routing-only: restarted, holds every partition again; breaches "
                "not checked")
        else:
            breaches = Breaches(reader, s, tickets)
            wait_breaches(breaches, restarted_at + ctx.fire_bound * 1000, "restart")
            took = (now_ms() - restarted_at) / 1000
            wait_assigned(b, range(PARTITIONS), STARTUP_S)
            log(f"restart: all {len(tickets)} breaches on {s.events} and {s.supervision}, one id "
                f"each, within {took:.1f} s of the restart; lateness after the due "
                f"{summary(breaches.lateness_s(tickets))}")
            report_repeats(s, breaches)
        stop_cleanly(b)
    except BaseException:
        print(s.tails(), flush=True)
        raise
    finally:
        for inst in s.instances:
            inst.kill()


def scenario_takeover(ctx, reader, admin):
    s = Setup(ctx, "takeover")
    ctx.setups.append(s)
    try:
        a = s.start("a")
        b = s.start("b")
        for inst in (a, b):
            inst.wait_for(r"Consuming .* as group ", STARTUP_S)
        owners = wait_shared(admin, s, [a, b], STARTUP_S)
        log(f"takeover: partitions held: a {sorted(owners['a'])}, b {sorted(owners['b'])}")

        tickets, produced_at = produce_tickets(ctx, s, max(ctx.count, 48), 15, 40)
        first_due = tickets[0].due_ms
        last_due = tickets[-1].due_ms
        wait_routed(reader, s, tickets, first_due - 3000)
        per = spread(tickets)
        log(f"takeover: every case routed {(now_ms() - produced_at) / 1000:.1f} s after the "
            f"produce; per partition {per}")
        if any(n == 0 for n in per.values()):
            log("takeover: note: some partitions got no case")
        state, now_owners = routing_owners(admin, s)
        if now_owners != owners:
            raise Failure(f"takeover: the partitions moved while the tickets were routed: state "
                          f"{state}, {owners} then {now_owners}")
        if not ctx.routing_only:
            breaches = Breaches(reader, s, tickets).read()
            breaches.check()
            if breaches.any_found():
                raise Failure("takeover: breach events before any deadline")

        count = {i.name: sum(1 for t in tickets if t.partition in owners[i.name]) for i in (a, b)}
        victim, survivor = (a, b) if count["a"] > count["b"] else (b, a)
        lost = owners[victim.name]
        victim_cases = [t for t in tickets if t.partition in lost]
        if not victim_cases:
            raise Failure(f"takeover: no case on the partitions of either instance: {per}")
        mark = survivor.mark()
        killed_at = now_ms()
        victim.sigkill()
        pending = [t for t in victim_cases if t.due_ms > killed_at]
        if len(pending) < len(victim_cases):
            raise Failure(f"takeover: the kill came at {show(killed_at)}, after the deadlines of "
                          f"{len(victim_cases) - len(pending)} of instance {victim.name}'s cases "
                          "(machine too slow?)")
        log(f"takeover: instance {victim.name} (partitions {sorted(lost)}, {len(victim_cases)} "
            f"cases, first due in {(min(t.due_ms for t in victim_cases) - killed_at) / 1000:.1f} "
            f"s) killed with SIGKILL; {survivor.name} must take over")

        if ctx.routing_only:
            wait_assigned(survivor, lost, STARTUP_S, since=mark)
            log(f"takeover: --routing-only: {survivor.name} took over partitions {sorted(lost)} "
                f"{(now_ms() - killed_at) / 1000:.1f} s after the kill; breaches not checked")
        else:
            breaches = Breaches(reader, s, tickets)
            took_over_at = None
            until = max(last_due, killed_at) + ctx.fire_bound * 1000
            while True:
                if took_over_at is None and lost <= survivor.assigned(mark):
                    took_over_at = now_ms()
                    log(f"takeover: {survivor.name} logged the assignment of "
                        f"{sorted(lost)} {(took_over_at - killed_at) / 1000:.1f} s after the kill")
                breaches.read().check()
                missing = breaches.missing()
                if not missing:
                    break
                if now_ms() > until:
                    lost_missing = breaches.missing(victim_cases)
                    raise Failure(
                        f"takeover: by {show(until)}, {len(missing)} of {len(tickets)} cases have "
                        f"no breach ({len(lost_missing)} of them on the killed instance's "
                        f"partitions {sorted(lost)}; {survivor.name} "
                        + ("logged their assignment" if took_over_at else
                           f"logged the assignment of only {sorted(survivor.assigned(mark))}")
                        + " after the kill):\n  " + "\n  ".join(missing[:40]))
                time.sleep(1.0)
            if not survivor.alive():
                raise Failure(f"takeover: {survivor.name} exited with status "
                              f"{survivor.proc.returncode}")
            if not lost <= survivor.assigned(mark):
                raise Failure(f"takeover: every breach fired, but {survivor.name} logged the "
                              f"assignment of only {sorted(survivor.assigned(mark))} after the "
                              f"kill, not of {sorted(lost)}")
            overdue = [t for t in victim_cases if took_over_at and t.due_ms < took_over_at]
            log(f"takeover: all {len(tickets)} breaches on {s.events} and {s.supervision}, one id "
                f"each; the killed instance's {len(victim_cases)} cases ({len(overdue)} already "
                f"overdue when {survivor.name} took over): lateness "
                f"{summary(breaches.lateness_s(victim_cases))}; the survivor's own: "
                f"{summary(breaches.lateness_s([t for t in tickets if t not in victim_cases]))}")
            report_repeats(s, breaches)
        try:
            state, after = routing_owners(admin, s)
        except Exception as e:  # noqa: BLE001 -- a note only
            state, after = f"unknown ({type(e).__name__})", {}
        if after.get(survivor.name) != set(range(PARTITIONS)):
            log(f"takeover: note: the routing group now reads state {state}, members "
                f"{ {k: sorted(v) for k, v in after.items()} }")
        stop_cleanly(survivor)
    except BaseException:
        print(s.tails(), flush=True)
        raise
    finally:
        for inst in s.instances:
            inst.kill()


# ------------------------------------------------------------------ main


class Context:
    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gateway", required=True, help="the gateway executable")
    ap.add_argument("--repo", required=True, help="the repository root")
    ap.add_argument("--scenario", choices=("restart", "takeover", "both"), default="both")
    ap.add_argument("--count", type=int, default=30,
                    help="tickets per scenario (takeover: at least 48, to fill 6 partitions)")
    ap.add_argument("--fire-bound", type=float, default=45.0,
                    help="seconds after the last deadline, the restart or the kill by which "
                         "every breach must be on the topics (default 45)")
    ap.add_argument("--routing-only", action="store_true",
                    help="no lifecycle section; check everything but the breaches")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directory and the run's topics")
    args = ap.parse_args()

    ctx = Context()
    ctx.brokers = os.environ.get("GW_TEST_KAFKA_BROKERS", "").strip()
    ctx.gateway = os.path.abspath(args.gateway)
    ctx.repo = os.path.abspath(args.repo)
    ctx.count = args.count
    ctx.fire_bound = args.fire_bound
    ctx.routing_only = args.routing_only
    ctx.run = uuid.uuid4().hex[:8]
    ctx.tmp = tempfile.mkdtemp(prefix="gw-lifecycle-faults-")
    ctx.setups = []
    ok = False
    reader = admin = None
    t0 = time.monotonic()
    try:
        if not ctx.brokers:
            raise Failure("GW_TEST_KAFKA_BROKERS is not set: this test needs a real broker "
                          "(scripts/kafka.sh start, then export GW_TEST_KAFKA_BROKERS=$(cat "
                          ".kafka/bootstrap); or run scripts/test.sh)")
        if not os.access(ctx.gateway, os.X_OK):
            raise Failure(f"gateway binary not executable: {ctx.gateway}")
        with open(os.path.join(ctx.repo, "tests", "reference-samples", "hotline-tickets.jsonl"),
                  encoding="utf-8") as f:
            ctx.samples = [json.loads(line) for line in f if line.strip()]
        from kafka import KafkaAdminClient

        log(f"run {ctx.run}: Kafka {ctx.brokers}; topics lc-{ctx.run}-*; "
            + ("--routing-only: no lifecycle" if ctx.routing_only else "lifecycle on"))
        reader = PythonReader(ctx.brokers)
        admin = KafkaAdminClient(bootstrap_servers=ctx.brokers, request_timeout_ms=15000,
                                 client_id="lifecycle-test")
        if args.scenario in ("restart", "both"):
            scenario_restart(ctx, reader)
        if args.scenario in ("takeover", "both"):
            scenario_takeover(ctx, reader, admin)
        ok = True
    except Failure as e:
        print(f"lifecycle_test: FAIL: {e}", flush=True)
    except ImportError as e:
        print(f"lifecycle_test: FAIL: {e} (use /usr/bin/python3 with Debian's python3-kafka "
              "and python3-yaml)", flush=True)
    finally:
        if reader is not None:
            reader.close()
        if admin is not None:
            if not args.keep:
                try:
                    admin.delete_consumer_groups([g for s in ctx.setups
                                                  for g in (s.group, s.routing_group)])
                except Exception:  # noqa: BLE001 -- cleanup only
                    pass
            admin.close()
        if args.keep:
            log(f"kept {ctx.tmp} and the topics lc-{ctx.run}-*")
        else:
            if ctx.brokers:
                delete_topics(ctx.brokers, [t for s in ctx.setups for t in s.topics()])
            shutil.rmtree(ctx.tmp, ignore_errors=True)
    log(f"{'PASS' if ok else 'FAIL'} after {time.monotonic() - t0:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
