"""Test inputs for the fault scenarios: templates, unique ids, expectations.

Every input of a run carries a unique token ``FT<run>-<seq>`` (``<seq>`` is 7 digits):

* good inputs use it as their ``ticketNo`` / ``reportId``, so the case the gateway writes
  carries it as ``sourceRef`` (and a case id derived from it);
* bad inputs have it embedded in their bytes (the dead-letter topic carries the original
  bytes), usually as the ``ticketNo`` / ``reportId`` value, otherwise in another string;
* every input is also produced with the token as its Kafka key (the gateway keeps the
  input's key on a dead letter; case records are keyed by case id).

Templates come from the repository's config/samples (the reference formats) plus a few
bad inputs built here (not JSON, missing required field, bad time, wrong type). What each
template should become (lead department topic, co-handler topics, or the dead-letter
error.code) is learnt by running ``gateway explain`` once per template, on one instance
with a sample token, so the driver never re-implements the routing rules.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
from dataclasses import dataclass, field

HOTLINE = "hotline.tickets"
LEGACY = "hotline.legacy"  # GB18030 sender
GRID = "grid.reports"

SEQ_DIGITS = 7


def token_regex(run_id: str) -> re.Pattern:
    """Matches this run's tokens in bytes; group 1 is the sequence number."""
    return re.compile(rb"FT" + run_id.encode() + rb"-([0-9]{%d})" % SEQ_DIGITS)


def make_token(run_id: str, seq: int) -> str:
    return f"FT{run_id}-{seq:0{SEQ_DIGITS}d}"


@dataclass
class Template:
    """One kind of input. ``render(token)`` gives the bytes of one instance."""

    name: str
    topic: str
    good: bool
    charset: str  # what the gateway's input for `topic` is configured with
    raw: bytes  # the template bytes (a sample line or a built document)
    # Filled by learn_expectations():
    lead_topic: str | None = None
    co_topics: tuple[str, ...] = ()
    error_code: str | None = None

    def render(self, token: str) -> bytes:
        return inject_token(self.raw, token)

    def expected_topics(self) -> frozenset[str]:
        return frozenset((self.lead_topic,) + self.co_topics) if self.good else frozenset()


_ID_FIELD = re.compile(rb'("(?:ticketNo|reportId)"\s*:\s*")[^"]*(")')
_CONTENT_FIELD = re.compile(rb'("(?:content|description)"\s*:\s*")')


def inject_token(raw: bytes, token: str) -> bytes:
    """Puts the token into the template's bytes (all ASCII, so safe in GB18030 too).

    Replaces the ticketNo/reportId string if there is one; otherwise prepends it to the
    content/description string; otherwise (a JSON array, plain text) puts it near the start.
    """
    t = token.encode()
    out, n = _ID_FIELD.subn(lambda m: m.group(1) + t + m.group(2), raw, count=1)
    if n:
        return out
    out, n = _CONTENT_FIELD.subn(lambda m: m.group(1) + t + b" ", raw, count=1)
    if n:
        return out
    if raw.startswith(b"["):
        return b'["' + t + b'",' + raw[1:]
    return t + b" " + raw


def _read_samples(folder: str) -> list[tuple[str, str, bytes]]:
    """(name, topic, bytes) for every sample: a .jsonl line is one input, a .json file one."""
    out = []
    for topic in sorted(os.listdir(folder)):
        tdir = os.path.join(folder, topic)
        if not os.path.isdir(tdir):
            continue
        for fname in sorted(os.listdir(tdir)):
            path = os.path.join(tdir, fname)
            with open(path, "rb") as f:
                data = f.read()
            if fname.endswith(".jsonl"):
                for i, line in enumerate(data.splitlines()):
                    if line.strip():
                        out.append((f"{topic}/{fname}:{i + 1}", topic, line))
            elif fname.endswith(".json"):
                out.append((f"{topic}/{fname}", topic, data.rstrip(b"\n")))
    return out


def _built_bad_templates(ticket: dict, report: dict) -> list[tuple[str, str, bytes]]:
    """Bad inputs beyond the samples, derived from one good ticket and one good report."""

    def dump(d: dict) -> bytes:
        return json.dumps(d, ensure_ascii=False).encode("utf-8")

    def without(d: dict, key: str) -> dict:
        return {k: v for k, v in d.items() if k != key}

    def with_(d: dict, key: str, value) -> dict:
        e = dict(d)
        e[key] = value
        return e

    legacy_missing = without(ticket, "content")
    return [
        ("built/hotline-not-json", HOTLINE, b"<html><body>502 Bad Gateway</body></html>"),
        ("built/grid-not-json", GRID, b"reportId=;gridCode=64020200200202;eventType=?"),
        ("built/hotline-missing-callTime", HOTLINE, dump(without(ticket, "callTime"))),
        ("built/grid-missing-gridCode", GRID, dump(without(report, "gridCode"))),
        ("built/hotline-bad-time", HOTLINE, dump(with_(ticket, "callTime", "2025-02-30 25:61:00"))),
        ("built/grid-bad-time", GRID, dump(with_(report, "reportedAt", "2025-13-01T00:00:00+08:00"))),
        ("built/hotline-wrong-type", HOTLINE, dump(with_(ticket, "appealType", 42))),
        ("built/grid-wrong-type", GRID, dump(with_(report, "severity", "high"))),
        ("built/legacy-missing-content", LEGACY,
         json.dumps(legacy_missing, ensure_ascii=False).encode("gb18030")),
    ]


