import pytest

from rarecase.diagnose import Relation, SimilarityRanker, query_from_ids


@pytest.fixture(scope="module")
def ranker(profiles):
    return SimilarityRanker(profiles)


def test_similarity_is_the_ic_of_the_most_informative_common_ancestor(ranker, profiles, tiny_kb):
    sim = ranker.term_similarity(tiny_kb.index("HP:0002197"))  # generalized-onset seizure
    ic = profiles.information_content
    seizure = tiny_kb.index("HP:0001250")
    assert sim[tiny_kb.disease("OMIM:100001").index] == pytest.approx(ic[seizure])
    assert sim[tiny_kb.disease("OMIM:100003").index] == pytest.approx(ic[seizure])
    skeletal = tiny_kb.disease("OMIM:100002").index
    assert sim[skeletal] == pytest.approx(ic[tiny_kb.index("HP:0000118")])
    assert sim[tiny_kb.disease("OMIM:100005").index] == 0


def test_one_sided_score_is_the_mean_and_explanations_add_up(ranker, tiny_kb):
    q = query_from_ids(tiny_kb, ["HP:0007359", "HP:0001251"])
    differential = ranker.rank(q, top=3)
    best = differential.diseases[0]
    assert best.id == "OMIM:100001"
    assert best.probability is None and differential.prior is None
    assert [m.relation for m in best.matched] == [Relation.EXACT, Relation.EXACT]
    assert sum(m.contribution for m in best.matched) == pytest.approx(best.score)


def test_excluded_terms_do_not_change_similarity(ranker, tiny_kb):
    q = query_from_ids(tiny_kb, ["HP:0001251"], ["HP:0007359"])
    assert (ranker.scores(q) == ranker.scores(q.without_excluded())).all()


def test_symmetric_average_also_matches_each_disease_term_to_the_case(profiles, tiny_kb):
    q = query_from_ids(tiny_kb, ["HP:0001251"])  # ataxia
    one = SimilarityRanker(profiles).scores(q)
    both = SimilarityRanker(profiles, symmetric=True).scores(q)
    ic = profiles.information_content
    ataxia, nervous, root = (tiny_kb.index(t) for t in ("HP:0001251", "HP:0000707", "HP:0000118"))
    orpha = tiny_kb.disease("ORPHA:1").index  # ataxia, cataract
    syndrome = tiny_kb.disease("OMIM:100001").index  # focal-onset seizure, ataxia
    assert one[orpha] == one[syndrome] == pytest.approx(ic[ataxia])
    assert both[orpha] == pytest.approx((ic[ataxia] + (ic[ataxia] + ic[root]) / 2) / 2)
    assert both[syndrome] == pytest.approx((ic[ataxia] + (ic[ataxia] + ic[nervous]) / 2) / 2)
    assert SimilarityRanker(profiles, symmetric=True).name == "phenomizer-bma"
