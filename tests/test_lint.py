"""The code base stays ruff clean (lint and format), as pyproject.toml configures it."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    # Through the running interpreter, not PATH: a virtual environment need not be activated.
    assert importlib.util.find_spec("ruff"), "ruff is part of the test extra: pip install -e '.[test]'"
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_check():
    result = ruff("check", "trackerkit", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = ruff("format", "--check", "trackerkit", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr
