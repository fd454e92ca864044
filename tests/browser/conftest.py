"""Real-browser fixtures: a Voila server running a notebook of ``trackerkit.explore``, and a
Chromium or Google Chrome driven by Playwright (see the team's browser-testing recipe).

These tests FAIL (never skip) when the browser, Playwright or Voila is missing: the widgets must
be seen working in a browser, and a silent skip would hide that they were not.

* The browser is the first of: ``$TRACKERKIT_CHROMIUM`` (a path to the executable), then
  ``chromium``, ``chromium-browser``, ``google-chrome``, ``google-chrome-stable`` on PATH, then
  Debian's ``/usr/lib/chromium/chromium`` (:func:`find_chromium`).

* The notebook is written into a temporary folder at test time (nbformat). Its account is the
  sample account plus one hostile tracker (:data:`XSS_NAME`, :data:`XSS_PHRASE`), so every test
  also shows that tracker text is escaped.
* One Voila server per session, on a free port of 127.0.0.1, started with ``--no-browser``;
  readiness is a TCP connect (an HTTP GET of ``/`` would start a kernel); stopped with SIGTERM.
  Voila starts a fresh kernel for every page, so each test gets a fresh app.
* Screenshots go to ``tests/browser/artifacts/`` (or ``$TRACKERKIT_ARTIFACTS``), created at
  run time; the path is printed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM_ON_PATH = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DEBIAN_CHROMIUM = Path("/usr/lib/chromium/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VOILA_LOG = pytest.StashKey[Path]()
ARTIFACTS = Path(os.environ.get("TRACKERKIT_ARTIFACTS", Path(__file__).parent / "artifacts"))

XSS_ID = "9999999999999999"
XSS_NAME = '<img src=x onerror="window.__xss=1">'
XSS_PHRASE = "<script>window.__xss2=1</script>"
XSS_VOCABULARY = [
    XSS_PHRASE,
    "I want to speak to a supervisor",  # shared with two sample trackers: it has neighbours
    "can you escalate this",
    "get me your manager",
    "this injected tracker has plain phrases too",
]

SETUP_CELL = f"""\
import trackerkit
from trackerkit.loading import load_trackers

sample = load_trackers("sample")
records = [
    {{"id": tid, "name": name, "vocabulary": list(vocabulary)}}
    for tid, name, vocabulary in zip(sample["tracker_id"], sample["name"], sample["vocabulary"])
]
records.append({{"id": {XSS_ID!r}, "name": {XSS_NAME!r}, "vocabulary": {XSS_VOCABULARY!r}}})
trackers = load_trackers(records)"""

APP_CELL = "app = trackerkit.explore(trackers)\napp"


def find_chromium() -> tuple[Path | None, str]:
    """``(executable, "")`` of the browser to drive, or ``(None, why none)``: what
    ``$TRACKERKIT_CHROMIUM`` names (only that, when it is set), else the first of
    :data:`CHROMIUM_ON_PATH` found on PATH, else Debian's :data:`DEBIAN_CHROMIUM`."""
    chosen = os.environ.get("TRACKERKIT_CHROMIUM", "").strip()
    if chosen:
        path = Path(chosen).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return path, ""
        return None, f"TRACKERKIT_CHROMIUM={chosen!r} is not an executable file"
    for name in CHROMIUM_ON_PATH:
        found = shutil.which(name)
        if found:
            return Path(found), ""
    if DEBIAN_CHROMIUM.is_file():
        return DEBIAN_CHROMIUM, ""
    return None, (
        f"no Chromium or Google Chrome found (TRACKERKIT_CHROMIUM is not set; none of "
        f"{', '.join(CHROMIUM_ON_PATH)} is on PATH; {DEBIAN_CHROMIUM} does not exist)"
    )


def install_hint() -> list[str]:
    """What is missing for the browser tests, each with how to install it (empty: nothing)."""
    problems = []
    chromium, why = find_chromium()
    if chromium is None:
        problems.append(
            f"{why}: install Chromium or Google Chrome (Debian/Ubuntu: apt-get install chromium; "
            "macOS: brew install --cask chromium), or set TRACKERKIT_CHROMIUM to the browser's "
            "executable (e.g. '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', "
            "'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe')"
        )
    for module, package in (
        ("playwright.sync_api", "playwright"),
        ("voila", "voila"),
        ("nbformat", "nbformat"),
    ):
        try:
            __import__(module)
        except ImportError:
            problems.append(f"Python package {package!r} is missing: pip install -e '.[test]'")
    return problems


