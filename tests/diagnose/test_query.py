import pytest

from rarecase.diagnose import query_from_ids
from rarecase.errors import ObsoleteTermError, UnknownTermError
from rarecase.phenopacket import Case


def test_alt_id_is_mapped_with_a_note(tiny_kb):
    q = query_from_ids(tiny_kb, ["HP:0001275"])
    assert [tiny_kb.label(i) for i in q.present] == ["Seizure"]
    assert q.notes == ("HP:0001275 is an alternative id of HP:0001250",)


def test_obsolete_id_with_replacement_is_mapped(tiny_kb):
    q = query_from_ids(tiny_kb, ["HP:0000284"])
    assert [tiny_kb.label(i) for i in q.present] == ["Abnormality of the eye"]
    assert "obsolete" in q.notes[0]


def test_unknown_id_raises_naming_it(tiny_kb):
    with pytest.raises(UnknownTermError) as caught:
        query_from_ids(tiny_kb, ["HP:0001250", "HP:9999999"])
    assert "HP:9999999" in str(caught.value)
    assert not isinstance(caught.value, ObsoleteTermError)


def test_lenient_parsing_drops_and_counts_unknown_ids(tiny_kb):
    q = query_from_ids(tiny_kb, ["HP:0001250", "HP:9999999"], ["HP:8888888"], strict=False)
    assert len(q.present) == 1 and len(q.excluded) == 0
    assert q.dropped == ("HP:9999999", "HP:8888888")


def test_non_phenotypes_and_repeats_are_left_out(tiny_kb):
    q = query_from_ids(tiny_kb, ["HP:0001250", "HP:0001250", "HP:0000006"], ["HP:0001250"])
    assert len(q.present) == 1
    assert len(q.excluded) == 0  # present wins over a contradictory exclusion
    assert any("not a phenotype" in n for n in q.notes)


def test_query_from_case(tiny_kb):
    from rarecase.diagnose import query_from_case

    case = Case.new("p1", observed=["HP:0001251"], excluded=["HP:0000518"])
    q = query_from_case(tiny_kb, case)
    assert q.id == "p1"
    assert tiny_kb.label(int(q.present[0])) == "Ataxia"
    assert tiny_kb.label(int(q.excluded[0])) == "Cataract"
