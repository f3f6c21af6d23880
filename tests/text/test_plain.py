from __future__ import annotations

import gzip
import os
import random

import pytest

from rarecase.errors import InputError, UnsupportedFormatError
from rarecase.text import MAX_DOCUMENT_CHARS, Format, read_path, read_source
from rarecase.text.plain import _HEADING, _headings, read_text
from rarecase.text.reader import MAX_FILE_BYTES, document_base
from tests.text.helpers import DATA, check_offsets


def test_latin1_file_decodes() -> None:
    [doc] = read_path(DATA / "latin1.txt")
    assert doc.id == "latin1" and doc.format is Format.TEXT
    assert doc.title == "Café au lait spots in a child"
    assert "six café-au-lait macules" in doc.text
    check_offsets(doc)


def test_utf8_bom_and_crlf() -> None:
    [doc] = read_path(DATA / "bom_utf8.txt")
    assert doc.text == "Ptosis and ophthalmoplegia\nA 40-year-old man had bilateral ptosis."
    assert doc.source is not None and "\r" not in doc.source and "\ufeff" not in doc.source


def test_binary_file_is_refused_in_one_line() -> None:
    name = str(DATA / "image.png")
    with pytest.raises(UnsupportedFormatError) as caught:
        read_path(name)
    message = str(caught.value)
    assert message.startswith(f"{name}: is binary, not text") and "\n" not in message


def test_control_characters_count_as_binary() -> None:
    with pytest.raises(UnsupportedFormatError, match="binary"):
        read_source(bytes(range(1, 32)) * 20, name="odd.bin")


def test_over_two_percent_of_control_characters_is_binary() -> None:
    heavy = "a" * 97 + "\x01\x1b\x7f"
    with pytest.raises(UnsupportedFormatError) as caught:
        read_source(heavy, name="odd.txt")
    assert "(3 control characters in its first 100)" in str(caught.value)
    [doc] = read_source("a" * 98 + "\x01\x1b", name="ok.txt")  # two percent is still text
    assert doc.text.startswith("a")


def test_tabs_form_feeds_and_line_ends_are_not_control_characters() -> None:
    [doc] = read_source("She had\tseizures.\x0c\r\nHe had none.\r" * 50, name="ok.txt")
    assert "seizures" in doc.text


@pytest.mark.parametrize("data", [b"", b"  \n\t ", "   "])
def test_empty_input(data: bytes | str) -> None:
    with pytest.raises(InputError, match=r"^note\.txt: is empty"):
        read_source(data, name="note.txt")


def test_missing_file_is_an_input_error(tmp_path: os.PathLike[str]) -> None:
    missing = os.path.join(tmp_path, "nope.txt")  # noqa: PTH118
    with pytest.raises(InputError, match=r"nope\.txt: cannot read"):
        read_path(missing)


