"""Scenarios as data: every situation the X-Ray IAM pages describe, as a runnable JSON file.

A scenario file (``xraykit/data/scenarios/<sentence-name>.json``) holds a sentence name, the doc
page and section it comes from, the account to set up (users, roles, policies, groups, sampling
rules, keys, encryption) and the steps: X-Ray API calls, raw requests, operation bundles, key
policy checks and credential resolutions, each with what it should give. The schema is strict
(unknown fields are errors) and the file name must be the name's slug, so a list of files reads
as a list of sentences.

:func:`scenario_names` lists them, :func:`load_scenario` loads one, :func:`run_scenario` runs it
on a fresh account and says which expectations failed. The notebooks are built from these files.

Group ARNs end in an ID generated at creation, so steps refer to resources by name:
``{group:NAME}``, ``{rule:NAME}`` and ``{key:ALIAS}`` in a call's parameters or a request's
resource and context become the ARN the account gave that resource.

``run_scenario("the documented policy denies deleting a group tagged stage prod")``
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from xraykit.errors import Issue, XrayKitError, did_you_mean, json_type, load_json
from xraykit.result import Layer, Reason

__all__ = [
    "DOC_PAGES",
    "AccountSpec",
    "Expect",
    "Scenario",
    "load_scenario",
    "load_scenarios",
    "run_scenario",
    "scenario_names",
    "slug",
]

#: The X-Ray Developer Guide pages scenarios may cite (the seed set and its 2019 predecessor).
DOC_PAGES = (
    "security_iam_service-with-iam.md",
    "security_iam_id-based-policy-examples.md",
    "security_iam_troubleshoot.md",
    "security-iam.md",
    "xray-permissions.md",
    "xray-console-encryption.md",
    "xray-tagging.md",
    "xray-daemon.md",
    "xray-daemon-local.md",
    "xray-daemon-ec2.md",
    "xray-daemon-ecs.md",
    "xray-daemon-beanstalk.md",
    "xray-daemon-configuration.md",
    "xray-services-lambda.md",
    "xray-services-ec2.md",
    "xray-services-beanstalk.md",
    "xray-console.md",
    "xray-console-sampling.md",
    "xray-console-groups.md",
    "xray-api-configuration.md",
)
_Strict = ConfigDict(extra="forbid", frozen=True)
PolicyRef = str | dict[str, Any]
DecisionName = Literal["Allowed", "ExplicitlyDenied", "ImplicitlyDenied"]


def slug(name: str) -> str:
    """The file stem of a scenario name: lower case, words joined by ``-``."""
    if not isinstance(name, str):
        raise XrayKitError(
            Issue("name", f"a scenario is named by text, not {json_type(name)}", "see `scenario_names()`")
        )
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


class Source(BaseModel):
    """The doc page and section a scenario teaches."""

    model_config = _Strict
    page: str
    section: str
    anchor: str | None = None

    @field_validator("page")
    @classmethod
    def _known_page(cls, page: str) -> str:
        if page not in DOC_PAGES:
            raise ValueError(
                f"`{page}` is not a page the kit cites ({did_you_mean(page, DOC_PAGES) or 'see DOC_PAGES'})"
            )
        return page


class UserSpec(BaseModel):
    model_config = _Strict
    name: str
    policies: list[PolicyRef] = []
    inline: dict[str, dict[str, Any]] = {}
    groups: list[str] = []
    boundary: PolicyRef | None = None
    tags: dict[str, str] = {}
    path: str = "/"


class IamGroupSpec(BaseModel):
    model_config = _Strict
    name: str
    policies: list[PolicyRef] = []
    inline: dict[str, dict[str, Any]] = {}


class RoleSpec(BaseModel):
    model_config = _Strict
    name: str
    policies: list[PolicyRef] = []
    inline: dict[str, dict[str, Any]] = {}
    boundary: PolicyRef | None = None
    tags: dict[str, str] = {}
    path: str = "/"
    session_name: str = "session"


class SessionSpec(BaseModel):
    model_config = _Strict
    role: str
    name: str
    policy: dict[str, Any] | None = None
    tags: dict[str, str] = {}


class XrayGroupSpec(BaseModel):
    model_config = _Strict
    name: str
    filter_expression: str | None = None
    tags: dict[str, str] = {}


class SamplingRuleSpec(BaseModel):
    model_config = _Strict
    name: str
    tags: dict[str, str] = {}
    fields: dict[str, Any] = {}


class KeySpec(BaseModel):
    model_config = _Strict
    alias: str
    policy: dict[str, Any] | None = None
    root: bool = True
    administrators: list[str] = []
    users: list[str] = []
    grants: list[str] | None = None
    spec: str = "SYMMETRIC_DEFAULT"
    enabled: bool = True
    tags: dict[str, str] = {}
    account: str | None = None


class EncryptionSpec(BaseModel):
    model_config = _Strict
    type: Literal["NONE", "KMS"] = "NONE"
    key: str | None = None


class AccountSpec(BaseModel):
    """The account a scenario starts from."""

    model_config = _Strict
    id: str = "123456789012"
    region: str = "us-east-1"
    seed: int = 0
    clock: str = "2020-09-21T12:00:00Z"
    policies: dict[str, dict[str, Any]] = {}
    iam_groups: list[IamGroupSpec] = []
    users: list[UserSpec] = []
    roles: list[RoleSpec] = []
    sessions: list[SessionSpec] = []
    scps: list[Any] | None = None
    xray_groups: list[XrayGroupSpec] = []
    sampling_rules: list[SamplingRuleSpec] = []
    keys: list[KeySpec] = []
    encryption: EncryptionSpec = EncryptionSpec()
    extra_context: dict[str, Any] = {}


class Expect(BaseModel):
    """What a step should give; only the fields given are checked."""

    model_config = _Strict
    decision: DecisionName | None = None
    reason: str | None = None
    decided_by: str | None = None
    blocked_by: list[str] | None = None
    failing: str | None = None
    error: str | None = None
    no_error: bool | None = None
    changes: list[str] | None = None
    tags_after: dict[str, str] | None = None
    context: dict[str, Any] | None = None
    absent_keys: list[str] | None = None
    raises: str | None = None
    key_access: Literal["named", "delegated", "none"] | None = None
    method: str | None = None
    identity: str | None = None
    profile: str | None = None
    region: str | None = None

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str | None) -> str | None:
        known = [r.value for r in Reason]
        if value is not None and value not in known:
            raise ValueError(
                f"unknown reason `{value}` ({did_you_mean(value, known) or 'see xraykit.result.Reason'})"
            )
        return value

    @field_validator("decided_by", "blocked_by")
    @classmethod
    def _layers(cls, value: Any) -> Any:
        names = [m.name.lower() for m in Layer]
        for item in [value] if isinstance(value, str) else value or []:
            if item.lower() not in names:
                raise ValueError(
                    f"unknown layer `{item}` ({did_you_mean(item, names) or 'use ' + ', '.join(names)})"
                )
        return value


class CallSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    principal: str = Field(alias="as")
    operation: str
    parameters: dict[str, Any] = {}


class RequestSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    principal: str = Field(alias="as")
    action: str
    resource: str = "*"
    context: dict[str, Any] = {}
    key: str | None = None
    via_xray: bool = True


class BundleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    principal: str = Field(alias="as")
    name: str
    key: str | None = None


class KeyAccessSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    principal: str = Field(alias="as")
    key: str
    action: str = "kms:Decrypt"


class CredentialsSpec(BaseModel):
    model_config = _Strict
    resolver: Literal["sdk", "daemon"]
    environment: dict[str, Any]


class Step(BaseModel):
    """One step: exactly one of ``call``, ``request``, ``bundle``, ``key_access``, ``credentials``."""

    model_config = _Strict
    note: str | None = None
    call: CallSpec | None = None
    request: RequestSpec | None = None
    bundle: BundleSpec | None = None
    key_access: KeyAccessSpec | None = None
    credentials: CredentialsSpec | None = None
    expect: Expect

    @model_validator(mode="after")
    def _one_kind(self) -> Step:
        given = [
            k
            for k in ("call", "request", "bundle", "key_access", "credentials")
            if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "a step needs exactly one of `call`, `request`, `bundle`, `key_access`, `credentials`"
            )
        return self

    @property
    def kind(self) -> str:
        """Which kind of step this is."""
        return next(k for k in ("call", "request", "bundle", "key_access", "credentials") if getattr(self, k))


class Scenario(BaseModel):
    """One scenario file."""

    model_config = _Strict
    name: Annotated[str, Field(min_length=10)]
    source: Source
    summary: str
    topics: list[str] = []
    account: AccountSpec = AccountSpec()
    steps: Annotated[list[Step], Field(min_length=1)]

    @field_validator("name")
    @classmethod
    def _sentence(cls, name: str) -> str:
        if name != name.strip() or name.endswith(".") or not name[0].islower() or " " not in name:
            raise ValueError("a scenario name is a sentence in lower case, without a final period")
        return name


# ------------------------------------------------------------------------------------ loading


def _folder() -> Any:
    return resources.files("xraykit.data").joinpath("scenarios")


@cache
def scenario_names() -> tuple[str, ...]:
    """The file stems of every scenario, sorted (each the slug of its sentence name)."""
    return tuple(
        sorted(p.name.removesuffix(".json") for p in _folder().iterdir() if p.name.endswith(".json"))
    )


def _issues(error: ValidationError, source: str) -> list[Issue]:
    out = []
    for item in error.errors():
        path = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in item["loc"]).replace(".[", "[")
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = f"`{item['loc'][-1]}` is not a field here"
        out.append(Issue(path, message[0].lower() + message[1:], source=source))
    return out


def parse_scenario(data: Any, source: str = "scenario") -> Scenario:
    """Validate a scenario given as parsed JSON.

    Raises:
        XrayKitError: every problem, each with its path.
    """
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise XrayKitError(_issues(error, source)) from None


def load_scenario(name: str) -> Scenario:
    """Load one scenario by file stem or by sentence name.

    Raises:
        XrayKitError: for an unknown scenario, a file that is not JSON, an invalid scenario, or a
            name whose slug differs from the file name.
    """
    if not isinstance(name, str):
        raise XrayKitError(
            Issue("name", f"a scenario is named by text, not {json_type(name)}", "see `scenario_names()`")
        )
    stem = slug(name)
    if stem not in scenario_names():
        raise XrayKitError(Issue("name", f"unknown scenario `{name}`", did_you_mean(stem, scenario_names())))
    return _load_file(stem)


@cache
def _load_file(stem: str) -> Scenario:
    """The scenario in ``{stem}.json``, read and checked once (whichever name asked for it)."""
    text = _folder().joinpath(f"{stem}.json").read_text("utf-8")
    data = load_json(text, f"{stem}.json", expected="a scenario")
    scenario = parse_scenario(data, f"{stem}.json")
    if slug(scenario.name) != stem:
        raise XrayKitError(
            Issue(
                "name",
                f"the file name `{stem}.json` is not the slug of the name",
                f"rename the file `{slug(scenario.name)}.json`",
                source=f"{stem}.json",
            )
        )
    return scenario


def load_scenarios(topic: str | None = None) -> tuple[Scenario, ...]:
    """Every scenario (or those with ``topic``), in file order."""
    found = (load_scenario(n) for n in scenario_names())
    return tuple(s for s in found if topic is None or topic in s.topics)


def run_scenario(scenario: str | Scenario) -> Any:
    """Run a scenario on a fresh account; see :class:`xraykit.account.runner.ScenarioRun`.

    Raises:
        XrayKitError: for an unknown scenario or one whose set-up is invalid.
    """
    from xraykit.account.runner import run

    return run(scenario if isinstance(scenario, Scenario) else load_scenario(scenario))
