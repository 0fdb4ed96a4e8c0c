"""The MkDocs plugin ``symkd``: hands the generated pages to MkDocs. All generation is in
:mod:`symkd_survey.site.generate`.

Registered as ``symkd`` under the ``mkdocs.plugins`` entry point (``pyproject.toml``), so that
``mkdocs build`` and ``mkdocs serve`` (which rebuilds when a watched catalogue file changes)
work as well as ``symkd build``. In ``mkdocs.yml``::

    plugins:
      - symkd:
          heading: What the catalogue is about
          lead: >-
            The home page's opening paragraph.

Every option is optional (:class:`SymkdConfig`). After every build the plugin indexes the site
for search with Pagefind (:mod:`.search_index`), so no ``search`` plugin is needed.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import zlib
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from symkd_survey.core.catalogue import Repository
from symkd_survey.core.issues import Issue, SymkdError
from symkd_survey.site.generate import GENERATED_OUT_OF_NAV, site_files
from symkd_survey.site.model import PLUGIN, SiteText, deprecated_text
from symkd_survey.site.rendering import split_page
from symkd_survey.site.search_index import index_site

log = logging.getLogger(f"mkdocs.plugins.{PLUGIN}")


class CatalogueError(PluginError):
    """The catalogue does not validate (or its search index fails); ``issues`` keeps every problem
    for ``symkd build``."""

    def __init__(self, issues: list[Issue], what: str = "the catalogue has errors; the site was not built") -> None:
        super().__init__(what + ":\n" +
                         "\n".join(issue.format() for issue in issues))
        self.issues = issues


def release_memory() -> None:
    """Collect garbage and, on glibc, return the freed heap to the system (``malloc_trim``):
    CPython keeps freed memory mapped otherwise, and the process looks as big as it ever was to
    the programs it starts (Pagefind). A no-op where the C library has no ``malloc_trim``."""
    gc.collect()
    try:
        trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # the C library this process runs on
    except (OSError, TypeError):  # no such handle (Windows)
        return
    if trim is not None:
        trim(0)


class SymkdConfig(base.Config):  # type: ignore[no-untyped-call]  # MkDocs: untyped __init_subclass__
    """The options of the ``symkd`` plugin in ``mkdocs.yml``."""

    catalogue = c.Optional(c.Dir(exists=True))
    """The catalogue repository: the folder holding ``taxonomy.yaml`` and ``catalogue/``, relative
    to ``mkdocs.yml``. Default: the folder of ``mkdocs.yml``."""

    heading = c.Optional(c.Type(str))
    """The home page's heading. Default: ``site_name``."""

    lead = c.Optional(c.Type(str))
    """The home page's opening paragraph, saying what the catalogue is about. Default: none.
    (``extra.symkd.heading`` and ``extra.symkd.lead`` are read, with a warning, where these two
    options are not set: that is where they were before the plugin had options.)"""


