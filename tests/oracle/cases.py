"""Seeded random requests and policies for the differential tests against iam-simulate.

``generate(n, seed)`` yields cases in the JSON Lines case format of ``tests/oracle/README.md``. The
same seed always gives the same cases, and case ``i`` depends only on ``(seed, i)``, so a
disagreement can be regenerated alone with :func:`case_at`. Each case builds the request first
(principal, action, resource, context) and then policies whose elements mostly half-match it, so
the decisions come out balanced rather than nearly all implicit denies.

The generator covers every X-Ray action, group and sampling-rule ARNs, KMS keys with key policies,
other services with resource policies (S3, SQS, Secrets Manager, STS role trust), cross-account
requests, permission boundaries, multi-level SCPs and RCPs, session policies, every condition
operator family, policy variables and a few malformed inputs. It stays out of the areas where AWS
leaves the answer undefined (see the README); where the oracle departs from AWS's documented
rules, ``departures.json`` names the rule and :data:`DEPARTURES` holds the predicate that
recognises such a case.

Run ``python tests/oracle/cases.py N SEED`` to print N cases as JSON Lines. Standard library only.
"""

from __future__ import annotations

import functools
import json
import os
import random
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

Case = dict[str, Any]
Doc = dict[str, Any]

ACCOUNT, OTHER, THIRD = "123456789012", "444455556666", "111122223333"
REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
ORG = "o-a1b2c3d4e5"

# X-Ray actions -> the resource kinds a request may name ("*" for no resource-level permissions).
_STAR = ("*",)
XRAY_ACTIONS: dict[str, tuple[str, ...]] = {
    **{
        a: _STAR
        for a in [
            "BatchGetTraceSummaryById",
            "BatchGetTraces",
            "CallWithBearerToken",
            "CancelTraceRetrieval",
            "DeleteResourcePolicy",
            "GetDistinctTraceGraphs",
            "GetEncryptionConfig",
            "GetGroups",
            "GetIndexingRules",
            "GetInsight",
            "GetInsightEvents",
            "GetInsightImpactGraph",
            "GetInsightSummaries",
            "GetRetrievedTracesGraph",
            "GetSamplingRules",
            "GetSamplingStatisticSummaries",
            "GetSamplingTargets",
            "GetServiceGraph",
            "GetTimeSeriesServiceStatistics",
            "GetTraceGraph",
            "GetTraceSegmentDestination",
            "GetTraceSummaries",
            "Link",
            "ListResourcePolicies",
            "ListRetrievedTraces",
            "PutEncryptionConfig",
            "PutResourcePolicy",
            "PutSpans",
            "PutSpansForIndexing",
            "PutTelemetryRecords",
            "PutTraceSegments",
            "StartTraceRetrieval",
            "UpdateIndexingRule",
            "UpdateTraceSegmentDestination",
        ]
    },
    **{a: ("group",) for a in ("CreateGroup", "DeleteGroup", "GetGroup", "UpdateGroup")},
    **{a: ("sampling-rule",) for a in ("CreateSamplingRule", "DeleteSamplingRule", "UpdateSamplingRule")},
    **{a: ("group", "sampling-rule") for a in ("ListTagsForResource", "TagResource", "UntagResource")},
}
# Service-specific condition keys per action (global aws: keys apply to every action).
_XRAY_KEYS: dict[str, tuple[str, ...]] = {
    "CreateGroup": ("request-tags",),
    "CreateSamplingRule": ("request-tags",),
    "TagResource": ("request-tags",),
    "UntagResource": ("aws:TagKeys",),
    "PutResourcePolicy": ("xray:ResourcePolicyName",),
    "DeleteResourcePolicy": ("xray:ResourcePolicyName",),
    "PutSpans": ("logs:LogGeneratingResourceArns",),
    "PutTraceSegments": ("logs:LogGeneratingResourceArns",),
    "UpdateTraceSegmentDestination": ("xray:TraceSegmentDestination",),
}
KMS_KEY_ACTIONS = ("Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey", "CreateGrant", "ReEncryptFrom")
KMS_STAR_ACTIONS = ("ListKeys", "CreateKey", "ListAliases")
OTHER_ACTIONS = {
    "s3": ("GetObject", "PutObject", "DeleteObject", "ListBucket"),
    "sqs": ("SendMessage", "ReceiveMessage", "DeleteMessage"),
    "secretsmanager": ("GetSecretValue", "DescribeSecret", "PutSecretValue"),
}
SERVICE_PRINCIPALS = ("sns.amazonaws.com", "events.amazonaws.com", "xray.amazonaws.com", "logs.amazonaws.com")
KNOWN_OPERATORS = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
]
FAMILY_OPERATORS: dict[str, list[str]] = {
    "string": KNOWN_OPERATORS[0:6],
    "numeric": KNOWN_OPERATORS[6:12],
    "date": KNOWN_OPERATORS[12:18],
    "bool": ["Bool"],
    "binary": ["BinaryEquals"],
    "ip": ["IpAddress", "NotIpAddress"],
    "arn": KNOWN_OPERATORS[22:26],
}
OPERATOR_FAMILY = {op: fam for fam, ops in FAMILY_OPERATORS.items() for op in ops} | {"Null": "null"}

