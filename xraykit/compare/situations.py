"""The condition situations of the domain: which values of which keys a request may carry.

Tag keys come in three kinds (``aws:RequestTag/…`` and ``aws:TagKeys`` together, since the keys
sent are the keys of the tags sent; ``aws:ResourceTag/…``; and every other key), and each is offered
only where AWS supplies it for the action and resource.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from xraykit import catalog, variables
from xraykit.compare.resources import VARIABLE_VALUE
from xraykit.errors import Issue, XrayKitError
from xraykit.policy import Policy

__all__ = ["EXTRA_TAG", "OTHER", "Context", "Keys", "collect_keys", "situations", "substitute"]

OTHER = "other-value"  # a value no condition names
EXTRA_TAG = "other-key"  # a request tag key no condition names
Pair = tuple[str, "str | tuple[str, ...]"]
Context = tuple[Pair, ...]


def _fill(text: str, filler: str = "x") -> str:
    """A concrete value for a policy string: its wildcards filled."""
    return text.replace("*", filler).replace("?", "x")


def substitute(text: str, values: Mapping[str, str], enabled: bool) -> str:
    """``text`` with its policy variables replaced (only where the policy's Version enables them).

    Args:
        text: a Resource entry or condition value.
        values: lowercased context key -> the value its variable gets.
        enabled: whether the policy's Version enables variables.

    Returns:
        The text with variables replaced, or as it is.
    """
    if not enabled or not variables.has_variables(text):
        return text
    parts = variables.parse(text).resolve(lambda key: values.get(key.lower(), VARIABLE_VALUE))
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
class Keys:
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


def collect_keys(policies: Sequence[Policy]) -> Keys:
    """Every condition key the policies test, with the values they name, sorted into kinds.

    Args:
        policies: the policies.

    Returns:
        The :class:`Keys`; policy variables get fixed values (``alice`` for ``aws:username``).
    """
    from xraykit.operators import parse_operator

    found = Keys({}, {}, False, {}, {})
    var_keys: dict[str, str] = {}
    for policy in policies:
        for statement in policy.statements:
            texts = [*(statement.resource or ()), *(statement.not_resource or ())]
            texts += [v for _, keys in statement.condition for _, vals in keys for v in vals]
            for text in texts:
                if policy.variables_enabled and variables.has_variables(text):
                    for key in variables.parse(text).keys:
                        var_keys.setdefault(key.lower(), key)
    found.variables = {k: ("alice" if k == "aws:username" else VARIABLE_VALUE) for k in var_keys}
    for policy in policies:
        for statement in policy.statements:
            for operator, keys in statement.condition:
                spec = parse_operator(operator)
                for key, vals in keys:
                    lower = key.lower()
                    enabled = policy.variables_enabled
                    named = (
                        [substitute(v, found.variables, enabled) for v in vals]
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


def situations(action: catalog.Action, resource: str, keys: Keys, limit: int) -> list[Context]:
    """Every context worth trying for one action on one resource.

    Args:
        action: the action.
        resource: ``*`` or an ARN (resource tags only come with an ARN of a tagged type).
        keys: what the policies test.
        limit: the most contexts allowed.

    Returns:
        The contexts, each a sorted tuple of ``(key, value)`` pairs (plus fixed variable values).

    Raises:
        XrayKitError: when there would be more than ``limit``.
    """
    supported = _supported(action, resource)
    axes: list[list[list[Pair]]] = []
    # request tags and aws:TagKeys together: the keys sent are the keys of the tags sent
    takes_tags = "aws:requesttag/${tagkey}" in supported
    takes_keys = "aws:tagkeys" in supported
    if (takes_tags or takes_keys) and (keys.request_tags or keys.tag_keys):
        names = list(keys.request_tags) + ([EXTRA_TAG] if keys.tag_keys or takes_keys else [])
        choices = [
            [None, *dict.fromkeys([*(_fill(v) for v in keys.request_tags.get(n, [])), OTHER])] for n in names
        ]
        _check_size(math.prod(len(c) for c in choices), action, limit)
        options: list[list[Pair]] = []
        for combo in itertools.product(*choices):
            sent = [(n, v) for n, v in zip(names, combo, strict=True) if v is not None]
            pairs: list[Pair] = []
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
        axis: list[list[Pair]] = [[]]
        if info.multivalued:
            axis += [[(other.name, (c,))] for c in cands]
            if len(cands) > 1:
                axis.append([(other.name, tuple(cands))])
        else:
            axis += [[(other.name, c)] for c in cands]
        axes.append(axis)
    _check_size(math.prod(len(axis) for axis in axes), action, limit)
    fixed: Context = tuple((k, v) for k, v in keys.variables.items() if k not in keys.other)
    out: list[Context] = []
    for chosen in itertools.product(*axes):
        pairs = sorted((pair for part in chosen for pair in part), key=lambda p: p[0].lower())
        out.append((*pairs, *fixed))
    return out
