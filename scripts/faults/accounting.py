"""Accounts for every input: where did it end up, and how many times.

Records are attributed to inputs by this run's token:
* case records on department topics: the `sourceRef` of the case JSON is the token
  (good inputs carry it as ticketNo / reportId);
* dead letters: the token is found in the original bytes (the value); the record's key
  (the input's key, kept by the gateway) is cross-checked;
* input topics (read back too): the key, to tell producer-side duplicates and inputs that
  never reached Kafka from the gateway's own doing.
"""

from __future__ import annotations

import collections
import re

from inputs import InputPlan, token_regex


class Tally:
    def __init__(self, plan: InputPlan, department_topics: list[str], dead_letter_topic: str,
                 input_topics: list[str]):
        self.plan = plan
        self.department_topics = set(department_topics)
        self.dead_letter_topic = dead_letter_topic
        self.input_topics = set(input_topics)
        self.token = token_regex(plan.run_id)
        self.source_ref = re.compile(rb'"sourceRef"\s*:\s*"FT' + plan.run_id.encode()
                                     + rb'-([0-9]{7})"')
        n = len(plan)
        # seq -> Counter(topic -> records). Only inputs seen at all get an entry.
        self.cases: dict[int, collections.Counter] = collections.defaultdict(collections.Counter)
        self.dead = [0] * n  # dead letters per input
        self.dead_codes: dict[int, set[str]] = collections.defaultdict(set)
        self.dead_source_topic_wrong = 0  # source.topic header not the input's topic
        self.dead_key_mismatch = 0  # key is not the input's token
        self.input_copies = [0] * n
        # Where and when (ms, the producer's CreateTime) each input landed: first copy.
        self.input_partition = [-1] * n
        self.input_time_ms = [0] * n
        self.unexpected = 0  # records on watched topics that are none of this run's inputs
        self.records = collections.Counter()  # topic -> records seen

    # ----------------------------------------------------------------- record handlers

    def on_output(self, r) -> None:
        """A record of a department topic or of the dead-letter topic."""
        self.records[r.topic] += 1
        value = r.value or b""
        if r.topic == self.dead_letter_topic:
            m = self.token.search(value)
            if not m:
                self.unexpected += 1
                return
            seq = int(m.group(1))
            if seq >= len(self.dead):
                self.unexpected += 1
                return
            self.dead[seq] += 1
            headers = {k: v for k, v in (r.headers or [])}
            code = headers.get("error.code", b"").decode("utf-8", "replace")
            self.dead_codes[seq].add(code)
            src = headers.get("source.topic", b"").decode("utf-8", "replace")
            if src != self.plan.template(seq).topic:
                self.dead_source_topic_wrong += 1
            if r.key != self.plan.token(seq).encode():
                self.dead_key_mismatch += 1
        else:
            m = self.source_ref.search(value)
            if not m or int(m.group(1)) >= len(self.dead):
                self.unexpected += 1
                return
            self.cases[int(m.group(1))][r.topic] += 1

    def on_input(self, r) -> None:
        """A record of an input topic, as the driver produced it."""
        self.records[r.topic] += 1
        m = self.token.fullmatch(r.key or b"")
        if not m or int(m.group(1)) >= len(self.input_copies):
            self.unexpected += 1
            return
        seq = int(m.group(1))
        self.input_copies[seq] += 1
        if self.input_partition[seq] < 0:
            self.input_partition[seq] = r.partition
            self.input_time_ms[seq] = r.timestamp

    # ----------------------------------------------------------------- results

    def outstanding(self, sent: bytearray | None = None) -> int:
        """Inputs not yet accounted for: good ones missing a case on a department it should
        reach, bad ones without a dead letter. `sent` limits it to acknowledged inputs."""
        left = 0
        for seq in range(len(self.plan)):
            if sent is not None and not sent[seq]:
                continue
            t = self.plan.template(seq)
            if t.good:
                got = self.cases.get(seq)
                if not got or any(got[topic] == 0 for topic in t.expected_topics()):
                    left += 1
            elif self.dead[seq] == 0:
                left += 1
        return left

    def summary(self, sent: bytearray) -> dict:
        """Per-input classification, counted over the inputs the producer got acked."""
        s = collections.Counter()
        examples: dict[str, list[str]] = collections.defaultdict(list)

        def note(kind: str, seq: int) -> None:
            s[kind] += 1
            if len(examples[kind]) < 5:
                examples[kind].append(self.plan.token(seq))

        dup_seqs: list[int] = []
        for seq in range(len(self.plan)):
            if not sent[seq]:
                note("not_sent", seq)
                continue
            s["sent"] += 1
            t = self.plan.template(seq)
            copies = self.input_copies[seq]
            if copies == 0:
                note("not_on_input_topic", seq)
            elif copies > 1:
                note("input_duplicated", seq)
            got = self.cases.get(seq, collections.Counter())
            dup = False
            if t.good:
                s["good"] += 1
                if got[t.lead_topic] > 0:
                    s["routed"] += 1
                else:
                    note("missing", seq)
                    note("missing_good", seq)
                if any(got[c] == 0 for c in t.co_topics):
                    note("co_copy_missing", seq)
                if any(topic not in t.expected_topics() for topic in got) or self.dead[seq]:
                    note("misrouted", seq)
                dup = any(n > 1 for n in got.values()) or self.dead[seq] > 1
            else:
                s["bad"] += 1
                if self.dead[seq] > 0:
                    s["dead_lettered"] += 1
                    if self.dead_codes[seq] != {t.error_code}:
                        note("wrong_error_code", seq)
                else:
                    note("missing", seq)
                    note("missing_bad", seq)
                if got:
                    note("misrouted", seq)
                dup = self.dead[seq] > 1 or any(n > 1 for n in got.values())
            if dup:
                dup_seqs.append(seq)
                note("duplicated", seq)
                note("duplicated_good" if t.good else "duplicated_bad", seq)
                # duplicates the gateway made, not copies the producer wrote twice
                if copies <= 1:
                    note("duplicated_by_gateway", seq)
        out_ranges = _ranges(dup_seqs)
        extra = sum(max(0, n - 1) for c in self.cases.values() for n in c.values())
        extra += sum(max(0, n - 1) for n in self.dead)
        out = {k: s.get(k, 0) for k in (
            "sent", "good", "bad", "routed", "dead_lettered", "missing", "missing_good",
            "missing_bad", "duplicated", "duplicated_good", "duplicated_bad",
            "duplicated_by_gateway", "misrouted", "co_copy_missing",
            "wrong_error_code", "not_sent", "not_on_input_topic", "input_duplicated")}
        out["extra_records"] = extra
        out["dead_source_topic_wrong"] = self.dead_source_topic_wrong
        out["dead_key_mismatch"] = self.dead_key_mismatch
        out["unexpected_records"] = self.unexpected
        out["records_read"] = dict(sorted(self.records.items()))
        # Inputs are sent in sequence order, so these ranges show when duplicates arose.
        out["duplicated_ranges"] = out_ranges
        out["examples"] = dict(examples)  # a few tokens per kind, to look them up
        return out


def _ranges(seqs: list[int], gap: int = 50, limit: int = 30) -> list[list[int]]:
    """Sorted sequence numbers as [first, last, how many] ranges, merging gaps <= `gap`."""
    out: list[list[int]] = []
    for s in seqs:
        if out and s - out[-1][1] <= gap:
            out[-1][1] = s
            out[-1][2] += 1
        else:
            out.append([s, s, 1])
    return out[:limit]
