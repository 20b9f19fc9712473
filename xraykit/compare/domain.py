"""The X-Ray domain of a set of policies: every request worth deciding, enumerated.

The domain is finite, so it can be enumerated rather than sampled:

- every X-Ray action (or the actions asked for);
- for each action, every kind of resource it can name: ``*``, and for actions with resource-level
  permissions a group ARN and a sampling-rule ARN (a generic one, and one made from each Resource
  or NotResource pattern in the policies that fits the action, so ``group/local-users/*`` gives a
  ``local-users`` group);
- every situation of the condition keys the policies test: each tag key named in
  ``aws:ResourceTag/…``, ``aws:RequestTag/…`` or ``aws:TagKeys`` absent, or set to each value the
  conditions name, or to another value (plus one unnamed request tag); other keys likewise,
  absent or set to each value the conditions compare with and one value they do not. A key is
  offered only where AWS supplies it: request tags for the actions that take them, resource tags
  for requests on an ARN of a type that has tags.

Used by :func:`xraykit.compare.compare`, by the lint (redundant statements, statements that never
apply) and by the least-privilege proofs.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from xraykit import catalog, variables
from xraykit.engine import PolicyInput
from xraykit.errors import Issue, XrayKitError
from xraykit.policy import Policy, parse_policy
from xraykit.wildcards import Glob, match_arn

__all__ = [
    "ACCOUNT",
    "OTHER",
    "REGION",
    "Domain",
    "DomainRequest",
    "domain",
    "load_policies",
    "resources_for",
]

ACCOUNT = "123456789012"
REGION = "us-east-1"
OTHER = "other-value"  # a value no condition names
EXTRA_TAG = "other-key"  # a request tag key no condition names
_VALUE = "domain-value"
_OTHER_NAMES = {"GroupName": "other-group", "SamplingRuleName": "other-rule"}
_Pair = tuple[str, "str | tuple[str, ...]"]
_Context = tuple[_Pair, ...]


@dataclass(frozen=True, slots=True)
class DomainRequest:
    """One request of the domain: action, resource and context (keys as the policies spell them)."""

    action: str
    resource: str = "*"
    context: _Context = ()

    def context_dict(self) -> dict[str, str | tuple[str, ...]]:
        """The context as a dict."""
        return dict(self.context)

    def __str__(self) -> str:
        text = f"{self.action} on {self.resource}"
        if self.context:
            shown = [f"{k}=[{', '.join(v)}]" if isinstance(v, tuple) else f"{k}={v}" for k, v in self.context]
            text += " with " + ", ".join(shown)
        return text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "action": self.action,
            "resource": self.resource,
            "context": {k: list(v) if isinstance(v, tuple) else v for k, v in self.context},
        }


@dataclass(frozen=True, slots=True)
class Domain:
    """An enumerated domain of requests, and what it was built from."""

    requests: tuple[DomainRequest, ...]
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    keys: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.requests)

    def describe(self) -> str:
        """One line: how many requests, actions, resources and condition keys."""
        keys = ", ".join(f"`{k}`" for k in self.keys) if self.keys else "none"
        return (
            f"{len(self.requests)} requests: {len(self.actions)} actions × {len(self.resources)} "
            f"resources (`*` and ARNs) × the situations of the condition keys ({keys})"
        )


# ------------------------------------------------------------------------------------------
# building the domain


def load_policies(policies: PolicyInput | Sequence[PolicyInput]) -> list[Policy]:
    """Policies as :class:`Policy` objects (a single policy, or a list of them).

    Raises:
        XrayKitError: for an invalid policy.
    """
    items: Sequence[Any] = policies if isinstance(policies, list | tuple) else [policies]
    out = []
    for i, item in enumerate(items):
        if isinstance(item, Policy):
            out.append(item)
        elif isinstance(item, str) and not item.lstrip().startswith("{"):
            out.append(parse_policy(catalog.managed_policy(item), name=item, source=item))
        else:
            out.append(parse_policy(item, name=f"policy {i + 1}", source=f"policy {i + 1}"))
    return out


def _fill(text: str, filler: str = "x") -> str:
    """A concrete value for a policy string: its wildcards filled."""
    return text.replace("*", filler).replace("?", "x")


def _substitute(text: str, values: Mapping[str, str], enabled: bool) -> str:
    """``text`` with its policy variables replaced (only where the policy's Version enables them)."""
    if not enabled or not variables.has_variables(text):
        return text
    parts = variables.parse(text).resolve(lambda key: values.get(key.lower(), _VALUE))
    return "".join(parts or ())


def _template_arn(template: str, action: catalog.Action, account: str, region: str) -> str:
    fixed = {"Partition": "aws", "Region": region, "Account": account}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "Id" and action.service == "xray":
            from xraykit.arn import IdGenerator

            return IdGenerator(seed="domain").next_id()
        return fixed.get(name, _OTHER_NAMES.get(name, "other-" + name.lower()))

    return re.sub(r"\$\{([^}]*)\}", value, template)


def _witness(pattern: str, template: str) -> str | None:
    """The shortest text that the wildcard ``pattern`` matches and that fits ``template``.

    ``template`` is a resource part with ``${Variable}`` placeholders (one or more characters;
    no ``/`` or ``:`` when the placeholder is the whole part). A product of the two automata is
    searched breadth first; ``None`` when no text fits both.
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
    queue: list[tuple[tuple[int, int, bool], str]] = [(start, "")]
    while queue:
        (i, j, used), text = queue.pop(0)
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


def _instances(
    pattern: str, action: catalog.Action, values: Mapping[str, str] | None, account: str, region: str
) -> list[str]:
    """Concrete ARNs that ``pattern`` matches and that ``action`` may name (one per resource type)."""
    if pattern == "*" or not pattern.startswith("arn:"):
        return []
    resolved = _resolve(pattern, values) if values is not None else pattern
    parts = resolved.split(":", 5)
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
        found = _witness(parts[5], template[5])
        if found is None:
            continue
        arn = ":".join([*head, found])
        if arn not in out and catalog.arn_fits_action(action, arn) and match_arn(resolved, arn):
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
        The key policy document.
    """
    parts = arn.split(":")
    account = parts[4] if len(parts) > 4 and parts[4] else caller_account
    document: dict[str, Any] = json.loads(json.dumps(catalog.kms_facts().default_key_policy))
    roots = list(dict.fromkeys(f"arn:aws:iam::{a}:root" for a in (account, caller_account)))
    for statement in document["Statement"]:
        statement["Principal"] = {"AWS": roots[0] if len(roots) == 1 else roots}
    return document


def is_key(resource: str) -> bool:
    """Whether ``resource`` is a KMS key ARN (whose key policy takes part in a decision)."""
    parts = resource.split(":", 5)
    return len(parts) == 6 and parts[2] == "kms" and parts[5].startswith("key/")


def _resolve(text: str, values: Mapping[str, str]) -> str:
    """``text`` with its policy variables replaced by the domain's values (wildcards kept)."""
    if not variables.has_variables(text):
        return text
    parts = variables.parse(text).resolve(lambda key: values.get(key.lower(), _VALUE))
    return "".join(parts or ())


def _key_family(spec_family: str, key: str) -> str:
    info = catalog.find_condition_key(key)
    kind = info.type if info else "String"
    for family in ("Bool", "Numeric", "Date", "IPAddress", "ARN"):
        if family.lower() in kind.lower():
            return "IpAddress" if family == "IPAddress" else ("Arn" if family == "ARN" else family)
    return spec_family if spec_family != "Null" else "String"


def _candidates(family: str, raw: Iterable[str]) -> list[str]:
    """Values worth trying for a key: each policy value (made concrete) and one more."""
    from xraykit.operators import parse_date, parse_number

    out: list[str] = []
    for text in raw:
        if family == "Numeric" and (n := parse_number(text)) is not None:
            out += [str(n), str(n + 1), str(n - 1)]
        elif family == "Date" and (d := parse_date(text)) is not None:
            out += [str(d), str(d + 1), str(d - 1)]
        elif family == "IpAddress":
            out.append(text.split("/", 1)[0])
        elif family == "Bool":
            continue
        else:
            out.append(_fill(text))
    if family == "Bool":
        out = ["true", "false"]
    elif family == "IpAddress":
        out.append("192.0.2.1")
    elif family not in ("Numeric", "Date"):
        out.append(OTHER)
    return list(dict.fromkeys(out))


@dataclass
class _Other:
    """A condition key other than the tag keys: as written, its operator family, the values named."""

    name: str
    family: str
    values: list[str]


@dataclass
class _Keys:
    """The condition keys the policies test, sorted into request tags, resource tags and the rest."""

    request_tags: dict[str, list[str]]  # tag key -> values named
    resource_tags: dict[str, list[str]]
    tag_keys: bool  # aws:TagKeys is tested
    other: dict[str, _Other]  # lowercased key -> what is known of it
    variables: dict[str, str]  # lowercased key read by a policy variable -> the value it gets

    @property
    def names(self) -> tuple[str, ...]:
        out = [f"aws:RequestTag/{k}" for k in self.request_tags] + [
            f"aws:ResourceTag/{k}" for k in self.resource_tags
        ]
        if self.tag_keys:
            out.append("aws:TagKeys")
        out += [o.name for o in self.other.values()]
        return tuple(out)


def _collect_keys(policies: Sequence[Policy]) -> _Keys:
    from xraykit.operators import parse_operator

    found = _Keys({}, {}, False, {}, {})
    var_keys: dict[str, str] = {}
    for policy in policies:
        for statement in policy.statements:
            texts = [*(statement.resource or ()), *(statement.not_resource or ())]
            texts += [v for _, keys in statement.condition for _, vals in keys for v in vals]
            for text in texts:
                if policy.variables_enabled and variables.has_variables(text):
                    for key in variables.parse(text).keys:
                        var_keys.setdefault(key.lower(), key)
    found.variables = {k: ("alice" if k == "aws:username" else _VALUE) for k in var_keys}
    for policy in policies:
        for statement in policy.statements:
            for operator, keys in statement.condition:
                spec = parse_operator(operator)
                for key, vals in keys:
                    lower = key.lower()
                    enabled = policy.variables_enabled
                    named = (
                        [_substitute(v, found.variables, enabled) for v in vals]
                        if spec.family != "Null"
                        else []
                    )
                    if lower.startswith("aws:requesttag/"):
                        found.request_tags.setdefault(key.split("/", 1)[1], []).extend(named)
                    elif lower.startswith("aws:resourcetag/"):
                        found.resource_tags.setdefault(key.split("/", 1)[1], []).extend(named)
                    elif lower == "aws:tagkeys":
                        found.tag_keys = True
                        for value in named:
                            found.request_tags.setdefault(_fill(value), [])
                    else:
                        other = found.other.setdefault(lower, _Other(key, spec.family, []))
                        other.values.extend(named)
                        if other.family == "Null":
                            other.family = spec.family
    for lower, key in var_keys.items():
        if lower.startswith(("aws:requesttag/", "aws:resourcetag/")):
            continue
        other = found.other.setdefault(lower, _Other(key, "String", []))
        other.values.append(found.variables[lower])
    return found


def _supported(action: catalog.Action, resource: str) -> set[str]:
    """Lowercased catalog names of the keys AWS supplies for this action and resource."""
    keys = {k.lower() for k in action.condition_keys}
    if resource != "*":
        for kind in catalog.matching_resource_types(resource, action):
            keys |= {k.lower() for k in kind.condition_keys}
        for ref in action.resource_types:
            if any(ref.name == kind.name for kind in catalog.matching_resource_types(resource, action)):
                keys |= {k.lower() for k in ref.condition_keys}
    return keys


def _check_size(size: int, action: catalog.Action, limit: int) -> None:
    if size > limit:
        raise XrayKitError(
            Issue(
                "policies",
                f"the conditions give {size} situations for `{action.full_name}`, more than {limit}",
                "compare policies with fewer condition keys or values",
            )
        )


def _situations(action: catalog.Action, resource: str, keys: _Keys, limit: int) -> list[_Context]:
    supported = _supported(action, resource)
    axes: list[list[list[_Pair]]] = []
    # request tags and aws:TagKeys together: the keys sent are the keys of the tags sent
    takes_tags = "aws:requesttag/${tagkey}" in supported
    takes_keys = "aws:tagkeys" in supported
    if (takes_tags or takes_keys) and (keys.request_tags or keys.tag_keys):
        names = list(keys.request_tags) + ([EXTRA_TAG] if keys.tag_keys or takes_keys else [])
        choices = [
            [None, *dict.fromkeys([*(_fill(v) for v in keys.request_tags.get(n, [])), OTHER])] for n in names
        ]
        _check_size(math.prod(len(c) for c in choices), action, limit)
        options: list[list[_Pair]] = []
        for combo in itertools.product(*choices):
            sent = [(n, v) for n, v in zip(names, combo, strict=True) if v is not None]
            pairs: list[_Pair] = []
            if takes_tags:
                pairs += [(f"aws:RequestTag/{n}", v) for n, v in sent if n in keys.request_tags]
            if takes_keys and sent:
                pairs.append(("aws:TagKeys", tuple(n for n, _ in sent)))
            options.append(pairs)
        axes.append(list({json.dumps(o): o for o in options}.values()))
    if keys.resource_tags and "aws:resourcetag/${tagkey}" in supported:
        for name, vals in keys.resource_tags.items():
            axes.append(
                [[]]
                + [
                    [(f"aws:ResourceTag/{name}", v)]
                    for v in dict.fromkeys([*(_fill(x) for x in vals), OTHER])
                ]
            )
    for lower, other in keys.other.items():
        if not lower.startswith("aws:") and not any(
            lower.split("/", 1)[0] == s.split("/", 1)[0] for s in supported
        ):
            continue  # a service key the action does not supply
        family = _key_family(other.family, other.name)
        info = catalog.find_condition_key(other.name)
        if info is None:
            continue  # a key no request carries: it is always absent
        cands = _candidates(family, other.values)
        axis: list[list[_Pair]] = [[]]
        if info.multivalued:
            axis += [[(other.name, (c,))] for c in cands]
            if len(cands) > 1:
                axis.append([(other.name, tuple(cands))])
        else:
            axis += [[(other.name, c)] for c in cands]
        axes.append(axis)
    _check_size(math.prod(len(axis) for axis in axes), action, limit)
    fixed: _Context = tuple((k, v) for k, v in keys.variables.items() if k not in keys.other)
    out: list[_Context] = []
    for chosen in itertools.product(*axes):
        pairs = sorted((pair for part in chosen for pair in part), key=lambda p: p[0].lower())
        out.append((*pairs, *fixed))
    return out


def resources_for(
    action: catalog.Action,
    patterns: Iterable[str] = (),
    values: Mapping[str, str] | None = None,
    *,
    account: str = ACCOUNT,
    region: str = REGION,
) -> tuple[str, ...]:
    """The resources of the domain for one action: ``*``, then ARNs it may name.

    Args:
        action: the action.
        patterns: Resource patterns to make concrete ARNs from (those the action cannot name are
            skipped).
        values: values for policy variables in the patterns (lowercased key -> value); ``None``
            when the patterns are to be taken literally (already substituted).
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
            arns += _instances(pattern, action, values, account, region)
    return tuple(dict.fromkeys(arns))


def domain(
    policies: Sequence[Policy],
    *,
    actions: Iterable[str | catalog.Action] | None = None,
    account: str = ACCOUNT,
    region: str = REGION,
    limit: int = 20_000,
) -> Domain:
    """Every request of the X-Ray domain of ``policies`` (see the module docstring).

    Args:
        policies: the policies whose resources and conditions shape the domain.
        actions: the actions (default: every X-Ray action).
        account: the account of the generic ARNs.
        region: the region of the generic ARNs.
        limit: the most condition situations allowed for one action and resource.

    Returns:
        The :class:`Domain`, in a fixed order (actions in catalog order, ``*`` first).

    Raises:
        XrayKitError: for an unknown action, or conditions with too many situations.
    """
    keys = _collect_keys(policies)
    acts = (
        [a if isinstance(a, catalog.Action) else catalog.action(a) for a in actions]
        if actions is not None
        else list(catalog.actions("xray"))
    )
    patterns = list(
        dict.fromkeys(
            _substitute(p, keys.variables, policy.variables_enabled)
            for policy in policies
            for s in policy.statements
            for p in (*(s.resource or ()), *(s.not_resource or ()))
        )
    )
    requests: list[DomainRequest] = []
    resources: dict[str, None] = {"*": None}
    for act in dict.fromkeys(acts):
        for arn in resources_for(act, patterns, None, account=account, region=region):
            resources[arn] = None
            for context in _situations(act, arn, keys, limit):
                requests.append(DomainRequest(act.full_name, arn, context))
    return Domain(
        tuple(requests), tuple(a.full_name for a in dict.fromkeys(acts)), tuple(resources), keys.names
    )
