"""The model of the site: everything the pages need, gathered once per build, and what the site
says about its subject (:class:`SiteText`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from symkd_survey.analysis.people import Person, Venue, people, venues
from symkd_survey.analysis.similarity import SimilarWork, citation_neighbours, similar_works
from symkd_survey.checking.validate import validate
from symkd_survey.core.catalogue import Catalogue, Repository
from symkd_survey.core.issues import SymkdError
from symkd_survey.core.model import Entry
from symkd_survey.core.taxonomy import Taxonomy

PLUGIN = "symkd"
"""The MkDocs plugin's name in ``mkdocs.yml`` (its entry point in ``pyproject.toml``)."""


@dataclass(frozen=True, slots=True)
class SiteText:
    """What the site says about its subject, from the repository's ``mkdocs.yml``: ``site_name``
    (the title), and the ``heading`` and ``lead`` options of the ``symkd`` plugin (the home page's
    heading and opening paragraph; :class:`symkd_survey.site.plugin.SymkdConfig`). No template
    says what the catalogue is about.

    ``extra.symkd.heading`` and ``extra.symkd.lead``, where these lived before the plugin had
    options, are still read for what the options leave unset; the plugin warns that they are
    deprecated.
    """

    title: str = "Catalogue"
    heading: str | None = None
    lead: str | None = None

    @property
    def stem(self) -> str:
        """The title as a file-name stem, for the downloads and feed ids: ``symkd-survey``.

        >>> SiteText(title="Neural Architectures").stem, SiteText(title="  ").stem
        ('neural-architectures', 'catalogue')
        """
        return re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-") or "catalogue"

    @classmethod
    def from_config(cls, site_name: str | None, options: Mapping[str, Any], extra: Any = None) -> SiteText:
        """From ``site_name``, the plugin's ``options`` and the deprecated ``extra.symkd``.

        >>> SiteText.from_config("S", {"heading": "H", "lead": None}, {"symkd": {"lead": "old"}})
        SiteText(title='S', heading='H', lead='old')
        """
        old = deprecated_text(extra)
        heading = options.get("heading") or old.get("heading")
        lead = options.get("lead") or old.get("lead")
        return cls(title=str(site_name or "Catalogue"), heading=str(heading) if heading else None,
                   lead=str(lead) if lead else None)

    @classmethod
    def from_repository(cls, repo: Repository) -> SiteText:
        """Read from ``mkdocs.yml`` beside ``taxonomy.yaml`` (the defaults when it cannot be read)."""
        import yaml

        try:
            config = yaml.safe_load((repo.root / "mkdocs.yml").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return cls()
        config = config if isinstance(config, dict) else {}
        return cls.from_config(config.get("site_name"), plugin_options(config.get("plugins")), config.get("extra"))


def plugin_options(plugins: Any) -> dict[str, Any]:
    """The ``symkd`` plugin's options in a ``plugins:`` list (or mapping) of ``mkdocs.yml`` as YAML reads it.

    >>> plugin_options(["search", {"symkd": {"lead": "L"}}]), plugin_options(["symkd"]), plugin_options(None)
    ({'lead': 'L'}, {}, {})
    """
    items = plugins.items() if isinstance(plugins, Mapping) else (
        next(iter(item.items())) if isinstance(item, Mapping) and len(item) == 1 else (item, None)
        for item in plugins or ())
    for name, options in items:
        if name == PLUGIN:
            return dict(options) if isinstance(options, Mapping) else {}
    return {}


def deprecated_text(extra: Any) -> dict[str, str]:
    """``heading`` and ``lead`` of ``extra.symkd`` in ``mkdocs.yml`` (deprecated: now options of the plugin).

    >>> deprecated_text({"symkd": {"heading": "H", "other": 1}}), deprecated_text(None)
    ({'heading': 'H'}, {})
    """
    symkd = extra.get(PLUGIN) if isinstance(extra, Mapping) else None
    if not isinstance(symkd, Mapping):
        return {}
    return {name: str(symkd[name]) for name in ("heading", "lead") if symkd.get(name)}


@dataclass(slots=True)
class SiteModel:
    """Everything the pages need, computed once per build (linear in the catalogue)."""

    repo: Repository
    taxonomy: Taxonomy
    catalogue: Catalogue
    entries: dict[str, Entry]
    cited_by: dict[str, list[str]]
    graph: Any  # networkx.DiGraph of the catalogue (symkd_survey.analysis.graph.build_graph)
    similar: dict[str, list[SimilarWork]]
    bibtex: dict[str, str]
    biblatex: dict[str, str]
    csl: dict[str, dict[str, Any]]
    labels: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # key -> facet -> ids
    people: dict[str, Person] = field(default_factory=dict)  # slug -> person
    person_of: dict[str, Person] = field(default_factory=dict)  # author name as written -> person
    venues: dict[str, Venue] = field(default_factory=dict)  # slug -> venue
    cards: dict[tuple[str, int], str] = field(default_factory=dict)  # (key, page depth) -> <li> HTML
    citations: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> CSL style id -> safe HTML
    derived: dict[str, Any] = field(default_factory=dict)  # tables computed once from the model, by their maker

    def ordered_keys(self) -> list[str]:
        """Newest year first, then by key."""
        return sorted(self.entries, key=lambda k: (-self.entries[k].year, k))


def newest_additions(model: SiteModel) -> list[str]:
    """Every key, the newest addition first (by ``added``), papers added on one day by key."""
    return sorted(model.entries, key=lambda k: (-model.entries[k].added.toordinal(), k))


def _similar(graph: Any, entries: dict[str, Entry], labels: dict[str, dict[str, list[str]]], taxonomy: Taxonomy,
             top: int = 5) -> dict[str, list[SimilarWork]]:
    """Similar works of every paper from text, taxonomy and citations (:mod:`symkd_survey.analysis.similarity`)."""
    names = {node.id: node.label for facet in taxonomy.facets.values() for node in facet.nodes}
    texts = {key: (entry.title, entry.summary) for key, entry in entries.items()}
    return similar_works(texts, labels, names, taxonomy.matrix, citation_neighbours(graph), top=top)


def build_model(repo: Repository, *, bibtex: Callable[[Catalogue], dict[str, str]] | None = None,
                biblatex: Callable[[Catalogue], dict[str, str]] | None = None,
                csl: Callable[[Catalogue], dict[str, dict[str, Any]]] | None = None) -> SiteModel:
    """Validate, then gather what the pages need. Refuses to build on any error."""
    result = validate(repo)
    if result.errors:
        raise SymkdError(result.errors)
    catalogue, taxonomy = result.catalogue.without_sources(), result.taxonomy  # no page needs a line
    del result
    entries = {item.key: item.entry for item in catalogue}
    cited_by: dict[str, list[str]] = {key: [] for key in entries}
    for key, entry in entries.items():
        for cited in dict.fromkeys(entry.cites):
            if cited in cited_by and cited != key:
                cited_by[cited].append(key)
    from symkd_survey.analysis.graph.building import build_graph

    graph = build_graph(catalogue, taxonomy)
    labels = {key: {facet: taxonomy.canonical(facet, entry.labels(facet)) for facet in taxonomy.facet_names}
              for key, entry in entries.items()}
    if bibtex is None or biblatex is None or csl is None:
        exports = _exporters()
        bibtex, biblatex, csl = bibtex or exports["bibtex"], biblatex or exports["biblatex"], csl or exports["csl"]
    persons = people({key: entry.authors for key, entry in entries.items()})
    person_of = {name: person for person in persons.values() for name in person.names}
    return SiteModel(
        people=persons, person_of=person_of, venues=venues((key, e.venue) for key, e in entries.items()),
        repo=repo, taxonomy=taxonomy, catalogue=catalogue, entries=entries, cited_by=cited_by,
        graph=graph, similar=_similar(graph, entries, labels, taxonomy), bibtex=bibtex(catalogue),
        biblatex=biblatex(catalogue), csl=csl(catalogue), labels=labels,
    )


def _exporters() -> dict[str, Callable[[Catalogue], Any]]:
    from symkd_survey.exports.bibtex import entry_snippet
    from symkd_survey.exports.csl import to_csl

    def snippets(catalogue: Catalogue, dialect: Literal["bibtex", "biblatex"]) -> dict[str, str]:
        out: dict[str, str] = {}
        for item in catalogue:
            try:
                out[item.key] = entry_snippet(item, dialect)
            except SymkdError as exc:  # e.g. CJK text has no LaTeX form: say so on the page
                out[item.key] = f"% {dialect} export not possible: {exc.issues[0].message}\n"
        return out

    return {
        "bibtex": lambda c: snippets(c, "bibtex"),
        "biblatex": lambda c: snippets(c, "biblatex"),
        "csl": lambda c: {item.key: to_csl(item.key, item.entry) for item in c},
    }
