"""The JSON Lines case format: one request with its policies per line, one answer per line.

The format (shared with the differential tests against an independent evaluator)::

    {"id": "c1", "identity_policies": [...], "permission_boundaries": [], "scps": [], "rcps": [],
     "session_policy": null, "resource_policy": null,
     "principal": "arn:aws:iam::123456789012:user/alice", "action": "xray:GetGroup",
     "resource": "arn:aws:xray:us-east-1:123456789012:group/g/ABC", "resource_account": "123456789012",
     "context": {"aws:TagKeys": ["env"]}, "resource_tags": {"env": "prod"}, "request_tags": {"env": "prod"}}

``resource_tags`` adds ``aws:ResourceTag/K``; ``request_tags`` adds ``aws:RequestTag/K`` and
``aws:TagKeys``; neither overrides a key already in ``context`` (compared case-insensitively). The
context is authoritative: nothing is derived from the principal.

Each answer is ``{"id": ..., "decision": "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" |
"Error", ...}``. A decision comes with why: the ``reason`` (``allow-found``, ``explicit-deny``,
``no-allow``, ``cross-account-needs-both``, ``key-policy-required``), the layer that ``decided_by``
it (the deny, or the allow that counted; ``null`` for an implicit deny) and the layers it was
``blocked_by`` (for an implicit deny), worded as ``xraykit simulate --json`` words them. ``Error``
carries the validation ``issues`` instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any

from xraykit.errors import Issue, XrayKitError, json_issue, too_deep

if TYPE_CHECKING:
    from xraykit.engine import PolicySet
    from xraykit.result import Evaluation

__all__ = [
    "CASE_FIELDS",
    "POLICY_FIELDS",
    "answer_line",
    "case_context",
    "decide_case",
    "run_stream",
    "run_stream_bytes",
]

#: The fields of a case that hold policies.
POLICY_FIELDS = (
    "identity_policies",
    "permission_boundaries",
    "scps",
    "rcps",
    "session_policy",
    "resource_policy",
)
#: Every field a case may have, in the format's order.
CASE_FIELDS = (
    "id",
    *POLICY_FIELDS,
    "principal",
    "action",
    "resource",
    "resource_account",
    "context",
    "resource_tags",
    "request_tags",
)
_CASE_KEYS = frozenset(CASE_FIELDS)


def case_context(case: Mapping[str, Any]) -> dict[str, Any]:
    """The request context of a case: ``context`` plus the keys its tags add."""
    raw = case.get("context") or {}
    if not isinstance(raw, Mapping):
        raise XrayKitError(Issue("context", "the context must map condition keys to values"))
    for field in ("resource_tags", "request_tags"):
        if not isinstance(case.get(field) or {}, Mapping):
            raise XrayKitError(Issue(field, f"`{field}` must map tag keys to values"))
    context = dict(raw)
    present = {str(k).lower() for k in context}

    def add(key: str, value: Any) -> None:
        if key.lower() not in present:
            context[key] = value
            present.add(key.lower())

    for key, value in (case.get("resource_tags") or {}).items():
        add(f"aws:ResourceTag/{key}", value)
    request_tags = case.get("request_tags") or {}
    for key, value in request_tags.items():
        add(f"aws:RequestTag/{key}", value)
    if request_tags:
        add("aws:TagKeys", list(request_tags))
    return context


def decide_case(case: Any) -> dict[str, Any]:
    """Answer one case (see the module docstring); never raises for bad input."""
    from xraykit.direct import decide_documents

    case_id = case.get("id") if isinstance(case, Mapping) else None
    try:
        if not isinstance(case, Mapping):
            raise XrayKitError(Issue("", "a case must be a JSON object"))
        if not _CASE_KEYS.issuperset(case):
            unknown = sorted(set(case) - _CASE_KEYS)
            raise XrayKitError(Issue(unknown[0], f"unknown case field `{unknown[0]}`"))
        for field in ("action", "principal"):
            if not isinstance(case.get(field), str):
                raise XrayKitError(Issue(field, f"the case needs `{field}` as a string"))
        try:
            context = case_context(case)
        except XrayKitError:
            _policies(case)  # the policies' issues come first, as on the full path
            raise
        answer = decide_documents(
            action=case["action"],
            resource=case.get("resource") or "*",
            principal=case["principal"],
            context=context,
            resource_account=case.get("resource_account"),
            identity_policies=case.get("identity_policies"),
            permission_boundaries=case.get("permission_boundaries"),
            scps=case.get("scps"),
            rcps=case.get("rcps"),
            session_policy=case.get("session_policy"),
            resource_policy=case.get("resource_policy"),
        )
        if answer is None:
            evaluation = _full_path(case, context)
            answer = evaluation.decision, evaluation.reason, evaluation.decided_by, evaluation.blocked_by
    except XrayKitError as error:
        return {"id": case_id, "decision": "Error", "issues": [i.to_dict() for i in error.issues]}
    decision, reason, decided_by, blocked_by = answer
    return {
        "id": case_id,
        "decision": decision.value,
        "reason": reason.value,
        "decided_by": None if decided_by is None else decided_by.value,
        "blocked_by": [layer.value for layer in blocked_by],
    }


def _policies(case: Mapping[str, Any]) -> PolicySet:
    """The case's policies compiled by the engine (raises with every issue of every policy)."""
    from xraykit.engine import PolicySet

    return PolicySet(
        identity_policies=case.get("identity_policies") or (),
        permission_boundaries=case.get("permission_boundaries") or None,
        scps=case.get("scps") or None,
        rcps=case.get("rcps") or None,
        session_policy=case.get("session_policy"),
        resource_policy=case.get("resource_policy"),
    )


