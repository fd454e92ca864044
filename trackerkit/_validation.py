"""Parameter checks, in one place: each returns the clean value or raises
:class:`trackerkit.InvalidParameterError` naming the parameter, what it accepts and what it got.

Modelled on scikit-learn's ``utils/_param_validation.py``, much smaller: plain functions called
at the top of each public function, before any work is done.

    >>> check_fraction("threshold", 0.25)
    0.25
    >>> check_count("k", 0)
    Traceback (most recent call last):
    ...
    trackerkit.errors.InvalidParameterError: k must be an integer >= 1; got 0
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from numbers import Integral, Real
from typing import Any, TypeVar

from trackerkit.errors import InvalidParameterError

__all__ = [
    "check_axes",
    "check_bool",
    "check_choice",
    "check_colormap",
    "check_count",
    "check_fraction",
    "check_matrix",
    "check_ngram_range",
    "check_number",
    "check_strings",
    "check_subset",
]

T = TypeVar("T")


def check_choice(name: str, value: Any, allowed: Sequence[T]) -> T:
    """``value`` if it is one of ``allowed``."""
    if isinstance(value, (str, int, float, tuple, type(None))) and value in allowed:
        return value  # type: ignore[return-value]
    choices = ", ".join(repr(a) for a in allowed)
    raise InvalidParameterError(f"{name} must be one of {choices}; got {value!r}", parameter=name)


def check_subset(name: str, value: Any, allowed: Sequence[str], *, item: str = "value") -> tuple[str, ...]:
    """``value`` (one string, or an iterable of them) as a tuple of ``allowed`` names, in
    ``allowed``'s order, each once; an unknown name raises, listing the known ones.

        >>> check_subset("rules", ["b", "a", "b"], ("a", "b", "c"), item="rule")
        ('a', 'b')
    """
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, Iterable) or isinstance(values, Mapping):
        raise InvalidParameterError(
            f"{name} must be a {item} name or an iterable of them; got {value!r}", parameter=name
        )
    values = list(values)
    unknown = sorted({repr(v) for v in values if not isinstance(v, str) or v not in allowed})
    if unknown:
        known = ", ".join(repr(a) for a in allowed)
        raise InvalidParameterError(
            f"unknown {item}(s) {', '.join(unknown)}; {name} must be among {known}", parameter=name
        )
    wanted = set(values)
    return tuple(a for a in allowed if a in wanted)


def check_bool(name: str, value: Any) -> bool:
    """``value`` if it is True or False (not merely truthy)."""
    if not isinstance(value, bool):
        raise InvalidParameterError(f"{name} must be True or False; got {value!r}", parameter=name)
    return value


def check_number(
    name: str,
    value: Any,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    allow_none: bool = False,
) -> float | None:
    """A finite real number within ``[minimum, maximum]`` (bounds optional), as a float."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        extra = " or None" if allow_none else ""
        raise InvalidParameterError(f"{name} must be a finite number{extra}; got {value!r}", parameter=name)
    value = float(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        low = "-inf" if minimum is None else f"{minimum:g}"
        high = "inf" if maximum is None else f"{maximum:g}"
        raise InvalidParameterError(f"{name} must be in [{low}, {high}]; got {value!r}", parameter=name)
    return value


def check_fraction(name: str, value: Any, *, allow_zero: bool = False) -> float:
    """A number in (0, 1], or in [0, 1] with ``allow_zero``: a threshold on a score."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise InvalidParameterError(f"{name} must be a number between 0 and 1; got {value!r}", parameter=name)
    value = float(value)
    low_ok = value >= 0 if allow_zero else value > 0
    if not (low_ok and value <= 1):
        interval = "[0, 1]" if allow_zero else "(0, 1]"
        raise InvalidParameterError(f"{name} must be in {interval}; got {value!r}", parameter=name)
    return value


def check_count(name: str, value: Any, *, minimum: int = 1, allow_none: bool = False) -> int | None:
    """An integer >= ``minimum`` (or None with ``allow_none``): how many of something."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        extra = " or None" if allow_none else ""
        raise InvalidParameterError(
            f"{name} must be an integer >= {minimum}{extra}; got {value!r}", parameter=name
        )
    return int(value)


def check_ngram_range(name: str, value: Any, *, allow_none: bool = True) -> tuple[int, int] | None:
    """``(min_n, max_n)`` with ``1 <= min_n <= max_n``."""
    if value is None and allow_none:
        return None
    if (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, Integral) and not isinstance(v, bool) for v in value)
        and 1 <= value[0] <= value[1]
    ):
        return int(value[0]), int(value[1])
    raise InvalidParameterError(
        f"{name} must be a pair (min_n, max_n) of integers with 1 <= min_n <= max_n; got {value!r}",
        parameter=name,
    )


