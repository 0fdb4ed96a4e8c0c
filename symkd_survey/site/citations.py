"""Formatted citations for the paper pages: APA, IEEE and ACL, by citeproc-py, from the same
CSL-JSON the downloads hold (:func:`symkd_survey.exports.csl.to_csl`).

Three things make this affordable at 10,000 papers:

- **each style is parsed once** per process and citeproc-py's structural look-ups are memoised
  (:func:`_memoise_citeproc`): it searches the style's XML with XPath for every macro, term and
  option each time an item is rendered, and asks every element again whether it calls a
  variable, although the style never changes;
- **items are rendered in batches**, one bibliography per batch, without sorting and without
  disambiguation (a paper's page shows its citation alone: no year suffix, no number), and in
  several processes when many are to be rendered (:data:`PARALLEL_FROM`);
- **rendered citations are cached between builds** under the content hash of the item and the
  style (:class:`CitationCache`), so a rebuild renders only what changed.

Safety: the entries are untrusted and citeproc-py's HTML formatter is not a sanitiser. Items are
rendered with a formatter of our own that writes no markup at all: it marks formatting with two
non-characters (which the text rule keeps out of every entry, and which are also removed from
the items here); the whole output is then HTML-escaped and only then are the marks turned into
the few tags below (:func:`to_html`). Cached citations are read back only if they pass
:func:`is_safe_fragment`.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from symkd_survey.core.fileio import atomic_write

STYLE_DIR = Path(__file__).parent / "styles"
RENDERER_VERSION = "1"
"""Part of every cache key: raise it when the rendering here changes."""
BATCH = 200
"""Items per bibliography (and per task of a worker process)."""
PARALLEL_FROM = 1500
"""Render in worker processes when at least this many items are not cached."""
CACHE_LIMIT = 64 * 1024 * 1024
"""A cache file larger than this is not read (it is rewritten by the next build)."""


@dataclass(frozen=True, slots=True)
class Style:
    id: str
    """The style's short name on the page and in cache file names: ``apa``."""
    label: str
    """The button's text: ``APA``."""
    file: str
    """The CSL file in :data:`STYLE_DIR`."""

    @property
    def path(self) -> Path:
        return STYLE_DIR / self.file

    @property
    def digest(self) -> str:
        """The style file's content, citeproc-py's version and the renderer's, hashed."""
        return _digest(self.file)


@functools.cache
def _digest(file: str) -> str:
    from citeproc import __version__

    data = (STYLE_DIR / file).read_bytes() + f"\0{__version__}\0{RENDERER_VERSION}".encode()
    return hashlib.sha256(data).hexdigest()[:16]


STYLES = (
    Style("apa", "APA", "apa.csl"),
    Style("ieee", "IEEE", "ieee.csl"),
    Style("acl", "ACL", "association-for-computational-linguistics.csl"),
)

# ------------------------------------------------------------------ markup that text cannot forge

_OPEN, _CLOSE = "\ufdd0", "\ufdd1"  # non-characters: refused in entries by the text rule
_TAGS = {"i": ("<i>", "</i>"), "b": ("<b>", "</b>"), "u": ("<u>", "</u>"), "sup": ("<sup>", "</sup>"),
         "sub": ("<sub>", "</sub>"), "sc": ('<span class="symkd-sc">', "</span>"),
         "light": ('<span class="symkd-light">', "</span>")}
_MARK = re.compile(f"{_OPEN}(/?)([a-z]+){_CLOSE}")


def _wrapper(tag: str) -> Any:
    def wrap(text: Any) -> str:
        return f"{_OPEN}{tag}{_CLOSE}{text}{_OPEN}/{tag}{_CLOSE}"
    return wrap


class _MarkFormatter:
    """A citeproc-py formatter (its module interface) that writes marks instead of markup."""

    Italic = Oblique = staticmethod(_wrapper("i"))
    Bold = staticmethod(_wrapper("b"))
    Light = staticmethod(_wrapper("light"))
    Underline = staticmethod(_wrapper("u"))
    Superscript = staticmethod(_wrapper("sup"))
    Subscript = staticmethod(_wrapper("sub"))
    SmallCaps = staticmethod(_wrapper("sc"))

    @staticmethod
    def preformat(text: Any) -> str:
        return str(text)


