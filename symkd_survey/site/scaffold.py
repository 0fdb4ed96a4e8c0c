"""``symkd init``: a new, unrelated catalogue repository that validates, exports and builds at once.

:func:`init_repository` writes a skeleton ``taxonomy.yaml`` (the facets you name, each with two
example nodes, a ``roles`` block and a comment on every field), one example entry, an
``mkdocs.yml`` for this repository, the site sources the build needs, a CI workflow that runs
``symkd validate --strict``, a README and a ``.gitignore``.

All or nothing: every file is written into a temporary sibling folder, which is renamed to the
target at the end, so an interrupted or failed ``init`` leaves no half repository behind. A
folder that exists and is not empty is refused, untouched.

The site's JavaScript and CSS are not package data: they live in the ``site/`` folder of the
symkd-survey source checkout (beside the package), and are copied from there
(:func:`site_assets_folder`). A wheel install has no such folder and ``init`` says so.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import symkd_survey
from symkd_survey.core.catalogue import CATALOGUE_DIR, TAXONOMY_FILE
from symkd_survey.core.ids import is_valid_key
from symkd_survey.core.issues import SymkdError, error
from symkd_survey.core.model import Entry, entry_to_yaml
from symkd_survey.site.build import MKDOCS_FILE

DEFAULT_FACETS = ("topic", "approach")
EXAMPLE_KEY = "vaswani2017attention"
ASSETS = ("symkd.js", "symkd.css", "graph.js", "graph.css", "cite.js", "cite.css", "search.js", "search.css")
"""The files of ``site/docs/assets/`` the generated pages load."""
OVERRIDES = ("main.html", "404.html")
"""The theme overrides of ``site/overrides/`` (the feed link, the Pagefind search box, the 404 page),
copied from the checkout next to the assets."""


def site_assets_folder() -> Path:
    """``site/docs/assets`` of the symkd-survey source checkout that holds this package.

    The assets are not shipped inside the package (``pyproject.toml`` packages only
    ``symkd_survey/``), so they are found relative to it, as in a source or editable install.
    """
    return Path(symkd_survey.__file__).resolve().parent.parent / "site" / "docs" / "assets"


def _issue(folder: Path, message: str, hint: str = "") -> SymkdError:
    return SymkdError([error("init", str(folder), 0, message, hint)])


def _check_arguments(folder: Path, title: str, facets: Sequence[str]) -> None:
    if not title.strip() or "\n" in title:
        raise _issue(folder, "the title is empty or spans several lines", "give --title 'One line'")
    if not facets:
        raise _issue(folder, "no facet given", f"give at least one, e.g. --facet {DEFAULT_FACETS[0]}")
    for name in facets:
        if not is_valid_key(name):
            raise _issue(folder, f"facet name '{name}' is not a slug", "use lowercase letters, digits and hyphens")
    if len(set(facets)) != len(facets):
        raise _issue(folder, f"a facet is named twice: {', '.join(facets)}")
    if len(facets) > 10:
        raise _issue(folder, f"{len(facets)} facets is more than a skeleton needs", "start with two; add more later")
    if folder.exists() and not folder.is_dir():
        raise _issue(folder, "the path exists and is not a folder", "choose a new folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise _issue(folder, "the folder exists and is not empty; nothing was written",
                     "choose a new or empty folder")


# --------------------------------------------------------------------------- the files

def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _node_ids(facet: str) -> tuple[str, str]:
    return f"{facet}-one", f"{facet}-two"


def taxonomy_text(facets: Sequence[str]) -> str:
    """The skeleton ``taxonomy.yaml``: every field with a comment saying what it is for."""
    lines = [
        "# The taxonomy: the facets every catalogue entry is labelled by, and their values (nodes).",
        "# `symkd validate` checks every entry's `taxonomy:` block against this file. Rename the",
        "# facets and nodes below, and add as many as the subject needs.",
        "schema_version: 1  # the version of this file's format; leave it at 1",
        "",
        "# What the tools use each facet for. Every key is optional:",
        "#   matrix:   the two facets of the coverage matrix (columns, rows), also used by `symkd stats`",
        "#   lanes:    the facet whose nodes give the citation graph's lanes and colours",
        "#   filters:  the facets the papers table offers as filters (default: every facet)",
        "#   problems: facets whose nodes are open problems (listed on the site's problems page)",
        "roles:",
    ]
    if len(facets) >= 2:
        lines.append(f"  matrix: [{facets[0]}, {facets[1]}]")
    lines += [
        f"  lanes: {facets[0]}",
        f"  filters: [{', '.join(facets)}]",
        "  problems: []",
        "",
        "facets:",
    ]
    palette = ("#1f77b4", "#ff7f0e")
    for index, facet in enumerate(facets):
        lines += [
            f"  {facet}:  # the facet's name: what entries write under `taxonomy:` (lowercase, digits, hyphens)",
            f"    label: {_quote(facet.replace('-', ' ').capitalize())}  # how the site names the facet",
            f"    description: {_quote(f'What the {facet} of a work is; replace with a one-sentence definition.')}",
            f"    required: {'true' if index == 0 else 'false'}"
            "  # true: every entry must carry at least one label of this facet",
            "    nodes:  # the facet's values, each a page on the site",
        ]
        for number, node_id in enumerate(_node_ids(facet)):
            lines += [
                f"      - id: {_quote(node_id)}  # what entries write; never change it once used",
                f"        label: {_quote(node_id.replace('-', ' ').capitalize())}  # the name shown on the site",
                "        aliases: []  # other spellings accepted (with a warning) and mapped to the id",
                f"        description: {_quote(f'An example {facet}; replace it with a real one.')}",
            ]
            if index == 0:
                lines.append(f"        colour: {_quote(palette[number])}  # the lane colour in the graph (#rrggbb)")
    return "\n".join(lines) + "\n"


def example_entry_text(facets: Sequence[str], today: dt.date) -> str:
    """One entry that validates (``--strict``) against :func:`taxonomy_text`, in the canonical
    form ``symkd format`` writes (so ``symkd format --check`` passes too)."""
    entry = Entry.model_validate({
        "title": "Attention Is All You Need",
        "authors": ["Vaswani, Ashish", "Shazeer, Noam", "Parmar, Niki", "Uszkoreit, Jakob", "Jones, Llion",
                    "Gomez, Aidan N.", "Kaiser, Łukasz", "Polosukhin, Illia"],
        "year": 2017,
        "type": "inproceedings",
        "venue": "Advances in Neural Information Processing Systems 30 (NeurIPS 2017)",
        "pages": "5998--6008",
        "ids": {"arxiv": "1706.03762"},
        "primary_class": "cs.CL",
        "taxonomy": {facet: [_node_ids(facet)[0]] for facet in facets},
        "summary": "Replaces recurrence and convolution with attention alone, giving a sequence model that trains "
                   "faster and translates better.",
        "reference_list": {"state": "unread"},
        "source": "curated",
        "added": today.isoformat(),
    })
    return entry_to_yaml(entry)


def mkdocs_text(title: str) -> str:
    return f"""\
