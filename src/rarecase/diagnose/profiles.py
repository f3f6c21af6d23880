"""Disease profiles: the disease x term matrices every ranker reads, built once per knowledge base.

phenotype.hpoa gives each disease a few dozen annotated terms. A ranker needs, for every disease
at once, "does the disease show term *a* (or something more specific), and how often": the
annotations propagated up the ontology (the true-path rule). Building that closure costs about a
second, so it is done once, by :meth:`DiseaseProfiles.build`, and the profiles are passed on like
the knowledge base itself.

Only phenotypic-abnormality annotations count: inheritance and clinical-course rows (aspects I
and C) describe how a disease runs, not what a patient shows.

Published cases (:mod:`rarecase.diagnose.published`), when given, add what real patients showed:
a disease's frequency of a term becomes the larger of its annotation's and the share of its
published cases with the term, the latter shrunk towards the annotation by ``published_weight``
pseudo-cases, so that one case does not make a feature certain. Their excluded terms are counted
apart, as evidence of what clinicians look for in the disease.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Final

import numpy as np
import scipy.sparse as sp

from rarecase.diagnose.onset import disease_onsets, onset_log_lr, x_linked_recessive_only
from rarecase.diagnose.published import PublishedCases
from rarecase.diagnose.series import PhenotypicSeries
from rarecase.ontology.ids import PHENOTYPIC_ABNORMALITY, Subontology
from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.ontology.model import Database

#: Frequency assumed for an annotation that gives none. HPO curators leave it out mostly for
#: features of case reports, typical of the disease; 0.5 measured best on the development cases
#: among 0.3-0.9 (see benchmarks/RESULTS.md).
DEFAULT_FREQUENCY: Final = 0.5
#: A disease annotated with a feature shows it at least this often (HPO's "excluded" 0% rows).
MIN_FREQUENCY: Final = 0.01
#: Pseudo-cases that shrink a published share towards the annotation: 1 and 3 measured alike on
#: the development cases (5-fold by publication, benchmarks/RESULTS.md); 3 is the safer.
PUBLISHED_WEIGHT: Final = 3.0


@dataclass(frozen=True, eq=False)
class DiseaseProfiles:
    """Every disease's phenotype as sparse matrices over term indices.

    ``direct`` (diseases x terms, CSR) holds the annotated terms with their frequency;
    ``closure`` (CSC, for column access) holds each disease's annotated terms and all their
    ancestors, with the highest frequency of an annotated term below; ``negated`` (CSR) holds
    the NOT annotations. ``background`` is, per term, the mean of its closure frequency over all
    diseases: how often a patient with some rare disease shows the term.
    """

    kb: KnowledgeBase
    direct: sp.csr_array
    closure: sp.csc_array
    negated: sp.csr_array
    background: np.ndarray
    databases: np.ndarray  # per disease, the index of its Database in DATABASES
    phenotype_mask: np.ndarray  # per term, True under Phenotypic abnormality
    # From published cases, when built with them: cases per disease, and per disease and term
    # how many cases record the term excluded (CSC); None without published cases.
    case_counts: np.ndarray | None = None
    excluded_counts: sp.csc_array | None = None
    published: PublishedCases | None = None
    # per published case (rows, in ``published`` order), its present terms with their
    # ancestors, 0/1: computed once, for the disease counts and the case vectors
    case_closures: sp.csr_array | None = None

    @classmethod
    def build(
        cls,
        kb: KnowledgeBase,
        *,
        default_frequency: float = DEFAULT_FREQUENCY,
        published: PublishedCases | None = None,
        published_weight: float = PUBLISHED_WEIGHT,
    ) -> DiseaseProfiles:
        """Compile the profiles (about a second for the full HPO release, one more with the
        bundled published cases)."""
        phenotype = kb.subontology_mask(Subontology.PHENOTYPIC_ABNORMALITY)
        n_d, n_t = kb.n_diseases, len(kb)
        disease = np.asarray(kb.array("ann_disease"), dtype=np.int64)
        term = np.asarray(kb.array("ann_term"), dtype=np.int64)
        frequency = np.asarray(kb.array("ann_frequency"), dtype=np.float64)
        negated = np.asarray(kb.array("ann_negated"), dtype=bool)
        keep = phenotype[term]
        frequency = np.where(np.isnan(frequency), default_frequency, frequency)
        frequency = np.clip(frequency, MIN_FREQUENCY, 1.0)

        pos = keep & ~negated
        direct = _max_matrix(disease[pos], term[pos], frequency[pos], (n_d, n_t))
        neg = keep & negated
        not_matrix = _max_matrix(disease[neg], term[neg], np.ones(int(neg.sum())), (n_d, n_t))

        # Closure: every (disease, ancestor of an annotated term), with the highest frequency.
        coo = direct.tocoo()
        anc_ptr, anc_idx = _ancestor_arrays(kb)
        counts = anc_ptr[coo.col + 1] - anc_ptr[coo.col]
        rows = np.repeat(coo.row, counts)
        values = np.repeat(coo.data, counts)
        starts = np.repeat(anc_ptr[coo.col] - np.cumsum(counts) + counts, counts)
        cols = anc_idx[np.arange(len(rows)) + starts]
        above = phenotype[cols]  # stop at Phenotypic abnormality: "All" says nothing
        closure = _max_matrix(rows[above], cols[above], values[above], (n_d, n_t)).tocsc()

        case_counts = excluded_counts = case_closures = None
        if published is not None and len(published):
            case_closures = _case_matrix(
                [_with_ancestors(anc_ptr, anc_idx, phenotype, p) for p in published.present], n_t
            )
            case_counts, shown, shown_closure, excluded_counts = _published_counts(
                published, case_closures, (n_d, n_t)
            )
            direct = _blend(direct, shown, case_counts, published_weight)
            closure = _blend(closure.tocsr(), shown_closure, case_counts, published_weight).tocsc()

        background = np.asarray(closure.sum(axis=0)).ravel() / max(n_d, 1)
        background = np.maximum(background, MIN_FREQUENCY / max(n_d, 1))
        ids = kb.diseases()
        databases = np.array([DATABASES.index(d.database) for d in ids], dtype=np.int8)
        return cls(
            kb,
            direct,
            closure,
            not_matrix,
            background,
            databases,
            phenotype,
            case_counts,
            excluded_counts,
            published if case_counts is not None else None,
            case_closures,
        )

    @property
    def n_diseases(self) -> int:
        return int(self.direct.shape[0])

    @cached_property
    def has_phenotype(self) -> np.ndarray:
        """Per disease, whether it has a phenotype annotation (or a published case) at all."""
        return np.asarray(np.diff(self.direct.indptr) > 0)

    @cached_property
    def information_content(self) -> np.ndarray:
        """IC per term: -ln(share of diseases whose profile holds the term)."""
        share = np.asarray((self.closure > 0).sum(axis=0)).ravel() / max(self.n_diseases, 1)
        return -np.log(np.maximum(share, 1 / max(self.n_diseases, 1)))

    @cached_property
    def case_vectors(self) -> tuple[sp.csr_array, np.ndarray] | None:
        """The published cases as unit vectors over terms (each present term and its
        ancestors, weighted by information content) and each case's first disease: a case's
        cosine with another is how much informative phenotype they share. None without
        published cases."""
        if self.published is None or self.case_closures is None:
            return None
        matrix = self.case_closures.copy()
        matrix.data = self.information_content[matrix.indices]
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        matrix = sp.csr_array(sp.diags_array(1.0 / np.maximum(norms, 1e-12)) @ matrix)
        first = np.array([d[0] for d in self.published.diseases], dtype=np.int64)
        return matrix, first

    def closure_terms(self, terms: np.ndarray) -> np.ndarray:
        """The terms and all their ancestors under Phenotypic abnormality, once each."""
        anc_ptr, anc_idx = self._ancestor_arrays
        return _with_ancestors(anc_ptr, anc_idx, self.phenotype_mask, terms)

    @cached_property
    def _ancestor_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return _ancestor_arrays(self.kb)

    @cached_property
    def onsets(self) -> np.ndarray:
        """Per disease and onset class (:data:`~rarecase.diagnose.onset.ONSET_CLASSES`), whether
        HPO annotates that onset."""
        return disease_onsets(self.kb)

    @cached_property
    def onset_log_lr(self) -> np.ndarray:
        """log10 LR per disease (rows) for a case of each onset class (columns)."""
        return onset_log_lr(self.onsets)

    @cached_property
    def x_linked_recessive_only(self) -> np.ndarray:
        return x_linked_recessive_only(self.kb)

    @cached_property
    def series(self) -> PhenotypicSeries:
        """The OMIM phenotypic series, for a differential that lists each series once."""
        return PhenotypicSeries.build(self.kb)

    @cached_property
    def root(self) -> int:
        return self.kb.index(PHENOTYPIC_ABNORMALITY)

    def mask(self, databases: tuple[Database, ...] | None) -> np.ndarray:
        """Boolean mask over diseases from ``databases`` (all of them when None)."""
        if not databases:
            return np.ones(self.n_diseases, dtype=bool)
        wanted = [DATABASES.index(d) for d in databases]
        return np.isin(self.databases, wanted)

    def annotated(self, disease: int) -> tuple[np.ndarray, np.ndarray]:
        """The disease's annotated phenotype terms and their frequencies."""
        lo, hi = self.direct.indptr[disease], self.direct.indptr[disease + 1]
        return self.direct.indices[lo:hi], self.direct.data[lo:hi]

    def closure_column(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        """The diseases whose profile holds ``term``, and how often they show it."""
        lo, hi = self.closure.indptr[term], self.closure.indptr[term + 1]
        return self.closure.indices[lo:hi], self.closure.data[lo:hi]

    def direct_column(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        """The diseases annotated with exactly ``term``, and the annotation frequency."""
        m = self._direct_csc
        lo, hi = m.indptr[term], m.indptr[term + 1]
        return m.indices[lo:hi], m.data[lo:hi]

    def negated_column(self, term: int) -> np.ndarray:
        """The diseases HPO says do NOT show ``term``."""
        m = self._negated_csc
        return np.asarray(m.indices[m.indptr[term] : m.indptr[term + 1]])

    def not_annotated(self, disease: int) -> np.ndarray:
        lo, hi = self.negated.indptr[disease], self.negated.indptr[disease + 1]
        return np.asarray(self.negated.indices[lo:hi])

    def closure_row(self, disease: int) -> dict[int, float]:
        """Term index -> frequency for every term the disease's profile holds."""
        m = self._closure_csr
        lo, hi = m.indptr[disease], m.indptr[disease + 1]
        return dict(zip(m.indices[lo:hi].tolist(), m.data[lo:hi].tolist(), strict=True))

    def direct_row(self, disease: int) -> dict[int, float]:
        terms, frequencies = self.annotated(disease)
        return dict(zip(terms.tolist(), frequencies.tolist(), strict=True))

    def phenotype_ancestors(self, term: int) -> np.ndarray:
        """The term's ancestors under Phenotypic abnormality (itself included)."""
        found = self.kb.ancestors(term)
        return np.asarray(found[self.phenotype_mask[found]])

    @cached_property
    def _direct_csc(self) -> sp.csc_array:
        return self.direct.tocsc()

    @cached_property
    def _negated_csc(self) -> sp.csc_array:
        return self.negated.tocsc()

    @cached_property
    def _closure_csr(self) -> sp.csr_array:
        return self.closure.tocsr()


DATABASES: Final[tuple[Database, ...]] = tuple(Database)


def _max_matrix(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, shape: tuple[int, int]
) -> sp.csr_array:
    """A CSR matrix keeping, for repeated (row, col) cells, the largest value (not the sum)."""
    key = rows.astype(np.int64) * shape[1] + cols.astype(np.int64)
    order = np.lexsort((values, key))
    key, values = key[order], values[order]
    last = np.ones(len(key), dtype=bool)
    last[:-1] = key[1:] != key[:-1]
    key, values = key[last], values[last]
    return sp.csr_array((values.astype(np.float64), (key // shape[1], key % shape[1])), shape=shape)


def _ancestor_arrays(kb: KnowledgeBase) -> tuple[np.ndarray, np.ndarray]:
    """The ontology's ancestor lists (each term's itself included) as CSR index arrays."""
    anc_ptr = np.asarray(kb.array("ancestor_indptr"), dtype=np.int64)
    anc_idx = np.asarray(kb.array("ancestor_indices"), dtype=np.int64)
    return anc_ptr, anc_idx


def _with_ancestors(
    anc_ptr: np.ndarray, anc_idx: np.ndarray, phenotype: np.ndarray, terms: np.ndarray
) -> np.ndarray:
    """``terms`` and all their ancestors under Phenotypic abnormality, once each, sorted."""
    if len(terms) == 0:
        return np.empty(0, dtype=np.int64)
    found = np.concatenate([anc_idx[anc_ptr[t] : anc_ptr[t + 1]] for t in terms])
    return np.unique(found[phenotype[found]])


def _case_matrix(terms: Sequence[np.ndarray], n_terms: int) -> sp.csr_array:
    """One 0/1 row per case over terms (each row's terms are distinct)."""
    rows = np.repeat(np.arange(len(terms)), [len(t) for t in terms])
    cols = np.concatenate(terms).astype(np.int64) if terms else np.empty(0, dtype=np.int64)
    return sp.csr_array((np.ones(len(cols)), (rows, cols)), shape=(len(terms), n_terms))


def _published_counts(
    published: PublishedCases, case_closures: sp.csr_array, shape: tuple[int, int]
) -> tuple[np.ndarray, sp.csr_array, sp.csr_array, sp.csc_array]:
    """Per disease: its cases; how many show each term exactly, and with the term's ancestors;
    how many record each term excluded."""
    pairs = [(d, i) for i, diseases in enumerate(published.diseases) for d in diseases]
    assign = sp.csr_array(
        (np.ones(len(pairs)), ([d for d, _ in pairs], [i for _, i in pairs])),
        shape=(shape[0], len(published)),
    )
    cases = np.asarray(assign.sum(axis=1)).ravel()
    shown = sp.csr_array(assign @ _case_matrix(published.present, shape[1]))
    closure = sp.csr_array(assign @ case_closures)
    excluded = sp.csc_array(assign @ _case_matrix(published.excluded, shape[1]))
    return cases, shown, closure, excluded


def _blend(
    annotated: sp.csr_array, shown: sp.csr_array, cases: np.ndarray, weight: float
) -> sp.csr_array:
    """max(annotation, (shown + weight x annotation) / (cases + weight)) per disease and term;
    the annotation alone where a disease has no published case."""
    has = cases > 0
    share = sp.diags_array(np.where(has, 1.0 / (cases + weight), 0.0))
    kept = sp.diags_array(np.where(has, weight / (cases + weight), 0.0))
    mixed = (kept @ annotated + share @ shown).tocsr()
    blended = mixed.maximum(annotated).tocsr()
    blended.data = np.clip(blended.data, MIN_FREQUENCY, 1.0)
    return sp.csr_array(blended)
