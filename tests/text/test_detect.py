from __future__ import annotations

import pytest

from rarecase.errors import UnsupportedFormatError
from rarecase.text import Format, detect_format
from tests.text.helpers import DATA


@pytest.mark.parametrize(
    ("fixture", "fmt"),
    [
        ("pubmed_two.xml", Format.PUBMED_XML),
        ("jats_article.xml", Format.JATS),
        ("bioc_collection.xml", Format.BIOC_XML),
        ("bioc_collection.json", Format.BIOC_JSON),
        ("two_docs.pubtator", Format.PUBTATOR),
        ("article.html", Format.HTML),
        ("web/pmc_style.txt", Format.TEXT),
    ],
)
def test_fixture_formats(fixture: str, fmt: Format) -> None:
    assert detect_format((DATA / fixture).read_text(encoding="utf-8")) is fmt


def test_content_beats_the_file_name() -> None:
    xml = (DATA / "pubmed_two.xml").read_text(encoding="utf-8")
    assert detect_format(xml, "saved.txt") is Format.PUBMED_XML
    assert detect_format("\ufeff  \n" + xml) is Format.PUBMED_XML


def test_name_is_a_hint_for_light_markup() -> None:
    assert detect_format("A girl with <b>ptosis</b>.", "page.html") is Format.HTML
    assert detect_format("A girl with <b>ptosis</b>.", "note.txt") is Format.TEXT


def test_html_by_markup_share() -> None:
    markup = "<div><span>x</span></div>" * 20
    assert detect_format(markup) is Format.HTML
    assert detect_format("<!DOCTYPE html><title>t</title>") is Format.HTML


def test_unknown_xml_root_is_refused() -> None:
    with pytest.raises(UnsupportedFormatError, match=r"^x\.xml: is XML with root <svg>"):
        detect_format('<?xml version="1.0"?><svg></svg>', "x.xml")


def test_non_bioc_json_object_is_refused() -> None:
    with pytest.raises(UnsupportedFormatError, match="not a BioC collection"):
        detect_format('{"id": "p1"}', "case.json")


def test_plain_text_that_starts_with_a_bracket() -> None:
    assert detect_format("[Case report] A boy with ataxia.") is Format.TEXT
