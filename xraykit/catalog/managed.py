"""AWS managed policies the kit teaches with, in every recorded version, and how versions differ.

``AWSXrayReadOnlyAccess`` is the clearest case: the seed page printed version 3 (9 actions); on the
seed date AWS already served version 5; today it is version 8 (18 actions). The documents are AWS's
as recorded by public managed-policy trackers (see ``xraykit/data/managed-policies/SOURCES.md``).
"""

from __future__ import annotations

import copy
import functools
import html
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from xraykit.catalog import _data
from xraykit.catalog.model import PolicyVersion
from xraykit.errors import Issue, XrayKitError, did_you_mean

__all__ = [
    "PolicyDiff",
    "StatementChange",
    "diff_managed_policy",
    "managed_policy",
    "managed_policy_arn",
    "managed_policy_names",
    "managed_policy_versions",
]

_ARN_PREFIX = "arn:aws:iam::aws:policy/"


@functools.cache
def _index() -> dict[str, Any]:
    policies: dict[str, Any] = _data.ours("managed-policies/index.json")["policies"]
    return policies


def managed_policy_names() -> tuple[str, ...]:
    """The managed policies xraykit holds, by name.

    Returns:
        The names, as AWS spells them.
    """
    return tuple(_index())


def _resolve(name: str, path: str = "name") -> str:
    if not isinstance(name, str):
        raise XrayKitError(Issue(path, f"expected a managed policy name, got `{name!r}`"))
    bare = name.split("/")[-1] if name.startswith("arn:") else name
    for known in _index():
        if known.lower() == bare.lower():
            return known
    names = list(_index())
    raise XrayKitError(
        Issue(
            path,
            f"unknown managed policy `{name}`",
            did_you_mean(bare, names) or "xraykit has " + ", ".join(f"`{n}`" for n in names),
        )
    )


def _version_label(name: str, version: str | int | None, path: str = "version") -> str:
    info = _index()[name]
    if version is None:
        return str(info["current_version"])
    label = f"v{version}" if isinstance(version, int) or str(version).isdigit() else str(version).lower()
    labels = [v["version"] for v in info["versions"]]
    if label not in labels:
        raise XrayKitError(
            Issue(
                path,
                f"`{name}` has no version `{version}`",
                "recorded versions: " + ", ".join(f"`{v}`" for v in labels),
            )
        )
    return label


def managed_policy_arn(name: str) -> str:
    """The policy's ARN, e.g. ``arn:aws:iam::aws:policy/AWSXrayReadOnlyAccess``.

    Args:
        name: the policy name (case-insensitive).

    Returns:
        The ARN.

    Raises:
        XrayKitError: for an unknown policy.
    """
    return str(_index()[_resolve(name)]["arn"])


@functools.cache
def _document(name: str, label: str) -> dict[str, Any]:
    document: dict[str, Any] = _data.ours(f"managed-policies/{name}/{label}.json")
    return document


def managed_policy(name: str, version: str | int | None = None) -> dict[str, Any]:
    """A managed policy's document (a fresh copy: change it freely).

    Args:
        name: the policy name, case-insensitive, or its ARN.
        version: ``"v5"``, ``"5"`` or ``5``; the current version when omitted.

    Returns:
        The policy document, with ``Version`` and ``Statement``.

    Raises:
        XrayKitError: for an unknown policy or version, with a suggestion.
    """
    resolved = _resolve(name)
    return copy.deepcopy(_document(resolved, _version_label(resolved, version)))


def managed_policy_versions(name: str) -> tuple[PolicyVersion, ...]:
    """Every recorded version of a managed policy, oldest first.

    Args:
        name: the policy name (case-insensitive).

    Returns:
        One :class:`PolicyVersion` per version.

    Raises:
        XrayKitError: for an unknown policy.
    """
    info = _index()[_resolve(name)]
    return tuple(
        PolicyVersion(
            version=v["version"],
            created=datetime.fromisoformat(v["created"]),
            is_current=v["version"] == info["current_version"],
            at_seed_date=v["version"] == info["version_at_seed_date"],
            sources=tuple(v["sources"]),
        )
        for v in info["versions"]
    )


