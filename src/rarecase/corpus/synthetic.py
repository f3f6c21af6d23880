"""Synthetic published cases drawn from the disease annotations, for tests and benchmarks.

Real corpora are small (phenopacket-store holds about 8,000 cases); the index must be measured at a
million. A synthetic case looks like a published one: a disease, 5-20 of its annotated features
drawn by their frequency (0.5 where HPO gives none), now and then a more specific child term in
place of the annotated one or an unrelated finding (drawn from all annotations, so common findings
come up more often), and a few of the disease's other features recorded as excluded, as curators
of phenopacket-store do. Cases of one disease come in publications of 1-10 cases.

Generation is vectorised per disease (about ten seconds for a million cases on one core) and
seeded: the same arguments give the same corpus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import scipy.sparse as sp

from rarecase.corpus.records import CaseRecord, NamedDisease
from rarecase.ontology.ids import Subontology
from rarecase.ontology.knowledge import KnowledgeBase

#: Frequency assumed where an annotation gives none (as the disease profiles do).
DEFAULT_FREQUENCY: Final = 0.5


@dataclass(frozen=True, eq=False)
class SyntheticCorpus:
    """Synthetic cases as term indices (cases x terms CSR), ready for
    :meth:`~rarecase.corpus.similar.CaseIndex.from_indices`."""

    ids: tuple[str, ...]
    pmids: tuple[str, ...]
    diseases: tuple[tuple[NamedDisease, ...], ...]
    present: sp.csr_array
    excluded: sp.csr_array

    def __len__(self) -> int:
        return len(self.ids)

    def records(self, kb: KnowledgeBase) -> list[CaseRecord]:
        """The cases as :class:`CaseRecord` values (HPO ids as strings), for small corpora."""
        out = []
        for i, case_id in enumerate(self.ids):
            present = self.present.indices[self.present.indptr[i] : self.present.indptr[i + 1]]
            excluded = self.excluded.indices[self.excluded.indptr[i] : self.excluded.indptr[i + 1]]
            out.append(
                CaseRecord(
                    case_id,
                    self.pmids[i],
                    self.diseases[i],
                    tuple(str(kb.term_id(int(t))) for t in present),
                    tuple(str(kb.term_id(int(t))) for t in excluded),
                )
            )
        return out


def synthetic_corpus(
    kb: KnowledgeBase,
    n: int,
    *,
    seed: int = 0,
    min_present: int = 5,
    max_present: int = 20,
    specific: float = 0.1,
    noise: float = 0.3,
    exclude: float = 0.3,
    max_excluded: int = 8,
    diseases: Sequence[str] | None = None,
) -> SyntheticCorpus:
    """``n`` cases drawn from the diseases of ``kb`` that have at least three phenotype
    annotations (see the module docstring for how), or from ``diseases`` only (ids), for a
    corpus with many cases per disease.

    >>> corpus = synthetic_corpus(kb, 20, seed=1)
    >>> len(corpus), corpus.present.shape[0], all(corpus.present.sum(axis=1) > 0)
    (20, 20, True)
    """
    rng = np.random.default_rng(seed)
    n_terms = len(kb)
    phenotype = kb.subontology_mask(Subontology.PHENOTYPIC_ABNORMALITY)
    a_disease = np.asarray(kb.array("ann_disease"), dtype=np.int64)
    a_term = np.asarray(kb.array("ann_term"), dtype=np.int64)
    a_freq = np.asarray(kb.array("ann_frequency"), dtype=np.float64)
    keep = phenotype[a_term] & ~np.asarray(kb.array("ann_negated"), dtype=bool)
    a_disease, a_term, a_freq = a_disease[keep], a_term[keep], a_freq[keep]
    a_freq = np.clip(np.where(np.isnan(a_freq), DEFAULT_FREQUENCY, a_freq), 0.01, 1.0)
    order = np.lexsort((a_term, a_disease))
    a_disease, a_term, a_freq = a_disease[order], a_term[order], a_freq[order]
    bounds = np.searchsorted(a_disease, np.arange(kb.n_diseases + 1))
    sizes = np.diff(bounds)
    eligible = np.flatnonzero(sizes >= 3)
    if diseases is not None:
        wanted = np.array(sorted({kb.disease(d).index for d in diseases}), dtype=np.int64)
        eligible = np.intersect1d(eligible, wanted)
    if len(eligible) == 0:
        raise ValueError("no disease has three phenotype annotations to draw cases from")

    children = sp.csr_array(
        (
            np.ones(len(kb.array("parent_indices")), dtype=bool),
            kb.array("parent_indices"),
            kb.array("parent_indptr"),
        ),
        shape=(n_terms, n_terms),
    ).T.tocsr()
    ancestors = kb.ancestor_matrix

    drawn = np.sort(rng.choice(eligible, size=n))
    rows_p: list[np.ndarray] = []
    cols_p: list[np.ndarray] = []
    rows_x: list[np.ndarray] = []
    cols_x: list[np.ndarray] = []
    pmids: list[str] = []
    publication = 0
    starts = np.searchsorted(drawn, eligible)
    ends = np.searchsorted(drawn, eligible, side="right")
    for d, first, last in zip(eligible.tolist(), starts.tolist(), ends.tolist(), strict=True):
        m = last - first
        if m == 0:
            continue
        terms = a_term[bounds[d] : bounds[d + 1]]
        freq = a_freq[bounds[d] : bounds[d + 1]]
        size = len(terms)
        draw = rng.random((m, size))
        chosen = (draw < freq).sum(axis=1)
        k = np.clip(chosen, min(min_present, size), max_present)
        rank = np.argsort(np.argsort(draw / freq, axis=1), axis=1)
        selected = rank < k[:, None]
        case_rows, slot = np.nonzero(selected)
        picked = terms[slot].copy()
        # Now and then a more specific child in place of the annotated term.
        swap = rng.random(len(picked)) < specific
        n_child = children.indptr[picked + 1] - children.indptr[picked]
        swap &= n_child > 0
        offset = (rng.random(int(swap.sum())) * n_child[swap]).astype(np.int64)
        picked[swap] = children.indices[children.indptr[picked[swap]] + offset]
        rows_p.append(case_rows + first)
        cols_p.append(picked)
        # Noise: one finding drawn from all annotations.
        noisy = np.flatnonzero(rng.random(m) < noise)
        rows_p.append(noisy + first)
        cols_p.append(a_term[rng.integers(0, len(a_term), size=len(noisy))])
        # Excluded: other features of the disease (those above a drawn one are removed below).
        candidate = ~selected & (rng.random((m, size)) < exclude)
        order_x = np.argsort(np.argsort(np.where(candidate, draw, 2.0), axis=1), axis=1)
        candidate &= order_x < max_excluded
        x_rows, x_slot = np.nonzero(candidate)
        rows_x.append(x_rows + first)
        cols_x.append(terms[x_slot])
        # Publications of 1-10 cases of this disease.
        left = m
        while left > 0:
            take = min(left, int(rng.integers(1, 11)))
            pmids += [f"PMID:{90_000_000 + publication}"] * take
            publication += 1
            left -= take

    present = _matrix(rows_p, cols_p, n, n_terms)
    excluded = _matrix(rows_x, cols_x, n, n_terms)
    # An excluded term the noise put under a present one would make the case contradict itself.
    excluded = _consistent(present, excluded, ancestors)
    names = {int(d): NamedDisease(kb.disease(int(d)).id, kb.disease(int(d)).name) for d in eligible}
    diagnoses = tuple((names[int(d)],) for d in drawn.tolist())
    ids = tuple(f"synthetic-{i}" for i in range(n))
    return SyntheticCorpus(ids, tuple(pmids), diagnoses, present, excluded)


def _matrix(rows: list[np.ndarray], cols: list[np.ndarray], n: int, n_terms: int) -> sp.csr_array:
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    m = sp.csr_array((np.ones(len(r), dtype=np.float32), (r, c)), shape=(n, n_terms))
    m.sum_duplicates()
    m.data[:] = 1.0
    m.sort_indices()
    return m


def _consistent(
    present: sp.csr_array, excluded: sp.csr_array, ancestors: sp.csr_array
) -> sp.csr_array:
    closure = sp.csr_array(present @ sp.csr_array(ancestors, dtype=np.float32))
    closure.data[:] = 1.0
    clash = excluded.multiply(closure)
    if clash.nnz == 0:
        return excluded
    out = sp.csr_array(excluded - clash)
    out.eliminate_zeros()
    out.sort_indices()
    return out
