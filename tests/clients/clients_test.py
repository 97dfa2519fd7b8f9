#!/usr/bin/python3
"""Clients no one here wrote (issue 3, section 4): kcat and Debian's python3-kafka talk to a
running gateway through Kafka only.

  clients_test.py --gateway BUILD/gateway/app/gateway --repo REPO_ROOT [--timeout 60] [--keep]

1. Writes a gateway.yaml and a copy of config/routes.yaml whose topics (inputs, departments,
   dead letters, internal_topic and state_topic if this gateway has those settings) carry a
   prefix unique to this run, and a unique consumer group, so reruns and other tests on the
   same broker do not see each other's records.
2. Starts `gateway --config FILE run` and waits for "Consuming ... as group ...".
3. Produces 12345 tickets with kcat (one file = one record, keyed by ticketNo) and grid
   reports with kafka-python's KafkaProducer, from the repository's samples: the good ones
   with their ticketNo / reportId suffixed by the run id (so case ids are new on every run
   and the gateway's memory of what it already routed cannot hide them), the bad ones as
   they are.
4. Learns where each input must go from `gateway explain` (lead and co-handler topics, case
   id; for bad inputs error.code and error.field), then reads the department and dead-letter
   topics with kafka-python's KafkaConsumer and with `kcat -C -J`, polling until everything is
   there or the deadline passes, and checks every record: key = case id, headers case.id,
   case.role, case.schema, the value validates against schemas/case.v1.schema.json; dead
   letters carry the original bytes and the source.* / error.* headers.
5. Sends SIGTERM and expects exit status 0 within 30 s; on a real broker, then checks that
   the group's committed offsets reached the end of every input partition.

Kafka: GW_TEST_KAFKA_BROKERS (scripts/test.sh starts a real Apache Kafka and exports it).
When it is unset or empty the gateway runs with `kafka.brokers: ""` and its embedded
librdkafka mock cluster, whose address it prints; both clients connect to that.
--kafka real makes a missing GW_TEST_KAFKA_BROKERS an error instead.

Output never contains callers' names or phones: cases are identified by case id and sample
position only.
"""
import argparse
import concurrent.futures
import datetime
import hashlib
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

STOP_TIMEOUT_S = 30.0


class Failure(Exception):
    pass


def log(msg):
    print(f"clients_test: {msg}", flush=True)


def short_sha(data):
    return hashlib.sha256(data).hexdigest()[:12]


PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def scrub(text):
    """Masks anything that looks like a mobile number before it is printed."""
    return PHONE_RE.sub("<phone>", text)


# ------------------------------------------------------------------ inputs


class Input:
    """One record to produce: where it comes from, what it is, where it must end up."""

    def __init__(self, label, topic_key, value, key, good, client, charset="utf-8", ref=None):
        self.label = label            # e.g. reference-samples/hotline-tickets.jsonl:3
        self.topic_key = topic_key    # hotline | legacy | grid (which input topic)
        self.value = value            # bytes as produced
        self.key = key                # bytes
        self.good = good
        self.client = client          # kcat | kafka-python
        self.charset = charset
        self.ref = ref                # the (suffixed) ticketNo / reportId of a good input
        self.path = None              # the file the value was written to
        self.topic = None
        # From `gateway explain`:
        self.case_id = None
        self.lead = None              # (code, topic)
        self.co = []                  # [(code, topic)]
        self.explained_case = None
        self.error_code = None
        self.error_field = None
        # Where the record landed in its input topic: (partition, offset).
        self.position = None


REF_RE = re.compile(rb'("(?:ticketNo|reportId)"\s*:\s*")([^"\\]+)(")')


def suffix_ref(value, run_id, label):
    m = REF_RE.search(value)
    if not m:
        raise Failure(f"{label}: no ticketNo/reportId string to make unique")
    ref = m.group(2) + b"-" + run_id.encode()
    if len(ref) > 64:
        raise Failure(f"{label}: source reference would exceed 64 characters")
    return value[:m.start(2)] + ref + value[m.end(2):], ref.decode("ascii")


