"""Shared paths and invariants for the text-reader tests."""

from __future__ import annotations

from pathlib import Path

from rarecase.text import Document

DATA = Path(__file__).parent.parent / "data" / "text"


def check_offsets(doc: Document) -> None:
    """Every sentence and section span lies in ``text``; sentences are stripped and non-empty;
    every Removed span reproduces its text in ``source``."""
    for start, end in doc.sentences:
        assert 0 <= start < end <= len(doc.text)
        piece = doc.text[start:end]
        assert piece == piece.strip()
    for section in doc.sections:
        assert 0 <= section.start <= section.end <= len(doc.text)
    for removed in doc.removed:
        assert doc.source is not None
        assert doc.source[removed.start : removed.end] == removed.text
        assert removed.text == removed.text.strip() and removed.text
