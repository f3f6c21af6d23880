from __future__ import annotations

import json

import pytest
from lxml import etree

from rarecase.errors import UnsupportedFormatError
from rarecase.text import Format, read_path, read_source
from tests.text.helpers import DATA, check_offsets


def test_bioc_xml_offsets_are_preserved() -> None:
    first, second = read_path(DATA / "bioc_collection.xml")
    root = etree.parse(str(DATA / "bioc_collection.xml")).getroot()
    passages = root.find("document").findall("passage")
    for passage in passages[:-1]:  # the last is a reference passage
        offset = int(passage.findtext("offset"))
        text = passage.findtext("text")
        assert first.text[offset : offset + len(text)] == text
    assert first.id == "PMC9000020" and first.pmid == "90000020"
    assert first.format is Format.BIOC_XML
    assert first.title == "Ichthyosis and spastic diplegia in a boy: a case report"
    assert [s.kind for s in first.sections] == ["title", "abstract", "case"]
    assert "Lind M." not in first.text
    [ref] = first.removed
    assert ref.reason == "references" and ref.start == 270
    assert first.extra["bioc_offsets"] is True
    assert second.id == "case-b" and second.pmid is None
    check_offsets(first)
    check_offsets(second)


def test_bioc_json() -> None:
    [doc] = read_path(DATA / "bioc_collection.json")
    data = json.loads((DATA / "bioc_collection.json").read_text(encoding="utf-8"))
    for passage in data["documents"][0]["passages"]:
        start = passage["offset"]
        assert doc.text[start : start + len(passage["text"])] == passage["text"]
    assert doc.id == "90000030" and doc.format is Format.BIOC_JSON
    assert [s.kind for s in doc.sections] == ["title", "abstract"]
    check_offsets(doc)


def test_inconsistent_offsets_fall_back_to_joining() -> None:
    collection = {
        "documents": [
            {
                "id": "d1",
                "passages": [
                    {"offset": 50, "infons": {"type": "title"}, "text": "A title"},
                    {"offset": 0, "infons": {"type": "abstract"}, "text": "An abstract."},
                ],
            }
        ]
    }
    [doc] = read_source(json.dumps(collection), name="c.json")
    assert doc.text == "A title\n\nAn abstract." and doc.extra["bioc_offsets"] is False


def test_bad_offset_is_refused() -> None:
    bad = '{"documents": [{"id": "d", "passages": [{"offset": "x", "text": "t"}]}]}'
    with pytest.raises(UnsupportedFormatError, match=r"^b\.json: has a BioC offset"):
        read_source(bad, name="b.json")
