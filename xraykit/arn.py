"""Amazon Resource Names: parse them, build X-Ray ones, and see how two differ.

An ARN has six colon-separated segments::

    arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE
    arn:aws:xray:us-east-1:123456789012:group/prod/TNGX7SW5U6QY36T4ZMOUA3HVLBYCZTWDIOOXY3CJAXTHSS3YCWUA

X-Ray has two resource types. A *group* ARN ends in the group name **and** an ID that X-Ray
generates when the group is created, so a policy written before the group exists has to say
``group/NAME/*`` (:func:`group_pattern`). A *sampling rule* ARN ends in the rule name only.

The builders here make the generated part deterministic: :class:`IdGenerator` is seeded, so a
notebook that calls ``group_arn("prod", ids=IdGenerator(seed=7))`` prints the same ARN every run.

:func:`parse` is as strict as a real ARN is (a known partition, an account ID of 12 digits, ``aws``
or nothing), except where a policy may legitimately write a pattern: a segment holding ``*``, ``?``
or a policy variable ``${...}`` is accepted as written.

The notebooks that teach it are listed in ``notebooks/00_index.ipynb``. This module is a leaf: it
imports only :mod:`xraykit.errors`.
"""

from __future__ import annotations

import base64
import random
import re
from dataclasses import dataclass
from typing import Any

from xraykit.errors import Issue, XrayKitError, did_you_mean, require_text, shown

__all__ = [
    "ACCOUNT_SEGMENT",
    "EXAMPLE_ACCOUNT",
    "EXAMPLE_REGION",
    "ID_LENGTH",
    "PARTITIONS",
    "SEGMENTS",
    "Arn",
    "IdGenerator",
    "SegmentDiff",
    "account_issues",
    "diff",
    "group_arn",
    "group_pattern",
    "is_account_id",
    "is_region",
    "parse",
    "region_issues",
    "sampling_rule_arn",
]

#: The six segment names, in order.
SEGMENTS: tuple[str, ...] = ("prefix", "partition", "service", "region", "account", "resource")
#: The partitions AWS has published (``aws`` is the commercial one).
PARTITIONS: tuple[str, ...] = (
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
)
#: The account segment of AWS-owned resources such as managed policies.
ACCOUNT_SEGMENT = "aws"
#: The documentation account and region every example in the kit uses.
EXAMPLE_ACCOUNT = "123456789012"
EXAMPLE_REGION = "us-east-1"
#: Length of a generated X-Ray group ID: 32 random bytes in upper-case base32 without padding.
ID_LENGTH = 52

_SERVICE = re.compile(r"[a-z0-9][a-z0-9.-]*\Z")
_REGION = re.compile(r"[a-z]{2,}(-[a-z]+)+-\d+\Z", re.ASCII)
_PATTERN_MARK = re.compile(r"[*?]|\$\{")
_GROUP_NAME = re.compile(r"[A-Za-z0-9_-]{1,32}\Z")
# services whose resource part has no "type/" prefix (S3 buckets and objects, SNS topics, SQS queues)
_UNTYPED = ("sns", "sqs")


def _is_pattern(segment: str) -> bool:
    return bool(_PATTERN_MARK.search(segment))


@dataclass(frozen=True, slots=True)
class Arn:
    """A parsed ARN; ``str(arn)`` gives back the text it was parsed from.

    Attributes:
        partition: ``aws``, ``aws-cn``, ``aws-us-gov``, ...
        service: the service namespace, e.g. ``xray`` (IAM roles live under ``iam``).
        region: e.g. ``us-east-1``; empty for global resources (IAM, S3 buckets).
        account: 12 digits, ``aws`` for AWS-owned resources, or empty (S3 buckets).
        resource: everything after the fifth colon, e.g. ``group/prod/ABC...``.
    """

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def resource_type(self) -> str:
        """The part of :attr:`resource` before the first ``/`` or ``:`` (``group``, ``sampling-rule``).

        S3 buckets and objects, SNS topics and SQS queues have no such part: ``""``.
        """
        return self._split()[0]

    @property
    def resource_id(self) -> str:
        """The rest of :attr:`resource` after the type and its separator (``prod/ABC...``)."""
        return self._split()[1]

    @property
    def is_pattern(self) -> bool:
        """Whether any segment holds a wildcard or a policy variable (so it names many resources)."""
        return any(
            _is_pattern(s) for s in (self.partition, self.service, self.region, self.account, self.resource)
        )

    def _split(self) -> tuple[str, str]:
        untyped = self.service in _UNTYPED or (self.service == "s3" and not self.region and not self.account)
        if untyped:
            return "", self.resource
        match = re.search(r"[/:]", self.resource)
        if match is None:
            return self.resource, ""
        return self.resource[: match.start()], self.resource[match.end() :]

    def format(self) -> str:
        """The ARN as text: ``arn:partition:service:region:account:resource``."""
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"

    def __str__(self) -> str:
        return self.format()


