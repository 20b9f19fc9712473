"""``xraykit lint``: readable findings, ``--json``, and the exit status a CI job relies on."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from xraykit.cli import main

GOOD = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": "*"}],
}
BAD = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "xray:PutTraceSegments",
            "Resource": "arn:aws:xray:us-east-1:123456789012:group/a/*",
        }
    ],
}
WARNED = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "NotAction": "xray:PutEncryptionConfig", "Resource": "*"}],
}


def _write(tmp_path: Path, name: str, document: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), "utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("document", "status"),
    [
        pytest.param(GOOD, 0, id="a clean policy exits 0"),
        pytest.param(BAD, 1, id="a policy with an error-severity finding exits 1"),
        pytest.param(WARNED, 0, id="a security warning alone does not fail the run"),
        pytest.param({"Statement": "nope"}, 1, id="an invalid policy is an error finding"),
    ],
)
def test_the_exit_status_follows_the_most_serious_finding(
    tmp_path: Path, document: object, status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", _write(tmp_path, "p.json", document)]) == status
    out = capsys.readouterr().out
    assert out.startswith(str(tmp_path / "p.json"))


def test_unreadable_input_exits_2_with_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text('{"Version": ', "utf-8")
    assert main(["lint", str(broken)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_json_output_is_machine_readable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--json", _write(tmp_path, "bad.json", BAD)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [f["code"] for f in data["findings"]] == ["XK603", "XK201"]
    assert data["source"].endswith("bad.json")


def test_several_files_give_a_list_and_the_worst_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", "--json", _write(tmp_path, "a.json", GOOD), _write(tmp_path, "b.json", BAD)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [len(d["findings"]) for d in data] == [0, 2]


def test_a_managed_policy_name_and_brief_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--brief", "AWSXrayFullAccess"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "AWSXrayFullAccess: 1 finding: 1 suggestion"
    assert lines[1].startswith("suggestion XK701 Statement[0].Action[0]: `xray:*` allows all")
    assert len(lines) == 2


def test_standard_input_select_and_ignore(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(BAD)))
    assert main(["lint", "-", "--ignore", "XK201"]) == 0
    assert "XK201" not in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(BAD)))
    assert main(["lint", "--brief", "-", "--select", "XK201"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == "<stdin>: 1 finding: 1 error"


def test_the_kind_changes_the_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scp = _write(
        tmp_path,
        "scp.json",
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    )
    assert main(["lint", "--brief", "--kind", "scp", scp]) == 0
    assert "no findings" in capsys.readouterr().out


def test_a_policy_given_inline_as_json_is_linted_under_the_name_argument(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["lint", "--brief", json.dumps(BAD), "--select", "XK201"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == "<argument>: 1 finding: 1 error"
    assert main(["lint", ' {"Version": "2012-10-17",}']) == 2
    assert capsys.readouterr().err == (
        "xraykit: <argument>: not valid JSON: a comma before `}` at line 1 column 27 "
        "(JSON allows no comma after the last item: remove it)\n"
    )


def test_a_name_that_is_neither_a_file_nor_a_managed_policy_gets_the_closest_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["lint", "AWSXrayFullAcess"]) == 2
    assert capsys.readouterr().err == (
        "xraykit: `AWSXrayFullAcess` is neither a file nor a managed policy xraykit knows "
        "(did you mean `AWSXrayFullAccess` or `AWSXrayWriteOnlyAccess` or `AWSXrayReadOnlyAccess`?)\n"
    )
    assert main(["diff", "AWSXrayReadOnlyAccess", "nothing-like-it"]) == 2
    assert capsys.readouterr().err == (
        "xraykit: `nothing-like-it` is neither a file nor a managed policy xraykit knows "
        "(give a policy file, `-` for standard input, or JSON)\n"
    )
