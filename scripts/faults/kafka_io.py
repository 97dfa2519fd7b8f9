"""Kafka clients of the driver (Debian's python3-kafka 2.0.2, `import kafka`).

A client implementation independent of the gateway's librdkafka:
* PacedProducer: sends the planned inputs at a fixed rate, never gives up on one;
* TopicReader: reads topics from the beginning, incrementally, up to their end offsets;
* GroupWatcher: samples the gateway group's members, assignments and committed offsets.
"""

from __future__ import annotations

import collections
import logging
import threading
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition

from inputs import InputPlan

# kafka-python logs every refused connection to a killed broker at ERROR/WARNING.
logging.getLogger("kafka").setLevel(logging.CRITICAL)


class PacedProducer(threading.Thread):
    """Produces plan inputs 0..N-1 at `rate` per second, in the background.

    acks=all. kafka-python 2.0.2 has no idempotent producer, so a retried batch may land
    twice; such input duplicates are measured separately (the input topics are read back).
    Beyond the client's own retries, an input whose send fails (e.g. a batch that expired
    while a partition had no leader) is queued and sent again until acknowledged."""

    def __init__(self, bootstrap: str, plan: InputPlan, rate: float):
        super().__init__(name="producer", daemon=True)
        self.bootstrap = bootstrap
        self.plan = plan
        self.rate = rate
        self.submitted = 0  # inputs handed to the client at least once (first attempts)
        self.acked = bytearray(len(plan))  # 1 when acknowledged
        self.acked_count = 0
        self.resends = 0  # sends repeated by this driver after a failed delivery
        self.failures: collections.deque[int] = collections.deque()
        self.started_at = 0.0
        self.submitted_all_at = 0.0
        self.finished_at = 0.0
        self.error: BaseException | None = None
        self.stop_flag = threading.Event()

    def _on_ok(self, seq: int):
        def cb(_meta):
            if not self.acked[seq]:
                self.acked[seq] = 1
                self.acked_count += 1
        return cb

    def _on_err(self, seq: int):
        def cb(_exc):
            self.failures.append(seq)
        return cb

    def _send(self, producer: KafkaProducer, seq: int) -> None:
        topic, key, value = self.plan.record(seq)
        fut = producer.send(topic, key=key, value=value)
        fut.add_callback(self._on_ok(seq))
        fut.add_errback(self._on_err(seq))

    def run(self) -> None:
        try:
            producer = KafkaProducer(
                bootstrap_servers=self.bootstrap, acks="all", linger_ms=10,
                batch_size=64 * 1024, retries=1000, retry_backoff_ms=200,
                request_timeout_ms=15000, max_block_ms=120000, buffer_memory=64 * 1024 * 1024,
                client_id="faults-producer")
            n = len(self.plan)
            self.started_at = time.time()
            while self.submitted < n and not self.stop_flag.is_set():
                due = min(n, int((time.time() - self.started_at) * self.rate) + 1)
                while self.submitted < due:
                    self._send(producer, self.submitted)
                    self.submitted += 1
                self._resend_failures(producer)
                time.sleep(0.005)
            self.submitted_all_at = time.time()
            # Until every input is acknowledged (failed ones are sent again).
            while self.acked_count < n and not self.stop_flag.is_set():
                producer.flush(timeout=5)
                self._resend_failures(producer)
                if not self.failures and self.acked_count < n:
                    time.sleep(0.05)
            producer.flush(timeout=30)
            producer.close(timeout=10)
        except BaseException as e:  # reported by the scenario
            self.error = e
        finally:
            self.finished_at = time.time()

    def _resend_failures(self, producer: KafkaProducer) -> None:
        while self.failures:
            seq = self.failures.popleft()
            if not self.acked[seq]:
                self.resends += 1
                self._send(producer, seq)


class TopicReader:
    """Reads every partition of some topics from the beginning, without a group.

    `catch_up()` reads from where the previous call stopped up to the end offsets at the
    time of the call, handing each record to `on_record(ConsumerRecord)`. Partitions that
    appear later (none should) are picked up at the next call."""

    def __init__(self, bootstrap: str, topics: list[str], on_record, name: str):
        self.topics = topics
        self.on_record = on_record
        self.consumer = KafkaConsumer(
            bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
            auto_offset_reset="earliest", client_id=f"faults-reader-{name}",
            fetch_max_bytes=32 * 1024 * 1024, max_partition_fetch_bytes=8 * 1024 * 1024,
            max_poll_records=5000, request_timeout_ms=30000)
        self.assigned: set[TopicPartition] = set()
        self.records = 0

    def _assign_all(self) -> None:
        """Assigns every partition of the topics; new ones start at the beginning."""
        self.consumer.topics()  # refreshes metadata
        tps = {TopicPartition(t, p) for t in self.topics
               for p in (self.consumer.partitions_for_topic(t) or ())}
        if tps == self.assigned:
            return
        # assign() forgets the positions of partitions already held: keep them.
        kept = {tp: self.consumer.position(tp) for tp in self.assigned}
        self.consumer.assign(sorted(tps))
        for tp in tps:
            if tp in kept:
                self.consumer.seek(tp, kept[tp])
            else:
                self.consumer.seek_to_beginning(tp)
        self.assigned = tps

    def catch_up(self, timeout: float = 300) -> int:
        """Reads up to the current end offsets; returns the records read in this call."""
        self._assign_all()
        if not self.assigned:
            return 0
        end = self.consumer.end_offsets(list(self.assigned))
        pending = {tp for tp in self.assigned if self.consumer.position(tp) < end[tp]}
        got = 0
        deadline = time.time() + timeout
        while pending and time.time() < deadline:
            batch = self.consumer.poll(timeout_ms=500)
            # Records past the end snapshot are handled too: the position has moved past
            # them, so dropping them here would skip them for good.
            for records in batch.values():
                for r in records:
                    self.on_record(r)
                    got += 1
            for tp in list(pending):
                if self.consumer.position(tp) >= end[tp]:
                    pending.discard(tp)
        if pending:
            raise TimeoutError(f"reading {self.topics}: {len(pending)} partitions not read to "
                               f"their end within {timeout:.0f} s")
        self.records += got
        return got

    def close(self) -> None:
        self.consumer.close()


