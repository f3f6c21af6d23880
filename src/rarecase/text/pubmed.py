"""PubMed XML (efetch / baseline files) to one Document per article.

``text`` is the title, a blank line, then the abstract; a structured abstract becomes one
``LABEL: text`` paragraph per AbstractText (joined with ``\\n``), each a Section whose kind comes
from NlmCategory, or from the label when the category is UNASSIGNED or missing. Inline markup
(``<i>``, ``<sup>``) is kept as its text. ``source`` is None and nothing is reported removed:
the reader keeps all the text an article has and builds ``text`` itself. A reference list
(``PubmedData/ReferenceList``, in files with references) goes to ``extra["references"]``, in
its order, so that cited claims ("[2]") can name what they cite.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from rarecase.errors import UnsupportedFormatError
from rarecase.text.document import Document, Format, Section
from rarecase.text.sections import kind_for_nlm
from rarecase.text.sentences import split_sentences
from rarecase.text.xmlsafe import inline_text, local_name, parse_xml

_YEAR: Final = re.compile(r"(?:19|20)\d\d")


def read_pubmed(text: str, *, source: str) -> list[Document]:
    """Every PubmedArticle (or bare MedlineCitation) in the file, in order."""
    root = parse_xml(text, source=source, what="PubMed XML")
    name = local_name(root)
    if name in {"PubmedArticle", "MedlineCitation"}:
        articles = [root]
    else:
        articles = [el for el in root if local_name(el) in {"PubmedArticle", "MedlineCitation"}]
    if not articles and name not in {"PubmedArticleSet", "MedlineCitationSet"}:
        raise UnsupportedFormatError(
            source, f"is XML with root <{name}>, not PubMed XML", "give a PubMed efetch XML file"
        )
    return [_article(el) for el in articles]


def stream_pubmed(path: str | Path) -> Iterator[Document]:
    """Every article of a PubMed baseline or update file (``.xml`` or ``.xml.gz``), one at a
    time, with memory bounded whatever the file's size: each article is parsed, turned into a
    Document and freed before the next is read.

    A damaged file (bad gzip data, truncated, not well-formed, not PubMed XML) raises an
    UnsupportedFormatError naming it after the articles before the damage were given.
    """
    name = str(path)
    try:
        raw = Path(path).open("rb")  # noqa: SIM115 (closed by the with below)
    except OSError as error:
        raise UnsupportedFormatError(name, f"cannot be read ({error.strerror})") from None
    with raw:
        zipped = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        if name.lower().endswith(".gz") and not zipped:
            raise UnsupportedFormatError(name, "is named .gz but is not gzip data")
        stream: Any = gzip.GzipFile(fileobj=raw) if zipped else raw
        events = etree.iterparse(
            stream, events=("start", "end"), resolve_entities=False, no_network=True,
            load_dtd=False, huge_tree=False, remove_comments=True,
        )  # fmt: skip
        depth = 0
        try:
            for event, element in events:
                if event == "start":
                    if depth == 0 and local_name(element) not in {
                        "PubmedArticleSet", "MedlineCitationSet", "PubmedArticle"
                    }:  # fmt: skip
                        raise UnsupportedFormatError(
                            name, f"is XML with root <{local_name(element)}>, not PubMed XML",
                            "give a PubMed baseline or update file",
                        )  # fmt: skip
                    depth += 1
                    continue
                depth -= 1
                if depth > 1:
                    continue
                if local_name(element) in {"PubmedArticle", "MedlineCitation"}:
                    yield _article(element)
                if depth == 1:  # free every child of the root once read (book articles too)
                    element.clear(keep_tail=False)
                    parent = element.getparent()
                    while parent is not None and element.getprevious() is not None:
                        del parent[0]
        except etree.XMLSyntaxError as error:
            raise UnsupportedFormatError(
                name, f"is not well-formed PubMed XML: {error.msg or error}",
                "the file may be truncated or damaged: download it again",
            ) from None  # fmt: skip
        except (EOFError, OSError, zlib.error) as error:
            raise UnsupportedFormatError(
                name, f"has damaged gzip data ({error})", "download it again"
            ) from None


def _article(element: Any) -> Document:
    citation = (
        element if local_name(element) == "MedlineCitation" else element.find("MedlineCitation")
    )
    if citation is None:
        citation = element
    pmid = (citation.findtext("PMID") or "").strip() or None
    article = citation.find("Article")
    title = inline_text(article.find("ArticleTitle")) if article is not None else ""
    if not title and article is not None:
        title = inline_text(article.find("VernacularTitle"))
    sections: list[Section] = []
    text = title
    if title:
        sections.append(Section(title=title, kind="title", start=0, end=len(title)))
    abstract = article.find("Abstract") if article is not None else None
    parts = abstract.findall("AbstractText") if abstract is not None else []
    paragraphs: list[tuple[str, str, str]] = []
    for part in parts:
        body = inline_text(part)
        if body:
            label = (part.get("Label") or "").strip()
            paragraphs.append((label, part.get("NlmCategory") or "", body))
    if paragraphs:
        text = f"{title}\n\n" if title else ""
        abstract_start = len(text)
        for i, (label, category, body) in enumerate(paragraphs):
            if i:
                text += "\n"
            start = len(text)
            text += f"{label}: {body}" if label else body
            if label:
                kind = kind_for_nlm(category, label)
                sections.append(Section(title=label, kind=kind, start=start, end=len(text)))
        sections.insert(
            1 if title else 0,
            Section(title="Abstract", kind="abstract", start=abstract_start, end=len(text)),
        )
    sentences = split_sentences(text, 0, len(title)) + split_sentences(text, len(title))
    return Document(
        id=pmid or "",
        text=text,
        format=Format.PUBMED_XML,
        title=title,
        sections=tuple(sections),
        sentences=tuple(sentences),
        pmid=pmid,
        journal=_journal(article),
        year=_year(article),
        publication_types=tuple(
            t for t in (inline_text(e) for e in citation.iterfind(".//PublicationType")) if t
        ),
        mesh=tuple(
            t
            for t in (inline_text(e) for e in citation.iterfind(".//MeshHeading/DescriptorName"))
            if t
        ),
        extra={"references": references} if (references := _references(element)) else {},
    )


def _references(element: Any) -> tuple[str, ...]:
    """Each reference's citation, with its PMID when the file gives one; nested lists (a
    ReferenceList of ReferenceLists) are read in document order."""
    data = element.find("PubmedData") if local_name(element) == "PubmedArticle" else None
    if data is None:
        return ()
    found = []
    for reference in data.iterfind(".//ReferenceList//Reference"):
        cited = " ".join(inline_text(reference.find("Citation")).split())
        pmid = next(
            (
                (i.text or "").strip()
                for i in reference.iterfind(".//ArticleId")
                if i.get("IdType") == "pubmed" and (i.text or "").strip()
            ),
            "",
        )
        if cited or pmid:
            found.append(f"{cited} (PMID:{pmid})".strip() if pmid else cited)
    return tuple(found)


def _journal(article: Any) -> str:
    if article is None:
        return ""
    journal = article.find("Journal")
    if journal is None:
        return ""
    return inline_text(journal.find("Title")) or inline_text(journal.find("ISOAbbreviation"))


def _year(article: Any) -> int | None:
    if article is None:
        return None
    for path in (
        "Journal/JournalIssue/PubDate/Year",
        "Journal/JournalIssue/PubDate/MedlineDate",
        "ArticleDate/Year",
    ):
        found = _YEAR.search(article.findtext(path) or "")
        if found:
            return int(found.group())
    return None
