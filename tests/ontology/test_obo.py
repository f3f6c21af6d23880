from pathlib import Path

import pytest

from rarecase.errors import OntologyFileError
from rarecase.ontology.obo import read_obo
from tests.conftest import MINI_HPO


def test_reads_terms_with_their_tags():
    doc = read_obo(MINI_HPO / "hp.obo")
    assert doc.data_version == "hp/releases/2025-01-16-mini"
    seizure = next(t for t in doc.terms if t.id == "HP:0001250")
    assert seizure.name == "Seizure"
    assert "HP:0001275" in seizure.alt_ids
    assert seizure.is_a == ["HP:0012638"]
    assert seizure.definition.startswith("A seizure is")
    obsolete = next(t for t in doc.terms if t.id == "HP:0000284")
    assert obsolete.is_obsolete and obsolete.replaced_by == ["HP:0000315"]


def test_synonym_scope_and_type():
    doc = read_obo(MINI_HPO / "hp.obo")
    epicanthus = next(t for t in doc.terms if t.id == "HP:0000286")
    assert ("Epicanthal folds", "EXACT", "") in epicanthus.synonyms
    layperson = [s for s in (s for t in doc.terms for s in t.synonyms) if s[2] == "layperson"]
    assert layperson, "the excerpt keeps layperson synonyms"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hp.obo"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_synonym_scope_names_the_line(tmp_path):
    path = _write(
        tmp_path,
        'format-version: 1.2\n\n[Term]\nid: HP:0000001\nname: All\nsynonym: "root" SOMETIMES []\n',
    )
    with pytest.raises(OntologyFileError) as caught:
        read_obo(path)
    assert f"{path}:6" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_file_without_terms_is_rejected(tmp_path):
    with pytest.raises(OntologyFileError, match="no OBO header or no \\[Term\\]"):
        read_obo(_write(tmp_path, "just some text: here\n"))


def test_binary_file_is_rejected(tmp_path):
    path = tmp_path / "hp.obo"
    path.write_bytes(b"\xff\xfe\x00\x01binary")
    with pytest.raises(OntologyFileError, match="not UTF-8"):
        read_obo(path)


def test_missing_file(tmp_path):
    with pytest.raises(OntologyFileError, match="cannot read"):
        read_obo(tmp_path / "absent.obo")
