import pytest

from rarecase.errors import ObsoleteTermError, UnknownTermError
from rarecase.phenopacket.terms import case_from_terms, split_marked


def test_split_marked():
    observed, excluded = split_marked(["HP:1", "-HP:2", "not:HP:3", "NOT:HP:4", "!HP:5", " HP:6 "])
    assert observed == ["HP:1", "HP:6"]
    assert excluded == ["HP:2", "HP:3", "HP:4", "HP:5"]


def test_case_from_terms_with_kb_fills_labels_and_maps_alt_ids(hpo):
    case = case_from_terms(["HP:0010646", "HP:0001275"], ["HP:0002905"], kb=hpo, case_id="c1")
    assert case.id == "c1"
    assert [(str(f.term.id), f.term.label) for f in case.observed] == [
        ("HP:0010646", "Cervical spine instability"),
        ("HP:0001250", "Seizure"),
    ]
    assert [f.term.label for f in case.excluded] == ["Hyperphosphatemia"]
    assert case.meta is not None and case.meta.resources[0]["version"] == "2025-01-16"


def test_case_from_terms_rejects_bad_ids(hpo):
    with pytest.raises(ObsoleteTermError):
        case_from_terms(["HP:0003494"], kb=hpo)
    with pytest.raises(UnknownTermError):
        case_from_terms(["HP:1999999"], kb=hpo)
