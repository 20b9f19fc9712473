"""xraykit: learn and check how AWS X-Ray works with IAM.

The package is a policy simulator (AWS's evaluation logic, with a trace of why), the X-Ray catalog
(actions, resource types, condition keys, managed policies), scenarios and the notebooks' widgets.

``import xraykit`` is light: nothing heavy (pydantic models, catalog data, ipywidgets, matplotlib,
botocore) loads until a name below is first used.

Start with :func:`simulate` (one request) or :class:`PolicySet` (compile once, decide many).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it; loaded on first attribute access
_LAZY: dict[str, str] = {
    "simulate": "xraykit.engine",
    "PolicySet": "xraykit.engine",
    "Decision": "xraykit.result",
    "Evaluation": "xraykit.result",
    "Reason": "xraykit.result",
    "Layer": "xraykit.result",
    "XrayKitError": "xraykit.errors",
    "Issue": "xraykit.errors",
    "parse_policy": "xraykit.policy",
    "Policy": "xraykit.policy",
}
_SUBMODULES = {
    "arn",
    "catalog",
    "conditions",
    "credentials",
    "engine",
    "errors",
    "kms",
    "lint",
    "operators",
    "policy",
    "render",
    "result",
    "scenarios",
    "variables",
    "wildcards",
    "account",
    "figures",
    "exercises",
    "least_privilege",
    "matrix",
    "compare",
    "stream",
    "matching",
}

__all__ = sorted(_LAZY)

if TYPE_CHECKING:  # pragma: no cover
    from xraykit.engine import PolicySet, simulate  # noqa: F401
    from xraykit.errors import Issue, XrayKitError  # noqa: F401
    from xraykit.policy import Policy, parse_policy  # noqa: F401
    from xraykit.result import Decision, Evaluation, Layer, Reason  # noqa: F401


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"xraykit.{name}")
    raise AttributeError(f"module 'xraykit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)
