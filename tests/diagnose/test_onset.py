"""Onset and sex as evidence: classes from ages and terms, and what they do to the ranking."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from rarecase.diagnose import DiseaseProfiles, LikelihoodRanker, query_from_ids
from rarecase.diagnose.cases import read_cases
from rarecase.diagnose.differential import Relation
from rarecase.diagnose.onset import ONSET_CLASSES, onset_class, onset_log_lr
from rarecase.diagnose.query import query_from_case
from rarecase.phenopacket import parse_phenopacket

CONGENITAL, ADULT = 1, 6


def test_onset_of_a_time_element_a_term_and_a_compact_value(hpo):
    assert onset_class(hpo, "P0D") == CONGENITAL
    assert onset_class(hpo, {"id": "HP:0003584", "label": "Late onset"}) == ADULT
    assert onset_class(hpo, {"gestationalAge": {"weeks": 20}}) == 0
    assert onset_class(hpo, {"id": "HP:0001250"}) is None  # Seizure is no onset


def test_onset_lr_favours_the_annotated_class_and_is_neutral_without_annotation():
    onsets = np.zeros((3, len(ONSET_CLASSES)), dtype=bool)
    onsets[0, CONGENITAL] = True
    onsets[1, ADULT] = True
    table = onset_log_lr(onsets)
    assert table[0, CONGENITAL] > 0 > table[0, ADULT]
    assert table[1, ADULT] > 0 > table[1, CONGENITAL]
    assert not table[2].any()  # no onset annotated: says nothing


@pytest.fixture(scope="module")
def ranker(hpo):
    return LikelihoodRanker(DiseaseProfiles.build(hpo))


def test_a_female_patient_lowers_x_linked_recessive_diseases(hpo, ranker):
    dmd = hpo.disease("OMIM:310200").index  # Duchenne muscular dystrophy: X-linked recessive
    assert ranker.profiles.x_linked_recessive_only[dmd]
    terms = ["HP:0003560", "HP:0003707"]  # muscular dystrophy, calf muscle pseudohypertrophy
    plain = ranker.scores(query_from_ids(hpo, terms))
    female = ranker.scores(query_from_ids(hpo, terms, sex="FEMALE"))
    male = ranker.scores(query_from_ids(hpo, terms, sex="male"))
    assert female[dmd] < plain[dmd] < male[dmd]
    reasons = ranker.rank(query_from_ids(hpo, terms, sex="FEMALE"), top=50).diseases
    duchenne = next(d for d in reasons if d.id == "OMIM:310200")
    assert [m.relation for m in duchenne.against] == [Relation.SEX]


def test_onset_moves_a_disease_annotated_with_it(hpo, ranker):
    onsets = ranker.profiles.onsets
    disease = int(np.flatnonzero(onsets[:, CONGENITAL] & ~onsets[:, ADULT])[0])
    terms = [str(hpo.term_id(int(t))) for t in ranker.profiles.annotated(disease)[0][:3]]
    congenital = ranker.scores(query_from_ids(hpo, terms, onset=CONGENITAL))
    adult = ranker.scores(query_from_ids(hpo, terms, onset=ADULT))
    assert congenital[disease] > adult[disease]


def test_a_phenopacket_gives_its_sex_and_onset(hpo):
    packet = {
        "id": "p1",
        "subject": {"id": "s1", "sex": "FEMALE"},
        "phenotypicFeatures": [
            {
                "type": {"id": "HP:0001250", "label": "Seizure"},
                "onset": {"age": {"iso8601duration": "P2Y"}},
            }
        ],
        "metaData": {
            "created": "2026-01-01T00:00:00Z",
            "createdBy": "test",
            "resources": [],
            "phenopacketSchemaVersion": "2.0",
        },
    }
    query = query_from_case(hpo, parse_phenopacket(json.dumps(packet)))
    assert (query.sex, query.onset) == ("FEMALE", 4)  # childhood: one to five years


def test_compact_cases_carry_sex_and_onset(tmp_path, hpo):
    record = {
        "id": "c1",
        "pmid": "PMID:1",
        "sex": "MALE",
        "diseases": [{"id": "OMIM:154700"}],
        "observed": ["HP:0001166"],
        "excluded": [],
        "disease_onset": [{"disease": "OMIM:154700", "onset": {"id": "HP:0003577"}}],
    }
    path = tmp_path / "cases.jsonl.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(json.dumps(record) + "\n")
    [case] = read_cases(path, hpo)
    assert (case.query.sex, case.query.onset) == ("MALE", CONGENITAL)
