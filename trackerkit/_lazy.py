"""One helper for the lazy public names of a package (PEP 562 module ``__getattr__``).

A package lists ``public name -> defining module`` and gets back the ``__getattr__`` and
``__dir__`` it assigns at module level; a name's module is imported on first access only, so
``import trackerkit`` stays cheap while ``trackerkit.similarity_matrix`` still works.

    >>> getattr_, dir_ = attach("trackerkit", {"normalize_phrase": "trackerkit.frames"}, {})
    >>> getattr_("normalize_phrase")("  Hi! ")
    'hi'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from importlib import import_module
from typing import Any

__all__ = ["attach"]


def attach(
    package: str, lazy: Mapping[str, str], namespace: MutableMapping[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package`` whose public names ``lazy`` maps to modules.

    Parameters
    ----------
    package : str
        The package's dotted name, for error messages.
    lazy : mapping of str to str
        Public name -> the module that defines it.
    namespace : mutable mapping
        The package's ``globals()``: a resolved name is cached there, so later lookups never
        reach ``__getattr__`` again.

    Returns
    -------
    tuple of callables
        The module-level ``__getattr__`` and ``__dir__``.
    """

    def __getattr__(name: str) -> Any:
        module = lazy.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(lazy))

    return __getattr__, __dir__
