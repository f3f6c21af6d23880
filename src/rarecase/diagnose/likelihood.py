"""Likelihood-ratio ranking in the spirit of LIRICAL (Robinson et al., AJHG 2020).

Each case term contributes LR = P(term | disease) / P(term | some rare disease). The numerator
comes from the disease's profile through the case term's most useful ancestor *a*:

- *a* is the case term itself, annotated or implied by a more specific annotation: the
  frequency the disease shows it;
- *a* is annotated and more general than the case term: the annotation's frequency over the
  background of *a* (the specific finding is as telling as the general one it refines), times
  ``ancestor_weight``;
- *a* is only a common ancestor of the case term and some disease term: the same ratio times
  ``related_weight``, a penalty for a finding the disease is not known to show in this form.

Whatever the route, a disease with phenotype annotations gives a present term at least
``UNANNOTATED_LR`` (annotations are incomplete); a case term under a NOT annotation of the
disease gets ``NOT_LR``. An excluded case term gives
(1 - frequency) / (1 - background), damped by ``excluded_weight`` (an exponent) and kept above
``excluded_floor``. Curators of published cases mostly record as excluded the typical features of
the disease that the patient lacks, so on the development cases every use of excluded terms
tried (full, exponent 0.3, floor 0.3) lowered top-1; ``use_excluded`` is therefore off by
default and the default model ranks by present terms only (benchmarks/RESULTS.md).

Published cases, when the profiles hold them (:mod:`rarecase.diagnose.published`), change two
things. Present terms are scored against frequencies that include what published patients
showed. Excluded terms count through how often published cases of each disease record the term
absent, against how often cases of any disease do: LR = rate(disease) / rate(background), the
disease's rate shrunk towards the background by ``PUBLISHED_WEIGHT`` pseudo-cases and the log
scaled by ``PUBLISHED_EXCLUDED_WEIGHT`` (and by sqrt(``EXCLUDED_TERMS_AT_FULL_WEIGHT`` / n) for a
case with more excluded terms than that: some cohorts list fifty, and fifty small doubts should
not outweigh its findings). That uses curators' habit as evidence (they record the
typical features a patient lacks), which on the development cases, 5-fold by publication, lifts
top-1 from 0.50 to 0.59 on all cases and from 0.25 to 0.32 on unseen publications
(benchmarks/RESULTS.md). A disease without published cases gets LR 1.

The composite score is log10 of the product of the LRs; the post-test probability is Bayes'
rule over the ranked diseases with a uniform prior and each LR tempered
(``PROBABILITY_TEMPERATURE``), so the probabilities of all diseases sum to 1.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import cached_property, lru_cache
from typing import Final

import numpy as np
import scipy.sparse as sp

from rarecase.diagnose.differential import (
    ClosestCase,
    Differential,
    Match,
    RankedDisease,
    Relation,
)
from rarecase.diagnose.explain import make_match, missing_features, relation_of
from rarecase.diagnose.onset import ONSET_CLASSES, X_LINKED_RECESSIVE, x_linked_recessive_lr
from rarecase.diagnose.profiles import PUBLISHED_WEIGHT, DiseaseProfiles
from rarecase.diagnose.query import Query
from rarecase.diagnose.ranker import as_query, top_diseases
from rarecase.ontology.model import Database
from rarecase.phenopacket.model import Case

NAME: Final = "likelihood"
#: Chosen on the development cases (present terms only): related 0.01-1.0 and ancestor 0.5-2.0
#: were tried; a harsh penalty for a merely related term and a halved ancestor match did best.
ANCESTOR_WEIGHT: Final = 0.5
RELATED_WEIGHT: Final = 0.05
#: LR of a case term for a disease with no phenotype annotations at all.
NO_MATCH_LR: Final = 0.01
#: The least LR of a present case term for an annotated disease that is not known to show it
#: (NOT annotations aside). HPO's annotations of a disease are incomplete: they list what its
#: source articles reported, so a finding missing from them is weak evidence against the disease
#: (a factor of two), not the factor of 20-100 a merely related or unmatched term got before.
#: On the development cases, 5 folds by publication: floors 0.3-0.7 measured alike; 0.5 lifted
#: top-1/top-10 from 0.615/0.776 to 0.618/0.780 on all cases and from 0.345/0.550 to
#: 0.353/0.564 on unseen publications (benchmarks/RESULTS.md).
UNANNOTATED_LR: Final = 0.5
#: LR of a present case term that the disease is annotated NOT to show.
NOT_LR: Final = 0.01
EXCLUDED_WEIGHT: Final = 1.0
EXCLUDED_FLOOR: Final = 0.0
#: 1 - background is kept above this, so that excluding a near-universal term says little.
MIN_ABSENT: Final = 0.05
#: No feature is certain in every patient: an excluded obligate feature gives (1 - this), not 0.
MAX_FREQUENCY: Final = 0.95
#: Exponent on the LR of an excluded term from published cases (0.3-0.7 measured alike).
PUBLISHED_EXCLUDED_WEIGHT: Final = 0.5
#: Excluded terms a case may give at full weight; beyond, each counts sqrt(this / n) as much
#: (on the development cases: top-1 0.585 -> 0.594 on all, 0.324 -> 0.329 on unseen).
EXCLUDED_TERMS_AT_FULL_WEIGHT: Final = 8
#: Floor of the background rate at which published cases record a term excluded.
MIN_EXCLUDED_RATE: Final = 1e-4
#: log10 LR per unit of cosine similarity between the case and a disease's closest published
#: patient (IC-weighted terms with their ancestors): on the development cases, 2-5 measured
#: alike, +0.02 top-1 on all cases and on unseen publications (benchmarks/RESULTS.md).
NEAREST_CASE_WEIGHT: Final = 3.5
#: The post-test probability takes each LR to the power 1/this. Multiplying LRs as if the
#: findings were independent makes the top disease look surer than it is: on the development
#: cases (two folds by publication), the top disease's mean probability was 0.85 where it was
#: right 58% of the time (calibration error 0.27); with 3, 0.56 against 58% (0.12), and the
#: true disease's log-loss falls from 5.4 to 3.2. With the UNANNOTATED_LR floor the tail of
#: diseases holds more mass, and 2.5 calibrates best: 0.56 against 59% (error 0.10; 3 gives
#: 0.48, error 0.14). Ranks and scores are unchanged.
PROBABILITY_TEMPERATURE: Final = 2.5
#: Terms whose LR vectors a ranker keeps (about 100 KB each).
TERM_CACHE: Final = 256
#: An excluded term's reason is listed when it moves the score by at least this (log10).
LISTED_CONTRIBUTION: Final = 0.05


class LikelihoodRanker:
    """Ranks diseases by the product of per-term likelihood ratios.

    >>> from rarecase.diagnose import DiseaseProfiles, query_from_ids
    >>> ranker = LikelihoodRanker(DiseaseProfiles.build(kb))
    >>> result = ranker.rank(query_from_ids(kb, ["HP:0001250"]), top=3)
    >>> 0 < result.diseases[0].probability <= 1
    True
    """

    def __init__(
        self,
        profiles: DiseaseProfiles,
        *,
        ancestor_weight: float = ANCESTOR_WEIGHT,
        related_weight: float = RELATED_WEIGHT,
        unannotated_lr: float = UNANNOTATED_LR,
        excluded_weight: float = EXCLUDED_WEIGHT,
        excluded_floor: float = EXCLUDED_FLOOR,
        use_excluded: bool = False,
        published_excluded: bool = True,
    ) -> None:
        self.profiles = profiles
        # excluded terms weighed by published cases (when the profiles hold some)
        self.published_excluded = published_excluded
        self.ancestor_weight = ancestor_weight
        self.related_weight = related_weight
        self.unannotated_lr = unannotated_lr
        self.excluded_weight = excluded_weight
        self.excluded_floor = excluded_floor
        self.use_excluded = use_excluded
        if use_excluded:
            self.name = f"{NAME}+excluded"
        elif published_excluded:
            self.name = NAME
        else:
            self.name = f"{NAME}-present"
        # A term's LR vector is the same for every case that names it: kept for the terms met
        # most recently, so a batch or an evaluation computes Seizure once, not once a case.
        self._present_log_lr = lru_cache(maxsize=TERM_CACHE)(self._log_present_lr)
        self._excluded_log_lr = lru_cache(maxsize=TERM_CACHE)(self._log_published_excluded_lr)

    def clear_cache(self) -> None:
        """Forget the kept term LR vectors (to time a case scored from nothing)."""
        self._present_log_lr.cache_clear()
        self._excluded_log_lr.cache_clear()

    # -- per-term likelihood ratios over all diseases ------------------------------------------
    def _log_present_lr(self, term: int) -> np.ndarray:
        values: np.ndarray = np.log10(self.present_lr(term))
        values.flags.writeable = False  # shared by every case that names the term
        return values

    def _log_published_excluded_lr(self, term: int) -> np.ndarray:
        values: np.ndarray = np.log10(self.published_excluded_lr(term))
        values.flags.writeable = False
        return values

    def present_lr(self, term: int) -> np.ndarray:
        """LR of one present case term for every disease."""
        p = self.profiles
        bg = p.background
        lr = np.full(p.n_diseases, NO_MATCH_LR)
        for a in p.phenotype_ancestors(term).tolist():
            rows, freq = p.closure_column(a)
            if a == term:
                values = freq / bg[a]
            else:
                values = freq * (self.related_weight / bg[a])
                direct_rows, direct_freq = p.direct_column(a)
                ancestral = direct_freq * (self.ancestor_weight / bg[a])
                lr[direct_rows] = np.maximum(lr[direct_rows], ancestral)
            lr[rows] = np.maximum(lr[rows], values)
        np.maximum(lr, self._floor, out=lr)
        for a in p.phenotype_ancestors(term).tolist():
            lr[p.negated_column(a)] = NOT_LR
        return lr

    def excluded_lr(self, term: int) -> np.ndarray:
        """LR of one excluded case term for every disease, damped as configured."""
        p = self.profiles
        absent = max(1.0 - float(p.background[term]), MIN_ABSENT)
        lr = np.full(p.n_diseases, 1.0 / absent)
        rows, freq = p.closure_column(term)
        lr[rows] = (1.0 - np.minimum(freq, MAX_FREQUENCY)) / absent
        for a in p.phenotype_ancestors(term).tolist():
            lr[p.negated_column(a)] = 1.0 / absent
        lr = np.maximum(lr, self.excluded_floor)
        return np.asarray(lr**self.excluded_weight)

    @cached_property
    def _floor(self) -> np.ndarray:
        """Per disease, the least LR of a present term: UNANNOTATED_LR where the disease has a
        phenotype annotation, nothing (0) where it has none."""
        return np.where(self.profiles.has_phenotype, self.unannotated_lr, 0.0)

    @cached_property
    def _excluded_background(self) -> np.ndarray:
        """Per term, the mean over diseases with published cases of the share of their cases
        that record the term excluded."""
        p = self.profiles
        assert p.case_counts is not None and p.excluded_counts is not None
        has = p.case_counts > 0
        rates = sp.diags_array(np.where(has, 1.0 / np.maximum(p.case_counts, 1), 0.0)) @ (
            p.excluded_counts.tocsr()
        )
        mean = np.asarray(rates.sum(axis=0)).ravel() / max(int(has.sum()), 1)
        return np.asarray(np.maximum(mean, MIN_EXCLUDED_RATE))

    def published_excluded_lr(self, term: int) -> np.ndarray:
        """LR of one excluded case term for every disease, from published cases (all 1 when the
        profiles hold none)."""
        p = self.profiles
        if p.case_counts is None or p.excluded_counts is None:
            return np.ones(p.n_diseases)
        m = p.excluded_counts
        counts = np.zeros(p.n_diseases)
        lo, hi = m.indptr[term], m.indptr[term + 1]
        counts[m.indices[lo:hi]] = m.data[lo:hi]
        background = float(self._excluded_background[term])
        rate = (counts + PUBLISHED_WEIGHT * background) / (p.case_counts + PUBLISHED_WEIGHT)
        return np.asarray(rate / background)

    def case_similarities(self, query: Query) -> np.ndarray | None:
        """The cosine of the case with every published case (None without published cases, or
        without a present term)."""
        p = self.profiles
        vectors = p.case_vectors
        if vectors is None or len(query.present) == 0:
            return None
        matrix, _ = vectors
        terms = p.closure_terms(query.present)
        vector = np.zeros(matrix.shape[1])
        vector[terms] = p.information_content[terms]
        norm = float(np.linalg.norm(vector))
        return np.asarray(matrix @ (vector / max(norm, 1e-12)))

    def nearest_case_lr(self, query: Query) -> np.ndarray:
        """log10 LR per disease from its closest published patient: NEAREST_CASE_WEIGHT times
        the cosine (0 for a disease without published cases)."""
        best = np.zeros(self.profiles.n_diseases)
        similarities = self.case_similarities(query)
        if similarities is not None:
            vectors = self.profiles.case_vectors
            assert vectors is not None
            np.maximum.at(best, vectors[1], similarities)
        return NEAREST_CASE_WEIGHT * best

    def context_lr(self, query: Query) -> np.ndarray:
        """log10 LR per disease from the case's onset and sex (0 where they say nothing)."""
        p = self.profiles
        total = np.zeros(p.n_diseases)
        if query.onset >= 0:
            total += p.onset_log_lr[:, query.onset]
        sex_lr = x_linked_recessive_lr(query.sex)
        if sex_lr is not None:
            total[p.x_linked_recessive_only] += np.log10(sex_lr)
        return total

    def scores(self, query: Query) -> np.ndarray:
        """log10 of the likelihood ratio of the whole case, per disease."""
        total: np.ndarray = self.nearest_case_lr(query) + self.context_lr(query)
        for t in query.present.tolist():
            total += self._present_log_lr(t)
        if self.published_excluded and self.profiles.case_counts is not None:
            weight = _excluded_weight(len(query.excluded))
            for t in query.excluded.tolist():
                total += weight * self._excluded_log_lr(t)
        if self.use_excluded:
            for t in query.excluded.tolist():
                total += np.log10(self.excluded_lr(t))
        return total

    # -- ranking with reasons -------------------------------------------------------------------
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
        mask = p.mask(databases)
        series = p.series if merge_series else None
        chosen = top_diseases(scores, mask, top, series)
        # Bayes over the ranked diseases, uniform prior: P(d | case) = LR_d / sum of LRs, with
        # the LRs tempered (see PROBABILITY_TEMPERATURE)
        scale = np.log(10) / PROBABILITY_TEMPERATURE
        ln = scores[mask] * scale
        shift = float(ln.max()) if len(ln) else 0.0
        norm = float(np.log(np.exp(ln - shift).sum())) + shift if len(ln) else 0.0
        posterior = np.where(mask, np.exp(scores * scale - norm), 0.0)
        similarities = self.case_similarities(query) if explain else None
        ranked = []
        for n, d in enumerate(chosen, 1):
            disease = p.kb.disease(int(d))
            probability = float(posterior[d])
            named, size = series.describe(int(d)) if series is not None else (None, 0)
            if series is not None and named is not None:
                # a series is as likely as its members together
                probability = float(posterior[series.of == series.of[d]].sum())
            matched, against = self._reasons(query, int(d)) if explain else ((), ())
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
                    probability,
                    matched,
                    against,
                    missing,
                    named,
                    size,
                    self._closest(similarities, int(d)),
                )
            )
        n_ranked = int(mask.sum())
        return Differential(
            query.id, self.name, tuple(ranked), n_ranked, 1 / max(n_ranked, 1), query.notes
        )

    def _closest(self, similarities: np.ndarray | None, disease: int) -> ClosestCase | None:
        """The disease's published patient most like the case, when it adds to the score."""
        p = self.profiles
        if similarities is None or p.case_vectors is None or p.published is None:
            return None
        cases = np.flatnonzero(p.case_vectors[1] == disease)
        if len(cases) == 0:
            return None
        best = int(cases[np.argmax(similarities[cases])])
        similarity = float(similarities[best])
        if similarity <= 0:
            return None
        ids = p.published.ids
        return ClosestCase(
            ids[best] if ids else "",
            p.published.pmids[best],
            similarity,
            NEAREST_CASE_WEIGHT * similarity,
        )

    def _reasons(self, query: Query, disease: int) -> tuple[tuple[Match, ...], tuple[Match, ...]]:
        """Per case term, the disease term behind its LR, with the same arithmetic as above."""
        p = self.profiles
        bg = p.background
        ic = p.information_content
        closure = p.closure_row(disease)
        direct = p.direct_row(disease)
        refused = set(p.not_annotated(disease).tolist())
        matched: list[Match] = []
        against: list[Match] = []
        for t in query.present.tolist():
            ancestors = p.phenotype_ancestors(t).tolist()
            no = [a for a in ancestors if a in refused]
            if no:
                a = max(no, key=lambda x: ic[x])
                against.append(
                    make_match(
                        p,
                        t,
                        a,
                        Relation.NOT_ANNOTATED,
                        ic=float(ic[a]),
                        contribution=float(np.log10(NOT_LR)),
                    )
                )
                continue
            best, via, annotated = NO_MATCH_LR, p.root, False
            for a in ancestors:
                if a in closure:
                    weight = 1.0 if a == t else self.related_weight
                    value = closure[a] * weight / bg[a]
                    if value > best:
                        best, via, annotated = value, a, a == t
                if a != t and a in direct:
                    value = direct[a] * self.ancestor_weight / bg[a]
                    if value > best:
                        best, via, annotated = value, a, True
            if direct:
                best = max(best, self.unannotated_lr)
            relation, term = relation_of(p, direct, t, via, annotated=annotated)
            frequency = closure.get(via) if relation is not Relation.ANCESTOR else direct.get(via)
            match = make_match(
                p,
                t,
                term,
                relation,
                ic=float(ic[via]),
                contribution=float(np.log10(best)),
                frequency=frequency,
                via=via,
            )
            matched.append(match)
        matched_context, against_context = self._context_reasons(query, disease)
        matched.extend(matched_context)
        against.extend(against_context)
        if self.published_excluded and p.case_counts is not None and p.excluded_counts is not None:
            cases = float(p.case_counts[disease])
            weight = _excluded_weight(len(query.excluded))
            for t in query.excluded.tolist() if cases else ():
                contribution = weight * float(self._excluded_log_lr(t)[disease])
                if abs(contribution) < LISTED_CONTRIBUTION:
                    continue
                recorded = float(p.excluded_counts[disease, t]) / cases
                match = make_match(
                    p,
                    t,
                    t,
                    Relation.EXCLUDED_IN_PUBLISHED_CASES,
                    ic=float(ic[t]),
                    contribution=contribution,
                    frequency=recorded,
                    via=t,
                )
                (matched if contribution > 0 else against).append(match)
        if self.use_excluded:
            # An excluded term the disease neither shows nor is NOT-annotated with gets the same
            # small background LR for every such disease; it is not itemised.
            for t in query.excluded.tolist():
                no = [a for a in p.phenotype_ancestors(t).tolist() if a in refused]
                if t not in closure and not no:
                    continue
                lr = self.excluded_lr_one(t, closure.get(t, 0.0), refused)
                if no:
                    a = max(no, key=lambda x: ic[x])
                    relation, term, frequency = Relation.NOT_ANNOTATED, a, None
                else:
                    relation, found = relation_of(p, direct, t, t, annotated=True)
                    term, frequency = found, closure[t]
                match = make_match(
                    p,
                    t,
                    term,
                    relation,
                    ic=float(ic[t]),
                    contribution=float(np.log10(lr)),
                    frequency=frequency,
                    via=t,
                )
                (matched if no else against).append(match)
        return tuple(matched), tuple(against)

    def _context_reasons(self, query: Query, disease: int) -> tuple[list[Match], list[Match]]:
        """The onset and sex reasons of one disease, when they move its score."""
        p = self.profiles
        kb = p.kb
        matched: list[Match] = []
        against: list[Match] = []
        if query.onset >= 0 and p.onsets[disease].any():
            contribution = float(p.onset_log_lr[disease, query.onset])
            if abs(contribution) >= LISTED_CONTRIBUTION:
                annotated = np.flatnonzero(p.onsets[disease])
                nearest = int(annotated[np.argmin(np.abs(annotated - query.onset))])
                match = make_match(
                    p,
                    kb.index(ONSET_CLASSES[query.onset]),
                    kb.index(ONSET_CLASSES[nearest]),
                    Relation.ONSET,
                    ic=0.0,
                    contribution=contribution,
                )
                (matched if contribution > 0 else against).append(match)
        lr = x_linked_recessive_lr(query.sex)
        if lr is not None and p.x_linked_recessive_only[disease]:
            xlr = kb.index(X_LINKED_RECESSIVE)
            match = make_match(p, xlr, xlr, Relation.SEX, ic=0.0, contribution=float(np.log10(lr)))
            match = replace(match, case_label=f"{query.sex.value.lower()} patient")
            (matched if lr > 1 else against).append(match)
        return matched, against

    def excluded_lr_one(self, term: int, frequency: float, refused: set[int]) -> float:
        """The scalar form of :meth:`excluded_lr` for one disease (``frequency`` 0: not shown)."""
        p = self.profiles
        absent = max(1.0 - float(p.background[term]), MIN_ABSENT)
        if any(a in refused for a in p.phenotype_ancestors(term).tolist()):
            lr = 1.0 / absent
        else:
            lr = (1.0 - min(frequency, MAX_FREQUENCY)) / absent
        return float(max(lr, self.excluded_floor) ** self.excluded_weight)


def _excluded_weight(n_excluded: int) -> float:
    """The weight of each published-case LR of an excluded term, for a case with ``n_excluded``."""
    damping: float = min(1.0, math.sqrt(EXCLUDED_TERMS_AT_FULL_WEIGHT / max(n_excluded, 1)))
    return PUBLISHED_EXCLUDED_WEIGHT * damping
