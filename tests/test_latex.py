"""LaTeX field text: escaping, brace checks, case protection and Unicode for BibTeX."""

from __future__ import annotations

from pathlib import Path

import pytest

from symkd_survey.core.latex import (
    UNICODE_TO_LATEX,
    LatexError,
    UnbalancedBracesError,
    UnmappableCharacterError,
    check_braces,
    escape,
    field_text,
    names_text,
    needs_protection,
    title_text,
    to_ascii_latex,
)

from .tex_support import EQUIVALENT, compile_text, decode_latex, needs_pdflatex


@pytest.mark.parametrize(("char", "latex"), [
    ("&", r"\&"), ("%", r"\%"), ("#", r"\#"), ("_", r"\_"), ("$", r"\$"), ("~", r"\textasciitilde{}"),
    ("^", r"\textasciicircum{}"), ("\\", r"\textbackslash{}"), ("{", r"\{"), ("}", r"\}"),
])
def test_every_latex_special_is_escaped(char: str, latex: str) -> None:
    assert escape(f"a{char}b") == f"a{latex}b"
    assert decode_latex(escape(f"a{char}b")) == f"a{char}b"


def test_escaping_is_one_pass_so_escapes_are_not_escaped_again() -> None:
    assert escape("\\&{}") == r"\textbackslash{}\&\{\}"


def test_plain_text_is_returned_unchanged() -> None:
    text = "Symbolic Knowledge Distillation: from General Language Models"
    assert escape(text) is text


@pytest.mark.parametrize(("value", "message", "position"), [
    ("a } b", "'}' at character 3 closes no '{'", 2),
    ("{a {b}", "'{' at character 1 is never closed", 0),
    ("}{", "'}' at character 1 closes no '{'", 0),
])
def test_unbalanced_braces_are_rejected_with_the_value(value: str, message: str, position: int) -> None:
    with pytest.raises(UnbalancedBracesError) as caught:
        check_braces(value)
    assert str(caught.value) == message
    assert caught.value.value == value and caught.value.position == position
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, LatexError)


def test_a_literal_unbalanced_brace_in_a_plain_field_is_rejected_not_escaped_into_a_broken_bib() -> None:
    # BibTeX counts "\{" too, so escaping alone cannot save a lone brace.
    with pytest.raises(UnbalancedBracesError) as caught:
        field_text("Proceedings {of", ascii_only=True)
    assert caught.value.value == "Proceedings {of"
    assert str(caught.value) == "'{' at character 13 is never closed"


def test_balanced_literal_braces_are_escaped() -> None:
    assert field_text("the {x} set", ascii_only=True) == r"the \{x\} set"


@pytest.mark.parametrize("word", ["GPT-3", "BERT", "LLaMA", "COMET", "T5", "RLHF", "ChatGPT", "NovaCOMET",
                                  "QAmeleon", "I2D2", "LLMs", "iPhone", "Chinese", "Q&A", "X-ray", "ÉCOLE"])
def test_acronyms_and_proper_nouns_are_protected(word: str) -> None:
    assert needs_protection(word)


@pytest.mark.parametrize("word", ["Models", "Self-Instruct", "Pre-Trained", "Step-by-Step", "A", "word2vec",
                                  "90%", "Über"])
def test_ordinary_words_are_not_protected(word: str) -> None:
    assert not needs_protection(word)


def test_title_protection_keeps_punctuation_outside_the_braces() -> None:
    assert title_text("Orca 2: Teaching (GPT-4) and T5, BERT's Models", ascii_only=True) == \
        "Orca 2: Teaching ({GPT-4}) and {T5}, {BERT's} Models"


def test_words_after_a_colon_get_no_extra_protection() -> None:
    # BibTeX styles keep the first letter after ": " themselves.
    assert title_text("NovaCOMET: Open Commonsense Models", ascii_only=True) == \
        "{NovaCOMET}: Open Commonsense Models"


def test_the_override_wins_and_is_not_escaped() -> None:
    override = r"The {iPhone} of {LLMs}: a {C}ase \& More"
    assert title_text("ignored & unused", ascii_only=True, override=override) == override


