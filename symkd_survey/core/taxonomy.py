"""The catalogue's taxonomy (``taxonomy.yaml``): facets, their roles, nodes, aliases, and label lookup.

Nothing here knows which facets a survey has: ``taxonomy.yaml`` declares them, each with
whether an entry must carry a label of it, and the ``roles`` block says which facets the
tools use for what (the two axes of the coverage matrix, the lanes and colours of the graph,
the filters of the papers table, the facets listed as open problems). Every other module asks
the :class:`Taxonomy` for these, so another survey with other facets works unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from symkd_survey.core.extension import is_known, known_extensions
from symkd_survey.core.ids import did_you_mean, is_valid_key
from symkd_survey.core.issues import Issue, SymkdError, error
from symkd_survey.core.text import MAX_ITEMS, Label, Short, Summary
from symkd_survey.core.yamlio import YamlDocument, read_mapping

SCHEMA_VERSION = 1


class TaxonomyNode(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Label
    label: Short
    aliases: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    survey_section: Label | None = None
    description: Summary
    extension: bool = False
    """True for nodes this project proposes beyond the survey's own taxonomy."""
    colour: Label | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")
    """The node's colour where its facet gives the graph's lanes (``#rrggbb``); grey when absent."""


class Facet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: Short
    description: Summary
    survey_section: Label | None = None
    required: bool = False
    """Every entry must carry at least one label of this facet."""
    nodes: list[TaxonomyNode] = Field(max_length=MAX_ITEMS)


