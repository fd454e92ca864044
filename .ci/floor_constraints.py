"""Print a pip constraints file pinning every declared dependency to its floor.

Every ``name>=X`` of ``[project].dependencies`` and of the extras named on the command line (the
``test`` extra by default) becomes ``name==X``, so CI can install the lowest versions the project
claims to support. Read from ``pyproject.toml`` at each run, so the pins cannot drift from it.
A requirement without a ``>=`` floor is an error: every dependency must declare the lowest
version it is tested with.

Usage: ``python .ci/floor_constraints.py [EXTRA ...] > constraints.txt``
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]

# name, optional [extras], the specifiers, an optional "; marker"
REQUIREMENT = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?P<specs>[^;]*?)\s*(?:;(?P<marker>.*))?$"
)


def floor_pin(requirement: str) -> str:
    """``"pandas>=2.1"`` -> ``"pandas==2.1"`` (upper bounds dropped, a marker kept)."""
    match = REQUIREMENT.match(requirement)
    if not match:
        raise ValueError(f"cannot read the requirement {requirement!r}")
    floors = [s.strip()[2:].strip() for s in match["specs"].split(",") if s.strip().startswith(">=")]
    if len(floors) != 1:
        raise ValueError(f"{requirement!r}: declare exactly one floor as 'name>=X' so CI can test it")
    pin = f"{match['name']}=={floors[0]}"
    return f"{pin}; {match['marker'].strip()}" if match["marker"] else pin


def constraints(extras: list[str]) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    pins: dict[str, str] = {}
    for requirement in requirements:
        pin = floor_pin(requirement)
        name = re.split(r"[=;]", pin, maxsplit=1)[0].lower().replace("_", "-")
        if pins.setdefault(name, pin) != pin:
            raise ValueError(f"{name} is declared with two different floors: {pins[name]!r}, {pin!r}")
    lines = [f"# generated from pyproject.toml by .ci/floor_constraints.py {' '.join(extras)}"]
    lines += sorted(pins.values(), key=str.lower)
    return lines


if __name__ == "__main__":
    print("\n".join(constraints(sys.argv[1:] or ["test"])))
