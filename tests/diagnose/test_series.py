"""Phenotypic series: members grouped by name, and a differential that lists each series once."""

from __future__ import annotations

import numpy as np
import pytest

from rarecase.diagnose import DiseaseProfiles, make_ranker, query_from_ids
from rarecase.diagnose.ranker import rank_of, rank_of_series, top_diseases
from rarecase.diagnose.series import PhenotypicSeries, series_name


@pytest.mark.parametrize(
    ("name", "series"),
    [
        ("Retinitis pigmentosa 78", "retinitis pigmentosa"),
        ("Deafness, autosomal recessive 15", "deafness, autosomal recessive"),
        ("Spastic paraplegia 76, autosomal recessive", "spastic paraplegia"),
        ("Cone-rod dystrophy 2", "cone-rod dystrophy"),
        ("Marfan syndrome", "marfan syndrome"),
    ],
)
def test_series_name(name, series):
    assert series_name(name) == series


@pytest.fixture(scope="module")
def full_series(hpo):
    return PhenotypicSeries.build(hpo)


def test_members_of_a_series_share_it_and_a_lone_name_has_none(hpo, full_series):
    rp = [hpo.disease(f"OMIM:{n}").index for n in ("180100", "613731")]  # RP 1, RP 4
    assert full_series.of[rp[0]] == full_series.of[rp[1]] >= 0
    assert full_series.names[full_series.of[rp[0]]] == "Retinitis pigmentosa"
    assert full_series.of[hpo.disease("OMIM:154700").index] == -1  # Marfan syndrome
    assert full_series.of[hpo.disease("ORPHA:558").index] == -1  # Orphanet entries: never


def test_top_diseases_lists_each_series_once():
    scores = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    mask = np.ones(5, dtype=bool)
    series = PhenotypicSeries(np.array([0, 0, -1, 0, -1]), ("S",), np.array([3]))
    assert top_diseases(scores, mask, 3, series).tolist() == [0, 2, 4]
    assert top_diseases(scores, mask, 3).tolist() == [0, 1, 2]
    # disease 2 is third among diseases, second among series
    assert rank_of(scores, mask, 2) == 3
    assert rank_of_series(scores, mask, 2, series) == 2
    assert rank_of_series(scores, mask, 3, series) == 1  # its series is led by disease 0


def test_merged_differential_gives_the_series_and_its_probability(hpo):
    ranker = make_ranker(DiseaseProfiles.build(hpo))
    # night blindness, bone-spicule pigmentation, constriction of the visual field
    query = query_from_ids(hpo, ["HP:0000662", "HP:0007737", "HP:0001133"])
    plain = ranker.rank(query, top=10, explain=False)
    merged = ranker.rank(query, top=10, explain=False, merge_series=True)
    series = [d.series for d in merged.diseases if d.series]
    assert series and len(series) == len(set(series))
    first_in_series = next(d for d in merged.diseases if d.series)
    assert first_in_series.series_size >= 2
    # a series is as likely as its members together, so at least as likely as its best one
    best = next(d for d in plain.diseases if d.id == first_in_series.id)
    assert first_in_series.probability >= best.probability
    assert all(d.series is None for d in plain.diseases)  # only a merged list names series
    assert first_in_series.to_json(reasons=False)["series"]["members"] >= 2


def test_series_rank_breaks_ties_as_the_list_shows_them():
    scores = np.array([3.0, 3.0, 3.0, 1.0])
    mask = np.ones(4, dtype=bool)
    series = PhenotypicSeries(np.array([-1, 0, 0, -1]), ("S",), np.array([2]))
    shown = top_diseases(scores, mask, 4, series).tolist()
    assert shown == [0, 1, 3]
    for rank, disease in enumerate(shown, 1):
        assert rank_of_series(scores, mask, disease, series) == rank
    assert rank_of_series(scores, mask, 2, series) == 2  # in the series led by disease 1
