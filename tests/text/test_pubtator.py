from __future__ import annotations

import pytest

from rarecase.errors import UnsupportedFormatError
from rarecase.text import Format, read_path, read_source
from tests.text.helpers import DATA, check_offsets


def test_two_documents_follow_the_offset_convention() -> None:
    first, second = read_path(DATA / "two_docs.pubtator")
    assert (first.id, second.id) == ("90000041", "90000042")
    assert first.format is Format.PUBTATOR and first.pmid == "90000041"
    title = "Cherry-red spot and myoclonus in an adult"
    assert first.title == title
    assert first.text.startswith(title + " A 31-year-old woman")
    assert first.text[20:29] == "myoclonus"  # the annotation line's offsets apply unchanged
    assert [s.kind for s in first.sections] == ["title", "abstract"]
    assert first.sentences[0] == (0, len(title))
    check_offsets(first)
    check_offsets(second)


def test_garbage_line_is_refused() -> None:
    with pytest.raises(UnsupportedFormatError, match=r"^p\.txt: line 2 is neither"):
        read_source("1|t|A title\nnot pubtator\n", name="p.txt")