# Condition keys: name -> (family, multi-valued, sample values). Tag keys come from resource_tags and
# request_tags; `$date` values are filled per case so that one case uses one date format.
TAGS = {"env": ("prod", "dev", "Prod"), "team": ("eng", "ops", "data"), "owner": ("alice", "bob", "dana")}
KEYS: dict[str, tuple[str, bool, tuple[Any, ...]]] = {
    "aws:username": ("string", False, ("alice", "bob", "dana")),
    "aws:userid": ("string", False, ("AIDAJQABLZS4A3QDU576Q", "AROADBQP57FF2AEXAMPLE:session-1")),
    "aws:PrincipalTag/team": ("string", False, ("eng", "ops", "Eng", "a*b")),
    "aws:PrincipalTag/project": ("string", False, ("tracing", "billing", "trac$ng")),
    "aws:PrincipalAccount": ("string", False, (ACCOUNT, OTHER)),
    "aws:PrincipalOrgID": ("string", False, (ORG, "o-zzzzzzzzzz")),
    "aws:PrincipalType": ("string", False, ("User", "AssumedRole")),
    "aws:RequestedRegion": ("string", False, REGIONS),
    "aws:SourceVpce": ("string", False, ("vpce-1a2b3c4d", "vpce-9z8y7x6w")),
    "aws:MultiFactorAuthAge": ("numeric", False, (300, "3600", "86400", "0")),
    "aws:CurrentTime": ("date", False, ("$date",)),
    "aws:TokenIssueTime": ("date", False, ("$date",)),
    "aws:EpochTime": ("date", False, ("$epoch",)),
    "aws:SecureTransport": ("bool", False, ("true", "false", True, False)),
    "aws:MultiFactorAuthPresent": ("bool", False, ("true", "false", True)),
    "aws:ViaAWSService": ("bool", False, ("true", "false")),
    "aws:SourceIp": (
        "ip",
        False,
        ("203.0.113.7", "198.51.100.20", "10.1.2.3", "2001:db8::17", "2001:db8:abcd::5"),
    ),
    "aws:PrincipalArn": ("arn", False, ("$principal-arn",)),
    "aws:SourceArn": (
        "arn",
        False,
        (
            f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts",
            f"arn:aws:s3:::logs-{OTHER}",
            f"arn:aws:events:eu-west-1:{OTHER}:rule/nightly",
        ),
    ),
    "aws:SourceAccount": ("string", False, (ACCOUNT, OTHER)),
    "aws:PrincipalTag/cert": ("binary", False, ("QUJDRA==", "eHJheWtpdA==", "c2VjcmV0")),
    "aws:CalledVia": (
        "string",
        True,
        (["athena.amazonaws.com"], ["cloudformation.amazonaws.com", "athena.amazonaws.com"], []),
    ),
    "aws:PrincipalServiceNamesList": (
        "string",
        True,
        (["ec2.amazonaws.com"], ["lambda.amazonaws.com", "xray.amazonaws.com"]),
    ),
    "aws:PrincipalOrgPaths": (
        "string",
        True,
        ([f"{ORG}/r-ab12/ou-ab12-11111111/"], [f"{ORG}/r-ab12/ou-ab12-22222222/"]),
    ),
    "aws:TagKeys": ("string", True, (["env"], ["env", "team"], ["Owner"], [])),
    "logs:LogGeneratingResourceArns": (
        "arn",
        True,
        (
            [f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0abc1234"],
            [
                f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:checkout",
                f"arn:aws:ecs:us-east-1:{OTHER}:task/web/1a2b",
            ],
            [],
        ),
    ),
    "xray:ResourcePolicyName": ("string", False, ("sns-delivery", "events-delivery")),
    "xray:TraceSegmentDestination": ("string", False, ("XRay", "CloudWatchLogs")),
    "kms:ViaService": ("string", False, ("xray.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com")),
    "kms:CallerAccount": ("string", False, (ACCOUNT, OTHER)),
    "kms:GrantIsForAWSResource": ("bool", False, ("true", "false")),
    "kms:EncryptionContextKeys": ("string", True, (["aws:xray:arn"], ["aws:s3:arn", "purpose"], [])),
    "s3:prefix": ("string", False, ("home/alice/", "home/bob/photos/", "public/")),
    "s3:max-keys": ("numeric", False, ("10", "1000", 250)),
    "sts:ExternalId": ("string", False, ("Unique-ID-42", "unique-id-42")),
}
_GLOBAL_KEYS = [k for k in KEYS if k.startswith("aws:") and k != "aws:TagKeys"]


def service_keys(action: str) -> list[str]:
    """Service-specific condition keys this generator may put in the context of ``action``."""
    service, name = action.split(":")
    if service == "xray":
        return [k for k in _XRAY_KEYS.get(name, ()) if k != "request-tags"] + (
            ["aws:TagKeys"] if "request-tags" in _XRAY_KEYS.get(name, ()) else []
        )
    if service == "kms" and name in KMS_KEY_ACTIONS:
        keys = ["kms:ViaService", "kms:CallerAccount"]
        keys += ["kms:GrantIsForAWSResource"] if name == "CreateGrant" else []
        keys += (
            ["kms:EncryptionContextKeys"]
            if name in ("Decrypt", "Encrypt", "GenerateDataKey", "CreateGrant")
            else []
        )
        return keys
    if service == "kms" and name == "CreateKey":
        return ["kms:ViaService", "kms:CallerAccount"]
    if action == "s3:ListBucket":
        return ["s3:prefix", "s3:max-keys"]
    if action == "sts:AssumeRole":
        return ["sts:ExternalId"]
    return []


class _Gen:
    """One case while it is built: its random source, the request, and the context it carries."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.principal = ""
        self.principal_account = ACCOUNT
        self.username: str | None = None
        self.action = ""
        self.resource = "*"
        self.resource_account = ACCOUNT
        self.context: dict[str, Any] = {}
        self.resource_tags: dict[str, str] = {}
        self.request_tags: dict[str, str] = {}
        self.keys: list[str] = []  # condition keys that may appear for this action
        self.date_format = "epoch" if self.chance(0.3) else "iso"
        self.variables = True  # policy variables allowed in the policy being built (Version 2012-10-17)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, seq: Any) -> Any:
        return self.rng.choice(list(seq))

    def one_or_list(self, items: list[Any]) -> Any:
        return items[0] if len(items) == 1 and self.chance(0.6) else items

    # -- the request ---------------------------------------------------------------------------
    def set_principal(self, account: str, kinds: tuple[str, ...] = ("user", "session")) -> None:
        kind = self.pick(kinds)
        self.principal_account, self.username = account, None
        if kind == "user":
            self.username = self.pick(("alice", "bob", "dana"))
            path = "dev/" if self.username == "dana" else ""
            self.principal = f"arn:aws:iam::{account}:user/{path}{self.username}"
        elif kind == "session":
            role = self.pick(("xray-daemon", "app-role", "admin-role"))
            self.principal = (
                f"arn:aws:sts::{account}:assumed-role/{role}/{self.pick(('i-0abc1234', 'session-1'))}"
            )
        elif kind == "federated":
            self.username = "bob"
            self.principal = f"arn:aws:sts::{account}:federated-user/bob"
        else:
            self.principal, self.principal_account = self.pick(SERVICE_PRINCIPALS), ""

    def role_arn(self) -> str | None:
        """The role behind an assumed-role session (the role admin-role sits under the path ops/)."""
        m = re.match(r"arn:aws:sts::(\d+):assumed-role/([^/]+)/", self.principal)
        if not m:
            return None
        path = "ops/" if m.group(2) == "admin-role" else ""
        return f"arn:aws:iam::{m.group(1)}:role/{path}{m.group(2)}"

    def principal_chain(self) -> list[str]:
        """Every ARN a NotPrincipal lists to leave this principal out, its account root included."""
        chain = [self.principal, *[r for r in [self.role_arn()] if r]]
        if "federated-user" in self.principal:
            chain.append(f"arn:aws:iam::{self.principal_account}:user/bob")
        return [*chain, f"arn:aws:iam::{self.principal_account}:root"]

    def build_context(self, extra: list[str]) -> None:
        """Choose the keys the request carries; conditions then test these and some absent ones."""
        self.keys = [k for k in _GLOBAL_KEYS if k != "aws:EpochTime" or self.date_format == "epoch"] + extra
        for key in self.keys:
            if key == "aws:username" or (key == "aws:TagKeys" and self.request_tags):
                continue
            value = self.value_for(key) if self.chance(0.35 if key in extra else 0.15) else None
            if value is not None:
                self.context[self.case_key(key)] = value
        if self.username and self.chance(0.7):
            self.context["aws:username"] = self.username

    def case_key(self, key: str) -> str:
        """Condition key names are case-insensitive: now and then write one differently."""
        return key.lower() if self.chance(0.06) else key

    def value_for(self, key: str) -> Any:
        _, multi, values = KEYS[key]
        value = self.pick(values)
        if value == "$date":
            return self.date(0)
        if value == "$epoch":
            return str(self.epoch(0))
        if value == "$principal-arn":  # AWS sets no aws:PrincipalArn for a service principal
            return None if self.principal in SERVICE_PRINCIPALS else self.role_arn() or self.principal
        return list(value) if multi else value

    def epoch(self, days: int) -> int:
        return 1_750_000_000 + days * 86_400 + self.rng.randrange(0, 3) * 3600

    def date(self, days: int) -> str:
        seconds = self.epoch(days)
        return str(seconds) if self.date_format == "epoch" else _iso(seconds)

    def actual(self, key: str) -> Any:
        """The value the request gives ``key`` (None when absent), as the case format defines it."""
        for name, value in self.context.items():
            if name.lower() == key.lower():
                return value
        prefix, _, tag = key.partition("/")
        if prefix.lower() == "aws:resourcetag":
            return self.resource_tags.get(tag)
        if prefix.lower() == "aws:requesttag":
            return self.request_tags.get(tag)
        if key.lower() == "aws:tagkeys" and self.request_tags:
            return list(self.request_tags)
        return None

    def tag_keys(self) -> list[str]:
        keys = [f"aws:ResourceTag/{k}" for k in self.resource_tags]
        keys += [f"aws:RequestTag/{k}" for k in self.request_tags]
        return keys + (["aws:TagKeys"] if self.request_tags else [])

    def add_tags(self, resource: bool, request: bool) -> None:
        if resource and self.chance(0.6):
            for tag in self.rng.sample(sorted(TAGS), self.rng.randint(1, 2)):
                self.resource_tags[tag] = self.pick(TAGS[tag])
        if request and self.chance(0.6):
            for tag in self.rng.sample(sorted(TAGS), self.rng.randint(1, 2)):
                self.request_tags[tag] = self.pick(TAGS[tag])
        if self.resource_tags and self.chance(0.1):  # the context wins over a tag of the same key
            tag = self.pick(sorted(self.resource_tags))
            self.context[self.pick((f"aws:ResourceTag/{tag}", f"AWS:resourcetag/{tag}"))] = "override"

    def case(self, **layers: Any) -> Case:
        case: Case = {"principal": self.principal, "action": self.action, "resource": self.resource}
        case.update({k: v for k, v in layers.items() if v not in (None, [])})
        if self.resource_account != _arn_account(self.resource) or self.chance(0.2):
            case["resource_account"] = self.resource_account
        for name, value in (
            ("context", self.context),
            ("resource_tags", self.resource_tags),
            ("request_tags", self.request_tags),
        ):
            if value:
                case[name] = value
        return case


def _arn_account(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[4] if len(parts) >= 6 and parts[4] else None


def _iso(seconds: int) -> str:
    """ISO 8601 in UTC with a Z, computed without the local time zone."""
    days, rem = divmod(seconds, 86_400)
    z = days + 719_468  # civil-from-days, proleptic Gregorian
    era, doe = divmod(z, 146_097)
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day, month = doy - (153 * mp + 2) // 5 + 1, mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (month <= 2)
    return f"{year:04d}-{month:02d}-{day:02d}T{rem // 3600:02d}:{rem % 3600 // 60:02d}:{rem % 60:02d}Z"


def wildcard_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM wildcard matching (`*` any run, `?` one character); used only to steer the generator."""
    if ignore_case:
        pattern, value = pattern.lower(), value.lower()
    p = v = 0
    star, mark = -1, 0
    while v < len(value):
        if p < len(pattern) and pattern[p] in ("?", value[v]):
            p, v = p + 1, v + 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark, p = p, v, p + 1
        elif star >= 0:
            p, mark = star + 1, mark + 1
            v = mark
        else:
            return False
    return all(c == "*" for c in pattern[p:])


def _case_variant(g: _Gen, text: str) -> str:
    return g.pick((text.lower(), text.upper(), text.swapcase(), text[:1].lower() + text[1:]))


# -- Action / NotAction -----------------------------------------------------------------------------
def _action_patterns(g: _Gen, match: bool) -> list[str]:
    service, name = g.action.split(":")
    service = service.lower()
    if match:
        k = g.rng.randint(1, max(1, len(name) - 1))
        options = [
            g.action,
            f"{service}:*",
            f"{service}:{name[:k]}*",
            f"{service}:*{name[k:]}",
            f"{_case_variant(g, service)}:{_case_variant(g, name)}",
            "*",
        ]
        i, j = sorted(g.rng.sample(range(len(name) + 1), 2))
        options += [f"{service}:{name[:i]}?{name[i + 1 :]}", f"{service}:*{name[i:j]}*"]
        if len(name) > i + 2:
            options.append(f"{service}:{name[:i]}??{name[i + 2 :]}")
        return [g.pick(options)]
    other = g.pick(_service_actions(service))
    while other.lower() == name.lower():
        other = g.pick(_service_actions(service))
    k = g.rng.randint(1, max(1, len(other) - 1))
    near = g.pick((f"{service}:{name}?", f"{service}:{name[:-1]}", f"{service}:{name}s*"))
    for candidate in (near, f"{service}:{other[:k]}*", f"{service}:{other}", f"s3:{name}"):
        if not wildcard_match(candidate, g.action, ignore_case=True):
            return [candidate]
    return [f"{service}:NoSuchAction"]


@functools.cache
def _service_actions(service: str) -> list[str]:
    if service == "xray":
        return list(XRAY_ACTIONS)
    if service == "kms":
        return [*KMS_KEY_ACTIONS, *KMS_STAR_ACTIONS]
    if service == "sts":
        return ["AssumeRole", "TagSession", "GetCallerIdentity"]
    return list(OTHER_ACTIONS[service])


def action_element(g: _Gen, applies: bool) -> tuple[str, Any]:
    """("Action" | "NotAction", value) that matches the request action exactly when ``applies``."""
    negate = g.chance(0.12)
    extra = g.chance(0.3)
    if applies != negate:  # Action that matches, or NotAction that leaves it out
        items = _action_patterns(g, True) + (_action_patterns(g, False) if extra else [])
        g.rng.shuffle(items)
    else:
        items = _action_patterns(g, False)
    return ("NotAction" if negate else "Action"), g.one_or_list(items)


# -- Resource / NotResource -------------------------------------------------------------------------
def _resource_patterns(g: _Gen, match: bool) -> list[str]:
    arn = g.resource
    if arn == "*":  # an action without resource-level permissions: only a literal "*" grants it
        service = g.action.split(":")[0]
        return ["*"] if match else [g.pick((f"arn:aws:{service}:*:{ACCOUNT}:*", f"arn:aws:{service}:*:*:*"))]
    _, partition, service, region, account, rest = arn.split(":", 5)
    # the resource-type prefix ("group/", "secret:") stays literal: wildcards go after it
    head, sep, last = (
        rest.rpartition("/") if "/" in rest else rest.partition(":") if ":" in rest else ("", "", rest)
    )
    prefix = f"arn:{partition}:{service}:{region}:{account}:"
    if match:
        options = [arn, "*", f"{prefix}{head}{sep}*"]
        if region:
            options.append(f"arn:{partition}:{service}:*:{account}:{rest}")
        if account:
            options.append(f"arn:{partition}:{service}:{region}:*:{rest}")
        if region and account:
            options.append(f"arn:{partition}:{service}:*:*:{rest}")
        kind = re.match(r"[^/:]+[/:]", rest)
        if kind:  # every resource of the type: "group/*", "secret:*"
            options.append(f"{prefix}{kind.group(0)}*")
        if last:
            i = g.rng.randrange(len(last))
            options.append(f"{prefix}{head}{sep}{last[:i]}?{last[i + 1 :]}")
            options.append(f"{prefix}{head}{sep}{last[:1]}*{last[i + 1 : i + 3]}*{last[-1:]}")
        if g.variables and g.username and g.username in rest.split("/"):
            options += [arn.replace(f"/{g.username}", "/${aws:username}", 1)] * 3
        team = re.search(r"/team-([a-z]+)/", rest)
        if g.variables and team:  # resolved from the context, or from the default when the tag is absent
            options += [
                arn.replace(team.group(0), "/team-${aws:PrincipalTag/team}/"),
                arn.replace(team.group(0), f"/team-${{aws:PrincipalTag/team, '{team.group(1)}'}}/"),
            ]
        return [g.pick(options)]
    options = [
        f"{prefix}{head}{sep}{last}-old",
        f"{prefix}{head}{sep}{_case_variant(g, last)}",
        f"{prefix}{head}{sep}{last}?",
        f"{prefix}{head}{sep}{last[:2]}*x",
    ]
    if account:
        options.append(f"arn:{partition}:{service}:{region}:{OTHER if account != OTHER else ACCOUNT}:{rest}")
    if region:
        options.append(f"arn:{partition}:{service}:ap-south-1:{account}:{rest}")
    if service == "xray":
        other = "sampling-rule/*" if rest.startswith("group/") else "group/*"
        options.append(f"{prefix}{other}")
    if g.variables and g.username:
        options.append(f"{prefix}{head}{sep}${{aws:username}}-x")
    g.rng.shuffle(options)
    for candidate in options:
        if not wildcard_match(candidate.replace("${aws:username}", g.username or "?"), arn):
            return [candidate]
    return [f"{prefix}nothing"]


def resource_element(g: _Gen, applies: bool) -> tuple[str, Any]:
    """("Resource" | "NotResource", value) that covers the request resource exactly when ``applies``."""
    if g.chance(0.1):  # no variables in NotResource: how AWS treats an unresolvable one there is unstated
        keep, g.variables = g.variables, False
        value = _resource_patterns(g, not applies)
        g.variables = keep
        return "NotResource", g.one_or_list(value)
    items = _resource_patterns(g, applies)
    if g.chance(0.25):
        items += _resource_patterns(g, False)
    return "Resource", g.one_or_list(items)


# -- Principal / NotPrincipal -----------------------------------------------------------------------
def principal_element(g: _Gen, applies: bool) -> Any:
    """A Principal naming the requester (directly, by role, account or `*`) when ``applies``."""
    if g.principal in SERVICE_PRINCIPALS:
        if applies:
            return g.pick(({"Service": g.principal}, {"Service": [g.principal, "sns.amazonaws.com"]}, "*"))
        return {"Service": g.pick([s for s in SERVICE_PRINCIPALS if s != g.principal])}
    account = g.principal_account
    if applies:
        options: list[Any] = [g.principal, f"arn:aws:iam::{account}:root", account, "*", {"AWS": "*"}]
        options += [g.role_arn()] * 2 if g.role_arn() else []
        chosen = g.pick(options)
        if isinstance(chosen, dict) or chosen == "*":
            return chosen
        aws = [chosen] + ([f"arn:aws:iam::{THIRD}:root"] if g.chance(0.25) else [])
        return {"AWS": g.one_or_list(aws)}
    others = [
        f"arn:aws:iam::{THIRD}:root",
        f"arn:aws:iam::{account}:user/mallory",
        f"arn:aws:iam::{account}:role/other-role",
        THIRD,
        f"arn:aws:sts::{account}:assumed-role/other-role/s",
    ]
    return g.pick(({"AWS": g.pick(others)}, {"Service": "sns.amazonaws.com"}))


def not_principal_element(g: _Gen, exempt: bool) -> Any:
    """A NotPrincipal for a Deny: the requester's whole chain when ``exempt``, else strangers."""
    if exempt:
        return {"AWS": g.principal_chain()}
    return {"AWS": [f"arn:aws:iam::{THIRD}:user/ops", f"arn:aws:iam::{THIRD}:root"]}


# -- Condition ---------------------------------------------------------------------------------------
def _string_values(g: _Gen, key: str, actual: Any, op: str) -> list[Any]:
    like = "Like" in op
    domain = list(KEYS[key][2]) if key in KEYS else [v for vs in TAGS.values() for v in vs]
    flat = [x for v in domain for x in (v if isinstance(v, list) else [v])]
    base = g.pick(actual) if isinstance(actual, list) and actual else actual
    options: list[Any] = [g.pick(flat) if flat else "x"]
    if isinstance(base, str) and base:
        options += [base, base, _case_variant(g, base)]
        if like:
            k = g.rng.randint(0, len(base) - 1)
            options += [base[:k] + "*", "*" + base[k:], base[:k] + "?" + base[k + 1 :], "*"]
        if "*" in base:
            options.append(base.replace("*", "${*}"))
        if "$" in base:
            options.append(base.replace("$", "${$}"))
    positive = "Not" not in op
    if positive and g.variables:
        if g.username and base == g.username:
            options += ["${aws:username}"] * 2
        if key.lower().endswith("/team"):
            options += ["${aws:PrincipalTag/team}", "${aws:PrincipalTag/team, 'eng'}"]
        if key == "s3:prefix":
            options += ["home/${aws:username}/*"] if like else []
    return g.rng.sample(options, min(len(options), g.rng.randint(1, 2)))


def _ip_values(g: _Gen, actual: Any) -> list[str]:
    v4 = ["203.0.113.0/24", "198.51.100.0/22", "10.0.0.0/8", "192.0.2.0/24", "203.0.113.7"]
    v6 = ["2001:db8::/32", "2001:db8:abcd::/48", "2001:db8::17", "2001:db9::/32"]
    ipv6 = isinstance(actual, str) and ":" in actual
    pool = (v6 * 2 + v4 if ipv6 else v4 * 2 + v6) + ["0.0.0.0/0", "::/0"]
    return g.rng.sample(pool, g.rng.randint(1, 2))


def _arn_values(g: _Gen, actual: Any, op: str) -> list[str]:
    base = g.pick(actual) if isinstance(actual, list) and actual else actual
    if not isinstance(base, str) or not base.startswith("arn:"):
        base = g.pick(
            (
                f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts",
                g.principal if ":" in g.principal else "arn:aws:s3:::b",
            )
        )
    _, partition, service, region, account, rest = base.split(":", 5)
    options = [
        base,
        f"arn:{partition}:{service}:*:{account}:{rest}",
        f"arn:{partition}:{service}:{region}:{account}:*",
        f"arn:{partition}:{service}:{region}:{THIRD if account else ''}:{rest}",
        f"arn:{partition}:{service}:*:*:*",
    ]
    if g.variables and g.username and g.username in rest and "Not" not in op:
        options.append(base.replace(g.username, "${aws:username}"))
    return g.rng.sample(options, g.rng.randint(1, 2))


def _values(g: _Gen, key: str, family: str, op: str, actual: Any) -> list[Any]:
    if family == "string":
        return _string_values(g, key, actual, op)
    if family == "numeric":
        n = int(actual) if isinstance(actual, (int, str)) and str(actual).isdigit() else 3600
        return [
            g.pick((str(n), n, str(n + g.pick((-600, 1, 3600))), str(max(0, n - 1)), f"{n}.5"))
            for _ in range(g.rng.randint(1, 2))
        ]
    if family == "date":
        return [g.date(g.pick((-30, -1, 0, 1, 30))) for _ in range(g.rng.randint(1, 2))]
    if family == "bool":
        return [g.pick(("true", "false", True, False, "true", "false"))]
    if family == "ip":
        return _ip_values(g, actual)
    if family == "arn":
        return _arn_values(g, actual, op)
    domain = list(KEYS[key][2])
    return g.rng.sample(domain, g.rng.randint(1, 2))


def _key_family(key: str) -> tuple[str, bool]:
    if key in KEYS:
        return KEYS[key][0], KEYS[key][1]
    return "string", key.lower() == "aws:tagkeys"


def condition_entry(g: _Gen) -> tuple[str, str, Any]:
    """One (operator, key, values) test: keys the request has, or sometimes lacks."""
    present = [k for k in g.context] + g.tag_keys()
    pool = present if present and g.chance(0.7) else g.keys + g.tag_keys()
    key = g.pick(pool)
    canonical = next((k for k in [*KEYS, *g.tag_keys()] if k.lower() == key.lower()), key)
    family, multi = _key_family(canonical)
    actual = g.actual(canonical)
    if g.chance(0.08) and actual != []:  # Null on a key whose value is an empty list is left undefined
        return "Null", key, g.pick(("true", "false", True, False))
    if multi or g.chance(0.1):
        if family not in ("string", "arn"):
            family, canonical = "string", "aws:PrincipalTag/team"
            key, actual = canonical, g.actual(canonical)
        op = f"{g.pick(('ForAnyValue', 'ForAllValues'))}:{g.pick(FAMILY_OPERATORS[family])}"
    else:
        op = g.pick(FAMILY_OPERATORS[family]) + ("IfExists" if g.chance(0.2) else "")
    return op, key, g.one_or_list(_values(g, canonical, family, op, actual))


def condition_block(g: _Gen) -> dict[str, dict[str, Any]]:
    block: dict[str, dict[str, Any]] = {}
    for _ in range(g.pick((1, 1, 1, 2, 2, 3))):
        op, key, values = condition_entry(g)
        block.setdefault(op, {})[key] = values
    return block


# -- Statements and policies -------------------------------------------------------------------------
def statement(g: _Gen, effect: str, applies: bool, layer: str, p_condition: float = 0.35) -> Doc:
    """A statement whose Action and Resource both cover the request exactly when ``applies``."""
    action_hits = applies or g.chance(0.5)
    resource_hits = applies or not action_hits or g.chance(0.3)
    if not applies and action_hits and resource_hits:
        action_hits = False
    st: Doc = {}
    if g.chance(0.3):
        st["Sid"] = f"S{g.rng.randrange(10**6)}"
    st["Effect"] = effect
    if layer == "resource":
        if effect == "Deny" and g.principal not in SERVICE_PRINCIPALS and g.chance(0.15):
            st["NotPrincipal"] = not_principal_element(g, exempt=g.chance(0.5))
        else:
            st["Principal"] = principal_element(g, g.chance(0.85))
    elif layer == "rcp":
        st["Principal"] = "*"
    name, value = action_element(g, action_hits)
    if layer == "rcp":  # RCPs take neither NotAction nor "*" in Action; "service:*" means the same here
        if name == "NotAction":
            name, value = "Action", _action_patterns(g, action_hits)
        service = g.action.split(":")[0].lower()
        value = (
            [f"{service}:*" if v == "*" else v for v in value]
            if isinstance(value, list)
            else (f"{service}:*" if value == "*" else value)
        )
    st[name] = value
    if not (layer == "resource" and g.action == "sts:AssumeRole"):  # trust policies have no Resource
        name, value = resource_element(g, resource_hits)
        st[name] = value
    if g.chance(p_condition):
        st["Condition"] = condition_block(g)
    return st


def policy(g: _Gen, statements: list[Doc], name: str | None = None) -> Any:
    doc: Doc = {"Version": "2012-10-17"}
    if g.chance(0.05) and not _has_variable(statements):
        doc = {} if g.chance(0.3) else {"Version": "2008-10-17"}
    doc["Statement"] = statements[0] if len(statements) == 1 and g.chance(0.15) else statements
    return {"name": name, "policy": doc} if name and g.chance(0.3) else doc


def _has_variable(value: Any) -> bool:
    return "${" in json.dumps(value)


def identity_policies(g: _Gen, first_allow: float = 0.7) -> list[Any]:
    policies = []
    for i in range(g.pick((1, 1, 1, 2, 2, 3))):
        sts = [statement(g, "Allow", g.chance(first_allow if i == 0 else 0.5), "identity")]
        for _ in range(g.pick((0, 0, 1, 2))):
            effect = "Deny" if g.chance(0.4) else "Allow"
            sts.append(statement(g, effect, g.chance(0.4 if effect == "Deny" else 0.5), "identity"))
        policies.append(policy(g, sts, f"inline-{i}"))
    return policies


def boundary(g: _Gen) -> list[Any]:
    sts = [statement(g, "Allow", g.chance(0.7), "pb", 0.2)]
    if g.chance(0.25):
        sts.append(statement(g, "Deny", g.chance(0.4), "pb"))
    return [policy(g, sts, "boundary")]


def full_access() -> Doc:
    """The AWS-managed SCP FullAWSAccess (a fresh copy each time: cases never share objects)."""
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def scps(g: _Gen) -> list[Any]:
    levels = []
    for _ in range(g.pick((1, 1, 2, 3))):
        level: list[Any] = []
        if g.chance(0.65):
            level.append(g.pick((full_access(), {"name": "FullAWSAccess", "policy": full_access()})))
        else:
            level.append(policy(g, [statement(g, "Allow", g.chance(0.75), "scp", 0.1)]))
        if g.chance(0.3):
            level.append(policy(g, [statement(g, "Deny", g.chance(0.45), "scp", 0.6)]))
        levels.append(level)
    return levels[0] if len(levels) == 1 and g.chance(0.5) else levels


def rcps(g: _Gen) -> list[Any]:
    levels = []
    for _ in range(g.pick((1, 2, 2, 3))):
        level = [
            policy(g, [statement(g, "Deny", g.chance(0.45), "rcp", 0.7)]) for _ in range(g.pick((0, 1, 1, 2)))
        ]
        for doc in level:
            (doc.get("policy", doc))["Version"] = "2012-10-17"
        levels.append(level)
    return levels[0] if len(levels) == 1 and levels[0] and g.chance(0.5) else levels


def session_policy(g: _Gen) -> Any:
    sts = [statement(g, "Allow", g.chance(0.75), "session", 0.2)]
    if g.chance(0.2):
        sts.append(statement(g, "Deny", g.chance(0.4), "session"))
    return policy(g, sts, "session")


def guardrails(g: _Gen, layers: dict[str, Any], rcp_ok: bool) -> dict[str, Any]:
    """Permission boundary, SCPs, RCPs and a session policy, each with its own chance."""
    if g.principal in SERVICE_PRINCIPALS:
        return layers
    if g.chance(0.2):
        layers["permission_boundaries"] = boundary(g)
    if g.chance(0.22):
        layers["scps"] = scps(g)
    if rcp_ok and g.chance(0.25):
        layers["rcps"] = rcps(g)
    if ("assumed-role" in g.principal or "federated-user" in g.principal) and g.chance(0.35):
        layers["session_policy"] = session_policy(g)
    return layers


# -- Scenarios: each builds the request first, then the policies around it ----------------------------
_GROUP_IDS = ("A1B2C3D4E5F6G7H8I9J0", "ZXCVBNMASDFGHJKL", "QWERTY123456")
_KEY_IDS = ("1234abcd-12ab-34cd-56ef-1234567890ab", "0987dcba-09fe-87dc-65ba-ab0987654321")


def scenario_xray(g: _Gen) -> Case:
    g.set_principal(OTHER if g.chance(0.12) else ACCOUNT, ("user",) * 9 + ("session",) * 9 + ("federated",))
    name = g.pick(sorted(XRAY_ACTIONS))
    g.action = f"xray:{name}" if g.chance(0.97) else f"{_case_variant(g, 'xray')}:{_case_variant(g, name)}"
    kinds = XRAY_ACTIONS[name]
    if kinds == _STAR:
        g.resource, g.resource_account = "*", g.principal_account
    else:
        region = g.pick(REGIONS)
        if g.pick(kinds) == "group":
            group = g.pick(
                ("prod-api", "checkout", "Prod-api", "team-eng", "team-ops", g.username or "alice")
            )
            g.resource = f"arn:aws:xray:{region}:{ACCOUNT}:group/{group}/{g.pick(_GROUP_IDS)}"
        else:
            rule = g.pick(("base-scorekeep", "Default", g.username or "alice"))
            g.resource = f"arn:aws:xray:{region}:{ACCOUNT}:sampling-rule/{rule}"
    g.add_tags(resource=kinds != _STAR, request="request-tags" in _XRAY_KEYS.get(name, ()))
    g.build_context(service_keys(f"xray:{name}"))
    layers = {"identity_policies": identity_policies(g) if g.chance(0.93) else []}
    return g.case(**guardrails(g, layers, rcp_ok=False))


def _key_policy(g: _Gen) -> Any:
    sts: list[Doc] = []
    if g.chance(0.65):  # the default key policy's statement: the key's account delegates to IAM
        sts.append(
            {
                "Sid": "EnableIAMUserPermissions",
                "Effect": "Allow",
                "Principal": {"AWS": g.pick((f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT))},
                "Action": "kms:*",
                "Resource": "*",
            }
        )
    if g.principal_account == OTHER and g.chance(0.6):  # the external account is trusted as a whole
        st = {
            "Effect": "Allow",
            "Principal": {"AWS": g.pick((f"arn:aws:iam::{OTHER}:root", OTHER))},
            "Action": g.pick(
                (
                    ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
                    "kms:*",
                    "kms:Decrypt",
                )
            ),
            "Resource": "*",
        }
        if g.chance(0.3):
            st["Condition"] = condition_block(g)
        sts.append(st)
    for _ in range(g.pick((0, 1, 1, 2))):
        sts.append(statement(g, "Allow", g.chance(0.6), "resource"))
    if g.chance(0.25) or not sts:
        sts.append(statement(g, "Deny", g.chance(0.4), "resource", 0.7))
    g.rng.shuffle(sts)
    return policy(g, sts, "key-policy")


def scenario_kms(g: _Gen) -> Case:
    g.set_principal(OTHER if g.chance(0.3) else ACCOUNT, ("user", "session", "session"))
    if g.chance(0.8):
        g.action = f"kms:{g.pick(KMS_KEY_ACTIONS)}"
        g.resource = f"arn:aws:kms:{g.pick(REGIONS)}:{ACCOUNT}:key/{g.pick(_KEY_IDS)}"
        g.resource_account = ACCOUNT
    else:
        g.action, g.resource, g.resource_account = f"kms:{g.pick(KMS_STAR_ACTIONS)}", "*", g.principal_account
    g.add_tags(resource=g.resource != "*", request=g.action == "kms:CreateKey")
    g.build_context(service_keys(g.action))
    layers: dict[str, Any] = {"identity_policies": identity_policies(g) if g.chance(0.88) else []}
    if g.resource != "*":
        layers["resource_policy"] = _key_policy(g)
    return g.case(**guardrails(g, layers, rcp_ok=True))


def _resource_arn(g: _Gen, service: str, owner: str) -> str:
    region = g.pick(REGIONS)
    if service == "s3":
        bucket = g.pick(("reports", "media-archive", f"logs-{owner}"))
        if g.action == "s3:ListBucket":
            return f"arn:aws:s3:::{bucket}"
        return f"arn:aws:s3:::{bucket}/" + g.pick(
            (f"home/{g.username or 'alice'}/notes.txt", "public/index.html")
        )
    if service == "sqs":
        return f"arn:aws:sqs:{region}:{owner}:{g.pick(('trace-events', 'orders.fifo'))}"
    return f"arn:aws:secretsmanager:{region}:{owner}:secret:{g.pick(('db-creds', 'api-key'))}-AbCdEf"


def _resource_policy(g: _Gen, p_allow: float = 0.6) -> Any:
    sts = [statement(g, "Allow", g.chance(p_allow), "resource") for _ in range(g.pick((1, 1, 2)))]
    if g.chance(0.3):
        sts.append(statement(g, "Deny", g.chance(0.4), "resource", 0.6))
    g.rng.shuffle(sts)
    return policy(g, sts, "resource-policy")


def scenario_resource(g: _Gen) -> Case:
    service = g.pick(("s3", "s3", "sqs", "secretsmanager"))
    g.set_principal(OTHER if g.chance(0.35) else ACCOUNT, ("user",) * 6 + ("session",) * 8 + ("federated",))
    g.action = f"{service}:{g.pick(OTHER_ACTIONS[service])}"
    g.resource, g.resource_account = _resource_arn(g, service, ACCOUNT), ACCOUNT
    g.add_tags(resource=True, request=False)
    g.build_context(service_keys(g.action))
    layers: dict[str, Any] = {"identity_policies": identity_policies(g) if g.chance(0.85) else []}
    if g.chance(0.75):
        layers["resource_policy"] = _resource_policy(g)
    return g.case(**guardrails(g, layers, rcp_ok=True))


def scenario_sts(g: _Gen) -> Case:
    g.set_principal(OTHER if g.chance(0.4) else ACCOUNT, ("user", "session"))
    g.action = "sts:AssumeRole"
    g.resource = f"arn:aws:iam::{ACCOUNT}:role/{g.pick(('xray-daemon', 'ci/deploy-role'))}"
    g.resource_account = ACCOUNT
    g.add_tags(resource=True, request=True)
    g.build_context(service_keys(g.action))
    layers = {
        "identity_policies": identity_policies(g) if g.chance(0.85) else [],
        "resource_policy": _resource_policy(g, 0.7),
    }
    return g.case(**guardrails(g, layers, rcp_ok=True))


def scenario_service(g: _Gen) -> Case:
    g.set_principal("", ("service",))
    service = g.pick(("sqs", "s3", "kms"))
    if service == "kms":
        g.action = f"kms:{g.pick(('Decrypt', 'GenerateDataKey'))}"
        g.resource = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{g.pick(_KEY_IDS)}"
    else:
        g.action = "sqs:SendMessage" if service == "sqs" else "s3:PutObject"
        g.resource = _resource_arn(g, service, ACCOUNT)
    g.resource_account = ACCOUNT
    g.build_context(service_keys(g.action))
    for key, value in (
        ("aws:SourceArn", f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"),
        ("aws:SourceAccount", ACCOUNT),
    ):
        if g.chance(0.6):
            g.context[key] = value
    return g.case(resource_policy=_resource_policy(g, 0.7))


def scenario_version_2008(g: _Gen) -> Case:
    """Departure: policy variables under Version 2008-10-17 (AWS leaves them literal)."""
    g.set_principal(ACCOUNT, ("user",))
    g.action = "xray:GetGroup"
    g.resource = f"arn:aws:xray:us-east-1:{ACCOUNT}:group/{g.username}/{g.pick(_GROUP_IDS)}"
    g.context["aws:username"] = g.username
    resource = g.pick(
        (f"arn:aws:xray:*:{ACCOUNT}:group/${{aws:username}}/*", "arn:aws:xray:*:*:group/${aws:username}/*")
    )
    doc = {
        "Version": "2008-10-17",
        "Statement": [{"Effect": "Allow", "Action": "xray:GetGroup", "Resource": resource}],
    }
    return g.case(identity_policies=[doc])


def _first_statement(case: Case) -> Doc:
    if not case.get("identity_policies"):
        case["identity_policies"] = [
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": case["action"], "Resource": "*"}],
            }
        ]
    doc = case["identity_policies"][0]
    doc = doc.get("policy", doc)
    if isinstance(doc.get("Statement"), dict):
        doc["Statement"] = [doc["Statement"]]
    return doc["Statement"][0]  # type: ignore[no-any-return]


def _malform(g: _Gen, case: Case) -> None:
    """Break the case in one way that AWS rejects."""
    kind = g.pick(
        (
            "effect",
            "statement-key",
            "action-and-not-action",
            "no-resource",
            "principal",
            "version",
            "unknown-action",
            "condition-object",
            "unknown-operator",
            "resource-type",
            "rcp-allow",
            "scp-principal",
            "resource-policy-without-principal",
        )
    )
    st = _first_statement(case)
    doc = case["identity_policies"][0]
    doc = doc.get("policy", doc)
    if kind == "effect":
        st["Effect"] = g.pick(("allow", "Permit", "DENY"))
    elif kind == "statement-key":
        doc["Statment"] = doc.pop("Statement")
    elif kind == "action-and-not-action":
        st["NotAction" if "Action" in st else "Action"] = "xray:GetGroups"
    elif kind == "no-resource":
        st.pop("Resource", None)
        st.pop("NotResource", None)
    elif kind == "principal":
        st["Principal"] = g.pick(("*", {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    elif kind == "version":
        doc["Version"] = g.pick(("2012-10-18", "2012-10-17 "))
    elif kind == "unknown-action":
        case["action"] = g.pick((case["action"] + "z", "xray:GetTraces", "xrays:GetGroup"))
    elif kind == "condition-object":
        st["Condition"] = {"StringEquals": {"aws:username": {"value": "alice"}}}
    elif kind == "unknown-operator":
        st["Condition"] = {
            g.pick(("StringEqualz", "StringEqualsIgnorecase2", "DateBefore")): {"aws:username": "alice"}
        }
    elif kind == "resource-type":
        if case["resource"] == "*":
            case["resource"] = f"arn:aws:xray:us-east-1:{ACCOUNT}:group/prod-api/{_GROUP_IDS[0]}"
        else:
            case["resource"] = f"arn:aws:xray:us-east-1:{ACCOUNT}:trace/1-5759e988-bd862e3fe1be46a994272793"
    elif kind == "resource-policy-without-principal":
        case["resource_policy"] = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": g.pick(("Allow", "Deny")), "Action": case["action"], "Resource": "*"}],
        }
    elif kind == "rcp-allow":
        case["rcps"] = [
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "xray:*", "Resource": "*"}],
            }
        ]
    else:
        case["scps"] = [
            full_access(),
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Deny", "Principal": "*", "Action": "xray:Delete*", "Resource": "*"}
                ],
            },
        ]


