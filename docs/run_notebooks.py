"""Execute the notebooks in place, top to bottom in a fresh kernel, and save their outputs.

    python docs/run_notebooks.py                 # all of notebooks/*.ipynb
    python docs/run_notebooks.py 01-quickstart   # the ones whose names contain these words

nbval (strict) compares the saved outputs with a fresh run in every test run, so re-run this
after any change that alters what a notebook shows. Outputs are kept deterministic: the kernel
runs in notebooks/, with no Symbl credentials in its environment, and each notebook seeds what
it samples.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CREDENTIAL_VARIABLES = ("SYMBL_ACCESS_TOKEN", "SYMBL_APP_ID", "SYMBL_APP_SECRET")


def run(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()
    elapsed = time.perf_counter() - start
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # timestamps: keep diffs quiet
    notebook.metadata.pop("widgets", None)  # widget state: large, and meaningless once saved
    nbformat.write(notebook, path)
    return elapsed


def main(words: list[str]) -> None:
    for name in CREDENTIAL_VARIABLES:
        os.environ.pop(name, None)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    paths = sorted(p for p in NOTEBOOKS.glob("*.ipynb") if not words or any(w in p.name for w in words))
    for path in paths:
        print(f"{path.name}: {run(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
