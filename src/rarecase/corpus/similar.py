"""The similar-case index: the stored cases most like a query case, by phenotype.

A case is its present terms with all their ancestors (its *closure*) in the phenotypic-abnormality
branch; "Phenotypic abnormality" (HP:0000118) and the terms above it say nothing and carry no
weight. Each closure term weighs its information content ``w(t) = IC(t)`` (from the disease
annotations). The score of a stored case ``c`` for a query ``q`` is::

    shared    = sum_{t in Q ∩ C} w(t)²,   ||X||² = sum_{t in X} w(t)²
    cov_q     = shared / ||Q||²,   cov_c = shared / ||C||²       (both in [0, 1])
    match     = cov_q^a · cov_c^(1 - a),   a = QUERY_WEIGHT = 0.7
    score     = match + EXCLUDED_BONUS * xcos(q, c)
                - CONFLICT_PENALTY * (conflict_q + conflict_c) / 2

with ``Q`` and ``C`` the two closures. With ``a = 0.5`` the match is the cosine of the two
closures; it is ontology-aware (a stored case with a more specific term holds every ancestor of
the query's term, and a shared ancestor counts by how informative it is) and, being normalised on
both sides, keeps a case with 40 terms from winning by volume. ``a = 0.7`` leans towards covering
the query: with the cosine, a stored case recording only "aortic root aneurysm" beat Marfan cases
with both "ectopia lentis" and "aortic root aneurysm" for a query of those two; a 40-term case
still pays for what it holds beyond the query. (On the development cases, 0.7 also raised the
diagnosis measure below by half a point to a point.)

``conflict_q`` is the IC-weighted share of the query's present terms that the stored case records
absent — a present term ``t`` conflicts when the stored case excludes ``t`` or an ancestor
of ``t`` (lacking ``x``, the patient lacks everything below it) — and ``conflict_c`` the same for
the stored case's present terms against the query's excluded terms. Both shares lie in [0, 1], as
the cosine does. ``xcos`` is the same IC-weighted cosine over the two excluded-term sets (the
terms themselves, no closure): cases that looked for, and did not find, the same features.

The weights were weighed on the development cases (leave-one-publication-out: does the top 10
hold a case with the same diagnosis? benchmarks/bench_similar.py) against what a reader of the hits
sees. Shared exclusions help the diagnosis measure (curators of one disease record the same absent
features), and a conflict penalty costs a little there, because curators record as excluded a
disease's variable features, which other patients with it have. But with a small penalty
(0.25) the first hit contradicted a finding of the query in 29% of a 1,500-case sample, and for
"ectopia lentis and aortic root aneurysm without arachnodactyly" the first hit was a case that
records ectopia lentis absent. ``CONFLICT_PENALTY = 1`` halves the score a case gains from
sharing half the query when it contradicts the other half: contradicted first hits fall to 19%
at a cost of two points of the diagnosis measure (still above the closure cosine and Jaccard;
figures in benchmarks/RESULTS.md). Hits need a shared present finding (``cos > 0``).

Search runs in two steps. Candidates come from sparse postings (per term, the cases whose closure
holds it, with their normalised weight; and per term, the cases that exclude it): the query's
closure and excluded terms, rarest first, are summed into a partial score until a budget of
postings is spent, so the very common low-IC terms ("Abnormality of the nervous system") that
would touch most of the corpus and move the score little are left out. The best few thousand
candidates are then scored exactly, conflicts included. Ties fall to
the case id, so results are deterministic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, Final

import numpy as np
import scipy.sparse as sp

from rarecase.corpus.records import CaseRecord, NamedDisease
from rarecase.errors import InputError, UnknownTermError
from rarecase.ontology.ids import PHENOTYPIC_ABNORMALITY, Subontology
from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.phenopacket.model import Case

#: How much a full contradiction costs, against a cosine in [0, 1] (see the module docstring).
CONFLICT_PENALTY: Final = 1.0
#: Weight of the query's coverage against the stored case's (see the module docstring).
QUERY_WEIGHT: Final = 0.7
#: Weight of the cosine between the two cases' excluded-term sets (see the module docstring).
EXCLUDED_BONUS: Final = 0.5
#: Candidates scored exactly per query; the rest of the corpus is ranked by the partial cosine.
CANDIDATES: Final = 2000
#: Postings read per query for candidates: at least this many, or one per stored case.
MIN_POSTINGS: Final = 200_000
#: Cases scored per block by the exhaustive search (bounds its memory).
_BLOCK: Final = 50_000

TermInput = str | int


class MatchKind(StrEnum):
    """How a query finding is found in a stored case."""

    EXACT = "exact"  # the stored case has the very term
    MORE_SPECIFIC = "more_specific"  # the stored case has a term below it
    COMMON_ANCESTOR = "common_ancestor"  # they share only an ancestor of the query's term


class ConflictSide(StrEnum):
    """Which side records as absent what the other has."""

    STORED_EXCLUDES = "stored_excludes"  # the query has a term the stored case excludes
    QUERY_EXCLUDES = "query_excludes"  # the stored case has a term the query excludes


@dataclass(frozen=True, slots=True)
class LabeledTerm:
    """An HPO term as shown to a reader: its id and label."""

    id: str
    label: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "label": self.label}


@dataclass(frozen=True, slots=True)
class SharedFinding:
    """A query finding seen in a stored case: the query's term, the stored term it matched
    through, and the term they share (the query's own term, or a common ancestor)."""

    query: LabeledTerm
    stored: LabeledTerm
    common: LabeledTerm
    kind: MatchKind

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query.to_json(),
            "stored": self.stored.to_json(),
            "common": self.common.to_json(),
            "kind": self.kind.value,
        }


