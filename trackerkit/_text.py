"""Text that came from a tracker or a server, made safe to show where text executes.

A terminal obeys escape sequences (ESC, BEL, the C1 controls such as U+009B) and reorders text
around bidirectional overrides (U+202E...); a spreadsheet runs a CSV cell that starts with
``=``, ``+``, ``-`` or ``@`` as a formula. These helpers neutralise both.

    >>> printable("Evil\\x1b[2J\\u202e")
    'Evil\\\\u001b[2J\\\\u202e'
    >>> formula_safe("=HYPERLINK(\\"http://x\\")"), formula_safe("-1"), formula_safe("ok")
    ('\\'=HYPERLINK("http://x")', "'-1", 'ok')
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from trackerkit._validation import check_count

F = TypeVar("F", bound=Callable[..., Any])
# OWASP's CSV injection rule: a cell starting with one of these is a formula to a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """``text`` with every character that is not printable (controls, bidi overrides, line
    separators, lone surrogates...) but a space written as a ``\\uXXXX`` escape."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def formula_safe(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would run it as a formula (OWASP)."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def json_printable(document: str) -> str:
    """A JSON document with every non-printable character inside its strings written as a JSON
    ``\\uXXXX`` escape (a surrogate pair beyond U+FFFF): the same data to a parser, nothing for
    a terminal to obey. ``json.dumps`` escapes only U+0000-U+001F by itself."""
    lines = document.split("\n")  # a JSON document's newlines are layout, never inside strings
    for k, line in enumerate(lines):
        if not line.isprintable():
            lines[k] = "".join(c if c.isprintable() or c == " " else _json_escape(c) for c in line)
    return "\n".join(lines)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def escaped_warnings(function: F) -> F:
    """Decorate ``function`` so the warnings it raises reach the user with their text escaped.

    Matplotlib warns ``Glyph 27 (\\x1b) missing from font(s)`` with the tracker name's raw
    character in the message, and a terminal would obey it. The warnings are caught as the
    filters in force let them through (``"error"`` still raises, ``"ignore"`` still drops) and
    shown once ``function`` returns or fails, with :func:`printable` text.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        caught: list[warnings.WarningMessage] = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                return function(*args, **kwargs)
        finally:  # outside the recording context: shown the way the caller's setup shows warnings
            for record in caught:
                message = record.message
                text = str(message)
                if not text.isprintable():
                    try:
                        message = record.category(printable(text))
                    except Exception:  # a category with an unusual constructor
                        message = UserWarning(printable(text))
                warnings.showwarning(message, record.category, record.filename, record.lineno, record.file)

    return wrapper  # type: ignore[return-value]


#: Average width of a DejaVu Sans glyph (matplotlib's default font), in em.
CHAR_WIDTH_EM = 0.58


def truncate_label(text: Any, max_chars: int = 30) -> str:
    """``text`` on one line, cut to at most ``max_chars`` characters, ending with an ellipsis
    when cut.

    >>> truncate_label("Technical Issue / Bug Report", 16)
    'Technical Issue…'
    >>> truncate_label("Greeting", 16)
    'Greeting'
    """
    check_count("max_label_chars", max_chars, minimum=2)
    text = " ".join(str(text).split())
    if len(text) <= max_chars:
        return text
    return text[: max_chars - 1].rstrip() + "…"


def text_width_in(text: str, fontsize: float) -> float:
    """Rough width of ``text`` in inches at ``fontsize`` points (for layout; no renderer needed)."""
    return len(text) * CHAR_WIDTH_EM * fontsize / 72.0