def load_templates(samples_dir: str, charsets: dict[str, str]) -> list[Template]:
    """Good and bad templates from the samples folder plus the built bad ones.

    A sample is classified good or bad later, by `gateway explain` (file names are not
    trusted); `charsets` maps input topic -> configured charset."""
    samples = _read_samples(samples_dir)
    first_ticket = next(json.loads(b) for n, t, b in samples
                        if t == HOTLINE and n.startswith(HOTLINE + "/tickets.jsonl"))
    first_report = next(json.loads(b) for n, t, b in samples
                        if t == GRID and n.startswith(GRID + "/reports.jsonl"))
    templates = []
    for name, topic, raw in samples + _built_bad_templates(first_ticket, first_report):
        if topic not in charsets:
            continue  # a sample folder for a topic this run does not consume
        templates.append(Template(name=name, topic=topic, good=True,
                                  charset=charsets[topic], raw=raw))
    return templates


_LEAD = re.compile(r"^lead:\s+\S+ .* -> topic (\S+)$", re.M)
_CO = re.compile(r"^co-handler:\s+\S+ .* -> topic (\S+)$", re.M)
_DEAD = re.compile(r"dead-letter topic with error\.code=([A-Za-z0-9_.-]+)")


def learn_expectations(templates: list[Template], gateway: str, config: str,
                       run_id: str) -> None:
    """Runs `gateway explain` on one instance of each template and records the outcome.

    Exit 0 with a `lead: ... -> topic T` line: a good input (plus `co-handler:` lines).
    Exit 1 with `... dead-letter topic with error.code=C`: a bad input. Anything else is a
    driver error (raised), never silently guessed."""
    for i, t in enumerate(templates):
        instance = t.render(make_token(run_id, 9_000_000 + i))
        p = subprocess.run([gateway, "--config", config, "explain", "--charset", t.charset, "-"],
                           input=instance, capture_output=True, timeout=60)
        out = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
        lead = _LEAD.search(out)
        dead = _DEAD.search(out)
        if p.returncode == 0 and lead:
            t.good = True
            t.lead_topic = lead.group(1)
            t.co_topics = tuple(sorted(set(_CO.findall(out)) - {t.lead_topic}))
        elif p.returncode == 1 and dead:
            t.good = False
            t.error_code = dead.group(1)
        else:
            # Do not print the output: it may hold the sample's (fake) personal data.
            raise RuntimeError(f"gateway explain of template {t.name}: unexpected result "
                               f"(exit {p.returncode}, no lead/dead-letter line)")


@dataclass
class InputPlan:
    """The inputs of one scenario, in sending order. Index = sequence number of the token."""

    run_id: str
    templates: list[Template]
    template_of: list[int] = field(default_factory=list)  # seq -> template index

    def __len__(self) -> int:
        return len(self.template_of)

    def token(self, seq: int) -> str:
        return make_token(self.run_id, seq)

    def template(self, seq: int) -> Template:
        return self.templates[self.template_of[seq]]

    def record(self, seq: int) -> tuple[str, bytes, bytes]:
        """(topic, key, value) of input `seq`."""
        t = self.template(seq)
        tok = self.token(seq)
        return t.topic, tok.encode(), t.render(tok)


def plan_inputs(templates: list[Template], count: int, run_id: str, seed: int,
                bad_fraction: float = 0.10, legacy_fraction: float = 0.01) -> InputPlan:
    """`count` inputs: ~bad_fraction bad (spread over the bad templates), ~legacy_fraction
    GB18030 tickets, the rest good tickets and grid reports half and half; shuffled."""
    rng = random.Random(seed)
    good_hot = [i for i, t in enumerate(templates) if t.good and t.topic == HOTLINE]
    good_grid = [i for i, t in enumerate(templates) if t.good and t.topic == GRID]
    good_legacy = [i for i, t in enumerate(templates) if t.good and t.topic == LEGACY]
    bad = [i for i, t in enumerate(templates) if not t.good]
    if not (good_hot and good_grid and bad):
        raise RuntimeError("templates must include good tickets, good reports and bad inputs")
    n_bad = max(1, round(count * bad_fraction)) if count >= 10 else 0
    n_legacy = round(count * legacy_fraction) if good_legacy else 0
    n_good = count - n_bad - n_legacy
    choice = ([good_hot[k % len(good_hot)] for k in range((n_good + 1) // 2)]
              + [good_grid[k % len(good_grid)] for k in range(n_good // 2)]
              + [good_legacy[k % len(good_legacy)] for k in range(n_legacy)]
              + [bad[k % len(bad)] for k in range(n_bad)])
    rng.shuffle(choice)
    return InputPlan(run_id=run_id, templates=templates, template_of=choice)
