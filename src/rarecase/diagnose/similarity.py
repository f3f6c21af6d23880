"""Phenomizer-style ranking by semantic similarity (Köhler et al., AJHG 2009).

The similarity of a case term to a disease is the Resnik similarity to its best disease term:
the information content of their most informative common ancestor. Over all diseases at once,
that is, for each ancestor *a* of the case term, IC(a) written into every disease whose profile
holds *a*, most informative last. The one-sided score is the mean over the case's present terms;
the symmetric best-match average also averages, over the disease's terms, their best match in the
case, which favours diseases with few annotations.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from rarecase.diagnose.differential import Differential, Match, RankedDisease
from rarecase.diagnose.explain import make_match, missing_features, relation_of
from rarecase.diagnose.profiles import DiseaseProfiles
from rarecase.diagnose.query import Query
from rarecase.diagnose.ranker import as_query, top_diseases
from rarecase.ontology.model import Database
from rarecase.phenopacket.model import Case

ONE_SIDED: Final = "phenomizer"
SYMMETRIC: Final = "phenomizer-bma"


class SimilarityRanker:
    """Mean best Resnik similarity of the case's present terms (excluded terms are not used).

    >>> from rarecase.diagnose import DiseaseProfiles, query_from_ids
    >>> ranker = SimilarityRanker(DiseaseProfiles.build(kb))
    >>> best = ranker.rank(query_from_ids(kb, ["HP:0010646"]), top=1).diseases[0]
    >>> best.id, best.matched[0].relation.value
    ('OMIM:300989', 'exact')
    """

    def __init__(self, profiles: DiseaseProfiles, *, symmetric: bool = False) -> None:
        self.profiles = profiles
        self.symmetric = symmetric
        self.name = SYMMETRIC if symmetric else ONE_SIDED

    def term_similarity(self, term: int) -> np.ndarray:
        """Resnik similarity of one case term to every disease."""
        p = self.profiles
        ic = p.information_content
        ancestors = p.phenotype_ancestors(term)
        sim = np.zeros(p.n_diseases)
        for a in ancestors[np.argsort(ic[ancestors], kind="stable")]:
            rows, _ = p.closure_column(int(a))
            sim[rows] = ic[a]
        return sim

    def scores(self, query: Query) -> np.ndarray:
        p = self.profiles
        if len(query.present) == 0:
            return np.zeros(p.n_diseases)
        total = np.zeros(p.n_diseases)
        for t in query.present:
            total += self.term_similarity(int(t))
        one_sided: np.ndarray = total / len(query.present)
        if not self.symmetric:
            return one_sided
        return np.asarray((one_sided + self._disease_side(query)) / 2)

    def _disease_side(self, query: Query) -> np.ndarray:
        """Mean over each disease's annotated terms of their best similarity to the case."""
        p = self.profiles
        ic = p.information_content
        covered = np.zeros(len(ic))
        for t in query.present:
            anc = p.phenotype_ancestors(int(t))
            covered[anc] = ic[anc]
        anc_matrix = p.kb.ancestor_matrix
        best = np.asarray(anc_matrix.multiply(covered[np.newaxis, :]).max(axis=1).todense())
        best = best.ravel()
        pattern = p.direct.copy()
        pattern.data = np.ones_like(pattern.data)
        counts = np.maximum(np.asarray(pattern.sum(axis=1)).ravel(), 1)
        return np.asarray(pattern @ best) / counts  # type: ignore[no-any-return]

    def rank(
        self,
        case: Case | Query,
        *,
        top: int = 20,
        databases: tuple[Database, ...] | None = None,
        explain: bool = True,
        merge_series: bool = False,
    ) -> Differential:
        p = self.profiles
        query = as_query(p, case)
        scores = self.scores(query)
        series = p.series if merge_series else None
        chosen = top_diseases(scores, p.mask(databases), top, series)
        ranked = []
        for n, d in enumerate(chosen, 1):
            disease = p.kb.disease(int(d))
            named, size = series.describe(int(d)) if series is not None else (None, 0)
            matched = self._matches(query, int(d)) if explain else ()
            missing = (
                missing_features(p, int(d), query.present.tolist(), query.excluded.tolist())
                if explain
                else ()
            )
            ranked.append(
                RankedDisease(
                    n,
                    disease.id,
                    disease.name,
                    float(scores[d]),
                    None,
                    matched,
                    (),
                    missing,
                    named,
                    size,
                )
            )
        return Differential(
            query.id, self.name, tuple(ranked), int(p.mask(databases).sum()), None, query.notes
        )

    def _matches(self, query: Query, disease: int) -> tuple[Match, ...]:
        p = self.profiles
        ic = p.information_content
        closure = p.closure_row(disease)
        direct = p.direct_row(disease)
        found = []
        for t in query.present.tolist():
            shared = [int(a) for a in p.phenotype_ancestors(t) if int(a) in closure]
            via = max(shared, key=lambda a: (ic[a], a == t)) if shared else p.root
            relation, term = relation_of(p, direct, t, via, annotated=True)
            found.append(
                make_match(
                    p,
                    t,
                    term,
                    relation,
                    ic=float(ic[via]),
                    contribution=float(ic[via]) / len(query.present),
                    frequency=direct.get(term) if term is not None else None,
                    via=via,
                )
            )
        return tuple(found)
