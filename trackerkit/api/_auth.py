"""Credentials: where they come from, and the access token they are exchanged for.

A client needs either a ready access token or an app id + secret, which it exchanges at
``POST /oauth2/token:generate``. They are looked up, first complete source wins, in:

1. the arguments (``token=``, or ``app_id=`` + ``app_secret=``);
2. the environment: ``SYMBL_ACCESS_TOKEN``, or ``SYMBL_APP_ID`` + ``SYMBL_APP_SECRET``;
3. a ``symbl.conf`` INI file (``[credentials]`` ``app_id``, ``app_secret``) in the working
   directory, then in the home directory, as Symbl's own SDKs read it.

Nothing here ever shows a token or a secret: reprs mask them and messages name sources only.

    >>> creds = find_credentials(app_id="my-app", app_secret="s3cr3t-value", environ={})
    >>> creds
    Credentials(app_id='my-app', app_secret=***, source='arguments')
    >>> "s3cr3t" in repr(creds)
    False
"""

from __future__ import annotations

import configparser
import logging
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx

from trackerkit.errors import AuthenticationError, CredentialsError, ResponseFormatError

__all__ = ["Credentials", "TokenCache", "find_credentials"]

logger = logging.getLogger("trackerkit.api")

ENV_TOKEN = "SYMBL_ACCESS_TOKEN"
ENV_APP_ID = "SYMBL_APP_ID"
ENV_APP_SECRET = "SYMBL_APP_SECRET"
CONFIG_NAME = "symbl.conf"

HOW_TO = (
    "give token=..., or app_id=... and app_secret=...; or set SYMBL_ACCESS_TOKEN, or "
    "SYMBL_APP_ID and SYMBL_APP_SECRET; or write a symbl.conf with [credentials] app_id = ... "
    "and app_secret = ... in the working or home directory. Without an account, use the "
    'bundled sample: trackerkit.load_trackers("sample")'
)


class Credentials:
    """A ready token and/or an app id + secret, and where they were found (never shown)."""

    __slots__ = ("_app_secret", "_token", "app_id", "source")

    def __init__(
        self,
        *,
        token: str | None = None,
        app_id: str | None = None,
        app_secret: str | None = None,
        source: str = "arguments",
    ) -> None:
        if not token and not (app_id and app_secret):
            raise CredentialsError(f"no credentials in {source}: {HOW_TO}")
        self._token = token or None
        self.app_id = app_id or None
        self._app_secret = app_secret or None
        self.source = source

    @property
    def token(self) -> str | None:
        return self._token

    @property
    def app_secret(self) -> str | None:
        return self._app_secret

    @property
    def can_exchange(self) -> bool:
        """Whether a new token can be generated (an app id and secret are known)."""
        return bool(self.app_id and self._app_secret)

    def __repr__(self) -> str:
        parts = []
        if self._token:
            parts.append("token=***")
        if self.app_id:
            parts.append(f"app_id={self.app_id!r}, app_secret=***")
        return f"Credentials({', '.join(parts)}, source={self.source!r})"

    def __reduce__(self):
        # Pickles, copies and snapshots must not carry secrets by accident.
        raise TypeError("Credentials cannot be pickled")


def find_credentials(
    token: str | None = None,
    app_id: str | None = None,
    app_secret: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    search_dirs: list[Path] | None = None,
) -> Credentials:
    """The first complete set of credentials, from arguments, environment or ``symbl.conf``.

    A source that is half filled in (an app id without its secret) is an error rather than
    silently skipped, so a typo does not quietly pick up other credentials.
    """
    if token or app_id or app_secret:
        _require_pair(app_id, app_secret, "the arguments", "app_id", "app_secret", allow_alone=bool(token))
        return Credentials(token=token, app_id=app_id, app_secret=app_secret, source="arguments")
    env = os.environ if environ is None else environ
    if env.get(ENV_TOKEN):
        return Credentials(
            token=env[ENV_TOKEN], app_id=env.get(ENV_APP_ID), app_secret=env.get(ENV_APP_SECRET), source="env"
        )
    if env.get(ENV_APP_ID) or env.get(ENV_APP_SECRET):
        _require_pair(
            env.get(ENV_APP_ID), env.get(ENV_APP_SECRET), "the environment", ENV_APP_ID, ENV_APP_SECRET
        )
        return Credentials(app_id=env[ENV_APP_ID], app_secret=env[ENV_APP_SECRET], source="env")
    dirs = search_dirs if search_dirs is not None else [Path.cwd(), Path.home()]
    for directory in dirs:
        path = Path(directory) / CONFIG_NAME
        if path.is_file():
            return _read_config(path)
    raise CredentialsError(f"no Symbl credentials found: {HOW_TO}")