def jsonl_lines(path):
    with open(path, "rb") as f:
        for number, line in enumerate(f.read().split(b"\n"), 1):
            line = line.rstrip(b"\r")
            if line.strip():
                yield number, line


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def collect_inputs(repo, run_id):
    ref_dir = os.path.join(repo, "tests", "reference-samples")
    cfg_dir = os.path.join(repo, "config", "samples")
    inputs = []

    def need(path):
        if not os.path.exists(path):
            raise Failure(f"sample missing: {path}")
        return path

    def rel(path):
        return os.path.relpath(path, repo)

    # Tickets, produced with kcat.
    for path in (need(os.path.join(ref_dir, "hotline-tickets.jsonl")),
                 need(os.path.join(cfg_dir, "hotline.tickets", "other-time-forms.jsonl"))):
        for number, line in jsonl_lines(path):
            label = f"{rel(path)}:{number}"
            value, ref = suffix_ref(line, run_id, label)
            inputs.append(Input(label, "hotline", value, ref.encode(), True, "kcat", ref=ref))
    path = need(os.path.join(cfg_dir, "hotline.legacy", "ticket.gb18030.json"))
    # It is the first ticket of hotline-tickets.jsonl re-encoded: give it its own reference,
    # or it would be the same case (a resend, which the gateway may not route again).
    value, ref = suffix_ref(read_bytes(path), run_id + "-gb18030", rel(path))
    inputs.append(Input(rel(path), "legacy", value, ref.encode(), True, "kcat", "gb18030", ref))
    bad_dir = need(os.path.join(ref_dir, "bad"))
    for name in sorted(os.listdir(bad_dir)):
        path = os.path.join(bad_dir, name)
        inputs.append(Input(rel(path), "hotline", read_bytes(path), f"bad-{name}".encode(),
                            False, "kcat"))

    # Grid reports, produced with kafka-python.
    path = need(os.path.join(ref_dir, "grid-reports.jsonl"))
    for number, line in jsonl_lines(path):
        label = f"{rel(path)}:{number}"
        value, ref = suffix_ref(line, run_id, label)
        inputs.append(Input(label, "grid", value, ref.encode(), True, "kafka-python", ref=ref))
    grid_bad = sorted(n for n in os.listdir(need(os.path.join(cfg_dir, "grid.reports")))
                      if n.startswith("bad-"))
    if not grid_bad:
        raise Failure("no bad-*.json grid samples in config/samples/grid.reports")
    for name in grid_bad:
        path = os.path.join(cfg_dir, "grid.reports", name)
        inputs.append(Input(rel(path), "grid", read_bytes(path), f"bad-{name}".encode(),
                            False, "kafka-python"))
    path = need(os.path.join(bad_dir, "truncated.json"))
    inputs.append(Input(rel(path) + " (as a grid report)", "grid", read_bytes(path),
                        b"bad-grid-truncated.json", False, "kafka-python"))
    return inputs


# ------------------------------------------------------------------ configuration


def write_routes(repo, tmp, prefix):
    """Copies config/routes.yaml with every department topic prefixed (comments kept)."""
    import yaml

    src = os.path.join(repo, "config", "routes.yaml")
    with open(src, encoding="utf-8") as f:
        text = f.read()
    topics = {d["topic"] for d in yaml.safe_load(text)["departments"]}
    pattern = re.compile(r"(\btopic:[ \t]*[\"']?)([A-Za-z0-9._-]+)")
    out = []
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("#"):
            out.append(line)
            continue
        code, hash_, comment = line.partition(" #")
        code = pattern.sub(
            lambda m: m.group(1) + (prefix + m.group(2) if m.group(2) in topics else m.group(2)),
            code)
        out.append(code + hash_ + comment)
    new_text = "".join(out)
    got = {d["topic"] for d in yaml.safe_load(new_text)["departments"]}
    if got != {prefix + t for t in topics}:
        raise Failure("could not prefix the department topics of config/routes.yaml "
                      f"(left as they were: {sorted(t for t in got if not t.startswith(prefix))})")
    dst = os.path.join(tmp, "routes.yaml")
    with open(dst, "w", encoding="utf-8") as f:
        f.write(new_text)
    return dst, sorted(got)


OWN_TOPIC_KEYS = ("internal_topic", "state_topic")


