"""Wrong arguments to the public Python API: one XrayKitError that says where, never a Python exception.

A notebook user calls these functions by hand, so a number where text belongs, a bare string where
a list belongs or a misspelt kind must read like every other mistake the kit reports.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable

import pytest

from xraykit import arn, credentials, lint, parse_policy
from xraykit.account import Account
from xraykit.errors import XrayKitError
from xraykit.least_privilege import least_privilege
from xraykit.matrix import verdict_matrix
from xraykit.scenarios import run_scenario

ACCOUNT_HINT = "an AWS account ID is 12 digits, e.g. `123456789012`"
KINDS = "one of `identity`, `boundary`, `session`, `resource`, `scp`, `rcp`"
ALLOW_ALL = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
TASK_HINT = 'e.g. `"daemon"` or `[("xray:GetGroup", group_arn)]`'

Expected = list[tuple[str | None, str, str, str | None]]  # (source, path, message, hint)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        pytest.param(
            lambda: lint.lint(ALLOW_ALL, kind="nope"),
            [(None, "kind", "`nope` is not a kind of policy", KINDS)],
            id="lint: an unknown kind is a bad argument, not a finding",
        ),
        pytest.param(
            lambda: parse_policy(ALLOW_ALL, kind="sc"),
            [(None, "kind", "`sc` is not a kind of policy", "did you mean `scp`?")],
            id="parse_policy: a misspelt kind gets the closest",
        ),
        pytest.param(
            lambda: parse_policy(ALLOW_ALL, kind=5),
            [(None, "kind", "a number is not a kind of policy", KINDS)],
            id="parse_policy: a kind that is a number",
        ),
        pytest.param(
            lambda: run_scenario(5),
            [(None, "name", "a scenario is named by text, not a number", "see `scenario_names()`")],
            id="run_scenario: a number for the name",
        ),
        pytest.param(
            lambda: least_privilege(5),
            [
                (
                    None,
                    "task",
                    "a task is a bundle name, a list of requests or a recorded call, not a number",
                    TASK_HINT,
                )
            ],
            id="least_privilege: a number for the task",
        ),
        pytest.param(
            lambda: least_privilege({"action": "xray:GetGroup"}),
            [
                (
                    None,
                    "task",
                    "a task is a bundle name, a list of requests or a recorded call, not an object",
                    TASK_HINT,
                )
            ],
            id="least_privilege: one request not in a list",
        ),
        pytest.param(
            lambda: least_privilege([5]),
            [
                (
                    None,
                    "task[0]",
                    "a request is (action, resource) or (action, resource, context), not a number",
                    None,
                )
            ],
            id="least_privilege: a request that is a number",
        ),
        pytest.param(
            lambda: least_privilege([{"resource": "*"}]),
            [(None, "task[0]", "a request needs `action`", '`{"action": ..., "resource": ...}`')],
            id="least_privilege: a request without an action",
        ),
        pytest.param(
            lambda: least_privilege([("xray:GetGroup", "*", ["team"])]),
            [(None, "task[0]", "a request's context maps condition keys to values, not a list", None)],
            id="least_privilege: a context that is a list",
        ),
        pytest.param(
            lambda: least_privilege(actions="xray:GetGroup"),
            [(None, "actions", "`actions` is a list of actions", 'e.g. `actions=["xray:GetGroup"]`')],
            id="least_privilege: one action not in a list",
        ),
        pytest.param(
            lambda: verdict_matrix("AWSXrayReadOnlyAccess"),
            [
                (
                    None,
                    "subjects",
                    "the rows are a list of managed policy names or a mapping of name to policies, "
                    "not a string",
                    'e.g. `["AWSXrayReadOnlyAccess"]` or `{"mine": my_policy}`',
                )
            ],
            id="verdict_matrix: one policy name not in a list",
        ),
        pytest.param(
            lambda: verdict_matrix({"mine": 5}),
            [
                (
                    "row 'mine'",
                    "",
                    "a row is a managed policy name, a policy, a list of policies or a PolicySet, "
                    "not a number",
                    None,
                )
            ],
            id="verdict_matrix: a row that is a number",
        ),
        pytest.param(
            lambda: verdict_matrix({"mine": [ALLOW_ALL, {"Statement": "x"}]}),
            [
                (
                    "row 'mine', identity_policies[1]",
                    "Statement",
                    "`Statement` must be an object or a list of objects, not a string",
                    None,
                )
            ],
            id="verdict_matrix: an invalid policy is placed in its row",
        ),
        pytest.param(
            lambda: arn.group_arn(5),
            [(None, "name", "`name` must be text, not a number", None)],
            id="group_arn: a number for the name",
        ),
        pytest.param(
            lambda: arn.sampling_rule_arn("Default", account=123456789012),
            [(None, "account", "`account` must be text, not a number", None)],
            id="sampling_rule_arn: a number for the account",
        ),
        pytest.param(
            lambda: Account(account_id=5),
            [(None, "account_id", "a number is not an account ID", ACCOUNT_HINT)],
            id="Account: a number for the account",
        ),
        pytest.param(
            lambda: Account("12", "x", clock="yesterday"),
            [
                (None, "account_id", "`12` is not an account ID", ACCOUNT_HINT),
                (None, "region", "`x` is not a region code", "a region code looks like `us-east-1`"),
                (None, "clock", "`yesterday` is not an ISO 8601 time", "e.g. `2020-09-21T12:00:00Z`"),
            ],
            id="Account: every bad argument at once",
        ),
        pytest.param(
            lambda: Account(policies=[ALLOW_ALL]),
            [(None, "policies", "`policies` maps names to values, not a list", None)],
            id="Account: customer managed policies not by name",
        ),
    ],
)
def test_a_wrong_argument_is_one_located_error(call: Callable[[], object], expected: Expected) -> None:
    with pytest.raises(XrayKitError) as caught:
        call()
    assert [(i.source, i.path, i.message, i.hint) for i in caught.value.issues] == expected


def _account() -> Account:
    account = Account()
    account.add_user("alice", ["AWSXrayReadOnlyAccess"])
    return account


CALLER_HINT = 'e.g. `"alice"`'


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        pytest.param(
            lambda a: a.add_user("bob", policies="AWSXrayReadOnlyAccess"),
            [
                (
                    "policies",
                    "`policies` is a list of policies, not a string",
                    'put it in a list: `["AWSXrayReadOnlyAccess"]`',
                )
            ],
            id="one managed policy name not in a list (it read as one policy per letter)",
        ),
        pytest.param(
            lambda a: a.add_role("reader", policies={"Version": "2012-10-17", "Statement": []}),
            [("policies", "`policies` is a list of policies, not an object", "put it in a list: `[policy]`")],
            id="one policy document not in a list",
        ),
        pytest.param(
            lambda a: a.add_user(5, policies=[5], tags=["team"], groups="devs"),
            [
                ("name", "a name is text, not a number", None),
                ("policies[0]", "a policy is a name or a document, not a number", None),
                ("groups", "`groups` is a list of names, not a string", 'put it in a list: `["devs"]`'),
                ("tags", "`tags` maps text to text, not a list", 'e.g. `{"team": "core"}`'),
            ],
            id="every wrong argument of add_user at once",
        ),
        pytest.param(
            lambda a: a.add_xray_group("errors", tags={"team": 1}),
            [("tags.team", "expected text, not a number", None)],
            id="a tag value that is a number",
        ),
        pytest.param(
            lambda a: a.add_policy("mine", "{}"),
            [("document", "a policy document is a JSON object, not a string", None)],
            id="a customer managed policy given as text",
        ),
        pytest.param(
            lambda a: a.add_key("traces", users="alice"),
            [("users", "`users` is a list of names, not a string", 'put it in a list: `["alice"]`')],
            id="one key user not in a list",
        ),
        pytest.param(
            lambda a: a.set_encryption("kms"),
            [("type", "the encryption type is `NONE` or `KMS`, not `kms`", "did you mean `KMS`?")],
            id="an encryption type in the wrong case",
        ),
        pytest.param(
            lambda a: a.call(5, "GetGroups"),
            [
                (
                    "principal",
                    "the caller is a user or role name, `ROLE/SESSION` or an ARN, not a number",
                    CALLER_HINT,
                )
            ],
            id="a caller that is a number",
        ),
        pytest.param(
            lambda a: a.call("nobody", "GetGroups"),
            [("principal", "there is no user or role `nobody`", "users and roles: `alice`")],
            id="an unknown caller is answered with the account's callers",
        ),
        pytest.param(
            lambda a: a.run_bundle(5, "alice"),
            [
                (
                    "bundle",
                    "a bundle is named by text, not a number",
                    "known: `daemon`, `console-service-map`, `console-traces`, "
                    "`configure-encryption-with-customer-managed-key`, `read-encrypted-traces`",
                )
            ],
            id="a bundle that is a number",
        ),
    ],
)
def test_the_account_model_refuses_wrong_arguments_and_changes_nothing(
    call: Callable[[Account], object], expected: list[tuple[str, str, str | None]]
) -> None:
    account = _account()
    before = (dict(account.users), dict(account.roles), dict(account.policies), dict(account.groups))
    with pytest.raises(XrayKitError) as caught:
        call(account)
    assert [(i.path, i.message, i.hint) for i in caught.value.issues] == expected
    assert (dict(account.users), dict(account.roles), dict(account.policies), dict(account.groups)) == before


def test_an_account_without_callers_says_how_to_add_one() -> None:
    with pytest.raises(XrayKitError) as caught:
        Account().call("alice", "GetGroups")
    assert caught.value.issues[0].hint == (
        "the account has no users or roles yet: add one with `add_user` or `add_role`"
    )


ENVIRONMENT_HINT = "build one with `Environment(...)`, `example(NAME)` or `environment_from_dict(...)`"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        pytest.param(
            lambda: credentials.resolve_sdk("laptop-default-profile"),
            [("environment", "expected an Environment, not a string", ENVIRONMENT_HINT)],
            id="resolve_sdk: an example's name instead of the environment",
        ),
        pytest.param(
            lambda: credentials.resolve_daemon(5),
            [("environment", "expected an Environment, not a number", ENVIRONMENT_HINT)],
            id="resolve_daemon: a number",
        ),
        pytest.param(
            lambda: credentials.resolve_daemon(credentials.Environment(), "-o"),
            [("options", "expected DaemonOptions, not a string", 'e.g. `DaemonOptions(region="us-east-2")`')],
            id="resolve_daemon: daemon flags as text",
        ),
        pytest.param(
            lambda: credentials.Environment(
                env=["AWS_PROFILE=dev"], credentials_file=5, account="1", clock="now"
            ),
            [
                ("env", "`env` maps text to text, not a list", None),
                ("credentials_file", "`credentials_file` is the file's text, not a number", None),
                ("account", "`1` is not an account ID", ACCOUNT_HINT),
                ("clock", "the clock is Unix seconds, not a string", None),
            ],
            id="Environment: every wrong field at once",
        ),
        pytest.param(
            lambda: credentials.Environment(env={"AWS_PROFILE": 5}),
            [("env.AWS_PROFILE", "expected text, not a number", None)],
            id="Environment: a variable that is a number",
        ),
        pytest.param(
            lambda: credentials.environment_from_dict({"clock": "now"}),
            [("clock", "the clock is Unix seconds, a whole number, not a string", None)],
            id="environment_from_dict: a clock that is text",
        ),
        pytest.param(
            lambda: credentials.load_environment(5),
            [("path", "expected a file path, not a number", None)],
            id="load_environment: a number for the path",
        ),
    ],
)
def test_the_credential_model_refuses_wrong_arguments(
    call: Callable[[], object], expected: list[tuple[str, str, str | None]]
) -> None:
    with pytest.raises(XrayKitError) as caught:
        call()
    assert [(i.path, i.message, i.hint) for i in caught.value.issues] == expected


def test_mask_never_shows_a_value_in_full_whatever_its_type() -> None:
    assert credentials.mask(123456789012345) == "123…345"
    assert credentials.mask("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") == "wJal…EKEY"


# Functions whose required arguments are objects the kit itself builds (an Evaluation, an Account,
# an Action, a compiled view, a Task): handing them something else is a programming error, and
# Python's own exception names it. Every other public function must answer junk with XrayKitError.
KIT_OBJECTS = {
    "xraykit.kms.encryption_access",  # an Account
    "xraykit.kms.key_policy_access",  # a KmsKey
    "xraykit.kms.kms_context",  # a KmsKey
    "xraykit.least_privilege.prove",  # a policy and a Task
    "xraykit.least_privilege.scope_of",  # an Action
    "xraykit.least_privilege.statements_for",  # TaskRequests
    "xraykit.compare.decide_all",  # a Decider and DomainRequests
    "xraykit.compare.domain",  # Policy objects
    "xraykit.compare.resources_for",  # an Action
    "xraykit.lint.apply_patch",  # PatchOps
    "xraykit.matrix.principal_matrix",  # an Account
    "xraykit.credentials.daemon_verdict",  # an Account and a Resolution
    "xraykit.credentials.issued_keys",  # used by the model with its own fields
    "xraykit.render.check_text",  # a Check
    "xraykit.render.condition_text",  # a ConditionCheck
    "xraykit.render.decision_summary",  # an Evaluation
    "xraykit.render.evaluation_dict",  # an Evaluation
    "xraykit.render.evaluation_html",  # an Evaluation
    "xraykit.render.evaluation_text",  # an Evaluation
    "xraykit.wildcards.resource_type_prefix_end",  # ARN parts the matcher has split
    "xraykit.conditions.compile_conditions",  # a normalized block, and a keyword it requires
    "xraykit.conditions.holds",  # a normalized block and context, and a keyword it requires
    "xraykit.engine.decide_layers",  # a RequestView and LayerOutcomes
    "xraykit.account.tag_lifecycle",  # an Account
    "xraykit.account.unique_id",  # the account model's own counter state
}
PUBLIC_MODULES = [
    "xraykit",
    "xraykit.catalog",
    "xraykit.kms",
    "xraykit.arn",
    "xraykit.scenarios",
    "xraykit.exercises",
    "xraykit.least_privilege",
    "xraykit.compare",
    "xraykit.lint",
    "xraykit.matrix",
    "xraykit.credentials",
    "xraykit.render",
    "xraykit.wildcards",
    "xraykit.variables",
    "xraykit.conditions",
    "xraykit.policy",
    "xraykit.engine",
    "xraykit.account",
]
JUNK = [None, 5, 2.5, True, "", "x", [], [5], {}, {"a": 1}, ("a",), b"x"]


def _public_functions() -> list[tuple[str, Callable[..., object], int]]:
    found = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            function = getattr(module, name)
            if not inspect.isfunction(function) or f"{module_name}.{name}" in KIT_OBJECTS:
                continue
            required = [
                p
                for p in inspect.signature(function).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
            ]
            if required:
                found.append((f"{module_name}.{name}", function, len(required)))
    return found


def test_every_public_function_answers_junk_arguments_with_a_located_error() -> None:
    functions = _public_functions()
    assert len(functions) >= 60, "the public API is found"
    crashes = []
    for name, function, count in functions:
        for junk in JUNK:
            try:
                function(*[junk] * count)
            except XrayKitError as error:
                assert error.issues, name
            except Exception as error:
                crashes.append(f"{name}({junk!r}, ...): {type(error).__name__}: {error}")
    assert not crashes, "\n".join(crashes)


def test_the_exempt_functions_are_still_public() -> None:
    for qualified in KIT_OBJECTS:
        module_name, _, name = qualified.rpartition(".")
        assert name in importlib.import_module(module_name).__all__, qualified