def _full_path(case: Mapping[str, Any], context: dict[str, Any]) -> Evaluation:
    """The engine's full path: every policy checked (issues worded and located), then evaluated."""
    return _policies(case).evaluate(
        case["action"],
        case.get("resource") or "*",
        principal=case["principal"],
        context=context,
        resource_account=case.get("resource_account"),
    )


def answer_line(line: str | bytes, number: int) -> dict[str, Any]:
    """The answer to one line of the stream (line ``number``, counted from 1): a case or not JSON."""
    import orjson  # several times faster than the standard library on these lines

    try:
        case = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        return {"id": None, "decision": "Error", "issues": [_not_json(line, number, error)]}
    return decide_case(case)


def _not_json(line: str | bytes, number: int, error: json.JSONDecodeError) -> dict[str, Any]:
    """The issue for a line the fast parser rejected, worded and placed as for any JSON text.

    The standard library's parser re-reads the line so the message and hint are the ones every
    other JSON input in xraykit gets (:func:`xraykit.errors.json_issue`); the few texts only the
    standard library takes (``NaN``, a number too large for a double) are reported at the place
    the fast parser stopped, since they are not JSON either.
    """
    path = f"line {number}"
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as bad:
            return {"path": path, "message": f"not valid JSON: byte {bad.start + 1} is not UTF-8 text"}
    try:
        json.loads(line)
    except json.JSONDecodeError as stdlib_error:
        error = stdlib_error
    except RecursionError:
        return too_deep(path=path, expected="a case").to_dict()
    return json_issue(error, path=path, expected="a case", line=number).to_dict()


def run_stream(stdin: IO[str], stdout: IO[str]) -> int:
    """Read cases line by line, write answers line by line (flushed per line); return 0.

    A line that is not JSON gets an ``Error`` answer with a ``null`` id; blank lines are skipped.
    (:func:`run_stream_bytes` is the same over binary streams, and what the command uses.)
    """
    import orjson

    for number, line in enumerate(stdin, 1):
        if line.strip():
            stdout.write(orjson.dumps(answer_line(line, number)).decode() + "\n")
            stdout.flush()
    return 0


def run_stream_bytes(stdin: IO[bytes], stdout: IO[bytes]) -> int:
    """:func:`run_stream` over binary streams, answering whatever input has arrived; return 0.

    Input is read as it comes (``read1``: never waiting for more than one read), every complete
    line in it is answered, and the answers are flushed together before the next read. So an
    answer is never held back while the stream waits for input, and a fast producer does not cost
    one write per answer. Bytes that are not UTF-8 make that line's answer an ``Error``.
    """
    import orjson

    dumps = orjson.dumps
    read = getattr(stdin, "read1", stdin.read)
    pending = b""
    number = 0
    while True:
        chunk = read(1 << 16)
        lines = (pending + chunk).split(b"\n")
        pending = lines.pop() if chunk else b""
        answers = []
        for line in lines:
            number += 1
            if line.strip():
                answers.append(dumps(answer_line(line, number)))
        if answers:
            stdout.write(b"\n".join(answers) + b"\n")
            stdout.flush()
        if not chunk:
            return 0
