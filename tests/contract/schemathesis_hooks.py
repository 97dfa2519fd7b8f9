"""Schemathesis hooks for the contract test (run_schemathesis.py loads them through
SCHEMATHESIS_HOOKS=schemathesis_hooks): they give generated requests the credentials the
gateway wants, so that schemathesis reaches past 401.

Webhooks (/v1/webhooks/hotline, /v1/webhooks/grid, /v1/cases/{caseId}/updates): the
X-Gateway-Sender, X-Gateway-Timestamp and X-Gateway-Signature headers are set on the request
as `requests` finally prepared it, so the HMAC covers the exact body bytes sent
(docs/http-api.md, "Senders sign every request"):

    X-Gateway-Signature = "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body))

A case whose headers schemathesis generated to be invalid (negative mode), or that lacks one
of the three, is sent as generated: the gateway must refuse it with 401, and the checks see
that. One signed request in eight is signed by the sender that may not post there (403). Schemathesis's own report shows the generated header values, not the signed ones; to
replay a failure by hand, sign it again (docs/http-api.md has a curl example).

Admin endpoints (/metrics, /v1/routes, /v1/routes/explain, /admin/reload, /v1/cases/{caseId},
/v1/stats): an auth provider
sets `Authorization: Bearer <admin token>`, so that schemathesis knows the credentials are
explicit (its ignored_auth check removes them and expects 401).

The secrets come from the environment run_schemathesis.py sets:
GW_CONTRACT_ADMIN_TOKEN, GW_CONTRACT_INTAKE_SENDER / _SECRET (hotline and grid),
GW_CONTRACT_UPDATES_SENDER / _SECRET (updates).
"""
import hashlib
import hmac
import os
import re
import time

import requests.auth
import schemathesis
from hypothesis.internal import lambda_sources
from schemathesis.core.parameters import ParameterLocation

SIGNED_HEADERS = ("X-Gateway-Sender", "X-Gateway-Timestamp", "X-Gateway-Signature")
INTAKE_PATHS = {"/v1/webhooks/hotline", "/v1/webhooks/grid"}
UPDATES_PATH = "/v1/cases/{caseId}/updates"
ADMIN_PATHS = ["/metrics", "/v1/routes", "/v1/routes/explain", "/admin/reload",
               "/v1/cases/{caseId}", "/v1/stats"]
CASE_ID = re.compile(r"^(HL|GR)-[0-9a-f]{24}$")


def _describe_lambda_or_give_up(describe):
    """Hypothesis names the lambdas of a strategy (for its repr) by parsing their module with
    ast.parse. On the CPython of Debian 12 (3.11.2; fixed in 3.11.8) that parse can fail with
    "SystemError: AST constructor recursion depth mismatch" while schemathesis builds the
    explain body's strategy, which Hypothesis reports as a flaky runtime error of the run. The
    name is only for display: on that error, fall back to Hypothesis's own "<unknown>"."""

    def wrapper(f, *args, **kwargs):
        try:
            return describe(f, *args, **kwargs)
        except SystemError:
            return "lambda: <unknown>"

    return wrapper


lambda_sources._lambda_description = _describe_lambda_or_give_up(lambda_sources._lambda_description)


def _env(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"schemathesis_hooks: {name} is not set (run_schemathesis.py sets it)")
    return value


class GatewaySignature(requests.auth.AuthBase):
    """Signs the prepared request: runs after `requests` serialized the body.

    One request in FORBIDDEN_ONE_IN is signed, correctly, by the sender that may not post to
    this endpoint, so that the 403 answer is checked too. Which one depends on the body's
    bytes only, so a fixed seed picks the same requests every run."""

    FORBIDDEN_ONE_IN = 8

    def __init__(self, allowed, not_allowed):
        self.allowed = allowed          # (sender id, secret)
        self.not_allowed = not_allowed

    def __call__(self, r):
        body = r.body
        if body is None:
            body = b""
        elif isinstance(body, str):
            body = body.encode("utf-8")
        pick = int.from_bytes(hashlib.sha256(body).digest()[:4], "big") % self.FORBIDDEN_ONE_IN
        sender, secret = self.not_allowed if pick == 0 else self.allowed
        timestamp = str(int(time.time()))
        mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
        r.headers["X-Gateway-Sender"] = sender
        r.headers["X-Gateway-Timestamp"] = timestamp
        r.headers["X-Gateway-Signature"] = "sha256=" + mac.hexdigest()
        return r


def _has_all_signed_headers(case):
    names = {name.lower() for name in (case.headers or {})}
    return all(h.lower() in names for h in SIGNED_HEADERS)


def _negative_at(case, location):
    # case._meta, not case.meta: reading case.meta revalidates the case, which schemathesis
    # settles only once the request is prepared.
    meta = case._meta
    return meta is not None and meta.is_negative_at(location)


@schemathesis.hook
def before_call(context, case, kwargs):
    path = case.operation.path
    if path not in INTAKE_PATHS and path != UPDATES_PATH:
        return
    if _negative_at(case, ParameterLocation.HEADER) or not _has_all_signed_headers(case):
        return  # left as generated: the gateway must answer 401
    intake = (_env("GW_CONTRACT_INTAKE_SENDER"), _env("GW_CONTRACT_INTAKE_SECRET"))
    updates = (_env("GW_CONTRACT_UPDATES_SENDER"), _env("GW_CONTRACT_UPDATES_SECRET"))
    if path == UPDATES_PATH:
        # A valid update names the case of its path; a generated path and body would never
        # agree and every update would be 422. Point the path at the body's case when both
        # were generated valid.
        body = case.body
        if (
            isinstance(body, dict)
            and isinstance(body.get("caseId"), str)
            and CASE_ID.match(body["caseId"])
            and not _negative_at(case, ParameterLocation.PATH)
            and not _negative_at(case, ParameterLocation.BODY)
            and case.path_parameters
        ):
            case.path_parameters["caseId"] = body["caseId"]
        kwargs["auth"] = GatewaySignature(allowed=updates, not_allowed=intake)
    else:
        kwargs["auth"] = GatewaySignature(allowed=intake, not_allowed=updates)


@schemathesis.auth(retry_on=[]).apply_to(path=ADMIN_PATHS)
class AdminToken:
    def get(self, case, ctx):
        return _env("GW_CONTRACT_ADMIN_TOKEN")

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
