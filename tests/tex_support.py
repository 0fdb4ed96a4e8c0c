"""Helpers for the export tests: hostile entries, decoding LaTeX back, compiling with TeX.

The compile helpers run the real tools (pdflatex, bibtex, biber) in a temporary folder and
return everything a test needs to judge the result: exit statuses, the ``.blg`` transcript
and the final ``.log``. Tests using them are marked ``tex`` and skipped, with the reason,
where a tool is missing.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from pylatexenc.latex2text import (  # type: ignore[import-untyped]  # pylatexenc ships no types
    LatexNodes2Text,
    MacroTextSpec,
    get_default_latex_context_db,
)

from symkd_survey.core.catalogue import Repository
from symkd_survey.core.fileio import create_exclusive
from symkd_survey.core.latex import UNICODE_TO_LATEX
from symkd_survey.core.model import Entry, entry_to_yaml

PDFLATEX, BIBTEX, BIBER = (shutil.which(tool) for tool in ("pdflatex", "bibtex", "biber"))
KPSEWHICH = shutil.which("kpsewhich")
TIMEOUT = 600

needs_pdflatex = pytest.mark.skipif(PDFLATEX is None, reason="pdflatex is not installed (Debian: texlive-latex-base)")
needs_bibtex = pytest.mark.skipif(
    PDFLATEX is None or BIBTEX is None,
    reason="pdflatex and bibtex are not installed (Debian: texlive-latex-base, texlive-latex-recommended)")


def _has_biblatex() -> bool:
    if KPSEWHICH is None:
        return False
    found = subprocess.run([KPSEWHICH, "biblatex.sty"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


needs_biber = pytest.mark.skipif(
    PDFLATEX is None or BIBER is None or not _has_biblatex(),
    reason="pdflatex, biber and biblatex are not all installed (Debian: biber, texlive-bibtex-extra)")


# --------------------------------------------------------------------------- hostile entries

def _entry(**fields: object) -> Entry:
    base: dict[str, object] = {"year": 2023, "source": "curated", "added": dt.date(2026, 11, 28)}
    base.update(fields)
    return Entry.model_validate(base)


def hostile_entries() -> dict[str, Entry]:
    """Entries whose every text field holds what breaks naive BibTeX writers; all valid."""
    return {
        "zz-hostile-specials": _entry(
            title="Q&A at 100% for #1: the_x costs $5 ~ ^ \\ with {braces}, <tags> | pipes, GPT-3 and LLaMA",
            authors=["O'Neil, Cathy", "Müller, Klaus-Robert", "Trębacz, Maja", "Kaiser, Łukasz",
                     "Seßler, Kathrin", "Carreira-Perpiñán, Miguel Á.", "Buciluǎ, Cristian", "Ørsted, Hans",
                     "Çelik, Ayşe", "de Masson d'Autume, Cyprien"],
            type="inproceedings",
            venue="Proc. of R&D #5 — “Quoted” Workshop – 2023… 50% off_",
            publisher="ACM & IEEE", address="Zürich", pages="1--10", number="7", volume="3",
            note="Note with ~tilde, ^caret and 10$",
            ids={"arxiv": "2401.99999", "doi": "10.9999/a_b%c#d"},
            primary_class="cs.CL",
            links={"url": "https://example.org/a_b%20c?q=1&r=2#frag~x"},
        ),
        "zz-hostile-corporate": _entry(
            title="Über-Models: ČSFD, Ærø and Straße in Łódź",
            authors=["BigScience Workshop", "R&D Team #1", "Smith, Jane", "others"],
            type="misc", note="GitHub repository", links={"url": "https://github.com/example/a_b"},
        ),
        "zz-hostile-override": _entry(
            title="The iPhone of LLMs: a Case",
            authors=["Doe, John"],
            type="article", venue="Journal of {Braces} & Co", volume="1", number="2", pages="3--4",
            bibtex={"title": "The {iPhone} of {LLMs}: a {C}ase"},
        ),
        "zz-hostile-report": _entry(
            title="A Report with 5% Margins", authors=["Roe, Richard"], type="techreport",
            publisher="Institute of Σ & Π", number="TR-1", links={"url": "https://example.org/tr"},
        ),
        "zz-hostile-thesis": _entry(
            title="A Thesis on Caf\u00e9s", authors=["Núñez, José"], type="phdthesis", venue="Universität Wien",
            year=2020,
        ),
        "zz-hostile-book": _entry(
            title="The Book of T5", authors=["Gauß, Carl Friedrich"], type="book", publisher="Springer",
            address="Berlin", venue="Lecture Notes in Something", volume="12",
        ),
        "zz-hostile-online": _entry(
            title="An Online Post about RLHF", authors=["OpenAI"], type="online",
            links={"url": "https://openai.com/blog/x"}, year=2022,
        ),
        "zz-hostile-chapter": _entry(
            title="A Chapter", authors=["Poe, Edgar Allan"], type="incollection", venue="A Collected Volume",
            publisher="Springer", pages="100--120",
        ),
    }


CJK_ENTRY = _entry(title="大语言模型的符号知识蒸馏", authors=["Wang, Wei", "李, 明"], type="misc",
                   links={"url": "https://example.cn/x"})


def add_entries(repo: Repository, entries: dict[str, Entry]) -> None:
    for key, entry in entries.items():
        create_exclusive(repo.entry_file(key), entry_to_yaml(entry))


# --------------------------------------------------------------------------- decoding

def _decoder() -> LatexNodes2Text:
    context = get_default_latex_context_db().filter_context()
    # pylatexenc drops \$ and does not know these text commands; LaTeX typesets them as shown.
    context.add_context_category("symkd-export", prepend=True, macros=[
        MacroTextSpec("$", "$"), MacroTextSpec("textless", "<"), MacroTextSpec("textgreater", ">"),
        MacroTextSpec("textbar", "|"), MacroTextSpec("textasciicircum", "^"), MacroTextSpec("S", "§"),
        MacroTextSpec("P", "¶"), MacroTextSpec("pounds", "£"), MacroTextSpec("textperiodcentered", "·"),
    ])
    return LatexNodes2Text(latex_context=context, math_mode="text", strict_latex_spaces=True)


_DECODER = _decoder()


def decode_latex(text: str) -> str:
    """LaTeX to the Unicode text it typesets (braces gone, commands resolved)."""
    return str(_DECODER.latex_to_text(text))


# Characters that LaTeX writes as a typographic equivalent (a thin space as "\,", a closing
# quote as "'"): after a round trip through LaTeX they come back as that equivalent.
EQUIVALENT = {char: decode_latex(latex) for char, latex in UNICODE_TO_LATEX.items()
              if decode_latex(latex) != char}


def typeset_form(text: str) -> str:
    return "".join(EQUIVALENT.get(char, char) for char in text)


# --------------------------------------------------------------------------- compiling

@dataclass
class Compiled:
    statuses: dict[str, int]
    blg: str
    log: str
    transcript: str  # every tool's output, for failure messages

    def undefined_citations(self) -> list[str]:
        return re.findall(r"Citation `([^']+)' (?:on page \d+ )?undefined", self.log)

    def tex_errors(self) -> list[str]:
        return [line for line in self.log.splitlines() if line.startswith("!")]


_PREAMBLE = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\IfFileExists{lmodern.sty}{\usepackage{lmodern}}{}
\usepackage{url}
"""