def check_axes(value: Any, name: str = "ax") -> Any:
    """A matplotlib ``Axes`` (or None, passed through)."""
    if value is None:
        return None
    from matplotlib.axes import Axes  # lazy: heavy (only plots call this: matplotlib is loaded)

    if not isinstance(value, Axes):
        raise InvalidParameterError(
            f"{name} must be a matplotlib Axes or None; got {type(value).__name__}", parameter=name
        )
    return value


def check_colormap(value: Any, name: str = "cmap") -> Any:
    """A matplotlib ``Colormap``, given as one or by its registered name."""
    import matplotlib as mpl  # lazy: heavy (only plots call this: matplotlib is loaded)

    if isinstance(value, mpl.colors.Colormap):
        return value
    try:
        return mpl.colormaps[value]
    except (KeyError, TypeError):
        raise InvalidParameterError(
            f"{name} must be a matplotlib colormap or its name; got {value!r}", parameter=name
        ) from None


def check_matrix(
    name: str, value: Any, *, unit_range: bool = False, min_size: int = 1
) -> tuple[Any, list[str]]:
    """``(values, labels)`` of a square DataFrame labelled alike on both axes, holding finite
    numbers (in [0, 1] with ``unit_range``); columns in another order than the rows are put in
    the rows' order. ``values`` is a float ndarray (a copy), ``labels`` the row labels as str.
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    def fail(message: str) -> InvalidParameterError:
        return InvalidParameterError(f"{name} {message}", parameter=name)

    if not isinstance(value, pd.DataFrame):
        raise fail(
            "must be a square DataFrame labelled by tracker name (or a TrackerMatrix), such as "
            f"trackerkit.similarity_matrix(trackers) returns; got {type(value).__name__}"
        )
    n_rows, n_cols = value.shape
    if n_rows != n_cols:
        raise fail(
            f"must be square (one row and one column per tracker); got {n_rows} rows x {n_cols} columns"
        )
    if n_rows < min_size:
        raise fail(f"needs at least {min_size} tracker{'s' if min_size != 1 else ''}, got {n_rows}")
    if n_rows and isinstance(value.index, pd.RangeIndex) and isinstance(value.columns, pd.RangeIndex):
        raise fail(
            "is unlabelled: its index and columns must be the tracker names, as "
            "trackerkit.similarity_matrix returns"
        )
    if value.index.has_duplicates or value.columns.has_duplicates:
        raise fail("has duplicate row or column labels")
    if not value.index.equals(value.columns):
        if set(value.index) != set(value.columns):
            extra = sorted(map(str, set(value.index) ^ set(value.columns)))[:5]
            raise fail(
                "must have the same labels on rows and columns; these are on only one side: "
                + ", ".join(map(repr, extra))
            )
        value = value.loc[:, list(value.index)]
    try:
        values = value.to_numpy(dtype=float, copy=True)
    except (TypeError, ValueError):
        raise fail("must hold numbers only") from None
    if not np.isfinite(values).all():
        raise fail("holds NaN or infinite values")
    if unit_range and values.size and (values.min() < -1e-9 or values.max() > 1 + 1e-9):
        raise fail(f"must hold similarities in [0, 1]; got values from {values.min():g} to {values.max():g}")
    return values, [str(label) for label in value.index]


def check_strings(name: str, value: Any) -> list[str]:
    """A collection of strings (a list, tuple, pandas Series...; not one string), as a list."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise InvalidParameterError(
            f"{name} must be a list of strings; got {type(value).__name__}"
            + (" (wrap one text in a list)" if isinstance(value, str) else ""),
            parameter=name,
        )
    texts = list(value)
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise InvalidParameterError(
                f"{name}[{position}] must be a string; got {type(text).__name__} {text!r:.60}", parameter=name
            )
    return texts
