"""Committed notebooks stay clean: outputs saved, deterministic, no secret or machine path in them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = [
    "01-quickstart.ipynb",
    "02-overlap-and-similarity.ipynb",
    "03-interactive-explorer.ipynb",
    "04-vocabulary-audit.ipynb",
    "05-your-symbl-account.ipynb",
    "06-tracker-hits.ipynb",
    "07-fix-your-account.ipynb",
    "08-by-meaning.ipynb",
]

SECRET_PATTERNS = [
    re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),  # a JWT, as Symbl's access tokens are
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/-]{12,}"),
    re.compile(r"(?i)(app_?secret|access_?token|api_?key)['\"]?\s*[:=]\s*['\"][^'\"\s]{8,}"),
    re.compile(r"emu-[A-Za-z0-9_-]{16,}"),  # the emulator's access tokens
    re.compile(r"emulator-app-secret"),
]
PATH_PATTERNS = [
    re.compile(r"(?<![\w.])/(home|root|tmp|work|Users|usr|opt|var)/[\w./-]+"),
    re.compile(r"[A-Za-z]:\\\\[\w\\ .-]+"),
    re.compile(r"site-packages"),
]


def output_texts(notebook: Path) -> list[str]:
    data = json.loads(notebook.read_text(encoding="utf-8"))
    texts = []
    for cell in data["cells"]:
        for output in cell.get("outputs", []):
            if "text" in output:
                texts.append("".join(output["text"]))
            for key, value in output.get("data", {}).items():
                if key.startswith("text/") or key.endswith("json"):
                    texts.append(value if isinstance(value, str) else json.dumps(value))
            if "traceback" in output:
                texts.append("\n".join(output["traceback"]))
    return texts


def test_the_story_is_complete():
    assert [p.name for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_saved_with_outputs_in_order_and_no_errors(notebook):
    data = json.loads(notebook.read_text(encoding="utf-8"))
    code = [c for c in data["cells"] if c["cell_type"] == "code"]
    assert code, "a notebook without code"
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "run top to bottom once, in a fresh kernel"
    assert any(c.get("outputs") for c in code), "saved without outputs"
    for cell in code:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", "".join(cell["source"])


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_no_secret_or_machine_path_in_outputs(notebook):
    for text in output_texts(notebook):
        for pattern in SECRET_PATTERNS + PATH_PATTERNS:
            match = pattern.search(text)
            assert match is None, f"{notebook.name}: {match.group(0)!r} in an output"


def test_the_patterns_do_catch_what_they_are_for():
    # the scan itself must be able to fail
    assert any(p.search("Authorization: Bearer abcdefghijklmnop") for p in SECRET_PATTERNS)
    assert any(
        p.search("token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc'") for p in SECRET_PATTERNS
    )
    assert any(p.search("saved to /root/work/account.json") for p in PATH_PATTERNS)
    assert not any(p.search("saved 48 trackers to account.json") for p in PATH_PATTERNS + SECRET_PATTERNS)
