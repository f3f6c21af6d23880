"""The entry points: bytes or text in, Documents out, whatever the format.

Ids: the PMID when a document has one; BioC documents keep their own ``<id>``; otherwise the
input's name without directory and extension ("case12" for "/tmp/case12.txt", "stdin" for
"-"), with "-1", "-2"… appended when one input holds several documents.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path, PurePath
from typing import Final

from rarecase.errors import InputError
from rarecase.text.bioc import read_bioc_json, read_bioc_xml
from rarecase.text.decode import GZIP_MAGIC, check_text, decode_bytes, gunzip
from rarecase.text.detect import detect_format
from rarecase.text.document import Document, Format
from rarecase.text.jats import read_jats
from rarecase.text.plain import read_text
from rarecase.text.pubmed import read_pubmed
from rarecase.text.pubtator import read_pubtator
from rarecase.text.webpage import read_html

MAX_FILE_BYTES: Final = 100 * 1024 * 1024
"""Files above this size are refused before they are read into memory."""

MAX_DOCUMENT_CHARS: Final = 5_000_000
"""One case report (plain text or one HTML page) above this many characters is refused: the
longest full-text case reports are well under 1 MB, and a larger single text is a wrong file
(a book, a database dump) that would take minutes and gigabytes to annotate. Collections
(PubMed XML, BioC, PubTator) may be larger; each of their documents is small."""

_COMPRESSED: Final = (".gz", ".gzip")
# A name without separators, drive colon or dot-only component is its own PurePath name;
# skipping PurePath's parsing for it makes naming a document 2.5x faster.
_BARE_NAME: Final = re.compile(r"(?!\.{1,2}\Z)[^/\\:]+")


def read_source(data: bytes | str, *, name: str, format: Format | None = None) -> list[Document]:
    """Decode, detect (unless ``format`` is given), parse, clean and split ``data``.

    >>> [(d.id, d.title) for d in read_source(b"A rare case\\nShe had seizures.", name="a/c1.txt")]
    [('c1', 'A rare case')]
    """
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if raw.startswith(GZIP_MAGIC):
            raw = gunzip(raw, source=name)
        text = decode_bytes(raw, source=name)
    else:
        text = check_text(data, source=name)
    fmt = format if format is not None else detect_format(text, _strip_gz(name))
    base = document_base(name)
    if fmt in (Format.TEXT, Format.HTML) and len(text) > MAX_DOCUMENT_CHARS:
        raise InputError(
            name,
            f"is one text of {len(text) / 1e6:.0f} million characters; a case report is rarely "
            f"over 1 million (limit {MAX_DOCUMENT_CHARS / 1e6:.0f} million)",
            "give one case report per file, or split the text",
        )
    if fmt is Format.TEXT:
        documents = [read_text(text, doc_id=base)]
    elif fmt is Format.HTML:
        documents = [read_html(text, source=name, doc_id=base)]
    elif fmt is Format.PUBMED_XML:
        documents = read_pubmed(text, source=name)
    elif fmt is Format.JATS:
        documents = read_jats(text, source=name)
    elif fmt is Format.BIOC_XML:
        documents = read_bioc_xml(text, source=name)
    elif fmt is Format.BIOC_JSON:
        documents = read_bioc_json(text, source=name)
    else:
        documents = read_pubtator(text, source=name)
    if not documents:
        raise InputError(name, f"holds no documents ({fmt.value})", "check that it is complete")
    return _with_ids(documents, base)


def read_path(path: str | os.PathLike[str]) -> list[Document]:
    """Read one file (not a directory) and return its Documents; the name is the path given."""
    name = os.fspath(path)
    try:
        size = Path(name).stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                name,
                f"is {size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit",
                "split it into smaller files",
            )
        data = Path(name).read_bytes()
    except OSError as err:
        raise InputError(name, f"cannot read: {err.strerror or err}", "check the path") from None
    return read_source(data, name=name)


def document_base(name: str) -> str:
    """The id stem of an input name.

    >>> document_base("/tmp/case12.txt"), document_base("-"), document_base("x/set.xml.gz")
    ('case12', 'stdin', 'set')
    """
    if name in ("-", ""):
        return "stdin"
    stripped = _strip_gz(name)
    stem = stripped if _BARE_NAME.fullmatch(stripped) else PurePath(stripped).name
    base = stem.rsplit(".", 1)[0] if "." in stem.lstrip(".") else stem
    return base or "stdin"


def _strip_gz(name: str) -> str:
    lowered = name.lower()
    for suffix in _COMPRESSED:
        if lowered.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _with_ids(documents: list[Document], base: str) -> list[Document]:
    several = len(documents) > 1
    out = []
    for number, doc in enumerate(documents, 1):
        doc_id = doc.id or doc.pmid or (f"{base}-{number}" if several else base)
        out.append(doc if doc_id == doc.id else dataclasses.replace(doc, id=doc_id))
    return out
