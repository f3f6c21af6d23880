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


# ------------------------------------------------------------------ streaming (batch files)
def _many(n: int) -> bytes:
    """``n`` copies of the two test articles, PMIDs made distinct, in one citation set."""
    text = (DATA / "pubmed_two.xml").read_text("utf-8")
    head, body = text.split("<PubmedArticleSet>", 1)
    body, tail = body.rsplit("</PubmedArticleSet>", 1)
    copies = [body.replace(">9000000", f">{8000 + i}9000000") for i in range(n)]
    return (head + "<PubmedArticleSet>" + "".join(copies) + "</PubmedArticleSet>" + tail).encode()


def test_streaming_gives_what_reading_whole_gives(tmp_path) -> None:
    from rarecase.text.pubmed import stream_pubmed

    data = _many(50)
    plain = tmp_path / "pubmed26n0001.xml"
    plain.write_bytes(data)
    zipped = tmp_path / "pubmed26n0002.xml.gz"
    zipped.write_bytes(gzip.compress(data))
    whole = read_source(data, name="set.xml")
    assert len(whole) == 100
    for path in (plain, zipped):
        streamed = list(stream_pubmed(path))
        assert [d.id for d in streamed] == [d.id for d in whole]
        assert [(d.text, d.sections, d.publication_types) for d in streamed] == [
            (d.text, d.sections, d.publication_types) for d in whole
        ]


def test_a_truncated_gzip_file_fails_after_the_articles_before_the_cut(tmp_path) -> None:
    from rarecase.text.pubmed import stream_pubmed

    path = tmp_path / "pubmed26n0003.xml.gz"
    packed = gzip.compress(_many(400))
    path.write_bytes(packed[: len(packed) * 2 // 3])
    read = []
    with pytest.raises(UnsupportedFormatError) as caught:
        for document in stream_pubmed(path):
            read.append(document.id)
    assert 0 < len(read) < 800
    assert str(caught.value).startswith(f"{path}: ")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("pubmed26n0004.xml.gz", b"not gzip at all", "is named .gz but is not gzip data"),
        ("pubmed26n0005.xml", b"<html><body>a page</body></html>", "not PubMed XML"),
        ("pubmed26n0006.xml", b"<PubmedArticleSet><PubmedArticle>", "not well-formed"),
    ],
)
def test_a_damaged_file_is_named_with_its_problem(tmp_path, name, data, problem) -> None:
    from rarecase.text.pubmed import stream_pubmed

    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnsupportedFormatError, match=problem):
        list(stream_pubmed(path))
