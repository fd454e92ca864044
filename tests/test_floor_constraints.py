"""``.ci/floor_constraints.py``: CI's pins of every declared dependency to its floor, read from
pyproject.toml at each run (so they cannot drift from it)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("floor_constraints", ROOT / ".ci" / "floor_constraints.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("requirement", "pin"),
    [
        ("pandas>=2.1", "pandas==2.1"),
        ("scikit-learn >= 1.4", "scikit-learn==1.4"),
        ("ruff>=0.13.0,<1", "ruff==0.13.0"),
        ("httpx[http2]>=0.27", "httpx==0.27"),
        ('tomli>=1.1; python_version < "3.11"', 'tomli==1.1; python_version < "3.11"'),
    ],
)
def test_a_floor_becomes_a_pin(script, requirement, pin):
    assert script.floor_pin(requirement) == pin


@pytest.mark.parametrize(
    "requirement", ["pandas", "pandas<3", "pandas==2.1", "pandas>=2.1,>=2.2", "pandas~=2.1"]
)
def test_a_requirement_without_one_floor_is_refused(script, requirement):
    with pytest.raises(ValueError, match="declare exactly one floor"):
        script.floor_pin(requirement)


def test_every_dependency_and_test_requirement_is_pinned_once(script):
    project = script.tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    pins = [line for line in script.constraints(["test"]) if not line.startswith("#")]
    names = [pin.split("==")[0] for pin in pins]
    assert len(names) == len(set(names))  # ipykernel, in two extras, once
    assert set(pins) == {script.floor_pin(requirement) for requirement in declared}
    assert {"pandas==2.1", "numpy==1.26", "scikit-learn==1.4", "httpx==0.27"} <= set(pins)
    assert not set(names) & {"string_grouper", "string-grouper"}  # the bench extra is not pinned
