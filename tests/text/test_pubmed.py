from __future__ import annotations

import gzip
import socket
import time

import pytest

from rarecase.errors import UnsupportedFormatError
from rarecase.text import Format, read_path, read_source
from tests.text.helpers import DATA, check_offsets


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the parser tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_two_articles(no_network: None) -> None:
    started = time.perf_counter()
    first, second = read_path(DATA / "pubmed_two.xml")
    assert time.perf_counter() - started < 2  # the DOCTYPE's DTD URL is never fetched
    assert (first.id, first.pmid, second.id) == ("90000001", "90000001", "90000002")
    assert first.format is Format.PUBMED_XML
    assert first.title == "Macrocephaly and seizures in a girl with a PTEN variant: a case report."
    assert first.text.startswith(first.title + "\n\nBACKGROUND: PTEN hamartoma")
    assert "Sequencing of PTEN revealed" in first.text  # <i> kept as its text
    assert "(c.388C>T)" in first.text
    assert first.journal == "Journal of Invented Genetics" and first.year == 2021
    assert first.publication_types == ("Case Reports",)
    assert first.mesh == ("Male", "Megalencephaly")
    kinds = [(s.kind, s.title) for s in first.sections]
    assert kinds == [
        ("title", first.title),
        ("abstract", "Abstract"),
        ("background", "BACKGROUND"),
        ("case", "CASE PRESENTATION"),
        ("conclusion", "CONCLUSIONS"),
    ]
    case = first.sections[3]
    assert first.text[case.start : case.end].startswith("CASE PRESENTATION: A 4-year-old girl")
    sentences = [first.text[s:e] for s, e in first.sentences]
    assert sentences[0] == first.title
    assert any(s.startswith("Dr. Ames noted") for s in sentences)
    check_offsets(first)


def test_article_without_abstract_is_title_only() -> None:
    second = read_path(DATA / "pubmed_two.xml")[1]
    assert second.text == "Short stature and brachydactyly in two siblings."
    assert second.year == 1998 and second.journal == "Invent Pediatr"
    assert second.publication_types == ("Case Reports", "Journal Article")
    assert [s.kind for s in second.sections] == ["title"]


def test_gzipped_pubmed() -> None:
    data = gzip.compress((DATA / "pubmed_two.xml").read_bytes())
    docs = read_source(data, name="set.xml.gz")
    assert [d.id for d in docs] == ["90000001", "90000002"]


def test_truncated_xml_names_line_and_column() -> None:
    name = str(DATA / "broken.xml")
    with pytest.raises(UnsupportedFormatError) as caught:
        read_path(name)
    message = str(caught.value)
    assert message.startswith(f"{name}: is not well-formed PubMed XML: ")
    assert "(line 35, column" in message and "\n" not in message


def test_external_entities_are_not_resolved(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    xml = (
        f'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
        "<ArticleTitle>A &x; title</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        "</PubmedArticleSet>"
    )
    try:
        docs = read_source(xml, name="xxe.xml")
    except UnsupportedFormatError:
        return  # refusing is fine too
    assert "TOPSECRET" not in docs[0].text
