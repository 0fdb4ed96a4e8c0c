"""A second extension for the tests: a ``reading`` block (who read the paper, and when) and its check."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from symkd_survey.core.catalogue import LoadedEntry
from symkd_survey.core.extension import Extension
from symkd_survey.core.issues import Issue, warning
from symkd_survey.core.model import Entry, Strict
from symkd_survey.core.taxonomy import Taxonomy
from symkd_survey.core.text import NameText


class Reading(Strict):
    reader: NameText
    rating: int = Field(ge=1, le=5)


class ReadingEntry(Entry):
    reading: Reading | None = None


def check_rating(item: LoadedEntry, taxonomy: Taxonomy) -> Iterable[Issue]:
    reading = getattr(item.entry, "reading", None)
    if reading is not None and reading.rating == 1:
        yield warning("reading", item.path, item.line("reading", "rating"), "rated 1: is it in scope?")


EXTENSION = Extension(name="reading-notes", entry_model=ReadingEntry, entry_checks=(check_rating,))
