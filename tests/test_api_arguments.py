"""Wrong arguments to the public Python API: one XrayKitError that says where, never a Python exception.

A notebook user calls these functions by hand, so a number where text belongs, a bare string where
a list belongs or a misspelt kind must read like every other mistake the kit reports.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from xraykit import arn, lint, parse_policy
from xraykit.account import Account
from xraykit.errors import XrayKitError
from xraykit.least_privilege import least_privilege
from xraykit.matrix import verdict_matrix
from xraykit.scenarios import run_scenario

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
            [(None, "account_id", "a number is not an account ID: expected 12 digits", None)],
            id="Account: a number for the account",
        ),
        pytest.param(
            lambda: Account("12", "x", clock="yesterday"),
            [
                (None, "account_id", "`12` is not an account ID: expected 12 digits", None),
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
