"""Compiled policy set × many random requests: decisions per second on one core.

The set: the 7 managed policies plus a tag-conditioned custom policy. The requests: random
X-Ray actions (group ARNs, sampling-rule ARNs or `*`, as each action requires) with random tag
situations, drawn with a fixed seed. Reported:

- cold: every request distinct in its context (no two requests alike): each carries its own
  `aws:SourceIp`, a key no policy of the set reads;
- stream: requests drawn from the realistic X-Ray domain, where requests repeat (the verdict
  matrix and widgets see this case);
- distinct: every request distinct in what its decision depends on: its own principal, its own
  group or sampling rule (unique names and IDs in the ARN) and tag values drawn from hundreds, so
  no decision can be reused and each one is a real miss. For most X-Ray actions a statement of
  the set (`xray:*`, `Resource: "*"`, no condition) applies to every request, so what is left to
  do is checking the request (its ARN, its principal, its context) and the decision rule;
- distinct_matched: the same, for only the actions on which the set's statements must be matched
  against every request (UpdateGroup, DeleteGroup, TagResource, CreateGroup: conditional denies).

Each figure is one timed pass over its requests, after a garbage collection: the requests are
built just before, and the first full collection that walks them would otherwise fall in the timed
pass (about 0.1 s on the 2-core machine, a third of a pass). Collections the decisions themselves
cause are timed.

Run: `.venv/bin/python benchmarks/bench_policyset.py [N]`; writes benchmarks/results/policyset.json.
"""

from __future__ import annotations

import gc
import json
import random
import sys
import time
from pathlib import Path

from xraykit import catalog
from xraykit.engine import PolicySet
from xraykit.matrix import MANAGED_POLICIES

TAGGED = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyProdChanges",
            "Effect": "Deny",
            "Action": ["xray:UpdateGroup", "xray:DeleteGroup"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/stage": "prod"}},
        },
        {
            "Sid": "OwnTeamOnly",
            "Effect": "Allow",
            "Action": "xray:*Group",
            "Resource": "arn:aws:xray:*:*:group/*/*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
        },
        {
            "Sid": "TagKeysAllowList",
            "Effect": "Deny",
            "Action": ["xray:TagResource", "xray:CreateGroup"],
            "Resource": "*",
            "Condition": {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team", "stage"]}},
        },
    ],
}
ACCOUNT = "123456789012"


def requests(n: int, seed: int, distinct: bool) -> list[tuple[str, str, dict]]:
    """The cold (``distinct``) and stream requests: ``(action, resource, context)``."""
    rng = random.Random(seed)
    actions = catalog.actions("xray")
    out = []
    for i in range(n):
        action = rng.choice(actions)
        kinds = [r.name for r in action.resource_types]
        kind = rng.choice(kinds) if kinds and rng.random() < 0.9 else None
        if kind == "group":
            resource = (
                f"arn:aws:xray:us-east-1:{ACCOUNT}:group/g{rng.randrange(20)}/ID{rng.randrange(20):04d}"
            )
        elif kind == "sampling-rule":
            resource = f"arn:aws:xray:us-east-1:{ACCOUNT}:sampling-rule/r{rng.randrange(20)}"
        else:
            resource = "*"
        context: dict = {"aws:PrincipalTag/team": rng.choice(["core", "web", "data"])}
        if kind:
            context["aws:ResourceTag/team"] = rng.choice(["core", "web", "data"])
            context["aws:ResourceTag/stage"] = rng.choice(["prod", "dev"])
        if action.name in ("TagResource", "CreateGroup", "CreateSamplingRule"):
            context["aws:TagKeys"] = rng.sample(["team", "stage", "owner"], rng.randrange(1, 3))
        if distinct:
            context["aws:SourceIp"] = f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"
        out.append((action.full_name, resource, context))
    return out


MATCHED = ("xray:UpdateGroup", "xray:DeleteGroup", "xray:TagResource", "xray:CreateGroup")


def unique_requests(n: int, seed: int, only: tuple[str, ...] = ()) -> list[tuple[str, str, dict, str]]:
    """Requests no two of which agree on everything the decision reads: ``(..., principal)``."""
    rng = random.Random(seed)
    actions = [a for a in catalog.actions("xray") if not only or a.full_name in only]
    teams = [f"team{t}" for t in range(300)]
    out = []
    for i in range(n):
        action = rng.choice(actions)
        kinds = [r.name for r in action.resource_types]
        kind = rng.choice(kinds) if kinds and rng.random() < 0.9 else None
        if kind == "group":
            resource = f"arn:aws:xray:us-east-1:{ACCOUNT}:group/g{i}/ID{i:08X}"
        elif kind == "sampling-rule":
            resource = f"arn:aws:xray:us-east-1:{ACCOUNT}:sampling-rule/r{i}"
        else:
            resource = "*"
        team = rng.choice(teams)
        context: dict = {"aws:PrincipalTag/team": team}
        if kind:
            # half the resources belong to the principal's team, so both outcomes are exercised
            context["aws:ResourceTag/team"] = team if rng.random() < 0.5 else rng.choice(teams)
            context["aws:ResourceTag/stage"] = rng.choice(["prod", "dev", "test", f"stage{i % 97}"])
        if action.name in ("TagResource", "CreateGroup", "CreateSamplingRule"):
            context["aws:TagKeys"] = rng.sample(
                ["team", "stage", "owner", f"key{i % 89}"], rng.randrange(1, 4)
            )
        out.append((action.full_name, resource, context, f"arn:aws:iam::{ACCOUNT}:user/u{i}"))
    return out


def rate(policies: PolicySet, batch: list[tuple[str, str, dict]]) -> float:
    decide = policies.decide
    gc.collect()  # not the time to sweep the requests just built (the timed loop still may)
    start = time.perf_counter()
    for action, resource, context in batch:
        decide(action, resource, context=context)
    return len(batch) / (time.perf_counter() - start)


def rate_by_principal(policies: PolicySet, batch: list[tuple[str, str, dict, str]]) -> float:
    decide = policies.decide
    gc.collect()
    start = time.perf_counter()
    for action, resource, context, principal in batch:
        decide(action, resource, principal=principal, context=context)
    return len(batch) / (time.perf_counter() - start)


def main(n: int = 100_000) -> dict:
    policies = PolicySet(identity_policies=[*MANAGED_POLICIES, TAGGED])
    rate(policies, requests(2000, 1, distinct=True))  # warm the compiled statements
    stream = requests(n, 7, distinct=False)
    cold = requests(n, 8, distinct=True)
    result = {
        "requests": n,
        "stream_decisions_per_s": round(rate(policies, stream)),
        "cold_decisions_per_s": round(rate(policies, cold)),
    }
    del stream, cold
    distinct = unique_requests(n, 9)
    result["distinct_decisions_per_s"] = round(rate_by_principal(policies, distinct))
    del distinct
    matched = unique_requests(n, 10, MATCHED)
    result["distinct_matched_decisions_per_s"] = round(rate_by_principal(policies, matched))
    result["goal_decisions_per_s"] = 200_000
    for key in ("stream", "cold", "distinct", "distinct_matched"):
        result[f"{key}_ratio_to_goal"] = round(result[f"{key}_decisions_per_s"] / 200_000, 2)
    return result


if __name__ == "__main__":
    figures = main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
    print(json.dumps(figures, indent=2))
    out = Path(__file__).parent / "results" / "policyset.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
