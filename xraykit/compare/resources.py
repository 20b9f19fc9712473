"""The resources of the domain: a generic ARN per resource type, and ARNs made from the policies'
Resource patterns, each one a concrete ARN that both the pattern and the type's ARN template fit
(found by a breadth-first search of the two automata: :func:`witness`)."""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from xraykit import catalog
from xraykit.errors import Issue, XrayKitError
from xraykit.wildcards import Glob, match_resource

__all__ = ["ACCOUNT", "REGION", "VARIABLE_VALUE", "is_key", "key_policy_for", "resources_for", "witness"]

ACCOUNT = "123456789012"
REGION = "us-east-1"
VARIABLE_VALUE = "domain-value"  # what a policy variable other than aws:username resolves to
_OTHER_NAMES = {"GroupName": "other-group", "SamplingRuleName": "other-rule"}


def _template_arn(template: str, action: catalog.Action, account: str, region: str) -> str:
    fixed = {"Partition": "aws", "Region": region, "Account": account}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "Id" and action.service == "xray":
            from xraykit.arn import IdGenerator

            return IdGenerator(seed="domain").next_id()
        return fixed.get(name, _OTHER_NAMES.get(name, "other-" + name.lower()))

    return re.sub(r"\$\{([^}]*)\}", value, template)


@lru_cache(maxsize=4096)
def witness(pattern: str, template: str) -> str | None:
    """The shortest text that the wildcard ``pattern`` matches and that fits ``template``.

    A product of the two automata is searched breadth first. The answer depends on the two texts
    alone, so it is kept (the lint asks again for every statement of a policy).

    Args:
        pattern: the resource part of a policy's ARN pattern (``*`` and ``?`` are wildcards).
        template: the resource part of an ARN template, with ``${Variable}`` placeholders (one
            or more characters; no ``/`` or ``:`` when the placeholder is the whole part).

    Returns:
        The text (wildcards filled with ``x``, placeholders with ``x`` or the pattern's own
        characters), or ``None`` when no text fits both.
    """
    tokens: list[str | None] = []  # a character, or None for a placeholder
    position = 0
    for match in re.finditer(r"\$\{[^}]*\}", template):
        tokens += list(template[position : match.start()])
        tokens.append(None)
        position = match.end()
    tokens += list(template[position:])
    whole = tokens == [None]
    start = (0, 0, False)
    seen = {start}
    queue: deque[tuple[tuple[int, int, bool], str]] = deque([(start, "")])
    while queue:
        (i, j, used), text = queue.popleft()
        if i == len(pattern) and j == len(tokens):
            return text
        moves: list[tuple[tuple[int, int, bool], str]] = []
        if j < len(tokens) and tokens[j] is None and used:
            moves.append(((i, j + 1, False), ""))  # the placeholder ends
        p = pattern[i] if i < len(pattern) else None
        if p == "*":
            moves.append(((i + 1, j, used), ""))  # the star matches nothing more
        if p is not None and j < len(tokens):
            t = tokens[j]
            if t is None:
                char = "x" if p in "*?" else p
                if not (whole and char in ":/"):
                    moves.append(((i if p == "*" else i + 1, j, True), char))
            elif p in "*?" or p.lower() == t.lower():
                moves.append(((i if p == "*" else i + 1, j + 1, False), t if p in "*?" else p))
        for state, char in moves:
            if state not in seen:
                seen.add(state)
                queue.append((state, text + char))
    return None


def _instances(pattern: str, action: catalog.Action, account: str, region: str) -> list[str]:
    """Concrete ARNs that ``pattern`` matches and that ``action`` may name (one per resource type)."""
    if pattern == "*" or not pattern.startswith("arn:"):
        return []
    parts = pattern.split(":", 5)
    if len(parts) < 6:
        return []
    defaults = ["arn", "aws", action.service, region, account]
    head = [
        p
        if not any(c in p for c in "*?")
        else (d if Glob(p).matches(d) else p.replace("*", "x").replace("?", "x"))
        for p, d in zip(parts[:5], defaults, strict=True)
    ]
    out: list[str] = []
    for ref in action.resource_types:
        template = ref.arn_format.split(":", 5)
        if len(template) < 6:
            continue
        found = witness(parts[5], template[5])
        if found is None:
            continue
        arn = ":".join([*head, found])
        if arn not in out and catalog.arn_fits_action(action, arn) and match_resource(pattern, arn):
            out.append(arn)
    return out


def key_policy_for(arn: str, caller_account: str = ACCOUNT) -> dict[str, Any]:
    """A key policy that lets IAM policies decide: the default key policy, trusting the key's
    account and the caller's (for a key in another account, its owner has to name the caller's).

    The domain's requests on a KMS key are decided with this key policy, so that what an
    identity-based policy says about the key is what decides.

    Args:
        arn: the key ARN.
        caller_account: the account of the principal making the requests.

    Returns:
        The key policy document (a new one on every call: the caller may change it).
    """
    if not isinstance(arn, str) or not isinstance(caller_account, str):
        raise XrayKitError(Issue("arn", "the key ARN and the caller's account are text"))
    parts = arn.split(":")
    account = parts[4] if len(parts) > 4 and parts[4] else caller_account
    document: dict[str, Any] = json.loads(_key_policy_text(account, caller_account))
    return document


@lru_cache(maxsize=256)
def _key_policy_text(account: str, caller_account: str) -> str:
    """The key policy of :func:`key_policy_for` as JSON text (it depends on the two accounts alone)."""
    document: dict[str, Any] = json.loads(json.dumps(catalog.kms_facts().default_key_policy))
    roots = list(dict.fromkeys(f"arn:aws:iam::{a}:root" for a in (account, caller_account)))
    for statement in document["Statement"]:
        statement["Principal"] = {"AWS": roots[0] if len(roots) == 1 else roots}
    return json.dumps(document)


def is_key(resource: str) -> bool:
    """Whether ``resource`` is a KMS key ARN (whose key policy takes part in a decision).

    Args:
        resource: a request's resource.

    Returns:
        True for ``arn:PARTITION:kms:REGION:ACCOUNT:key/ID``.
    """
    parts = resource.split(":", 5)
    return len(parts) == 6 and parts[2] == "kms" and parts[5].startswith("key/")


def resources_for(
    action: catalog.Action,
    patterns: Iterable[str] = (),
    *,
    account: str = ACCOUNT,
    region: str = REGION,
) -> tuple[str, ...]:
    """The resources of the domain for one action: ``*``, then ARNs it may name.

    Args:
        action: the action.
        patterns: Resource patterns, policy variables already substituted, to make concrete ARNs
            from (those the action cannot name are skipped).
        account: the account of the generic ARNs.
        region: the region of the generic ARNs.

    Returns:
        ``("*",)`` for an action without resource-level permissions; otherwise ``*``, one generic
        ARN per resource type, and one ARN per fitting pattern, without repeats.
    """
    arns: list[str] = ["*"]
    if action.resource_level:
        for ref in action.resource_types:
            arns.append(_template_arn(ref.arn_format, action, account, region))
        for pattern in patterns:
            arns += _instances(pattern, action, account, region)
    return tuple(dict.fromkeys(arns))