# The site. `symkd build` (or `mkdocs build --strict` from here) generates the catalogue pages
# through the `symkd` plugin below (installed with symkd-survey); site/docs holds hand-written
# pages and the assets, site/overrides the theme overrides.
site_name: {_quote(title)}
site_description: {_quote(f"{title}: a validated catalogue of papers")}
docs_dir: site/docs
site_dir: _site
use_directory_urls: false
strict: true

theme:
  name: material
  custom_dir: site/overrides
  font: false            # no web fonts from elsewhere
  features:
    - navigation.top

plugins:
  # The catalogue pages (and, after the build, the Pagefind search index), and what the home
  # page says about the subject. `catalogue:` (default: this folder) is the folder holding
  # taxonomy.yaml and catalogue/.
  - symkd:
      heading: {_quote(title)}
      lead: >-
        A validated catalogue of papers, labelled by the facets of taxonomy.yaml.

watch:
  - {CATALOGUE_DIR}
  - {TAXONOMY_FILE}

extra_css:
  - assets/symkd.css
  - assets/graph.css
  - assets/cite.css
  - assets/search.css
extra_javascript:
  - assets/symkd.js
  - assets/graph.js
  - assets/cite.js
  - assets/search.js

markdown_extensions:
  - attr_list
  - md_in_html
  - toc:
      permalink: false

validation:
  nav:
    omitted_files: info
  links:
    not_found: warn
    unrecognized_links: info

nav:
  - Home: index.md
  - Papers: papers.md
  - Coverage: coverage.md
  - Taxonomy: taxonomy.md
  - Citation graph: graph.md
  - Timeline: timeline.md
  - Downloads: downloads.md
  - Contributing: contributing.md
"""


CONTRIBUTING_TEXT = """\
# Contributing

1. **Add** a file `catalogue/<key>.yaml` (key: lowercase letters, digits and hyphens, e.g.
   family name + year + first title word); `symkd add ARXIV-ID` writes one from arXiv.
2. **Label** it with the facets of the [taxonomy](taxonomy.md) and write a one-sentence
   `summary` in your own words.
3. **Validate** with `symkd validate --strict`, then open a pull request.
"""

WORKFLOW_TEXT = """\
# Every push and pull request: the catalogue must validate without errors or warnings.
name: Validate

on:
  push:
  pull_request:
  workflow_dispatch:

permissions:
  contents: read

jobs:
  validate:
    name: symkd validate --strict
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-python@v6
        with:
          python-version: "3.11"
      - name: Install symkd
        # Pin the version (or the git source) of symkd-survey this catalogue is checked with.
        run: python -m pip install symkd-survey
      - name: Validate the catalogue
        run: symkd validate --strict