def scenario_malformed(g: _Gen) -> Case:
    case = scenario_xray(g)
    _malform(g, case)
    return case


SCENARIOS: list[tuple[Callable[[_Gen], Case], float]] = [
    (scenario_xray, 40),
    (scenario_kms, 17),
    (scenario_resource, 20),
    (scenario_sts, 9),
    (scenario_service, 4),
    (scenario_malformed, 3.5),
    (scenario_version_2008, 0.5),
]


def case_at(seed: int, index: int) -> Case:
    """Case number ``index`` of the stream for ``seed`` (the same as ``generate``'s)."""
    g = _Gen(random.Random(f"xraykit-oracle/{seed}/{index}"))
    funcs, weights = zip(*SCENARIOS, strict=True)
    scenario = g.rng.choices(funcs, weights)[0]
    return {"id": f"s{seed}-{index:06d}", **scenario(g)}


def generate(n: int, seed: int = 0) -> Iterator[Case]:
    """Yield ``n`` cases; the same ``seed`` always yields the same cases in the same order."""
    for index in range(n):
        yield case_at(seed, index)


# -- Looking at a case: its policies, its features, the departures it falls under -------------------
def policies(case: Case) -> Iterator[tuple[str, Doc]]:
    """(layer, document) for every policy of the case; the layer names match the case fields."""

    def unwrap(p: Any) -> Doc:
        return p["policy"] if isinstance(p, dict) and "policy" in p and "Statement" not in p else p

    for layer in ("identity_policies", "permission_boundaries"):
        for p in case.get(layer) or []:
            yield layer, unwrap(p)
    for layer in ("scps", "rcps"):
        for item in case.get(layer) or []:
            for p in item if isinstance(item, list) else [item]:
                yield layer, unwrap(p)
    for layer in ("session_policy", "resource_policy"):
        if case.get(layer):
            yield layer, unwrap(case[layer])


