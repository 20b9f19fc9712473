"""The playground: any policy set, any request, the decision and the full trace.

Taught in ``notebooks/08_playground.ipynb``. Presets fill the controls with documented cases; every
text control can then be edited. Invalid JSON or an invalid policy shows its issues inline and the
last good evaluation stays on screen.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as w

from xraykit import arn as arns
from xraykit.engine import DEFAULT_PRINCIPAL, PolicySet
from xraykit.errors import Issue, XrayKitError
from xraykit.figures import decision_flow_data
from xraykit.render import decision_summary
from xraykit.result import Evaluation
from xraykit.widgets._base import Tool, badge, code, parse_json, text_area, text_box

__all__ = ["PRESETS", "Playground", "Preset", "flow_html", "parse_policies", "playground"]


def _doc(*statements: Mapping[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


@dataclass(frozen=True, slots=True)
class Preset:
    """A documented case to start from: the text of every control."""

    identity: str
    action: str
    resource: str = "*"
    boundary: str = ""
    scps: str = ""
    resource_policy: str = ""
    principal: str = DEFAULT_PRINCIPAL
    context: str = "{}"
    notes: tuple[str, ...] = field(default=())


_PROD = arns.group_arn("prod")
_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
_ALL_XRAY = {"Sid": "AllowAllXRay", "Effect": "Allow", "Action": "xray:*", "Resource": "*"}

#: Starting points, each a case from the docs; the first is what the playground shows.
PRESETS: dict[str, Preset] = {
    "console user reads the service map": Preset("AWSXrayReadOnlyAccess", "xray:GetServiceGraph"),
    "read-only user changes encryption": Preset("AWSXrayReadOnlyAccess", "xray:PutEncryptionConfig"),
    "daemon role uploads segments": Preset(
        "AWSXRayDaemonWriteAccess",
        "xray:PutTraceSegments",
        principal="arn:aws:sts::123456789012:assumed-role/xray-application/i-0abc",
    ),
    "deny deleting prod groups": Preset(
        _doc(
            _ALL_XRAY,
            {
                "Sid": "DenyUpdateGroupWithStage",
                "Effect": "Deny",
                "Action": ["xray:UpdateGroup", "xray:DeleteGroup"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceTag/stage": ["preprod", "prod"]}},
            },
        ),
        "xray:DeleteGroup",
        _PROD,
        context=json.dumps({"aws:ResourceTag/stage": "prod"}),
    ),
    "boundary limits full access": Preset(
        "AWSXrayFullAccess", "xray:PutEncryptionConfig", boundary="AWSXrayReadOnlyAccess"
    ),
    "SCP denies outside one region": Preset(
        "AWSXrayFullAccess",
        "xray:PutTraceSegments",
        scps=_doc(
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}},
            },
        ),
        context=json.dumps({"aws:RequestedRegion": "us-east-1"}),
    ),
    "key policy without the user": Preset(
        _doc({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}),
        "kms:Decrypt",
        _KEY,
        resource_policy=_doc(
            {
                "Sid": "KeyAdmins",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:user/admin"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ),
    ),
}


def parse_policies(text: str, path: str) -> list[Any]:
    """The policies one control holds: nothing, one JSON document, a JSON list, or managed policy names.

    Args:
        text: the control's text; managed policy names may be separated by commas or new lines.
        path: the control's name, for errors.

    Returns:
        A list for :class:`~xraykit.PolicySet` (documents and names).

    Raises:
        XrayKitError: for JSON that does not parse.
    """
    stripped = text.strip()
    if not stripped:
        return []
    if stripped.startswith("["):
        value = parse_json(stripped, path)
        if not isinstance(value, list):  # pragma: no cover - a JSON text starting with [ is a list
            raise XrayKitError(Issue(path, "expected a list of policies"))
        return [
            {"name": f"{path}[{i}]", "policy": v} if isinstance(v, dict) else v for i, v in enumerate(value)
        ]
    if stripped.startswith("{"):
        return [{"name": path, "policy": parse_json(stripped, path)}]
    return [name.strip() for chunk in stripped.splitlines() for name in chunk.split(",") if name.strip()]


def flow_html(evaluation: Evaluation) -> str:
    """The decision flow as a compact HTML strip (the figure's data, for widgets)."""
    data = decision_flow_data(evaluation)
    colour = {
        "decided": "#1a7f37" if data.decision == "Allowed" else "#cf222e",
        "blocked": "#d4a72c",
        "passed": "#57606a",
        "absent": "#afb8c1",
    }
    items = "".join(
        f'<li style="color:{colour[s.state]};{"font-weight:bold" if s.key in data.highlighted else ""}">'
        f"{html.escape(s.question)} <small>({s.state})</small></li>"
        for s in data.steps
    )
    return f'<details><summary>where in the flow</summary><ol style="margin:0">{items}</ol></details>'


class Playground(Tool):
    """Policies and a request in, decision and trace out.

    Attributes:
        preset: a dropdown of documented cases (choosing one fills every control).
        identity, boundary, scps, resource_policy: policy text controls (JSON, a JSON list, or
            managed policy names).
        action, resource, principal: the request.
        context: the request context as a JSON object.
        result: the last :class:`~xraykit.result.Evaluation` (also ``.evaluation``).
    """

    def __init__(self, preset: str) -> None:
        self._filling = False
        start = PRESETS[preset]
        self.preset = w.Dropdown(
            options=list(PRESETS),
            value=preset,
            description="Start from",
            style={"description_width": "8em"},
            layout=w.Layout(width="34em"),
        )
        self.identity = text_area(start.identity, "Identity policies", 7)
        self.boundary = text_area(start.boundary, "Boundary", 2)
        self.scps = text_area(start.scps, "SCPs", 2)
        self.resource_policy = text_area(start.resource_policy, "Resource policy", 2)
        self.action = text_box(start.action, "Action")
        self.resource = text_box(start.resource, "Resource", "46em")
        self.principal = text_box(start.principal, "Principal", "46em")
        self.context = text_area(start.context, "Context", 2)
        self.flow = w.HTML()
        policies = w.VBox([self.identity, self.boundary, self.scps, self.resource_policy])
        request = w.VBox([self.action, self.resource, self.principal, self.context])
        self.preset.observe(self._load_preset, names="value")
        super().__init__([policies, request], extra=[self.flow])
        self.children = (self.preset, *self.children)  # type: ignore[has-type]  # ipywidgets is untyped

    @property
    def evaluation(self) -> Evaluation | None:
        """The last good evaluation."""
        return self.result  # type: ignore[no-any-return]

    def _load_preset(self, change: Any) -> None:
        case = PRESETS[change["new"]]
        self._filling = True
        try:
            for control, value in (
                (self.identity, case.identity),
                (self.boundary, case.boundary),
                (self.scps, case.scps),
                (self.resource_policy, case.resource_policy),
                (self.action, case.action),
                (self.resource, case.resource),
                (self.principal, case.principal),
                (self.context, case.context),
            ):
                control.value = value
        finally:
            self._filling = False
        self.refresh()

    def refresh(self, change: Any = None) -> None:
        if not getattr(self, "_filling", False):
            super().refresh(change)

    def compute(self) -> Evaluation:
        context = parse_json(self.context.value.strip() or "{}", "context", "a context")
        if not isinstance(context, dict):
            raise XrayKitError(
                Issue("context", "the context must be a JSON object of condition keys to values")
            )
        scps = parse_policies(self.scps.value, "scps")
        policies = PolicySet(
            parse_policies(self.identity.value, "identity policies"),
            parse_policies(self.boundary.value, "boundary") or None,
            scps or None,
            None,
            None,
            (parse_policies(self.resource_policy.value, "resource policy") or [None])[0],
        )
        return policies.evaluate(
            self.action.value.strip(),
            self.resource.value.strip() or "*",
            principal=self.principal.value.strip(),
            context=context,
        )

    def show(self, result: Evaluation) -> None:
        self.status.value = (
            f"{badge(result.decision.value)} {code(decision_summary(result).split(': ', 1)[1])}"
        )
        self.flow.value = flow_html(result)
        self.view.value = result._repr_html_()


def playground(preset: str = "console user reads the service map") -> Playground:
    """The playground widget, filled from one of :data:`PRESETS`.

    Args:
        preset: the name of the starting case.

    Returns:
        The widget (not displayed); ``.evaluation`` is the current decision with its trace.

    Raises:
        XrayKitError: for an unknown preset name.
    """
    if preset not in PRESETS:
        from xraykit.errors import did_you_mean

        raise XrayKitError(Issue("preset", f"unknown preset `{preset}`", did_you_mean(preset, list(PRESETS))))
    return Playground(preset)
