"""Differential diagnosis: rank the diseases annotated in HPO for a case, and say why.

Build the disease profiles once per knowledge base and pass them to a model:

    >>> from rarecase.diagnose import DiseaseProfiles, LikelihoodRanker, query_from_ids
    >>> ranker = LikelihoodRanker(DiseaseProfiles.build(kb))
    >>> differential = ranker.rank(query_from_ids(kb, ["HP:0001250"]), top=5)
    >>> len(differential.diseases) <= 5
    True
"""

from rarecase.diagnose.differential import Differential, Match, Missing, RankedDisease, Relation
from rarecase.diagnose.likelihood import LikelihoodRanker
from rarecase.diagnose.models import DEFAULT_MODEL, Model, make_ranker
from rarecase.diagnose.profile_cache import cached_profiles
from rarecase.diagnose.profiles import DiseaseProfiles
from rarecase.diagnose.query import Query, query_from_case, query_from_ids
from rarecase.diagnose.ranker import Ranker
from rarecase.diagnose.similarity import SimilarityRanker

__all__ = [
    "DEFAULT_MODEL",
    "Differential",
    "DiseaseProfiles",
    "LikelihoodRanker",
    "Match",
    "Missing",
    "Model",
    "Query",
    "RankedDisease",
    "Ranker",
    "Relation",
    "SimilarityRanker",
    "cached_profiles",
    "make_ranker",
    "query_from_case",
    "query_from_ids",
]
