from importlib import resources

import pytest

from rarecase.ontology import load
from rarecase.recognize.lexicon import Kind, Lexicon
from rarecase.recognize.normalize import name_stems
from tests.conftest import MINI_HPO


def test_labels_and_synonyms_are_indexed(mini_kb):
    lexicon = Lexicon.build(mini_kb)
    [entry] = lexicon.lookup(name_stems("Seizure"))
    assert entry.concepts == ("HP:0001250",) and entry.kind is Kind.PHENOTYPE and entry.rank == 0
    epicanthus = lexicon.lookup(name_stems("epicanthal folds"))
    assert epicanthus and epicanthus[0].concepts == ("HP:0000286",) and epicanthus[0].rank == 1


def test_terms_outside_phenotypic_abnormality_are_not_names(mini_kb):
    lexicon = Lexicon.build(mini_kb)
    assert lexicon.lookup(name_stems("Autosomal dominant inheritance")) == []
    assert lexicon.lookup(name_stems("Congenital onset")) == []


def test_diseases_and_their_family_names(mini_kb):
    lexicon = Lexicon.build(mini_kb)
    [lds1] = [e for e in lexicon.lookup(name_stems("Loeys-Dietz syndrome 1")) if e.rank == 0]
    assert lds1.kind is Kind.DISEASE and lds1.concepts == ("OMIM:609192",)
    family = lexicon.lookup(name_stems("Loeys-Dietz syndrome"))
    assert any(e.rank == 3 and "OMIM:609192" in e.concepts for e in family)


def test_abbreviations_are_case_sensitive(hpo):
    lexicon = Lexicon.load(hpo)
    assert [e.concepts for e in lexicon.lookup_exact("VSD")] == [("HP:0001629",)]
    assert lexicon.lookup_exact("vsd") == []


def test_cache_round_trip(tmp_path):
    kb = load(MINI_HPO, cache_dir=tmp_path)
    built = Lexicon.load(kb)
    files = list(kb.cache_path.glob("lexicon-*.json"))
    assert len(files) == 1
    again = Lexicon.load(kb)
    key = name_stems("Seizure")
    assert again.lookup(key) == built.lookup(key)
    assert len(again) == len(built) and again.vocabulary == built.vocabulary


def test_corrupt_cache_is_rebuilt(tmp_path):
    kb = load(MINI_HPO, cache_dir=tmp_path)
    Lexicon.load(kb)
    [path] = kb.cache_path.glob("lexicon-*.json")
    path.write_text("{not json")
    assert Lexicon.load(kb).lookup(name_stems("Seizure"))


def test_common_clinical_abbreviations(hpo):
    lexicon = Lexicon.load(hpo)
    assert [e.concepts for e in lexicon.lookup_exact("ESRD")] == [("HP:0003774",)]
    assert lexicon.lookup_exact("ID") == []  # ambiguous: not listed


@pytest.mark.parametrize(
    ("table", "least"), [("clinical_phrases.tsv", 50), ("negating_words.tsv", 10)]
)
def test_tables_name_current_terms_by_their_labels(hpo, table, least):
    text = resources.files("rarecase.recognize").joinpath(f"data/{table}")
    rows = [
        line.split("\t")
        for line in text.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(rows) >= least
    for phrase, ident, label in rows:
        assert hpo.is_current(ident), phrase
        assert hpo.label(ident) == label, phrase


def test_clinical_phrases_are_names_below_exact_synonyms(hpo):
    lexicon = Lexicon.load(hpo)
    [entry, *_] = lexicon.lookup(name_stems("skin lesions"))
    assert entry.concepts == ("HP:0011355",) and entry.rank == 2
    # a phrase never displaces a term's own name: "seizure disorder" is listed, "seizure" is not
    assert lexicon.lookup(name_stems("seizures"))[0].rank < 2


def test_negating_words_are_folded_and_survive_the_cache(hpo):
    built = Lexicon.build(hpo)
    assert Lexicon.load(hpo).negating == built.negating  # read from the cache folder
    assert built.negating["normocalcemic"][0].concepts == ("HP:0004363",)
    assert all(word == word.lower() and "ae" not in word for word in built.negating)
