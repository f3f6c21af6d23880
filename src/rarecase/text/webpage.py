"""HTML pages (a saved journal article page) to a Document.

trafilatura finds the main content (no comments, no tables, precision over recall; it is
given the markup only and fetches nothing); if it finds nothing, the text of ``<article>``,
``<main>`` or ``<body>`` is used. The result then goes through the same
:func:`~rarecase.text.boilerplate.clean_text` as plain text, because article bodies often keep
"Share this article" or a reference list.

``source`` is the visible text of the whole ``<body>``: one line per block element, whitespace
collapsed, scripts and styles left out. ``removed`` is computed by aligning the source lines, in
order, with the final text (both whitespace-collapsed): each run of source lines not found there
is one Removed, with the clean_text reason when a boilerplate rule names one, ``references`` for
lines after a removed References heading, and ``page_furniture`` for what trafilatura dropped.
The alignment is by line and approximate: a line trafilatura rewrites (rare) is reported as
removed even though its words are kept.
"""

from __future__ import annotations

import re
from typing import Any, Final

import lxml.html  # type: ignore[import-untyped, unused-ignore]

from rarecase.errors import UnsupportedFormatError
from rarecase.text.boilerplate import Reason, classify_line, clean_text
from rarecase.text.document import Document, Format, Removed
from rarecase.text.plain import text_sections
from rarecase.text.sentences import split_sentences

_SKIP: Final = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe"})
_BLOCK: Final = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th",
        "tr", "ul", "button", "option", "label",
    }
)  # fmt: skip
_DECLARATION: Final = re.compile(r"^\s*<\?xml[^>]*\?>")
_REFERENCES: Final = re.compile(r"(?:references?|bibliography)\s*:?", re.I)


def read_html(html: str, *, source: str, doc_id: str) -> Document:
    """A Document from the markup of one page."""
    html = _DECLARATION.sub("", html, count=1)
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError) as err:
        raise UnsupportedFormatError(
            source, f"is not readable HTML ({err})", "save the page again as HTML"
        ) from None
    body = root.find("body")
    page_text = page_lines(body if body is not None else root)
    # imported here: it costs a fifth of a second, and only HTML input needs it
    import trafilatura

    extracted = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    main = getattr(extracted, "text", None) or ""
    title = (getattr(extracted, "title", None) or "").strip()
    if not main.strip():
        main = _fallback(root)
    if not title:
        title = " ".join((root.findtext(".//h1") or root.findtext(".//title") or "").split())
    text, _ = clean_text(main)
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}" if text else title
    found_title, sections = text_sections(text)
    return Document(
        id=doc_id,
        text=text,
        format=Format.HTML,
        title=title or found_title,
        sections=tuple(sections),
        sentences=tuple(split_sentences(text)),
        removed=tuple(_align(page_text, text)),
        source=page_text,
    )


def page_lines(element: Any) -> str:
    """Visible text of an element, one line per block, whitespace collapsed, no empty lines."""
    parts: list[str] = []
    _walk(element, parts)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _walk(element: Any, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIP or not tag:
        return
    block = tag in _BLOCK
    if block:
        parts.append("\n")
    if element.text:
        parts.append(element.text)
    for child in element:
        _walk(child, parts)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append("\n")


def _fallback(root: Any) -> str:
    for path in (".//article", ".//main", ".//body"):
        found = root.find(path)
        if found is not None:
            return page_lines(found)
    return page_lines(root)


def _align(page_text: str, text: str) -> list[Removed]:
    """Runs of page lines that do not appear, in order, in the final text."""
    kept = " ".join(text.split())
    removed: list[Removed] = []
    position = 0
    offset = 0
    in_references = False
    run: tuple[int, int, str] | None = None
    for line in page_text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        found = kept.find(line, position)
        if found >= 0 and (len(line) >= 25 or found - position <= 3):
            position = found + len(line)
            in_references = False
            if run:
                removed.append(Removed(run[0], run[1], run[2], page_text[run[0] : run[1]]))
                run = None
            continue
        rule = classify_line(line)
        if rule is not None:
            in_references = False  # page furniture after the reference list ends it
        if _REFERENCES.fullmatch(line):
            in_references, rule = True, Reason.REFERENCES
        if rule is not None:
            reason = rule.value
        else:
            reason = (Reason.REFERENCES if in_references else Reason.PAGE_FURNITURE).value
        if run and run[2] == reason:
            run = (run[0], end, reason)
        else:
            if run:
                removed.append(Removed(run[0], run[1], run[2], page_text[run[0] : run[1]]))
            run = (start, end, reason)
    if run:
        removed.append(Removed(run[0], run[1], run[2], page_text[run[0] : run[1]]))
    return removed
