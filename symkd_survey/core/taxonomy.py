"""The survey's taxonomy (``taxonomy.yaml``): facets, nodes, aliases, and label lookup."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from symkd_survey.core.ids import did_you_mean, is_valid_key
from symkd_survey.core.issues import Issue, SymkdError, error
from symkd_survey.core.text import MAX_ITEMS, Label, Short, Summary
from symkd_survey.core.yamlio import YamlDocument, read_mapping

FACETS: tuple[str, ...] = ("method", "application", "area", "opportunity", "challenge")
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


class Facet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: Short
    description: Summary
    survey_section: Label | None = None
    nodes: list[TaxonomyNode] = Field(max_length=MAX_ITEMS)


class TaxonomyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int
    facets: dict[str, Facet]


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
    """The taxonomy validates itself: known facets, valid unique ids, no alias shared by two nodes."""
    issues: list[Issue] = []
    if data.schema_version != SCHEMA_VERSION:
        issues.append(error("taxonomy", path, doc.line_of(("schema_version",)),
                            f"schema_version {data.schema_version} is not supported",
                            f"this version of symkd reads schema_version {SCHEMA_VERSION}"))
    for missing in [f for f in FACETS if f not in data.facets]:
        issues.append(error("taxonomy", path, doc.line_of(("facets",)), f"facet '{missing}' is missing"))
    for facet_name, facet in data.facets.items():
        if facet_name not in FACETS:
            issues.append(error("taxonomy", path, doc.line_of(("facets", facet_name), key=True),
                                f"unknown facet '{facet_name}'", f"facets are {', '.join(FACETS)}"))
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
