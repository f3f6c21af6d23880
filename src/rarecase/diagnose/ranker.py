"""What every disease-ranking model offers, and what they share.

A model scores every disease at once (:meth:`Ranker.scores`, one vector, for evaluation and
batches) and ranks with reasons (:meth:`Ranker.rank`, for people). Callers type against
:class:`Ranker`, so a corpus-based model or an ensemble slots in beside the two here.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from rarecase.diagnose.differential import Differential
from rarecase.diagnose.profiles import DiseaseProfiles
from rarecase.diagnose.query import Query, query_from_case
from rarecase.diagnose.series import PhenotypicSeries
from rarecase.ontology.model import Database
from rarecase.phenopacket.model import Case


class Ranker(Protocol):
    """A disease-ranking model over one knowledge base's :class:`DiseaseProfiles`."""

    name: str
    profiles: DiseaseProfiles

    def scores(self, query: Query) -> np.ndarray:
        """One score per disease (higher is likelier), in knowledge-base disease order."""
        ...

    def rank(
        self,
        case: Case | Query,
        *,
        top: int = 20,
        databases: tuple[Database, ...] | None = None,
        explain: bool = True,
        merge_series: bool = False,
    ) -> Differential:
        """The ``top`` diseases, best first, with their reasons when ``explain``; with
        ``merge_series``, each phenotypic series once, by its best member."""
        ...


def as_query(profiles: DiseaseProfiles, case: Case | Query) -> Query:
    return case if isinstance(case, Query) else query_from_case(profiles.kb, case)


def top_diseases(
    scores: np.ndarray, mask: np.ndarray, top: int, series: PhenotypicSeries | None = None
) -> np.ndarray:
    """Indices of the ``top`` best-scoring diseases within ``mask``; ties by disease order.
    With ``series``, only the best member of each phenotypic series is listed."""
    if series is not None:
        candidates = np.flatnonzero(mask)
        order = candidates[np.lexsort((candidates, -scores[candidates]))]
        chosen: list[int] = []
        seen: set[int] = set()
        for d in order.tolist():
            group = series.group(d)
            if group not in seen:
                seen.add(group)
                chosen.append(d)
                if len(chosen) == top:
                    break
        return np.array(chosen, dtype=np.int64)
    candidates = np.flatnonzero(mask)
    values = scores[candidates]
    top = min(top, len(candidates))
    if top <= 0:
        return np.empty(0, dtype=np.int64)
    if top < len(candidates):
        part = np.argpartition(-values, top - 1)[:top]
    else:
        part = np.arange(len(candidates))
    order = np.lexsort((candidates[part], -values[part]))
    return np.asarray(candidates[part][order])


def rank_of_series(
    scores: np.ndarray, mask: np.ndarray, disease: int, series: PhenotypicSeries
) -> int:
    """1-based rank of ``disease``'s phenotypic series when each series counts once, by its
    best member (a disease outside any series counts alone). Ties are broken as
    :func:`top_diseases` lists them, by the best member's disease order."""
    n = len(scores)
    groups = np.where(series.of >= 0, series.of, len(series.names) + np.arange(n))
    best = np.full(len(series.names) + n, -np.inf)
    np.maximum.at(best, groups[mask], scores[mask])
    # each group's first member (in disease order) among those with its best score
    leader = np.full(len(best), n, dtype=np.int64)
    top = mask & (scores == best[groups])
    np.minimum.at(leader, groups[top], np.flatnonzero(top))
    own = groups[disease]
    ahead = (best > best[own]) | ((best == best[own]) & (leader < leader[own]))
    ahead[own] = False
    return int(np.count_nonzero(ahead)) + 1


def rank_of(scores: np.ndarray, mask: np.ndarray, disease: int) -> int:
    """1-based rank of ``disease`` among ``mask``, ties broken by disease order (as shown)."""
    s = scores[disease]
    ahead = mask & ((scores > s) | ((scores == s) & (np.arange(len(scores)) < disease)))
    return int(np.count_nonzero(ahead)) + 1
