"""What a failed request is, for every network client here (arXiv, Semantic Scholar).

One classification: timeouts, refused or dropped connections, answers cut short or garbled,
429 and 5xx are :class:`RetryableError` (:class:`~symkd_survey.sources.retry_policy.RetryPolicy`
asks again); other 4xx, oversized answers, refused redirects and a spent command deadline are
permanent. Every message is meant for users and fits on one line: :func:`printable` makes a
server's text safe for it, :func:`plural` counts attempts.
"""

from __future__ import annotations


class NetworkError(Exception):
    """A request that failed for good (after retries, or at once for a permanent fault).

    The message is meant for users: it names the service and what happened, in one line.
    ``gave_up`` says why retrying stopped early, when it did (a wait longer than allowed, or the
    command's deadline).
    """

    def __init__(self, message: str, *, attempts: int = 1, retryable: bool = False,
                 gave_up: str | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.retryable = retryable
        self.gave_up = gave_up


class RetryableError(NetworkError):
    """A transient failure (429, 5xx, a timeout, a connection error, an unexpected empty page)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, retryable=True)
        self.retry_after = retry_after


class RequestTimeout(RetryableError):
    """The request did not end within its ``timeout`` (in whatever phase it was)."""


class Unreachable(RetryableError):
    """No connection at all. ``offline`` when the address refused it or the name is unknown,
    where waiting rarely helps; ``reason`` is the operating system's word for it."""

    def __init__(self, message: str, *, reason: str, offline: bool) -> None:
        super().__init__(message)
        self.reason = reason
        self.offline = offline


class BrokenAnswer(RetryableError):
    """The answer broke off or was garbled on the way: truncated body, reset connection, bad
    chunking, a damaged compressed stream, a malformed status line."""


class AnswerTooLarge(NetworkError):
    """The answer passed the client's byte limit (as sent, or once decompressed); not retried."""


class RedirectRefused(NetworkError):
    """A redirect to another origin, to a non-http(s) address, or too many of them; not retried."""


class DeadlineExceeded(NetworkError):
    """The command's overall :class:`Deadline` ran out; not retried (there is no time left)."""


def plural(count: int, noun: str) -> str:
    """``1 attempt``, ``4 attempts``.

    >>> plural(1, "attempt"), plural(4, "attempt")
    ('1 attempt', '4 attempts')
    """
    return f"{count} {noun}{'' if count == 1 else 's'}"



def printable(text: str, limit: int = 120) -> str:
    """``text`` safe for a one-line message: white space collapsed to single spaces, other
    control characters as ``?``, cut at ``limit`` characters.

    >>> printable("Too  many\\n requests\\x1b[31m"), printable("a" * 10, 5)
    ('Too many requests?[31m', 'aa...')
    """
    text = "".join(ch if ch.isprintable() else "?" for ch in " ".join(text.split()))
    return text if len(text) <= limit else text[: max(0, limit - 3)] + "..."
