"""Loading the catalogue: the repository layout, every entry file, and their positions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from symkd_survey.core.extension import entry_model
from symkd_survey.core.ids import did_you_mean, is_valid_key
from symkd_survey.core.issues import Issue, SymkdError, error
from symkd_survey.core.model import Entry
from symkd_survey.core.taxonomy import Taxonomy, load_taxonomy
from symkd_survey.core.yamlio import YamlDocument, read_mapping

CATALOGUE_DIR = "catalogue"
TAXONOMY_FILE = "taxonomy.yaml"
ENTRY_SUFFIX = ".yaml"


@dataclass(frozen=True, slots=True)
class Repository:
    """Where a catalogue lives: the folder holding ``taxonomy.yaml`` and ``catalogue/``."""

    root: Path

    @property
    def catalogue_dir(self) -> Path:
        return self.root / CATALOGUE_DIR

    @property
    def taxonomy_file(self) -> Path:
        return self.root / TAXONOMY_FILE

    def display(self, file: Path) -> str:
        """A path as users see it: relative to the repository root where possible."""
        if str(file.parent) == str(self.catalogue_dir):
            return f"{CATALOGUE_DIR}/{file.name}"  # the common case, without path arithmetic
        try:  # the common case (files listed from the catalogue folder) needs no system call
            return file.relative_to(self.root).as_posix()
        except ValueError:
            pass
        try:
            return file.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(file)

    def entry_file(self, key: str) -> Path:
        if not is_valid_key(key):  # keys are validated slugs: no way out of the folder
            raise ValueError(f"invalid catalogue key {key!r}")
        return self.catalogue_dir / f"{key}{ENTRY_SUFFIX}"

    def load_taxonomy(self) -> Taxonomy:
        return load_taxonomy(self.taxonomy_file, self.display(self.taxonomy_file))

    def entry_model(self) -> type[Entry]:
        """The model of this catalogue's entries: :class:`Entry`, extended by the extensions
        ``taxonomy.yaml`` declares. A taxonomy that cannot be read gives the core model (its
        problems are reported when it is loaded)."""
        try:
            stat = self.taxonomy_file.stat()
        except OSError:
            return Entry
        return _entry_model(str(self.taxonomy_file), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _entry_model(taxonomy_file: str, mtime: int, size: int) -> type[Entry]:
    doc, _ = read_mapping(Path(taxonomy_file), taxonomy_file)
    names = doc.data.get("extensions") if doc is not None else None
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        return Entry
    return entry_model(names)


def find_repository(start: Path | None = None, explicit: Path | None = None) -> Repository:
    """The repository given by ``--root``, else the nearest folder upward from ``start``
    (the current directory) that holds ``taxonomy.yaml``."""
    if explicit is not None:
        if not (explicit / TAXONOMY_FILE).is_file():
            raise SymkdError([error("root", str(explicit), 0, f"no {TAXONOMY_FILE} in this folder",
                                    "point --root at a symkd-survey repository")])
        return Repository(explicit)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / TAXONOMY_FILE).is_file() and (folder / CATALOGUE_DIR).is_dir():
            return Repository(folder)
    raise SymkdError([error("root", str(here), 0, f"no {TAXONOMY_FILE} here or in any parent folder",
                            "run symkd inside a symkd-survey repository or pass --root DIR")])


@dataclass(slots=True)
class LoadedEntry:
    key: str
    path: str  # as displayed in messages
    entry: Entry
    doc: YamlDocument

    def line(self, *loc: str | int, key: bool = False) -> int:
        return self.doc.line_of(loc, key=key)


@dataclass(slots=True)
class Catalogue:
    entries: dict[str, LoadedEntry] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def __iter__(self) -> Iterator[LoadedEntry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def without_sources(self) -> Catalogue:
        """The same entries without the YAML they were read from (its values and the position of
        each), for a reader past validation that reports no lines (the site: about 100 MB less
        at 10,000 entries). Any line asked of an entry of it is line 1."""
        return Catalogue({key: LoadedEntry(item.key, item.path, item.entry, YamlDocument({}))
                          for key, item in self.entries.items()}, list(self.issues))


def _schema_issues(exc: ValidationError, doc: YamlDocument, path: str, model: type[Entry] = Entry) -> list[Issue]:
    issues: list[Issue] = []
    errors = exc.errors()
    # A misspelt field also makes the real one "missing": report the misspelling only.
    suggested = {
        (*tuple(e["loc"])[:-1], did_you_mean(str(e["loc"][-1]), _known_fields(tuple(e["loc"])[:-1], model)))
        for e in errors if e["type"] == "extra_forbidden"
    }
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "missing" and loc in suggested:
            continue
        dotted = ".".join(str(part) for part in loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            name = str(loc[-1])
            known = _known_fields(loc[:-1], model)
            close = did_you_mean(name, known)
            hint = f"did you mean '{close}'?" if close else f"known fields: {', '.join(known)}"
            issues.append(error("unknown-field", path, doc.line_of(loc, key=True), f"unknown field '{dotted}'", hint))
        elif kind == "missing":
            issues.append(error("missing-field", path, doc.line_of(loc[:-1]), f"missing required field '{dotted}'"))
        elif kind == "text":
            issues.append(error("text", path, doc.line_of(loc), f"{dotted}: {err['msg']}"))
        elif kind == "too_long":
            limit = err.get("ctx", {}).get("max_length")
            issues.append(error("size", path, doc.line_of(loc), f"field '{dotted}' has more than {limit} items"))
        elif kind == "list_type":
            issues.append(error("schema", path, doc.line_of(loc), f"field '{dotted}' must be a list",
                                'write [first, second] or one "- item" per line'))
        else:
            value = err.get("input")
            shown = f" (got {_show(value)})" if isinstance(value, (str, int)) else ""
            message = err["msg"].removeprefix("Value error, ")
            issues.append(error("schema", path, doc.line_of(loc), f"field '{dotted}': {message}{shown}"))
    return issues


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _known_fields(loc: tuple[Any, ...], entry: type[Entry] = Entry) -> list[str]:
    model: Any = entry
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        candidates = [a for a in getattr(annotation, "__args__", (annotation,)) if hasattr(a, "model_fields")]
        if not candidates:
            return []
        model = candidates[0]
    return list(model.model_fields)


def load_entry(file: Path, display: str, model: type[Entry] = Entry) -> tuple[LoadedEntry | None, list[Issue]]:
    """Load one entry file as ``model`` (the repository's :meth:`Repository.entry_model`);
    shape problems come back as issues, never as exceptions."""
    doc, issues = read_mapping(file, display)
    if doc is None:
        return None, issues
    try:
        entry = model.model_validate(doc.data)
    except ValidationError as exc:
        return None, _schema_issues(exc, doc, display, model)
    return LoadedEntry(file.name.removesuffix(ENTRY_SUFFIX), display, entry, doc), []


def entry_files(repo: Repository, paths: Iterable[Path] = ()) -> tuple[list[Path], list[Issue]]:
    """The entry files to read: the catalogue folder, or the given files and folders.

    Files that cannot be entries (wrong suffix, links, sub-folders) are reported.
    """
    targets = list(paths) or [repo.catalogue_dir]
    files: list[Path] = []
    issues: list[Issue] = []
    for target in targets:
        if target.is_dir() and not target.is_symlink():
            children = sorted(target.iterdir(), key=lambda child: child.name)
        elif target.exists() or target.is_symlink():
            children = [target]
        else:
            issues.append(error("io", str(target), 0, "no such file or folder"))
            continue
        for child in children:
            shown = repo.display(child)
            if child.name.startswith("."):
                continue
            if child.is_symlink():
                issues.append(error("file-name", shown, 0, "links are not allowed in the catalogue",
                                    "commit the entry itself"))
            elif child.is_dir():
                issues.append(error("file-name", shown, 0, "sub-folders are not allowed in the catalogue",
                                    f"put entries directly in {CATALOGUE_DIR}/"))
            elif child.suffix != ENTRY_SUFFIX:
                hint = f"rename it to {child.stem}{ENTRY_SUFFIX}" if child.suffix == ".yml" else ""
                issues.append(error("file-name", shown, 0, f"catalogue files end in '{ENTRY_SUFFIX}'", hint))
            else:
                files.append(child)
    return files, issues


def load_catalogue(repo: Repository, paths: Iterable[Path] = (), *, model: type[Entry] | None = None) -> Catalogue:
    """Read every entry as ``model`` (default: :meth:`Repository.entry_model`, which reads the
    extensions from ``taxonomy.yaml``; a caller holding the loaded taxonomy passes its model);
    keep each problem as an issue and go on with the next file."""
    files, issues = entry_files(repo, paths)
    catalogue = Catalogue(issues=issues)
    model = model or repo.entry_model()
    for file in files:
        loaded, problems = load_entry(file, repo.display(file), model)
        catalogue.issues.extend(problems)
        if loaded is None:
            continue
        if loaded.key in catalogue.entries:
            other = catalogue.entries[loaded.key].path
            catalogue.issues.append(error("key", loaded.path, 0, f"key '{loaded.key}' is already used by {other}"))
            continue
        catalogue.entries[loaded.key] = loaded
    return catalogue