# ----------------------------------------------------------------------------------------- diffs


@dataclass(frozen=True, slots=True)
class StatementChange:
    """One statement added, removed or changed between two versions.

    Attributes:
        kind: ``added``, ``removed`` or ``changed``.
        old_index: its position in the old version (``None`` if added).
        new_index: its position in the new version (``None`` if removed).
        old_sid: its Sid in the old version.
        new_sid: its Sid in the new version.
        fields: the elements that differ (``Sid``, ``Action``, ``Resource`` ...); for an added or
            removed statement, all its elements.
        actions_added: Action entries only the new statement has.
        actions_removed: Action entries only the old statement has.
    """

    kind: str
    old_index: int | None
    new_index: int | None
    old_sid: str | None
    new_sid: str | None
    fields: tuple[str, ...]
    actions_added: tuple[str, ...] = ()
    actions_removed: tuple[str, ...] = ()

    def __str__(self) -> str:
        mark = {"added": "+", "removed": "-", "changed": "~"}[self.kind]
        index = self.new_index if self.new_index is not None else self.old_index
        sid = self.new_sid if self.new_sid is not None else self.old_sid
        label = f"Statement[{index}]" + (f" `{sid}`" if sid else "")
        details = []
        for name in self.fields:
            if name == "Action" and self.kind == "changed":
                counts = [f"+{len(self.actions_added)}"] if self.actions_added else []
                counts += [f"-{len(self.actions_removed)}"] if self.actions_removed else []
                details.append(f"Action {' '.join(counts)}".strip())
            elif name == "Sid" and self.kind == "changed":
                details.append(
                    "Sid added"
                    if self.old_sid is None
                    else "Sid removed"
                    if self.new_sid is None
                    else "Sid renamed"
                )
            else:
                details.append(name)
        return f"{mark} {label}: {', '.join(details)}"


@dataclass(frozen=True, slots=True)
class PolicyDiff:
    """What changed in a managed policy between two versions; ``str()`` gives a stable report.

    Attributes:
        name: the policy.
        old: the older version label.
        new: the newer version label.
        actions_added: Action entries (as written, e.g. ``xray:Get*``) only in the new version.
        actions_removed: Action entries only in the old version.
        statements: per-statement changes, in the new version's order (removed ones last).
        sid_changes: ``(old_index, new_index, old_sid, new_sid)`` for statements whose Sid changed.
    """

    name: str
    old: str
    new: str
    actions_added: tuple[str, ...]
    actions_removed: tuple[str, ...]
    statements: tuple[StatementChange, ...]
    sid_changes: tuple[tuple[int, int, str | None, str | None], ...]

    @property
    def unchanged(self) -> bool:
        """Whether the two documents are the same."""
        return not self.statements

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(str(self))}</pre>"

    def __str__(self) -> str:
        title = f"{self.name} {self.old} -> {self.new}"
        if self.unchanged:
            return f"{title}: no differences"
        lines = [title]

        def listing(label: str, items: tuple[str, ...], mark: str) -> None:
            if not items:
                lines.append(f"{label}: none")
                return
            lines.append(f"{label} ({len(items)}):")
            lines.extend(f"  {mark} {item}" for item in items)

        listing("actions added", self.actions_added, "+")
        listing("actions removed", self.actions_removed, "-")
        lines.append(f"statements ({len(self.statements)}):")
        lines.extend(f"  {change}" for change in self.statements)
        if self.sid_changes:
            lines.append(f"Sid changes ({len(self.sid_changes)}):")
            for _old_index, new_index, old_sid, new_sid in self.sid_changes:
                before = f"`{old_sid}`" if old_sid else "(none)"
                after = f"`{new_sid}`" if new_sid else "(none)"
                lines.append(f"  Statement[{new_index}]: {before} -> {after}")
        return "\n".join(lines)


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    raw = document.get("Statement", [])
    return [raw] if isinstance(raw, dict) else list(raw)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _entries(statements: list[dict[str, Any]], key: str = "Action") -> list[str]:
    seen: dict[str, str] = {}
    for statement in statements:
        for item in _as_list(statement.get(key)):
            seen.setdefault(item.lower(), item)
    return list(seen.values())


