"""Trackers from anywhere into the trackers frame: the bundled sample, a file, a payload, a client.

* :func:`load_trackers`: any source (``"sample"``, a path, Tracker records or API dicts, a
  frame, a :class:`~trackerkit.SymblClient`) -> the trackers frame;
* :func:`fetch_trackers`: the account behind a client, or some ids/names of it, -> the trackers
  frame (the client itself, in :mod:`trackerkit.api`, knows no pandas);
* :func:`vocabulary_frame`: any source -> the vocabulary frame (one row per phrase);
* :func:`as_trackers_frame`: what every analysis function calls first, so they all accept the
  same sources and fail with the same clear :class:`~trackerkit.TrackerDataError`.

The conversions themselves are pure and live in :mod:`trackerkit.frames`.

    >>> import trackerkit
    >>> trackers = trackerkit.load_trackers("sample")
    >>> phrases = trackerkit.vocabulary_frame(trackers)
    >>> list(phrases.columns)
    ['tracker_id', 'tracker_name', 'position', 'phrase', 'phrase_norm', 'n_words']
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from trackerkit._typing import TrackerKey, TrackersLike
from trackerkit._validation import check_bool, check_count
from trackerkit.constants import DEFAULT_MAX_FILE_BYTES, TRACKER_COLUMNS
from trackerkit.errors import InvalidParameterError, TrackerDataError, TrackerNotFoundError
from trackerkit.frames import build_vocabulary_frame, check_trackers_frame, frame_to_trackers, trackers_frame
from trackerkit.model import Tracker, parse_trackers
from trackerkit.sample import sample_trackers
from trackerkit.snapshot import read_trackers_file

if TYPE_CHECKING:
    import pandas as pd

    from trackerkit.api import SymblClient

__all__ = ["as_trackers_frame", "fetch_trackers", "load_trackers", "vocabulary_frame"]


def load_trackers(
    source: TrackersLike = "sample", *, max_file_bytes: int | None = DEFAULT_MAX_FILE_BYTES
) -> pd.DataFrame:
    """Load trackers into the trackers frame.

    Parameters
    ----------
    source : TrackersLike, default "sample"
        ``"sample"`` (the bundled sample account, read from the package data), a path to a
        JSON file (a saved API response or a trackerkit snapshot), a list of
        :class:`~trackerkit.Tracker` or of API-shaped dicts, an API payload dict, a trackers
        frame (copied), or a client with ``list_trackers()`` (:class:`~trackerkit.SymblClient`).
    max_file_bytes : int or None, default 256 MiB
        A file larger than this is refused unread with a :class:`~trackerkit.TrackerDataError`:
        parsing takes several times a file's size in memory, and a real account is a few MB.
        ``None``: no limit.

    Returns
    -------
    pandas.DataFrame
        The trackers frame (see :func:`trackerkit.frames.trackers_frame`), one row per tracker
        in the source's order.

    Raises
    ------
    TrackerDataError
        When the source cannot be read or holds malformed trackers (the message says where).

    Examples
    --------
        >>> trackers = load_trackers("sample")
        >>> int((trackers["name"] == "Voice Message").sum())
        1
    """
    import pandas as pd  # lazy: heavy

    if isinstance(source, pd.DataFrame):
        return as_trackers_frame(source).copy()
    if isinstance(source, str) and source == "sample":
        return trackers_frame(sample_trackers())
    if isinstance(source, (str, os.PathLike)):
        return trackers_frame(read_trackers_file(Path(source), max_bytes=max_file_bytes))
    if hasattr(source, "list_trackers") and callable(source.list_trackers):
        if inspect.iscoroutinefunction(source.list_trackers):
            raise TrackerDataError(
                "load_trackers() cannot await an async client: use "
                "`trackers_frame(await client.list_trackers())` or a SymblClient"
            )
        return trackers_frame(source.list_trackers())
    if isinstance(source, (Mapping, list, tuple)) or (
        isinstance(source, Iterable) and not isinstance(source, (str, bytes))
    ):
        return trackers_frame(parse_trackers(source))
    raise TrackerDataError(
        f"cannot load trackers from {type(source).__name__}: pass 'sample', a JSON file path, "
        "a list of trackers, a trackers frame or a SymblClient"
    )


def as_trackers_frame(source: TrackersLike) -> pd.DataFrame:
    """The trackers frame of ``source``: a complete trackers frame as it is (not copied), any
    other frame with the key columns completed, anything else through :func:`load_trackers`.

    Every analysis function starts with this, so all of them take the same inputs and fail
    with the same clear :class:`~trackerkit.TrackerDataError` on a wrong one.

    Parameters
    ----------
    source : TrackersLike
        Anything :func:`load_trackers` accepts.

    Returns
    -------
    pandas.DataFrame
        The trackers frame.
    """
    import pandas as pd  # lazy: heavy

    if isinstance(source, pd.DataFrame):
        check_trackers_frame(source)
        if all(c in source.columns for c in TRACKER_COLUMNS):
            return source
        return trackers_frame(frame_to_trackers(source))
    return load_trackers(source)


def vocabulary_frame(trackers: TrackersLike) -> pd.DataFrame:
    """The vocabulary frame: one row per phrase, in tracker then vocabulary order.

    Parameters
    ----------
    trackers : TrackersLike
        Anything :func:`load_trackers` accepts.

    Returns
    -------
    pandas.DataFrame
        Columns ``tracker_id``, ``tracker_name``, ``position`` (0-based index in the
        vocabulary), ``phrase`` (as written), ``phrase_norm``
        (:func:`~trackerkit.normalize_phrase`) and ``n_words`` (words in ``phrase_norm``).

    Examples
    --------
        >>> vocabulary_frame([{"id": "1", "name": "A", "vocabulary": ["Hi there!"]}])["phrase_norm"].tolist()
        ['hi there']
    """
    return build_vocabulary_frame(as_trackers_frame(trackers))


def fetch_trackers(
    client: SymblClient | str | None = None,
    *,
    ids: Iterable[TrackerKey] | TrackerKey | None = None,
    names: Iterable[str] | str | None = None,
    concurrency: int = 8,
    progress: bool = True,
) -> pd.DataFrame:
    """Fetch an account's trackers, or some of them, into the trackers frame.

    Parameters
    ----------
    client : SymblClient, "sample" or None, default None
        The client to fetch with; ``"sample"``: the bundled account, served by the in-process
        emulator through the real client; ``None``: a client built from the environment or
        ``symbl.conf`` (closed afterwards; :class:`~trackerkit.CredentialsError` says how to
        provide credentials if there are none).
    ids : tracker id or iterable of them, optional
        Fetch the trackers with these ids (concurrently).
    names : str or iterable of str, optional
        Then the trackers with these names, without duplicates. With neither ``ids`` nor
        ``names`` the whole account is fetched.
    concurrency : int, default 8
        Requests in flight at once for ``ids``.
    progress : bool, default True
        Show a progress bar for long fetches by id.

    Returns
    -------
    pandas.DataFrame
        The trackers frame: ``ids`` first, in the order given, then ``names``.

    Raises
    ------
    TrackerNotFoundError
        One error listing every id or name not found.
    InvalidParameterError
        ``client`` is not a SymblClient (an AsyncSymblClient cannot be used: this call blocks),
        ``"sample"`` or None.
    """
    # The client pulls in httpx: loading a file or the sample never needs it.
    from trackerkit.api import AsyncSymblClient, SymblClient  # lazy: heavy (httpx)
    from trackerkit.emulator import sample_client  # lazy: heavy (httpx)

    concurrency = check_count("concurrency", concurrency)
    progress = check_bool("progress", progress)
    if isinstance(client, AsyncSymblClient):
        raise InvalidParameterError(
            "fetch_trackers is blocking; with an AsyncSymblClient use "
            "trackers_frame(await client.list_trackers()) instead",
            parameter="client",
        )
    if isinstance(client, str) and client != "sample":
        raise InvalidParameterError(
            f'client must be a SymblClient, "sample" or None, got {client!r}', parameter="client"
        )
    if not (client is None or isinstance(client, str) or hasattr(client, "list_trackers")):
        raise InvalidParameterError(
            f'client must be a SymblClient, "sample" or None, got {type(client).__name__}',
            parameter="client",
        )
    owned = client is None or isinstance(client, str)
    if client is None:
        active = SymblClient()
    elif isinstance(client, str):
        active = sample_client()
    else:
        active = client
    try:
        trackers = _fetch(active, ids, names, concurrency=concurrency, progress=progress)
    finally:
        if owned:
            active.close()
    return trackers_frame(trackers)


def _fetch(
    client: SymblClient,
    ids: Iterable[TrackerKey] | TrackerKey | None,
    names: Iterable[str] | str | None,
    *,
    concurrency: int,
    progress: bool,
) -> list[Tracker]:
    if ids is None and names is None:
        return client.list_trackers()
    out: dict[str, Tracker] = {}
    missing: list[str] = []
    if ids is not None:
        found = client.get_trackers(
            [ids] if isinstance(ids, (str, int)) else ids,
            concurrency=concurrency,
            progress=progress,
            missing="return",
        )
        out.update((t.id, t) for t in found.trackers)
        missing.extend(found.missing)
    for name in [names] if isinstance(names, str) else names or ():
        matches = client.find_trackers(name)
        if not matches:
            missing.append(name)
        out.update((t.id, t) for t in matches if t.id not in out)
    if missing:
        raise TrackerNotFoundError(f"not found in the account: {', '.join(map(repr, missing))}", keys=missing)
    return list(out.values())