def statements(doc: Any) -> list[Doc]:
    if not isinstance(doc, dict):
        return []
    body = doc.get("Statement", [])
    return [s for s in (body if isinstance(body, list) else [body]) if isinstance(s, dict)]


def base_operator(op: str) -> str:
    base = op.split(":")[-1]
    return base[: -len("IfExists")] if base.endswith("IfExists") else base


def effective_resource_account(case: Case) -> str:
    return str(
        case.get("resource_account")
        or _arn_account(case.get("resource", "*"))
        or _arn_account(case["principal"])
        or ""
    )


def features(case: Case) -> set[str]:
    """What a case exercises: layers, elements, operator families, variables, principals..."""
    found = {f"action:{case['action']}"}
    principal = case["principal"]
    kind = (
        "service"
        if principal in SERVICE_PRINCIPALS
        else "session"
        if ":assumed-role/" in principal
        else "federated"
        if ":federated-user/" in principal
        else "user"
    )
    found.add(f"requester:{kind}")
    if kind != "service" and effective_resource_account(case) != _arn_account(principal):
        found.add("cross-account")
    resource = case.get("resource", "*")
    found.add(
        "resource:"
        + (
            "*"
            if resource == "*"
            else resource.split(":")[2] + ":" + resource.split(":", 5)[5].split("/")[0].split(":")[0]
        )
    )
    for layer in ("scps", "rcps"):
        items = case.get(layer) or []
        if items and all(isinstance(i, list) for i in items) and len(items) > 1:
            found.add(f"layer:{layer}-multilevel")
    present = {k.lower(): v for k, v in (case.get("context") or {}).items()}
    present |= {f"aws:resourcetag/{k}".lower(): v for k, v in (case.get("resource_tags") or {}).items()}
    present |= {f"aws:requesttag/{k}".lower(): v for k, v in (case.get("request_tags") or {}).items()}
    if case.get("request_tags"):
        present.setdefault("aws:tagkeys", list(case["request_tags"]))
    if any(v == [] for v in present.values()):
        found.add("context:empty-list")
    for layer, doc in policies(case):
        found.add(f"layer:{layer}")
        found.add(f"version:{doc.get('Version', 'none')}" if isinstance(doc, dict) else "version:?")
        text = json.dumps(doc)
        found |= {
            name
            for name, mark in (
                ("variable", "${aws:"),
                ("variable:default", ", '"),
                ("variable:escape", "${*}"),
                ("variable:escape", "${$}"),
            )
            if mark in text
        }
        for st in statements(doc):
            found |= {f"element:{e}" for e in ("NotAction", "NotResource", "NotPrincipal") if e in st}
            for element in ("Action", "NotAction", "Resource", "NotResource"):
                values = st.get(element, [])
                if any(
                    "?" in v for v in (values if isinstance(values, list) else [values]) if isinstance(v, str)
                ):
                    found.add("wildcard:?")
            for who in (st.get("Principal"), st.get("NotPrincipal")):
                found |= _principal_features(who)
            conditions = st.get("Condition") if isinstance(st.get("Condition"), dict) else {}
            for op, block in conditions.items():
                found.add("op:" + OPERATOR_FAMILY.get(base_operator(op), "unknown"))
                found |= {f"op:{part}" for part in ("IfExists", "ForAllValues", "ForAnyValue") if part in op}
                for key, values in block.items() if isinstance(block, dict) else []:
                    found.add(f"key:{key.lower()}")
                    if op.startswith("For") and key.lower() not in present:
                        found.add("set-operator:absent-key")
                    if base_operator(op) in ("IpAddress", "NotIpAddress") and ":" in json.dumps(values):
                        found.add("ip:v6")
    return found


