"""Run a scenario: set up its account, take its steps in order, compare with what it expects.

Each step's outcome is kept (a :class:`~xraykit.account.CallRecord`, an evaluation, a bundle
result, a credential resolution), so a notebook can show it; the comparison lists every
expectation that did not hold, in words.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xraykit.account.bundles import BundleResult
from xraykit.account.model import Account
from xraykit.account.records import CallRecord
from xraykit.errors import XrayKitError
from xraykit.kms import KeyAccess, key_policy_access
from xraykit.result import Evaluation

if TYPE_CHECKING:  # pragma: no cover
    from xraykit.scenarios import AccountSpec, Expect, Scenario, Step

__all__ = ["ScenarioRun", "StepResult", "build_account", "resolve_references", "run"]

_ACCESS = {KeyAccess.NAMED: "named", KeyAccess.DELEGATED: "delegated", KeyAccess.NONE: "none"}


def build_account(spec: AccountSpec) -> Account:
    """The account a scenario describes (set up directly, without authorization)."""
    account = Account(
        spec.id,
        spec.region,
        seed=spec.seed,
        clock=spec.clock,
        scps=spec.scps,
        policies=spec.policies,
        extra_context=spec.extra_context,
    )
    for group in spec.iam_groups:
        account.add_iam_group(group.name, group.policies, inline=group.inline)
    for user in spec.users:
        account.add_user(
            user.name,
            user.policies,
            inline=user.inline,
            groups=user.groups,
            boundary=user.boundary,
            tags=user.tags,
            path=user.path,
        )
    for role in spec.roles:
        account.add_role(
            role.name,
            role.policies,
            inline=role.inline,
            boundary=role.boundary,
            tags=role.tags,
            path=role.path,
            session_name=role.session_name,
        )
    for session in spec.sessions:
        account.add_session(session.role, session.name, policy=session.policy, tags=session.tags)
    for xgroup in spec.xray_groups:
        account.add_xray_group(xgroup.name, xgroup.filter_expression, tags=xgroup.tags)
    for rule in spec.sampling_rules:
        account.add_sampling_rule(rule.name, tags=rule.tags, **rule.fields)
    for key in spec.keys:
        account.add_key(
            key.alias,
            key.policy,
            root=key.root,
            administrators=key.administrators,
            users=key.users,
            grants=key.grants,
            spec=key.spec,
            enabled=key.enabled,
            tags=key.tags,
            account=key.account,
        )
    if spec.encryption.type == "KMS":
        account.set_encryption("KMS", spec.encryption.key)
    return account


@dataclass(frozen=True, slots=True)
class StepResult:
    """One step's outcome and the expectations it missed."""

    index: int
    kind: str
    summary: str
    outcome: Any
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """Whether every expectation held."""
        return not self.failures


@dataclass(frozen=True, slots=True)
class ScenarioRun:
    """A scenario run from start to end."""

    scenario: Scenario
    account: Account
    steps: tuple[StepResult, ...]

    @property
    def passed(self) -> bool:
        """Whether every step met its expectations."""
        return all(s.passed for s in self.steps)

    @property
    def failures(self) -> tuple[str, ...]:
        """Every missed expectation, as ``step N: ...``."""
        return tuple(f"step {s.index}: {f}" for s in self.steps for f in s.failures)

    def __str__(self) -> str:
        lines = [
            self.scenario.name,
            f"  source: {self.scenario.source.page} § {self.scenario.source.section}",
        ]
        for step in self.steps:
            lines.append(f"  {'✓' if step.passed else '✗'} {step.index}. {step.summary}")
            lines += [f"      expected: {f}" for f in step.failures]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        items = "".join(
            f"<li>{'✓' if s.passed else '✗'} {html.escape(s.summary)}"
            + "".join(f"<br><small>expected: {html.escape(f)}</small>" for f in s.failures)
            + (
                f"<details><summary>details</summary>{s.outcome._repr_html_()}</details>"
                if hasattr(s.outcome, "_repr_html_")
                else ""
            )
            + "</li>"
            for s in self.steps
        )
        source = f"{self.scenario.source.page} § {self.scenario.source.section}"
        return (
            f"<div class='xraykit-scenario'><b>{html.escape(self.scenario.name)}</b>"
            f"<br><small>{html.escape(source)}</small><ol>{items}</ol></div>"
        )