class SymkdPlugin(BasePlugin[SymkdConfig]):  # type: ignore[no-untyped-call]  # as above
    """Generates the catalogue's pages and files (:func:`.generate.site_files`) into MkDocs' files, and
    inserts each paper page's ``citation_*`` meta tags into its ``<head>``."""

    def __init__(self) -> None:
        self._heads: dict[str, str] = {}
        """Extra ``<head>`` markup of generated pages (paper pages' citation tags), by source path."""
        self._generated: set[str] = set()
        """Source paths of the pages this plugin generated."""
        self._held: dict[str, bytes] = {}
        """Generated pages' HTML, compressed, from :meth:`on_files` until each page is written."""
        self.index_later = False
        """Set by ``symkd build``, which indexes the site itself once MkDocs has let go of its
        pages (:func:`.build.build_site`): Pagefind then runs beside a smaller process."""
        self.holds_pages = True
        """Whether generated pages skip Markdown (:meth:`on_page_markdown`); not for the old hook
        file, which MkDocs asks only for ``on_files`` and ``on_post_page``."""

    def repository(self, config: MkDocsConfig) -> Repository:
        """The catalogue repository: the ``catalogue`` option, or the folder of ``mkdocs.yml``."""
        if self.config.catalogue is not None:
            return Repository(Path(self.config.catalogue).resolve())
        return Repository(Path(config.config_file_path).resolve().parent)

    def text(self, config: MkDocsConfig) -> SiteText:
        options = {"heading": self.config.heading, "lead": self.config.lead}
        old = {name: value for name, value in deprecated_text(config.extra).items() if not options[name]}
        if old:
            names = " and ".join(f"extra.{PLUGIN}.{name}" for name in old)
            log.warning(f"{names} in mkdocs.yml: deprecated; give {' and '.join(old)} as options of the "
                        f"'{PLUGIN}' plugin instead (plugins: - {PLUGIN}: {{{', '.join(old)}}})")
        return SiteText.from_config(config.site_name, options, config.extra)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        self._heads.clear()
        self._held.clear()
        self._generated.clear()
        try:
            generated = site_files(self.repository(config), site_url=config.site_url, heads=self._heads,
                                   text=self.text(config))
            for path, content in generated:
                self._add(files, config, path, content)
        except SymkdError as exc:
            raise CatalogueError(exc.issues) from None
        del generated
        release_memory()  # the site model is garbage now: let the pages reuse its memory
        return files

    def _add(self, files: Files, config: MkDocsConfig, path: str, content: str | bytes) -> None:
        """Put one generated page or file among MkDocs' files, in place of a file of that path."""
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        inclusion = InclusionLevel.NOT_IN_NAV if path.startswith(GENERATED_OUT_OF_NAV) else InclusionLevel.UNDEFINED
        page = (split_page(content) if self.holds_pages and isinstance(content, str) and path.endswith(".md")
                else None)
        if page is not None:  # MkDocs reads the front matter; the HTML waits, compressed
            content = page[0]
            self._held[path] = zlib.compress(page[1].encode("utf-8"), 1)
        else:
            self._held.pop(path, None)
        files.append(File.generated(config, path, content=content, inclusion=inclusion))
        self._generated.add(path)

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Give Markdown nothing to convert on a generated page: its HTML is held, compressed.

        A generated page is HTML already (:func:`.rendering.split_page`). MkDocs reads every
        page before it writes the first one and keeps each page's source and HTML meanwhile
        (about 0.7 GB at 10,000 papers); a generated page's HTML is held compressed instead
        (about a tenth of its size) from :meth:`on_files` until :meth:`on_page_context` gives it
        back, and MkDocs reads only its front matter.
        """
        return "" if page.file.src_uri in self._held else markdown

    def on_page_context(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        held = self._held.pop(page.file.src_uri, None)
        if held is not None:
            page.content = zlib.decompress(held).decode("utf-8")
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Index the built site for search (Pagefind, :mod:`.search_index`): for ``mkdocs build``
        and every rebuild of ``symkd serve``; ``symkd build`` indexes it itself (:attr:`index_later`)."""
        self._held.clear()
        self._heads.clear()
        if self.index_later:
            return
        release_memory()  # Pagefind runs beside this process: give back what the pages held
        try:
            index_site(Path(config.site_dir))
        except SymkdError as exc:
            raise CatalogueError(exc.issues, "the search index was not built") from None

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Insert a generated page's extra head markup (escaped when it was made) before ``</head>``."""
        if page.file.src_uri in self._generated:
            page.content = None  # written: not needed again
        head = self._heads.get(page.file.src_uri)
        if head is None or "</head>" not in output:
            return output
        return output.replace("</head>", head + "\n</head>", 1)


# --------------------------------------------------------------------------- old hook files

_HOOK_PLUGIN = SymkdPlugin()
_HOOK_PLUGIN.holds_pages = False


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Deprecated: the ``on_files`` of the hook file (``site/hooks/symkd_hook.py``) that
    ``symkd init`` wrote before the plugin existed; runs the plugin with its default options."""
    log.warning(f"the symkd hook file is deprecated: remove it from 'hooks:' in mkdocs.yml and add "
                f"'- {PLUGIN}' under 'plugins:' instead")
    _HOOK_PLUGIN.load_config({}, config.config_file_path)
    return _HOOK_PLUGIN.on_files(files, config=config)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Deprecated: the ``on_post_page`` of the old hook file (see :func:`on_files`)."""
    return _HOOK_PLUGIN.on_post_page(output, page=page, config=config)