def _principal_features(who: Any) -> set[str]:
    if who is None:
        return set()
    if who == "*":
        return {"principal:*"}
    found = set()
    for kind, values in who.items():
        for v in values if isinstance(values, list) else [values]:
            if kind == "Service":
                found.add("principal:service")
            elif v == "*":
                found.add("principal:*")
            elif re.fullmatch(r"\d{12}", v):
                found.add("principal:account-id")
            else:
                found.add("principal:" + ("root" if v.endswith(":root") else v.split(":")[5].split("/")[0]))
    return found


# The predicates of departures.json, by id: each says whether a case falls under that departure.
def _unknown_operator(case: Case) -> bool:
    return any(
        base_operator(op) not in KNOWN_OPERATORS
        for _, doc in policies(case)
        for st in statements(doc)
        for op in (st.get("Condition") if isinstance(st.get("Condition"), dict) else {})
    )


def _variables_outside_2012(case: Case) -> bool:
    return any(
        doc.get("Version") != "2012-10-17" and _has_variable(doc.get("Statement"))
        for _, doc in policies(case)
        if isinstance(doc, dict)
    )


def _action_missing_from_oracle_data(case: Case) -> bool:
    return str(case.get("action", "")).lower() == "xray:callwithbearertoken"


def _session_arn_named_by_resource_policy(case: Case) -> bool:
    principal = case["principal"]
    is_session = ":assumed-role/" in principal or ":federated-user/" in principal
    if not is_session or not case.get("session_policy") or not case.get("resource_policy"):
        return False
    for _, doc in policies({"resource_policy": case["resource_policy"], "principal": principal}):
        for st in statements(doc):
            who = st.get("Principal")
            named = who.get("AWS", []) if isinstance(who, dict) else []
            if st.get("Effect") == "Allow" and principal in (named if isinstance(named, list) else [named]):
                return True
    return False


