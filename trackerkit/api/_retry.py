"""When and how long to retry a failed GET: one policy, driven by tenacity in both flavours.

Retried: 429, 500, 502, 503, 504, network errors and timeouts (see
:func:`._protocol.is_retryable`). Waits grow exponentially with jitter, a ``Retry-After`` the
server sends is honoured up to ``retry_after_cap``, and both the number of attempts and the
overall time of the call (``deadline``) are bounded.

    >>> policy = RetryPolicy(max_retries=2, backoff_base=0.1)
    >>> policy.max_attempts
    3
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import anyio
from tenacity import AsyncRetrying, RetryCallState, Retrying, retry_if_exception

from trackerkit._validation import check_count, check_number
from trackerkit.api._protocol import CallBudget, is_retryable

__all__ = ["RetryPolicy"]

logger = logging.getLogger("trackerkit.api")


@dataclass(frozen=True)
class RetryPolicy:
    """Retry settings of a client.

    ``max_retries`` retries after the first attempt; the n-th retry waits about
    ``backoff_base * 2**(n-1)`` seconds (half fixed, half random, at most ``backoff_max``), or
    what ``Retry-After`` asks, at most ``retry_after_cap``. ``deadline`` is the time one call
    may take in all (connecting, reading and retries): no retry is started whose wait would
    reach it, and the clients cut off any request still running when it passes
    (:class:`trackerkit.DeadlineExceededError`).
    """

    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    retry_after_cap: float = 30.0
    deadline: float = 120.0

    def __post_init__(self) -> None:
        check_count("max_retries", self.max_retries, minimum=0)
        for name in ("backoff_base", "backoff_max", "retry_after_cap", "deadline"):
            check_number(name, getattr(self, name), minimum=0)

    @property
    def max_attempts(self) -> int:
        return self.max_retries + 1

    def backoff(self, retry_number: int) -> float:
        """The jittered exponential wait before retry ``retry_number`` (1-based)."""
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** (retry_number - 1))
        # "Equal jitter": waits keep growing, yet clients that failed together spread out.
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def delay(self, state: RetryCallState) -> float:
        """The wait before the next attempt: ``Retry-After`` (capped) or the backoff."""
        exc = state.outcome.exception() if state.outcome else None
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            return min(float(retry_after), self.retry_after_cap)
        return self.backoff(state.attempt_number)

    def wait(self, state: RetryCallState) -> float:
        """tenacity's ``wait`` for a bare ``Retrying``: the delay, never past ``deadline``
        counted from the first attempt (the clients count from the start of the call)."""
        remaining = self.deadline - (state.seconds_since_start or 0.0)
        return max(0.0, min(self.delay(state), remaining))

    def stop(self, state: RetryCallState) -> bool:
        """tenacity's ``stop`` for a bare ``Retrying``: attempts used up or ``deadline`` reached."""
        if state.attempt_number >= self.max_attempts:
            return True
        return (state.seconds_since_start or 0.0) >= self.deadline

    def _options(self, budget: CallBudget | None, scrub: Callable[[str], str] | None) -> dict:
        planned: dict[int, float] = {}  # attempt -> its wait, drawn once (stop and wait both ask)

        def remaining(state: RetryCallState) -> float:
            if budget is not None:
                return budget.remaining()
            return self.deadline - (state.seconds_since_start or 0.0)

        def next_wait(state: RetryCallState) -> float:
            if state.attempt_number not in planned:
                planned[state.attempt_number] = self.delay(state)
            return planned[state.attempt_number]

        def stop(state: RetryCallState) -> bool:
            if state.attempt_number >= self.max_attempts:
                return True
            if budget is not None and budget.cancelled():
                return True
            # A retry that could only start at or after the deadline is not worth starting:
            # the caller gets the real failure rather than a deadline error.
            return next_wait(state) >= remaining(state)

        def wait(state: RetryCallState) -> float:
            return max(0.0, min(next_wait(state), remaining(state)))

        last_failure: dict[int, BaseException] = {}  # the last attempt's error, kept past tenacity's reset

        def give_up_past_deadline(state: RetryCallState) -> None:
            # ``stop`` lets a retry start only before the deadline, but a sleep on a loaded machine
            # can overshoot it; the caller should still get the real failure, not a deadline error
            # for a request that was never sent.
            previous = last_failure.get(state.attempt_number - 1)
            if previous is not None and budget is not None and budget.remaining() <= 0:
                raise previous

        def log_retry(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            last_failure.clear()  # only the last one is ever raised: no growing list of tracebacks
            if exc is not None:
                last_failure[state.attempt_number] = exc
            sleep = state.next_action.sleep if state.next_action else 0.0
            text = str(exc) if exc is not None else "?"
            if scrub is not None:
                text = scrub(text)  # redacted before it is cut, like every message we show
            logger.info(
                "retry %d/%d in %.2f s after: %s", state.attempt_number, self.max_retries, sleep, _short(text)
            )

        return {
            "retry": retry_if_exception(is_retryable),
            "stop": stop,
            "wait": wait,
            "before": give_up_past_deadline,
            "before_sleep": log_retry,
            "reraise": True,  # callers see our documented error, never tenacity.RetryError
        }

    def retrying(
        self, budget: CallBudget | None = None, scrub: Callable[[str], str] | None = None
    ) -> Retrying:
        """A fresh ``tenacity.Retrying`` (not shared between threads) for one call's ``budget``
        (its deadline and cancellation); ``scrub`` redacts the retry log lines."""
        sleep = budget.sleep if budget is not None else time.sleep
        return Retrying(sleep=sleep, **self._options(budget, scrub))

    def async_retrying(
        self, budget: CallBudget | None = None, scrub: Callable[[str], str] | None = None
    ) -> AsyncRetrying:
        """A fresh ``tenacity.AsyncRetrying`` (anyio's sleep, so trio works as well as asyncio)."""
        return AsyncRetrying(sleep=anyio.sleep, **self._options(budget, scrub))


def _short(text: str) -> str:
    return text if len(text) <= 200 else text[:200] + "…"