_REFERENCE = re.compile(r"\{(group|rule|key):([^{}]+)\}")


def resolve_references(value: Any, account: Account) -> Any:
    """Replace ``{group:NAME}``, ``{rule:NAME}`` and ``{key:ALIAS}`` in strings with the resource's ARN.

    Group ARNs carry a generated ID, so scenario files name groups and let the account say the ARN.

    Raises:
        XrayKitError: for a reference to a group, rule or key the account does not have.
    """
    if isinstance(value, str):

        def arn(match: re.Match[str]) -> str:
            kind, name = match.group(1), match.group(2)
            if kind == "group":
                return account.group(name).arn
            if kind == "rule":
                return account.rule(name).arn
            return account.kms_key(name).arn

        return _REFERENCE.sub(arn, value)
    if isinstance(value, list):
        return [resolve_references(v, account) for v in value]
    if isinstance(value, dict):
        return {k: resolve_references(v, account) for k, v in value.items()}
    return value


def _same(label: str, want: Any, got: Any, failures: list[str]) -> None:
    if want is not None and want != got:
        failures.append(f"{label} `{want}`, got `{got}`")


def _check_evaluation(expect: Expect, evaluation: Evaluation | None, failures: list[str]) -> None:
    if evaluation is None:
        return
    _same("reason", expect.reason, evaluation.reason.value, failures)
    if expect.decided_by is not None:
        got = evaluation.decided_by.name.lower() if evaluation.decided_by else None
        _same("decided by", expect.decided_by.lower(), got, failures)
    if expect.blocked_by is not None:
        _same(
            "blocked by",
            [b.lower() for b in expect.blocked_by],
            [b.name.lower() for b in evaluation.blocked_by],
            failures,
        )


def _check_context(expect: Expect, context: Mapping[str, Any], failures: list[str]) -> None:
    lowered = {k.lower(): v for k, v in context.items()}
    for key, value in (expect.context or {}).items():
        got = lowered.get(key.lower())
        got = list(got) if isinstance(got, tuple | list) else got
        if got != value:
            failures.append(f"context `{key}` = `{value}`, got `{got}`")
    for key in expect.absent_keys or ():
        if key.lower() in lowered:
            failures.append(f"`{key}` absent from the context, but it is `{lowered[key.lower()]}`")


def _check_call(expect: Expect, record: CallRecord, failures: list[str]) -> None:
    _same("decision", expect.decision, None if record.decision is None else record.decision.value, failures)
    index = record.failed
    failing = record.failing_request
    _same("failing request", expect.failing, None if failing is None else failing.action, failures)
    chosen = record.evaluations[index if index is not None else 0] if record.evaluations else None
    _check_evaluation(expect, chosen, failures)
    if expect.error is not None and (record.error is None or expect.error not in record.error):
        failures.append(f"an error with `{expect.error}`, got `{record.error}`")
    if expect.no_error and record.error is not None:
        failures.append(f"no error, got `{record.error}`")
    changes = [str(c) for c in record.changes]
    for wanted in expect.changes or ():
        if not any(wanted in c for c in changes):
            failures.append(f"a change with `{wanted}`, got {changes or 'none'}")
    if expect.changes == [] and changes:
        failures.append(f"no change, got {changes}")
    if expect.tags_after is not None:
        _same("tags after", expect.tags_after, dict(record.tags_after or {}), failures)
    if record.requests:
        _check_context(expect, record.requests[0].context, failures)


def _check_bundle(expect: Expect, result: BundleResult, failures: list[str]) -> None:
    _same("decision", expect.decision, result.decision.value, failures)
    first = result.first_failure
    _same("first failing member", expect.failing, None if first is None else first.action, failures)
    failing = [e for e in result.evaluations if not e.allowed]
    _check_evaluation(expect, failing[0] if failing else result.evaluations[0], failures)


