"""The arguments of the account model's set-up methods, checked before anything changes.

A learner builds an account by hand in a notebook, so the likely slips get a located message:
``policies="AWSXrayReadOnlyAccess"`` (one name, not a list: it would read as one policy per
letter), a policy document where a list of them belongs, tags given as a list, a number for a
name. Every check returns the issues it finds; :func:`raise_for` raises them together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from xraykit.errors import Issue, XrayKitError, json_type, text_map_issues

__all__ = ["document", "name", "named_documents", "names", "policies", "principal", "raise_for", "tags"]


def name(value: Any, path: str = "name") -> list[Issue]:
    """A name: text, not empty."""
    if isinstance(value, str) and value:
        return []
    return [Issue(path, f"a name is text, not {'empty text' if value == '' else json_type(value)}")]


def principal(value: Any, path: str = "principal") -> list[Issue]:
    """A caller: a user or role name, ``ROLE/SESSION`` or an ARN (text)."""
    if isinstance(value, str) and value:
        return []
    return [
        Issue(
            path,
            f"the caller is a user or role name, `ROLE/SESSION` or an ARN, not {json_type(value)}",
            'e.g. `"alice"`',
        )
    ]


def policies(value: Any, path: str = "policies") -> list[Issue]:
    """Attached policies: a list of managed names (or the account's own names) and documents."""
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        return [
            Issue(
                path,
                f"`{path}` is a list of policies, not {json_type(value)}",
                f'put it in a list: `["{value}"]`'
                if isinstance(value, str)
                else "put it in a list: `[policy]`",
            )
        ]
    return [
        Issue(f"{path}[{i}]", f"a policy is a name or a document, not {json_type(item)}")
        for i, item in enumerate(value)
        if not isinstance(item, str | Mapping) and not hasattr(item, "document")
    ]


def names(value: Any, path: str) -> list[Issue]:
    """A list of names (IAM groups a user joins, principals of a key policy block)."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        hint = f'put it in a list: `["{value}"]`' if isinstance(value, str) else None
        return [Issue(path, f"`{path}` is a list of names, not {json_type(value)}", hint)]
    return [
        Issue(f"{path}[{i}]", f"a name is text, not {json_type(item)}")
        for i, item in enumerate(value)
        if not isinstance(item, str)
    ]


def tags(value: Any, path: str = "tags") -> list[Issue]:
    """Tags: None, or a mapping of text to text."""
    return [] if value is None else text_map_issues(value, path, 'e.g. `{"team": "core"}`')


def document(value: Any, path: str, *, optional: bool = True) -> list[Issue]:
    """A policy document: a JSON object (or None, where the argument is ``optional``)."""
    if (value is None and optional) or isinstance(value, Mapping):
        return []
    return [Issue(path, f"a policy document is a JSON object, not {json_type(value)}")]


def named_documents(value: Any, path: str = "inline") -> list[Issue]:
    """Inline policies: None, or a mapping of policy name to document."""
    if value is None:
        return []
    if not isinstance(value, Mapping):
        return [
            Issue(
                path, f"inline policies map names to documents, not {json_type(value)}", '`{"name": {...}}`'
            )
        ]
    return [issue for key, item in value.items() for issue in document(item, f"{path}.{key}")]


def raise_for(*found: list[Issue]) -> None:
    """Raise every issue found, together; do nothing when there are none."""
    issues = [issue for group in found for issue in group]
    if issues:
        raise XrayKitError(issues)
