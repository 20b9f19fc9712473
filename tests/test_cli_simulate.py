"""``xraykit simulate``: one request the way ``aws iam simulate-custom-policy`` takes it, and the
JSON Lines stream (``--jsonl``) used for bulk and differential runs.

Exit status: 0 allowed, 1 denied (implicitly or explicitly), 2 bad input.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from xraykit.cli import main

GROUP = "arn:aws:xray:us-east-1:123456789012:group/prod/AB12CD34"
READ_GROUPS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadGroups",
            "Effect": "Allow",
            "Action": "xray:Get*",
            "Resource": "arn:aws:xray:us-east-1:123456789012:group/*",
        }
    ],
}
NO_DELETES = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Deny", "Action": "xray:Delete*", "Resource": "*"},
}
ALL = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["simulate", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "read-groups.json"
    path.write_text(json.dumps(READ_GROUPS, indent=2), "utf-8")
    return path


# --------------------------------------------------------------------------------------------
# one request


def test_an_allowed_request_prints_the_trace_and_exits_0(
    capsys: pytest.CaptureFixture[str], policy_file: Path
) -> None:
    status, out, err = run(
        capsys,
        "--policy-input-list",
        f"file://{policy_file}",
        "--action-names",
        "xray:GetGroup",
        "--resource-arns",
        GROUP,
    )
    assert (status, err) == (0, "")
    assert out.splitlines()[:5] == [
        f"xray:GetGroup on {GROUP}",
        "  by arn:aws:iam::123456789012:user/alice (resource account 123456789012)",
        "Decision: Allowed: allowed by the identity-based policy, and no other layer limits it",
        "Decided by: identity-based policy",
        "",
    ]
    assert "identity-based policy `read-groups.json`: allow" in out
    assert "  Statement[0] (Sid `ReadGroups`) Allow: applies" in out


def test_an_implicitly_denied_request_exits_1(capsys: pytest.CaptureFixture[str], policy_file: Path) -> None:
    status, out, _ = run(
        capsys, "--policy", f"file://{policy_file}", "--action", "xray:DeleteGroup", "--resource", GROUP
    )
    assert status == 1
    assert "Decision: ImplicitlyDenied" in out


def test_an_explicitly_denied_request_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "--policy",
        json.dumps(ALL),
        "--policy",
        json.dumps(NO_DELETES),
        "--action",
        "xray:DeleteGroup",
        "--resource",
        GROUP,
    )
    assert status == 1
    assert "Decision: ExplicitlyDenied" in out


def test_brief_prints_the_decision_lines_only(capsys: pytest.CaptureFixture[str], policy_file: Path) -> None:
    status, out, _ = run(
        capsys,
        "--policy",
        f"file://{policy_file}",
        "--action",
        "xray:GetGroup",
        "--resource",
        GROUP,
        "--brief",
    )
    assert status == 0
    assert out == (
        f"xray:GetGroup on {GROUP}\n"
        "  by arn:aws:iam::123456789012:user/alice (resource account 123456789012)\n"
        "Decision: Allowed: allowed by the identity-based policy, and no other layer limits it\n"
        "Decided by: identity-based policy\n"
    )


def test_json_prints_one_object_per_request(capsys: pytest.CaptureFixture[str], policy_file: Path) -> None:
    status, out, _ = run(
        capsys,
        "--policy",
        f"file://{policy_file}",
        "--action",
        "xray:GetGroup",
        "xray:DeleteGroup",
        "--resource",
        GROUP,
        "--json",
    )
    data = json.loads(out)
    assert status == 1  # one of the two is denied
    assert [(d["request"]["action"], d["decision"], d["reason"]) for d in data] == [
        ("xray:GetGroup", "Allowed", "allow-found"),
        ("xray:DeleteGroup", "ImplicitlyDenied", "no-allow"),
    ]
    assert data[0]["policies"][0]["name"] == "read-groups.json"


def test_every_action_is_tried_on_every_resource_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    other = "arn:aws:xray:us-east-1:123456789012:group/dev/EF56GH78"
    status, out, _ = run(
        capsys,
        "--policy",
        json.dumps(ALL),
        "--action",
        "xray:GetGroup",
        "xray:DeleteGroup",
        "--resource",
        GROUP,
        other,
        "--json",
    )
    assert status == 0
    assert [(d["request"]["action"], d["request"]["resource"]) for d in json.loads(out)] == [
        ("xray:GetGroup", GROUP),
        ("xray:GetGroup", other),
        ("xray:DeleteGroup", GROUP),
        ("xray:DeleteGroup", other),
    ]


def test_a_managed_policy_is_named_like_in_iam(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "--policy",
        "AWSXRayDaemonWriteAccess",
        "--action",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "--brief",
    )
    assert status == 0
    assert out.count("Decision: Allowed") == 3


def test_context_entries_become_condition_keys(capsys: pytest.CaptureFixture[str]) -> None:
    tagged = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "xray:TagResource",
            "Resource": "*",
            "Condition": {
                "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]},
                "StringEquals": {"aws:RequestTag/team": "core"},
            },
        },
    }
    args = ["--policy", json.dumps(tagged), "--action", "xray:TagResource", "--resource", GROUP, "--json"]
    status, out, _ = run(
        capsys, *args, "--context-entries", "aws:TagKeys=team,env", "aws:RequestTag/team=core"
    )
    assert status == 0
    assert json.loads(out)[0]["request"]["context"] == {
        "aws:RequestTag/team": "core",
        "aws:TagKeys": ["team", "env"],
    }
    status, out, _ = run(
        capsys, *args, "--context", "aws:TagKeys=team", "aws:TagKeys=owner", "aws:RequestTag/team=core"
    )
    assert status == 1  # a repeated key is a list, and `owner` is not allowed
    assert json.loads(out)[0]["request"]["context"]["aws:TagKeys"] == ["team", "owner"]


def test_each_layer_has_its_option(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    key_policy = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:role/XrayReader"},
            "Action": "kms:Decrypt",
            "Resource": "*",
        },
    }
    (tmp_path / "key-policy.json").write_text(json.dumps(key_policy), "utf-8")
    session = "arn:aws:sts::123456789012:assumed-role/XrayReader/alice-session"
    common = [
        "--resource-policy",
        f"file://{tmp_path / 'key-policy.json'}",
        "--caller-arn",
        session,
        "--action",
        "kms:Decrypt",
        "--resource",
        key,
        "--json",
    ]
    status, out, _ = run(capsys, *common)
    assert (status, json.loads(out)[0]["decided_by"]) == (0, "resource-based policy")
    status, out, _ = run(
        capsys,
        *common,
        "--scp",
        json.dumps(ALL),
        "--scp",
        json.dumps(
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "xray:*", "Resource": "*"}}
        ),
    )
    assert (status, json.loads(out)[0]["blocked_by"]) == (1, ["service control policy"])
    status, out, _ = run(
        capsys,
        *common,
        "--boundary",
        json.dumps(NO_DELETES | {"Statement": {"Effect": "Deny", "Action": "kms:*", "Resource": "*"}}),
    )
    assert (status, json.loads(out)[0]["decided_by"]) == (1, "permissions boundary")
    status, out, _ = run(
        capsys,
        *common,
        "--rcp",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": {"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"},
            }
        ),
    )
    assert (status, json.loads(out)[0]["decided_by"]) == (1, "resource control policy")


def test_the_resource_owner_makes_a_request_cross_account(capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "--policy",
        json.dumps(ALL),
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::reports-bucket/a.csv",
        "--json",
    ]
    assert run(capsys, *args)[0] == 0
    status, out, _ = run(capsys, *args, "--resource-owner", "444455556666")
    assert (status, json.loads(out)[0]["reason"]) == (1, "cross-account-needs-both")


# --------------------------------------------------------------------------------------------
# bad input: exit 2, one readable message on stderr


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(
            ["--action", "xray:GetGroop", "--resource", GROUP],
            "xraykit: --action-names: unknown action `xray:GetGroop` (did you mean `xray:GetGroup`?)\n",
            id="an unknown action gets a suggestion",
        ),
        pytest.param(
            ["--policy", "AWSXrayReadOnlyAccess"],
            "xraykit: --action-names: name at least one action (e.g. --action-names xray:GetGroup)\n",
            id="no action at all",
        ),
        pytest.param(
            ["--action", "xray:GetSamplingRules", "--resource", GROUP],
            "xraykit: --resource-arns: `xray:GetSamplingRules` has no resource-level permissions, "
            f"so the request's resource is `*`, not `{GROUP}` "
            "(IAM authorizes this action only against `*`)\n",
            id="an ARN for an action that only accepts star",
        ),
        pytest.param(
            ["--action", "xray:GetGroup", "--resource-owner", "12"],
            "xraykit: --resource-owner: `12` is not an account ID "
            "(an AWS account ID is 12 digits, e.g. `123456789012`)\n",
            id="a resource owner that is not an account is named by its option",
        ),
        pytest.param(
            ["--action", "xray:GetGroup", "--caller-arn", "alice"],
            "xraykit: --caller-arn: `alice` is not a principal ARN (use e.g. "
            "`arn:aws:iam::123456789012:user/alice` or "
            "`arn:aws:sts::123456789012:assumed-role/role/session`)\n",
            id="a caller that is not an ARN is named by its option",
        ),
        pytest.param(
            ["--action", "xray:GetGroup", "--context-entries", "aws:username=alice,bob"],
            "xraykit: --context-entries aws:username: `aws:username` is single-valued: give one value, "
            "not a list of 2 (only multivalued keys such as `aws:TagKeys` take lists)\n",
            id="a context entry is named by its option and key",
        ),
        pytest.param(
            [
                "--policy",
                '{"Version": "2012-10-17", "Statement": {"Efect": "Allow", "Action": "*", "Resource": "*"}}',
                "--action",
                "xray:GetGroup",
            ],
            "xraykit: 2 problems found:\n"
            "  - identity_policies[0]: Statement.Efect: unknown element `Efect` (did you mean `Effect`?)\n"
            "  - identity_policies[0]: Statement: the statement has no `Effect` "
            '(add `"Effect": "Allow"` or `"Effect": "Deny"`)\n',
            id="an inline policy with a misspelt element",
        ),
    ],
)
def test_bad_input_exits_2_with_the_issues_on_stderr(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    status, out, err = run(capsys, *argv)
    assert (status, out, err) == (2, "", expected)


def test_a_malformed_policy_file_is_named_in_the_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "allow", "Action": "xray:GetGroup", "Resource": "*"}],
            }
        )
    )
    status, out, err = run(
        capsys, "--policy", f"file://{path}", "--action", "xray:GetGroup", "--resource", GROUP
    )
    assert (status, out) == (2, "")
    assert (
        err == f"xraykit: {path}: Statement[0].Effect: `Effect` must be `Allow` or `Deny`, not `allow` "
        "(did you mean `Allow`?)\n"
    )


def test_a_policy_file_may_be_named_without_file_scheme(
    capsys: pytest.CaptureFixture[str], policy_file: Path, tmp_path: Path
) -> None:
    by_path = run(capsys, "--policy", str(policy_file), "--action", "xray:GetGroup", "--resource", GROUP)
    by_url = run(
        capsys, "--policy", f"file://{policy_file}", "--action", "xray:GetGroup", "--resource", GROUP
    )
    assert by_path == by_url and by_path[0] == 0
    missing = tmp_path / "missing.json"  # a .json name is a file, even a missing one
    status, out, err = run(capsys, "--policy", str(missing), "--action", "xray:GetGroup")
    assert (status, out) == (2, "")
    assert err == f"xraykit: --policy-input-list: cannot read `{missing}`: no such file or directory\n"
    status, _, err = run(capsys, "--scp", f"file://{missing}", "--action", "xray:GetGroup")
    assert (status, err) == (2, f"xraykit: --scp: cannot read `{missing}`: no such file or directory\n")


def test_a_missing_policy_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = run(
        capsys, "--policy", f"file://{tmp_path / 'nope.json'}", "--action", "xray:GetGroup"
    )
    assert (status, out) == (2, "")
    assert err.startswith("xraykit: ") and "nope.json" in err and "no such file" in err


def test_a_context_entry_without_a_value_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "--action", "xray:GetSamplingRules", "--context", "aws:username")
    assert status == 2
    assert err.startswith("xraykit: --context-entries: `aws:username` is not KEY=VALUE")


def test_an_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["simulate", "--acton", "xray:GetGroup"])
    assert caught.value.code == 2
    assert "unrecognized arguments: --acton" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# the JSON Lines stream


def _case(case_id: Any, action: str, resource: str = "*", **extra: Any) -> str:
    return json.dumps(
        {
            "id": case_id,
            "identity_policies": [READ_GROUPS],
            "principal": "arn:aws:iam::123456789012:user/alice",
            "action": action,
            "resource": resource,
            **extra,
        }
    )


def run_jsonl(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lines: list[str]
) -> tuple[int, list[Any]]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    status = main(["simulate", "--jsonl"])
    out = capsys.readouterr().out
    return status, [json.loads(line) for line in out.splitlines()]


def test_jsonl_answers_every_case_in_order(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        _case("c1", "xray:GetGroup", GROUP),
        _case("c2", "xray:DeleteGroup", GROUP),
        _case(
            "c3",
            "xray:GetGroup",
            GROUP,
            identity_policies=[
                READ_GROUPS,
                NO_DELETES | {"Statement": {"Effect": "Deny", "Action": "xray:GetGroup", "Resource": "*"}},
            ],
        ),
        "",
        "this is not JSON",
        _case("c5", "xray:GetGroop", GROUP),
        _case(
            6,
            "xray:GetGroup",
            GROUP,
            identity_policies=[{"Statement": {"Effect": "Allow", "Action": "xray:*"}}],
        ),
        json.dumps(
            {
                "id": "c7",
                "action": "xray:GetSamplingRules",
                "principal": "arn:aws:iam::123456789012:user/alice",
                "identity_policies": ["AWSXrayReadOnlyAccess"],
            }
        ),
    ]
    status, answers = run_jsonl(capsys, monkeypatch, lines)
    assert status == 0
    assert answers == [
        {
            "id": "c1",
            "decision": "Allowed",
            "reason": "allow-found",
            "decided_by": "identity-based policy",
            "blocked_by": [],
        },
        {
            "id": "c2",
            "decision": "ImplicitlyDenied",
            "reason": "no-allow",
            "decided_by": None,
            "blocked_by": ["identity-based policy"],
        },
        {
            "id": "c3",
            "decision": "ExplicitlyDenied",
            "reason": "explicit-deny",
            "decided_by": "identity-based policy",
            "blocked_by": [],
        },
        {
            "id": None,
            "decision": "Error",
            "issues": [
                {
                    "path": "line 5",
                    "message": "not valid JSON: expecting value at line 5 column 1",
                    "hint": "check for a missing comma, quote or bracket near that place",
                }
            ],
        },
        {
            "id": "c5",
            "decision": "Error",
            "issues": [
                {
                    "path": "action",
                    "message": "unknown action `xray:GetGroop`",
                    "hint": "did you mean `xray:GetGroup`?",
                }
            ],
        },
        {
            "id": 6,
            "decision": "Error",
            "issues": [
                {
                    "path": "Statement",
                    "message": "the statement has neither `Resource` nor `NotResource`",
                    "hint": 'add `"Resource": "*"` or the ARNs it applies to',
                    "source": "identity_policies[0]",
                }
            ],
        },
        {
            "id": "c7",
            "decision": "Allowed",
            "reason": "allow-found",
            "decided_by": "identity-based policy",
            "blocked_by": [],
        },  # a managed policy by name: the full path
    ]
    assert answers[3]["issues"][0]["message"].startswith("not valid JSON")


def test_jsonl_adds_tags_to_the_context(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "xray:TagResource",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:ResourceTag/team": "core", "aws:RequestTag/env": "prod"},
                "ForAllValues:StringEquals": {"aws:TagKeys": ["env"]},
            },
        },
    }

    def case(case_id: str, **tags: Any) -> str:
        return _case(case_id, "xray:TagResource", GROUP, identity_policies=[policy], **tags)

    status, answers = run_jsonl(
        capsys,
        monkeypatch,
        [
            case("tags", resource_tags={"team": "core"}, request_tags={"env": "prod"}),
            case("extra key", resource_tags={"team": "core"}, request_tags={"env": "prod", "owner": "alice"}),
            case(
                "context wins",
                resource_tags={"team": "core"},
                request_tags={"env": "prod"},
                context={"aws:resourcetag/team": "web"},
            ),
        ],
    )
    assert (status, [a["decision"] for a in answers]) == (
        0,
        ["Allowed", "ImplicitlyDenied", "ImplicitlyDenied"],
    )


def test_jsonl_streams_an_answer_before_the_input_ends() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "xraykit", "simulate", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(_case("first", "xray:GetGroup", GROUP) + "\n")
        process.stdin.flush()
        first = process.stdout.readline()  # stdin is still open: the answer must already be out
        assert json.loads(first) == {
            "id": "first",
            "decision": "Allowed",
            "reason": "allow-found",
            "decided_by": "identity-based policy",
            "blocked_by": [],
        }
        process.stdin.write(_case("second", "xray:DeleteGroup", GROUP) + "\n")
        process.stdin.close()
        assert [json.loads(line) for line in process.stdout] == [
            {
                "id": "second",
                "decision": "ImplicitlyDenied",
                "reason": "no-allow",
                "decided_by": None,
                "blocked_by": ["identity-based policy"],
            }
        ]
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_installed_command_runs_one_request() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "xraykit",
            "simulate",
            "--policy",
            "AWSXrayReadOnlyAccess",
            "--action",
            "xray:DeleteGroup",
            "--resource",
            GROUP,
            "--brief",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stderr) == (1, "")
    assert (
        "Decision: ImplicitlyDenied: no statement in the identity-based policy allows the request"
        in result.stdout
    )


class _Trickle(io.RawIOBase):
    """A binary stream that hands out its bytes a few at a time (as a pipe may)."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data, self._step, self._pos = data, step, 0

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:
        chunk = self._data[self._pos : self._pos + min(self._step, size if size > 0 else self._step)]
        self._pos += len(chunk)
        return chunk


