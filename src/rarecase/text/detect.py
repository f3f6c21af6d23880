"""Which reader a text needs, decided from its content (the file name is only a hint).

Content decides because files arrive misnamed (PubMed XML saved as .txt, HTML pages saved
without extension). The order: JSON with BioC keys; XML by its root element; PubTator by its
first line; HTML by its markup; else plain text. A file that declares itself XML (``<?xml``)
but has a root we do not read is refused rather than read as text full of tags.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Final

from rarecase.errors import UnsupportedFormatError
from rarecase.text.document import Format

_SAMPLE: Final = 65536
_PROLOG: Final = re.compile(
    r"\s*(?:<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I
)
_ROOT: Final = re.compile(r"\s*<([A-Za-z_][\w.:-]*)")
_TAG: Final = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]{0,2000})?/?>")
_PUBTATOR: Final = re.compile(r"\d+\|[ta]\|")
_ROOTS: Final = {
    "pubmedarticleset": Format.PUBMED_XML,
    "pubmedarticle": Format.PUBMED_XML,
    "medlinecitation": Format.PUBMED_XML,
    "medlinecitationset": Format.PUBMED_XML,
    "collection": Format.BIOC_XML,
    "article": Format.JATS,
    "pmc-articleset": Format.JATS,
    "html": Format.HTML,
}
_HTML_ROOTS: Final = frozenset(
    {"head", "body", "div", "p", "meta", "title", "section", "main", "span", "table", "h1",
     "h2", "ul", "link", "script", "style", "header", "nav"}
)  # fmt: skip
_HTML_NAMES: Final = frozenset({".html", ".htm", ".xhtml"})


def detect_format(data: str, name: str = "") -> Format:
    """The format of ``data``; ``name`` (a file name) only breaks ties.

    >>> detect_format("<?xml version='1.0'?>\\n<!DOCTYPE PubmedArticleSet>\\n<PubmedArticleSet>")
    <Format.PUBMED_XML: 'pubmed_xml'>
    >>> detect_format("123|t|A title\\n123|a|An abstract"), detect_format("A girl, 3 years.")
    (<Format.PUBTATOR: 'pubtator'>, <Format.TEXT: 'text'>)
    """
    head = data[:_SAMPLE].lstrip("\ufeff \t\r\n")
    if head.startswith(("{", "[")):
        if '"documents"' in head or '"passages"' in head:
            return Format.BIOC_JSON
        if head.startswith("{"):
            raise UnsupportedFormatError(
                name or "<text>",
                "is JSON but not a BioC collection",
                "give a BioC JSON collection; phenopackets are read with `rarecase phenopacket`",
            )
    if head.startswith("<"):
        found = _xml_format(head, name)
        if found is not None:
            return found
    if _PUBTATOR.match(head):  # cannot run past the first line: digits, bars and a letter
        return Format.PUBTATOR
    if "<" not in head:  # no tag: neither test below can hold, and both cost a scan
        return Format.TEXT
    if _looks_like_html(head) or PurePath(name).suffix.lower() in _HTML_NAMES:
        return Format.HTML
    return Format.TEXT


def _xml_format(head: str, name: str) -> Format | None:
    position = 0
    while True:
        prolog = _PROLOG.match(head, position)
        if prolog is None:
            break
        position = prolog.end()
    lowered = head[:200].lower()
    if lowered.startswith("<!doctype html"):
        return Format.HTML
    root = _ROOT.match(head, position)
    if root is None:
        return None
    local = root.group(1).rsplit(":", 1)[-1].lower()
    if local in _ROOTS:
        return _ROOTS[local]
    if local in _HTML_ROOTS:
        return Format.HTML
    if head.startswith("<?xml"):
        raise UnsupportedFormatError(
            name or "<text>",
            f"is XML with root <{root.group(1)}>, which rarecase does not read",
            "give PubMed XML, PMC JATS, BioC, HTML or plain text",
        )
    return None


def _looks_like_html(head: str) -> bool:
    """Many tags covering a good share of the text: markup, not prose."""
    tags = _TAG.findall(head)
    return len(tags) >= 10 and sum(map(len, tags)) > 0.25 * len(head)
