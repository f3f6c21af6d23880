"""Write annotated documents as PubTator or BioC XML, for tools that read those.

PubTator puts title and abstract on two lines and counts offsets over ``title + " " +
abstract``; our text joins them differently, so offsets are shifted to that convention. Status
and subject, which PubTator has no column for, follow as two extra tab-separated columns.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from rarecase.recognize.lexicon import Kind
from rarecase.recognize.mention import Mention
from rarecase.text.document import Document

# PubTator and BioC annotation types, by mention kind
_TYPES: dict[Kind, str] = {
    Kind.PHENOTYPE: "Phenotype",
    Kind.DISEASE: "Disease",
    Kind.ACTION: "MedicalAction",
}


def _title_and_rest(document: Document) -> tuple[str, int, str]:
    """(title, offset where the rest begins in Document.text, rest)."""
    text = document.text
    title = document.title if document.title and text.startswith(document.title) else ""
    rest_start = len(title)
    while rest_start < len(text) and text[rest_start].isspace():
        rest_start += 1
    return title, rest_start, text[rest_start:]


def to_pubtator(document: Document, mentions: Iterable[Mention]) -> str:
    title, rest_start, rest = _title_and_rest(document)
    lines = [
        f"{document.id}|t|{title.replace(chr(10), ' ')}",
        f"{document.id}|a|{rest.replace(chr(10), ' ')}",
    ]

    def shift(offset: int) -> int:
        if offset >= rest_start:
            return offset - rest_start + len(title) + 1
        return offset

    for m in mentions:
        if m.nested:
            continue
        kind = _TYPES[m.kind]
        lines.append(
            "\t".join(
                [
                    document.id,
                    str(shift(m.start)),
                    str(shift(m.end)),
                    m.text.replace("\n", " "),
                    kind,
                    ";".join(m.concepts),
                    m.status.value,
                    m.subject.value,
                ]
            )
        )
    return "\n".join(lines) + "\n\n"


def to_bioc(documents: Iterable[tuple[Document, Iterable[Mention]]]) -> bytes:
    """One BioC XML collection; each document is one passage at offset 0 holding its text."""
    collection = etree.Element("collection")
    etree.SubElement(collection, "source").text = "rarecase"
    etree.SubElement(collection, "date").text = ""
    etree.SubElement(collection, "key").text = "rarecase.key"
    for document, mentions in documents:
        doc = etree.SubElement(collection, "document")
        etree.SubElement(doc, "id").text = document.id
        passage = etree.SubElement(doc, "passage")
        etree.SubElement(passage, "offset").text = "0"
        etree.SubElement(passage, "text").text = document.text
        for n, m in enumerate(mentions):
            if m.nested:
                continue
            annotation = etree.SubElement(passage, "annotation", id=f"T{n}")
            for key, value in (
                ("type", _TYPES[m.kind]),
                ("identifier", ";".join(m.concepts)),
                ("label", m.label),
                ("status", m.status.value),
                ("subject", m.subject.value),
                ("cue", m.cue.text if m.cue else ""),
            ):
                etree.SubElement(annotation, "infon", key=key).text = value
            etree.SubElement(
                annotation, "location", offset=str(m.start), length=str(m.end - m.start)
            )
            etree.SubElement(annotation, "text").text = m.text
    data: bytes = etree.tostring(
        collection, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return data
