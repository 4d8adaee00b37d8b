"""Names, languages and text clean-up."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recordparse.normalize.languages import to_bcp47
from recordparse.normalize.names import make_person, split_name, undouble, unique_people
from recordparse.normalize.text import clean, is_truncated, strip_html, untruncate


@pytest.mark.parametrize(
    ("name", "given", "family"),
    [
        ("Zhiliang Jia", "Zhiliang", "Jia"),
        ("Jia, Zhiliang", "Zhiliang", "Jia"),
        ("Byard, RW", "RW", "Byard"),
        ("Rob V. van Nieuwpoort", "Rob V.", "van Nieuwpoort"),
        ("Ames, Aaron D.", "Aaron D.", "Ames"),
        ("Plato", None, "Plato"),
        ("Martin Luther King Jr.", "Martin Luther", "King"),
    ],
)
def test_split_name(name: str, given: str | None, family: str | None) -> None:
    assert split_name(name) == (given, family)


def test_undouble() -> None:
    assert undouble("Alan LyonsAlan Lyons") == "Alan Lyons"
    assert undouble("Byard, RW") == "Byard, RW"
    assert undouble("Anna Anna") == "Anna Anna"
    assert undouble("AnnaAnna") == "Anna"


def test_people_are_unique_and_entities_decoded() -> None:
    people = unique_people(
        [make_person("J&uuml;rgen  M&auml;chann", affiliations=["A"]), make_person("Jürgen Mächann", affiliations=["B"]), make_person("  ")]
    )
    assert [(p.name, p.affiliations) for p in people] == [("Jürgen Mächann", ("A", "B"))]


@pytest.mark.parametrize(
    ("value", "tag"),
    [("English", "en"), ("eng", "en"), ("EN", "en"), ("ger", "de"), ("deu", "de"), ("Deutsch", "de"),
     ("fre", "fr"), ("Portuguese", "pt"), ("pt_BR", "pt-BR"), ("haw", "haw"), ("Italian", "it"), ("Klingonish", None)],
)
def test_languages(value: str, tag: str | None) -> None:
    assert to_bcp47(value) == tag


def test_text_helpers() -> None:
    assert clean("  a \r\n b\u00a0c ") == "a b c"
    assert clean("   ") is None
    assert strip_html("<p>One<br>two &amp; <i>three</i></p>") == "One two & three"
    assert is_truncated("On the basis of...") and not is_truncated("Complete.")
    assert untruncate("On the basis of...", "On the basis of this review.")


@given(st.text(max_size=100))
def test_clean_and_strip_html_are_idempotent(text: str) -> None:
    once = clean(text)
    assert once is None or clean(once) == once
    stripped = strip_html(text)
    assert stripped is None or "  " not in stripped


@given(st.text(max_size=40))
def test_language_normaliser_never_raises_and_is_idempotent(text: str) -> None:
    tag = to_bcp47(text)
    assert tag is None or to_bcp47(tag) == tag


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("p < 0.05 and q > 1", "p < 0.05 and q > 1"),
        ("x<y and z>w", "x<y and z>w"),
        ("<jats:p>Text <jats:italic>it</jats:italic></jats:p>", "Text it"),
        ("<P CLASS=x>Up</P>", "Up"),
        # Word's conditional comments pasted into an abstract (seen in DOAJ upload test data)
        ("<p>Since the turn.</p><br /><!--[if gte mso 9]><xml>\r\n <w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]-->More", "Since the turn. More"),
        ("<style>p{x:1}</style><script>var a=1;</script>Body", "Body"),
        ("Text <!-- never closed", "Text"),
    ],
)
def test_strip_html_keeps_comparisons_and_drops_non_text_markup(text: str, plain: str) -> None:
    assert strip_html(text) == plain


_SPACED = st.lists(
    st.sampled_from(["a", "b", " ", "   ", "\n", "\t", "\u00a0", "\u200b", ".", "…"]), max_size=300
).map("".join)


def _words(text: str) -> str:
    return " ".join(text.replace("\u200b", " ").split())


@given(_SPACED, st.integers(min_value=0, max_value=400), st.sampled_from(["", "...", "…", " ..."]))
def test_untruncate_compares_whitespace_insensitively_however_much_whitespace_there_is(
    full: str, cut: int, mark: str
) -> None:
    teaser = full[:cut] + mark
    stem = _words(re.sub(r"(\.\.\.|…)\s*$", "", teaser))
    whole = _words(full)
    assert untruncate(teaser, full) == (bool(stem) and whole.startswith(stem) and len(whole) > len(stem))


def test_clean_collapses_every_kind_of_whitespace_run_in_a_long_text() -> None:
    text = "<p>" + "word \t\u00a0\u200b next  " * 300 + "</p>"
    assert strip_html(text) == " ".join(["word next"] * 300)
    assert clean("\ufeff a\u2003\u2003b \u3000") == "a b"
