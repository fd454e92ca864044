"""``fetch_trackers``: an account's trackers as the trackers frame, in one call.

>>> import trackerkit
>>> frame = trackerkit.fetch_trackers("sample", names=["Voice Message"])
>>> frame["name"].tolist()
['Voice Message']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from trackerkit.api._async import AsyncSymblClient
from trackerkit.api._sync import SymblClient
from trackerkit.errors import TrackerNotFoundError
from trackerkit.model import Tracker

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["fetch_trackers"]


def fetch_trackers(
    client: SymblClient | str | None = None,
    *,
    ids: Iterable[str | int] | str | int | None = None,
    names: Iterable[str] | str | None = None,
    concurrency: int = 8,
    progress: bool = True,
) -> pd.DataFrame:
    """Fetch trackers into the trackers frame (:func:`trackerkit.frames.trackers_frame`).

    ``client``: a :class:`SymblClient`, ``"sample"`` (the bundled account, through the
    emulator), or None to build one from the environment or ``symbl.conf`` (closed afterwards;
    :class:`trackerkit.CredentialsError` says how to provide credentials if there are none).

    With neither ``ids`` nor ``names`` the whole account is fetched. Otherwise the trackers
    with those ids (concurrently), then those with those names, without duplicates. Any id or
    name not found raises one :class:`trackerkit.TrackerNotFoundError` listing them all.
    """
    from trackerkit.frames import trackers_frame

    if isinstance(client, AsyncSymblClient):
        raise TypeError(
            "fetch_trackers is blocking; with an AsyncSymblClient use "
            "trackers_frame(await client.list_trackers()) instead"
        )
    owned = client is None or isinstance(client, str)
    if client is None:
        active = SymblClient()
    elif isinstance(client, str):
        if client != "sample":
            raise ValueError(f'client must be a SymblClient, "sample" or None, got {client!r}')
        from trackerkit.sample import sample_client

        active = sample_client()
    else:
        active = client
    try:
        trackers = _fetch(active, ids, names, concurrency=concurrency, progress=progress)
        source = "sample" if client == "sample" else active.base_url
    finally:
        if owned:
            active.close()
    return trackers_frame(trackers, source=source)


def _fetch(client: SymblClient, ids: Any, names: Any, *, concurrency: int, progress: bool) -> list[Tracker]:
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
