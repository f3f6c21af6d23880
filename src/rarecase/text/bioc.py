"""BioC collections (XML or JSON) to one Document per BioC document.

When the passages' offsets are consistent (non-negative, increasing, not overlapping, and not
absurdly large), each passage's text is placed at its own offset in ``text``, with gaps filled by
spaces and up to two newlines, so **offsets in our output equal the BioC offsets** and BioC
annotations can be compared without conversion. Otherwise passages are joined with blank lines
and ``extra["bioc_offsets"]`` is False. Reference passages (section_type REF, type ref) are
dropped from ``text``: their span is blanked (spaces), or cut when they come last, and each is
reported as a Removed with reason ``references``. ``source`` is the text with every passage
placed, references included, so ``source[r.start:r.end] == r.text`` holds as for other formats.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from rarecase.errors import UnsupportedFormatError
from rarecase.text.boilerplate import Reason
from rarecase.text.document import Document, Format, Removed, Section
from rarecase.text.sections import kind_for_heading
from rarecase.text.sentences import split_sentences
from rarecase.text.xmlsafe import local_name, parse_xml

_MAX_OFFSET: Final = 50_000_000
_SECTION_TYPES: Final = {
    "TITLE": "title", "ABSTRACT": "abstract", "INTRO": "background", "METHODS": "methods",
    "RESULTS": "results", "DISCUSS": "discussion", "CONCL": "conclusion", "CASE": "case",
}  # fmt: skip
_TYPES: Final = {"front": "title", "title": "title", "abstract": "abstract"}
_REFERENCE_TYPES: Final = frozenset({"ref", "reference", "references"})


@dataclass(frozen=True, slots=True)
class Passage:
    """One BioC passage: offset, infons and text (sentence-level passages are joined)."""

    offset: int
    infons: dict[str, str]
    text: str

    @property
    def section_type(self) -> str:
        return self.infons.get("section_type", "").strip().upper()

    @property
    def type(self) -> str:
        return self.infons.get("type", "").strip().lower()

    @property
    def is_reference(self) -> bool:
        return self.section_type == "REF" or self.type in _REFERENCE_TYPES

    @property
    def kind(self) -> str:
        known = _SECTION_TYPES.get(self.section_type) or _TYPES.get(self.type)
        if known:
            return known
        return kind_for_heading(self.section_type or self.type) if self.section_type else "other"


def read_bioc_xml(text: str, *, source: str) -> list[Document]:
    """Every ``<document>`` of a BioC XML ``<collection>``."""
    root = parse_xml(text, source=source, what="BioC XML")
    if local_name(root) != "collection":
        raise UnsupportedFormatError(
            source, f"is XML with root <{local_name(root)}>, not BioC", "give a BioC collection"
        )
    documents = []
    for element in root.iterfind("document"):
        passages = []
        for p in element.iterfind("passage"):
            infons = {(i.get("key") or ""): (i.text or "") for i in p.iterfind("infon")}
            offset = _int(p.findtext("offset"), source)
            body = p.findtext("text")
            if body is None:
                body = _from_sentences(
                    offset,
                    [(_int(s.findtext("offset"), source), s.findtext("text") or "")
                     for s in p.iterfind("sentence")],
                )  # fmt: skip
            passages.append(Passage(offset, infons, body))
        documents.append(build(element.findtext("id") or "", passages, Format.BIOC_XML))
    return documents


def read_bioc_json(text: str, *, source: str) -> list[Document]:
    """Every document of a BioC JSON collection (or of a list of collections, as PMC serves)."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        where = f" (line {err.lineno}, column {err.colno})" if isinstance(err, ValueError) else ""
        raise UnsupportedFormatError(
            source, f"is not valid BioC JSON{where}", "the file may be truncated: download it again"
        ) from None
    collections = data if isinstance(data, list) else [data]
    documents = []
    for collection in collections:
        if not isinstance(collection, dict) or not isinstance(collection.get("documents"), list):
            raise UnsupportedFormatError(
                source, 'is JSON but not a BioC collection (no "documents" list)',
                "give a BioC JSON collection",
            )  # fmt: skip
        for doc in collection["documents"]:
            passages = [_json_passage(p, source) for p in _list(doc, "passages", source)]
            documents.append(build(str(doc.get("id", "")), passages, Format.BIOC_JSON))
    return documents


