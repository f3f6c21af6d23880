"""Safe XML parsing shared by the PubMed, JATS and BioC readers.

PubMed and PMC files start with a DOCTYPE naming a DTD on an NLM server. The parser here never
loads a DTD, never resolves external entities and never touches the network, so a DOCTYPE line
costs nothing and an XML file cannot read local files (XXE). Broken XML becomes an
:class:`~rarecase.errors.UnsupportedFormatError` naming the line and column lxml gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from rarecase.errors import UnsupportedFormatError

_DECLARATION: Final = re.compile(r"^\s*<\?xml[^>]*\?>")


def safe_parser() -> etree.XMLParser:
    """A parser that loads no DTD, resolves no entity and fetches nothing."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
    )


def parse_xml(text: str, *, source: str, what: str) -> etree._Element:
    """Parse XML text into its root element, or raise a one-line UnsupportedFormatError.

    >>> parse_xml("<a><b>x</b></a>", source="t.xml", what="XML").tag
    'a'
    >>> parse_xml("<a><b>x</a>", source="t.xml", what="PubMed XML")
    Traceback (most recent call last):
    ...
    rarecase.errors.UnsupportedFormatError: t.xml: is not well-formed PubMed XML: Opening and \
ending tag mismatch: b line 1 and a (line 1, column 12); the file may be truncated or damaged: \
download it again
    """
    # lxml refuses str input with an encoding declaration; blank it out, keeping line/columns.
    declaration = _DECLARATION.match(text)
    if declaration:
        text = " " * declaration.end() + text[declaration.end() :]
    try:
        return etree.fromstring(text, safe_parser())
    except etree.XMLSyntaxError as err:
        line, column = err.position
        message = re.sub(r",? line \d+(?:, column \d+)?$", "", str(err.msg or err).strip())
        raise UnsupportedFormatError(
            source,
            f"is not well-formed {what}: {message} (line {line}, column {column})",
            "the file may be truncated or damaged: download it again",
        ) from None


def local_name(element: etree._Element) -> str:
    """The tag without its namespace; "" for comments and processing instructions."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def inline_text(element: etree._Element | None, skip: Iterable[str] = ()) -> str:
    """The element's text with inline markup (``<i>``, ``<sup>``…) kept as text, whitespace
    collapsed; descendants named in ``skip`` are left out (their tails are kept)."""
    if element is None:
        return ""
    skipped = frozenset(skip)
    if not skipped:
        return " ".join("".join(element.itertext()).split())
    parts: list[str] = []
    _collect(element, skipped, parts)
    return " ".join("".join(parts).split())


def _collect(element: etree._Element, skip: frozenset[str], parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        if isinstance(child.tag, str) and local_name(child) not in skip:
            _collect(child, skip, parts)
        if child.tail:
            parts.append(child.tail)
