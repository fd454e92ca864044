"""Snapshots: an account's trackers saved to one versioned JSON file, and read back losslessly.

    >>> import tempfile, pathlib, trackerkit
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "account.json"
    >>> _ = trackerkit.save_snapshot(trackerkit.load_trackers("sample"), path)
    >>> len(trackerkit.load_trackers(path)) == len(trackerkit.load_trackers("sample"))
    True

A snapshot holds tracker data only; credentials are never written.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from trackerkit._validation import check_count
from trackerkit.constants import DEFAULT_MAX_FILE_BYTES
from trackerkit.errors import FileTargetError, TrackerDataError
from trackerkit.frames import frame_to_trackers
from trackerkit.model import Tracker, parse_trackers, strict_json_problem

try:  # advisory locks tell a live writer's temporary file from an abandoned one
    import fcntl
except ImportError:  # pragma: no cover - Windows, where an open file cannot be deleted anyway
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SNAPSHOT_FORMAT",
    "SNAPSHOT_SCHEMA_VERSION",
    "read_trackers_file",
    "save_snapshot",
]

SNAPSHOT_FORMAT = "trackerkit.snapshot"
SNAPSHOT_SCHEMA_VERSION = 1

#: What a snapshot is saved from: trackers already loaded (a frame, records, or API-shaped data).
Records = Union["pd.DataFrame", Sequence[Tracker | Mapping[str, Any]], Mapping[str, Any]]


def _as_trackers(trackers: Records) -> list[Tracker]:
    pandas = sys.modules.get("pandas")  # not loaded: ``trackers`` cannot be a frame
    if pandas is not None and isinstance(trackers, pandas.DataFrame):
        return frame_to_trackers(trackers)
    return parse_trackers(trackers)


def save_snapshot(trackers: Records, path: str | os.PathLike[str], *, source: str | None = None) -> Path:
    """Write ``trackers`` to ``path`` as a snapshot, atomically.

    The document is ``{"format", "schema_version", "saved_at", "source", "n_trackers",
    "trackers"}`` with the trackers in the API's own shape, as strict JSON (UTF-8, no ``NaN``).
    It is written to a temporary file in the same folder and renamed over ``path``, so a crash
    never leaves a half-written file.

    Parameters
    ----------
    trackers : pandas.DataFrame, list of Tracker or of API dicts, or an API payload dict
        The trackers to save: a trackers frame as :func:`trackerkit.load_trackers` returns it,
        or records.
    path : str or os.PathLike
        The file to write (its folder is created if needed).
    source : str, optional
        Where the trackers came from (a URL, ``"sample"``...), recorded in the document;
        ``None`` records ``null``.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    FileTargetError
        When ``path`` is not a regular file (see below).
    TrackerDataError
        When a tracker holds text strict JSON cannot hold.

    The file system is handled with care:

    * ``path`` is a regular file or does not exist yet; a FIFO, a device node, a socket or a
      directory raises :class:`FileTargetError` before anything is written (renaming over them
      would silently replace them, ``/dev/null`` included).
    * A **symlink is followed**: the file it points to is replaced atomically (the temporary file
      goes next to it) and the link itself is kept. A link leading to anything but a regular
      file (or to nothing, which creates the file) is refused like the target itself.
    * An existing file keeps its permission bits (and its owner and group where the system
      allows); a new file is readable and writable by its owner only (``0600``).
    * Temporary files an interrupted save left next to the target (``.NAME.XXXXXXXX.tmp``) are
      removed by the next save to the same path, unless another process is still writing one.
    * Text strict JSON cannot hold (a lone surrogate; ``NaN`` or ``Infinity`` in an extra field
      of a :class:`Tracker` built by hand) raises :class:`TrackerDataError` naming the tracker
      and the field, before anything is written.
    """
    records = _as_trackers(trackers)
    document = {
        "format": SNAPSHOT_FORMAT,
        "schema_version": SNAPSHOT_SCHEMA_VERSION,
        "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "source": source,
        "n_trackers": len(records),
        "trackers": [t.to_dict() for t in records],
    }
    data = _encode(document, records)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    destination, existing = _regular_destination(target)
    _remove_abandoned_temporaries(destination)
    fd, tmp_name = _locked_temporary(destination)
    try:
        if existing is not None:
            _copy_ownership_and_mode(fd, tmp_name, existing)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            if fcntl is not None:  # renamed while still locked: a cleaner never sees it unlocked
                os.replace(tmp_name, destination)
        if fcntl is None:  # pragma: no cover - Windows cannot rename an open file
            os.replace(tmp_name, destination)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def _encode(document: dict[str, Any], records: list[Tracker]) -> bytes:
    """The document as strict UTF-8 JSON, or a :class:`TrackerDataError` naming what cannot be."""
    try:
        text = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)
        return (text + "\n").encode("utf-8")
    except (TypeError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
        for index, record in enumerate(records):
            problem = strict_json_problem(record.to_dict(), any_type=True)
            if problem is not None:
                raise TrackerDataError(
                    f"{problem[1]}; strict JSON cannot hold it: fix it before saving",
                    index=index,
                    tracker_id=record.id,
                    field=problem[0].lstrip(".") or None,
                ) from None
        problem = strict_json_problem(document, any_type=True)
        what = problem[1] if problem is not None else type(exc).__name__
        raise TrackerDataError(f"the snapshot cannot be written as strict JSON: {what}") from None


def _regular_destination(target: Path) -> tuple[Path, os.stat_result | None]:
    """The file a save to ``target`` replaces (symlinks followed) and its status (``None``: new),
    or :class:`FileTargetError` when that is not a regular file."""
    destination = Path(os.path.realpath(target))
    try:
        status = os.lstat(destination)
    except FileNotFoundError:
        return destination, None
    except OSError as exc:
        raise FileTargetError(
            f"{str(target)!r}: cannot be written ({exc.strerror or exc})", path=str(target)
        ) from None
    if stat.S_ISREG(status.st_mode):
        return destination, status
    kind = _KINDS.get(stat.S_IFMT(status.st_mode), "not a regular file")
    via = f" (the symlink leads to {str(destination)!r})" if os.path.islink(target) else ""
    raise FileTargetError(
        f"{str(target)!r} is {kind}{via}: a snapshot is written only to a regular file, never over "
        "a FIFO, a device, a socket or a directory; give the path of a file",
        path=str(target),
    )


_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
    stat.S_IFLNK: "a symlink that loops",
}


def _temporary_pattern(destination: Path) -> re.Pattern[str]:
    # tempfile.mkstemp(prefix=".NAME.", suffix=".tmp") draws 8 characters from [a-z0-9_]
    return re.compile(rf"\.{re.escape(destination.name)}\.[a-z0-9_]{{8}}\.tmp")


def _locked_temporary(destination: Path) -> tuple[int, str]:
    """A new temporary file next to ``destination``, locked while it is being written."""
    while True:
        fd, name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent)
        if fcntl is None:  # pragma: no cover
            return fd, name
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits only while a cleaner looks at it
        if os.fstat(fd).st_nlink:  # a cleaner did not remove it before the lock was taken
            return fd, name
        os.close(fd)  # pragma: no cover - a race of microseconds


def _remove_abandoned_temporaries(destination: Path) -> None:
    """Delete the temporary files interrupted saves to ``destination`` left behind; a file a
    live writer holds (locked) stays."""
    pattern = _temporary_pattern(destination)
    try:
        entries = list(os.scandir(destination.parent))
    except OSError:
        return
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if fcntl is None:  # pragma: no cover - Windows refuses to delete a file open elsewhere
                os.unlink(entry.path)
                continue
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: a live writer
                if os.path.samestat(os.fstat(fd), os.lstat(entry.path)):
                    os.unlink(entry.path)
            finally:
                os.close(fd)
        except OSError:
            continue


def _copy_ownership_and_mode(fd: int, tmp_name: str, existing: os.stat_result) -> None:
    """Give the new file the replaced file's permission bits, and its owner where allowed."""
    if hasattr(os, "fchown"):
        current = os.fstat(fd)
        if (current.st_uid, current.st_gid) != (existing.st_uid, existing.st_gid):
            try:
                os.fchown(fd, existing.st_uid, existing.st_gid)
            except OSError:
                with contextlib.suppress(OSError):  # not root: the group may still be ours to give
                    os.fchown(fd, -1, existing.st_gid)
    os.chmod(tmp_name, stat.S_IMODE(existing.st_mode) & 0o777)


