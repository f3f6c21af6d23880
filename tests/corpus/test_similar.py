"""The similar-case index: hand-built corpora with answers known by reasoning, and a naive
re-implementation of the scoring formula on a random corpus over the full HPO."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from rarecase.corpus import CaseRecord, NamedDisease
from rarecase.corpus.similar import (
    CONFLICT_PENALTY,
    EXCLUDED_BONUS,
    QUERY_WEIGHT,
    CaseIndex,
    ConflictSide,
    MatchKind,
)
from rarecase.corpus.synthetic import synthetic_corpus
from rarecase.errors import UnknownTermError
from rarecase.ontology import KnowledgeBase
from rarecase.ontology.ids import Subontology, TermId
from rarecase.phenopacket.model import Case, OntologyClass, PhenotypicFeature

SEIZURE = "HP:0001250"
SEIZURE_ALT = "HP:0001275"
FOCAL = "HP:0007359"
GENERALIZED = "HP:0002197"
ATAXIA = "HP:0001251"
NERVOUS = "HP:0000707"
SCOLIOSIS = "HP:0002650"
SHORT = "HP:0004322"
CATARACT = "HP:0000518"
EYE = "HP:0000478"
EYE_OBSOLETE = "HP:0000284"
AD_INHERITANCE = "HP:0000006"


def case(
    ident: str, present: tuple[str, ...], excluded: tuple[str, ...] = (), pmid: str = ""
) -> CaseRecord:
    return CaseRecord(ident, pmid or f"PMID:{ident}", (), present, excluded)


def ids(hits) -> list[str]:
    return [h.id for h in hits]


def test_a_stored_case_with_a_more_specific_term_matches(tiny_kb: KnowledgeBase):
    index = CaseIndex.build(tiny_kb, [case("focal", (FOCAL,)), case("bones", (SCOLIOSIS,))])
    hits = index.search([SEIZURE])
    # The skeletal case shares nothing under Phenotypic abnormality: it is not similar at all.
    assert ids(hits) == ["focal"]
    [shared] = hits[0].shared
    assert (shared.query.id, shared.stored.id, shared.kind) == (
        SEIZURE,
        FOCAL,
        MatchKind.MORE_SPECIFIC,
    )
    assert hits[0].score > 0


def test_a_sibling_term_matches_through_the_common_ancestor(tiny_kb: KnowledgeBase):
    index = CaseIndex.build(tiny_kb, [case("generalized", (GENERALIZED,))])
    [hit] = index.search([FOCAL])
    [shared] = hit.shared
    assert shared.kind is MatchKind.COMMON_ANCESTOR
    assert (shared.common.id, shared.stored.id) == (SEIZURE, GENERALIZED)
    # Sharing only Seizure and above, it is less similar than the same term would be.
    assert 0 < hit.score < 1


def test_identical_cases_score_one(tiny_kb: KnowledgeBase):
    index = CaseIndex.build(tiny_kb, [case("same", (FOCAL, CATARACT))])
    [hit] = index.search([CATARACT, FOCAL])
    assert hit.score == pytest.approx(1.0)
    assert {s.kind for s in hit.shared} == {MatchKind.EXACT}


def test_a_case_with_many_terms_does_not_win_by_volume(hpo: KnowledgeBase):
    query = ["HP:0001250", "HP:0001263", "HP:0000252"]  # seizure, developmental delay, microcephaly
    # 37 cardiovascular terms, unrelated to the query, added to the same three.
    cardio = [int(t) for t in hpo.descendants("HP:0001626", include_self=False)]
    extra = [str(hpo.term_id(t)) for t in sorted(cardio)[:37]]
    index = CaseIndex.build(
        hpo,
        [case("big", (*query, *extra)), case("exact", tuple(query)), case("two", tuple(query[:2]))],
    )
    hits = index.search(query)
    # The big case holds every query term; normalisation still puts it below a case holding
    # two of the three and nothing else, whose closure the query covers.
    assert ids(hits) == ["exact", "two", "big"]
    assert hits[0].score == pytest.approx(1.0)


def test_a_stored_case_excluding_a_query_term_ranks_below_an_equal_one(tiny_kb: KnowledgeBase):
    index = CaseIndex.build(
        tiny_kb,
        [
            case("a-excludes", (FOCAL, SCOLIOSIS), (ATAXIA,)),
            case("b-plain", (FOCAL, SCOLIOSIS)),
        ],
    )
    hits = index.search([FOCAL, SCOLIOSIS, ATAXIA])
    assert ids(hits) == ["b-plain", "a-excludes"]  # by id alone, a-excludes would come first
    [conflict] = hits[1].conflicts
    assert (conflict.present.id, conflict.excluded.id, conflict.side) == (
        ATAXIA,
        ATAXIA,
        ConflictSide.STORED_EXCLUDES,
    )
    assert hits[0].conflicts == ()


def test_excluding_an_ancestor_conflicts_and_excluding_a_descendant_does_not(
    tiny_kb: KnowledgeBase,
):
    index = CaseIndex.build(
        tiny_kb,
        [
            case("lacks-seizures", (CATARACT,), (SEIZURE,)),  # so lacks focal seizures too
            case("lacks-focal", (CATARACT,), (FOCAL,)),  # may still have generalized seizures
        ],
    )
    hits = {h.id: h for h in index.search([SEIZURE, CATARACT])}
    assert hits["lacks-focal"].conflicts == ()
    assert hits["lacks-seizures"].score < hits["lacks-focal"].score
    hits = {h.id: h for h in index.search([FOCAL, CATARACT])}
    [conflict] = hits["lacks-seizures"].conflicts
    assert (conflict.present.id, conflict.excluded.id) == (FOCAL, SEIZURE)


def test_a_query_excluding_a_stored_term_counts_against(tiny_kb: KnowledgeBase):
    index = CaseIndex.build(
        tiny_kb, [case("ataxic", (CATARACT, ATAXIA)), case("short", (CATARACT, SHORT))]
    )
    # Ataxia and Short stature are equally informative here (each annotated to two diseases):
    # without the exclusion the two cases would tie.
    ic = tiny_kb.information_content
    assert ic[tiny_kb.index(ATAXIA)] == pytest.approx(ic[tiny_kb.index(SHORT)])
    hits = index.search([CATARACT], [NERVOUS])
    assert ids(hits) == ["short", "ataxic"]
    [conflict] = hits[1].conflicts
    assert (conflict.present.id, conflict.excluded.id, conflict.side) == (
        ATAXIA,
        NERVOUS,
        ConflictSide.QUERY_EXCLUDES,
    )


def test_exclude_pmids_leaves_out_a_publication(tiny_kb: KnowledgeBase):
    index = CaseIndex.build(
        tiny_kb,
        [
            case("mine-1", (FOCAL,), pmid="PMID:7"),
            case("mine-2", (FOCAL,), pmid="PMID:7"),
            case("other", (SEIZURE,), pmid="PMID:8"),
        ],
    )
    assert ids(index.search([FOCAL])) == ["mine-1", "mine-2", "other"]
    assert ids(index.search([FOCAL], exclude_pmids=["PMID:7"])) == ["other"]
    assert ids(index.search_exhaustive([FOCAL], exclude_pmids=["PMID:7"])) == ["other"]


def test_unknown_ids_are_dropped_and_counted_alt_and_obsolete_ids_mapped(tiny_kb: KnowledgeBase):
    index = CaseIndex.build(
        tiny_kb,
        [
            case("alt", (SEIZURE_ALT, "HP:9999999")),
            case("obsolete", (EYE_OBSOLETE,), ("HP:9999999", "HP:8888888")),
            case("inheritance", (AD_INHERITANCE,)),
        ],
    )
    assert dict(index.dropped) == {"HP:9999999": 2, "HP:8888888": 1}
    assert dict(index.remapped) == {SEIZURE_ALT: 1, EYE_OBSOLETE: 1}
    [hit] = index.search([SEIZURE])
    assert hit.id == "alt" and hit.shared[0].kind is MatchKind.EXACT
    assert ids(index.search([CATARACT])) == ["obsolete"]  # matched through Abnormality of the eye
    # Inheritance is not a phenotypic abnormality: neither side counts it.
    assert index.search([AD_INHERITANCE]) == []


def test_an_unknown_query_id_raises(tiny_kb: KnowledgeBase):
    index = CaseIndex.build(tiny_kb, [case("a", (FOCAL,))])
    with pytest.raises(UnknownTermError):
        index.search(["HP:9999999"])


def test_ties_fall_to_the_case_id(tiny_kb: KnowledgeBase):
    index = CaseIndex.build(tiny_kb, [case(i, (FOCAL,)) for i in ("c", "a", "b")])
    assert ids(index.search([FOCAL])) == ["a", "b", "c"]
    assert ids(index.search([FOCAL], top=2)) == ["a", "b"]


def test_hits_carry_the_publication_and_the_diagnosis_with_its_label(tiny_kb: KnowledgeBase):
    record = CaseRecord(
        "x", "PMID:42", (NamedDisease("OMIM:100001"), NamedDisease("OMIM:9", "Own")), (FOCAL,)
    )
    index = CaseIndex.build(tiny_kb, [record])
    [hit] = index.search([FOCAL])
    data = hit.to_json()
    assert data["pmid"] == "PMID:42"
    assert data["diseases"] == [
        {"id": "OMIM:100001", "label": "Seizure-ataxia syndrome"},  # from phenotype.hpoa
        {"id": "OMIM:9", "label": "Own"},
    ]
    assert data["shared"][0]["query"] == {"id": FOCAL, "label": "Focal-onset seizure"}


def test_search_case_reads_a_phenopacket(tiny_kb: KnowledgeBase):
    index = CaseIndex.build(
        tiny_kb, [case("a", (FOCAL, SCOLIOSIS), (ATAXIA,)), case("b", (FOCAL, SCOLIOSIS))]
    )
    phenopacket = Case.new(
        "p",
        features=[
            PhenotypicFeature(OntologyClass(TermId.parse(FOCAL))),
            PhenotypicFeature(OntologyClass(TermId.parse(ATAXIA))),
            PhenotypicFeature(OntologyClass(TermId.parse(SCOLIOSIS))),
        ],
    )
    assert ids(index.search_case(phenopacket)) == ["b", "a"]


# -- against a naive implementation on a random corpus ---------------------------------------


def naive_scores(kb: KnowledgeBase, records, present, excluded) -> dict[str, tuple[float, float]]:
    """The formula of the module docstring written out with Python sets: per case, (score,
    cosine)."""
    mask = kb.subontology_mask(Subontology.PHENOTYPIC_ABNORMALITY)
    ic = kb.information_content
    root = kb.index("HP:0000118")

    def weight(t: int) -> float:
        return float(ic[t]) if mask[t] and t != root else 0.0

    def up(t: int) -> set[int]:
        return {int(a) for a in kb.ancestors(t)}

    def closure(terms) -> set[int]:
        return {a for t in terms for a in up(t) if weight(a) > 0}

    q_present = [kb.index(t) for t in present if weight(kb.index(t)) > 0]
    q_excluded = [kb.index(t) for t in excluded]
    q = closure(q_present)
    q_norm = math.sqrt(sum(weight(t) ** 2 for t in q))
    out = {}
    for r in records:
        c_present = [kb.index(t) for t in r.present if weight(kb.index(t)) > 0]
        c_excluded = [kb.index(t) for t in r.excluded]
        c = closure(c_present)
        c_norm = math.sqrt(sum(weight(t) ** 2 for t in c))
        shared = sum(weight(t) ** 2 for t in q & c)
        cos = shared / (q_norm * c_norm) if q_norm and c_norm else 0.0
        # the query's coverage weighs QUERY_WEIGHT, the stored case's the rest
        match = (
            (shared / q_norm**2) ** QUERY_WEIGHT * (shared / c_norm**2) ** (1 - QUERY_WEIGHT)
            if q_norm and c_norm
            else 0.0
        )
        total_q = sum(weight(t) for t in q_present)
        against_q = sum(weight(t) for t in q_present if up(t) & set(c_excluded))
        total_c = sum(weight(t) for t in c_present)
        against_c = sum(weight(t) for t in c_present if up(t) & set(q_excluded))
        conflict = (against_q / total_q if total_q else 0.0) + (
            against_c / total_c if total_c else 0.0
        )
        x_norm = math.sqrt(sum(weight(t) ** 2 for t in set(q_excluded)))
        c_x_norm = math.sqrt(sum(weight(t) ** 2 for t in set(c_excluded)))
        shared_x = sum(weight(t) ** 2 for t in set(q_excluded) & set(c_excluded))
        xcos = shared_x / (x_norm * c_x_norm) if x_norm and c_x_norm else 0.0
        out[r.id] = (match + EXCLUDED_BONUS * xcos - CONFLICT_PENALTY * conflict / 2, cos)
    return out


@pytest.fixture(scope="module")
def random_corpus(hpo: KnowledgeBase):
    records = synthetic_corpus(hpo, 300, seed=7).records(hpo)
    queries = synthetic_corpus(hpo, 25, seed=8).records(hpo)
    return records, queries, CaseIndex.build(hpo, records)


def test_search_equals_a_naive_implementation(hpo: KnowledgeBase, random_corpus):
    records, queries, index = random_corpus
    for query in queries:
        naive = naive_scores(hpo, records, query.present, query.excluded)
        ranked = sorted(
            (k for k, (_, cos) in naive.items() if cos > 0), key=lambda k: (-naive[k][0], k)
        )
        hits = index.search(query.present, query.excluded)
        assert len(hits) == min(10, len(ranked))
        for hit, expected in zip(hits, ranked, strict=False):
            assert hit.score == pytest.approx(naive[hit.id][0], abs=1e-6)
            assert hit.score == pytest.approx(naive[expected][0], abs=1e-6)
        all_scores = index.scores(query.present, query.excluded)
        assert np.allclose(all_scores, [naive[r.id][0] for r in records], atol=1e-6)


def test_recall_of_candidate_search_against_exhaustive(random_corpus):
    _, queries, index = random_corpus
    # Few candidates and a small postings budget, so that candidate generation has to choose.
    found = total = 0
    for query in queries:
        exact = ids(index.search_exhaustive(query.present, query.excluded))
        fast = ids(index.search(query.present, query.excluded, candidates=60, postings=500))
        found += len(set(exact) & set(fast))
        total += len(exact)
    assert found / total >= 0.98


def test_covering_the_query_beats_a_short_case_that_covers_half(hpo: KnowledgeBase):
    # Query: ectopia lentis and aortic root aneurysm. One stored case records only the
    # aneurysm; another records both among six Marfan-like features. (With eight, the short
    # case wins again: covering the query leans, it does not dominate.)
    marfan = ("HP:0001083", "HP:0002616", "HP:0001166", "HP:0000545", "HP:0002650",
              "HP:0000768")
    records = [
        CaseRecord("short", "PMID:1", present=("HP:0002616",)),
        CaseRecord("full", "PMID:2", present=marfan),
    ]
    index = CaseIndex.build(hpo, records)
    query = ["HP:0001083", "HP:0002616"]
    assert [h.id for h in index.search(query)] == ["full", "short"]
    # the plain cosine (query weight 0.5) ranks them the other way round
    cosine = dataclasses.replace(index, query_weight=0.5)
    assert [h.id for h in cosine.search(query)] == ["short", "full"]
