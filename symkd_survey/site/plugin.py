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

import logging
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from symkd_survey.core.catalogue import Repository
from symkd_survey.core.issues import Issue, SymkdError
from symkd_survey.site.generate import GENERATED_OUT_OF_NAV, generate_site
from symkd_survey.site.model import PLUGIN, SiteText, deprecated_text
from symkd_survey.site.search_index import index_site

log = logging.getLogger(f"mkdocs.plugins.{PLUGIN}")


class CatalogueError(PluginError):
    """The catalogue does not validate (or its search index fails); ``issues`` keeps every problem
    for ``symkd build``."""

    def __init__(self, issues: list[Issue], what: str = "the catalogue has errors; the site was not built") -> None:
        super().__init__(what + ":\n" +
                         "\n".join(issue.format() for issue in issues))
        self.issues = issues


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
    """Generates the catalogue's pages and files (:func:`generate_site`) into MkDocs' files, and
    inserts each paper page's ``citation_*`` meta tags into its ``<head>``."""

    def __init__(self) -> None:
        self._heads: dict[str, str] = {}
        """Extra ``<head>`` markup of generated pages (paper pages' citation tags), by source path."""

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
        try:
            generated = generate_site(self.repository(config), site_url=config.site_url, heads=self._heads,
                                      text=self.text(config))
        except SymkdError as exc:
            raise CatalogueError(exc.issues) from None
        for path, content in generated.items():
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)
            inclusion = (InclusionLevel.NOT_IN_NAV if path.startswith(GENERATED_OUT_OF_NAV)
                         else InclusionLevel.UNDEFINED)
            files.append(File.generated(config, path, content=content, inclusion=inclusion))
        return files

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Index the built site for search (Pagefind, :mod:`.search_index`): for ``symkd build``,
        ``mkdocs build`` and every rebuild of ``symkd serve`` alike."""
        try:
            index_site(Path(config.site_dir))
        except SymkdError as exc:
            raise CatalogueError(exc.issues, "the search index was not built") from None

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Insert a generated page's extra head markup (escaped when it was made) before ``</head>``."""
        head = self._heads.get(page.file.src_uri)
        if head is None or "</head>" not in output:
            return output
        return output.replace("</head>", head + "\n</head>", 1)


# --------------------------------------------------------------------------- old hook files

_HOOK_PLUGIN = SymkdPlugin()


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