def test_an_unbalanced_override_is_rejected() -> None:
    with pytest.raises(UnbalancedBracesError) as caught:
        title_text("x", ascii_only=False, override="{GPT")
    assert caught.value.value == "{GPT"


def test_hostile_title_escapes_and_protects() -> None:
    title = "Q&A at 100% for #1: the_x costs $5 ~ ^ \\ with {braces}, GPT-3 and LLaMA"
    latex = title_text(title, ascii_only=True)
    assert latex == (r"{Q\&A} at 100\% for \#1: the\_x costs \$5 \textasciitilde{} \textasciicircum{} "
                     r"\textbackslash{} with \{braces\}, {GPT-3} and {LLaMA}")
    assert decode_latex(latex) == title


@pytest.mark.parametrize(("text", "latex"), [
    ("é", r"{\'e}"), ("ü", r"{\"u}"), ("ß", r"{\ss}"), ("ø", r"{\o}"), ("ł", r"{\l}"), ("Ł", r"{\L}"),
    ("ñ", r"{\~n}"), ("ç", r"{\c{c}}"), ("ę", r"{\k{e}}"), ("ǎ", r"{\v{a}}"), ("ň", r"{\v{n}}"),
    ("í", r"{\'\i}"), ("Å", r"{\AA}"), ("ő", r"{\H{o}}"), ("ấ", r"{\'{\^a}}"),
    ("–", "--"), ("—", "---"), ("“x”", "``x''"), ("‘x’", "`x'"), ("…", r"\ldots{}"), ("\u00a0", "~"),
    ("α", r"{$\alpha$}"), ("×", r"{$\times$}"),
])
def test_unicode_becomes_latex_commands_for_bibtex(text: str, latex: str) -> None:
    assert to_ascii_latex(text) == latex


def test_decomposed_input_is_composed_first() -> None:
    assert to_ascii_latex("Re\u0301mi") == r"R{\'e}mi"


def test_every_table_entry_typesets_as_its_character_or_a_typographic_equivalent() -> None:
    for char, latex in UNICODE_TO_LATEX.items():
        assert latex.isascii(), char
        check_braces(latex)
        assert decode_latex(latex) == EQUIVALENT.get(char, char), (char, latex)
    # The equivalents are typography only: dashes, quotes, spaces and superscripts, never letters.
    assert all(not char.isalpha() for char in EQUIVALENT)


@pytest.mark.tex
@needs_pdflatex
def test_every_table_entry_compiles_with_pdflatex(tmp_path: Path) -> None:
    body = "\n".join(f"{ord(char):04X}: {latex}\\par" for char, latex in UNICODE_TO_LATEX.items())
    done = compile_text(tmp_path, body)
    assert done.statuses == {"pdflatex": 0}, done.transcript
    assert done.tex_errors() == []


@pytest.mark.parametrize("text", ["大语言模型", "Привет", "emoji 🙂", "zero\u200bwidth"])
def test_characters_without_latex_form_are_errors_not_silent_loss(text: str) -> None:
    with pytest.raises(UnmappableCharacterError) as caught:
        field_text(text, ascii_only=True)
    assert caught.value.value == text
    assert caught.value.char in text
    assert "has no LaTeX form for BibTeX" in str(caught.value)


def test_unicode_is_kept_for_biblatex() -> None:
    assert field_text("大语言模型 & Łódź", ascii_only=False) == r"大语言模型 \& Łódź"


def test_control_characters_are_rejected() -> None:
    with pytest.raises(UnmappableCharacterError, match="control character U\\+0007 cannot be written"):
        field_text("bell\x07", ascii_only=False)


def test_names_brace_corporate_authors_and_keep_others() -> None:
    assert names_text(["Le Bras, Ronan", "R&D Team", "others"], ascii_only=True) == \
        r"Le Bras, Ronan and {R\&D Team} and others"


def test_names_report_the_value_of_a_bad_name() -> None:
    with pytest.raises(UnbalancedBracesError):
        names_text(["Smith, {John", "Doe}, Jane"], ascii_only=True)
