import pytest

from rarecase.ontology.search import TermSearch, normalize


@pytest.fixture(scope="module")
def search(hpo):
    return TermSearch(hpo)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cervical spine instab", "HP:0010646"),
        ("sezure", "HP:0001250"),  # a typo
        ("intelectual disabilty", "HP:0001249"),  # two typos
        ("oedema", "HP:0000969"),  # UK spelling synonym of Edema
        ("atlanto-axial instability", "HP:0003467"),  # hyphenated form of Atlantoaxial
        ("hypoplastic nails", "HP:0001792"),  # synonym of Small nail
        ("HP:0010646", "HP:0010646"),  # an id is looked up
        ("short stature", "HP:0004322"),
    ],
)
def test_best_hit(search, query, expected):
    hits = search.search(query, limit=5)
    assert str(hits[0].term) == expected


def test_partial_words_rank_the_closest_first(search):
    hits = search.search("cervical instab", limit=5)
    ids = [str(h.term) for h in hits]
    assert "HP:0010646" in ids[:3]
    assert all("nstab" in (h.label + h.matched).lower() for h in hits)


def test_one_hit_per_term_and_scores_descend(search):
    hits = search.search("seizures", limit=20)
    assert len({h.term for h in hits}) == len(hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_synonym_hit_says_which_synonym(search):
    hit = search.search("kidney cyst", limit=1)[0]
    assert hit.label == "Renal cyst" and hit.via_synonym and hit.matched == "Kidney cyst"


def test_nothing_found(search):
    assert search.search("", limit=5) == []
    assert search.search("qqqqqq zzzzzz", limit=5) == []


def test_normalize():
    assert normalize("Abnormality of the C1-C2 joint!") == "abnormality of the c1 c2 joint"
