"""Test-session set-up for the whole repository.

nbval runs the notebooks in kernels that inherit this process's environment: drop any Symbl
credentials so the saved outputs (made without them) compare equal and no live account is used,
and any MPLBACKEND (the unit tests draw with Agg) so figures display inline as when saved."""

import os

for _name in ("SYMBL_ACCESS_TOKEN", "SYMBL_APP_ID", "SYMBL_APP_SECRET"):
    os.environ.pop(_name, None)
os.environ.pop("MPLBACKEND", None)
