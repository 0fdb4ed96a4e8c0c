"""What every network client here shares: retries with backoff, a polite pace, a disk cache.

Clients (arXiv, Semantic Scholar) decide which failures are worth retrying; this module
decides how long to wait, keeps requests at least ``min_interval`` apart, and stores raw
answers on disk keyed by the request, so that asking twice does not touch the network.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import platformdirs

from .yamlio import atomic_write

T = TypeVar("T")


class NetworkError(Exception):
    """A request that failed for good (after retries, or at once for a permanent fault).

    The message is meant for users: it names the service and what happened, in one line.
    """

    def __init__(self, message: str, *, attempts: int = 1, retryable: bool = False) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.retryable = retryable


class RetryableError(NetworkError):
    """A transient failure (429, 503, a timeout, a connection error, an unexpected empty page)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, retryable=True)
        self.retry_after = retry_after


@dataclass(slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base * 2**n)),
    at least ``Retry-After`` when the server gave one."""

    attempts: int = 4
    base: float = 2.0
    cap: float = 60.0
    min_interval: float = 3.0
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

    def run(self, request: Callable[[], T], on_retry: Callable[[int, RetryableError, float], None] | None = None) -> T:
        """Call ``request`` until it succeeds, raises a permanent error, or attempts run out."""
        last: RetryableError | None = None
        for attempt in range(self.attempts):
            self.pace()
            try:
                return request()
            except RetryableError as exc:
                last = exc
                if attempt + 1 == self.attempts:
                    break
                wait = self.delay(attempt, exc.retry_after)
                if on_retry is not None:
                    on_retry(attempt + 1, exc, wait)
                self.sleep(wait)
        assert last is not None
        raise NetworkError(f"{last} (gave up after {self.attempts} attempts)", attempts=self.attempts,
                           retryable=True) from last


def default_cache_dir() -> Path:
    """``SYMKD_CACHE_DIR``, else the user cache folder (never inside the repository)."""
    override = os.environ.get("SYMKD_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("symkd-survey"))


@dataclass(slots=True)
class DiskCache:
    """Raw answers keyed by request; one file each, written atomically."""

    folder: Path
    enabled: bool = True

    def _file(self, namespace: str, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.folder / namespace / f"{digest}.txt"

    def get(self, namespace: str, key: str) -> str | None:
        if not self.enabled:
            return None
        try:
            return self._file(namespace, key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, namespace: str, key: str, text: str) -> None:
        if not self.enabled:
            return
        with contextlib.suppress(OSError):  # a cache that cannot be written is only slower
            atomic_write(self._file(namespace, key), text)
