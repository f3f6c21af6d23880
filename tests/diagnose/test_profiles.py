import numpy as np
import pytest

from rarecase.diagnose import DiseaseProfiles
from rarecase.ontology import Database


def test_closure_holds_ancestors_with_the_highest_frequency_below(profiles, tiny_kb):
    d = tiny_kb.disease("OMIM:100001").index
    row = profiles.closure_row(d)
    label = {tiny_kb.label(t): f for t, f in row.items()}
    assert label["Focal-onset seizure"] == 1.0
    assert label["Seizure"] == 1.0  # implied by the more specific annotation
    assert label["Ataxia"] == pytest.approx(0.9)
    assert label["Abnormality of the nervous system"] == 1.0  # max(1.0, 0.9), not the sum
    assert "All" not in label  # above Phenotypic abnormality nothing is said
    assert "Cataract" not in label


def test_only_phenotype_annotations_count(profiles, tiny_kb):
    inheritance = tiny_kb.index("HP:0000006")
    assert profiles.direct[:, [inheritance]].nnz == 0
    only_inheritance = tiny_kb.disease("OMIM:100005").index
    assert profiles.closure_row(only_inheritance) == {}


def test_missing_frequency_gets_the_default(tiny_kb):
    custom = DiseaseProfiles.build(tiny_kb, default_frequency=0.3)
    d = tiny_kb.disease("OMIM:100002").index
    assert custom.direct_row(d)[tiny_kb.index("HP:0004322")] == pytest.approx(0.3)


def test_background_is_the_mean_frequency_over_diseases(profiles, tiny_kb):
    seizure = tiny_kb.index("HP:0001250")
    # OMIM:100001 shows it always (via focal), OMIM:100003 in 8/10, four others never.
    assert profiles.background[seizure] == pytest.approx((1.0 + 0.8) / 6)


def test_not_annotations_are_kept_apart(profiles, tiny_kb):
    d = tiny_kb.disease("OMIM:100003").index
    assert tiny_kb.index("HP:0001251") in profiles.not_annotated(d)
    assert tiny_kb.index("HP:0001251") not in profiles.closure_row(d)


def test_database_mask(profiles):
    assert profiles.mask((Database.ORPHA,)).sum() == 1
    assert profiles.mask(None).all()
    assert np.array_equal(profiles.mask(()), profiles.mask(None))