def to_html(marked: str) -> str:
    """citeproc output written with :class:`_MarkFormatter` as safe HTML: everything escaped,
    then the formatting marks made tags.

    >>> to_html("\ufdd0i\ufdd1<b>A</b> & B\ufdd0/i\ufdd1")
    '<i>&lt;b&gt;A&lt;/b&gt; &amp; B</i>'
    """
    escaped = html.escape(marked, quote=True)
    return _MARK.sub(lambda m: _TAGS[m.group(2)][1 if m.group(1) else 0] if m.group(2) in _TAGS else "", escaped)


_SAFE_TAG = re.compile(r'</?(?:i|b|u|sup|sub)>|<span class="symkd-(?:sc|light)">|</span>')
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#x27);")


def is_safe_fragment(text: object) -> bool:
    """True when ``text`` holds only the tags :func:`to_html` writes and escaped text.

    >>> is_safe_fragment("<i>A</i> &amp; B"), is_safe_fragment("<script>x</script>"), is_safe_fragment("a & b")
    (True, False, False)
    """
    if not isinstance(text, str):
        return False
    rest = _ENTITY.sub("", _SAFE_TAG.sub("", text))
    return not any(ch in rest for ch in "<>&\"'" + _OPEN + _CLOSE)


# ------------------------------------------------------------------ citeproc-py, made fast


@functools.cache
def _memoise_citeproc() -> None:
    """Memoise citeproc-py's look-ups in the (never changing) style trees, once per process.

    ``xpath_search`` (macros, terms, layouts, dates), ``get_root``, the child look-up behind
    attribute access and ``calls_variable`` depend only on the element they are asked of; lxml
    keeps one proxy per element while it is referenced, and the caches hold them, so an element
    is its own key. The caches grow with the styles used, not
    with the items rendered.
    """
    from citeproc import model

    found: dict[tuple[Any, str], Any] = {}
    search = model.CitationStylesElement.xpath_search

    def xpath_search(self: Any, expression: str) -> Any:
        key = (self, expression)
        result = found.get(key)
        if result is None:
            result = found[key] = search(self, expression)
        return result

    model.CitationStylesElement.xpath_search = xpath_search
    roots: dict[Any, Any] = {}

    def get_root(self: Any) -> Any:
        root = roots.get(self)
        if root is None:
            root = roots[self] = self.getroottree().getroot()
        return root

    model.CitationStylesElement.get_root = get_root
    children: dict[tuple[Any, str], Any] = {}
    missing = object()

    def child(self: Any, name: str) -> Any:  # SomewhatObjectifiedElement.__getattr__: the child cs:NAME
        key = (self, name)
        found_child = children.get(key, missing)
        if found_child is missing:
            found_child = children[key] = self.find("cs:" + name, self.nsmap)
        return found_child

    model.SomewhatObjectifiedElement.__getattr__ = child
    for cls in list(vars(model).values()):
        if isinstance(cls, type) and "calls_variable" in cls.__dict__:
            setattr(cls, "calls_variable", _memoised(cls.__dict__["calls_variable"]))  # noqa: B010


def _memoised(method: Any) -> Any:
    answers: dict[Any, bool] = {}

    def calls_variable(self: Any) -> bool:
        answer = answers.get(self)
        if answer is None:
            answer = answers[self] = method(self)
        return answer

    return calls_variable


@functools.cache
def _style(file: str) -> Any:
    """The parsed style (once per process)."""
    from citeproc import CitationStylesStyle

    _memoise_citeproc()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(str(STYLE_DIR / file), validate=False)


@functools.cache
def _item_class() -> Any:
    from citeproc import CitationItem

    class StandaloneItem(CitationItem):  # type: ignore[misc]  # citeproc-py is untyped
        """A citation item shown alone: number 1 (citeproc-py looks the position up in a list each
        time, quadratic in a batch), and its reference looked up once, not at every variable."""

        @property
        def number(self) -> int:
            return 1

        @functools.cached_property
        def reference(self) -> Any:
            return self.citation.bibliography.source[self.key]

    return StandaloneItem


_CSL_FIELDS = ("id", "type", "title", "author", "issued", "container-title", "volume", "issue", "page",
               "publisher", "publisher-place", "genre", "number", "DOI", "URL", "note")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(_OPEN, "").replace(_CLOSE, "")
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def render_batch(file: str, items: list[dict[str, Any]]) -> dict[str, str]:
    """Each item's citation in the style ``file``, as safe HTML, by item id. An item citeproc-py
    cannot render is left out (the page then offers the other styles and BibTeX)."""
    from citeproc import Citation, CitationStylesBibliography
    from citeproc.source.json import CiteProcJSON

    style = _style(file)
    cleaned = [{k: _clean(v) for k, v in item.items() if k in _CSL_FIELDS} for item in items]
    out: dict[str, str] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about variables it does not know
        bibliography = CitationStylesBibliography(style, CiteProcJSON(cleaned), _MarkFormatter)
        item_class = _item_class()
        for item in cleaned:
            bibliography.register(Citation([item_class(item["id"])]))
        for cite in bibliography.items:
            try:
                rendered = style.render_bibliography([cite])
            except Exception:  # noqa: BLE001  # a style that fails on one odd item fails only that item
                continue
            if rendered:
                text = to_html(str(rendered[0]))
                out[cite.key] = re.sub(r"^\[1\]\s*", "", text) if file == "ieee.csl" else text
    return out


