"""The site's search index: Pagefind, run over the built folder after MkDocs.

Pagefind splits the index into chunks, so a browser downloads only the parts a query needs
(a few hundred KB at 10,000 papers) instead of one index of every page. What is indexed is
marked in the pages: a paper page's ``<article data-pagefind-body>`` with its title, authors,
venue, key, summary and taxonomy labels, its ``data-pagefind-meta`` (key, year, authors) and a
``data-pagefind-filter`` per filter facet of the taxonomy (``roles.filters``) and the year;
aggregate pages are indexed at a low weight (:data:`AGGREGATE_WEIGHT`) so that papers rank above
them. Lists of paper cards and the citation blocks are left out (:data:`EXCLUDED`): a paper is
found by its own page, not by every page that lists it.

The binary comes from the ``pagefind[bin]`` wheel (``pagefind_bin``), or a ``pagefind`` on the
``PATH``; it runs with a time limit, and any failure is a ``search`` issue.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from symkd_survey.core.issues import SymkdError, error

OUTPUT_SUBDIR = "pagefind"
"""The index's folder inside the site; ``site/docs/assets/search.js`` loads ``pagefind/pagefind.js``."""

TIME_LIMIT = 600.0
"""Seconds Pagefind may take (about 10 s at 10,000 papers on the build machine)."""

AGGREGATE_WEIGHT = "0.1"
"""``data-pagefind-weight`` of aggregate pages (home, taxonomy nodes, authors, venues, timeline...)."""

EXCLUDED = (".symkd-list", ".symkd-cite", ".symkd-citations", ".symkd-graph-wrap", ".symkd-table",
            ".symkd-facts", ".symkd-paper > h2", ".symkd-paper > h3", ".symkd-empty", ".symkd-note", "svg",
            "canvas")
"""Selectors Pagefind skips: paper lists, citation blocks, graphs, the papers table, charts, and a
paper page's section headings and notes ("Cite", "Cited by", "Reference list not yet read")."""

INSTALL_HINT = "install it with pip install 'pagefind[bin]' (a dependency of symkd-survey)"


def pagefind_executable() -> Path:
    """The Pagefind binary: the one shipped by ``pagefind_bin``, else ``pagefind`` on the PATH."""
    try:
        import pagefind_bin  # type: ignore[import-untyped]  # the wheel has no type information

        return Path(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError):
        found = shutil.which("pagefind_extended") or shutil.which("pagefind")
        if found is None:
            raise SymkdError([error("search", "pagefind", 0, "Pagefind is not installed; the search index "
                                    "cannot be built", INSTALL_HINT)]) from None
        return Path(found)


def index_site(folder: Path, *, time_limit: float = TIME_LIMIT, executable: Path | None = None) -> int:
    """Build the search index of the site in ``folder`` into ``folder/pagefind/``; the number of
    pages indexed. Raises :class:`SymkdError` (check ``search``) when Pagefind is missing, fails,
    takes longer than ``time_limit`` seconds or writes no index."""
    binary = executable or pagefind_executable()
    command = [str(binary), "--site", str(folder), "--output-subdir", OUTPUT_SUBDIR,
               "--exclude-selectors", ", ".join(EXCLUDED), "--force-language", "en"]
    where = str(folder)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=time_limit, check=False,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise SymkdError([error("search", where, 0, f"Pagefind did not finish within {time_limit:g} s; the site "
                                "was not built", "look for a huge or looping page in the build")]) from None
    except OSError as exc:
        raise SymkdError([error("search", str(binary), 0, f"cannot run Pagefind: {exc.strerror or exc}",
                                INSTALL_HINT)]) from None
    if done.returncode != 0:
        said = (done.stderr.strip() or done.stdout.strip()).splitlines()[-5:]
        raise SymkdError([error("search", where, 0, f"Pagefind failed (exit {done.returncode}): "
                                + (" / ".join(said) or "no message"))])
    if not (folder / OUTPUT_SUBDIR / "pagefind.js").is_file():
        raise SymkdError([error("search", where, 0, "Pagefind wrote no index (pagefind/pagefind.js is missing)")])
    return _pages_indexed(done.stdout)


def _pages_indexed(report: str) -> int:
    """The page count of Pagefind's report ("Indexed 351 pages", "Indexed 1 page"), or 0.

    >>> _pages_indexed("Total:\\n  Indexed 1 language\\n  Indexed 351 pages\\n")
    351
    """
    for line in report.splitlines():
        words = line.split()
        if len(words) == 3 and words[0] == "Indexed" and words[2] in ("page", "pages") and words[1].isdigit():
            return int(words[1])
    return 0
