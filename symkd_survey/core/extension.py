"""A catalogue's extension: entry blocks and checks of one survey, declared in ``taxonomy.yaml``.

The core knows the fields every catalogue has. A survey that records more about its works
(this catalogue records where the survey cites each work, its Table III and IV rows, errata
and the distillation facts) declares an extension by name in ``taxonomy.yaml``::

    extensions: [skd-survey]

An extension is an :class:`Extension`: an entry model that subclasses
:class:`~symkd_survey.core.model.Entry` with the extra blocks (validated by their own schema,
written right after ``taxonomy``), and the entry checks that go with them. The extensions this
package ships are named in :data:`BUILTIN`; other packages register theirs under the entry-point
group ``symkd_survey.extensions``. Neither is imported until a catalogue names it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from pydantic import create_model

from symkd_survey.core.model import Entry

if TYPE_CHECKING:
    from symkd_survey.core.catalogue import LoadedEntry
    from symkd_survey.core.issues import Issue
    from symkd_survey.core.taxonomy import Taxonomy

EntryCheck = Callable[["LoadedEntry", "Taxonomy"], Iterable["Issue"]]

BUILTIN: dict[str, str] = {"skd-survey": "symkd_survey.extensions.skd_survey"}
"""Extensions shipped with the package: name -> module holding ``EXTENSION``."""
ENTRY_POINT_GROUP = "symkd_survey.extensions"


@dataclass(frozen=True, slots=True)
class Extension:
    """The blocks and checks one survey adds to every entry of its catalogue."""

    name: str
    entry_model: type[Entry]
    """A subclass of :class:`Entry` adding the extension's blocks."""
    entry_checks: tuple[EntryCheck, ...] = ()
    description: str = ""


def known_extensions() -> list[str]:
    """The names a catalogue can declare: the shipped ones and those registered by entry point."""
    from importlib.metadata import entry_points

    return sorted({*BUILTIN, *(point.name for point in entry_points(group=ENTRY_POINT_GROUP))})


def is_known(name: str) -> bool:
    """Whether some package provides the extension (the shipped ones without reading entry points)."""
    return name in BUILTIN or name in known_extensions()


@cache
def find_extension(name: str) -> Extension | None:
    """The extension of that name, imported on first use; None when no package provides it."""
    if name in BUILTIN:
        found = importlib.import_module(BUILTIN[name]).EXTENSION
    else:
        from importlib.metadata import entry_points

        points = [point for point in entry_points(group=ENTRY_POINT_GROUP) if point.name == name]
        if not points:
            return None
        found = points[0].load()
    if not isinstance(found, Extension):
        raise TypeError(f"extension {name!r} does not provide an Extension")  # a packaging bug, not user input
    return found


def extensions_of(names: Sequence[str]) -> tuple[Extension, ...]:
    """The extensions of those names that exist (unknown names are the taxonomy check's to report)."""
    return tuple(ext for ext in (find_extension(name) for name in dict.fromkeys(names)) if ext is not None)


@cache
def _combined(models: tuple[type[Entry], ...]) -> type[Entry]:
    if not models:
        return Entry
    if len(models) == 1:
        return models[0]
    # the first declared extension last among the bases: pydantic orders fields from the last base up
    combined: Any = create_model("ExtendedEntry", __base__=tuple(reversed(models)))
    return cast("type[Entry]", combined)


def entry_model(names: Sequence[str]) -> type[Entry]:
    """The entry model of a catalogue with these extensions: :class:`Entry` when there are none."""
    return _combined(tuple(ext.entry_model for ext in extensions_of(names)))