def _render_all(file: str, items: list[dict[str, Any]], workers: int) -> dict[str, str]:
    batches = [items[n:n + BATCH] for n in range(0, len(items), BATCH)]
    out: dict[str, str] = {}
    if workers > 1 and len(items) >= PARALLEL_FROM:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawn, not fork: the build may have threads (a test's HTTP server, MkDocs' watcher)
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            for part in pool.map(render_batch, [file] * len(batches), batches):
                out.update(part)
        return out
    for batch in batches:
        out.update(render_batch(file, batch))
    return out


# ------------------------------------------------------------------ the cache between builds


def item_hash(item: Mapping[str, Any]) -> str:
    """The content hash of one CSL-JSON item (its canonical JSON).

    >>> item_hash({"id": "a", "title": "T"}) == item_hash({"title": "T", "id": "a"})
    True
    """
    text = json.dumps(item, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


class CitationCache:
    """Rendered citations of one style by item hash, in one JSON file per style and style
    version under ``folder``. A missing, unreadable or oversized file is an empty cache; an
    entry that is not a safe fragment is ignored. :meth:`save` keeps only what this build used."""

    def __init__(self, folder: Path | None, style: Style) -> None:
        self.file = folder / f"{style.id}-{style.digest}.json" if folder is not None else None
        self.known: dict[str, str] = {}
        if self.file is not None:
            try:
                if self.file.stat().st_size <= CACHE_LIMIT:
                    data = json.loads(self.file.read_text(encoding="utf-8"))
                    if isinstance(data, dict):
                        self.known = {k: v for k, v in data.items() if isinstance(k, str) and is_safe_fragment(v)}
            except (OSError, ValueError):
                self.known = {}

    def save(self, used: Mapping[str, str]) -> None:
        if self.file is None or dict(used) == self.known:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.file, json.dumps(dict(sorted(used.items())), ensure_ascii=False, indent=0) + "\n")
        except OSError:
            pass  # a cache that cannot be written only costs time


def default_cache_folder() -> Path:
    """``citations/`` in the user cache folder (``SYMKD_CACHE_DIR`` when set)."""
    override = os.environ.get("SYMKD_CACHE_DIR")
    if override:
        return Path(override) / "citations"
    import platformdirs

    return Path(platformdirs.user_cache_dir("symkd-survey")) / "citations"


@dataclass(slots=True)
class CitationStats:
    """What one :func:`format_citations` call did, for benchmarks and the build log."""

    rendered: int = 0
    cached: int = 0


def format_citations(items: Mapping[str, Mapping[str, Any]], *, cache_folder: Path | None = None,
                     styles: Iterable[Style] = STYLES, workers: int | None = None,
                     stats: CitationStats | None = None) -> dict[str, dict[str, Markup]]:
    """Every item's citation in every style: ``key -> style id -> HTML`` (safe to insert).

    ``cache_folder`` None caches nothing. ``workers`` defaults to the machine's processors.
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    out: dict[str, dict[str, Markup]] = {key: {} for key in items}
    hashes = {key: item_hash(item) for key, item in items.items()}
    for style in styles:
        cache = CitationCache(cache_folder, style)
        used: dict[str, str] = {}
        missing: list[dict[str, Any]] = []
        for key, item in items.items():
            cached = cache.known.get(hashes[key])
            if cached is None:
                missing.append({**item, "id": key})
            else:
                used[hashes[key]] = cached
        fresh = _render_all(style.file, missing, workers) if missing else {}
        for key, text in fresh.items():
            used[hashes[key]] = text
        if stats is not None:
            stats.rendered += len(fresh)
            stats.cached += len(items) - len(missing)
        for key in items:
            shown = used.get(hashes[key])
            if shown is not None:
                out[key][style.id] = Markup(shown)  # escaped by to_html or checked by is_safe_fragment
        cache.save(used)
    return out
