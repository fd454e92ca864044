"""Test-session set-up for the whole repository.

nbval runs the notebooks in kernels that inherit this process's environment: drop any Symbl
credentials so the saved outputs (made without them) compare equal and no live account is used,
and any MPLBACKEND (the unit tests draw with Agg) so figures display inline as when saved."""

import os
import sys

import pytest

for _name in ("SYMBL_ACCESS_TOKEN", "SYMBL_APP_ID", "SYMBL_APP_SECRET"):
    os.environ.pop(_name, None)
os.environ.pop("MPLBACKEND", None)


@pytest.fixture(autouse=True)
def _close_pyplot_figures():
    """Figures a test or doctest opened through pyplot are closed after it: pyplot keeps them
    (and warns past 20), and the next test must not draw on them."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
