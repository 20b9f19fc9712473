"""X-Ray API parameters checked against the service model botocore ships.

An operation's input is a structure: required members, members of a given type, enums, and
length, size or value ranges. :func:`check_parameters` walks the input the way botocore's
client-side validation does, and checks the upper bounds too (botocore checks only the lower
ones and leaves the upper ones to the service, which rejects the call), reporting every problem
at once, located by its path (``SamplingRule.Priority``), in the kit's voice. botocore's model is
loaded on first use only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from xraykit.errors import Issue, XrayKitError, did_you_mean, json_type

__all__ = ["check_parameters", "operation_name", "operation_names"]


@cache
def _model() -> Any:
    from botocore.loaders import create_loader  # type: ignore[import-untyped]
    from botocore.model import ServiceModel  # type: ignore[import-untyped]

    return ServiceModel(create_loader().load_service_model("xray", "service-2"), "xray")


def operation_names() -> tuple[str, ...]:
    """The X-Ray API operations in botocore's model, sorted."""
    return tuple(sorted(_model().operation_names))


def _key(name: str) -> str:
    return re.sub(r"[_\-\s]", "", name).lower()


@cache
def _index() -> dict[str, str]:
    return {_key(n): n for n in operation_names()}


def operation_name(name: str) -> str:
    """The canonical operation name: ``CreateGroup`` from ``create_group``, ``xray:CreateGroup`` ...

    Args:
        name: the operation as written (API name, boto3 method name or IAM action).

    Returns:
        The API name.

    Raises:
        XrayKitError: for an unknown operation, with the closest names.
    """
    if not isinstance(name, str):
        raise XrayKitError(
            Issue("operation", f"expected an X-Ray operation such as `CreateGroup`, not {json_type(name)}")
        )
    text = name.split(":", 1)[1] if name.lower().startswith("xray:") else name
    found = _index().get(_key(text))
    if found is None:
        raise XrayKitError(
            Issue(
                "operation",
                f"unknown X-Ray operation `{name}`",
                did_you_mean(text, operation_names()) or "see `operation_names()`",
            )
        )
    return found


def _type_name(value: Any) -> str:
    """The JSON type of ``value`` as a message words it, integers told apart from other numbers."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return json_type(value)


def _count(n: int, noun: str) -> str:
    """``1 item``, ``2 items``, ``2 entries``."""
    if n == 1:
        return f"1 {noun}"
    return f"{n} {noun[:-1]}ies" if noun.endswith("y") else f"{n} {noun}s"


_WANT = {
    "string": "a string",
    "integer": "an integer",
    "long": "an integer",
    "double": "a number",
    "float": "a number",
    "boolean": "a boolean",
    "list": "a list",
    "map": "an object",
    "structure": "an object",
    "timestamp": "a timestamp",
    "blob": "bytes or a string",
}


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind in ("integer", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("double", "float"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list | tuple)
    if kind in ("map", "structure"):
        return isinstance(value, Mapping)
    if kind == "timestamp":
        return isinstance(value, str | int | float) and not isinstance(value, bool)
    return isinstance(value, bytes | str)


def _check(shape: Any, value: Any, path: str, issues: list[Issue]) -> None:
    kind = shape.type_name
    if not _type_ok(kind, value):
        issues.append(Issue(path, f"`{path}` must be {_WANT.get(kind, kind)}, not {_type_name(value)}"))
        return
    meta = shape.metadata
    if kind == "string":
        enum = getattr(shape, "enum", None) or []
        if enum and value not in enum:
            issues.append(
                Issue(
                    path,
                    f"`{path}` cannot be `{value}`",
                    did_you_mean(value, enum) or "allowed: " + ", ".join(f"`{e}`" for e in enum),
                )
            )
        if "min" in meta and len(value) < meta["min"]:
            issues.append(Issue(path, f"`{path}` needs at least {_count(meta['min'], 'character')}"))
        if "max" in meta and len(value) > meta["max"]:
            issues.append(
                Issue(path, f"`{path}` has {_count(len(value), 'character')}, more than {meta['max']}")
            )
    elif kind in ("integer", "long", "double", "float"):
        if "min" in meta and value < meta["min"]:
            issues.append(Issue(path, f"`{path}` is {value}, less than {meta['min']}"))
        if "max" in meta and value > meta["max"]:
            issues.append(Issue(path, f"`{path}` is {value}, more than {meta['max']}"))
    elif kind in ("list", "map"):
        noun = "item" if kind == "list" else "entry"
        if "min" in meta and len(value) < meta["min"]:
            issues.append(Issue(path, f"`{path}` needs at least {_count(meta['min'], noun)}"))
        if "max" in meta and len(value) > meta["max"]:
            issues.append(Issue(path, f"`{path}` has {_count(len(value), noun)}, more than {meta['max']}"))
    if kind == "list":
        for i, item in enumerate(value):
            _check(shape.member, item, f"{path}[{i}]", issues)
    elif kind == "map":
        for k, item in value.items():
            _check(shape.key, k, f"{path}.{k}", issues)
            _check(shape.value, item, f"{path}.{k}", issues)
    elif kind == "structure":
        _structure(shape, value, path, issues)


def _structure(
    shape: Any, value: Mapping[str, Any], path: str, issues: list[Issue], operation: str | None = None
) -> None:
    members = shape.members
    where = f"`{operation}`" if operation else f"`{path}`"
    for name in value:
        if name not in members:
            sub = f"{path}.{name}" if path else name
            issues.append(
                Issue(
                    sub,
                    f"{where} has no parameter `{name}`",
                    did_you_mean(name, list(members))
                    or "parameters: " + ", ".join(f"`{m}`" for m in members),
                )
            )
    for name in shape.required_members:
        if name not in value:
            sub = f"{path}.{name}" if path else name
            issues.append(
                Issue(
                    sub,
                    f"{where} needs `{name}`",
                    "required: " + ", ".join(f"`{m}`" for m in shape.required_members),
                )
            )
    for name, item in value.items():
        if name in members:
            _check(members[name], item, f"{path}.{name}" if path else name, issues)


def check_parameters(operation: str, parameters: Mapping[str, Any]) -> str:
    """Check an X-Ray call's parameters against botocore's model, the way the SDK would.

    Args:
        operation: the operation (``CreateGroup``, ``create_group`` or ``xray:CreateGroup``).
        parameters: the request parameters.

    Returns:
        The canonical operation name.

    Raises:
        XrayKitError: with every problem found: an unknown operation or parameter (with the
            closest names), a missing required member, a value of the wrong type, a value not in
            the enum, a length or value out of range.
    """
    name = operation_name(operation)
    if not isinstance(parameters, Mapping):
        raise XrayKitError(
            Issue("parameters", f"the parameters map names to values, not {json_type(parameters)}")
        )
    shape = _model().operation_model(name).input_shape
    issues: list[Issue] = []
    if shape is None:
        if parameters:
            issues.append(Issue("", f"`{name}` takes no parameters"))
    else:
        _structure(shape, parameters, "", issues, operation=name)
    if issues:
        raise XrayKitError(issues)
    return name