def conditions(case: Case) -> Iterator[tuple[str, str, list[Any]]]:
    """(operator, key, values) of every condition in the case's policies."""
    for _, doc in policies(case):
        for st in statements(doc):
            block = st.get("Condition")
            for op, tests in block.items() if isinstance(block, dict) else []:
                for key, values in tests.items() if isinstance(tests, dict) else []:
                    yield op, key, values if isinstance(values, list) else [values]


def _resource_statement_without_principal(case: Case) -> bool:
    return any(
        "Principal" not in st and "NotPrincipal" not in st
        for layer, doc in policies(case)
        if layer == "resource_policy"
        for st in statements(doc)
    )


def _ipv4_zero_prefix(case: Case) -> bool:
    return any(
        base_operator(op) in ("IpAddress", "NotIpAddress")
        and isinstance(v, str)
        and re.fullmatch(r"\d+\.\d+\.\d+\.\d+/0", v) is not None
        for op, _, values in conditions(case)
        for v in values
    )


def _not_ip_bare_address_other_family(case: Case) -> bool:
    source = next((v for k, v in (case.get("context") or {}).items() if k.lower() == "aws:sourceip"), None)
    if not isinstance(source, str):
        return False
    return any(
        base_operator(op) == "NotIpAddress"
        and key.lower() == "aws:sourceip"
        and isinstance(v, str)
        and "/" not in v
        and (":" in v) != (":" in source)
        for op, key, values in conditions(case)
        for v in values
    )


