"""Environments as JSON: validated at the door, every issue reported with its path.

An environment file looks like::

    {
      "name": "a laptop with keys in the default profile",
      "platform": {"kind": "laptop"},
      "env": {"AWS_PROFILE": "dev"},
      "credentials_file": ["[default]", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "..."],
      "config_file": "[default]\\nregion = us-east-2\\n",
      "access_keys": {"AKIAIOSFODNN7EXAMPLE": "arn:aws:iam::123456789012:user/alice"},
      "daemon": {"local_mode": true, "region": "us-east-2"}
    }

File texts may be one string or a list of lines. ``daemon`` (optional) holds the daemon's options.
A test-case file (``{"id": ..., "environment": {...}, "expect": {...}}``) is read for its
``environment``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import fields
from os import PathLike
from pathlib import Path
from typing import Any

from xraykit.arn import account_issues
from xraykit.credentials import facts
from xraykit.credentials.daemon import DaemonOptions, default_version, version_issue
from xraykit.credentials.model import Environment, Platform, PlatformKind
from xraykit.errors import Issue, XrayKitError, did_you_mean, json_type, load_json, snippet

__all__ = ["environment_from_dict", "example", "examples", "load_environment"]

_TOP = (
    "name",
    "platform",
    "env",
    "credentials_file",
    "config_file",
    "access_keys",
    "processes",
    "account",
    "clock",
    "daemon",
    "description",
)
_DAEMON = ("role_arn", "local_mode", "region", "version")
_ARN = re.compile(r"^arn:aws[a-z-]*:(iam|sts)::\d{12}:\S+\Z", re.ASCII)


def _text(value: Any, path: str, issues: list[Issue]) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "\n".join(value) + "\n"
    issues.append(Issue(path, "expected the file's text: a string, a list of lines, or null for no file"))
    return None


def _str_map(value: Any, path: str, issues: list[Issue]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        issues.append(Issue(path, "expected an object of names to strings"))
        return {}
    out = {}
    for key, item in value.items():
        if isinstance(item, str):
            out[key] = item
        else:
            issues.append(
                Issue(
                    f"{path}.{key}",
                    f"expected a string, got `{snippet(item)}`",
                    hint='environment variables are strings: write `"true"`, not `true`',
                )
            )
    return out


def _unknown(data: Mapping[str, Any], allowed: tuple[str, ...], path: str, issues: list[Issue]) -> None:
    for key in data:
        if key not in allowed:
            where = f"{path}.{key}" if path else key
            issues.append(Issue(where, f"`{key}` is not a field here", hint=did_you_mean(key, list(allowed))))


def _platform(value: Any, issues: list[Issue]) -> Platform:
    if value is None:
        return Platform.laptop()
    if isinstance(value, str):
        value = {"kind": value}
    if not isinstance(value, dict):
        issues.append(Issue("platform", "expected an object with a `kind`"))
        return Platform.laptop()
    kinds = [k.value for k in PlatformKind]
    kind = value.get("kind", "laptop")
    if kind not in kinds:
        issues.append(
            Issue("platform.kind", f"`{kind}` is not a platform", hint=did_you_mean(str(kind), kinds))
        )
        return Platform.laptop()
    allowed = (*facts.platforms()["platforms"][kind]["fields"], "kind", "imds_reachable", "container_role")
    _unknown(value, allowed, "platform", issues)
    given = {k: v for k, v in value.items() if k != "kind" and k in allowed}
    types = {f.name: f.type for f in fields(Platform)}
    for key, item in given.items():
        wanted = bool if "bool" in str(types[key]) else str
        if item is not None and not isinstance(item, wanted):
            issues.append(
                Issue(f"platform.{key}", f"expected {'true or false' if wanted is bool else 'a string'}")
            )
    return Platform.of(kind, **given)


def _daemon(value: Any, issues: list[Issue]) -> DaemonOptions | None:
    if value is None:
        return None
    if isinstance(value, (str, list)):
        try:
            return DaemonOptions.from_args(value)
        except XrayKitError as error:
            issues.extend(i.located(prefix="daemon") for i in error.issues)
            return None
    if not isinstance(value, dict):
        issues.append(Issue("daemon", "expected an object or the daemon's flags as a string"))
        return None
    _unknown(value, _DAEMON, "daemon", issues)
    version = str(value.get("version", default_version()))
    issue = version_issue(version, "daemon.version")
    if issue is not None:
        issues.append(issue)
        version = default_version()
    return DaemonOptions(
        role_arn=value.get("role_arn"),
        local_mode=bool(value.get("local_mode", False)),
        region=value.get("region"),
        version=version,
    )


def environment_from_dict(data: Any, source: str | None = None) -> tuple[Environment, DaemonOptions | None]:
    """Build an environment (and the daemon's options, if given) from parsed JSON.

    Args:
        data: the parsed JSON object.
        source: a name for messages (the file name).

    Returns:
        The environment and the daemon options (``None`` when the data has no ``daemon``).

    Raises:
        XrayKitError: every problem found, each with its path.
    """
    issues: list[Issue] = []
    if not isinstance(data, dict):
        raise XrayKitError(Issue("", "expected a JSON object describing the environment", source=source))
    if isinstance(data.get("environment"), dict) and "expect" in data:
        data = data["environment"]  # a test case: the environment is inside
    _unknown(data, _TOP, "", issues)
    env = _str_map(data.get("env"), "env", issues)
    access_keys = _str_map(data.get("access_keys"), "access_keys", issues)
    for key, arn in access_keys.items():
        if not _ARN.match(arn):
            issues.append(
                Issue(
                    f"access_keys.{key}",
                    f"`{arn}` is not an IAM user, role session or root ARN",
                    hint="e.g. `arn:aws:iam::123456789012:user/alice`",
                )
            )
    account = str(data.get("account", facts.platforms()["default_account"]))
    if found := account_issues(account):
        issues += found
        account = facts.platforms()["default_account"]  # to go on collecting issues
    clock = data.get("clock", facts.platforms()["default_clock"])
    if not isinstance(clock, int) or isinstance(clock, bool):
        issues.append(Issue("clock", f"the clock is Unix seconds, a whole number, not {json_type(clock)}"))
        clock = facts.platforms()["default_clock"]
    environment = Environment(
        name=str(data.get("name", source or "an environment")),
        env=env,
        credentials_file=_text(data.get("credentials_file"), "credentials_file", issues),
        config_file=_text(data.get("config_file"), "config_file", issues),
        platform=_platform(data.get("platform"), issues),
        access_keys=access_keys,
        processes=_str_map(data.get("processes"), "processes", issues),
        account=account,
        clock=clock,
    )
    daemon = _daemon(data.get("daemon"), issues)
    if not issues:
        try:  # parse the files now so that a broken file is reported at the door
            environment.credentials()
            environment.config()
        except XrayKitError as error:
            issues.extend(error.issues)
    if issues:
        raise XrayKitError(i.located(source) for i in issues)
    return environment, daemon


def load_environment(path: str | Path) -> tuple[Environment, DaemonOptions | None]:
    """Read an environment JSON file.

    Args:
        path: the file.

    Returns:
        The environment and the daemon options it names (or ``None``).

    Raises:
        XrayKitError: the file cannot be read, is not JSON, or describes an invalid environment.
    """
    if not isinstance(path, str | PathLike):
        raise XrayKitError(Issue("path", f"expected a file path, not {json_type(path)}"))
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise XrayKitError(Issue("", f"cannot read `{path}`: {error.strerror or error}")) from None
    data = load_json(text, path.name, expected="an environment")
    return environment_from_dict(data, source=path.name)


def examples() -> list[str]:
    """The names of the example environments shipped in ``xraykit/data/credentials/environments``."""
    from importlib import resources

    folder = resources.files("xraykit").joinpath("data", "credentials", "environments")
    return sorted(p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json"))


def example(name: str) -> tuple[Environment, DaemonOptions | None]:
    """One shipped example environment by name (``ec2-instance-profile``, ...).

    Raises:
        XrayKitError: no example has that name.
    """
    from importlib import resources

    names = examples()
    if name not in names:
        raise XrayKitError(
            Issue(
                "example",
                f"`{name}` is not an example environment",
                hint=did_you_mean(name, names) or "the examples: " + ", ".join(f"`{n}`" for n in names),
            )
        )
    text = (
        resources.files("xraykit")
        .joinpath("data", "credentials", "environments", f"{name}.json")
        .read_text("utf-8")
    )
    return environment_from_dict(json.loads(text), source=f"{name}.json")
