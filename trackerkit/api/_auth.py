"""Credentials: where they come from, and the access token they are exchanged for.

A client needs either a ready access token or an app id + secret, which it exchanges at
``POST /oauth2/token:generate``. They are looked up, first complete source wins, in:

1. the arguments (``token=``, or ``app_id=`` + ``app_secret=``);
2. the environment: ``SYMBL_ACCESS_TOKEN``, or ``SYMBL_APP_ID`` + ``SYMBL_APP_SECRET``;
3. a ``symbl.conf`` INI file (``[credentials]`` ``app_id``, ``app_secret``) in the working
   directory, then in the home directory, as Symbl's own SDKs read it.

Values are cleaned where they enter: surrounding whitespace (the newline a file or a shell
leaves) is stripped, and a value with control characters, whitespace inside or non-ASCII
characters is a :class:`CredentialsError`; it could not travel in an HTTP header anyway.

Nothing here ever shows a token or a secret: reprs mask them and messages name sources only.

    >>> creds = find_credentials(app_id="my-app", app_secret="s3cr3t-value", environ={})
    >>> creds
    Credentials(app_id='my-app', app_secret=***, source='arguments')
    >>> "s3cr3t" in repr(creds)
    False
    >>> find_credentials(token="t0k3n-from-a-file\\n", environ={}).token
    't0k3n-from-a-file'
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
_MAX_TOKEN_LIFETIME = 10 * 365 * 86400  # seconds; a longer expiresIn is not believed

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
        token = clean_credential(token, "token", source)
        app_id = clean_credential(app_id, "app id", source)
        app_secret = clean_credential(app_secret, "app secret", source)
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


def clean_credential(value: object, what: str, source: str) -> str | None:
    """``value`` stripped of surrounding whitespace (None if nothing is left), or a
    :class:`CredentialsError` that names the problem and the source, never the value.

        >>> clean_credential(" abc-123\\r\\n", "token", "the arguments")
        'abc-123'
        >>> clean_credential("abc 123", "token", "the arguments")
        Traceback (most recent call last):
        ...
        trackerkit.errors.CredentialsError: the token from the arguments contains whitespace ...
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise CredentialsError(f"the {what} from {source} must be a string, not {type(value).__name__}")
    text = value.strip()
    for position, char in enumerate(text):
        if ord(char) < 0x20 or ord(char) == 0x7F:
            problem = "a control character"
        elif char.isspace():
            problem = "whitespace"
        elif not char.isascii():
            problem = "a non-ASCII character"
        else:
            continue
        raise CredentialsError(
            f"the {what} from {source} contains {problem} (at position {position}); it cannot be "
            "sent in an HTTP header, so it is probably mistyped or pasted with extra text "
            "(the value is not shown here)"
        )
    return text or None


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
    where = "the arguments"
    token = clean_credential(token, "token", where)
    app_id = clean_credential(app_id, "app_id", where)
    app_secret = clean_credential(app_secret, "app_secret", where)
    if token or app_id or app_secret:
        _require_pair(app_id, app_secret, where, "app_id", "app_secret", allow_alone=bool(token))
        return Credentials(token=token, app_id=app_id, app_secret=app_secret, source="arguments")
    env = os.environ if environ is None else environ
    env_token = clean_credential(env.get(ENV_TOKEN), ENV_TOKEN, "the environment")
    env_app_id = clean_credential(env.get(ENV_APP_ID), ENV_APP_ID, "the environment")
    env_secret = clean_credential(env.get(ENV_APP_SECRET), ENV_APP_SECRET, "the environment")
    if env_token:
        return Credentials(token=env_token, app_id=env_app_id, app_secret=env_secret, source="env")
    if env_app_id or env_secret:
        _require_pair(env_app_id, env_secret, "the environment", ENV_APP_ID, ENV_APP_SECRET)
        return Credentials(app_id=env_app_id, app_secret=env_secret, source="env")
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
    # Errors are raised after the except blocks: configparser quotes offending lines and a
    # UnicodeDecodeError holds the file's bytes, either may contain the secret, so neither may
    # ride along as __cause__ or __context__. Only the kind of problem is kept.
    parser = configparser.ConfigParser(interpolation=None)
    problem = None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        problem = f"cannot be read ({exc.strerror or type(exc).__name__})"
    except UnicodeDecodeError as exc:
        problem = f"is not UTF-8 text (byte {exc.start} is not valid UTF-8)"
    else:
        try:
            parser.read_string(text, source=str(path))
        except configparser.MissingSectionHeaderError:
            problem = "is not a valid INI file (it does not start with a [section] header)"
        except configparser.Error as exc:
            problem = f"is not a valid INI file ({type(exc).__name__})"
    if problem is not None:
        raise CredentialsError(f"{path} {problem}: {HOW_TO}")
    if not parser.has_section("credentials"):
        raise CredentialsError(f"{path} has no [credentials] section: {HOW_TO}")
    section = parser["credentials"]
    app_id = clean_credential(section.get("app_id"), "app_id", str(path))
    secret = clean_credential(section.get("app_secret"), "app_secret", str(path))
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

    def accept(self, response: httpx.Response, endpoint, budget=None) -> str:
        """Store the token from an exchange response, or raise the documented error."""
        secrets = self.secrets()
        if response.status_code >= 400:
            exc = endpoint.status_error(response, secrets, budget)
            if response.status_code in (400, 401, 403):
                raise AuthenticationError(
                    f"{exc} (check the app id and secret from {self.credentials.source})",
                    status=exc.status,
                    server_message=exc.server_message,
                    method=exc.method,
                    url=exc.url,
                )
            raise exc
        data = endpoint.read_json(response, secrets, budget)
        token = data.get("accessToken") if isinstance(data, dict) else None
        expires_in = data.get("expiresIn") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            keys = sorted(data)[:8] if isinstance(data, dict) else type(data).__name__
            raise ResponseFormatError(f"POST {response.request.url}: no accessToken in the answer ({keys})")
        try:
            usable = clean_credential(token, "accessToken", "the token endpoint's answer")
        except CredentialsError as exc:
            problem = str(exc)
        else:
            problem = None if usable == token else "the accessToken in the answer has surrounding whitespace"
        if problem is not None:  # raised here: no CredentialsError context, and never the token
            self._issued = [*self._issued[-7:], token]  # still redacted, should anything echo it
            raise ResponseFormatError(f"POST {response.request.url}: unusable token: {problem}")
        self._token = token
        self._issued = [*self._issued[-7:], token]
        self.generated += 1
        # Only a plausible lifetime counts (a positive number of seconds, at most ten years);
        # anything else (a string, 1e400, an int of 400 digits) is ignored: trusted until a 401.
        if (
            isinstance(expires_in, (int, float))
            and not isinstance(expires_in, bool)
            and 0 < expires_in <= _MAX_TOKEN_LIFETIME
        ):
            margin = min(60.0, expires_in * 0.1)
            self._expires_at = self._clock() + expires_in - margin
            logger.info("generated an access token (expires in %g s)", expires_in)
        else:
            self._expires_at = None
            logger.info("generated an access token (no usable expiresIn: kept until rejected)")
        return token

    def secrets(self) -> list[str | None]:
        """Everything that must never be shown, for redaction (``appId:appSecret`` too, whose
        base64 is what a Basic header would carry)."""
        creds = self.credentials
        pair = f"{creds.app_id}:{creds.app_secret}" if creds.can_exchange else None
        return [creds.token, creds.app_secret, pair, *self._issued]

    def __repr__(self) -> str:
        return f"TokenCache({self.credentials!r}, generated={self.generated})"
