import math

import numpy as np
import pytest

from rarecase.diagnose import DiseaseProfiles, LikelihoodRanker, Relation, query_from_ids
from rarecase.diagnose.likelihood import NOT_LR, PROBABILITY_TEMPERATURE
from rarecase.ontology import Database


@pytest.fixture(scope="module")
def ranker(profiles):
    return LikelihoodRanker(profiles, use_excluded=True)


def by_id(differential):
    return {d.id: d for d in differential.diseases}


def test_a_disease_own_obligate_terms_rank_it_first(ranker, tiny_kb):
    q = query_from_ids(tiny_kb, ["HP:0007359", "HP:0001251"])
    assert ranker.rank(q, top=3).diseases[0].id == "OMIM:100001"


def test_an_excluded_obligate_feature_lowers_the_disease(ranker, tiny_kb):
    present = query_from_ids(tiny_kb, ["HP:0001251", "HP:0001250"])
    excluding = query_from_ids(tiny_kb, ["HP:0001251", "HP:0001250"], ["HP:0007359"])
    d = tiny_kb.disease("OMIM:100001").index
    before, after = ranker.scores(present)[d], ranker.scores(excluding)[d]
    assert after < before - 1  # an obligate feature ruled out costs more than a factor of 10
    against = by_id(ranker.rank(excluding, top=6))["OMIM:100001"].against
    assert [(str(m.case_term), m.relation) for m in against] == [("HP:0007359", Relation.EXACT)]


def test_excluded_terms_can_be_ignored(profiles, tiny_kb):
    q = query_from_ids(tiny_kb, ["HP:0001251"], ["HP:0007359"])
    plain = LikelihoodRanker(profiles)  # the default: published cases' exclusions mislead
    assert np.array_equal(plain.scores(q), plain.scores(q.without_excluded()))
    assert plain.name == "likelihood"
    assert LikelihoodRanker(profiles, use_excluded=True).name == "likelihood+excluded"


def test_excluded_damping(profiles, tiny_kb):
    q = query_from_ids(tiny_kb, ["HP:0001251"], ["HP:0007359"])
    d = tiny_kb.disease("OMIM:100001").index
    full = LikelihoodRanker(profiles, use_excluded=True).scores(q)[d]
    floored = LikelihoodRanker(profiles, use_excluded=True, excluded_floor=0.5).scores(q)[d]
    damped = LikelihoodRanker(profiles, use_excluded=True, excluded_weight=0.5).scores(q)[d]
    assert full < damped < LikelihoodRanker(profiles, use_excluded=False).scores(q)[d]
    assert full < floored


@pytest.mark.parametrize(
    ("case_term", "disease", "relation", "disease_term"),
    [
        ("HP:0001251", "OMIM:100001", Relation.EXACT, "HP:0001251"),
        ("HP:0001250", "OMIM:100001", Relation.DESCENDANT, "HP:0007359"),
        ("HP:0007359", "OMIM:100003", Relation.ANCESTOR, "HP:0001250"),
        ("HP:0002197", "OMIM:100001", Relation.RELATED, "HP:0007359"),
        ("HP:0002650", "OMIM:100001", Relation.UNRELATED, None),
    ],
)
def test_explanation_relations(ranker, tiny_kb, case_term, disease, relation, disease_term):
    differential = ranker.rank(query_from_ids(tiny_kb, [case_term]), top=6)
    [match] = by_id(differential)[disease].matched
    assert match.relation is relation
    assert (None if match.disease_term is None else str(match.disease_term)) == disease_term


def test_a_not_annotation_counts_against(ranker, tiny_kb):
    differential = ranker.rank(query_from_ids(tiny_kb, ["HP:0001251"]), top=6)
    epilepsy = by_id(differential)["OMIM:100003"]
    assert epilepsy.matched == ()
    [against] = epilepsy.against
    assert against.relation is Relation.NOT_ANNOTATED
    assert against.contribution == pytest.approx(math.log10(NOT_LR))
    assert differential.diseases[-1].id in ("OMIM:100003", "OMIM:100005")


@pytest.mark.parametrize(
    ("present", "excluded"),
    [
        (["HP:0001250", "HP:0001251"], ["HP:0000518"]),
        (["HP:0002197", "HP:0004322"], ["HP:0001251", "HP:0007359"]),
        (["HP:0000518"], []),
    ],
)
def test_contributions_add_up_to_the_score(ranker, profiles, tiny_kb, present, excluded):
    differential = ranker.rank(query_from_ids(tiny_kb, present, excluded), top=6)
    for d in differential.diseases:
        listed = {str(m.case_term) for m in (*d.matched, *d.against)}
        # Excluded terms the disease does not show add the same background LR for every such
        # disease and are not itemised.
        unlisted = sum(
            -math.log10(1 - profiles.background[tiny_kb.index(t)])
            for t in excluded
            if t not in listed
        )
        total = sum(m.contribution for m in (*d.matched, *d.against)) + unlisted
        assert total == pytest.approx(d.score, abs=1e-9), d.id


