"""The one record for every problem the tool reports.

Validation never raises on bad input: each check returns :class:`Issue` values, which are
collected, sorted, and printed together (``path:line: [check] message (hint)``).
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from typing import Any


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in user input.

    ``line`` and ``column`` are 1-based; 0 means "the whole file" or "no position".
    """

    check: str
    severity: Severity
    path: str
    line: int
    message: str
    hint: str = ""
    column: int = 0

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        """Render as ``path:line: [check] message (hint)``.

        >>> Issue("schema", Severity.ERROR, "catalogue/x.yaml", 3, "bad", "fix it").format()
        'catalogue/x.yaml:3: [schema] bad (fix it)'
        >>> Issue("yaml", Severity.WARNING, "a.yaml", 0, "empty").format()
        'a.yaml:0: [yaml] warning: empty'
        """
        prefix = "" if self.is_error else "warning: "
        text = f"{self.path}:{self.line}: [{self.check}] {prefix}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def sort_issues(issues: list[Issue]) -> list[Issue]:
    """Order by file, then line, then check, so that reports are stable."""
    return sorted(issues, key=lambda i: (i.path, i.line, i.column, i.check, i.message))


def error(check: str, path: str, line: int, message: str, hint: str = "", column: int = 0) -> Issue:
    return Issue(check, Severity.ERROR, path, line, message, hint, column)


def warning(check: str, path: str, line: int, message: str, hint: str = "", column: int = 0) -> Issue:
    return Issue(check, Severity.WARNING, path, line, message, hint, column)


class SymkdError(Exception):
    """A fault in user input or environment that the CLI reports as issues, exit 1."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(i.format() for i in issues))
        self.issues = issues
