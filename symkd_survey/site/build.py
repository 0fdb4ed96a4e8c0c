"""``symkd build``: the static site, through MkDocs with the ``symkd`` plugin (:mod:`.plugin`).

MkDocs' warnings are collected and, in strict mode, turned into issues: a site with a broken
link or a missing page is not built silently.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from symkd_survey.core.catalogue import Repository
from symkd_survey.core.issues import Issue, SymkdError, error

MKDOCS_FILE = "mkdocs.yml"
BUILD_MARKER = ".symkd-site"
"""Written into every built site: a folder holding it may be emptied and rebuilt."""
_MKDOCS_SIGNATURE = ("sitemap.xml.gz", "404.html", "index.html")  # a site built before the marker existed


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

    The catalogue is validated once, by the plugin; its problems come back as
    issues with their lines. MkDocs' own failures (and, in strict mode, its warnings) become
    ``build`` issues. Pagefind then indexes the built site (:mod:`.search_index`; its failures
    are ``search`` issues), once MkDocs has let go of its pages, so that the two processes are
    not at their largest at once.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from symkd_survey.site.model import PLUGIN
    from symkd_survey.site.plugin import SymkdPlugin, release_memory
    from symkd_survey.site.search_index import index_site

    config_file = repo.root / MKDOCS_FILE
    if not config_file.is_file():
        raise SymkdError([error("build", MKDOCS_FILE, 0, "no mkdocs.yml in the repository")])
    target = (out or repo.root / "_site").resolve()
    _refuse_output_folder(repo, out, target, None)  # before MkDocs sees it: its own check is an opaque abort
    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    started = time.perf_counter()
    try:
        config = load_config(str(config_file), site_dir=str(target), strict=strict, **site_url_override())
        _refuse_output_folder(repo, out, target, Path(config["docs_dir"]).resolve())
        plugin = config.plugins.get(PLUGIN)
        if isinstance(plugin, SymkdPlugin):
            plugin.index_later = True  # indexed below, once MkDocs' pages are gone
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
    if isinstance(plugin, SymkdPlugin):
        del config, plugin
        release_memory()  # Pagefind runs beside this process: let it be small
        index_site(target)
    (target / BUILD_MARKER).write_text("built by symkd build; this folder is emptied on every build\n",
                                       encoding="utf-8")
    pages = sum(1 for _ in target.rglob("*.html"))
    return BuildResult(target, pages, time.perf_counter() - started, handler.messages)


SITE_URL_VARIABLE = "SYMKD_SITE_URL"


def site_url_override() -> dict[str, str]:
    """``site_url`` from ``SYMKD_SITE_URL`` when set (the Pages workflow sets the published
    address), else nothing: ``mkdocs.yml``'s own. A trailing slash is added.

    >>> import os; os.environ[SITE_URL_VARIABLE] = "https://o.github.io/r"; site_url_override()
    {'site_url': 'https://o.github.io/r/'}
    >>> del os.environ[SITE_URL_VARIABLE]; site_url_override()
    {}
    """
    url = os.environ.get(SITE_URL_VARIABLE, "").strip()
    return {"site_url": url.rstrip("/") + "/"} if url else {}


def _catalogue_issues(exc: BaseException) -> list[Issue]:
    """The issues of the plugin's CatalogueError, which MkDocs re-raises as a bare Abort."""
    seen: BaseException | None = exc
    while seen is not None:
        issues = getattr(seen, "issues", None)
        if issues:
            return list(issues)
        seen = seen.__cause__ or seen.__context__
    return []


def _refuse_output_folder(repo: Repository, out: Path | None, target: Path, docs_dir: Path | None) -> None:
    problem = output_folder_problem(repo, target, docs_dir or (repo.root / "site" / "docs").resolve())
    if problem is not None:
        raise SymkdError([error("out", str(out or target), 0, problem,
                                "build into a new or empty folder, or into a previous build (default _site/)")])


def output_folder_problem(repo: Repository, target: Path, docs_dir: Path) -> str | None:
    """Why ``target`` must not be built into, or None. MkDocs empties the folder it builds
    into, so anything that is not a new folder, an empty one or a previous build is refused:
    the repository and its parents, the catalogue, the site's sources, and any folder holding
    catalogue files or ``taxonomy.yaml``.
    """
    root = repo.root.resolve()
    catalogue = repo.catalogue_dir.resolve()
    if target == root or target in root.parents:
        return "the output folder is the repository or holds it; building would delete it"
    for protected, what in ((catalogue, "the catalogue"), (docs_dir, "the site's sources"),
                            (root / ".git", "the git folder")):
        if target == protected or protected in target.parents:
            return f"the output folder is inside {what}; building would delete files there"
        if target in protected.parents and target != root:
            return f"the output folder holds {what}; building would delete it"
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        return "the output path exists and is not a folder"
    if not target.exists():
        return None
    if (target / "taxonomy.yaml").exists() or (target / "catalogue").exists() or any(target.glob("*.yaml")):
        return "the output folder holds catalogue files or taxonomy.yaml; building would delete them"
    children = list(target.iterdir())
    if not children or (target / BUILD_MARKER).is_file():
        return None
    if all((target / name).is_file() for name in _MKDOCS_SIGNATURE):
        return None
    return "the output folder is not empty and is not a previous build; building would delete what it holds"


def serve_site(repo: Repository, port: int = 8000) -> None:
    """Build the site and serve it on 127.0.0.1 only, rebuilding whenever a catalogue file,
    the taxonomy or a template changes (MkDocs' live-reloading server), until interrupted.

    The catalogue is validated before anything is served: a catalogue with errors is refused
    with its issues, as by :func:`build_site`.
    """
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    from symkd_survey.checking.validate import validate

    config_file = repo.root / MKDOCS_FILE
    if not config_file.is_file():
        raise SymkdError([error("build", MKDOCS_FILE, 0, "no mkdocs.yml in the repository")])
    result = validate(repo)
    if result.errors:
        raise SymkdError(result.errors)
    try:
        serve(str(config_file), livereload=True, dev_addr=f"127.0.0.1:{port}")
    except OSError as exc:
        raise SymkdError([error("serve", f"127.0.0.1:{port}", 0, f"cannot serve: {exc.strerror or exc}",
                                "choose another --port")]) from None
    except MkDocsException as exc:
        raise SymkdError(_catalogue_issues(exc) or [error("build", MKDOCS_FILE, 0, f"the site was not built: {exc}")]) \
            from None
    except KeyboardInterrupt:
        return