class Roles(BaseModel):
    """Which declared facets the tools use for what. Each is optional: a catalogue without a
    ``roles`` block gets the coverage matrix of its first two facets, lanes by its first facet,
    every facet as a filter, and no open-problems page."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    matrix: list[Label] | None = Field(default=None, min_length=2, max_length=2)
    """Columns and rows of the coverage matrix (and of ``symkd stats`` and the graph's flow matrices)."""
    lanes: Label | None = None
    """The facet whose values give the graph's lanes and colours and the stacks of the year chart."""
    filters: list[Label] | None = Field(default=None, max_length=MAX_ITEMS)
    """The facets offered as filters of the papers table."""
    problems: list[Label] = Field(default_factory=list, max_length=MAX_ITEMS)
    """Facets whose values are open problems (listed on the site's problems page)."""


class TaxonomyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int
    facets: dict[Label, Facet] = Field(min_length=1, max_length=50)
    roles: Roles = Field(default_factory=Roles)
    extensions: list[Label] = Field(default_factory=list, max_length=20)
    """The catalogue's extensions (:mod:`symkd_survey.core.extension`): entry blocks and checks of its own."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """The outcome of looking a label up in one facet."""

    canonical: str | None  # the node id, when found
    via_alias: bool = False  # found through an alias (accepted, with a warning)
    suggestion: str | None = None  # for an unknown label: the closest node id


class Taxonomy:
    """Facets and nodes with O(1) label lookups, built once per run."""

    def __init__(self, data: TaxonomyFile) -> None:
        self.data = data

    @property
    def facets(self) -> dict[str, Facet]:
        return self.data.facets

    @cached_property
    def facet_names(self) -> tuple[str, ...]:
        """The declared facets, in the order of ``taxonomy.yaml``."""
        return tuple(self.data.facets)

    @cached_property
    def required(self) -> tuple[str, ...]:
        """The facets every entry must carry a label of."""
        return tuple(name for name, facet in self.facets.items() if facet.required)

    @cached_property
    def matrix(self) -> tuple[str, str] | None:
        """The (columns, rows) facets of the coverage matrix; None for a one-facet taxonomy."""
        chosen = self.data.roles.matrix or list(self.facet_names[:2])
        return (chosen[0], chosen[1]) if len(chosen) == 2 else None

    @cached_property
    def lanes(self) -> str:
        """The facet that gives the graph's lanes and colours."""
        return self.data.roles.lanes or self.facet_names[0]

    @cached_property
    def filters(self) -> tuple[str, ...]:
        """The facets offered as filters of the papers table."""
        return tuple(self.data.roles.filters if self.data.roles.filters is not None else self.facet_names)

    @property
    def extensions(self) -> tuple[str, ...]:
        """The names of the catalogue's extensions."""
        return tuple(self.data.extensions)

    @cached_property
    def problems(self) -> tuple[str, ...]:
        """The facets whose values are open problems."""
        return tuple(self.data.roles.problems)

    def colour(self, facet: str, node_id: str | None) -> str | None:
        """The colour of a node, if the taxonomy gives one."""
        node = self.node(facet, node_id) if node_id else None
        return node.colour if node is not None else None

    def facet_hint(self, name: str) -> str:
        """'did you mean' for an unknown facet name, or the list of facets."""
        close = did_you_mean(name, self.facet_names)
        return f"did you mean '{close}'?" if close else f"facets are {', '.join(self.facet_names)}"

    @cached_property
    def _ids(self) -> dict[str, dict[str, TaxonomyNode]]:
        return {name: {node.id: node for node in facet.nodes} for name, facet in self.facets.items()}

    @cached_property
    def _aliases(self) -> dict[str, dict[str, str]]:
        table: dict[str, dict[str, str]] = {}
        for name, facet in self.facets.items():
            lookup = table.setdefault(name, {})
            for node in facet.nodes:
                for alias in (node.label, *node.aliases):
                    lookup.setdefault(alias.casefold(), node.id)
        return table

    def node(self, facet: str, node_id: str) -> TaxonomyNode | None:
        return self._ids.get(facet, {}).get(node_id)

    def node_ids(self, facet: str) -> list[str]:
        return list(self._ids.get(facet, {}))

    def canonical(self, facet: str, labels: list[str]) -> list[str]:
        """The node ids that ``labels`` name, in order, without repeats or unknown labels."""
        found = (self.resolve(facet, label).canonical for label in labels)
        return list(dict.fromkeys(node for node in found if node is not None))

    def resolve(self, facet: str, label: str) -> Resolution:
        """Find the node a label names: its id, an alias or label (any case), or nothing.

        The suggestion for an unknown label is the closest id, label or alias.
        """
        ids = self._ids.get(facet, {})
        if label in ids:
            return Resolution(label)
        aliases = self._aliases.get(facet, {})
        found = aliases.get(label.casefold())
        if found is not None:
            return Resolution(found, via_alias=True)
        close = did_you_mean(label, [*ids, *aliases])
        if close is not None and close not in ids:
            close = aliases[close]
        return Resolution(None, suggestion=close)


def check_taxonomy(data: TaxonomyFile, doc: YamlDocument, path: str) -> list[Issue]:
    """The taxonomy validates itself: slug facet names, roles that name declared facets, valid
    unique ids, no alias shared by two nodes."""
    issues: list[Issue] = []
    if data.schema_version != SCHEMA_VERSION:
        issues.append(error("taxonomy", path, doc.line_of(("schema_version",)),
                            f"schema_version {data.schema_version} is not supported",
                            f"this version of symkd reads schema_version {SCHEMA_VERSION}"))
    roles = data.roles
    named: list[tuple[tuple[str | int, ...], str]] = [
        (("roles", "matrix", i), f) for i, f in enumerate(roles.matrix or [])]
    named += [(("roles", "lanes"), roles.lanes)] if roles.lanes else []
    named += [(("roles", "filters", i), f) for i, f in enumerate(roles.filters or [])]
    named += [(("roles", "problems", i), f) for i, f in enumerate(roles.problems)]
    for loc, facet_name in named:
        if facet_name not in data.facets:
            close = did_you_mean(facet_name, data.facets)
            issues.append(error("taxonomy", path, doc.line_of(loc), f"roles name an undeclared facet '{facet_name}'",
                                f"did you mean '{close}'?" if close else f"facets are {', '.join(data.facets)}"))
    if roles.matrix and roles.matrix[0] == roles.matrix[1]:
        issues.append(error("taxonomy", path, doc.line_of(("roles", "matrix")),
                            "the coverage matrix needs two different facets"))
    if data.extensions:
        for index, name in enumerate(data.extensions):
            if not is_known(name):
                known = known_extensions()
                close = did_you_mean(name, known)
                issues.append(error("taxonomy", path, doc.line_of(("extensions", index)), f"unknown extension '{name}'",
                                    f"did you mean '{close}'?" if close else f"known: {', '.join(known) or 'none'}"))
    for facet_name, facet in data.facets.items():
        if not is_valid_key(facet_name):
            issues.append(error("taxonomy", path, doc.line_of(("facets", facet_name), key=True),
                                f"facet name '{facet_name}' is not a slug",
                                "use lowercase letters, digits and hyphens"))
        owners: dict[str, str] = {}
        for index, node in enumerate(facet.nodes):
            line = doc.line_of(("facets", facet_name, "nodes", index, "id"))
            if not is_valid_key(node.id):
                issues.append(error("taxonomy", path, line, f"node id '{node.id}' is not a slug",
                                    "use lowercase letters, digits and hyphens"))
            if node.id in owners.values():
                issues.append(error("taxonomy", path, line, f"node id '{node.id}' appears twice in '{facet_name}'"))
            for name in dict.fromkeys([node.id, node.label, *node.aliases]):
                owner = owners.get(name.casefold())
                if owner is not None and owner != node.id:
                    issues.append(error("taxonomy", path, line,
                                        f"'{name}' of node '{node.id}' is already a label or alias of '{owner}'"))
                owners.setdefault(name.casefold(), node.id)
    return issues


def load_taxonomy(file: Path, display: str | None = None) -> Taxonomy:
    """Load and self-check ``taxonomy.yaml``; raise :class:`SymkdError` with every problem."""
    path = display or str(file)
    doc, issues = read_mapping(file, path)
    if doc is None:
        raise SymkdError(issues)
    try:
        data = TaxonomyFile.model_validate(doc.data)
    except ValidationError as exc:
        raise SymkdError([
            error("taxonomy", path, doc.line_of(tuple(err["loc"])),
                  f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}")
            for err in exc.errors()
        ]) from None
    problems = check_taxonomy(data, doc, path)
    if problems:
        raise SymkdError(problems)
    return Taxonomy(data)
