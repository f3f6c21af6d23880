"""Turn hp.obo and phenotype.hpoa into flat arrays, once.

Everything later (ancestor sets, information content, disease-by-term matrices) is an index or a
sparse-matrix operation over these arrays, and the arrays are what the on-disk cache stores, so a
warm start reads them instead of parsing 40 MB of text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from rarecase.errors import OntologyFileError
from rarecase.ontology.hpoa import HpoaFile
from rarecase.ontology.ids import SUBONTOLOGY_ROOTS, Subontology, hpo_number
from rarecase.ontology.model import RemapKind
from rarecase.ontology.obo import OboDocument

SUBONTOLOGIES: tuple[Subontology, ...] = tuple(Subontology)


@dataclass(slots=True)
class Compiled:
    """Arrays (numpy) and texts (JSON-able) of one knowledge base; the unit the cache stores."""

    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    texts: dict[str, Any] = field(default_factory=dict)


class _Strings:
    """Interns repeated annotation strings (references, evidence codes) as small integers."""

    def __init__(self) -> None:
        self.values: list[str] = [""]
        self._index: dict[str, int] = {"": 0}

    def __call__(self, text: str) -> int:
        found = self._index.get(text)
        if found is None:
            found = self._index[text] = len(self.values)
            self.values.append(text)
        return found


def _topological(parents: list[list[int]], obo_path: Path) -> list[int]:
    """Order terms so that every term comes after all its parents; detects cycles."""
    n = len(parents)
    children: list[list[int]] = [[] for _ in range(n)]
    pending = [len(p) for p in parents]
    for child, ps in enumerate(parents):
        for p in ps:
            children[p].append(child)
    order = [i for i in range(n) if pending[i] == 0]
    for node in order:  # the list grows while we walk it: a breadth-first Kahn sort
        for child in children[node]:
            pending[child] -= 1
            if pending[child] == 0:
                order.append(child)
    if len(order) != n:
        raise OntologyFileError(
            str(obo_path), "the is_a relations contain a cycle", "use an official hp.obo release"
        )
    return order


def _csr(rows: list[list[int]], n_columns: int) -> sp.csr_array:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=indptr[1:])
    indices = np.fromiter(
        (c for r in rows for c in sorted(r)), dtype=np.int32, count=int(indptr[-1])
    )
    data = np.ones(len(indices), dtype=bool)
    return sp.csr_array((data, indices, indptr), shape=(len(rows), n_columns))


def compile_knowledge(
    obo: OboDocument, obo_path: Path, hpoa: HpoaFile, hpoa_path: Path
) -> Compiled:
    """Build the arrays; raises :class:`OntologyFileError` on dangling or cyclic references."""
    current = sorted(
        (t for t in obo.terms if not t.is_obsolete and hpo_number(t.id) is not None),
        key=lambda t: hpo_number(t.id) or 0,
    )
    numbers = np.array([hpo_number(t.id) for t in current], dtype=np.int32)
    index_of = {t.id: i for i, t in enumerate(current)}
    n = len(current)

    parents: list[list[int]] = []
    for term in current:
        row = []
        for parent in term.is_a:
            if parent not in index_of:
                raise OntologyFileError(
                    f"{obo_path}:{term.line}",
                    f"{term.id} has unknown parent {parent}",
                    "use an official hp.obo release",
                )
            row.append(index_of[parent])
        parents.append(row)

    ancestors: list[set[int]] = [set() for _ in range(n)]
    for node in _topological(parents, obo_path):
        own = ancestors[node]
        own.add(node)
        for p in parents[node]:
            own |= ancestors[p]
    ancestor_rows = [list(a) for a in ancestors]

    branch = np.full(n, SUBONTOLOGIES.index(Subontology.OTHER), dtype=np.int8)
    for i in range(n):
        for sub, root in reversed(SUBONTOLOGY_ROOTS):  # the first root listed wins: assign it last
            root_index = index_of.get(str(root))
            if root_index is not None and root_index in ancestors[i]:
                branch[i] = SUBONTOLOGIES.index(sub)

    # Alternative ids point at the current term that lists them.
    alt_pairs = sorted(
        (hpo_number(alt) or 0, index_of[t.id])
        for t in current
        for alt in t.alt_ids
        if hpo_number(alt) is not None
    )
    obsolete = sorted(
        (t for t in obo.terms if t.is_obsolete and hpo_number(t.id) is not None),
        key=lambda t: hpo_number(t.id) or 0,
    )
    obsolete_replaced = np.array(
        [index_of.get(t.replaced_by[0], -1) if t.replaced_by else -1 for t in obsolete],
        dtype=np.int32,
    )

    compiled = Compiled()
    a = compiled.arrays
    a["term_number"] = numbers
    parent_matrix = _csr(parents, n)
    ancestor_matrix = _csr(ancestor_rows, n)
    a["parent_indptr"], a["parent_indices"] = parent_matrix.indptr, parent_matrix.indices
    a["ancestor_indptr"], a["ancestor_indices"] = ancestor_matrix.indptr, ancestor_matrix.indices
    a["subontology"] = branch
    a["alt_number"] = np.array([p[0] for p in alt_pairs], dtype=np.int32)
    a["alt_target"] = np.array([p[1] for p in alt_pairs], dtype=np.int32)
    a["obsolete_number"] = np.array([hpo_number(t.id) for t in obsolete], dtype=np.int32)
    a["obsolete_replaced"] = obsolete_replaced
    t = compiled.texts
    t["hpo_version"] = obo.data_version.removeprefix("hp/releases/")
    t["labels"] = [x.name for x in current]
    t["definitions"] = [x.definition for x in current]
    t["comments"] = [x.comment for x in current]
    t["synonyms"] = [[list(s) for s in x.synonyms] for x in current]
    t["xrefs"] = [x.xrefs for x in current]
    t["obsolete_labels"] = [x.name.removeprefix("obsolete ") for x in obsolete]
    t["obsolete_consider"] = [[index_of[c] for c in x.consider if c in index_of] for x in obsolete]
    _compile_annotations(
        compiled, hpoa, hpoa_path, index_of, alt_pairs, obsolete, obsolete_replaced
    )
    _compile_information_content(compiled, ancestor_matrix)
    return compiled


def _compile_annotations(
    compiled: Compiled,
    hpoa: HpoaFile,
    hpoa_path: Path,
    index_of: dict[str, int],
    alt_pairs: list[tuple[int, int]],
    obsolete: list[Any],
    obsolete_replaced: np.ndarray,
) -> None:
    alt_map = dict(alt_pairs)
    obsolete_map = {
        hpo_number(o.id): int(r) for o, r in zip(obsolete, obsolete_replaced, strict=True)
    }
    remaps: list[list[Any]] = []
    unresolved: list[list[Any]] = []

    def resolve(raw: str, line: int) -> int | None:
        found = index_of.get(raw)
        if found is not None:
            return found
        number = hpo_number(raw)
        if number in alt_map:
            target = alt_map[number]
            remaps.append([line, raw, target, RemapKind.ALT_ID.value])
            return target
        replaced = obsolete_map.get(number, -1)
        if replaced >= 0:
            remaps.append([line, raw, replaced, RemapKind.REPLACED_BY.value])
            return replaced
        unresolved.append([line, raw])
        return None

    strings = _Strings()
    disease_index: dict[str, int] = {}
    disease_names: list[str] = []
    cols: dict[str, list[int]] = {
        k: []
        for k in (
            "disease",
            "term",
            "onset",
            "sex",
            "evidence",
            "aspect",
            "reference",
            "frequency_text",
            "modifier",
        )
    }
    negated: list[bool] = []
    frequency: list[float] = []
    for row in hpoa.rows:
        if ":" not in row.database_id:
            raise OntologyFileError(
                f"{hpoa_path}:{row.line}",
                f"disease id {row.database_id!r} has no prefix",
                "the file is not phenotype.hpoa; use an official release",
            )
        term = resolve(row.hpo_id, row.line)
        if term is None:
            continue
        onset = resolve(row.onset, row.line) if row.onset else -1
        d = disease_index.get(row.database_id)
        if d is None:
            d = disease_index[row.database_id] = len(disease_names)
            disease_names.append(row.disease_name)
        cols["disease"].append(d)
        cols["term"].append(term)
        cols["onset"].append(-1 if onset is None else onset)
        cols["sex"].append(strings(row.sex))
        cols["evidence"].append(strings(row.evidence))
        cols["aspect"].append(strings(row.aspect))
        cols["reference"].append(strings(row.reference))
        cols["frequency_text"].append(strings(row.frequency_text))
        cols["modifier"].append(strings(row.modifier))
        negated.append(row.negated)
        frequency.append(np.nan if row.frequency is None else row.frequency)

    a = compiled.arrays
    for key, values in cols.items():
        a[f"ann_{key}"] = np.array(values, dtype=np.int32)
    a["ann_negated"] = np.array(negated, dtype=bool)
    a["ann_frequency"] = np.array(frequency, dtype=np.float64)
    t = compiled.texts
    t["hpoa_version"] = hpoa.version
    t["disease_ids"] = list(disease_index)
    t["disease_names"] = disease_names
    t["strings"] = strings.values
    t["annotation_remaps"] = remaps
    # Rows whose term (or onset) this hp.obo does not know; a row with an unknown term is skipped.
    t["annotation_unresolved"] = unresolved


def _compile_information_content(compiled: Compiled, ancestors: sp.csr_array) -> None:
    """IC(t) = -ln(share of annotated diseases showing t or a descendant of t).

    A term no disease is annotated with gets the IC of a term annotated to a single disease, the
    most specific evidence possible, so IC never rises from a term to its ancestors.
    """
    a = compiled.arrays
    n_terms = ancestors.shape[0]
    positive = ~a["ann_negated"]
    diseases = a["ann_disease"][positive]
    terms = a["ann_term"][positive]
    n_diseases = len(compiled.texts["disease_ids"])
    direct = sp.csr_array(
        (np.ones(len(terms), dtype=np.float32), (diseases, terms)), shape=(n_diseases, n_terms)
    )
    propagated = (direct @ ancestors.astype(np.float32)) > 0
    counts = np.asarray(propagated.sum(axis=0)).ravel().astype(np.int32)
    annotated = int(np.count_nonzero(np.asarray(propagated.sum(axis=1)).ravel()))
    total = max(annotated, 1)
    a["disease_count"] = counts
    a["information_content"] = -np.log(np.maximum(counts, 1) / total)