@pytest.mark.parametrize("step", [1, 7, 1 << 16], ids=["byte by byte", "7 bytes at a time", "all at once"])
def test_the_binary_stream_answers_as_the_text_stream_does(step: int) -> None:
    from xraykit.stream import run_stream, run_stream_bytes

    lines = [
        _case("c1", "xray:GetGroup", GROUP),
        "",
        "not JSON",
        _case("c3", "xray:DeleteGroup", GROUP) + "\r",  # a CRLF line end
        _case("c4", "xray:GetGroup", GROUP),  # the last line has no line end
    ]
    text = "\n".join(lines)
    expected = io.StringIO()
    run_stream(io.StringIO(text), expected)
    out = io.BytesIO()
    assert run_stream_bytes(_Trickle(text.encode(), step), out) == 0
    assert out.getvalue().decode() == expected.getvalue()
    answers = [json.loads(line) for line in expected.getvalue().splitlines()]
    assert [a["id"] for a in answers] == ["c1", None, "c3", "c4"]
    assert answers[1]["issues"][0]["path"] == "line 3"


def test_bytes_that_are_not_utf8_are_an_error_answer_not_a_crash() -> None:
    from xraykit.stream import run_stream_bytes

    out = io.BytesIO()
    run_stream_bytes(
        io.BytesIO(b'{"id": "\xff"}\n' + _case("c2", "xray:GetGroup", GROUP).encode() + b"\n"), out
    )
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["decision"] == "Error" and first["issues"][0]["path"] == "line 1"
    assert first["issues"][0]["message"].startswith("not valid JSON")
    assert second == {
        "id": "c2",
        "decision": "Allowed",
        "reason": "allow-found",
        "decided_by": "identity-based policy",
        "blocked_by": [],
    }
