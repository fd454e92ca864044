"""The suite runs from any clone: no test, doctest or notebook refers to a path outside the
checkout (a user's clone has nothing beside it, e.g. not the steering repository's shared folder).

The code is read token by token: a string holding a ``..`` path segment, and a
``Path(__file__)``-style climb (``.parents[N]``, ``.parent.parent...``) above the repository's
root, are refused. CI also runs the whole suite from a copy of the repository in an empty
temporary folder (``.ci/run``), which catches whatever this reading misses.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_A_PATH = "not a path"  # a comment with these words exempts the strings of its line
DOT_DOT = re.compile(r"(?:^|[/\\])\.\.(?:[/\\]|$)")
# Python 3.12 splits f-strings into parts; their literal text is FSTRING_MIDDLE.
STRING_TOKENS = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}


def escapes(source: str, depth: int) -> list[str]:
    """What in ``source`` (Python) points outside the checkout, when ``anchor.parents[depth]``
    is the repository's root; the anchor is the file itself (``tests/x.py``: depth 1), or for a
    notebook the folder its kernel starts in (``notebooks``: depth 0).

    >>> escapes('p = Path(__file__).parents[1] / "data"', depth=1)
    []
    >>> escapes('p = Path(__file__).parents[2] / "shared"', depth=1)
    ['parents[2] climbs above the repository']
    >>> escapes('open("../data/x.md")', depth=1)
    ["'../data/x.md' is a relative path out of its folder"]
    """
    problems = []
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type != tokenize.NL]
    # data that only looks like a path (a tracker id ".." refused by the client) is marked so
    exempt = {t.start[0] for t in tokens if t.type == tokenize.COMMENT and NOT_A_PATH in t.string}
    for k, token in enumerate(tokens):
        if token.type in STRING_TOKENS and token.start[0] not in exempt:
            text = token.string.lstrip("rRbBuUfF").strip("\"'")
            if DOT_DOT.search(text):
                problems.append(f"{text!r} is a relative path out of its folder")
        elif token.string == "parents" and k + 3 < len(tokens) and tokens[k + 1].string == "[":
            level = tokens[k + 2].string
            if not level.isdigit() or int(level) > depth:
                problems.append(f"parents[{level}] climbs above the repository")
        elif token.string == "parent" and (k < 2 or tokens[k - 2].string != "parent"):
            climbs = 1
            while k + 2 * climbs < len(tokens) and [
                t.string for t in tokens[k + 2 * climbs - 1 : k + 2 * climbs + 1]
            ] == [".", "parent"]:
                climbs += 1
            if climbs > depth + 1:
                problems.append(f"{'.parent' * climbs} climbs above the repository")
    return problems


def python_sources() -> list[tuple[str, str, int]]:
    """``(where, source, depth)`` of every test, conftest, package module and notebook cell."""
    sources = []
    files = [
        ROOT / "conftest.py",
        *sorted((ROOT / "tests").rglob("*.py")),
        *sorted(ROOT.glob("trackerkit/**/*.py")),
    ]
    for path in files:
        relative = path.relative_to(ROOT)
        sources.append((str(relative), path.read_text(encoding="utf-8"), len(relative.parts) - 1))
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells):
            if cell["cell_type"] == "code":
                code = "".join(cell["source"])
                code = "\n".join(
                    "" if line.lstrip().startswith(("%", "!")) else line for line in code.split("\n")
                )
                sources.append((f"{path.relative_to(ROOT)} cell {number}", code, 0))
    return sources


def test_the_checks_see_what_they_look_for():
    assert escapes("ROOT = Path(__file__).resolve().parent.parent.parent", depth=1) == [
        ".parent.parent.parent climbs above the repository"
    ]
    assert escapes("ROOT = Path(__file__).resolve().parent.parent.parent", depth=2) == []
    assert escapes("data = Path.cwd().parent.parent / 'shared'", depth=0) != []
    assert escapes('Path("docs", "..", "..", "shared")', depth=0) != []
    assert escapes("x = '5..50 phrases'; y = 'wait...'; z = '.../x'", depth=1) == []
    assert escapes("ARTIFACTS = Path(__file__).parent / 'artifacts'", depth=2) == []
    assert escapes("ids = ['..', '../x']  # not a path: ids the client refuses", depth=1) == []
    assert escapes("ids = ['..', '../x']  # ids the client refuses", depth=1) != []


def test_the_checks_read_tests_the_package_and_every_notebook():
    where = [w for w, _, _ in python_sources()]
    assert "tests/test_model.py" in where and "conftest.py" in where
    assert "trackerkit/analysis/_audit.py" in where
    assert {w.split(" cell ")[0] for w in where if ".ipynb" in w} == {
        str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb")
    }


def test_no_test_doctest_or_notebook_refers_to_a_path_outside_the_checkout():
    problems = {
        where: found for where, source, depth in python_sources() if (found := escapes(source, depth))
    }
    assert problems == {}
