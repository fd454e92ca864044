"""No metadata rides on ``DataFrame.attrs`` (issue 12): pandas documents it as experimental and
many operations drop it; results that carry more than a table are typed objects instead
(``trackerkit.analysis.TrackerMatrix``, ``Clustering``, ``Confusion``, ``TrackerComparison``...)."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "trackerkit"


def test_no_module_of_the_package_uses_dataframe_attrs():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 40
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in modules
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ".attrs" in line
    ]
    assert found == []
