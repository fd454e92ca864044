"""What keeps trackerkit working at the lowest versions ``pyproject.toml`` declares (CI runs the
whole suite there too): each fallback, forced here on whatever versions are installed, gives what
the newer library gives."""

from __future__ import annotations

import random

import anyio
import httpx
import numpy as np
import pytest

from trackerkit import AsyncSymblClient, SymblClient
from trackerkit.analysis import _pair_search


def test_popcount_without_numpy_2_counts_every_bit():
    rng = random.Random(11)
    words = [0, 1, 2**63, 2**64 - 1, 0x0123456789ABCDEF] + [rng.getrandbits(64) for _ in range(2000)]
    array = np.array(words, dtype=np.uint64)
    expected = [bin(w).count("1") for w in words]
    assert _pair_search.popcount_swar(array).tolist() == expected
    assert _pair_search.popcount(array).tolist() == expected


def test_edit_distances_without_rapidfuzz_cpdist(monkeypatch):
    from rapidfuzz import process

    rng = random.Random(5)
    strings = ["".join(rng.choice("abcde ") for _ in range(rng.randint(0, 12))) for _ in range(300)]
    i = np.array([rng.randrange(300) for _ in range(2000)])
    j = np.array([rng.randrange(300) for _ in range(2000)])
    for cutoff in (None, 0, 2):
        expected = _pair_search.osa_distances(strings, i, j, cutoff=cutoff)
        with monkeypatch.context() as patch:
            patch.delattr(process, "cpdist", raising=False)  # as in rapidfuzz < 3.8
            fallback = _pair_search.osa_distances(strings, i, j, cutoff=cutoff)
        assert fallback.dtype == np.int64
        assert fallback.tolist() == expected.tolist()
        assert len(set(expected.tolist())) > 1  # the pairs are not all alike


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_every_request_carries_the_clients_timeout(flavour):
    """httpx < 0.28 sends a request built outside the client without any timeout."""
    seen: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions.get("timeout"))
        return httpx.Response(200, json={"trackers": []})

    options = {"token": "t" * 12, "timeout": 0.7, "transport": httpx.MockTransport(handler)}
    if flavour == "sync":
        with SymblClient(**options) as client:
            client.list_trackers()
    else:

        async def main() -> None:
            async with AsyncSymblClient(**options) as client:
                await client.list_trackers()

        anyio.run(main)
    assert seen == [{"connect": 0.7, "read": 0.7, "write": 0.7, "pool": 0.7}]
