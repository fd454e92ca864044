"""Redaction: the one function that removes tokens and secrets from any text we show.

A secret can reach a message in many spellings: as is, quoted by ``repr`` (of a str or of
bytes, as httpx and h11 render headers), escaped for JSON, percent-encoded (a server echoing a
URL or a form), or base64-encoded (``appId:appSecret`` in a Basic header, or the secret inside
a longer base64 string). :func:`redact` replaces all of them by ``***``; exception messages,
``server_message`` and log lines all go through it, and anything cut short for display is
redacted *before* it is cut, so a secret is never shown in part.

    >>> redact("Authorization: b'Bearer s3cr3t/t0ken+1'", ["s3cr3t/t0ken+1"])
    "Authorization: b'Bearer ***'"
    >>> redact("token=s3cr3t%2Ft0ken%2B1", ["s3cr3t/t0ken+1"])
    'token=***'
    >>> import base64
    >>> basic = base64.b64encode(b"my-app:s3cr3t/t0ken+1").decode()
    >>> redact(f"Basic {basic}", ["s3cr3t/t0ken+1", "my-app:s3cr3t/t0ken+1"])
    'Basic ***'
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Iterable

__all__ = ["MIN_SECRET_LENGTH", "redact"]

#: Shorter values are not redacted: replacing every "t" of a message would hide everything
#: else, and a credential that short protects nothing anyway.
MIN_SECRET_LENGTH = 4
_MIN_BASE64_CORE = 8  # a base64 fragment shorter than this would match unrelated text
_MASK = "***"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every rendering of every secret in ``secrets`` replaced by ``***``."""
    usable = tuple(sorted({s for s in secrets if isinstance(s, str) and len(s) >= MIN_SECRET_LENGTH}))
    if not usable or not text:
        return text
    return _pattern(usable).sub(_MASK, text)


@functools.lru_cache(maxsize=64)
def _pattern(secrets: tuple[str, ...]) -> re.Pattern[str]:
    alternatives: set[str] = set()
    for secret in secrets:
        alternatives.update(re.escape(form) for form in _literal_forms(secret))
        alternatives.add(_percent_encoded(secret))
        alternatives.update(re.escape(core) for core in _base64_cores(secret))
    # Longest first, so a rendering that contains another is replaced whole.
    return re.compile("|".join(sorted(alternatives, key=len, reverse=True)))


def _literal_forms(secret: str) -> set[str]:
    raw = secret.encode("utf-8", "backslashreplace")
    escaped = secret.replace("\\", "\\\\")
    forms = {
        secret,
        # Quoted by repr (of the secret or of a longer str or bytes holding it, as httpx and
        # h11 show header values: b'Bearer ...') or by JSON: backslashes doubled, a quote
        # escaped depending on the quotes around it.
        escaped,
        escaped.replace("'", "\\'"),
        escaped.replace('"', '\\"'),
        repr(secret)[1:-1],
        repr(raw)[2:-1],
        json.dumps(secret)[1:-1],
        # Base64 of the whole value (e.g. ``appId:appSecret`` in a Basic header), padded or not.
        *(_b64(raw, urlsafe, padded) for urlsafe in (False, True) for padded in (True, False)),
    }
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


def _b64(raw: bytes, urlsafe: bool, padded: bool) -> str:
    text = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(raw).decode("ascii")
    return text if padded else text.rstrip("=")


def _percent_encoded(secret: str) -> str:
    """A regex for the secret with any of its characters percent-encoded (any hex case)."""
    parts = []
    for char in secret:
        encodings = ["%" + _hex_either_case(byte) for byte in char.encode("utf-8", "backslashreplace")]
        plain = re.escape(char) if char != " " else "(?: |\\+)"
        parts.append(f"(?:{plain}|{''.join(encodings)})")
    return "".join(parts)


def _hex_either_case(byte: int) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in f"{byte:02x}")


def _base64_cores(secret: str) -> set[str]:
    """The base64 characters that depend on the secret alone, at each of the three alignments
    the secret can have inside a longer base64 text (standard and URL-safe alphabets)."""
    raw = secret.encode("utf-8", "backslashreplace")
    cores: set[str] = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode("ascii")
        # Character i covers bits [6i, 6i + 6); keep those inside the secret's bits.
        first = -(-8 * offset // 6)
        last = (8 * (offset + len(raw))) // 6
        core = encoded[first:last]
        if len(core) >= _MIN_BASE64_CORE:
            cores.add(core)
            cores.add(core.replace("+", "-").replace("/", "_"))
    return cores
