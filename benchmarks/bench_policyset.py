"""Compiled policy set × many random requests: decisions per second on one core.

The set: the 7 managed policies plus a tag-conditioned custom policy. The requests: random
X-Ray actions (group ARNs, sampling-rule ARNs or `*`, as each action requires) with random tag
situations, drawn with a fixed seed. Reported:

- cold: every request distinct in its context (no two requests alike), so nothing is reused
  beyond the compiled statements;
- stream: requests drawn from the realistic X-Ray domain, where requests repeat (the verdict
  matrix and widgets see this case).

Run: `.venv/bin/python benchmarks/bench_policyset.py [N]`; writes benchmarks/results/policyset.json.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from xraykit import catalog
from xraykit.engine import PolicySet

MANAGED = (
    "AWSXrayReadOnlyAccess",
    "AWSXRayDaemonWriteAccess",
    "AWSXrayWriteOnlyAccess",
    "AWSXrayFullAccess",
    "AWSXrayCrossAccountSharingConfiguration",
    "AmazonS3ReadOnlyAccess",
    "AWSElasticBeanstalkWebTier",
)
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


def rate(policies: PolicySet, batch: list[tuple[str, str, dict]]) -> float:
    decide = policies.decide
    start = time.perf_counter()
    for action, resource, context in batch:
        decide(action, resource, context=context)
    return len(batch) / (time.perf_counter() - start)


def main(n: int = 100_000) -> dict:
    policies = PolicySet(identity_policies=[*MANAGED, TAGGED])
    rate(policies, requests(2000, 1, distinct=True))  # warm the compiled statements
    stream = requests(n, 7, distinct=False)
    cold = requests(n, 8, distinct=True)
    result = {
        "requests": n,
        "stream_decisions_per_s": round(rate(policies, stream)),
        "cold_decisions_per_s": round(rate(policies, cold)),
        "goal_decisions_per_s": 200_000,
    }
    for key in ("stream", "cold"):
        result[f"{key}_ratio_to_goal"] = round(result[f"{key}_decisions_per_s"] / 200_000, 2)
    return result


if __name__ == "__main__":
    figures = main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
    print(json.dumps(figures, indent=2))
    out = Path(__file__).parent / "results" / "policyset.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