def test_oversized_file_refused_before_reading(tmp_path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no 100 MB written
    with pytest.raises(InputError, match=r"big\.txt: is 100 MB, over the 100 MB limit"):
        read_path(big)


def test_structured_abstract_sections() -> None:
    text = (
        "Ataxia and hearing loss in a woman\n"
        "Background: Spectrin variants cause ataxia.\n"
        "Case presentation: A 46-year-old woman had ataxia. She was discharged home.\n"
        "Conclusions: Hearing loss widens the phenotype."
    )
    [doc] = read_source(text, name="-")
    assert doc.id == "stdin" and doc.title == "Ataxia and hearing loss in a woman"
    kinds = [(s.kind, doc.text[s.start : s.end].split(":")[0]) for s in doc.sections]
    assert kinds == [
        ("title", "Ataxia and hearing loss in a woman"),
        ("abstract", "Background"),
        ("background", "Background"),
        ("case", "Case presentation"),
        ("conclusion", "Conclusions"),
    ]
    found = doc.section_at(doc.text.index("discharged"))
    assert found is not None and found.kind == "case"
    check_offsets(doc)


def test_heading_lines_and_no_title() -> None:
    text = "A boy had seizures since infancy.\nBACKGROUND\nRare.\nCase report\nA boy."
    [doc] = read_source(text, name="/tmp/case12.txt")
    assert doc.id == "case12" and doc.title == ""
    assert [s.kind for s in doc.sections] == ["abstract", "background", "case"]


def test_web_copy_documents_record_removed_against_source() -> None:
    [doc] = read_path(DATA / "web" / "vendor_portal.txt")
    assert doc.title.startswith("Hyperammonaemic crisis")
    reasons = {r.reason for r in doc.removed}
    assert {"navigation", "call_to_action", "disclaimer", "copyright", "cookie_notice"} <= reasons
    check_offsets(doc)


def test_gzipped_text(tmp_path) -> None:
    path = tmp_path / "note.txt.gz"
    path.write_bytes(gzip.compress(b"A title\nShe had ptosis."))
    [doc] = read_path(path)
    assert doc.id == "note" and doc.text == "A title\nShe had ptosis."


def test_corrupt_gzip() -> None:
    with pytest.raises(UnsupportedFormatError, match=r"^x\.gz: is not a valid gzip file"):
        read_source(b"\x1f\x8b\x08\x00garbage", name="x.gz")


def test_gzip_bomb_is_capped() -> None:
    from rarecase.text.decode import gunzip

    with pytest.raises(UnsupportedFormatError, match="decompresses to more than"):
        gunzip(gzip.compress(b"a" * 3_000_000), source="bomb.gz", limit=2 * 1024 * 1024)


def test_format_argument_overrides_detection() -> None:
    [doc] = read_source("123|t|Not really PubTator", name="x", format=Format.TEXT)
    assert doc.format is Format.TEXT and doc.text == "123|t|Not really PubTator"


def test_the_largest_text_allowed_is_read_whole() -> None:
    block = (
        "A 7-year-old girl had episodic ataxia. Dr. Lee noted nystagmus, i.e. downbeat.\n"
        "Share\nViews 1,234\n\n"
    )
    data = (block * (MAX_DOCUMENT_CHARS // len(block))).encode()
    [doc] = read_source(data, name="big.txt")
    assert "Share" not in doc.text and len(doc.sentences) > 100_000


def test_a_text_over_the_limit_is_refused_in_one_line() -> None:
    with pytest.raises(InputError) as caught:
        read_source("word " * (MAX_DOCUMENT_CHARS // 5 + 10), name="huge.txt")
    assert str(caught.value).startswith("huge.txt: is one text of 5 million characters")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("café".encode("latin-1"), "café"),
        (
            "Na\u00efve \u201cquoted\u201d caf\u00e9 \u2013 5 \u00b5g".encode("cp1252"),
            "Na\u00efve \u201cquoted\u201d caf\u00e9 \u2013 5 \u00b5g",
        ),
        ("Größe und Gewicht".encode("latin-1"), "Größe und Gewicht"),
    ],
)
def test_western_legacy_encodings(raw: bytes, expected: str) -> None:
    [doc] = read_source(raw, name="legacy.txt")
    assert doc.text == expected


@pytest.mark.parametrize(
    ("name", "base"),
    [
        ("x.txt", "x"), ("case12", "case12"), (".hidden", ".hidden"), ("..", ".."),
        (".", "stdin"), ("...", "..."), ("a:b.txt", "a:b"), ("dir/x.txt", "x"),
        ("x.txt.gz", "x"), ("x.", "x"), ("a\\b.txt", "a\\b"), ("dir/", "dir"), ("-", "stdin"),
    ],
)  # fmt: skip
def test_document_base(name: str, base: str) -> None:
    assert document_base(name) == base


def test_headings_are_those_of_finditer() -> None:
    rng = random.Random(2)
    pieces = ["Background", "case report", "Results.", ":", " ", "\t", "\n", "x", ".", "Abstract"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 25)))
        for start in range(len(text) + 1):
            # the line-start headings; an inline one ("… rare. Case: A boy") is matched apart
            fast = [m.span() for m in _headings(text, start) if m.re is _HEADING]
            assert fast == [m.span() for m in _HEADING.finditer(text, start)], (text, start)


def test_a_heading_inside_a_pasted_paragraph_starts_a_section() -> None:
    doc = read_text(
        "Background: Transfusion is the mainstay of care. Case: A girl had pallor. "
        "Conclusions: It is rare. The case: nothing. results: none.",
        doc_id="x",
    )
    parts = [(s.kind, doc.text[s.start : s.end]) for s in doc.sections if s.kind != "abstract"]
    assert parts == [
        ("background", "Background: Transfusion is the mainstay of care."),
        ("case", "Case: A girl had pallor."),
        ("conclusion", "Conclusions: It is rare. The case: nothing. results: none."),
    ]