def _cites(keys: list[str]) -> str:
    return "\n".join(f"\\cite{{{key}}}" for key in keys)


def _run(steps: list[tuple[str, list[str]]], folder: Path) -> tuple[dict[str, int], str]:
    statuses: dict[str, int] = {}
    transcript: list[str] = []
    for label, command in steps:
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, errors="replace",
                              timeout=TIMEOUT, check=False)
        statuses[label] = done.returncode
        transcript.append(f"$ {' '.join(command)} -> {done.returncode}\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return statuses, "\n".join(transcript)


def compile_text(folder: Path, body: str) -> Compiled:
    """pdflatex on a document holding ``body``."""
    assert PDFLATEX is not None
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "doc.tex").write_text(_PREAMBLE + "\\begin{document}\n" + body + "\n\\end{document}\n",
                                    encoding="utf-8")
    statuses, transcript = _run([("pdflatex", [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error",
                                               "doc.tex"])], folder)
    return Compiled(statuses, "", _read(folder / "doc.log"), transcript)


def compile_with_bibtex(folder: Path, bib: str, keys: list[str], style: str = "plain") -> Compiled:
    """pdflatex, bibtex, pdflatex, pdflatex on a document that cites every key."""
    assert PDFLATEX is not None and BIBTEX is not None
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    (folder / "doc.tex").write_text(
        _PREAMBLE + "\\begin{document}\n" + _cites(keys) + f"\n\\bibliographystyle{{{style}}}\n"
        "\\bibliography{refs}\n\\end{document}\n", encoding="utf-8")
    latex = [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    statuses, transcript = _run([("pdflatex-1", latex), ("bibtex", [BIBTEX, "doc"]), ("pdflatex-2", latex),
                                 ("pdflatex-3", latex)], folder)
    return Compiled(statuses, _read(folder / "doc.blg"), _read(folder / "doc.log"), transcript)


def compile_with_biber(folder: Path, bib: str, keys: list[str], *, validate_datamodel: bool = False) -> Compiled:
    """pdflatex, biber, pdflatex, pdflatex with biblatex on a document that cites every key."""
    assert PDFLATEX is not None and BIBER is not None
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    (folder / "doc.tex").write_text(
        _PREAMBLE + _unicode_declarations(bib) +
        "\\usepackage[backend=biber,style=numeric]{biblatex}\n\\addbibresource{refs.bib}\n"
        "\\begin{document}\n" + _cites(keys) + "\n\\printbibliography\n\\end{document}\n", encoding="utf-8")
    latex = [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    biber = [BIBER, *(["--validate-datamodel"] if validate_datamodel else []), "doc"]
    statuses, transcript = _run([("pdflatex-1", latex), ("biber", biber), ("pdflatex-2", latex),
                                 ("pdflatex-3", latex)], folder)
    return Compiled(statuses, _read(folder / "doc.blg"), _read(folder / "doc.log"), transcript)


def _unicode_declarations(bib: str) -> str:
    """pdflatex has no Greek or mathematical glyphs for Unicode input: a document that cites
    such text declares how to typeset it (here with the BibTeX table's math forms)."""
    return "".join(f"\\DeclareUnicodeCharacter{{{ord(char):04X}}}{{\\ensuremath{{{latex[2:-2]}}}}}\n"
                   for char, latex in UNICODE_TO_LATEX.items()
                   if latex.startswith("{$") and char in bib)


def _read(file: Path) -> str:
    return file.read_text(encoding="utf-8", errors="replace") if file.exists() else ""
