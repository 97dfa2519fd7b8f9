#!/usr/bin/python3
"""Checks schemas/hotline-ticket.v1 and grid-report.v1 against the reference samples and
against inputs the adapters refuse (draft 2020-12, Debian's python3-jsonschema).

usage: check_input_schemas.py SCHEMAS_DIR [SAMPLES_DIR]   exits 1 on any disagreement.
"""
import copy
import json
import os
import sys

import jsonschema

TICKET = {
    "ticketNo": "SZS12345-20250921-000001", "channel": "phone", "callTime": "2025-09-21 10:22:00",
    "caller": {"name": "王先生", "phone": "13830166131", "anonymous": False}, "appealType": "投诉",
    "content": "暖气不热", "region": {"districtCode": "640202"}, "category": ["住房保障", "物业管理", "供暖"],
    "urgency": "紧急", "deadline": "2025-09-25T10:22:00+08:00",
    "attachments": [{"type": "audio", "url": "https://x/1.mp3"}],
}
REPORT = {
    "reportId": "GR-640202-20250921-0001", "gridCode": "64020200200202", "eventType": "安全隐患",
    "description": "消防通道被占用", "location": {"lng": 106.37, "lat": 39.01, "crs": "GCJ-02"},
    "occurredAt": 1758421140000, "severity": 3, "photos": ["https://x/1.jpg"],
}


def changed(base, path, value):
    """A copy of base with the field at path (a list of keys) set, or removed if value is DROP."""
    doc = copy.deepcopy(base)
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is DROP:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


DROP = object()

TICKET_ACCEPTED = [
    TICKET,
    {"ticketNo": "T", "callTime": 1758421320000, "appealType": "咨询", "content": ""},
    changed(TICKET, ["callTime"], "2025-09-21T02:22:00.123Z"),
    changed(TICKET, ["callTime"], "2025-09-21T10:22:00+0800"),
    changed(TICKET, ["urgency"], None),
    changed(TICKET, ["caller"], None),
    changed(TICKET, ["vendorExtra"], {"anything": [1, 2]}),
    changed(TICKET, ["attachments"], [{"url": "https://x/2"}]),
]
TICKET_REFUSED = [changed(TICKET, [key], DROP) for key in ("ticketNo", "callTime", "appealType", "content")] + [
    changed(TICKET, ["ticketNo"], None),
    changed(TICKET, ["ticketNo"], ""),
    changed(TICKET, ["ticketNo"], "T" * 65),
    changed(TICKET, ["ticketNo"], 12345),
    changed(TICKET, ["channel"], ""),
    changed(TICKET, ["appealType"], "抱怨"),
    changed(TICKET, ["urgency"], "urgent"),
    changed(TICKET, ["category"], []),
    changed(TICKET, ["category"], ["a", "b", "c", "d"]),
    changed(TICKET, ["category"], ["a", ""]),
    changed(TICKET, ["region", "districtCode"], "64020"),
    changed(TICKET, ["callTime"], "yesterday"),
    changed(TICKET, ["callTime"], "2025-09-21 24:00:00"),
    changed(TICKET, ["callTime"], "2025-09-21 10:22:00+08:00"),
    changed(TICKET, ["callTime"], "2025-09-21T10:22:00+15:00"),
    changed(TICKET, ["callTime"], 0),
    changed(TICKET, ["caller", "anonymous"], "yes"),
    changed(TICKET, ["attachments"], [{"type": "audio"}]),
]
REPORT_ACCEPTED = [
    REPORT,
    {"reportId": "R", "gridCode": "64020200100311", "eventType": "民生服务", "description": "d"},
    changed(REPORT, ["location"], {"lng": 106.37}),
    changed(REPORT, ["location"], {"lng": 106.37, "lat": None}),
    changed(REPORT, ["selfHandled"], True),
    changed(REPORT, ["appVersion"], "3.1"),
]
REPORT_REFUSED = [changed(REPORT, [key], DROP) for key in ("reportId", "gridCode", "eventType", "description")] + [
    changed(REPORT, ["gridCode"], "6402020020020"),
    changed(REPORT, ["gridCode"], 64020200200202),
    changed(REPORT, ["eventType"], "噪音扰民"),
    changed(REPORT, ["location"], {"lng": 106.37, "lat": 39.01}),
    changed(REPORT, ["location"], {"lng": 106.37, "lat": 39.01, "crs": None}),
    changed(REPORT, ["location", "lng"], 180.5),
    changed(REPORT, ["location", "crs"], "CGCS2000"),
    changed(REPORT, ["severity"], 5),
    changed(REPORT, ["severity"], "3"),
    changed(REPORT, ["photos"], [""]),
    changed(REPORT, ["occurredAt"], "2025-09-21"),
]


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    schemas_dir = sys.argv[1]
    samples_dir = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("GW_SAMPLES_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "reference-samples"))

    def validator(name):
        with open(os.path.join(schemas_dir, name), encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        return jsonschema.Draft202012Validator(schema)

    def lines(name):
        with open(os.path.join(samples_dir, name), encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    ticket = validator("hotline-ticket.v1.schema.json")
    report = validator("grid-report.v1.schema.json")
    failures = []
    for label, v, accepted, refused in [
        ("hotline", ticket, lines("hotline-tickets.jsonl") + TICKET_ACCEPTED, TICKET_REFUSED),
        ("grid", report, lines("grid-reports.jsonl") + REPORT_ACCEPTED, REPORT_REFUSED),
    ]:
        failures_before = len(failures)
        for doc in accepted:
            errors = list(v.iter_errors(doc))
            if errors:
                failures.append(f"{label}: should accept {json.dumps(doc, ensure_ascii=False)[:120]}: {errors[0].message}")
        for doc in refused:
            if v.is_valid(doc):
                failures.append(f"{label}: should refuse {json.dumps(doc, ensure_ascii=False)[:160]}")
        if len(failures) == failures_before:
            print(f"{label}: {len(accepted)} accepted, {len(refused)} refused as expected")
    for name in ("missing-required.json", "not-an-object.json", "wrong-types.json"):
        with open(os.path.join(samples_dir, "bad", name), encoding="utf-8") as f:
            if ticket.is_valid(json.load(f)):
                failures.append(f"hotline: should refuse bad/{name}")
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