def _require_pair(
    app_id: str | None, secret: str | None, where: str, id_name: str, secret_name: str, allow_alone=False
) -> None:
    if allow_alone and not app_id and not secret:
        return
    if not app_id or not secret:
        missing = id_name if not app_id else secret_name
        raise CredentialsError(f"{where} give only half of the app credentials: {missing} is missing")


def _read_config(path: Path) -> Credentials:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as exc:
        # configparser quotes offending lines, which may hold the secret: keep only the kind.
        raise CredentialsError(f"{path} is not a valid INI file ({type(exc).__name__})") from None
    if not parser.has_section("credentials"):
        raise CredentialsError(f"{path} has no [credentials] section: {HOW_TO}")
    section = parser["credentials"]
    app_id, secret = section.get("app_id", "").strip(), section.get("app_secret", "").strip()
    _require_pair(app_id, secret, str(path), "app_id", "app_secret")
    return Credentials(app_id=app_id, app_secret=secret, source=str(path))


class TokenCache:
    """The current access token and when to stop using it (the I/O is the client's).

    A generated token is reused until shortly before ``expiresIn`` ends: 10% of its life
    early, at most a minute.

        >>> cache = TokenCache(Credentials(token="t0k3n-abc"))
        >>> cache.current()
        't0k3n-abc'
    """

    def __init__(self, credentials: Credentials, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.credentials = credentials
        self._clock = clock
        self._token: str | None = credentials.token
        self._expires_at: float | None = None  # None: unknown (a given token), trust it until a 401
        self._issued: list[str] = []  # every token generated, so even a rejected one is redacted
        self.generated = 0

    def current(self) -> str | None:
        """A token still believed valid, or None when one must be generated."""
        if self._token is None:
            return None
        if self._expires_at is not None and self._clock() >= self._expires_at:
            logger.debug("access token is about to expire; a new one will be generated")
            self._token = None
        return self._token

    def invalidate(self, rejected: str) -> bool:
        """Forget ``rejected`` after a 401; True if a fresh token can be generated.

        Only the token that failed is dropped, so concurrent requests that all got a 401
        trigger one exchange, not one each.
        """
        if self._token == rejected:
            self._token = None
        return self.credentials.can_exchange

    def exchange_request(self, endpoint) -> httpx.Request:
        creds = self.credentials
        if not creds.can_exchange:
            raise AuthenticationError(
                f"the access token (from {creds.source}) was rejected and no app id/secret is known "
                f"to generate a new one: {HOW_TO}"
            )
        return endpoint.token_request(creds.app_id, creds.app_secret)

    def accept(self, response: httpx.Response, endpoint) -> str:
        """Store the token from an exchange response, or raise the documented error."""
        secrets = self.secrets()
        if response.status_code >= 400:
            exc = endpoint.status_error(response, secrets)
            if response.status_code in (400, 401, 403):
                raise AuthenticationError(
                    f"{exc} (check the app id and secret from {self.credentials.source})",
                    status=exc.status,
                    server_message=exc.server_message,
                    method=exc.method,
                    url=exc.url,
                )
            raise exc
        data = endpoint.read_json(response, secrets)
        token = data.get("accessToken") if isinstance(data, dict) else None
        expires_in = data.get("expiresIn") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            keys = sorted(data)[:8] if isinstance(data, dict) else type(data).__name__
            raise ResponseFormatError(f"POST {response.request.url}: no accessToken in the answer ({keys})")
        self._token = token
        self._issued = [*self._issued[-7:], token]
        self.generated += 1
        if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool) and expires_in > 0:
            margin = min(60.0, expires_in * 0.1)
            self._expires_at = self._clock() + expires_in - margin
        else:
            self._expires_at = None
        logger.info("generated an access token (expires in %s s)", expires_in)
        return token

    def secrets(self) -> list[str | None]:
        """Everything that must never be shown, for redaction."""
        return [self.credentials.token, self.credentials.app_secret, *self._issued]

    def __repr__(self) -> str:
        return f"TokenCache({self.credentials!r}, generated={self.generated})"
