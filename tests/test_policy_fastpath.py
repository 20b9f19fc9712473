"""The one-pass fast path of parse_policy gives exactly what the full check and normalization give."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xraykit.policy import PolicyKind, _fast_policy, _normalize, check_policy

ROOT = Path(__file__).resolve().parents[1]

atoms = st.sampled_from(
    [
        "*",
        "xray:GetGroup",
        "xray:Get*",
        "s3:*",
        "bad",
        "xray:Get Group",
        "arn:aws:xray:*:*:group/*",
        "arn:aws:s3:::b",
        "arn:aws",
        "123456789012",
        "arn:aws:iam::123456789012:root",
        "ec2.amazonaws.com",
        "Allow",
        "Deny",
        "allow",
        "2012-10-17",
        "2008-10-17",
        "x",
        "",
    ]
)
values = st.recursive(
    atoms | st.integers(-2, 2) | st.booleans() | st.none(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["AWS", "Service", "Aws", "StringEquals", "StringEqual", "aws:TagKeys", "k"]),
            inner,
            max_size=2,
        )
    ),
    max_leaves=6,
)
statement_keys = st.sampled_from(
    [
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
        "Efect",
    ]
)
statements = st.dictionaries(statement_keys, values, max_size=6)
documents = st.fixed_dictionaries(
    {"Statement": st.one_of(statements, st.lists(statements, max_size=3))},
    optional={"Version": st.sampled_from(["2012-10-17", "2008-10-17", "2012-10-18"]), "Id": atoms},
)


def _same_as_full_path(document, kind: PolicyKind) -> None:
    fast = _fast_policy(document, kind, "p")
    if fast is None:
        return
    assert check_policy(document, kind) == [], "the fast path accepted a policy the full check rejects"
    assert fast == _normalize(document, kind, "p")


@settings(max_examples=600, deadline=None)
@given(documents, st.sampled_from(list(PolicyKind)))
def test_the_fast_path_never_accepts_what_the_full_check_rejects(document, kind):
    _same_as_full_path(document, kind)


def _corpus():
    for path in sorted((ROOT / "xraykit" / "data" / "managed-policies").rglob("v*.json")):
        yield pytest.param(json.loads(path.read_text("utf-8")), id=str(path.relative_to(ROOT)))


@pytest.mark.parametrize("document", list(_corpus()))
def test_every_managed_policy_version_takes_the_fast_path_with_the_same_result(document):
    assert _fast_policy(document, PolicyKind.IDENTITY, "p") is not None
    _same_as_full_path(document, PolicyKind.IDENTITY)
