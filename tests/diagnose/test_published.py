"""Published cases as knowledge: profiles that learn from them, excluded terms weighed by them,
and an evaluation that never shows a case its own publication."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rarecase.diagnose import DiseaseProfiles, LikelihoodRanker, Model, query_from_ids
from rarecase.diagnose.differential import Relation
from rarecase.diagnose.evaluate import evaluate_by_publication, read_cases
from rarecase.diagnose.published import PublishedCases, read_published
from rarecase.ontology import KnowledgeBase


def _write_cases(path, cases):
    path.write_text("\n".join(json.dumps(c) for c in cases) + "\n")
    return path


def _case(ident, pmid, disease, observed, excluded=()):
    return {
        "id": ident,
        "pmid": pmid,
        "diseases": [{"id": disease}],
        "observed": list(observed),
        "excluded": list(excluded),
    }


@pytest.fixture()
def corpus(tmp_path, tiny_kb: KnowledgeBase) -> PublishedCases:
    # OMIM:100002 is annotated with Scoliosis and Short stature only; its published patients
    # also had cataracts, and two of three were recorded without ataxia; the one published
    # patient with OMIM:100004 was not
    cases = [
        _case("a", "PMID:1", "OMIM:100002", ["HP:0002650", "HP:0000518"], ["HP:0001251"]),
        _case("b", "PMID:1", "OMIM:100002", ["HP:0000518"], ["HP:0001251"]),
        _case("c", "PMID:2", "OMIM:100002", ["HP:0004322", "HP:0000518"]),
        _case("e", "PMID:4", "OMIM:100004", ["HP:0000518", "HP:0004322"]),
        _case("d", "PMID:3", "OMIM:999999", ["HP:0000518"]),  # a disease HPO does not annotate
    ]
    return read_published(tiny_kb, _write_cases(tmp_path / "cases.jsonl", cases))


def test_cases_of_unannotated_diseases_are_left_out(corpus):
    assert len(corpus) == 4
    assert corpus.pmids == ("PMID:1", "PMID:1", "PMID:2", "PMID:4")


def test_without_publications(corpus):
    assert corpus.without_publications({"PMID:1"}).pmids == ("PMID:2", "PMID:4")


def test_profiles_learn_what_published_patients_showed(tiny_kb, corpus):
    plain = DiseaseProfiles.build(tiny_kb)
    learned = DiseaseProfiles.build(tiny_kb, published=corpus, published_weight=3.0)
    d = tiny_kb.disease("OMIM:100002").index
    cataract = tiny_kb.index("HP:0000518")
    scoliosis = tiny_kb.index("HP:0002650")
    assert cataract not in plain.closure_row(d)
    # 3 of 3 cases, shrunk by 3 pseudo-cases towards the annotation (none): 3 / 6
    assert learned.closure_row(d)[cataract] == pytest.approx(0.5)
    # an annotation stays at least as strong as it was (Scoliosis 1/1, one case of three)
    assert learned.direct_row(d)[scoliosis] == pytest.approx(plain.direct_row(d)[scoliosis])
    # a disease without published cases keeps its profile
    other = tiny_kb.disease("OMIM:100003").index
    assert learned.closure_row(other) == plain.closure_row(other)


def test_an_excluded_term_counts_by_how_often_published_cases_record_it_absent(tiny_kb, corpus):
    ranker = LikelihoodRanker(DiseaseProfiles.build(tiny_kb, published=corpus))
    lr = ranker.published_excluded_lr(tiny_kb.index("HP:0001251"))
    often = tiny_kb.disease("OMIM:100002").index
    never = tiny_kb.disease("OMIM:100004").index
    unpublished = tiny_kb.disease("OMIM:100003").index
    assert lr[often] > 1.0 > lr[never]
    assert lr[unpublished] == pytest.approx(1.0)
    query = query_from_ids(tiny_kb, ["HP:0000518"], ["HP:0001251"])
    ranked = {d.id: d for d in ranker.rank(query, top=6).diseases}
    plain = {d.id: d for d in ranker.rank(query.without_excluded(), top=6).diseases}
    assert ranked["OMIM:100002"].score > plain["OMIM:100002"].score
    assert ranked["OMIM:100004"].score < plain["OMIM:100004"].score
    assert ranked["OMIM:100003"].score == pytest.approx(plain["OMIM:100003"].score)
    reasons = [
        m
        for m in ranked["OMIM:100002"].matched
        if m.relation is Relation.EXCLUDED_IN_PUBLISHED_CASES
    ]
    assert [str(m.case_term) for m in reasons] == ["HP:0001251"]
    assert reasons[0].frequency == pytest.approx(2 / 3)


def test_without_published_cases_excluded_terms_change_nothing(tiny_kb):
    ranker = LikelihoodRanker(DiseaseProfiles.build(tiny_kb))
    with_excluded = ranker.scores(query_from_ids(tiny_kb, ["HP:0000518"], ["HP:0001251"]))
    without = ranker.scores(query_from_ids(tiny_kb, ["HP:0000518"]))
    assert np.array_equal(with_excluded, without)


def test_evaluation_never_learns_from_the_case_own_publication(tmp_path, tiny_kb):
    # Focal-onset seizure and cataract: HPO alone ranks OMIM:100001 (focal seizures) first;
    # the case itself, were its publication in the corpus, would put its own disease first.
    evaluated = [_case("x", "PMID:9", "OMIM:100004", ["HP:0007359", "HP:0000518"])]
    published = [*evaluated, _case("y", "PMID:8", "OMIM:100003", ["HP:0002650"])]
    corpus = read_published(tiny_kb, _write_cases(tmp_path / "published.jsonl", published))
    cases = list(read_cases(_write_cases(tmp_path / "eval.jsonl", evaluated), tiny_kb))
    leaky = DiseaseProfiles.build(tiny_kb, published=corpus)
    scores = LikelihoodRanker(leaky).scores(cases[0].query)
    assert int(np.argmax(scores)) == tiny_kb.disease("OMIM:100004").index
    honest = evaluate_by_publication(cases, tiny_kb, [Model.LIKELIHOOD], corpus, folds=2)
    assert honest.scores["likelihood"]["all"].n == 1
    assert honest.scores["likelihood"]["all"].hits[1] == 0


def test_the_bundled_corpus_reads_against_the_full_release(hpo):
    corpus = read_published(hpo)
    assert len(corpus) > 6000
    assert len(set(corpus.pmids)) > 1000
    assert all(d < hpo.n_diseases for ds in corpus.diseases for d in ds)


def test_the_closest_published_patient_is_named_and_counts(tiny_kb, corpus):
    ranker = LikelihoodRanker(DiseaseProfiles.build(tiny_kb, published=corpus))
    # the same findings as case "c" (PMID:2): short stature and cataract
    query = query_from_ids(tiny_kb, ["HP:0004322", "HP:0000518"])
    ranked = {d.id: d for d in ranker.rank(query, top=6).diseases}
    closest = ranked["OMIM:100002"].closest_case
    assert closest is not None
    assert (closest.case_id, closest.pmid) == ("c", "PMID:2")
    assert closest.similarity == pytest.approx(1.0)
    assert ranked["OMIM:100003"].closest_case is None  # no published patient
    lr = ranker.nearest_case_lr(query)
    assert lr[tiny_kb.disease("OMIM:100002").index] == pytest.approx(closest.contribution)
    assert lr[tiny_kb.disease("OMIM:100003").index] == 0.0
    data = ranked["OMIM:100002"].to_json()
    assert data["closest_case"]["pmid"] == "PMID:2"


def test_without_published_cases_no_closest_patient(tiny_kb):
    ranker = LikelihoodRanker(DiseaseProfiles.build(tiny_kb))
    query = query_from_ids(tiny_kb, ["HP:0004322", "HP:0000518"])
    assert not ranker.nearest_case_lr(query).any()
    assert all(d.closest_case is None for d in ranker.rank(query, top=6).diseases)


def test_likelihood_present_leaves_excluded_terms_out(tiny_kb, corpus):
    from rarecase.diagnose import make_ranker

    profiles = DiseaseProfiles.build(tiny_kb, published=corpus)
    ranker = make_ranker(profiles, Model.LIKELIHOOD_PRESENT)
    assert ranker.name == "likelihood-present"
    with_excluded = ranker.scores(query_from_ids(tiny_kb, ["HP:0000518"], ["HP:0001251"]))
    without = ranker.scores(query_from_ids(tiny_kb, ["HP:0000518"]))
    assert np.array_equal(with_excluded, without)
    default = make_ranker(profiles).scores(query_from_ids(tiny_kb, ["HP:0000518"], ["HP:0001251"]))
    assert not np.array_equal(default, without)
