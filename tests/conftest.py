"""Shared fixtures: a synthetic account, the API emulator (in process and on loopback), and a
way to run one client call in either flavour (sync or async)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import matplotlib
import pytest

# Tests draw off screen, whatever MPLBACKEND says (notebook kernels keep their inline backend).
matplotlib.use("Agg")


def synthetic_account(n: int = 30, phrases: int = 5) -> list[dict[str, Any]]:
    """``n`` API-shaped trackers with 16-digit ids and ``phrases`` phrases each."""
    return [
        {
            "id": str(4_000_000_000_000_000 + i),
            "name": f"Tracker {i:03d}",
            "vocabulary": [f"phrase {j} of tracker {i}" for j in range(phrases)],
        }
        for i in range(n)
    ]


@pytest.fixture
def account() -> list[dict[str, Any]]:
    return synthetic_account()


@pytest.fixture
def emulator(account):
    from trackerkit.emulator import SymblEmulator

    return SymblEmulator(account)


@pytest.fixture
def emulator_url(emulator) -> Iterator[str]:
    """The emulator fixture served on 127.0.0.1; yields its base URL."""
    with emulator.serve() as url:
        yield url


@pytest.fixture(params=["sync", "async"])
def flavour(request) -> str:
    return request.param


@pytest.fixture
def api_call(flavour) -> Callable[..., Any]:
    """``api_call(client_options, "method", *args, **kwargs)`` with a fresh client of the
    parametrised flavour, closed afterwards."""
    import anyio

    from trackerkit.api import AsyncSymblClient, SymblClient

    def call(options: dict[str, Any], method: str, *args: Any, **kwargs: Any) -> Any:
        if flavour == "sync":
            with SymblClient(**options) as client:
                return getattr(client, method)(*args, **kwargs)

        async def main() -> Any:
            async with AsyncSymblClient(**options) as client:
                return await getattr(client, method)(*args, **kwargs)

        return anyio.run(main)

    return call


@pytest.fixture(autouse=True, scope="session")
def _cache_outside_home(tmp_path_factory) -> Iterator[None]:
    """No test writes into the user's cache folder: TRACKERKIT_CACHE_DIR points to a temporary one."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRACKERKIT_CACHE_DIR", str(tmp_path_factory.mktemp("trackerkit-cache")))
        yield