"""

GITIGNORE_TEXT = """\
.venv/
__pycache__/
*.pyc
/_site/
"""


def readme_text(title: str, facets: Sequence[str]) -> str:
    facet_list = ", ".join(f"`{f}`" for f in facets)
    labels = ", ".join(f"{f}: [{_node_ids(f)[0]}]" for f in facets)
    return f"""\
# {title}

A validated catalogue of papers: one YAML file per paper in `catalogue/`, labelled by the
facets of `taxonomy.yaml` ({facet_list}), exported as BibTeX, BibLaTeX, CSL-JSON and RIS, and
published as a static site. Made with [symkd](https://pypi.org/project/symkd-survey/).

## Add a paper

Write `catalogue/<key>.yaml` (the key: lowercase letters, digits and hyphens, such as
`vaswani2017attention`), or let `symkd add ARXIV-ID` write it from arXiv's record. Copy
`catalogue/{EXAMPLE_KEY}.yaml` for the fields; label the paper under `taxonomy:` with node
ids of `taxonomy.yaml` (`{{{labels}}}`), and list the catalogue papers it cites under `cites:`.

## Validate

    symkd validate --strict

Every problem is printed as `path:line: [check] message (hint)`; CI
(`.github/workflows/validate.yml`) runs the same command on every push and pull request.

## Export and build

    symkd export bibtex --out {title.lower().replace(" ", "-") or "catalogue"}.bib
    symkd build              # the site, into _site/
    symkd serve              # the site on http://127.0.0.1:8000/, rebuilt on every change

## Change the taxonomy

Rename or add facets and nodes in `taxonomy.yaml` (each field is explained there), then
update the entries' labels and run `symkd validate --strict`.
"""


def repository_files(title: str, facets: Sequence[str], today: dt.date) -> dict[str, str]:
    """Every text file of a new repository, by its path relative to the repository."""
    return {
        TAXONOMY_FILE: taxonomy_text(facets),
        f"{CATALOGUE_DIR}/{EXAMPLE_KEY}.yaml": example_entry_text(facets, today),
        MKDOCS_FILE: mkdocs_text(title),
        "site/docs/contributing.md": CONTRIBUTING_TEXT,
        ".github/workflows/validate.yml": WORKFLOW_TEXT,
        "README.md": readme_text(title, facets),
        ".gitignore": GITIGNORE_TEXT,
    }


# --------------------------------------------------------------------------- writing

def init_repository(folder: Path, *, title: str, facets: Sequence[str] = DEFAULT_FACETS,
                    today: dt.date | None = None, assets: Path | None = None) -> list[Path]:
    """Create a new catalogue repository in ``folder`` (new, or existing and empty); return
    the files written, sorted.

    ``facets`` names the taxonomy's example facets (the first two are the coverage matrix, the
    first gives the graph's lanes and is required). ``assets`` is the folder holding
    :data:`ASSETS` (default :func:`site_assets_folder`). Raises :class:`SymkdError` with an
    ``init`` issue, having written nothing, when the folder is not empty, an argument is
    invalid, the assets cannot be found, or writing fails.
    """
    folder = Path(folder)
    facets = tuple(facets)
    _check_arguments(folder, title, facets)
    source = assets or site_assets_folder()
    overrides = source.parent.parent / "overrides"
    missing = [name for name in ASSETS if not (source / name).is_file()]
    missing += [f"overrides/{name}" for name in OVERRIDES if not (overrides / name).is_file()]
    if missing:
        raise _issue(folder, f"the site assets ({', '.join(missing)}) are not in {source}",
                     "symkd init needs a source checkout of symkd-survey: pip install -e <checkout>")
    files = repository_files(title, facets, today or dt.date.today())
    parent = folder.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.init-", dir=parent))
    except OSError as exc:
        raise _issue(folder, f"cannot create the folder: {exc.strerror or exc}") from None
    try:
        for relative, text in files.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        (staging / "site" / "docs" / "assets").mkdir(parents=True, exist_ok=True)
        for name in ASSETS:
            shutil.copyfile(source / name, staging / "site" / "docs" / "assets" / name)
        (staging / "site" / "overrides").mkdir(parents=True, exist_ok=True)
        for name in OVERRIDES:
            shutil.copyfile(overrides / name, staging / "site" / "overrides" / name)
        staging.chmod(0o777 & ~_umask())
        _move_into_place(staging, folder)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _issue(folder, f"cannot write the repository: {exc.strerror or exc}; nothing was written") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    written = [*files, *(f"site/docs/assets/{name}" for name in ASSETS),
               *(f"site/overrides/{name}" for name in OVERRIDES)]
    return sorted(folder / relative for relative in written)


def _umask() -> int:
    """The process's umask (mkdtemp makes its folder private; the repository should not be)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _move_into_place(staging: Path, folder: Path) -> None:
    """Rename the finished staging folder to ``folder``; an empty ``folder`` is replaced."""
    if folder.is_dir():
        if any(folder.iterdir()):  # filled while we were writing
            raise FileExistsError(f"{folder} is no longer empty")
        folder.rmdir()
    staging.rename(folder)