def _without_sid(statement: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in statement.items() if k != "Sid"}, sort_keys=True)


def _pair(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[tuple[int | None, int | None]]:
    """Match old statements to new ones: same text, then same Sid, then same content under another
    Sid, then leftovers in order where one side has no Sid."""
    pairs: list[tuple[int | None, int | None]] = []
    left = list(range(len(old)))
    right = list(range(len(new)))

    def take(match: Any) -> None:
        for j in list(right):
            for i in left:
                if match(old[i], new[j]):
                    pairs.append((i, j))
                    left.remove(i)
                    right.remove(j)
                    break

    take(lambda a, b: json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True))
    take(lambda a, b: a.get("Sid") and a.get("Sid") == b.get("Sid"))
    take(lambda a, b: _without_sid(a) == _without_sid(b))
    take(lambda a, b: not (a.get("Sid") and b.get("Sid")) and a.get("Effect") == b.get("Effect"))
    pairs.extend((i, None) for i in left)
    pairs.extend((None, j) for j in right)
    return pairs


def _change(
    old: list[dict[str, Any]], new: list[dict[str, Any]], i: int | None, j: int | None
) -> StatementChange | None:
    a = old[i] if i is not None else None
    b = new[j] if j is not None else None
    if a is None and b is not None:
        return StatementChange("added", None, j, None, b.get("Sid"), tuple(b), tuple(_entries([b])))
    if b is None and a is not None:
        return StatementChange("removed", i, None, a.get("Sid"), None, tuple(a), (), tuple(_entries([a])))
    assert a is not None and b is not None
    keys = [k for k in dict.fromkeys([*b, *a]) if a.get(k) != b.get(k)]
    if not keys:
        return None
    before = {x.lower() for x in _entries([a])}
    after = {x.lower() for x in _entries([b])}
    added = tuple(x for x in _entries([b]) if x.lower() not in before)
    removed = tuple(x for x in _entries([a]) if x.lower() not in after)
    if "Action" in keys and not added and not removed:  # only order or form changed
        keys.remove("Action")
        if not keys:
            return None
    return StatementChange("changed", i, j, a.get("Sid"), b.get("Sid"), tuple(keys), added, removed)


def diff_managed_policy(name: str, old: str | int, new: str | int | None = None) -> PolicyDiff:
    """How a managed policy changed from version ``old`` to version ``new``.

    Args:
        name: the policy (case-insensitive).
        old: the older version (``"v3"``).
        new: the newer version; the current one when omitted.

    Returns:
        A :class:`PolicyDiff`; ``str()`` of it is a deterministic report.

    Raises:
        XrayKitError: for an unknown policy or version.
    """
    resolved = _resolve(name)
    old_label = _version_label(resolved, old, "old")
    new_label = _version_label(resolved, new, "new")
    before = _statements(_document(resolved, old_label))
    after = _statements(_document(resolved, new_label))
    old_actions = {a.lower() for a in _entries(before)}
    new_actions = {a.lower() for a in _entries(after)}
    changes = []
    for i, j in sorted(_pair(before, after), key=lambda p: (p[1] is None, p[1] or 0, p[0] or 0)):
        change = _change(before, after, i, j)
        if change is not None:
            changes.append(change)
    sids = tuple(
        (c.old_index, c.new_index, c.old_sid, c.new_sid)
        for c in changes
        if c.kind == "changed" and "Sid" in c.fields and c.old_index is not None and c.new_index is not None
    )
    return PolicyDiff(
        name=resolved,
        old=old_label,
        new=new_label,
        actions_added=tuple(a for a in _entries(after) if a.lower() not in old_actions),
        actions_removed=tuple(a for a in _entries(before) if a.lower() not in new_actions),
        statements=tuple(changes),
        sid_changes=sids,
    )
