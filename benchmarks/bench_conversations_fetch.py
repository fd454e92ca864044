"""Conversation fetch figures against the emulator over loopback HTTP (a script, not a test).

    python benchmarks/bench_conversations_fetch.py

1. The 120 sample conversations listed, then their messages and tracker results fetched
   (``get_conversations(listing, tracker_results=True)``: 240 requests) with 50 ms of added
   latency per request, 16 conversations in flight, sync and async clients.
   Target: <= 2.5 s (one at a time would take ~12 s).
2. ``load_conversations(client)`` + ``load_tracker_results(client)`` of the whole sample with
   no added latency, against ``load_conversations("sample")`` + ``load_tracker_results("sample")``
   from the package data (what the HTTP round trips cost on top).

Exits 1 if a target is missed.
"""

from __future__ import annotations

import statistics
import sys
import time

import anyio
import pandas  # noqa: F401  (imported up front: the first run should not pay for the import)

import trackerkit as tk
from trackerkit.emulator import SymblEmulator

LATENCY = 0.050
CONCURRENCY = 16
TARGET = 2.5
WINDOW = {"start_time": "2026-05-01", "end_time": "2026-09-01"}


def options(emulator: SymblEmulator, url: str) -> dict:
    return {"app_id": emulator.app_id, "app_secret": emulator.app_secret, "base_url": url}


def fetch_sync(emulator: SymblEmulator, url: str) -> float:
    with tk.SymblClient(**options(emulator, url)) as client:
        started = time.perf_counter()
        listing = client.list_conversations(**WINDOW)
        fetched = client.get_conversations(
            listing, tracker_results=True, concurrency=CONCURRENCY, progress=False
        )
        elapsed = time.perf_counter() - started
    assert len(fetched.conversations) == 120, fetched
    assert len(fetched.hits) == 893, fetched
    return elapsed


def fetch_async(emulator: SymblEmulator, url: str) -> float:
    async def main() -> float:
        async with tk.AsyncSymblClient(**options(emulator, url)) as client:
            started = time.perf_counter()
            listing = await client.list_conversations(**WINDOW)
            fetched = await client.get_conversations(
                listing, tracker_results=True, concurrency=CONCURRENCY, progress=False
            )
            elapsed = time.perf_counter() - started
        assert len(fetched.conversations) == 120, fetched
        assert len(fetched.hits) == 893, fetched
        return elapsed

    return anyio.run(main)


def frames_through_client(emulator: SymblEmulator, url: str) -> float:
    with tk.SymblClient(**options(emulator, url)) as client:
        started = time.perf_counter()
        tk.load_conversations(client, progress=False, **WINDOW)
        tk.load_tracker_results(client, progress=False, **WINDOW)
        return time.perf_counter() - started


def frames_from_package() -> float:
    started = time.perf_counter()
    tk.load_conversations("sample")
    tk.load_tracker_results("sample")
    return time.perf_counter() - started


def main() -> int:
    emulator = SymblEmulator(conversations="sample")
    failed = False
    with emulator.serve() as url:
        emulator.latency = LATENCY
        for name, run in (("sync", fetch_sync), ("async", fetch_async)):
            times = [run(emulator, url) for _ in range(3)]
            best = min(times)
            ok = best <= TARGET
            failed |= not ok
            print(
                f"120 conversations (messages + results, 241 requests), {LATENCY * 1000:.0f} ms latency, "
                f"{CONCURRENCY} in flight, {name}: best {best:.2f} s, "
                f"median {statistics.median(times):.2f} s "
                f"(target <= {TARGET} s: {'ok' if ok else 'MISSED'}); max in flight {emulator.max_in_flight}"
            )
        emulator.latency = 0.0
        client_times = [frames_through_client(emulator, url) for _ in range(3)]
    package_times = [frames_from_package() for _ in range(3)]
    print(
        "messages + hits frames of the sample through the client (no latency): "
        f"best {min(client_times):.2f} s; "
        f"from the package data: best {min(package_times):.2f} s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
