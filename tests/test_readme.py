"""The README's promises: its two commands, its headless JupyterLab recipe, and examples that
print what it quotes."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def fenced(after: str, language: str) -> str:
    """The first ```language block after the text ``after``."""
    start = README.index(after)
    match = re.compile(rf"^```{language}\n(.*?)^```$", re.S | re.M).search(README, start)
    assert match, (after, language)
    return match.group(1)


def test_the_readme_opens_with_exactly_two_commands():
    commands = [line[2:] for line in README.splitlines() if line.startswith("$ ")]
    assert len(commands) == 2, commands  # .ci/run takes the test command from these lines
    first, second = commands
    assert README.index(first) < README.index("**trackerkit**")  # on the first lines
    assert "pytest" in second and "pytest" not in first
    assert "jupyter lab" in first and "notebooks/01-quickstart.ipynb" in first


def test_the_first_command_shows_the_whole_project_in_the_file_browser(monkeypatch):
    """Given a notebook, Jupyter serves the notebook's folder unless told the root: the README's
    command keeps the folder it runs from (the project) as the root, and opens the notebook."""
    from jupyter_server.serverapp import ServerApp

    monkeypatch.chdir(ROOT)
    first = next(line[2:] for line in README.splitlines() if line.startswith("$ "))
    argv = shlex.split(first.split("jupyter lab", 1)[1])
    app = ServerApp()
    app.parse_command_line(argv)
    assert Path(app.root_dir) == ROOT
    assert Path(app.file_to_run).relative_to(app.root_dir) == Path("notebooks/01-quickstart.ipynb")
    bare = ServerApp()  # without the root: only notebooks/ (what the README's option fixes)
    bare.parse_command_line([a for a in argv if not a.startswith("--ServerApp.root_dir")])
    assert Path(bare.root_dir) == ROOT / "notebooks"


def test_the_readme_says_how_to_run_jupyterlab_headless():
    section = README[README.index("### JupyterLab on a headless machine") :]
    section = section[: section.index("\n## ")]
    recipe = fenced("### JupyterLab on a headless machine", "sh")
    for option in ("--no-browser", "--ip=0.0.0.0", "--ServerApp.root_dir=."):
        assert option in recipe
    assert "token" in section and "ssh -L" in section
    assert "#jupyterlab-on-a-headless-machine" in README[: README.index("**trackerkit**")]


def _run_script(code: str, tmp_path: Path, env: dict[str, str] | None = None) -> str:
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, **(env or {})},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_python_example_prints_what_the_readme_quotes(tmp_path):
    code = fenced("**trackerkit** makes", "python")
    quoted = fenced("prints, as a plain `python` script", "text")
    for columns in ("60", "200"):  # the same whatever the terminal's width: nothing elided
        printed = _run_script(code, tmp_path, {"COLUMNS": columns})
        assert printed == quoted
    assert "..." not in quoted and "rows x" not in quoted


def test_the_match_output_in_the_readme_is_what_the_command_prints():
    quoted = fenced("`match` answers as the replay", "text")
    command = re.search(
        r"`(trackerkit match [^`]+)`", README[README.index("`match` answers as the replay") :]
    )
    assert command
    args = shlex.split(command.group(1).replace("\n", " "))[1:]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYMBL_")}
    result = subprocess.run(
        [sys.executable, "-m", "trackerkit", *args],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "100"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == quoted