# Errors the front end itself raises in some supported versions, whatever trackerkit shows (its
# widgets have no JavaScript): Voila 0.5.7 with ipywidgets 8.1.0, the declared floors, logs this
# while kernel messages queue up. Any other page error still fails the tests that check them.
KNOWN_FRONT_END_ERRORS = (re.compile(r"^Cannot read properties of undefined \(reading 'Queue'\)$"),)


def page_errors(errors: list[str]) -> list[str]:
    """The page errors that are not :data:`KNOWN_FRONT_END_ERRORS`."""
    return [e for e in errors if not any(known.search(e) for known in KNOWN_FRONT_END_ERRORS)]


def require_browser_stack() -> None:
    problems = install_hint()
    if problems:
        pytest.fail("real-browser tests need:\n  " + "\n  ".join(problems), pytrace=False)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    """Return once 127.0.0.1:``port`` accepts a TCP connection (no HTTP: a GET starts a kernel)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"voila exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(
        f"voila did not listen on port {port} within {timeout:.0f} s:\n{log.read_text(errors='replace')}"
    )


def write_notebook(path: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP_CELL), nbformat.v4.new_code_cell(APP_CELL)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.fixture
def browser_stack_problems() -> list[str]:
    return install_hint()


@pytest.fixture
def xss() -> dict[str, str]:
    """The hostile tracker the notebook adds to the sample account."""
    return {"id": XSS_ID, "name": XSS_NAME, "phrase": XSS_PHRASE}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser test screenshots: {ARTIFACTS}")
    return ARTIFACTS


@contextlib.contextmanager
def serve_notebook(notebook: Path) -> Iterator[str]:
    """Voila serving ``notebook`` (in its own folder, with no user config) on a free loopback
    port; yields its base URL, stops the server afterwards. Its log is ``voila.log`` beside it."""
    root = notebook.parent
    env = dict(os.environ)
    env.update(
        JUPYTER_RUNTIME_DIR=str(root / "runtime"),
        JUPYTER_CONFIG_DIR=str(root / "config"),  # no user config leaks in
        MPLBACKEND="Agg",
        PYTHONUNBUFFERED="1",
    )  # JUPYTER_DATA_DIR stays: the kernel spec is found through it
    port = free_port()
    log = root / "voila.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "voila",
                notebook.name,
                "--no-browser",
                f"--port={port}",
                "--Voila.ip=127.0.0.1",
                "--show_tracebacks=True",
            ],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_port(port, proc, log)
        yield f"http://127.0.0.1:{port}/"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture(scope="session")
def voila_url(tmp_path_factory, request) -> Iterator[str]:
    """Voila serving the explore notebook; yields its base URL."""
    require_browser_stack()
    root = tmp_path_factory.mktemp("voila")
    notebook = write_notebook(root / "explore_app.ipynb")
    request.config.stash[VOILA_LOG] = root / "voila.log"
    with serve_notebook(notebook) as url:
        yield url


# Module scope, not session: Playwright's sync API keeps an asyncio loop running in this thread
# while it is open, and later tests (the async client's) need to run loops of their own.
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_browser_stack()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        executable, _ = find_chromium()
        chromium = p.chromium.launch(executable_path=str(executable), args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def app_page(browser, voila_url, artifacts, request) -> Iterator[object]:
    """A fresh Voila page of the app (its own kernel), its widgets rendered.

    Console errors and uncaught page errors are collected in ``page.errors``. On a failure a
    screenshot ``<test>-failed.png`` is saved.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(voila_url, timeout=60_000)
    page.locator(".tk-app").first.wait_for(state="visible", timeout=60_000)
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            shot = artifacts / f"{request.node.name}-failed.png"
            page.screenshot(path=str(shot), full_page=True)
            log = request.config.stash.get(VOILA_LOG, None)
            tail = log.read_text(errors="replace")[-4000:] if log else "(no log)"
            print(
                f"\nscreenshot of the failure: {shot}\npage errors: {page.errors}\nvoila log (end):\n{tail}"
            )
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