def _split(text: str) -> list[str]:
    """Split at the first five colons that are not inside a policy variable ``${...}``."""
    parts: list[str] = []
    start = depth = 0
    i = 0
    while i < len(text) and len(parts) < 5:
        if text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if text[i] == "}" and depth:
            depth -= 1
        elif text[i] == ":" and not depth:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def parse(text: str, *, path: str = "arn") -> Arn:
    """Parse an ARN, checking each segment the way AWS does.

    Segments holding ``*``, ``?`` or a policy variable are accepted as written (policies may say
    ``arn:aws:xray:*:*:group/prod/*``). An empty region or account is accepted (global services).

    Args:
        text: the ARN.
        path: where the ARN came from, for the error (``Statement[0].Resource``).

    Returns:
        The parsed :class:`Arn`.

    Raises:
        XrayKitError: naming the first bad segment, e.g. "`arn:aws:xray:us-east-1:12345:group/x` has
            an account ID of 5 digits: expected 12".
    """
    if not isinstance(text, str):
        raise XrayKitError(Issue(path, f"expected an ARN as text, got `{text!r}`"))

    def bad(message: str, hint: str | None = None) -> XrayKitError:
        return XrayKitError(Issue(path, f"`{text}` {message}", hint))

    if not text.startswith("arn:"):
        if text == "*":
            raise bad(
                "is a wildcard, not an ARN",
                "a policy may use `*` as a Resource, but it names no one resource",
            )
        raise bad(
            "does not start with `arn:`",
            "an ARN looks like `arn:aws:xray:us-east-1:123456789012:group/NAME/ID`",
        )
    if text != text.strip():
        raise bad("has whitespace at its start or end")
    parts = _split(text)
    if len(parts) < 6:
        raise bad(
            f"has {len(parts)} segments: expected 6",
            "write `arn:partition:service:region:account:resource`, leaving region or account "
            "empty where the service has none (`arn:aws:s3:::bucket`)",
        )
    _, partition, service, region, account, resource = parts
    if not partition:
        raise bad("has an empty partition", "use `aws` (or `aws-cn`, `aws-us-gov`)")
    if not _is_pattern(partition) and partition not in PARTITIONS:
        raise bad(
            f"has an unknown partition `{partition}`",
            did_you_mean(partition, PARTITIONS, n=1) or "use `aws` (or `aws-cn`, `aws-us-gov`)",
        )
    if not service:
        raise bad("has an empty service", "name the service, e.g. `xray`")
    if not _is_pattern(service) and not _SERVICE.match(service):
        raise bad(
            f"has a service `{service}` that is not a service namespace",
            "service namespaces are lower case, e.g. `xray`, `s3`, `kms`",
        )
    if region and not _is_pattern(region) and not _REGION.match(region):
        raise bad(
            f"has a region `{region}` that is not a region code", "a region code looks like `us-east-1`"
        )
    if account and not _is_pattern(account) and account != ACCOUNT_SEGMENT:
        if not account.isdigit() or not account.isascii():
            raise bad(f"has an account ID `{account}` that is not 12 digits")
        if len(account) != 12:
            raise bad(f"has an account ID of {len(account)} digits: expected 12")
    if not resource:
        raise bad("has no resource part", "add the resource after the fifth colon, e.g. `group/NAME/ID`")
    return Arn(partition, service, region, account, resource)


class IdGenerator:
    """Seeded generator of X-Ray group IDs, so examples come out the same on every run.

    X-Ray assigns each group an ID when it is created; it looks like
    ``TNGX7SW5U6QY36T4ZMOUA3HVLBYCZTWDIOOXY3CJAXTHSS3YCWUA`` (32 bytes in upper-case base32,
    52 characters). Two generators with the same seed give the same sequence.
    """

    def __init__(self, seed: int | str = 0) -> None:
        self.seed = seed
        self._random = random.Random(seed)

    def next_id(self) -> str:
        """The next ID in the sequence."""
        raw = self._random.getrandbits(256).to_bytes(32, "big")
        return base64.b32encode(raw).decode("ascii").rstrip("=")

    def __repr__(self) -> str:
        return f"IdGenerator(seed={self.seed!r})"


def _check_group_name(name: str) -> None:
    if not _GROUP_NAME.match(name):
        raise XrayKitError(
            Issue(
                "name",
                f"`{name}` is not a valid group name",
                "a group name has 1 to 32 letters, digits and dashes",
            )
        )


def is_account_id(value: Any) -> bool:
    """Whether ``value`` is an AWS account ID: a string of 12 ASCII digits."""
    return type(value) is str and len(value) == 12 and value.isascii() and value.isdigit()


def is_region(value: Any) -> bool:
    """Whether ``value`` has the shape of a region code (``us-east-1``, ``ap-southeast-2``)."""
    return type(value) is str and _REGION.match(value) is not None


def account_issues(value: Any, path: str = "account") -> list[Issue]:
    """The issue of a value given as an account ID that is not one (none when it is)."""
    if is_account_id(value):
        return []
    return [
        Issue(
            path,
            f"{shown(value)} is not an account ID",
            "an AWS account ID is 12 digits, e.g. `123456789012`",
        )
    ]


