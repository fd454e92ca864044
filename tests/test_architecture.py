"""The shape of the package: one-way layers (import-linter), only deliberate lazy imports, a public
surface that resolves, a cheap ``import trackerkit`` and one version."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import trackerkit

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "trackerkit"

# What a function may import lazily: libraries whose import costs real time, and trackerkit's
# client modules, which import httpx at their top.
HEAVY = {
    "anyio",
    "httpx",
    "ipywidgets",
    "IPython",
    "matplotlib",
    "numpy",
    "pandas",
    "PIL",
    "ahocorasick_rs",
    "joblib",
    "dask",
    "distributed",
    "onnxruntime",
    "pyarrow",
    "rapidfuzz",
    "scipy",
    "sklearn",
    "spellchecker",
    "tenacity",
    "tokenizers",
    "tqdm",
    "wordfreq",
}
HEAVY_TRACKERKIT = {"trackerkit.api", "trackerkit.emulator"}
LAZY_MARK = "# lazy: heavy"


def lint_imports(config: Path) -> subprocess.CompletedProcess:
    """import-linter on ``config``, through the running interpreter, without a cache directory."""
    code = (
        "import sys\n"
        "from importlinter.cli import lint_imports\n"
        f"sys.exit(lint_imports(config_filename={str(config)!r}, no_cache=True))\n"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_layers_contract_is_kept():
    """pyproject.toml's layers: cli > report | widgets > plotting > analysis > lookup > loading >
    emulator > api > snapshot | sample > frames > model > ... > _version; no module imports a
    layer above its own (TYPE_CHECKING imports aside)."""
    result = lint_imports(ROOT / "pyproject.toml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "trackerkit's layers: each imports only from the layers below it KEPT" in output
    analysed = int(re.search(r"Analyzed (\d+) files", output).group(1))
    assert analysed >= len(list(PACKAGE.rglob("*.py"))) - 1  # the whole package was read


def test_a_contract_against_the_real_imports_is_broken(tmp_path):
    # The same machinery reports a violation: the CLI imports the errors module, so a contract
    # putting errors above cli must fail (the test above is not vacuous).
    config = tmp_path / "inverted.toml"
    config.write_text(
        textwrap.dedent(
            """
            [tool.importlinter]
            root_package = "trackerkit"
            exclude_type_checking_imports = true

            [[tool.importlinter.contracts]]
            id = "inverted"
            name = "inverted"
            type = "layers"
            layers = ["trackerkit.errors", "trackerkit.cli"]
            """
        ),
        encoding="utf-8",
    )
    result = lint_imports(config)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "BROKEN" in output
    assert "trackerkit.cli -> trackerkit.errors" in output


def _function_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue  # for type checkers only: never executed
            if isinstance(child, (ast.Import, ast.ImportFrom)) and in_function:
                found.append(child)
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))

    visit(tree, False)
    return found


def _imported_modules(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return [node.module or ""] if node.level == 0 else ["." * node.level + (node.module or "")]


def test_function_level_imports_are_only_marked_lazy_heavy_ones():
    """An import inside a function either hides a cycle (forbidden: the layers make them
    impossible) or keeps a heavy library off ``import trackerkit`` (allowed, and marked)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in _function_level_imports(ast.parse(source)):
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            text = " ".join(lines[node.lineno - 1 : node.end_lineno])
            for module in _imported_modules(node):
                heavy = module.split(".")[0] in HEAVY or module in HEAVY_TRACKERKIT
                if not heavy:
                    offenders.append(f"{where}: imports {module} inside a function")
                elif LAZY_MARK not in text:
                    offenders.append(f"{where}: lazy import of {module} without '{LAZY_MARK}'")
    assert not offenders, "\n".join(offenders)


def _all_modules() -> list[str]:
    """Every module of the package, from its files (collecting imports nothing)."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__main__":  # runs the command line
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@pytest.mark.parametrize("module_name", _all_modules())
def test_every_name_in_every_all_resolves(module_name):
    module = importlib.import_module(module_name)
    exported = getattr(module, "__all__", None)
    if exported is None:
        assert module_name.rsplit(".", 1)[-1].startswith("_") or module_name == "trackerkit.data", (
            f"{module_name} is public but has no __all__"
        )
        return
    assert len(set(exported)) == len(exported), f"{module_name}.__all__ repeats a name"
    missing = [name for name in exported if not hasattr(module, name)]
    assert not missing, f"{module_name}.__all__ names what it does not define: {missing}"
    for name in exported:  # a lazy name resolves to the object, never to a module of that name
        assert not isinstance(getattr(module, name), type(sys)), (module_name, name)


def test_the_package_dir_lists_every_public_name():
    assert set(trackerkit.__all__) <= set(dir(trackerkit))


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


HEAVY_AT_IMPORT = (
    "pandas",
    "numpy",
    "httpx",
    "sklearn",
    "scipy",
    "matplotlib",
    "ipywidgets",
    "spellchecker",
    "wordfreq",
)


def test_import_trackerkit_loads_no_heavy_library():
    loaded = _run(
        f"import sys, trackerkit\nprint(sorted(m for m in {HEAVY_AT_IMPORT!r} if m in sys.modules))"
    )
    assert loaded == "[]"


def test_loading_the_sample_starts_no_client():
    """``load_trackers("sample")`` parses the package data: no emulator, no client, no httpx."""
    loaded = _run(
        "import sys, trackerkit\n"
        "frame = trackerkit.load_trackers('sample')\n"
        "assert len(frame) == 48, len(frame)\n"
        "print(sorted(m for m in ('httpx', 'trackerkit.api', 'trackerkit.emulator') if m in sys.modules))"
    )
    assert loaded == "[]"


def test_the_version_is_defined_once_and_pyproject_agrees():
    from trackerkit._version import __version__

    assert trackerkit.__version__ is __version__
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    project = text.split("[project]", 1)[1].split("\n[", 1)[0]
    declared = re.search(r'(?m)^version\s*=\s*"([^"]+)"', project).group(1)
    assert declared == __version__