def _escapes_in_exact_string_operators(case: Case) -> bool:
    return any(
        base_operator(op).startswith(("StringEquals", "StringNotEquals"))
        and isinstance(v, str)
        and any(e in v for e in ("${*}", "${?}", "${$}"))
        for op, _, values in conditions(case)
        for v in values
    )


DEPARTURES: dict[str, Callable[[Case], bool]] = {
    "resource-policy-statement-without-principal": _resource_statement_without_principal,
    "ipv4-zero-length-prefix": _ipv4_zero_prefix,
    "not-ip-address-bare-address-of-other-family": _not_ip_bare_address_other_family,
    "special-character-escapes-in-exact-string-operators": _escapes_in_exact_string_operators,
    "unknown-condition-operator": _unknown_operator,
    "policy-variables-outside-version-2012-10-17": _variables_outside_2012,
    "action-missing-from-oracle-data": _action_missing_from_oracle_data,
    "session-arn-in-resource-policy-not-limited-by-session-policy": _session_arn_named_by_resource_policy,
}


def departures(case: Case) -> list[str]:
    """Ids of the departures.json entries this case falls under."""
    return [name for name, applies in DEPARTURES.items() if applies(case)]


# -- Where the oracle is --------------------------------------------------------------------------------
ORACLE_DIR = Path(__file__).resolve().parent