def region_issues(value: Any, path: str = "region") -> list[Issue]:
    """The issue of a value given as a region code that does not have its shape (none when it has)."""
    if is_region(value):
        return []
    return [Issue(path, f"{shown(value)} is not a region code", "a region code looks like `us-east-1`")]


def _check_common(partition: str, region: str, account: str) -> None:
    probe = f"arn:{partition}:xray:{region}:{account}:x"
    parse(probe, path="arn")


def group_arn(
    name: str,
    *,
    region: str = EXAMPLE_REGION,
    account: str = EXAMPLE_ACCOUNT,
    ids: IdGenerator | None = None,
    partition: str = "aws",
) -> str:
    """The ARN X-Ray would give a new group: ``arn:aws:xray:REGION:ACCOUNT:group/NAME/ID``.

    Args:
        name: the group name (1 to 32 letters, digits, dashes or underscores; case-sensitive).
        region: the region the group lives in.
        account: the owning account.
        ids: where the generated ID comes from; without one, the ID is derived from the other
            arguments, so the same group always gets the same ID.
        partition: the partition.

    Returns:
        The group ARN.

    Raises:
        XrayKitError: for a bad name, region or account.
    """
    require_text(name=name, region=region, account=account, partition=partition)
    _check_group_name(name)
    _check_common(partition, region, account)
    generator = ids if ids is not None else IdGenerator(seed=f"{partition}:{region}:{account}:{name}")
    return f"arn:{partition}:xray:{region}:{account}:group/{name}/{generator.next_id()}"


def group_pattern(
    name: str, *, region: str = EXAMPLE_REGION, account: str = EXAMPLE_ACCOUNT, partition: str = "aws"
) -> str:
    """The Resource a policy uses for a group whose ID is not known yet: ``.../group/NAME/*``.

    Args:
        name: the group name (``*`` for any group).
        region: the region (``*`` for any).
        account: the account (``*`` for any).
        partition: the partition.

    Returns:
        The ARN pattern.

    Raises:
        XrayKitError: for a bad name, region or account.
    """
    require_text(name=name, region=region, account=account, partition=partition)
    if name != "*":
        _check_group_name(name)
    _check_common(partition, region, account)
    return f"arn:{partition}:xray:{region}:{account}:group/{name}/*"


def sampling_rule_arn(
    name: str, *, region: str = EXAMPLE_REGION, account: str = EXAMPLE_ACCOUNT, partition: str = "aws"
) -> str:
    """A sampling rule's ARN: ``arn:aws:xray:REGION:ACCOUNT:sampling-rule/NAME`` (no generated ID).

    Args:
        name: the rule name (1 to 32 characters, no ``/`` or ``:``).
        region: the region.
        account: the account.
        partition: the partition.

    Returns:
        The sampling rule ARN.

    Raises:
        XrayKitError: for a bad name, region or account.
    """
    require_text(name=name, region=region, account=account, partition=partition)
    if not 1 <= len(name) <= 32 or any(c in name for c in "/:") or name != name.strip():
        raise XrayKitError(
            Issue(
                "name",
                f"`{name}` is not a valid sampling rule name",
                "a rule name has 1 to 32 characters and no `/` or `:`",
            )
        )
    _check_common(partition, region, account)
    return f"arn:{partition}:xray:{region}:{account}:sampling-rule/{name}"


@dataclass(frozen=True, slots=True)
class SegmentDiff:
    """One segment that differs between two ARNs."""

    segment: str
    left: str
    right: str

    def __str__(self) -> str:
        return f"{self.segment}: `{self.left}` vs `{self.right}`"


def diff(a: str | Arn, b: str | Arn) -> tuple[SegmentDiff, ...]:
    """Which segments of two ARNs differ (empty when they are the same ARN).

    The resource segment is compared as a whole; when both have a resource type, a differing type
    is reported as ``resource type`` and a differing rest as ``resource id``.

    Args:
        a: the first ARN (text or parsed).
        b: the second ARN.

    Returns:
        One :class:`SegmentDiff` per differing segment, in ARN order.

    Raises:
        XrayKitError: if either is not an ARN.
    """
    left = a if isinstance(a, Arn) else parse(a, path="a")
    right = b if isinstance(b, Arn) else parse(b, path="b")
    out: list[SegmentDiff] = []
    for segment in ("partition", "service", "region", "account"):
        x, y = getattr(left, segment), getattr(right, segment)
        if x != y:
            out.append(SegmentDiff(segment, x, y))
    if left.resource != right.resource:
        if left.resource_type and right.resource_type:
            if left.resource_type != right.resource_type:
                out.append(SegmentDiff("resource type", left.resource_type, right.resource_type))
            if left.resource_id != right.resource_id:
                out.append(SegmentDiff("resource id", left.resource_id, right.resource_id))
        else:
            out.append(SegmentDiff("resource", left.resource, right.resource))
    return tuple(out)