def _json_passage(p: Any, source: str) -> Passage:
    if not isinstance(p, dict):
        raise UnsupportedFormatError(source, "has a BioC passage that is not an object", None)
    infons = {str(k): str(v) for k, v in (p.get("infons") or {}).items()}
    offset = _int(p.get("offset"), source)
    body = p.get("text")
    if body is None:
        body = _from_sentences(
            offset,
            [
                (_int(s.get("offset"), source), str(s.get("text", "")))
                for s in p.get("sentences", [])
            ],
        )
    return Passage(offset, infons, str(body))


def build(doc_id: str, passages: list[Passage], fmt: Format) -> Document:
    """Place the passages (at their offsets when consistent) and derive sections."""
    consistent = _consistent(passages)
    source = ""
    placed: list[tuple[Passage, int]] = []
    for passage in passages:
        if consistent:
            gap = passage.offset - len(source)
            newlines = min(gap, 2) if source else 0
            source += " " * (gap - newlines) + "\n" * newlines
        elif source:
            source += "\n\n"
        placed.append((passage, len(source)))
        source += passage.text
    text = source
    removed: list[Removed] = []
    for passage, start in placed:
        if passage.is_reference and passage.text.strip():
            end = start + len(passage.text)
            stripped = passage.text.strip()
            lead = len(passage.text) - len(passage.text.lstrip())
            removed.append(
                Removed(
                    start + lead, start + lead + len(stripped), Reason.REFERENCES.value, stripped
                )
            )
            text = text[:start] + " " * (end - start) + text[end:]
    text = text.rstrip()
    sections, sentences, title = _sections(placed, text)
    pmid = doc_id if doc_id.isdigit() else None
    for passage, _ in placed:
        pmid = pmid or passage.infons.get("article-id_pmid") or None
    return Document(
        id=doc_id,
        text=text,
        format=fmt,
        title=title,
        sections=tuple(sections),
        sentences=tuple(sentences),
        removed=tuple(removed),
        source=source,
        pmid=pmid,
        extra={"bioc_offsets": consistent},
    )


def _sections(
    placed: list[tuple[Passage, int]], text: str
) -> tuple[list[Section], list[tuple[int, int]], str]:
    sections: list[Section] = []
    sentences: list[tuple[int, int]] = []
    title = ""
    for passage, start in placed:
        if passage.is_reference or not passage.text.strip():
            continue
        end = start + len(passage.text.rstrip())
        sentences.extend(split_sentences(text, start, end))
        kind = passage.kind
        if kind == "title" and not title:
            title = passage.text.strip()
        name = passage.text.strip() if kind == "title" else (passage.section_type or passage.type)
        last = sections[-1] if sections else None
        if last is not None and last.kind == kind and kind != "title" and last.title == name:
            sections[-1] = Section(title=name, kind=kind, start=last.start, end=end)
        else:
            sections.append(Section(title=name, kind=kind, start=start, end=end))
    return sections, sentences, title


def _consistent(passages: list[Passage]) -> bool:
    end = 0
    for passage in passages:
        if passage.offset < end or passage.offset > _MAX_OFFSET:
            return False
        end = passage.offset + len(passage.text)
    return True


def _from_sentences(offset: int, sentences: list[tuple[int, str]]) -> str:
    text = ""
    for start, sentence in sentences:
        gap = start - offset - len(text)
        text += " " * max(gap, 1 if text else 0) + sentence
    return text


def _int(value: Any, source: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise UnsupportedFormatError(
            source, f"has a BioC offset that is not a number: {str(value)[:20]!r}", None
        ) from None


def _list(doc: Any, key: str, source: str) -> list[Any]:
    value = doc.get(key, []) if isinstance(doc, dict) else None
    if not isinstance(value, list):
        raise UnsupportedFormatError(source, f'has a BioC document without a "{key}" list', None)
    return value