def _credentials(account: Account, step: Step, expect: Expect, failures: list[str]) -> tuple[str, Any]:
    from xraykit.credentials import environment_from_dict, resolve_daemon, resolve_sdk

    spec = step.credentials
    assert spec is not None
    environment, options = environment_from_dict(spec.environment, source="environment")
    resolution = resolve_sdk(environment) if spec.resolver == "sdk" else resolve_daemon(environment, options)
    identity = resolution.identity
    _same("method", expect.method, resolution.method, failures)
    _same("identity", expect.identity, identity.arn, failures)
    _same("profile", expect.profile, resolution.profile, failures)
    _same("region", expect.region, resolution.region, failures)
    summary = f"{spec.resolver}: {resolution.method} → {identity.arn}"
    if expect.decision is None and expect.failing is None:
        return summary, resolution
    if not resolution.ok or identity.iam_arn is None:
        failures.append(f"credentials to check the daemon bundle with, got none ({resolution.error})")
        return summary, resolution
    if identity.account != account.account_id:
        failures.append(f"an identity in account {account.account_id}, got one in {identity.account}")
        return summary, resolution
    name = identity.iam_arn.rsplit("/", 1)[-1]
    if identity.session_name:
        name = f"{name}/{identity.session_name}"
    result = account.run_bundle("daemon", name)
    _check_bundle(expect, result, failures)
    return f"{summary}; daemon bundle {result.decision.value}", result


def _step(account: Account, index: int, step: Step) -> StepResult:
    expect = step.expect
    failures: list[str] = []
    outcome: Any = None
    try:
        if step.call is not None:
            parameters = resolve_references(step.call.parameters, account)
            outcome = account.call(step.call.principal, step.call.operation, **parameters)
            summary = outcome.summary()
            _check_call(expect, outcome, failures)
        elif step.request is not None:
            spec = step.request
            outcome = account.request(
                spec.principal,
                spec.action,
                resolve_references(spec.resource, account),
                context=resolve_references(spec.context, account),
                key=spec.key,
                via_xray=spec.via_xray,
            )
            request = outcome.request
            summary = f"{spec.principal}: {request.action} on {request.resource} → {outcome.decision.value}"
            _same("decision", expect.decision, outcome.decision.value, failures)
            _check_evaluation(expect, outcome, failures)
            _check_context(expect, outcome.request.context_dict(), failures)
        elif step.bundle is not None:
            outcome = account.run_bundle(step.bundle.name, step.bundle.principal, key=step.bundle.key)
            summary = str(outcome).split("\n", 1)[0]
            _check_bundle(expect, outcome, failures)
        elif step.key_access is not None:
            spec_k = step.key_access
            key = account.kms_key(spec_k.key)
            outcome = key_policy_access(key, account.identity(spec_k.principal).arn, spec_k.action)
            summary = f"{spec_k.principal} and {key.label()} for {spec_k.action}: {outcome.value}"
            _same("key access", expect.key_access, _ACCESS[outcome], failures)
        else:
            summary, outcome = _credentials(account, step, expect, failures)
        if expect.raises is not None:
            failures.append(f"an error with `{expect.raises}`, but the step ran")
    except XrayKitError as error:
        summary = f"{step.kind} refused: {error}"
        outcome = error
        if expect.raises is None or expect.raises not in str(error):
            failures.append(
                f"no error, got `{error}`"
                if expect.raises is None
                else f"an error with `{expect.raises}`, got `{error}`"
            )
    return StepResult(index, step.kind, summary, outcome, tuple(failures))


def run(scenario: Scenario) -> ScenarioRun:
    """Run ``scenario`` on a fresh account built from its set-up.

    Returns:
        The :class:`ScenarioRun`.

    Raises:
        XrayKitError: for a set-up the account model rejects.
    """
    account = build_account(scenario.account)
    steps = tuple(_step(account, i, step) for i, step in enumerate(scenario.steps, 1))
    return ScenarioRun(scenario, account, steps)
