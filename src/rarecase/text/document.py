"""The Document: cleaned text that every later stage annotates, with where it came from.

Offsets everywhere in rarecase (mentions, sentences, sections) point into ``Document.text``, the
text shown to the user. What the readers cut out (navigation, cookie notices, reference lists)
is reported in ``removed``, with offsets into ``Document.source`` (the text as read, before
cleaning) and the removed text itself, so a user can check every cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Format(StrEnum):
    TEXT = "text"
    HTML = "html"
    PUBMED_XML = "pubmed_xml"
    JATS = "jats"
    BIOC_XML = "bioc_xml"
    BIOC_JSON = "bioc_json"
    PUBTATOR = "pubtator"


@dataclass(frozen=True, slots=True)
class Removed:
    """A stretch of the source left out of ``Document.text``, and why."""

    start: int
    end: int
    reason: str
    text: str

    def to_json(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "reason": self.reason, "text": self.text}


@dataclass(frozen=True, slots=True)
class Section:
    """A titled part of the text: title, abstract sections (BACKGROUND, CASE PRESENTATION…),
    or full-text sections. ``kind`` is a normalised label: ``title``, ``abstract``,
    ``background``, ``case``, ``methods``, ``results``, ``discussion``, ``conclusion`` or
    ``other``."""

    title: str
    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    text: str
    format: Format
    title: str = ""
    sections: tuple[Section, ...] = ()
    sentences: tuple[tuple[int, int], ...] = ()
    removed: tuple[Removed, ...] = ()
    source: str | None = None
    pmid: str | None = None
    journal: str = ""
    year: int | None = None
    publication_types: tuple[str, ...] = ()
    mesh: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    def section_at(self, offset: int) -> Section | None:
        """The innermost section holding ``offset``, if any."""
        found = None
        for section in self.sections:
            if section.start <= offset < section.end and (
                found is None or section.start >= found.start
            ):
                found = section
        return found