def load_departures() -> list[dict[str, Any]]:
    """The entries of departures.json."""
    with open(ORACLE_DIR / "departures.json", encoding="utf-8") as handle:
        return list(json.load(handle)["departures"])


def excused(case: Case, oracle: str, xraykit: str, entries: list[dict[str, Any]]) -> list[str]:
    """Ids of the departures that explain this pair of decisions for this case (empty: none does)."""
    found = []
    for entry in entries:
        answers = entry.get("answers", {})
        if (
            DEPARTURES[entry["id"]](case)
            and oracle in answers.get("oracle", [oracle])
            and xraykit in answers.get("xraykit", [xraykit])
        ):
            found.append(entry["id"])
    return found


def oracle_command() -> tuple[list[str] | None, str]:
    """(command that runs the oracle, "") or (None, why it cannot run here)."""
    node = shutil.which("node")
    if node is None:
        return None, "node is not installed"
    if not (ORACLE_DIR / "node_modules" / "@cloud-copilot" / "iam-simulate" / "package.json").is_file():
        return None, "the oracle is not installed: run `make oracle` (npm ci in tests/oracle)"
    return [node, str(ORACLE_DIR / "run_oracle.mjs")], ""


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    for item in generate(count, int(sys.argv[2]) if len(sys.argv) > 2 else 0):
        sys.stdout.write(json.dumps(item, separators=(",", ":")) + "\n")
