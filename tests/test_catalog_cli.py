"""`xraykit catalog`: aligned text by default, JSON with --json, exit status 2 with one line on bad input."""

from __future__ import annotations

import json

import pytest

from xraykit.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["catalog", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_list_prints_aligned_columns(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "list")
    lines = out.splitlines()
    assert status == 0
    assert lines[0].split() == ["ACTION", "ACCESS", "LEVEL", "RESOURCE", "TYPES", "SEED", "(2020-09)"]
    rows = [line for line in lines[1:] if line.startswith("xray:")]
    assert len(rows) == 44
    column = lines[0].index("ACCESS LEVEL")
    assert all(row[column - 2 : column] == "  " and row[column] != " " for row in rows)
    create_group = next(row for row in rows if row.startswith("xray:CreateGroup "))
    assert create_group.split() == ["xray:CreateGroup", "Write", "group", "known"]
    tag = next(row for row in rows if row.startswith("xray:TagResource "))
    assert tag.split() == ["xray:TagResource", "Tagging", "[group],", "[sampling-rule]", "known"]
    assert lines[-1].startswith("44 actions;")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["--access-level", "tagging"], ["xray:TagResource", "xray:UntagResource"], id="by access level"
        ),
        pytest.param(
            ["--resource-type", "sampling-rule", "--access-level", "Write"],
            ["xray:CreateSamplingRule", "xray:DeleteSamplingRule", "xray:UpdateSamplingRule"],
            id="by resource type and access level",
        ),
        pytest.param(
            ["--service", "sts", "--resource-type", "role", "--access-level", "Write"],
            ["sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"],
            id="another service",
        ),
    ],
)
def test_list_filters(capsys: pytest.CaptureFixture[str], args: list[str], expected: list[str]) -> None:
    status, out, _ = run(capsys, "list", *args, "--json")
    assert status == 0
    assert [a["full_name"] for a in json.loads(out)][: len(expected)] == expected


def test_list_json_has_the_xray_extras(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--json", "list")
    data = json.loads(out)
    assert status == 0 and len(data) == 44
    link = next(a for a in data if a["name"] == "Link")
    assert (link["api_operation"], link["newer_than_seed"], link["resource_level"]) == (False, True, False)


def test_show_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "show", "XRay:getgroup")
    assert status == 0
    rows = dict(line.split(None, 1) for line in out.splitlines() if not line.startswith(" ") and " " in line)
    assert out.splitlines()[0].split() == ["action", "xray:GetGroup", "(AWS", "X-Ray)"]
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("resource types"))
    assert lines[at].split() == ["resource", "types", "group", "(required)"]
    assert lines[at + 1].strip() == "arn:${Partition}:xray:${Region}:${Account}:group/${GroupName}/${Id}"
    assert rows["category"].strip() == "groups"
    assert "known at the seed date; in the seed page's resource-level list" in out


def test_show_wraps_long_values(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "show", "kms:Decrypt")
    assert status == 0
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "kms:ViaService" in out


def test_show_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "show", "s3:GetObject", "--json")
    data = json.loads(out)
    assert status == 0
    assert (data["full_name"], data["access_level"], data["resource_level"]) == ("s3:GetObject", "Read", True)
    assert "api_operation" not in data, "X-Ray extras are left out for other services"


def test_expand(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "expand", "xray:GetGroup*")
    assert status == 0
    assert out.splitlines() == ["`xray:GetGroup*` matches 2 actions:", "  xray:GetGroup", "  xray:GetGroups"]


def test_expand_json_and_no_match(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "expand", "xray:Get*", "--json")
    assert status == 0 and len(json.loads(out)) == 18
    status, out, _ = run(capsys, "expand", "xray:Gte*")
    assert (status, out) == (0, "`xray:Gte*` matches no action (did you mean `xray:Get*`?)\n")
    status, out, _ = run(capsys, "expand", "xray:Zzz*")
    assert (status, out) == (0, "`xray:Zzz*` matches no action\n")  # nothing close: no guess


def test_key(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "key", "aws:TagKeys")
    assert status == 0
    assert "multivalued (use ForAnyValue/ForAllValues)" in out
    status, out, _ = run(capsys, "key", "aws:ResourceTag/env", "--json")
    assert json.loads(out)["name"] == "aws:ResourceTag/${TagKey}"


def test_policy_list(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "policy")
    lines = out.splitlines()
    assert status == 0
    assert lines[0].split()[:3] == ["POLICY", "CURRENT", "CREATED"]
    read_only = next(line for line in lines if line.startswith("AWSXrayReadOnlyAccess "))
    assert read_only.split() == [
        "AWSXrayReadOnlyAccess",
        "v8",
        "2024-02-14",
        "v5",
        "v3",
        "v4",
        "v5",
        "v6",
        "v7",
        "v8",
    ]
    assert "(did not exist)" in out


def test_policy_shows_a_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "policy", "awsxrayreadonlyaccess", "--version", "v5")
    lines = out.splitlines()
    assert status == 0
    assert lines[0] == "AWSXrayReadOnlyAccess v5, created 2020-09-03 (current on the seed date)"
    document = json.loads("\n".join(lines[2:]))
    assert len(document["Statement"][0]["Action"]) == 15


def test_policy_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "policy", "AWSXRayDaemonWriteAccess", "--json")
    data = json.loads(out)
    assert status == 0
    assert (data["version"], data["is_current"], data["at_seed_date"]) == ("v2", True, False)
    assert data["document"]["Statement"][0]["Sid"] == "AWSXRayDaemonWriteAccess"


def test_policy_diff(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "policy", "AWSXrayReadOnlyAccess", "--diff", "v3", "--version", "v8")
    assert status == 0
    assert out.splitlines()[0] == "AWSXrayReadOnlyAccess v3 -> v8"
    assert "  ~ Statement[0] `AWSXrayReadOnlyAccess`: Sid added, Action +9" in out
    status, out, _ = run(capsys, "policy", "AWSXrayReadOnlyAccess", "--diff", "v7", "--json")
    data = json.loads(out)
    assert (data["old"], data["new"], data["actions_added"]) == ("v7", "v8", [])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["show", "xray:GetGroop"],
            "xraykit: action: unknown action `xray:GetGroop` (did you mean `xray:GetGroup`?)",
            id="an unknown action",
        ),
        pytest.param(
            ["expand", "xrya:Get*"],
            "xraykit: action: unknown service prefix `xrya` in `xrya:Get*` (did you mean `xray`?)",
            id="an unknown service in a pattern",
        ),
        pytest.param(
            ["list", "--access-level", "Reed"],
            "xraykit: access_level: unknown access level `Reed` (did you mean `Read`?)",
            id="an unknown access level",
        ),
        pytest.param(
            ["policy", "AWSXrayReadOnlyAccess", "--version", "v9"],
            "xraykit: version: `AWSXrayReadOnlyAccess` has no version `v9` "
            "(recorded versions: `v3`, `v4`, `v5`, `v6`, `v7`, `v8`)",
            id="an unknown policy version",
        ),
        pytest.param(
            ["key", "aws:TagKey"],
            "xraykit: condition key: unknown condition key `aws:TagKey` (did you mean `aws:TagKeys`?)",
            id="an unknown condition key",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert err == message + "\n"


def test_catalog_without_a_subcommand_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys)
    assert status == 2
    assert "list" in out and "expand" in out and "policy" in out
