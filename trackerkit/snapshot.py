"""Snapshots: an account's trackers saved to one versioned JSON file, and read back losslessly.

    >>> import tempfile, pathlib, trackerkit
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "account.json"
    >>> _ = trackerkit.save_snapshot(trackerkit.load_trackers("sample"), path)
    >>> len(trackerkit.load_trackers(path)) == len(trackerkit.load_trackers("sample"))
    True

A snapshot holds tracker data only; credentials are never written.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from trackerkit.errors import TrackerDataError
from trackerkit.model import Tracker, parse_trackers

__all__ = ["SNAPSHOT_FORMAT", "SNAPSHOT_SCHEMA_VERSION", "read_trackers_file", "save_snapshot"]

SNAPSHOT_FORMAT = "trackerkit.snapshot"
SNAPSHOT_SCHEMA_VERSION = 1


def _as_trackers(trackers: Any) -> tuple[list[Tracker], str | None]:
    import pandas as pd

    if isinstance(trackers, pd.DataFrame):
        from trackerkit.frames import frame_to_trackers

        return frame_to_trackers(trackers), trackers.attrs.get("source")
    return parse_trackers(trackers), None


def save_snapshot(trackers: Any, path: str | os.PathLike[str], *, source: str | None = None) -> Path:
    """Write ``trackers`` (a trackers frame, or Tracker records / API dicts) to ``path``.

    The document is ``{"format", "schema_version", "saved_at", "source", "n_trackers",
    "trackers"}`` with the trackers in the API's own shape. It is written to a temporary file
    in the same folder and renamed over ``path``, so a crash never leaves a half-written file.
    Returns the path.
    """
    records, frame_source = _as_trackers(trackers)
    document = {
        "format": SNAPSHOT_FORMAT,
        "schema_version": SNAPSHOT_SCHEMA_VERSION,
        "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "source": source if source is not None else frame_source,
        "n_trackers": len(records),
        "trackers": [t.to_dict() for t in records],
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def read_trackers_file(path: str | os.PathLike[str]) -> list[Tracker]:
    """Read a trackerkit snapshot or a saved Symbl API response, checking it thoroughly."""
    path = Path(path)
    if not path.is_file():
        raise TrackerDataError(
            f"{str(path)!r}: no such file (a source is 'sample' or the path of a JSON file)"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TrackerDataError(f"{path}: not UTF-8 text (byte {exc.start}): not a trackers file") from None
    if not text.strip():
        raise TrackerDataError(f"{path}: the file is empty")
    try:
        document = json.loads(text)
    except RecursionError:
        raise TrackerDataError(f"{path}: JSON nested too deeply to be a trackers file") from None
    except json.JSONDecodeError as exc:
        raise TrackerDataError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            "the file may be truncated or corrupt"
        ) from None
    try:
        if isinstance(document, dict) and document.get("format") == SNAPSHOT_FORMAT:
            return _read_snapshot(document, path)
        return parse_trackers(document)
    except TrackerDataError as exc:
        raise TrackerDataError(f"{path}: {exc}") from None


def _read_snapshot(document: dict[str, Any], path: Path) -> list[Tracker]:
    version = document.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise TrackerDataError(f"snapshot has no valid schema_version ({version!r})")
    if version > SNAPSHOT_SCHEMA_VERSION:
        raise TrackerDataError(
            f"snapshot schema version {version} is newer than this trackerkit reads "
            f"({SNAPSHOT_SCHEMA_VERSION}); upgrade trackerkit"
        )
    if "trackers" not in document or not isinstance(document["trackers"], list):
        raise TrackerDataError("snapshot has no 'trackers' list", field="trackers")
    trackers = parse_trackers({"trackers": document["trackers"]})
    expected = document.get("n_trackers")
    if expected is not None and expected != len(trackers):
        raise TrackerDataError(
            f"snapshot says it holds {expected} trackers but contains {len(trackers)}; it is corrupt"
        )
    return trackers
