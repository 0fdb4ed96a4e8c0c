"""How long to wait: retries with backoff and a polite pace (:class:`RetryPolicy`), the
server's ``Retry-After`` (:func:`parse_retry_after`), and a time budget for a whole command
(:class:`Deadline`, from ``SYMKD_DEADLINE``).

The :class:`~symkd_survey.sources.http_client.HttpClient` sends one request and classifies its
failure; the policy decides whether and when to send it again, and keeps requests at least
``min_interval`` apart.
"""

from __future__ import annotations

import email.utils
import math
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, TypeVar

from symkd_survey.core.issues import SymkdError, error
from symkd_survey.sources.network_errors import NetworkError, RetryableError, plural

T = TypeVar("T")

MAX_WAIT: Final[float] = 300.0
"""The longest wait between attempts: a server asking for more (``Retry-After``) is given up on."""
ENV_DEADLINE: Final[str] = "SYMKD_DEADLINE"


class Deadline:
    """A time budget shared by every request of a client, so that a whole command ends in time.

    Each request is limited to the smaller of its own timeout and what is left here; when this
    runs out the request fails with :class:`~symkd_survey.sources.network_errors.DeadlineExceeded`,
    which is not retried, and
    :meth:`RetryPolicy.run` does not start a wait that would end after it.
    """

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if not (math.isfinite(seconds) and seconds > 0):
            raise ValueError(f"a deadline needs a positive number of seconds, got {seconds!r}")
        self.seconds = seconds
        self._clock = clock
        self._ends = clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self._ends - self._clock())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0


def deadline_from_environment(environ: Mapping[str, str] | None = None) -> Deadline | None:
    """``SYMKD_DEADLINE``: seconds allowed for all the network requests of one command (unset:
    no limit beyond each request's own timeout). A bad value is a :class:`SymkdError`."""
    env = os.environ if environ is None else environ
    raw = env.get(ENV_DEADLINE)
    if raw is None or not raw.strip():
        return None
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise SymkdError([error("config", ENV_DEADLINE, 0, f"must be a positive number of seconds, got {raw!r}")])
    return Deadline(seconds)


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds, or an HTTP date
    (``now`` is the wall-clock time, as ``time.time()``); a date in the past means 0.

    >>> parse_retry_after("7", now=0.0), parse_retry_after(" 1.5 ", now=0.0)
    (7.0, 1.5)
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0)
    10.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0)
    0.0
    >>> [parse_retry_after(v, now=0.0) for v in (None, "", "soon", "-3", "nan", "inf")]
    [None, None, None, None, None, None]
    """
    text = (value or "").strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # RFC 9110: HTTP dates are in GMT
            return None
        return max(0.0, when.timestamp() - now)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


@dataclass(slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base * 2**n)),
    at least ``Retry-After`` when the server gave one. A wait longer than ``max_wait`` (a
    server asking to come back in an hour) or past a :class:`Deadline` ends the retries."""

    attempts: int = 4
    base: float = 2.0
    cap: float = 60.0
    min_interval: float = 3.0
    max_wait: float = MAX_WAIT
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)
    _last_request: float | None = None

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        wait = self.rng.uniform(0, min(self.cap, self.base * 2**attempt))
        return max(wait, retry_after or 0.0)

    def pace(self) -> None:
        """Wait until ``min_interval`` has passed since the previous request."""
        now = self.clock()
        if self._last_request is not None:
            remaining = self.min_interval - (now - self._last_request)
            if remaining > 0:
                self.sleep(remaining)
        self._last_request = self.clock()

    def run(self, request: Callable[[], T], on_retry: Callable[[int, RetryableError, float], None] | None = None,
            *, deadline: Deadline | None = None) -> T:
        """Call ``request`` until it succeeds, raises a permanent error, or attempts run out."""
        last: RetryableError | None = None
        tried = 0
        gave_up: str | None = None
        for attempt in range(self.attempts):
            self.pace()
            tried = attempt + 1
            try:
                return request()
            except RetryableError as exc:
                last = exc
                if tried == self.attempts:
                    break
                wait = self.delay(attempt, exc.retry_after)
                if wait > self.max_wait:
                    gave_up = f"asked to wait {wait:.0f} s"
                elif deadline is not None and wait >= deadline.remaining():
                    gave_up = f"the {deadline.seconds:g} s allowed for this command ran out"
                if gave_up is not None:
                    break
                if on_retry is not None:
                    on_retry(tried, exc, wait)
                self.sleep(wait)
        assert last is not None
        why = f": {gave_up}" if gave_up else ""
        raise NetworkError(f"{last} (gave up after {plural(tried, 'attempt')}{why})", attempts=tried,
                           retryable=True, gave_up=gave_up) from last
