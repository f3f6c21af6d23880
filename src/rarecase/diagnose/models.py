"""The models by name, as the command line and the benchmarks choose them."""

from __future__ import annotations

from enum import StrEnum

from rarecase.diagnose.likelihood import LikelihoodRanker
from rarecase.diagnose.profiles import DiseaseProfiles
from rarecase.diagnose.ranker import Ranker
from rarecase.diagnose.similarity import SimilarityRanker


class Model(StrEnum):
    """``likelihood`` (the default) weighs present terms against each disease's profile and,
    with published cases, excluded terms by how often the disease's published patients are
    recorded without them (:mod:`rarecase.diagnose.likelihood`); ``likelihood-present`` leaves
    excluded terms out, for excluded findings not recorded the way published cases record them;
    ``likelihood+excluded`` adds the annotation-based penalty for excluded frequent features;
    ``phenomizer`` is one-sided, ``phenomizer-bma`` the symmetric best-match average."""

    LIKELIHOOD = "likelihood"
    LIKELIHOOD_PRESENT = "likelihood-present"
    LIKELIHOOD_EXCLUDED = "likelihood+excluded"
    PHENOMIZER = "phenomizer"
    PHENOMIZER_BMA = "phenomizer-bma"


DEFAULT_MODEL = Model.LIKELIHOOD


def make_ranker(profiles: DiseaseProfiles, model: Model = DEFAULT_MODEL) -> Ranker:
    """A ranker of the named model over ``profiles``.

    >>> from rarecase.diagnose import DiseaseProfiles
    >>> make_ranker(DiseaseProfiles.build(kb), Model.PHENOMIZER).name
    'phenomizer'
    """
    if model is Model.LIKELIHOOD:
        return LikelihoodRanker(profiles)
    if model is Model.LIKELIHOOD_PRESENT:
        return LikelihoodRanker(profiles, published_excluded=False)
    if model is Model.LIKELIHOOD_EXCLUDED:
        return LikelihoodRanker(profiles, use_excluded=True)
    return SimilarityRanker(profiles, symmetric=model is Model.PHENOMIZER_BMA)
