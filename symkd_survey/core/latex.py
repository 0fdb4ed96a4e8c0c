"""LaTeX text for bibliography fields: escaping, brace checks, case protection, Unicode.

Catalogue fields hold plain Unicode text. A bibliography field holds LaTeX, so every field
is converted on the way out, one field at a time:

* :func:`escape` turns the characters LaTeX treats specially (``& % # _ $ ~ ^ \\ { }``, and
  ``< > |``, which OT1 fonts typeset as other glyphs) into commands. It is never applied to
  ``url``, ``doi`` or ``eprint``: those are read verbatim by the styles that print them.
* :func:`check_braces` rejects a value whose braces do not pair up the way BibTeX counts
  them (it counts ``\\{`` too): one unbalanced brace corrupts the rest of a ``.bib`` file.
* :func:`title_text` braces the words a style must not lower-case (``{BERT}``,
  ``{GPT-3}``; the rule is :func:`needs_protection`); a per-entry ``bibtex.title`` override
  wins over the rule.
* :func:`to_ascii_latex` turns non-ASCII text into LaTeX commands for BibTeX, which counts
  bytes, not characters (``é`` becomes ``{\\'e}``). A character without a LaTeX form is an
  error, never dropped. BibLaTeX with biber keeps Unicode as it is.

Every fault is a :class:`LatexError`, a ``ValueError`` that keeps the offending value.

The accent commands for ``ę``/``ą`` (``\\k``), ``đ``, ``ð``, ``þ``, ``ŋ`` and guillemets
exist only in the T1 font encoding: documents citing such names need
``\\usepackage[T1]{fontenc}`` (as most do).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from symkd_survey.core.names import OTHERS, Name

__all__ = [
    "LATEX_TO_UNICODE",
    "PROPER_NOUNS",
    "LatexError",
    "UnbalancedBracesError",
    "UnmappableCharacterError",
    "check_braces",
    "decode_commands",
    "escape",
    "field_text",
    "names_text",
    "needs_protection",
    "protect_title",
    "title_text",
    "to_ascii_latex",
]


class LatexError(ValueError):
    """A value that cannot be written as a bibliography field; ``value`` is the value."""

    def __init__(self, message: str, value: str) -> None:
        super().__init__(message)
        self.message = message
        self.value = value


class UnbalancedBracesError(LatexError):
    """The braces of ``value`` do not pair up; ``position`` is the 0-based offending index."""

    def __init__(self, message: str, value: str, position: int) -> None:
        super().__init__(message, value)
        self.position = position


class UnmappableCharacterError(LatexError):
    """``char`` has no LaTeX command that BibTeX could carry."""

    def __init__(self, message: str, value: str, char: str) -> None:
        super().__init__(message, value)
        self.char = char


# --------------------------------------------------------------------------- escaping

_SPECIALS: dict[str, str] = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "\t": " ",
    "\n": " ",
    "\r": " ",
}
_ESCAPE_TABLE = str.maketrans(_SPECIALS)
_SPECIAL_RE = re.compile(r"[\\{}&%#_$~^<>|\t\n\r]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def escape(text: str) -> str:
    r"""Escape the characters LaTeX treats specially; everything else is left alone.

    >>> print(escape("Q&A: 90% of #1_x costs $5 ~ ^ {a}"))
    Q\&A: 90\% of \#1\_x costs \$5 \textasciitilde{} \textasciicircum{} \{a\}
    >>> print(escape("\\ <b> |"))
    \textbackslash{} \textless{}b\textgreater{} \textbar{}
    >>> escape("Rocktäschel")
    'Rocktäschel'
    """
    if _SPECIAL_RE.search(text) is None:
        return text
    return text.translate(_ESCAPE_TABLE)


def check_braces(value: str) -> str:
    """Return ``value`` when its braces pair up as BibTeX counts them, else raise.

    BibTeX counts every brace, escaped or not, so ``\\{`` without ``\\}`` is unbalanced too.

    >>> check_braces("The {BERT} model")
    'The {BERT} model'
    >>> check_braces("a } b")
    Traceback (most recent call last):
    ...
    symkd_survey.core.latex.UnbalancedBracesError: '}' at character 3 closes no '{'
    >>> check_braces("{a {b}")
    Traceback (most recent call last):
    ...
    symkd_survey.core.latex.UnbalancedBracesError: '{' at character 1 is never closed
    """
    if "{" not in value and "}" not in value:
        return value
    opened: list[int] = []
    for index, char in enumerate(value):
        if char == "{":
            opened.append(index)
        elif char == "}":
            if not opened:
                raise UnbalancedBracesError(f"'}}' at character {index + 1} closes no '{{'", value, index)
            opened.pop()
    if opened:
        raise UnbalancedBracesError(f"'{{' at character {opened[0] + 1} is never closed", value, opened[0])
    return value


# --------------------------------------------------------------------------- Unicode -> LaTeX

_ACCENTS: dict[str, str] = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
    "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d",
    "\u0327": "c", "\u0328": "k", "\u0331": "b",
}
_ABOVE = frozenset("\u0300\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u030a\u030b\u030c")

_LETTERS: dict[str, str] = {
    "ß": r"{\ss}", "ø": r"{\o}", "Ø": r"{\O}", "ł": r"{\l}", "Ł": r"{\L}", "æ": r"{\ae}", "Æ": r"{\AE}",
    "œ": r"{\oe}", "Œ": r"{\OE}", "å": r"{\aa}", "Å": r"{\AA}", "ı": r"{\i}", "ȷ": r"{\j}",
    "đ": r"{\dj}", "Đ": r"{\DJ}", "ð": r"{\dh}", "Ð": r"{\DH}", "þ": r"{\th}", "Þ": r"{\TH}",
    "ŋ": r"{\ng}", "Ŋ": r"{\NG}",
}

_SYMBOLS: dict[str, str] = {
    # dashes and hyphens
    "\u2010": "-", "\u2011": "-", "\u2012": "--", "\u2013": "--", "\u2014": "---", "\u2015": "---",
    "\u2212": "{$-$}",
    # quotes
    "\u2018": "`", "\u2019": "'", "\u201c": "``", "\u201d": "''", "\u201a": r"\quotesinglbase{}",
    "\u201e": r"\quotedblbase{}", "\u00ab": r"\guillemotleft{}", "\u00bb": r"\guillemotright{}",
    "\u2039": r"\guilsinglleft{}", "\u203a": r"\guilsinglright{}", "\u2032": "{$'$}",
    # spaces
    "\u00a0": "~", "\u2009": r"\,", "\u202f": r"\,", "\u2002": r"\enspace{}", "\u2003": r"\quad{}",
    # punctuation and signs
    "\u2026": r"\ldots{}", "\u2022": r"\textbullet{}", "\u00b7": r"\textperiodcentered{}",
    "\u00b0": r"\textdegree{}", "\u00a7": r"{\S}", "\u00b6": r"{\P}", "\u00a9": r"\textcopyright{}",
    "\u00ae": r"\textregistered{}", "\u2122": r"\texttrademark{}", "\u00bf": r"\textquestiondown{}",
    "\u00a1": r"\textexclamdown{}", "\u2020": r"\textdagger{}", "\u2021": r"\textdaggerdbl{}",
    "\u20ac": r"\texteuro{}", "\u00a3": r"{\pounds}", "\u00a5": r"\textyen{}",
    # mathematics
    "\u00d7": r"{$\times$}", "\u00f7": r"{$\div$}", "\u00b1": r"{$\pm$}", "\u2264": r"{$\leq$}",
    "\u2265": r"{$\geq$}", "\u2260": r"{$\neq$}", "\u2248": r"{$\approx$}", "\u221e": r"{$\infty$}",
    "\u2192": r"{$\rightarrow$}", "\u2190": r"{$\leftarrow$}", "\u2194": r"{$\leftrightarrow$}",
    "\u21d2": r"{$\Rightarrow$}", "\u2208": r"{$\in$}", "\u2211": r"{$\sum$}", "\u221a": r"{$\surd$}",
    "\u00b2": r"\textsuperscript{2}", "\u00b3": r"\textsuperscript{3}", "\u00b9": r"\textsuperscript{1}",
}

_GREEK = [  # U+03B1 onward; omicron has no command
    "alpha", "beta", "gamma", "delta", "varepsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
    "nu", "xi", "-", "pi", "rho", "varsigma", "sigma", "tau", "upsilon", "varphi", "chi", "psi", "omega",
]
_CAPITAL_GREEK = {"Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi",
                  "Σ": "Sigma", "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega"}


def _accented(char: str) -> str | None:
    """``{\\'e}`` for ``é``: a base ASCII letter under accents that LaTeX has commands for."""
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if not (base.isascii() and base.isalpha()) or not marks or any(m not in _ACCENTS for m in marks):
        return None
    text = "\\" + base if base in "ij" and marks[0] in _ABOVE else base  # dotless i/j under accents
    for mark in marks:
        command = _ACCENTS[mark]
        if command.isalpha():
            text = f"\\{command}{{{text}}}"
        elif len(text) == 1 or text in ("\\i", "\\j"):
            text = f"\\{command}{text}"
        else:
            text = f"\\{command}{{{text}}}"
    return "{" + text + "}"


def _build_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for start, end in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for code in range(start, end):
            latex = _accented(chr(code))
            if latex is not None:
                table[chr(code)] = latex
    table.update(_LETTERS)
    table.update(_SYMBOLS)
    for offset, name in enumerate(_GREEK):
        if name != "-":
            table[chr(0x03B1 + offset)] = f"{{$\\{name}$}}"
    table["\u03f5"], table["\u03d5"], table["\u03d1"] = r"{$\epsilon$}", r"{$\phi$}", r"{$\vartheta$}"
    table.update({char: f"{{$\\{name}$}}" for char, name in _CAPITAL_GREEK.items()})
    return table


UNICODE_TO_LATEX: dict[str, str] = _build_table()
"""Every non-ASCII character that BibTeX output can carry, with its LaTeX form."""

_UNICODE_TABLE = str.maketrans(UNICODE_TO_LATEX)


def to_ascii_latex(text: str) -> str:
    r"""Replace every non-ASCII character with its LaTeX command; raise for one without.

    Apply after :func:`escape` (the commands' backslashes and braces must stay).

    >>> print(to_ascii_latex("Rocktäschel, Seßler, Kaiser Łukasz, Trębacz, Buciluǎ, Idelbayev Á., ø"))
    Rockt{\"a}schel, Se{\ss}ler, Kaiser {\L}ukasz, Tr{\k{e}}bacz, Bucilu{\v{a}}, Idelbayev {\'A}., {\o}
    >>> print(to_ascii_latex("Lí — “quoted” – 2…"))
    L{\'\i} --- ``quoted'' -- 2\ldots{}
    >>> to_ascii_latex("大模型")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    UnmappableCharacterError: '大' (U+5927 CJK UNIFIED IDEOGRAPH-5927) has no LaTeX form for BibTeX
    """
    return _to_ascii(text, text)


def _to_ascii(text: str, original: str) -> str:
    if text.isascii():
        return text
    converted = unicodedata.normalize("NFC", text).translate(_UNICODE_TABLE)
    if not converted.isascii():
        char = next(c for c in converted if not c.isascii())
        name = unicodedata.name(char, "unnamed character")
        raise UnmappableCharacterError(f"{char!r} (U+{ord(char):04X} {name}) has no LaTeX form for BibTeX",
                                       original, char)
    return converted


# --------------------------------------------------------------------------- titles

PROPER_NOUNS: frozenset[str] = frozenset({
    "English", "Chinese", "Japanese", "Korean", "German", "French", "Spanish", "Italian", "Portuguese",
    "Russian", "Arabic", "Hindi", "Bengali", "Indonesian", "Vietnamese", "Turkish", "Swahili", "African",
    "European", "American", "Wikipedia", "Python", "Java", "Bayesian", "Gaussian", "Markov", "Turing",
    "Monte", "Carlo", "Boolean", "Euclidean", "Shapley", "Wasserstein", "Hessian", "Newton",
})
"""Capitalised words that are names whatever their position; other names need ``bibtex.title``."""

_WORD_RE = re.compile(r"(?P<lead>\W*)(?P<core>.*?)(?P<trail>\W*)", re.DOTALL)
_HAS_UPPER = re.compile(r"[A-Z]|[^\x00-\x7f]")
_UPPER = re.escape("".join(chr(code) for code in range(0x530) if chr(code).isupper()))
# Tokens that may need protection (a superset, checked by needs_protection): a capital after
# another character or with a digit, a lone capital, or a proper noun.
_CANDIDATE_RE = re.compile(
    rf"(?<!\S)(?:\S*(?:\S[{_UPPER}]|[{_UPPER}]\S*\d|\d\S*[{_UPPER}])\S*"
    rf"|\W*[{_UPPER}]\W*(?!\S)"
    rf"|\W*(?:{'|'.join(sorted(PROPER_NOUNS))})\W*(?!\S))"
)


def needs_protection(word: str) -> bool:
    """Whether a style must keep this word's case: a capital after the first letter (BERT,
    LLaMA, ChatGPT), a capital with a digit (T5, GPT-3), a lone capital other than the
    article "A", or a known proper noun. Hyphenated words are judged part by part.

    >>> [w for w in "GPT-3 BERT LLaMA COMET T5 RLHF ChatGPT Pre-Trained Self-Instruct A I X-ray".split()
    ...  if needs_protection(w)]
    ['GPT-3', 'BERT', 'LLaMA', 'COMET', 'T5', 'RLHF', 'ChatGPT', 'I', 'X-ray']
    >>> needs_protection("Chinese"), needs_protection("Models"), needs_protection("word2vec")
    (True, False, False)
    """
    if word in PROPER_NOUNS:
        return True
    if _HAS_UPPER.search(word) is None:
        return False
    for part in word.split("-"):
        if not any(c.isupper() for c in part):
            continue
        if len(part) == 1 and part != "A":
            return True
        if any(c.isupper() for c in part[1:]) or any(c.isdigit() for c in part):
            return True
    return False


def protect_title(title: str) -> str:
    """Mark the words of a plain title that must keep their case with ``\\x00`` and ``\\x01``
    (control characters, which no title holds), for :func:`title_text` to turn into braces
    after escaping. Leading and trailing punctuation stays outside the marks. The first word
    after a colon gets nothing extra: BibTeX styles keep its capital by their own rule.

    >>> protect_title("NovaCOMET: Open (GPT-3) Models for Chinese").replace("\\x00", "<").replace("\\x01", ">")
    '<NovaCOMET>: Open (<GPT-3>) Models for <Chinese>'
    """
    return _CANDIDATE_RE.sub(_mark, title)


def _mark(match: re.Match[str]) -> str:
    token = match.group()
    found = _WORD_RE.fullmatch(token)
    assert found is not None  # the pattern matches every string
    lead, core, trail = found.group("lead", "core", "trail")
    return f"{lead}\x00{core}\x01{trail}" if core and needs_protection(core) else token


def field_text(value: str, *, ascii_only: bool) -> str:
    r"""A plain-text field as LaTeX: escaped, for BibTeX also ASCII-only, braces checked.

    >>> print(field_text("Information & Knowledge Management (CIKM '21)", ascii_only=True))
    Information \& Knowledge Management (CIKM '21)
    >>> print(field_text("Schütze", ascii_only=True), field_text("Schütze", ascii_only=False))
    Sch{\"u}tze Schütze
    """
    _reject_controls(value)
    check_braces(value)  # escaping adds only balanced pairs, so the plain value decides
    text = escape(value)
    return _to_ascii(text, value) if ascii_only else text


def names_text(names: Sequence[str], *, ascii_only: bool) -> str:
    r"""An author list as one BibTeX field: ``Family, Given`` joined with ``and``, a corporate
    author (no comma) braced so that BibTeX does not split it, ``others`` kept as the keyword.

    >>> print(names_text(["Le Bras, Ronan", "Kaiser, Łukasz", "BigScience Workshop", "others"], ascii_only=True))
    Le Bras, Ronan and Kaiser, {\L}ukasz and {BigScience Workshop} and others
    """
    plain = "".join(names)
    if _CONTROL_RE.search(plain) is not None or "{" in plain or "}" in plain:
        for name in names:  # each name must be sound on its own: BibTeX splits the list at "and"
            _reject_controls(name)
            check_braces(name)
    # Placeholders for the braces of a single-part name: escaping leaves them alone.
    marked = " and ".join(name if name == OTHERS else Name.parse(name).bibtex(braces="\x00\x01") for name in names)
    text = escape(marked)
    if ascii_only:
        text = _to_ascii(text, marked.replace("\x00", "").replace("\x01", ""))
    return text.replace("\x00", "{").replace("\x01", "}")


def title_text(title: str, *, ascii_only: bool, override: str | None = None) -> str:
    r"""A title as LaTeX with acronyms and proper nouns braced, or the override as written.

    The override is LaTeX already: it is not escaped, only checked (and for BibTeX its
    non-ASCII characters are turned into commands).

    >>> print(title_text("Want To Reduce Labeling Cost? GPT-3 Can Help", ascii_only=True))
    Want To Reduce Labeling Cost? {GPT-3} Can Help
    >>> print(title_text("Vicuna: 90%* ChatGPT Quality", ascii_only=True))
    Vicuna: 90\%* {ChatGPT} Quality
    >>> print(title_text("ignored", ascii_only=True, override="{XuanYuan} 2.0: A {C}hinese Model"))
    {XuanYuan} 2.0: A {C}hinese Model
    >>> print(title_text("Über {BERT", ascii_only=False))
    Traceback (most recent call last):
    ...
    symkd_survey.core.latex.UnbalancedBracesError: '{' at character 6 is never closed
    """
    if override is not None:
        _reject_controls(override)
        check_braces(override)
        return _to_ascii(override, override) if ascii_only else override
    _reject_controls(title)
    check_braces(title)
    text = escape(protect_title(title))
    if ascii_only:
        text = _to_ascii(text, title)
    return text.replace("\x00", "{").replace("\x01", "}")


def _reject_controls(value: str) -> None:
    found = _CONTROL_RE.search(value)
    if found is not None:
        char = found.group()
        raise UnmappableCharacterError(f"control character U+{ord(char):04X} cannot be written", value, char)


# --------------------------------------------------------------------------- LaTeX -> Unicode

def _decoding_table() -> dict[str, str]:
    """The exporter's own forms read back: every command form of :data:`UNICODE_TO_LATEX` and of
    ``< > | ^``, math both braced (``{$\\alpha$}``) and bare (``$\\alpha$``), and a symbol command
    without its braces (``\\pounds``, ``\\textgreater``). Plain-ASCII forms (``-``, ``--``, a
    quote) and spaces are left to the general decoder: they are not the character's alone."""
    table: dict[str, str] = {}
    for char, form in UNICODE_TO_LATEX.items():
        if char.isspace() or not form.startswith(("\\", "{")):
            continue
        table[form] = char
        if form.startswith("{$") and form.endswith("$}"):
            table[form[1:-1]] = char
    symbols = {char: form for char, form in _SYMBOLS.items() if not char.isspace() and form.startswith(("\\", "{"))}
    symbols.update({char: _SPECIALS[char] for char in "<>|^"})
    for char, form in symbols.items():
        table[form] = char
        bare = re.fullmatch(r"\{(\\[A-Za-z]+)\}|(\\[A-Za-z]+)\{\}", form)
        if bare:
            table[bare.group(1) or bare.group(2)] = char
    return table


LATEX_TO_UNICODE: dict[str, str] = _decoding_table()
"""The LaTeX forms :func:`decode_commands` turns into characters before general decoding."""

_PLACEHOLDER = 0xF0000  # supplementary private use: never in a .bib value worth keeping
_FORMS = sorted(LATEX_TO_UNICODE, key=len, reverse=True)
# After a control word LaTeX skips every space and tab and one line break with the spaces that
# start the next line, unless that line is blank: a blank line is a paragraph break, left in place.
_SKIPPED_SPACE = r"(?![A-Za-z])[ \t]*(?:(?:\r\n|\r|\n)(?![ \t]*[\r\n])[ \t]*)?"
_FORM_RE = re.compile("|".join(
    re.escape(form) + (_SKIPPED_SPACE if form[-1].isalpha() else "") for form in _FORMS))
_FORM_OF = {form: index for index, form in enumerate(_FORMS)}


def decode_commands(text: str, decode: Callable[[str], str]) -> str:
    r"""``decode(text)`` with the forms of :data:`LATEX_TO_UNICODE` read first.

    The forms become private-use placeholders, the general decoder runs, the placeholders
    become their characters: a general decoder that drops ``\textgreater`` or keeps math raw
    cannot lose them, and a decoded ``\`` or ``{`` is never read as LaTeX again.

    >>> print(decode_commands(r"\textgreater{}80\% \pounds 5, {\S}2, $\omega$Test {$\leq$} \textbar{}", str))
    >80\% £5, §2, ωTest ≤ |
    """
    if not any(mark in text for mark in "\\$") or any(ord(c) >= _PLACEHOLDER for c in text):
        return decode(text)
    found: dict[str, str] = {}

    def hold(match: re.Match[str]) -> str:
        form = match.group().rstrip(" \t\r\n")  # the spaces a bare control word eats; no form ends in one
        mark = chr(_PLACEHOLDER + _FORM_OF[form])
        found[mark] = LATEX_TO_UNICODE[form]
        return mark

    held = _FORM_RE.sub(hold, text)
    if not found:
        return decode(text)
    decoded = decode(held)
    return "".join(found.get(char, char) for char in decoded)
