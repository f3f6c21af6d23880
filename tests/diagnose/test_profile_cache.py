"""Disease profiles kept on disk: read back identical, keyed by the published file, rebuilt when
the file is damaged, and never needed (a knowledge base without a cache builds them)."""

from __future__ import annotations

import json

import numpy as np

from rarecase.diagnose import DiseaseProfiles, LikelihoodRanker, query_from_ids
from rarecase.diagnose.profile_cache import cached_profiles
from rarecase.diagnose.published import read_published
from rarecase.ontology import load
from tests.diagnose.conftest import TINY_HPO

CASES = [
    {"id": "a", "pmid": "PMID:1", "diseases": [{"id": "OMIM:100002"}],
     "observed": ["HP:0002650", "HP:0000518"], "excluded": ["HP:0001251"]},
    {"id": "b", "pmid": "PMID:2", "diseases": [{"id": "OMIM:100004"}],
     "observed": ["HP:0000518"], "excluded": []},
]


def _kb(tmp_path):
    return load(TINY_HPO, cache_dir=tmp_path / "cache")


def _write(path, cases):
    path.write_text("\n".join(json.dumps(c) for c in cases) + "\n")
    return path


def _entries(kb):
    return sorted(kb.cache_path.glob("profiles-*.npz"))


def _scores(profiles):
    kb = profiles.kb
    query = query_from_ids(kb, ["HP:0002650", "HP:0000518"], ["HP:0001251"])
    return LikelihoodRanker(profiles).scores(query)


def test_profiles_read_back_from_the_cache_rank_as_the_built_ones(tmp_path):
    kb = _kb(tmp_path)
    cases = _write(tmp_path / "cases.jsonl", CASES)
    built = DiseaseProfiles.build(kb, published=read_published(kb, cases))
    first = cached_profiles(kb, cases)
    assert len(_entries(kb)) == 1
    again = cached_profiles(kb, cases)
    assert again is not first
    np.testing.assert_array_equal(_scores(again), _scores(built))
    assert again.published is not None and built.published is not None
    assert again.published.ids == built.published.ids
    assert again.published.pmids == built.published.pmids
    assert [d for d in again.published.diseases] == [d for d in built.published.diseases]
    assert (again.closure != built.closure).nnz == 0


def test_another_published_file_gets_its_own_entry(tmp_path):
    kb = _kb(tmp_path)
    cases = _write(tmp_path / "cases.jsonl", CASES)
    with_cases = cached_profiles(kb, cases)
    _write(cases, CASES[:1])  # same name, other bytes
    fewer = cached_profiles(kb, cases)
    assert len(_entries(kb)) == 2
    assert with_cases.published is not None and fewer.published is not None
    assert len(with_cases.published) == 2 and len(fewer.published) == 1
    none = cached_profiles(kb, False)
    assert none.published is None and len(_entries(kb)) == 3


def test_a_damaged_cache_file_is_rebuilt(tmp_path):
    kb = _kb(tmp_path)
    cases = _write(tmp_path / "cases.jsonl", CASES)
    good = _scores(cached_profiles(kb, cases))
    (entry,) = _entries(kb)
    entry.write_bytes(b"not an npz archive")
    np.testing.assert_array_equal(_scores(cached_profiles(kb, cases)), good)
    assert entry.stat().st_size > 100  # written again


def test_without_a_cache_the_profiles_are_built(tmp_path):
    kb = load(TINY_HPO, use_cache=False)
    assert kb.cache_path is None
    profiles = cached_profiles(kb, False)
    assert profiles.n_diseases == kb.n_diseases
