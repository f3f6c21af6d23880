"""PMC JATS full-text XML (``<article>`` or ``<pmc-articleset>``) to Documents.

``text`` is the article title, the abstract(s) and the body sections, each block separated by a
blank line; a section's ``<title>`` is its first line. Sections get kinds from ``sec-type`` or
their title; a nested section whose title says nothing known inherits its parent's kind.
Citation markers (``<xref>``) are kept as their text ("[3]"): later stages use citations as a
cue that a sentence is about other patients. Figures and tables (captions included) and the
reference list are dropped, because captions repeat the text and references name other
patients' phenotypes. Dropped parts are appended after the text in ``source`` (which is
``text`` + the dropped blocks) so each ``Removed`` can point at them. Acknowledgements,
footnotes and appendices are not read and not reported.
"""

from __future__ import annotations

import re
from typing import Any, Final

from rarecase.errors import UnsupportedFormatError
from rarecase.text.boilerplate import Reason
from rarecase.text.document import Document, Format, Removed, Section
from rarecase.text.sections import kind_for_sec_type
from rarecase.text.sentences import split_sentences
from rarecase.text.xmlsafe import inline_text, local_name, parse_xml

_DROPPED: Final = frozenset(
    {"fig", "fig-group", "table-wrap", "table-wrap-group", "ref-list", "supplementary-material"}
)
_BLOCKS: Final = frozenset(
    {"p", "list", "def-list", "disp-quote", "boxed-text", "statement", "verse-group", "speech"}
)
_SKIPPED_ABSTRACTS: Final = frozenset({"graphical", "teaser", "toc", "web-summary"})
_YEAR: Final = re.compile(r"(?:19|20)\d\d")


def read_jats(text: str, *, source: str) -> list[Document]:
    """One Document per ``<article>`` in the file."""
    root = parse_xml(text, source=source, what="JATS XML")
    name = local_name(root)
    if name == "article":
        articles = [root]
    elif name == "pmc-articleset":
        articles = [el for el in root if local_name(el) == "article"]
    else:
        raise UnsupportedFormatError(
            source, f"is XML with root <{name}>, not JATS", "give a PMC JATS article XML file"
        )
    return [_Builder(article).document() for article in articles]


class _Builder:
    """Accumulates one article's text and sections, keeping offsets exact."""

    def __init__(self, article: Any) -> None:
        self.article = article
        self.text = ""
        self.sections: list[Section] = []

    def block(self, content: str, separator: str) -> int:
        if self.text and content:
            self.text += separator
        start = len(self.text)
        self.text += content
        return start

    def document(self) -> Document:
        meta = self.article.find("front/article-meta")
        title = inline_text(meta.find("title-group/article-title")) if meta is not None else ""
        if title:
            self.block(title, "")
            self.sections.append(Section(title=title, kind="title", start=0, end=len(title)))
        for abstract in meta.iterfind("abstract") if meta is not None else ():
            if (abstract.get("abstract-type") or "").lower() not in _SKIPPED_ABSTRACTS:
                self.container(abstract, "abstract", "Abstract", "\n\n")
        body = self.article.find("body")
        if body is not None:
            self.children(body, "")
        removed, source = self.dropped()
        ids = {
            (el.get("pub-id-type") or ""): (el.text or "").strip()
            for el in (meta.iterfind("article-id") if meta is not None else ())
        }
        pmid = ids.get("pmid") or None
        extra: dict[str, object] = {"pmcid": ids["pmc"]} if ids.get("pmc") else {}
        if ids.get("doi"):
            extra["doi"] = ids["doi"]
        return Document(
            id=pmid or "",
            text=self.text,
            format=Format.JATS,
            title=title,
            sections=tuple(sorted(self.sections, key=lambda s: (s.start, -s.end))),
            sentences=tuple(split_sentences(self.text)),
            removed=tuple(removed),
            source=source,
            pmid=pmid,
            journal=inline_text(self.article.find("front/journal-meta//journal-title")),
            year=_year(meta),
            publication_types=_article_type(self.article),
            extra=extra,
        )

    def container(self, element: Any, kind: str, heading: str, separator: str) -> None:
        """A titled part (abstract or ``<sec>``): optional heading line, then its children."""
        own_title = inline_text(element.find("title"))
        start = -1
        if own_title:
            start = self.block(own_title, separator)
            separator = "\n"
        mark = len(self.text)
        self.children(element, kind, separator if start < 0 else "\n")
        if start < 0:
            if len(self.text) == mark:
                return
            start = mark + (len(separator) if mark else 0)
        self.sections.append(
            Section(title=own_title or heading, kind=kind, start=start, end=len(self.text))
        )

    def children(self, element: Any, parent_kind: str, separator: str = "\n\n") -> None:
        for child in element:
            name = local_name(child)
            if name == "sec":
                heading = inline_text(child.find("title"))
                kind = kind_for_sec_type(child.get("sec-type") or "", heading)
                if kind == "other" and parent_kind not in ("", "abstract"):
                    kind = parent_kind
                self.container(child, kind, heading, "\n\n")
                separator = "\n"
            elif name in _BLOCKS:
                content = inline_text(child, skip=_DROPPED)
                if content:
                    self.block(content, separator)
                    separator = "\n"

    def dropped(self) -> tuple[list[Removed], str]:
        """Reference list, figures and tables, appended after the text as the source shows."""
        source = self.text
        removed: list[Removed] = []
        blocks: list[tuple[Reason, str]] = []
        for element in self.article.iter("fig", "table-wrap"):
            content = inline_text(element)
            if content:
                blocks.append((Reason.FIGURE_OR_TABLE, content))
        for ref_list in self.article.iter("ref-list"):
            refs = [inline_text(ref) for ref in ref_list.iter("ref")]
            content = "\n".join(r for r in refs if r)
            if content:
                blocks.append((Reason.REFERENCES, content))
        for reason, content in blocks:
            source += "\n\n"
            removed.append(Removed(len(source), len(source) + len(content), reason.value, content))
            source += content
        return removed, source


def _year(meta: Any) -> int | None:
    if meta is None:
        return None
    for date in meta.iterfind("pub-date"):
        found = _YEAR.search(date.findtext("year") or "")
        if found:
            return int(found.group())
    return None


def _article_type(article: Any) -> tuple[str, ...]:
    kind = (article.get("article-type") or "").strip()
    subjects = [
        inline_text(s) for s in article.iterfind("front/article-meta/article-categories//subject")
    ]
    return tuple(dict.fromkeys(t for t in (kind, *subjects) if t))