@dataclass(frozen=True, slots=True)
class Conflict:
    """A present term of one side under (or equal to) an excluded term of the other."""

    present: LabeledTerm
    excluded: LabeledTerm
    side: ConflictSide

    def to_json(self) -> dict[str, Any]:
        return {
            "present": self.present.to_json(),
            "excluded": self.excluded.to_json(),
            "side": self.side.value,
        }


@dataclass(frozen=True, slots=True)
class SimilarCase:
    """One hit: the stored case, its publication and diagnoses, its score and the reasons."""

    id: str
    pmid: str
    diseases: tuple[NamedDisease, ...]
    score: float
    shared: tuple[SharedFinding, ...] = ()
    conflicts: tuple[Conflict, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "pmid": self.pmid,
            "diseases": [{"id": d.id, "label": d.label} for d in self.diseases],
            "score": round(self.score, 6),
            "shared": [s.to_json() for s in self.shared],
            "conflicts": [c.to_json() for c in self.conflicts],
        }


@dataclass(frozen=True, slots=True)
class _Query:
    """A query as indices: its present and excluded terms (weighted phenotype terms only)."""

    present: np.ndarray
    excluded: np.ndarray


@dataclass(frozen=True, eq=False)
class CaseIndex:
    """Stored cases as sparse matrices over term indices, for similar-case search and novelty.

    Build it once with :meth:`build` and keep it, like the knowledge base.

    >>> from rarecase.corpus import CaseRecord
    >>> index = CaseIndex.build(kb, [
    ...     CaseRecord("a", "PMID:1", present=("HP:0001250",)),
    ...     CaseRecord("b", "PMID:2", present=("HP:0010646", "HP:9999999"))])
    >>> [(hit.id, round(hit.score, 3)) for hit in index.search(["HP:0010646"])]
    [('b', 1.0)]
    >>> dict(index.dropped)
    {'HP:9999999': 1}
    """

    kb: KnowledgeBase
    ids: tuple[str, ...]
    pmids: tuple[str, ...]
    diseases: tuple[tuple[NamedDisease, ...], ...]
    #: cases x terms, the stored present / excluded terms (data unused; int32 indices)
    present: sp.csr_array
    excluded: sp.csr_array
    #: cases x terms (CSC: per term its postings), the closure weights over each case's norm
    postings: sp.csc_array
    #: per case, the norm of its closure weights (0 when it has no weighted term)
    norms: np.ndarray
    #: per term, its weight: IC under Phenotypic abnormality, 0 for it and everything else
    weights: np.ndarray
    #: term ids this release does not know, with how often the cases used them
    dropped: Mapping[str, int] = field(default_factory=dict)
    #: alt and obsolete ids read as their replacement, with how often
    remapped: Mapping[str, int] = field(default_factory=dict)
    #: what the cases are, for citing ("phenopacket-store"); empty when unnamed
    name: str = ""
    #: the weight of conflicts in the score (``dataclasses.replace`` it to compare)
    penalty: float = CONFLICT_PENALTY
    #: the weight of the cosine of the excluded-term sets (shared exclusions) in the score
    excluded_bonus: float = EXCLUDED_BONUS
    #: how much covering the query counts against covering the stored case (0.5: the cosine)
    query_weight: float = QUERY_WEIGHT
    #: cases x terms (CSC), the excluded terms' weights over each case's excluded norm
    excluded_postings: sp.csc_array | None = None

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def build(
        cls, kb: KnowledgeBase, records: Sequence[CaseRecord], *, name: str = ""
    ) -> CaseIndex:
        """Index ``records``: ids mapped to this HPO release (alt and obsolete ids to their
        replacement), unknown ones dropped and counted, terms outside the phenotypic-abnormality
        branch left out (they do not describe what a patient shows)."""
        resolved: dict[str, int] = {}
        dropped: Counter[str] = Counter()
        remapped: Counter[str] = Counter()
        weights = term_weights(kb)
        root = _root(kb)

        def index_of(term: str) -> int:
            found = resolved.get(term)
            if found is None:
                try:
                    found, remap = kb.resolve(term)
                except (UnknownTermError, InputError):
                    found = -1
                else:
                    if remap is not None:
                        found = -3 - found  # remember the remap, to count every use
                resolved[term] = found
            if found == -1:
                dropped[term] += 1
                return -1
            if found <= -3:
                remapped[term] += 1
                found = -3 - found
            return found if weights[found] > 0 or found == root else -1

        present_rows: list[list[int]] = []
        excluded_rows: list[list[int]] = []
        for record in records:
            present_rows.append(_unique(index_of(t) for t in record.present))
            excluded_rows.append(_unique(index_of(t) for t in record.excluded))
        return cls.from_indices(
            kb,
            tuple(r.id for r in records),
            tuple(r.pmid for r in records),
            tuple(_labelled(kb, r.diseases) for r in records),
            _rows_matrix(present_rows, len(kb)),
            _rows_matrix(excluded_rows, len(kb)),
            dropped=dict(dropped),
            remapped=dict(remapped),
            name=name,
        )

    @classmethod
    def from_indices(
        cls,
        kb: KnowledgeBase,
        ids: tuple[str, ...],
        pmids: tuple[str, ...],
        diseases: tuple[tuple[NamedDisease, ...], ...],
        present: sp.csr_array,
        excluded: sp.csr_array,
        *,
        dropped: Mapping[str, int] | None = None,
        remapped: Mapping[str, int] | None = None,
        name: str = "",
    ) -> CaseIndex:
        """Index cases already read as term indices (cases x terms CSR matrices): the fast path
        for large synthetic corpora, which :meth:`build` also ends in."""
        n = len(ids)
        if not (len(pmids) == len(diseases) == present.shape[0] == excluded.shape[0] == n):
            raise ValueError("ids, pmids, diseases and both matrices must have one row per case")
        weights = term_weights(kb)
        # The root as an exclusion still says something: "no phenotypic abnormality".
        present = _clean(present, weights, len(kb), -1)
        excluded = _clean(excluded, weights, len(kb), _root(kb))
        blocks = [
            _closure(kb, present[start : min(start + _BLOCK, n)], weights)
            for start in range(0, n, _BLOCK)
        ]
        closure = sp.vstack(blocks, format="csr") if blocks else sp.csr_array((0, len(kb)))
        values = weights[closure.indices]
        squares = np.bincount(
            np.repeat(np.arange(n), np.diff(closure.indptr)), values * values, minlength=n
        )
        norms = np.sqrt(squares)
        scale = np.repeat(
            np.where(norms > 0, 1.0 / np.maximum(norms, 1e-300), 0.0), np.diff(closure.indptr)
        )
        normalised = sp.csr_array(
            ((values * scale).astype(np.float32), closure.indices, closure.indptr),
            shape=closure.shape,
        )
        postings = sp.csc_array(normalised)
        postings.indices = postings.indices.astype(np.int32, copy=False)
        # Excluded terms as postings too: for "without x" in the novelty check, and for the
        # shared-exclusion part of the score in candidate generation.
        squared = weights[excluded.indices] ** 2
        x_counts = np.diff(excluded.indptr)
        x_norms = np.sqrt(np.bincount(np.repeat(np.arange(n), x_counts), squared, minlength=n))
        x_scale = np.repeat(np.where(x_norms > 0, 1.0 / np.maximum(x_norms, 1e-300), 0.0), x_counts)
        excluded_postings = sp.csc_array(
            sp.csr_array(
                (
                    (np.sqrt(squared) * x_scale).astype(np.float32),
                    excluded.indices,
                    excluded.indptr,
                ),
                shape=excluded.shape,
            )
        )
        excluded_postings.indices = excluded_postings.indices.astype(np.int32, copy=False)
        return cls(
            kb,
            ids,
            pmids,
            diseases,
            present,
            excluded,
            postings,
            norms,
            weights,
            dict(dropped or {}),
            dict(remapped or {}),
            name,
            excluded_postings=excluded_postings,
        )

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        """Bytes held in the index's arrays (the id and PMID strings not counted)."""
        total = self.norms.nbytes + self.weights.nbytes
        for m in (self.present, self.excluded, self.postings, self.excluded_postings):
            if m is None:
                continue
            total += m.data.nbytes + m.indices.nbytes + m.indptr.nbytes
        return int(total)

    # -- queries -----------------------------------------------------------------------------
    def search(
        self,
        present: Sequence[TermInput],
        excluded: Sequence[TermInput] = (),
        *,
        top: int = 10,
        exclude_pmids: Iterable[str] = (),
        candidates: int = CANDIDATES,
        postings: int | None = None,
        strict: bool = True,
    ) -> list[SimilarCase]:
        """The ``top`` stored cases most similar to a case with these present and excluded
        terms (ids or term indices), leaving out the publications in ``exclude_pmids``.

        ``candidates`` cases are scored exactly, chosen by reading at most ``postings`` postings
        (default: one per stored case, at least ``MIN_POSTINGS``).

        Unknown ids raise :class:`~rarecase.errors.UnknownTermError` naming the fix: a query is
        user input, and a silently shortened query would mislead. ``strict=False`` drops them
        instead (for stored cases used as queries, read under an older or newer release)."""
        query = self._query(present, excluded, strict)
        budget = max(MIN_POSTINGS, len(self)) if postings is None else postings
        rows = self._candidates(query, candidates, budget)
        return self._ranked(query, rows, top, exclude_pmids)

    def search_exhaustive(
        self,
        present: Sequence[TermInput],
        excluded: Sequence[TermInput] = (),
        *,
        top: int = 10,
        exclude_pmids: Iterable[str] = (),
        strict: bool = True,
    ) -> list[SimilarCase]:
        """As :meth:`search`, with the exact score of every stored case (for measuring recall)."""
        query = self._query(present, excluded, strict)
        return self._ranked(query, np.arange(len(self)), top, exclude_pmids)

    def search_case(
        self, case: Case, *, top: int = 10, exclude_pmids: Iterable[str] = ()
    ) -> list[SimilarCase]:
        """As :meth:`search`, for a phenopacket :class:`~rarecase.phenopacket.model.Case`."""
        return self.search(
            case.observed_ids,
            case.excluded_ids,
            top=top,
            exclude_pmids=exclude_pmids,
        )

    def scores(
        self, present: Sequence[TermInput], excluded: Sequence[TermInput] = ()
    ) -> np.ndarray:
        """The exact score of every stored case, in index order."""
        query = self._query(present, excluded)
        return self._exact(query, np.arange(len(self)))[0]

    # -- which cases show a finding (for the novelty check) ---------------------------------
    def rows_with(self, term: int) -> np.ndarray:
        """Rows of the cases that show ``term`` (an index): it or a more specific term."""
        if self.weights[term] > 0:
            ptr = self.postings.indptr
            return np.asarray(self.postings.indices[ptr[term] : ptr[term + 1]], dtype=np.int64)
        if term == _root(self.kb):  # every case with a phenotypic abnormality
            return np.flatnonzero(np.diff(self.present.indptr) > 0)
        return np.zeros(0, dtype=np.int64)

    def rows_without(self, term: int) -> np.ndarray:
        """Rows of the cases that record ``term`` absent: they exclude it or a term above it
        (lacking that, they lack everything below), and do not have it present (which a
        consistent case cannot; an inconsistent one says nothing either way)."""
        m = self._excluded_by_term
        above = self.kb.ancestors(term)
        rows = np.unique(np.concatenate([m.indices[m.indptr[a] : m.indptr[a + 1]] for a in above]))
        return np.setdiff1d(rows.astype(np.int64), self.rows_with(term), assume_unique=True)

    def rows_with_disease(self, disease: str) -> np.ndarray:
        """Rows of the cases diagnosed with ``disease`` (the exact id)."""
        return np.array(self._disease_rows.get(disease, []), dtype=np.int64)

    @cached_property
    def _excluded_by_term(self) -> sp.csc_array:
        if self.excluded_postings is not None:
            return self.excluded_postings
        return sp.csc_array(self.excluded)

    @cached_property
    def _disease_rows(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for row, diseases in enumerate(self.diseases):
            for d in dict.fromkeys(d.id for d in diseases):
                found.setdefault(d, []).append(row)
        return found

    # -- internals ---------------------------------------------------------------------------
    @cached_property
    def _ancestors(self) -> sp.csr_array:
        return sp.csr_array(self.kb.ancestor_matrix, dtype=np.float32)

    def _query(
        self, present: Sequence[TermInput], excluded: Sequence[TermInput], strict: bool = True
    ) -> _Query:
        root = _root(self.kb)
        p = [i for i in resolve_terms(self.kb, present, strict=strict) if self.weights[i] > 0]
        x = [
            i
            for i in resolve_terms(self.kb, excluded, strict=strict)
            if self.weights[i] > 0 or i == root
        ]
        return _Query(np.array(_unique(p), dtype=np.int64), np.array(_unique(x), dtype=np.int64))

    def _query_vector(self, query: _Query) -> np.ndarray:
        """The query's closure weights over its norm, dense over terms."""
        vector = np.zeros(len(self.weights))
        if len(query.present):
            closure = np.unique(np.concatenate([self.kb.ancestors(int(t)) for t in query.present]))
            vector[closure] = self.weights[closure]
            norm = float(np.sqrt(np.sum(vector * vector)))
            if norm > 0:
                vector /= norm
        return vector

    def _candidates(self, query: _Query, wanted: int, budget: int) -> np.ndarray:
        """Rows worth scoring exactly: the best partial scores over the rarest query terms
        (closure terms of the present ones, with their cosine weight, and excluded terms, with
        their weight in the shared-exclusion bonus)."""
        if len(self) == 0:
            return np.zeros(0, dtype=np.int64)
        vector = self._query_vector(query)
        lists: list[tuple[sp.csc_array, int, float]] = [
            (self.postings, int(t), float(vector[t])) for t in np.flatnonzero(vector)
        ]
        x_postings = self.excluded_postings
        if self.excluded_bonus and x_postings is not None and len(query.excluded):
            x_weights = self.weights[query.excluded]
            x_norm = float(np.sqrt(np.sum(x_weights * x_weights)))
            if x_norm > 0:
                lists += [
                    (x_postings, int(x), self.excluded_bonus * float(wx) / x_norm)
                    for x, wx in zip(query.excluded.tolist(), x_weights.tolist(), strict=True)
                    if wx > 0
                ]
        if not lists:
            return np.zeros(0, dtype=np.int64)
        sizes = np.array([int(m.indptr[t + 1] - m.indptr[t]) for m, t, _ in lists])
        order = np.argsort(sizes, kind="stable")
        spent = np.cumsum(sizes[order])
        keep = order[: max(3, int(np.searchsorted(spent, budget, side="right")))]
        rows = np.concatenate(
            [
                lists[k][0].indices[
                    lists[k][0].indptr[lists[k][1]] : lists[k][0].indptr[lists[k][1] + 1]
                ]
                for k in keep
            ]
        )
        values = np.concatenate(
            [
                lists[k][0].data[
                    lists[k][0].indptr[lists[k][1]] : lists[k][0].indptr[lists[k][1] + 1]
                ]
                * lists[k][2]
                for k in keep
            ]
        )
        partial = np.bincount(rows, values, minlength=len(self))
        # Only cases sharing a present finding are hits; the others may still be candidates
        # (their partial score counts shared exclusions), and are dropped after exact scoring.
        hit = np.flatnonzero(partial)
        if len(hit) > wanted:
            hit = hit[np.argpartition(-partial[hit], wanted - 1)[:wanted]]
        return hit

    def _exact(self, query: _Query, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exact scores of ``rows`` (see the module docstring) and their cosines, in blocks."""
        out = np.zeros(len(rows))
        cosines = np.zeros(len(rows))
        vector = self._query_vector(query) * self.weights  # w(t)² / ||Q|| on the closure
        q_norm = float(vector.sum())  # sum w(t)² / ||Q|| = ||Q||
        ancestors = self._ancestors
        q_weights = self.weights[query.present]
        q_total = float(q_weights.sum())
        # Query present terms as rows of their ancestors: hit when the case excludes one.
        q_ancestors = sp.csr_array(ancestors[query.present].T)
        below_excluded = np.zeros(len(self.weights), dtype=bool)
        for x in query.excluded:
            below_excluded[self.kb.descendants(int(x))] = True
        for start in range(0, len(rows), _BLOCK):
            block = rows[start : start + _BLOCK]
            sub = _take_rows(self.present, block)
            closure = sp.csr_array(sub @ ancestors)
            closure.data[:] = 1.0
            dot = closure @ vector
            norms = self.norms[block]
            cos = np.divide(dot, norms, out=np.zeros(len(block)), where=norms > 0)
            if self.query_weight != 0.5 and q_norm > 0:
                # cov_q^a * cov_c^(1-a) = cos * (||C|| / ||Q||)^(2a - 1), both coverages <= 1
                cos = cos * np.power(norms / q_norm, 2 * self.query_weight - 1)
            conflict_q = np.zeros(len(block))
            if q_total > 0:
                hits = _take_rows(self.excluded, block) @ q_ancestors
                hits = sp.csr_array(hits)
                hits.data = (hits.data > 0).astype(np.float32)
                conflict_q = (hits @ q_weights) / q_total
            conflict_c = np.zeros(len(block))
            if below_excluded.any() and sub.nnz:
                counts = np.diff(sub.indptr)
                owner = np.repeat(np.arange(len(block)), counts)
                w = self.weights[sub.indices]
                against = np.bincount(owner, w * below_excluded[sub.indices], minlength=len(block))
                total = np.bincount(owner, w, minlength=len(block))
                conflict_c = np.divide(against, total, out=np.zeros(len(block)), where=total > 0)
            cosines[start : start + len(block)] = cos
            score = cos - self.penalty * (conflict_q + conflict_c) / 2
            if self.excluded_bonus and len(query.excluded):
                score += self.excluded_bonus * self._excluded_cosine(query, block)
            out[start : start + len(block)] = score
        return out, cosines

    def _excluded_cosine(self, query: _Query, block: np.ndarray) -> np.ndarray:
        """IC-weighted cosine of the excluded-term sets (the terms themselves, no closure)."""
        w2 = self.weights * self.weights
        q = np.zeros(len(w2))
        q[query.excluded] = w2[query.excluded]
        q_norm = float(np.sqrt(q.sum()))
        sub = _take_rows(self.excluded, block)
        owner = np.repeat(np.arange(len(block)), np.diff(sub.indptr))
        norms = np.sqrt(np.bincount(owner, w2[sub.indices], minlength=len(block)))
        dot = sub @ q
        denominator = norms * q_norm
        return np.asarray(
            np.divide(dot, denominator, out=np.zeros(len(block)), where=denominator > 0)
        )

    def _ranked(
        self, query: _Query, rows: np.ndarray, top: int, exclude_pmids: Iterable[str]
    ) -> list[SimilarCase]:
        left_out = set(exclude_pmids)
        if left_out:
            rows = np.array([r for r in rows.tolist() if self.pmids[r] not in left_out], np.int64)
        if len(rows) == 0 or top <= 0:
            return []
        scores, cosines = self._exact(query, rows)
        # A case that shares no weighted term is not similar, whatever its conflicts.
        shared = np.flatnonzero(cosines > 0)
        order = sorted(shared.tolist(), key=lambda k: (-scores[k], self.ids[rows[k]]))
        return [self._hit(query, int(rows[k]), float(scores[k])) for k in order[:top]]

    def _hit(self, query: _Query, row: int, score: float) -> SimilarCase:
        return SimilarCase(
            self.ids[row],
            self.pmids[row],
            self.diseases[row],
            score,
            self._shared(query, row),
            self._conflicts(query, row),
        )

    def _term(self, i: int) -> LabeledTerm:
        return LabeledTerm(str(self.kb.term_id(i)), self.kb.label(i))

    def _row(self, matrix: sp.csr_array, row: int) -> list[int]:
        return [int(t) for t in matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]]]

    def _shared(self, query: _Query, row: int) -> tuple[SharedFinding, ...]:
        kb, w = self.kb, self.weights
        stored = self._row(self.present, row)
        stored_ancestors = {s: set(kb.ancestors(s).tolist()) for s in stored}
        found = []
        for t in query.present.tolist():
            below = [s for s in stored if t in stored_ancestors[s]]
            if below:
                s = t if t in below else max(below, key=lambda s: (w[s], -s))
                kind = MatchKind.EXACT if s == t else MatchKind.MORE_SPECIFIC
                found.append(SharedFinding(self._term(t), self._term(s), self._term(t), kind))
                continue
            mine = set(kb.ancestors(t).tolist())
            # The most informative common ancestor (lowest index, then stored term, on ties).
            pairs = [(a, s) for s in stored for a in mine & stored_ancestors[s] if w[a] > 0]
            if pairs:
                a, s = min(pairs, key=lambda pair: (-w[pair[0]], pair[0], pair[1]))
                found.append(
                    SharedFinding(
                        self._term(t), self._term(s), self._term(a), MatchKind.COMMON_ANCESTOR
                    )
                )
        return tuple(found)

    def _conflicts(self, query: _Query, row: int) -> tuple[Conflict, ...]:
        kb = self.kb
        found = []
        stored_excluded = self._row(self.excluded, row)
        for t in query.present.tolist():
            above = set(kb.ancestors(t).tolist())
            found += [
                Conflict(self._term(t), self._term(x), ConflictSide.STORED_EXCLUDES)
                for x in stored_excluded
                if x in above
            ]
        query_excluded = query.excluded.tolist()
        for s in self._row(self.present, row):
            above = set(kb.ancestors(s).tolist())
            found += [
                Conflict(self._term(s), self._term(x), ConflictSide.QUERY_EXCLUDES)
                for x in query_excluded
                if x in above
            ]
        return tuple(found)


def resolve_terms(
    kb: KnowledgeBase, terms: Iterable[TermInput], *, strict: bool = True
) -> list[int]:
    """Term indices of ids (alt and obsolete ids read as their replacement) or indices; unknown
    ids raise, or are left out when not ``strict``."""
    found = []
    for term in terms:
        if isinstance(term, int):
            found.append(kb.index(term))
            continue
        try:
            found.append(kb.resolve(term)[0])
        except (UnknownTermError, InputError):
            if strict:
                raise
    return found


def term_weights(kb: KnowledgeBase) -> np.ndarray:
    """Per term, its weight in case vectors: its IC under Phenotypic abnormality, else 0.

    >>> w = term_weights(kb)
    >>> float(w[kb.index("HP:0000118")]), bool(w[kb.index("HP:0001250")] > 0)
    (0.0, True)
    """
    mask = kb.subontology_mask(Subontology.PHENOTYPIC_ABNORMALITY)
    weights = np.where(mask, np.asarray(kb.information_content, dtype=np.float64), 0.0)
    if kb.is_current(PHENOTYPIC_ABNORMALITY):
        weights[kb.index(PHENOTYPIC_ABNORMALITY)] = 0.0
    return np.maximum(weights, 0.0)


def _root(kb: KnowledgeBase) -> int:
    """The index of Phenotypic abnormality, -1 in an excerpt without it."""
    return kb.index(PHENOTYPIC_ABNORMALITY) if kb.is_current(PHENOTYPIC_ABNORMALITY) else -1


def _unique(values: Iterable[int]) -> list[int]:
    return [v for v in dict.fromkeys(values) if v >= 0]


def _rows_matrix(rows: list[list[int]], n_terms: int) -> sp.csr_array:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    indices = np.fromiter((t for r in rows for t in r), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=bool)
    return sp.csr_array((data, indices, indptr), shape=(len(rows), n_terms))


def _clean(matrix: sp.csr_array, weights: np.ndarray, n_terms: int, root: int) -> sp.csr_array:
    """Rows of weighted terms only (and the branch root ``root``, -1 for none), 0/1, int32."""
    m = sp.csr_array(matrix, shape=(matrix.shape[0], n_terms), copy=True)
    m.sum_duplicates()
    coo = m.tocoo()
    keep = (weights[coo.col] > 0) | (coo.col == root)
    out = sp.csr_array(
        (np.ones(int(keep.sum()), dtype=bool), (coo.row[keep], coo.col[keep])),
        shape=(m.shape[0], n_terms),
    )
    out.sort_indices()
    out.indices = out.indices.astype(np.int32, copy=False)
    return out


def _closure(kb: KnowledgeBase, present: sp.csr_array, weights: np.ndarray) -> sp.csr_array:
    """Rows of each case's weighted closure terms (0/1)."""
    ancestors = sp.csr_array(kb.ancestor_matrix, dtype=np.float32)
    closure = sp.csr_array(present.astype(np.float32) @ ancestors)
    keep = weights[closure.indices] > 0
    closure.data = keep.astype(np.float32)
    closure.eliminate_zeros()
    closure.sort_indices()
    return closure


def _take_rows(matrix: sp.csr_array, rows: np.ndarray) -> sp.csr_array:
    """Rows of a CSR matrix as a float32 0/1 CSR matrix, gathered with numpy: scipy's row
    indexing copies the whole index-pointer array of a million-case matrix on every call."""
    starts = matrix.indptr[rows]
    lengths = matrix.indptr[rows + 1] - starts
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    total = int(indptr[-1])
    where = np.repeat(starts - indptr[:-1], lengths) + np.arange(total)
    return sp.csr_array(
        (np.ones(total, dtype=np.float32), matrix.indices[where], indptr),
        shape=(len(rows), matrix.shape[1]),
    )


def _labelled(kb: KnowledgeBase, diseases: tuple[NamedDisease, ...]) -> tuple[NamedDisease, ...]:
    """Diseases with their label, taken from HPO's annotations where the record gave none."""
    out = []
    for d in diseases:
        label = d.label
        if not label:
            try:
                label = kb.disease(d.id).name
            except UnknownTermError:
                label = ""
        out.append(NamedDisease(d.id, label))
    return tuple(out)