def write_gateway_yaml(tmp, routes, brokers, group, topics, own_topic_keys):
    """own_topic_keys: the keys of the gateway's own topics (besides dead letters) that this
    gateway knows; each gets the run's prefix, or every run on the broker would share them."""
    own = "".join(f"{key}: {json.dumps(topics[key])}\n" for key in own_topic_keys)
    path = os.path.join(tmp, "gateway.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"""# Written by tests/clients/clients_test.py
version: 1
routing_file: {json.dumps(routes)}
log_level: info
kafka:
  brokers: {json.dumps(brokers)}
  group_id: {json.dumps(group)}
  topic_partitions: 2
  replication_factor: 1
dead_letter_topic: {json.dumps(topics["dead"])}
{own}inputs:
  - topic: {json.dumps(topics["hotline"])}
    format: hotline
    charset: utf-8
  - topic: {json.dumps(topics["legacy"])}
    format: hotline
    charset: gb18030
  - topic: {json.dumps(topics["grid"])}
    format: grid
""")
    return path


# ------------------------------------------------------------------ gateway explain

ROUTE_RE = re.compile(r"^(lead|co-handler):\s+(\S+)\s.*-> topic (\S+)\s*$", re.M)
DLQ_CODE_RE = re.compile(r"error\.code=([A-Za-z0-9_]+)")
REFUSED_RE = re.compile(r"^refused: (?:([^\s:]+): )?([a-z_]+): ", re.M)


def explain(gateway, config, inp):
    cmd = [gateway, "--config", config, "explain"]
    if inp.charset != "utf-8":
        cmd += ["--charset", inp.charset]
    cmd.append(inp.path)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    out = r.stdout.decode("utf-8", "replace")
    refused = REFUSED_RE.search(out)
    # Exit status 0: routed; 1: refused (it says why); anything else is an error.
    if r.returncode != (1 if refused else 0):
        raise Failure(f"gateway explain {inp.label}: exit {r.returncode}: "
                      f"{scrub(r.stderr.decode('utf-8', 'replace'))[:500]}")
    if refused:
        if inp.good:
            raise Failure(f"gateway explain refuses the good sample {inp.label}: "
                          f"{refused.group(0)}...")
        code = DLQ_CODE_RE.search(out)
        inp.error_code = code.group(1) if code else refused.group(2)
        inp.error_field = refused.group(1) or ""
        return
    if not inp.good:
        raise Failure(f"gateway explain routes the bad sample {inp.label} instead of refusing it")
    start = out.find("{", out.find("normalized case"))
    if start < 0:
        raise Failure(f"gateway explain {inp.label}: no normalized case in its output")
    inp.explained_case, _ = json.JSONDecoder().raw_decode(out[start:])
    inp.case_id = inp.explained_case["caseId"]
    for role, code, topic in ROUTE_RE.findall(out):
        if role == "lead":
            inp.lead = (code, topic)
        else:
            inp.co.append((code, topic))
    if not inp.lead:
        raise Failure(f"gateway explain {inp.label}: no 'lead: ... -> topic' line")


# ------------------------------------------------------------------ the gateway process


class Gateway:
    def __init__(self, binary, config, tmp):
        self.log_path = os.path.join(tmp, "gateway.log")
        self.lines = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen([binary, "--config", config, "run"], cwd=tmp,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        with open(self.log_path, "wb") as logf:
            for raw in self.proc.stdout:
                logf.write(raw)
                logf.flush()
                with self.cond:
                    self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                    self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait_for(self, regex, timeout):
        """Returns the first match of regex in the output; fails if the gateway exits first."""
        pattern = re.compile(regex)
        deadline = time.monotonic() + timeout
        with self.cond:
            seen = 0
            while True:
                for line in self.lines[seen:]:
                    m = pattern.search(line)
                    if m:
                        return m
                seen = len(self.lines)
                if self.proc.poll() is not None and not self.reader.is_alive():
                    raise Failure(f"the gateway exited with status {self.proc.returncode} "
                                  f"before printing /{regex}/")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Failure(f"the gateway did not print /{regex}/ within {timeout:.0f} s")
                self.cond.wait(min(left, 0.5))

    def tail(self, n=40):
        with self.cond:
            return "\n".join(scrub(line) for line in self.lines[-n:])

    def terminate(self, timeout):
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None, time.monotonic() - t0
        self.reader.join(5)
        return rc, time.monotonic() - t0

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass


# ------------------------------------------------------------------ Kafka clients


def kafka_python_produce(brokers, inputs):
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=brokers, acks="all", retries=10,
                             client_id="clients-test-kafka-python", linger_ms=5)
    try:
        futures = [(inp, producer.send(inp.topic, key=inp.key, value=inp.value,
                                       headers=[("producer", b"kafka-python")]))
                   for inp in inputs]
        producer.flush(60)
        for inp, fut in futures:
            md = fut.get(timeout=60)
            inp.position = (md.partition, md.offset)
    finally:
        producer.close(10)


def kcat_produce(brokers, inputs):
    for inp in inputs:
        # A file argument is sent as one record, whatever newlines it holds.
        cmd = ["kcat", "-P", "-b", brokers, "-t", inp.topic, "-k", inp.key.decode(),
               "-H", "producer=kcat", "-X", "acks=all", inp.path]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        err = r.stderr.decode("utf-8", "replace").strip()
        if r.returncode != 0 or "fail" in err.lower():
            raise Failure(f"kcat -P {inp.label}: exit {r.returncode}: {err[:500]}")


class PythonReader:
    """Reads whole topics from the beginning with kafka-python's KafkaConsumer (no group)."""

    def __init__(self, brokers):
        from kafka import KafkaConsumer

        self.consumer = KafkaConsumer(bootstrap_servers=brokers, group_id=None,
                                      enable_auto_commit=False, auto_offset_reset="earliest",
                                      client_id="clients-test-kafka-python")

    def read(self, topics):
        """Every record of the topics that exist, up to their end offsets now."""
        from kafka import TopicPartition

        self.consumer.topics()  # refreshes metadata
        tps = []
        for t in topics:
            parts = self.consumer.partitions_for_topic(t)
            tps += [TopicPartition(t, p) for p in sorted(parts or ())]
        if not tps:
            return []
        self.consumer.assign(tps)
        self.consumer.seek_to_beginning(*tps)
        end = self.consumer.end_offsets(tps)
        records = []
        deadline = time.monotonic() + 30
        while any(self.consumer.position(tp) < end[tp] for tp in tps):
            if time.monotonic() > deadline:
                raise Failure("kafka-python: could not read up to the end offsets within 30 s")
            for batch in self.consumer.poll(timeout_ms=500).values():
                for m in batch:
                    records.append({"topic": m.topic, "partition": m.partition,
                                    "offset": m.offset, "key": m.key, "value": m.value,
                                    "headers": [(k, v) for k, v in (m.headers or [])]})
        return records

    def committed(self, group, topics, brokers):
        from kafka import KafkaConsumer, TopicPartition

        c = KafkaConsumer(bootstrap_servers=brokers, group_id=group, enable_auto_commit=False,
                          client_id="clients-test-kafka-python")
        try:
            tps = [TopicPartition(t, p) for t in topics
                   for p in sorted(c.partitions_for_topic(t) or ())]
            end = c.end_offsets(tps)
            return {tp: (c.committed(tp), end[tp]) for tp in tps}
        finally:
            c.close()

    def close(self):
        self.consumer.close()


def kcat_read(brokers, topic):
    # fetch.wait.max.ms: an empty fetch (how -e notices the end) returns sooner than 500 ms.
    cmd = ["kcat", "-C", "-b", brokers, "-t", topic, "-o", "beginning", "-e", "-J", "-q",
           "-X", "fetch.wait.max.ms=50"]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if r.returncode != 0:
        err = r.stderr.decode("utf-8", "replace").strip()
        if "Unknown topic" in err or "UNKNOWN_TOPIC" in err:
            return []
        raise Failure(f"kcat -C -t {topic}: exit {r.returncode}: {err[:500]}")
    records = []
    for line in r.stdout.split(b"\n"):
        if not line.strip():
            continue
        # Payloads are written as they are (invalid UTF-8 included): decode losslessly.
        env = json.loads(line.decode("utf-8", "surrogateescape"))

        def raw(s):
            return None if s is None else s.encode("utf-8", "surrogateescape")

        hdrs = env.get("headers") or []
        if isinstance(hdrs, dict):
            pairs = list(hdrs.items())
        else:  # kcat 1.7 writes a flat [name, value, name, value, ...] array
            pairs = list(zip(hdrs[0::2], hdrs[1::2]))
        records.append({"topic": env["topic"], "partition": env["partition"],
                        "offset": env["offset"], "key": raw(env.get("key")),
                        "value": raw(env.get("payload")),
                        "headers": [(k, raw(v)) for k, v in pairs]})
    return records


def kcat_read_all(brokers, topics):
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        return [rec for recs in pool.map(lambda t: kcat_read(brokers, t), topics) for rec in recs]


# ------------------------------------------------------------------ checks


def header(record, name):
    values = [v for k, v in record["headers"] if k == name]
    return values[0].decode("utf-8", "replace") if values and values[0] is not None else None


def where(record):
    return f"{record['topic']}[{record['partition']}]@{record['offset']}"


class Verdict:
    def __init__(self):
        self.problems = []      # never contain case contents
        self.missing = []       # expectations not met yet (may still come)
        self.duplicates = []    # where repeats were seen (at-least-once allows them)
        self.cases = 0
        self.dead = 0


def check(records, inputs, dept_topics, dead_topic, validator, since):
    """Checks the department and dead-letter records against what explain said. since: the
    epoch seconds before the first input was produced (receivedAt must not be earlier)."""
    v = Verdict()
    by_topic = {}
    for r in records:
        by_topic.setdefault(r["topic"], []).append(r)

    # Expected case records: (topic, case id) -> (role, input).
    expected = {}
    for inp in inputs:
        if inp.good:
            expected[(inp.lead[1], inp.case_id)] = ("lead", inp)
            for _, topic in inp.co:
                expected.setdefault((topic, inp.case_id), ("co", inp))

    seen = {}
    for topic in dept_topics:
        for r in by_topic.get(topic, []):
            key = r["key"].decode("utf-8", "replace") if r["key"] is not None else None
            cid = header(r, "case.id")
            exp = expected.get((topic, key))
            if exp is None:
                v.problems.append(f"{where(r)}: unexpected record (key {key}, case.id {cid})")
                continue
            role, inp = exp
            if (topic, key) in seen:
                v.duplicates.append(f"{where(r)} repeats {where(seen[(topic, key)])} "
                                    f"({inp.label}, {key})")
                continue
            seen[(topic, key)] = r
            v.cases += 1
            tag = f"{where(r)} ({inp.label}, {key})"
            if cid != key:
                v.problems.append(f"{tag}: header case.id {cid!r} != key")
            if header(r, "case.role") != role:
                v.problems.append(f"{tag}: header case.role {header(r, 'case.role')!r}, "
                                  f"expected {role!r}")
            if header(r, "case.schema") != "case.v1":
                v.problems.append(f"{tag}: header case.schema {header(r, 'case.schema')!r}, "
                                  "expected 'case.v1'")
            try:
                case = json.loads(r["value"].decode("utf-8"))
            except (ValueError, AttributeError) as e:
                v.problems.append(f"{tag}: value is not UTF-8 JSON ({type(e).__name__})")
                continue
            errors = sorted(validator.iter_errors(case), key=lambda e: list(e.absolute_path))
            for e in errors[:5]:
                # The path and the keyword only: the message may quote personal data.
                v.problems.append(f"{tag}: schema violation at {e.json_path} ({e.validator})")
            if not isinstance(case, dict):
                continue
            want = inp.explained_case
            for field in ("caseId", "source", "sourceRef", "kind", "category", "priority"):
                if case.get(field) != want.get(field):
                    v.problems.append(f"{tag}: {field} differs from what gateway explain says")
            if case.get("caseId") != key:
                v.problems.append(f"{tag}: caseId {case.get('caseId')!r} != key")
            try:
                received = datetime.datetime.fromisoformat(case.get("receivedAt")).timestamp()
            except (TypeError, ValueError):
                received = None
            if received is None or not since - 60 <= received <= time.time() + 60:
                v.problems.append(f"{tag}: receivedAt {case.get('receivedAt')!r} is not the "
                                  "time the input was produced")
            if case.get("sourceRef") != inp.ref:
                v.problems.append(f"{tag}: sourceRef is not the produced ticketNo/reportId")
            a = case.get("assignment") or {}
            if (a.get("lead") or {}).get("code") != inp.lead[0]:
                v.problems.append(f"{tag}: assignment.lead.code "
                                  f"{(a.get('lead') or {}).get('code')!r}, explain says "
                                  f"{inp.lead[0]!r}")
            if sorted(h.get("code") for h in a.get("coHandlers") or []) != \
                    sorted(code for code, _ in inp.co):
                v.problems.append(f"{tag}: assignment.coHandlers differ from gateway explain")
    for (topic, cid), (role, inp) in sorted(expected.items()):
        if (topic, cid) not in seen:
            v.missing.append(f"{inp.label} ({cid}) not on {topic} as {role}")

    # Dead letters: matched by their bytes (the original value).
    bad = {}
    for inp in inputs:
        if not inp.good:
            bad.setdefault((inp.topic, inp.value), inp)
    good_values = {(inp.topic, inp.value) for inp in inputs if inp.good}
    found = {}
    for r in by_topic.get(dead_topic, []):
        src = header(r, "source.topic")
        inp = bad.get((src, r["value"]))
        if inp is None:
            what = "a good input" if (src, r["value"]) in good_values else "unknown bytes"
            value = r["value"] or b""
            v.problems.append(f"{where(r)}: unexpected dead letter ({what}, source.topic {src}, "
                              f"{len(value)} bytes sha256 {short_sha(value)}, "
                              f"error.code {header(r, 'error.code')})")
            continue
        if inp.label in found:
            v.duplicates.append(f"{where(r)} repeats {where(found[inp.label])} ({inp.label})")
            continue
        found[inp.label] = r
        v.dead += 1
        tag = f"{where(r)} ({inp.label})"
        for name in ("source.topic", "source.partition", "source.offset", "error.code",
                     "error.field", "error.reason"):
            if header(r, name) is None:
                v.problems.append(f"{tag}: header {name} missing")
        if inp.position is not None:
            pos = (header(r, "source.partition"), header(r, "source.offset"))
            if pos != (str(inp.position[0]), str(inp.position[1])):
                v.problems.append(f"{tag}: source.partition/offset {pos} but the input is at "
                                  f"{inp.topic}[{inp.position[0]}]@{inp.position[1]}")
        if header(r, "error.code") != inp.error_code:
            v.problems.append(f"{tag}: error.code {header(r, 'error.code')!r}, gateway explain "
                              f"says {inp.error_code!r}")
        if inp.error_field and header(r, "error.field") != inp.error_field:
            v.problems.append(f"{tag}: error.field {header(r, 'error.field')!r}, gateway explain "
                              f"says {inp.error_field!r}")
        if not header(r, "error.reason"):
            v.problems.append(f"{tag}: error.reason is empty")
        if r["key"] != inp.key:
            v.problems.append(f"{tag}: key {r['key']!r} is not the input's key {inp.key!r}")
    for inp in inputs:
        if not inp.good and inp.label not in found:
            v.missing.append(f"{inp.label} not in {dead_topic}")
    return v


def poll_until_complete(name, read, inputs, dept_topics, dead_topic, validator, since, timeout):
    t0 = time.monotonic()
    while True:
        verdict = check(read(), inputs, dept_topics, dead_topic, validator, since)
        if verdict.problems:
            raise Failure(f"{name}: " + "\n  ".join([f"{len(verdict.problems)} problem(s):"] +
                                                    verdict.problems[:40]))
        if not verdict.missing:
            return verdict, time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            raise Failure(f"{name}: after {timeout:.0f} s, {len(verdict.missing)} expected "
                          "record(s) missing:\n  " + "\n  ".join(verdict.missing[:40]))
        time.sleep(1.0)


def report_repeats(name, verdict):
    """Repeats are allowed (at-least-once) but unexpected in a run without faults: say so."""
    if verdict.duplicates:
        log(f"{name}: WARNING: {len(verdict.duplicates)} repeated record(s):\n  "
            + "\n  ".join(verdict.duplicates[:20]))


def locate_inputs(reader, topics, inputs, timeout):
    """Finds where each produced record landed in its input topic (partition, offset)."""
    t0 = time.monotonic()
    while True:
        at = {}
        for r in reader.read(topics):
            at.setdefault((r["topic"], r["value"]), (r["partition"], r["offset"]))
        missing = []
        for inp in inputs:
            pos = at.get((inp.topic, inp.value))
            if pos is None:
                missing.append(inp.label)
            elif inp.position is None:
                inp.position = pos
            elif inp.position != pos:
                raise Failure(f"{inp.label}: the producer reported {inp.position}, the input "
                              f"topic holds it at {pos}")
        if not missing:
            return
        if time.monotonic() - t0 > timeout:
            raise Failure(f"{len(missing)} produced input(s) not found in the input topics: "
                          + ", ".join(missing[:10]))
        time.sleep(0.5)


# ------------------------------------------------------------------ main


def run(args, tmp):
    import jsonschema

    brokers_env = os.environ.get("GW_TEST_KAFKA_BROKERS", "").strip()
    if args.kafka == "real" and not brokers_env:
        raise Failure("GW_TEST_KAFKA_BROKERS is not set: start a broker (scripts/kafka.sh start) "
                      "and export its bootstrap address, or run scripts/test.sh")
    embedded = args.kafka == "embedded" or not brokers_env
    if shutil.which("kcat") is None:
        raise Failure("kcat not found in PATH (apt-get install kcat)")
    gateway_bin = os.path.abspath(args.gateway)
    if not os.access(gateway_bin, os.X_OK):
        raise Failure(f"gateway binary not executable: {gateway_bin}")
    repo = os.path.abspath(args.repo)

    with open(os.path.join(repo, "schemas", "case.v1.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    run_id = uuid.uuid4().hex[:10]
    prefix = f"clients-{run_id}."
    topics = {"hotline": prefix + "hotline.tickets", "legacy": prefix + "hotline.legacy",
              "grid": prefix + "grid.reports", "dead": prefix + "dead-letter",
              "internal_topic": prefix + "gateway.cases",
              "state_topic": prefix + "gateway.case-state"}
    group = f"clients-test-{run_id}"
    routes, dept_topics = write_routes(repo, tmp, prefix)
    log(f"run {run_id}: Kafka "
        + ("embedded (librdkafka mock cluster in the gateway; GW_TEST_KAFKA_BROKERS unset)"
           if embedded else f"{brokers_env} (GW_TEST_KAFKA_BROKERS)")
        + f"; topics {prefix}*, group {group}")

    # A gateway that does not know internal_topic / state_topic yet refuses them as unknown
    # keys: write only those it knows.
    own_keys = list(OWN_TOPIC_KEYS)
    while True:
        config = write_gateway_yaml(tmp, routes, "" if embedded else brokers_env, group, topics,
                                    own_keys)
        r = subprocess.run([gateway_bin, "--config", config, "check-config"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        out = r.stdout.decode("utf-8", "replace")
        unknown = [k for k in own_keys if f'unknown key "{k}"' in out]
        if r.returncode == 0 or not unknown:
            break
        own_keys = [k for k in own_keys if k not in unknown]
    if r.returncode != 0:
        raise Failure("gateway check-config refuses the test configuration:\n"
                      + scrub(out)[:2000])
    if own_keys != list(OWN_TOPIC_KEYS):
        log("this gateway has no " + ", ".join(k for k in OWN_TOPIC_KEYS if k not in own_keys)
            + " setting: left out of gateway.yaml")

    inputs = collect_inputs(repo, run_id)
    os.makedirs(os.path.join(tmp, "inputs"))
    for i, inp in enumerate(inputs):
        inp.topic = topics[inp.topic_key]
        inp.path = os.path.join(tmp, "inputs", f"{i:03d}.json")
        with open(inp.path, "wb") as f:
            f.write(inp.value)
        explain(gateway_bin, config, inp)
    good = [i for i in inputs if i.good]
    ids = {}
    for i in good:
        if i.case_id in ids:
            raise Failure(f"{i.label} and {ids[i.case_id]} are the same case {i.case_id}: "
                          "the test needs one input per case")
        ids[i.case_id] = i.label
    expected_topics = sorted({i.lead[1] for i in good} | {t for i in good for _, t in i.co})
    log(f"gateway explain: {len(good)} good inputs to {len(expected_topics)} department topics "
        f"({sum(len(i.co) for i in good)} co-handler copies), "
        f"{len(inputs) - len(good)} bad inputs to the dead-letter topic")

    gw = Gateway(gateway_bin, config, tmp)
    reader = None
    try:
        t0 = time.monotonic()
        brokers = brokers_env
        if embedded:
            brokers = gw.wait_for(r"Embedded Kafka \(librdkafka mock cluster\) at (\S+)",
                                  args.timeout).group(1)
        gw.wait_for(r"Consuming .* as group ", args.timeout)
        log(f"gateway consuming after {time.monotonic() - t0:.1f} s (bootstrap {brokers})")

        produced_at = time.time()
        kcat_inputs = [i for i in inputs if i.client == "kcat"]
        py_inputs = [i for i in inputs if i.client == "kafka-python"]
        kcat_produce(brokers, kcat_inputs)
        kafka_python_produce(brokers, py_inputs)
        log(f"produced {len(kcat_inputs)} tickets with kcat "
            f"({sum(not i.good for i in kcat_inputs)} bad, 1 in GB18030) and "
            f"{len(py_inputs)} grid reports with kafka-python "
            f"({sum(not i.good for i in py_inputs)} bad)")

        reader = PythonReader(brokers)
        locate_inputs(reader, [topics["hotline"], topics["legacy"], topics["grid"]], inputs,
                      args.timeout)

        out_topics = dept_topics + [topics["dead"]]
        verdict, took = poll_until_complete(
            "kafka-python KafkaConsumer", lambda: reader.read(out_topics), inputs, dept_topics,
            topics["dead"], validator, produced_at, args.timeout)
        log(f"kafka-python: {verdict.cases} case records on {len(expected_topics)} department "
            f"topics and {verdict.dead} dead letters, all as expected, after {took:.1f} s")
        report_repeats("kafka-python", verdict)

        kcat_topics = expected_topics + [topics["dead"]]
        verdict, took = poll_until_complete(
            "kcat -C -J",
            lambda: kcat_read_all(brokers, kcat_topics),
            inputs, expected_topics, topics["dead"], validator, produced_at, args.timeout)
        log(f"kcat: {verdict.cases} case records and {verdict.dead} dead letters, all as "
            f"expected, after {took:.1f} s")
        report_repeats("kcat", verdict)
        if embedded:
            # The mock cluster lives in the gateway: nothing to read once it has stopped.
            reader.close()
            reader = None

        rc, took = gw.terminate(STOP_TIMEOUT_S)
        if rc is None:
            raise Failure(f"the gateway did not exit within {STOP_TIMEOUT_S:.0f} s of SIGTERM")
        if rc != 0:
            raise Failure(f"the gateway exited with status {rc} after SIGTERM (expected 0)")
        log(f"SIGTERM: gateway exited 0 after {took:.1f} s")

        if not embedded:
            offsets = reader.committed(group, [topics["hotline"], topics["legacy"],
                                               topics["grid"]], brokers)
            behind = {f"{tp.topic}[{tp.partition}]": c for tp, c in offsets.items()
                      if c[1] > 0 and c[0] != c[1]}
            if behind:
                raise Failure("after SIGTERM the group's committed offsets are not at the end of "
                              f"the input partitions ((committed, end)): {behind}")
            log(f"committed offsets of group {group} at the end of all "
                f"{len(offsets)} input partitions")
    except BaseException:
        tail = gw.tail()
        gw.kill()
        print(f"--- last lines of the gateway's output ({gw.log_path}):\n{tail}\n---",
              flush=True)
        raise
    finally:
        gw.kill()
        if reader is not None:
            reader.close()
        if not embedded and not args.keep:
            delete_topics(brokers_env, [topics[k] for k in ("hotline", "legacy", "grid", "dead")]
                          + [topics[k] for k in OWN_TOPIC_KEYS] + dept_topics)


def delete_topics(brokers, names):
    """Best effort: the shared test broker should not collect a run's topics."""
    try:
        from kafka import KafkaAdminClient

        admin = KafkaAdminClient(bootstrap_servers=brokers, request_timeout_ms=15000,
                                 client_id="clients-test-kafka-python")
        try:
            existing = set(admin.list_topics())
            admin.delete_topics([n for n in names if n in existing], timeout_ms=15000)
        finally:
            admin.close()
    except Exception as e:  # noqa: BLE001 -- cleanup only
        log(f"note: could not delete this run's topics ({type(e).__name__}: {e})")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--gateway", required=True, help="the gateway executable")
    p.add_argument("--repo", required=True, help="the repository root (samples, schema, routes)")
    p.add_argument("--kafka", choices=("auto", "real", "embedded"), default="auto",
                   help="auto: GW_TEST_KAFKA_BROKERS if set, else the embedded mock cluster")
    p.add_argument("--timeout", type=float, default=60.0,
                   help="seconds to wait for start-up and for the outputs (default 60)")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary directory and, on a real broker, the run's topics")
    args = p.parse_args()

    tmp = tempfile.mkdtemp(prefix="gw-clients-test-")
    ok = False
    try:
        run(args, tmp)
        ok = True
    except Failure as e:
        print(f"FAIL: {e}", flush=True)
    except subprocess.TimeoutExpired as e:
        print(f"FAIL: timed out: {e}", flush=True)
    except ImportError as e:
        print(f"FAIL: {e} (use /usr/bin/python3 with Debian's python3-kafka, python3-jsonschema "
              "and python3-yaml)", flush=True)
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if ok:
        print("PASS", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
