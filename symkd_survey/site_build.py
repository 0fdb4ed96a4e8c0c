"""``symkd build``: the static site, through MkDocs with the generation hook.

MkDocs' warnings are collected and, in strict mode, turned into issues: a site with a broken
link or a missing page is not built silently.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from .catalogue import Repository
from .issues import Issue, SymkdError, error

MKDOCS_FILE = "mkdocs.yml"


@dataclass(slots=True)
class BuildResult:
    out: Path
    pages: int
    seconds: float
    warnings: list[str]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_site(repo: Repository, out: Path | None = None, *, strict: bool = True) -> BuildResult:
    """Validate, then build the whole site into ``out`` (default: ``_site/`` in the repository).

    The catalogue is validated once, by the generation hook; its problems come back as
    issues with their lines. MkDocs' own failures (and, in strict mode, its warnings) become
    ``build`` issues.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    config_file = repo.root / MKDOCS_FILE
    if not config_file.is_file():
        raise SymkdError([error("build", MKDOCS_FILE, 0, "no mkdocs.yml in the repository")])
    target = (out or repo.root / "_site").resolve()
    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    started = time.perf_counter()
    try:
        config = load_config(str(config_file), site_dir=str(target), strict=strict)
        build(config)
    except MkDocsException as exc:
        catalogue_issues = _catalogue_issues(exc)
        if catalogue_issues:
            raise SymkdError(catalogue_issues) from None
        issues = [error("build", MKDOCS_FILE, 0, f"MkDocs: {w}") for w in handler.messages]
        issues.append(error("build", MKDOCS_FILE, 0, f"the site was not built: {exc}"))
        raise SymkdError(issues) from None
    finally:
        logger.removeHandler(handler)
    pages = sum(1 for _ in target.rglob("*.html"))
    return BuildResult(target, pages, time.perf_counter() - started, handler.messages)


def _catalogue_issues(exc: BaseException) -> list[Issue]:
    """The issues of the hook's CatalogueError, which MkDocs re-raises as a bare Abort."""
    seen: BaseException | None = exc
    while seen is not None:
        issues = getattr(seen, "issues", None)
        if issues:
            return list(issues)
        seen = seen.__cause__ or seen.__context__
    return []
