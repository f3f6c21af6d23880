from __future__ import annotations

import socket

import pytest

from rarecase.text import Format, read_path, read_source
from tests.text.helpers import DATA, check_offsets


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_journal_page(no_network: None) -> None:
    [doc] = read_path(DATA / "article.html")
    assert doc.format is Format.HTML and doc.id == "article"
    assert doc.title == "Congenital hyperinsulinism with a novel ABCC8 deletion: a case report"
    assert doc.text.startswith(doc.title)
    assert "novel homozygous deletion in ABCC8" in doc.text
    for furniture in ("cookies", "Skip to", "Sign in", "Facebook", "Share", "Brown K", "©"):
        assert furniture not in doc.text
    kinds = [s.kind for s in doc.sections]
    assert kinds == ["title", "abstract", "background", "case", "conclusion"]
    assert doc.source is not None and "We use cookies" in doc.source
    reasons = [r.reason for r in doc.removed]
    for reason in ("cookie_notice", "navigation", "social", "call_to_action", "references"):
        assert reason in reasons
    refs = next(r for r in doc.removed if r.reason == "references")
    assert refs.text.startswith("References\nBrown K")
    check_offsets(doc)


def test_fallback_when_trafilatura_finds_nothing() -> None:
    [doc] = read_source("<html><body><p>Ptosis</p></body></html>", name="tiny.html")
    assert doc.text == "Ptosis"
