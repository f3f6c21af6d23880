"""The HPO knowledge base: terms, hierarchy, information content and disease annotations.

Loaded once (see :func:`rarecase.ontology.load`) and passed to whatever needs it. Terms are
integer indices into its arrays; :class:`~rarecase.ontology.model.Term` objects are built only
when asked for, so loading stays fast and small.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from rarecase.errors import InputError, ObsoleteTermError, UnknownTermError
from rarecase.ontology.compile import SUBONTOLOGIES, Compiled
from rarecase.ontology.ids import Subontology, TermId, hpo_id, hpo_number
from rarecase.ontology.model import (
    Annotation,
    Database,
    Disease,
    Remap,
    RemapKind,
    Synonym,
    SynonymScope,
    Term,
)
from rarecase.ontology.sources import HpoSources

TermRef = int | str | TermId


class KnowledgeBase:
    """Read-only view over compiled HPO arrays.

    >>> kb.label(kb.index("HP:0001250"))
    'Seizure'
    >>> [kb.label(i) for i in kb.parents(kb.index("HP:0001250"))]
    ['Abnormal nervous system physiology']
    """

    def __init__(
        self,
        compiled: Compiled,
        *,
        sources: HpoSources | None = None,
        cache_path: Path | None = None,
        built: bool = False,
    ) -> None:
        self._a = compiled.arrays
        self._t = compiled.texts
        self.sources = sources
        self.cache_path = cache_path
        #: True when this load compiled the sources (a cold start), False when read from cache.
        self.built = built
        self._numbers: np.ndarray = self._a["term_number"]
        n = len(self._numbers)
        self._parents = sp.csr_array(
            (
                np.ones(len(self._a["parent_indices"]), dtype=bool),
                self._a["parent_indices"],
                self._a["parent_indptr"],
            ),
            shape=(n, n),
        )
        self._anc_indptr: np.ndarray = self._a["ancestor_indptr"]
        self._ancestor_sets: dict[int, frozenset[int]] = {}  # filled as asked, for subsumption
        self._anc_indices: np.ndarray = self._a["ancestor_indices"]

    # -- versions and sizes ---------------------------------------------------------------
    @property
    def hpo_version(self) -> str:
        return str(self._t["hpo_version"])

    @property
    def hpoa_version(self) -> str:
        return str(self._t["hpoa_version"])

    def __len__(self) -> int:
        return len(self._numbers)

    @property
    def n_diseases(self) -> int:
        return len(self._t["disease_ids"])

    @property
    def n_annotations(self) -> int:
        return len(self._a["ann_term"])

    def __repr__(self) -> str:
        return (
            f"KnowledgeBase(HPO {self.hpo_version}, {len(self)} terms, "
            f"{self.n_diseases} diseases, {self.n_annotations} annotations)"
        )

    # -- identifiers ----------------------------------------------------------------------
    @cached_property
    def _index_of(self) -> dict[int, int]:
        return {int(n): i for i, n in enumerate(self._numbers.tolist())}

    def _find(self, number: int) -> int:
        return self._index_of.get(number, -1)

    def _number(self, term: str | TermId, source: str) -> int:
        number = hpo_number(str(term))
        if number is None:
            raise InputError(
                source, f"{str(term)!r} is not an HPO id", "HPO ids look like HP:0001250"
            )
        return number

    def is_current(self, term: str | TermId) -> bool:
        number = hpo_number(str(term))
        return number is not None and self._find(number) >= 0

    def index(self, term: TermRef, *, source: str = "") -> int:
        """The array index of a *current* term; alt and obsolete ids raise, naming the fix."""
        if isinstance(term, int | np.integer):
            if not 0 <= term < len(self):
                raise IndexError(f"term index {term} out of range")
            return int(term)
        number = self._number(term, source)
        found = self._find(number)
        if found >= 0:
            return found
        raise self._not_current(hpo_id(number), source)

    def resolve(self, term: str | TermId, *, source: str = "") -> tuple[int, Remap | None]:
        """The index of ``term`` or of what HPO says replaces it, with the remapping made.

        >>> i, remap = kb.resolve("HP:0001275")  # an alt_id of Seizure
        >>> kb.label(i), remap.kind.value
        ('Seizure', 'alt_id')
        """
        number = self._number(term, source)
        found = self._find(number)
        if found >= 0:
            return found, None
        remap = self.remap_of(hpo_id(number))
        if remap is not None and remap.target is not None:
            return self._find(self._number(remap.target, source)), remap
        raise self._not_current(hpo_id(number), source)

    def remap_of(self, term: str | TermId) -> Remap | None:
        """What HPO says about a non-current id: alt_id, replaced_by, consider; else None."""
        number = hpo_number(str(term))
        if number is None:
            return None
        source = TermId.parse(hpo_id(number))
        # An obsolete stanza says more (replaced_by, consider) than the alt_id HPO often also
        # lists on the replacement, so it is asked first.
        obs = self._lookup(self._a["obsolete_number"], number)
        if obs < 0:
            alt = self._lookup(self._a["alt_number"], number)
            if alt < 0:
                return None
            return Remap(source, self.term_id(int(self._a["alt_target"][alt])), RemapKind.ALT_ID)
        replaced = int(self._a["obsolete_replaced"][obs])
        if replaced >= 0:
            return Remap(source, self.term_id(replaced), RemapKind.REPLACED_BY)
        consider = tuple(self.term_id(c) for c in self._t["obsolete_consider"][obs])
        return Remap(source, None, RemapKind.CONSIDER, consider=consider)

    @staticmethod
    def _lookup(sorted_numbers: np.ndarray, number: int) -> int:
        i = int(np.searchsorted(sorted_numbers, number))
        return i if i < len(sorted_numbers) and sorted_numbers[i] == number else -1

    def _not_current(self, term: str, source: str) -> UnknownTermError:
        remap = self.remap_of(term)
        release = f"HPO {self.hpo_version}"
        if remap is not None and remap.kind is RemapKind.ALT_ID and remap.target is not None:
            return ObsoleteTermError(
                source,
                f"{term} is an alternative id of {remap.target} "
                f"({self.label(self.index(remap.target))}) in {release}",
                f"use {remap.target}",
                term_id=term,
                replacement=str(remap.target),
            )
        if remap is not None:
            obs = self._lookup(self._a["obsolete_number"], hpo_number(term) or 0)
            label = self._t["obsolete_labels"][obs]
            if remap.target is not None:
                fix = f"use {remap.target} ({self.label(self.index(remap.target))})"
            elif remap.consider:
                fix = "consider " + ", ".join(
                    f"{c} ({self.label(self.index(c))})" for c in remap.consider
                )
            else:
                fix = "HPO names no replacement; choose a current term"
            return ObsoleteTermError(
                source,
                f"{term} ({label}) is obsolete in {release}",
                fix,
                term_id=term,
                replacement=str(remap.target) if remap.target else None,
                consider=tuple(str(c) for c in remap.consider),
            )
        near = self._near_ids(hpo_number(term) or 0)
        options = " or ".join(f"{self.term_id(i)} ({self.label(i)})" for i in near)
        fix = (
            f"did you mean {options}?"
            if near
            else "check the id, or use --hpo-dir with a newer HPO release"
        )
        return UnknownTermError(source, f"{term} is not an HPO term ({release})", fix, term_id=term)

    def _near_ids(self, number: int) -> list[int]:
        """Current ids one keystroke away (a digit changed, swapped, lost or doubled)."""
        digits = f"{number:07d}"
        variants: set[str] = set()
        for pos in range(len(digits)):
            for d in "0123456789":
                variants.add(digits[:pos] + d + digits[pos + 1 :])
            variants.add(digits[:pos] + digits[pos + 1 :])
            if pos + 1 < len(digits):
                variants.add(digits[:pos] + digits[pos + 1] + digits[pos] + digits[pos + 2 :])
        found = {self._find(int(v)) for v in variants if v and v != digits and len(v) <= 7}
        # The most used terms first: they are the likelier intent.
        counts = self._a["disease_count"]
        return sorted((i for i in found if i >= 0), key=lambda i: -int(counts[i]))[:3]

    def term_id(self, index: int) -> TermId:
        return TermId("HP", f"{int(self._numbers[index]):07d}")

    def term_ids(self, indices: Iterable[int]) -> list[TermId]:
        return [self.term_id(int(i)) for i in indices]

    # -- terms ----------------------------------------------------------------------------
    def label(self, term: TermRef) -> str:
        return str(self._t["labels"][self.index(term)])

    def term(self, term: TermRef) -> Term:
        """The full record of a term (accepts alt ids, not obsolete ones)."""
        i = self.index(term) if isinstance(term, int | np.integer) else self.resolve(term)[0]
        alt_ids = tuple(
            TermId("HP", f"{int(n):07d}")
            for n, target in zip(self._a["alt_number"], self._a["alt_target"], strict=True)
            if target == i
        )
        return Term(
            id=self.term_id(i),
            label=self._t["labels"][i],
            definition=self._t["definitions"][i],
            comment=self._t["comments"][i],
            synonyms=tuple(
                Synonym(text, SynonymScope(scope), kind)
                for text, scope, kind in self._t["synonyms"][i]
            ),
            xrefs=tuple(self._t["xrefs"][i]),
            parents=tuple(self.term_ids(self.parents(i))),
            children=tuple(self.term_ids(self.children(i))),
            alt_ids=alt_ids,
            subontology=self.subontology(i),
            information_content=float(self.information_content[i]),
            disease_count=int(self._a["disease_count"][i]),
        )

    @property
    def labels(self) -> Sequence[str]:
        return self._t["labels"]  # type: ignore[no-any-return]

    def synonyms(self, index: int) -> list[tuple[str, str, str]]:
        """(text, scope, type) of each synonym of the term at ``index``."""
        return [(str(s[0]), str(s[1]), str(s[2])) for s in self._t["synonyms"][index]]

    def subontology(self, term: TermRef) -> Subontology:
        return SUBONTOLOGIES[int(self._a["subontology"][self.index(term)])]

    def subontology_mask(self, branch: Subontology) -> np.ndarray:
        """Boolean mask over term indices of one branch (e.g. phenotypic abnormalities)."""
        return np.asarray(self._a["subontology"] == SUBONTOLOGIES.index(branch))

    # -- hierarchy ------------------------------------------------------------------------
    def parents(self, term: TermRef) -> np.ndarray:
        i = self.index(term)
        return np.asarray(
            self._parents.indices[self._parents.indptr[i] : self._parents.indptr[i + 1]]
        )

    def children(self, term: TermRef) -> np.ndarray:
        i = self.index(term)
        m = self._children_matrix
        return np.asarray(m.indices[m.indptr[i] : m.indptr[i + 1]])

    def ancestors(self, term: TermRef, *, include_self: bool = True) -> np.ndarray:
        """Indices of the term's ancestors (sorted; itself included unless told otherwise).

        >>> sorted(kb.label(i) for i in kb.ancestors("HP:0001250"))[:3]
        ['Abnormal nervous system physiology', 'Abnormality of the nervous system', 'All']
        """
        i = self.index(term)
        found = self._anc_indices[self._anc_indptr[i] : self._anc_indptr[i + 1]]
        return found if include_self else found[found != i]

    def descendants(self, term: TermRef, *, include_self: bool = True) -> np.ndarray:
        i = self.index(term)
        m = self._descendant_matrix
        found = np.asarray(m.indices[m.indptr[i] : m.indptr[i + 1]])
        return found if include_self else found[found != i]

    def is_ancestor(self, ancestor: TermRef, descendant: TermRef) -> bool:
        """True when ``ancestor`` subsumes ``descendant`` (a term subsumes itself)."""
        a, d = self.index(ancestor), self.index(descendant)
        found = self._ancestor_sets.get(d)
        if found is None:
            row = self._anc_indices[self._anc_indptr[d] : self._anc_indptr[d + 1]]
            found = self._ancestor_sets[d] = frozenset(row.tolist())
        return a in found

    @cached_property
    def ancestor_matrix(self) -> sp.csr_array:
        """Boolean T x T matrix: row t has the ancestors of t (itself included)."""
        n = len(self)
        return sp.csr_array(
            (np.ones(len(self._anc_indices), dtype=bool), self._anc_indices, self._anc_indptr),
            shape=(n, n),
        )

    @cached_property
    def _descendant_matrix(self) -> sp.csr_array:
        return sp.csr_array(self.ancestor_matrix.T)

    @cached_property
    def _children_matrix(self) -> sp.csr_array:
        return sp.csr_array(self._parents.T)

    @property
    def information_content(self) -> np.ndarray:
        """IC per term index: -ln(share of annotated diseases that show the term)."""
        return self._a["information_content"]

    @property
    def disease_counts(self) -> np.ndarray:
        """Per term: how many diseases are annotated with it or a descendant."""
        return self._a["disease_count"]

    # -- remapping reports -----------------------------------------------------------------
    def remappings(self) -> list[Remap]:
        """Every alt_id and obsolete id this release knows, with what it maps to."""
        numbers = np.union1d(self._a["alt_number"], self._a["obsolete_number"])
        found = [self.remap_of(hpo_id(int(n))) for n in numbers]
        return [r for r in found if r is not None]

    def annotation_remaps(self) -> list[Remap]:
        """Ids in phenotype.hpoa that were not current in hp.obo, and what they were read as."""
        where = self.sources.hpoa.name if self.sources else "phenotype.hpoa"
        report = [
            Remap(TermId.parse(raw), self.term_id(target), RemapKind(kind), where=f"{where}:{line}")
            for line, raw, target, kind in self._t["annotation_remaps"]
        ]
        report += [
            Remap(TermId.parse(raw), None, RemapKind.UNRESOLVED, where=f"{where}:{line}")
            for line, raw in self._t["annotation_unresolved"]
        ]
        return report

    # -- diseases -------------------------------------------------------------------------
    @cached_property
    def _disease_index(self) -> dict[str, int]:
        return {d: i for i, d in enumerate(self._t["disease_ids"])}

    def disease(self, disease: str | int) -> Disease:
        i = disease if isinstance(disease, int) else self._disease_index.get(disease.strip(), -1)
        if not 0 <= i < self.n_diseases:
            raise UnknownTermError(
                "",
                f"{disease!r} is not an annotated disease (phenotype.hpoa {self.hpoa_version})",
                "use an OMIM:, ORPHA: or DECIPHER: id from phenotype.hpoa",
                term_id=str(disease),
            )
        ident = self._t["disease_ids"][i]
        return Disease(ident, self._t["disease_names"][i], Database(ident.split(":", 1)[0]), i)

    def diseases(self) -> list[Disease]:
        return [self.disease(i) for i in range(self.n_diseases)]

    @cached_property
    def _annotation_order(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self._a["ann_disease"], kind="stable")
        bounds = np.searchsorted(self._a["ann_disease"][order], np.arange(self.n_diseases + 1))
        return order, bounds

    def annotations(self, disease: str | int) -> list[Annotation]:
        """The annotations of one disease, positive and NOT, in file order."""
        d = self.disease(disease)
        order, bounds = self._annotation_order
        s = self._t["strings"]
        a = self._a
        result = []
        for row in order[bounds[d.index] : bounds[d.index + 1]]:
            freq = float(a["ann_frequency"][row])
            onset = int(a["ann_onset"][row])
            modifiers = s[int(a["ann_modifier"][row])]
            result.append(
                Annotation(
                    disease=d.id,
                    term=self.term_id(int(a["ann_term"][row])),
                    negated=bool(a["ann_negated"][row]),
                    frequency=None if np.isnan(freq) else freq,
                    frequency_text=s[int(a["ann_frequency_text"][row])],
                    onset=self.term_id(onset) if onset >= 0 else None,
                    sex=s[int(a["ann_sex"][row])],
                    evidence=s[int(a["ann_evidence"][row])],
                    reference=s[int(a["ann_reference"][row])],
                    modifiers=tuple(TermId.parse(m) for m in modifiers.split(";") if m),
                    aspect=s[int(a["ann_aspect"][row])],
                )
            )
        return result

    def annotated_diseases(self, term: TermRef) -> list[tuple[Disease, float | None]]:
        """Diseases annotated with exactly this term (not NOT), with the annotation frequency.

        >>> [(d.id, f) for d, f in kb.annotated_diseases("HP:0010646")][:1]
        [('OMIM:300989', None)]
        """
        i = self.index(term)
        a = self._a
        rows = np.flatnonzero((a["ann_term"] == i) & ~a["ann_negated"])
        found = []
        for row in rows:
            freq = float(a["ann_frequency"][row])
            found.append(
                (self.disease(int(a["ann_disease"][row])), None if np.isnan(freq) else freq)
            )
        return found

    def inheritance(self, disease: str | int) -> list[TermId]:
        """The modes of inheritance annotated for a disease (aspect I rows)."""
        return [a.term for a in self.annotations(disease) if a.aspect == "I" and not a.negated]

    def disease_term_matrix(self, *, negated: bool = False) -> sp.csr_array:
        """Diseases x terms, the annotation frequency in each cell (NaN: annotated, frequency
        not given). ``negated=True`` gives the NOT annotations instead of the positive ones."""
        a = self._a
        keep = a["ann_negated"] == negated
        matrix = sp.coo_array(
            (a["ann_frequency"][keep], (a["ann_disease"][keep], a["ann_term"][keep])),
            shape=(self.n_diseases, len(self)),
        ).tocsr()
        matrix.sum_duplicates()
        return matrix

    def array(self, name: str) -> Any:
        """Raw compiled array by name, for vectorised code in other packages."""
        return self._a[name]
