"""Every page format reads, decodes and safe-parses through PageParser, with the same flags."""

from __future__ import annotations

import pytest

import recordparse
from recordparse.formats.base import PageParser
from recordparse.registry import BUILTIN_PARSERS, default_registry

PAGE_FORMATS = sorted(
    name for name in BUILTIN_PARSERS if isinstance(default_registry().get(name), PageParser)
)

HEADS = {
    "dspace-html": '<meta name="generator" content="DSpace 7.6"><meta name="DC.title" content="Deep page">',
    "eprints-html": '<meta name="eprints.title" content="Deep page"><meta name="generator" content="EPrints 3.4">',
    "figshare-html": '<meta name="citation_title" content="Deep page"><link rel="canonical" href="https://figshare.com/articles/dataset/x/123">',
    "meta-tags": '<meta name="citation_title" content="Deep page"><meta name="DC.title" content="Deep page">',
}


def test_the_four_page_formats_share_the_base() -> None:
    assert PAGE_FORMATS == ["dspace-html", "eprints-html", "figshare-html", "meta-tags"]


@pytest.mark.parametrize("name", PAGE_FORMATS)
def test_content_lxml_drops_and_a_decoding_fallback_are_flagged(name: str) -> None:
    body = "<div>" * 3000 + "lost text" + "</div>" * 3000
    page = f"<html><head><title>Deep page</title>{HEADS[name]}</head><body><h1>Deep page</h1>{body}<p>caf\u00e9</p></body></html>"
    data = page.encode("cp1252")  # not UTF-8 and no declared charset: decoded as windows-1252
    outcome = next(recordparse.read(data, name, errors="collect"))
    assert isinstance(outcome, recordparse.Record), outcome
    codes = {flag["code"] for flag in outcome.flags}
    assert {"html_content_lost", "encoding_guessed"} <= codes
