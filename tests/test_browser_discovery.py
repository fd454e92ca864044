"""Which browser the real-browser tests drive: ``$TRACKERKIT_CHROMIUM``, then Chromium or Chrome
on PATH, then Debian's path; none found is a failure whose message says what to do on any OS."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import conftest as browser


def executable(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def nothing_installed(monkeypatch, tmp_path) -> Path:
    """An empty PATH folder (returned), no TRACKERKIT_CHROMIUM, no Debian Chromium."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("TRACKERKIT_CHROMIUM", raising=False)
    monkeypatch.setattr(browser, "DEBIAN_CHROMIUM", tmp_path / "usr" / "lib" / "chromium" / "chromium")
    return bin_dir


def test_path_names_in_order(nothing_installed):
    executable(nothing_installed, "google-chrome-stable")
    assert browser.find_chromium() == (nothing_installed / "google-chrome-stable", "")
    executable(nothing_installed, "google-chrome")
    assert browser.find_chromium() == (nothing_installed / "google-chrome", "")
    executable(nothing_installed, "chromium-browser")
    assert browser.find_chromium() == (nothing_installed / "chromium-browser", "")
    executable(nothing_installed, "chromium")
    assert browser.find_chromium() == (nothing_installed / "chromium", "")


def test_the_variable_wins_and_is_never_second_guessed(nothing_installed, monkeypatch, tmp_path):
    executable(nothing_installed, "chromium")
    chosen = executable(tmp_path / "Google Chrome.app", "Google Chrome")
    monkeypatch.setenv("TRACKERKIT_CHROMIUM", str(chosen))
    assert browser.find_chromium() == (chosen, "")
    monkeypatch.setenv("TRACKERKIT_CHROMIUM", str(tmp_path / "missing"))
    found, why = browser.find_chromium()
    assert found is None
    assert "TRACKERKIT_CHROMIUM=" in why and "missing" in why and "not an executable file" in why


def test_debians_path_comes_last(nothing_installed, monkeypatch, tmp_path):
    debian = executable(tmp_path / "debian", "chromium")
    monkeypatch.setattr(browser, "DEBIAN_CHROMIUM", debian)
    assert browser.find_chromium() == (debian, "")
    executable(nothing_installed, "google-chrome")
    assert browser.find_chromium() == (nothing_installed / "google-chrome", "")


def test_no_browser_says_where_it_looked_and_what_to_do(nothing_installed):
    found, why = browser.find_chromium()
    assert found is None
    for name in ("TRACKERKIT_CHROMIUM", *browser.CHROMIUM_ON_PATH, str(browser.DEBIAN_CHROMIUM)):
        assert name in why
    (problem, *_) = browser.install_hint()
    assert problem.startswith(why)
    for advice in ("apt-get install chromium", "brew install", "set TRACKERKIT_CHROMIUM", "chrome.exe"):
        assert advice in problem
