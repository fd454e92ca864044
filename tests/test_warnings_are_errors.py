"""pyproject.toml makes a FutureWarning or DeprecationWarning raised from trackerkit fail the
suite: tomorrow's pandas or numpy turns today's warning into a change of behaviour."""

from __future__ import annotations

import warnings

import pytest


@pytest.mark.parametrize("category", [FutureWarning, DeprecationWarning])
@pytest.mark.parametrize("module", ["trackerkit.analysis._audit", "trackerkit"])
def test_a_warning_attributed_to_trackerkit_is_an_error(category, module):
    with pytest.raises(category, match="will change"):
        warnings.warn_explicit("this will change", category, "audit.py", 1, module=module, registry={})


def test_a_warning_of_another_package_stays_a_warning():
    with pytest.warns(FutureWarning, match="will change"):
        warnings.warn_explicit(
            "this will change", FutureWarning, "x.py", 1, module="pandas.core", registry={}
        )