def test_probabilities_are_a_posterior_over_the_ranked_diseases(ranker, tiny_kb):
    differential = ranker.rank(query_from_ids(tiny_kb, ["HP:0001251", "HP:0000518"]), top=10)
    assert differential.prior == pytest.approx(1 / 6)
    assert sum(d.probability for d in differential.diseases) == pytest.approx(1.0)
    assert differential.diseases[0].id == "ORPHA:1"
    probabilities = [d.probability for d in differential.diseases]
    assert probabilities == sorted(probabilities, reverse=True)


def test_database_restriction(ranker, tiny_kb):
    q = query_from_ids(tiny_kb, ["HP:0001251", "HP:0000518"])
    omim = ranker.rank(q, top=10, databases=(Database.OMIM,))
    assert all(d.id.startswith("OMIM:") for d in omim.diseases)
    assert omim.ranked == 5


def test_missing_lists_frequent_features_the_case_does_not_name(ranker, tiny_kb):
    differential = ranker.rank(query_from_ids(tiny_kb, ["HP:0001251"]), top=6)
    syndrome = by_id(differential)["OMIM:100001"]
    assert [str(m.disease_term) for m in syndrome.missing] == ["HP:0007359"]
    ruled_out = ranker.rank(query_from_ids(tiny_kb, ["HP:0001251"], ["HP:0001250"]), top=6)
    assert by_id(ruled_out)["OMIM:100001"].missing == ()  # excluded, so counted against instead


def test_real_disease_from_its_frequent_terms_ranks_first(hpo):
    profiles = DiseaseProfiles.build(hpo)
    ranker = LikelihoodRanker(profiles)
    marfan = hpo.disease("OMIM:154700")
    frequent = sorted(
        (a for a in hpo.annotations(marfan.id) if a.aspect == "P" and not a.negated),
        key=lambda a: -(a.frequency or 0),
    )[:8]
    q = query_from_ids(hpo, [a.term for a in frequent])
    differential = ranker.rank(q, top=5, databases=(Database.OMIM,))
    assert differential.diseases[0].id == marfan.id
    top = differential.diseases[0]
    assert sum(m.contribution for m in (*top.matched, *top.against)) == pytest.approx(top.score)


def test_probabilities_are_tempered_posteriors_that_sum_to_one(tiny_kb, profiles):
    ranker = LikelihoodRanker(profiles)
    query = query_from_ids(tiny_kb, ["HP:0007359", "HP:0001251"])
    differential = ranker.rank(query, top=profiles.n_diseases)
    scores = ranker.scores(query)
    weights = 10 ** (scores / PROBABILITY_TEMPERATURE)
    expected = weights / weights.sum()
    for d in differential.diseases:
        index = tiny_kb.disease(d.id).index
        assert d.probability == pytest.approx(expected[index])
    assert sum(d.probability for d in differential.diseases) == pytest.approx(1.0)
    # tempering keeps the order but makes the leader less sure than the untempered posterior
    raw = 10**scores / (10**scores).sum()
    assert differential.diseases[0].probability < raw.max()


def test_a_term_an_annotated_disease_is_not_known_to_show_costs_a_bounded_factor(
    tiny_kb, profiles
):
    from rarecase.diagnose.likelihood import NO_MATCH_LR, UNANNOTATED_LR

    ranker = LikelihoodRanker(profiles)
    seizure = ranker.present_lr(tiny_kb.index("HP:0001250"))
    ataxia = ranker.present_lr(tiny_kb.index("HP:0001251"))
    cataract_only = tiny_kb.disease("OMIM:100004").index  # Cataract, Short stature
    assert seizure[cataract_only] == pytest.approx(UNANNOTATED_LR)
    # a NOT annotation still counts in full; a disease without any phenotype is not lifted
    assert ataxia[tiny_kb.disease("OMIM:100003").index] == pytest.approx(NOT_LR)
    assert seizure[tiny_kb.disease("OMIM:100005").index] == pytest.approx(NO_MATCH_LR)
    # the reasons give the same contribution as the score
    query = query_from_ids(tiny_kb, ["HP:0001250"])
    ranked = {d.id: d for d in ranker.rank(query, top=10).diseases}
    (match,) = ranked["OMIM:100004"].matched
    assert match.contribution == pytest.approx(np.log10(UNANNOTATED_LR))
