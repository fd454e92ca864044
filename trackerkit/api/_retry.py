"""When and how long to retry a failed GET: one policy, driven by tenacity in both flavours.

Retried: 429, 500, 502, 503, 504, network errors and timeouts (see
:func:`._protocol.is_retryable`). Waits grow exponentially with jitter, a ``Retry-After`` the
server sends is honoured up to ``retry_after_cap``, and both the number of attempts and the
overall time are bounded.

    >>> policy = RetryPolicy(max_retries=2, backoff_base=0.1)
    >>> policy.max_attempts
    3
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass

from tenacity import AsyncRetrying, RetryCallState, Retrying, retry_if_exception

from trackerkit.api._protocol import is_retryable

__all__ = ["RetryPolicy"]

logger = logging.getLogger("trackerkit.api")


@dataclass(frozen=True)
class RetryPolicy:
    """Retry settings of a client.

    ``max_retries`` retries after the first attempt; the n-th retry waits about
    ``backoff_base * 2**(n-1)`` seconds (half fixed, half random, at most ``backoff_max``), or
    what ``Retry-After`` asks, at most ``retry_after_cap``. No retry starts after ``deadline``
    seconds from the first attempt, and no wait reaches past it.
    """

    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    retry_after_cap: float = 30.0
    deadline: float = 120.0

    def __post_init__(self) -> None:
        if (
            not isinstance(self.max_retries, int)
            or isinstance(self.max_retries, bool)
            or self.max_retries < 0
        ):
            raise ValueError(f"max_retries must be an int >= 0, got {self.max_retries!r}")
        for name in ("backoff_base", "backoff_max", "retry_after_cap", "deadline"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)!r}")

    @property
    def max_attempts(self) -> int:
        return self.max_retries + 1

    def backoff(self, retry_number: int) -> float:
        """The jittered exponential wait before retry ``retry_number`` (1-based)."""
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** (retry_number - 1))
        # "Equal jitter": waits keep growing, yet clients that failed together spread out.
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            delay = min(float(retry_after), self.retry_after_cap)
        else:
            delay = self.backoff(state.attempt_number)
        remaining = self.deadline - (state.seconds_since_start or 0.0)
        return max(0.0, min(delay, remaining))

    def stop(self, state: RetryCallState) -> bool:
        if state.attempt_number >= self.max_attempts:
            return True
        return (state.seconds_since_start or 0.0) >= self.deadline

    def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        sleep = state.next_action.sleep if state.next_action else 0.0
        logger.info(
            "retry %d/%d in %.2f s after: %s", state.attempt_number, self.max_retries, sleep, _short(exc)
        )

    def _options(self) -> dict:
        return {
            "retry": retry_if_exception(is_retryable),
            "stop": self.stop,
            "wait": self.wait,
            "before_sleep": self._log_retry,
            "reraise": True,  # callers see our documented error, never tenacity.RetryError
        }

    def retrying(self) -> Retrying:
        """A fresh ``tenacity.Retrying`` (not shared between threads)."""
        return Retrying(**self._options())

    def async_retrying(self) -> AsyncRetrying:
        """A fresh ``tenacity.AsyncRetrying``."""
        return AsyncRetrying(**self._options())


def _short(exc: BaseException | None) -> str:
    text = str(exc) if exc is not None else "?"
    return text if len(text) <= 200 else text[:200] + "…"