def read_trackers_file(
    path: str | os.PathLike[str], *, max_bytes: int | None = DEFAULT_MAX_FILE_BYTES
) -> list[Tracker]:
    """Read a trackerkit snapshot or a saved Symbl API response, checking it thoroughly.

    A file larger than ``max_bytes`` (:data:`DEFAULT_MAX_FILE_BYTES`, 256 MiB; ``None``: no
    limit) is refused with a :class:`TrackerDataError` before it is read.
    """
    max_bytes = check_count("max_bytes", max_bytes, minimum=0, allow_none=True)
    path = Path(path)
    if not path.is_file():
        if path.exists():
            raise TrackerDataError(
                f"{str(path)!r}: not a regular file (a FIFO, a device or a directory?); a source is "
                "'sample' or the path of a JSON file"
            )
        raise TrackerDataError(
            f"{str(path)!r}: no such file (a source is 'sample' or the path of a JSON file)"
        )
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if max_bytes is not None and size > max_bytes:
            raise _too_large(path, size, max_bytes)
        raw = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    if max_bytes is not None and len(raw) > max_bytes:  # it grew, or its size is not known
        raise _too_large(path, len(raw), max_bytes, at_least=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TrackerDataError(f"{path}: not UTF-8 text (byte {exc.start}): not a trackers file") from None
    del raw
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
        located = TrackerDataError(f"{path}: {exc}")
        located.index, located.tracker_id, located.field = exc.index, exc.tracker_id, exc.field
        raise located from None


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


def _too_large(path: Path, size: int, limit: int, *, at_least: bool = False) -> TrackerDataError:
    return TrackerDataError(
        f"{path}: the file is {'more than ' if at_least else ''}{_amount(size)}, over the "
        f"{_amount(limit)} limit for a trackers file (an account is a few MB); if it really is "
        "one, raise the limit: load_trackers(path, max_file_bytes=...) (None: no limit)"
    )


def _amount(n_bytes: int) -> str:
    if n_bytes < 2**20:
        return f"{n_bytes:,} bytes"
    return f"{n_bytes / 2**20:,.1f} MiB" if n_bytes < 2**30 else f"{n_bytes / 2**30:,.1f} GiB"
