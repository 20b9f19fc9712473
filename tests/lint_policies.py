"""The policies the lint tests run over: every version of every managed policy, and every policy
written in a scenario file (collected through the scenario schema, so a new kind of place a policy
can sit in shows up here)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from xraykit.policy import PolicyKind


def _document(ref: Any) -> Any:
    """A policy document from an inline document or a ``{"name", "policy"}`` reference."""
    if isinstance(ref, dict) and "policy" in ref and "Statement" not in ref:
        return ref["policy"]
    return ref


def scenario_policies() -> Iterator[tuple[str, str, Any, PolicyKind]]:
    """``(scenario stem, place, document, kind)`` for every policy written in a scenario file."""
    from xraykit.scenarios import load_scenarios, slug

    for scenario in load_scenarios():
        stem = slug(scenario.name)
        account = scenario.account
        for name, document in account.policies.items():
            yield stem, f"account.policies.{name}", document, PolicyKind.IDENTITY
        people: list[tuple[str, Any]] = [("users", u) for u in account.users]
        people += [("roles", r) for r in account.roles] + [("iam_groups", g) for g in account.iam_groups]
        for kind, who in people:
            base = f"account.{kind}.{who.name}"
            for name, document in who.inline.items():
                yield stem, f"{base}.inline.{name}", document, PolicyKind.IDENTITY
            for i, ref in enumerate(who.policies):
                if isinstance(ref, dict):
                    yield stem, f"{base}.policies[{i}]", _document(ref), PolicyKind.IDENTITY
            boundary = getattr(who, "boundary", None)
            if isinstance(boundary, dict):
                yield stem, f"{base}.boundary", _document(boundary), PolicyKind.BOUNDARY
        for session in account.sessions:
            if session.policy is not None:
                yield stem, f"account.sessions.{session.name}.policy", session.policy, PolicyKind.SESSION
        for key in account.keys:
            if key.policy is not None:
                yield stem, f"account.keys.{key.alias}.policy", key.policy, PolicyKind.RESOURCE
        for level, item in enumerate(account.scps or ()):
            for j, ref in enumerate(item if isinstance(item, list) else [item]):
                if isinstance(ref, dict):
                    yield stem, f"account.scps[{level}][{j}]", _document(ref), PolicyKind.SCP


def managed_policies() -> Iterator[tuple[str, str, Any]]:
    """``(name, version, document)`` for every recorded version of every managed policy."""
    from xraykit import catalog

    for name in catalog.managed_policy_names():
        for version in catalog.managed_policy_versions(name):
            yield name, version.version, catalog.managed_policy(name, version.version)
