"""Input text of every format to cleaned :class:`Document` s with sections and sentences.

Plain text (also text copied from web pages), HTML, PubMed XML, PMC JATS, BioC XML/JSON and
PubTator are read; the format is detected from the content. Every offset in a Document points
into ``Document.text``; ``Document.removed`` says what was cut, with offsets into
``Document.source``.
"""

from __future__ import annotations

from rarecase.text.boilerplate import Reason, clean_text
from rarecase.text.detect import detect_format
from rarecase.text.document import Document, Format, Removed, Section
from rarecase.text.reader import MAX_DOCUMENT_CHARS, MAX_FILE_BYTES, read_path, read_source
from rarecase.text.sentences import split_sentences

__all__ = [
    "MAX_DOCUMENT_CHARS",
    "MAX_FILE_BYTES",
    "Document",
    "Format",
    "Reason",
    "Removed",
    "Section",
    "clean_text",
    "detect_format",
    "read_path",
    "read_source",
    "split_sentences",
]
