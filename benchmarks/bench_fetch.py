"""Fetch figures against the emulator over loopback HTTP (a script, not a test).

    python benchmarks/bench_fetch.py

1. 500 trackers fetched by id with 50 ms of added latency per request, 16 in flight
   (sync and async clients). Target: <= 2.5 s (sequential would take ~25 s).
2. List-all of 500 trackers x 50 phrases into the trackers frame, no added latency.
   Target: <= 150 ms. The phrase-normalisation cache is cleared before every run, so each
   run pays the full cost a first fetch pays.

Exits 1 if a target is missed.
"""

from __future__ import annotations

import statistics
import sys
import time

import anyio
import pandas  # noqa: F401  (imported up front: the first run should not pay for the import)

import trackerkit
from trackerkit.emulator import SymblEmulator
from trackerkit.frames import normalize_phrase

N_TRACKERS = 500
N_PHRASES = 50
LATENCY = 0.050
CONCURRENCY = 16
BY_ID_TARGET = 2.5
LIST_TARGET = 0.150

_WORDS = [
    *("account", "balance", "refund", "order", "delivery", "cancel", "upgrade", "discount", "invoice"),
    *("password", "login", "schedule", "meeting", "callback", "voicemail", "manager", "price"),
    *("contract", "renewal", "payment", "shipping"),
]


def synthetic_account(n: int = N_TRACKERS, phrases: int = N_PHRASES) -> list[dict]:
    """``n`` trackers of ``phrases`` distinct, varied phrases each (16-digit string ids)."""
    trackers = []
    for i in range(n):
        vocabulary = []
        for j in range(phrases):
            a, b, c = _WORDS[(i + j) % 20], _WORDS[(i * 7 + j * 3) % 20], _WORDS[(i * 3 + j * 11) % 20]
            vocabulary.append(f"Can I ask about my {a} {b}, please? ({c} #{i}-{j})")
        trackers.append(
            {"id": str(4476908732794496 + i), "name": f"Tracker {i:03d}", "vocabulary": vocabulary}
        )
    return trackers


def client_options(emulator: SymblEmulator, url: str) -> dict:
    return {"app_id": emulator.app_id, "app_secret": emulator.app_secret, "base_url": url}


def by_id_sync(emulator: SymblEmulator, url: str, ids: list[str]) -> float:
    with trackerkit.SymblClient(**client_options(emulator, url)) as client:
        client.list_trackers()  # token and connections first: measure the batch itself
        started = time.perf_counter()
        trackers = client.get_trackers(ids, concurrency=CONCURRENCY, progress=False)
        elapsed = time.perf_counter() - started
    assert [t.id for t in trackers] == ids
    return elapsed


def by_id_async(emulator: SymblEmulator, url: str, ids: list[str]) -> float:
    async def main() -> float:
        async with trackerkit.AsyncSymblClient(**client_options(emulator, url)) as client:
            await client.list_trackers()
            started = time.perf_counter()
            trackers = await client.get_trackers(ids, concurrency=CONCURRENCY, progress=False)
            elapsed = time.perf_counter() - started
        assert [t.id for t in trackers] == ids
        return elapsed

    return anyio.run(main)


def list_all_into_frame(emulator: SymblEmulator, url: str, runs: int = 7) -> list[float]:
    times = []
    with trackerkit.SymblClient(**client_options(emulator, url)) as client:
        client.find_trackers("Tracker 000")  # token and connection first
        for _ in range(runs):
            normalize_phrase.cache_clear()
            started = time.perf_counter()
            frame = trackerkit.fetch_trackers(client)
            times.append(time.perf_counter() - started)
    assert len(frame) == N_TRACKERS
    assert int(frame["n_phrases"].sum()) == N_TRACKERS * N_PHRASES
    return times


def main() -> int:
    account = synthetic_account()
    ids = [t["id"] for t in account]
    emulator = SymblEmulator(account)
    ok = True
    with emulator.serve() as url:
        print(f"emulator on {url}: {N_TRACKERS} trackers x {N_PHRASES} phrases")

        times = list_all_into_frame(emulator, url)
        best, median = min(times), statistics.median(times)
        ok &= median <= LIST_TARGET
        print(
            f"list-all into the trackers frame: median {median * 1000:.0f} ms, best {best * 1000:.0f} ms, "
            f"first {times[0] * 1000:.0f} ms over {len(times)} runs (target <= {LIST_TARGET * 1000:.0f} ms)"
        )

        emulator.latency = LATENCY
        for flavour, run in (("sync", by_id_sync), ("async", by_id_async)):
            emulator.reset_counters()
            elapsed = run(emulator, url, ids)
            ok &= elapsed <= BY_ID_TARGET
            sequential, ideal = N_TRACKERS * LATENCY, N_TRACKERS / CONCURRENCY * LATENCY
            print(
                f"get_trackers x{N_TRACKERS} by id, {LATENCY * 1000:.0f} ms latency, "
                f"concurrency {CONCURRENCY} ({flavour}): {elapsed:.2f} s (target <= {BY_ID_TARGET} s; "
                f"sequential ~{sequential:.0f} s; ideal {ideal:.2f} s); server saw "
                f"{emulator.count('/v1/manage/tracker/')} requests, max {emulator.max_in_flight} in flight"
            )
            ok &= emulator.max_in_flight <= CONCURRENCY
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
