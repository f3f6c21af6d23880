"""Plain text (typed, pasted, or copied from a web page) to a Document.

The text is cleaned by :func:`~rarecase.text.boilerplate.clean_text`; its title and its
structured-abstract headings ("Background:", "CASE PRESENTATION", "Patient concerns"…) become
sections. ``source`` is the decoded input with ``\\n`` line ends, and the offsets of
``removed`` point into it; all other offsets point into ``text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from rarecase.text.boilerplate import clean_text
from rarecase.text.document import Document, Format, Section
from rarecase.text.sections import kind_for_heading
from rarecase.text.sentences import split_sentences

_HEADINGS: Final = (
    r"background|introduction|case(?: (?:presentation|report|description|summary"
    r"|history|details))?|(?:materials|patients) and methods|methods?|results?|discussion"
    r"|conclusions?|objectives?|aims?|purpose|patient concerns|diagnos[ie]s|interventions?"
    r"|outcomes?|lessons?(?: learned)?|abstract|summary|importance|observations?"
)
_HEADING: Final = re.compile(
    rf"^[ \t]*(?P<h>{_HEADINGS})[ \t]*(?::|\.?[ \t]*$)",
    re.I | re.M,
)
# A structured abstract pasted as one paragraph: "… in thalassaemia. Case: A 12-year-old …".
# Inside a line only a capitalised heading with a colon after a sentence end counts.
_INLINE_HEADING: Final = re.compile(rf"(?<=[.!?])[ \t]+(?P<h>{_HEADINGS})[ \t]*:", re.I)
_MAX_TITLE: Final = 250


def read_text(source: str, *, doc_id: str) -> Document:
    """A Document from decoded text (line ends already ``\\n``).

    >>> doc = read_text("A rare case\\nBackground: Rare.\\nCase report: A boy.", doc_id="x")
    >>> doc.title, [(s.kind, doc.text[s.start:s.end]) for s in doc.sections][2:]
    ('A rare case', [('background', 'Background: Rare.'), ('case', 'Case report: A boy.')])
    """
    text, removed = clean_text(source)
    title, sections = text_sections(text)
    return Document(
        id=doc_id,
        text=text,
        format=Format.TEXT,
        title=title,
        sections=tuple(sections),
        sentences=tuple(split_sentences(text)),
        removed=tuple(removed),
        source=source,
    )


def text_sections(text: str) -> tuple[str, list[Section]]:
    """The title (or "") and the sections of a cleaned text: title, abstract, headed parts."""
    sections: list[Section] = []
    title = ""
    body_start = 0
    first_end = text.find("\n")
    if first_end > 0 and text[first_end:].strip():
        first = text[:first_end].strip()
        if _looks_like_title(first):
            title = first
            sections.append(Section(title=title, kind="title", start=0, end=len(first)))
            body_start = first_end + 1
            while body_start < len(text) and text[body_start].isspace():
                body_start += 1
    if body_start < len(text):
        sections.append(Section(title="Abstract", kind="abstract", start=body_start, end=len(text)))
    heads = [m for m in _headings(text, body_start) if m.group("h").lower() != "abstract"]
    for i, match in enumerate(heads):
        start = match.start("h")
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        while end > 0 and text[end - 1].isspace():  # rstrip without copying the text before
            end -= 1
        label = match.group("h")
        sections.append(Section(title=label, kind=kind_for_heading(label), start=start, end=end))
    return title, sections


def _headings(text: str, start: int) -> Iterator[re.Match[str]]:
    """The matches of ``_HEADING.finditer(text, start)``, tried only at line starts.

    A heading begins a line and never runs past its end, so matching at each line start finds
    the same headings; finditer would try the pattern at every character.
    """
    line = start
    if line > 0 and text[line - 1] != "\n":
        line = text.find("\n", line) + 1
        if line == 0:
            return
    while True:
        match = _HEADING.match(text, line)
        if match is not None:
            yield match
        following = text.find("\n", line) + 1
        end = following - 1 if following else len(text)
        if text.find(":", line, end) >= 0:  # cheap test before looking inside the line
            for inline in _INLINE_HEADING.finditer(text, match.end() if match else line, end):
                if inline.group("h")[0].isupper():
                    yield inline
        line = following
        if line == 0:
            return


def _looks_like_title(line: str) -> bool:
    """A short first line without a final period that is no heading: a title."""
    return (
        len(line) <= _MAX_TITLE
        and len(line.split()) <= 40
        and not line.endswith((".", ",", ";", ":"))
        and not line[0].islower()
        and _HEADING.match(line) is None
    )
