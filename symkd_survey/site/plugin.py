"""The MkDocs hook: hands the generated pages to MkDocs. All generation is in :mod:`.site`.

Listed under ``hooks:`` in ``mkdocs.yml``, so that ``mkdocs build`` and ``mkdocs serve``
(which rebuilds when a watched catalogue file changes) work as well as ``symkd build``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

# MkDocs loads this file by path; make the package importable from a source checkout too.
_ROOT = Path(__file__).resolve().parent.parent.parent
if str(_ROOT) not in sys.path:  # pragma: no cover - depends on how mkdocs was started
    sys.path.insert(0, str(_ROOT))

from symkd_survey.core.catalogue import Repository  # noqa: E402
from symkd_survey.core.issues import Issue, SymkdError  # noqa: E402
from symkd_survey.site.pages import GENERATED_OUT_OF_NAV, SiteText, generate_site  # noqa: E402


class CatalogueError(PluginError):
    """The catalogue does not validate; ``issues`` keeps every problem for ``symkd build``."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("the catalogue has errors; the site was not built:\n" +
                         "\n".join(issue.format() for issue in issues))
        self.issues = issues


_HEADS: dict[str, str] = {}
"""Extra ``<head>`` markup of generated pages (paper pages' citation tags), by source path."""


def on_files(files: Files, config: Any) -> Files:
    repo = Repository(Path(config.config_file_path).resolve().parent)
    _HEADS.clear()
    try:
        generated = generate_site(repo, site_url=config.site_url, heads=_HEADS,
                                  text=SiteText.from_config(config.site_name, config.extra))
    except SymkdError as exc:
        raise CatalogueError(exc.issues) from None
    for path, content in generated.items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        inclusion = InclusionLevel.NOT_IN_NAV if path.startswith(GENERATED_OUT_OF_NAV) else InclusionLevel.UNDEFINED
        files.append(File.generated(config, path, content=content, inclusion=inclusion))
    return files


def on_post_page(output: str, page: Any, config: Any) -> str:
    """Insert a generated page's extra head markup (escaped when it was made) before ``</head>``."""
    head = _HEADS.get(page.file.src_uri)
    if head is None or "</head>" not in output:
        return output
    return output.replace("</head>", head + "\n</head>", 1)
