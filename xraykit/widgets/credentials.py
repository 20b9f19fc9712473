"""The credentials editor: a virtual environment in, the identity the SDK and the daemon would use out.

Edit the environment variables, the shared credentials and config files and the platform; the
editor resolves botocore's chain and the X-Ray daemon's (:mod:`xraykit.credentials`) and checks the
daemon's five actions against the policies you give the resolved identity. Nothing is read from
the real machine. Secrets in the example files are shown masked; the model only needs to know a
key is there. Taught in ``notebooks/07_credentials.ipynb``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from xraykit.credentials import (
    DaemonVerdict,
    Resolution,
    daemon_verdict,
    environment_from_dict,
    example,
    examples,
    resolve_daemon,
    resolve_sdk,
)
from xraykit.credentials import facts as cred_facts
from xraykit.errors import Issue, XrayKitError
from xraykit.widgets._base import Tool, badge, code, text_area, text_box

__all__ = ["POLICY_CHOICES", "CredentialsEditor", "CredentialsResult", "credentials_editor", "parse_env"]

#: what the resolved identity may have attached, for the upload check
POLICY_CHOICES = (
    "AWSXRayDaemonWriteAccess",
    "AWSElasticBeanstalkWebTier",
    "AWSXrayReadOnlyAccess",
    "AWSXrayFullAccess",
    "(no policy)",
)
_ROLE_FIELD = {
    "ec2": "instance_role",
    "beanstalk": "instance_role",
    "ecs": "task_role",
    "lambda": "execution_role",
}


@dataclass(frozen=True, slots=True)
class CredentialsResult:
    """The two resolutions and whether the daemon's identity may upload."""

    sdk: Resolution
    daemon: Resolution
    verdict: DaemonVerdict

    def summary(self) -> str:
        """One line per resolver, then the upload verdict."""

        def line(who: str, r: Resolution) -> str:
            if not r.ok:
                return f"{who}: no credentials ({r.error_code or 'nothing found'})"
            source = r.winner.label if r.winner else r.method
            return f"{who}: {r.identity.arn} from {source}, region {r.region or '(none)'}"

        upload = {
            True: "uploads allowed",
            False: "uploads denied: missing " + ", ".join(self.verdict.missing),
            None: "uploads cannot be checked: " + self.verdict.summary,
        }[self.verdict.allowed]
        return "\n".join([line("SDK (botocore)", self.sdk), line("X-Ray daemon", self.daemon), upload])

    def __str__(self) -> str:
        return self.summary()


def parse_env(text: str) -> dict[str, str]:
    """``NAME=value`` lines as a dict (blank lines and ``#`` comments are skipped).

    Raises:
        XrayKitError: for a line without ``=`` or a name given twice.
    """
    env: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise XrayKitError(
                Issue(f"environment line {number}", f"`{line}` is not `NAME=value`", "e.g. `AWS_PROFILE=dev`")
            )
        if name.strip() in env:
            raise XrayKitError(Issue(f"environment line {number}", f"`{name.strip()}` is set twice"))
        env[name.strip()] = value.strip()
    return env