def family(admin: KafkaAdminClient, group: str) -> list[str]:
    """The gateway's consumer groups: `group` (its intake of the input topics) and any
    `group.<stage>` (e.g. `group.routing`, a stage consuming an internal topic)."""
    names = {g for g, _ in admin.list_consumer_groups()}
    return sorted(g for g in names | {group} if g == group or g.startswith(group + "."))


def describe(admin: KafkaAdminClient, group: str) -> dict:
    """A group's state, members (client.id -> set of (topic, partition)) and committed
    offsets ((topic, partition) -> offset)."""
    (desc,) = admin.describe_consumer_groups([group])
    members: dict[str, set] = {}
    for m in desc.members:
        tps = members.setdefault(m.client_id, set())
        a = m.member_assignment
        for topic, parts in (a.assignment if a else ()):
            tps.update((topic, p) for p in parts)
    offsets = admin.list_consumer_group_offsets(group)
    committed = {(tp.topic, tp.partition): om.offset for tp, om in offsets.items()
                 if om.offset >= 0}
    return {"state": desc.state, "members": members, "committed": committed}


class GroupWatcher(threading.Thread):
    """Samples the gateway's consumer groups (see family()) about once a second: state,
    members (by client.id) with their partitions, committed offsets. Errors (a broker being
    down) skip a sample."""

    def __init__(self, bootstrap: str, group: str, period: float = 1.0):
        super().__init__(name="group-watcher", daemon=True)
        self.bootstrap = bootstrap
        self.group = group
        self.period = period
        self.samples: list[dict] = []  # {"t": time, "groups": {group: describe()}}
        self.stop_flag = threading.Event()
        self.errors = 0
        self.admin: KafkaAdminClient | None = None

    def sample(self) -> dict:
        if self.admin is None:
            self.admin = KafkaAdminClient(bootstrap_servers=self.bootstrap,
                                          client_id="faults-watcher", request_timeout_ms=5000)
        return {"t": time.time(),
                "groups": {g: describe(self.admin, g) for g in family(self.admin, self.group)}}

    def run(self) -> None:
        while not self.stop_flag.is_set():
            t0 = time.time()
            try:
                self.samples.append(self.sample())
            except Exception:
                self.errors += 1
                self.admin = None  # reconnect next time
            self.stop_flag.wait(max(0.0, self.period - (time.time() - t0)))

    def close(self) -> None:
        self.stop_flag.set()
        self.join(10)
        if self.admin is not None:
            try:
                self.admin.close()
            except Exception:
                pass


def group_lag(bootstrap: str, group: str, input_topics: list[str]) -> dict[str, int]:
    """Per group of the gateway (see family()): records not committed yet, over every
    partition of the topics it consumes (the input topics for `group`; for the others, the
    topics its members hold or it has committed offsets for)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="faults-lag",
                             request_timeout_ms=10000)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None,
                             client_id="faults-lag", request_timeout_ms=10000)
    try:
        lags = {}
        for g in family(admin, group):
            d = describe(admin, g)
            topics = {t for t, _ in d["committed"]}
            topics |= {t for tps in d["members"].values() for t, _ in tps}
            if g == group:
                topics |= set(input_topics)
            tps = [TopicPartition(t, p) for t in sorted(topics)
                   for p in (consumer.partitions_for_topic(t) or ())]
            end = consumer.end_offsets(tps) if tps else {}
            lags[g] = sum(max(0, end[tp] - d["committed"].get((tp.topic, tp.partition), 0))
                          for tp in tps)
        return lags
    finally:
        consumer.close()
        admin.close()


def broker_roles(bootstrap: str, group: str, topics: list[str]) -> dict[int, dict]:
    """For each broker: is it the group's coordinator, how many of `topics`' partitions it
    leads. For the report of which broker a fault hit; best effort."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="faults-roles",
                             request_timeout_ms=10000)
    try:
        roles: dict[int, dict] = {}
        for t in admin.describe_topics(topics):
            for p in t["partitions"]:
                r = roles.setdefault(p["leader"], {"coordinator": False, "leads": 0})
                r["leads"] += 1
        # kafka-python 2.0.2 has no public call for this one.
        coordinator = admin._find_coordinator_ids([group])[group]
        roles.setdefault(coordinator, {"coordinator": False, "leads": 0})["coordinator"] = True
        return roles
    finally:
        admin.close()
