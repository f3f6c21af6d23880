"""PubTator files (``PMID|t|title``, ``PMID|a|abstract``, annotation lines) to Documents.

``text`` follows the PubTator offset convention, title + one space + abstract, so PubTator
annotation offsets apply to it unchanged. Annotation lines are skipped here; sentences are split
in the title and the abstract separately (a title rarely ends with a period).
"""

from __future__ import annotations

import re
from typing import Final

from rarecase.errors import UnsupportedFormatError
from rarecase.text.document import Document, Format, Section
from rarecase.text.sentences import split_sentences

_LINE: Final = re.compile(r"^(\d+)\|([ta])\|(.*)$")


def read_pubtator(text: str, *, source: str) -> list[Document]:
    """One Document per PMID block.

    >>> [d.text for d in read_pubtator("1|t|A title\\n1|a|An abstract.\\n", source="x")]
    ['A title An abstract.']
    """
    blocks: dict[str, dict[str, str]] = {}
    for number, line in enumerate(text.split("\n"), 1):
        match = _LINE.match(line)
        if match:
            pmid, part, content = match.groups()
            blocks.setdefault(pmid, {})[part] = content
        elif line.strip() and "\t" not in line:
            raise UnsupportedFormatError(
                source,
                f"line {number} is neither PMID|t|, PMID|a| nor a tab-separated annotation",
                "check the PubTator file, or give it with --format text",
            )
    return [_document(pmid, parts) for pmid, parts in blocks.items()]


def _document(pmid: str, parts: dict[str, str]) -> Document:
    title, abstract = parts.get("t", ""), parts.get("a", "")
    text = f"{title} {abstract}" if abstract else title
    sections = [Section(title=title, kind="title", start=0, end=len(title))]
    sentences = split_sentences(text, 0, len(title))
    if abstract:
        start = len(title) + 1
        sections.append(Section(title="Abstract", kind="abstract", start=start, end=len(text)))
        sentences += split_sentences(text, start)
    return Document(
        id=pmid,
        text=text,
        format=Format.PUBTATOR,
        title=title.strip(),
        sections=tuple(sections),
        sentences=tuple(sentences),
        pmid=pmid,
    )