class CredentialsEditor(Tool):
    """Edit a virtual environment; see the identity the SDK and the daemon resolve, and whether it may upload.

    Attributes:
        example: start again from one of the kit's example environments.
        platform: where the code runs; role: the platform's role (instance profile, task or execution role).
        env: environment variables, one ``NAME=value`` per line.
        credentials_file, config_file: the text of ``~/.aws/credentials`` and ``~/.aws/config``.
        policy: the policy the resolved identity has, for the upload check.
        result: the last :class:`CredentialsResult`.
    """

    def __init__(self, name: str, policy: str) -> None:
        self._filling = False
        self._base: dict[str, Any] = {}
        self.example = w.Dropdown(
            options=list(examples()), value=name, description="Example", layout=w.Layout(width="30em")
        )
        self.platform = w.Dropdown(options=list(cred_facts.platforms()["platforms"]), description="Platform")
        self.role = text_box("", "Role")
        self.env = text_area("", "Environment", 3)
        self.credentials_file = text_area("", "credentials", 5)
        self.config_file = text_area("", "config", 4)
        self.policy = w.Dropdown(
            options=list(POLICY_CHOICES),
            value=policy,
            description="Its policy",
            layout=w.Layout(width="30em"),
        )
        self._load(name)
        self.example.observe(lambda change: self._load(change["new"], refresh=True), names="value")
        super().__init__(
            [self.platform, self.role, self.env, self.credentials_file, self.config_file, self.policy]
        )
        self.children = (self.example, *self.children)  # type: ignore[has-type]  # ipywidgets is untyped

    def _load(self, name: str, refresh: bool = False) -> None:
        environment, options = example(name)
        data = environment.to_dict()  # secrets masked
        self._base = {
            "name": environment.name,
            "access_keys": data.get("access_keys", {}),
            "platform": data["platform"],
            "daemon": None
            if options is None
            else {"local_mode": options.local_mode, "region": options.region, "role_arn": options.role_arn},
        }
        self._filling = True
        try:
            kind = data["platform"]["kind"]
            self.platform.value = kind
            self.role.value = data["platform"].get(_ROLE_FIELD.get(kind, ""), "") or ""
            self.env.value = "\n".join(f"{k}={v}" for k, v in data["env"].items())
            self.credentials_file.value = data["credentials_file"] or ""
            self.config_file.value = data["config_file"] or ""
        finally:
            self._filling = False
        if refresh:
            self.refresh()

    def refresh(self, change: Any = None) -> None:
        if not self._filling:
            super().refresh(change)

    def environment(self) -> dict[str, Any]:
        """The environment as the kit's JSON form, from the controls."""
        kind = self.platform.value
        base = dict(self._base["platform"]) if self._base["platform"]["kind"] == kind else {"kind": kind}
        field = _ROLE_FIELD.get(kind)
        if field:
            base[field] = self.role.value.strip() or None
        data: dict[str, Any] = {
            "name": self._base["name"],
            "platform": base,
            "env": parse_env(self.env.value),
            "credentials_file": self.credentials_file.value or None,
            "config_file": self.config_file.value or None,
            "access_keys": self._base["access_keys"],
        }
        if self._base["daemon"] is not None:
            data["daemon"] = {k: v for k, v in self._base["daemon"].items() if v is not None}
        return data

    def compute(self) -> CredentialsResult:
        environment, options = environment_from_dict(self.environment(), "editor")
        sdk, daemon = resolve_sdk(environment), resolve_daemon(environment, options)
        chosen = self.policy.value
        verdict = daemon_verdict(daemon, lambda arn: [] if chosen == POLICY_CHOICES[-1] else [chosen])
        return CredentialsResult(sdk, daemon, verdict)

    def show(self, result: CredentialsResult) -> None:
        label = {True: "Allowed", False: "ImplicitlyDenied", None: "no identity"}[result.verdict.allowed]
        lines = "<br>".join(code(line) for line in result.summary().splitlines())
        self.status.value = f"{badge(label, 'upload ' + label)}<br>{lines}"
        self.view.value = (
            f"<details><summary>the SDK's chain</summary>{result.sdk._repr_html_()}</details>"
            f"<details open><summary>the daemon's chain</summary>{result.daemon._repr_html_()}</details>"
            f"<div>{result.verdict._repr_html_()}</div>"
        )


def credentials_editor(
    example_name: str = "laptop-default-profile", policy: str = "AWSXRayDaemonWriteAccess"
) -> CredentialsEditor:
    """The credentials editor, starting on the X-Ray guide's local set-up (keys in the default profile).

    Args:
        example_name: one of :func:`xraykit.credentials.examples`.
        policy: one of :data:`POLICY_CHOICES`, attached to whichever identity is resolved.

    Returns:
        The widget (not displayed); ``.result`` is the current :class:`CredentialsResult`.
    """
    return CredentialsEditor(example_name, policy)
